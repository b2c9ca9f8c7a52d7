"""The memory limit (NEUROSIM_MAX_MEMORY) measures the matrix twin by its own arrays — 8 bytes per weight and bias
plus a little per layer — not by the scalar engine's objects, and the twin built from sizes is Network's twin."""

import json
import re

import numpy as np
import pytest

import neurosim as ns


def _megabytes(message: str) -> float:
    return float(re.search(r"about ([\d.]+) MB", message).group(1))


def test_the_twin_fits_where_the_scalar_network_does_not(monkeypatch):
    monkeypatch.setenv("NEUROSIM_MAX_MEMORY", "16M")
    with pytest.raises(ns.LimitError, match="sizes: a network of 2 layers"):
        ns.Network([1000, 1000])                          # ~450 bytes per connection: hundreds of MB
    twin = ns.MatrixNetwork([1000, 1000], seed=0)         # 8 · (10^6 + 10^3) bytes ≈ 7.6 MB of arrays
    assert twin.W[0].shape == (1000, 1000) and twin.W[0].dtype == np.float64


@pytest.mark.parametrize("sizes", [[1500, 1500], [20, 1500, 1500, 3]])
def test_the_twin_is_refused_by_its_own_estimate(monkeypatch, sizes):
    monkeypatch.setenv("NEUROSIM_MAX_MEMORY", "16M")
    parameters = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    assert 8 * parameters > 16 * 2 ** 20                 # the arrays alone are over the limit
    with pytest.raises(ns.LimitError) as info:
        ns.MatrixNetwork(sizes)
    message = str(info.value)
    assert message.startswith(f"sizes: a matrix twin of {len(sizes)} layers") and "NEUROSIM_MAX_MEMORY" in message
    # the estimate quoted is the arrays' 8 bytes per parameter, plus at most a few kB of overhead
    assert _megabytes(message) * 2 ** 20 == pytest.approx(8 * parameters, rel=6e-3)


@pytest.mark.parametrize("kwargs", [{"seed": 0}, {"seed": 5, "activation": "relu", "loss": "cross_entropy"},
                                    {"seed": 2, "init": "xavier_uniform", "activation": ["tanh", "sigmoid"]}])
def test_the_twin_from_sizes_starts_where_network_does(kwargs):
    sizes = [3, 4, 4, 2]
    net, twin = ns.Network(sizes, **kwargs), ns.MatrixNetwork(sizes, **kwargs)
    for l in (1, 2, 3):
        np.testing.assert_array_equal(twin.weights(l), net.weights(l))
        np.testing.assert_array_equal(twin.biases(l), np.zeros(sizes[l]))
    assert [a.name for a in twin.activations] == [a.name for a in net.activations] and twin.loss is net.loss
    X = np.random.default_rng(0).normal(size=(5, 3))
    Y = np.random.default_rng(1).integers(0, 2, size=5) if net.loss.name == "cross_entropy" else np.ones((5, 2)) / 2
    assert twin.cost(X, Y) == pytest.approx(net.cost(X, Y), rel=1e-13)


@pytest.mark.parametrize("kwargs, message", [
    ({"sizes": [2, 1], "loss": "cross_entropy"}, "loss: 'cross_entropy' needs at least 2 output neurons"),
    ({"sizes": [2, 1], "seed": -1}, "seed: expected None or a non-negative integer, got -1"),
    ({"sizes": [2, 1], "weight_decay": -1}, "weight_decay: expected a non-negative number"),
    ({"sizes": [2, 1], "init": "glorot"}, "init: expected one of"),
    ({"sizes": [2, 0]}, "sizes: layer 2 must have a whole number >= 1 of neurons, got 0"),
])
def test_the_twin_checks_its_arguments_as_network_does(kwargs, message):
    for cls in (ns.Network, ns.MatrixNetwork):
        with pytest.raises(ValueError, match=re.escape(message)):
            cls(**kwargs)


def test_the_twin_saves_the_file_network_saves(tmp_path):
    net = ns.Network([2, 3, 2], loss="cross_entropy", seed=1, init="he_normal")
    net.prune(1, 2, 1)
    X = np.random.default_rng(0).normal(size=(6, 2))
    net.fit(X, np.arange(6) % 2, epochs=3, lr=0.1, optimizer="adam", progress=False)
    net.standardizer = ns.Standardizer.fit(X)
    net.save(tmp_path / "net.json")
    ns.MatrixNetwork.from_network(net).save(tmp_path / "twin.json")
    assert (tmp_path / "twin.json").read_bytes() == (tmp_path / "net.json").read_bytes()


def test_train_with_the_matrix_engine_is_measured_as_a_twin(monkeypatch, tmp_path, capsys):
    from neurosim.cli import main

    monkeypatch.setenv("NEUROSIM_MAX_MEMORY", "16M")
    argv = ["train", "--hidden", "1000,1000", "--m", "20", "--epochs", "1", "--quiet"]
    assert main(argv) == 2 and "--hidden: sizes: a network of 4 layers" in capsys.readouterr().err
    path = tmp_path / "big.json"
    assert main([*argv, "--engine", "matrix", "--save", str(path)]) == 0
    saved = json.loads(path.read_text())
    assert saved["sizes"] == [2, 1000, 1000, 1] and np.array(saved["weights"][1]).shape == (1000, 1000)
