"""The teacher's kit, part 2: the whole worked chain, shape and sender questions, and problem sets."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from neurosim.explain.quiz import parse_neuron, parse_shape
from neurosim.explain.quiz.export import answers_path
from tests.reference import reference_backprop


def witness(net, x, y):
    Ws = [net.weights(l) for l in range(1, net.n_layers)]
    bs = [net.biases(l) for l in range(1, net.n_layers)]
    t = np.eye(net.sizes[-1])[y] if net.loss.name == "cross_entropy" else np.asarray(y, float)
    z, a, delta, _, grads = reference_backprop(Ws, bs, [a.name for a in net.activations], net.loss.name, x, t)
    return z, a, delta, grads


def witness_value(step, z, a, delta, grads) -> float:
    if step.kind in ("z", "a", "delta"):
        return {"z": z, "a": a, "delta": delta}[step.kind][step.layer][step.index - 1]
    return grads[step.layer - 1][0][step.index - 1, step.source - 1]


# --- the whole chain -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ask", ["z", "a", "delta", "grad"])
def test_worked_chain_holds_every_value_the_answer_needs(seed, ask):
    q = ns.Quiz(seed=seed, sizes=(2, 3, 2, 2), activation="tanh", ask=ask)
    z, a, delta, grads = witness(q.net, q.x, q.y)
    steps = q.chain()
    got = {(s.kind, s.layer, s.index, s.source) for s in steps}
    n = q.net.n_layers
    if ask in ("z", "a"):
        l, i = q.where
        need = {(k, m, r, None) for m in range(2, l) for r in range(1, q.net.sizes[m - 1] + 1) for k in "za"}
        need |= {("z", l, i, None)} | ({("a", l, i, None)} if ask == "a" else set())
    else:
        l, i = q.where[:2]
        first = l if ask == "delta" else l + 1
        need = {(k, m, r, None) for m in range(2, n + 1) for r in range(1, q.net.sizes[m - 1] + 1) for k in "za"}
        need |= {("delta", m, r, None) for m in range(first + 1, n + 1) for r in range(1, q.net.sizes[m - 1] + 1)}
        need |= {("delta", first, i, None)}
        if ask == "grad":
            need |= {("W", *q.where)}
    assert got == need
    assert (steps[-1].kind, steps[-1].layer, steps[-1].index) == (q.solution.kind, q.solution.layer,
                                                                   q.solution.index)
    text = str(q.check(q.expected + 1.0))     # a wrong answer prints the whole chain
    for s in steps:
        assert s.value == pytest.approx(witness_value(s, z, a, delta, grads), rel=1e-9, abs=1e-12)
        assert s.formula in text and s.numbers in text


def test_chain_runs_forward_then_backward_output_layer_first():
    q = ns.Quiz(seed=2, sizes=(2, 2, 2, 2), ask="delta", where=(2, 1))
    phases = [s.phase for s in q.chain()]
    assert phases == sorted(phases, key=["forward", "backward"].index)
    layers = [s.layer for s in q.chain() if s.phase == "backward"]
    assert layers == sorted(layers, reverse=True) and layers[-1] == 2


# --- shape questions -----------------------------------------------------------------------------------------

SIZES = (3, 4, 2)


@pytest.mark.parametrize("where, expected", [(("W", 1), (4, 3)), (("W", 2), (2, 4)), (("delta", 2), (4, None)),
                                             (("delta", 3), (2, None)), (("grad", 1), (4, 3)),
                                             (("grad", 2), (2, 4))])
def test_shape_answers_follow_the_column_form(where, expected):
    q = ns.Quiz(seed=1, sizes=SIZES, ask="shape", where=where)
    rows, cols = expected
    cols = q.m if cols is None else cols     # δ for a batch: one column per example
    assert q.expected == (rows, cols)
    assert q.m not in SIZES
    for spelling in (f"{rows}x{cols}", f"{rows}×{cols}", f"({rows}, {cols})", f" {rows} X {cols} ", (rows, cols),
                     f"[{rows},{cols}]"):
        assert q.check(spelling).correct, spelling
    wrong = q.check(f"{cols}x{rows}")
    assert not wrong.correct and "transposed" in {c.mistake.key for c in wrong.mistakes}
    assert "Worked solution" in str(wrong) and f"{rows}×{cols}" in str(wrong)


def test_forgetting_the_batch_dimension_is_diagnosed():
    q = ns.Quiz(seed=1, sizes=SIZES, ask="shape", where=("delta", 2))
    result = q.check("4x1")
    assert [c.mistake.key for c in result.mistakes] == ["forgot_batch"]
    assert "forgot the batch dimension" in result.diagnosis


def test_the_neighbouring_layer_and_the_batch_product_are_diagnosed():
    q = ns.Quiz(seed=1, sizes=SIZES, ask="shape", where=("grad", 2))
    assert [c.mistake.key for c in q.check("4x3").mistakes] == ["wrong_layer"]
    assert [c.mistake.key for c in q.check(f"{q.m}x{q.m}").mistakes] == ["batch_product"]


def test_a_random_shape_question_avoids_square_answers_when_it_can():
    for seed in range(10):
        q = ns.Quiz(seed=seed, ask="shape")          # 2-2-2: only the batch Δ has a telling shape
        assert q.where[0] == "delta" and q.expected[0] != q.expected[1]


@pytest.mark.parametrize("bad", ["4", "four by three", "4x3x2", "", (4,), (4.0, 3.0), None])
def test_malformed_shapes_are_refused_naming_the_answer(bad):
    with pytest.raises((ValueError, TypeError), match="answer"):
        parse_shape(bad)


# --- sender questions ----------------------------------------------------------------------------------------

def test_the_sender_of_a_message_is_the_target_of_the_connection():
    q = ns.Quiz(seed=1, sizes=SIZES, ask="sender", where=(2, 1, 3))
    assert q.expected == (3, 1)       # W_13^(2) runs from (2, 3) to (3, 1); its message goes back from (3, 1)
    for spelling in ("3,1", "(3, 1)", " 3 1 ", (3, 1)):
        assert q.check(spelling).correct
    assert [c.mistake.key for c in q.check("2,3").mistakes] == ["forward_direction"]
    assert [c.mistake.key for c in q.check("3,3").mistakes] == ["wrong_index"]
    message = q.net.neuron(3, 1).delta * q.net.connection(2, 1, 3).weight
    assert f"{message:.6g}" in q.solution


def test_malformed_neurons_are_refused():
    with pytest.raises(ValueError, match="l,i"):
        parse_neuron("layer three")


# --- problem sets --------------------------------------------------------------------------------------------

def _export(tmp_path, name, **kw):
    quiz = ns.Quiz(seed=kw.pop("seed", 3), **kw)
    return quiz.export(tmp_path / name, rounds=4, seed=3)


def test_markdown_sheet_has_one_section_per_question_and_a_key_with_neurosims_values(tmp_path):
    sheet, key = _export(tmp_path, "problems.md", sizes=(2, 3, 2))
    assert key == tmp_path / "problems-answers.md" == answers_path(sheet)
    text, answers = sheet.read_text(encoding="utf-8"), key.read_text(encoding="utf-8")
    assert re.findall(r"^## Question (\d+)$", text, re.M) == ["1", "2", "3", "4"]
    assert text.count("<svg") == 4 and text.count("data-node=") == 4 * 7
    headings = re.findall(r"^## Question (\d+): (.+) = (\S+)$", answers, re.M)
    assert [h[0] for h in headings] == ["1", "2", "3", "4"]
    for k, (_, symbol, value) in enumerate(headings):
        q = ns.Quiz(seed=3 + k, sizes=(2, 3, 2))
        assert q.symbol == symbol and float(value) == pytest.approx(q.expected, rel=1e-5)
        z, a, delta, grads = witness(q.net, q.x, q.y)
        assert q.expected == pytest.approx(witness_value(q.solution, z, a, delta, grads), rel=1e-9, abs=1e-12)
        for step in q.chain():
            assert step.numbers in answers


def test_the_same_seed_writes_identical_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for suffix in (".md", ".html", ".tex"):
        a = _export(tmp_path / "a", f"p{suffix}", ask="any")
        b = _export(tmp_path / "b", f"p{suffix}", ask="any")
        assert a[0].read_bytes() == b[0].read_bytes()
        assert a[1].read_text(encoding="utf-8") == b[1].read_text(encoding="utf-8")


def test_html_sheet_is_a_page_with_inline_svg_and_escaped_text(tmp_path):
    sheet, key = _export(tmp_path, "p.html", ask="shape", sizes=(3, 4, 2))
    text = sheet.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.count("<section>") == 4 and text.count("<svg") == 4
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "×" in key.read_text(encoding="utf-8")


def _balanced(tex: str) -> None:
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", tex):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, f"\\end{{{name}}} closes nothing open"
    assert not stack, f"environments left open: {stack}"
    assert tex.count("{") - tex.count(r"\{") == tex.count("}") - tex.count(r"\}")


@pytest.mark.parametrize("ask, loss", [("any", "half_sse"), ("shape", "sse"), ("sender", "cross_entropy"),
                                       ("delta", "binary_cross_entropy")])
def test_latex_files_are_balanced_and_compile_where_pdflatex_exists(tmp_path, ask, loss):
    sheet, key = _export(tmp_path, "p.tex", ask=ask, loss=loss)
    for path in (sheet, key):
        tex = path.read_text(encoding="utf-8")
        _balanced(tex)
        assert "tikzpicture" in tex or path == key
        if shutil.which("pdflatex"):
            run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name],
                                 cwd=tmp_path, capture_output=True, text=True, timeout=120)
            assert run.returncode == 0, run.stdout[-2000:]


def test_cli_export_writes_sheet_and_key_and_refuses_other_formats(tmp_path, capsys):
    out = tmp_path / "problems.md"
    assert main(["quiz", "--export", str(out), "--rounds", "3", "--seed", "3"]) == 0
    assert out.exists() and (tmp_path / "problems-answers.md").exists()
    assert "problems-answers.md" in capsys.readouterr().out
    sheet, _ = ns.Quiz(seed=3).export(tmp_path / "python.md", rounds=3)
    assert sheet.read_text(encoding="utf-8").replace("python-answers", "problems-answers") == \
        out.read_text(encoding="utf-8")     # the CLI writes what Quiz(...).export writes
    assert main(["quiz", "--export", str(tmp_path / "p.pdf")]) == 2
    assert ".tex" in capsys.readouterr().err


def test_cli_asks_a_shape_question_and_reasks_on_a_malformed_answer(monkeypatch, capsys):
    q = ns.Quiz(seed=5, ask="shape")
    rows, cols = q.expected
    answers = iter(["four", f"{rows}x{cols}"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["quiz", "--ask", "shape", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "Please type a shape" in out and "Correct" in out and "Score: 1/1" in out


def test_the_sample_sheet_in_the_docs_is_what_the_command_writes(tmp_path):
    from pathlib import Path
    samples = Path(__file__).resolve().parent.parent / "docs" / "samples"
    assert main(["quiz", "--export", str(tmp_path / "problems.md"), "--rounds", "3", "--seed", "3",
                 "--sizes", "2,3,2"]) == 0
    for name in ("problems.md", "problems-answers.md"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (samples / name).read_text(encoding="utf-8"), (
            f"docs/samples/{name} is stale: rerun the command of docs/problem-sets.md in docs/samples")
