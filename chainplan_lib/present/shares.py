"""What notebooks show of areas (镇/街道/园区): shares and their change, concentration (HHI, top areas), location
quotients and shift-share tables, and the charts of shares and of the mix of each chain across areas."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..analysis.shares import HHI_THRESHOLDS
from ..plan.model import Plan, cn_count
from . import units as U
from .figures import add_source, indicator_words, pad_x, set_alt
from .progress import use_theme
from .sources import indicator_cn, n_chains_text, source_table, source_targets
from .tables import fmt_num, fmt_signed


def area_shares(shares: pd.DataFrame, chain_id: str, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """Stacked bars: each area's share (%) of a chain, one bar per year. Input: area_shares() frame."""
    use_theme()
    s = shares[(shares["chain_id"] == chain_id) & (shares["indicator"] == indicator)]
    wide = s.pivot_table(index="year", columns="area", values="share").reindex(columns=list(plan.area_names)).fillna(0)
    wide = wide.loc[:, wide.sum() > 0] * 100
    fig, ax = plt.subplots(figsize=(9, 3.8))
    left = np.zeros(len(wide))
    colours = plt.get_cmap("tab10")
    for k, area in enumerate(wide.columns):
        ax.barh([str(y) for y in wide.index], wide[area], left=left, color=colours(k), label=area)
        for i, v in enumerate(wide[area]):
            if v >= 4:
                ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=7.5, color="white")
        left += wide[area].to_numpy()
    ax.set(xlim=(0, 100), xlabel="占全链比重（%）", ylabel="年份",
           title=f"{plan.chain_label(chain_id)}{indicator_words(plan, indicator)[0]}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    set_alt(fig, f"堆积条形图：{ax.get_title()}，每年一条。" + "；".join(
        f"{y}年 " + "、".join(f"{a} {v:.0f}%" for a, v in wide.loc[y].sort_values(ascending=False).items() if v >= 0.5)
        for y in wide.index) + "。")
    return fig


def share_change(change: pd.DataFrame, chain_id: str, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """Bars of each area's share change in percentage points. Input: share_change() frame."""
    use_theme()
    c = change[(change["chain_id"] == chain_id) & (change["indicator"] == indicator)].copy()
    col = next(k for k in ("change_pp", "share_change_pp", "pp_change") if k in c)
    c = c[c[col].abs() > 1e-9].sort_values(col)
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(c), 3) + 1.4))
    ax.barh(c["area"], c[col], color=np.where(c[col] >= 0, "#2ca02c", "#d62728"))
    for y, v in enumerate(c[col]):
        ax.text(v, y, f" {fmt_signed(v, 1)}", va="center", ha="left" if v >= 0 else "right", fontsize=8)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set(xlabel="占比变化（百分点）", title=f"{plan.chain_label(chain_id)}{indicator_words(plan, indicator)[0]}占比变化（百分点）")
    pad_x(ax, right=0.18, left=0.18)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    set_alt(fig, f"条形图：{ax.get_title()}，绿色为上升、红色为下降：" + "，".join(
        f"{a} {v:+.1f}" for a, v in zip(c["area"], c[col])) + " 个百分点。")
    return fig


def area_mix(shares: pd.DataFrame, year: int, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """One stacked bar per chain: the areas' shares (%) in `year`. Input: shares.area_shares() frame."""
    use_theme()
    ids = plan.chain_ids
    s = shares[(shares["year"] == year) & (shares["indicator"] == indicator) & shares["chain_id"].isin(ids)]
    wide = s.pivot_table(index="chain_id", columns="area", values="share").reindex(
        index=[c for c in ids if c in set(s["chain_id"])], columns=list(plan.area_names)).fillna(0) * 100
    wide = wide.loc[:, wide.sum() > 0]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    left = np.zeros(len(wide))
    colours = plt.get_cmap("tab10")
    labels = [plan.chain_label(c) for c in wide.index]
    for k, area in enumerate(wide.columns):
        ax.barh(labels, wide[area], left=left, color=colours(k % 10), label=area)
        for i, v in enumerate(wide[area]):
            if v >= 6:
                ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=7.5, color="white")
        left += wide[area].to_numpy()
    ax.invert_yaxis()
    ax.set(xlim=(0, 100), xlabel="占该链比重（%）",
           title=f"{year}年各链{indicator_words(plan, indicator)[0]}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    set_alt(fig, f"堆积条形图：{ax.get_title()}，每条链一条。" + "；".join(
        f"{lab} " + "、".join(f"{a} {v:.0f}%" for a, v in wide.loc[c].sort_values(ascending=False).items() if v >= 0.5)
        for c, lab in zip(wide.index, labels)) + "。")
    return fig


WITHIN_ROUNDING = "0（在取整误差内）"


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
               "note": (f"区位商 = 该链占本区域全部规上工业的比重 ÷ 该链占参照经济的比重；分母包括{n_chains_text(plan)}条链以外的"
                        "企业，> 1 表示该区域比参照经济更集中于该链。区域没有任何规上工业时为“—”。" + source)}


def lq_absent_md(plan: Plan) -> str:
    """Why a target-only page shows no location quotient."""
    n = n_chains_text(plan)
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
                f"产业包括{n_chains_text(plan)}条链及其余规上工业（如有）。" + source)
    return out, {"caption": caption, "note": note, "units": units}


def base_year_md(year: int, base_year: int) -> str:
    """The note shown instead of changes when the briefing year is the base year itself."""
    return (f"{year} 年即基年（{base_year} 年）：本页只列当年水平与占比，不列变化，也不做偏离-份额分析；"
            f"这些从 {base_year + 1} 年起才有可比的前一年份。")
