"""Checks of user input shared by both engines: every error names the parameter, what was expected
and what came, so that nobody meets a bare KeyError or IndexError from inside numpy or networkx."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from ..base.limits import check_memory, excerpt
from .activations import Activation, get_activation
from .init import check_init, seeded_rng
from .losses import Loss, get_loss

# What one Connection and one Neuron cost in the scalar engine (objects, graph dicts, the engine's lists),
# measured with tracemalloc and rounded up: the memory estimate behind NEUROSIM_MAX_MEMORY.
BYTES_PER_CONNECTION = 450
BYTES_PER_NEURON = 1500


def network_bytes(sizes: Sequence[int]) -> int:
    """The estimated memory of a scalar-engine network with these layer widths (an exact int, never a float)."""
    connections = sum(a * b for a, b in zip(sizes, sizes[1:]))
    return connections * BYTES_PER_CONNECTION + sum(sizes) * BYTES_PER_NEURON


# The matrix twin holds W^(l) and b^(l) as float64 arrays: 8 bytes per parameter, plus numpy's array headers and
# the lists that hold them (and the per-layer slots of Z, A, Δ), rounded up per layer.
BYTES_PER_PARAMETER = 8
MATRIX_BYTES_PER_LAYER = 1024


def matrix_bytes(sizes: Sequence[int]) -> int:
    """The estimated memory of a matrix twin with these layer widths: 8 bytes per weight and bias plus a small
    overhead per layer (an exact int)."""
    parameters = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    return parameters * BYTES_PER_PARAMETER + len(sizes) * MATRIX_BYTES_PER_LAYER


def check_sizes(sizes: Sequence[int], estimate=network_bytes, engine: str = "a network") -> list[int]:
    """[s_1, …, s_{n_l}]: at least two layers, each a whole number >= 1, and a network that fits the memory
    limit (``NEUROSIM_MAX_MEMORY``, see :mod:`neurosim.base.limits`) by ``estimate`` (the scalar engine's
    :func:`network_bytes` unless the matrix twin passes :func:`matrix_bytes`)."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"sizes: expected a list of layer widths such as [3, 4, 2], got {excerpt(sizes)}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes: expected at least 2 layers (input and output), got {excerpt(sizes)}")
    for l, s in enumerate(sizes, start=1):
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
            raise ValueError(f"sizes: layer {l} must have a whole number >= 1 of neurons, got {excerpt(s)}")
    sizes = [int(s) for s in sizes]
    check_memory(estimate(sizes), "sizes",
                 f"{engine} of {len(sizes)} layers with {excerpt(sum(sizes))} neurons and "
                 f"{excerpt(sum(a * b for a, b in zip(sizes, sizes[1:])))} connections")
    return sizes


def check_output_width(loss: Loss, sizes: list[int]) -> None:
    """cross_entropy needs one output neuron per class, so at least 2."""
    if loss.name == "cross_entropy" and sizes[-1] < 2:
        raise ValueError("loss: 'cross_entropy' needs at least 2 output neurons (one per class), got 1; "
                         "for two classes with one output neuron use loss='binary_cross_entropy'")


def check_setup(sizes, activation, output, loss, weight_decay: float, seed, init: str, estimate=network_bytes,
                engine: str = "a network") -> tuple[list[int], list[Activation], Loss, float, np.random.Generator, str]:
    """A new network's arguments, checked in the order both engines check them: (sizes, the activation of each
    layer 2 … n_l, the Loss, λ, a generator seeded by ``seed``, the init scheme's canonical name)."""
    sizes = check_sizes(sizes, estimate, engine)
    activations, loss = resolve_activations(activation, output, loss, len(sizes))
    check_output_width(loss, sizes)
    weight_decay = check_number(weight_decay, "weight_decay")
    rng = seeded_rng(seed)
    return sizes, activations, loss, weight_decay, rng, check_init(init)


def check_number(value, name: str, *, positive: bool = False) -> float:
    """A finite real number, >= 0 (or > 0 with ``positive``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}: expected a finite number, got {excerpt(value)}")
    try:
        number = float(value)
    except OverflowError:   # a Python int beyond 1.8e308
        raise ValueError(f"{name}: expected a finite number, got {excerpt(value)}, too large for a float") from None
    if not np.isfinite(number):
        raise ValueError(f"{name}: expected a finite number, got {excerpt(value)}")
    if number < 0 or (positive and number == 0):
        raise ValueError(f"{name}: expected a {'positive' if positive else 'non-negative'} number, "
                         f"got {excerpt(value)}")
    return number


def check_seed(seed, name: str = "seed") -> int | None:
    """``None`` or a whole number >= 0: what numpy's generators take as a seed."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{name}: expected None or a whole number >= 0, got {excerpt(seed)}")
    return int(seed)


