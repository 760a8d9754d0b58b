"""Figures a statistics bureau would sign (issue 20), on the bundled sample: one official figure per quantity, growth
on 可比口径, parts that add to the printed whole, ranges no narrower than the method's own past errors, no invented
targets, the bureau's wording. Each expectation is computed here by hand from the published figures."""

from __future__ import annotations

import json
import math

import pytest
from _plans import PLAN, bundled_district

from chainplan_lib.analysis.backtest import month_errors
from chainplan_lib.analysis.monthly import cumulative_table
from chainplan_lib.cli import main as cli_main
from chainplan_lib.present import briefing, consistency, progress


@pytest.fixture(scope="module")
def d():
    return bundled_district()


@pytest.fixture(scope="module")
def sep(d):
    return d.progress(2025, 9)


@pytest.fixture(scope="module")
def year24(d):
    return d.progress(2024)


def _published(d, year, month):
    a = d.monthly.actuals
    x = a[(a.year == year) & (a.month == month) & a.cumulative & (a.area == "全区") & (a.indicator == "revenue")]
    return x.set_index("chain_id")


# ------------------------------------------------------------------------------------------- 1. no invented target
def test_industry_is_judged_by_its_growth_against_the_plans_rate_not_an_invented_level(year24):
    t = year24.table.set_index("chain_id")
    ind = t.loc["industry"]
    # before: target 1,274.5 = 2023 × 1.10 and "完成年度目标的 99.3%，慢于时序进度 0.7 个百分点"
    assert math.isnan(ind["target_yi"]) and math.isnan(ind["completion_pct"])
    assert ind["yoy_pct"] == pytest.approx(10.4) and ind["goal_gap_pp"] == pytest.approx(0.4)
    (line,) = [s for s in year24.sentences() if "规上工业" in s]
    assert line == "2024年，规上工业营业收入 1,265.0 亿元，同比增长 10.4%，高于“年均增长10%左右”目标 0.4 个百分点。"
    assert "industry" not in set(year24.required["chain_id"])      # no level target: no "needed to reach" either


def test_industry_growth_chained_from_the_base_year(d, sep):
    # 1—9月 on 可比口径: (1 + g2024) × (1 + g2025) − 1, the published rates at 1—9月 of each year
    g = [_published(d, y, 9).loc["industry", "yoy_pct"] for y in (2024, 2025)]
    chained = ((1 + g[0] / 100) * (1 + g[1] / 100) - 1) * 100
    r = sep.table.set_index("chain_id").loc["industry"]
    assert r["chained_pct"] == pytest.approx(chained) and r["chained_years"] == 2
    assert r["chained_annual_pct"] == pytest.approx((math.sqrt(1 + chained / 100) - 1) * 100)
    assert f"比2023年同期累计增长 {chained:.1f}%" in sep.sentences()[-1]


# ------------------------------------------------------------------------------------------- 2. one 口径 for the sum
@pytest.mark.parametrize("year, month, expected", [(2025, 9, 10.8), (2024, 12, 11.4)])
def test_the_chains_sum_grows_on_the_comparable_basis_of_its_parts(d, year, month, expected):
    p = _published(d, year, month).loc[list(PLAN.chain_ids)]
    by_hand = (p["value"].sum() / (p["value"] / (1 + p["yoy_pct"] / 100)).sum() - 1) * 100
    report = d.progress(year, month)
    r = report.table.set_index("chain_id").loc["all"]
    assert r["yoy_source"] == "comparable" and r["yoy_pct"] == pytest.approx(by_hand)
    assert round(r["yoy_pct"], 1) == expected            # before: 9.9 (2025) and 10.8 (2024), from levels


# ------------------------------------------------------------------------------------------- 3. one rate per chain
def test_the_published_rate_is_quoted_and_a_level_based_one_only_beside_it(sep):
    text = "\n".join(sep.required_sentences())
    # before: "需比上年同期增长 27.6%（1—9月为 10.8%）" beside "同比增长 11.4%" — two rates for one chain
    assert "需比上年同期增长 27.6%（按总量计算；同口径下1—9月为 10.8%，公布的可比口径增速为 11.4%）" in text
    assert "1—9月同比增长 11.4%" in text


