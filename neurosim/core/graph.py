"""The graph objects: one :class:`Neuron` per unit, one :class:`Connection` per weight, in a networkx DiGraph.

Van Vaerenbergh's indexing: node ``(l, i)`` is neuron i of layer l (1-based); the edge
``((l, j), (l + 1, i))`` carries the Connection W_ij^(l), from neuron j of layer l to neuron i of
layer l + 1. The objects hold the state (weights, biases, z, a, δ, gradients); the engine in
:mod:`neurosim.core.engine` fills them in.
"""

from __future__ import annotations

import networkx as nx

from ..base.html import key_values
from ..base.notation import symbol
from .activations import Activation


def _fmt(value) -> str:
    return "None" if value is None else f"{value:.6g}"


# What each optimizer's state number means, for the rich display (see neurosim.core.optimizers): Adam's
# state is the one with an m.
_ADAM_MEANING = {"m": "Adam's first moment", "v": "Adam's second moment", "t": "Adam's steps taken"}
_MOMENTUM_MEANING = {"v": "momentum's velocity"}


def _state_text(state: dict | None) -> str:
    """``, v=0.0123`` (the optimizer state in a repr), or nothing when the parameter has none."""
    if not state:
        return ""
    return "".join(f", {k}={v}" if k == "t" else f", {k}={_fmt(v)}" for k, v in state.items())


def _state_rows(state: dict | None, param: str) -> list[tuple[str, str, str]]:
    """Rows of the rich display for the optimizer state of the parameter whose LaTeX symbol is ``param``."""
    if not state:
        return []
    meaning = _ADAM_MEANING if "m" in state else _MOMENTUM_MEANING
    return [(f"{k}[{param}]", meaning.get(k, "optimizer state"), str(v) if k == "t" else _fmt(v))
            for k, v in state.items()]


class Neuron:
    """Neuron i of layer l: z_i^(l), a_i^(l) = f(z_i^(l)), δ_i^(l) = ∂J/∂z_i^(l), and its bias.

    ``bias`` is b_i^(l−1), the bias added into z_i^(l); ``bias_grad`` is ∂J/∂b_i^(l−1) (= δ_i^(l) for one
    example). The input layer (l = 1) has no z, no δ and no bias: those stay ``None``.
    ``incoming``/``outgoing`` are the neuron's Connections, cached from the graph by the Network.
    ``optimizer_state`` is the bias's own optimizer state (e.g. ``{"v": …}`` for momentum, ``{"m": …, "v": …,
    "t": …}`` for Adam; None before the first update by such an optimizer), see :mod:`neurosim.core.optimizers`.
    """

    __slots__ = ("layer", "index", "activation", "bias", "bias_grad", "z", "a", "delta", "incoming", "outgoing",
                 "optimizer_state")

    def __init__(self, layer: int, index: int, activation: Activation | None = None, bias: float | None = None):
        self.layer = layer
        self.index = index
        self.activation = activation
        self.bias = bias
        self.bias_grad = None if bias is None else 0.0
        self.z: float | None = None
        self.a: float | None = None
        self.delta: float | None = None
        self.incoming: list[Connection] = []
        self.outgoing: list[Connection] = []
        self.optimizer_state: dict | None = None

    @property
    def key(self) -> tuple[int, int]:
        """The graph's node key (l, i)."""
        return (self.layer, self.index)

    def __repr__(self) -> str:
        if self.layer == 1:
            return f"Neuron({self.layer}, {self.index}, input, a={_fmt(self.a)})"
        return (f"Neuron({self.layer}, {self.index}, {self.activation.name}, z={_fmt(self.z)}, a={_fmt(self.a)}, "
                f"delta={_fmt(self.delta)}, bias={_fmt(self.bias)}{_state_text(self.optimizer_state)})")

    def _repr_html_(self) -> str:
        """Jupyter: the neuron's numbers under their symbols, as in ``repr`` (6 significant digits)."""
        l, i = self.layer, self.index
        if l == 1:
            return key_values(f"Neuron ({l}, {i}), input", [(symbol("a", l, i, latex=True), "input x_i", _fmt(self.a))])
        return key_values(f"Neuron ({l}, {i}), {self.activation.name}", [
            (symbol("z", l, i, latex=True), "weighted input", _fmt(self.z)),
            (symbol("a", l, i, latex=True), "activation f(z)", _fmt(self.a)),
            (symbol("delta", l, i, latex=True), "error term ∂J/∂z", _fmt(self.delta)),
            (symbol("b", l - 1, i, latex=True), "bias", _fmt(self.bias)),
            (r"\partial J/\partial " + symbol("b", l - 1, i, latex=True), "bias gradient", _fmt(self.bias_grad)),
            *_state_rows(self.optimizer_state, symbol("b", l - 1, i, latex=True)),
        ])


