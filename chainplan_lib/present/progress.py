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

from ..analysis.fullyear import METHOD_SHORT
from ..analysis.progress import period_label
from ..cleaning.actuals.checks import COMPARABLE_BASIS_NOTE
from ..cleaning.actuals.clean import REASONS
from ..plan.model import Plan
from ..plan.names import DISTRICT
from . import units as U
from .escape import html_text, md_text
from .figures import LABEL, set_alt, use_theme
from .sources import goal_text
from .tables import fmt_signed

SYNTHETIC_TEXT = "示例数据：本页的统计月报数据为合成数据，仅用于演示流程，不是统计部门发布的数字。"
SYNTHETIC_MARK = "【示例数据：合成的统计月报，非真实统计】"   # before a line or text built from them


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


def source_note(data, plan: Plan, year: int | None = None) -> str:
    """Where the numbers come from (the files with figures of ``year`` or earlier), with the synthetic mark when
    the files say they are made up."""
    a = data.actuals
    a = a[a["year"] <= year] if year is not None and len(a) else a
    files = sorted({Path(str(f).split("#")[0]).name for f in a.get("source_file", pd.Series(dtype=str)).unique()})
    warn = SYNTHETIC_MARK if data.synthetic else ""
    return (f"{warn}来源：统计月报（{'、'.join(files)}），经 chainplan 清洗；目标：{plan.reference or plan.title}"
            f"{plan.table_section}及正文。")


def source_lines(data, year: int | None = None) -> list[str]:
    """The briefing's first-page source line for the 统计月报 (plain text; none when no files were read): the files
    whose figures are of ``year`` or earlier (a briefing of 2024 does not cite the 2025 reports)."""
    a = data.actuals
    if year is not None and len(a):
        a = a[a["year"] <= year]
    files = sorted({Path(str(f).split("#")[0]).name for f in a.get("source_file", pd.Series(dtype=str)).unique()})
    if not files:
        return []
    tag = "（示例数据：合成，非真实统计）" if data.synthetic else ""
    return [f"统计月报{tag}：{'、'.join(files)}"]


def revision_lines(data, year: int, month: int | None, *, plan: Plan) -> list[str]:
    """One sentence per figure of 1—``month``月 ``year`` that a later release revised (the cleaner's
    actuals_revisions.csv): the figure used, the one it replaced, and the rule that decided."""
    from ..analysis.monthly import series_name

    rv = getattr(data, "revisions", None)
    if rv is None or not len(rv) or month is None:
        return []
    rv = rv[(rv["year"] == year) & (rv["month"] == month)]
    out = []
    for r in rv.itertuples():
        name = series_name(str(r.chain_id), plan)
        where = "" if r.area == DISTRICT else f"（{r.area}）"
        kind = "" if bool(r.cumulative) else "当月"
        new_file, old_file = Path(str(r.kept_file)).name, Path(str(r.source_file)).name
        out.append(f"{name}{where}{period_label(month) if bool(r.cumulative) else f'{month}月'}{kind}采用"
                   f"{_stage(r.kept_release) or '后发布'}数 {r.kept_value:.1f} 亿元（{new_file}），"
                   f"此前{_stage(r.release) or '先发布'}为 {r.value:.1f} 亿元（{old_file}）。")
    return out


def progress_text(report, data) -> tuple[str, list[str]]:
    """What ``chainplan progress`` prints of ``report`` (a ``District.progress``) read from ``data`` (its 统计月报):
    the synthetic mark, the summary, and 数据说明 naming each figure a later release revised — those sentences
    returned as well, for the JSON."""
    revised = revision_lines(data, report.year, report.month, plan=report.plan)
    text = (SYNTHETIC_MARK + "\n" if data.synthetic else "") + report.summary()
    return text + ("\n数据说明：" + "".join(revised) if revised else ""), revised


def _stage(release) -> str:
    """快报 / 定报 / 修订 … as the release label printed it, else ''."""
    words = str(release or "").split()
    return next((w for w in words[1:] if not w[:1].isdigit() and w != "行业相加"), "")


