"""Experiments a researcher can trust: held-out data (split), History, accuracy, early stopping, the divergence
rule (checked against hand-worked growth), the standardizer saved with a network, initial weights."""

import json
import math

import numpy as np
import pytest

import neurosim as ns
from neurosim.core.init import ALIASES, SCHEMES, initialize
from neurosim.core.training import DIVERGENCE_FACTOR, DIVERGENCE_FLOOR

# --- split ----------------------------------------------------------------------------------------------


def test_split_partitions_the_rows_with_their_targets_and_is_seeded():
    m = 37
    X = np.column_stack([np.arange(m), -np.arange(m)]).astype(float)   # row k is recognisable by k
    Y = np.arange(m) * 10
    X_tr, X_te, Y_tr, Y_te = ns.datasets.split(X, Y, test=0.25, seed=3)
    assert len(X_te) == round(0.25 * m) == 9 and len(X_tr) == m - 9
    ids = np.concatenate([X_tr[:, 0], X_te[:, 0]]).astype(int)
    assert sorted(ids.tolist()) == list(range(m))                      # every row exactly once
    np.testing.assert_array_equal(Y_tr, X_tr[:, 0] * 10)               # targets travel with their rows
    np.testing.assert_array_equal(Y_te, X_te[:, 0] * 10)
    again = ns.datasets.split(X, Y, test=0.25, seed=3)
    other = ns.datasets.split(X, Y, test=0.25, seed=4)
    np.testing.assert_array_equal(again[1], X_te)
    assert not np.array_equal(other[1], X_te)
    assert len(ns.datasets.split(X, Y, test=5, seed=0)[1]) == 5         # a row count
    assert len(ns.datasets.split(X[:3], Y[:3], test=0.01)[1]) == 1      # never an empty part
    Y2 = np.column_stack([Y, Y])
    assert ns.datasets.split(X, Y2, seed=1)[3].shape == (9, 2)


@pytest.mark.parametrize("kwargs, match", [
    ({"test": 0.0}, "test: expected a share in"), ({"test": 1.0}, "test: expected a share"),
    ({"test": 37}, r"row count 1 … 36"), ({"test": "a"}, "test"), ({"seed": -1}, "seed"),
])
def test_split_rejects_bad_arguments(kwargs, match):
    X, Y = np.zeros((37, 2)), np.zeros(37)
    with pytest.raises(ValueError, match=match):
        ns.datasets.split(X, Y, **kwargs)


def test_split_rejects_mismatched_data():
    with pytest.raises(ValueError, match=r"Y: expected 4 targets"):
        ns.datasets.split(np.zeros((4, 2)), np.zeros(5))
    with pytest.raises(ValueError, match=r"X: expected shape \(m, d\)"):
        ns.datasets.split(np.zeros(4), np.zeros(4))


# --- accuracy and History ----------------------------------------------------------------------------

