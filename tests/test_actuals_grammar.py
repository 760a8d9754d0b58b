"""The header grammar of real 统计月报, one convention per test, each checked against figures worked out by hand.

Indicator groups over two or three header rows (merged or repeated); 本月 / 1—N月累计 / 本月止累计 / 上年同期 / 同比
/ 累计增长 in any order; units from a 单位 line, a 计量单位 line, a heading, a label or a unit column; the row marks
#, 其中：and 在总计中: (an of-which row is never added to the row it is part of); growth cells as bureaus print
them; 主营业务收入 (the name before 2019) read as 营业收入; several tables on one sheet; a bad table's one line.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from _plans import ROOT
from openpyxl import Workbook

from chainplan_lib.cleaning.actuals.clean import clean_actuals
from chainplan_lib.cleaning.actuals.labels import load_layout, parse_growth
from chainplan_lib.errors import InputError
from chainplan_lib.plan.load import read_plan

REALTABLES = ROOT / "tests" / "data" / "plans" / "realtables-2022.toml"


@pytest.fixture(scope="module")
def test_plan():
    return read_plan(REALTABLES)


def _xlsx(path: Path, rows: list[list], merges: list[str] = (), sheet: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def _csv(path: Path, rows: list[list]) -> Path:
    path.write_text("\n".join(",".join("" if c is None else str(c) for c in r) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def _get(r, chain, *, cumulative=True, indicator="revenue", area="全区"):
    a = r.actuals
    hit = a[(a["chain_id"] == chain) & (a["cumulative"] == cumulative) & (a["indicator"] == indicator)
            & (a["area"] == area)]
    assert len(hit) == 1, (chain, cumulative, indicator, a[["chain_id", "cumulative", "indicator", "value"]])
    return hit.iloc[0]


# --------------------------------------------------------------------------------------------- headers
def test_indicator_groups_over_two_merged_header_rows_by_industry(tmp_path, test_plan):
    """The issue's table: 营业收入 / 利润总额 over 1-2月 and 比去年同期增长(%), a 单位 line, rows by 行业."""
    path = _xlsx(tmp_path / "t.xlsx", [
        ["2025年1-2月规模以上工业企业主要经济效益指标(按行业分组)"], ["单位：亿元"],
        ["行业名称", "营业收入", None, "利润总额", None],
        [None, "1-2月", "比去年同期增长(%)", "1-2月", "比去年同期增长(%)"],
        ["合计", 500, 5.0, 40, 3.0],
        ["农副食品加工业", 40, 10.0, 3, 1.0],
        ["食品制造业", 30, "1.4倍", 2, "--"],
        ["酒、饮料和精制茶制造业", 20, "持平", 1, "下降5.2"]],
        ["A1:E1", "A2:E2", "A3:A4", "B3:C3", "D3:E3"])
    r = clean_actuals([path], test_plan)
    assert r.summary["files"][0]["header_rows"] == [3, 4]
    total = _get(r, "industry")
    assert (total["year"], total["month"], total["value"], total["yoy_pct"]) == (2025, 2, 500.0, 5.0)
    food = _get(r, "food")
    base = 40 / 1.10 + 30 / 2.40 + 20 / 1.00  # 1.4倍 = 增长1.4倍 = +140 %; 持平 = 0
    assert food["value"] == pytest.approx(90.0, abs=0.01) and food["coverage"] == "full"
    assert food["yoy_pct"] == pytest.approx((90 / base - 1) * 100, abs=0.05)
    assert food["yoy_pct"] == pytest.approx(30.69, abs=0.05) and food["yoy_basis"] == "growth"
    # 利润总额's columns: an indicator the plan does not track, each cell quarantined as such
    profit = r.quarantine[r.quarantine["column"].str.startswith("利润总额")]
    assert len(profit) == 4 and set(profit["reason_code"]) == {"indicator_not_tracked"}
    assert r.summary["balanced"] and r.summary["rows_accounted"]


