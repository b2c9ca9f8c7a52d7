"""Exercises: one question about one z, a, δ or gradient of a small network, about a shape in the column form
or about the sender of a backward message, and a diagnosis of a wrong answer (:mod:`.question`); reading and
judging answers (:mod:`.answers`); the catalogue of mistakes and the hand computation that makes them
(:mod:`.mistakes`); the structure questions (:mod:`.structure`); the worked chain (:mod:`.chain`); the network
printed as a table (:mod:`.table`); problem sets with answer keys (:mod:`.export`)."""

from .answers import Candidate, Check, close, parse_answer, parse_neuron, parse_shape
from .mistakes import MISTAKES, Mistake
from .question import ASK_CHOICES, KINDS, STRUCTURE_KINDS, Quiz
from .table import format_table

__all__ = ["ASK_CHOICES", "KINDS", "MISTAKES", "STRUCTURE_KINDS", "Candidate", "Check", "Mistake", "Quiz", "close",
           "format_table", "parse_answer", "parse_neuron", "parse_shape"]
