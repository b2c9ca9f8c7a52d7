"""Pruning: remove connections from the graph, retrain, and see the same cut in the matrix twin's mask.

Follows "Derivation of the Backpropagation Algorithm" by Steven Van Vaerenbergh (2014), whose
W_ij^(l) is one connection, from neuron j of layer l to neuron i of layer l+1: in neurosim it is an
edge of ``net.graph``. Removing the edge removes the term W_ij^(l) a_j^(l) from z_i^(l+1) (eq. 1) and the
message δ_i^(l+1) W_ij^(l) from neuron j's sum (the recursion after eq. 18). The vectorized twin cannot
leave a term out of a matrix product, so it multiplies by a 0/1 mask M^(l) instead: W^(l) ∘ M^(l) in the
forward pass and ∂J/∂W^(l) ∘ M^(l) in the update.

What the demo checks: a 2-6-1 network trained on the circles data; the weakest two thirds of W^(1) and
one output connection are removed; the pruned weights show as 0 and the graph has fewer edges; every
neuron's z is the sum over the connections that remain; retraining brings the accuracy back while
the pruned weights stay exactly 0; the twin's mask M^(l) is the graph's pattern, its gradients are 0
where the mask is, both engines agree on every number (ns.compare), and training the twin keeps the
cut too.

Figure: pruning.png (the network before and after, the twin's masks, the cost through both trainings).

Run: python demos/pruning.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, heatmap, plt

import neurosim as ns

# The two network drawings get the wider columns, so that every neuron's symbol and value fit at 8 pt or more.
FIGURE = dict(figsize=(18, 10), gridspec_kw={"width_ratios": [1.3, 1.3, 1.0]})


def accuracy(model, X, Y) -> float:
    return float(np.mean((model.predict(X)[:, 0] >= 0.5) == (Y == 1)))


def main(argv=None) -> None:
    demo = Demo(__doc__, "pruning", argv)
    X, Y = ns.datasets.circles(80, noise=0.05, factor=0.4, seed=0)
    net = ns.Network([2, 6, 1], activation="tanh", output="sigmoid", loss="half_sse", seed=1)
    fit = dict(epochs=150, lr=1.0, batch_size=16, seed=0)
    before = net.fit(X, Y, **{**fit, "epochs": 300})
    acc_trained = accuracy(net, X, Y)
    edges_before = net.graph.number_of_edges()
    fig, axes = plt.subplots(2, 3, **FIGURE)
    ns.draw(net, show="weight", ax=axes[0, 0], title=f"trained: {edges_before} connections, {acc_trained:.0%} right")
    print(f"2-6-1 network on circles: {edges_before} connections, accuracy {acc_trained:.1%} after training")

    demo.section("prune")
    W1 = net.weights(1)
    weakest = np.argsort(np.abs(W1), axis=None)[: 2 * W1.size // 3]
    cut = [(1, int(r) + 1, int(c) + 1) for r, c in zip(*np.unravel_index(weakest, W1.shape))]
    for l, i, j in cut:
        net.prune(l, i, j)                                   # W_ij^(1): the edge (1, j) -> (2, i) goes
    out_i, out_j = 1, int(np.argmin(np.abs(net.weights(2)[0]))) + 1
    net.graph.remove_edge((2, out_j), (3, out_i))            # the same, straight on the networkx graph
    cut.append((2, out_i, out_j))
    print("  removed " + ", ".join(f"W_{i}{j}^({l})" for l, i, j in cut))
    demo.claim(net.graph.number_of_edges() == edges_before - len(cut),
               f"the graph lost {len(cut)} edges: {net.graph.number_of_edges()} remain")
    masks = {l: net.mask(l) for l in (1, 2)}
    demo.claim(all(not masks[l][i - 1, j - 1] and net.weights(l)[i - 1, j - 1] == 0 for l, i, j in cut),
               "net.mask(l) is False and net.weights(l) shows 0 for every removed connection")
    x = X[0]
    net.forward(x)
    z_expected = (net.weights(1) * masks[1]) @ x + net.biases(1)
    demo.close_enough([n.z for n in net.layer(2)], z_expected, "each hidden z_i^(2) sums only the connections "
                      "that remain")
    acc_pruned, cost_pruned = accuracy(net, X, Y), net.cost(X, Y)
    print(f"  right after pruning: accuracy {acc_pruned:.1%}, J = {cost_pruned:.4f} (J = {before[-1]:.4f} before)")

    demo.section("retrain the pruned network")
    after = net.fit(X, Y, **fit)
    acc_retrained = accuracy(net, X, Y)
    demo.claim(all(net.weights(l)[i - 1, j - 1] == 0 for l, i, j in cut), "the removed weights are still exactly 0 "
                                                                          "after training")
    demo.claim(acc_retrained >= 0.95 and acc_retrained >= acc_pruned,
               f"retraining brings the accuracy to {acc_retrained:.0%} (from {acc_pruned:.0%} just after the cut)")
    demo.claim(after[-1] < cost_pruned, f"and the cost from {cost_pruned:.4f} to {after[-1]:.4f}")
    grads = net.gradients(X, Y)
    demo.claim(all(grads[l - 1][0][i - 1, j - 1] == 0 for l, i, j in cut), "net.gradients reports 0 for the "
                                                                           "removed connections")
    ns.draw(net, show="weight", ax=axes[0, 1], title=f"pruned and retrained: {net.graph.number_of_edges()} "
                                                  f"connections, {acc_retrained:.0%} right")
    ns.plot.decision_boundary(net, X, Y, ax=axes[0, 2], resolution=100, title="decision regions of the pruned network")

    demo.section("the matrix twin")
    twin = ns.MatrixNetwork.from_network(net)
    for l in (1, 2):
        demo.claim(np.array_equal(twin.mask(l), net.mask(l)), f"the twin's mask M^({l}) is the graph's pattern of "
                                                              f"W^({l})")
    twin_grads = twin.gradients(X, Y)
    demo.claim(all(twin_grads[l - 1][0][i - 1, j - 1] == 0 for l, i, j in cut),
               "the twin's ∂J/∂W ∘ M is 0 where the mask is 0")
    report = ns.compare(net, X, Y, twin=twin)
    demo.claim(report.ok, f"both engines agree on every z, a, δ and gradient ({len(report.rows)} numbers, "
                          f"largest difference {report.max_abs_error:.1e})")
    twin.fit(X, Y, **fit)
    demo.claim(all(twin.weights(l)[i - 1, j - 1] == 0 for l, i, j in cut), "training the twin keeps the cut "
                                                                           "weights at 0")
    back = twin.to_network()
    demo.claim(back.graph.number_of_edges() == net.graph.number_of_edges(), "twin.to_network() has the pruned graph")
    for l, ax in zip((1, 2), axes[1, :2]):
        heatmap(ax, twin.mask(l).astype(float), f"twin.mask({l}) = M^({l}): 1 kept, 0 pruned", fmt="{:.0f}")
        ax.set_xlabel(f"j (from layer {l})")
        ax.set_ylabel(f"i (to layer {l + 1})")
    ns.plot.loss_curve({"before pruning": before, "after pruning": after}, ax=axes[1, 2],
                    title="cost J per epoch, both trainings")
    fig.tight_layout()
    demo.save(fig, "pruning.png")
    demo.done()


if __name__ == "__main__":
    main()
