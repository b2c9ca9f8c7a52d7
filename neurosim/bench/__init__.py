"""What neuron-level thinking costs, measured: the scalar engine and the matrix twin beside their floors.

Four engines compute the same thing — the batch cost J(W,b) and every ∂J/∂W_ij^(l), ∂J/∂b_i^(l) of a
sigmoid network with the half-SSE loss — and each is timed per example:

* ``scalar``: :class:`~neurosim.network.Network`, one :class:`~neurosim.graph.Neuron` at a time;
* ``python_floor``: :class:`PythonFloor`, the same arithmetic as a bare plain-Python loop over objects
  with cached connection lists — about as fast as a neuron-by-neuron engine in pure Python can be;
* ``twin_1`` / ``twin_batched``: :class:`~neurosim.matrix.MatrixNetwork` fed one example at a time, and
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

from ..core.activations import Activation
from ..core.network import Network
from ..witnesses.matrix import MatrixNetwork

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


# --- the floors ---------------------------------------------------------------------------------

class _Unit:
    """A floor neuron: its numbers and its cached incoming/outgoing connection lists, nothing else."""

    __slots__ = ("bias", "bias_grad", "z", "a", "delta", "incoming", "outgoing")

    def __init__(self, bias: float):
        self.bias = bias
        self.bias_grad = 0.0
        self.z = self.a = self.delta = 0.0
        self.incoming: list[_Link] = []
        self.outgoing: list[_Link] = []


class _Link:
    """A floor connection W_ij: source, target, weight and gradient."""

    __slots__ = ("source", "target", "weight", "grad")

    def __init__(self, source: _Unit, target: _Unit, weight: float):
        self.source = source
        self.target = target
        self.weight = weight
        self.grad = 0.0


class PythonFloor:
    """The plain-Python floor of the scalar engine: the same arithmetic, none of the structure.

    It restates the loops of :mod:`neurosim.engine` on purpose, inlined into one function with no graph, no
    Loss object and no validation: what is left is the least a neuron-level engine must do, so the ratio
    engine / floor measures the cost of neurosim's structure (issue 7 asks for exactly this comparison).
    Built from [(W^(1), b^(1)), …] with an elementwise activation f for every layer and the half-SSE loss.
    :meth:`gradients` computes, over a batch, z_i = Σ_j W_ij a_j + b_i, a_i = f(z_i);
    δ_i = (a_i − t_i) f′(z_i) at the output and δ_i = (Σ_j δ_j W_ji) f′(z_i) below it;
    ∂J/∂W_ij = (1/m) Σ_k δ_i a_j and ∂J/∂b_i = (1/m) Σ_k δ_i, and returns J = (1/m) Σ_k ½ Σ_i (a_i − t_i)².
    """

    def __init__(self, params: Sequence[tuple[np.ndarray, np.ndarray]], activation: Activation):
        self.f, self.df = activation.f_scalar, activation.df_scalar
        self.layers: list[list[_Unit]] = [[_Unit(0.0) for _ in range(params[0][0].shape[1])]]
        self.links: list[_Link] = []
        for W, b in params:
            layer = [_Unit(b_i) for b_i in np.asarray(b, dtype=float).tolist()]
            # One comprehension allocates a layer's links side by side in memory, as cache-friendly as it gets.
            links = [_Link(source, target, w) for target, row in zip(layer, np.asarray(W, dtype=float).tolist())
                     for source, w in zip(self.layers[-1], row)]
            for c in links:
                c.target.incoming.append(c)
                c.source.outgoing.append(c)
            self.links += links
            self.layers.append(layer)

    def gradients(self, X: list[list[float]], T: list[list[float]]) -> float:
        """Leave the batch gradients in the links and units; return the batch cost J."""
        f, df, layers = self.f, self.df, self.layers
        for c in self.links:
            c.grad = 0.0
        for layer in layers[1:]:
            for u in layer:
                u.bias_grad = 0.0
        J = 0.0
        for x, t in zip(X, T):
            for u, x_j in zip(layers[0], x):
                u.a = x_j
            for layer in layers[1:]:
                for u in layer:
                    z = u.bias
                    for c in u.incoming:
                        z += c.weight * c.source.a
                    u.z = z
                    u.a = f(z)
            for u, t_i in zip(layers[-1], t):
                r = u.a - t_i
                J += 0.5 * r * r
                u.delta = d = r * df(u.z)
                u.bias_grad += d
            for layer in reversed(layers[1:-1]):
                for u in layer:
                    a = u.a
                    s = 0.0
                    for c in u.outgoing:
                        d = c.target.delta
                        s += d * c.weight
                        c.grad += d * a
                    u.delta = d = s * df(u.z)
                    u.bias_grad += d
            for u in layers[0]:
                a = u.a
                for c in u.outgoing:
                    c.grad += c.target.delta * a
        m = len(X)
        for c in self.links:
            c.grad /= m
        for layer in layers[1:]:
            for u in layer:
                u.bias_grad /= m
        return J / m

    def gradient_matrices(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(∂J/∂W^(l), ∂J/∂b^(l)), …] as arrays, from the last :meth:`gradients`."""
        out = []
        for below, above in zip(self.layers, self.layers[1:]):
            dW = np.array([[c.grad for c in u.incoming] for u in above]).reshape(len(above), len(below))
            out.append((dW, np.array([u.bias_grad for u in above])))
        return out


