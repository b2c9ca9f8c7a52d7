"""The step-through: one forward and one backward pass written out as a list of :class:`Step`, one per number.

``trace(net, x, y)`` runs ``net.forward(x)`` and ``net.backward(y)`` — the scalar engine — and then reads
every number off the Neurons and Connections, so a Step's ``.value`` is always the engine's own number.
Each Step also carries its equation twice: ``.formula`` with symbols only and ``.numbers`` with every
symbol replaced by its value (in the same order), ending in ``= <value>``.

The order is the order of the computation (DESIGN §3):

* ``"forward"``: for l = 2 … n_l and each neuron i, first  z_i^(l) = Σ_j W_ij^(l−1) a_j^(l−1) + b_i^(l−1),
  then a_i^(l) = f(z_i^(l)) (softmax: a_i = exp(z_i) / Σ_k exp(z_k)). Pruned connections are absent from the sum.
* ``"backward"``: δ of each neuron, output layer first. Output layer: δ_i = ∂J/∂a_i · f′(z_i), e.g.
  (a_i − y_i)·σ′(z_i) for half_sse and 2·(a_i − y_i)·f′(z_i) for sse; δ_i = a_i − y_i for the paired losses
  (softmax + cross_entropy, where y is one-hot, and sigmoid + binary_cross_entropy). Hidden layers:
  δ_i^(l) = (Σ_j δ_j^(l+1)·W_ji^(l))·f′(z_i^(l)), a sum over the connections that exist.
* ``"gradient"``: for l = 1 … n_l − 1, each connection W_ij^(l) ordered by (i, j), then each bias b_i^(l):
  ∂J/∂W_ij^(l) = δ_i^(l+1)·a_j^(l) and ∂J/∂b_i^(l) = δ_i^(l+1).

These are the per-example gradients of J(W,b; x, y). Weight decay is not part of them: the λ W_ij^(l) term
belongs to the batch cost J(W,b) of eq. 6 and appears only in ``net.gradients``.
"""

import re

from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from ..core.activations import Activation
from ..core.network import Network
from ..core.optimizers import as_optimizer
from ..core.validation import as_target, check_number
from .steps import (  # noqa: F401  (Step, Trace, fmt, … are used from here by the views and the CLI)
    PHASES,
    Key,
    Operand,
    Step,
    Trace,
    _Expr,
    _step,
    activation_symbol,
    fmt,
    select,
)
from .update import update_steps


def _derivative(expr: _Expr, act: Activation, l: int, i: int, z: float) -> tuple[str, float, float]:
    """Append ``·f′(z_i^(l))`` and return (f′ symbol, z, f′(z)) with the activation's own f′."""
    name, latex = activation_symbol(act), activation_symbol(act, latex=True)
    expr.lit(f"·{name}′(", rf" \cdot {latex}'(").op("z", l, i, z, key=(l, i), bare=True).lit(")")
    return f"{name}′", z, float(act.df_scalar(z))


_GRAD_PLACEHOLDER = re.compile(r"(\{a\}|\{y\})")


