"""The floors the engines are measured against: the same arithmetic with no neuron objects to keep.

The scalar engine's floor is the faster, per network, of two plain-Python forms of the same arithmetic:
:class:`ListsFloor` (weights as lists of rows, C-level ``sumprod`` inner loops: the fastest pure Python known
for this job) and :class:`PythonFloor` (a bare loop over ``__slots__`` objects, which wins on tiny networks).
The twin's floors are :func:`numpy_floor` (a batch, column form) and :func:`numpy_floor_1d` (one example as
1-D vectors). Each uses the engines' own activation functions, so a ratio measures bookkeeping, not formulas.
"""


from __future__ import annotations

from collections.abc import Sequence
from operator import mul, sub

import numpy as np

from ..core.activations import Activation
from ..core.engine import sumprod

# --- the floors ---------------------------------------------------------------------------------

class _Unit:
    """A floor neuron: its numbers and its cached incoming/outgoing connection lists, nothing else."""

    __slots__ = ("bias", "bias_grad", "z", "a", "delta", "incoming", "outgoing")

    def __init__(self, bias: float):
        self.bias = bias
        self.bias_grad = 0.0
        self.z = self.a = self.delta = 0.0
        self.incoming: list[_Link] = []
        self.outgoing: list[_Link] = []


class _Link:
    """A floor connection W_ij: source, target, weight and gradient."""

    __slots__ = ("source", "target", "weight", "grad")

    def __init__(self, source: _Unit, target: _Unit, weight: float):
        self.source = source
        self.target = target
        self.weight = weight
        self.grad = 0.0


class PythonFloor:
    """The plain-Python floor of the scalar engine: the same arithmetic, none of the structure.

    Per-object loops inlined into one function with no graph, no Loss object and no validation: on tiny
    networks, where a C-level sum over three numbers buys nothing, this is the fastest plain Python.
    Built from [(W^(1), b^(1)), …] with an elementwise activation f for every layer and the half-SSE loss.
    :meth:`gradients` computes, over a batch, z_i = Σ_j W_ij a_j + b_i, a_i = f(z_i);
    δ_i = (a_i − t_i) f′(z_i) at the output and δ_i = (Σ_j δ_j W_ji) f′(z_i) below it;
    ∂J/∂W_ij = (1/m) Σ_k δ_i a_j and ∂J/∂b_i = (1/m) Σ_k δ_i, and returns J = (1/m) Σ_k ½ Σ_i (a_i − t_i)².
    """

    def __init__(self, params: Sequence[tuple[np.ndarray, np.ndarray]], activation: Activation):
        self.f, self.df = activation.f_scalar, activation.df_az
        self.layers: list[list[_Unit]] = [[_Unit(0.0) for _ in range(params[0][0].shape[1])]]
        self.links: list[_Link] = []
        for W, b in params:
            layer = [_Unit(b_i) for b_i in np.asarray(b, dtype=float).tolist()]
            # One comprehension allocates a layer's links side by side in memory, as cache-friendly as it gets.
            links = [_Link(source, target, w) for target, row in zip(layer, np.asarray(W, dtype=float).tolist())
                     for source, w in zip(self.layers[-1], row)]
            for c in links:
                c.target.incoming.append(c)
                c.source.outgoing.append(c)
            self.links += links
            self.layers.append(layer)

    def gradients(self, X: list[list[float]], T: list[list[float]]) -> float:
        """Leave the batch gradients in the links and units; return the batch cost J."""
        f, df, layers = self.f, self.df, self.layers
        for c in self.links:
            c.grad = 0.0
        for layer in layers[1:]:
            for u in layer:
                u.bias_grad = 0.0
        J = 0.0
        for x, t in zip(X, T):
            for u, x_j in zip(layers[0], x):
                u.a = x_j
            for layer in layers[1:]:
                for u in layer:
                    z = u.bias
                    for c in u.incoming:
                        z += c.weight * c.source.a
                    u.z = z
                    u.a = f(z)
            for u, t_i in zip(layers[-1], t):
                r = u.a - t_i
                J += 0.5 * r * r
                u.delta = d = r * df(u.a, u.z)
                u.bias_grad += d
            for layer in reversed(layers[1:-1]):
                for u in layer:
                    a = u.a
                    s = 0.0
                    for c in u.outgoing:
                        d = c.target.delta
                        s += d * c.weight
                        c.grad += d * a
                    u.delta = d = s * df(u.a, u.z)
                    u.bias_grad += d
            for u in layers[0]:
                a = u.a
                for c in u.outgoing:
                    c.grad += c.target.delta * a
        m = len(X)
        for c in self.links:
            c.grad /= m
        for layer in layers[1:]:
            for u in layer:
                u.bias_grad /= m
        return J / m

    def gradient_matrices(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(∂J/∂W^(l), ∂J/∂b^(l)), …] as arrays, from the last :meth:`gradients`."""
        out = []
        for below, above in zip(self.layers, self.layers[1:]):
            dW = np.array([[c.grad for c in u.incoming] for u in above]).reshape(len(above), len(below))
            out.append((dW, np.array([u.bias_grad for u in above])))
        return out


class ListsFloor:
    """The plain-Python floor as lists: W^(l) as a list of rows, b^(l) as a list; same arithmetic as
    :class:`PythonFloor` (half-SSE loss, one elementwise activation), none of the objects.

    Forward z = [b_i + Σ_j W_ij a_j], the sum as ``sumprod(row, a)``; backward over the columns ``zip(*W)``;
    the batch gradient Σ_k δ_i a_j as one ``sumprod`` over the examples per weight (as the engine usually sums
    it: on a batch it beats adding ``map(mul, a, repeat(δ_i))`` row by row, example by example).
    """

    def __init__(self, params: Sequence[tuple[np.ndarray, np.ndarray]], activation: Activation):
        self.f, self.df = activation.f_scalar, activation.df_az
        self.W = [np.asarray(W, dtype=float).tolist() for W, _ in params]
        self.b = [np.asarray(b, dtype=float).tolist() for _, b in params]
        self.grads: list[tuple[list[list[float]], list[float]]] = []

    def gradients(self, X: list[list[float]], T: list[list[float]]) -> float:
        """Leave the batch gradients in ``grads``; return the batch cost J."""
        f, df, Ws, bs = self.f, self.df, self.W, self.b
        columns = [list(zip(*W)) for W in Ws]
        n = len(Ws)
        seen_a: list[list[list[float]]] = [[] for _ in range(n + 1)]
        seen_delta: list[list[list[float]]] = [[] for _ in range(n + 1)]
        J = 0.0
        for x, t in zip(X, T):
            acts, zs, a = [x], [None], x
            for W, b in zip(Ws, bs):
                z = [b_i + sumprod(row, a) for row, b_i in zip(W, b)]
                a = list(map(f, z))
                zs.append(z)
                acts.append(a)
            r = list(map(sub, a, t))
            J += 0.5 * sumprod(r, r)
            delta = list(map(mul, r, map(df, a, z)))
            seen_delta[n].append(delta)
            for l in range(n - 1, 0, -1):
                delta = [sumprod(col, delta) * df(a_i, z_i) for col, a_i, z_i in zip(columns[l], acts[l], zs[l])]
                seen_delta[l].append(delta)
            for l in range(n):
                seen_a[l].append(acts[l])
        m = len(X)
        self.grads = []
        for l in range(n):
            a_cols = list(zip(*seen_a[l]))
            d_rows = list(zip(*seen_delta[l + 1]))
            self.grads.append(([[sumprod(d, col) / m for col in a_cols] for d in d_rows], [sum(d) / m for d in d_rows]))
        return J / m

    def gradient_matrices(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(∂J/∂W^(l), ∂J/∂b^(l)), …] as arrays, from the last :meth:`gradients`."""
        return [(np.array(G), np.array(B)) for G, B in self.grads]


