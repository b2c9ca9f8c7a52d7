"""ns.datasets.split with class labels: stratified by default (each class held out in proportion, every class of 2 or
more rows on both sides when the counts allow), seeded, and the old unstratified split kept under stratify=False."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns


def _rows(X_part) -> list[int]:
    return X_part[:, 0].astype(int).tolist()


def _old_split(m: int, n_test: int, seed: int) -> list[int]:
    """The unstratified rule written out: the first n_test rows of a permutation drawn by the first of the two
    generators spawned from the seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(2)[0])
    return sorted(rng.permutation(m)[:n_test].tolist())


def test_a_rare_class_is_never_left_out_of_either_part():
    # 50 + 5 + 2 rows: an unstratified 10% split misses the class of 2 in most draws
    Y = np.repeat([0, 1, 2], [50, 5, 2])
    X = np.arange(len(Y), dtype=float)[:, None]
    missed = 0
    for seed in range(20):
        for test in (0.1, 0.25, 0.5):
            X_tr, X_te, Y_tr, Y_te = ns.datasets.split(X, Y, test=test, seed=seed)
            assert set(Y_te.tolist()) == set(Y_tr.tolist()) == {0, 1, 2}, (seed, test)
            assert Y_te.tolist() == [Y[k] for k in _rows(X_te)]          # targets travel with their rows
            n_test = round(test * len(Y))
            for c, n_c in enumerate((50, 5, 2)):
                share = n_c * n_test / len(Y)
                got = int(np.sum(Y_te == c))
                # near its share: the one row each small class must give each side may cost the big class one
                assert abs(got - share) < 2 or got in (1, n_c - 1), (seed, test, c, got, share)
            missed += 2 not in Y[_old_split(len(Y), n_test, seed)]
    assert missed > 0      # the unstratified rule does lose the class: the test above is not vacuous


@pytest.mark.parametrize("Y", [
    np.repeat([3, 7], [30, 10]),                                   # integer labels
    np.repeat(["cat", "dog"], [30, 10]),                           # text labels
    np.eye(2)[np.repeat([0, 1], [30, 10])],                        # one-hot rows
    np.repeat([0.0, 1.0], [30, 10])[:, None],                      # a 0/1 column
])
def test_every_form_of_class_labels_is_stratified(Y):
    X = np.arange(40, dtype=float)[:, None]
    _, X_te, _, Y_te = ns.datasets.split(X, Y, test=0.2, seed=5)
    rows = _rows(X_te)
    # 8 held out: 30·8/40 = 6 of the big class and 10·8/40 = 2 of the small one, exactly
    assert len(rows) == 8 and sum(k >= 30 for k in rows) == 2
    np.testing.assert_array_equal(Y_te, Y[rows])


def test_regression_targets_and_stratify_false_keep_the_old_split():
    m = 37
    X = np.arange(m, dtype=float)[:, None]
    Y = np.sin(np.arange(m))[:, None]                              # numbers to regress
    for seed in (0, 3, 11):
        assert _rows(ns.datasets.split(X, Y, test=9, seed=seed)[1]) == _old_split(m, 9, seed)
        labels = np.arange(m) % 3
        assert _rows(ns.datasets.split(X, labels, test=9, seed=seed, stratify=False)[1]) == _old_split(m, 9, seed)
    # and stratify=True groups any targets by their distinct rows
    Y_groups = np.repeat([0.5, 1.5], [27, 10])[:, None]
    _, X_te, _, _ = ns.datasets.split(X, Y_groups, test=10, seed=0, stratify=True)
    assert sum(k >= 27 for k in _rows(X_te)) == round(10 * 10 / 37)


def test_same_seed_same_split_and_a_bad_stratify_is_named():
    X, Y = ns.datasets.blobs(60, classes=3, seed=0)
    a = ns.datasets.split(X, Y, test=0.3, seed=4)
    b = ns.datasets.split(X, Y, test=0.3, seed=4)
    for p, q in zip(a, b):
        np.testing.assert_array_equal(p, q)
    with pytest.raises(ValueError, match="stratify: expected None"):
        ns.datasets.split(X, Y, stratify="yes")


@settings(max_examples=25, deadline=None)
@given(counts=st.lists(st.integers(1, 12), min_size=1, max_size=5), data=st.data())
def test_stratified_split_is_a_partition_with_the_documented_counts(counts, data):
    m = sum(counts)
    if m < 2:
        return
    n_test = data.draw(st.integers(1, m - 1))
    seed = data.draw(st.integers(0, 2 ** 32))
    Y = np.repeat(np.arange(len(counts)), counts)
    X = np.arange(m, dtype=float)[:, None]
    X_tr, X_te, Y_tr, Y_te = ns.datasets.split(X, Y, test=n_test, seed=seed)
    assert sorted(_rows(X_tr) + _rows(X_te)) == list(range(m)) and len(X_te) == n_test
    assert _rows(X_te) == sorted(_rows(X_te))                      # original order kept
    many = [n for n in counts if n >= 2]
    bounded = len(many) <= n_test and len(many) <= m - n_test
    for c, n_c in enumerate(counts):
        got = int(np.sum(Y_te == c))
        if bounded and n_c >= 2:
            assert 1 <= got <= n_c - 1
        # the lower bounds shift at most one row per class off its share
        assert abs(got - n_c * n_test / m) < 1 + len(counts), (counts, n_test, c, got)
