"""``neurosim animate``: write the animation of one forward and backward pass (.gif, .html or .mp4)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..views.frames import GRANULARITIES
from .common import (
    add_example_options,
    add_network_options,
    add_notation_options,
    example_from_args,
    network_from_args,
    positive_float,
)

DEFAULT_OUT = "neurosim-backprop.gif"
_MIN_SIZE = (640, 480)
_FIGSIZE = (8.0, 6.0)


def _phase_list(text: str) -> list[str]:
    return [s for s in text.replace(" ", "").split(",") if s]


def register(sub) -> None:
    p = sub.add_parser(
        "animate", help="animate the error terms flowing back through the drawn network (.gif, .html, .mp4)",
        description="Draw the network and animate one example's passes, one frame per step of 'neurosim step': "
                    "each neuron's z and a (forward), each neuron receiving its messages δ_j·W_ji and its δ "
                    "appearing (backward), each connection recoloured by ∂J/∂W (gradient). Every frame's caption "
                    "is the step's formula with the numbers. Larger networks group the steps per neuron or per "
                    "layer (--granularity). The file type follows --out: .gif (written frame by frame), .mp4 "
                    "(needs ffmpeg on PATH) or .html (the explorer page in play mode: vector drawing, play/pause, "
                    "a scrubber).",
        epilog="A progress bar shows on a terminal; before a .gif or .mp4 of more than 300 frames or about 20 MB a "
               "warning says how to make the file smaller (the .html page draws vectors: small at any size). "
               "See docs/cli.md.")
    add_network_options(p)
    g = p.add_argument_group("animation")
    add_example_options(g)
    g.add_argument("--phases", type=_phase_list, default=["forward", "backward", "gradient"], metavar="P1,P2",
                   help="which steps become frames: forward, backward, gradient, comma-separated (default: all)")
    g.add_argument("--granularity", choices=GRANULARITIES, default="auto",
                   help="one frame per step ('connection'), per neuron and phase ('neuron'), or per layer "
                        "('layer': all of a layer's messages in flight, then its δ); 'auto' (default) picks "
                        "connection up to 60 connections, neuron up to 100 frames, else layer")
    g.add_argument("--fps", type=positive_float, default=2.0, help="frames per second (default: 2)")
    g.add_argument("--dpi", type=positive_float, default=100.0,
                   help="pixels per inch of the 8×6-inch frames of a .gif or .mp4 (default: 100, i.e. 800×600; at "
                        "least 80)")
    add_notation_options(g)
    g.add_argument("--out", default=DEFAULT_OUT, metavar="FILE",
                   help=f"where to write: .gif, .html or .mp4 (default: {DEFAULT_OUT} in this folder)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import warnings

    from ..views.animation import FORMATS, animate, check_phases, ffmpeg_available, save
    from ..views.progress import AnimationSizeWarning, size_warning

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"--out: expected a file name ending in {', '.join(FORMATS)}, got {args.out!r}")
    if suffix == ".mp4" and not ffmpeg_available():
        print("neurosim animate: error: writing .mp4 needs ffmpeg, which is not on PATH; "
              f"install ffmpeg, or write a GIF instead: --out {out.with_suffix('.gif')}", file=sys.stderr)
        return 2
    if not out.parent.is_dir():
        raise ValueError(f"--out: the folder {str(out.parent)!r} does not exist")
    try:
        phases = check_phases(args.phases)
    except ValueError:
        raise ValueError(f"--phases: expected names from forward, backward, gradient separated by commas, "
                         f"got {','.join(args.phases)!r}") from None
    size = (round(_FIGSIZE[0] * args.dpi), round(_FIGSIZE[1] * args.dpi))
    if size[0] < _MIN_SIZE[0] or size[1] < _MIN_SIZE[1]:
        raise ValueError(f"--dpi: frames must be at least {_MIN_SIZE[0]}×{_MIN_SIZE[1]} pixels; --dpi {args.dpi:g} "
                         f"gives {size[0]}×{size[1]} (use 80 or more)")

    net, X, Y, title = network_from_args(args)
    x, y = example_from_args(args, net, X, Y)
    anim = animate(net, x, y, phases=phases, fps=args.fps, dpi=args.dpi, figsize=_FIGSIZE, notation=args.notation,
                   granularity=args.granularity)
    print(f"neurosim animate: {title}; {len(anim.frames)} frames ({', '.join(phases)}; one per "
          f"{anim.granularity}), " + ("a vector page" if suffix == ".html" else f"{size[0]}×{size[1]} pixels"),
          flush=True)
    warning = size_warning(len(anim.frames), size[0], size[1], suffix, anim.granularity)
    if warning:
        print(f"neurosim animate: warning: {warning}", file=sys.stderr, flush=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnimationSizeWarning)   # said above, in the command's words
            written = save(anim, out, fps=args.fps)
    except OSError as exc:
        print(f"neurosim animate: error: cannot write {str(out)!r}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {written.resolve()}")
    return 0
