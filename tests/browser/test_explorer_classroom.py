"""What a class sees on the explorer page: the numbers as written, the controls' labels, the drawing's size."""

from __future__ import annotations

import numpy as np

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


SPILLS_JS = """() => [...document.querySelectorAll('[data-node]')].filter((g) => g.checkVisibility()).flatMap((g) => {
  const t = g.querySelector('.nsx-v'), c = g.querySelector('circle');
  return t.textContent.trim() && t.getBoundingClientRect().width > c.getBoundingClientRect().width - 1
    ? [g.dataset.node + ' ' + t.textContent] : [];
})"""


def test_values_fit_inside_their_neurons(open_page):
    # a 12-neuron layer makes small circles; "-0.0773" (seven characters) used to run over the circle's edge
    net = ns.Network([5, 12, 3], activation="tanh", loss="binary_cross_entropy", seed=2)
    explorer = ns.explore(net, np.linspace(-1, 1, 5), [0.0, 1.0, 0.5])
    static = open_page(explorer, js=False)   # the drawing as written by Python (no script)
    assert static.page.evaluate(SPILLS_JS) == []
    page = open_page(explorer)
    for k in (page.js("return ex.steps();") - 1, 40, 0):   # δ, a and z values
        page.js("ex.goto(arg);", k)
        assert page.page.evaluate(SPILLS_JS) == [], k
    assert page.errors == []


def test_the_drawing_is_legible_in_a_notebook_column(open_page):
    """About 900 px wide (a notebook's output area): the drawing takes the whole width (the step and the details
    go below it) instead of shrinking to 60 % beside them, so its text stays about the size of the page's."""
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    page.page.set_viewport_size({"width": 900, "height": 800})
    sizes = page.page.evaluate("""() => { const svg = document.querySelector('svg.nsx-svg');
      const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() && !t.closest('tspan'))
        .map((t) => parseFloat(getComputedStyle(t).fontSize) * k); }""")
    assert sizes and min(sizes) >= 10, min(sizes)
    page.page.set_viewport_size({"width": 1280, "height": 900})   # wide: side by side again
    stage, side = (page.page.locator(f'[data-role="{r}"]').bounding_box() for r in ("stage", "step"))
    assert side["x"] > stage["x"] + stage["width"] - 1


def test_a_what_if_field_says_what_is_wrong_under_itself(open_page):
    net = ns.Network([2, 2, 1], activation="tanh", loss="binary_cross_entropy", seed=4)
    page = open_page(ns.explore(net, [0.5, -0.2], [1.0]))
    p = page.page
    page.js("ex.select(1, 2);")
    error = p.locator('[data-role="details"] [data-role="field-error"]')

    def type_in(kind, text):
        p.locator(f'[data-role="details"] input[data-edit="{kind}"]').fill(text)
        p.keyboard.press("Enter")

    for typed in ("1e400", "abc", "0x10", ""):
        type_in("x", typed)
        assert error.inner_text() == f'x_2: expected a finite number, got "{typed}"'
        assert p.locator('input[data-edit="x"]').get_attribute("aria-invalid") == "true"
        assert page.js("return ex.value('a', 1, 2);") == -0.2   # nothing changed
    type_in("x", "−0.25")   # a typographic minus, as pasted from a slide
    assert page.js("return ex.value('a', 1, 2);") == -0.25
    assert error.count() == 1 and error.inner_text() == ""
    page.js("ex.select(3, 1);")
    type_in("y", "2")   # an output neuron has two fields, y_1 first
    assert error.first.inner_text().startswith("y_1: expected a target in [0, 1]")
    assert page.errors == []


def test_input_neurons_take_colour_only_from_the_scale_of_a(open_page):
    """The legend names one quantity: in the backward pass it is δ, which an input neuron does not have."""
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    fills = "return [1, 2, 3].map((i) => document.querySelector(`[data-node='1,${i}'] circle`).getAttribute('fill'));"
    values = "return [1, 2, 3].map((i) => document.querySelector(`[data-node='1,${i}'] .nsx-v`).textContent);"
    page.js("ex.goto(0);")
    assert "none" not in page.js(fills)                        # forward: a (x in layer 1), coloured
    page.js("ex.goto(ex.steps() - 1);")
    assert page.page.locator('[data-role="legend-n-name"]').text_content() == "neurons: δ"
    assert page.js(fills) == ["none"] * 3                      # no δ: no colour
    assert page.js(values) == ["0.5", "-0.2", "0.1"]           # x still written
    page.page.locator('[data-role="neuronShow"]').select_option("a")
    assert "none" not in page.js(fills)
    assert page.errors == []