def test_accuracy_by_hand():
    # a = σ(x1 − x2) ≥ ½ exactly when x1 ≥ x2: classes 1, 0, 1, 0 predicted
    net = ns.Network([2, 1], seed=0)
    net.set_weights(1, [[1.0, -1.0]])
    X = [[1.0, 0.0], [0.0, 1.0], [0.5, -0.5], [-1.0, 0.2]]
    assert net.accuracy(X, [1, 0, 1, 0]) == 1.0
    assert net.accuracy(X, [1, 1, 1, 1]) == 0.5
    assert net.accuracy(X, [[0], [1], [1], [0]]) == 0.5
    assert ns.MatrixNetwork.from_network(net).accuracy(X, [0, 1, 1, 1]) == 0.25
    with pytest.raises(ValueError, match=r"accuracy needs classes.*row 0 is \[0.3\]"):
        net.accuracy(X, [0.3, 1, 0, 1])
    # softmax: the class is the output neuron with the largest a (class k is neuron k + 1)
    soft = ns.Network([2, 3], loss="cross_entropy", seed=0)
    soft.set_weights(1, [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    X = [[2.0, 0.0], [0.0, 2.0], [-1.0, -1.0], [3.0, 1.0]]
    assert soft.accuracy(X, [0, 1, 2, 1]) == 0.75
    assert soft.accuracy(X, np.eye(3)[[0, 1, 2, 0]]) == 1.0


def test_history_is_a_list_and_holds_the_held_out_series():
    X, Y = ns.datasets.moons(60, seed=1)
    X_tr, X_va, Y_tr, Y_va = ns.datasets.split(X, Y, test=0.3, seed=0)
    net = ns.Network([2, 4, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
    twin = ns.Network([2, 4, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
    history = net.fit(X_tr, Y_tr, epochs=6, lr=0.5, validation=(X_va, Y_va), progress=False)
    assert isinstance(history, list) and isinstance(history, ns.History) and len(history) == 6
    assert history.epochs == [1, 2, 3, 4, 5, 6]
    assert history.initial == twin.cost(X_tr, Y_tr)
    for k in range(6):   # replay: one full-batch step per epoch, then measure on each part independently
        twin.step(X_tr, Y_tr, lr=0.5)
        assert history[k] == pytest.approx(twin.cost(X_tr, Y_tr), rel=1e-13)
        assert history.validation[k] == pytest.approx(twin.cost(X_va, Y_va), rel=1e-13)
        predicted = twin.predict(X_va)[:, 0] >= 0.5
        assert history.validation_accuracy[k] == np.mean(predicted == Y_va)
        assert history.train_accuracy[k] == np.mean((twin.predict(X_tr)[:, 0] >= 0.5) == Y_tr)
    assert history.best_epoch == 1 + int(np.argmin(history.validation))
    assert history.stopped_epoch is None and history.restored_epoch is None
    assert "validation J" in history.summary()
    # the twin engine runs the same loop
    mat = ns.MatrixNetwork([2, 4, 1], activation="tanh", loss="binary_cross_entropy", seed=2)
    h2 = mat.fit(X_tr, Y_tr, epochs=6, lr=0.5, validation=(X_va, Y_va), progress=False)
    np.testing.assert_allclose(h2.validation, history.validation, rtol=1e-12)


def test_regression_records_no_accuracy():
    X, Y = ns.datasets.sine(30, seed=0)
    h = ns.Network([1, 3, 1], activation="tanh", output="identity", seed=0).fit(
        X, Y, epochs=2, lr=0.1, validation=(X[:5], Y[:5]))
    assert len(h.validation) == 2 and h.train_accuracy == [] and h.validation_accuracy == []


def test_early_stopping_puts_back_the_weights_of_the_lowest_validation_cost(capsys):
    # Validation labels are the training labels flipped: the better the fit, the worse the validation cost.
    X, Y = ns.datasets.moons(40, seed=0)
    net = ns.Network([2, 5, 1], activation="tanh", loss="binary_cross_entropy", seed=0)
    snapshots = {}
    h = net.fit(X, Y, epochs=200, lr=0.5, validation=(X, 1 - Y), patience=3,
                callback=lambda e, c: snapshots.setdefault(e, net.parameters()))
    best = h.best_epoch
    assert best == 1 + int(np.argmin(h.validation))
    assert h.stopped_epoch == len(h) == best + 3 < 200
    assert h.restored_epoch == best
    assert net.cost(X, 1 - Y) == pytest.approx(min(h.validation), rel=1e-13)
    for (W, b), (W0, b0) in zip(net.parameters(), snapshots[best]):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    assert f"the weights of epoch {best}" in h.message
    assert h.message in capsys.readouterr().err          # fit says so
    with pytest.raises(ValueError, match="patience: early stopping watches the validation cost"):
        net.fit(X, Y, epochs=2, lr=0.5, patience=2)
    with pytest.raises(ValueError, match="patience: expected a whole number >= 1"):
        net.fit(X, Y, epochs=2, lr=0.5, validation=(X, Y), patience=0)
    with pytest.raises(ValueError, match=r"validation: expected a pair \(X_val, Y_val\)"):
        net.fit(X, Y, epochs=2, lr=0.5, validation=X)
    with pytest.raises(ValueError, match=r"validation X_val: expected shape \(m, 2\)"):
        net.fit(X, Y, epochs=2, lr=0.5, validation=(X[:, :1], Y))


# --- the divergence rule ---------------------------------------------------------------------------------

def _growing(w0: float) -> tuple[ns.Network, np.ndarray, np.ndarray]:
    """a = w·x + b on x = ±1 with targets 0: ∂J/∂w = w, ∂J/∂b = b, so at lr = 2.5 the step w ← −1.5 w makes
    J = ½ w² grow by exactly 2.25 per epoch, from J0 = ½ w0²."""
    net = ns.Network([1, 1], activation="identity", seed=0)
    net.set_weights(1, [[w0]])
    return net, np.array([[1.0], [-1.0]]), np.array([[0.0], [0.0]])


def test_a_thousandfold_growth_is_divergence():
    net, X, Y = _growing(100.0)
    # By hand, from the documented rule (stop when J > 1000 × max(J0, 1)): step the one weight w ← w − 2.5 ∂J/∂w
    # with ∂J/∂w = mean over x = ±1 of (w x) x, and measure J = mean of ½ (w x)² until it passes the limit.
    w, costs = 100.0, []
    J0 = limit = None
    while True:
        J = sum(0.5 * (w * x) ** 2 for x in (1.0, -1.0)) / 2
        if J0 is None:
            J0, limit = J, 1000 * max(J, 1.0)
        elif J > limit:
            break
        else:
            costs.append(J)
        w -= 2.5 * sum((w * x) * x for x in (1.0, -1.0)) / 2
    epoch = len(costs) + 1
    assert J0 == 5000 and epoch == 9                        # 2.25^8 ≈ 657 < 1000 < 2.25^9 ≈ 1478
    with pytest.raises(ns.DivergenceError) as info:
        net.fit(X, Y, epochs=50, lr=2.5)
    err = info.value
    assert err.epoch == epoch and len(err.history) == epoch - 1
    assert list(err.history) == pytest.approx(costs, rel=1e-12) and err.history.initial == J0
    assert err.cost == pytest.approx(J, rel=1e-12)
    assert err.restored_epoch == 0 and net.weights(1)[0, 0] == 100.0    # no epoch stayed at or below J0
    text = str(err)
    assert f"epoch {epoch} of 50" in text and "smaller learning rate" in text and "lr=0.25" in text
    # the numbers it prints are the hand-computed J, limit and J0
    assert f"J = {J:.4g} exceeds 1000 × max(J0, 1) = {limit:.4g}, where J0 = {J0:.4g}" in text


def test_a_run_starting_near_zero_does_not_trip_until_the_floor():
    net, X, Y = _growing(1e-4)                              # J0 = 5e-9
    h = net.fit(X, Y, epochs=20, lr=2.5)                    # grows 2.25^20 ≈ 1e7-fold, but stays below 1000
    assert h[-1] / h.initial > 1e6 and h[-1] < DIVERGENCE_FLOOR * DIVERGENCE_FACTOR
    net, X, Y = _growing(1e-4)
    epoch = math.ceil(math.log(DIVERGENCE_FACTOR * DIVERGENCE_FLOOR / 5e-9) / math.log(2.25))
    with pytest.raises(ns.DivergenceError) as info:
        net.fit(X, Y, epochs=60, lr=2.5)
    assert info.value.epoch == epoch


def test_divergence_rule_can_be_switched_off_or_tuned():
    net, X, Y = _growing(100.0)
    h = net.fit(X, Y, epochs=30, lr=2.5, divergence=None)   # NaN or inf would still stop it
    assert len(h) == 30 and h[-1] == pytest.approx(5000 * 2.25 ** 30, rel=1e-12)
    net, X, Y = _growing(100.0)
    with pytest.raises(ns.DivergenceError) as info:
        net.fit(X, Y, epochs=30, lr=2.5, divergence=10)
    assert info.value.epoch == 3                             # 2.25^3 > 10
    for bad in (1, 0.5, "big", True):
        with pytest.raises(ValueError, match="divergence: expected a factor > 1"):
            net.fit(X, Y, epochs=1, lr=0.1, divergence=bad)


def test_the_readme_network_diverges_at_lr_1e9_and_gets_its_initial_weights_back():
    X, Y = ns.datasets.xor(m=40, seed=0)
    xor = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=1)
    initial = xor.parameters()
    with pytest.raises(ns.DivergenceError, match=r"training diverged in epoch \d+ of 500 \(lr=1e\+09\)"):
        xor.fit(X, Y, epochs=500, lr=1e9)
    for (W, b), (W0, b0) in zip(xor.parameters(), initial):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)


def test_restores_the_last_epoch_not_above_J0():
    # Stable at first (lr 0.5 shrinks w by half), then at lr 2.5 it grows: the restored weights are the
    # last ones whose cost was at most J0 of the second fit.
    net, X, Y = _growing(100.0)
    net.fit(X, Y, epochs=2, lr=0.5)                          # w = 25
    assert net.weights(1)[0, 0] == 25.0
    with pytest.raises(ns.DivergenceError) as info:
        net.fit(X, Y, epochs=50, lr=2.5)
    assert info.value.restored_epoch == 0 and net.weights(1)[0, 0] == 25.0


@pytest.mark.parametrize("name", ns.datasets.NAMES)
def test_no_healthy_run_of_a_bundled_data_set_trips_the_rule(name):
    """Every activation at the CLI's lr 0.5 and at 2, batches of 32: whenever the rule stops a run, the same
    run without the rule is no healthy one — it reaches NaN/inf or ends above its starting cost."""
    X, Y = ns.datasets.load(name, seed=0)
    if ns.datasets.task(name) == "regression":
        kwargs, n_out = {"loss": "half_sse", "output": "identity"}, 1
    elif Y.max() > 1:
        kwargs, n_out = {"loss": "cross_entropy"}, int(Y.max()) + 1
    else:
        kwargs, n_out = {"loss": "binary_cross_entropy"}, 1
    healthy = 0
    for activation in ("tanh", "sigmoid", "relu"):
        for lr in (0.5, 2.0):
            def run(activation=activation, lr=lr, **rule):
                twin = ns.MatrixNetwork([X.shape[1], 8, n_out], activation=activation, seed=0, **kwargs)
                return twin.fit(X, Y, epochs=100, lr=lr, batch_size=32, seed=0, **rule)
            try:
                run()
                healthy += 1
            except ns.DivergenceError:
                try:
                    h = run(divergence=None)
                except ns.DivergenceError:
                    continue                               # NaN or inf: diverged for sure
                assert h[-1] > h.initial, f"{name}, {activation}, lr {lr}: a healthy run was stopped"
    assert healthy >= 2


# --- standardizer and initial weights ---------------------------------------------------------------------

def test_standardizer_round_trip_through_a_saved_network(tmp_path):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(5, 2, 50), rng.normal(-1, 0.1, 50), np.full(50, 7.0)])
    scaler = ns.Standardizer.fit(X)
    Z = scaler(X)
    np.testing.assert_allclose(Z[:, :2].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z[:, :2].std(axis=0), 1, rtol=1e-12)
    np.testing.assert_array_equal(Z[:, 2], 0)                # a constant column is only centred
    np.testing.assert_allclose(scaler.inverse(Z), X, rtol=1e-12)
    net = ns.Network([3, 2, 1], seed=0)
    net.standardizer = scaler
    net.save(tmp_path / "n.json")
    data = json.loads((tmp_path / "n.json").read_text())
    assert data["standardizer"]["mean"] == X.mean(axis=0).tolist()
    loaded = ns.Network.load(tmp_path / "n.json")
    assert loaded.standardizer == scaler
    np.testing.assert_array_equal(loaded.predict(loaded.standardizer(X)), net.predict(scaler(X)))
    twin = ns.MatrixNetwork.from_network(loaded)
    assert twin.standardizer == scaler and twin.to_network().standardizer == scaler
    # a file written before the section existed still loads, with no standardizer
    del data["standardizer"]
    (tmp_path / "old.json").write_text(json.dumps(data))
    assert ns.Network.load(tmp_path / "old.json").standardizer is None
    data["standardizer"] = {"mean": [0.0, 1.0], "std": [1.0, 1.0]}
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="'standardizer' holds 2 columns for 3 inputs"):
        ns.Network.load(tmp_path / "bad.json")
    data["standardizer"] = {"mean": [0.0, 1.0, 2.0], "std": [1.0, 0.0, 1.0]}
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="malformed neurosim file .*std: expected positive numbers"):
        ns.Network.load(tmp_path / "bad.json")