def trace(net: Network, x, y, notation: str = DEFAULT_NOTATION, digits: int = 6, update=None,
          lr: float | None = None) -> Trace:
    """Run one forward and one backward pass of ``net`` on the example (x, y) and return every number as a Step.

    ``x`` has shape (s_1,); ``y`` is the target as for ``net.backward`` (a class label or one-hot row for
    cross_entropy). ``notation`` ("vv", "bracket" or "alsup") changes the printed symbols only; ``digits`` is
    the number of significant digits in ``.numbers``. The network is left holding this example's z, a, δ and
    per-example gradients. See the module docstring for the formulas and the order.

    The gradient steps are those of the per-example cost J(W,b; x, y): weight decay is not in them (with λ > 0
    the batch gradient of eq. 6 adds λ W_ij^(l), see ``net.gradients``).

    ``update`` (``"sgd"``, ``"momentum"``, ``"adam"`` or an ``ns.Momentum(...)`` / ``ns.Adam(...)``) with the
    learning rate ``lr`` appends a fourth phase, "update": each parameter's update for this example, with eq. 6's
    λ-term, the optimizer's state (v; or m, v, m̂, v̂) and the new value (see :mod:`neurosim.explain.update`).
    The network's parameters and optimizer state are not changed.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    check_notation(notation)
    if update is not None:
        update = as_optimizer(update, "update")
        if lr is None:
            raise ValueError("lr: the update phase needs the learning rate α, e.g. "
                             f"ns.trace(net, x, y, update={update.name!r}, lr=0.1)")
        lr = check_number(lr, "lr", positive=True)
    elif lr is not None:
        raise ValueError("lr: only used with update=...; give the optimizer too, e.g. update='sgd'")
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits: expected a whole number from 1 to 17, got {digits!r}")
    net.forward(x)
    net.backward(y)
    t = as_target(y, net.loss, net.sizes[-1]).tolist()
    n_l = net.n_layers
    layers = [net.layer(l) for l in range(1, n_l + 1)]
    steps = Trace()

    def new() -> _Expr:
        return _Expr(notation, digits)

    # forward
    for l in range(2, n_l + 1):
        act = layers[l - 1][0].activation
        for n in layers[l - 1]:
            i = n.index
            e = new()
            for c in n.incoming:
                e.op("W", l - 1, i, c.weight, c.j, key=(c.source.key, n.key)).lit("·")
                e.op("a", l - 1, c.j, c.source.a, key=c.source.key).lit(" + ")
            e.op("b", l - 1, i, n.bias, key=n.key)
            steps.append(_step("forward", "z", l, i, None, n.z, e))
            e = new()
            if act.elementwise:
                e.lit(f"{activation_symbol(act)}(", activation_symbol(act, latex=True) + "(")
                e.op("z", l, i, n.z, key=n.key, bare=True).lit(")")
            else:
                # softmax, written out: a_i = exp(z_i) / Σ_k exp(z_k)
                e.lit("exp(").op("z", l, i, n.z, key=n.key, bare=True).lit(") / (")
                for k, m in enumerate(layers[l - 1]):
                    e.lit(" + " if k else "").lit("exp(").op("z", l, m.index, m.z, key=m.key, bare=True).lit(")")
                e.lit(")")
            steps.append(_step("forward", "a", l, i, None, n.a, e))

    # backward, output layer
    loss = net.loss
    out_act = layers[-1][0].activation
    for n, t_i in zip(layers[-1], t):
        i, e = n.index, new()
        derivative = None
        if loss.paired_output:
            e.op("a", n_l, i, n.a, key=n.key).lit(" − ").op("y", None, i, t_i, key=("y", i))
        else:
            if loss.grad_formula:
                for piece in _GRAD_PLACEHOLDER.split(loss.grad_formula):
                    if piece == "{a}":
                        e.op("a", n_l, i, n.a, key=n.key)
                    elif piece == "{y}":
                        e.op("y", None, i, t_i, key=("y", i))
                    elif piece:
                        e.lit(piece)
            else:
                # a loss without a printable ∂J/∂a: show its value under its own name
                e.parts.append(Operand(f"∂J/∂{symbol('a', n_l, i, notation=notation)}",
                                       r"\partial J/\partial " + symbol("a", n_l, i, latex=True, notation=notation),
                                       float(loss.grad(n.a, t_i)), "dJda", n.key))
            derivative = _derivative(e, out_act, n_l, i, n.z)
        steps.append(_step("backward", "delta", n_l, i, None, n.delta, e, derivative))

    # backward, hidden layers
    for l in range(n_l - 1, 1, -1):
        act = layers[l - 1][0].activation
        for n in layers[l - 1]:
            i, e = n.index, new()
            if n.outgoing:
                e.lit("(")
                for k, c in enumerate(n.outgoing):
                    e.lit(" + " if k else "").op("delta", l + 1, c.i, c.target.delta, key=c.target.key).lit("·")
                    e.op("W", l, c.i, c.weight, i, key=(n.key, c.target.key))
                e.lit(")")
            else:
                e.lit("0")   # every outgoing connection pruned: no message arrives
            derivative = _derivative(e, act, l, i, n.z)
            steps.append(_step("backward", "delta", l, i, None, n.delta, e, derivative))

    # gradients
    for l in range(1, n_l):
        for c in net.connections(l):
            e = new().op("delta", l + 1, c.i, c.target.delta, key=c.target.key).lit("·")
            e.op("a", l, c.j, c.source.a, key=c.source.key)
            steps.append(_step("gradient", "W", l, c.i, c.j, c.grad, e))
        for n in layers[l]:
            e = new().op("delta", l + 1, n.index, n.delta, key=n.key, bare=True)
            steps.append(_step("gradient", "b", l, n.index, None, n.bias_grad, e))
    if update is not None:
        steps += update_steps(net, update, lr, notation, digits)
    return steps

