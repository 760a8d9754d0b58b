"""Checks on cleaned actuals: reported, never forced (a failing check changes no number).

* ``cumulative_non_decreasing`` — within a year, each 1—N月 amount (revenue, or any indicator of the plan
  that is not a count) is at least the previous one
  (counts of firms are stocks, not sums, and are not checked);
* ``chains_within_industry`` — the plan's chains together are no more than all above-size industry (规上工业),
  for each period, area and indicator where both are published (a firm can belong to only one chain);
* ``yoy_published_vs_computed`` — the published 同比增长 against the growth computed from last year's published
  figure for the same period. They differ in real data, and that is expected: the statistics office computes
  growth on the same set of enterprises in both years (可比口径), while each year's level counts that year's
  above-size firms (firms cross the 2000 万元 line, close, move). The published rate is the one to quote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...plan.model import Plan
from ...plan.names import INDUSTRY_ID

__all__ = ["CHECK_COLUMNS", "run_checks", "COMPARABLE_BASIS_NOTE", "YOY_SAME_PP"]

CHECK_COLUMNS = ["check", "year", "month", "chain_id", "area", "indicator", "cumulative", "value", "compare_to",
                 "difference", "status", "note"]
COMPARABLE_BASIS_NOTE = ("公布的同比按可比口径（两年同一批企业）计算，总量则按当年规上企业名单统计，企业进出规上、"
                         "关停、迁移都会使两者不同；引用时以公布的同比为准。")
YOY_SAME_PP = 0.1  # published and computed growth within this many percentage points count as the same


_COUNT_UNITS = ("户", "家", "个")
# differences and sums as printed: 6 decimals of 亿元 hold a figure of 千元 exactly (1 千元 = 0.00001 亿元) and drop
# the binary noise of a subtraction (14.53 − 10.66 = 3.869999999999999)
_DP = 6


def _cumulative(a: pd.DataFrame, amounts: list[str]) -> pd.DataFrame:
    c = a[a["cumulative"] & a["indicator"].isin(amounts)].sort_values(["chain_id", "area", "year", "month"])
    if c.empty:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    prev = c.groupby(["chain_id", "area", "indicator", "year"])["value"].shift()
    prev_m = c.groupby(["chain_id", "area", "indicator", "year"])["month"].shift()
    c = c.assign(compare_to=prev, prev_month=prev_m)[prev.notna()]
    diff = c["value"] - c["compare_to"]
    status = np.where(diff >= -1e-9, "ok", "decrease")
    note = np.where(status == "ok", "",
                    "累计值小于上一期：可能是上期数据修订、本期口径调整或录入错误，请核对原表")
    return pd.DataFrame({
        "check": "cumulative_non_decreasing", "year": c["year"], "month": c["month"], "chain_id": c["chain_id"],
        "area": c["area"], "indicator": c["indicator"], "cumulative": True, "value": c["value"],
        "compare_to": c["compare_to"], "difference": diff.round(_DP), "status": status,
        "note": [f"与1—{int(m)}月相比；{n}" if n else f"与1—{int(m)}月相比" for m, n in zip(c["prev_month"], note)],
    })


def _within_industry(a: pd.DataFrame, chain_ids: tuple[str, ...]) -> pd.DataFrame:
    key = ["year", "month", "area", "indicator", "cumulative"]
    a = a[a["part_of"] == ""] if "part_of" in a.columns else a  # an of-which row is inside another: not added
    chains = a[a["chain_id"].isin(chain_ids)].groupby(key).agg(value=("value", "sum"), n=("chain_id", "nunique"))
    ind = a[a["chain_id"] == INDUSTRY_ID].set_index(key)["value"]
    both = chains.join(ind.rename("compare_to"), how="inner").reset_index()
    if both.empty:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    diff = both["compare_to"] - both["value"]
    status = np.where(diff >= -1e-9, "ok", "exceeds")
    note = [("" if s == "ok" else "各链之和超过规上工业：企业被重复计入多条链，或两表口径不同；") + f"{n} 条链相加"
            for s, n in zip(status, both["n"])]
    return pd.DataFrame({
        "check": "chains_within_industry", "year": both["year"], "month": both["month"], "chain_id": "all",
        "area": both["area"], "indicator": both["indicator"], "cumulative": both["cumulative"],
        "value": both["value"].round(_DP), "compare_to": both["compare_to"], "difference": diff.round(_DP),
        "status": status, "note": note,
    })


def _yoy(a: pd.DataFrame) -> pd.DataFrame:
    pub = a[a["yoy_pct"].notna()]
    if pub.empty:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    key = ["chain_id", "area", "indicator", "cumulative", "month"]
    last = a[key + ["year", "value"]].assign(year=a["year"] + 1).rename(columns={"value": "last"})
    m = pub.merge(last, on=key + ["year"], how="left")
    computed = (m["value"] / m["last"] - 1) * 100
    computed = computed.where(m["last"] > 0)
    diff = m["yoy_pct"] - computed
    status = np.where(computed.isna(), "no_previous_year", np.where(diff.abs() <= YOY_SAME_PP, "same", "differs"))
    note = np.where(status == "differs", COMPARABLE_BASIS_NOTE,
                    np.where(status == "same", "", "没有上年同期数，无法计算"))
    return pd.DataFrame({
        "check": "yoy_published_vs_computed", "year": m["year"], "month": m["month"], "chain_id": m["chain_id"],
        "area": m["area"], "indicator": m["indicator"], "cumulative": m["cumulative"], "value": m["yoy_pct"],
        "compare_to": computed.round(4), "difference": diff.round(4), "status": status, "note": note,
    })


def run_checks(actuals: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """All checks on a cleaned actuals table for ``plan`` (``value`` / ``compare_to`` / ``difference`` in the
    figure's unit, or in % and percentage points for the growth check)."""
    parts = [p for p in (_cumulative(actuals, [i.id for i in plan.indicators if i.unit not in _COUNT_UNITS]), _within_industry(actuals, plan.chain_ids), _yoy(actuals)) if len(p)]
    if not parts:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    out = pd.concat(parts, ignore_index=True)[CHECK_COLUMNS]
    return out.astype({"year": np.int64, "month": np.int64, "value": float, "compare_to": float,
                       "difference": float, "cumulative": bool})