@pytest.mark.parametrize("merged", [True, False])
def test_three_header_rows_merged_or_repeated(tmp_path, plan, merged):
    head = [["指标名称", "营业收入", "营业收入", "营业收入", "营业收入"],
            ["指标名称", "本月", "本月", "1—3月累计", "1—3月累计"],
            ["指标名称", "绝对值", "同比(%)", "绝对值", "同比(%)"]]
    if merged:  # an office's merged cells: the text in the first cell only
        head = [["指标名称", "营业收入", None, None, None], [None, "本月", None, "1—3月累计", None],
                [None, "绝对值", "同比(%)", "绝对值", "同比(%)"]]
    rows = [["2025年1—3月重点产业链主要指标"], ["单位：亿元"], *head,
            ["规上工业", 110.0, 6.0, 310.0, 5.5], ["其中：现代针纺", 30.0, 9.0, 80.0, 8.4]]
    path = _xlsx(tmp_path / "t.xlsx", rows, ["A3:A5", "B3:E3", "B4:C4", "D4:E4"] if merged else [])
    r = clean_actuals([path], plan)
    assert r.summary["files"][0]["header_rows"] == [3, 4, 5]
    assert _get(r, "industry")[["value", "yoy_pct"]].tolist() == [310.0, 5.5]
    assert _get(r, "textiles", cumulative=False)[["value", "yoy_pct", "month"]].tolist() == [30.0, 9.0, 3]


def test_value_columns_in_any_order_with_prior_year_and_cumulative_growth(tmp_path, test_plan):
    """累计增长 first, then 本月, 本月止累计, 本月增长, 上年同期: each growth and prior-year column finds its figure."""
    path = _xlsx(tmp_path / "t.xlsx", [
        ["2025年1-6月规模以上工业主要指标"], ["计量单位：亿元"],
        ["项目", "累计增长(%)", "本月", "本月止累计", "本月增长(%)", "上年同期"],
        ["工业总产值", 8.0, 100.0, 600.0, 9.0, 555.0],
        ["汽车制造业", -2.0, 40.0, 250.0, 1.0, 255.0],
        ["铁路、船舶、航空航天和其他运输设备制造业", 10.0, 10.0, 50.0, 12.0, 45.0]])
    r = clean_actuals([path], test_plan)
    ind = _get(r, "industry", indicator="output")
    assert (ind["value"], ind["yoy_pct"], ind["month"]) == (600.0, 8.0, 6)  # 本月止累计 is cumulative
    month = _get(r, "industry", cumulative=False, indicator="output")
    assert (month["value"], month["yoy_pct"]) == (100.0, 9.0)
    eq = _get(r, "equipment", indicator="output")  # 36 + 37, growth from the printed 上年同期
    assert eq["value"] == pytest.approx(300.0, abs=0.01) and eq["yoy_basis"] == "prior_year"
    assert eq["yoy_pct"] == pytest.approx((300 / 300 - 1) * 100, abs=0.05)
    eqm = _get(r, "equipment", cumulative=False, indicator="output")  # no 上年同期 for 本月: from each growth
    assert eqm["value"] == pytest.approx(50.0) and eqm["yoy_basis"] == "growth"
    assert eqm["yoy_pct"] == pytest.approx((50 / (40 / 1.01 + 10 / 1.12) - 1) * 100, abs=0.05)
    assert eqm["yoy_pct"] == pytest.approx(3.02, abs=0.05)  # 50 / (39.60 + 8.93) − 1


# --------------------------------------------------------------------------------------------- units
@pytest.mark.parametrize("where, factor", [
    ("unit_line", 1e-5),        # 单位：千元
    ("measure_line", 1e-4),     # 计量单位：万元
    ("heading", 1e-4),          # 1—9月累计（万元）
    ("label", 1.0),             # 营业收入（亿元）in the row label
    ("unit_column", 1e-4),      # a 计量单位 column
])
def test_units_from_a_line_a_heading_a_label_or_a_column(tmp_path, plan, where, factor):
    value = {1e-5: 2913707.0, 1e-4: 291370.7, 1.0: 29.13707}[factor]
    title = ["2025年1—9月重点产业链主要指标"]
    head = ["指标名称", "1—9月累计", "同比增长(%)"]
    label = "营业收入"
    row = [value, 11.4]
    extra = []
    if where == "unit_line":
        extra = [["单位：千元"]]
    elif where == "measure_line":
        extra = [["计量单位：万元"]]
    elif where == "heading":
        head = ["指标名称", "1—9月累计（万元）", "同比增长(%)"]
    elif where == "label":
        label = "营业收入（亿元）"
    else:
        head = ["指标名称", "计量单位", "1—9月累计", "同比增长(%)"]
        row = ["万元", value, 11.4]
    path = _xlsx(tmp_path / "t.xlsx", [title, *extra, head, [label], ["其中：现代针纺", *row]])
    r = clean_actuals([path], plan)
    tx = _get(r, "textiles")
    assert tx["value"] == pytest.approx(29.13707) and tx["yoy_pct"] == 11.4


