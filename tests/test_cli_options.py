"""The options several commands share are one option: --notation and --digits read, check and explain
themselves the same way everywhere; explore leaves its defaults to the library and says what they are."""

from __future__ import annotations

import json
import re

import pytest

from neurosim.base.notation import DEFAULT_NOTATION, NOTATIONS
from neurosim.cli import build_parser, main
from neurosim.data import datasets

# the commands that print symbols, and the --digits default of those that print numbers
NOTATION_COMMANDS = {"animate": None, "bridge": 4, "check": None, "explore": 6, "step": 6}


def option(command: str, flag: str):
    parser = build_parser().commands[command]
    return next((a for a in parser._actions if flag in a.option_strings), None)


@pytest.mark.parametrize("command, digits", NOTATION_COMMANDS.items())
def test_notation_and_digits_are_the_same_option_in_every_command(command, digits):
    notation = option(command, "--notation")
    assert notation is not None and tuple(notation.choices) == tuple(NOTATIONS)
    assert f"(default: {DEFAULT_NOTATION})" in notation.help and "bracket" in notation.help
    given = option(command, "--digits")
    if digits is None:
        assert given is None
        return
    assert f"(default: {digits})" in given.help
    for bad in ("0", "18", "six"):
        with pytest.raises(SystemExit):
            build_parser().parse_args([command, "--digits", bad])


def test_a_notation_outside_the_choices_exits_2_in_every_command(capsys):
    for command in NOTATION_COMMANDS:
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args([command, "--notation", "greek"])
        assert exit_.value.code == 2
        assert "--notation" in capsys.readouterr().err


def _page_data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" class="nsx-data">(.*?)</script>', text, re.S)
    return json.loads(found.group(1))


def test_explore_leaves_notation_and_digits_to_the_library(tmp_path):
    assert option("explore", "--notation").default is None and option("explore", "--digits").default is None
    out = tmp_path / "page.html"
    assert main(["explore", "--out", str(out)]) == 0
    data = _page_data(out)
    assert data["notation"] == DEFAULT_NOTATION and data["digits"] == 6
    assert main(["explore", "--notation", "alsup", "--digits", "3", "--out", str(out)]) == 0
    data = _page_data(out)
    assert data["notation"] == "alsup" and data["digits"] == 3


@pytest.mark.parametrize("flag, value", [("--epochs", "200"), ("--lr", "0.5"), ("--m", "200"),
                                         ("--record-every", "5")])
def test_explore_refuses_a_training_option_without_train_even_at_its_default(capsys, tmp_path, flag, value):
    assert main(["explore", flag, value, "--out", str(tmp_path / "p.html")]) == 2
    assert f"{flag}: only with --train" in capsys.readouterr().err


def test_explore_trains_on_as_many_examples_as_the_data_set_makes_by_default(tmp_path):
    m = datasets.spiral.__defaults__[0]
    assert f"spiral {m}" in option("explore", "--m").help
    out = tmp_path / "spiral.html"
    assert main(["explore", "--sizes", "2,3,3", "--loss", "cross_entropy", "--train", "spiral", "--epochs", "2",
                 "--out", str(out)]) == 0
    assert len(_page_data(out)["timeline"]["points"]) == min(m, 300)


@pytest.mark.parametrize("command", ["step", "check", "bridge", "animate", "explore", "train"])
@pytest.mark.parametrize("name, message", [
    ("nett.json", "--load: no such file 'nett.json'"),
    ("folder", "--load: 'folder' is a folder, not a network file"),
    ("bad.json", "--load: malformed neurosim file"),
])
def test_every_load_error_names_the_option(command, name, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert main([command, "--load", name]) == 2
    err = capsys.readouterr().err
    assert f"neurosim {command}: error: {message}" in err and "Traceback" not in err


@pytest.mark.parametrize("given, random", [(["--input", "0.5,-1", "--target", "1"], False),
                                           (["--input", "0.5,-1"], True), ([], True)])
def test_the_title_says_random_examples_only_when_they_are(given, random, capsys):
    assert main(["step", "--sizes", "2,2,1", "--all", "--phase", "forward", *given]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("neurosim step: a 2-2-1 network")
    assert ("(with random examples)" in first) == random


@pytest.mark.parametrize("argv, message", [
    (["--sizes", "2,2", "--output", "softmax"], "'softmax' is allowed only with --loss cross_entropy"),
    (["--sizes", "2,2,1", "--loss", "cross_entropy"], "with one output neuron use --loss binary_cross_entropy"),
    (["--sizes", "2,2", "--loss", "binary_cross_entropy", "--output", "relu"], "needs --output sigmoid, got 'relu'"),
    # one of several hidden activations: the library names it activation[k], the option is still --activation
    (["--sizes", "2,2,2,1", "--activation", "relu,sigmod"], "error: --activation: activation[1]: unknown activation"),
])
def test_network_errors_speak_in_options(argv, message, capsys):
    assert main(["check", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "loss='" not in err and "output='" not in err


def test_train_names_the_option_of_one_bad_hidden_activation(capsys):
    assert main(["train", "--hidden", "2,2", "--activation", "relu,sigmod", "--epochs", "1"]) == 2
    assert "error: --activation: activation[1]: unknown activation 'sigmod'" in capsys.readouterr().err
