"""How far a workbook's cells reach, read from the file itself before a spreadsheet library allocates anything.

python-calamine (like most readers) holds a sheet as a dense grid from its first to its last cell with a value,
and a failed allocation aborts the whole process (SIGABRT, no exception to catch): a 5 KB .xlsx with one cell at
A1 and one at ``XFD1048576`` asks for 549,755,813,888 bytes. So before a sheet is loaded, its used range is
measured here from the raw parts and checked against the kind's limits (:class:`~chainplan_lib.files.limits.Kind`:
rows, columns, and cells counted from A1, which is what the reader returns):

* **.xlsx / .xlsm**: every worksheet part (those ``xl/_rels/workbook.xml.rels`` points at, and everything under
  ``xl/worksheets/``) is unzipped as a stream and every cell element with content is located by its ``r``
  reference — a fast scan of the usual form, and an XML parse (positional cells, other quoting, UTF-16) when a
  part has any other. The declared ``<dimension ref>`` is not used: it may claim A1 over a far cell, or the whole
  sheet over a few formatted ones (calamine ignores it as well). Empty (self-closing) cells are not counted,
  as calamine does not count them.
* **.ods**: ``content.xml`` is parsed as a stream; repeated rows and columns (``number-rows-repeated``,
  ``number-columns-repeated``) count as often as they repeat when they hold a value (trailing empty repeats,
  which LibreOffice writes to the end of the sheet, do not).
* **.xls / .et** (BIFF in an OLE2 compound file): the ``Workbook`` stream's cell records (NUMBER, RK, MULRK,
  LABEL, LABELSST, FORMULA, BOOLERR, RSTRING) give row and column; BLANK records, which calamine skips, do not.
  A file encrypted with a password (FILEPASS) is refused as such.
* **.xlsb** (binary records) is refused: save it as .xlsx.

A zip part is unzipped to the end of its compressed data, not just as far as its header declares: one that unzips to
more than declared is refused as corrupt (a reader that trusts the header could otherwise be shown a short,
harmless sheet), and so is one declaring more than the kind's ``max_sheet_xml``. Anything that cannot be
measured is refused: the readers behind calamine could otherwise still allocate on it.
"""

from __future__ import annotations

import copy
import posixpath
import re
import struct
import xml.etree.ElementTree as ET
import xml.parsers.expat as expat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from ..errors import InputError
from .limits import Kind, human_size
from .regular import read_at_most

__all__ = ["Extent", "col_letters", "check_extent", "check_extents"]

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 8 << 20
_SMALL_PART = 50_000_000  # workbook.xml and its relationships: a few KB in any real workbook


@dataclass
class Extent:
    """Where a sheet's cells with a value reach: the last row and column (1-based), so the grid from A1 is
    ``rows × columns``."""

    sheet: str
    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def ref(self) -> str:
        return f"A1:{col_letters(self.columns)}{self.rows}" if self.rows and self.columns else "A1"


def col_letters(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA, 16384 → XFD."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out or "A"


def _col_number(letters: str | bytes) -> int:
    """A → 1, XFD → 16384 (upper or lower case)."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def check_extent(e: Extent, path: str | Path, kind: Kind, what: str = "cells") -> None:
    """Refuse (one :class:`InputError` naming file, sheet and range) an extent beyond ``kind``'s limits."""
    k = kind
    if e.rows > k.max_rows or e.columns > k.max_columns or e.cells > k.max_cells:
        raise InputError(
            f"sheet {e.sheet!r}: its {what} reach {e.ref} ({e.rows:,} rows × {e.columns:,} columns = "
            f"{e.cells:,} cells from A1); a {k.name} sheet has at most {k.max_rows:,} rows, {k.max_columns:,} "
            f"columns and {k.max_cells:,} cells — refused before reading it (a stray value far from the table? "
            "delete it and save again)", file=path)


class _Limits:
    """Checks an extent against a kind's limits as it grows (:func:`check_extent`)."""

    def __init__(self, path: Path, kind: Kind):
        self.path, self.kind = path, kind

    def check(self, e: Extent) -> None:
        check_extent(e, self.path, self.kind)

    def fail(self, what: str) -> InputError:
        return InputError(f"cannot open workbook, it is corrupt ({what})", file=self.path)


def check_extents(fh: BinaryIO, head: bytes, path: Path, kind: Kind) -> list[Extent]:
    """Measure every sheet of the open workbook ``fh`` (``head``: its first bytes) and refuse, with one
    :class:`InputError`, a sheet beyond ``kind``'s limits or a workbook whose sheets cannot be measured.
    Returns the extents measured (for tests and messages); ``fh`` is left at its start."""
    limits = _Limits(path, kind)
    try:
        if head.startswith(CFB_MAGIC):
            return _xls_extents(fh, limits)
        if head.startswith(b"PK"):
            return _zip_extents(fh, limits)
        return []
    finally:
        fh.seek(0)


# ----------------------------------------------------------------------------------------------- zip parts
def _zip_extents(fh: BinaryIO, limits: _Limits) -> list[Extent]:
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError):
        return []  # not a zip after all: calamine refuses it without allocating a sheet
    names = set(zf.namelist())
    if "xl/workbook.bin" in names:
        raise InputError("an .xlsb (binary Excel) workbook; save it as .xlsx and try again", file=limits.path)
    out: list[Extent] = []
    if "xl/workbook.xml" in names:
        for part, sheet in _xlsx_parts(zf, names, limits):
            out.append(_scan_xlsx_part(zf, part, sheet, limits))
    if "content.xml" in names:
        out.extend(_scan_ods(zf, limits))
    return out


