"""The animation of one forward and one backward pass, one frame per Step of :func:`neurosim.explain.trace.trace`.

Every number in a frame is read from the Steps, so the animation, ``neurosim step`` and the engine can never
disagree:

* forward frames: z_i^(l) appears in neuron i (its incoming connections glow), then the neuron is filled by
  the colour of a_i^(l) = f(z_i^(l));
* backward frames: neuron i of layer l receives its messages δ_j^(l+1)·W_ji^(l), drawn as arrows running back
  along its outgoing connections with their values, and is filled by its δ_i^(l) (an output neuron gets an
  arrow from its target y_i instead);
* gradient frames: each connection is recoloured by ∂J/∂W_ij^(l) = δ_i^(l+1)·a_j^(l) as it is computed;
  bias steps ring the neuron whose ∂J/∂b_i^(l) = δ_i^(l+1) is taken.

Each frame's caption is the Step's formula and the same formula with the numbers (``Step.numbers``). Colours
come from a diverging map centred on 0: one scale for the forward pass (x and a), one shared by δ and the
gradients, each shown on the colour bar. The artists are created once and only their colours, texts and
positions change between frames, which keeps rendering fast.

:func:`save` writes an animation as ``.gif`` (Pillow), ``.html`` (a self-contained player: every frame
embedded as a PNG, buttons, slider, captions as text) or ``.mp4`` (ffmpeg, when it is installed).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from .drawing import CMAP, NetworkDrawing, check_figure, format_value, new_figure, symmetric_norm
from .writers import FORMATS, _check_positive, ffmpeg_available, player_html, save  # noqa: F401 (re-exported)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.animation import FuncAnimation

    from ..core.network import Network
    from ..explain.trace import Step

PHASES = ("forward", "backward", "gradient")
_TITLES = {"forward": "Forward pass", "backward": "Backward pass: error terms flow back",
           "gradient": "Gradients ∂J/∂W, ∂J/∂b"}
_BARS = {"forward": "forward pass: x and a", "backward": "δ and the gradients ∂J/∂W, ∂J/∂b"}
_CAPTION_WIDTH = 90   # characters per caption line at the default 8-inch width


def check_phases(phases) -> tuple[str, ...]:
    """``phases`` as a tuple in computation order; a single name is allowed. Raises ValueError if unknown."""
    if isinstance(phases, str):
        phases = (phases,)
    try:
        chosen = list(phases)
    except TypeError:
        raise TypeError(f"phases: expected phase names from {', '.join(PHASES)}, got {type(phases).__name__}") from None
    unknown = [p for p in chosen if p not in PHASES]
    if unknown or not chosen:
        raise ValueError(f"phases: expected one or more of {', '.join(PHASES)}, got {phases!r}")
    return tuple(p for p in PHASES if p in chosen)


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        # Too long (a neuron with many inputs): keep the start and the end, where "= <value>" is.
        tail = text[-(width - 2):]
        tail = tail.split(" ", 1)[1] if " " in tail[1:] else tail   # start at a word, not mid-number
        lines = lines[: max_lines - 1] + ["… " + tail.lstrip()]
    return "\n".join(lines)


class _Player:
    """Replays the Steps onto a :class:`NetworkDrawing`: ``show(k)`` puts the picture of shown step k on it."""

    def __init__(self, net: Network, x, steps: list[Step], shown: list[int], drawing: NetworkDrawing,
                 twin: NetworkDrawing, notation: str, caption_width: int = _CAPTION_WIDTH):
        self.steps, self.shown, self.d, self.twin, self.notation = steps, shown, drawing, twin, notation
        self.width = max(30, caption_width)
        d = drawing
        n, e = len(d.keys), len(d.connections)
        self.n_layers = net.n_layers
        # a^(1) = x as the steps read it (the operands of the z steps); x itself for an unconnected input
        x = np.asarray(x, dtype=float).ravel().copy()
        for s in steps:
            for o in s.operands:
                if o.kind == "a" and o.key[0] == 1:
                    x[o.key[1] - 1] = o.value
        # Norms: one for the forward quantities, one shared by δ and the gradients (the same units: ∂J/∂·).
        forward = [s.value for s in steps if s.kind == "a"]
        backward = [s.value for s in steps if s.phase in ("backward", "gradient")]
        self.norms = {"forward": symmetric_norm(x, forward), "backward": symmetric_norm(backward)}
        self.x = x
        self._fresh(n, e)
        # The arrows that carry the messages δ_j·W_ji (and an output neuron's target) in backward frames.
        self.arrows = [d.ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=6, visible=False,
                                     arrowprops=dict(arrowstyle="-|>,head_length=0.6,head_width=0.3", lw=2.2,
                                                     shrinkA=d.radius + 2, shrinkB=d.radius + 3,
                                                     color="k"))
                       for _ in range(max(net.sizes[1:]) + 1)]
        labelled = bool(d.value_texts)
        size = max(6.0, d.label_size - 0.5)
        box = dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85)
        self.arrow_texts = [d.ax.text(0, 0, "", fontsize=size, ha="center", va="center", zorder=7, visible=False,
                                      bbox=box) for _ in self.arrows] if labelled else []
        self.edge_text = d.ax.text(0, 0, "", fontsize=size, ha="center", va="center", zorder=7, visible=False,
                                   bbox=box)
        # On a z step the symbol above the neuron reads z_i^(l): a boxed label over the backdrop's a_i^(l).
        style = {**twin.symbol_style, "bbox": dict(boxstyle="square,pad=0.25", fc="white", ec="none")}
        self.z_label = d.ax.annotate("", (0, 0), textcoords="offset points", zorder=7, visible=False, **style)
        fig = d.fig
        self.title = d.ax.set_title("", fontsize=12)
        self.formula = fig.text(0.03, 0.115, "", fontsize=9.5, color="0.35", va="bottom", ha="left")
        self.numbers = fig.text(0.03, 0.105, "", fontsize=10.5, va="top", ha="left")
        self.phase = None

    def _fresh(self, n: int, e: int) -> None:
        self.a: list[float | None] = [None] * n
        self.z: list[float | None] = [None] * n
        self.delta: list[float | None] = [None] * n
        self.grad: list[float | None] = [None] * e
        for k, (l, i) in enumerate(self.d.keys):
            if l == 1:
                self.a[k] = float(self.x[i - 1])
        self.done = -1   # index into steps of the last step applied

    def _apply(self, step: Step) -> None:
        d = self.d
        if step.kind in ("z", "a", "delta"):
            getattr(self, step.kind)[d.slot[step.key]] = step.value
        elif step.kind == "W":
            (l, j), (_, i) = step.key
            self.grad[d.edge_slot[(l, i, j)]] = step.value

    def _advance(self, upto: int) -> None:
        if upto < self.done:
            self._fresh(len(self.d.keys), len(self.d.connections))
        for s in self.steps[self.done + 1: upto + 1]:
            self._apply(s)
        self.done = max(self.done, upto)

    def _label(self, kind: str, l: int, i: int) -> str:
        if l == 1:
            return f"${symbol('x', None, i, latex=True)}$"
        return f"${symbol(kind, l, i, latex=True, notation=self.notation)}$"

    def show(self, frame: int) -> None:
        step_no = self.shown[frame]
        self._advance(step_no)
        step, d = self.steps[step_no], self.d
        phase = "forward" if step.phase == "forward" else "backward"
        if phase != self.phase:
            d.set_norm(self.norms[phase])
            self.twin.set_norm(self.norms[phase], _BARS[phase])
            kind = "a" if phase == "forward" else "delta"
            self.twin.set_symbols([self._label(kind, l, i) for l, i in d.keys])
            self.phase = phase
        for a in self.arrows:
            a.set_visible(False)
        for t in self.arrow_texts:
            t.set_visible(False)
        self.edge_text.set_visible(False)
        self.z_label.set_visible(False)
        glow: list[int] = []
        marked = [step.neuron]
        me = d.slot[step.neuron]

        if step.phase == "forward":
            texts = [format_value(v) for v in self.a]
            if step.kind == "z":
                texts[me] = format_value(step.value)
                if self.twin.symbol_texts:
                    self.z_label.xy = tuple(d.xy[me])
                    self.z_label.set_text(self._label("z", *step.neuron))
                    self.z_label.set_visible(True)
                glow = [d.edge_slot[(c[0][0], c[1][1], c[0][1])] for c in
                        (o.key for o in step.operands if o.kind == "W")]
            d.set_neurons(self.a, texts)
            d.show_edge_signs()
        else:
            texts = [format_value(v) if v is not None else (format_value(self.a[k]) if d.keys[k][0] == 1 else "")
                     for k, v in enumerate(self.delta)]
            d.set_neurons(self.delta, texts)
            if step.phase == "backward":
                d.show_edge_signs()
                glow = self._messages(step)
            else:
                d.set_edges(self.grad)
                if step.kind == "W":
                    (l, j), (_, i) = step.key
                    slot = d.edge_slot[(l, i, j)]
                    glow = [slot]
                    marked = [(l, j), (l + 1, i)]
                    (x0, y0), (x1, y1) = d.edges.get_segments()[slot]
                    self.edge_text.set_position((x0 + 0.62 * (x1 - x0), y0 + 0.62 * (y1 - y0)))
                    self.edge_text.set_text(format_value(step.value))
                    self.edge_text.set_visible(True)
        d.mark(marked)
        d.set_highlight(glow)
        n_shown = len(self.shown)
        name = step.latex.partition(" = ")[0]
        self.title.set_text(f"{_TITLES[step.phase]}: ${name}$   (frame {frame + 1} of {n_shown})")
        self.formula.set_text(_wrap(step.formula, self.width, 2))
        aside = step.aside(4)
        numbers = f"{step.symbol} = {step.numbers}" + (f"     where {aside}" if aside else "")
        self.numbers.set_text(_wrap(numbers, self.width - 5))

    def _messages(self, step: Step) -> list[int]:
        """Arrows for the messages δ_j^(l+1)·W_ji^(l) reaching neuron (l, i) (or its target y_i); the glowing
        connections."""
        d = self.d
        l, i = step.neuron
        here = d.xy[d.slot[(l, i)]]
        arrows: list[tuple[np.ndarray, float, str]] = []
        glow = []
        ops = step.operands
        if l == self.n_layers:
            target = next((o for o in ops if o.kind == "y"), None)
            if target is not None:
                start = here + np.array([0.4, 0.0])
                arrows.append((start, step.value, f"${target.latex}$ = {format_value(target.value)}"))
        else:
            for delta_op, weight_op in zip((o for o in ops if o.kind == "delta"), (o for o in ops if o.kind == "W")):
                message = delta_op.value * weight_op.value
                arrows.append((d.xy[d.slot[delta_op.key]], message, format_value(message)))
                (_, src), (_, dst) = weight_op.key
                glow.append(d.edge_slot[(l, dst, src)])
        for k, (start, value, label) in enumerate(arrows[: len(self.arrows)]):
            arrow = self.arrows[k]
            arrow.xy = tuple(here)
            arrow.set_position(tuple(start))
            # The arrow's colour says the sign of the message (strong colours: pale ones vanish on the glow).
            arrow.arrow_patch.set_color("0.2" if l == self.n_layers else d.cmap(0.93 if value > 0 else 0.07))
            arrow.set_visible(True)
            if self.arrow_texts:
                t = self.arrow_texts[k]
                # A message's value sits on its arrow; the target y_i sits where its arrow starts.
                share = 1.0 if l == self.n_layers else 0.58
                t.set_position(tuple(here + share * (np.asarray(start) - here)))
                t.set_text(label)
                t.set_visible(True)
        return glow


def _backdrop_class():
    from matplotlib.artist import Artist

    class Backdrop(Artist):
        """Draws a second figure (the parts that change only between phases: colour bar and neuron symbols)
        as one image; it is rendered again only when that figure has changed or the size differs."""

        def __init__(self, source):
            super().__init__()
            self.source = source
            self.image: np.ndarray | None = None
            self.size: tuple[float, float] | None = None
            self.set_zorder(-1)

        def draw(self, renderer):
            if not self.get_visible():
                return
            size = (renderer.width, renderer.height)
            if self.image is None or self.source.stale or size != self.size:
                # The source figure has the same size in inches; give it the renderer's dpi.
                self.source.set_dpi(renderer.dpi)
                self.source.canvas.draw()
                buf = np.asarray(self.source.canvas.buffer_rgba())
                self.image, self.size = buf[::-1].copy(), size   # Agg draws images bottom row first
            gc = renderer.new_gc()
            renderer.draw_image(gc, 0, 0, self.image)
            gc.restore()
            self.stale = False

    return Backdrop


def _canvas_class():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    class FrameCanvas(FigureCanvasAgg):
        """An Agg canvas without a screen: a request to redraw "when idle" has nobody to show the result to.
        (The plain Agg canvas draws at once, so saving an animation would draw every frame twice.)"""

        def draw_idle(self, *args, **kwargs) -> None:
            pass

    return FrameCanvas


def _animation_class():
    from matplotlib.animation import FuncAnimation

    class NeuronAnimation(FuncAnimation):
        """A FuncAnimation with one frame per shown Step (``.steps``); displays as a player in Jupyter.

        ``frame(k)`` renders frame k and returns its pixels (height × width × 3, uint8).
        """

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # matplotlib warns when an animation is deleted unrendered, a pyplot mistake; here building one to
            # read its .steps, or rendering frames with .frame(k) or save(), is ordinary use.
            self._draw_was_started = True

        def _repr_html_(self) -> str:
            return player_html(self)

        def frame(self, k: int) -> np.ndarray:
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < len(self.steps):
                raise ValueError(f"k: expected a frame number 0 … {len(self.steps) - 1}, got {k!r}")
            self._player.show(int(k))
            canvas = self._fig.canvas
            canvas.draw()
            return np.asarray(canvas.buffer_rgba())[:, :, :3].copy()

    return NeuronAnimation


_CLASSES: dict[str, type] = {}


def _layered_drawing(net: Network, figsize: tuple[float, float], dpi: float, cmap: str, labels: bool | str):
    """The figure of the animation and a twin figure with the same layout holding its slow-changing parts.

    Text is what costs time in a frame, so the colour bar and the symbols above the neurons live on the twin,
    which the main figure shows as one image (re-rendered only when they change, at phase boundaries).
    Returns (fig, main drawing, twin drawing)."""
    if "backdrop" not in _CLASSES:
        _CLASSES["backdrop"] = _backdrop_class()
        _CLASSES["canvas"] = _canvas_class()
    drawings = []
    for _ in range(2):
        fig = new_figure(figsize, dpi, canvas=_CLASSES["canvas"])
        fig.subplots_adjust(left=0.02, right=0.9, top=0.9, bottom=0.2)
        drawings.append(NetworkDrawing(net, fig.add_subplot(), cmap=cmap, labels=labels))
    main, twin = drawings
    main.colorbar.ax.set_visible(False)
    for t in main.symbol_texts:
        t.set_visible(False)
    for artist in (twin.edges, twin.highlight, twin.neurons, twin.ring, *twin.value_texts):
        artist.set_visible(False)
    main.fig.patch.set_visible(False)   # the backdrop paints the whole figure, background included
    main.fig.add_artist(_CLASSES["backdrop"](twin.fig))
    return main.fig, main, twin


def animate(net: Network, x, y, phases: Sequence[str] | str = PHASES, fps: float = 2.0, dpi: float = 100,
            figsize: tuple[float, float] = (8.0, 6.0), cmap: str = CMAP, labels: bool | str = "auto",
            notation: str = DEFAULT_NOTATION, repeat: bool = True) -> FuncAnimation:
    """A matplotlib animation of one forward and backward pass of ``net`` on the example (x, y).

    The frames are the Steps of ``ns.trace(net, x, y)`` whose phase is in ``phases`` ("forward", "backward",
    "gradient"), one frame per Step, in computation order; see the module docstring for what each shows.
    ``fps`` frames per second; frames are ``figsize`` × ``dpi`` pixels (800×600 by default). ``labels`` as in
    :func:`neurosim.views.drawing.draw`; ``notation`` as in ``trace``.

    Returns a ``FuncAnimation`` subclass with ``.steps`` (the Steps shown), ``.frame(k)`` (pixels of frame k)
    and a Jupyter player; write it to a file with :func:`save` (``.gif``, ``.html``, ``.mp4``), with
    ``anim.save(path, writer=...)`` or ``anim.to_jshtml()``. The network is left holding this example's z, a,
    δ and gradients.
    """
    from ..explain.trace import trace

    phases = check_phases(phases)
    fps = _check_positive(fps, "fps")
    check_notation(notation)
    figsize, dpi = check_figure(figsize, dpi)
    steps = trace(net, x, y, notation=notation, digits=6)
    shown = [k for k, s in enumerate(steps) if s.phase in phases]
    if not shown:
        raise ValueError(f"phases: the trace of this network has no steps in {', '.join(phases)}")

    fig, drawing, twin = _layered_drawing(net, figsize, dpi, cmap, labels)
    player = _Player(net, x, steps, shown, drawing, twin, notation,
                     caption_width=int(_CAPTION_WIDTH * figsize[0] / 8.0))

    def update(frame: int):
        player.show(frame)
        return ()

    if "animation" not in _CLASSES:
        _CLASSES["animation"] = _animation_class()
    anim = _CLASSES["animation"](fig, update, frames=len(shown), init_func=lambda: (), interval=1000.0 / fps,
                                 repeat=repeat, blit=False, cache_frame_data=False)
    anim.steps = [steps[k] for k in shown]
    anim.all_steps = steps
    anim.fps = fps
    anim._player = player
    return anim
