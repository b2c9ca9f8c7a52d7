"""Questions about the structure rather than the numbers: the shape of W^(l), of δ^(l) for a batch and of
∂J/∂W^(l) in the notes' column form (one example per COLUMN, as in Alsup's note), and which neuron sends the
message that travels back along a connection.

Each question kind is one object (:data:`KIND`) that knows, in one place, where it can ask (``positions``), how
the asked thing is written (``title``), its right answer, the answers the usual slips give (:class:`Candidate`),
the request, the rule as text and how to read an answer. Shapes are (rows, columns); neurons are (l, i), 1-based.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...base.notation import layer_symbol, symbol
from ..steps import _operand_text
from .answers import Candidate, parse_neuron, parse_shape
from .mistakes import MISTAKES

SHAPE_OF = ("W", "delta", "grad")
WEIGHT_WHERE = "(l, i, j) for W_ij^(l)"   # how ``where`` names one weight, for the error message


def d_J(sym: str, latex: bool = False) -> str:
    """∂J/∂``sym``, plain or LaTeX."""
    return (r"\partial J/\partial " if latex else "∂J/∂") + sym


def weight_positions(net) -> list[tuple[int, int, int]]:
    """(l, i, j) of every connection that exists (a pruned one cannot be asked about), layer by layer."""
    s = net.sizes
    return [(l, i, j) for l in range(1, net.n_layers) for i in range(1, s[l] + 1) for j in range(1, s[l - 1] + 1)
            if net.graph.has_edge((l, j), (l + 1, i))]


def shape_positions(sizes: Sequence[int]) -> list[tuple[str, int]]:
    """Every (quantity, l) a shape question can ask about: W^(l) and ∂J/∂W^(l) for l = 1 … n_l − 1, the batch
    δ^(l) for l = 2 … n_l."""
    n = len(sizes)
    return ([("W", l) for l in range(1, n)] + [("delta", l) for l in range(2, n + 1)]
            + [("grad", l) for l in range(1, n)])


def shape_symbol(name: str, l: int, latex: bool = False) -> str:
    """``W^(2)``, ``Δ^(3)`` (the batch δ^(3), one column per example) or ``∂J/∂W^(2)``; plain or LaTeX."""
    if name == "delta":
        return rf"\Delta^{{({l})}}" if latex else f"Δ^({l})"
    w = layer_symbol("W", l, latex=latex)
    return w if name == "W" else d_J(w, latex)


def shape_prompt(name: str, l: int, m: int) -> str:
    """The request of a shape question."""
    batch = (f"For a batch of m = {m} examples stacked as columns (X = [x^(1) … x^({m})], the notes' column "
             f"form): ")
    what = {"W": f"what is the shape of the weight matrix {shape_symbol(name, l)}?",
            "delta": f"what is the shape of {shape_symbol(name, l)} = [δ^({l})(x^(1)) … δ^({l})(x^({m}))]?",
            "grad": f"what is the shape of {shape_symbol(name, l)} = (1/m) Δ^({l + 1}) (A^({l}))ᵀ?"}[name]
    return batch + what + " Answer as rows×columns, e.g. 4x3."


def expected_shape(name: str, l: int, sizes: Sequence[int], m: int) -> tuple[int, int]:
    """W^(l) and ∂J/∂W^(l): s_{l+1}×s_l; the batch Δ^(l): s_l×m."""
    s = list(sizes)
    if name == "delta":
        return (s[l - 1], m)
    return (s[l], s[l - 1])


def shape_candidates(name: str, l: int, sizes: Sequence[int], m: int) -> list[Candidate]:
    """What the usual slips answer: the shape transposed, the batch dimension dropped, the product over the
    wrong index, the shape of the neighbouring layer."""
    s, n = list(sizes), len(sizes)
    rows, cols = expected_shape(name, l, sizes, m)
    found = [Candidate(MISTAKES["transposed"], (cols, rows), "rows and columns swapped")]
    if name == "delta":
        found.append(Candidate(MISTAKES["forgot_batch"], (rows, 1), "one example's δ"))
        for k in (l - 1, l + 1):
            if 2 <= k <= n:
                found.append(Candidate(MISTAKES["wrong_layer"], (s[k - 1], m), f"the shape of Δ^({k})"))
    else:
        if name == "grad":
            found.append(Candidate(MISTAKES["batch_product"], (m, m), f"(Δ^({l + 1}))ᵀ A^({l})"))
        for k in (l - 1, l + 1):
            if 1 <= k <= n - 1:
                found.append(Candidate(MISTAKES["wrong_layer"], (s[k], s[k - 1]), f"the shape of W^({k})"))
    return [c for c in found if c.value != (rows, cols)]


def shape_rule(name: str, l: int, sizes: Sequence[int], m: int) -> str:
    """Why the shape is what it is, with this network's numbers."""
    s = list(sizes)
    rows, cols = expected_shape(name, l, sizes, m)
    if name == "W":
        return (f"W^({l}) maps layer {l} (s_{l} = {s[l - 1]} neurons) to layer {l + 1} (s_{l + 1} = {s[l]}):\n"
                f"one row per target neuron i of layer {l + 1}, one column per source neuron j of layer {l}\n"
                f"(W_ij^({l}) runs from neuron j to neuron i), so W^({l}) is s_{l + 1}×s_{l} = {rows}×{cols}.")
    if name == "delta":
        return (f"δ^({l}) has one entry per neuron of layer {l} (s_{l} = {s[l - 1]}); in the column form each of "
                f"the m = {m}\nexamples is a column, so Δ^({l}) is s_{l}×m = {rows}×{cols}.")
    return (f"Δ^({l + 1}) is s_{l + 1}×m = {s[l]}×{m} and (A^({l}))ᵀ is m×s_{l} = {m}×{s[l - 1]}; their product sums "
            f"over the m examples,\nso ∂J/∂W^({l}) is s_{l + 1}×s_{l} = {rows}×{cols}, the shape of W^({l}) "
            f"(each entry is the mean of δ_i^({l + 1}) a_j^({l})).")


