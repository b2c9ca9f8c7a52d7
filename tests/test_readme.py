"""The README's example prints exactly what the README says, and its commands exist."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from neurosim.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_ten_line_example_prints_what_the_readme_shows():
    code = re.search(r"## In ten lines\s+```python\n(.*?)```", README, re.S).group(1)
    shown = re.search(r"prints\s+```text\n(.*?)```", README, re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip() and not line.startswith("import")]) <= 12
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == shown


def test_readme_opens_with_the_demo_and_test_commands():
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    assert "neurosim demo" in blocks[0] and "pip install -e ." in blocks[0]
    assert "python -m pytest" in blocks[1] and '.[dev]' in blocks[1]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "python -m pytest" in ci and 'pip install --quiet -e ".[dev]"' in ci


def _commands():
    for block in re.findall(r"```bash\n(.*?)```", README, re.S)[2:]:
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if line.startswith("neurosim "):
                yield shlex.split(line)[1:]


@pytest.mark.parametrize("argv", list(_commands()), ids=" ".join)
def test_every_readme_command_parses(argv):
    args = build_parser().parse_args(argv)   # argparse exits 2 on an unknown option
    assert args.command == argv[0]


def test_the_dev_extra_brings_the_setuptools_the_build_needs():
    # README's second command, in a fresh venv: the wheel test builds without isolation, with the venv's own
    # setuptools, which must then be one the build-system accepts (Python 3.11's bundled 65.5 is not)
    import tomllib

    meta = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    floor = {r.partition(">=")[0]: r.partition(">=")[2] for r in meta["build-system"]["requires"]}["setuptools"]
    dev = [r for r in meta["project"]["optional-dependencies"]["dev"] if r.startswith("setuptools")]
    assert dev == [f"setuptools>={floor}"]
