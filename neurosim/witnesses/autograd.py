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

from ..base.html import report
from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from ..base.tables import text_table
from ..core.network import Network
from ..core.validation import check_number
from .pytorch import check_exportable, import_torch, to_torch, torch_loss, weight_parameter


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


_HEAD = ("quantity", "neurosim", "torch autograd", "difference", "")


def _cells(r: TorchRow) -> tuple[str, ...]:
    return (r.symbol, f"{r.neurosim:.10g}", f"{r.torch:.10g}", f"{r.difference:.2e}", "" if r.ok else "✗ differs")


class TorchReport:
    """The result of :func:`compare_torch`: ``rows`` (J, then each layer's weight and bias gradients), ``ok``,
    ``max_abs_error``, ``mismatches``. ``str(report)`` puts the verdict first, then what was compared, then a
    table of at most ``limit`` rows (mismatches first); ``report.table(limit=None)`` lists all."""

    limit = 40
    html_rows = 12
    see_all = "report.table(limit=None)"

    def __init__(self, rows: list[TorchRow], rtol: float, atol: float, sizes: list[int], m: int, version: str):
        self.rows = rows
        self.rtol = rtol
        self.atol = atol
        self.sizes = sizes
        self.m = m
        self.torch_version = version

    @property
    def mismatches(self) -> list[TorchRow]:
        """The rows that differ beyond the tolerance."""
        return [r for r in self.rows if not r.ok]

    @property
    def ok(self) -> bool:
        """True when J and every gradient agree."""
        return not self.mismatches

    @property
    def max_abs_error(self) -> float:
        """max |neurosim − torch| over all rows (inf when a difference is not finite)."""
        diffs = np.abs([r.difference for r in self.rows], dtype=float)
        return float(diffs.max()) if np.all(np.isfinite(diffs)) else float("inf")

    def verdict(self) -> str:
        """One sentence: all agree, or the first differing number."""
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
            f"{self.m} example{'s' * (self.m != 1)}, J(W,b) of eq. 6 and its {len(self.rows) - 1} gradients",
            f"agree when |neurosim − torch| ≤ {self.atol:g} + {self.rtol:g}·max(|neurosim|, |torch|); "
            f"max |difference| = {self.max_abs_error:.3g}",
        ])

    def table(self, limit: int | None = None) -> str:
        """The rows as aligned text; with ``limit``, at most that many (mismatches first)."""
        rows, note = self.rows, ""
        if limit is not None and len(rows) > limit:
            rows = (self.mismatches + [r for r in self.rows if r.ok])[:limit]
            note = f"… {len(self.rows) - limit} more rows not shown ({self.see_all} lists all)"
        lines = text_table(_HEAD, [_cells(r) for r in rows])
        if note:
            lines.append(note)
        return "\n".join(lines)

    def __str__(self) -> str:
        return "\n".join([("OK: " if self.ok else "MISMATCH: ") + self.verdict(), self.summary(), "",
                          self.table(self.limit)])

    def _repr_html_(self) -> str:
        """Jupyter: the verdict first, then the summary and the worst rows (mismatches, then the largest
        differences)."""
        def badness(r: TorchRow) -> tuple[bool, float]:   # mismatches first, NaN the worst
            return r.ok, -abs(r.difference) if r.difference == r.difference else -float("inf")

        shown = sorted(self.rows, key=badness)[:self.html_rows]
        note = f"the {len(shown)} largest of {len(self.rows)} rows; {self.see_all} lists all" \
            if len(self.rows) > len(shown) else ""
        return report(self.ok, self.verdict(), self.summary(), _HEAD, [_cells(r) for r in shown], note)

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