def data_notes(report, data) -> list[str]:
    """The footnotes a reader needs under the progress table: every chain of the plan without a figure for the
    period (named, with why: not supplied, or quarantined with reason, file and row), chains added up from a
    table by industry (their coverage), and figures a later release revised. Empty when there is nothing to
    say."""
    from ..analysis.monthly import series_name

    plan = report.plan
    out = [f"{series_name(s, plan)}：{why}；本期不列该链。" if s in plan.chain_ids
           else f"{series_name(s, plan)}：{why}。" for s, why in report.missing.items()]
    out += report.coverage_sentences() if report.has_data else []
    out += revision_lines(data, report.year, report.month, plan=plan)
    return out


def cleaning_table(data) -> tuple[pd.DataFrame, dict]:
    """Entries read → clean / quarantined / duplicates dropped, and the quarantine reasons."""
    s = data.summary
    if "entries" not in s:   # a folder holding only a cleaned actuals.csv: nothing to account for but its rows
        df = pd.DataFrame([{"项目": "清洗后（actuals.csv）", "数量": len(data.actuals)}])
        note = ("所给文件夹只有已清洗的 actuals.csv，没有清洗汇总（actuals_summary.json）：读入、隔离和重复无从核对；"
                "原始统计月报请用 chainplan actuals clean 清洗。")
        return df, {"caption": "统计月报清洗汇总", "note": note, "units": _units(df, 数量=U.COUNT)}
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
    """Per series: 1—N月 figure, 同比 (可比口径), target, completion, 时序进度 and the gap in percentage points, and
    what share of the year was usually done by month N. 规上工业 has no level target: its row compares its growth
    with the plan's rate instead."""
    t = report.table
    plan = report.plan
    p = period_label(report.month)
    year_end = report.month == 12
    cum = f"{report.year}年（亿元）" if year_end else f"{p}累计（亿元）"
    ahead = "快（+）慢（-）于时序进度（百分点）"
    marks = {"comparable": "†", "levels": "*"}
    df = pd.DataFrame({
        "产业链": t["name"], cum: t["cumulative_yi"].map(_nan),
        "同比增长（%）": [U.Marked(_nan(v), marks[s]) if s in marks else _nan(v)
                      for v, s in zip(t["yoy_pct"], t["yoy_source"])],
        "年度目标（亿元）": t["target_yi"].map(_nan), "完成年度目标（%）": t["completion_pct"].map(_nan),
    })
    if not year_end:
        df["时序进度（%）"] = t["time_progress_pct"].map(_nan)
        df[ahead] = t["ahead_pp"].map(_nan)
        df["往年同期进度（%）"] = t["usual_share_pct"].map(_nan)
    basis = "往年同期进度（按往年 1—N月占全年比重平均）" if report.basis == "seasonal" else f"{report.month}/12"
    goal = goal_text(plan)
    industry = (f"规上工业方案只设增速目标（年均增长{goal}），不设总量目标，以同比增速对照该目标，不计完成率。" if goal
                else "规上工业方案未设增长目标。")
    note = ((f"时序进度按{basis}；往年同期进度为前三年 1—N月累计占全年的平均比重。" if not year_end else "")
            + "同比为统计部门公布的可比口径增速（同一批企业两年相比）；† 为按各链公布增速推算的可比口径"
            f"（{plan.all_name}无公布数）；* 为按上年同期总量计算。{industry}"
            "目标为方案的全产业链营业收入目标，统计月报的产业链数据为规上工业中的相应部分，二者口径不尽相同。"
            + (source_note(data, plan, report.year) if data is not None else ""))
    units = _units(df, **{cum: U.YI, "同比增长（%）": U.PERCENT, "年度目标（亿元）": U.YI, "完成年度目标（%）": U.PERCENT,
                          "时序进度（%）": U.PERCENT, ahead: U.PP, "往年同期进度（%）": U.PERCENT})
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
    """Per series: the full-year estimate (one method for all; the chains' sum is their total) with its 80 % and
    95 % ranges from the method's own past errors at this month; at 1—12月 a note instead (the year is published)."""
    if report.published:
        return _note_only(f"{report.year}年全年数据已公布（见上表），不需推算。", f"{report.title}：全年预计")
    rows = []
    for r in report.full_year_frame().itertuples():
        back = (f"{int(r.backtest_years)}年；{r.backtest_mape_pct:.1f}%/{r.backtest_max_ape_pct:.1f}%"
                if r.backtest_years else "未经回测" if r.method == "pace" else "不足两年")
        rows.append({"产业链": r.name, "全年预计（亿元）": _nan(r.value),
                     "80%区间（亿元）": U.Range(_nan(r.lower80), _nan(r.upper80)),
                     "95%区间（亿元）": U.Range(_nan(r.lower95), _nan(r.upper95)), "年度目标（亿元）": _nan(r.target_yi),
                     "预计完成目标（%）": _nan(r.completion_pct), "该月回测（年数；平均/最大误差）": back})
    df = pd.DataFrame(rows)
    plan = report.plan
    note = (f"各行同用{METHOD_SHORT.get(report.method, report.method)}（{report.method_reason}）；"
            f"{plan.all_name}为各链预计之和。" + ("" if report.method == "pace" else
            "惯例法：1—N月累计 ÷ 前三年同期累计占全年比重的平均；模型法：按月季节性的"
            "指数平滑模型，参数用往年完整数据估计。区间按该方法往年同一月份的实际误差确定（误差平方平均的平方根乘以 t 分布"
            "分位数），回测年数少时区间较宽；往年不足两年时不给区间。"))
    units = _units(df, **{c: U.YI for c in ("全年预计（亿元）", "80%区间（亿元）", "95%区间（亿元）", "年度目标（亿元）")},
                   **{"预计完成目标（%）": U.PERCENT})
    return df, {"caption": f"{report.title}：全年预计", "note": note, "units": units}


