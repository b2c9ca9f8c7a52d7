"""``neurosim train``: gradient descent on a built-in data set or a CSV file, with progress, --save and --plot.

Exit status: 0 trained; 1 training diverged (the cost became NaN or inf: the message names the epoch,
nothing is saved, --plot still shows the finite part of the loss curve); 2 bad arguments or bad data.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass

import numpy as np

from ..core.network import Network
from ..core.training import DivergenceError
from ..data import datasets
from ..data.csvdata import read_csv
from .common import (
    add_network_options,
    check_output_file,
    figure_formats,
    int_list,
    new_network,
    nonnegative_float,
    parse_activation,
    positive_float,
    positive_int,
)

# A target column with at most this many distinct whole numbers is read as class labels (--task auto).
MAX_AUTO_CLASSES = 10
DEFAULT_HIDDEN = [8]
# tanh is zero-centred, so the toy sets train in a few hundred epochs at the default rate; sigmoid stalls.
DEFAULT_ACTIVATION = "tanh"


def register(sub) -> None:
    p = sub.add_parser(
        "train", help="train a network on a built-in data set or your own CSV file",
        description="Train a network by gradient descent (W ← W − α ∂J/∂W, b ← b − α ∂J/∂b) on a built-in "
                    "data set (--dataset) or on a CSV file (--csv FILE --target COLUMN), printing the cost J "
                    "while it trains and the final cost and accuracy.",
        epilog="Layer widths: give only the hidden ones with --hidden (the input width comes from the data, "
               "the output width from the task: 1 neuron for two classes or one target, K neurons for K > 2 "
               "classes or cross_entropy) or all of them with --sizes, which must then match the data. "
               f"Defaults: hidden activation {DEFAULT_ACTIVATION}; loss binary_cross_entropy (sigmoid output) "
               "for two classes, cross_entropy (softmax) for more, half_sse with an identity output for "
               "regression. Exit status: 0 trained, 1 training diverged, 2 bad "
               "arguments or data.")
    data = p.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=datasets.NAMES, help="a built-in data set (default: moons)")
    source.add_argument("--csv", metavar="FILE", help="your own data: a CSV file whose first line names the columns")
    data.add_argument("--target", metavar="COLUMN", help="with --csv: the column to predict; the others are inputs")
    data.add_argument("--task", choices=["auto", "classify", "regress"], default="auto",
                      help=f"with --csv: auto reads a target of at most {MAX_AUTO_CLASSES} distinct whole numbers, "
                           "or of text, as class labels, anything else as numbers to regress (default: auto)")
    data.add_argument("--standardize", action="store_true",
                      help="rescale every input column to mean 0 and standard deviation 1 before training "
                           "(a network saved then expects rescaled inputs)")
    data.add_argument("--m", type=positive_int, metavar="N", help="with --dataset: number of examples")
    data.add_argument("--noise", type=nonnegative_float, help="with --dataset: standard deviation of the noise")
    data.add_argument("--classes", type=positive_int, metavar="K",
                      help="with --dataset spiral or blobs: number of classes")
    net_group = add_network_options(p, example_option=False)
    net_group.description = ("Without --sizes or --load: a new network with --hidden layers between the widths "
                             "the data need.")
    net_group.add_argument(
        "--hidden", type=int_list, metavar="H1,H2,...",
        help=f"hidden layer widths only; input and output widths come from the data "
             f"(default without --sizes/--load: {','.join(map(str, DEFAULT_HIDDEN))})")
    t = p.add_argument_group("training")
    t.add_argument("--epochs", type=positive_int, default=200, help="passes over the data (default: 200)")
    t.add_argument("--lr", type=positive_float, default=0.5, metavar="α", help="learning rate α (default: 0.5)")
    t.add_argument("--batch-size", type=positive_int, default=32, metavar="N",
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
                     help="save a figure: the loss curve, and the decision boundary when there are 2 inputs")
    p.set_defaults(run=run)


@dataclass
class Task:
    """The data, ready for a Network: X (m, d), targets as the loss wants them, and how to score them."""

    name: str
    X: np.ndarray
    Y: np.ndarray            # class labels (m,) or targets (m, t)
    classes: list | None     # class names for classification, None for regression

    @property
    def n_inputs(self) -> int:
        return self.X.shape[1]


def _load_task(args: argparse.Namespace) -> Task:
    if args.csv is None:
        if args.target is not None:
            raise ValueError("--target: only with --csv FILE (a built-in --dataset knows its target)")
        name = args.dataset or "moons"
        kwargs = {"seed": args.seed}
        if args.m is not None:
            kwargs["m"] = args.m
        if args.noise is not None:
            kwargs["noise"] = args.noise
        if args.classes is not None:
            if name not in ("spiral", "blobs"):
                raise ValueError(f"--classes: only spiral and blobs have a number of classes, not {name}")
            kwargs["classes"] = args.classes
        X, Y = datasets.load(name, **kwargs)
        if datasets.task(name) == "regression":
            return Task(name, X, Y, None)
        return Task(name, X, Y, list(range(int(Y.max()) + 1)))

    for option in ("m", "noise", "classes"):
        if getattr(args, option) is not None:
            raise ValueError(f"--{option}: only with --dataset (a CSV file brings its own data)")
    if args.target is None:
        raise ValueError("--target: with --csv, name the column to predict, e.g. --target label")
    data = read_csv(args.csv, args.target)
    name = os.path.basename(args.csv)
    y = data.target
    if not data.numeric_target:
        if args.task == "regress":
            raise ValueError(f"--task regress: the target column {args.target!r} holds text, not numbers")
        task = "classify"
    elif args.task != "auto":
        task = args.task
    else:
        whole = np.all(y == np.round(y))
        task = "classify" if whole and len(np.unique(y)) <= MAX_AUTO_CLASSES else "regress"
        print(f"--task auto: the target {args.target!r} is read as "
              f"{'class labels' if task == 'classify' else 'numbers to regress'} "
              f"(say --task {'regress' if task == 'classify' else 'classify'} for the other reading)")
    if task == "regress":
        return Task(name, data.X, y.reshape(-1, 1).astype(float), None)
    classes = sorted(set(y.tolist()), key=lambda v: (isinstance(v, str), v))
    if len(classes) < 2:
        raise ValueError(f"--target {args.target!r}: every example has the class {classes[0]!r}; "
                         "classification needs at least 2 classes")
    index = {c: k for k, c in enumerate(classes)}
    if classes != list(range(len(classes))):
        print("class labels: " + ", ".join(f"{c if isinstance(c, str) else f'{c:g}'} → {k}"
                                           for c, k in index.items()))
    labels = np.array([index[v] for v in y.tolist()], dtype=np.int64)
    return Task(name, data.X, labels, classes)


def _default_loss(task: Task) -> str:
    """The loss whose δ = a − y pairs with the output a classifier needs; squared error for regression."""
    if task.classes is None:
        return "half_sse"
    return "binary_cross_entropy" if len(task.classes) == 2 else "cross_entropy"


def _output_width(task: Task, loss: str) -> int:
    if task.classes is None:
        return task.Y.shape[1]
    if loss == "cross_entropy" or len(task.classes) > 2:
        return len(task.classes)
    return 1


def _targets(task: Task, loss: str, n_out: int) -> np.ndarray:
    """Labels for cross_entropy, 0/1 targets for one output neuron, one-hot rows for K > 2 sigmoid outputs."""
    if task.classes is None or loss == "cross_entropy":
        return task.Y
    if n_out == 1:
        return task.Y.reshape(-1, 1).astype(float)
    return np.eye(n_out)[task.Y]


def _describe_output(task: Task, loss: str, n_out: int) -> str:
    if task.classes is None:
        return f"one per target column, loss {loss}"
    if n_out == 1:
        return f"2 classes: one output neuron with target 0 or 1, loss {loss}"
    return f"{len(task.classes)} classes: one output neuron per class, loss {loss}"


def _build_network(args: argparse.Namespace, task: Task) -> Network:
    if args.load:
        for option in ("sizes", "hidden", "activation", "output", "loss", "weight_decay"):
            if getattr(args, option) is not None:
                raise ValueError(f"--{option.replace('_', '-')}: not with --load "
                                 "(the saved network has its own sizes, activations and loss)")
        net = Network.load(args.load)
        loss = net.loss.name
    else:
        loss = args.loss or _default_loss(task)
    if loss == "cross_entropy" and task.classes is None:
        raise ValueError("--loss cross_entropy: needs class labels, but the target here is numbers to regress")
    n_in, n_out = task.n_inputs, _output_width(task, loss)
    need = (f"the data ({task.name}) have {n_in} input{'s' if n_in > 1 else ''} and need {n_out} output "
            f"neuron{'s' if n_out > 1 else ''} ({_describe_output(task, loss, n_out)})")
    if args.load:
        if net.sizes[0] != n_in or net.sizes[-1] != n_out:
            raise ValueError(f"--load: the network in {args.load} has sizes {net.sizes}, but {need}")
        return net
    if args.sizes and args.hidden:
        raise ValueError("--sizes and --hidden: give one of them (--hidden infers the input and output widths)")
    if args.sizes:
        if args.sizes[0] != n_in or args.sizes[-1] != n_out or len(args.sizes) < 2:
            raise ValueError(f"--sizes {','.join(map(str, args.sizes))}: {need}; give --sizes "
                             f"{n_in},...,{n_out} or only the hidden widths with --hidden")
        sizes = args.sizes
    else:
        sizes = [n_in, *(args.hidden if args.hidden is not None else DEFAULT_HIDDEN), n_out]
    activation = parse_activation(args.activation, default=DEFAULT_ACTIVATION)
    output = args.output
    if output is None and loss not in ("cross_entropy", "binary_cross_entropy"):
        output = "identity" if task.classes is None else "sigmoid"
    return new_network(sizes, activation=activation, output=output, loss=loss,
                       weight_decay=args.weight_decay or 0.0, seed=args.seed)


def _score(model, task: Task, X: np.ndarray) -> tuple[str, float]:
    """("accuracy", fraction correct) for classes — a > ½ for one output, argmax for several — else ("rmse", …)."""
    A = model.predict(X)
    if task.classes is None:
        return "rmse", float(np.sqrt(np.mean((A - task.Y) ** 2)))
    predicted = (A[:, 0] > 0.5).astype(int) if A.shape[1] == 1 else np.argmax(A, axis=1)
    return "accuracy", float(np.mean(predicted == task.Y))


def _format_score(kind: str, value: float) -> str:
    return f"accuracy {100 * value:5.1f}%" if kind == "accuracy" else f"RMSE {value:.4g}"


def run(args: argparse.Namespace) -> int:
    # A bad output name is reported now, not after the training it would throw away.
    check_output_file(args.save, "--save")
    if args.plot:
        check_output_file(args.plot, "--plot", figure_formats())
    task = _load_task(args)
    X = task.X
    if args.standardize:
        mean, std = X.mean(axis=0), X.std(axis=0)
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std))):
            j = int(np.argmax(~(np.isfinite(mean) & np.isfinite(std))))
            raise ValueError(f"--standardize: the mean or standard deviation of input column {j + 1} overflows "
                             "to inf (values near 1e308); rescale that column before training")
        X = (X - mean) / np.where(std > 0, std, 1.0)
        task.X = X
        print("inputs standardized: mean " + ", ".join(f"{u:.4g}" for u in mean)
              + "; std " + ", ".join(f"{s:.4g}" for s in std))
    net = _build_network(args, task)
    Y = _targets(task, net.loss.name, net.sizes[-1])
    if args.engine == "matrix":
        from ..witnesses.matrix import MatrixNetwork
        model = MatrixNetwork.from_network(net)
    else:
        model = net

    kind_of_data = "regression" if task.classes is None else f"{len(task.classes)} classes"
    n_in = task.n_inputs
    print(f"neurosim train: {task.name}, {X.shape[0]} examples, {n_in} input{'s' if n_in > 1 else ''}, "
          f"{kind_of_data}")
    print(f"network {net!r}, {args.engine} engine")
    batch = "the whole data set" if args.batch_size >= X.shape[0] else f"batches of {args.batch_size}"
    print(f"gradient descent: {args.epochs} epochs, α = {args.lr:g}, {batch}")
    if not args.quiet:
        print(f"epoch {0:>{len(str(args.epochs))}}/{args.epochs}  J = {model.cost(X, Y):.6g}  "
              f"{_format_score(*_score(model, task, X))}")

    every = max(1, args.epochs // args.report)
    width = len(str(args.epochs))
    started = time.monotonic()

    def progress(epoch: int, cost: float) -> None:
        if args.quiet or (epoch % every and epoch != args.epochs):
            return
        print(f"epoch {epoch:>{width}}/{args.epochs}  J = {cost:.6g}  {_format_score(*_score(model, task, X))}  "
              f"({time.monotonic() - started:.1f} s)", flush=True)

    try:
        history = model.fit(X, Y, args.epochs, args.lr, batch_size=args.batch_size, seed=args.seed,
                            progress=False, callback=progress)
    except DivergenceError as exc:
        print(f"neurosim train: {exc}", file=sys.stderr)
        if args.plot:
            _plot(args.plot, exc.history, None, task)
            print(f"loss curve up to the divergence written to {args.plot}")
        return 1

    trained = model.to_network() if args.engine == "matrix" else model
    kind, value = _score(model, task, X)
    print(f"trained: J = {history[-1]:.6g}, {_format_score(kind, value)} on the {X.shape[0]} training examples")
    if args.save:
        try:
            trained.save(args.save)
        except OSError as exc:
            raise ValueError(f"--save: cannot write {args.save!r}: {exc.strerror or exc}") from None
        print(f"network written to {args.save}")
    if args.plot:
        _plot(args.plot, history, trained, task)
        print(f"figure written to {args.plot}")
    return 0


def _plot(path: str, history: list[float], net: Network | None, task: Task) -> None:
    """The loss curve J per epoch and, for 2 inputs and classes, the decision regions with the data."""
    from ..views.drawing import new_figure
    from ..views.plot import decision_boundary, loss_curve

    boundary = net is not None and task.classes is not None and task.n_inputs == 2
    fig = new_figure((11.0, 4.5) if boundary else (6.0, 4.5))
    axes = fig.subplots(1, 2 if boundary else 1, squeeze=False)[0]
    # A diverging run's curve spans hundreds of decades; numpy's overflow warnings there say nothing new.
    with np.errstate(over="ignore", invalid="ignore"):
        loss_curve(history, ax=axes[0], title=f"cost per epoch — {task.name}")
        if boundary:
            decision_boundary(net, task.X, task.Y, ax=axes[1])
        fig.tight_layout()
        try:
            fig.savefig(path, dpi=110)
        except OSError as exc:
            raise ValueError(f"--plot: cannot write {path!r}: {exc.strerror or exc}") from None
