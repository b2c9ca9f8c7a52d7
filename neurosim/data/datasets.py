"""Small seeded data sets for experiments: ``X, Y = ns.datasets.moons(200, noise=0.1, seed=0)``.

Every generator returns ``(X, Y)`` in the API's row layout: X has shape (m, d), one example per row.
Classification sets return Y as integer class labels 0 … K−1 of shape (m,) (what ``loss="cross_entropy"``
takes directly; with one output neuron the other losses read them as 0/1 targets); the regression set
``sine`` returns Y of shape (m, 1).

Common arguments:

* ``m``: the number of examples. Classes get ⌊m/K⌋ or ⌈m/K⌉ examples each, so they differ by at most one.
* ``noise``: the standard deviation of independent Gaussian noise added to every input coordinate
  (``sine``: to the target). ``noise=0`` gives the exact geometry.
* ``seed``: ``None`` or a whole number ≥ 0; the same seed gives the same data. The noise and the row
  order come from two separate streams of the seed, so changing ``noise`` moves the points by
  ``noise · ε`` with the same ε and keeps their order.
* ``shuffle``: ``True`` (default) mixes the rows; ``False`` keeps them grouped by class in generation order.

``split(X, Y, test=0.25, seed=0)`` holds rows out for testing (or validation) in any data set, each class in
proportion (see :mod:`neurosim.data.sampling` for the rule).

Only numpy is used.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from ..base.limits import check_memory, excerpt
from ..base.names import did_you_mean
from ..core.validation import check_number
from .sampling import split  # noqa: F401  (split is part of ns.datasets)
from .sampling import streams as _streams

Dataset = tuple[np.ndarray, np.ndarray]

# The four corners of the unit square with their XOR labels, in truth-table order.
_XOR_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_XOR_LABELS = np.array([0, 1, 1, 0])


# Memory per example while a set is made: a few float64 columns, the label, the noise and the row order.
BYTES_PER_EXAMPLE = 80


def _count(value, name: str, minimum: int, width: int = 2) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}: expected a whole number >= {minimum}, got {excerpt(value)}")
    if name == "m":   # the number of examples: refuse before numpy tries to allocate terabytes
        check_memory(int(value) * BYTES_PER_EXAMPLE * max(1, width // 2), "m", f"{excerpt(int(value))} examples")
    return int(value)


def _split(m: int, k: int) -> list[int]:
    """Examples per class: the first m mod k classes get one more, so counts differ by at most one."""
    return [m // k + (1 if c < m % k else 0) for c in range(k)]


def _finish(X: np.ndarray, labels: np.ndarray, noise: float, rng: np.random.Generator,
            order_rng: np.random.Generator, shuffle: bool) -> Dataset:
    # Draw the noise even when noise == 0, so that X(noise=s) − X(noise=0) = s·ε with the same ε.
    with np.errstate(over="ignore", invalid="ignore"):
        X = X + noise * rng.standard_normal(X.shape)
    if not np.all(np.isfinite(X)):
        raise ValueError(f"noise: {noise:g} is so large that some inputs overflow to inf; expected a noise that "
                         "keeps the inputs finite (below about 1e300)")
    if shuffle:
        order = order_rng.permutation(X.shape[0])
        X, labels = X[order], labels[order]
    return X, labels.astype(np.int64)


def _check_shuffle(shuffle) -> bool:
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle: expected True or False, got {shuffle!r}")
    return shuffle


def xor(m: int = 200, noise: float = 0.1, seed: int | None = None, shuffle: bool = True) -> Dataset:
    """XOR: points around the corners of the unit square, label y = x_1 XOR x_2.

    Example k sits at corner k mod 4 of (0,0), (0,1), (1,0), (1,1) (labels 0, 1, 1, 0) plus noise, so
    ``xor(4, noise=0, shuffle=False)`` is exactly the truth table. X (m, 2), Y (m,) in {0, 1}; m >= 4.
    """
    m = _count(m, "m", 4)
    noise = check_number(noise, "noise")
    rng, order_rng = _streams(seed)
    corner = np.arange(m) % 4
    return _finish(_XOR_CORNERS[corner], _XOR_LABELS[corner], noise, rng, order_rng, _check_shuffle(shuffle))


def moons(m: int = 200, noise: float = 0.1, seed: int | None = None, shuffle: bool = True) -> Dataset:
    """Two interleaving half circles of radius 1.

    Class 0: (cos t, sin t); class 1: (1 − cos t, ½ − sin t), with t evenly spaced in [0, π]; plus noise.
    Class 0 gets ⌈m/2⌉ examples. X (m, 2), Y (m,) in {0, 1}; m >= 2.
    """
    m = _count(m, "m", 2)
    noise = check_number(noise, "noise")
    rng, order_rng = _streams(seed)
    n0, n1 = _split(m, 2)
    t0, t1 = np.linspace(0.0, math.pi, n0), np.linspace(0.0, math.pi, n1)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])])
    labels = np.repeat([0, 1], [n0, n1])
    return _finish(X, labels, noise, rng, order_rng, _check_shuffle(shuffle))


def circles(m: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int | None = None,
            shuffle: bool = True) -> Dataset:
    """Two concentric circles: class 0 on radius 1, class 1 on radius ``factor`` (0 < factor < 1).

    Angles are evenly spaced over [0, 2π) in each class; plus noise. Class 0 gets ⌈m/2⌉ examples.
    X (m, 2), Y (m,) in {0, 1}; m >= 2.
    """
    m = _count(m, "m", 2)
    noise = check_number(noise, "noise")
    factor = check_number(factor, "factor", positive=True)
    if factor >= 1.0:
        raise ValueError(f"factor: expected the inner radius as a number in (0, 1), got {factor!r}")
    rng, order_rng = _streams(seed)
    n0, n1 = _split(m, 2)
    t0 = np.linspace(0.0, 2 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * math.pi, n1, endpoint=False)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        factor * np.column_stack([np.cos(t1), np.sin(t1)])])
    labels = np.repeat([0, 1], [n0, n1])
    return _finish(X, labels, noise, rng, order_rng, _check_shuffle(shuffle))


def spiral(m: int = 300, classes: int = 3, noise: float = 0.05, turns: float = 0.75, seed: int | None = None,
           shuffle: bool = True) -> Dataset:
    """K interleaved spiral arms around the origin, one per class.

    The n examples of arm c have radii r_k = k/n (k = 1 … n) and angles θ = 2πc/K + 2π·turns·r_k;
    x = r (cos θ, sin θ) plus noise, so noise-free points lie in the unit disc. X (m, 2),
    Y (m,) in {0, …, K−1}; classes >= 2, m >= classes.
    """
    k = _count(classes, "classes", 2)
    m = _count(m, "m", k)
    noise = check_number(noise, "noise")
    turns = check_number(turns, "turns")
    rng, order_rng = _streams(seed)
    parts = []
    for c, n in enumerate(_split(m, k)):
        r = np.arange(1, n + 1) / n
        theta = 2 * math.pi * c / k + 2 * math.pi * turns * r
        parts.append(r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)]))
    labels = np.repeat(np.arange(k), _split(m, k))
    return _finish(np.concatenate(parts), labels, noise, rng, order_rng, _check_shuffle(shuffle))


def blob_centers(classes: int = 3, dim: int = 2, spread: float = 2.0) -> np.ndarray:
    """The centres ``blobs`` uses, shape (K, dim).

    dim >= 2: centre c = spread·(cos 2πc/K, sin 2πc/K, 0, …, 0), on a circle of radius ``spread``.
    dim = 1: centre c = spread·(c − (K−1)/2), evenly spaced on a line ``spread`` apart.
    """
    k = _count(classes, "classes", 2)
    dim = _count(dim, "dim", 1)
    check_memory(k * dim * 8, "classes, dim", f"{excerpt(k)} centres of dimension {excerpt(dim)}")
    spread = check_number(spread, "spread", positive=True)
    if dim == 1:
        return spread * (np.arange(k, dtype=float) - (k - 1) / 2)[:, None]
    angle = 2 * math.pi * np.arange(k) / k
    centers = np.zeros((k, dim))
    centers[:, 0], centers[:, 1] = spread * np.cos(angle), spread * np.sin(angle)
    return centers


def blobs(m: int = 300, classes: int = 3, noise: float = 0.5, dim: int = 2, spread: float = 2.0,
          seed: int | None = None, shuffle: bool = True) -> Dataset:
    """K Gaussian blobs: class c is its centre (see :func:`blob_centers`) plus N(0, noise²) in every coordinate.

    X (m, dim), Y (m,) in {0, …, K−1}; classes >= 2, m >= classes.
    """
    centers = blob_centers(classes, dim, spread)
    m = _count(m, "m", centers.shape[0], centers.shape[1])
    noise = check_number(noise, "noise")
    rng, order_rng = _streams(seed)
    counts = _split(m, centers.shape[0])
    labels = np.repeat(np.arange(centers.shape[0]), counts)
    return _finish(centers[labels], labels, noise, rng, order_rng, _check_shuffle(shuffle))


def sine(m: int = 100, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Regression: x uniform in [−π, π], y = sin(x) + noise·ε with ε ~ N(0, 1).

    X (m, 1), Y (m, 1) floats; m >= 1. Rows are in random order already.
    """
    m = _count(m, "m", 1)
    noise = check_number(noise, "noise")
    rng, _ = _streams(seed)
    X = rng.uniform(-math.pi, math.pi, (m, 1))
    with np.errstate(over="ignore", invalid="ignore"):
        Y = np.sin(X) + noise * rng.standard_normal((m, 1))
    if not np.all(np.isfinite(Y)):
        raise ValueError(f"noise: {noise:g} is so large that some targets overflow to inf; expected a noise that "
                         "keeps them finite (below about 1e300)")
    return X, Y


# name -> (generator, "classification" | "regression")
DATASETS: dict[str, tuple[Callable[..., Dataset], str]] = {
    "xor": (xor, "classification"),
    "moons": (moons, "classification"),
    "circles": (circles, "classification"),
    "spiral": (spiral, "classification"),
    "blobs": (blobs, "classification"),
    "sine": (sine, "regression"),
}
NAMES = tuple(DATASETS)


def task(name: str) -> str:
    """``"classification"`` or ``"regression"``: what the data set ``name`` asks of a network."""
    return DATASETS[_check_name(name)][1]


def load(name: str, **kwargs) -> Dataset:
    """``load("moons", m=100, seed=0)`` is ``moons(m=100, seed=0)``: a data set by its name (see ``NAMES``)."""
    generator = DATASETS[_check_name(name)][0]
    try:
        return generator(**kwargs)
    except TypeError as exc:
        if "unexpected keyword" in str(exc):
            raise TypeError(f"{name}: {exc}") from None
        raise


def _check_name(name) -> str:
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"name: unknown data set {excerpt(name)}{did_you_mean(name, NAMES)}; valid names are "
                         f"{', '.join(NAMES)}")
    return name
