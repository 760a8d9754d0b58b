"""统一社会信用代码 (unified social credit code) per GB 32100-2015, checked for a whole column at once.

A code is 18 characters from ``0-9`` and the capital letters without I, O, S, V, Z. The 18th is a check
character: with the charset values c1..c17 and the weights 3^(i-1) mod 31
(1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), C18 = 31 - (Σ ci·wi mod 31), where 31
is written 0. Validation turns the column into an (n, 18) byte matrix and does the arithmetic with
numpy; no Python loop runs per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "CHARSET", "WEIGHTS", "USCC_STATUSES", "MISSING_VALUES",
    "check_character", "is_valid_uscc", "make_uscc", "make_usccs", "normalise_uscc", "validate_uscc", "replace_masked",
]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_STATUSES = ("valid", "missing", "bad_length", "bad_charset", "bad_check", "numeric")
# What people type for "no code"; compared after normalisation (upper-cased, spaces removed).
MISSING_VALUES = frozenset({"", "—", "——", "-", "--", "/", "无", "暂无", "空", "NULL", "NONE", "NAN", "N/A",
                            "#N/A", "...", "…", "0"})

_LUT = np.full(256, -1, dtype=np.int8)  # byte -> charset value, -1 if not allowed
for _i, _ch in enumerate(CHARSET):
    _LUT[ord(_ch)] = _i
_W = np.asarray(WEIGHTS, dtype=np.int64)
_CHARS = np.frombuffer(CHARSET.encode("ascii"), dtype="S1")
_SHAPE = r"^[0-9A-HJ-NP-RTUW-Y]{18}$"  # RE2 syntax: runs inside pyarrow
_CLEAN = r"^[0-9A-Z]*$"  # already upper-case ASCII without spaces: no normalisation needed
_NUMERIC = r"^\d(\.\d+)?E\+\d+$"  # an all-digit code that Excel turned into a float (9.13601E+17)


def check_character(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a code."""
    if len(first17) != 17 or any(ch not in CHARSET for ch in first17):
        raise ValueError(f"need 17 characters from {CHARSET!r}, got {first17!r}")
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def make_uscc(first17: str) -> str:
    """A valid code: ``first17`` plus its check character."""
    return first17 + check_character(first17)


def is_valid_uscc(code: str) -> bool:
    """Scalar check of one already-normalised code (for docs and tests; frames use validate_uscc)."""
    return (len(code) == 18 and all(ch in CHARSET for ch in code)
            and check_character(code[:17]) == code[17])


def _org_check(body8: np.ndarray) -> np.ndarray:
    """GB 11714 check character of an 8-character organisation-code body, shape (n, 8) of charset values."""
    # GB 11714 values: digits 0-9, letters A-Z as 10-35 (the 31-character charset is a subset).
    weights = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
    c9 = 11 - (body8 @ weights) % 11
    out = np.where(c9 == 10, ord("X"), np.where(c9 == 11, ord("0"), ord("0") + c9))
    return out.astype(np.uint8)


def make_usccs(rng: np.random.Generator, n: int, region: str = "360111", prefix: str = "91") -> np.ndarray:
    """``n`` distinct valid codes for enterprises registered in ``region`` (default 360111 = 青山湖区).

    Positions 1-2 are ``prefix`` (91 = market-regulation authority, enterprise), 3-8 the region code,
    9-17 an organisation code of 8 random characters plus its GB 11714 check, and 18 the GB 32100
    check. Drawn with ``rng`` so a fixed seed gives the same codes.
    """
    if len(prefix) + len(region) != 8:
        raise ValueError("prefix + region must be 8 characters")
    digits_and_letters = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRTUWXY", dtype=np.uint8)
    codes = np.empty(0, dtype="S18")
    while codes.size < n:  # redraw the (astronomically rare) collisions
        need = n - codes.size
        body = digits_and_letters[rng.integers(0, 31, size=(need, 8))]
        # GB 11714 letter values are A=10 ... Z=35, i.e. ord - 55; digits ord - 48.
        gb_vals = np.where(body >= ord("A"), body.astype(np.int64) - 55, body.astype(np.int64) - 48)
        org = np.concatenate([body, _org_check(gb_vals)[:, None]], axis=1)
        head = np.frombuffer((prefix + region).encode("ascii"), dtype=np.uint8)
        first17 = np.concatenate([np.broadcast_to(head, (need, 8)), org], axis=1)
        vals = _LUT[first17].astype(np.int64)
        if (vals < 0).any():  # 'X' from GB 11714 is in the charset; this guards the invariant
            raise AssertionError("generated a character outside the charset")
        check = (31 - (vals @ _W) % 31) % 31
        full = np.concatenate([first17, np.frombuffer(CHARSET.encode(), dtype=np.uint8)[check][:, None]], axis=1)
        codes = np.unique(np.concatenate([codes, full.copy().view("S18").ravel()]))
    codes = codes[rng.permutation(codes.size)[:n]]
    return codes.astype(str)


