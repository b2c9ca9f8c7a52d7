"""``neurosim train``: gradient descent on a built-in data set or a CSV file, with held-out data, progress,
early stopping, --save and --plot. The data and the network come from :mod:`.train_data`, the final report
and the figure from :mod:`.train_report`.

Exit status: 0 trained; 1 training diverged (the cost became NaN or inf, or grew past 1000 × max(J0, 1):
the message names the epoch, nothing is saved, --plot still shows the loss curve before it); 2 bad arguments
or bad data.
"""

from __future__ import annotations

import argparse
import sys
import time

from ..core.init import ALIASES, SCHEMES
from ..core.training import MAX_BATCH_SIZE, MAX_EPOCHS, DivergenceError
from ..data import datasets
from .common import (
    DEFAULT_EPOCHS,
    DEFAULT_LR,
    add_network_options,
    check_output_file,
    figure_formats,
    nonnegative_float,
    positive_float,
    positive_int,
    whole_number_up_to,
    width_list,
)
from .train_data import (
    DEFAULT_ACTIVATION,
    DEFAULT_HIDDEN,
    MAX_AUTO_CLASSES,
    build_network,
    load_task,
    split_task,
    standardize,
    targets,
)
from .train_report import diverged_curve, format_score, plot, report, saturation_warning, score

_OPTIMIZER_TITLES = {"sgd": "gradient descent", "momentum": "gradient descent with momentum (β = 0.9)",
                     "adam": "Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8)"}