def _entries(zf: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    return [i for i in zf.infolist() if i.filename == name]  # a name stored twice: every copy is measured


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: _Limits, cap: int | None = None
            ) -> Iterator[bytes]:
    """A part's bytes, unzipped to the end of its compressed data whatever size its header declares (more than
    declared is refused as corrupt; the checksum is verified at the end); at most ``cap`` (default: the kind's
    ``max_sheet_xml``) declared."""
    cap = limits.kind.max_sheet_xml if cap is None else cap
    if info.file_size > cap:
        raise InputError(f"part {info.filename!r} unzips to {human_size(info.file_size)}, more than "
                         f"{human_size(cap)}; a {limits.kind.name} is not that large — refused before reading it",
                         file=limits.path)
    big = copy.copy(info)
    big.file_size = 1 << 62  # read what is really there, not what the header says
    total = 0
    try:
        with zf.open(big) as part:
            while True:
                chunk = part.read(_CHUNK)
                if not chunk:
                    return
                total += len(chunk)
                if total > info.file_size:
                    raise limits.fail(f"part {info.filename!r} unzips to more than the {info.file_size:,} bytes "
                                      "its zip header declares")
                yield chunk
    except InputError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise limits.fail(f"part {info.filename!r} cannot be unzipped: {str(exc)[:120]}") from None
    except Exception as exc:  # zlib.error and friends
        raise limits.fail(f"part {info.filename!r} cannot be unzipped: {type(exc).__name__}") from None


def _small_xml(zf: zipfile.ZipFile, name: str, limits: _Limits) -> ET.Element | None:
    if name not in zf.namelist():
        return None
    data = b"".join(_stream(zf, zf.getinfo(name), limits, cap=_SMALL_PART))
    try:
        return ET.fromstring(data)
    except ET.ParseError:
        return None  # calamine will refuse it


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _xlsx_parts(zf: zipfile.ZipFile, names: set[str], limits: _Limits) -> list[tuple[str, str]]:
    """(zip part, sheet name) of every part calamine could read as a sheet: each target of the workbook's
    relationships (resolved as calamine resolves them) and every part under ``xl/worksheets/``."""
    targets: dict[str, str] = {}
    rels = _small_xml(zf, "xl/_rels/workbook.xml.rels", limits)
    for el in rels.iter() if rels is not None else ():
        if _local(el.tag) == "Relationship" and el.get("Target"):
            targets[el.get("Id", "")] = el.get("Target", "")
    sheet_names: dict[str, str] = {}
    wb = _small_xml(zf, "xl/workbook.xml", limits)
    for el in wb.iter() if wb is not None else ():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            if rid is not None:
                sheet_names[rid] = el.get("name", rid)
    parts: dict[str, str] = {}
    for rid, target in targets.items():
        t = target.replace("\\", "/")
        for cand in (t.lstrip("/") if t.startswith("/") else "xl/" + t, t):
            for name in (cand, posixpath.normpath(cand)):
                if name in names:
                    parts.setdefault(name, sheet_names.get(rid, name))
    for name in sorted(names):
        if name.startswith("xl/worksheets/") and not name.endswith("/") and "/_rels/" not in name:
            parts.setdefault(name, name)
    return list(parts.items())


