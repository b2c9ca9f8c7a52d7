"""The optimizers and init schemes from the command line: train --optimizer / --init, step --update / --lr."""

from __future__ import annotations

import re

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli.common import DEFAULT_LR

from .cli_run import run_cli as run


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_train_with_an_optimizer_lands_where_fit_does(capsys, tmp_path, optimizer):
    path = tmp_path / "net.json"
    code, out, err = run(capsys, "train", "--dataset", "xor", "--m", "20", "--epochs", "15", "--quiet",
                         "--optimizer", optimizer, "--init", "uniform(0.5)", "--save", str(path))
    assert code == 0, err
    assert f"α = {DEFAULT_LR[optimizer]:g}" in out
    assert ("Adam" if optimizer == "adam" else "momentum") in out
    saved = ns.Network.load(path)
    assert saved.init == "uniform(0.5)" and saved.optimizer.name == optimizer
    # the same run in Python: same data, network, optimizer, learning rate, batches
    X, Y = ns.datasets.xor(20, seed=0)
    net = ns.Network(saved.sizes, activation="tanh", loss="binary_cross_entropy", seed=0, init="uniform(0.5)")
    net.fit(X, Y, 15, DEFAULT_LR[optimizer], batch_size=32, seed=0, optimizer=optimizer)
    np.testing.assert_allclose(saved.weights(1), net.weights(1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(saved.optimizer_state()[0][0]["v"], net.optimizer_state()[0][0]["v"], rtol=1e-12)


def test_bad_optimizer_and_init_name_the_flag(capsys):
    code, _, err = run(capsys, "train", "--optimizer", "rmsprop")
    assert code == 2 and "--optimizer" in err and "rmsprop" in err
    code, _, err = run(capsys, "train", "--epochs", "1", "--init", "uniform(-1)")
    assert code == 2 and "--init: init: the number in 'uniform(-1)' should be a positive" in err


def test_step_update_shows_the_update_phase(capsys):
    code, out, err = run(capsys, "step", "--all", "--update", "adam", "--lr", "0.02", "--phase", "update")
    assert code == 0, err
    assert "then one update by adam with α = 0.02" in out
    n_params = 20 + 6                    # the 3-4-2 example: 12 + 8 weights, 4 + 2 biases
    assert f"step 1/{5 * n_params} · update · weight W_11^(1)" in out
    assert "m̂[W_11^(1)] = m[W_11^(1)] / (1 − β₁^t)" in out
    # the last step: b_2^(2)'s new value, as net.step would write it
    ex = ns.example("gradients")
    after = ns.MatrixNetwork.from_network(ex.net).to_network()
    after.step(np.atleast_2d(ex.x), np.atleast_2d(ex.y), 0.02, optimizer="adam")
    last = re.findall(r"= (\S+)\n", out)[-1]
    assert float(last) == pytest.approx(after.neuron(3, 2).bias, rel=1e-5)


def test_step_lr_needs_update(capsys):
    code, _, err = run(capsys, "step", "--all", "--lr", "0.1")
    assert code == 2 and "--lr: only used with --update" in err
