"""A batch in the notes' column form: Z, A, Δ with one column per example, and Alsup's R, S, D, V."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...base.notation import DEFAULT_NOTATION, check_notation, layer_symbol
from ...core.network import Network
from ...core.validation import as_inputs, as_targets
from ..trace import activation_symbol
from .matrices import LinesView, side_by_side

# --- a batch in column form -------------------------------------------------------------------------------


@dataclass
class BatchBridge(LinesView):
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

    def lines(self, digits: int = 4) -> list[str]:
        """The lines of ``text()``; the matrix rows among them are :class:`~.matrices.Blocks`."""
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
            lines += self._alsup_lines(digits)
        else:
            lines.append("")
            lines.append("(Alsup's R, S, D, V are for a two-layer network, n_l = 3; this one has "
                         f"n_l = {net.n_layers}: the general Δ form above is the same computation.)")
        return lines

    def _alsup_lines(self, digits: int) -> list[str]:
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
        return lines

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
