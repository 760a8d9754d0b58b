"""Charts for notebooks and the briefing: seaborn/matplotlib, Chinese titles and axes with units, a source line.

Every function takes tidy frames from the analytics layer and returns a matplotlib Figure; none computes
figures of its own beyond reshaping for the plot. Call :func:`chainplan_lib.reporting.fonts.apply_theme` once first
(the functions call it too, cheaply).
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from ..analysis.growth import chain_label
from ..plan.names import AREAS, CHAIN_BY_ID, CHAIN_IDS, DISTRICT, INDICATOR_UNITS
from .tables import fmt_signed

__all__ = ["CHAIN_COLOURS", "chain_label", "add_source", "target_paths", "source_map", "fan_chart",
           "area_shares", "share_change", "completion", "size_bands", "SOURCE_PLAN", "SOURCE_TABLE"]

SOURCE_PLAN = "来源：湖政发〔2024〕2号 正文"
SOURCE_TABLE = "来源：湖政发〔2024〕2号 附件2《重点产业链目标预测表》（经清洗，见修复记录）"
CHAIN_COLOURS = {"textiles": "#1f77b4", "metallurgy": "#7f7f7f", "electronics": "#ff7f0e",
                 "food_pharma": "#2ca02c", "all": "#d62728"}
INDICATOR_CN = {"revenue": "营业收入", "enterprises": "规上户数"}


def _theme() -> None:
    from .fonts import apply_theme

    apply_theme()


def add_source(fig, text: str, synthetic: bool = False) -> None:
    """A small source line under the plot (and a 示例数据 mark when the numbers are synthetic)."""
    if synthetic:
        text = f"{text}　【示例数据：合成名录，非真实统计】"
    fig.text(0.01, 0.005, text, fontsize=7.5, color="#555", ha="left", va="bottom")


def target_paths(targets: pd.DataFrame, overall_rate: float = 0.10) -> plt.Figure:
    """Revenue target path of each chain (亿元) and of their sum against the ~10 % path from the 2023 base."""
    _theme()
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue")]
    wide = t.pivot_table(index="year", columns="chain_id", values="value").reindex(columns=list(CHAIN_IDS))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for cid in wide.columns:
        ax1.plot(wide.index, wide[cid], marker="o", color=CHAIN_COLOURS[cid], label=chain_label(cid))
        ax1.annotate(f"{wide[cid].iloc[-1]:g}", (wide.index[-1], wide[cid].iloc[-1]), textcoords="offset points",
                     xytext=(4, 0), fontsize=8, va="center")
    ax1.set(title="各链营业收入目标（亿元）", xlabel="年份", ylabel="亿元", xticks=list(wide.index))
    ax1.legend(fontsize=8)
    total = wide.sum(axis=1)
    years = total.index.to_numpy()
    path = total.iloc[0] * (1 + overall_rate) ** (years - years[0])
    ax2.plot(years, total, marker="o", color=CHAIN_COLOURS["all"], label="四条链目标合计")
    ax2.plot(years, path, ls="--", color="#333", label=f"按年均{overall_rate:.0%}增长")
    for x, y in zip(years, total):
        ax2.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax2.annotate(f"{path[-1]:.0f}", (years[-1], path[-1]), textcoords="offset points", xytext=(0, -12),
                 ha="center", fontsize=8)
    ax2.set(title="四条链合计与年均10%路径（亿元）", xlabel="年份", ylabel="亿元", xticks=list(years))
    ax2.legend(fontsize=8)
    add_source(fig, SOURCE_TABLE)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def source_map(targets: pd.DataFrame, indicator: str = "revenue") -> plt.Figure:
    """Which cells of the target table were read as printed, read from '-', imputed or missing."""
    _theme()
    codes = {"table": 0, "dash": 1, "imputed": 2, "missing": 3}
    t = targets[targets["indicator"] == indicator].copy()
    t["row"] = t["chain"] + " " + t["year"].astype(str)
    grid = t.pivot_table(index="row", columns="area", values="source", aggfunc="first")
    rows = [f"{CHAIN_BY_ID[c].name} {y}" for c in CHAIN_IDS for y in sorted(t["year"].unique())]
    grid = grid.reindex(index=[r for r in rows if r in grid.index], columns=[DISTRICT, *AREAS])
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
    unit = INDICATOR_UNITS[indicator]
    ax.set_title(f"{INDICATOR_CN[indicator]}（{unit}）：蓝=按表读取　灰=表中为“-”记0　橙=推算补齐　红=缺失")
    ax.grid(False)
    add_source(fig, SOURCE_TABLE)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def fan_chart(frame: pd.DataFrame, title: str | None = None, synthetic: bool = False) -> plt.Figure:
    """Fan chart from :func:`chainplan_lib.analysis.projections.fan_chart_frame`, values in 亿元 or 户.

    Bands are the frame's prediction intervals (``lower_80``/``upper_80``, ``lower_95``/``upper_95``, the levels
    in ``frame.attrs['levels']``), each labelled "80% 预测区间" / "95% 预测区间"; a band is drawn only where the
    frame has one (no band is invented for the plan's own path or the scenarios)."""
    _theme()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    styles = {"target": dict(color="#d62728", marker="o", lw=2.2, label="规划目标"),
              "actual": dict(color="black", marker="s", lw=2, label="实际（名录）"),
              "trend": dict(color="#1f77b4", ls="-", label="对数线性趋势"),
              "ets": dict(color="#9467bd", ls="-.", label="指数平滑（Holt）")}
    chain = frame["chain_id"].iloc[0] if "chain_id" in frame and len(frame) else "all"
    indicator = frame["indicator"].iloc[0] if "indicator" in frame and len(frame) else "revenue"
    unit = INDICATOR_UNITS[indicator]
    for kind, g in frame.groupby("kind", sort=False):
        g = g.sort_values("year")
        if kind.startswith("scenario"):
            rate = kind.split("_")[-1]
            ax.plot(g["year"], g["value"], ls=":", color="#555", lw=1.2)
            ax.annotate(f"{rate}%情景 {g['value'].iloc[-1]:.0f}", (g["year"].iloc[-1], g["value"].iloc[-1]),
                        textcoords="offset points", xytext=(4, 0), fontsize=7.5, va="center", color="#555")
            continue
        st = styles.get(kind, dict(label=kind))
        ax.plot(g["year"], g["value"], **st)
        # prediction intervals, one shade per level (widest lightest), each labelled with its level
        levels = sorted(frame.attrs.get("levels") or [], reverse=True)
        bands = [(lv, *(f"{side}_{lv * 100:g}".replace(".", "_") for side in ("lower", "upper"))) for lv in levels]
        bands = [b for b in bands if b[1] in g and g[b[1]].notna().any()]
        if not bands and {"lower", "upper"} <= set(g) and g["lower"].notna().any() and levels:
            bands = [(levels[0], "lower", "upper")]
        for k, (lv, lo, hi) in enumerate(bands):
            ax.fill_between(g["year"], g[lo], g[hi], alpha=0.12 + 0.12 * k, color=st.get("color"), lw=0,
                            label=f"{st['label']} {lv * 100:g}% 预测区间")
    kinds = set(frame["kind"])
    modelled = bool(kinds & {"trend", "ets"})
    parts = "、".join(p for p, k in (("目标", "target"), ("实际", "actual")) if k in kinds)
    parts += ("、预测" if modelled else "") + ("与情景" if any(str(k).startswith("scenario") for k in kinds) else "")
    ax.set(title=title or f"{chain_label(str(chain))}{INDICATOR_CN[indicator]}：{parts}（{unit}）",
           xlabel="年份", ylabel=unit)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.legend(fontsize=8, loc="upper left")
    add_source(fig, SOURCE_TABLE + ("；预测为 statsmodels 模型结果（只用实际值）" if modelled else "；情景为按固定增速的算术"),
               synthetic)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def area_shares(shares: pd.DataFrame, chain_id: str, indicator: str = "revenue") -> plt.Figure:
    """Stacked bars: each area's share (%) of a chain, one bar per year. Input: area_shares() frame."""
    _theme()
    s = shares[(shares["chain_id"] == chain_id) & (shares["indicator"] == indicator)]
    wide = s.pivot_table(index="year", columns="area", values="share").reindex(columns=list(AREAS)).fillna(0)
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
           title=f"{chain_label(chain_id)}{INDICATOR_CN[indicator]}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, SOURCE_TABLE)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def share_change(change: pd.DataFrame, chain_id: str, indicator: str = "revenue") -> plt.Figure:
    """Bars of each area's share change in percentage points. Input: share_change() frame."""
    _theme()
    c = change[(change["chain_id"] == chain_id) & (change["indicator"] == indicator)].copy()
    col = next(k for k in ("change_pp", "share_change_pp", "pp_change") if k in c)
    c = c[c[col].abs() > 1e-9].sort_values(col)
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(c), 3) + 1.4))
    ax.barh(c["area"], c[col], color=np.where(c[col] >= 0, "#2ca02c", "#d62728"))
    for y, v in enumerate(c[col]):
        ax.text(v, y, f" {fmt_signed(v, 1)}", va="center", ha="left" if v >= 0 else "right", fontsize=8)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set(xlabel="占比变化（百分点）", title=f"{chain_label(chain_id)}{INDICATOR_CN[indicator]}占比变化（百分点）")
    add_source(fig, SOURCE_TABLE)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def completion(frame: pd.DataFrame, value_col: str, label_col: str, title: str, benchmark: float | None = None,
               synthetic: bool = False) -> plt.Figure:
    """Horizontal bars of a completion rate (完成率, %) with the time-progress benchmark as a line."""
    _theme()
    f = frame.dropna(subset=[value_col])
    fig, ax = plt.subplots(figsize=(8, 0.38 * max(len(f), 3) + 1.4))
    vals = f[value_col].to_numpy() * 100
    ax.barh(f[label_col].astype(str), vals, color=np.where(vals >= (benchmark or 0) * 100, "#2ca02c", "#ff7f0e"))
    for y, v in enumerate(vals):
        ax.text(v, y, f" {v:.0f}%", va="center", fontsize=8)
    if benchmark is not None:
        ax.axvline(benchmark * 100, color="#d62728", ls="--", lw=1, label=f"时间进度 {benchmark:.0%}")
        ax.legend(fontsize=8, loc="lower right")
    ax.set(xlabel="完成率（%）", title=title)
    add_source(fig, "来源：规上企业名录（清洗后）与附件2目标", synthetic)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def size_bands(frame: pd.DataFrame, synthetic: bool = False, year: int | None = None,
               target_year: int = 2026) -> plt.Figure:
    """Textile firms above each revenue threshold (户): a register year's count against the plan's 2026 target.

    ``frame``: columns threshold_yi, actual, target. "超X亿元" counts firms with revenue ≥ X 亿元, cumulative."""
    _theme()
    f = frame.copy()
    labels = [f"超{t:g}亿元" for t in f["threshold_yi"]]
    x = np.arange(len(f))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    cols = [c for c in ("actual", "target") if c in f]
    width = 0.38
    names = {"actual": f"{year}年名录" if year else "名录", "target": f"{target_year}年目标"}
    for k, col in enumerate(cols):
        ax.bar(x + (k - (len(cols) - 1) / 2) * width, f[col], width, label=names[col],
               color={"actual": "#1f77b4", "target": "#d62728"}[col])
        for xi, v in zip(x, f[col]):
            if pd.notna(v):
                ax.text(xi + (k - (len(cols) - 1) / 2) * width, v, f"{v:g}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, labels)
    when = f"{year}年名录对比{target_year}年目标" if year and year != target_year else f"{target_year}年"
    ax.set(ylabel="企业数（户）", title=f"现代针纺：营业收入超过各档的企业数（户，各档累计；{when}）")
    ax.legend(fontsize=8)
    add_source(fig, "来源：附件1 一、(二)发展目标；名录为清洗后数据", synthetic)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def area_mix(shares: pd.DataFrame, year: int, indicator: str = "revenue") -> plt.Figure:
    """One stacked bar per chain: the areas' shares (%) in `year`. Input: shares.area_shares() frame."""
    _theme()
    s = shares[(shares["year"] == year) & (shares["indicator"] == indicator) & shares["chain_id"].isin(CHAIN_IDS)]
    wide = s.pivot_table(index="chain_id", columns="area", values="share").reindex(
        index=[c for c in CHAIN_IDS if c in set(s["chain_id"])], columns=list(AREAS)).fillna(0) * 100
    wide = wide.loc[:, wide.sum() > 0]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    left = np.zeros(len(wide))
    colours = plt.get_cmap("tab10")
    labels = [chain_label(c) for c in wide.index]
    for k, area in enumerate(wide.columns):
        ax.barh(labels, wide[area], left=left, color=colours(k % 10), label=area)
        for i, v in enumerate(wide[area]):
            if v >= 6:
                ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=7.5, color="white")
        left += wide[area].to_numpy()
    ax.invert_yaxis()
    ax.set(xlim=(0, 100), xlabel="占该链比重（%）",
           title=f"{year}年各链{INDICATOR_CN[indicator]}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, SOURCE_TABLE)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
