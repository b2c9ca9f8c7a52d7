"""Tong Wu's two-layer network: every "why?" of the derivation answered with numbers.

Follows "Backpropagation Derivation for a Two-Layer Neural Network" by Tong Wu (2024): hidden
activation σ, a separate elementwise output activation f, loss L = ½‖y − ŷ‖². The note marks three
steps "why?"; this demo answers each one and checks the answer on neurosim's 2-3-2 network, once
with f = sigmoid and once with f = identity (the regression case, where f′ = 1), and shows the same
error terms in neurosim's step-through (ns.trace) written in the note's bracket notation.

Notation: the note's W^[1], z^[1], a^[1], z^[2] are neurosim's W^(1), z^(2), a^(2), z^(3) (Van
Vaerenbergh's count makes the input layer 1). The note uses δ^[2] without defining it: it is
∂L/∂z^[2], which neurosim calls δ^(3).

Figures: tong_wu_why.png (the Jacobian ∂ŷ/∂z^[2] is diagonal; the gradients of W^[2] and W^[1]).

Run: python demos/tong_wu_two_layer.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, heatmap, plt

import neurosim as ns

EPS = 1e-6


def loss_from_hidden(a1, W2, b2, f, y):
    """L as a function of a^[1] alone: ½‖y − f(W^[2] a^[1] + b^[2])‖²."""
    return 0.5 * np.sum((y - f(W2 @ a1 + b2)) ** 2)


def loss_from_params(x, y, W1, b1, W2, b2, sigma, f):
    return 0.5 * np.sum((y - f(W2 @ sigma(W1 @ x + b1) + b2)) ** 2)


def numeric_grad(fun, v):
    """Central differences of the scalar function ``fun`` at the array ``v``, one entry at a time."""
    g = np.zeros_like(v)
    for k in np.ndindex(v.shape):
        up, down = v.copy(), v.copy()
        up[k] += EPS
        down[k] -= EPS
        g[k] = (fun(up) - fun(down)) / (2 * EPS)
    return g


def answer(demo: Demo, net: ns.Network, x, y, axes) -> None:
    sigma, f = net.activations[0], net.activations[1]
    W1, b1 = net.weights(1), net.biases(1)
    W2, b2 = net.weights(2), net.biases(2)
    y_hat = net.forward(x)
    net.backward(y)
    z1 = np.array([n.z for n in net.layer(2)])
    a1 = np.array([n.a for n in net.layer(2)])
    z2 = np.array([n.z for n in net.layer(3)])
    delta2 = np.array([n.delta for n in net.layer(3)])   # the note's δ^[2] = ∂L/∂z^[2], neurosim's δ^(3)
    delta1 = np.array([n.delta for n in net.layer(2)])   # ∂L/∂z^[1], neurosim's δ^(2)

    demo.close_enough(z1, W1 @ x + b1, "forward: the hidden neurons' z_i^(2) make up z^[1] = W^[1] x + b^[1]")
    demo.close_enough(y_hat, f.f(W2 @ sigma.f(z1) + b2), f"forward: ŷ = f(W^[2] a^[1] + b^[2]) with f = {f.name}")

    print(f"\n  why? (1)  ∂L/∂z^[2] = ∂L/∂ŷ · ∂ŷ/∂z^[2] = (ŷ − y) ∘ f′(z^[2])   [f = {f.name}]")
    print("    because f acts on each entry alone: ŷ_i depends on z_i^[2] only, so the Jacobian ∂ŷ/∂z^[2] is")
    print("    diagonal with f′(z_i^[2]) on the diagonal, and multiplying by a diagonal matrix is an ∘ product.")
    jac = np.column_stack([(f.f(z2 + EPS * e) - f.f(z2 - EPS * e)) / (2 * EPS) for e in np.eye(len(z2))])
    demo.claim(np.all(jac[~np.eye(len(z2), dtype=bool)] == 0), "the off-diagonal entries of ∂ŷ/∂z^[2] are exactly 0")
    demo.close_enough(np.diag(jac), f.df(z2), "its diagonal is f′(z^[2])", atol=1e-8)
    demo.close_enough(delta2, (y_hat - y) * f.df(z2), "every output neuron's δ_i^(3) is (ŷ_i − y_i) f′(z_i^[2])")
    if f.name == "identity":
        demo.close_enough(delta2, y_hat - y, "with f = identity, f′ = 1 and ∂L/∂z^[2] is just ŷ − y")

    print("\n  why? (2)  ∂L/∂W^[2] = ∂L/∂z^[2] (a^[1])^T")
    print("    because z_i^[2] = Σ_j W_ij^[2] a_j^[1] + b_i^[2]: W_ij^[2] reaches L only through z_i^[2], and")
    print("    ∂z_i^[2]/∂W_ij^[2] = a_j^[1]. Entry (i, j) is δ_i a_j: the outer product δ^[2] (a^[1])^T.")
    i, j = 1, 2
    bumped = W2.copy()
    bumped[i, j] += EPS
    dz = (bumped @ a1 + b2 - (W2 @ a1 + b2)) / EPS
    demo.close_enough(dz, np.eye(len(z2))[i] * a1[j],
                      f"nudging W_{i + 1}{j + 1}^[2] moves z_{i + 1}^[2] alone, at the rate a_{j + 1}^[1]", atol=1e-8)
    grad_W2 = np.array([[net.connection(2, r + 1, c + 1).grad for c in range(len(a1))] for r in range(len(z2))])
    demo.close_enough(grad_W2, np.outer(delta2, a1), "each Connection's grad in W^(2) is δ_i^(3) a_j^(2)")
    fd_W2 = numeric_grad(lambda W: loss_from_params(x, y, W1, b1, W, b2, sigma.f, f.f), W2)
    demo.close_enough(grad_W2, fd_W2, "and central differences of L agree", atol=1e-8)

    print("\n  why? (3)  ∂L/∂a^[1] = (W^[2])^T ∂L/∂z^[2]")
    print("    because a_j^[1] feeds every z_i^[2] with weight W_ij^[2]: the chain rule adds one term per path,")
    print("    Σ_i δ_i W_ij — the messages hidden neuron j receives from its successors. That sum is row j of W^T δ.")
    dL_da1 = W2.T @ delta2
    fd_a1 = numeric_grad(lambda a: loss_from_hidden(a, W2, b2, f.f, y), a1)
    demo.close_enough(dL_da1, fd_a1, "(W^[2])^T δ^[2] equals central differences of L in a^[1]", atol=1e-8)
    messages = [sum(c.target.delta * c.weight for c in n.outgoing) for n in net.layer(2)]
    demo.close_enough(messages, dL_da1, "and each hidden neuron's sum of messages Σ_i δ_i^(3) W_ij^(2)")

    print("\n  then  ∂L/∂z^[1] = ∂L/∂a^[1] ∘ σ′(z^[1])  (σ elementwise: the reason of why (1) again)")
    print("  and   ∂L/∂W^[1] = ∂L/∂z^[1] x^T          (the reason of why (2) again)")
    demo.close_enough(delta1, dL_da1 * sigma.df(z1),
                      "every hidden neuron's δ_j^(2) is (Σ_i δ_i^(3) W_ij^(2)) σ′(z_j^(2))")
    grads = net.gradients(x[None, :], y[None, :])
    fd_W1 = numeric_grad(lambda W: loss_from_params(x, y, W, b1, W2, b2, sigma.f, f.f), W1)
    fd_b1 = numeric_grad(lambda b: loss_from_params(x, y, W1, b, W2, b2, sigma.f, f.f), b1)
    demo.close_enough(grads[0][0], np.outer(delta1, x), "summary: ∂L/∂W^[1] = [(W^[2])^T δ^[2] ∘ σ′(z^[1])] x^T")
    demo.close_enough(grads[0][0], fd_W1, "…which central differences confirm", atol=1e-8)
    demo.close_enough(grads[0][1], fd_b1, "summary: ∂L/∂b^[1] = (W^[2])^T δ^[2] ∘ σ′(z^[1]), confirmed", atol=1e-8)
    demo.close_enough(grads[1][1], (y_hat - y) * f.df(z2), "summary: ∂L/∂b^[2] = (ŷ − y) ∘ f′(z^[2])")

    print("\n  the same error terms in the step-through, ns.trace(net, x, y, notation='bracket'):")
    steps = [s for s in ns.trace(net, x, y, notation="bracket") if s.phase == "backward"]
    for step in steps:
        print(f"    {step.symbol} = {step.numbers}")
    traced = {(s.layer, s.index): s.value for s in steps}
    demo.close_enough([traced[3, i] for i in range(1, len(z2) + 1)], (y_hat - y) * f.df(z2),
                      "the trace's δ^[2] (neurosim's δ^(3)) is (ŷ − y) ∘ f′(z^[2])")
    demo.close_enough([traced[2, j] for j in range(1, len(z1) + 1)], (W2.T @ delta2) * sigma.df(z1),
                      "the trace's δ^[1] (neurosim's δ^(2)) is (W^[2])^T δ^[2] ∘ σ′(z^[1])")

    titles = ["∂ŷ/∂z^[2] (diagonal)", "∂L/∂W^[2] = δ^[2] (a^[1])ᵀ", "∂L/∂W^[1] = (∂L/∂z^[1]) xᵀ"]
    for ax, M, title in zip(axes, [jac, grad_W2, grads[0][0]], titles):
        heatmap(ax, M, f"f = {f.name}: {title}")


def main(argv=None) -> None:
    demo = Demo(__doc__, "tong_wu_two_layer", argv)
    ex = ns.example("tong-wu")
    x, y = ex.x, ex.y
    print(f"network {ex.net.sizes}: hidden σ = sigmoid; x = {x}, y = {y}")
    fig, axes = plt.subplots(2, 3, figsize=(12, 7))
    for row, output in enumerate(["sigmoid", "identity"]):
        demo.section(f"output activation f = {output}")
        net = ns.Network(ex.net.sizes, activation="sigmoid", output=output, loss="half_sse")
        net.set_parameters(ex.net.parameters())
        demo.claim(net.activations[1].name == output, f"the output layer uses f = {output}")
        answer(demo, net, x, y, axes[row])
    fig.suptitle("Tong Wu's two-layer net: the answers to the three \"why?\"s")
    fig.tight_layout()
    demo.save(fig, "tong_wu_why.png")
    demo.done()


if __name__ == "__main__":
    main()