class Connection:
    """The weight W_ij^(l) from ``source`` (neuron j of layer l) to ``target`` (neuron i of layer l+1).

    ``grad`` is ∂J/∂W_ij^(l) = δ_i^(l+1) a_j^(l) after a backward pass (the batch gradient after
    ``Network.gradients``). ``optimizer_state`` is the weight's own optimizer state (None before the first
    update by momentum or Adam), as for :class:`Neuron`.
    """

    __slots__ = ("source", "target", "weight", "grad", "optimizer_state")

    def __init__(self, source: Neuron, target: Neuron, weight: float = 0.0):
        self.source = source
        self.target = target
        self.weight = float(weight)
        self.grad = 0.0
        self.optimizer_state: dict | None = None

    @property
    def layer(self) -> int:
        """l of W_ij^(l): the layer the connection starts from."""
        return self.source.layer

    @property
    def i(self) -> int:
        """i of W_ij^(l): the target neuron's index in layer l + 1."""
        return self.target.index

    @property
    def j(self) -> int:
        """j of W_ij^(l): the source neuron's index in layer l."""
        return self.source.index

    def __repr__(self) -> str:
        return (f"Connection(W_{self.i}{self.j}^({self.layer})={_fmt(self.weight)}, grad={_fmt(self.grad)}"
                f"{_state_text(self.optimizer_state)})")

    def _repr_html_(self) -> str:
        """Jupyter: W_ij^(l) and ∂J/∂W_ij^(l), as in ``repr``."""
        l, i, j = self.layer, self.i, self.j
        w = symbol("W", l, i, j, latex=True)
        return key_values(f"Connection from neuron ({l}, {j}) to neuron ({l + 1}, {i})", [
            (w, "weight", _fmt(self.weight)), (r"\partial J/\partial " + w, "gradient", _fmt(self.grad)),
            *_state_rows(self.optimizer_state, w)])


class NeuronGraph(nx.DiGraph):
    """A DiGraph that counts its structural changes, so the Network knows when to rebuild its cached
    per-neuron connection lists (the engine never pays for dictionary look-ups in its inner loops)."""

    version = 0

    def _changed(self) -> None:
        self.version += 1

    def add_node(self, *args, **kwargs):
        super().add_node(*args, **kwargs)
        self._changed()

    def add_nodes_from(self, *args, **kwargs):
        super().add_nodes_from(*args, **kwargs)
        self._changed()

    def remove_node(self, *args, **kwargs):
        super().remove_node(*args, **kwargs)
        self._changed()

    def remove_nodes_from(self, *args, **kwargs):
        super().remove_nodes_from(*args, **kwargs)
        self._changed()

    def add_edge(self, *args, **kwargs):
        super().add_edge(*args, **kwargs)
        self._changed()

    def add_edges_from(self, *args, **kwargs):
        super().add_edges_from(*args, **kwargs)
        self._changed()

    def add_weighted_edges_from(self, *args, **kwargs):
        super().add_weighted_edges_from(*args, **kwargs)
        self._changed()

    def remove_edge(self, *args, **kwargs):
        super().remove_edge(*args, **kwargs)
        self._changed()

    def remove_edges_from(self, *args, **kwargs):
        super().remove_edges_from(*args, **kwargs)
        self._changed()

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        self._changed()

    def clear(self):
        super().clear()
        self._changed()

    def clear_edges(self):
        super().clear_edges()
        self._changed()
