"""Van Vaerenbergh's derivation with weight decay λ: eqs. (1)–(18) checked, then training with and without λ.

Follows "Derivation of the Backpropagation Algorithm" by Steven Van Vaerenbergh (2014), the notation
neurosim uses everywhere: layers l = 1 … n_l, W_ij^(l) from neuron j of layer l to neuron i of layer l+1,
one activation f for every layer, the batch cost with weight decay

    J(W,b) = (1/m) Σ_k ½‖h_{W,b}(x^(k)) − y^(k)‖² + (λ/2) Σ_l Σ_ij (W_ij^(l))²          (eq. 6)

and its gradients (eqs. 9–10), the updates (eqs. 7–8) and the error terms δ (eqs. 14–18). The note
has slips that the demo does not copy: eq. (13) is ∂z_i^(l+1)/∂W_ij^(l) = a_j^(l) (not a_i^(l)), eq. (16)
uses a_i^(n_l), eq. (10) has the target y^(k) (not y^(i)), and the recursion the note stops short of is
δ_i^(l) = (Σ_j W_ji^(l) δ_j^(l+1)) f′(z_i^(l)).

Figure: van_vaerenbergh.png (backprop against central differences; the cost while training with and
without λ; the weights both runs end with).

Run: python demos/van_vaerenbergh_weight_decay.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, plt

import neurosim as ns

EPS = 1e-6
ALPHA = 0.5


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(params, x):
    """z^(l+1) = W^(l) a^(l) + b^(l), a^(l+1) = f(z^(l+1)) (eqs. 2–3) in numpy: ([a^(1), …], [z^(2), …])."""
    a, zs = [x], []
    for W, b in params:
        zs.append(W @ a[-1] + b)
        a.append(sigmoid(zs[-1]))
    return a, zs


def cost(params, X, Y, lam):
    """Eq. (6), computed without neurosim."""
    data = np.mean([0.5 * np.sum((forward(params, x)[0][-1] - y) ** 2) for x, y in zip(X, Y)])
    return data + 0.5 * lam * sum(np.sum(W ** 2) for W, _ in params)


def check_derivation(demo: Demo, ax) -> None:
    ex = ns.example("van-vaerenbergh")
    net, X, Y = ex.net, ex.X, ex.Y
    lam, m = net.weight_decay, len(X)
    params = net.parameters()
    print(f"network {net.sizes}, f = sigmoid in every layer, λ = {lam}, m = {m} examples")

    demo.section("forward pass and the cost, eqs. (1)–(6)")
    x, y = X[0], Y[0]
    a, zs = forward(params, x)
    net.forward(x)
    for l in range(2, net.n_layers + 1):
        demo.close_enough([n.z for n in net.layer(l)], zs[l - 2], f"z_i^({l}) = Σ_j W_ij^({l - 1}) a_j^({l - 1}) "
                          f"+ b_i^({l - 1}) for every neuron of layer {l}")
    demo.close_enough(net.cost(X, Y), cost(params, X, Y, lam), "net.cost is J(W,b) of eq. (6), decay included")
    l, i, j = 2, 1, 3
    bumped = [(W.copy(), b) for W, b in params]
    bumped[l - 1][0][i - 1, j - 1] += EPS
    rate = (forward(bumped, x)[1][l - 1][i - 1] - zs[l - 1][i - 1]) / EPS
    demo.close_enough(rate, a[l - 1][j - 1], f"eq. (13): ∂z_{i}^({l + 1})/∂W_{i}{j}^({l}) = a_{j}^({l}) "
                      f"= {a[l - 1][j - 1]:.4f}", atol=1e-7)
    demo.claim(abs(rate - a[l - 1][i - 1]) > 1e-3, f"…and not a_{i}^({l}) = {a[l - 1][i - 1]:.4f} as the note's "
                                                   "eq. (13) has it")

    demo.section("error terms, eqs. (14)–(18) and the recursion")
    net.forward(x)                                   # net.cost above left the last example's values in the neurons
    net.backward(y)
    out = net.layer(net.n_layers)
    z_out = zs[-1]
    demo.close_enough([n.delta for n in out], (a[-1] - y) * sigmoid(z_out) * (1 - sigmoid(z_out)),
                      "output layer: δ_i^(n_l) = (a_i^(n_l) − y_i) f′(z_i^(n_l)) (eqs. 15, 17)")
    for l in range(net.n_layers - 1, 1, -1):
        expected = [sum(c.weight * c.target.delta for c in n.outgoing) * n.a * (1 - n.a) for n in net.layer(l)]
        demo.close_enough([n.delta for n in net.layer(l)], expected,
                          f"layer {l}: δ_i^({l}) = (Σ_j W_ji^({l}) δ_j^({l + 1})) f′(z_i^({l}))")
    demo.claim(all(abs(c.grad - c.target.delta * c.source.a) < 1e-15 for l in (1, 2, 3) for c in net.connections(l)),
               "eqs. (11)–(13): every Connection's grad is δ_i^(l+1) a_j^(l)")

    demo.section("batch gradients with weight decay, eqs. (9)–(10)")
    per_example = [[np.zeros_like(W), np.zeros_like(b)] for W, b in params]
    for x_k, y_k in zip(X, Y):                       # target y^(k) with x^(k): eq. (10) as it should read
        net.forward(x_k)
        net.backward(y_k)
        for l, (gW, gb) in enumerate(per_example, start=1):
            for c in net.connections(l):
                gW[c.i - 1, c.j - 1] += c.grad
            gb += [n.bias_grad for n in net.layer(l + 1)]
    grads = net.gradients(X, Y)
    for l, ((gW, gb), (W, _), (sW, sb)) in enumerate(zip(grads, params, per_example), start=1):
        demo.close_enough(gW, sW / m + lam * W, f"∂J/∂W^({l}) = (1/m) Σ_k ∂J(x^(k), y^(k))/∂W^({l}) + λ W^({l})")
        demo.close_enough(gb, sb / m, f"∂J/∂b^({l}) = (1/m) Σ_k ∂J(x^(k), y^(k))/∂b^({l}): biases are not decayed")
    flat_bp, flat_fd = [], []
    for l, (W, b) in enumerate(params):
        for arr, g in ((W, grads[l][0]), (b, grads[l][1])):
            for idx in np.ndindex(arr.shape):
                up = [(Wk.copy(), bk.copy()) for Wk, bk in params]
                down = [(Wk.copy(), bk.copy()) for Wk, bk in params]
                which = 0 if arr is W else 1
                up[l][which][idx] += EPS
                down[l][which][idx] -= EPS
                flat_fd.append((cost(up, X, Y, lam) - cost(down, X, Y, lam)) / (2 * EPS))
                flat_bp.append(g[idx])
    demo.close_enough(flat_bp, flat_fd, f"all {len(flat_bp)} gradients equal central differences of eq. (6)", atol=1e-8)
    ax.plot(flat_fd, flat_bp, "o", ms=4)
    lim = max(np.abs(flat_fd).max(), 1e-9) * 1.1
    ax.plot([-lim, lim], [-lim, lim], "k--", lw=0.6)
    ax.set_xlabel("central differences of J")
    ax.set_ylabel("backprop ∂J/∂θ")
    ax.set_title(f"eqs. (9)–(10), λ = {lam}: {len(flat_bp)} parameters", fontsize=9)

    demo.section(f"one update, eqs. (7)–(8), α = {ALPHA}")
    net.step(X, Y, ALPHA)
    for l, ((W, b), (gW, gb), (W_new, b_new)) in enumerate(zip(params, grads, net.parameters()), start=1):
        demo.close_enough(W_new, W - ALPHA * gW, f"W^({l}) ← W^({l}) − α ∂J/∂W^({l})")
        demo.close_enough(b_new, b - ALPHA * gb, f"b^({l}) ← b^({l}) − α ∂J/∂b^({l})")


def train_with_and_without_decay(demo: Demo, ax_cost, ax_weights) -> None:
    demo.section("training on the moons data, with and without weight decay")
    X, Y = ns.datasets.moons(60, noise=0.2, seed=0)
    lam = 0.01
    runs = {}
    for decay in (0.0, lam):
        net = ns.Network([2, 10, 1], activation="sigmoid", loss="half_sse", weight_decay=decay, seed=5)
        history = net.fit(X, Y, epochs=150, lr=2.0, batch_size=10, seed=0)
        runs[decay] = (net, history)
        ax_cost.plot(history, label=f"λ = {decay:g}")
    squares = {d: sum(float(np.sum(W ** 2)) for W, _ in net.parameters()) for d, (net, _) in runs.items()}
    data_cost = {d: cost(net.parameters(), X, Y.reshape(-1, 1), 0.0) for d, (net, _) in runs.items()}
    accuracy = {d: float(np.mean((net.predict(X)[:, 0] > 0.5) == Y)) for d, (net, _) in runs.items()}
    for d in runs:
        print(f"  λ = {d:<5g}: Σ W² = {squares[d]:8.3f}, data cost = {data_cost[d]:.4f}, "
              f"accuracy {100 * accuracy[d]:.1f}%")
    net_decay, history_decay = runs[lam]
    demo.close_enough(history_decay[-1], cost(net_decay.parameters(), X, Y.reshape(-1, 1), lam),
                      "the reported cost with λ is eq. (6): data cost + (λ/2) Σ W²")
    demo.claim(squares[lam] < 0.5 * squares[0.0], "weight decay keeps the weights small: Σ W² less than half "
                                                  "of the run without λ")
    demo.claim(data_cost[lam] > data_cost[0.0], "the price: a larger data cost than without λ")
    demo.claim(min(accuracy.values()) > 0.8, "both nets still classify most of the moons correctly")
    ax_cost.set_xlabel("epoch")
    ax_cost.set_ylabel("J(W, b)")
    ax_cost.set_title("training cost, eq. (6)", fontsize=9)
    ax_cost.legend()
    bins = np.linspace(-6, 6, 41)
    for d, (net, _) in runs.items():
        weights = np.concatenate([W.ravel() for W, _ in net.parameters()])
        ax_weights.hist(np.clip(weights, -6, 6), bins=bins, alpha=0.6, label=f"λ = {d:g}")
    ax_weights.set_xlabel("W_ij^(l)")
    ax_weights.set_title("the weights after training", fontsize=9)
    ax_weights.legend()


def main(argv=None) -> None:
    demo = Demo(__doc__, "van_vaerenbergh_weight_decay", argv)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    check_derivation(demo, axes[0])
    train_with_and_without_decay(demo, axes[1], axes[2])
    fig.suptitle("Van Vaerenbergh's derivation, with weight decay λ")
    fig.tight_layout()
    demo.save(fig, "van_vaerenbergh.png")
    demo.done()


if __name__ == "__main__":
    main()
