"""What ``fit`` returns and the accuracy it records: a :class:`History` is the list of training costs, one per
epoch, that ``fit`` always returned, with the held-out series beside it.

Accuracy is the fraction of examples whose predicted class is the target's. The predicted class is
argmax_i a_i^(n_l) with several output neurons and [a_1^(n_l) ≥ ½] with one; the target's class is the
position of the 1 in a one-hot row, or the 0/1 target itself with one output neuron.
"""

from __future__ import annotations

import numpy as np

from ..base.html import box, paragraph, pre


class History(list):
    """J(W,b) on the training data after each epoch, as a list of floats (``history[-1]`` is the last cost).

    Beside the list:

    * ``initial``: J before the first epoch, J0 (the divergence rule measures growth from it);
    * ``validation``: J on the validation data after each epoch (empty without ``validation=``);
    * ``train_accuracy``, ``validation_accuracy``: the fraction classified correctly after each epoch
      (empty unless the targets are classes, see :func:`is_classification`);
    * ``best_epoch``: the epoch with the lowest validation cost (None without validation data);
    * ``stopped_epoch``: the epoch where early stopping ended training (None when every epoch ran);
    * ``restored_epoch``: the epoch whose weights the model holds at the end, when ``fit`` put earlier
      weights back (early stopping, or a divergence); None otherwise;
    * ``message``: what ``fit`` said about stopping early or restoring weights, or None.
    """

    def __init__(self, costs=()):
        super().__init__(costs)
        self.initial: float | None = None
        self.validation: list[float] = []
        self.train_accuracy: list[float] = []
        self.validation_accuracy: list[float] = []
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.restored_epoch: int | None = None
        self.message: str | None = None

    @property
    def epochs(self) -> list[int]:
        """The epoch numbers 1, 2, … of the recorded costs."""
        return list(range(1, len(self) + 1))

    def summary(self) -> str:
        """The run in a few lines: the training cost of the first and last epoch, the validation cost (first,
        last, lowest), then the numbers of the weights the model holds at the end — the last epoch's, or, when
        ``fit`` put earlier weights back (``restored_epoch``), those of that epoch — and ``message``."""
        lines = [f"training J: {self[0]:.6g} (epoch 1) -> {self[-1]:.6g} (epoch {len(self)})" if self
                 else "no epoch recorded"]
        if self.validation:
            lines.append(f"validation J: {self.validation[0]:.6g} -> {self.validation[-1]:.6g}; lowest "
                         f"{min(self.validation):.6g} at epoch {self.best_epoch}")
        held = self.restored_epoch
        if held is None or held == len(self):
            if self.train_accuracy:
                lines.append(f"training accuracy: {self.train_accuracy[-1]:.1%}")
            if self.validation_accuracy:
                lines.append(f"validation accuracy: {self.validation_accuracy[-1]:.1%}")
        elif held == 0:
            J0 = "" if self.initial is None else f": training J = {self.initial:.6g} (J0)"
            lines.append(f"the model holds its initial weights (epoch 0){J0}")
        elif 0 < held < len(self):      # the last epoch (held == len) is the first branch
            k = held - 1
            numbers = [f"training J = {self[k]:.6g}"]
            for name, series, fmt in (("validation J", self.validation, ".6g"),
                                      ("training accuracy", self.train_accuracy, ".1%"),
                                      ("validation accuracy", self.validation_accuracy, ".1%")):
                if len(series) > k:
                    numbers.append(f"{name} = {series[k]:{fmt}}")
            lines.append(f"the model holds the weights of epoch {held}: " + ", ".join(numbers))
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        """Jupyter: the summary instead of every cost (``ns.plot.loss_curve(history)`` draws them)."""
        return box(paragraph(f"History of {len(self)} epochs (a list of the training costs J)"), pre(self.summary()))


def is_classification(T: np.ndarray) -> bool:
    """Whether targets T (m, s_{n_l}) name classes: every row one-hot (several outputs; cross_entropy's class
    labels become such rows) or every target 0 or 1 (one output). Whatever the loss, such targets get an
    accuracy; any other value makes them numbers to regress."""
    if not np.all((T == 0) | (T == 1)):
        return False
    return T.shape[1] == 1 or bool(np.all(T.sum(axis=1) == 1))


def predicted_classes(A: np.ndarray) -> np.ndarray:
    """argmax_i a_i^(n_l) per row with several outputs; [a_1^(n_l) ≥ ½] with one."""
    return np.argmax(A, axis=1) if A.shape[1] > 1 else (A[:, 0] >= 0.5).astype(np.int64)


def target_classes(T: np.ndarray, name: str = "Y") -> np.ndarray:
    """The class of each target row: where its single 1 is (one-hot), or the 0/1 target with one output."""
    if not np.all((T == 0) | (T == 1)) or (T.shape[1] > 1 and not np.all(T.sum(axis=1) == 1)):
        what = "one-hot rows (or class labels 0 … K−1)" if T.shape[1] > 1 else "targets 0 or 1"
        row = int(np.argmax(~np.all((T == 0) | (T == 1), axis=1) | ((T.shape[1] > 1) & (T.sum(axis=1) != 1))))
        raise ValueError(f"{name}: accuracy needs classes, i.e. {what}; row {row} is {T[row].tolist()}")
    return np.argmax(T, axis=1) if T.shape[1] > 1 else T[:, 0].astype(np.int64)


def accuracy(A: np.ndarray, T: np.ndarray, name: str = "Y") -> float:
    """The fraction of rows whose predicted class (from outputs A) is the target's class (from T)."""
    return float(np.mean(predicted_classes(A) == target_classes(T, name)))
