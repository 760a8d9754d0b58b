"""Reading enterprise registers (规上企业名录): files -> sheets of strings with the header found.

What this module decides, per sheet: where the header is (the row among the first few that names the
most known columns, combined with a second row under it when the heading is split over two rows), which
column is which field (config/industry_chains.toml lists the accepted headings), the revenue unit
(heading or a 单位：万元 note) and the year the title rows or the file name give. Values stay strings;
:mod:`chainplan_lib.cleaning.register` parses them.

CSV files are read with pyarrow (all columns as strings) when they are regular; irregular ones (ragged
rows, line breaks in quoted cells before the data) fall back to Python's csv module. Excel workbooks
are read with openpyxl so merged cells can be filled with their value.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..errors import InputError
from ..plan.names import CHAIN_IDS, TRAD_TO_SIMP, find_area, find_chain, normalise_label
from .uscc import utf8_view

__all__ = [
    "REGISTER_CONFIG_FILE", "FieldSpec", "RegisterConfig", "load_register_config",
    "Header", "SheetTable", "list_register_files", "read_register_file", "find_header", "header_key",
    "UNIT_TO_WAN", "TRAD_TO_SIMP", "arrow_strings", "arrow_apply", "matches", "as_text", "normalise_text",
    "distinct", "utf8_view", "utf8_lengths", "byte_table", "rows_with",
    "parse_revenue", "year_value", "industry_value", "area_value", "chain_value",
]

REGISTER_CONFIG_FILE = Path(str(resources.files("chainplan_lib") / "config" / "industry_chains.toml"))
SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")  # .txt: a tab- or comma-separated export named explicitly
FOLDER_SUFFIXES = (".xlsx", ".xlsm", ".csv")  # what a folder is searched for (a README.txt is not a register)
HEADER_SCAN_ROWS = 15
LOW_CARDINALITY = ("area", "industry_code", "industry_name", "year", "chain")
UNIT_TO_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}

_UNIT = r"(亿元|万元|千元|元)"
_UNIT_IN_HEADING = re.compile(r"\(?(单位[:：]?)?(人民币)?" + _UNIT + r"\)?")
_UNIT_NOTE = re.compile(r"单位[:：]?(人民币)?" + _UNIT)
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_YEAR_PREFIX = re.compile(r"^(20\d{2})年?度?")


# ---------------------------------------------------------------------------------------------- config
@dataclass(frozen=True)
class FieldSpec:
    name: str  # field id: name, uscc, area, revenue, industry_code, industry_name, year, chain, seq
    label: str  # the heading an error message names
    required: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RegisterConfig:
    threshold_wan: float
    industry_codes: dict[str, str]  # GB/T 4754 prefix (2-4 digits) -> chain id
    other_labels: frozenset[str]
    missing: frozenset[str]
    fields: dict[str, FieldSpec]
    path: str

    def alias_table(self) -> dict[str, tuple[str, int]]:
        """normalised heading -> (field, priority); lower priority wins when a field has several."""
        table: dict[str, tuple[str, int]] = {}
        for spec in self.fields.values():
            for pos, alias in enumerate(spec.aliases):
                table.setdefault(_norm_key(alias), (spec.name, pos))
        return table


def _norm_key(text: str) -> str:
    return normalise_label(text).lower()


def load_register_config(path: str | Path | None = None) -> RegisterConfig:
    """The register config (chain mapping, threshold, accepted headings), checked."""
    return _load_config(str(path or REGISTER_CONFIG_FILE))


@lru_cache(maxsize=8)
def _load_config(path: str) -> RegisterConfig:
    try:
        with open(path, "rb") as fh:
            raw: dict[str, Any] = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read register config: {exc}", file=path) from None
    codes = {str(k): str(v) for k, v in raw.get("industry_codes", {}).items()}
    for key, cid in codes.items():
        if not re.fullmatch(r"\d{2,4}", key) or cid not in CHAIN_IDS:
            raise InputError(f"[industry_codes] {key!r} = {cid!r}: keys are 2-4 digit GB/T 4754 codes, "
                             f"values one of {', '.join(CHAIN_IDS)}", file=path)
    fields = {}
    for name, spec in raw.get("columns", {}).items():
        fields[name] = FieldSpec(name, spec.get("label", name), bool(spec.get("required", False)),
                                 tuple(spec.get("aliases", ())))
    for need in ("name", "uscc", "area", "revenue", "industry_code", "industry_name", "year", "chain", "seq"):
        if need not in fields:
            raise InputError(f"[columns.{need}] missing", file=path)
    return RegisterConfig(
        threshold_wan=float(raw["threshold"]["above_size_revenue_wan"]),
        industry_codes=codes,
        other_labels=frozenset(_norm_key(x) for x in raw.get("chain_labels", {}).get("other", ())),
        missing=frozenset(_norm_key(x) for x in raw.get("values", {}).get("missing", ())),
        fields=fields,
        path=path,
    )


# ---------------------------------------------------------------------------------------------- header
@dataclass(frozen=True)
class Header:
    first_row: int  # 0-based index of the first heading row in the sheet
    n_rows: int  # 1, or 2 when the heading is split over two rows
    names: tuple[str, ...]  # one unique display name per column
    fields: dict[str, int]  # field -> column position
    revenue_unit: str | None  # from the revenue heading
    header_year: int | None  # a year in the revenue heading ("2024年营业收入")
    note_unit: str | None  # from a 单位：万元 note above the header or beside it
    title_year: int | None  # the one year the rows above the header name
    title: str  # the text above the header, joined

    @property
    def data_start(self) -> int:
        return self.first_row + self.n_rows


def header_key(text: str) -> tuple[list[str], str | None, int | None]:
    """Lookup keys for a heading, plus the unit and year it carries. ``营业收入（万元）`` -> ([营业收入], 万元, None)."""
    t = _norm_key(text)
    unit_m = re.search(_UNIT, t) if ("元" in t) else None
    year_m = _YEAR_PREFIX.match(t)
    key = _UNIT_IN_HEADING.sub("", t)
    key = _YEAR_PREFIX.sub("", key).strip("/:：,-_*")
    keys = [t, key]
    no_paren = re.sub(r"\([^)]*\)", "", key).strip("/:：,-_*")
    if no_paren and no_paren not in keys:
        keys.append(no_paren)
    return keys, (unit_m.group(1) if unit_m else None), (int(year_m.group(1)) if year_m else None)


def _cell_text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()


def _match_row(cells: list[str], aliases: dict[str, tuple[str, int]]) -> dict[int, tuple[str, int]]:
    """column -> (field, priority) for the cells that are known headings."""
    found = {}
    for j, cell in enumerate(cells):
        if not cell:
            continue
        for key in header_key(cell)[0]:
            if key in aliases:
                found[j] = aliases[key]
                break
    return found


def _score(found: dict[int, tuple[str, int]]) -> int:
    return len({f for f, _ in found.values() if f != "seq"})


def _looks_like_subheading(cell: str) -> bool:
    t = _norm_key(cell)
    if not t:
        return True
    if re.fullmatch(r"[-+]?\d+(\.\d+)?", t) or len(t) > 10 or re.search(r"公司|厂|中心|店", t):
        return False
    return True


def find_header(rows: list[list[str]], cfg: RegisterConfig) -> Header | None:
    """The header among the first rows of a sheet, or None when no row names two known fields."""
    aliases = cfg.alias_table()
    scan = rows[:HEADER_SCAN_ROWS] or [[]]
    best, best_found, best_score = -1, {}, 1
    for i, cells in enumerate(scan):
        found = _match_row(cells, aliases)
        if _score(found) > best_score:  # strictly better: the first of equals wins
            best, best_found, best_score = i, found, _score(found)
    if best < 0 or not {f for f, _ in best_found.values()} & {"name", "uscc"}:
        return None
    upper = rows[best]
    width = max(len(r) for r in scan)
    upper = upper + [""] * (width - len(upper))
    names, n_rows, found = list(upper), 1, best_found
    if best + 1 < len(rows):  # a second heading row: units or sub-labels under merged cells
        lower = rows[best + 1] + [""] * (width - len(rows[best + 1]))
        differs = [j for j in range(width) if lower[j] and lower[j] != upper[j]]
        if differs and all(_looks_like_subheading(lower[j]) for j in differs):
            combined = [u + l if (l and l != u) else (u or l) for u, l in zip(upper, lower)]
            found2 = {}
            for j in range(width):
                for cand in (combined[j], lower[j], upper[j]):
                    hit = _match_row([cand], aliases)
                    if hit:
                        found2[j] = hit[0]
                        break
            if _score(found2) >= _score(found):
                names, n_rows, found = combined, 2, found2
    fields: dict[str, int] = {}
    for j, (fname, prio) in sorted(found.items(), key=lambda kv: (kv[1][1], kv[0])):
        if fname not in fields:
            fields[fname] = j
        elif found[fields[fname]][1] == prio and fname != "seq":
            raise _Ambiguous(fname, fields[fname], j)
    above = [c for r in rows[:best] for c in r if c]
    title = " ".join(dict.fromkeys(above))  # merged title cells repeat: keep each text once
    _, rev_unit, rev_year = header_key(names[fields["revenue"]]) if "revenue" in fields else ([], None, None)
    note_cells = above + [names[j] for j in range(width) if j not in found]
    note_unit = next((m.group(2) for c in note_cells if (m := _UNIT_NOTE.search(_norm_key(c)))), None)
    years = {int(y) for y in _YEAR_IN_TEXT.findall(_norm_key(title))}
    return Header(
        first_row=best, n_rows=n_rows, names=_unique_names(names), fields=fields,
        revenue_unit=rev_unit, header_year=rev_year, note_unit=note_unit,
        title_year=years.pop() if len(years) == 1 else None, title=title,
    )


class _Ambiguous(Exception):
    def __init__(self, fname: str, a: int, b: int):
        self.fname, self.a, self.b = fname, a, b


def _unique_names(names: list[str]) -> tuple[str, ...]:
    out, seen = [], {}
    for j, n in enumerate(names):
        n = n or f"未命名列{_col_letter(j)}"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return tuple(out)


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


# ---------------------------------------------------------------------------------------------- sheets
@dataclass
class SheetTable:
    """One sheet's data rows below the header, every cell a string ('' when empty)."""

    file: str
    sheet: str
    header: Header
    frame: pd.DataFrame  # columns header.names + 'source_row' (1-based row in the sheet)
    encoding: str | None = None
    reader: str = ""
    file_year: int | None = None
    notes: list[str] = field(default_factory=list)

    def column(self, fname: str) -> str | None:
        j = self.header.fields.get(fname)
        return None if j is None else self.header.names[j]

    @property
    def header_rows(self) -> list[int]:
        return [self.header.first_row + 1 + k for k in range(self.header.n_rows)]


