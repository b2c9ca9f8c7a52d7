"""Random small networks of every activation and loss, with one example, for the browser tests."""

from __future__ import annotations

import numpy as np

import neurosim as ns

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity"]
LOSSES = ["half_sse", "sse", "cross_entropy", "binary_cross_entropy"]

STEP_FIELDS = ("phase", "kind", "layer", "index", "source", "symbol", "value", "formula", "numbers")
NEURON_KINDS = ("z", "a", "delta", "bias", "bias_grad")


def random_case(seed: int, activation: str, loss: str, prune: bool = True, max_width: int = 4):
    """(net, x, y): a random 2–4 layer network with random biases and, with ``prune``, one connection removed."""
    rng = np.random.default_rng(seed)
    n_l = int(rng.integers(2, 5))
    sizes = [int(s) for s in rng.integers(1, max_width + 1, n_l)]
    if loss == "cross_entropy":
        sizes[-1] = max(2, sizes[-1])
    net = ns.Network(sizes, activation=activation, loss=loss, seed=seed)
    for l in range(1, n_l):
        net.set_biases(l, np.round(rng.normal(0, 0.5, sizes[l]), 3))
    if prune and sizes[0] * sizes[1] > 1:
        net.prune(1, int(rng.integers(1, sizes[1] + 1)), int(rng.integers(1, sizes[0] + 1)))
    x = np.round(rng.uniform(-2, 2, sizes[0]), 3)
    if loss == "cross_entropy":
        y = int(rng.integers(0, sizes[-1]))
    elif loss == "binary_cross_entropy":
        y = np.round(rng.uniform(0, 1, sizes[-1]), 2)
    else:
        y = np.round(rng.normal(0, 1, sizes[-1]), 2)
    return net, x, y


def python_values(net) -> list:
    """[(kind, l, i, j, value)] for every neuron quantity and connection of ``net`` after a pass."""
    out = []
    for l in range(1, net.n_layers + 1):
        for n in net.layer(l):
            for kind in NEURON_KINDS:
                v = {"z": n.z, "a": n.a, "delta": n.delta, "bias": n.bias, "bias_grad": n.bias_grad}[kind]
                out.append((kind, l, n.index, None, None if l == 1 and kind != "a" else v))
    for l in range(1, net.n_layers):
        for c in net.connections(l):
            out.append(("weight", l, c.i, c.j, c.weight))
            out.append(("grad", l, c.i, c.j, c.grad))
    return out


ALL_STEPS_JS = ("const out = []; for (let k = 0; k < ex.steps(); k++) { ex.goto(k); out.push(ex.current()); } "
                "return out;")
VALUES_JS = "return arg.map(([kind, l, i, j]) => j === null ? ex.value(kind, l, i) : ex.value(kind, l, i, j));"


def close(a: float, b: float) -> bool:
    """DESIGN §5's agreement: 1e-10 relative or 1e-13 absolute (NaN equals NaN)."""
    if a is None or b is None:
        return a is b
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return abs(a - b) <= max(1e-13, 1e-10 * max(abs(a), abs(b)))
