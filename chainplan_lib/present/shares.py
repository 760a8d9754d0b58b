"""What notebooks show of areas (镇/街道/园区): shares and their change, concentration (HHI, top areas), location
quotients and shift-share tables, and the charts of shares and of the mix of each chain across areas.

Parts are shown with their whole by the display-rounding rule of :mod:`~chainplan_lib.present.units`: the shares of
a chain add up to 100% as printed (in tables to 0.1%, in chart labels and text to whole percents), a share change
is the difference of the printed shares, and the shift-share components add up to the printed change. The
briefing's text on areas (:func:`share_md`) names the largest area and the top two; the HHI, its minimum and the
shift-share stay on the areas page, without any antitrust threshold as a verdict."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..plan.model import Plan, cn_count
from . import units as U
from .figures import LABEL, LABEL_IN_BAR, add_source, area_colour, indicator_words, ink_on, pad_x, set_alt
from .progress import use_theme
from .sources import indicator_cn, n_chains_text, source_table, source_targets

#: What the area charts and text describe: the plan's targets, or a register's actuals (名录口径).
BASIS_WORDS = {"targets": "目标", "register": "（名录口径）"}


def _basis(basis: str) -> str:
    if basis not in BASIS_WORDS:
        raise ValueError(f"basis {basis!r}: one of {', '.join(BASIS_WORDS)}")
    return BASIS_WORDS[basis]


def shown_shares(shares: pd.DataFrame, unit: U.Unit = U.PCT) -> pd.Series:
    """The ``share`` column of an :func:`~chainplan_lib.analysis.shares.area_shares` frame as printed: rounded per
    chain × indicator × year so that the printed shares add up to 100% (largest remainder, in ``unit``: PCT to
    0.1%, PCT0 to whole percents). Fractions, same index."""
    out = pd.Series(np.nan, index=shares.index, dtype=float)
    keys = [k for k in ("chain_id", "indicator", "year") if k in shares.columns]
    for _, g in shares.groupby(keys, sort=False):
        if g["share"].notna().all() and len(g):
            out.loc[g.index] = U.round_shares(list(g["share"]), unit)
    return out


def area_shares(shares: pd.DataFrame, chain_id: str, indicator: str = "revenue", *, plan: Plan,
                basis: str = "targets") -> plt.Figure:
    """Stacked bars: each area's share (%) of a chain, one bar per year, labelled in whole percents that add up to
    100. Input: area_shares() frame; ``basis`` 'targets' (the plan's table) or 'register' (名录口径)."""
    use_theme()
    words = _basis(basis)
    s = shares[(shares["chain_id"] == chain_id) & (shares["indicator"] == indicator)]
    s = s.assign(share=shown_shares(s, U.PCT0))
    wide = s.pivot_table(index="year", columns="area", values="share").reindex(columns=list(plan.area_names)).fillna(0)
    wide = wide.loc[:, wide.sum() > 0] * 100
    fig, ax = plt.subplots(figsize=(9, 3.8))
    left = np.zeros(len(wide))
    for area in wide.columns:
        colour = area_colour(area, plan=plan)   # one colour per area in every chart (the plan's order)
        ax.barh([str(y) for y in wide.index], wide[area], left=left, color=colour, label=area)
        for i, v in enumerate(wide[area]):
            if v >= 4:
                ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center",
                        color=ink_on(colour), **LABEL_IN_BAR)
        left += wide[area].to_numpy()
    ax.set(xlim=(0, 100), xlabel="占全链比重（%）", ylabel="年份",
           title=f"{plan.chain_label(chain_id)}{indicator_words(plan, indicator)[0]}{words}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    set_alt(fig, f"堆积条形图：{ax.get_title()}，每年一条，各区域占比之和为100%。" + "；".join(
        f"{y}年 " + "、".join(f"{a} {v:.0f}%" for a, v in wide.loc[y].sort_values(ascending=False).items() if v > 0)
        for y in wide.index) + "。")
    return fig


