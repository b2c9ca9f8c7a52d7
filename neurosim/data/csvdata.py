"""A user's own data from a CSV file: ``read_csv(path, target)`` -> :class:`CSVData` in the API's row layout.

The first line names the columns. Every other column than ``target`` is an input; every input value
must be a finite number. A record is one line: a quoted field may hold the delimiter but not a line break,
and a quote left open is an error. At most ``NEUROSIM_MAX_FILE_SIZE`` bytes are read (see
:mod:`neurosim.base.limits`) and a field may hold at most ``csv.field_size_limit()`` characters (131,072).
The target column holds numbers, or text class names (then every value must be text). Blank lines and
lines starting with ``#`` are skipped. Every problem is a ValueError that names the file, the line (1-based,
as an editor shows it) and the column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from os import PathLike

import numpy as np

from ..base.files import read_text
from ..base.limits import excerpt


@dataclass
class CSVData:
    """Inputs X (m, d), one example per row, and the raw target column.

    ``target`` is a float array (m,) when every target value is a number, else the text values
    (an object array of str); ``features`` names the columns of X, ``lines`` gives the file line of each row.
    """

    X: np.ndarray
    target: np.ndarray
    features: list[str]
    target_name: str
    lines: list[int]

    @property
    def numeric_target(self) -> bool:
        return self.target.dtype != object


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value


def _delimiter(header: str) -> str:
    """Comma unless the header has none and uses a semicolon or a tab instead."""
    if "," in header:
        return ","
    for d in (";", "\t"):
        if d in header:
            return d
    return ","


def _names(columns: list[str], quote: bool = False) -> str:
    """The column names for a message: at most 8, each cut to 40 characters."""
    shown = [c if len(c) <= 40 else c[:37] + "..." for c in columns[:8]]
    more = f", … ({len(columns)} in all)" if len(columns) > 8 else ""
    return ", ".join(repr(c) if quote else c for c in shown) + more


def _fields(line: str, delim: str, name: str, n: int) -> list[str]:
    """The fields of one line; a quote left open or an over-long field is a ValueError naming the line."""
    try:
        return next(csv.reader([line], delimiter=delim, strict=True))
    except csv.Error as exc:
        problem = str(exc)
    if "field limit" in problem:
        raise ValueError(f"csv: {name}, line {n}: a field is longer than {csv.field_size_limit():,} characters, "
                         "the most a CSV field may hold") from None
    if "end of data" in problem:
        raise ValueError(f"csv: {name}, line {n}: a quoted field is not closed (a \" without its partner) in "
                         f"{excerpt(line)}") from None
    # Strict mode also refuses text after a closing quote ("b" ,c); read such a line leniently, as before.
    return next(csv.reader([line], delimiter=delim))


def read_csv(path: str | PathLike, target: str) -> CSVData:
    """Read ``path``; ``target`` is the name of the column to predict, the other columns are the inputs."""
    name = str(path)
    try:
        text = read_text(path, "CSV file")
    except FileNotFoundError:
        raise ValueError(f"csv: no such file {excerpt(name)}") from None
    except IsADirectoryError:
        raise ValueError(f"csv: {excerpt(name)} is a directory, not a CSV file") from None
    except ValueError as exc:   # not UTF-8, or over the size limit (LimitError keeps its type)
        raise type(exc)(f"csv: {exc}") from None
    except OSError as exc:
        raise ValueError(f"csv: cannot read {excerpt(name)}: {exc.strerror or exc}") from None

    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise ValueError(f"csv: {name!r} is empty; expected a header line naming the columns, then data lines")
    header_line, header_text = rows[0]
    delim = _delimiter(header_text)
    parsed = [(n, [f.strip() for f in _fields(line, delim, name, n)]) for n, line in rows]
    _, columns = parsed[0]
    for k, col in enumerate(columns):
        if not col:
            raise ValueError(f"csv: {name}, line {header_line}: column {k + 1} of the header has no name")
        if col in columns[:k]:
            raise ValueError(f"csv: {name}, line {header_line}: column name {excerpt(col)} appears twice in the header")
    if target not in columns:
        raise ValueError(f"csv: {name}, line {header_line}: no column {excerpt(target)} for --target; "
                         f"the header names {_names(columns, quote=True)}")
    if len(columns) < 2:
        raise ValueError(f"csv: {name}, line {header_line}: only the target column {target!r}; "
                         "expected at least one input column besides it")
    data = parsed[1:]
    if not data:
        raise ValueError(f"csv: {name} has a header (line {header_line}) but no data lines")

    t_col = columns.index(target)
    features = [c for k, c in enumerate(columns) if k != t_col]
    X = np.empty((len(data), len(features)))
    raw_target: list[str] = []
    for r, (n, fields) in enumerate(data):
        if len(fields) != len(columns):
            raise ValueError(f"csv: {name}, line {n}: expected {len(columns)} fields ({_names(columns)}), "
                             f"got {len(fields)}")
        c = 0
        for k, field in enumerate(fields):
            if k == t_col:
                raw_target.append(field)
                continue
            value = _number(field)
            if value is None or not math.isfinite(value):
                what = "an empty field" if not field else excerpt(field)
                raise ValueError(f"csv: {name}, line {n}, column {excerpt(columns[k])}: expected a finite number, "
                                 f"got {what}")
            X[r, c] = value
            c += 1
    lines = [n for n, _ in data]
    return CSVData(X, _target_column(raw_target, lines, name, target), features, target, lines)


def _target_column(values: list[str], lines: list[int], name: str, target: str) -> np.ndarray:
    """Numbers when every value is one; text class names when none is; otherwise name the odd line."""
    numbers = [_number(v) for v in values]
    is_number = [x is not None for x in numbers]
    if all(is_number):
        for x, n in zip(numbers, lines):
            if not math.isfinite(x):
                raise ValueError(f"csv: {name}, line {n}, column {target!r}: expected a finite number, got {x}")
        return np.array(numbers, dtype=float)
    if not any(is_number) and all(values):
        return np.array(values, dtype=object)
    # Mixed: the minority kind is the likely mistake.
    odd_is_text = sum(is_number) >= len(values) / 2
    k = next(k for k, ok in enumerate(is_number) if (not ok if odd_is_text else ok) or not values[k])
    if not values[k]:
        raise ValueError(f"csv: {name}, line {lines[k]}, column {target!r}: the target is empty")
    expected = "a number (the other targets are numbers)" if odd_is_text else "a class name (the others are text)"
    raise ValueError(f"csv: {name}, line {lines[k]}, column {target!r}: expected {expected}, got {excerpt(values[k])}")
