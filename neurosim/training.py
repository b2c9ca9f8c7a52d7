"""The training loop, shared by the scalar :class:`Network` and the matrix twin.

A model only has to offer ``_check_data(X, Y) -> (X, T)``, ``_step(X, T, lr) -> cost``,
``_cost(X, T) -> cost``, ``parameters()`` and ``set_parameters(params)``.
"""

from __future__ import annotations

import numbers
import sys
import time

import numpy as np

from .validation import check_number


class DivergenceError(FloatingPointError):
    """Training produced a non-finite cost or weight. ``.epoch`` is the epoch (1-based) where it happened,
    ``.history`` the finite costs before it; the model keeps the last finite weights."""

    def __init__(self, message: str, epoch: int, history: list[float]):
        super().__init__(message)
        self.epoch = epoch
        self.history = history


def _check_count(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}, got {value!r}")
    return int(value)


def _finite(params) -> bool:
    return all(np.all(np.isfinite(W)) and np.all(np.isfinite(b)) for W, b in params)


def fit(model, X, Y, epochs: int, lr: float, batch_size: int | None = None, seed: int | None = None,
        progress: bool | None = None, callback=None) -> list[float]:
    """Gradient descent (eqs. 7–8) for ``epochs`` passes over (X, Y); returns J(W,b) after each epoch.

    ``batch_size=None`` uses the whole batch per step; otherwise the rows are shuffled each epoch with a
    generator seeded by ``seed`` and cut into mini-batches (the last may be smaller). ``progress``
    (default: when stderr is a terminal) shows the epoch and cost on one updating line.
    ``callback(epoch, cost)`` is called after each epoch.

    If the cost or a weight becomes NaN or inf, the weights of the last finite epoch are put back and a
    :class:`DivergenceError` names the epoch.
    """
    X, T = model._check_data(X, Y)
    epochs = _check_count(epochs, "epochs")
    lr = check_number(lr, "lr", positive=True)
    m = X.shape[0]
    batch = m if batch_size is None else min(_check_count(batch_size, "batch_size"), m)
    rng = np.random.default_rng(seed)
    show = sys.stderr.isatty() if progress is None else bool(progress)
    history: list[float] = []
    last_shown = 0.0
    for epoch in range(1, epochs + 1):
        saved = model.parameters()
        order = rng.permutation(m) if batch < m else np.arange(m)
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, m, batch):
                rows = order[start:start + batch]
                model._step(X[rows], T[rows], lr)
            cost = model._cost(X, T)
        if not (np.isfinite(cost) and _finite(model.parameters())):
            model.set_parameters(saved)
            kept = f"those after epoch {epoch - 1}" if epoch > 1 else "the initial ones"
            if show:
                sys.stderr.write("\n")
            raise DivergenceError(
                f"fit: the cost became {cost} in epoch {epoch} of {epochs} (lr={lr:g}); training stopped and the "
                f"last finite weights, {kept}, were kept. Try a smaller lr.", epoch, history)
        history.append(cost)
        if callback is not None:
            callback(epoch, cost)
        if show and (time.monotonic() - last_shown > 0.1 or epoch == epochs):
            last_shown = time.monotonic()
            sys.stderr.write(f"\repoch {epoch}/{epochs}  J = {cost:.6g}")
            sys.stderr.flush()
    if show:
        sys.stderr.write("\n")
    return history
