"""Register actuals against the target table, by chain × area (完成率). Pure DataFrame → DataFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..plan.model import Plan

__all__ = ["actual_vs_target", "reconcile", "RECONCILE_COLUMNS"]

_PANEL_VALUE = {"revenue": "revenue_yi", "enterprises": "enterprises"}


def actual_vs_target(panel: pd.DataFrame, targets: pd.DataFrame, year: int, *, plan: Plan) -> pd.DataFrame:
    """Actual (register panel) against the same year's target for every chain × area × indicator.

    ``panel``: year, chain_id, area, enterprises (户, above-size firms), revenue_yi (亿元), with 全区 rows.
    ``targets``: the tidy target table. Areas without a target and without firms are left out; an area
    with firms but no target keeps a NaN completion rate (never a division by zero).
    Columns: chain_id, area, indicator, target, actual (亿元 or 户), gap (actual − target),
    completion_rate (actual / target, fraction). Chains and areas in the plan's order; the indicators the
    register has (revenue, enterprises).
    """
    chain_ids = plan.chain_ids
    t = targets[(targets["year"] == year) & targets["chain_id"].isin(chain_ids)
                & targets["indicator"].isin(list(_PANEL_VALUE))]
    t = t[["chain_id", "area", "indicator", "value"]].rename(columns={"value": "target"})
    p = panel[(panel["year"] == year) & panel["chain_id"].isin(chain_ids)]
    long = p.melt(id_vars=["chain_id", "area"], value_vars=list(_PANEL_VALUE.values()), var_name="col",
                  value_name="actual")
    long["indicator"] = long["col"].map({v: k for k, v in _PANEL_VALUE.items()})
    out = t.merge(long.drop(columns="col"), on=["chain_id", "area", "indicator"], how="outer")
    out["actual"] = out["actual"].fillna(0.0)
    out = out[(out["target"].fillna(0) > 0) | (out["actual"] > 0)].copy()
    out["gap"] = out["actual"] - out["target"]
    tgt = out["target"].to_numpy(dtype=float)
    out["completion_rate"] = np.where(np.nan_to_num(tgt) > 0, out["actual"] / np.where(tgt > 0, tgt, 1), np.nan)
    order = {c: i for i, c in enumerate(chain_ids)}
    area_order = {a: i for i, a in enumerate(plan.areas_with_total)}
    out = out.sort_values(["chain_id", "indicator", "area"],
                          key=lambda s: s.map(order) if s.name == "chain_id" else (
                              s.map(area_order) if s.name == "area" else s))
    return out[["chain_id", "area", "indicator", "target", "actual", "gap", "completion_rate"]].reset_index(drop=True)


RECONCILE_COLUMNS = ["chain_id", "chain", "year", "statistics_yi", "register_yi", "difference_yi", "difference_pct"]


def reconcile(panel: pd.DataFrame, statistics: pd.DataFrame, year: int, *, plan: Plan) -> pd.DataFrame:
    """The register's chain revenue (名录口径: the firms listed, summed) against the statistics office's full-year
    figure (统计数据, 1—12月 of the 统计月报) for ``year``, by chain and for the chains' sum: one figure is official,
    the other a breakdown, and the line says how far apart they are (difference = register − statistics, 亿元 and %
    of the statistics). Empty when the year has no full-year statistics or no register."""
    from .monthly import cumulative_table

    rows = []
    tot = panel[(panel["year"] == year) & (panel["area"] == "全区")] if len(panel) else panel
    if tot is None or not len(tot) or not len(statistics):
        return pd.DataFrame(columns=RECONCILE_COLUMNS)
    for cid in (*plan.chain_ids, "all"):
        stat_t = cumulative_table(statistics, cid, plan=plan)
        if year not in stat_t.index or pd.isna(stat_t.loc[year, 12]):
            continue
        stat = float(stat_t.loc[year, 12])
        reg = tot[tot["chain_id"].isin(plan.chain_ids) if cid == "all" else tot["chain_id"] == cid]["revenue_yi"]
        if not len(reg):
            continue
        r = float(reg.sum())
        rows.append({"chain_id": cid, "chain": plan.chain_label(cid), "year": int(year), "statistics_yi": stat,
                     "register_yi": r, "difference_yi": r - stat, "difference_pct": (r / stat - 1) * 100})
    return pd.DataFrame(rows, columns=RECONCILE_COLUMNS)
