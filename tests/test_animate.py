"""ns.animate: one frame per Step, frames that change, δ colours by sign, messages δ_j·W_ji, GIF and HTML writers."""

import re
import sys

import numpy as np
import pytest
from PIL import Image

import neurosim as ns
from neurosim.views.animation import check_phases, player_html, save
from neurosim.views.drawing import layout
from tests.reference import reference_backprop

DPI = 30   # 240×180 frames: the library allows it, and the tests stay fast


def net_232():
    """2-3-2 sigmoid, half_sse, hand-set weights; output δ_1 > 0 > δ_2 for (X_IN, Y_OUT)."""
    net = ns.Network([2, 3, 2], seed=0)
    net.set_weights(1, [[0.5, -0.4], [0.3, 0.8], [-0.7, 0.2]])
    net.set_weights(2, [[0.6, -0.5, 0.9], [-0.3, 0.4, 0.1]])
    net.set_biases(1, [0.1, -0.2, 0.05])
    net.set_biases(2, [0.0, 0.3])
    return net


X_IN, Y_OUT = np.array([0.9, -0.6]), np.array([0.0, 1.0])


def reference(net):
    Ws = [net.weights(1), net.weights(2)]
    bs = [net.biases(1), net.biases(2)]
    return reference_backprop(Ws, bs, ["sigmoid", "sigmoid"], "half_sse", X_IN, Y_OUT)


@pytest.fixture(scope="module")
def anim():
    return ns.animate(net_232(), X_IN, Y_OUT, dpi=DPI)


def test_one_frame_per_step_in_computation_order(anim):
    # Counted by hand for 2-3-2: forward z and a of 5 neurons, δ of 5, gradients of 12 weights and 5 biases.
    assert len(anim.steps) == 10 + 5 + 17
    assert [s.phase for s in anim.steps] == ["forward"] * 10 + ["backward"] * 5 + ["gradient"] * 17
    assert len(list(anim.new_saved_frame_seq())) == len(anim.steps)
    back = ns.animate(net_232(), X_IN, Y_OUT, phases="backward", dpi=DPI)
    assert [s.symbol for s in back.steps] == ["δ_1^(3)", "δ_2^(3)", "δ_1^(2)", "δ_2^(2)", "δ_3^(2)"]
    two = ns.animate(net_232(), X_IN, Y_OUT, phases=["gradient", "backward"], dpi=DPI)
    assert len(two.steps) == 22 and two.steps[0].phase == "backward"


def test_a_repl_shows_what_the_animation_is(anim):
    shown = repr(anim)
    assert f"{len(anim.frames)} frames" in shown and f"one per {anim.granularity}" in shown
    assert "object at 0x" not in shown and "save(" in shown
    # the numbers it prints, counted independently: 10 + 5 + 17 steps of 2-3-2 (as above), 8×6 inches at DPI
    assert f"{10 + 5 + 17} frames (forward, backward, gradient;" in shown
    assert f"{8 * DPI}×{6 * DPI} pixels" in shown


def test_consecutive_frames_differ(anim):
    frames = [anim.frame(k) for k in range(len(anim.steps))]
    assert frames[0].shape == (DPI * 6, DPI * 8, 3)
    for k in range(1, len(frames)):
        assert np.any(frames[k] != frames[k - 1]), f"frames {k - 1} and {k} are identical"


def test_frames_do_not_depend_on_the_order_they_are_drawn_in(anim):
    late = anim.frame(20)
    anim.frame(3)
    assert np.array_equal(anim.frame(20), late)


def _pixel(anim, img, key):
    ax = anim._player.d.ax
    px, py = ax.transData.transform(layout(anim._player.d.net)[key])
    return img[img.shape[0] - int(round(py)), int(round(px))].astype(int)


def test_positive_and_negative_delta_are_drawn_in_different_colours():
    net = net_232()
    _, _, delta, _, _ = reference(net)
    assert delta[3][0] > 0 > delta[3][1]
    anim = ns.animate(net, X_IN, Y_OUT, phases="backward", dpi=60, labels=False)
    img = anim.frame(len(anim.steps) - 1)
    warm, cold = _pixel(anim, img, (3, 1)), _pixel(anim, img, (3, 2))
    assert warm[0] > warm[2] + 40   # RdBu_r: red for δ > 0
    assert cold[2] > cold[0] + 40   # blue for δ < 0


