"""Problem sets: several quiz questions written as a sheet to hand out (Markdown, HTML or LaTeX) and an
answer key beside it with the whole worked solution of each question.

The sheet for ``problems.md`` goes to ``problems.md`` and its key to ``problems-answers.md``. Question k is
``Quiz(seed=seed + k − 1, …)``, as round k of ``neurosim quiz --seed``, so the same seed writes the same files,
byte for byte. Each question shows its network drawn (inline SVG in Markdown and HTML, TikZ in LaTeX, so no
picture files are needed), the table of its weights, biases, input and target, and the request.
"""

from __future__ import annotations

import html
import numbers
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ...base.files import write_text_atomic
from ...base.svg import network_svg, positions
from .answers import show, worked_lines

FORMATS = (".md", ".html", ".tex")
# Transliteration for LaTeX verbatim blocks, which pdflatex cannot fill with Greek letters or maths signs.
_ASCII = str.maketrans({"δ": "delta", "Δ": "Delta", "σ": "sigma", "Σ": "sum", "∂": "d", "×": "x", "·": "*",
                        "…": "...", "−": "-", "ᵀ": "^T", "′": "'", "½": "1/2", "²": "^2", "∘": "o", "—": "-",
                        "≤": "<=", "→": "->", "ε": "eps"})
_TEX_LOSS = {"half_sse": r"J = \tfrac12 \sum_i (a_i - y_i)^2", "sse": r"J = \sum_i (a_i - y_i)^2",
             "cross_entropy": r"J = -\log p_y", "binary_cross_entropy": r"J = -[y\log a + (1-y)\log(1-a)]"}


def answers_path(path: str | Path) -> Path:
    """``problems.md`` → ``problems-answers.md``: where the key of a sheet goes."""
    path = Path(path)
    return path.with_name(f"{path.stem}-answers{path.suffix}")


def _edges(net) -> list[tuple[int, int, int, float]]:
    return [(l, i + 1, j + 1, float(W[i, j])) for l, (W, _) in enumerate(net.parameters(), start=1)
            for i in range(W.shape[0]) for j in range(W.shape[1]) if net.mask(l)[i, j]]


def _drawing(net, k: int) -> str:
    """Question k's network as SVG, coloured by its weights."""
    edges = _edges(net)
    return network_svg(net.sizes, [e[:3] for e in edges], [e[3] for e in edges], title=f"question {k}: the network",
                       legend=False)


def _answer_text(quiz) -> str:
    return f"{quiz.symbol} = {show(quiz.expected, 'number' if quiz.numeric else quiz.kind)}"


def _solution_lines(quiz) -> list[str]:
    if quiz.numeric:
        return [line[2:] for line in worked_lines(quiz.chain())]
    return str(quiz.solution).splitlines()


# --- Markdown ------------------------------------------------------------------------------------------------

def _markdown(quizzes, title: str, intro: str, key_name: str) -> tuple[str, str]:
    sheet = [f"# {title}", "", intro, "", f"Answers: [{key_name}]({key_name})", ""]
    key = [f"# {title}: answers", ""]
    for k, quiz in enumerate(quizzes, start=1):
        svg = _drawing(quiz.net, k)
        sheet += [f"## Question {k}", "", svg, "", "```text", quiz.table, "```", "", f"**{quiz.prompt}**", "",
                  "Answer: ______________________", ""]
        key += [f"## Question {k}: {_answer_text(quiz)}", "", "```text", *_solution_lines(quiz), "```", ""]
    return "\n".join(sheet), "\n".join(key)


# --- HTML ----------------------------------------------------------------------------------------------------

_CSS = ("body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.4}"
        "pre{background:#f6f6f6;padding:.6em;overflow-x:auto}section{page-break-inside:avoid;margin-bottom:2em}"
        "@media (prefers-color-scheme:dark){body{background:#1e1e1e;color:#ddd}pre{background:#2a2a2a}}")


def _page(title: str, body: list[str]) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_CSS}</style></head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")


