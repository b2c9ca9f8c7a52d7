"""A misspelt name gets the closest valid one named ("did you mean 'sigmoid'?"), in Python and on the CLI."""

from __future__ import annotations

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main

X, Y = np.zeros((4, 2)), np.zeros((4, 1))


@pytest.mark.parametrize("call, meant", [
    (lambda: ns.Network([2, 3, 1], activation="sigmod"), "sigmoid"),
    (lambda: ns.Network([2, 3, 1], activation="tahn"), "tanh"),
    (lambda: ns.Network([2, 3, 1], activation="leaky-relu"), "leaky_relu"),
    (lambda: ns.Network([2, 3, 1], loss="half-sse"), "half_sse"),
    (lambda: ns.Network([2, 3, 3], loss="crossentropy"), "cross_entropy"),
    (lambda: ns.example("gradient"), "gradients"),
    (lambda: ns.datasets.load("moon"), "moons"),
    (lambda: ns.Network([2, 3, 1]).fit(X, Y, epochs=1, lr=0.1, optimizer="adma"), "adam"),
])
def test_a_typo_names_the_closest_valid_name(call, meant):
    with pytest.raises(ValueError, match=f"did you mean '{meant}'"):
        call()


@pytest.mark.parametrize("name", ["xyz", "", "s" * 100_000])
def test_no_guess_for_what_is_no_typo(name):
    with pytest.raises(ValueError) as exc:
        ns.Network([2, 3, 1], activation=name)
    assert "did you mean" not in str(exc.value) and "valid names are" in str(exc.value)


@pytest.mark.parametrize("argv, meant", [
    (["train", "--dataset", "moon"], "moons"),
    (["check", "--loss", "half-sse"], "half_sse"),
    (["demo", "--example", "gradient"], "gradients"),
    (["check", "--sizes", "2,2", "--activation", "sigmod"], "sigmoid"),
])
def test_the_cli_names_the_closest_choice(argv, meant, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:   # a --loss or --dataset outside argparse's choices
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and f"did you mean '{meant}'?" in err and "Traceback" not in err


def test_the_valid_names_say_softmax_is_for_the_output_only():
    with pytest.raises(ValueError) as exc:
        ns.Network([2, 3, 1], activation="xyz")
    assert "'softmax' (output only)" in str(exc.value) and "'tanh'," in str(exc.value)
