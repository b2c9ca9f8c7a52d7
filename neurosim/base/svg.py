"""The one SVG drawing of a network, from plain numbers: layers as columns, neurons as circles, connections as
lines.

:func:`network_svg` knows nothing of :class:`~neurosim.Network`: it takes the layer sizes, the connections that
exist and the numbers to colour by. The explorer page, a network's notebook display (:func:`network_view`) and
the quiz's problem sheets all call it. Every neuron is a ``<g data-node="l,i">`` and every connection a
``<line data-edge="l,i,j">`` (W_ij^(l), from neuron j of layer l to neuron i of layer l + 1), 1-based as
everywhere; the explorer's script finds them by these attributes and recolours them in place.

Colours come from one diverging palette centred on 0 (blue negative, white 0, red positive, like matplotlib's
RdBu_r), scaled by the largest finite |value|; NaN and ±inf get no colour: a dashed outline and the word.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from .html import box, network_table, paragraph

# Seven stops from −1 to +1; the page's script interpolates the same stops (they are passed to it).
PALETTE = ((33, 102, 172), (103, 169, 207), (209, 229, 240), (247, 247, 247), (253, 219, 199), (239, 138, 98),
           (178, 24, 43))
WIDTH = 880           # viewBox width; the page scales it to its column
HEAD = 46             # room above the neurons for the layer headers
FOOT = 18
LEGEND = 44          # room below the neurons for the two colour scales
LABELLED_LAYER = 12   # above this many neurons a layer's values move to hover and the details panel
MIN_LABEL_RADIUS = 11.0   # and so they do when the tallest layer makes every neuron too small to hold them


def scale(values) -> float:
    """The largest finite |v| among ``values`` (None skipped), 1.0 when there is none or it is 0."""
    top = max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)
    return top or 1.0


def colour(value: float | None, vmax: float) -> str | None:
    """``#rrggbb`` of ``value`` on the palette, ±vmax at the ends; None for a missing or non-finite value."""
    if value is None or not math.isfinite(value):
        return None
    t = max(-1.0, min(1.0, value / vmax)) if vmax > 0 else 0.0
    pos = (t + 1.0) / 2.0 * (len(PALETTE) - 1)
    k = min(int(pos), len(PALETTE) - 2)
    f = pos - k
    rgb = [round(a + (b - a) * f) for a, b in zip(PALETTE[k], PALETTE[k + 1])]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def ink(fill: str | None) -> str:
    """Black or white text, whichever reads better on ``fill``."""
    if fill is None:
        return "currentColor"
    r, g, b = (int(fill[k:k + 2], 16) for k in (1, 3, 5))
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def short(value: float | None) -> str:
    """A value as written inside a neuron: 3 significant digits; NaN and inf by name."""
    if value is None:
        return ""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "−inf"
    # three significant digits, mostly at most seven characters: value_font fits them inside the neuron (the
    # page's script writes the same)
    if value == 0 or 0.01 <= abs(value) < 1000:
        text = f"{value:.3g}"
        return "0" if text == "-0" else text
    mantissa, _, exp = f"{value:.1e}".partition("e")
    return f"{mantissa}e{int(exp)}"


def value_font(text: str, r: float) -> float:
    """The font size of ``text`` inside a neuron of radius ``r``: r·0.62 (6 to 11), smaller where the text
    would not fit in 1.8 r (its width guessed per character: digits 0.58 em, "." 0.3 em, "-" 0.36 em)."""
    base = max(6.0, min(11.0, r * 0.62))
    width = sum(0.3 if ch == "." else 0.36 if ch in "-−" else 0.58 for ch in text) or 1.0
    return min(base, 1.8 * r / width)


def geometry(sizes: Sequence[int]) -> dict:
    """Positions: ``xy[(l, i)]`` of each neuron's centre, the radius ``r``, the viewBox ``height``, column ``xs``."""
    n_l, tallest = len(sizes), max(sizes)
    gap = max(9.0, min(64.0, 560.0 / tallest))
    r = max(3.0, min(19.0, gap * 0.36))
    height = HEAD + gap * tallest + FOOT
    margin = 70.0
    xs = [margin + (WIDTH - 2 * margin) * (l / (n_l - 1)) for l in range(n_l)]
    xy = {}
    for l, s in enumerate(sizes, start=1):
        top = HEAD + gap * (tallest - s) / 2 + gap / 2
        for i in range(1, s + 1):
            xy[(l, i)] = (round(xs[l - 1], 2), round(top + gap * (i - 1), 2))
    return {"xy": xy, "r": round(r, 2), "height": round(height, 1), "xs": xs, "gap": gap}


