"""Options shared by the commands that build a network: --example, --sizes, --activation, … or --load."""

from __future__ import annotations

import argparse

import numpy as np

from ..activations import ACTIVATIONS, ALIASES
from ..examples import DEFAULT, NAMES, example
from ..losses import LOSSES
from ..network import Network


def int_list(text: str) -> list[int]:
    """argparse type for '3,4,2'."""
    try:
        return [int(s) for s in text.replace(" ", "").split(",") if s]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers such as 3,4,2; got {text!r}") from None


def float_list(text: str) -> list[float]:
    """argparse type for '0.5,-0.2,0.1'."""
    try:
        return [float(s) for s in text.replace(" ", "").split(",") if s]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers such as 0.5,-0.2; got {text!r}") from None


def add_network_options(parser: argparse.ArgumentParser, example_option: bool = True):
    """Add the options that choose the network (and, for one example, its input and target); returns their group."""
    g = parser.add_argument_group("network", "Without --sizes or --load, the source-note example is used.")
    if example_option:
        g.add_argument("--example", choices=NAMES, default=None,
                       help=f"a source note's network (default: {DEFAULT})")
    g.add_argument("--sizes", type=int_list, metavar="S1,S2,...", help="layer widths, input first, e.g. 3,4,2")
    acts = sorted([*ACTIVATIONS, *ALIASES])
    g.add_argument("--activation", metavar="NAME",
                   help=f"with --sizes: hidden activation(s), one name or one per hidden layer comma-separated "
                        f"({', '.join(acts)}; default: sigmoid)")
    g.add_argument("--output", metavar="NAME", help="with --sizes: output activation (default: as the loss needs)")
    g.add_argument("--loss", choices=sorted(LOSSES), help="with --sizes: the loss (default: half_sse)")
    g.add_argument("--weight-decay", type=float, metavar="λ", help="with --sizes: weight decay λ (default: 0)")
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
        net = Network.load(args.load)
        X, Y = random_batch(net, getattr(args, "batch", None) or 4, args.seed)
        return net, X, Y, f"the network in {args.load} (with random examples)"
    if args.sizes:
        if getattr(args, "example", None):
            raise ValueError("--example and --sizes: give one of them")
        net = Network(args.sizes, activation=parse_activation(args.activation), output=args.output,
                      loss=args.loss or "half_sse", weight_decay=args.weight_decay or 0.0, seed=args.seed)
        X, Y = random_batch(net, getattr(args, "batch", None) or 4, args.seed)
        return net, X, Y, f"a {'-'.join(map(str, net.sizes))} network (with random examples)"
    name = getattr(args, "example", None) or DEFAULT
    if given:
        raise ValueError(f"{', '.join(given)}: applies to a network built with --sizes; the example {name!r} "
                         "has its own (see 'neurosim demo --example NAME'). Add --sizes, or leave it out")
    ex = example(name)
    return ex.net, ex.X, ex.Y, f"the {ex.description} of {ex.title}"


def random_batch(net: Network, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """m random examples for ``net``: X uniform in [-1, 1]; Y class labels, {0, 1} or values in [0, 1]."""
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