_LOOSE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_RARE_CELL = re.compile(rb"<c[>/\t\n\r]")
_ATTR = rb'\s+[\w:.\-]+="[^"<>&]*"'
_OTHER_ATTR = rb'\s+(?!r=)[\w:.\-]+="[^"<>&]*"'
_R = rb'\s+r="([A-Z]{1,3})([0-9]{1,7})"'
_CELL_R_FIRST = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c" + _R + rb"(?:" + _ATTR + rb")*\s*(/?)>")
_CELL_ANY_ORDER = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c(?:" + _OTHER_ATTR + rb")*" + _R + rb"(?:" + _ATTR
                             + rb")*\s*(/?)>")


def _count_cell_tags(data: bytes) -> int:
    """How many cell start tags (``<c …>``, ``<c/>``, ``<x:c …>``) ``data`` holds, in any form."""
    if _PREFIXED_CELL.search(data):
        return len(_LOOSE_CELL.findall(data))
    return data.count(b"<c ") + len(_RARE_CELL.findall(data))


def _scan_xlsx_part(zf: zipfile.ZipFile, part: str, sheet: str, limits: _Limits) -> Extent:
    e = Extent(sheet)
    for info in _entries(zf, part):
        if not _scan_cells_fast(zf, info, e, limits):
            _scan_cells_xml(zf, info, e, limits)
    return e


def _scan_cells_fast(zf: zipfile.ZipFile, info: zipfile.ZipInfo, e: Extent, limits: _Limits) -> bool:
    """The usual form (every cell tag ``<c … r="B7" …>`` with double-quoted plain attributes), by regular
    expressions over the unzipped bytes. False as soon as anything else shows up (the XML parser decides)."""
    tail = b""
    first = True
    for chunk in _stream(zf, info, limits):
        if first:
            first = False
            start = chunk[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
            if not start.startswith(b"<") or b"\x00" in chunk[:200]:
                return False  # UTF-16 or something else
        data = tail + chunk
        cut = data.rfind(b">") + 1
        data, tail = data[:cut], data[cut:]
        tags = _count_cell_tags(data)
        if not tags:
            continue
        found = _CELL_R_FIRST.findall(data)
        if len(found) != tags:
            found = _CELL_ANY_ORDER.findall(data)
            if len(found) != tags:
                return False
        letters, digits, closed = zip(*found)
        if b"/" in closed:  # self-closing cells hold no value
            found = [f for f in found if not f[2]]
            if not found:
                continue
            letters, digits, _ = zip(*found)
        e.rows = max(e.rows, max(map(int, digits)))
        e.columns = max(e.columns, max(map(_col_number, set(letters))))
        limits.check(e)
    return not _count_cell_tags(tail)


def _scan_cells_xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, e: Extent, limits: _Limits) -> None:
    """Any well-formed sheet XML: rows and cells by their ``r`` or by position; a cell counts when it has a
    child element or text (a value, an inline string, a formula)."""
    state = {"row": 0, "col": 0, "cell": None, "filled": False}
    ref = re.compile(r"^\s*([A-Za-z]{1,4})([0-9]{1,8})\s*$")

    def start(name, attrs):
        local = name.rsplit(":", 1)[-1]
        if state["cell"] is not None:
            state["filled"] = True
        if local == "row":
            r = attrs.get("r", "")
            state["row"] = int(r) if r.strip().isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            m = ref.match(attrs.get("r", ""))
            if m:
                row, col = int(m.group(2)), _col_number(m.group(1))
            else:
                row, col = max(state["row"], 1), state["col"] + 1
            state["col"] = col
            state["cell"], state["filled"] = (row, col), False

    def chars(text):
        if state["cell"] is not None and text.strip():
            state["filled"] = True

    def end(name):
        if name.rsplit(":", 1)[-1] == "c" and state["cell"] is not None:
            if state["filled"]:
                row, col = state["cell"]
                e.rows, e.columns = max(e.rows, row), max(e.columns, col)
                limits.check(e)
            state["cell"] = None

    _parse(zf, info, limits, start, end, chars)


def _parse(zf, info, limits, start, end, chars, namespaces: bool = False) -> None:
    p = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    try:
        for chunk in _stream(zf, info, limits):
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except expat.ExpatError as exc:
        raise limits.fail(f"part {info.filename!r} is not well-formed XML: {exc}") from None


