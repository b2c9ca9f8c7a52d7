"""HTML and LaTeX for notebooks, built from plain numbers and strings.

Every object a user inspects in Jupyter shows itself through ``_repr_html_`` / ``_repr_latex_``; they all
hand their numbers, already formatted as in their text form, to the helpers here, so the rich form and
the text form can never disagree. Everything a user could have typed (names, labels, titles) is escaped;
LaTeX goes between ``$…$``, which Jupyter's MathJax typesets inside HTML output too.

Nothing here knows a Network: the model, the witnesses and the explanations all sit above this module.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

# One small stylesheet per output, scoped by class, so several outputs in a notebook never clash.
CSS = (
    "<style>"
    ".ns-box{font-family:system-ui,sans-serif;font-size:13px;line-height:1.4}"
    ".ns-box table{border-collapse:collapse;margin:4px 0}"
    ".ns-box th,.ns-box td{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
    ".ns-box th{background:#f3f3f3}"
    ".ns-box td.ns-l,.ns-box th.ns-l{text-align:left}"
    ".ns-box tr.ns-group td{background:#eef3fa;font-weight:bold;text-align:left}"
    ".ns-box .ns-hi{background:#fff3c4}"
    ".ns-box .ns-bad{color:#b00020;font-weight:bold}"
    ".ns-box .ns-ok{color:#1b7a2e;font-weight:bold}"
    ".ns-box .ns-num{font-family:ui-monospace,monospace}"
    ".ns-box caption{caption-side:top;text-align:left;font-weight:bold;padding:2px 0;white-space:nowrap}"
    "</style>"
)


class Raw(str):
    """Markup that is already HTML (a math span, a nested table): :func:`cell` does not escape it."""


def esc(text) -> str:
    """``text`` safe inside HTML, quotes included."""
    return html.escape(str(text), quote=True)


def math(latex: str) -> Raw:
    """Inline math for MathJax: ``$…$`` with the LaTeX escaped for HTML (``<`` becomes ``&lt;``)."""
    return Raw(f"<span class='ns-math'>${esc(latex)}$</span>")


def num(text: str) -> Raw:
    """A number already formatted as in the text form, in a monospace span."""
    return Raw(f"<span class='ns-num'>{esc(text)}</span>")


def _cls(*names: str) -> str:
    """`` class='a b'`` for the non-empty names, or nothing."""
    names = " ".join(n for n in names if n)
    return f" class='{names}'" if names else ""


def cell(value, tag: str = "td", left: bool = False, extra: str = "") -> str:
    """One table cell; plain text is escaped, :class:`Raw` is kept as it is."""
    body = value if isinstance(value, Raw) else esc(value)
    return f"<{tag}{_cls('ns-l' if left else '', extra)}>{body}</{tag}>"


def table(head: Sequence, body: Sequence[Sequence], n_left: int = 1, caption: str | None = None,
          groups: Sequence[tuple[int, str]] = (), marked: Sequence[int] = ()) -> str:
    """An HTML table: the first ``n_left`` columns left-aligned (names), the others right-aligned (numbers).

    ``groups`` = [(row index, title), …] puts a full-width title row before those body rows (a trace's
    phases); rows whose index is in ``marked`` are highlighted.
    """
    titles = dict(groups)
    marked = set(marked)
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append("<tr>" + "".join(cell(h, "th", c < n_left) for c, h in enumerate(head)) + "</tr>")
    for r, row in enumerate(body):
        if r in titles:
            parts.append(f"<tr class='ns-group'><td colspan='{len(head)}'>{esc(titles[r])}</td></tr>")
        cls = " class='ns-hi'" if r in marked else ""
        parts.append(f"<tr{cls}>" + "".join(cell(v, "td", c < n_left) for c, v in enumerate(row)) + "</tr>")
    parts.append("</table>")
    return "".join(parts)


def box(*parts: str) -> str:
    """The outer element of one rich output: the stylesheet and the parts, in order."""
    return CSS + "<div class='ns-box'>" + "".join(parts) + "</div>"


def paragraph(text: str, cls: str = "") -> str:
    """A paragraph of plain text (escaped)."""
    return f"<p{_cls(cls)}>{esc(text)}</p>"


def pre(text: str) -> str:
    """Preformatted plain text (escaped), e.g. a block of aligned matrices."""
    return f"<pre class='ns-num'>{esc(text)}</pre>"


# --- matrices -----------------------------------------------------------------------------------------


def matrix_table(cells: Sequence[Sequence[str]], title: str = "", rows: Sequence[int] = (),
                 cols: Sequence[int] = ()) -> str:
    """A matrix of formatted entries as a small HTML table under ``title``; entries in the 0-based ``rows``
    or ``cols`` are highlighted (the row that equals one neuron's sum)."""
    rows, cols = set(rows), set(cols)
    out = ["<table>"]
    if title:
        out.append(f"<caption>{esc(title)}</caption>")
    for r, row in enumerate(cells):
        out.append("<tr>" + "".join(cell(num(v), "td", extra="ns-hi" if r in rows or c in cols else "")
                                    for c, v in enumerate(row)) + "</tr>")
    out.append("</table>")
    return "".join(out)


def side_by_side(items: Sequence) -> str:
    """Blocks in one row: each item is HTML (a matrix table) or a :class:`Raw`/plain operator such as "=" or "∘"."""
    tds = []
    for item in items:
        text = item if isinstance(item, Raw) else esc(item)
        tds.append(f"<td style='vertical-align:middle;border:none'>{text}</td>")
    return "<table><tr>" + "".join(tds) + "</tr></table>"


# --- reports ------------------------------------------------------------------------------------------


def report(ok: bool, verdict: str, summary: str, head: Sequence, body: Sequence[Sequence], note: str = "",
           caption: str = "") -> str:
    """A check's report: the verdict first (green OK or red MISMATCH), then the summary, then the rows."""
    flag = "<span class='ns-ok'>OK</span>" if ok else "<span class='ns-bad'>MISMATCH</span>"
    marked = [r for r, row in enumerate(body) if row and str(row[-1]).strip()]
    parts = [f"<p>{flag}: {esc(verdict)}</p>", pre(summary), table(head, body, caption=caption, marked=marked)]
    if note:
        parts.append(paragraph(note))
    return box(*parts)


def key_values(title: str, rows: Sequence[tuple[str, str, str]]) -> str:
    """A small two-column table under ``title``: (LaTeX symbol, meaning, formatted value) per row."""
    body = [(math(sym), meaning, num(value)) for sym, meaning, value in rows]
    return box(table(("quantity", "", "value"), body, n_left=2, caption=title))


# --- a network, from plain numbers --------------------------------------------------------------------


def network_table(sizes: Sequence[int], activations: Sequence[str], connections: Sequence[int],
                  caption: str) -> str:
    """The layer table of a network: one row per layer l with its neurons s_l, its activation, and the
    weights W^(l−1) that feed it (shape and how many connections exist). ``activations`` and
    ``connections`` have one entry per layer 2 … n_l."""
    n = len(sizes)
    body = [("1 (input)", str(sizes[0]), "—", "—", "—")]
    for l in range(2, n + 1):
        role = "output" if l == n else "hidden"
        full = sizes[l - 1] * sizes[l - 2]
        conns = str(connections[l - 2]) + ("" if connections[l - 2] == full else f" of {full} (pruned)")
        body.append((f"{l} ({role})", str(sizes[l - 1]), activations[l - 2],
                     math(f"W^{{({l - 1})}}\\in\\mathbb{{R}}^{{{sizes[l - 1]}\\times {sizes[l - 2]}}}"), conns))
    return table(("layer l", "neurons s_l", "activation f", "weights in", "connections"), body,
                 caption=caption)
