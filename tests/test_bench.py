"""`neurosim bench`: the floors compute the right numbers, and --quick writes a complete report.

No timed assertions: how fast things are is the bench's output, not a test's verdict."""

from __future__ import annotations

import json

import numpy as np
import pytest

import neurosim as ns
from neurosim import bench
from neurosim.bench.render import RENDER_TARGETS
from neurosim.cli import main
from neurosim.core.activations import get_activation

ENGINE_FIELDS = {"best_us", "median_us"}
RATIOS = {"engine_vs_floor", "engine_vs_lists_floor", "engine_vs_object_floor", "twin_1_vs_numpy_1d",
          "twin_batched_vs_numpy"}
SCALING_RATIOS = {"twin_batched_vs_numpy"}


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


@pytest.mark.parametrize("m", [1, 6])
def test_lists_floor_computes_the_gradients(problem, m):
    sizes, Ws, bs, X, T = problem
    J, grads = numpy_backprop(Ws, bs, X[:m], T[:m])
    floor = bench.ListsFloor(list(zip(Ws, bs)), get_activation("sigmoid"))
    for _ in range(2):   # a second batch starts from zero, not from the first batch's sums
        assert floor.gradients(X[:m].tolist(), T[:m].tolist()) == pytest.approx(J, rel=1e-12)
        for (dW, db), (fW, fb) in zip(grads, floor.gradient_matrices()):
            np.testing.assert_allclose(fW, dW, rtol=1e-11, atol=1e-14)
            np.testing.assert_allclose(fb, db, rtol=1e-11, atol=1e-14)


def test_numpy_floor_1d_computes_one_examples_gradients(problem):
    sizes, Ws, bs, X, T = problem
    _, grads = numpy_backprop(Ws, bs, X[:1], T[:1])
    floor_grads = bench.numpy_floor_1d(list(zip(Ws, bs)), get_activation("sigmoid"), X[0], T[0])
    for (dW, db), (fW, fb) in zip(grads, floor_grads):
        np.testing.assert_allclose(fW, dW, rtol=1e-11, atol=1e-14)
        np.testing.assert_allclose(fb, db, rtol=1e-11, atol=1e-14)


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


def test_measure_takes_turns_and_gives_one_time_per_repeat():
    settings = bench.Settings(quick=True)
    order = []
    out = bench.measure({"a": lambda: order.append("a"), "b": lambda: order.append("b")}, settings)
    assert set(out) == {"a", "b"} and all(len(ts) == settings.repeats for ts in out.values())
    assert all(t >= 0 for ts in out.values() for t in ts)
    # after one calibrating call each, the two alternate: a…a b…b a…a b…b (back-to-back pairs)
    runs = [name for k, name in enumerate(order[2:]) if k == 0 or name != order[2:][k - 1]]
    assert runs == ["a", "b"] * settings.repeats


def test_speed_ratio_is_the_median_of_the_pairs():
    # floor ÷ engine per pair: 2, 4, 0.5 -> median 2; a slow moment (pair 3) moves both sides, not the verdict
    assert bench.speed_ratio([1.0, 1.0, 8.0], [2.0, 4.0, 4.0]) == 2.0


def test_fit_costs_recovers_a_linear_cost():
    rows = [{"connections": c, "neurons": n, "times": {"scalar": {"median_us": 0.1 * c + 0.5 * n + 3.0}}}
            for c, n in ((10, 7), (300, 33), (2368, 106), (25408, 826), (100, 20))]
    fit = bench.fit_costs(rows)
    assert fit["ns_per_connection"] == pytest.approx(100.0)
    assert fit["ns_per_neuron"] == pytest.approx(500.0)
    assert fit["us_per_example"] == pytest.approx(3.0)
    assert fit["worst_relative_error"] < 1e-9


def test_build_cost_reports_time_and_memory():
    cost = bench.build_cost([4, 5, 3])
    assert cost["connections"] == 35
    assert cost["seconds"] > 0
    # at least a Connection object and its float weight per connection
    assert cost["bytes_per_connection"] > 64


