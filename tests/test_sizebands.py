"""Textiles size bands: band arithmetic, register counts and the Pareto-tail consistency check."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from _plans import PLAN
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib.analysis import sizebands as sb
from chainplan_lib.errors import ParameterError


@pytest.fixture(scope="module")
def plan_fit() -> sb.ParetoTailFit:
    return sb.fit_pareto_tail(plan=PLAN)


def test_plan_bands_from_config():
    p = sb.plan_bands(plan=PLAN)
    assert p["thresholds_yi"] == [1, 3, 5, 10, 20] and p["counts"] == [50, 15, 8, 4, 2]
    assert p["total_enterprises"] == 300 and p["total_revenue_yi"] == 500 and p["year"] == 2026


def test_band_table_and_lower_bound():
    t = sb.band_table(plan=PLAN)
    # in band: 50−15 = 35 in [1,3), 15−8 = 7 in [3,5), 8−4 = 4 in [5,10), 4−2 = 2 in [10,20), 2 ≥ 20
    assert t["count_in_band"].tolist() == [35, 7, 4, 2, 2]
    assert t["band_upper_yi"].tolist() == [3, 5, 10, 20, math.inf]
    # 2×20 + (4−2)×10 + (8−4)×5 + (15−8)×3 + (50−15)×1 = 40 + 20 + 20 + 21 + 35 = 136
    assert t["min_revenue_yi"].tolist() == [35, 21, 20, 20, 40]
    assert sb.band_lower_bound(plan=PLAN) == 136
    with pytest.raises(ParameterError, match="non-increasing"):
        sb.band_table([1, 3], [5, 10])
    with pytest.raises(ParameterError, match="increasing"):
        sb.band_table([3, 1], [10, 5])


def test_band_facts_by_hand():
    f = sb.band_facts(plan=PLAN)
    # 2×20 + 2×10 + 4×5 + 7×3 + 35×1 = 136; + 250 × 0.2 = 186
    assert f.band_floor_yi == 136 and f.chain_floor_yi == pytest.approx(186)
    # 500 − 250 × 1 = 250; 500 − 250 × 0.2 = 450; per firm 5 and 9; at the floors 136/50 = 2.72
    assert f.needed_above_min_yi == pytest.approx((250, 450))
    assert f.needed_mean_yi == pytest.approx((5, 9))
    assert f.floor_mean_yi == pytest.approx(2.72)
    # the 48 firms under 20 亿元: 35×1 + 7×3 + 4×5 + 2×10 = 96 … 35×3 + 7×5 + 4×10 + 2×20 = 220
    assert f.bounded_yi == (96, 220)
    assert (f.top_count, f.top_floor_yi) == (2, 40)
    assert f.firms_below_min == 250 and f.x_min_yi == 1 and f.n_above_min == 50
    # "超过300家": with 400 firms the 350 under 1 亿元 bring 70–350, so the 50 need 150–430
    assert sb.band_facts(total_enterprises=400, plan=PLAN).needed_above_min_yi == pytest.approx((150, 430))
    with pytest.raises(ParameterError):
        sb.band_facts(total_enterprises=40, plan=PLAN)
    with pytest.raises(ParameterError):
        sb.band_facts(above_size_min_yi=2, plan=PLAN)


def _loglik(alpha, lower, upper, n):
    """Σ nₖ log(lowerₖ^(−α) − upperₖ^(−α)) with x_min = 1 and the last bin open, written apart from the library."""
    p = lower ** -alpha - np.where(np.isinf(upper), 0.0, np.where(np.isinf(upper), 1.0, upper) ** -alpha)
    return float((n * np.log(p)).sum())


PLAN_LO, PLAN_HI = np.array([1, 3, 5, 10, 20.0]), np.array([3, 5, 10, 20, np.inf])
PLAN_N = np.array([35, 7, 4, 2, 2])
CHI2_95, CHI2_80 = 3.841459, 1.642374  # χ²₁ quantiles (printed tables)


def test_binned_mle_on_the_plan(plan_fit):
    """α̂ maximises Σ nₖ log pₖ (Virkar & Clauset 2014); the review found α̂ ≈ 1.10, se 0.167, profile 95 %
    interval 0.81–1.46, which includes α ≤ 1 (no finite mean)."""
    f = plan_fit
    grid = np.linspace(0.5, 2.0, 15001)
    ll = np.array([_loglik(a, PLAN_LO, PLAN_HI, PLAN_N) for a in grid])
    assert f.alpha == pytest.approx(grid[int(np.argmax(ll))], abs=2e-4)
    assert f.alpha == pytest.approx(1.101, abs=1e-3)
    assert f.alpha_se == pytest.approx(0.167, abs=1e-3)
    lo, hi = f.alpha_ci
    assert (round(lo, 2), round(hi, 2)) == (0.81, 1.46)
    top = _loglik(f.alpha, PLAN_LO, PLAN_HI, PLAN_N)
    # the interval's ends are where the likelihood ratio reaches the χ²₁ 95 % point
    assert 2 * (top - _loglik(lo, PLAN_LO, PLAN_HI, PLAN_N)) == pytest.approx(CHI2_95, abs=1e-6)
    assert 2 * (top - _loglik(hi, PLAN_LO, PLAN_HI, PLAN_N)) == pytest.approx(CHI2_95, abs=1e-6)
    assert f.ci_allows_infinite_mean and f.finite_mean
    # OLS on cumulative counts, for comparison only: numpy's own least squares gives α = 1.0793, se 0.022
    slope, _ = np.polyfit(np.log([1, 3, 5, 10, 20]), np.log([50, 15, 8, 4, 2]), 1)
    assert f.alpha_ols == pytest.approx(-slope) and f.alpha_ols == pytest.approx(1.0793, abs=1e-4)
    assert f.alpha_ols_se == pytest.approx(0.0216, abs=1e-3)
    assert f.fitted_counts[0] == 50 and f.fitted_counts[1] == pytest.approx(50 * 3 ** -f.alpha)


def test_profile_interval_honours_the_level():
    f80 = sb.fit_pareto_tail(level=0.80, plan=PLAN)
    top = _loglik(f80.alpha, PLAN_LO, PLAN_HI, PLAN_N)
    for end in f80.alpha_ci:
        assert 2 * (top - _loglik(end, PLAN_LO, PLAN_HI, PLAN_N)) == pytest.approx(CHI2_80, abs=1e-6)
    f95 = sb.fit_pareto_tail(plan=PLAN)
    assert f95.alpha_ci[0] < f80.alpha_ci[0] < f80.alpha < f80.alpha_ci[1] < f95.alpha_ci[1]
    with pytest.raises(ParameterError):
        sb.fit_pareto_tail(level=95, plan=PLAN)


def test_cap_sensitivity_table(plan_fit):
    t = plan_fit.cap_sensitivity.set_index("cap_yi")
    assert t.index.tolist() == [40, 60, 100, 200, 500, math.inf]
    a, (lo, hi) = plan_fit.alpha, plan_fit.alpha_ci

    def mean(alpha, cap):  # truncated Pareto mean on [1, cap], by hand: α(1 − U^(1−α)) / ((α − 1)(1 − U^(−α)))
        return alpha * (1 - cap ** (1 - alpha)) / ((alpha - 1) * (1 - cap ** -alpha))

    assert t.loc[60, "alpha_hat"] == pytest.approx(50 * mean(a, 60))
    assert t.loc[500, "alpha_low"] == pytest.approx(50 * mean(lo, 500))
    assert t.loc[40, "alpha_high"] == pytest.approx(50 * mean(hi, 40))
    # untruncated: 50·α/(α − 1) at α̂ = 1.101 → 546; at the interval's low end (α < 1) infinite
    assert t.loc[math.inf, "alpha_hat"] == pytest.approx(50 * a / (a - 1))
    assert math.isinf(t.loc[math.inf, "alpha_low"])
    # the revenue rises with the cap and falls with α
    assert t["alpha_hat"].is_monotonic_increasing
    assert (t["alpha_low"] >= t["alpha_hat"]).all() and (t["alpha_hat"] >= t["alpha_high"]).all()
    # with α̂ the 50 firms total 250 亿元 only when the cap is about 430 亿元
    u = plan_fit.cap_for_need_yi[0]
    assert 50 * mean(a, u) == pytest.approx(250, abs=1e-4)
    assert u == pytest.approx(430, abs=1)


def test_exact_power_law_by_hand():
    # N(≥x) = 16·x^(−2) at x = 1, 2, 4: in-band 12, 3, 1 = 16·(3/4, 3/16, 1/16) — the binned ML fit is exact
    f = sb.fit_pareto_tail([1, 2, 4], [16, 4, 1], total_enterprises=16, total_revenue_yi=30, caps_yi=[8], plan=PLAN)
    assert f.alpha == pytest.approx(2, abs=1e-6)
    assert f.alpha_ols == pytest.approx(2)
    t = f.cap_sensitivity.set_index("cap_yi")
    # untruncated: 16 × α/(α − 1) = 32; truncated at 8: 2·(1 − 8⁻¹)/(1 − 8⁻²) = 1.777778, × 16 = 28.444444
    assert t.loc[math.inf, "alpha_hat"] == pytest.approx(32, abs=1e-4)
    assert t.loc[8, "alpha_hat"] == pytest.approx(28.444444, abs=1e-4)
    # band floors: 12×1 + 3×2 + 1×4 = 22
    assert f.facts.band_floor_yi == 22 and f.facts.firms_below_min == 0


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


@settings(max_examples=30, deadline=None)
@given(alpha=st.floats(0.3, 3.0), c=st.floats(20, 1e4))
def test_fit_recovers_an_exact_power_law(alpha, c):
    x = [1, 3, 5, 10, 20]
    f = sb.fit_pareto_tail(x, [c * v ** -alpha for v in x], total_enterprises=c * 2, total_revenue_yi=1.0, plan=PLAN)
    assert f.alpha == pytest.approx(alpha, rel=1e-5)
    assert f.alpha_ols == pytest.approx(alpha, rel=1e-9)


def test_summary_and_json(plan_fit):
    s = plan_fit.summary()
    assert "binned maximum likelihood" in s and "profile-likelihood interval [0.808, 1.465]" in s
    assert "at least 136.0 亿元" in s and "at least 186.0 亿元" in s and "need 250–450 亿元" in s
    assert "includes α ≤ 1" in s
    d = json.loads(json.dumps(plan_fit.to_dict(), ensure_ascii=False, allow_nan=False))
    assert d["alpha"] == pytest.approx(plan_fit.alpha) and d["facts"]["band_floor_yi"] == 136
    assert d["cap_sensitivity"][-1]["cap_yi"] is None and d["cap_sensitivity"][-1]["alpha_low"] is None


@pytest.mark.parametrize("kwargs", [{"caps_yi": [10]}, {"total_enterprises": 40}, {"above_size_min_yi": 2},
                                    {"level": 0}, {"level": 1.0}])
def test_fit_rejects_bad_parameters(kwargs):
    with pytest.raises(ParameterError):
        sb.fit_pareto_tail(**kwargs, plan=PLAN)


def test_fit_rejects_zero_counts():
    with pytest.raises(ParameterError, match="> 0"):
        sb.fit_pareto_tail([1, 3, 5], [5, 2, 0], plan=PLAN)


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
    b = sb.band_counts(_register(), plan=PLAN).set_index("threshold_yi")
    # ≥1: 1.0, 2.9, 3, 4, 6, 12, 25, 30 = 8; ≥3: 3, 4, 6, 12, 25, 30 = 6; ≥5: 6, 12, 25, 30 = 4; ≥10: 3; ≥20: 2
    assert b["actual_above"].tolist() == [8, 6, 4, 3, 2]
    assert b["actual_in_band"].tolist() == [2, 2, 1, 1, 2]
    assert b["target_above"].tolist() == [50, 15, 8, 4, 2]
    assert b["gap"].tolist() == [-42, -9, -4, -1, 0]
    # 对2026目标的达成度, not a 完成率 (the register's year against the 2026 targets)
    assert b.loc[1, "attainment_rate"] == pytest.approx(8 / 50)
    assert b.loc[20, "attainment_rate"] == 1.0
    assert "completion_rate" not in b.columns
    # another year's register against the same 2026 targets
    b25 = sb.band_counts(_register(), year=2025, plan=PLAN)
    assert b25["actual_above"].tolist() == [1, 1, 1, 1, 1]
    with pytest.raises(ParameterError, match="no above-size"):
        sb.band_counts(_register(), year=2024, plan=PLAN)
    with pytest.raises(ParameterError, match="lacks"):
        sb.band_counts(_register().drop(columns="above_size"), plan=PLAN)
