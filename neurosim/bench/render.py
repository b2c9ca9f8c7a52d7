"""What an animation costs to render: seconds, frames, file size and peak memory, each in a fresh child process.

Peak memory is the child's ``ru_maxrss`` (its resident high-water mark, imports included): ``tracemalloc``
cannot see the buffers of Agg and Pillow, which are most of a render. Measured: the default example's GIF, an
8-16-16-4 network's (the size of a first homework), and — to show that a streamed GIF's memory does not grow
with its length — a 53-frame and a 488-frame render at the same size of frame.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .measure import judge

BIG = [8, 16, 16, 4]
SHORT, LONG = [3, 5, 2], [10, 30, 2]   # 53 and 488 frames, one per step
RENDER_TARGETS = (
    ("render_seconds default GIF", 10.0, "<", "the default example's GIF, imports excluded", "s"),
    ("render_seconds [8,16,16,4] GIF", 20.0, "<", "neurosim animate --sizes 8,16,16,4 --out big.gif", "s"),
    ("render_megabytes [8,16,16,4] GIF", 15.0, "<", "its file size", "MB"),
    ("render_peak_megabytes [8,16,16,4] GIF", 500.0, "<", "its peak memory (ru_maxrss)", "MB"),
    ("render_frames [8,16,16,4]", 12, "≥", "frames it shows", ""),
    ("render_memory_growth 53 → 488 frames", 50.0, "<", "peak memory of the long render minus the short one", "MB"),
)

_CHILD = r"""
import json, resource, sys, tempfile, time, warnings
from pathlib import Path
args = json.loads(sys.argv[1])
import numpy as np
import neurosim as ns
from neurosim.views.animation import animate, save
if args["sizes"] is None:
    ex = ns.example()
    net, x, y = ex.net, ex.x, ex.y
else:
    sizes = args["sizes"]
    net = ns.Network(sizes, seed=0)
    x, y = np.linspace(-1.0, 1.0, sizes[0]), np.linspace(0.1, 0.9, sizes[-1])
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / ("anim" + args["suffix"])
    t0, c0 = time.perf_counter(), time.process_time()
    anim = animate(net, x, y, granularity=args["granularity"], dpi=args["dpi"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        save(anim, path, progress=False)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    size = path.stat().st_size
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "frames": len(anim.frames), "granularity": anim.granularity,
                  "bytes": size, "peak_bytes": peak}))
"""


def render_cost(sizes: list[int] | None = None, granularity: str = "auto", dpi: float = 100, suffix: str = ".gif",
                timeout: float = 900) -> dict:
    """Render one animation in a child process: ``sizes`` None is the default example, else a seeded network
    on an evenly spread input. Returns seconds (imports excluded; cpu_seconds: the process's CPU time, which a
    busy machine inflates less), frames, granularity, bytes and peak_bytes,
    or ``available`` False with a note when the child failed."""
    label = "default example" if sizes is None else "-".join(map(str, sizes))
    args = json.dumps({"sizes": sizes, "granularity": granularity, "dpi": dpi, "suffix": suffix})
    env = {**os.environ, "MPLBACKEND": "Agg"}
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, args], capture_output=True, text=True, env=env,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"label": label, "available": False, "note": f"gave up after {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return {"label": label, "available": False, "note": f"failed: {last}"}
    return {"label": label, "available": True, **json.loads(done.stdout.strip().splitlines()[-1])}


def render_costs(quick: bool = False, progress=None) -> dict:
    """The renders of ``neurosim bench``; ``quick`` keeps only the default example's."""
    say = progress or (lambda message: None)
    say("render: the default animation (child process)")
    out = {"default": render_cost()}
    if quick:
        return out
    say(f"render: a {'-'.join(map(str, BIG))} animation (child process)")
    out["big"] = render_cost(BIG)
    say("render: a 53-frame and a 488-frame GIF at 320×240, for their peak memory")
    out["short"] = render_cost(SHORT, granularity="connection", dpi=40)
    out["long"] = render_cost(LONG, granularity="connection", dpi=40)
    return out


def render_targets(render: dict) -> list[dict]:
    """The render measurements beside their goals (:data:`RENDER_TARGETS`), as ``targets`` lists them."""
    def get(case, key, scale=1.0):
        r = render.get(case)
        return r[key] / scale if r and r.get("available") else None

    growth = None
    if get("short", "peak_bytes") is not None and get("long", "peak_bytes") is not None:
        growth = get("long", "peak_bytes", 1e6) - get("short", "peak_bytes", 1e6)
    measured = [get("default", "seconds"), get("big", "seconds"), get("big", "bytes", 1e6),
                get("big", "peak_bytes", 1e6), get("big", "frames"), growth]
    return judge(RENDER_TARGETS, measured)


def format_render(render: dict) -> list[str]:
    """Report lines: one per render."""
    lines = ["", "Animation renders (each in a child process; peak memory = ru_maxrss, imports included):"]
    for r in render.values():
        if not r.get("available"):
            lines.append(f"  {r['label']:<18} {r['note']}")
            continue
        lines.append(f"  {r['label']:<18} {r['frames']:>4} frames (per {r['granularity']}), {r['seconds']:6.2f} s "
                     f"({r['cpu_seconds']:.2f} s CPU), {r['bytes'] / 1e6:6.2f} MB, "
                     f"peak {r['peak_bytes'] / 1e6:5.0f} MB")
    return lines
