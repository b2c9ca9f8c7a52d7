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
    g.add_argument("--activation", default="sigmoid", metavar="NAME",
                   help=f"hidden activation(s), one name or one per hidden layer comma-separated ({', '.join(acts)})")
    g.add_argument("--output", default=None, metavar="NAME", help="output activation (default: as the loss needs)")
    g.add_argument("--loss", default="half_sse", choices=sorted(LOSSES), help="loss (default: half_sse)")
    g.add_argument("--weight-decay", type=float, default=0.0, metavar="λ", help="weight decay λ (default: 0)")
    g.add_argument("--seed", type=int, default=0, help="seed of the weights and of generated data (default: 0)")
    g.add_argument("--load", metavar="FILE", help="a network saved with --save / Network.save (JSON)")
    return g


def network_from_args(args: argparse.Namespace):
    """The Network the options describe, with a batch (X, Y) for it: (net, X, Y, title).

    With --sizes or --load, X and Y are random (seeded): inputs in [-1, 1], targets as the loss expects.
    """
    if args.load or args.sizes:
        if args.load:
            net = Network.load(args.load)
            title = f"the network in {args.load}"
        else:
            activation = args.activation.split(",") if "," in args.activation else args.activation
            net = Network(args.sizes, activation=activation, output=args.output, loss=args.loss,
                          weight_decay=args.weight_decay, seed=args.seed)
            title = f"a {'-'.join(map(str, net.sizes))} network"
        X, Y = random_batch(net, getattr(args, "batch", None) or 4, args.seed)
        return net, X, Y, title
    ex = example(getattr(args, "example", None) or DEFAULT)
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
