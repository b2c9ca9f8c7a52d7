"""The bridge from the per-neuron sums of the trace to the matrix equations of the notes, with the real numbers.

Three views, each a dataclass holding its matrices (numpy, column form: one example per COLUMN, as in the
notes, i.e. the transpose of the public API's rows) and a ``text()`` that prints every matrix with its shape:

* :func:`layer_bridge` — one example, one layer L = 2 … n_l. Hidden layer: δ^(L) = ((W^(L))ᵀ δ^(L+1)) ∘ f′(z^(L)),
  where row i of (W^(L))ᵀ δ^(L+1) is Σ_j δ_j^(L+1) W_ji^(L), the sum of the messages neuron i received.
  Output layer: δ^(n_l) = ∂J/∂a ∘ f′(z) (or a − y for a paired loss). Then the gradient of the weights that
  feed layer L: ∂J/∂W^(L−1) = δ^(L) (a^(L−1))ᵀ, the outer product whose entry (i, j) is the per-connection
  product δ_i^(L) a_j^(L−1) (masked where a connection is pruned), and ∂J/∂b^(L−1) = δ^(L).
* :func:`batch_bridge` — a batch of m examples in column form: X = [x^(1) … x^(m)] (s_1 × m), Z^(l), A^(l), Δ^(l)
  with one column per example, ∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))ᵀ (+ λ W^(l)) and ∂J/∂b^(l) = (1/m) Δ^(l+1) 1.
  For a two-layer network also Alsup's names: R = A^(3) − Y, S = A^(2), D = f′(Z^(2)), G = R ∘ f′(Z^(3))
  (= R for an identity output or a paired loss), V = (W^(2))ᵀ G and with c = 2 for ``sse`` (1 otherwise):
  ∂J/∂W^(2) = (c/m) G Sᵀ, ∂J/∂b^(2) = (c/m) sum(G, columns), ∂J/∂b^(1) = (c/m) sum(V ∘ D, columns),
  ∂J/∂W^(1) = (c/m) (V ∘ D) Xᵀ.
* :func:`why_view` — Tong Wu's "why?"s answered with numbers from central finite differences: the Jacobian
  ∂a/∂z of the output layer (diagonal for an elementwise f, full for softmax), the derivative ∂z^(l+1)/∂W^(l)
  (a 3-index array whose contraction with δ^(l+1) is the outer product δ^(l+1) (a^(l))ᵀ) and ∂z^(l+1)/∂a^(l) = W^(l)
  (whence the transpose in (W^(l))ᵀ δ^(l+1)).

The scalar side always comes from the engine (the trace, Neuron and Connection attributes, ``net.gradients``);
the matrix side is numpy arithmetic on those same numbers, so the two can be compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..base.notation import DEFAULT_NOTATION, check_notation, layer_symbol, symbol
from ..core.activations import get_activation
from ..core.network import Network
from ..core.validation import as_input, as_inputs, as_target, as_targets, check_layer
from .trace import Step, activation_symbol, fmt, trace

# --- printing matrices with their shapes ------------------------------------------------------------------


def shape_text(M: np.ndarray) -> str:
    """``(4×1)`` for a column vector, ``(2×4)`` for a matrix."""
    M = np.atleast_2d(M)
    return f"({M.shape[0]}×{M.shape[1]})"


def matrix_lines(title: str, M: np.ndarray, digits: int = 4) -> list[str]:
    """A matrix as lines of text under ``title (r×c)``; a 1-d array is printed as a column."""
    M = np.asarray(M, dtype=float)
    if M.ndim == 1:
        M = M[:, None]
    cells = [[fmt(v, digits) for v in row] for row in M.tolist()]
    width = max((len(c) for row in cells for c in row), default=1)
    rows = ["[ " + "  ".join(c.rjust(width) for c in row) + " ]" for row in cells]
    head = f"{title} {shape_text(M)}"
    w = max(len(head), *(len(r) for r in rows))
    return [head.ljust(w)] + [r.ljust(w) for r in rows]


def side_by_side(items: Sequence, digits: int = 4, indent: str = "  ") -> str:
    """Blocks next to each other: each item is (title, matrix) or an operator string such as "=" or "∘",
    printed on the first row of numbers."""
    blocks = []
    for item in items:
        if isinstance(item, str):
            blocks.append(["", f" {item} "])
        else:
            blocks.append(matrix_lines(item[0], item[1], digits))
    height = max(len(b) for b in blocks)
    widths = [max(len(s) for s in b) for b in blocks]
    lines = []
    for r in range(height):
        parts = [(b[r] if r < len(b) else "").ljust(w) for b, w in zip(blocks, widths)]
        lines.append(indent + " ".join(parts).rstrip())
    return "\n".join(lines)


def _strip_parens(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _t(name: str) -> str:
    return f"({name})ᵀ"


# --- one example, one layer --------------------------------------------------------------------------------


@dataclass
class LayerBridge:
    """δ^(L) and ∂J/∂W^(L−1) of one example, the per-neuron numbers next to the matrix products.

    Scalar side (the engine): ``steps`` (the trace's δ steps of layer L), ``message_sums`` (Σ_j δ_j W_ji over
    the connections neuron i has, hidden layers only), ``delta`` (δ^(L)), ``grad_W`` / ``grad_b`` (the
    Connections' and biases' per-example gradients). Matrix side (numpy on the same numbers): ``WT_delta``
    = (W^(L))ᵀ δ^(L+1), ``delta_matrix`` = that ∘ f′(z^(L)) (or the output rule), ``outer`` = δ^(L) (a^(L−1))ᵀ ∘ M.
    """

    net: Network
    layer: int
    notation: str
    steps: list[Step]
    z: np.ndarray
    fprime: np.ndarray | None
    delta: np.ndarray
    delta_matrix: np.ndarray
    a_prev: np.ndarray
    outer: np.ndarray
    mask: np.ndarray
    grad_W: np.ndarray
    grad_b: np.ndarray
    W: np.ndarray | None = None
    delta_next: np.ndarray | None = None
    WT_delta: np.ndarray | None = None
    message_sums: np.ndarray | None = None
    dJda: np.ndarray | None = None
    target: np.ndarray | None = None
    a: np.ndarray | None = None

    def text(self, digits: int = 4) -> str:
        L, n, net = self.layer, self.notation, self.net
        out_layer = L == net.n_layers
        act = net.activations[L - 2]
        fname = activation_symbol(act)
        d, z = layer_symbol("delta", L, notation=n), layer_symbol("z", L, notation=n)
        engine = ["  engine:", (f"{d} of the neurons", self.delta)]
        lines = [f"Layer {L} ({net.sizes[L - 1]} neurons), one example, vectors as columns:"]
        if not out_layer:
            W, dn = layer_symbol("W", L, notation=n), layer_symbol("delta", L + 1, notation=n)
            lines.append(f"  {d} = ({_t(W)} {dn}) ∘ {fname}′({z})")
            lines.append("")
            lines.append("  Per neuron (the trace): the messages δ_j·W_ji neuron i receives, and their sum")
            WT = self.WT_delta
            for i, step in enumerate(self.steps, start=1):
                if not net.neuron(L, i).outgoing:
                    lines.append(f"    i = {i}: every connection leaving it is pruned: no message, sum 0")
                    lines.append(f"           row {i} of {_t(W)} {dn} = {fmt(WT[i - 1], digits + 2)} (column {i} "
                                 f"of {W} is 0)")
                    continue
                msgs = _strip_parens(step.formula.partition(" = ")[2].rpartition("·")[0])
                nums = _strip_parens(step.numbers.rpartition(" = ")[0].rpartition("·")[0])
                lines.append(f"    i = {i}: {msgs} = {nums} = {fmt(self.message_sums[i - 1], digits + 2)}")
                lines.append(f"           row {i} of {_t(W)} {dn} = {fmt(WT[i - 1], digits + 2)}")
            lines.append("")
            lines.append(side_by_side([(_t(W), self.W.T), "·", (dn, self.delta_next), "=",
                                       (f"{_t(W)} {dn}", WT)], digits))
            lines.append("")
            lines.append(side_by_side([(f"{_t(W)} {dn}", WT), "∘", (f"{fname}′({z})", self.fprime), "=",
                                       (d, self.delta_matrix), *engine], digits))
        else:
            a, y = layer_symbol("a", L, notation=n), "y"
            lines.append("  Per neuron (the trace):")
            for step in self.steps:
                lines.append(f"    {step.formula} = {step.numbers}")
            lines.append("")
            if self.fprime is None:
                lines.append(f"  paired loss ({net.loss.name}): {d} = {a} − y, the f′ factor cancels")
                lines.append(side_by_side([(a, self.a), "−", (y, self.target), "=", (d, self.delta_matrix),
                                           "  engine:", (f"{d} of the neurons", self.delta)], digits))
            else:
                lines.append(f"  {d} = ∂J/∂{a} ∘ {fname}′({z})   ({net.loss.name}: ∂J/∂a = "
                             f"{net.loss.grad_formula.format(a='a', y='y')})")
                lines.append(side_by_side([(f"∂J/∂{a}", self.dJda), "∘", (f"{fname}′({z})", self.fprime), "=",
                                           (d, self.delta_matrix), *engine], digits))
        lines.append(f"  max |matrix − engine| = {np.max(np.abs(self.delta_matrix - self.delta)):.1e}")
        lines.append("")
        Wp = layer_symbol("W", L - 1, notation=n)
        ap = layer_symbol("a", L - 1, notation=n)
        pruned = not self.mask.all()
        lines.append(f"  ∂J/∂{Wp} = {d} {_t(ap)}: entry (i, j) is the per-connection product "
                     f"{symbol('delta', L, 1, notation=n).replace('_1', '_i')}·"
                     f"{symbol('a', L - 1, 1, notation=n).replace('_1', '_j')} of the trace"
                     + ("; pruned connections (0 in the mask M) have no gradient" if pruned else ""))
        items = [(d, self.delta), "·", (_t(ap), self.a_prev[None, :]), "="]
        if pruned:
            items[-1:] = ["∘", ("M", self.mask.astype(float)), "="]
        items += [(f"∂J/∂{Wp}", self.outer)]
        lines.append(side_by_side(items, digits))
        bp = layer_symbol("b", L - 1, notation=n)
        lines.append(f"  max |outer product − the Connections' gradients| = "
                     f"{np.max(np.abs(self.outer - self.grad_W)):.1e};  ∂J/∂{bp} = {d}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def layer_bridge(net: Network, x, y, layer: int, notation: str = DEFAULT_NOTATION, digits: int = 6) -> LayerBridge:
    """The bridge of layer ``layer`` (2 … n_l) for the example (x, y): runs the trace, then builds the matrices."""
    check_notation(notation)
    L = check_layer(layer, net.n_layers, "layer", first=2)
    steps = trace(net, x, y, notation=notation, digits=digits)
    deltas = [s for s in steps if s.phase == "backward" and s.layer == L]
    neurons = net.layer(L)
    act = net.activations[L - 2]
    z = np.array([nr.z for nr in neurons])
    a = np.array([nr.a for nr in neurons])
    delta = np.array([nr.delta for nr in neurons])
    prev = np.array([nr.a for nr in net.layer(L - 1)])
    mask = net.mask(L - 1)
    grad_W = np.zeros(mask.shape)
    for c in net.connections(L - 1):
        grad_W[c.i - 1, c.j - 1] = c.grad
    grad_b = np.array([nr.bias_grad for nr in neurons])
    kw = {}
    if L < net.n_layers:
        W = net.weights(L)
        delta_next = np.array([nr.delta for nr in net.layer(L + 1)])
        fprime = act.df(z)
        kw.update(W=W, delta_next=delta_next, WT_delta=W.T @ delta_next,
                  message_sums=np.array([sum(c.target.delta * c.weight for c in nr.outgoing) for nr in neurons]))
        delta_matrix = kw["WT_delta"] * fprime
    else:
        t = as_target(y, net.loss, net.sizes[-1])
        kw.update(target=t, a=a)
        if net.loss.paired_output:
            fprime = None
            delta_matrix = net.loss.grad(a, t)
        else:
            fprime = act.df(z)
            kw["dJda"] = net.loss.grad(a, t)
            delta_matrix = kw["dJda"] * fprime
    outer = np.outer(delta, prev) * mask
    return LayerBridge(net, L, notation, deltas, z, fprime, delta, delta_matrix, prev, outer, mask, grad_W, grad_b,
                       **kw)


# --- a batch in column form -------------------------------------------------------------------------------


@dataclass
class BatchBridge:
    """A batch in column form, from the scalar engine run example by example.

    ``X`` (s_1 × m), ``T`` (targets as columns), ``Z[l]``, ``A[l]``, ``Delta[l]`` (s_l × m, indexed by the layer
    number l; ``Z[1]`` and ``Delta[1]`` are None), ``grads`` = [(∂J/∂W^(l), ∂J/∂b^(l))] from the column-form
    products, ``engine_grads`` = ``net.gradients(X, Y)``. ``alsup`` holds R, S, D, G, V and the factor c for
    a two-layer network (else it is empty), ``alsup_grads`` the gradients from them.
    """

    net: Network
    notation: str
    X: np.ndarray
    T: np.ndarray
    Z: list
    A: list
    Delta: list
    grads: list
    engine_grads: list
    alsup: dict = field(default_factory=dict)
    alsup_grads: list = field(default_factory=list)

    @property
    def m(self) -> int:
        return self.X.shape[1]

    def text(self, digits: int = 4) -> str:
        net, n, m = self.net, self.notation, self.m
        lam = net.weight_decay
        lines = [f"A batch of m = {m} examples in column form: X = [x^(1) … x^(m)] is s_1 × m "
                 "(the transpose of the row-per-example arrays of the API)", ""]
        lines.append(side_by_side([("X", self.X), " ", ("Y (targets as columns)", self.T)], digits))
        for l in range(2, net.n_layers + 1):
            lines.append("")
            lines.append(side_by_side([(layer_symbol("z", l, notation=n).replace("z", "Z", 1), self.Z[l]), " ",
                                       (layer_symbol("a", l, notation=n).replace("a", "A", 1), self.A[l]), " ",
                                       (layer_symbol("delta", l, notation=n).replace("δ", "Δ", 1), self.Delta[l])],
                                      digits))
        lines.append("")
        decay = f" + {lam:g}·W^(l)" if lam else ""
        lines.append(f"∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))ᵀ{decay},  ∂J/∂b^(l) = (1/m) Δ^(l+1) 1 "
                     "(m×1 column of ones: the sum over the columns)")
        for l, ((dW, db), (eW, eb)) in enumerate(zip(self.grads, self.engine_grads), start=1):
            Wn, bn = layer_symbol("W", l, notation=n), layer_symbol("b", l, notation=n)
            lines.append(side_by_side([(f"∂J/∂{Wn}", dW), " ", (f"∂J/∂{bn}", db), "  engine:",
                                       (f"∂J/∂{Wn}", eW), " ", (f"∂J/∂{bn}", eb)], digits))
            err = max(np.max(np.abs(dW - eW)), np.max(np.abs(db - eb)))
            lines.append(f"  max |column form − engine| = {err:.1e}")
        if self.alsup:
            lines.append("")
            lines.append(self._alsup_text(digits))
        else:
            lines.append("")
            lines.append("(Alsup's R, S, D, V are for a two-layer network, n_l = 3; this one has "
                         f"n_l = {net.n_layers}: the general Δ form above is the same computation.)")
        return "\n".join(lines)

    def _alsup_text(self, digits: int) -> str:
        al, net, m = self.alsup, self.net, self.m
        c = al["c"]
        out = net.activations[-1]
        factor = f"{c:g}/n" if c != 1 else "1/n"
        lines = [f"Alsup's names (his n is our m = {m}; W_1 = W^(1), W_2 = W^(2); loss {net.loss.name}, so the "
                 f"factor is {factor}" + (": ∂J/∂a = 2(a − y) and no ½" if c == 2 else "") + "):"]
        lines.append(side_by_side([("R = A^(3) − Y", al["R"]), " ", ("S = A^(2)", al["S"]), " ",
                                   (f"D = {activation_symbol(net.activations[0])}′(Z^(2))", al["D"])], digits))
        if al["G_is_R"]:
            lines.append(f"  G = R ({'identity output' if out.name == 'identity' else 'paired loss'}), "
                         "V = (W^(2))ᵀ R")
            lines.append(side_by_side([("V = (W^(2))ᵀ R", al["V"])], digits))
        else:
            lines.append(f"  the output is {out.name}, not the identity of the note: G = R ∘ "
                         f"{activation_symbol(out)}′(Z^(3)) takes R's place, V = (W^(2))ᵀ G")
            lines.append(side_by_side([("G", al["G"]), " ", ("V = (W^(2))ᵀ G", al["V"])], digits))
        (gW1, gb1), (gW2, gb2) = self.alsup_grads
        decay = f" + {net.weight_decay:g}·W" if net.weight_decay else ""
        lines.append(f"  ∂J/∂W_2 = ({factor}) G Sᵀ{decay}    ∂J/∂b_2 = ({factor}) sum(G, columns)")
        lines.append(side_by_side([("∂J/∂W_2", gW2), " ", ("∂J/∂b_2", gb2)], digits))
        lines.append(f"  ∂J/∂W_1 = ({factor}) (V ∘ D) Xᵀ{decay}    ∂J/∂b_1 = ({factor}) sum(V ∘ D, columns)")
        lines.append(side_by_side([("V ∘ D", al["V"] * al["D"]), " ", ("∂J/∂W_1", gW1), " ", ("∂J/∂b_1", gb1)],
                                  digits))
        err = max(float(np.max(np.abs(a - b))) for pair, eng in zip(self.alsup_grads, self.engine_grads)
                  for a, b in zip(pair, eng))
        lines.append(f"  max |Alsup's form − engine| = {err:.1e}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def batch_bridge(net: Network, X, Y, notation: str = DEFAULT_NOTATION) -> BatchBridge:
    """The column form of a batch (X one example per row, as everywhere in the API) with its gradients."""
    check_notation(notation)
    X = as_inputs(X, net.sizes[0])
    T = as_targets(Y, net.loss, net.sizes[-1], X.shape[0])
    n_l, m = net.n_layers, X.shape[0]
    Z = [None, None] + [np.zeros((s, m)) for s in net.sizes[1:]]
    A = [None] + [np.zeros((s, m)) for s in net.sizes]
    Delta = [None, None] + [np.zeros((s, m)) for s in net.sizes[1:]]
    for k in range(m):
        net.forward(X[k])
        net.backward(T[k])
        A[1][:, k] = X[k]
        for l in range(2, n_l + 1):
            for nr in net.layer(l):
                Z[l][nr.index - 1, k], A[l][nr.index - 1, k], Delta[l][nr.index - 1, k] = nr.z, nr.a, nr.delta
    lam = net.weight_decay
    grads = []
    for l in range(1, n_l):
        W = net.weights(l)
        grads.append(((Delta[l + 1] @ A[l].T) / m * net.mask(l) + lam * W, Delta[l + 1].sum(axis=1) / m))
    engine_grads = net.gradients(X, T)
    bridge = BatchBridge(net, notation, X.T.copy(), T.T.copy(), Z, A, Delta, grads, engine_grads)
    if n_l == 3:
        out, hidden = net.activations[-1], net.activations[0]
        c = 2.0 if net.loss.name == "sse" else 1.0
        R = A[3] - T.T
        G_is_R = bool(net.loss.paired_output) or out.name == "identity"
        G = R if G_is_R else R * out.df(Z[3])
        W2 = net.weights(2)
        V = W2.T @ G
        D = hidden.df(Z[2])
        M1, M2 = net.mask(1), net.mask(2)
        bridge.alsup = dict(R=R, S=A[2], D=D, G=G, V=V, c=c, G_is_R=G_is_R)
        bridge.alsup_grads = [
            (c / m * (V * D) @ X * M1 + lam * net.weights(1), c / m * (V * D).sum(axis=1)),
            (c / m * G @ A[2].T * M2 + lam * W2, c / m * G.sum(axis=1)),
        ]
    return bridge


# --- Tong Wu's "why?"s, numerically ------------------------------------------------------------------------


def _jacobian(f, v: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences: column k is (f(v + ε e_k) − f(v − ε e_k)) / 2ε."""
    cols = []
    for k in range(v.size):
        e = np.zeros_like(v)
        e[k] = eps
        cols.append((np.asarray(f(v + e)) - np.asarray(f(v - e))) / (2 * eps))
    return np.stack(cols, axis=1)


