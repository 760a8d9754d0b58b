"""What notebooks and the briefing show of the statistics office's monthly figures (统计月报): the cleaning summary,
progress against the year's targets and 时序进度, full-year estimates with their backtests, the growth still
required and the projections to the plan's target year — tables, sentences and charts. Everything takes a
:class:`~chainplan_lib.analysis.progress_report.ProgressReport` (which keeps its plan) or the cleaned actuals
with the plan."""

from __future__ import annotations

import html
import math
from pathlib import Path

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from ..analysis.fullyear import METHOD_NAMES, METHOD_SHORT
from ..analysis.progress import period_label
from ..cleaning.actuals.checks import COMPARABLE_BASIS_NOTE
from ..cleaning.actuals.clean import REASONS
from ..plan.model import Plan
from . import units as U
from .escape import html_text, md_text
from .figures import set_alt, use_theme
from .sources import goal_text

SYNTHETIC_TEXT = "示例数据：本页的统计月报数据为合成数据（SYNTHETIC），仅用于演示流程，不是统计部门发布的数字。"


def synthetic_banner_html() -> str:
    return (f"<div class='synthetic-notice' style='border:2px solid #c00;color:#c00;padding:6px 10px;"
            f"font-weight:bold;margin:8px 0'>{html.escape(SYNTHETIC_TEXT)}</div>")


def _nan(v) -> float:
    return float("nan") if v is None or (isinstance(v, float) and not math.isfinite(v)) else float(v)


def _units(df: pd.DataFrame, **by_column) -> dict:
    """Declared units of a progress table: text unless named; ``by_column`` maps header → unit."""
    return {c: by_column.get(c, U.TEXT) for c in df.columns}


def _note_only(text: str, caption: str) -> tuple[pd.DataFrame, dict]:
    df = pd.DataFrame([{"说明": text}])
    return df, {"caption": caption, "units": {"说明": U.TEXT}}


def source_note(data, plan: Plan) -> str:
    """Where the numbers come from, with the synthetic mark when the files say they are made up."""
    files = sorted({Path(str(f["file"])).name for f in data.summary.get("files", [])}) or \
        sorted({Path(str(f).split("#")[0]).name for f in data.actuals["source_file"].unique()})
    warn = "【示例数据：合成的统计月报，非真实统计】" if data.synthetic else ""
    return (f"{warn}来源：统计月报（{'、'.join(files)}），经 chainplan 清洗；目标：{plan.reference or plan.title}"
            f"{plan.table_section}及正文。")


def source_lines(data) -> list[str]:
    """The briefing's first-page source line for the 统计月报 (plain text; none when no files were read)."""
    files = sorted({Path(str(f["file"])).name for f in data.summary.get("files", [])}) or \
        sorted({Path(str(f).split("#")[0]).name for f in data.actuals.get("source_file", pd.Series(dtype=str)).unique()})
    if not files:
        return []
    tag = "（示例数据：合成，非真实统计）" if data.synthetic else ""
    return [f"统计月报{tag}：{'、'.join(files)}"]


def cleaning_table(data) -> tuple[pd.DataFrame, dict]:
    """Entries read → clean / quarantined / duplicates dropped, and the quarantine reasons."""
    s = data.summary
    rows = [{"项目": "读入（数值单元格及无数值的行）", "数量": s["entries"]},
            {"项目": "清洗后（actuals.csv）", "数量": s["clean"]},
            {"项目": "隔离（actuals_quarantine.csv）", "数量": s["quarantined"]},
            {"项目": "重复删除", "数量": s["duplicates_dropped"]}]
    rows += [{"项目": f"　隔离原因：{REASONS.get(k, k)}", "数量": v} for k, v in s["quarantined_by_reason"].items()]
    ok = "平衡" if s["balanced"] and s["rows_accounted"] else "不平衡！"
    note = (f"读入 {s['entries']} = 清洗后 {s['clean']} + 隔离 {s['quarantined']} + 重复 {s['duplicates_dropped']}，{ok}；"
            f"共 {s['rows_read']} 行、{len(s['files'])} 张表。")
    df = pd.DataFrame(rows)
    return df, {"caption": "统计月报清洗汇总", "note": note, "units": _units(df, 数量=U.COUNT)}


