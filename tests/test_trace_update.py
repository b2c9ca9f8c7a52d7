"""ns.trace(..., update=optimizer, lr=α): the fourth phase. Its values are the engine's: each parameter's new
value is what net.step on that one example writes, and the state steps are the state net.step leaves."""

from __future__ import annotations

import re

import numpy as np
import pytest

import neurosim as ns


def _setup(weight_decay=0.05):
    net = ns.Network([2, 3, 2], activation="tanh", output="sigmoid", loss="half_sse", weight_decay=weight_decay,
                     seed=3)
    net.prune(1, 2, 1)
    x, y = np.array([0.4, -0.7]), np.array([1.0, 0.0])
    return net, x, y


def _after_step(net, x, y, optimizer, lr):
    """A copy of net (same parameters and optimizer state) after net.step on the one example."""
    copy = ns.MatrixNetwork.from_network(net).to_network()
    copy.step(x[None, :], y[None, :], lr, optimizer=optimizer)
    return copy


@pytest.mark.parametrize("optimizer, lr, per_param", [("sgd", 0.3, 1), ("momentum", 0.1, 2),
                                                      (ns.Adam(beta1=0.8), 0.01, 5)])
@pytest.mark.parametrize("warm", [False, True], ids=["fresh", "continued"])
def test_update_steps_equal_the_change_net_step_makes(optimizer, lr, per_param, warm):
    net, x, y = _setup()
    if warm:   # the trace continues a state made by earlier updates of the same kind
        net.fit(np.array([x, -x]), np.array([y, 1 - y]), epochs=3, lr=lr, optimizer=optimizer)
    before = net.parameters()
    steps = ns.trace(net, x, y, update=optimizer, lr=lr)
    after = _after_step(net, x, y, optimizer, lr)
    # the trace changed nothing
    for (W, b), (W0, b0) in zip(net.parameters(), before):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    updates = steps.phase("update")
    n_params = sum(len(net.connections(l)) + net.sizes[l] for l in (1, 2))
    assert len(updates) == per_param * n_params
    finals = [s for s in updates if s.kind in ("W", "b")]
    assert len(finals) == n_params
    for s in finals:
        if s.kind == "W":
            old, new = net.connection(s.layer, s.index, s.source).weight, after.connection(s.layer, s.index,
                                                                                            s.source).weight
        else:
            old, new = net.neuron(s.layer + 1, s.index).bias, after.neuron(s.layer + 1, s.index).bias
        assert s.value == new                          # exactly what net.step wrote
        assert s.value - old == pytest.approx(new - old, rel=1e-12, abs=1e-18)
        assert new != old
    # the state steps are the state net.step leaves on the objects
    for s in updates:
        if s.kind in ("v", "m"):
            obj = after.connection(s.layer, s.index, s.source) if s.source else after.neuron(s.layer + 1, s.index)
            assert s.value == obj.optimizer_state[s.kind]


def test_the_formulas_show_the_decay_term_and_the_numbers_recompute():
    net, x, y = _setup(weight_decay=0.05)
    steps = ns.trace(net, x, y, update="momentum", lr=0.1).phase("update")
    v_step, w_step = steps[0], steps[1]
    assert v_step.formula == ("v[W_11^(1)] = β·v[W_11^(1)] + (∂J/∂W_11^(1) + λ·W_11^(1))")
    assert w_step.formula == "W_11^(1) = W_11^(1) − α·v[W_11^(1)]"
    # the numbers line, evaluated, gives the value (to the printed digits)
    expr, _, shown = v_step.numbers.rpartition(" = ")
    python = expr.replace("·", "*").replace("−", "-")
    assert eval(python) == pytest.approx(float(shown), rel=1e-5)   # noqa: S307 — our own arithmetic text
    # the gradient operand is the gradient step's own number, and λ is the network's
    grad_step = next(s for s in ns.trace(net, x, y) if s.phase == "gradient" and s.kind == "W")
    assert v_step.operands[2].value == grad_step.value
    assert v_step.operands[3].value == 0.05
    # biases are not decayed
    bias_v = next(s for s in steps if s.kind == "v" and s.source is None)
    assert "λ" not in bias_v.formula
    assert bias_v.key == (2, bias_v.index) and w_step.key == ((1, 1), (2, 1))


def test_adam_steps_show_the_corrected_moments():
    net, x, y = _setup(weight_decay=0.0)
    steps = ns.trace(net, x, y, update="adam", lr=0.01).phase("update")
    assert [s.kind for s in steps[:5]] == ["m", "v", "m_hat", "v_hat", "W"]
    assert steps[2].formula == "m̂[W_11^(1)] = m[W_11^(1)] / (1 − β₁^t)"
    assert re.search(r"/ \(1 − 0\.9\^1\) = ", steps[2].numbers)
    assert steps[4].formula == "W_11^(1) = W_11^(1) − α·m̂[W_11^(1)] / (√v̂[W_11^(1)] + ε)"
    assert "λ" not in steps[0].formula                 # λ = 0: the decay term is left out
    assert "\\hat{m}" in steps[4].latex
    assert "updates by the optimizer" in str(ns.trace(net, x, y, update="adam", lr=0.01))


def test_without_update_the_trace_is_unchanged_and_lr_is_checked():
    net, x, y = _setup()
    assert {s.phase for s in ns.trace(net, x, y)} == {"forward", "backward", "gradient"}
    with pytest.raises(ValueError, match="lr: the update phase needs the learning rate"):
        ns.trace(net, x, y, update="adam")
    with pytest.raises(ValueError, match="lr: only used with update"):
        ns.trace(net, x, y, lr=0.1)
    with pytest.raises(ValueError, match="update: expected one of"):
        ns.trace(net, x, y, update="rmsprop", lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        ns.trace(net, x, y, update="sgd", lr=-1)
