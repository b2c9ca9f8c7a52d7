"""What the commands share: the options that build a network (--example, --sizes, --activation, … or --load),
the one example's --input/--target, argparse types that check numbers, and checks of output file names.

Errors name the command-line option, not the library parameter behind it: "--input: x: expected shape (2,), …".
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import numpy as np

from ..base.limits import check_memory, excerpt
from ..base.notation import DEFAULT_NOTATION, NOTATIONS
from ..core.activations import ACTIVATIONS, ALIASES
from ..core.losses import LOSSES
from ..core.network import Network
from ..core.validation import as_input, as_target
from ..explain.examples import DEFAULT, NAMES, example

# --digits: a float64 has at most 17 significant decimal digits.
MAX_DIGITS = 17

# The default learning rate of each optimizer (0.5 suits plain gradient descent on the toy sets, not Adam;
# momentum's steps grow to 1/(1 − β) = 10 times its α).
DEFAULT_LR = {"sgd": 0.5, "momentum": 0.05, "adam": 0.01}
# Training from the command line (train, explore --train): passes over the data unless --epochs says otherwise.
DEFAULT_EPOCHS = 200


def _number(text: str, convert, ok, expected: str):
    """Read ``text`` with ``convert`` and accept it when ``ok``; argparse reports the error with the flag's name."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not ok(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {excerpt(text)}")
    return value


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    return _number(text, int, lambda v: v >= 1, "a whole number >= 1")


def whole_number_up_to(maximum: int):
    """argparse type: a whole number from 1 to ``maximum`` (fit's bounds on epochs, patience, batch size)."""
    def read(text: str) -> int:
        return _number(text, int, lambda v: 1 <= v <= maximum, f"a whole number from 1 to {maximum:,}")
    return read


def nonnegative_int(text: str) -> int:
    """argparse type: a whole number >= 0."""
    return _number(text, int, lambda v: v >= 0, "a whole number >= 0")


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    return _number(text, float, lambda v: v > 0 and math.isfinite(v), "a positive finite number")


def nonnegative_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    return _number(text, float, lambda v: v >= 0 and math.isfinite(v), "a finite number >= 0")


