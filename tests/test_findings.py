"""What readers see, tested as a library: the findings text and tables, the briefing's headline table and methods
note, and the fan-chart and size-band labels, called directly on the bundled data with values worked by hand."""

from __future__ import annotations

import re

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
    assert "指数平滑 80% 预测区间" in labels and "指数平滑 95% 预测区间" in labels
    assert not any("置信" in t for t in labels)
    assert "预测" in fig.axes[0].get_title()
    # issue 20 (English and code on reader pages): no library or author names in the legend, title, source or alt
    words = " ".join([*labels, fig.axes[0].get_title(), *(t.get_text() for t in fig.texts), fig._chainplan_alt])
    for gone in ("Holt", "statsmodels", "ETS", "OLS"):
        assert gone not in words, gone
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
def test_share_text_names_the_top_area_and_the_top_two_without_hhi(targets):
    """Issue 20 point 12: the briefing's text says where the target lies in plain words — the largest area and the
    top two together — in whole percents as the area chart prints them, with no HHI and no merger guidelines."""
    conc = shares.concentration(targets, plan=PLAN)
    text = show_shares.share_md(conc, 2024, plan=PLAN)
    # textiles 2024: 高新园区 240/370 = 64.86 %, 湖坊镇 16 … 罗家镇 56/370 = 15.14 % → 65 % and 65 + 15 = 80 %
    assert "现代针纺：高新园区占65%，前两位合计80%" in text
    # food 2024: 塘山镇 44/74 = 59.46 %, 高新园区 29/74 = 39.19 %, 罗家镇 1/74 = 1.35 %: 59 + 39 + 1 = 99 rounded one
    # by one; by largest remainder 塘山镇 (.46) goes up: 60 + 39 + 1 = 100, top two 99
    assert "食品医药：塘山镇占60%，前两位合计99%" in text
    # electronics: 高新园区 73/74 and 罗家镇 1/74, nothing else
    assert "电子信息：高新园区占99%，其余在罗家镇" in text
    assert "2024年各链营业收入目标" in text and "取整后各区域之和为100%" in text
    for gone in ("HHI", "合并指南", "1,800", "1,111", "美国"):
        assert gone not in text, gone
    ties = show_shares.share_md(conc, 2023, indicator="enterprises", plan=PLAN)
    # 冶金建材 户数 2023: 罗家镇 9, 高新园区 9 (imputed), 南钢街道 3 of 21 → 42.86 % each: 43 + 43 + 14 = 100
    assert "冶金建材：罗家镇、高新园区并列，各占43%，合计86%" in ties


def test_area_mix_labels_add_to_100(targets):
    """The briefing's chart prints whole percents that add up to 100 for every chain (largest remainder), and says
    that it shows targets (目标), not actuals."""
    fig = show_shares.area_mix(shares.area_shares(targets, plan=PLAN), 2024, plan=PLAN)
    alt = fig._chainplan_alt
    assert "2024年各链营业收入目标的区域构成" in alt
    assert "食品医药 塘山镇 60%、高新园区 39%、罗家镇 1%" in alt   # 59 + 39 + 1 = 99 before
    for chain_part in alt.split("每条链一条，各区域占比之和为100%。")[1].split("；"):
        assert sum(int(v) for v in re.findall(r"(\d+)%", chain_part)) == 100, chain_part
    matplotlib.pyplot.close("all")


def test_concentration_table_shows_ties_and_minimum(targets):
    table = show_shares.concentration_table(shares.concentration(targets, include_all=True, plan=PLAN), [2023, 2024], plan=PLAN)
    df, kw = tables.shown(table), table[1]
    r = _row(df, 产业链="冶金建材", 年份="2023", 指标="规上户数（户）")
    # (9² + 3² + 9²)/21² = 171/441 = 0.387755 → 3,878; 1/0.387755 = 2.58
    assert (r["HHI（0–10000）"], r["HHI最小可能值"], r["等效区域数"]) == ("3,878", "1,111", "2.58")
    assert r["最大区域"] == "罗家镇、高新园区（并列）" and r["最大区域占比（%）"] == "42.9%"
    r24 = _row(df, 产业链="冶金建材", 年份="2024", 指标="规上户数（户）")
    assert r24["最大区域"] == "高新园区"  # 10 of 22, alone: no "switch" across a tie is claimed, the tie is shown
    # the HHI stays, with its minimum; no antitrust threshold is used as a verdict on areas
    assert "1,800" not in kw["note"] and "合并指南" not in kw["note"] and "不套用" in kw["note"]
    assert kw["caption"] == "目标的区域集中度"


