"""Aligned plain-text tables, shared by the reports of the witnesses and the explanations."""

from __future__ import annotations


def text_table(head: tuple[str, ...], body: list[tuple[str, ...]], n_left: int = 1) -> list[str]:
    """Aligned text lines: the header, a rule, then the body. The first ``n_left`` columns are left-aligned
    (names), the others right-aligned (numbers), except the last, a free-text flag such as "✗ differs"."""
    rows = [head, *body]
    widths = [max(len(row[c]) for row in rows) for c in range(len(head) - 1)]
    lines = ["  ".join([row[c].ljust(w) if c < n_left else row[c].rjust(w) for c, w in enumerate(widths)]
                       + [row[-1]]).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return lines