# ------------------------------------------------------------------------------------------- 4. parts add up
def test_one_method_for_every_row_and_the_total_is_the_sum_of_its_parts(sep):
    f = sep.full_year_frame().set_index("chain_id")
    assert f["method"].nunique() == 1 and sep.method in ("convention", "ets")
    parts = f.loc[list(PLAN.chain_ids), "value"]
    assert f.loc["all", "value"] == pytest.approx(parts.sum())          # before: 858.0 of parts vs 860.8 total
    assert round(f.loc["all", "value"], 1) == round(sum(round(v, 1) for v in parts), 1)


# ------------------------------------------------------------------------------------------- 5. honest method notes
def test_method_notes_say_what_the_ranges_are(sep):
    _, proj = progress.projection_table(sep)
    assert "含参数不确定性" in proj["note"] and "未计参数不确定性" in proj["note"]   # trend vs ETS, each said of its own
    _, fy = progress.full_year_table(sep)
    assert "往年同一月份的实际误差" in fy["note"]


# ------------------------------------------------------------------------------------------- 7. one actual
def test_the_headline_leads_with_the_official_statistics(d, year24):
    df, spec = briefing.headline_table(d.targets.table, d.consistency(), 2024, year24, plan=PLAN)
    row = df.set_index("产业链").loc["现代针纺"]
    assert row["2024年统计数（亿元）"] == pytest.approx(371.49)      # before: 360.5 from the register
    assert row["完成年度目标（%）"] == pytest.approx(371.49 / 370 * 100)
    assert "名录" not in spec["note"] and "统计月报" in spec["note"]


def test_the_register_is_reconciled_to_the_statistics_in_one_line(d):
    rec = d.reconcile(2024).set_index("chain_id")
    stat = cumulative_table(d.monthly.actuals, "textiles", plan=PLAN).loc[2024, 12]
    reg = d.register.panel.query("year == 2024 and area == '全区' and chain_id == 'textiles'")["revenue_yi"].sum()
    assert rec.loc["textiles", "difference_yi"] == pytest.approx(reg - stat)
    assert round(rec.loc["textiles", "difference_yi"], 1) == -11.0 and round(rec.loc["textiles", "difference_pct"], 1) == -3.0
    line = briefing.reconciliation_md(d.reconcile(2024), 2024, plan=PLAN)
    assert "比统计数 779.5 亿元少 21.0 亿元（2.7%）" in line and "完成情况以统计数为准" in line
    # the printed table checks with a pencil: 74.0 − 76.2 = −2.2 and −2.2 ÷ 76.2 = −2.9 % (from the unrounded
    # values it was −2.8 %); 74.0 − 74.1 = −0.1, −0.1 ÷ 74.1 = −0.1 % (was −0.2 %); the differences add to −21.0
    df, _ = briefing.reconciliation_table(d.reconcile(2024), 2024, plan=PLAN)
    t = df.set_index("产业链")
    assert t.loc["电子信息", "名录比统计数（亿元）"] == -2.2 and round(t.loc["电子信息", "相差（%）"], 1) == -2.9
    assert t.loc["食品医药", "名录比统计数（亿元）"] == -0.1 and round(t.loc["食品医药", "相差（%）"], 1) == -0.1
    assert round(t["名录比统计数（亿元）"].iloc[:4].sum(), 1) == t.loc["四链合计", "名录比统计数（亿元）"] == -21.0


