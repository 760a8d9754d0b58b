"""What the analyses found, in the words and tables readers see — each claim beside the number it rests on.

Every function takes results computed in :mod:`chainplan_lib.analysis` and states them in Chinese with
their units, method and convention; none computes a new statistic (comparisons a reader sees — "ahead",
"within rounding", a threshold — use the rule the analysis layer documents). Rules kept here:

* a band is called what it is (80 % / 95 % 预测区间), and a projection that was not made is said not to be;
* the plan's own path is described (planned year-on-year rates), never "projected";
* 完成率 is actual ÷ the same year's target; against a later target it is 达成度;
* counts are per year (户 in one year), never firm-years summed over years;
* ties are named (罗家镇、高新园区并列), thresholds cite their guideline and year, the minimum HHI stands beside it;
* a component or change within the rounding of the inputs is shown as 0 and said to be (在取整误差内);
* no negative zero (:func:`chainplan_lib.present.tables.fmt_signed`);
* names, counts (四条链, 九个区域), sources and goals come from the plan (``plan=None``: the default plan).
"""

from __future__ import annotations

import math

import pandas as pd

from ..analysis.shares import HHI_THRESHOLDS
from ..plan.load import resolve_plan
from ..plan.model import ALL, Plan, cn_count
from . import units as U
from .escape import md_text
from .tables import (
    above_size_counts,
    fmt_num,
    fmt_pct,
    indicator_cn,
    reason_cn,
    register_note,
    verdict_cn,
)

__all__ = ["fan_md", "no_size_bands_md", "consistency_md", "regression_md", "share_md", "concentration_table", "share_change_table",
           "lq_wide", "lq_absent_md", "shift_share", "comparison", "size_band_table", "pareto_md", "pareto_caps",
           "register_md", "WITHIN_ROUNDING"]

WITHIN_ROUNDING = "0（在取整误差内）"
_MODEL_CN = {"trend": "对数线性趋势", "ets": "指数平滑（Holt）"}


def source_targets(plan: Plan) -> str:
    """来源：湖政发〔2024〕2号附件2（经清洗）。"""
    return f"来源：{plan.reference}{plan.table_section}（经清洗）。"


def source_bands(plan: Plan, chain_id: str | None = None) -> str:
    """来源：湖政发〔2024〕2号附件1 一、(二)发展目标。"""
    b = plan.bands_for(chain_id) if chain_id else (plan.size_bands[0] if plan.size_bands else None)
    return f"来源：{plan.reference}{b.section if b else ''}。"


SOURCE_TARGETS = source_targets()   # the default plan's
SOURCE_BANDS = source_bands() if resolve_plan(None).size_bands else ""


def _n_chains(plan: Plan) -> str:
    return cn_count(len(plan.chains))


def _level_label(level: float) -> str:
    return f"{level * 100:g}%"