def share_change(change: pd.DataFrame, chain_id: str, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """Bars of each area's share change in percentage points — the difference of the shares as the tables print
    them (:func:`shown_change`). Input: share_change() frame."""
    use_theme()
    c = change[(change["chain_id"] == chain_id) & (change["indicator"] == indicator)].copy()
    col = "change_pp"
    c[col] = shown_change(c)["change_pp"]
    c = c[c[col].abs() > 1e-9].sort_values(col)
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(c), 3) + 1.4))
    ax.barh(c["area"], c[col], color=np.where(c[col] >= 0, "#2ca02c", "#d62728"))
    for y, v in enumerate(c[col]):
        ax.text(v, y, f" {U.PP.format(v)}", va="center", ha="left" if v >= 0 else "right", **LABEL)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set(xlabel="占比变化（百分点）",
           title=f"{plan.chain_label(chain_id)}{indicator_words(plan, indicator)[0]}目标占比变化（百分点）")
    pad_x(ax, right=0.18, left=0.18)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    set_alt(fig, f"条形图：{ax.get_title()}，绿色为上升、红色为下降：" + "，".join(
        f"{a} {U.PP.format(v)}" for a, v in zip(c["area"], c[col])) + " 个百分点。")
    return fig


def shown_change(change: pd.DataFrame) -> pd.DataFrame:
    """share_start, share_end as printed (0.1%, adding up to 100% per chain × indicator over all areas) and
    change_pp as the difference of the printed shares. Input: a share_change() frame (all areas of each chain)."""
    out = change.copy()
    keys = [k for k in ("chain_id", "indicator") if k in out.columns]
    for col in ("share_start", "share_end"):
        vals = pd.Series(np.nan, index=out.index, dtype=float)
        for _, g in out.groupby(keys, sort=False):
            if g[col].notna().all():
                vals.loc[g.index] = U.round_shares(list(g[col]))
        out[col] = vals
    out["change_pp"] = [U.printed_difference(b, a, U.PCT) for a, b in zip(out["share_start"], out["share_end"])]
    return out


def area_mix(shares: pd.DataFrame, year: int, indicator: str = "revenue", *, plan: Plan,
             basis: str = "targets") -> plt.Figure:
    """One stacked bar per chain: the areas' shares (%) in `year`, labelled in whole percents that add up to 100.
    Input: shares.area_shares() frame; ``basis`` 'targets' (the plan's table) or 'register' (名录口径)."""
    use_theme()
    words = _basis(basis)
    ids = plan.chain_ids
    s = shares[(shares["year"] == year) & (shares["indicator"] == indicator) & shares["chain_id"].isin(ids)]
    s = s.assign(share=shown_shares(s, U.PCT0))
    wide = s.pivot_table(index="chain_id", columns="area", values="share").reindex(
        index=[c for c in ids if c in set(s["chain_id"])], columns=list(plan.area_names)).fillna(0) * 100
    wide = wide.loc[:, wide.sum() > 0]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    left = np.zeros(len(wide))

    labels = [plan.chain_label(c) for c in wide.index]
    for area in wide.columns:
        colour = area_colour(area, plan=plan)
        ax.barh(labels, wide[area], left=left, color=colour, label=area)
        for i, v in enumerate(wide[area]):
            if v >= 6:
                ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center",
                        color=ink_on(colour), **LABEL_IN_BAR)
        left += wide[area].to_numpy()
    ax.invert_yaxis()
    ax.set(xlim=(0, 100), xlabel="占该链比重（%）",
           title=f"{year}年各链{indicator_words(plan, indicator)[0]}{words}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    set_alt(fig, f"堆积条形图：{ax.get_title()}，每条链一条，各区域占比之和为100%。" + "；".join(
        f"{lab} " + "、".join(f"{a} {v:.0f}%" for a, v in wide.loc[c].sort_values(ascending=False).items() if v > 0)
        for c, lab in zip(wide.index, labels)) + "。")
    return fig


#: The mark after a change or component that is within the rounding of the integer targets (shown, not hidden,
#: so that the printed parts still add up to the printed whole).
WITHIN_MARK = "*"
WITHIN_NOTE = (f"带“{WITHIN_MARK}”的数不超过目标取整（±0.5）可能引起的幅度，在取整误差之内：照列（各项相加仍等于合计），"
               "但不作解读")


# ------------------------------------------------------------------------------------- concentration
def _top_two(grp: pd.DataFrame) -> tuple[list[str], float, float, int]:
    """(top areas, printed share of each top area, printed share of the top two together, number tied at the top)
    from one chain × indicator × year of an area_shares() frame with its printed whole-percent shares."""
    g = grp[grp["value"] > 0].sort_values(["value", "printed"], ascending=False, kind="stable")
    if g.empty:
        return [], math.nan, math.nan, 0
    v = g["value"].to_numpy(dtype=float)
    tied = g[np.isclose(v, v[0], rtol=1e-9, atol=0.0)]
    top2 = float(g["printed"].iloc[:2].sum())
    return list(tied["area"]), float(tied["printed"].iloc[0]), top2, len(tied)


