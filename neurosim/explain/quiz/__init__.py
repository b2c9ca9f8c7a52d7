"""Exercises: one question about one z, a, δ or gradient of a small network, and a diagnosis of a wrong
answer (:mod:`.question`), the catalogue of mistakes and the hand computation that makes them
(:mod:`.mistakes`), and the network printed as a table (:mod:`.table`)."""

from .mistakes import MISTAKES, Mistake
from .question import ASK_CHOICES, KINDS, Candidate, Check, Quiz, close, parse_answer
from .table import format_table

__all__ = ["ASK_CHOICES", "KINDS", "MISTAKES", "Candidate", "Check", "Mistake", "Quiz", "close", "format_table",
           "parse_answer"]
