"""ns.trace: every Step's value, and every number in its printed formula, equals an independent computation."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.base.notation import NOTATIONS
from neurosim.explain.trace import select
from tests.reference import reference_backprop

SYMBOL = re.compile(r"(z|a|δ|W|b|y)_(\d+|\d+,\d+)(?:\^\((\d+)\))?")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
TOKEN = re.compile(SYMBOL.pattern + "|" + NUMBER.pattern)


def witness(net: ns.Network, x, y):
    """Reference values by symbol kind, from numpy code that shares nothing with neurosim."""
    Ws = [net.weights(l) for l in range(1, net.n_layers)]
    bs = [net.biases(l) for l in range(1, net.n_layers)]
    t = np.asarray(y, float)
    if net.loss.name == "cross_entropy" and t.ndim == 0:
        t = np.eye(net.sizes[-1])[int(y)]
    z, a, delta, _, grads = reference_backprop(Ws, bs, [f.name for f in net.activations], net.loss.name, x, t)
    return dict(z=z, a=a, δ=delta, W=Ws, b=bs, y=t, grads=grads)


def expected_value(ref, kind: str, sub: str, layer: str | None) -> float:
    idx = [int(v) for v in (sub.split(",") if "," in sub else list(sub))]
    if kind == "y":
        return ref["y"][idx[0] - 1]
    l = int(layer)
    if kind in ("W", "b"):
        return ref[kind][l - 1][tuple(k - 1 for k in idx)]
    return ref[kind][l][idx[0] - 1]


def step_value(ref, step: ns.Step) -> float:
    if step.kind == "W":
        return ref["grads"][step.layer - 1][0][step.index - 1, step.source - 1]
    if step.kind == "b":
        return ref["grads"][step.layer - 1][1][step.index - 1]
    return ref[{"delta": "δ"}.get(step.kind, step.kind)][step.layer][step.index - 1]


def close(got: float, want: float, digits: int = 6) -> bool:
    # a number printed with `digits` significant digits is within half a unit of its last digit
    return abs(got - want) <= 0.5 * 10.0 ** (1 - digits) * abs(want) + 1e-12


def check_steps(net, x, y, steps):
    """Every value equals the witness, and every printed number parses back to the value of its symbol."""
    ref = witness(net, x, y)
    for step in steps:
        assert np.isclose(step.value, step_value(ref, step), rtol=1e-10, atol=1e-12), step
        rhs = step.formula.split(" = ", 1)[1]
        head, _, final = step.numbers.rpartition(" = ")
        assert close(float(final), step.value), step
        tokens = TOKEN.findall(rhs)
        numbers = NUMBER.findall(head)
        assert len(tokens) == len(numbers), (step.formula, step.numbers)
        for (kind, sub, layer), number in zip(tokens, numbers):
            if kind:
                want = expected_value(ref, kind, sub, layer or None)
            else:
                want = float(number)   # a constant of the formula (the 2 of sse, a 0) is printed as itself
            assert close(float(number), want), (step.formula, step.numbers, kind, sub, layer, number, want)


@pytest.mark.parametrize("name", ns.examples.NAMES)
def test_every_source_example_parses_back(name):
    ex = ns.example(name)
    steps = ns.trace(ex.net, ex.x, ex.y)
    check_steps(ex.net, ex.x, ex.y, steps)


CASES = [
    ([2, 3, 2], "sigmoid", None, "half_sse"),
    ([3, 2, 2, 1], "tanh", "identity", "sse"),
    ([2, 4, 3], "relu", None, "cross_entropy"),
    ([2, 3, 2], "leaky_relu", None, "binary_cross_entropy"),
    ([2, 2, 3], "softplus", "sigmoid", "half_sse"),
    ([2, 3, 1], "identity", "tanh", "sse"),
]


@pytest.mark.parametrize("sizes,activation,output,loss", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_nets_parse_back(sizes, activation, output, loss, seed):
    net = ns.Network(sizes, activation=activation, output=output, loss=loss, seed=seed)
    rng = np.random.default_rng(seed)
    net.set_biases(1, rng.normal(size=sizes[1]))
    x = rng.uniform(-2, 2, sizes[0])
    y = rng.integers(0, sizes[-1]) if loss == "cross_entropy" else rng.integers(0, 2, sizes[-1]).astype(float)
    steps = ns.trace(net, x, y)
    check_steps(net, x, y, steps)
    # f′ is shown by its name where the formula uses it
    for step in steps:
        if step.phase == "backward" and step.layer < net.n_layers:
            symbol = net.activations[step.layer - 2].symbol
            assert f"{symbol}′(z_{step.index}^({step.layer}))" in step.formula
            assert step.derivative == pytest.approx(net.activations[step.layer - 2].df(net.neuron(step.layer,
                                                                                                  step.index).z))


def test_order_of_the_steps():
    ex = ns.example("van-vaerenbergh")
    steps = ns.trace(ex.net, ex.x, ex.y)
    sizes = ex.net.sizes
    forward = [(s.kind, s.layer, s.index) for s in steps if s.phase == "forward"]
    assert forward == [(k, l, i) for l in range(2, 5) for i in range(1, sizes[l - 1] + 1) for k in ("z", "a")]
    backward = [(s.layer, s.index) for s in steps if s.phase == "backward"]
    assert backward == [(l, i) for l in (4, 3, 2) for i in range(1, sizes[l - 1] + 1)]
    grads = [(s.kind, s.layer, s.index, s.source) for s in steps if s.phase == "gradient"]
    expected = []
    for l in (1, 2, 3):
        expected += [("W", l, i, j) for i in range(1, sizes[l] + 1) for j in range(1, sizes[l - 1] + 1)]
        expected += [("b", l, i, None) for i in range(1, sizes[l] + 1)]
    assert grads == expected
    assert [s.phase for s in steps] == sorted((s.phase for s in steps), key=["forward", "backward",
                                                                             "gradient"].index)


def test_hand_worked_network():
    # identity hidden layer, so every number is worked out by hand:
    # z^(2) = [0.1·1 + 0.2·2 + 0.5, 0.3·1 + 0.4·2 − 0.5] = [1, 0.6];  z^(3) = 1·1 − 1·0.6 + 0 = 0.4
    # δ^(3) = (0.4 − 1)·1 = −0.6;  δ_1^(2) = (−0.6·1)·1 = −0.6;  δ_2^(2) = (−0.6·(−1))·1 = 0.6
    net = ns.Network([2, 2, 1], activation="identity", loss="half_sse")
    net.set_weights(1, [[0.1, 0.2], [0.3, 0.4]])
    net.set_biases(1, [0.5, -0.5])
    net.set_weights(2, [[1.0, -1.0]])
    net.set_biases(2, [0.0])
    steps = {s.symbol: s for s in ns.trace(net, [1.0, 2.0], [1.0])}
    z = steps["z_1^(2)"]
    assert z.formula == "z_1^(2) = W_11^(1)·a_1^(1) + W_12^(1)·a_2^(1) + b_1^(1)"
    assert z.numbers == "0.1·1 + 0.2·2 + 0.5 = 1"
    assert z.latex == r"z_{1}^{(2)} = W_{11}^{(1)} \cdot a_{1}^{(1)} + W_{12}^{(1)} \cdot a_{2}^{(1)} + b_{1}^{(1)}"
    assert steps["z_2^(2)"].numbers == "0.3·1 + 0.4·2 + (-0.5) = 0.6"
    out = steps["δ_1^(3)"]
    assert out.formula == "δ_1^(3) = (a_1^(3) − y_1)·id′(z_1^(3))"
    assert out.numbers == "(0.4 − 1)·id′(0.4) = -0.6"
    hidden = steps["δ_2^(2)"]
    assert hidden.formula == "δ_2^(2) = (δ_1^(3)·W_12^(2))·id′(z_2^(2))"
    assert hidden.numbers == "((-0.6)·(-1))·id′(0.6) = 0.6"
    assert hidden.aside() == "id′(0.6) = 1"
    g = steps["∂J/∂W_12^(1)"]
    assert (g.layer, g.index, g.source, g.key, g.neuron) == (1, 1, 2, ((1, 2), (2, 1)), (2, 1))
    assert g.formula == "∂J/∂W_12^(1) = δ_1^(2)·a_2^(1)" and g.numbers == "(-0.6)·2 = -1.2"
    b = steps["∂J/∂b_2^(1)"]
    assert (b.key, b.formula, b.numbers) == ((2, 2), "∂J/∂b_2^(1) = δ_2^(2)", "0.6 = 0.6")
    assert str(z) == "z_1^(2) = W_11^(1)·a_1^(1) + W_12^(1)·a_2^(1) + b_1^(1) = 0.1·1 + 0.2·2 + 0.5 = 1"


def test_pruned_connections_are_absent():
    net = ns.Network([2, 2, 2], seed=3)
    net.prune(1, 1, 2)
    net.prune(2, 1, 2)
    net.prune(2, 2, 2)   # neuron (2, 2) sends no message at all
    x, y = np.array([0.3, -0.7]), np.array([1.0, 0.0])
    steps = ns.trace(net, x, y)
    check_steps(net, x, y, steps)
    by = {s.symbol: s for s in steps}
    assert "W_12^(1)" not in by["z_1^(2)"].formula and "W_11^(1)" in by["z_1^(2)"].formula
    assert by["δ_2^(2)"].formula == "δ_2^(2) = 0·σ′(z_2^(2))" and by["δ_2^(2)"].value == 0.0
    assert "∂J/∂W_12^(1)" not in by and "∂J/∂W_22^(2)" not in by
    assert sum(s.kind == "W" for s in steps) == net.graph.number_of_edges()


def test_softmax_and_paired_losses():
    ex = ns.example("some-notes")
    steps = ns.trace(ex.net, ex.x, ex.y)
    a = next(s for s in steps if s.kind == "a" and s.layer == 3 and s.index == 2)
    assert a.formula == "a_2^(3) = exp(z_2^(3)) / (exp(z_1^(3)) + exp(z_2^(3)) + exp(z_3^(3)))"
    p = [ex.net.neuron(3, i).z for i in (1, 2, 3)]
    assert a.value == pytest.approx(np.exp(p[1]) / np.sum(np.exp(p)))
    outs = [s for s in steps if s.phase == "backward" and s.layer == 3]
    assert [s.formula for s in outs] == [f"δ_{i}^(3) = a_{i}^(3) − y_{i}" for i in (1, 2, 3)]
    # the label 2 is class 3: y is one-hot, y_3 = 1
    assert " − 1 = " in outs[2].numbers and " − 0 = " in outs[0].numbers
    assert all(s.derivative is None for s in outs)
    bce = ns.Network([2, 2, 2], activation="tanh", loss="binary_cross_entropy", seed=1)
    out = [s for s in ns.trace(bce, [0.2, 0.4], [1.0, 0.0]) if s.phase == "backward" and s.layer == 3]
    assert out[0].formula == "δ_1^(3) = a_1^(3) − y_1"


def test_sse_shows_the_factor_two():
    ex = ns.example("alsup")
    out = next(s for s in ns.trace(ex.net, ex.x, ex.y) if s.phase == "backward")
    assert out.formula == "δ_1^(3) = 2·(a_1^(3) − y_1)·id′(z_1^(3))"


def test_weight_decay_is_not_in_the_per_example_steps():
    ex = ns.example("van-vaerenbergh")
    assert ex.net.weight_decay > 0
    steps = ns.trace(ex.net, ex.x, ex.y)
    ref = witness(ex.net, ex.x, ex.y)   # the per-example gradient, no λW
    for s in steps:
        if s.kind == "W":
            assert s.value == pytest.approx(ref["grads"][s.layer - 1][0][s.index - 1, s.source - 1], abs=1e-12)


@pytest.mark.parametrize("name", ["gradients", "some-notes"])
def test_every_notation_prints_the_same_values(name):
    ex = ns.example(name)
    traces = {n: ns.trace(ex.net, ex.x, ex.y, notation=n) for n in NOTATIONS}
    for n in NOTATIONS:
        assert [s.numbers for s in traces[n]] == [s.numbers for s in traces["vv"]]
        assert [s.value for s in traces[n]] == [s.value for s in traces["vv"]]
    first_delta = [s for s in traces["vv"] if s.phase == "backward"][-1]   # δ_4^(2)
    idx = traces["vv"].index(first_delta)
    assert first_delta.symbol == "δ_4^(2)"
    assert traces["bracket"][idx].symbol == "δ_4^[1]"
    assert traces["alsup"][idx].symbol == "δ_1^(4)"
    assert "W_14^[2]" in traces["bracket"][idx].formula and "W_2^(14)" in traces["alsup"][idx].formula


def test_digits_and_latex():
    ex = ns.example("gradients")
    steps = ns.trace(ex.net, ex.x, ex.y, digits=3)
    for s in steps:
        assert close(float(s.numbers.rpartition(" = ")[2]), s.value, digits=3)
        assert s.latex_numbers.endswith(s.numbers.rpartition(" = ")[2])
        assert s.mathtext.startswith("$") and "·" not in s.latex and "′" not in s.latex


def test_neuron_selection():
    ex = ns.example("gradients")
    steps = ns.trace(ex.net, ex.x, ex.y)
    mine = select(steps, neuron=(2, 3))
    assert [s.phase for s in select(steps, phase="backward")] == ["backward"] * 6
    with pytest.raises(ValueError, match="phase"):
        select(steps, phase="sideways")
    assert {s.symbol for s in mine} == ({"z_3^(2)", "a_3^(2)", "δ_3^(2)", "∂J/∂b_3^(1)"}
                                        | {f"∂J/∂W_3{j}^(1)" for j in (1, 2, 3)}
                                        | {f"∂J/∂W_{i}3^(2)" for i in (1, 2)})


def test_bad_arguments():
    ex = ns.example("gradients")
    with pytest.raises(ValueError, match="notation"):
        ns.trace(ex.net, ex.x, ex.y, notation="greek")
    with pytest.raises(ValueError, match="digits"):
        ns.trace(ex.net, ex.x, ex.y, digits=0)
    with pytest.raises(TypeError, match="net"):
        ns.trace("net", ex.x, ex.y)
    with pytest.raises(ValueError, match="x"):
        ns.trace(ex.net, [1.0, 2.0], ex.y)


# --- the path view ------------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 3), min_size=3, max_size=5), seed=st.integers(0, 10_000),
       activation=st.sampled_from(["sigmoid", "tanh", "leaky_relu", "softplus", "identity"]),
       loss=st.sampled_from(["half_sse", "sse", "cross_entropy"]), data=st.data())
def test_path_sums_equal_the_gradient(sizes, seed, activation, loss, data):
    if loss == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)   # one class per output neuron: at least two
    net = ns.Network(sizes, activation=activation, loss=loss, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, sizes[0])
    y = rng.integers(0, sizes[-1]) if loss == "cross_entropy" else rng.uniform(0, 1, sizes[-1])
    l = data.draw(st.integers(1, len(sizes) - 1))
    i = data.draw(st.integers(1, sizes[l]))
    j = data.draw(st.integers(1, sizes[l - 1]))
    result = ns.paths(net, l, i, j, x, y)
    ref = witness(net, x, y)
    want = ref["grads"][l - 1][0][i - 1, j - 1]   # the independent δ_i^(l+1) a_j^(l)
    assert result.total == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert result.expected == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert len(result.paths) == int(np.prod(sizes[l + 1:]))   # a full net: one path per choice of later neuron
    for p in result.paths:
        assert p.nodes[0] == (l, j) and p.nodes[1] == (l + 1, i) and p.nodes[-1][0] == len(sizes)
        assert p.product == pytest.approx(np.prod([v for _, v in p.factors]))


def test_paths_by_hand_and_with_pruning():
    # 1-2-1 identity net: W^(1) = [[2], [3]], W^(2) = [[5, 7]], x = 1, y = 0, half_sse.
    # a^(3) = 2·5 + 3·7 = 31 = δ^(3);  ∂J/∂W_11^(1) by paths: a_1^(1)·id′·W_11^(2)·δ_1^(3) = 1·1·5·31 = 155
    net = ns.Network([1, 2, 1], activation="identity")
    net.set_weights(1, [[2.0], [3.0]])
    net.set_weights(2, [[5.0, 7.0]])
    r = ns.paths(net, 1, 1, 1, [1.0], [0.0])
    assert [p.product for p in r.paths] == [155.0] and r.total == 155.0 == r.expected
    assert r.paths[0].formula() == "a_1^(1)·id′(z_1^(2))·W_11^(2)·δ_1^(3)"
    assert r.paths[0].numbers() == "1·1·5·31 = 155"
    deep = ns.Network([1, 2, 2, 1], seed=0)
    deep.prune(2, 2, 1)
    r = ns.paths(deep, 1, 1, 1, [0.5], [1.0])
    assert [p.nodes for p in r.paths] == [((1, 1), (2, 1), (3, 1), (4, 1))]   # the pruned route is gone
    assert r.total == pytest.approx(deep.connection(1, 1, 1).grad)
    text = r.text()
    assert "1 path from W_11^(1)" in text and "backprop gives δ_1^(2)·a_1^(1)" in text


def test_paths_refuses_too_many_and_bad_arguments():
    net = ns.Network([2, 10, 10, 10, 10, 2], seed=0)   # 10·10·10·2 paths from each neuron of layer 2
    x, y = np.zeros(2), np.zeros(2)
    with pytest.raises(ValueError, match="2000 paths, more than limit=1000"):
        ns.paths(net, 1, 1, 1, x, y)
    assert len(ns.paths(net, 1, 1, 1, x, y, limit=2000).paths) == 2000
    with pytest.raises(ValueError, match="pruned"):
        net.prune(1, 1, 1)
        ns.paths(net, 1, 1, 1, x, y)
    with pytest.raises(ValueError, match="x, y"):
        ns.paths(net, 1, 2, 1, x)
    with pytest.raises(ValueError, match="no δ yet"):
        ns.paths(ns.Network([2, 2, 1]), 1, 1, 1)
    with pytest.raises(ValueError, match="limit"):
        ns.paths(net, 1, 2, 1, x, y, limit=0)


def test_latex_forms_parse_as_mathtext():
    from matplotlib.mathtext import MathTextParser

    parser = MathTextParser("path")
    for name in ("some-notes", "alsup"):   # softmax, ReLU, identity, sse's 2, paired loss
        ex = ns.example(name)
        for notation in NOTATIONS:
            seen = set()
            for s in ns.trace(ex.net, ex.x, ex.y, notation=notation):
                kind = (s.phase, s.kind, s.layer)
                if kind not in seen:   # one step of each sort keeps this fast
                    seen.add(kind)
                    parser.parse(s.mathtext)
                    parser.parse(f"${s.latex_numbers}$")


def test_a_repl_shows_the_trace_as_its_table():
    ex = ns.example("gradients")
    steps = ns.trace(ex.net, ex.x, ex.y)
    shown = repr(steps.phase("backward"))
    assert "Step(" not in repr(steps) and repr(steps) == str(steps)
    assert shown.startswith("backward pass") and "δ_1^(2) = (δ_1^(3)·W_11^(2) + δ_2^(3)·W_21^(2))" in shown
    assert repr(steps[:0]) == "Trace([])"
