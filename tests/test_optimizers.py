"""Momentum and Adam: worked by hand on a 2-2-1 net, against the matrix twin and against torch.optim; the state
that lives on each Connection and Neuron, its persistence, reset, saving and loading."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.core.optimizers import Optimizer, as_optimizer

from .optional import require
from .test_properties import cases

# A 2-2-1 sigmoid net with half_sse and weight decay, two examples: small enough to redo by hand below.
W1 = [[0.15, -0.20], [0.25, 0.30]]
B1 = [0.35, -0.10]
W2 = [[0.40, -0.45]]
B2 = [0.60]
X = [[0.05, 0.10], [-0.30, 0.20]]
Y = [0.01, 0.99]
LAM = 0.1
LR = 0.5


def _net(**kwargs) -> ns.Network:
    net = ns.Network([2, 2, 1], activation="sigmoid", loss="half_sse", weight_decay=LAM, **kwargs)
    net.set_parameters([(np.array(W1), np.array(B1)), (np.array(W2), np.array(B2))])
    return net


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _hand_gradient(p: dict) -> dict:
    """∂J/∂θ of eq. 6 for every parameter, from eqs. 15–18 written out with plain floats.
    p maps a name ("W1_11", "b1_1", "W2_12", "b2_1", …) to its value."""
    g = dict.fromkeys(p, 0.0)
    for (x1, x2), y in zip(X, Y):
        a2 = [_sigmoid(p[f"W1_{i}1"] * x1 + p[f"W1_{i}2"] * x2 + p[f"b1_{i}"]) for i in (1, 2)]
        a3 = _sigmoid(p["W2_11"] * a2[0] + p["W2_12"] * a2[1] + p["b2_1"])
        d3 = (a3 - y) * a3 * (1 - a3)                                    # (a − y)·σ′(z), σ′ = a(1 − a)
        d2 = [d3 * p[f"W2_1{i}"] * a2[i - 1] * (1 - a2[i - 1]) for i in (1, 2)]   # δ_1^(3) W_1i^(2) · σ′(z_i)
        for i in (1, 2):
            g[f"W2_1{i}"] += d3 * a2[i - 1]
            g[f"b1_{i}"] += d2[i - 1]
            g[f"W1_{i}1"] += d2[i - 1] * x1
            g[f"W1_{i}2"] += d2[i - 1] * x2
        g["b2_1"] += d3
    m = len(X)
    return {k: v / m + (LAM * p[k] if k.startswith("W") else 0.0) for k, v in g.items()}


def _hand_start() -> dict:
    p = {f"W1_{i}{j}": W1[i - 1][j - 1] for i in (1, 2) for j in (1, 2)}
    p.update({"b1_1": B1[0], "b1_2": B1[1], "W2_11": W2[0][0], "W2_12": W2[0][1], "b2_1": B2[0]})
    return p


def _objects(net: ns.Network) -> dict:
    """The same names mapped to the network's Connection and Neuron objects."""
    objs = {f"W1_{i}{j}": net.connection(1, i, j) for i in (1, 2) for j in (1, 2)}
    objs.update({"W2_11": net.connection(2, 1, 1), "W2_12": net.connection(2, 1, 2),
                 "b1_1": net.neuron(2, 1), "b1_2": net.neuron(2, 2), "b2_1": net.neuron(3, 1)})
    return objs


def _value(obj) -> float:
    return obj.weight if isinstance(obj, ns.Connection) else obj.bias


def test_momentum_three_steps_by_hand():
    beta = 0.9
    p, v = _hand_start(), dict.fromkeys(_hand_start(), 0.0)
    net = _net()
    for _ in range(3):
        g = _hand_gradient(p)
        for k in p:
            v[k] = beta * v[k] + g[k]          # v ← β v + ∂J/∂θ
            p[k] = p[k] - LR * v[k]            # θ ← θ − α v
        net.step(np.array(X), np.array(Y)[:, None], LR, optimizer=ns.Momentum(beta=beta))
    for k, obj in _objects(net).items():
        assert _value(obj) == pytest.approx(p[k], rel=1e-13, abs=1e-15), k
        assert obj.optimizer_state["v"] == pytest.approx(v[k], rel=1e-12, abs=1e-15), k
    # the three steps moved every parameter, and by more than plain gradient descent's first step would
    assert all(abs(p[k] - q) > 1e-4 for k, q in _hand_start().items())


