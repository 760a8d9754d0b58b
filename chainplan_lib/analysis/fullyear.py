"""Full-year estimates from 1—N月, with honest ranges: the statistics-office convention and a monthly model.

Both work on one series' cumulative table (:func:`chainplan_lib.analysis.monthly.cumulative_table`: years ×
months of 1—N月 figures, 亿元) and use only what was known at 1—N月 of the year (earlier complete years and
this year's months through N), so :mod:`chainplan_lib.analysis.backtest` can replay them on past years.

* ``convention`` — the statistics office's rule: full year = 1—N月 ÷ the average share of the full year
  reached by month N in the previous ``years_back`` complete years (default 3). Its range comes from how
  much that share varied: on log shares, mean ± t(n−1) · sd · √(1 + 1/n) (a prediction interval for one
  more year's share, t with n − 1 degrees of freedom); with one past year there is no range.
* ``ets`` — exponential smoothing (statsmodels ``ETSModel``) on the log of the eleven periods a year
  (1—2月, 3月, …, 12月): additive errors, a damped additive trend, additive seasonality of period 11, i.e.
  multiplicative seasonality and growth on the original scale. Its parameters are estimated once a year,
  on the complete years before the year (at least ``min_years``, default 3, contiguous), with the heuristic
  initial states; the states are then run through this year's months with those parameters (no
  re-estimation within the year). The rest of the year is the point forecast (back-transformed: the median
  path); the range comes from 2,000 simulated paths of the remaining periods, with normal errors of the
  history's residual standard deviation (fixed random seed, so results are reproducible).

Values are in the table's unit; ranges are 80 % and 95 % (lower80 / upper80 / lower95 / upper95).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ParameterError
from .monthly import complete_years, period_values

__all__ = ["Estimate", "METHODS", "METHOD_NAMES", "METHOD_SHORT", "convention_estimate", "EtsFit", "fit_ets", "ets_run",
           "ets_estimate", "full_year_estimates", "YEARS_BACK", "MIN_MODEL_YEARS", "N_SIMULATIONS"]

METHODS = ("convention", "ets")
METHOD_NAMES = {"convention": "统计部门惯例（1—N月累计 ÷ 往年同期进度）",
                "ets": "指数平滑模型（ETS，按月季节性）"}
METHOD_SHORT = {"convention": "惯例法", "ets": "模型法"}
YEARS_BACK = 3
MIN_MODEL_YEARS = 3
N_SIMULATIONS = 2000
SEED = 20250930
PERIODS = 11  # 1—2月, 3月 … 12月


@dataclass(frozen=True)
class Estimate:
    """A full-year estimate and its ranges (NaN when the method cannot give one; ``note`` says why)."""

    method: str
    value: float
    lower80: float = math.nan
    upper80: float = math.nan
    lower95: float = math.nan
    upper95: float = math.nan
    years_used: tuple[int, ...] = ()
    note: str = ""

    @property
    def available(self) -> bool:
        return math.isfinite(self.value)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["years_used"] = list(self.years_used)
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}


def _none(method: str, note: str) -> Estimate:
    return Estimate(method, math.nan, note=note)


def _check(table: pd.DataFrame, year: int, month: int) -> float:
    if isinstance(month, bool) or not isinstance(month, (int, np.integer)) or not 1 <= month <= 12:
        raise ParameterError(f"month {month!r} must be an integer 1–12")
    if year not in table.index or pd.isna(table.loc[year, month]):
        return math.nan
    return float(table.loc[year, month])


# --------------------------------------------------------------------------------------------- convention
def convention_estimate(table: pd.DataFrame, year: int, month: int, years_back: int = YEARS_BACK) -> Estimate:
    """Full year = 1—N月 ÷ mean share reached by month N in the previous ``years_back`` complete years."""
    cum = _check(table, year, month)
    if not math.isfinite(cum):
        return _none("convention", f"{year}年1—{month}月没有数据")
    if month == 12:
        return Estimate("convention", cum, cum, cum, cum, cum, (year,), "全年数据已公布")
    col, full = table[month].to_numpy(dtype=float), table[12].to_numpy(dtype=float)
    ok = (table.index.to_numpy() < year) & ~np.isnan(col) & ~np.isnan(full)
    past = [int(y) for y in table.index[ok][-years_back:]]
    if not past:
        return _none("convention", "没有往年完整数据，无法计算往年同期进度")
    shares = (col[ok] / full[ok])[-years_back:]
    value = cum / shares.mean()
    n = len(shares)
    if n < 2:
        return Estimate("convention", value, years_used=tuple(past), note="只有1个可比年度，不给区间")
    logs = np.log(shares)
    sd = logs.std(ddof=1) * math.sqrt(1 + 1 / n)
    centre = math.log(cum) - math.log(shares.mean())
    band = {lvl: stats.t.ppf(0.5 + lvl / 2, n - 1) * sd for lvl in (0.8, 0.95)}
    return Estimate("convention", value, math.exp(centre - band[0.8]), math.exp(centre + band[0.8]),
                    math.exp(centre - band[0.95]), math.exp(centre + band[0.95]), tuple(past))


# --------------------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class EtsFit:
    """The monthly model estimated on complete years ``years``: smoothing parameters, initial states (from the
    heuristic of Hyndman & Athanasopoulos, on those years), the residual standard deviation, and the log
    periods it was fitted to (``history``)."""

    years: tuple[int, ...]
    params: np.ndarray
    initial: tuple[float, float, np.ndarray]
    sigma: float
    history: np.ndarray


def _model(endog: np.ndarray, fit: EtsFit | None = None):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    spec = dict(error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=PERIODS)
    if fit is None:
        return ETSModel(endog, initialization_method="heuristic", **spec)
    level, trend, season = fit.initial
    return ETSModel(endog, initialization_method="known", initial_level=level, initial_trend=trend,
                    initial_seasonal=season, **spec)


def fit_ets(table: pd.DataFrame, year: int, min_years: int = MIN_MODEL_YEARS) -> EtsFit | str:
    """The model estimated on the contiguous complete years just before ``year``; a note (str) if too few."""
    past = set(complete_years(table, before=year))
    run: list[int] = []
    y = year - 1
    while y in past and period_values(table, y) is not None:  # the contiguous run ending just before `year`
        run.insert(0, y)
        y -= 1
    if len(run) < min_years:
        return f"需要至少 {min_years} 个连续完整年度的月度数据，{year}年之前只有 {len(run)} 个"
    hist = np.concatenate([period_values(table, y) for y in run])
    if (hist <= 0).any():
        return "月度值有零或负数，无法取对数建模"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small samples: optimiser chatter is expected
        res = _model(np.log(hist)).fit(disp=False)
    initial = (float(res.initial_level), float(res.initial_trend), np.asarray(res.initial_seasonal, dtype=float))
    return EtsFit(tuple(run), np.asarray(res.params, dtype=float), initial, float(np.sqrt(res.mse)), np.log(hist))


def ets_run(table: pd.DataFrame, year: int, fit: EtsFit):
    """The model's states run with ``fit``'s parameters through every published period of ``year`` (None when a
    month is missing or not positive). Each state depends only on the periods up to it (a filter)."""
    last = max((m for m in range(2, 13) if year in table.index and pd.notna(table.loc[year, m])), default=None)
    now = period_values(table, year, last) if last else None
    if now is None or (now <= 0).any():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _model(np.concatenate([fit.history, np.log(now)]), fit).smooth(fit.params)


def ets_estimate(table: pd.DataFrame, year: int, month: int, min_years: int = MIN_MODEL_YEARS,
                 fit: EtsFit | str | None = None, run=None, n_sims: int = N_SIMULATIONS,
                 seed: int = SEED) -> Estimate:
    """Full year = 1—N月 + the model's forecast of the remaining periods (see the module docstring).

    ``fit`` (from :func:`fit_ets`) and ``run`` (from :func:`ets_run`) may be passed to avoid recomputing them
    (the backtest does, once per year). The forecast starts from the states after month N; simulated errors
    are normal with the history's residual standard deviation, so nothing after month N enters.
    """
    cum = _check(table, year, month)
    if not math.isfinite(cum):
        return _none("ets", f"{year}年1—{month}月没有数据")
    if month == 12:
        return Estimate("ets", cum, cum, cum, cum, cum, (year,), "全年数据已公布")
    if month < 2:
        return _none("ets", "模型按 1—2月 起算，1月数据不单独建模")
    fit = fit_ets(table, year, min_years) if fit is None else fit
    if isinstance(fit, str):
        return _none("ets", fit)
    run = ets_run(table, year, fit) if run is None else run
    if run is None or period_values(table, year, month) is None:
        return _none("ets", f"{year}年2—{month}月有缺月或非正值，模型无法续算")
    h = 12 - month
    errors = np.zeros((h, n_sims + 1))  # column 0: no error, the point forecast (median path)
    errors[:, 1:] = fit.sigma * np.random.default_rng(seed).standard_normal((h, n_sims))
    anchor = len(fit.history) + (month - 1) - 1  # the last period known at 1—N月 (1—2月 is the first)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = np.asarray(run.simulate(h, anchor=anchor, repetitions=n_sims + 1, random_errors=errors))
    totals = cum + np.exp(paths.reshape(h, -1)).sum(axis=0)
    q = np.percentile(totals[1:], [10, 90, 2.5, 97.5])
    return Estimate("ets", float(totals[0]), *map(float, q), years_used=fit.years)


def full_year_estimates(table: pd.DataFrame, year: int, month: int, years_back: int = YEARS_BACK,
                        min_years: int = MIN_MODEL_YEARS) -> dict[str, Estimate]:
    """Both methods' estimates of ``year``'s full year from its 1—``month``月 figure."""
    return {"convention": convention_estimate(table, year, month, years_back),
            "ets": ets_estimate(table, year, month, min_years)}
