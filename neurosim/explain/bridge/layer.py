"""One example, one layer: δ^(L) and ∂J/∂W^(L−1) as per-neuron sums next to the matrix products."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...base.notation import DEFAULT_NOTATION, check_notation, layer_symbol, symbol
from ...core.network import Network
from ...core.validation import as_target, check_index, check_layer
from ..trace import Step, activation_symbol, fmt, trace
from .matrices import LinesView, _strip_parens, _t, lines_html, side_by_side

# --- one example, one layer --------------------------------------------------------------------------------


@dataclass
class LayerBridge(LinesView):
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

    def html(self, neuron: int = 1, digits: int = 4) -> str:
        """The view for Jupyter: the lines of ``text()`` with every matrix as a table, and neuron ``neuron``'s
        row highlighted wherever the rows are the layer's neurons (its message sum, its δ, its gradients)."""
        neuron = check_index(neuron, self.net.sizes[self.layer - 1], "neuron", self.layer)
        return lines_html(self.lines(digits), neuron, f"highlighted: neuron {neuron} of layer {self.layer} "
                                                      f"(bridge.html(neuron=i) highlights another)")

    def _repr_html_(self) -> str:
        return self.html()

    def lines(self, digits: int = 4) -> list[str]:
        """The lines of ``text()``; the matrix rows among them are :class:`~.matrices.Blocks`."""
        L, n, net = self.layer, self.notation, self.net
        out_layer = L == net.n_layers
        act = net.activations[L - 2]
        fname = activation_symbol(act)
        d, z = layer_symbol("delta", L, notation=n), layer_symbol("z", L, notation=n)
        engine = ["  engine:", (f"{d} of the neurons", self.delta, "i")]
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
            lines.append(side_by_side([(_t(W), self.W.T, "i"), "·", (dn, self.delta_next), "=",
                                       (f"{_t(W)} {dn}", WT, "i")], digits))
            lines.append("")
            lines.append(side_by_side([(f"{_t(W)} {dn}", WT, "i"), "∘", (f"{fname}′({z})", self.fprime, "i"), "=",
                                       (d, self.delta_matrix, "i"), *engine], digits))
        else:
            a, y = layer_symbol("a", L, notation=n), "y"
            lines.append("  Per neuron (the trace):")
            for step in self.steps:
                lines.append(f"    {step.formula} = {step.numbers}")
            lines.append("")
            if self.fprime is None:
                lines.append(f"  paired loss ({net.loss.name}): {d} = {a} − y, the f′ factor cancels")
                lines.append(side_by_side([(a, self.a, "i"), "−", (y, self.target, "i"), "=",
                                           (d, self.delta_matrix, "i"), *engine], digits))
            else:
                lines.append(f"  {d} = ∂J/∂{a} ∘ {fname}′({z})   ({net.loss.name}: ∂J/∂a = "
                             f"{net.loss.grad_formula.format(a='a', y='y')})")
                lines.append(side_by_side([(f"∂J/∂{a}", self.dJda, "i"), "∘", (f"{fname}′({z})", self.fprime, "i"),
                                           "=", (d, self.delta_matrix, "i"), *engine], digits))
        lines.append(f"  max |matrix − engine| = {np.max(np.abs(self.delta_matrix - self.delta)):.1e}")
        lines.append("")
        Wp = layer_symbol("W", L - 1, notation=n)
        ap = layer_symbol("a", L - 1, notation=n)
        pruned = not self.mask.all()
        lines.append(f"  ∂J/∂{Wp} = {d} {_t(ap)}: entry (i, j) is the per-connection product "
                     f"{symbol('delta', L, 1, notation=n).replace('_1', '_i')}·"
                     f"{symbol('a', L - 1, 1, notation=n).replace('_1', '_j')} of the trace"
                     + ("; pruned connections (0 in the mask M) have no gradient" if pruned else ""))
        items = [(d, self.delta, "i"), "·", (_t(ap), self.a_prev[None, :]), "="]
        if pruned:
            items[-1:] = ["∘", ("M", self.mask.astype(float), "i"), "="]
        items += [(f"∂J/∂{Wp}", self.outer, "i")]
        lines.append(side_by_side(items, digits))
        bp = layer_symbol("b", L - 1, notation=n)
        lines.append(f"  max |outer product − the Connections' gradients| = "
                     f"{np.max(np.abs(self.outer - self.grad_W)):.1e};  ∂J/∂{bp} = {d}")
        return lines

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