# ------------------------------------------------------------------------------------------ growth
def fan_md(fan: pd.DataFrame, plan: Plan, actual_source: str = "") -> str:
    """The text under the fan chart: the plan's path as description, the actuals, each model drawn (with its
    prediction intervals) or why it was not, and the scenarios as arithmetic."""
    unit = plan.unit(fan["indicator"].iloc[0])
    last = int(fan["year"].max())
    chain = fan["chain"].iloc[0]
    tgt = fan[fan["kind"] == "target"].sort_values("year")
    rates = "、".join(f"{int(r.year)} 年 {fmt_pct(r.yoy, 1)}" for r in tgt.itertuples() if pd.notna(r.yoy))
    lines = [f"- **规划目标（{chain}）**：{int(tgt['year'].iloc[0])} 年 {fmt_num(tgt['value'].iloc[0])} {unit} → "
             f"{int(tgt['year'].iloc[-1])} 年 {fmt_num(tgt['value'].iloc[-1])} {unit}；逐年计划增速 {rates}。"
             "这是对规划本身的描述，不是预测。"]
    act = fan[fan["kind"] == "actual"].sort_values("year")
    src = f"（{md_text(actual_source)}）" if actual_source else ""
    if len(act):
        if len(act) <= 4:
            vals = "、".join(f"{int(r.year)} 年 {fmt_num(r.value, 1)}" for r in act.itertuples())
            lines.append(f"- **实际值**{src}：{vals} {unit}。")
        else:
            lines.append(f"- **实际值**{src}：{int(act['year'].iloc[0])}–{int(act['year'].iloc[-1])} 年共 {len(act)} 年，"
                         f"{int(act['year'].iloc[-1])} 年 {fmt_num(act['value'].iloc[-1], 1)} {unit}。")
    status = fan.attrs.get("projections", {})
    levels = fan.attrs.get("levels", [])
    for kind in ("trend", "ets"):
        st = status.get(kind)
        if st is None:
            continue
        label = _MODEL_CN[kind]
        if st["drawn"]:
            row = fan[(fan["kind"] == kind) & (fan["year"] == last)].iloc[0]
            bands = []
            for lv in levels:
                p = f"{lv * 100:g}".replace(".", "_")
                lo, hi = row.get(f"lower_{p}", math.nan), row.get(f"upper_{p}", math.nan)
                if pd.notna(lo):
                    bands.append(f"{_level_label(lv)} 预测区间 {fmt_num(lo)}–{fmt_num(hi)}")
            if not bands and pd.notna(row["lower"]):
                bands.append(f"预测区间 {fmt_num(row['lower'])}–{fmt_num(row['upper'])}")
            lines.append(f"- **{label}**（基于 {st['n']} 年实际值）：{last} 年 {fmt_num(row['value'])} {unit}"
                         + (f"（{'；'.join(bands)}）" if bands else "") + "。")
        elif st["reason"] == "too_few_points":
            lines.append(f"- **{label}**：实际值只有 {st['n']} 年，少于所需的 {st['min']} 年，不作此项预测。")
        elif st["reason"] == "no_actuals":
            lines.append(f"- **{label}**：没有实际值，不作预测（规划目标是计划，不是观测，不能用来外推）。")
        elif st["reason"] == "gaps":
            lines.append(f"- **{label}**：实际值年份不连续，不作此项预测。")
        elif st["reason"] == "non_positive":
            lines.append(f"- **{label}**：实际值有零或负值，无法取对数，不作此项预测。")
    sc = fan[fan["kind"].astype(str).str.startswith("scenario")]
    if len(sc):
        start = sc[sc["year"] == sc["year"].min()].iloc[0]
        origin = "实际值" if start["basis"] == "actual" else "规划目标"
        end = sc[sc["year"] == last]
        parts = "、".join(f"{k.split('_', 1)[1].replace('_', '.')}% → {fmt_num(v)}"
                          for k, v in zip(end["kind"], end["value"]))
        lines.append(f"- **情景**（从 {int(start['year'])} 年{origin} {fmt_num(start['value'], 1)} {unit} 起按固定增速"
                     f"计算，只是算术，不是预测）：{last} 年 {parts} {unit}。")
    return "\n".join(lines)


def consistency_md(result) -> str:
    """The overall-goal verdict and the numbers behind it, in Chinese, with the tolerance actually used
    (the chains' names and count from the result, which carries the plan's)."""
    a = result.cagr[ALL]
    n = cn_count(len(result.chain_verdicts))
    total = result.all_name
    growth = (f"- {total}由 {result.base_year} 年 {result.base_yi[ALL]:,.0f} 亿元增至 {result.target_year} 年 "
              f"{result.target_yi[ALL]:,.0f} 亿元，年均增长 **{a:.2%}**")
    if not result.tested:
        return "\n".join(["**方案未提出全区总体增速目标，不做一致性检验。**", "",
                          growth + "（仅供参考）。"])
    lo, hi = result.band
    g = result.overall_growth
    goal = f"{g:.0%}{result.qualifier}"
    if result.kind == "about":
        reading = f"“{goal}”按 ±{result.tolerance_pp:g} 个百分点理解为 {lo:.1%}–{hi:.1%}（含两端）"
    elif result.kind == "at_least":
        reading = f"“{goal}”理解为年均不低于 {g:.1%}"
    else:
        reading = f"“{goal}”理解为年均不高于 {g:.1%}"
    lines = [
        f"**结论：{n}条链营业收入目标{verdict_cn(result.verdict, g, result.qualifier, result.kind)}。**",
        "",
        f"{growth}；{reading}。",
        f"- 若从 {result.base_yi[ALL]:,.0f} 亿元按年均 {g:.0%} 增长，{result.target_year} 年为 "
        f"{result.path_yi[result.target_year]:,.1f} 亿元；目标合计比它{'多' if result.gap_yi >= 0 else '少'} "
        f"**{abs(result.gap_yi):,.1f} 亿元**。",
    ]
    if result.rest_of_industry_cagr is not None:
        r = result.rest_of_industry_cagr
        lines.append(f"- 以 {result.base_year} 年全区规上工业营业收入 {result.base_total_yi:,.0f} 亿元计，要使全区年均增长 "
                     f"{g:.0%}，{n}链以外的工业年均{'需增长' if r >= 0 else '可下降'} **{abs(r):.2%}**。")
    elif result.base_total_yi is not None:
        lines.append(f"- {n}条链目标本身已超过全区按 {g:.0%} 增长的总量，其余工业无论如何都无法与之相容。")
    else:
        lines.append(f"- 方案未给出 {result.base_year} 年全区规上工业营业收入总额，故未计算{n}链以外工业所需增速。")
    return "\n".join(lines)


