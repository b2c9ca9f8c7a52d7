"""The path view of one gradient: ∂J/∂W_ij^(l) as a sum over the paths from that connection to the output.

A change of W_ij^(l) reaches the cost only through z_i^(l+1), and from there along every chain of
connections to an output neuron. The chain rule multiplies the local derivatives along one chain and adds
the chains up:

    ∂J/∂W_ij^(l) = Σ_paths  a_j^(l) · f′(z_i^(l+1)) · W_ki^(l+1) · f′(z_k^(l+2)) · … · δ_o^(n_l)

The first factor is ∂z_i^(l+1)/∂W_ij^(l) = a_j^(l); each neuron h passed through contributes
∂a_h/∂z_h = f′(z_h), each connection from h to k contributes ∂z_k/∂a_h = W_kh; a path ends at an output
neuron o with ∂J/∂z_o = δ_o^(n_l) (for softmax + cross-entropy this already contains the softmax Jacobian).
Grouping the paths by their first step gives back the δ recursion, so the sum equals δ_i^(l+1)·a_j^(l):
backpropagation is this sum computed layer by layer without ever listing the paths.

The paths are enumerated with ``networkx.all_simple_paths`` on ``net.graph`` (pruned connections are not
edges, so no path uses them). Their number grows as the product of the widths of the later layers, so it
is counted first (a dynamic programme over the layers: paths(o) = 1 at the output, paths(h) = Σ paths(k)
over the successors k of h) and a count above ``limit`` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from ..core.network import Network
from .display import pathsum_html
from .trace import activation_symbol, fmt

DEFAULT_LIMIT = 1000


@dataclass(frozen=True)
class Path:
    """One path: its neurons from the connection's source (l, j) to an output neuron, and its local derivatives
    as (symbol, value) pairs in order; ``product`` is their product."""

    nodes: tuple[tuple[int, int], ...]
    factors: tuple[tuple[str, float], ...]
    product: float

    def formula(self) -> str:
        """``a_2^(1)·σ′(z_1^(2))·W_11^(2)·δ_1^(3)``"""
        return "·".join(name for name, _ in self.factors)

    def numbers(self, digits: int = 6) -> str:
        """The factors' values, ending in ``= product``."""
        parts = [fmt(v, digits) for _, v in self.factors]
        parts = [f"({p})" if p.startswith("-") else p for p in parts]
        return "·".join(parts) + f" = {fmt(self.product, digits)}"


