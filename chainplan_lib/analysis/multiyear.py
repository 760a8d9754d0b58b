"""Multi-year projections of the annual actuals to the plan's target year, with 80 % and 95 % ranges.

From the full-year (1—12月) figures of complete years, with at least ``MIN_YEARS`` (5) of them: the
log-linear trend (:func:`chainplan_lib.analysis.growth.trend_projection`, prediction interval: the range for
one year's value, not for the trend line) and exponential smoothing
(:func:`chainplan_lib.analysis.growth.ets_projection`, Holt's linear trend on logs). Each is set against the
target of the year it reaches: where the target falls among the ranges says how hard it is on the trend
so far (:func:`target_position`). These are extrapolations of a short series: they say what continuing the
past implies, not what policy will achieve.
"""

from __future__ import annotations

import math

import pandas as pd

from ..errors import ParameterError
from . import growth
from .monthly import complete_years

__all__ = ["MIN_YEARS", "PROJECTION_COLUMNS", "annual_series", "project_annual", "target_position",
           "POSITION_TEXT", "reach_probability"]

MIN_YEARS = 5
PROJECTION_COLUMNS = ["method", "year", "value", "lower80", "upper80", "lower95", "upper95"]
POSITION_TEXT = {
    "below95": "目标低于 95% 区间下限：按现有趋势可以完成",
    "below80": "目标在 80% 区间下限之下：较有把握完成",
    "lower_half": "目标在 80% 区间内、低于预测中值：有望完成",
    "upper_half": "目标在 80% 区间内、高于预测中值：完成有一定难度",
    "above80": "目标高于 80% 区间上限：完成难度较大",
    "above95": "目标高于 95% 区间上限：按现有趋势难以完成",
}


def annual_series(table: pd.DataFrame, upto: int | None = None) -> pd.Series:
    """Full-year figures of the complete years (up to and including ``upto``), indexed by year."""
    years = [y for y in complete_years(table) if upto is None or y <= upto]
    s = table.loc[years, 12].astype(float)
    s.index = s.index.astype(int)
    s.name = "value"
    return s


def project_annual(annual: pd.Series, to_year: int) -> pd.DataFrame:
    """Trend and ETS projections of ``annual`` for the years after its last one up to ``to_year``.

    Each method is included when it can be fitted (trend: ≥ 3 years; ETS: ≥ 4 consecutive years).
    Columns: PROJECTION_COLUMNS (value = median, ranges 80 % and 95 %).
    """
    s = annual.dropna().sort_index()
    if s.empty:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    last = int(s.index.max())
    if to_year <= last:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    parts = []
    if len(s) >= 3 and (s > 0).all():
        t80 = growth.trend_projection(s, to_year=to_year, alpha=0.2, interval="prediction")
        t95 = growth.trend_projection(s, to_year=to_year, alpha=0.05, interval="prediction")
        parts.append(_merge("trend", t80, t95, last))
    if len(s) >= 4 and (s > 0).all():
        try:
            e80 = growth.ets_projection(s, to_year, alpha=0.2)
            e95 = growth.ets_projection(s, to_year, alpha=0.05)
            parts.append(_merge("ets", e80, e95, last))
        except ParameterError:
            pass  # gaps in the years: no ETS
    if not parts:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    return pd.concat(parts, ignore_index=True)[PROJECTION_COLUMNS]


def _merge(method: str, p80: pd.DataFrame, p95: pd.DataFrame, last: int) -> pd.DataFrame:
    a = p80[p80["year"] > last].set_index("year")
    b = p95[p95["year"] > last].set_index("year")
    return pd.DataFrame({"method": method, "year": a.index.astype(int), "value": a["value"].to_numpy(),
                         "lower80": a["lower"].to_numpy(), "upper80": a["upper"].to_numpy(),
                         "lower95": b["lower"].reindex(a.index).to_numpy(),
                         "upper95": b["upper"].reindex(a.index).to_numpy()})


def target_position(row: pd.Series | dict, target: float) -> str | None:
    """Where a target falls among a projection's ranges: a key of POSITION_TEXT, None without a target/range."""
    if target is None or not math.isfinite(float(target)) or not math.isfinite(float(row["lower95"])):
        return None
    t = float(target)
    if t <= row["lower95"]:
        return "below95"
    if t <= row["lower80"]:
        return "below80"
    if t <= row["value"]:
        return "lower_half"
    if t <= row["upper80"]:
        return "upper_half"
    if t <= row["upper95"]:
        return "above80"
    return "above95"


def reach_probability(row: pd.Series | dict, target: float) -> float:
    """Rough chance the value reaches ``target``: a normal on log values fitted to the 95 % range.

    An approximation (the ranges come from t and ETS simulations, not exactly log-normal); quote it rounded.
    """
    lo, hi, mid = float(row["lower95"]), float(row["upper95"]), float(row["value"])
    if not all(map(math.isfinite, (lo, hi, mid, float(target)))) or hi <= lo or target <= 0:
        return math.nan
    sd = (math.log(hi) - math.log(lo)) / (2 * 1.959964)
    from scipy.stats import norm

    return float(norm.sf((math.log(target) - math.log(mid)) / sd))
