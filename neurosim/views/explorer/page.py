"""The explorer page: one self-contained piece of HTML (SVG drawing, data, script and style inlined).

``explore(net, x, y)`` snapshots one example's passes (``ns.trace``) and returns an :class:`Explorer`;
``Explorer.save(path)`` writes a complete page and ``Explorer._repr_html_()`` the same explorer as a fragment
for Jupyter. The script and style are the package's own ``.js`` and ``.css`` files, read once and inlined, so
the page makes no request of any kind: it opens from ``file://`` and offline.

The fragment's root ``<div data-neurosim-explorer>`` holds, in order: its scoped style, a fallback (the drawing
as static SVG, a text table and a note) that is what shows when scripts do not run, the hidden app the script
fills in, the data as JSON, and the script, which finds its own root and hides the fallback.
"""

from __future__ import annotations

import functools
import html
import json
import os
import secrets
import tempfile
from importlib import resources
from pathlib import Path

from ...base.notation import DEFAULT_NOTATION, check_notation, symbol
from ...base.svg import network_svg
from ...explain.trace import fmt

SCRIPTS = ("engine.js", "trace.js", "details.js", "matrix.js", "timeline.js", "explorer.js")
STYLE = "explorer.css"
FALLBACK_ROWS = 60   # neurons listed in the text fallback; the rest are summarised
NOTE = ("This is a static view: the interactive explorer needs JavaScript. In Jupyter, trust the notebook "
        "(or run the cell again); on GitHub, open the notebook in nbviewer.org; or write the page with "
        "ex.save(\"net.html\") and open that file in a browser.")


@functools.cache
def asset(name: str) -> str:
    """The text of one of the package's explorer files (``explorer.js``, ``explorer.css``, …)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _json(data: dict) -> str:
    # "<" never appears raw, so the data cannot end its <script> element early ("</script>", "<!--").
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")


def _value(v) -> float | None:
    if isinstance(v, dict):
        return float(v["$f"])
    return v


def _headers(data: dict) -> list[str]:
    heads = ["layer 1 · input"]
    for l, act in enumerate(data["activations"], start=2):
        heads.append(f"layer {l} · {act['symbol']}")
    heads[-1] += f"\nloss: {data['loss']['name']}"
    return heads


def _symbols(data: dict) -> list[list[str]]:
    notation = data["notation"]
    out = [[symbol("x", None, i, notation=notation) for i in range(1, data["sizes"][0] + 1)]]
    for l, s in enumerate(data["sizes"][1:], start=2):
        out.append([symbol("a", l, i, notation=notation) for i in range(1, s + 1)])
    return out


def fallback_text(data: dict) -> str:
    """The plain-text summary shown when scripts do not run: the network, the example, every neuron's numbers."""
    d = data["digits"]

    def f(v) -> str:
        return "—" if v is None else fmt(_value(v), d)

    lines = [data["title"], "", f"x = [{', '.join(f(v) for v in data['x'])}]    "
             f"y = [{', '.join(f(v) for v in data['t'])}]", "",
             f"{'neuron':<10}{'z':>14}{'a':>14}{'δ':>14}"]
    rows = 0
    for l, s in enumerate(data["sizes"], start=1):
        for i in range(1, s + 1):
            if rows == FALLBACK_ROWS:
                break
            z = data["z"][l - 2][i - 1] if l > 1 else None
            delta = data["delta"][l - 2][i - 1] if l > 1 else None
            lines.append(f"{f'({l}, {i})':<10}{f(z):>14}{f(data['a'][l - 1][i - 1]):>14}{f(delta):>14}")
            rows += 1
    total = sum(data["sizes"])
    if total > rows:
        lines.append(f"… and {total - rows} more neurons")
    lines.append(f"{len(data['steps'])} steps, {len(data['edges'])} connections")
    return "\n".join(lines)


