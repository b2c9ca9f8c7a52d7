"""The equivalence layer: every number of the scalar engine checked against the matrix twin.

``compare(net, X, Y)`` runs both engines on the same batch. The scalar side runs ``net.forward`` /
``net.backward`` example by example and reads each Neuron's z, a and δ; the matrix side runs the
whole batch at once and reads column k of Z^(l), A^(l), Δ^(l). Then the batch gradients ∂J/∂W_ij^(l)
and ∂J/∂b_i^(l) of both are compared. Two numbers agree when

    |scalar − matrix| ≤ atol + rtol · max(|scalar|, |matrix|).

The rows are kept in computation order (per example: z and a layer by layer, then δ from the output
layer back; then the gradients, last layer first, as backprop produces them), so the first row that
differs is where the two computations part: everything computed after it depends on it. When the network's
parameters hold optimizer state (momentum's v, Adam's m, v, t), each number of it — on each Connection and
Neuron, in the twin's arrays — is compared too (phase "optimizer", rows such as ``v[W_12^(2)]``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.notation import DEFAULT_NOTATION, check_notation, symbol
from ..core.network import Network
from ..core.validation import check_number
from .matrix import MatrixNetwork
from .report import _Report

PHASES = ("forward", "backward", "gradient", "optimizer")


@dataclass(frozen=True)
class Row:
    """One compared quantity: ``symbol`` in the notation (``δ_2^(3)``, ``∂J/∂W_12^(2)``), the example it
    belongs to (1-based; None for a batch gradient), both values, difference = matrix − scalar."""

    symbol: str
    phase: str          # "forward", "backward", "gradient" or "optimizer"
    kind: str           # "z", "a", "delta", "W" or "b" (for "optimizer": the state's name and its parameter, "v[W]")
    layer: int
    i: int
    j: int | None
    example: int | None
    scalar: float
    matrix: float
    difference: float
    ok: bool

    @property
    def where(self) -> str:
        """``δ_2^(3) of example 4`` or ``∂J/∂W_12^(2) of the batch cost``."""
        if self.phase == "optimizer":
            return f"the optimizer state {self.symbol}"
        return f"{self.symbol} of " + ("the batch cost" if self.example is None else f"example {self.example}")


class EquivalenceReport(_Report):
    """The result of :func:`compare`: ``rows`` in computation order, ``ok``, ``max_abs_error``, ``mismatches``.

    ``str(report)`` is a summary, the verdict naming the first differing quantity, and a table bounded
    by ``limit`` rows (mismatches first); ``report.table(limit=None)`` lists every row.
    """

    _head = ("quantity", "example", "scalar", "matrix", "difference", "")

    def __init__(self, rows: list[Row], rtol: float, atol: float, sizes: list[int], m: int):
        super().__init__(rows, rtol, atol)
        self.sizes = sizes
        self.m = m

    def _cells(self, r: Row) -> tuple[str, ...]:
        return (r.symbol, "batch" if r.example is None else str(r.example), f"{r.scalar:.10g}",
                f"{r.matrix:.10g}", f"{r.difference:.2e}", "" if r.ok else "✗ differs")

    @property
    def first_mismatch(self) -> Row | None:
        """The first differing quantity in computation order, or None."""
        return next((r for r in self.rows if not r.ok), None)

    def _verdict(self) -> str:
        first = self.first_mismatch
        if first is None:
            return f"all {len(self.rows)} quantities agree: the neurons compute exactly what the matrices compute."
        if first.phase == "optimizer":
            why = ("every gradient agrees, so the optimizer state itself differs (it was copied or updated "
                   "differently)")
        elif first.phase == "gradient":
            why = ("every z, a and δ agrees, so the gradient formula itself differs "
                   "((1/m) Σ_k δ_i^(l+1) a_j^(l) + λ W_ij^(l), or (1/m) Σ_k δ_i^(l+1) for a bias)")
        else:
            why = "everything computed after it depends on it"
        return (f"{first.where} is where it goes wrong (scalar {first.scalar:.10g}, matrix {first.matrix:.10g}); "
                f"{why}. {len(self.mismatches)} of {len(self.rows)} quantities differ.")

    def summary(self) -> str:
        """The header: what was compared, the tolerance and the largest difference."""
        counts = {p: sum(r.phase == p for r in self.rows) for p in PHASES}
        shape = "-".join(map(str, self.sizes))
        return "\n".join([
            f"Scalar engine (neuron by neuron) vs matrix twin (one example per column): {shape} network, "
            f"{self.m} example{'s' * (self.m != 1)}",
            f"compared: {counts['forward']} z/a values, {counts['backward']} δ values, "
            f"{counts['gradient']} batch gradients"
            + (f", {counts['optimizer']} optimizer state numbers" if counts["optimizer"] else ""),
            f"agree when |scalar − matrix| ≤ {self.atol:g} + {self.rtol:g}·max(|scalar|, |matrix|); "
            f"max |difference| = {self.max_abs_error:.3g}",
        ])

    def _shown(self, limit: int | None) -> tuple[list[Row], str]:
        """Mismatches first; the note counts the hidden mismatches apart from the hidden agreeing rows."""
        mism = self.mismatches
        if limit is None or len(self.rows) <= limit:
            return self.rows, ""
        if not mism:
            return self.rows[:limit], f"… {len(self.rows) - limit} more rows, all agreeing ({self.see_all} lists all)"
        shown = mism[:limit]
        rest = len(mism) - len(shown)
        return shown, ((f"… {rest} more mismatches and " if rest else "… ") +
                       f"{len(self.rows) - len(mism)} agreeing rows not shown ({self.see_all} lists all)")

    def __repr__(self) -> str:
        return (f"EquivalenceReport(ok={self.ok}, rows={len(self.rows)}, mismatches={len(self.mismatches)}, "
                f"max_abs_error={self.max_abs_error:.3g})")


def compare(net: Network, X, Y, twin: MatrixNetwork | None = None, rtol: float = 1e-10,
            atol: float = 1e-12, notation: str = DEFAULT_NOTATION) -> EquivalenceReport:
    """Run the scalar engine and the matrix twin on (X, Y) and compare every z, a, δ and gradient.

    ``X`` has one example per row. ``twin=None`` builds ``MatrixNetwork.from_network(net)``; pass your
    own twin to check it (for instance one you changed). The scalar values are Neuron.z/.a/.delta after
    ``net.forward(x^(k))``/``net.backward(y^(k))`` and ``net.gradients(X, Y)``; the matrix values are
    column k of ``twin.Z[l]``, ``twin.A[l]``, ``twin.Delta[l]`` and ``twin.gradients(X, Y)``.
    ``notation`` only changes how the symbols are printed (see :mod:`neurosim.base.notation`).
    """
    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    if twin is None:
        twin = MatrixNetwork.from_network(net)
    elif not isinstance(twin, MatrixNetwork):
        raise TypeError(f"twin: expected None or an ns.MatrixNetwork, got {type(twin).__name__}")
    elif twin.sizes != net.sizes:
        raise ValueError(f"twin: its sizes {twin.sizes} differ from the network's {net.sizes}")
    check_notation(notation)
    rtol = check_number(rtol, "rtol")
    atol = check_number(atol, "atol")
    X, T = net._check_data(X, Y)
    m, n = X.shape[0], net.n_layers

    # Scalar side: one example at a time, read back from the Neuron objects.
    layers = [net.layer(l) for l in range(1, n + 1)]
    scalar = {kind: [None, None] + [np.empty((net.sizes[l - 1], m)) for l in range(2, n + 1)]
              for kind in ("z", "a", "delta")}
    for k in range(m):
        net.forward(X[k])
        net.backward(T[k])
        for l in range(2, n + 1):
            for kind, attr in (("z", "z"), ("a", "a"), ("delta", "delta")):
                scalar[kind][l][:, k] = [getattr(neuron, attr) for neuron in layers[l - 1]]
    scalar_grads = net.gradients(X, T)

    # Matrix side: the whole batch at once.
    matrix_grads = twin.gradients(X, T)
    matrix = {"z": twin.Z, "a": twin.A, "delta": twin.Delta}

    def close(s: np.ndarray, mat: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.abs(mat - s) <= atol + rtol * np.maximum(np.abs(s), np.abs(mat))

    rows: list[Row] = []
    agree = {kind: [None, None] + [close(scalar[kind][l], matrix[kind][l]) for l in range(2, n + 1)]
             for kind in scalar}

    def add(kind: str, phase: str, l: int, k: int) -> None:
        s, mat, good = scalar[kind][l][:, k].tolist(), matrix[kind][l][:, k].tolist(), agree[kind][l][:, k].tolist()
        for i, (sv, mv, g) in enumerate(zip(s, mat, good), start=1):
            rows.append(Row(symbol(kind, l, i, notation=notation), phase, kind, l, i, None, k + 1, sv, mv, mv - sv, g))

    for k in range(m):
        for l in range(2, n + 1):
            add("z", "forward", l, k)
            add("a", "forward", l, k)
        for l in range(n, 1, -1):
            add("delta", "backward", l, k)
    # Backprop produces ∂J/∂W^(l) as soon as δ^(l+1) is known: last layer first.
    for l in range(n - 1, 0, -1):
        (sW, sb), (mW, mb) = scalar_grads[l - 1], matrix_grads[l - 1]
        present = net.mask(l)
        gW, gb = close(sW, mW), close(sb, mb)
        for i, j in np.argwhere(present) + 1:
            i, j = int(i), int(j)
            sv, mv = float(sW[i - 1, j - 1]), float(mW[i - 1, j - 1])
            name = "∂J/∂" + symbol("W", l, i, j, notation=notation)
            rows.append(Row(name, "gradient", "W", l, i, j, None, sv, mv, mv - sv, bool(gW[i - 1, j - 1])))
        for i in range(1, net.sizes[l] + 1):
            sv, mv = float(sb[i - 1]), float(mb[i - 1])
            name = "∂J/∂" + symbol("b", l, i, notation=notation)
            rows.append(Row(name, "gradient", "b", l, i, None, None, sv, mv, mv - sv, bool(gb[i - 1])))
    rows += _state_rows(net, twin, close, notation)
    return EquivalenceReport(rows, rtol, atol, list(net.sizes), m)


def _state_rows(net: Network, twin: MatrixNetwork, close, notation: str) -> list[Row]:
    """One row per optimizer state number of every parameter (none when neither engine holds state)."""
    names = set()
    for model in (net, twin):
        if model.optimizer is not None:
            names.update(model.optimizer.state_names)
    rows: list[Row] = []
    for l, ((sW, sb), (mW, mb)) in enumerate(zip(net.optimizer_state(), twin.optimizer_state()), start=1):
        present = net.mask(l)
        for k in sorted(names):
            zero_W, zero_b = np.zeros(present.shape), np.zeros(net.sizes[l])
            a, b = sW.get(k, zero_W), mW.get(k, zero_W)
            good = close(a, b)
            for i, j in np.argwhere(present) + 1:
                i, j = int(i), int(j)
                sv, mv = float(a[i - 1, j - 1]), float(b[i - 1, j - 1])
                rows.append(Row(f"{k}[{symbol('W', l, i, j, notation=notation)}]", "optimizer", f"{k}[W]", l, i, j,
                                None, sv, mv, mv - sv, bool(good[i - 1, j - 1])))
            a, b = sb.get(k, zero_b), mb.get(k, zero_b)
            good = close(a, b)
            for i in range(1, net.sizes[l] + 1):
                sv, mv = float(a[i - 1]), float(b[i - 1])
                rows.append(Row(f"{k}[{symbol('b', l, i, notation=notation)}]", "optimizer", f"{k}[b]", l, i, None,
                                None, sv, mv, mv - sv, bool(good[i - 1])))
    return rows
