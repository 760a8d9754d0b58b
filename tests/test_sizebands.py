"""Textiles size bands: band arithmetic, register counts and the Pareto-tail consistency check."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib.analysis import sizebands as sb
from chainplan_lib.errors import ParameterError


@pytest.fixture(scope="module")
def plan_fit() -> sb.ParetoTailFit:
    return sb.fit_pareto_tail()


def test_plan_bands_from_config():
    p = sb.plan_bands()
    assert p["thresholds_yi"] == [1, 3, 5, 10, 20] and p["counts"] == [50, 15, 8, 4, 2]
    assert p["total_enterprises"] == 300 and p["total_revenue_yi"] == 500 and p["year"] == 2026


def test_band_table_and_lower_bound():
    t = sb.band_table()
    # in band: 50−15 = 35 in [1,3), 15−8 = 7 in [3,5), 8−4 = 4 in [5,10), 4−2 = 2 in [10,20), 2 ≥ 20
    assert t["count_in_band"].tolist() == [35, 7, 4, 2, 2]
    assert t["band_upper_yi"].tolist() == [3, 5, 10, 20, math.inf]
    # 2×20 + (4−2)×10 + (8−4)×5 + (15−8)×3 + (50−15)×1 = 40 + 20 + 20 + 21 + 35 = 136
    assert t["min_revenue_yi"].tolist() == [35, 21, 20, 20, 40]
    assert sb.band_lower_bound() == 136
    with pytest.raises(ParameterError, match="non-increasing"):
        sb.band_table([1, 3], [5, 10])
    with pytest.raises(ParameterError, match="increasing"):
        sb.band_table([3, 1], [10, 5])


def test_pareto_fit_on_the_plan(plan_fit):
    f = plan_fit
    # independent check of the OLS slope: numpy's least squares on the same logs
    slope, intercept = np.polyfit(np.log([1, 3, 5, 10, 20]), np.log([50, 15, 8, 4, 2]), 1)
    assert f.alpha == pytest.approx(-slope)
    assert f.c == pytest.approx(math.exp(intercept))
    assert f.alpha == pytest.approx(1.0793, abs=1e-4)
    assert f.alpha_ci[0] < f.alpha < f.alpha_ci[1]
    assert f.alpha_ci == pytest.approx((1.0104, 1.1482), abs=1e-4)
    assert f.r_squared > 0.99
    assert f.finite_mean  # α > 1
    # untruncated: 50 firms × α/(α − 1) = 50 × 1.0793/0.0793 = 680.6 亿元 — above the whole chain's 500
    assert f.revenue_above_min_yi == pytest.approx(50 * f.alpha / (f.alpha - 1))
    assert f.revenue_above_min_yi == pytest.approx(680.6, abs=0.1)
    # truncated at 3 × 20 = 60 亿元
    assert f.cap_yi == 60
    assert f.revenue_above_min_truncated_yi == pytest.approx(50 * sb.pareto_tail_mean(f.alpha, 1, 60))
    assert f.band_lower_bound_yi < f.revenue_above_min_truncated_yi < f.revenue_above_min_yi
    assert f.band_lower_bound_yi == 136
    # hard lower bound of the chain: 136 + 250 × 0.2 = 186
    assert f.firms_below_min == 250
    assert f.chain_lower_bound_yi == pytest.approx(186)
    # implied chain range: truncated tail + 250 × 0.2 … + 250 × 1
    assert f.chain_revenue_low_yi == pytest.approx(f.revenue_above_min_truncated_yi + 50)
    assert f.chain_revenue_high_yi == pytest.approx(f.revenue_above_min_truncated_yi + 250)
    assert f.chain_revenue_low_yi < f.chain_revenue_mid_yi < f.chain_revenue_high_yi
    # to reach 500: the ≥1亿 firms need 500 − 250×1 = 250 … 500 − 250×0.2 = 450
    assert f.needed_above_min_yi == pytest.approx((250, 450))
    # largest-firm diagnostic: 50 · x^(−α) = 1 → x = 50^(1/α)
    assert f.x_one_firm_yi == pytest.approx(50 ** (1 / f.alpha))
    # cap sensitivity rises with the cap
    assert f.cap_sensitivity["cap_yi"].tolist() == [40, 60, 100, 200]
    assert f.cap_sensitivity["revenue_above_min_yi"].is_monotonic_increasing


def test_grouped_mle_cross_check(plan_fit):
    # the ML estimate maximises Σ nₖ log pₖ; check it against a fine grid on the plan's bins
    n = np.array([35, 7, 4, 2, 2])
    lo, hi = np.array([1, 3, 5, 10, 20.0]), np.array([3, 5, 10, 20, np.inf])
    grid = np.linspace(0.5, 2.0, 15001)
    ll = [(n * np.log(lo ** -a - np.where(np.isinf(hi), 0, hi ** -a))).sum() for a in grid]
    assert plan_fit.alpha_mle == pytest.approx(grid[int(np.argmax(ll))], abs=2e-4)
    assert plan_fit.alpha_mle_se > 0


def test_exact_power_law_by_hand():
    # N(>x) = 16·x^(−2) at x = 1, 2, 4: counts 16, 4, 1 — OLS and ML both give α = 2 exactly
    f = sb.fit_pareto_tail([1, 2, 4], [16, 4, 1], total_enterprises=16, total_revenue_yi=30, cap_yi=8)
    assert f.alpha == pytest.approx(2)
    assert f.alpha_mle == pytest.approx(2, abs=1e-6)  # bins 12, 3, 1 = 16·(3/4, 3/16, 1/16): the ML fit is exact
    # untruncated: 16 × α/(α − 1) = 16 × 2 = 32
    assert f.revenue_above_min_yi == pytest.approx(32)
    # truncated at 8: mean = 2·(1 − 8⁻¹)/((2 − 1)(1 − 8⁻²)) = 1.75 / (63/64) = 1.777778; × 16 = 28.444444
    assert f.revenue_above_min_truncated_yi == pytest.approx(28.444444, abs=1e-6)
    # band minimums: 12×1 + 3×2 + 1×4 = 22
    assert f.band_lower_bound_yi == 22
    assert f.firms_below_min == 0 and f.chain_revenue_low_yi == pytest.approx(28.444444, abs=1e-6)
    assert f.target_position == "above"  # 30 > 28.44


def test_alpha_at_or_below_one_has_no_finite_mean():
    # N = 16·x^(−1/2) at x = 1, 4, 16: 16, 8, 4 → α = 0.5
    f = sb.fit_pareto_tail([1, 4, 16], [16, 8, 4], total_enterprises=20, total_revenue_yi=100, cap_yi=64)
    assert f.alpha == pytest.approx(0.5)
    assert not f.finite_mean
    assert math.isinf(f.revenue_above_min_yi)
    assert "infinite" in f.summary()
    # truncated at 64: mean = 0.5·(1 − 64^0.5)/((−0.5)(1 − 64^−0.5)) = 0.5·(−7)/(−0.5·0.875) = 8; × 16 = 128
    assert f.revenue_above_min_truncated_yi == pytest.approx(128)
    assert json.loads(json.dumps(f.to_dict(), allow_nan=False))["revenue_above_min_yi"] is None


def test_pareto_tail_mean_formulas():
    assert sb.pareto_tail_mean(3, 2) == pytest.approx(3)  # α·x_min/(α − 1) = 3·2/2
    assert math.isinf(sb.pareto_tail_mean(1, 1))
    # α = 1, [1, e]: ln e / (1 − 1/e) = 1/0.632121 = 1.581977
    assert sb.pareto_tail_mean(1, 1, math.e) == pytest.approx(1.581977, abs=1e-6)
    with pytest.raises(ParameterError):
        sb.pareto_tail_mean(2, 1, 0.5)
    with pytest.raises(ParameterError):
        sb.pareto_tail_mean(-1, 1)


@settings(max_examples=60, deadline=None)
@given(alpha=st.floats(0.3, 4.0), cap=st.floats(1.5, 1e4))
def test_truncated_mean_lies_in_the_support(alpha, cap):
    m = sb.pareto_tail_mean(alpha, 1.0, cap)
    assert 1.0 <= m <= cap
    assert sb.pareto_tail_mean(alpha, 1.0, cap * 2) >= m - 1e-9  # a higher cap never lowers the mean
    if alpha > 1.05:
        assert m <= sb.pareto_tail_mean(alpha, 1.0) + 1e-9


@settings(max_examples=40, deadline=None)
@given(alpha=st.floats(0.3, 3.0), c=st.floats(20, 1e4))
def test_fit_recovers_an_exact_power_law(alpha, c):
    x = [1, 3, 5, 10, 20]
    f = sb.fit_pareto_tail(x, [c * v ** -alpha for v in x], total_enterprises=c * 2, total_revenue_yi=1.0)
    assert f.alpha == pytest.approx(alpha, rel=1e-9)


def test_summary_states_method_and_numbers(plan_fit):
    s = plan_fit.summary()
    assert "OLS of log N(>x) on log x" in s
    assert "maximum likelihood" in s
    assert "136.0 亿元" in s and "186.0 亿元" in s and "60 亿元" in s
    assert plan_fit.target_position in ("below", "within", "above")
    d = json.loads(json.dumps(plan_fit.to_dict(), ensure_ascii=False, allow_nan=False))
    assert d["alpha"] == pytest.approx(plan_fit.alpha) and d["band_lower_bound_yi"] == 136


@pytest.mark.parametrize("kwargs", [{"cap_yi": 10}, {"cap_factor": 0.5}, {"total_enterprises": 40},
                                    {"above_size_min_yi": 2}, {"alpha_level": 0}])
def test_fit_rejects_bad_parameters(kwargs):
    with pytest.raises(ParameterError):
        sb.fit_pareto_tail(**kwargs)


def test_fit_rejects_zero_counts():
    with pytest.raises(ParameterError, match="> 0"):
        sb.fit_pareto_tail([1, 3, 5], [5, 2, 0])


def _register() -> pd.DataFrame:
    rev = [0.5, 1.0, 2.9, 3.0, 4.0, 6.0, 12.0, 25.0, 30.0]
    rows = [{"year": 2026, "uscc": f"T{k}", "name": f"纺{k}", "area": "罗家镇", "chain": "现代针纺",
             "chain_id": "textiles", "industry_code": "1713", "revenue_yi": r, "above_size": True}
            for k, r in enumerate(rev)]
    rows += [
        # not above size (would be odd with 50 亿, but the flag rules), other chain, other year: all left out
        {"year": 2026, "uscc": "X1", "name": "x", "area": "罗家镇", "chain": "现代针纺", "chain_id": "textiles",
         "industry_code": "1713", "revenue_yi": 50.0, "above_size": False},
        {"year": 2026, "uscc": "M1", "name": "m", "area": "南钢街道", "chain": "冶金建材", "chain_id": "metallurgy",
         "industry_code": "3120", "revenue_yi": 100.0, "above_size": True},
        {"year": 2025, "uscc": "T0", "name": "纺0", "area": "罗家镇", "chain": "现代针纺", "chain_id": "textiles",
         "industry_code": "1713", "revenue_yi": 40.0, "above_size": True},
    ]
    return pd.DataFrame(rows)


def test_band_counts_from_a_register():
    b = sb.band_counts(_register()).set_index("threshold_yi")
    # ≥1: 1.0, 2.9, 3, 4, 6, 12, 25, 30 = 8; ≥3: 3, 4, 6, 12, 25, 30 = 6; ≥5: 6, 12, 25, 30 = 4; ≥10: 3; ≥20: 2
    assert b["actual_above"].tolist() == [8, 6, 4, 3, 2]
    assert b["actual_in_band"].tolist() == [2, 2, 1, 1, 2]
    assert b["target_above"].tolist() == [50, 15, 8, 4, 2]
    assert b["gap"].tolist() == [-42, -9, -4, -1, 0]
    assert b.loc[1, "completion_rate"] == pytest.approx(8 / 50)
    assert b.loc[20, "completion_rate"] == 1.0
    # another year's register against the same 2026 targets
    b25 = sb.band_counts(_register(), year=2025)
    assert b25["actual_above"].tolist() == [1, 1, 1, 1, 1]
    with pytest.raises(ParameterError, match="no above-size"):
        sb.band_counts(_register(), year=2024)
    with pytest.raises(ParameterError, match="lacks"):
        sb.band_counts(_register().drop(columns="above_size"))
