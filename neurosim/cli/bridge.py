"""``neurosim bridge``: the per-neuron sums of the trace next to the matrix equations, with the real numbers."""

from __future__ import annotations

import argparse

import numpy as np

from ..core.validation import check_layer
from ..explain.bridge import batch_bridge, layer_bridge, why_view
from .common import (
    add_example_options,
    add_network_options,
    add_notation_options,
    example_from_args,
    network_from_args,
    positive_int,
    random_batch,
)
from .step import header_text


def register(sub) -> None:
    p = sub.add_parser(
        "bridge", help="the per-neuron sums next to the matrix equations: δ = (W)ᵀδ ∘ f′(z), ∂J/∂W = δ aᵀ",
        description="For each layer, show the sums every neuron computes (from the step-through) side by side "
                    "with the matrix equation, with the real numbers: row i of (W^(l))ᵀ δ^(l+1) is the sum of "
                    "the messages neuron i received, and ∂J/∂W^(l) = δ^(l+1) (a^(l))ᵀ is the outer product of "
                    "the per-connection products. --batch M shows a batch in the column form of Alsup's note "
                    "(R, S, D, V, with the 2/n factor of loss sse); --why answers the 'why?'s of Tong Wu's note "
                    "with finite differences. Every matrix is printed with its shape; vectors are columns.")
    add_network_options(p)
    g = p.add_argument_group("bridge")
    g.add_argument("--layer", type=int, metavar="L",
                   help="only layer L (2 … n_l): its δ^(L) and ∂J/∂W^(L-1); with --why, the weights W^(L-1) "
                        "feeding it (default: every layer; with --why the output layer)")
    g.add_argument("--batch", type=positive_int, metavar="M",
                   help="a batch of M examples in column form (the first M of the example's batch, or random ones)")
    g.add_argument("--why", action="store_true", help="answer Tong Wu's three 'why?'s numerically")
    add_example_options(g)
    add_notation_options(g, digits=4, what="the matrices")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.batch is not None:
        if args.why or args.layer is not None or args.input is not None or args.target is not None:
            raise ValueError("--batch: shows the whole batch; it cannot be combined with --why, --layer, "
                             "--input or --target")
        net, X, Y, title = network_from_args(args)
        if args.batch <= len(X):
            X, Y = X[:args.batch], Y[:args.batch]
        else:
            X, Y = random_batch(net, args.batch, args.seed)
        print(f"neurosim bridge: {title}\n{net!r}\n")
        print(batch_bridge(net, X, Y, args.notation).text(args.digits))
        return 0
    net, X, Y, title = network_from_args(args)
    x, y = example_from_args(args, net, X, Y)
    if args.layer is not None:
        layers = [check_layer(args.layer, net.n_layers, "--layer", first=2)]
    else:
        layers = list(range(net.n_layers, 1, -1))
    print(header_text(net, x, y, title, args.digits, "bridge"))
    print()
    if args.why:
        print(why_view(net, x, y, layers[0] - 1, args.notation).text(args.digits))
        return 0
    for L in layers:
        print(layer_bridge(net, x, y, L, args.notation).text(args.digits))
        print()
    print(f"Same numbers, two views: max |matrix − per-neuron| over these layers = "
          f"{max(_gap(net, x, y, L) for L in layers):.1e}")
    return 0


def _gap(net, x, y, L: int) -> float:
    b = layer_bridge(net, x, y, L)
    return float(max(np.max(np.abs(b.delta_matrix - b.delta)), np.max(np.abs(b.outer - b.grad_W))))