def _html(quizzes, title: str, intro: str, key_name: str) -> tuple[str, str]:
    sheet = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(intro)}</p>",
             f'<p>Answers: <a href="{html.escape(key_name)}">{html.escape(key_name)}</a></p>']
    key = [f"<h1>{html.escape(title)}: answers</h1>"]
    for k, quiz in enumerate(quizzes, start=1):
        svg = _drawing(quiz.net, k)
        sheet.append(f"<section><h2>Question {k}</h2>\n{svg}\n<pre>{html.escape(quiz.table)}</pre>\n"
                     f"<p><strong>{html.escape(quiz.prompt)}</strong></p>\n<p>Answer: ______________</p></section>")
        key.append(f"<section><h2>Question {k}: {html.escape(_answer_text(quiz))}</h2>\n"
                   f"<pre>{html.escape(chr(10).join(_solution_lines(quiz)))}</pre></section>")
    return _page(title, sheet), _page(f"{title}: answers", key)


# --- LaTeX ---------------------------------------------------------------------------------------------------

def _tex_escape(text: str) -> str:
    out = text.translate(_ASCII)
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                 ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("^", r"\^{}"), ("~", r"\~{}")):
        out = out.replace(a, b)
    return out


_GREEK = {"δ": r"\delta", "Δ": r"\Delta", "σ": r"\sigma"}
_SYMBOL = re.compile(r"(∂J/∂)?([δΔσzaWbxyA])(?:_(\w+))?\^\((\w+)\)(ᵀ)?")


def _tex_text(text: str) -> str:
    """Plain notation (``δ_1^(2)``, ``∂J/∂W_12^(1)``, ``Δ^(3)``, ``(A^(2))ᵀ``) typeset as LaTeX maths, the rest
    escaped as text."""
    def plain(segment: str) -> str:
        return _tex_escape(segment.replace("×", "\0")).replace("\0", r"$\times$")

    out, last = [], 0
    for m in _SYMBOL.finditer(text):
        out.append(plain(text[last:m.start()]))
        partial, name, sub, layer, transposed = m.groups()
        sym = _GREEK.get(name, name) + (f"_{{{sub}}}" if sub else "") + f"^{{({layer})}}"
        out.append("$" + (r"\partial J/\partial " if partial else "") + sym + (r"^\top" if transposed else "") + "$")
        last = m.end()
    out.append(plain(text[last:]))
    return "".join(out)


def _tikz(net) -> str:
    pos = positions(net.sizes, column=1.8, row=0.9, margin=0.0)
    lines = [r"\begin{tikzpicture}[yscale=-1,n/.style={circle,draw,minimum size=5mm,inner sep=0pt}]"]
    for (l, i), (x, y) in pos.items():
        lines.append(f"  \\node[n] (n{l}-{i}) at ({x:.2f},{y:.2f}) {{\\scriptsize {l},{i}}};")
    for l, i, j, w in _edges(net):
        style = "red!70!black" if w > 0 else "blue!70!black"
        lines.append(f"  \\draw[{style}] (n{l}-{j}) -- (n{l + 1}-{i});")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)


def _tex_number(v: float) -> str:
    return f"${float(v):g}$"


def _tex_table(quiz) -> str:
    net = quiz.net
    parts = [f"Network {'-'.join(map(str, net.sizes))}, loss \\texttt{{{_tex_escape(net.loss.name)}}}: "
             f"${_TEX_LOSS.get(net.loss.name, '')}$.\n\n"
             "Input: " + ", ".join(f"$x_{{{j}}} = {float(v):g}$" for j, v in enumerate(quiz.x, start=1)) + ".\n"]
    for l, (W, b) in enumerate(net.parameters(), start=1):
        mask = net.mask(l)
        cols = W.shape[1]
        rows = [" & ".join([f"$i={i + 1}$"] + [_tex_number(W[i, j]) if mask[i, j] else "--" for j in range(cols)]
                           + [_tex_number(b[i])]) + r" \\" for i in range(W.shape[0])]
        head = " & ".join([""] + [f"$j={j + 1}$" for j in range(cols)] + [f"$b_i^{{({l})}}$"]) + r" \\ \hline"
        parts.append(f"\n$W^{{({l})}}$ and $b^{{({l})}}$ (layer {l} to layer {l + 1}, "
                     f"\\texttt{{{_tex_escape(net.activations[l - 1].name)}}}; row $i$ is neuron $i$ of layer "
                     f"{l + 1}):\n\n\\begin{{tabular}}{{r{'r' * cols}|r}}\n{head}\n" + "\n".join(rows)
                     + "\n\\end{tabular}\n")
    parts.append("\nTarget: " + ", ".join(f"$y_{{{i}}} = {float(v):g}$" for i, v in enumerate(quiz.t, start=1)) + ".")
    return "".join(parts)