def backtest_table(report, series: str) -> tuple[pd.DataFrame, dict]:
    """Mean absolute error (%) by method and month for one series (rows methods, columns 1—N月, 平均)."""
    mape, _ = report.backtest_tables(series)
    if mape.empty:
        return _note_only("往年数据不足，无法回测", "回测误差")
    df = pd.DataFrame({"方法": [METHOD_SHORT.get(m, m) for m in mape.index]})
    for c in mape.columns:
        df["平均" if c == "all" else period_label(int(c))] = [_nan(v) for v in mape[c]]
    bt = report.backtests.get(series, pd.DataFrame())
    years = f"{int(bt['year'].min())}—{int(bt['year'].max())}" if len(bt) else ""
    units = {c: (U.TEXT if c == "方法" else U.PERCENT) for c in df.columns}
    name = series_name_of(report, series)
    return df, {"caption": f"{name}：用 1—N月 推算全年的平均绝对误差（%）",
                "note": f"滚动起点回测：对 {years} 年每一年、每个月份，只用当时已知的数据推算全年，与实际全年比较；"
                        "两种方法在同一批年份上比较。", "units": units}


def series_name_of(report, series: str) -> str:
    t = report.table.set_index("chain_id")
    return str(t.loc[series, "name"]) if series in t.index else series


def coverage_table(report, series: str) -> tuple[pd.DataFrame, dict]:
    """Per method at this report's month: the years backtested, mean and largest error, bias, and — for the
    method quoted — in how many years a range built from the other years held the outcome."""
    at = report.at_month(series)
    if at.empty:
        return _note_only("往年数据不足，无法回测", "该月份的回测")
    df = pd.DataFrame({"方法": [METHOD_SHORT.get(m, m) for m in at["method"]], "回测年数": at["years"].astype(int),
                       "回测年份": at["span"], "平均绝对误差（%）": at["mape"].map(_nan),
                       "最大误差（%）": at["max_ape"].map(_nan), "平均偏差（%）": at["bias"].map(_nan),
                       "80%区间留一检验": [f"{a}/{n}年" if n else "—" for a, n in zip(at["loo80"], at["loo_n"])],
                       "95%区间留一检验": [f"{a}/{n}年" if n else "—" for a, n in zip(at["loo95"], at["loo_n"])]})
    units = _units(df, **{"回测年数": U.COUNT, "平均绝对误差（%）": U.PERCENT, "最大误差（%）": U.PERCENT,
                          "平均偏差（%）": U.PERCENT})
    return df, {"caption": f"{series_name_of(report, series)}：{period_label(report.month)}推算全年的回测（每年一次）",
                "note": "每个往年只在该月份推算一次，回测次数即年数。留一检验：每次留出一年，用其余年份的误差确定区间，"
                        "看留出的一年是否落在区间内；年数很少时只是粗略参考。平均偏差为推算值相对实际的平均百分比误差"
                        "（正为偏高）。", "units": units}


