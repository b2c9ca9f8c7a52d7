"""neurosim train says what it does not do silently: a saturated or stalled run warns with hints (counts recomputed
here from the saved weights), --load without data names the data it trains on, and a negative width given to
--sizes is an error naming --sizes instead of argparse's "expected one argument"."""

import re

import numpy as np
import pytest

import neurosim as ns

from .cli_run import run_cli as run


def _flat_tanh_neurons(path) -> int:
    """Hidden tanh neurons of the saved [2, 8, 1] net whose f′(z) = 1 − tanh²(z) is below 1% of its largest
    value, 1, on at least 90% of the 200 moons rows it trained on."""
    X, _ = ns.datasets.moons(200, seed=0)
    net = ns.Network.load(path)
    Z = X @ net.weights(1).T + net.biases(1)
    return int(np.sum(np.mean(1 - np.tanh(Z) ** 2 < 0.01, axis=0) >= 0.9))


def test_a_saturated_net_trains_with_a_warning_and_hints(capsys, tmp_path):
    path = tmp_path / "sat.json"
    code, out, err = run(capsys, "train", "--init", "normal(30)", "--epochs", "50", "--quiet", "--save", str(path))
    assert code == 0
    flat = _flat_tanh_neurons(path)
    assert flat >= 4                                   # most of the 8 hidden neurons, by the formula itself
    m = re.search(r"warning: the network looks saturated: layer 2: (\d+) of 8 tanh neurons have f′\(z\) ≈ 0", err)
    assert m and int(m[1]) == flat, err
    for hint in ("smaller initial weights", "--init auto", "another activation", "--standardize"):
        assert hint in err


def test_a_healthy_run_gives_no_warning(capsys, tmp_path):
    path = tmp_path / "ok.json"
    code, out, err = run(capsys, "train", "--epochs", "50", "--quiet", "--save", str(path))
    assert code == 0 and "warning" not in err and _flat_tanh_neurons(path) < 4


def test_a_stalled_run_says_how_little_J_moved(capsys):
    code, out, err = run(capsys, "train", "--lr", "1e-6", "--epochs", "20", "--report", "1")
    assert code == 0
    J0 = float(re.search(r"^epoch\s+0/20\s+J = (\S+)", out, re.M)[1])
    J = float(re.search(r"^trained: J = (\S+),", out, re.M)[1])
    m = re.search(r"warning: training stalled: J moved only (\S+)% in 20 epochs \((\S+) → (\S+)\)", err)
    assert m, err
    assert float(m[2]) == J0 and float(m[3]) == pytest.approx(J, rel=1e-5)
    assert 0 <= float(m[1]) < 0.1 and "a larger --lr" in err          # under the documented 0.1% of J0


def test_load_without_data_names_the_data_it_trains_on(capsys, tmp_path):
    path = tmp_path / "net.json"
    assert run(capsys, "train", "--dataset", "xor", "--epochs", "1", "--quiet", "--save", str(path))[0] == 0
    code, out, _ = run(capsys, "train", "--load", str(path), "--epochs", "1", "--quiet")
    assert code == 0 and out.splitlines()[0].startswith("neurosim train: moons, 200 examples")
    assert f"data: the built-in moons data set (the default; {path} records no data)" in out
    code, out, _ = run(capsys, "train", "--load", str(path), "--dataset", "xor", "--epochs", "1", "--quiet")
    assert code == 0 and "data: the built-in" not in out
    # a network the default does not fit: the error says why moons was tried
    three = tmp_path / "three.json"
    ns.Network([2, 4, 3], loss="cross_entropy", seed=0).save(three)
    code, _, err = run(capsys, "train", "--load", str(three), "--epochs", "1")
    assert code == 2 and "a saved network records no data" in err and "--dataset or --csv" in err


@pytest.mark.parametrize("argv, option, shown", [
    (["check", "--sizes", "-1,2"], "--sizes", "got -1 in '-1,2'"),
    (["check", "--sizes", "3,0,2"], "--sizes", "got 0 in '3,0,2'"),
    (["train", "--hidden", "-4"], "--hidden", "got -4 in '-4'"),
    (["quiz", "--sizes", "2,-2"], "--sizes", "got -2 in '2,-2'"),
])
def test_a_negative_width_is_an_error_naming_the_option(capsys, argv, option, shown):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "expected one argument" not in err
    assert f"argument {option}: expected layer widths, whole numbers >= 1 such as 3,4,2; {shown}" in err


def test_values_starting_with_a_minus_sign_reach_their_option(capsys):
    code, out, _ = run(capsys, "step", "--all", "--sizes", "2,1", "--input", "-0.5,0.25", "--target", "0.5")
    assert code == 0 and "x = [-0.5, 0.25]" in out
    code, _, err = run(capsys, "train", "--lr", "-1e-3")
    assert code == 2 and "argument --lr: expected a positive finite number, got '-1e-3'" in err
