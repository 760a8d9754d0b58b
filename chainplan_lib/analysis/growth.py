"""Growth arithmetic and projections for the chain targets and, where registers give them, actuals.

Units: revenue in 亿元, enterprises in 户; every growth rate, share and completion rate is a
*fraction* (0.10 means 10 %), never a percentage. Percentage points appear only in column names that
say so (``*_pp``).

Inputs are tidy frames of the target-table shape — columns ``chain_id``, ``year``, ``indicator``
('revenue' | 'enterprises'), ``area`` ('全区' or one of the nine areas), ``value`` (``chain`` optional) —
or the register panel (``year, chain_id, area, enterprises, revenue_yi``), which
:func:`tidy_panel` turns into that shape (every function here accepts either).

``chain_id='all'`` means the sum of the plan's chains (四链合计 for four, 三链合计 for three …); firms outside
the chains (``chain_id='other'`` in the register) are never part of it. Chains, areas and years are the plan's:
every function takes ``plan=None`` (the default plan; see :mod:`chainplan_lib.plan`).

Projections (:func:`trend_projection`, :func:`ets_projection`, :func:`scenario_paths`,
:func:`fan_chart_frame`, :func:`log_trend`) live in :mod:`chainplan_lib.analysis.projections` and are
re-exported here under their old names.

Conventions (used in :func:`completion_table`, stated in its output's labels):

* 完成率 = actual ÷ the *same year's* target. Against a later year's target the ratio is a 达成度
  (attainment), never a 完成率.
* 时间进度 (in-year) = months covered ÷ 12; ``ahead`` is True when 完成率 ≥ 时间进度 — *equal counts
  as on schedule* ("时间过半、任务过半") — False when below, and NA (missing, not False) when 完成率 is
  undefined (no target or no actual).
* 规划期时间进度 = (year − base year) ÷ (target year − base year), with the **base year = 0**: the plan
  states base-year values as its starting point (Qingshanhu: 2023 → 0, 2024 → 1/3, 2025 → 2/3, 2026 → 1).
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..plan.model import ALL, TOTAL, Plan

DISTRICT = TOTAL

__all__ = [
    "ALL",
    "cagr",
    "required_cagr",
    "completion_rate",
    "time_progress",
    "plan_time_progress",
    "ahead_of_schedule",
    "tidy_panel",
    "series",
    "yoy_growth",
    "cagr_table",
    "required_growth",
    "completion_table",
]


# --------------------------------------------------------------------------- validation helpers
def check_chain(chain_id: str, *, allow_all: bool = True, plan: Plan) -> str:
    """Return ``chain_id`` if it is one of the plan's chain ids (or 'all' when allowed), else raise."""
    known = plan.chain_ids + ((ALL,) if allow_all else ())
    if chain_id not in known:
        raise ParameterError(f"unknown chain id {chain_id!r}; known: {', '.join(known)}")
    return chain_id


def check_indicator(indicator: str, *, plan: Plan) -> str:
    known = plan.indicator_ids
    if indicator not in known:
        raise ParameterError(f"unknown indicator {indicator!r}; known: {', '.join(known)}")
    return indicator


def check_area(area: str, *, plan: Plan) -> str:
    known = plan.areas_with_total
    if area not in known:
        raise ParameterError(f"unknown area {area!r}; known: {', '.join(known)}")
    return area


def check_year(year: int, years: Iterable[int], *, name: str = "year") -> int:
    """``year`` as an int if it is one of ``years`` (the plan's years, or a range of them), else raise."""
    years = tuple(years)
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or int(year) not in years:
        raise ParameterError(f"{name} {year!r} outside {years[0]}–{years[-1]}")
    return int(year)


def check_year_pair(start_year: int, end_year: int, *, plan: Plan) -> tuple[int, int]:
    start_year = check_year(start_year, plan.years, name="start_year")
    end_year = check_year(end_year, plan.years, name="end_year")
    if end_year <= start_year:
        raise ParameterError(f"end_year {end_year} must be after start_year {start_year}")
    return start_year, end_year


