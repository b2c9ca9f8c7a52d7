"""What fit puts back, and what it says about it: early stopping restores the weights AND the optimizer state of the
best epoch (checked against a plain-numpy replay of momentum and Adam), History.summary() prints the numbers of the
run and of the weights the model really holds (recomputed here), and fit refuses absurd counts by name."""

import re

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from tests.reference import reference_backprop

ACTS = ["tanh", "sigmoid"]          # a [2, 6, 1] net: tanh hidden layer, sigmoid output, binary cross-entropy
LR = {"momentum": 0.5, "adam": 0.1}


def _data():
    X, Y = ns.datasets.moons(60, seed=3, noise=0.3)
    return X[:40], X[40:], Y[:40], Y[40:]


def _cost(params, X, Y) -> float:
    """J = (1/m) Σ_k J_k from the reference forward pass, sharing no code with neurosim."""
    Ws, bs = [W for W, _ in params], [b for _, b in params]
    return float(np.mean([reference_backprop(Ws, bs, ACTS, "binary_cross_entropy", x, np.array([y]))[3]
                          for x, y in zip(X, Y)]))


def _accuracy(params, X, Y) -> float:
    (W1, b1), (W2, b2) = params
    a = 1 / (1 + np.exp(-(W2 @ np.tanh(W1 @ X.T + b1[:, None]) + b2[:, None])))
    return float(np.mean((a[0] >= 0.5) == Y))


def _replay(params, X, Y, epochs: int, opt: str, state=None):
    """Full-batch momentum (β = 0.9) or Adam (0.9, 0.999, 1e-8) written out from the formulas in plain numpy.
    Returns [(params, state)] after each epoch; state per layer: ({name: W-shaped}, {name: b-shaped})."""
    Ws, bs = [W.copy() for W, _ in params], [b.copy() for _, b in params]
    names = ("v",) if opt == "momentum" else ("m", "v", "t")
    if state is None:
        state = [({k: np.zeros_like(W) for k in names}, {k: np.zeros_like(b) for k in names})
                 for W, b in zip(Ws, bs)]
    state = [({k: a.copy() for k, a in sW.items()}, {k: a.copy() for k, a in sb.items()}) for sW, sb in state]
    out = []
    for _ in range(epochs):
        per = [reference_backprop(Ws, bs, ACTS, "binary_cross_entropy", x, np.array([y]))[4] for x, y in zip(X, Y)]
        for l in range(len(Ws)):
            for theta, g, s in ((Ws[l], np.mean([p[l][0] for p in per], axis=0), state[l][0]),
                                (bs[l], np.mean([p[l][1] for p in per], axis=0), state[l][1])):
                if opt == "momentum":
                    s["v"] = 0.9 * s["v"] + g
                    theta -= LR[opt] * s["v"]
                else:
                    s["t"] = s["t"] + 1
                    s["m"] = 0.9 * s["m"] + 0.1 * g
                    s["v"] = 0.999 * s["v"] + 0.001 * g * g
                    m_hat, v_hat = s["m"] / (1 - 0.9 ** s["t"]), s["v"] / (1 - 0.999 ** s["t"])
                    theta -= LR[opt] * m_hat / (np.sqrt(v_hat) + 1e-8)
        out.append(([(W.copy(), b.copy()) for W, b in zip(Ws, bs)],
                    [({k: a.copy() for k, a in sW.items()}, {k: a.copy() for k, a in sb.items()})
                     for sW, sb in state]))
    return out


