"""`neurosim demo`: every z, a and δ it prints equals the independent numpy witness."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np

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
