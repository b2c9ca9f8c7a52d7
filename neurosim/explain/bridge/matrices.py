"""Matrices printed as text with their shapes, side by side: the notation of the bridge views."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ...base.html import Raw, box, esc, matrix_table, paragraph
from ...base.html import side_by_side as side_by_side_html
from ..trace import fmt

# --- printing matrices with their shapes ------------------------------------------------------------------


def shape_text(M: np.ndarray) -> str:
    """``(4×1)`` for a column vector, ``(2×4)`` for a matrix."""
    M = np.atleast_2d(M)
    return f"({M.shape[0]}×{M.shape[1]})"


def matrix_lines(title: str, M: np.ndarray, digits: int = 4) -> list[str]:
    """A matrix as lines of text under ``title (r×c)``; a 1-d array is printed as a column."""
    M = np.asarray(M, dtype=float)
    if M.ndim == 1:
        M = M[:, None]
    cells = [[fmt(v, digits) for v in row] for row in M.tolist()]
    width = max((len(c) for row in cells for c in row), default=1)
    rows = ["[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells]
    head = f"{title} {shape_text(M)}"
    w = max(len(head), *(len(r) for r in rows))
    return [head.ljust(w)] + [r.ljust(w) for r in rows]


class Blocks(str):
    """The text of :func:`side_by_side` that also keeps its pieces (``items``: operator strings, or (title with
    shape, formatted rows, rows-are-neurons flag)), so that a notebook draws the very same entries as tables."""

    items: list


def side_by_side(items: Sequence, digits: int = 4, indent: str = "  ") -> Blocks:
    """Blocks next to each other: each item is (title, matrix) or an operator string such as "=" or "∘",
    printed on the first row of numbers. An item (title, matrix, "i") marks a matrix whose row i belongs to
    neuron i of the layer shown (a notebook highlights it)."""
    blocks, pieces = [], []
    for item in items:
        if isinstance(item, str):
            blocks.append(["", f" {item} "])
            pieces.append(item.strip())
        else:
            blocks.append(matrix_lines(item[0], item[1], digits))
            M = np.asarray(item[1], dtype=float)
            M = M[:, None] if M.ndim == 1 else M
            pieces.append((f"{item[0]} {shape_text(M)}", [[fmt(v, digits) for v in row] for row in M.tolist()],
                           len(item) > 2))
    height = max(len(b) for b in blocks)
    widths = [max(len(s) for s in b) for b in blocks]
    lines = []
    for r in range(height):
        parts = [(b[r] if r < len(b) else "").ljust(w) for b, w in zip(blocks, widths)]
        lines.append(indent + " ".join(parts).rstrip())
    out = Blocks("\n".join(lines))
    out.items = pieces
    return out


def lines_html(lines: Sequence[str], neuron: int | None = None, note: str = "") -> str:
    """A bridge view for Jupyter from the lines of its ``text()``: each :class:`Blocks` line as a row of matrix
    tables, the other lines as text. With ``neuron`` = i, row i of every matrix whose rows are the layer's
    neurons and the per-neuron lines "i = …" / "row i of …" are highlighted."""
    parts, text = [], []

    def flush() -> None:
        if text:
            parts.append("<pre class='ns-num'>" + "\n".join(text) + "</pre>")
            text.clear()

    for line in lines:
        if isinstance(line, Blocks):
            flush()
            row = [] if neuron is None else [neuron - 1]
            parts.append(side_by_side_html([p if isinstance(p, str) else
                                            Raw(matrix_table(p[1], p[0], row if p[2] else ())) for p in line.items]))
        elif line.strip():
            mine = neuron is not None and re.match(rf"\s+(i = {neuron}:|row {neuron} of)", line)
            text.append(f"<span class='ns-hi'>{esc(line)}</span>" if mine else esc(line))
    flush()
    return box(paragraph(note) if note else "", *parts)


class LinesView:
    """A view printed from its ``lines(digits)``: ``text()`` joins them, and Jupyter shows them with every matrix
    as a table."""

    def lines(self, digits: int = 4) -> list[str]:
        raise NotImplementedError

    def text(self, digits: int = 4) -> str:
        return "\n".join(self.lines(digits))

    def _repr_html_(self) -> str:
        return lines_html(self.lines())


def _strip_parens(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _t(name: str) -> str:
    return f"({name})ᵀ"