def progress_table(report, data=None) -> tuple[pd.DataFrame, dict]:
    """Per series: 1—N月 figure, 同比, target, completion, 时序进度 and the gap in percentage points."""
    t = report.table
    p = period_label(report.month)
    cum, ahead = f"{p}累计（亿元）", "快（+）慢（−）于时序进度（百分点）"
    df = pd.DataFrame({
        "产业链": t["name"], cum: t["cumulative_yi"].map(_nan),
        "同比增长（%）": [U.Marked(_nan(v), "*") if s == "computed" else _nan(v)
                      for v, s in zip(t["yoy_pct"], t["yoy_source"])],
        "年度目标（亿元）": t["target_yi"].map(_nan), "完成年度目标（%）": t["completion_pct"].map(_nan),
        "时序进度（%）": t["time_progress_pct"].map(_nan), ahead: t["ahead_pp"].map(_nan),
    })
    basis = "往年同期进度（按往年 1—N月占全年比重平均）" if report.basis == "seasonal" else f"{report.month}/12"
    plan = report.plan
    note = (f"时序进度按{basis}。同比为统计部门公布数（可比口径）；* 为按上年同期数计算（{plan.all_name}无公布数）。"
            f"规上工业目标按方案“年均增长{goal_text(plan) or '（未设总体增长目标）'}”由上年实际推算。"
            + (source_note(data, plan) if data is not None else ""))
    units = _units(df, **{cum: U.YI, "同比增长（%）": U.PERCENT, "年度目标（亿元）": U.YI, "完成年度目标（%）": U.PERCENT,
                          "时序进度（%）": U.PERCENT, ahead: U.PP})
    return df, {"caption": f"{report.title}营业收入进度", "note": note, "units": units}


def sentences_html(report) -> str:
    """The reporting sentences as an HTML list (names from input escaped)."""
    items = "".join(f"<li>{html_text(s)}</li>" for s in report.sentences())
    return f"<ul class='progress-sentences'>{items}</ul>"


def lines_html(lines: list[str], caption: str = "") -> str:
    """Sentences (full-year, required growth, projections) as an HTML list with an optional bold caption."""
    head = f"<p><strong>{html_text(caption)}</strong></p>" if caption else ""
    return head + "<ul>" + "".join(f"<li>{html_text(x)}</li>" for x in lines) + "</ul>"


def full_year_table(report) -> tuple[pd.DataFrame, dict]:
    """Per series: both methods' full-year estimates with ranges, which one is quoted and why (at 1—12月 the
    year is published: a note instead of a table of published figures with zero-width ranges)."""
    if report.month == 12:
        return _note_only(f"{report.year}年全年数据已公布（见上表），不需推算。", f"{report.title}：全年预计")
    rows = []
    for r in report.full_year_frame().itertuples():
        per = report.estimates.get(r.series, {})
        conv, ets = per.get("convention"), per.get("ets")
        rows.append({"产业链": r.name, "采用": METHOD_SHORT.get(r.method, "已公布"),
                     "全年预计（亿元）": _nan(r.value), "80%区间（亿元）": U.Range(_nan(r.lower80), _nan(r.upper80)),
                     "95%区间（亿元）": U.Range(_nan(r.lower95), _nan(r.upper95)), "年度目标（亿元）": _nan(r.target_yi),
                     "预计完成目标（%）": _nan(r.completion_pct),
                     "惯例法（亿元）": _nan(conv.value) if conv else float("nan"),
                     "模型法（亿元）": _nan(ets.value) if ets else float("nan")})
    df = pd.DataFrame(rows)
    note = ("惯例法：1—N月累计 ÷ 前三年同期累计占全年比重的平均；模型法：对数月度值的指数平滑模型（按 1—2月、3月…12月 "
            "共 11 期的季节性，阻尼趋势），参数用往年完整数据估计。采用回测中该月份误差较小的方法。")
    units = _units(df, **{c: U.YI for c in ("全年预计（亿元）", "80%区间（亿元）", "95%区间（亿元）", "年度目标（亿元）",
                                           "惯例法（亿元）", "模型法（亿元）")}, **{"预计完成目标（%）": U.PERCENT})
    return df, {"caption": f"{report.title}：全年预计", "note": note, "units": units}