def test_adam_three_steps_by_hand():
    b1, b2, eps = 0.9, 0.999, 1e-8
    p = _hand_start()
    m, v = dict.fromkeys(p, 0.0), dict.fromkeys(p, 0.0)
    net = _net()
    lr = 0.01
    for t in (1, 2, 3):
        g = _hand_gradient(p)
        for k in p:
            m[k] = b1 * m[k] + (1 - b1) * g[k]
            v[k] = b2 * v[k] + (1 - b2) * g[k] ** 2
            m_hat, v_hat = m[k] / (1 - b1 ** t), v[k] / (1 - b2 ** t)
            p[k] = p[k] - lr * m_hat / (math.sqrt(v_hat) + eps)
        net.step(np.array(X), np.array(Y)[:, None], lr, optimizer="adam")
    for k, obj in _objects(net).items():
        assert _value(obj) == pytest.approx(p[k], rel=1e-13, abs=1e-15), k
        state = obj.optimizer_state
        assert state["t"] == 3
        assert state["m"] == pytest.approx(m[k], rel=1e-12, abs=1e-16), k
        assert state["v"] == pytest.approx(v[k], rel=1e-12, abs=1e-18), k
    # Adam's first step moves every parameter by almost exactly α, whatever its gradient's size
    first = _net()
    first.step(np.array(X), np.array(Y)[:, None], lr, optimizer="adam")
    for k, obj in _objects(first).items():
        assert abs(_value(obj) - _hand_start()[k]) == pytest.approx(lr, rel=1e-4), k


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", ns.Momentum(beta=0.5), "adam",
                                       ns.Adam(beta1=0.8, beta2=0.99, eps=1e-6)])
def test_the_twin_lands_on_the_same_weights_and_state(optimizer):
    data_X, data_Y = ns.datasets.moons(m=30, seed=2)
    net = ns.Network([2, 4, 3, 1], activation=["tanh", "relu"], loss="binary_cross_entropy", weight_decay=0.01,
                     seed=3)
    net.prune(1, 2, 1)
    net.fit(data_X, data_Y, epochs=2, lr=0.05, batch_size=8, seed=1, optimizer=optimizer)
    twin = ns.MatrixNetwork.from_network(net)          # copies the state made so far
    h_net = net.fit(data_X, data_Y, epochs=4, lr=0.05, batch_size=8, seed=5, optimizer=optimizer)
    h_twin = twin.fit(data_X, data_Y, epochs=4, lr=0.05, batch_size=8, seed=5, optimizer=optimizer)
    np.testing.assert_allclose(h_twin, h_net, rtol=1e-12)
    for (W, b), (Wt, bt) in zip(net.parameters(), twin.parameters()):
        np.testing.assert_allclose(Wt, W, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(bt, b, rtol=1e-11, atol=1e-14)
    assert twin.weights(1)[1, 0] == 0.0                # pruned stays pruned
    for (sW, sb), (tW, tb) in zip(net.optimizer_state(), twin.optimizer_state()):
        assert set(sW) == set(tW) == set(as_optimizer(optimizer).state_names)
        for k in sW:
            np.testing.assert_allclose(tW[k], sW[k], rtol=1e-11, atol=1e-15)
            np.testing.assert_allclose(tb[k], sb[k], rtol=1e-11, atol=1e-15)
    assert ns.compare(net, data_X[:3], data_Y[:3], twin=twin).ok
    # and back: the twin's state goes to each object
    back = twin.to_network()
    assert back.optimizer == twin.optimizer
    for (sW, _), (bW, _) in zip(twin.optimizer_state(), back.optimizer_state()):
        for k in sW:
            np.testing.assert_array_equal(bW[k], sW[k])


def test_compare_reports_a_differing_optimizer_state():
    data_X, data_Y = ns.datasets.xor(m=8, seed=0)
    net = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=1)
    net.fit(data_X, data_Y, epochs=3, lr=0.05, optimizer="momentum")
    twin = ns.MatrixNetwork.from_network(net)
    report = ns.compare(net, data_X, data_Y, twin=twin)
    assert report.ok
    state_rows = [r for r in report.rows if r.phase == "optimizer"]
    assert len(state_rows) == 9 + 4                    # v of every weight and bias
    assert state_rows[0].symbol.startswith("v[")
    twin._state[0][0]["v"][1, 0] += 1e-3                # tamper with v of W_21^(1)
    bad = ns.compare(net, data_X, data_Y, twin=twin)
    assert not bad.ok
    assert [r.symbol for r in bad.mismatches] == ["v[W_21^(1)]"]
    assert "v[W_21^(1)]" in bad.verdict()


