"""The scalar engine runs a batch neuron by neuron, each neuron over all the examples at once, and picks the loop
order of each sum by its shape. These tests hold it to the numbers of one example at a time, bit for bit."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.core import engine, network
from neurosim.core.activations import ACTIVATIONS
from neurosim.core.losses import LOSSES

from .test_properties import SETTINGS, cases

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def plain_loop(w, v):
    s = -0.0   # the one number whose addition changes nothing
    for w_j, v_j in zip(w, v):
        s += w_j * v_j
    return s


def same(x, y):
    """Equal, and zeros of the same sign."""
    return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)


def vector_counts(n):
    """1 to 40 vectors, with n² − 1, n² and n² + 1 (where the loop order turns) drawn as often as the rest:
    hypothesis's own lists are mostly short, and the sums of two to four terms along the entries need ≥ n²."""
    return st.one_of(st.integers(1, 40), st.sampled_from([max(1, n * n - 1), max(1, n * n), n * n + 1]))


@settings(max_examples=60, **SETTINGS)
@given(st.integers(0, 6).flatmap(lambda n: st.tuples(
    st.lists(finite, min_size=n, max_size=n),
    vector_counts(n).flatmap(lambda m: st.lists(st.lists(finite, min_size=n, max_size=n), min_size=m, max_size=m)))))
def test_both_loop_orders_add_the_terms_in_order(case):
    w, vectors = case
    entries = [list(v_j) for v_j in zip(*vectors)]
    saved = engine._MOST_TERMS_BY_ENTRY
    try:
        for most in (4, 1):   # Python < 3.12, and from 3.12 on
            engine._MOST_TERMS_BY_ENTRY = most
            got = list(engine.weighted_sums(w, vectors, entries))
            assert list(engine.weighted_sums(w, vectors, None)) == got   # entries made when needed
            assert len(got) == len(vectors)
            for v, s in zip(vectors, got):
                chain = 0 < len(w) <= most and len(w) ** 2 <= len(vectors)   # as the engine
                if chain or sys.version_info < (3, 12):
                    assert same(s, plain_loop(w, v))   # w_1 v_1 + w_2 v_2 + …, rounded term by term
                else:   # math.sumprod rounds once
                    exact = math.fsum([w_j * v_j for w_j, v_j in zip(w, v)])
                    assert math.isclose(s, exact, rel_tol=1e-12, abs_tol=1e-9)
    finally:
        engine._MOST_TERMS_BY_ENTRY = saved


SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 0.1, 1.5, -2.25, 3.0, 1e300, -1e300]


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_short_sums_along_the_entries_are_the_plain_loops_to_the_bit(n):
    """Zeros of either sign, subnormals, overflow to ±inf and inf − inf: the chain of maps (from n² vectors on)
    gives −0.0 + w_1 v_1 + … + w_n v_n exactly, with w a tuple and the vectors tuples, entries or not."""
    rng = np.random.default_rng(n)
    saved = engine._MOST_TERMS_BY_ENTRY
    engine._MOST_TERMS_BY_ENTRY = 4
    try:
        for m in (n * n, n * n + 1, 40):
            for _ in range(20):
                w = tuple(rng.choice(SPECIAL, n).tolist())
                vectors = [tuple(rng.choice(SPECIAL, n).tolist()) for _ in range(m)]
                expected = [plain_loop(w, v) for v in vectors]
                for entries in (None, [list(v_j) for v_j in zip(*vectors)]):
                    got = list(engine.weighted_sums(w, vectors, entries))
                    assert len(got) == m
                    assert all(same(s, e) or math.isnan(s) and math.isnan(e) for s, e in zip(got, expected))
    finally:
        engine._MOST_TERMS_BY_ENTRY = saved


@st.composite
def narrow_cases(draw):
    """The random networks of test_properties (1 to 8 neurons per layer) with up to 40 examples, so that
    neurons with at most four inputs or outputs sum along the examples (on Python < 3.12)."""
    net, X, Y = draw(cases())
    m = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    rows = rng.integers(0, X.shape[0], m)
    return net, X[rows], np.asarray(Y)[rows]


@settings(max_examples=60, **SETTINGS)
@given(narrow_cases())
def test_a_batch_gives_every_example_the_numbers_of_its_own_pass(case):
    net, X, Y = case
    X, T = net._check_data(X, Y)
    layers = net._structure()
    engine.transpose(layers)
    Z, A = engine.forward(layers, X.T.tolist())
    D = engine.backward(layers, Z, A, T.T.tolist(), net.loss)
    for k in range(X.shape[0]):
        net.forward(X[k])
        net.backward(np.asarray(Y)[k])
        for l, layer in enumerate(layers[1:], start=1):
            for i, n in enumerate(layer):
                assert (Z[l][i][k], A[l][i][k], D[l][i][k]) == (n.z, n.a, n.delta), (l + 1, i + 1, k)


