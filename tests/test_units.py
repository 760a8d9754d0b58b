"""Units are declared, not guessed: the presentation schema (present/units.py) and the tables built on it.

The check of every table of every executed notebook against its declarations is in tests/test_pages.py
(it needs a batch run).
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from _plans import PLAN, bundled_district

from chainplan_lib.analysis import compare, consistency, growth, regional, shares, sizebands
from chainplan_lib.present import briefing, tables
from chainplan_lib.present import consistency as show_consistency
from chainplan_lib.present import growth as show_growth
from chainplan_lib.present import register as show_register
from chainplan_lib.present import shares as show_shares
from chainplan_lib.present import targets as show_targets
from chainplan_lib.present import units as U


@pytest.fixture(scope="module")
def data():
    tgt = bundled_district().targets
    register = bundled_district().register
    return tgt, register


def _cells(html: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", html)[1:]]


def _headers(html: str) -> list[str]:
    return re.findall(r"<th[^>]*>([^<]*)</th>", html)


def test_units_format_and_parse_back():
    assert U.YI.format(35.1594) == "35.2" and U.YI.format(1000) == "1,000.0"
    assert U.HU.format(255.0) == "255" and U.HU.format(1234) == "1,234"
    assert U.PCT.format(0.131703) == "13.2%" and U.PCT2.format(0.131703) == "13.17%"
    assert U.PP.format(1.523) == "+1.5" and U.PP.format(-0.1) == "-0.1" and U.PP.format(-0.00001) == "0.0"  # no sign on zero
    assert U.YI.format(-0.04) == "0.0"  # no "-0.0"
    assert U.YEAR.format(2024) == "2024" and U.LINE.format(1234) == "1234"
    assert U.FLAG.format(True) == "是" and U.FLAG.format(False) == "否"
    for u in (U.YI, U.HU, U.PCT, U.PP, U.YEAR):
        assert u.format(float("nan")) == "—" and u.format(None) == "—" and u.format(pd.NA) == "—"
    assert U.YI.format(U.Marked(39.0, "†")) == "39.0†" and U.YI.format(U.Marked(float("nan"), "缺")) == "缺"
    assert U.PCT.parse("13.2%") == pytest.approx(0.132) and U.YI.parse("1,000.0") == 1000.0
    assert U.PP.parse("+1.5") == 1.5 and U.YI.parse("—") is None
    assert U.YI.matches("35.2", 35.1594) and not U.YI.matches("3515.9%", 35.1594)


def test_round_parts_by_hand():
    """Largest remainder: parts add up to the printed whole; each part moves by at most one unit of the last digit."""
    # food 2024 shares 44/74, 29/74, 1/74 = 59.46 %, 39.19 %, 1.35 %: one by one 59 + 39 + 1 = 99; the largest
    # remainder (.46) goes up → 60 + 39 + 1
    assert [U.PCT0.format(v) for v in U.round_shares([44 / 74, 29 / 74, 1 / 74], U.PCT0)] == ["60%", "39%", "1%"]
    # at one decimal: tenths 594.59, 391.89, 13.51 → floors 594 + 391 + 13 = 998, the two largest remainders
    # (.89, .59) go up: 59.5 + 39.2 + 1.3 = 100.0
    assert [U.PCT.format(v) for v in U.round_shares([44 / 74, 29 / 74, 1 / 74])] == ["59.5%", "39.2%", "1.3%"]
    # signed parts (shift-share 南钢街道 2023→2024): 24.6435, −15.5601, −1.0834 of +8.0 → 24.7 − 15.6 − 1.1
    assert [U.YI_SIGNED.format(v) for v in U.round_parts([24.6435, -15.5601, -1.0834], 8.0, U.YI_SIGNED)] == [
        "+24.7", "-15.6", "-1.1"]
    # equal parts stay equal when the whole allows it: 58.06, 19.35, 11.29, 11.29 % → 58.1 + 19.3 + 11.3 + 11.3
    # (one by one: 58.1 + 19.4 + 11.3 + 11.3 = 100.1, the "占增量比重 100.1" of issue 20)
    assert [U.PCT.format(v) for v in U.round_parts([180 / 310, 60 / 310, 35 / 310, 35 / 310], 1.0, U.PCT)] == [
        "58.1%", "19.3%", "11.3%", "11.3%"]
    # tied areas print equal (冶金建材 户数 2023: 9, 9, 3 of 21 = 42.857, 42.857, 14.286 %): by remainder alone
    # 14.286 goes up first and one of the tied pair must then go up alone (42.9 ≠ 42.8); the pair goes up instead
    assert [U.PCT.format(v) for v in U.round_shares([9 / 21, 9 / 21, 3 / 21])] == ["42.9%", "42.9%", "14.2%"]
    # exact parts never move; a third each must split
    assert U.round_parts([0.25, 0.25, 0.5], 1.0, U.PCT) == [0.25, 0.25, 0.5]
    assert sorted(U.PCT.format(v) for v in U.round_shares([1 / 3] * 3)) == ["33.3%", "33.3%", "33.4%"]
    # a whole that is not the parts' exact sum (a printed difference): the rest goes on the largest part
    assert sum(U.round_parts([0.46, 0.46], 1.0, U.YI)) == pytest.approx(1.0)
    assert all(math.isnan(v) for v in U.round_parts([float("nan"), 1.0], 1.0, U.YI)[:1])


def test_printed_difference():
    # required 17.839 % vs planned 16.248 %: printed 17.8 % and 16.2 % → +1.6 百分点 (the rates' own difference 1.59
    # printed "+1.5"… was what issue 20 saw)
    assert U.printed_difference(0.178394, 0.162476, U.PCT) == pytest.approx(1.6)
    assert U.printed_difference(360.48956, 370.0, U.YI) == pytest.approx(-9.5)
    assert math.isnan(U.printed_difference(float("nan"), 1.0, U.YI))
    assert U.shown_number(0.131703, U.PCT) == pytest.approx(0.132) and U.shown_number(None, U.YI) != 0


def test_present_applies_the_rule_to_declared_columns(data):
    """tables.present: extra_pp is the difference of the printed rates; shares of an increase add up to 100.0 %."""
    tgt, register = data
    req = growth.required_growth(register.panel, tgt.table, actual_year=2024, plan=PLAN)
    shown = tables.shown(tables.present(req, plan=PLAN)).set_index("产业链")
    # textiles from the register 360.48956 to 500 in 2026: (500/360.48956)^½ − 1 = 17.77 % → 17.8 %; planned
    # (500/370)^½ − 1 = 16.25 % → 16.2 %; shown +1.6, not the +1.5 of 1.53 pp
    assert (shown.loc["现代针纺", "所需年均增长"], shown.loc["现代针纺", "规划年均增长"],
            shown.loc["现代针纺", "需多增（百分点）"]) == ("17.8%", "16.2%", "+1.6")
    for _, r in shown.iterrows():
        assert round(float(r["所需年均增长"][:-1]) - float(r["规划年均增长"][:-1]), 1) == float(r["需多增（百分点）"])
    res = consistency.check_consistency(tgt.table, plan=PLAN)
    contrib = tables.shown(tables.present(res.contributions, plan=PLAN))
    # 58.06 + 19.35 + 11.29 + 11.29 → 58.1 + 19.3 + 11.3 + 11.3 = 100.0 (one by one 100.1)
    assert list(contrib["占增量比重"]) == ["58.1%", "19.3%", "11.3%", "11.3%"]
    assert round(sum(float(v[:-1]) for v in contrib["基年权重"]), 1) == 100.0


def test_goal_words_say_what_a_rate_is_above_or_below():
    """Issue 20: "更保守" / "更积极" → what the rate is below or above."""
    assert tables.goal_words("about", "less_ambitious", 0.10) == "低于10%左右"
    assert tables.goal_words("about", "more_ambitious", 0.10) == "高于10%左右"
    assert tables.goal_words("about", "consistent", 0.10) == "在10%左右范围内"
    assert tables.goal_words("at_least", "less_ambitious", 0.12, "以上") == "低于12%"
    assert tables.goal_words("at_most", "more_ambitious", 0.10, "以内") == "超过10%"
    assert tables.goal_words("about", "untested", 0.10) == "未检验"


def test_headers_carry_units_once():
    assert U.header("全区增长分量", U.YI) == "全区增长分量（亿元）"
    assert U.header("目标（亿元）", U.YI) == "目标（亿元）"
    assert U.header("完成率", U.PCT) == "完成率"  # the cells say %
    assert U.header("占比变化", U.PP) == "占比变化（百分点）"


def test_shift_share_amounts_are_yi_not_percent(data):
    """The bug that started this: 全区增长分量 shown as 3515.7% (311 × 78/690 = 35.157 亿元)."""
    tgt, _ = data
    for col in ("value_start", "value_end"):
        assert U.COLUMNS[col].unit is U.YI, col
    for col in ("change", "district_growth", "chain_mix", "area_specific"):
        assert U.COLUMNS[col].unit is U.YI_SIGNED, col
    df, kw = show_shares.shift_share(regional.shift_share(tgt.table, 2023, 2024, plan=PLAN), basis="targets", plan=PLAN)
    html = tables.to_html(df, **kw)
    heads = _headers(html)
    assert heads == ["区域", "起始目标（亿元）", "终止目标（亿元）", "计划增量（亿元）", "全区增长分量（亿元）",
                     "产业结构分量（亿元）", "区域竞争分量（亿元）"]
    rows = {r[0]: r for r in _cells(html)}
    assert rows["高新园区"][4] == "+35.2"          # 311 × (768 − 690) / 690 = 35.157
    assert "%" not in html.split("<tbody>")[1].split("</tbody>")[0]


def test_counts_are_integers_and_money_has_one_decimal_in_one_column(data):
    """comparison(): 目标/实际 hold 亿元 for revenue rows and 户 for enterprise rows (was '255.0 户')."""
    tgt, register = data
    cmp = compare.actual_vs_target(register.panel, tgt.table, 2024, plan=PLAN)
    df, kw = show_register.comparison(cmp, 2024, register, plan=PLAN)
    html = tables.to_html(df, **kw)
    rows = _cells(html)
    ent = [r for r in rows if r[1] == "全区" and r[2] == "规上户数（户）" and r[0] == "现代针纺"][0]
    rev = [r for r in rows if r[1] == "全区" and r[2] == "营业收入（亿元）" and r[0] == "现代针纺"][0]
    assert ent[3] == "255" and "." not in ent[4]
    assert re.fullmatch(r"\d[\d,]*\.\d", rev[3]) and rev[3] == "370.0"
    assert 'data-unit="hu" data-value="255.0">255<' in html


def test_undeclared_columns_are_errors_not_guesses():
    with pytest.raises(U.UndeclaredColumn, match="'mystery_growth'"):
        tables.present(pd.DataFrame({"chain": ["现代针纺"], "mystery_growth": [0.1]}), plan=PLAN)
    with pytest.raises(U.UndeclaredColumn, match="'金额'.*no declared unit"):
        tables.to_html(pd.DataFrame({"金额": [1.0]}))
    with pytest.raises(U.UndeclaredColumn, match="format function"):
        tables.to_html(pd.DataFrame({"金额": [1.0]}), formats={"金额": lambda v: f"{v:.1f}"})
    with pytest.raises(U.UndeclaredColumn, match="indicator"):  # a per-row unit needs its key column shown
        tables.present(pd.DataFrame({"chain": ["现代针纺"], "actual": [1.0]}), plan=PLAN)


def test_every_analytics_column_is_declared(data):
    tgt, register = data
    t = tgt.table
    res = consistency.check_consistency(t, plan=PLAN)
    frames = [growth.cagr_table(t, 2023, 2026, plan=PLAN), growth.yoy_growth(t, plan=PLAN),
              growth.required_growth(register.panel, t, actual_year=2024, plan=PLAN),
              shares.share_change(t, 2023, 2026, include_all=True, plan=PLAN), shares.concentration(t, include_all=True, plan=PLAN),
              regional.shift_share(t, 2023, 2026, input_precision=0.5, plan=PLAN),
              regional.location_quotients(register.panel, 2024, plan=PLAN), res.contributions,
              compare.actual_vs_target(register.panel, t, 2024, plan=PLAN), sizebands.band_counts(register.clean, year=2024, plan=PLAN),
              tgt.repairs, tgt.checks]
    missing = sorted({c for f in frames for c in f.columns if c not in U.COLUMNS})
    assert not missing, f"declare these in present/units.py: {missing}"


def test_every_table_function_declares_every_column(data):
    tgt, register = data
    t = tgt.table
    res = consistency.check_consistency(t, plan=PLAN)
    cmp = compare.actual_vs_target(register.panel, t, 2024, plan=PLAN)
    from chainplan_lib.cleaning.targets.clean import raw_rows_frame

    fit = sizebands.fit_pareto_tail(plan=PLAN)
    built = [show_targets.raw_rows(raw_rows_frame(None, plan=PLAN), plan=PLAN), show_targets.targets_wide(t, "revenue", plan=PLAN),
             show_targets.targets_wide(t, "enterprises", plan=PLAN), show_targets.repairs(tgt.repairs, plan=PLAN), show_targets.checks(tgt.checks, plan=PLAN),
             show_growth.yoy_wide(growth.yoy_growth(t, plan=PLAN), "revenue", plan=PLAN), show_consistency.consistency_cagr(res, plan=PLAN),
             show_register.register_summary(register), show_register.quarantine_reasons(register, plan=PLAN),
             tables.present(growth.required_growth(register.panel, t, actual_year=2024, plan=PLAN), plan=PLAN),
             tables.present(res.contributions, plan=PLAN),
             briefing.headline_table(t, res, 2024, bundled_district().progress(2024), plan=PLAN),
             briefing.reconciliation_table(bundled_district().reconcile(2024), 2024, plan=PLAN),
             show_shares.concentration_table(shares.concentration(t, include_all=True, plan=PLAN), [2023, 2026], plan=PLAN),
             show_shares.share_change_table(shares.share_change(t, 2023, 2026, include_all=True, input_precision=0.5, plan=PLAN),
                                         "all", 2023, 2026, plan=PLAN),
             show_shares.lq_wide(regional.location_quotients(register.panel, 2024, plan=PLAN), plan=PLAN),
             show_shares.shift_share(regional.shift_share(t, 2023, 2026, input_precision=0.5, plan=PLAN), basis="targets", plan=PLAN),
             show_shares.shift_share(regional.shift_share(register.panel, 2023, 2024, method="esteban-marquillas", plan=PLAN), plan=PLAN),
             show_register.comparison(cmp, 2024, register, plan=PLAN),
             show_register.size_band_table(sizebands.band_counts(register.clean, year=2024, plan=PLAN), 2024, register, plan=PLAN),
             show_register.pareto_caps(fit)]
    built += _progress_tables()
    for df, kw in built:
        html = tables.to_html(df, **kw)  # raises on an undeclared column
        n_cells = len(re.findall(r"<td", html))
        assert n_cells == df.shape[0] * df.shape[1]
        assert len(re.findall(r"<td[^>]*data-unit=", html)) == n_cells
        for key, value, shown in re.findall(r'data-unit="(\w+)" data-value="([^"]+)">([^<]*)<', html):
            assert U.UNITS[key].format(float(value)) == shown.rstrip("†*"), (kw.get("caption"), shown)


def _progress_tables() -> list:
    """Every table of the progress report (06_progress) on the bundled monthly sample, 2025年1—9月."""
    from chainplan_lib.analysis.progress_report import progress_report
    from chainplan_lib.present import progress as show_progress

    data = bundled_district().monthly
    report = progress_report(data.actuals, bundled_district().targets.table, 2025, 9, plan=PLAN)
    return [show_progress.cleaning_table(data), show_progress.progress_table(report, data), show_progress.full_year_table(report),
            show_progress.backtest_table(report, "textiles"), show_progress.coverage_table(report, "textiles"), show_progress.required_table(report),
            show_progress.projection_table(report), show_progress.annual_backtest_table(report.annual_backtests()),
            show_progress.yoy_check_table(data, 2025, 9, plan=PLAN)]


def test_quarantine_reasons_are_shown_in_chinese(data):
    _, register = data
    df, kw = show_register.quarantine_reasons(register, plan=PLAN)
    assert list(df.columns) == ["原因", "行数"]          # the codes stay in the CSV, not on the page
    assert not any(re.search(r"[a-z]+_[a-z]+", str(v)) for v in df["原因"])
    assert show_register.reason_cn("uscc_invalid", plan=PLAN).startswith("统一社会信用代码")
    assert show_register.reason_cn("brand_new_code", plan=PLAN) == "其他原因（brand_new_code）"


def test_headline_table_numbers(data):
    tgt, register = data
    t = tgt.table
    res = consistency.check_consistency(t, plan=PLAN)
    df, kw = briefing.headline_table(t, res, 2024, bundled_district().progress(2024), plan=PLAN)
    rows = {r[0]: r for r in _cells(tables.to_html(df, **kw))}
    # 四链合计: 2026 targets 1,000 亿元; CAGR (1000/690)^(1/3) − 1 = 13.17 %; 2024 target 768 亿元
    assert rows["四链合计"][1] == "1,000.0" and rows["四链合计"][3] == "13.2%" and rows["四链合计"][5] == "768.0"
    assert re.fullmatch(r"\d[\d,]*", rows["四链合计"][2])  # 户 as an integer


def test_an_empty_table_is_one_sentence_not_a_bare_header():
    import pandas as pd

    from chainplan_lib.present.tables import to_html

    df = pd.DataFrame({"产业链": [], "同比增长（%）": []})
    html = to_html(df, units={"产业链": U.TEXT, "同比增长（%）": U.PERCENT}, caption="公布同比与按总量计算的同比")
    assert html == "<p class='table-empty'>公布同比与按总量计算的同比：无数据。</p>"
    assert to_html(df, caption="x", empty="本期尚无统计月报。") == "<p class='table-empty'>本期尚无统计月报。</p>"
