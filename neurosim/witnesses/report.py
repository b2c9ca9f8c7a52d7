"""What every witness's report has in common: rows that each agree or not, a verdict, a bounded table.

A witness (the matrix twin, finite differences, torch autograd) compares numbers one row at a time; its
report subclasses :class:`_Report` and says only what is its own: the table's head and cells
(``_head``, ``_cells``), how far a row is off (``_abs_error``, ``_rank``), ``verdict`` and ``summary``.
The shared part keeps the rows, counts what differs, bounds the text table to ``limit`` rows and the
notebook table to ``html_rows``, and says so when nothing was compared ("EMPTY: nothing was compared"),
rather than that everything agrees (``ok`` stays True there: no row differs).
"""

from __future__ import annotations

import math

from ..base.html import report
from ..base.tables import text_table

EMPTY = "nothing was compared (the report has no rows)."


class _Report:
    """Rows, ``ok``, ``mismatches``, ``max_abs_error``, ``table(limit)``, ``str()`` and ``_repr_html_``."""

    limit = 40
    html_rows = 12
    see_all = "report.table(limit=None)"
    _head: tuple[str, ...] = ()
    _verdict_first = False   # str(): the verdict line before the summary, or after it
    _html_worst = "largest"  # the notebook's note: "the 12 largest of 80 rows"

    def __init__(self, rows: list, rtol: float, atol: float):
        self.rows = rows
        self.rtol = rtol
        self.atol = atol

    def _cells(self, row) -> tuple[str, ...]:
        """One row as the text table and the notebook table print it."""
        raise NotImplementedError

    def _abs_error(self, row) -> float:
        """|difference| of one row, what ``max_abs_error`` takes the largest of."""
        return abs(row.difference)

    def _rank(self, row) -> float:
        """How bad a row is, for the notebook's "worst rows first" (NaN counts as the worst)."""
        return self._abs_error(row)

    @property
    def mismatches(self) -> list:
        """The rows that differ beyond the tolerance, in the order of ``rows``."""
        return [r for r in self.rows if not r.ok]

    @property
    def ok(self) -> bool:
        """True when every row agrees."""
        return all(r.ok for r in self.rows)

    @property
    def max_abs_error(self) -> float:
        """The largest |difference| over all rows: 0.0 for no rows, inf when one is not finite."""
        errors = [self._abs_error(r) for r in self.rows]
        if not all(math.isfinite(e) for e in errors):
            return math.inf
        return float(max(errors, default=0.0))

    def verdict(self) -> str:
        """One sentence: what agrees, or where it differs (or that nothing was compared)."""
        return EMPTY if not self.rows and self.ok else self._verdict()

    def _verdict(self) -> str:
        raise NotImplementedError

    def summary(self) -> str:
        """What was compared and how."""
        raise NotImplementedError

    def _shown(self, limit: int | None) -> tuple[list, str]:
        """The rows ``table(limit)`` prints (mismatches first) and the note on those it leaves out."""
        if limit is None or len(self.rows) <= limit:
            return self.rows, ""
        shown = (self.mismatches + [r for r in self.rows if r.ok])[:limit]
        return shown, f"… {len(self.rows) - limit} more rows not shown ({self.see_all} lists all)"

    def table(self, limit: int | None = None) -> str:
        """The rows as aligned text; with ``limit``, at most that many (mismatches first). The note on hidden
        rows says how to list them all: ``self.see_all`` (the CLI sets it to its ``--rows 0``)."""
        shown, note = self._shown(limit)
        lines = text_table(self._head, [self._cells(r) for r in shown])
        if note:
            lines.append(note)
        return "\n".join(lines)

    def __str__(self) -> str:
        status = "EMPTY: " if not self.rows and self.ok else "OK: " if self.ok else "MISMATCH: "
        head = [status + self.verdict(), self.summary()]
        return "\n".join((head if self._verdict_first else head[::-1]) + ["", self.table(self.limit)])

    def _repr_html_(self) -> str:
        """Jupyter: the verdict first, then the summary and the worst rows (mismatches, then the largest
        errors), with the digits of ``table()``."""
        def badness(r) -> tuple[bool, float]:
            size = self._rank(r)
            return r.ok, -size if size == size else -math.inf

        shown = sorted(self.rows, key=badness)[:self.html_rows]
        note = f"the {len(shown)} {self._html_worst} of {len(self.rows)} rows; {self.see_all} lists all" \
            if len(self.rows) > len(shown) else ""
        return report(self.ok, self.verdict(), self.summary(), self._head, [self._cells(r) for r in shown], note)
