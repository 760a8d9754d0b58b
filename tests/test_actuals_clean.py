"""The actuals cleaner (统计月报 and tidy files): layouts, periods, units, quarantine, checks, bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from chainplan_lib.cleaning.actuals.clean import ACTUALS_COLUMNS, OUTPUT_COLUMNS, REASONS, clean_actuals, load_actuals
from chainplan_lib.cleaning.actuals.headings import Period, find_period
from chainplan_lib.cli import main as cli_main
from chainplan_lib.errors import ChainplanError, InputError


def _xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def _report_two_row_header(tmp_path: Path) -> Path:
    """A 月报 with a two-row header under merged cells, a unit note, 其中 rows, one sheet per release."""
    def sheet(month, rows):
        return [[f"2025年1—{month}月重点产业链主要指标", None, None, None, None], ["单位：亿元", None, None, None, None],
                ["指标名称", "本月", None, f"1—{month}月累计", None],
                [None, "绝对值", "同比增长(%)", "绝对值", "同比增长(%)"], *rows, ["注：示例。", None, None, None, None]]
    merges = ["A1:E1", "A3:A4", "B3:C3", "D3:E3"]
    return _xlsx(tmp_path / "yuebao_2025.xlsx", {
        "1—2月": sheet(2, [["规上工业营业收入", None, None, 200.0, 5.0], ["其中：现代针纺产业链", None, None, 50.0, 8.0],
                           ["冶金建材产业链", None, None, 40.0, -2.5]]),
        "1—3月": sheet(3, [["规上工业营业收入", 110.0, 6.0, 310.0, 5.5], ["其中：现代针纺产业链", 30.0, 9.0, 80.0, 8.4],
                           ["冶金建材产业链", 22.5, "—", 62.5, -1.0]]),
    }, {"1—2月": merges, "1—3月": merges})


# --------------------------------------------------------------------------------------------- periods
@pytest.mark.parametrize("text, expected", [
    ("2025年1—9月重点产业链主要指标", Period(2025, 9, True)),
    ("1-9月累计", Period(None, 9, True)),
    ("1～9月", Period(None, 9, True)),
    ("1至9月", Period(None, 9, True)),
    ("一至九月", Period(None, 9, True)),
    ("1—2月", Period(None, 2, True)),  # January and February are published together: month 2
    ("2025年9月统计月报", Period(2025, 9, None)),
    ("2025-09", Period(2025, 9, None)),
    ("2024年全年", Period(2024, 12, True)),
    ("本月", Period(None, None, None)),
    ("9月", Period(None, 9, False)),
    ("synthetic_actuals_2019_2022_tidy", Period(None, None, None)),  # two years: no single year
])
def test_find_period(text, expected):
    assert find_period(text) == expected


def test_a_range_not_starting_in_january_is_refused():
    with pytest.raises(InputError, match="7—9月.*starts in January"):
        find_period("2025年7—9月主要指标")


# --------------------------------------------------------------------------------------------- layouts
def test_report_with_two_row_header_merged_cells_and_a_unit_note(tmp_path, plan):
    r = clean_actuals([_report_two_row_header(tmp_path)], plan)
    a = r.actuals
    assert list(a.columns) == OUTPUT_COLUMNS and OUTPUT_COLUMNS[:len(ACTUALS_COLUMNS)] == ACTUALS_COLUMNS
    cum = a[a["cumulative"]].set_index(["month", "chain_id"])
    # 1—2月 is month 2; the 本月 cells of the 1—2月 release are blank and give no record
    assert cum.loc[(2, "industry"), "value"] == 200.0 and cum.loc[(2, "textiles"), "yoy_pct"] == 8.0
    assert cum.loc[(2, "metallurgy"), "yoy_pct"] == -2.5
    assert not ((a["month"] == 2) & ~a["cumulative"]).any()
    monthly = a[~a["cumulative"]].set_index("chain_id")
    assert monthly.loc["industry", "value"] == 110.0 and monthly.loc["industry", "yoy_pct"] == 6.0
    assert math.isnan(monthly.loc["metallurgy", "yoy_pct"])  # '—' is no growth, not an error
    assert set(a["year"]) == {2025} and set(a["area"]) == {"全区"} and set(a["indicator"]) == {"revenue"}
    # the workbook has two sheets: the source names the sheet
    assert set(a["source_file"].str.rsplit("#", n=1).str[1]) == {"1—2月", "1—3月"}
    assert set(a.loc[a["month"] == 3, "source_row"]) == {5, 6, 7}
    s = r.summary
    assert s["entries"] == s["clean"] + s["quarantined"] + s["duplicates_dropped"] and s["balanced"]
    assert s["rows_accounted"] and s["quarantined_by_reason"] == {"note_row": 2}
    assert s["files"][0]["header_rows"] == [3, 4]


def test_gb18030_report_with_unit_column_section_heading_and_wan_yuan(tmp_path, plan):
    text = ("2025年1-9月重点产业链主要指标\n指标名称,计量单位,1—9月累计,同比增长(%),本月,同比增长(%)\n"
            "一、营业收入,,,,,\n规上工业,万元,9683355,9.4,1213133,10.8\n其中：现代针纺,万元,2913707,11.4,374154,16.5\n"
            "二、规上工业企业单位数（个）,,,,,\n规上工业,个,512,3.0,,\n其中：现代针纺,个,240,,,\n")
    path = tmp_path / "m_gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    r = clean_actuals([path], plan)
    a = r.actuals.set_index(["indicator", "chain_id", "cumulative"])
    assert a.loc[("revenue", "industry", True), "value"] == pytest.approx(968.3355)  # 万元 → 亿元
    assert a.loc[("revenue", "textiles", False), "value"] == pytest.approx(37.4154)
    assert a.loc[("revenue", "textiles", True), "yoy_pct"] == 11.4
    assert a.loc[("enterprises", "industry", True), "value"] == 512  # 个 = 户, not scaled
    assert a.loc[("enterprises", "textiles", True), "value"] == 240
    assert (r.actuals["month"] == 9).all() and (r.actuals["year"] == 2025).all()
    assert r.summary["quarantined_by_reason"] == {"section_heading": 2}
    assert r.summary["files"][0]["encoding"] == "gb18030"


def _xls_report(path: Path) -> Path:
    """A legacy .xls 月报 as offices still send them (xlwt): merged title and two-row header, 万元 in a note,
    one sheet per release, numbers and a text placeholder."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for month, rows in ((8, [("规上工业营业收入", 86000.0, 8.1), ("其中：现代针纺产业链", 25500.0, 10.2),
                             ("电子信息产业链", 5400.0, "—")]),
                        (9, [("规上工业营业收入", 96833.55, 9.4), ("其中：现代针纺产业链", 29137.07, 11.4),
                             ("电子信息产业链", 6123.0, -1.5)])):
        ws = wb.add_sheet(f"1-{month}月")
        ws.write_merge(0, 0, 0, 2, f"2025年1—{month}月重点产业链主要指标（示例数据）")
        ws.write(1, 0, "单位：万元")
        ws.write_merge(2, 3, 0, 0, "指标名称")
        ws.write_merge(2, 2, 1, 2, f"1—{month}月累计")
        ws.write(3, 1, "绝对值")
        ws.write(3, 2, "同比增长(%)")
        for i, (label, value, yoy) in enumerate(rows, start=4):
            ws.write(i, 0, label)
            ws.write(i, 1, value)
            ws.write(i, 2, yoy)
    wb.save(str(path))
    return path