class Explorer:
    """One example's passes through a network as an interactive page (see :func:`explore`).

    ``save(path)`` writes the page; in Jupyter the explorer displays itself. ``html()`` is the fragment
    (``full_page=True``: a complete document). ``steps`` is the number of steps the page steps through.
    """

    def __init__(self, data: dict):
        self.data = data

    @property
    def steps(self) -> int:
        """How many steps the page shows (all of ``ns.trace``'s, or those of the chosen phases)."""
        phases = set(self.data["phases"])
        codes = {k for k, p in enumerate(("forward", "backward", "gradient")) if p in phases}
        return sum(1 for s in self.data["steps"] if s[0] in codes)

    def html(self, full_page: bool = False) -> str:
        """The explorer as HTML: a fragment with a unique root id, or (``full_page``) a whole document."""
        uid = "nsx" + secrets.token_hex(4)
        data = dict(self.data, uid=uid)
        svg = network_svg(data["sizes"], [tuple(e) for e in data["edges"]], [_value(w) for w in data["weights"]],
                          [[_value(v) for v in row] for row in data["a"]], _headers(data), _symbols(data), uid=uid,
                          title=data["title"])
        script = "\n".join(asset(name) for name in SCRIPTS)
        e = html.escape
        fragment = (
            f'<div class="nsx" id="{uid}" data-neurosim-explorer="{uid}" tabindex="0" '
            f'data-lm-suppress-shortcuts="true" aria-label="{e(data["title"])}">'
            f"<style>{asset(STYLE)}</style>"
            f'<div class="nsx-fallback" data-role="fallback">{svg}'
            f'<pre class="nsx-text">{e(fallback_text(data))}</pre><p class="nsx-note">{e(NOTE)}</p></div>'
            '<div class="nsx-app" hidden></div>'
            f'<script type="application/json" class="nsx-data">{_json(data)}</script>'
            "<script>(() => {\n\"use strict\";\n"
            f"{script}\n"
            "const here = document.currentScript;\n"
            f'const root = here ? here.parentNode : document.getElementById("{uid}");\n'
            "if (root && !root.explorer) { mount(root); }\n})();</script></div>")
        if not full_page:
            return fragment
        policy = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                  "img-src data: blob:")
        return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{e(data['title'])}</title>\n"
                "<style>html { color-scheme: light dark; } body { margin: 0; padding: 12px 16px; "
                "font-family: system-ui, sans-serif; background: Canvas; color: CanvasText; }</style>\n"
                f"</head>\n<body>\n{fragment}\n</body>\n</html>\n")

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (``.html``), atomically; returns the path. Opens from file://, offline."""
        path = Path(path)
        if path.suffix.lower() not in (".html", ".htm"):
            raise ValueError(f"path: expected a file name ending in .html, got {str(path)!r}")
        text = self.html(full_page=True)
        folder = path.expanduser().resolve().parent
        if not folder.is_dir():
            raise ValueError(f"path: the folder {str(folder)!r} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=".neurosim-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        sizes = "-".join(map(str, self.data["sizes"]))
        extra = ", with a training timeline" if self.data.get("timeline") else ""
        return f"<neurosim Explorer: {sizes} network, {self.steps} steps{extra}; .save('net.html') writes the page>"


def explore(net, x, y, *, X=None, Y=None, record=None, notation: str = DEFAULT_NOTATION, digits: int = 6,
            title: str | None = None, max_epochs: int = 50) -> Explorer:
    """An :class:`Explorer` of one example's forward and backward pass through ``net``, every number ``ns.trace``'s.

    ``x`` has shape (s_1,); ``y`` is the target as for ``ns.trace``. ``notation`` ("vv", "bracket", "alsup")
    and ``digits`` as in ``ns.trace``. ``record`` (an ``ns.Recorder``) adds the training timeline: a slider
    over the recorded epochs (at most ``max_epochs`` of them, evenly thinned, first and last kept), the cost
    curve and, for two inputs with the data ``X, Y``, the decision boundary at each epoch.
    The page is a snapshot: later changes to ``net`` do not reach it. The network is left holding this
    example's z, a, δ and gradients, as after ``ns.trace``.
    """
    return build(net, x, y, notation=notation, digits=digits, title=title, X=X, Y=Y, record=record,
                 max_epochs=max_epochs)


def build(net, x, y, *, notation: str = DEFAULT_NOTATION, digits: int = 6, title: str | None = None,
          phases=("forward", "backward", "gradient"), mode: str = "explore", fps: float = 2.0, steps=None,
          X=None, Y=None, record=None, max_epochs: int = 50) -> Explorer:
    """:func:`explore` with the page's mode ("explore", or "play" for an animation) and the phases it steps
    through; ``steps`` may pass a trace already made with the same notation and digits."""
    from ...core.network import Network
    from ...core.validation import as_input
    from ...explain.trace import trace
    from .model import explorer_data

    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    check_notation(notation)
    x = as_input(x, net.sizes[0])
    if steps is None:
        steps = trace(net, x, y, notation=notation, digits=digits)
    if title is None:
        title = (f"neurosim: a {'-'.join(map(str, net.sizes))} network, "
                 f"{'one example step by step' if mode == 'explore' else 'backpropagation played step by step'}")
    data = explorer_data(net, x, y, steps, notation=notation, digits=digits, phases=phases, mode=mode, fps=fps,
                         title=str(title))
    if record is not None or X is not None or Y is not None:
        from .timeline import timeline_data

        if data["readOnly"]:
            raise ValueError(f"record: the timeline recomputes every epoch in the page, but {data['readOnly']}")
        if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 2:
            raise ValueError(f"max_epochs: expected a whole number >= 2, got {max_epochs!r}")
        data["timeline"] = timeline_data(net, x, y, X, Y, record, max_epochs)
    return Explorer(data)
