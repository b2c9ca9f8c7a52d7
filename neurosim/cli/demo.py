"""``neurosim demo``: the default source-note network, one forward and one backward pass, neuron by neuron."""

from __future__ import annotations

import argparse
import io
import pydoc
import sys
from pathlib import Path

import numpy as np

from ..base.notation import symbol
from ..explain.bridge import layer_bridge
from ..explain.examples import DEFAULT, NAMES, example
from ..explain.trace import trace
from ..witnesses.equivalence import compare
from .step import print_all


def register(sub) -> None:
    p = sub.add_parser("demo", help="one forward and backward pass of a source note's network, every number shown",
                       description="Build the 3-4-2 sigmoid network of the 'Backpropagation of Gradients' note "
                                   "(or --example NAME), run one forward and one backward pass, and print every "
                                   "z, a and δ by its symbol in Van Vaerenbergh's notation; then step through every "
                                   "number with its formula, show the hidden layer as matrices (the bridge) and "
                                   "check the scalar engine against the matrix twin.")
    p.add_argument("--example", choices=NAMES, default=DEFAULT, help=f"which network (default: {DEFAULT})")
    p.add_argument("--out", default="neurosim-demo.gif", metavar="FILE",
                   help="where to write the animation of the passes: .gif, .html or .mp4 (default: %(default)s)")
    p.add_argument("--no-animation", action="store_true", help="skip writing the animation")
    p.add_argument("--page", default="neurosim-demo.html", metavar="FILE.html",
                   help="where to write the interactive page of the passes (default: %(default)s)")
    p.add_argument("--no-page", action="store_true", help="skip writing the interactive page")
    p.add_argument("--full", action="store_true",
                   help="also print every step with its formula and the hidden layer as matrices (about 300 lines; "
                        "paged when the output is a terminal)")
    p.set_defaults(run=run)


def _vector(v) -> str:
    return "[" + ", ".join(f"{float(u):.4g}" for u in np.atleast_1d(v)) + "]"


def _summary(steps: int, animation: str | None) -> str:
    """The opening: what the demo shows and which command continues each part."""
    rows = [
        ("the forward pass: every z and a, by its symbol", "neurosim step --phase forward"),
        ("the backward pass: every δ, output layer first", "neurosim step --phase backward"),
        (f"all {steps} numbers with their formulas", "neurosim step (or demo --full)"),
        ("the hidden layer as matrices (the bridge)", "neurosim bridge (or demo --full)"),
        ("the scalar engine checked against the matrix twin", "neurosim check"),
    ]
    if animation:
        rows.append((f"the animation of the passes, written to {animation}", "neurosim animate"))
    width = max(len(what) for what, _ in rows)
    lines = ["What follows, and where each part continues:"]
    lines += [f"  {what:<{width}}  → {where}" for what, where in rows]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if not args.no_animation:
        from ..views.animation import FORMATS

        if Path(args.out).suffix.lower() not in FORMATS:
            raise ValueError(f"--out: expected a file name ending in {', '.join(FORMATS)}, got {args.out!r}")
    if not args.no_page:
        from .common import check_output_file

        check_output_file(args.page, "--page", {"html", "htm"})
    ex = example(args.example)
    net = ex.net
    # --full on a terminal is paged: collect the text first.
    paged = args.full and sys.stdout.isatty()
    out = io.StringIO() if paged else sys.stdout

    def say(text: str = "") -> None:
        print(text, file=out)

    say(f"neurosim demo: the {ex.description}")
    say(f"from {ex.title}; layers l = 1 … {net.n_layers}, sizes {net.sizes}\n")
    steps = trace(net, ex.x, ex.y)
    if not args.full:
        say(_summary(len(steps), None if args.no_animation else args.out))
    say(f"x = {_vector(ex.x)}    y = {_vector(ex.y)}\n")
    net.forward(ex.x)
    net.backward(ex.y)
    say("Forward pass: z_i^(l) = Σ_j W_ij^(l-1) a_j^(l-1) + b_i^(l-1),  a_i^(l) = f(z_i^(l))")
    for l in range(2, net.n_layers + 1):
        for n in net.layer(l):
            say(f"  {symbol('z', l, n.index):>9} = {n.z: .6f}    {symbol('a', l, n.index):>9} = {n.a: .6f}")
    say("\nBackward pass: δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) · f′(z_i^(l)), output layer first")
    for l in range(net.n_layers, 1, -1):
        for n in net.layer(l):
            say(f"  {symbol('delta', l, n.index):>9} = {n.delta: .6f}")
    say(f"\nCost of this example: J = {net.cost(ex.x[None, :], ex.Y[:1]):.6f}")

    if args.full:
        # The same pass again, every number with the formula that produced it.
        say(f"\n=== Step by step: all {len(steps)} numbers in the order the neurons compute them "
            "(interactive: neurosim step) ===\n")
        print_all(steps, out)
        hidden = 2
        say(f"\n=== The bridge for the hidden layer l = {hidden}: the same numbers as matrices (neurosim bridge) ===\n")
        say(layer_bridge(net, ex.x, ex.y, hidden).text())
    report = compare(net, ex.X, ex.Y)
    say(f"\n=== Equivalence check on the batch of {len(ex.X)} examples (neurosim check) ===")
    say(report.verdict())
    if not args.no_page:
        from ..views.explorer import explore

        page = explore(net, ex.x, ex.y, title=f"neurosim demo: the {ex.description}").save(args.page)
        say(f"\n=== The interactive page: step through, click any neuron, change any number ===\n"
            f"written to {page.resolve()} (open it in a browser)")
    if paged:
        pydoc.pager(out.getvalue())
    if not args.no_animation:
        # Imported here: matplotlib is paid for only when the animation is drawn.
        from ..views.animation import animate, save

        anim = animate(net, ex.x, ex.y)
        print("\n=== Animation: the error terms flowing back through the drawn network "
              f"({len(anim.frames)} frames) ===")
        try:
            path = save(anim, args.out)
        except RuntimeError as exc:   # .mp4 without ffmpeg: the message suggests .gif
            print(f"neurosim demo: error: {exc}", file=sys.stderr)
            return 2
        print(f"written to {path.resolve()}")
    if not args.full:
        print("\nEvery step with its formula and the bridge: neurosim demo --full")
    return 0 if report.ok else 1
