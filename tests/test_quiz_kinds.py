"""Every question kind names what it asks the same way in text and in mathtext, accepts its own right answer
at every position it can ask about, and says how to write a position when given a wrong one."""

from __future__ import annotations

import pytest
from matplotlib.mathtext import MathTextParser

import neurosim as ns
from neurosim.explain.quiz import ASK_CHOICES, KINDS, STRUCTURE_KINDS
from neurosim.explain.quiz.answers import show

X, Y = [0.5, -0.2], [1.0, 0.0]


def quiz(ask, where, net=None):
    net = net or ns.Network([2, 3, 2], seed=1)
    return ns.Quiz(seed=0, net=net, x=X, y=Y, ask=ask, where=where)


# (ask, where, plain symbol, mathtext), written from the notation of docs/notation.md
NAMES = [
    ("z", (2, 3), "z_3^(2)", "$z_{3}^{(2)}$"),
    ("delta", (3, 1), "δ_1^(3)", r"$\delta_{1}^{(3)}$"),
    ("grad", (1, 2, 1), "∂J/∂W_21^(1)", r"$\partial J/\partial W_{21}^{(1)}$"),
    ("shape", ("W", 2), "shape of W^(2)", "the shape of $W^{(2)}$"),
    ("shape", ("delta", 3), "shape of Δ^(3)", r"the shape of $\Delta^{(3)}$"),
    ("shape", ("grad", 1), "shape of ∂J/∂W^(1)", r"the shape of $\partial J/\partial W^{(1)}$"),
    ("sender", (2, 1, 3), "sender along W_13^(2)", "the sender along $W_{13}^{(2)}$"),
]


@pytest.mark.parametrize("ask, where, plain, latex", NAMES)
def test_the_asked_quantity_is_named_in_text_and_in_mathtext(ask, where, plain, latex):
    q = quiz(ask, where)
    assert q.symbol == plain
    assert q.mathtext == latex
    MathTextParser("agg").parse(q.mathtext)
    assert plain in repr(q)


def test_the_kinds_are_the_ask_choices():
    assert set(KINDS) | set(STRUCTURE_KINDS) | {"any"} == set(ASK_CHOICES)
    assert set(STRUCTURE_KINDS) == {"shape", "sender"} and not set(KINDS) & set(STRUCTURE_KINDS)


@pytest.mark.parametrize("ask", STRUCTURE_KINDS)
def test_every_position_of_a_structure_kind_takes_its_right_answer_and_names_its_slips(ask):
    net = ns.Network([2, 3, 2], seed=1)
    positions = ([(name, l) for name in ("W", "grad") for l in (1, 2)] + [("delta", 2), ("delta", 3)]
                 if ask == "shape" else [(l, i, j) for l, s, t in ((1, 3, 2), (2, 2, 3))
                                          for i in range(1, s + 1) for j in range(1, t + 1)])
    for where in positions:
        q = quiz(ask, where, net)
        assert q.check(show(q.expected, ask)).correct, where
        assert q.prompt and q.solution and not q.numeric
        for c in q.candidates():
            result = q.check(show(c.value, ask))
            assert not result.correct and c.mistake in [m.mistake for m in result.mistakes], (where, c)


@pytest.mark.parametrize("ask, where, says", [("shape", ("W", 3), "(name, l) with name W, delta or grad"),
                                              ("sender", (1, 4, 1), "(l, i, j) for W_ij^(l)"),
                                              ("grad", (1, 1), "(l, i, j) for W_ij^(l)"),
                                              ("a", (1, 1), "(l, i) with l = 2 … n_l")])
def test_a_position_out_of_the_network_says_how_to_write_one(ask, where, says):
    with pytest.raises(ValueError, match="where") as err:
        quiz(ask, where)
    assert says in str(err.value) and "2-3-2" in str(err.value)


@pytest.mark.parametrize("ask", ["sender", "grad"])
def test_a_pruned_connection_cannot_be_asked_about(ask):
    net = ns.Network([2, 3, 2], seed=1)
    net.prune(1, 2, 1)
    with pytest.raises(ValueError, match="where"):
        quiz(ask, (1, 2, 1), net)
    assert quiz(ask, (1, 2, 2), net).where == (1, 2, 2)
