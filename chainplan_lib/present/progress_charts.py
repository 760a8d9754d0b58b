"""Charts of progress against 时序进度, full-year estimates, backtests and multi-year projections.

Each function takes a frame from :mod:`chainplan_lib.analysis.progress_report` (or the backtest and
projection frames it holds) and returns a matplotlib Figure with Chinese titles, units and a source line;
none computes a figure of its own beyond reshaping for the plot. Like :mod:`chainplan_lib.present.charts`
(whose theme and display they share), every figure is shown as SVG with its text kept as text and carries a
Chinese alt text saying what it draws.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from ..analysis.fullyear import METHOD_SHORT
from ..analysis.progress import period_label

__all__ = ["SOURCE_ACTUALS", "progress_bars", "full_year_ranges", "backtest_lines", "annual_fan", "cumulative_paths"]

SOURCE_ACTUALS = "来源：统计月报（经 chainplan 清洗）；目标：湖政发〔2024〕2号附件2及正文"
COLOURS = {"textiles": "#1f77b4", "metallurgy": "#7f7f7f", "electronics": "#ff7f0e", "food_pharma": "#2ca02c",
           "all": "#d62728", "industry": "#9467bd"}
METHOD_COLOURS = {"convention": "#1f77b4", "ets": "#d62728", "trend": "#1f77b4"}


def _theme() -> None:
    from .charts import _theme as charts_theme

    charts_theme()


def _alt(fig, text: str) -> None:
    from .charts import _set_alt

    _set_alt(fig, text)


def _source(fig, synthetic: bool, extra: str = "") -> None:
    text = SOURCE_ACTUALS + (f"；{extra}" if extra else "")
    if synthetic:
        text += "　【示例数据：合成的统计月报，非真实统计】"
    fig.text(0.01, 0.005, text, fontsize=7.5, color="#555", ha="left", va="bottom")


def progress_bars(table: pd.DataFrame, synthetic: bool = False, title: str | None = None) -> plt.Figure:
    """Bars of 完成年度目标 (%) per series, each with its 时序进度 marked; green ahead, orange behind.

    Input: ``report.table`` (columns name, completion_pct, time_progress_pct, ahead_pp, month, year).
    """
    _theme()
    t = table.dropna(subset=["completion_pct"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * max(len(t), 3) + 1.5))
    y = np.arange(len(t))
    vals = t["completion_pct"].to_numpy()
    ax.barh(y, vals, color=np.where(t["ahead_pp"].to_numpy() >= 0, "#2ca02c", "#ff7f0e"), height=0.6)
    tp = t["time_progress_pct"].to_numpy()
    ax.vlines(tp, y - 0.42, y + 0.42, color="#d62728", lw=2.2, zorder=3, label="时序进度")
    for yi, v, a, p in zip(y, vals, t["ahead_pp"].to_numpy(), tp):
        ax.text(max(v, p) + 1.5, yi, f"{v:.1f}%（{a:+.1f}个百分点）", va="center", fontsize=8)
    ax.set_yticks(y, t["name"])
    ax.set_xlim(0, max(110, float(np.nanmax(np.r_[vals, tp])) + 25))
    if len(t):
        m, yr = int(t["month"].iloc[0]), int(t["year"].iloc[0])
        ax.set(title=title or f"{yr}年{period_label(m)}营业收入完成年度目标（%）与时序进度",
               xlabel="完成年度目标（%）；括号内为快（+）慢（−）于时序进度的百分点")
    ax.legend(fontsize=8, loc="lower right")
    _source(fig, synthetic)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _alt(fig, f"条形图：{ax.get_title()}，红线为时序进度：" + "；".join(
        f"{n} {v:.1f}%（时序进度 {p:.1f}%，{'快' if a > 0 else ('慢' if a < 0 else '持平')}{abs(a):.1f} 个百分点）"
        for n, v, p, a in zip(t["name"].iloc[::-1], vals[::-1], tp[::-1], t["ahead_pp"].to_numpy()[::-1])) + "。")
    return fig


def full_year_ranges(frame: pd.DataFrame, synthetic: bool = False, title: str | None = None) -> plt.Figure:
    """The quoted full-year estimate per series as % of its target, with the 80 % (thick) and 95 % (thin)
    ranges; the target is the 100 % line. Input: ``report.full_year_frame()``."""
    _theme()
    f = frame[frame["target_yi"] > 0].iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * max(len(f), 3) + 1.5))
    y = np.arange(len(f))
    pct = lambda col: f[col].to_numpy() / f["target_yi"].to_numpy() * 100
    mid = pct("value")
    ax.hlines(y, pct("lower95"), pct("upper95"), color="#9ecae1", lw=2, label="95%区间")
    ax.hlines(y, pct("lower80"), pct("upper80"), color="#3182bd", lw=6, label="80%区间")
    ax.scatter(mid, y, color="black", zorder=3, s=25, label="预计值")
    for yi, m, v, meth in zip(y, mid, f["value"], f["method"]):
        ax.text(m, yi + 0.28, f"{v:,.1f} 亿元（{m:.1f}%，{METHOD_SHORT.get(meth, '已公布')}）", ha="center",
                fontsize=7.5)
    ax.axvline(100, color="#d62728", ls="--", lw=1, label="年度目标")
    ax.set_yticks(y, f["name"])
    ax.set_ylim(-0.6, len(f) - 0.2)
    published = len(f) and (f["method"] == "actual").all()
    ax.set(title=title or ("全年完成情况（占年度目标 %）" if published else "全年预计完成情况（占年度目标 %）"),
           xlabel="占年度目标（%）")
    ax.legend(fontsize=8, loc="lower right")
    _source(fig, synthetic, "区间为回测检验过的预测区间")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _alt(fig, f"区间图：{ax.get_title()}，每条链一行，点为预计值，粗线为 80% 区间、细线为 95% 区间，红色虚线为年度目标（100%）："
         + "；".join(f"{n} {v:,.1f} 亿元（{m:.1f}%）" for n, v, m in zip(f["name"].iloc[::-1], f["value"].iloc[::-1],
                                                                      mid[::-1])) + "。")
    return fig


def backtest_lines(mape: pd.DataFrame, name: str, synthetic: bool = False) -> plt.Figure:
    """MAPE (%) of each full-year method by month N (estimate made at 1—N月). Input: ``mape_by_month`` frame."""
    _theme()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    months = [c for c in mape.columns if c != "all"]
    for method, row in mape.iterrows():
        ax.plot(months, row[months].to_numpy(dtype=float), marker="o", color=METHOD_COLOURS.get(method),
                label=f"{METHOD_SHORT.get(method, method)}（平均 {row['all']:.1f}%）")
    ax.set_xticks(months, [period_label(int(m)) for m in months], fontsize=8)
    ax.set(title=f"{name}：用 1—N月 推算全年的回测误差（MAPE，%）", xlabel="推算时已知的月份", ylabel="平均绝对百分比误差（%）")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.1f"))
    ax.legend(fontsize=8)
    _source(fig, synthetic, "滚动起点回测：每个往年 × 每个月份")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _alt(fig, f"折线图：{ax.get_title()}，横轴为推算时已知的月份：" + "；".join(
        f"{METHOD_SHORT.get(m, m)}平均 {row['all']:.1f}%" for m, row in mape.iterrows()) + "。")
    return fig


def annual_fan(annual: pd.Series, projections: pd.DataFrame, targets: pd.Series, name: str,
               full_year: pd.Series | None = None, synthetic: bool = False) -> plt.Figure:
    """Annual actuals (亿元), the trend and ETS projections with 80 % / 95 % ranges, and the targets.

    ``projections``: rows of ``report.projections`` for one series; ``targets``: target by year;
    ``full_year``: the year's quoted estimate (value, lower80, upper80) shown as a point with its range.
    """
    _theme()
    fig, ax = plt.subplots(figsize=(9, 4.3))
    ax.plot(annual.index, annual.to_numpy(), marker="s", color="black", lw=2, label="实际（全年）")
    styles = {"trend": ("对数线性趋势", "-", "#1f77b4"), "ets": ("指数平滑", "-.", "#9467bd")}
    for method, g in (projections.groupby("method", sort=False) if len(projections) else ()):
        label, ls, colour = styles[method]
        yrs = np.r_[annual.index[-1], g["year"].to_numpy()]
        ax.plot(yrs, np.r_[annual.iloc[-1], g["value"].to_numpy()], ls=ls, color=colour, label=label)
        ax.fill_between(g["year"], g["lower95"], g["upper95"], color=colour, alpha=0.10, label=f"{label} 95%预测区间")
        ax.fill_between(g["year"], g["lower80"], g["upper80"], color=colour, alpha=0.20, label=f"{label} 80%预测区间")
    if len(targets):
        ax.plot(targets.index, targets.to_numpy(), marker="o", color="#d62728", lw=1.5, label="规划目标")
    if full_year is not None and np.isfinite(full_year.get("value", np.nan)):
        yr = int(full_year["year"])
        ax.errorbar([yr], [full_year["value"]], yerr=[[full_year["value"] - full_year["lower80"]],
                                                      [full_year["upper80"] - full_year["value"]]],
                    fmt="D", color="#ff7f0e", capsize=4, label=f"{yr}年全年预计（80%区间）")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    few = "" if len(projections) else "（完整年度不足，未外推）"
    ax.set(title=f"{name}营业收入：实际、外推与目标（亿元）{few}", xlabel="年份", ylabel="亿元")
    ax.legend(fontsize=7.5, loc="upper left", ncol=2)
    _source(fig, synthetic, "外推为 statsmodels 模型结果，区间为预测区间")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    drawn = [f"{annual.index[0]}—{annual.index[-1]}年全年实际"]
    drawn += [f"{styles[m][0]}外推至 {int(g['year'].max())} 年 {g['value'].iloc[-1]:,.1f} 亿元（80%、95% 预测区间）"
              for m, g in (projections.groupby("method", sort=False) if len(projections) else ())]
    if len(targets):
        drawn.append("规划目标")
    _alt(fig, f"折线图：{ax.get_title()}。图中画出：{'；'.join(drawn)}。")
    return fig


def cumulative_paths(table: pd.DataFrame, year: int, target: float, name: str, time_share: pd.Series | None = None,
                     synthetic: bool = False) -> plt.Figure:
    """This year's and last year's 1—N月 figures by month (亿元), with the target's path (target × 时序进度).

    ``table``: a cumulative table (years × months); ``time_share``: the share of the year by month (default N/12).
    """
    _theme()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    months = np.arange(2, 13)
    for y, style in ((year - 1, dict(color="#999", marker="o", label=f"{year - 1}年")),
                     (year, dict(color="#1f77b4", marker="o", lw=2, label=f"{year}年"))):
        if y in table.index:
            ax.plot(months, table.loc[y, list(months)].to_numpy(dtype=float), **style)
    if np.isfinite(target):
        share = time_share if time_share is not None else pd.Series(months / 12, index=months)
        ax.plot(months, target * share.reindex(months).to_numpy(), ls="--", color="#d62728",
                label=f"按时序进度完成目标 {target:,.0f} 亿元")
    ax.set_xticks(months, [period_label(int(m)) for m in months], fontsize=8)
    ax.set(title=f"{name}营业收入 1—N月累计（亿元）", ylabel="亿元")
    ax.legend(fontsize=8, loc="upper left")
    _source(fig, synthetic)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _alt(fig, f"折线图：{ax.get_title()}，{year - 1}年与{year}年各月累计，红色虚线为按时序进度完成目标的路径。")
    return fig