def regression_md(result) -> str:
    """The slope test of the summed target path, described as a description of the plan (it is not a sample)."""
    r = result.regression
    if r is None:
        return "方案未提出总体增速目标，不做斜率检验。" if not result.tested else "目标路径点数不足，未做回归。"
    conf = round(100 * (1 - r.alpha))
    return (f"对{result.all_name}目标取对数后对年份做最小二乘回归（{r.first_year}–{r.last_year}，{r.n} 个点）：隐含年均增长 "
            f"**{r.growth:.2%}**，{conf}% 置信区间 {r.growth_ci[0]:.2%}–{r.growth_ci[1]:.2%}；检验“斜率 = "
            f"ln(1+{result.overall_growth:.0%})”的 t = {r.t_stat:.2f}，p = {r.p_value:.3g}。\n\n"
            f"**注意**：这 {r.n} 个点是规划目标，不是观测样本；区间和 p 值只描述目标路径偏离等速增长的程度，"
            "不能解读为实现目标的概率。")


# ------------------------------------------------------------------------------------- concentration
def _hhi_reference(guideline: int = 2023) -> str:
    t = HHI_THRESHOLDS[guideline]
    return (f"参照：美国司法部与联邦贸易委员会《合并指南》（{guideline} 年）以 HHI 高于 {t['high']:,.0f} 为高度集中"
            "（该阈值针对市场中的企业份额，此处只作量级参考）")


def share_md(conc: pd.DataFrame, year: int, indicator: str = "revenue", guideline: int = 2023,
             *, plan: Plan) -> str:
    """One line per chain: top area(s) and share, HHI beside its minimum, in ``year``."""
    c = conc[(conc["year"] == year) & (conc["indicator"] == indicator) & (conc["chain_id"] != "all")]
    n = len(plan.areas)
    parts = []
    for r in c.itertuples():
        top = (f"{r.top_area}并列，各占 {r.top_share:.0%}" if r.top_tied > 1 else f"{r.top_area}占 {r.top_share:.0%}")
        parts.append(f"{r.chain}：{top}，HHI {fmt_num(r.hhi)}")
    what = plan.indicator(indicator).label
    hmin = fmt_num(c["hhi_min"].iloc[0]) if len(c) else fmt_num(10_000 / n)
    return (f"{year} 年{what}目标的区域集中度（HHI，0–10000，越大越集中；{n} 个区域时最小为 {hmin}，即各区域相等）："
            + "；".join(parts) + f"。{_hhi_reference(guideline)}。" + source_targets(plan))


