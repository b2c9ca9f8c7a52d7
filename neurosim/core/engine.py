"""The scalar engine: every neuron computes its own numbers from its neighbours' (DESIGN §1).

``layers[l - 1]`` is the list of Neurons of layer l. Each neuron holds the row of its incoming weights
W_i·, and before a backward pass :func:`transpose` gives it its outgoing weights W_·i, so the sums below
run over the connections the graph holds (a pruned connection is absent from every sum); ``inputs`` /
``outputs`` name the neighbours when some connections were pruned, and are None when all are there.

Forward, for l = 2 … n_l:   z_i^(l) = Σ_j W_ij^(l−1) a_j^(l−1) + b_i^(l−1),   a_i^(l) = f(z_i^(l))
Backward, output layer:     δ_i^(n_l) = ∂J/∂a_i · f′(z_i)   (or a_i − y_i for a paired loss)
          hidden layers:    δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) · f′(z_i^(l))
Gradients, over m examples k:  ∂J/∂W_ij^(l) = (1/m) Σ_k δ_i^(l+1) a_j^(l),   ∂J/∂b_i^(l) = (1/m) Σ_k δ_i^(l+1)

The sums are ``sumprod(row, column)``: one C-level loop each (``math.sumprod`` from Python 3.12).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import mul

import numpy as np

from .graph import Neuron
from .losses import Loss

try:
    from math import sumprod
except ImportError:   # Python < 3.12
    def sumprod(p, q):
        """Σ_k p_k q_k."""
        return sum(map(mul, p, q))

Layers = Sequence[Sequence[Neuron]]


def forward(layers: Layers, x: Sequence[float]) -> list[list[float]]:
    """Set a^(1) = x, then let every neuron of layers 2 … n_l compute z_i and a_i, layer by layer.

    Returns a^(l) of every layer as lists (the backward pass reads them from there)."""
    a = list(x)
    for neuron, x_j in zip(layers[0], a):
        neuron.a = x_j
    activations = [a]
    for layer in layers[1:]:
        activation = layer[0].activation
        f = activation.f_scalar if activation.elementwise else None
        a_below, a = a, []
        for neuron in layer:
            # a_j of the neurons feeding this one: all of layer l − 1 unless some connections were pruned
            a_in = a_below if neuron.inputs is None else [a_below[j] for j in neuron.inputs]
            # _bias: the value behind the checked ``bias`` property (checked on assignment, not read per example)
            neuron.z = z = neuron._bias + sumprod(neuron.weights, a_in)
            if f is not None:
                neuron.a = a_i = f(z)
                a.append(a_i)
        if f is None:
            # softmax: a_i depends on every z of the layer, so the layer finishes it together.
            a = activation.f(np.array([neuron.z for neuron in layer])).tolist()
            for neuron, a_i in zip(layer, a):
                neuron.a = a_i
        activations.append(a)
    return activations


def transpose(layers: Layers) -> None:
    """Give every hidden neuron its outgoing weights W_·i^(l), read from its successors' rows (once per pass:
    the weights do not change during one)."""
    for layer, above in zip(layers[1:-1], layers[2:]):
        if all(neuron.inputs is None for neuron in above):
            for neuron, column in zip(layer, zip(*[n.weights for n in above])):
                neuron.out_weights = column
        else:
            for neuron in layer:
                neuron.out_weights = [c.weight for c in neuron.outgoing]


def backward(layers: Layers, activations: list[list[float]], t: Sequence[float], loss: Loss) -> list[list[float]]:
    """After :func:`forward` (which returned ``activations``) and :func:`transpose`: every neuron computes δ
    from its successors' messages, output layer first. Returns δ^(l) of every layer as lists (None for l = 1)."""
    output = layers[-1]
    df = output[0].activation.df_scalar if output[0].activation.elementwise else None
    deltas = []
    for neuron, t_i in zip(output, t):
        neuron.delta = delta = loss.delta(df, neuron.z, neuron.a, t_i)
        deltas.append(delta)
    all_deltas = [deltas]
    for layer in reversed(layers[1:-1]):
        # δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) f′(z_i^(l)): the messages δ_j W_ji neuron i receives, summed
        df = layer[0].activation.df_az
        deltas_above, deltas = deltas, []
        for neuron in layer:
            d_out = deltas_above if neuron.outputs is None else [deltas_above[i] for i in neuron.outputs]
            neuron.delta = delta = sumprod(neuron.out_weights, d_out) * df(neuron.a, neuron.z)
            deltas.append(delta)
        all_deltas.append(deltas)
    all_deltas.append(None)
    all_deltas.reverse()
    return all_deltas


def gradients(layers: Layers, activations: list[list[list[float]]], deltas: list[list[list[float]]]) -> None:
    """The batch mean over the m examples k: ∂J/∂W_ij^(l) = (1/m) Σ_k δ_i^(l+1) a_j^(l) into each neuron's
    ``weight_grads`` (so into every Connection.grad) and ∂J/∂b_i^(l) = (1/m) Σ_k δ_i^(l+1) into its ``bias_grad``.

    ``activations[k]`` and ``deltas[k]`` are what :func:`forward` and :func:`backward` returned for example k.
    """
    m = len(activations)
    if m == 1:
        # One example: the sums have one term each, ∂J/∂W_ij^(l) = δ_i^(l+1) a_j^(l) and ∂J/∂b_i^(l) = δ_i^(l+1)
        # (a sum over one example per weight would cost a call per weight).
        (a_k,), (d_k,) = activations, deltas
        for l in range(1, len(layers)):
            for neuron, delta in zip(layers[l], d_k[l]):
                a_in = a_k[l - 1] if neuron.inputs is None else [a_k[l - 1][j] for j in neuron.inputs]
                neuron.weight_grads = list(map(mul, repeat(delta), a_in))
                neuron.bias_grad = delta
        return
    for l in range(1, len(layers)):
        # per neuron j of layer l, its a_j over the examples; per neuron i of layer l + 1, its δ_i over them
        a_below = list(zip(*[a[l - 1] for a in activations]))
        for neuron, deltas_i in zip(layers[l], zip(*[d[l] for d in deltas])):
            a_in = a_below if neuron.inputs is None else [a_below[j] for j in neuron.inputs]
            neuron.weight_grads = [sumprod(deltas_i, a_j) / m for a_j in a_in]
            neuron.bias_grad = sum(deltas_i) / m
