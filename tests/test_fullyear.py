"""Full-year estimates from 1—N月 against series whose full year is known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chainplan_lib.analysis.fullyear import EtsFit, convention_estimate, ets_estimate, fit_ets, full_year_estimates
from chainplan_lib.analysis.monthly import period_values

SHARES = np.array([0.0, 0.13, 0.21, 0.29, 0.37, 0.46, 0.54, 0.62, 0.71, 0.79, 0.88, 1.0])  # 1—N月 ÷ full year


def table(full: dict[int, float], shares: dict[int, np.ndarray] | None = None, last: dict[int, int] | None = None
          ) -> pd.DataFrame:
    """Years × months of cumulative figures: full year × share; month 1 never published; ``last`` cuts a year."""
    rows = {}
    for y, f in full.items():
        s = (shares or {}).get(y, SHARES)
        v = f * s
        v[0] = np.nan
        if last and y in last:
            v[last[y]:] = np.nan
        rows[y] = v
    t = pd.DataFrame.from_dict(rows, orient="index", columns=range(1, 13)).astype(float)
    t.index.name, t.columns.name = "year", "month"
    return t


def test_convention_recovers_the_full_year_when_the_pattern_repeats():
    t = table({2021: 100, 2022: 110, 2023: 121, 2024: 133.1}, last={2024: 9})
    e = convention_estimate(t, 2024, 9)
    # 1—9月 = 0.71 × 133.1; every past year reached 71 % by September: the estimate is exact, the range empty
    assert e.value == pytest.approx(133.1) and e.years_used == (2021, 2022, 2023)
    assert e.lower80 == pytest.approx(133.1) and e.upper95 == pytest.approx(133.1)


def test_convention_range_is_a_t_prediction_interval_on_log_shares():
    shares = {2020: SHARES.copy(), 2021: SHARES.copy(), 2022: SHARES.copy(), 2023: SHARES.copy()}
    for y, s9 in ((2020, 0.50), (2021, 0.68), (2022, 0.70), (2023, 0.72)):
        shares[y][8] = s9
    t = table({2020: 90, 2021: 100, 2022: 110, 2023: 120, 2024: 130}, shares, last={2024: 9})
    e = convention_estimate(t, 2024, 9)  # the previous three years only: 2020's 0.50 is not used
    cum = 0.71 * 130
    assert e.value == pytest.approx(cum / 0.70) and e.years_used == (2021, 2022, 2023)
    logs = np.log([0.68, 0.70, 0.72])
    sd = logs.std(ddof=1) * math.sqrt(1 + 1 / 3)
    centre = math.log(cum) - math.log(0.70)
    assert e.lower80 == pytest.approx(math.exp(centre - stats.t.ppf(0.90, 2) * sd))
    assert e.upper95 == pytest.approx(math.exp(centre + stats.t.ppf(0.975, 2) * sd))
    one = convention_estimate(t, 2024, 9, years_back=1)
    assert one.value == pytest.approx(cum / 0.72) and math.isnan(one.lower80) and "1个可比年度" in one.note


def test_convention_edges():
    t = table({2023: 100, 2024: 110}, last={2024: 5})
    assert convention_estimate(t, 2023, 12).value == 100  # the full year itself
    assert not convention_estimate(t, 2023, 9).available and "没有往年" in convention_estimate(t, 2023, 9).note
    assert not convention_estimate(t, 2024, 9).available  # 1—9月 not published yet
    assert convention_estimate(t, 2024, 2).value == pytest.approx(110)  # 1—2月 is month 2


def _seasonal_series(years: range, growth: float = 0.08, noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Monthly values with an exact seasonal pattern and constant growth (plus optional noise), cumulated."""
    rng = np.random.default_rng(seed)
    season = np.array([0.072, 0.058, 0.083, 0.081, 0.083, 0.090, 0.080, 0.081, 0.087, 0.082, 0.090, 0.113])
    rows = {}
    for k, y in enumerate(years):
        months = 100 * season * (1 + growth) ** (k + (np.arange(12) - 5.5) / 12)
        months = months * np.exp(rng.normal(0, noise, 12))
        cum = months.cumsum()
        cum[0] = np.nan
        rows[y] = cum
    t = pd.DataFrame.from_dict(rows, orient="index", columns=range(1, 13))
    t.index.name, t.columns.name = "year", "month"
    return t


