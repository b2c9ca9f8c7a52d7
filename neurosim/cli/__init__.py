"""The ``neurosim`` command: one sub-command per module of this package.

Each module offers ``register(subparsers)``, which adds its parser and sets ``run`` (args -> exit code).
Exit status: 0 success, 1 a check found a mismatch, 2 bad arguments or input.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import os
import re
import sys
import warnings

from ..base.names import did_you_mean
from ..base.version import __version__

# Order is the order of `neurosim --help`.
COMMANDS = ["demo", "step", "bridge", "check", "animate", "train", "bench", "quiz", "explore"]


# argparse's words for a value outside --loss's, --dataset's, … choices (the choices quoted or not, by version)
_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


class Parser(argparse.ArgumentParser):
    """argparse with a two-line error (the problem, then where the help is) instead of the whole usage block,
    and the closest choice named for a typo."""

    def error(self, message: str):
        found = _INVALID_CHOICE.search(message)
        if found:
            choices = [c.strip().strip("'\"") for c in found.group(2).split(",")]
            message = message[:found.end(1) + 1] + did_you_mean(found.group(1), choices) + message[found.end(1) + 1:]
        self.exit(2, f"{self.prog}: error: {message}\nRun '{self.prog} --help' for the options.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="neurosim",
        description="Backpropagation one neuron at a time: every neuron computes its own z, a and δ.",
        epilog="New here? Start with 'neurosim demo'. Run 'neurosim COMMAND --help' for the options of a command "
               "and examples that run as written.",
    )
    parser.add_argument("--version", action="version", version=f"neurosim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).register(sub)
    parser.commands = sub.choices   # so that an unknown option is reported by its command's parser
    from .examples import add_examples

    add_examples(sub.choices)
    return parser


# A value that starts with a minus sign but is no plain number to argparse: "-1,2", "-1e-3", "-.5,0.2".
_DASHED_VALUE = re.compile(r"-\.?\d")


def attach_dashed_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Write "--sizes -1,2" as "--sizes=-1,2" for options that take one value.

    argparse reads a token such as "-1,2" as an option of its own and answers "--sizes: expected one argument",
    which hides the real problem; attached, the value reaches the option's own check, whose error names it.
    """
    command = next((a for a in argv if a in parser.commands), None)
    options = (parser.commands[command] if command else parser)._option_string_actions
    out: list[str] = []
    for token in argv:
        # out[-1] is the previous token, or "--opt=value" when that was attached (no option's name then)
        action = options.get(out[-1]) if out else None
        if action is not None and action.nargs is None and _DASHED_VALUE.match(token):
            out[-1] = f"{out[-1]}={token}"
        else:
            out.append(token)
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit status."""
    parser = build_parser()
    argv = attach_dashed_values(parser, list(sys.argv[1:] if argv is None else argv))
    args, extra = parser.parse_known_args(argv)
    if extra:
        # argparse would name "neurosim" and its help; the command's own help lists the options meant
        parser.commands.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    from .common import refuse_empty

    refuse_empty(parser._subparsers._group_actions[0].choices[args.command], args)
    try:
        # Every result the commands print is checked for NaN and inf where it matters, so numpy's
        # RuntimeWarnings (overflow in exp, …) would only print a stack-less line before the clean message.
        with warnings.catch_warnings(), _quiet_numpy():
            warnings.simplefilter("ignore", RuntimeWarning)
            return int(args.run(args) or 0)
    except (ValueError, TypeError, OverflowError, csv.Error) as exc:
        # Library errors name the parameter and what was expected: show them without a traceback.
        return _error(args.command, exc)
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # A file named on the command line that cannot be read or written: a bad argument, not a crash.
        where = f" {exc.filename!r}" if exc.filename else ""
        print(f"neurosim {args.command}: error: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except (RecursionError, MemoryError) as exc:
        return _error(args.command, exc, f"{type(exc).__name__}: the input is too large or too deeply nested"
                      " (see 'Limits' in docs/api.md)")
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


def _error(command: str, exc: BaseException, text: str | None = None) -> int:
    """Print one short error (at most two lines, 400 characters) and return exit status 2.
    NEUROSIM_DEBUG=1 re-raises, for the traceback."""
    if os.environ.get("NEUROSIM_DEBUG"):
        raise exc
    text = " ".join((text or str(exc) or type(exc).__name__).split())
    if len(text) > 400:
        text = text[:397] + "..."
    print(f"neurosim {command}: error: {text}", file=sys.stderr)
    return 2


def _quiet_numpy():
    import numpy as np

    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
