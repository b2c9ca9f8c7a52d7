"""The pieces of a step-through: :class:`Step` (one number, its formula with symbols and with numbers),
:class:`Trace` (a list of them), and the small builder that renders a right-hand side four ways (plain text,
plain text with numbers, LaTeX, LaTeX with numbers). :mod:`neurosim.explain.trace` builds the forward,
backward and gradient steps with them, :mod:`neurosim.explain.update` the optimizer's update steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..base.notation import symbol
from ..core.activations import Activation
from .display import step_html, step_latex, trace_html, trace_text

PHASES = ("forward", "backward", "gradient", "update")

Key = tuple  # a node key (l, i) or an edge key ((l, j), (l + 1, i))


@dataclass(frozen=True)
class Operand:
    """One symbol of a formula with the engine's value for it; ``key`` is its neuron (l, i) or edge.
    ``bare``: printed without the parentheses a negative number otherwise gets (inside f(…) or alone)."""

    symbol: str
    latex: str
    value: float
    kind: str
    key: Key
    bare: bool = field(default=False, repr=False)


@dataclass(frozen=True)
class Step:
    """One number of the computation and how it was obtained.

    ``phase`` is "forward", "backward", "gradient" or "update"; ``kind`` is "z", "a", "delta", "W" (a weight's
    gradient; in the update phase its new value) or "b" (likewise for a bias); update steps of an optimizer's
    state have the state's name as kind ("v", "m", "m_hat", "v_hat") and the parameter's layer, index, source.
    ``layer``, ``index`` and ``source`` are the numbers in the symbol: for z_i^(l),
    a_i^(l), δ_i^(l) the neuron (l, i), ``source`` None; for ∂J/∂W_ij^(l) layer l, index i (the target neuron
    in layer l + 1) and source j (the source neuron in layer l); for ∂J/∂b_i^(l) layer l and index i (the bias
    of neuron i of layer l + 1). ``key`` turns these into the graph's node or edge key.

    ``formula`` is ``symbol = right-hand side`` with symbols only; ``numbers`` is the right-hand side with
    every symbol replaced by its value, followed by ``= <value>``; ``latex``/``latex_numbers`` are the
    same in mathtext/LaTeX (without the surrounding ``$``). ``operands`` lists the symbols of the right-hand
    side in order with their values. ``derivative`` is f′(z_i) where the formula uses it (else None), for
    an aside such as "σ′(0.3) = 0.2445"; ``derivative_name`` is its f′ symbol ("σ′").
    """

    phase: str
    kind: str
    layer: int
    index: int
    source: int | None
    symbol: str
    value: float
    formula: str
    numbers: str
    latex: str
    latex_numbers: str
    operands: tuple[Operand, ...] = field(repr=False)
    derivative: float | None = None
    derivative_name: str | None = None
    derivative_at: float | None = None

    @property
    def key(self) -> Key:
        """The graph key of the step: node (l, i) for z, a, δ; node (l + 1, i) for a bias gradient;
        edge ((l, j), (l + 1, i)) for a weight gradient."""
        if self.kind == "W" or (self.phase == "update" and self.source is not None):
            return ((self.layer, self.source), (self.layer + 1, self.index))
        if self.kind == "b" or self.phase == "update":
            return (self.layer + 1, self.index)
        return (self.layer, self.index)

    @property
    def neuron(self) -> tuple[int, int]:
        """The neuron the step belongs to: its own for z, a, δ; the target neuron (l + 1, i) for W and b."""
        return self.key[1] if len(self.key) == 2 and isinstance(self.key[0], tuple) else self.key

    @property
    def mathtext(self) -> str:
        """``$formula$`` for matplotlib."""
        return f"${self.latex}$"

    def involves(self, l: int, i: int) -> bool:
        """True when the step computes a number of neuron (l, i) or the gradient of a connection touching it."""
        key = (l, i)
        if isinstance(self.key[0], tuple):   # a connection's step: either end
            return key in self.key
        return self.neuron == key

    def aside(self, digits: int = 6) -> str:
        """``σ′(0.3) = 0.244458`` for a step whose formula uses f′ (else an empty string)."""
        if self.derivative is None:
            return ""
        return f"{self.derivative_name}({fmt(self.derivative_at, digits)}) = {fmt(self.derivative, digits)}"

    def __str__(self) -> str:
        return f"{self.formula} = {self.numbers}"

    def _repr_html_(self) -> str:
        """Jupyter: the formula typeset, then the same with the numbers (``.numbers``), and f′ where used."""
        return step_html(self)

    def _repr_latex_(self) -> str:
        return step_latex(self)


class Trace(list):
    """The steps of :func:`trace`: a list of :class:`Step` that prints (``str``) and displays in Jupyter
    (``_repr_html_``) as a table grouped by phase. Slices and :meth:`phase` are Traces too."""

    def __getitem__(self, k):
        found = super().__getitem__(k)
        return Trace(found) if isinstance(k, slice) else found

    def phase(self, name: str) -> Trace:
        """The steps of one phase ("forward", "backward", "gradient" or "update"), in order."""
        return select(self, phase=name)

    def text(self) -> str:
        """Every step as ``formula = numbers``, numbered, under one heading per phase."""
        return trace_text(self)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        # what a REPL shows for ``ns.trace(net, x, y)``: the table, as Jupyter does, not a wall of Step(...)s
        return self.text() if self else "Trace([])"

    def _repr_html_(self) -> str:
        return trace_html(self)


def fmt(value: float, digits: int = 6) -> str:
    """A number as printed in ``.numbers``: ``digits`` significant digits, ASCII minus."""
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def _operand_text(value: float, digits: int) -> str:
    # A negative operand gets parentheses so that "0.5·(-0.2)" never reads as a subtraction.
    text = fmt(value, digits)
    return f"({text})" if text.startswith("-") else text


_LATEX_NAMES = {"σ": r"\sigma", "tanh": r"\tanh", "exp": r"\exp"}


def _latex_text(text: str) -> str:
    """Plain formula text to mathtext: operators and Greek letters; other words upright."""
    out = text.replace("·", r" \cdot ").replace("−", "-").replace("′", "'").replace("Σ", r"\sum ")
    return out


def activation_symbol(act: Activation, latex: bool = False) -> str:
    """How f is printed: σ, tanh, ReLU, … (the Activation's symbol, or its name for a user's own)."""
    name = act.symbol if act.symbol != "f" else act.name
    if not latex:
        return name
    return _LATEX_NAMES.get(name, r"\mathrm{" + name.replace("_", r"\_") + "}")


class _Expr:
    """A right-hand side being built: literal text pieces and operands, rendered four ways."""

    def __init__(self, notation: str, digits: int):
        self.parts: list[tuple[str, str] | Operand] = []
        self.notation = notation
        self.digits = digits

    def lit(self, plain: str, latex: str | None = None) -> _Expr:
        self.parts.append((plain, _latex_text(plain) if latex is None else latex))
        return self

    def op(self, kind: str, l: int | None, i: int, value: float, j: int | None = None, key: Key = (),
           bare: bool = False) -> _Expr:
        self.parts.append(Operand(symbol(kind, l, i, j, notation=self.notation),
                                  symbol(kind, l, i, j, latex=True, notation=self.notation), float(value), kind, key,
                                  bare))
        return self

    def render(self) -> tuple[str, str, str, str, tuple[Operand, ...]]:
        plain, numbers, latex, latex_numbers, operands = [], [], [], [], []
        for part in self.parts:
            if isinstance(part, Operand):
                operands.append(part)
                number = fmt(part.value, self.digits) if part.bare else _operand_text(part.value, self.digits)
                plain.append(part.symbol)
                latex.append(part.latex)
                numbers.append(number)
                latex_numbers.append(number)
            else:
                plain.append(part[0])
                numbers.append(part[0])
                latex.append(part[1])
                latex_numbers.append(part[1])
        return "".join(plain), "".join(numbers), "".join(latex), "".join(latex_numbers), tuple(operands)


def _step(phase: str, kind: str, l: int, i: int, j: int | None, value: float, expr: _Expr,
          derivative: tuple[str, float, float] | None = None, name: tuple[str, str] | None = None) -> Step:
    """A Step whose right-hand side is ``expr``; ``name`` (plain, LaTeX) overrides the left-hand symbol."""
    notation, digits = expr.notation, expr.digits
    if name is not None:
        name, latex_name = name
    elif kind in ("W", "b"):
        name = "∂J/∂" + symbol(kind, l, i, j, notation=notation)
        latex_name = r"\partial J/\partial " + symbol(kind, l, i, j, latex=True, notation=notation)
    else:
        name = symbol(kind, l, i, notation=notation)
        latex_name = symbol(kind, l, i, latex=True, notation=notation)
    rhs, numbers, latex, latex_numbers, operands = expr.render()
    value = float(value)
    end = f" = {fmt(value, digits)}"
    d_name, d_at, d_value = derivative if derivative else (None, None, None)
    return Step(phase, kind, l, i, j, name, value, f"{name} = {rhs}", numbers + end, f"{latex_name} = {latex}",
                latex_numbers + end, operands, d_value, d_name, d_at)


def select(steps: list[Step], phase: str | None = None, neuron: tuple[int, int] | None = None) -> Trace:
    """The steps of one ``phase`` and/or those that ``involve`` one neuron (l, i), in their order (a Trace)."""
    if phase is not None and phase not in PHASES:
        raise ValueError(f"phase: expected one of {', '.join(PHASES)}, got {phase!r}")
    return Trace(s for s in steps
                 if (phase is None or s.phase == phase) and (neuron is None or s.involves(*neuron)))
