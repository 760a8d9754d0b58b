"""Area shares, concentration, shift-share and location quotients on hand-worked tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _targets_fixture import targets_frame
from chainplan_lib.analysis import shares as S
from chainplan_lib.errors import ParameterError
from chainplan_lib.plan.names import AREAS, CHAIN_IDS

A, B, C = "湖坊镇", "塘山镇", "京东镇"


def _small(values: dict[tuple[str, str, int], float], indicator: str = "revenue") -> pd.DataFrame:
    """Tidy frame from {(chain_id, area, year): value}; other areas are absent (= 0)."""
    return pd.DataFrame([{"chain_id": cid, "year": y, "indicator": indicator, "area": area, "value": v}
                         for (cid, area, y), v in values.items()])


# Hand-worked example. Regions A, B; industries X = textiles, Y = metallurgy.
#            2023        2026
#          X    Y      X    Y
#   A     60   40     90   40
#   B     20   80     30   90
#   total 200 → 250
SMALL = _small({
    ("textiles", A, 2023): 60, ("metallurgy", A, 2023): 40, ("textiles", B, 2023): 20, ("metallurgy", B, 2023): 80,
    ("textiles", A, 2026): 90, ("metallurgy", A, 2026): 40, ("textiles", B, 2026): 30, ("metallurgy", B, 2026): 90,
})


# ---------------------------------------------------------------------------------------- shares
def test_shares_of_a_small_table():
    sh = S.area_shares(SMALL).set_index(["chain_id", "year", "area"])
    # textiles 2023: 60/80 = 0.75, 20/80 = 0.25; metallurgy 2023: 40/120 = 1/3, 80/120 = 2/3
    assert sh.loc[("textiles", 2023, A), "share"] == 0.75
    assert sh.loc[("textiles", 2023, B), "share"] == 0.25
    assert sh.loc[("metallurgy", 2023, A), "share"] == pytest.approx(1 / 3)
    assert sh.loc[("metallurgy", 2026, B), "share"] == pytest.approx(90 / 130)
    # the other seven areas are there with 0
    assert sh.loc[("textiles", 2023, "高新园区"), "share"] == 0
    assert len(sh) == 2 * 2 * 9
    assert sh.loc[("textiles", 2023, A), "total"] == 80


def test_share_change_in_pp():
    ch = S.share_change(SMALL).set_index(["chain_id", "area"])
    # metallurgy A: 40/130 − 40/120 = 0.307692 − 0.333333 = −0.025641 → −2.5641 pp
    assert ch.loc[("metallurgy", A), "change_pp"] == pytest.approx(-2.564103, abs=1e-6)
    assert ch.loc[("metallurgy", B), "change_pp"] == pytest.approx(2.564103, abs=1e-6)
    assert ch.loc[("textiles", A), "change_pp"] == pytest.approx(0.0)  # 90/120 = 60/80
    assert ch.groupby(level="chain_id")["change_pp"].sum().abs().max() < 1e-9


def test_real_table_shares():
    targets = targets_frame()
    sh = S.area_shares(targets, include_all=True)
    sums = sh.groupby(["chain_id", "indicator", "year"])["share"].sum()
    assert len(sums) == 5 * 2 * 4 and np.allclose(sums, 1.0)
    s = sh.set_index(["chain_id", "indicator", "year", "area"])["share"]
    assert s[("textiles", "revenue", 2023, "高新园区")] == pytest.approx(208 / 320)  # 0.65
    # all chains, 高新园区 2026: 326 + 18 + 99 + 39 = 482 of 1000
    assert s[("all", "revenue", 2026, "高新园区")] == pytest.approx(0.482)
    ch = S.share_change(targets, indicator="revenue").set_index(["chain_id", "area"])
    # 高新园区 textiles: 326/500 − 208/320 = 0.652 − 0.65 = +0.2 pp
    assert ch.loc[("textiles", "高新园区"), "change_pp"] == pytest.approx(0.2)
    # electronics 罗家镇: 1/100 − 1/65 = 0.01 − 0.015385 = −0.5385 pp
    assert ch.loc[("electronics", "罗家镇"), "change_pp"] == pytest.approx(-0.538462, abs=1e-6)


def test_area_rows_reconcile_with_the_district_rows():
    t = targets_frame()
    sh = S.area_shares(t).groupby(["chain_id", "indicator", "year"])["total"].first()
    district = t[t["area"] == "全区"].set_index(["chain_id", "indicator", "year"])["value"]
    assert np.allclose(sh.sort_index(), district.sort_index())


def test_nan_area_makes_the_chain_year_nan():
    df = SMALL.copy()
    df.loc[(df["chain_id"] == "textiles") & (df["year"] == 2023) & (df["area"] == A), "value"] = np.nan
    sh = S.area_shares(df).set_index(["chain_id", "year", "area"]).sort_index()
    assert sh.loc[("textiles", 2023), "share"].isna().all()
    assert sh.loc[("textiles", 2026), "share"].notna().all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=9, max_size=9).filter(lambda v: sum(v) > 1e-6))
def test_shares_sum_to_one(values):
    df = _small({("food_pharma", a, 2024): v for a, v in zip(AREAS, values)})
    sh = S.area_shares(df)
    assert sh["share"].sum() == pytest.approx(1.0)
    assert (sh["share"] >= 0).all()


# ----------------------------------------------------------------------------------- concentration
def test_hhi_of_known_splits():
    # 50/30/20: 0.25 + 0.09 + 0.04 = 0.38 → 3,800
    assert S.hhi([0.5, 0.3, 0.2]) == pytest.approx(0.38)
    assert S.hhi([1.0]) == 1.0
    assert S.hhi([0.25] * 4) == pytest.approx(0.25)
    assert math.isnan(S.hhi([0.5, float("nan")]))
    with pytest.raises(ParameterError):
        S.hhi([1.2, -0.2])


def test_concentration_small_and_real():
    c = S.concentration(SMALL).set_index(["chain_id", "year"])
    # textiles 2023: 0.75² + 0.25² = 0.625 → 6,250; metallurgy 2023: 1/9 + 4/9 = 5/9 → 5,555.6
    assert c.loc[("textiles", 2023), "hhi"] == pytest.approx(6250)
    assert c.loc[("textiles", 2023), "hhi_fraction"] == pytest.approx(0.625)
    assert c.loc[("metallurgy", 2023), "hhi"] == pytest.approx(50000 / 9)
    assert c.loc[("metallurgy", 2023), "top_area"] == B
    assert c.loc[("metallurgy", 2023), "top_share"] == pytest.approx(2 / 3)
    assert c.loc[("textiles", 2023), "equivalent_areas"] == pytest.approx(1.6)
    assert c.loc[("textiles", 2023), "n_areas"] == 2

    r = S.concentration(targets_frame(), indicator="revenue").set_index(["chain_id", "year"])
    # textiles 2023: (13² + 5² + 40² + 48² + 3² + 3² + 208²) / 320² = 47,380 / 102,400 = 0.462695 → 4,626.95
    assert r.loc[("textiles", 2023), "hhi"] == pytest.approx(4626.953125)
    # metallurgy 2023: (8² + 218² + 14²) / 240² = 47,784 / 57,600 = 0.829583 → 8,295.83
    assert r.loc[("metallurgy", 2023), "hhi"] == pytest.approx(8295.833333, abs=1e-5)
    # electronics 2026: (1² + 99²) / 100² = 9,802 / 10,000 → 9,802
    assert r.loc[("electronics", 2026), "hhi"] == pytest.approx(9802)
    assert r.loc[("food_pharma", 2026), "top_area"] == "塘山镇"
    assert r.loc[("food_pharma", 2026), "top_share"] == pytest.approx(0.6)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=9, max_size=9).filter(lambda v: sum(v) > 1e-3))
def test_hhi_bounds(values):
    c = S.concentration(_small({("textiles", a, 2025): v for a, v in zip(AREAS, values)})).iloc[0]
    n = c["n_areas"]
    assert 1 / max(n, 1) - 1e-9 <= c["hhi_fraction"] <= 1 + 1e-9
    assert c["hhi"] == pytest.approx(c["hhi_fraction"] * 10_000)
    assert c["top_share"] ** 2 <= c["hhi_fraction"] + 1e-12 <= c["top_share"] + 1e-9


# ------------------------------------------------------------------------------------- shift-share
def test_shift_share_hand_worked():
    ss = S.shift_share(SMALL, by_chain=True).set_index(["area", "chain_id"])
    # G = 250/200 − 1 = 0.25; g_X = 120/80 − 1 = 0.5; g_Y = 130/120 − 1 = 1/12
    # A·X: 60·0.25 = 15; 60·(0.5 − 0.25) = 15; 30 − 15 − 15 = 0
    assert ss.loc[(A, "textiles"), ["district_growth", "chain_mix", "area_specific"]].tolist() == pytest.approx(
        [15, 15, 0])
    # A·Y: 40·0.25 = 10; 40·(1/12 − 1/4) = −6.6667; 0 − 10 + 6.6667 = −3.3333 (= 40·(0 − 1/12))
    assert ss.loc[(A, "metallurgy"), ["district_growth", "chain_mix", "area_specific"]].tolist() == pytest.approx(
        [10, -20 / 3, -10 / 3])
    # B·Y: 80·0.25 = 20; 80·(−1/6) = −13.3333; 10 − 20 + 13.3333 = 3.3333 (= 80·(1/8 − 1/12))
    assert ss.loc[(B, "metallurgy"), ["district_growth", "chain_mix", "area_specific"]].tolist() == pytest.approx(
        [20, -40 / 3, 10 / 3])
    by_area = S.shift_share(SMALL).set_index("area")
    # A: 25 + 8.3333 − 3.3333 = 30 = 130 − 100; B: 25 − 8.3333 + 3.3333 = 20 = 120 − 100
    assert by_area.loc[A, ["change", "district_growth", "chain_mix", "area_specific"]].tolist() == pytest.approx(
        [30, 25, 25 / 3, -10 / 3])
    assert by_area.loc[B, ["change", "district_growth", "chain_mix", "area_specific"]].tolist() == pytest.approx(
        [20, 25, -25 / 3, 10 / 3])
    assert by_area.loc["高新园区", "change"] == 0


def test_shift_share_new_chain_in_an_area():
    df = pd.concat([SMALL, _small({("electronics", C, 2023): 0.0, ("electronics", C, 2026): 5.0,
                                   ("electronics", A, 2023): 10.0, ("electronics", A, 2026): 10.0})])
    ss = S.shift_share(df, by_chain=True).set_index(["area", "chain_id"])
    # a chain new to an area: no base, so all 5 of the change is area-specific
    assert ss.loc[(C, "electronics"), ["change", "district_growth", "chain_mix", "area_specific"]].tolist() == [
        5, 0, 0, 5]


def test_shift_share_real_table_adds_up():
    ss = S.shift_share(targets_frame(), by_chain=True)
    parts = ss["district_growth"] + ss["chain_mix"] + ss["area_specific"]
    assert np.allclose(parts, ss["change"])
    assert ss["change"].sum() == pytest.approx(310)  # 1000 − 690
    assert ss["district_growth"].sum() == pytest.approx(310)  # Σ E⁰·G = 690 · 310/690
    assert ss["chain_mix"].sum() == pytest.approx(0, abs=1e-9)
    a = S.shift_share(targets_frame()).set_index("area")
    # 南钢街道: metallurgy 218 → 272; district growth 218·310/690 = 97.942; mix 218·(0.25 − 0.449275) = −43.442;
    # area-specific: g = 272/218 − 1 = 0.247706 vs 0.25 → 218·(−0.002294) = −0.5
    assert a.loc["南钢街道", "district_growth"] == pytest.approx(97.942029, abs=1e-6)
    assert a.loc["南钢街道", "chain_mix"] == pytest.approx(-43.442029, abs=1e-6)
    assert a.loc["南钢街道", "area_specific"] == pytest.approx(-0.5)


finite = st.floats(0, 1000)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=4 * 9, max_size=4 * 9).filter(
    lambda v: sum(a for a, _ in v) > 1))
def test_shift_share_components_sum_to_change(pairs):
    vals = {}
    for k, (v0, v1) in enumerate(pairs):
        cid, area = CHAIN_IDS[k // 9], AREAS[k % 9]
        vals[(cid, area, 2023)], vals[(cid, area, 2026)] = v0, v1
    ss = S.shift_share(_small(vals), by_chain=True)
    assert np.allclose(ss["district_growth"] + ss["chain_mix"] + ss["area_specific"], ss["change"], atol=1e-7)
    # area-specific components of one chain cancel over the areas; the chain mix cancels over everything
    for cid, grp in ss.groupby("chain_id"):
        base = grp["value_start"].sum()
        if base > 0:
            assert grp["area_specific"].sum() == pytest.approx(0, abs=1e-6 * max(1, grp["change"].abs().sum()))
    assert ss["chain_mix"].sum() == pytest.approx(0, abs=1e-6 * max(1.0, ss["value_start"].sum()))


def test_shift_share_rejects_bad_years():
    with pytest.raises(ParameterError):
        S.shift_share(SMALL, 2026, 2023)
    with pytest.raises(ParameterError, match="lacks"):
        S.shift_share(SMALL, 2023, 2025)


# ---------------------------------------------------------------------------------- location quotients
def test_location_quotients_hand_worked():
    lq = S.location_quotients(SMALL, year=2023).set_index(["area", "chain_id"])
    # X is 80/200 = 0.4 of the district; A is 60/100 = 0.6 X → LQ 1.5; B 0.2/0.4 = 0.5
    assert lq.loc[(A, "textiles"), "lq"] == pytest.approx(1.5)
    assert lq.loc[(B, "textiles"), "lq"] == pytest.approx(0.5)
    # Y is 0.6 of the district: A 0.4/0.6 = 0.6667; B 0.8/0.6 = 1.3333
    assert lq.loc[(A, "metallurgy"), "lq"] == pytest.approx(2 / 3)
    assert lq.loc[(B, "metallurgy"), "lq"] == pytest.approx(4 / 3)
    # an area with nothing at all: NaN, not inf
    assert math.isnan(lq.loc[(C, "textiles"), "lq"])
    assert np.isfinite(lq["lq"].dropna()).all()


def test_location_quotients_real_table():
    lq = S.location_quotients(targets_frame(), year=2026).set_index(["area", "chain_id"])
    # 塘山镇 food_pharma: (60/68) / (100/1000) = 0.882353 / 0.1 = 8.823529
    assert lq.loc[("塘山镇", "food_pharma"), "lq"] == pytest.approx(8.823529, abs=1e-6)
    # 南钢街道 metallurgy: (272/272) / (300/1000) = 3.333333
    assert lq.loc[("南钢街道", "metallurgy"), "lq"] == pytest.approx(10 / 3)
    assert math.isnan(lq.loc[("站东街道", "textiles"), "lq"])  # 站东街道 has no chain at all
    with pytest.raises(ParameterError):
        S.location_quotients(targets_frame(), year=2030)


@settings(max_examples=40, deadline=None)
@given(st.lists(finite, min_size=4 * 9, max_size=4 * 9).filter(lambda v: sum(v) > 1))
def test_lq_weighted_average_is_one(values):
    vals = {(CHAIN_IDS[k // 9], AREAS[k % 9], 2025): v for k, v in enumerate(values)}
    lq = S.location_quotients(_small(vals), year=2025)
    weight = lq["area_total"] / lq["value"].sum()  # the area's share of the district total (Eᵢ· / E··)
    for cid, grp in lq.groupby("chain_id"):
        if grp["value"].sum() > 0:
            w = weight[grp.index]
            assert (w * grp["lq"].fillna(0)).sum() == pytest.approx(1.0)
