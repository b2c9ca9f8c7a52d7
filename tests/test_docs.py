"""The docs say only what neurosim does: their examples run, their numbers are recomputed, nothing is missing.

Conventions of the docs/ pages that these tests rely on:

* Every ```python block of a page runs, in page order, in one namespace per page (the working directory is a
  temporary folder, matplotlib is headless).
* A ```python block followed directly by an ```output block printed exactly that output.
* A number quoted in the prose carries its source as an HTML comment right after it, invisible when rendered:
  ``0.0129<!-- = net.neuron(2, 1).delta -->``. The expression is evaluated in the page's namespace after all its
  blocks ran (so name a value the page keeps, not a neuron's state that later blocks overwrite); the quoted
  number must equal the value rounded to the digits quoted.
* A ```console block that starts with ``$ neurosim ARGS`` shows that command's output: the test runs it (in-process,
  in a temporary folder) and compares its stdout line by line, where a line ``...`` stands for any number of lines.
  ``# exit N`` after the command states the exit status (0 when absent).
* A number with three or more decimals in the prose must be quoted that way (parameters like 0.01 need not).
* docs/api.md names every entry of ``neurosim.__all__``; docs/cli.md names every command and every option.
* ``<!-- requires: torch -->`` marks a page whose examples need an optional package: without it they skip
  locally and fail under CI=true (see tests/optional.py).

``python tests/test_docs.py --update`` rewrites the output blocks and the quoted numbers from what the code
computes now (then read the diff: a changed number may need a changed sentence).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import re
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.glob("*.md"))

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
# A number, optionally in backticks, followed by <!-- = expression -->.
QUOTED = re.compile(r"(?P<num>[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)(?P<tick>`?)<!-- = (?P<expr>.+?) -->")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def blocks(text: str) -> list[tuple[str, str, int, int]]:
    """(info string, body, start, end) of every fenced block, in order."""
    return [(m.group(1).strip(), m.group(2), m.start(), m.end()) for m in FENCE.finditer(text)]


def python_runs(text: str) -> list[tuple[str, str | None]]:
    """(code, expected output or None) for every ```python block; the output is the ```output block right after."""
    found = blocks(text)
    runs = []
    for k, (info, body, _, end) in enumerate(found):
        if info != "python":
            continue
        expected = None
        if k + 1 < len(found) and found[k + 1][0] == "output" and not text[end:found[k + 1][2]].strip():
            expected = found[k + 1][1]
        runs.append((body, expected))
    return runs


def run_page(path: Path) -> tuple[dict, list[tuple[str, str | None, str]]]:
    """Run every python block of ``path``; returns the namespace and (code, expected, actual output) per block."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace: dict = {"__name__": f"docs.{path.stem}"}
    results = []
    for k, (code, expected) in enumerate(python_runs(path.read_text(encoding="utf-8"))):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{path.name} (python block {k + 1})", "exec"), namespace)
        results.append((code, expected, out.getvalue()))
    plt.close("all")
    return namespace, results


def needs_optional(path: Path) -> None:
    """Skip (locally) or fail (CI) when a package the page marks with ``<!-- requires: NAME -->`` is missing."""
    from .optional import require

    for module in re.findall(r"<!-- requires: (\w+) -->", path.read_text(encoding="utf-8")):
        require(module, f'pip install "neurosim[{module}]"')


def prose(text: str) -> str:
    """The page without its fenced blocks (quoted numbers live in the prose and tables)."""
    return FENCE.sub("", text)


def as_number(token: str) -> float:
    return float(token.replace("−", "-"))


