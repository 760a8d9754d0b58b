"""Building blocks of the yearly briefing: the title block, the headline table and the notes.

They assemble figures computed elsewhere (targets, consistency, register comparison) into what a
district official reads; nothing here computes a new statistic. The title, the chains, the goal and the sources
are the plan's (``plan=None``: the default plan).
"""

from __future__ import annotations

import html
import math
import re
from datetime import date

import pandas as pd

from ..analysis.progress import period_label, sentences
from ..plan.model import ALL, Plan, cn_count
from ..plan.model import TOTAL as DISTRICT
from ..plan.names import INDUSTRY_ID
from . import units as U
from .escape import html_text
from .sources import goal_text
from .targets import KIND_CN, check_cn
from .titles import briefing_title

__all__ = ["title_html", "briefing_title", "headline_table", "key_points", "reconciliation_table", "reconciliation_md",
           "repairs_md", "synthetic_banner_html", "methods_md"]


def _documents(plan: Plan) -> str:
    """正文及附件1、附件2: the parts of the document the briefing's numbers come from."""
    parts = {plan.table_section} | {m.group(0) for b in plan.size_bands for m in [re.match(r"附件\d*", b.section)] if m}
    parts.discard("")
    return "正文" + (f"及{'、'.join(sorted(parts))}" if parts else "")


SYNTHETIC_TEXT = "示例数据：本简报中的企业名录数据为合成数据，仅用于演示，不是真实统计。"
# the briefing's first page: its register and 统计月报 may either be synthetic (each source line says which)
SYNTHETIC_BRIEFING_TEXT = ("示例数据：本简报中标注“示例数据”的企业名录、统计月报为合成数据，仅用于演示，"
                           "不是真实统计。")


def synthetic_banner_html(text: str = SYNTHETIC_TEXT) -> str:
    return (f"<div class='synthetic-notice' style='border:2px solid #c00;color:#c00;padding:6px 10px;"
            f"font-weight:bold;margin:8px 0'>{html.escape(text)}</div>")


def title_html(year: int, sources: list[str], synthetic: bool, today: date | None = None,
               *, plan: Plan, month: int | None = None) -> str:
    """First-page block: title (:func:`briefing_title`), date, data sources (and the synthetic notice where it
    applies).

    `sources` are plain text (file names come from input) and are escaped here."""
    today = today or date.today()
    ref = "，".join(x for x in (plan.reference, plan.issued) if x)
    items = [html_text(f"《{plan.title}》{f'（{ref}）' if ref else ''}{_documents(plan)}")]
    items += [html_text(s) for s in sources]
    src = "".join(f"<li>{i}</li>" for i in items)
    return (f"<h1 style='margin-bottom:0.2em'>{html_text(briefing_title(year, plan, month))}</h1>"
            f"<p style='color:#444;margin-top:0'>编制日期：{today.year}年{today.month}月{today.day}日　·　"
            f"由 chainplan 根据下列数据自动生成，数字可追溯至来源</p>"
            + (synthetic_banner_html(SYNTHETIC_BRIEFING_TEXT) if synthetic else "")
            + f"<p><strong>数据来源</strong></p><ul>{src}</ul>")


_SHORT = {"about": {"consistent": "一致", "more_ambitious": "高于", "less_ambitious": "低于"},
          "at_least": {"consistent": "达到", "more_ambitious": "达到", "less_ambitious": "低于"},
          "at_most": {"consistent": "未超过", "more_ambitious": "超过", "less_ambitious": "未超过"}}


