"""Training, shared by the scalar :class:`Network` and the matrix twin: the :class:`Trainable` base gives
both engines the same public ``cost``, ``step``, ``fit``, ``set_parameters`` and ``reset_optimizer``; each
engine supplies ``_cost(X, T)``, ``_step(X, T, lr)`` (one update by ``self.optimizer``), ``parameters()``,
``set_weights``, ``set_biases`` and ``_clear_optimizer_state()``.

The optimizer's state persists between calls (DESIGN §3): a ``step`` or ``fit`` with an optimizer of the same
kind as the last one continues its state (the new object's constants apply from then on); another kind, or
``reset_optimizer()``, starts every parameter's state afresh.
"""

from __future__ import annotations

import numbers
import sys
import time

import numpy as np

from .optimizers import Optimizer, as_optimizer
from .validation import as_inputs, as_targets, check_callback, check_number, check_seed

Parameters = list[tuple[np.ndarray, np.ndarray]]


class DivergenceError(FloatingPointError):
    """Training produced a non-finite cost or weight. ``.epoch`` is the epoch (1-based) where it happened,
    ``.history`` the finite costs before it; the model keeps the last finite weights."""

    def __init__(self, message: str, epoch: int, history: list[float]):
        super().__init__(message)
        self.epoch = epoch
        self.history = history


class Trainable:
    """The batch API both engines share; the arithmetic lives in the engines' ``_cost`` and ``_step``."""

    #: The optimizer whose state the parameters hold (None before the first update, or after a reset).
    optimizer: Optimizer | None = None

    def _check_data(self, X, Y) -> tuple[np.ndarray, np.ndarray]:
        """X as (m, s_1) floats and the targets T as (m, s_{n_l}) floats (one-hot rows for cross_entropy)."""
        X = as_inputs(X, self.sizes[0])
        return X, as_targets(Y, self.loss, self.sizes[-1], X.shape[0])

    def cost(self, X, Y) -> float:
        """J(W,b) = (1/m) Σ_k J(W,b; x^(k), y^(k)) + (λ/2) Σ_l Σ_ij (W_ij^(l))² (eq. 6); X has one example per row."""
        return self._cost(*self._check_data(X, Y))

    def step(self, X, Y, lr: float, optimizer: str | Optimizer = "sgd") -> float:
        """One update of every parameter from eq. 6's gradient on (X, Y); returns J before it.

        ``optimizer="sgd"``: W ← W − α ∂J/∂W, b ← b − α ∂J/∂b (eqs. 7–8); ``"momentum"``, ``"adam"`` or an
        ``ns.Momentum(...)`` / ``ns.Adam(...)``: their rule, continuing the state of the last step or fit when
        it was of the same kind (see :mod:`neurosim.core.optimizers`).
        """
        X, T = self._check_data(X, Y)
        lr = check_number(lr, "lr", positive=True)
        self._use_optimizer(optimizer)
        return self._step(X, T, lr)

    def _use_optimizer(self, optimizer) -> Optimizer:
        """Make ``optimizer`` the one in use; the state starts afresh unless it is of the same kind as before."""
        opt = as_optimizer(optimizer)
        if self.optimizer is None or not opt.same_kind(self.optimizer):
            self._clear_optimizer_state()
        self.optimizer = opt
        return opt

    def reset_optimizer(self) -> None:
        """Forget the optimizer state of every parameter: the next momentum or Adam update starts from 0."""
        self._clear_optimizer_state()
        self.optimizer = None

    def fit(self, X, Y, epochs: int, lr: float, batch_size: int | None = None, seed: int | None = None,
            progress: bool | None = None, callback=None, optimizer: str | Optimizer = "sgd") -> list[float]:
        """Gradient descent for ``epochs`` passes over the data; returns J(W,b) on (X, Y) after each epoch.

        See :func:`fit` for mini-batches, shuffling, progress, the optimizer and divergence.
        """
        return fit(self, X, Y, epochs, lr, batch_size=batch_size, seed=seed, progress=progress, callback=callback,
                   optimizer=optimizer)

    def set_parameters(self, params: Parameters) -> None:
        """Set every W^(l) and b^(l) from a list like the one ``parameters()`` returns."""
        params = check_parameter_list(params, self.n_layers)
        for l, (W, b) in enumerate(params, start=1):
            self.set_weights(l, W)
            self.set_biases(l, b)


def check_parameter_list(params, n_layers: int) -> list:
    """``params`` as a list of n_l − 1 (W, b) pairs, as ``parameters()`` returns."""
    if isinstance(params, (str, bytes)) or not hasattr(params, "__len__") or not hasattr(params, "__iter__"):
        raise TypeError(f"params: expected a list of {n_layers - 1} (W, b) pairs as net.parameters() returns, "
                        f"got {type(params).__name__}")
    params = list(params)
    if len(params) != n_layers - 1:
        raise ValueError(f"params: expected {n_layers - 1} (W, b) pairs, got {len(params)}")
    for l, pair in enumerate(params, start=1):
        if isinstance(pair, (str, bytes)) or not hasattr(pair, "__len__") or len(pair) != 2:
            raise ValueError(f"params: entry {l - 1} should be the pair (W^({l}), b^({l})), got "
                             f"{type(pair).__name__}")
    return params


def _check_count(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}, got {value!r}")
    return int(value)


def _finite(params) -> bool:
    return all(np.all(np.isfinite(W)) and np.all(np.isfinite(b)) for W, b in params)


def fit(model, X, Y, epochs: int, lr: float, batch_size: int | None = None, seed: int | None = None,
        progress: bool | None = None, callback=None, optimizer: str | Optimizer = "sgd") -> list[float]:
    """Gradient descent (eqs. 7–8) for ``epochs`` passes over (X, Y); returns J(W,b) after each epoch.

    ``batch_size=None`` uses the whole batch per step; otherwise the rows are shuffled each epoch with a
    generator seeded by ``seed`` and cut into mini-batches (the last may be smaller). ``progress``
    (default: when stderr is a terminal) shows the epoch and cost on one updating line.
    ``callback(epoch, cost)`` is called after each epoch. ``optimizer`` is ``"sgd"`` (eqs. 7–8),
    ``"momentum"``, ``"adam"`` or an ``ns.Momentum(...)`` / ``ns.Adam(...)``; its state continues from the
    last step or fit when that used the same kind (see :class:`Trainable`).

    If the cost or a weight becomes NaN or inf, the weights of the last finite epoch are put back, the
    optimizer state (which the diverging steps filled) is reset, and a :class:`DivergenceError` names the epoch.
    """
    X, T = model._check_data(X, Y)
    epochs = _check_count(epochs, "epochs")
    lr = check_number(lr, "lr", positive=True)
    m = X.shape[0]
    batch = m if batch_size is None else min(_check_count(batch_size, "batch_size"), m)
    rng = np.random.default_rng(check_seed(seed))
    check_callback(callback)
    model._use_optimizer(optimizer)
    show = sys.stderr.isatty() if progress is None else bool(progress)
    history: list[float] = []
    last_shown = 0.0
    for epoch in range(1, epochs + 1):
        saved = model.parameters()
        order = rng.permutation(m) if batch < m else np.arange(m)
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                for start in range(0, m, batch):
                    rows = order[start:start + batch]
                    model._step(X[rows], T[rows], lr)
                cost = model._cost(X, T)
            except OverflowError:   # Python float arithmetic (x ** 2) raises where numpy would give inf
                cost = float("inf")
        if not (np.isfinite(cost) and _finite(model.parameters())):
            model.set_parameters(saved)
            model.reset_optimizer()
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
