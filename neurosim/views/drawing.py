"""Drawing a network: layers as columns, every neuron a circle filled by its value, every connection a line.

``draw(net, show="delta")`` colours each neuron by one quantity (δ, a, z, ∂J/∂b or b) from a diverging colour
map centred on 0, with a colour bar; each connection's width is proportional to |W_ij^(l)| and its colour says
the sign of W (or, for ``show="grad"`` / ``"weight"``, the value of ∂J/∂W_ij^(l) / W_ij^(l) on the same scale as
the neurons). :class:`NetworkDrawing` holds the artists so that :mod:`neurosim.views.animation` can change colours and
texts frame after frame instead of drawing everything anew.

matplotlib is imported inside the functions: ``import neurosim`` does not pay for it, and nothing here needs
pyplot or a display (figures are :class:`matplotlib.figure.Figure` objects with the Agg canvas).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..base.limits import check_memory, excerpt
from ..base.notation import symbol
from .values import format_value, layout, symmetric_norm, text_ems  # noqa: F401 (re-exported)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    from ..core.network import Network

SHOW = ("delta", "a", "z", "grad", "weight")
CMAP = "RdBu_r"
_UNKNOWN = (0.86, 0.86, 0.86, 1.0)   # a neuron or connection whose value is not computed (yet)
MIN_LABEL = 8.0   # points: smaller labels are left out (labels="auto"), as nobody can read them projected
RING = 4.0        # points between a neuron's rim and the outer edge of its highlight ring
CHAR = 0.64       # the width of a digit, in ems
_TITLES = {
    "delta": r"error terms $\delta_i^{(l)} = \partial J/\partial z_i^{(l)}$",
    "a": r"activations $a_i^{(l)} = f(z_i^{(l)})$",
    "z": r"weighted inputs $z_i^{(l)} = \sum_j W_{ij}^{(l-1)} a_j^{(l-1)} + b_i^{(l-1)}$",
    "grad": r"gradients: connections $\partial J/\partial W_{ij}^{(l)}$, neurons $\partial J/\partial b_i^{(l-1)}$",
    "weight": r"parameters: connections $W_{ij}^{(l)}$, neurons $b_i^{(l-1)}$",
}
_BAR_LABELS = {"delta": "δ", "a": "a", "z": "z", "grad": "∂J/∂W, ∂J/∂b", "weight": "W, b"}


_INLINE: dict = {}


def _inline_figure_class():
    """A matplotlib Figure that displays itself in Jupyter (``_repr_png_``) without ``%matplotlib inline``:
    the Figures here are not pyplot's, so no backend would show them. Built on first use, as matplotlib
    is imported only then."""
    if "cls" not in _INLINE:
        from matplotlib.figure import Figure

        class InlineFigure(Figure):
            """A Figure with ``_repr_png_``: the last expression of a notebook cell shows as the picture."""

            def _repr_png_(self) -> bytes:
                import io

                buf = io.BytesIO()
                self.savefig(buf, format="png")
                return buf.getvalue()

        _INLINE["cls"] = InlineFigure
    return _INLINE["cls"]


# Agg, matplotlib's renderer, draws at most 2^16 − 1 pixels in each direction.
MAX_PIXELS = 2 ** 16 - 1


def _positive(v) -> bool:
    """A finite real number > 0 (an int beyond the range of a float is not)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return False
    try:
        return math.isfinite(v) and v > 0
    except OverflowError:
        return False


def check_figure(figsize, dpi) -> tuple[tuple[float, float], float]:
    """``figsize`` = (width, height) in inches and ``dpi``, all finite and positive, for a picture Agg can draw
    (at most :data:`MAX_PIXELS` per side) within the memory limit."""
    if (isinstance(figsize, (str, bytes)) or not isinstance(figsize, Sequence | np.ndarray) or len(figsize) != 2
            or not all(_positive(v) for v in figsize)):
        raise ValueError(f"figsize: expected (width, height) in inches, two positive numbers, got {excerpt(figsize)}")
    if not _positive(dpi):
        raise ValueError(f"dpi: expected a positive number of dots per inch, got {excerpt(dpi)}")
    w, h = float(figsize[0]) * float(dpi), float(figsize[1]) * float(dpi)
    if max(w, h) > MAX_PIXELS or min(w, h) < 1:
        raise ValueError(f"dpi, figsize: a figure of {w:.0f} × {h:.0f} pixels (figsize {tuple(figsize)} at dpi "
                         f"{dpi:g}); expected 1 to {MAX_PIXELS} pixels per side")
    check_memory(int(w * h) * 8, "dpi, figsize", f"a figure of {w:.0f} × {h:.0f} pixels")
    return (float(figsize[0]), float(figsize[1])), float(dpi)


