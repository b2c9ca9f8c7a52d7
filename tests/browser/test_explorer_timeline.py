"""The training timeline in the page: epochs(), gotoEpoch(e), the recorded costs, thinning and size."""

from __future__ import annotations

import time

import numpy as np

import neurosim as ns
from neurosim.explain.trace import fmt
from neurosim.views.explorer.timeline import thin

from .cases import VALUES_JS, close, python_values


def _trained(sizes, epochs, every=1, seed=0, m=16, loss="binary_cross_entropy"):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (m, sizes[0]))
    Y = (X[:, :1] > 0).astype(float) if loss == "binary_cross_entropy" else rng.uniform(0, 1, (m, sizes[-1]))
    net = ns.Network(sizes, activation="tanh", loss=loss, seed=seed)
    rec = ns.Recorder(net, every=every, X=X, Y=Y)
    net.fit(X, Y, epochs=epochs, lr=0.5, callback=rec)
    return net, X, Y, rec


def test_epochs_are_the_thinned_record_and_goto_epoch_recomputes_everything(open_page):
    net, X, Y, rec = _trained([2, 4, 1], epochs=120)
    page = open_page(ns.explore(net, X[0], Y[0], X=X, Y=Y, record=rec))
    epochs = page.js("return ex.epochs();")
    keep = thin(len(rec.epochs), 50)
    assert epochs == [rec.epochs[k] for k in keep] and len(epochs) == 50
    assert epochs[0] == 0 and epochs[-1] == 120
    for k in (0, 17, len(keep) - 1):
        e, params = rec.epochs[keep[k]], rec.parameters[keep[k]]
        assert page.js("return ex.gotoEpoch(arg);", e) == e
        net.set_parameters(params)
        steps = ns.trace(net, X[0], Y[0])
        queries = python_values(net)
        got = page.js(VALUES_JS, [q[:4] for q in queries])
        for (kind, l, i, j, want), value in zip(queries, got):
            if kind in ("weight", "bias") and l >= 1 and want is not None:
                assert value == want, (e, kind, l, i, j)   # exactly the recorded numbers
            assert close(value, want), (e, kind, l, i, j, value, want)
        assert page.js("ex.goto(arg); return ex.current().numbers;", len(steps) - 1) == steps[-1].numbers
        label = page.page.locator('[data-role="epoch-cost"]').inner_text()
        assert label == f"J(W,b) = {fmt(rec.costs[keep[k]])}"
    missing = next(e for e in range(120) if e not in epochs)   # recorded, but thinned out of the page
    assert page.js("try { ex.gotoEpoch(arg); return null; } catch (e) { return e.message; }", missing).startswith("e:")
    assert page.page.locator('[data-role="boundary"]').is_visible()   # two inputs: the decision boundary
    assert page.errors == []


def test_goto_epoch_drops_edits(open_page):
    net, X, Y, rec = _trained([2, 3, 1], epochs=6)
    page = open_page(ns.explore(net, X[0], Y[0], record=rec))
    page.js("ex.setInput(1, 0.77); ex.setWeight(1, 1, 1, 5);")
    page.js("ex.gotoEpoch(6);")
    assert page.js("return ex.value('a', 1, 1);") == X[0][0]
    assert page.js("return ex.value('weight', 1, 1, 1);") == rec.parameters[-1][0][0][0, 0]
    assert not page.page.locator('[data-role="boundary"]').is_visible()   # no X, Y given: no boundary


def test_pages_with_a_50_epoch_timeline_stay_small(open_page, tmp_path):
    """Printed for docs/performance.md; sizes within the explorer's targets, never a time."""
    for sizes, limit in (([8, 16, 16, 4], 1_000_000), ([64, 32, 10], 3_000_000)):
        net, X, Y, rec = _trained(sizes, epochs=49, m=4, loss="half_sse")
        start = time.perf_counter()
        ex = ns.explore(net, X[0], Y[0], X=X, Y=Y, record=rec)
        path = ex.save(tmp_path / "tl.html")
        built = time.perf_counter() - start
        page = open_page(ex)
        assert page.js("return ex.epochs().length;") == 50
        start = time.perf_counter()
        page.js("ex.gotoEpoch(0);")
        moved = time.perf_counter() - start
        size = path.stat().st_size
        print(f"\nexplorer {'-'.join(map(str, sizes))} with a 50-epoch timeline: {size / 1e6:.2f} MB, built in "
              f"{built:.2f} s, gotoEpoch {moved * 1000:.0f} ms (round trip)")
        assert size < limit


def test_the_epoch_label_owns_up_to_edits_and_follows_reset(open_page):
    net, X, Y, rec = _trained([2, 3, 1], epochs=20, every=5)
    page = open_page(ns.explore(net, X[0], Y[0], X=X, Y=Y, record=rec))
    label = page.page.locator('[data-role="epoch-label"]')
    page.js("ex.gotoEpoch(10);")
    assert label.inner_text() == "epoch 10 of 20"
    page.js("ex.setWeight(1, 1, 1, 3.0);")   # J(W,b) and the boundary shown are still epoch 10's
    assert label.inner_text().startswith("epoch 10 of 20, edited since")
    page.js("ex.goto(3);")
    assert "edited since" in label.inner_text()
    page.js("ex.reset();")                   # the network as exported, which is not epoch 10's
    assert label.inner_text() == "epoch 20 of 20 (the network as exported)"
    assert page.page.locator('[data-role="epoch-slider"]').input_value() == str(len(rec.epochs) - 1)
    assert page.errors == []
