"""What ``neurosim train`` reports: the score of each part (accuracy or RMSE), the final summary, the figure."""

from __future__ import annotations

import numpy as np

from ..core.history import History, predicted_classes
from ..core.network import Network
from .train_data import Part, Task


def score(model, task: Task, part: Part) -> tuple[str, float]:
    """("accuracy", fraction correct) for classes — a ≥ ½ for one output, argmax for several, the rule of
    ``History`` and the decision-boundary plot — else ("rmse", …)."""
    A = model.predict(part.X)
    if task.classes is None:
        return "rmse", float(np.sqrt(np.mean((A - part.Y) ** 2)))
    return "accuracy", float(np.mean(predicted_classes(A) == part.Y))


def format_score(kind: str, value: float) -> str:
    return f"accuracy {100 * value:5.1f}%" if kind == "accuracy" else f"RMSE {value:.4g}"


def report(model, task: Task, parts: list[Part], targets: dict[str, np.ndarray]) -> None:
    """One line per part: its cost J and score. The training line is "trained: …" as before held-out data."""
    for part in parts:
        label = "trained" if part.name == "training" else f"{part.name}"
        J = model.cost(part.X, targets[part.name])
        print(f"{label}: J = {J:.6g}, {format_score(*score(model, task, part))} on the {part.m} "
              f"{part.name} example{'s' if part.m > 1 else ''}")


def plot(path: str, history, net: Network | None, task: Task, train: Part) -> None:
    """The loss curves (training, and validation when held out) per epoch and, for 2 inputs and classes, the
    decision regions with the training examples."""
    from ..views.drawing import new_figure
    from ..views.plot import decision_boundary, loss_curve

    boundary = net is not None and task.classes is not None and task.n_inputs == 2
    fig = new_figure((11.0, 4.5) if boundary else (6.0, 4.5))
    axes = fig.subplots(1, 2 if boundary else 1, squeeze=False)[0]
    # A diverging run's curve spans hundreds of decades; numpy's overflow warnings there say nothing new.
    with np.errstate(over="ignore", invalid="ignore"):
        loss_curve(history, ax=axes[0], title=f"cost per epoch — {task.name}")
        if boundary:
            decision_boundary(net, train.X, train.Y, ax=axes[1])
        fig.tight_layout()
        try:
            fig.savefig(path, dpi=110)
        except OSError as exc:
            raise ValueError(f"--plot: cannot write {path!r}: {exc.strerror or exc}") from None


def diverged_curve(exc) -> History:
    """The costs before a divergence and, when finite, the cost that tripped the rule: the curve to plot."""
    curve = History([*exc.history, *([exc.cost] if np.isfinite(exc.cost) else [])])
    curve.initial = exc.history.initial
    return curve


# A hidden neuron is saturated when f'(z) stays below SATURATED_SLOPE × its activation's largest f' on at least
# SATURATED_SHARE of the training rows: its δ, and with it every gradient into the neuron, is then almost 0.
SATURATED_SLOPE = 0.01
SATURATED_SHARE = 0.9
# The run stalled when, over at least STALL_EPOCHS epochs, J fell by less than STALLED × J0.
STALLED = 1e-3
STALL_EPOCHS = 10


def saturated_neurons(model, X) -> list[tuple[int, int, int, str]]:
    """(l, saturated neurons, width, activation) for each hidden layer l = 2 … n_l − 1, measured on the rows of X."""
    from ..witnesses.matrix import MatrixNetwork

    twin = model if isinstance(model, MatrixNetwork) else MatrixNetwork.from_network(model)
    twin.forward(X)
    found = []
    for l in range(2, twin.n_layers):
        act = twin.activations[l - 2]
        steepest = float(np.max(act.df(np.linspace(-20.0, 20.0, 4001))))
        flat = np.abs(act.df(twin.Z[l])) < SATURATED_SLOPE * steepest       # (s_l, m): neuron i flat on row k
        found.append((l, int(np.sum(flat.mean(axis=1) >= SATURATED_SHARE)), flat.shape[0], act.name))
    return found


def saturation_warning(model, history, X, args) -> str | None:
    """A warning with hints when most neurons of a hidden layer are saturated, or when J barely moved; else None."""
    layers = [(l, n, s, name) for l, n, s, name in saturated_neurons(model, X) if 2 * n >= s and n > 0]
    J0, J = history.initial, history[-1]
    stalled = len(history) >= STALL_EPOCHS and np.isfinite(J0) and J0 > 0 and J0 - J < STALLED * J0
    if not layers and not stalled:
        return None
    found = []
    if layers:
        found.append("; ".join(f"layer {l}: {n} of {s} {name} neurons have f′(z) ≈ 0 (below "
                               f"{SATURATED_SLOPE:.0%} of its steepest slope) on at least {SATURATED_SHARE:.0%} of "
                               f"the training rows" for l, n, s, name in layers)
                     + ", so almost no gradient reaches their weights")
    if stalled:
        found.append(f"J moved only {100 * (J0 - J) / J0:.2g}% in {len(history)} epochs ({J0:.6g} → {J:.6g})")
    hints = []
    big = float(np.max(np.abs(X))) if X.size else 0.0
    raw = model.standardizer is None   # Network and the twin both keep one (None: inputs as given)
    if raw and big > 3:
        hints.append(f"--standardize the inputs (the largest |x_j| is {big:.3g})")
    own_init = args.init not in (None, "auto")
    hints.append("smaller initial weights (" + ("the default --init auto, or " if own_init else "")
                 + "e.g. --init 'normal(0.1)')")
    if layers:
        names = {name for *_, name in layers}
        hints.append("another activation (" + ("leaky_relu: a ReLU that is off on every row never recovers"
                                               if names <= {"relu"} else "relu or leaky_relu, which do not flatten "
                                               "for large z") + ")")
    if stalled and not layers:
        hints.append("a larger --lr")
    if raw and big <= 3:
        hints.append("--standardize")
    return ("the network looks saturated: " if layers else "training stalled: ") + "; ".join(found) + \
        ". Try " + ", ".join(hints[:-1]) + (" or " if len(hints) > 1 else "") + hints[-1] + "."
