"""``neurosim explore``: write the explorer page of one example's passes (and, with --train, a training timeline)."""

from __future__ import annotations

import argparse

from ..base.notation import NOTATIONS
from .common import (
    add_example_options,
    add_network_options,
    check_output_file,
    example_from_args,
    network_from_args,
    significant_digits,
)

DEFAULT_OUT = "neurosim-explore.html"


def register(sub) -> None:
    p = sub.add_parser(
        "explore", help="write an interactive page that steps through one example's passes (open it in a browser)",
        description="Write one self-contained HTML page (no internet needed, opens from a file) that draws the "
                    "network and steps through every number of one example's forward and backward pass, exactly "
                    "as 'neurosim step' prints them: arrow keys or the buttons move, a click on a neuron or a "
                    "connection shows its formulas with the numbers, and its fields change x, y, a weight or a "
                    "bias to see every number update (what-if). Export the view as SVG/PNG or the network as JSON.")
    add_network_options(p)
    g = p.add_argument_group("page")
    add_example_options(g)
    g.add_argument("--notation", choices=NOTATIONS, default="vv", help="printed symbols (default: vv)")
    g.add_argument("--digits", type=significant_digits, default=6,
                   help="significant digits of the numbers (default 6)")
    g.add_argument("--title", help="the page's title (default: says which network)")
    g.add_argument("--out", default=DEFAULT_OUT, metavar="FILE.html",
                   help=f"where to write the page (default: {DEFAULT_OUT} in this folder)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..views.explorer import explore

    check_output_file(args.out, "--out", {"html", "htm"})
    net, X, Y, title = network_from_args(args)
    x, y = example_from_args(args, net, X, Y)
    ex = explore(net, x, y, notation=args.notation, digits=args.digits,
                 title=args.title or f"neurosim explore: {title}")
    path = ex.save(args.out)
    print(f"neurosim explore: {title}; {ex.steps} steps")
    print(f"wrote {path.resolve()} (open it in a browser)")
    return 0
