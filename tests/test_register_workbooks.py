"""Workbooks offices send (.xls, .xlsx, .ods, .et) through python-calamine, and the bundled SYNTHETIC .xls."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlwt
from _plans import PLAN
from openpyxl import Workbook

from chainplan_lib.cleaning.register.clean import clean_registers
from chainplan_lib.cleaning.register.uscc import make_uscc
from chainplan_lib.errors import InputError
from chainplan_lib.files.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "raw" / "registers"
C = [make_uscc(f"91360111MA36{i:05d}") for i in range(6)]
# title, a two-row heading (国民经济行业 over 代码/名称, the others merged down), a town merged over two firms
ROWS = [
    ["2024年青山湖区规上工业企业名录", None, None, None, None, None, None],
    ["序号", "企业名称", "统一社会信用代码", "所属镇（街道）", "国民经济行业", None, "营业收入"],
    [None, None, None, None, "代码", "名称", "（万元）"],
    [1, "南昌甲纺织有限公司", C[0], "罗家镇", 1711, "棉纺纱加工", 3500],
    [2, "南昌乙纺织有限公司", C[1], None, "C1713", "棉印染精加工", 2500.5],
    [3, "南昌丙电子有限公司", C[2], "高新区", 3971, "电子元件", "1.2亿"],
]
MERGES = [(0, 0, 0, 6), (1, 2, 0, 0), (1, 2, 1, 1), (1, 2, 2, 2), (1, 2, 3, 3), (1, 1, 4, 5), (3, 4, 3, 3)]


def write_xls(path: Path, rows=ROWS, merges=MERGES) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("名录")
    merged = {}
    for r0, r1, c0, c1 in merges:
        merged[(r0, c0)] = (r1, c1)
    covered = {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if (r, c) in merged:
                ws.write_merge(r, merged[(r, c)][0], c, merged[(r, c)][1], v)
            elif v is not None and (r, c) not in covered:
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def check_merged_layout(r) -> None:
    info = r.summary["files"][0]
    assert info["header_rows"] == [2, 3] and info["reader"] == "calamine"
    assert info["columns"]["industry_code"] == "国民经济行业代码" and info["columns"]["industry_name"] == "国民经济行业名称"
    assert info["revenue_unit"] == "万元" and info["year_source"] == "title"
    c = r.clean
    assert c["area"].astype(str).tolist() == ["罗家镇", "罗家镇", "高新园区"]  # the merged town filled down
    assert c["industry_code"].astype(str).tolist() == ["1711", "1713", "3971"]
    assert c["revenue_yi"].tolist() == [0.35, 0.25005, 1.2]
    assert c["year"].tolist() == [2024, 2024, 2024] and c["source_row"].tolist() == [4, 5, 6]


def test_xls_with_title_two_row_merged_header_and_merged_town(tmp_path):
    check_merged_layout(clean_registers([write_xls(tmp_path / "名录.xls")], plan=PLAN))


def test_an_xls_saved_under_an_xlsx_or_et_name_is_read_by_its_bytes(tmp_path):
    xls = write_xls(tmp_path / "a.xls")
    for name in ("a_saved_as.xlsx", "wps_2024.et"):
        other = tmp_path / name
        other.write_bytes(xls.read_bytes())
        check_merged_layout(clean_registers([other], plan=PLAN))


def test_xlsx_is_read_through_calamine_too(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in ROWS:
        ws.append(row)
    for r0, r1, c0, c1 in MERGES:
        ws.merge_cells(start_row=r0 + 1, end_row=r1 + 1, start_column=c0 + 1, end_column=c1 + 1)
    wb.save(tmp_path / "名录.xlsx")
    check_merged_layout(clean_registers([tmp_path / "名录.xlsx"], plan=PLAN))


def _ods(path: Path, rows: list[list], spans: dict[tuple[int, int], int]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice and WPS save as .ods), written by hand."""
    def cell(v, span):
        extra = f' table:number-columns-spanned="{span}"' if span else ""
        if v is None:
            return f"<table:table-cell{extra}/>"
        if isinstance(v, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{v}"{extra}><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"{extra}><text:p>{v}</text:p></table:table-cell>'
    body = "".join("<table:table-row>" + "".join(cell(v, spans.get((r, c))) for c, v in enumerate(row))
                   + "</table:table-row>" for r, row in enumerate(rows))
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="名录">{body}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return path


def test_ods_with_a_merged_title(tmp_path):
    rows = [["【示例】2023年青山湖区规上工业企业名录", None, None, None, None],
            ["企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入（万元）"],
            ["南昌甲纺织有限公司", C[3], "罗家镇", "1711", 3500],
            ["南昌乙食品有限公司", C[4], "塘山镇", "1431", 1500.5]]
    r = clean_registers([_ods(tmp_path / "名录.ods", rows, {(0, 0): 5})], plan=PLAN)
    assert r.clean["uscc"].tolist() == [C[3], C[4]] and r.clean["year"].tolist() == [2023, 2023]
    assert r.clean["revenue_yi"].tolist() == [0.35, 0.15005] and r.summary["synthetic"]


def test_read_workbook_fills_merged_cells_for_any_cleaner(tmp_path):
    sheets = read_workbook(write_xls(tmp_path / "a.xls"))
    assert [s.name for s in sheets] == ["名录"]
    (name, rows), = sheets  # a sheet unpacks as (name, rows)
    assert name == "名录" and rows is sheets[0].rows
    assert rows[0][:7] == ["2024年青山湖区规上工业企业名录"] * 7  # the merged title, in every cell it covers
    assert rows[1][4] == rows[1][5] == "国民经济行业" and rows[2][0] == "序号"  # merged across and down
    assert rows[4][3] == "罗家镇"  # the merged town


@pytest.mark.parametrize("content, match", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le"), "password"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "corrupt"),
    (b"PK\x03\x04 not a zip", "corrupt"),
    (b"plain text", "not a valid workbook"),
])
def test_bad_workbooks_are_one_line_errors_naming_the_file(tmp_path, content, match):
    for suffix in (".xls", ".ods"):
        path = tmp_path / f"bad{suffix}"
        path.write_bytes(content)
        with pytest.raises(InputError, match=match) as e:
            read_workbook(path)
        assert str(path) in str(e.value) and "\n" not in str(e.value)


# ------------------------------------------------------------------------------------------- the bundled .xls
def test_bundled_xls_is_synthetic_and_cleans_like_the_bundled_xlsx():
    xls = BUNDLED / "xls" / "synthetic_register_2024.xls"
    title = read_workbook(xls)[0].rows[0][0]
    assert "SYNTHETIC" in title and "示例数据" in title
    a = clean_registers([xls], plan=PLAN)
    b = clean_registers([BUNDLED / "synthetic_register_2024.xlsx"], plan=PLAN)
    cols = ["year", "uscc", "name", "area", "chain_id", "industry_code", "revenue_yi", "above_size", "source_row"]
    assert a.clean[cols].astype(str).values.tolist() == b.clean[cols].astype(str).values.tolist()
    assert len(a.clean) == 386 and a.summary["synthetic"] and a.summary["files"][0]["reader"] == "calamine"
    assert a.summary["quarantined_by_reason"] == b.summary["quarantined_by_reason"]
    assert a.panel.equals(b.panel)
