"""What notebooks show of the consistency test: whether the chain targets fit the plan's overall growth goal
(10%左右 …), the chains' implied growth, and the table behind the verdict."""

from __future__ import annotations

import pandas as pd

from ..analysis.consistency import verdict_cn
from ..plan.model import ALL, Plan
from ..plan.model import TOTAL as DISTRICT
from . import units as U
from .sources import goal_text


def chains_base_yi(targets: pd.DataFrame, year: int | None = None, *, plan: Plan) -> float:
    """Sum of the plan's chains' 全区 revenue targets in `year` (default: the base year), 亿元."""
    year = plan.base_year if year is None else year
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue") & (targets["year"] == year)
                & targets["chain_id"].isin(plan.chain_ids)]
    return float(t["value"].sum())


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
    """The overall goal against the chain targets, in Chinese (:meth:`ConsistencyResult.findings`): the conclusion in
    bold, then its points."""
    head, points = result.findings(bold=lambda x: f"**{x}**")
    return "\n".join([f"**{head}**", "", *(f"- {p}" for p in points)])


def consistency_text(result) -> str:
    """Plain text for the command line (and the analyst's cell), in Chinese like the pages: the findings, the
    chains' implied growth, and their contributions to the sum's growth — weights, contributions and shares of the
    increase rounded so that the printed parts add up to the printed whole."""
    y0, y1 = result.base_year, result.target_year
    head, points = result.findings()
    lines = [head, *("- " + p for p in points)]
    if result.tested and result.base_total_yi is None:
        lines.append(f"  （命令行给出 {y0} 年全区规上工业营业收入：--base-total 亿元）")
    lines += ["", f"各链营业收入目标（亿元），{y0}→{y1} 年均增长："]
    for cid in [*result.chain_verdicts, ALL]:
        v = result.verdict if cid == ALL else result.chain_verdicts[cid]
        lines.append(f"  {result.label(cid):<6}{result.base_yi[cid]:>8,.0f} →{result.target_yi[cid]:>8,.0f}"
                     f"  {U.PCT.format(result.cagr[cid]):>6}  {result.verdict_text(v) if result.tested else ''}".rstrip())
    c = result.contributions
    weight, share = U.round_shares(c["weight"]), U.round_shares(c["share_of_growth"])
    contrib = U.round_parts(c["contribution"], result.total_growth, U.PCT)
    lines += ["", f"对{result.all_name}增长的贡献（{y0}→{y1} 累计增长 {U.PCT.format(result.total_growth)} = "
                  "Σ 基年权重 × 该链增长）："]
    for r, w, k, s in zip(c.itertuples(), weight, contrib, share):
        lines.append(f"  {r.chain:<6}权重 {U.PCT.format(w):>5} × 增长 {U.PCT.format(r.growth):>6} = "
                     f"{U.PCT.format(k):>5}（占增量 {U.PCT.format(s)}）")
    if result.caveats:
        lines += ["", "说明：", *("  - " + c for c in result.caveats)]
    return "\n".join(lines)