def test_share_change_table_shows_printed_shares_and_their_difference(targets):
    """Issue 20 point 6: every chain's printed shares add up to 100.0 % in both years and the printed change is the
    difference of the printed shares; changes within the rounding of the integer targets are marked, not hidden."""
    change = shares.share_change(targets, 2023, 2024, include_all=True, input_precision=0.5, plan=PLAN)
    table = show_shares.share_change_table(change, "textiles", 2023, 2024, plan=PLAN)
    df, kw = tables.shown(table), table[1]
    assert all(v.endswith(show_shares.WITHIN_MARK) for v in df["占比变化（百分点）"])
    assert "取整（±0.5）" in kw["note"] and "之和为100.0%" in kw["note"]
    all_df = tables.shown(show_shares.share_change_table(change, "all", 2023, 2024, plan=PLAN))
    # 南钢街道 all chains: 226/768 − 218/690 = 0.294271 − 0.315942 = −2.17 pp, outside its bound (0.68)
    r = _row(all_df, 区域="南钢街道", 指标="营业收入（亿元）")
    assert r["占比变化（百分点）"] == "-2.2" and r["2023年占比（%）"] == "31.6%"
    # 塘山镇 all chains revenue: 44/690 = 6.38 % → 6.4 %, 50/768 = 6.51 % → 6.5 %: the change shown is 6.5 − 6.4 = +0.1
    # (within the rounding bound, so marked); before, "0（在取整误差内）" under two different printed shares
    assert _row(all_df, 区域="塘山镇", 指标="营业收入（亿元）")["占比变化（百分点）"] == "+0.1*"
    for chain in [*PLAN.chain_ids, "all"]:
        shown = tables.shown(show_shares.share_change_table(change, chain, 2023, 2024, plan=PLAN))
        for _, g in shown.groupby("指标"):
            for col in ("2023年占比（%）", "2024年占比（%）"):
                assert round(sum(float(v.rstrip("%")) for v in g[col]), 1) == 100.0, (chain, col)
            for a, b, c in zip(g["2023年占比（%）"], g["2024年占比（%）"], g["占比变化（百分点）"]):
                assert round(float(b.rstrip("%")) - float(a.rstrip("%")), 1) == float(c.rstrip("*")), (chain, a, b, c)


# ---------------------------------------------------------------------------------------- regional
def test_lq_table_names_the_reference_it_uses(register, targets):
    """Issue 20 point 12: the register's location quotients use the register's own total (769.8 亿元), not the
    统计月报's 规上工业 (1,265.0): the caption and note say so (名录口径)."""
    lq = regional.location_quotients(register.panel, 2024, plan=PLAN)
    table = show_shares.lq_wide(lq, source="SRC", plan=PLAN)
    df, kw = tables.shown(table), table[1]
    # (3/4.19936)/(360.48956/769.79139) = 1.525523 → 1.53
    assert _row(df, 区域="上海路街道")["现代针纺"] == "1.53"
    assert kw["caption"] == "区位商（2024 年，营业收入，名录口径；参照：全区名录全部规上企业）"
    assert "全区全部规上工业" not in kw["caption"]
    assert "全区名录全部规上企业营业收入（769.8 亿元）" in kw["note"]
    assert "分母包括四条链以外的企业" in kw["note"] and kw["note"].endswith("SRC")
    assert "1 ÷ 该链全区占比" in show_shares.lq_absent_md(plan=PLAN)


