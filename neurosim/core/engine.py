"""The scalar engine: every neuron computes its own numbers from its neighbours' (DESIGN §1).

``layers[l - 1]`` is the list of Neurons of layer l. Each neuron holds the row of its incoming weights
W_i·, and before a backward pass :func:`transpose` gives it its outgoing weights W_·i, so the sums below
run over the connections the graph holds (a pruned connection is absent from every sum); ``inputs`` /
``outputs`` name the neighbours when some connections were pruned, and are None when all are there.

A pass runs a batch of m examples k. Each neuron computes its numbers in every example at once, as a list
over k, and keeps those of the last example in its ``z``, ``a`` and ``delta`` (one example is a batch of one).
A layer's lists are the rows of the notes' column form: ``A[l - 1]`` is A^(l), one column per example, as a
list of its rows, row i being a_i^(l) in every example (likewise ``Z`` and the δ's ``D``).

Forward, for l = 2 … n_l:   z_i^(l) = Σ_j W_ij^(l−1) a_j^(l−1) + b_i^(l−1),   a_i^(l) = f(z_i^(l))
Backward, output layer:     δ_i^(n_l) = ∂J/∂a_i · f′(z_i)   (or a_i − y_i for a paired loss)
          hidden layers:    δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) · f′(z_i^(l))
Gradients, over the m examples:  ∂J/∂W_ij^(l) = (1/m) Σ_k δ_i^(l+1) a_j^(l),   ∂J/∂b_i^(l) = (1/m) Σ_k δ_i^(l+1)

Every Σ is a :func:`weighted_sums`: C-level loops, no Python step per term.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import add, mul, truediv

import numpy as np

from .graph import Neuron
from .losses import Loss

Layers = Sequence[Sequence[Neuron]]
Columns = list[list[float]]   # one list per neuron: its number in each of the m examples

try:
    from math import sumprod  # Python ≥ 3.12: one C call, summed in extended precision

    def _sums_along(w: Sequence[float], vectors) -> Iterable[float]:
        return map(sumprod, repeat(w), vectors)
except ImportError:
    def sumprod(p, q):
        """Σ_k p_k q_k, added from 0 in the order of k."""
        return sum(map(mul, p, q))

    def _sums_along(w: Sequence[float], vectors) -> Iterable[float]:
        # −0.0 + w_1 v_1 + w_2 v_2 + … for every v, with no Python call per vector
        return map(sum, map(map, repeat(mul), repeat(w), vectors), repeat(-0.0))

# The most terms a sum may have to run along the entries. Before 3.12 a sum over ``map`` costs a few hundred ns
# to start, more than a short sum itself; from 3.12 only a sum of one term, which sumprod would not keep as −0.0.
_MOST_TERMS_BY_ENTRY = 4 if sys.version_info < (3, 12) else 1


def weighted_sums(w: Sequence[float], vectors: Sequence[Sequence[float]],
                  entries: Columns | None = None) -> Iterable[float]:
    """Σ_j w_j v_j for every v in ``vectors``, in order (an iterable to go through once: the callers finish each
    sum at once, so no list is built in between); ``entries[j]`` is [v_j for every v] (the vectors transposed),
    when the caller has them at hand (else they are made here if needed).

    Each sum adds w_1 v_1, w_2 v_2, … in that order to −0.0, the one number whose addition changes nothing
    (so a sum of one term is that term, to the sign of a zero). Two loop orders give the same sums to the last
    bit: along each vector (one C-level sum per vector) or, for short vectors and many of them (a neuron with
    two inputs in a batch of 32 examples), along the entries: one C-level pass over all the vectors per j.
    Measured on CPython 3.11, along the entries wins for n ≤ 4 terms and at least n² vectors; from 3.12 on,
    ``math.sumprod`` (one C call, extended precision) sums along each vector, except a sum of one term, which
    stays that product (sumprod turns a −0.0 into 0.0: a one-example gradient δ_i a_j would lose its sign).
    """
    if not (0 < len(w) <= _MOST_TERMS_BY_ENTRY and len(w) ** 2 <= len(vectors)):
        return _sums_along(w, vectors)
    # One chain of C-level maps, no list in between: sum k is (w_1 v_1 + w_2 v_2) + … for vector k, the first
    # product standing for −0.0 + w_1 v_1 (the same number to the last bit).
    entries = iter(zip(*vectors) if entries is None else entries)
    sums = map(mul, next(entries), repeat(w[0]))
    for w_j, v_j in zip(w[1:], entries):
        sums = map(add, sums, map(mul, v_j, repeat(w_j)))
    return sums


def _feeding(positions: list[int] | None, columns: Columns, rows: list | None = None) -> tuple[Columns, list | None]:
    """The columns (one per neuron) and rows (one per example, if asked for) of the neurons at ``positions`` of
    a layer, or of the whole layer when ``positions`` is None."""
    if positions is None:
        return columns, rows
    columns = [columns[j] for j in positions]
    if rows is None:
        return columns, None
    return columns, list(zip(*columns)) if columns else [()] * len(rows)


def forward(layers: Layers, X: Columns) -> tuple[list, list]:
    """Set A^(1) = X (the column form: ``X[j - 1]`` is x_j in every example), then let every neuron of layers
    2 … n_l compute its z_i and a_i, layer by layer.

    Returns (Z, A): ``A[l - 1][i - 1]`` is a_i^(l) in each example, a list over k, and ``Z`` likewise (None for
    the input layer). The backward pass reads them from there."""
    a = X
    for neuron, a_j in zip(layers[0], a):
        neuron.a = a_j[-1]
    Z, A = [None], [a]
    for layer in layers[1:]:
        activation = layer[0].activation
        f = activation.f_scalar if activation.elementwise else None
        a_below, examples = a, list(zip(*a))
        z, a = [], []
        for neuron in layer:
            columns, rows = _feeding(neuron.inputs, a_below, examples)
            # z_i = Σ_j W_ij a_j + b_i, the bias added last as the printed formulas read (``_bias``: the value
            # behind the checked ``bias`` property, checked on assignment and not in the engine)
            z_i = list(map(add, weighted_sums(neuron.weights, rows, columns), repeat(neuron._bias)))
            neuron.z = z_i[-1]
            z.append(z_i)
            if f is not None:
                a_i = list(map(f, z_i))
                neuron.a = a_i[-1]
                a.append(a_i)
        if f is None:
            # softmax: a_i depends on every z of the layer, so the layer finishes it together, one example per
            # row; the copy lays each example's z out side by side, so its sums run as for one example alone.
            a = activation.f(np.array(z).T.copy()).T.tolist()
            for neuron, a_i in zip(layer, a):
                neuron.a = a_i[-1]
        Z.append(z)
        A.append(a)
    return Z, A


def transpose(layers: Layers) -> None:
    """Give every hidden neuron its outgoing weights W_·i^(l), read from its successors' rows (once per pass:
    the weights do not change during one)."""
    for layer, above in zip(layers[1:-1], layers[2:]):
        if all(neuron.inputs is None for neuron in above):
            for neuron, column in zip(layer, zip(*[n.weights for n in above])):
                neuron.out_weights = column
        else:
            for neuron in layer:
                neuron.out_weights = [c.weight for c in neuron.outgoing]


def backward(layers: Layers, Z: list, A: list, T: Columns, loss: Loss) -> list:
    """After :func:`forward` (which returned Z and A) and :func:`transpose`: every neuron computes its δ_i in
    each example from its successors' messages, output layer first; ``T[i - 1]`` is y_i in every example.

    Returns D, δ_i^(l) laid out as A (None for l = 1)."""
    output = layers[-1]
    df = output[0].activation.df_az
    deltas = []
    for neuron, z_i, a_i, t_i in zip(output, Z[-1], A[-1], T):
        delta_i = loss.delta_row(df, z_i, a_i, t_i)
        neuron.delta = delta_i[-1]
        deltas.append(delta_i)
    D = [deltas]
    for layer, z, a in zip(reversed(layers[1:-1]), reversed(Z[1:-1]), reversed(A[1:-1])):
        df = layer[0].activation.df_az
        above, examples = deltas, list(zip(*deltas))
        deltas = []
        for neuron, z_i, a_i in zip(layer, z, a):
            columns, rows = _feeding(neuron.outputs, above, examples)
            # δ_i = (Σ_j δ_j W_ji) f′(z_i): the messages δ_j W_ji neuron i receives, summed
            delta_i = list(map(mul, weighted_sums(neuron.out_weights, rows, columns), map(df, a_i, z_i)))
            neuron.delta = delta_i[-1]
            deltas.append(delta_i)
        D.append(deltas)
    D.append(None)
    D.reverse()
    return D


def gradients(layers: Layers, A: list, D: list) -> None:
    """The batch mean over the m examples k: ∂J/∂W_ij^(l) = (1/m) Σ_k δ_i^(l+1) a_j^(l) into each neuron's
    ``weight_grads`` (so into every Connection.grad) and ∂J/∂b_i^(l) = (1/m) Σ_k δ_i^(l+1) into its ``bias_grad``.

    ``A`` and ``D`` are what :func:`forward` and :func:`backward` returned.
    """
    m = len(D[-1][0])
    for l in range(1, len(layers)):
        for neuron, delta_i in zip(layers[l], D[l]):
            columns, _ = _feeding(neuron.inputs, A[l - 1])
            # Σ_k δ_i a_j for every j: the sums run over the examples, each a_j's column being a vector here
            neuron.weight_grads = list(map(truediv, weighted_sums(delta_i, columns), repeat(m)))
            neuron.bias_grad = sum(delta_i, -0.0) / m