def list_register_files(inputs: list[Path] | list[str]) -> list[Path]:
    """The register files named by ``inputs``: files as given, folders searched (one level, sorted) for
    .xlsx/.xlsm/.csv, skipping hidden files and Excel lock files (~$…)."""
    files: list[Path] = []
    for p in map(Path, inputs):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in FOLDER_SUFFIXES
                           and not q.name.startswith((".", "~$")))
            if not found:
                raise InputError("no register files (*.xlsx, *.csv) in this folder", file=p)
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InputError("no such file or folder", file=p)
    return list(dict.fromkeys(files))


def read_register_file(path: Path, cfg: RegisterConfig | None = None) -> list[SheetTable]:
    """Every sheet of ``path`` that holds a register, header found and columns mapped."""
    cfg = cfg or load_register_config()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError("legacy .xls workbooks are not read; open it and save as .xlsx", file=path)
    if suffix not in SUFFIXES:
        raise InputError(f"unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}", file=path)
    if path.stat().st_size == 0:
        raise InputError("empty file (0 bytes)", file=path)
    file_years = {int(y) for y in _YEAR_IN_TEXT.findall(path.stem)}
    file_year = file_years.pop() if len(file_years) == 1 else None
    tables = list(_read_xlsx(path, cfg) if suffix in (".xlsx", ".xlsm") else _read_csv(path, cfg))
    for t in tables:
        t.file_year = file_year
    return tables