def decimals(token: str) -> int:
    mantissa = token.split("e")[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def agrees(token: str, value: float) -> bool:
    """The quoted token equals ``value`` rounded to the quoted number of digits (half a unit of the last one)."""
    quoted = as_number(token)
    exponent = int(token.split("e")[1]) if "e" in token else 0
    unit = 10.0 ** (exponent - decimals(token))
    return abs(quoted - float(value)) <= 0.5 * unit * (1 + 1e-9) + 1e-15


def format_like(token: str, value: float) -> str:
    """``value`` written with as many decimals as ``token`` (for --update)."""
    if "e" in token:
        text = f"{value:.{decimals(token)}e}"
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    else:
        text = f"{value:.{decimals(token)}f}"
    if text.startswith("-") and token.startswith("−"):
        text = "−" + text[1:]
    if re.fullmatch(r"-0\.?0*", text):
        text = text[1:]
    return text


def _ids(paths):
    return [p.name for p in paths]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # whatever the examples write stays out of the repository
    return tmp_path


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_examples_run_and_print_what_the_page_shows(page, in_tmp):
    needs_optional(page)
    namespace, results = run_page(page)
    for code, expected, actual in results:
        if expected is not None:
            want = [line.rstrip() for line in expected.rstrip().splitlines()]
            got = [line.rstrip() for line in actual.rstrip().splitlines()]
            assert got == want, f"{page.name}: the block\n{code}\nprinted\n{actual}\nbut the page shows\n{expected}"
    text = prose(page.read_text(encoding="utf-8"))
    for m in QUOTED.finditer(text):
        value = eval(m.group("expr"), namespace)
        assert agrees(m.group("num"), value), (
            f"{page.name}: quotes {m.group('num')} for {m.group('expr')}, which is {float(value)!r}")


def test_quoted_numbers_are_there():
    """The recomputed-number convention is in use (a page that quotes numbers without it would pass silently)."""
    counts = {p.name: len(QUOTED.findall(prose(p.read_text(encoding="utf-8")))) for p in PAGES}
    for name in ("tutorial.md", "slips.md", "faq.md", "derivation.md", "bridge.md"):
        assert counts.get(name, 0) >= 3, f"{name} quotes {counts.get(name, 0)} recomputed numbers"


def test_no_computed_looking_number_goes_unchecked():
    """A number with three or more decimals in the prose is a computed one: it must carry its expression.

    (Parameters such as λ = 0.01 have fewer; inline code and display math are left alone.)
    """
    for page in PAGES:
        text = QUOTED.sub("", prose(page.read_text(encoding="utf-8")))
        text = re.sub(r"\$\$.*?\$\$", "", re.sub(r"`[^`\n]*`", "", text), flags=re.S)
        loose = re.findall(r"[-−]?\d+\.\d{3,}", text)
        assert not loose, f"{page.name} quotes {loose} without <!-- = expression -->"


def test_every_page_exists_and_links_resolve():
    names = {p.name for p in PAGES}
    for name in ("index.md", "tutorial.md", "derivation.md", "notation.md", "slips.md", "bridge.md", "api.md",
                 "cli.md", "faq.md"):
        assert name in names, f"docs/{name} is missing"
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for name in names - {"index.md"}:
        assert f"({name})" in index, f"docs/index.md does not link to {name}"
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


def test_api_reference_names_every_public_name():
    import neurosim as ns

    text = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = [name for name in ns.__all__ if not re.search(rf"`(ns\.)?{re.escape(name)}\b", text)]
    assert not missing, f"docs/api.md does not document {missing}"


def plain_signature(obj) -> str:
    """``(a, b=1, *, c=None)``: the signature as the docs write it, without annotations."""
    import inspect

    parts, star = [], False
    for p in inspect.signature(obj).parameters.values():
        if p.name in ("self", "cls"):
            continue
        text = p.name
        if p.kind == p.VAR_POSITIONAL:
            text, star = "*" + text, True
        elif p.kind == p.VAR_KEYWORD:
            text = "**" + text
        elif p.kind == p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        if p.default is not p.empty:
            text += "=" + repr(p.default)
        parts.append(text)
    return "(" + ", ".join(parts) + ")"


def test_api_reference_signatures_are_the_code_s():
    """Every signature in a heading or in the first column of a table of docs/api.md is the callable's own."""
    import neurosim as ns

    owners = {"ns": ns, "net": ns.Network, "twin": ns.MatrixNetwork, "quiz": ns.Quiz}
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    spans = re.findall(r"^### `([^`]+)`", text, re.M) + re.findall(r"^\| `([^`]+)` \|", text, re.M)
    checked = 0
    for span in spans:
        m = re.fullmatch(r"(\w+)((?:\.\w+)+)(\(.*\))", span)
        if not m or m.group(1) not in owners:
            continue
        obj = owners[m.group(1)]
        for part in m.group(2).strip(".").split("."):
            obj = getattr(obj, part)
        assert m.group(3) == plain_signature(obj), f"docs/api.md shows {span}, the code has {plain_signature(obj)}"
        checked += 1
    assert checked >= 40


def _commands_and_options():
    import argparse as ap

    from neurosim.cli import COMMANDS, build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, ap._SubParsersAction))
    for name in COMMANDS:
        options = [s for a in sub.choices[name]._actions for s in a.option_strings if s.startswith("--")]
        yield name, [o for o in options if o != "--help"]


