"""``neurosim check``: the scalar engine against the matrix twin, and both against finite differences
(and, with ``--torch``, against torch autograd)."""

from __future__ import annotations

import argparse
import sys

from ..core.validation import check_index, check_layer
from ..witnesses.autograd import compare_torch
from ..witnesses.equivalence import compare
from ..witnesses.gradcheck import gradient_check
from ..witnesses.matrix import MatrixNetwork
from ..witnesses.pytorch import import_torch
from .common import (
    add_network_options,
    add_notation_options,
    float_list,
    network_from_args,
    nonnegative_float,
    nonnegative_int,
    positive_float,
    positive_int,
)


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="check every per-neuron number against the matrix twin and finite differences",
        description="Run a batch through the scalar engine (every neuron on its own) and through the matrix twin "
                    "(one example per column), compare z, a, δ of every neuron and example and every gradient, "
                    "then compare backprop's gradients with central finite differences of J(W,b). "
                    "Exit status: 0 when all agree, 1 when something differs, 2 for bad arguments.")
    add_network_options(p)
    g = p.add_argument_group("check")
    g.add_argument("--batch", type=positive_int, default=None, metavar="M",
                   help="number of random examples for --sizes/--load (default 4)")
    g.add_argument("--rtol", type=nonnegative_float, default=1e-10,
                   help="relative tolerance, scalar vs matrix (default 1e-10)")
    g.add_argument("--atol", type=nonnegative_float, default=1e-12,
                   help="absolute tolerance, scalar vs matrix (default 1e-12)")
    g.add_argument("--eps", type=positive_float, default=1e-6, help="finite-difference step ε (default 1e-6)")
    g.add_argument("--grad-rtol", type=nonnegative_float, default=1e-6,
                   help="relative tolerance of the gradient check (default 1e-6)")
    g.add_argument("--max-params", type=positive_int, default=2000, metavar="N",
                   help="finite-difference at most N parameters, a random sample when there are more "
                        "(default 2000; each costs two passes over the batch)")
    add_notation_options(g)
    g.add_argument("--rows", type=nonnegative_int, default=40, metavar="N",
                   help="table rows to print (default 40; 0 for all)")
    g.add_argument("--tamper", type=float_list, default=None, metavar="L,I,J[,AMOUNT]",
                   help="plant a bug: add AMOUNT (default 0.01) to the matrix twin's W_IJ^(L) (Van Vaerenbergh's "
                        "indices) before comparing, "
                        "to see the check find where the two computations part")
    g.add_argument("--torch", action="store_true",
                   help="also compare J and every gradient with torch autograd (the fourth witness; needs "
                        'pip install "neurosim[torch]"; tolerances --rtol/--atol)')
    p.set_defaults(run=run)


def _tamper(twin: MatrixNetwork, spec: list[float]) -> str:
    """Add AMOUNT to the twin's W_ij^(l); returns a description of the planted change."""
    if len(spec) not in (3, 4) or any(v != int(v) for v in spec[:3]):
        raise ValueError(f"--tamper: expected L,I,J or L,I,J,AMOUNT with whole numbers L, I, J; got {spec}")
    l = check_layer(int(spec[0]), twin.n_layers, "--tamper L", last=twin.n_layers - 1)
    i = check_index(int(spec[1]), twin.sizes[l], "--tamper I", l + 1)
    j = check_index(int(spec[2]), twin.sizes[l - 1], "--tamper J", l)
    amount = spec[3] if len(spec) == 4 else 0.01
    twin.W[l - 1][i - 1, j - 1] += amount
    return f"W_{i}{j}^({l}) of the matrix twin changed by {amount:+g} on purpose (--tamper)"


def run(args: argparse.Namespace) -> int:
    if args.torch:
        try:
            import_torch()
        except ImportError as exc:
            print(f"neurosim check: error: --torch: {exc}", file=sys.stderr)
            return 2
    try:
        net, X, Y, title = network_from_args(args)
    except OSError as exc:   # a missing or unreadable --load file is a bad argument, not a crash
        raise ValueError(f"--load: cannot read {args.load!r}: {exc.strerror or exc}") from None
    twin = MatrixNetwork.from_network(net)
    planted = _tamper(twin, args.tamper) if args.tamper is not None else None
    print(f"neurosim check: {title}, {len(X)} example{'s' * (len(X) != 1)} (one per row; the twin holds X^T)")
    if planted:
        print(planted)
    print()

    report = compare(net, X, Y, twin=twin, rtol=args.rtol, atol=args.atol, notation=args.notation)
    report.limit, report.see_all = args.rows or None, "--rows 0"
    print(report)
    print()
    grad = gradient_check(net, X, Y, eps=args.eps, rtol=args.grad_rtol, max_params=args.max_params, seed=args.seed,
                          notation=args.notation)
    grad.limit, grad.see_all = args.rows or None, "--rows 0"
    print(grad)
    print()
    checks = [("scalar vs matrix", report), ("gradient check", grad)]
    if args.torch:
        autograd = compare_torch(net, X, Y, rtol=args.rtol, atol=args.atol, notation=args.notation)
        autograd.limit, autograd.see_all = args.rows or None, "--rows 0"
        print(autograd)
        print()
        checks.append(("torch autograd", autograd))
    if all(r.ok for _, r in checks):
        torch_too = ", finite differences and torch autograd" if args.torch else " and finite differences"
        print(f"result: OK — the scalar engine, the matrix twin{torch_too} agree.")
        return 0
    if not grad.finite:
        print(f"result: J(W,b) = {grad.cost} is not finite, so the gradients cannot be checked (an overflow, "
              "not a wrong f′).")
        return 1
    failed = [name for name, r in checks if not r.ok]
    print(f"result: MISMATCH in {' and '.join(failed)}.")
    return 1