def _torch():
    return require("torch", "pip install 'neurosim[torch]'")


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_equal_to_torch_optim_in_float64(name):
    torch = _torch()
    data_X, data_Y = ns.datasets.blobs(m=12, classes=2, seed=4)
    T = np.asarray(data_Y, dtype=float).reshape(-1, 1)
    lam, lr = 0.05, 0.03
    net = ns.Network([2, 3, 1], activation="tanh", output="sigmoid", loss="half_sse", weight_decay=lam, seed=7)
    params = [torch.tensor(a, dtype=torch.float64, requires_grad=True)
              for W, b in net.parameters() for a in (W, b)]
    Wt1, bt1, Wt2, bt2 = params
    groups = [{"params": [Wt1, Wt2], "weight_decay": lam}, {"params": [bt1, bt2], "weight_decay": 0.0}]
    if name == "momentum":
        opt = torch.optim.SGD(groups, lr=lr, momentum=0.9, dampening=0.0)
        ours = ns.Momentum(beta=0.9)
    else:
        opt = torch.optim.Adam(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)
        ours = ns.Adam(beta1=0.9, beta2=0.999, eps=1e-8)
    Xt, Tt = torch.tensor(data_X, dtype=torch.float64), torch.tensor(T, dtype=torch.float64)
    for _ in range(6):
        opt.zero_grad()
        a = torch.sigmoid(torch.tanh(Xt @ Wt1.T + bt1) @ Wt2.T + bt2)
        loss = (0.5 * ((a - Tt) ** 2).sum(dim=1)).mean()     # half_sse; λ comes in through weight_decay
        loss.backward()
        opt.step()
        net.step(data_X, T, lr, optimizer=ours)
    for (W, b), (tW, tb) in zip(net.parameters(), [(Wt1, bt1), (Wt2, bt2)]):
        np.testing.assert_allclose(W, tW.detach().numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b, tb.detach().numpy(), rtol=1e-12, atol=1e-14)
    state = opt.state[Wt1]
    key = "momentum_buffer" if name == "momentum" else "exp_avg"
    ours_key = "v" if name == "momentum" else "m"
    np.testing.assert_allclose(net.optimizer_state()[0][0][ours_key], state[key].numpy(), rtol=1e-11, atol=1e-16)


def _data():
    return ns.datasets.xor(m=12, seed=3)


def test_a_second_fit_of_the_same_kind_continues_its_state():
    data_X, data_Y = _data()
    for opt in ("momentum", "adam"):
        once = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
        twice = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
        once.fit(data_X, data_Y, epochs=6, lr=0.05, optimizer=opt)
        twice.fit(data_X, data_Y, epochs=3, lr=0.05, optimizer=opt)
        twice.fit(data_X, data_Y, epochs=3, lr=0.05, optimizer=opt)
        for (W, b), (W2_, b2_) in zip(once.parameters(), twice.parameters()):
            np.testing.assert_array_equal(W2_, W)
            np.testing.assert_array_equal(b2_, b)
    assert twice.connection(1, 1, 1).optimizer_state["t"] == 6
    # net.step continues a fit's state too
    stepped = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
    stepped.fit(data_X, data_Y, epochs=5, lr=0.05, optimizer="adam")
    stepped.step(data_X, data_Y, 0.05, optimizer=ns.Adam())
    np.testing.assert_array_equal(stepped.weights(1), once.weights(1))


