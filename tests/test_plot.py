"""ns.plot: loss curves, decision regions against hand-known boundaries, δ norms against numpy."""

import numpy as np
import pytest
from matplotlib.figure import Figure

import neurosim as ns
from neurosim.views.drawing import new_figure
from neurosim.views.plot import DeltaRecorder, layer_delta_norms
from tests.reference import reference_backprop


def test_loss_curve_plots_the_history_against_epochs_from_1():
    fig = ns.plot.loss_curve([0.9, 0.5, 0.3, 0.2])
    assert isinstance(fig, Figure)
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    assert list(line.get_ydata()) == [0.9, 0.5, 0.3, 0.2]
    assert fig.axes[0].get_yscale() == "linear"   # spans less than a factor of 50


def test_loss_curve_compares_runs_and_goes_logarithmic_over_wide_ranges():
    ax = new_figure(dpi=50).add_subplot()
    out = ns.plot.loss_curve({"sigmoid": [1.0, 0.1, 0.001], "relu": [1.0, 0.5]}, ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid", "relu"]
    assert ax.get_yscale() == "log"
    assert ns.plot.loss_curve([1.0, 0.001], log=False).axes[0].get_yscale() == "linear"


def test_loss_curve_of_a_real_fit():
    ex = ns.example()
    history = ex.net.fit(ex.X, ex.Y, epochs=5, lr=0.5, progress=False)
    (line,) = ns.plot.loss_curve(history).axes[0].get_lines()
    untrained = ns.example().net.cost(ex.X, ex.Y)
    assert np.allclose(line.get_ydata(), [untrained, *history])
    assert list(line.get_xdata()) == [0, 1, 2, 3, 4, 5]      # epoch 0 is J0, the cost before training


@pytest.mark.parametrize("bad, error", [([], ValueError), ({}, ValueError), ([[1.0, 2.0]], ValueError),
                                        ("abc", TypeError), (None, TypeError)])
def test_loss_curve_rejects_bad_history(bad, error):
    with pytest.raises(error, match="history"):
        ns.plot.loss_curve(bad)


def _region(fig):
    mesh = fig.axes[0].collections[0]
    return np.asarray(mesh.get_array()).reshape(-1), mesh.get_coordinates()


def test_decision_boundary_of_one_sigmoid_output_is_the_half_level():
    # a = σ(x1 − x2): a ≥ 0.5 exactly when x1 ≥ x2
    net = ns.Network([2, 1], seed=0)
    net.set_weights(1, [[1.0, -1.0]])
    net.set_biases(1, [0.0])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5], [-1.0, 0.2]])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    fig = ns.plot.decision_boundary(net, X, y, resolution=21)
    region = np.asarray(fig.axes[0].collections[0].get_array()).reshape(21, 21)
    g0 = np.linspace(-1.3, 1.3, 21)                   # x1 spans [-1, 1]: margin 0.15 · 2
    g1 = np.linspace(-0.5 - 0.225, 1.0 + 0.225, 21)   # x2 spans [-0.5, 1]: width 1.5, margin 0.15 · 1.5
    G0, G1 = np.meshgrid(g0, g1)
    expected = (1 / (1 + np.exp(-(G0 - G1))) >= 0.5).astype(int)
    # away from the boundary itself (where rounding decides), the regions agree
    clear = np.abs(G0 - G1) > 1e-9
    assert np.array_equal(region[clear], expected[clear])
    assert "100%" in fig.axes[0].get_title()


def test_decision_boundary_with_several_outputs_uses_argmax():
    net = ns.Network([2, 3], activation="identity", loss="cross_entropy", seed=0)
    W = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    net.set_weights(1, W)
    net.set_biases(1, [0.0, 0.0, 0.0])
    X = np.array([[2.0, 0.0], [0.0, 2.0], [-1.0, -1.0], [1.0, 0.5]])
    labels = np.array([0, 1, 2, 0])
    fig = ns.plot.decision_boundary(net, X, labels, resolution=15, margin=0.0)
    region = np.asarray(fig.axes[0].collections[0].get_array()).reshape(15, 15)
    G0, G1 = np.meshgrid(np.linspace(-1, 2, 15), np.linspace(-1, 2, 15))
    scores = np.stack([G0, G1, -G0 - G1])   # softmax keeps the order of z
    expected = np.argmax(scores, axis=0)
    top2 = np.sort(scores, axis=0)
    clear = top2[-1] - top2[-2] > 1e-9
    assert np.array_equal(region[clear], expected[clear])
    # one-hot targets give the same classes
    onehot = np.eye(3)[labels]
    fig2 = ns.plot.decision_boundary(net, X, onehot, resolution=15, margin=0.0)
    assert fig2.axes[0].get_title() == fig.axes[0].get_title()


def test_decision_boundary_rejects_bad_input():
    with pytest.raises(ValueError, match="2 inputs"):
        ns.plot.decision_boundary(ns.Network([3, 1], seed=0), np.zeros((2, 3)), [0, 1])
    net = ns.Network([2, 1], seed=0)
    with pytest.raises(ValueError, match="y"):
        ns.plot.decision_boundary(net, np.zeros((3, 2)), [0, 1])
    with pytest.raises(ValueError, match="X"):
        ns.plot.decision_boundary(net, np.zeros((3, 3)), [0, 1, 1])
    with pytest.raises(ValueError, match="resolution"):
        ns.plot.decision_boundary(net, np.zeros((2, 2)), [0, 1], resolution=1)
    with pytest.raises(TypeError, match="net"):
        ns.plot.decision_boundary("net", np.zeros((2, 2)), [0, 1])


