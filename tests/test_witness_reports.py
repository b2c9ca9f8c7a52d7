"""The witnesses' reports share one base: the same bounds, the same worst-first order, the same answer
for an empty comparison, whichever witness made them. Rows are built by hand so that each case
(no rows, a NaN, more rows than the limit) is exactly the one under test."""

from __future__ import annotations

import math

import pytest

from neurosim.witnesses.autograd import TorchReport, TorchRow
from neurosim.witnesses.equivalence import EquivalenceReport, Row
from neurosim.witnesses.gradcheck import GradientCheckReport, GradientRow


def torch_report(diffs):
    rows = [TorchRow(f"∂J/∂b_{k}^(1)", "b", 1, k, None, 1.0, 1.0 + d, d, abs(d) <= 1e-9)
            for k, d in enumerate(diffs, start=1)]
    return TorchReport(rows, 1e-10, 1e-12, [2, 1], 3, "0.0")


def equivalence_report(diffs):
    rows = [Row(f"z_{k}^(2)", "forward", "z", 2, k, None, 1, 1.0, 1.0 + d, d, abs(d) <= 1e-9)
            for k, d in enumerate(diffs, start=1)]
    return EquivalenceReport(rows, 1e-10, 1e-12, [2, 1], 1)


def gradcheck_report(diffs):
    rows = [GradientRow(f"b_{k}^(1)", "b", 1, k, None, 1.0, 1.0 + d, abs(d),
                        abs(d) if math.isfinite(d) else math.inf, abs(d) <= 1e-9)
            for k, d in enumerate(diffs, start=1)]
    return GradientCheckReport(rows, 1e-6, 1e-6, 1e-8, 0.5, len(rows), 0)


MAKERS = [torch_report, equivalence_report, gradcheck_report]


@pytest.mark.parametrize("make", MAKERS)
def test_an_empty_report_says_nothing_was_compared(make):
    rep = make([])
    assert rep.max_abs_error == 0.0
    assert "nothing was compared" in rep.verdict()
    text = str(rep)
    assert "EMPTY: nothing was compared" in text and "OK:" not in text
    assert "nothing was compared" in rep._repr_html_()
    assert "rows=0" in repr(rep) or "checked=0" in repr(rep)


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("diffs", [[math.nan, 0.5], [0.5, math.nan], [0.0, math.inf]])
def test_a_difference_that_is_not_finite_makes_the_max_infinite(make, diffs):
    rep = make(diffs)
    assert rep.max_abs_error == math.inf
    assert not rep.ok and rep.mismatches


@pytest.mark.parametrize("make", MAKERS)
def test_max_abs_error_is_the_largest_difference(make):
    assert make([1e-3, -4e-3, 2e-3]).max_abs_error == pytest.approx(4e-3, rel=1e-9)


@pytest.mark.parametrize("make", [torch_report, gradcheck_report])
def test_a_bounded_table_puts_mismatches_first_and_counts_the_rest(make):
    diffs = [0.0] * 7 + [0.25, 0.0, 0.5]
    rep = make(diffs)
    rep.see_all = "--rows 0"
    lines = rep.table(limit=3).splitlines()
    body = lines[2:-1]   # head, rule, …, note
    assert len(body) == 3
    assert [("✗" in line) for line in body] == [True, True, False]
    assert lines[-1] == "… 7 more rows not shown (--rows 0 lists all)"
    assert len(rep.table(limit=None).splitlines()) == 2 + len(diffs)


@pytest.mark.parametrize("make", MAKERS)
def test_the_notebook_shows_the_worst_rows_first(make):
    diffs = [1e-12 * k for k in range(20)] + [math.nan, 0.5]
    rep = make(diffs)
    page = rep._repr_html_()
    assert page.count("✗ differs") == 2
    # NaN is the worst of all, then 0.5: both ahead of every agreeing row
    assert page.index("_21^(") < page.index("_22^(") < page.index("_19^(")
    assert f"of {len(diffs)} rows" in page
