"""Timing: the settings, the measuring loop, and what each engine costs per example, per build and per GIF."""


from __future__ import annotations

import gc
import importlib
import math
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..core.network import Network
from ..witnesses.matrix import MatrixNetwork
from .floors import PythonFloor, numpy_floor

ENGINES = ("scalar", "python_floor", "twin_1", "twin_batched", "numpy_batched")
ENGINE_LABELS = {
    "scalar": "scalar engine",
    "python_floor": "plain-Python floor",
    "twin_1": "twin, one example",
    "twin_batched": "twin, batch of 256",
    "numpy_batched": "bare numpy, batch of 256",
}
ARCHITECTURES = ([3, 4, 2], [2, 16, 16, 1], [64, 32, 10], [784, 32, 10])
# 10, 100, 1,000, 10,000 and 100,000 connections; --quick stops at 10,000.
SCALING = ([3, 2, 2], [8, 10, 2], [48, 20, 2], [96, 100, 4], [990, 100, 10])
BUILD_SIZES = [784, 128, 10]
BATCH = 256
_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# (name, limit, what is compared, unit). Limits are for the 2-core reference machine of docs/performance.md.
TARGETS = (
    ("scalar_vs_floor [2,16,16,1]", 2.0, "scalar / plain-Python floor", "×"),
    ("scalar_vs_floor [64,32,10]", 2.0, "scalar / plain-Python floor", "×"),
    ("twin_vs_numpy (batch 256, worst architecture)", 1.5, "twin batched / bare numpy", "×"),
    ("build_seconds [784,128,10]", 3.0, "graph build time", "s"),
    ("build_bytes_per_connection [784,128,10]", 600.0, "graph memory per connection", "B"),
    ("animation_gif_seconds", 10.0, "render of the default animation to GIF", "s"),
)


# --- timing -------------------------------------------------------------------------------------

class Settings:
    """How hard to measure: full runs are steadier, --quick finishes in a few seconds."""

    def __init__(self, quick: bool):
        self.quick = quick
        self.repeats = 3 if quick else 7
        self.min_time = 0.004 if quick else 0.05       # seconds each repeat lasts at least
        self.examples = 8 if quick else 32              # batch of the scalar engine and its floor, at most ...
        self.work = 20_000 if quick else 200_000         # ... and examples × connections per call, at most ...
        self.min_examples = 1 if quick else 4            # ... but at least this many, so per-batch work stays small
        self.scaling = SCALING[:-1] if quick else SCALING

    def scalar_examples(self, connections: int) -> int:
        """Fewer examples for big networks, so that one call stays short."""
        return max(self.min_examples, min(self.examples, self.work // connections))

    def as_dict(self) -> dict:
        return {"quick": self.quick, "repeats": self.repeats, "min_time_s": self.min_time,
                "scalar_examples": self.examples, "batch": BATCH}


def measure(fns: dict[str, Callable[[], object]], settings: Settings) -> dict[str, tuple[float, float]]:
    """(best, median) seconds per call of each function in ``fns``.

    Each function is first called once (which warms caches up and sets how many calls make a repeat last
    ``settings.min_time``); then the repeats of all functions are interleaved, so that a burst of load on
    a shared machine hits every engine alike instead of skewing one ratio.
    """
    numbers = {}
    for name, fn in fns.items():
        t0 = time.perf_counter()
        fn()
        numbers[name] = max(1, math.ceil(settings.min_time / max(time.perf_counter() - t0, 1e-9)))
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(settings.repeats):
        for name, fn in fns.items():
            number = numbers[name]
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - t0) / number)
    return {name: (min(ts), statistics.median(ts)) for name, ts in times.items()}


