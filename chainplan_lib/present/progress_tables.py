"""Tables and short texts of the progress report (进度) for people: Chinese headers with units, no new figures.

Each ``*_table`` returns ``(frame, options)`` for :func:`chainplan_lib.present.tables.show`; each ``*_md``
returns Markdown. Inputs are :class:`chainplan_lib.analysis.progress_report.ProgressReport` and the cleaned
actuals (:class:`chainplan_lib.cleaning.actuals.clean.ActualsResult`).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from ..analysis.fullyear import METHOD_NAMES, METHOD_SHORT
from ..analysis.progress import period_label
from ..cleaning.actuals.checks import COMPARABLE_BASIS_NOTE
from ..cleaning.actuals.clean import REASONS
from ..plan.load import resolve_plan
from . import units as U
from .escape import html_text, md_text
from .tables import goal_text

__all__ = ["SYNTHETIC_TEXT", "synthetic_banner_html", "source_note", "source_lines", "cleaning_table", "progress_table",
           "sentences_html", "lines_html", "full_year_table", "backtest_table", "coverage_table", "required_table",
           "projection_table", "yoy_check_table", "annual_backtest_table", "no_data_md", "methods_md"]

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


def source_note(data) -> str:
    """Where the numbers come from, with the synthetic mark when the files say they are made up."""
    files = sorted({Path(str(f["file"])).name for f in data.summary.get("files", [])}) or \
        sorted({Path(str(f).split("#")[0]).name for f in data.actuals["source_file"].unique()})
    warn = "【示例数据：合成的统计月报，非真实统计】" if data.synthetic else ""
    plan = resolve_plan(None)
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
    note = (f"时序进度按{basis}。同比为统计部门公布数（可比口径）；* 为按上年同期数计算（四链合计无公布数）。"
            f"规上工业目标按方案“年均增长{goal_text() or '（未设总体增长目标）'}”由上年实际推算。"
            + (source_note(data) if data is not None else ""))
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
        "全年预计（亿元）": r["full_year_yi"].map(_nan), "2026年目标（亿元）": r["target_final_yi"].map(_nan),
        "此后需年均增长（%）": r["required_cagr_pct"].map(_nan), "目标路径年均（%）": r["planned_cagr_pct"].map(_nan),
    })
    if m == 12:
        df = df.drop(columns=[need, "上年同期（亿元）", "需同比增长（%）"])
    note = ("需同比增长 = 剩余月份尚需完成额 ÷ 上年同期剩余月份实际 − 1；此后需年均增长 = 由全年预计到 2026 年目标的年均增速；"
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


def yoy_check_table(data, series: str, year: int) -> tuple[pd.DataFrame, dict]:
    """Published 同比 against the one computed from last year's figure, month by month, for one series."""
    c = data.checks
    c = c[(c["check"] == "yoy_published_vs_computed") & (c["chain_id"] == series) & (c["year"] == year)
          & c["cumulative"].astype(bool)]
    if c.empty:
        why = ("四条产业链合计由各链相加，统计部门不公布其同比" if series == "all" else "该年没有公布的同比或上年同期数")
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
