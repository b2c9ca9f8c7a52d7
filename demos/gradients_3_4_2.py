"""The 3-4-2 sigmoid network of "Backpropagation of Gradients": every dimension checked, then one update.

Follows the note "Backpropagation of Gradients": inputs a^0 (3), a hidden layer a^1 (4) and an output
layer a^2 (2), all sigmoid, cost C = ½‖a^2 − t‖², and one gradient-descent step W^l ← W^l − α ∂C/∂W^l,
b^l ← b^l − α ∂C/∂b^l. The demo checks the shape of every factor in every gradient formula, the values
against neurosim's neurons and against central differences, and that one step lowers C.

Notation: the note counts layers from 0, neurosim (Van Vaerenbergh) from 1, so the note's a^0, a^1, a^2
are a^(1), a^(2), a^(3); its W^1, W^2 are W^(1), W^(2); its δ^2, δ^1 are neurosim's δ^(3), δ^(2). The note
writes δ^3 in ∂C/∂b^2 and inside ∂C/∂W^1 where it means δ^2 (its network has no layer 3): the demo uses
δ^2 there, with the bracket of δ^1 = (W^2)^T δ^2 ∘ σ′(z^1) in its proper place.

Figure: gradients_3_4_2.png (W^l, ∂C/∂W^l and W^l after the step, with their shapes).

Run: python demos/gradients_3_4_2.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, heatmap, plt

import neurosim as ns

ALPHA = 0.5


def col(v) -> np.ndarray:
    """A column vector (n × 1), the layout of the note."""
    return np.asarray(v, dtype=float).reshape(-1, 1)


def main(argv=None) -> None:
    demo = Demo(__doc__, "gradients_3_4_2", argv)
    ex = ns.example("gradients")
    net, x, t = ex.net, ex.x, ex.y
    print(f"network {net.sizes}, sigmoid everywhere; a^0 = x = {x}, t = {t}, α = {ALPHA}")
    sigmoid = net.activations[0]

    demo.section("forward pass, in the note's column vectors")
    W1, W2 = net.weights(1), net.weights(2)
    b1, b2 = col(net.biases(1)), col(net.biases(2))
    a0 = col(x)
    z1 = W1 @ a0 + b1
    a1 = sigmoid.f(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid.f(z2)
    for name, M, shape in [("W^1", W1, (4, 3)), ("W^2", W2, (2, 4)), ("a^0", a0, (3, 1)), ("a^1", a1, (4, 1)),
                           ("b^1", b1, (4, 1)), ("z^1", z1, (4, 1)), ("z^2", z2, (2, 1)), ("a^2", a2, (2, 1))]:
        demo.claim(M.shape == shape, f"[{name}] is {shape[0]}×{shape[1]}")
    out = net.forward(x)
    demo.close_enough(out, a2.ravel(), "neurosim's output neurons a_i^(3) equal a^2 = σ(W^2 σ(W^1 a^0 + b^1) + b^2)")

    demo.section("backward pass with the dimension checks")
    net.backward(t)
    delta2 = (a2 - col(t)) * sigmoid.df(z2)                    # δ^2 ≡ (a^2 − t) ∘ σ′(z^2)
    delta1 = (W2.T @ delta2) * sigmoid.df(z1)                  # δ^1 ≡ (W^2)^T δ^2 ∘ σ′(z^1)
    dW2, db2 = delta2 @ a1.T, delta2
    dW1, db1 = delta1 @ a0.T, delta1
    demo.claim(delta2.shape == (2, 1), "[δ^2] is 2×1, the size of the output layer")
    demo.claim((W2.T @ delta2).shape == (4, 1) and delta1.shape == (4, 1),
               "[δ^1]_{4×1} = [W^2_{2×4}]^T [δ^2]_{2×1} ∘ [σ′(z^1)]_{4×1}: 4×2 times 2×1 gives 4×1")
    demo.claim(dW2.shape == W2.shape == (2, 4), "[∂C/∂W^2]_{2×4} = [δ^2]_{2×1} [a^1]^T_{1×4}, the shape of W^2")
    demo.claim(db2.shape == b2.shape == (2, 1), "[∂C/∂b^2]_{2×1} = [δ^2]_{2×1} (δ^2, not δ^3: there is no layer 3)")
    demo.claim(dW1.shape == W1.shape == (4, 3), "[∂C/∂W^1]_{4×3} = [δ^1]_{4×1} [a^0]^T_{1×3}, the shape of W^1")
    demo.claim(db1.shape == b1.shape == (4, 1), "[∂C/∂b^1]_{4×1} = [δ^1]_{4×1}")
    demo.close_enough([n.delta for n in net.layer(3)], delta2.ravel(), "the output neurons' δ_i^(3) are the note's δ^2")
    demo.close_enough([n.delta for n in net.layer(2)], delta1.ravel(), "the hidden neurons' δ_i^(2) are the note's δ^1")
    grads = net.gradients(x[None, :], t[None, :])
    for (gW, gb), (nW, nb), l in zip(grads, [(dW1, db1), (dW2, db2)], (1, 2)):
        demo.close_enough(gW, nW, f"neurosim's ∂C/∂W^({l}) equals the note's ∂C/∂W^{l}")
        demo.close_enough(gb, nb.ravel(), f"neurosim's ∂C/∂b^({l}) equals the note's ∂C/∂b^{l}")
    check = ns.gradient_check(net, x[None, :], t[None, :])
    demo.claim(check.ok, f"central differences agree with every one of the {check.total} gradients "
                         f"(largest relative error {check.max_rel_error:.1e})")

    demo.section(f"one gradient-descent step, α = {ALPHA}")
    before = net.cost(x[None, :], t[None, :])
    expected = [(W1 - ALPHA * dW1, (b1 - ALPHA * db1).ravel()), (W2 - ALPHA * dW2, (b2 - ALPHA * db2).ravel())]
    returned = net.step(x[None, :], t[None, :], ALPHA)
    demo.close_enough(returned, before, "net.step returns C before the step")
    for l, ((W_new, b_new), (W_exp, b_exp)) in enumerate(zip(net.parameters(), expected), start=1):
        demo.close_enough(W_new, W_exp, f"W^({l}) after the step is W^{l} − α ∂C/∂W^{l}")
        demo.close_enough(b_new, b_exp, f"b^({l}) after the step is b^{l} − α ∂C/∂b^{l}")
    after = net.cost(x[None, :], t[None, :])
    first_order = -ALPHA * sum(float(np.sum(g ** 2)) for pair in grads for g in pair)
    print(f"  C before {before:.6f}, after {after:.6f}: change {after - before:+.6f} "
          f"(first-order prediction −α‖∇C‖² = {first_order:+.6f})")
    demo.claim(after < before, "the step lowers the cost C")

    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5))
    for row, (l, W, dW) in enumerate([(1, W1, dW1), (2, W2, dW2)]):
        r, c = W.shape
        heatmap(axes[row, 0], W, f"W^{l} (neurosim W^({l})), {r}×{c}")
        heatmap(axes[row, 1], dW, f"∂C/∂W^{l} = δ^{l} (a^{l - 1})ᵀ, {r}×{c}", fmt="{:.4f}")
        heatmap(axes[row, 2], net.weights(l), f"W^{l} − α ∂C/∂W^{l}, α = {ALPHA}")
    fig.suptitle('"Backpropagation of Gradients": the 3-4-2 network before and after one step')
    fig.tight_layout()
    demo.save(fig, "gradients_3_4_2.png")
    demo.done()


if __name__ == "__main__":
    main()
