"""`neurosim bench`: the floors compute the right numbers, and --quick writes a complete report.

No timed assertions: how fast things are is the bench's output, not a test's verdict."""

from __future__ import annotations

import json
import sys
import types

import numpy as np
import pytest

import neurosim as ns
from neurosim import bench
from neurosim.cli import main
from neurosim.core.activations import get_activation

ENGINE_FIELDS = {"best_us", "median_us"}
RATIOS = {"scalar_vs_floor", "twin_vs_numpy", "scalar_vs_twin_1", "scalar_vs_twin_batched"}


def numpy_backprop(Ws, bs, X, T):
    """Sigmoid network, J = (1/m) Σ_k ½‖a^(n_l) − t‖², written out here, rows = examples:
    Z = A W^T + b, A = σ(Z); Δ_out = (A − T) σ(Z)(1 − σ(Z)); Δ = (Δ_next W_next) σ′(Z); dW = Δ^T A_prev / m."""
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731 — inputs here are small, no overflow
    A, Zs = [X], []
    for W, b in zip(Ws, bs):
        Zs.append(A[-1] @ W.T + b)
        A.append(sig(Zs[-1]))
    m = X.shape[0]
    J = 0.5 * np.sum((A[-1] - T) ** 2) / m
    delta = (A[-1] - T) * A[-1] * (1 - A[-1])
    grads = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        grads[l] = (delta.T @ A[l] / m, delta.sum(axis=0) / m)
        if l:
            delta = (delta @ Ws[l]) * A[l] * (1 - A[l])
    return J, grads


@pytest.fixture
def problem():
    rng = np.random.default_rng(7)
    sizes = [3, 5, 4, 2]
    Ws = [rng.normal(size=(b, a)) for a, b in zip(sizes, sizes[1:])]
    bs = [rng.normal(size=b) for b in sizes[1:]]
    X, T = rng.normal(size=(6, 3)), rng.random((6, 2))
    return sizes, Ws, bs, X, T