def connections(sizes: Sequence[int]) -> int:
    """Σ_l s_l s_{l+1}: the number of weights W_ij^(l) of a fully connected network."""
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def _data(sizes: Sequence[int], m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.random((m, sizes[0])), rng.random((m, sizes[-1]))


def time_engines(sizes: Sequence[int], settings: Settings, seed: int = 0) -> dict:
    """Per-example time of every engine for one architecture, and the ratios between them."""
    rng = np.random.default_rng(seed)
    net = Network(sizes, seed=seed)
    act = net.activations[0]
    n_conn = connections(sizes)
    m = settings.scalar_examples(n_conn)
    X, Y = _data(sizes, m, rng)
    X, T = net._check_data(X, Y)
    params = net.parameters()
    floor = PythonFloor(params, act)
    Xl, Tl = X.tolist(), T.tolist()
    twin = MatrixNetwork.from_network(net)
    rows = [(X[k:k + 1], T[k:k + 1]) for k in range(m)]
    XB, YB = _data(sizes, BATCH, rng)
    XB, TB = net._check_data(XB, YB)

    def twin_one_at_a_time():
        for x, t in rows:
            twin._gradients(x, t)

    per_call = {
        "scalar": (lambda: net._gradients(X, T), m),
        "python_floor": (lambda: floor.gradients(Xl, Tl), m),
        "twin_1": (twin_one_at_a_time, m),
        "twin_batched": (lambda: twin._gradients(XB, TB), BATCH),
        "numpy_batched": (lambda: numpy_floor(params, act, XB.T, TB.T), BATCH),
    }
    # Two groups: after a large matrix product, BLAS worker threads keep spinning for a while and would slow
    # down whichever pure-Python engine ran next on a 2-core machine.
    measured = {}
    for group in (("scalar", "python_floor", "twin_1"), ("twin_batched", "numpy_batched")):
        measured.update(measure({name: per_call[name][0] for name in group}, settings))
    times = {}
    for name, (_, examples) in per_call.items():
        best, median = measured[name]
        times[name] = {"best_us": best / examples * 1e6, "median_us": median / examples * 1e6}
    us = {name: t["best_us"] for name, t in times.items()}
    return {
        "sizes": list(sizes),
        "connections": n_conn,
        "examples": {"scalar": m, "batched": BATCH},
        "times": times,
        "ratios": {
            "scalar_vs_floor": us["scalar"] / us["python_floor"],
            "twin_vs_numpy": us["twin_batched"] / us["numpy_batched"],
            "scalar_vs_twin_1": us["scalar"] / us["twin_1"],
            "scalar_vs_twin_batched": us["scalar"] / us["twin_batched"],
        },
    }


def build_cost(sizes: Sequence[int], repeats: int = 1) -> dict:
    """Time to build ``Network(sizes)`` ready to run (graph, objects, cached connection lists; best of
    ``repeats``) and the memory it then holds per connection, traced by ``tracemalloc`` in a separate build."""
    n_conn = connections(sizes)
    best = math.inf
    for _ in range(repeats):
        gc.collect()
        t0 = time.perf_counter()
        net = Network(sizes, seed=0)
        net._structure()
        best = min(best, time.perf_counter() - t0)
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


def animation_time() -> dict:
    """Seconds to build the default animation — ``animate(net, x, y)`` of :mod:`neurosim.views.animation` on the
    default example — and write it as a GIF (with that module's ``save`` when it has one)."""
    try:
        module = importlib.import_module("neurosim.views.animation")
        animate = module.animate
    except (ImportError, AttributeError) as exc:
        return {"available": False, "seconds": None, "note": f"not available: {exc}"}
    from ..explain.examples import DEFAULT, example

    anim = None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "default.gif"
        t0 = time.perf_counter()
        try:
            ex = example(DEFAULT)
            anim = animate(ex.net, ex.x, ex.y)
            save = getattr(module, "save", None)
            if save is not None:
                save(anim, path)
            else:
                from matplotlib.animation import PillowWriter
                anim.save(str(path), writer=PillowWriter(fps=2))
            seconds = time.perf_counter() - t0
            frames = len(getattr(anim, "steps", ())) or None
            size = path.stat().st_size
        except Exception as exc:   # a broken animation must not sink the rest of the report
            return {"available": False, "seconds": None, "note": f"failed: {type(exc).__name__}: {exc}"}
        finally:
            # An animate() built on pyplot would leave its figure open; closing an unmanaged one is harmless.
            fig = getattr(anim, "_fig", None)
            if fig is not None:
                import matplotlib.pyplot as plt
                plt.close(fig)
    detail = f"{frames} frames, " if frames else ""
    return {"available": True, "seconds": seconds, "note": f"example {DEFAULT!r}, {detail}GIF of {size / 1024:.0f} KiB"}


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
    return {"nproc": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": sys.version.split()[0], "numpy": np.__version__, "networkx": networkx.__version__,
            "matplotlib": matplotlib.__version__,
            # BLAS threads fight other processes on a small machine; say how the batched numbers were taken.
            "blas_threads": {name: os.environ[name] for name in _THREAD_VARIABLES if name in os.environ}}
