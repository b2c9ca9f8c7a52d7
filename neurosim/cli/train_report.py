"""What ``neurosim train`` reports: the score of each part (accuracy or RMSE), the final summary, the figure."""

from __future__ import annotations

import numpy as np

from ..core.history import History
from ..core.network import Network
from .train_data import Part, Task


def score(model, task: Task, part: Part) -> tuple[str, float]:
    """("accuracy", fraction correct) for classes — a > ½ for one output, argmax for several — else ("rmse", …)."""
    A = model.predict(part.X)
    if task.classes is None:
        return "rmse", float(np.sqrt(np.mean((A - part.Y) ** 2)))
    predicted = (A[:, 0] > 0.5).astype(int) if A.shape[1] == 1 else np.argmax(A, axis=1)
    return "accuracy", float(np.mean(predicted == part.Y))


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
