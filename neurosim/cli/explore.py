"""``neurosim explore``: write the explorer page of one example's passes (and, with --train, a training timeline)."""

from __future__ import annotations

import argparse

from ..base.notation import NOTATIONS
from ..core.training import MAX_EPOCHS
from ..data import datasets
from .common import (
    add_example_options,
    add_network_options,
    check_output_file,
    example_from_args,
    network_from_args,
    positive_float,
    positive_int,
    significant_digits,
    whole_number_up_to,
)

DEFAULT_OUT = "neurosim-explore.html"


def register(sub) -> None:
    p = sub.add_parser(
        "explore", help="write an interactive page that steps through one example's passes (open it in a browser)",
        description="Write one self-contained HTML page (no internet needed, opens from a file) that draws the "
                    "network and steps through every number of one example's forward and backward pass, exactly "
                    "as 'neurosim step' prints them: arrow keys or the buttons move, a click on a neuron or a "
                    "connection shows its formulas with the numbers, and its fields change x, y, a weight or a "
                    "bias to see every number update (what-if). Export the view as SVG/PNG or the network as JSON.")
    add_network_options(p)
    g = p.add_argument_group("page")
    add_example_options(g)
    g.add_argument("--notation", choices=NOTATIONS, default="vv", help="printed symbols (default: vv)")
    g.add_argument("--digits", type=significant_digits, default=6,
                   help="significant digits of the numbers (default 6)")
    g.add_argument("--title", help="the page's title (default: says which network)")
    g.add_argument("--out", default=DEFAULT_OUT, metavar="FILE.html",
                   help=f"where to write the page (default: {DEFAULT_OUT} in this folder)")
    t = p.add_argument_group("training timeline", "Train first, recording the weights, and add a timeline to the page "
                                                  "(scrub the epochs, the cost curve, the decision boundary).")
    t.add_argument("--train", choices=datasets.NAMES, metavar="DATASET",
                   help=f"a built-in data set whose input width matches the network ({', '.join(datasets.NAMES)})")
    t.add_argument("--epochs", type=whole_number_up_to(MAX_EPOCHS), default=200,
                   help="with --train: epochs (default 200)")
    t.add_argument("--lr", type=positive_float, default=0.5, help="with --train: learning rate α (default 0.5)")
    t.add_argument("--record-every", type=positive_int, default=None, metavar="K",
                   help="with --train: record every K-th epoch (default: about 50 records); the last is always kept")
    t.add_argument("--m", type=positive_int, default=200, metavar="N", help="with --train: examples (default 200)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..views.explorer import explore

    check_output_file(args.out, "--out", {"html", "htm"})
    if args.train is None:
        given = [flag for flag, default in (("--epochs", 200), ("--lr", 0.5), ("--record-every", None), ("--m", 200))
                 if getattr(args, flag[2:].replace("-", "_")) != default]
        if given:
            raise ValueError(f"{', '.join(given)}: only with --train DATASET")
    net, X, Y, title = network_from_args(args)
    record = None
    if args.train is not None:
        X, Y, record = _train(args, net)
        title = title.replace(" (with random examples)", "") + f", trained on {args.train}"
    x, y = example_from_args(args, net, X, Y)
    ex = explore(net, x, y, notation=args.notation, digits=args.digits, X=X if record else None,
                 Y=Y if record else None, record=record, title=args.title or f"neurosim explore: {title}")
    path = ex.save(args.out)
    print(f"neurosim explore: {title}; {ex.steps} steps")
    if record is not None:
        print(f"trained {record.epochs[-1]} epochs: J {record.costs[0]:.4g} → {record.costs[-1]:.4g}; "
              f"the timeline holds {len(ex.data['timeline']['epochs'])} of {len(record)} records")
    print(f"wrote {path.resolve()} (open it in a browser)")
    return 0


def _train(args: argparse.Namespace, net):
    """Fit ``net`` on the data set with a Recorder; returns (X, Y, recorder)."""
    from ..core.recorder import Recorder
    from ..core.training import DivergenceError

    X, Y = datasets.load(args.train, m=args.m, seed=args.seed)
    if X.shape[1] != net.sizes[0]:
        raise ValueError(f"--train: the data set {args.train!r} has {X.shape[1]} inputs but the network "
                         f"{net.sizes[0]}; give a network with {X.shape[1]} inputs, e.g. --sizes {X.shape[1]},8,1")
    every = args.record_every or -(-args.epochs // 49)   # about 50 records with epoch 0 and the last
    try:
        record = Recorder(net, every=every, X=X, Y=Y)
    except ValueError as exc:
        raise ValueError(f"--train: {args.train}'s targets do not suit this network: {exc}") from None
    try:
        net.fit(X, Y, args.epochs, args.lr, callback=record)
    except DivergenceError as exc:
        print(f"neurosim explore: {exc} The timeline stops there.")
    return X, Y, record