def backtest_table(report, series: str) -> tuple[pd.DataFrame, dict]:
    """MAPE (%) by method and month for one series (rows methods, columns 1—N月, 平均)."""
    mape, _ = report.backtest_tables(series)
    if mape.empty:
        return _note_only("往年数据不足，无法回测", "回测误差")
    df = pd.DataFrame({"方法": [METHOD_SHORT.get(m, m) for m in mape.index]})
    for c in mape.columns:
        df["平均" if c == "all" else period_label(int(c))] = [_nan(v) for v in mape[c]]
    _, cov = report.backtest_tables(series)
    years = cov["years"].iloc[0]
    units = {c: (U.TEXT if c == "方法" else U.PERCENT) for c in df.columns}
    return df, {"caption": f"{report.table.set_index('series').loc[series, 'name']}：用 1—N月 推算全年的平均绝对百分比误差（%）",
                "note": f"滚动起点回测：对 {years} 年每一年、每个月份，只用当时已知的数据推算全年，与实际全年比较；"
                        "两种方法在同一批年份上比较。", "units": units}


def coverage_table(report, series: str) -> tuple[pd.DataFrame, dict]:
    """Per method: n, MAPE, bias and how often the 80 % / 95 % ranges held the outcome."""
    _, cov = report.backtest_tables(series)
    if cov.empty:
        return _note_only("往年数据不足，无法回测", "区间覆盖率")
    df = pd.DataFrame({"方法": [METHOD_NAMES.get(m, m) for m in cov["method"]], "回测次数": cov["n"].astype(int),
                       "回测年份": cov["years"], "平均绝对百分比误差（%）": cov["mape"].map(_nan),
                       "平均偏差（百分点）": cov["bias"].map(_nan),
                       "80%区间覆盖率（%）": (cov["coverage80"] * 100).map(_nan),
                       "95%区间覆盖率（%）": (cov["coverage95"] * 100).map(_nan)})
    units = _units(df, **{"回测次数": U.COUNT, "平均绝对百分比误差（%）": U.PERCENT, "平均偏差（百分点）": U.PP,
                          "80%区间覆盖率（%）": U.PERCENT0, "95%区间覆盖率（%）": U.PERCENT0})
    return df, {"caption": "回测：误差与区间覆盖率",
                "note": "覆盖率 = 实际全年落在预测区间内的比例；80% 区间的覆盖率接近 80% 说明区间可信，明显偏低说明区间偏窄。"
                        "平均偏差为推算值相对实际的平均百分比误差（正为偏高）。回测次数少时覆盖率只是粗略参考。",
                "units": units}


