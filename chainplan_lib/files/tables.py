"""Tables given back to us as CSV files (a cleaned ``targets.csv`` or ``actuals.csv`` passed with ``--targets`` /
``--actuals``): read as every input is — a regular file within its kind's cap, decoded by
:mod:`chainplan_lib.files.text` — and every way they can be wrong is one :class:`InputError` naming the file,
the line, the column and the value: an empty or binary file, an unclosed quote, a missing column, a cell that is
not a number, a value the table's schema refuses.

Lines are the file's own (the header is line 1, the first row line 2).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from ..errors import InputError
from .limits import Kind
from .text import read_text

__all__ = ["read_csv_table", "convert_columns", "schema_error"]

_WHERE = re.compile(r"\b(line|row) (\d+)")  # pandas: "in line L" (the file's), "at row R" (from 0, header included)


def _line(index: Any) -> int | None:
    """The file line of a row of the frame :func:`read_csv_table` returned (its index is the row position)."""
    try:
        return int(index) + 2
    except (TypeError, ValueError):
        return None


def _shown(value: Any) -> str:
    text = repr(value.item() if hasattr(value, "item") else value)
    return text if len(text) <= 40 else text[:39] + "…"


def read_csv_table(path: str | Path, kind: Kind, *, name: str, dtype: Mapping[str, Any] | None = None,
                   **read_options: Any) -> pd.DataFrame:
    """The CSV table at ``path`` (``name`` says what it should be, in messages), its index the row position;
    ``read_options`` go to :func:`pandas.read_csv` (``keep_default_na``, ``na_values`` …)."""
    text = read_text(path, kind).text
    if not text.strip():
        raise InputError(f"file is empty; expected {name} (a header line, then rows)", file=path)
    try:
        return pd.read_csv(io.StringIO(text), dtype=dict(dtype or {}), **read_options)
    except pd.errors.EmptyDataError:
        raise InputError(f"file is empty; expected {name} (a header line, then rows)", file=path) from None
    except (pd.errors.ParserError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        m = _WHERE.search(msg)
        line = None if m is None else int(m.group(2)) + (m.group(1) == "row")
        raise InputError(f"not {name}: cannot be read as CSV ({msg[:160]})", file=path, line=line) from None


def convert_columns(df: pd.DataFrame, types: Mapping[str, Any], path: str | Path, name: str) -> pd.DataFrame:
    """``df`` with each column of ``types`` converted (``int``/``np.int64``, ``float``); a missing column, or the
    first cell that does not convert, is an :class:`InputError` naming the line, column and value."""
    missing = [c for c in types if c not in df.columns]
    if missing:
        raise InputError(f"not {name}: column {missing[0]!r} missing (columns: {', '.join(map(str, df.columns))})",
                         file=path)
    out = df.copy()
    for col, typ in types.items():
        try:
            out[col] = df[col].astype(typ)
            continue
        except (TypeError, ValueError, OverflowError):
            pass
        num = pd.to_numeric(df[col], errors="coerce")
        whole = pd.api.types.is_integer_dtype(pd.Series(dtype=typ))
        bad = num.isna() | (num % 1 != 0) if whole else num.isna() & df[col].notna()
        at = bad[bad].index[0] if bad.any() else df.index[0]
        value = df[col].loc[at]
        raise InputError(f"column {col!r}: {_shown(value)} is not {'a whole number' if whole else 'a number'} "
                         f"(not {name})", file=path, line=_line(at))
    return out


def _readable(check: str) -> str:
    m = re.match(r"^greater_than_or_equal_to\((.*)\)$", check)
    if m:
        return f"is below {m.group(1)}"
    m = re.match(r"^(?:isin|isin_check)\((.*)\)$", check, flags=re.S)
    if m:
        allowed = m.group(1)
        return f"is not one of {allowed if len(allowed) <= 120 else allowed[:119] + '…'}"
    if check in ("not_nullable", "column_not_nullable"):
        return "is empty"
    return f"fails the check {check!r}"


def schema_error(exc: Exception, path: str | Path, name: str) -> InputError:
    """One line for a pandera ``SchemaError`` / ``SchemaErrors`` on a frame from :func:`read_csv_table`: the
    first failing row's line, its column and value, and the check in words."""
    cases = getattr(exc, "failure_cases", None)
    if not isinstance(cases, pd.DataFrame) or cases.empty:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return InputError(f"not {name}: {first[:200]}", file=path)
    cases = cases.copy()
    if "column" not in cases:  # one SchemaError: its column is the schema's name
        cases["column"] = getattr(getattr(exc, "schema", None), "name", None)
    if "check" not in cases:
        check = getattr(exc, "check", None)
        cases["check"] = str(getattr(check, "error", None) or getattr(check, "name", None) or check or "")
    cases["_row"] = pd.to_numeric(cases.get("index"), errors="coerce")
    with_row = cases[cases["_row"].notna()]
    if with_row.empty:  # about the table, not a row (a missing or extra column, a dtype)
        c = cases.iloc[0]
        check = str(c["check"])
        if check == "column_in_dataframe":
            return InputError(f"not {name}: column {c['failure_case']!r} missing", file=path)
        return InputError(f"not {name}: column {c['column']!r}: {_shown(c['failure_case'])} fails the check "
                          f"{check!r}", file=path)
    c = with_row.sort_values("_row", kind="stable").iloc[0]
    if c.get("schema_context") == "DataFrameSchema" and not str(c["check"]).startswith(("isin", "greater")):
        return InputError(f"{c['check']} (column {c['column']!r}: {_shown(c['failure_case'])}; not {name})",
                          file=path, line=_line(c["_row"]))
    return InputError(f"column {c['column']!r}: {_shown(c['failure_case'])} {_readable(str(c['check']))} "
                      f"(not {name})", file=path, line=_line(c["_row"]))
