"""``neurosim explore``: write the explorer page of one example's passes (and, with --train, a training timeline)."""

from __future__ import annotations

import argparse
import inspect

from ..data import datasets
from ..views.explorer import explore
from .common import (
    DEFAULT_EPOCHS,
    DEFAULT_LR,
    add_example_options,
    add_network_options,
    add_notation_options,
    check_output_file,
    example_from_args,
    network_from_args,
    positive_float,
    positive_int,
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
    add_notation_options(g, digits=_default(explore, "digits"), library_defaults=True)
    g.add_argument("--title", help="the page's title (default: says which network)")
    g.add_argument("--out", default=DEFAULT_OUT, metavar="FILE.html",
                   help=f"where to write the page (default: {DEFAULT_OUT} in this folder)")
    t = p.add_argument_group("training timeline", "Train first, recording the weights, and add a timeline to the page "
                                                  "(scrub the epochs, the cost curve, the decision boundary).")
    t.add_argument("--train", choices=datasets.NAMES, metavar="DATASET",
                   help=f"a built-in data set whose input width matches the network ({', '.join(datasets.NAMES)})")
    # None: not given, so that a training option without --train can be refused and the default applies
    t.add_argument("--epochs", type=positive_int, help=f"with --train: epochs (default {DEFAULT_EPOCHS})")
    t.add_argument("--lr", type=positive_float, help=f"with --train: learning rate α (default {DEFAULT_LR['sgd']:g})")
    t.add_argument("--record-every", type=positive_int, metavar="K",
                   help="with --train: record every K-th epoch (default: about 50 records); the last is always kept")
    sets = ", ".join(f"{name} {_default(datasets.DATASETS[name][0], 'm')}" for name in datasets.NAMES)
    t.add_argument("--m", type=positive_int, metavar="N",
                   help=f"with --train: examples (default: the data set's own: {sets})")
    p.set_defaults(run=run)


def _default(function, name: str):
    """The library's default of ``function``'s parameter ``name``, for --help to state."""
    return inspect.signature(function).parameters[name].default


def run(args: argparse.Namespace) -> int:
    check_output_file(args.out, "--out", {"html", "htm"})
    if args.train is None:
        given = [flag for flag in ("--epochs", "--lr", "--record-every", "--m")
                 if getattr(args, flag[2:].replace("-", "_")) is not None]
        if given:
            raise ValueError(f"{', '.join(given)}: only with --train DATASET")
    net, X, Y, title = network_from_args(args)
    record = None
    if args.train is not None:
        X, Y, record = _train(args, net)
        title = title.replace(" (with random examples)", "") + f", trained on {args.train}"
    x, y = example_from_args(args, net, X, Y)
    shown = {k: getattr(args, k) for k in ("notation", "digits") if getattr(args, k) is not None}
    ex = explore(net, x, y, X=X if record else None, Y=Y if record else None, record=record,
                 title=args.title or f"neurosim explore: {title}", **shown)
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

    X, Y = datasets.load(args.train, seed=args.seed, **({} if args.m is None else {"m": args.m}))
    if X.shape[1] != net.sizes[0]:
        raise ValueError(f"--train: the data set {args.train!r} has {X.shape[1]} inputs but the network "
                         f"{net.sizes[0]}; give a network with {X.shape[1]} inputs, e.g. --sizes {X.shape[1]},8,1")
    epochs = args.epochs or DEFAULT_EPOCHS
    every = args.record_every or -(-epochs // 49)   # about 50 records with epoch 0 and the last
    try:
        record = Recorder(net, every=every, X=X, Y=Y)
    except ValueError as exc:
        raise ValueError(f"--train: {args.train}'s targets do not suit this network: {exc}") from None
    try:
        net.fit(X, Y, epochs, args.lr or DEFAULT_LR["sgd"], callback=record)
    except DivergenceError as exc:
        print(f"neurosim explore: {exc} The timeline stops there.")
    return X, Y, record
