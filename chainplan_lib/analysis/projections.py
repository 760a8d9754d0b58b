"""Projections of a yearly series: log-linear trend, exponential smoothing, constant-rate scenarios, fan charts.

Everything here works on log values, so growth is multiplicative and back-transformed values are
*medians* (exp of the log-scale forecast), not means. Units follow the series (亿元 or 户); rates are
fractions (0.10 = 10 %).

Rules a reader can rely on (each is tested):

* **Bands are prediction intervals.** A fan chart shows where a *single future year's value* may fall,
  so its bands are prediction intervals (parameter and residual uncertainty for OLS; the model's
  forecast variance for ETS), at the levels asked for — by default 80 % and 95 % (``FAN_LEVELS``).
  ``trend_projection(interval="confidence")`` still gives the narrower band for the trend line
  itself, for analysts; it is never drawn as a fan.
* **Enough data or no model.** A log-linear trend needs at least ``TREND_MIN_POINTS`` = 5 years and
  exponential smoothing at least ``ETS_MIN_POINTS`` = 10: Holt's method estimates four parameters
  (two smoothing weights, initial level and slope) plus the error variance, and with fewer points the
  weights sit at their bounds and the band stops widening with the horizon (Hyndman & Kostenko 2007,
  "Minimum sample size requirements for seasonal forecasting models", *Foresight* 6; Hyndman &
  Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §8.1–8.7). Below that the model is
  not fitted and :func:`fan_chart_frame` records why, so the text can say so instead of drawing.
* **The plan's own path is described, not projected.** Fitting a trend to four planned targets and
  extending it is a description of the plan's shape presented as a forecast. :func:`fan_chart_frame`
  fits models only to actuals; the target path is shown with its planned year-on-year rates.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..plan.model import TOTAL as DISTRICT
from ..plan.model import Plan
from .growth import ALL, check_alpha, check_area, check_chain, check_indicator, check_rate, series

__all__ = [
    "TREND_MIN_POINTS", "ETS_MIN_POINTS", "FAN_LEVELS", "MAX_PROJECTION_YEAR", "SCENARIO_RATES",
    "LogTrend", "log_trend", "trend_projection", "ets_projection", "scenario_paths", "fan_chart_frame",
    "FAN_COLUMNS", "band_columns",
]

TREND_MIN_POINTS = 5
ETS_MIN_POINTS = 10
FAN_LEVELS: tuple[float, ...] = (0.8, 0.95)
MAX_PROJECTION_YEAR = 2035
SCENARIO_RATES: tuple[float, ...] = (0.08, 0.10, 0.12)


# --------------------------------------------------------------------------- levels
def _level_pct(level: float) -> str:
    """0.8 → '80', 0.95 → '95', 0.975 → '97.5' (column suffix and label)."""
    return f"{level * 100:g}"


def band_columns(level: float) -> tuple[str, str]:
    """Names of the band columns for a level: 0.8 → ('lower_80', 'upper_80')."""
    p = _level_pct(level).replace(".", "_")
    return f"lower_{p}", f"upper_{p}"


def _resolve_levels(alpha: float, level: float | None, levels: Iterable[float] | None) -> tuple[float, list[float]]:
    """(main level, extra levels). ``level`` overrides ``alpha`` (level = 1 − alpha); each must be in (0, 1)."""
    alpha = check_alpha(alpha)
    main = 1 - alpha
    if level is not None:
        if not (isinstance(level, (int, float)) and 0 < level < 1):
            raise ParameterError(f"level {level!r} must be a coverage strictly between 0 and 1 (e.g. 0.95)")
        main = float(level)
    extra = []
    for lv in levels or ():
        if not (isinstance(lv, (int, float)) and 0 < lv < 1):
            raise ParameterError(f"level {lv!r} must be a coverage strictly between 0 and 1 (e.g. 0.8)")
        extra.append(float(lv))
    return main, extra


def _check_min_points(min_points, floor: int, name: str) -> int:
    if isinstance(min_points, bool) or not isinstance(min_points, (int, np.integer)) or min_points < floor:
        raise ParameterError(f"{name} {min_points!r} must be an integer ≥ {floor}")
    return int(min_points)


def _check_to_year(to_year: int, last_year: int) -> int:
    if isinstance(to_year, bool) or not isinstance(to_year, (int, np.integer)) or not (
            last_year <= to_year <= MAX_PROJECTION_YEAR):
        raise ParameterError(f"to_year {to_year!r} must be between {last_year} and {MAX_PROJECTION_YEAR}")
    return int(to_year)


def _positive_years(values: pd.Series, what: str) -> pd.Series:
    s = values.dropna().sort_index()
    if (s <= 0).any():
        raise ParameterError(f"{what} on logs needs positive values")
    return s


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


def _ols_log(values: pd.Series, min_points: int = 3):
    from statsmodels.regression.linear_model import OLS  # not statsmodels.api: it imports every model
    from statsmodels.tools.tools import add_constant

    s = _positive_years(values, "log-linear trend")
    if len(s) < min_points:
        raise ParameterError(f"log-linear trend needs at least {min_points} years of data, got {len(s)}")
    first = int(s.index.min())
    x = add_constant(np.asarray(s.index, dtype=float) - first, has_constant="add")
    res = OLS(np.log(s.to_numpy(dtype=float)), x).fit()
    return res, first, s


def log_trend(values: pd.Series, null_growth: float | None = None, alpha: float = 0.05) -> LogTrend:
    """Fit a log-linear trend (statsmodels OLS of log value on year) to a Series indexed by year.

    Values in 亿元 or 户 (positive); at least 3 years. ``null_growth`` (fraction, e.g. 0.10) adds a
    two-sided t-test of the slope against log(1 + null_growth). CIs at level 1 − ``alpha``. This is a
    *description* of a path (used on the plan's four targets by the consistency test, with that caveat);
    projections use :func:`trend_projection`, which needs ``TREND_MIN_POINTS`` years.
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
        r_squared=1 - float(res.ssr) / float(res.centered_tss) if res.centered_tss > 0 else math.nan,
        df_resid=int(res.df_resid), alpha=alpha, null_growth=null_growth, null_slope=null_slope,
        t_stat=t_stat, p_value=p_value,
    )


