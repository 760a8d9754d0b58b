"""Growth arithmetic and projections for the chain targets and, where registers give them, actuals.

Units: revenue in 亿元, enterprises in 户; every growth rate, share and completion rate is a
*fraction* (0.10 means 10 %), never a percentage. Percentage points appear only in column names that
say so (``*_pp``).

Inputs are tidy frames of the target-table shape — columns ``chain_id``, ``year``, ``indicator``
('revenue' | 'enterprises'), ``area`` ('全区' or one of the nine areas), ``value`` (``chain`` optional) —
or the register panel (``year, chain_id, area, enterprises, revenue_yi``), which
:func:`tidy_panel` turns into that shape (every function here accepts either).

``chain_id='all'`` means the sum of the four chains (四链合计); firms outside the chains
(``chain_id='other'`` in the register) are never part of it.

Projections (all on log values, so growth is multiplicative; back-transformed values are medians):

* :func:`trend_projection` — log-linear trend, statsmodels OLS of log(value) on year, with a
  confidence (or prediction) band;
* :func:`ets_projection` — exponential smoothing with additive trend on log values (statsmodels
  ``ETSModel``, i.e. Holt's linear method with a state-space error model, which gives intervals);
* :func:`scenario_paths` — constant-rate paths (8 %, 10 %, 12 % by default);
* :func:`fan_chart_frame` — all of the above in one tidy frame for a fan chart.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..plan.names import AREAS, AREAS_WITH_DISTRICT, CHAIN_BY_ID, CHAIN_IDS, DISTRICT, YEARS

__all__ = [
    "ALL",
    "ALL_NAME",
    "SCENARIO_RATES",
    "MAX_PROJECTION_YEAR",
    "cagr",
    "required_cagr",
    "completion_rate",
    "time_progress",
    "plan_time_progress",
    "tidy_panel",
    "series",
    "yoy_growth",
    "cagr_table",
    "required_growth",
    "completion_table",
    "LogTrend",
    "log_trend",
    "trend_projection",
    "ets_projection",
    "scenario_paths",
    "fan_chart_frame",
]

ALL = "all"
ALL_NAME = "四链合计"
SCENARIO_RATES: tuple[float, ...] = (0.08, 0.10, 0.12)
MAX_PROJECTION_YEAR = 2035
INDICATOR_IDS = ("revenue", "enterprises")
TARGET_YEAR = YEARS[-1]
BASE_YEAR = YEARS[0]


# --------------------------------------------------------------------------- validation helpers
def check_chain(chain_id: str, *, allow_all: bool = True) -> str:
    """Return ``chain_id`` if it is one of the four ids (or 'all' when allowed), else raise."""
    known = CHAIN_IDS + ((ALL,) if allow_all else ())
    if chain_id not in known:
        raise ParameterError(f"unknown chain id {chain_id!r}; known: {', '.join(known)}")
    return chain_id


def check_indicator(indicator: str) -> str:
    if indicator not in INDICATOR_IDS:
        raise ParameterError(f"unknown indicator {indicator!r}; known: revenue, enterprises")
    return indicator


def check_area(area: str) -> str:
    if area not in AREAS_WITH_DISTRICT:
        raise ParameterError(f"unknown area {area!r}; known: {', '.join(AREAS_WITH_DISTRICT)}")
    return area


def check_year(year: int, *, name: str = "year", years: Iterable[int] = YEARS) -> int:
    years = tuple(years)
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or int(year) not in years:
        raise ParameterError(f"{name} {year!r} outside {years[0]}–{years[-1]}")
    return int(year)


def check_year_pair(start_year: int, end_year: int) -> tuple[int, int]:
    start_year = check_year(start_year, name="start_year")
    end_year = check_year(end_year, name="end_year")
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


def chain_label(chain_id: str) -> str:
    """Chinese name for a chain id; '四链合计' for 'all'."""
    return ALL_NAME if chain_id == ALL else CHAIN_BY_ID[chain_id].name


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


def required_cagr(actual: float, actual_year: int, target: float, target_year: int = TARGET_YEAR) -> float:
    """Annual growth (fraction) needed from ``actual`` in ``actual_year`` to reach ``target`` in ``target_year``.

    Values in 亿元 (or 户); ``actual_year`` must be before ``target_year``. NaN when undefined (actual ≤ 0).
    """
    actual_year = check_year(actual_year, name="actual_year")
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


def plan_time_progress(year: int, base_year: int = BASE_YEAR, target_year: int = TARGET_YEAR) -> float:
    """Plan-period time progress, a fraction: (year − base_year) / (target_year − base_year); 2025 → 2/3."""
    base_year, target_year = check_year_pair(base_year, target_year)
    year = check_year(year, years=range(base_year, target_year + 1))
    return (year - base_year) / (target_year - base_year)


# --------------------------------------------------------------------------- frames
def tidy_panel(panel: pd.DataFrame) -> pd.DataFrame:
    """Register panel (year, chain_id, area, enterprises [户], revenue_yi [亿元]) → target-table shape.

    Returns columns chain_id, chain, year, indicator, area, value (revenue in 亿元, enterprises in 户).
    Rows for chain ids outside the four chains (e.g. 'other') are kept with chain = chain_id.
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
    long["chain"] = [CHAIN_BY_ID[c].name if c in CHAIN_BY_ID else c for c in long["chain_id"]]
    return long[["chain_id", "chain", "year", "indicator", "area", "value"]].reset_index(drop=True)


