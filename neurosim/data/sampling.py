"""Seeded sampling for the data sets: :func:`streams` (the two random generators of one seed) and held-out data,
``split(X, Y, test=0.25, seed=0)``, which cuts the rows of any data set into a training part and a
test (or validation) part, each row with its target, and — for class labels — every class in both parts.

Stratification, the rule: the rows of each class c (n_c of them, m in all) go to the held-out part in
proportion, t_c ≈ n_c · n_test / m. The t_c are the largest-remainder rounding of those shares (ties drawn with
``seed``), adjusted so that every class with at least 2 rows keeps at least one row in each part whenever
n_test allows it (at least one row per such class on each side); a class of 1 row lands on either side. Within a
class the rows are drawn at random with ``seed``. Without stratification the held-out rows are simply the
first n_test of a seeded random permutation.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..core.history import is_classification
from ..core.validation import check_number, check_seed


def streams(seed) -> tuple[np.random.Generator, np.random.Generator]:
    """Two independent generators from one seed: one for noise and sampling, one for the row order."""
    noise_seq, order_seq = np.random.SeedSequence(check_seed(seed)).spawn(2)
    return np.random.default_rng(noise_seq), np.random.default_rng(order_seq)


def class_labels(Y: np.ndarray) -> bool:
    """Whether Y names classes: integer, boolean or text labels, a 1-D array of floats that are all whole
    numbers, rows that are one-hot (a single 1, the rest 0), or a single column of 0/1 targets."""
    if Y.dtype.kind in "iubUS":
        return True
    if Y.dtype.kind != "f" or Y.size == 0 or not np.all(np.isfinite(Y)):
        return False
    return bool(np.all(Y == np.round(Y))) if Y.ndim == 1 else is_classification(Y)


def _row_count(test, m: int) -> int:
    """The held-out part's rows: a share in (0, 1) rounded (kept between 1 and m − 1) or a count 1 … m − 1."""
    if isinstance(test, numbers.Integral) and not isinstance(test, bool):
        if not 1 <= test <= m - 1:
            raise ValueError(f"test: expected a share in (0, 1) or a row count 1 … {m - 1}, got {test!r}")
        return int(test)
    share = check_number(test, "test")
    if not 0 < share < 1:
        raise ValueError(f"test: expected a share in (0, 1) or a row count 1 … {m - 1}, got {test!r}")
    return min(max(round(share * m), 1), m - 1)


def _allocate(counts: np.ndarray, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """How many rows of each class go to the held-out part (see the module's rule)."""
    quota = counts * n_test / counts.sum()
    low = (counts >= 2).astype(np.int64)
    high = np.where(counts >= 2, counts - 1, counts)
    if not low.sum() <= n_test <= high.sum():      # too few rows to keep every class on both sides
        low, high = np.zeros_like(counts), counts
    take = np.clip(np.floor(quota).astype(np.int64), low, high)
    priority = rng.permutation(len(counts))         # breaks ties between equal remainders, seeded
    while take.sum() < n_test:                      # the largest remainders get one more row
        room = np.flatnonzero(take < high)
        take[room[np.lexsort((priority[room], -(quota[room] - take[room])))[0]]] += 1
    while take.sum() > n_test:                      # the lower bounds overshot: the most over quota give back
        room = np.flatnonzero(take > low)
        take[room[np.lexsort((priority[room], quota[room] - take[room]))[0]]] -= 1
    return take


def split(X, Y, test: float = 0.25, seed: int | None = None,
          stratify: bool | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Held-out data: the rows of (X, Y) split at random into a training part and a test part.

    ``test`` is the test part's share of the rows, a number in (0, 1) (its row count is round(test·m),
    kept between 1 and m − 1 so neither part is empty), or a whole number of rows 1 … m − 1. The same
    ``seed`` gives the same split. ``stratify``: None (default) stratifies when Y holds class labels (see
    :func:`class_labels`), so that each class is held out in proportion and every class of 2 or more rows
    appears in both parts; True stratifies by the distinct rows of Y whatever they are; False draws the
    held-out rows without regard to Y. Returns ``X_train, X_test, Y_train, Y_test``: every row lands in
    exactly one part, with its target, in its original order. Call it twice for three parts.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2:
        raise ValueError(f"X: expected shape (m, d), one example per row, got {X.shape}")
    m = X.shape[0]
    if Y.ndim not in (1, 2) or Y.shape[0] != m:
        raise ValueError(f"Y: expected {m} targets (one per row of X) of shape ({m},) or ({m}, k), got {Y.shape}")
    if m < 2:
        raise ValueError(f"X: splitting needs at least 2 rows, got {m}")
    if stratify is not None and not isinstance(stratify, (bool, np.bool_)):
        raise ValueError(f"stratify: expected None (by class labels when Y holds them), True or False, got "
                         f"{stratify!r}")
    n_test = _row_count(test, m)
    rng, _ = streams(seed)
    if stratify is False or (stratify is None and not class_labels(Y)):
        held = rng.permutation(m)[:n_test]
    else:
        _, group = np.unique(Y, axis=0 if Y.ndim > 1 else None, return_inverse=True)
        group = np.asarray(group).reshape(m)   # each row's class: the index of its distinct value
        take = _allocate(np.bincount(group), n_test, rng)
        held = np.concatenate([rng.permutation(np.flatnonzero(group == c))[:t] for c, t in enumerate(take)])
    mask = np.zeros(m, dtype=bool)
    mask[held] = True
    return X[~mask], X[mask], Y[~mask], Y[mask]