def _fresh_after(prepare) -> tuple[ns.Network, ns.Network]:
    """(a net trained by ``prepare`` then 3 momentum epochs, a copy of its weights trained 3 fresh momentum epochs)."""
    data_X, data_Y = _data()
    net = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
    prepare(net, data_X, data_Y)
    fresh = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=0)
    fresh.set_parameters(net.parameters())
    net.fit(data_X, data_Y, epochs=3, lr=0.05, optimizer="momentum")
    fresh.fit(data_X, data_Y, epochs=3, lr=0.05, optimizer="momentum")
    return net, fresh


@pytest.mark.parametrize("prepare", [
    lambda net, X_, Y_: (net.fit(X_, Y_, epochs=3, lr=0.05, optimizer="momentum"), net.reset_optimizer()),
    lambda net, X_, Y_: net.fit(X_, Y_, epochs=3, lr=0.05, optimizer="adam"),
    lambda net, X_, Y_: (net.fit(X_, Y_, epochs=3, lr=0.05, optimizer="momentum"), net.step(X_, Y_, 0.05)),
], ids=["reset_optimizer", "another kind", "sgd in between"])
def test_another_kind_or_a_reset_starts_afresh(prepare):
    net, fresh = _fresh_after(prepare)
    np.testing.assert_array_equal(net.weights(1), fresh.weights(1))
    np.testing.assert_array_equal(net.biases(2), fresh.biases(2))


def test_reset_clears_every_object_and_the_repr_shows_the_state():
    data_X, data_Y = _data()
    net = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
    plain = repr(net.connection(1, 1, 2))
    net.fit(data_X, data_Y, epochs=2, lr=0.05, optimizer="momentum")
    c, n = net.connection(1, 1, 2), net.neuron(2, 3)
    assert f"v={c.optimizer_state['v']:.6g}" in repr(c)
    assert f"v={n.optimizer_state['v']:.6g}" in repr(n)
    assert "velocity" in c._repr_html_() and "velocity" in n._repr_html_()
    assert net.optimizer == ns.Momentum()
    net.reset_optimizer()
    assert net.optimizer is None
    assert all(c.optimizer_state is None for l in (1, 2) for c in net.connections(l))
    assert all(n.optimizer_state is None for n in net.layer(2) + net.layer(3))
    assert repr(net.connection(1, 1, 2)).count(",") == plain.count(",")


def test_the_state_is_saved_and_loaded(tmp_path):
    data_X, data_Y = _data()
    net = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=2, init="he_uniform")
    net.prune(1, 3, 2)
    net.fit(data_X, data_Y, epochs=4, lr=0.05, optimizer=ns.Adam(beta1=0.8))
    path = tmp_path / "adam.json"
    net.save(path)
    loaded = ns.Network.load(path)
    assert loaded.optimizer == ns.Adam(beta1=0.8) and loaded.init == "he_uniform"
    for (sW, sb), (lW, lb) in zip(net.optimizer_state(), loaded.optimizer_state()):
        for k in sW:
            np.testing.assert_array_equal(lW[k], sW[k])
            np.testing.assert_array_equal(lb[k], sb[k])
    net.fit(data_X, data_Y, epochs=3, lr=0.05, optimizer=ns.Adam(beta1=0.8))
    loaded.fit(data_X, data_Y, epochs=3, lr=0.05, optimizer=ns.Adam(beta1=0.8))
    np.testing.assert_array_equal(loaded.weights(1), net.weights(1))


def test_files_without_the_optional_sections_still_load(tmp_path):
    net = ns.Network([2, 3, 1], seed=2)
    data = net.to_dict()
    assert "optimizer" not in data                      # no state, no section
    del data["init"]
    old = ns.Network.from_dict(data)
    assert old.init == "auto" and old.optimizer is None
    np.testing.assert_array_equal(old.weights(1), net.weights(1))


@pytest.mark.parametrize("change, message", [
    (lambda o: o.update(name="rmsprop"), "'name' should be one of"),
    (lambda o: o.update(beta1=1.5), "beta1"),
    (lambda o: o["state"].pop(), "one entry per W^(l)"),
    (lambda o: o["state"][0]["weights"].pop("t"), "should hold m, v, t"),
    (lambda o: o["state"][1]["biases"].update(m=[1.0, 2.0]), "shape (1,)"),
])
def test_a_malformed_optimizer_section_is_named(change, message):
    data_X, data_Y = _data()
    net = ns.Network([2, 3, 1], seed=2)
    net.fit(data_X, data_Y, epochs=1, lr=0.05, optimizer="adam")
    data = json.loads(json.dumps(net.to_dict()))
    change(data["optimizer"])
    with pytest.raises(ValueError, match="malformed neurosim file") as info:
        ns.Network.from_dict(data)
    assert message in str(info.value)


