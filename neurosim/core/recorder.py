"""The :class:`Recorder`: ``fit``'s callback that keeps copies of the weights and biases as training goes,
so that a training run can be replayed epoch by epoch (the explorer's timeline reads it).

Rules (DESIGN §5): epoch 0, the parameters at construction, is recorded at once (with its cost J(W,b) when
X, Y are given, else None); then every ``every``-th epoch and always the last epoch of each fit. Epochs count
across fits: a second ``fit`` continues the numbering. A record is a copy, kept as it was made, even if a fit
later rolls its weights back after a divergence.

The callback only learns the epoch number and the cost, not whether the epoch is its fit's last: so the
parameters of an epoch that falls between two recorded ones are held back, and become a record when the next
fit starts or when the records are read.
"""

from __future__ import annotations

import numpy as np

from .training import _check_count


class Recorder:
    """``rec = ns.Recorder(net, every=1, X=None, Y=None)``; ``net.fit(X, Y, epochs, lr, callback=rec)``.

    ``rec.epochs`` (0 first), ``rec.costs`` (J(W,b) after each recorded epoch as ``fit`` reports it; epoch 0's
    from X, Y, or None without them) and ``rec.parameters`` ([(W^(l), b^(l)), …] per record, copies) are lists
    of the same length. Works with both engines (``ns.Network`` and ``ns.MatrixNetwork``).
    """

    def __init__(self, net, every: int = 1, X=None, Y=None):
        if not (hasattr(net, "parameters") and hasattr(net, "fit")):
            raise TypeError(f"net: expected an ns.Network or ns.MatrixNetwork, got {type(net).__name__}")
        self.net = net
        self.every = _check_count(every, "every")
        if (X is None) != (Y is None):
            raise ValueError("X, Y: give both (to record epoch 0's cost) or neither")
        cost = None if X is None else float(net.cost(X, Y))
        self._epochs = [0]
        self._costs: list[float | None] = [cost]
        self._parameters = [self._copy()]
        self._done = 0            # epochs completed, counted across fits
        self._pending = None      # (epoch, cost, parameters) of the latest unrecorded epoch

    def _copy(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in self.net.parameters()]

    def __call__(self, epoch: int, cost: float, *args, **kwargs) -> None:
        """Called by ``fit`` after each epoch (``epoch`` counts from 1 within that fit)."""
        if epoch == 1:
            self._flush()   # a new fit: the previous fit's last epoch is its last
        self._done += 1
        params = self._copy()
        if self._done % self.every == 0:
            self._record(self._done, cost, params)
            self._pending = None
        else:
            self._pending = (self._done, cost, params)

    def _record(self, epoch: int, cost, params) -> None:
        self._epochs.append(epoch)
        self._costs.append(None if cost is None else float(cost))
        self._parameters.append(params)

    def _flush(self) -> None:
        if self._pending is not None:
            self._record(*self._pending)
            self._pending = None

    @property
    def epochs(self) -> list[int]:
        """The recorded epoch numbers, 0 (before training) first."""
        self._flush()
        return list(self._epochs)

    @property
    def costs(self) -> list[float | None]:
        """J(W,b) at each recorded epoch (None where unknown: epoch 0 without X, Y)."""
        self._flush()
        return list(self._costs)

    @property
    def parameters(self) -> list[list[tuple[np.ndarray, np.ndarray]]]:
        """[(W^(1), b^(1)), …] at each recorded epoch (copies)."""
        self._flush()
        return list(self._parameters)

    def __len__(self) -> int:
        self._flush()
        return len(self._epochs)

    def __repr__(self) -> str:
        epochs, costs = self.epochs, self.costs
        known = [c for c in costs if c is not None]
        trend = f", J {known[0]:.4g} → {known[-1]:.4g}" if known else ""
        return (f"Recorder({len(epochs)} records of epochs {epochs[0]}…{epochs[-1]}, every {self.every}{trend}; "
                f"net sizes {list(self.net.sizes)})")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{e}</td><td>{'—' if c is None else f'{c:.6g}'}</td></tr>"
                       for e, c in zip(self.epochs, self.costs))
        return (f"<div><b>neurosim Recorder</b>: {len(self)} records, every {self.every} epochs "
                f"(sizes {list(self.net.sizes)})<table><thead><tr><th>epoch</th><th>J(W,b)</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")
