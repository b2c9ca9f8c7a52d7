"""Matrices printed as text with their shapes, side by side: the notation of the bridge views."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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


def side_by_side(items: Sequence, digits: int = 4, indent: str = "  ") -> str:
    """Blocks next to each other: each item is (title, matrix) or an operator string such as "=" or "∘",
    printed on the first row of numbers."""
    blocks = []
    for item in items:
        if isinstance(item, str):
            blocks.append(["", f" {item} "])
        else:
            blocks.append(matrix_lines(item[0], item[1], digits))
    height = max(len(b) for b in blocks)
    widths = [max(len(s) for s in b) for b in blocks]
    lines = []
    for r in range(height):
        parts = [(b[r] if r < len(b) else "").ljust(w) for b, w in zip(blocks, widths)]
        lines.append(indent + " ".join(parts).rstrip())
    return "\n".join(lines)


def _strip_parens(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _t(name: str) -> str:
    return f"({name})ᵀ"
