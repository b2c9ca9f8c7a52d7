"""Reading a learner's answer and judging it: numbers, shapes (``4x3``, ``(4, 3)``, ``4×3``) and neurons
(``l,i``); the verdict :class:`Check` with the whole worked chain and the most likely mistake.

Agreement within the tolerance ``tol`` (relative) means |answer − v| ≤ tol · max(|v|, 0.01): below 0.01 the
tolerance becomes absolute, so a value such as 0.0004 is not demanded to five significant digits.
"""

from __future__ import annotations

import math
import numbers
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

from .mistakes import Mistake
from .table import check_html

# Below this magnitude the relative tolerance turns absolute (see the module docstring).
_FLOOR = 0.01

Answer = float | tuple[int, ...]


@dataclass(frozen=True)
class Candidate:
    """The answer a mistake gives for the asked quantity (a number, a shape or a neuron); ``how`` says
    where it was made."""

    mistake: Mistake
    value: Answer
    how: str


def show(value: Answer, kind: str = "number") -> str:
    """An answer as the learner would write it: ``0.0312``, ``4×3`` or ``(3, 1)``."""
    if kind == "shape":
        return "×".join(map(str, value))
    if kind == "sender":
        return f"({value[0]}, {value[1]})"
    return f"{float(value) + 0.0:.6g}"   # + 0.0: no "-0"


@dataclass(frozen=True)
class Check:
    """The verdict on one answer: ``correct``, ``expected``, the likely ``mistakes`` (empty when correct or
    when no catalogued mistake gives the answer), ``diagnosis`` (readable text or None), ``solution`` (the
    worked :class:`~neurosim.explain.trace.Step`, or for a shape or sender question the rule as text),
    ``before`` (the Step of the δ or z it uses, or None) and ``chain`` (every Step the asked number needs,
    in the order of the computation, ending with the solution)."""

    answer: Answer
    correct: bool
    expected: Answer
    symbol: str
    mistakes: tuple[Candidate, ...] = ()
    diagnosis: str | None = None
    solution: object = field(default=None, repr=False)
    before: object = field(default=None, repr=False)
    chain: tuple = field(default=(), repr=False)
    kind: str = field(default="number", repr=False)

    def worked(self) -> list[str]:
        """The worked solution as lines: each step of the chain, its formula and then its numbers."""
        if self.kind != "number":
            return [f"  {line}" for line in str(self.solution).splitlines()]
        return worked_lines(self.chain or [s for s in (self.before, self.solution) if s is not None])

    def _repr_html_(self) -> str:
        return check_html(str(self), self.correct)

    def __str__(self) -> str:
        mine, right = show(self.answer, self.kind), show(self.expected, self.kind)
        said = f"{self.symbol} = {right}" if self.kind == "number" else f"the {self.symbol} is {right}"
        if self.correct:
            return f"Correct: {said} (you gave {mine})."
        lines = [f"Not quite: you gave {mine}, but {said}.", "Worked solution:", *self.worked()]
        lines.append(self.diagnosis or "No mistake in the catalogue gives your answer; compare your steps "
                                       "with the worked solution.")
        return "\n".join(lines)


_PHASE_TITLES = {"forward": "the forward pass", "backward": "the δ recursion, output layer first",
                 "gradient": "the asked gradient"}


def worked_lines(steps: Sequence) -> list[str]:
    """Steps as text: a heading per phase, then ``formula`` and ``= numbers`` of each (and its f′ aside)."""
    lines, phase = [], None
    for step in steps:
        if step.phase != phase:
            phase = step.phase
            lines.append(f"  {_PHASE_TITLES.get(phase, phase)}:")
        pad = " " * len(step.symbol)
        lines += [f"    {step.formula}", f"    {pad} = {step.numbers}"]
        if step.aside():
            lines.append(f"    {pad}   where {step.aside()}")
    return lines


def close(answer: float, value: float, tol: float) -> bool:
    """|answer − value| ≤ tol · max(|value|, 0.01): relative tolerance, absolute near zero."""
    return abs(answer - value) <= tol * max(abs(value), _FLOOR)


def diagnosis(chosen: Sequence[Candidate], kind: str = "number") -> str:
    """The most likely mistake(s) as text, each with the rule that fixes it."""
    same = "number" if kind == "number" else "answer"
    head = "Most likely mistake" if len(chosen) == 1 else f"Most likely mistake (these give the same {same})"
    lines = [f"{head}:"]
    for c in chosen:
        lines.append(f"  - {c.mistake.name} ({c.how}): that gives {show(c.value, kind)}.")
        lines.append(textwrap.fill(c.mistake.fix, width=100, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines)


def parse_answer(answer) -> float:
    """A finite number from ``answer`` (a number or text such as " -0.25 " or "1.5e-2")."""
    if isinstance(answer, bool):
        raise TypeError("answer: expected a number, got a bool")
    if isinstance(answer, numbers.Real):
        try:
            value = float(answer)
        except OverflowError:
            raise ValueError(f"answer: expected a finite number, got an integer of {len(str(answer))} digits") \
                from None
    elif isinstance(answer, str):
        try:
            value = float(answer.strip().replace("−", "-"))
        except ValueError:
            raise ValueError(f"answer: expected a number such as 0.25 or -1.5e-2, got {answer[:40]!r}") from None
    else:
        raise TypeError(f"answer: expected a number, got {type(answer).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"answer: expected a finite number, got {answer!r}")
    return value


_PAIR = re.compile(r"^\s*[\(\[]?\s*(\d+)\s*(?:[x×X*,]|\s)\s*(\d+)\s*[\)\]]?\s*$")


def _pair(answer, what: str, example: str) -> tuple[int, int]:
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in answer):
        return int(answer[0]), int(answer[1])
    if isinstance(answer, str):
        match = _PAIR.match(answer.replace("−", "-"))
        if match:
            return int(match.group(1)), int(match.group(2))
        raise ValueError(f"answer: expected {what} such as {example}, got {answer[:40]!r}")
    raise TypeError(f"answer: expected {what} such as {example}, got {type(answer).__name__}")


def parse_shape(answer) -> tuple[int, int]:
    """(rows, columns) from ``"4x3"``, ``"4×3"``, ``"(4, 3)"``, ``"4 3"`` or a pair of whole numbers."""
    return _pair(answer, "a shape", "4x3, 4×3 or (4, 3)")


def parse_neuron(answer) -> tuple[int, int]:
    """(l, i) from ``"3,1"``, ``"(3, 1)"`` or a pair of whole numbers: neuron i of layer l, 1-based."""
    return _pair(answer, "a neuron as l,i", "3,1 (layer 3, neuron 1)")
