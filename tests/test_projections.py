"""Projections: log-linear trend and ETS prediction intervals at the level asked for, minimum sample sizes,
and fan-chart frames that never project the plan's own path. Expected values by hand, with the reference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _plans import PLAN
from _targets_fixture import targets_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib.analysis import projections as P
from chainplan_lib.errors import ParameterError

# Student t and normal quantiles from printed tables (e.g. Abramowitz & Stegun 26.7 / 26.2), not from scipy
T975_DF2, T975_DF3, T90_DF3 = 4.302653, 3.182446, 1.637744
Z975, Z90 = 1.959964, 1.281552


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return targets_frame()


# ---------------------------------------------------------------------------------- log-linear trend
# log values 0, 0.1, 0.3, 0.3 at x = 0..3: x̄ = 1.5, ȳ = 0.175, Sxx = 5, Sxy = 0.55 → slope 0.11, intercept 0.01;
# residuals −0.01, −0.02, 0.07, −0.04 → SSR 0.007, s² = 0.0035, se(slope) = sqrt(0.0035/5) = 0.0264575.
HAND4 = pd.Series(np.exp([0.0, 0.1, 0.3, 0.3]), index=[2023, 2024, 2025, 2026])
# five points, log values 0, 0.1, 0.3, 0.3, 0.5 at x = 0..4 (2022–2026): x̄ = 2, ȳ = 0.24, Sxx = 10, Sxy = 1.2 →
# slope 0.12, intercept 0; residuals 0, −0.02, 0.06, −0.06, 0.02 → SSR 0.008, s² = 0.008/3, df 3.
HAND5 = pd.Series(np.exp([0.0, 0.1, 0.3, 0.3, 0.5]), index=range(2022, 2027))
S5 = math.sqrt(0.008 / 3)  # 0.0516398


def test_log_trend_by_hand():
    lt = P.log_trend(HAND4, null_growth=0.10)
    assert lt.slope == pytest.approx(0.11)
    assert lt.intercept == pytest.approx(0.01)
    assert lt.slope_se == pytest.approx(0.0264575, abs=1e-7)
    half = T975_DF2 * 0.0264575  # 4.302653 × 0.0264575 = 0.113838
    assert lt.slope_ci == pytest.approx((0.11 - half, 0.11 + half), abs=1e-6)
    assert lt.growth == pytest.approx(math.exp(0.11) - 1)
    # t = (0.11 − ln 1.1)/se = 0.0146898/0.0264575 = 0.555223; df 2: p = 1 − t/sqrt(t² + 2) = 0.634555
    assert lt.t_stat == pytest.approx(0.555223, abs=1e-5)
    assert lt.p_value == pytest.approx(0.634555, abs=1e-5)
    assert "H0 growth = 10.00%" in lt.summary()


def test_trend_prediction_interval_by_hand_at_two_levels():
    """PI = ŷ ± t(n−2)·s·√(1 + 1/n + (x₀ − x̄)²/Sxx) (Wooldridge §6.4); at 2027 x₀ = 5: ŷ = 0.6,
    leverage 1/5 + 9/10 = 1.1, so se_obs = s·√2.1 = 0.0748322 and se_fit = s·√1.1 = 0.0541603."""
    tr = P.trend_projection(HAND5, to_year=2027, levels=(0.8, 0.95)).set_index("year")
    se_obs, se_fit = S5 * math.sqrt(2.1), S5 * math.sqrt(1.1)
    assert tr.loc[2027, "value"] == pytest.approx(math.exp(0.6))
    # default: a 95 % prediction interval in lower/upper: 0.6 ± 3.182446 × 0.0748322 = 0.6 ± 0.238150
    assert tr.loc[2027, "lower"] == pytest.approx(math.exp(0.6 - T975_DF3 * se_obs), rel=1e-6)
    assert tr.loc[2027, "upper"] == pytest.approx(math.exp(0.361850 + 2 * 0.238150), rel=1e-5)
    assert tr.loc[2027, "upper_95"] == tr.loc[2027, "upper"]
    # 80 %: 0.6 ± 1.637744 × 0.0748322 = 0.6 ± 0.122556
    assert tr.loc[2027, "lower_80"] == pytest.approx(math.exp(0.6 - 0.122556), rel=1e-5)
    assert tr.loc[2027, "upper_80"] == pytest.approx(math.exp(0.6 + T90_DF3 * se_obs), rel=1e-6)
    # the two levels' log half-widths are in the ratio of their t quantiles: 1.637744 / 3.182446 = 0.514618
    half80 = math.log(tr.loc[2027, "upper_80"]) - 0.6
    half95 = math.log(tr.loc[2027, "upper_95"]) - 0.6
    assert half80 / half95 == pytest.approx(0.514618, abs=1e-5)
    # confidence band (the trend line, not a year's value) is narrower: 0.6 ± 3.182446 × 0.0541603
    ci = P.trend_projection(HAND5, to_year=2027, interval="confidence").set_index("year")
    assert ci.loc[2027, "upper"] == pytest.approx(math.exp(0.6 + T975_DF3 * se_fit), rel=1e-6)
    assert bool(tr.loc[2026, "in_sample"]) and not bool(tr.loc[2027, "in_sample"])
    assert tr.attrs["projection"] == {"method": "log-linear OLS", "interval": "prediction", "level": 0.95, "n": 5}


def test_trend_level_keyword_and_alpha_agree():
    a = P.trend_projection(HAND5, to_year=2028, alpha=0.2)
    b = P.trend_projection(HAND5, to_year=2028, level=0.8)
    assert a["upper"].tolist() == b["upper"].tolist()
    # x₀ = 6 (2028): leverage 1/5 + 16/10 = 1.8 → se_obs = s·√2.8; 80 %: ŷ 0.72 ± 1.637744·se_obs
    assert b["upper"].iloc[-1] == pytest.approx(math.exp(0.72 + T90_DF3 * S5 * math.sqrt(2.8)), rel=1e-6)


def test_trend_needs_five_points_unless_told_otherwise():
    with pytest.raises(ParameterError, match="at least 5 years"):
        P.trend_projection(HAND4, to_year=2027)
    # an analyst may lower the floor explicitly (never below 3)
    tr = P.trend_projection(HAND4, to_year=2027, min_points=3, interval="confidence").set_index("year")
    # 2027 (x = 4): ŷ = 0.01 + 0.44 = 0.45; se_fit = sqrt(0.0035)·sqrt(1/4 + 2.5²/5) = 0.0724569
    assert tr.loc[2027, "upper"] == pytest.approx(math.exp(0.45 + T975_DF2 * 0.0724569), rel=1e-6)
    with pytest.raises(ParameterError):
        P.trend_projection(HAND4, to_year=2027, min_points=2)
    with pytest.raises(ParameterError):
        P.trend_projection(HAND5, to_year=2027, interval="fan")
    with pytest.raises(ParameterError):
        P.trend_projection(HAND5, to_year=2099)
    with pytest.raises(ParameterError, match="level"):
        P.trend_projection(HAND5, to_year=2027, level=95)


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(-0.2, 0.4), start=st.floats(10, 1000))
def test_log_trend_recovers_constant_growth(rate, start):
    s = pd.Series([start * (1 + rate) ** k for k in range(5)], index=range(2022, 2027))
    assert P.log_trend(s).growth == pytest.approx(rate, abs=1e-9)
    tr = P.trend_projection(s, to_year=2028).set_index("year")
    assert tr.loc[2028, "value"] == pytest.approx(start * (1 + rate) ** 6, rel=1e-8)


# ----------------------------------------------------------------------------------------------- ETS
def _noisy(n: int = 14, seed: int = 3) -> pd.Series:
    rng = np.random.default_rng(seed)
    steps = 0.08 + rng.normal(0, 0.04, n)
    return pd.Series(100 * np.exp(np.cumsum(steps)), index=range(2026 - n + 1, 2027))


def test_ets_band_honours_the_level_and_widens_as_holt_says():
    """ETS(A,A,N) forecast variance σ_h² = σ²[1 + (h−1)(α² + αβh + β²h(2h−1)/6)] (Hyndman, Koehler, Ord &
    Snyder 2008, Table 6.1); the band is mean ± z·σ_h on logs, z = 1.959964 (95 %) or 1.281552 (80 %)."""
    e = P.ets_projection(_noisy(), to_year=2029, levels=(0.8,))
    par = e.attrs["ets"]
    a, b, s2 = par["smoothing_level"], par["smoothing_trend"], par["sigma2"]
    assert par["n"] == 14 and par["level"] == 0.95
    for h, row in enumerate(e.itertuples(), start=1):
        sd = math.sqrt(s2 * (1 + (h - 1) * (a * a + a * b * h + b * b * h * (2 * h - 1) / 6)))
        mid = math.log(row.value)
        assert math.log(row.upper) - mid == pytest.approx(Z975 * sd, rel=1e-5)
        assert mid - math.log(row.lower) == pytest.approx(Z975 * sd, rel=1e-5)
        assert math.log(row.upper_80) - mid == pytest.approx(Z90 * sd, rel=1e-5)
    # the two levels differ by the ratio of their z quantiles: 1.281552 / 1.959964 = 0.653865
    half80 = np.log(e["upper_80"] / e["value"])
    half95 = np.log(e["upper"] / e["value"])
    assert (half80 / half95).to_numpy() == pytest.approx([0.653865] * 3, abs=1e-5)
    # and a level asked as level= gives the same band as the 80 % column
    e80 = P.ets_projection(_noisy(), to_year=2029, level=0.8)
    assert e80["upper"].to_numpy() == pytest.approx(e["upper_80"].to_numpy())


def test_ets_on_an_exact_log_linear_path_continues_it():
    s = pd.Series([100 * 1.1 ** k for k in range(10)], index=range(2017, 2027))
    e = P.ets_projection(s, to_year=2028)
    assert e["year"].tolist() == [2027, 2028]
    # 100·1.1^10 = 259.374246, 100·1.1^11 = 285.311671
    assert e["value"].tolist() == pytest.approx([259.374246, 285.311671], rel=1e-3)
    assert P.ets_projection(s, to_year=2026).empty


def test_ets_needs_ten_consecutive_points():
    s = _noisy(10)
    assert len(P.ets_projection(s, to_year=2027)) == 1
    with pytest.raises(ParameterError, match="at least 10"):
        P.ets_projection(s.iloc[1:], to_year=2027)
    with pytest.raises(ParameterError, match="consecutive"):
        P.ets_projection(_noisy(12).drop(2020), to_year=2028)
    with pytest.raises(ParameterError):
        P.ets_projection(s, to_year=2027, min_points=3)


def test_scenario_paths():
    sc = P.scenario_paths(690, 2023, 2026).set_index(["kind", "year"])
    # 690·1.08³ = 869.20128; 690·1.1³ = 918.39; 690·1.12³ = 969.40032
    assert sc.loc[("scenario_8", 2026), "value"] == pytest.approx(869.20128)
    assert sc.loc[("scenario_10", 2026), "value"] == pytest.approx(918.39)
    assert sc.loc[("scenario_12", 2026), "value"] == pytest.approx(969.40032)
    assert sc.loc[("scenario_10", 2023), "value"] == 690
    assert set(P.scenario_paths(1, 2024, 2026, rates=[0.125])["kind"]) == {"scenario_12_5"}
    with pytest.raises(ParameterError):
        P.scenario_paths(690, 2023, 2026, rates=[-1.5])
    with pytest.raises(ParameterError):
        P.scenario_paths(-1, 2023, 2026)


# --------------------------------------------------------------------------------------- fan chart
def _actuals(values: list[float], last_year: int = 2026, chain: str = "textiles") -> pd.DataFrame:
    years = range(last_year - len(values) + 1, last_year + 1)
    return pd.DataFrame({"year": list(years), "chain_id": chain, "area": "全区", "enterprises": 1,
                         "revenue_yi": values})


def test_fan_from_targets_describes_the_plan_and_projects_nothing(targets):
    f = P.fan_chart_frame(targets, "all", to_year=2028, plan=PLAN)
    assert list(f.columns) == P.FAN_COLUMNS + ["lower_80", "upper_80", "lower_95", "upper_95"]
    assert set(f["kind"]) == {"target", "scenario_8", "scenario_10", "scenario_12"}
    assert f.attrs["projections"]["trend"] == {"drawn": False, "n": 0, "min": 5, "reason": "no_actuals"}
    k = f.set_index(["kind", "year"])
    # planned year-on-year: 768/690 − 1 = 0.113043, 870/768 − 1 = 0.132813, 1000/870 − 1 = 0.149425
    assert k.loc[("target", 2024), "yoy"] == pytest.approx(0.113043, abs=1e-6)
    assert k.loc[("target", 2026), "yoy"] == pytest.approx(0.149425, abs=1e-6)
    assert math.isnan(k.loc[("target", 2023), "yoy"])
    # scenarios start from the first target (690 in 2023), so their basis is the plan
    assert k.loc[("scenario_10", 2026), "value"] == pytest.approx(918.39)
    assert set(f["basis"]) == {"plan"}


def test_fan_with_two_actual_years_says_why_there_is_no_model(targets):
    f = P.fan_chart_frame(targets, "textiles", actuals=_actuals([330.0, 360.0], 2024), plan=PLAN)
    assert set(f["kind"]) == {"target", "actual", "scenario_8", "scenario_10", "scenario_12"}
    st = f.attrs["projections"]
    assert st["trend"] == {"drawn": False, "n": 2, "min": 5, "reason": "too_few_points"}
    assert st["ets"]["reason"] == "too_few_points" and st["ets"]["min"] == 10
    b = f.groupby("kind")["basis"].first()
    assert b["target"] == "plan" and b["actual"] == "actual" and b["scenario_10"] == "actual"
    k = f.set_index(["kind", "year"])
    assert k.loc[("actual", 2024), "yoy"] == pytest.approx(360 / 330 - 1)
    assert k.loc[("scenario_10", 2026), "value"] == pytest.approx(360 * 1.21)  # 435.6


def test_fan_with_six_actual_years_has_a_trend_with_nested_bands(targets):
    vals = [200 * 1.1 ** k * (1.02 if k % 2 else 0.98) for k in range(6)]
    f = P.fan_chart_frame(targets, "textiles", actuals=_actuals(vals, 2025), to_year=2027, plan=PLAN)
    assert f.attrs["projections"]["trend"]["drawn"] and not f.attrs["projections"]["ets"]["drawn"]
    tr = f[(f["kind"] == "trend") & (f["year"] > 2025)]
    assert tr["basis"].unique().tolist() == ["actual"]
    assert (tr["lower_95"] < tr["lower_80"]).all() and (tr["lower_80"] < tr["value"]).all()
    assert (tr["value"] < tr["upper_80"]).all() and (tr["upper_80"] < tr["upper_95"]).all()
    assert tr["upper"].tolist() == tr["upper_95"].tolist()
    # it is a prediction band: wider than the confidence band of the same fit
    ci = P.trend_projection(pd.Series(vals, index=range(2020, 2026)), to_year=2027, interval="confidence")
    assert (tr["upper_95"].to_numpy() > ci["upper"].to_numpy()[-2:]).all()


def test_fan_with_twelve_actual_years_has_ets(targets):
    vals = _noisy(12).tolist()
    f = P.fan_chart_frame(targets, "textiles", actuals=_actuals(vals, 2025), to_year=2027, plan=PLAN)
    assert f.attrs["projections"]["ets"] == {"drawn": True, "n": 12, "min": 10, "reason": None}
    assert sorted(f.loc[f["kind"] == "ets", "year"]) == [2026, 2027]
    assert f.loc[f["kind"] == "ets", "lower_80"].notna().all()
    gaps = _actuals(vals, 2025).drop(index=3)
    f2 = P.fan_chart_frame(targets, "textiles", actuals=gaps, to_year=2027, plan=PLAN)
    assert f2.attrs["projections"]["ets"]["reason"] == "gaps"
    same_year = P.fan_chart_frame(targets, "textiles", actuals=_actuals(vals, 2026), to_year=2026, plan=PLAN)
    assert same_year.attrs["projections"]["ets"]["reason"] == "no_future_years"


def test_fan_with_one_level(targets):
    f = P.fan_chart_frame(targets, "textiles", actuals=_actuals([float(v) for v in range(300, 360, 10)], 2025),
                          levels=None, alpha=0.2, plan=PLAN)
    assert list(f.columns) == P.FAN_COLUMNS
    assert f.attrs["levels"] == [0.8]
    with pytest.raises(ParameterError):
        P.fan_chart_frame(targets, "textiles", levels=(0.8, 1.5), plan=PLAN)


def test_ets_fit_is_the_best_of_several_starts():
    """On a random walk with drift (α near 1) statsmodels' default start (α = 0.1) stops at α = 1e-4; the
    multi-start fit finds the higher likelihood (seed 0: log-likelihood 26.9 against 22.1)."""
    import warnings

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(0)
    values = pd.Series(100 * np.exp(np.cumsum(0.08 + rng.normal(0, 0.04, 14))), index=range(2013, 2027))
    e = P.ets_projection(values, to_year=2027)
    endog = pd.Series(np.log(values.to_numpy()), index=pd.period_range("2013", periods=14, freq="Y"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = ETSModel(endog, error="add", trend="add").fit(disp=False)
    assert default.params.iloc[0] < 1e-3
    assert e.attrs["ets"]["llf"] > default.llf + 4
    assert e.attrs["ets"]["smoothing_level"] > 0.9
