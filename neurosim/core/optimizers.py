"""Optimizers: how a parameter θ (a weight W_ij^(l) or a bias b_i^(l)) moves, given its gradient g = ∂J/∂θ.

g is the gradient of the batch cost of eq. 6: (1/m) Σ_k δ_i^(l+1) a_j^(l) + λ W_ij^(l) for a weight and
(1/m) Σ_k δ_i^(l+1) for a bias (biases are not decayed). With a learning rate α:

* :class:`SGD` (``"sgd"``), eqs. 7–8:        θ ← θ − α g
* :class:`Momentum` (``"momentum"``):         v ← β v + g;   θ ← θ − α v
  (PyTorch's ``SGD(momentum=β)`` with dampening 0 and no Nesterov)
* :class:`Adam` (``"adam"``), Kingma & Ba:   t ← t + 1;  m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;
  m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ ← θ − α m̂ / (√v̂ + ε)   (as ``torch.optim.Adam``)

An optimizer object is only the rule and its constants. The state (v; or m, v and the step count t) belongs
to each parameter: every Connection and Neuron holds its own in ``optimizer_state``, and the matrix twin holds
the same numbers as arrays shaped like W^(l) and b^(l). All states start at 0, so a parameter without state
is one at its start. :meth:`Optimizer.update` works on a float (the scalar engine) and on numpy arrays (the
twin) alike: both engines share this one copy of the math.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..base.limits import excerpt
from ..base.names import did_you_mean


def _sqrt(x):
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


class Optimizer:
    """The update rule θ ← θ − α g (:class:`SGD`); subclasses add per-parameter state.

    ``name`` is the rule's name (``"sgd"``, ``"momentum"``, ``"adam"``), ``state_names`` the names of the numbers
    each parameter keeps (empty for SGD). Two optimizers are of the same kind when their classes are the same:
    then a parameter's state carries over from one to the other.
    """

    name = "sgd"
    state_names: tuple[str, ...] = ()
    # Human-readable meaning of each state number, for displays.
    state_meaning: dict[str, str] = {}

    def fresh(self, like=0.0) -> dict:
        """A parameter's state before its first update: every number 0 (shaped ``like`` for arrays)."""
        return {k: (np.zeros_like(like, dtype=float) if isinstance(like, np.ndarray) else 0.0 if k != "t" else 0)
                for k in self.state_names}

    def update(self, theta, grad, state: dict, lr: float):
        """Return the new θ; change ``state`` in place. θ and g are floats or arrays of one shape."""
        return theta - lr * grad

    def config(self) -> dict:
        """The constants, as keyword arguments of the class (what a saved file keeps)."""
        return {}

    def same_kind(self, other) -> bool:
        """True when a parameter's state made by ``other`` means the same to this optimizer."""
        return type(other) is type(self)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.config() == self.config()

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(self.config().items()))))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Plain gradient descent (eqs. 7–8): θ ← θ − α ∂J/∂θ. No state."""


def _constant(value, name: str, low: float, high: float | None, open_low: bool = False) -> float:
    try:
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    except OverflowError:   # a Python int beyond 1.8e308
        ok = False
    if ok:
        ok = (value > low if open_low else value >= low) and (high is None or value < high)
    if not ok:
        interval = f"{'(' if open_low else '['}{low:g}, {'∞' if high is None else f'{high:g}'})"
        raise ValueError(f"{name}: expected a number in {interval}, got {excerpt(value)}")
    return float(value)


class Momentum(Optimizer):
    """Gradient descent with momentum: v ← β v + ∂J/∂θ;  θ ← θ − α v (PyTorch's SGD momentum, dampening 0).

    v, the velocity, is a running sum of past gradients, each one weighted by β per step since it was taken;
    along a steady slope it grows to g / (1 − β), so the step is up to 1/(1 − β) times plain gradient descent's.
    """

    name = "momentum"
    state_names = ("v",)
    state_meaning = {"v": "velocity"}

    def __init__(self, beta: float = 0.9):
        self.beta = _constant(beta, "beta", 0.0, 1.0)

    def update(self, theta, grad, state: dict, lr: float):
        """v ← β v + g;  θ ← θ − α v."""
        state["v"] = v = self.beta * state["v"] + grad
        return theta - lr * v

    def config(self) -> dict:
        return {"beta": self.beta}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction, as ``torch.optim.Adam``:

    t ← t + 1;  m ← β₁ m + (1 − β₁) g;  v ← β₂ v + (1 − β₂) g²;  m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);
    θ ← θ − α m̂ / (√v̂ + ε).

    m and v are running averages of the gradient and of its square; m̂ and v̂ undo their pull towards the
    starting 0 during the first steps. Every parameter takes a step of about α whatever the size of its
    gradient — which is what rescues layers whose δ are tiny.
    """

    name = "adam"
    state_names = ("m", "v", "t")
    state_meaning = {"m": "first moment", "v": "second moment", "t": "steps taken"}

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.beta1 = _constant(beta1, "beta1", 0.0, 1.0)
        self.beta2 = _constant(beta2, "beta2", 0.0, 1.0)
        self.eps = _constant(eps, "eps", 0.0, None, open_low=True)

    def moments(self, grad, state: dict) -> tuple:
        """Advance ``state`` by one step with gradient ``grad``; return (m̂, v̂) of that step."""
        state["t"] = t = state["t"] + 1
        state["m"] = m = self.beta1 * state["m"] + (1.0 - self.beta1) * grad
        state["v"] = v = self.beta2 * state["v"] + (1.0 - self.beta2) * (grad * grad)
        return m / (1.0 - self.beta1 ** t), v / (1.0 - self.beta2 ** t)

    def update(self, theta, grad, state: dict, lr: float):
        """The moments advanced by :meth:`moments`, then θ ← θ − α m̂ / (√v̂ + ε)."""
        m_hat, v_hat = self.moments(grad, state)
        return theta - lr * m_hat / (_sqrt(v_hat) + self.eps)

    def config(self) -> dict:
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def as_optimizer(optimizer, name: str = "optimizer") -> Optimizer:
    """``"sgd"``, ``"momentum"``, ``"adam"`` (their default constants) or an Optimizer object, as an Optimizer."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str) and optimizer.lower() in OPTIMIZERS:
        return OPTIMIZERS[optimizer.lower()]()
    raise ValueError(f"{name}: expected one of {', '.join(repr(k) for k in OPTIMIZERS)}, ns.Momentum(...) or "
                     f"ns.Adam(...), got {excerpt(optimizer)}{did_you_mean(optimizer, OPTIMIZERS)}")


def from_config(data: dict, source: str) -> Optimizer:
    """An optimizer from ``{"name": ..., **constants}`` as a saved file keeps it; errors start with ``source``."""
    name = data.get("name")
    if name not in OPTIMIZERS:
        raise ValueError(f"{source} the optimizer's 'name' should be one of {', '.join(OPTIMIZERS)}, got {name!r}")
    kwargs = {k: v for k, v in data.items() if k != "name"}
    try:
        return OPTIMIZERS[name](**kwargs)
    except TypeError:
        raise ValueError(f"{source} unknown constants for the optimizer {name!r}: {sorted(kwargs)}") from None
    except ValueError as exc:
        raise ValueError(f"{source} the optimizer's {exc}") from None


# --- the state where it lives: on each Connection and Neuron of a Network -----------------------------------


def update_rows(optimizer: Optimizer, layers, lr: float) -> None:
    """Move every weight and bias of the neurons in ``layers`` (layers 2 … n_l) by ``optimizer``, each parameter
    with its own state (created at 0 on its first update). Works on each neuron's rows (``weights``,
    ``weight_grads``, ``weight_states``; see "How a weight is stored" in docs/architecture.md), not through the
    checked setters: the optimizer's arithmetic on finite numbers is the only writer here."""
    update, fresh = optimizer.update, optimizer.fresh
    for layer in layers:
        for n in layer:
            weights, grads, states = n.weights, n.weight_grads, n.weight_states
            for k, (w, g) in enumerate(zip(weights, grads)):
                state = states[k]
                if state is None:
                    state = states[k] = fresh()
                weights[k] = update(w, g, state, lr)
            state = n.optimizer_state
            if state is None:
                state = n.optimizer_state = fresh()
            n._bias = update(n._bias, n.bias_grad, state, lr)


