"""Progress of a long render, and a word of warning before a very long or very large one."""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable

WARN_FRAMES = 300
WARN_BYTES = 20e6
# Bytes per pixel per frame, measured on the default example and an 8-16-16-4 network at 800×600 (the GIF
# keeps only what changed; a changing caption and highlight are most of it). Generous, as a warning should be.
# The .html page is not in it: it draws vector shapes in the browser, a few hundred bytes per step (a
# 592-step page is under 300 kB), whatever the dpi, so it gets no warning.
_BYTES_PER_PIXEL = {".gif": 0.12, ".mp4": 0.02}


class AnimationSizeWarning(UserWarning):
    """An animation about to be written is long or large; the message says how to make it smaller."""


def estimate_bytes(frames: int, width: int, height: int, suffix: str) -> float:
    """A rough size of the file in bytes (see ``_BYTES_PER_PIXEL``)."""
    return frames * width * height * _BYTES_PER_PIXEL.get(suffix, 0.12)


def size_warning(frames: int, width: int, height: int, suffix: str, granularity: str) -> str | None:
    """The warning for an animation of ``frames`` frames of width × height pixels written as ``suffix``,
    or None when it is neither longer than WARN_FRAMES frames nor estimated above WARN_BYTES, or is the .html page
    (vector drawing: neither its size nor its time grows with the pixels or the frames' pictures)."""
    if suffix == ".html":
        return None
    size = estimate_bytes(frames, width, height, suffix)
    if frames <= WARN_FRAMES and size <= WARN_BYTES:
        return None
    coarser = {"connection": "'neuron' or 'layer'", "neuron": "'layer'"}.get(granularity)
    hints = ([f"granularity {coarser} (now {granularity!r})"] if coarser else []) + [
        "fewer phases (e.g. only backward)", "a lower dpi", ".mp4 instead of .gif" if suffix == ".gif" else None]
    return (f"{frames} frames of {width}×{height} pixels, about {size / 1e6:.0f} MB as {suffix}; this will take a "
            f"while. To make it smaller or faster: {', '.join(h for h in hints if h)}.")


def warn_size(frames: int, width: int, height: int, suffix: str, granularity: str) -> None:
    """``warnings.warn`` the :func:`size_warning`, if there is one."""
    message = size_warning(frames, width, height, suffix, granularity)
    if message:
        warnings.warn(message, AnimationSizeWarning, stacklevel=3)


class Progress:
    """Frames done out of ``total``: ``progress`` None draws a bar on stderr when it is a terminal, True
    always, False never; a callable is called as ``progress(done, total)`` instead."""

    def __init__(self, total: int, progress: bool | None | Callable[[int, int], object], label: str = "rendering"):
        if progress is not None and not isinstance(progress, bool) and not callable(progress):
            raise TypeError(f"progress: expected None, True, False or a function (done, total), "
                            f"got {type(progress).__name__}")
        self.total, self.label = total, label
        self.call = progress if callable(progress) and not isinstance(progress, bool) else None
        self.bar = progress is True or (progress is None and sys.stderr.isatty())
        self.start = self.last = time.perf_counter()
        self.done = 0

    def update(self, done: int) -> None:
        self.done = done
        if self.call is not None:
            self.call(done, self.total)
        if self.bar:
            now = time.perf_counter()
            if now - self.last >= 0.1 or done == self.total:
                self.last = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} frames, "
                         f"{now - self.start:.1f} s")
        sys.stderr.flush()

    def close(self) -> None:
        if self.bar:
            self._draw(time.perf_counter())
            sys.stderr.write("\n")
            sys.stderr.flush()
