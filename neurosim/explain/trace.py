"""The step-through: one forward and one backward pass written out as a list of :class:`Step`, one per number.

``trace(net, x, y)`` runs ``net.forward(x)`` and ``net.backward(y)`` — the scalar engine — and then reads
every number off the Neurons and Connections, so a Step's ``.value`` is always the engine's own number.
Each Step also carries its equation twice: ``.formula`` with symbols only and ``.numbers`` with every
symbol replaced by its value (in the same order), ending in ``= <value>``.

The order is the order of the computation (DESIGN §3):

* ``"forward"``: for l = 2 … n_l and each neuron i, first  z_i^(l) = Σ_j W_ij^(l−1) a_j^(l−1) + b_i^(l−1),
  then a_i^(l) = f(z_i^(l)) (softmax: a_i = exp(z_i) / Σ_k exp(z_k)). Pruned connections are absent from the sum.
* ``"backward"``: δ of each neuron, output layer first. Output layer: δ_i = ∂J/∂a_i · f′(z_i), e.g.
  (a_i − y_i)·σ′(z_i) for half_sse and 2·(a_i − y_i)·f′(z_i) for sse; δ_i = a_i − y_i for the paired losses
  (softmax + cross_entropy, where y is one-hot, and sigmoid + binary_cross_entropy). Hidden layers:
  δ_i^(l) = (Σ_j δ_j^(l+1)·W_ji^(l))·f′(z_i^(l)), a sum over the connections that exist.
* ``"gradient"``: for l = 1 … n_l − 1, each connection W_ij^(l) ordered by (i, j), then each bias b_i^(l):
  ∂J/∂W_ij^(l) = δ_i^(l+1)·a_j^(l) and ∂J/∂b_i^(l) = δ_i^(l+1).

These are the per-example gradients of J(W,b; x, y). Weight decay is not part of them: the λ W_ij^(l) term
belongs to the batch cost J(W,b) of eq. 6 and appears only in ``net.gradients``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from ..core.activations import Activation
from ..core.network import Network
from ..core.validation import as_target
from .display import step_html, step_latex, trace_html, trace_text

PHASES = ("forward", "backward", "gradient")

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

    ``phase`` is "forward", "backward" or "gradient"; ``kind`` is "z", "a", "delta", "W" (a weight's gradient)
    or "b" (a bias's gradient). ``layer``, ``index`` and ``source`` are the numbers in the symbol: for z_i^(l),
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
        if self.kind == "W":
            return ((self.layer, self.source), (self.layer + 1, self.index))
        if self.kind == "b":
            return (self.layer + 1, self.index)
        return (self.layer, self.index)

    @property
    def neuron(self) -> tuple[int, int]:
        """The neuron the step belongs to: its own for z, a, δ; the target neuron (l + 1, i) for W and b."""
        return self.key[1] if self.kind == "W" else self.key

    @property
    def mathtext(self) -> str:
        """``$formula$`` for matplotlib."""
        return f"${self.latex}$"

    def involves(self, l: int, i: int) -> bool:
        """True when the step computes a number of neuron (l, i) or the gradient of a connection touching it."""
        key = (l, i)
        if self.kind == "W":
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
        """The steps of one phase ("forward", "backward" or "gradient"), in order."""
        return select(self, phase=name)

    def text(self) -> str:
        """Every step as ``formula = numbers``, numbered, under one heading per phase."""
        return trace_text(self)

    def __str__(self) -> str:
        return self.text()

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
          derivative: tuple[str, float, float] | None = None) -> Step:
    notation, digits = expr.notation, expr.digits
    if kind in ("W", "b"):
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


def _derivative(expr: _Expr, act: Activation, l: int, i: int, z: float) -> tuple[str, float, float]:
    """Append ``·f′(z_i^(l))`` and return (f′ symbol, z, f′(z)) with the activation's own f′."""
    name, latex = activation_symbol(act), activation_symbol(act, latex=True)
    expr.lit(f"·{name}′(", rf" \cdot {latex}'(").op("z", l, i, z, key=(l, i), bare=True).lit(")")
    return f"{name}′", z, float(act.df_scalar(z))


_GRAD_PLACEHOLDER = re.compile(r"(\{a\}|\{y\})")