def trend_projection(values: pd.Series, to_year: int, alpha: float = 0.05,
                     interval: str = "prediction", *, level: float | None = None,
                     levels: Sequence[float] | None = None, min_points: int = TREND_MIN_POINTS) -> pd.DataFrame:
    """Log-linear trend (statsmodels OLS on log values) fitted to ``values`` and extended to ``to_year``.

    ``values``: Series indexed by year (亿元 or 户, positive, ≥ ``min_points`` years, default 5).
    ``interval``: 'prediction' (default: where one year's value may fall, ŷ ± t·s·√(1 + x₀ᵀ(XᵀX)⁻¹x₀))
    or 'confidence' (the trend line itself, without the √1 term; narrower, never a fan).
    ``level`` (e.g. 0.95) or ``alpha`` (0.05) sets the band in ``lower``/``upper``; ``levels`` (e.g.
    (0.8, 0.95)) adds ``lower_80``/``upper_80``, ``lower_95``/``upper_95``. Bands use the t distribution
    with n − 2 df and are exp of the log-scale band (medians). Reference: Wooldridge, *Introductory
    Econometrics*, §6.4 (prediction intervals); statsmodels ``OLSResults.get_prediction``.
    Returns columns year, value, lower, upper, [band columns], in_sample (bool) — one row per year
    from the first observed to ``to_year``. ``attrs['projection']`` records method, interval, level, n.
    """
    main, extra = _resolve_levels(alpha, level, levels)
    if interval not in ("confidence", "prediction"):
        raise ParameterError(f"interval {interval!r} must be 'confidence' or 'prediction'")
    min_points = _check_min_points(min_points, 3, "min_points")
    res, first, s = _ols_log(values, min_points)
    last = int(s.index.max())
    to_year = _check_to_year(to_year, last)
    years = np.arange(first, to_year + 1)
    x = np.column_stack([np.ones(len(years)), years - first]).astype(float)
    pred = res.get_prediction(x)
    lo_col, hi_col = ("mean_ci_lower", "mean_ci_upper") if interval == "confidence" else ("obs_ci_lower", "obs_ci_upper")
    out = pd.DataFrame({"year": years.astype(int), "value": np.exp(pred.predicted_mean)})
    for lv, (lo_name, hi_name) in [(main, ("lower", "upper")), *((lv, band_columns(lv)) for lv in extra)]:
        sf = pred.summary_frame(alpha=1 - lv)
        out[lo_name], out[hi_name] = np.exp(sf[lo_col].to_numpy()), np.exp(sf[hi_col].to_numpy())
    out["in_sample"] = years <= last
    out.attrs["projection"] = {"method": "log-linear OLS", "interval": interval, "level": main, "n": len(s)}
    return out