def required_table(report) -> tuple[pd.DataFrame, dict]:
    """The growth needed in the remaining months and the remaining years to meet the targets."""
    r = report.required
    m = report.month
    plan = report.plan
    rest = f"{m + 1}—12月" if m < 11 else "12月"
    need = f"{rest}尚需（亿元）"
    ytd = f"{period_label(m)}同比（%）"
    final = f"{plan.target_year}年目标（亿元）"
    n = plan.target_year - report.year
    cagr = f"{plan.target_year}年需增长（%）" if n == 1 else "此后需年均增长（%）"
    df = pd.DataFrame({
        "产业链": r["name"], "年度目标（亿元）": r["target_yi"].map(_nan),
        need: [U.Marked(float("nan"), "已完成") if v <= 0 else _nan(v) for v in r["remaining_yi"]],
        "上年同期（亿元）": r["last_year_same_months_yi"].map(_nan),
        "需同比增长（%）": r["required_yoy_pct"].map(_nan), "同口径已增长（%）": r["ytd_yoy_levels_pct"].map(_nan),
        ytd: r["ytd_yoy_pct"].map(_nan),
        ("全年实际（亿元）" if m == 12 else "全年预计（亿元）"): r["full_year_yi"].map(_nan),
        final: r["target_final_yi"].map(_nan),
        cagr: r["required_cagr_pct"].map(_nan), "目标路径（%）": r["planned_cagr_pct"].map(_nan),
    })
    if m == 12:
        df = df.drop(columns=[need, "上年同期（亿元）", "需同比增长（%）", "同口径已增长（%）"])
    note = ("需同比增长 = 剩余月份尚需完成额 ÷ 上年同期剩余月份实际 − 1，按总量计算，故与同样按总量计算的"
            f"“同口径已增长”对照；{ytd.removesuffix('（%）')}为公布的可比口径增速。"
            f"{cagr.removesuffix('（%）')}为由全年{'实际' if m == 12 else '预计'}到 {plan.target_year} 年目标的"
            f"{'增速' if n == 1 else '年均增速'}；规上工业只设增速目标，不在此表。")
    units = _units(df, **{c: (U.YI if "亿元" in c else U.PERCENT) for c in df.columns if c != "产业链"})
    return df, {"caption": "完成目标所需增长", "note": note, "units": units}


def projection_table(report) -> tuple[pd.DataFrame, dict]:
    """The annual projections to the target year with both ranges, the target and where it falls (analyst page)."""
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
                       "目标所处位置": p["position"].map(lambda k: POSITION_TEXT.get(k, "—") if isinstance(k, str) else "—")})
    units = _units(df, **{"年份": U.YEAR, "外推（亿元）": U.YI, "80%区间（亿元）": U.YI, "95%区间（亿元）": U.YI,
                          "目标（亿元）": U.YI})
    return df, {"caption": "按年度序列外推到目标年（80%/95% 预测区间）", "units": units,
                "note": "外推只描述“延续过去的增长”意味着什么，不代表政策效果，也不是完成目标的判断（简报按完成目标所需增速"
                        "判断）。对数线性趋势的区间为回归的预测区间（含参数不确定性），至少需要 5 个完整年度；指数平滑至少 10 个，"
                        "其区间由模拟得到，未计参数不确定性。外推的可信度见下方按年份和提前年数的回测。"}


