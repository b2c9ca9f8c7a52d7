"""`neurosim demo`: every z, a and δ it prints equals the independent numpy witness."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from tests.reference import reference_backprop

SYMBOL_VALUE = re.compile(r"(z|a|δ)_(\d)\^\((\d)\) = +(-?\d+\.\d+)\b")


def test_demo_prints_every_number_right(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # whatever files the demo writes stay out of the repository
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    ex = ns.example("gradients")
    Ws = [ex.net.weights(l) for l in (1, 2)]
    bs = [ex.net.biases(l) for l in (1, 2)]
    z, a, delta, _, _ = reference_backprop(Ws, bs, ["sigmoid", "sigmoid"], "half_sse", ex.x, ex.y)
    expected = {"z": z, "a": a, "δ": delta}
    seen = set()
    for kind, i, l, value in SYMBOL_VALUE.findall(out):
        want = expected[kind][int(l)][int(i) - 1]
        assert abs(float(value) - want) <= 5e-7 * max(1.0, abs(want)), (kind, i, l, value, want)
        seen.add((kind, int(i), int(l)))
    assert {(k, i, l) for k in "zaδ" for l, s in ((2, 4), (3, 2)) for i in range(1, s + 1)} <= seen
    gif = tmp_path / "neurosim-demo.gif"
    assert f"written to {gif}" in out and gif.read_bytes()[:6] == b"GIF89a"
    assert "all 98 quantities agree" in out


def test_demo_refuses_an_unknown_animation_format(capsys, tmp_path):
    assert main(["demo", "--out", str(tmp_path / "demo.avi")]) == 2
    assert "expected a file name ending in" in capsys.readouterr().err


def test_python_dash_m_and_help():
    run = subprocess.run([sys.executable, "-m", "neurosim", "--help"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "demo" in run.stdout
    bad = subprocess.run([sys.executable, "-m", "neurosim", "demo", "--example", "nope"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_every_example_builds_and_matches_its_description():
    for name in ns.examples.NAMES:
        ex = ns.example(name)
        assert ex.X.shape == (4, ex.net.sizes[0])
        # two-decimal weights, one-decimal biases: numbers a student can check by hand
        for l in range(1, ex.net.n_layers):
            W, b = ex.net.weights(l), ex.net.biases(l)
            np.testing.assert_array_equal(W, np.round(W, 2))
            np.testing.assert_array_equal(b, np.round(b, 1))
        assert np.isfinite(ex.net.cost(ex.X, ex.Y))


def test_a_missing_file_is_a_message_not_a_traceback(capsys, tmp_path):
    missing = tmp_path / "nowhere.json"
    for command in ("step", "bridge", "check"):
        assert main([command, "--load", str(missing)]) == 2
        err = capsys.readouterr().err
        assert "nowhere.json" in err and "Traceback" not in err


def test_network_options_are_never_silently_ignored(capsys, tmp_path):
    """--activation and friends describe a new network: with an example or --load they are an error."""
    assert main(["check", "--activation", "tanh"]) == 2
    assert "--activation: applies to a network built with --sizes" in capsys.readouterr().err
    assert main(["step", "--all", "--example", "tong-wu", "--loss", "sse", "--weight-decay", "0.1"]) == 2
    assert "--loss, --weight-decay: applies" in capsys.readouterr().err
    path = tmp_path / "net.json"
    main(["train", "--dataset", "xor", "--m", "8", "--epochs", "1", "--quiet", "--save", str(path)])
    capsys.readouterr()
    assert main(["check", "--load", str(path), "--sizes", "2,2,1"]) == 2
    assert "--sizes: not with --load" in capsys.readouterr().err
    assert main(["check", "--sizes", "2,3,2", "--activation", "tanh", "--loss", "sse"]) == 0
    assert "2-3-2 network" in capsys.readouterr().out


def test_cross_entropy_needs_two_outputs(capsys):
    with pytest.raises(ValueError, match="at least 2 output neurons.*binary_cross_entropy"):
        ns.Network([2, 3, 1], loss="cross_entropy")
    assert main(["step", "--all", "--sizes", "2,3,1", "--loss", "cross_entropy"]) == 2
    assert "binary_cross_entropy" in capsys.readouterr().err


def test_demo_opens_with_a_short_summary_and_full_adds_the_rest(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)   # the demo writes its page here
    assert main(["demo", "--no-animation"]) == 0
    short = capsys.readouterr().out
    lines = short.splitlines()
    opening = "\n".join(lines[:12])
    for where in ("neurosim step", "neurosim bridge", "neurosim check", "--full"):
        assert where in short
    assert "What follows" in opening and len(lines) < 60 and "=== Step by step" not in short
    assert main(["demo", "--no-animation", "--full"]) == 0
    full = capsys.readouterr().out
    assert "=== Step by step: all 44 numbers" in full and "=== The bridge" in full and len(full.splitlines()) > 200
    # On a terminal --full goes through the pager, with the same text.
    paged = []
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr("pydoc.pager", paged.append)
    assert main(["demo", "--no-animation", "--full"]) == 0
    assert len(paged) == 1 and paged[0] == full


def test_an_unknown_option_is_reported_by_its_command(capsys):
    from neurosim.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["demo", "--bogus"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "neurosim demo: error: unrecognized arguments: --bogus" in err and "neurosim demo --help" in err
