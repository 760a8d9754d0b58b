"""chainplan_lib.analysis.growth against hand-computed numbers on the real target table and small made-up series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _plans import PLAN
from _targets_fixture import targets_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib.analysis import growth as g
from chainplan_lib.errors import ParameterError


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
    t = g.cagr_table(targets, plan=PLAN).set_index("chain_id")
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
    t = g.cagr_table(targets, 2024, 2025, indicator="enterprises", plan=PLAN).set_index("chain_id")
    # food_pharma enterprises 21 → 28 in one year: 28/21 − 1 = 0.333333
    assert t.loc["food_pharma", "cagr"] == pytest.approx(1 / 3)
    # all enterprises 2024: 255+22+16+21 = 314; 2025: 275+25+22+28 = 350; 350/314 − 1 = 0.114650
    assert t.loc["all", "start_value"] == 314 and t.loc["all", "end_value"] == 350
    assert t.loc["all", "cagr"] == pytest.approx(0.114650, abs=1e-6)


def test_cagr_by_area(targets):
    t = g.cagr_table(targets, area="高新园区", include_all=False, plan=PLAN).set_index("chain_id")
    # 高新园区 textiles 208 → 326: (326/208)^(1/3) − 1 = 1.567308^(1/3) − 1 = 0.161586 (1.161586³ = 1.567305)
    assert t.loc["textiles", "cagr"] == pytest.approx(0.161586, abs=1e-6)
    # an area with 0 in the base year has no CAGR
    t2 = g.cagr_table(targets, area="站东街道", include_all=False, plan=PLAN)
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
    y = g.yoy_growth(targets, plan=PLAN).set_index(["chain_id", "year"])
    assert math.isnan(y.loc[("textiles", 2023), "yoy"])
    assert y.loc[("textiles", 2024), "yoy"] == pytest.approx(0.15625)  # 370/320 − 1
    assert y.loc[("metallurgy", 2026), "yoy"] == pytest.approx(1 / 9)  # 300/270 − 1
    # sums 690, 768, 870, 1000: 768/690 − 1 = 0.113043; 870/768 − 1 = 0.132813; 1000/870 − 1 = 0.149425
    assert y.loc[("all", 2024), "value"] == 768
    assert y.loc[("all", 2024), "yoy"] == pytest.approx(0.113043, abs=1e-6)
    assert y.loc[("all", 2025), "yoy"] == pytest.approx(0.1328125)
    assert y.loc[("all", 2026), "yoy"] == pytest.approx(0.149425, abs=1e-6)
    assert len(y) == 5 * 4


@settings(deadline=None)  # timing is for benchmarks/, not tests: a loaded CI machine is not a failure
@given(rate=st.floats(-0.3, 0.5), start=st.floats(1, 1000))
def test_yoy_of_constant_growth_is_constant(rate, start):
    df = pd.DataFrame([{"chain_id": "textiles", "year": y, "indicator": "revenue", "area": "全区",
                        "value": start * (1 + rate) ** (y - 2023)} for y in range(2023, 2027)])
    y = g.yoy_growth(df, chains=["textiles"], include_all=False, plan=PLAN)
    assert np.allclose(y["yoy"].iloc[1:], rate)


# ------------------------------------------------------------------- required growth, completion
def test_required_cagr_scalar():
    # 360 in 2024 → 500 in 2026: sqrt(500/360) − 1 = sqrt(1.388889) − 1 = 0.178511
    assert g.required_cagr(360, 2024, 500, plan=PLAN) == pytest.approx(0.178511, abs=1e-6)
    with pytest.raises(ParameterError):
        g.required_cagr(360, 2026, 500, plan=PLAN)
    with pytest.raises(ParameterError):
        g.required_cagr(360, 2019, 500, plan=PLAN)


def test_required_growth_from_register_panel(targets):
    r = g.required_growth(_panel(), targets, actual_year=2024, plan=PLAN).set_index("chain_id")
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
    r = g.required_cagr(actual, year, target, plan=PLAN)
    assert actual * (1 + r) ** (2026 - year) == pytest.approx(target, rel=1e-9)


def test_completion_rate_and_time_progress(targets):
    assert g.completion_rate(333, 370) == pytest.approx(0.9)
    assert math.isnan(g.completion_rate(5, 0))
    assert g.time_progress(6) == 0.5
    assert g.plan_time_progress(2025, plan=PLAN) == pytest.approx(2 / 3)
    with pytest.raises(ParameterError):
        g.time_progress(13)
    with pytest.raises(ParameterError):
        g.plan_time_progress(2027, plan=PLAN)
    act = pd.DataFrame({"year": [2024] * 4, "chain_id": ["textiles", "metallurgy", "electronics", "food_pharma"],
                        "area": "全区", "enterprises": [1, 1, 1, 1], "revenue_yi": [166.5, 100.0, 40.0, 40.0]})
    c = g.completion_table(act, targets, year=2024, month=6, plan=PLAN).set_index("chain_id")
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
    s = g.series(targets, plan=PLAN)
    assert s.to_dict() == {2023: 690.0, 2024: 768.0, 2025: 870.0, 2026: 1000.0}
    p = g.series(_panel(), "all", plan=PLAN)
    assert p.to_dict() == {2023: 700.0, 2024: 755.0, 2025: 825.0}  # 330+240+60+70 = 700 etc., 'other' left out
    assert g.series(_panel(), "textiles", area="罗家镇", plan=PLAN).to_dict() == {2024: 55.0}
    tidy = g.tidy_panel(_panel(), plan=PLAN)
    assert set(tidy["indicator"]) == {"revenue", "enterprises"}
    assert list(tidy.columns) == ["chain_id", "chain", "year", "indicator", "area", "value"]
    # a panel without 全区 rows: the district is the sum of the areas
    areas_only = pd.DataFrame({"year": [2024, 2024], "chain_id": ["textiles", "textiles"],
                               "area": ["罗家镇", "湖坊镇"], "enterprises": [3, 4], "revenue_yi": [5.0, 7.0]})
    assert g.series(areas_only, "textiles", plan=PLAN).to_dict() == {2024: 12.0}


@pytest.mark.parametrize("kwargs, match", [
    ({"chain_id": "steel"}, "unknown chain id"),
    ({"indicator": "profit"}, "unknown indicator"),
    ({"area": "东湖区"}, "unknown area"),
])
def test_series_rejects_unknown_names(targets, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        g.series(targets, **kwargs, plan=PLAN)


def test_year_validation(targets):
    with pytest.raises(ParameterError, match="outside 2023–2026"):
        g.cagr_table(targets, 2022, 2026, plan=PLAN)
    with pytest.raises(ParameterError, match="must be after"):
        g.cagr_table(targets, 2025, 2024, plan=PLAN)


# ------------------------------------------------------------------ the "ahead of schedule" boundary
def test_equal_to_time_progress_counts_as_ahead():
    """完成率 = 时间进度 is on schedule ("时间过半、任务过半"): ahead is True at equality, False just below."""
    assert g.ahead_of_schedule(0.5, g.time_progress(6)) is True
    # 35/60 and 7/12 are the same number computed two ways (0.583333…); still "ahead"
    assert g.ahead_of_schedule(35 / 60, g.time_progress(7)) is True
    # 0.3 against 0.1 + 0.2 (= 0.30000000000000004 in floating point): equal, so on schedule
    assert g.ahead_of_schedule(0.3, 0.1 + 0.2) is True
    assert g.ahead_of_schedule(0.4999, 0.5) is False
    assert g.ahead_of_schedule(0.5 - 1e-9, 0.5) is False  # a real shortfall, however small, is behind
    assert g.ahead_of_schedule(float("nan"), 0.5) is pd.NA


def test_completion_table_boundary_and_undefined(targets):
    # textiles 2024 target 370: 185 by June is exactly 0.5 = 6/12 → ahead; electronics 36.99 / 74 < 0.5 → behind;
    # metallurgy has no actual row → completion rate NaN → ahead NA (not 否)
    act = pd.DataFrame({"year": [2024] * 3, "chain_id": ["textiles", "electronics", "food_pharma"], "area": "全区",
                        "enterprises": [1, 1, 1], "revenue_yi": [185.0, 36.99, 37.0]})
    c = g.completion_table(act, targets, year=2024, month=6, include_all=False, plan=PLAN).set_index("chain_id")
    assert c.loc["textiles", "completion_rate"] == 0.5 and c.loc["textiles", "ahead"] == True  # noqa: E712
    assert c.loc["textiles", "ahead_pp"] == 0.0
    assert c.loc["electronics", "ahead"] == False  # noqa: E712
    # 36.99 / 74 = 0.499865 → −0.0135 pp
    assert c.loc["electronics", "ahead_pp"] == pytest.approx(-0.013514, abs=1e-6)
    assert c.loc["food_pharma", "ahead"] == True  # noqa: E712  37/74 = 0.5 exactly
    assert math.isnan(c.loc["metallurgy", "completion_rate"]) and c.loc["metallurgy", "ahead"] is pd.NA
    assert str(c["ahead"].dtype) == "boolean"


def test_plan_time_progress_counts_from_the_base_year():
    """Base year = 0: 2023 → 0, 2024 → 1/3, 2026 → 1 (the plan's 2023 values are its starting point)."""
    assert [g.plan_time_progress(y, plan=PLAN) for y in (2023, 2024, 2025, 2026)] == pytest.approx([0, 1 / 3, 2 / 3, 1])
