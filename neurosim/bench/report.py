"""The benchmark report as text and as a figure."""


from __future__ import annotations

import os

from .measure import ENGINE_LABELS, ENGINES

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