def test_cli_reference_names_every_command_and_option():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name, options in _commands_and_options():
        section = re.search(rf"^## `neurosim {name}`.*?(?=^## |\Z)", text, re.S | re.M)
        assert section, f"docs/cli.md has no section '## `neurosim {name}`'"
        missing = [o for o in options if not re.search(rf"`{re.escape(o)}\b", section.group(0))]
        assert not missing, f"docs/cli.md, neurosim {name}: options {missing} are not documented"


COMMAND = re.compile(r"^\$ neurosim(?P<args>[^#\n]*?)(?:\s+#\s*exit (?P<status>\d+))?\s*$")


def console_runs(text: str) -> list[tuple[str, int, list[str]]]:
    """(arguments, expected exit status, expected lines) of every ```console block that runs ``neurosim``."""
    runs = []
    for info, body, _, _ in blocks(text):
        lines = body.rstrip("\n").splitlines()
        if info != "console" or not lines:
            continue
        m = COMMAND.match(lines[0])
        if m:
            runs.append((m.group("args").strip(), int(m.group("status") or 0), lines[1:]))
    return runs


def matches(expected: list[str], actual: list[str]) -> bool:
    """``actual`` equals ``expected`` line by line (trailing spaces ignored), ``...`` matching any run of lines."""
    expected = [line.rstrip() for line in expected]
    actual = [line.rstrip() for line in actual]

    def match(e: int, a: int) -> bool:
        if e == len(expected):
            return a == len(actual)
        if expected[e] == "...":
            return any(match(e + 1, k) for k in range(a, len(actual) + 1))
        return a < len(actual) and expected[e] == actual[a] and match(e + 1, a + 1)

    return match(0, 0)


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_console_examples_print_what_the_page_shows(page, in_tmp, capsys):
    import shlex

    from neurosim.cli import main

    needs_optional(page)
    for args, status, expected in console_runs(page.read_text(encoding="utf-8")):
        capsys.readouterr()
        code = main(shlex.split(args))
        out = capsys.readouterr().out
        assert code == status, f"{page.name}: neurosim {args} exited with {code}, the page says {status}"
        assert matches(expected, out.splitlines()), (
            f"{page.name}: neurosim {args} printed\n{out}\nbut the page shows\n" + "\n".join(expected))