def annual_backtest_table(bt: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The annual projections' rolling-origin backtest by series, method and horizon."""
    from ..analysis.backtest import annual_summary

    if bt.empty:
        return _note_only("完整年度不足，无法回测", "多年外推的回测")
    parts = [annual_summary(g).assign(name=name) for name, g in bt.groupby("name", sort=False)] \
        if "name" in bt.columns else [annual_summary(bt).assign(name="")]
    s = pd.concat(parts, ignore_index=True)
    if s.empty:
        return _note_only("完整年度不足，无法回测", "多年外推的回测")
    df = pd.DataFrame({"产业链": s["name"], "方法": s["method"].map({"trend": "对数线性趋势", "ets": "指数平滑"}),
                       "提前年数": s["horizon"].astype(int), "回测次数（年）": s["n"].astype(int),
                       "平均绝对误差（%）": s["mape"].map(_nan),
                       "80%区间覆盖": [f"{round(c * n)}/{n}" if c == c else "—" for c, n in zip(s["coverage80"], s["n"])],
                       "95%区间覆盖": [f"{round(c * n)}/{n}" if c == c else "—" for c, n in zip(s["coverage95"], s["n"])]})
    units = _units(df, **{"提前年数": U.COUNT, "回测次数（年）": U.COUNT, "平均绝对误差（%）": U.PERCENT})
    return df, {"caption": "多年外推的回测（每个起点年份外推 1、2 年，按产业链）", "units": units}


def yoy_check_table(data, year: int, month: int, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Published 同比 against the one computed from last year's level, for every series published that month."""
    c = data.checks
    c = c[(c["check"] == "yoy_published_vs_computed") & (c["year"] == year) & (c["month"] == month)
          & c["cumulative"].astype(bool) & (c["area"] == "全区")]
    if c.empty:
        return _note_only(f"{year}年{period_label(month)}没有可对照的公布同比和上年同期数", "公布同比与按总量计算的同比")
    order = {s: k for k, s in enumerate(plan.chain_ids)}
    c = c.assign(_o=c["chain_id"].map(lambda s: order.get(s, len(order)))).sort_values("_o")
    names = {ch.id: ch.name for ch in plan.chains}
    df = pd.DataFrame({"产业链": c["chain_id"].map(lambda s: names.get(s, "规上工业")),
                       "公布同比（%）": c["value"].map(_nan), "按总量计算（%）": c["compare_to"].map(_nan),
                       "差（百分点）": c["difference"].map(_nan)})
    units = _units(df, **{"公布同比（%）": U.PERCENT, "按总量计算（%）": U.PERCENT, "差（百分点）": U.PP})
    return df, {"caption": f"{year}年{period_label(month)}公布同比与按上年同期总量计算的同比",
                "note": COMPARABLE_BASIS_NOTE, "units": units}


def no_data_md(report) -> str:
    """The note a progress section shows without actuals for the year, with what to pass."""
    return (f"**{md_text(report.message)}** 补齐方法：把统计月报文件（.xlsx / .xls / .csv）放进一个文件夹，运行 "
            f"`chainplan brief --year {report.year} --actuals 文件夹`；直接运行本笔记本时，把参数 `actuals_dir` "
            "设为该文件夹。")


def methods_md(plan: Plan) -> str:
    """The method notes of the 统计月报 sections, for the briefing's 数据说明 and the progress page."""
    goal = goal_text(plan)
    return ("**统计月报的方法说明。** 进度按统计部门惯例：完成年度目标（%）= 1—N月累计 ÷ 年度目标；时序进度按已过月数 ÷ 12，"
            "1—2月合并发布，按 2 个月计；快（慢）于时序进度的百分点 = 完成年度目标（%）− 时序进度（%），按显示的一位小数"
            "判断，显示为 0.0 时记“持平”；另注往年同期一般完成全年的比重，便于判断季节因素。全年（1—12月）完成时称"
            "“超额完成”或“未完成”年度目标。同比增速采用统计部门公布的可比口径；各链合计无公布增速，按各链公布增速推算"
            "（合计本期 ÷ 各链“本期 ÷（1 + 公布增速）”之和 − 1），与各链同一口径。"
            + (f"规上工业只设增速目标（年均增长{goal}），以公布增速对照，并按可比口径连乘计算基年以来的累计和年均增速。"
               if goal else "")
            + "全年预计各链和合计采用同一方法，合计为各链之和；区间按该方法往年同一月份的实际误差确定。"
            "完成目标所需增速由全年预计（或实际）推算至目标年，并与目前增速比较。")


def source_actuals(plan: Plan) -> str:
    """The source line under a 统计月报 chart: 来源：统计月报（经 chainplan 清洗）；目标：<文号><附件>及正文."""
    return f"来源：统计月报（经 chainplan 清洗）；目标：{plan.reference or plan.title}{plan.table_section}及正文"


METHOD_COLOURS = {"convention": "#1f77b4", "ets": "#d62728", "trend": "#1f77b4"}


def _source(fig, synthetic: bool, plan: Plan, extra: str = "") -> None:
    text = source_actuals(plan) + (f"；{extra}" if extra else "")
    if synthetic:
        text += "　" + SYNTHETIC_MARK
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
    year_end = bool(len(t)) and int(t["month"].iloc[0]) == 12
    ahead = np.round(t["ahead_pp"].to_numpy(), 1)      # decided on the printed figure, as the sentences are
    ax.barh(y, vals, color=np.where(ahead >= 0, "#2ca02c", "#ff7f0e"), height=0.6)
    tp = t["time_progress_pct"].to_numpy()
    ax.vlines(tp, y - 0.42, y + 0.42, color="#d62728", lw=2.2, zorder=3, label="年度目标" if year_end else "时序进度")
    for yi, v, a, p in zip(y, vals, ahead, tp):
        label = f"{v:.1f}%" if year_end else f"{v:.1f}%（{fmt_signed(a)}个百分点）"
        ax.text(max(v, p) + 1.5, yi, label, va="center", **LABEL)
    ax.set_yticks(y, t["name"])
    ax.set_xlim(0, max(110, float(np.nanmax(np.r_[vals, tp])) + 25))
    if len(t):
        m, yr = int(t["month"].iloc[0]), int(t["year"].iloc[0])
        ax.set(title=title or (f"{yr}年营业收入完成年度目标（%）" if year_end else
                               f"{yr}年{period_label(m)}营业收入完成年度目标（%）与时序进度"),
               xlabel="完成年度目标（%）" if year_end else "完成年度目标（%）；括号内为快（+）慢（-）于时序进度的百分点")
    ax.legend(fontsize=8, loc="lower right")
    _source(fig, synthetic, plan)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    if year_end:
        desc = "；".join(f"{n} {v:.1f}%" for n, v in zip(t["name"].iloc[::-1], vals[::-1]))
        set_alt(fig, f"条形图：{ax.get_title()}，红线为年度目标（100%）：{desc}。")
    else:
        set_alt(fig, f"条形图：{ax.get_title()}，红线为时序进度：" + "；".join(
            f"{n} {v:.1f}%（时序进度 {p:.1f}%，{'快' if a > 0 else ('慢' if a < 0 else '持平')}{abs(a):.1f} 个百分点）"
            for n, v, p, a in zip(t["name"].iloc[::-1], vals[::-1], tp[::-1], ahead[::-1])) + "。")
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
    _source(fig, synthetic, plan, "区间按该方法往年同月的实际误差确定")
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
    if ax.get_legend_handles_labels()[0]:  # no method with a backtest: no legend (matplotlib would warn)
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


def cumulative_paths(report, series: str, synthetic: bool = False) -> plt.Figure | None:
    """This year's and last year's 1—N月 figures of ``series`` by month (亿元), with the target's path
    (target × N/12). None when the report has no figures of that series."""
    table = report.tables.get(series)
    if table is None or report.year not in table.index:
        return None
    rows = report.table[report.table["chain_id"] == series]
    target = float(rows["target_yi"].iloc[0]) if len(rows) else math.nan
    year, name, plan = report.year, series_name_of(report, series), report.plan
    use_theme()
    fig, ax = plt.subplots(figsize=(8, 3.8))
    months = np.arange(2, 13)
    for y, style in ((year - 1, dict(color="#999", marker="o", label=f"{year - 1}年")),
                     (year, dict(color="#1f77b4", marker="o", lw=2, label=f"{year}年"))):
        if y in table.index:
            ax.plot(months, table.loc[y, list(months)].to_numpy(dtype=float), **style)
    if np.isfinite(target):
        ax.plot(months, target * months / 12, ls="--", color="#d62728",
                label=f"按时序进度完成目标 {target:,.0f} 亿元")
    ax.set_xticks(months, [period_label(int(m)) for m in months], fontsize=8)
    ax.set(title=f"{name}营业收入 1—N月累计（亿元）", ylabel="亿元")
    ax.legend(fontsize=8, loc="upper left")
    _source(fig, synthetic, plan)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    set_alt(fig, f"折线图：{ax.get_title()}，{year - 1}年与{year}年各月累计，红色虚线为按时序进度完成目标的路径。")
    return fig
