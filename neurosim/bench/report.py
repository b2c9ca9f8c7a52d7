"""The benchmark report as text and as a figure."""


from __future__ import annotations

import os

from .measure import ENGINE_LABELS, SCALING_ENGINES
from .render import format_render

# --- reporting ----------------------------------------------------------------------------------


def _us(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _blas(mc: dict) -> str:
    threads = ", ".join(f"{k}={v}" for k, v in mc["blas_threads"].items())
    if mc.get("blas_pinned_by_bench"):
        return f"{threads} (pinned: neurosim bench re-ran itself in a child process with these set)"
    return threads or "library default (neurosim bench pins them to 1; bench.run() called directly does not)"


MINUS = "\u2212"   # the typographic minus sign, as in "− 359 ns"


def _term(value: float, unit: str, first: bool = False) -> str:
    """One term of a sum, its sign written as an operator: "94 ns", "+ 94 ns", "− 359 ns" (first: "−359 ns")."""
    digits = f"{abs(value):,.1f}" if 0 < abs(value) < 10 else f"{abs(value):,.0f}"
    if digits.strip("0.,") == "":
        value = 0.0   # no "− 0 ns": a term that rounds to zero has no sign
    if first:
        return f"{MINUS if value < 0 else ''}{digits} {unit}"
    return f"{MINUS if value < 0 else '+'} {digits} {unit}"


def format_cost_model(cm: dict) -> list[str]:
    """The fitted line t ≈ c_conn · connections + c_neuron · neurons + c_0, signs written as operators; a
    negative coefficient gets a line saying it is an artefact of the fit, not a time anything takes."""
    c0_ns = cm["us_per_example"] * 1e3
    constant = _term(c0_ns, "ns") if abs(c0_ns) < 1000 else _term(cm["us_per_example"], "µs")
    lines = [f"fitted: scalar engine time per example ≈ {_term(cm['ns_per_connection'], 'ns', first=True)} × "
             f"connections {_term(cm['ns_per_neuron'], 'ns')} × neurons {constant} "
             f"(worst misfit {cm['worst_relative_error']:.0%} over {cm['points']} networks)"]
    terms = {"cost per connection": cm["ns_per_connection"], "cost per neuron": cm["ns_per_neuron"],
             "constant": c0_ns}
    negative = [name for name, value in terms.items() if _term(value, "").startswith(MINUS)]
    if negative:
        names = " and ".join([", ".join(negative[:-1]), negative[-1]] if len(negative) > 1 else negative)
        lines.append(f"  (the fitted {names} {'is' if len(negative) == 1 else 'are'} negative: "
                     "no part of a pass takes negative time; the linear model is only a fit over the networks "
                     "measured, not a breakdown of the cost)")
    return lines


def format_report(report: dict) -> str:
    """The report as plain-text tables, every ratio beside its goal."""
    mc, st = report["machine"], report["settings"]
    load = "" if mc.get("load_average") is None else f", load average {mc['load_average']:.1f}"
    lines = [
        f"neurosim bench{' --quick' if st['quick'] else ''}: forward + backward + gradients, time per example "
        f"(median of {st['repeats']}, µs, CPU time)",
        f"machine: {mc['cpu']}, {mc['nproc']} cores{load}; Python {mc['python']}, numpy {mc['numpy']}",
        f"BLAS threads: {_blas(mc)}",
        "speed ratios = floor time ÷ engine time, median of back-to-back pairs (1 = as fast as the floor)",
        "",
        f"{'sizes':<16}{'conns':>8}{'scalar':>9}{'lists':>9}{'objects':>9}{'×floor':>8}"
        f"{'twin×1':>9}{'numpy 1-D':>10}{'×':>7}{'twin×256':>10}{'numpy×256':>10}{'×':>7}",
    ]
    for r in report["per_example"]:
        t, q = {k: v["median_us"] for k, v in r["times"].items()}, r["ratios"]
        lines.append(f"{str(r['sizes']):<16}{r['connections']:>8,}{_us(t['scalar']):>9}{_us(t['lists_floor']):>9}"
                     f"{_us(t['object_floor']):>9}{q['engine_vs_floor']:>7.2f}×{_us(t['twin_1']):>9}"
                     f"{_us(t['numpy_1d']):>10}{q['twin_1_vs_numpy_1d']:>6.2f}×{_us(t['twin_batched']):>10}"
                     f"{_us(t['numpy_batched']):>10}{q['twin_batched_vs_numpy']:>6.2f}×")
    lines.append("(×floor: against the faster of the two plain-Python floors, lists or objects, per network)")
    lines += ["", "How cost grows: time per connection per example (ns); graph build time and memory",
              f"{'sizes':<16}{'conns':>9}{'neurons':>8}{'scalar':>9}{'lists':>9}{'twin×1':>9}{'twin×256':>10}"
              f"{'numpy×256':>11}{'build':>10}{'B/conn':>9}"]
    for r in report["scaling"]:
        ns_ = r["ns_per_connection"]
        lines.append(f"{str(r['sizes']):<16}{r['connections']:>9,}{r['neurons']:>8,}{ns_['scalar']:>9.0f}"
                     f"{ns_['lists_floor']:>9.0f}{ns_['twin_1']:>9.1f}{ns_['twin_batched']:>10.2f}"
                     f"{ns_['numpy_batched']:>11.2f}{r['build_seconds'] * 1e3:>8.1f}ms"
                     f"{r['build_bytes_per_connection']:>9.0f}")
    lines += format_cost_model(report["cost_model"])
    b, g = report["build"], report["gradient_check"]
    lines += ["", f"gradient_check {g['sizes']} on {g['examples']} examples, {g['parameters']:,} parameters: "
                  f"{g['seconds']:.2f} s ({'ok' if g['ok'] else 'MISMATCH'})",
              f"graph build {b['sizes']} ({b['connections']:,} connections): {b['seconds']:.2f} s, "
              f"{b['bytes_per_connection']:.0f} bytes per connection",
              *(format_render(report["render"]) if report.get("render") else []),
              "", "targets:"]
    for tg in report["targets"]:
        if tg["measured"] is None:
            verdict, value = "not measured", "—"
        else:
            verdict = "met" if tg["met"] else "MISSED"
            value = f"{_digits_to_tell(tg['measured'], tg['goal'])}{tg['unit']}" if tg["unit"] != "B" \
                else f"{tg['measured']:.0f} B"
        goal = f"{tg['goal']:g}{tg['unit']}" if tg["unit"] != "B" else f"{tg['goal']:g} B"
        lines.append(f"  {tg['name']:<42} {value:>9}  (goal {tg['sense']} {goal})  {verdict}")
    return "\n".join(lines)


def _digits_to_tell(value: float, goal: float) -> str:
    """``value`` with two decimals, or as many more as it takes not to print the goal itself when it missed it
    by less than the last digit (0.666 against 0.67 prints 0.666, not 0.67)."""
    for decimals in range(2, 7):
        text = f"{value:.{decimals}f}"
        if float(text) != goal or value == goal:
            return text
    return text


def plot(report: dict, path: str | os.PathLike) -> None:
    """A log-log figure of time per example against connections, one line per engine (and per connection)."""
    # No pyplot: no backend to choose, no global state, works headless.
    from matplotlib.figure import Figure

    rows = report["scaling"]
    n = [r["connections"] for r in rows]
    fig = Figure(figsize=(11, 4.5))
    left, right = fig.subplots(1, 2)
    styles = {"scalar": "o-", "lists_floor": "o--", "twin_1": "s-", "twin_batched": "^-", "numpy_batched": "^--"}
    for name in SCALING_ENGINES:
        left.loglog(n, [r["times"][name]["median_us"] for r in rows], styles[name], label=ENGINE_LABELS[name])
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