def _symbol_svg(plain: str) -> str:
    """``a_1^(2)`` as SVG text with a lowered subscript and a raised superscript (``x^(1)``, the "alsup"
    notation's input, has only the superscript)."""
    head, _, sup = plain.partition("^")
    name, _, sub = head.partition("_")
    e = html.escape
    out = e(name)
    if sub:
        out += f'<tspan dy="4" font-size="70%">{e(sub)}</tspan>'
    if sup:
        out += f'<tspan dy="{-9 if sub else -5}" font-size="70%">{e(sup)}</tspan>'
    return out


def network_svg(sizes: Sequence[int], edges: Sequence[tuple[int, int, int]] | None = None,
                edge_values: Sequence[float] | None = None,
                node_values: Sequence[Sequence[float | None]] | None = None,
                headers: Sequence[str] | None = None, symbols: Sequence[Sequence[str]] | None = None,
                uid: str = "nsnet", title: str = "", legend: bool = True) -> str:
    """The network as one ``<svg>`` element (a string), drawn from plain numbers.

    ``sizes`` = [s_1, …, s_{n_l}]; ``edges`` the connections that exist as (l, i, j) for W_ij^(l) (None: all);
    ``edge_values`` one number per edge to colour it by (e.g. the weights; None: neutral grey), width ∝ |value|;
    ``node_values[l-1][i-1]`` the number neuron (l, i) is coloured by and shows (None: no colour, no text);
    ``headers`` one caption per layer ("layer 2 · σ"); ``symbols[l-1][i-1]`` the plain-text symbol written beside
    neuron (l, i) (``a_1^(2)``) where the layer has at most 12 neurons. ``uid`` prefixes the element ids, so
    several drawings on one page never collide. Values are written inside the neurons where they fit.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes: expected at least two layer widths >= 1, got {sizes!r}")
    if edges is None:
        edges = [(l, i, j) for l in range(1, len(sizes)) for i in range(1, sizes[l] + 1)
                 for j in range(1, sizes[l - 1] + 1)]
    if edge_values is not None and len(edge_values) != len(edges):
        raise ValueError(f"edge_values: expected {len(edges)} numbers (one per edge), got {len(edge_values)}")
    g = geometry(sizes)
    xy, r = g["xy"], g["r"]
    height = g["height"] + (LEGEND if legend else 0)
    e = html.escape
    emax = scale(edge_values) if edge_values is not None else 1.0
    crowd = min(1.0, math.sqrt(60 / max(len(edges), 1)))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="nsx-svg" viewBox="0 0 {WIDTH} {height}" '
           f'role="img" aria-label="{e(title or "network drawing")}" font-family="sans-serif" font-size="12" '
           f'data-labelled="{",".join("1" if s <= LABELLED_LAYER and r >= MIN_LABEL_RADIUS else "0" for s in sizes)}">']
    if title:
        out.append(f"<title>{e(title)}</title>")
    out.append(f'<defs><marker id="{e(uid)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" '
               'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#e08a00"/>'
               "</marker></defs>")
    for l in range(1, len(sizes) + 1):
        if headers is None:
            break
        # a header may have a second line (the output layer's loss); the last column's ends at the right edge
        first, _, second = headers[l - 1].partition("\n")
        x = g["xs"][l - 1]
        out.append(f'<text class="nsx-head" x="{x:.1f}" y="16" text-anchor="middle" fill="currentColor">'
                   f"{e(first)}</text>")
        if second:
            anchor, at = ("end", WIDTH - 4) if l == len(sizes) else ("middle", x)
            out.append(f'<text class="nsx-head2" x="{at:.1f}" y="31" text-anchor="{anchor}" font-size="11" '
                       f'fill="currentColor">{e(second)}</text>')
    out.append('<g class="nsx-edges">')
    for k, (l, i, j) in enumerate(edges):
        (x1, y1), (x2, y2) = xy[(l, j)], xy[(l + 1, i)]
        v = None if edge_values is None else edge_values[k]
        stroke = colour(v, emax) if edge_values is not None else "#999999"
        share = min(1.0, abs(v) / emax) if v is not None and math.isfinite(v) else 0.0
        width = crowd * (0.7 + 3.3 * share) if share or stroke else crowd
        dash = ' stroke-dasharray="4 3"' if stroke is None else ""
        # weak connections fade on light and dark backgrounds alike (the palette's middle is near white)
        out.append(f'<line data-edge="{l},{i},{j}" x1="{x1 + r:.1f}" y1="{y1}" x2="{x2 - r:.1f}" y2="{y2}" '
                   f'stroke="{stroke or "#888888"}" stroke-width="{width:.2f}" stroke-opacity="{0.3 + 0.7 * share:.2f}"'
                   f"{dash}/>")
    out.append("</g>")
    out.append('<g class="nsx-neurons">')
    # symbols beside the neurons: as large as the rows leave room for, and never below 10 (subscripts are 70 %)
    symbol_font = max(10.0, min(13.0, g["gap"] * 0.3))
    nmax = scale(v for row in node_values for v in row) if node_values is not None else 1.0
    for l, s in enumerate(sizes, start=1):
        labelled = s <= LABELLED_LAYER and r >= MIN_LABEL_RADIUS
        for i in range(1, s + 1):
            x, y = xy[(l, i)]
            v = None if node_values is None else node_values[l - 1][i - 1]
            fill = colour(v, nmax)
            outline = ' stroke-dasharray="3 2"' if v is not None and not math.isfinite(v) else ""
            out.append(f'<g data-node="{l},{i}" class="nsx-n" transform="translate({x},{y})">'
                       f'<circle r="{r}" fill="{fill or "none"}" stroke="currentColor" stroke-width="1.2"{outline}/>')
            text = short(v) if labelled else ""
            font = value_font(text, r)
            out.append(f'<text class="nsx-v" y="{font * 0.35:.1f}" text-anchor="middle" font-size="{font:.1f}" '
                       f'fill="{ink(fill)}">{e(text)}</text>')
            if symbols is not None and labelled:
                out.append(f'<text class="nsx-sym" x="{-r - 3:.1f}" y="{-r * 0.75:.1f}" text-anchor="end" '
                           f'font-size="{symbol_font:.1f}" fill="currentColor">{_symbol_svg(symbols[l - 1][i - 1])}'
                           "</text>")
            out.append("</g>")
    out.append("</g>")
    if legend:
        out.append(_legend(g["height"] + 6, "neurons: a (x in layer 1)", nmax if node_values is not None else 1.0,
                           "legend-n", 60))
        out.append(_legend(g["height"] + 6, "connections: W", emax, "legend-e", WIDTH / 2 + 40))
    out.append("</svg>")
    return "".join(out)


def _legend(y: float, name: str, vmax: float, role: str, x0: float) -> str:
    """A colour scale: a bar of palette steps from −vmax to +vmax with its name and end values."""
    steps, width = 24, 240.0
    w = width / steps
    bar = "".join(f'<rect x="{x0 + k * w:.1f}" y="{y + 14}" width="{w + 0.3:.1f}" height="9" '
                  f'fill="{colour(-1 + 2 * (k + 0.5) / steps, 1.0)}"/>' for k in range(steps))
    return (f'<g class="nsx-legend">'
            f'<text class="nsx-legend-text" data-role="{role}-name" x="{x0}" y="{y + 9}" fill="currentColor">'
            f"{name}</text>"
            f"{bar}"
            f'<text class="nsx-legend-text" data-role="{role}-lo" x="{x0}" y="{y + 35}" fill="currentColor">'
            f"{short(-vmax)}</text>"
            f'<text class="nsx-legend-text" x="{x0 + width / 2}" y="{y + 35}" text-anchor="middle" '
            f'fill="currentColor">0</text>'
            f'<text class="nsx-legend-text" data-role="{role}-hi" x="{x0 + width}" y="{y + 35}" text-anchor="end" '
            f'fill="currentColor">{short(vmax)}</text></g>')


def positions(sizes: Sequence[int], column: float = 110.0, row: float = 44.0, margin: float = 30.0
              ) -> dict[tuple[int, int], tuple[float, float]]:
    """Neuron (l, i) at x = margin + (l − 1)·column, every column centred vertically, neuron 1 on top."""
    tallest = max(sizes)
    return {(l, i): (margin + (l - 1) * column, margin + ((tallest - s) / 2 + i - 1) * row)
            for l, s in enumerate(sizes, start=1) for i in range(1, s + 1)}


MAX_EDGES = 3000   # beyond this the drawing is a grey block: the table says enough


def network_view(sizes: Sequence[int], activations: Sequence[str], connections: Sequence[int], summary: str,
                 edges: Sequence[tuple[int, int, int, float]]) -> str:
    """A network for Jupyter: its one-line summary, the layer table and, when it is small enough to read,
    the SVG drawing (see :func:`network_table` and :func:`network_svg`)."""
    parts = [paragraph(summary), network_table(sizes, activations, connections, "layers")]
    if len(edges) <= MAX_EDGES:
        parts.append("<div style='max-width:560px'>" + network_svg(
            sizes, [e[:3] for e in edges], [e[3] for e in edges], title="-".join(map(str, sizes)) + " network",
            legend=False) + "</div>")
    else:
        parts.append(paragraph(f"({len(edges)} connections: too many to draw here)"))
    return box(*parts)
