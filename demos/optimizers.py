"""Vanishing gradients seen and cured: sigmoid vs ReLU, each trained by SGD, momentum and Adam.

Follows "Derivation of the Backpropagation Algorithm" by Steven Van Vaerenbergh (2014): the error term of a
hidden neuron is δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) f′(z_i^(l)) (eq. 17). With the sigmoid, f′ ≤ ¼, so every
layer the error passes back through shrinks it by about a quarter or more: in a 2-8-8-8-8-1 network the δ
reaching layer 2 is about a thousandth of the output's. Gradient descent (eqs. 7–8) then moves the first
layers by a thousandth of what it moves the last one and the network learns nothing in 100 epochs; momentum
(v ← β v + g, θ ← θ − α v) cannot fix a ratio between layers. Adam divides each parameter's step by the root
of its own running mean of g², so every weight moves by about α whatever the size of its gradient: the same
sigmoid network learns. ReLU (f′ = 1 where active) passes δ back undiminished and trains with all three.

The data: ``ns.datasets.circles`` (one ring inside another, 200 examples), binary cross-entropy, mini-batches
of 32, the same initial weights (seed 1) for the three optimizers of each activation; each optimizer with
the default learning rate of ``neurosim train --optimizer`` (0.5, 0.05, 0.01).

What the demo checks: with the sigmoid, ‖δ^(2)‖ starts below 1/100 of ‖δ^(6)‖ (vanishing), with ReLU above
1/10; sigmoid + SGD and sigmoid + momentum stay near J = ln 2 (the cost of guessing) and at chance accuracy;
sigmoid + Adam falls below a tenth of that and classifies at least 95%; every ReLU run does too; and each run
of the twin lands on the weights of the neuron-by-neuron network with the same optimizer (checked for one).

Figure: optimizers.png (the cost curves of the six runs; the δ norms per layer through training, sigmoid
and ReLU side by side).

Run: python demos/optimizers.py [--out DIR]
"""

from __future__ import annotations

import math

import numpy as np
from _demo import Demo, plt

import neurosim as ns

SIZES = [2, 8, 8, 8, 8, 1]
LR = {"sgd": 0.5, "momentum": 0.05, "adam": 0.01}
EPOCHS = 100


def main(argv=None) -> None:
    demo = Demo(__doc__, "optimizers", argv)
    X, Y = ns.datasets.circles(200, seed=0)
    print(f"{len(X)} examples of ns.datasets.circles; a {'-'.join(map(str, SIZES))} network, {EPOCHS} epochs")
    histories, records, nets = {}, {}, {}
    for act in ("sigmoid", "relu"):
        for opt in LR:
            # The twin trains the same numbers faster; one run is redone neuron by neuron below.
            net = ns.MatrixNetwork(SIZES, activation=act, loss="binary_cross_entropy", seed=1)
            rec = ns.plot.DeltaRecorder(net, X, Y, every=5)
            histories[f"{act}, {opt}"] = net.fit(X, Y, EPOCHS, LR[opt], batch_size=32, seed=0, optimizer=opt,
                                                 callback=rec)
            records[act, opt], nets[act, opt] = rec, net
            print(f"  {act:7s} {opt:8s}: J {histories[f'{act}, {opt}'][0]:.4f} → "
                  f"{histories[f'{act}, {opt}'][-1]:.4f}, accuracy {net.accuracy(X, Y):.0%}")

    demo.section("the δ reaching the first hidden layer")
    for act, limit, word in (("sigmoid", 1e-2, "below"), ("relu", 1e-1, "above")):
        norms = records[act, "sgd"].norms
        ratio = norms[2][0] / norms[len(SIZES)][0]
        ok = ratio < limit if word == "below" else ratio > limit
        demo.claim(ok, f"{act}: ‖δ^(2)‖ / ‖δ^(6)‖ = {ratio:.2e} at the start, {word} {limit:g}")

    demo.section("who learns")
    guess = math.log(2)
    for opt in ("sgd", "momentum"):
        J, acc = histories[f"sigmoid, {opt}"][-1], nets["sigmoid", opt].accuracy(X, Y)
        demo.claim(abs(J - guess) < 0.02 and acc < 0.65,
                   f"sigmoid + {opt} stays at J = {J:.4f} ≈ ln 2 = {guess:.4f}, accuracy {acc:.0%} (chance)")
    for act, opt in [("sigmoid", "adam"), ("relu", "sgd"), ("relu", "momentum"), ("relu", "adam")]:
        J, acc = histories[f"{act}, {opt}"][-1], nets[act, opt].accuracy(X, Y)
        demo.claim(J < guess / 10 and acc >= 0.95, f"{act} + {opt} learns: J = {J:.4f}, accuracy {acc:.0%}")

    demo.section("the same updates neuron by neuron")
    scalar = ns.Network(SIZES, activation="sigmoid", loss="binary_cross_entropy", seed=1)
    scalar.fit(X, Y, 10, LR["adam"], batch_size=32, seed=0, optimizer="adam")
    twin = ns.MatrixNetwork(SIZES, activation="sigmoid", loss="binary_cross_entropy", seed=1)
    twin.fit(X, Y, 10, LR["adam"], batch_size=32, seed=0, optimizer="adam")
    gap = max(float(np.max(np.abs(a - b))) for (Wa, ba), (Wb, bb) in zip(scalar.parameters(), twin.parameters())
              for a, b in ((Wa, Wb), (ba, bb)))
    demo.claim(gap < 1e-12, f"10 epochs of Adam: the Network and its twin differ by at most {gap:.1e} in any "
                            "weight")
    c = scalar.connection(1, 1, 1)
    print(f"  the state of W_11^(1) lives on its Connection: {c!r}")

    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8))
    ns.plot.loss_curve(histories, ax=axes[0], title=f"cost J per epoch ({'-'.join(map(str, SIZES))} network)")
    for ax, act in zip(axes[1:], ("sigmoid", "relu")):
        for opt, style in zip(LR, ("-", "--", ":")):
            rec = records[act, opt]
            for l, color in zip(range(2, len(SIZES) + 1), plt.cm.viridis(np.linspace(0, 0.9, len(SIZES) - 1))):
                ax.plot(rec.epochs, rec.norms[l], style, color=color,
                        label=f"δ^({l})" if opt == "sgd" else None)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean ‖δ^(l)‖")
        ax.set_title(f"{act}: δ norm per layer (— sgd, -- momentum, ·· adam)", fontsize=10)
        ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    demo.save(fig, "optimizers.png")
    demo.done()


if __name__ == "__main__":
    main()
