"""``neurosim step``: the forward and backward pass of one example, one number at a time.

Interactive by default: Enter shows the next step, ``b`` the previous one, a number jumps to that step,
``p`` shows the path view of a weight's gradient, ``q`` quits; end of input and Ctrl-C end cleanly.
``--all`` prints every step at once. Highlighting (ANSI) is used only when stdout is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

import numpy as np

from ..core.validation import check_index, check_layer
from ..explain.paths import DEFAULT_LIMIT, paths
from ..explain.trace import PHASES, Step, fmt, select, trace
from .common import (
    DEFAULT_LR,
    add_example_options,
    add_network_options,
    add_notation_options,
    example_from_args,
    int_list,
    network_from_args,
    positive_float,
    positive_int,
)

BOLD, CYAN, DIM, RESET = "\033[1m", "\033[36m", "\033[2m", "\033[0m"
PROMPT = "[Enter] next · b back · NUMBER jump · p paths · q quit > "


def register(sub) -> None:
    p = sub.add_parser(
        "step", help="step through one example's forward and backward pass, one z, a, δ or gradient at a time",
        description="Run one example through the network and show every number the neurons compute, in order: "
                    "z and a of each neuron (forward), δ of each neuron from the output layer back (backward), "
                    "then the gradient of each connection and bias. Each step shows its formula with symbols, "
                    "the same formula with the numbers, and the result. Interactive by default: Enter next, "
                    "b back, a number jumps, p shows a weight gradient as a sum over paths, q quits. "
                    "The gradients are per-example: weight decay λ belongs to the batch cost, not to them.")
    add_network_options(p)
    g = p.add_argument_group("step")
    add_example_options(g)
    g.add_argument("--all", action="store_true", help="print every step at once instead of stepping")
    g.add_argument("--phase", choices=PHASES, help="only the steps of one phase")
    g.add_argument("--neuron", type=int_list, metavar="L,I",
                   help="follow one neuron: its z, a, δ and the gradients of its connections and bias")
    g.add_argument("--paths", type=int_list, metavar="L,I,J",
                   help="show ∂J/∂W_IJ^(L) as the sum over every path from that connection to the output, "
                        "next to δ_I^(L+1)·a_J^(L), and exit")
    g.add_argument("--path-limit", type=positive_int, default=DEFAULT_LIMIT, metavar="N",
                   help=f"refuse the path view above N paths (default {DEFAULT_LIMIT})")
    g.add_argument("--update", choices=list(DEFAULT_LR), metavar="OPTIMIZER",
                   help="add a fourth phase: each parameter's update by sgd, momentum or adam for this example "
                        "(eq. 6's gradient, λ-term shown; momentum's v, Adam's m, v, m̂, v̂), values as net.step "
                        "would write them")
    g.add_argument("--lr", type=positive_float, metavar="α",
                   help="with --update: the learning rate α (default: "
                        + ", ".join(f"{v:g} for {k}" for k, v in DEFAULT_LR.items()) + ")")
    add_notation_options(g, digits=6)
    g.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="highlight the current symbol: auto = only when stdout is a terminal (default)")
    p.set_defaults(run=run)


def format_step(step: Step, number: int, total: int, color: bool = False, digits: int = 6) -> str:
    """A step as a small block: header, formula, numbers, result (and f′ as an aside)."""
    name, _, rhs = step.formula.partition(" = ")
    head, _, value = step.numbers.rpartition(" = ")
    if step.phase == "update":
        where = (f"weight W_{step.index}{step.source}^({step.layer}), from neuron {step.source} of layer "
                 f"{step.layer} to neuron {step.index} of layer {step.layer + 1}" if step.source is not None
                 else f"bias of neuron {step.index} of layer {step.layer + 1}")
    elif step.kind == "W":
        where = f"connection from neuron {step.source} of layer {step.layer} to neuron {step.index} of layer " \
                f"{step.layer + 1}"
    elif step.kind == "b":
        where = f"bias of neuron {step.index} of layer {step.layer + 1}"
    else:
        where = f"neuron {step.index} of layer {step.layer}"
    header = f"step {number}/{total} · {step.phase} · {where}"
    shown = f"{BOLD}{CYAN}{name}{RESET}" if color else name
    pad = " " * len(name)
    lines = [f"{DIM}{header}{RESET}" if color else header, f"  {shown} = {rhs}"]
    if head != value:   # ∂J/∂b_i = δ_i: the numbers are the value itself, shown once
        lines.append(f"  {pad} = {head}")
    lines.append(f"  {pad} = {value}")
    if step.derivative is not None:
        lines.append(f"  {pad}   where {step.aside(digits)}")
    return "\n".join(lines)


def header_text(net, x, y, title: str, digits: int = 6, command: str = "step") -> str:
    xs = ", ".join(fmt(float(v), digits) for v in np.atleast_1d(x))
    ys = ", ".join(fmt(float(v), digits) for v in np.atleast_1d(y))
    lines = [f"neurosim {command}: {title}", f"{net!r}", f"x = [{xs}]    y = [{ys}]"]
    if net.weight_decay:
        lines.append(f"(weight decay λ = {net.weight_decay:g} is not in these per-example gradients: "
                     "it is added to the batch gradient, + λ W_ij^(l))")
    return "\n".join(lines)


def print_all(steps: list[Step], out: TextIO, color: bool = False, digits: int = 6) -> None:
    for k, step in enumerate(steps, start=1):
        if k > 1:
            print(file=out)
        print(format_step(step, k, len(steps), color, digits), file=out)


def _paths_text(net, step: Step, limit: int, notation: str, digits: int) -> str:
    if step.kind != "W":
        return "p works on the gradient of a weight, ∂J/∂W_ij^(l) (the gradient phase)"
    try:
        return paths(net, step.layer, step.index, step.source, limit=limit, notation=notation).text(digits)
    except ValueError as exc:
        return str(exc)


def interactive(steps: list[Step], net, inp: TextIO, out: TextIO, color: bool = False, digits: int = 6,
                limit: int = DEFAULT_LIMIT, notation: str = "vv") -> int:
    """Show steps one at a time, reading commands from ``inp``; returns 0 (quit, end or end of input)."""
    if not steps:
        raise ValueError("steps: nothing to show (no step matches)")
    total, pos = len(steps), 0
    echo = not getattr(inp, "isatty", lambda: False)()   # typed commands are echoed by the terminal; fed ones not
    print(format_step(steps[0], 1, total, color, digits), file=out)
    try:
        while True:
            print(PROMPT, end="", file=out, flush=True)
            line = inp.readline()
            if not line:   # end of input
                print(file=out)
                return 0
            cmd = line.strip().lower()
            if echo:
                print(cmd, file=out)
            if cmd in ("q", "quit", "exit"):
                return 0
            if cmd in ("", "n", "next"):
                if pos == total - 1:
                    print(f"end: all {total} steps shown", file=out)
                    return 0
                pos += 1
            elif cmd in ("b", "back"):
                if pos == 0:
                    print("already at step 1", file=out)
                    continue
                pos -= 1
            elif cmd.isdigit():
                if not 1 <= int(cmd) <= total:
                    print(f"no step {cmd}: steps are numbered 1 … {total}", file=out)
                    continue
                pos = int(cmd) - 1
            elif cmd in ("p", "paths"):
                print(_paths_text(net, steps[pos], limit, notation, digits), file=out)
                continue
            else:
                print(f"unknown command {cmd!r}; " + PROMPT.rstrip(" >"), file=out)
                continue
            print(format_step(steps[pos], pos + 1, total, color, digits), file=out)
    except KeyboardInterrupt:
        print(file=out)
        return 0


def run(args: argparse.Namespace) -> int:
    net, X, Y, title = network_from_args(args)
    x, y = example_from_args(args, net, X, Y)
    if args.lr is not None and args.update is None:
        raise ValueError("--lr: only used with --update (the update phase), e.g. --update adam --lr 0.01")
    lr = None if args.update is None else args.lr or DEFAULT_LR[args.update]
    steps = trace(net, x, y, notation=args.notation, digits=args.digits, update=args.update, lr=lr)
    out = sys.stdout
    color = args.color == "always" or (args.color == "auto" and out.isatty())
    if args.paths is not None:
        if len(args.paths) != 3:
            raise ValueError(f"--paths: expected L,I,J (three whole numbers), got {args.paths}")
        try:
            net.connection(*args.paths)   # checks L, I and J against the network, and refuses a pruned connection
        except ValueError as exc:
            raise ValueError(f"--paths: {exc}") from None
        print(paths(net, *args.paths, limit=args.path_limit, notation=args.notation).text(args.digits), file=out)
        return 0
    neuron = None
    if args.neuron is not None:
        if len(args.neuron) != 2:
            raise ValueError(f"--neuron: expected L,I (two whole numbers), got {args.neuron}")
        l = check_layer(args.neuron[0], net.n_layers, "--neuron L")
        neuron = (l, check_index(args.neuron[1], net.sizes[l - 1], "--neuron I", l))
    steps = select(steps, args.phase, neuron)
    if not steps:
        given = [f"--phase {args.phase}"] if args.phase else []
        given += [f"--neuron {neuron[0]},{neuron[1]}"] if neuron else []
        raise ValueError(f"{' '.join(given) or 'steps'}: no step matches (the input layer has no forward or "
                         "backward step)")
    print(header_text(net, x, y, title, args.digits), file=out)
    if args.update is not None:
        print(f"then one update by {args.update} with α = {lr:g} (the update phase; the network is not changed)",
              file=out)
    print(file=out)
    if args.all:
        print_all(steps, out, color, args.digits)
        return 0
    return interactive(steps, net, sys.stdin, out, color, args.digits, args.path_limit, args.notation)
