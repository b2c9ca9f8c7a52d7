"""Puts one frame of the animation on a drawn network: the player behind :func:`neurosim.views.animation.animate`.

Every number in a frame is read from the Steps of the trace, so the animation, ``neurosim step`` and the
engine can never disagree. What a frame shows (see :mod:`neurosim.views.frames` for how Steps are grouped):

* forward: a neuron's z_i^(l) appears in it (its incoming connections glow), then it is filled by the colour
  of a_i^(l) = f(z_i^(l)); a layer frame does so for the whole layer;
* backward: neuron i of layer l receives its messages δ_j^(l+1)·W_ji^(l), drawn as arrows running back along
  its outgoing connections, and is filled by its δ_i^(l) (an output neuron gets an arrow from its target y_i);
  a layer frame first shows every message reaching the layer in flight, then the layer's δ;
* gradient: connections are recoloured by ∂J/∂W_ij^(l) = δ_i^(l+1)·a_j^(l) as they are computed; bias
  gradients ring the neuron whose ∂J/∂b_i^(l) = δ_i^(l+1) is taken.

The artists are created once; a frame only changes their colours, texts and positions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..base.notation import symbol
from .captions import Captioner
from .drawing import NetworkDrawing, format_value, symmetric_norm

if TYPE_CHECKING:  # pragma: no cover
    from ..core.network import Network
    from ..explain.trace import Step
    from .frames import Frame

TITLES = {"forward": "Forward pass", "backward": "Backward pass: error terms flow back",
          "gradient": "Gradients"}
_BARS = {"forward": "forward pass: x and a", "backward": "δ and the gradients ∂J/∂W, ∂J/∂b"}
CAPTION_SIZE = 11.0           # points, the numbers line; the formula line is a point smaller
LABELLED_ARROWS = 4           # a frame with more messages than this leaves their values to the caption ...
THICK_ARROWS = 8              # ... and with more than this, draws them thin, without a glow


class Player:
    """Replays the frames onto a :class:`NetworkDrawing`: ``show(k)`` puts the picture of frame k on it."""

    def __init__(self, net: Network, x, steps: list[Step], base: tuple[int, ...], frames: list[Frame],
                 drawing: NetworkDrawing, twin: NetworkDrawing, notation: str):
        self.steps, self.frames, self.base = steps, frames, base
        self.d, self.twin, self.notation = drawing, twin, notation
        d = drawing
        self.n_layers = net.n_layers
        # a^(1) = x as the steps read it (the operands of the z steps); x itself for an unconnected input
        x = np.asarray(x, dtype=float).ravel().copy()
        for s in steps:
            for o in s.operands:
                if o.kind == "a" and o.key[0] == 1:
                    x[o.key[1] - 1] = o.value
        self.x = x
        # Norms: one for the forward quantities, one shared by δ and the gradients (the same units: ∂J/∂·).
        forward = [s.value for s in steps if s.kind == "a"]
        backward = [s.value for s in steps if s.phase in ("backward", "gradient")]
        self.norms = {"forward": symmetric_norm(x, forward), "backward": symmetric_norm(backward)}
        self._fresh()
        self.arrows: list = []
        self.arrow_texts: list = []
        self.edge_texts: list = []
        self.z_labels: list = []
        self.labelled = bool(d.value_texts)
        from matplotlib.transforms import offset_copy
        self._above = offset_copy(d.ax.transData, d.fig, y=3, units="points")   # a target sits over its arrow
        self.text_size = max(8.0, d.label_size)
        fig = d.fig
        width = fig.get_size_inches()[0] * 72
        self.captioner = Captioner(steps, notation, room=0.93 * width, size=CAPTION_SIZE, n_layers=net.n_layers)
        self.title = d.ax.set_title("", fontsize=12)
        self.formula = fig.text(0.03, 0.125, "", fontsize=CAPTION_SIZE - 1, color="0.35", va="bottom", ha="left")
        self.numbers = fig.text(0.03, 0.11, "", fontsize=CAPTION_SIZE, va="top", ha="left", linespacing=1.6)
        self.phase = None

    # --- state ------------------------------------------------------------------------------------------

    def _fresh(self) -> None:
        n, e = len(self.d.keys), len(self.d.connections)
        self.a: list[float | None] = [None] * n
        self.z: list[float | None] = [None] * n
        self.delta: list[float | None] = [None] * n
        self.grad: list[float | None] = [None] * e
        for k, (l, i) in enumerate(self.d.keys):
            if l == 1:
                self.a[k] = float(self.x[i - 1])
        for k in self.base:
            self._apply(self.steps[k])
        self.done = -1   # the last frame applied

    def _apply(self, step: Step) -> None:
        d = self.d
        if step.kind in ("z", "a", "delta"):
            getattr(self, step.kind)[d.slot[step.key]] = step.value
        elif step.kind == "W":
            (l, j), (_, i) = step.key
            self.grad[d.edge_slot[(l, i, j)]] = step.value

    def _advance(self, upto: int) -> None:
        if upto < self.done:
            self._fresh()
        for f in self.frames[self.done + 1: upto + 1]:
            for k in f.applied:
                self._apply(self.steps[k])
        self.done = max(self.done, upto)

    # --- artists created on demand ------------------------------------------------------------------------

    def _pool(self, pool: list, n: int, make) -> list:
        while len(pool) < n:
            pool.append(make())
        return pool[:n]

    def _arrow(self):
        d = self.d
        return d.ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=6, visible=False,
                             arrowprops=dict(arrowstyle="-|>,head_length=0.6,head_width=0.3", lw=2.0,
                                             shrinkA=d.radius + 2, shrinkB=d.ring_radius + 1, color="k"))

    def _text(self):
        box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)
        return self.d.ax.text(0, 0, "", fontsize=self.text_size, ha="center", va="center", zorder=7,
                              visible=False, bbox=box)

    def _z_label(self):
        # On a z frame the symbol by the neuron reads z_i^(l): a boxed label over the backdrop's a_i^(l).
        style = {**self.twin.symbol_style, "bbox": dict(boxstyle="square,pad=0.25", fc="white", ec="none")}
        return self.d.ax.annotate("", (0, 0), textcoords="offset points", zorder=7, visible=False, **style)

    def _hide(self) -> None:
        for artist in (*self.arrows, *self.arrow_texts, *self.edge_texts, *self.z_labels):
            artist.set_visible(False)

    # --- a frame ------------------------------------------------------------------------------------------

    def _label(self, kind: str, l: int, i: int) -> str:
        if l == 1:
            return f"${symbol('x', None, i, latex=True)}$"
        return f"${symbol(kind, l, i, latex=True, notation=self.notation)}$"

    def _set_phase(self, phase: str, gradient: bool) -> None:
        d = self.d
        if phase != self.phase:
            d.set_norm(self.norms[phase])
            self.twin.set_norm(self.norms[phase], _BARS[phase])
            kind = "a" if phase == "forward" else "delta"
            self.twin.set_symbols([self._label(kind, l, i) for l, i in d.keys])
            self.phase = phase
        legend = "∂J/∂W" if gradient else "W"
        if self.twin.legend.get_texts()[0].get_text() != f"{legend} > 0":
            self.twin.set_edge_legend(legend)

    def show(self, k: int) -> None:
        """Put frame k on the drawing (and its caption and title on the figure)."""
        frame = self.frames[k]
        self._advance(k)
        d = self.d
        phase = "forward" if frame.phase == "forward" else "backward"
        self._set_phase(phase, frame.phase == "gradient")
        self._hide()
        steps = [self.steps[n] for n in frame.steps]
        marked = sorted({s.neuron for s in steps})
        glow: list[int] = []
        if frame.phase == "forward":
            texts = [d.fit(v) for v in self.a]
            if frame.what in ("step", "z"):
                zs = [s for s in steps if s.kind == "z"]
                for s in zs:
                    texts[d.slot[s.neuron]] = d.fit(s.value)
                if self.twin.symbol_texts:
                    for label, s in zip(self._pool(self.z_labels, len(zs), self._z_label), zs):
                        label.xy = tuple(d.xy[d.slot[s.neuron]])
                        label.set_text(self._label("z", *s.neuron))
                        label.set_visible(True)
            if frame.what in ("step", "neuron", "z"):
                glow = [d.edge_slot[(o.key[0][0], o.key[1][1], o.key[0][1])]
                        for s in steps if s.kind == "z" for o in s.operands if o.kind == "W"]
            d.set_neurons(self.a, texts)
            d.show_edge_signs()
        else:
            texts = [d.fit(v) if v is not None else (d.fit(self.a[k]) if d.keys[k][0] == 1 else "")
                     for k, v in enumerate(self.delta)]
            d.set_neurons(self.delta, texts)
            if frame.phase == "backward":
                d.show_edge_signs()
                if frame.what in ("step", "neuron", "messages"):
                    glow = self._messages(steps)
            else:
                d.set_edges(self.grad)
                weights = [s for s in steps if s.kind == "W"]
                if weights:
                    marked = sorted({n for s in weights for n in s.key} | set(marked)) if len(weights) == 1 \
                        else marked
                    glow = [d.edge_slot[(s.layer, s.index, s.source)] for s in weights]
                    if len(weights) <= LABELLED_ARROWS and self.labelled:
                        self._edge_values(weights)
                    if frame.what == "gradients":
                        glow = []   # a whole matrix: its colours say it, a glow would hide them
        d.mark(marked)
        d.set_highlight(glow)
        caption = self.captioner.caption(frame)
        self.title.set_text(f"{TITLES[frame.phase]}: {caption.title}   (frame {k + 1} of {len(self.frames)})")
        self.formula.set_text(caption.formula)
        self.numbers.set_text("\n".join(caption.numbers))
        self.caption = caption

    def _edge_values(self, weights: list[Step]) -> None:
        d = self.d
        segments = d.edges.get_segments()
        # One value sits near the neuron it feeds; several converge there, so they sit nearer their sources.
        share = 0.62 if len(weights) == 1 else 0.42
        for t, s in zip(self._pool(self.edge_texts, len(weights), self._text), weights):
            (x0, y0), (x1, y1) = segments[d.edge_slot[(s.layer, s.index, s.source)]]
            t.set_position((x0 + share * (x1 - x0), y0 + share * (y1 - y0)))
            t.set_text(format_value(s.value))
            t.set_visible(True)

    def _messages(self, steps: list[Step]) -> list[int]:
        """Arrows for the messages δ_j^(l+1)·W_ji^(l) reaching each neuron of ``steps`` (an output neuron: its
        target y_i); returns the connections that glow."""
        d = self.d
        arrows: list[tuple[np.ndarray, np.ndarray, float, str]] = []
        glow = []
        for step in steps:
            l, i = step.neuron
            here = d.xy[d.slot[(l, i)]]
            ops = step.operands
            if l == self.n_layers:
                target = next((o for o in ops if o.kind == "y"), None)
                if target is not None:
                    arrows.append((here, here + np.array([0.36, 0.0]), np.nan,
                                   f"${target.latex}$ = {format_value(target.value)}"))
            else:
                for delta_op, weight_op in zip((o for o in ops if o.kind == "delta"),
                                               (o for o in ops if o.kind == "W")):
                    message = delta_op.value * weight_op.value
                    arrows.append((here, d.xy[d.slot[delta_op.key]], message, format_value(message)))
                    (_, src), (_, dst) = weight_op.key
                    glow.append(d.edge_slot[(l, dst, src)])
        few = len(arrows) <= THICK_ARROWS
        labelled = self.labelled and len(arrows) <= LABELLED_ARROWS
        # Many messages at once (a layer frame): thinner arrows and no glow, or they would fill the picture.
        crowd = 1.0 if few else max(0.3, float(np.sqrt(THICK_ARROWS / len(arrows))))
        style = f"-|>,head_length={0.6 * crowd:.2f},head_width={0.3 * crowd:.2f}"
        for arrow, (here, start, value, _) in zip(self._pool(self.arrows, len(arrows), self._arrow), arrows):
            arrow.xy = tuple(here)
            arrow.set_position(tuple(start))
            patch = arrow.arrow_patch
            # The arrow's colour says the sign of the message (strong colours: pale ones vanish on the glow).
            patch.set_color("0.2" if np.isnan(value) else d.cmap(0.93 if value > 0 else 0.07))
            patch.set_linewidth(2.0 * crowd)
            patch.set_arrowstyle(style)
            patch.set_alpha(1.0 if few else 0.75)
            arrow.set_visible(True)
        if not few:
            glow = []
        if labelled or self.n_layers == steps[0].neuron[0]:
            for t, (here, start, value, label) in zip(self._pool(self.arrow_texts, len(arrows), self._text), arrows):
                # A message's value sits on its arrow; the target y_i sits where its arrow starts, beyond it.
                t.set_position(tuple(start if np.isnan(value) else here + 0.58 * (start - here)))
                t.set_transform(self._above if np.isnan(value) else d.ax.transData)
                t.set_verticalalignment("bottom" if np.isnan(value) else "center")
                t.set_text(label)
                t.set_visible(True)
        return glow
