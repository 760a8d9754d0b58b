"""Regional-science measures on an area × industry table: location quotients and shift-share.

Regions are the plan's areas (全区 rows are never used); industries are the plan's chains and, where the
data have them, the rest of industry. Every function takes ``plan=None`` (the default plan). Inputs: the tidy target table, a register panel (its ``other``
rows are firms outside the chains) or a tidy actuals frame (``chain_id='industry'`` rows = all
above-size industry of the area; a ``month`` column selects a month's year-to-date values).

Units: values in 亿元 (revenue) or 户 (enterprises); growth rates and shares are fractions.

* :func:`location_quotients` needs a **reference economy that is not the four chains themselves**:
  over a closed sum of four chains an area with a single chain gets LQ = 1/(that chain's district
  share) whatever it does, which measures chain mix, not specialisation. The denominator is all
  industry in the area (register ``other`` firms, actuals' ``industry`` rows, or ``area_totals``
  supplied), and the reference share is the district's all-industry share or one the user supplies
  (city or province yearbook). Without either, it refuses — no LQ column is better than a wrong one.
* :func:`shift_share` decomposes each area's change (Dunn 1960), with the district or an external
  reference growth, optionally splitting the area-specific part à la Esteban-Marquillas (1972). On
  *targets* it describes the plan's allocation, not performance; ``input_precision`` gives, for
  each component, the first-order bound of what rounding the inputs can move it by, so components
  within it are not presented as findings.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..plan.model import Plan
from .growth import as_tidy, check_indicator

__all__ = ["OTHER", "INDUSTRY", "industry_grid", "location_quotients", "shift_share", "SHIFT_SHARE_METHODS"]

OTHER = "other"        # register firms outside the plan's chains
INDUSTRY = "industry"  # all above-size industry (actuals)
SHIFT_SHARE_METHODS = ("dunn", "esteban-marquillas")
COMPONENTS = ("district_growth", "chain_mix", "area_specific")
EM_COMPONENTS = ("competitive_homothetic", "allocation", "entry")


def _select_month(df: pd.DataFrame, month: int | None) -> pd.DataFrame:
    """Actuals with a month column: keep one month's (year-to-date, cumulative) values; default December."""
    if "month" not in df.columns:
        if month is not None:
            raise ParameterError("month given but the frame has no month column")
        return df
    m = 12 if month is None else month
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or not 1 <= m <= 12:
        raise ParameterError(f"month {m!r} must be an integer 1–12")
    out = df[df["month"] == m]
    if "cumulative" in out.columns:
        out = out[out["cumulative"].astype(bool)]
    if out.empty:
        raise ParameterError(f"frame has no year-to-date values for month {m}")
    return out


