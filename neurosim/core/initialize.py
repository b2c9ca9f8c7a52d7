"""Weight initialisation schemes, for experiments on how a network starts: ``initialize(net, "xavier", seed=0)``.

Every scheme draws each W^(l) (s_{l+1} × s_l) afresh from a generator seeded by ``seed`` and sets every bias
b^(l) to 0; pruned connections stay 0. With s_l inputs into layer l + 1 (the fan-in) and s_{l+1} outputs:

* ``"auto"``: what ``Network`` itself does, ``"he"`` into ReLU-type layers and ``"lecun"`` elsewhere;
* ``"lecun"``: N(0, 1/s_l), which keeps the variance of z steady through tanh and sigmoid layers;
* ``"he"``: N(0, 2/s_l), for ReLU layers, which zero half their inputs;
* ``"xavier"``: N(0, 2/(s_l + s_{l+1})) (Glorot & Bengio), a compromise between the forward and backward pass;
* ``"uniform"``: U(−1/√s_l, 1/√s_l), the bound of PyTorch's default for a linear layer;
* ``"zeros"``: every weight 0 — every hidden neuron of a layer then computes the same z, receives the same δ
  and gets the same update, so they stay identical forever (the symmetry that random weights break).
"""

from __future__ import annotations

import math

import numpy as np

SCHEMES = ("auto", "lecun", "he", "xavier", "uniform", "zeros")
_RECTIFIERS = ("relu", "leaky_relu")


def initial_weights(scheme: str, s_in: int, s_out: int, activation: str, rng: np.random.Generator) -> np.ndarray:
    """One W^(l) of shape (s_out, s_in) drawn by ``scheme``; ``activation`` is the name of layer l + 1's f."""
    if scheme == "auto":
        scheme = "he" if activation in _RECTIFIERS else "lecun"
    if scheme == "lecun":
        return rng.normal(0.0, 1.0 / math.sqrt(s_in), (s_out, s_in))
    if scheme == "he":
        return rng.normal(0.0, math.sqrt(2.0 / s_in), (s_out, s_in))
    if scheme == "xavier":
        return rng.normal(0.0, math.sqrt(2.0 / (s_in + s_out)), (s_out, s_in))
    if scheme == "uniform":
        bound = 1.0 / math.sqrt(s_in)
        return rng.uniform(-bound, bound, (s_out, s_in))
    if scheme == "zeros":
        return np.zeros((s_out, s_in))
    raise ValueError(f"scheme: expected one of {', '.join(SCHEMES)}, got {scheme!r}")


def initialize(net, scheme: str = "auto", seed: int | None = None) -> None:
    """Redraw every weight of ``net`` (a Network or MatrixNetwork) by ``scheme`` and set every bias to 0."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme: expected one of {', '.join(SCHEMES)}, got {scheme!r}")
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise ValueError(f"seed: expected None or a non-negative integer, got {seed!r}") from None
    for l in range(1, net.n_layers):
        W = initial_weights(scheme, net.sizes[l - 1], net.sizes[l], net.activations[l - 1].name, rng)
        net.set_weights(l, W * net.mask(l))
        net.set_biases(l, np.zeros(net.sizes[l]))
