"""``neurosim train``'s data: a built-in data set or a CSV file as a :class:`Task`, its split into training,
validation and test rows, the input standardization, and the network the data need."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

import numpy as np

from ..core.network import Network
from ..core.scaling import Standardizer
from ..data import datasets
from ..data.csvdata import read_csv
from ..witnesses.matrix import MatrixNetwork
from .common import load_network, new_network, parse_activation

# A target column with at most this many distinct whole numbers is read as class labels (--task auto).
MAX_AUTO_CLASSES = 10
DEFAULT_HIDDEN = [8]
# tanh is zero-centred, so the toy sets train in a few hundred epochs at the default rate; sigmoid stalls.
DEFAULT_ACTIVATION = "tanh"


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


def load_task(args: argparse.Namespace) -> Task:
    if args.csv is None:
        if args.target is not None:
            raise ValueError("--target: only with --csv FILE (a built-in --dataset knows its target)")
        if args.task != "auto":
            raise ValueError("--task: only with --csv FILE (a built-in --dataset knows its task: sine is regression, "
                             "the others classes)")
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
    try:
        data = read_csv(args.csv, args.target)
    except ValueError as exc:   # read_csv's "csv: …" is the option --csv here (LimitError keeps its type)
        text = str(exc)
        raise type(exc)(f"--csv: {text.removeprefix('csv: ')}") from None
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


def default_loss(task: Task) -> str:
    """The loss whose δ = a − y pairs with the output a classifier needs; squared error for regression."""
    if task.classes is None:
        return "half_sse"
    return "binary_cross_entropy" if len(task.classes) == 2 else "cross_entropy"


def output_width(task: Task, loss: str) -> int:
    if task.classes is None:
        return task.Y.shape[1]
    if loss == "cross_entropy" or len(task.classes) > 2:
        return len(task.classes)
    return 1


def targets(task: Task, loss: str, n_out: int, Y: np.ndarray) -> np.ndarray:
    """Y (some rows of the task) as the loss wants it: labels for cross_entropy, 0/1 targets for one output
    neuron, one-hot rows for K > 2 sigmoid outputs, the target rows for regression."""
    if task.classes is None or loss == "cross_entropy":
        return Y
    if n_out == 1:
        return Y.reshape(-1, 1).astype(float)
    return np.eye(n_out)[Y]


def describe_output(task: Task, loss: str, n_out: int) -> str:
    if task.classes is None:
        return f"one per target column, loss {loss}"
    if n_out == 1:
        return f"2 classes: one output neuron with target 0 or 1, loss {loss}"
    return f"{len(task.classes)} classes: one output neuron per class, loss {loss}"


def _engine(args: argparse.Namespace) -> str:
    return getattr(args, "engine", "scalar")


def build_network(args: argparse.Namespace, task: Task) -> Network | MatrixNetwork:
    """The network to train: loaded (--load) or new; with --engine matrix, the matrix twin."""
    if args.load:
        for option in ("sizes", "hidden", "activation", "output", "loss", "weight_decay", "init"):
            if getattr(args, option) is not None:
                raise ValueError(f"--{option.replace('_', '-')}: not with --load "
                                 "(the saved network has its own sizes, activations, loss and weights)")
        net = load_network(args.load)
        loss = net.loss.name
    else:
        loss = args.loss or default_loss(task)
    if loss == "cross_entropy" and task.classes is None:
        raise ValueError("--loss cross_entropy: needs class labels, but the target here is numbers to regress")
    n_in, n_out = task.n_inputs, output_width(task, loss)
    need = (f"the data ({task.name}) have {n_in} input{'s' if n_in > 1 else ''} and need {n_out} output "
            f"neuron{'s' if n_out > 1 else ''} ({describe_output(task, loss, n_out)})")
    if args.load:
        if net.sizes[0] != n_in or net.sizes[-1] != n_out:
            hint = ("" if args.dataset or args.csv else "; a saved network records no data, so without --dataset "
                    "or --csv the default moons is used: name the data it was trained on")
            raise ValueError(f"--load: the network in {args.load} has sizes {net.sizes}, but {need}{hint}")
        return MatrixNetwork.from_network(net) if _engine(args) == "matrix" else net
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
    # --engine matrix builds the twin straight away: only its arrays, and only their memory counts against the limit
    cls = MatrixNetwork if _engine(args) == "matrix" else Network
    return new_network(sizes, "--sizes" if args.sizes else "--hidden", cls=cls, activation=activation, output=output,
                       loss=loss, weight_decay=args.weight_decay or 0.0, seed=args.seed, init=args.init or "auto")


@dataclass
class Part:
    """Some rows of the task: X (m, d) and Y as the task holds it (class labels or target rows)."""

    name: str        # "training", "validation" or "test"
    X: np.ndarray
    Y: np.ndarray

    @property
    def m(self) -> int:
        return self.X.shape[0]


def split_task(task: Task, val_split: float, test_split: float, seed: int) -> list[Part]:
    """The training part, then the validation and test parts when asked for (shares of all the rows).

    The test rows are drawn first, with ``seed``; the validation rows from the rest, with ``seed + 1``.
    """
    if val_split + test_split >= 1:
        raise ValueError(f"--val-split {val_split:g} and --test-split {test_split:g}: together they hold out "
                         f"{val_split + test_split:.0%} of the rows; keep their sum below 1 so that some are left "
                         "to train on")
    X, Y, m = task.X, task.Y, task.X.shape[0]
    held = [("test", test_split, seed), ("validation", val_split, seed + 1)]
    need = 1 + sum(share > 0 for _, share, _ in held)
    if m < need:
        raise ValueError(f"--val-split/--test-split: {task.name} has {m} example{'s' if m > 1 else ''}, too few "
                         f"for {need} parts of at least one row each")
    parts = []
    for name, share, part_seed in held:
        if share > 0:
            n = min(max(round(share * m), 1), X.shape[0] - 1)
            X, X_held, Y, Y_held = datasets.split(X, Y, test=n, seed=part_seed)
            parts.append(Part(name, X_held, Y_held))
    return [Part("training", X, Y), *reversed(parts)]


def standardize(args: argparse.Namespace, net: Network, parts: list[Part]) -> None:
    """Rescale every part's inputs with the loaded network's statistics, or (--standardize) with new ones
    measured on the training rows only and kept in ``net.standardizer`` (so --save writes them)."""
    if net.standardizer is not None:
        print(f"inputs standardized with the statistics saved in {args.load}")
    elif args.standardize:
        try:
            net.standardizer = Standardizer.fit(parts[0].X)
        except ValueError as exc:
            raise ValueError(f"--standardize: {str(exc).removeprefix('X: ')}") from None
        scaler = net.standardizer
        print(f"inputs standardized with the statistics of the {parts[0].m} training rows: mean "
              + ", ".join(f"{u:.4g}" for u in scaler.mean) + "; std " + ", ".join(f"{s:.4g}" for s in scaler.std))
    else:
        return
    for part in parts:
        part.X = net.standardizer(part.X)


