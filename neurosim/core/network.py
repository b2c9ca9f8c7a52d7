"""The :class:`Network`: Neurons and Connections in a networkx graph, driven by the scalar engine."""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from itertools import repeat
from operator import add, mul, sub
from os import PathLike

import numpy as np

from ..base.files import read_json, write_json_atomic
from ..base.svg import network_view
from . import engine, optimizers, state
from .activations import Activation
from .engine import sumprod
from .graph import Connection, Neuron, NeuronGraph
from .init import initial_weights
from .structure import rebuild
from .training import Parameters, Trainable
from .validation import (
    as_array,
    as_input,
    as_inputs,
    as_target,
    check_index,
    check_layer,
    check_setup,
)

CHUNK = 256   # examples per forward pass when no gradients are wanted (see Network._run)


class Network(Trainable):
    """A feedforward network in which every neuron is a :class:`Neuron` and every weight a :class:`Connection`.

    ``sizes = [s_1, …, s_{n_l}]``; layer 1 is the input. ``activation`` is a name, an
    :class:`Activation` or a list with one per hidden layer (l = 2 … n_l − 1); ``output`` is the output
    layer's activation (``None``: softmax for cross_entropy, sigmoid for binary_cross_entropy, else
    ``activation``). ``weight_decay`` is λ of the batch cost (eq. 6).

    Initialisation (seeded by ``seed``), ``init`` (see :mod:`neurosim.core.init`): ``"auto"`` draws
    W_ij^(l) ~ N(0, g²/s_l) with g = √2 when layer l + 1 is ReLU or leaky ReLU and g = 1 otherwise (He / LeCun
    normal); also ``"xavier_uniform"``, ``"xavier_normal"``, ``"he_uniform"``, ``"he_normal"``, ``"uniform(a)"``,
    ``"normal(σ)"``. Every bias b_i^(l) = 0. The same seed and init give the same weights.
    """

    def __init__(self, sizes: Sequence[int], activation: str | Activation | Sequence = "sigmoid",
                 output: str | Activation | None = None, loss: str = "half_sse", weight_decay: float = 0.0,
                 seed: int | None = None, init: str = "auto"):
        self.sizes, self.activations, self.loss, self.weight_decay, rng, self.init = check_setup(
            sizes, activation, output, loss, weight_decay, seed, init)
        self.seed = seed
        self.optimizer = None

        self._layers: list[list[Neuron]] = [
            [Neuron(l, i, None if l == 1 else self.activations[l - 2], None if l == 1 else 0.0)
             for i in range(1, s + 1)]
            for l, s in enumerate(self.sizes, start=1)
        ]
        # One key tuple per neuron, shared by every edge that touches it: networkx keeps the key objects it is
        # given in its adjacency dicts, so fresh tuples per edge would cost ~110 bytes per connection.
        keys = [[n.key for n in layer] for layer in self._layers]
        self._graph = NeuronGraph()
        self._graph.add_nodes_from((key, {"neuron": n}) for layer, ks in zip(self._layers, keys)
                                   for n, key in zip(layer, ks))
        for l, W in enumerate(initial_weights(self.init, self.sizes, self.activations, rng), start=1):
            # All Connections of the layer first, then the graph's edge dicts: allocated together, the objects
            # the engine walks sit side by side in memory instead of between dicts of the same size.
            conns = [Connection(src, dst, w) for dst, row in zip(self._layers[l], W.tolist())
                     for src, w in zip(self._layers[l - 1], row)]
            self._graph.add_edges_from(
                (src_key, dst_key, {"connection": c})
                for c, (dst_key, src_key) in zip(conns, itertools.product(keys[l], keys[l - 1]))
            )
        self._version = -1
        self._forward_version: int | None = None
        self._pass: tuple[list, list] = ([], [])   # Z and A of the last forward(x), for backward(y)

    # --- structure ---------------------------------------------------------------------------

    @property
    def n_layers(self) -> int:
        """n_l, the number of layers including input and output."""
        return len(self.sizes)

    @property
    def graph(self) -> NeuronGraph:
        """The networkx DiGraph: node (l, i) with attribute "neuron", edge ((l, j), (l+1, i)) with "connection".

        Removing an edge prunes that connection; the engine notices and leaves it out of every sum.
        """
        return self._graph

    def _structure(self) -> list[list[Neuron]]:
        """The layers of Neurons with their rows and connection lists, rebuilt when the graph has changed."""
        if self._graph.version != self._version:
            self._connections = rebuild(self._graph, self._layers)
            self._version = self._graph.version
        return self._layers

    def neuron(self, l: int, i: int) -> Neuron:
        """Neuron i of layer l (both 1-based)."""
        l = check_layer(l, self.n_layers)
        return self._layers[l - 1][check_index(i, self.sizes[l - 1], "i", l) - 1]

    def layer(self, l: int) -> list[Neuron]:
        """The Neurons of layer l, in index order."""
        return list(self._structure()[check_layer(l, self.n_layers) - 1])

    def connection(self, l: int, i: int, j: int) -> Connection:
        """The Connection W_ij^(l), from neuron j of layer l to neuron i of layer l + 1."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        i = check_index(i, self.sizes[l], "i", l + 1)
        j = check_index(j, self.sizes[l - 1], "j", l)
        self._structure()
        if not self._graph.has_edge((l, j), (l + 1, i)):
            raise ValueError(f"connection W_{i}{j}^({l}) is pruned: net.graph has no edge {(l, j)} -> {(l + 1, i)}")
        return self._graph.edges[(l, j), (l + 1, i)]["connection"]

    def connections(self, l: int) -> list[Connection]:
        """The Connections of W^(l) that the graph holds, ordered by (i, j)."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        self._structure()
        return list(self._connections[l - 1])

    def prune(self, l: int, i: int, j: int) -> None:
        """Remove the connection W_ij^(l) from the graph: it drops out of every sum and W^(l) shows 0 there."""
        c = self.connection(l, i, j)
        self._graph.remove_edge(c.source.key, c.target.key)

    def mask(self, l: int) -> np.ndarray:
        """Boolean (s_{l+1}, s_l): True where the connection W_ij^(l) exists, False where it was pruned."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        M = np.zeros((self.sizes[l], self.sizes[l - 1]), dtype=bool)
        for c in self.connections(l):
            M[c.i - 1, c.j - 1] = True
        return M

    # --- parameters as matrices ----------------------------------------------------------------

    def weights(self, l: int) -> np.ndarray:
        """W^(l), shape (s_{l+1}, s_l), assembled from the Connections (0 where pruned)."""
        return self._matrix_of(check_layer(l, self.n_layers, last=self.n_layers - 1), "weights")

    def _matrix_of(self, l: int, row: str) -> np.ndarray:
        """The neurons' rows (weights or weight_grads) of layer l + 1 as an (s_{l+1}, s_l) matrix, 0 where pruned."""
        layer = self._structure()[l]
        if all(n.inputs is None for n in layer):
            return np.array([getattr(n, row) for n in layer], dtype=float).reshape(self.sizes[l], self.sizes[l - 1])
        M = np.zeros((self.sizes[l], self.sizes[l - 1]))
        for i, n in enumerate(layer):
            cols = range(self.sizes[l - 1]) if n.inputs is None else n.inputs
            M[i, list(cols)] = getattr(n, row)
        return M

    def biases(self, l: int) -> np.ndarray:
        """b^(l), shape (s_{l+1},): the biases of the neurons of layer l + 1."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        return np.array([n.bias for n in self._structure()[l]])

    def set_weights(self, l: int, W) -> None:
        """Scatter W^(l) (shape (s_{l+1}, s_l)) into the Connections; pruned entries must be 0."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        W = self._matrix(W, (self.sizes[l], self.sizes[l - 1]), f"W (weights of layer {l})")
        present = self.mask(l)
        if np.any(W[~present] != 0):
            i, j = np.argwhere(~present & (W != 0))[0] + 1
            raise ValueError(f"W: entry ({i - 1}, {j - 1}) is {W[i - 1, j - 1]}, but W_{i}{j}^({l}) is pruned; "
                             "pruned entries must be 0")
        for n, row in zip(self._layers[l], W.tolist()):   # checked above: finite real numbers
            n.weights = row if n.inputs is None else [row[j] for j in n.inputs]

    def set_biases(self, l: int, b) -> None:
        """Scatter b^(l) (shape (s_{l+1},)) into the biases of the neurons of layer l + 1."""
        l = check_layer(l, self.n_layers, last=self.n_layers - 1)
        b = self._matrix(b, (self.sizes[l],), f"b (biases of layer {l})")
        for n, b_i in zip(self._structure()[l], b.tolist()):
            n._bias = b_i   # checked above

    @staticmethod
    def _matrix(value, shape: tuple[int, ...], name: str) -> np.ndarray:
        arr = as_array(value, name)
        if arr.shape != shape:
            raise ValueError(f"{name}: expected shape {shape}, got {arr.shape}")
        return arr

    def parameters(self) -> Parameters:
        """[(W^(1), b^(1)), …, (W^(n_l−1), b^(n_l−1))] as new arrays."""
        return [(self.weights(l), self.biases(l)) for l in range(1, self.n_layers)]

    # --- the scalar engine, one example --------------------------------------------------------

    def forward(self, x) -> np.ndarray:
        """Every neuron computes z_i^(l) = Σ_j W_ij^(l−1) a_j^(l−1) + b_i^(l−1) and a_i^(l) = f(z_i^(l)).

        ``x`` has shape (s_1,); returns a^(n_l) as an array of shape (s_{n_l},).
        """
        x = as_input(x, self.sizes[0])
        layers = self._structure()
        self._pass = Z, A = engine.forward(layers, x[:, None].tolist())   # a batch of one: one column
        self._forward_version = self._version
        return np.array([a_i[0] for a_i in A[-1]])

    def backward(self, y) -> None:
        """After ``forward(x)``: every neuron's δ, output layer first, and the per-example gradients.

        δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) f′(z_i^(l)); Connection.grad = δ_i^(l+1) a_j^(l) and
        Neuron.bias_grad = δ_i of J(W,b; x, y) (no weight decay: that belongs to the batch cost).
        """
        layers = self._structure()
        if self._forward_version is None:
            raise RuntimeError("backward(y) needs the z and a of a forward pass: call net.forward(x) first")
        if self._forward_version != self._version:
            raise RuntimeError("backward(y): the graph changed since the last forward pass; call net.forward(x) again")
        t = as_target(y, self.loss, self.sizes[-1])
        engine.transpose(layers)
        Z, A = self._pass
        engine.gradients(layers, A, engine.backward(layers, Z, A, t[:, None].tolist(), self.loss))

    # --- batches ------------------------------------------------------------------------------

    def _decay(self) -> float:
        """(λ/2) Σ_l Σ_ij (W_ij^(l))², the weight-decay term of eq. 6 (biases are not decayed)."""
        if self.weight_decay == 0.0:
            return 0.0
        return 0.5 * self.weight_decay * sum(sumprod(n.weights, n.weights) for layer in self._layers[1:] for n in layer)

    def _run(self, X: np.ndarray, T: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Forward the rows of X through the engine (and backward, with the gradients' batch mean over the
        examples, when targets T are given); returns the output layer's Z and A in the notes' column form,
        one column per example."""
        layers = self._structure()
        # The engine's layout is the column form's: row i of X^T is x_i in every example.
        if T is not None:
            engine.transpose(layers)
            Z, A = engine.forward(layers, X.T.tolist())
            engine.gradients(layers, A, engine.backward(layers, Z, A, T.T.tolist(), self.loss))
            outputs = [(Z[-1], A[-1])]
        else:
            # Without gradients nothing needs the whole batch at once: a chunk at a time keeps the memory of
            # every neuron's numbers to that of CHUNK examples, however many rows X has.
            outputs = []
            for k in range(0, X.shape[0], CHUNK):
                Z, A = engine.forward(layers, X[k:k + CHUNK].T.tolist())
                outputs.append((Z[-1], A[-1]))
        # The neurons now hold the last row's numbers; backward(y) must not mistake them for a forward(x).
        self._forward_version = None
        return (np.concatenate([np.array(z, dtype=float) for z, _ in outputs], axis=1),
                np.concatenate([np.array(a, dtype=float) for _, a in outputs], axis=1))

    def _evaluate(self, X: np.ndarray, T: np.ndarray) -> tuple[float, np.ndarray]:
        """J(W,b) and the outputs a^(n_l) (one row per example) from one forward pass."""
        Z, A = self._run(X)
        return self._batch_cost(Z, A, T), A.T.copy()

    def _batch_cost(self, Z: np.ndarray, A: np.ndarray, T: np.ndarray) -> float:
        """J(W,b) = (1/m) Σ_k J(W,b; x_k, y_k) + the weight-decay term (eq. 6), from the output layer's Z and A
        in column form (the data term is Loss.mean, as in the matrix twin)."""
        return self.loss.mean(Z, A, T.T) + self._decay()

    def _cost(self, X: np.ndarray, T: np.ndarray) -> float:
        return self._evaluate(X, T)[0]

    def _gradients(self, X: np.ndarray, T: np.ndarray) -> float:
        """Leave ∂J/∂W (batch mean + λW) and ∂J/∂b in the objects; return J(W,b) (eq. 6) at these weights."""
        Z, A = self._run(X, T)
        lam = self.weight_decay
        if lam:
            for layer in self._layers[1:]:
                for n in layer:
                    # ∂J/∂W_ij = (1/m) Σ_k δ_i a_j + λ W_ij, one row per neuron
                    n.weight_grads = list(map(add, n.weight_grads, map(mul, n.weights, repeat(lam))))
        return self._batch_cost(Z, A, T)

    def gradients(self, X, Y) -> Parameters:
        """[(∂J/∂W^(1), ∂J/∂b^(1)), …] of the batch cost J(W,b), by the scalar engine.

        ∂J/∂W_ij^(l) = (1/m) Σ_k δ_i^(l+1) a_j^(l) + λ W_ij^(l);  ∂J/∂b_i^(l) = (1/m) Σ_k δ_i^(l+1).
        The same numbers are left in Connection.grad and Neuron.bias_grad (0 in dW where pruned).
        """
        self._gradients(*self._check_data(X, Y))
        return self._gradient_matrices()

    def _gradient_matrices(self) -> Parameters:
        grads = []
        for l in range(1, self.n_layers):
            grads.append((self._matrix_of(l, "weight_grads"), np.array([n.bias_grad for n in self._layers[l]])))
        return grads

    def _step(self, X: np.ndarray, T: np.ndarray, lr: float) -> float:
        cost = self._gradients(X, T)
        if self.optimizer is not None and type(self.optimizer) is not optimizers.SGD:
            optimizers.update_rows(self.optimizer, self._layers[1:], lr)
            return cost
        for layer in self._layers[1:]:
            for n in layer:
                # W_ij ← W_ij − α ∂J/∂W_ij for the neuron's row, b_i ← b_i − α ∂J/∂b_i
                n.weights = list(map(sub, n.weights, map(mul, n.weight_grads, repeat(lr))))
                n._bias -= lr * n.bias_grad
        return cost

    def predict(self, X) -> np.ndarray:
        """a^(n_l) for every row of X: an array of shape (m, s_{n_l})."""
        return self._run(as_inputs(X, self.sizes[0]))[1].T.copy()

    def optimizer_state(self) -> list[tuple[dict, dict]]:
        """Each parameter's optimizer state gathered as arrays: per layer l, ({"v": array like W^(l)}, {"v": array
        like b^(l)}) for momentum, m, v and t for Adam (empty dicts for SGD or none; 0 where pruned)."""
        return optimizers.gather_state(self)

    def _clear_optimizer_state(self) -> None:
        optimizers.clear_state(self)

    def _set_optimizer_state(self, states: list[tuple[dict, dict]] | None) -> None:
        """Give every Connection and Neuron its state for ``self.optimizer`` from ``states`` (as
        :meth:`optimizer_state` returns them)."""
        optimizers.scatter_state(self, self.optimizer, states)

    # --- files ----------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The network as a JSON-ready dict (sizes, activation names, loss, λ, weights, biases, pruned
        connections); see :mod:`neurosim.core.state`."""
        return state.network_dict(self)

    @classmethod
    def from_dict(cls, data, source: str = "the data") -> Network:
        """A network from a dict made by :meth:`to_dict`; every field is checked and a malformed one is a
        ValueError that names it."""
        try:
            net = cls(**state.read_header(data, source))
        except (TypeError, ValueError) as exc:
            bad = state.malformed(source)
            raise ValueError(str(exc) if str(exc).startswith(bad) else f"{bad} {exc}") from exc
        state.fill_parameters(net, data, source)
        return net

    def save(self, path: str | PathLike) -> None:
        """Write the network to ``path`` as JSON, atomically (never pickle: a saved file is data, not code)."""
        write_json_atomic(path, self.to_dict())

    @classmethod
    def load(cls, path: str | PathLike) -> Network:
        """Read a network written by :meth:`save`; a malformed file is a ValueError saying what is wrong."""
        return cls.from_dict(read_json(path, "neurosim file"), os.fspath(path))

    def __repr__(self) -> str:
        hidden = sorted({a.name for a in self.activations[:-1]})
        n_conn = self._graph.number_of_edges()
        return (f"Network({self.sizes}, activation={'/'.join(hidden) or '-'}, output={self.activations[-1].name}, "
                f"loss={self.loss.name}, weight_decay={self.weight_decay:g}, connections={n_conn})")

    def _repr_html_(self) -> str:
        """Jupyter: ``repr``, the layer table and a small SVG of the net (plain numbers to neurosim.base)."""
        conns = [self.connections(l) for l in range(1, self.n_layers)]
        return network_view(self.sizes, [a.name for a in self.activations], [len(c) for c in conns], repr(self),
                            [(c.layer, c.i, c.j, c.weight) for layer in conns for c in layer])