def test_python_floor_computes_the_gradients(problem):
    sizes, Ws, bs, X, T = problem
    J, grads = numpy_backprop(Ws, bs, X, T)
    floor = bench.PythonFloor(list(zip(Ws, bs)), get_activation("sigmoid"))
    assert floor.gradients(X.tolist(), T.tolist()) == pytest.approx(J, rel=1e-12)
    for (dW, db), (fW, fb) in zip(grads, floor.gradient_matrices()):
        np.testing.assert_allclose(fW, dW, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(fb, db, rtol=1e-11, atol=1e-14)
    # a second batch starts from zero, not from the first batch's sums
    assert floor.gradients(X.tolist(), T.tolist()) == pytest.approx(J, rel=1e-12)
    np.testing.assert_allclose(floor.gradient_matrices()[0][0], grads[0][0], rtol=1e-11, atol=1e-14)


def test_numpy_floor_computes_the_gradients(problem):
    sizes, Ws, bs, X, T = problem
    J, grads = numpy_backprop(Ws, bs, X, T)
    cost, floor_grads = bench.numpy_floor(list(zip(Ws, bs)), get_activation("sigmoid"), X.T, T.T)
    assert cost == pytest.approx(J, rel=1e-12)
    for (dW, db), (fW, fb) in zip(grads, floor_grads):
        np.testing.assert_allclose(fW, dW, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(fb, db, rtol=1e-11, atol=1e-14)


def test_the_engines_timed_agree_with_their_floors(problem):
    """The bench compares like with like: the scalar engine's and the twin's numbers equal the floors'."""
    sizes, Ws, bs, X, T = problem
    net = ns.Network(sizes)
    net.set_parameters(list(zip(Ws, bs)))
    Xc, Tc = net._check_data(X, T)
    J_engine = net._gradients(Xc, Tc)
    J, grads = numpy_backprop(Ws, bs, X, T)
    assert J_engine == pytest.approx(J, rel=1e-12)
    for (dW, db), (eW, eb) in zip(grads, net._gradient_matrices()):
        np.testing.assert_allclose(eW, dW, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(eb, db, rtol=1e-11, atol=1e-14)


def test_connections_counts_every_weight():
    assert bench.connections([784, 128, 10]) == 784 * 128 + 128 * 10 == 101_632
    assert [bench.connections(s) for s in bench.SCALING] == [10, 100, 1_000, 10_000, 100_000]


def test_measure_gives_best_and_median_per_function():
    settings = bench.Settings(quick=True)
    calls = {"a": 0, "b": 0}

    def count(name):
        calls[name] += 1

    out = bench.measure({"a": lambda: count("a"), "b": lambda: count("b")}, settings)
    assert set(out) == {"a", "b"}
    for best, median in out.values():
        assert 0 < best <= median
    assert calls["a"] >= 1 + settings.repeats and calls["b"] >= 1 + settings.repeats


def test_build_cost_reports_time_and_memory():
    cost = bench.build_cost([4, 5, 3])
    assert cost["connections"] == 35
    assert cost["seconds"] > 0
    # at least a Connection object and its float weight per connection
    assert cost["bytes_per_connection"] > 64


def _check_report(report: dict, quick: bool) -> None:
    assert set(report) == {"machine", "settings", "per_example", "scaling", "build", "animation", "targets"}
    assert set(report["machine"]) >= {"nproc", "cpu", "platform", "python", "numpy", "networkx", "matplotlib",
                                      "blas_threads"}
    assert report["settings"]["quick"] is quick and report["settings"]["batch"] == 256
    assert [r["sizes"] for r in report["per_example"]] == [list(s) for s in bench.ARCHITECTURES]
    for row in report["per_example"] + report["scaling"]:
        assert row["connections"] == bench.connections(row["sizes"])
        assert set(row["times"]) == set(bench.ENGINES)
        for t in row["times"].values():
            assert set(t) == ENGINE_FIELDS and 0 < t["best_us"] <= t["median_us"]
        assert set(row["ratios"]) == RATIOS and all(q > 0 for q in row["ratios"].values())
    expected_scaling = bench.SCALING[:-1] if quick else bench.SCALING
    assert [r["sizes"] for r in report["scaling"]] == [list(s) for s in expected_scaling]
    for row in report["scaling"]:
        assert set(row["ns_per_connection"]) == set(bench.ENGINES)
        assert row["build_seconds"] > 0 and row["build_bytes_per_connection"] > 0
    build = report["build"]
    assert build["sizes"] == bench.BUILD_SIZES and build["connections"] == 101_632
    assert build["seconds"] > 0 and build["bytes_per_connection"] > 0
    assert set(report["animation"]) == {"available", "seconds", "note"}
    assert [t["name"] for t in report["targets"]] == [t[0] for t in bench.TARGETS]
    for t in report["targets"]:
        assert set(t) == {"name", "limit", "what", "unit", "measured", "met"}
        assert (t["met"] is None) == (t["measured"] is None)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """`neurosim bench --quick --json --plot`, run once for the tests below: (exit status, report, stdout, folder)."""
    import contextlib
    import io

    folder = tmp_path_factory.mktemp("bench")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["bench", "--quick", "--json", str(folder / "bench.json"), "--plot", str(folder / "bench.png")])
    return status, json.loads((folder / "bench.json").read_text()), out.getvalue(), folder


def test_bench_quick_writes_every_field(quick_run):
    status, report, out, folder = quick_run
    assert status == 0
    _check_report(report, quick=True)
    assert report["animation"]["available"] is False and "--quick" in report["animation"]["note"]
    assert (folder / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for text in ("py floor", "twin×256", "numpy×256", "targets:", "[784, 32, 10]", "bytes per connection"):
        assert text in out
    assert not list(folder.glob("*.tmp*"))   # the atomic write left no temporary file


def test_targets_compare_each_measurement_with_its_limit(quick_run):
    _, report, _, _ = quick_run
    rows = {tuple(r["sizes"]): r for r in report["per_example"]}
    measured = [t["measured"] for t in report["targets"]]
    assert measured[0] == rows[(2, 16, 16, 1)]["ratios"]["scalar_vs_floor"]
    assert measured[1] == rows[(64, 32, 10)]["ratios"]["scalar_vs_floor"]
    assert measured[2] == max(r["ratios"]["twin_vs_numpy"] for r in report["per_example"])
    assert measured[3:5] == [report["build"]["seconds"], report["build"]["bytes_per_connection"]]
    assert measured[5] is None   # --quick renders no animation
    for t in report["targets"]:
        if t["measured"] is not None:
            assert t["met"] == (t["measured"] < t["limit"])


def test_report_text_says_missed_and_not_measured(quick_run):
    _, report, _, _ = quick_run
    report = json.loads(json.dumps(report))
    report["targets"][0].update(measured=2.5, met=False)
    text = bench.format_report(report)
    lines = [line for line in text.splitlines() if line.strip().startswith(("scalar_vs_floor", "animation_gif"))]
    assert "2.50×" in lines[0] and lines[0].endswith("MISSED")
    assert lines[-1].endswith("not measured")


@pytest.mark.parametrize("argv, message", [
    (["bench", "--plot", "figure.xyz"], "--plot: expected a file name ending in"),
    (["bench", "--json", "no/such/folder/b.json"], "--json: the folder"),
    (["bench", "--plot", "."], "--plot"),
])
def test_bad_output_paths_exit_2_before_measuring(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(bench, "run", lambda **kw: pytest.fail("measured before checking the arguments"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def _tiny_animation(net, x, y):
    """Stands in for ns.animate: two frames on an Agg figure."""
    from matplotlib.animation import FuncAnimation
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1), dpi=20)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    line, = ax.plot([0, 1], [0, float(net.forward(x)[0])])
    return FuncAnimation(fig, lambda k: (line,), frames=2, cache_frame_data=False)


def test_animation_time_renders_a_gif(monkeypatch):
    fake = types.ModuleType("neurosim.views.animation")
    fake.animate = _tiny_animation
    monkeypatch.setitem(sys.modules, "neurosim.views.animation", fake)
    out = bench.animation_time()
    assert out["available"] is True and out["seconds"] > 0 and "GIF" in out["note"]


def test_animation_time_reports_a_failing_animation(monkeypatch):
    fake = types.ModuleType("neurosim.views.animation")

    def broken(net, x, y):
        raise RuntimeError("mid-edit")

    fake.animate = broken
    monkeypatch.setitem(sys.modules, "neurosim.views.animation", fake)
    out = bench.animation_time()
    assert out["available"] is False and out["seconds"] is None
    assert out["note"] == "failed: RuntimeError: mid-edit"


def test_animation_time_without_animate_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "neurosim.views.animation", types.ModuleType("neurosim.views.animation"))
    out = bench.animation_time()
    assert out == {"available": False, "seconds": None, "note": out["note"]}
    assert out["note"].startswith("not available")
