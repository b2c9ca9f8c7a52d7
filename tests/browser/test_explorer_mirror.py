"""The page's JS mirror (engine.js, trace.js) against Python: number formatting, what-if edits, exports."""

from __future__ import annotations

import json
import math
import struct

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.core.network import Network
from neurosim.explain.trace import fmt
from neurosim.views.explorer.page import asset

from .cases import ACTIVATIONS, ALL_STEPS_JS, LOSSES, STEP_FIELDS, VALUES_JS, close, python_values, random_case

FEW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _tricky_numbers() -> list[float]:
    rng = np.random.default_rng(7)
    values = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-5, 1e-4, 0.0001234565, 123456.5, 123457.5, 12345.25, 12345.75, 999999.5,
              9999995.0, 1e16, 1.5e-300, 5e-324, 1.7976931348623157e308, 0.1, 0.3, 2.5, 1234565.0, 0.125, 1e100,
              float("nan"), float("inf"), float("-inf"), 100000.0, 1000000.0, 999999.4, 0.00001, 123456789.0]
    values += [-v for v in values[:24]]
    values += (rng.standard_normal(300) * 10.0 ** rng.integers(-12, 12, 300)).tolist()
    # random bit patterns: every exponent, every mantissa
    values += [struct.unpack("<d", rng.bytes(8))[0] for _ in range(300)]
    return [v for v in values if not (isinstance(v, float) and math.isnan(v))] + [float("nan")]


def test_fmt_writes_pythons_digits(browser):
    page = browser.new_page()
    page.set_content("<!DOCTYPE html><meta charset='utf-8'><p>fmt</p>")
    page.add_script_tag(content=asset("trace.js") + "\nwindow.fmt = fmt;")
    values = _tricky_numbers()
    for digits in (1, 3, 6, 10, 17):
        got = page.evaluate("([vs, d]) => vs.map((v) => window.fmt(v, d))", [values, digits])
        want = [fmt(v, digits) for v in values]
        assert got == want, [(v, g, w) for v, g, w in zip(values, got, want) if g != w][:5]
    page.close()


def _apply(net, x, y, edits):
    """The same edits in Python; returns (x, y)."""
    x = np.array(x, dtype=float)
    t = list(np.atleast_1d(ns.core.validation.as_target(y, net.loss, net.sizes[-1])))
    for kind, args, v in edits:
        if kind == "x":
            x[args[0] - 1] = v
        elif kind == "y":
            if net.loss.name == "cross_entropy":
                if v == 1:
                    t = [1.0 if k == args[0] - 1 else 0.0 for k in range(len(t))]
            else:
                t[args[0] - 1] = v
        elif kind == "W":
            net.connection(*args).weight = v
        else:
            net.neuron(*args).bias = v
    return x, np.array(t)


def _random_edits(net, rng, n):
    edits = []
    conns = [(l, c.i, c.j) for l in range(1, net.n_layers) for c in net.connections(l)]
    for _ in range(n):
        what = rng.choice(["x", "y", "W", "b"])
        v = float(np.round(rng.normal(0, 1.5), 4))
        if what == "x":
            edits.append(("x", (int(rng.integers(1, net.sizes[0] + 1)),), v))
        elif what == "y":
            if net.loss.name == "cross_entropy":
                v = float(rng.integers(0, 2))
            elif net.loss.name == "binary_cross_entropy":
                v = float(np.round(rng.uniform(0, 1), 3))
            edits.append(("y", (int(rng.integers(1, net.sizes[-1] + 1)),), v))
        elif what == "W" and conns:
            edits.append(("W", conns[int(rng.integers(len(conns)))], v))
        else:
            l = int(rng.integers(2, net.n_layers + 1))
            edits.append(("b", (l, int(rng.integers(1, net.sizes[l - 1] + 1))), v))
    return edits


SET = {"x": "setInput", "y": "setTarget", "W": "setWeight", "b": "setBias"}


@FEW
@given(seed=st.integers(0, 10_000), activation=st.sampled_from(ACTIVATIONS), loss=st.sampled_from(LOSSES),
       n_edits=st.integers(1, 4))
def test_what_if_edits_agree_with_python(open_page, seed, activation, loss, n_edits):
    net, x, y = random_case(seed, activation, loss)
    page = open_page(ns.explore(net, x, y))
    edits = _random_edits(net, np.random.default_rng(seed), n_edits)
    for kind, args, v in edits:
        page.js(f"ex.{SET[kind]}(...arg);", [*args, v])
    x2, t2 = _apply(net, x, y, edits)
    steps = ns.trace(net, x2, t2)
    shown = page.js(ALL_STEPS_JS)
    assert len(shown) == len(steps)
    for step, got in zip(steps, shown):
        for f in STEP_FIELDS:
            if f == "value":
                assert close(got["value"], step.value), (step.symbol, got["value"], step.value)
            else:
                assert got[f] == getattr(step, f), (f, got[f], getattr(step, f))
    queries = python_values(net)
    for (kind, l, i, j, want), value in zip(queries, page.js(VALUES_JS, [q[:4] for q in queries])):
        assert close(value, want), (kind, l, i, j, value, want)
    assert page.errors == []


