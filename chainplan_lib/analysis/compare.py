"""Register actuals against the target table, by chain × area (完成率). Pure DataFrame → DataFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..plan.model import Plan

__all__ = ["actual_vs_target"]

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
