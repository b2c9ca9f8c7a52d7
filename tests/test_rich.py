"""Rich notebook forms: each carries the same numbers as the object's text form, and escapes user strings."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

import neurosim as ns
from neurosim.explain.trace import Trace

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def visible(markup: str) -> str:
    """The text a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.fixture
def passed():
    ex = ns.example("gradients")
    ex.net.forward(ex.x)
    ex.net.backward(ex.y)
    return ex


def test_network_shows_its_repr_layer_table_and_every_neuron_and_connection(passed):
    net = passed.net
    net.prune(1, 2, 3)
    page = net._repr_html_()
    assert html.escape(repr(net)) in page or repr(net) in visible(page)
    for n_neurons in net.sizes:
        assert f"<td>{n_neurons}</td>" in page
    nodes = re.findall(r'data-node="(\d+),(\d+)"', page)
    assert sorted((int(l), int(i)) for l, i in nodes) == sorted(net.graph.nodes)
    edges = {tuple(map(int, e)) for e in re.findall(r'data-edge="(\d+),(\d+),(\d+)"', page)}
    assert edges == {(c.layer, c.i, c.j) for l in (1, 2) for c in net.connections(l)}
    assert (1, 2, 3) not in edges and "11 of 12 (pruned)" in page
    assert page.count("<line data-edge") == len(edges) == 19
    # one drawing routine for the notebook, the explorer and the problem sheets: the SVG is base.svg's
    from neurosim.base.svg import network_svg
    from neurosim.views.explorer import network_svg as explorer_svg
    assert explorer_svg is network_svg


def test_a_large_network_shows_its_table_without_a_drawing():
    page = ns.Network([60, 60, 2], seed=0)._repr_html_()
    assert "<svg" not in page and "too many to draw" in page and "3720" in page


def test_neuron_and_connection_carry_the_numbers_of_their_repr(passed):
    net = passed.net
    for obj in (net.neuron(2, 3), net.neuron(3, 1), net.connection(2, 1, 4)):
        page = obj._repr_html_()
        shown = numbers(visible(page))
        values = re.findall(r"=([^,)]+)", repr(obj))
        assert len(values) >= 2
        for value in values:
            assert value in shown, f"{value} of {obj!r} missing"
    assert "input" in net.neuron(1, 2)._repr_html_()


def test_user_strings_are_escaped():
    evil = ns.Activation("<script>x</script>", lambda z: np.tanh(z), lambda z: 1 - np.tanh(z) ** 2)
    net = ns.Network([2, 2, 1], activation=evil, output="identity", seed=0)
    steps = ns.trace(net, [0.5, -1.0], [0.2])
    for page in (net._repr_html_(), net.neuron(2, 1)._repr_html_(), steps._repr_html_(), steps[3]._repr_html_(),
                 ns.paths(net, 1, 1, 1)._repr_html_()):
        assert "<script>" not in page
    assert "&lt;script&gt;" in net._repr_html_()


def test_step_shows_its_formula_typeset_and_its_numbers(passed):
    steps = ns.trace(passed.net, passed.x, passed.y)
    delta = next(s for s in steps if s.phase == "backward" and s.layer == 2)
    page = delta._repr_html_()
    assert html.escape(delta.numbers) in page and html.escape(delta.latex) in page
    assert delta.aside() in visible(page)
    latex = delta._repr_latex_()
    assert latex.startswith("$$") and delta.latex_numbers in latex and delta.latex.split(" = ")[1] in latex


def test_trace_is_a_list_of_steps_displayed_grouped_by_phase(passed):
    steps = ns.trace(passed.net, passed.x, passed.y)
    assert isinstance(steps, Trace) and isinstance(steps, list) and all(isinstance(s, ns.Step) for s in steps)
    assert isinstance(steps[2:5], Trace) and steps[2:5] == list(steps)[2:5]
    assert [s.phase for s in steps.phase("backward")] == ["backward"] * 6
    page = steps._repr_html_()
    # the phase headings appear in order, and every step's numbers appear in order after them
    heads = [page.index(f"<tr class='ns-group'><td colspan='4'>{t}") for t in
             ("forward pass", "backward pass", "gradients")]
    assert heads == sorted(heads)
    at = 0
    for s in steps:
        at = page.index(html.escape(s.numbers), at)
    text = str(steps)
    assert all(str(s) in text for s in steps) and text.index("backward pass") > text.index("forward pass")


def test_a_long_trace_is_cut_and_says_so():
    steps = ns.trace(ns.Network([12, 12, 12, 3], seed=0), np.ones(12), np.zeros(3))
    page = steps._repr_html_()
    assert f"… {len(steps) - 300} more steps not shown" in page


def test_path_sum_shows_the_numbers_of_its_text(passed):
    ps = ns.paths(passed.net, 1, 2, 3, passed.x, passed.y)
    page = ps._repr_html_()
    for line in ps.text().splitlines():
        for value in numbers(line.split(":")[-1]):
            assert value in visible(page)


