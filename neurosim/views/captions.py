"""The captions of the animation's frames, typeset as matplotlib mathtext like the title.

A frame of one Step (``granularity="connection"``) shows the Step's formula and, below it, the same formula
with the numbers (``Step.latex_numbers``, the digits of ``neurosim step``), wrapped at its sums onto at most
two lines; a sum too long for that is written with Σ and its value (z_i = Σ_j W_ij a_j + b_i = 0.42 + (−0.1)).
A grouped frame states its formula once with letter indices and its numbers in short: the vector of the
layer's values (the first ones, "…", the last one and how many when they do not fit), the message sums,
the largest gradient. Widths are estimated from the characters, so no text needs drawing to be measured.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..base.notation import layer_symbol, symbol
from ..explain.trace import fmt

MAX_TERMS = 4            # a sum with more terms than this is written with Σ
_TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|[_^]\{|[_^]\\?[a-zA-Z0-9]|[{}]|.")
_WIDE = {r"\sum": 1.6, r"\tanh": 3.2, r"\exp": 2.6, r"\ldots": 1.8, r"\quad": 1.6, r"\cdot": 0.9, r"\ ": 0.5,
         r"\,": 0.3, r"\mathrm": 0.0, r"\partial": 1.0}
_NAMES = {"σ": r"\sigma", "tanh": r"\tanh", "exp": r"\exp"}


@dataclass(frozen=True)
class Caption:
    """What a frame says: ``title`` (mathtext), ``formula`` (one mathtext line, symbols only), ``numbers``
    (one or two mathtext lines with the values) and ``text`` (the same in plain text, one line)."""

    title: str
    formula: str
    numbers: tuple[str, ...]
    plain_text: str = ""

    @property
    def text(self) -> str:
        return self.plain_text or " | ".join(plain(s) for s in (self.formula, *self.numbers))


def plain(math_text: str, spaces: bool = False) -> str:
    """Mathtext to readable plain text: ``$\\delta_{2}^{(3)}$`` → ``δ_2^(3)``, minus signs as −."""
    out = math_text.replace("$", "")
    for cmd, ch in ((r"\delta", "δ"), (r"\partial ", "∂"), (r"\partial", "∂"), (r"\sigma", "σ"), (r"\sum", "Σ"),
                    (r"\cdot", "·"), (r"\ldots", "…"), (r"\quad", "   "), (r"\tanh", "tanh"), (r"\exp", "exp"),
                    (r"\mathrm", ""), (r"\ ", " "), (r"\,", " "), ("{", ""), ("}", ""), ("-", "−"), ("'", "′")):
        out = out.replace(cmd, ch)
    out = out.replace(" · ", "·")
    return out if spaces else re.sub(r" +", " ", out).strip()


def _symbolic(text: str) -> bool:
    """True when ``text`` has a symbol that only mathtext can write (sub- or superscripts, δ, ∂, Σ)."""
    return re.search(r"[_^]|\\delta|\\partial|\\sum", text) is not None


def mixed(line: str) -> str:
    """A caption line (mathtext without $) with only its symbols typeset: ``$\\delta_{1}^{(2)}$ = 0.5·(−0.2)``.
    Numbers need no typesetting, and mathtext costs time per character (a frame is drawn in a fraction of
    the time when only the symbols go through it)."""
    head, eq, tail = line.partition(" = ")
    if eq and _symbolic(head) and not ("_{" in tail or "^{" in tail):
        return f"${head}$ = {plain(tail, spaces=True)}"
    return f"${line}$" if _symbolic(line) else plain(line, spaces=True)


def width(text: str, size: float) -> float:
    """The width in points of mathtext ``text`` at ``size`` points, estimated from its characters."""
    total, scales = 0.0, [1.0]
    for tok in _TOKEN.findall(text.replace("$", "")):
        if tok in ("_{", "^{"):
            scales.append(0.7)
        elif tok == "{":
            scales.append(scales[-1])
        elif tok == "}":
            if len(scales) > 1:
                scales.pop()
        elif tok[0] in "_^":
            total += 0.7 * scales[-1] * _WIDE.get(tok[1:], 1.0)
        elif tok.startswith("\\"):
            total += scales[-1] * _WIDE.get(tok, 1.0)
        else:
            total += scales[-1] * (0.45 if tok in " .,()'-|" else 1.0)
    return total * 0.66 * size


def wrap(pieces: list[str], room: float, size: float, max_lines: int = 2) -> tuple[str, ...] | None:
    """``pieces`` joined greedily into at most ``max_lines`` mathtext lines of ``room`` points (None if not)."""
    lines: list[str] = []
    for p in pieces:
        if lines and width(lines[-1] + p, size) <= room:
            lines[-1] += p
        else:
            lines.append(p.lstrip())
    if len(lines) > max_lines or any(width(line, size) > room for line in lines):
        return None
    return tuple(mixed(line) for line in lines)


def _top_level_split(text: str, sep: str = " + ") -> list[str]:
    """``text`` cut before each ``sep`` outside braces (mathtext groups), separators kept."""
    pieces, depth, start, k = [], 0, 0, 0
    while k < len(text):
        ch = text[k]
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and text.startswith(sep, k) and k > start:
            pieces.append(text[start:k])
            start = k
            k += len(sep)
            continue
        k += 1
    pieces.append(text[start:])
    return pieces


def _latex(text: str) -> str:
    return text.replace("exp(", r"\exp(")


def _fname(step) -> str:
    """f′ of a step in mathtext (σ′ → \\sigma')."""
    name = (step.derivative_name or "f′").rstrip("′")
    return _NAMES.get(name, r"\mathrm{" + name.replace("_", r"\_") + "}") + "'"


def _aside(step) -> list[str]:
    if step.derivative is None:
        return []
    return [rf"\quad\mathrm{{where}}\ {_fname(step)}({fmt(step.derivative_at, 4)}) = {fmt(step.derivative, 4)}"]


def vector(values, room: float, size: float, prefix: str = "") -> str:
    """``prefix`` + the values as (v_1, v_2, …, v_n), 3 significant digits, shortened to fit ``room`` points
    by showing the first ones, "…" and the last one, and saying how many there are."""
    texts = [fmt(float(v), 3) for v in values]
    full = prefix + "(" + ", ".join(texts) + ")"
    if width(full, size) <= room or len(texts) <= 2:
        return full
    for k in range(len(texts) - 2, 0, -1):
        short = (prefix + "(" + ", ".join(texts[:k]) + r", \ldots, " + texts[-1] + ")"
                 + rf"\ \ \mathrm{{({len(texts)}\ values)}}")
        if width(short, size) <= room:
            return short
    return short


@dataclass
class Captioner:
    """Writes the caption of each frame; ``room`` is the caption width in points, ``size`` its font size."""

    steps: list
    notation: str
    room: float
    size: float
    n_layers: int

    def sym(self, kind: str, l: int | None, i, j=None) -> str:
        return symbol(kind, l, i, j, latex=True, notation=self.notation)

    # --- one Step -------------------------------------------------------------------------------------

    def step(self, step) -> tuple[str, tuple[str, ...]]:
        """(formula, numbers) of one Step."""
        formula, pieces = self._pieces(step)
        lines = wrap(pieces, self.room, self.size)
        if lines is None or width(formula, self.size) > self.room:
            formula, pieces = self._compact(step)
            lines = wrap(pieces, self.room, self.size) or (mixed("".join(pieces)),)
        return f"${formula}$", lines

    def _pieces(self, step) -> tuple[str, list[str]]:
        """The step's formula and its numbers cut at the sums (mathtext without $)."""
        name = step.latex.partition(" = ")[0]
        nums, _, value = step.latex_numbers.rpartition(" = ")
        if nums.strip() == value.strip():
            # ∂J/∂b_i = δ_i: the number is the value itself, written once.
            return _latex(step.latex), [f"{name} = {value}"]
        if len(step.operands) > 2 * MAX_TERMS + 2:
            return self._compact(step)
        return _latex(step.latex), _top_level_split(_latex(f"{name} = {nums}")) + [f" = {value}"] + _aside(step)

    def _compact(self, step) -> tuple[str, list[str]]:
        """A long sum written with Σ and its value: (formula, pieces of the numbers)."""
        name = step.latex.partition(" = ")[0]
        value = step.latex_numbers.rpartition(" = ")[2]
        ops = step.operands
        l, i = step.neuron
        if step.kind == "z":
            products = [w.value * a.value for w, a in zip(ops[0:-1:2], ops[1:-1:2])]
            bias = ops[-1]
            formula = (rf"{name} = \sum_{{j}} {self.sym('W', l - 1, i, 'j')} {self.sym('a', l - 1, 'j')} + "
                       f"{bias.latex}")
            numbers = f"{name} = {fmt(math.fsum(products))} + {_paren(bias.value)} = {value}"
            more = [rf"\quad\mathrm{{({len(products)}\ terms)}}"]
        elif step.kind == "delta":
            deltas = [o for o in ops if o.kind == "delta"]
            weights = [o for o in ops if o.kind == "W"]
            z = next(o for o in ops if o.kind == "z")
            total = math.fsum(d.value * w.value for d, w in zip(deltas, weights))
            formula = (rf"{name} = (\sum_{{j}} {self.sym('delta', l + 1, 'j')} {self.sym('W', l, 'j', i)}) "
                       rf"\cdot {_fname(step)}({z.latex})")
            numbers = f"{name} = ({fmt(total)}) \\cdot {_fname(step)}({fmt(z.value)}) = {value}"
            more = _aside(step)
        else:   # softmax: a_i = exp(z_i) / Σ_k exp(z_k)
            zs = [o.value for o in ops[1:]]
            top = max(zs)
            den = math.fsum(math.exp(z - top) for z in zs)
            formula = rf"{name} = \exp({ops[0].latex}) / \sum_{{k}} \exp({self.sym('z', l, 'k')})"
            numbers = (rf"{name} = \exp({fmt(ops[0].value)}) / {fmt(den * math.exp(top)) if top < 700 else '…'}"
                       f" = {value}")
            more = []
        return formula, [numbers] + more

    # --- grouped frames -------------------------------------------------------------------------------

    def caption(self, frame) -> Caption:
        """The Caption of a :class:`~neurosim.views.frames.Frame` (its title without the frame number)."""
        steps = [self.steps[k] for k in frame.steps]
        l, what = frame.layer, frame.what
        if what == "step":
            s = steps[0]
            formula, numbers = self.step(s)
            return Caption(f"${s.latex.partition(' = ')[0]}$", formula, numbers,
                           f"{s.formula}   |   {s.symbol} = {s.numbers}")
        if what == "neuron":
            return self._neuron(frame, steps)
        if what in ("z", "a"):
            return self._forward_layer(what, l, steps)
        if what in ("messages", "delta"):
            return self._backward_layer(what, l, steps)
        return self._gradient_layer(l, steps)

    def _neuron(self, frame, steps) -> Caption:
        l, i = frame.layer, frame.index
        if frame.phase == "forward":
            (fz, pz), (fa, pa) = self._pieces(steps[0]), self._pieces(steps[1])
            numbers = wrap(pz + [r";\quad "] + pa, self.room, self.size)
            if numbers is None:
                (fz, pz) = self._compact(steps[0]) if steps[0].kind == "z" else (fz, pz)
                numbers = wrap(pz + [r";\quad "] + pa, self.room, self.size) or (mixed("".join(pz + pa)),)
            formula = f"${fz};\\quad {fa}$"
            if width(formula, self.size) > self.room:
                formula = f"${fz}$"
            return Caption(f"${self.sym('z', l, i)},\\ {self.sym('a', l, i)}$", formula, numbers)
        if frame.phase == "backward":
            formula, numbers = self.step(steps[0])
            return Caption(f"${self.sym('delta', l, i)}$", formula, numbers)
        # gradient: every ∂J/∂W_ij^(l-1) into neuron (l, i), then ∂J/∂b_i^(l-1)
        w = [s for s in steps if s.kind == "W"]
        b = [s for s in steps if s.kind == "b"]
        d = self.sym("delta", l, i)
        dw = rf"\partial J/\partial {self.sym('W', l - 1, i, 'j')}"
        db = rf"\partial J/\partial {self.sym('b', l - 1, i)}"
        formula = rf"${dw} = {d} \cdot {self.sym('a', l - 1, 'j')},\quad {db} = {d}$"
        delta = (b[0] if b else w[0]).operands[0].value
        lines = [rf"{d} = {fmt(delta)}:\ \ "]
        if w:
            lines[0] += vector([s.value for s in w], self.room * 0.8, self.size, f"{dw} = ")
        lines.append(rf"{db} = {fmt(delta)}" if b else "")
        numbers = tuple(mixed(x) for x in lines if x)
        return Caption(rf"${dw},\ {db}$", formula, numbers)

    def _forward_layer(self, what: str, l: int, steps) -> Caption:
        vec = layer_symbol("z" if what == "z" else "a", l, latex=True, notation=self.notation)
        if what == "z":
            formula = (rf"{self.sym('z', l, 'i')} = \sum_{{j}} {self.sym('W', l - 1, 'i', 'j')} "
                       rf"{self.sym('a', l - 1, 'j')} + {self.sym('b', l - 1, 'i')}")
        elif "exp(" in steps[0].latex:
            a, z, zk = self.sym("a", l, "i"), self.sym("z", l, "i"), self.sym("z", l, "k")
            formula = rf"{a} = \exp({z}) / \sum_{{k}} \exp({zk})"
        else:
            formula = self._generic(steps[0], l)
        n = len(steps)
        formula += rf"\quad\mathrm{{for}}\ i = 1, \ldots, {n}" if n > 1 else ""
        numbers = vector([s.value for s in steps], self.room, self.size, f"{vec} = ")
        return Caption(f"${vec}$", f"${formula}$", (mixed(numbers),))

    def _backward_layer(self, what: str, l: int, steps) -> Caption:
        formula = self._generic(steps[0], l, compact=True) + rf"\quad\mathrm{{for}}\ i = 1, \ldots, {len(steps)}"
        vec = layer_symbol("delta", l, latex=True, notation=self.notation)
        if what == "delta":
            return Caption(f"${vec}$", f"${formula}$",
                           (mixed(vector([s.value for s in steps], self.room, self.size, f"{vec} = ")),))
        if l == self.n_layers:
            targets = [next((o.value for o in s.operands if o.kind == "y"), math.nan) for s in steps]
            numbers = vector(targets, self.room, self.size, r"\mathrm{targets}\ y = ")
            return Caption(r"$\mathrm{targets}\ y$", f"${formula}$", (mixed(numbers),))
        sums = []
        for s in steps:
            ds = [o.value for o in s.operands if o.kind == "delta"]
            ws = [o.value for o in s.operands if o.kind == "W"]
            sums.append(math.fsum(np.multiply(ds, ws)))
        msg = rf"\sum_{{j}} {self.sym('delta', l + 1, 'j')} {self.sym('W', l, 'j', 'i')}"
        numbers = vector(sums, self.room, self.size, rf"{msg} = ")
        return Caption(f"${self.sym('delta', l + 1, 'j')} {self.sym('W', l, 'j', 'i')}$", f"${formula}$",
                       (mixed(numbers),))

    def _gradient_layer(self, l: int, steps) -> Caption:
        w = [s for s in steps if s.kind == "W"]
        b = [s for s in steps if s.kind == "b"]
        dw = rf"\partial J/\partial {self.sym('W', l, 'i', 'j')}"
        db = rf"\partial J/\partial {self.sym('b', l, 'i')}"
        formula = (rf"${dw} = {self.sym('delta', l + 1, 'i')} \cdot {self.sym('a', l, 'j')},\quad "
                   rf"{db} = {self.sym('delta', l + 1, 'i')}$")
        lines = []
        if w:
            big = max(w, key=lambda s: abs(s.value))
            lines.append(rf"{len(w)}\ \mathrm{{weights;\ largest}}\ |\partial J/\partial W|:\ "
                         rf"{big.latex.partition(' = ')[0]} = {fmt(big.value)}")
        if b:
            vec = rf"\partial J/\partial {layer_symbol('b', l, latex=True, notation=self.notation)} = "
            lines.append(vector([s.value for s in b], self.room, self.size, vec))
        title = rf"$\partial J/\partial {layer_symbol('W', l, latex=True, notation=self.notation)},\ " \
                rf"\partial J/\partial {layer_symbol('b', l, latex=True, notation=self.notation)}$"
        return Caption(title, formula, tuple(mixed(x) for x in lines))

    def _generic(self, step, l: int, compact: bool = False) -> str:
        """The step's formula with its neuron's index replaced by i (an output δ, an a = f(z))."""
        name, _, rhs = _latex(step.latex).partition(" = ")
        i = step.neuron[1]
        if compact and step.kind == "delta" and l < self.n_layers:
            tail = rhs.rpartition(r") \cdot ")[2] if r") \cdot " in rhs else f"{_fname(step)}({self.sym('z', l, i)})"
            rhs = rf"(\sum_{{j}} {self.sym('delta', l + 1, 'j')} {self.sym('W', l, 'j', i)}) \cdot {tail}"
        out = f"{name} = {rhs}"
        for o in sorted(step.operands, key=lambda o: -len(o.latex)):
            if o.kind in ("a", "z", "y", "delta") and (o.key[-1] == i if o.kind != "delta" else o.key == (l, i)):
                layer = None if o.kind == "y" else o.key[0]
                out = out.replace(o.latex, self.sym(o.kind, layer, "i"))
        for kind in ("a", "z", "delta"):
            out = out.replace(self.sym(kind, l, i), self.sym(kind, l, "i"))
        out = out.replace(self.sym("W", l, "j", i), self.sym("W", l, "j", "i"))
        return out


def _paren(value: float) -> str:
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text