def gather_state(net) -> list[tuple[dict, dict]]:
    """The optimizer state of ``net``'s parameters as arrays: per layer l, ({name: array like W^(l)},
    {name: array like b^(l)}); 0 where a parameter has no state yet (or is pruned). Empty dicts for SGD."""
    names = () if net.optimizer is None else net.optimizer.state_names
    out = []
    for l in range(1, net.n_layers):
        shape = (net.sizes[l], net.sizes[l - 1])
        W_state = {k: np.zeros(shape) for k in names}
        b_state = {k: np.zeros(net.sizes[l]) for k in names}
        for c in net.connections(l):
            if c.optimizer_state is not None:
                for k in names:
                    W_state[k][c.i - 1, c.j - 1] = c.optimizer_state[k]
        for n in net.layer(l + 1):
            if n.optimizer_state is not None:
                for k in names:
                    b_state[k][n.index - 1] = n.optimizer_state[k]
        out.append((W_state, b_state))
    return out


def scatter_state(net, optimizer: Optimizer | None, states) -> None:
    """Give every parameter of ``net`` its state from arrays shaped as :func:`gather_state` returns them, and
    make ``optimizer`` the one the state belongs to (None: no state at all)."""
    names = () if optimizer is None else optimizer.state_names
    for l in range(1, net.n_layers):
        W_state, b_state = states[l - 1] if names else ({}, {})
        for c in net.connections(l):
            c.optimizer_state = {k: _number(k, W_state[k][c.i - 1, c.j - 1]) for k in names} or None
        for n in net.layer(l + 1):
            n.optimizer_state = {k: _number(k, b_state[k][n.index - 1]) for k in names} or None
    net.optimizer = optimizer


def _number(name: str, value) -> float | int:
    return int(round(float(value))) if name == "t" else float(value)


def clear_state(net) -> None:
    """Every Connection and Neuron of ``net`` forgets its optimizer state."""
    scatter_state(net, None, None)
