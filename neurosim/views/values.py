"""Where neurons sit and how their numbers are written in a drawing: plain helpers of
:mod:`neurosim.views.drawing` and the animation."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.colors import Normalize

    from ..core.network import Network


def symmetric_norm(*values) -> Normalize:
    """A colour normalisation from −v_max to +v_max, v_max = max |value| over the finite values given
    (1 when there are none or all are 0), so that 0 is always the centre of the diverging map."""
    from matplotlib.colors import Normalize

    finite = [abs(float(v)) for group in values for v in np.ravel(np.asarray(group, dtype=float))
              if v is not None and math.isfinite(v)]
    vmax = max(finite, default=0.0) or 1.0
    return Normalize(-vmax, vmax)


def layout(net: Network) -> dict[tuple[int, int], tuple[float, float]]:
    """Positions of the graph's nodes: neuron (l, i) at x = l − 1 (layers as columns, input on the left) and
    y = (s_l + 1)/2 − i (neuron 1 on top, every column centred on y = 0)."""
    sizes: dict[int, int] = {}
    for l, i in net.graph.nodes:
        sizes[l] = max(sizes.get(l, 0), i)
    return {(l, i): (float(l - 1), (sizes[l] + 1) / 2 - i) for l, i in net.graph.nodes}


def _compact_exponent(text: str) -> str:
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text


_EM = {".": 0.32, "-": 0.36, "e": 0.62}   # DejaVu Sans widths in ems; digits are 0.64


def text_ems(text: str) -> float:
    """The width of a number's text in ems of its font (DejaVu Sans, matplotlib's default)."""
    return sum(_EM.get(ch, 0.64) for ch in text)


def format_value(value: float | None, room: float | None = None) -> str:
    """A value as drawn in a neuron: three significant digits ('' when not computed); with ``room`` (ems of
    the font), the most precise of 3, 2 or 1 significant digits, plain or scientific (-1.8e-4), that is at
    most that wide, so that it fits its circle."""
    if value is None or not math.isfinite(value):
        return ""
    text = ""
    for digits in (3, 2, 1):
        for text in (_compact_exponent(f"{value:.{digits}g}"), _compact_exponent(f"{value:.{digits - 1}e}")):
            if room is None or text_ems(text) <= room:
                return text
    return text
