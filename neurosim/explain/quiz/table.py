"""A quiz network printed as a table: W^(l) with b^(l) beside it, then x and y (as text, or as HTML)."""

from __future__ import annotations

import numpy as np

from ...base.html import box, math, paragraph, pre, table
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


def table_parts(net: Network, x, y) -> tuple[str, str, list[tuple[str, list[list[str]], list[str]]], str]:
    """The pieces both forms print: the header line, the input line, one (caption, W^(l) entries ("—" where
    pruned), b^(l) entries) per l, and the target line."""
    acts = net.activations
    head = (f"Network {'-'.join(map(str, net.sizes))}: layers l = 1 … {net.n_layers}, "
            f"loss {net.loss.name}: {net.loss.formula}")
    x = np.asarray(x, float)
    inputs = "Input x = a^(1):  " + ",  ".join(f"{symbol('x', None, j)} = {_number(v)}"
                                               for j, v in enumerate(x, start=1))
    layers = []
    for l in range(1, net.n_layers):
        W, b = net.weights(l), net.biases(l)
        mask = net.mask(l)
        caption = (f"W^({l}) and b^({l}): from layer {l} into layer {l + 1} "
                   f"(f = {acts[l - 1].name}); row i is neuron i of layer {l + 1}")
        cells = [[_number(W[i, j]) if mask[i, j] else "—" for j in range(W.shape[1])] for i in range(W.shape[0])]
        layers.append((caption, cells, [_number(v) for v in b]))
    t = as_target(y, net.loss, net.sizes[-1])
    if net.loss.name == "cross_entropy":
        k = int(np.argmax(t))
        target = (f"Target: class {k} (output neuron {k + 1}), one-hot y = "
                  + "(" + ", ".join(str(int(v)) for v in t) + ")")
    else:
        target = "Target y:  " + ",  ".join(f"{symbol('y', None, i)} = {_number(v)}" for i, v in enumerate(t, start=1))
    return head, inputs, layers, target


def format_table(net: Network, x, y) -> str:
    """The network as text: for each l, W^(l) (row i = neuron i of layer l+1) with b^(l) beside it; then x, y."""
    head, inputs, layers, target = table_parts(net, x, y)
    lines = [head, inputs]
    for caption, cells, b in layers:
        lines.append("")
        lines.append(caption)
        width = max(6, *(len(c) for row in cells for c in row), max(len(v) for v in b) + 1)
        lines.append("        " + "".join(f"{'j=' + str(j + 1):>{width + 2}}" for j in range(len(cells[0])))
                     + f"  |{'b_i':>{width + 1}}")
        for i, row in enumerate(cells):
            lines.append(f"  i={i + 1:<4}" + "".join(f"{c:>{width + 2}}" for c in row) + f"  |{b[i]:>{width + 1}}")
    lines.append("")
    lines.append(target)
    return "\n".join(lines)


def format_html(net: Network, x, y, prompt: str, latex: str) -> str:
    """The question for Jupyter: the same entries as :func:`format_table`, W^(l) | b^(l) as tables, then the
    request with the asked quantity ``latex`` typeset."""
    head, inputs, layers, target = table_parts(net, x, y)
    parts = [paragraph(head), paragraph(inputs)]
    for caption, cells, b in layers:
        columns = ("", *(f"j={j + 1}" for j in range(len(cells[0]))), "b_i")
        parts.append(table(columns, [(f"i={i + 1}", *row, b[i]) for i, row in enumerate(cells)], caption=caption))
    parts += [paragraph(target), f"<p><b>{math(latex)}</b></p>", paragraph(prompt)]
    return box(*parts)


def check_html(text: str, correct: bool) -> str:
    """A checked answer for Jupyter: its text (verdict, worked solution, diagnosis), marked right or wrong."""
    flag = "<span class='ns-ok'>right</span>" if correct else "<span class='ns-bad'>not quite</span>"
    return box(f"<p>{flag}</p>", pre(text))
