"""ns.Recorder, fit's callback: epoch 0 at once, every k-th and each fit's last epoch, numbering across fits,
copies kept as they were made (a divergence's rollback included), both engines."""

from __future__ import annotations

import numpy as np
import pytest

import neurosim as ns


def _data(seed=0, m=12):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (m, 2))
    return X, (X[:, :1] * X[:, 1:] > 0).astype(float)


def test_epoch_zero_is_recorded_at_once_with_its_cost():
    X, Y = _data()
    net = ns.Network([2, 3, 1], activation="tanh", seed=1)
    before = net.parameters()
    rec = ns.Recorder(net, X=X, Y=Y)
    assert rec.epochs == [0] and rec.costs == [net.cost(X, Y)]
    assert all(np.array_equal(W, W0) and np.array_equal(b, b0) for (W, b), (W0, b0) in zip(rec.parameters[0], before))
    assert ns.Recorder(net).costs == [None]


def test_every_kth_and_the_last_epoch_of_each_fit_numbered_across_fits():
    X, Y = _data()
    net = ns.Network([2, 3, 1], activation="tanh", seed=1)
    rec = ns.Recorder(net, every=3)
    first = net.fit(X, Y, epochs=10, lr=0.3, callback=rec)
    assert rec.epochs == [0, 3, 6, 9, 10]
    assert rec.costs[1:] == [first[2], first[5], first[8], first[9]]
    after_first = net.parameters()
    second = net.fit(X, Y, epochs=4, lr=0.3, callback=rec)
    assert rec.epochs == [0, 3, 6, 9, 10, 12, 14]   # 11 … 14 continue the count; 14 is the second fit's last
    assert rec.costs[-2:] == [second[1], second[3]]
    assert all(np.array_equal(W, W0) for (W, _), (W0, _) in zip(rec.parameters[4], after_first))
    assert len(rec) == 7 and "7 records" in repr(rec) and "<table>" in rec._repr_html_()


def test_records_are_copies():
    X, Y = _data()
    net = ns.Network([2, 2, 1], seed=2)
    rec = ns.Recorder(net)
    net.fit(X, Y, epochs=2, lr=0.5, callback=rec)
    kept = [W.copy() for W, _ in rec.parameters[1]]
    net.set_weights(1, np.zeros((2, 2)))
    assert all(np.array_equal(W, K) for (W, _), K in zip(rec.parameters[1], kept))


def test_divergence_keeps_the_records_as_they_were_made():
    X, Y = _data(m=8)
    net = ns.Network([2, 4, 1], activation="identity", seed=0)
    rec = ns.Recorder(net, every=5)
    seen = {}

    def both(epoch, cost):   # what the weights were when each epoch ended, to compare the records with
        rec(epoch, cost)
        seen[epoch] = net.parameters()

    with pytest.raises(ns.DivergenceError) as info:
        net.fit(X * 20, Y * 20, epochs=200, lr=0.005, callback=both)   # diverges in epoch 37
    last = info.value.epoch - 1
    assert last > 10 and rec.epochs[-1] == last and all(e % 5 == 0 for e in rec.epochs[1:-1])
    for e, params in zip(rec.epochs[1:], rec.parameters[1:]):
        assert all(np.array_equal(W, W0) for (W, _), (W0, _) in zip(params, seen[e]))   # not the rolled-back ones


def test_matrix_twin_records_the_same():
    X, Y = _data()
    net = ns.Network([2, 3, 1], activation="tanh", seed=4)
    twin = ns.MatrixNetwork.from_network(net)
    a, b = ns.Recorder(net, every=2, X=X, Y=Y), ns.Recorder(twin, every=2, X=X, Y=Y)
    net.fit(X, Y, epochs=5, lr=0.4, callback=a)
    twin.fit(X, Y, epochs=5, lr=0.4, callback=b)
    assert a.epochs == b.epochs == [0, 2, 4, 5]
    np.testing.assert_allclose(a.costs, b.costs, rtol=1e-10)


def test_bad_arguments_name_themselves():
    net = ns.Network([2, 1], seed=0)
    with pytest.raises(ValueError, match="every"):
        ns.Recorder(net, every=0)
    with pytest.raises(TypeError, match="net"):
        ns.Recorder("net")
    with pytest.raises(ValueError, match="X, Y"):
        ns.Recorder(net, X=np.zeros((2, 2)))
