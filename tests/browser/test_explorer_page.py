"""The explorer page in a real browser, through DESIGN §5's contract: drawing, steps, values, keys, isolation."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurosim as ns

from .cases import ACTIVATIONS, ALL_STEPS_JS, LOSSES, STEP_FIELDS, VALUES_JS, python_values, random_case

SLOW_OK = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_drawing_has_one_element_per_neuron_and_connection(open_page):
    net, x, y = random_case(3, "tanh", "half_sse")
    net.prune(net.n_layers - 1, 1, 1)
    opened = open_page(ns.explore(net, x, y))
    page = opened.page
    assert page.locator("[data-node]").count() == sum(net.sizes)
    edges = sorted(page.eval_on_selector_all("[data-edge]", "els => els.map(e => e.dataset.edge)"))
    expected = sorted(f"{l},{c.i},{c.j}" for l in range(1, net.n_layers) for c in net.connections(l))
    assert edges == expected
    assert f"{net.n_layers - 1},1,1" not in edges   # the pruned connection is not drawn
    nodes = set(page.eval_on_selector_all("[data-node]", "els => els.map(e => e.dataset.node)"))
    assert nodes == {f"{l},{i}" for l, s in enumerate(net.sizes, 1) for i in range(1, s + 1)}
    assert opened.errors == []


@SLOW_OK
@given(seed=st.integers(0, 10_000), activation=st.sampled_from(ACTIVATIONS), loss=st.sampled_from(LOSSES))
def test_every_step_and_value_is_the_python_one(open_page, seed, activation, loss):
    net, x, y = random_case(seed, activation, loss)
    page = open_page(ns.explore(net, x, y))
    steps = ns.trace(net, x, y)
    assert page.js("return ex.steps();") == len(steps)
    shown = page.js(ALL_STEPS_JS)
    for step, got in zip(steps, shown):
        assert got == {f: getattr(step, f) for f in STEP_FIELDS}
    queries = python_values(net)
    got = page.js(VALUES_JS, [q[:4] for q in queries])
    for (kind, l, i, j, want), value in zip(queries, got):
        assert value == want, (kind, l, i, j)
    assert page.errors == []


def test_notation_and_digits_reach_the_page(open_page):
    ex = ns.example("gradients")
    steps = ns.trace(ex.net, ex.x, ex.y, notation="bracket", digits=4)
    page = open_page(ns.explore(ex.net, ex.x, ex.y, notation="bracket", digits=4))
    shown = page.js(ALL_STEPS_JS)
    assert [s["numbers"] for s in shown] == [s.numbers for s in steps]
    assert [s["symbol"] for s in shown] == [s.symbol for s in steps]


def test_keys_step_without_wrapping_and_never_reach_the_notebook(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    p = page.page
    p.evaluate("window.__seen = 0; document.addEventListener('keydown', () => { window.__seen++; });")
    root = p.locator("[data-neurosim-explorer]")
    root.click(position={"x": 5, "y": 5})
    assert p.evaluate("document.activeElement.hasAttribute('data-neurosim-explorer')")
    assert root.get_attribute("data-lm-suppress-shortcuts") == "true"
    pos = "return ex.position();"
    p.keyboard.press("ArrowLeft")
    assert page.js(pos) == 0   # no wrap-around at the start
    p.keyboard.press("ArrowRight")
    p.keyboard.press("ArrowRight")
    assert page.js(pos) == 2
    p.keyboard.press("ArrowLeft")
    assert page.js(pos) == 1
    p.keyboard.press("End")
    n = page.js("return ex.steps();")
    assert page.js(pos) == n - 1
    p.keyboard.press("ArrowRight")
    assert page.js(pos) == n - 1   # no wrap-around at the end
    p.keyboard.press("Home")
    assert page.js(pos) == 0
    p.keyboard.press(" ")
    assert page.js("return ex.playing();") is True
    p.keyboard.press(" ")
    assert page.js("return ex.playing();") is False
    assert p.evaluate("window.__seen") == 0
    assert page.errors == []


def test_the_contract_names_bad_arguments(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))

    def error(body):
        return page.js(f"try {{ {body}; return null; }} catch (e) {{ return e.message; }}")

    assert error("ex.goto('3')").startswith("k:")
    assert error("ex.value('q', 1, 1)").startswith("kind:")
    assert error("ex.value('z', 9, 1)").startswith("l:")
    assert error("ex.value('weight', 1, 1, 7)").startswith("j:")
    assert error("ex.select(2, 5)").startswith("i:")
    assert page.js("return ex.goto(10_000);") == page.js("return ex.steps();") - 1   # clamped
    assert page.js("return ex.goto(-3);") == 0
    assert page.js("return [ex.value('delta', 1, 1), ex.value('bias', 1, 2), ex.value('z', 1, 1)];") == [None] * 3
    assert page.js("return ex.value('a', 1, 2);") == float(ex.x[1])


def test_details_show_the_selected_neuron_and_connection(open_page):
    ex = ns.example("gradients")
    steps = ns.trace(ex.net, ex.x, ex.y)
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    p = page.page
    p.locator('[data-node="2,1"]').click()
    details = p.locator('[data-role="details"]').inner_text()
    delta = next(s for s in steps if s.kind == "delta" and s.layer == 2 and s.index == 1)
    assert delta.numbers in details.replace("\n", " ")
    n = ex.net.neuron(2, 1)
    total = sum(c.target.delta * c.weight for c in n.outgoing)
    assert p.locator('[data-role="message-sum"]').inner_text() == f"= {ns.trace.__globals__['fmt'](total)}"
    page.js("ex.select(1, 2, 3);")
    details = p.locator('[data-role="details"]').inner_text().replace("\n", " ")
    grad = next(s for s in steps if s.kind == "W" and s.layer == 1 and s.index == 2 and s.source == 3)
    assert grad.numbers in details
    # keyboard: Tab to a neuron and press Enter
    p.locator('[data-node="3,2"]').focus()
    p.keyboard.press("Enter")
    assert "Neuron 2 of layer 3" in p.locator('[data-role="details"]').inner_text()


def test_two_explorers_on_one_page_stay_independent(open_page):
    a = ns.example("gradients")
    net, x, y = random_case(5, "relu", "cross_entropy")
    first, second = ns.explore(a.net, a.x, a.y), ns.explore(net, x, y)
    html = ("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
            f"{first._repr_html_()}<p>between</p>{second._repr_html_()}</body></html>")
    page = open_page(html)
    page.js("ex.goto(7); ex.select(2, 1);", n=0)
    assert page.js("return ex.position();", n=1) == 0
    assert page.js("return ex.steps();", n=1) == len(ns.trace(net, x, y))
    ids = page.page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)) and all(i.startswith("nsx") for i in ids)
    details = page.page.locator('[data-role="details"]')
    assert "Neuron 1 of layer 2" in details.nth(0).inner_text()
    assert "Neuron 1 of layer 2" not in details.nth(1).inner_text()
    assert page.errors == []


def test_no_request_leaves_the_page_and_no_console_errors(open_page):
    net, x, y = random_case(11, "sigmoid", "binary_cross_entropy")
    page = open_page(ns.explore(net, x, y))
    page.js("for (let k = 0; k < ex.steps(); k++) { ex.goto(k); } ex.select(1, 1); return 0;")
    page.page.wait_for_timeout(50)
    assert page.requests == [page.url]
    assert page.errors == []


def test_text_fallback_shows_without_scripts(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y), js=False)
    fallback = page.page.locator('[data-role="fallback"]')
    assert fallback.is_visible()
    text = fallback.inner_text()
    assert "trust the notebook" in text and "nbviewer" in text
    assert ns.trace.__globals__["fmt"](ex.net.neuron(2, 1).z) in text
    assert not page.page.locator(".nsx-app").is_visible()


def test_user_strings_are_escaped(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y, title="<img src=x onerror=alert(1)></script>&"))
    assert page.page.locator('[data-role="title"]').inner_text() == "<img src=x onerror=alert(1)></script>&"
    assert page.page.locator("img").count() == 0
    assert page.errors == [] and page.requests == [page.url]


@pytest.mark.parametrize("sizes", [[8, 16, 16, 4], [64, 32, 10]])
def test_size_and_speed_of_big_pages(open_page, tmp_path, sizes):
    """Printed for docs/performance.md; never asserted on time."""
    net = ns.Network(sizes, activation="tanh", seed=1)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, sizes[0]), rng.uniform(0, 1, sizes[-1])
    start = time.perf_counter()
    ex = ns.explore(net, x, y)
    path = ex.save(tmp_path / "big.html")
    built = time.perf_counter() - start
    size = path.stat().st_size
    start = time.perf_counter()
    page = open_page(ex)
    page.page.wait_for_function("document.querySelector('[data-neurosim-explorer]').explorer !== undefined")
    ready = time.perf_counter() - start
    n = page.js("return ex.steps();")
    assert n == len(ns.trace(net, x, y))
    assert size < (1 if sizes[0] == 8 else 3) * 1_000_000
    # a what-if edit, timed inside the page: every number and step recomputed, the drawing repainted
    edit = page.js("ex.goto(0); const ms = []; for (let r = 1; r <= 5; r++) { const t = performance.now(); "
                   "ex.setWeight(1, 1, 1, 0.1 * r); ms.push(performance.now() - t); } return Math.min(...ms);")
    print(f"\nexplorer {'-'.join(map(str, sizes))}: {size / 1e6:.2f} MB, built and saved in {built:.2f} s, "
          f"ready in Chromium in {ready:.2f} s, {n} steps, a what-if edit {edit:.0f} ms (best of 5)")
    assert page.errors == []


def test_exports_svg_and_png_for_slides(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    page.js("ex.goto(14); ex.select(2, 1);")
    svg = page.js("return ex.exportSVG();")
    assert svg.startswith("<?xml") and svg.count("data-edge=") == 20 and svg.count("data-node=") == 9
    assert "stroke:" in svg and 'class="' not in svg   # styles written in: the file stands alone
    with page.page.expect_download() as info:
        page.page.locator('[data-act="png"]').click()
    assert open(info.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with page.page.expect_download() as info:
        page.page.locator('[data-act="svg"]').click()
    assert info.value.suggested_filename.endswith(".svg")
    assert page.errors == [] and page.requests[0] == page.url


def test_play_mode_page_of_an_animation(open_page):
    ex = ns.example("gradients")
    anim = ns.animate(ex.net, ex.x, ex.y, phases=("backward",), dpi=30)
    page = open_page(anim.explorer)
    assert page.js("return ex.steps();") == len(anim.steps) == 6
    assert page.js("return ex.playing();") is True   # play mode starts by itself
    page.js("ex.pause();")
    shown = page.js("const out = []; for (let k = 0; k < ex.steps(); k++) { ex.goto(k); out.push(ex.current()); } "
                    "return out;")
    assert [s["numbers"] for s in shown] == [s.numbers for s in anim.steps]


def test_non_finite_numbers_are_written_not_coloured(open_page):
    net = ns.Network([2, 2, 1], activation="identity", seed=0)
    net.set_weights(1, [[1e308, 1e308], [0.5, 0.5]])   # z_1^(2) = inf, then NaN further on
    page = open_page(ns.explore(net, [10.0, 10.0], [0.5]))
    page.js("ex.goto(1);")   # a_1^(2) computed
    node = page.page.locator('[data-node="2,1"]')
    assert node.locator(".nsx-v").text_content() == "inf"
    assert node.locator("circle").get_attribute("fill") == "none"
    assert "nsx-nonfinite" in node.get_attribute("class")
    assert page.js("return ex.value('z', 2, 1);") == float("inf")
    assert page.errors == []
