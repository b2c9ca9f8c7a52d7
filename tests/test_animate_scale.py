"""Animation at classroom size: granularity, streaming GIF, MP4, progress, warnings, and frames a teacher can
project (labels clear of rings, values inside their circles, captions typeset and inside the frame)."""

import json
import math
import re
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest
from PIL import Image

import neurosim as ns
from neurosim.views.frames import auto_granularity
from neurosim.views.progress import AnimationSizeWarning, size_warning
from tests.optional import in_ci

DPI = 30


def net_2332():
    net = ns.Network([2, 3, 3, 2], seed=3)
    return net, np.array([0.7, -0.4]), np.array([1.0, 0.0])


def hidden_and_output(sizes):
    return sum(sizes[1:])


@pytest.mark.parametrize("sizes", [[2, 3, 2], [3, 4, 2], [2, 3, 3, 2], [4, 1, 3]])
def test_frame_counts_per_granularity(sizes):
    net = ns.Network(sizes, seed=0)
    x, y = np.linspace(-1, 1, sizes[0]), np.linspace(0.2, 0.8, sizes[-1])
    n = hidden_and_output(sizes)                              # neurons with z, a and δ
    c = sum(a * b for a, b in zip(sizes, sizes[1:]))          # connections
    layers = len(sizes) - 1                                   # layers after the input
    expected = {"connection": 2 * n + n + (c + n), "neuron": 3 * n, "layer": 2 * layers + 2 * layers + layers}
    for granularity, count in expected.items():
        anim = ns.animate(net, x, y, granularity=granularity, dpi=DPI)
        assert len(anim.frames) == count, granularity
        assert len(list(anim.new_saved_frame_seq())) == count
        # every step of the trace appears in exactly one frame's applied numbers
        applied = sorted(k for f in anim.frames for k in f.applied)
        assert applied == list(range(len(anim.all_steps)))
    back = ns.animate(net, x, y, granularity="layer", phases="backward", dpi=DPI)
    assert [(f.what, f.layer) for f in back.frames] == [
        (what, l) for l in range(len(sizes), 1, -1) for what in ("messages", "delta")]


def test_auto_granularity_follows_the_size_of_the_network():
    assert auto_granularity([3, 4, 2], 20) == "connection"
    assert auto_granularity([4, 8, 6], 80) == "neuron"          # 42 frames per neuron
    assert auto_granularity([8, 16, 16, 4], 448) == "layer"     # 108 frames per neuron: too many
    ex = ns.example()
    assert ns.animate(ex.net, ex.x, ex.y, dpi=DPI).granularity == "connection"
    with pytest.raises(ValueError, match="granularity"):
        ns.animate(ns.Network([2, 2]), [0, 0], [0, 0], granularity="edge")


def test_a_grouped_backward_frame_shows_every_message_of_its_layer():
    net, x, y = net_2332()
    net.prune(2, 2, 3)   # W_23^(2): neuron (2, 3) no longer hears from (3, 2)
    anim = ns.animate(net, x, y, granularity="layer", phases="backward", dpi=DPI)
    k = next(n for n, f in enumerate(anim.frames) if f.what == "messages" and f.layer == 2)
    anim.frame(k)
    player = anim._player
    pos = ns.views.drawing.layout(net)
    arrows = [a for a in player.arrows if a.get_visible()]
    sent = {(tuple(a.xyann), tuple(a.xy)) for a in arrows}
    expected = {(pos[c.target.key], pos[c.source.key]) for c in net.connections(2)}
    assert len(arrows) == 8 and sent == expected
    # each arrow's colour is the sign of its message δ_j^(3)·W_ji^(2): warm (red) > 0, cold (blue) < 0
    cmap = player.d.cmap
    for a in arrows:
        (_, j), (_, i) = [k for k, p in pos.items() if p == tuple(a.xyann)][0], \
                         [k for k, p in pos.items() if p == tuple(a.xy)][0]
        message = net.neuron(3, j).delta * net.connection(2, j, i).weight
        assert np.allclose(a.arrow_patch.get_edgecolor(), cmap(0.93 if message > 0 else 0.07))
    # ... the layer's δ are not known yet; the next frame fills them
    assert all(player.delta[player.d.slot[(2, i)]] is None for i in (1, 2, 3))
    anim.frame(k + 1)
    assert [player.delta[player.d.slot[(2, i)]] for i in (1, 2, 3)] == [net.neuron(2, i).delta for i in (1, 2, 3)]
    assert not any(a.get_visible() for a in player.arrows)