def test_a_money_figure_without_any_unit_is_quarantined_not_guessed(tmp_path, plan):
    path = _xlsx(tmp_path / "t.xlsx", [["2025年1—9月重点产业链主要指标"], ["指标名称", "1—9月累计"],
                                       ["现代针纺营业收入", 291370.7]])
    r = clean_actuals([path], plan)
    assert r.actuals.empty and r.quarantine["reason_code"].tolist() == ["unit_missing"]


def test_main_business_revenue_the_name_before_2019_is_read_as_revenue(tmp_path, test_plan):
    path = _xlsx(tmp_path / "t.xlsx", [["2018年1-11月规模以上工业主要指标"], ["指标名称", "1-11月", "增长(%)"],
                                       ["主营业务收入(亿元)", 812.4, 7.7], ["营业收入(亿元)", None, None]])
    r = clean_actuals([path], test_plan)
    rev = _get(r, "industry")
    assert (rev["year"], rev["month"], rev["value"], rev["yoy_pct"]) == (2018, 11, 812.4, 7.7)


# --------------------------------------------------------------------------------------------- row marks
def test_of_which_rows_are_marked_and_never_added_to_the_row_they_are_part_of(tmp_path, test_plan):
    path = _xlsx(tmp_path / "t.xlsx", [
        ["2025年1-6月规模以上工业产值"], ["单位：亿元"], ["项目", "1-6月", "同比增长(%)"],
        ["工业总产值", 1000.0, 5.0], ["在总计中:", None, None],
        ["汽车制造业", 100.0, 10.0], ["#3612 新能源车整车制造", 30.0, 50.0],  # a class, of which of 36
        ["东镇", 300.0, 4.0], ["#西街道", 120.0, 6.0]])                     # an area and an of-which "area"
    r = clean_actuals([path], test_plan)
    eq = _get(r, "equipment", indicator="output")
    assert eq["value"] == pytest.approx(100.0) and eq["divisions_found"] == "36"  # not 130
    ind = r.industry_rows.set_index("code")
    assert ind.loc["3612", "part_of"] == "汽车制造业" and bool(ind.loc["3612", "of_which"])
    west = _get(r, "industry", indicator="output", area="西街道")
    assert west["part_of"] == "东镇" and _get(r, "industry", indicator="output", area="东镇")["part_of"] == ""
    assert r.quarantine["reason_code"].tolist() == ["section_heading"]  # 在总计中: opens a group
    # the chains ≤ industry check adds no of-which row
    chk = r.checks[r.checks["check"] == "chains_within_industry"]
    assert chk["value"].tolist() == [100.0] and chk["status"].tolist() == ["ok"]


def test_qizhong_chain_rows_are_parts_of_industry_read_never_summed_into_it(tmp_path, plan):
    path = _xlsx(tmp_path / "t.xlsx", [["2025年1—9月重点产业链主要指标"], ["指标名称", "1—9月累计（亿元）"],
                                       ["规上工业营业收入", 1000.0], ["其中：现代针纺产业链", 291.4],
                                       ["冶金建材产业链", 194.3]])
    r = clean_actuals([path], plan)
    assert _get(r, "industry")["value"] == 1000.0  # as printed, not 1000 + 291.4 + 194.3 nor 485.7
    assert _get(r, "textiles")["value"] == 291.4 and _get(r, "metallurgy")["value"] == 194.3


def test_breakdowns_by_ownership_and_size_are_quarantined_as_such(tmp_path, test_plan):
    path = _xlsx(tmp_path / "t.xlsx", [["2020年1-9月规模以上工业增加值"], ["单位：亿元"], ["项目", "1-9月", "增长(%)"],
                                       ["合计", 900.0, 2.0], ["按经济类型分组", None, None], ["其中:国有企业", 300.0, 1.0],
                                       ["按企业规模分组", None, None], ["其中:大型企业", 500.0, 3.0]])
    r = clean_actuals([path], test_plan)
    assert _get(r, "industry", indicator="value_added")["value"] == 900.0  # 合计 of a table by no chain: the total
    assert r.quarantine["reason_code"].tolist() == ["section_heading", "breakdown_not_tracked", "section_heading",
                                                    "breakdown_not_tracked"]
    assert r.quarantine["value_text"].tolist()[1] == "300 | 1"  # the row's figures kept as printed