def check_cmap(cmap):
    """The matplotlib Colormap named by ``cmap`` (or ``cmap`` itself when it is one)."""
    from matplotlib import colormaps
    from matplotlib.colors import Colormap

    if isinstance(cmap, Colormap):
        return cmap
    if isinstance(cmap, str) and cmap in colormaps:
        return colormaps[cmap]
    raise ValueError(f"cmap: expected a matplotlib colour map name such as 'RdBu_r' or a Colormap, "
                     f"got {excerpt(cmap)}")


def check_axes(ax) -> None:
    """``None`` or a matplotlib Axes."""
    if ax is not None and not (hasattr(ax, "figure") and hasattr(ax, "add_collection")):
        raise TypeError(f"ax: expected a matplotlib Axes or None, got {type(ax).__name__} {excerpt(ax)}")


def new_figure(figsize: tuple[float, float] = (8.0, 6.0), dpi: float = 100, canvas=None) -> Figure:
    """A Figure on the Agg canvas (or ``canvas``, a FigureCanvasAgg subclass), not registered with pyplot:
    no display needed, never left open; in Jupyter it shows inline as a PNG (no magic command needed).
    ``figsize`` and ``dpi`` are checked by :func:`check_figure`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figsize, dpi = check_figure(figsize, dpi)
    fig = _inline_figure_class()(figsize=figsize, dpi=dpi)
    (canvas or FigureCanvasAgg)(fig)
    return fig


def _luminance(rgba) -> float:
    r, g, b = rgba[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b


class NetworkDrawing:
    """The artists of one drawn network, kept so that their colours and texts can be updated cheaply.

    ``keys`` lists the neurons (l, i) in layer-then-index order and ``connections`` the Connections in
    layer-then-(i, j) order; the update methods take values in those orders (``None`` or NaN: not computed,
    drawn grey). ``labels`` is ``"auto"`` (symbols and values only where they fit without overlapping),
    ``True`` or ``False``.
    """

    def __init__(self, net: Network, ax: Axes, cmap: str = CMAP, labels: bool | str = "auto",
                 colorbar_label: str = ""):
        from matplotlib.cm import ScalarMappable
        from matplotlib.collections import LineCollection

        if labels not in ("auto", True, False):
            raise ValueError(f"labels: expected 'auto', True or False, got {labels!r}")
        self.cmap = check_cmap(cmap)
        self.net, self.ax, self.fig = net, ax, ax.figure
        pos = layout(net)
        self.keys: list[tuple[int, int]] = sorted(pos)
        self.slot = {k: n for n, k in enumerate(self.keys)}
        self.xy = np.array([pos[k] for k in self.keys])
        self.connections = [c for l in range(1, net.n_layers) for c in net.connections(l)]
        self.edge_slot = {(c.layer, c.i, c.j): n for n, c in enumerate(self.connections)}
        segments = np.array([[pos[c.source.key], pos[c.target.key]] for c in self.connections]).reshape(-1, 2, 2)
        weights = np.array([c.weight for c in self.connections])
        wmax = float(np.max(np.abs(weights), initial=0.0)) or 1.0
        self.weights = weights
        # Width ∝ |W| with a floor so that small weights stay visible; many connections get thinner and fainter
        # lines so that the drawing does not turn into a solid block.
        crowd = min(1.0, math.sqrt(40 / max(len(weights), 1)))
        self.widths = crowd * (0.6 + 4.4 * np.abs(weights) / wmax)
        self.edge_alpha = max(0.15, 0.55 * crowd)

        n_layers, tallest = net.n_layers, max(net.sizes)
        ax.set_xlim(-0.5, n_layers - 0.5)
        ax.set_ylim(-tallest / 2 - 0.15, tallest / 2 + 0.15)
        ax.set_axis_off()

        self.mappable = ScalarMappable(norm=symmetric_norm(), cmap=self.cmap)
        # The colour bar leaves the foot of its column to the legend of the connections.
        self.colorbar = self.fig.colorbar(self.mappable, ax=ax, fraction=0.04, pad=0.02, shrink=0.72,
                                          anchor=(0.0, 1.0))
        self.colorbar.set_label(colorbar_label)
        self._legend(ax)
        size = self._sizes(n_layers, tallest)
        diameter = size["diameter"]

        self.highlight = LineCollection([], colors=[(1.0, 0.78, 0.1, 0.55)], linewidths=9, zorder=1,
                                        capstyle="round")
        ax.add_collection(self.highlight)
        self.edges = LineCollection(segments, linewidths=self.widths, zorder=2, capstyle="round",
                                    label="connections")
        ax.add_collection(self.edges)
        self.show_edge_signs()
        self.radius = r = diameter / 2   # points
        self.neurons = ax.scatter(self.xy[:, 0], self.xy[:, 1], s=diameter ** 2, zorder=3, label="neurons",
                                  facecolors=[_UNKNOWN], edgecolors="0.25", linewidths=1.0)
        # The ring hugs the circle (its outer edge RING points out) so that the labels can stay clear of it.
        self.ring_radius = r + RING
        self.ring = ax.scatter([], [], s=(diameter + 2 * RING - 2.5) ** 2, zorder=4, facecolors="none",
                               edgecolors=[(0.95, 0.6, 0.0, 1.0)], linewidths=2.5)
        self.values_inside = size["inside"]
        value_size, symbol_size = size["value"], size["symbol"]
        gap = RING + 1.5
        box = dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.75)
        if self.values_inside:
            # Roomy layers: the value inside the circle, the symbol above it, clear of the ring.
            value_style = dict(xytext=(0, 0), ha="center", va="center")
            self.symbol_style = dict(xytext=(0, r + gap), ha="center", va="bottom")
            self.value_room = 0.86 * diameter / value_size
        else:
            # Crowded layers: the symbol left of the circle, the value right of it.
            value_style = dict(xytext=(r + gap, 0), ha="left", va="center", bbox=box)
            self.symbol_style = dict(xytext=(-(r + gap), 0), ha="right", va="center", bbox=box)
            self.value_room = min(5.0, (size["column"] / 2 - r - gap - 2) / value_size)
        minimum = MIN_LABEL if labels == "auto" else 6.0
        show_values = labels is True or (labels == "auto" and value_size >= MIN_LABEL and self.value_room >= 2.6)
        show_symbols = labels is True or (labels == "auto" and symbol_size >= MIN_LABEL)
        value_size, symbol_size = max(value_size, minimum), max(symbol_size, minimum)
        self.symbol_style["fontsize"] = symbol_size
        self.value_texts = [ax.annotate("", (x, y), textcoords="offset points", fontsize=value_size, zorder=5,
                                        **value_style)
                            for x, y in self.xy] if show_values else []
        self.symbol_texts = [ax.annotate("", (x, y), textcoords="offset points", zorder=5, **self.symbol_style)
                             for x, y in self.xy] if show_symbols else []
        # Without a symbol per neuron, each column says which layer it is.
        self.headings = [] if show_symbols else [
            ax.annotate("input" if l == 1 else "output" if l == n_layers else f"layer {l}", (l - 1, 0),
                        xycoords=("data", "axes fraction"), xytext=(0, -3), textcoords="offset points",
                        ha="center", va="top", fontsize=MIN_LABEL + 1, color="0.3")
            for l in range(1, n_layers + 1)]
        self.label_size = value_size
        self._values: list[float | None] = [None] * len(self.keys)
        self._symbols: list[str] = [""] * len(self.keys)

    def _legend(self, ax) -> None:
        """A small legend under the colour bar: what a connection's colour and width say."""
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=self.cmap(0.82), lw=3), Line2D([], [], color=self.cmap(0.18), lw=3)]
        self.legend = self.colorbar.ax.legend(
            handles, ["W > 0", "W < 0"], loc="upper left", bbox_to_anchor=(-0.6, -0.03), fontsize=8,
            title="connection\nwidth ∝ |W|", title_fontsize=8, frameon=False, handlelength=1.3,
            borderaxespad=0.0, alignment="left")

    def set_edge_legend(self, name: str) -> None:
        """Say what the connections' colours show: ``name`` > 0 warm, < 0 cold (e.g. "W", "∂J/∂W")."""
        for text, sign in zip(self.legend.get_texts(), (">", "<")):
            text.set_text(f"{name} {sign} 0")

    def _sizes(self, n_layers: int, tallest: int) -> dict:
        """Neuron diameter and label sizes in points, from the axes' size: roomy (value inside the circle,
        symbol above it) when labels of at least MIN_LABEL points fit so, else crowded."""
        box = self.ax.get_position()
        w_in, h_in = self.fig.get_size_inches()
        height, width = box.height * h_in * 72, box.width * w_in * 72
        spacing, column = height / (tallest + 0.3), width / n_layers
        for symbol_size in (11.0, 10.0, 9.0, MIN_LABEL):
            # the gap above a circle holds its ring, the symbol (sub- and superscript: 1.7 × size) and the ring below
            diameter = min(spacing - 2 * RING - 2.0 - 1.7 * symbol_size, 0.3 * column, 58.0)
            value_size = min(10.0, diameter / 4.0)
            if value_size >= MIN_LABEL:
                return dict(diameter=diameter, value=value_size, symbol=symbol_size, inside=True, column=column)
        diameter = max(3.0, min(0.6 * spacing, 0.3 * column, 40.0))
        size = min(9.0, 0.55 * spacing, (column / 2 - diameter / 2 - RING - 1.5) / (CHAR * 6))
        return dict(diameter=diameter, value=size, symbol=size, inside=False, column=column)

    # --- neurons ------------------------------------------------------------------------------------

    def set_norm(self, norm: Normalize, label: str | None = None) -> None:
        """Use ``norm`` for every colour from now on (the colour bar follows)."""
        self.mappable.set_norm(norm)
        if label is not None:
            self.colorbar.set_label(label)

    def colour(self, values) -> np.ndarray:
        """RGBA of each value under the current norm; ``None``/NaN give the grey of 'not computed'."""
        v = np.array([np.nan if u is None else float(u) for u in values], dtype=float)
        rgba = self.cmap(self.mappable.norm(np.nan_to_num(v)))
        rgba = np.atleast_2d(rgba)
        rgba[~np.isfinite(v)] = _UNKNOWN
        return rgba

    def set_neurons(self, values: Sequence[float | None], texts: Sequence[str] | None = None) -> None:
        """Fill each neuron by its value and write ``texts`` (default: the values, as many digits as fit) in it."""
        rgba = self.colour(values)
        self.neurons.set_facecolor(rgba)
        self._values = list(values)
        if texts is None:
            texts = [self.fit(v) for v in values]
        for t, s, c in zip(self.value_texts, texts, rgba):
            t.set_text(s)
            t.set_color("white" if self.values_inside and _luminance(c) < 0.45 else "black")

    def fit(self, value: float | None) -> str:
        """``value`` with as many digits as fit beside or inside a circle (see :func:`format_value`)."""
        return format_value(value, self.value_room)

    def set_symbols(self, symbols: Sequence[str]) -> None:
        """The label above each neuron (matplotlib mathtext allowed)."""
        for t, s, old in zip(self.symbol_texts, symbols, self._symbols):
            if s != old:
                t.set_text(s)
        self._symbols = list(symbols)

    def mark(self, keys: Sequence[tuple[int, int]]) -> None:
        """Put the highlight ring around these neurons (none: no ring)."""
        self.ring.set_offsets(self.xy[[self.slot[k] for k in keys]] if keys else np.empty((0, 2)))

    # --- connections --------------------------------------------------------------------------------

    def show_edge_signs(self) -> None:
        """Colour every connection by the sign of its weight: the map's warm end for W > 0, cold for W < 0."""
        warm, cold = self.cmap(0.82), self.cmap(0.18)
        colours = np.array([warm if w > 0 else cold for w in self.weights]).reshape(-1, 4)
        colours[:, 3] = self.edge_alpha
        self.edges.set_color(colours)

    def set_edges(self, values: Sequence[float | None]) -> None:
        """Colour each connection by its value under the current norm (grey where not computed)."""
        rgba = self.colour(values)
        rgba[:, 3] = np.where(np.all(rgba == _UNKNOWN, axis=1), 0.6, 0.9) * min(1.0, self.edge_alpha / 0.4)
        self.edges.set_color(rgba)

    def set_highlight(self, slots: Sequence[int]) -> None:
        """A glow under these connections (indices into ``connections``)."""
        self.highlight.set_segments([self.edges.get_segments()[n] for n in slots])