def numpy_floor(params: Sequence[tuple[np.ndarray, np.ndarray]], activation: Activation,
                X_cols: np.ndarray, T_cols: np.ndarray) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """The twin's floor: the matrix equations in bare numpy, one example per column.

    Z^(l+1) = W^(l) A^(l) + b^(l) 1^T, A^(l+1) = f(Z^(l+1)); Δ^(n_l) = (A^(n_l) − T) ∘ f′(Z^(n_l)),
    Δ^(l) = ((W^(l))^T Δ^(l+1)) ∘ f′(Z^(l)); ∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))^T, ∂J/∂b^(l) = (1/m) Δ^(l+1) 1.
    Returns (J, gradients) with J = (1/2m) ‖A^(n_l) − T‖²_F.
    """
    f, df = activation.f, activation.df
    m = X_cols.shape[1]
    Z, A = [None], [X_cols]
    for W, b in params:
        Z.append(W @ A[-1] + b[:, None])
        A.append(f(Z[-1]))
    R = A[-1] - T_cols
    delta = R * df(Z[-1])
    grads = []
    for l in range(len(params), 0, -1):
        grads.append((delta @ A[l - 1].T / m, delta.sum(axis=1) / m))
        if l > 1:
            delta = (params[l - 1][0].T @ delta) * df(Z[l - 1])
    grads.reverse()
    return 0.5 * float(np.vdot(R, R)) / m, grads


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


# --- reporting ----------------------------------------------------------------------------------

