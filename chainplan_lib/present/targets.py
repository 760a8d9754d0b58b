"""What notebooks show of the plan's annex table: the extraction beside the clean table, the repairs log, the
reconciliation checks, and the charts of each chain's target path (against the plan's overall-growth path) and of
where each cell came from (read as printed, a dash, imputed, missing)."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..plan.model import TOTAL as DISTRICT
from ..plan.model import Plan, cn_count
from . import units as U
from .figures import ALL_COLOUR, add_source, chain_colour, chain_style, indicator_words, pad_x, pad_y, set_alt
from .progress import use_theme
from .sources import indicator_cn, source_table
from .units import Marked


def target_paths(targets: pd.DataFrame, overall_rate: float | None = None, *, plan: Plan) -> plt.Figure:
    """Revenue target path of each chain (亿元) and of their sum against the plan's overall-growth path from
    the first year (``overall_rate`` default: the plan's; a plan without one: the sum alone)."""
    use_theme()
    if overall_rate is None:
        overall_rate = plan.overall_growth
    n_chains = cn_count(len(plan.chains))
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue")]
    wide = t.pivot_table(index="year", columns="chain_id", values="value").reindex(columns=list(plan.chain_ids))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    same = _coinciding(wide, plan)
    leader = {cid: _first_of(same, cid, wide) for cid in same}
    for cid in wide.columns:
        ls, marker = chain_style(cid, plan=plan)
        follower = cid in same and leader[cid] != cid  # drawn on top, smaller, so both markers show
        label = plan.chain_label(cid) + (f"（与{same[cid]}重合）" if cid in same else "")
        ax1.plot(wide.index, wide[cid], ls=ls, marker=marker, color=chain_colour(cid, plan=plan), label=label,
                 markersize=4 if follower else 7, lw=1.4 if follower else 1.8, zorder=3 if follower else 2)
        if follower:
            continue  # one end label for lines that coincide
        ax1.annotate(f"{wide[cid].iloc[-1]:g}", (wide.index[-1], wide[cid].iloc[-1]), textcoords="offset points",
                     xytext=(5, 0), fontsize=8, va="center")
    ax1.set(title="各链营业收入目标（亿元）", xlabel="年份", ylabel="亿元", xticks=list(wide.index))
    pad_x(ax1, right=0.14, left=0.04)
    ax1.legend(fontsize=8)
    total = wide.sum(axis=1)
    years = total.index.to_numpy()
    ax2.plot(years, total, marker="o", color=ALL_COLOUR, label=f"{n_chains}条链目标合计")
    if overall_rate is not None:
        path = total.iloc[0] * (1 + overall_rate) ** (years - years[0])
        ax2.plot(years, path, ls="--", color="#333", label=f"按年均{overall_rate:.0%}增长")
        ax2.annotate(f"{path[-1]:.0f}", (years[-1], path[-1]), textcoords="offset points", xytext=(0, -12),
                     ha="center", fontsize=8)
    for x, y in zip(years, total):
        ax2.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax2.set(title=(f"{n_chains}条链合计与年均{overall_rate:.0%}路径（亿元）" if overall_rate is not None
                   else f"{n_chains}条链目标合计（亿元；方案未提出总体增速目标）"),
            xlabel="年份", ylabel="亿元", xticks=list(years))
    pad_x(ax2, right=0.06, left=0.06)
    pad_y(ax2, top=0.1)
    ax2.legend(fontsize=8, loc="upper left")
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    first, last = int(years[0]), int(years[-1])
    per_chain = "；".join(f"{plan.chain_label(c)} {wide[c].iloc[0]:g}→{wide[c].iloc[-1]:g}"
                         + (f"（与{same[c]}重合）" if c in same else "") for c in wide.columns)
    right = (f"与按年均{overall_rate:.0%}增长的路径（{last}年 {path[-1]:.0f} 亿元）对比" if overall_rate is not None
             else "方案未提出总体增速目标，不画对比路径")
    set_alt(fig, f"两幅折线图。左图：{first}—{last}年各链营业收入目标（亿元）：{per_chain}。右图：{n_chains}条链目标合计 "
                  f"{total.iloc[0]:g}→{total.iloc[-1]:g} 亿元，{right}。")
    return fig


def _coinciding(wide: pd.DataFrame, plan: Plan) -> dict[str, str]:
    """Chains whose whole series equals another's: chain id → the other chains' names."""
    out: dict[str, str] = {}
    cols = list(wide.columns)
    for c in cols:
        others = [plan.chain_label(o) for o in cols if o != c and np.allclose(wide[c], wide[o], equal_nan=True)]
        if others:
            out[c] = "、".join(others)
    return out


def _first_of(same: dict[str, str], cid: str, wide: pd.DataFrame) -> str:
    """The first chain (in column order) of the group of coinciding lines that ``cid`` belongs to."""
    for c in wide.columns:
        if c == cid or (c in same and np.allclose(wide[c], wide[cid], equal_nan=True)):
            return c
    return cid


def source_map(targets: pd.DataFrame, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """Which cells of the target table were read as printed, read from '-', imputed or missing."""
    use_theme()
    label, unit = indicator_words(plan, indicator)
    codes = {"table": 0, "dash": 1, "imputed": 2, "missing": 3}
    t = targets[targets["indicator"] == indicator].copy()
    t["row"] = t["chain"] + " " + t["year"].astype(str)
    grid = t.pivot_table(index="row", columns="area", values="source", aggfunc="first")
    rows = [f"{c.name} {y}" for c in plan.chains for y in sorted(t["year"].unique())]
    grid = grid.reindex(index=[r for r in rows if r in grid.index], columns=[DISTRICT, *plan.area_names])
    vals = grid.apply(lambda col: col.map(codes)).to_numpy(dtype=float)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(["#c6dbef", "#f0f0f0", "#fdae6b", "#e6550d"])
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(grid) + 1.6))
    ax.imshow(vals, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
    num = t.pivot_table(index="row", columns="area", values="value", aggfunc="first").reindex_like(grid)
    for i in range(len(grid)):
        for j in range(grid.shape[1]):
            v, src = num.iat[i, j], grid.iat[i, j]
            text = "缺" if src == "missing" else ("-" if src == "dash" else f"{v:g}")
            ax.text(j, i, text, ha="center", va="center", fontsize=7)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(grid)), grid.index, fontsize=8)
    ax.set_title(f"{label}（{unit}）：蓝=按表读取　灰=表中为“-”记0　橙=推算补齐　红=缺失")
    ax.grid(False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    counts = grid.stack().value_counts()
    names = {"table": "按表读取", "dash": "表中为“-”记0", "imputed": "推算补齐", "missing": "缺失"}
    set_alt(fig, f"色块图：{plan.table_section} {label}（{unit}）目标表中每个单元格（产业链×年份 行，全区与"
                  f"{cn_count(len(plan.areas))}个区域 列）"
                  "的来源：" + "，".join(f"{names[k]} {int(counts.get(k, 0))} 个" for k in names) + "。")
    return fig


SOURCE_CN = {"table": "按表读取", "dash": "“-”记0", "imputed": "推算补齐", "missing": "缺失"}


KIND_CN = {
    "surplus_cells": "多余单元格", "year_inferred": "年份补齐", "label_alias": "链名别称/拆分",
    "label_late": "链名后置", "label_inferred": "链名推断", "duplicate_dropped": "重复行删除",
    "imputed": "丢失值推算", "missing": "丢失值无法确定", "title_typo": "标题笔误", "check_failed": "核对不一致",
}


STATUS_CN = {"ok": "一致", "mismatch": "不一致", "incomplete": "有缺失"}


CHECK_CN = {"areas_sum_to_total": "各区域之和 = 全区"}


_TEXT_CHECK = re.compile(r"^table_(\d{4})_vs_text$")


def check_cn(code: str) -> str:
    """A check's name in Chinese: 各区域之和 = 全区, 2026年表中数 = 正文目标 …"""
    m = _TEXT_CHECK.match(str(code))
    return f"{m.group(1)}年表中数 = 正文目标" if m else CHECK_CN.get(code, code)


def raw_rows(raw: pd.DataFrame, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """The extraction's rows as printed, Chinese headers."""
    df = raw.rename(columns={"line": "行号", "label": "链标签（原文）", "year": "年份（原文）", "indicator": "指标（原文）",
                             "n_cells": "数值单元格数", "cells": "单元格（按顺序）"})
    df["年份（原文）"] = df["年份（原文）"].astype("object").where(df["年份（原文）"].notna(), "（空）")
    return df, {"caption": f"{plan.table_section} 原始提取（每行一条数据，“-”为表中原样）",
                "units": {"行号": U.LINE, "链标签（原文）": U.TEXT, "年份（原文）": U.TEXT, "指标（原文）": U.TEXT,
                          "数值单元格数": U.COUNT, "单元格（按顺序）": U.TEXT}}


def targets_wide(table: pd.DataFrame, indicator: str, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Chain × year rows, 全区 and the plan's areas as columns; imputed values marked †, missing '缺'."""
    t = table[table["indicator"] == indicator].copy()
    marks = {"missing": "缺", "imputed": "†"}
    t["cell"] = [Marked(float("nan") if s == "missing" else v, marks.get(s, ""))
                 for v, s in zip(t["value"], t["source"])]
    wide = t.pivot_table(index=["chain", "year"], columns="area", values="cell", aggfunc="first")
    wide = wide.reindex(columns=[DISTRICT, *plan.area_names]).reset_index()
    wide["chain"] = pd.Categorical(wide["chain"], plan.chain_names, ordered=True)
    wide = wide.sort_values(["chain", "year"]).rename(columns={"chain": "产业链", "year": "年份"})
    wide["产业链"] = wide["产业链"].astype(str)
    label = indicator_cn(plan)[indicator]
    unit = U.BY_INDICATOR.unit_for(label)
    spec = {c: unit for c in wide.columns}
    spec.update({"产业链": U.TEXT, "年份": U.YEAR})
    return wide, {"caption": f"清洗后的目标表：{label}",
                  "note": f"† 为推算补齐的值（见修复记录）；表中“-”记为 0。来源：{plan.reference}{plan.table_section}。",
                  "units": spec}


def repairs(log: pd.DataFrame, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """The repairs log with Chinese headers."""
    labels = {i.id: i.label for i in plan.indicators}
    df = log.drop(columns=["file"], errors="ignore").copy()
    df["kind"] = df["kind"].map(lambda k: KIND_CN.get(k, k))
    df["indicator"] = df["indicator"].map(lambda k: labels.get(k, k))
    df = df.rename(columns={"kind": "类型", "line": "原文行号", "chain": "产业链", "year": "年份", "indicator": "指标",
                            "area": "区域", "what": "问题", "action": "处理", "why": "依据"})
    spec = {c: U.TEXT for c in df.columns}
    spec.update({"原文行号": U.LINE, "年份": U.YEAR})
    return df, {"caption": f"修复记录（共 {len(df)} 处）", "units": spec}


def checks(chk: pd.DataFrame, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Reconciliation checks with Chinese headers and units."""
    df = chk.copy()
    df["check"] = df["check"].map(check_cn)
    df["status"] = df["status"].map(lambda k: STATUS_CN.get(k, k))
    df["indicator"] = df["indicator"].map(indicator_cn(plan))
    df = df.drop(columns=["chain_id"]).rename(columns={
        "check": "核对", "chain": "产业链", "year": "年份", "indicator": "指标（单位）", "expected": "应为",
        "actual": "实际", "difference": "差额", "status": "结果", "detail": "说明"})
    spec = {c: U.TEXT for c in df.columns}
    by = U.BY_INDICATOR.on("指标（单位）")
    spec.update({"年份": U.YEAR, "应为": by, "实际": by, "差额": by})
    return df, {"caption": "核对结果", "units": spec}


def targets_overview_md(result) -> str:
    """One paragraph: rows, sources, repairs, checks."""
    t = result.table
    counts = t["source"].value_counts()
    parts = "，".join(f"{SOURCE_CN[k]} {int(counts.get(k, 0))} 个" for k in SOURCE_CN)
    ok = int((result.checks["status"] == "ok").sum())
    return (f"清洗后共 **{len(t)}** 行（{t['chain'].nunique()} 条链 × {t['year'].nunique()} 年 × "
            f"{t['indicator'].nunique()} 个指标 × {t['area'].nunique()} 个区域）："
            f"{parts}。修复记录 **{len(result.repairs)}** 处；核对 {len(result.checks)} 项，**{ok}** 项一致。")


def checks_verdict_md(chk: pd.DataFrame) -> str:
    bad = chk[chk["status"] != "ok"]
    if bad.empty:
        years = sorted({int(m.group(1)) for c in chk["check"] if (m := _TEXT_CHECK.match(str(c)))})
        text = (f"，{'、'.join(str(y) for y in years)} 年表中数与方案正文目标相同" if years
                else "（方案正文未列出可与表中数核对的目标）")
        return f"**结论**：全部核对一致——各区域之和等于全区{text}。"
    items = "；".join(f"{r.chain} {r.year} {r.indicator}：{r.detail}" for r in bad.itertuples())
    return f"**结论**：{len(bad)} 项不一致（已报告，未强行改数）：{items}。"
