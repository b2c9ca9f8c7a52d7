"""``neurosim demo``: the default source-note network, one forward and one backward pass, neuron by neuron."""

from __future__ import annotations

import argparse

import numpy as np

from ..examples import DEFAULT, NAMES, example
from ..notation import symbol


def register(sub) -> None:
    p = sub.add_parser("demo", help="one forward and backward pass of a source note's network, every number shown",
                       description="Build the 3-4-2 sigmoid network of the 'Backpropagation of Gradients' note "
                                   "(or --example NAME), run one forward and one backward pass, and print every "
                                   "z, a and δ by its symbol in Van Vaerenbergh's notation.")
    p.add_argument("--example", choices=NAMES, default=DEFAULT, help=f"which network (default: {DEFAULT})")
    p.set_defaults(run=run)


def _vector(v) -> str:
    return "[" + ", ".join(f"{float(u):.4g}" for u in np.atleast_1d(v)) + "]"


def run(args: argparse.Namespace) -> int:
    ex = example(args.example)
    net = ex.net
    print(f"neurosim demo: the {ex.description}")
    print(f"from {ex.title}; layers l = 1 … {net.n_layers}, sizes {net.sizes}\n")
    print(f"x = {_vector(ex.x)}    y = {_vector(ex.y)}\n")
    net.forward(ex.x)
    net.backward(ex.y)
    print("Forward pass: z_i^(l) = Σ_j W_ij^(l-1) a_j^(l-1) + b_i^(l-1),  a_i^(l) = f(z_i^(l))")
    for l in range(2, net.n_layers + 1):
        for n in net.layer(l):
            print(f"  {symbol('z', l, n.index):>9} = {n.z: .6f}    {symbol('a', l, n.index):>9} = {n.a: .6f}")
    print("\nBackward pass: δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) · f′(z_i^(l)), output layer first")
    for l in range(net.n_layers, 1, -1):
        for n in net.layer(l):
            print(f"  {symbol('delta', l, n.index):>9} = {n.delta: .6f}")
    print(f"\nCost of this example: J = {net.cost(ex.x[None, :], ex.Y[:1]):.6f}")
    return 0
