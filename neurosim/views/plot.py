"""Plots for experiments: the cost over training, decision regions, and the size of each layer's δ.

Every function returns a new :class:`matplotlib.figure.Figure` (Agg canvas, no display needed; save it with
``fig.savefig``), or the ``ax`` it was given (pass ``plt.subplots()[1]`` for a window or a grid of plots).

The δ norms are recorded while training::

    rec = ns.plot.DeltaRecorder(net, X, Y)           # records the untrained network as epoch 0
    net.fit(X, Y, epochs=200, lr=0.5, callback=rec)  # records after every epoch
    ns.plot.delta_norms(rec)

or from saved parameters with ``DeltaRecorder.from_snapshots(net, X, Y, [net.parameters(), ...])``.
The size of δ^(l) is its Euclidean norm averaged over the examples, (1/m) Σ_k ‖δ^(l)(x^(k))‖₂: with sigmoid
hidden layers it shrinks from the output layer towards the input (each layer multiplies by σ′ ≤ 1/4), the
vanishing gradients this plot is for.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..base.limits import check_memory, excerpt
from ..core.history import History, predicted_classes
from ..core.validation import as_inputs, check_number
from .drawing import new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# decision_boundary's grid: resolution × resolution forward passes; 2000² is already 4 million.
MAX_RESOLUTION = 2000

__all__ = ["DeltaRecorder", "decision_boundary", "delta_norms", "layer_delta_norms", "loss_curve"]


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure | None, Axes]:
    if ax is None:
        fig = new_figure(figsize)
        return fig, fig.add_subplot()
    if not hasattr(ax, "plot") or not hasattr(ax, "figure") or not hasattr(ax, "add_collection"):
        raise TypeError(f"ax: expected a matplotlib Axes or None, got {type(ax).__name__}")
    return None, ax


def _series(values, name: str) -> np.ndarray:
    try:
        complex_values = np.asarray(values).dtype.kind == "c"
    except (TypeError, ValueError, OverflowError):
        complex_values = False
    if complex_values:
        raise TypeError(f"{name}: expected real numbers, got complex values")
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name}: expected a sequence of numbers, got {type(values).__name__}") from None
    if arr.ndim == 0:
        raise TypeError(f"{name}: expected a sequence of numbers, got {type(values).__name__}")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name}: expected a non-empty 1-D sequence of numbers, got shape {arr.shape}")
    return arr


def _runs(history) -> dict:
    """{label: (epochs, costs)}: a History brings its validation curve and its J0 at epoch 0."""
    if isinstance(history, History):
        first = 0 if history.initial is not None else 1
        train = ([history.initial] if first == 0 else []) + list(history)
        if not history.validation:
            return {None: (first, _series(train, "history"))}
        return {"training": (first, _series(train, "history")),
                "validation": (1, _series(history.validation, "history.validation"))}
    runs = dict(history) if isinstance(history, Mapping) else {None: history}
    if not runs:
        raise ValueError("history: expected costs (a sequence) or {label: costs}, got an empty mapping")
    return {label: (1, _series(v, "history" if label is None else f"history[{label!r}]")) for label, v in runs.items()}


def loss_curve(history, ax: Axes | None = None, log: bool | None = None, title: str | None = None) -> Figure | Axes:
    """The cost J(W,b) after each epoch, as ``net.fit`` returns it.

    ``history`` is the :class:`~neurosim.core.history.History` that ``fit`` returns — its training curve starts at
    epoch 0 with J0, and with validation data the validation curve is drawn beside it, with a dotted line at
    the epoch of the lowest validation cost — or one sequence of costs (epochs 1, 2, …), or a mapping
    ``{label: costs}`` to compare runs on one plot. ``log``: logarithmic cost axis; ``None`` chooses it when
    every cost is positive and they span more than a factor of 50.
    """
    series = _runs(history)
    fig, ax = _axes(ax, (7.0, 4.5))
    finite = np.concatenate([c[np.isfinite(c)] for _, c in series.values()])
    if log is None:
        log = finite.size > 0 and bool(np.all(finite > 0)) and finite.max() > 50 * finite.min()
    # matplotlib's log axis overflows while placing ticks near the float limit (a diverging run), so such
    # curves are drawn as log10 J on a linear axis instead.
    huge = bool(log) and finite.size > 0 and finite.max() > 1e100
    for label, (first, costs) in series.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log10(costs) if huge else costs
        ax.plot(np.arange(first, first + costs.size), y, label=label, marker="o" if costs.size < 30 else None,
                markersize=3)
    best = getattr(history, "best_epoch", None)
    if best is not None:
        stopped = "early stopping kept" if history.restored_epoch == best else "lowest validation J at"
        ax.axvline(best, color="0.4", linestyle=":", linewidth=1, label=f"{stopped} epoch {best}")
    if log and not huge:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("log₁₀ J(W, b)" if huge else "cost J(W, b)")
    ax.set_title(title if title is not None else "cost over training")
    ax.grid(True, alpha=0.3)
    if any(label is not None for label in series) or best is not None:
        ax.legend()
    return ax if fig is None else fig


# --- decision regions --------------------------------------------------------------------------------

def _classes(y, n_out: int, m: int) -> np.ndarray:
    """Class labels from targets: argmax of one-hot rows, threshold 0.5 for one output, else integer labels."""
    arr = np.asarray(y)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) and arr.dtype != bool:
        raise TypeError(f"y: expected numeric targets or class labels, got dtype {arr.dtype}")
    if arr.ndim == 2 and arr.shape[1] > 1:
        labels = np.argmax(arr, axis=1)
    elif arr.ndim == 2 and arr.shape[1] == 1 or arr.ndim == 1 and n_out == 1:
        labels = (arr.reshape(-1).astype(float) >= 0.5).astype(int)
    elif arr.ndim == 1:
        if not np.all(np.equal(np.mod(arr, 1), 0)) or np.any(arr < 0):
            raise ValueError("y: expected class labels 0 … K−1 (whole numbers), one-hot rows or 0/1 targets")
        labels = arr.astype(int)
    else:
        raise ValueError(f"y: expected shape ({m},) or ({m}, K), got {arr.shape}")
    # A class the network has no output for can never be predicted: a mistake in y, not an example to plot.
    if arr.ndim == 2 and arr.shape[1] > 1 and arr.shape[1] != n_out:
        expected = (f"one-hot rows of {n_out} entries (one per output neuron)" if n_out > 1 else
                    "0/1 targets (the network has one output)")
        raise ValueError(f"y: expected {expected}, got rows of {arr.shape[1]} entries")
    if n_out > 1 and labels.size and labels.max() >= n_out:
        raise ValueError(f"y: expected class labels 0 … {n_out - 1} (the network has {n_out} outputs), got "
                         f"{int(labels.max())}")
    if labels.shape[0] != m:
        raise ValueError(f"y: expected {m} targets (one per row of X), got {labels.shape[0]}")
    return labels


def _predict(net, X: np.ndarray) -> np.ndarray:
    from ..core.network import Network
    from ..witnesses.matrix import MatrixNetwork

    # The matrix twin computes the same a^(n_l) as the scalar engine, for the whole grid at once.
    if isinstance(net, Network):
        net = MatrixNetwork.from_network(net)
    return np.asarray(net.predict(X), dtype=float)


def decision_boundary(net, X, y, ax: Axes | None = None, resolution: int = 150, margin: float = 0.15,
                      title: str | None = None) -> Figure | Axes:
    """The class the network predicts over the plane of its two inputs, with the examples (X, y) on top.

    Predicted class: argmax_i a_i^(n_l) with several outputs; [a_1^(n_l) ≥ 0.5] with one output (whose
    0.5 level line is drawn as the boundary). ``y`` gives the examples' classes the same way (one-hot rows,
    0/1 targets or class labels). The grid has ``resolution`` × ``resolution`` points and extends the range of
    X by ``margin`` of its width on every side. ``net`` is a Network or a MatrixNetwork with 2 inputs.
    """
    sizes = getattr(net, "sizes", None)
    if sizes is None or not hasattr(net, "predict"):
        raise TypeError(f"net: expected an ns.Network or ns.MatrixNetwork, got {type(net).__name__}")
    if sizes[0] != 2:
        raise ValueError(f"net: decision_boundary needs a network with 2 inputs, got s_1 = {sizes[0]}")
    if (isinstance(resolution, bool) or not isinstance(resolution, int)
            or not 2 <= resolution <= MAX_RESOLUTION):
        raise ValueError(f"resolution: expected a whole number from 2 to {MAX_RESOLUTION} (the grid has "
                         f"resolution² points, each a forward pass), got {excerpt(resolution)}")
    check_memory(resolution ** 2 * sum(sizes) * 32, "resolution", f"a {resolution} × {resolution} grid")
    check_number(margin, "margin")
    X = as_inputs(X, 2)
    labels = _classes(y, sizes[-1], X.shape[0])

    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = np.where(hi > lo, (hi - lo) * margin, 1.0)
    g0, g1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution), np.linspace(lo[1] - pad[1], hi[1] + pad[1],
                                                                                 resolution)
    G0, G1 = np.meshgrid(g0, g1)
    A = _predict(net, np.column_stack([G0.ravel(), G1.ravel()]))
    region = predicted_classes(A).reshape(G0.shape)
    n_classes = max(sizes[-1], 2)   # one output: classes 0 and 1

    from matplotlib import colormaps
    from matplotlib.colors import BoundaryNorm, ListedColormap

    base = colormaps["tab10"]
    colours = ListedColormap([base(k % 10) for k in range(n_classes)])
    norm = BoundaryNorm(np.arange(-0.5, n_classes + 0.5), n_classes)
    fig, ax = _axes(ax, (6.0, 5.0))
    ax.pcolormesh(G0, G1, region, cmap=colours, norm=norm, alpha=0.3, shading="auto", rasterized=True)
    if sizes[-1] == 1:
        ax.contour(G0, G1, A[:, 0].reshape(G0.shape), levels=[0.5], colors="k", linewidths=1.2)
    for k in np.unique(labels):
        pts = X[labels == k]
        ax.scatter(pts[:, 0], pts[:, 1], color=colours(int(k)), edgecolors="k", linewidths=0.6, s=30,
                   label=f"class {k}", zorder=3)
    accuracy = float(np.mean(predicted_classes(_predict(net, X)) == labels))
    rule = "argmax_i a_i" if sizes[-1] > 1 else "a ≥ 0.5"
    ax.set_title(title if title is not None else
                 f"decision regions ({rule})\naccuracy {accuracy:.0%} on these {X.shape[0]} examples")
    ax.set_xlabel("x_1")
    ax.set_ylabel("x_2")
    ax.legend(loc="best", fontsize=8)
    return ax if fig is None else fig


# --- the size of δ over training ---------------------------------------------------------------------

def layer_delta_norms(net, X, Y) -> dict[int, float]:
    """{l: (1/m) Σ_k ‖δ^(l)(x^(k))‖₂} for l = 2 … n_l: the average length of each layer's error-term vector.

    Computed by the matrix twin (the same δ every neuron computes); ``net`` (a Network or MatrixNetwork) is
    not changed.
    """
    from ..core.network import Network
    from ..witnesses.matrix import MatrixNetwork

    if isinstance(net, Network):
        twin = MatrixNetwork.from_network(net)
    elif isinstance(net, MatrixNetwork):
        twin = copy.deepcopy(net)   # its Z, A, Delta caches are the user's: work on a copy
    else:
        raise TypeError(f"net: expected an ns.Network or ns.MatrixNetwork, got {type(net).__name__}")
    twin.gradients(X, Y)
    return {l: float(np.mean(np.linalg.norm(twin.Delta[l], axis=0))) for l in range(2, twin.n_layers + 1)}


class DeltaRecorder:
    """Records :func:`layer_delta_norms` of a network on (X, Y) at epoch 0 and each time it is called.

    Pass it as ``callback`` to ``net.fit``: ``fit`` calls ``recorder(epoch, cost)`` after every epoch.
    ``epochs`` lists the recorded epochs and ``norms[l]`` the norms of δ^(l), one per recorded epoch.
    ``every`` records only every n-th epoch (the epoch-0 record is always kept).
    """

    def __init__(self, net, X, Y, every: int = 1):
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every: expected a whole number >= 1, got {every!r}")
        self.net, self.X, self.Y, self.every = net, X, Y, every
        self.epochs: list[int] = []
        self.norms: dict[int, list[float]] = {}
        self.record(0)

    def record(self, epoch: int) -> None:
        """Append the δ norms of the network as it is now, under ``epoch``."""
        for l, value in layer_delta_norms(self.net, self.X, self.Y).items():
            self.norms.setdefault(l, []).append(value)
        self.epochs.append(int(epoch))

    def __call__(self, epoch: int, cost: float | None = None) -> None:
        if epoch % self.every == 0:
            self.record(epoch)

    @classmethod
    def from_snapshots(cls, net, X, Y, snapshots: Sequence, epochs: Sequence[int] | None = None) -> DeltaRecorder:
        """A record from saved parameters: each snapshot is a ``net.parameters()`` list; ``net`` supplies the
        structure (its own parameters are put back afterwards). ``epochs`` defaults to 0, 1, 2, …"""
        snapshots = list(snapshots)
        if not snapshots:
            raise ValueError("snapshots: expected at least one net.parameters() list, got none")
        if epochs is None:
            epochs = range(len(snapshots))
        epochs = list(epochs)
        if len(epochs) != len(snapshots):
            raise ValueError(f"epochs: expected {len(snapshots)} epoch numbers (one per snapshot), got {len(epochs)}")
        saved = net.parameters()
        rec = cls.__new__(cls)
        rec.net, rec.X, rec.Y, rec.every = net, X, Y, 1
        rec.epochs, rec.norms = [], {}
        try:
            for epoch, params in zip(epochs, snapshots):
                net.set_parameters(params)
                rec.record(epoch)
        finally:
            net.set_parameters(saved)
        return rec


def delta_norms(record, ax: Axes | None = None, log: bool = True, title: str | None = None) -> Figure | Axes:
    """One line per layer l = 2 … n_l: the size (1/m) Σ_k ‖δ^(l)(x^(k))‖₂ of its error terms over training.

    ``record`` is a :class:`DeltaRecorder` or a mapping ``{l: norms}`` (epochs 0, 1, 2, …). The vertical axis
    is logarithmic by default, so that a δ a hundred times smaller than the output layer's stays visible.
    """
    if isinstance(record, DeltaRecorder):
        norms, epochs = record.norms, np.asarray(record.epochs)
    elif isinstance(record, Mapping):
        if not record:
            raise ValueError("record: expected {l: norms} with at least one layer, got an empty mapping")
        norms, epochs = dict(record), None
    else:
        raise TypeError(f"record: expected a DeltaRecorder or a mapping {{l: norms}}, got {type(record).__name__}")
    fig, ax = _axes(ax, (7.0, 4.5))
    from matplotlib import colormaps

    shades = colormaps["viridis"]
    layers = sorted(norms)
    for k, l in enumerate(layers):
        values = _series(norms[l], f"record[{l!r}]")
        x = epochs if epochs is not None and len(epochs) == values.size else np.arange(values.size)
        ax.plot(x, values, color=shades(k / max(len(layers) - 1, 1) * 0.9),
                label=f"layer l = {l}" + (" (output)" if k == len(layers) - 1 else ""))
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean ‖δ^(l)‖")
    ax.set_title(title if title is not None else "size of each layer's error terms δ^(l) over training")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax if fig is None else fig
