"""What neuron-level thinking costs, measured: the scalar engine and the matrix twin beside their floors.

Four engines compute the same thing — the batch cost J(W,b) and every ∂J/∂W_ij^(l), ∂J/∂b_i^(l) of a
sigmoid network with the half-SSE loss — and each is timed per example:

* ``scalar``: :class:`~neurosim.core.network.Network`, one :class:`~neurosim.core.graph.Neuron` at a time;
* ``python_floor``: :class:`PythonFloor`, the same arithmetic as a bare plain-Python loop over objects
  with cached connection lists — about as fast as a neuron-by-neuron engine in pure Python can be;
* ``twin_1`` / ``twin_batched``: :class:`~neurosim.witnesses.matrix.MatrixNetwork` fed one example at a time, and
  a batch of 256 examples at once;
* ``numpy_batched``: :func:`numpy_floor`, the twin's equations written straight in numpy, nothing else.

Both floors call the same activation functions (``f_scalar``/``df_scalar``, ``f``/``df``) as the
engines, so a ratio engine / floor measures the engine's bookkeeping, not a choice of formula.
Timing uses ``time.perf_counter``: each measurement repeats a call enough times to last ``min_time``,
does that ``repeats`` times (the engines compared taking turns), and keeps the best (reported, and used
for ratios) and the median.

Also measured: how the cost grows with the number of connections (10 … 100,000), the time and memory
(``tracemalloc``) to build a network's graph, and the time to render the default animation as a GIF.
"""

from __future__ import annotations

from collections.abc import Callable

from .floors import PythonFloor, numpy_floor
from .measure import (
    ARCHITECTURES,
    BATCH,
    BUILD_SIZES,
    ENGINE_LABELS,
    ENGINES,
    SCALING,
    TARGETS,
    Settings,
    animation_time,
    build_cost,
    connections,
    machine,
    measure,
    time_engines,
)
from .report import format_report, plot, supported_plot_formats

__all__ = ["ARCHITECTURES", "BATCH", "BUILD_SIZES", "ENGINES", "ENGINE_LABELS", "SCALING", "TARGETS", "PythonFloor",
           "Settings", "animation_time", "build_cost", "connections", "format_report", "machine", "measure",
           "numpy_floor", "plot", "run", "supported_plot_formats", "time_engines"]


def _targets(per_example: list[dict], build: dict, anim: dict) -> list[dict]:
    by_sizes = {tuple(r["sizes"]): r for r in per_example}
    measured = [
        by_sizes[(2, 16, 16, 1)]["ratios"]["scalar_vs_floor"],
        by_sizes[(64, 32, 10)]["ratios"]["scalar_vs_floor"],
        max(r["ratios"]["twin_vs_numpy"] for r in per_example),
        build["seconds"] if build["sizes"] == BUILD_SIZES else None,
        build["bytes_per_connection"] if build["sizes"] == BUILD_SIZES else None,
        anim["seconds"],
    ]
    return [{"name": name, "limit": limit, "what": what, "unit": unit, "measured": value,
             "met": None if value is None else bool(value < limit)}
            for (name, limit, what, unit), value in zip(TARGETS, measured)]


def run(quick: bool = False, animation: bool = True, progress: Callable[[str], None] | None = None) -> dict:
    """Run the whole benchmark and return its report, a JSON-ready dict (see :func:`format_report`).

    ``quick``: fewer repeats, networks up to 10,000 connections and no animation render (a few seconds).
    ``progress`` is called with a short message before each stage.
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
        row = time_engines(sizes, settings)
        cost = build_cost(sizes, repeats=1 if quick else 3)
        row["ns_per_connection"] = {name: t["best_us"] * 1e3 / row["connections"] for name, t in row["times"].items()}
        row["build_seconds"] = cost["seconds"]
        row["build_bytes_per_connection"] = cost["bytes_per_connection"]
        scaling.append(row)
    say(f"graph build, {BUILD_SIZES}")
    build = build_cost(BUILD_SIZES, repeats=1 if quick else 3)
    if animation and not quick:
        say("default animation")
        anim = animation_time()
    else:
        why = "--quick" if animation else "animation=False"
        anim = {"available": False, "seconds": None, "note": f"not measured ({why})"}
    return {"machine": machine(), "settings": settings.as_dict(), "per_example": per_example, "scaling": scaling,
            "build": build, "animation": anim, "targets": _targets(per_example, build, anim)}