def _arrow(s: pd.Series) -> pa.ChunkedArray:
    """The column as Arrow strings (zero-copy for pandas' pyarrow-backed ``str`` dtype, chunks kept)."""
    arr = pa.array(s, from_pandas=True)
    arr = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    return arr if pa.types.is_large_string(arr.type) or pa.types.is_string(arr.type) else arr.cast(pa.string())


def utf8_view(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes) of one Arrow string array: value i is bytes[offsets[i]:offsets[i+1]]."""
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(arr.buffers()[1], dtype=width)[arr.offset: arr.offset + len(arr) + 1]
    data = arr.buffers()[2]
    return offsets, (np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8))


def replace_masked(arr: pa.ChunkedArray, mask: np.ndarray, fixed: pa.Array) -> pa.Array:
    """``arr`` with the values at ``mask`` replaced by ``fixed`` (in order), as one ``take`` over both
    (pyarrow's ``replace_with_mask`` builds string arrays value by value, several times slower)."""
    both = pa.concat_arrays([arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr,
                             fixed.combine_chunks() if isinstance(fixed, pa.ChunkedArray) else fixed])
    at = np.arange(len(arr), dtype=np.int64)
    at[np.asarray(mask, dtype=bool)] = len(arr) + np.arange(len(fixed), dtype=np.int64)
    return both.take(pa.array(at))


def _char_matrix(arr: pa.Array) -> np.ndarray:
    """(n, 18) uint8 matrix of one Arrow string array whose values are all 18 bytes long (zero-copy)."""
    offsets, data = utf8_view(arr)
    return data[offsets[0]: offsets[-1]].reshape(len(arr), 18)


def _matches(s: pd.Series, pattern: str) -> np.ndarray:
    """Boolean array: value matches ``pattern`` (RE2); nulls are False."""
    return pc.fill_null(pc.match_substring_regex(_arrow(s), pattern), False).to_numpy(zero_copy_only=False)


def normalise_uscc(s: pd.Series) -> pd.Series:
    """Full-width -> half-width, upper case, all whitespace (incl. U+3000) removed; nulls become ''."""
    s = s.astype("str").fillna("")
    return _normalise_subset(s, ~_matches(s, _CLEAN))


def _normalise_subset(s: pd.Series, todo: np.ndarray) -> pd.Series:
    """``s`` with the values at ``todo`` normalised (one Arrow replace_with_mask, not a pandas setitem)."""
    if not todo.any():
        return s
    arr, mask = _arrow(s), pa.array(todo)
    fixed = pc.replace_substring_regex(pc.utf8_upper(pc.utf8_normalize(arr.filter(mask), "NFKC")), r"\s+", "")
    return pd.Series(pd.array(replace_masked(arr, todo, fixed), dtype="str"), index=s.index)


def _byte_key(mat: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of a C-contiguous (n, 18) byte matrix: three overlapping 8-byte words
    (bytes 0-7, 8-15, 10-17) read in place through strides, multiplied by odd constants and mixed."""
    if not len(mat):
        return np.zeros(0, dtype=np.uint64)
    word = [np.ndarray(shape=(len(mat),), dtype="<u8", buffer=mat, offset=o, strides=(18,)) for o in (0, 8, 10)]
    with np.errstate(over="ignore"):
        h = word[0] * _MIX[0] ^ word[1] * _MIX[1] ^ word[2] * _MIX[2]
        h ^= h >> np.uint64(31)
    return h | np.uint64(1)  # never 0, which marks "no code"


def _no_negative(v: np.ndarray) -> np.ndarray:
    """Rows of a C-contiguous (n, 18) int8 matrix without a negative value: the sign bits of three
    overlapping 8-byte words (bytes 0-7, 8-15, 10-17) read in place, as :func:`_byte_key` reads them."""
    if not len(v):
        return np.zeros(0, dtype=bool)
    word = [np.ndarray(shape=(len(v),), dtype="<u8", buffer=v, offset=o, strides=(18,)) for o in (0, 8, 10)]
    return ((word[0] | word[1] | word[2]) & np.uint64(0x8080808080808080)) == 0


def _well_formed(arr: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(mask of values that are 18 charset characters, their charset values (k, 18), their row numbers,
    their 64-bit keys)."""
    masks, vals, rows, keys, start = [], [], [], [], 0
    for chunk in arr.chunks:
        offsets, _ = utf8_view(chunk)
        eighteen = np.diff(offsets) == 18
        at = np.flatnonzero(eighteen)
        sub = chunk if len(at) == len(chunk) else chunk.filter(pa.array(eighteen))
        mat = _char_matrix(sub) if len(at) else np.empty((0, 18), dtype=np.uint8)
        v = np.take(_LUT, mat)  # np.take reads a small table faster than fancy indexing
        ok = _no_negative(v)  # no character outside the charset
        mask = np.zeros(len(chunk), dtype=bool)
        key = _byte_key(np.ascontiguousarray(mat))
        if not ok.all():  # the usual part has none to leave out: no copies then
            at, v, key = at[ok], v[ok], key[ok]
        mask[at] = True
        masks.append(mask)
        vals.append(v)
        rows.append(at + start)
        keys.append(key)
        start += len(chunk)
    if not masks:
        return (np.zeros(0, dtype=bool), np.empty((0, 18), dtype=np.int8), np.zeros(0, dtype=np.int64),
                np.zeros(0, dtype=np.uint64))
    return np.concatenate(masks), np.concatenate(vals), np.concatenate(rows), np.concatenate(keys)


def validate_uscc(raw: pd.Series, missing: frozenset[str] | set[str] = MISSING_VALUES) -> pd.DataFrame:
    """Normalise and check a column of codes.

    Returns a frame on ``raw``'s index with ``uscc`` (normalised code, '' when missing), ``uscc_status``
    (categorical, one of :data:`USCC_STATUSES`), ``uscc_expected`` (the check character the first 17
    call for where the status is bad_check, else NaN) and ``uscc_key`` (a 64-bit hash of a well-formed
    code, 0 otherwise: equal codes, equal keys; for finding repeats, to be confirmed on the strings).
    The usual value, already 18 upper-case characters, is checked straight from the Arrow byte buffer
    as an (n, 18) matrix; only the others are normalised (NFKC, upper case, no spaces) and looked at again.
    """
    code = raw if (raw.dtype == "str" and not raw.hasnans) else raw.astype("str").fillna("")
    n = len(code)
    status = np.full(n, 2, dtype=np.int8)  # index into USCC_STATUSES; 2 = bad_length until shown otherwise
    shaped, vals, rows, keys = _well_formed(_arrow(code))
    rest = np.flatnonzero(~shaped)
    if len(rest):
        code = _normalise_subset(code, ~shaped)
        sub = code.iloc[rest]
        is_missing = sub.isin(missing).to_numpy()
        ok2, vals2, rows2, keys2 = _well_formed(_arrow(sub))
        length_ok = (sub.str.len() == 18).to_numpy()
        numeric = _matches(sub, _NUMERIC)
        status[rest] = np.select([is_missing, numeric, length_ok], [1, 5, 3], default=2)
        vals, rows = np.concatenate([vals, vals2]), np.concatenate([rows, rest[rows2]])
        keys = np.concatenate([keys, keys2])
        if is_missing.any():
            gone = np.zeros(n, dtype=bool)
            gone[rest[is_missing]] = True
            code = code.mask(gone, "")
    total = np.einsum("ij,j->i", vals[:, :17], _W8, dtype=np.int32)  # Σ ci·wi for every code at once
    want = (31 - total % 31) % 31
    bad = want != vals[:, 17]
    status[rows] = np.where(bad, 4, 0)
    expected = np.full(n, -1, dtype=np.int8)
    expected[rows[bad]] = want[bad]
    key = np.zeros(n, dtype=np.uint64)
    key[rows] = keys
    return pd.DataFrame({
        "uscc": code,
        "uscc_status": pd.Categorical.from_codes(status, categories=list(USCC_STATUSES)),
        "uscc_expected": pd.Categorical.from_codes(expected, categories=list(CHARSET)),
        "uscc_key": key,
    }, index=raw.index)


_W8 = np.asarray(WEIGHTS, dtype=np.int8)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)