def as_tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Accept a target-table-shaped frame or a register panel; return the tidy shape (a copy)."""
    if "revenue_yi" in frame.columns and "indicator" not in frame.columns:
        return tidy_panel(frame)
    need = {"chain_id", "year", "indicator", "area", "value"}
    missing = need - set(frame.columns)
    if missing:
        raise ParameterError(f"frame lacks columns {sorted(missing)} (need target-table or register-panel shape)")
    out = frame.copy()
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    if "chain" not in out.columns:
        out["chain"] = [CHAIN_BY_ID[c].name if c in CHAIN_BY_ID else c for c in out["chain_id"]]
    return out


def series(frame: pd.DataFrame, chain_id: str = ALL, indicator: str = "revenue", area: str = DISTRICT) -> pd.Series:
    """One chain's (or 'all' chains') values by year, for one area (default 全区): a float Series indexed by year.

    Units as the indicator (亿元 or 户). For 'all', the four chains are summed year by year (a year
    where any chain is NaN or absent is NaN). If the frame has no 全区 rows (a register panel without
    district rows), 全区 is the sum of the nine areas. Years with no data are dropped.
    """
    check_chain(chain_id)
    check_indicator(indicator)
    check_area(area)
    df = as_tidy(frame)
    df = df[df["indicator"] == indicator]
    if area == DISTRICT and not (df["area"] == DISTRICT).any():
        df = df[df["area"].isin(AREAS)].groupby(["chain_id", "year"], as_index=False)["value"].sum(min_count=1)
    else:
        df = df[df["area"] == area]
    if df.duplicated(["chain_id", "year"]).any():
        raise ParameterError(f"frame has duplicate rows for {indicator} / {area} (one row per chain and year expected)")
    wide = df.pivot(index="year", columns="chain_id", values="value")
    if chain_id == ALL:
        present = [c for c in CHAIN_IDS if c in wide.columns]
        if not present:
            return pd.Series(dtype=float, name=ALL)
        # a year is summed only when all four chains have a value
        four = wide.reindex(columns=list(CHAIN_IDS))
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


def _chains_in(frame: pd.DataFrame, chains: Iterable[str] | None, include_all: bool) -> list[str]:
    if chains is None:
        chains = [c for c in CHAIN_IDS if c in set(frame["chain_id"])]
        if include_all:
            chains = chains + [ALL]
    return [check_chain(c) for c in chains]


def yoy_growth(frame: pd.DataFrame, indicator: str = "revenue", area: str = DISTRICT,
               chains: Iterable[str] | None = None, include_all: bool = True) -> pd.DataFrame:
    """Year-on-year growth by chain (and 'all'), as fractions.

    Columns: chain_id, chain, area, indicator, year, value (亿元 or 户), yoy (value / previous year − 1;
    NaN for the first year, for a gap in the years, or where the previous value is ≤ 0).
    """
    df = as_tidy(frame)
    rows = []
    for cid in _chains_in(df, chains, include_all):
        s = series(df, cid, indicator, area)
        prev = s.reindex(s.index - 1).to_numpy()
        for (year, value), p in zip(s.items(), prev):
            yoy = value / p - 1 if (np.isfinite(p) and p > 0) else math.nan
            rows.append({"chain_id": cid, "chain": chain_label(cid), "area": area, "indicator": indicator,
                         "year": int(year), "value": float(value), "yoy": yoy})
    return pd.DataFrame(rows, columns=["chain_id", "chain", "area", "indicator", "year", "value", "yoy"])


def cagr_table(frame: pd.DataFrame, start_year: int = BASE_YEAR, end_year: int = TARGET_YEAR,
               indicator: str = "revenue", area: str = DISTRICT, chains: Iterable[str] | None = None,
               include_all: bool = True) -> pd.DataFrame:
    """CAGR between any two years (2023–2026) by chain and for the sum of chains ('all').

    Columns: chain_id, chain, area, indicator, start_year, end_year, start_value, end_value (亿元 or 户),
    cagr (fraction). NaN where a value is missing or the start is 0.
    """
    start_year, end_year = check_year_pair(start_year, end_year)
    df = as_tidy(frame)
    rows = []
    for cid in _chains_in(df, chains, include_all):
        s = series(df, cid, indicator, area)
        a, b = float(s.get(start_year, math.nan)), float(s.get(end_year, math.nan))
        rows.append({"chain_id": cid, "chain": chain_label(cid), "area": area, "indicator": indicator,
                     "start_year": start_year, "end_year": end_year, "start_value": a, "end_value": b,
                     "cagr": cagr(a, b, end_year - start_year)})
    return pd.DataFrame(rows)


def required_growth(actuals: pd.DataFrame, targets: pd.DataFrame, actual_year: int,
                    indicator: str = "revenue", area: str = DISTRICT, target_year: int = TARGET_YEAR,
                    chains: Iterable[str] | None = None, include_all: bool = True) -> pd.DataFrame:
    """The growth each chain needs from its actual value in ``actual_year`` to reach its ``target_year`` target.

    ``actuals`` is a register panel or a tidy frame of actuals; ``targets`` the target table.
    Columns: chain_id, chain, area, indicator, actual_year, actual, target_year, target (亿元 or 户),
    planned_cagr (the target path's own CAGR over the same years, fraction), required_cagr (fraction),
    extra_pp (required − planned, in percentage points: > 0 means the chain is behind its path).
    """
    actual_year = check_year(actual_year, name="actual_year")
    target_year = check_year(target_year, name="target_year")
    if target_year <= actual_year:
        raise ParameterError(f"target_year {target_year} must be after actual_year {actual_year}")
    act, tgt = as_tidy(actuals), as_tidy(targets)
    rows = []
    for cid in _chains_in(tgt, chains, include_all):
        a = float(series(act, cid, indicator, area).get(actual_year, math.nan))
        ts = series(tgt, cid, indicator, area)
        t = float(ts.get(target_year, math.nan))
        planned = cagr(float(ts.get(actual_year, math.nan)), t, target_year - actual_year)
        req = required_cagr(a, actual_year, t, target_year)
        rows.append({"chain_id": cid, "chain": chain_label(cid), "area": area, "indicator": indicator,
                     "actual_year": actual_year, "actual": a, "target_year": target_year, "target": t,
                     "planned_cagr": planned, "required_cagr": req, "extra_pp": (req - planned) * 100})
    return pd.DataFrame(rows)


def completion_table(actuals: pd.DataFrame, targets: pd.DataFrame, year: int, month: int = 12,
                     indicator: str = "revenue", area: str = DISTRICT, chains: Iterable[str] | None = None,
                     include_all: bool = True) -> pd.DataFrame:
    """完成率 (actual / same-year target) against the time-progress benchmarks, by chain.

    ``month``: the last month the actuals cover (12 = full year). Columns: chain_id, chain, area,
    indicator, year, month, actual, target (亿元 or 户), completion_rate (fraction), time_progress
    (month / 12), ahead (completion_rate ≥ time_progress), plan_progress ((actual − 2023 target) /
    (2026 target − 2023 target): share of the planned increase achieved, fraction), plan_time_progress
    ((year − 2023) / 3). plan_progress compares a full-year actual; with month < 12 read it with care.
    """
    year = check_year(year)
    tp = time_progress(month)
    ptp = plan_time_progress(year)
    act, tgt = as_tidy(actuals), as_tidy(targets)
    rows = []
    for cid in _chains_in(tgt, chains, include_all):
        ts = series(tgt, cid, indicator, area)
        a = float(series(act, cid, indicator, area).get(year, math.nan))
        t = float(ts.get(year, math.nan))
        base, goal = float(ts.get(BASE_YEAR, math.nan)), float(ts.get(TARGET_YEAR, math.nan))
        rate = completion_rate(a, t)
        plan_prog = (a - base) / (goal - base) if goal != base else math.nan
        rows.append({"chain_id": cid, "chain": chain_label(cid), "area": area, "indicator": indicator,
                     "year": year, "month": month, "actual": a, "target": t, "completion_rate": rate,
                     "time_progress": tp, "ahead": bool(rate >= tp) if math.isfinite(rate) else False,
                     "plan_progress": plan_prog, "plan_time_progress": ptp})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- log-linear trend
@dataclass(frozen=True)
class LogTrend:
    """OLS fit of log(value) = a + b·(year − first_year). Growth numbers are fractions.

    ``t_stat``/``p_value`` test H0: b = log(1 + null_growth) (two-sided), when a null is given.
    """

    n: int
    first_year: int
    last_year: int
    intercept: float  # log(value) in first_year
    slope: float  # log growth per year
    slope_se: float
    slope_ci: tuple[float, float]
    growth: float  # exp(slope) − 1
    growth_ci: tuple[float, float]
    r_squared: float
    df_resid: int
    alpha: float
    null_growth: float | None = None
    null_slope: float | None = None
    t_stat: float | None = None
    p_value: float | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["slope_ci"], d["growth_ci"] = list(self.slope_ci), list(self.growth_ci)
        return d

    def summary(self) -> str:
        conf = round(100 * (1 - self.alpha))
        lines = [
            f"Log-linear trend (OLS on log values), {self.first_year}–{self.last_year}, n = {self.n}, df = {self.df_resid}",
            f"  slope {self.slope:.5f} (se {self.slope_se:.5f}), {conf} % CI [{self.slope_ci[0]:.5f}, {self.slope_ci[1]:.5f}]",
            f"  implied annual growth {self.growth:.2%}, {conf} % CI [{self.growth_ci[0]:.2%}, {self.growth_ci[1]:.2%}]",
            f"  R² {self.r_squared:.4f}",
        ]
        if self.null_growth is not None:
            lines.append(f"  H0 growth = {self.null_growth:.2%} (slope {self.null_slope:.5f}): "
                         f"t = {self.t_stat:.3f}, two-sided p = {self.p_value:.4g}")
        return "\n".join(lines)


def _ols_log(values: pd.Series):
    import statsmodels.api as sm

    s = values.dropna()
    if (s <= 0).any():
        raise ParameterError("log-linear trend needs positive values")
    if len(s) < 3:
        raise ParameterError(f"log-linear trend needs at least 3 years of data, got {len(s)}")
    first = int(s.index.min())
    x = sm.add_constant(np.asarray(s.index, dtype=float) - first, has_constant="add")
    res = sm.OLS(np.log(s.to_numpy(dtype=float)), x).fit()
    return res, first, s


def log_trend(values: pd.Series, null_growth: float | None = None, alpha: float = 0.05) -> LogTrend:
    """Fit a log-linear trend (statsmodels OLS of log value on year) to a Series indexed by year.

    Values in 亿元 or 户 (positive); at least 3 years. ``null_growth`` (fraction, e.g. 0.10) adds a
    two-sided t-test of the slope against log(1 + null_growth). CIs at level 1 − ``alpha``.
    """
    alpha = check_alpha(alpha)
    res, first, s = _ols_log(values)
    b, se = float(res.params[1]), float(res.bse[1])
    lo, hi = (float(v) for v in np.asarray(res.conf_int(alpha))[1])
    t_stat = p_value = null_slope = None
    if null_growth is not None:
        null_growth = check_rate(null_growth, name="null_growth")
        null_slope = math.log1p(null_growth)
        if se > 0:
            tt = res.t_test((np.array([[0.0, 1.0]]), np.array([null_slope])))
            t_stat, p_value = float(np.squeeze(tt.tvalue)), float(np.squeeze(tt.pvalue))
        else:  # a path of exactly constant growth: no residual variance
            t_stat = 0.0 if b == null_slope else math.copysign(math.inf, b - null_slope)
            p_value = 1.0 if b == null_slope else 0.0
    return LogTrend(
        n=len(s), first_year=first, last_year=int(s.index.max()), intercept=float(res.params[0]),
        slope=b, slope_se=se, slope_ci=(lo, hi), growth=math.expm1(b), growth_ci=(math.expm1(lo), math.expm1(hi)),
        r_squared=1 - float(res.ssr) / float(res.centered_tss) if res.centered_tss > 0 else math.nan, df_resid=int(res.df_resid), alpha=alpha,
        null_growth=null_growth, null_slope=null_slope, t_stat=t_stat, p_value=p_value,
    )


def _check_to_year(to_year: int, last_year: int) -> int:
    if isinstance(to_year, bool) or not isinstance(to_year, (int, np.integer)) or not (
            last_year <= to_year <= MAX_PROJECTION_YEAR):
        raise ParameterError(f"to_year {to_year!r} must be between {last_year} and {MAX_PROJECTION_YEAR}")
    return int(to_year)


def trend_projection(values: pd.Series, to_year: int = TARGET_YEAR, alpha: float = 0.05,
                     interval: str = "confidence") -> pd.DataFrame:
    """Log-linear trend (statsmodels OLS on log values) fitted to ``values`` and extended to ``to_year``.

    ``values``: Series indexed by year (亿元 or 户, positive, ≥ 3 years). ``interval``: 'confidence'
    (band for the trend line itself) or 'prediction' (band for a single year's value, wider).
    Returns columns year, value, lower, upper (same unit; exp of the log-scale fit and band, i.e. the
    median, not the mean), in_sample (bool) — one row per year from the first observed to ``to_year``.
    """
    alpha = check_alpha(alpha)
    if interval not in ("confidence", "prediction"):
        raise ParameterError(f"interval {interval!r} must be 'confidence' or 'prediction'")
    res, first, s = _ols_log(values)
    last = int(s.index.max())
    to_year = _check_to_year(to_year, last)
    years = np.arange(first, to_year + 1)
    x = np.column_stack([np.ones(len(years)), years - first]).astype(float)
    sf = res.get_prediction(x).summary_frame(alpha=alpha)
    lo_col, hi_col = ("mean_ci_lower", "mean_ci_upper") if interval == "confidence" else ("obs_ci_lower", "obs_ci_upper")
    return pd.DataFrame({
        "year": years.astype(int), "value": np.exp(sf["mean"].to_numpy()),
        "lower": np.exp(sf[lo_col].to_numpy()), "upper": np.exp(sf[hi_col].to_numpy()),
        "in_sample": years <= last,
    })


def ets_projection(values: pd.Series, to_year: int, alpha: float = 0.05, min_points: int = 4) -> pd.DataFrame:
    """Exponential-smoothing projection: statsmodels ``ETSModel`` (additive error, additive trend) on log values.

    That is Holt's linear trend on log(value), so the trend is a growth rate. ``values``: Series
    indexed by consecutive years (亿元 or 户, positive); needs ``min_points`` years (default 4 — with
    so few points the smoothing parameters are barely identified and the result is a mechanical
    extrapolation; read it as such). Returns columns year, value, lower, upper (prediction interval
    at 1 − ``alpha``, back-transformed from logs) for the years after the last observation up to
    ``to_year``; empty if ``to_year`` is the last observed year.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    alpha = check_alpha(alpha)
    s = values.dropna().sort_index()
    if not isinstance(min_points, (int, np.integer)) or min_points < 3:
        raise ParameterError(f"min_points {min_points!r} must be an integer ≥ 3")
    if len(s) < min_points:
        raise ParameterError(f"exponential smoothing needs at least {min_points} years of data, got {len(s)}")
    if (s <= 0).any():
        raise ParameterError("exponential smoothing on logs needs positive values")
    idx = np.asarray(s.index, dtype=int)
    if (np.diff(idx) != 1).any():
        raise ParameterError("exponential smoothing needs consecutive years (no gaps)")
    last = int(idx[-1])
    to_year = _check_to_year(to_year, last)
    cols = ["year", "value", "lower", "upper"]
    if to_year == last:
        return pd.DataFrame(columns=cols).astype(float).astype({"year": int})
    endog = pd.Series(np.log(s.to_numpy(dtype=float)), index=pd.period_range(str(idx[0]), periods=len(s), freq="Y"))
    model = ETSModel(endog, error="add", trend="add")
    with warnings.catch_warnings():
        # tiny samples: the optimiser's convergence chatter is expected; the docstring says how to read it
        warnings.simplefilter("ignore")
        fit = model.fit(disp=False)
    n, h = len(s), to_year - last
    sf = fit.get_prediction(start=n, end=n + h - 1).summary_frame(alpha=alpha)
    return pd.DataFrame({
        "year": np.arange(last + 1, to_year + 1, dtype=int), "value": np.exp(sf["mean"].to_numpy()),
        "lower": np.exp(sf["pi_lower"].to_numpy()), "upper": np.exp(sf["pi_upper"].to_numpy()),
    })


def scenario_paths(base_value: float, base_year: int, to_year: int = TARGET_YEAR,
                   rates: Iterable[float] = SCENARIO_RATES) -> pd.DataFrame:
    """Constant-growth paths value(y) = base_value · (1 + rate) ** (y − base_year).

    ``base_value`` in 亿元 or 户; ``rates`` fractions (0.08 = 8 %). Columns: year, kind
    ('scenario_8' for 0.08; 'scenario_12_5' for 0.125), rate, value — one row per rate and year from
    ``base_year`` to ``to_year`` inclusive.
    """
    base_year = check_year(base_year, name="base_year")
    to_year = _check_to_year(to_year, base_year)
    bv = float(base_value)
    if not math.isfinite(bv) or bv < 0:
        raise ParameterError(f"base_value {base_value!r} must be a non-negative number")
    rows = []
    for r in rates:
        r = check_rate(r)
        kind = "scenario_" + f"{r * 100:g}".replace(".", "_").replace("-", "minus_")
        for y in range(base_year, to_year + 1):
            rows.append({"year": y, "kind": kind, "rate": r, "value": bv * (1 + r) ** (y - base_year)})
    return pd.DataFrame(rows, columns=["year", "kind", "rate", "value"])


FAN_COLUMNS = ["chain_id", "chain", "area", "indicator", "year", "kind", "value", "lower", "upper", "basis"]


def fan_chart_frame(targets: pd.DataFrame, chain_id: str = ALL, actuals: pd.DataFrame | None = None,
                    indicator: str = "revenue", area: str = DISTRICT, to_year: int = TARGET_YEAR,
                    rates: Iterable[float] = SCENARIO_RATES, alpha: float = 0.05,
                    interval: str = "confidence", min_ets_points: int = 4) -> pd.DataFrame:
    """Everything a fan chart of one chain (or 'all') needs, as one tidy frame.

    kind ∈ {target, actual, trend, ets, scenario_8, scenario_10, scenario_12 (per ``rates``)}.
    The projections (trend, ets) are fitted to the actuals when ``actuals`` (register panel or tidy
    frame) has any for the chain, else to the target path; ``basis`` says which ('target' | 'actual';
    'plan' for the target and actual rows themselves). Scenarios start from the last actual, or from
    the first target year. A projection is left out when there are too few points for it (trend
    needs 3, ets ``min_ets_points``) and ets only appears for years after the last observation.
    Columns: chain_id, chain, area, indicator, year, kind, value, lower, upper (亿元 or 户; lower/upper
    NaN where a kind has no band).
    """
    check_chain(chain_id)
    check_indicator(indicator)
    check_area(area)
    tgt = series(targets, chain_id, indicator, area)
    if tgt.empty:
        raise ParameterError(f"no target values for {chain_id} / {indicator} / {area}")
    act = series(actuals, chain_id, indicator, area) if actuals is not None else pd.Series(dtype=float)
    basis_series, basis = (act, "actual") if len(act) else (tgt, "target")
    to_year = _check_to_year(to_year, int(basis_series.index.max()))
    parts = [pd.DataFrame({"year": tgt.index, "kind": "target", "value": tgt.to_numpy(), "basis": "plan"})]
    if len(act):
        parts.append(pd.DataFrame({"year": act.index, "kind": "actual", "value": act.to_numpy(), "basis": "plan"}))
    if len(basis_series) >= 3 and (basis_series > 0).all():
        tr = trend_projection(basis_series, to_year=to_year, alpha=alpha, interval=interval)
        parts.append(tr.drop(columns="in_sample").assign(kind="trend", basis=basis))
    if len(basis_series) >= min_ets_points and to_year > int(basis_series.index.max()) and (basis_series > 0).all():
        try:
            parts.append(ets_projection(basis_series, to_year, alpha=alpha, min_points=min_ets_points)
                         .assign(kind="ets", basis=basis))
        except ParameterError:
            pass  # gaps in the years: no ETS
    base_year = int(act.index.max()) if len(act) else int(tgt.index.min())
    base_value = float(act.iloc[-1]) if len(act) else float(tgt.iloc[0])
    sc = scenario_paths(base_value, base_year, to_year=max(to_year, base_year), rates=rates)
    parts.append(sc.drop(columns="rate").assign(basis="actual" if len(act) else "target"))
    out = pd.concat(parts, ignore_index=True)
    for col in ("lower", "upper"):
        if col not in out.columns:
            out[col] = np.nan
    out = out.assign(chain_id=chain_id, chain=chain_label(chain_id), area=area, indicator=indicator)
    out["year"] = out["year"].astype(int)
    return out[FAN_COLUMNS].reset_index(drop=True)