@pytest.mark.parametrize("granularity", ["neuron", "layer"])
def test_consecutive_grouped_frames_differ(granularity):
    net = ns.Network([2, 2, 2], seed=4)
    anim = ns.animate(net, [0.3, -0.8], [1.0, 0.0], granularity=granularity, dpi=DPI)
    frames = [anim.frame(k) for k in range(len(anim.frames))]
    for k in range(1, len(frames)):
        assert np.any(frames[k] != frames[k - 1]), f"frames {k - 1} and {k} are identical"


def test_streamed_gif_is_valid_and_holds_every_frame(tmp_path):
    net, x, y = net_2332()
    anim = ns.animate(net, x, y, granularity="layer", dpi=DPI)
    done = []
    path = ns.views.animation.save(anim, tmp_path / "net.gif", progress=lambda k, n: done.append((k, n)))
    n = len(anim.frames)
    assert done == [(k, n) for k in range(1, n + 1)]
    assert [p.name for p in tmp_path.iterdir()] == ["net.gif"]     # no part file left behind
    with Image.open(path) as im:
        assert im.n_frames == n and im.size == (DPI * 8, DPI * 6)
        assert len(im.getpalette()) == 3 * 256                     # one global palette
        for k in range(n):
            im.seek(k)
            decoded = np.asarray(im.convert("RGB")).astype(int)
            drawn = anim.frame(k).astype(int)
            assert np.mean(np.abs(decoded - drawn)) < 3.0, k      # the palette is close to every colour drawn
            assert im.info.get("duration") == 500                  # 2 frames per second


def test_gif_colour_bar_has_no_banding(tmp_path):
    net, x, y = net_2332()
    anim = ns.animate(net, x, y, granularity="layer", phases="backward", dpi=80)
    path = ns.views.animation.save(anim, tmp_path / "bar.gif", progress=False)
    cbar = anim._player.twin.colorbar.ax
    with Image.open(path) as im:
        im.seek(len(anim.frames) - 1)
        img = np.asarray(im.convert("RGB")).astype(int)
    x0, y0, x1, y1 = cbar.get_window_extent().extents
    h = img.shape[0]
    column = img[int(h - y1) + 3: int(h - y0) - 3, int((x0 + x1) / 2)]
    # a smooth bar: many distinct colours, and no step between neighbouring rows larger than a few levels
    assert len({tuple(c) for c in column}) > 60
    assert np.abs(np.diff(column, axis=0)).max() <= 24


def ffprobe_or_skip():
    if shutil.which("ffmpeg") and shutil.which("ffprobe"):
        return
    if in_ci():
        pytest.fail("ffmpeg is missing under CI=true: .ci/run installs it (apt-get install -y ffmpeg)")
    pytest.skip("ffmpeg not installed: apt-get install ffmpeg to test the MP4 writer")


def test_mp4_has_every_frame_for_its_duration(tmp_path):
    ffprobe_or_skip()
    net, x, y = net_2332()
    anim = ns.animate(net, x, y, granularity="layer", dpi=DPI, fps=4)
    path = ns.views.animation.save(anim, tmp_path / "net.mp4", progress=False)
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                          "stream=nb_read_frames,duration,width,height", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    stream = json.loads(out.stdout)["streams"][0]
    n = len(anim.frames)
    assert int(stream["nb_read_frames"]) == n
    assert float(stream["duration"]) == pytest.approx(n / 4, abs=0.01)
    assert (stream["width"], stream["height"]) == (DPI * 8, DPI * 6)


def test_warning_before_a_long_render(tmp_path, monkeypatch):
    assert size_warning(120, 800, 600, ".gif", "layer") is None
    message = size_warning(424, 800, 600, ".gif", "connection")
    assert "424 frames" in message and "granularity" in message and "dpi" in message
    assert "MB" in size_warning(250, 1600, 1200, ".gif", "layer")   # few frames but large ones
    # [10, 28, 1] per connection: 4·29 + 308 = 424 frames; the warning comes before any frame is drawn
    net = ns.Network([10, 28, 1], seed=0)
    anim = ns.animate(net, np.zeros(10), [0.5], granularity="connection", dpi=DPI)
    writers = sys.modules["neurosim.views.writers"]

    def no_render(*args):
        raise KeyboardInterrupt   # stands for "rendering started"

    monkeypatch.setattr(writers, "_write_gif", no_render)
    with pytest.warns(AnimationSizeWarning, match="424 frames"), pytest.raises(KeyboardInterrupt):
        ns.views.animation.save(anim, tmp_path / "big.gif", progress=False)
    assert not list(tmp_path.iterdir())


