"""The scalar engine: every neuron computes its own numbers from its neighbours' (DESIGN §1).

``layers[l - 1]`` is the list of Neurons of layer l; each neuron's ``incoming``/``outgoing`` lists are
the Connections the graph holds, so a pruned connection is simply absent from every sum.

Forward, for l = 2 … n_l:   z_i^(l) = Σ_j W_ij^(l−1) a_j^(l−1) + b_i^(l−1),   a_i^(l) = f(z_i^(l))
Backward, output layer:     δ_i^(n_l) = ∂J/∂a_i · f′(z_i)   (or a_i − y_i for a paired loss)
          hidden layers:    δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) · f′(z_i^(l))
Gradients:                  ∂J/∂W_ji^(l) = δ_j^(l+1) a_i^(l),   ∂J/∂b_i^(l−1) = δ_i^(l)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .graph import Neuron
from .losses import Loss


def forward(layers: Sequence[Sequence[Neuron]], x: Sequence[float]) -> None:
    """Set a^(1) = x, then let every neuron of layers 2 … n_l compute z_i and a_i, layer by layer."""
    for neuron, x_i in zip(layers[0], x):
        neuron.a = x_i
    for layer in layers[1:]:
        activation = layer[0].activation
        f = activation.f_scalar if activation.elementwise else None
        for neuron in layer:
            z = neuron.bias
            for c in neuron.incoming:
                z += c.weight * c.source.a
            neuron.z = z
            if f is not None:
                neuron.a = f(z)
        if f is None:
            # softmax: a_i depends on every z of the layer, so the layer finishes it together.
            p = activation.f(np.array([neuron.z for neuron in layer]))
            for neuron, p_i in zip(layer, p.tolist()):
                neuron.a = p_i


def zero_grads(layers: Sequence[Sequence[Neuron]]) -> None:
    """Reset every Connection.grad and Neuron.bias_grad to 0 before gradients are accumulated."""
    for layer in layers[1:]:
        for neuron in layer:
            neuron.bias_grad = 0.0
            for c in neuron.incoming:
                c.grad = 0.0


def backward(layers: Sequence[Sequence[Neuron]], t: Sequence[float], loss: Loss) -> None:
    """After :func:`forward`: every neuron computes δ from its successors' messages, output layer first.

    Gradients are *added* to Connection.grad and Neuron.bias_grad, so a batch accumulates Σ_k over
    its examples; call :func:`zero_grads` first for one example's gradient.
    """
    output = layers[-1]
    df = output[0].activation.df_scalar if output[0].activation.elementwise else None
    for neuron, t_i in zip(output, t):
        neuron.delta = delta = loss.delta(df, neuron.z, neuron.a, t_i)
        neuron.bias_grad += delta
    for layer in reversed(layers[1:-1]):
        df = layer[0].activation.df_scalar
        for neuron in layer:
            a = neuron.a
            messages = 0.0
            for c in neuron.outgoing:
                delta_j = c.target.delta
                messages += delta_j * c.weight   # the message δ_j W_ji sent back along this connection
                c.grad += delta_j * a            # ∂J/∂W_ji = δ_j a_i, while both numbers are at hand
            neuron.delta = delta = messages * df(neuron.z)
            neuron.bias_grad += delta
    for neuron in layers[0]:
        a = neuron.a
        for c in neuron.outgoing:
            c.grad += c.target.delta * a