@dataclass(frozen=True)
class PathSum:
    """∂J/∂W_ij^(l) by paths: ``total`` = Σ path products, to compare with ``expected`` = δ_i^(l+1)·a_j^(l),
    the product of the engine's ``delta`` (δ_i^(l+1)) and ``activation`` (a_j^(l))."""

    layer: int
    i: int
    j: int
    paths: tuple[Path, ...]
    total: float
    delta: float
    activation: float
    notation: str = DEFAULT_NOTATION

    @property
    def expected(self) -> float:
        """δ_i^(l+1)·a_j^(l), the gradient as backpropagation gives it."""
        return self.delta * self.activation

    @property
    def difference(self) -> float:
        """total − expected (rounding only)."""
        return self.total - self.expected

    def text(self, digits: int = 6) -> str:
        """The paths, one per line, their sum, and δ_i^(l+1)·a_j^(l) for comparison."""
        l, i, j, n = self.layer, self.i, self.j, self.notation
        w = symbol("W", l, i, j, notation=n)
        lines = [f"∂J/∂{w} as the sum over the {len(self.paths)} path{'s' * (len(self.paths) != 1)} "
                 f"from {w} to the output (local derivatives multiplied along each path):"]
        width = len(str(len(self.paths)))
        for k, p in enumerate(self.paths, start=1):
            route = " → ".join(f"({a},{b})" for a, b in p.nodes)
            lines.append(f"  path {k:>{width}}: {route}")
            lines.append(f"  {'':>{width + 6}}{p.formula()} = {p.numbers(digits)}")
        lines.append(f"  sum of the paths: {fmt(self.total, digits)}")
        d, a = symbol("delta", l + 1, i, notation=n), symbol("a", l, j, notation=n)
        factors = "·".join(f"({v})" if v.startswith("-") else v for v in (fmt(self.delta, digits),
                                                                           fmt(self.activation, digits)))
        lines.append(f"  backprop gives {d}·{a}: {factors}"
                     f" = {fmt(self.expected, digits)}   (difference {self.difference:.1e})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        """Jupyter: the paths as a table, with the text form's header, numbers and closing comparison."""
        lines = self.text().splitlines()
        rows = [(str(k), " → ".join(f"({a},{b})" for a, b in p.nodes), p.formula(), p.numbers())
                for k, p in enumerate(self.paths, start=1)]
        return pathsum_html(lines[0], rows, [line.strip() for line in lines[-2:]])


def count_paths(net: Network, l: int, i: int) -> int:
    """How many paths lead from neuron (l, i) to the output layer (1 for an output neuron)."""
    counts: dict[tuple[int, int], int] = {}
    graph = net.graph
    for layer in range(net.n_layers, l - 1, -1):
        for n in range(1, net.sizes[layer - 1] + 1):
            key = (layer, n)
            counts[key] = 1 if layer == net.n_layers else sum(counts[s] for s in graph.successors(key))
    return counts[(l, i)]


def paths(net: Network, l: int, i: int, j: int, x=None, y=None, limit: int = DEFAULT_LIMIT,
          notation: str = DEFAULT_NOTATION) -> PathSum:
    """∂J/∂W_ij^(l) as the sum over every path from the connection W_ij^(l) to the output of the product of
    the local derivatives along it (see the module docstring), next to δ_i^(l+1)·a_j^(l).

    With ``x`` and ``y`` the network first runs forward(x) and backward(y); without them it uses the z, a and δ
    its neurons hold from the last passes. More than ``limit`` paths is a ValueError.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    check_notation(notation)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit: expected a positive whole number, got {limit!r}")
    connection = net.connection(l, i, j)   # checks l, i, j and refuses a pruned connection
    if (x is None) != (y is None):
        raise ValueError("x, y: give both (to run the passes first) or neither (to use the last passes)")
    if x is not None:
        net.forward(x)
        net.backward(y)
    elif any(n.delta is None for n in net.layer(net.n_layers)):
        raise ValueError("paths: the network has no δ yet; pass x and y, or run net.forward(x) and net.backward(y)")
    n_l = net.n_layers
    start = connection.target.key
    total_paths = count_paths(net, *start)
    if total_paths > limit:
        raise ValueError(f"paths: W_{i}{j}^({l}) reaches the output along {total_paths} paths, more than "
                         f"limit={limit}; raise the limit, or follow the δ recursion, which adds up the same paths "
                         "layer by layer")
    graph = net.graph
    if start[0] == n_l:
        routes = [[start]]
    else:
        outputs = [(n_l, o) for o in range(1, net.sizes[-1] + 1)]
        routes = sorted(nx.all_simple_paths(graph, start, outputs))
    found = []
    for route in routes:
        factors = [(symbol("a", l, j, notation=notation), connection.source.a)]
        for h, k in zip(route, route[1:]):
            neuron = graph.nodes[h]["neuron"]
            name = activation_symbol(neuron.activation)
            factors.append((f"{name}′({symbol('z', *h, notation=notation)})", neuron.activation.df_scalar(neuron.z)))
            c = graph.edges[h, k]["connection"]
            factors.append((symbol("W", h[0], k[1], h[1], notation=notation), c.weight))
        out = graph.nodes[route[-1]]["neuron"]
        factors.append((symbol("delta", *route[-1], notation=notation), out.delta))
        product = 1.0
        for _, value in factors:
            product *= value
        found.append(Path(((l, j), *route), tuple(factors), product))
    return PathSum(l, i, j, tuple(found), sum(p.product for p in found), connection.target.delta,
                   connection.source.a, notation)