def check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise ParameterError(f"alpha {alpha!r} must be a significance level strictly between 0 and 1")
    return float(alpha)


def check_rate(rate: float, *, name: str = "rate") -> float:
    if not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= -1:
        raise ParameterError(f"{name} {rate!r} must be a growth fraction greater than -1 (e.g. 0.10)")
    return float(rate)


def chain_label(chain_id: str, *, plan: Plan) -> str:
    """Chinese name for a chain id; the plan's 合计 label (四链合计, 三链合计 …) for 'all'."""
    return plan.chain_label(chain_id)


def _name_or_id(plan: Plan):
    """chain id → Chinese name for the plan's chains, the id itself for anything else ('other')."""
    names = {c.id: c.name for c in plan.chains}
    return lambda cid: names.get(cid, cid)


# --------------------------------------------------------------------------- scalar formulas
def cagr(start_value: float, end_value: float, periods: float) -> float:
    """Compound annual growth rate, as a fraction: (end / start) ** (1 / periods) − 1.

    ``start_value`` and ``end_value`` in the same unit (亿元 or 户); ``periods`` in years (> 0).
    Returns NaN when the rate is undefined (start ≤ 0, end < 0, or either value NaN).
    """
    if not isinstance(periods, (int, float, np.integer, np.floating)) or not periods > 0:
        raise ParameterError(f"periods {periods!r} must be a positive number of years")
    s, e = float(start_value), float(end_value)
    if not (math.isfinite(s) and math.isfinite(e)) or s <= 0 or e < 0:
        return math.nan
    return (e / s) ** (1.0 / float(periods)) - 1.0


def required_cagr(actual: float, actual_year: int, target: float, target_year: int | None = None,
                  *, plan: Plan) -> float:
    """Annual growth (fraction) needed from ``actual`` in ``actual_year`` to reach ``target`` in ``target_year``
    (default: the plan's target year).

    Values in 亿元 (or 户); ``actual_year`` must be before ``target_year``. NaN when undefined (actual ≤ 0).
    """
    target_year = plan.target_year if target_year is None else target_year
    actual_year = check_year(actual_year, plan.years, name="actual_year")
    if not isinstance(target_year, (int, np.integer)) or target_year <= actual_year:
        raise ParameterError(f"target_year {target_year!r} must be after actual_year {actual_year}")
    return cagr(actual, target, target_year - actual_year)


def completion_rate(actual: float, target: float) -> float:
    """完成率 = actual / target of the same year, as a fraction (1.0 = target met). NaN if target is 0 or NaN."""
    a, t = float(actual), float(target)
    if not (math.isfinite(a) and math.isfinite(t)) or t == 0:
        return math.nan
    return a / t


def time_progress(month: int, months: int = 12) -> float:
    """In-year time-progress benchmark (时间进度), a fraction: months elapsed / 12.

    Analysts compare a year-to-date completion rate with it ("时间过半，任务过半": by June, 0.5).
    ``month`` is the last month the actual covers (1–12).
    """
    if isinstance(month, bool) or not isinstance(month, (int, np.integer)) or not 1 <= month <= months:
        raise ParameterError(f"month {month!r} must be an integer 1–{months}")
    return month / months


def plan_time_progress(year: int, base_year: int | None = None, target_year: int | None = None,
                       *, plan: Plan) -> float:
    """Plan-period time progress (规划期时间进度), a fraction: (year − base_year) / (target_year − base_year);
    the years default to the plan's.

    Convention: **the base year is year 0** — the plan gives base-year values as its starting point: for
    Qingshanhu 2023 → 0, 2024 → 1/3, 2025 → 2/3, 2026 → 1 (three years of growth, not four calendar years).
    """
    base_year = plan.base_year if base_year is None else base_year
    target_year = plan.target_year if target_year is None else target_year
    base_year, target_year = check_year_pair(base_year, target_year, plan=plan)
    year = check_year(year, range(base_year, target_year + 1))
    return (year - base_year) / (target_year - base_year)


