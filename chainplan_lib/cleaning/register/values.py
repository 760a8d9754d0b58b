"""Register cell text -> typed values, a whole column at a time.

Free text goes through pyarrow string kernels or numpy over the Arrow byte buffers; columns with few distinct
values (towns, industry codes, years, chain labels) are decided once per distinct value (:func:`distinct`) and
spread back with ``take``. No Python loop runs over the rows.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...plan.model import Plan
from ...plan.names import normalise_label
from .uscc import replace_masked, utf8_view

__all__ = [
    "UNIT_TO_WAN", "MAX_REVENUE_WAN", "REVENUE_STATUS", "arrow_strings", "arrow_apply", "matches", "as_text",
    "normalise_text", "nfkc", "distinct", "utf8_view", "utf8_lengths", "byte_table", "rows_with",
    "parse_revenue", "year_value", "industry_value", "area_value", "chain_value", "clip_text", "take_rows", "text_frame",
]

UNIT_TO_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}
# One firm's yearly revenue above 10 万亿元 (1e5 亿元, several times the largest company's) is a typing or
# export error, never data: such a value, and anything that is not a finite number, is quarantined.
MAX_REVENUE_WAN = 1e9
REVENUE_STATUS = {0: "ok", 1: "missing", 2: "negative", 3: "not_number", 4: "no_unit", 5: "out_of_range",
                  6: "bad_separator"}
CLIP_CHARS = 40  # a cell quoted in a message is cut to this many characters


# ------------------------------------------------------------------------------------------ text kernels
def arrow_strings(s: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow strings, zero-copy for pandas' pyarrow-backed ``str`` dtype (chunks kept as read)."""
    arr = pa.array(s, from_pandas=True)
    arr = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    return arr if (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)) else arr.cast(pa.string())


def matches(s: pd.Series, pattern: str) -> np.ndarray:
    """Boolean array: the value contains a match of the RE2 ``pattern``; nulls are False."""
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    return pc.fill_null(pc.match_substring_regex(arrow_strings(s), pattern), False).to_numpy(zero_copy_only=False)


