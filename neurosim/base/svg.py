"""A network as an SVG string, from plain numbers: layers as columns, neurons as circles, weights as lines.

``network_svg(sizes, edges)`` is the one vector drawing of a network: the model's notebook display uses it,
and so can any view that wants an SVG of the net (matplotlib's :func:`neurosim.draw` stays the raster one).
It follows the page contract of DESIGN §5: every neuron is an element with ``data-node="l,i"`` and every
connection one with ``data-edge="l,i,j"`` (W_ij^(l)), 1-based. Line width ∝ |W_ij^(l)|, colour its sign
(warm positive, cold negative); with ``values`` each neuron is filled on a diverging scale centred on 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .html import box, esc, network_table, paragraph
from .notation import symbol

WARM = (214, 96, 77)    # W > 0, or a positive value
COLD = (67, 147, 195)   # W < 0, or a negative value
GREY = (220, 220, 220)  # a neuron with no value


def _mix(rgb: tuple[int, int, int], t: float) -> str:
    """``rgb`` blended with white: t = 0 white, t = 1 the full colour."""
    r, g, b = (round(255 + (c - 255) * t) for c in rgb)
    return f"rgb({r},{g},{b})"


def fill(value: float | None, vmax: float) -> str:
    """A neuron's fill: WARM for value = +vmax, COLD for −vmax, white for 0, grey when not computed."""
    if value is None or not math.isfinite(value):
        return _mix(GREY, 1.0)
    t = min(1.0, abs(value) / vmax) if vmax > 0 else 0.0
    return _mix(WARM if value > 0 else COLD, t)


def positions(sizes: Sequence[int], column: float = 110.0, row: float = 44.0, margin: float = 30.0
              ) -> dict[tuple[int, int], tuple[float, float]]:
    """Neuron (l, i) at x = margin + (l − 1)·column, every column centred vertically, neuron 1 on top."""
    tallest = max(sizes)
    return {(l, i): (margin + (l - 1) * column, margin + ((tallest - s) / 2 + i - 1) * row)
            for l, s in enumerate(sizes, start=1) for i in range(1, s + 1)}


def network_svg(sizes: Sequence[int], edges: Sequence[tuple[int, int, int, float]],
                values: Mapping[tuple[int, int], float | None] | None = None,
                labels: Mapping[tuple[int, int], str] | None = None, title: str = "",
                max_height: float = 320.0) -> str:
    """The network as one ``<svg>`` element.

    ``sizes`` = [s_1, …, s_{n_l}]; ``edges`` = [(l, i, j, W_ij^(l)), …] for the connections that exist;
    ``values`` maps (l, i) to the number filling that neuron (None: not computed); ``labels`` maps (l, i) to a
    tooltip line added after the neuron's name. Tall layers are squeezed to fit ``max_height`` pixels.
    """
    tallest = max(sizes)
    row = max(4.0, min(44.0, (max_height - 60) / max(tallest - 1, 1)))
    radius = max(1.5, min(13.0, 0.32 * row))
    column = 110.0 if len(sizes) < 8 else 70.0
    pos = positions(sizes, column=column, row=row)
    width = 60 + column * (len(sizes) - 1)
    height = 60 + row * (tallest - 1)
    wmax = max((abs(w) for *_, w in edges if math.isfinite(w)), default=0.0) or 1.0
    thin = min(1.0, math.sqrt(60 / max(len(edges), 1)))   # many lines: thinner and fainter
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='ns-net' width='{width:.0f}' height='{height:.0f}' "
             f"viewBox='0 0 {width:.0f} {height:.0f}' role='img' aria-label='{esc(title or 'network')}'>"]
    if title:
        parts.append(f"<title>{esc(title)}</title>")
    parts.append("<g class='ns-edges' stroke-linecap='round'>")
    for l, i, j, w in edges:
        (x1, y1), (x2, y2) = pos[(l, j)], pos[(l + 1, i)]
        colour = _mix(WARM if w > 0 else COLD, 1.0) if math.isfinite(w) else _mix(GREY, 1.0)
        stroke = thin * (0.6 + 3.4 * abs(w) / wmax) if math.isfinite(w) else 0.6
        parts.append(f"<line data-edge='{l},{i},{j}' x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' "
                     f"stroke='{colour}' stroke-opacity='{max(0.25, 0.8 * thin):.2f}' stroke-width='{stroke:.2f}'>"
                     f"<title>{esc(symbol('W', l, i, j))} = {w:.6g}</title></line>")
    parts.append("</g><g class='ns-nodes' stroke='#444'>")
    shown = [v for v in (values or {}).values() if v is not None and math.isfinite(v)]
    vmax = max((abs(v) for v in shown), default=0.0)
    for (l, i), (x, y) in pos.items():
        value = (values or {}).get((l, i)) if values is not None else None
        colour = fill(value, vmax) if values is not None else "white"
        tip = f"neuron ({l}, {i})" + (f": {labels[(l, i)]}" if labels and (l, i) in labels else "")
        parts.append(f"<circle data-node='{l},{i}' cx='{x:.1f}' cy='{y:.1f}' r='{radius:.1f}' fill='{colour}'>"
                     f"<title>{esc(tip)}</title></circle>")
    parts.append("</g></svg>")
    return "".join(parts)


MAX_EDGES = 3000   # beyond this the drawing is a grey block: the table says enough


def network_view(sizes: Sequence[int], activations: Sequence[str], connections: Sequence[int], summary: str,
                 edges: Sequence[tuple[int, int, int, float]]) -> str:
    """A network for Jupyter: its one-line summary, the layer table and, when it is small enough to read,
    the SVG drawing (see :func:`network_table` and :func:`network_svg`)."""
    parts = [paragraph(summary), network_table(sizes, activations, connections, "layers")]
    if len(edges) <= MAX_EDGES:
        parts.append(network_svg(sizes, edges, title="-".join(map(str, sizes)) + " network"))
    else:
        parts.append(paragraph(f"({len(edges)} connections: too many to draw here)"))
    return box(*parts)
