"""Reading enterprise registers (规上企业名录): files -> sheets of strings with the header found.

Per sheet, :mod:`chainplan_lib.cleaning.register.header` finds the header and maps the columns; values stay
strings (:mod:`chainplan_lib.cleaning.register.values` parses them). Workbooks (.xls, .xlsx, .xlsm, .ods, .et)
are read through :func:`chainplan_lib.files.workbook.read_workbook`, merged cells filled.

A regular CSV file is not read whole: :class:`CsvStream` cuts it at line ends into parts of
:data:`PART_BYTES` and each part is read with pyarrow when it is parsed, every column as Arrow strings (the
columns with few distinct values dictionary-encoded), so a five-million-row register never sits in memory as
text. Irregular files (ragged rows, line breaks inside quoted cells, a change of encoding part-way) fall back
to Python's csv module, which reads the whole file and says where it breaks.
"""

from __future__ import annotations

import csv
import io
import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from ...errors import InputError
from ...files.limits import REGISTER
from ...files.listing import list_input_files
from ...files.regular import check_regular, open_regular, read_bytes
from ...files.text import sniff_encoding
from ...files.workbook import WORKBOOK_SUFFIXES, read_workbook
from .config import RegisterConfig
from .header import (
    HEADER_SCAN_ROWS,
    YEAR_IN_TEXT,
    AmbiguousColumn,
    Header,
    cell_text,
    col_letter,
    find_header,
    unique_names,
)

__all__ = ["SUFFIXES", "FOLDER_SUFFIXES", "PART_BYTES", "SheetTable", "CsvStream", "NotRegular",
           "list_register_files", "read_register_file", "OWN_OUTPUT_NAMES"]

SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", ".txt")  # .txt: a tab- or comma-separated export named explicitly
FOLDER_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")  # what a folder is searched for (a README.txt is not a register)
LOW_CARDINALITY = ("area", "industry_code", "industry_name", "year", "chain")
PART_BYTES = 16 << 20  # a streamed CSV is parsed in parts of about this many bytes
IN_MEMORY_PART_ROWS = 200_000  # an in-memory sheet is parsed in slices of this many rows
# the cleaner's own outputs: a folder holding them is not read as registers (a run never reads its own outputs)
OWN_OUTPUT_NAMES = frozenset({"register_clean.csv", "register_quarantine.csv", "register_duplicates_dropped.csv",
                              "register_panel.csv"})


class NotRegular(Exception):
    """A streamed part could not be read as a regular CSV: the file goes to the careful reader."""


# ---------------------------------------------------------------------------------------------- sheets
@dataclass
class CsvStream:
    """A regular CSV file's data rows, read part by part (byte ranges cut at line ends) with pyarrow."""

    path: Path
    encoding: str  # Python codec name of the file
    delimiter: str
    names: tuple[str, ...]
    start: int  # byte offset of the first data row
    few: frozenset[int]  # column positions read dictionary-encoded

    def ranges(self) -> list[tuple[int, int]]:
        size = self.path.stat().st_size
        cuts = [self.start]
        with open(self.path, "rb") as fh:
            at = self.start + PART_BYTES
            while at < size:
                fh.seek(at)
                tail = fh.readline()
                at += len(tail)
                if at >= size:
                    break
                cuts.append(at)
                at += PART_BYTES
        cuts.append(size)
        return [(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]

    def _bytes(self, a: int, b: int) -> bytes:
        with open(self.path, "rb") as fh:
            fh.seek(a)
            return fh.read(b - a)

    def read(self, a: int, b: int) -> pd.DataFrame:
        """The rows in bytes [a, b) as a frame of strings (columns :attr:`names`)."""
        return self._parse(self._bytes(a, b))

    def read_rows(self, a: int, b: int, rows: int, local: np.ndarray) -> pd.DataFrame:
        """Only the rows at ``local`` (sorted positions) of the ``rows`` rows in bytes [a, b): when each of
        those rows is one line, just those lines are parsed; otherwise the whole range is read."""
        data = self._bytes(a, b)
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A)
        if not data.endswith(b"\n"):
            ends = np.append(ends, len(data) - 1)
        if len(ends) != rows or data.count(b"\r") != data.count(b"\r\n"):  # a row is not a line: read it all
            return self._parse(data).iloc[local]
        starts = np.concatenate([[0], ends[:-1] + 1])
        part = self._parse(b"".join(data[starts[k]: ends[k] + 1] for k in local))
        if len(part) != len(local):  # pragma: no cover - rows and lines agreed above
            return self._parse(data).iloc[local]
        part.index = local
        return part

    def _parse(self, data: bytes) -> pd.DataFrame:
        quoted = data.find(b'"') >= 0  # without quotes every line end ends a row
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) if quoted else -1
        if self.encoding not in ("utf-8", "utf-8-sig"):
            try:
                data = data.decode(self.encoding).encode("utf-8")
            except UnicodeDecodeError:
                raise NotRegular("encoding") from None
        cols = [f"c{j}" for j in range(len(self.names))]
        types = {c: pa.dictionary(pa.int32(), pa.large_string()) if j in self.few else pa.large_string()
                 for j, c in enumerate(cols)}
        try:
            table = pcsv.read_csv(
                pa.py_buffer(data),
                read_options=pcsv.ReadOptions(column_names=cols, block_size=max(1 << 20, len(data) + 1),
                                              use_threads=False),
                parse_options=pcsv.ParseOptions(delimiter=self.delimiter, ignore_empty_lines=False),
                convert_options=pcsv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                    quoted_strings_can_be_null=False),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise NotRegular(str(exc)) from None
        if quoted and table.num_rows != lines:  # a quoted cell held a line break: rows and lines differ
            raise NotRegular("line breaks inside cells")
        return table.rename_columns(list(self.names)).to_pandas()