def _no_header_error(path: Path, sheet: str | None, cfg: RegisterConfig) -> InputError:
    where = f"sheet {sheet!r}: " if sheet else ""
    accepted = "; ".join(f"{s.label}: {' / '.join(s.aliases[:4])}" for s in cfg.fields.values() if s.required)
    return InputError(f"{where}no header row found in the first {HEADER_SCAN_ROWS} rows "
                      f"(looked for headings such as {accepted})", file=path)


def _header_or_error(rows: list[list[str]], cfg: RegisterConfig, path: Path, sheet: str | None) -> Header | None:
    try:
        return find_header(rows, cfg)
    except _Ambiguous as amb:
        spec = cfg.fields[amb.fname]
        raise InputError(f"{'sheet ' + repr(sheet) + ': ' if sheet else ''}two columns could be "
                         f"{spec.label}: {_col_letter(amb.a)} and {_col_letter(amb.b)}; keep one",
                         file=path, cell=_col_letter(amb.b)) from None


# ------------------------------------------------------------------------------------------------ xlsx
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


def _open_workbook(path: Path):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    if head.startswith(_CFB_MAGIC):
        if _ENCRYPTED_MARK in head:
            raise InputError("workbook is password-protected (encrypted); save an unprotected copy", file=path)
        raise InputError("this is a legacy .xls (OLE2) workbook under an .xlsx name; save it as .xlsx", file=path)
    if not head.startswith(b"PK"):
        raise InputError("not a valid .xlsx workbook (corrupt or another format)", file=path)
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise InputError(f"cannot open workbook, it is corrupt or not an .xlsx ({type(exc).__name__}: {exc})",
                         file=path) from None


