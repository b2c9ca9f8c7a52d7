"""The third witness: central finite differences of the batch cost J(W,b) against backprop's gradients.

For every weight and bias θ (or a random sample of them),

    numeric = (J(θ + ε) − J(θ − ε)) / 2ε,        analytic = ∂J/∂θ from ``net.gradients(X, Y)``,

and the two agree when |numeric − analytic| ≤ max(rtol · max(|numeric|, |analytic|), atol). The
relative error reported is |numeric − analytic| / max(|numeric|, |analytic|, atol / rtol), so that
``ok`` is exactly ``max_rel_error <= rtol``.

J is evaluated by the matrix twin (:class:`~neurosim.witnesses.matrix.MatrixNetwork`, built from the net),
perturbing one parameter at a time in place: a whole [64, 32, 10] network is checked in a fraction of a second.
So that the check still witnesses the scalar forward pass, it first compares the scalar engine's J with the
twin's at θ and reports both (``scalar_cost``, ``cost``); if they differ, the check fails.

Finite differences only use f, never f′: a user's Activation whose ``df`` is wrong makes backprop's
gradients wrong but not these, and the check fails. Two limits of the method: rounding in J is
divided by 2ε (hence ``atol``, by default 1e-14 · max(1, |J|) / ε), and a ReLU-type kink within ε of
some z^(l) makes the difference quotient meaningless there (the report counts such z values).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from ..core.network import Network
from ..core.validation import check_number, check_seed
from .matrix import MatrixNetwork
from .report import _Report

# Activations with a kink at z = 0, where a difference quotient straddling 0 is no derivative.
_KINKED = {"relu", "leaky_relu"}
# The scalar engine's J and the twin's differ only by the order of their sums.
_COST_RTOL = 1e-11
# A z this close to a kink (relative to ε) may be crossed by a perturbation of ±ε.
_KINK_MARGIN = 1e3


@dataclass(frozen=True)
class GradientRow:
    """One parameter: ``symbol`` (``W_12^(2)`` or ``b_1^(2)``), backprop's and the numeric ∂J/∂θ."""

    symbol: str
    kind: str          # "W" or "b"
    layer: int
    i: int
    j: int | None
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    ok: bool


class GradientCheckReport(_Report):
    """The result of :func:`gradient_check`: ``rows`` (one per checked parameter), ``ok``, ``max_rel_error``."""

    _head = ("parameter", "backprop ∂J/∂θ", "numeric ∂J/∂θ", "rel. error", "")
    _html_worst = "worst"

    def __init__(self, rows: list[GradientRow], eps: float, rtol: float, atol: float, cost: float, total: int,
                 near_kinks: int, scalar_cost: float | None = None):
        super().__init__(rows, rtol, atol)
        self.scalar_cost = scalar_cost   # J by the scalar engine at θ (None when a twin was checked)
        self.eps = eps
        self.cost = cost
        self.total = total
        self.near_kinks = near_kinks

    def _cells(self, r: GradientRow) -> tuple[str, ...]:
        return (r.symbol, f"{r.analytic:.10g}", f"{r.numeric:.10g}", f"{r.rel_error:.2e}",
                "" if r.ok else "✗ differs")

    def _abs_error(self, r: GradientRow) -> float:
        return r.abs_error

    def _rank(self, r: GradientRow) -> float:
        return r.rel_error

    @property
    def costs_agree(self) -> bool:
        """True when the scalar engine's J at θ equals the twin's (to rounding), or when no scalar J was taken."""
        if self.scalar_cost is None:
            return True
        return abs(self.scalar_cost - self.cost) <= _COST_RTOL * max(1.0, abs(self.cost))

    @property
    def ok(self) -> bool:
        """True when J is finite, the two engines' J agree, and every checked gradient agrees with its
        difference quotient."""
        return self.finite and self.costs_agree and super().ok

    @property
    def finite(self) -> bool:
        """False when J(W,b) itself is NaN or inf: then no difference quotient means anything."""
        return bool(np.isfinite(self.cost))

    @property
    def max_rel_error(self) -> float:
        """max over the checked parameters of |numeric − analytic| / max(|numeric|, |analytic|, atol/rtol)."""
        return max((r.rel_error for r in self.rows), default=0.0)

    @property
    def failures(self) -> list[GradientRow]:
        """The rows that disagree (the same as ``mismatches``)."""
        return self.mismatches

    def _verdict(self) -> str:
        if not self.finite:
            text = (f"J(W,b) = {self.cost} is not finite at these weights, so neither backprop's gradients nor "
                    "finite differences mean anything; look for an overflow (a huge weight_decay, weights or "
                    "inputs) rather than a wrong f′.")
        elif not self.costs_agree:
            return (f"the scalar engine's J = {self.scalar_cost!r} differs from the matrix twin's J = {self.cost!r} "
                    "at the same weights: the forward passes disagree, so the check stops there.")
        elif self.ok:
            text = (f"backprop's gradients agree with finite differences for all {len(self.rows)} checked "
                    f"parameters (max relative error {self.max_rel_error:.2e} ≤ {self.rtol:g}).")
        else:
            worst = max(self.failures, key=lambda r: r.rel_error)
            text = (f"{len(self.failures)} of {len(self.rows)} gradients disagree with finite differences; worst "
                    f"∂J/∂{worst.symbol}: backprop {worst.analytic:.10g}, numeric {worst.numeric:.10g} "
                    f"(relative error {worst.rel_error:.2e}). Check the activations' derivatives f′.")
        if self.near_kinks:
            text += (f" Note: {self.near_kinks} z value(s) of ReLU-type neurons lie within {_KINK_MARGIN:g}·ε of the "
                     "kink at 0, where a difference quotient is not a derivative.")
        return text

    def summary(self) -> str:
        """What was checked and how."""
        sample = "" if len(self.rows) == self.total else f" (a random sample of {self.total})"
        engines = ("" if self.scalar_cost is None else
                   f" (the matrix twin's; the scalar engine's J = {self.scalar_cost:.10g} "
                   f"{'agrees' if self.costs_agree else 'DIFFERS'})")
        return (f"Gradient check: central differences (J(θ+ε) − J(θ−ε))/2ε with ε = {self.eps:g} for "
                f"{len(self.rows)} parameters{sample}; J = {self.cost:.10g}{engines}\n"
                f"agree when |numeric − backprop| ≤ max({self.rtol:g}·max(|numeric|, |backprop|), {self.atol:.2g})")

    def __repr__(self) -> str:
        return (f"GradientCheckReport(ok={self.ok}, checked={len(self.rows)}, failures={len(self.failures)}, "
                f"max_rel_error={self.max_rel_error:.3g})")


