"""Small workbooks built byte by byte: sparse far cells (the 5 KB .xlsx with one cell at XFD1048576 that made
calamine abort the process), their .ods and .xls counterparts, and variants a reader must not be fooled by.

Never open one of the hostile ones with calamine in a test process: it aborts (SIGABRT) instead of raising.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import xlwt

A1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c></row>'
FAR = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
       '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
       'worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
       'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="{target}"/></Relationships>')
SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
         '2006/main"><dimension ref="{dim}"/><sheetData>{cells}</sheetData>{tail}</worksheet>')


def xlsx(path: Path, cells: str = A1 + FAR, *, name: str = "名录", dim: str = "A1", tail: str = "",
         sheet_bytes: bytes | None = None, target: str = "worksheets/sheet1.xml") -> Path:
    """A one-sheet .xlsx whose sheet XML is ``cells`` inside ``<sheetData>`` (or exactly ``sheet_bytes``); the
    workbook's relationship points at ``target`` (resolved as calamine does: relative to xl/, or from the root
    when it starts with /)."""
    part = target[1:] if target.startswith("/") else "xl/" + target
    body = sheet_bytes if sheet_bytes is not None else SHEET.format(dim=dim, cells=cells, tail=tail).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT.format(part=part))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB.format(name=name))
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(target=target))
        z.writestr(part, body)
    return path


def lying_sizes(path: Path, part: str = "xl/worksheets/sheet1.xml", size: int = 150) -> Path:
    """``path`` with ``part``'s uncompressed size declared as ``size`` bytes in both zip headers (its data, and
    its checksum of the whole data, unchanged): a reader that trusts the header stops before the far cell."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) >= 0:   # local headers: size at +22, name at +30
        if data[at + 30: at + 30 + len(name)] == name:
            struct.pack_into("<I", data, at + 22, size)
        at += 4
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:   # central directory: size at +24, name at +46
        if data[at + 46: at + 46 + len(name)] == name:
            struct.pack_into("<I", data, at + 24, size)
        at += 4
    path.write_bytes(bytes(data))
    return path


def xlsb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


_ODS = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        '<office:spreadsheet><table:table table:name="{name}">{rows}</table:table></office:spreadsheet>'
        '</office:body></office:document-content>')
ODS_A1 = ('<table:table-row><table:table-cell office:value-type="string"><text:p>企业名称</text:p>'
          '</table:table-cell></table:table-row>')
ODS_TRAILING = ('<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
                'table:number-columns-repeated="16384"/></table:table-row>')   # as LibreOffice writes them
ODS_FAR = ('<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
           'table:number-columns-repeated="1024" office:value-type="float" office:value="1"/></table:table-row>')


def ods(path: Path, rows: str, name: str = "名录") -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:'
                   'manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:'
                   'full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
        z.writestr("content.xml", _ODS.format(name=name, rows=rows))
    return path


def xls(path: Path, far: tuple[int, int] | None = (0xFFFF, 0xFFFF), blank_far: bool = False) -> Path:
    """A legacy .xls (xlwt) with a title in A1 and one number at B2, whose NUMBER record is then moved to
    ``far`` (row, column as stored: BIFF keeps both in 16 bits, though a sheet has 256 columns)."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名录")
    ws.write(0, 0, "企业名称")
    ws.write(1, 1, 0.123456789012345)   # not an RK value: stored as NUMBER
    if blank_far:
        ws.write(60000, 250, None, xlwt.easyxf("font: bold on"))   # a formatted empty cell: BLANK
    wb.save(str(path))
    if far is not None:
        data = bytearray(path.read_bytes())
        at = data.find(b"\x03\x02\x0e\x00\x01\x00\x01\x00")
        assert at > 0
        struct.pack_into("<HH", data, at + 4, *far)
        path.write_bytes(bytes(data))
    return path


def small_xls(path: Path, far: tuple[int, int] | None = None) -> Path:
    """The same sheet as :func:`xls`, its Workbook stream (under 4,096 bytes) stored in the compound file's mini
    stream, as small .xls files are: a 512-byte-sector file of header, FAT, directory, mini FAT and mini stream."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名录")
    ws.write(0, 0, "企业名称")
    ws.write(1, 1, 0.123456789012345)
    biff = bytearray(wb.get_biff_data())
    assert len(biff) < 4096
    if far is not None:
        at = biff.find(b"\x03\x02\x0e\x00\x01\x00\x01\x00")
        struct.pack_into("<HH", biff, at + 4, *far)
    n_mini = -(-len(biff) // 64)
    mini = bytes(biff).ljust(n_mini * 64, b"\0")
    n_container = -(-len(mini) // 512)
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fatsect, end, end] + [3 + k + 1 for k in range(n_container - 1)] + [end]
    fat += [free] * (128 - len(fat))
    minifat = [k + 1 for k in range(n_mini - 1)] + [end]
    minifat += [free] * (128 - len(minifat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", free, free, child) + b"\0" * 36 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, 3, len(mini)) + entry("Workbook", 2, free, 0, len(biff))
                 + entry("", 0, free, end, 0) * 2)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 2, 1, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    assert len(header) == 512
    body = (struct.pack("<128I", *fat) + directory + struct.pack("<128I", *minifat)
            + mini.ljust(n_container * 512, b"\0"))
    path.write_bytes(header + body)
    return path
