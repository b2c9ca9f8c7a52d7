"""Timing: the settings, the paired measuring loop, and what each engine costs per example and per build.

Every ratio is a **speed ratio**, floor time ÷ engine time (1 = as fast as the floor, higher is faster), taken
as the median of back-to-back pairs: engine, floor, engine, floor, … Times are the process's CPU time
(``time.process_time``): on a shared machine, time spent waiting for a core does not count, and what load
remains (shared caches) moves both sides of a pair alike.
"""


from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..core.network import Network
from ..witnesses.gradcheck import gradient_check
from ..witnesses.matrix import MatrixNetwork
from .floors import ListsFloor, PythonFloor, numpy_floor, numpy_floor_1d

ENGINES = ("scalar", "lists_floor", "object_floor", "twin_1", "numpy_1d", "twin_batched", "numpy_batched")
ENGINE_LABELS = {
    "scalar": "scalar engine",
    "lists_floor": "plain-Python floor, lists",
    "object_floor": "plain-Python floor, objects",
    "twin_1": "twin, one example",
    "numpy_1d": "bare numpy, one example (1-D)",
    "twin_batched": "twin, batch of 256",
    "numpy_batched": "bare numpy, batch of 256",
}
ARCHITECTURES = ([3, 4, 2], [2, 16, 16, 1], [64, 32, 10], [784, 32, 10])
# 10, 100, 1,000, 10,000 and 100,000 connections; --quick stops at 10,000.
SCALING = ([3, 2, 2], [8, 10, 2], [48, 20, 2], [96, 100, 4], [990, 100, 10])
SCALING_ENGINES = ("scalar", "lists_floor", "twin_1", "twin_batched", "numpy_batched")
BUILD_SIZES = [784, 128, 10]
GRADCHECK_SIZES, GRADCHECK_EXAMPLES = [64, 32, 10], 8
BATCH = 256
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# (name, goal, "≥" (a speed ratio, higher is better) or "<" (a cost), what is compared, unit).
# Goals are those of the performance issue, for the 2-core reference machine of docs/performance.md.
TARGETS = (
    ("engine_vs_floor [3,4,2]", 0.6, "≥", "scalar engine's speed ÷ the faster plain-Python floor's", "×"),
    ("engine_vs_floor [2,16,16,1]", 0.85, "≥", "scalar engine's speed ÷ the faster plain-Python floor's", "×"),
    ("engine_vs_floor [64,32,10]", 0.85, "≥", "scalar engine's speed ÷ the faster plain-Python floor's", "×"),
    ("engine_vs_floor [784,32,10]", 0.85, "≥", "scalar engine's speed ÷ the faster plain-Python floor's", "×"),
    ("twin_batched_vs_numpy (worst net)", 0.67, "≥", "twin on 256 examples ÷ bare numpy", "×"),
    ("twin_1_vs_numpy_1d (worst net)", 0.67, "≥", "twin forward(x)+backward(y) ÷ bare numpy on 1-D vectors", "×"),
    ("gradient_check [64,32,10] x 8", 1.5, "<", "ns.gradient_check, all 2,410 parameters", "s"),
    ("build_seconds [784,128,10]", 3.0, "<", "graph build time", "s"),
    ("build_bytes_per_connection [784,128,10]", 600.0, "<", "graph memory per connection", "B"),
)


def judge(targets, measured) -> list[dict]:
    """Each (name, goal, sense, what, unit) of ``targets`` with its measured value and whether it met the goal
    (``"≥"``: at least the goal; ``"<"``: below it; None when it was not measured)."""
    out = []
    for (name, goal, sense, what, unit), value in zip(targets, measured):
        met = None if value is None else bool(value >= goal if sense == "≥" else value < goal)
        out.append({"name": name, "goal": goal, "sense": sense, "what": what, "unit": unit, "measured": value,
                    "met": met})
    return out


# --- timing -------------------------------------------------------------------------------------

