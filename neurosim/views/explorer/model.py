"""The explorer's data: one example's passes as plain numbers and strings, ready to be embedded as JSON.

Everything the page shows before an edit comes from here, read off the network right after ``ns.trace`` ran:
the Steps (their formula and numbers strings exactly as ``ns.trace`` wrote them), every neuron's z, a, δ,
bias and ∂J/∂b, every connection's weight and ∂J/∂W. The page's own engine (``engine.js``) recomputes them
only after a what-if edit. Non-finite numbers travel as ``{"$f": "NaN"}`` (JSON has no NaN).
"""

from __future__ import annotations

import math

from ...base.notation import symbol
from ...base.svg import PALETTE
from ...core.activations import is_builtin
from ...core.losses import LOSSES
from ...core.validation import as_target
from ...explain.trace import activation_symbol

PHASE_CODES = {"forward": 0, "backward": 1, "gradient": 2}


def num(v: float | None):
    """A float for JSON: itself when finite, a tagged string otherwise (None stays None)."""
    if v is None:
        return None
    v = float(v)
    if math.isfinite(v):
        return v
    return {"$f": "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")}


def _nums(values) -> list:
    values = [None if v is None else float(v) for v in values]
    if all(v is None or math.isfinite(v) for v in values):
        return values
    return [num(v) for v in values]


def read_only_reason(net) -> str | None:
    """Why the page cannot recompute this network (a user's own activation or loss), else None."""
    for l, act in enumerate(net.activations, start=2):
        if not is_builtin(act):
            return (f"layer {l} uses your own activation {act.name!r}: the page can only compute neurosim's "
                    "built-in ones, so what-if editing is off (every number shown is Python's)")
    if LOSSES.get(net.loss.name) is not net.loss:
        return (f"the loss {net.loss.name!r} is your own: the page can only compute neurosim's built-in losses, so "
                "what-if editing is off (every number shown is Python's)")
    return None


def parameters_of(net) -> dict:
    """The weights (in the order of ``edges``) and biases (per layer 2 … n_l) as plain lists."""
    weights = [c.weight for l in range(1, net.n_layers) for c in net.connections(l)]
    biases = [_nums(n.bias for n in net.layer(l)) for l in range(2, net.n_layers + 1)]
    return {"weights": _nums(weights), "biases": biases}


def explorer_data(net, x, y, steps, *, notation: str, digits: int, phases, mode: str, fps: float,
                  title: str) -> dict:
    """The page's data for ``net`` right after ``steps = ns.trace(net, x, y, notation, digits)``."""
    n_l = net.n_layers
    layers = [net.layer(l) for l in range(1, n_l + 1)]
    edges = [(l, c.i, c.j) for l in range(1, n_l) for c in net.connections(l)]
    conns = [c for l in range(1, n_l) for c in net.connections(l)]
    t = as_target(y, net.loss, net.sizes[-1]).tolist()
    reason = read_only_reason(net)
    try:
        template = net.to_dict()
        template["weights"] = template["biases"] = None   # filled in by the page from its current numbers
    except ValueError as exc:   # a user's own activation, or NaN/inf weights: the page cannot write the file
        template = None
        export_reason = str(exc)
    else:
        export_reason = None
    acts = [layer[0].activation for layer in layers[1:]]
    data = {
        "format": "neurosim.explorer",
        "version": 1,
        "title": title,
        "mode": mode,
        "fps": float(fps),
        "phases": list(phases),
        "notation": notation,
        "digits": digits,
        "sizes": list(net.sizes),
        "activations": [{"name": a.name, "symbol": activation_symbol(a), "builtin": is_builtin(a),
                         "elementwise": a.elementwise} for a in acts],
        "loss": {"name": net.loss.name, "paired": bool(net.loss.paired_output),
                 "gradFormula": net.loss.grad_formula, "formula": net.loss.formula},
        "weightDecay": net.weight_decay,
        "edges": edges,
        "grads": _nums(c.grad for c in conns),
        "x": _nums(x.tolist() if hasattr(x, "tolist") else list(x)),
        "t": _nums(t),
        "z": [_nums(n.z for n in layer) for layer in layers[1:]],
        "a": [_nums(n.a for n in layer) for layer in layers],
        "delta": [_nums(n.delta for n in layer) for layer in layers[1:]],
        "biasGrads": [_nums(n.bias_grad for n in layer) for layer in layers[1:]],
        "steps": [[PHASE_CODES[s.phase], s.kind, s.layer, s.index, s.source, num(s.value), s.formula, s.numbers]
                  for s in steps],
        "symbols": {"y": [symbol("y", None, i, notation=notation) for i in range(1, net.sizes[-1] + 1)]},
        "readOnly": reason,
        "exportReason": export_reason,
        "template": template,
        "timeline": None,
        "palette": [list(c) for c in PALETTE],
    }
    data.update(parameters_of(net))
    return data
