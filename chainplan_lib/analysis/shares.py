"""Town-level structure of the chains: area shares, concentration, shift-share and location quotients.

Inputs: the tidy target table (chain_id, year, indicator, area, value) or a register panel (turned
into that shape by :func:`chainplan_lib.analysis.growth.tidy_panel`). The 全区 rows are never used here: every
share is of the sum of the nine areas, so shares sum to exactly 1 (where the areas reconcile with
全区, as the cleaned target table's do, that is the same thing).

Units: values in 亿元 (revenue) or 户 (enterprises); shares, growth rates and HHI-as-fraction are
fractions; columns named ``*_pp`` are percentage points; ``hhi`` is on the 0–10,000 scale.

No maintained Python package covers shift-share for a small table like this one, so the textbook
formulas are implemented here with references in each docstring.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .growth import ALL, as_tidy, chain_label, check_indicator, check_year, check_year_pair
from ..plan.names import AREAS, CHAIN_IDS, YEARS

__all__ = ["hhi", "area_shares", "share_change", "concentration", "shift_share", "location_quotients"]

SHARE_COLUMNS = ["chain_id", "chain", "indicator", "year", "area", "value", "total", "share"]


def _indicators(indicator: str | None) -> list[str]:
    return ["revenue", "enterprises"] if indicator is None else [check_indicator(indicator)]


def _area_grid(frame: pd.DataFrame, indicators: list[str], include_all: bool) -> pd.DataFrame:
    """Area rows only (nine areas, every chain × year × indicator present in the frame), duplicates rejected.

    Areas absent from the frame for a (chain, year, indicator) that has some area rows count as 0
    (the table prints them as '-'). With include_all, adds chain_id 'all' = sum of the four chains.
    """
    df = as_tidy(frame)
    df = df[df["indicator"].isin(indicators) & df["area"].isin(AREAS) & df["chain_id"].isin(CHAIN_IDS)]
    keys = ["chain_id", "indicator", "year", "area"]
    if df.duplicated(keys).any():
        raise ParameterError("frame has duplicate rows for one chain, indicator, year and area")
    if df.empty:
        raise ParameterError(f"frame has no area rows for indicator(s) {', '.join(indicators)}")
    groups = df[["chain_id", "indicator", "year"]].drop_duplicates()
    grid = groups.merge(pd.DataFrame({"area": list(AREAS)}), how="cross")
    out = grid.merge(df[keys + ["value"]], on=keys, how="left", indicator="_src")
    # areas the frame does not list are 0 ('-'); a listed value that is NaN stays NaN
    out.loc[out["_src"] == "left_only", "value"] = 0.0
    out = out.drop(columns="_src")
    if include_all:
        four = out.set_index(["indicator", "year", "area", "chain_id"])["value"].unstack("chain_id")
        four = four.reindex(columns=list(CHAIN_IDS))
        summed = four.sum(axis=1).where(four.notna().all(axis=1)).rename("value")
        out = pd.concat([out, summed.reset_index().assign(chain_id=ALL)], ignore_index=True)
    out["chain"] = [chain_label(c) for c in out["chain_id"]]
    return _canonical_order(out, ["chain_id", "indicator", "year", "area"])


_ORDER = {"chain_id": {c: i for i, c in enumerate((*CHAIN_IDS, ALL))},
          "area": {a: i for i, a in enumerate(AREAS)},
          "indicator": {"revenue": 0, "enterprises": 1}}


def _canonical_order(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sort by chains in CHAIN_IDS order, areas in AREAS order, revenue before enterprises, years ascending."""
    out = frame.sort_values(by, key=lambda s: s.map(_ORDER[s.name]) if s.name in _ORDER else s, kind="stable")
    return out.reset_index(drop=True)


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of a set of shares, as a fraction: Σ sᵢ² (1/n … 1).

    ``shares`` are fractions summing to 1 (they are not renormalised; NaN in → NaN out). Multiply by
    10,000 for the usual 0–10,000 scale. Reference: Hirschman (1964), "The paternity of an index",
    AER 54(5); U.S. DoJ/FTC Horizontal Merger Guidelines (2023) §2.3 for the 10,000 scale.
    """
    s = np.asarray(list(shares), dtype=float)
    if s.size == 0 or np.isnan(s).any():
        return math.nan
    if (s < 0).any():
        raise ParameterError("shares must be non-negative")
    return float(np.sum(s ** 2))


def area_shares(frame: pd.DataFrame, indicator: str | None = None, years: Iterable[int] | None = None,
                include_all: bool = False) -> pd.DataFrame:
    """Each area's share of each chain by year (全区 excluded; shares over the nine areas sum to 1).

    ``indicator``: 'revenue', 'enterprises' or None for both. ``include_all`` adds chain_id 'all'
    (the four chains summed by area). Columns: chain_id, chain, indicator, year, area, value (亿元 or
    户), total (sum of the nine areas), share (fraction; NaN when the total is 0 or any area is NaN).
    """
    inds = _indicators(indicator)
    out = _area_grid(frame, inds, include_all)
    if years is not None:
        ys = [check_year(y) for y in years]
        out = out[out["year"].isin(ys)]
    g = out.groupby(["chain_id", "indicator", "year"], sort=False)["value"]
    out["total"] = g.transform(lambda v: v.sum() if v.notna().all() else np.nan)
    out["share"] = np.where(out["total"] > 0, out["value"] / out["total"].where(out["total"] > 0), np.nan)
    return out[SHARE_COLUMNS].reset_index(drop=True)


def share_change(frame: pd.DataFrame, start_year: int = YEARS[0], end_year: int = YEARS[-1],
                 indicator: str | None = None, include_all: bool = False) -> pd.DataFrame:
    """Change in each area's share of each chain between two years, in percentage points.

    Columns: chain_id, chain, indicator, area, share_start, share_end (fractions), change_pp
    ((share_end − share_start) × 100; the changes of one chain sum to 0).
    """
    start_year, end_year = check_year_pair(start_year, end_year)
    sh = area_shares(frame, indicator, years=[start_year, end_year], include_all=include_all)
    wide = sh.set_index(["chain_id", "indicator", "area", "year"])["share"].unstack("year")
    if start_year not in wide.columns or end_year not in wide.columns:
        raise ParameterError(f"frame lacks area values for {start_year} or {end_year}")
    out = wide[[start_year, end_year]].reset_index()
    out.columns = ["chain_id", "indicator", "area", "share_start", "share_end"]
    out.insert(1, "chain", [chain_label(c) for c in out["chain_id"]])
    out["change_pp"] = (out["share_end"] - out["share_start"]) * 100
    return _canonical_order(out, ["chain_id", "indicator", "area"])


def concentration(frame: pd.DataFrame, indicator: str | None = None, include_all: bool = False) -> pd.DataFrame:
    """Geographic concentration of each chain by year: HHI over the nine areas and the top area's share.

    Columns: chain_id, chain, indicator, year, n_areas (areas with a value > 0), hhi (0–10,000 scale),
    hhi_fraction (0–1, = hhi / 10,000), equivalent_areas (1 / hhi_fraction: the number of equal-sized
    areas with the same HHI), top_area, top_share (fraction). See :func:`hhi` for references.
    """
    sh = area_shares(frame, indicator, include_all=include_all)
    rows = []
    for (cid, ind, year), grp in sh.groupby(["chain_id", "indicator", "year"], sort=False):
        h = hhi(grp["share"])
        top = grp.loc[grp["share"].idxmax()] if grp["share"].notna().all() and len(grp) else None
        rows.append({"chain_id": cid, "chain": chain_label(cid), "indicator": ind, "year": int(year),
                     "n_areas": int((grp["value"] > 0).sum()), "hhi": h * 10_000, "hhi_fraction": h,
                     "equivalent_areas": 1 / h if h and math.isfinite(h) else math.nan,
                     "top_area": top["area"] if top is not None else None,
                     "top_share": float(top["share"]) if top is not None else math.nan})
    return pd.DataFrame(rows)


def shift_share(frame: pd.DataFrame, start_year: int = YEARS[0], end_year: int = YEARS[-1],
                indicator: str = "revenue", by_chain: bool = False) -> pd.DataFrame:
    """Classic shift-share decomposition of each area's change, areas as regions and chains as industries.

    With E⁰ᵢⱼ, E¹ᵢⱼ the value of chain j in area i in the two years, the reference economy is the
    district = the four chains over the nine areas: G = ΣE¹/ΣE⁰ − 1, gⱼ = E¹·ⱼ/E⁰·ⱼ − 1. Then

    * district_growth (national share) = E⁰ᵢⱼ · G
    * chain_mix (industry mix)         = E⁰ᵢⱼ · (gⱼ − G)
    * area_specific (regional shift)   = ΔEᵢⱼ − district_growth − chain_mix  (= E⁰ᵢⱼ(gᵢⱼ − gⱼ) when E⁰ᵢⱼ > 0)

    so the three add up to the actual change exactly, also for a chain new to an area (E⁰ᵢⱼ = 0).
    References: Dunn (1960) "A statistical and analytical technique for regional analysis", Papers of
    the RSA 6; Stevens & Moore (1980) "A critical review of the literature on shift-share", J. Regional
    Science 20(4).

    Columns (values in 亿元 for revenue, 户 for enterprises): area, [chain_id, chain if ``by_chain``],
    value_start, value_end, change, district_growth, chain_mix, area_specific. Default: one row per
    area (summed over chains); ``by_chain=True``: one row per area × chain.
    """
    start_year, end_year = check_year_pair(start_year, end_year)
    indicator = check_indicator(indicator)
    grid = _area_grid(frame, [indicator], include_all=False)
    grid = grid[grid["year"].isin([start_year, end_year])]
    wide = grid.set_index(["area", "chain_id", "year"])["value"].unstack("year")
    if start_year not in wide.columns or end_year not in wide.columns or wide[[start_year, end_year]].isna().any().any():
        raise ParameterError(f"frame lacks {indicator} area values for {start_year} or {end_year}")
    chains = [c for c in CHAIN_IDS if c in set(grid["chain_id"])]
    wide = wide.reindex(pd.MultiIndex.from_product([list(AREAS), chains], names=["area", "chain_id"]))
    e0, e1 = wide[start_year], wide[end_year]
    if e0.sum() <= 0:
        raise ParameterError(f"district {indicator} in {start_year} is 0; growth is undefined")
    big_g = e1.sum() / e0.sum() - 1
    c0, c1 = e0.groupby(level="chain_id").sum(), e1.groupby(level="chain_id").sum()
    g_chain = (c1 / c0.where(c0 > 0) - 1).reindex(e0.index, level="chain_id")
    out = pd.DataFrame({"value_start": e0, "value_end": e1, "change": e1 - e0})
    out["district_growth"] = e0 * big_g
    out["chain_mix"] = (e0 * (g_chain - big_g)).where(e0 > 0, 0.0)
    out["area_specific"] = out["change"] - out["district_growth"] - out["chain_mix"]
    out = out.reset_index()
    cols = ["value_start", "value_end", "change", "district_growth", "chain_mix", "area_specific"]
    if by_chain:
        out["chain"] = [chain_label(c) for c in out["chain_id"]]
        return out[["area", "chain_id", "chain", *cols]]
    return out.groupby("area", sort=False)[cols].sum().reset_index()


def location_quotients(frame: pd.DataFrame, year: int = YEARS[-1], indicator: str = "revenue") -> pd.DataFrame:
    """Location quotient of each area in each chain: LQᵢⱼ = (Eᵢⱼ / Eᵢ·) / (E·ⱼ / E··).

    Totals are over the four chains and the nine areas (the district's chain economy, not all of
    industry). LQ > 1: the area is more specialised in the chain than the district. NaN (never inf)
    where the area has no value in any chain or the chain is 0 district-wide. The LQs of one chain,
    weighted by the areas' shares of the district total, average to exactly 1.
    Reference: Isard (1960) *Methods of Regional Analysis*, ch. 7; Miller & Blair (2009)
    *Input–Output Analysis*, 2nd ed., §8.2.

    Columns: area, chain_id, chain, indicator, year, value (亿元 or 户), area_total, chain_share_of_area,
    chain_share_of_district (fractions), lq.
    """
    year = check_year(year)
    indicator = check_indicator(indicator)
    grid = _area_grid(frame, [indicator], include_all=False)
    grid = grid[grid["year"] == year].copy()
    if grid.empty or grid["value"].isna().any():
        raise ParameterError(f"frame has no or missing (NaN) {indicator} area values for {year}")
    grand = grid["value"].sum()
    grid["area_total"] = grid.groupby("area")["value"].transform("sum")
    chain_total = grid.groupby("chain_id")["value"].transform("sum")
    grid["chain_share_of_area"] = grid["value"] / grid["area_total"].where(grid["area_total"] > 0)
    grid["chain_share_of_district"] = chain_total / grand if grand > 0 else np.nan
    grid["lq"] = grid["chain_share_of_area"] / grid["chain_share_of_district"].where(grid["chain_share_of_district"] > 0)
    return grid[["area", "chain_id", "chain", "indicator", "year", "value", "area_total",
                 "chain_share_of_area", "chain_share_of_district", "lq"]].reset_index(drop=True)