# --------------------------------------------------------------------------- frames
def tidy_panel(panel: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Register panel (year, chain_id, area, enterprises [户], revenue_yi [亿元]) → target-table shape.

    Returns columns chain_id, chain, year, indicator, area, value (revenue in 亿元, enterprises in 户).
    Rows for chain ids outside the plan's chains (e.g. 'other') are kept with chain = chain_id.
    """
    need = {"year", "chain_id", "area", "enterprises", "revenue_yi"}
    missing = need - set(panel.columns)
    if missing:
        raise ParameterError(f"register panel lacks columns {sorted(missing)}")
    long = panel.melt(id_vars=["year", "chain_id", "area"], value_vars=["revenue_yi", "enterprises"],
                      var_name="indicator", value_name="value")
    long["indicator"] = long["indicator"].map({"revenue_yi": "revenue", "enterprises": "enterprises"})
    long["year"] = long["year"].astype(int)
    long["value"] = long["value"].astype(float)
    long["chain"] = long["chain_id"].map(_name_or_id(plan))
    return long[["chain_id", "chain", "year", "indicator", "area", "value"]].reset_index(drop=True)


def as_tidy(frame: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """Accept a target-table-shaped frame or a register panel; return the tidy shape (a copy)."""
    if "revenue_yi" in frame.columns and "indicator" not in frame.columns:
        return tidy_panel(frame, plan=plan)
    need = {"chain_id", "year", "indicator", "area", "value"}
    missing = need - set(frame.columns)
    if missing:
        raise ParameterError(f"frame lacks columns {sorted(missing)} (need target-table or register-panel shape)")
    out = frame.copy()
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    if "chain" not in out.columns:
        out["chain"] = out["chain_id"].map(_name_or_id(plan))
    return out


def series(frame: pd.DataFrame, chain_id: str = ALL, indicator: str = "revenue", area: str = DISTRICT,
           *, plan: Plan) -> pd.Series:
    """One chain's (or 'all' chains') values by year, for one area (default 全区): a float Series indexed by year.

    Units as the indicator (亿元 or 户). For 'all', the plan's chains are summed year by year (a year
    where any chain is NaN or absent is NaN). If the frame has no 全区 rows (a register panel without
    district rows), 全区 is the sum of the plan's areas. Years with no data are dropped.
    """
    check_chain(chain_id, plan=plan)
    check_indicator(indicator, plan=plan)
    check_area(area, plan=plan)
    df = as_tidy(frame, plan=plan)
    df = df[df["indicator"] == indicator]
    if area == DISTRICT and not (df["area"] == DISTRICT).any():
        df = df[df["area"].isin(plan.area_names)].groupby(["chain_id", "year"], as_index=False)["value"].sum(min_count=1)
    else:
        df = df[df["area"] == area]
    if df.duplicated(["chain_id", "year"]).any():
        raise ParameterError(f"frame has duplicate rows for {indicator} / {area} (one row per chain and year expected)")
    wide = df.pivot(index="year", columns="chain_id", values="value")
    if chain_id == ALL:
        present = [c for c in plan.chain_ids if c in wide.columns]
        if not present:
            return pd.Series(dtype=float, name=ALL)
        # a year is summed only when every chain of the plan has a value
        four = wide.reindex(columns=list(plan.chain_ids))
        out = four.sum(axis=1).where(four.notna().all(axis=1))
    else:
        if chain_id not in wide.columns:
            return pd.Series(dtype=float, name=chain_id)
        out = wide[chain_id]
    out = out.dropna().astype(float).sort_index()
    out.index = out.index.astype(int)
    out.index.name = "year"
    out.name = chain_id
    return out


def _chains_in(frame: pd.DataFrame, chains: Iterable[str] | None, include_all: bool, plan: Plan) -> list[str]:
    if chains is None:
        chains = [c for c in plan.chain_ids if c in set(frame["chain_id"])]
        if include_all:
            chains = chains + [ALL]
    return [check_chain(c, plan=plan) for c in chains]


def yoy_growth(frame: pd.DataFrame, indicator: str = "revenue", area: str = DISTRICT,
               chains: Iterable[str] | None = None, include_all: bool = True, *, plan: Plan) -> pd.DataFrame:
    """Year-on-year growth by chain (and 'all'), as fractions.

    Columns: chain_id, chain, area, indicator, year, value (亿元 or 户), yoy (value / previous year − 1;
    NaN for the first year, for a gap in the years, or where the previous value is ≤ 0).
    """
    df = as_tidy(frame, plan=plan)
    rows = []
    for cid in _chains_in(df, chains, include_all, plan):
        s = series(df, cid, indicator, area, plan=plan)
        prev = s.reindex(s.index - 1).to_numpy()
        for (year, value), p in zip(s.items(), prev):
            yoy = value / p - 1 if (np.isfinite(p) and p > 0) else math.nan
            rows.append({"chain_id": cid, "chain": plan.chain_label(cid), "area": area, "indicator": indicator,
                         "year": int(year), "value": float(value), "yoy": yoy})
    return pd.DataFrame(rows, columns=["chain_id", "chain", "area", "indicator", "year", "value", "yoy"])


def cagr_table(frame: pd.DataFrame, start_year: int | None = None, end_year: int | None = None,
               indicator: str = "revenue", area: str = DISTRICT, chains: Iterable[str] | None = None,
               include_all: bool = True, *, plan: Plan) -> pd.DataFrame:
    """CAGR between any two plan years (default: base → target year) by chain and for the sum of chains ('all').

    Columns: chain_id, chain, area, indicator, start_year, end_year, start_value, end_value (亿元 or 户),
    cagr (fraction). NaN where a value is missing or the start is 0.
    """
    start_year = plan.base_year if start_year is None else start_year
    end_year = plan.target_year if end_year is None else end_year
    start_year, end_year = check_year_pair(start_year, end_year, plan=plan)
    df = as_tidy(frame, plan=plan)
    rows = []
    for cid in _chains_in(df, chains, include_all, plan):
        s = series(df, cid, indicator, area, plan=plan)
        a, b = float(s.get(start_year, math.nan)), float(s.get(end_year, math.nan))
        rows.append({"chain_id": cid, "chain": plan.chain_label(cid), "area": area, "indicator": indicator,
                     "start_year": start_year, "end_year": end_year, "start_value": a, "end_value": b,
                     "cagr": cagr(a, b, end_year - start_year)})
    return pd.DataFrame(rows)


def required_growth(actuals: pd.DataFrame, targets: pd.DataFrame, actual_year: int,
                    indicator: str = "revenue", area: str = DISTRICT, target_year: int | None = None,
                    chains: Iterable[str] | None = None, include_all: bool = True,
                    *, plan: Plan) -> pd.DataFrame:
    """The growth each chain needs from its actual value in ``actual_year`` to reach its ``target_year`` target.

    ``actuals`` is a register panel or a tidy frame of actuals; ``targets`` the target table.
    Columns: chain_id, chain, area, indicator, actual_year, actual, target_year, target (亿元 or 户),
    planned_cagr (the target path's own CAGR over the same years, fraction), required_cagr (fraction),
    extra_pp (required − planned, in percentage points: > 0 means the chain is behind its path).
    """
    target_year = plan.target_year if target_year is None else target_year
    actual_year = check_year(actual_year, plan.years, name="actual_year")
    target_year = check_year(target_year, plan.years, name="target_year")
    if target_year <= actual_year:
        raise ParameterError(f"target_year {target_year} must be after actual_year {actual_year}")
    act, tgt = as_tidy(actuals, plan=plan), as_tidy(targets, plan=plan)
    rows = []
    for cid in _chains_in(tgt, chains, include_all, plan):
        a = float(series(act, cid, indicator, area, plan=plan).get(actual_year, math.nan))
        ts = series(tgt, cid, indicator, area, plan=plan)
        t = float(ts.get(target_year, math.nan))
        planned = cagr(float(ts.get(actual_year, math.nan)), t, target_year - actual_year)
        req = required_cagr(a, actual_year, t, target_year, plan=plan)
        rows.append({"chain_id": cid, "chain": plan.chain_label(cid), "area": area, "indicator": indicator,
                     "actual_year": actual_year, "actual": a, "target_year": target_year, "target": t,
                     "planned_cagr": planned, "required_cagr": req, "extra_pp": (req - planned) * 100})
    return pd.DataFrame(rows)


AHEAD_DIGITS = 12  # "完成率 equals 时间进度" is decided on the difference rounded to 1e-12 (7/12 computed two ways)


def ahead_of_schedule(rate: float, progress: float):
    """True when 完成率 ≥ 时间进度 (equal counts as on schedule), False when below, ``pd.NA`` when undefined.

    Both fractions. Equality is decided on the difference rounded to 12 decimals, so 35/60 against 7/12 is "on
    schedule" whatever the float rounding. Reference: the 时序进度 rule of Chinese progress reporting, "时间过半、
    任务过半" — reaching the time share is meeting the schedule.
    """
    r, p = float(rate), float(progress)
    if not (math.isfinite(r) and math.isfinite(p)):
        return pd.NA
    return bool(round(r - p, AHEAD_DIGITS) >= 0)


def completion_table(actuals: pd.DataFrame, targets: pd.DataFrame, year: int, month: int = 12,
                     indicator: str = "revenue", area: str = DISTRICT, chains: Iterable[str] | None = None,
                     include_all: bool = True, *, plan: Plan) -> pd.DataFrame:
    """完成率 (actual / same-year target) against the time-progress benchmarks, by chain.

    ``month``: the last month the actuals cover (12 = full year). Columns: chain_id, chain, area,
    indicator, year, month, actual, target (亿元 or 户), completion_rate (fraction), time_progress
    (month / 12), ahead (:func:`ahead_of_schedule`: completion_rate ≥ time_progress, equal counts as
    ahead; NA when the rate is undefined — a nullable boolean), ahead_pp ((completion_rate −
    time_progress) × 100, percentage points), plan_progress ((actual − base-year target) / (target-year target −
    base-year target): share of the planned increase achieved, fraction), plan_time_progress
    (:func:`plan_time_progress`, base year = 0). plan_progress compares a full-year actual; with
    month < 12 read it with care.
    """
    year = check_year(year, plan.years)
    tp = time_progress(month)
    ptp = plan_time_progress(year, plan=plan)
    act, tgt = as_tidy(actuals, plan=plan), as_tidy(targets, plan=plan)
    rows = []
    for cid in _chains_in(tgt, chains, include_all, plan):
        ts = series(tgt, cid, indicator, area, plan=plan)
        a = float(series(act, cid, indicator, area, plan=plan).get(year, math.nan))
        t = float(ts.get(year, math.nan))
        base, goal = float(ts.get(plan.base_year, math.nan)), float(ts.get(plan.target_year, math.nan))
        rate = completion_rate(a, t)
        plan_prog = (a - base) / (goal - base) if goal != base else math.nan
        rows.append({"chain_id": cid, "chain": plan.chain_label(cid), "area": area, "indicator": indicator,
                     "year": year, "month": month, "actual": a, "target": t, "completion_rate": rate,
                     "time_progress": tp, "ahead": ahead_of_schedule(rate, tp), "ahead_pp": (rate - tp) * 100,
                     "plan_progress": plan_prog, "plan_time_progress": ptp})
    out = pd.DataFrame(rows)
    out["ahead"] = out["ahead"].astype("boolean")
    return out
