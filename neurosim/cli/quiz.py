"""``neurosim quiz``: compute one z, a, δ or gradient by hand; a wrong answer gets the worked solution and
the most likely mistake."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from ..core.activations import ACTIVATIONS, ALIASES
from ..core.losses import LOSSES
from ..explain.quiz import ASK_CHOICES, Quiz, parse_answer, parse_neuron, parse_shape
from .common import (
    check_output_file,
    figure_formats,
    naming_option,
    parse_activation,
    positive_float,
    positive_int,
    width_list,
)

_HINT = "Please type a number such as 0.25, -0.031 or 1.5e-2 (or 'q' to stop)."
_QUIT = {"q", "quit", "exit"}


def register(sub) -> None:
    acts = sorted(name for name in [*ACTIVATIONS, *ALIASES] if name != "softmax")
    p = sub.add_parser(
        "quiz", help="compute one z, a, δ or gradient by hand and get your mistake diagnosed; write problem sets",
        description="Show a small random network (one-decimal weights, biases and inputs, so the arithmetic is "
                    "doable by hand) and ask for one quantity. A right answer (within --tol) is confirmed; a wrong "
                    "one gets the expected value, the worked solution and the most likely mistake, found by "
                    "computing common mistakes on the same network. Ctrl-D or 'q' ends with the score so far. "
                    "--export FILE writes --rounds questions as a problem sheet (.md, .html or .tex) and its answer "
                    "key beside it (FILE-answers) instead of asking.")
    p.add_argument("--ask", choices=ASK_CHOICES, default="any",
                   help="what to ask for: z, a, delta (δ = ∂J/∂z), grad (∂J/∂W_ij), shape (of W, δ or ∂J/∂W for "
                        "a batch in column form), sender (which neuron sends a backward message) or any (default: "
                        "one of the numbers)")
    p.add_argument("--rounds", type=positive_int, default=1, metavar="N", help="number of questions (default: 1)")
    p.add_argument("--tol", type=positive_float, default=None,
                   help="relative tolerance of a right answer (default: 1e-2; absolute 0.01·tol near zero; "
                        "not with --export)")
    p.add_argument("--sizes", type=width_list, default=[2, 2, 2], metavar="S1,S2,...",
                   help="layer widths, input first (default: 2,2,2)")
    p.add_argument("--activation", default="sigmoid", metavar="NAME",
                   help=f"hidden activation(s), one name or one per hidden layer comma-separated ({', '.join(acts)}; "
                        "softmax: output only, see --output; default: sigmoid)")
    p.add_argument("--output", default=None, metavar="NAME", help="output activation (default: as the loss needs)")
    p.add_argument("--loss", default="half_sse", choices=sorted(LOSSES), help="loss (default: half_sse)")
    p.add_argument("--decimals", type=int, default=1,
                   help="decimals of the weights, biases, inputs and targets, 1 to 6 (default: 1)")
    p.add_argument("--figure", metavar="FILE",
                   help="also draw each question's network (weights and biases) to FILE (PNG, PDF, SVG…); "
                        "with several rounds, round k goes to FILE with -k before the suffix; not with --export")
    p.add_argument("--export", metavar="FILE",
                   help="write the questions as a problem sheet to FILE (.md, .html or .tex) and the worked answers "
                        "to FILE-answers beside it, instead of asking them")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the first question (round k uses seed + k − 1; default: a fresh one, printed)")
    p.set_defaults(run=run)


_READERS = {"shape": (parse_shape, "Please type a shape such as 4x3, 4×3 or (4, 3) (or 'q' to stop)."),
            "sender": (parse_neuron, "Please type a neuron as l,i, e.g. 3,1 for neuron 1 of layer 3 (or 'q' to stop).")}


def _read_answer(prompt: str, kind: str = "number"):
    """Ask until an answer comes (a number; a shape or a neuron for those questions); None when the learner
    quits (EOF or 'q')."""
    parse, hint = _READERS.get(kind, (parse_answer, _HINT))
    while True:
        try:
            text = input(prompt)
        except EOFError:
            print()
            return None
        if not sys.stdin.isatty():
            print(text)   # piped answers are not echoed by a terminal; show them so the transcript reads well
        if text.strip().lower() in _QUIT:
            return None
        try:
            return parse(text)
        except (TypeError, ValueError):
            print(hint)


# Quiz's parameters that are options of the same name: its errors ("decimals: …") get the option in front.
_OPTIONS = {name: f"--{name}" for name in ("sizes", "activation", "output", "loss", "decimals", "ask", "tol", "seed")}


def _first_quiz(make):
    """``make(0)``, whose errors name the option: "--activation: activation: …"."""
    try:
        return make(0)
    except (ValueError, TypeError) as exc:
        named = naming_option(exc, _OPTIONS)
        if named is None:
            raise
        raise named from None


def _figure_path(path: str, k: int, rounds: int) -> Path:
    p = Path(path)
    return p if rounds == 1 else p.with_name(f"{p.stem}-{k}{p.suffix}")


def _draw(quiz: Quiz, path: Path) -> None:
    from ..views.drawing import draw
    fig = draw(quiz.net, show="weight",
               title=f"neurosim quiz: W and b of the network (numbers in the table); find {quiz.mathtext}")
    fig.savefig(path)


def _score(right: int, asked: int) -> str:
    return f"Score: {right}/{asked}"


def run(args: argparse.Namespace) -> int:
    seed = args.seed if args.seed is not None else int(np.random.SeedSequence().entropy % 1_000_000)
    activation = parse_activation(args.activation)

    def make(k: int) -> Quiz:
        return Quiz(seed=seed + k, sizes=args.sizes, activation=activation, output=args.output, loss=args.loss,
                    ask=args.ask, tol=1e-2 if args.tol is None else args.tol, decimals=args.decimals)

    first = _first_quiz(make)   # a bad option fails here, before the learner has typed anything
    if args.export:
        # refused rather than ignored in silence: the sheet has no drawings and grades no answer
        if args.figure is not None:
            raise ValueError("--figure: not with --export: it draws the questions asked here, and the sheet is text")
        if args.tol is not None:
            raise ValueError("--tol: not with --export: it grades the answers typed here, and the sheet's answer "
                             "key gives every answer in full")
        from ..explain.quiz.export import FORMATS
        check_output_file(args.export, "--export", {f.lstrip(".") for f in FORMATS})
        sheet, key = first.export(args.export, rounds=args.rounds, seed=seed)
        print(f"wrote {args.rounds} question{'s' if args.rounds > 1 else ''} (seed {seed}) to {sheet} "
              f"and the answers to {key}")
        return 0
    if args.figure:
        check_output_file(args.figure, "--figure", figure_formats())
    print(f"neurosim quiz: {args.rounds} question{'s' if args.rounds > 1 else ''}, seed {seed} "
          f"(rerun with --seed {seed} for the same ones). Type your answer; 'q' or Ctrl-D stops.")
    right = asked = 0
    try:
        for k in range(1, args.rounds + 1):
            quiz = first if k == 1 else make(k - 1)
            print(f"\n--- Question {k} of {args.rounds} " + "-" * 40)
            print(quiz.question)
            if args.figure:
                path = _figure_path(args.figure, k, args.rounds)
                _draw(quiz, path)
                print(f"(drawing of this network: {path})")
            answer = _read_answer(f"{quiz.symbol} = " if quiz.numeric else f"{quiz.symbol}: ", quiz.kind)
            if answer is None:
                break
            asked += 1
            result = quiz.check(answer)
            right += result.correct
            print(result)
    except KeyboardInterrupt:
        print(f"\nStopped. {_score(right, asked)}")
        return 130
    print(f"\n{_score(right, asked)}" + ("" if asked == args.rounds else f" ({args.rounds - asked} not answered)"))
    return 0