def sender(l: int, i: int, j: int) -> tuple[int, int]:
    """The neuron that sends the backward message along W_ij^(l): neuron i of layer l + 1."""
    return (l + 1, i)


def sender_prompt(l: int, i: int, j: int) -> str:
    """The request of a sender question."""
    return (f"In the backward pass a message travels back along the connection {symbol('W', l, i, j)}. "
            f"Which neuron sends it? Answer as l,i (layer, neuron), e.g. 3,1.")


def sender_candidates(l: int, i: int, j: int) -> list[Candidate]:
    """The forward source (direction confused), the indices read the other way round, or both."""
    right = sender(l, i, j)
    found = [Candidate(MISTAKES["forward_direction"], (l, j), "the neuron the connection starts from"),
             Candidate(MISTAKES["wrong_index"], (l + 1, j), "W_ij read as running from i to j"),
             Candidate(MISTAKES["forward_direction"], (l, i), "the forward direction, indices swapped as well")]
    return [c for c in found if c.value != right]


def sender_rule(l: int, i: int, j: int, delta: float | None = None, weight: float | None = None) -> str:
    """Why that neuron sends the message, with the message's value when ``delta`` and ``weight`` are given."""
    w, d = symbol("W", l, i, j), symbol("delta", l + 1, i)
    text = (f"{w} runs from neuron {j} of layer {l} to neuron {i} of layer {l + 1}. In the backward pass the "
            f"message\n{d}·{w} travels the other way: neuron ({l + 1}, {i}) sends it, and neuron ({l}, {j}) adds "
            f"it to its sum Σ_k δ_k^({l + 1})·W_k{j}^({l}).")
    if delta is not None and weight is not None:
        text += (f"\nHere {d}·{w} = {_operand_text(delta, 6)}·{_operand_text(weight, 6)} = "
                 f"{delta * weight:.6g}.")
    return text