def required_table(report) -> tuple[pd.DataFrame, dict]:
    """The growth needed in the remaining months and the remaining years to meet the targets."""
    r = report.required
    m = report.month
    rest = f"{m + 1}—12月" if m < 11 else "12月"
    need = f"{rest}尚需（亿元）"
    ytd = f"{period_label(m)}同比（%）"
    df = pd.DataFrame({
        "产业链": r["name"], "年度目标（亿元）": r["target_yi"].map(_nan),
        need: [U.Marked(float("nan"), "已完成") if v <= 0 else _nan(v) for v in r["remaining_yi"]],
        "上年同期（亿元）": r["last_year_same_months_yi"].map(_nan),
        "需同比增长（%）": r["required_yoy_pct"].map(_nan), ytd: r["ytd_yoy_pct"].map(_nan),
        "全年预计（亿元）": r["full_year_yi"].map(_nan), f"{report.plan.target_year}年目标（亿元）": r["target_final_yi"].map(_nan),
        "此后需年均增长（%）": r["required_cagr_pct"].map(_nan), "目标路径年均（%）": r["planned_cagr_pct"].map(_nan),
    })
    if m == 12:
        df = df.drop(columns=[need, "上年同期（亿元）", "需同比增长（%）"])
    note = ("需同比增长 = 剩余月份尚需完成额 ÷ 上年同期剩余月份实际 − 1；"
            f"此后需年均增长 = 由全年预计到 {report.plan.target_year} 年目标的年均增速；"
            f"{period_label(m)}同比按实际数值计算（非公布口径）。")
    units = _units(df, **{c: (U.YI if "亿元" in c else U.PERCENT) for c in df.columns if c != "产业链"})
    return df, {"caption": "完成目标所需增长", "note": note, "units": units}


def projection_table(report) -> tuple[pd.DataFrame, dict]:
    """The annual projections to the target year with both ranges, the target and where it falls."""
    from ..analysis.multiyear import POSITION_TEXT, TREND_MIN_YEARS_TEXT

    p = report.projections
    if p.empty:
        return _note_only(TREND_MIN_YEARS_TEXT, "多年外推")
    p = p[p["year"] == p["year"].max()]
    df = pd.DataFrame({"产业链": p["name"], "方法": p["method"].map({"trend": "对数线性趋势", "ets": "指数平滑"}),
                       "年份": p["year"].astype(int), "外推（亿元）": p["value"].map(_nan),
                       "80%区间（亿元）": [U.Range(_nan(a), _nan(b)) for a, b in zip(p["lower80"], p["upper80"])],
                       "95%区间（亿元）": [U.Range(_nan(a), _nan(b)) for a, b in zip(p["lower95"], p["upper95"])],
                       "目标（亿元）": p["target_yi"].map(_nan),
                       "目标所处位置": p["position"].map(lambda k: POSITION_TEXT.get(k, "—") if isinstance(k, str) else "—"),
                       "达到目标的粗略概率（%）": (p["p_reach"] * 100).map(_nan)})
    units = _units(df, **{"年份": U.YEAR, "外推（亿元）": U.YI, "80%区间（亿元）": U.YI, "95%区间（亿元）": U.YI,
                          "目标（亿元）": U.YI, "达到目标的粗略概率（%）": U.PERCENT0})
    return df, {"caption": "按年度序列外推到目标年（80%/95% 预测区间）", "units": units,
                "note": "外推只说明“延续过去的增长”意味着什么，不代表政策效果。对数线性趋势至少需要 5 个完整年度，指数平滑至少 10 个；"
                        "区间为预测区间，未计参数不确定性，见下方年度回测的覆盖率；概率按 95% 区间作对数正态近似，仅供参考。"}