ETS_STARTS = ((0.1, 0.01), (0.5, 0.05), (0.9, 0.01))  # (α, β) starting points; statsmodels' default is the first


def _fit_ets(endog: pd.Series):
    """ETS(A,A,N) by maximum likelihood from several starting weights, keeping the highest likelihood.

    statsmodels starts at α = 0.1, β = 0.01 and can stop in a local optimum with α at its lower bound
    when the data are closer to a random walk with drift (α near 1): measured on simulated series, the
    log-likelihood at α ≈ 0.99 exceeded the default fit's by up to 4.8. Several starts are the usual
    remedy for a multimodal likelihood.
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(endog, error="add", trend="add")
    best = None
    with warnings.catch_warnings():
        # the optimiser's convergence chatter on short series; attrs['ets']['at_bound'] reports the outcome
        warnings.simplefilter("ignore")
        for a, b in ETS_STARTS:
            start = model.start_params.copy()
            start[0], start[1] = a, b
            fit = model.fit(start_params=start, disp=False)
            if best is None or fit.llf > best.llf + 1e-9:
                best = fit
    return best


def ets_projection(values: pd.Series, to_year: int, alpha: float = 0.05, min_points: int = ETS_MIN_POINTS, *,
                   level: float | None = None, levels: Sequence[float] | None = None) -> pd.DataFrame:
    """Exponential-smoothing projection: statsmodels ``ETSModel`` (additive error, additive trend) on log values.

    That is Holt's linear trend on log(value), ETS(A,A,N), so the trend is a growth rate. ``values``:
    Series indexed by consecutive years (亿元 or 户, positive), at least ``min_points`` (default 10).
    The band is the model's prediction interval, mean ± z·σ_h with σ_h² = σ²[1 + (h − 1)(α² + αβh
    + β²h(2h − 1)/6)] (Hyndman, Koehler, Ord & Snyder 2008, *Forecasting with Exponential Smoothing*,
    Table 6.1, class 1), at ``level`` (or 1 − ``alpha``) in ``lower``/``upper`` and at each of ``levels``
    in ``lower_80`` … columns; it ignores the uncertainty of the estimated parameters. Returns columns
    year, value, lower, upper, [band columns] for the years after the last observation up to
    ``to_year`` (empty if ``to_year`` is the last observed year). ``attrs['ets']`` holds the fitted
    smoothing_level α, smoothing_trend β, sigma2 (= SSE / n), the log-likelihood and whether a weight
    sits at its bound; the fit is the best of several starting points (:func:`_fit_ets`).
    """
    main, extra = _resolve_levels(alpha, level, levels)
    min_points = _check_min_points(min_points, 4, "min_points")
    s = _positive_years(values, "exponential smoothing")
    if len(s) < min_points:
        raise ParameterError(f"exponential smoothing needs at least {min_points} years of data, got {len(s)}")
    idx = np.asarray(s.index, dtype=int)
    if (np.diff(idx) != 1).any():
        raise ParameterError("exponential smoothing needs consecutive years (no gaps)")
    last = int(idx[-1])
    to_year = _check_to_year(to_year, last)
    cols = ["year", "value", "lower", "upper"] + [c for lv in extra for c in band_columns(lv)]
    if to_year == last:
        return pd.DataFrame(columns=cols).astype(float).astype({"year": int})
    endog = pd.Series(np.log(s.to_numpy(dtype=float)), index=pd.period_range(str(idx[0]), periods=len(s), freq="Y"))
    fit = _fit_ets(endog)
    n, h = len(s), to_year - last
    pred = fit.get_prediction(start=n, end=n + h - 1)
    out = pd.DataFrame({"year": np.arange(last + 1, to_year + 1, dtype=int),
                        "value": np.exp(np.asarray(pred.predicted_mean, dtype=float))})
    for lv, (lo_name, hi_name) in [(main, ("lower", "upper")), *((lv, band_columns(lv)) for lv in extra)]:
        sf = pred.summary_frame(alpha=1 - lv)
        out[lo_name], out[hi_name] = np.exp(sf["pi_lower"].to_numpy()), np.exp(sf["pi_upper"].to_numpy())
    a, b = float(fit.params.iloc[0]), float(fit.params.iloc[1])
    out.attrs["ets"] = {"smoothing_level": a, "smoothing_trend": b, "sigma2": float(fit.mse), "n": n,
                        "llf": float(fit.llf),
                        "level": main, "at_bound": bool(min(a, b) < 1e-3 or max(a, b) > 1 - 1e-3)}
    return out


def scenario_paths(base_value: float, base_year: int, to_year: int,
                   rates: Iterable[float] = SCENARIO_RATES) -> pd.DataFrame:
    """Constant-growth paths value(y) = base_value · (1 + rate) ** (y − base_year), to ``to_year``.

    ``base_value`` in 亿元 or 户; ``rates`` fractions (0.08 = 8 %). Columns: year, kind
    ('scenario_8' for 0.08; 'scenario_12_5' for 0.125), rate, value — one row per rate and year from
    ``base_year`` to ``to_year`` inclusive. A scenario is arithmetic ("if it grew 10 % a year"), not a forecast.
    """
    if isinstance(base_year, bool) or not isinstance(base_year, (int, np.integer)) or not 2000 <= base_year <= 2100:
        raise ParameterError(f"base_year {base_year!r} is not a year")
    base_year = int(base_year)
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


FAN_COLUMNS = ["chain_id", "chain", "area", "indicator", "year", "kind", "value", "yoy", "lower", "upper", "basis"]


def _status(kind: str, s: pd.Series, need: int, to_year: int) -> dict:
    n = len(s)
    if n < need:
        return {"drawn": False, "n": n, "min": need, "reason": "too_few_points"}
    if kind == "ets" and (np.diff(np.asarray(s.index, dtype=int)) != 1).any():
        return {"drawn": False, "n": n, "min": need, "reason": "gaps"}
    if kind == "ets" and to_year <= int(s.index.max()):
        return {"drawn": False, "n": n, "min": need, "reason": "no_future_years"}
    if (s <= 0).any():
        return {"drawn": False, "n": n, "min": need, "reason": "non_positive"}
    return {"drawn": True, "n": n, "min": need, "reason": None}


def fan_chart_frame(targets: pd.DataFrame, chain_id: str = ALL, actuals: pd.DataFrame | None = None,
                    indicator: str = "revenue", area: str = DISTRICT, to_year: int | None = None,
                    rates: Iterable[float] = SCENARIO_RATES, alpha: float = 0.05,
                    interval: str = "prediction", min_ets_points: int = ETS_MIN_POINTS, *,
                    levels: Sequence[float] | None = FAN_LEVELS,
                    min_trend_points: int = TREND_MIN_POINTS, plan: Plan) -> pd.DataFrame:
    """Everything a fan chart of one chain (or 'all') needs, as one tidy frame; ``to_year`` defaults to the
    plan's target year.

    kind ∈ {target, actual, trend, ets, scenario_8, scenario_10, scenario_12 (per ``rates``)}.
    * target: the plan's path, with its planned year-on-year rate in ``yoy`` (a description of the plan);
    * actual: the actuals (register panel, or a tidy actuals frame), with their ``yoy``;
    * trend / ets: fitted **to the actuals only** (never to the targets), when there are at least
      ``min_trend_points`` (5) / ``min_ets_points`` (10) years; bands are prediction intervals at each of
      ``levels`` (default 80 % and 95 %: columns ``lower_80``/``upper_80``, ``lower_95``/``upper_95``;
      ``lower``/``upper`` are the widest); with ``levels=None``, one band at 1 − ``alpha``;
    * scenario_*: constant-rate paths from the last actual (or, without actuals, from the first target).
    ``basis`` says what a row's values come from: 'plan' (target rows; scenarios started from a
    target), 'actual' (actual rows, models fitted to actuals, scenarios started from an actual).
    ``attrs['projections']`` = {'trend': status, 'ets': status} with status {'drawn', 'n', 'min',
    'reason'} — reason 'too_few_points', 'gaps', 'no_future_years', 'non_positive', 'no_actuals' or None —
    so the text can say why a model is absent. Values in 亿元 or 户; ``yoy`` a fraction.
    """
    to_year = plan.target_year if to_year is None else to_year
    check_chain(chain_id, plan=plan)
    check_indicator(indicator, plan=plan)
    check_area(area, plan=plan)
    main, extra = _resolve_levels(alpha, None, levels)
    all_levels = sorted(set(extra)) if extra else [main]
    tgt = series(targets, chain_id, indicator, area, plan=plan)
    if tgt.empty:
        raise ParameterError(f"no target values for {chain_id} / {indicator} / {area}")
    act = series(actuals, chain_id, indicator, area, plan=plan) if actuals is not None else pd.Series(dtype=float)
    last_obs = int(act.index.max()) if len(act) else int(tgt.index.min())
    to_year = _check_to_year(to_year, last_obs)

    def with_yoy(s: pd.Series, kind: str, basis: str) -> pd.DataFrame:
        prev = s.reindex(s.index - 1).to_numpy()
        yoy = np.where(np.isfinite(prev) & (prev > 0), s.to_numpy() / np.where(prev > 0, prev, 1) - 1, np.nan)
        return pd.DataFrame({"year": s.index, "kind": kind, "value": s.to_numpy(), "yoy": yoy, "basis": basis})

    parts = [with_yoy(tgt, "target", "plan")]
    status = {"trend": {"drawn": False, "n": 0, "min": min_trend_points, "reason": "no_actuals"},
              "ets": {"drawn": False, "n": 0, "min": min_ets_points, "reason": "no_actuals"}}
    if len(act):
        parts.append(with_yoy(act, "actual", "actual"))
        status["trend"] = _status("trend", act, _check_min_points(min_trend_points, 3, "min_trend_points"), to_year)
        status["ets"] = _status("ets", act, _check_min_points(min_ets_points, 4, "min_ets_points"), to_year)
        widest = max(all_levels)
        band_kw = {"level": widest, "levels": all_levels if extra else None}
        if status["trend"]["drawn"]:
            tr = trend_projection(act, to_year=to_year, interval=interval, min_points=min_trend_points, **band_kw)
            parts.append(tr.drop(columns="in_sample").assign(kind="trend", basis="actual"))
        if status["ets"]["drawn"]:
            parts.append(ets_projection(act, to_year, min_points=min_ets_points, **band_kw)
                         .assign(kind="ets", basis="actual"))
    base_year, base_value = (int(act.index.max()), float(act.iloc[-1])) if len(act) else (
        int(tgt.index.min()), float(tgt.iloc[0]))
    sc = scenario_paths(base_value, base_year, to_year=max(to_year, base_year), rates=rates)
    parts.append(sc.drop(columns="rate").assign(basis="actual" if len(act) else "plan"))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    band_cols = [c for lv in all_levels for c in band_columns(lv)] if extra else []
    for col in ("yoy", "lower", "upper", *band_cols):
        if col not in out.columns:
            out[col] = np.nan
    out = out.assign(chain_id=chain_id, chain=plan.chain_label(chain_id), area=area, indicator=indicator)
    out["year"] = out["year"].astype(int)
    out = out[FAN_COLUMNS + band_cols].reset_index(drop=True)
    out.attrs["projections"] = status
    out.attrs["levels"] = all_levels
    out.attrs["interval"] = interval
    return out
