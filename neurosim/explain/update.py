"""The fourth phase of ``ns.trace(net, x, y, update=optimizer, lr=α)``: each parameter's update, with numbers.

For the one example (x, y), the gradient an update uses is eq. 6's with m = 1:
g = ∂J/∂W_ij^(l) + λ·W_ij^(l) for a weight (δ_i^(l+1)·a_j^(l), the gradient step's value, plus the weight
decay term, written out when λ ≠ 0) and g = ∂J/∂b_i^(l) for a bias (biases are not decayed). Then, for
each connection W_ij^(l) ordered by (i, j) and each bias b_i^(l), layer by layer:

* SGD:       W = W − α·g
* momentum:  v[W] = β·v[W] + g,  then  W = W − α·v[W]
* Adam:      m[W] = β₁·m[W] + (1 − β₁)·g,  v[W] = β₂·v[W] + (1 − β₂)·g²,  m̂[W] = m[W] / (1 − β₁ᵗ),
             v̂[W] = v[W] / (1 − β₂ᵗ),  then  W = W − α·m̂[W] / (√v̂[W] + ε)

On the right-hand side W, v[W], m[W] are the values before the update; the step's value is the new one.
The state starts from the parameter's own (when the network's last update was by the same kind of
optimizer, as ``net.step`` would continue it) or from 0. Nothing is changed: the values are what
``net.step(x[None], y[None], α, optimizer)`` would write, computed by the optimizer's own rule.
"""

from __future__ import annotations

from ..base.notation import symbol
from ..core.network import Network
from ..core.optimizers import Adam, Momentum, Optimizer
from .steps import Operand, Step, _Expr, _step

_STATE_LATEX = {"v": "v", "m": "m", "m_hat": r"\hat{m}", "v_hat": r"\hat{v}"}
_STATE_PLAIN = {"v": "v", "m": "m", "m_hat": "m̂", "v_hat": "v̂"}


class _Param:
    """One parameter as the update phase needs it: its symbols, key, value, gradient and state."""

    def __init__(self, kind: str, l: int, i: int, j: int | None, value: float, grad: float, state: dict | None,
                 decay: float, notation: str):
        self.kind, self.l, self.i, self.j = kind, l, i, j
        self.value, self.grad, self.state, self.decay = value, grad, state, decay
        self.plain = symbol(kind, l, i, j, notation=notation)
        self.latex = symbol(kind, l, i, j, latex=True, notation=notation)
        self.key = ((l, j), (l + 1, i)) if j is not None else (l + 1, i)

    @property
    def g(self) -> float:
        """eq. 6's gradient for one example, as the engine forms it (per-example gradient / 1 + λW)."""
        return self.grad / 1 + self.value * self.decay if self.decay else self.grad / 1

    def name(self, state: str | None = None) -> tuple[str, str]:
        if state is None:
            return self.plain, self.latex
        return f"{_STATE_PLAIN[state]}[{self.plain}]", f"{_STATE_LATEX[state]}[{self.latex}]"

    def op(self, e: _Expr, value: float, state: str | None = None, bare: bool = False) -> _Expr:
        plain, latex = self.name(state)
        return _operand(e, plain, latex, value, state or self.kind, self.key, bare)

    def gradient(self, e: _Expr, squared: bool = False) -> _Expr:
        """Append g: ``∂J/∂W`` (and ``+ λ·W`` when λ ≠ 0), in parentheses where it is part of a product."""
        wrap = bool(squared or self.decay)
        e.lit("(" if wrap else "")
        _operand(e, "∂J/∂" + self.plain, r"\partial J/\partial " + self.latex, self.grad, "d" + self.kind, self.key,
                 bare=wrap)
        if self.decay:
            e.lit(" + ")
            _operand(e, "λ", r"\lambda", self.decay, "lambda", (), bare=True).lit("·")
            self.op(e, self.value)
        return e.lit(")²" if squared else ")" if wrap else "", r")^2" if squared else ")" if wrap else "")