def test_progress_bar_on_request(tmp_path, capsys):
    net, x, y = net_2332()
    anim = ns.animate(net, x, y, granularity="layer", phases="gradient", dpi=DPI)
    ns.views.animation.save(anim, tmp_path / "g.gif", progress=True)
    err = capsys.readouterr().err
    assert f"{len(anim.frames)}/{len(anim.frames)} frames" in err
    ns.views.animation.save(anim, tmp_path / "g.gif", progress=False)
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match="progress"):
        ns.views.animation.save(anim, tmp_path / "g.gif", progress="yes")


# --- what a teacher sees ------------------------------------------------------------------------------------

def _ring_clear_of(text, centre, radius, renderer) -> bool:
    """True when the text's box does not reach into the circle of ``radius`` pixels around ``centre``."""
    x0, y0, x1, y1 = text.get_window_extent(renderer).extents
    nearest = np.clip(centre, [x0, y0], [x1, y1])
    return float(np.hypot(*(nearest - centre))) >= radius


@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 9, 1], [8, 16, 16, 4]])
def test_labels_never_overlap_the_highlight_ring(sizes):
    net = ns.Network(sizes, seed=0)
    anim = ns.animate(net, np.linspace(-1, 1, sizes[0]), np.full(sizes[-1], 0.5), granularity="layer", dpi=100)
    anim.frame(0)   # the z frame of layer 2: its z labels are shown as well
    d, twin = anim._player.d, anim._player.twin
    renderer = d.fig.canvas.get_renderer()
    twin.fig.canvas.draw()
    ring = d.ring_radius * d.fig.dpi / 72 + 1.25   # the ring's outer edge (half its line width out)
    labels = [t for t in (*twin.symbol_texts, *anim._player.z_labels) if t.get_visible() and t.get_text()]
    assert labels or sizes == [8, 16, 16, 4]
    for t in labels:
        for centre in d.ax.transData.transform(d.xy):
            assert _ring_clear_of(t, centre, ring, renderer), t.get_text()
    # a layer's neurons are all ringed in that frame
    assert len(d.ring.get_offsets()) == sizes[1]


def test_values_fit_inside_their_circles():
    from neurosim.views.drawing import NetworkDrawing, new_figure

    net = ns.Network([3, 4, 2], seed=0)
    fig = new_figure()
    d = NetworkDrawing(net, fig.add_subplot())
    awkward = [-0.000179123, 0.0139339, -123456.7, 3.5724e-05, -0.146677, 0.5, 1e-12, -99.95, 7.0]
    d.set_neurons(awkward)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    r = d.radius * fig.dpi / 72
    assert d.values_inside and d.value_texts
    for t, centre in zip(d.value_texts, d.ax.transData.transform(d.xy)):
        x0, y0, x1, y1 = t.get_window_extent(renderer).extents
        corners = np.array([[x0, y0], [x0, y1], [x1, y0], [x1, y1]])
        assert np.all(np.hypot(*(corners - centre).T) <= r), t.get_text()
    # every label reads back as its value rounded to the label's own significant digits, keeps at least two of
    # them (one only where that is exact), and is written plainly or as mantissa e exponent, nothing else
    labels = [t.get_text() for t in d.value_texts]
    assert len(labels) == len(awkward) == 9
    for text, value in zip(labels, awkward):
        assert re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", text), text
        mantissa = text.split("e")[0].lstrip("-")
        digits = len(mantissa.replace(".", "").lstrip("0"))
        shown = float(text)
        unit = 10.0 ** (math.floor(math.log10(abs(shown))) - digits + 1)   # one unit in the last digit shown
        assert abs(shown - value) <= 0.5 * unit * (1 + 1e-9), (text, value)
        assert (shown < 0) == (value < 0), (text, value)
        assert digits >= 2 or shown == value, (text, value)