def _close(got, want):
    for (gW, gb), (wW, wb) in zip(got, want):
        np.testing.assert_allclose(gW, wW, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(gb, wb, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("engine", [ns.Network, ns.MatrixNetwork])
@pytest.mark.parametrize("opt", ["momentum", "adam"])
def test_early_stopping_puts_back_the_optimizer_state_of_the_best_epoch(engine, opt):
    X_tr, X_va, Y_tr, Y_va = _data()
    net = engine([2, 6, 1], activation="tanh", loss="binary_cross_entropy", seed=0)
    initial = net.parameters()
    h = net.fit(X_tr, Y_tr, epochs=300, lr=LR[opt], validation=(X_va, Y_va), patience=4, optimizer=opt,
                progress=False)
    best = h.best_epoch
    assert 1 < best < h.stopped_epoch == len(h) and h.restored_epoch == best
    run = _replay(initial, X_tr, Y_tr, len(h), opt)
    params, state = run[best - 1]
    _close(net.parameters(), params)
    # the state the parameters hold is the one they had after the best epoch, not after the last
    held = net.optimizer_state()
    for (sW, sb), (rW, rb) in zip(held, state):
        assert set(sW) == set(rW)
        for k in rW:
            np.testing.assert_allclose(sW[k], rW[k], rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(sb[k], rb[k], rtol=1e-9, atol=1e-12)
    # so a second fit continues from the best epoch as if training had stopped there
    net.fit(X_tr, Y_tr, epochs=3, lr=LR[opt], optimizer=opt, progress=False)
    _close(net.parameters(), _replay(params, X_tr, Y_tr, 3, opt, state)[-1][0])


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def test_summary_prints_the_numbers_of_the_run_and_of_the_weights_the_model_holds():
    X_tr, X_va, Y_tr, Y_va = _data()
    net = ns.Network([2, 6, 1], activation="tanh", loss="binary_cross_entropy", seed=1)
    initial = net.parameters()
    h = net.fit(X_tr, Y_tr, epochs=300, lr=0.5, validation=(X_va, Y_va), patience=4, optimizer="momentum",
                progress=False)
    run = [p for p, _ in _replay(initial, X_tr, Y_tr, len(h), "momentum")]
    J_tr = [_cost(p, X_tr, Y_tr) for p in run]
    J_va = [_cost(p, X_va, Y_va) for p in run]
    best = 1 + int(np.argmin(J_va))
    assert 1 < best < len(run)
    lines = h.summary().splitlines()
    first, one, last, n = _numbers(lines[0])
    assert [first, last] == pytest.approx([J_tr[0], J_tr[-1]], rel=1e-5) and (one, n) == (1, len(run))
    v0, v_last, v_low, at = _numbers(lines[1])
    assert [v0, v_last, v_low] == pytest.approx([J_va[0], J_va[-1], min(J_va)], rel=1e-5) and at == best
    # the line about the held weights: their epoch and their costs and accuracies, measured on net itself
    m = re.fullmatch(r"the model holds the weights of epoch (\d+): training J = (\S+), validation J = (\S+), "
                     r"training accuracy = ([\d.]+)%, validation accuracy = ([\d.]+)%", lines[2])
    assert m, lines[2]
    held = net.parameters()
    assert int(m[1]) == best
    assert float(m[2]) == pytest.approx(_cost(held, X_tr, Y_tr), rel=1e-5) == J_tr[best - 1]
    assert float(m[3]) == pytest.approx(_cost(held, X_va, Y_va), rel=1e-5) == J_va[best - 1]
    assert float(m[4]) == round(100 * _accuracy(held, X_tr, Y_tr), 1)
    assert float(m[5]) == round(100 * _accuracy(held, X_va, Y_va), 1)
    assert lines[3] == h.message and f"the weights of epoch {best}" in lines[3] and "momentum state" in lines[3]
    assert float(re.search(r"J_val = (\S+)\)", h.message)[1]) == pytest.approx(min(J_va), rel=1e-5)
    assert len(lines) == 4          # no line about the last epoch's accuracy, which the model no longer holds


def test_summary_after_a_divergence_names_the_initial_weights_with_their_cost():
    # a = w·x on x = ±1 with targets 0, lr 2.5: w ← −1.5 w, J = ½ w² grows 2.25-fold per epoch until the rule trips
    net = ns.Network([1, 1], activation="identity", seed=0)
    net.set_weights(1, [[100.0]])
    with pytest.raises(ns.DivergenceError) as info:
        net.fit(np.array([[1.0], [-1.0]]), np.zeros((2, 1)), epochs=50, lr=2.5)
    h = info.value.history
    assert net.weights(1)[0, 0] == 100.0 and h.restored_epoch == 0
    lines = h.summary().splitlines()
    assert lines[-2] == f"the model holds its initial weights (epoch 0): training J = {0.5 * 100.0 ** 2:.6g} (J0)"
    assert lines[-1].startswith(f"training diverged in epoch {len(h) + 1}: ") and "epoch 0" in lines[-1]


@pytest.mark.parametrize("kwargs, message", [
    ({"epochs": 10 ** 400}, "epochs: expected a whole number from 1 to 10,000,000"),
    ({"epochs": 10 ** 7 + 1}, "epochs: expected a whole number from 1 to 10,000,000, got 10000001"),
    ({"epochs": 2.5}, "epochs: expected a whole number >= 1, got 2.5"),
    ({"epochs": "10"}, "epochs: expected a whole number >= 1, got '10'"),
    ({"epochs": True}, "epochs: expected a whole number >= 1, got True"),
    ({"epochs": 0}, "epochs: expected a whole number >= 1, got 0"),
    ({"batch_size": 10 ** 400}, "batch_size: expected a whole number from 1 to 1,000,000,000"),
    ({"batch_size": -3}, "batch_size: expected a whole number >= 1, got -3"),
    ({"patience": 10 ** 400, "validation": "val"}, "patience: expected a whole number from 1 to 10,000,000"),
    ({"lr": 10 ** 400}, "lr: expected a finite number, got <an integer of about 401 digits>, too large"),
    ({"lr": float("inf")}, "lr: expected a finite number, got inf"),
    ({"lr": float("nan")}, "lr: expected a finite number, got nan"),
    ({"lr": 0}, "lr: expected a positive number, got 0"),
])
def test_fit_refuses_absurd_counts_by_name_before_training(kwargs, message):
    X, Y = ns.datasets.xor(8, seed=0)
    net = ns.Network([2, 2, 1], seed=0)
    before = net.parameters()
    kwargs = {"epochs": 1, "lr": 0.1, **kwargs}
    if kwargs.get("validation") == "val":
        kwargs["validation"] = (X, Y)
    with pytest.raises(ValueError) as info:
        net.fit(X, Y, **kwargs)
    assert message in str(info.value)
    _close(net.parameters(), before)


def test_train_refuses_absurd_counts_naming_the_option(capsys):
    for option, value in (("--epochs", "1" + "0" * 400), ("--patience", "10000001"), ("--batch-size", "0")):
        try:
            code = main(["train", "--val-split", "0.2", option, value])
        except SystemExit as exc:
            code = exc.code
        err = capsys.readouterr().err
        assert code == 2 and f"argument {option}: expected a whole number from 1 to " in err, err
