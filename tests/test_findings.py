"""What readers see, tested as a library: the findings text and tables, the briefing's headline table and methods
note, and the fan-chart and size-band labels, called directly on the bundled data with values worked by hand."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from _plans import PLAN, bundled_district
from _targets_fixture import targets_frame

from chainplan_lib.analysis import compare, consistency, growth, projections, regional, shares, sizebands
from chainplan_lib.present import briefing, tables
from chainplan_lib.present import consistency as show_consistency
from chainplan_lib.present import growth as show_growth
from chainplan_lib.present import register as show_register
from chainplan_lib.present import shares as show_shares
from chainplan_lib.present import targets as show_targets

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return targets_frame()


@pytest.fixture(scope="module")
def register():
    return bundled_district().register


@pytest.fixture(scope="module")
def result(targets):
    return consistency.check_consistency(targets, plan=PLAN)


@pytest.fixture(scope="module")
def fit():
    return sizebands.fit_pareto_tail(plan=PLAN)


def _row(df: pd.DataFrame, **where) -> pd.Series:
    sel = df
    for col, val in where.items():
        sel = sel[sel[col] == val]
    assert len(sel) == 1, (where, sel)
    return sel.iloc[0]


# ----------------------------------------------------------------------------------- signed numbers
@pytest.mark.parametrize("value, text", [(-0.04, "0.0"), (0.04, "0.0"), (-0.0, "0.0"), (0.05, "+0.1"),
                                         (-0.06, "-0.1"), (1.5, "+1.5"), (float("nan"), "—"), (None, "—")])
def test_no_negative_zero(value, text):
    assert tables.fmt_signed(value, 1) == text


def test_pp_columns_never_show_negative_zero(targets, register):
    # 冶金建材 needs 300/250 → 9.5445 % a year from 250.00003 (register) and from 250 (plan): −0.00001 pp
    req = growth.required_growth(register.panel, targets, actual_year=2024, plan=PLAN)
    assert -0.001 < req.set_index("chain_id").loc["metallurgy", "extra_pp"] < 0
    df = tables.shown(tables.present(req, plan=PLAN))
    assert df.loc[req.index[req["chain_id"] == "metallurgy"][0], "需多增（百分点）"] == "0.0"


# ---------------------------------------------------------------------------------------- fan text
def test_fan_text_on_the_plan_alone_describes_and_does_not_project(targets):
    fan = projections.fan_chart_frame(targets, "all", plan=PLAN)
    text = show_growth.fan_md(fan, plan=PLAN)
    # 768/690 − 1 = 11.3 %, 870/768 − 1 = 13.3 %, 1000/870 − 1 = 14.9 %
    assert "逐年计划增速 2024 年 11.3%、2025 年 13.3%、2026 年 14.9%" in text
    assert "这是对规划本身的描述，不是预测" in text
    assert text.count("没有实际值，不作预测") == 2  # trend and Holt
    # scenarios from the 2023 target 690: 690·1.08³ = 869.2, 690·1.1³ = 918.4, 690·1.12³ = 969.4
    assert "从 2023 年规划目标 690.0 亿元 起" in text and "8% → 869、10% → 918、12% → 969 亿元" in text
    assert "预测区间" not in text


def test_fan_text_with_two_register_years_says_why_there_is_no_model(targets):
    panel = pd.DataFrame({"year": [2023, 2024], "chain_id": "textiles", "area": "全区", "enterprises": 1,
                          "revenue_yi": [319.6, 360.5]})
    text = show_growth.fan_md(projections.fan_chart_frame(targets, "textiles", actuals=panel, plan=PLAN), plan=PLAN)
    assert "实际值只有 2 年，少于所需的 5 年，不作此项预测" in text
    assert "实际值只有 2 年，少于所需的 10 年，不作此项预测" in text
    assert "实际值**：2023 年 319.6、2024 年 360.5 亿元" in text
    # 360.5·1.1² = 436.2
    assert "从 2024 年实际值 360.5 亿元 起" in text and "10% → 436" in text


def test_fan_text_with_five_years_gives_both_prediction_intervals(targets):
    """log values 0, 0.1, 0.3, 0.3, 0.5 (×100) for 2022–2026: ŷ(2027) = 0.6 → 182; se_obs = s·√2.1 = 0.0748322;
    95 %: 0.6 ± 3.182446·se = exp(0.361850 … 0.838150) → 144–231; 80 %: ± 1.637744·se → 161–206."""
    act = pd.DataFrame({"year": range(2022, 2027), "chain_id": "textiles", "area": "全区", "enterprises": 1,
                        "revenue_yi": 100 * np.exp([0.0, 0.1, 0.3, 0.3, 0.5])})
    text = show_growth.fan_md(projections.fan_chart_frame(targets, "textiles", actuals=act, to_year=2027, plan=PLAN), plan=PLAN)
    assert "**对数线性趋势**（基于 5 年实际值）：2027 年 182 亿元（80% 预测区间 161–206；95% 预测区间 144–231）" in text
    assert "实际值只有 5 年，少于所需的 10 年" in text
    assert "置信区间" not in text


def test_fan_chart_labels_its_bands_by_level(targets):
    rng = np.random.default_rng(3)
    act = pd.DataFrame({"year": range(2014, 2026), "chain_id": "textiles", "area": "全区", "enterprises": 1,
                        "revenue_yi": 150 * np.exp(np.cumsum(0.08 + rng.normal(0, 0.04, 12)))})
    fig = show_growth.fan_chart(projections.fan_chart_frame(targets, "textiles", actuals=act, to_year=2028, plan=PLAN), plan=PLAN)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "对数线性趋势 80% 预测区间" in labels and "对数线性趋势 95% 预测区间" in labels
    assert "指数平滑（Holt） 80% 预测区间" in labels and "指数平滑（Holt） 95% 预测区间" in labels
    assert not any("置信" in t for t in labels)
    assert "预测" in fig.axes[0].get_title()
    plan_only = show_growth.fan_chart(projections.fan_chart_frame(targets, "all", plan=PLAN), plan=PLAN)
    labels = [t.get_text() for t in plan_only.axes[0].get_legend().get_texts()]
    assert not any("区间" in t for t in labels)
    assert "预测" not in plan_only.axes[0].get_title()
    matplotlib.pyplot.close("all")


# -------------------------------------------------------------------------------------- consistency
def test_consistency_text(targets, result):
    text = show_consistency.consistency_md(result)
    # (1000/690)^(1/3) − 1 = 13.17 % → 13.2 %, one decimal as everywhere; it says what it is above
    assert "**结论：四条链营业收入目标年均增长 13.2%，高于年均10%左右" in text
    assert "±1 个百分点理解为 9.0%–11.0%（含两端）" in text
    # 690·1.1³ = 918.39; 1000 − 918.39 = 81.61
    assert "2026 年为 918.4 亿元，目标合计比它多 81.6 亿元" in text
    wide = show_consistency.consistency_md(consistency.check_consistency(targets, tolerance_pp=2.5, base_total_yi=1500, plan=PLAN))
    # rest: (1500·1.331 − 1000)/(1500 − 690) = 996.5/810 = 1.230247 → ^(1/3) − 1 = 7.15 % → 7.2 %
    assert "±2.5 个百分点理解为 7.5%–12.5%" in wide and "四链以外的规上工业年均需增长 **7.2%**" in wide


# ------------------------------------------------------------------------------------ concentration
def test_share_text_names_the_minimum_and_the_2023_threshold(targets):
    conc = shares.concentration(targets, plan=PLAN)
    text = show_shares.share_md(conc, 2024, plan=PLAN)
    # textiles 2024: 240/370 = 64.9 % → 65 %; HHI (16² + 6² + 46² + 56² + 3² + 3² + 240²)/370² = 63,162/136,900 → 4,614
    assert "现代针纺：高新园区占 65%，HHI 4,614" in text
    assert "9 个区域时最小为 1,111" in text
    assert "《合并指南》（2023 年）以 HHI 高于 1,800 为高度集中" in text and "2,500" not in text
    ties = show_shares.share_md(conc, 2023, indicator="enterprises", plan=PLAN)
    # 冶金建材 户数 2023: 罗家镇 9, 高新园区 9 (imputed), 南钢街道 3 of 21 → 9/21 = 43 % each
    assert "冶金建材：罗家镇、高新园区并列，各占 43%" in ties


def test_concentration_table_shows_ties_and_minimum(targets):
    table = show_shares.concentration_table(shares.concentration(targets, include_all=True, plan=PLAN), [2023, 2024], plan=PLAN)
    df, kw = tables.shown(table), table[1]
    r = _row(df, 产业链="冶金建材", 年份="2023", 指标="规上户数（户）")
    # (9² + 3² + 9²)/21² = 171/441 = 0.387755 → 3,878; 1/0.387755 = 2.58
    assert (r["HHI（0–10000）"], r["HHI最小可能值"], r["等效区域数"]) == ("3,878", "1,111", "2.58")
    assert r["最大区域"] == "罗家镇、高新园区（并列）" and r["最大区域占比（%）"] == "42.9%"
    r24 = _row(df, 产业链="冶金建材", 年份="2024", 指标="规上户数（户）")
    assert r24["最大区域"] == "高新园区"  # 10 of 22, alone: no "switch" across a tie is claimed, the tie is shown
    assert "1,800" in kw["note"] and "2023" in kw["note"]


def test_share_change_table_marks_rounding(targets):
    change = shares.share_change(targets, 2023, 2024, include_all=True, input_precision=0.5, plan=PLAN)
    table = show_shares.share_change_table(change, "textiles", 2023, 2024, plan=PLAN)
    df, kw = tables.shown(table), table[1]
    assert set(df["占比变化（百分点）"]) == {show_shares.WITHIN_ROUNDING}
    assert "取整误差 ±0.5" in kw["note"]
    all_df = tables.shown(show_shares.share_change_table(change, "all", 2023, 2024, plan=PLAN))
    # 南钢街道 all chains: 226/768 − 218/690 = 0.294271 − 0.315942 = −2.17 pp, outside its bound (0.68)
    r = _row(all_df, 区域="南钢街道", 指标="营业收入（亿元）")
    assert r["占比变化（百分点）"] == "-2.2" and r["2023年占比（%）"] == "31.6%"
    plain = tables.shown(show_shares.share_change_table(shares.share_change(targets, 2023, 2024, plan=PLAN), "textiles", 2023, 2024, plan=PLAN))
    # without a bound every change is printed, none as "-0.0": 上海路街道 户数 1/238 → 1/255: −0.028 pp
    assert _row(plain, 区域="上海路街道", 指标="规上户数（户）")["占比变化（百分点）"] == "0.0"


# ---------------------------------------------------------------------------------------- regional
def test_lq_table_names_the_reference_and_no_lq_without_one(register, targets):
    lq = regional.location_quotients(register.panel, 2024, plan=PLAN)
    table = show_shares.lq_wide(lq, source="SRC", plan=PLAN)
    df, kw = tables.shown(table), table[1]
    # (3/4.19936)/(360.48956/769.79139) = 1.525523 → 1.53
    assert _row(df, 区域="上海路街道")["现代针纺"] == "1.53"
    assert "参照：全区全部规上工业" in kw["caption"] and "2024 年" in kw["caption"]
    assert "分母包括四条链以外的企业" in kw["note"] and kw["note"].endswith("SRC")
    assert "1 ÷ 该链全区占比" in show_shares.lq_absent_md(plan=PLAN)


def test_shift_share_on_targets_is_a_description_within_rounding(targets):
    """G = 768/690 − 1 = 0.113043. 高新园区: 311·G = 35.16; mix 208·(0.15625 − G) + 14·(0.041667 − G) +
    64·(0.138462 − G) + 25·(0.138462 − G) = 8.987 − 0.999 + 1.627 + 0.635 = 10.25; area-specific 0.59 within the
    rounding bound. 南钢街道: 218·G = 24.64; 218·(0.041667 − G) = −15.56; 226 − 218·1.041667 = −1.08 (bound 1.95)."""
    ss = regional.shift_share(targets, 2023, 2024, input_precision=0.5, plan=PLAN)
    table = show_shares.shift_share(ss, basis="targets", start_year=2023, end_year=2024, plan=PLAN)
    df, kw = tables.shown(table), table[1]
    r = _row(df, 区域="高新园区")
    assert list(r.index[1:]) == ["起始目标（亿元）", "终止目标（亿元）", "计划增量（亿元）", "全区增长分量（亿元）",
                                 "产业结构分量（亿元）", "区域竞争分量（亿元）"]
    assert list(r.iloc[1:]) == ["311.0", "357.0", "+46.0", "+35.2", "+10.2", show_shares.WITHIN_ROUNDING]
    n = _row(df, 区域="南钢街道")
    assert list(n.iloc[4:]) == ["+24.6", "-15.6", show_shares.WITHIN_ROUNDING]
    assert "不是实绩" in kw["caption"] and "G = 11.3%" in kw["note"] and "不反映任何区域的实际表现" in kw["note"]


def test_shift_share_on_register_actuals(register):
    ss = regional.shift_share(register.panel, 2023, 2024, method="esteban-marquillas", plan=PLAN)
    df, kw = show_shares.shift_share(ss, basis="actual", start_year=2023, end_year=2024, plan=PLAN)
    assert "实际增量（亿元）" in df.columns and "配置效应（亿元）" in df.columns
    assert "Esteban-Marquillas 1972" in kw["note"] and "实际值，2023→2024" in kw["caption"]
    # G = (district all industry 2024)/(2023) − 1 = 769.79139/696.85 − 1 … printed to one decimal
    assert f"G = {ss.attrs['reference_growth']:.1%}" in kw["note"] and "10.5%" in kw["note"]
    ext = regional.shift_share(register.panel, 2023, 2024, reference_growth=0.08, plan=PLAN)
    assert "G = 8.0%（外部参照增长）" in show_shares.shift_share(ext, plan=PLAN)[1]["note"]


# ----------------------------------------------------------------------------------- register tables
def test_comparison_pairs_target_and_actual(register, targets):
    cmp = compare.actual_vs_target(register.panel, targets, 2024, plan=PLAN)
    table = show_register.comparison(cmp, 2024, register, plan=PLAN)
    df, kw = tables.shown(table), table[1]
    rev = _row(df, 产业链="现代针纺", 区域="全区", 指标="营业收入（亿元）")
    # target 370 (plan), actual 360.48956 (register): gap −9.5, 360.48956/370 = 97.4 %
    assert (rev["2024年目标"], rev["2024年实际"], rev["差额（实际−目标）"], rev["完成率（%）"]) == (
        "370.0", "360.5", "-9.5", "97.4%")
    ent = _row(df, 产业链="现代针纺", 区域="全区", 指标="规上户数（户）")
    # 255 planned, 253 in the register: −2, 253/255 = 99.2 %; counts without decimals
    assert (ent["2024年目标"], ent["2024年实际"], ent["差额（实际−目标）"], ent["完成率（%）"]) == (
        "255", "253", "-2", "99.2%")
    same = _row(df, 产业链="冶金建材", 区域="罗家镇", 指标="营业收入（亿元）")
    assert same["差额（实际−目标）"] == "0.0"
    assert "完成率 = 实际 ÷ 同年目标" in kw["note"] and "示例数据" in kw["note"]


def test_size_band_table_says_attainment_not_completion(register):
    bands = sizebands.band_counts(register.clean, year=2024, plan=PLAN)
    table = show_register.size_band_table(bands, 2024, register, plan=PLAN)
    df, kw = tables.shown(table), table[1]
    assert list(df.columns) == ["档位", "2026年目标（户）", "2024年名录（户）", "对2026目标的达成度（%）"]
    assert list(df.iloc[0]) == ["超1亿元", "50", "92", "184.0%"]  # 92 firms ≥ 1 亿元 in 2024 / 50 targeted for 2026
    assert "不是同期完成率" in kw["note"]
    same_year = bands.assign(attainment_rate=bands["attainment_rate"])
    assert "完成率（%）" in show_register.size_band_table(same_year, 2026, register, plan=PLAN)[0].columns


def test_size_band_chart_names_the_years():
    frame = pd.DataFrame({"threshold_yi": [1, 3], "actual": [92, 26], "target": [50, 15]})
    fig = show_register.size_bands(frame, year=2024, plan=PLAN)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["2024年名录", "2026年目标"]
    assert "2024年名录对比2026年目标" in fig.axes[0].get_title()
    matplotlib.pyplot.close("all")


def test_register_paragraph_counts_firms_per_year(register):
    text = show_register.register_md(register, plan=PLAN)
    assert "规上企业 2023 年 304 户、2024 年 330 户（按年计，不跨年相加）" in text
    assert "634" not in text and "740 行（每户企业每年一行）" in text
    assert "2023 年 304 户、2024 年 330 户" in show_register.register_summary(register)[1]["note"]


# ------------------------------------------------------------------------------------- size bands text
def test_size_band_text_facts_first_and_no_contradiction(fit):
    text = show_register.pareto_md(fit, plan=PLAN)
    facts, tail = text.split("\n\n")[:2]
    assert facts.startswith("**规模分档的硬性事实**")
    for s in ("超 1 亿元的 50 户营业收入至少 136 亿元（平均每户 2.72 亿元）", "至少 186 亿元",
              "其余 250 户合计在 50–250 亿元之间", "须合计 **250–450 亿元**，即平均每户 5–9 亿元",
              "“全产业链营业收入”", "300 户是“超过”"):
        assert s in facts, s
    assert "α = 1.10，95% 轮廓似然区间 0.81–1.46" in tail and "区间包含 α ≤ 1 的值" in tail
    assert "既不能证明、也不能否定 500 亿元目标" in tail
    assert "α = 1.08，标准误 0.022，远小于极大似然的 0.167" in tail
    # the old paragraph's contradictions are gone: no untruncated 681 for 50 firms, no 241–441 range "against 500"
    for gone in ("681", "241", "441", "对比目标"):
        assert gone not in text


def test_cap_table(fit):
    table = show_register.pareto_caps(fit)
    df, kw = tables.shown(table), table[1]
    assert list(df.columns) == ["假定单户最大营业收入（亿元）", "α = 0.81（区间下限）", "α = 1.10（估计值）",
                                "α = 1.46（区间上限）"]
    assert list(_row(df, **{"假定单户最大营业收入（亿元）": "60"}).iloc[1:]) == ["261", "187", "134"]
    # untruncated: α ≤ 1 → infinite; α̂: 50·1.101/0.101 = 546; α = 1.465: 50·1.465/0.465 = 158
    assert list(_row(df, **{"假定单户最大营业收入（亿元）": "无上限"}).iloc[1:]) == ["无穷大", "546", "158"]
    assert "250–450 亿元" in kw["note"]


# ----------------------------------------------------------------------------------------- briefing
def test_headline_table_values_and_units(targets, result):
    report = bundled_district().progress(2024)
    table = briefing.headline_table(targets, result, 2024, report, plan=PLAN)
    df, kw = tables.shown(table), table[1]
    assert list(df.columns) == ["产业链", "2026目标（亿元）", "2026目标（户）", "目标年均增长（%）", "对比10%左右",
                                "2024目标（亿元）", "2024年统计数（亿元）", "同比增长（%）", "完成年度目标（%）"]
    t = _row(df, 产业链="现代针纺")
    # 500 亿元, 300 户, (500/320)^(1/3) − 1 = 16.0 %, 370 target; the 统计月报's 371.49, +15.2 %, 371.49/370 = 100.4 %
    assert list(t.iloc[1:]) == ["500.0", "300", "16.0%", "高于", "370.0", "371.5", "15.2", "100.4"]
    a = _row(df, 产业链="四链合计")
    # 779.48/768 = 101.5 %; its growth on 可比口径 from the parts' published rates (†)
    assert list(a.iloc[1:]) == ["1,000.0", "400", "13.2%", "高于", "768.0", "779.5", "11.4†", "101.5"]
    i = _row(df, 产业链="规上工业")
    assert list(i.iloc[1:]) == ["—", "—", "—", "", "—", "1,265.0", "10.4", "—"]    # a rate goal: no level target
    assert "亿元为营业收入，户为规上企业户数" in kw["note"] and "完成年度目标 = 统计数 ÷ 2024 年目标" in kw["note"]
    bare, _ = briefing.headline_table(targets, result, 2026, plan=PLAN)
    assert "完成年度目标（%）" not in bare.columns


@pytest.mark.parametrize("pp, band", [(1.0, "±1 个百分点理解（9.0%–11.0%，含两端）"),
                                      (2.5, "±2.5 个百分点理解（7.5%–12.5%，含两端）"),
                                      (0.0, "±0 个百分点理解（10.0%–10.0%，含两端）")])
def test_methods_note_prints_the_tolerance_used(pp, band):
    text = briefing.methods_md(pp, plan=PLAN)
    assert band in text
    assert "1,800" not in text and "合并指南" not in text and "Clauset" not in text   # no antitrust, no citations
    assert "称“达成度”" in text and "按年计" in text and "统计月报的方法说明" in text


# ------------------------------------------------------------- other text readers see (found by blind mutations)
def test_consistency_cagr_table_one_decimal_like_the_headline(result):
    df = tables.shown(show_consistency.consistency_cagr(result, plan=PLAN))
    col = next(c for c in df.columns if c.startswith("年均增长率"))
    # (500/320)^(1/3) − 1 = 16.04 %; (1000/690)^(1/3) − 1 = 13.17 %: printed once, as 16.0 % and 13.2 % everywhere
    assert list(df[col]) == ["16.0%", "7.7%", "15.4%", "15.4%", "13.2%"]


def test_repairs_text_gives_the_imputed_values():
    tgt = bundled_district().targets
    text = briefing.repairs_md(tgt.repairs, tgt.checks, tgt.table, plan=PLAN)
    # 冶金建材 户数 高新园区 2023 = 21 − (9 + 3) = 9 and 2024 = 22 − (9 + 3) = 10; 食品医药 营业收入 塘山镇 2023 = 65 − 26 = 39
    assert "各区域之和比全区 21 户少 9" in text and "故补为 **9 户**" in text
    assert "故补为 **10 户**" in text and "故补为 **39 亿元**" in text
    assert "清洗共处理 27 处" in text


def test_register_summary_says_whether_rows_balance(register):
    df, kw = show_register.register_summary(register)
    assert "读入 1524 = 清洗后 740 + 隔离 28 + 重复 756，平衡" in kw["note"]
    import types

    broken = types.SimpleNamespace(**{**vars(register), "summary": {**register.summary, "rows_read": 1525}})
    broken.synthetic = register.synthetic
    assert "不平衡！" in show_register.register_summary(broken)[1]["note"]


def test_completion_chart_labels_the_rates(register, targets):
    cmp = compare.actual_vs_target(register.panel, targets, 2024, plan=PLAN)
    d = cmp[(cmp["area"] == "全区") & (cmp["indicator"] == "revenue")].assign(label=lambda x: x["chain_id"])
    fig = show_register.completion(d, "completion_rate", "label", "完成率", benchmark=0.975, plan=PLAN)
    texts = {t.get_text().strip() for t in fig.axes[0].texts}
    # 360.48956/370 = 97.4 % → "97%"; the other three 100 %
    assert "97%" in texts and "100%" in texts
    bars = {p.get_width() for p in fig.axes[0].patches}
    assert any(abs(w - 97.429) < 0.01 for w in bars)
    matplotlib.pyplot.close("all")


def test_register_paragraph_rows_and_quarantine(register):
    text = show_register.register_md(register, plan=PLAN)
    # 1524 read = 740 clean + 28 quarantined + 756 exact duplicates dropped
    assert "共读入 1524 行：清洗后 740 行" in text and "隔离 28 行" in text and "删除完全重复行 756 行" in text
    assert "统一社会信用代码不符合 GB 32100-2015 8" in text


def test_title_block_date_and_targets_overview():
    from datetime import date

    html = briefing.title_html(2024, ["附件2"], synthetic=True, today=date(2026, 3, 9), plan=PLAN)
    assert "青山湖区制造业重点产业链2024年度简报" in html and "编制日期：2026年3月9日" in html
    assert "示例数据" in html and "示例数据" not in briefing.title_html(2024, [], synthetic=False, today=date(2026, 3, 9), plan=PLAN)
    overview = show_targets.targets_overview_md(bundled_district().targets)
    # 4 chains × 4 years × 2 indicators × 10 areas = 320 rows; 27 repairs; 40 checks, all consistent
    assert "清洗后共 **320** 行" in overview and "修复记录 **27** 处" in overview and "**40** 项一致" in overview
