"""neurosim.datasets: shapes, seeding, the meaning of noise, class balance and value ranges."""

import math

import numpy as np
import pytest

import neurosim as ns
from neurosim import datasets as ds

CLASSIFIERS = {
    "xor": dict(m=10),
    "moons": dict(m=11),
    "circles": dict(m=11),
    "spiral": dict(m=13, classes=4),
    "blobs": dict(m=13, classes=4),
}


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classification_shapes_dtypes_and_balance(name):
    kw = CLASSIFIERS[name]
    X, Y = ds.load(name, seed=3, **kw)
    k = kw.get("classes", 2)
    assert X.shape == (kw["m"], 2) and X.dtype == np.float64
    assert Y.shape == (kw["m"],) and np.issubdtype(Y.dtype, np.integer)
    counts = np.bincount(Y, minlength=k)
    assert len(counts) == k and counts.sum() == kw["m"]
    assert counts.max() - counts.min() <= 1
    assert ds.task(name) == "classification"


@pytest.mark.parametrize("name", [*CLASSIFIERS, "sine"])
def test_same_seed_same_data_other_seed_other_data(name):
    X1, Y1 = ds.load(name, seed=7)
    X2, Y2 = ds.load(name, seed=7)
    X3, _ = ds.load(name, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", [*CLASSIFIERS, "sine"])
def test_noise_scales_one_fixed_perturbation(name):
    # X(noise=s) − X(noise=0) must be s·ε with the same ε for every s (and the same row order).
    if name == "sine":
        X0, Y0 = ds.sine(50, noise=0.0, seed=1)
        X1, Y1 = ds.sine(50, noise=0.1, seed=1)
        X2, Y2 = ds.sine(50, noise=0.3, seed=1)
        np.testing.assert_array_equal(X0, X1)
        np.testing.assert_allclose(Y0, np.sin(X0), atol=1e-15)
        np.testing.assert_allclose((Y2 - Y0) / 0.3, (Y1 - Y0) / 0.1, atol=1e-12)
        return
    X0, Y0 = ds.load(name, noise=0.0, seed=1)
    X1, Y1 = ds.load(name, noise=0.1, seed=1)
    X2, Y2 = ds.load(name, noise=0.3, seed=1)
    np.testing.assert_array_equal(Y0, Y1)
    np.testing.assert_array_equal(Y0, Y2)
    eps = (X1 - X0) / 0.1
    np.testing.assert_allclose((X2 - X0) / 0.3, eps, atol=1e-12)
    assert 0.7 < eps.std() < 1.3 and abs(eps.mean()) < 0.3


def test_xor_without_noise_is_the_truth_table():
    X, Y = ds.xor(4, noise=0.0, shuffle=False)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(Y, [0, 1, 1, 0])
    X, Y = ds.xor(40, noise=0.0, seed=2)
    np.testing.assert_array_equal(Y, np.logical_xor(X[:, 0] == 1, X[:, 1] == 1).astype(int))


def test_moons_geometry_without_noise():
    X, Y = ds.moons(40, noise=0.0, seed=0)
    upper, lower = X[Y == 0], X[Y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert np.all(upper[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert np.all(lower[:, 1] <= 0.5 + 1e-12)


def test_circles_radii_and_factor():
    X, Y = ds.circles(30, noise=0.0, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[Y == 0], 1.0)
    np.testing.assert_allclose(r[Y == 1], 0.3)


def test_spiral_arms_without_noise():
    n, k, turns = 10, 3, 0.75
    X, Y = ds.spiral(n * k, classes=k, noise=0.0, turns=turns, shuffle=False)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.all(r <= 1 + 1e-12) and np.all(r > 0)
    for c in range(k):
        rc = r[Y == c]
        np.testing.assert_allclose(np.sort(rc), np.arange(1, n + 1) / n)
        # angle = 2πc/K + 2π·turns·r, compared on the circle
        expected = 2 * math.pi * c / k + 2 * math.pi * turns * rc
        pts = X[Y == c]
        np.testing.assert_allclose(pts[:, 0], rc * np.cos(expected), atol=1e-12)
        np.testing.assert_allclose(pts[:, 1], rc * np.sin(expected), atol=1e-12)


def test_blobs_centres_and_spread():
    X, Y = ds.blobs(3000, classes=3, noise=0.4, spread=5.0, seed=0)
    for c in range(3):
        centre = [5 * math.cos(2 * math.pi * c / 3), 5 * math.sin(2 * math.pi * c / 3)]
        np.testing.assert_allclose(X[Y == c].mean(axis=0), centre, atol=0.06)
        np.testing.assert_allclose(X[Y == c].std(axis=0), 0.4, rtol=0.1)
    X, Y = ds.blobs(9, classes=3, dim=1, noise=0.0, spread=2.0, shuffle=False)
    assert X.shape == (9, 1)
    np.testing.assert_array_equal(X[:, 0], np.repeat([-2.0, 0.0, 2.0], 3))
    X, _ = ds.blobs(6, classes=2, dim=4, noise=0.0, seed=0)
    assert X.shape == (6, 4) and np.all(X[:, 2:] == 0)


def test_sine_range_and_shape():
    X, Y = ds.sine(500, noise=0.0, seed=0)
    assert X.shape == (500, 1) and Y.shape == (500, 1)
    assert X.min() >= -math.pi and X.max() <= math.pi
    assert X.min() < -3.0 and X.max() > 3.0
    assert ds.task("sine") == "regression"


def test_shuffle_false_groups_by_class():
    _, Y = ds.blobs(7, classes=3, shuffle=False, seed=0)
    np.testing.assert_array_equal(Y, [0, 0, 0, 1, 1, 2, 2])
    _, Y = ds.moons(20, seed=0)
    assert not np.all(np.diff(Y) >= 0)


def test_data_trains_a_network_in_the_row_layout():
    X, Y = ds.xor(8, noise=0.0, seed=0)
    net = ns.Network([2, 3, 1], seed=0)
    assert np.isfinite(net.cost(X, Y))
    X, Y = ds.spiral(9, classes=3, seed=0)
    assert np.isfinite(ns.Network([2, 4, 3], activation="relu", loss="cross_entropy", seed=0).cost(X, Y))
    X, Y = ds.sine(5, seed=0)
    assert np.isfinite(ns.Network([1, 4, 1], output="identity", seed=0).cost(X, Y))


@pytest.mark.parametrize("call, match", [
    (lambda: ds.moons(1), "m: expected a whole number >= 2"),
    (lambda: ds.xor(3), "m: expected a whole number >= 4"),
    (lambda: ds.moons(10.5), "m: expected a whole number"),
    (lambda: ds.moons(True), "m: expected a whole number"),
    (lambda: ds.moons(10, noise=-0.1), "noise: expected a non-negative number"),
    (lambda: ds.moons(10, noise=float("nan")), "noise: expected a finite number"),
    (lambda: ds.moons(10, seed=-1), "seed: expected None or a whole number >= 0"),
    (lambda: ds.moons(10, seed="a"), "seed: expected None"),
    (lambda: ds.circles(10, factor=1.0), "factor: expected the inner radius"),
    (lambda: ds.spiral(10, classes=1), "classes: expected a whole number >= 2"),
    (lambda: ds.blobs(2, classes=3), "m: expected a whole number >= 3"),
    (lambda: ds.blobs(10, dim=0), "dim: expected a whole number >= 1"),
    (lambda: ds.load("iris"), "unknown data set 'iris'; valid names are xor, moons"),
    (lambda: ds.sine(0), "m: expected a whole number >= 1"),
])
def test_bad_arguments_name_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_keyword_and_shuffle_type():
    with pytest.raises(TypeError, match="moons"):
        ds.load("moons", classes=3)
    with pytest.raises(TypeError, match="shuffle: expected True or False"):
        ds.moons(10, shuffle="yes")