def test_decision_boundary_refuses_classes_the_network_has_no_output_for():
    net3 = ns.Network([2, 3, 3], seed=0)
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    ns.plot.decision_boundary(net3, X, [0, 1, 2], resolution=5)   # classes 0 … 2: fine
    with pytest.raises(ValueError, match=r"y: expected class labels 0 … 2 \(the network has 3 outputs\), got 3"):
        ns.plot.decision_boundary(net3, X, [0, 3, 1], resolution=5)
    with pytest.raises(ValueError, match="y: expected one-hot rows of 3 entries"):
        ns.plot.decision_boundary(net3, X, np.eye(4)[:3], resolution=5)
    with pytest.raises(ValueError, match=r"y: expected 0/1 targets \(the network has one output\), got rows of 2"):
        ns.plot.decision_boundary(ns.Network([2, 1], seed=0), X, np.eye(2)[[0, 1, 0]], resolution=5)


def _numpy_delta_norms(net, X, Y):
    """(1/m) Σ_k ‖δ^(l)(x^(k))‖ from the reference backprop, one example at a time."""
    Ws = [net.weights(l) for l in range(1, net.n_layers)]
    bs = [net.biases(l) for l in range(1, net.n_layers)]
    acts = [a.name for a in net.activations]
    per = [reference_backprop(Ws, bs, acts, net.loss.name, x, t)[2] for x, t in zip(X, Y)]
    return {l: np.mean([np.linalg.norm(d[l]) for d in per]) for l in range(2, net.n_layers + 1)}


def test_layer_delta_norms_match_numpy():
    ex = ns.example("van-vaerenbergh")
    got = layer_delta_norms(ex.net, ex.X, ex.Y)
    want = _numpy_delta_norms(ex.net, ex.X, ex.Y)
    assert got.keys() == want.keys() == {2, 3, 4}
    for l in got:
        assert got[l] == pytest.approx(want[l], rel=1e-10)
    twin = ns.MatrixNetwork.from_network(ex.net)
    assert layer_delta_norms(twin, ex.X, ex.Y) == pytest.approx(got, rel=1e-12)


def test_recorder_follows_fit_and_snapshots_agree():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (12, 3))
    Y = rng.uniform(0, 1, (12, 2))
    net = ns.Network([3, 4, 4, 2], seed=2)
    rec = DeltaRecorder(net, X, Y)
    snapshots = [net.parameters()]
    net.fit(X, Y, epochs=4, lr=0.5, progress=False,
            callback=lambda epoch, cost: (rec(epoch, cost), snapshots.append(net.parameters())))
    assert rec.epochs == [0, 1, 2, 3, 4]
    assert sorted(rec.norms) == [2, 3, 4] and all(len(v) == 5 for v in rec.norms.values())
    final = net.parameters()
    again = DeltaRecorder.from_snapshots(net, X, Y, snapshots)
    for l in rec.norms:
        assert again.norms[l] == pytest.approx(rec.norms[l], rel=1e-12)
    # the network's own parameters were put back
    assert all(np.array_equal(W, W2) and np.array_equal(b, b2) for (W, b), (W2, b2) in zip(final, net.parameters()))
    want = _numpy_delta_norms(net, X, Y)
    assert rec.norms[2][-1] == pytest.approx(want[2], rel=1e-10)


def test_sigmoid_deltas_shrink_towards_the_input_and_the_plot_shows_each_layer():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (20, 4))
    Y = rng.uniform(0, 1, (20, 1))
    net = ns.Network([4, 8, 8, 8, 8, 1], activation="sigmoid", seed=0)
    rec = DeltaRecorder(net, X, Y, every=2)
    net.fit(X, Y, epochs=4, lr=0.5, progress=False, callback=rec)
    assert rec.epochs == [0, 2, 4]
    # each sigmoid layer multiplies δ by σ′ ≤ 1/4: after four of them δ^(2) is far below δ^(6)
    assert rec.norms[2][0] < rec.norms[6][0] / 20
    fig = ns.plot.delta_norms(rec)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 5
    for line, l in zip(lines, [2, 3, 4, 5, 6]):
        assert list(line.get_xdata()) == [0, 2, 4]
        assert np.allclose(line.get_ydata(), rec.norms[l])
    assert fig.axes[0].get_yscale() == "log"


def test_delta_norms_takes_a_mapping_and_rejects_other_things():
    ax = new_figure(dpi=50).add_subplot()
    assert ns.plot.delta_norms({2: [0.1, 0.05], 3: [0.3, 0.2]}, ax=ax, log=False) is ax
    assert len(ax.get_lines()) == 2
    with pytest.raises(TypeError, match="record"):
        ns.plot.delta_norms([0.1, 0.2])
    with pytest.raises(ValueError, match="record"):
        ns.plot.delta_norms({})
    with pytest.raises(ValueError, match="every"):
        DeltaRecorder(ns.Network([2, 1], seed=0), np.zeros((1, 2)), np.zeros((1, 1)), every=0)


def test_loss_curve_of_a_diverging_run_draws_log10(tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = ns.plot.loss_curve([1.0, 1e50, 1e200, 1e300])
        fig.savefig(tmp_path / "diverging.png")
    ax = fig.axes[0]
    assert ax.get_yscale() == "linear" and "log₁₀" in ax.get_ylabel()
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0, 50, 200, 300])
