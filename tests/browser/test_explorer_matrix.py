"""The linked matrix panel: the bridge's matrices follow the selection and the what-if edits."""

from __future__ import annotations

import neurosim as ns
from neurosim.explain.trace import fmt

from .cases import random_case

HIT = "return [...document.querySelectorAll('[data-role=matrix] td.nsx-hit')].map((td) => [td.dataset.cell, td.title]);"


def _message_sum(net, l, i):
    total = 0.0
    for c in net.neuron(l, i).outgoing:
        total += c.target.delta * c.weight
    return total


def test_selected_neuron_lights_its_message_sum(open_page):
    net, x, y = random_case(4, "tanh", "sse", prune=True, max_width=3)
    while net.n_layers < 3:   # a hidden layer is needed: take the next seed
        net, x, y = random_case(net.sizes[0] + 40, "tanh", "sse", max_width=3)
    page = open_page(ns.explore(net, x, y))
    page.page.evaluate("document.querySelector('[data-role=matrix]').open = true")
    for i in range(1, net.sizes[1] + 1):
        page.js("ex.select(2, arg);", i)
        hits = dict(page.page.evaluate(f"() => {{ {HIT} }}"))
        want = fmt(_message_sum(net, 2, i))
        assert hits[f"sum,{i}"].endswith(f"= {want}: the messages neuron {i} of layer 2 receives")
        details = page.page.locator('[data-role="message-sum"]').inner_text()
        assert details == f"= {want}"


def test_selected_connection_lights_its_weight_and_outer_product_entry(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    page.js("ex.select(1, 2, 3);")
    hits = dict(page.page.evaluate(f"() => {{ {HIT} }}"))
    c = ex.net.connection(1, 2, 3)
    assert hits["W,2,3"] == f"W_23^(1) = {fmt(c.weight)}"
    assert hits["outer,2,3"].endswith(f"= {fmt(c.grad)}")
    # a click on a matrix entry selects what it belongs to
    page.page.locator('[data-role=matrix] td[data-cell="W,1,2"]').click()
    assert "Connection" in page.page.locator('[data-role="details"]').inner_text()
    assert page.page.locator('[data-edge="1,1,2"]').get_attribute("class").count("nsx-sel") == 1
    page.page.locator('[data-role=matrix] td[data-cell="sum,3"]').click()
    assert "Input neuron 3" in page.page.locator('[data-role="details"]').inner_text()   # panel shows l = 1


def test_panel_follows_what_if_edits(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    page.js("ex.setWeight(2, 1, 1, 0.9); ex.select(2, 1);")
    ex.net.connection(2, 1, 1).weight = 0.9
    ns.trace(ex.net, ex.x, ex.y)
    hits = dict(page.page.evaluate(f"() => {{ {HIT} }}"))
    assert f"= {fmt(_message_sum(ex.net, 2, 1))}:" in hits["sum,1"]
    assert page.errors == []