def test_ets_recovers_a_series_with_exact_seasonality_and_growth():
    t = _seasonal_series(range(2019, 2025), noise=0.002)
    truth = float(t.loc[2024, 12])
    for n in (3, 6, 9, 11):
        e = ets_estimate(t, 2024, n)
        assert e.years_used == (2019, 2020, 2021, 2022, 2023)
        assert e.value == pytest.approx(truth, rel=0.01), n
        assert e.lower95 <= truth <= e.upper95 and e.lower95 <= e.lower80 <= e.value <= e.upper80 <= e.upper95
    # the more of the year is known, the narrower the range
    widths = [ets_estimate(t, 2024, n).upper80 - ets_estimate(t, 2024, n).lower80 for n in (3, 9)]
    assert widths[1] < widths[0]


def test_ets_uses_nothing_after_month_n_and_is_reproducible():
    t = _seasonal_series(range(2019, 2025), noise=0.01, seed=3)
    early = t.copy()
    early.loc[2024, 10:] = np.nan  # what was known at 1—9月
    a, b = ets_estimate(t, 2024, 9), ets_estimate(early, 2024, 9)
    assert (a.value, a.lower80, a.upper95) == pytest.approx((b.value, b.lower80, b.upper95), rel=1e-9)
    assert ets_estimate(t, 2024, 9) == a  # seeded simulation: the same numbers every time
    changed = t.copy()
    changed.loc[2024, 12] *= 1.5  # a different December cannot move an estimate made at 1—9月
    assert ets_estimate(changed, 2024, 9).value == pytest.approx(a.value, rel=1e-12)


def test_ets_needs_three_contiguous_complete_years():
    t = _seasonal_series(range(2021, 2025))
    assert isinstance(fit_ets(t, 2024), EtsFit) and fit_ets(t, 2024).years == (2021, 2022, 2023)
    assert isinstance(fit_ets(t, 2023), str)
    e = ets_estimate(t, 2023, 9)  # only 2021 and 2022 before 2023
    assert not e.available and "至少 3 个" in e.note
    assert not ets_estimate(t, 2024, 1).available  # January alone is not modelled
    both = full_year_estimates(t, 2024, 9)
    assert set(both) == {"convention", "ets"} and both["ets"].available and both["convention"].available
    assert period_values(t, 2024, 3) == pytest.approx([t.loc[2024, 2], t.loc[2024, 3] - t.loc[2024, 2]])


def test_numpy_recursions_reproduce_statsmodels_smooth_and_simulate():
    """ets_run and the simulated paths are the model's recursions written with numpy: the same numbers as
    statsmodels' ETSResults.smooth (states) and .simulate (paths) for the same parameters and errors."""
    import warnings

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    from chainplan_lib.analysis.fullyear import PERIODS, _log_paths, ets_run

    t = _seasonal_series(range(2019, 2025), noise=0.01, seed=5)
    t.loc[2024, 10:] = np.nan  # 1—9月 known
    fit = fit_ets(t, 2024)
    run = ets_run(t, 2024, fit)
    y = np.concatenate([fit.history, np.log(period_values(t, 2024, 9))])
    level, trend, season = fit.initial
    model = ETSModel(y, error="add", trend="add", damped_trend=True, seasonal="add", seasonal_periods=PERIODS,
                     initialization_method="known", initial_level=level, initial_trend=trend,
                     initial_seasonal=season)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = model.smooth(fit.params)
    states = np.asarray(ref.states)
    assert np.abs(states[:, 0] - run.level).max() < 1e-12 and np.abs(states[:, 1] - run.trend).max() < 1e-12
    assert np.abs(states[:, 2] - run.seasons[PERIODS:]).max() < 1e-12
    errors = np.random.default_rng(1).normal(0, 0.02, (10, 7))
    for month in (2, 5, 9):
        k = len(fit.history) + month - 2
        h = 12 - month
        sm = np.asarray(ref.simulate(h, anchor=k, repetitions=7, random_errors=errors[:h]))
        assert np.abs(_log_paths(run, k, errors[:h]) - sm).max() < 1e-12, month
