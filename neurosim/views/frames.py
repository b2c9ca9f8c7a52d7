"""Which Steps of the trace go into which frame of the animation: the granularity.

``"connection"`` gives one frame per Step of :func:`neurosim.explain.trace.trace` — per z and a of each neuron,
per δ, per ∂J/∂W_ij^(l) and ∂J/∂b_i^(l) — so a network with N neurons after the input and C connections has
4N + C frames. Larger networks group the steps:

* ``"neuron"``: one frame per neuron and phase — z_i and a_i together; δ_i with the messages δ_j·W_ji it
  receives; every ∂J/∂W_ij^(l) of the connections arriving at neuron i with its ∂J/∂b_i^(l). 3N frames.
* ``"layer"``: the forward pass in two frames per layer (all z^(l), then all a^(l)); the backward pass in two
  frames per layer as well — first every message δ_j^(l+1)·W_ji^(l) arriving at layer l, in flight at once
  (at the output layer: the targets y_i), then every δ^(l) — so the error terms visibly travel back layer by
  layer; the gradients in one frame per weight matrix W^(l). With n_l layers: 5(n_l − 1) frames.
* ``"auto"`` (the default): per connection up to ``AUTO_CONNECTIONS`` connections, per neuron while that gives
  at most ``AUTO_NEURON_FRAMES`` frames, else per layer.

A :class:`Frame` lists the trace indices it applies (the numbers it makes appear); the player applies every
frame's steps in order, so frame k shows what is known after k + 1 frames.
"""

from __future__ import annotations

from dataclasses import dataclass

GRANULARITIES = ("auto", "connection", "neuron", "layer")
AUTO_CONNECTIONS = 60
AUTO_NEURON_FRAMES = 100
PHASES = ("forward", "backward", "gradient")


@dataclass(frozen=True)
class Frame:
    """One frame of the animation.

    ``phase``: "forward", "backward" or "gradient". ``what``: "step" (one Step), "neuron" (one neuron's steps
    of the phase), or, for a layer, "z", "a", "messages" (the δ_j^(l+1)·W_ji^(l) reaching layer l, before its
    δ^(l) appear), "delta" or "gradients" (all of W^(l) and b^(l)). ``layer`` is the neuron's layer (l of
    W^(l) for "gradients"); ``index`` the neuron's index for "step" and "neuron" frames (the target neuron
    for a gradient), else None. ``steps``: the trace indices the frame is about; ``applied``: those whose
    values it makes known (a "messages" frame applies none: its δ are still on their way).
    """

    phase: str
    what: str
    layer: int
    index: int | None
    steps: tuple[int, ...]
    applied: tuple[int, ...]


def check_granularity(granularity: str) -> str:
    """``granularity`` if it is one of ``GRANULARITIES``, else a ValueError naming them."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"granularity: expected one of {', '.join(map(repr, GRANULARITIES))}, got {granularity!r}")
    return granularity


def frame_counts(sizes, connections: int) -> dict[str, int]:
    """The number of frames of all three phases at each granularity, for layer sizes ``sizes`` and a
    network with ``connections`` connections."""
    n = sum(sizes[1:])
    layers = len(sizes) - 1
    return {"connection": 4 * n + connections, "neuron": 3 * n, "layer": 5 * layers}


def auto_granularity(sizes, connections: int) -> str:
    """The granularity ``"auto"`` picks for this network (see the module docstring)."""
    if connections <= AUTO_CONNECTIONS:
        return "connection"
    if frame_counts(sizes, connections)["neuron"] <= AUTO_NEURON_FRAMES:
        return "neuron"
    return "layer"


def _neuron_of(step) -> tuple[int, int]:
    return step.neuron


def plan(steps, phases: tuple[str, ...], granularity: str) -> tuple[tuple[int, ...], list[Frame]]:
    """The frames of ``steps`` (a trace) for the chosen ``phases`` at a concrete ``granularity``.

    Returns (base, frames): ``base`` are the trace indices applied before the first frame (the phases
    before the first one shown, e.g. the forward pass of a backward-only animation); the steps of a phase
    skipped between two shown ones are applied by the first frame after it.
    """
    frames: list[Frame] = []
    pending: list[int] = []    # steps of skipped phases, applied by the next frame
    base: tuple[int, ...] | None = None
    for phase in PHASES:
        idx = [k for k, s in enumerate(steps) if s.phase == phase]
        if phase not in phases:
            pending += idx
            continue
        group = _group(steps, idx, phase, granularity)
        if base is None:
            base, pending = tuple(pending), []
        for n, f in enumerate(group):
            if n == 0 and pending:
                f = Frame(f.phase, f.what, f.layer, f.index, f.steps, tuple(pending) + f.applied)
                pending = []
            frames.append(f)
    return base or (), frames


def _group(steps, idx: list[int], phase: str, granularity: str) -> list[Frame]:
    if granularity == "connection":
        return [Frame(phase, "step", steps[k].neuron[0], steps[k].neuron[1], (k,), (k,)) for k in idx]
    if granularity == "neuron":
        order: dict[tuple[int, int], list[int]] = {}
        for k in idx:
            order.setdefault(_neuron_of(steps[k]), []).append(k)
        if phase == "gradient":
            # The trace lists a layer's weights, then its biases: group by the neuron they end in, in layer order.
            keys = sorted(order)
        else:
            keys = list(order)
        return [Frame(phase, "neuron", l, i, tuple(order[(l, i)]), tuple(order[(l, i)])) for l, i in keys]
    # per layer
    layers: dict[int, list[int]] = {}
    for k in idx:
        s = steps[k]
        layers.setdefault(s.layer if phase == "gradient" else s.neuron[0], []).append(k)
    out = []
    for l, ks in layers.items():
        if phase == "forward":
            for kind in ("z", "a"):
                mine = tuple(k for k in ks if steps[k].kind == kind)
                out.append(Frame(phase, kind, l, None, mine, mine))
        elif phase == "backward":
            out.append(Frame(phase, "messages", l, None, tuple(ks), ()))
            out.append(Frame(phase, "delta", l, None, tuple(ks), tuple(ks)))
        else:
            out.append(Frame(phase, "gradients", l, None, tuple(ks), tuple(ks)))
    return out
