"""Printed symbols in Van Vaerenbergh's notation: z_i^(l), a_i^(l), δ_i^(l), W_ij^(l), b_i^(l).

Plain text by default (``δ_2^(3)``); ``latex=True`` gives matplotlib mathtext / LaTeX (``\\delta_{2}^{(3)}``).
Indices are 1-based, as everywhere a user sees them.
"""

from __future__ import annotations

_PLAIN = {"z": "z", "a": "a", "delta": "δ", "W": "W", "b": "b", "y": "y", "x": "x"}
_LATEX = {"z": "z", "a": "a", "delta": r"\delta", "W": "W", "b": "b", "y": "y", "x": "x"}


def symbol(kind: str, l: int | None, i: int, j: int | None = None, latex: bool = False) -> str:
    """The symbol of one quantity: ``symbol("delta", 3, 2)`` is ``δ_2^(3)``, ``symbol("W", 2, 1, 2)`` is
    ``W_12^(2)``; ``l=None`` drops the layer (for targets y_i)."""
    names = _LATEX if latex else _PLAIN
    if kind not in names:
        raise ValueError(f"kind: expected one of {', '.join(names)}, got {kind!r}")
    sub = f"{i}" if j is None else f"{i}{j}" if max(i, j) < 10 else f"{i},{j}"
    if latex:
        sup = "" if l is None else f"^{{({l})}}"
        return f"{names[kind]}_{{{sub}}}{sup}"
    return f"{names[kind]}_{sub}" + ("" if l is None else f"^({l})")