def _figure_script():
    spec = importlib.util.spec_from_file_location("make_figures", DOCS / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_figures_regenerate_headless(tmp_path):
    from PIL import Image

    script = _figure_script()
    written = script.main(["--out", str(tmp_path)])
    assert written, "make_figures.py wrote nothing"
    for path in written:
        path = Path(path)
        assert path.parent == tmp_path
        with Image.open(path) as im:
            assert im.format == ("GIF" if path.suffix == ".gif" else "PNG")
            assert im.size[0] >= 300 and im.size[1] >= 200
            # a blank figure would be one colour
            assert len(im.convert("RGB").getcolors(maxcolors=1 << 20) or [0, 0]) > 10
    # every figure the pages (and the README) show is one the script makes, and it is committed
    names = {Path(p).name for p in written}
    readme = DOCS.parent / "README.md"
    for page in [*PAGES, readme]:
        prefix = "docs/figures/" if page == readme else "figures/"
        for target in re.findall(r"\]\(" + prefix + r"([^)]+)\)", page.read_text(encoding="utf-8")):
            if target in script.BROWSER_FIGURES and target not in names:
                continue   # no Chromium here (and not CI): make_figures said it skipped the screenshot
            assert target in names, f"{page.name} shows figures/{target}, which make_figures.py does not make"
            committed = DOCS / "figures" / target
            assert committed.exists(), f"docs/figures/{target} is not committed: run python docs/make_figures.py"
            with Image.open(committed) as old, Image.open(tmp_path / target) as new:
                assert old.size == new.size, f"docs/figures/{target} is stale: run python docs/make_figures.py"


def test_figure_script_rejects_bad_arguments(tmp_path, capsys):
    script = _figure_script()
    with pytest.raises(SystemExit) as exc:
        script.main(["--nope"])
    assert exc.value.code == 2


def test_console_helpers():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"]) and matches(["a", "..."], ["a"])
    assert not matches(["a", "d"], ["a", "b", "d"]) and not matches(["a", "...", "e"], ["a", "b"])
    runs = console_runs("```console\n$ neurosim check --tamper 2,1,2  # exit 1\nline\n```\n")
    assert runs == [("check --tamper 2,1,2", 1, ["line"])]


def test_number_convention_helpers():
    assert agrees("0.0129", 0.01290306) and not agrees("0.0130", 0.01290306)
    assert agrees("-0.13", -0.1345) and not agrees("0.13", -0.1345)
    assert agrees("−0.135", -0.1345348) and agrees("2", 2.4) and not agrees("2", 2.6)
    assert agrees("1.5e-9", 1.46e-9) and not agrees("1.5e-9", 1.56e-9)
    assert format_like("−0.000", -0.12345) == "−0.123" and format_like("0.0", -0.01) == "0.0"
    assert format_like("1.0e-9", 4.48e-9) == "4.5e-9"


def _renumber(text: str, namespace: dict) -> str:
    """``text`` with every quoted number outside code blocks recomputed from its expression."""
    code_spans = set()
    for _, _, start, end in blocks(text):
        code_spans.update(range(start, end))

    def renumber(m: re.Match) -> str:
        if m.start() in code_spans:
            return m.group(0)
        value = float(eval(m.group("expr"), namespace))
        return f"{format_like(m.group('num'), value)}{m.group('tick')}<!-- = {m.group('expr')} -->"

    return QUOTED.sub(renumber, text)


def _with_outputs(text: str, outputs: list[str]) -> str:
    """``text`` with the output block after each python block replaced by that block's actual output."""
    actual = iter(outputs)
    pieces, last = [], 0
    found = blocks(text)
    for k, (info, _, _, end) in enumerate(found):
        if info != "python":
            continue
        out = next(actual)
        if k + 1 < len(found) and found[k + 1][0] == "output" and not text[end:found[k + 1][2]].strip():
            pieces.append(text[last:found[k + 1][2]])
            pieces.append("```output\n" + out.rstrip() + "\n```")
            last = found[k + 1][3]
    pieces.append(text[last:])
    return "".join(pieces)


def update(pages: list[Path]) -> None:
    """Rewrite each page's output blocks and quoted numbers from what the code computes now."""
    import tempfile

    for page in pages:
        old = page.read_text(encoding="utf-8")
        cwd = os.getcwd()
        with tempfile.TemporaryDirectory() as tmp:
            os.chdir(tmp)
            try:
                namespace, results = run_page(page)
            finally:
                os.chdir(cwd)
        new = _renumber(_with_outputs(old, [out for _, _, out in results]), namespace)
        if new != old:
            page.write_text(new, encoding="utf-8")
            print(f"updated {page}")


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--update", action="store_true", help="rewrite output blocks and quoted numbers")
    cli.add_argument("pages", nargs="*", help="pages to update (default: all)")
    args = cli.parse_args()
    if not args.update:
        cli.error("nothing to do: pass --update")
    sys.path.insert(0, str(DOCS.parent))
    update([DOCS / p if "/" not in p else Path(p) for p in args.pages] or PAGES)


DOTTED = re.compile(r"(?<![\w./-])(neurosim|ns)((?:\.[A-Za-z_]\w*)+)")


def resolve_dotted(name: str):
    """The object a dotted ``neurosim.…`` name means: the longest importable module prefix, then attributes."""
    import importlib

    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(name)


def dotted_names() -> list[tuple[str, str]]:
    found = set()
    for page in [*PAGES, ROOT / "README.md"]:
        for _prefix, rest in DOTTED.findall(page.read_text(encoding="utf-8")):
            rest = rest.rstrip(".")
            if rest.endswith((".md", ".py", ".gif", ".html", ".png", ".json", ".mp4", ".csv")):
                continue
            found.add((page.name, "neurosim" + rest))
    return sorted(found)


@pytest.mark.parametrize("page, name", dotted_names())
def test_every_dotted_name_the_docs_mention_exists(page, name):
    try:
        resolve_dotted(name)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{page} mentions {name}, which does not resolve: {exc}")
