"""A user's own data from a CSV file: ``read_csv(path, target)`` -> :class:`CSVData` in the API's row layout.

The first line names the columns. Every other column than ``target`` is an input; every input value
must be a finite number. The target column holds numbers, or text class names (then every value must
be text). Blank lines and lines starting with ``#`` are skipped. Every problem is a ValueError that
names the file, the line (1-based, as an editor shows it) and the column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from os import PathLike

import numpy as np


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


def read_csv(path: str | PathLike, target: str) -> CSVData:
    """Read ``path``; ``target`` is the name of the column to predict, the other columns are the inputs."""
    name = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise ValueError(f"csv: no such file {name!r}") from None
    except IsADirectoryError:
        raise ValueError(f"csv: {name!r} is a directory, not a CSV file") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"csv: {name!r} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ValueError(f"csv: cannot read {name!r}: {exc.strerror or exc}") from None

    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise ValueError(f"csv: {name!r} is empty; expected a header line naming the columns, then data lines")
    header_line, header_text = rows[0]
    delim = _delimiter(header_text)
    parsed = [(n, [f.strip() for f in fields])
              for (n, _), fields in zip(rows, csv.reader([line for _, line in rows], delimiter=delim))]
    _, columns = parsed[0]
    for k, col in enumerate(columns):
        if not col:
            raise ValueError(f"csv: {name}, line {header_line}: column {k + 1} of the header has no name")
        if col in columns[:k]:
            raise ValueError(f"csv: {name}, line {header_line}: column name {col!r} appears twice in the header")
    if target not in columns:
        raise ValueError(f"csv: {name}, line {header_line}: no column {target!r} for --target; "
                         f"the header names {', '.join(repr(c) for c in columns)}")
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
            raise ValueError(f"csv: {name}, line {n}: expected {len(columns)} fields ({', '.join(columns)}), "
                             f"got {len(fields)}")
        c = 0
        for k, field in enumerate(fields):
            if k == t_col:
                raw_target.append(field)
                continue
            value = _number(field)
            if value is None or not math.isfinite(value):
                what = "an empty field" if not field else repr(field)
                raise ValueError(f"csv: {name}, line {n}, column {columns[k]!r}: expected a finite number, "
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
    raise ValueError(f"csv: {name}, line {lines[k]}, column {target!r}: expected {expected}, got {values[k]!r}")
