"""Training, shared by the scalar :class:`Network` and the matrix twin: the :class:`Trainable` base gives
both engines the same public ``cost``, ``step``, ``fit``, ``accuracy``, ``set_parameters`` and
``reset_optimizer``; each engine supplies ``_evaluate(X, T)`` (J and the outputs of one forward pass),
``_cost(X, T)``, ``_step(X, T, lr)`` (one update by ``self.optimizer``), ``parameters()``, ``set_weights``,
``set_biases``, ``optimizer_state()``, ``_set_optimizer_state(states)`` and ``_clear_optimizer_state()``.

The optimizer's state persists between calls (DESIGN §3): a ``step`` or ``fit`` with an optimizer of the same
kind as the last one continues its state (the new object's constants apply from then on); another kind, or
``reset_optimizer()``, starts every parameter's state afresh.

The divergence rule of :func:`fit`: J0 is the cost before the first epoch; training has diverged when the cost
after an epoch is NaN or inf, or exceeds ``divergence`` × max(J0, DIVERGENCE_FLOOR) (by default
1000 × max(J0, 1)). The floor keeps a run that starts near zero (J0 = 1e-6, say) from tripping on a harmless
rise to 1e-3: with the floor, only a cost above 1000 counts.
"""

from __future__ import annotations

import numbers
import sys
import time

import numpy as np

from ..base.limits import excerpt
from .history import History, accuracy, is_classification
from .optimizers import Optimizer, as_optimizer
from .validation import as_inputs, as_targets, check_callback, check_number, check_seed

Parameters = list[tuple[np.ndarray, np.ndarray]]

# fit's divergence rule: the cost may not exceed DIVERGENCE_FACTOR × max(J0, DIVERGENCE_FLOOR).
DIVERGENCE_FACTOR = 1000.0
DIVERGENCE_FLOOR = 1.0
# fit's bounds on its counts: far beyond any run that finishes, so only a slip meets them.
MAX_EPOCHS = 10 ** 7
MAX_BATCH_SIZE = 10 ** 9


class DivergenceError(FloatingPointError):
    """Training diverged: the cost became NaN or inf, or grew past the divergence rule's limit (see :func:`fit`).

    ``.epoch`` is the epoch (1-based) where it happened, ``.cost`` the cost then, ``.history`` the
    :class:`History` of the epochs before it, ``.restored_epoch`` the epoch whose weights the model holds
    now (0: the initial ones): the last one whose cost did not exceed J0; ``.reason`` says what tripped.
    """

    def __init__(self, message: str, epoch: int, history: list[float], cost: float | None = None,
                 restored_epoch: int | None = None, reason: str | None = None):
        super().__init__(message)
        self.epoch = epoch
        self.history = history
        self.cost = cost
        self.restored_epoch = restored_epoch
        self.reason = reason       # what tripped the rule, e.g. "the cost became nan"


class Trainable:
    """The batch API both engines share; the arithmetic lives in the engines' ``_evaluate``, ``_cost`` and
    ``_step``."""

    # Input statistics to apply before the first layer (a Standardizer), kept and saved with the network.
    standardizer = None
    #: The optimizer whose state the parameters hold (None before the first update, or after a reset).
    optimizer: Optimizer | None = None

    def _check_data(self, X, Y, names: tuple[str, str] = ("X", "Y")) -> tuple[np.ndarray, np.ndarray]:
        """X as (m, s_1) floats and the targets T as (m, s_{n_l}) floats (one-hot rows for cross_entropy)."""
        X = as_inputs(X, self.sizes[0], names[0])
        return X, as_targets(Y, self.loss, self.sizes[-1], X.shape[0], names[1])

    def cost(self, X, Y) -> float:
        """J(W,b) = (1/m) Σ_k J(W,b; x^(k), y^(k)) + (λ/2) Σ_l Σ_ij (W_ij^(l))² (eq. 6); X has one example per row."""
        return self._cost(*self._check_data(X, Y))

    def accuracy(self, X, Y) -> float:
        """The fraction of rows of X classified as Y says: predicted class argmax_i a_i^(n_l) (several outputs)
        or [a_1^(n_l) ≥ ½] (one output). Y: class labels 0 … K−1 (cross_entropy), one-hot rows, or 0/1 targets."""
        X, T = self._check_data(X, Y)
        return accuracy(self.predict(X), T)

    def step(self, X, Y, lr: float, optimizer: str | Optimizer = "sgd") -> float:
        """One update of every parameter from eq. 6's gradient on (X, Y); returns J before it.

        ``optimizer="sgd"``: W ← W − α ∂J/∂W, b ← b − α ∂J/∂b (eqs. 7–8); ``"momentum"``, ``"adam"`` or an
        ``ns.Momentum(...)`` / ``ns.Adam(...)``: their rule, continuing the state of the last step or fit when
        it was of the same kind (see :mod:`neurosim.core.optimizers`).
        """
        X, T = self._check_data(X, Y)
        lr = check_number(lr, "lr", positive=True)
        self._use_optimizer(optimizer)
        saved = self.parameters()
        with np.errstate(over="ignore", invalid="ignore"):
            cost = self._step(X, T, lr)
        if not (np.isfinite(cost) and _finite(self.parameters())):
            # Never leave NaN or inf in the weights: put the step back, as fit does with an epoch.
            self.set_parameters(saved)
            self.reset_optimizer()
            raise DivergenceError(f"step: the cost or a weight became non-finite (J = {cost}) with lr={lr:g}; the "
                                  "weights were left as they were before the step (the optimizer state was "
                                  "reset). Try a smaller lr.", 1, [])
        return cost

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
            progress: bool | None = None, callback=None, *, validation=None, patience: int | None = None,
            divergence: float | None = DIVERGENCE_FACTOR, optimizer: str | Optimizer = "sgd") -> History:
        """``epochs`` passes over the data, updating by ``optimizer``; returns the :class:`History` of J(W,b) on
        (X, Y) after each epoch. See :func:`fit` for mini-batches, validation data, early stopping, the
        optimizer and the divergence rule."""
        return fit(self, X, Y, epochs, lr, batch_size=batch_size, seed=seed, progress=progress, callback=callback,
                   validation=validation, patience=patience, divergence=divergence, optimizer=optimizer)

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


