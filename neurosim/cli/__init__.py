"""The ``neurosim`` command: one sub-command per module of this package.

Each module offers ``register(subparsers)``, which adds its parser and sets ``run`` (args -> exit code).
Exit status: 0 success, 1 a check found a mismatch, 2 bad arguments or input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..base.version import __version__

# Order is the order of `neurosim --help`.
COMMANDS = ["demo", "step", "bridge", "check", "animate", "train", "bench", "quiz"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurosim",
        description="Backpropagation one neuron at a time: every neuron computes its own z, a and δ.",
        epilog="Run 'neurosim COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"neurosim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f".{name}", __name__).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except (ValueError, TypeError) as exc:
        # Library errors name the parameter and what was expected: show them without a traceback.
        print(f"neurosim {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # A file named on the command line that cannot be read or written: a bad argument, not a crash.
        where = f" {exc.filename!r}" if exc.filename else ""
        print(f"neurosim {args.command}: error: cannot use{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
