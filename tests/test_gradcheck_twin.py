"""gradient_check evaluates J with the matrix twin, after checking that the scalar engine's J equals it."""

from __future__ import annotations

import numpy as np
import pytest

import neurosim as ns
from neurosim.core import engine

from .reference import finite_difference_gradients


def data(sizes, m=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, sizes[0])), rng.random((m, sizes[-1]))


def test_the_report_states_both_engines_cost():
    net = ns.Network([3, 5, 2], activation="tanh", seed=1)
    X, Y = data([3, 5, 2])
    report = ns.gradient_check(net, X, Y)
    assert report.ok and report.costs_agree
    assert report.cost == pytest.approx(net.cost(X, Y), rel=1e-13)
    assert report.scalar_cost == net.cost(X, Y)
    assert "the scalar engine's J" in report.summary() and "agrees" in report.summary()


def test_its_numeric_gradients_are_central_differences_of_the_scalar_cost():
    net = ns.Network([2, 4, 3, 1], activation="sigmoid", weight_decay=0.1, seed=2)
    net.prune(2, 2, 3)
    X, Y = data([2, 4, 3, 1])
    report = ns.gradient_check(net, X, Y)
    expected = finite_difference_gradients(net, X, Y)
    numeric = {(r.kind, r.layer, r.i, r.j): r.numeric for r in report.rows}
    for l, (gW, gb) in enumerate(expected, start=1):
        for (i, j), value in np.ndenumerate(gW):
            if net.mask(l)[i, j]:
                assert numeric[("W", l, i + 1, j + 1)] == pytest.approx(value, rel=1e-6, abs=1e-9)
        for i, value in enumerate(gb):
            assert numeric[("b", l, i + 1, None)] == pytest.approx(value, rel=1e-6, abs=1e-9)
    assert ("W", 2, 2, 3) not in numeric and report.total == 2 * 4 + 4 * 3 + 3 * 1 - 1 + 4 + 3 + 1


def test_a_wrong_scalar_forward_pass_fails_the_check(monkeypatch):
    net = ns.Network([2, 3, 1], seed=0)
    X, Y = data([2, 3, 1])
    forward = engine.forward

    def off_by_a_little(layers, X):   # a scalar forward pass that is wrong by 1e-6 in the output's z
        Z, A = forward(layers, X)
        f = layers[-1][0].activation.f_scalar
        Z[-1][0] = [z + 1e-6 for z in Z[-1][0]]
        A[-1][0] = [f(z) for z in Z[-1][0]]
        return Z, A

    monkeypatch.setattr(engine, "forward", off_by_a_little)
    report = ns.gradient_check(net, X, Y)
    assert not report.costs_agree and not report.ok
    assert "forward passes disagree" in report.verdict() and "DIFFERS" in report.summary()


def test_a_cost_that_overflows_is_named():
    net = ns.Network([2, 2, 1], activation="identity", seed=0)
    report = ns.gradient_check(net, np.array([[1e300, 1e300]]), np.array([[0.0]]))
    assert not report.ok and "is not finite" in report.verdict()


def test_the_twin_is_checked_in_place_and_left_as_it_was():
    twin = ns.MatrixNetwork([3, 4, 2], seed=5)
    before = [(W.copy(), b.copy()) for W, b in zip(twin.W, twin.b)]
    X, Y = data([3, 4, 2])
    report = ns.gradient_check(twin, X, Y, max_params=7, seed=1)
    assert report.ok and report.scalar_cost is None and len(report.rows) == 7 and report.total == 26
    for (W, b), W1, b1 in zip(before, twin.W, twin.b):
        assert np.array_equal(W, W1) and np.array_equal(b, b1)
