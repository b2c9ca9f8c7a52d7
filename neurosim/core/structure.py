"""Reading the network from its graph: what the graph holds is what the engine computes with.

:func:`rebuild` runs whenever ``NeuronGraph.version`` has moved since the last time (any edit, through the
Network or straight through networkx). It checks that the graph still holds the network's own neurons and
that every edge carries a Connection between the two neurons it joins, then lays out each neuron's rows:
``incoming`` (ordered by j) with its ``weights`` and ``weight_grads``, ``outgoing`` (ordered by i),
``inputs`` / ``outputs``. A connection that left the graph keeps its numbers in its own slots; one that
entered it brings its own numbers into its target's rows. See "How a weight is stored" in
docs/architecture.md.
"""

from __future__ import annotations

import operator

from .graph import ROWS, Connection, Neuron, NeuronGraph

_source_index = operator.attrgetter("source.index")   # j of a Connection W_ij^(l)


def rebuild(graph: NeuronGraph, layers: list[list[Neuron]]) -> list[list[Connection]]:
    """Lay the graph's connections out on the neurons; return the Connections of each W^(l), ordered by (i, j).

    Raises ValueError (naming the node or edge) when the graph no longer describes a neurosim network:
    a missing or foreign neuron, an edge that skips a layer, or a Connection that belongs to another edge
    or another network. Nothing is computed with such a graph.
    """
    neurons = {n.key: n for layer in layers for n in layer}
    missing = neurons.keys() - graph.nodes
    extra = graph.nodes - neurons.keys()
    if missing or extra:
        raise ValueError(f"graph: neurosim networks keep their neurons; missing {sorted(missing)}, "
                         f"unexpected {sorted(extra, key=str)}. Prune a neuron by removing its connections.")
    for key, data in graph.nodes(data=True):
        if data.get("neuron") is not neurons[key]:
            raise ValueError(f"graph: node {key} must hold this network's Neuron {key} as its 'neuron' "
                             f"attribute, got {data.get('neuron')!r}")
    incoming: dict[tuple[int, int], list[Connection]] = {key: [] for key in neurons}
    for u, v, data in graph.edges(data=True):
        if u[0] + 1 != v[0]:
            raise ValueError(f"graph: edge {u} -> {v} does not run from layer l to layer l + 1; "
                             "neurosim networks connect consecutive layers only")
        c = data.get("connection")
        if c is None:   # an edge added without a Connection is a new connection of weight 0
            c = Connection(neurons[u], neurons[v], 0.0)
            dict.__setitem__(data, "connection", c)   # not an edit by the user: the version stays
        elif not isinstance(c, Connection):
            raise TypeError(f"graph: edge {u} -> {v} must hold an ns.Connection as its 'connection' attribute, "
                            f"got {type(c).__name__}")
        elif c.source is not neurons[u] or c.target is not neurons[v]:
            raise ValueError(f"graph: edge {u} -> {v} holds {c!r}, which joins {_owner(c.source, neurons)} to "
                             f"{_owner(c.target, neurons)}; an edge's Connection must join its own two neurons "
                             f"(make one with ns.Connection(net.neuron{u}, net.neuron{v}, weight))")
        incoming[v].append(c)

    connections: list[list[Connection]] = []
    for below, layer in zip(layers, layers[1:]):
        conns: list[Connection] = []
        for n in below:
            n.outgoing = []
        for n in layer:
            new = sorted(incoming[n.key], key=_source_index)
            kept = set(map(id, new))
            # Read every number first (from the old rows or the connection's own slots), then lay the rows out.
            rows = {row: [getattr(c, attr) for c in new] for attr, (row, _) in ROWS.items()}
            for c in n.incoming:
                if id(c) not in kept:
                    c._detach()
            for row, values in rows.items():
                setattr(n, row, values)
            for k, c in enumerate(new):
                c._attach(k)
            n.incoming = new
            n.inputs = None if len(new) == len(below) else [c.source.index - 1 for c in new]
            conns += new
        for c in conns:
            c.source.outgoing.append(c)
        for n in below:
            n.outputs = None if len(n.outgoing) == len(layer) else [c.target.index - 1 for c in n.outgoing]
        connections.append(conns)
    return connections


def _owner(neuron: Neuron, neurons: dict) -> str:
    ours = neurons.get(neuron.key) is neuron
    return f"neuron {neuron.key}" + ("" if ours else " of another network")
