"""Writing an animation to a file: ``.gif`` (Pillow), ``.html`` (the explorer page in play mode, see
:mod:`neurosim.views.explorer`) or ``.mp4`` (ffmpeg, when it is on PATH)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

FORMATS = (".gif", ".html", ".mp4")

def _check_positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected a positive number, got {value!r}")
    return float(value)


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


def save(anim, path: str | Path, fps: float | None = None) -> Path:
    """Write ``anim`` (from :func:`animate`) to ``path``; the extension chooses the format.

    ``.gif``: Pillow, one image per frame. ``.html``: :func:`player_html` as a full page. ``.mp4``: ffmpeg,
    which must be on PATH (else a RuntimeError suggests .gif). ``fps`` defaults to the animation's.
    Returns the path written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"path: expected a file name ending in {', '.join(FORMATS)}, got {str(path)!r}")
    fps = _check_positive(fps, "fps") if fps is not None else getattr(anim, "fps", 2.0)
    if suffix == ".mp4" and not ffmpeg_available():
        raise RuntimeError("path: writing .mp4 needs ffmpeg, which is not on PATH; "
                           "install ffmpeg or write a .gif (or .html) instead")
    if suffix == ".html":
        return anim.explorer.save(path)
    from matplotlib.animation import FFMpegWriter, PillowWriter

    writer = PillowWriter(fps=fps) if suffix == ".gif" else FFMpegWriter(fps=fps)
    anim.save(str(path), writer=writer, dpi=anim._fig.dpi)
    return path