def neuron_symbol(show: str, l: int, i: int) -> str:
    """The mathtext label of neuron (l, i) for the quantity shown; inputs are x_i when it is undefined there."""
    if l == 1 and show in ("z", "delta", "grad", "weight"):
        return f"${symbol('x', None, i, latex=True)}$"
    if show == "grad":
        return rf"$\partial J/\partial {symbol('b', l - 1, i, latex=True)}$"
    if show == "weight":
        return f"${symbol('b', l - 1, i, latex=True)}$"
    return f"${symbol(show, l, i, latex=True)}$"


def _neuron_value(net: Network, key: tuple[int, int], show: str) -> float | None:
    n = net.neuron(*key)
    return {"a": n.a, "z": n.z, "delta": n.delta, "grad": n.bias_grad, "weight": n.bias}[show]


def draw(net: Network, show: str = "delta", x=None, y=None, ax: Axes | None = None, cmap: str = CMAP,
         labels: bool | str = "auto", title: str | None = None, figsize: tuple[float, float] = (8.0, 6.0),
         dpi: float = 100) -> Figure | Axes:
    """Draw ``net`` with every neuron coloured by one quantity of its last passes.

    ``show``: ``"delta"`` (δ_i^(l) = ∂J/∂z_i^(l)), ``"a"``, ``"z"``, ``"grad"`` (neurons ∂J/∂b_i^(l−1),
    connections ∂J/∂W_ij^(l)) or ``"weight"`` (neurons b_i^(l−1), connections W_ij^(l)). With ``x`` the
    network first runs ``net.forward(x)``, and with ``y`` also ``net.backward(y)``; otherwise the values the
    neurons hold are drawn (grey where none were computed). Colours come from the diverging map ``cmap``
    centred on 0 (from −max|v| to +max|v|); connection width ∝ |W_ij^(l)|.

    Returns a new :class:`~matplotlib.figure.Figure` (save it with ``fig.savefig``), or ``ax`` when an Axes
    is given (use ``plt.subplots()`` for a window).
    """
    from ..core.network import Network

    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    if not isinstance(show, str) or show not in SHOW:
        raise ValueError(f"show: expected one of {', '.join(map(repr, SHOW))}, got {excerpt(show)}")
    check_axes(ax)
    check_cmap(cmap)
    if ax is None:
        check_figure(figsize, dpi)
    if y is not None and x is None:
        raise ValueError("y: a target needs its input; pass x as well (draw runs forward(x), then backward(y))")
    if x is not None:
        net.forward(x)
        if y is not None:
            net.backward(y)
    fig = None
    if ax is None:
        fig = new_figure(figsize, dpi)
        ax = fig.add_subplot()
    d = NetworkDrawing(net, ax, cmap=cmap, labels=labels, colorbar_label=_BAR_LABELS[show])
    values = [_neuron_value(net, k, show) for k in d.keys]
    if show == "grad":
        edge_values = [c.grad for c in d.connections]
    elif show == "weight":
        edge_values = [c.weight for c in d.connections]
    else:
        edge_values = None
    d.set_norm(symmetric_norm([v for v in values if v is not None], edge_values or []))
    d.set_neurons(values)
    if edge_values is not None:
        d.set_edges(edge_values)
        d.set_edge_legend("∂J/∂W" if show == "grad" else "W")
    d.set_symbols([neuron_symbol(show, l, i) for l, i in d.keys])
    if title is None:
        sizes = "-".join(map(str, net.sizes))
        title = f"{_TITLES[show]}\n{sizes} network; connection width ∝ |W|"
        if all(v is None for v in values):
            title += "  (not computed yet: pass x and y)"
    ax.set_title(title, fontsize=11)
    return ax if fig is None else fig
