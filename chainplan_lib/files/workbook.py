"""Reading the spreadsheets offices send: .xls, .xlsx, .xlsm, .ods and WPS .et, through python-calamine.

:func:`read_workbook` is the one place a cleaner opens a workbook: it gives every worksheet as rows of cell
values with merged cells filled (a merged title or heading belongs to every cell it covers), and turns what can
go wrong with the file itself (encrypted, corrupt, not a workbook) into one-line :class:`InputError` s naming it.
The format is told from the bytes, not the name, so an .xls saved under an .xlsx name is read as what it is.

Reads are bounded: only a regular file within its kind's size cap is opened (:mod:`chainplan_lib.files.regular`),
and every sheet's used range is measured from the file (:mod:`chainplan_lib.files.extent`) before calamine
allocates it, so a sheet beyond what a register or a monthly report can be (a stray cell at ``XFD1048576``) is
one line naming the file, the sheet and the range instead of an aborted process. Merged ranges are held to the
same limits before they are filled.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .extent import Extent, check_extent, check_extents
from .limits import REGISTER, Kind
from .regular import open_regular

__all__ = ["WORKBOOK_SUFFIXES", "Sheet", "read_workbook"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: .xls, .et, or an encrypted .xlsx
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass
class Sheet:
    """One worksheet: its name and its rows from A1, each a list of cell values ('' when empty)."""

    name: str
    rows: list[list[Any]]

    def __iter__(self):  # ``for name, rows in read_workbook(path)``
        return iter((self.name, self.rows))


def _check_bytes(path: Path, head: bytes) -> None:
    if head.startswith(_CFB_MAGIC):
        if _ENCRYPTED_MARK in head:
            raise InputError("workbook is password-protected (encrypted); save an unprotected copy", file=path)
        return
    if not head.startswith(b"PK"):
        raise InputError("not a valid workbook (.xls, .xlsx, .xlsm, .ods or .et): corrupt or another format",
                         file=path)


def _fill_merged(rows: list[list[Any]], ranges) -> list[list[Any]]:
    """A merged cell's value belongs to every cell it covers (calamine gives it to the top-left one only)."""
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(rows):
            continue
        top = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, r1 + 1):
            if r >= len(rows):
                rows.append([""] * (c1 + 1))
            row = rows[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = top
    return rows


def _plain(v: Any) -> Any:
    """Cell values as the cleaners expect them: dates as ISO text, time deltas as text, the rest unchanged."""
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)):
        return str(v)
    return v


def _checked_extent(path: Path, name: str, ws, kind: Kind) -> None:
    """What calamine holds for the sheet, with its merged ranges, within the kind's limits (a second guard
    after :func:`check_extents`, before anything is built in Python)."""
    end = ws.end or (-1, -1)
    e = Extent(name, end[0] + 1, end[1] + 1)
    check_extent(e, path, kind)
    height = ws.height if ws.end else 0
    for (r0, _), (r1, c1) in ws.merged_cell_ranges or ():
        if r0 < height and (r1 + 1 > e.rows or c1 + 1 > e.columns):
            e.rows, e.columns = max(e.rows, r1 + 1), max(e.columns, c1 + 1)
            check_extent(e, path, kind, what="merged cells")


def read_workbook(path: str | Path, kind: Kind = REGISTER) -> list[Sheet]:
    """Every worksheet of the workbook at ``path``, merged cells filled, in the workbook's order.

    Chart sheets and macro sheets are left out. Raises :class:`InputError` (naming the file) for an encrypted,
    corrupt or unreadable workbook, for a path that is not a regular file within ``kind``'s size cap, and for a
    sheet beyond ``kind``'s rows, columns or cells (measured before it is loaded).
    """
    import python_calamine as cal

    path = Path(path)
    with open_regular(path, kind) as fh:
        head = fh.read(1 << 20)
        _check_bytes(path, head)
        fh.seek(0)
        check_extents(fh, head, path, kind)
        try:
            wb = cal.CalamineWorkbook.from_filelike(fh)
        except Exception as exc:  # calamine raises its own error types (zip, cfb, xml, password …)
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "password" in msg.lower() or "encrypt" in msg.lower():
                raise InputError("workbook is password-protected (encrypted); save an unprotected copy",
                                 file=path) from None
            raise InputError(f"cannot open workbook, it is corrupt or not a spreadsheet "
                             f"({type(exc).__name__}: {msg})", file=path) from None
    sheets = []
    try:
        for meta in wb.sheets_metadata:
            if "work" not in str(meta.typ).lower():
                continue
            ws = wb.get_sheet_by_name(meta.name)
            _checked_extent(path, meta.name, ws, kind)
            rows = [[_plain(v) for v in r] for r in ws.to_python(skip_empty_area=False)]
            sheets.append(Sheet(meta.name, _fill_merged(rows, ws.merged_cell_ranges)))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot read workbook ({type(exc).__name__}: {str(exc)[:200]})", file=path) from None
    finally:
        wb.close()
    return sheets
