"""Every demo runs headless, checks all its claims (a failing claim exits non-zero) and writes its figures.

The demos run in this process (runpy, their own ``main(argv)``), which saves a Python start and the
numpy/matplotlib imports per demo; one test runs a demo as the script a user types.
"""

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from .optional import require

DEMOS = Path(__file__).resolve().parent.parent / "demos"

# demo -> (figures it writes, words its docstring must contain: the source note's title and author)
EXPECTED = {
    "tong_wu_two_layer": (["tong_wu_why.png"],
                          ["Backpropagation Derivation for a Two-Layer Neural Network", "Tong Wu"]),
    "gradients_3_4_2": (["gradients_3_4_2.png"], ['"Backpropagation of Gradients"']),
    "alsup_batched_relu": (["alsup_RSDV.png"], ["Two-Layer Neural Network Gradient Derivation", "Terrence Alsup"]),
    "some_notes_backprop": (["some_notes.png"], ["Some Notes on Backpropagation", "Introductory Machine Learning"]),
    "van_vaerenbergh_weight_decay": (["van_vaerenbergh.png"],
                                     ["Derivation of the Backpropagation Algorithm", "Steven Van Vaerenbergh"]),
    "xor": (["xor.png"], ["Derivation of the Backpropagation Algorithm", "Van Vaerenbergh"]),
    "moons_boundary": (["moons.png"], ["Derivation of the Backpropagation Algorithm", "Van Vaerenbergh"]),
    "pruning": (["pruning.png"], ["Derivation of the Backpropagation Algorithm", "Van Vaerenbergh"]),
    "to_pytorch": (["to_pytorch.png"], ["Derivation of the Backpropagation Algorithm", "Van Vaerenbergh"]),
    "optimizers": (["optimizers.png"], ["Derivation of the Backpropagation Algorithm", "Van Vaerenbergh"]),
}
NEEDS = {"to_pytorch": "torch"}   # demo -> optional package: skipped locally without it, a failure under CI
PNG = b"\x89PNG\r\n\x1a\n"


def run_demo(name: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, str(DEMOS / f"{name}.py"), *args], capture_output=True, text=True,
                          env=env, cwd=DEMOS.parent, timeout=300)


def test_every_demo_script_is_listed():
    scripts = {p.stem for p in DEMOS.glob("*.py") if not p.stem.startswith("_")}
    assert scripts == set(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_demo_runs_checks_its_claims_and_writes_its_figures(name, tmp_path, monkeypatch, capsys):
    figures, _ = EXPECTED[name]
    if name in NEEDS:
        require(NEEDS[name], f'pip install "neurosim[{NEEDS[name]}]"')
    matplotlib.use("Agg")
    monkeypatch.syspath_prepend(str(DEMOS))
    main = runpy.run_path(str(DEMOS / f"{name}.py"))["main"]
    main(["--out", str(tmp_path)])               # a failing claim raises DemoFailed and fails this test
    out = capsys.readouterr().out
    summary = re.search(rf"{name}: all (\d+) claims hold", out)
    assert summary and int(summary.group(1)) == out.count("✓ ") >= 5
    for figure in figures:
        path = tmp_path / figure
        assert path.exists(), f"{name} did not write {figure}"
        assert path.read_bytes()[:8] == PNG and path.stat().st_size > 10_000
        assert str(path) in out


@pytest.mark.parametrize("name", EXPECTED)
def test_demo_docstring_names_its_source_note_and_how_to_run(name):
    text = (DEMOS / f"{name}.py").read_text(encoding="utf-8")
    doc = text.split('"""')[1]
    _, words = EXPECTED[name]
    for word in words:
        assert word in doc, f"{name}: the docstring does not name {word!r}"
    assert f"python demos/{name}.py [--out DIR]" in doc
    for figure in EXPECTED[name][0]:
        assert figure in doc


def test_script_without_out_makes_and_names_a_temporary_folder():
    result = run_demo("tong_wu_two_layer")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "all" in result.stdout
    folder = Path(re.search(r"figures go to (\S+)", result.stdout).group(1))
    try:
        assert folder.is_dir() and (folder / "tong_wu_why.png").exists()
        assert "neurosim-tong_wu_two_layer-" in folder.name
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_failing_claim_stops_the_demo(tmp_path, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(DEMOS))
    import _demo

    demo = _demo.Demo("A test demo.\n", "probe", ["--out", str(tmp_path)])
    demo.claim(True, "a true claim")
    demo.close_enough([1.0, 2.0], [1.0, 2.0 + 1e-13], "close numbers")
    with pytest.raises(_demo.DemoFailed, match="claim failed: a false claim"):
        demo.claim(False, "a false claim")
    with pytest.raises(AssertionError, match="far numbers"):
        demo.close_enough([1.0], [1.1], "far numbers")
    with pytest.raises(AssertionError, match="shapes"):
        demo.close_enough([1.0, 2.0], [1.0, 2.0, 3.0], "shapes")
    assert demo.claims == 2
    assert "✓ a true claim" in capsys.readouterr().out


def test_bad_option_exits_2(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(DEMOS))
    import _demo

    with pytest.raises(SystemExit) as exc:
        _demo.Demo("A test demo.\n", "xor", ["--outt", "x"])
    assert exc.value.code == 2 and "usage: python demos/xor.py" in capsys.readouterr().err
