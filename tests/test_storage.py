"""How a weight is stored: one place per weight, checked assignments, and graph edits honoured or refused.

After a first pass has cached each neuron's rows, every way of changing the network — through a Connection,
set_weights, networkx methods, edge-attribute assignment — must give the numbers of the network the graph now
describes (checked against a numpy backprop of that network), or a clear error at once or at the next pass.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.core.graph import Connection

from .reference import reference_backprop
from .test_properties import SETTINGS, cases


def batch_reference(Ws, bs, X, Y):
    """J(W,b) and its gradients over the batch (λ = 0), the mean of the per-example reference."""
    runs = [reference_backprop(Ws, bs, ["sigmoid", "sigmoid"], "half_sse", x, t) for x, t in zip(X, Y)]
    J = np.mean([r[3] for r in runs])
    grads = [(np.mean([r[4][l][0] for r in runs], axis=0), np.mean([r[4][l][1] for r in runs], axis=0))
             for l in range(len(Ws))]
    return J, grads


@pytest.fixture
def net():
    net = ns.Network([3, 4, 2], seed=3)
    x = np.array([0.5, -1.0, 2.0])
    net.forward(x)   # caches the rows: every edit below comes after it
    net.backward(np.array([0.2, 0.7]))
    return net


X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
Y = np.array([[0.2, 0.7], [0.9, 0.1]])


def assert_matches_reference(net):
    """The engine's J and gradients equal a numpy backprop of the W^(l), b^(l) the graph holds right now."""
    Ws = [_graph_weights(net, l) for l in range(1, net.n_layers)]
    bs = [np.array([net.graph.nodes[(l + 1, i)]["neuron"].bias for i in range(1, net.sizes[l] + 1)])
          for l in range(1, net.n_layers)]
    J, grads = batch_reference(Ws, bs, X, Y)
    assert net.cost(X, Y) == pytest.approx(J, rel=1e-12)
    for l, ((dW, db), (gW, gb)) in enumerate(zip(net.gradients(X, Y), grads), start=1):
        mask = _graph_weights(net, l, mask=True)
        np.testing.assert_allclose(dW, gW * mask, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(db, gb, rtol=1e-10, atol=1e-13)
        np.testing.assert_array_equal(net.weights(l), Ws[l - 1])
    # forward, weights() and save agree with the graph
    twin = ns.MatrixNetwork.from_network(net)
    np.testing.assert_allclose(net.predict(X), twin.predict(X), rtol=1e-12)


def _graph_weights(net, l, mask=False):
    """W^(l) read straight from the graph's edges (0 where there is no edge)."""
    W = np.zeros((net.sizes[l], net.sizes[l - 1]))
    for (ul, j), (_, i), c in net.graph.edges(data="connection"):
        if ul == l:
            W[i - 1, j - 1] = 1.0 if mask else c.weight
    return W


def test_a_weight_lives_in_its_neurons_row(net):
    c = net.connection(1, 2, 3)
    assert c.weight == net.neuron(2, 2).weights[2] == net.weights(1)[1, 2]
    c.weight = 0.75
    assert net.neuron(2, 2).weights[2] == 0.75 and net.weights(1)[1, 2] == 0.75
    assert_matches_reference(net)


def test_set_weights_is_seen_by_the_connections(net):
    W = np.arange(12.0).reshape(4, 3) / 10
    net.set_weights(1, W)
    assert net.connection(1, 3, 2).weight == W[2, 1]
    assert_matches_reference(net)


def test_removing_an_edge_through_networkx_after_caching(net):
    c = net.connection(1, 1, 2)
    w = c.weight
    net.graph.remove_edge((1, 2), (2, 1))
    assert_matches_reference(net)
    assert c.weight == w   # the pruned connection keeps its weight, outside the rows
    c.weight = 3.0
    assert net.weights(1)[0, 1] == 0.0   # ... and no longer counts
    net.graph.add_edge((1, 2), (2, 1), connection=c)   # put back: it brings its weight with it
    assert net.weights(1)[0, 1] == 3.0
    assert_matches_reference(net)


def test_assigning_a_new_connection_to_an_edge_is_honoured(net):
    old = net.connection(2, 1, 3)
    new = Connection(net.neuron(2, 3), net.neuron(3, 1), 5.0)
    net.graph.edges[(2, 3), (3, 1)]["connection"] = new
    assert net.connection(2, 1, 3) is new and net.weights(2)[0, 2] == 5.0
    assert_matches_reference(net)
    old.weight = -7.0   # the replaced connection is out of the network
    assert net.weights(2)[0, 2] == 5.0


def test_set_edge_attributes_is_honoured(net):
    e = ((1, 3), (2, 4))
    nx.set_edge_attributes(net.graph, {e: Connection(net.neuron(1, 3), net.neuron(2, 4), -2.5)}, "connection")
    assert net.weights(1)[3, 2] == -2.5
    assert_matches_reference(net)


def test_an_edge_added_without_a_connection_starts_at_zero(net):
    net.prune(1, 4, 1)
    net.graph.add_edge((1, 1), (2, 4))
    assert net.connection(1, 4, 1).weight == 0.0
    assert_matches_reference(net)


@pytest.mark.parametrize("value", [0.5, "w", None, {"weight": 1.0}, [1.0]])
def test_a_non_connection_on_an_edge_is_refused(net, value):
    before = net.weights(1).copy()
    with pytest.raises(TypeError, match="'connection' attribute must be an ns.Connection"):
        net.graph.add_edge((1, 1), (2, 1), connection=value)
    with pytest.raises(TypeError, match="connection"):
        net.graph.edges[(1, 1), (2, 1)]["connection"] = value
    if not isinstance(value, dict):   # networkx reads a dict as {edge: value}
        with pytest.raises(TypeError, match="connection"):
            nx.set_edge_attributes(net.graph, value, "connection")
    np.testing.assert_array_equal(net.weights(1), before)


def test_another_edges_or_networks_connection_is_refused_at_the_next_pass(net):
    other = ns.Network([3, 4, 2], seed=4)
    c21 = net.connection(1, 2, 1)
    net.graph.edges[(1, 1), (2, 1)]["connection"] = other.connection(1, 1, 1)
    for call in (lambda: net.forward(X[0]), lambda: net.weights(1), lambda: net.cost(X, Y)):
        with pytest.raises(ValueError, match=r"edge \(1, 1\) -> \(2, 1\).*another network"):
            call()
    net.graph.edges[(1, 1), (2, 1)]["connection"] = c21
    with pytest.raises(ValueError, match=r"\(2, 1\) holds .* joins neuron \(1, 1\) to neuron \(2, 2\)"):
        net.forward(X[0])
    # mend it: the graph is read again and the numbers follow it
    net.graph.edges[(1, 1), (2, 1)]["connection"] = Connection(net.neuron(1, 1), net.neuron(2, 1), 0.25)
    assert net.weights(1)[0, 0] == 0.25
    assert_matches_reference(net)


def test_deleting_the_connection_attribute_makes_a_zero_weight(net):
    del net.graph.edges[(1, 2), (2, 2)]["connection"]
    assert net.weights(1)[1, 1] == 0.0
    assert_matches_reference(net)


@pytest.mark.parametrize("value", ["x", None, 3.0])
def test_a_node_must_hold_a_neuron(net, value):
    with pytest.raises(TypeError, match="'neuron' attribute must be an ns.Neuron"):
        net.graph.nodes[(2, 1)]["neuron"] = value
    assert net.graph.nodes[(2, 1)]["neuron"] is net.neuron(2, 1)


def test_a_foreign_neuron_on_a_node_is_refused(net):
    net.graph.nodes[(2, 1)]["neuron"] = ns.Network([3, 4, 2]).neuron(2, 1)
    with pytest.raises(ValueError, match=r"node \(2, 1\) must hold this network's Neuron"):
        net.forward(X[0])


@pytest.mark.parametrize("value, error", [
    ("0.5", TypeError), (None, TypeError), ([1.0], TypeError), (True, TypeError), (1 + 2j, TypeError),
    (float("nan"), ValueError), (float("inf"), ValueError), (-np.inf, ValueError),
])
def test_assignments_are_checked(net, value, error):
    c, n = net.connection(1, 1, 1), net.neuron(2, 1)
    w, b = c.weight, n.bias
    with pytest.raises(error, match=r"weight \(W_11\^\(1\)\): expected a finite real number"):
        c.weight = value
    with pytest.raises(error, match=r"bias \(b_1\^\(1\)\): expected a finite real number"):
        n.bias = value
    assert (c.weight, n.bias) == (w, b)


def test_assignments_accept_numpy_numbers_as_floats(net):
    net.connection(1, 1, 1).weight = np.float32(0.5)
    net.neuron(2, 1).bias = np.int64(2)
    assert type(net.connection(1, 1, 1).weight) is float and net.neuron(2, 1).bias == 2.0
    with pytest.raises(ValueError, match="input neuron"):
        net.neuron(1, 1).bias = 1.0


def test_step_refuses_to_leave_non_finite_weights():
    net = ns.Network([2, 3, 1], activation="identity", seed=0)
    X2, Y2 = np.array([[1e154, 1e154]]), np.array([[0.0]])
    before = net.parameters()
    with pytest.raises(FloatingPointError, match="lr"):
        net.step(X2, Y2, 1e10)
    for (W, b), (W0, b0) in zip(net.parameters(), before):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


@pytest.mark.parametrize("call", [
    lambda net: net.forward(np.array([1 + 1j, 2 + 5j, 0])),
    lambda net: net.set_weights(1, net.weights(1) + 1j),
    lambda net: net.cost(X + 0j, Y),
])
def test_complex_numbers_are_refused(net, call):
    with pytest.raises(TypeError, match="complex"):
        call(net)


# --- hypothesis: any sequence of edits after caching gives the numbers of the network the graph describes ---


def _fresh_copy_of_the_graph(net):
    """A new Network built only from what net.graph holds now: its edges, their Connections' weights, biases."""
    fresh = ns.Network(net.sizes, activation=list(net.activations[:-1]), output=net.activations[-1],
                       loss=net.loss, weight_decay=net.weight_decay)
    for l in range(1, net.n_layers):
        W = np.zeros((net.sizes[l], net.sizes[l - 1]))
        for i in range(1, net.sizes[l] + 1):
            for j in range(1, net.sizes[l - 1] + 1):
                if net.graph.has_edge((l, j), (l + 1, i)):
                    W[i - 1, j - 1] = net.graph.edges[(l, j), (l + 1, i)]["connection"].weight
                else:
                    fresh.prune(l, i, j)
        fresh.set_weights(l, W)
        fresh.set_biases(l, [net.graph.nodes[(l + 1, i)]["neuron"].bias for i in range(1, net.sizes[l] + 1)])
    return fresh


@settings(max_examples=25, **SETTINGS)
@given(cases(), st.lists(st.tuples(st.sampled_from(["remove", "add", "replace", "assign", "set_weights", "pass"]),
                                   st.integers(0, 10 ** 6), st.floats(-2, 2)), min_size=1, max_size=8))
def test_graph_surgery_after_caching_gives_the_graphs_numbers(case, edits):
    net, X, Y = case
    net.gradients(X, Y)   # the rows are cached before any edit
    for op, k, w in edits:
        edges = list(net.graph.edges)
        l = 1 + k % (net.n_layers - 1)
        i, j = 1 + k % net.sizes[l], 1 + (k // 7) % net.sizes[l - 1]
        u, v = (l, j), (l + 1, i)
        if op == "remove" and edges:
            net.graph.remove_edge(*edges[k % len(edges)])
        elif op == "add":
            net.graph.add_edge(u, v, connection=Connection(net.neuron(*u), net.neuron(*v), w))
        elif op == "replace" and net.graph.has_edge(u, v):
            nx.set_edge_attributes(net.graph, {(u, v): Connection(net.neuron(*u), net.neuron(*v), w)}, "connection")
        elif op == "assign" and net.graph.has_edge(u, v):
            net.graph.edges[u, v]["connection"].weight = w
        elif op == "set_weights":
            net.set_weights(l, net.weights(l) * net.mask(l) * w)
        elif op == "pass":
            net.forward(X[0])
    fresh = _fresh_copy_of_the_graph(net)
    assert net.cost(X, Y) == pytest.approx(fresh.cost(X, Y), rel=1e-12, abs=1e-14)
    for (dW, db), (fW, fb) in zip(net.gradients(X, Y), fresh.gradients(X, Y)):
        np.testing.assert_allclose(dW, fW, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(db, fb, rtol=1e-10, atol=1e-13)
    for l in range(1, net.n_layers):
        np.testing.assert_array_equal(net.weights(l), fresh.weights(l))
        np.testing.assert_array_equal(net.mask(l), fresh.mask(l))