def test_no_op_edit_regenerates_the_python_strings(open_page):
    """The JS trace alone (an edit that changes nothing) writes ns.trace's strings, symbol for symbol."""
    for k, (act, loss) in enumerate([("softplus", "cross_entropy"), ("leaky_relu", "sse"),
                                     ("sigmoid", "binary_cross_entropy"), ("tanh", "half_sse")]):
        net, x, y = random_case(100 + k, act, loss)
        for notation in [("vv", "alsup", "bracket", "vv")[k]]:
            page = open_page(ns.explore(net, x, y, notation=notation))
            c = net.connections(1)[0]
            page.js("ex.setWeight(...arg);", [1, c.i, c.j, c.weight])
            shown = page.js(ALL_STEPS_JS)
            steps = ns.trace(net, x, y, notation=notation)
            assert [s["formula"] for s in shown] == [s.formula for s in steps]
            assert [s["numbers"] for s in shown] == [s.numbers for s in steps]


def test_target_rules_and_bad_edits(open_page):
    def error(page, body):
        return page.js(f"try {{ {body}; return null; }} catch (e) {{ return e.message; }}")

    net, x, _ = random_case(8, "tanh", "cross_entropy")
    page = open_page(ns.explore(net, x, 0))
    page.js("ex.setTarget(2, 1);")
    k = net.sizes[-1]
    steps = ns.trace(net, x, 1)   # class 1 is output neuron 2
    out = [s for s in steps if s.kind == "delta" and s.layer == net.n_layers]
    got = page.js(f"return [...Array({k}).keys()].map((i) => ex.value('delta', {net.n_layers}, i + 1));")
    assert all(close(g, s.value) for g, s in zip(got, out))
    page.js("ex.setTarget(1, 0);")   # 0 changes nothing
    got = page.js(f"return [...Array({k}).keys()].map((i) => ex.value('delta', {net.n_layers}, i + 1));")
    assert all(close(g, s.value) for g, s in zip(got, out))
    assert error(page, "ex.setTarget(1, 0.5)").startswith("v:")
    assert error(page, "ex.setInput(0, 1)").startswith("j:")
    assert error(page, "ex.setInput(1, NaN)").startswith("v:")
    assert error(page, "ex.setBias(1, 1, 0.5)").startswith("l:")
    net2, x2, y2 = random_case(9, "relu", "binary_cross_entropy")
    page2 = open_page(ns.explore(net2, x2, y2))
    assert error(page2, "ex.setTarget(1, 1.5)").startswith("v:")


def test_export_loads_back_and_reset_restores(open_page, tmp_path):
    net, x, y = random_case(21, "sigmoid", "half_sse")
    page = open_page(ns.explore(net, x, y))
    c = net.connections(1)[0]
    page.js("ex.setWeight(...arg); ex.setBias(2, 1, 0.25);", [1, c.i, c.j, 0.75])
    path = tmp_path / "edited.json"
    path.write_text(page.js("return ex.exportJSON();"), encoding="utf-8")
    loaded = Network.load(path)
    assert loaded.connection(1, c.i, c.j).weight == 0.75 and loaded.neuron(2, 1).bias == 0.25
    assert loaded.mask(1).sum() == net.mask(1).sum()   # pruning kept
    assert [loaded.weights(l).tolist() for l in range(2, net.n_layers)] == \
        [net.weights(l).tolist() for l in range(2, net.n_layers)]
    # the export button downloads the same file
    with page.page.expect_download() as info:
        page.page.locator('[data-act="json"]').click()
    assert json.loads(open(info.value.path(), encoding="utf-8").read()) == json.loads(path.read_text())
    page.js("ex.reset();")
    ns.trace(net, x, y)   # the network as it was exported to the page
    queries = python_values(net)
    for (kind, l, i, j, want), value in zip(queries, page.js(VALUES_JS, [q[:4] for q in queries])):
        assert value == want, (kind, l, i, j)
    assert page.errors == []


def test_custom_activation_makes_the_page_read_only(open_page):
    swish = ns.Activation("swish<b>", lambda z: z / (1 + np.exp(-z)),
                          lambda z: (1 + np.exp(-z) + z * np.exp(-z)) / (1 + np.exp(-z)) ** 2)
    net = ns.Network([2, 2, 1], activation=swish, output="identity", seed=3)
    page = open_page(ns.explore(net, [0.5, -0.5], [1.0]))
    msg = page.js("try { ex.setInput(1, 2); return null; } catch (e) { return e.message; }")
    assert "what-if is off" in msg and "swish<b>" in msg
    assert "swish<b>" in page.page.locator('[data-role="note"]').inner_text()
    assert page.js("return ex.current().numbers;") == ns.trace(net, [0.5, -0.5], [1.0])[0].numbers
    assert page.errors == []