def test_backward_frame_carries_the_messages_delta_j_times_w_ji(anim):
    net = net_232()
    _, _, delta, _, _ = reference(net)
    W2 = net.weights(2)
    k = next(n for n, s in enumerate(anim.steps) if s.symbol == "δ_3^(2)")
    anim.frame(k)
    player = anim._player
    shown = [t.get_text() for t in player.arrow_texts if t.get_visible()]
    # messages from output neurons 1 and 2, three significant digits
    expected = [f"{delta[3][j] * W2[j, 2]:.3g}" for j in range(2)]   # messages from output neurons 1 and 2
    assert shown == expected
    arrows = [a for a in player.arrows if a.get_visible()]
    assert len(arrows) == 2
    # each arrow runs from the sending output neuron back to neuron (2, 3)
    pos = layout(net)
    assert all(a.xy == pos[(2, 3)] for a in arrows)
    assert {tuple(a.xyann) for a in arrows} == {pos[(3, 1)], pos[(3, 2)]}
    # the caption is the Step's numbers (the symbol typeset, the numbers as text with proper minus signs)
    caption = player.numbers.get_text().replace("\n", "").replace(" ", "").replace("−", "-")
    assert anim.steps[k].numbers.replace(" ", "").replace("−", "-") in caption
    assert caption.startswith(r"$\delta_{3}^{(2)}$=")


def test_gradient_frames_recolour_connections_by_the_gradient(anim):
    net = net_232()
    _, _, _, _, grads = reference(net)
    anim.frame(len(anim.steps) - 1)
    d = anim._player.d
    colours = d.edges.get_colors()
    expected = np.concatenate([grads[0][0].ravel(), grads[1][0].ravel()])
    assert len(colours) == expected.size
    for g, c in zip(expected, colours):
        if abs(g) > 1e-3:
            assert (c[0] > c[2]) == (g > 0)
    # before the gradient phase, connections are coloured by the sign of W instead
    anim.frame(0)
    weights = np.concatenate([net.weights(1).ravel(), net.weights(2).ravel()])
    for w, c in zip(weights, d.edges.get_colors()):
        assert (c[0] > c[2]) == (w > 0)


def test_gif_reopens_with_every_frame(tmp_path):
    anim = ns.animate(net_232(), X_IN, Y_OUT, phases=("backward",), dpi=DPI)
    path = save(anim, tmp_path / "back.gif")
    with Image.open(path) as im:
        assert im.n_frames == len(anim.steps) == 5
        assert im.size == (DPI * 8, DPI * 6)


def test_html_is_the_explorer_page_in_play_mode(tmp_path):
    anim = ns.animate(net_232(), X_IN, Y_OUT, phases="backward", dpi=DPI)
    text = save(anim, tmp_path / "back.html").read_text(encoding="utf-8")
    assert "data:image/png" not in text and "data-neurosim-explorer" in text
    assert '"mode":"play"' in text and '"phases":["backward"]' in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    for step in anim.steps:
        assert step.numbers in text
    assert anim.explorer.steps == len(anim.steps)
    assert "data-neurosim-explorer" in player_html(anim) and "data-neurosim-explorer" in anim._repr_html_()


def test_matplotlib_save_of_html_writes_the_page(tmp_path):
    # FuncAnimation.save("x.html") used to fail with "unknown file extension: .html"
    anim = ns.animate(net_232(), X_IN, Y_OUT)
    anim.save(str(tmp_path / "x.html"))
    assert "data-neurosim-explorer" in (tmp_path / "x.html").read_text(encoding="utf-8")


def test_mp4_without_ffmpeg_suggests_gif(tmp_path, monkeypatch):
    # the writers module is reached through sys.modules to patch its shutil
    module = sys.modules["neurosim.views.writers"]
    monkeypatch.setattr(module.shutil, "which", lambda name: None)
    anim = ns.animate(net_232(), X_IN, Y_OUT, phases="backward", dpi=DPI)
    with pytest.raises(RuntimeError, match=r"ffmpeg.*\.gif"):
        save(anim, tmp_path / "a.mp4")
    with pytest.raises(ValueError, match="path"):
        save(anim, tmp_path / "a.avi")


def test_bad_arguments_name_the_parameter():
    net = net_232()
    with pytest.raises(ValueError, match="phases"):
        ns.animate(net, X_IN, Y_OUT, phases=("forwards",))
    with pytest.raises(ValueError, match="phases"):
        check_phases([])
    with pytest.raises(ValueError, match="fps"):
        ns.animate(net, X_IN, Y_OUT, fps=0)
    with pytest.raises(ValueError, match="figsize"):
        ns.animate(net, X_IN, Y_OUT, figsize=(8,))
    with pytest.raises(ValueError, match="x"):
        ns.animate(net, [1.0, 2.0, 3.0], Y_OUT)
    anim = ns.animate(net, X_IN, Y_OUT, phases="forward", dpi=DPI)
    with pytest.raises(ValueError, match="k"):
        anim.frame(len(anim.steps))


def test_cross_entropy_network_animates_with_its_class_label():
    ex = ns.example("some-notes")
    anim = ns.animate(ex.net, ex.x, ex.y, phases="backward", dpi=DPI)
    assert len(anim.steps) == 4 + 3
    assert np.any(anim.frame(0) != anim.frame(1))


# --- neurosim animate ------------------------------------------------------------------------------------