def _sheet_rows(ws) -> list[list[Any]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    for rng in ws.merged_cells.ranges:  # a merged cell's value belongs to every cell it covers
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(rows) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(rows))):
            for c in range(rng.min_col - 1, min(rng.max_col, len(rows[r]))):
                rows[r][c] = top
    return rows


def _read_xlsx(path: Path, cfg: RegisterConfig) -> Iterator[SheetTable]:
    wb = _open_workbook(path)
    tables, skipped = [], []
    for ws in wb.worksheets:
        rows = _sheet_rows(ws)
        texts = [[_cell_text(v) for v in r] for r in rows[:HEADER_SCAN_ROWS + 1]]
        if not any(v is not None and str(v).strip() for r in rows for v in r):
            skipped.append(f"sheet {ws.title!r} is empty")
            continue
        header = _header_or_error(texts, cfg, path, ws.title)
        if header is None:
            skipped.append(f"sheet {ws.title!r}: no header row found")
            continue
        body = pd.DataFrame(rows[header.data_start:], dtype=object)
        body = body.reindex(columns=range(len(header.names)))
        frame = pd.DataFrame({name: _to_text(body[j]) for j, name in enumerate(header.names)})
        frame["source_row"] = np.arange(header.data_start + 1, header.data_start + 1 + len(frame), dtype=np.int64)
        tables.append(SheetTable(str(path), ws.title, header, frame, reader="openpyxl"))
    wb.close()
    if not tables:
        if len(wb.worksheets) == len([s for s in skipped if s.endswith("is empty")]):
            raise InputError("workbook has no data (every sheet is empty)", file=path)
        raise _no_header_error(path, None if len(wb.worksheets) == 1 else wb.worksheets[0].title, cfg)
    for t in tables:
        t.notes.extend(skipped)
    yield from tables


def _to_text(col: pd.Series) -> pd.Series:
    """Excel cell values as text: '' when empty, whole floats without the '.0' (2024.0 -> 2024)."""
    return col.astype("str").fillna("").str.strip().str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)


# ------------------------------------------------------------------------------------------------- csv
def _sniff_encoding(head: bytes, path: Path) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    cut = head if len(head) < (1 << 16) else head[: head.rfind(b"\n") + 1] or head
    for enc in ("utf-8", "gb18030"):
        try:
            cut.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise InputError("cannot tell the text encoding (tried UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK)", file=path)