# ------------------------------------------------------------------------------------------- 8. no verdict by trend
def test_the_target_year_is_judged_by_the_growth_it_requires(sep):
    text = "\n".join(sep.required_sentences())
    # 食品医药: from the 2025 estimate to 100 in 2026, against the 18.2 % so far — before: "按现有趋势难以完成（概率 2%）"
    fp = sep.full_year_frame().set_index("chain_id").loc["food_pharma", "value"]
    need = (100 / fp - 1) * 100
    assert f"2026年需增长 {need:.1f}%" in text and "1—9月同比增长 18.2%，按目前增速可以完成" in text
    assert "p_reach" not in sep.projections.columns and "概率" not in "".join(sep.projection_sentences())


# ------------------------------------------------------------------------------------------- 9. honest ranges
def test_ranges_are_no_narrower_than_the_methods_past_errors_at_that_month(sep):
    f = sep.full_year_frame().set_index("chain_id")
    for s, r in f.iterrows():
        errors = month_errors(sep.backtests[s], sep.method, 9)
        assert len(errors) == r["backtest_years"] == 3                 # years, not years × months (was 30)
        past = [abs(math.exp(-e) - 1) * 100 for e in errors]
        assert r["backtest_mape_pct"] == pytest.approx(sum(past) / 3)
        half80 = (r["upper80"] / r["value"] - 1) * 100
        half95 = (r["upper95"] / r["value"] - 1) * 100
        # before: 现代针纺 80 % 410.0–413.7 (±0.45 %) against a backtest error of 1.66 %
        assert half80 >= r["backtest_mape_pct"] and half95 >= max(past), s
        # t with 3 df on the root mean square of the 3 log errors
        rms = math.sqrt(sum(e * e for e in errors) / 3)
        assert r["upper80"] == pytest.approx(r["value"] * math.exp(1.637744 * rms), rel=1e-5)


