"""Tong Wu's "why?"s answered with numbers from central finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...base.notation import DEFAULT_NOTATION, check_notation, layer_symbol
from ...core.activations import get_activation
from ...core.network import Network
from ...core.validation import as_input, as_target, check_layer
from ..trace import activation_symbol
from .matrices import LinesView, _t, side_by_side

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
class WhyView(LinesView):
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

    def lines(self, digits: int = 4) -> list[str]:
        """The lines of ``text()``; the matrix rows among them are :class:`~.matrices.Blocks`."""
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
        return lines

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
