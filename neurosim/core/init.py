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
==================  =====================================================================================

The weights come from one numpy generator seeded by the network's ``seed``, layer 1 first, row by row;
the same seed and scheme give the same weights.
"""

from __future__ import annotations

import math
import re

import numpy as np

# He initialisation keeps the variance of z steady through rectifier layers, which zero half their inputs.
RECTIFIERS = {"relu", "leaky_relu"}

SCHEMES = ("auto", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "uniform(a)", "normal(σ)")
_NAMED = {"auto", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"}
_WITH_NUMBER = re.compile(r"^(uniform|normal)\(\s*([^()\s]+)\s*\)$")


def check_init(init) -> str:
    """``init`` as its canonical text (``"uniform(0.5)"``); a ValueError naming the schemes otherwise."""
    if isinstance(init, str):
        text = init.strip().lower()
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
    raise ValueError(f"init: expected one of {', '.join(SCHEMES)} (e.g. 'uniform(0.5)'), got {init!r}")


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
    kind, number = _WITH_NUMBER.match(init).groups()
    if kind == "uniform":
        return rng.uniform(-float(number), float(number), size=shape)
    return rng.normal(0.0, float(number), size=shape)
