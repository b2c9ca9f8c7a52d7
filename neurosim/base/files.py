"""Reading and writing JSON files safely; knows nothing of networks.

Writes go to a temporary file in the target's folder that then replaces the target (``os.replace`` is
atomic), so an interrupted save leaves either the old file or the new one, never half a file. Reads refuse
what is not a UTF-8 JSON document, with a message that says what is wrong; they read at most
``NEUROSIM_MAX_FILE_SIZE`` bytes and refuse JSON nested deeper than :data:`~neurosim.base.limits.MAX_JSON_DEPTH`
levels before parsing it (see :mod:`neurosim.base.limits`).

A save killed mid-write (SIGKILL, power loss) leaves its temporary ``.neurosim-XXXXXXXX.tmp`` behind; the next
save to that folder removes such files of ours that are more than an hour old (a younger one may belong to
a save running right now).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from os import PathLike

import numpy as np

from .limits import MAX_JSON_DEPTH, check_file_size, excerpt, limit

_TMP_PREFIX, _TMP_SUFFIX = ".neurosim-", ".tmp"
# mkstemp's names: the prefix, 8 characters of its alphabet, the suffix. Nothing else is ever removed.
_TMP_NAME = re.compile(r"\.neurosim-[a-z0-9_]{8}\.tmp")
STALE_SECONDS = 3600


def check_path(path, name: str = "path") -> str:
    """``path`` as a str: a non-empty str or os.PathLike, else a TypeError / ValueError naming ``name``."""
    if not isinstance(path, str | PathLike):
        raise TypeError(f"{name}: expected a file path (a str or os.PathLike), got {type(path).__name__} "
                        f"{excerpt(path)}")
    text = os.fspath(path)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name}: expected a file path, got {excerpt(text)}")
    return text


def write_json_atomic(path: str | PathLike, data) -> None:
    """Write ``data`` to ``path`` as indented JSON, atomically (temporary file + fsync + rename).
    NaN and inf are refused (they are not JSON)."""
    write_text_atomic(check_path(path), json.dumps(data, indent=1, allow_nan=False))


def write_text_atomic(path: str | PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically: a temporary file in the same folder, fsync, rename."""
    path = check_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        # else mkstemp's error would name our temporary file, which the caller never heard of
        raise FileNotFoundError(f"path: cannot write {excerpt(os.path.basename(path))}: the folder {folder!r} "
                                "does not exist")
    remove_stale_temporaries(folder)
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX, dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)   # mkstemp makes 0600; a saved file gets the usual permissions
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def remove_stale_temporaries(folder: str | PathLike) -> list[str]:
    """Remove the temporary files of interrupted saves in ``folder``: regular files named like ours
    (``.neurosim-XXXXXXXX.tmp``), owned by this user and untouched for over an hour. Returns their paths.
    Errors are ignored: a cleanup must never make a save fail."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TMP_NAME.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if (entry.is_file(follow_symlinks=False) and now - st.st_mtime > STALE_SECONDS
                    and (not hasattr(os, "getuid") or st.st_uid == os.getuid())):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            continue
    return removed


def read_text(path: str | PathLike, what: str = "file") -> str:
    """The UTF-8 text of ``path`` (a leading BOM dropped), reading at most ``NEUROSIM_MAX_FILE_SIZE`` bytes."""
    path = check_path(path)
    cap = limit("NEUROSIM_MAX_FILE_SIZE")
    with open(path, "rb") as fh:
        # Read one byte past the cap: a file that lies about its size (/dev/zero, a pipe) is caught too.
        raw = fh.read() if cap is None else fh.read(cap + 1)
    if cap is not None:
        check_file_size(len(raw), path, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"malformed {what} {excerpt(path)}: not a text (UTF-8) file "
                         f"({exc.reason} at byte {exc.start})") from None


def json_depth(text: str) -> int:
    """The deepest nesting of [ ] and { } in a JSON text, brackets inside strings not counted."""
    # Strings out first (their brackets do not nest), then a running sum of +1 per opening, −1 per closing.
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', "", text).encode("utf-8", "replace")
    codes = np.frombuffer(bare, dtype=np.uint8)
    steps = (np.isin(codes, (ord("["), ord("{"))).astype(np.int64)
             - np.isin(codes, (ord("]"), ord("}"))).astype(np.int64))
    return int(np.cumsum(steps).max(initial=0))


def read_json(path: str | PathLike, what: str = "file", max_depth: int = MAX_JSON_DEPTH):
    """The JSON document in ``path``; ValueError naming ``what`` and the path if it is not UTF-8 JSON,
    nested deeper than ``max_depth``, or (:class:`~neurosim.base.limits.LimitError`) too big."""
    path = check_path(path)
    text = read_text(path, what)
    depth = json_depth(text)
    if depth > max_depth:
        raise ValueError(f"malformed {what} {excerpt(path)}: JSON nested {depth} levels deep; expected at most "
                         f"{max_depth}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed {what} {excerpt(path)}: not valid JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno})") from None
    except RecursionError:
        raise ValueError(f"malformed {what} {excerpt(path)}: JSON nested too deeply") from None
    except ValueError as exc:   # e.g. an integer literal of more than 4300 digits
        raise ValueError(f"malformed {what} {excerpt(path)}: {str(exc)[:200]}") from None