def test_every_control_says_what_it_does(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    page.js("ex.select(2, 1);")
    unnamed = page.page.evaluate("""() => [...document.querySelectorAll('.nsx button, .nsx select, .nsx input')]
      .filter((el) => !(el.getAttribute('aria-label') || el.title || el.closest('label')
        || (el.tagName === 'BUTTON' && el.closest('.nsx-picks, .nsx-controls'))))
      .map((el) => el.outerHTML.slice(0, 80))""")
    assert unnamed == []
    for act in ("svg", "png", "json"):   # "SVG", "PNG", "JSON" alone do not say what is saved
        title = page.page.locator(f'[data-act="{act}"]').get_attribute("title")
        assert title and ("drawing" in title or "network" in title), act


def test_the_matrix_panel_shows_dJ_dW_of_a_16_neuron_layer_without_scrolling(open_page):
    net = ns.Network([8, 16, 16, 4], activation="relu", loss="cross_entropy", seed=1)
    page = open_page(ns.explore(net, np.linspace(-1, 1, 8), 2))
    page.page.set_viewport_size({"width": 1280, "height": 900})
    panel = page.page.locator('[data-role="matrix"]')
    page.js("ex.select(3, 1, 1);")   # the panel shows W^(3), δ^(4), (W^(3))ᵀδ^(4), ReLU′(z^(3)), then ∂J/∂W^(3)
    assert panel.evaluate("e => e.open")
    assert panel.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    assert page.errors == []


def test_the_keys_keep_working_after_a_button_in_the_details(open_page):
    """The details are rebuilt on a pick: the focused button vanished and focus fell to the page's body."""
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    p = page.page
    p.locator('[data-node="2,1"]').click()
    p.locator('[data-pick="1,1,1"]').click()                 # by mouse: to the connection W_11^(1)
    assert "Connection" in p.locator('[data-role="details"] h4').inner_text()
    assert p.evaluate("document.activeElement.closest('[data-neurosim-explorer]') !== null")
    p.keyboard.press("ArrowRight")
    assert page.js("return ex.position();") == 1
    p.keyboard.press("Tab")                                  # on into the new details: the weight's field
    assert p.evaluate("document.activeElement.dataset.edit") == "W"
    p.locator('[data-pick="1,1"]').focus()
    p.keyboard.press("Enter")                                # by keyboard: to the neuron x_1
    assert "Input neuron 1" in p.locator('[data-role="details"] h4').inner_text()
    p.keyboard.press("ArrowRight")
    assert page.js("return ex.position();") == 2
    assert page.errors == []


BREAKS_JS = """() => [...document.querySelectorAll('.nsx-numbers')].flatMap((el) => {
  const out = [], range = document.createRange(), walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let top = null, before = ' ';
  for (let text = walk.nextNode(); text; text = walk.nextNode()) {
    for (let k = 0; k < text.length; k++) {
      range.setStart(text, k); range.setEnd(text, k + 1);
      const r = range.getClientRects()[0], ch = text.data[k];
      if (r && top !== null && r.top > top + 2 && before !== ' ' && ch !== ' ') {
        out.push(el.textContent);
      }
      if (r) { top = r.top; }
      before = ch;
    }
  }
  return out;
})"""


def test_long_numbers_lines_wrap_between_terms_not_inside_them(open_page):
    ex = ns.example("gradients")
    page = open_page(ns.explore(ex.net, ex.x, ex.y))
    page.page.set_viewport_size({"width": 1280, "height": 900})
    for l, i in ((2, 3), (2, 1), (2, 2)):
        page.js("ex.select(...arg); ex.goto(20);", [l, i])
        assert page.page.evaluate(BREAKS_JS) == [], (l, i)   # e.g. "σ′" | "(-0.502)" on the next line