def test_shift_share_on_targets_adds_up_as_printed(targets):
    """Issue 20 point 6. G = 768/690 − 1 = 0.1130435. 湖坊镇 (textiles only, 13 → 16; g = 370/320 − 1 = 0.15625):
    growth 13·G = 1.4696, mix 13·(0.15625 − G) = 0.5617, area-specific 3 − 1.4696 − 0.5617 = 0.9688. Rounded one by
    one 1.5 + 0.6 + 1.0 = 3.1 (and the old table hid the 1.0 as 0: +1.5 +0.6 +0 under +3.0); by largest remainder
    (tenths 14.70, 5.62, 9.69: two go up, the largest remainders .70 and .69) 1.5 + 0.5 + 1.0 = 3.0.
    南钢街道: 218·G = 24.6435, 218·(240→250: 0.0416667 − G) = −15.5601, −1.0834; one by one 24.6 − 15.6 − 1.1 = 7.9;
    by largest remainder (.44 > .40 > .17) 24.7 − 15.6 − 1.1 = 8.0."""
    ss = regional.shift_share(targets, 2023, 2024, input_precision=0.5, plan=PLAN)
    table = show_shares.shift_share(ss, basis="targets", start_year=2023, end_year=2024, plan=PLAN)
    df, kw = tables.shown(table), table[1]
    r = _row(df, 区域="高新园区")
    assert list(r.index[1:]) == ["起始目标（亿元）", "终止目标（亿元）", "计划增量（亿元）", "全区增长分量（亿元）",
                                 "产业结构分量（亿元）", "区域竞争分量（亿元）"]
    assert list(r.iloc[1:]) == ["311.0", "357.0", "+46.0", "+35.2", "+10.2", "+0.6*"]
    assert list(_row(df, 区域="湖坊镇").iloc[3:]) == ["+3.0", "+1.5", "+0.5", "+1.0*"]
    assert list(_row(df, 区域="南钢街道").iloc[3:]) == ["+8.0", "+24.7", "-15.6", "-1.1*"]
    assert "不是实绩" in kw["caption"] and "G = 11.3%" in kw["note"] and "不反映任何区域的实际表现" in kw["note"]
    assert "显示的各分量之和等于显示的增量" in kw["note"]


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
    assert (rev["2024年目标"], rev["2024年实际"], rev["差额（实际-目标）"], rev["完成率（%）"]) == (
        "370.0", "360.5", "-9.5", "97.4%")
    ent = _row(df, 产业链="现代针纺", 区域="全区", 指标="规上户数（户）")
    # 255 planned, 253 in the register: −2, 253/255 = 99.2 %; counts without decimals
    assert (ent["2024年目标"], ent["2024年实际"], ent["差额（实际-目标）"], ent["完成率（%）"]) == (
        "255", "253", "-2", "99.2%")
    same = _row(df, 产业链="冶金建材", 区域="罗家镇", 指标="营业收入（亿元）")
    assert same["差额（实际-目标）"] == "0.0"
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
def test_size_band_text_facts_first_then_the_plain_message(fit, register):
    """Issue 20 (Unclear/style): the readers' paragraph gives the hard facts, then one plain sentence with what the
    fit says — with the largest firm at 40–100 亿元 the bands' 50 firms total 173–204 亿元 (the α̂ column of the cap
    table at caps 40, 60, 100), below the 250 needed; they reach 250 only with a firm of about 430 亿元 — then the
    register's 92 firms ≥ 1 亿元 against the 2026 target of 50 (达成度, 名录口径). No Greek, citation or English."""
    bands = sizebands.band_counts(register.clean, year=2024, plan=PLAN)
    text = show_register.pareto_md(fit, plan=PLAN, bands=bands, year=2024)
    facts, message, attained = text.split("\n\n")[:3]
    assert facts.startswith("**规模分档的硬性事实**")
    for s in ("超 1 亿元的 50 户营业收入至少 136 亿元（平均每户 2.72 亿元）", "至少 186 亿元",
              "其余 250 户合计在 50–250 亿元之间", "须合计 **250–450 亿元**，即平均每户 5–9 亿元",
              "“全产业链营业收入”", "300 户是“超过”"):
        assert s in facts, s
    assert ("若最大一户营业收入在 40–100 亿元，超 1 亿元的 50 户合计约 173–204 亿元，低于所需的至少 250 亿元；"
            "要达到 250 亿元，最大一户营业收入须达约 430 亿元，接近全链目标 500 亿元") in message
    assert message.count("。") == 2   # the message, and what the bands can and cannot say
    # 92 of 50 = 184 %; the register year is before the bands' year: 达成度, not 完成率
    assert "2024 年名录（名录口径）中营业收入超 1 亿元的现代针纺企业已有 92 户，对 2026 年目标 50 户的达成度为 184%" in attained
    assert re.search(r"[A-Za-zα-ω]", text) is None, re.findall(r"[A-Za-zα-ω]+", text)
    assert "681" not in text and "对比目标" not in text
    analyst = show_register.pareto_md(fit, plan=PLAN, analyst=True)
    # the method stays for analysts, the exponent defined (the Pareto shape: Virkar–Clauset's α minus 1)
    assert "**供分析人员：方法**" in analyst and "a = 1.10，95% 轮廓似然区间 0.81–1.46" in analyst
    assert "密度指数 α 减 1" in analyst and "a = 1.08，标准误 0.022，远小于极大似然的 0.167" in analyst
    assert "供分析人员" not in text


