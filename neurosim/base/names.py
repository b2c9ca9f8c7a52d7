"""Unknown names in error messages: the closest valid one, for a typo such as 'sigmod' or 'half-sse'."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_LONGEST = 64   # a longer "name" is no typo of a short one (and difflib's time grows with it)


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def did_you_mean(name, valid: Iterable[str]) -> str:
    """`` (did you mean 'sigmoid'?)`` when ``name`` is a str close to one of ``valid``, else ``""``."""
    if not isinstance(name, str) or not name.strip() or len(name) > _LONGEST:
        return ""
    lookup = {_key(v): v for v in valid}
    close = difflib.get_close_matches(_key(name), list(lookup), n=1, cutoff=0.6)
    return f" (did you mean {lookup[close[0]]!r}?)" if close else ""
