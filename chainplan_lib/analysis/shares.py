"""Town-level structure of the chains: area shares, share changes and concentration (HHI, top area).

Inputs: the tidy target table (chain_id, year, indicator, area, value) or a register panel (turned
into that shape by :func:`chainplan_lib.analysis.growth.tidy_panel`). The 全区 rows are never used here: every
share is of the sum of the nine areas, so shares sum to exactly 1 (where the areas reconcile with
全区, as the cleaned target table's do, that is the same thing).

Units: values in 亿元 (revenue) or 户 (enterprises); shares, growth rates and HHI-as-fraction are
fractions; columns named ``*_pp`` are percentage points; ``hhi`` is on the 0–10,000 scale.

Shift-share and location quotients live in :mod:`chainplan_lib.analysis.regional` (re-exported here
under their old names).

Conventions: the top area of a chain is *every* area with the largest value — ties are reported as
ties (``top_area`` '罗家镇、高新园区', ``top_tied`` 2), never broken by list order. The HHI is shown with
its minimum for the number of areas (10,000 / 9 = 1,111 with nine areas: all equal). The merger guidelines'
thresholds (:data:`HHI_THRESHOLDS`) are written for firms' market shares: they are kept for reference
(:func:`hhi_level`) and never applied to areas as a verdict on any page.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..plan.model import Plan
from .growth import ALL, as_tidy, check_indicator, check_year, check_year_pair

__all__ = ["hhi", "hhi_minimum", "hhi_level", "HHI_THRESHOLDS", "area_shares", "share_change", "concentration"]

# Concentration thresholds on the 0–10,000 scale, with the guideline they come from. They are written for
# markets of firms; used on areas they are a reference scale, not a verdict.
HHI_THRESHOLDS = {
    2023: {"source": "U.S. DOJ & FTC, Merger Guidelines (2023), Guideline 1 / §2.1", "high": 1800.0},
    2010: {"source": "U.S. DOJ & FTC, Horizontal Merger Guidelines (2010), §5.3", "moderate": 1500.0, "high": 2500.0},
}


SHARE_COLUMNS = ["chain_id", "chain", "indicator", "year", "area", "value", "total", "share"]


def _indicators(indicator: str | None, plan: Plan) -> list[str]:
    return list(plan.indicator_ids) if indicator is None else [check_indicator(indicator, plan=plan)]


def _area_grid(frame: pd.DataFrame, indicators: list[str], include_all: bool, plan: Plan) -> pd.DataFrame:
    """Area rows only (the plan's areas, every chain × year × indicator present in the frame), duplicates rejected.

    Areas absent from the frame for a (chain, year, indicator) that has some area rows count as 0
    (the table prints them as '-'). With include_all, adds chain_id 'all' = sum of the plan's chains.
    """
    areas, chain_ids = plan.area_names, plan.chain_ids
    df = as_tidy(frame, plan=plan)
    df = df[df["indicator"].isin(indicators) & df["area"].isin(areas) & df["chain_id"].isin(chain_ids)]
    keys = ["chain_id", "indicator", "year", "area"]
    if df.duplicated(keys).any():
        raise ParameterError("frame has duplicate rows for one chain, indicator, year and area")
    if df.empty:
        raise ParameterError(f"frame has no area rows for indicator(s) {', '.join(indicators)}")
    groups = df[["chain_id", "indicator", "year"]].drop_duplicates()
    grid = groups.merge(pd.DataFrame({"area": list(areas)}), how="cross")
    out = grid.merge(df[keys + ["value"]], on=keys, how="left", indicator="_src")
    # areas the frame does not list are 0 ('-'); a listed value that is NaN stays NaN
    out.loc[out["_src"] == "left_only", "value"] = 0.0
    out = out.drop(columns="_src")
    if include_all:
        four = out.set_index(["indicator", "year", "area", "chain_id"])["value"].unstack("chain_id")
        four = four.reindex(columns=list(chain_ids))
        summed = four.sum(axis=1).where(four.notna().all(axis=1)).rename("value")
        out = pd.concat([out, summed.reset_index().assign(chain_id=ALL)], ignore_index=True)
    out["chain"] = [plan.chain_label(c) for c in out["chain_id"]]
    return _canonical_order(out, ["chain_id", "indicator", "year", "area"], plan)


def _order(plan: Plan) -> dict[str, dict]:
    return {"chain_id": {c: i for i, c in enumerate((*plan.chain_ids, ALL))},
            "area": {a: i for i, a in enumerate(plan.area_names)},
            "indicator": {ind: i for i, ind in enumerate(plan.indicator_ids)}}


def _canonical_order(frame: pd.DataFrame, by: list[str], plan: Plan) -> pd.DataFrame:
    """Sort by chains, areas and indicators in the plan's order, years ascending."""
    order = _order(plan)
    out = frame.sort_values(by, key=lambda s: s.map(order[s.name]) if s.name in order else s, kind="stable")
    return out.reset_index(drop=True)


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of a set of shares, as a fraction: Σ sᵢ² (1/n … 1).

    ``shares`` are fractions summing to 1 (they are not renormalised; NaN in → NaN out). Multiply by
    10,000 for the usual 0–10,000 scale. Reference: Hirschman (1964), "The paternity of an index",
    AER 54(5); U.S. DOJ & FTC Merger Guidelines (2023), §2.1, for the 0–10,000 scale and thresholds.
    """
    s = np.asarray(list(shares), dtype=float)
    if s.size == 0 or np.isnan(s).any():
        return math.nan
    if (s < 0).any():
        raise ParameterError("shares must be non-negative")
    return float(np.sum(s ** 2))


def hhi_minimum(n_areas: int) -> float:
    """Least possible HHI (0–10,000 scale) over ``n_areas`` areas: all equal, 10,000 / n (nine areas: 1,111.1).

    Reference: the HHI of n equal shares is n·(1/n)² = 1/n (Hirschman 1964).
    """
    if isinstance(n_areas, bool) or not isinstance(n_areas, (int, np.integer)) or n_areas < 1:
        raise ParameterError(f"n_areas {n_areas!r} must be a positive integer")
    return 10_000 / int(n_areas)


def hhi_level(value: float, guideline: int = 2023) -> str:
    """'high' when the HHI (0–10,000) is *greater than* the guideline's threshold, else 'below' ('moderate' for
    2010 between 1,500 and 2,500). 2023: > 1,800 is highly concentrated (Merger Guidelines 2023, Guideline 1);
    2010: > 2,500 high, 1,500–2,500 moderate. Exactly at a threshold is not above it. NaN → 'undefined'.
    """
    if guideline not in HHI_THRESHOLDS:
        raise ParameterError(f"guideline {guideline!r}: known {sorted(HHI_THRESHOLDS)}")
    if not math.isfinite(value):
        return "undefined"
    t = HHI_THRESHOLDS[guideline]
    if value > t["high"]:
        return "high"
    if "moderate" in t and value > t["moderate"]:
        return "moderate"
    return "below"


def area_shares(frame: pd.DataFrame, indicator: str | None = None, years: Iterable[int] | None = None,
                include_all: bool = False, *, plan: Plan) -> pd.DataFrame:
    """Each area's share of each chain by year (全区 excluded; shares over the plan's areas sum to 1).

    ``indicator``: one of the plan's ('revenue', 'enterprises' …) or None for all of them. ``include_all``
    adds chain_id 'all' (the plan's chains summed by area). Columns: chain_id, chain, indicator, year, area,
    value (亿元 or 户), total (sum of the areas), share (fraction; NaN when the total is 0 or any area is NaN).
    """
    inds = _indicators(indicator, plan)
    out = _area_grid(frame, inds, include_all, plan)
    if years is not None:
        ys = [check_year(y, plan.years) for y in years]
        out = out[out["year"].isin(ys)]
    g = out.groupby(["chain_id", "indicator", "year"], sort=False)["value"]
    out["total"] = g.transform(lambda v: v.sum() if v.notna().all() else np.nan)
    out["share"] = np.where(out["total"] > 0, out["value"] / out["total"].where(out["total"] > 0), np.nan)
    return out[SHARE_COLUMNS].reset_index(drop=True)


def share_change(frame: pd.DataFrame, start_year: int | None = None, end_year: int | None = None,
                 indicator: str | None = None, include_all: bool = False, *,
                 input_precision: float | None = None, plan: Plan) -> pd.DataFrame:
    """Change in each area's share of each chain between two years, in percentage points.

    Columns: chain_id, chain, indicator, area, share_start, share_end (fractions), change_pp
    ((share_end − share_start) × 100; the changes of one chain sum to 0). ``input_precision``: the
    half-width within which each non-zero value is known (0.5 for integer-rounded targets) — adds
    change_pp_bound, the first-order worst case Σₖ |Δ change_pp| when each input moves by that much one
    at a time (for 'all', each of the area's non-zero chain values counts as one input). A change with
    |change_pp| ≤ change_pp_bound is within the rounding of the inputs.
    """
    start_year = plan.years[0] if start_year is None else start_year
    end_year = plan.years[-1] if end_year is None else end_year
    start_year, end_year = check_year_pair(start_year, end_year, plan=plan)
    if input_precision is not None and not (isinstance(input_precision, (int, float)) and input_precision > 0):
        raise ParameterError(f"input_precision {input_precision!r} must be a positive number")
    sh = area_shares(frame, indicator, years=[start_year, end_year], include_all=include_all, plan=plan)
    wide = sh.set_index(["chain_id", "indicator", "area", "year"])["share"].unstack("year")
    if start_year not in wide.columns or end_year not in wide.columns:
        raise ParameterError(f"frame lacks area values for {start_year} or {end_year}")
    out = wide[[start_year, end_year]].reset_index()
    out.columns = ["chain_id", "indicator", "area", "share_start", "share_end"]
    out.insert(1, "chain", [plan.chain_label(c) for c in out["chain_id"]])
    out["change_pp"] = (out["share_end"] - out["share_start"]) * 100
    out = _canonical_order(out, ["chain_id", "indicator", "area"], plan)
    if input_precision is not None:
        out["change_pp_bound"] = _share_change_bound(frame, sh, start_year, end_year, out, float(input_precision), plan)
    return out


def _share_change_bound(frame, sh, y0, y1, out, h, plan: Plan) -> np.ndarray:
    """First-order rounding bound of change_pp for each row of ``out`` (see :func:`share_change`)."""
    AREAS = plan.area_names
    vals = sh.set_index(["chain_id", "indicator", "year", "area"])["value"].sort_index()
    grid = _area_grid(frame, sorted(set(sh["indicator"]), key=lambda k: _order(plan)["indicator"][k]),
                      include_all=False, plan=plan)
    nonzero = (grid[grid["year"].isin([y0, y1])].assign(nz=lambda d: d["value"].fillna(0) != 0)
               .groupby(["indicator", "year", "area"])["nz"].sum())
    bound = np.full(len(out), np.nan)
    for (cid, ind), rows in out.groupby(["chain_id", "indicator"], sort=False):
        a = vals.loc[(cid, ind, y0)].reindex(list(AREAS)).to_numpy(dtype=float)
        b = vals.loc[(cid, ind, y1)].reindex(list(AREAS)).to_numpy(dtype=float)
        if not (np.isfinite(a).all() and np.isfinite(b).all() and a.sum() > 0 and b.sum() > 0):
            continue

        def weight(year, k, v):
            if cid != ALL:
                return float(v[k] != 0)
            return float(nonzero.get((ind, year, AREAS[k]), 0))

        total = np.zeros(len(AREAS))
        for year, v, sign in ((y0, a, -1.0), (y1, b, 1.0)):
            for k in range(len(AREAS)):
                w = weight(year, k, v)
                if w:
                    moved = v.copy()
                    moved[k] += h
                    total += w * np.abs(sign * (moved / moved.sum() - v / v.sum()))
        pos = {ar: i for i, ar in enumerate(AREAS)}
        bound[rows.index.to_numpy()] = 100 * total[[pos[ar] for ar in rows["area"]]]
    return bound


def concentration(frame: pd.DataFrame, indicator: str | None = None, include_all: bool = False,
                  *, plan: Plan) -> pd.DataFrame:
    """Geographic concentration of each chain by year: HHI over the plan's areas and the top area(s).

    Columns: chain_id, chain, indicator, year, n_areas (areas with a value > 0), hhi (0–10,000 scale),
    hhi_min (the least HHI possible over the areas, 10,000 / n: nine areas 1,111.1), hhi_fraction (0–1),
    equivalent_areas (1 / hhi_fraction: the number of equal-sized areas with the same HHI), top_area
    (the area with the largest value; *all* of them joined by '、' when several tie), top_tied (how
    many areas share the top value; 1 = no tie), top_share (fraction, of each tied area), top2_share (the two
    largest shares together, fraction). ``attrs['shares']``: the area_shares() frame it was computed from.
    Ties: values equal to within 1e-9 relative. See :func:`hhi` for references.
    """
    sh = area_shares(frame, indicator, include_all=include_all, plan=plan)
    rows = []
    for (cid, ind, year), grp in sh.groupby(["chain_id", "indicator", "year"], sort=False):
        h = hhi(grp["share"])
        ok = grp["share"].notna().all() and len(grp) and grp["value"].max() > 0
        if ok:
            v = grp["value"].to_numpy(dtype=float)
            tied = grp[np.isclose(v, v.max(), rtol=1e-9, atol=0.0)]
            top_area, n_top, top_share = "、".join(tied["area"]), len(tied), float(tied["share"].iloc[0])
        else:
            top_area, n_top, top_share = None, 0, math.nan
        rows.append({"chain_id": cid, "chain": plan.chain_label(cid), "indicator": ind, "year": int(year),
                     "n_areas": int((grp["value"] > 0).sum()), "hhi": h * 10_000,
                     "hhi_min": hhi_minimum(len(grp)), "hhi_fraction": h,
                     "equivalent_areas": 1 / h if h and math.isfinite(h) else math.nan,
                     "top_area": top_area, "top_tied": n_top, "top_share": top_share,
                     "top2_share": float(np.sort(grp["share"].to_numpy(dtype=float))[-2:].sum()) if ok else math.nan})
    out = pd.DataFrame(rows)
    out.attrs["shares"] = sh
    return out
