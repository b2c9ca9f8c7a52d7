"""Student copies of the teaching notebooks: the same notebooks without their answer cells.

Every answer cell of a notebook in ``docs/notebooks/`` carries the cell tag ``answer`` (in Jupyter: the
property inspector's "Cell Tags"). ::

    python -m neurosim.notebooks strip docs/notebooks handout        # every notebook of a folder
    python -m neurosim.notebooks strip docs/notebooks/02_gradients_3_4_2.ipynb handout/02.ipynb

writes copies without the tagged cells and without any outputs or execution counts, so a teacher hands out
the exercises and keeps the keys. A notebook is JSON (nbformat 4); this reads and writes it with the
standard library only, atomically, and never touches the source.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .base.files import write_text_atomic

TAG = "answer"


def tags(cell: dict) -> list[str]:
    """The cell's tags (``metadata.tags``), [] when it has none."""
    found = cell.get("metadata", {}).get("tags", [])
    return list(found) if isinstance(found, list) else []


def student_copy(notebook: dict, tag: str = TAG) -> tuple[dict, int]:
    """``notebook`` without the cells tagged ``tag`` and with every output cleared; returns (copy, cells removed)."""
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("notebook: expected a Jupyter notebook (JSON with a 'cells' list)")
    kept = []
    for cell in notebook["cells"]:
        if tag in tags(cell):
            continue
        cell = dict(cell)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        kept.append(cell)
    return {**notebook, "cells": kept}, len(notebook["cells"]) - len(kept)


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"src: {path} is not a notebook (invalid JSON: {exc.msg}, line {exc.lineno})") from None


def _write(path: Path, notebook: dict) -> None:
    """Write atomically: a half-written handout never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


def strip(src: str | os.PathLike, dst: str | os.PathLike, tag: str = TAG) -> list[tuple[Path, int]]:
    """Write student copies of ``src`` (a notebook, or a folder of them) to ``dst`` (a file, or a folder).

    Returns [(written path, answer cells removed), …]. Refuses to write over a source notebook.
    """
    src, dst = Path(src), Path(dst)
    if src.is_dir():
        sources = sorted(src.glob("*.ipynb"))
        if not sources:
            raise ValueError(f"src: the folder {src} holds no .ipynb notebooks")
        targets = [dst / p.name for p in sources]
    elif src.is_file():
        sources = [src]
        targets = [dst / src.name if dst.is_dir() or dst.suffix != ".ipynb" else dst]
    else:
        raise ValueError(f"src: expected a notebook or a folder of notebooks, got {str(src)!r}, which does not exist")
    done = []
    for source, target in zip(sources, targets):
        if target.resolve() == source.resolve():
            raise ValueError(f"dst: {target} is the source notebook itself; choose another folder for the copies")
        copy, removed = student_copy(_read(source), tag)
        _write(target, copy)
        done.append((target, removed))
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neurosim.notebooks",
                                     description="Tools for the teaching notebooks.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("strip", help="write student copies without the answer cells",
                       description="Write copies of the notebooks without the cells tagged as answers and "
                                   "without outputs.")
    p.add_argument("src", help="a notebook (.ipynb) or a folder of notebooks")
    p.add_argument("dst", help="the copy's file name, or a folder for the copies")
    p.add_argument("--tag", default=TAG, help=f"the cell tag that marks an answer (default: {TAG})")
    args = parser.parse_args(argv)
    if args.command != "strip":
        parser.print_help()
        return 2
    try:
        done = strip(args.src, args.dst, args.tag)
    except (ValueError, OSError) as exc:
        print(f"neurosim.notebooks strip: error: {exc}", file=sys.stderr)
        return 2
    for path, removed in done:
        print(f"{path}: {removed} answer cell{'s' * (removed != 1)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