def utf8_lengths(arr: pa.ChunkedArray) -> np.ndarray:
    """Byte length of every value (from the offsets, no pass over the text)."""
    parts = [np.diff(utf8_view(c)[0]) for c in arr.chunks if len(c)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def byte_table(allowed: bytes = b"", ranges: tuple[tuple[int, int], ...] = ()) -> np.ndarray:
    """A 256-entry table, True for the bytes *not* allowed (single bytes and inclusive ranges)."""
    bad = np.ones(256, dtype=bool)
    bad[np.frombuffer(allowed, dtype=np.uint8)] = False
    for lo, hi in ranges:
        bad[lo: hi + 1] = False
    return bad


def rows_with(arr: pa.ChunkedArray, bad: np.ndarray | Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Rows whose UTF-8 bytes include one that ``bad`` marks: a :func:`byte_table`, or a function from a
    byte array to a boolean array of the same length. One pass over the buffers."""
    parts = []
    for chunk in arr.chunks:
        offsets, data = utf8_view(chunk)
        out = np.zeros(len(chunk), dtype=bool)
        if len(chunk):
            text = data[offsets[0]: offsets[-1]]
            hits = np.flatnonzero(bad(text) if callable(bad) else bad[text]) + offsets[0]
            out[np.searchsorted(offsets, hits, side="right") - 1] = True
        parts.append(out)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


# Bytes of text that NFKC leaves alone: printable ASCII, UTF-8 continuation bytes and the lead bytes of
# U+4000-U+9FFF (CJK ideographs). Anything else (spaces, U+3000, full-width forms, brackets …) is
# worth normalising.
def _nfkc_suspect(b: np.ndarray) -> np.ndarray:
    """Bytes outside 0x21-0x7E, 0x80-0xBF and 0xE4-0xE9, in three vectorised comparisons (a 256-entry
    table lookup does the same but reads slower over tens of megabytes of names)."""
    bad = (b - np.uint8(0x21)) > np.uint8(0x9E)  # wraps: below 0x21 or above 0xBF
    bad &= (b - np.uint8(0xE4)) > np.uint8(0x05)  # ... except the CJK lead bytes E4-E9
    bad |= b == 0x7F
    return bad


_PLAIN_NUMBER = byte_table(b"0123456789.")


def as_text(s: pd.Series) -> pd.Series:
    """A column as pandas ``str`` with '' for missing (no copy when it already is)."""
    if s.dtype == "str" and not s.hasnans:
        return s
    return s.astype("str").fillna("")


def arrow_apply(s: pd.Series, *steps: Callable[[pa.Array], pa.Array]) -> pd.Series:
    """``s`` through pyarrow string kernels (``steps`` in order), back as a pandas ``str`` column."""
    arr = arrow_strings(as_text(s))
    for step in steps:
        arr = step(arr)
    return pd.Series(pd.array(arr, dtype="str"), index=s.index)


def nfkc(arr: pa.Array) -> pa.Array:
    return pc.utf8_normalize(arr, "NFKC")


def squeeze_spaces(arr: pa.Array) -> pa.Array:
    """Whitespace runs -> one space, stripped, and none next to a non-ASCII (CJK) character."""
    arr = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"\s+", " "))
    arr = pc.replace_substring_regex(arr, r"([^\x00-\x7f]) ", r"\1")
    return pc.replace_substring_regex(arr, r" ([^\x00-\x7f])", r"\1")


def normalise_text(s: pd.Series) -> pd.Series:
    """Full-width -> half-width (NFKC, so （）-> ()), whitespace runs -> one space, none beside CJK, stripped.

    Only the values that can change are touched: a byte scan finds those with anything but printable
    ASCII and CJK ideographs.
    """
    s = as_text(s)
    todo = rows_with(arrow_strings(s), _nfkc_suspect)
    if not todo.any():
        return s
    arr, mask = arrow_strings(s), pa.array(todo)
    fixed = squeeze_spaces(nfkc(arr.filter(mask))).combine_chunks()
    return pd.Series(pd.array(replace_masked(arr, todo, fixed), dtype="str"), index=s.index)


def distinct(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values): ``s == values[codes]``, missing read as ''. Free for categoricals."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        values = [str(v) for v in s.cat.categories] + [""]
        codes = s.cat.codes.to_numpy().astype(np.int64)
        return np.where(codes < 0, len(values) - 1, codes), values
    codes, uniques = pd.factorize(as_text(s), use_na_sentinel=False)
    return codes, [str(u) for u in uniques]


def _take_text(s: pd.Series, idx: np.ndarray) -> pd.Series:
    """``s.iloc[idx]`` for an Arrow-backed text column, chunk by chunk: pyarrow's ``take`` on a chunked array
    first joins the chunks (a copy of the whole column for a handful of rows)."""
    arr = s.array._pa_array
    bounds = np.cumsum([0] + [len(c) for c in arr.chunks])
    order = np.argsort(idx, kind="stable")
    at = idx[order]
    chunk = np.searchsorted(bounds, at, side="right") - 1
    pieces = [arr.chunk(int(k)).take(pa.array(at[chunk == k] - bounds[k])) for k in np.unique(chunk)]
    got = pa.chunked_array(pieces, type=arr.type).combine_chunks() if pieces else pa.array([], type=arr.type)
    back = np.empty(len(idx), dtype=np.int64)
    back[order] = np.arange(len(idx))
    return pd.Series(pd.array(got.take(pa.array(back)), dtype=s.dtype), index=s.index[idx], name=s.name)


def take_rows(frame: pd.DataFrame, idx: np.ndarray, columns: list[str] | None = None) -> pd.DataFrame:
    """``frame.iloc[idx][columns]``, taking only ``columns`` (text columns chunk by chunk, see :func:`_take_text`)."""
    idx = np.asarray(idx, dtype=np.int64)
    out = {}
    for c in (list(frame.columns) if columns is None else columns):
        s = frame[c]
        text = s.dtype == "str" and hasattr(s.array, "_pa_array") and s.array._pa_array.num_chunks > 1
        out[c] = _take_text(s, idx) if text and len(idx) else s.iloc[idx]
    return pd.DataFrame(out, index=frame.index[idx], copy=False)


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as pandas ``str``, '' for missing (``frame.astype("str").fillna("")``, categoricals
    converted once per category rather than per cell)."""
    out = {}
    for c in frame.columns:
        s = frame[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            cats = np.append(np.asarray(s.cat.categories.astype("str").fillna(""), dtype=object), "")
            out[c] = pd.Series(cats[s.cat.codes.to_numpy()], index=s.index, dtype="str")  # code -1 -> ''
        else:
            out[c] = s.astype("str").fillna("")
    return pd.DataFrame(out, index=frame.index, columns=frame.columns)


def clip_text(s: pd.Series) -> pd.Series:
    """Cells quoted in a message, cut to :data:`CLIP_CHARS` characters (a 1 MB cell is not repeated whole)."""
    s = as_text(s)
    long = s.str.len().to_numpy() > CLIP_CHARS
    if not long.any():
        return s
    return s.where(~long, s.str.slice(0, CLIP_CHARS) + "…(共" + s.str.len().astype("str") + "字)")


# ------------------------------------------------------------------------------------------ values
_WELL_FORMED = (r"^(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.?\d+)(?:e[+-]?\d+)?)"
                r"(?P<unit>亿元|万元|千元|元|亿|万|千)?$")
_SEPARATED = r"^[+-]?[\d,]*\d[\d,]*(\.\d+)?(亿元|万元|千元|元|亿|万|千)?$"  # digits and commas: a number mis-grouped


_UNITS = pa.array(["亿元", "万元", "千元", "元", "亿", "万", "千"], type=pa.large_string())
_UNIT_WAN = np.array([UNIT_TO_WAN[u if u.endswith("元") else u + "元"] for u in _UNITS.to_pylist()] + [np.nan])


def _flags(arr) -> np.ndarray:
    """An Arrow boolean (or integer) result as numpy, nulls read as False (0)."""
    return pc.fill_null(arr, False if pa.types.is_boolean(arr.type) else 0).to_numpy(zero_copy_only=False)


def parse_revenue(raw: pd.Series, unit: str | None, missing: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """(revenue in 万元, status) per row; status (:data:`REVENUE_STATUS`) 0 ok, 1 missing, 2 negative,
    3 not a number, 4 no unit known, 5 not finite or above :data:`MAX_REVENUE_WAN`, 6 thousands
    separators out of place (``3,20``, ``1,3``: never read as 320 or 13).

    A plain number takes ``unit`` (the column's); a number with its own unit (``1.2亿``, ``3500万``,
    ``35000000元``) keeps that one; ``1,234.5``, full-width digits, spaces and ``(123)`` are understood.
    Values are rounded to the 元, so 1.23456亿 and 123456千元 come out as the same number.
    """
    s = as_text(raw)
    n = len(s)
    value, status = np.full(n, np.nan), np.zeros(n, dtype=np.int8)
    factor = UNIT_TO_WAN.get(unit or "", np.nan)
    arr = arrow_strings(s)
    plain = ~rows_with(arr, _PLAIN_NUMBER) & (utf8_lengths(arr) > 0)  # only digits and '.': the usual case
    if plain.any():
        try:  # cast them in one go
            value[plain] = pc.cast(arr if plain.all() else pc.filter(arr, pa.array(plain)), pa.float64()).to_numpy()
        except pa.ArrowInvalid:  # '1.2.3', '.' or a number too long for a double among them: judged below
            ok = matches(s[plain], r"^\d*\.?\d+$|^\d+\.$") & (utf8_lengths(arr)[plain] < 300)
            plain[np.flatnonzero(plain)[~ok]] = False
            value[plain] = pc.cast(pc.filter(arr, pa.array(plain)), pa.float64()).to_numpy()
        value[plain] *= factor
    rest = np.flatnonzero(~plain)
    if len(rest):
        ta = arr if plain.sum() == 0 else arr.filter(pa.array(~plain))
        for step in (nfkc, lambda a: pc.replace_substring_regex(a, r"\s", ""), pc.utf8_lower,
                     lambda a: pc.replace_substring_regex(a, r"^\((.+)\)$", r"-\1")):  # (123) -> -123
            ta = step(ta)
        is_missing = _flags(pc.is_in(ta, value_set=pa.array(sorted(missing), type=ta.type)))
        parts = pc.extract_regex(ta, _WELL_FORMED)
        num_text = pc.replace_substring(pc.struct_field(parts, "num"), ",", "")
        num = pd.to_numeric(pd.Series(pd.array(num_text, dtype="str")), errors="coerce").to_numpy(dtype=float)
        unit = pc.struct_field(parts, "unit")
        unit_at = _flags(pc.fill_null(pc.index_in(unit, value_set=_UNITS.cast(unit.type)), len(_UNIT_WAN) - 1))
        f = _UNIT_WAN[unit_at.astype(np.int64)]  # a unit written without 元 (亿, 万, 千) means the 元 one
        f = np.where(np.isnan(f), factor, f)
        mis_grouped = np.isnan(num) & ~is_missing & _flags(pc.match_substring_regex(ta, _SEPARATED)) & _flags(
            pc.match_substring(ta, ","))
        st = np.select([is_missing, mis_grouped, np.isnan(num), num < 0, np.isnan(f)], [1, 6, 3, 2, 4], 0)
        value[rest], status[rest] = np.where(st == 0, num * f, np.nan), st
    if np.isnan(factor):
        status[plain] = 4
    with np.errstate(invalid="ignore"):
        wild = (status == 0) & ~(np.abs(value) <= MAX_REVENUE_WAN)  # inf, nan from overflow, or absurd
    status[wild] = 5
    value[wild] = np.nan
    return np.round(value, 4), status


def year_value(text: str, missing: frozenset[str]) -> float:
    """2024 from '2024', '2024年', '2024.0', '2024-12-31…'; NaN when blank; -1 when not a year."""
    t = normalise_label(text).lower()
    if t in missing:
        return np.nan
    m = re.match(r"^((?:19|20|21)\d{2})(\.0+|年度?|-\d{1,2}(-\d{1,2})?.*|/\d{1,2}.*)?$", t)
    return float(m.group(1)) if m and 1990 <= int(m.group(1)) <= 2100 else -1.0


def industry_value(text: str, mapping: dict[str, str], missing: frozenset[str]) -> tuple[str, str | None]:
    """(GB/T 4754 code without its section letter, chain id | 'other' | None when blank or not a code)."""
    t = normalise_label(text).upper()
    if t.lower() in missing:
        return "", None
    m = re.fullmatch(r"([A-T])?(\d{2,4})(\.0+)?", t)
    if not m or not 1 <= int(m.group(2)[:2]) <= 97:
        return t, None
    code = m.group(2)
    for k in (4, 3, 2):  # the longest configured prefix wins
        if len(code) >= k and code[:k] in mapping:
            return code, mapping[code[:k]]
    return code, "other"


def area_value(text: str, missing: frozenset[str], plan: Plan) -> str | None:
    """Canonical area of the plan, '' when blank, None when unknown (never a guess)."""
    t = normalise_label(text)
    if t.lower() in missing:
        return ""
    return plan.find_area(t)


def chain_value(text: str, other: frozenset[str], missing: frozenset[str], plan: Plan) -> str | None:
    """Chain id of the plan named by a 产业链 cell, 'other', '' when blank, None when it names nothing known."""
    t = normalise_label(text).lower()
    if t in missing:
        return ""
    if t in other:
        return "other"
    c = plan.find_chain(t)
    return c.id if c else None