def _parse_records(text: str, delimiter: str) -> list[list[str]]:
    return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_csv(path: Path, cfg: RegisterConfig) -> Iterator[SheetTable]:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    encoding = _sniff_encoding(head, path)
    truncated = len(head) == (1 << 16)
    text = head.decode(encoding, errors="ignore" if truncated else "strict")
    if truncated:
        text = text[: text.rfind("\n") + 1]
    if not text.strip(" \r\n\t\ufeff\u3000,;"):
        raise InputError("empty file (no rows)", file=path)
    best: tuple[int, str, list[list[str]], Header | None] = (-1, ",", [], None)
    for delim in (",", "\t", ";", "|"):
        recs = _parse_records(text, delim)
        hdr = _header_or_error(recs, cfg, path, None)
        score = -1 if hdr is None else len(hdr.fields)
        if score > best[0]:
            best = (score, delim, recs, hdr)
    _, delim, recs, header = best
    if header is None:
        raise _no_header_error(path, None, cfg)
    frame, reader = None, "pyarrow"
    first_data = recs[header.data_start] if header.data_start < len(recs) - (1 if truncated else 0) else None
    if not any("\n" in c or "\r" in c for r in recs[: header.data_start] for c in r):
        frame = _arrow_body(path, encoding, delim, header, first_data)
    if frame is None:
        reader = "csv"
        frame = _python_body(path, encoding, delim, header)
    yield SheetTable(str(path), "", header, frame, encoding=encoding, reader=reader)