_T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_VALUE_TYPES = ("urn:oasis:names:tc:opendocument:xmlns:office:1.0 value-type",
                "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0 value-type")


def _repeat(attrs, key: str) -> int:
    v = attrs.get(_T + key, "1")
    return int(v) if v.strip().isdigit() else 1


def _scan_ods(zf: zipfile.ZipFile, limits: _Limits) -> list[Extent]:
    """Every table of ``content.xml``: rows and columns counted with their repeats; a cell with a value type
    or any text counts over every row and column it repeats."""
    out: list[Extent] = []
    st = {"depth": 0, "e": None, "row": 0, "row_rep": 1, "col": 0, "cell": None, "filled": False}

    def start(name, attrs):
        if name == _T + "table":
            st["depth"] += 1
            if st["depth"] == 1:
                st["e"] = Extent(attrs.get(_T + "name", f"table {len(out) + 1}"))
                out.append(st["e"])
                st["row"] = 0
            return
        if st["depth"] != 1:
            return
        if st["cell"] is not None:
            st["filled"] = True
        if name == _T + "table-row":
            st["row_rep"], st["col"] = _repeat(attrs, "number-rows-repeated"), 0
        elif name in (_T + "table-cell", _T + "covered-table-cell"):
            st["cell"] = (st["col"], _repeat(attrs, "number-columns-repeated"))
            st["filled"] = any(k in attrs for k in _VALUE_TYPES)

    def chars(text):
        if st["depth"] == 1 and st["cell"] is not None and text.strip():
            st["filled"] = True

    def end(name):
        if name == _T + "table":
            st["depth"] -= 1
            return
        if st["depth"] != 1:
            return
        if name in (_T + "table-cell", _T + "covered-table-cell") and st["cell"] is not None:
            col, rep = st["cell"]
            st["col"] = col + rep
            if st["filled"]:
                e = st["e"]
                e.rows, e.columns = max(e.rows, st["row"] + st["row_rep"]), max(e.columns, col + rep)
                limits.check(e)
            st["cell"] = None
        elif name == _T + "table-row":
            st["row"] += st["row_rep"]

    for info in _entries(zf, "content.xml"):
        _parse(zf, info, limits, start, end, chars, namespaces=True)
    return out


# -------------------------------------------------------------------------------------------- OLE2 / BIFF
_FREE, _END = 0xFFFFFFFF, 0xFFFFFFFE
_CELL_RECORDS = {0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}  # FORMULA NUMBER LABEL BOOLERR RK SST RSTRING
_MULRK, _BOF, _BOUNDSHEET, _FILEPASS = 0x00BD, 0x0809, 0x0085, 0x002F


