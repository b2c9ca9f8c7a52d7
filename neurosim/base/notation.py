"""Printed symbols: z_i^(l), a_i^(l), δ_i^(l), W_ij^(l), b_i^(l) in Van Vaerenbergh's notation, or in another note's.

Plain text by default (``δ_2^(3)``); ``latex=True`` gives matplotlib mathtext / LaTeX (``\\delta_{2}^{(3)}``).
Indices are 1-based, as everywhere a user sees them. The layer number ``l`` passed in is always Van
Vaerenbergh's (layer 1 is the input); a notation only changes how it is printed, never what is computed.

Notations (``NOTATIONS``):

* ``"vv"`` — Van Vaerenbergh (the default): ``z_i^(l)``, ``a_i^(l)``, ``δ_i^(l)``, ``W_ij^(l)``, ``b_i^(l)``.
* ``"bracket"`` — Tong Wu's bracket notation, which counts the input as layer 0: the neuron quantities of
  layer l become ``z_i^[l−1]``, ``a_i^[l−1]``, ``δ_i^[l−1]`` (so a^(1) = x is a^[0]); W^(l) and b^(l), which feed
  layer l + 1, become ``W^[l]`` and ``b^[l]`` (so z^[l] = W^[l] a^[l−1] + b^[l], as in the note).
* ``"alsup"`` — Terrence Alsup's: the layer as a subscript of the vector or matrix and the entry as a
  parenthesised superscript, the input counting as layer 0: ``W_l^(ij)``, ``b_l^(i)``, ``z_{l−1}^(i)``,
  ``a_{l−1}^(i)``, ``δ_{l−1}^(i)`` (so W^(1) is Alsup's W_1 and its entry (j, k) is W_1^(jk)).
"""

from __future__ import annotations

from .limits import excerpt

_PLAIN = {"z": "z", "a": "a", "delta": "δ", "W": "W", "b": "b", "y": "y", "x": "x"}
_LATEX = {"z": "z", "a": "a", "delta": r"\delta", "W": "W", "b": "b", "y": "y", "x": "x"}

NOTATIONS = ("vv", "bracket", "alsup")
DEFAULT_NOTATION = "vv"

# Quantities that belong to a neuron of layer l (shifted by one in the 0-based notations) versus the
# parameters W^(l), b^(l) that feed layer l + 1 (their number is kept).
_NEURON_KINDS = {"z", "a", "delta", "x"}


def check_notation(notation: str) -> str:
    """Return ``notation`` if it is one of ``NOTATIONS``, else raise a ValueError naming the valid ones."""
    if notation not in NOTATIONS:
        raise ValueError(f"notation: expected one of {', '.join(NOTATIONS)}, got {excerpt(notation)}")
    return notation


def symbol(kind: str, l: int | None, i: int, j: int | None = None, latex: bool = False,
           notation: str = DEFAULT_NOTATION) -> str:
    """The symbol of one quantity: ``symbol("delta", 3, 2)`` is ``δ_2^(3)``, ``symbol("W", 2, 1, 2)`` is
    ``W_12^(2)``; ``l=None`` drops the layer (for targets y_i). ``notation`` is one of ``NOTATIONS``:
    ``symbol("delta", 3, 2, notation="bracket")`` is ``δ_2^[2]``, ``symbol("W", 2, 1, 2, notation="alsup")``
    is ``W_2^(12)``. ``i`` and ``j`` may be letters for a generic entry: ``symbol("W", 2, "i", "j")``."""
    names = _LATEX if latex else _PLAIN
    if kind not in names:
        raise ValueError(f"kind: expected one of {', '.join(names)}, got {excerpt(kind)}")
    check_notation(notation)
    # A letter index (symbol("W", 2, "i", "j") is W_ij^(2)) writes a generic entry, as in a formula.
    sub = f"{i}" if j is None else f"{i}{j}" if str in (type(i), type(j)) or max(i, j) < 10 else f"{i},{j}"
    shown = l
    if l is not None and notation != "vv" and kind in _NEURON_KINDS:
        shown = l - 1
    name = names[kind]
    if notation == "alsup":
        if latex:
            return f"{name}^{{({sub})}}" if shown is None else f"{name}_{{{shown}}}^{{({sub})}}"
        return f"{name}^({sub})" if shown is None else f"{name}_{shown}^({sub})"
    if notation == "bracket":
        if latex:
            return f"{name}_{{{sub}}}" + ("" if shown is None else f"^{{[{shown}]}}")
        return f"{name}_{sub}" + ("" if shown is None else f"^[{shown}]")
    if latex:
        sup = "" if l is None else f"^{{({l})}}"
        return f"{name}_{{{sub}}}{sup}"
    return f"{name}_{sub}" + ("" if l is None else f"^({l})")


def layer_symbol(kind: str, l: int, latex: bool = False, notation: str = DEFAULT_NOTATION) -> str:
    """The symbol of a whole vector or matrix: ``W^(2)``, ``δ^(3)``; ``W^[2]``, ``δ^[2]``; ``W_2``, ``δ_2``."""
    names = _LATEX if latex else _PLAIN
    if kind not in names:
        raise ValueError(f"kind: expected one of {', '.join(names)}, got {excerpt(kind)}")
    check_notation(notation)
    shown = l - 1 if notation != "vv" and kind in _NEURON_KINDS else l
    name = names[kind]
    if notation == "alsup":
        return f"{name}_{{{shown}}}" if latex else f"{name}_{shown}"
    if notation == "bracket":
        return f"{name}^{{[{shown}]}}" if latex else f"{name}^[{shown}]"
    return f"{name}^{{({shown})}}" if latex else f"{name}^({shown})"