def test_reports_show_the_verdict_first_then_the_worst_rows():
    ex = ns.example("van-vaerenbergh")
    twin = ns.MatrixNetwork.from_network(ex.net)
    twin.W[1][0, 2] += 1e-3
    rep = ns.compare(ex.net, ex.X, ex.Y, twin=twin)
    page = rep._repr_html_()
    assert page.index("MISMATCH") < page.index(html.escape(rep.verdict())) < page.index("<table")
    full = rep.table(limit=None)
    body = re.findall(r"<tr[^>]*>(.*?)</tr>", page)[1:]
    assert len(body) == rep.html_rows and "✗ differs" in body[0]
    for row in body:
        cells = [visible(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        assert any(line.split() == " ".join(cells).split() for line in full.splitlines())
    good = ns.gradient_check(ex.net, ex.X, ex.Y)._repr_html_()
    assert "OK" in good and good.index("OK") < good.index("<table")


def test_gradient_check_report_puts_the_worst_first():
    net = ns.Network([2, 3, 1], seed=0)
    rep = ns.gradient_check(net, [[0.1, 0.2], [0.3, -0.1]], [[0.5], [0.2]])
    body = re.findall(r"<tr[^>]*>(.*?)</tr>", rep._repr_html_())[1:]
    shown = [float(visible(re.findall(r"<td[^>]*>(.*?)</td>", row)[3])) for row in body]
    assert shown == sorted(shown, reverse=True) and shown[0] == float(f"{rep.max_rel_error:.2e}")


def test_drawings_and_plots_display_inline_and_stay_figures(passed, tmp_path):
    figs = [ns.draw(passed.net, x=passed.x, y=passed.y), ns.plot.loss_curve([1.0, 0.5, 0.2])]
    X, y = ns.datasets.xor(m=20, seed=0)
    figs.append(ns.plot.decision_boundary(ns.Network([2, 3, 1], seed=0), X, y, resolution=20))
    for fig in figs:
        png = fig._repr_png_()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
        fig.savefig(tmp_path / "f.png")
        assert (tmp_path / "f.png").stat().st_size > 2000


def _matrix_cells(page: str) -> list[str]:
    return [visible(c).strip() for c in re.findall(r"<td[^>]*><span class='ns-num'>(.*?)</span></td>", page)]


@pytest.mark.parametrize("view", ["layer_hidden", "layer_output", "batch", "why"])
def test_bridge_views_show_every_matrix_entry_of_their_text(view):
    ex = ns.example("alsup" if view == "batch" else "some-notes")
    net, x, y = ex.net, ex.x, ex.y
    obj = {"layer_hidden": lambda: ns.bridge.layer_bridge(net, x, y, 2),
           "layer_output": lambda: ns.bridge.layer_bridge(net, x, y, 3),
           "batch": lambda: ns.bridge.batch_bridge(net, ex.X, ex.Y),
           "why": lambda: ns.bridge.why_view(net, x, y)}[view]()
    text, page = obj.text(), obj._repr_html_()
    # every matrix printed in the text is a table in the page, entry by entry, in the same order
    blocks = [b for b in obj.lines() if hasattr(b, "items")]
    entries = [v for b in blocks for p in b.items if not isinstance(p, str) for row in p[1] for v in row]
    assert _matrix_cells(page) == entries and entries
    assert all(e in text for e in entries)
    for line in obj.lines():   # and every line of prose is there as it is
        if line.strip() and not hasattr(line, "items"):
            assert html.escape(line) in page, line
    titles = [p[0] for b in blocks for p in b.items if not isinstance(p, str)]
    assert all(f"<caption>{html.escape(t)}</caption>" in page for t in titles)


def test_layer_bridge_highlights_one_neuron_s_row_everywhere():
    ex = ns.example("gradients")
    b = ns.bridge.layer_bridge(ex.net, ex.x, ex.y, 2)
    page = b.html(neuron=3)
    hi = re.findall(r"<td class='ns-hi'><span class='ns-num'>(.*?)</span>", page)
    WT = [f"{v:.4g}" for v in b.W.T[2]]
    assert hi[:len(WT)] == WT                      # row 3 of (W^(2))ᵀ, the weights leaving neuron 3
    assert ns.explain.trace.fmt(b.WT_delta[2], 4) in hi and ns.explain.trace.fmt(b.delta[2], 4) in hi
    assert "<span class='ns-hi'>    i = 3:" in page
    assert "i = 2:" in page and "<span class='ns-hi'>    i = 2:" not in page
    with pytest.raises(ValueError, match="neuron"):
        b.html(neuron=5)


def test_quiz_and_its_check_carry_the_numbers_of_their_text():
    quiz = ns.Quiz(seed=3, sizes=(2, 3, 2), ask="delta")
    page = quiz._repr_html_()
    for line in quiz.question.splitlines():
        for token in re.findall(r"-?\d+\.\d+|—", line):
            assert token in visible(page)
    assert html.escape(quiz.prompt) in page
    wrong = quiz.check(quiz.expected + 1.0)
    assert "not quite" in wrong._repr_html_() and html.escape(str(wrong)) in wrong._repr_html_()
    assert "right" in quiz.check(quiz.expected)._repr_html_()


def test_twin_and_example_display_the_same_network():
    ex = ns.example("van-vaerenbergh")
    ex.net.prune(2, 1, 3)
    twin = ns.MatrixNetwork.from_network(ex.net)
    mine, its = ex.net._repr_html_(), twin._repr_html_()
    edges = re.compile(r'<line data-edge="([\d,]+)"[^>]*>')
    assert edges.findall(mine) == edges.findall(its) and "11 of 12 (pruned)" in its
    assert html.escape(repr(twin)) in its
    page = ex._repr_html_()
    assert html.escape(ex.title) in page and mine in page
    for x, y in zip(ex.X, ex.Y):
        assert ", ".join(f"{v:g}" for v in x) in page and ", ".join(f"{v:g}" for v in y) in page


def test_history_shows_its_summary_not_every_cost():
    X, y = ns.datasets.xor(m=12, seed=0)
    net = ns.Network([2, 2, 1], loss="binary_cross_entropy", seed=0)
    history = net.fit(X[:8], y[:8], epochs=30, lr=0.5, validation=(X[8:], y[8:]))
    page = history._repr_html_()
    assert html.escape(history.summary()) in page and "30 epochs" in page
    assert f"{history[5]!r}" not in page