class StructureKind:
    """One structure question kind; ``where`` is the asked position, ``m`` the batch size of a shape question.
    The Quiz asks its kind for everything that depends on the kind, so each rule below is written once."""

    name = ""
    words = ""          # what is asked about the symbol: "shape of", "sender along"
    where_text = ""     # how ``where`` is written, for the error message

    def positions(self, net) -> list[tuple]:
        """Every ``where`` this kind can ask about on ``net``."""
        raise NotImplementedError

    def choices(self, net, m: int) -> list[tuple]:
        """The positions a random question picks from."""
        return self.positions(net)

    def symbol(self, where: tuple, latex: bool = False) -> str:
        """The asked thing's symbol alone: ``W^(2)``, ``W_13^(2)`` (or its LaTeX)."""
        raise NotImplementedError

    def expected(self, where: tuple, net, m: int) -> tuple[int, int]:
        """The right answer: a shape (rows, columns) or a neuron (l, i)."""
        raise NotImplementedError

    def candidates(self, where: tuple, net, m: int) -> list[Candidate]:
        """What the usual slips answer instead."""
        raise NotImplementedError

    def prompt(self, where: tuple, m: int) -> str:
        """The request."""
        raise NotImplementedError

    def rule(self, where: tuple, net, m: int) -> str:
        """The worked solution: the rule, with this network's numbers."""
        raise NotImplementedError

    def parse(self, answer) -> tuple[int, int]:
        """A learner's answer read as this kind's value; ValueError naming the answer when it is not one."""
        raise NotImplementedError

    def title(self, where: tuple, latex: bool = False) -> str:
        """``shape of W^(2)``, or as mathtext ``the shape of $W^{(2)}$``."""
        if latex:
            return f"the {self.words} ${self.symbol(where, latex=True)}$"
        return f"{self.words} {self.symbol(where)}"


class _Shape(StructureKind):
    name, words, where_text = "shape", "shape of", "(name, l) with name W, delta or grad"

    def positions(self, net) -> list[tuple]:
        return shape_positions(net.sizes)

    def choices(self, net, m: int) -> list[tuple]:
        # a square answer cannot tell rows from columns: ask about a non-square one when there is one
        positions = self.positions(net)
        telling = [w for w in positions if len(set(expected_shape(*w, net.sizes, m))) == 2]
        return telling or positions

    def symbol(self, where: tuple, latex: bool = False) -> str:
        return shape_symbol(*where, latex=latex)

    def expected(self, where: tuple, net, m: int) -> tuple[int, int]:
        return expected_shape(*where, net.sizes, m)

    def candidates(self, where: tuple, net, m: int) -> list[Candidate]:
        return shape_candidates(*where, net.sizes, m)

    def prompt(self, where: tuple, m: int) -> str:
        return shape_prompt(*where, m)

    def rule(self, where: tuple, net, m: int) -> str:
        return shape_rule(*where, net.sizes, m)

    def parse(self, answer) -> tuple[int, int]:
        return parse_shape(answer)


class _Sender(StructureKind):
    name, words, where_text = "sender", "sender along", WEIGHT_WHERE

    def positions(self, net) -> list[tuple]:
        return weight_positions(net)

    def symbol(self, where: tuple, latex: bool = False) -> str:
        return symbol("W", *where, latex=latex)

    def expected(self, where: tuple, net, m: int) -> tuple[int, int]:
        return sender(*where)

    def candidates(self, where: tuple, net, m: int) -> list[Candidate]:
        return sender_candidates(*where)

    def prompt(self, where: tuple, m: int) -> str:
        return sender_prompt(*where)

    def rule(self, where: tuple, net, m: int) -> str:
        l, i, j = where
        return sender_rule(l, i, j, net.neuron(l + 1, i).delta, net.connection(l, i, j).weight)

    def parse(self, answer) -> tuple[int, int]:
        return parse_neuron(answer)


KIND: dict[str, StructureKind] = {k.name: k for k in (_Shape(), _Sender())}