def share_md(conc: pd.DataFrame, year: int, indicator: str = "revenue", guideline: int = 2023,
             *, plan: Plan) -> str:
    """One line per chain on where the year's target lies: the largest area(s) and the top two's share together
    ("高新园区占65%，前两位合计80%"), in whole percents as the area chart prints them (shares of a chain add up to
    100). ``conc``: a concentration() frame (its ``attrs['shares']`` are the area shares); ``guideline`` is
    ignored (kept for old callers: no antitrust threshold is applied to areas)."""
    sh = conc.attrs.get("shares")
    if sh is None:
        from ..errors import ParameterError

        raise ParameterError("share_md needs the frame concentration() returns (its attrs carry the area shares)")
    sh = sh[(sh["year"] == year) & (sh["indicator"] == indicator) & sh["chain_id"].isin(plan.chain_ids)]
    sh = sh.assign(printed=shown_shares(sh, U.PCT0))
    parts = []
    for cid in plan.chain_ids:
        g = sh[sh["chain_id"] == cid]
        if g.empty:
            continue
        areas, top, top2, n_tied = _top_two(g)
        name = plan.chain_label(cid)
        if not areas:
            parts.append(f"{name}：无目标")
            continue
        n_with = int((g["value"] > 0).sum())
        if n_with == 1:
            parts.append(f"{name}：全部在{areas[0]}")
        elif n_tied > 1:
            together = top * n_tied
            parts.append(f"{name}：{'、'.join(areas)}并列，各占{U.PCT0.format(top)}"
                         + (f"，合计{U.PCT0.format(together)}" if n_tied == 2 else ""))
        elif n_with == 2:
            parts.append(f"{name}：{areas[0]}占{U.PCT0.format(top)}，其余在{g.loc[(g['value'] > 0) & ~g['area'].isin(areas), 'area'].iloc[0]}")
        else:
            parts.append(f"{name}：{areas[0]}占{U.PCT0.format(top)}，前两位合计{U.PCT0.format(top2)}")
    what = plan.indicator(indicator).label
    n = cn_count(len(plan.areas))
    return (f"{year}年各链{what}目标在{n}个区域中的分布：" + "；".join(parts)
            + f"。占比 = 该区域目标 ÷ {n}个区域目标之和（不含全区），取整后各区域之和为100%。" + source_targets(plan))


