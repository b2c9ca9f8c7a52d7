"""Initialisation schemes: named, seeded, with the formulas of docs/api.md; "auto" is the old default."""

from __future__ import annotations

import math

import numpy as np
import pytest

import neurosim as ns
from neurosim.core.init import check_init, draw_weights


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_auto_draws_exactly_what_earlier_versions_drew(activation):
    sizes = [3, 5, 4, 2]
    net = ns.Network(sizes, activation=activation, output="identity", seed=11)
    # the rule every earlier neurosim used, restated: one generator, layer by layer, N(0, g²/s_l)
    rng = np.random.default_rng(11)
    acts = [activation, activation, "identity"]
    for l in range(1, len(sizes)):
        gain = math.sqrt(2.0) if acts[l - 1] in ("relu", "leaky_relu") else 1.0
        W = rng.normal(0.0, gain / math.sqrt(sizes[l - 1]), size=(sizes[l], sizes[l - 1]))
        np.testing.assert_array_equal(net.weights(l), W)
        np.testing.assert_array_equal(net.biases(l), np.zeros(sizes[l]))
    assert net.init == "auto"
    np.testing.assert_array_equal(ns.Network(sizes, activation=activation, output="identity", seed=11,
                                             init="auto").weights(2), net.weights(2))


# (scheme, expected bound of |W| or None, expected standard deviation) for a 400 → 300 layer
FAN_IN, FAN_OUT = 400, 300


@pytest.mark.parametrize("init, bound, std", [
    ("xavier_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT)), math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ("xavier_normal", None, math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ("he_uniform", math.sqrt(6 / FAN_IN), math.sqrt(2 / FAN_IN)),
    ("he_normal", None, math.sqrt(2 / FAN_IN)),
    ("uniform(0.3)", 0.3, 0.3 / math.sqrt(3)),
    ("normal(0.05)", None, 0.05),
])
def test_each_scheme_has_its_spread(init, bound, std):
    # drawn directly (a network of 120,000 Connection objects would only be slow); that a Network draws
    # exactly this is checked below
    W = draw_weights(check_init(init), FAN_IN, FAN_OUT, "identity", np.random.default_rng(0))
    assert W.std() == pytest.approx(std, rel=0.01)
    assert abs(W.mean()) < 0.01 * std * 10
    if bound is not None:
        assert np.abs(W).max() <= bound and np.abs(W).max() > 0.99 * bound
    else:
        assert np.abs(W).max() > 3.5 * std           # a normal's tails, not a uniform's edge


@pytest.mark.parametrize("init", ["xavier_uniform", "he_normal", "uniform(0.3)", "normal(0.05)", "zeros"])
def test_a_network_draws_its_layers_in_order_from_its_seed(init):
    net = ns.Network([3, 5, 2], activation="relu", output="identity", seed=9, init=init)
    rng = np.random.default_rng(9)
    for l, (fan_in, fan_out, act) in enumerate([(3, 5, "relu"), (5, 2, "identity")], start=1):
        np.testing.assert_array_equal(net.weights(l), draw_weights(check_init(init), fan_in, fan_out, act, rng))
        np.testing.assert_array_equal(net.biases(l), 0.0)


def test_same_seed_same_weights_other_seed_other_weights():
    a = ns.Network([2, 6, 1], seed=4, init="he_normal")
    b = ns.Network([2, 6, 1], seed=4, init="he_normal")
    c = ns.Network([2, 6, 1], seed=5, init="he_normal")
    np.testing.assert_array_equal(a.weights(1), b.weights(1))
    assert not np.array_equal(a.weights(1), c.weights(1))
    assert not np.array_equal(a.weights(1), ns.Network([2, 6, 1], seed=4).weights(1))


def test_the_scheme_is_written_canonically():
    assert ns.Network([2, 1], init=" Uniform( 0.5 ) ").init == "uniform(0.5)"
    assert ns.Network([2, 1], init="normal(1e-2)").init == "normal(0.01)"


@pytest.mark.parametrize("bad", ["glorot", "uniform(0)", "uniform()", "normal(-1)", "normal(nan)", "uniform(x)", 3,
                                 None])
def test_a_bad_scheme_is_named(bad):
    with pytest.raises(ValueError, match="init: ") as info:
        ns.Network([2, 1], init=bad)
    assert "xavier_uniform" in str(info.value) or "positive" in str(info.value)


def test_the_extra_schemes_and_short_names():
    fan_in, rng = 400, np.random.default_rng(0)
    lecun = draw_weights(check_init("lecun"), fan_in, 300, "relu", rng)
    assert lecun.std() == pytest.approx(1 / math.sqrt(fan_in), rel=0.01)
    assert ns.Network([3, 3], init="he").init == "he_normal"
    bare = draw_weights(check_init("uniform"), fan_in, 300, "relu", rng)
    assert np.abs(bare).max() <= 1 / math.sqrt(fan_in) and np.abs(bare).max() > 0.99 / math.sqrt(fan_in)
    assert not ns.Network([3, 4, 1], init="zeros").weights(1).any()


def test_initialize_redraws_and_records_the_scheme(tmp_path):
    from neurosim.core.init import initialize

    net = ns.Network([3, 4, 1], seed=0)
    net.prune(1, 2, 3)
    initialize(net, "xavier_uniform", seed=5)
    again = ns.Network([3, 4, 1], seed=5, init="xavier_uniform")
    expected = again.weights(1) * net.mask(1)
    np.testing.assert_array_equal(net.weights(1), expected)
    assert net.init == "xavier_uniform"
    net.save(tmp_path / "n.json")
    assert ns.Network.load(tmp_path / "n.json").init == "xavier_uniform"
