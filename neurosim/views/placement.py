"""Where the animation's labels go so that none covers another: plain geometry on display boxes.

A box is (x0, y0, x1, y1) in display units (pixels), as matplotlib's ``get_window_extent`` gives it. The
player asks three things of this module: how far an arrow leaving a neuron must start so that it clears the
neuron's symbol (:func:`ray_exit`), whether a set of labels is free of collisions (:func:`collides`), and the
first of a few candidate places along a set of arrows where their labels are (:func:`first_clear`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Box = tuple[float, float, float, float]


def box_of(extent, pad: float = 0.0) -> Box:
    """A matplotlib Bbox (or any x0, y0, x1, y1) as a plain tuple, grown by ``pad`` on every side."""
    x0, y0, x1, y1 = (extent.x0, extent.y0, extent.x1, extent.y1) if hasattr(extent, "x0") else extent
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)


def overlap(a: Box, b: Box) -> bool:
    """Do the boxes share an area (touching edges do not count)?"""
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def collides(labels: Sequence[Box], obstacles: Sequence[Box] = ()) -> bool:
    """Does any label overlap another label or any obstacle?"""
    for n, a in enumerate(labels):
        if any(overlap(a, b) for b in labels[n + 1:]) or any(overlap(a, b) for b in obstacles):
            return True
    return False


def ray_exit(dx: float, dy: float, box: Box) -> float:
    """How far a ray from the origin in direction (dx, dy) runs before it has left ``box`` (given relative to
    the origin), in the box's units; 0 when the ray misses the box.

    The slab method: along the ray, the box spans t ∈ [max of the entry times, min of the exit times].
    """
    norm = math.hypot(dx, dy)
    if norm == 0:
        return 0.0
    t_in, t_out = 0.0, math.inf
    for u, lo, hi in ((dx / norm, box[0], box[2]), (dy / norm, box[1], box[3])):
        if abs(u) < 1e-12:
            if not lo <= 0.0 <= hi:
                return 0.0
            continue
        a, b = sorted((lo / u, hi / u))
        t_in, t_out = max(t_in, a), min(t_out, b)
    return t_out if t_in <= t_out else 0.0


def first_clear(candidates: Sequence[float], boxes_at: Callable[[float], list[Box]],
                obstacles: Sequence[Box]) -> float | None:
    """The first candidate c whose label boxes ``boxes_at(c)`` collide neither with each other nor with
    ``obstacles``; None when every candidate does (the labels are better left out)."""
    for c in candidates:
        if not collides(boxes_at(c), obstacles):
            return c
    return None