def check_callback(callback, name: str = "callback") -> None:
    """``None`` or something callable."""
    if callback is not None and not callable(callback):
        raise TypeError(f"{name}: expected None or a function callback(epoch, cost), got {type(callback).__name__} "
                        f"{excerpt(callback)}")


def check_layer(l, n_layers: int, name: str = "l", *, first: int = 1, last: int | None = None) -> int:
    """A 1-based layer number in [first, last]."""
    last = n_layers if last is None else last
    if isinstance(l, bool) or not isinstance(l, numbers.Integral) or not first <= l <= last:
        raise ValueError(f"{name}: expected a layer number from {first} to {last}, got {excerpt(l)}")
    return int(l)


def check_index(i, size: int, name: str, layer: int) -> int:
    """A 1-based neuron number of a layer with ``size`` neurons."""
    if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 1 <= i <= size:
        raise ValueError(f"{name}: layer {layer} has neurons 1 to {size} (1-based), got {excerpt(i)}")
    return int(i)


def resolve_activations(activation, output, loss: str | Loss, n_layers: int) -> tuple[list[Activation], Loss]:
    """The activation of each layer l = 2 … n_l (a list of n_l − 1) and the Loss, with their pairing checked.

    ``output=None`` takes softmax for cross_entropy, sigmoid for binary_cross_entropy and otherwise
    the hidden activation (Van Vaerenbergh's single f).
    """
    loss = get_loss(loss)
    n_hidden = n_layers - 2
    if isinstance(activation, (list, tuple)):
        if len(activation) != n_hidden:
            raise ValueError(f"activation: a list needs one entry per hidden layer (l = 2 … {n_layers - 1}), "
                             f"i.e. {n_hidden}, got {len(activation)}")
        hidden = [get_activation(a, f"activation[{k}]") for k, a in enumerate(activation)]
        default_output = hidden[-1] if hidden else None
    else:
        hidden = [get_activation(activation)] * n_hidden
        default_output = get_activation(activation)
    for k, act in enumerate(hidden):
        if not act.elementwise:
            raise ValueError(f"activation: {act.name!r} (layer {k + 2}) is allowed only as the output activation")
    if output is None:
        output = loss.paired_output or default_output
    out = get_activation(output, "output")
    if loss.paired_output and out.name != loss.paired_output:
        raise ValueError(f"output: loss {loss.name!r} needs output={loss.paired_output!r}, got {excerpt(out.name)}")
    if out.name == "softmax" and loss.name != "cross_entropy":
        raise ValueError(f"output: 'softmax' is allowed only with loss='cross_entropy', got loss={loss.name!r}")
    return [*hidden, out], loss


def as_array(value, name: str) -> np.ndarray:
    """``value`` as a float array with every entry finite; complex numbers and integers beyond the range of a
    float are refused rather than truncated or overflowed."""
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: expected a rectangular array of numbers, got {type(value).__name__} "
                         f"{excerpt(value)}") from None
    if raw.dtype.kind == "c":
        raise TypeError(f"{name}: expected real numbers, got complex values ({excerpt(raw)})")
    if raw.dtype.kind == "O":
        _check_objects(raw, name)
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: expected numbers, got {type(value).__name__} that is not numeric: "
                         f"{excerpt(value)}") from None
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(k) for k in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"{name}: contains NaN or inf (first at index {bad}: {arr[bad]})")
    return arr


def _fits_float(v: numbers.Integral) -> bool:
    try:
        float(v)
    except OverflowError:
        return False
    return True


def _check_objects(raw: np.ndarray, name: str) -> None:
    """The entries numpy could not type: name the first complex one or the first int too big for a float."""
    for index, v in np.ndenumerate(raw):
        if isinstance(v, complex | np.complexfloating):
            raise TypeError(f"{name}: expected real numbers, got the complex value {excerpt(v)} at index {index}")
        if isinstance(v, numbers.Integral) and not _fits_float(v):
            raise ValueError(f"{name}: entry {index} is {excerpt(int(v))}, too large for a float "
                             "(the largest is about 1.8e308)")