def _operand(e: _Expr, plain: str, latex: str, value: float, kind: str, key, bare: bool = False) -> _Expr:
    e.parts.append(Operand(plain, latex, float(value), kind, key, bare))
    return e


def _constant(e: _Expr, plain: str, latex: str, value: float) -> _Expr:
    return _operand(e, plain, latex, value, "constant", (), bare=True)


def update_steps(net: Network, optimizer: Optimizer, lr: float, notation: str, digits: int) -> list[Step]:
    """The update phase after a trace's gradient phase (the network holds that example's gradients)."""
    carried = net.optimizer is not None and optimizer.same_kind(net.optimizer)
    lam = net.weight_decay
    steps: list[Step] = []
    for l in range(1, net.n_layers):
        params = [_Param("W", l, c.i, c.j, c.weight, c.grad, c.optimizer_state if carried else None, lam, notation)
                  for c in net.connections(l)]
        params += [_Param("b", l, n.index, None, n.bias, n.bias_grad, n.optimizer_state if carried else None, 0.0,
                          notation) for n in net.layer(l + 1)]
        for p in params:
            steps += _param_steps(p, optimizer, lr, notation, digits)
    return steps


def _param_steps(p: _Param, opt: Optimizer, lr: float, notation: str, digits: int) -> list[Step]:
    def new() -> _Expr:
        return _Expr(notation, digits)

    def step(kind: str, value: float, e: _Expr, state: str | None = None) -> Step:
        return _step("update", kind, p.l, p.i, p.j, value, e, name=p.name(state))

    old = dict(p.state) if p.state is not None else opt.fresh()
    after = dict(old)
    theta = opt.update(p.value, p.g, after, lr)     # the optimizer's own arithmetic: what net.step writes
    out = []
    if isinstance(opt, Momentum):
        e = _constant(new(), "β", r"\beta", opt.beta).lit("·")
        p.op(e, old["v"], "v").lit(" + ")
        out.append(step("v", after["v"], p.gradient(e), "v"))
        e = p.op(new(), p.value, bare=True).lit(" − ")
        _constant(e, "α", r"\alpha", lr).lit("·")
        out.append(step(p.kind, theta, p.op(e, after["v"], "v")))
    elif isinstance(opt, Adam):
        t = after["t"]
        m_hat, v_hat = opt.moments(p.g, dict(old))
        for name, beta, sym, latex, squared in (("m", opt.beta1, "β₁", r"\beta_1", False),
                                                ("v", opt.beta2, "β₂", r"\beta_2", True)):
            e = _constant(new(), sym, latex, beta).lit("·")
            p.op(e, old[name], name).lit(" + (1 − ")
            _constant(e, sym, latex, beta).lit(")·")
            out.append(step(name, after[name], p.gradient(e, squared), name))
        for name, beta, sym, latex, value in (("m", opt.beta1, "β₁", r"\beta_1", m_hat),
                                              ("v", opt.beta2, "β₂", r"\beta_2", v_hat)):
            e = p.op(new(), after[name], name).lit(" / (1 − ")
            _constant(e, sym, latex, beta).lit("^")
            _constant(e, "t", "t", t).lit(")")
            out.append(step(name + "_hat", value, e, name + "_hat"))
        e = p.op(new(), p.value, bare=True).lit(" − ")
        _constant(e, "α", r"\alpha", lr).lit("·")
        p.op(e, m_hat, "m_hat").lit(" / (√", r" / (\sqrt{")
        p.op(e, v_hat, "v_hat").lit(" + ", "} + ")
        _constant(e, "ε", r"\varepsilon", opt.eps).lit(")")
        out.append(step(p.kind, theta, e))
    else:
        e = p.op(new(), p.value, bare=True).lit(" − ")
        _constant(e, "α", r"\alpha", lr).lit("·")
        out.append(step(p.kind, theta, p.gradient(e)))
    return out