def significant_digits(text: str) -> int:
    """argparse type for --digits: significant digits, a whole number from 1 to 17."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_DIGITS}, got {excerpt(text)}")
    return value


def add_notation_options(parser, digits: int | None = None, what: str = "the numbers", *,
                         library_defaults: bool = False) -> None:
    """--notation (how symbols are printed) and, when the command prints numbers (``digits`` given), --digits
    (significant digits of ``what``, ``digits`` by default). With ``library_defaults`` both default to None, so
    that the library function they are passed on to applies its own default; ``--help`` states it either way
    (``DEFAULT_NOTATION`` and ``digits``)."""
    parser.add_argument("--notation", choices=NOTATIONS, default=None if library_defaults else DEFAULT_NOTATION,
                        help="printed symbols: vv = Van Vaerenbergh's z_i^(l), bracket = Tong Wu's z_i^[l-1], "
                             f"alsup = Alsup's W_l^(ij); the numbers never change (default: {DEFAULT_NOTATION})")
    if digits is not None:
        parser.add_argument("--digits", type=significant_digits, default=None if library_defaults else digits,
                            help=f"significant digits of {what} (default: {digits})")


def check_output_file(path: str | None, option: str, formats: set[str] | tuple[str, ...] | None = None) -> None:
    """Refuse an output file name before the work that writes it: a missing folder, a folder, or (with
    ``formats``, extensions without the dot) a file type that cannot be written."""
    if path is None:
        return
    if formats is not None:
        ext = Path(path).suffix.lower().lstrip(".")
        if ext not in formats:
            raise ValueError(f"{option}: expected a file name ending in one of "
                             f"{', '.join('.' + f for f in sorted(formats))}; got {path!r}")
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir():
        raise ValueError(f"{option}: the folder {str(parent)!r} does not exist")
    if Path(path).expanduser().is_dir():
        raise ValueError(f"{option}: expected a file name, got the folder {path!r}")


def figure_formats() -> set[str]:
    """File extensions (without the dot) that matplotlib can write."""
    from matplotlib.figure import Figure
    return set(Figure().canvas.get_supported_filetypes())


def _items(text: str, example: str) -> list[str]:
    """The comma-separated items of ``text``; an empty value or an empty item (',' or '3,,2') is an error."""
    items = text.replace(" ", "").split(",")
    if not text.strip() or not all(items):
        what = "an empty value" if not text.strip() else f"an empty item in {excerpt(text)}"
        raise argparse.ArgumentTypeError(f"expected comma-separated values such as {example}; got {what}")
    return items


def int_list(text: str) -> list[int]:
    """argparse type for '3,4,2'."""
    try:
        return [int(s) for s in _items(text, "3,4,2")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers such as 3,4,2; got {excerpt(text)}") from None


def width_list(text: str) -> list[int]:
    """argparse type for layer widths such as '3,4,2': whole numbers >= 1 (the option's error names the bad one)."""
    widths = int_list(text)
    bad = next((w for w in widths if w < 1), None)
    if bad is not None:
        raise argparse.ArgumentTypeError(f"expected layer widths, whole numbers >= 1 such as 3,4,2; got {bad} in "
                                         f"{excerpt(text)}")
    return widths


def float_list(text: str) -> list[float]:
    """argparse type for '0.5,-0.2,0.1'."""
    try:
        return [float(s) for s in _items(text, "0.5,-0.2")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers such as 0.5,-0.2; got {excerpt(text)}") from None


def refuse_empty(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """An option given an empty value ('--load ""', '--sizes ""') is an error, never "use the default"."""
    for action in parser._actions:
        if not action.option_strings or action.dest not in vars(args):
            continue
        value = getattr(args, action.dest)
        if (isinstance(value, str) and not value.strip() and value != action.default) or value == []:
            parser.error(f"argument {'/'.join(action.option_strings)}: expected a value, got an empty one")


def add_network_options(parser: argparse.ArgumentParser, example_option: bool = True):
    """Add the options that choose the network (and, for one example, its input and target); returns their group."""
    g = parser.add_argument_group("network", "Without --sizes or --load, the source-note example is used.")
    if example_option:
        g.add_argument("--example", choices=NAMES, default=None,
                       help=f"a source note's network (default: {DEFAULT})")
    g.add_argument("--sizes", type=width_list, metavar="S1,S2,...", help="layer widths, input first, e.g. 3,4,2")
    acts = sorted(a for a in [*ACTIVATIONS, *ALIASES] if a != "softmax")
    g.add_argument("--activation", metavar="NAME",
                   help=f"with --sizes: hidden activation(s), one name or one per hidden layer comma-separated "
                        f"({', '.join(acts)}; softmax: output only, see --output; default: sigmoid)")
    g.add_argument("--output", metavar="NAME", help="with --sizes: output activation (default: as the loss needs)")
    g.add_argument("--loss", choices=sorted(LOSSES), help="with --sizes: the loss (default: half_sse)")
    g.add_argument("--weight-decay", type=nonnegative_float, metavar="λ",
                   help="with --sizes: weight decay λ (default: 0)")
    g.add_argument("--seed", type=int, default=0, help="seed of the weights and of generated data (default: 0)")
    g.add_argument("--load", metavar="FILE", help="a network saved with --save / Network.save (JSON)")
    return g


# The options that describe a new network: they mean nothing for an example or a loaded file.
BUILD_OPTIONS = ("activation", "output", "loss", "weight_decay")


def parse_activation(text: str | None, default: str = "sigmoid"):
    """'tanh' -> 'tanh'; 'relu,tanh' -> ['relu', 'tanh'] (one per hidden layer); None -> ``default``."""
    if text is None:
        return default
    return text.split(",") if "," in text else text


def network_from_args(args: argparse.Namespace):
    """The Network the options describe, with a batch (X, Y) for it: (net, X, Y, title).

    With --sizes or --load, X and Y are random (seeded): inputs in [-1, 1], targets as the loss expects.
    Options that would be silently ignored (say --activation with an example) are an error instead.
    """
    given = [f"--{name.replace('_', '-')}" for name in BUILD_OPTIONS if getattr(args, name, None) is not None]
    if args.load:
        if args.sizes or given or getattr(args, "example", None):
            extra = ", ".join((["--sizes"] if args.sizes else []) + given
                              + (["--example"] if getattr(args, "example", None) else []))
            raise ValueError(f"{extra}: not with --load (the saved network has its own sizes, activations and loss)")
        net = load_network(args.load)
        X, Y = random_batch(net, getattr(args, "batch", None) or 4, args.seed)
        return net, X, Y, f"the network in {args.load}{_random_note(args)}"
    if args.sizes:
        if getattr(args, "example", None):
            raise ValueError("--example and --sizes: give one of them")
        net = new_network(args.sizes, activation=parse_activation(args.activation), output=args.output,
                          loss=args.loss or "half_sse", weight_decay=args.weight_decay or 0.0, seed=args.seed)
        X, Y = random_batch(net, getattr(args, "batch", None) or 4, args.seed)
        return net, X, Y, f"a {'-'.join(map(str, net.sizes))} network{_random_note(args)}"
    name = getattr(args, "example", None) or DEFAULT
    if given:
        raise ValueError(f"{', '.join(given)}: applies to a network built with --sizes; the example {name!r} "
                         "has its own (see 'neurosim demo --example NAME'). Add --sizes, or leave it out")
    ex = example(name)
    return ex.net, ex.X, ex.Y, f"the {ex.description} of {ex.title}"


def _random_note(args: argparse.Namespace) -> str:
    """" (with random examples)", unless the one example shown is all the user's: --input and --target given
    (and no --batch, whose examples are random)."""
    own = getattr(args, "input", None) is not None and getattr(args, "target", None) is not None
    return "" if own and not getattr(args, "batch", None) else " (with random examples)"


def load_network(path: str) -> Network:
    """``Network.load(path)`` whose every error names --load: "--load: no such file 'net.jsn'"."""
    try:
        return Network.load(path)
    except FileNotFoundError:
        raise ValueError(f"--load: no such file {excerpt(path)} (a network saved by neurosim train --save or "
                         "Network.save)") from None
    except IsADirectoryError:
        raise ValueError(f"--load: {excerpt(path)} is a folder, not a network file") from None
    except OSError as exc:
        raise ValueError(f"--load: cannot read {excerpt(path)}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ValueError(f"--load: {exc}") from None


# Network's parameters and the options that set them.
_OPTION_OF = {"sizes": "--sizes", "activation": "--activation", "output": "--output", "loss": "--loss",
              "weight_decay": "--weight-decay", "seed": "--seed", "init": "--init"}


def new_network(sizes: list[int], sizes_option: str = "--sizes", cls=Network, **kwargs):
    """``cls(sizes, **kwargs)`` (a Network, or the matrix twin) whose errors start with the option:
    "--weight-decay: weight_decay: …" (``sizes_option`` names the option the widths came from)."""
    try:
        return cls(sizes, **kwargs)
    except (ValueError, TypeError) as exc:
        named = naming_option(exc, {**_OPTION_OF, "sizes": sizes_option})
        if named is None:
            raise
        raise named from None


def naming_option(exc: Exception, option_of: dict[str, str]) -> Exception | None:
    """A library error whose message starts with a parameter ("activation[1]: …") as the same error with the
    option in front ("--activation: activation[1]: …"); None when the parameter is not in ``option_of``."""
    parameter = re.sub(r"\[\d+\]$", "", str(exc).partition(":")[0].strip())   # activation[1] -> activation
    option = option_of.get(parameter)
    return None if option is None else type(exc)(f"{option}: {in_option_words(str(exc))}")


_KEYWORD = re.compile(r"\b(loss|output)=(['\"])([a-z_]+)\2")


def in_option_words(text: str) -> str:
    """A library message as a command-line user would act on it: "loss='cross_entropy'" → "--loss cross_entropy"."""
    return _KEYWORD.sub(r"--\1 \3", text)


def add_example_options(parser) -> None:
    """Add --input and --target: the one example a command shows (read by :func:`example_from_args`)."""
    parser.add_argument("--input", type=float_list, metavar="X1,X2,...",
                        help="the example's input x (default: the first example of the batch)")
    parser.add_argument("--target", type=float_list, metavar="Y1,Y2,...",
                        help="its target y (a class label 0 … K−1 or one-hot for cross_entropy)")


def example_from_args(args: argparse.Namespace, net: Network, X: np.ndarray, Y: np.ndarray):
    """(x, y): --input and --target, or else the first example of the batch (X, Y).

    A single --target number for a cross_entropy network with several outputs is a class label.
    Both are checked against ``net`` here so that an error names the option: "--input: x: expected shape …".
    """
    if args.input is None:
        x = X[0]
    else:
        _check_count(args.input, net.sizes[0], "--input", "input")
        x = np.array(args.input)
        try:
            as_input(x, net.sizes[0], "x")
        except ValueError as exc:
            raise ValueError(f"--input: {exc}") from None
    if args.target is None:
        return x, Y[0]
    labels = net.loss.name == "cross_entropy"
    if not (labels and len(args.target) == 1):
        _check_count(args.target, net.sizes[-1], "--target", "output", labels)
    if labels and len(args.target) == 1 and net.sizes[-1] != 1:
        y = args.target[0]
    else:
        y = np.array(args.target)
    try:
        as_target(y, net.loss, net.sizes[-1], "y")
    except ValueError as exc:
        raise ValueError(f"--target: {exc}") from None
    return x, y


def _check_count(values: list[float], n: int, option: str, layer: str, label: bool = False) -> None:
    """Numbers for the command line, not shapes: "--input: expected 3 numbers (one per input neuron), got 2"."""
    if len(values) == n:
        return
    what = f"{n} number{'s' if n > 1 else ''} (one per {layer} neuron)"
    if label:
        what = f"a class label 0 … {n - 1} or {n} numbers (one-hot)"
    raise ValueError(f"{option}: expected {what}, got {len(values)}: {','.join(f'{v:g}' for v in values[:20])}"
                     + ("…" if len(values) > 20 else ""))


BATCH_BYTES = 1100   # memory per example and neuron of a --batch (see random_batch)


def random_batch(net: Network, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """m random examples for ``net``: X uniform in [-1, 1]; Y class labels, {0, 1} or values in [0, 1]."""
    # What the commands keep per example and neuron, measured with tracemalloc: check's report has a row of
    # about 360 B for each z, a and δ (about 1.1 kB), bridge's text about 650 B. Refuse a batch that cannot fit.
    check_memory(m * sum(net.sizes) * BATCH_BYTES, "--batch",
                 f"{excerpt(m)} examples of a {len(net.sizes)}-layer network")
    rng = np.random.default_rng(seed + 1)
    X = np.round(rng.uniform(-1, 1, (m, net.sizes[0])), 2)
    k = net.sizes[-1]
    if net.loss.name == "cross_entropy":
        Y = rng.integers(0, k, m)
    elif net.loss.name == "binary_cross_entropy":
        Y = rng.integers(0, 2, (m, k)).astype(float)
    else:
        Y = np.round(rng.uniform(0, 1, (m, k)), 2)
    return X, Y
