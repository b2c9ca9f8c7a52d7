"""The limits that keep a mistyped size or a hostile file from eating all memory or disk reads.

Two limits, each overridable with an environment variable (read at every check, so setting
``os.environ`` inside a running program works too):

* ``NEUROSIM_MAX_MEMORY`` (default 4G): the largest *estimated* memory that building a network, a data set or
  a grid may take. The estimate is made before any allocation, from the sizes alone.
* ``NEUROSIM_MAX_FILE_SIZE`` (default 256M): the most bytes read from one input file (a saved network,
  a CSV file). Bigger files are refused before they are parsed; ``/dev/zero`` stops there too.

Values are bytes, optionally with a suffix K, M, G or T (powers of 1024), e.g. ``16G``; ``none`` lifts the
limit. Going over a limit raises :class:`LimitError`, a ValueError that names the parameter, the estimate
and the variable to set. :func:`excerpt` keeps hostile values short in every error message.
"""

from __future__ import annotations

import os
import re
import reprlib

GiB = 1024 ** 3
MiB = 1024 ** 2
DEFAULTS = {"NEUROSIM_MAX_MEMORY": 4 * GiB, "NEUROSIM_MAX_FILE_SIZE": 256 * MiB}
_SUFFIX = {"": 1, "K": 1024, "M": MiB, "G": GiB, "T": 1024 * GiB}
# JSON nesting deeper than this is refused before parsing: a saved network needs 4 levels.
MAX_JSON_DEPTH = 64


class LimitError(ValueError):
    """A request over one of neurosim's documented limits (memory estimate, file size); the message says
    which environment variable lifts it."""


def _parse(text: str, variable: str) -> int | None:
    t = text.strip().upper()
    if t in ("NONE", "OFF", "INF", "UNLIMITED"):
        return None
    match = re.fullmatch(r"(\d+(?:\.\d*)?)\s*([KMGT]?)(?:I?B)?", t)
    value = float(match[1]) * _SUFFIX[match[2]] if match else 0.0
    if not 1 <= value < 2.0 ** 63:
        raise LimitError(f"{variable}: expected a number of bytes such as 4G, 512M or none, got {excerpt(text)}")
    return int(value)


def limit(variable: str) -> int | None:
    """The current value of a limit in bytes (``None``: no limit); ``variable`` is one of :data:`DEFAULTS`."""
    text = os.environ.get(variable)
    return DEFAULTS[variable] if text is None or not text.strip() else _parse(text, variable)


def human(n: int) -> str:
    """A byte count for people: 3.7 GB, 512 MB, 20 kB, or 10^400 bytes."""
    if n >= 10 ** 18:   # also beyond float range: never divide such an int
        return f"10^{len(str(int(n))) - 1} bytes"
    for unit, size in (("TB", 1024 * GiB), ("GB", GiB), ("MB", MiB), ("kB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def check_memory(estimate: int, parameter: str, what: str) -> None:
    """Refuse work whose estimated memory (bytes, an exact int) is over ``NEUROSIM_MAX_MEMORY``."""
    cap = limit("NEUROSIM_MAX_MEMORY")
    if cap is not None and estimate > cap:
        raise LimitError(f"{parameter}: {what} would need about {human(estimate)} of memory, over the limit of "
                         f"{human(cap)}; set NEUROSIM_MAX_MEMORY (e.g. NEUROSIM_MAX_MEMORY=64G or none) if you mean it")


def check_file_size(size: int, path: str, what: str = "file") -> None:
    """Refuse to read more than ``NEUROSIM_MAX_FILE_SIZE`` bytes from one file."""
    cap = limit("NEUROSIM_MAX_FILE_SIZE")
    if cap is not None and size > cap:
        raise LimitError(f"{what} {excerpt(path)}: larger than the limit of {human(cap)} for input files; set "
                         "NEUROSIM_MAX_FILE_SIZE (e.g. NEUROSIM_MAX_FILE_SIZE=2G or none) to read it anyway")


class _Short(reprlib.Repr):
    def repr_int(self, x, level):
        if abs(x) >= 10 ** 30:
            # str() of a huge int is slow, and refused past 4300 digits: its size says enough.
            return f"<an integer of about {int(abs(x).bit_length() * 0.30103) + 1} digits>"
        return repr(x)


_SHORT = _Short()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxtuple = 8
_SHORT.maxdict = 6
_SHORT.maxlevel = 3


def excerpt(value) -> str:
    """``repr(value)`` cut to a short excerpt (long strings and lists end in "...", huge ints give their
    size), so that an error message never echoes megabytes of a hostile input."""
    text = _SHORT.repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
