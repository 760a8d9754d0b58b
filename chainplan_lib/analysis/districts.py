"""Districts side by side: each district's own figures in one row, then ranked and set against a parent plan.

A city bureau holds one plan per district (each implementing the city's plan, e.g. 南昌市 8810: 规上工业营业收入年均
增长10%左右) and asks the same of each. :func:`district_row` takes what the district's own analyses found — its
consistency test (:func:`~chainplan_lib.analysis.consistency.check_consistency`: the CAGR of its own target
table from its base year to its target year, its own goal and the verdict) and its 1—N月 progress
(:func:`~chainplan_lib.analysis.progress_report.progress_report`: the chains' sum against 时序进度) — and
:func:`compare_districts` ranks the rows and reads each against its parent plan. Nothing is recomputed here: the
figures are the districts' own, as their briefings print them.

Ranks count on the figures as printed (one decimal, 四舍五入): two districts showing 13.2% share a rank.
A district's goal against its parent's is read on the rates as written (12%以上 against 10%左右: higher); the
chains' implied growth against the parent's goal with the consistency test's own rule
(:func:`~chainplan_lib.analysis.consistency.verdict_for`, the parent's qualifier and the same tolerance).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..plan.model import Plan
from ..rounding import half_up
from .consistency import ConsistencyResult, qualifier_kind, verdict_cn, verdict_for
from .growth import ALL

__all__ = ["ROW_COLUMNS", "district_row", "compare_districts", "goal_against_parent", "PARENT_WORDS"]

ROW_COLUMNS = ["folder", "district", "title", "reference", "chains", "base_year", "target_year", "base_yi",
               "target_yi", "implied_growth", "goal_growth", "goal_qualifier", "goal", "verdict", "verdict_text",
               "tolerance_pp", "parent", "parent_growth", "parent_qualifier", "parent_goal", "year", "month",
               "completion_pct", "time_progress_pct", "ahead_pp", "progress_note", "synthetic"]
#: A goal against the parent's: its rate above, equal to or below the parent's.
PARENT_WORDS = {"above": "高于", "equal": "持平", "below": "低于"}


def _goal(rate: float | None, qualifier: str) -> str:
    return f"{half_up(rate * 100, 1):g}%{qualifier}" if rate is not None and math.isfinite(rate) else ""


def district_row(consistency: ConsistencyResult, progress: Any | None, *, plan: Plan, folder: str,
                 synthetic: bool = False, year: int | None = None) -> dict[str, Any]:
    """One district's figures for the comparison: its chains' implied growth (``consistency.cagr['all']``, base →
    target year of its own table), its goal and the verdict (the consistency test's words), and — when
    ``progress`` (a ProgressReport) has figures — the chains' sum 1—N月 against 时序进度 (completion %, time
    progress %, ahead in percentage points). ``folder``: where its report is (the link target)."""
    c = consistency
    row: dict[str, Any] = {
        "folder": folder, "district": plan.district, "title": plan.title, "reference": plan.reference,
        "chains": len(plan.chains), "base_year": c.base_year, "target_year": c.target_year,
        "base_yi": c.base_yi[ALL], "target_yi": c.target_yi[ALL], "implied_growth": c.cagr[ALL],
        "goal_growth": c.overall_growth if c.overall_growth is not None else math.nan,
        "goal_qualifier": c.qualifier if c.tested else "", "goal": _goal(c.overall_growth, c.qualifier),
        "verdict": c.verdict, "verdict_text": c.verdict_text(), "tolerance_pp": c.tolerance_pp,
        "parent": plan.parent, "parent_growth": plan.parent_growth if plan.parent_growth is not None else math.nan,
        "parent_qualifier": plan.parent_qualifier, "parent_goal": _goal(plan.parent_growth, plan.parent_qualifier),
        "year": year if year is not None else (progress.year if progress is not None else None),
        "month": None, "completion_pct": math.nan, "time_progress_pct": math.nan, "ahead_pp": math.nan,
        "progress_note": "", "synthetic": bool(synthetic),
    }
    if progress is None or not progress.has_data:
        row["progress_note"] = progress.message if progress is not None else "未提供统计月报"
        return row
    row["month"] = int(progress.month)
    t = progress.table
    total = t[t["chain_id"] == ALL]
    if len(total):
        r = total.iloc[0]
        row.update(completion_pct=float(r["completion_pct"]), time_progress_pct=float(r["time_progress_pct"]),
                   ahead_pp=float(r["ahead_pp"]))
    else:  # a chain without a figure: no sum, and why
        why = progress.missing.get(ALL) or "；".join(progress.missing.values())
        row["progress_note"] = f"{plan.all_name}无数据：{why}" if why else f"{plan.all_name}无数据"
    return row


def goal_against_parent(goal: float, parent: float) -> str | None:
    """'above', 'equal' or 'below': a district's goal (a yearly rate, fraction) against its parent plan's, on the
    rates as written to 0.1 of a percentage point; None when either is missing."""
    if goal is None or parent is None or not (math.isfinite(goal) and math.isfinite(parent)):
        return None
    a, b = half_up(goal * 100, 1), half_up(parent * 100, 1)
    return "above" if a > b else "below" if a < b else "equal"


def _rank(values: pd.Series) -> pd.Series:
    """1 for the highest printed value; ties (as printed) share the better rank; missing values get none."""
    shown = values.map(lambda v: half_up(v, 1) if isinstance(v, (int, float)) and math.isfinite(v) else math.nan)
    return shown.rank(method="min", ascending=False).astype("Int64")


def compare_districts(rows: pd.DataFrame) -> pd.DataFrame:
    """The districts' rows (:func:`district_row`, one per district) ranked and set against their parent plans.

    Adds ``growth_rank`` (1 = the fastest implied growth of the chains, as printed), ``progress_rank`` (1 = the
    most ahead of 时序进度, among districts with 统计月报), ``goal_vs_parent`` ('above' / 'equal' / 'below' the
    parent's goal, None without one), ``chains_vs_parent`` (the consistency test's verdict of the chains'
    implied growth against the parent's goal) and ``chains_vs_parent_text`` (its words). Sorted by
    ``growth_rank``, then district."""
    out = rows.reindex(columns=ROW_COLUMNS).copy()
    out["growth_rank"] = _rank(out["implied_growth"].astype(float) * 100)
    out["progress_rank"] = _rank(out["ahead_pp"].astype(float))
    vs, chains, words = [], [], []
    for r in out.itertuples():
        parent = r.parent_growth if isinstance(r.parent_growth, (int, float)) else math.nan
        vs.append(goal_against_parent(r.goal_growth, parent) if r.parent else None)
        if r.parent and math.isfinite(parent):
            kind = qualifier_kind(r.parent_qualifier)
            v = verdict_for(float(r.implied_growth), parent, float(r.tolerance_pp) / 100, kind)
            chains.append(v)
            words.append(verdict_cn(v, parent, r.parent_qualifier, kind))
        else:
            chains.append(None)
            words.append("")
    out["goal_vs_parent"], out["chains_vs_parent"], out["chains_vs_parent_text"] = vs, chains, words
    return out.sort_values(["growth_rank", "district"], kind="stable").reset_index(drop=True)