@dataclass
class SheetTable:
    """One sheet's data rows below the header, every cell a string ('' when empty).

    In memory (``frame``) for workbooks and irregular CSV files; streamed (``stream``) for regular CSV files.
    Row positions count from the first row below the header, blank rows included; the row's number in the
    sheet (1-based, as a spreadsheet shows it) is ``header.data_start + 1 + position``.
    """

    file: str
    sheet: str
    header: Header
    frame: pd.DataFrame | None  # columns header.names (+ any cells beyond the header)
    encoding: str | None = None
    reader: str = ""
    file_year: int | None = None
    notes: list[str] = field(default_factory=list)
    stream: CsvStream | None = None
    fallback: Callable[[], pd.DataFrame] | None = None  # the careful reader, when a streamed part is irregular
    part_rows: list[int] | None = None  # rows in each part of :meth:`parts`, once they have been read

    def column(self, fname: str) -> str | None:
        j = self.header.fields.get(fname)
        return None if j is None else self.header.names[j]

    @property
    def header_rows(self) -> list[int]:
        return [self.header.first_row + 1 + k for k in range(self.header.n_rows)]

    def parts(self) -> list[Callable[[], pd.DataFrame]]:
        """Readers of the sheet's rows in consecutive parts, to be parsed side by side."""
        if self.stream is not None:
            ranges = self.stream.ranges()
            return [lambda a=a, b=b: self.stream.read(a, b) for a, b in ranges] or [self.frame_like]
        n = len(self.frame)
        k = max(1, n // IN_MEMORY_PART_ROWS)
        cuts = np.linspace(0, n, k + 1).astype(int)
        return [lambda a=a, b=b: self.frame.iloc[a:b] for a, b in zip(cuts[:-1], cuts[1:])] if n else \
            [lambda: self.frame]

    def to_memory(self) -> None:
        """Give up streaming: read the whole file with the careful reader."""
        self.frame, self.stream, self.reader = self.fallback(), None, "csv"

    def rows_at(self, positions: np.ndarray) -> pd.DataFrame:
        """The original cells (as text) of the rows at ``positions`` (sorted), indexed by position."""
        positions = np.asarray(positions, dtype=np.int64)
        if self.stream is None:
            out = self.frame.iloc[positions]
        else:  # read again: once the parts' row counts are known, only the parts holding those rows
            pieces, offset = [], 0
            ranges = self.stream.ranges()
            if self.part_rows and len(self.part_rows) == len(ranges):
                starts = np.concatenate([[0], np.cumsum(self.part_rows)])
                jobs = [(a, b, size, positions[(positions >= lo) & (positions < lo + size)] - lo)
                        for (a, b), size, lo in zip(ranges, self.part_rows, starts)]
                with ThreadPoolExecutor(max_workers=2) as pool:  # reading and parsing release the GIL
                    pieces = list(pool.map(lambda job: self.stream.read_rows(*job), [j for j in jobs if len(j[3])]))
                ranges = []
            for a, b in ranges:  # row counts not known: every part read
                part = self.stream.read(a, b)
                local = positions[(positions >= offset) & (positions < offset + len(part))] - offset
                if len(local):
                    pieces.append(part.iloc[local])
                offset += len(part)
            out = pd.concat(pieces) if pieces else self.frame_like()
        out = out.astype("str").fillna("")
        out.index = positions
        return out

    def frame_like(self) -> pd.DataFrame:
        return pd.DataFrame({n: pd.Series(dtype="str") for n in self.header.names})


def list_register_files(inputs: list[Path] | list[str]) -> list[Path]:
    """The register files named by ``inputs`` (:func:`chainplan_lib.files.listing.list_input_files`): files as
    given, folders searched (one level, sorted) for workbooks and .csv files, skipping hidden files, Excel lock
    files (~$…), anything not a regular file and the cleaner's own outputs."""
    return list_input_files(inputs, suffixes=FOLDER_SUFFIXES, what="register files", skip_names=OWN_OUTPUT_NAMES)


def read_register_file(path: Path, cfg: RegisterConfig) -> list[SheetTable]:
    """Every sheet of ``path`` that holds a register, header found and columns mapped (``cfg``: the register
    config for a plan, :func:`~chainplan_lib.cleaning.register.config.load_register_config`)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}", file=path)
    if check_regular(path, REGISTER).st_size == 0:
        raise InputError("empty file (0 bytes)", file=path)
    file_years = {int(y) for y in YEAR_IN_TEXT.findall(path.stem)}
    file_year = file_years.pop() if len(file_years) == 1 else None
    tables = list(_read_workbook(path, cfg) if suffix in WORKBOOK_SUFFIXES else _read_csv(path, cfg))
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
    except AmbiguousColumn as amb:
        spec = cfg.fields[amb.fname]
        raise InputError(f"{'sheet ' + repr(sheet) + ': ' if sheet else ''}two columns could be "
                         f"{spec.label}: {col_letter(amb.a)} and {col_letter(amb.b)}; keep one",
                         file=path, cell=col_letter(amb.b)) from None


# ------------------------------------------------------------------------------------------- workbooks
def _read_workbook(path: Path, cfg: RegisterConfig) -> Iterator[SheetTable]:
    sheets = read_workbook(path, REGISTER)
    tables, skipped = [], []
    for ws in sheets:
        rows = ws.rows
        if not any(v is not None and str(v).strip() for r in rows for v in r):
            skipped.append(f"sheet {ws.name!r} is empty")
            continue
        texts = [[cell_text(v) for v in r] for r in rows[:HEADER_SCAN_ROWS + 1]]
        header = _header_or_error(texts, cfg, path, ws.name)
        if header is None:
            skipped.append(f"sheet {ws.name!r}: no header row found")
            continue
        body = pd.DataFrame(rows[header.data_start:], dtype=object)
        body = body.reindex(columns=range(len(header.names)))
        frame = pd.DataFrame({name: _to_text(body[j]) for j, name in enumerate(header.names)},
                             index=pd.RangeIndex(len(body)))
        tables.append(SheetTable(str(path), ws.name, header, frame, reader="calamine"))
    if not tables:
        if len(sheets) == len([s for s in skipped if s.endswith("is empty")]):
            raise InputError("workbook has no data (every sheet is empty)", file=path)
        raise _no_header_error(path, None if len(sheets) == 1 else sheets[0].name, cfg)
    for t in tables:
        t.notes.extend(skipped)
    yield from tables


def _to_text(col: pd.Series) -> pd.Series:
    """Cell values as text: '' when empty, whole floats without the '.0' (2024.0 -> 2024)."""
    return col.astype("str").fillna("").str.strip().str.replace(r"^(-?\d+)\.0$", r"\1", regex=True)


# ------------------------------------------------------------------------------------------------- csv
def _parse_records(text: str, delimiter: str) -> list[list[str]]:
    return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_csv(path: Path, cfg: RegisterConfig) -> Iterator[SheetTable]:
    with open_regular(path, REGISTER) as fh:
        head = fh.read(1 << 16)
    truncated = len(head) == (1 << 16)
    encoding = sniff_encoding(head, file=path, complete=not truncated)
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
    table = SheetTable(str(path), "", header, None, encoding=encoding, reader="pyarrow",
                       fallback=lambda: _python_body(path, encoding, delim, header))
    regular_head = not any("\n" in c or "\r" in c for r in recs[: header.data_start] for c in r)
    if regular_head and encoding != "utf-16":
        start = _line_offset(head, header.data_start)
        if start is not None:
            few = frozenset(header.fields[k] for k in LOW_CARDINALITY if k in header.fields)
            table.stream = CsvStream(path, encoding, delim, header.names, start, few)
    if table.stream is None:
        table.to_memory()
    yield table


def _line_offset(head: bytes, lines: int) -> int | None:
    """Byte offset just after the first ``lines`` line ends of ``head`` (None when the head is too short)."""
    at = 0
    for _ in range(lines):
        nl = head.find(b"\n", at)
        if nl < 0:
            return None
        at = nl + 1
    return at


def _python_body(path: Path, encoding: str, delim: str, header: Header) -> pd.DataFrame:
    data = read_bytes(path, REGISTER)
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
        names = list(unique_names(names + [""] * (len(columns) - len(names))))
    columns += [("",) * len(recs)] * (len(names) - len(columns))
    return pd.DataFrame({name: pd.Series(col, dtype="str").str.strip() for name, col in zip(names, columns)},
                        index=pd.RangeIndex(len(recs)))