class Settings:
    """How hard to measure: full runs are steadier, --quick finishes in seconds."""

    def __init__(self, quick: bool):
        self.quick = quick
        self.repeats = 5 if quick else 11                # pairs per ratio
        self.min_time = 0.004 if quick else 0.04         # seconds each side of a pair lasts at least
        self.examples = 8 if quick else 32               # batch of the scalar engine and its floors, at most ...
        self.work = 20_000 if quick else 200_000         # ... and examples × connections per call, at most ...
        self.min_examples = 1 if quick else 4            # ... but at least this many, so per-batch work stays small
        self.scaling = SCALING[:-1] if quick else SCALING

    def scalar_examples(self, connections: int) -> int:
        """Fewer examples for big networks, so that one call stays short."""
        return max(self.min_examples, min(self.examples, self.work // connections))

    def as_dict(self) -> dict:
        return {"quick": self.quick, "repeats": self.repeats, "min_time_s": self.min_time,
                "scalar_examples": self.examples, "batch": BATCH, "clock": "time.process_time"}


def _calls_to_fill(fn: Callable[[], object], min_time: float) -> int:
    t0 = time.process_time()
    fn()   # also warms caches up
    return max(1, math.ceil(min_time / max(time.process_time() - t0, 1e-6)))


def measure(fns: dict[str, Callable[[], object]], settings: Settings) -> dict[str, list[float]]:
    """Seconds per call of each function in ``fns``, one entry per repeat.

    Each function is first called once to set how many calls make it last ``settings.min_time``; then the
    functions take turns, back to back, ``settings.repeats`` times (a, b, c, a, b, c, …), so repeat r of each
    function ran at nearly the same moment and the ratio of two of them is a fair pair.
    """
    numbers = {name: _calls_to_fill(fn, settings.min_time) for name, fn in fns.items()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(settings.repeats):
        for name, fn in fns.items():
            number = numbers[name]
            t0 = time.process_time()
            for _ in range(number):
                fn()
            times[name].append((time.process_time() - t0) / number)
    return times


def speed_ratio(engine: list[float], floor: list[float]) -> float:
    """Median over the pairs of floor time ÷ engine time (above 1: the engine is faster)."""
    return statistics.median(f / e for e, f in zip(engine, floor))


def connections(sizes: Sequence[int]) -> int:
    """Σ_l s_l s_{l+1}: the number of weights W_ij^(l) of a fully connected network."""
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def _data(sizes: Sequence[int], m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.random((m, sizes[0])), rng.random((m, sizes[-1]))


def _check_same(name: str, expected, got) -> None:
    """A floor must compute the engine's gradients before its time means anything."""
    for (dW, db), (gW, gb) in zip(expected, got):
        if not (np.allclose(gW, dW, rtol=1e-9, atol=1e-12) and np.allclose(gb, db, rtol=1e-9, atol=1e-12)):
            raise RuntimeError(f"bench: the {name} computes other gradients than the engine; its time is meaningless")


def time_engines(sizes: Sequence[int], settings: Settings, seed: int = 0,
                 engines: Sequence[str] = ENGINES) -> dict:
    """Time per example of ``engines`` for one architecture, and the speed ratios between them."""
    rng = np.random.default_rng(seed)
    net = Network(sizes, seed=seed)
    act = net.activations[0]
    n_conn = connections(sizes)
    m = settings.scalar_examples(n_conn)
    X, T = net._check_data(*_data(sizes, m, rng))
    params = net.parameters()
    Xl, Tl = X.tolist(), T.tolist()
    twin = MatrixNetwork.from_network(net)
    XB, TB = net._check_data(*_data(sizes, BATCH, rng))
    x1, t1 = X[0].copy(), T[0].copy()

    net._gradients(X, T)
    grads = net._gradient_matrices()
    floors = {"lists_floor": ListsFloor(params, act), "object_floor": PythonFloor(params, act)}
    for name, floor in floors.items():
        floor.gradients(Xl, Tl)
        _check_same(name.replace("_", " "), grads, floor.gradient_matrices())
    twin.forward(x1)
    twin.backward(t1)
    _check_same("1-D numpy floor", twin.grads, numpy_floor_1d(params, act, x1, t1))
    _check_same("numpy floor", twin._gradients(XB, TB)[1], numpy_floor(params, act, XB.T, TB.T)[1])

    def twin_one():
        twin.forward(x1)
        twin.backward(t1)

    per_call = {
        "scalar": (lambda: net._gradients(X, T), m),
        "lists_floor": (lambda: floors["lists_floor"].gradients(Xl, Tl), m),
        "object_floor": (lambda: floors["object_floor"].gradients(Xl, Tl), m),
        "twin_1": (twin_one, 1),
        "numpy_1d": (lambda: numpy_floor_1d(params, act, x1, t1), 1),
        "twin_batched": (lambda: twin._gradients(XB, TB), BATCH),
        "numpy_batched": (lambda: numpy_floor(params, act, XB.T, TB.T), BATCH),
    }
    # Three groups, each timed in pairs: after a large matrix product BLAS threads may keep spinning for a
    # while and would slow down whichever pure-Python engine ran next.
    groups = (("scalar", "lists_floor", "object_floor"), ("twin_1", "numpy_1d"), ("twin_batched", "numpy_batched"))
    runs: dict[str, list[float]] = {}
    for group in groups:
        wanted = [name for name in group if name in engines]
        if wanted:
            runs.update(measure({name: per_call[name][0] for name in wanted}, settings))
    times = {name: {"best_us": min(ts) / per_call[name][1] * 1e6,
                    "median_us": statistics.median(ts) / per_call[name][1] * 1e6} for name, ts in runs.items()}
    row = {"sizes": list(sizes), "connections": n_conn, "neurons": sum(sizes),
           "examples": {"scalar": m, "batched": BATCH}, "times": times, "ratios": {}}
    if {"scalar", "lists_floor", "object_floor"} <= runs.keys():
        floor = min(("lists_floor", "object_floor"), key=lambda name: statistics.median(runs[name]))
        row["floor"] = floor
        row["ratios"]["engine_vs_floor"] = speed_ratio(runs["scalar"], runs[floor])
        row["ratios"]["engine_vs_lists_floor"] = speed_ratio(runs["scalar"], runs["lists_floor"])
        row["ratios"]["engine_vs_object_floor"] = speed_ratio(runs["scalar"], runs["object_floor"])
    if {"twin_1", "numpy_1d"} <= runs.keys():
        row["ratios"]["twin_1_vs_numpy_1d"] = speed_ratio(runs["twin_1"], runs["numpy_1d"])
    if {"twin_batched", "numpy_batched"} <= runs.keys():
        row["ratios"]["twin_batched_vs_numpy"] = speed_ratio(runs["twin_batched"], runs["numpy_batched"])
    return row


def fit_costs(rows: list[dict]) -> dict:
    """The scalar engine's time per example fitted as c_conn · connections + c_neuron · neurons + c_0
    (least squares on relative errors, so small and big networks count alike)."""
    A = np.array([[r["connections"], r["neurons"], 1.0] for r in rows], dtype=float)
    t = np.array([r["times"]["scalar"]["median_us"] for r in rows])
    coef, *_ = np.linalg.lstsq(A / t[:, None], np.ones_like(t), rcond=None)
    worst = float(np.max(np.abs(A @ coef / t - 1.0)))
    return {"ns_per_connection": float(coef[0] * 1e3), "ns_per_neuron": float(coef[1] * 1e3),
            "us_per_example": float(coef[2]), "worst_relative_error": worst, "points": len(rows)}


def gradcheck_time(repeats: int = 1) -> dict:
    """CPU seconds for ``ns.gradient_check`` of a [64, 32, 10] network on 8 examples, every parameter (best of
    ``repeats``)."""
    rng = np.random.default_rng(0)
    net = Network(GRADCHECK_SIZES, seed=0)
    X, Y = _data(GRADCHECK_SIZES, GRADCHECK_EXAMPLES, rng)
    best, report = math.inf, None
    for _ in range(repeats):
        t0 = time.process_time()
        report = gradient_check(net, X, Y)
        best = min(best, time.process_time() - t0)
    return {"sizes": GRADCHECK_SIZES, "examples": GRADCHECK_EXAMPLES, "parameters": len(report.rows),
            "seconds": best, "ok": report.ok}


def build_cost(sizes: Sequence[int], repeats: int = 1) -> dict:
    """CPU time to build ``Network(sizes)`` ready to run (graph, objects, cached rows; best of ``repeats``) and the
    memory it then holds per connection, traced by ``tracemalloc`` in a separate build."""
    n_conn = connections(sizes)
    best = math.inf
    for _ in range(repeats):
        gc.collect()
        t0 = time.process_time()
        net = Network(sizes, seed=0)
        net._structure()
        best = min(best, time.process_time() - t0)
        del net
    gc.collect()
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    net = Network(sizes, seed=0)
    net._structure()
    held = tracemalloc.get_traced_memory()[0] - before
    if not tracing:
        tracemalloc.stop()
    del net
    return {"sizes": list(sizes), "connections": n_conn, "seconds": best, "bytes_per_connection": held / n_conn}


def machine() -> dict:
    """The machine the numbers belong to."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import matplotlib
    import networkx
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {"nproc": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": sys.version.split()[0], "numpy": np.__version__, "networkx": networkx.__version__,
            "matplotlib": matplotlib.__version__, "load_average": load,
            # BLAS threads fight other processes on a small machine; say how the batched numbers were taken.
            "blas_threads": {name: os.environ[name] for name in THREAD_VARIABLES if name in os.environ},
            "blas_pinned_by_bench": os.environ.get("NEUROSIM_BENCH_CHILD") == "1"}
