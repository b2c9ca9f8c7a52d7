"""What a class sees on the explorer page: the numbers as written, the controls' labels, the drawing's size."""

from __future__ import annotations

import neurosim as ns
from neurosim.explain.trace import fmt


def test_messages_table_writes_negative_operands_in_parentheses(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    page.js("ex.select(2, 1);")
    rows = page.page.locator('[data-role="details"] table.nsx-msgs tr:not(.nsx-sum) td:nth-child(2)').all_inner_texts()
    n = ex.net.neuron(2, 1)
    # as ns.trace writes them: "(-0.146677)·(-0.37)", never "-0.146677·-0.37"
    def operand(v):
        return f"({fmt(v)})" if fmt(v).startswith("-") else fmt(v)

    want = [f"{operand(c.target.delta)}·{operand(c.weight)}" for c in n.outgoing]
    assert rows == want
    assert any("·(-" in r for r in rows)
    assert page.errors == []
