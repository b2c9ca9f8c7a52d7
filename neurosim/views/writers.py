"""Writing an animation to a file: ``.gif`` (streamed, :mod:`neurosim.views.gif`), ``.mp4`` (ffmpeg, when it
is on PATH) or ``.html`` (the explorer page in play mode, see :mod:`neurosim.views.explorer`)."""

from __future__ import annotations

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


def play_page(net, x, y, steps, phases, notation: str, fps: float):
    """The explorer of ``animate``'s pass in play mode (``steps`` is its trace): stepping through the chosen
    ``phases`` only, playing by itself at ``fps`` steps per second."""
    from .explorer.page import build

    return build(net, x, y, notation=notation, phases=phases, mode="play", fps=fps, steps=steps,
                 title=f"neurosim: {sum(s.phase in phases for s in steps)} steps of backpropagation")


def player_html(anim, full_page: bool = False) -> str:
    """The animation as the explorer page in play mode (vector graphics, the same steps, play/pause, a scrubber):
    a fragment for Jupyter, or (``full_page``) a whole self-contained document."""
    return anim.explorer.html(full_page=full_page)


def save(anim, path: str | Path, fps: float | None = None, progress=None) -> Path:
    """Write ``anim`` (from :func:`animate`) to ``path``; the extension chooses the format.

    ``.gif``: streamed frame by frame with one fixed palette (:mod:`neurosim.views.gif`), so memory does not
    grow with the number of frames. ``.mp4``: ffmpeg through matplotlib's FFMpegWriter (frames piped as they
    are drawn); ffmpeg must be on PATH, else a RuntimeError suggests .gif. ``.html``: the explorer page in play
    mode (:func:`player_html` as a full page). ``fps`` defaults to the animation's. ``progress``: None shows a
    bar on stderr when it is a terminal, True always, False never, or a function called as
    ``progress(done, total)``. Before a render of more than 300 frames or about 20 MB an
    :class:`~neurosim.views.progress.AnimationSizeWarning` says how to make it smaller. The file appears only
    when complete. Returns the path written.
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
        bar.close()
        return anim.explorer.save(path)
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