def _check_report(report: dict, quick: bool) -> None:
    assert set(report) == {"machine", "settings", "per_example", "scaling", "cost_model", "gradient_check", "build",
                           "render", "targets"}
    # the animation renders, each in a child process: --quick keeps the default example's only
    assert set(report["render"]) == ({"default"} if quick else {"default", "big", "short", "long"})
    for r in report["render"].values():
        assert r["available"], r
        assert r["frames"] > 0 and r["seconds"] > 0 and r["bytes"] > 0 and r["peak_bytes"] > 10e6
    assert set(report["machine"]) >= {"nproc", "cpu", "platform", "python", "numpy", "networkx", "matplotlib",
                                      "blas_threads", "blas_pinned_by_bench"}
    assert report["settings"]["quick"] is quick and report["settings"]["batch"] == 256
    assert [r["sizes"] for r in report["per_example"]] == [list(s) for s in bench.ARCHITECTURES]
    for row in report["per_example"]:
        assert set(row["times"]) == set(bench.ENGINES) and set(row["ratios"]) == RATIOS
        assert row["floor"] in ("lists_floor", "object_floor")
    for row in report["per_example"] + report["scaling"]:
        assert row["connections"] == bench.connections(row["sizes"]) and row["neurons"] == sum(row["sizes"])
        for t in row["times"].values():
            assert set(t) == ENGINE_FIELDS and 0 < t["best_us"] <= t["median_us"]
        assert all(q > 0 for q in row["ratios"].values())
    expected_scaling = bench.SCALING[:-1] if quick else bench.SCALING
    assert [r["sizes"] for r in report["scaling"]] == [list(s) for s in expected_scaling]
    for row in report["scaling"]:
        assert set(row["times"]) == set(row["ns_per_connection"]) == set(bench.SCALING_ENGINES)
        assert set(row["ratios"]) == SCALING_RATIOS
        assert row["build_seconds"] > 0 and row["build_bytes_per_connection"] > 0
    assert set(report["cost_model"]) == {"ns_per_connection", "ns_per_neuron", "us_per_example",
                                         "worst_relative_error", "points"}
    assert report["gradient_check"]["parameters"] == 2410 and report["gradient_check"]["ok"] is True
    build = report["build"]
    assert build["sizes"] == bench.BUILD_SIZES and build["connections"] == 101_632
    assert build["seconds"] > 0 and build["bytes_per_connection"] > 0
    assert [t["name"] for t in report["targets"]] == [t[0] for t in bench.TARGETS + RENDER_TARGETS]
    for t in report["targets"]:
        assert set(t) == {"name", "goal", "sense", "what", "unit", "measured", "met"}
        assert (t["met"] is None) == (t["measured"] is None)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """`neurosim bench --quick --json --plot`, run once for the tests below (it re-runs itself in a child
    process with BLAS pinned): (exit status, report, stdout, folder)."""
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
    assert (folder / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for text in ("lists", "objects", "numpy 1-D", "twin×256", "targets:", "[784, 32, 10]", "bytes per connection",
                 "ns × connections", "gradient_check [64, 32, 10]"):
        assert text in out
    assert not list(folder.glob("*.tmp*"))   # the atomic write left no temporary file


def test_bench_pins_blas_threads_in_a_child_and_says_so(quick_run):
    _, report, out, _ = quick_run
    assert report["machine"]["blas_pinned_by_bench"] is True
    assert report["machine"]["blas_threads"] == {name: "1" for name in bench.THREAD_VARIABLES}
    assert "pinned: neurosim bench re-ran itself in a child process" in out


def test_targets_compare_each_measurement_with_its_goal(quick_run):
    _, report, out, _ = quick_run
    rows = {tuple(r["sizes"]): r["ratios"] for r in report["per_example"]}
    measured = [t["measured"] for t in report["targets"]]
    assert measured[:4] == [rows[tuple(s)]["engine_vs_floor"] for s in bench.ARCHITECTURES]
    assert measured[4] == min(r["twin_batched_vs_numpy"] for r in rows.values())
    assert measured[5] == min(r["twin_1_vs_numpy_1d"] for r in rows.values())
    assert measured[6] == report["gradient_check"]["seconds"]
    assert measured[7:9] == [report["build"]["seconds"], report["build"]["bytes_per_connection"]]
    # --quick renders the default example's GIF in a child process; the big and long renders wait for a full run
    assert measured[9] == report["render"]["default"]["seconds"] and measured[10:] == [None] * 5
    for t in report["targets"]:
        if t["measured"] is not None:
            assert t["met"] == (t["measured"] >= t["goal"] if t["sense"] == "≥" else t["measured"] < t["goal"])
        assert f"(goal {t['sense']} {t['goal']:g}" in out   # every ratio printed beside its goal


def test_the_faster_floor_is_the_floor(quick_run):
    _, report, _, _ = quick_run
    for row in report["per_example"]:
        t = row["times"]
        other = "object_floor" if row["floor"] == "lists_floor" else "lists_floor"
        assert t[row["floor"]]["median_us"] <= t[other]["median_us"]
        assert row["ratios"]["engine_vs_floor"] == row["ratios"][f"engine_vs_{row['floor']}"]


def test_report_text_says_missed_and_not_measured(quick_run):
    _, report, _, _ = quick_run
    report = json.loads(json.dumps(report))
    report["targets"][0].update(measured=0.25, met=False)
    text = bench.format_report(report)
    lines = [line for line in text.splitlines() if line.strip().startswith(("engine_vs_floor", "render_"))]
    assert "0.25×" in lines[0] and lines[0].endswith("MISSED")
    assert lines[-1].endswith("not measured")


def test_a_value_just_under_its_goal_is_not_printed_as_the_goal(quick_run):
    _, report, _, _ = quick_run
    report = json.loads(json.dumps(report))
    goal = report["targets"][0]["goal"]
    report["targets"][0].update(measured=goal - 0.004, met=False)
    report["targets"][1].update(measured=report["targets"][1]["goal"], met=True)
    lines = [line for line in bench.format_report(report).splitlines() if line.strip().startswith("engine_vs_floor")]
    assert f"{goal - 0.004:.3f}×" in lines[0] and f" {goal:.2f}× " not in lines[0] and lines[0].endswith("MISSED")
    assert f"{report['targets'][1]['goal']:.2f}×" in lines[1] and lines[1].endswith("met")


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


def test_the_default_gif_is_timed_once(quick_run):
    """One render of the default example, by bench.render in a child process: one target, one report line."""
    _, report, out, _ = quick_run
    assert not hasattr(bench, "animation_time") and "animation" not in report
    default = [t["name"] for t in report["targets"] if "default" in f"{t['name']} {t['what']}".lower()]
    assert default == ["render_seconds default GIF"]
    timed = [line for line in out.splitlines() if "default" in line.lower() and " s" in line and "goal" not in line]
    assert len(timed) == 1 and timed[0].strip().startswith("default example"), timed


def _cost_model(c_conn, c_neuron, c0_us):
    return {"ns_per_connection": c_conn, "ns_per_neuron": c_neuron, "us_per_example": c0_us,
            "worst_relative_error": 0.6, "points": 9}


def test_fitted_line_writes_a_negative_constant_with_a_minus_and_a_caveat(quick_run):
    _, report, _, _ = quick_run
    report = json.loads(json.dumps(report))
    report["cost_model"] = _cost_model(94.0, 424.0, -0.359)
    text = bench.format_report(report)
    fitted = text[text.index("fitted:"):].splitlines()
    assert "94 ns × connections + 424 ns × neurons \u2212 359 ns (worst misfit 60%" in fitted[0]
    assert "+ -" not in text and "+ \u2212" not in text
    assert "constant is negative" in fitted[1] and "only a fit" in fitted[1]


@pytest.mark.parametrize("cm, line, caveat", [
    (_cost_model(94.0, 424.0, 6.1), "≈ 94 ns × connections + 424 ns × neurons + 6.1 µs", None),
    (_cost_model(94.0, -20.0, -3.2), "≈ 94 ns × connections \u2212 20 ns × neurons \u2212 3.2 µs",
     "cost per neuron and constant are negative"),
    (_cost_model(-5.0, 424.0, 0.25), "≈ \u22125.0 ns × connections + 424 ns × neurons + 250 ns",
     "cost per connection is negative"),
    (_cost_model(94.0, 424.0, -1e-5), "+ 424 ns × neurons + 0.0 ns", None),   # rounds to zero: no sign, no note
])
def test_fitted_line_signs(cm, line, caveat):
    from neurosim.bench.report import format_cost_model

    lines = format_cost_model(cm)
    assert line in lines[0] and "-" not in lines[0]
    if caveat is None:
        assert len(lines) == 1
    else:
        assert len(lines) == 2 and caveat in lines[1] and "only a fit" in lines[1]