def headline_table(targets: pd.DataFrame, consistency, year: int, report=None, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Per chain, the chains' sum and 规上工业: the target-year targets (亿元, 户), the targets' revenue CAGR against the
    plan's overall goal, the year's revenue target and — from the official statistics (统计月报, ``report``: a
    :class:`~chainplan_lib.analysis.progress_report.ProgressReport` of that year) — the year's (or 1—N月's)
    revenue, its growth on 可比口径 and the share of the year's target done. 规上工业 has no level target: its row
    shows its growth, which the plan's rate is about. Every column names its unit."""
    tot = targets[targets["area"] == DISTRICT]
    y0, y1 = consistency.base_year, consistency.target_year
    g = consistency.overall_growth
    goal = goal_text(plan, g, consistency.qualifier) if consistency.tested else ""
    verdict_col = f"对比{goal}" if goal else "总体目标"
    short = _SHORT.get(consistency.kind, _SHORT["about"])
    stats = report.table.set_index("chain_id") if report is not None and report.has_data else None
    when = (f"{year}年" if report is None or report.month == 12 else f"{year}年{period_label(report.month)}")
    actual_col, yoy_col, done_col = f"{when}统计数（亿元）", "同比增长（%）", "完成年度目标（%）"
    rows = []
    for cid in [*plan.chain_ids, ALL]:
        sel = tot[tot["chain_id"].isin(plan.chain_ids)] if cid == ALL else tot[tot["chain_id"] == cid]
        rev = sel[sel["indicator"] == "revenue"].groupby("year")["value"].sum()
        ent = sel[sel["indicator"] == "enterprises"].groupby("year")["value"].sum()
        v = consistency.verdict if cid == ALL else consistency.chain_verdicts[cid]
        row = {"产业链": plan.chain_label(cid),
               f"{y1}目标（亿元）": rev.get(y1), f"{y1}目标（户）": ent.get(y1) if len(ent) else None,
               "目标年均增长（%）": consistency.cagr[cid],
               verdict_col: short.get(v, "未检验"), f"{year}目标（亿元）": rev.get(year)}
        if stats is not None:
            r = stats.loc[cid] if cid in stats.index else None
            row[actual_col] = float(r["cumulative_yi"]) if r is not None else None
            row[yoy_col] = (U.Marked(float(r["yoy_pct"]), "†") if r is not None and r["yoy_source"] == "comparable"
                            else (float(r["yoy_pct"]) if r is not None else None))
            row[done_col] = float(r["completion_pct"]) if r is not None else None
        rows.append(row)
    if stats is not None and INDUSTRY_ID in stats.index:
        r = stats.loc[INDUSTRY_ID]
        rows.append({"产业链": "规上工业", verdict_col: "", actual_col: float(r["cumulative_yi"]),
                     yoy_col: float(r["yoy_pct"])})
    df = pd.DataFrame(rows)
    note = (f"亿元为营业收入，户为规上企业户数。目标来源：{plan.table_section}（经清洗），为全产业链营业收入；"
            f"目标年均增长按 {y0}、{y1} 年营业收入目标计算；")
    if not goal:
        note += "方案未提出总体增速目标，不做对比。"
    elif consistency.kind == "about":
        note += f"“对比{goal}”以 ±{consistency.tolerance_pp:g} 个百分点为“{consistency.qualifier or '左右'}”。"
    else:
        note += f"“对比{goal}”按年均{'不低于' if consistency.kind == 'at_least' else '不高于'} {g:.0%} 判断。"
    if stats is not None:
        note += (f"统计数来自统计月报（{when}累计），为规上工业中的相应部分；同比为公布的可比口径增速，"
                 f"† 为按各链公布增速推算的{plan.all_name}可比口径增速；完成年度目标 = 统计数 ÷ {year} 年目标。"
                 + (f"规上工业只设增速目标（年均增长{goal}），不设总量目标。" if goal else ""))
    spec = {"产业链": U.TEXT, f"{y1}目标（亿元）": U.YI, f"{y1}目标（户）": U.HU, "目标年均增长（%）": U.PCT,
            verdict_col: U.TEXT, f"{year}目标（亿元）": U.YI, actual_col: U.YI, yoy_col: U.PERCENT, done_col: U.PERCENT}
    return df, {"note": note, "units": {c: spec[c] for c in df.columns}}


