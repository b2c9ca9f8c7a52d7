"""`neurosim step`: every printed number parses back to the engine's value; the interactive mode through stdin."""

from __future__ import annotations

import io
import re
import sys

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from tests.reference import F, reference_backprop

SYMBOL = re.compile(r"(z|a|δ|W|b|y)_(\d+|\d+,\d+)(?:\^\((\d+)\))?")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")
TOKEN = re.compile(SYMBOL.pattern + "|" + NUMBER.pattern)
HEADER = re.compile(r"^step (\d+)/(\d+) · (forward|backward|gradient) · ", re.M)


def blocks(out: str) -> list[list[str]]:
    """The printed steps: each a list of lines from its 'step k/N' header on."""
    found, current = [], None
    for line in out.splitlines():
        if HEADER.match(line):
            current = [line]
            found.append(current)
        elif current is not None and line.startswith("  "):
            current.append(line)
        else:
            current = None
    return found


class Witness:
    """The numbers of one example from the numpy reference, looked up by printed symbol."""

    def __init__(self, net, x, y):
        Ws = [net.weights(l) for l in range(1, net.n_layers)]
        self.bs = [net.biases(l) for l in range(1, net.n_layers)]
        t = np.asarray(y, float)
        if net.loss.name == "cross_entropy" and t.ndim == 0:
            t = np.eye(net.sizes[-1])[int(y)]
        self.Ws, self.t, self.acts = Ws, t, [f.name for f in net.activations]
        self.z, self.a, self.delta, _, self.grads = reference_backprop(
            Ws, self.bs, [f.name for f in net.activations], net.loss.name, x, t)

    def value(self, kind, sub, layer, gradient=False):
        idx = [int(v) for v in (sub.split(",") if "," in sub else list(sub))]
        if kind == "y":
            return self.t[idx[0] - 1]
        l = int(layer)
        if kind == "W":
            return (self.grads[l - 1][0] if gradient else self.Ws[l - 1])[idx[0] - 1, idx[1] - 1]
        if kind == "b":
            return (self.grads[l - 1][1] if gradient else self.bs[l - 1])[idx[0] - 1]
        return {"z": self.z, "a": self.a, "δ": self.delta}[kind][l][idx[0] - 1]


def close(got: float, want: float, digits: int = 6) -> bool:
    return abs(got - want) <= 0.5 * 10.0 ** (1 - digits) * abs(want) + 1e-12


def check_printed(out: str, witness: Witness, digits: int = 6) -> int:
    """Every printed step: the result is the value of its symbol, every number the value of the symbol above it."""
    printed = blocks(out)
    for block in printed:
        formula = block[1].strip()
        name, _, rhs = formula.partition(" = ")
        rows = [line.strip() for line in block[2:] if line.strip().startswith("= ")]
        value = float(rows[-1][2:])
        numbers = rows[0][2:] if len(rows) == 2 else rows[-1][2:]   # ∂J/∂b_i = δ_i prints its value once
        kind, sub, layer = SYMBOL.search(name).groups()
        assert close(value, witness.value(kind, sub, layer, gradient=name.startswith("∂J/∂")), digits), block
        tokens = TOKEN.findall(rhs)
        nums = NUMBER.findall(numbers)
        assert len(tokens) == len(nums), block
        for (k, s, lay), number in zip(tokens, nums):
            want = witness.value(k, s, lay) if k else float(number)
            assert close(float(number), want, digits), (block, k, s, lay, number, want)
        aside = [line for line in block if "where" in line]
        if aside:   # "where σ′(0.125) = 0.249026": f′ of the neuron's z, by the reference's own f′
            at, fprime = NUMBER.findall(aside[0].split("where", 1)[1])[-2:]
            _, sub, layer = [t for t in SYMBOL.findall(rhs) if t[0] == "z"][-1]
            z = witness.value("z", sub, layer)
            assert close(float(at), z, digits)
            assert close(float(fprime), float(F[witness.acts[int(layer) - 2]][1](z)), digits), block
    return len(printed)


@pytest.mark.parametrize("name", ns.examples.NAMES)
def test_all_prints_every_number_right(capsys, name):
    assert main(["step", "--all", "--example", name]) == 0
    out = capsys.readouterr().out
    ex = ns.example(name)
    count = check_printed(out, Witness(ex.net, ex.x, ex.y))
    net = ex.net
    assert count == 2 * sum(net.sizes[1:]) + sum(net.sizes[1:]) + net.graph.number_of_edges() + sum(net.sizes[1:])
    assert "\033[" not in out   # piped: plain text


