"""What notebooks show of the consistency test: whether the chain targets fit the plan's overall growth goal
(10%左右 …), the chains' implied growth, and the table behind the verdict."""

from __future__ import annotations

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
    "about": {"consistent": "基本一致", "more_ambitious": "比年均{g}更积极", "less_ambitious": "比年均{g}更保守"},
    "at_least": {"consistent": "达到年均{g}", "more_ambitious": "达到年均{g}", "less_ambitious": "低于年均{g}"},
    "at_most": {"consistent": "不超过年均{g}", "more_ambitious": "高于年均{g}", "less_ambitious": "不超过年均{g}"},
}


def verdict_cn(verdict: str, rate: float | None = 0.10, qualifier: str = "左右", kind: str = "about") -> str:
    """The verdict in Chinese: 基本一致 / 比年均10%左右更积极 …; 未检验 without an overall goal."""
    if verdict == "not_tested" or rate is None:
        return "未检验（方案无总体增速目标）"
    return _VERDICT_CN[kind][verdict].format(g=f"{rate:.0%}{qualifier}")


def consistency_cagr(result, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Per-chain CAGR and verdict from a ConsistencyResult."""
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
    spec.update({f"{result.base_year}年（亿元）": U.YI, f"{result.target_year}年（亿元）": U.YI, "年均增长率": U.PCT2})
    where = (f"；{goal}见正文{result.section or plan.overall_section}" if goal else "；方案正文未提出总体增速目标")
    return df, {"caption": "各链营业收入目标的年均增长", "units": spec,
                "note": f"来源：{plan.reference}{plan.table_section}（经清洗）{where}。"}


def consistency_md(result) -> str:
    """The overall-goal verdict and the numbers behind it, in Chinese, with the tolerance actually used
    (the chains' names and count from the result, which carries the plan's)."""
    a = result.cagr[ALL]
    n = cn_count(len(result.chain_verdicts))
    total = result.all_name
    growth = (f"- {total}由 {result.base_year} 年 {result.base_yi[ALL]:,.0f} 亿元增至 {result.target_year} 年 "
              f"{result.target_yi[ALL]:,.0f} 亿元，年均增长 **{a:.2%}**")
    if not result.tested:
        return "\n".join(["**方案未提出全区总体增速目标，不做一致性检验。**", "",
                          growth + "（仅供参考）。"])
    lo, hi = result.band
    g = result.overall_growth
    goal = f"{g:.0%}{result.qualifier}"
    if result.kind == "about":
        reading = f"“{goal}”按 ±{result.tolerance_pp:g} 个百分点理解为 {lo:.1%}–{hi:.1%}（含两端）"
    elif result.kind == "at_least":
        reading = f"“{goal}”理解为年均不低于 {g:.1%}"
    else:
        reading = f"“{goal}”理解为年均不高于 {g:.1%}"
    lines = [
        f"**结论：{n}条链营业收入目标{verdict_cn(result.verdict, g, result.qualifier, result.kind)}。**",
        "",
        f"{growth}；{reading}。",
        f"- 若从 {result.base_yi[ALL]:,.0f} 亿元按年均 {g:.0%} 增长，{result.target_year} 年为 "
        f"{result.path_yi[result.target_year]:,.1f} 亿元；目标合计比它{'多' if result.gap_yi >= 0 else '少'} "
        f"**{abs(result.gap_yi):,.1f} 亿元**。",
    ]
    if result.rest_of_industry_cagr is not None:
        r = result.rest_of_industry_cagr
        lines.append(f"- 以 {result.base_year} 年全区规上工业营业收入 {result.base_total_yi:,.0f} 亿元计，要使全区年均增长 "
                     f"{g:.0%}，{n}链以外的工业年均{'需增长' if r >= 0 else '可下降'} **{abs(r):.2%}**。")
    elif result.base_total_yi is not None:
        lines.append(f"- {n}条链目标本身已超过全区按 {g:.0%} 增长的总量，其余工业无论如何都无法与之相容。")
    else:
        lines.append(f"- 方案未给出 {result.base_year} 年全区规上工业营业收入总额，故未计算{n}链以外工业所需增速。")
    return "\n".join(lines)


def regression_md(result) -> str:
    """The slope test of the summed target path, described as a description of the plan (it is not a sample)."""
    r = result.regression
    if r is None:
        return "方案未提出总体增速目标，不做斜率检验。" if not result.tested else "目标路径点数不足，未做回归。"
    conf = round(100 * (1 - r.alpha))
    return (f"对{result.all_name}目标取对数后对年份做最小二乘回归（{r.first_year}–{r.last_year}，{r.n} 个点）：隐含年均增长 "
            f"**{r.growth:.2%}**，{conf}% 置信区间 {r.growth_ci[0]:.2%}–{r.growth_ci[1]:.2%}；检验“斜率 = "
            f"ln(1+{result.overall_growth:.0%})”的 t = {r.t_stat:.2f}，p = {r.p_value:.3g}。\n\n"
            f"**注意**：这 {r.n} 个点是规划目标，不是观测样本；区间和 p 值只描述目标路径偏离等速增长的程度，"
            "不能解读为实现目标的概率。")