def annual_backtest_table(bt: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The annual projections' rolling-origin backtest by method and horizon."""
    from ..analysis.backtest import annual_summary

    s = annual_summary(bt)
    if s.empty:
        return _note_only("完整年度不足，无法回测", "多年外推的回测")
    df = pd.DataFrame({"方法": s["method"].map({"trend": "对数线性趋势", "ets": "指数平滑"}),
                       "提前年数": s["horizon"].astype(int), "回测次数": s["n"].astype(int),
                       "平均绝对百分比误差（%）": s["mape"].map(_nan),
                       "80%区间覆盖率（%）": (s["coverage80"] * 100).map(_nan),
                       "95%区间覆盖率（%）": (s["coverage95"] * 100).map(_nan)})
    units = _units(df, **{"提前年数": U.COUNT, "回测次数": U.COUNT, "平均绝对百分比误差（%）": U.PERCENT,
                          "80%区间覆盖率（%）": U.PERCENT0, "95%区间覆盖率（%）": U.PERCENT0})
    return df, {"caption": "多年外推的回测（每个起点年份外推 1、2 年）", "units": units}


def yoy_check_table(data, series: str, year: int, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Published 同比 against the one computed from last year's figure, month by month, for one series."""
    c = data.checks
    c = c[(c["check"] == "yoy_published_vs_computed") & (c["chain_id"] == series) & (c["year"] == year)
          & c["cumulative"].astype(bool)]
    if c.empty:
        why = (f"{plan.all_name}由各链相加，统计部门不公布其同比" if series == "all" else "该年没有公布的同比或上年同期数")
        return _note_only(why, "公布同比与按总量计算的同比")
    df = pd.DataFrame({"期间": c["month"].map(lambda m: period_label(int(m))), "公布同比（%）": c["value"].map(_nan),
                       "按总量计算（%）": c["compare_to"].map(_nan), "差（百分点）": c["difference"].map(_nan)})
    units = _units(df, **{"公布同比（%）": U.PERCENT, "按总量计算（%）": U.PERCENT, "差（百分点）": U.PP})
    return df, {"caption": f"{year}年公布同比与按上年同期总量计算的同比", "note": COMPARABLE_BASIS_NOTE, "units": units}


def no_data_md(report) -> str:
    """The note a progress section shows without actuals for the year, with what to pass."""
    return (f"**{md_text(report.message)}** 补齐方法：把统计月报文件（.xlsx / .xls / .csv）放进一个文件夹，运行 "
            f"`chainplan brief --year {report.year} --actuals 文件夹`；直接运行本笔记本时，把参数 `actuals_dir` "
            "设为该文件夹。")


def methods_md() -> str:
    return ("**方法说明。** 时序进度默认按已过月数 ÷ 12；1—2月合并发布，按 2 个月计。"
            "快（慢）于时序进度的百分点 = 完成年度目标（%）− 时序进度（%），按显示的一位小数判断，显示为 0.0 时记“持平”。"
            "全年预计取回测误差较小的方法；区间为 80% 预测区间，回测给出其实际覆盖率。")


def source_actuals(plan: Plan) -> str:
    """The source line under a 统计月报 chart: 来源：统计月报（经 chainplan 清洗）；目标：<文号><附件>及正文."""
    return f"来源：统计月报（经 chainplan 清洗）；目标：{plan.reference or plan.title}{plan.table_section}及正文"


METHOD_COLOURS = {"convention": "#1f77b4", "ets": "#d62728", "trend": "#1f77b4"}


def _source(fig, synthetic: bool, plan: Plan, extra: str = "") -> None:
    text = source_actuals(plan) + (f"；{extra}" if extra else "")
    if synthetic:
        text += "　【示例数据：合成的统计月报，非真实统计】"
    fig.text(0.01, 0.005, text, fontsize=7.5, color="#555", ha="left", va="bottom")


def progress_bars(table: pd.DataFrame, synthetic: bool = False, title: str | None = None, *,
                  plan: Plan) -> plt.Figure:
    """Bars of 完成年度目标 (%) per series, each with its 时序进度 marked; green ahead, orange behind.

    Input: ``report.table`` (columns name, completion_pct, time_progress_pct, ahead_pp, month, year).
    """
    use_theme()
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
    _source(fig, synthetic, plan)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    set_alt(fig, f"条形图：{ax.get_title()}，红线为时序进度：" + "；".join(
        f"{n} {v:.1f}%（时序进度 {p:.1f}%，{'快' if a > 0 else ('慢' if a < 0 else '持平')}{abs(a):.1f} 个百分点）"
        for n, v, p, a in zip(t["name"].iloc[::-1], vals[::-1], tp[::-1], t["ahead_pp"].to_numpy()[::-1])) + "。")
    return fig


def full_year_ranges(frame: pd.DataFrame, synthetic: bool = False, title: str | None = None, *,
                     plan: Plan) -> plt.Figure:
    """The quoted full-year estimate per series as % of its target, with the 80 % (thick) and 95 % (thin)
    ranges; the target is the 100 % line. Input: ``report.full_year_frame()``."""
    use_theme()
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
    _source(fig, synthetic, plan, "区间为回测检验过的预测区间")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    set_alt(fig, f"区间图：{ax.get_title()}，每条链一行，点为预计值，粗线为 80% 区间、细线为 95% 区间，红色虚线为年度目标（100%）："
         + "；".join(f"{n} {v:,.1f} 亿元（{m:.1f}%）" for n, v, m in zip(f["name"].iloc[::-1], f["value"].iloc[::-1],
                                                                      mid[::-1])) + "。")
    return fig


def backtest_lines(mape: pd.DataFrame, name: str, synthetic: bool = False, *, plan: Plan) -> plt.Figure:
    """MAPE (%) of each full-year method by month N (estimate made at 1—N月). Input: ``mape_by_month`` frame."""
    use_theme()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    months = [c for c in mape.columns if c != "all"]
    for method, row in mape.iterrows():
        ax.plot(months, row[months].to_numpy(dtype=float), marker="o", color=METHOD_COLOURS.get(method),
                label=f"{METHOD_SHORT.get(method, method)}（平均 {row['all']:.1f}%）")
    ax.set_xticks(months, [period_label(int(m)) for m in months], fontsize=8)
    ax.set(title=f"{name}：用 1—N月 推算全年的回测误差（MAPE，%）", xlabel="推算时已知的月份", ylabel="平均绝对百分比误差（%）")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%.1f"))
    ax.legend(fontsize=8)
    _source(fig, synthetic, plan, "滚动起点回测：每个往年 × 每个月份")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    set_alt(fig, f"折线图：{ax.get_title()}，横轴为推算时已知的月份：" + "；".join(
        f"{METHOD_SHORT.get(m, m)}平均 {row['all']:.1f}%" for m, row in mape.iterrows()) + "。")
    return fig


def annual_fan(annual: pd.Series, projections: pd.DataFrame, targets: pd.Series, name: str,
               full_year: pd.Series | None = None, synthetic: bool = False, *, plan: Plan) -> plt.Figure:
    """Annual actuals (亿元), the trend and ETS projections with 80 % / 95 % ranges, and the targets.

    ``projections``: rows of ``report.projections`` for one series; ``targets``: target by year;
    ``full_year``: the year's quoted estimate (value, lower80, upper80) shown as a point with its range.
    """
    use_theme()
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
    _source(fig, synthetic, plan, "外推为 statsmodels 模型结果，区间为预测区间")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    drawn = [f"{annual.index[0]}—{annual.index[-1]}年全年实际"]
    drawn += [f"{styles[m][0]}外推至 {int(g['year'].max())} 年 {g['value'].iloc[-1]:,.1f} 亿元（80%、95% 预测区间）"
              for m, g in (projections.groupby("method", sort=False) if len(projections) else ())]
    if len(targets):
        drawn.append("规划目标")
    set_alt(fig, f"折线图：{ax.get_title()}。图中画出：{'；'.join(drawn)}。")
    return fig


def cumulative_paths(table: pd.DataFrame, year: int, target: float, name: str, time_share: pd.Series | None = None,
                     synthetic: bool = False, *, plan: Plan) -> plt.Figure:
    """This year's and last year's 1—N月 figures by month (亿元), with the target's path (target × 时序进度).

    ``table``: a cumulative table (years × months); ``time_share``: the share of the year by month (default N/12).
    """
    use_theme()
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
    _source(fig, synthetic, plan)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    set_alt(fig, f"折线图：{ax.get_title()}，{year - 1}年与{year}年各月累计，红色虚线为按时序进度完成目标的路径。")
    return fig
