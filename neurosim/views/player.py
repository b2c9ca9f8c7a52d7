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
from .placement import box_of, first_clear, ray_exit

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
ALONG = (0.58, 0.45, 0.7, 0.35)   # where a message's value may sit on its arrow, from the receiver: first that fits


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
        self._above = offset_copy(d.ax.transData, d.fig, y=3, units="points")   # a target sits over its arrow ...
        self._below = offset_copy(d.ax.transData, d.fig, y=-3, units="points")  # ... or under it, by a value
        self._nudged: list = []          # value texts lifted above a target's arrow in this frame
        self._glow_segments: list = []   # the glow of this frame's messages, from where their arrows start
        self._symbol_boxes: dict = {}    # (slot, text, dpi) -> the backdrop symbol's box, pixels of the twin
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
        for t, xy in self._nudged:
            t.xyann = xy
            t.set_verticalalignment("center")
        self._nudged = []
        self._glow_segments = []

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
        if glow and self._glow_segments:
            d.highlight.set_segments(self._glow_segments)   # messages glow from where their arrows start
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
        arrows: list[tuple[np.ndarray, np.ndarray, float, str, int]] = []
        glow = []
        for step in steps:
            l, i = step.neuron
            here = d.xy[d.slot[(l, i)]]
            ops = step.operands
            if l == self.n_layers:
                target = next((o for o in ops if o.kind == "y"), None)
                if target is not None:
                    arrows.append((here, here + np.array([0.36, 0.0]), np.nan,
                                   f"${target.latex}$ = {format_value(target.value)}", d.slot[(l, i)]))
            else:
                for delta_op, weight_op in zip((o for o in ops if o.kind == "delta"),
                                               (o for o in ops if o.kind == "W")):
                    message = delta_op.value * weight_op.value
                    arrows.append((here, d.xy[d.slot[delta_op.key]], message, format_value(message),
                                   d.slot[delta_op.key]))
                    (_, src), (_, dst) = weight_op.key
                    glow.append(d.edge_slot[(l, dst, src)])
        few = len(arrows) <= THICK_ARROWS
        labelled = self.labelled and len(arrows) <= LABELLED_ARROWS
        # Many messages at once (a layer frame): thinner arrows and no glow, or they would fill the picture.
        crowd = 1.0 if few else max(0.3, float(np.sqrt(THICK_ARROWS / len(arrows))))
        style = f"-|>,head_length={0.6 * crowd:.2f},head_width={0.3 * crowd:.2f}"
        for arrow, (here, start, value, _, sender) in zip(self._pool(self.arrows, len(arrows), self._arrow), arrows):
            arrow.xy = tuple(here)
            arrow.set_position(tuple(start))
            patch = arrow.arrow_patch
            # The arrow's colour says the sign of the message (strong colours: pale ones vanish on the glow).
            patch.set_color("0.2" if np.isnan(value) else d.cmap(0.93 if value > 0 else 0.07))
            patch.set_linewidth(2.0 * crowd)
            patch.set_arrowstyle(style)
            patch.set_alpha(1.0 if few else 0.75)
            # A message leaves its sender beyond the sender's symbol, which would otherwise lie under the arrows.
            patch.shrinkA = d.radius + 2 if np.isnan(value) else self._clear_of_symbols(sender, start, here)
            arrow.set_visible(True)
            if few and not np.isnan(value):
                length = np.hypot(*np.subtract(*d.ax.transData.transform([here, start])))   # pixels
                away = patch.shrinkA * d.fig.dpi / 72.0 / length
                self._glow_segments.append([tuple(start + min(away, 1.0) * (here - start)), tuple(here)])
        if not few:
            glow = []
        if self.n_layers == steps[0].neuron[0]:
            self._target_labels(arrows)
        elif labelled:
            self._message_labels(arrows)
        return glow

    # --- where labels go ----------------------------------------------------------------------------------

    def _symbol_box(self, slot: int) -> tuple[float, float, float, float] | None:
        """The box of neuron ``slot``'s symbol on the backdrop, in the main figure's pixels (None: no symbol)."""
        twin = self.twin
        if not twin.symbol_texts or not twin.symbol_texts[slot].get_text():
            return None
        t = twin.symbol_texts[slot]
        key = (slot, t.get_text(), twin.fig.dpi)
        if key not in self._symbol_boxes:
            self._symbol_boxes[key] = box_of(t.get_window_extent(twin.fig.canvas.get_renderer()))
        scale = self.d.fig.dpi / twin.fig.dpi   # the twin takes the main figure's dpi when it is drawn
        return tuple(v * scale for v in self._symbol_boxes[key])

    def _clear_of_symbols(self, sender: int, start, here) -> float:
        """How far (points) from its sender's centre an arrow towards ``here`` must start to clear the symbols of
        the sender's layer (its own, and its neighbours' that a steep arrow would cross)."""
        d = self.d
        layer = d.keys[sender][0]
        (sx, sy), (hx, hy) = d.ax.transData.transform([start, here])
        run = 0.0
        for slot in (n for n, (l, _) in enumerate(d.keys) if l == layer):
            box = self._symbol_box(slot)
            if box is not None:
                run = max(run, ray_exit(hx - sx, hy - sy, (box[0] - sx, box[1] - sy, box[2] - sx, box[3] - sy)))
        return max(d.radius + 2, run * 72.0 / d.fig.dpi + 2.0) if run else d.radius + 2

    def _obstacles(self, layers: set[int]) -> list:
        """The boxes of the values and symbols shown by the neurons of ``layers`` (pixels)."""
        d = self.d
        renderer = d.fig.canvas.get_renderer()
        slots = [n for n, (l, _) in enumerate(d.keys) if l in layers]
        boxes = [box_of(d.value_texts[n].get_window_extent(renderer)) for n in slots
                 if d.value_texts and d.value_texts[n].get_text()]
        return boxes + [b for b in map(self._symbol_box, slots) if b is not None]

    def _message_labels(self, arrows) -> None:
        """Each message's value on its arrow, at the first place along it (:data:`ALONG`) where no label
        covers another or a neuron's value or symbol; none when there is no such place (the caption has them)."""
        d = self.d
        texts = self._pool(self.arrow_texts, len(arrows), self._text)
        renderer = d.fig.canvas.get_renderer()
        for t, (_, _, _, label, _) in zip(texts, arrows):
            t.set_text(label)
            t.set_transform(d.ax.transData)
            t.set_verticalalignment("center")
            t.set_visible(True)   # matplotlib measures a hidden text as a unit box

        def boxes_at(f: float) -> list:
            for t, (here, start, *_) in zip(texts, arrows):
                t.set_position(tuple(here + f * (start - here)))
            return [box_of(t.get_window_extent(renderer), pad=1.0) for t in texts]

        senders = {d.keys[slot][0] for *_, slot in arrows}   # the receivers are the layer before
        f = first_clear(ALONG, boxes_at, self._obstacles(senders | {l - 1 for l in senders}))
        if f is not None:
            boxes_at(f)
        for t in texts:
            t.set_visible(f is not None)

    def _target_labels(self, arrows) -> None:
        """Each target y_i where its arrow starts, beyond the output neuron: over the arrow, or under it when the
        neuron's value is written beside it (the value then moves up, clear of the arrow)."""
        d = self.d
        for t, (_, start, _, label, slot) in zip(self._pool(self.arrow_texts, len(arrows), self._text), arrows):
            value = d.value_texts[slot] if d.value_texts and not d.values_inside else None
            beside = value is not None and bool(value.get_text())
            if beside:
                self._nudged.append((value, value.xyann))
                value.xyann = (value.xyann[0], 1.5)
                value.set_verticalalignment("bottom")
            t.set_position(tuple(start))
            t.set_transform(self._below if beside else self._above)
            t.set_verticalalignment("top" if beside else "bottom")
            t.set_text(label)
            t.set_visible(True)
