"""The matrix twin: the same network as numpy arrays, one example per COLUMN (Alsup's layout).

With A^(1) = X^T (s_1 × m) and 1 the column of m ones, the twin computes for a whole batch at once:

    Z^(l+1) = W^(l) A^(l) + b^(l) 1^T,           A^(l+1) = f(Z^(l+1))
    Δ^(n_l) = ∂J/∂A^(n_l) ∘ f′(Z^(n_l))          (A^(n_l) − T^T for a paired loss)
    Δ^(l)   = ((W^(l))^T Δ^(l+1)) ∘ f′(Z^(l))
    ∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))^T + λ W^(l),    ∂J/∂b^(l) = (1/m) Δ^(l+1) 1

Column k of Z^(l), A^(l) and Δ^(l) holds z^(l), a^(l) and δ^(l) of example k, the very numbers each
:class:`~neurosim.core.graph.Neuron` computes one at a time in the scalar engine. The public methods take
and return one example per ROW, like :class:`~neurosim.core.network.Network`; the transposes are views, so
the column layout costs nothing.

A pruned connection has a 0 in the mask M^(l); its gradient is multiplied by the mask, so W_ij^(l)
stays 0 through training.

The optimizer state (momentum's v, Adam's m, v and t) is kept as arrays shaped like W^(l) and b^(l), the
same numbers each Connection and Neuron keeps in the scalar network; both engines update it with the one
copy of the rules in :mod:`neurosim.core.optimizers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike

import numpy as np

from ..base.files import write_json_atomic
from ..base.svg import network_view
from ..core import optimizers
from ..core.activations import Activation
from ..core.init import initial_weights
from ..core.losses import Loss
from ..core.network import Network
from ..core.state import network_dict
from ..core.training import Parameters, Trainable
from ..core.validation import (
    as_array,
    as_input,
    as_inputs,
    as_target,
    as_targets,
    check_layer,
    check_setup,
    matrix_bytes,
)


class MatrixNetwork(Trainable):
    """The vectorized twin of a :class:`Network`: ``W[l-1]`` = W^(l) (s_{l+1} × s_l), ``b[l-1]`` = b^(l).

    Build it with :meth:`from_network` (same weights as a Network) or like a Network:
    ``MatrixNetwork(sizes, activation, output, loss, weight_decay, seed, init)`` gives the weights that
    ``Network`` with the same arguments gets.

    After :meth:`forward` / :meth:`backward` (or :meth:`gradients`, :meth:`cost`), ``Z[l]``, ``A[l]`` and
    ``Delta[l]`` hold Z^(l), A^(l), Δ^(l) of the last batch in column form (s_l × m), indexed by the layer
    number l (``Z[1]`` and ``Delta[1]`` are None: the input layer has neither).
    """

    def __init__(self, sizes: Sequence[int], activation: str | Activation | Sequence = "sigmoid",
                 output: str | Activation | None = None, loss: str | Loss = "half_sse", weight_decay: float = 0.0,
                 seed: int | None = None, init: str = "auto"):
        # The checks and the initialisation rule are Network's (same order, same draws), but no scalar network
        # is built: the twin needs only its arrays, and its memory estimate is theirs (validation.matrix_bytes).
        sizes, activations, loss, weight_decay, rng, init = check_setup(
            sizes, activation, output, loss, weight_decay, seed, init, matrix_bytes, "a matrix twin")
        W = initial_weights(init, sizes, activations, rng)
        self._set_up(sizes, activations, loss, weight_decay, None, W, [np.zeros(s) for s in sizes[1:]],
                     [None] * len(W), None, [({}, {}) for _ in W])
        self.init = init

    def _adopt(self, net: Network) -> None:
        masks = [net.mask(l) for l in range(1, net.n_layers)]
        # None for a fully connected layer keeps the hot path free of a useless multiplication.
        self._set_up(net.sizes, net.activations, net.loss, net.weight_decay, net.standardizer,
                     [net.weights(l) for l in range(1, net.n_layers)], [net.biases(l) for l in range(1, net.n_layers)],
                     [None if M.all() else M.astype(float) for M in masks], net.optimizer, net.optimizer_state())
        self.init = net.init

    def _set_up(self, sizes, activations, loss, weight_decay, standardizer, W, b, masks, optimizer, state) -> None:
        self.sizes: list[int] = list(sizes)
        self.activations: list[Activation] = list(activations)
        self.loss: Loss = loss
        self.weight_decay: float = weight_decay
        self.standardizer = standardizer
        self.W: list[np.ndarray] = W
        self.b: list[np.ndarray] = b
        self._masks: list[np.ndarray | None] = masks
        self.optimizer = optimizer
        self._state: list[tuple[dict, dict]] = state
        self._clear()

    def _clear(self) -> None:
        n = self.n_layers
        self.Z: list[np.ndarray | None] = [None] * (n + 1)
        self.A: list[np.ndarray | None] = [None] * (n + 1)
        self.Delta: list[np.ndarray | None] = [None] * (n + 1)
        self.grads: Parameters | None = None
        self._single = False

    @classmethod
    def from_network(cls, net: Network) -> MatrixNetwork:
        """The twin of ``net``: copies of its W^(l), b^(l), masks, activations, loss, λ and optimizer state."""
        if not isinstance(net, Network):
            raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
        twin = cls.__new__(cls)
        twin._adopt(net)
        return twin

    def to_network(self) -> Network:
        """A scalar :class:`Network` with the same structure (pruned connections removed) and parameters."""
        net = Network(self.sizes, activation=self.activations[:-1], output=self.activations[-1], loss=self.loss,
                      weight_decay=self.weight_decay, seed=0, init=self.init)
        for l, M in enumerate(self._masks, start=1):
            if M is not None:
                for i, j in np.argwhere(M == 0) + 1:
                    net.prune(l, int(i), int(j))
        net.set_parameters(self.parameters())
        optimizers.scatter_state(net, self.optimizer, self._state)
        net.standardizer = self.standardizer
        return net

    def save(self, path: str | PathLike) -> None:
        """Write the twin as the JSON file ``Network.save`` writes (``ns.Network.load`` reads it), atomically,
        without building a scalar network first."""
        write_json_atomic(path, network_dict(self))

    # --- structure and parameters ------------------------------------------------------------------

    @property
    def n_layers(self) -> int:
        """n_l, the number of layers including input and output."""
        return len(self.sizes)

    def mask(self, l: int) -> np.ndarray:
        """Boolean (s_{l+1}, s_l): True where W_ij^(l) exists, False where it was pruned."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        M = self._masks[l - 1]
        return np.ones(self.W[l - 1].shape, dtype=bool) if M is None else M.astype(bool)

    def weights(self, l: int) -> np.ndarray:
        """A copy of W^(l), shape (s_{l+1}, s_l)."""
        return self.W[check_layer(l, self.n_layers, last=self.n_layers - 1) - 1].copy()

    def biases(self, l: int) -> np.ndarray:
        """A copy of b^(l), shape (s_{l+1},)."""
        return self.b[check_layer(l, self.n_layers, last=self.n_layers - 1) - 1].copy()

    def set_weights(self, l: int, W) -> None:
        """Set W^(l) (shape (s_{l+1}, s_l)); entries of pruned connections must be 0."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        W = _matrix(W, self.W[l - 1].shape, f"W (weights of layer {l})")
        M = self._masks[l - 1]
        if M is not None and np.any(W[M == 0] != 0):
            i, j = np.argwhere((M == 0) & (W != 0))[0] + 1
            raise ValueError(f"W: entry ({i - 1}, {j - 1}) is {W[i - 1, j - 1]}, but W_{i}{j}^({l}) is pruned; "
                             "pruned entries must be 0")
        self.W[l - 1] = W.copy()

    def set_biases(self, l: int, b) -> None:
        """Set b^(l) (shape (s_{l+1},))."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        self.b[l - 1] = _matrix(b, self.b[l - 1].shape, f"b (biases of layer {l})").copy()

    def parameters(self) -> Parameters:
        """[(W^(1), b^(1)), …, (W^(n_l−1), b^(n_l−1))] as new arrays."""
        return [(W.copy(), b.copy()) for W, b in zip(self.W, self.b)]

    def optimizer_state(self) -> list[tuple[dict, dict]]:
        """Copies of the optimizer state: per layer l, ({name: array like W^(l)}, {name: array like b^(l)}),
        as ``Network.optimizer_state`` gathers it from the objects (0 where pruned)."""
        return [({k: a * (1.0 if M is None else M) for k, a in sW.items()}, {k: a.copy() for k, a in sb.items()})
                for (sW, sb), M in zip(self._state, self._masks)]

    def _clear_optimizer_state(self) -> None:
        self._state = [({}, {}) for _ in self.W]

    def _set_optimizer_state(self, states: list[tuple[dict, dict]] | None) -> None:
        """Take copies of ``states`` (as :meth:`optimizer_state` returns them) as the state of ``self.optimizer``."""
        if states is None or self.optimizer is None or not self.optimizer.state_names:
            self._clear_optimizer_state()
            return
        self._state = [({k: np.array(a, dtype=float) for k, a in sW.items()},
                        {k: np.array(a, dtype=float) for k, a in sb.items()}) for sW, sb in states]

    # --- the two passes, column form, no validation (the hot path) -----------------------------------

    def _forward(self, X_cols: np.ndarray) -> np.ndarray:
        """Z^(l+1) = W^(l) A^(l) + b^(l) 1^T and A^(l+1) = f(Z^(l+1)) for l = 1 … n_l − 1; returns A^(n_l)."""
        A = self.A
        Z = self.Z
        A[1] = a = X_cols
        for l, (W, b, act) in enumerate(zip(self.W, self.b, self.activations), start=2):
            z = W @ a
            z += b[:, None]
            Z[l] = z
            # A non-elementwise activation (softmax) works along the last axis: give it one example per row.
            A[l] = a = act.f(z) if act.elementwise else act.f(z.T).T
        return a

    def _backward(self, T_cols: np.ndarray) -> None:
        """Δ^(n_l) from the loss, then Δ^(l) = ((W^(l))^T Δ^(l+1)) ∘ f′(Z^(l)) down to l = 2."""
        n = self.n_layers
        Z, A, Delta = self.Z, self.A, self.Delta
        out = self.activations[-1]
        Delta[n] = delta = self.loss.delta(out.df, Z[n], A[n], T_cols)
        for l in range(n - 1, 1, -1):
            Delta[l] = delta = (self.W[l - 1].T @ delta) * self.activations[l - 2].df(Z[l])

    def _grads(self, decay: bool) -> Parameters:
        """(1/m) Δ^(l+1) (A^(l))^T (+ λ W^(l)) masked, and (1/m) Δ^(l+1) 1, from the stored passes."""
        m = self.A[1].shape[1]
        lam = self.weight_decay if decay else 0.0
        grads = []
        for l, (W, M) in enumerate(zip(self.W, self._masks), start=1):
            delta = self.Delta[l + 1]
            if m > 1:
                dW = delta @ self.A[l].T
                dW /= m
            else:   # one example: the outer product δ a^T by broadcasting (same products, no BLAS call), 1/m = 1
                dW = delta * self.A[l].T
            if M is not None:
                dW *= M
            if lam:
                dW += lam * W   # W is 0 where pruned, so the mask still holds
            grads.append((dW, delta[:, 0].copy() if m == 1 else delta.sum(axis=1) / m))
        return grads

    def _decay(self) -> float:
        """(λ/2) Σ_l Σ_ij (W_ij^(l))² (biases are not decayed)."""
        if self.weight_decay == 0.0:
            return 0.0
        return 0.5 * self.weight_decay * sum(float(np.vdot(W, W)) for W in self.W)

    def _data_cost(self, T_cols: np.ndarray) -> float:
        n = self.n_layers
        return self.loss.mean(self.Z[n], self.A[n], T_cols) + self._decay()

    # --- the interface the training loop needs --------------------------------------------------------

    def _cost(self, X: np.ndarray, T: np.ndarray) -> float:
        self._forward(X.T)
        self._single = False
        return self._data_cost(T.T)

    def _evaluate(self, X: np.ndarray, T: np.ndarray) -> tuple[float, np.ndarray]:
        """J(W,b) and the outputs A^(n_l) as rows, from one forward pass."""
        cost = self._cost(X, T)
        return cost, self.A[self.n_layers].T.copy()

    def _gradients(self, X: np.ndarray, T: np.ndarray) -> tuple[float, Parameters]:
        self._forward(X.T)
        self._backward(T.T)
        self._single = False
        self.grads = grads = self._grads(decay=True)
        return self._data_cost(T.T), grads

    def _step(self, X: np.ndarray, T: np.ndarray, lr: float) -> float:
        cost, grads = self._gradients(X, T)
        opt = self.optimizer
        if opt is None or type(opt) is optimizers.SGD:   # plain θ − α g, in place
            for W, b, (dW, db) in zip(self.W, self.b, grads):
                W -= lr * dW
                b -= lr * db
            return cost
        for l, (dW, db) in enumerate(grads):
            sW, sb = self._state[l]
            if not sW:   # a fresh state: every number 0
                sW.update(opt.fresh(dW))
                sb.update(opt.fresh(db))
            self.W[l][...] = opt.update(self.W[l], dW, sW, lr)
            if self._masks[l] is not None:   # a rule of one's own may move θ at g = 0: a pruned weight stays 0
                self.W[l] *= self._masks[l]
            self.b[l][...] = opt.update(self.b[l], db, sb, lr)
        return cost

    # --- public API: one example per row, as in Network ------------------------------------------------

    def forward(self, x) -> np.ndarray:
        """a^(n_l) for one example x (shape (s_1,)), or A^(n_l) as rows (m, s_{n_l}) for a batch X (m, s_1).

        The per-layer Z^(l), A^(l) stay in ``Z`` and ``A`` (columns) for :meth:`backward`.
        """
        plain = _plain_vector(x, self.sizes[0])
        if plain or np.ndim(x) == 1:
            out = self._forward((x if plain else as_input(x, self.sizes[0]))[:, None])   # one column, as in the notes
            self._single = True
            return out[:, 0].copy()
        out = self._forward(as_inputs(x, self.sizes[0], "x").T)
        self._single = False
        return out.T.copy()

    def backward(self, y) -> None:
        """After :meth:`forward`: every Δ^(l), and in ``grads`` the gradients of (1/m) Σ_k J(W,b; x^(k), y^(k)).

        ``y`` is one target (after a one-example forward) or one target row per example. As in
        ``Network.backward``, weight decay is not included: it belongs to the batch cost.
        """
        if self.A[1] is None:
            raise RuntimeError("backward(y) needs the Z and A of a forward pass: call twin.forward(x) first")
        m = self.A[1].shape[1]
        if self._single:
            plain = self.loss.name != "cross_entropy" and _plain_vector(y, self.sizes[-1], self.loss.name)
            T = (y if plain else as_target(y, self.loss, self.sizes[-1]))[:, None]
        else:
            T = as_targets(y, self.loss, self.sizes[-1], m, "y").T
        self._backward(T)
        self.grads = self._grads(decay=False)

    def gradients(self, X, Y) -> Parameters:
        """[(∂J/∂W^(1), ∂J/∂b^(1)), …] of the batch cost J(W,b):
        ∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))^T + λ W^(l),  ∂J/∂b^(l) = (1/m) Δ^(l+1) 1 (0 where pruned)."""
        return self._gradients(*self._check_data(X, Y))[1]

    def predict(self, X) -> np.ndarray:
        """a^(n_l) for every row of X: an array of shape (m, s_{n_l})."""
        out = self._forward(as_inputs(X, self.sizes[0]).T)
        self._single = False
        return out.T.copy()

    def _repr_html_(self) -> str:
        """Jupyter: ``repr``, the layer table and the same SVG as the Network's (plain numbers to neurosim.base)."""
        masks = [self.mask(l) for l in range(1, self.n_layers)]
        edges = [(l, int(i) + 1, int(j) + 1, float(self.W[l - 1][i, j]))
                 for l, M in enumerate(masks, start=1) for i, j in np.argwhere(M)]
        return network_view(self.sizes, [a.name for a in self.activations], [int(M.sum()) for M in masks],
                            repr(self), edges)

    def __repr__(self) -> str:
        hidden = sorted({a.name for a in self.activations[:-1]})
        pruned = sum(int((M == 0).sum()) for M in self._masks if M is not None)
        return (f"MatrixNetwork({self.sizes}, activation={'/'.join(hidden) or '-'}, "
                f"output={self.activations[-1].name}, loss={self.loss.name}, weight_decay={self.weight_decay:g}, "
                f"pruned={pruned})")


def _plain_vector(value, n: int, loss: str = "") -> bool:
    """True for a float64 vector of shape (n,) with finite entries (and in [0, 1] for binary_cross_entropy):
    then it needs no conversion and no other check, and the one-example calls stay close to bare numpy."""
    if type(value) is not np.ndarray or value.dtype != np.float64 or value.shape != (n,):
        return False
    if loss == "binary_cross_entropy":
        return bool(((value >= 0.0) & (value <= 1.0)).all())
    return bool(np.isfinite(value).all())


def _matrix(value, shape: tuple[int, ...], name: str) -> np.ndarray:
    arr = as_array(value, name)
    if arr.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {arr.shape}")
    return arr
