"""Multi-year projections of annual actuals (analysis/multiyear.py): which methods run for how many years, where a
target falls among the ranges, and the rough chance of reaching it — hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chainplan_lib.analysis import multiyear as my


def _geometric(n: int, start: int = 2015, rate: float = 0.10) -> pd.Series:
    return pd.Series([100 * (1 + rate) ** k for k in range(n)], index=range(start, start + n), dtype=float)


def test_six_years_give_the_trend_only_and_its_median_follows_the_line():
    s = _geometric(6)                                   # 2015–2020, exactly 10 % a year
    p = my.project_annual(s, 2023)
    assert list(p["method"].unique()) == ["trend"] and list(p["year"]) == [2021, 2022, 2023]
    # a perfect log-linear series: the median is 100 × 1.1^8 = 214.36 in 2023, ranges of zero width
    row = p[p["year"] == 2023].iloc[0]
    assert row["value"] == pytest.approx(100 * 1.1 ** 8, rel=1e-9)
    assert row["lower95"] == pytest.approx(row["value"], rel=1e-6) and row["upper80"] == pytest.approx(row["value"], rel=1e-6)
    assert my.missing_methods(s) == {"ets": "全年实际值只有 6 年，指数平滑至少需要 10 年"}


def test_ten_years_add_ets_with_nested_ranges():
    noise = [1.0, 1.02, 0.99, 1.01, 0.98, 1.03, 1.0, 0.99, 1.02, 1.01]
    s = _geometric(10) * noise
    p = my.project_annual(s, 2026)
    assert sorted(p["method"].unique()) == ["ets", "trend"] and my.missing_methods(s) == {}
    for r in p.itertuples():
        assert r.lower95 <= r.lower80 <= r.value <= r.upper80 <= r.upper95, r


@pytest.mark.parametrize("series, to_year", [
    (pd.Series(dtype=float), 2026),                      # nothing to project from
    (_geometric(6), 2020),                               # the horizon is not after the last year
    (_geometric(6).where(lambda v: v.index != 2017, -1.0), 2023),   # a non-positive year: no log model
    (_geometric(4), 2023),                               # four years: below the trend's five
])
def test_nothing_is_projected_when_it_cannot_be(series, to_year):
    p = my.project_annual(series, to_year)
    assert p.empty and list(p.columns) == my.PROJECTION_COLUMNS


def test_four_years_are_too_few_for_either_method():
    assert my.missing_methods(_geometric(4)) == {
        "trend": "全年实际值只有 4 年，对数线性趋势至少需要 5 年",
        "ets": "全年实际值只有 4 年，指数平滑至少需要 10 年"}


ROW = {"lower95": 80.0, "lower80": 90.0, "value": 100.0, "upper80": 110.0, "upper95": 120.0}


@pytest.mark.parametrize("target, where", [(75, "below95"), (80, "below95"), (85, "below80"), (95, "lower_half"),
                                           (100, "lower_half"), (105, "upper_half"), (115, "above80"),
                                           (125, "above95")])
def test_target_position_among_the_ranges(target, where):
    assert my.target_position(ROW, target) == where


def test_target_position_without_a_target_or_a_range():
    assert my.target_position(ROW, math.nan) is None and my.target_position(ROW, None) is None
    assert my.target_position({**ROW, "lower95": math.nan}, 100) is None