def _arrow_body(path: Path, encoding: str, delim: str, header: Header, first: list[str] | None) -> pd.DataFrame | None:
    """Fast path: the rows below the header with pyarrow, or None when the file is not regular."""
    cols = [f"c{j}" for j in range(len(header.names))]
    # few distinct values: let the reader dictionary-encode them (they arrive as pandas categoricals)
    few = {header.fields[k] for k in LOW_CARDINALITY if k in header.fields}
    types = {c: pa.dictionary(pa.int32(), pa.string()) if j in few else pa.string() for j, c in enumerate(cols)}
    arrow_enc = {"utf-8": "utf8", "utf-8-sig": "utf8"}.get(encoding, encoding)
    for enc in dict.fromkeys([arrow_enc, "gb18030"]):
        try:
            table = pcsv.read_csv(
                path,
                read_options=pcsv.ReadOptions(skip_rows=header.data_start, column_names=cols, encoding=enc,
                                              block_size=1 << 24),
                parse_options=pcsv.ParseOptions(delimiter=delim, ignore_empty_lines=False),
                convert_options=pcsv.ConvertOptions(column_types=types,
                                                    strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
            break
        except pa.ArrowInvalid as exc:
            if "UTF8" in str(exc) and enc != "gb18030":
                continue  # the sniffed head was valid UTF-8 but a later line is not: try GB18030
            return None
        except UnicodeDecodeError:  # not GB18030 either: the careful reader says where it breaks
            return None
    else:  # pragma: no cover - both encodings failed
        return None
    frame = table.rename_columns(list(header.names)).to_pandas()
    if first is not None and len(frame) and [str(v).strip() for v in frame.iloc[0, : len(first)]] != first[: len(cols)]:
        return None  # skip_rows counted lines differently from records: use the careful reader
    frame["source_row"] = np.arange(header.data_start + 1, header.data_start + 1 + len(frame), dtype=np.int64)
    return frame


def _python_body(path: Path, encoding: str, delim: str, header: Header) -> pd.DataFrame:
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as first:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data.count(b"\n", 0, first.start) + 1
            raise InputError(f"the text changes encoding: {encoding} up to byte {first.start}, then neither "
                             f"{encoding} nor GB18030; save the file in one encoding", file=path, line=line) from None
    recs = list(csv.reader(io.StringIO(text), delimiter=delim))[header.data_start:]
    columns = list(itertools.zip_longest(*recs, fillvalue=""))  # ragged rows padded with ''
    names = list(header.names)
    if len(columns) > len(names):  # rows longer than the header: keep the extra cells
        names = list(_unique_names(names + [""] * (len(columns) - len(names))))
    columns += [("",) * len(recs)] * (len(names) - len(columns))
    frame = pd.DataFrame({name: pd.Series(col, dtype="str").str.strip() for name, col in zip(names, columns)},
                         index=pd.RangeIndex(len(recs)))
    frame["source_row"] = np.arange(header.data_start + 1, header.data_start + 1 + len(frame), dtype=np.int64)
    return frame


# ---------------------------------------------------------------------------------------------- values
# Text cells -> typed values, a whole column at a time. Free text goes through pyarrow string kernels;
# columns with few distinct values (towns, industry codes, years, chain labels) are decided once per
# distinct value and spread back with take().



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


_NFKC_SUSPECT = _nfkc_suspect
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
    todo = rows_with(arrow_strings(s), _NFKC_SUSPECT)
    if not todo.any():
        return s
    arr, mask = arrow_strings(s), pa.array(todo)
    fixed = squeeze_spaces(nfkc(arr.filter(mask))).combine_chunks()
    return pd.Series(pd.array(pc.replace_with_mask(arr, mask, fixed), dtype="str"), index=s.index)


def distinct(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values): ``s == values[codes]``, missing read as ''. Free for categoricals."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        values = [str(v) for v in s.cat.categories] + [""]
        codes = s.cat.codes.to_numpy().astype(np.int64)
        return np.where(codes < 0, len(values) - 1, codes), values
    codes, uniques = pd.factorize(as_text(s), use_na_sentinel=False)
    return codes, [str(u) for u in uniques]


def parse_revenue(raw: pd.Series, unit: str | None, missing: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """(revenue in 万元, status) per row; status 0 ok, 1 missing, 2 negative, 3 not a number, 4 no unit known.

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
        except pa.ArrowInvalid:  # '1.2.3' or '.' among them: let the careful path below judge those
            ok = matches(s[plain], r"^\d*\.?\d+$|^\d+\.$")
            plain[np.flatnonzero(plain)[~ok]] = False
            value[plain] = pc.cast(pc.filter(arr, pa.array(plain)), pa.float64()).to_numpy()
        value[plain] *= factor
    rest = np.flatnonzero(~plain)
    if len(rest):
        t = arrow_apply(s[~plain], nfkc, lambda a: pc.replace_substring_regex(a, r"[\s,]", ""), pc.utf8_lower,
                        lambda a: pc.replace_substring_regex(a, r"^\((.+)\)$", r"-\1"))  # (123) -> -123
        is_missing = t.isin(missing).to_numpy()
        parts = pc.extract_regex(arrow_strings(t), r"^(?P<num>[+-]?\d*\.?\d+(?:e[+-]?\d+)?)"
                                                   r"(?P<unit>亿元|万元|千元|元|亿|万|千)?$")
        num = pd.to_numeric(pd.Series(pd.array(pc.struct_field(parts, "num"), dtype="str")),
                            errors="coerce").to_numpy(dtype=float)
        suffix = pd.Series(pd.array(pc.struct_field(parts, "unit"), dtype="str")).fillna("")
        suffix = suffix.where(suffix.str.endswith("元") | (suffix == ""), suffix + "元")
        f = suffix.map(UNIT_TO_WAN).to_numpy(dtype=float)
        f = np.where(np.isnan(f), factor, f)
        st = np.select([is_missing, np.isnan(num), num < 0, np.isnan(f)], [1, 3, 2, 4], 0)
        value[rest], status[rest] = np.where(st == 0, num * f, np.nan), st
    if np.isnan(factor):
        status[plain] = 4
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


def area_value(text: str, missing: frozenset[str]) -> str | None:
    """Canonical area, '' when blank, None when unknown (never a guess)."""
    t = normalise_label(text)
    if t.lower() in missing:
        return ""
    return find_area(t)


def chain_value(text: str, other: frozenset[str], missing: frozenset[str]) -> str | None:
    """Chain id named by a 产业链 cell, 'other', '' when blank, None when it names nothing known."""
    t = normalise_label(text).lower()
    if t in missing:
        return ""
    if t in other:
        return "other"
    c = find_chain(t)
    return c.id if c else None