def _parameters(twin: MatrixNetwork) -> list[tuple[str, int, int, int | None]]:
    """(kind, l, i, j) of each existing (not pruned) weight and each bias, layer by layer, 1-based."""
    out: list[tuple[str, int, int, int | None]] = []
    for l in range(1, twin.n_layers):
        out += [("W", l, int(i) + 1, int(j) + 1) for i, j in np.argwhere(twin.mask(l))]
        out += [("b", l, i, None) for i in range(1, twin.sizes[l] + 1)]
    return out


def _near_kinks(twin: MatrixNetwork, X: np.ndarray, eps: float) -> int:
    """How many z^(l) of ReLU-type neurons lie within _KINK_MARGIN · ε of 0 over the batch."""
    layers = [l for l, act in enumerate(twin.activations, start=2) if act.name in _KINKED]
    if not layers:
        return 0
    twin._forward(X.T)
    return int(sum(np.count_nonzero(np.abs(twin.Z[l]) < _KINK_MARGIN * eps) for l in layers))


def gradient_check(net: Network | MatrixNetwork, X, Y, eps: float = 1e-6, rtol: float = 1e-6,
                   atol: float | None = None, max_params: int | None = None, seed: int = 0,
                   notation: str = DEFAULT_NOTATION) -> GradientCheckReport:
    """Compare ∂J/∂θ of ``net.gradients(X, Y)`` with (J(θ + ε) − J(θ − ε)) / 2ε for every weight and bias θ.

    ``net`` is a Network (or a MatrixNetwork); J is its batch cost (eq. 6) on (X, Y), one example per row.
    ``atol=None`` takes 1e-14 · max(1, |J|) / ε, the size of rounding error in a difference quotient.
    ``max_params`` checks a random sample (seeded by ``seed``) of that many parameters instead of all:
    each one costs two evaluations of J. The network's parameters are exactly as before afterwards.
    ``notation`` only changes how the symbols are printed.
    """
    if not isinstance(net, (Network, MatrixNetwork)):
        raise TypeError(f"net: expected an ns.Network or ns.MatrixNetwork, got {type(net).__name__}")
    check_notation(notation)
    seed = check_seed(seed)
    eps = check_number(eps, "eps", positive=True)
    rtol = check_number(rtol, "rtol", positive=True)
    if max_params is not None and (isinstance(max_params, bool) or not isinstance(max_params, numbers.Integral)
                                   or max_params < 1):
        raise ValueError(f"max_params: expected None or a whole number >= 1, got {max_params!r}")
    X, T = net._check_data(X, Y)
    # J by the twin, perturbed in place: numpy evaluates each J in microseconds.
    twin = MatrixNetwork.from_network(net) if isinstance(net, Network) else net
    with np.errstate(over="ignore", invalid="ignore"):   # an overflowing J is reported, not warned about
        analytic = net.gradients(X, T)   # what is under test: the net's own backprop
        cost = twin._cost(X, T)
        scalar_cost = net._cost(X, T) if isinstance(net, Network) else None
    atol = 1e-14 * max(1.0, abs(cost)) / eps if atol is None else check_number(atol, "atol")

    params = _parameters(twin)
    total = len(params)
    if max_params is not None and max_params < total:
        picked = np.sort(np.random.default_rng(seed).choice(total, size=max_params, replace=False))
        params = [params[k] for k in picked]

    rows = []
    floor = atol / rtol
    for kind, l, i, j in params:
        array, idx = (twin.W[l - 1], (i - 1, j - 1)) if kind == "W" else (twin.b[l - 1], i - 1)
        theta = array[idx]
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                array[idx] = theta + eps
                up = twin._cost(X, T)
                array[idx] = theta - eps
                down = twin._cost(X, T)
        finally:
            array[idx] = theta   # the very same float: the network ends exactly as it began
        numeric = (up - down) / (2.0 * eps)
        dW, db = analytic[l - 1]
        grad = float(dW[i - 1, j - 1]) if kind == "W" else float(db[i - 1])
        err = abs(numeric - grad)
        rel = err / max(abs(numeric), abs(grad), floor) if np.isfinite(err) else float("inf")
        name = symbol("W", l, i, j, notation=notation) if kind == "W" else symbol("b", l, i, notation=notation)
        rows.append(GradientRow(name, kind, l, i, j, grad, float(numeric), err, rel, rel <= rtol))
    return GradientCheckReport(rows, eps, rtol, atol, float(cost), total, _near_kinks(twin, X, eps), scalar_cost)