def concentration_table(conc: pd.DataFrame, years, chain_id: str | None = None,
                        guideline: int = 2023, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """HHI beside its minimum, the equivalent number of areas and the top area(s) — ties named, not broken."""
    d = conc[conc["year"].isin(list(years))]
    if chain_id is not None:
        d = d[d["chain_id"] == chain_id]
    df = pd.DataFrame({
        "产业链": d["chain"], "指标": d["indicator"].map(indicator_cn(plan)), "年份": d["year"].astype(int),
        "有数据区域数": d["n_areas"].astype(int), "HHI（0–10000）": d["hhi"], "HHI最小可能值": d["hhi_min"],
        "等效区域数": d["equivalent_areas"],
        "最大区域": [a if t <= 1 else f"{a}（并列）" for a, t in zip(d["top_area"], d["top_tied"])],
        "最大区域占比（%）": d["top_share"],
    })
    na = cn_count(len(plan.areas))
    note = (f"HHI = 各区域占比平方和 × 10000；最小可能值 = 10000 ÷ 区域数（{na}个区域各占{na}分之一时）。"
            "等效区域数 = 10000 ÷ HHI。并列时列出全部并列区域，各自的占比相同。"
            f"{_hhi_reference(guideline)}。{source_targets(plan)}")
    units = {"产业链": U.TEXT, "指标": U.TEXT, "年份": U.YEAR, "有数据区域数": U.N_AREAS, "HHI（0–10000）": U.HHI,
             "HHI最小可能值": U.HHI, "等效区域数": U.N_EQUIV, "最大区域": U.TEXT, "最大区域占比（%）": U.PCT}
    return df, {"caption": "集中度（按区域）", "note": note, "units": units}


def share_change_table(change: pd.DataFrame, chain_id: str, start_year: int, end_year: int,
                       *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Area share changes of one chain, in percentage points; changes within the rounding bound shown as such."""
    d = change[(change["chain_id"] == chain_id) & ((change["share_start"] > 0) | (change["share_end"] > 0))]
    has_bound = "change_pp_bound" in d.columns
    bounds = d["change_pp_bound"] if has_bound else pd.Series(float("nan"), index=d.index)
    df = pd.DataFrame({
        "产业链": d["chain"], "指标": d["indicator"].map(indicator_cn(plan)), "区域": d["area"],
        f"{start_year}年占比（%）": d["share_start"], f"{end_year}年占比（%）": d["share_end"],
        "占比变化（百分点）": [_within(v, b) for v, b in zip(d["change_pp"], bounds)],
    })
    note = f"占比 = 该区域 ÷ {cn_count(len(plan.areas))}个区域之和（不含全区）。"
    if has_bound:
        note += ("目标为整数（取整误差 ±0.5），各区域数值在取整范围内变动时占比变化可能达到的幅度之内的，记为"
                 f"“{WITHIN_ROUNDING}”，不作解读。")
    units = {"产业链": U.TEXT, "指标": U.TEXT, "区域": U.TEXT, f"{start_year}年占比（%）": U.PCT,
             f"{end_year}年占比（%）": U.PCT, "占比变化（百分点）": U.PP}
    return df, {"caption": f"{start_year}→{end_year} 区域占比变化（{plan.chain_label(chain_id)}）",
                "note": note + source_targets(plan), "units": units}


def _within(v: float, bound: float):
    """A component or change shown as 0（在取整误差内） when it is inside the rounding bound of the inputs."""
    if pd.notna(bound) and pd.notna(v) and abs(v) <= bound:
        return U.Marked(float("nan"), WITHIN_ROUNDING)
    return v


# ------------------------------------------------------------------------------------- regional
def lq_wide(lq: pd.DataFrame, source: str = "", *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Areas × chains of location quotients against all industry, with the reference economy named."""
    w = lq.pivot_table(index="area", columns="chain", values="lq", sort=False, dropna=False)
    w = w.reindex([a for a in plan.area_names if a in w.index]).reset_index().rename(columns={"area": "区域"})
    w.columns = [str(c) for c in w.columns]
    year = int(lq["year"].iloc[0])
    what = plan.indicator(lq["indicator"].iloc[0]).label
    ref = lq.attrs.get("reference", "全区全部规上工业")
    return w, {"caption": f"区位商（{year} 年，{what}；参照：{ref}）",
               "units": {c: (U.TEXT if c == "区域" else U.RATIO) for c in w.columns},
               "note": (f"区位商 = 该链占本区域全部规上工业的比重 ÷ 该链占参照经济的比重；分母包括{_n_chains(plan)}条链以外的"
                        "企业，> 1 表示该区域比参照经济更集中于该链。区域没有任何规上工业时为“—”。" + source)}


def lq_absent_md(plan: Plan) -> str:
    """Why a target-only page shows no location quotient."""
    n = _n_chains(plan)
    return (f"**区位商**：目标表只含{n}条链，没有各区域全部工业的数据。只用{n}条链计算时，只有一条链的区域必然得到 "
            f"1 ÷ 该链全区占比（例如只有{plan.chains[0].name}的街道都是同一个数），反映的是链的构成而非专业化程度，故不计算。"
            f"有包含{n}链以外企业的名录、统计月报，或市、省年鉴的参照数据时才计算。")


_SS_CN = {"value_start": "起始值", "value_end": "终止值", "change": "增量", "district_growth": "全区增长分量",
          "chain_mix": "产业结构分量", "area_specific": "区域竞争分量", "competitive_homothetic": "竞争效应（同构）",
          "allocation": "配置效应", "entry": "新进入"}


def shift_share(ss: pd.DataFrame, *, basis: str = "actual", start_year: int | None = None,
                end_year: int | None = None, unit: str = "亿元", source: str = "",
                plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Shift-share components by area, in 亿元 (or 户). ``basis`` 'actual' (register or monthly actuals: a
    decomposition of what happened) or 'targets' (a description of the plan's allocation, components within
    the rounding bound shown as 0)."""
    d = ss[(ss[["value_start", "value_end"]].abs().sum(axis=1)) > 0]
    cols = [c for c in _SS_CN if c in d.columns]
    names = {**_SS_CN, **({"value_start": "起始目标", "value_end": "终止目标", "change": "计划增量"} if basis == "targets"
                          else {"change": "实际增量"})}
    level, signed = (U.YI, U.YI_SIGNED) if unit == "亿元" else (U.HU, U.HU_SIGNED)
    out = pd.DataFrame({"区域": d["area"]})
    units: dict = {"区域": U.TEXT}
    for c in cols:
        name = f"{names[c]}（{unit}）"
        bound = d.get(f"{c}_bound")
        if c in ("value_start", "value_end"):
            out[name], units[name] = d[c], level
        else:
            out[name] = [_within(v, b) for v, b in zip(d[c], bound)] if bound is not None else d[c]
            units[name] = signed
    years = f"{start_year}→{end_year}，" if start_year is not None else ""
    g = ss.attrs.get("reference_growth")
    ref = ("外部参照增长" if ss.attrs.get("reference") == "external"
           else f"{cn_count(len(plan.areas))}个区域合计的增长")
    g_txt = f"参照增长 G = {g:.1%}（{ref}）。" if g is not None else ""
    em = ("区域竞争分量 = 竞争效应（同构）+ 配置效应 + 新进入（Esteban-Marquillas 1972）。"
          if "allocation" in d.columns else "")
    if basis == "targets":
        caption = f"规划目标分配的偏离-份额描述（{years}{unit}，不是实绩）"
        note = (f"按{plan.table_section}目标计算，描述规划如何在区域间分配增量，不反映任何区域的实际表现。"
                f"计划增量 = 全区增长分量 + 产业结构分量 + 区域竞争分量（Dunn 1960）。{g_txt}{em}目标为整数（取整误差 ±0.5），"
                f"某一分量不超过输入在取整范围内变动可能引起的幅度的，记为“{WITHIN_ROUNDING}”。{source_targets(plan)}")
    else:
        caption = f"偏离-份额分解（实际值，{years}{unit}）"
        note = (f"实际增量 = 全区增长分量 + 产业结构分量 + 区域竞争分量（Dunn 1960）。{g_txt}{em}"
                f"产业包括{_n_chains(plan)}条链及其余规上工业（如有）。" + source)
    return out, {"caption": caption, "note": note, "units": units}


# --------------------------------------------------------------------------------- register vs targets
def comparison(cmp: pd.DataFrame, year: int, register, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """actual_vs_target() for people: 目标 and 实际 of the same year, the gap and 完成率 = 实际 ÷ 目标."""
    d = cmp
    df = pd.DataFrame({
        "产业链": d["chain_id"].map(plan.chain_label), "区域": d["area"],
        "指标": d["indicator"].map(indicator_cn(plan)),
        f"{year}年目标": d["target"], f"{year}年实际": d["actual"], "差额（实际−目标）": d["gap"],
        "完成率（%）": d["completion_rate"],
    })
    units = {"产业链": U.TEXT, "区域": U.TEXT, "指标": U.TEXT, f"{year}年目标": U.BY_INDICATOR.on("指标"),
             f"{year}年实际": U.BY_INDICATOR.on("指标"), "差额（实际−目标）": U.BY_INDICATOR_SIGNED.on("指标"),
             "完成率（%）": U.PCT}
    return df, {"caption": f"{year}年名录实际与同年目标",
                "note": ("营业收入单位亿元，规上户数单位户；完成率 = 实际 ÷ 同年目标；区域无目标时完成率为“—”。"
                         + register_note(register)),
                "units": units}


def size_band_table(bands: pd.DataFrame, year: int, register, target_year: int | None = None,
                    *, plan: Plan, chain_id: str | None = None) -> tuple[pd.DataFrame, dict]:
    """A chain's firms above each size threshold in a register year against the plan's band targets (the bands'
    year, Qingshanhu 2026) — 达成度, not 完成率."""
    b = plan.bands_for(chain_id) if chain_id else (plan.size_bands[0] if plan.size_bands else None)
    target_year = target_year or (b.year if b else plan.target_year)
    chain = plan.chain_label(b.chain_id) if b else ""
    label = "完成率（%）" if year == target_year else f"对{target_year}目标的达成度（%）"
    df = pd.DataFrame({
        "档位": bands["threshold_yi"].map(lambda v: f"超{v:g}亿元"),
        f"{target_year}年目标（户）": bands["target_above"], f"{year}年名录（户）": bands["actual_above"],
        label: bands["attainment_rate"],
    })
    note = ("“超 X 亿元”按营业收入 ≥ X 亿元计，各档累计（超 1 亿元的户数包括超 3 亿元的）。"
            + (f"{year} 年名录对比 {target_year} 年目标，是对 {target_year} 年目标的达成度，不是同期完成率。"
               if year != target_year else "") + register_note(register))
    units = {"档位": U.TEXT, f"{target_year}年目标（户）": U.HU, f"{year}年名录（户）": U.HU, label: U.PCT}
    return df, {"caption": f"{year}年名录中营业收入超过各档的{chain}企业（户）与 {target_year} 年目标", "note": note,
                "units": units}


# --------------------------------------------------------------------------------------- size bands
def no_size_bands_md(plan: Plan) -> str:
    """What a size-band section shows for a plan that sets no size-band targets."""
    return (f"《{md_text(plan.title)}》未设规模分档目标（按营业收入分档的企业户数），本节从略。"
            "如方案设有分档目标，在方案文件中以 `[[size_bands]]` 填写后重新运行。")


def pareto_md(fit, *, plan: Plan) -> str:
    """The size bands: hard facts first, then the fitted tail — each sentence consistent with the others."""
    f = fit.facts
    xm = f"{f.x_min_yi:g}"
    facts = (
        f"**规模分档的硬性事实**（只用算术）：按各档下限计，超 {xm} 亿元的 {f.n_above_min:g} 户营业收入至少 "
        f"{fmt_num(f.band_floor_yi)} 亿元（平均每户 {f.floor_mean_yi:.2f} 亿元）；全链 {f.total_enterprises:g} 户"
        f"（其余 {f.firms_below_min:g} 户按规上门槛 {f.above_size_min_yi:g} 亿元计）至少 {fmt_num(f.chain_floor_yi)} 亿元。"
        f"若全链恰为 {f.total_enterprises:g} 户规上企业、{fmt_num(f.target_revenue_yi)} 亿元全部来自这些企业，则其余 "
        f"{f.firms_below_min:g} 户合计在 {fmt_num(f.firms_below_min * f.above_size_min_yi)}–"
        f"{fmt_num(f.firms_below_min * f.x_min_yi)} 亿元之间，超 {xm} 亿元的 {f.n_above_min:g} 户须合计 "
        f"**{fmt_num(f.needed_above_min_yi[0])}–{fmt_num(f.needed_above_min_yi[1])} 亿元**，即平均每户 "
        f"{f.needed_mean_yi[0]:g}–{f.needed_mean_yi[1]:g} 亿元。两点保留：{fmt_num(f.target_revenue_yi)} 亿元是"
        f"“全产业链营业收入”，可能包括规上名录以外的企业；{f.total_enterprises:g} 户是“超过”，户数更多时这 "
        f"{f.n_above_min:g} 户需要的更少。"
    )
    lo, hi = fit.alpha_ci
    conf = f"{fit.level:.0%}"
    hi_txt = "∞" if not math.isfinite(hi) else f"{hi:.2f}"
    sens = fit.cap_sensitivity
    finite = sens[sens["cap_yi"].apply(math.isfinite)]
    rng_lo = fmt_num(finite[["alpha_low", "alpha_hat", "alpha_high"]].min().min())
    tail = (
        f"**帕累托尾部拟合**（分组极大似然，x_min = {xm} 亿元；Virkar & Clauset 2014）：α = {fit.alpha:.2f}，"
        f"{conf} 轮廓似然区间 {lo:.2f}–{hi_txt}。"
    )
    if fit.ci_allows_infinite_mean:
        tail += ("区间包含 α ≤ 1 的值，而 α ≤ 1 时尾部均值为无穷大：分档数字无法确定最大几户的规模，超 "
                 f"{xm} 亿元的 {f.n_above_min:g} 户合计取决于对单户最大营业收入的假定，下表从约 {rng_lo} 亿元到无上限不等。")
    else:
        tail += f"超 {xm} 亿元的 {f.n_above_min:g} 户合计仍取决于对单户最大营业收入的假定，见下表。"
    tail += (f"因此分档目标本身既不能证明、也不能否定 {fmt_num(f.target_revenue_yi)} 亿元目标；能确定的只是上面的硬性事实。"
             "（对累计户数做对数线性最小二乘会低估不确定性，这里只作对照：α = "
             f"{fit.alpha_ols:.2f}，标准误 {fit.alpha_ols_se:.3f}，远小于极大似然的 {fit.alpha_se:.3f}；"
             "Clauset, Shalizi & Newman 2009。）")
    return facts + "\n\n" + tail + "\n\n" + source_bands(plan)


def pareto_caps(fit) -> tuple[pd.DataFrame, dict]:
    """Cap-sensitivity table: the revenue of the firms ≥ x_min by the cap assumed and by α."""
    s = fit.cap_sensitivity
    lo, hi = fit.alpha_ci

    def money(v):
        return v if math.isfinite(v) else U.Marked(float("nan"), "无穷大")

    hi_txt = "∞" if not math.isfinite(hi) else f"{hi:.2f}"
    cols = {"假定单户最大营业收入（亿元）": [v if math.isfinite(v) else U.Marked(float("nan"), "无上限")
                                   for v in s["cap_yi"]],
            f"α = {lo:.2f}（区间下限）": s["alpha_low"].map(money),
            f"α = {fit.alpha:.2f}（估计值）": s["alpha_hat"].map(money),
            f"α = {hi_txt}（区间上限）": s["alpha_high"].map(money)}
    df = pd.DataFrame(cols)
    note = (f"各格为超 {fit.facts.x_min_yi:g} 亿元的 {fit.facts.n_above_min:g} 户营业收入合计（亿元），按截断于该上限的"
            "帕累托分布计算；对照：这些企业需合计 "
            f"{fmt_num(fit.facts.needed_above_min_yi[0])}–{fmt_num(fit.facts.needed_above_min_yi[1])} 亿元。")
    return df, {"caption": "规模分档隐含的营业收入对上限假定的敏感性（亿元）", "note": note,
                "units": {c: U.YI0 for c in df.columns}}


# ------------------------------------------------------------------------------------------ register
def register_md(register, *, plan: Plan) -> str:
    """The briefing's paragraph on the register: rows are firm-years, counts are per year."""
    s = register.summary
    years = "、".join(str(y) for y in register.years)
    text = (f"企业名录（{years} 年）共读入 {s['rows_read']} 行：清洗后 {s['clean']} 行（每户企业每年一行），其中规上企业 "
            f"{above_size_counts(register)}（按年计，不跨年相加）；隔离 {s['quarantined']} 行（原因："
            + "，".join(f"{reason_cn(k, plan=plan)} {v}" for k, v in s.get("quarantined_by_reason", {}).items())
            + f"），删除完全重复行 {s['duplicates_dropped']} 行。")
    if register.synthetic:
        text = "**【示例数据】** " + text + "名录为按目标表生成的合成数据，仅用于演示流程，不代表真实企业。"
    return text