def industry_grid(frame: pd.DataFrame, indicator: str, years: list[int], *, month: int | None = None,
                  include_rest: bool = True, plan: Plan) -> pd.DataFrame:
    """Area × industry × year values (long: area, chain_id, year, value) for the plan's areas.

    Industries: the plan's chains (absent area cells = 0, as '-' in the table) and, with ``include_rest``,
    'other' = the rest of industry — the frame's own 'other' rows (register) or 'industry' − Σ chains
    (actuals). A frame with neither has no rest of industry (the target table).
    """
    AREAS, CHAIN_IDS = plan.area_names, plan.chain_ids
    indicator = check_indicator(indicator, plan=plan)
    df = _select_month(as_tidy(frame, plan=plan), month)
    df = df[(df["indicator"] == indicator) & df["area"].isin(AREAS) & df["year"].isin(years)]
    keys = ["chain_id", "year", "area"]
    if df.duplicated(keys).any():
        raise ParameterError("frame has duplicate rows for one chain, indicator, year and area")
    chains = df[df["chain_id"].isin(CHAIN_IDS)]
    if chains.empty:
        raise ParameterError(f"frame has no area rows for {indicator} in {years}")
    for y in years:
        if not (chains["year"] == y).any():
            raise ParameterError(f"frame lacks {indicator} area values for {y}")
    present = [c for c in CHAIN_IDS if c in set(chains["chain_id"])]
    idx = pd.MultiIndex.from_product([list(AREAS), present, years], names=["area", "chain_id", "year"])
    wide = chains.set_index(["area", "chain_id", "year"])["value"].reindex(idx).fillna(0.0)
    parts = [wide]
    if include_rest:
        other = df[df["chain_id"] == OTHER]
        total = df[df["chain_id"] == INDUSTRY]
        if len(other):
            o = other.set_index(["area", "year"])["value"]
        elif len(total):
            csum = wide.groupby(level=["area", "year"]).sum()
            t = total.set_index(["area", "year"])["value"]
            o = (t.reindex(csum.index) - csum)
            if (o < -1e-9).any():
                bad = o[o < -1e-9].index[0]
                raise ParameterError(f"all-industry value below the chains' sum in {bad[0]} {bad[1]}")
            o = o.clip(lower=0)
        else:
            o = None
        if o is not None:
            o_idx = pd.MultiIndex.from_product([list(AREAS), years], names=["area", "year"])
            o = o.reindex(o_idx).fillna(0.0)
            o = pd.concat({OTHER: o}, names=["chain_id"]).reorder_levels(["area", "chain_id", "year"])
            parts.append(o)
    out = pd.concat(parts).rename("value").reset_index()
    if out["value"].isna().any():
        raise ParameterError(f"frame has missing (NaN) {indicator} area values")
    return out


