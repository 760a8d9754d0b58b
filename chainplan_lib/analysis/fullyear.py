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

Speed: only the estimation of the parameters calls statsmodels (once per series and year, reused for every
month N). Running the states through a year and simulating the remaining periods are the model's own
recursions written out with numpy (:func:`ets_run`, :func:`ets_estimate`): the same numbers as statsmodels'
``smooth`` and ``simulate`` (``tests/test_fullyear.py`` compares them), without building a model object for
every month, and the 2,000 paths of one month are one vectorised recursion. BLAS is held to one thread while
fitting (:func:`blas_one_thread`): the matrices are tiny, and OpenBLAS worker threads spinning on a shared
machine cost several times the useful work.

Values are in the table's unit; ranges are 80 % and 95 % (lower80 / upper80 / lower95 / upper95).
"""

from __future__ import annotations

import contextlib
import functools
import math
import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .monthly import Grid

__all__ = ["Estimate", "METHODS", "METHOD_NAMES", "METHOD_SHORT", "convention_estimate", "EtsFit", "fit_ets", "ets_run",
           "EtsRun", "ets_estimate", "full_year_estimates", "YEARS_BACK", "MIN_MODEL_YEARS", "N_SIMULATIONS",
           "blas_one_thread", "as_grid", "t_quantile"]

METHODS = ("convention", "ets")
METHOD_NAMES = {"convention": "统计部门惯例（1—N月累计 ÷ 往年同期进度）",
                "ets": "指数平滑模型（ETS，按月季节性）",
                "pace": "按目前增速测算（上年全年数 ×（1 + 1—N月同比增速）；往年没有同期数据时，未经回测）"}
METHOD_SHORT = {"convention": "惯例法", "ets": "模型法", "pace": "按目前增速测算"}
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


def as_grid(table: pd.DataFrame | Grid) -> Grid:
    """The cumulative table as arrays (:class:`chainplan_lib.analysis.monthly.Grid`); a Grid is returned as is."""
    return table if isinstance(table, Grid) else Grid(table)


_CONTROLLER = None


@contextlib.contextmanager
def blas_one_thread():
    """BLAS (OpenBLAS in numpy and scipy) limited to one thread inside the block (threadpoolctl).

    The models here multiply matrices of a few dozen rows: extra BLAS threads only spin, and on a machine whose
    cores are shared they take CPU from the work itself (measured: a monthly fit 9 ms of CPU alone, 30–45 ms
    with OpenBLAS's default threads). The controller is built once, after statsmodels and scipy are loaded.
    """
    global _CONTROLLER
    if _CONTROLLER is None:
        import scipy.optimize  # noqa: F401  (loads scipy's own OpenBLAS before the controller looks)
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    with _CONTROLLER.limit(limits=1, user_api="blas"):
        yield


def _check(grid: Grid, year: int, month: int) -> float:
    if isinstance(month, bool) or not isinstance(month, (int, np.integer)) or not 1 <= month <= 12:
        raise ParameterError(f"month {month!r} must be an integer 1–12")
    return grid.value(year, int(month))


@functools.lru_cache(maxsize=64)
def t_quantile(q: float, df: int) -> float:
    """The q quantile of Student's t with ``df`` degrees of freedom (cached)."""
    from scipy import stats  # here, not at import: scipy.stats takes ~0.5 s to import

    return float(stats.t.ppf(q, df))


# --------------------------------------------------------------------------------------------- convention
def convention_estimate(table: pd.DataFrame | Grid, year: int, month: int, years_back: int = YEARS_BACK) -> Estimate:
    """Full year = 1—N月 ÷ mean share reached by month N in the previous ``years_back`` complete years."""
    grid = as_grid(table)
    cum = _check(grid, year, month)
    if not math.isfinite(cum):
        return _none("convention", f"{year}年1—{month}月没有数据")
    if month == 12:
        return Estimate("convention", cum, cum, cum, cum, cum, (year,), "全年数据已公布")
    col, full = grid.cum[:, month - 1], grid.cum[:, 11]
    ok = (grid.years < year) & ~np.isnan(col) & ~np.isnan(full)
    past = tuple(int(y) for y in grid.years[ok][-years_back:])
    if not past:
        return _none("convention", "没有往年完整数据，无法计算往年同期进度")
    shares = (col[ok] / full[ok])[-years_back:]
    mean = float(shares.mean())
    value = cum / mean
    n = len(shares)
    if n < 2:
        return Estimate("convention", value, years_used=past, note="只有1个可比年度，不给区间")
    sd = float(np.log(shares).std(ddof=1)) * math.sqrt(1 + 1 / n)
    centre = math.log(cum) - math.log(mean)
    b80, b95 = t_quantile(0.9, n - 1) * sd, t_quantile(0.975, n - 1) * sd
    return Estimate("convention", value, math.exp(centre - b80), math.exp(centre + b80),
                    math.exp(centre - b95), math.exp(centre + b95), past)


# --------------------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class EtsFit:
    """The monthly model estimated on complete years ``years``: smoothing parameters (α, β, γ, φ as statsmodels
    reports them), initial states (from the heuristic of Hyndman & Athanasopoulos, on those years), the residual
    standard deviation, and the log periods it was fitted to (``history``)."""

    years: tuple[int, ...]
    params: np.ndarray
    initial: tuple[float, float, np.ndarray]
    sigma: float
    history: np.ndarray


@dataclass(frozen=True)
class EtsRun:
    """The model's states after each period of the history and of ``year``'s published months: level and trend
    per period; ``seasons`` holds the PERIODS initial seasonal states followed by the one after each period (so
    the season a period t uses, s(t − 11), is ``seasons[t]``)."""

    fit: EtsFit
    year: int
    level: np.ndarray
    trend: np.ndarray
    seasons: np.ndarray


def _model(endog: np.ndarray):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(endog, initialization_method="heuristic", error="add", trend="add", damped_trend=True,
                    seasonal="add", seasonal_periods=PERIODS)


def fit_ets(table: pd.DataFrame | Grid, year: int, min_years: int = MIN_MODEL_YEARS) -> EtsFit | str:
    """The model estimated on the contiguous complete years just before ``year``; a note (str) if too few."""
    grid = as_grid(table)
    past = set(grid.complete_years(before=year))
    run: list[int] = []
    y = year - 1
    while y in past and grid.periods(y) is not None:  # the contiguous run ending just before `year`
        run.insert(0, y)
        y -= 1
    if len(run) < min_years:
        return f"需要至少 {min_years} 个连续完整年度的月度数据，{year}年之前只有 {len(run)} 个"
    hist = np.concatenate([grid.periods(y) for y in run])
    if (hist <= 0).any():
        return "月度值有零或负数，无法取对数建模"
    with warnings.catch_warnings(), blas_one_thread():
        warnings.simplefilter("ignore")  # small samples: optimiser chatter is expected
        res = _model(np.log(hist)).fit(disp=False)
    initial = (float(res.initial_level), float(res.initial_trend), np.asarray(res.initial_seasonal, dtype=float))
    return EtsFit(tuple(run), np.asarray(res.params, dtype=float), initial, float(np.sqrt(res.mse)), np.log(hist))


def _filter(fit: EtsFit, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Additive-error ETS(A, Ad, A) states through ``y`` from the fit's initial states, parameters fixed:
    B = φ·b, L = l + B, ŷ = L + s(t−m), e = y − ŷ; l ← L + α·e, b ← B + β·e, s(t) ← s(t−m) + γ·e."""
    a, b, g, phi = (float(v) for v in fit.params[:4])
    lvl, tr = fit.initial[0], fit.initial[1]
    n = len(y)
    level, trend, seasons = np.empty(n), np.empty(n), np.empty(PERIODS + n)
    seasons[:PERIODS] = fit.initial[2]
    for t, yt in enumerate(y.tolist()):
        big_b = phi * tr
        big_l = lvl + big_b
        s = seasons[t]
        e = yt - big_l - s
        lvl, tr = big_l + a * e, big_b + b * e
        level[t], trend[t], seasons[t + PERIODS] = lvl, tr, s + g * e
    return level, trend, seasons


def ets_run(table: pd.DataFrame | Grid, year: int, fit: EtsFit) -> EtsRun | None:
    """The model's states run with ``fit``'s parameters through every published period of ``year`` (None when a
    month is missing or not positive). Each state depends only on the periods up to it (a filter)."""
    grid = as_grid(table)
    last = grid.last_month(year)
    now = grid.periods(year, last) if last and last >= 2 else None
    if now is None or (now <= 0).any():
        return None
    level, trend, seasons = _filter(fit, np.concatenate([fit.history, np.log(now)]))
    return EtsRun(fit, int(year), level, trend, seasons)


@functools.lru_cache(maxsize=16)
def _normals(h: int, n: int, seed: int) -> np.ndarray:
    z = np.random.default_rng(seed).standard_normal((h, n))
    z.flags.writeable = False
    return z


def _log_paths(run: EtsRun, k: int, errors: np.ndarray) -> np.ndarray:
    """Log values of the periods after period ``k`` (0-based over history + this year), one column per error
    path (``errors``: periods × paths), from the states after ``k`` (the same recursion as :func:`_filter`)."""
    a, b, g, phi = (float(v) for v in run.fit.params[:4])
    h, reps = errors.shape
    lvl = np.full(reps, run.level[k])
    tr = np.full(reps, run.trend[k])
    seasons: list = list(run.seasons[k + 1:k + 1 + PERIODS])  # s(t−m) for the next period is seasons[-PERIODS]
    out = np.empty((h, reps))
    for i in range(h):
        e = errors[i]
        big_b = phi * tr
        big_l = lvl + big_b
        s = seasons[-PERIODS]
        out[i] = big_l + s + e
        lvl, tr = big_l + a * e, big_b + b * e
        seasons.append(s + g * e)
    return out


def ets_estimate(table: pd.DataFrame | Grid, year: int, month: int, min_years: int = MIN_MODEL_YEARS,
                 fit: EtsFit | str | None = None, run: EtsRun | None = None, n_sims: int = N_SIMULATIONS,
                 seed: int = SEED) -> Estimate:
    """Full year = 1—N月 + the model's forecast of the remaining periods (see the module docstring).

    ``fit`` (from :func:`fit_ets`) and ``run`` (from :func:`ets_run`) may be passed to avoid recomputing them
    (the backtest does, once per year). The forecast starts from the states after month N; simulated errors
    are normal with the history's residual standard deviation, so nothing after month N enters. Path 0 has no
    errors: the point forecast (median path).
    """
    grid = as_grid(table)
    cum = _check(grid, year, month)
    if not math.isfinite(cum):
        return _none("ets", f"{year}年1—{month}月没有数据")
    if month == 12:
        return Estimate("ets", cum, cum, cum, cum, cum, (year,), "全年数据已公布")
    if month < 2:
        return _none("ets", "模型按 1—2月 起算，1月数据不单独建模")
    fit = fit_ets(grid, year, min_years) if fit is None else fit
    if isinstance(fit, str):
        return _none("ets", fit)
    run = ets_run(grid, year, fit) if run is None else run
    if run is None or grid.periods(year, month) is None:
        return _none("ets", f"{year}年2—{month}月有缺月或非正值，模型无法续算")
    h = 12 - month
    errors = np.empty((h, n_sims + 1))
    errors[:, 0] = 0.0
    np.multiply(fit.sigma, _normals(h, n_sims, seed), out=errors[:, 1:])
    k = len(fit.history) + month - 2  # the last period known at 1—N月 (1—2月 is the year's first)
    totals = cum + np.exp(_log_paths(run, k, errors)).sum(axis=0)
    q = np.percentile(totals[1:], [10, 90, 2.5, 97.5])
    return Estimate("ets", float(totals[0]), *map(float, q), years_used=fit.years)


def full_year_estimates(table: pd.DataFrame | Grid, year: int, month: int, years_back: int = YEARS_BACK,
                        min_years: int = MIN_MODEL_YEARS) -> dict[str, Estimate]:
    """Both methods' estimates of ``year``'s full year from its 1—``month``月 figure."""
    grid = as_grid(table)
    return {"convention": convention_estimate(grid, year, month, years_back),
            "ets": ets_estimate(grid, year, month, min_years)}
