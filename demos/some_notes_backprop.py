""""Some Notes on Backpropagation": the linear net that is least squares, the ReLU mask, softmax's p − onehot(y).

Follows "Some Notes on Backpropagation" (Introductory Machine Learning course notes), in four parts:

1. the matrix chain rule for A = BC: ∂L/∂B = (∂L/∂A) Cᵀ and ∂L/∂C = Bᵀ (∂L/∂A), with matching shapes;
2. the purely linear two-layer net f = W_2 (W_1 x + b_1) + b_2: "just another linear model", so gradient
   descent on ½(y − f)² reaches the least-squares fit, checked against numpy.linalg.lstsq;
3. the ReLU net h = ReLU(W_1 x + b_1): the hidden gradients carry the mask 𝟙(h > 0); the note's eq. (19)
   is labelled ∂L/∂b_2 but is ∂L/∂b_1, and the demo shows the two different numbers;
4. 3-class softmax with log-loss −log p(y|x): ∂L/∂f = p − onehot(y) (eq. 24), so the output neurons' δ
   has no f′ factor; eq. (22) writes h_1 where h is meant, and ∂L/∂W_2 = (∂L/∂f) hᵀ uses h.

Notation: the note's W_1, b_1, W_2, b_2 are neurosim's W^(1), b^(1), W^(2), b^(2); its h is a^(2), its f is
z^(3) (the output before softmax), p is a^(3), and ∂L/∂f is δ^(3).

Figure: some_notes.png (training curve against the least-squares cost; the ReLU mask; p, onehot(y), p − onehot(y)).

Run: python demos/some_notes_backprop.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, heatmap, plt

import neurosim as ns

EPS = 1e-6


def softmax(f):
    """p_k = exp(f_k) / Σ_j exp(f_j), shifted by max f so that no exponent overflows."""
    e = np.exp(f - np.max(f))
    return e / e.sum()


def numeric_grad(fun, v):
    """Central differences of the scalar function ``fun`` at the array ``v``, one entry at a time."""
    g = np.zeros_like(v)
    for k in np.ndindex(v.shape):
        step = np.zeros_like(v)
        step[k] = EPS
        g[k] = (fun(v + step) - fun(v - step)) / (2 * EPS)
    return g


def chain_rule(demo: Demo) -> None:
    demo.section("1. the matrix chain rule for A = BC")
    rng = np.random.default_rng(0)
    B, C, T = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))

    def L(B, C):
        return 0.5 * np.sum((B @ C - T) ** 2)

    dA = B @ C - T                                    # ∂L/∂A for L = ½‖A − T‖²
    fd_B = numeric_grad(lambda B_: L(B_, C), B)
    fd_C = numeric_grad(lambda C_: L(B, C_), C)
    demo.claim((dA @ C.T).shape == B.shape and (B.T @ dA).shape == C.shape,
               "(∂L/∂A) Cᵀ is 3×2 · 2×4 = 3×4 like B, and Bᵀ (∂L/∂A) is 4×3 · 3×2 = 4×2 like C")
    demo.close_enough(dA @ C.T, fd_B, "∂L/∂B = (∂L/∂A) Cᵀ, by central differences", atol=1e-8)
    demo.close_enough(B.T @ dA, fd_C, "∂L/∂C = Bᵀ (∂L/∂A), by central differences", atol=1e-8)


def linear_is_least_squares(demo: Demo, ax) -> None:
    demo.section("2. the linear two-layer net reaches the least-squares fit")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    y = (X @ [1.5, -2.0] + 0.5 + 0.1 * rng.normal(size=30)).reshape(-1, 1)
    net = ns.Network([2, 2, 1], activation="identity", loss="half_sse", seed=1)
    history = net.fit(X, y, epochs=150, lr=0.1)
    W_eff = net.weights(2) @ net.weights(1)                   # f = W_2 W_1 x + (W_2 b_1 + b_2)
    b_eff = net.weights(2) @ net.biases(1) + net.biases(2)
    A = np.column_stack([X, np.ones(len(X))])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    best = 0.5 * np.mean((A @ beta - y) ** 2)
    print(f"  trained net: f = {W_eff.ravel().round(6)} · x + {b_eff.round(6)}")
    print(f"  lstsq:       f = {beta[:2].ravel().round(6)} · x + {beta[2].round(6)}")
    demo.close_enough(np.r_[W_eff.ravel(), b_eff], beta.ravel(), "W_2 W_1 and W_2 b_1 + b_2 equal the lstsq "
                      "coefficients", atol=1e-6)
    demo.claim(min(history) >= best - 1e-12, "no epoch's cost went below the least-squares cost: it is the "
                                             "best any linear model can do")
    demo.close_enough(history[-1], best, "the final cost is the least-squares cost", atol=1e-10)
    ax.semilogy(np.arange(1, len(history) + 1), np.array(history) - best + 1e-16, color="C0")
    ax.set_xlabel("epoch")
    ax.set_ylabel("J − J_lstsq")
    ax.set_title("2. linear net: cost above least squares", fontsize=9)


def relu_mask(demo: Demo, ax) -> None:
    demo.section("3. the ReLU net: gradients through the mask 𝟙(h > 0)")
    net = ns.Network([2, 4, 1], activation="relu", output="identity", loss="half_sse", seed=2)
    net.set_biases(1, [0.1, -0.2, 0.3, -0.1])
    x, y = np.array([0.7, -0.4]), np.array([1.0])
    f = net.forward(x)
    net.backward(y)
    W1, W2 = net.weights(1), net.weights(2)
    h = np.maximum(W1 @ x + net.biases(1), 0.0)
    mask = (h > 0).astype(float)
    dL_dh = W2.T @ (f - y)                                     # eq. (15): ∂L/∂h = W_2ᵀ ∂L/∂f
    print(f"  h = {h.round(4)}, 𝟙(h > 0) = {mask}")
    demo.claim(0 < mask.sum() < len(mask), "this example switches some hidden neurons off and others on")
    demo.close_enough([n.a for n in net.layer(2)], h, "the hidden neurons' a^(2) are h = ReLU(W_1 x + b_1)")
    demo.close_enough([n.delta for n in net.layer(2)], mask * dL_dh, "their δ^(2) is 𝟙(h > 0) ∘ W_2ᵀ (f − y)")
    grads = net.gradients(x[None, :], y[None, :])
    demo.close_enough(grads[0][0], np.outer(mask * dL_dh, x), "∂L/∂W_1 = [𝟙(h > 0) ∘ W_2ᵀ (f − y)] xᵀ (eq. 18)")
    demo.close_enough(grads[0][1], mask * dL_dh, "∂L/∂b_1 = 𝟙(h > 0) ∘ W_2ᵀ (f − y): eq. (19) is about b_1")
    demo.close_enough(grads[1][1], f - y, "while ∂L/∂b_2 = f − y (eq. 16), a different number")
    off = np.flatnonzero(mask == 0)
    demo.claim(np.all(grads[0][0][off] == 0), f"the switched-off neurons {(off + 1).tolist()} pass no gradient to "
                                              "their incoming weights")
    table = np.vstack([mask, dL_dh, mask * dL_dh])
    heatmap(ax, table, "3. ReLU: the mask gates the hidden gradient")
    ax.set_yticks(range(3), ["𝟙(h>0)", "W₂ᵀ(f−y)", "δ^(2)"])
    ax.set_xticks(range(4), [f"neuron {k}" for k in range(1, 5)], fontsize=8)


def softmax_classes(demo: Demo, ax) -> None:
    demo.section("4. three classes: softmax and log-loss give ∂L/∂f = p − onehot(y)")
    ex = ns.example("some-notes")
    net, x, label = ex.net, ex.x, int(ex.y)
    W1, b1, W2, b2 = net.weights(1), net.biases(1), net.weights(2), net.biases(2)
    h = np.maximum(W1 @ x + b1, 0.0)
    f = W2 @ h + b2                                            # eq. (22), with h (the note's h_1 is a slip)
    p = softmax(f)
    onehot = np.eye(3)[label]
    print(f"  class y = {label + 1} of 3 (neurosim label {label}); p = {p.round(4)}")
    demo.close_enough(net.forward(x), p, "the output neurons' a^(3) are p = Softmax(W_2 h + b_2)")
    net.backward(label)
    delta = np.array([n.delta for n in net.layer(3)])
    demo.close_enough(delta, p - onehot, "the output neurons' δ^(3) are p_k − 𝟙(y = k) (eq. 24): no f′ factor")

    def log_loss(f):
        return -np.log(softmax(f)[label])

    demo.close_enough(numeric_grad(log_loss, f), p - onehot, "central differences of −log p(y|x) in f agree", atol=1e-8)
    demo.close_enough(net.cost(x[None, :], [label]), log_loss(f), "net.cost is the log-loss −log p(y|x)")
    grads = net.gradients(x[None, :], [label])
    demo.close_enough(grads[1][0], np.outer(p - onehot, h), "∂L/∂W_2 = (∂L/∂f) hᵀ (eq. 25)")
    demo.close_enough(grads[0][0], np.outer((h > 0) * (W2.T @ (p - onehot)), x),
                      "∂L/∂W_1 = [𝟙(h > 0) ∘ W_2ᵀ (∂L/∂f)] xᵀ (eq. 29)")
    k = np.arange(1, 4)
    ax.bar(k - 0.25, p, 0.25, label="p")
    ax.bar(k, onehot, 0.25, label="onehot(y)")
    ax.bar(k + 0.25, p - onehot, 0.25, label="p − onehot(y) = δ^(3)")
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xticks(k, [f"class {c}" for c in k])
    ax.legend(fontsize=8)
    ax.set_title("4. softmax + log-loss: δ = p − onehot(y)", fontsize=9)


def main(argv=None) -> None:
    demo = Demo(__doc__, "some_notes_backprop", argv)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    chain_rule(demo)
    linear_is_least_squares(demo, axes[0])
    relu_mask(demo, axes[1])
    softmax_classes(demo, axes[2])
    fig.suptitle('"Some Notes on Backpropagation", checked')
    fig.tight_layout()
    demo.save(fig, "some_notes.png")
    demo.done()


if __name__ == "__main__":
    main()