def key_points(report, consistency, *, plan: Plan, year: int | None = None) -> list[str]:
    """The 要点 in bureau prose, first: how the chains' sum and 规上工业 stand in the year (from the official
    statistics), whether the chain targets fit the overall goal, and what the target year requires. ``report`` may
    be of an earlier year than the briefing's ``year`` (the latest statistics): the 要点 then say so."""
    out = []
    if report is not None and report.has_data and year is not None and report.year != year:
        out.append(f"{year}年尚无统计月报，以下为最新的{report.title}统计数。")
    if report is not None and report.has_data:
        t = report.table.set_index("chain_id")
        picked = report.table[report.table["chain_id"].isin([ALL, INDUSTRY_ID])]
        out += sentences(picked, plan)
        req = report.required.set_index("chain_id") if len(report.required) else None
        if req is not None and ALL in req.index and math.isfinite(req.loc[ALL, "required_cagr_pct"]):
            r = req.loc[ALL]
            n = plan.target_year - report.year
            need = (f"{plan.target_year}年需增长 {r['required_cagr_pct']:.1f}%" if n == 1 else
                    f"{report.year + 1}—{plan.target_year}年需年均增长 {r['required_cagr_pct']:.1f}%")
            basis = "全年实际" if r["full_year_published"] else "全年预计"
            now = float(t.loc[ALL, "yoy_pct"]) if ALL in t.index else math.nan
            pace = ""
            if math.isfinite(now):
                faster = round(r["required_cagr_pct"], 1) > round(now, 1)
                pace = f"，{'高于' if faster else '不高于'}目前增速 {now:.1f}%"
            out.append(f"实现{plan.target_year}年{plan.all_name}目标 {r['target_final_yi']:,.1f} 亿元，按{report.year}年"
                       f"{basis} {r['full_year_yi']:,.1f} 亿元计，{need}{pace}。")
    if consistency.tested:
        from .consistency import verdict_cn

        line = (f"{plan.all_name}目标年均增长 {consistency.cagr[ALL]:.1%}（{consistency.base_year}—"
                f"{consistency.target_year}年），{verdict_cn(consistency.verdict, consistency.overall_growth, consistency.qualifier, consistency.kind)}")
        r = consistency.rest_of_industry_cagr
        if r is not None:
            line += (f"；全区按年均 {consistency.overall_growth:.0%} 增长，{cn_count(len(plan.chains))}链以外的规上工业"
                     f"年均{'需增长' if r >= 0 else '可下降'} {abs(r):.1%}")
        out.append(line + "。")
    return out