# --------------------------------------------------------------------------- location quotients
def location_quotients(frame: pd.DataFrame, year: int, indicator: str = "revenue", *,
                       reference: Mapping[str, float] | None = None, reference_label: str | None = None,
                       area_totals: Mapping[str, float] | None = None, month: int | None = None,
                       plan: Plan) -> pd.DataFrame:
    """Location quotient of each area in each chain against all industry: LQᵢⱼ = (Eᵢⱼ / Eᵢ) / rⱼ.

    Eᵢ is *all* industry in area i: Σ chains + 'other' (register) or the 'industry' row (actuals) or
    ``area_totals`` (亿元/户 by area, e.g. from a yearbook). rⱼ is chain j's share of the reference
    economy: by default the district's all industry (E·ⱼ / E··), else ``reference`` {chain_id: share}
    (fraction; e.g. the chain's share of the city's or province's above-size industry, named in
    ``reference_label``). LQ > 1: chain j is a larger part of area i's industry than of the reference.
    With the district reference the LQs of one chain, weighted by the areas' shares of district
    industry, average to exactly 1. NaN (never inf) where the area has no industry.
    Raises ParameterError when there is no all-industry denominator (the target table covers the four
    chains only): an LQ over a closed set of chains measures chain mix, not specialisation.
    References: Isard (1960) *Methods of Regional Analysis*, ch. 7; Miller & Blair (2009)
    *Input–Output Analysis*, 2nd ed., §8.2.

    Columns: area, chain_id, chain, indicator, year, value, area_total (all industry), chain_share_of_area,
    reference_share (fractions), lq. ``attrs['reference']`` names the reference economy as used — for a register
    the register's own above-size firms (名录口径), for 统计月报 rows their 规上工业, for ``area_totals`` the totals
    given; ``attrs['scope']`` where the numbers come from (名录口径, 统计月报 …; None with an outside ``reference``);
    ``attrs['area_economy']`` the area's denominator in the same words; ``attrs['reference_total']`` the
    district total of the reference economy (亿元 or 户; None with an outside ``reference``).
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise ParameterError(f"year {year!r} must be an integer")
    AREAS, CHAIN_IDS = plan.area_names, plan.chain_ids
    grid = industry_grid(frame, indicator, [int(year)], month=month, plan=plan)
    has_rest = (grid["chain_id"] == OTHER).any()
    kinds = set(as_tidy(frame, plan=plan)["chain_id"])
    if area_totals is not None:
        own_label, area_word, scope = "全区全部工业", "本区域全部工业", "各区域合计由用户提供"
    elif OTHER in kinds:
        own_label, area_word, scope = "全区名录全部规上企业", "本区域名录全部规上企业", "名录口径"
    else:
        own_label, area_word, scope = "全区规上工业", "本区域规上工业", "统计月报"
    if area_totals is not None:
        tot = pd.Series({a: float(area_totals.get(a, math.nan)) for a in AREAS})
        csum = grid[grid["chain_id"] != OTHER].groupby("area")["value"].sum().reindex(AREAS)
        if (tot < csum - 1e-9).any():
            a = tot[tot < csum - 1e-9].index[0]
            raise ParameterError(f"area_totals[{a!r}] = {tot[a]:g} is below the chains' sum {csum[a]:g}")
        grid = grid[grid["chain_id"] != OTHER]
        grid = pd.concat([grid, pd.DataFrame({"area": list(AREAS), "chain_id": OTHER, "year": int(year),
                                              "value": (tot - csum).to_numpy()})], ignore_index=True)
    elif not has_rest:
        raise ParameterError("no all-industry denominator: the frame covers the plan's chains only, so a location "
                             "quotient would measure chain mix, not specialisation; give a register with firms "
                             "outside the chains, actuals with 'industry' rows, or area_totals")
    area_total = grid.groupby("area")["value"].transform("sum")
    grand = grid["value"].sum()
    chain_total = grid.groupby("chain_id")["value"].transform("sum")
    out = grid[grid["chain_id"] != OTHER].copy()
    out["area_total"] = area_total[out.index]
    out["chain_share_of_area"] = out["value"] / out["area_total"].where(out["area_total"] > 0)
    if reference is None:
        out["reference_share"] = chain_total[out.index] / grand if grand > 0 else math.nan
        label = reference_label or own_label
    else:
        missing = [c for c in out["chain_id"].unique() if c not in reference]
        if missing:
            raise ParameterError(f"reference lacks shares for {', '.join(missing)}")
        shares = {c: float(v) for c, v in reference.items()}
        if any(not (0 < v <= 1) for v in shares.values()):
            raise ParameterError("reference shares must be fractions in (0, 1] (e.g. 0.12 for 12 %)")
        if sum(shares.get(c, 0) for c in CHAIN_IDS) > 1 + 1e-9:
            raise ParameterError("reference shares of the chains sum to more than 1")
        out["reference_share"] = out["chain_id"].map(shares)
        label = reference_label or "用户提供的参照经济"
    out["lq"] = out["chain_share_of_area"] / out["reference_share"].where(out["reference_share"] > 0)
    out["chain"] = [plan.chain_label(c) for c in out["chain_id"]]
    out["indicator"] = indicator
    out = out[["area", "chain_id", "chain", "indicator", "year", "value", "area_total", "chain_share_of_area",
               "reference_share", "lq"]].reset_index(drop=True)
    out.attrs["reference"] = label
    out.attrs["area_economy"] = area_word
    out.attrs["scope"] = scope if reference is None else None
    out.attrs["reference_total"] = float(grand) if reference is None else None
    return out


# --------------------------------------------------------------------------- shift-share
def _components(e0: np.ndarray, e1: np.ndarray, big_g: float | None, g_ref: np.ndarray | None) -> dict:
    """Dunn and Esteban-Marquillas components on an areas × industries array (one cell per area and industry)."""
    tot0 = e0.sum()
    if tot0 <= 0:
        raise ParameterError("the reference economy is 0 in the base year; growth is undefined")
    col0, col1 = e0.sum(axis=0), e1.sum(axis=0)
    G = e1.sum() / tot0 - 1 if big_g is None else big_g
    g_own = np.divide(col1, col0, out=np.full_like(col0, np.nan), where=col0 > 0) - 1
    g = g_own if g_ref is None else np.where(np.isnan(g_ref), g_own, g_ref)
    dg = e0 * G
    mix = np.where(e0 > 0, e0 * (np.nan_to_num(g) - G), 0.0)
    change = e1 - e0
    spec = change - dg - mix
    # Esteban-Marquillas: homothetic base E*ᵢⱼ = Eᵢ·(E·ⱼ/E··); for cells with E⁰ᵢⱼ > 0
    # area_specific = E*(gᵢⱼ − gⱼ) + (E − E*)(gᵢⱼ − gⱼ); cells new to an area (E⁰ = 0) are 'entry'
    star = e0.sum(axis=1, keepdims=True) * (col0 / tot0)[None, :]
    gij = np.divide(e1, e0, out=np.zeros_like(e0), where=e0 > 0) - 1
    diff = np.where(e0 > 0, gij - np.nan_to_num(g), 0.0)
    comp_h = np.where(e0 > 0, star * diff, 0.0)
    alloc = np.where(e0 > 0, (e0 - star) * diff, 0.0)
    entry = np.where(e0 > 0, 0.0, change)
    return {"change": change, "district_growth": dg, "chain_mix": mix, "area_specific": spec,
            "homothetic_start": star, "competitive_homothetic": comp_h, "allocation": alloc, "entry": entry}


def _reference(reference_growth, industries: list[str]) -> tuple[float | None, np.ndarray | None]:
    if reference_growth is None:
        return None, None
    if isinstance(reference_growth, (int, float)) and not isinstance(reference_growth, bool):
        big_g, by = float(reference_growth), {}
    elif isinstance(reference_growth, Mapping):
        by = dict(reference_growth)
        big_g = by.pop("all", by.pop(INDUSTRY, None))
        if big_g is None:
            raise ParameterError("reference_growth as a mapping needs an 'all' (or 'industry') rate")
        unknown = set(by) - set(industries)
        if unknown:
            raise ParameterError(f"reference_growth has rates for unknown industries {sorted(unknown)}")
    else:
        raise ParameterError(f"reference_growth {reference_growth!r} must be a fraction or a mapping of fractions")
    for v in [big_g, *by.values()]:
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > -1):
            raise ParameterError(f"reference growth {v!r} must be a fraction greater than −1 (e.g. 0.08)")
    g = np.array([float(by[c]) if c in by else np.nan for c in industries])
    return float(big_g), g


def shift_share(frame: pd.DataFrame, start_year: int, end_year: int, indicator: str = "revenue",
                by_chain: bool = False, *, method: str = "dunn", reference_growth=None,
                include_rest: bool = True, month: int | None = None,
                input_precision: float | None = None, plan: Plan) -> pd.DataFrame:
    """Shift-share decomposition of each area's change, areas as regions, chains (and the rest) as industries.

    With E⁰ᵢⱼ, E¹ᵢⱼ the value of industry j in area i in the two years, G the reference economy's growth
    and gⱼ industry j's reference growth (default: the nine areas' own totals, G = ΣE¹/ΣE⁰ − 1,
    gⱼ = E¹·ⱼ/E⁰·ⱼ − 1; ``reference_growth`` = a fraction for G, or {'all': G, chain_id: gⱼ …} from a
    city/province source; industries it does not list use the district's gⱼ):

    * district_growth (national share) = E⁰ᵢⱼ · G
    * chain_mix (industry mix)         = E⁰ᵢⱼ · (gⱼ − G)
    * area_specific (regional shift)   = ΔEᵢⱼ − district_growth − chain_mix  (= E⁰ᵢⱼ(gᵢⱼ − gⱼ) when E⁰ᵢⱼ > 0)

    so the three add up to the actual change exactly, also for a chain new to an area (E⁰ᵢⱼ = 0).
    ``method='esteban-marquillas'`` adds the split of area_specific into competitive_homothetic
    E*ᵢⱼ(gᵢⱼ − gⱼ) with E*ᵢⱼ = E⁰ᵢ·(E⁰·ⱼ/E⁰··), allocation (E⁰ᵢⱼ − E*ᵢⱼ)(gᵢⱼ − gⱼ), and entry (the change
    of cells with E⁰ᵢⱼ = 0, which have no growth rate); the three sum to area_specific.
    References: Dunn (1960) "A statistical and analytical technique for regional analysis", Papers of
    the RSA 6; Esteban-Marquillas (1972) "A reinterpretation of shift-share analysis", Regional and Urban
    Economics 2(3); Stevens & Moore (1980), J. Regional Science 20(4).

    Industries: the four chains plus, with ``include_rest`` and where the frame has it, the rest of
    industry ('other' register rows, or actuals' 'industry' − Σ chains). ``month``: for actuals with a
    month column, compare that month's year-to-date values (default 12). ``input_precision``: half-width
    (same unit) within which every non-zero input is known — 0.5 for integer-rounded targets; adds
    ``<component>_bound`` columns, the first-order worst case Σₖ|Δcomponent| when each input moves by
    that much one at a time. A component with |value| ≤ bound is within the rounding of the inputs.

    Columns: area, [chain_id, chain if ``by_chain``], value_start, value_end, change, district_growth,
    chain_mix, area_specific, [E-M columns], [bounds]. ``attrs``: reference_growth (G used), method.
    """
    if method not in SHIFT_SHARE_METHODS:
        raise ParameterError(f"method {method!r} must be one of {', '.join(SHIFT_SHARE_METHODS)}")
    for name, y in (("start_year", start_year), ("end_year", end_year)):
        if isinstance(y, bool) or not isinstance(y, (int, np.integer)):
            raise ParameterError(f"{name} {y!r} must be an integer year")
    if end_year <= start_year:
        raise ParameterError(f"end_year {end_year} must be after start_year {start_year}")
    if input_precision is not None and not (isinstance(input_precision, (int, float)) and input_precision > 0):
        raise ParameterError(f"input_precision {input_precision!r} must be a positive number")
    AREAS = plan.area_names
    grid = industry_grid(frame, indicator, [int(start_year), int(end_year)], month=month, include_rest=include_rest,
                         plan=plan)
    wide = grid.pivot_table(index=["area", "chain_id"], columns="year", values="value", sort=False)
    industries = list(dict.fromkeys(grid["chain_id"]))
    e0 = wide[start_year].unstack("chain_id").reindex(index=list(AREAS), columns=industries).to_numpy(dtype=float, copy=True)
    e1 = wide[end_year].unstack("chain_id").reindex(index=list(AREAS), columns=industries).to_numpy(dtype=float, copy=True)
    big_g, g_ref = _reference(reference_growth, industries)
    comp = _components(e0, e1, big_g, g_ref)
    names = list(COMPONENTS) + (list(EM_COMPONENTS) if method == "esteban-marquillas" else [])
    bounds = {}
    if input_precision is not None:
        bounds = {c: np.zeros((len(AREAS), len(industries))) for c in names}
        area_bounds = {c: np.zeros(len(AREAS)) for c in names}
        for arr in (e0, e1):
            for i, j in zip(*np.nonzero(arr)):
                arr[i, j] += input_precision
                moved = _components(e0, e1, big_g, g_ref)
                arr[i, j] -= input_precision
                for c in names:
                    d = np.abs(moved[c] - comp[c])
                    bounds[c] += d
                    area_bounds[c] += np.abs((moved[c] - comp[c]).sum(axis=1))
    cells = pd.MultiIndex.from_product([list(AREAS), industries], names=["area", "chain_id"])
    out = pd.DataFrame({"value_start": e0.ravel(), "value_end": e1.ravel(), "change": comp["change"].ravel()},
                       index=cells)
    for c in names:
        out[c] = comp[c].ravel()
    if by_chain:
        for c in bounds:
            out[f"{c}_bound"] = bounds[c].ravel()
        out = out.reset_index()
        out.insert(2, "chain", [plan.chain_label(c) if c != OTHER else "其他" for c in out["chain_id"]])
    else:
        out = out.groupby(level="area", sort=False).sum()
        for c in bounds:
            out[f"{c}_bound"] = area_bounds[c]
        out = out.reset_index()
    G = float(e1.sum() / e0.sum() - 1) if big_g is None else big_g
    out.attrs.update({"reference_growth": G, "method": method, "industries": industries,
                      "reference": "district" if reference_growth is None else "external",
                      "input_precision": input_precision})
    return out
