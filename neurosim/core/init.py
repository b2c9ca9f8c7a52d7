"""Initialisation schemes: how each W^(l) (s_{l+1} × s_l) is first drawn. Every bias b^(l) starts at 0.

With fan_in = s_l (the inputs of a neuron of layer l + 1) and fan_out = s_{l+1}:

==================  =====================================================================================
``"auto"``          N(0, g²/fan_in), g = √2 into a ReLU or leaky-ReLU layer (He), g = 1 otherwise (LeCun):
                    the default, and what every earlier neurosim drew for the same seed
``"xavier_uniform"``  U(−a, a), a = √(6 / (fan_in + fan_out))       (Glorot & Bengio; torch's xavier_uniform_)
``"xavier_normal"``   N(0, σ²), σ = √(2 / (fan_in + fan_out))       (torch's xavier_normal_)
``"he_uniform"``      U(−a, a), a = √(6 / fan_in)                   (torch's kaiming_uniform_, ReLU gain)
``"he_normal"``       N(0, σ²), σ = √(2 / fan_in)                   (torch's kaiming_normal_, ReLU gain)
``"uniform(a)"``      U(−a, a) with the given a, e.g. ``"uniform(0.5)"``
``"normal(σ)"``       N(0, σ²) with the given σ, e.g. ``"normal(0.1)"``
``"lecun_normal"``    N(0, 1/fan_in): "auto" into a sigmoid or tanh layer
``"uniform"``         U(−a, a), a = 1/√fan_in                       (PyTorch's default for nn.Linear)
``"zeros"``           every weight 0 — then every hidden neuron of a layer computes the same z, receives the
                      same δ and gets the same update: they stay identical forever (the symmetry random
                      weights break)
==================  =====================================================================================

Short names: ``"lecun"``, ``"he"`` and ``"xavier"`` mean ``"lecun_normal"``, ``"he_normal"`` and
``"xavier_normal"``.

The weights come from one numpy generator seeded by the network's ``seed``, layer 1 first, row by row;
the same seed and scheme give the same weights.
"""

from __future__ import annotations

import math
import re

import numpy as np

# He initialisation keeps the variance of z steady through rectifier layers, which zero half their inputs.
RECTIFIERS = {"relu", "leaky_relu"}

SCHEMES = ("auto", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "uniform(a)", "normal(σ)",
           "lecun_normal", "uniform", "zeros")
ALIASES = {"lecun": "lecun_normal", "he": "he_normal", "xavier": "xavier_normal"}
_NAMED = {"auto", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "lecun_normal", "uniform", "zeros"}
_WITH_NUMBER = re.compile(r"^(uniform|normal)\(\s*([^()\s]+)\s*\)$")


def check_init(init) -> str:
    """``init`` as its canonical text (``"uniform(0.5)"``); a ValueError naming the schemes otherwise."""
    if isinstance(init, str):
        text = init.strip().lower()
        text = ALIASES.get(text, text)
        if text in _NAMED:
            return text
        found = _WITH_NUMBER.match(text)
        if found:
            try:
                number = float(found.group(2))
            except ValueError:
                number = math.nan
            if math.isfinite(number) and number > 0:
                return f"{found.group(1)}({number!r})"
            raise ValueError(f"init: the number in {init!r} should be a positive finite number")
    raise ValueError(f"init: expected one of {', '.join(SCHEMES)} (e.g. 'uniform(0.5)'; short names "
                     f"{', '.join(ALIASES)}), got {init!r}")


def draw_weights(init: str, fan_in: int, fan_out: int, activation: str, rng: np.random.Generator) -> np.ndarray:
    """One W^(l) of shape (fan_out, fan_in) drawn by the scheme ``init`` (checked by :func:`check_init`);
    ``activation`` is the name of layer l + 1's f (only "auto" looks at it)."""
    shape = (fan_out, fan_in)
    if init == "auto":
        gain = math.sqrt(2.0) if activation in RECTIFIERS else 1.0
        return rng.normal(0.0, gain / math.sqrt(fan_in), size=shape)
    if init == "xavier_uniform":
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-a, a, size=shape)
    if init == "xavier_normal":
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    if init == "he_uniform":
        a = math.sqrt(6.0 / fan_in)
        return rng.uniform(-a, a, size=shape)
    if init == "he_normal":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)
    if init == "lecun_normal":
        return rng.normal(0.0, math.sqrt(1.0 / fan_in), size=shape)
    if init == "uniform":
        a = 1.0 / math.sqrt(fan_in)
        return rng.uniform(-a, a, size=shape)
    if init == "zeros":
        return np.zeros(shape)
    kind, number = _WITH_NUMBER.match(init).groups()
    if kind == "uniform":
        return rng.uniform(-float(number), float(number), size=shape)
    return rng.normal(0.0, float(number), size=shape)


def initial_weights(init: str, sizes: list[int], activations: list, rng: np.random.Generator) -> list[np.ndarray]:
    """W^(1) … W^(n_l − 1) drawn one after the other by the scheme ``init`` (each layer's by its f), so that
    both engines built with the same seed start from the same weights."""
    return [draw_weights(init, sizes[l - 1], sizes[l], activations[l - 1].name, rng) for l in range(1, len(sizes))]


def seeded_rng(seed) -> np.random.Generator:
    """numpy's generator seeded by ``seed``; a ValueError naming ``seed`` for what numpy refuses."""
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise ValueError(f"seed: expected None or a non-negative integer, got {seed!r}") from None


def initialize(net, init: str = "auto", seed: int | None = None) -> None:
    """Redraw every weight of ``net`` (a Network or MatrixNetwork) by the scheme ``init`` with a generator
    seeded by ``seed``, and set every bias to 0; pruned connections stay 0. A Network records the scheme in
    ``net.init`` (and so in its saved file)."""
    init = check_init(init)
    for l, W in enumerate(initial_weights(init, net.sizes, net.activations, seeded_rng(seed)), start=1):
        net.set_weights(l, W * net.mask(l))
        net.set_biases(l, np.zeros(net.sizes[l]))
    if hasattr(net, "init"):
        net.init = init
