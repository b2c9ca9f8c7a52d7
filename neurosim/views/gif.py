"""A GIF written frame by frame, so that memory does not grow with the number of frames.

Pillow's multi-frame save and matplotlib's PillowWriter hold every frame until the end. :class:`GifStream`
writes the file's header and ONE global colour table first, then each frame as soon as it is drawn, and keeps
only the previous frame (to write just the rectangle that changed, unchanged pixels transparent). The LZW
compression of each rectangle is Pillow's own GIF encoder.

The palette (:func:`palette`) is fixed for the whole animation: the colour map sampled at 128 levels (so the
colour bar and the neurons never band or flicker between frames), 16 greys for text and lines, and the rest
chosen by median cut from a few sample frames (the highlight's yellow, the ring's orange, their blends).
"""

from __future__ import annotations

import struct
from typing import BinaryIO

import numpy as np

TRANSPARENT = 255          # the palette index reserved for "unchanged since the previous frame"
CMAP_LEVELS = 128
GREYS = 16


def palette(samples: list[np.ndarray], cmap) -> np.ndarray:
    """A (256, 3) uint8 palette: ``cmap`` at CMAP_LEVELS levels, GREYS greys, then median-cut colours of the
    sample frames (H × W × 3 uint8) up to 255 entries; entry 255 (transparent) repeats entry 0."""
    from PIL import Image

    fixed = [np.asarray(cmap(np.linspace(0.0, 1.0, CMAP_LEVELS)))[:, :3],
             np.repeat(np.linspace(0.0, 1.0, GREYS)[:, None], 3, axis=1)]
    fixed_rgb = np.rint(np.concatenate(fixed) * 255).astype(np.uint8)
    free = TRANSPARENT - len(fixed_rgb)
    # Every other pixel of every other row is plenty for median cut, and four times faster.
    sample = np.concatenate([s[::2, ::2, :3] for s in samples], axis=0)
    chosen = Image.fromarray(np.ascontiguousarray(sample)).quantize(colors=free, method=Image.Quantize.MEDIANCUT)
    extra = np.asarray(chosen.getpalette()[: 3 * free], dtype=np.uint8).reshape(-1, 3)
    table = np.zeros((256, 3), dtype=np.uint8)
    table[: len(fixed_rgb)] = fixed_rgb
    table[len(fixed_rgb): len(fixed_rgb) + len(extra)] = extra
    table[TRANSPARENT] = table[0]
    return table


def _tile(size: tuple[int, int]):
    from PIL import ImageFile

    extents = (0, 0, *size)
    make = getattr(ImageFile, "_Tile", None)   # Pillow >= 11 names its tiles; older ones take plain tuples
    return make("gif", extents, 0, "L") if make else ("gif", extents, 0, "L")


class GifStream:
    """Writes frames (H × W × 3 uint8 arrays) to the open binary file ``fh`` as one looping GIF.

    ``table`` is the (256, 3) palette (entry 255 means transparent), ``fps`` the frames per second.
    Call :meth:`add` for each frame, then :meth:`close` (which writes the trailer; ``fh`` stays open).
    """

    def __init__(self, fh: BinaryIO, size: tuple[int, int], table: np.ndarray, fps: float):
        self.fh, self.size = fh, size
        self.delay = max(2, round(100.0 / fps))   # centiseconds; browsers slow anything under 2 down
        self.frames = 0
        self.previous: np.ndarray | None = None
        self.previous_rgb: np.ndarray | None = None
        self.table = table[:TRANSPARENT].astype(np.int32)
        w, h = size
        # header, logical screen (global colour table of 2^(7+1) entries), and "loop forever"
        fh.write(b"GIF89a" + struct.pack("<HHBBB", w, h, 0xF7, 0, 0) + table.astype(np.uint8).tobytes())
        fh.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00")

    def nearest(self, pixels: np.ndarray) -> np.ndarray:
        """The palette index of each RGB row of ``pixels`` (N × 3): the nearest colour, exactly the colour when
        the palette has it (so white stays white), never the transparent index."""
        keys = (pixels[:, 0].astype(np.uint32) << 16) | (pixels[:, 1].astype(np.uint32) << 8) | pixels[:, 2]
        unique, inverse = np.unique(keys, return_inverse=True)
        colours = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1).astype(np.int32)
        found = np.empty(len(unique), dtype=np.uint8)
        for start in range(0, len(unique), 2048):   # in chunks: the distance table stays a few MB
            part = colours[start:start + 2048]
            found[start:start + 2048] = ((part[:, None, :] - self.table[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        return found[inverse.ravel()]

    def add(self, rgb: np.ndarray) -> None:
        """Append one frame (H × W × 3 or 4 uint8)."""
        from PIL import Image, ImageFile

        h, w = rgb.shape[:2]
        if (w, h) != self.size:
            raise ValueError(f"frame: expected {self.size[0]}×{self.size[1]} pixels, got {w}×{h}")
        rgb = np.ascontiguousarray(rgb[:, :, :3])
        if self.previous is None:
            idx = self.nearest(rgb.reshape(-1, 3)).reshape(h, w)
            x0, y0, patch = 0, 0, idx
        else:
            # Only the pixels whose colour changed need a palette look-up; the rest keep their index.
            moved = np.any(rgb != self.previous_rgb, axis=2)
            idx = self.previous.copy()
            idx[moved] = self.nearest(rgb[moved])
            changed = idx != self.previous
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            if rows.size == 0:
                x0, y0, patch = 0, 0, np.full((1, 1), TRANSPARENT, dtype=np.uint8)
            else:
                y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
                patch = idx[y0:y1, x0:x1].copy()
                patch[~changed[y0:y1, x0:x1]] = TRANSPARENT
        self.previous, self.previous_rgb = idx, rgb
        ph, pw = patch.shape
        # graphic control: keep the previous frame under this one (disposal 1), index 255 transparent
        self.fh.write(b"!\xf9\x04" + struct.pack("<BHBB", (1 << 2) | 1, self.delay, TRANSPARENT, 0))
        self.fh.write(b"," + struct.pack("<HHHHB", int(x0), int(y0), pw, ph, 0) + b"\x08")
        image = Image.frombuffer("L", (pw, ph), np.ascontiguousarray(patch).tobytes(), "raw", "L", 0, 1)
        ImageFile._save(image, self.fh, [_tile((pw, ph))])
        self.fh.write(b"\x00")
        self.frames += 1

    def close(self) -> None:
        self.fh.write(b";")
        self.fh.flush()
