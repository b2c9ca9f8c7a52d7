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


def test_play_button_says_what_it_does_and_draws_its_pause_bars(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    button = page.page.locator('[data-act="play"]')
    assert button.get_attribute("aria-label") == "play"
    button.click()
    assert page.js("return ex.playing();") is True
    assert button.get_attribute("aria-label") == "pause"
    assert button.inner_text().strip() == "pause"   # no "⏸", a box in fonts without it and an emoji in others
    icon = button.locator("svg.nsx-icon").bounding_box()
    assert icon is not None and icon["width"] > 5 and icon["height"] > 5
    button.click()
    assert page.js("return ex.playing();") is False
    assert button.get_attribute("aria-label") == "play"
    assert page.errors == []
