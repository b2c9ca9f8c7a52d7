"""Every command's --help ends with examples that run as written: each parses, the quick ones run here."""

from __future__ import annotations

import io
import shlex

import pytest

from neurosim.cli import COMMANDS, build_parser, main
from neurosim.cli.examples import EXAMPLES

ALL = [(command, line) for command, examples in EXAMPLES.items() for line, _ in examples]
# Seconds each at most; animate, train, demo and bench take longer and are only parsed.
QUICK = [(command, line) for command, line in ALL if command in ("step", "bridge", "check", "quiz", "explore")
         and "--train" not in line]
EXIT = {"neurosim check --tamper 2,1,3": 1}   # the planted error is found


def test_every_command_has_examples():
    assert sorted(EXAMPLES) == sorted(COMMANDS)
    assert all(len(examples) >= 2 for examples in EXAMPLES.values())


@pytest.mark.parametrize("command, line", ALL, ids=[line for _, line in ALL])
def test_every_example_parses_and_is_shown_unwrapped(command, line, capsys):
    argv = shlex.split(line)
    assert argv[0] == "neurosim" and argv[1] == command
    assert build_parser().parse_args(argv[1:]).command == command   # argparse exits 2 on a bad option
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert f"\n  {line}\n" in capsys.readouterr().out


@pytest.mark.parametrize("command, line", QUICK, ids=[line for _, line in QUICK])
def test_the_quick_examples_run(command, line, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))   # interactive ones stop at the end of input
    code = main(shlex.split(line)[1:])
    err = capsys.readouterr().err
    assert code == EXIT.get(line, 0), err
    assert "error" not in err and "Traceback" not in err


def test_the_overview_says_where_to_start_and_where_the_examples_are(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Start with 'neurosim demo'" in text and "examples that run as written" in text