def share(text: str) -> float:
    """argparse type for --val-split and --test-split: a share of the rows, 0 <= s < 1."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a share of the rows from 0 up to (not including) 1, such as "
                                         f"0.2; got {text!r}")
    return value


def default_lr(args: argparse.Namespace) -> float:
    """--lr, or the default of the optimizer in use."""
    return args.lr if args.lr is not None else DEFAULT_LR[getattr(args, "optimizer", None) or "sgd"]


def register(sub) -> None:
    p = sub.add_parser(
        "train", help="train a network on a built-in data set or your own CSV file",
        description="Train a network by gradient descent (W ← W − α ∂J/∂W, b ← b − α ∂J/∂b) on a built-in "
                    "data set (--dataset) or on a CSV file (--csv FILE --target COLUMN), printing the cost J "
                    "while it trains and the final cost and accuracy on the training rows and on any held-out "
                    "validation and test rows (drawn with --seed).",
        epilog="Layer widths: give only the hidden ones with --hidden (the input width comes from the data, "
               "the output width from the task: 1 neuron for two classes or one target, K neurons for K > 2 "
               "classes or cross_entropy) or all of them with --sizes, which must then match the data. "
               f"Defaults: hidden activation {DEFAULT_ACTIVATION}; loss binary_cross_entropy (sigmoid output) "
               "for two classes, cross_entropy (softmax) for more, half_sse with an identity output for "
               "regression. Held out with --val-split and --test-split: the validation rows are what --patience "
               "watches, the test rows are touched only for the final report. Training has diverged when the "
               "cost is NaN or inf or grows past 1000 × max(J0, 1), J0 being the cost before training. "
               "Exit status: 0 trained, 1 training diverged, 2 bad arguments or data.")
    data = p.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=datasets.NAMES, help="a built-in data set (default: moons)")
    source.add_argument("--csv", metavar="FILE", help="your own data: a CSV file whose first line names the columns")
    data.add_argument("--target", metavar="COLUMN", help="with --csv: the column to predict; the others are inputs")
    data.add_argument("--task", choices=["auto", "classify", "regress"], default="auto",
                      help=f"with --csv: auto reads a target of at most {MAX_AUTO_CLASSES} distinct whole numbers, "
                           "or of text, as class labels, anything else as numbers to regress (default: auto)")
    data.add_argument("--standardize", action="store_true",
                      help="rescale every input column to mean 0 and standard deviation 1, with the statistics "
                           "of the training rows only; --save keeps them with the network, and --load applies "
                           "them to new data")
    data.add_argument("--val-split", type=share, default=0.0, metavar="SHARE",
                      help="hold out this share of the rows as validation data, scored every epoch and watched "
                           "by --patience (default: 0, none)")
    data.add_argument("--test-split", type=share, default=0.0, metavar="SHARE",
                      help="hold out this share of the rows as test data, touched only for the final report "
                           "(default: 0, none)")
    data.add_argument("--m", type=positive_int, metavar="N", help="with --dataset: number of examples")
    data.add_argument("--noise", type=nonnegative_float, help="with --dataset: standard deviation of the noise")
    data.add_argument("--classes", type=positive_int, metavar="K",
                      help="with --dataset spiral or blobs: number of classes")
    net_group = add_network_options(p, example_option=False)
    # train's own defaults differ from the other commands' (see the epilog): say so where the options are listed
    for action in net_group._group_actions:
        if action.dest in ("activation", "loss"):
            action.help = action.help.replace("with --sizes: ", "").replace(
                "default: sigmoid", f"default: {DEFAULT_ACTIVATION}").replace(
                "(default: half_sse)", "(default: from the task, see below)")
    net_group.description = ("Without --sizes or --load: a new network with --hidden layers between the widths "
                             "the data need.")
    net_group.add_argument(
        "--hidden", type=width_list, metavar="H1,H2,...",
        help=f"hidden layer widths only; input and output widths come from the data "
             f"(default without --sizes/--load: {','.join(map(str, DEFAULT_HIDDEN))})")
    t = p.add_argument_group("training")
    t.add_argument("--epochs", type=whole_number_up_to(MAX_EPOCHS), default=DEFAULT_EPOCHS,
                   help=f"passes over the data (default: {DEFAULT_EPOCHS})")
    t.add_argument("--lr", type=positive_float, metavar="α",
                   help="learning rate α (default: " + ", ".join(f"{v:g} for {k}" for k, v in DEFAULT_LR.items())
                        + ")")
    t.add_argument("--optimizer", choices=list(DEFAULT_LR), default="sgd",
                   help="sgd: W ← W − α ∂J/∂W (default); momentum: v ← 0.9 v + ∂J/∂W, W ← W − α v; adam: Kingma & "
                        "Ba's Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), as torch.optim")
    t.add_argument("--patience", type=whole_number_up_to(MAX_EPOCHS), metavar="N",
                   help="with --val-split: stop when the validation cost has not gone below its lowest for N "
                        "epochs, and keep the weights of the epoch where it was lowest")
    t.add_argument("--init", metavar="SCHEME",
                   help=f"initial weights: {', '.join(SCHEMES)}, e.g. 'uniform(0.5)' (short names: "
                        f"{', '.join(ALIASES)}; default: auto, He into ReLU layers and LeCun elsewhere; zeros "
                        "shows why weights start random)")
    t.add_argument("--batch-size", type=whole_number_up_to(MAX_BATCH_SIZE), default=32, metavar="N",
                   help="examples per update, rows shuffled each epoch; at least the number of examples means "
                        "full-batch gradient descent (default: 32)")
    t.add_argument("--engine", choices=["scalar", "matrix"], default="scalar",
                   help="scalar: neuron by neuron (default); matrix: the vectorized twin, same numbers, faster")
    t.add_argument("--report", type=positive_int, default=10, metavar="N",
                   help="progress lines printed while training (default: 10)")
    t.add_argument("--quiet", action="store_true", help="no progress lines")
    out = p.add_argument_group("output")
    out.add_argument("--save", metavar="FILE", help="write the trained network as JSON (load it with --load)")
    out.add_argument("--plot", metavar="FILE",
                     help="save a figure: the loss curves (training, and validation with --val-split), and the "
                          "decision boundary of the training rows when there are 2 inputs")
    p.set_defaults(run=run)



def run(args: argparse.Namespace) -> int:
    # A bad output name is reported now, not after the training it would throw away.
    check_output_file(args.save, "--save")
    if args.plot:
        check_output_file(args.plot, "--plot", figure_formats())
    if args.patience is not None and args.val_split == 0:
        raise ValueError("--patience: early stopping watches the validation cost; add --val-split, e.g. "
                         "--val-split 0.2")
    lr = default_lr(args)
    task = load_task(args)
    net = build_network(args, task)
    parts = split_task(task, args.val_split, args.test_split, args.seed)
    standardize(args, net, parts)
    train = parts[0]
    n_out = net.sizes[-1]
    T = {part.name: targets(task, net.loss.name, n_out, part.Y) for part in parts}
    val = next((p for p in parts if p.name == "validation"), None)

    kind_of_data = "regression" if task.classes is None else f"{len(task.classes)} classes"
    n_in = task.n_inputs
    print(f"neurosim train: {task.name}, {task.X.shape[0]} examples, {n_in} input{'s' if n_in > 1 else ''}, "
          f"{kind_of_data}")
    if args.load and not (args.dataset or args.csv):
        # a saved network keeps no record of its data: say which data this run uses, so none is taken silently
        print(f"data: the built-in {task.name} data set (the default; {args.load} records no data) — give "
              "--dataset NAME or --csv FILE --target COLUMN to train on other data")
    if len(parts) > 1:
        print("held out: " + ", ".join(f"{p.m} {p.name}" for p in parts[1:]) + f"; training on {train.m}")
    print(f"network {net!r}, {args.engine} engine")
    batch = "the whole data set" if args.batch_size >= train.m else f"batches of {args.batch_size}"
    print(f"{_OPTIMIZER_TITLES[args.optimizer]}: {args.epochs} epochs, α = {lr:g}, {batch}")
    every = max(1, args.epochs // args.report)
    width = len(str(args.epochs))
    started = time.monotonic()

    def line(epoch: int, cost: float) -> str:
        text = f"epoch {epoch:>{width}}/{args.epochs}  J = {cost:.6g}  {format_score(*score(net, task, train))}"
        if val is not None:
            text += f"  validation J = {net.cost(val.X, T['validation']):.6g}  " \
                    f"{format_score(*score(net, task, val))}"
        return text

    if not args.quiet:
        print(line(0, net.cost(train.X, T["training"])))

    def progress(epoch: int, cost: float) -> None:
        if args.quiet or (epoch % every and epoch != args.epochs):
            return
        print(f"{line(epoch, cost)}  ({time.monotonic() - started:.1f} s)", flush=True)

    try:
        history = net.fit(train.X, T["training"], args.epochs, lr, batch_size=args.batch_size, seed=args.seed,
                          progress=False, callback=progress, patience=args.patience, optimizer=args.optimizer,
                          validation=None if val is None else (val.X, T["validation"]))
    except DivergenceError as exc:
        # a tenth of a huge rate still diverges: suggest the optimizer's default when that is smaller
        default = DEFAULT_LR[args.optimizer or "sgd"]
        hint = f"{lr / 10:g}" if lr / 10 <= default else f"{default:g} (the default for {args.optimizer or 'sgd'})"
        print(f"neurosim train: training diverged in epoch {exc.epoch} of {args.epochs} (α = {lr:g}): "
              f"{exc.reason}. Nothing was saved. Try a smaller learning rate, e.g. --lr {hint}.",
              file=sys.stderr)
        if args.plot:
            plot(args.plot, diverged_curve(exc), None, task, train)
            print(f"loss curve up to the divergence written to {args.plot}")
        return 1

    if history.message:
        print(history.message)
    warning = saturation_warning(net, history, train.X, args)
    if warning:
        print(f"neurosim train: warning: {warning}", file=sys.stderr)
    report(net, task, parts, T)
    if args.save:
        try:
            net.save(args.save)
        except OSError as exc:
            raise ValueError(f"--save: cannot write {args.save!r}: {exc.strerror or exc}") from None
        print(f"network written to {args.save}" + (" with its input standardization"
                                                   if net.standardizer is not None else ""))
    if args.plot:
        plot(args.plot, history, net, task, train)
        print(f"figure written to {args.plot}")
    return 0