def test_legacy_xls_report_is_read_like_xlsx(tmp_path, plan):
    """.xls through calamine (cleaning/workbook.read_workbook): merged headings filled, 万元 → 亿元, sheets named."""
    folder = tmp_path / "yuebao"
    folder.mkdir()
    path = _xls_report(folder / "yuebao_2025.xls")
    assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real OLE2 .xls
    r = clean_actuals([folder], plan)  # found in a folder too
    a = r.actuals.set_index(["month", "chain_id"])
    assert a.loc[(9, "industry"), "value"] == pytest.approx(9.683355)  # 96,833.55 万元 = 9.683355 亿元
    assert a.loc[(9, "textiles"), "value"] == pytest.approx(2.913707) and a.loc[(9, "textiles"), "yoy_pct"] == 11.4
    assert a.loc[(9, "electronics"), "yoy_pct"] == -1.5 and math.isnan(a.loc[(8, "electronics"), "yoy_pct"])
    assert r.actuals["cumulative"].all() and set(r.actuals["year"]) == {2025} and len(r.actuals) == 6
    assert {Path(f).name for f in r.actuals["source_file"]} == {"yuebao_2025.xls#1-8月", "yuebao_2025.xls#1-9月"}
    assert sorted(set(r.actuals["source_row"])) == [5, 6, 7]
    s = r.summary
    assert s["balanced"] and s["rows_accounted"] and s["synthetic"]
    assert [f["reader"] for f in s["files"]] == ["calamine", "calamine"] and s["files"][0]["header_rows"] == [3, 4]


