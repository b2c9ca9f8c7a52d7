"""The explorer outside the browser: the page's pieces, its escaping, its files, and the wheel carrying them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from neurosim.explain.trace import fmt
from neurosim.views.explorer import network_svg
from neurosim.views.explorer.page import SCRIPTS, STYLE, asset

ROOT = Path(__file__).resolve().parents[1]


def _data(html: str) -> dict:
    text = re.search(r'<script type="application/json" class="nsx-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(text)


def test_page_is_one_self_contained_file(tmp_path):
    ex = ns.example("gradients")
    path = ns.explore(ex.net, ex.x, ex.y).save(tmp_path / "net.html")
    text = path.read_text(encoding="utf-8")
    for name in (*SCRIPTS, STYLE):
        assert asset(name)[:200] in text
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', text)
    assert "@import" not in text and "url(http" not in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    data = _data(text)
    steps = ns.trace(ex.net, ex.x, ex.y)
    assert [row[6] for row in data["steps"]] == [s.formula for s in steps]
    assert [row[7] for row in data["steps"]] == [s.numbers for s in steps]


def test_non_finite_numbers_travel_as_tagged_strings(tmp_path):
    net = ns.Network([2, 2, 1], activation="identity", seed=0)
    net.set_weights(1, [[1e308, 1e308], [0.5, 0.5]])   # finite weights whose sum overflows: z_1^(2) = inf
    html = ns.explore(net, [10.0, 10.0], [0.5]).html()
    text = re.search(r'class="nsx-data">(.*?)</script>', html, re.S).group(1)

    def refuse(name):
        raise AssertionError(f"bare {name} in the page's JSON")

    data = json.loads(text, parse_constant=refuse)
    assert data["z"][0][0] == {"$f": "Infinity"}


def test_script_end_tags_in_user_strings_cannot_break_out():
    ex = ns.example("gradients")
    html = ns.explore(ex.net, ex.x, ex.y, title="</script><script>alert(1)</script>").html()
    assert html.count("</script>") == 2   # the data's and the code's own
    assert "&lt;/script&gt;" in html


def test_fragment_ids_are_unique_per_render():
    ex = ns.example("gradients")
    e = ns.explore(ex.net, ex.x, ex.y)
    html = e._repr_html_()
    uid = re.search(r'id="(nsx[0-9a-f]+)"', html).group(1)
    assert uid not in e._repr_html_()
    assert set(re.findall(r'\bid="([^"]+)"', html)) == {uid, f"{uid}-arrow"}   # every id carries the prefix


def test_explore_checks_its_arguments(tmp_path):
    ex = ns.example("gradients")
    with pytest.raises(TypeError, match="net"):
        ns.explore("net", ex.x, ex.y)
    with pytest.raises(ValueError, match="x"):
        ns.explore(ex.net, [1.0], ex.y)
    with pytest.raises(ValueError, match="notation"):
        ns.explore(ex.net, ex.x, ex.y, notation="xx")
    with pytest.raises(ValueError, match="path"):
        ns.explore(ex.net, ex.x, ex.y).save(tmp_path / "net.txt")


def test_network_svg_from_plain_numbers():
    svg = network_svg([2, 3, 1], edges=[(1, 1, 1), (1, 2, 2), (2, 1, 3)], edge_values=[0.5, -1.0, float("nan")],
                      node_values=[[1.0, None], [0.1, 0.2, float("inf")], [-0.3]], uid="u1")
    assert svg.count("data-node=") == 6 and svg.count("data-edge=") == 3
    assert 'id="u1-arrow"' in svg and ">inf<" in svg
    assert 'data-edge="2,1,3"' in svg and 'stroke-dasharray="4 3"' in svg   # NaN weight: dashed, no colour
    with pytest.raises(ValueError, match="edge_values"):
        network_svg([2, 1], edges=[(1, 1, 1)], edge_values=[1.0, 2.0])


def test_cli_explore_writes_the_page(tmp_path, capsys):
    out = tmp_path / "p.html"
    assert main(["explore", "--sizes", "2,3,2", "--loss", "cross_entropy", "--out", str(out)]) == 0
    assert str(out.resolve()) in capsys.readouterr().out
    assert "data-neurosim-explorer" in out.read_text(encoding="utf-8")
    assert main(["explore", "--out", str(tmp_path / "p.png")]) == 2
    assert "--out" in capsys.readouterr().err


def test_demo_writes_the_page_and_says_where(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--no-animation"]) == 0
    page = tmp_path / "neurosim-demo.html"
    assert f"written to {page}" in capsys.readouterr().out
    ex = ns.example("gradients")
    assert fmt(ns.trace(ex.net, ex.x, ex.y)[-1].value) in page.read_text(encoding="utf-8")


def test_wheel_carries_the_scripts_and_writes_a_page(tmp_path):
    """Build the wheel, install it (without dependencies) into a fresh venv, and write a page from there."""
    # built from a copy, so that setuptools' build/ and egg-info never land in the working tree
    src = tmp_path / "src"
    shutil.copytree(ROOT / "neurosim", src / "neurosim", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "-q", "-w", str(tmp_path / "dist"),
             str(src)]
    try:
        import setuptools  # noqa: F401
        build.insert(4, "--no-build-isolation")
    except ImportError:
        pass
    subprocess.run(build, check=True, cwd=tmp_path, capture_output=True)
    wheel = next((tmp_path / "dist").glob("neurosim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in (*SCRIPTS, STYLE):
        assert f"neurosim/views/explorer/{name}" in names
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", site,
                    str(wheel)], check=True, capture_output=True)
    # the dependencies (numpy, networkx, matplotlib) come from this environment
    deps = {str(Path(m.__file__).resolve().parents[1]) for m in (np, __import__("networkx"), __import__("matplotlib"))}
    (Path(site) / "deps.pth").write_text("\n".join(deps) + "\n")
    code = ("import neurosim, sys; ex = neurosim.example('gradients'); "
            "p = neurosim.explore(ex.net, ex.x, ex.y).save('w.html'); print(neurosim.__file__)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(site)
    assert "function traceSteps" in (tmp_path / "w.html").read_text(encoding="utf-8")


def test_cli_explore_trains_and_adds_a_timeline(tmp_path, capsys):
    out = tmp_path / "t.html"
    assert main(["explore", "--sizes", "2,4,1", "--loss", "binary_cross_entropy", "--train", "moons", "--epochs", "30",
                 "--record-every", "10", "--m", "40", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "trained 30 epochs" in printed and "the timeline holds 4 of 4 records" in printed
    assert _data(out.read_text(encoding="utf-8"))["timeline"]["epochs"] == [0, 10, 20, 30]
    assert main(["explore", "--train", "moons", "--out", str(out)]) == 2   # 3 inputs, moons has 2
    assert "--train" in capsys.readouterr().err
    assert main(["explore", "--lr", "0.1", "--out", str(out)]) == 2
    assert "only with --train" in capsys.readouterr().err


@pytest.mark.parametrize("notation", ["vv", "bracket", "alsup"])
def test_neuron_symbols_in_the_drawing_are_typeset_in_every_notation(notation):
    ex = ns.example("gradients")
    page = ns.explore(ex.net, ex.x, ex.y, notation=notation).html()
    labels = re.findall(r'<text class="nsx-sym"[^>]*>(.*?)</text>', page)
    assert len(labels) == sum(ex.net.sizes)
    for label in labels:   # alsup's inputs are x^(j): the caret was written out
        assert "^" not in label and "_" not in label, label
        assert "<tspan" in label