def test_cap_table(fit):
    table = show_register.pareto_caps(fit)
    df, kw = tables.shown(table), table[1]
    assert list(df.columns) == ["假定最大一户营业收入（亿元）", "按拟合推算（亿元）", "95%可能范围（亿元）"]
    assert list(_row(df, **{"假定最大一户营业收入（亿元）": "60"}).iloc[1:]) == ["187", "134–261"]
    # untruncated: α ≤ 1 at the interval's end → no upper bound; α̂: 50·1.101/0.101 = 546; α = 1.465: 50·1.465/0.465 = 158
    assert list(_row(df, **{"假定最大一户营业收入（亿元）": "不设上限"}).iloc[1:]) == ["546", "158–无上限"]
    assert "250–450 亿元" in kw["note"]
    assert re.search(r"[A-Za-zα-ω]", "".join(df.columns) + kw["note"] + kw["caption"]) is None


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


# ------------------------------------------------------------------------- growth from the official figures
def test_required_growth_starts_from_the_official_figures():
    """Issue 20 point 7 / 02_growth: the growth still needed starts from the 统计月报's last complete year (2024:
    现代针纺 371.49), not from the register (360.49). (500/371.49)^½ − 1 = 16.01 % → 16.0 %; planned (500/370)^½ − 1 =
    16.25 % → 16.2 %; shown −0.2 (16.0 − 16.2)."""
    d = bundled_district()
    observed = d.growth_actuals(2024)
    req = growth.required_growth(observed.frame, d.targets.table, actual_year=2024, plan=PLAN)
    df, kw = tables.shown(show_growth.required_table(req, observed.source, plan=PLAN)), show_growth.required_table(
        req, observed.source, plan=PLAN)[1]
    r = _row(df, 产业链="现代针纺")
    assert list(r.iloc[1:]) == ["371.5", "500.0", "16.2%", "16.0%", "-0.2"]
    assert "360.5" not in df.to_string()
    assert kw["caption"] == "从2024年统计月报全年数（示例数据）到2026年目标：2025—2026年所需年均增长"
    one = growth.required_growth(observed.frame, d.targets.table, actual_year=2024, target_year=2025, plan=PLAN)
    # one year apart: 该年所需增长, not 年均 (430/371.49 − 1 = 15.75 % → 15.8 %)
    assert "所需增长" in tables.shown(show_growth.required_table(one, observed.source, plan=PLAN)).columns
    assert "2025年需增长 15.8%" in show_growth.required_md(one, observed.source, plan=PLAN)


# ------------------------------------------------------------------------------- words on reader pages
def test_reader_text_has_no_code_or_file_names(register):
    """Issue 20 (English and code on reader pages): the register's source line names years, not files; the
    missing-register note names no notebook parameter; the repairs log's evidence names no module."""
    note = show_register.register_note(register)
    assert note == "【示例数据：合成名录，非真实统计】来源：2023、2024 年规上企业名录（名录口径，经清洗）。"
    missing = show_register.register_missing_md(2026, register)
    assert "register_dir" not in missing and "`" not in missing and "现有名录年份：2023、2024 年" in missing
    assert "use_register" not in show_register.NO_REGISTER_MD
    assert "[[" not in show_register.no_size_bands_md(PLAN) and "`" not in show_register.no_size_bands_md(PLAN)
    repairs = bundled_district().targets.repairs
    why = " ".join(repairs["why"].astype(str))
    assert "chainplan_lib" not in why and "见方案文件所列别称" in why


def test_one_minus_sign_in_what_my_pages_print(targets, register, fit):
    """Negative numbers are written with "-" (as the tables print them), never with U+2212, in text and tables."""
    conc = shares.concentration(targets, include_all=True, plan=PLAN)
    texts = [show_shares.share_md(conc, 2024, plan=PLAN), show_register.pareto_md(fit, plan=PLAN, analyst=True),
             show_growth.fan_md(projections.fan_chart_frame(targets, "all", plan=PLAN), plan=PLAN)]
    built = [show_shares.shift_share(regional.shift_share(targets, 2023, 2026, input_precision=0.5, plan=PLAN),
                                     basis="targets", plan=PLAN),
             show_shares.share_change_table(shares.share_change(targets, 2023, 2026, include_all=True,
                                                                input_precision=0.5, plan=PLAN), "all", 2023, 2026,
                                            plan=PLAN),
             show_register.comparison(compare.actual_vs_target(register.panel, targets, 2024, plan=PLAN), 2024,
                                      register, plan=PLAN)]
    for t in built:
        texts += [tables.to_html(t[0], **t[1])]
    for t in texts:
        assert not re.search(r"−\s?\d", t), re.findall(r".{10}−\s?\d.{5}", t)
    assert any(re.search(r">-\d", t) for t in texts)
