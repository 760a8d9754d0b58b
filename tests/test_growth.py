"""chainplan_lib.analysis.growth against hand-computed numbers on the real target table and small made-up series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _targets_fixture import targets_frame
from chainplan_lib.analysis import growth as g
from chainplan_lib.errors import ParameterError

T975_DF2 = math.sqrt(0.9025 * 2 / (1 - 0.9025))  # t quantile, df 2: t/sqrt(t²+2) = 0.95 → t² = 1.805/0.0975 → 4.302653


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return targets_frame()


def _panel() -> pd.DataFrame:
    """A small register panel: 全区 rows for the four chains and 'other', 2023–2025, plus one area row."""
    rows = []
    revenue = {"textiles": [330, 360, 400], "metallurgy": [240, 250, 260], "electronics": [60, 70, 80],
               "food_pharma": [70, 75, 85], "other": [500, 520, 540]}
    for cid, vals in revenue.items():
        for year, v in zip((2023, 2024, 2025), vals):
            rows.append({"year": year, "chain_id": cid, "area": "全区", "enterprises": 10, "revenue_yi": v})
    rows.append({"year": 2024, "chain_id": "textiles", "area": "罗家镇", "enterprises": 50, "revenue_yi": 55.0})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------- CAGR
def test_cagr_of_each_chain_and_of_the_sum(targets):
    t = g.cagr_table(targets).set_index("chain_id")
    # (500/320)^(1/3) − 1 = 1.5625^(1/3) − 1 = 0.160397
    assert t.loc["textiles", "cagr"] == pytest.approx(0.160397, abs=1e-6)
    # (300/240)^(1/3) − 1 = 1.25^(1/3) − 1 = 0.077217
    assert t.loc["metallurgy", "cagr"] == pytest.approx(0.077217, abs=1e-6)
    # (100/65)^(1/3) − 1 = 1.538462^(1/3) − 1 = 0.154416 (electronics and food_pharma alike)
    assert t.loc["electronics", "cagr"] == pytest.approx(0.154416, abs=1e-6)
    assert t.loc["food_pharma", "cagr"] == pytest.approx(0.154416, abs=1e-6)
    # sum: 320+240+65+65 = 690 → 500+300+100+100 = 1000; (1000/690)^(1/3) − 1 = 1.449275^(1/3) − 1 = 0.131663
    assert t.loc["all", ["start_value", "end_value"]].tolist() == [690.0, 1000.0]
    assert t.loc["all", "cagr"] == pytest.approx(0.131663, abs=1e-6)
    assert list(t.columns) == ["chain", "area", "indicator", "start_year", "end_year", "start_value", "end_value",
                               "cagr"]
    assert t.loc["all", "chain"] == "四链合计"


def test_cagr_any_two_years_and_enterprises(targets):
    t = g.cagr_table(targets, 2024, 2025, indicator="enterprises").set_index("chain_id")
    # food_pharma enterprises 21 → 28 in one year: 28/21 − 1 = 0.333333
    assert t.loc["food_pharma", "cagr"] == pytest.approx(1 / 3)
    # all enterprises 2024: 255+22+16+21 = 314; 2025: 275+25+22+28 = 350; 350/314 − 1 = 0.114650
    assert t.loc["all", "start_value"] == 314 and t.loc["all", "end_value"] == 350
    assert t.loc["all", "cagr"] == pytest.approx(0.114650, abs=1e-6)


def test_cagr_by_area(targets):
    t = g.cagr_table(targets, area="高新园区", include_all=False).set_index("chain_id")
    # 高新园区 textiles 208 → 326: (326/208)^(1/3) − 1 = 1.567308^(1/3) − 1 = 0.161586 (1.161586³ = 1.567305)
    assert t.loc["textiles", "cagr"] == pytest.approx(0.161586, abs=1e-6)
    # an area with 0 in the base year has no CAGR
    t2 = g.cagr_table(targets, area="站东街道", include_all=False)
    assert t2["cagr"].isna().all()


def test_cagr_scalar_edge_cases():
    assert g.cagr(100, 121, 2) == pytest.approx(0.10)  # 1.21^(1/2) = 1.1
    assert g.cagr(100, 0, 3) == -1.0
    assert math.isnan(g.cagr(0, 10, 3))
    assert math.isnan(g.cagr(float("nan"), 10, 3))
    with pytest.raises(ParameterError):
        g.cagr(100, 121, 0)


@given(start=st.floats(1, 1e4), rate=st.floats(-0.5, 1.0), years=st.integers(1, 10))
def test_cagr_of_a_constant_growth_path_is_that_growth(start, rate, years):
    assert g.cagr(start, start * (1 + rate) ** years, years) == pytest.approx(rate, abs=1e-9)


# ------------------------------------------------------------------------------------------ YoY
def test_yoy_growth(targets):
    y = g.yoy_growth(targets).set_index(["chain_id", "year"])
    assert math.isnan(y.loc[("textiles", 2023), "yoy"])
    assert y.loc[("textiles", 2024), "yoy"] == pytest.approx(0.15625)  # 370/320 − 1
    assert y.loc[("metallurgy", 2026), "yoy"] == pytest.approx(1 / 9)  # 300/270 − 1
    # sums 690, 768, 870, 1000: 768/690 − 1 = 0.113043; 870/768 − 1 = 0.132813; 1000/870 − 1 = 0.149425
    assert y.loc[("all", 2024), "value"] == 768
    assert y.loc[("all", 2024), "yoy"] == pytest.approx(0.113043, abs=1e-6)
    assert y.loc[("all", 2025), "yoy"] == pytest.approx(0.1328125)
    assert y.loc[("all", 2026), "yoy"] == pytest.approx(0.149425, abs=1e-6)
    assert len(y) == 5 * 4


@given(rate=st.floats(-0.3, 0.5), start=st.floats(1, 1000))
def test_yoy_of_constant_growth_is_constant(rate, start):
    df = pd.DataFrame([{"chain_id": "textiles", "year": y, "indicator": "revenue", "area": "全区",
                        "value": start * (1 + rate) ** (y - 2023)} for y in range(2023, 2027)])
    y = g.yoy_growth(df, chains=["textiles"], include_all=False)
    assert np.allclose(y["yoy"].iloc[1:], rate)


# ------------------------------------------------------------------- required growth, completion
def test_required_cagr_scalar():
    # 360 in 2024 → 500 in 2026: sqrt(500/360) − 1 = sqrt(1.388889) − 1 = 0.178511
    assert g.required_cagr(360, 2024, 500) == pytest.approx(0.178511, abs=1e-6)
    with pytest.raises(ParameterError):
        g.required_cagr(360, 2026, 500)
    with pytest.raises(ParameterError):
        g.required_cagr(360, 2019, 500)


def test_required_growth_from_register_panel(targets):
    r = g.required_growth(_panel(), targets, actual_year=2024).set_index("chain_id")
    # textiles: 360 → 500 over 2 years: 0.178511; planned 370 → 500: sqrt(1.351351) − 1 = 0.162476
    assert r.loc["textiles", "actual"] == 360
    assert r.loc["textiles", "required_cagr"] == pytest.approx(0.178511, abs=1e-6)
    assert r.loc["textiles", "planned_cagr"] == pytest.approx(0.162476, abs=1e-6)
    assert r.loc["textiles", "extra_pp"] == pytest.approx((0.178511 - 0.162476) * 100, abs=1e-3)
    # all (the 'other' chain excluded): 360+250+70+75 = 755 → 1000: sqrt(1000/755) − 1 = sqrt(1.324503) − 1 = 0.150871
    assert r.loc["all", "actual"] == 755
    assert r.loc["all", "required_cagr"] == pytest.approx(0.150871, abs=1e-6)


@given(actual=st.floats(10, 1000), target=st.floats(10, 2000), year=st.sampled_from([2023, 2024, 2025]))
def test_growing_at_the_required_rate_hits_the_target(actual, target, year):
    r = g.required_cagr(actual, year, target)
    assert actual * (1 + r) ** (2026 - year) == pytest.approx(target, rel=1e-9)


def test_completion_rate_and_time_progress(targets):
    assert g.completion_rate(333, 370) == pytest.approx(0.9)
    assert math.isnan(g.completion_rate(5, 0))
    assert g.time_progress(6) == 0.5
    assert g.plan_time_progress(2025) == pytest.approx(2 / 3)
    with pytest.raises(ParameterError):
        g.time_progress(13)
    with pytest.raises(ParameterError):
        g.plan_time_progress(2027)
    act = pd.DataFrame({"year": [2024] * 4, "chain_id": ["textiles", "metallurgy", "electronics", "food_pharma"],
                        "area": "全区", "enterprises": [1, 1, 1, 1], "revenue_yi": [166.5, 100.0, 40.0, 40.0]})
    c = g.completion_table(act, targets, year=2024, month=6).set_index("chain_id")
    # textiles half-year 166.5 / 370 = 0.45 < time progress 6/12 = 0.5 → behind
    assert c.loc["textiles", "completion_rate"] == pytest.approx(0.45)
    assert c.loc["textiles", "time_progress"] == 0.5
    assert not c.loc["textiles", "ahead"]
    # electronics 40 / 74 = 0.540541 ≥ 0.5 → ahead
    assert c.loc["electronics", "completion_rate"] == pytest.approx(40 / 74)
    assert c.loc["electronics", "ahead"]
    # all: (166.5+100+40+40) / 768 = 346.5/768 = 0.451172
    assert c.loc["all", "completion_rate"] == pytest.approx(0.451172, abs=1e-6)
    # plan progress of a full-year actual: textiles (166.5 − 320)/(500 − 320) < 0; plan time 1/3
    assert c.loc["textiles", "plan_progress"] == pytest.approx((166.5 - 320) / 180)
    assert c.loc["textiles", "plan_time_progress"] == pytest.approx(1 / 3)


# ---------------------------------------------------------------------------------- series, panel
def test_series_and_panel(targets):
    s = g.series(targets)
    assert s.to_dict() == {2023: 690.0, 2024: 768.0, 2025: 870.0, 2026: 1000.0}
    p = g.series(_panel(), "all")
    assert p.to_dict() == {2023: 700.0, 2024: 755.0, 2025: 825.0}  # 330+240+60+70 = 700 etc., 'other' left out
    assert g.series(_panel(), "textiles", area="罗家镇").to_dict() == {2024: 55.0}
    tidy = g.tidy_panel(_panel())
    assert set(tidy["indicator"]) == {"revenue", "enterprises"}
    assert list(tidy.columns) == ["chain_id", "chain", "year", "indicator", "area", "value"]
    # a panel without 全区 rows: the district is the sum of the areas
    areas_only = pd.DataFrame({"year": [2024, 2024], "chain_id": ["textiles", "textiles"],
                               "area": ["罗家镇", "湖坊镇"], "enterprises": [3, 4], "revenue_yi": [5.0, 7.0]})
    assert g.series(areas_only, "textiles").to_dict() == {2024: 12.0}


@pytest.mark.parametrize("kwargs, match", [
    ({"chain_id": "steel"}, "unknown chain id"),
    ({"indicator": "profit"}, "unknown indicator"),
    ({"area": "东湖区"}, "unknown area"),
])
def test_series_rejects_unknown_names(targets, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        g.series(targets, **kwargs)


def test_year_validation(targets):
    with pytest.raises(ParameterError, match="outside 2023–2026"):
        g.cagr_table(targets, 2022, 2026)
    with pytest.raises(ParameterError, match="must be after"):
        g.cagr_table(targets, 2025, 2024)


# ---------------------------------------------------------------------------------- projections
# log values 0, 0.1, 0.3, 0.3 at x = 0..3: x̄ = 1.5, ȳ = 0.175, Sxx = 5, Sxy = 0.55 → slope 0.11, intercept 0.01;
# residuals −0.01, −0.02, 0.07, −0.04 → SSR 0.007, s² = 0.0035, se(slope) = sqrt(0.0035/5) = 0.0264575.
HAND = pd.Series(np.exp([0.0, 0.1, 0.3, 0.3]), index=[2023, 2024, 2025, 2026])


def test_log_trend_by_hand():
    lt = g.log_trend(HAND, null_growth=0.10)
    assert lt.slope == pytest.approx(0.11)
    assert lt.intercept == pytest.approx(0.01)
    assert lt.slope_se == pytest.approx(0.0264575, abs=1e-7)
    half = T975_DF2 * 0.0264575  # 4.302653 × 0.0264575 = 0.113838
    assert lt.slope_ci[0] == pytest.approx(0.11 - half, abs=1e-6)
    assert lt.slope_ci[1] == pytest.approx(0.11 + half, abs=1e-6)
    assert lt.growth == pytest.approx(math.exp(0.11) - 1)
    # t = (0.11 − ln 1.1)/se = 0.0146898/0.0264575 = 0.555223; df 2: p = 1 − t/sqrt(t² + 2) = 0.634555
    assert lt.t_stat == pytest.approx(0.555223, abs=1e-5)
    assert lt.p_value == pytest.approx(0.634555, abs=1e-5)
    assert "H0 growth = 10.00%" in lt.summary()


def test_trend_projection_by_hand():
    tr = g.trend_projection(HAND, to_year=2027).set_index("year")
    # 2027 (x = 4): ŷ = 0.01 + 0.44 = 0.45; se_fit = sqrt(0.0035)·sqrt(1/4 + 2.5²/5) = 0.0591608 × 1.2247449 = 0.0724569
    assert tr.loc[2027, "value"] == pytest.approx(math.exp(0.45))
    assert tr.loc[2027, "lower"] == pytest.approx(math.exp(0.45 - T975_DF2 * 0.0724569), rel=1e-6)
    assert tr.loc[2027, "upper"] == pytest.approx(math.exp(0.45 + T975_DF2 * 0.0724569), rel=1e-6)
    assert bool(tr.loc[2026, "in_sample"]) and not bool(tr.loc[2027, "in_sample"])
    # prediction interval: se_obs = 0.0591608 × sqrt(1 + 1.5) = 0.0935414
    pi = g.trend_projection(HAND, to_year=2027, interval="prediction").set_index("year")
    assert pi.loc[2027, "upper"] == pytest.approx(math.exp(0.45 + T975_DF2 * 0.0935414), rel=1e-6)
    with pytest.raises(ParameterError):
        g.trend_projection(HAND.iloc[:2])
    with pytest.raises(ParameterError):
        g.trend_projection(HAND, interval="fan")
    with pytest.raises(ParameterError):
        g.trend_projection(HAND, to_year=2099)


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(-0.2, 0.4), start=st.floats(10, 1000))
def test_log_trend_recovers_constant_growth(rate, start):
    s = pd.Series([start * (1 + rate) ** k for k in range(4)], index=range(2023, 2027))
    assert g.log_trend(s).growth == pytest.approx(rate, abs=1e-9)
    tr = g.trend_projection(s, to_year=2028).set_index("year")
    assert tr.loc[2028, "value"] == pytest.approx(start * (1 + rate) ** 5, rel=1e-8)


def test_ets_projection():
    s = pd.Series([100 * 1.1 ** k for k in range(6)], index=range(2021, 2027))
    e = g.ets_projection(s, to_year=2028)
    assert e["year"].tolist() == [2027, 2028]
    # an exactly log-linear path: Holt on logs continues it, 100·1.1^6 = 177.1561, 100·1.1^7 = 194.8717
    assert e["value"].tolist() == pytest.approx([177.1561, 194.87171], rel=1e-3)
    assert (e["lower"] <= e["value"]).all() and (e["value"] <= e["upper"]).all()
    assert g.ets_projection(s, to_year=2026).empty
    with pytest.raises(ParameterError, match="at least 4"):
        g.ets_projection(s.iloc[:3], to_year=2028)
    with pytest.raises(ParameterError, match="consecutive"):
        g.ets_projection(s.drop(2023), to_year=2028)


def test_scenario_paths():
    sc = g.scenario_paths(690, 2023).set_index(["kind", "year"])
    # 690·1.08³ = 869.20128; 690·1.1³ = 918.39; 690·1.12³ = 969.40032
    assert sc.loc[("scenario_8", 2026), "value"] == pytest.approx(869.20128)
    assert sc.loc[("scenario_10", 2026), "value"] == pytest.approx(918.39)
    assert sc.loc[("scenario_12", 2026), "value"] == pytest.approx(969.40032)
    assert sc.loc[("scenario_10", 2023), "value"] == 690
    assert set(g.scenario_paths(1, 2024, rates=[0.125])["kind"]) == {"scenario_12_5"}
    with pytest.raises(ParameterError):
        g.scenario_paths(690, 2023, rates=[-1.5])


def test_fan_chart_frame_from_targets(targets):
    f = g.fan_chart_frame(targets, "all", to_year=2028)
    assert list(f.columns) == g.FAN_COLUMNS
    assert set(f["kind"]) == {"target", "trend", "ets", "scenario_8", "scenario_10", "scenario_12"}
    k = f.set_index(["kind", "year"])
    assert k.loc[("target", 2026), "value"] == 1000
    assert k.loc[("scenario_10", 2026), "value"] == pytest.approx(918.39)
    assert sorted(f.loc[f["kind"] == "ets", "year"]) == [2027, 2028]
    trend = f[f["kind"] == "trend"]
    assert (trend["lower"] < trend["value"]).all() and (trend["value"] < trend["upper"]).all()
    # the trend's slope is the regression's: 0.123789 (see test_consistency)
    assert math.log(k.loc[("trend", 2024), "value"] / k.loc[("trend", 2023), "value"]) == pytest.approx(0.123789,
                                                                                                       abs=1e-6)
    one = g.fan_chart_frame(targets, "textiles")
    assert set(one["chain"]) == {"现代针纺"}
    assert "ets" not in set(one["kind"])  # to_year 2026 = last observation: nothing to smooth forward


def test_fan_chart_frame_from_actuals(targets):
    f = g.fan_chart_frame(targets, "textiles", actuals=_panel(), to_year=2026)
    assert set(f["kind"]) == {"target", "actual", "trend", "scenario_8", "scenario_10", "scenario_12"}
    assert set(f.loc[f["kind"] == "trend", "basis"]) == {"actual"}
    k = f.set_index(["kind", "year"])
    # scenarios start from the last actual: 400 in 2025 → 400·1.1 = 440 in 2026
    assert k.loc[("scenario_10", 2026), "value"] == pytest.approx(440)
    assert k.loc[("actual", 2025), "value"] == 400
    # trend through 330, 360, 400 (3 points), extended one year
    assert sorted(f.loc[f["kind"] == "trend", "year"]) == [2023, 2024, 2025, 2026]
