"""``neurosim bench``: the cost of neuron-level thinking, measured against the plain-Python and numpy floors."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from .. import bench
from .common import check_output_file


def register(sub) -> None:
    p = sub.add_parser(
        "bench", help="time the scalar engine and the matrix twin against their floors",
        description="Time forward + backward + gradients per example for the scalar engine (one Neuron at a "
                    "time), a bare plain-Python loop doing the same arithmetic (its floor), the matrix twin on "
                    "one example and on a batch of 256, and bare numpy (the twin's floor); show how the time "
                    "grows from 10 to 100,000 connections, what building the graph costs in time and memory, "
                    "and how long the default animation takes to render.",
        epilog="Times are medians of several repeats (the growth table shows the best; --json has both). On a "
               "busy machine they wander: "
               "compare the ratios, which are medians of back-to-back pairs. The bench re-runs itself in a "
               "child process with BLAS pinned to one thread (OPENBLAS_NUM_THREADS=1 and the like), so the "
               "numpy numbers hold still. See docs/performance.md.")
    p.add_argument("--quick", action="store_true",
                   help="fewer repeats, networks up to 10,000 connections and of the animation renders only the "
                        "default example's: seconds instead of minutes")
    p.add_argument("--json", metavar="FILE", help="also write every number, the machine and the targets as JSON")
    p.add_argument("--plot", metavar="FILE",
                   help="also draw time against connections for each engine, log-log (format from the extension, "
                        "e.g. .png, .svg, .pdf)")
    p.add_argument("--no-animation", action="store_true", help="skip timing the animation render")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # Check the output paths before a minute of measuring, not after.
    check_output_file(args.json, "--json")
    check_output_file(args.plot, "--plot")
    if args.plot:
        ext = Path(args.plot).suffix.lower().lstrip(".")
        formats = bench.supported_plot_formats()
        if ext not in formats:
            raise ValueError(f"--plot: expected a file name ending in one of {', '.join(sorted(formats))}; "
                             f"got {args.plot!r}")
    if os.environ.get(_CHILD) != "1":
        return _in_child(args)
    progress = (lambda message: print(f"  measuring: {message} …", file=sys.stderr)) if sys.stderr.isatty() else None
    report = bench.run(quick=args.quick, animation=not args.no_animation, progress=progress)
    print(bench.format_report(report))
    if args.json:
        tmp = f"{args.json}.tmp{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, args.json)
        print(f"\nwrote {args.json}")
    if args.plot:
        bench.plot(report, args.plot)
        print(f"wrote {args.plot}")
    return 0


_CHILD = "NEUROSIM_BENCH_CHILD"


def _in_child(args: argparse.Namespace) -> int:
    """Run the same bench in a child process with BLAS pinned to one thread.

    numpy is already loaded here, with its thread pool sized; only a fresh process reads the variables. The
    child's report comes back through this process's stdout (so it can be redirected like any output).
    """
    argv = ["bench"] + ["--quick"] * args.quick + ["--no-animation"] * args.no_animation
    argv += ["--json", args.json] * bool(args.json) + ["--plot", args.plot] * bool(args.plot)
    package_root = str(Path(__file__).resolve().parents[2])   # the folder that holds neurosim/
    env = {**os.environ, **{name: "1" for name in bench.THREAD_VARIABLES}, _CHILD: "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    print("neurosim bench: pinning BLAS to one thread (" + ", ".join(f"{v}=1" for v in bench.THREAD_VARIABLES)
          + "): measuring in a child process", file=sys.stderr, flush=True)
    child = subprocess.run([sys.executable, "-m", "neurosim", *argv], env=env, stdout=subprocess.PIPE, text=True)
    sys.stdout.write(child.stdout)
    sys.stdout.flush()
    return child.returncode
