"""save/load as JSON: round trips, atomic writes, malformed files."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import neurosim as ns


def test_round_trip_keeps_everything(tmp_path):
    net = ns.Network([3, 4, 3, 2], activation=["relu", "tanh"], output="identity", loss="sse",
                     weight_decay=0.05, seed=11)
    net.set_biases(2, [0.1, -0.2, 0.3])
    net.prune(1, 2, 3)
    net.prune(3, 1, 1)
    path = tmp_path / "net.json"
    net.save(path)
    back = ns.Network.load(path)
    assert back.sizes == net.sizes and back.loss.name == "sse" and back.weight_decay == 0.05
    assert [a.name for a in back.activations] == ["relu", "tanh", "identity"]
    for l in range(1, 4):
        np.testing.assert_array_equal(back.weights(l), net.weights(l))   # exact: JSON keeps every digit
        np.testing.assert_array_equal(back.biases(l), net.biases(l))
        np.testing.assert_array_equal(back.mask(l), net.mask(l))
    x = [0.3, -0.1, 0.8]
    np.testing.assert_array_equal(back.forward(x), net.forward(x))
    assert not [p for p in os.listdir(tmp_path) if p != "net.json"], "no temporary file is left behind"


def test_cross_entropy_round_trip(tmp_path):
    net = ns.Network([2, 3, 3], loss="cross_entropy", seed=1)
    net.save(tmp_path / "ce.json")
    assert ns.Network.load(tmp_path / "ce.json").activations[-1].name == "softmax"


def test_failed_save_leaves_the_old_file(tmp_path):
    path = tmp_path / "net.json"
    net = ns.Network([2, 2, 1], seed=0)
    net.save(path)
    before = path.read_text()
    # Assignments refuse NaN; an overflowing update can still leave one in a neuron's row of weights.
    net.neuron(2, 1).weights[0] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        net.save(path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["net.json"]


def test_save_into_a_missing_folder_names_that_folder(tmp_path):
    folder = tmp_path / "no_such_folder"
    with pytest.raises(FileNotFoundError) as exc:
        ns.Network([2, 2, 1], seed=0).save(folder / "net.json")
    assert "the folder" in str(exc.value) and str(folder) in str(exc.value) and "does not exist" in str(exc.value)
    assert ".tmp" not in str(exc.value)   # not the temporary file the save writes first


def _saved(tmp_path) -> dict:
    net = ns.Network([2, 3, 1], seed=0)
    net.prune(1, 1, 1)
    net.save(tmp_path / "good.json")
    return json.loads((tmp_path / "good.json").read_text())


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("weights"), "'weights' is missing"),
    (lambda d: d.update(format="something"), "'format'"),
    (lambda d: d.update(version=99), "version"),
    (lambda d: d.update(sizes=[2, "x", 1]), "'sizes'"),
    (lambda d: d.update(sizes=[2, 0, 1]), "layer 2"),
    (lambda d: d.update(activations=["sigmoid"]), "'activations'"),
    (lambda d: d.update(activations=["sigmoid", "wobbly"]), "unknown activation 'wobbly'"),
    (lambda d: d.update(loss="mse"), "unknown loss"),
    (lambda d: d.update(weight_decay=-1), "weight_decay"),
    (lambda d: d["weights"].pop(), "'weights' should hold 2"),
    (lambda d: d["weights"][0].pop(), r"expected shape \(3, 2\)"),
    (lambda d: d["weights"][1][0].append(1.0), r"expected shape \(1, 3\)"),
    (lambda d: d["weights"].__setitem__(0, [[1, 2], [3]]), "rectangular"),
    (lambda d: d["biases"].__setitem__(0, [0.0, 0.0]), r"expected shape \(3,\)"),
    (lambda d: d["weights"][0][0].__setitem__(0, 1.5), "pruned"),
    (lambda d: d.update(pruned=[[1, 9, 1]]), "neurons 1 to 3"),
    (lambda d: d.update(pruned=[[1, 2]]), r"not \[l, i, j\]"),
])
def test_malformed_files_say_what_is_wrong(tmp_path, change, message):
    data = _saved(tmp_path)
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="malformed neurosim file") as info:
        ns.Network.load(path)
    assert info.match(message)


@pytest.mark.parametrize("text, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"weights": NaN}', "'format'"),
])
def test_files_that_are_not_networks(tmp_path, text, message):
    path = tmp_path / "x.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        ns.Network.load(path)


def test_binary_file_is_a_value_error(tmp_path):
    path = tmp_path / "pickle.bin"
    path.write_bytes(b"\x80\x04\x95\xff\xfe")
    with pytest.raises(ValueError, match="malformed"):
        ns.Network.load(path)