def numpy_floor(params: Sequence[tuple[np.ndarray, np.ndarray]], activation: Activation,
                X_cols: np.ndarray, T_cols: np.ndarray) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """The twin's floor: the matrix equations in bare numpy, one example per column.

    Z^(l+1) = W^(l) A^(l) + b^(l) 1^T, A^(l+1) = f(Z^(l+1)); Δ^(n_l) = (A^(n_l) − T) ∘ f′(Z^(n_l)),
    Δ^(l) = ((W^(l))^T Δ^(l+1)) ∘ f′(Z^(l)); ∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))^T, ∂J/∂b^(l) = (1/m) Δ^(l+1) 1.
    Returns (J, gradients) with J = (1/2m) ‖A^(n_l) − T‖²_F.
    """
    f, df = activation.f, activation.df
    m = X_cols.shape[1]
    Z, A = [None], [X_cols]
    for W, b in params:
        Z.append(W @ A[-1] + b[:, None])
        A.append(f(Z[-1]))
    R = A[-1] - T_cols
    delta = R * df(Z[-1])
    grads = []
    for l in range(len(params), 0, -1):
        grads.append((delta @ A[l - 1].T / m, delta.sum(axis=1) / m))
        if l > 1:
            delta = (params[l - 1][0].T @ delta) * df(Z[l - 1])
    grads.reverse()
    return 0.5 * float(np.vdot(R, R)) / m, grads


def numpy_floor_1d(params: Sequence[tuple[np.ndarray, np.ndarray]], activation: Activation, x: np.ndarray,
                   t: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The twin's floor for one example: the equations on 1-D vectors in bare numpy, nothing else.

    z^(l+1) = W^(l) a^(l) + b^(l), a^(l+1) = f(z^(l+1)); δ^(n_l) = (a^(n_l) − t) ∘ f′(z^(n_l)),
    δ^(l) = ((W^(l))^T δ^(l+1)) ∘ f′(z^(l)); ∂J/∂W^(l) = δ^(l+1) (a^(l))^T, ∂J/∂b^(l) = δ^(l+1).
    """
    f, df = activation.f, activation.df
    zs, acts = [None], [x]
    for W, b in params:
        zs.append(W @ acts[-1] + b)
        acts.append(f(zs[-1]))
    delta = (acts[-1] - t) * df(zs[-1])
    grads = []
    for l in range(len(params), 0, -1):
        grads.append((np.outer(delta, acts[l - 1]), delta))
        if l > 1:
            delta = (params[l - 1][0].T @ delta) * df(zs[l - 1])
    grads.reverse()
    return grads