def _tex_doc(title: str, body: list[str]) -> str:
    return ("\\documentclass[11pt]{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amsmath}\n"
            "\\usepackage{tikz}\n\\usepackage[margin=2cm]{geometry}\n\\begin{document}\n"
            f"\\section*{{{_tex_escape(title)}}}\n" + "\n".join(body) + "\n\\end{document}\n")


def _tex_solution(quiz) -> str:
    if not quiz.numeric:
        return "\\begin{verbatim}\n" + "\n".join(_solution_lines(quiz)).translate(_ASCII) + "\n\\end{verbatim}"
    rows = [f"{s.latex.replace(' = ', ' &= ', 1)} \\\\\n  &= {s.latex_numbers}" for s in quiz.chain()]
    return "{\\small\n\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}}"


def _tex(quizzes, title: str, intro: str, key_name: str) -> tuple[str, str]:
    sheet = [_tex_text(intro), "", f"Answers: \\texttt{{{_tex_escape(key_name)}}}.", ""]
    key = []
    for k, quiz in enumerate(quizzes, start=1):
        sheet += [f"\\subsection*{{Question {k}}}", "\\begin{center}", _tikz(quiz.net), "\\end{center}",
                  _tex_table(quiz), "", f"\\textbf{{{_tex_text(quiz.prompt)}}}", "",
                  "Answer: \\rule{6cm}{0.4pt}", ""]
        key += [f"\\subsection*{{Question {k}: {_tex_text(_answer_text(quiz))}}}", _tex_solution(quiz), ""]
    return _tex_doc(title, sheet), _tex_doc(f"{title}: answers", key)


_WRITERS: dict[str, Callable] = {".md": _markdown, ".html": _html, ".tex": _tex}


def export(make: Callable[[int], object], path: str | Path, rounds: int, seed: int) -> tuple[Path, Path]:
    """Write ``rounds`` questions ``make(0)`` … ``make(rounds − 1)`` as a sheet at ``path`` and its answer key
    beside it (see :func:`answers_path`); the suffix (.md, .html or .tex) picks the format. Returns both paths."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"path: expected a file name ending in {', '.join(FORMATS)}, got {str(path)!r}")
    quizzes = [make(k) for k in range(rounds)]
    key_path = answers_path(path)
    title = "neurosim problem set"
    intro = (f"{rounds} question{'s' if rounds > 1 else ''} (seed {seed}). Compute each quantity by hand from the "
             "weights, biases, input and target of its network; give numbers to three significant digits, shapes "
             "as rows x columns and neurons as l,i. Indices follow Van Vaerenbergh: W_ij^(l) runs from neuron j "
             "of layer l to neuron i of layer l+1.")
    sheet, key = _WRITERS[suffix](quizzes, title, intro, key_path.name)
    write_text_atomic(path, sheet)
    write_text_atomic(key_path, key)
    return path, key_path


def export_like(quiz, path: str | Path, rounds: int = 10, seed: int | None = None) -> tuple[Path, Path]:
    """:meth:`Quiz.export`: ``rounds`` questions made like ``quiz`` (its settings, or other quantities of its
    own network), question k with ``seed + k − 1``."""
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral) or not 1 <= rounds <= 1000:
        raise ValueError(f"rounds: expected a whole number from 1 to 1000, got {rounds!r}")
    seed = quiz.seed if seed is None else seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 1_000_000)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed: expected a non-negative whole number, got {seed!r}")
    s, cls = quiz._settings, type(quiz)

    def make(k: int):
        if s["user_net"]:
            return cls(seed=seed + k, net=quiz.net, x=quiz.x, y=quiz.y, ask=s["ask"], tol=s["tol"])
        return cls(seed=seed + k, sizes=s["sizes"], activation=s["activation"], output=s["output"], loss=s["loss"],
                   ask=s["ask"], tol=s["tol"], decimals=s["decimals"])

    return export(make, path, int(rounds), int(seed))