def _us(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def format_report(report: dict) -> str:
    """The report as plain-text tables."""
    mc, st = report["machine"], report["settings"]
    lines = [
        f"neurosim bench{' --quick' if st['quick'] else ''}: forward + backward + gradients, time per example "
        f"(best of {st['repeats']}, µs)",
        f"machine: {mc['cpu']}, {mc['nproc']} cores; Python {mc['python']}, numpy {mc['numpy']}; BLAS threads: "
        + (", ".join(f"{k}={v}" for k, v in mc["blas_threads"].items()) or "library default "
           "(OPENBLAS_NUM_THREADS=1 steadies the batched numbers on a busy machine)"),
        "",
        f"{'sizes':<16}{'conns':>8}{'scalar':>10}{'py floor':>10}{'×floor':>8}{'twin×1':>10}"
        f"{'twin×256':>10}{'numpy×256':>11}{'×numpy':>8}{'scalar/twin×256':>17}",
    ]
    for r in report["per_example"]:
        t, q = {k: v["best_us"] for k, v in r["times"].items()}, r["ratios"]
        lines.append(f"{str(r['sizes']):<16}{r['connections']:>8,}{_us(t['scalar']):>10}{_us(t['python_floor']):>10}"
                     f"{q['scalar_vs_floor']:>7.2f}×{_us(t['twin_1']):>10}{_us(t['twin_batched']):>10}"
                     f"{_us(t['numpy_batched']):>11}{q['twin_vs_numpy']:>7.2f}×{q['scalar_vs_twin_batched']:>16,.0f}×")
    lines += ["", "How cost grows: time per connection per example (ns); graph build time and memory",
              f"{'sizes':<16}{'conns':>9}{'scalar':>9}{'py floor':>10}{'twin×1':>9}{'twin×256':>10}"
              f"{'numpy×256':>11}{'build':>10}{'B/conn':>9}"]
    for r in report["scaling"]:
        ns_ = r["ns_per_connection"]
        lines.append(f"{str(r['sizes']):<16}{r['connections']:>9,}{ns_['scalar']:>9.0f}{ns_['python_floor']:>10.0f}"
                     f"{ns_['twin_1']:>9.1f}{ns_['twin_batched']:>10.2f}{ns_['numpy_batched']:>11.2f}"
                     f"{r['build_seconds'] * 1e3:>8.1f}ms{r['build_bytes_per_connection']:>9.0f}")
    b, a = report["build"], report["animation"]
    lines += ["", f"graph build {b['sizes']} ({b['connections']:,} connections): {b['seconds']:.2f} s, "
                  f"{b['bytes_per_connection']:.0f} bytes per connection",
              "default animation (GIF): " + (f"{a['seconds']:.2f} s, {a['note']}" if a["available"] else a["note"]),
              "", "targets:"]
    for tg in report["targets"]:
        if tg["measured"] is None:
            verdict, value = "not measured", "—"
        else:
            verdict = "met" if tg["met"] else "MISSED"
            value = f"{tg['measured']:.2f}{tg['unit']}" if tg["unit"] != "B" else f"{tg['measured']:.0f} B"
        lines.append(f"  {tg['name']:<48} {value:>9}  (limit {tg['limit']:g}{tg['unit']})  {verdict}")
    return "\n".join(lines)


def plot(report: dict, path: str | os.PathLike) -> None:
    """A log-log figure of time per example against connections, one line per engine (and per connection)."""
    # No pyplot: no backend to choose, no global state, works headless.
    from matplotlib.figure import Figure

    rows = report["scaling"]
    n = [r["connections"] for r in rows]
    fig = Figure(figsize=(11, 4.5))
    left, right = fig.subplots(1, 2)
    styles = {"scalar": "o-", "python_floor": "o--", "twin_1": "s-", "twin_batched": "^-", "numpy_batched": "^--"}
    for name in ENGINES:
        left.loglog(n, [r["times"][name]["best_us"] for r in rows], styles[name], label=ENGINE_LABELS[name])
        right.loglog(n, [r["ns_per_connection"][name] for r in rows], styles[name], label=ENGINE_LABELS[name])
    left.set(xlabel="connections", ylabel="µs per example (forward + backward)",
             title="Time per example grows with the connections")
    right.set(xlabel="connections", ylabel="ns per connection per example",
              title="Per connection: flat means linear cost")
    for ax in (left, right):
        ax.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    fig.suptitle(f"neurosim bench — {report['machine']['cpu']}, Python {report['machine']['python']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)


def supported_plot_formats() -> set[str]:
    """File extensions matplotlib can write (without the dot)."""
    from matplotlib.figure import Figure
    return set(Figure().canvas.get_supported_filetypes())


__all__ = ["ARCHITECTURES", "ENGINES", "PythonFloor", "Settings", "animation_time", "build_cost", "connections",
           "format_report", "machine", "measure", "numpy_floor", "plot", "run", "time_engines"]
