"""The graph objects: one :class:`Neuron` per unit, one :class:`Connection` per weight, in a networkx DiGraph.

Van Vaerenbergh's indexing: node ``(l, i)`` is neuron i of layer l (1-based); the edge
``((l, j), (l + 1, i))`` carries the Connection W_ij^(l), from neuron j of layer l to neuron i of
layer l + 1. The objects hold the state (weights, biases, z, a, δ, gradients); the engine in
:mod:`neurosim.core.engine` fills them in.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import networkx as nx

from ..base.html import key_values
from ..base.limits import excerpt
from ..base.notation import symbol
from .activations import Activation
from .optimizers import Adam, Momentum


def _fmt(value) -> str:
    return "None" if value is None else f"{value:.6g}"


def check_parameter(value, name: str) -> float:
    """A finite real number as a float, checked once on assignment so the engine never has to."""
    if type(value) is float and math.isfinite(value):   # the common case, without the ABC checks below
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a finite real number, got {type(value).__name__} {excerpt(value)}")
    try:
        value = float(value)
    except OverflowError:   # a Python int beyond 1.8e308
        raise ValueError(f"{name}: expected a finite real number, got {excerpt(value)}, too large for a "
                         "float") from None
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite real number, got {value}")
    return value




def _state_text(state: dict | None) -> str:
    """``, v=0.0123`` (the optimizer state in a repr), or nothing when the parameter has none."""
    if not state:
        return ""
    return "".join(f", {k}={v}" if k == "t" else f", {k}={_fmt(v)}" for k, v in state.items())


def _state_rows(state: dict | None, param: str) -> list[tuple[str, str, str]]:
    """Rows of the rich display for the optimizer state of the parameter whose LaTeX symbol is ``param``."""
    if not state:
        return []
    # the optimizers' own words for their state; Adam's state is the one with an m
    kind = Adam if "m" in state else Momentum
    meaning = kind.state_meaning
    return [(f"{k}[{param}]", f"{kind.__name__}: {meaning.get(k, 'optimizer state')}", str(v) if k == "t" else _fmt(v))
            for k, v in state.items()]


class Neuron:
    """Neuron i of layer l: z_i^(l), a_i^(l) = f(z_i^(l)), δ_i^(l) = ∂J/∂z_i^(l), and its bias.

    ``bias`` is b_i^(l−1), the bias added into z_i^(l); ``bias_grad`` is ∂J/∂b_i^(l−1) (= δ_i^(l) for one
    example). The input layer (l = 1) has no z, no δ and no bias: those stay ``None``.

    The neuron also holds the row W_i·^(l−1) of its incoming weights (see "How a weight is stored" in
    docs/architecture.md), all cached from the graph by the Network and rebuilt when the graph changes:
    ``incoming``/``outgoing`` (its Connections, ordered by j and by i), ``weights`` and ``weight_grads``
    (the numbers of ``incoming``, in the same order: each Connection's weight and grad live here),
    ``inputs`` (None when every neuron of layer l − 1 feeds it, else their 0-based positions),
    ``outputs`` (likewise for its successors) and ``out_weights`` (W_·i^(l), refreshed before each backward pass).

    Optimizer state (see :mod:`neurosim.core.optimizers`): ``optimizer_state`` is the bias's own (``{"v": …}``
    for momentum, ``{"m": …, "v": …, "t": …}`` for Adam; None before the first update by such an optimizer);
    ``weight_states`` is the row of its incoming weights' states, read by each Connection's ``optimizer_state``.
    """

    __slots__ = ("layer", "index", "activation", "_bias", "bias_grad", "z", "a", "delta", "incoming", "outgoing",
                 "weights", "weight_grads", "inputs", "outputs", "out_weights", "optimizer_state", "weight_states")

    def __init__(self, layer: int, index: int, activation: Activation | None = None, bias: float | None = None):
        self.layer = layer
        self.index = index
        self.activation = activation
        self._bias = None if bias is None else check_parameter(bias, "bias")
        self.bias_grad = None if bias is None else 0.0
        self.z: float | None = None
        self.a: float | None = None
        self.delta: float | None = None
        self.incoming: list[Connection] = []
        self.outgoing: list[Connection] = []
        self.weights: list[float] = []
        self.weight_grads: list[float] = []
        self.inputs: list[int] | None = None
        self.outputs: list[int] | None = None
        self.out_weights: Sequence[float] = ()
        self.optimizer_state: dict | None = None
        self.weight_states: list[dict | None] = []

    @property
    def bias(self) -> float | None:
        """b_i^(l−1), added into z_i^(l); None for an input neuron. Assignments are checked: a finite real number."""
        return self._bias

    @bias.setter
    def bias(self, value) -> None:
        if self.layer == 1:
            raise ValueError(f"bias: neuron ({self.layer}, {self.index}) is an input neuron, which has no bias")
        self._bias = check_parameter(value, f"bias (b_{self.index}^({self.layer - 1}))")

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


# The per-connection numbers and where they live: Connection attribute -> (row on the target Neuron, the
# Connection's own slot while it is not in the graph). A new per-connection number (an optimizer's
# velocity, say) is one more entry here, one more slot on Connection and one more Neuron row.
ROWS: dict[str, tuple[str, str]] = {"weight": ("weights", "_w"), "grad": ("weight_grads", "_g"),
                                    "optimizer_state": ("weight_states", "_s")}


class Connection:
    """The weight W_ij^(l) from ``source`` (neuron j of layer l) to ``target`` (neuron i of layer l+1).

    ``grad`` is ∂J/∂W_ij^(l) = δ_i^(l+1) a_j^(l) after a backward pass (the batch gradient after
    ``Network.gradients``). While the connection is in a network's graph, its ``weight`` and ``grad`` are
    entries ``k`` of its target neuron's ``weights`` and ``weight_grads`` rows (one place a weight lives);
    a connection outside any graph (new, or pruned) keeps its own. ``weight`` is checked on assignment:
    a finite real number. ``optimizer_state`` is the weight's own optimizer state (None before the first update
    by momentum or Adam), kept the same way in the target's ``weight_states`` row.
    """

    __slots__ = ("source", "target", "_k", "_w", "_g", "_s")

    def __init__(self, source: Neuron, target: Neuron, weight: float = 0.0):
        for name, neuron in (("source", source), ("target", target)):
            if not isinstance(neuron, Neuron):
                raise TypeError(f"Connection {name}: expected a Neuron, got {type(neuron).__name__}")
        self.source = source
        self.target = target
        self._k = -1   # not in a graph yet: the numbers are the connection's own
        self._w = check_parameter(weight, "weight")
        self._g = 0.0
        self._s: dict | None = None

    @property
    def weight(self) -> float:
        """W_ij^(l). Assignments are checked: a finite real number (TypeError / ValueError otherwise)."""
        return self.target.weights[self._k] if self._k >= 0 else self._w

    @weight.setter
    def weight(self, value) -> None:
        value = check_parameter(value, f"weight ({self._symbol()})")
        if self._k >= 0:
            self.target.weights[self._k] = value
        else:
            self._w = value

    @property
    def grad(self) -> float:
        """∂J/∂W_ij^(l), written by the engine."""
        return self.target.weight_grads[self._k] if self._k >= 0 else self._g

    @grad.setter
    def grad(self, value: float) -> None:
        if self._k >= 0:
            self.target.weight_grads[self._k] = value
        else:
            self._g = value

    @property
    def optimizer_state(self) -> dict | None:
        """The weight's optimizer state: ``{"v": …}`` (momentum), ``{"m": …, "v": …, "t": …}`` (Adam) or None."""
        return self.target.weight_states[self._k] if self._k >= 0 else self._s

    @optimizer_state.setter
    def optimizer_state(self, value: dict | None) -> None:
        if self._k >= 0:
            self.target.weight_states[self._k] = value
        else:
            self._s = value

    def _detach(self) -> None:
        """Take the numbers out of the target's rows into the connection's own slots (it left the graph)."""
        if self._k >= 0:
            for attr, (_, own) in ROWS.items():
                setattr(self, own, getattr(self, attr))
            self._k = -1

    def _attach(self, k: int) -> None:
        """The numbers now live at position k of the target's rows (the rows were filled by the caller)."""
        self._k = k
        for _, own in ROWS.values():
            setattr(self, own, None)

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

    def _symbol(self) -> str:
        return f"W_{self.i}{self.j}^({self.layer})"

    def __repr__(self) -> str:
        return (f"Connection({self._symbol()}={_fmt(self.weight)}, grad={_fmt(self.grad)}"
                f"{_state_text(self.optimizer_state)})")

    def _repr_html_(self) -> str:
        """Jupyter: W_ij^(l) and ∂J/∂W_ij^(l), as in ``repr``."""
        l, i, j = self.layer, self.i, self.j
        w = symbol("W", l, i, j, latex=True)
        return key_values(f"Connection from neuron ({l}, {j}) to neuron ({l + 1}, {i})", [
            (w, "weight", _fmt(self.weight)), (r"\partial J/\partial " + w, "gradient", _fmt(self.grad)),
            *_state_rows(self.optimizer_state, w)])


