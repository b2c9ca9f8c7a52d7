"""An independent witness for the tests: backprop for one example written directly from the equations with
numpy, sharing no code with neurosim (not even its activation functions), and central finite differences."""

from __future__ import annotations

import numpy as np

F = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: np.where(z > 0, 1.0, 0.0)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
    "softplus": (lambda z: np.log(1 + np.exp(z)), lambda z: 1 / (1 + np.exp(-z))),
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
}


def reference_backprop(Ws, bs, acts, loss, x, t):
    """Per-example z, a, δ (lists indexed by layer number l, None where undefined), J and gradients.

    ``acts[l - 2]`` names the activation of layer l; ``t`` is the target vector (one-hot for cross_entropy).
    """
    n = len(Ws) + 1
    z, a = [None, None], [None, np.asarray(x, float)]
    for l in range(1, n):
        z.append(Ws[l - 1] @ a[l] + bs[l - 1])
        name = acts[l - 1]
        if name == "softmax":
            e = np.exp(z[-1] - z[-1].max())
            a.append(e / e.sum())
        else:
            a.append(F[name][0](z[-1]))
    out, zo = a[n], z[n]
    if loss == "half_sse":
        J, delta_out = 0.5 * np.sum((out - t) ** 2), (out - t) * F[acts[-1]][1](zo)
    elif loss == "sse":
        J, delta_out = np.sum((out - t) ** 2), 2 * (out - t) * F[acts[-1]][1](zo)
    elif loss == "cross_entropy":
        J, delta_out = -np.log(out[np.argmax(t)]), out - t
    elif loss == "binary_cross_entropy":
        J, delta_out = -np.sum(t * np.log(out) + (1 - t) * np.log(1 - out)), out - t
    delta = [None] * (n + 1)
    delta[n] = delta_out
    for l in range(n - 1, 1, -1):
        delta[l] = (Ws[l - 1].T @ delta[l + 1]) * F[acts[l - 2]][1](z[l])
    grads = [(np.outer(delta[l + 1], a[l]), delta[l + 1]) for l in range(1, n)]
    return z, a, delta, J, grads


def finite_difference_gradients(net, X, Y, eps: float = 1e-6):
    """(J(θ + ε) − J(θ − ε)) / 2ε for every weight and bias, restoring the parameters afterwards."""
    params = net.parameters()
    grads = []
    for l, (W, b) in enumerate(params, start=1):
        gW, gb = np.zeros_like(W), np.zeros_like(b)
        mask = net.mask(l)
        for target, grad, setter in ((W, gW, net.set_weights), (b, gb, net.set_biases)):
            for idx in np.ndindex(target.shape):
                if target is W and not mask[idx]:
                    continue
                old = target[idx]
                target[idx] = old + eps
                setter(l, target)
                up = net.cost(X, Y)
                target[idx] = old - eps
                setter(l, target)
                down = net.cost(X, Y)
                target[idx] = old
                setter(l, target)
                grad[idx] = (up - down) / (2 * eps)
        grads.append((gW, gb))
    net.set_parameters(params)
    return grads
