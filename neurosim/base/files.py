"""Reading and writing JSON files safely; knows nothing of networks.

Writes go to a temporary file in the target's folder that then replaces the target (``os.replace`` is
atomic), so an interrupted save leaves either the old file or the new one, never half a file. Reads refuse
what is not a UTF-8 JSON document, with a message that says what is wrong.
"""

from __future__ import annotations

import json
import os
import tempfile
from os import PathLike


def write_json_atomic(path: str | PathLike, data) -> None:
    """Write ``data`` to ``path`` as indented JSON, atomically (temporary file + fsync + rename).
    NaN and inf are refused (they are not JSON)."""
    text = json.dumps(data, indent=1, allow_nan=False)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".neurosim-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_json(path: str | PathLike, what: str = "file"):
    """The JSON document in ``path``; ValueError naming ``what`` and the path if it is not UTF-8 JSON."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed {what} {path}: not valid JSON ({exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno})") from None
    except UnicodeDecodeError:
        raise ValueError(f"malformed {what} {path}: not a text (UTF-8) file") from None
