"""To PyTorch and back: a network checked in neurosim, trained further in torch, and read back neuron by neuron.

The network is Van Vaerenbergh's ("Derivation of the Backpropagation Algorithm", 2014): W_ij^(l) from
neuron j of layer l to neuron i of layer l+1 and the batch cost with weight decay, J(W,b) = (1/m) Σ_k
J(W,b; x^(k), y^(k)) + (λ/2) Σ W² (eq. 6). In torch, W^(l) is simply ``nn.Linear.weight``: rows are the
target neurons i, columns the source neurons j.

What the demo checks: a 2-5-1 tanh network, trained a little on two moons in neurosim and with two
connections pruned, passes all four witnesses (the matrix twin, finite differences and torch autograd agree
with the per-neuron gradients); ``ns.to_torch`` gives a float64 Sequential with W^(l) as ``Linear.weight``,
the same outputs and the pruned weights under a mask; torch's SGD on ``ns.torch_loss`` takes exactly the
steps of eqs. 7–8 that ``net.step`` takes (same weights after 150 of them), and the pruned weights stay 0;
``ns.from_torch`` brings back the same graph with the trained weights, its cost is torch's; and
``ns.trace`` of one example, before and after, shows which z, a, δ and gradients torch's training changed.

Figure: to_pytorch.png (cost through both trainings, decision regions before and after torch, and the
step-through numbers that changed most).

Run: python demos/to_pytorch.py [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _demo import Demo, plt

import neurosim as ns
from neurosim.witnesses.pytorch import import_torch


def main(argv=None) -> None:
    demo = Demo(__doc__, "to_pytorch", argv)
    try:             # after Demo(): --help works without torch
        torch = import_torch()
    except ImportError as exc:
        raise SystemExit(f"to_pytorch: {exc}") from None
    torch.set_num_threads(1)   # tensors of a few hundred numbers: starting threads would cost more than they save

    X, Y = ns.datasets.moons(80, noise=0.1, seed=0)
    net = ns.Network([2, 5, 1], activation="tanh", loss="binary_cross_entropy", weight_decay=1e-3, seed=2)
    first = net.fit(X, Y, epochs=100, lr=0.5)
    net.prune(1, 2, 1)
    net.prune(2, 1, 4)
    print(f"2-5-1 tanh network on moons after 100 epochs in neurosim: J = {first[-1]:.4f}; "
          "W_21^(1) and W_14^(2) pruned")

    demo.section("four witnesses in neurosim")
    demo.claim(ns.compare(net, X, Y).ok, "the matrix twin agrees with every per-neuron z, a, δ and gradient")
    demo.claim(ns.gradient_check(net, X, Y).ok, "central finite differences agree with backprop's gradients")
    report = ns.compare_torch(net, X, Y)
    demo.claim(report.ok, f"torch autograd agrees on J and all {len(report.rows) - 1} gradients "
                          f"(largest difference {report.max_abs_error:.1e})")

    demo.section("export: ns.to_torch(net)")
    model = ns.to_torch(net)
    print("  " + str(model).replace("\n", "\n  "))
    demo.claim(all(np.array_equal(m.weight.detach().numpy(), net.weights(l))
                   for l, m in enumerate((model[0], model[2]), start=1)),
               "Linear.weight is W^(l) as it is, entry for entry (rows: target i, columns: source j)")
    probabilities = torch.sigmoid(model(torch.from_numpy(X))).detach().numpy()
    demo.close_enough(probabilities, net.predict(X), "torch's sigmoid(logits) are neurosim's outputs a^(3)",
                      atol=1e-12, rtol=0)
    demo.claim(torch.nn.utils.prune.is_pruned(model) and model[0].weight_mask[1, 0] == 0,
               "the pruned connections carry a torch.nn.utils.prune mask (weight_mask)")

    demo.section("train further in torch, and the same steps in neurosim")
    loss_fn = ns.torch_loss(net, model)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    same = ns.Network.from_dict(net.to_dict())      # a copy that takes the steps of eqs. 7–8 in neurosim
    torch_costs = []
    for _ in range(150):
        opt.zero_grad()
        J = loss_fn(model(Xt), Yt)
        J.backward()
        opt.step()
        torch_costs.append(J.item())
        same.step(X, Y, lr=0.5)
    print(f"  torch: J from {torch_costs[0]:.4f} to {torch_costs[-1]:.4f} in 150 SGD steps")
    W1 = (model[0].weight_orig * model[0].weight_mask).detach().numpy()
    demo.close_enough(W1, same.weights(1), "torch's SGD on ns.torch_loss gave the weights 150 net.step calls give",
                      atol=1e-12, rtol=0)
    demo.claim(W1[1, 0] == 0 and (model[2].weight_orig * model[2].weight_mask)[0, 3] == 0,
               "the pruned weights W_21^(1) and W_14^(2) are still exactly 0 after torch's training")

    demo.section("import: ns.from_torch(model)")
    back = ns.from_torch(model, loss=loss_fn)
    print(f"  {back}")
    demo.claim(set(back.graph.edges) == set(net.graph.edges), "the same graph: the pruned edges stay removed")
    demo.close_enough(back.cost(X, Y), loss_fn(model(Xt), Yt).item(), "its cost J(W,b) is torch's",
                      atol=1e-12, rtol=0)
    demo.claim(back.cost(X, Y) < net.cost(X, Y), f"torch's training lowered J from {net.cost(X, Y):.4f} "
                                                 f"to {back.cost(X, Y):.4f}")

    demo.section("what changed, in the step-through of one example")
    x, y = X[0], Y[0]
    before, after = ns.trace(net, x, y), ns.trace(back, x, y)
    demo.claim([s.symbol for s in before] == [s.symbol for s in after],
               f"both traces have the same {len(before)} steps in the same order")
    changes = sorted(zip(before, after), key=lambda p: -abs(p[1].value - p[0].value))
    print(f"  {'step':<16}{'before':>12}{'after':>12}")
    for b, a in changes[:8]:
        print(f"  {b.symbol:<16}{b.value:>12.6f}{a.value:>12.6f}")
    output = next(s for s in after if s.phase == "forward" and s.symbol == "a_1^(3)")
    demo.close_enough(output.value, torch.sigmoid(model(Xt[:1]))[0, 0].item(),
                      "the traced output a_1^(3) is what torch's model says for this example", atol=1e-12, rtol=0)

    fig, axes = plt.subplots(1, 4, figsize=(22, 5))
    ax = axes[0]
    ax.plot(range(1, len(first) + 1), first, label="neurosim: net.fit")
    ax.plot(range(len(first) + 1, len(first) + len(torch_costs) + 1), torch_costs,
            label="torch: SGD on ns.torch_loss")
    ax.axvline(len(first) + 0.5, color="gray", ls=":", label="2 connections pruned, ns.to_torch")
    ax.set(xlabel="gradient-descent step (full batch)", ylabel="J(W,b)",
           title="cost J(W,b): in neurosim, then in torch")
    ax.legend()
    ns.plot.decision_boundary(net, X, Y, ax=axes[1], resolution=80, title="before torch")
    ns.plot.decision_boundary(back, X, Y, ax=axes[2], resolution=80, title="after torch, imported back")
    top = changes[:10][::-1]
    ypos = np.arange(len(top))
    axes[3].barh(ypos - 0.2, [b.value for b, _ in top], height=0.4, label="before torch")
    axes[3].barh(ypos + 0.2, [a.value for _, a in top], height=0.4, label="after torch")
    axes[3].set_yticks(ypos, [b.symbol for b, _ in top])
    axes[3].set_title(f"ns.trace of example 1: the {len(top)} numbers that changed most")
    axes[3].legend()
    fig.tight_layout()
    demo.save(fig, "to_pytorch.png")
    demo.done()


if __name__ == "__main__":
    main()
