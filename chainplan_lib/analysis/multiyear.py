"""Multi-year projections of the annual actuals to the plan's target year, with 80 % and 95 % ranges.

From the full-year (1—12月) figures of complete years, with at least ``MIN_YEARS`` (5) of them: the
log-linear trend (:func:`chainplan_lib.analysis.projections.trend_projection`, prediction interval: the range for
one year's value, not for the trend line) and exponential smoothing
(:func:`chainplan_lib.analysis.projections.ets_projection`, Holt's linear trend on logs). Each is set against the
target of the year it reaches: where the target falls among the ranges says how hard it is on the trend
so far (:func:`target_position`). These are extrapolations of a short series: they say what continuing the
past implies, not what policy will achieve.
"""

from __future__ import annotations

import math

import pandas as pd

from ..errors import ParameterError
from . import projections
from .fullyear import blas_one_thread
from .monthly import complete_years

__all__ = ["MIN_YEARS", "TREND_MIN_YEARS_TEXT", "PROJECTION_COLUMNS", "annual_series", "project_annual", "missing_methods", "target_position",
           "POSITION_TEXT"]

MIN_YEARS = projections.TREND_MIN_POINTS
TREND_MIN_YEARS_TEXT = (f"完整年度不足 {projections.TREND_MIN_POINTS} 年，不做多年外推（对数线性趋势至少需要 "
                        f"{projections.TREND_MIN_POINTS} 年，指数平滑至少 {projections.ETS_MIN_POINTS} 年）")
PROJECTION_COLUMNS = ["method", "year", "value", "lower80", "upper80", "lower95", "upper95"]
#: Where a target falls among a projection's ranges, described (the analyst page; no verdict, no probability:
#: a trend fitted to a few years is a description of the past, not a forecast of policy).
POSITION_TEXT = {
    "below95": "目标低于 95% 区间下限",
    "below80": "目标在 95% 区间内、低于 80% 区间下限",
    "lower_half": "目标在 80% 区间内、低于外推中值",
    "upper_half": "目标在 80% 区间内、高于外推中值",
    "above80": "目标在 95% 区间内、高于 80% 区间上限",
    "above95": "目标高于 95% 区间上限",
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

    Each method is included only when there are enough points for it, by the same rules as every fan chart
    (:mod:`chainplan_lib.analysis.projections`: trend ≥ ``TREND_MIN_POINTS`` = 5 years, ETS ≥
    ``ETS_MIN_POINTS`` = 10 consecutive years); :func:`missing_methods` says which are left out and why.
    Columns: PROJECTION_COLUMNS (value = median, 80 % and 95 % prediction intervals from one fit each).
    """
    s = annual.dropna().sort_index()
    if s.empty:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    last = int(s.index.max())
    if to_year <= last or not (s > 0).all():
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    parts = []
    with blas_one_thread():  # small matrices: one BLAS thread (see fullyear.blas_one_thread)
        if len(s) >= projections.TREND_MIN_POINTS:
            t = projections.trend_projection(s, to_year=to_year, interval="prediction", levels=(0.8, 0.95))
            parts.append(_merge("trend", t, last))
        if len(s) >= projections.ETS_MIN_POINTS:
            try:
                parts.append(_merge("ets", projections.ets_projection(s, to_year, levels=(0.8, 0.95)), last))
            except ParameterError:
                pass  # gaps in the years: no ETS (missing_methods says so)
    if not parts:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    return pd.concat(parts, ignore_index=True)[PROJECTION_COLUMNS]


def missing_methods(annual: pd.Series) -> dict[str, str]:
    """Methods :func:`project_annual` leaves out for this series, with the reason in Chinese."""
    n = len(annual.dropna())
    out = {}
    if n < projections.TREND_MIN_POINTS:
        out["trend"] = f"全年实际值只有 {n} 年，对数线性趋势至少需要 {projections.TREND_MIN_POINTS} 年"
    if n < projections.ETS_MIN_POINTS:
        out["ets"] = f"全年实际值只有 {n} 年，指数平滑至少需要 {projections.ETS_MIN_POINTS} 年"
    return out


def _merge(method: str, p: pd.DataFrame, last: int) -> pd.DataFrame:
    a = p[p["year"] > last].set_index("year")
    return pd.DataFrame({"method": method, "year": a.index.astype(int), "value": a["value"].to_numpy(),
                         "lower80": a["lower_80"].to_numpy(), "upper80": a["upper_80"].to_numpy(),
                         "lower95": a["lower_95"].to_numpy(), "upper95": a["upper_95"].to_numpy()})


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
