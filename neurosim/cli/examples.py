"""The examples at the end of every ``neurosim COMMAND --help``: commands that run as written (the tests parse
every one and run the quick ones), each with a comment saying what it shows."""

from __future__ import annotations

import argparse

HEADING = "examples:"

EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "demo": [
        ("neurosim demo", "the 3-4-2 network of the note: every z, a and δ"),
        ("neurosim demo --example tong-wu --no-animation", "another note's network, no GIF"),
        ("neurosim demo --full", "also every step with its formula, and the bridge"),
    ],
    "step": [
        ("neurosim step", "Enter: next, b: back, a number: jump, p: paths, q: quit"),
        ("neurosim step --all --neuron 2,1 --phase backward", "how δ_1^(2) is computed, and nothing else"),
        ("neurosim step --sizes 2,3,2 --activation relu --input 0.5,-1 --target 1,0 --all", "your own network"),
        ("neurosim step --paths 1,1,2", "∂J/∂W_12^(1) as a sum over paths"),
        ("neurosim step --all --update adam --phase update --neuron 3,2", "Adam's update of W and b, step by step"),
    ],
    "bridge": [
        ("neurosim bridge --layer 2", "δ^(2) = (W^(2))ᵀ δ^(3) ∘ f′(z^(2)) beside the neurons' sums"),
        ("neurosim bridge --example alsup --batch 4", "a batch in Alsup's column form"),
        ("neurosim bridge --why", "Tong Wu's 'why?'s answered with finite differences"),
    ],
    "check": [
        ("neurosim check", "the note's network: neurons vs matrices vs finite differences"),
        ("neurosim check --sizes 4,6,3 --activation tanh --loss cross_entropy --batch 5", "your own network"),
        ("neurosim check --tamper 2,1,3", "plant an error in the twin and watch the check find it (exit 1)"),
    ],
    "animate": [
        ("neurosim animate --phases backward --out backward.html", "the δ steps as a page that plays them"),
        ("neurosim animate --example tong-wu --out tong-wu.gif", "a GIF of another note's network"),
        ("neurosim animate --sizes 8,16,16,4 --out big.gif", "a larger network, one frame per layer"),
    ],
    "train": [
        ("neurosim train --dataset moons --hidden 8 --epochs 300 --plot moons.png", "curves and decision boundary"),
        ("neurosim train --dataset spiral --val-split 0.2 --test-split 0.2 --patience 20 --save spiral.json",
         "held-out data, early stopping"),
        ("neurosim train --load spiral.json --dataset spiral --epochs 100 --lr 0.1", "go on training a saved net"),
        ("neurosim train --csv demos/data.csv --target label --hidden 8,8 --standardize",
         "your own CSV (this one is in the repository)"),
    ],
    "bench": [
        ("neurosim bench --quick", "seconds instead of minutes"),
        ("neurosim bench --json bench.json --plot bench.png", "the full run, kept as JSON and drawn"),
    ],
    "quiz": [
        ("neurosim quiz --ask delta", "one δ to compute by hand; a wrong answer gets its likely mistake"),
        ("neurosim quiz --rounds 5 --sizes 2,3,2 --activation tanh", "five questions on a tanh network"),
        ("neurosim quiz --export problems.md --rounds 10 --seed 3", "a problem sheet and its answer key"),
    ],
    "explore": [
        ("neurosim explore --out net.html", "the note's network as an interactive page"),
        ("neurosim explore --sizes 4,8,3 --activation relu --loss cross_entropy --target 2 --out relu.html",
         "your own network, class 2 as the target"),
        ("neurosim explore --sizes 2,8,1 --activation tanh --loss binary_cross_entropy --train moons --out moons.html",
         "with a training timeline"),
    ],
}


def examples_text(command: str) -> str:
    """The examples block of ``command``'s help: the heading, then one command per line and its comment."""
    lines = [HEADING]
    for line, comment in EXAMPLES.get(command, []):
        lines += [f"  {line}", f"      # {comment}"]
    return "\n".join(lines)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, except that the examples block keeps its lines (the rest is wrapped as usual)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        head, found, tail = text.partition(HEADING)
        if not found:
            return super()._fill_text(text, width, indent)
        filled = super()._fill_text(head, width, indent) + "\n\n" if head.strip() else ""
        return filled + indent + HEADING + tail


def add_examples(parsers: dict[str, argparse.ArgumentParser]) -> None:
    """Append each command's examples to the end of its help."""
    for command, parser in parsers.items():
        if command not in EXAMPLES:
            continue
        parser.epilog = f"{parser.epilog}\n\n{examples_text(command)}" if parser.epilog else examples_text(command)
        parser.formatter_class = HelpFormatter