class _Cfb:
    """Just enough of the compound file format ([MS-CFB]) to read a stream by name."""

    def __init__(self, fh: BinaryIO, limits: _Limits):
        self.limits = limits
        fh.seek(0)
        self.data = read_at_most(fh, limits.kind.max_sheet_xml)
        if len(self.data) > limits.kind.max_sheet_xml:
            raise InputError(f"a legacy workbook larger than {human_size(limits.kind.max_sheet_xml)}; a "
                             f"{limits.kind.name} is not that large — refused before reading it", file=limits.path)
        if len(self.data) < 512:
            raise limits.fail("compound file too short")
        (shift, mini_shift) = struct.unpack_from("<HH", self.data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise limits.fail("compound file header damaged")
        self.ssz, self.mini = 1 << shift, 64
        (_, self.dir_start, _, self.cutoff, self.minifat_start, _, difat_start, _) = \
            struct.unpack_from("<IIIIIIII", self.data, 44)
        self.n_sectors = len(self.data) // self.ssz
        difat = list(struct.unpack_from("<109I", self.data, 76))
        sec, seen = difat_start, 0
        per = self.ssz // 4 - 1
        while sec not in (_FREE, _END) and seen <= self.n_sectors:
            entries = struct.unpack_from(f"<{per + 1}I", self._sector(sec))
            difat.extend(entries[:per])
            sec, seen = entries[per], seen + 1
        self.fat: list[int] = []
        for s in difat:
            if s < 0xFFFFFFFA:  # FREESECT, ENDOFCHAIN, FATSECT, DIFSECT and reserved values hold no FAT
                self.fat.extend(struct.unpack_from(f"<{self.ssz // 4}I", self._sector(s)))

    def _sector(self, n: int) -> bytes:
        at = (n + 1) * self.ssz
        if at >= len(self.data):
            raise self.limits.fail(f"compound file sector {n} out of range")
        return self.data[at:at + self.ssz].ljust(self.ssz, b"\0")

    def _chain(self, start: int, table: list[int]) -> Iterator[int]:
        sec, steps = start, 0
        while sec not in (_FREE, _END):
            if sec >= len(table) or steps > len(table):
                raise self.limits.fail("compound file chain damaged")
            yield sec
            sec, steps = table[sec], steps + 1

    def _read(self, start: int, size: int) -> bytes:
        out = b"".join(self._sector(s) for s in self._chain(start, self.fat))
        return out[:size]

    def streams(self, wanted: set[str]) -> list[bytes]:
        directory = self._read(self.dir_start, 1 << 62)
        entries = [directory[k:k + 128] for k in range(0, len(directory) - 127, 128)]
        if not entries:
            raise self.limits.fail("compound file has no directory")
        root = entries[0]
        root_start, root_size = struct.unpack_from("<IQ", root, 116)
        found = []
        for ent in entries:
            nlen = struct.unpack_from("<H", ent, 64)[0]
            name = ent[:max(0, min(nlen, 64) - 2)].decode("utf-16-le", errors="replace")
            if ent[66] != 2 or name.lower() not in wanted:
                continue
            start, size = struct.unpack_from("<IQ", ent, 116)
            if self.ssz == 512:  # version 3 files: only the low 32 bits of the size are meaningful
                size &= 0xFFFFFFFF
            if size < self.cutoff:
                ministream = self._read(root_start, root_size)
                minifat = [x for s in self._chain(self.minifat_start, self.fat)
                           for x in struct.unpack_from(f"<{self.ssz // 4}I", self._sector(s))]
                data = b"".join(ministream[s * 64:(s + 1) * 64] for s in self._chain(start, minifat))
                found.append(data[:size])
            else:
                found.append(self._read(start, size))
        return found


def _xls_extents(fh: BinaryIO, limits: _Limits) -> list[Extent]:
    try:
        streams = _Cfb(fh, limits).streams({"workbook", "book"})
    except InputError:
        raise
    except (struct.error, IndexError, ValueError, MemoryError) as exc:
        raise limits.fail(f"compound file damaged: {type(exc).__name__}") from None
    out = []
    for data in streams:
        out.extend(_biff_extents(data, limits))
    return out


def _biff_extents(data: bytes, limits: _Limits) -> list[Extent]:
    names_at: dict[int, str] = {}
    names: list[str] = []
    out: list[Extent] = []
    e: Extent | None = None
    bofs = pos = 0
    n = len(data)
    while pos + 4 <= n:
        rtype, rlen = struct.unpack_from("<HH", data, pos)
        body, nxt = pos + 4, pos + 4 + rlen
        if rtype == _BOF:
            bofs += 1
            if bofs > 1:
                e = Extent(names_at.get(pos) or (names[bofs - 2] if bofs - 2 < len(names) else f"sheet {bofs - 1}"))
                out.append(e)
        elif rtype == _FILEPASS and bofs <= 1:
            raise InputError("workbook is password-protected (encrypted); save an unprotected copy", file=limits.path)
        elif rtype == _BOUNDSHEET and bofs <= 1 and rlen >= 8:
            at, cch = struct.unpack_from("<I", data, body)[0], data[body + 6]
            biff8 = rlen > 7 + cch  # BIFF8 has a flags byte before the characters, BIFF5 does not
            wide = biff8 and data[body + 7] & 1
            raw = data[body + (8 if biff8 else 7): body + (8 if biff8 else 7) + cch * (2 if wide else 1)]
            name = raw.decode("utf-16-le" if wide else "latin-1", errors="replace")
            names.append(name)
            names_at[at] = name
        elif e is not None and rlen >= 4 and (rtype in _CELL_RECORDS or rtype == _MULRK):
            row, col = struct.unpack_from("<HH", data, body)
            if rtype == _MULRK and rlen >= 6:
                last = struct.unpack_from("<H", data, nxt - 2)[0]
                col = max(col + max((rlen - 6) // 6, 1) - 1, last)
            if row + 1 > e.rows or col + 1 > e.columns:
                e.rows, e.columns = max(e.rows, row + 1), max(e.columns, col + 1)
                limits.check(e)
        pos = nxt
    return out
