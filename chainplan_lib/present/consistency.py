"""What notebooks show of the consistency test: whether the chain targets fit the plan's overall growth goal
(10%左右 …), the chains' implied growth, and the table behind the verdict."""

from __future__ import annotations

import math

import pandas as pd

from ..plan.model import ALL, Plan, cn_count
from ..plan.model import TOTAL as DISTRICT
from . import units as U
from .sources import goal_text


def chains_base_yi(targets: pd.DataFrame, year: int | None = None, *, plan: Plan) -> float:
    """Sum of the plan's chains' 全区 revenue targets in `year` (default: the base year), 亿元."""
    year = plan.base_year if year is None else year
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue") & (targets["year"] == year)
                & targets["chain_id"].isin(plan.chain_ids)]
    return float(t["value"].sum())


_VERDICT_CN = {  # by the goal's kind (see analysis.consistency.QUALIFIER_KINDS); {g}: '10%左右', '12%以上'
    "about": {"consistent": "与年均{g}基本一致", "more_ambitious": "高于年均{g}", "less_ambitious": "低于年均{g}"},
    "at_least": {"consistent": "达到年均{g}", "more_ambitious": "达到年均{g}", "less_ambitious": "低于年均{g}"},
    "at_most": {"consistent": "不超过年均{g}", "more_ambitious": "高于年均{g}", "less_ambitious": "不超过年均{g}"},
}


def verdict_cn(verdict: str, rate: float | None = 0.10, qualifier: str = "左右", kind: str = "about") -> str:
    """The verdict in Chinese, saying what it is above or below: 高于年均10%左右 / 与年均10%左右基本一致 …;
    未检验 without an overall goal."""
    if verdict == "not_tested" or rate is None:
        return "未检验（方案无总体增速目标）"
    return _VERDICT_CN[kind][verdict].format(g=f"{rate:.0%}{qualifier}")


def consistency_cagr(result, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Per-chain CAGR (one decimal, as everywhere) and how it compares with the goal, from a ConsistencyResult."""
    goal = goal_text(plan, result.overall_growth, result.qualifier) if result.tested else ""
    verdict_col = f"与{goal}相比" if goal else "一致性检验"
    rows = []
    for cid in [*result.chain_verdicts, ALL]:
        v = result.verdict if cid == ALL else result.chain_verdicts[cid]
        rows.append({"产业链": plan.chain_label(cid), f"{result.base_year}年（亿元）": result.base_yi[cid],
                     f"{result.target_year}年（亿元）": result.target_yi[cid], "年均增长率": result.cagr[cid],
                     verdict_col: verdict_cn(v, result.overall_growth, result.qualifier, result.kind)})
    df = pd.DataFrame(rows)
    spec = {c: U.TEXT for c in df.columns}
    spec.update({f"{result.base_year}年（亿元）": U.YI, f"{result.target_year}年（亿元）": U.YI, "年均增长率": U.PCT})
    where = (f"；{goal}见正文{result.section or plan.overall_section}" if goal else "；方案正文未提出总体增速目标")
    return df, {"caption": "各链营业收入目标的年均增长", "units": spec,
                "note": f"来源：{plan.reference}{plan.table_section}（经清洗）{where}。"}


def consistency_md(result) -> str:
    """The overall goal against the chain targets, in Chinese, as a statistics office would put it: the chains'
    implied growth, what the rest of above-size industry must then grow (when the base-year total is known), the
    reading from the year before the plan period when its actual is known, and the gap to the goal's path."""
    a = result.cagr[ALL]
    n = cn_count(len(result.chain_verdicts))
    total = result.all_name
    y0, y1 = result.base_year, result.target_year
    growth = (f"{total}目标由 {y0} 年 {result.base_yi[ALL]:,.0f} 亿元增至 {y1} 年 {result.target_yi[ALL]:,.0f} 亿元，"
              f"年均增长 **{a:.1%}**")
    if not result.tested:
        return "\n".join(["**方案未提出全区总体增速目标，不做一致性检验。**", "", f"- {growth}（仅供参考）。"])
    lo, hi = result.band
    g = result.overall_growth
    goal = f"{g:.0%}{result.qualifier}"
    if result.kind == "about":
        reading = f"“{goal}”按 ±{result.tolerance_pp:g} 个百分点理解为 {lo:.1%}–{hi:.1%}（含两端）"
    elif result.kind == "at_least":
        reading = f"“{goal}”理解为年均不低于 {g:.1%}"
    else:
        reading = f"“{goal}”理解为年均不高于 {g:.1%}"
    verdict = verdict_cn(result.verdict, g, result.qualifier, result.kind)
    lines = [f"**结论：{n}条链营业收入目标年均增长 {a:.1%}，{verdict}（{reading}）。**", ""]
    r = result.rest_of_industry_cagr
    src = "统计月报" if result.base_total_source == "统计月报" else "给定数"
    if r is not None:
        band = ""
        if result.rest_of_industry_band and result.kind == "about":
            b_lo, b_hi = result.rest_of_industry_band
            if b_lo is not None and b_hi is not None and math.isfinite(b_lo) and math.isfinite(b_hi):
                band = f"（全区按 {lo:.0%}–{hi:.0%} 增长时为 {b_lo:.1%}–{b_hi:.1%}）"
        lines.append(f"- 各链增长快于全区并不等于矛盾：按 {y0} 年全区规上工业营业收入 {result.base_total_yi:,.1f} 亿元"
                     f"（{src}）计，全区年均增长 {g:.0%}，{n}链以外的规上工业年均{'需增长' if r >= 0 else '可下降'} "
                     f"**{abs(r):.1%}**{band}。")
    elif result.base_total_yi is not None:
        lines.append(f"- {n}条链目标本身已超过全区按 {g:.0%} 增长的总量，其余工业无论如何都无法与之相容。")
    else:
        lines.append(f"- 未提供 {y0} 年全区规上工业营业收入（方案未给出，也无该年统计月报），故未计算{n}链以外工业所需增速。")
    if result.prior_cagr is not None:
        pv = verdict_cn(result.prior_verdict, g, result.qualifier, result.kind)
        lines.append(f"- 按通常口径从 {result.prior_year} 年起算：{result.prior_year} 年{total}实际 "
                     f"{result.prior_actual_yi:,.1f} 亿元（统计月报），到 {y1} 年目标年均增长 **{result.prior_cagr:.1%}**，"
                     f"{pv}；结论取决于起算年份。")
    lines.append(f"- {growth}；若从 {result.base_yi[ALL]:,.0f} 亿元按年均 {g:.0%} 增长，{y1} 年为 "
                 f"{result.path_yi[y1]:,.1f} 亿元，目标合计比它{'多' if result.gap_yi >= 0 else '少'} "
                 f"{abs(result.gap_yi):,.1f} 亿元。")
    if result.base_total_yi is not None:
        lines.append("- 口径：目标为各链全产业链营业收入，规上工业总额为统计部门数，二者范围不尽相同，上述推算只是算术。")
    return "\n".join(lines)
