"""The fourth witness: torch autograd's gradients of J(W,b) against neurosim's, neuron by neuron.

``compare_torch(net, X, Y)`` exports the network (``to_torch``, same float64 weights), computes the batch
cost J(W,b) of eq. 6 with ``torch_loss`` and lets autograd differentiate it, then compares J and every
weight and bias gradient with ``net.gradients(X, Y)``. Two numbers agree when

    |neurosim − torch| ≤ atol + rtol · max(|neurosim|, |torch|).

Autograd shares no code with neurosim: it differentiates torch's own sigmoid, tanh, matrix products and
losses, so agreement is a check of the per-neuron backward pass by an independent implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from ..core.network import Network
from ..core.validation import check_number
from .pytorch import check_exportable, import_torch, to_torch, torch_loss, weight_parameter
from .report import _Report


@dataclass(frozen=True)
class TorchRow:
    """One compared number: J itself (``kind`` "J") or ∂J/∂θ of one weight ("W") or bias ("b")."""

    symbol: str
    kind: str
    layer: int | None
    i: int | None
    j: int | None
    neurosim: float
    torch: float
    difference: float   # torch − neurosim
    ok: bool


class TorchReport(_Report):
    """The result of :func:`compare_torch`: ``rows`` (J, then each layer's weight and bias gradients), ``ok``,
    ``max_abs_error``, ``mismatches``. ``str(report)`` puts the verdict first, then what was compared, then a
    table of at most ``limit`` rows (mismatches first); ``report.table(limit=None)`` lists all."""

    _head = ("quantity", "neurosim", "torch autograd", "difference", "")
    _verdict_first = True

    def __init__(self, rows: list[TorchRow], rtol: float, atol: float, sizes: list[int], m: int, version: str):
        super().__init__(rows, rtol, atol)
        self.sizes = sizes
        self.m = m
        self.torch_version = version

    def _cells(self, r: TorchRow) -> tuple[str, ...]:
        return (r.symbol, f"{r.neurosim:.10g}", f"{r.torch:.10g}", f"{r.difference:.2e}",
                "" if r.ok else "✗ differs")

    def _verdict(self) -> str:
        n = len(self.rows) - 1
        if self.ok:
            return f"torch autograd agrees with neurosim on J and all {n} gradients of J(W,b)."
        first = self.mismatches[0]
        return (f"{first.symbol} differs (neurosim {first.neurosim:.10g}, torch {first.torch:.10g}); "
                f"{len(self.mismatches)} of {len(self.rows)} numbers differ.")

    def summary(self) -> str:
        """What was compared and how."""
        shape = "-".join(map(str, self.sizes))
        return "\n".join([
            f"neurosim (neuron by neuron) vs torch {self.torch_version} autograd (float64): {shape} network, "
            f"{self.m} example{'s' * (self.m != 1)}, J(W,b) of eq. 6 and its {max(len(self.rows) - 1, 0)} gradients",
            f"agree when |neurosim − torch| ≤ {self.atol:g} + {self.rtol:g}·max(|neurosim|, |torch|); "
            f"max |difference| = {self.max_abs_error:.3g}",
        ])

    def __repr__(self) -> str:
        return (f"TorchReport(ok={self.ok}, rows={len(self.rows)}, mismatches={len(self.mismatches)}, "
                f"max_abs_error={self.max_abs_error:.3g})")


def torch_gradients(net: Network, X: np.ndarray, T: np.ndarray) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """J(W,b) and [(∂J/∂W^(1), ∂J/∂b^(1)), …] by torch autograd on the exported network (0 where pruned)."""
    torch = import_torch()
    model = to_torch(net)
    cost = torch_loss(net, model)(model(torch.from_numpy(X)), torch.from_numpy(T))
    cost.backward()
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    grads = [(weight_parameter(lin).grad.numpy().copy(), lin.bias.grad.numpy().copy()) for lin in linears]
    return float(cost.detach()), grads


def compare_torch(net: Network, X, Y, rtol: float = 1e-10, atol: float = 1e-12,
                  notation: str = DEFAULT_NOTATION) -> TorchReport:
    """Compare J(W,b) and every ∂J/∂W_ij^(l), ∂J/∂b_i^(l) of ``net.gradients(X, Y)`` with torch autograd's.

    ``X`` has one example per row; J is eq. 6 with the network's loss and λ. A user's own ns.Activation has
    no torch twin: ValueError. ``notation`` only changes how the symbols are printed.
    """
    import_torch()
    check_exportable(net)
    check_notation(notation)
    rtol, atol = check_number(rtol, "rtol"), check_number(atol, "atol")
    X, T = net._check_data(X, Y)
    ours = net.gradients(X, T)
    cost = net.cost(X, T)
    torch_cost, theirs = torch_gradients(net, X, T)

    def row(name: str, kind: str, l, i, j, a: float, b: float) -> TorchRow:
        diff = b - a
        ok = bool(abs(diff) <= atol + rtol * max(abs(a), abs(b)))
        return TorchRow(name, kind, l, i, j, a, b, diff, ok)

    rows = [row("J(W,b)", "J", None, None, None, cost, torch_cost)]
    for l in range(1, net.n_layers):
        (dW, db), (tW, tb) = ours[l - 1], theirs[l - 1]
        for c in net.connections(l):
            name = "∂J/∂" + symbol("W", l, c.i, c.j, notation=notation)
            rows.append(row(name, "W", l, c.i, c.j, float(dW[c.i - 1, c.j - 1]), float(tW[c.i - 1, c.j - 1])))
        for i in range(1, net.sizes[l] + 1):
            name = "∂J/∂" + symbol("b", l, i, notation=notation)
            rows.append(row(name, "b", l, i, None, float(db[i - 1]), float(tb[i - 1])))
    return TorchReport(rows, rtol, atol, list(net.sizes), X.shape[0], import_torch().__version__)
