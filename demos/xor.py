"""XOR: solved by a 2-2-1 sigmoid network, and shown unsolvable by any purely linear network.

Follows "Derivation of the Backpropagation Algorithm" by Steven Van Vaerenbergh (2014): one activation
f = sigmoid in every layer, J = ½‖h(x) − y‖², batch gradient descent (eqs. 6–8) on the four points of
the XOR truth table. The linear network is the one of "Some Notes on Backpropagation" (Introductory
Machine Learning), f = W_2 (W_1 x + b_1) + b_2, which is "just another linear model".

What the demo checks:
* the 2-2-1 sigmoid network classifies all four points (a ≥ ½ exactly for XOR = 1);
* the hidden layer makes the problem linear: in the plane of (a_1^(2), a_2^(2)) one straight line, the
  output neuron's, separates the classes;
* not every start succeeds: of six seeds, some end in a local minimum or on a plateau;
* any network without a nonlinearity computes an affine function g, and for every affine g,
  g(0,0) + g(1,1) = g(0,1) + g(1,0): the two XOR-1 points cannot both be above ½ while the two XOR-0
  points are both below it, so at most 3 of 4 are right. The trained linear net ends at the
  least-squares answer, ½ everywhere, with J = 1/8.

Figure: xor.png (decision regions of both networks; the four points in the hidden layer's plane).

Run: python demos/xor.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, plt

import neurosim as ns

SEED = 3          # a start from which gradient descent reaches the XOR solution
EPOCHS, LR = 600, 6.0


def main(argv=None) -> None:
    demo = Demo(__doc__, "xor", argv)
    X, Y = ns.datasets.xor(4, noise=0.0, shuffle=False)
    print("truth table:", ", ".join(f"{tuple(int(v) for v in x)} -> {y}" for x, y in zip(X, Y)))
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.8))

    demo.section("the 2-2-1 sigmoid network")
    net = ns.Network([2, 2, 1], activation="sigmoid", loss="half_sse", seed=SEED)
    history = net.fit(X, Y, epochs=EPOCHS, lr=LR)
    a = net.predict(X)[:, 0]
    print(f"  outputs a^(3) = {a.round(3)} after {EPOCHS} epochs, J = {history[-1]:.5f}")
    demo.claim(np.array_equal(a >= 0.5, Y == 1), "all four points are classified correctly")
    demo.claim(history[-1] < 0.01 and history[-1] < history[0], f"the cost fell from {history[0]:.3f} "
                                                                 f"to {history[-1]:.4f}")
    hidden = []
    for x in X:
        net.forward(x)
        hidden.append([n.a for n in net.layer(2)])
    hidden = np.array(hidden)
    w, b = net.weights(2)[0], net.biases(2)[0]
    side = hidden @ w + b                    # z^(3): the output neuron is one line in the hidden plane
    demo.claim(np.array_equal(side >= 0, Y == 1), "in the hidden plane (a_1^(2), a_2^(2)) the line "
                                                  "W^(2) a^(2) + b^(2) = 0 separates the classes")
    ns.plot.decision_boundary(net, X, Y, ax=axes[0], resolution=120, margin=0.25,
                           title="2-2-1 sigmoid network: XOR solved")

    solved = []
    for seed in range(6):
        other = net if seed == SEED else ns.Network([2, 2, 1], activation="sigmoid", loss="half_sse", seed=seed)
        if seed != SEED:
            other.fit(X, Y, epochs=EPOCHS, lr=LR)
        solved.append(bool(np.array_equal(other.predict(X)[:, 0] >= 0.5, Y == 1)))
    print(f"  seeds 0-5 solved: {[s for s, ok in enumerate(solved) if ok]}")
    demo.claim(solved[SEED] and not all(solved), f"{sum(solved)} of 6 starts solve XOR; the others stop in a "
                                                 "local minimum or on a plateau")

    demo.section("a purely linear network")
    linear = ns.Network([2, 2, 1], activation="identity", loss="half_sse", seed=SEED)
    lin_history = linear.fit(X, Y, epochs=300, lr=0.5)
    g = linear.predict(X)[:, 0]
    demo.close_enough(g[0] + g[3], g[1] + g[2], "g(0,0) + g(1,1) = g(0,1) + g(1,0): the network is affine")
    affine = []
    for W1 in np.random.default_rng(0).normal(size=(5, 2, 2)):     # any weights at all, not only trained ones
        other = ns.Network([2, 2, 1], activation="identity", seed=1)
        other.set_weights(1, W1)
        h = other.predict(X)[:, 0]
        affine.append(np.isclose(h[0] + h[3], h[1] + h[2], rtol=0, atol=1e-12))
    demo.claim(all(affine), "the same identity holds for 5 random linear networks: it is no accident of training")
    accuracy = float(np.mean((g >= 0.5) == (Y == 1)))
    demo.claim(accuracy <= 0.75, f"so at most 3 of 4 points can be right; this one gets {accuracy:.0%}")
    demo.close_enough(g, 0.5, "it heads for the least-squares answer: within 0.01 of ½ at every point", atol=0.01)
    demo.close_enough(lin_history[-1], 0.125, "and J ends within 1e-5 of (1/4) Σ ½ (½)² = 1/8, the lowest cost of "
                      "any linear model", atol=1e-5)
    demo.claim(min(lin_history) >= 0.125 - 1e-12, "no epoch of the linear network went below 1/8")
    ns.plot.decision_boundary(linear, X, Y, ax=axes[1], resolution=120, margin=0.25,
                           title=f"linear network: g ≈ ½ everywhere, J = {lin_history[-1]:.4f}")

    ax = axes[2]
    for k in (0, 1):
        pts = hidden[Y == k]
        ax.scatter(pts[:, 0], pts[:, 1], s=60, color=f"C{k}", edgecolors="k", label=f"class {k}", zorder=3)
    for x, hpt in zip(X, hidden):
        ax.annotate(f"x = ({int(x[0])}, {int(x[1])})", hpt, textcoords="offset points", xytext=(6, 6), fontsize=8)
    u = np.linspace(-0.05, 1.05, 50)
    if abs(w[1]) > 1e-12:
        ax.plot(u, -(w[0] * u + b) / w[1], "k--", lw=1, label="W^(2) a^(2) + b^(2) = 0")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("a_1^(2)")
    ax.set_ylabel("a_2^(2)")
    ax.set_title("the four points as the hidden layer sees them", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    demo.save(fig, "xor.png")
    demo.done()


if __name__ == "__main__":
    main()
