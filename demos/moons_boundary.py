"""Two moons: a hidden layer bends the decision boundary; the loss curve shows the training.

Follows "Derivation of the Backpropagation Algorithm" by Steven Van Vaerenbergh (2014): J = ½‖h(x) − y‖²
per example, gradient descent W ← W − α ∂J/∂W (eqs. 7–8) — here on mini-batches of 16 examples, the
rows reshuffled every epoch. A 2-8-1 network (tanh hidden layer, sigmoid output) is trained on the
two-moons data of ``ns.datasets.moons`` next to a 2-1 network without a hidden layer, whose boundary
σ(w·x + b) = ½ can only be a straight line.

What the demo checks: the hidden-layer network classifies at least 95% of the examples and beats the
straight line by at least 5 points; its cost falls to under a fifth of where it started; the cost the
training reports each epoch is the cost of eq. (6) at those weights; and it classifies fresh
examples from the same distribution (another seed) about as well as the training examples.

Figure: moons.png (both decision boundaries and both loss curves).

Run: python demos/moons_boundary.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, plt

import neurosim as ns


def accuracy(net: ns.Network, X, Y) -> float:
    return float(np.mean((net.predict(X)[:, 0] >= 0.5) == (Y == 1)))


def main(argv=None) -> None:
    demo = Demo(__doc__, "moons_boundary", argv)
    X, Y = ns.datasets.moons(100, noise=0.15, seed=0)
    X_new, Y_new = ns.datasets.moons(200, noise=0.15, seed=1)
    print(f"{len(X)} training examples, {len(X_new)} fresh ones to test on")

    deep = ns.Network([2, 8, 1], activation="tanh", output="sigmoid", loss="half_sse", seed=0)
    flat = ns.Network([2, 1], activation="sigmoid", loss="half_sse", seed=0)
    histories = {}
    for name, net in [("2-8-1, tanh hidden layer", deep), ("2-1, no hidden layer", flat)]:
        histories[name] = net.fit(X, Y, epochs=150, lr=1.0, batch_size=16, seed=0)
        print(f"  {name}: J = {histories[name][-1]:.4f}, training accuracy {accuracy(net, X, Y):.1%}")

    demo.section("what the hidden layer buys")
    h = histories["2-8-1, tanh hidden layer"]
    acc_deep, acc_flat = accuracy(deep, X, Y), accuracy(flat, X, Y)
    demo.claim(acc_deep >= 0.95, f"the 2-8-1 network classifies {acc_deep:.0%} of the training examples")
    demo.claim(acc_deep >= acc_flat + 0.05, f"the straight line of the 2-1 network manages {acc_flat:.0%}")
    demo.claim(h[-1] < h[0] / 5, f"the cost fell from {h[0]:.4f} (epoch 1) to {h[-1]:.4f}")
    demo.close_enough(h[-1], 0.5 * np.mean((deep.predict(X)[:, 0] - Y) ** 2),
                      "the reported cost is (1/m) Σ ½ (a^(3) − y)² at the final weights")
    acc_fresh = accuracy(deep, X_new, Y_new)
    demo.claim(acc_fresh >= acc_deep - 0.05, f"on {len(X_new)} fresh examples it is {acc_fresh:.0%} right: "
                                             "the boundary follows the moons, not the noise")

    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    ns.plot.decision_boundary(deep, X, Y, ax=axes[0], resolution=120, title=f"2-8-1 network: {acc_deep:.0%} right")
    ns.plot.decision_boundary(flat, X, Y, ax=axes[1], resolution=120, title=f"2-1 network: {acc_flat:.0%} right")
    ns.plot.loss_curve(histories, ax=axes[2], title="cost J per epoch (mini-batches of 16)")
    fig.tight_layout()
    demo.save(fig, "moons.png")
    demo.done()


if __name__ == "__main__":
    main()
