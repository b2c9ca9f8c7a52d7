"""A quiz network printed as a table: W^(l) with b^(l) beside it, then x and y."""

from __future__ import annotations

import numpy as np

from ...base.notation import symbol
from ...core.network import Network
from ...core.validation import as_target


def _number(v: float) -> str:
    """A table entry: as many decimals as it has (at least one, so that 1 reads 1.0), up to six."""
    v = float(v)
    for d in range(1, 7):
        if v == round(v, d):
            return f"{v:.{d}f}"
    return f"{v:.6g}"


def format_table(net: Network, x, y) -> str:
    """The network as text: for each l, W^(l) (row i = neuron i of layer l+1) with b^(l) beside it; then x, y."""
    acts = net.activations
    lines = [f"Network {'-'.join(map(str, net.sizes))}: layers l = 1 … {net.n_layers}, "
             f"loss {net.loss.name}: {net.loss.formula}"]
    x = np.asarray(x, float)
    lines.append("Input x = a^(1):  " + ",  ".join(f"{symbol('x', None, j)} = {_number(v)}"
                                                   for j, v in enumerate(x, start=1)))
    for l in range(1, net.n_layers):
        W, b = net.weights(l), net.biases(l)
        mask = net.mask(l)
        lines.append("")
        lines.append(f"W^({l}) and b^({l}): from layer {l} into layer {l + 1} "
                     f"(f = {acts[l - 1].name}); row i is neuron i of layer {l + 1}")
        cells = [[_number(W[i, j]) if mask[i, j] else "—" for j in range(W.shape[1])] for i in range(W.shape[0])]
        width = max(6, *(len(c) for row in cells for c in row), len(_number(max(b, key=abs))) + 1)
        lines.append("        " + "".join(f"{'j=' + str(j + 1):>{width + 2}}" for j in range(W.shape[1]))
                     + f"  |{'b_i':>{width + 1}}")
        for i, row in enumerate(cells):
            lines.append(f"  i={i + 1:<4}" + "".join(f"{c:>{width + 2}}" for c in row)
                         + f"  |{_number(b[i]):>{width + 1}}")
    lines.append("")
    if net.loss.name == "cross_entropy":
        t = as_target(y, net.loss, net.sizes[-1])
        k = int(np.argmax(t))
        lines.append(f"Target: class {k} (output neuron {k + 1}), one-hot y = "
                     + "(" + ", ".join(str(int(v)) for v in t) + ")")
    else:
        t = as_target(y, net.loss, net.sizes[-1])
        lines.append("Target y:  " + ",  ".join(f"{symbol('y', None, i)} = {_number(v)}"
                                                 for i, v in enumerate(t, start=1)))
    return "\n".join(lines)