def concentration_table(conc: pd.DataFrame, years, chain_id: str | None = None,
                        guideline: int = 2023, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """HHI beside its minimum, the equivalent number of areas and the top area(s) — ties named, not broken.
    No antitrust threshold is applied (``guideline`` is ignored, kept for old callers)."""
    d = conc[conc["year"].isin(list(years))]
    if chain_id is not None:
        d = d[d["chain_id"] == chain_id]
    top = d["top_share"]
    sh = conc.attrs.get("shares")
    if sh is not None:  # the top share as the share tables print it (shares of a chain adding up to 100.0%)
        printed = sh.assign(printed=shown_shares(sh, U.PCT)).set_index(["chain_id", "indicator", "year", "area"])["printed"]
        top = pd.Series([printed.get((c, i, y, str(a).split("、")[0]), t) if isinstance(a, str) else t
                         for c, i, y, a, t in zip(d["chain_id"], d["indicator"], d["year"], d["top_area"], d["top_share"])],
                        index=d.index)
    df = pd.DataFrame({
        "产业链": d["chain"], "指标": d["indicator"].map(indicator_cn(plan)), "年份": d["year"].astype(int),
        "有数据区域数": d["n_areas"].astype(int), "HHI（0–10000）": d["hhi"], "HHI最小可能值": d["hhi_min"],
        "等效区域数": d["equivalent_areas"],
        "最大区域": [a if t <= 1 else f"{a}（并列）" for a, t in zip(d["top_area"], d["top_tied"])],
        "最大区域占比（%）": top,
    })
    na = cn_count(len(plan.areas))
    note = (f"HHI = 各区域占比平方和 × 10000；最小可能值 = 10000 ÷ 区域数（{na}个区域各占{na}分之一时），最大 10000"
            "（全部在一个区域）。等效区域数 = 10000 ÷ HHI：与之集中程度相同的等分区域个数。并列时列出全部并列区域，"
            "各自的占比相同。这里描述目标在区域间的分布，不套用针对企业市场份额的反垄断阈值。" + source_targets(plan))
    units = {"产业链": U.TEXT, "指标": U.TEXT, "年份": U.YEAR, "有数据区域数": U.N_AREAS, "HHI（0–10000）": U.HHI,
             "HHI最小可能值": U.HHI, "等效区域数": U.N_EQUIV, "最大区域": U.TEXT, "最大区域占比（%）": U.PCT}
    return df, {"caption": "目标的区域集中度", "note": note, "units": units}


def share_change_table(change: pd.DataFrame, chain_id: str, start_year: int, end_year: int,
                       *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Area share changes of one chain, in percentage points: the shares as printed (adding up to 100.0%) and
    their difference; changes within the rounding bound of the targets are marked, not hidden."""
    d = change[change["chain_id"] == chain_id]
    has_bound = "change_pp_bound" in d.columns
    bounds = d["change_pp_bound"] if has_bound else pd.Series(float("nan"), index=d.index)
    exact = d["change_pp"]
    d = shown_change(d)
    keep = (d["share_start"] > 0) | (d["share_end"] > 0)
    df = pd.DataFrame({
        "产业链": d["chain"], "指标": d["indicator"].map(indicator_cn(plan)), "区域": d["area"],
        f"{start_year}年占比（%）": d["share_start"], f"{end_year}年占比（%）": d["share_end"],
        "占比变化（百分点）": [_within(v, x, b) for v, x, b in zip(d["change_pp"], exact, bounds)],
    })[keep]
    note = (f"占比 = 该区域目标 ÷ {cn_count(len(plan.areas))}个区域目标之和（不含全区）；各区域占比取整后之和为"
            "100.0%，占比变化为两年显示的占比之差。")
    if has_bound:
        note += WITHIN_NOTE + "。"
    units = {"产业链": U.TEXT, "指标": U.TEXT, "区域": U.TEXT, f"{start_year}年占比（%）": U.PCT,
             f"{end_year}年占比（%）": U.PCT, "占比变化（百分点）": U.PP}
    return df, {"caption": f"{start_year}→{end_year} 目标的区域占比变化（{plan.chain_label(chain_id)}）",
                "note": note + source_targets(plan), "units": units}


def _within(shown: float, exact: float, bound: float):
    """A change or component as printed, marked when its exact value is inside the rounding bound of the inputs."""
    if pd.notna(bound) and pd.notna(exact) and abs(exact) <= bound:
        return U.Marked(shown, WITHIN_MARK)
    return shown


# ------------------------------------------------------------------------------------- regional
def lq_wide(lq: pd.DataFrame, source: str = "", *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Areas × chains of location quotients, with the reference economy named as used: for a register, the
    register's own above-size firms (名录口径), not the 统计月报's 规上工业."""
    w = lq.pivot_table(index="area", columns="chain", values="lq", sort=False, dropna=False)
    w = w.reindex([a for a in plan.area_names if a in w.index]).reset_index().rename(columns={"area": "区域"})
    w.columns = [str(c) for c in w.columns]
    year = int(lq["year"].iloc[0])
    ind = lq["indicator"].iloc[0]
    what, unit = indicator_words(plan, ind)
    ref = lq.attrs.get("reference", "全区全部规上工业")
    area_word = lq.attrs.get("area_economy", "本区域全部规上工业")
    total = lq.attrs.get("reference_total")
    level = U.YI if unit == "亿元" else U.HU
    scope = lq.attrs.get("scope")
    total_txt = f"（{level.format(total)} {unit}）" if total is not None and math.isfinite(total) else ""
    return w, {"caption": f"区位商（{year} 年，{what}{'，' + scope if scope else ''}；参照：{ref}）",
               "units": {c: (U.TEXT if c == "区域" else U.RATIO) for c in w.columns},
               "note": (f"区位商 = 该链占{area_word}{what}的比重 ÷ 该链占{ref}{what}{total_txt}的比重；"
                        f"分母包括{n_chains_text(plan)}条链以外的企业，> 1 表示该区域比全区更集中于该链。"
                        "区域没有任何企业时为“—”。" + source)}


def lq_absent_md(plan: Plan) -> str:
    """Why a target-only page shows no location quotient."""
    n = n_chains_text(plan)
    return (f"**区位商**：目标表只含{n}条链，没有各区域全部工业的数据。只用{n}条链计算时，只有一条链的区域必然得到 "
            f"1 ÷ 该链全区占比（例如只有{plan.chains[0].name}的街道都是同一个数），反映的是链的构成而非专业化程度，故不计算。"
            f"有包含{n}链以外企业的名录、统计月报，或市、省年鉴的参照数据时才计算。")


_SS_CN = {"value_start": "起始值", "value_end": "终止值", "change": "增量", "district_growth": "全区增长分量",
          "chain_mix": "产业结构分量", "area_specific": "区域竞争分量", "competitive_homothetic": "竞争效应（同构）",
          "allocation": "配置效应", "entry": "新进入"}


def shown_shift_share(ss: pd.DataFrame, unit: U.Unit = U.YI_SIGNED) -> pd.DataFrame:
    """A shift_share() frame as printed: the change is the difference of the printed start and end values, the three
    components are rounded to add up to that printed change, and the Esteban-Marquillas parts (if any) to the
    printed area-specific component (largest remainder, :func:`~chainplan_lib.present.units.round_parts`)."""
    out = ss.copy()
    level = U.YI if unit is U.YI_SIGNED else U.HU
    comps = [c for c in ("district_growth", "chain_mix", "area_specific") if c in out.columns]
    em = [c for c in ("competitive_homothetic", "allocation", "entry") if c in out.columns]
    for i, r in out.iterrows():
        change = U.printed_difference(r["value_end"], r["value_start"], level)
        out.at[i, "change"] = change
        if comps:
            for c, v in zip(comps, U.round_parts([r[c] for c in comps], change, unit)):
                out.at[i, c] = v
        if em and "area_specific" in out.columns:
            for c, v in zip(em, U.round_parts([r[c] for c in em], out.at[i, "area_specific"], unit)):
                out.at[i, c] = v
    return out


def shift_share(ss: pd.DataFrame, *, basis: str = "actual", start_year: int | None = None,
                end_year: int | None = None, unit: str = "亿元", source: str = "",
                plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Shift-share components by area, in 亿元 (or 户). ``basis`` 'actual' (register or monthly actuals: a
    decomposition of what happened) or 'targets' (a description of the plan's allocation). The printed components
    add up to the printed change (:func:`shown_shift_share`); a component within the rounding bound of the integer
    targets is marked with :data:`WITHIN_MARK`."""
    d = ss[(ss[["value_start", "value_end"]].abs().sum(axis=1)) > 0]
    cols = [c for c in _SS_CN if c in d.columns]
    names = {**_SS_CN, **({"value_start": "起始目标", "value_end": "终止目标", "change": "计划增量"} if basis == "targets"
                          else {"change": "实际增量"})}
    level, signed = (U.YI, U.YI_SIGNED) if unit == "亿元" else (U.HU, U.HU_SIGNED)
    shown = shown_shift_share(d, signed)
    out = pd.DataFrame({"区域": d["area"]})
    units: dict = {"区域": U.TEXT}
    for c in cols:
        name = f"{names[c]}（{unit}）"
        bound = d.get(f"{c}_bound")
        if c in ("value_start", "value_end"):
            out[name], units[name] = d[c], level
        else:
            out[name] = ([_within(v, x, b) for v, x, b in zip(shown[c], d[c], bound)] if bound is not None
                         else shown[c])
            units[name] = signed
    years = f"{start_year}→{end_year}，" if start_year is not None else ""
    g = ss.attrs.get("reference_growth")
    ref = ("外部参照增长" if ss.attrs.get("reference") == "external"
           else f"{cn_count(len(plan.areas))}个区域合计的增长")
    g_txt = f"参照增长 G = {g:.1%}（{ref}）。" if g is not None else ""
    em = ("区域竞争分量 = 竞争效应（同构）+ 配置效应 + 新进入（Esteban-Marquillas 1972）。"
          if "allocation" in d.columns else "")
    rounding = "各分量按最大余数法取整，显示的各分量之和等于显示的增量。"
    if basis == "targets":
        caption = f"规划目标分配的偏离-份额描述（{years}{unit}，不是实绩）"
        note = (f"按{plan.table_section}目标计算，描述规划如何在区域间分配增量，不反映任何区域的实际表现。"
                f"计划增量 = 全区增长分量 + 产业结构分量 + 区域竞争分量（Dunn 1960）。{g_txt}{em}{rounding}"
                f"{WITHIN_NOTE}。{source_targets(plan)}")
    else:
        caption = f"偏离-份额分解（实际值，{years}{unit}）"
        note = (f"实际增量 = 全区增长分量 + 产业结构分量 + 区域竞争分量（Dunn 1960）。{g_txt}{em}{rounding}"
                f"产业包括{n_chains_text(plan)}条链及其余规上工业（如有）。" + source)
    return out, {"caption": caption, "note": note, "units": units}


def base_year_md(year: int, base_year: int) -> str:
    """The note shown instead of changes when the briefing year is the base year itself."""
    return (f"{year} 年即基年（{base_year} 年）：本页只列当年水平与占比，不列变化，也不做偏离-份额分析；"
            f"这些从 {base_year + 1} 年起才有可比的前一年份。")
