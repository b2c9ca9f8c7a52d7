"""What neuron-level thinking costs, measured: the scalar engine and the matrix twin beside honest floors.

The engines compute the same thing — the batch cost J(W,b) and every ∂J/∂W_ij^(l), ∂J/∂b_i^(l) of a sigmoid
network with the half-SSE loss — and each is timed per example against its floor:

* ``scalar``: :class:`~neurosim.core.network.Network`, one :class:`~neurosim.core.graph.Neuron` at a time,
  against the faster (per network) of two plain-Python floors: :class:`ListsFloor` (weights as lists of rows,
  C-level ``sumprod`` sums: the fastest pure Python known for the job) and :class:`PythonFloor` (bare
  ``__slots__`` objects, which wins on tiny networks); each floor is first checked to compute the engine's
  gradients;
* ``twin_1``: :class:`~neurosim.witnesses.matrix.MatrixNetwork`'s public ``forward(x)`` + ``backward(y)`` on one
  example, against :func:`numpy_floor_1d` (the equations on 1-D vectors in bare numpy);
* ``twin_batched``: the twin on a batch of 256, against :func:`numpy_floor` (the same equations in bare numpy).

Every ratio is floor time ÷ engine time, the median of back-to-back pairs on the CPU clock (see
:mod:`neurosim.bench.measure`), and is printed against its goal. Also measured: how the cost grows with
connections and neurons (a fitted cost per connection and per neuron), ``ns.gradient_check`` of a
[64, 32, 10] network, the time and memory to build a network's graph, and the time to render the default
animation as a GIF. ``neurosim bench`` runs all this in a child process with BLAS pinned to one thread.
"""

from __future__ import annotations

from collections.abc import Callable

from .floors import ListsFloor, PythonFloor, numpy_floor, numpy_floor_1d
from .measure import (
    ARCHITECTURES,
    BATCH,
    BUILD_SIZES,
    ENGINE_LABELS,
    ENGINES,
    SCALING,
    SCALING_ENGINES,
    TARGETS,
    THREAD_VARIABLES,
    Settings,
    build_cost,
    connections,
    fit_costs,
    gradcheck_time,
    judge,
    machine,
    measure,
    speed_ratio,
    time_engines,
)
from .render import render_costs, render_targets
from .report import format_report, plot, supported_plot_formats

__all__ = ["ARCHITECTURES", "BATCH", "BUILD_SIZES", "ENGINES", "ENGINE_LABELS", "SCALING", "SCALING_ENGINES",
           "TARGETS", "THREAD_VARIABLES", "ListsFloor", "PythonFloor", "Settings", "build_cost", "connections",
           "fit_costs", "format_report", "gradcheck_time", "machine", "measure", "numpy_floor",
           "numpy_floor_1d", "plot", "run", "speed_ratio", "supported_plot_formats", "targets", "time_engines"]


def targets(report: dict) -> list[dict]:
    """Each measurement of ``report`` beside its goal from :data:`TARGETS`: met, missed or not measured."""
    by_sizes = {tuple(r["sizes"]): r["ratios"] for r in report["per_example"]}
    build = report["build"]
    full_build = build["sizes"] == BUILD_SIZES
    measured = [
        *(by_sizes[tuple(s)]["engine_vs_floor"] for s in ARCHITECTURES),
        min(r["twin_batched_vs_numpy"] for r in by_sizes.values()),
        min(r["twin_1_vs_numpy_1d"] for r in by_sizes.values()),
        report["gradient_check"]["seconds"],
        build["seconds"] if full_build else None,
        build["bytes_per_connection"] if full_build else None,
    ]
    return judge(TARGETS, measured)


def run(quick: bool = False, animation: bool = True, progress: Callable[[str], None] | None = None) -> dict:
    """Run the whole benchmark and return its report, a JSON-ready dict (see :func:`format_report`).

    ``quick``: fewer pairs, networks up to 10,000 connections and of the animation renders (each timed by
    :mod:`neurosim.bench.render` in a child process) only the default example's (seconds, not a minute).
    ``animation`` False: no render at all. ``progress`` is called with a short message before each stage. BLAS
    threads are whatever the environment says; ``neurosim bench`` pins them to one.
    """
    settings = Settings(quick)
    say = progress or (lambda message: None)
    per_example = []
    for sizes in ARCHITECTURES:
        say(f"per-example time, {sizes}")
        per_example.append(time_engines(sizes, settings))
    scaling = []
    for sizes in settings.scaling:
        say(f"scaling, {connections(sizes):,} connections")
        row = time_engines(sizes, settings, engines=SCALING_ENGINES)
        cost = build_cost(sizes, repeats=1 if quick else 3)
        row["ns_per_connection"] = {name: t["best_us"] * 1e3 / row["connections"] for name, t in row["times"].items()}
        row["build_seconds"] = cost["seconds"]
        row["build_bytes_per_connection"] = cost["bytes_per_connection"]
        scaling.append(row)
    say("gradient_check [64, 32, 10] on 8 examples")
    gradcheck = gradcheck_time(repeats=1 if quick else 3)
    say(f"graph build, {BUILD_SIZES}")
    build = build_cost(BUILD_SIZES, repeats=1 if quick else 3)
    render = render_costs(quick, say) if animation else {}
    report = {"machine": machine(), "settings": settings.as_dict(), "per_example": per_example, "scaling": scaling,
              "cost_model": fit_costs(per_example + scaling), "gradient_check": gradcheck, "build": build,
              "render": render}
    report["targets"] = targets(report) + (render_targets(render) if animation else [])
    return report
