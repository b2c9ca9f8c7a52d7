"""Alsup's batched ReLU network: R, S, D, V and the 2/n gradients equal the scalar engine summed over examples.

Follows "Two-Layer Neural Network Gradient Derivation" by Terrence Alsup (2023): f(x) = W_2 σ(W_1 x + b_1) + b_2
with σ = ReLU, the loss ℓ = (1/n) Σ_i ‖f(x_i) − y_i‖² (no ½, hence the factors 2/n), and a batch stored as
COLUMNS, X = [x_1 … x_n] ∈ R^{m0×n}. With R = f(X) − Y, S = σ(W_1 X + b_1 1ᵀ), D = σ′(W_1 X + b_1 1ᵀ) and
V = W_2ᵀ R, the note's vectorized gradients are

    ∂ℓ/∂W_2 = (2/n) R Sᵀ,   ∂ℓ/∂b_2 = (2/n) R 1,   ∂ℓ/∂W_1 = (2/n) (V ∘ D) Xᵀ,   ∂ℓ/∂b_1 = (2/n) (V ∘ D) 1.

The demo computes them with numpy from these formulas and checks them against neurosim's scalar engine
(every neuron, one example at a time, per-example gradients summed and divided by n) and the matrix twin,
whose Δ^(3) is 2R and Δ^(2) is 2 (V ∘ D). Alsup's W_1, W_2 are neurosim's W^(1), W^(2); loss "sse".
The note does not say what σ′(0) is; neurosim takes ReLU′(0) = 0, and the batch includes x = 0 so that
some z is exactly 0 and the convention shows in D.

Figure: alsup_RSDV.png (R, S, D, V with one column per example).

Run: python demos/alsup_batched_relu.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, heatmap, plt

import neurosim as ns

M0, M1, M2, N = 3, 5, 2, 6


def main(argv=None) -> None:
    demo = Demo(__doc__, "alsup_batched_relu", argv)
    net = ns.Network([M0, M1, M2], activation="relu", output="identity", loss="sse", seed=4)
    # Biases 0 for hidden neurons 1 and 4: with x = 0 their z is exactly 0, where ReLU has its kink.
    net.set_biases(1, [0.0, 0.3, -0.2, 0.0, 0.1])
    net.set_biases(2, [0.1, -0.1])
    rng = np.random.default_rng(11)
    X_rows = np.round(rng.uniform(-1, 1, (N, M0)), 2)
    X_rows[2] = 0.0
    Y_rows = np.round(rng.uniform(-1, 1, (N, M2)), 2)
    print(f"network {net.sizes}: ReLU hidden layer, identity output, ℓ = (1/n) Σ‖f(x_i) − y_i‖², n = {N}")

    demo.section("the note's batch, one example per column")
    X, Y = X_rows.T, Y_rows.T                      # X ∈ R^{m0×n}, Y ∈ R^{m2×n}
    W1, b1, W2, b2 = net.weights(1), net.biases(1), net.weights(2), net.biases(2)
    ones = np.ones(N)
    H = W1 @ X + np.outer(b1, ones)                # W_1 X + b_1 1ᵀ: b_1 added to every column
    S = np.maximum(H, 0.0)
    D = (H > 0).astype(float)                      # σ′ with σ′(0) = 0
    F = W2 @ S + np.outer(b2, ones)
    R = F - Y
    V = W2.T @ R
    for name, M, shape in [("X", X, (M0, N)), ("R", R, (M2, N)), ("S", S, (M1, N)), ("D", D, (M1, N)),
                           ("V", V, (M1, N))]:
        demo.claim(M.shape == shape, f"{name} is {shape[0]}×{shape[1]}")
    demo.claim(np.all(D[[0, 3], 2] == 0) and np.all(H[[0, 3], 2] == 0),
               "for x = 0, hidden neurons 1 and 4 have z = 0 exactly, and D holds σ′(0) = 0 there")

    dW2 = 2 / N * R @ S.T
    db2 = 2 / N * R @ ones
    dW1 = 2 / N * (V * D) @ X.T
    db1 = 2 / N * (V * D) @ ones
    loss = np.mean(np.sum(R ** 2, axis=0))

    demo.section("the scalar engine: every neuron, one example at a time")
    demo.close_enough(net.predict(X_rows), F.T, "the output neurons give f(X) column by column")
    demo.close_enough(net.cost(X_rows, Y_rows), loss, "net.cost is ℓ = (1/n) Σ_i ‖f(x_i) − y_i‖²")
    summed = [(np.zeros_like(W1), np.zeros_like(b1)), (np.zeros_like(W2), np.zeros_like(b2))]
    for x, y in zip(X_rows, Y_rows):
        net.forward(x)
        net.backward(y)                            # per-example gradients of ‖f(x) − y‖², left in the objects
        for l, (gW, gb) in enumerate(summed, start=1):
            for c in net.connections(l):
                gW[c.i - 1, c.j - 1] += c.grad
            gb += [n.bias_grad for n in net.layer(l + 1)]
    per_example = [(gW / N, gb / N) for gW, gb in summed]
    for label, (gW, gb), (fW, fb) in [("2", per_example[1], (dW2, db2)), ("1", per_example[0], (dW1, db1))]:
        demo.close_enough(gW, fW, f"(1/n) Σ_i of the neurons' per-example ∂/∂W^({label}) = the note's ∂ℓ/∂W_{label}")
        demo.close_enough(gb, fb, f"(1/n) Σ_i of the neurons' per-example ∂/∂b^({label}) = the note's ∂ℓ/∂b_{label}")
    batch = net.gradients(X_rows, Y_rows)
    demo.close_enough(batch[1][0], 2 / N * R @ S.T, "net.gradients gives ∂ℓ/∂W_2 = (2/n) R Sᵀ")
    demo.close_enough(batch[0][0], 2 / N * (V * D) @ X.T, "net.gradients gives ∂ℓ/∂W_1 = (2/n) (V ∘ D) Xᵀ")
    demo.close_enough(batch[1][1], 2 / N * R.sum(axis=1), "∂ℓ/∂b_2 = (2/n) sum(R, columns)")
    demo.close_enough(batch[0][1], 2 / N * (V * D).sum(axis=1), "∂ℓ/∂b_1 = (2/n) sum(V ∘ D, columns)")

    demo.section("the matrix twin: the same batch in one go")
    twin = ns.MatrixNetwork.from_network(net)
    twin_grads = twin.gradients(X_rows, Y_rows)
    for l in (1, 2):
        demo.close_enough(twin_grads[l - 1][0], batch[l - 1][0], f"the twin's ∂ℓ/∂W^({l}) equals the scalar engine's")
    demo.close_enough(twin.A[2], S, "the twin's A^(2) is S")
    demo.close_enough(twin.Delta[3], 2 * R, "the twin's Δ^(3) is 2R: the sse loss has ∂/∂a = 2(a − y)")
    demo.close_enough(twin.Delta[2], 2 * V * D, "the twin's Δ^(2) is 2 (V ∘ D): backprop's δ carries the 2 of 2/n")
    report = ns.compare(net, X_rows, Y_rows, twin=twin)
    demo.claim(report.ok, f"ns.compare: every z, a, δ and gradient of both engines agrees ({len(report.rows)} rows)")

    fig, axes = plt.subplots(1, 4, figsize=(15, 3.6), gridspec_kw={"width_ratios": [1, 1.6, 1.6, 1.6]})
    for ax, M, title in zip(axes, [R, S, D, V], ["R = f(X) − Y", "S = σ(W_1 X + b_1 1ᵀ)",
                                                 "D = σ′(W_1 X + b_1 1ᵀ), σ′(0) = 0", "V = W_2ᵀ R"]):
        heatmap(ax, M, f"{title}  ({M.shape[0]}×{M.shape[1]})", fmt="{:.2f}")
        ax.set_xlabel("example i (column)")
    fig.suptitle("Alsup's batch in columns: the matrices behind the 2/n gradients")
    fig.tight_layout()
    demo.save(fig, "alsup_RSDV.png")
    demo.done()


if __name__ == "__main__":
    main()