def test_tidy_csv_with_ids_periods_in_the_month_column_and_units(tmp_path, plan):
    path = tmp_path / "tidy.csv"
    path.write_text("\ufeffmonth,chain,area,indicator,value,unit,yoy_pct,cumulative\n"
                    "2024-09,textiles,全区,revenue,2400000,万元,7.5,true\n"
                    "2024年1—9月,規模以上工業,全区,营业收入,1030,亿元,5,\n"  # Traditional characters
                    "2024-09,现代针纺,罗家镇,营业收入,40,亿元,,false\n", encoding="utf-8")
    r = clean_actuals([path], plan)
    a = r.actuals.set_index(["chain_id", "area", "cumulative"])
    assert a.loc[("textiles", "全区", True), "value"] == 240.0 and a.loc[("textiles", "全区", True), "yoy_pct"] == 7.5
    assert a.loc[("industry", "全区", True), "value"] == 1030.0
    assert a.loc[("textiles", "罗家镇", False), "value"] == 40.0
    assert set(r.actuals["year"]) == {2024} and set(r.actuals["month"]) == {9}


def test_report_by_town_with_an_area_column_and_aliases(tmp_path, plan):
    path = _xlsx(tmp_path / "town.xlsx", {"S": [
        ["2025年1—6月现代针纺产业链营业收入（分镇街）"], ["镇街", "产业链", "1—6月累计（亿元）", "同比增长(%)"],
        ["罗家", "现代针纺", 30, 5], ["高新区", "现代针纺", 100, 6], ["合计", "现代针纺", 130, 5.8],
        ["火星镇", "现代针纺", 1, 1]]})
    r = clean_actuals([path], plan)
    assert dict(zip(r.actuals["area"], r.actuals["value"])) == {"全区": 130.0, "罗家镇": 30.0, "高新园区": 100.0}
    q = r.quarantine
    assert q["reason_code"].tolist() == ["area_unknown"] and "火星镇" in q["reason"].iloc[0]
    # another place's areas can be accepted by name
    other = clean_actuals([path], plan, areas=["罗家", "高新区", "火星镇"])
    assert sorted(other.actuals["area"]) == ["全区", "火星镇", "罗家", "高新区"]


# --------------------------------------------------------------------------------------------- quarantine
def test_every_row_ends_somewhere_with_a_reason(tmp_path, plan):
    path = _xlsx(tmp_path / "dirty.xlsx", {"S": [
        ["2025年1—9月重点产业链主要指标"], ["指标名称", "1—9月累计", "同比增长(%)"],
        ["规上工业营业收入（亿元）", 1000, 6],
        ["火箭产业", 3, 1],                          # names no chain
        ["其中：现代针纺", "abc", 1],            # not a number
        ["冶金建材", -5, 1],                      # negative
        ["电子信息", 50, "n.a.x"],                 # growth not a number
        ["食品医药", "—", None],                   # placeholder only
        ["四链合计", 500, 5],                      # a subtotal: computed, never read
        ["利润总额（亿元）", 80, 3],                # an indicator not tracked
        ["其中：现代针纺", 20, 3],                  # inherits 利润总额: not tracked either
        ["指标名称", "1—9月累计", "同比增长(%)"],     # header repeated
        ["规上工业企业单位数（亿元）", 500, 1],       # a count in 亿元
        ["@SUM(A1)", None, None],                    # formula-like label with no value
        ["资料来源：区统计局", None, None],
    ]})
    out = tmp_path / "out"
    r = clean_actuals([path], plan, out_dir=out)
    assert r.actuals[["chain_id", "value"]].values.tolist() == [["industry", 1000.0]]
    codes = dict(zip(r.quarantine["source_row"], r.quarantine["reason_code"]))
    assert codes == {4: "series_missing", 5: "value_not_number", 6: "value_negative", 7: "yoy_not_number",
                     8: "value_missing", 9: "subtotal_row", 10: "indicator_not_tracked",
                     11: "indicator_not_tracked", 12: "header_repeat", 13: "unit_mismatch", 14: "label_unknown",
                     15: "note_row"}
    assert set(r.quarantine["reason_code"]) <= set(REASONS)
    assert r.quarantine.loc[r.quarantine["source_row"] == 5, "reason"].iloc[0] == "数值“abc”不是数字"
    s = r.summary
    assert s["rows_read"] == 13 and s["rows_accounted"] and s["balanced"]  # rows 3–15, one entry each
    assert s["entries"] == 1 + 12 == s["clean"] + s["quarantined"] + s["duplicates_dropped"]
    # outputs: exactly the columns, formula-like text neutralised, the summary balanced
    written = pd.read_csv(out / "actuals.csv")
    assert list(written.columns) == OUTPUT_COLUMNS
    q = pd.read_csv(out / "actuals_quarantine.csv", dtype=str)
    assert q.loc[q["source_row"] == "14", "label"].iloc[0] == "'@SUM(A1)"
    assert json.loads((out / "actuals_summary.json").read_text(encoding="utf-8"))["balanced"] is True
    assert sorted(p.name for p in out.iterdir()) == ["actuals.csv", "actuals_checks.csv", "actuals_coverage.csv",
                                                     "actuals_duplicates_dropped.csv", "actuals_industries.csv",
                                                     "actuals_quarantine.csv", "actuals_revisions.csv",
                                                     "actuals_summary.json"]
    back = load_actuals(out, plan)
    pd.testing.assert_frame_equal(back, r.actuals)