class _Watched(dict):
    """A node's or an edge's attribute dict that tells its graph when it changes, and checks the one value
    neurosim reads from it (``key`` must hold a ``kind``) when it is assigned."""

    __slots__ = ("_graph",)
    key = ""
    kind: type = object

    def __init__(self, graph: NeuronGraph):
        super().__init__()
        self._graph = graph

    def _check(self, key, value) -> None:
        if key == self.key and not isinstance(value, self.kind):
            raise TypeError(f"graph: the {self.key!r} attribute must be an ns.{self.kind.__name__}, got "
                            f"{type(value).__name__} {excerpt(value)}; neurosim reads the network from it")

    def _changed(self) -> None:
        self._graph.version += 1

    def __setitem__(self, key, value) -> None:
        self._check(key, value)
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key) -> None:
        super().__delitem__(key)
        self._changed()

    def update(self, *args, **kwargs) -> None:
        other = dict(*args, **kwargs)
        for key, value in other.items():
            self._check(key, value)
        super().update(other)
        self._changed()

    def __ior__(self, other):
        self.update(other)
        return self

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, *args):
        value = super().pop(*args)
        self._changed()
        return value

    def popitem(self):
        item = super().popitem()
        self._changed()
        return item

    def clear(self) -> None:
        super().clear()
        self._changed()


class _EdgeData(_Watched):
    __slots__ = ()
    key, kind = "connection", Connection


class _NodeData(_Watched):
    __slots__ = ()
    key, kind = "neuron", Neuron


class NeuronGraph(nx.DiGraph):
    """A DiGraph that counts its changes in ``version``, so the Network knows when to rebuild the rows and
    lists it caches on each Neuron (the engine never pays for dictionary look-ups in its inner loops).

    Every way networkx offers to change it counts: adding or removing nodes and edges, and assigning,
    deleting or updating an attribute — ``graph.edges[e]["connection"] = c`` and ``nx.set_edge_attributes``
    included, because each node's and edge's attribute dict reports to the graph. A "connection" that is not
    a Connection, or a "neuron" that is not a Neuron, is refused on assignment (TypeError).
    """

    version = 0

    def node_attr_dict_factory(self) -> dict:   # networkx calls self.node_attr_dict_factory()
        return _NodeData(self)

    def edge_attr_dict_factory(self) -> dict:
        return _EdgeData(self)

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
