"""ns.draw: layout, colours centred on 0, widths ∝ |W|, labels that never overlap, no pyplot needed."""

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.figure import Figure

import neurosim as ns
from neurosim.views.drawing import NetworkDrawing, layout, new_figure, symmetric_norm
from tests.reference import reference_backprop


def small_net():
    """A 2-3-2 sigmoid network with hand-set weights: δ of the two output neurons have opposite signs."""
    net = ns.Network([2, 3, 2], seed=0)
    W1 = np.array([[0.5, -0.4], [0.3, 0.8], [-0.7, 0.2]])
    W2 = np.array([[0.6, -0.5, 0.9], [-0.3, 0.4, 0.1]])
    net.set_weights(1, W1)
    net.set_weights(2, W2)
    net.set_biases(1, [0.1, -0.2, 0.05])
    net.set_biases(2, [0.0, 0.3])
    return net, (W1, W2)


X_IN, Y_OUT = np.array([0.9, -0.6]), np.array([0.0, 1.0])


def reference_deltas(net, weights):
    bs = [net.biases(1), net.biases(2)]
    _, a, delta, _, grads = reference_backprop(list(weights), bs, ["sigmoid", "sigmoid"], "half_sse", X_IN, Y_OUT)
    return a, delta, grads


def pixel(fig, ax, xy):
    """RGB (0-255) of the figure at data point xy."""
    fig.canvas.draw()
    img = np.asarray(fig.canvas.buffer_rgba())
    px, py = ax.transData.transform(xy)
    return img[img.shape[0] - int(round(py)), int(round(px)), :3].astype(int)


def test_layout_puts_layers_in_columns_with_neuron_1_on_top():
    pos = layout(ns.Network([3, 4, 2], seed=0))
    assert pos[(1, 1)] == (0.0, 1.0) and pos[(1, 3)] == (0.0, -1.0)
    assert pos[(2, 1)] == (1.0, 1.5) and pos[(2, 4)] == (1.0, -1.5)
    assert pos[(3, 1)] == (2.0, 0.5) and pos[(3, 2)] == (2.0, -0.5)
    assert len(pos) == 9


def test_draw_returns_a_figure_with_a_colour_bar_centred_on_zero():
    net, _ = small_net()
    fig = ns.draw(net, "delta", x=X_IN, y=Y_OUT, dpi=50)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2   # the network and its colour bar
    bar = fig.axes[1]
    lo, hi = bar.get_ylim()
    assert lo == pytest.approx(-hi)
    assert "δ" in fig.axes[0].get_title() or "delta" in fig.axes[0].get_title()


def test_positive_and_negative_delta_get_opposite_colours():
    net, weights = small_net()
    _, delta, _ = reference_deltas(net, weights)
    assert delta[3][0] > 0 > delta[3][1]   # the setting this test relies on
    fig = new_figure(dpi=60)
    ax = fig.add_subplot()
    assert ns.draw(net, "delta", x=X_IN, y=Y_OUT, ax=ax, labels=False) is ax
    pos = layout(net)
    warm, cold = pixel(fig, ax, pos[(3, 1)]), pixel(fig, ax, pos[(3, 2)])
    assert warm[0] > warm[2] + 40   # RdBu_r: positive is red
    assert cold[2] > cold[0] + 40   # negative is blue


def test_colour_strength_follows_magnitude_on_a_symmetric_scale():
    norm = symmetric_norm([0.2, -0.5, None, float("nan")])
    assert (norm.vmin, norm.vmax) == (-0.5, 0.5)
    assert symmetric_norm([]).vmax == 1.0   # nothing computed yet: a harmless default
    net, _ = small_net()
    fig = new_figure(dpi=50)
    d = NetworkDrawing(net, fig.add_subplot())
    d.set_norm(symmetric_norm([-1.0, 1.0]))
    faint, strong = d.colour([0.1, 0.9])
    grey = d.colour([None])[0]
    assert np.allclose(grey, (0.86, 0.86, 0.86, 1.0))
    # the stronger value is further from white
    assert np.sum(1 - strong[:3]) > np.sum(1 - faint[:3])


def test_connection_width_is_proportional_to_abs_weight_and_colour_gives_the_sign():
    net, (W1, W2) = small_net()
    fig = new_figure(dpi=50)
    d = NetworkDrawing(net, fig.add_subplot())
    weights = np.array([c.weight for c in d.connections])
    expected = np.concatenate([W1.ravel(), W2.ravel()])   # (l, i, j) order is row-major W^(l)
    assert np.allclose(weights, expected)
    widths = np.asarray(d.edges.get_linewidths())
    slope, intercept = np.polyfit(np.abs(weights), widths, 1)
    assert slope > 0 and np.allclose(widths, slope * np.abs(weights) + intercept)
    colours = d.edges.get_colors()
    for w, c in zip(weights, colours):
        assert (c[0] > c[2]) == (w > 0)


def test_grad_view_colours_connections_by_the_gradient():
    net, weights = small_net()
    _, _, grads = reference_deltas(net, weights)
    fig = ns.draw(net, "grad", x=X_IN, y=Y_OUT, dpi=50)
    ax = fig.axes[0]
    edges = next(c for c in ax.collections if c.get_label() == "connections")
    expected = np.concatenate([grads[0][0].ravel(), grads[1][0].ravel()])
    for g, c in zip(expected, edges.get_colors()):
        if abs(g) > 1e-3:
            assert (c[0] > c[2]) == (g > 0)


def test_values_written_in_the_neurons_are_the_reference_numbers():
    net, weights = small_net()
    a, _, _ = reference_deltas(net, weights)
    fig = ns.draw(net, "a", x=X_IN, y=Y_OUT, dpi=60)
    texts = {t.get_text() for t in fig.axes[0].texts}
    for value in list(a[2]) + list(a[3]):
        assert f"{value:.3g}" in texts


def _overlaps(fig, texts):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in texts if t.get_text()]
    return any(b1.overlaps(b2) for k, b1 in enumerate(boxes) for b2 in boxes[k + 1:])


def test_labels_fit_for_eight_neurons_and_are_dropped_for_large_layers():
    net = ns.Network([4, 8, 3], seed=1)
    x, y = np.linspace(-1, 1, 4), np.array([0.2, 0.5, 0.9])
    fig = ns.draw(net, "delta", x=x, y=y)
    ax = fig.axes[0]
    assert len(ax.texts) >= 2 * 15   # values and symbols are drawn
    assert not _overlaps(fig, ax.texts)
    big = ns.Network([5, 60, 3], seed=1)
    fig = ns.draw(big, "delta", x=np.zeros(5), y=np.zeros(3))
    ax = fig.axes[0]
    assert not _overlaps(fig, ax.texts)
    assert len(ax.texts) < 60   # the 60-neuron layer's labels were dropped


def test_not_computed_values_are_grey_and_the_title_says_so():
    net = ns.Network([2, 2, 1], seed=0)
    fig = ns.draw(net, "delta", dpi=40)
    assert "not computed" in fig.axes[0].get_title()


def test_bad_arguments_name_the_parameter():
    net, _ = small_net()
    with pytest.raises(ValueError, match="show"):
        ns.draw(net, "deltas")
    with pytest.raises(ValueError, match="y"):
        ns.draw(net, "delta", y=Y_OUT)
    with pytest.raises(TypeError, match="net"):
        ns.draw("net")
    with pytest.raises(ValueError, match="labels"):
        ns.draw(net, labels="some")
    with pytest.raises(ValueError, match="cmap"):
        ns.draw(net, cmap="no-such-map")


def test_import_neurosim_does_not_import_matplotlib():
    code = "import sys, neurosim; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
