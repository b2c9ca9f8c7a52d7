"""Training, shared by the scalar :class:`Network` and the matrix twin: the :class:`Trainable` base gives
both engines the same public ``cost``, ``step``, ``fit`` and ``set_parameters``; each engine supplies
``_cost(X, T)``, ``_step(X, T, lr)``, ``parameters()``, ``set_weights`` and ``set_biases``.
"""

from __future__ import annotations

import numbers
import sys
import time

import numpy as np

from ..base.limits import excerpt
from .validation import as_inputs, as_targets, check_callback, check_number, check_seed

Parameters = list[tuple[np.ndarray, np.ndarray]]


class DivergenceError(FloatingPointError):
    """Training produced a non-finite cost or weight. ``.epoch`` is the epoch (1-based) where it happened,
    ``.history`` the finite costs before it; the model keeps the last finite weights."""

    def __init__(self, message: str, epoch: int, history: list[float]):
        super().__init__(message)
        self.epoch = epoch
        self.history = history


class Trainable:
    """The batch API both engines share; the arithmetic lives in the engines' ``_cost`` and ``_step``."""

    def _check_data(self, X, Y) -> tuple[np.ndarray, np.ndarray]:
        """X as (m, s_1) floats and the targets T as (m, s_{n_l}) floats (one-hot rows for cross_entropy)."""
        X = as_inputs(X, self.sizes[0])
        return X, as_targets(Y, self.loss, self.sizes[-1], X.shape[0])

    def cost(self, X, Y) -> float:
        """J(W,b) = (1/m) Σ_k J(W,b; x^(k), y^(k)) + (λ/2) Σ_l Σ_ij (W_ij^(l))² (eq. 6); X has one example per row."""
        return self._cost(*self._check_data(X, Y))

    def step(self, X, Y, lr: float) -> float:
        """One gradient-descent update (eqs. 7–8): W ← W − α ∂J/∂W, b ← b − α ∂J/∂b. Returns J before it."""
        return self._step(*self._check_data(X, Y), check_number(lr, "lr", positive=True))

    def fit(self, X, Y, epochs: int, lr: float, batch_size: int | None = None, seed: int | None = None,
            progress: bool | None = None, callback=None) -> list[float]:
        """Gradient descent for ``epochs`` passes over the data; returns J(W,b) on (X, Y) after each epoch.

        See :func:`fit` for mini-batches, shuffling, progress and divergence.
        """
        return fit(self, X, Y, epochs, lr, batch_size=batch_size, seed=seed, progress=progress, callback=callback)

    def set_parameters(self, params: Parameters) -> None:
        """Set every W^(l) and b^(l) from a list like the one ``parameters()`` returns."""
        params = check_parameter_list(params, self.n_layers)
        for l, (W, b) in enumerate(params, start=1):
            self.set_weights(l, W)
            self.set_biases(l, b)


def check_parameter_list(params, n_layers: int) -> list:
    """``params`` as a list of n_l − 1 (W, b) pairs, as ``parameters()`` returns."""
    if isinstance(params, (str, bytes)) or not hasattr(params, "__len__") or not hasattr(params, "__iter__"):
        raise TypeError(f"params: expected a list of {n_layers - 1} (W, b) pairs as net.parameters() returns, "
                        f"got {type(params).__name__}")
    params = list(params)
    if len(params) != n_layers - 1:
        raise ValueError(f"params: expected {n_layers - 1} (W, b) pairs, got {len(params)}")
    for l, pair in enumerate(params, start=1):
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise ValueError(f"params: entry {l - 1} should be the pair (W^({l}), b^({l})), got "
                             f"{type(pair).__name__}")
    return params


def _check_count(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}, got {excerpt(value)}")
    return int(value)


def _finite(params) -> bool:
    return all(np.all(np.isfinite(W)) and np.all(np.isfinite(b)) for W, b in params)


def fit(model, X, Y, epochs: int, lr: float, batch_size: int | None = None, seed: int | None = None,
        progress: bool | None = None, callback=None) -> list[float]:
    """Gradient descent (eqs. 7–8) for ``epochs`` passes over (X, Y); returns J(W,b) after each epoch.

    ``batch_size=None`` uses the whole batch per step; otherwise the rows are shuffled each epoch with a
    generator seeded by ``seed`` and cut into mini-batches (the last may be smaller). ``progress``
    (default: when stderr is a terminal) shows the epoch and cost on one updating line.
    ``callback(epoch, cost)`` is called after each epoch.

    If the cost or a weight becomes NaN or inf, the weights of the last finite epoch are put back and a
    :class:`DivergenceError` names the epoch.
    """
    X, T = model._check_data(X, Y)
    epochs = _check_count(epochs, "epochs")
    lr = check_number(lr, "lr", positive=True)
    m = X.shape[0]
    batch = m if batch_size is None else min(_check_count(batch_size, "batch_size"), m)
    rng = np.random.default_rng(check_seed(seed))
    check_callback(callback)
    show = sys.stderr.isatty() if progress is None else bool(progress)
    history: list[float] = []
    last_shown = 0.0
    for epoch in range(1, epochs + 1):
        saved = model.parameters()
        order = rng.permutation(m) if batch < m else np.arange(m)
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                for start in range(0, m, batch):
                    rows = order[start:start + batch]
                    model._step(X[rows], T[rows], lr)
                cost = model._cost(X, T)
            except OverflowError:   # Python float arithmetic (x ** 2) raises where numpy would give inf
                cost = float("inf")
        if not (np.isfinite(cost) and _finite(model.parameters())):
            model.set_parameters(saved)
            kept = f"those after epoch {epoch - 1}" if epoch > 1 else "the initial ones"
            if show:
                sys.stderr.write("\n")
            raise DivergenceError(
                f"fit: the cost became {cost} in epoch {epoch} of {epochs} (lr={lr:g}); training stopped and the "
                f"last finite weights, {kept}, were kept. Try a smaller lr.", epoch, history)
        history.append(cost)
        if callback is not None:
            callback(epoch, cost)
        if show and (time.monotonic() - last_shown > 0.1 or epoch == epochs):
            last_shown = time.monotonic()
            sys.stderr.write(f"\repoch {epoch}/{epochs}  J = {cost:.6g}")
            sys.stderr.flush()
    if show:
        sys.stderr.write("\n")
    return history