def test_captions_are_typeset_and_stay_inside_the_frame():
    net = ns.Network([2, 5, 2], seed=4)   # five messages reach each output... and a long z sum
    x, y = [0.3, -0.8], [1.0, 0.0]
    for granularity in ("connection", "neuron", "layer"):
        anim = ns.animate(net, x, y, granularity=granularity, dpi=60)
        player = anim._player
        renderer = player.d.fig.canvas.get_renderer()
        width = player.d.fig.bbox.width
        for k in range(0, len(anim.frames), 4 if granularity == "connection" else 2):
            player.show(k)
            formula = player.formula.get_text()
            assert formula.startswith("$") and formula.endswith("$") and formula.count("$") == 2
            for line in player.numbers.get_text().split("\n"):
                # the symbols typeset (between $…$), the numbers plain: no δ_2^(2) spelled out in text
                assert line.count("$") % 2 == 0
                outside = line.split("$")[::2]
                assert not any("_" in part or "^" in part for part in outside), line
            for text in (player.formula, player.numbers):
                x0, _, x1, _ = text.get_window_extent(renderer).extents
                assert 0 <= x0 and x1 <= width, (granularity, k, text.get_text())


def test_bias_captions_say_the_value_once():
    ex = ns.example()
    anim = ns.animate(ex.net, ex.x, ex.y, phases="gradient", dpi=DPI)
    k = next(n for n, s in enumerate(anim.steps) if s.kind == "b")
    anim.frame(k)
    numbers = anim._player.numbers.get_text()
    value = f"{anim.steps[k].value:.6g}"
    assert numbers.count(value) == 1


def test_the_target_label_is_readable():
    ex = ns.example()
    anim = ns.animate(ex.net, ex.x, ex.y, phases="backward", dpi=100)
    anim.frame(0)
    target = [t for t in anim._player.arrow_texts if t.get_visible()]
    assert len(target) == 1 and target[0].get_fontsize() >= 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        box = target[0].get_window_extent(anim._fig.canvas.get_renderer())
    axes_box = anim._player.d.ax.get_window_extent()
    assert box.x1 <= anim._fig.bbox.width and box.x0 >= axes_box.x0


def test_pruning_demo_draws_its_network_labels_at_8_points_or_more():
    import importlib.util
    from pathlib import Path

    from matplotlib.figure import Figure

    demos = Path(__file__).resolve().parent.parent / "demos"
    sys.path.insert(0, str(demos))
    try:
        spec = importlib.util.spec_from_file_location("pruning_demo", demos / "pruning.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(demos))
    fig = Figure(figsize=module.FIGURE["figsize"], dpi=50)
    axes = fig.subplots(2, 3, gridspec_kw=module.FIGURE["gridspec_kw"])
    net = ns.Network([2, 6, 1], activation="tanh", output="sigmoid", seed=1)
    net.prune(1, 2, 1)
    ns.draw(net, show="weight", ax=axes[0, 0])
    texts = [t for t in axes[0, 0].texts if t.get_text()]
    labels = [t for t in texts if t.get_text().startswith("$")]
    assert len(labels) == 2 + 6 + 1                      # every neuron's symbol is drawn ...
    assert min(t.get_fontsize() for t in texts) >= 8     # ... and every label is at least 8 pt


def test_cli_warns_before_a_long_render_and_names_the_granularity(tmp_path, monkeypatch, capsys):
    from neurosim.cli import main

    written = {}

    def fake_save(anim, path, fps=None):
        written["frames"] = len(anim.frames)
        path.write_bytes(b"")
        return path

    monkeypatch.setattr(sys.modules["neurosim.views.animation"], "save", fake_save)
    out = tmp_path / "big.gif"
    assert main(["animate", "--sizes", "10,28,1", "--granularity", "connection", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert written["frames"] == 4 * 29 + 308
    assert "424 frames" in captured.out and "one per connection" in captured.out
    assert "warning: 424 frames" in captured.err and "granularity" in captured.err
    assert main(["animate", "--sizes", "10,28,1", "--out", str(out)]) == 0   # auto: per neuron, 3·29, no warning
    captured = capsys.readouterr()
    assert written["frames"] == 87 and "one per neuron" in captured.out and "warning" not in captured.err
