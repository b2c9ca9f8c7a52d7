"""The explorer's training timeline: the epochs an ``ns.Recorder`` kept, as plain numbers for the page.

At most ``max_epochs`` records go into the page (evenly thinned, the first and the last always kept), each with
its weights in the order of the page's connections, its biases and its cost. For a network with two inputs and
data (X, Y) the decision boundary at each kept epoch comes along as a small grid of the network's output,
computed with the matrix twin; the data points are drawn over it.
"""

from __future__ import annotations

import base64

import numpy as np

from ...core.history import predicted_classes
from ...core.recorder import Recorder
from ...witnesses.matrix import MatrixNetwork
from .model import _nums

GRID = 36          # the decision boundary's resolution, GRID × GRID
MAX_POINTS = 300   # data points drawn over it


def packed(values) -> str:
    """Numbers as base64 of little-endian float64: exact, and about half the size of their JSON text."""
    return base64.b64encode(np.asarray(list(values), dtype="<f8").tobytes()).decode("ascii")


def thin(n: int, keep: int) -> list[int]:
    """Indices of ``keep`` of ``n`` records, evenly spread, the first and the last always among them."""
    if n <= keep:
        return list(range(n))
    if keep < 2:
        raise ValueError(f"max_epochs: expected a whole number >= 2, got {keep!r}")
    return sorted({int(round(k)) for k in np.linspace(0, n - 1, keep)})


def _boundary(net, X, params_list) -> dict:
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad, hi + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(hi[1], lo[1], GRID))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    twin = MatrixNetwork.from_network(net)
    images = []
    k = net.sizes[-1]
    for params in params_list:
        twin.set_parameters(params)
        with np.errstate(all="ignore"):
            A = twin.predict(grid)
        if k > 1:
            byte = np.argmax(np.nan_to_num(A, nan=0.0), axis=1)
        else:
            byte = np.round(np.clip(np.nan_to_num(A[:, 0], nan=0.5), 0.0, 1.0) * 255)
        images.append(base64.b64encode(byte.astype(np.uint8).tobytes()).decode("ascii"))
    return {"grid": GRID, "lo": lo.tolist(), "hi": hi.tolist(), "classes": int(k), "images": images}


def timeline_data(net, x, y, X, Y, record, max_epochs: int = 50) -> dict:
    """The page's ``timeline``: kept epochs, their parameters and costs, all recorded costs, and (2 inputs with
    X, Y) the decision boundary per kept epoch and the data points."""
    if not isinstance(record, Recorder):
        raise TypeError(f"record: expected an ns.Recorder (the fit callback), got {type(record).__name__}; "
                        "X, Y alone make no timeline")
    if list(record.net.sizes) != list(net.sizes):
        raise ValueError(f"record: it was made for sizes {list(record.net.sizes)}, the network has {net.sizes}")
    epochs, costs, params = record.epochs, record.costs, record.parameters
    keep = thin(len(epochs), max_epochs)
    edges = [(l, c.i, c.j) for l in range(1, net.n_layers) for c in net.connections(l)]
    data = {
        "epochs": [epochs[k] for k in keep],
        "costs": _nums(costs[k] for k in keep),
        "allEpochs": epochs,
        "allCosts": _nums(costs),
        # per kept epoch: the weights in the order of the page's connections, the biases of layers 2 … n_l in turn
        "weights": [packed(params[k][l - 1][0][i - 1, j - 1] for l, i, j in edges) for k in keep],
        "biases": [packed(v for _, b in params[k] for v in b) for k in keep],
        "every": record.every,
        "boundary": None,
    }
    if X is not None and Y is not None:
        if net.sizes[0] == 2:
            X, T = net._check_data(X, Y)
            # each point's class by the rule of ns.plot.decision_boundary (argmax of the row, or y ≥ ½ with one
            # output), read from the targets the network trains on (class labels already made one-hot rows)
            labels = predicted_classes(T)
            data["boundary"] = _boundary(net, X, [params[k] for k in keep])
            pick = np.linspace(0, len(X) - 1, min(len(X), MAX_POINTS)).round().astype(int)
            data["points"] = [[float(a), float(b), int(c)] for (a, b), c in zip(X[pick], labels[pick])]
    return data