def test_predictions_come_in_chunks_with_the_numbers_of_single_passes(monkeypatch):
    monkeypatch.setattr(network, "CHUNK", 7)
    # 12 classes: numpy sums more than 8 numbers pairwise, so a batch's softmax must lay out rows as one example's
    net = ns.Network([2, 3, 12], activation="tanh", output="softmax", loss="cross_entropy", seed=4)
    X = np.random.default_rng(1).normal(size=(23, 2))
    P = net.predict(X)
    assert P.shape == (23, 12) and P.flags["C_CONTIGUOUS"]
    for x, p in zip(X, P):
        assert np.array_equal(net.forward(x), p)
    twin = ns.MatrixNetwork.from_network(net)
    np.testing.assert_allclose(P, twin.predict(X), rtol=1e-13)


def test_a_neuron_whose_inputs_are_all_pruned_outputs_its_bias():
    net = ns.Network([3, 2, 1], seed=2)
    net.set_biases(1, [0.25, -0.5])
    for j in (1, 2, 3):
        net.prune(1, 1, j)
    X = np.random.default_rng(0).normal(size=(9, 3))
    Y = np.random.default_rng(1).normal(size=(9, 1))
    grads = net.gradients(X, Y)
    layers = net._structure()
    Z, _ = engine.forward(layers, X.T.tolist())
    assert Z[1][0] == [0.25] * 9 and net.neuron(2, 1).weight_grads == []
    twin = ns.MatrixNetwork.from_network(net)
    for (gW, gb), (tW, tb) in zip(grads, twin.gradients(X, Y)):
        np.testing.assert_allclose(gW, tW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gb, tb, rtol=1e-12, atol=1e-15)
    assert not grads[0][0][0].any()   # the pruned row of ∂J/∂W^(1)


def test_one_examples_gradients_keep_the_sign_of_a_zero():
    # a dead ReLU unit has δ = 0; times a negative a_j, ∂J/∂W_ij = δ a_j is −0.0, as the twin's δ aᵀ says
    net = ns.Network([2, 2, 1], activation="relu", output="identity", seed=0)
    net.set_weights(1, [[-1.0, -1.0], [0.5, 0.25]])
    net.set_biases(1, [0.0, 0.0])
    x, y = np.array([-0.5, 2.0]), np.array([1.0])
    net.forward(x)
    net.backward(y)
    twin = ns.MatrixNetwork.from_network(net)
    twin.forward(x)
    twin.backward(y)
    assert net.neuron(2, 1).delta == 0.0
    for l, (dW, db) in enumerate(twin.grads, start=1):
        for c in net.connections(l):
            assert same(c.grad, dW[c.i - 1, c.j - 1]), (l, c.i, c.j)
        for n, g in zip(net.layer(l + 1), db):
            assert same(n.bias_grad, g)
    assert math.copysign(1.0, net.connection(1, 1, 1).grad) == -1.0


def test_the_twin_keeps_a_pruned_weight_at_zero_under_a_rule_of_ones_own():
    from neurosim.core.optimizers import Optimizer

    class Drift(Optimizer):
        name = "drift"

        def update(self, theta, grad, state, lr):
            return theta - lr * (grad + 0.1)   # moves θ even where g = 0

    net = ns.Network([2, 3, 1], seed=0)
    net.prune(1, 1, 1)
    twin = ns.MatrixNetwork.from_network(net)
    X = np.random.default_rng(0).normal(size=(5, 2))
    Y = np.random.default_rng(1).normal(size=(5, 1))
    for model in (net, twin):
        model.step(X, Y, 0.1, optimizer=Drift())
    assert twin.weights(1)[0, 0] == 0.0
    for (W, b), (tW, tb) in zip(net.parameters(), twin.parameters()):
        np.testing.assert_allclose(tW, W, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(tb, b, rtol=1e-12, atol=1e-15)


@settings(max_examples=40, **SETTINGS)
@given(st.lists(st.tuples(finite, st.floats(0, 1)), min_size=1, max_size=20))
def test_an_output_neurons_deltas_over_the_examples_follow_the_loss_rule_of_one(zt):
    """The engine's output δ's (f′ read from a and z) are Loss.delta's numbers (f′ from z), example by example."""
    z, t = [z for z, _ in zt], [t for _, t in zt]
    for loss in LOSSES.values():
        for activation in ACTIVATIONS.values():
            if not activation.elementwise or loss.paired_output not in (None, activation.name):
                continue
            a = [activation.f_scalar(z_k) for z_k in z]
            row = loss.delta_row(activation.df_az, z, a, t)
            one_by_one = [loss.delta(activation.df_scalar, *zat) for zat in zip(z, a, t)]
            assert all(map(same, row, one_by_one)), (loss.name, activation.name)
