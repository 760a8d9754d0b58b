"""Register input forms (CSV encodings, Excel layouts, headings) and bad input. Every file is built here."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from _plans import PLAN
from openpyxl import Workbook

from chainplan_lib.cleaning.register.clean import clean_registers
from chainplan_lib.cleaning.register.config import load_register_config
from chainplan_lib.cleaning.register.header import find_header, header_key
from chainplan_lib.cleaning.register.read import list_register_files
from chainplan_lib.cleaning.register.uscc import make_uscc
from chainplan_lib.errors import InputError

C = [make_uscc(f"91360111MA35{i:05d}") for i in range(10)]
HEAD = ["序号", "企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入（万元）", "年份"]
ROWS = [
    [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"],
    [2, "南昌乙电子有限公司", C[1], "高新园区", "3971", "12000", "2024"],
    [3, "南昌丙食品有限公司", C[2], "塘山镇", "1431", "1500", "2024"],
]


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], merges: list[str] = (), sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def expected_clean(result) -> list[tuple]:
    c = result.clean
    return list(zip(c["year"], c["uscc"], c["name"], c["area"].astype(str), c["chain_id"].astype(str),
                    c["revenue_yi"].round(6), c["above_size"]))


EXPECTED = [
    (2024, C[0], "南昌甲纺织有限公司", "罗家镇", "textiles", 0.35, True),
    (2024, C[1], "南昌乙电子有限公司", "高新园区", "electronics", 1.2, True),
    (2024, C[2], "南昌丙食品有限公司", "塘山镇", "food_pharma", 0.15, False),
]


# ------------------------------------------------------------------------------------------- encodings
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [["2024年青山湖区规上工业企业名录"], HEAD, *ROWS], encoding=encoding)
    r = clean_registers([path], plan=PLAN)
    assert expected_clean(r) == EXPECTED
    assert r.summary["files"][0]["encoding"] == encoding.replace("gbk", "gb18030")


def test_a_file_that_changes_encoding_is_an_error_naming_the_line(tmp_path):
    # the first 64 KB are UTF-8; a GBK-encoded row appears only far down the file
    filler = [[i, f"Firm {i} Co", make_uscc(f"91360111MB{i:07d}"), "罗家镇", "1711", "3000", "2024"]
              for i in range(2500)]
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([HEAD] + filler)
    tail = "9999,南昌尾部公司," + C[9] + ",罗家镇,1711,2500,2024\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.getvalue().encode("utf-8") + tail.encode("gbk"))
    assert path.stat().st_size > 65536
    with pytest.raises(InputError, match="changes encoding") as e:
        clean_registers([path], plan=PLAN)
    assert str(path) in str(e.value) and "line 2502" in str(e.value)


def test_tab_separated_txt(tmp_path):
    path = write_csv(tmp_path / "r.txt", [HEAD, *ROWS], delimiter="\t")
    assert expected_clean(clean_registers([path], plan=PLAN)) == EXPECTED


# ------------------------------------------------------------------------------------------- layouts
def test_title_unit_note_and_header_not_at_a_fixed_row(tmp_path):
    head = ["序号", "企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入", "年份"]
    rows = [["【2024年】青山湖区规上工业企业名录"], ["", "", "", "", "", "单位：千元"], [], head,
            [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "35000", "2024"]]
    r = clean_registers([write_csv(tmp_path / "r.csv", rows)], plan=PLAN)
    info = r.summary["files"][0]
    assert info["header_rows"] == [4] and info["revenue_unit"] == "千元" and info["unit_source"] == "note"
    assert r.clean["revenue_yi"].tolist() == [0.35]  # 35000 千元 = 3500 万元 = 0.35 亿元
    assert r.clean["source_row"].tolist() == [5]


def test_xlsx_title_two_row_merged_header_and_merged_town(tmp_path):
    rows = [
        ["2024年青山湖区规上工业企业名录", None, None, None, None, None, None],
        ["序号", "企业名称", "统一社会信用代码", "所属镇（街道）", "国民经济行业", None, "营业收入"],
        [None, None, None, None, "代码", "名称", "（万元）"],
        [1, "南昌甲纺织有限公司", C[0], "罗家镇", 1711, "棉纺纱加工", 3500],
        [2, "南昌乙纺织有限公司", C[1], None, "C1713", "棉印染精加工", 2500.5],
        [3, "南昌丙电子有限公司", C[2], "高新区", 3971, "电子元件", "1.2亿"],
    ]
    merges = ["A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "D4:D5"]  # town merged over two firms
    r = clean_registers([write_xlsx(tmp_path / "名录.xlsx", rows, merges)], plan=PLAN)
    info = r.summary["files"][0]
    assert info["header_rows"] == [2, 3]
    assert info["columns"]["industry_code"] == "国民经济行业代码" and info["columns"]["industry_name"] == "国民经济行业名称"
    assert info["revenue_unit"] == "万元" and info["year_source"] == "title"
    c = r.clean
    assert c["area"].astype(str).tolist() == ["罗家镇", "罗家镇", "高新园区"]
    assert c["industry_code"].astype(str).tolist() == ["1711", "1713", "3971"]
    assert c["revenue_yi"].tolist() == [0.35, 0.25005, 1.2]
    assert c["source_row"].tolist() == [4, 5, 6]
    assert c["source_sheet"].astype(str).unique().tolist() == ["Sheet1"]


def test_xlsx_several_sheets_and_an_empty_one(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "湖坊镇"
    ws.append(HEAD)
    ws.append([1, "南昌甲纺织有限公司", C[0], "湖坊镇", "1711", 3500, 2024])
    ws2 = wb.create_sheet("罗家镇")
    ws2.append(HEAD)
    ws2.append([1, "南昌乙纺织有限公司", C[1], "罗家镇", "1711", 2500, 2024])
    wb.create_sheet("说明")
    path = tmp_path / "towns_2024.xlsx"
    wb.save(path)
    r = clean_registers([path], plan=PLAN)
    assert r.clean["source_sheet"].astype(str).tolist() == ["湖坊镇", "罗家镇"]
    assert [f["sheet"] for f in r.summary["files"]] == ["湖坊镇", "罗家镇"]
    assert "sheet '说明' is empty" in r.summary["files"][0]["notes"]


@pytest.mark.parametrize("names", [
    ("企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入(万元)", "年份"),
    ("单位名称", "信用代码", "所属镇（街道）", "国民经济行业代码", "主营业务收入（万元）", "统计年度"),
    ("单位详细名称", "社会信用代码", "乡镇街道", "行业代码", "营业收入/万元", "年度"),
    ("企业名称 ", "统一社会信用代码\u3000", "镇街", "行业代码（GB/T 4754-2017）", "营业收入（单位：万元）", "年份"),
])
def test_heading_aliases(tmp_path, names):
    rows = [list(names), ["南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"]]
    r = clean_registers([write_csv(tmp_path / "r.csv", rows)], plan=PLAN)
    assert r.clean["revenue_yi"].tolist() == [0.35]
    assert set(r.summary["files"][0]["columns"]) == {"name", "uscc", "area", "industry_code", "revenue", "year"}


def test_header_key_strips_units_and_years():
    assert header_key("营业收入（万元）")[1:] == ("万元", None)
    assert "营业收入" in header_key("营业收入（万元）")[0]
    assert header_key("2024年营业收入(千元)")[1:] == ("千元", 2024)
    assert header_key("企业名称")[1:] == (None, None)


def test_find_header_prefers_the_row_naming_most_fields():
    cfg = load_register_config(plan=PLAN)
    rows = [["青山湖区规上工业企业名录（企业名称按笔画排序）"], ["企业名称", "备注"], HEAD, ["1", "x"]]
    h = find_header([[str(c) for c in r] for r in rows], cfg)
    assert h.first_row == 2 and h.n_rows == 1
    assert h.fields["name"] == 1 and h.fields["revenue"] == 5


def test_year_from_header_title_or_file_name(tmp_path):
    head = ["企业名称", "统一社会信用代码", "所在镇街", "行业代码", "2023年营业收入（万元）"]
    r = clean_registers([write_csv(tmp_path / "a.csv", [head, ["南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500"]])], plan=PLAN)
    assert r.clean["year"].tolist() == [2023] and r.summary["files"][0]["year_source"] == "revenue heading"
    head = ["企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入（万元）"]
    r = clean_registers([write_csv(tmp_path / "名录_2022.csv", [head, ["南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500"]])], plan=PLAN)
    assert r.clean["year"].tolist() == [2022] and r.summary["files"][0]["year_source"] == "file name"


def test_folder_input_reads_registers_and_skips_other_files(tmp_path):
    write_csv(tmp_path / "a_2024.csv", [HEAD, ROWS[0]])
    write_xlsx(tmp_path / "b_2024.xlsx", [HEAD, ROWS[1]])
    (tmp_path / "README.txt").write_text("not a register", encoding="utf-8")
    (tmp_path / "~$b_2024.xlsx").write_bytes(b"lock")
    files = list_register_files([tmp_path])
    assert [p.name for p in files] == ["a_2024.csv", "b_2024.xlsx"]
    r = clean_registers([tmp_path], plan=PLAN)
    assert r.clean["uscc"].tolist() == [C[0], C[1]]


# ------------------------------------------------------------------------------------------- bad input
def test_missing_required_column_names_it_and_the_accepted_headings(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["企业名称", "统一社会信用代码", "所在镇街", "行业代码", "年份"],
                                          ["南昌甲纺织有限公司", C[0], "罗家镇", "1711", "2024"]])
    with pytest.raises(InputError) as e:
        clean_registers([path], plan=PLAN)
    msg = str(e.value)
    assert str(path) in msg and "line 1" in msg
    assert "营业收入" in msg and "主营业务收入" in msg  # which one, and the names accepted


def test_neither_industry_code_nor_chain_column(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["企业名称", "统一社会信用代码", "所在镇街", "营业收入（万元）", "年份"],
                                          ["南昌甲纺织有限公司", C[0], "罗家镇", "3500", "2024"]])
    with pytest.raises(InputError, match="行业代码 nor 产业链"):
        clean_registers([path], plan=PLAN)


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", "\ufeff".encode("utf-8")])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="empty") as e:
        clean_registers([path], plan=PLAN)
    assert str(path) in str(e.value)


def test_no_header_found(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["a", "b", "c"], ["1", "2", "3"]] * 10)
    with pytest.raises(InputError, match="no header row found") as e:
        clean_registers([path], plan=PLAN)
    assert str(path) in str(e.value)


def test_xlsx_sheet_without_header(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [["甲", "乙"], [1, 2]])
    with pytest.raises(InputError, match="no header row found"):
        clean_registers([path], plan=PLAN)


def test_password_protected_workbook(tmp_path):
    # an encrypted OOXML file is an OLE2 compound file holding an EncryptionInfo stream
    path = tmp_path / "locked.xlsx"
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    path.write_bytes(ole2 + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512)
    with pytest.raises(InputError, match="password-protected") as e:
        clean_registers([path], plan=PLAN)
    assert str(path) in str(e.value)


def test_corrupt_ole2_workbook_under_either_name(tmp_path):
    # an OLE2 (legacy .xls) header with nothing behind it; real .xls files are read (test_register_workbooks.py)
    for name in ("old.xlsx", "old.xls"):
        path = tmp_path / name
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
        with pytest.raises(InputError, match="corrupt") as e:
            clean_registers([path], plan=PLAN)
        assert str(path) in str(e.value)


@pytest.mark.parametrize("content", [b"PK\x03\x04 this is not a zip", b"<html>not a workbook</html>"])
def test_corrupt_workbook(tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as e:
        clean_registers([path], plan=PLAN)
    assert str(path) in str(e.value) and ("corrupt" in str(e.value) or "not a valid" in str(e.value))


def test_year_missing_everywhere(tmp_path):
    head = ["企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入（万元）"]
    path = write_csv(tmp_path / "register.csv", [["青山湖区规上工业企业名录"], head,
                                                 ["南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500"]])
    with pytest.raises(InputError, match="no year anywhere") as e:
        clean_registers([path], plan=PLAN)
    assert str(path) in str(e.value) and "line 2" in str(e.value)


def test_plain_numbers_without_a_unit(tmp_path):
    head = ["企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入", "年份"]
    path = write_csv(tmp_path / "r.csv", [head, ["南昌甲纺织有限公司", C[0], "罗家镇", "1711", "1.2亿", "2024"],
                                          ["南昌乙纺织有限公司", C[1], "罗家镇", "1711", "3500", "2024"]])
    with pytest.raises(InputError) as e:
        clean_registers([path], plan=PLAN)
    msg = str(e.value)
    assert str(path) in msg and "line 3" in msg and "cell 营业收入" in msg and "unit" in msg


def test_values_with_their_own_units_need_no_column_unit(tmp_path):
    head = ["企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入", "年份"]
    path = write_csv(tmp_path / "r.csv", [head, ["南昌甲纺织有限公司", C[0], "罗家镇", "1711", "1.2亿", "2024"],
                                          ["南昌乙纺织有限公司", C[1], "罗家镇", "1711", "3500万", "2024"],
                                          ["南昌丙纺织有限公司", C[2], "罗家镇", "1711", "30000000元", "2024"]])
    assert clean_registers([path], plan=PLAN).clean["revenue_yi"].tolist() == [1.2, 0.35, 0.3]


def test_two_columns_for_one_field_is_an_error(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEAD + ["企业名称"], ROWS[0] + ["别名"]])
    with pytest.raises(InputError, match="two columns could be 企业名称"):
        clean_registers([path], plan=PLAN)


def test_missing_input(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        clean_registers([tmp_path / "nope.csv"], plan=PLAN)
    with pytest.raises(InputError, match="no register files"):
        clean_registers([tmp_path], plan=PLAN)


def test_ragged_rows_fall_back_to_the_careful_reader(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("2024年名录\n" + ",".join(HEAD) + "\n"
                    "1,南昌甲纺织有限公司," + C[0] + ",罗家镇,1711,3500,2024,多出来的备注\n"
                    "\n"
                    "2,南昌乙电子有限公司," + C[1] + ",高新园区,3971,12000\n", encoding="utf-8")
    r = clean_registers([path], plan=PLAN)
    assert r.summary["files"][0]["reader"] == "csv"
    assert r.clean["source_row"].tolist() == [3, 5]
    assert r.clean["year"].tolist() == [2024, 2024]  # the short row takes the title's year
    assert r.summary["blank_rows_skipped"] == 1
    assert pd.isna(r.clean["industry_name"]).all()


def test_a_header_without_rows_is_read_as_an_empty_register(tmp_path):
    r = clean_registers([write_csv(tmp_path / "r.csv", [["2024年名录"], HEAD])], plan=PLAN)
    assert r.summary["rows_read"] == 0 and r.clean.empty and r.panel.empty
    assert r.summary["files"][0]["notes"] == ["no data rows below the header"]


def test_workbook_with_only_empty_sheets(tmp_path):
    wb = Workbook()
    wb.create_sheet("另一个")
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="every sheet is empty") as e:
        clean_registers([path], plan=PLAN)
    assert str(path) in str(e.value)