@pytest.mark.parametrize("bad, message", [
    ("rmsprop", "optimizer: expected one of 'sgd', 'momentum', 'adam'"),
    (0.9, "optimizer: expected"),
])
def test_bad_optimizer_names_the_parameter(bad, message):
    data_X, data_Y = _data()
    net = ns.Network([2, 3, 1], seed=2)
    with pytest.raises(ValueError, match=message):
        net.fit(data_X, data_Y, epochs=1, lr=0.1, optimizer=bad)
    with pytest.raises(ValueError, match=message):
        net.step(data_X, data_Y, 0.1, optimizer=bad)


@pytest.mark.parametrize("make, message", [
    (lambda: ns.Momentum(beta=1.0), r"beta: expected a number in \[0, 1\), got 1.0"),
    (lambda: ns.Adam(beta2=-0.1), "beta2"),
    (lambda: ns.Adam(eps=0), r"eps: expected a number in \(0, ∞\)"),
    (lambda: ns.Momentum(beta="0.9"), "beta"),
])
def test_bad_constants_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_divergence_resets_the_state():
    data_X, data_Y = ns.datasets.sine(m=10, seed=0)
    net = ns.Network([1, 4, 1], activation="relu", output="identity", seed=0)
    with pytest.raises(ns.DivergenceError):
        net.fit(data_X, data_Y, epochs=50, lr=1e6, optimizer="momentum")
    assert net.optimizer is None
    assert net.connection(1, 1, 1).optimizer_state is None


@settings(max_examples=20, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(cases(), st.sampled_from(["momentum", "adam", ns.Momentum(beta=0.5), ns.Adam(beta1=0.5, beta2=0.9)]))
def test_property_both_engines_make_the_same_updates(case, optimizer):
    """Random architectures, every activation and loss, λ and pruning: three steps of the optimizer on the
    scalar network and on its twin give the same weights, biases and state; pruned weights stay 0.
    Derandomized: Adam turns a gradient that is 0 up to rounding into a step of ±α, so a case where the two
    engines round a cancelling sum to opposite signs would differ legitimately; a fixed set of cases cannot
    flake."""
    net, X, Y = case
    twin = ns.MatrixNetwork.from_network(net)
    for _ in range(3):
        net.step(X, Y, 0.05, optimizer=optimizer)
        twin.step(X, Y, 0.05, optimizer=optimizer)
    for l, ((W, b), (Wt, bt)) in enumerate(zip(net.parameters(), twin.parameters()), start=1):
        np.testing.assert_allclose(Wt, W, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(bt, b, rtol=1e-9, atol=1e-12)
        assert not W[~net.mask(l)].any()
    report = ns.compare(net, X, Y, twin=twin, rtol=1e-9, atol=1e-12)
    assert report.ok, report.verdict()
    assert any(r.phase == "optimizer" for r in report.rows)


class _SignDescent(Optimizer):
    """A stateless rule of the user's own: θ ← θ − α sign(g)."""

    name = "sign"

    def update(self, theta, grad, state, lr):
        return theta - lr * np.sign(grad)


@pytest.mark.parametrize("engine", ["scalar", "matrix"])
def test_a_stateless_rule_of_ones_own_is_applied_not_replaced_by_sgd(engine):
    net = _net()
    model = net if engine == "scalar" else ns.MatrixNetwork.from_network(net)
    before = model.parameters()
    grads = model.gradients(X, Y)
    model.step(X, Y, LR, optimizer=_SignDescent())
    for (W0, b0), (dW, db), (W1_, b1_) in zip(before, grads, model.parameters()):
        np.testing.assert_allclose(W1_, W0 - LR * np.sign(dW), rtol=0, atol=1e-15)
        np.testing.assert_allclose(b1_, b0 - LR * np.sign(db), rtol=0, atol=1e-15)