@dataclass
class WhyView:
    """The numbers behind Tong Wu's three "why?"s (all derivatives by central finite differences).

    1. ``jac`` = ∂a^(n_l)/∂z^(n_l) of the network's output activation, next to ``jac_formula`` (diag f′(z) for an
       elementwise f, diag(p) − p pᵀ for softmax) and the other kind at the same z (``contrast``, ``contrast_name``);
       ``vjp`` = (∂J/∂a)ᵀ ∂a/∂z, which is the output δ.
    2. ``dz_dW[k, i, j]`` = ∂z_k^(l+1)/∂W_ij^(l) (= [k = i] a_j^(l)); ``contraction`` = Σ_k δ_k ∂z_k/∂W_ij, equal to
       ``outer`` = δ^(l+1) (a^(l))ᵀ.
    3. ``dz_da`` = ∂z^(l+1)/∂a^(l), equal to ``W`` = W^(l); ``chain`` = (∂z/∂a)ᵀ δ^(l+1) = (W^(l))ᵀ δ^(l+1).
    """

    net: Network
    layer: int
    notation: str
    z_out: np.ndarray
    jac: np.ndarray
    jac_formula: np.ndarray
    contrast_name: str
    contrast: np.ndarray
    dJda: np.ndarray
    vjp: np.ndarray
    delta_out: np.ndarray
    a: np.ndarray
    delta_next: np.ndarray
    dz_dW: np.ndarray
    contraction: np.ndarray
    outer: np.ndarray
    dz_da: np.ndarray
    W: np.ndarray
    chain: np.ndarray

    def text(self, digits: int = 4) -> str:
        net, n, l = self.net, self.notation, self.layer
        n_l = net.n_layers
        out = net.activations[-1]
        a_o, z_o = layer_symbol("a", n_l, notation=n), layer_symbol("z", n_l, notation=n)
        d_o = layer_symbol("delta", n_l, notation=n)
        lines = [f"why? (1)  ∂J/∂{z_o} = ∂J/∂{a_o} · ∂{a_o}/∂{z_o} becomes an elementwise product because the "
                 "Jacobian of an elementwise f is diagonal:"]
        if out.elementwise:
            lines.append(f"  output f = {out.name}: a_i depends on z_i only, so ∂a_i/∂z_k = 0 for k ≠ i")
            lines.append(side_by_side([(f"∂{a_o}/∂{z_o} (finite differences)", self.jac), "=",
                                       (f"diag({activation_symbol(out)}′({z_o}))", self.jac_formula)], digits))
            lines.append(f"  contrast, {self.contrast_name} at the same z: every a_i depends on every z_k, "
                         "∂p_i/∂z_k = p_i(δ_ik − p_k), a full matrix")
            lines.append(side_by_side([(f"∂p/∂{z_o}", self.contrast)], digits))
            lines.append(f"  so (∂J/∂{a_o})ᵀ ∂{a_o}/∂{z_o} = ∂J/∂{a_o} ∘ {activation_symbol(out)}′({z_o}) = {d_o}:")
        else:
            lines.append("  output = softmax: every p_i depends on every z_k, ∂p_i/∂z_k = p_i(δ_ik − p_k), a full "
                         "matrix — no elementwise product here")
            lines.append(side_by_side([(f"∂p/∂{z_o} (finite differences)", self.jac), "=",
                                       ("diag(p) − p pᵀ", self.jac_formula)], digits))
            lines.append(f"  contrast, an elementwise {self.contrast_name} at the same z: diagonal")
            lines.append(side_by_side([(f"∂a/∂{z_o}", self.contrast)], digits))
            lines.append(f"  with ∂J/∂p = −y/p the full product collapses to p − y = {d_o}:")
        lines.append(side_by_side([(f"∂J/∂{a_o}", self.dJda), "→", (f"(∂{a_o}/∂{z_o})ᵀ ∂J/∂{a_o}", self.vjp),
                                   "  engine:", (d_o, self.delta_out)], digits))
        W, a, d = (layer_symbol("W", l, notation=n), layer_symbol("a", l, notation=n),
                   layer_symbol("delta", l + 1, notation=n))
        z = layer_symbol("z", l + 1, notation=n)
        lines.append("")
        lines.append(f"why? (2)  ∂J/∂{W} = ∂J/∂{z} · ∂{z}/∂{W} becomes the outer product {d} {_t(a)}: "
                     f"∂z_k/∂W_ij = a_j if k = i, else 0 (z_k only contains row k of {W})")
        items = []
        for k in range(self.dz_dW.shape[0]):
            items += [(f"∂z_{k + 1}/∂{W}", self.dz_dW[k]), " "]
        lines.append(side_by_side(items[:-1], digits))
        lines.append("  Σ_k δ_k ∂z_k/∂W_ij keeps only k = i: δ_i a_j")
        lines.append(side_by_side([("Σ_k δ_k ∂z_k/∂W", self.contraction), "=", (f"{d} {_t(a)}", self.outer)],
                                  digits))
        lines.append("")
        lines.append(f"why? (3)  ∂J/∂{a} = (∂{z}/∂{a})ᵀ ∂J/∂{z} = {_t(W)} {d}: the Jacobian of z = W a + b "
                     f"with respect to a is W itself, and the chain rule sums over its rows k (Σ_k ∂z_k/∂a_i δ_k), "
                     "which is a product with its transpose")
        lines.append(side_by_side([(f"∂{z}/∂{a} (finite differences)", self.dz_da), "=", (W, self.W)], digits))
        lines.append(side_by_side([(_t(f"∂{z}/∂{a}"), self.dz_da.T), "·", (d, self.delta_next), "=",
                                   (f"{_t(W)} {d}", self.chain)], digits))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def why_view(net: Network, x, y, layer: int | None = None, notation: str = DEFAULT_NOTATION) -> WhyView:
    """Tong Wu's "why?"s for the example (x, y); ``layer`` is l of W^(l) for (2) and (3) (default n_l − 1)."""
    check_notation(notation)
    n_l = net.n_layers
    l = n_l - 1 if layer is None else check_layer(layer, n_l, "layer", last=n_l - 1)
    x = as_input(x, net.sizes[0])
    net.forward(x)
    net.backward(y)
    out = net.layer(n_l)
    act = net.activations[-1]
    z_out = np.array([nr.z for nr in out])
    a_out = np.array([nr.a for nr in out])
    delta_out = np.array([nr.delta for nr in out])
    t = as_target(y, net.loss, net.sizes[-1])
    softmax = get_activation("softmax")
    sigmoid = get_activation("sigmoid")
    jac = _jacobian(act.f, z_out)
    if act.elementwise:
        jac_formula = np.diag(act.df(z_out))
        p = softmax.f(z_out)
        contrast_name, contrast = "softmax", _jacobian(softmax.f, z_out)
        dJda = net.loss.grad(a_out, t)
        if net.loss.paired_output:
            # a paired loss is written for δ directly; its ∂J/∂a for the chain is −y/a + (1 − y)/(1 − a) (BCE)
            dJda = -t / a_out + (1 - t) / (1 - a_out)
    else:
        p = a_out
        jac_formula = np.diag(p) - np.outer(p, p)
        contrast_name, contrast = "sigmoid", _jacobian(sigmoid.f, z_out)
        dJda = -t / p
    vjp = jac.T @ dJda
    a = np.array([nr.a for nr in net.layer(l)])
    delta_next = np.array([nr.delta for nr in net.layer(l + 1)])
    W, b = net.weights(l), net.biases(l)
    s_next, s = W.shape
    dz_dW = np.zeros((s_next, s_next, s))
    eps = 1e-6
    for i in range(s_next):
        for j in range(s):
            E = np.zeros_like(W)
            E[i, j] = eps
            dz_dW[:, i, j] = ((W + E) @ a - (W - E) @ a) / (2 * eps)
    contraction = np.einsum("k,kij->ij", delta_next, dz_dW)
    dz_da = _jacobian(lambda v: W @ v + b, a)
    return WhyView(net, l, notation, z_out, jac, jac_formula, contrast_name, contrast, dJda, vjp, delta_out, a,
                   delta_next, dz_dW, contraction, np.outer(delta_next, a), dz_da, W, dz_da.T @ delta_next)