def test_duplicates_are_dropped_revisions_kept_and_conflicts_within_a_release_quarantined(tmp_path, plan):
    row = "year,month,chain,indicator,value,unit\n"
    (tmp_path / "a.csv").write_text(row + "2024,9,现代针纺,营业收入,240,亿元\n2024,9,冶金建材,营业收入,180,亿元\n"
                                    "2024,9,电子信息,营业收入,50,亿元\n2024,9,电子信息,营业收入,51,亿元\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(row + "2024,9,现代针纺,营业收入,2400000,万元\n2024,9,冶金建材,营业收入,181,亿元\n",
                                    encoding="utf-8")
    r = clean_actuals([tmp_path], plan)
    # the same figure twice: kept once; a different value in a later file: the later file wins (file order)
    assert r.actuals[["chain_id", "value", "source_file"]].values.tolist() == [
        ["textiles", 240.0, str(tmp_path / "a.csv")], ["metallurgy", 181.0, str(tmp_path / "b.csv")]]
    assert len(r.duplicates) == 1 and r.duplicates["kept_file"].iloc[0].endswith("a.csv")
    rev = r.revisions.iloc[0]
    assert len(r.revisions) == 1 and (rev["value"], rev["kept_value"], rev["rule"]) == (180.0, 181.0, "file_order")
    assert rev["source_file"].endswith("a.csv") and rev["kept_file"].endswith("b.csv")
    # two values for one figure in one file (one release): nothing says which is right, both quarantined
    conflict = r.quarantine[r.quarantine["reason_code"] == "duplicate_conflict"]
    assert len(conflict) == 2 and "= 50" in conflict["reason"].iloc[0] and "= 51" in conflict["reason"].iloc[0]
    s = r.summary
    assert s["balanced"] and s["entries"] == 6 == s["clean"] + s["quarantined"] + s["duplicates_dropped"] + s["revised"]


# --------------------------------------------------------------------------------------------- checks
def test_checks_are_reported_not_forced(tmp_path, plan):
    path = tmp_path / "t.csv"
    path.write_text("year,month,chain,indicator,value,unit,yoy_pct\n"
                    "2024,9,规上工业,营业收入,1000,亿元,\n"
                    "2025,8,规上工业,营业收入,1150,亿元,6.0\n"
                    "2025,9,规上工业,营业收入,1100,亿元,6.5\n"   # less than 1—8月: a decrease
                    "2025,9,现代针纺,营业收入,700,亿元,\n2025,9,冶金建材,营业收入,500,亿元,\n", encoding="utf-8")
    r = clean_actuals([path], plan)
    c = r.checks.set_index(["check", "month"])
    dec = c.loc[("cumulative_non_decreasing", 9)]
    assert dec["status"] == "decrease" and dec["difference"] == -50.0
    over = c.loc[("chains_within_industry", 9)]
    assert over["status"] == "exceeds" and over["value"] == 1200.0 and over["compare_to"] == 1100.0
    yoy = c.loc[("yoy_published_vs_computed", 9)]
    # 1100 / 1000 − 1 = 10.0 %; published 6.5 %: 3.5 pp apart, explained by the comparable basis (可比口径)
    assert yoy["compare_to"] == pytest.approx(10.0) and yoy["difference"] == pytest.approx(-3.5)
    assert yoy["status"] == "differs" and "可比口径" in yoy["note"]
    assert len(r.actuals) == 5  # nothing was dropped or changed by a failing check