def test_initial_weight_schemes():
    net = ns.MatrixNetwork([150, 100, 2], activation="relu", seed=0)
    for scheme, std in [("he", math.sqrt(2 / 150)), ("lecun", math.sqrt(1 / 150)),
                        ("xavier", math.sqrt(2 / 250)), ("uniform", 1 / math.sqrt(150) / math.sqrt(3))]:
        initialize(net, scheme, seed=1)
        W = net.weights(1)
        assert W.std() == pytest.approx(std, rel=0.03) and abs(W.mean()) < 0.1 * std
        assert not net.biases(1).any()
    net.set_biases(1, np.ones(100))
    initialize(net, "zeros")
    assert not net.weights(1).any() and not net.biases(1).any()
    assert set(SCHEMES) | set(ALIASES) >= {"auto", "he", "lecun", "xavier", "uniform", "zeros"}
    with pytest.raises(ValueError, match="init: expected one of auto"):
        initialize(net, "glorot")


def test_zero_weights_keep_hidden_neurons_identical():
    """The symmetry random initial weights break: from all-zero weights every hidden neuron stays the same."""
    X, Y = ns.datasets.xor(20, seed=0)
    net = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=0)
    initialize(net, "zeros")
    net.set_biases(1, [0.1, 0.1, 0.1])       # even a shared bias does not help
    net.fit(X, Y, epochs=20, lr=0.5)
    W = net.weights(1)
    np.testing.assert_allclose(W, np.tile(W[0], (3, 1)), rtol=1e-12)
