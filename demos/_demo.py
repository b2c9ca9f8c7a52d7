"""What every demo shares: the --out folder, claims that are checked, and saving figures headless.

Not a demo itself. A demo imports it as ``from _demo import Demo`` (the demos/ folder is on sys.path
when a demo runs as ``python demos/NAME.py``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

# Demos write files and never open windows, so they run the same on a laptop, a server and in CI.
if "MPLBACKEND" not in os.environ:
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402


def heatmap(ax, M, title: str, fmt: str = "{:.3f}") -> None:
    """Draw matrix M with its numbers; ticks are 1-based like the indices i (rows) and j (columns)."""
    import numpy as np
    M = np.atleast_2d(np.asarray(M, dtype=float))
    lim = max(float(np.abs(M).max()), 1e-12)
    ax.imshow(M, cmap="RdBu_r", vmin=-lim, vmax=lim)
    for (r, c), v in np.ndenumerate(M):
        ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=8,
                color="white" if abs(v) > 0.6 * lim else "black")
    ax.set_xticks(range(M.shape[1]), [str(c + 1) for c in range(M.shape[1])])
    ax.set_yticks(range(M.shape[0]), [str(r + 1) for r in range(M.shape[0])])
    ax.set_title(title, fontsize=9)


class DemoFailed(AssertionError):
    """A claim of a demo did not hold. Raised explicitly, so that ``python -O`` cannot skip it."""


class Demo:
    """Parses ``--out DIR`` (default: a new temporary folder, named on stdout) and counts checked claims."""

    def __init__(self, doc: str, name: str, argv: list[str] | None = None):
        first = doc.strip().splitlines()[0]
        parser = argparse.ArgumentParser(prog=f"python demos/{name}.py", description=first,
                                         epilog="Every claim printed with ✓ is checked; a failing one stops the demo.")
        parser.add_argument("--out", metavar="DIR", help="folder for the figures (default: a new temporary folder)")
        args = parser.parse_args(argv)
        if args.out:
            self.out = Path(args.out)
            self.out.mkdir(parents=True, exist_ok=True)
        else:
            self.out = Path(tempfile.mkdtemp(prefix=f"neurosim-{name}-"))
        self.name = name
        self.claims = 0
        print(first)
        print(f"figures go to {self.out}\n")

    def section(self, title: str) -> None:
        print(f"\n== {title} ==")

    def claim(self, condition, text: str) -> None:
        """Check ``condition``; print the claim with ✓, or stop the demo with DemoFailed."""
        if not bool(condition):
            raise DemoFailed(f"{self.name}: claim failed: {text}")
        self.claims += 1
        print(f"  ✓ {text}")

    def close_enough(self, a, b, text: str, atol: float = 1e-10, rtol: float = 1e-8) -> None:
        """Claim that arrays ``a`` and ``b`` agree, and print the largest difference."""
        import numpy as np
        a = np.asarray(a, dtype=float)
        b = np.broadcast_to(np.asarray(b, dtype=float), a.shape) if np.ndim(b) == 0 else np.asarray(b, dtype=float)
        ok = a.shape == b.shape and np.allclose(a, b, atol=atol, rtol=rtol)
        diff = float(np.max(np.abs(a - b))) if a.shape == b.shape and a.size else float("nan")
        self.claim(ok, f"{text} (largest difference {diff:.1e})")

    def save(self, fig, filename: str) -> Path:
        path = self.out / filename
        fig.savefig(path, dpi=100, bbox_inches="tight")
        plt.close(fig)
        print(f"  figure: {path}")
        return path

    def done(self) -> None:
        print(f"\n{self.name}: all {self.claims} claims hold; figures in {self.out}")
