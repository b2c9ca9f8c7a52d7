"""Rich notebook forms of the explanations: a Step with its formula typeset, a trace as a table grouped by
phase, a path sum. Each takes its numbers from the object's own text form (``.numbers``, ``fmt``), so the
two forms show the same digits; the HTML scaffolding is :mod:`neurosim.base.html`.

The functions read the objects' attributes and import none of their modules (those modules call these).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..base.html import box, math, num, paragraph, table

PHASE_TITLES = {
    "forward": "forward pass: z, then a = f(z), of each neuron, layer by layer",
    "backward": "backward pass: δ of each neuron, output layer first (each sums its successors' messages δ·W)",
    "gradient": "gradients of J(W,b; x, y): ∂J/∂W_ij = δ_i·a_j for each connection, ∂J/∂b_i = δ_i for each bias",
    "update": "updates by the optimizer, with eq. 6's gradient for this example: each parameter's new value",
}
MAX_ROWS = 300   # a larger trace shows its first rows and says how to list the rest


def step_latex(step) -> str:
    """``$$formula = numbers$$`` as a two-line aligned equation (the numbers end in ``= value``)."""
    lhs, _, rhs = step.latex.partition(" = ")
    return (r"$$\begin{aligned} " + lhs + " &= " + rhs + r" \\ &= " + step.latex_numbers + r" \end{aligned}$$")


def step_html(step) -> str:
    """One Step: its phase, the formula typeset, the same formula with the numbers, and f′ where used."""
    parts = [paragraph(f"{step.phase} step: {step.symbol}"),
             f"<p>{math(step.latex)}</p>",
             f"<p>= {num(step.numbers)}</p>"]
    if step.derivative is not None:
        parts.append(paragraph(f"where {step.aside()}"))
    return box(*parts)


def trace_text(steps: Sequence) -> str:
    """The steps numbered from 1, under one heading per phase: ``formula = numbers`` per line."""
    lines: list[str] = []
    phase = None
    width = len(str(len(steps)))
    for k, step in enumerate(steps, start=1):
        if step.phase != phase:
            phase = step.phase
            count = sum(s.phase == phase for s in steps)
            lines.append(f"{PHASE_TITLES.get(phase, phase)}  [{count} steps]")
        lines.append(f"  {k:>{width}}. {step}")
    return "\n".join(lines)


def trace_html(steps: Sequence, max_rows: int = MAX_ROWS) -> str:
    """The steps as a table grouped by phase: #, quantity, formula (typeset), the numbers, the value."""
    shown = list(steps)[:max_rows]
    body, groups, phase = [], [], None
    for k, step in enumerate(shown):
        if step.phase != phase:
            phase = step.phase
            groups.append((k, PHASE_TITLES.get(phase, phase)))
        body.append((str(k + 1), math(step.latex.partition(" = ")[0]), math(step.latex.partition(" = ")[2]),
                     num(step.numbers)))
    parts = [paragraph(f"{len(steps)} steps of one forward and one backward pass"),
             table(("#", "quantity", "formula", "with the numbers"), body, n_left=4, groups=groups)]
    if len(steps) > len(shown):
        parts.append(paragraph(f"… {len(steps) - len(shown)} more steps not shown (print(trace) lists all)"))
    return box(*parts)


def pathsum_html(head: str, rows: Sequence[tuple[str, str, str, str]], foot: Sequence[str]) -> str:
    """A path sum: ``head`` (what is summed), one row per path (number, route, factors, numbers = product),
    and the ``foot`` lines (the sum and backprop's δ·a), all taken from ``PathSum.text()``'s own pieces."""
    body = [(k, route, factors, num(numbers)) for k, route, factors, numbers in rows]
    return box(paragraph(head), table(("path", "neurons", "factors", "numbers"), body, n_left=3),
               *(paragraph(line) for line in foot))


__all__ = ["pathsum_html", "step_html", "step_latex", "trace_html", "trace_text"]