def test_custom_network_input_target_and_digits(capsys):
    argv = ["step", "--all", "--sizes", "2,3,3", "--activation", "tanh", "--loss", "cross_entropy",
            "--seed", "5", "--input", "0.4,-1.2", "--target", "1", "--digits", "4"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    net = ns.Network([2, 3, 3], activation="tanh", loss="cross_entropy", seed=5)
    count = check_printed(out, Witness(net, np.array([0.4, -1.2]), 1), digits=4)
    assert count == 12 + 6 + (6 + 9) + (3 + 3)   # z and a; δ; W; b
    assert "x = [0.4, -1.2]    y = [1]" in out


def test_phase_and_neuron_filters(capsys):
    assert main(["step", "--all", "--phase", "backward"]) == 0
    out = capsys.readouterr().out
    assert [m[2] for m in HEADER.findall(out)] == ["backward"] * 6
    assert main(["step", "--all", "--neuron", "3,2"]) == 0
    out = capsys.readouterr().out
    symbols = [b[1].split(" = ")[0].strip() for b in blocks(out)]
    assert symbols == ["z_2^(3)", "a_2^(3)", "δ_2^(3)"] + [f"∂J/∂W_2{j}^(2)" for j in (1, 2, 3, 4)] + ["∂J/∂b_2^(2)"]


def test_notations_print_the_same_numbers(capsys):
    outs = {}
    for notation in ("vv", "bracket", "alsup"):
        assert main(["step", "--all", "--notation", notation]) == 0
        outs[notation] = capsys.readouterr().out
    numbers = {n: [line for line in o.splitlines() if line.strip().startswith("= ")] for n, o in outs.items()}
    assert numbers["vv"] == numbers["bracket"] == numbers["alsup"] and len(numbers["vv"]) > 40
    assert "δ_1^[1] = (δ_1^[2]·W_11^[2]" in outs["bracket"]
    assert "δ_1^(1) = (δ_2^(1)·W_2^(11)" in outs["alsup"]


def run_interactive(monkeypatch, capsys, keys, argv=("step",)):
    monkeypatch.setattr(sys, "stdin", io.StringIO(keys))
    code = main(list(argv))
    return code, capsys.readouterr().out


def shown(out: str) -> list[int]:
    return [int(k) for k, _, _ in HEADER.findall(out)]


def test_interactive_next_back_jump_quit(monkeypatch, capsys):
    code, out = run_interactive(monkeypatch, capsys, "\n\nb\n10\nn\nq\nnot read\n")
    assert code == 0
    assert shown(out) == [1, 2, 3, 2, 10, 11]
    check_printed(out, Witness(ns.example("gradients").net, ns.example("gradients").x, ns.example("gradients").y))


def test_interactive_end_of_input_and_errors(monkeypatch, capsys):
    code, out = run_interactive(monkeypatch, capsys, "b\n0\n999\nwhat\n\n")
    assert code == 0
    assert shown(out) == [1, 2]
    assert "already at step 1" in out and "no step 0" in out and "no step 999" in out and "unknown command" in out


def test_interactive_runs_to_the_end(monkeypatch, capsys):
    code, out = run_interactive(monkeypatch, capsys, "\n" * 20, ("step", "--phase", "backward"))
    assert code == 0 and shown(out) == [1, 2, 3, 4, 5, 6] and "end: all 6 steps shown" in out


def test_interactive_paths_key(monkeypatch, capsys):
    code, out = run_interactive(monkeypatch, capsys, "p\n3\np\nq\n", ("step", "--phase", "gradient"))
    assert code == 0
    assert "p works on the gradient of a weight" not in out   # step 1 is ∂J/∂W_11^(1)
    assert out.count("sum of the paths") == 2
    code, out = run_interactive(monkeypatch, capsys, "p\n", ("step",))
    assert "p works on the gradient of a weight" in out


class Interrupting(io.StringIO):
    def readline(self, *args):
        raise KeyboardInterrupt


def test_interactive_ctrl_c_ends_cleanly(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", Interrupting())
    assert main(["step"]) == 0
    captured = capsys.readouterr()
    assert shown(captured.out) == [1] and "Traceback" not in captured.err


def test_color_only_when_asked_or_on_a_terminal(capsys):
    assert main(["step", "--all", "--phase", "forward", "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "\033[1m" in out and "\033[0m" in out
    assert main(["step", "--all", "--phase", "forward"]) == 0
    assert "\033[" not in capsys.readouterr().out


def test_paths_option(capsys):
    assert main(["step", "--example", "van-vaerenbergh", "--paths", "1,2,3"]) == 0
    out = capsys.readouterr().out
    assert "6 paths from W_23^(1)" in out
    total = float(re.search(r"sum of the paths: (\S+)", out).group(1))
    ex = ns.example("van-vaerenbergh")
    want = Witness(ex.net, ex.x, ex.y).grads[0][0][1, 2]
    assert close(total, want)
    assert main(["step", "--sizes", "2,9,9,9,2", "--paths", "1,1,1", "--path-limit", "100"]) == 2
    assert "more than limit=100" in capsys.readouterr().err


def exit_code(argv):
    """main's exit status, also when argparse itself rejects an option (it raises SystemExit)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return exc.code


@pytest.mark.parametrize("argv,message", [
    (["step", "--all", "--neuron", "5,1"], "--neuron L"),
    (["step", "--all", "--neuron", "2"], "--neuron"),
    (["step", "--all", "--neuron", "1,1", "--phase", "forward"], "--phase forward --neuron 1,1: no step matches"),
    (["step", "--paths", "1,2"], "--paths"),
    (["step", "--paths", "1,9,1"], "--paths: i: layer 2 has neurons 1 to 4"),
    (["step", "--paths", "9,9,9"], "--paths: l: expected a layer number"),
    (["step", "--all", "--input", "1,2"], "--input: expected 3 numbers (one per input neuron), got 2: 1,2"),
    (["step", "--all", "--sizes", "2,2", "--input", "1"], "--input: expected 2 numbers (one per input neuron), got 1"),
    (["step", "--all", "--target", "5"], "--target: expected 2 numbers (one per output neuron), got 1"),
    (["step", "--all", "--sizes", "3,4,3", "--loss", "cross_entropy", "--target", "0,1"],
     "--target: expected a class label 0 … 2 or 3 numbers (one-hot), got 2: 0,1"),
    (["step", "--all", "--sizes", "2,2", "--loss", "cross_entropy", "--target", "7"], "--target: y: class labels"),
    # argparse checks the numbers: exit 2 with "argument --OPTION: …"
    (["step", "--all", "--digits", "40"], "argument --digits: expected a whole number from 1 to 17, got '40'"),
    (["step", "--all", "--digits", "0"], "argument --digits: expected a whole number from 1 to 17, got '0'"),
    (["step", "--all", "--digits", "six"], "argument --digits:"),
    (["step", "--paths", "1,1,1", "--path-limit", "0"], "argument --path-limit: expected a whole number >= 1"),
    # the shared network options name the option, not Network's parameter
    (["step", "--all", "--sizes", "3,2", "--weight-decay", "-1"], "argument --weight-decay: expected a finite"),
    (["check", "--sizes", "3,2", "--weight-decay", "-1"], "argument --weight-decay: expected a finite number >= 0"),
    (["check", "--sizes", "3,2", "--activation", "nope"], "--activation: activation: unknown activation 'nope'"),
    (["step", "--all", "--sizes", "3", "--activation", "tanh"], "--sizes: sizes: expected at least 2 layers"),
    (["step", "--all", "--sizes", "3,2", "--output", "softmax"], "--output: output: 'softmax' is allowed only"),
])
def test_bad_arguments_exit_2(capsys, argv, message):
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_no_step_matches_without_neuron_names_only_the_given_options(capsys, monkeypatch):
    # Only --phase given: the message must not reach for --neuron's numbers (it used to index None).
    monkeypatch.setattr("neurosim.cli.step.select", lambda steps, phase, neuron: [])
    assert main(["step", "--all", "--phase", "backward"]) == 2
    err = capsys.readouterr().err
    assert "neurosim step: error: --phase backward: no step matches" in err and "NoneType" not in err


def test_demo_grows(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--no-animation", "--full", "--no-page"]) == 0   # animation and page: tested elsewhere
    out = capsys.readouterr().out
    first, _, rest = out.partition("=== Step by step")
    assert "Forward pass:" in first and "Backward pass:" in first and "Cost of this example" in first
    ex = ns.example("gradients")
    assert check_printed(rest, Witness(ex.net, ex.x, ex.y)) == 44
    assert "The bridge for the hidden layer l = 2" in rest and "(W^(2))ᵀ (4×2)" in rest
    assert rest.rstrip().endswith("all 98 quantities agree: the neurons compute exactly what the matrices compute.")
