"""Activations and losses: values, derivatives and numerical stability."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import neurosim as ns
from neurosim.core.activations import ACTIVATIONS, get_activation, logsumexp, softmax
from neurosim.core.losses import LOSSES, get_loss

ELEMENTWISE = [name for name, act in ACTIVATIONS.items() if act.elementwise]
Z = np.array([-1e4, -700.0, -30.0, -2.5, -1e-3, 0.0, 1e-3, 0.7, 3.0, 30.0, 700.0, 1e4])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_no_overflow_warning_and_finite_at_large_z(name):
    act = ACTIVATIONS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, slopes = act.f(Z), act.df(Z)
        scalars = [act.f_scalar(float(z)) for z in Z]
        scalar_slopes = [act.df_scalar(float(z)) for z in Z]
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes))
    np.testing.assert_allclose(scalars, values, rtol=1e-15, atol=0)
    np.testing.assert_allclose(scalar_slopes, slopes, rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z = np.array([-3.0, -0.8, -0.1, 0.2, 0.9, 2.5])   # away from the kink at 0
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.df(z), numeric, rtol=1e-7, atol=1e-10)


def test_known_values():
    sig = ACTIVATIONS["sigmoid"]
    assert sig.f_scalar(0.0) == 0.5 and sig.df_scalar(0.0) == 0.25
    assert sig.f_scalar(math.log(3)) == pytest.approx(0.75, rel=1e-15)
    assert sig.f_scalar(-1e4) == 0.0 and sig.f_scalar(1e4) == 1.0
    assert ACTIVATIONS["relu"].df_scalar(0.0) == 0.0 and ACTIVATIONS["relu"].df(np.array([0.0]))[0] == 0.0
    assert ACTIVATIONS["softplus"].f_scalar(0.0) == pytest.approx(math.log(2), rel=1e-15)
    assert ACTIVATIONS["softplus"].f_scalar(1e4) == 1e4
    assert ACTIVATIONS["tanh"].df_scalar(0.0) == 1.0
    assert get_activation("linear") is ACTIVATIONS["identity"] and get_activation("ReLU") is ACTIVATIONS["relu"]


def test_softmax_and_logsumexp_are_stable():
    z = np.array([1e4, 1e4 - 1.0, -1e4])
    p = softmax(z)
    e = math.exp(-1.0)
    np.testing.assert_allclose(p, [1 / (1 + e), e / (1 + e), 0.0], rtol=1e-15, atol=1e-300)
    assert logsumexp(z) == pytest.approx(1e4 + math.log1p(e), rel=1e-15)
    P = softmax(np.array([[0.0, 0.0], [0.0, math.log(3)]]))
    np.testing.assert_allclose(P, [[0.5, 0.5], [0.25, 0.75]], rtol=1e-15)
    with pytest.raises(ValueError, match="Jacobian"):
        ACTIVATIONS["softmax"].df(z)


def test_loss_values_against_their_definitions():
    a, t = np.array([0.2, 0.9]), np.array([0.0, 1.0])
    assert get_loss("half_sse").value(None, a, t) == pytest.approx(0.5 * (0.04 + 0.01))
    assert get_loss("sse").value(None, a, t) == pytest.approx(0.04 + 0.01)
    z = np.array([0.5, -1.0, 2.0])
    p = np.exp(z) / np.exp(z).sum()
    assert get_loss("cross_entropy").value(z, p, np.array([0, 1, 0.0])) == pytest.approx(-np.log(p[1]), rel=1e-14)
    zb = np.array([0.3, -2.0])
    s = 1 / (1 + np.exp(-zb))
    yb = np.array([1.0, 0.0])
    expected = -np.sum(yb * np.log(s) + (1 - yb) * np.log(1 - s))
    assert get_loss("binary_cross_entropy").value(zb, s, yb) == pytest.approx(expected, rel=1e-14)
    # Far in the tails the z-based forms stay finite where log(a) would give inf.
    assert get_loss("binary_cross_entropy").value(np.array([-800.0]), np.array([0.0]), np.array([1.0])) == 800.0
    assert get_loss("cross_entropy").value(np.array([0.0, -800.0]), None, np.array([0, 1.0])) == pytest.approx(800.0)


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_gradient_matches_central_differences_through_the_output(name):
    """δ = ∂J/∂z of each loss with its default output activation, against differences of J in z."""
    loss = get_loss(name)
    out = ACTIVATIONS[loss.paired_output or "tanh"]
    z = np.array([0.3, -0.6, 1.1])
    t = np.array([0.0, 1.0, 0.0]) if name == "cross_entropy" else np.array([0.2, 0.9, 0.0])
    delta = loss.delta(out.df, z, out.f(z), t)
    h = 1e-6
    numeric = [(loss.value(z + h * e, out.f(z + h * e), t) - loss.value(z - h * e, out.f(z - h * e), t)) / (2 * h)
               for e in np.eye(3)]
    np.testing.assert_allclose(delta, numeric, rtol=1e-7, atol=1e-10)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'.*'sigmoid'.*'linear'"):
        ns.Network([2, 1], activation="sigmod")
    with pytest.raises(ValueError, match="unknown loss 'mse'.*'half_sse'"):
        ns.Network([2, 1], loss="mse")
    with pytest.raises(TypeError, match="activation"):
        ns.Network([2, 1], activation=3)
    with pytest.raises(TypeError, match="Activation f"):
        ns.Activation("bad", 1, 2)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("m", [1, 3, 32, 257])
def test_the_batch_mean_of_a_loss_is_numpys_mean_to_the_last_bit(name, m):
    loss = LOSSES[name]
    rng = np.random.default_rng(m)
    Z = rng.normal(size=(3, m)) * 4
    A = softmax(Z, axis=0) if loss.paired_output == "softmax" else 1 / (1 + np.exp(-Z))
    T = np.eye(3)[:, rng.integers(0, 3, m)]
    assert loss.mean(Z, A, T) == float(np.mean(loss.value(Z, A, T, axis=0)))


@pytest.mark.parametrize("kind", ["list", "float", "float32", "masked"])
def test_a_loss_of_ones_own_averages_like_numpys_mean_whatever_its_value_returns(kind):
    half_sse = LOSSES["half_sse"].value
    shape = {"list": list, "float": lambda v: float(v.sum()), "float32": lambda v: v.astype(np.float32),
             "masked": lambda v: np.ma.masked_array(v, mask=np.arange(v.size) % 3 == 0)}[kind]
    loss = ns.Loss("mine", lambda z, a, t, axis=-1: shape(half_sse(z, a, t, axis)), LOSSES["half_sse"].grad)
    rng = np.random.default_rng(7)
    Z = rng.normal(size=(2, 301))
    A, T = np.tanh(Z), rng.normal(size=(2, 301))
    assert loss.mean(Z, A, T) == float(np.mean(loss.value(Z, A, T, axis=0)))
