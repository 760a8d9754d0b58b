"""Reading statistics-office monthly tables (统计月报) and tidy actuals files: files -> sheets -> entries.

What this module decides, per sheet: whether it is a *tidy* table (one value per row: year, month, chain,
area, indicator, value, unit, yoy_pct) or a *report* (月报: a title such as ``2025年1—9月重点产业链主要指标``,
a label column 指标名称 / 产业链, value columns 本月 / 1—N月累计 / 本年累计, each with its 同比增长(%)),
where the header is (one row, or two when the heading is split under merged cells), what each column is
(``config/actuals_layout.toml`` lists the headings), which period each value column holds (its heading,
else the title, the sheet name or the file name) and, for reports, the context section headings give the
rows below them (``一、营业收入（亿元）`` then ``其中：现代针纺``). Values stay strings;
:mod:`chainplan_lib.cleaning.actuals` parses and checks them.

Spreadsheets (.xls, .xlsx, .xlsm, .ods, WPS .et) are read by :func:`chainplan_lib.cleaning.workbook.read_workbook`
(python-calamine; merged cells filled with their value; the format told from the bytes), the one workbook reader
every cleaner uses, through :func:`spreadsheet_rows`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .actuals_labels import Layout, cell_key, load_layout, read_label, unit_in
from .workbook import WORKBOOK_SUFFIXES, read_workbook

__all__ = ["Period", "find_period", "Heading", "classify_heading", "SheetEntries", "list_actuals_files",
           "spreadsheet_rows", "csv_rows", "read_actuals_file", "HEADER_SCAN_ROWS"]

SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", ".txt")
FOLDER_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
HEADER_SCAN_ROWS = 15


# ---------------------------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class Period:
    """What a text says about a period. ``cumulative``: True for 1—N月, False for one month, None if not said."""

    year: int | None = None
    month: int | None = None
    cumulative: bool | None = None

    def over(self, other: "Period") -> "Period":
        """This period with the gaps filled from ``other``."""
        return Period(self.year if self.year is not None else other.year,
                      self.month if self.month is not None else other.month,
                      self.cumulative if self.cumulative is not None else other.cumulative)


_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12}
_CN_MONTH = re.compile(r"(十[一二]?|[一二三四五六七八九])(?=(月|[-—–~至到―─〜]))")
_DASH = r"[-—–~至到―─〜]"
_RANGE = re.compile(r"(?:(20\d{2})年度?)?(\d{1,2})月?" + _DASH + r"(\d{1,2})月")
_FULL_YEAR = re.compile(r"(?:(20\d{2})年度?)?全年")
_YEAR_MONTH = re.compile(r"(20\d{2})年(\d{1,2})月")
_ISO = re.compile(r"(?<!\d)(20\d{2})[-./_]?(\d{1,2})(?!\d)(?!年)")
_ISO_STRICT = re.compile(r"(?<!\d)(20\d{2})[-./_](\d{1,2})(?!\d)")
_MONTH = re.compile(r"(?<![\d\-—–~])(\d{1,2})月")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def _normal(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).replace("−", "-")
    t = re.sub(r"[\s\u3000]+", "", t)
    return _CN_MONTH.sub(lambda m: str(_CN_NUM[m.group(1)]), t)


def find_period(text: str, *, where: str = "", file: str | None = None, strict_iso: bool = True) -> Period:
    """The period a title, heading, sheet or file name states (any part may be missing).

    ``1—9月`` / ``1-9月`` / ``1至9月`` → month 9, cumulative; ``1—2月`` → month 2 (January and February are
    published together); ``2025年9月`` / ``2025-09`` → year 2025, month 9; ``全年`` / ``1—12月`` → month 12,
    cumulative; ``9月`` → month 9, one month. A range that does not start in January (``7—9月``) is refused.
    ``strict_iso`` (default) wants a separator in ``2025-09`` (a bare ``202509`` is read only from file names).
    """
    t = _normal(text)
    years = {int(y) for y in _YEAR.findall(t)}
    month: int | None = None
    cum: bool | None = None
    m = _RANGE.search(t)
    if m:
        start, end = int(m.group(2)), int(m.group(3))
        if start != 1 or not 1 <= end <= 12 or end < start:
            raise InputError(f"{where}period {m.group(0)!r} is not 1—N月 (a cumulative period starts in January)",
                             file=file)
        month, cum = end, True
    elif (m := _FULL_YEAR.search(t)):
        month, cum = 12, True
    elif (m := _YEAR_MONTH.search(t)) or (m := (_ISO_STRICT if strict_iso else _ISO).search(t)):
        month = int(m.group(2))
    elif (m := _MONTH.search(t)):
        month, cum = int(m.group(1)), False
    if month is not None and not 1 <= month <= 12:
        raise InputError(f"{where}month {month} in {text!r} is not a month 1–12", file=file)
    return Period(years.pop() if len(years) == 1 else None, month, cum)


# ---------------------------------------------------------------------------------------------- headings
@dataclass(frozen=True)
class Heading:
    """What a column heading says: its kind, the period and unit it names, and the indicator it names."""

    text: str
    kind: str | None  # label, chain, area, unit, monthly, cumulative, yoy, ignored, or None (unknown)
    period: Period = Period()
    unit: tuple[str, str, float] | None = None  # (unit text, 'money' | 'count', factor to 亿元 or 1)
    yoy_of: str | None = None  # for a yoy column: 'monthly' / 'cumulative' when the heading says so
    indicator: str | None = None  # 'revenue' / 'enterprises' when the heading names one (营业收入累计)


def _has(key: str, words: tuple[str, ...]) -> bool:
    return any(w in key for w in words)


def classify_heading(text: str, layout: Layout, *, where: str = "", file: str | None = None) -> Heading:
    """The kind of a report column from its heading (see config/actuals_layout.toml for the words)."""
    key = cell_key(text)
    if not key:
        return Heading(text, None)
    rep = layout.report
    if key in rep["area"]:
        return Heading(text, "area")
    if key in rep["unit"]:
        return Heading(text, "unit")
    if key in rep["chain"]:
        return Heading(text, "chain")
    if key in rep["label"]:
        return Heading(text, "label")
    if _has(key, rep["ignored"]):
        return Heading(text, "ignored")
    period = find_period(text, where=where, file=file)
    unit = unit_in(text, layout)
    lab = read_label(text, layout)
    indicator = lab.indicator if lab.indicator in ("revenue", "enterprises") else None
    if _has(key, rep["yoy"]) or "%" in key:
        of = ("monthly" if _has(key, rep["monthly"]) else
              "cumulative" if (_has(key, rep["cumulative"]) or period.cumulative) else None)
        return Heading(text, "yoy", period, None, of, indicator)
    if _has(key, rep["prior_year"]):
        return Heading(text, "ignored")
    if _has(key, rep["monthly"]):
        return Heading(text, "monthly", Period(period.year, period.month, False), unit, None, indicator)
    if _has(key, rep["cumulative"]) or period.cumulative:
        return Heading(text, "cumulative", Period(period.year, period.month, True), unit, None, indicator)
    if period.month is not None:  # "9月": that one month
        return Heading(text, "monthly", Period(period.year, period.month, False), unit, None, indicator)
    return Heading(text, None, period, unit)


# ---------------------------------------------------------------------------------------------- files
def list_actuals_files(inputs: list[Path] | list[str]) -> list[Path]:
    """Files as given; folders searched (one level, sorted) for workbooks (.xls/.xlsx/.xlsm/.ods/.et) and .csv,
    skipping hidden and ~$ files."""
    files: list[Path] = []
    for p in map(Path, inputs):
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in FOLDER_SUFFIXES
                           and not q.name.startswith((".", "~$")))
            if not found:
                raise InputError("no actuals files (*.xls, *.xlsx, *.xlsm, *.ods, *.et, *.csv) in this folder", file=p)
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise InputError("no such file or folder", file=p)
    return list(dict.fromkeys(files))


def spreadsheet_rows(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, rows of cell values) for every worksheet; a merged cell's value fills its range.

    Through :func:`chainplan_lib.cleaning.workbook.read_workbook`: an encrypted, corrupt or unreadable workbook
    is a one-line InputError naming the file.
    """
    return [(sheet.name, sheet.rows) for sheet in read_workbook(path)]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if v != v else (str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v))
    return str(v).strip()