def test_the_json_reports_the_backtest_at_the_month_of_the_estimate(capsys):
    assert cli_main(["progress", "--year", "2025", "--month", "9", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    fy = d["chains"]["textiles"]["full_year"]
    assert fy["backtest_month"] == 9 and fy["backtest_years"] == 3 and fy["backtest_mape_pct"] > 0
    assert d["method"]["quoted"] == fy["method"] == d["chains"]["all"]["full_year"]["method"]


# ------------------------------------------------------------------------------------------- 10. seasonal context
def test_time_progress_keeps_n_over_12_and_gives_the_usual_share(d, sep):
    t = cumulative_table(d.monthly.actuals, "all", plan=PLAN)
    usual = sum(t.loc[y, 9] / t.loc[y, 12] for y in (2022, 2023, 2024)) / 3 * 100
    r = sep.table.set_index("chain_id").loc["all"]
    assert r["time_progress_pct"] == 75.0 and r["usual_share_pct"] == pytest.approx(usual)
    assert f"（往年同期一般完成全年的 {usual:.1f}% 左右）" in sep.sentences()[4]


# ------------------------------------------------------------------------------------------- 11. the goal's base
def test_consistency_measured_from_the_year_before_and_the_rest_of_industry_first(d):
    r = d.consistency()
    prior = cumulative_table(d.monthly.actuals, "all", plan=PLAN).loc[2022, 12]
    assert r.prior_year == 2022 and r.prior_actual_yi == pytest.approx(prior)
    assert r.prior_cagr == pytest.approx((1000 / prior) ** (1 / 4) - 1) and r.prior_verdict == "consistent"
    total = cumulative_table(d.monthly.actuals, "industry", plan=PLAN).loc[2023, 12]
    rest = ((total * 1.1 ** 3 - 1000) / (total - 690)) ** (1 / 3) - 1
    assert r.base_total_yi == pytest.approx(total) and r.rest_of_industry_cagr == pytest.approx(rest)
    md = consistency.consistency_md(r)
    assert md.index("以外的规上工业") < md.index("按通常口径从 2022 年起算")   # leads with the rest of industry
    assert "10.9%" in md and "基本一致" in md and "t =" not in md and "置信区间" not in md
    assert "13.17%" not in md and "13.2%" in md                              # one precision for one growth


# ------------------------------------------------------------------------------------------- 13. wording
def test_year_end_and_single_year_wording(year24, sep):
    text = "\n".join(year24.sentences() + year24.required_sentences())
    assert "超额完成年度目标" in text and "快于时序进度" not in text
    assert "按2024年全年实际 371.5 亿元计" in text and "按全年预计 371.5" not in text
    assert "2026年需增长" in "\n".join(sep.required_sentences()) and "需此后年均增长" not in "\n".join(sep.required_sentences())
    df, _ = progress.full_year_table(year24)
    assert list(df.columns) == ["说明"] and "全年数据已公布" in df["说明"].iloc[0]      # no estimate of a published year


def test_january_alone_is_refused_like_brief(capsys):
    """progress and brief refuse --month 1 by one rule, in the same words (publish.progress_batch.check_brief_month)."""
    assert cli_main(["progress", "--year", "2025", "--month", "1"]) == 2
    err = capsys.readouterr().err
    assert "January is not published on its own" in err and "1—2月" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit):   # brief checks it as it parses the arguments
        cli_main(["brief", "--year", "2025", "--month", "1"])
    brief_err = capsys.readouterr().err
    said = err.strip().removeprefix("chainplan: error: --month 1: ")
    assert said and said in brief_err


def test_sources_list_only_the_files_used_for_the_year(d):
    lines = progress.source_lines(d.monthly, 2024)
    assert "2025" not in lines[0] and "synthetic_actuals_2024.xlsx" in lines[0]
    from chainplan_lib.present import sources

    reg = sources.source_lines(d.targets, d.register, plan=PLAN, year=2024)[1]
    assert "_gbk.csv" not in reg and "synthetic_register_2024.xlsx" in reg   # the GBK copies gave only duplicates


def test_the_comparison_table_of_published_and_level_growth_is_never_empty(d, sep):
    df, spec = progress.yoy_check_table(d.monthly, 2025, 9, plan=PLAN)
    assert "说明" not in df.columns and len(df) >= 4                        # before: empty for the default 'all'
    assert list(df["产业链"])[:4] == list(PLAN.chain_names)


# ------------------------------------------------------------------------------------------- what readers see
def _pdf(path) -> str:
    from chainplan_lib.publish.render import pdf_text

    return "".join(pdf_text(path)).replace(" ", "").replace("\n", "")


def test_the_2024_briefing_reads_as_a_bureau_would_write_it(brief_2024):
    assert brief_2024.returncode == 0, brief_2024.stdout + brief_2024.stderr
    whole = _pdf(brief_2024.pdf)
    # 1: 规上工业 by its growth against the rate; no invented level target (was 1,274.5 and "完成年度目标的 99.3%")
    assert "规上工业营业收入1,265.0亿元，同比增长10.4%，高于“年均增长10%左右”目标0.4个百分点" in whole
    assert "1,274.5" not in whole and "99.3%" not in whole
    # 2: the chains' sum on the comparable basis of its parts (was 10.8* from levels)
    assert "四链合计营业收入779.5亿元，同比增长11.4%" in whole
    # 7: one official 2024 actual; the register a reconciled breakdown (was 360.5 / 97.4 % beside 371.5 / 100.4 %)
    assert "2024完成率" not in whole and "比统计数779.5亿元少21.0亿元（2.7%）" in whole
    # 8, 11: no probabilities, no verdict by trend, no slope test on planned numbers
    assert "概率" not in whole and "难以完成" not in whole and "p=" not in whole and "置信区间" not in whole
    # 13: year-end wording; one precision for one growth
    assert "超额完成年度目标" in whole and "按2024年全年实际371.5亿元计" in whole and "13.17%" not in whole
    # sources: only the files used for 2024 (no 2025 reports, no register copies that gave only duplicates)
    first = whole[: whole.index("一、要点")]
    assert "2025" not in first.replace("2026年", "") and "_gbk.csv" not in first
    # 12: scopes said where the two are compared
    assert "为规上工业中的相应部分" in whole and "全产业链营业收入" in whole