def reconciliation_table(rec: pd.DataFrame, year: int, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """The register (名录口径) beside the official statistics, by chain: one figure per quantity (the statistics),
    the register as a breakdown whose distance from it is stated."""
    diff, pct = _printed_gap(rec)
    df = pd.DataFrame({"产业链": rec["chain"], f"{year}年统计数（亿元）": rec["statistics_yi"],
                       "名录加总（亿元）": rec["register_yi"], "名录比统计数（亿元）": diff, "相差（%）": pct})
    units = {"产业链": U.TEXT, f"{year}年统计数（亿元）": U.YI, "名录加总（亿元）": U.YI,
             "名录比统计数（亿元）": U.YI_SIGNED, "相差（%）": U.PERCENT}
    return df, {"caption": f"{year}年营业收入：统计数与规上企业名录加总", "units": units,
                "note": "统计数为统计月报 1—12月数，是各链的正式数字；名录为规上企业名录逐户加总（名录口径），只用于分区域、"
                        "分规模的明细。两者不同，原因包括：名录只含规上工业企业，产业链按行业代码归属，且名录与统计报表的"
                        "企业范围、时点不尽相同。"}


def _printed_gap(rec: pd.DataFrame) -> tuple[list[float], list[float]]:
    """The register's distance from the statistics as a reader can check it: the difference of the printed
    figures (亿元) and that difference over the printed statistic (%)."""
    diff = [U.printed_difference(r, s, U.YI) for r, s in zip(rec["register_yi"], rec["statistics_yi"])]
    base = [U.shown_number(s, U.YI) for s in rec["statistics_yi"]]
    return diff, [d / b * 100 if b else float("nan") for d, b in zip(diff, base)]


def reconciliation_md(rec: pd.DataFrame, year: int, *, plan: Plan) -> str:
    """One line: how far the register's sum is from the official figure (名录加总比统计数少 X 亿元（Y%）), from the
    printed figures."""
    if rec.empty:
        return ""
    r = rec[rec["chain_id"] == ALL] if ALL in set(rec["chain_id"]) else rec.iloc[[-1]]
    (diff,), (pct,) = _printed_gap(r)
    r = r.iloc[0]
    return (f"名录口径：{year}年规上企业名录中{plan.all_name}营业收入加总 {r['register_yi']:,.1f} 亿元，比统计数 "
            f"{r['statistics_yi']:,.1f} 亿元{'多' if diff >= 0 else '少'} {abs(diff):,.1f} 亿元"
            f"（{abs(pct):.1f}%）；以下分区域、分规模的数字均为名录口径，完成情况以统计数为准。")


def repairs_md(repairs: pd.DataFrame, checks: pd.DataFrame, targets: pd.DataFrame, *, plan: Plan) -> str:
    """Notes on the repairs made to the plan's annex table, in plain Chinese, with the evidence for each imputation."""
    counts = repairs["kind"].value_counts()
    kinds = "，".join(f"{KIND_CN.get(k, k)} {n} 处" for k, n in counts.items())
    lines = [f"{plan.table_section} 经 PDF 提取后存在错位、丢失和重复，清洗共处理 {len(repairs)} 处：{kinds}。"
             "逐条记录见 targets_repairs.csv 与笔记本《目标预测表》。", ""]
    ind_cn = {i.id: (i.label, i.unit) for i in plan.indicators}
    for r in repairs[repairs["kind"].isin(["imputed", "missing"])].itertuples():
        name, unit = ind_cn[r.indicator]
        series = targets[(targets["chain"] == r.chain) & (targets["indicator"] == r.indicator)
                         & (targets["area"] == (r.area if isinstance(r.area, str) else DISTRICT))]
        total = targets[(targets["chain"] == r.chain) & (targets["indicator"] == r.indicator)
                        & (targets["area"] == DISTRICT) & (targets["year"] == r.year)]["value"].iloc[0]
        if r.kind == "imputed":
            value = series[series["year"] == r.year]["value"].iloc[0]
            other = "、".join(f"{int(y)}年 {v:g}" for y, v, src in
                             zip(series["year"], series["value"], series["source"]) if src == "table" and v)
            lines.append(f"- 原文第 {r.line} 行，{r.chain} {r.year}年 {name}：{r.area}表中为“-”，但各区域之和比全区 "
                         f"{total:g} {unit}少 {value:g}；{r.area}在其他年份有数（{other}），且是唯一这样的区域，"
                         f"故补为 **{value:g} {unit}**。")
        else:
            lines.append(f"- 原文第 {r.line} 行，{r.chain} {r.year}年 {name}：丢失的数值可能属于多个区域，无法确定，"
                         "相应单元格留空（缺失）。")
    bad = checks[checks["status"] != "ok"]
    text_checks = sorted({check_cn(c).split("年")[0] for c in checks["check"] if str(c).startswith("table_")})
    agree = f"，{'、'.join(text_checks)} 年全区数与方案正文目标一致" if text_checks else ""
    lines += ["", f"清洗后各区域之和均等于全区{agree}。" if bad.empty else
              f"仍有 {len(bad)} 项核对不一致，已如实报告，未强行改数。"]
    return "\n".join(lines)


def methods_md(tolerance_pp: float = 1.0, overall_growth: float | None = None, *, plan: Plan,
               qualifier: str | None = None) -> str:
    """The briefing's methods note — only the conventions of what the briefing shows — with the tolerance, the
    overall growth and its qualifier actually used (not the defaults; the plan's when not given)."""
    from ..analysis.consistency import qualifier_kind
    from .progress import methods_md as progress_methods

    g = plan.overall_growth if overall_growth is None else float(overall_growth)
    q = plan.overall_qualifier if qualifier is None else qualifier
    tol = float(tolerance_pp)
    if g is None:
        goal = "方案未提出总体增速目标，不做一致性检验。"
    elif qualifier_kind(q) == "about":
        lo, hi = g - tol / 100, g + tol / 100
        goal = (f"“{g:.0%}{q}”按 ±{tol:g} 个百分点理解（{lo:.1%}–{hi:.1%}，含两端）；有统计月报时，同时按基年前一年"
                "的实际数起算，并以基年全区规上工业营业收入推算各链以外工业所需增速。")
    else:
        goal = f"“{g:.0%}{q}”按年均{'不低于' if qualifier_kind(q) == 'at_least' else '不高于'} {g:.1%} 理解。"
    bands = "规模分档“超 X 亿元”按营业收入 ≥ X 亿元计。" if plan.size_bands else ""
    return ("**方法说明**：年均增长率 =（终值/初值）^(1/年数) − 1；" + goal +
            "完成率 = 实际 ÷ 同年目标；以当年实际对比以后年份的目标时称“达成度”，不称完成率。"
            "规上企业户数按年计，不跨年相加。区域占比不含全区，各区域之和为 100%；最大区域并列时全部列出。"
            + bands + "规上企业指年主营业务收入 2000 万元及以上的工业企业。\n\n" + progress_methods(plan))
