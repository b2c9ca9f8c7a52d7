"""The animation of one forward and one backward pass: ``ns.animate(net, x, y)``.

The frames come from the Steps of :func:`neurosim.explain.trace.trace`, one per Step on a small network and
grouped per neuron or per layer on a larger one (:mod:`neurosim.views.frames`); :mod:`neurosim.views.player`
draws them, :mod:`neurosim.views.captions` writes their captions. Colours come from a diverging map centred
on 0: one scale for the forward pass (x and a), one shared by δ and the gradients, each shown on the colour
bar. The artists are created once and only their colours, texts and positions change between frames,
which keeps rendering fast.

:func:`save` writes an animation as ``.gif`` (streamed frame by frame with one fixed palette, so memory
does not grow with the number of frames), ``.mp4`` (ffmpeg, when it is installed) or ``.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..base.notation import DEFAULT_NOTATION, check_notation
from .drawing import CMAP, NetworkDrawing, check_figure, new_figure
from .frames import GRANULARITIES, auto_granularity, check_granularity, plan  # noqa: F401 (re-exported)
from .player import Player
from .writers import FORMATS, _check_positive, ffmpeg_available, play_page, player_html, save  # noqa: F401

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.animation import FuncAnimation

    from ..core.network import Network

PHASES = ("forward", "backward", "gradient")


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
        """A FuncAnimation with the frames of ``.frames``; displays as a player in Jupyter.

        ``frame(k)`` renders frame k and returns its pixels (height × width × 3, uint8).
        """

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # matplotlib warns when an animation is deleted unrendered, a pyplot mistake; here building one to
            # read its .steps, or rendering frames with .frame(k) or save(), is ordinary use.
            self._draw_was_started = True

        def _repr_html_(self) -> str:
            return player_html(self)

        def __repr__(self) -> str:   # a REPL's view; matplotlib's would be "<...NeuronAnimation object at 0x…>"
            w, h = (round(v) for v in self._fig.get_size_inches() * self._fig.dpi)
            return (f"<neurosim animation: {len(self.frames)} frames ({', '.join(self.phases)}; one per "
                    f"{self.granularity}), {w}×{h} pixels; neurosim.views.animation.save(anim, 'NAME.gif') writes "
                    "it (.gif, .html or .mp4)>")

        def save(self, filename, *args, **kwargs):   # matplotlib has no .html writer: the explorer page is it
            page = str(filename).lower().endswith((".html", ".htm")) and not args and set(kwargs) <= {"fps"}
            return save(self, filename) if page else super().save(filename, *args, **kwargs)

        def frame(self, k: int) -> np.ndarray:
            if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < len(self.frames):
                raise ValueError(f"k: expected a frame number 0 … {len(self.frames) - 1}, got {k!r}")
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
            notation: str = DEFAULT_NOTATION, repeat: bool = True, granularity: str = "auto") -> FuncAnimation:
    """A matplotlib animation of one forward and backward pass of ``net`` on the example (x, y).

    The frames show the Steps of ``ns.trace(net, x, y)`` whose phase is in ``phases`` ("forward", "backward",
    "gradient"), in computation order. ``granularity`` groups them: ``"connection"`` (one frame per Step),
    ``"neuron"``, ``"layer"`` or ``"auto"`` (per connection up to 60 connections, per neuron up to 100
    frames, else per layer; see :mod:`neurosim.views.frames`). ``fps`` frames per second; frames are
    ``figsize`` × ``dpi`` pixels (800×600 by default). ``labels`` as in :func:`neurosim.views.drawing.draw`;
    ``notation`` as in ``trace``.

    Returns a ``FuncAnimation`` subclass with ``.frames`` (what each frame shows), ``.steps`` (the Steps
    shown), ``.granularity`` (the one used), ``.frame(k)`` (pixels of frame k) and a Jupyter player; write
    it to a file with :func:`save` (``.gif``, ``.mp4``, ``.html``). The network is left holding this
    example's z, a, δ and gradients.
    """
    from ..explain.trace import trace

    phases = check_phases(phases)
    fps = _check_positive(fps, "fps")
    check_notation(notation)
    check_granularity(granularity)
    figsize, dpi = check_figure(figsize, dpi)
    steps = trace(net, x, y, notation=notation, digits=6)
    if granularity == "auto":
        granularity = auto_granularity(net.sizes, sum(1 for _ in net.graph.edges))
    base, frames = plan(steps, phases, granularity)
    if not frames:
        raise ValueError(f"phases: the trace of this network has no steps in {', '.join(phases)}")

    fig, drawing, twin = _layered_drawing(net, figsize, dpi, cmap, labels)
    player = Player(net, x, steps, base, frames, drawing, twin, notation)

    def update(frame: int):
        player.show(frame)
        return ()

    if "animation" not in _CLASSES:
        _CLASSES["animation"] = _animation_class()
    anim = _CLASSES["animation"](fig, update, frames=len(frames), init_func=lambda: (), interval=1000.0 / fps,
                                 repeat=repeat, blit=False, cache_frame_data=False)
    anim.frames = frames
    anim.steps = [steps[k] for f in frames for k in f.steps]
    anim.all_steps = steps
    anim.granularity = granularity
    anim.phases = phases
    anim.fps = fps
    anim._player = player
    # What the example was, for writers that redo the pass in another form (the explorer page).
    anim.net, anim.x, anim.y, anim.notation = net, np.asarray(x, dtype=float), y, notation
    anim.explorer = play_page(net, x, y, steps, phases, notation, fps)   # the .html form, a snapshot of this pass
    return anim