def trace(net: Network, x, y, notation: str = DEFAULT_NOTATION, digits: int = 6) -> Trace:
    """Run one forward and one backward pass of ``net`` on the example (x, y) and return every number as a Step.

    ``x`` has shape (s_1,); ``y`` is the target as for ``net.backward`` (a class label or one-hot row for
    cross_entropy). ``notation`` ("vv", "bracket" or "alsup") changes the printed symbols only; ``digits`` is
    the number of significant digits in ``.numbers``. The network is left holding this example's z, a, δ and
    per-example gradients. See the module docstring for the formulas and the order.

    The gradient steps are those of the per-example cost J(W,b; x, y): weight decay is not in them (with λ > 0
    the batch gradient of eq. 6 adds λ W_ij^(l), see ``net.gradients``).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    check_notation(notation)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits: expected a whole number from 1 to 17, got {digits!r}")
    net.forward(x)
    net.backward(y)
    t = as_target(y, net.loss, net.sizes[-1]).tolist()
    n_l = net.n_layers
    layers = [net.layer(l) for l in range(1, n_l + 1)]
    steps = Trace()

    def new() -> _Expr:
        return _Expr(notation, digits)

    # forward
    for l in range(2, n_l + 1):
        act = layers[l - 1][0].activation
        for n in layers[l - 1]:
            i = n.index
            e = new()
            for c in n.incoming:
                e.op("W", l - 1, i, c.weight, c.j, key=(c.source.key, n.key)).lit("·")
                e.op("a", l - 1, c.j, c.source.a, key=c.source.key).lit(" + ")
            e.op("b", l - 1, i, n.bias, key=n.key)
            steps.append(_step("forward", "z", l, i, None, n.z, e))
            e = new()
            if act.elementwise:
                e.lit(f"{activation_symbol(act)}(", activation_symbol(act, latex=True) + "(")
                e.op("z", l, i, n.z, key=n.key, bare=True).lit(")")
            else:
                # softmax, written out: a_i = exp(z_i) / Σ_k exp(z_k)
                e.lit("exp(").op("z", l, i, n.z, key=n.key, bare=True).lit(") / (")
                for k, m in enumerate(layers[l - 1]):
                    e.lit(" + " if k else "").lit("exp(").op("z", l, m.index, m.z, key=m.key, bare=True).lit(")")
                e.lit(")")
            steps.append(_step("forward", "a", l, i, None, n.a, e))

    # backward, output layer
    loss = net.loss
    out_act = layers[-1][0].activation
    for n, t_i in zip(layers[-1], t):
        i, e = n.index, new()
        derivative = None
        if loss.paired_output:
            e.op("a", n_l, i, n.a, key=n.key).lit(" − ").op("y", None, i, t_i, key=("y", i))
        else:
            if loss.grad_formula:
                for piece in _GRAD_PLACEHOLDER.split(loss.grad_formula):
                    if piece == "{a}":
                        e.op("a", n_l, i, n.a, key=n.key)
                    elif piece == "{y}":
                        e.op("y", None, i, t_i, key=("y", i))
                    elif piece:
                        e.lit(piece)
            else:
                # a loss without a printable ∂J/∂a: show its value under its own name
                e.parts.append(Operand(f"∂J/∂{symbol('a', n_l, i, notation=notation)}",
                                       r"\partial J/\partial " + symbol("a", n_l, i, latex=True, notation=notation),
                                       float(loss.grad(n.a, t_i)), "dJda", n.key))
            derivative = _derivative(e, out_act, n_l, i, n.z)
        steps.append(_step("backward", "delta", n_l, i, None, n.delta, e, derivative))

    # backward, hidden layers
    for l in range(n_l - 1, 1, -1):
        act = layers[l - 1][0].activation
        for n in layers[l - 1]:
            i, e = n.index, new()
            if n.outgoing:
                e.lit("(")
                for k, c in enumerate(n.outgoing):
                    e.lit(" + " if k else "").op("delta", l + 1, c.i, c.target.delta, key=c.target.key).lit("·")
                    e.op("W", l, c.i, c.weight, i, key=(n.key, c.target.key))
                e.lit(")")
            else:
                e.lit("0")   # every outgoing connection pruned: no message arrives
            derivative = _derivative(e, act, l, i, n.z)
            steps.append(_step("backward", "delta", l, i, None, n.delta, e, derivative))

    # gradients
    for l in range(1, n_l):
        for c in net.connections(l):
            e = new().op("delta", l + 1, c.i, c.target.delta, key=c.target.key).lit("·")
            e.op("a", l, c.j, c.source.a, key=c.source.key)
            steps.append(_step("gradient", "W", l, c.i, c.j, c.grad, e))
        for n in layers[l]:
            e = new().op("delta", l + 1, n.index, n.delta, key=n.key, bare=True)
            steps.append(_step("gradient", "b", l, n.index, None, n.bias_grad, e))
    return steps


def select(steps: list[Step], phase: str | None = None, neuron: tuple[int, int] | None = None) -> Trace:
    """The steps of one ``phase`` and/or those that ``involve`` one neuron (l, i), in their order (a Trace)."""
    if phase is not None and phase not in PHASES:
        raise ValueError(f"phase: expected one of {', '.join(PHASES)}, got {phase!r}")
    return Trace(s for s in steps
                 if (phase is None or s.phase == phase) and (neuron is None or s.involves(*neuron)))
