"""Writing an animation to a file: ``.gif`` (streamed, :mod:`neurosim.views.gif`), ``.mp4`` (ffmpeg, when it
is on PATH) or ``.html`` (a self-contained player)."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import shutil
from pathlib import Path

from ..core.validation import check_number

FORMATS = (".gif", ".html", ".mp4")


def _check_positive(value, name: str) -> float:
    return check_number(value, name, positive=True)


# --- writers ------------------------------------------------------------------------------------------

def ffmpeg_available() -> bool:
    """True when an ``ffmpeg`` executable is on PATH (needed for .mp4)."""
    return shutil.which("ffmpeg") is not None


def _frames_png(anim) -> list[bytes]:
    out = []
    for k in range(len(anim.frames)):
        anim._player.show(k)
        buf = io.BytesIO()
        anim._fig.savefig(buf, format="png", dpi=anim._fig.dpi)
        out.append(buf.getvalue())
    return out


_PLAYER_JS = """
(function () {
  var root = document.getElementById("%(id)s");
  var frames = %(frames)s, captions = %(captions)s, delay = %(delay)d;
  var img = root.querySelector("img"), slider = root.querySelector("input[type=range]");
  var info = root.querySelector(".ns-info"), cap = root.querySelector(".ns-caption");
  var play = root.querySelector(".ns-play"), k = 0, timer = null;
  function show(n) {
    k = (n + frames.length) %% frames.length;
    img.src = frames[k]; slider.value = k; cap.textContent = captions[k];
    info.textContent = "frame " + (k + 1) + " of " + frames.length;
  }
  function stop() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "\\u25B6 play"; }
  function start() {
    stop(); timer = setInterval(function () { show(k + 1); }, delay); play.textContent = "\\u23F8 pause";
  }
  root.querySelector(".ns-first").onclick = function () { stop(); show(0); };
  root.querySelector(".ns-prev").onclick = function () { stop(); show(k - 1); };
  root.querySelector(".ns-next").onclick = function () { stop(); show(k + 1); };
  root.querySelector(".ns-last").onclick = function () { stop(); show(frames.length - 1); };
  play.onclick = function () { if (timer) { stop(); } else { start(); } };
  slider.oninput = function () { stop(); show(parseInt(slider.value, 10)); };
  root.tabIndex = 0;
  root.onkeydown = function (e) {
    if (e.key === "ArrowRight") { stop(); show(k + 1); } else if (e.key === "ArrowLeft") { stop(); show(k - 1); }
    else if (e.key === " ") { e.preventDefault(); play.onclick(); }
  };
  show(0);
})();
"""


def player_html(anim, full_page: bool = False, title: str = "neurosim animation") -> str:
    """A self-contained HTML player for ``anim``: every frame embedded as a base64 PNG, buttons (first,
    previous, play/pause, next, last), a slider, arrow keys, and each frame's caption as selectable text.
    No network access is needed to view it. ``full_page`` wraps it in a complete HTML document."""
    frames = ["data:image/png;base64," + base64.b64encode(png).decode("ascii") for png in _frames_png(anim)]
    captions = [anim._player.captioner.caption(f).text for f in anim.frames]
    uid = f"neurosim-{id(anim):x}"
    delay = int(round(1000.0 / getattr(anim, "fps", 2.0)))
    # "</" would end the <script> element early: JSON allows writing it as "<\/".
    captions_js = json.dumps(captions, ensure_ascii=False).replace("</", "<\\/")
    script = _PLAYER_JS % {"id": uid, "frames": json.dumps(frames), "captions": captions_js, "delay": delay}
    width = int(anim._fig.get_size_inches()[0] * anim._fig.dpi)
    body = (f'<div id="{uid}" style="font-family: sans-serif; max-width: {width}px">\n'
            f'<img alt="network animation frame" style="width: 100%; border: 1px solid #ccc" src="">\n'
            f'<div style="margin: 4px 0"><button class="ns-first">\u23EE first</button> '
            f'<button class="ns-prev">\u25C0 step</button> <button class="ns-play">\u25B6 play</button> '
            f'<button class="ns-next">step \u25B6</button> <button class="ns-last">last \u23ED</button> '
            f'<span class="ns-info"></span></div>\n'
            f'<input type="range" min="0" max="{len(frames) - 1}" value="0" style="width: 100%">\n'
            f'<div class="ns-caption" style="font-family: monospace; white-space: pre-wrap"></div>\n'
            f'<script>{script}</script>\n</div>')
    if not full_page:
        return body
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'</head>\n<body>\n<h3>{html.escape(title)}</h3>\n{body}\n</body>\n</html>\n')


def save(anim, path: str | Path, fps: float | None = None, progress=None) -> Path:
    """Write ``anim`` (from :func:`animate`) to ``path``; the extension chooses the format.

    ``.gif``: streamed frame by frame with one fixed palette (:mod:`neurosim.views.gif`), so memory does not
    grow with the number of frames. ``.mp4``: ffmpeg through matplotlib's FFMpegWriter (frames piped as they
    are drawn); ffmpeg must be on PATH, else a RuntimeError suggests .gif. ``.html``: :func:`player_html` as
    a full page. ``fps`` defaults to the animation's. ``progress``: None shows a bar on stderr when it is a
    terminal, True always, False never, or a function called as ``progress(done, total)``. Before a render of
    more than 300 frames or about 20 MB an :class:`~neurosim.views.progress.AnimationSizeWarning` says how
    to make it smaller. The file appears only when complete. Returns the path written.
    """
    from .progress import Progress, warn_size

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"path: expected a file name ending in {', '.join(FORMATS)}, got {str(path)!r}")
    fps = _check_positive(fps, "fps") if fps is not None else getattr(anim, "fps", 2.0)
    if suffix == ".mp4" and not ffmpeg_available():
        raise RuntimeError("path: writing .mp4 needs ffmpeg, which is not on PATH; "
                           "install ffmpeg or write a .gif (or .html) instead")
    bar = Progress(len(anim.frames), progress)   # checks ``progress`` before any work
    if suffix == ".html":
        text = player_html(anim, full_page=True, title=f"neurosim: {len(anim.steps)} steps of backpropagation")
        path.write_text(text, encoding="utf-8")
        return path
    fig = anim._fig
    width, height = (round(v) for v in fig.get_size_inches() * fig.dpi)
    warn_size(len(anim.frames), width, height, suffix, getattr(anim, "granularity", "connection"))
    part = path.with_name(f".{path.name}.part{os.getpid()}{suffix}")   # ffmpeg reads the format off the name
    try:
        (_write_gif if suffix == ".gif" else _write_mp4)(anim, part, fps, bar)
        os.replace(part, path)
    finally:
        bar.close()
        part.unlink(missing_ok=True)
    return path


def _write_gif(anim, path: Path, fps: float, bar) -> None:
    from .gif import GifStream, palette

    n = len(anim.frames)
    # The palette comes from the first frame of each phase and the last frame: every kind of picture.
    firsts = sorted({next(k for k, f in enumerate(anim.frames) if f.phase == p) for p in {f.phase for f in anim.frames}}
                    | {n - 1})
    # Kept to be written when their turn comes: a handful of frames, however long the animation.
    samples = {k: anim.frame(k) for k in firsts}
    table = palette(list(samples.values()), anim._player.d.cmap)
    with open(path, "wb") as fh:
        stream = None
        for k in range(n):
            rgb = samples.pop(k) if k in samples else anim.frame(k)
            if stream is None:
                stream = GifStream(fh, (rgb.shape[1], rgb.shape[0]), table, fps)
            stream.add(rgb)
            bar.update(k + 1)
        stream.close()


def _write_mp4(anim, path: Path, fps: float, bar) -> None:
    from matplotlib.animation import FFMpegWriter

    # h264 in yuv420p (what players expect) needs an even width and height: pad by a pixel if needed.
    writer = FFMpegWriter(fps=fps, extra_args=["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"])
    fig = anim._fig
    with writer.saving(fig, str(path), dpi=fig.dpi):
        for k in range(len(anim.frames)):
            anim._player.show(k)
            writer.grab_frame()
            bar.update(k + 1)