def _check_count(value, name: str, maximum: int | None = None) -> int:
    """A whole number from 1 to ``maximum`` (None: no bound). The bounds lie far above any real run and still
    catch a slip such as ``epochs=10**400``, which would otherwise loop for ever."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name}: expected a whole number >= 1, got {excerpt(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}: expected a whole number from 1 to {maximum:,}, got {excerpt(value)}")
    return int(value)


def _finite(params) -> bool:
    return all(np.all(np.isfinite(W)) and np.all(np.isfinite(b)) for W, b in params)


def _check_validation(model, validation):
    if validation is None:
        return None
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise ValueError("validation: expected a pair (X_val, Y_val), e.g. from ns.datasets.split, "
                         f"got {type(validation).__name__}")
    return model._check_data(*validation, names=("validation X_val", "validation Y_val"))


def _check_divergence(divergence) -> float | None:
    if divergence is None or divergence is False:
        return None
    if isinstance(divergence, bool) or not isinstance(divergence, numbers.Real) or not divergence > 1:
        raise ValueError(f"divergence: expected a factor > 1 (the default is {DIVERGENCE_FACTOR:g}) or None to "
                         f"switch the rule off, got {divergence!r}")
    return float(divergence)


def _diverged(model, history: History, epoch: int, epochs: int, lr: float, cost: float, limit: float,
              safe: tuple[int, Parameters], factor: float | None) -> DivergenceError:
    """Put the safe weights back and build the error that says what happened and what to try."""
    restored, params = safe
    model.set_parameters(params)
    model.reset_optimizer()
    history.restored_epoch = restored
    J0 = history.initial
    if np.isfinite(cost):
        what = (f"the cost J = {cost:.4g} exceeds {factor:g} × max(J0, {DIVERGENCE_FLOOR:g}) = {limit:.4g}, "
                f"where J0 = {J0:.4g} is the cost before training")
    else:
        what = f"the cost became {cost}"
    kept = "the initial ones" if restored == 0 else f"those after epoch {restored}"
    history.message = (f"training diverged in epoch {epoch}: {what}; the weights of "
                       f"{'epoch 0 (the initial ones)' if restored == 0 else f'epoch {restored}'} were put back and "
                       "the optimizer state was reset")
    off = "" if factor is None or not np.isfinite(cost) else "; fit(..., divergence=None) switches this rule off"
    return DivergenceError(
        f"fit: training diverged in epoch {epoch} of {epochs} (lr={lr:g}): {what}. The weights were put back to "
        f"{kept}, the last whose cost did not exceed J0. Try a smaller learning rate, e.g. lr={lr / 10:g}{off}.",
        epoch, history, cost, restored, what)


def fit(model, X, Y, epochs: int, lr: float, batch_size: int | None = None, seed: int | None = None,
        progress: bool | None = None, callback=None, *, validation=None, patience: int | None = None,
        divergence: float | None = DIVERGENCE_FACTOR, optimizer: str | Optimizer = "sgd") -> History:
    """Gradient descent for ``epochs`` passes over (X, Y); returns a :class:`History`: the list of J(W,b) on
    (X, Y) after each epoch, with the validation cost and the accuracies beside it.

    ``batch_size=None`` uses the whole batch per step; otherwise the rows are shuffled each epoch with a
    generator seeded by ``seed`` and cut into mini-batches (the last may be smaller). ``progress``
    (default: when stderr is a terminal) shows the epoch and cost on one updating line.
    ``callback(epoch, cost)`` is called after each epoch. ``optimizer`` is ``"sgd"`` (eqs. 7–8),
    ``"momentum"``, ``"adam"`` or an ``ns.Momentum(...)`` / ``ns.Adam(...)``; its state continues from the
    last step or fit when that used the same kind (see :class:`Trainable`).

    ``validation=(X_val, Y_val)``: held-out data, never trained on; its cost (and accuracy, for classes) is
    recorded after each epoch. ``patience=N`` stops early once the validation cost has not gone below its
    lowest value for N epochs in a row, and puts back the weights of the epoch with the lowest validation
    cost (also when all epochs ran), with the optimizer state they had then (momentum's v, Adam's m, v and t), so
    a later ``fit`` continues from that epoch as if training had stopped there; the History and, unless
    ``progress=False``, a line on stderr say so.

    ``epochs`` and ``patience`` are whole numbers from 1 to MAX_EPOCHS (10⁷), ``batch_size`` from 1 to
    MAX_BATCH_SIZE (10⁹; more than the rows means the whole batch), ``lr`` a finite number > 0.

    Divergence: J0 = J(W,b) before the first epoch. When the cost after an epoch is NaN or inf, or exceeds
    ``divergence`` × max(J0, 1), training stops: the weights of the last epoch whose cost did not exceed J0
    (epoch 0: the initial ones) are put back, the optimizer state (which the diverging steps filled) is reset,
    and a :class:`DivergenceError` names the epoch and suggests a smaller lr. ``divergence=None`` switches the
    growth rule off (NaN or inf still stop).
    """
    X, T = model._check_data(X, Y)
    epochs = _check_count(epochs, "epochs", MAX_EPOCHS)
    lr = check_number(lr, "lr", positive=True)
    val = _check_validation(model, validation)
    if patience is not None:
        patience = _check_count(patience, "patience", MAX_EPOCHS)
        if val is None:
            raise ValueError("patience: early stopping watches the validation cost; pass validation=(X_val, Y_val) "
                             "too (ns.datasets.split makes one)")
    factor = _check_divergence(divergence)
    m = X.shape[0]
    batch = m if batch_size is None else min(_check_count(batch_size, "batch_size", MAX_BATCH_SIZE), m)
    rng = np.random.default_rng(check_seed(seed))
    check_callback(callback)
    model._use_optimizer(optimizer)
    show = sys.stderr.isatty() if progress is None else bool(progress)
    classes = is_classification(T) and (val is None or is_classification(val[1]))

    history = History()
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            history.initial = J0 = model._cost(X, T)
        except OverflowError:
            history.initial = J0 = float("inf")
    limit = np.inf if factor is None or not np.isfinite(J0) else factor * max(J0, DIVERGENCE_FLOOR)
    safe = (0, model.parameters())      # the weights to put back on divergence
    # (J_val, epoch, parameters, optimizer state) of the lowest validation cost; the state only with patience
    best: tuple[float, int, Parameters, list | None] | None = None
    waited, last_shown = 0, 0.0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(m) if batch < m else np.arange(m)
        with np.errstate(over="ignore", invalid="ignore"):
            try:
                for start in range(0, m, batch):
                    rows = order[start:start + batch]
                    model._step(X[rows], T[rows], lr)
                cost, A = model._evaluate(X, T)
            except OverflowError:   # Python float arithmetic (x ** 2) raises where numpy would give inf
                cost, A = float("inf"), None
        params = model.parameters()
        if not (np.isfinite(cost) and _finite(params)) or cost > limit:
            if show:
                sys.stderr.write("\n")
            raise _diverged(model, history, epoch, epochs, lr, cost, limit, safe, factor)
        if cost <= J0:
            safe = (epoch, params)
        history.append(cost)
        if classes:
            history.train_accuracy.append(accuracy(A, T))
        if val is not None:
            try:
                with np.errstate(over="ignore", invalid="ignore"):
                    val_cost, A_val = model._evaluate(*val)
            except OverflowError:
                val_cost, A_val = float("inf"), None
            history.validation.append(val_cost)
            if classes:
                history.validation_accuracy.append(np.nan if A_val is None else accuracy(A_val, val[1]))
            if best is None or val_cost < best[0]:
                kept = model.optimizer_state() if patience is not None else None
                best, waited = (val_cost, epoch, params, kept), 0
            else:
                waited += 1
            history.best_epoch = best[1]
        if callback is not None:
            callback(epoch, cost)
        if show and (time.monotonic() - last_shown > 0.1 or epoch == epochs):
            last_shown = time.monotonic()
            shown = f"  J_val = {history.validation[-1]:.6g}" if val is not None else ""
            sys.stderr.write(f"\repoch {epoch}/{epochs}  J = {cost:.6g}{shown}")
            sys.stderr.flush()
        if patience is not None and waited >= patience:
            history.stopped_epoch = epoch
            break
    if show:
        sys.stderr.write("\n")
    if patience is not None and best[1] != len(history):
        model.set_parameters(best[2])
        model._set_optimizer_state(best[3])   # momentum's v, Adam's m, v, t as they were after that epoch
        history.restored_epoch = best[1]
        stopped = (f"early stopping after epoch {history.stopped_epoch}: the validation cost has not gone below "
                   f"its lowest for {patience} epochs" if history.stopped_epoch else f"after epoch {len(history)}")
        history.message = (f"{stopped}; the weights of epoch {best[1]} (lowest validation cost, "
                           f"J_val = {best[0]:.6g}) were put back"
                           + (f", with their {model.optimizer.name} state" if model.optimizer.state_names else ""))
        if progress is not False:
            sys.stderr.write(f"fit: {history.message}\n")
    return history
