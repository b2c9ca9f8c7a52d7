"""Input standardization that travels with a network: x'_j = (x_j − μ_j) / σ_j, with μ and σ measured on the
training rows only, so that validation, test and tomorrow's data are rescaled exactly as the training data were.

A network keeps one in ``net.standardizer`` (None by default) and ``net.save`` writes it into the JSON file; the
network's own computation never applies it (a^(1) = x stays true): rescale new data with
``net.standardizer(X)`` before ``net.predict``.
"""

from __future__ import annotations

import numpy as np

from .validation import as_array, as_inputs


class Standardizer:
    """x'_j = (x_j − mean_j) / std_j for each input column j; a constant column (std 0) is only centred."""

    def __init__(self, mean, std):
        mean, std = as_array(mean, "mean"), as_array(std, "std")
        if mean.ndim != 1 or mean.size == 0 or std.shape != mean.shape:
            raise ValueError(f"mean, std: expected two 1-D arrays of the same length >= 1, got shapes {mean.shape} "
                             f"and {std.shape}")
        if np.any(std <= 0):
            j = int(np.argmax(std <= 0))
            raise ValueError(f"std: expected positive numbers (a constant column gets 1), entry {j} is {std[j]}")
        self.mean, self.std = mean, std

    @classmethod
    def fit(cls, X) -> Standardizer:
        """The statistics of the rows of X (m, d): column means and standard deviations (1/m, numpy's default)."""
        X = as_array(X, "X")
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(f"X: expected shape (m, d) with m >= 1, one example per row, got {X.shape}")
        with np.errstate(over="ignore", invalid="ignore"):
            mean, std = X.mean(axis=0), X.std(axis=0)
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std))):
            j = int(np.argmax(~(np.isfinite(mean) & np.isfinite(std))))
            raise ValueError(f"X: the mean or standard deviation of input column {j + 1} overflows to inf "
                             "(values near 1e308); rescale that column first")
        return cls(mean, np.where(std > 0, std, 1.0))

    def transform(self, X) -> np.ndarray:
        """(X − mean) / std, row by row."""
        return (as_inputs(X, self.mean.size) - self.mean) / self.std

    __call__ = transform

    def inverse(self, X) -> np.ndarray:
        """Undo :meth:`transform`: X' · std + mean."""
        return as_inputs(X, self.mean.size) * self.std + self.mean

    def to_dict(self) -> dict:
        """``{"mean": [...], "std": [...]}``: the section a saved network file holds."""
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, data) -> Standardizer:
        """The inverse of :meth:`to_dict`; a malformed section is a ValueError."""
        if not isinstance(data, dict) or set(data) != {"mean", "std"}:
            raise ValueError(f"standardizer: expected {{'mean': [...], 'std': [...]}}, got {data!r}")
        return cls(data["mean"], data["std"])

    def __eq__(self, other) -> bool:
        return (isinstance(other, Standardizer) and np.array_equal(self.mean, other.mean)
                and np.array_equal(self.std, other.std))

    def __repr__(self) -> str:
        def show(v):
            return "[" + ", ".join(f"{x:.4g}" for x in v) + "]"
        return f"Standardizer(mean={show(self.mean)}, std={show(self.std)})"