def run_cli(*argv):
    from neurosim.cli import main
    try:
        return main(["animate", *argv])
    except SystemExit as exc:   # argparse rejected an option
        return exc.code


def test_cli_writes_a_gif_of_at_least_640x480(tmp_path, capsys):
    out = tmp_path / "back.gif"
    assert run_cli("--phases", "backward", "--out", str(out)) == 0
    # the default example is the 3-4-2 network: 6 neurons with a δ
    with Image.open(out) as im:
        assert im.n_frames == 6
        assert im.size[0] >= 640 and im.size[1] >= 480
    assert str(out.resolve()) in capsys.readouterr().out


def test_cli_html_with_network_options(tmp_path):
    out = tmp_path / "net.html"
    rc = run_cli("--sizes", "2,2,1", "--input", "0.5,-1", "--target", "1", "--phases", "backward,gradient",
                 "--out", str(out))
    assert rc == 0
    # 3 δ; 6 weight gradients and 3 bias gradients
    text = out.read_text(encoding="utf-8")
    assert '"phases":["backward","gradient"]' in text and "data:image/png" not in text
    assert sum(1 for m in re.finditer(r'\[(1|2),"(delta|W|b)"', text)) == 3 + 9


def test_cli_html_page_gets_no_pixel_size_warning(tmp_path, capsys):
    # the page draws vectors: 44 steps at --dpi 200 are about 100 kB, not the 21 MB a GIF of them would be
    out = tmp_path / "big.html"
    assert run_cli("--dpi", "200", "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert "warning" not in captured.err and "MB" not in captured.err
    assert "a vector page" in captured.out and "1600×1200" not in captured.out
    assert out.stat().st_size < 1e6


def test_cli_without_options_animates_the_default_example(tmp_path, monkeypatch, capsys):
    from neurosim.cli.animate import DEFAULT_OUT

    # Writing is tested above; here only what is animated and where it goes (encoding 44 frames is slow).
    written = {}

    def fake_save(anim, path, fps=None):
        written.update(anim=anim, path=path, fps=fps)
        path.write_bytes(b"")
        return path

    monkeypatch.setattr(sys.modules["neurosim.views.animation"], "save", fake_save)
    monkeypatch.chdir(tmp_path)
    assert run_cli() == 0
    ex = ns.example()
    steps = ns.trace(ex.net, ex.x, ex.y)
    assert [s.numbers for s in written["anim"].steps] == [s.numbers for s in steps]
    assert written["path"].name == DEFAULT_OUT and written["path"].suffix == ".gif"
    assert written["anim"].frame(0).shape[:2] == (600, 800)
    assert str((tmp_path / DEFAULT_OUT).resolve()) in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--out", "a.avi"], "--out"),
    (["--out", "a"], "--out"),
    (["--phases", "forward,sideways", "--out", "a.gif"], "--phases"),
    (["--fps", "0", "--out", "a.gif"], "argument --fps: expected a positive finite number, got '0'"),
    (["--fps", "inf", "--out", "a.gif"], "argument --fps: expected a positive finite number, got 'inf'"),
    (["--dpi", "-5", "--out", "a.gif"], "argument --dpi: expected a positive finite number"),
    (["--dpi", "50", "--out", "a.gif"], "640"),
    (["--out", "no/such/folder/a.gif"], "folder"),
    (["--input", "1,2", "--out", "a.gif"], "--input: expected 3 numbers (one per input neuron), got 2: 1,2"),
    (["--target", "1", "--out", "a.gif"], "--target: expected 2 numbers (one per output neuron), got 1"),
])
def test_cli_bad_arguments_exit_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run_cli(*argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_cli_mp4_without_ffmpeg_exits_2_and_suggests_gif(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys.modules["neurosim.views.writers"].shutil, "which", lambda name: None)
    assert run_cli("--out", str(tmp_path / "a.mp4")) == 2
    err = capsys.readouterr().err
    assert "ffmpeg" in err and ".gif" in err


def test_cli_argparse_errors_exit_2(capsys):
    assert run_cli("--fps", "fast") == 2    # run_cli turns argparse's SystemExit into its code
    assert "argument --fps: expected a positive finite number, got 'fast'" in capsys.readouterr().err


def test_long_sums_are_captioned_with_sigma_and_their_value():
    net = ns.Network([14, 1], activation="identity", seed=0)
    x = np.linspace(-1, 1, 14)
    anim = ns.animate(net, x, [0.0], phases="forward", dpi=DPI)
    anim.frame(0)
    player = anim._player
    z = float(net.weights(1)[0] @ x + net.biases(1)[0])
    products = float(net.weights(1)[0] @ x)
    assert r"\sum_{j}" in player.formula.get_text()
    numbers = player.numbers.get_text().replace("−", "-")
    assert numbers.startswith("$") and numbers.count("\n") == 0
    assert f" = {products:.6g} + " in numbers and f"= {z:.6g}" in numbers and "14" in numbers