# --------------------------------------------------------------------------------------------- growth cells
@pytest.mark.parametrize("text, pct", [
    ("1.4倍", 140.0), ("持平", 0.0), ("下降5.2", -5.2), ("增长5.2", 5.2), ("-5.2%", -5.2), ("5.2%", 5.2),
    ("－5.2", -5.2), ("--", None), ("——", None), ("…", None), ("", None), ("下降1.4倍", -140.0),
])
def test_growth_cells_as_bureaus_print_them(plan, text, pct):
    value, status = parse_growth(text, load_layout(plan))
    assert (value, status) == ((pct, "ok") if pct is not None else (None, "missing"))


def test_growth_cells_in_a_table_are_growth_never_yoy_not_number(tmp_path, plan):
    cells = ["下降5.2", "增长5.2", "-5.2%", "持平", "1.4倍", "——"]
    chains = ["现代针纺", "冶金建材", "电子信息", "食品医药", "规上工业"]
    rows = [[c, 100.0 + k, cells[k]] for k, c in enumerate(chains)]
    path = _xlsx(tmp_path / "t.xlsx", [["2025年1—9月重点产业链营业收入"], ["指标名称", "1—9月累计（亿元）", "同比增长(%)"],
                                       *rows])
    r = clean_actuals([path], plan)
    got = dict(zip(r.actuals["chain_id"], r.actuals["yoy_pct"]))
    assert got == {"industry": 140.0, "textiles": -5.2, "metallurgy": 5.2, "electronics": -5.2, "food_pharma": 0.0}
    assert r.quarantine.empty
    odd = tmp_path / "odd.xlsx"
    _xlsx(odd, [["2025年1—9月重点产业链营业收入"], ["指标名称", "1—9月累计（亿元）", "同比增长(%)"],
                ["现代针纺", 100.0, "1.54个百分点"], ["冶金建材", 50.0, "——"]])
    q = clean_actuals([odd], plan)
    assert q.quarantine["reason_code"].tolist() == ["yoy_not_number"]  # a change in points is not a growth rate
    assert math.isnan(_get(q, "metallurgy")["yoy_pct"])


# --------------------------------------------------------------------------------------------- several tables
def test_several_tables_on_one_sheet_each_read_and_reported(tmp_path, test_plan):
    path = _xlsx(tmp_path / "t.xlsx", [
        ["2025年1-9月进度数据"], ["1、规模以上工业"], ["", "9月", "1-9月累计", "累计"], ["", None, None, "增长%"],
        ["规模以上工业增加值(亿元)", 120.6, 1014.28, 15.9],
        ["2、工业企业经济效益"], ["", "8月", "1-8月累计", "累计"], ["", None, None, "增长%"],
        ["营业收入(亿元)", "——", 4161.09, 26.0]], ["A3:A4", "B3:B4", "C3:C4", "A7:A8", "B7:B8", "C7:C8"])
    r = clean_actuals([path], test_plan)
    files = r.summary["files"]
    assert [(f["table"], f["header_rows"], f["rows_read"]) for f in files] == [(1, [3, 4], 1), (2, [7, 8], 1)]
    va = _get(r, "industry", indicator="value_added")
    assert (va["month"], va["value"], va["yoy_pct"]) == (9, 1014.28, 15.9)
    assert _get(r, "industry", cumulative=False, indicator="value_added")["value"] == 120.6
    rev = _get(r, "industry")  # the second table is a month behind: 1—8月
    assert (rev["year"], rev["month"], rev["value"], rev["yoy_pct"]) == (2025, 8, 4161.09, 26.0)
    assert "表 2]" in r.summary_text()


def test_a_bad_table_is_one_line_naming_file_sheet_table_row_and_column(tmp_path, test_plan, capsys):
    from chainplan_lib.cli import main as cli_main

    path = _xlsx(tmp_path / "bad.xlsx", [
        ["进度数据"], ["项目", "2025年1-9月累计", "累计增长%"], ["规模以上工业增加值(亿元)", 1014.28, 15.9],
        ["2、工业企业经济效益"], ["项目", "本月", "增长%"], ["营业收入(亿元)", 4161.09, 26.0]], sheet="进度")
    with pytest.raises(InputError) as e:
        clean_actuals([path], test_plan)
    msg = str(e.value)
    assert "bad.xlsx" in msg and "table 2" in msg and "line 5" in msg and "cell B5" in msg and "本月" in msg
    assert cli_main(["actuals", "clean", str(path), "--plan", str(REALTABLES), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chainplan: error:") and "\n" not in err and "table 2" in err