def _decode(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    errors = []
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            errors.append((enc, exc))
    enc, exc = errors[-1]
    line = data.count(b"\n", 0, exc.start) + 1
    raise InputError(f"cannot decode the text (tried {', '.join(candidates)}; {enc} fails at byte {exc.start})",
                     file=path, line=line)


def csv_rows(path: Path) -> tuple[list[list[str]], str]:
    """The records of a CSV / tab-separated text file (encoding sniffed: UTF-8, UTF-8 BOM, UTF-16, GB18030)."""
    text, enc = _decode(path)
    if not text.strip(" \r\n\t\ufeff\u3000,;"):
        raise InputError("empty file (no rows)", file=path)
    head = text[:20000]
    delim = max((",", "\t", ";"), key=lambda d: sum(line.count(d) for line in head.splitlines()[:20]))
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=delim)]
    return rows, enc


# ---------------------------------------------------------------------------------------------- sheets
@dataclass
class SheetEntries:
    """One sheet read: its entries (one per value cell or per structural row) and how it was read."""

    file: str
    sheet: str
    layout: str  # 'report' or 'tidy'
    entries: list[dict]
    info: dict = field(default_factory=dict)


def read_actuals_file(path: Path, layout: Layout | None = None) -> list[SheetEntries]:
    """Every sheet of ``path`` that holds actuals, as entries; a sheet without a header is an error."""
    from .actuals_extract import extract_sheet  # the layouts' row walkers

    layout = layout or load_layout()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}", file=path)
    if path.stat().st_size == 0:
        raise InputError("empty file (0 bytes)", file=path)
    file_period = find_period(path.stem, file=str(path), strict_iso=False, where="file name: ")
    if suffix in WORKBOOK_SUFFIXES:
        sheets = [(name, [[_text(v) for v in r] for r in rows]) for name, rows in spreadsheet_rows(path)]
        encoding, reader = None, "calamine"
    else:
        recs, encoding = csv_rows(path)
        sheets, reader = [("", recs)], "csv"
    sheets = [(n, rows) for n, rows in sheets if any(c for r in rows for c in r)]
    if not sheets:
        raise InputError("no data (every sheet is empty)", file=path)
    out = []
    for name, rows in sheets:
        got = extract_sheet(rows, layout, file=str(path), sheet=name, file_period=file_period,
                            several_sheets=len(sheets) > 1)
        got.info.update(encoding=encoding, reader=reader)
        out.append(got)
    return out
