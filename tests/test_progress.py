"""Progress against 时序进度: the arithmetic by hand, the sentence's conventions, required growth, the CLI's JSON."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd
import pytest

from chainplan_lib.analysis.monthly import check_month, check_series, cumulative_table
from chainplan_lib.analysis.progress import (
    ahead_phrase,
    progress_sentence,
    progress_table,
    required_growth,
    time_progress_pct,
)
from chainplan_lib.analysis.progress_report import progress_report
from chainplan_lib.cleaning.actuals.clean import ACTUALS_COLUMNS, clean_actuals
from chainplan_lib.cli import main as cli_main
from chainplan_lib.errors import ParameterError

sys.path.insert(0, str(Path(__file__).parent))
from _plans import PLAN
from _targets_fixture import targets_frame

# 2025 revenue targets (亿元, Attachment 2): textiles 430, metallurgy 270, electronics 85, food_pharma 85; sum 870


def actuals(rows: list[tuple]) -> pd.DataFrame:
    """(year, month, chain_id, value, yoy_pct) → a cleaned actuals frame (全区, revenue, cumulative)."""
    df = pd.DataFrame(rows, columns=["year", "month", "chain_id", "value", "yoy_pct"])
    df = df.assign(area="全区", indicator="revenue", cumulative=True, source_file="t.csv", source_row=1)
    return df[ACTUALS_COLUMNS].astype({"yoy_pct": float, "value": float})


def test_time_progress_calendar_and_1_2_month_is_two_months():
    t = cumulative_table(actuals([(2025, 2, "textiles", 60, None)]), "textiles", plan=PLAN)
    assert time_progress_pct(t, 2025, 2) == (pytest.approx(100 * 2 / 12), "calendar")  # 1—2月 counts two months
    assert time_progress_pct(t, 2025, 9) == (75.0, "calendar")


def test_time_progress_seasonal_is_the_past_years_average_share():
    rows = [(y, m, "textiles", v, None) for y, m9 in ((2021, 63), (2022, 70), (2023, 72), (2024, 74))
            for m, v in ((9, m9), (12, 100))]
    t = cumulative_table(actuals(rows + [(2025, 9, "textiles", 80, None)]), "textiles", plan=PLAN)
    # the previous three complete years: (0.70 + 0.72 + 0.74) / 3 = 0.72 → 72 %; 2021 is not used
    assert time_progress_pct(t, 2025, 9, basis="seasonal") == (pytest.approx(72.0), "seasonal")
    assert time_progress_pct(t, 2021, 9, basis="seasonal") == (75.0, "calendar")  # no history: N/12
    with pytest.raises(ParameterError):
        time_progress_pct(t, 2025, 9, basis="weekly")


def test_progress_rows_by_hand():
    rows = [(2025, 9, "textiles", 291.0, 11.4), (2025, 9, "metallurgy", 202.5, None),
            (2025, 2, "electronics", 12.0, -3.2), (2025, 9, "electronics", 60.0, -3.2),
            (2025, 9, "food_pharma", 66.0, 2.0),
            (2024, 9, "metallurgy", 180.0, None), (2024, 12, "industry", 1200.0, None),
            (2025, 9, "industry", 990.0, 6.0), (2024, 9, "industry", 930.0, None)]
    a = actuals(rows)
    t = progress_table(a, targets_frame(), 2025, 9, plan=PLAN).set_index("chain_id")
    # textiles: 291 / 430 = 67.674 %; 9/12 = 75 %; 67.674 − 75 = −7.326 pp
    assert t.loc["textiles", "completion_pct"] == pytest.approx(29100 / 430)
    assert t.loc["textiles", "ahead_pp"] == pytest.approx(29100 / 430 - 75)
    # metallurgy: 202.5 / 270 = 75 % exactly: equal to 时序进度; growth computed from 180 (none published)
    assert t.loc["metallurgy", "ahead_pp"] == pytest.approx(0.0)
    assert t.loc["metallurgy", "yoy_pct"] == pytest.approx(12.5) and t.loc["metallurgy", "yoy_source"] == "levels"
    # all: 291 + 202.5 + 60 + 66 = 619.5 of 870 = 71.207 %
    assert t.loc["all", "cumulative_yi"] == pytest.approx(619.5)
    assert t.loc["all", "target_yi"] == 870 and t.loc["all", "completion_pct"] == pytest.approx(61950 / 870)
    # industry: the plan sets a rate, not a level: no target, no 完成率; its published 6.0 % is 4.0 pp below 10 %
    assert math.isnan(t.loc["industry", "target_yi"]) and math.isnan(t.loc["industry", "completion_pct"])
    assert t.loc["industry", "target_basis"] == "方案设增速目标（年均增长10%左右），不设总量目标"
    assert t.loc["industry", "yoy_pct"] == 6.0 and t.loc["industry", "yoy_source"] == "published"
    assert t.loc["industry", "goal_pct"] == 10.0 and t.loc["industry", "goal_gap_pp"] == pytest.approx(-4.0)
    two = progress_table(a, targets_frame(), 2025, 2, plan=PLAN).set_index("chain_id")
    # 1—2月: 12 / 85 = 14.118 %; 2/12 = 16.667 %; −2.549 pp
    assert list(two.index) == ["electronics"]
    assert two.loc["electronics", "ahead_pp"] == pytest.approx(1200 / 85 - 100 * 2 / 12)


def test_the_sentence_and_its_conventions():
    s = progress_sentence("现代针纺", 9, 291.0, 11.4, 29100 / 430, 29100 / 430 - 75, series="textiles")
    assert s == "1—9月，现代针纺产业链营业收入完成 291.0 亿元，同比增长 11.4%，完成年度目标的 67.7%，慢于时序进度 7.3 个百分点。"
    assert progress_sentence("冶金建材", 9, 202.5, 12.5, 75.0, 0.0, series="metallurgy").endswith(
        "完成年度目标的 75.0%，与时序进度持平。")
    s = progress_sentence("电子信息", 2, 12.0, -3.2, 1200 / 85, 1200 / 85 - 100 * 2 / 12, series="electronics")
    assert s == "1—2月，电子信息产业链营业收入完成 12.0 亿元，同比下降 3.2%，完成年度目标的 14.1%，慢于时序进度 2.5 个百分点。"
    # at 1—12月 the year is over: 超额完成 / 未完成, not 时序进度
    assert progress_sentence("现代针纺", 12, 371.5, 15.2, 37150 / 370, 37150 / 370 - 100, series="textiles",
                             year=2024) == ("2024年，现代针纺产业链营业收入 371.5 亿元，同比增长 15.2%，完成年度目标的 "
                                            "100.4%，超额完成年度目标。")
    assert progress_sentence("现代针纺", 12, 360.0, 15.2, 36000 / 370, 36000 / 370 - 100, series="textiles",
                             year=2024).endswith("完成年度目标的 97.3%，未完成年度目标（差 2.7 个百分点）。")
    # 规上工业: its growth against the plan's rate (on the printed figures: 10.4 − 10.0 = 0.4)
    assert progress_sentence("规上工业", 12, 1265.0, 10.4, series="industry", goal_pct=10.0, year=2024) == \
        "2024年，规上工业营业收入 1,265.0 亿元，同比增长 10.4%，高于“年均增长10%左右”目标 0.4 个百分点。"
    # the seasonal context beside N/12
    assert progress_sentence("现代针纺", 9, 291.0, 11.4, 29100 / 430, 29100 / 430 - 75, series="textiles",
                             usual_share_pct=70.84).endswith("慢于时序进度 7.3 个百分点（往年同期一般完成全年的 70.8% 左右）。")
    # no growth, no target: those clauses are left out; a town comes first
    assert progress_sentence("现代针纺", 6, 30.0, series="textiles", area="罗家镇") == \
        "1—6月，罗家镇现代针纺产业链营业收入完成 30.0 亿元。"


@pytest.mark.parametrize("pp, phrase", [
    (0.0, "与时序进度持平"), (0.04, "与时序进度持平"), (-0.04, "与时序进度持平"),  # prints as 0.0: 持平
    (0.06, "快于时序进度 0.1 个百分点"), (-0.06, "慢于时序进度 0.1 个百分点"), (12.34, "快于时序进度 12.3 个百分点"),
])
def test_ahead_phrase_decides_on_the_printed_figure(pp, phrase):
    assert ahead_phrase(pp) == phrase


def test_required_growth_by_hand():
    a = actuals([(2025, 9, "textiles", 291.0, None), (2024, 9, "textiles", 250.0, None),
                 (2024, 12, "textiles", 350.0, None)])
    r = required_growth(a, targets_frame(), 2025, 9, full_year={"textiles": 420.0}, plan=PLAN).set_index("chain_id")
    t = r.loc["textiles"]
    # 430 − 291 = 139 still needed in 10—12月; last year those months brought 350 − 250 = 100: +39 %
    assert t["remaining_yi"] == 139 and t["monthly_needed_yi"] == pytest.approx(139 / 3)
    assert t["required_yoy_pct"] == pytest.approx(39.0) and t["ytd_yoy_levels_pct"] == pytest.approx(16.4)
    assert math.isnan(t["ytd_yoy_pct"]) is False and t["ytd_yoy_pct"] == pytest.approx(16.4)  # none published: levels
    # from the estimate 420 to the 2026 target 500 in one year: +19.05 %; the target path 430 → 500: +16.28 %
    assert t["required_cagr_pct"] == pytest.approx((500 / 420 - 1) * 100)
    assert t["planned_cagr_pct"] == pytest.approx((500 / 430 - 1) * 100)


def test_series_and_month_parameters():
    assert check_series("规模以上工业", plan=PLAN) == "industry" and check_series("纺织服装", plan=PLAN) == "textiles"
    assert check_series("ALL", plan=PLAN) == "all" and check_series("四链合计", plan=PLAN) == "all"
    assert check_month(None) is None and check_month("9") == 9 and check_month(2) == 2
    for bad in (0, 13, 9.5, "九月", True):
        with pytest.raises(ParameterError):
            check_month(bad)
    with pytest.raises(ParameterError, match="not a known series"):
        check_series("steel", plan=PLAN)


def test_a_year_without_actuals_says_so():
    rep = progress_report(actuals([(2024, 9, "textiles", 250.0, None)]), targets_frame(), 2026, plan=PLAN)
    assert not rep.has_data and rep.sentences() == []
    assert rep.message == "2026年尚无统计月报数据（已有 2024—2024 年），本节从略。"
    d = rep.to_dict()
    assert d["month"] is None and d["chains"]["textiles"] is None


def test_cli_json_has_the_issue_shape(tmp_path, capsys, plan):
    src = tmp_path / "t.csv"
    lines = ["year,month,chain,indicator,value,unit,yoy_pct"]
    for y, m, c, v, g in [(2025, 9, "现代针纺", 291, 11.4), (2025, 9, "冶金建材", 202.5, ""),
                          (2025, 9, "电子信息", 60, 5), (2025, 9, "食品医药", 66, 2), (2024, 12, "规上工业", 1200, ""),
                          (2025, 9, "规上工业", 990, 6)]:
        lines.append(f"{y},{m},{c},营业收入,{v},亿元,{g}")
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clean_actuals([src], plan, out_dir=tmp_path / "clean")
    assert cli_main(["progress", "--year", "2025", "--month", "9", "--actuals", str(tmp_path / "clean"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) == {"year", "month", "area", "method", "chains", "missing"} and (d["year"], d["month"]) == (2025, 9)
    assert list(d["chains"]) == ["textiles", "metallurgy", "electronics", "food_pharma", "all", "industry"]
    keys = {"name", "cumulative_yi", "yoy_pct", "yoy_basis", "target_yi", "target_basis", "completion_pct",
            "time_progress_pct", "ahead_pp", "usual_share_pct", "goal_pct", "goal_gap_pp", "chained_pct",
            "chained_years", "chained_annual_pct", "full_year", "methods"}
    assert all(set(v) == keys for v in d["chains"].values()) and d["missing"] == []
    tx = d["chains"]["textiles"]
    assert (tx["cumulative_yi"], tx["yoy_pct"], tx["target_yi"]) == (291.0, 11.4, 430.0)
    assert tx["completion_pct"] == round(29100 / 430, 4) and tx["time_progress_pct"] == 75.0
    assert tx["ahead_pp"] == round(29100 / 430 - 75, 4)
    assert set(tx["full_year"]) == {"method", "value", "lower80", "upper80", "lower95", "upper95", "backtest_month",
                                    "backtest_years", "backtest_mape_pct", "backtest_max_ape_pct"}
    # one 1—9月 figure and no past year: no estimate can be made, and the JSON says so with nulls
    assert tx["full_year"]["value"] is None and set(tx["methods"]) == {"convention", "ets"}
    assert d["chains"]["industry"]["target_yi"] is None and d["chains"]["all"]["cumulative_yi"] == 619.5
    assert d["chains"]["industry"]["goal_gap_pp"] == -4.0
    assert cli_main(["progress", "--year", "2025", "--month", "13"]) == 2
    assert "--month 13" in capsys.readouterr().err
    assert cli_main(["progress", "--year", "2025", "--month", "9", "--actuals", str(tmp_path / "clean")]) == 0
    out = capsys.readouterr().out
    assert "1—9月，现代针纺产业链营业收入完成 291.0 亿元，同比增长 11.4%，完成年度目标的 67.7%，慢于时序进度 7.3 个百分点。" in out
    assert "示例数据" not in out  # these figures are not synthetic
    assert math.isclose(tx["completion_pct"], 67.6744, abs_tol=1e-4)


def test_progress_by_town_uses_the_towns_targets():
    a = actuals([(2025, 9, "textiles", 291.0, None)])
    town = a.assign(area="高新园区", value=200.0)
    t = pd.concat([a, town])
    from chainplan_lib.analysis.progress import progress_by_area

    p = progress_by_area(t, targets_frame(), 2025, 9, plan=PLAN).set_index(["area", "chain_id"])
    # 高新园区's 2025 textiles target is 279 亿元 (Attachment 2): 200 / 279 = 71.685 %
    assert p.loc[("高新园区", "textiles"), "target_yi"] == 279
    assert p.loc[("高新园区", "textiles"), "completion_pct"] == pytest.approx(20000 / 279)
    assert p.loc[("全区", "textiles"), "completion_pct"] == pytest.approx(29100 / 430)
    assert progress_sentence("现代针纺", 9, 200.0, series="textiles", area="高新园区").startswith("1—9月，高新园区现代针纺")


def test_annual_actuals_feed_the_growth_fan_chart():
    from chainplan_lib.analysis.monthly import annual_actuals
    from chainplan_lib.analysis.projections import fan_chart_frame

    rows = [(y, 12, c, v * 1.1 ** (y - 2019), None) for y in range(2019, 2025)
            for c, v in (("textiles", 200), ("metallurgy", 150), ("electronics", 40), ("food_pharma", 40))]
    ann = annual_actuals(actuals(rows + [(2025, 9, "textiles", 300, None)]), plan=PLAN)
    assert len(ann) == 24 and set(ann["year"]) == set(range(2019, 2025))  # 2025 is not a complete year
    fan = fan_chart_frame(targets_frame(), "textiles", actuals=ann, interval="prediction", plan=PLAN)
    trend = fan[fan["kind"] == "trend"].set_index("year")
    assert trend.loc[2026, "value"] == pytest.approx(200 * 1.1 ** 7)  # a constant 10 % path, extended exactly
    assert (fan.loc[fan["kind"] == "actual", "value"].to_numpy() == ann.loc[ann["chain_id"] == "textiles",
                                                                             "value"].to_numpy()).all()


def test_the_cumulative_chart_draws_both_years_and_the_targets_path():
    from chainplan_lib.present.progress import cumulative_paths

    rows = [(y, m, "textiles", v, None) for y, ms in ((2024, ((2, 50), (9, 280), (12, 380))),
                                                       (2025, ((2, 60), (9, 291))))
            for m, v in ms]
    rep = progress_report(actuals(rows), targets_frame(), 2025, 9, plan=PLAN, series=["textiles"], backtest=False)
    fig = cumulative_paths(rep, "textiles")
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    assert set(lines) == {"2024年", "2025年", "按时序进度完成目标 430 亿元"}
    y25 = lines["2025年"].get_ydata()
    assert y25[0] == 60 and y25[7] == 291 and math.isnan(y25[8])        # 1—2月 … 1—9月, nothing after
    path = lines["按时序进度完成目标 430 亿元"].get_ydata()
    assert path[7] == pytest.approx(430 * 9 / 12)                       # 322.5 亿元 by 1—9月
    assert cumulative_paths(rep, "metallurgy") is None                  # no figures: no chart
