"""Rolling-origin backtests: how far each estimate was from the truth when it could have been made.

Full year (:func:`backtest_full_year`): for every complete year Y in the data and every month N (2–11 by
default), estimate Y's full year from 1—N月 with each method of :mod:`chainplan_lib.analysis.fullyear`, using
only what was known then, and compare with the published 1—12月. The model's parameters are estimated once
per year Y (on the years before it), exactly as the live estimate does.

Multi-year (:func:`backtest_annual`): for every origin year t with enough history, project the annual series
h = 1, 2 … years ahead with the log-linear trend and ETS of :mod:`chainplan_lib.analysis.growth`, and compare.

Summaries: MAPE (mean absolute percentage error, %) by method and month or horizon, and interval coverage
(the share of outcomes inside the 80 % and 95 % ranges; a well-calibrated 80 % range holds about 80 %).

What is quoted (:func:`choose_method`, :func:`calibrated_range`): **one** method for every series of a report — the
one with the smaller backtest error at that month, pooled over the plan's chains on the years both methods
cover — so that the chains' estimates add up to their total (the total is their sum, never modelled apart);
and ranges calibrated on that method's own past errors *at the same month*: with k past years' log errors
e₁…e_k, the 80 % (95 %) range is estimate × exp(± t(k; 0.90 / 0.975) · s), s = √(Σe²/k) — the spread of the
errors actually made, so a range is never narrower than the method's past misses suggest. Backtests are
counted in years (one estimate per year at a month), not years × months.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .fullyear import (
    METHOD_SHORT,
    METHODS,
    MIN_MODEL_YEARS,
    YEARS_BACK,
    as_grid,
    convention_estimate,
    ets_estimate,
    ets_run,
    fit_ets,
    t_quantile,
)
from .monthly import Grid

__all__ = ["BACKTEST_COLUMNS", "backtest_full_year", "mape_by_month", "coverage",
           "backtest_annual", "ANNUAL_COLUMNS", "annual_summary", "choose_method", "month_errors",
           "calibrated_range", "summed_backtest", "Calibration", "MIN_CALIBRATION_YEARS"]

MIN_CALIBRATION_YEARS = 2   # fewer past years at a month: no range is given

BACKTEST_COLUMNS = ["year", "month", "method", "estimate", "actual", "error_pct", "ape", "lower80", "upper80",
                    "lower95", "upper95", "in80", "in95"]
ANNUAL_COLUMNS = ["origin", "year", "horizon", "method", "estimate", "actual", "error_pct", "ape", "lower80",
                  "upper80", "lower95", "upper95", "in80", "in95"]


def _row(year, month, est, actual) -> dict:
    v = est.value
    return {"year": year, "month": month, "method": est.method, "estimate": v, "actual": actual,
            "error_pct": (v / actual - 1) * 100, "ape": abs(v / actual - 1) * 100,
            "lower80": est.lower80, "upper80": est.upper80, "lower95": est.lower95, "upper95": est.upper95,
            "in80": bool(est.lower80 <= actual <= est.upper80) if math.isfinite(est.lower80) else None,
            "in95": bool(est.lower95 <= actual <= est.upper95) if math.isfinite(est.lower95) else None}


def backtest_full_year(table: pd.DataFrame | Grid, years: list[int] | None = None, months=range(2, 12),
                       methods=METHODS, years_back: int = YEARS_BACK, min_years: int = MIN_MODEL_YEARS,
                       before: int | None = None) -> pd.DataFrame:
    """Every (complete year × month × method) estimate that could have been made, against the outcome.

    ``years``: the years to replay (default: every complete year, those before ``before`` when given).
    Rows where a method has no estimate (too little history) are left out. Columns: BACKTEST_COLUMNS
    (estimate/actual/ranges in the table's unit; error_pct signed, ape absolute, in %). The model is fitted
    once per replayed year and reused for every month of it.
    """
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ParameterError(f"unknown methods {sorted(unknown)}; known: {', '.join(METHODS)}")
    grid = as_grid(table)
    years = grid.complete_years(before=before) if years is None else list(years)
    rows = []
    for y in years:
        actual = grid.value(y, 12)
        fit = fit_ets(grid, y, min_years) if "ets" in methods else None
        run = ets_run(grid, y, fit) if fit is not None and not isinstance(fit, str) else None
        for n in months:
            if math.isnan(grid.value(y, n)):
                continue
            for m in methods:
                est = (convention_estimate(grid, y, n, years_back) if m == "convention"
                       else ets_estimate(grid, y, n, min_years, fit=fit, run=run))
                if est.available:
                    rows.append(_row(y, n, est, actual))
    out = pd.DataFrame(rows, columns=BACKTEST_COLUMNS)
    return out.astype({"year": int, "month": int}) if len(out) else out


def _common(bt: pd.DataFrame) -> pd.DataFrame:
    """Only the (year, month) pairs where every method present has an estimate: a fair comparison."""
    if bt.empty:
        return bt
    k = bt["method"].nunique()
    n = bt.groupby(["year", "month"])["method"].transform("nunique")
    return bt[n == k]


def mape_by_month(bt: pd.DataFrame, common: bool = True) -> pd.DataFrame:
    """MAPE (%) by method (rows) and month (columns), plus 'all' months; ``common``: on shared (year, month)s."""
    b = _common(bt) if common else bt
    if b.empty:
        return pd.DataFrame()
    t = b.pivot_table(index="method", columns="month", values="ape", aggfunc="mean")
    t["all"] = b.groupby("method")["ape"].mean()
    t.columns = [c if c == "all" else int(c) for c in t.columns]
    return t


def coverage(bt: pd.DataFrame, common: bool = True) -> pd.DataFrame:
    """Per method: n estimates, MAPE %, bias % (mean signed error) and the share inside the 80 % / 95 % ranges."""
    b = _common(bt) if common else bt
    if b.empty:
        return pd.DataFrame(columns=["method", "n", "mape", "bias", "coverage80", "coverage95", "years"])
    rows = []
    for m, g in b.groupby("method", sort=False):
        c80, c95 = g["in80"].dropna(), g["in95"].dropna()
        rows.append({"method": m, "n": len(g), "mape": g["ape"].mean(), "bias": g["error_pct"].mean(),
                     "coverage80": c80.astype(float).mean() if len(c80) else math.nan,
                     "coverage95": c95.astype(float).mean() if len(c95) else math.nan,
                     "years": f"{g['year'].min()}–{g['year'].max()}"})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------- quoted
def choose_method(backtests: list[pd.DataFrame], month: int, default: str = "convention") -> tuple[str, str]:
    """(method, reason): one method for every series of a report — the smaller MAPE at ``month``, pooled over
    the given backtests (the plan's chains) on the (series, year) pairs where both methods have an estimate.
    Falls back to every month when ``month`` has none, and to ``default`` when nothing can be compared."""
    frames = [b.assign(_s=k) for k, b in enumerate(backtests) if len(b)]
    if not frames:
        return default, "没有可比的回测结果，采用统计部门惯例"
    b = pd.concat(frames, ignore_index=True)
    both = b.groupby(["_s", "year", "month"])["method"].transform("nunique") == b["method"].nunique()
    b = b[both]
    if b.empty or b["method"].nunique() < 2:
        only = sorted(set(pd.concat(frames)["method"]))
        if len(only) == 1:
            return only[0], "只有这一种方法有回测结果"
        return default, "两种方法没有共同的回测年份，采用统计部门惯例"
    at = b[b["month"] == month]
    scope = f"1—{month}月" if len(at) else "各月平均"
    at = at if len(at) else b
    mape = at.groupby("method")["ape"].mean()
    best = mape.idxmin()
    if math.isclose(mape[best], mape.get(default, math.inf), rel_tol=1e-9):
        best = default
    lo, hi = int(at["year"].min()), int(at["year"].max())
    years = f"{lo}" if lo == hi else f"{lo}—{hi}"
    digits = 1 if len({f"{v:.1f}" for v in mape}) == len(mape) else 2   # never print a choice as a tie
    parts = "，".join(f"{METHOD_SHORT.get(m, m)} {v:.{digits}f}%" for m, v in mape.items())
    return str(best), f"各链 {years} 年回测（{scope}）平均绝对误差：{parts}"


def month_errors(bt: pd.DataFrame, method: str, month: int) -> pd.Series:
    """Log errors ln(actual ÷ estimate) of ``method`` at ``month``, one per past year (indexed by year)."""
    if bt.empty:
        return pd.Series(dtype=float)
    g = bt[(bt["method"] == method) & (bt["month"] == month)]
    return pd.Series(np.log(g["actual"].to_numpy() / g["estimate"].to_numpy()), index=g["year"].to_numpy(),
                     dtype=float).sort_index()


@dataclass(frozen=True)
class Calibration:
    """How a quoted range was built: the past years at that month, their errors (%, signed: estimate vs actual)
    and the resulting half-widths (log scale)."""

    method: str
    month: int
    years: tuple[int, ...]
    errors_pct: tuple[float, ...]
    mape_pct: float
    max_ape_pct: float
    half80: float
    half95: float

    @property
    def n(self) -> int:
        return len(self.years)

    def loo_coverage(self) -> tuple[int, int, int]:
        """(years inside the 80 % range, inside the 95 % range, years tried), each year's range built from the
        other years' errors only (leave one out); (0, 0, 0) with fewer than three years."""
        e = np.log(1 + np.asarray(self.errors_pct) / 100) * -1  # back to ln(actual / estimate)
        k = len(e)
        if k < MIN_CALIBRATION_YEARS + 1:
            return 0, 0, 0
        in80 = in95 = 0
        for i in range(k):
            rest = np.delete(e, i)
            s = math.sqrt(float(np.mean(rest ** 2)))
            in80 += abs(e[i]) <= t_quantile(0.9, len(rest)) * s
            in95 += abs(e[i]) <= t_quantile(0.975, len(rest)) * s
        return int(in80), int(in95), k


def calibrated_range(value: float, errors: pd.Series, method: str, month: int) -> tuple[tuple[float, ...], Calibration | None]:
    """((lower80, upper80, lower95, upper95), Calibration) around ``value`` from the past log ``errors`` at
    that month (see the module docstring); NaN ranges and None with fewer than MIN_CALIBRATION_YEARS years."""
    e = errors.dropna()
    k = len(e)
    if k < MIN_CALIBRATION_YEARS or not math.isfinite(value):
        return (math.nan,) * 4, None
    s = math.sqrt(float(np.mean(e.to_numpy() ** 2)))
    h80, h95 = t_quantile(0.9, k) * s, t_quantile(0.975, k) * s
    pct = tuple(float((math.exp(-x) - 1) * 100) for x in e.to_numpy())  # estimate ÷ actual − 1, %
    cal = Calibration(method, int(month), tuple(int(y) for y in e.index), pct,
                      float(np.mean(np.abs(pct))), float(np.max(np.abs(pct))), h80, h95)
    return (value * math.exp(-h80), value * math.exp(h80), value * math.exp(-h95), value * math.exp(h95)), cal


def summed_backtest(backtests: list[pd.DataFrame]) -> pd.DataFrame:
    """The backtest of a sum of series (the plan's chains): for every (year, month, method) all of them have,
    the sum of their estimates against the sum of their outcomes (ranges left out)."""
    if not backtests or any(b.empty for b in backtests):
        return pd.DataFrame(columns=BACKTEST_COLUMNS)
    keys = ["year", "month", "method"]
    parts = [b.set_index(keys)[["estimate", "actual"]] for b in backtests]
    common = parts[0].index
    for p in parts[1:]:
        common = common.intersection(p.index)
    if len(common) == 0:
        return pd.DataFrame(columns=BACKTEST_COLUMNS)
    est = sum(p.loc[common, "estimate"] for p in parts)
    act = sum(p.loc[common, "actual"] for p in parts)
    out = pd.DataFrame({"estimate": est, "actual": act}).reset_index()
    out["error_pct"] = (out["estimate"] / out["actual"] - 1) * 100
    out["ape"] = out["error_pct"].abs()
    for c in ("lower80", "upper80", "lower95", "upper95"):
        out[c] = math.nan
    out["in80"] = out["in95"] = None
    return out[BACKTEST_COLUMNS].sort_values(keys).reset_index(drop=True)


# --------------------------------------------------------------------------------------------- annual
def backtest_annual(annual: pd.Series, horizons=(1, 2), min_train: int | None = None) -> pd.DataFrame:
    """Rolling-origin test of the multi-year projections on an annual series (index year, 亿元).

    For each origin t with at least ``min_train`` years up to t (default: the trend's minimum, 5), fit on
    years ≤ t and project t + h for each h in ``horizons`` that is observed. Methods: 'trend' (log-linear,
    prediction interval) and 'ets' — each only from origins with enough years for it
    (:func:`chainplan_lib.analysis.multiyear.project_annual`).
    """
    from .projections import TREND_MIN_POINTS

    min_train = TREND_MIN_POINTS if min_train is None else min_train
    from .multiyear import project_annual

    s = annual.dropna().sort_index()
    rows = []
    for t in s.index:
        train = s[s.index <= t]
        if len(train) < min_train:
            continue
        ahead = [t + h for h in horizons if t + h in s.index]
        if not ahead:
            continue
        proj = project_annual(train, to_year=max(ahead))
        for r in proj[proj["year"].isin(ahead)].itertuples():
            actual = float(s[r.year])
            in80 = bool(r.lower80 <= actual <= r.upper80) if math.isfinite(r.lower80) else None
            in95 = bool(r.lower95 <= actual <= r.upper95) if math.isfinite(r.lower95) else None
            rows.append({"origin": int(t), "year": int(r.year), "horizon": int(r.year - t), "method": r.method,
                         "estimate": r.value, "actual": actual, "error_pct": (r.value / actual - 1) * 100,
                         "ape": abs(r.value / actual - 1) * 100, "lower80": r.lower80, "upper80": r.upper80,
                         "lower95": r.lower95, "upper95": r.upper95, "in80": in80, "in95": in95})
    return pd.DataFrame(rows, columns=ANNUAL_COLUMNS)


def annual_summary(bt: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon: n, MAPE %, coverage of the 80 % and 95 % ranges."""
    if bt.empty:
        return pd.DataFrame(columns=["method", "horizon", "n", "mape", "coverage80", "coverage95"])
    g = bt.groupby(["method", "horizon"])
    out = g.agg(n=("ape", "size"), mape=("ape", "mean"))
    out["coverage80"] = g["in80"].apply(lambda s: s.dropna().astype(float).mean() if s.notna().any() else np.nan)
    out["coverage95"] = g["in95"].apply(lambda s: s.dropna().astype(float).mean() if s.notna().any() else np.nan)
    return out.reset_index()