def as_inputs(X, n_in: int, name: str = "X") -> np.ndarray:
    """X of shape (m, s_1), one example per row, finite."""
    X = as_array(X, name)
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] == 0:
        hint = ""
        if X.ndim == 1 and n_in == 1:
            hint = f" (one example per row; for one input use {name}.reshape(-1, 1))"
        elif X.ndim == 1 and X.shape[0] == n_in:
            hint = f" (one example per row; for this one example use [{name}] or {name}.reshape(1, -1))"
        elif X.ndim == 1:
            hint = " (one example per row)"
        raise ValueError(f"{name}: expected shape (m, {n_in}) with m >= 1, got {X.shape}{hint}")
    return X


def as_input(x, n_in: int, name: str = "x") -> np.ndarray:
    """One example x of shape (s_1,), finite."""
    x = as_array(x, name)
    if x.shape != (n_in,):
        hint = ""
        if x.ndim == 0 and n_in == 1:
            hint = f" (a list of one number, e.g. [{excerpt(x.item())}])"
        elif x.ndim == 2 and x.shape[1] == n_in:
            hint = " (one example; for a batch of rows use predict, gradients or fit, or take one row such as X[0])"
        raise ValueError(f"{name}: expected shape ({n_in},), got {x.shape}{hint}")
    return x


def as_targets(Y, loss: Loss, n_out: int, m: int, name: str = "Y") -> np.ndarray:
    """Targets as a float array (m, s_{n_l}): class labels (cross_entropy) become one-hot rows."""
    Y = as_array(Y, name)
    if loss.name == "cross_entropy":
        if Y.ndim == 1:
            return _one_hot(Y, n_out, m, name)
        if Y.shape != (m, n_out):
            raise ValueError(f"{name}: expected {m} integer class labels of shape ({m},) or one-hot rows of shape "
                             f"({m}, {n_out}), got {Y.shape}")
        if not (np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=1) == 1)):
            row = int(np.argmax(~(np.all((Y == 0) | (Y == 1), axis=1) & (Y.sum(axis=1) == 1))))
            raise ValueError(f"{name}: rows must be one-hot (a single 1, the rest 0); row {row} is {Y[row].tolist()}")
        return Y
    if Y.ndim == 1 and n_out == 1 and Y.shape[0] == m:
        Y = Y.reshape(m, 1)
    if Y.shape != (m, n_out):
        raise ValueError(f"{name}: expected shape ({m}, {n_out}) (one target row per example), got {Y.shape}")
    if loss.name == "binary_cross_entropy" and (np.any(Y < 0) or np.any(Y > 1)):
        raise ValueError(f"{name}: binary_cross_entropy needs targets in [0, 1], "
                         f"got values from {Y.min()} to {Y.max()}")
    return Y


def as_target(y, loss: Loss, n_out: int, name: str = "y") -> np.ndarray:
    """One example's target as a float vector (s_{n_l},): a class label (cross_entropy) becomes one-hot."""
    arr = as_array(y, name)
    if loss.name == "cross_entropy" and arr.ndim == 0:
        return as_targets(arr.reshape(1), loss, n_out, 1, name)[0]
    if arr.ndim == 0 and n_out == 1:
        arr = arr.reshape(1)
    if arr.shape != (n_out,):
        what = "a class label or a one-hot vector" if loss.name == "cross_entropy" else "a target vector"
        raise ValueError(f"{name}: expected {what} of shape ({n_out},), got shape {arr.shape}")
    return as_targets(arr.reshape(1, n_out), loss, n_out, 1, name)[0]


def _one_hot(labels: np.ndarray, n_out: int, m: int, name: str) -> np.ndarray:
    if labels.shape != (m,):
        raise ValueError(f"{name}: expected {m} class labels, got shape {labels.shape}")
    if not np.all(labels == np.round(labels)):
        k = int(np.argmax(labels != np.round(labels)))
        raise ValueError(f"{name}: class labels must be integers 0 … {n_out - 1}; entry {k} is {labels[k]}")
    if np.any(labels < 0) or np.any(labels >= n_out):
        k = int(np.argmax((labels < 0) | (labels >= n_out)))
        raise ValueError(f"{name}: class labels must be 0 … {n_out - 1} (one per output neuron); "
                         f"entry {k} is {int(labels[k])}")
    T = np.zeros((m, n_out))
    T[np.arange(m), labels.astype(int)] = 1.0
    return T
