"""Bad input gets a ValueError or TypeError that names the parameter, what was expected and what came."""

from __future__ import annotations

import numpy as np
import pytest

import neurosim as ns


@pytest.mark.parametrize("sizes, message", [
    ([3], "at least 2 layers"),
    ([3, 0, 1], "layer 2"),
    ([3, 2.5, 1], "layer 2"),
    ("3,4,2", "sizes"),
    (5, "sizes"),
])
def test_bad_sizes(sizes, message):
    with pytest.raises((ValueError, TypeError), match=message):
        ns.Network(sizes)


@pytest.mark.parametrize("kwargs, message", [
    (dict(activation="softmax"), "only as the output"),
    (dict(output="softmax"), "only with loss='cross_entropy'"),
    (dict(loss="cross_entropy", output="sigmoid"), "needs output='softmax'"),
    (dict(loss="binary_cross_entropy", output="tanh"), "needs output='sigmoid'"),
    (dict(activation=["relu", "tanh"]), "one entry per hidden layer"),
    (dict(weight_decay=-0.1), "weight_decay: expected a non-negative"),
    (dict(weight_decay=float("nan")), "weight_decay: expected a finite"),
    (dict(seed="abc"), "seed"),
])
def test_bad_network_options(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        ns.Network([2, 3, 2], **kwargs)


@pytest.fixture
def net():
    return ns.Network([3, 4, 2], seed=0)


def test_shapes_are_named_with_expected_and_received(net):
    with pytest.raises(ValueError, match=r"x: expected shape \(3,\), got \(2,\)"):
        net.forward([1.0, 2.0])
    with pytest.raises(ValueError, match=r"X: expected shape \(m, 3\).*got \(2, 4\)"):
        net.cost(np.zeros((2, 4)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"Y: expected shape \(2, 2\).*got \(2, 3\)"):
        net.cost(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"W \(weights of layer 1\): expected shape \(4, 3\), got \(3, 4\)"):
        net.set_weights(1, np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"b \(biases of layer 2\): expected shape \(2,\), got \(4,\)"):
        net.set_biases(2, np.zeros(4))
    with pytest.raises(ValueError, match="reshape"):
        ns.Network([1, 2, 1]).predict([1.0, 2.0, 3.0])
    net.forward([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"y: expected a target vector of shape \(2,\)"):
        net.backward([1.0, 0.0, 0.0])


def test_layer_and_index_out_of_range(net):
    with pytest.raises(ValueError, match="l: expected a layer number from 1 to 2, got 3"):
        net.weights(3)
    with pytest.raises(ValueError, match="l: expected a layer number from 1 to 2, got 0"):
        net.biases(0)
    with pytest.raises(ValueError, match=r"i: layer 2 has neurons 1 to 4 \(1-based\), got 0"):
        net.neuron(2, 0)
    with pytest.raises(ValueError, match="j: layer 1 has neurons 1 to 3"):
        net.connection(1, 1, 4)
    with pytest.raises(ValueError, match="expected a layer number from 1 to 3, got 4"):
        net.neuron(4, 1)


def test_nan_and_inf_are_refused(net):
    with pytest.raises(ValueError, match=r"x: contains NaN or inf \(first at index \(1,\)"):
        net.forward([0.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="Y: contains NaN or inf"):
        net.cost(np.zeros((1, 3)), [[np.inf, 0.0]])
    with pytest.raises(ValueError, match="W .*NaN"):
        net.set_weights(1, np.full((4, 3), np.nan))
    with pytest.raises(ValueError, match="X: expected numbers"):
        net.predict([["a", "b", "c"]])


def test_class_labels_are_checked():
    net = ns.Network([2, 3, 3], loss="cross_entropy", seed=0)
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"class labels must be 0 … 2.*entry 1 is 3"):
        net.cost(X, [0, 3, 1])
    with pytest.raises(ValueError, match="entry 2 is -1"):
        net.cost(X, [0, 1, -1])
    with pytest.raises(ValueError, match="must be integers.*entry 0 is 1.5"):
        net.cost(X, [1.5, 1, 0])
    with pytest.raises(ValueError, match="one-hot.*row 1"):
        net.cost(X, [[1, 0, 0], [0.5, 0.5, 0], [0, 0, 1]])
    net.forward([0.0, 0.0])
    with pytest.raises(ValueError, match="class labels must be 0 … 2"):
        net.backward(7)
    bce = ns.Network([2, 1], loss="binary_cross_entropy")
    with pytest.raises(ValueError, match=r"targets in \[0, 1\]"):
        bce.cost(X[:1], [[2.0]])


def test_training_arguments(net):
    X, Y = np.zeros((2, 3)), np.zeros((2, 2))
    with pytest.raises(ValueError, match="lr: expected a positive number, got -0.1"):
        net.step(X, Y, lr=-0.1)
    with pytest.raises(ValueError, match="lr"):
        net.fit(X, Y, epochs=1, lr=0)
    with pytest.raises(ValueError, match="epochs: expected a whole number >= 1, got 0"):
        net.fit(X, Y, epochs=0, lr=0.1)
    with pytest.raises(ValueError, match="batch_size"):
        net.fit(X, Y, epochs=1, lr=0.1, batch_size=0)


def test_graph_edits_that_break_the_layering_are_refused(net):
    net.graph.add_edge((1, 1), (3, 1))
    with pytest.raises(ValueError, match="consecutive layers"):
        net.forward([0.0, 0.0, 0.0])
    net.graph.remove_edge((1, 1), (3, 1))
    net.graph.remove_node((2, 2))
    with pytest.raises(ValueError, match=r"missing \[\(2, 2\)\]"):
        net.forward([0.0, 0.0, 0.0])


@pytest.mark.parametrize("call, hint", [
    (lambda: ns.Network([1, 2, 1]).forward(0.5), "(a list of one number, e.g. [0.5])"),
    (lambda: ns.Network([3, 2, 1]).forward(np.zeros((4, 3))), "for a batch of rows use predict"),
    (lambda: ns.Network([2, 2, 1]).predict([0.5, 0.5]), "for this one example use [X] or X.reshape(1, -1)"),
    (lambda: ns.Network([1, 2, 1]).predict([0.5, 0.5, 0.2]), "for one input use X.reshape(-1, 1)"),
])
def test_a_shape_mistake_gets_the_likely_fix(call, hint):
    with pytest.raises(ValueError) as exc:
        call()
    assert hint in str(exc.value)


def test_no_misleading_hint_for_a_row_of_another_width():
    with pytest.raises(ValueError) as exc:
        ns.Network([3, 2, 1]).predict([0.5, 0.5])
    assert "reshape" not in str(exc.value) and "one example per row" in str(exc.value)
