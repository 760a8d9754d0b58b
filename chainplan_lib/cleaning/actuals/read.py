"""Reading statistics-office monthly tables (统计月报) and tidy actuals files: files -> sheets -> entries.

What this module decides, per sheet: whether it is a *tidy* table (one value per row: year, month, chain,
area, indicator, value, unit, yoy_pct) or a *report* (月报: a title such as ``2025年1—9月重点产业链主要指标``,
a label column 指标名称 / 产业链, value columns 本月 / 1—N月累计 / 本年累计, each with its 同比增长(%)),
where the header is (one row, or two when the heading is split under merged cells), what each column is
(``config/actuals_layout.toml`` lists the headings), which period each value column holds (its heading,
else the title, the sheet name or the file name) and, for reports, the context section headings give the
rows below them (``一、营业收入（亿元）`` then ``其中：现代针纺``). Values stay strings;
:mod:`chainplan_lib.cleaning.actuals.clean` parses and checks them.

Spreadsheets (.xls, .xlsx, .xlsm, .ods, WPS .et) are read by :func:`chainplan_lib.files.workbook.read_workbook`
(python-calamine; merged cells filled with their value; the format told from the bytes), the one workbook reader
every cleaner uses, through :func:`spreadsheet_rows`. Web pages saved from a bureau's site (.html / .htm) are read
by :func:`chainplan_lib.files.webpage.read_webpage`: each ``<table>`` (rowspan / colspan filled) is a sheet named
``html table k``, under the short lines printed above it; the page's ``<title>`` gives the period when the table and
its lines do not, and the page's date the year of a table that names only its months.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ...errors import InputError
from ...files.limits import ACTUALS
from ...files.listing import list_input_files
from ...files.text import read_text
from ...files.webpage import WEBPAGE_SUFFIXES, read_webpage
from ...files.workbook import WORKBOOK_SUFFIXES, read_workbook
from .extract import SheetEntries, extract_sheet
from .headings import Period, find_period
from .labels import Layout

__all__ = ["list_actuals_files", "spreadsheet_rows", "csv_rows", "read_actuals_file"]

SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", ".txt", *WEBPAGE_SUFFIXES)
FOLDER_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", *WEBPAGE_SUFFIXES)


# ---------------------------------------------------------------------------------------------- files
def list_actuals_files(inputs: list[Path] | list[str]) -> list[Path]:
    """Files as given; folders searched (one level, sorted) for workbooks (.xls/.xlsx/.xlsm/.ods/.et), .csv and
    saved web pages (.html/.htm), skipping hidden and ~$ files and anything not a regular file
    (:func:`chainplan_lib.files.listing.list_input_files`)."""
    return list_input_files(inputs, suffixes=FOLDER_SUFFIXES, what="actuals files")


def spreadsheet_rows(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """(sheet name, rows of cell values) for every worksheet; a merged cell's value fills its range.

    Through :func:`chainplan_lib.files.workbook.read_workbook`: an encrypted, corrupt or unreadable workbook
    is a one-line InputError naming the file.
    """
    return [(sheet.name, sheet.rows) for sheet in read_workbook(path, ACTUALS)]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if v != v else (str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v))
    return str(v).strip()


def csv_rows(path: Path) -> tuple[list[list[str]], str]:
    """The records of a CSV / tab-separated text file, decoded by :func:`chainplan_lib.files.text.read_text`
    (UTF-8, UTF-8 BOM, UTF-16 BOM, GB18030/GBK — as every input)."""
    text, enc = read_text(path, ACTUALS)
    if not text.strip(" \r\n\t\ufeff\u3000,;"):
        raise InputError("empty file (no rows)", file=path)
    head = text[:20000]
    delim = max((",", "\t", ";"), key=lambda d: sum(line.count(d) for line in head.splitlines()[:20]))
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=delim)]
    return rows, enc


# ---------------------------------------------------------------------------------------------- sheets
def _page_sheets(path: Path, layout: Layout) -> tuple[list[tuple[str, list[list[str]], int]], Period, dict]:
    """A saved page's tables as sheets (``table k``), each under its short title lines; the period its <title>
    states; what the summary says about the page."""
    page = read_webpage(path, date_words=layout.date_words, max_line=layout.title_max_chars)
    sheets = []
    for t in page.tables:
        lines = [x for x in (*t.lines_above, t.caption) if x]
        sheets.append((f"html table {t.index}", [[x] for x in lines] + t.rows, len(lines)))
    period = find_period(page.title, file=str(path), where="page title: ") if page.title else Period()
    info = {"page_title": page.title, "page_date": page.date.isoformat() if page.date else None,
            "page_date_line": page.date_text, "published": page.date}
    return sheets, period, info


def read_actuals_file(path: Path, layout: Layout) -> list[SheetEntries]:
    """Every table of ``path`` that holds actuals, as entries; a sheet without a header is an error."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"unsupported file type {suffix!r}; expected one of {', '.join(SUFFIXES)}", file=path)
    if path.stat().st_size == 0:
        raise InputError("empty file (0 bytes)", file=path)
    file_period = find_period(path.stem, file=str(path), strict_iso=False, where="file name: ")
    page: dict = {}
    if suffix in WORKBOOK_SUFFIXES:
        sheets = [(name, [[_text(v) for v in r] for r in rows], 0) for name, rows in spreadsheet_rows(path)]
        encoding, reader = None, "calamine"
    elif suffix in WEBPAGE_SUFFIXES:
        sheets, page_period, page = _page_sheets(path, layout)
        file_period = page_period.over(file_period)
        encoding, reader = None, "html"
        if not sheets:
            raise InputError("no tables on this page (<table>)", file=path)
    else:
        recs, encoding = csv_rows(path)
        sheets, reader = [("", recs, 0)], "csv"
    sheets = [(n, rows, t) for n, rows, t in sheets if any(c for r in rows for c in r)]
    if not sheets:
        raise InputError("no data (every sheet is empty)", file=path)
    out = []
    published = page.pop("published", None)
    for name, rows, title_rows in sheets:
        tables = extract_sheet(rows, layout, file=str(path), sheet=name, file_period=file_period,
                               several_sheets=len(sheets) > 1, published=published, title_rows=title_rows)
        for got in tables:
            got.info.update(encoding=encoding, reader=reader, **page)
            out.append(got)
    return out