def test_check_differences_are_printed_without_binary_noise(tmp_path, plan):
    """14.53 − 10.66 is 3.869999999999999 in binary floating point; the checks file says 3.87 (6 decimals of
    亿元 keep a figure of 千元 exact: 0.00001)."""
    path = tmp_path / "t.csv"
    path.write_text("year,month,chain,indicator,value,unit,yoy_pct\n"
                    "2025,3,电子信息,营业收入,10.66,亿元,\n2025,4,电子信息,营业收入,14.53,亿元,\n"
                    "2025,4,规上工业,营业收入,14.53,亿元,\n"
                    "2025,5,电子信息,营业收入,0.1,亿元,\n2025,5,冶金建材,营业收入,0.2,亿元,\n"
                    "2025,5,规上工业,营业收入,0.30001,亿元,\n", encoding="utf-8")
    c = clean_actuals([path], plan).checks.set_index(["check", "chain_id", "month"])
    assert repr(float(c.loc[("cumulative_non_decreasing", "electronics", 4), "difference"])) == "3.87"
    within = c.loc[("chains_within_industry", "all", 5)]
    assert repr(float(within["value"])) == "0.3" and repr(float(within["difference"])) == "1e-05"   # 0.1 + 0.2 ≠ 0.3 in binary


# --------------------------------------------------------------------------------------------- bad input
def _error(capsys, *argv) -> str:
    assert cli_main(list(argv)) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chainplan: error:") and "\n" not in err and "Traceback" not in err
    return err


def test_bad_inputs_are_one_line_errors_naming_file_and_place(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty.csv" in _error(capsys, "actuals", "clean", str(empty), "--out", str(tmp_path / "o"))
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00\x81\xff\x80\n")
    assert "junk.csv" in _error(capsys, "actuals", "clean", str(junk), "--out", str(tmp_path / "o"))
    noheader = tmp_path / "noheader.csv"
    noheader.write_text("hello,world\n1,2\n", encoding="utf-8")
    assert "no header row" in _error(capsys, "actuals", "clean", str(noheader), "--out", str(tmp_path / "o"))
    noperiod = tmp_path / "noperiod.csv"
    noperiod.write_text("重点产业链主要指标\n产业链,本年累计（亿元）\n现代针纺,100\n", encoding="utf-8")
    err = _error(capsys, "actuals", "clean", str(noperiod), "--out", str(tmp_path / "o"))
    assert "noperiod.csv" in err and "line 2" in err and "cell B2" in err and "has no year or month" in err
    quarter = tmp_path / "quarter.csv"
    quarter.write_text("2025年7—9月主要指标\n产业链,累计（亿元）\n现代针纺,100\n", encoding="utf-8")
    assert "starts in January" in _error(capsys, "actuals", "clean", str(quarter), "--out", str(tmp_path / "o"))
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    assert "corrupt.xlsx" in _error(capsys, "actuals", "clean", str(corrupt), "--out", str(tmp_path / "o"))
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    assert "old.xls" in _error(capsys, "actuals", "clean", str(old), "--out", str(tmp_path / "o"))
    assert "no such file" in _error(capsys, "actuals", "clean", str(tmp_path / "missing.csv"))
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_nothing_is_written_under_data_raw(tmp_path, plan):
    from chainplan_lib.paths import raw_dir

    src = tmp_path / "t.csv"
    src.write_text("year,month,chain,indicator,value,unit\n2024,9,现代针纺,营业收入,1,亿元\n", encoding="utf-8")
    with pytest.raises(ChainplanError, match="refusing to write under"):
        clean_actuals([src], plan, out_dir=raw_dir() / "actuals" / "out")
    assert not (raw_dir() / "actuals" / "out").exists()


def test_towns_named_in_labels_and_section_headings(tmp_path, plan):
    path = _xlsx(tmp_path / "labels.xlsx", {"S": [
        ["2025年1—6月重点产业链营业收入"], ["指标名称", "1—6月累计（亿元）"],
        ["全区规上工业营业收入", 500], ["罗家镇现代针纺", 30],   # the label names the town
        ["一、高新园区", None], ["现代针纺", 100], ["电子信息", 40]]})  # a town heading for the rows below
    r = clean_actuals([path], plan)
    got = {(x.area, x.chain_id): x.value for x in r.actuals.itertuples()}
    assert got == {("全区", "industry"): 500, ("罗家镇", "textiles"): 30, ("高新园区", "textiles"): 100,
                   ("高新园区", "electronics"): 40}
    assert r.summary["quarantined_by_reason"] == {"section_heading": 1}
