"""Area shares, concentration, shift-share and location quotients on hand-worked tables."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _plans import PLAN, bundled_district
from _small_regions import SMALL, A, B, C
from _small_regions import small_frame as _small
from _targets_fixture import targets_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib.analysis import regional as R
from chainplan_lib.analysis import shares as S
from chainplan_lib.errors import ParameterError

AREAS = PLAN.area_names


# ---------------------------------------------------------------------------------------- shares
def test_shares_of_a_small_table():
    sh = S.area_shares(SMALL, plan=PLAN).set_index(["chain_id", "year", "area"])
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
    ch = S.share_change(SMALL, plan=PLAN).set_index(["chain_id", "area"])
    # metallurgy A: 40/130 − 40/120 = 0.307692 − 0.333333 = −0.025641 → −2.5641 pp
    assert ch.loc[("metallurgy", A), "change_pp"] == pytest.approx(-2.564103, abs=1e-6)
    assert ch.loc[("metallurgy", B), "change_pp"] == pytest.approx(2.564103, abs=1e-6)
    assert ch.loc[("textiles", A), "change_pp"] == pytest.approx(0.0)  # 90/120 = 60/80
    assert ch.groupby(level="chain_id")["change_pp"].sum().abs().max() < 1e-9


def test_real_table_shares():
    targets = targets_frame()
    sh = S.area_shares(targets, include_all=True, plan=PLAN)
    sums = sh.groupby(["chain_id", "indicator", "year"])["share"].sum()
    assert len(sums) == 5 * 2 * 4 and np.allclose(sums, 1.0)
    s = sh.set_index(["chain_id", "indicator", "year", "area"])["share"]
    assert s[("textiles", "revenue", 2023, "高新园区")] == pytest.approx(208 / 320)  # 0.65
    # all chains, 高新园区 2026: 326 + 18 + 99 + 39 = 482 of 1000
    assert s[("all", "revenue", 2026, "高新园区")] == pytest.approx(0.482)
    ch = S.share_change(targets, indicator="revenue", plan=PLAN).set_index(["chain_id", "area"])
    # 高新园区 textiles: 326/500 − 208/320 = 0.652 − 0.65 = +0.2 pp
    assert ch.loc[("textiles", "高新园区"), "change_pp"] == pytest.approx(0.2)
    # electronics 罗家镇: 1/100 − 1/65 = 0.01 − 0.015385 = −0.5385 pp
    assert ch.loc[("electronics", "罗家镇"), "change_pp"] == pytest.approx(-0.538462, abs=1e-6)


def test_area_rows_reconcile_with_the_district_rows():
    t = targets_frame()
    sh = S.area_shares(t, plan=PLAN).groupby(["chain_id", "indicator", "year"])["total"].first()
    district = t[t["area"] == "全区"].set_index(["chain_id", "indicator", "year"])["value"]
    assert np.allclose(sh.sort_index(), district.sort_index())


def test_nan_area_makes_the_chain_year_nan():
    df = SMALL.copy()
    df.loc[(df["chain_id"] == "textiles") & (df["year"] == 2023) & (df["area"] == A), "value"] = np.nan
    sh = S.area_shares(df, plan=PLAN).set_index(["chain_id", "year", "area"]).sort_index()
    assert sh.loc[("textiles", 2023), "share"].isna().all()
    assert sh.loc[("textiles", 2026), "share"].notna().all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=9, max_size=9).filter(lambda v: sum(v) > 1e-6))
def test_shares_sum_to_one(values):
    df = _small({("food_pharma", a, 2024): v for a, v in zip(AREAS, values)})
    sh = S.area_shares(df, plan=PLAN)
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
    c = S.concentration(SMALL, plan=PLAN).set_index(["chain_id", "year"])
    # textiles 2023: 0.75² + 0.25² = 0.625 → 6,250; metallurgy 2023: 1/9 + 4/9 = 5/9 → 5,555.6
    assert c.loc[("textiles", 2023), "hhi"] == pytest.approx(6250)
    assert c.loc[("textiles", 2023), "hhi_fraction"] == pytest.approx(0.625)
    assert c.loc[("metallurgy", 2023), "hhi"] == pytest.approx(50000 / 9)
    assert c.loc[("metallurgy", 2023), "top_area"] == B
    assert c.loc[("metallurgy", 2023), "top_share"] == pytest.approx(2 / 3)
    assert c.loc[("textiles", 2023), "equivalent_areas"] == pytest.approx(1.6)
    assert c.loc[("textiles", 2023), "n_areas"] == 2

    r = S.concentration(targets_frame(), indicator="revenue", plan=PLAN).set_index(["chain_id", "year"])
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
    c = S.concentration(_small({("textiles", a, 2025): v for a, v in zip(AREAS, values)}), plan=PLAN).iloc[0]
    n = c["n_areas"]
    assert 1 / max(n, 1) - 1e-9 <= c["hhi_fraction"] <= 1 + 1e-9
    assert c["hhi"] == pytest.approx(c["hhi_fraction"] * 10_000)
    assert c["top_share"] ** 2 <= c["hhi_fraction"] + 1e-12 <= c["top_share"] + 1e-9


def test_ties_are_named_not_broken_by_list_order():
    """冶金建材 户数 2023: 罗家镇 9 and 高新园区 9 (imputed) of 21 — both are the top area, 9/21 = 42.9 % each."""
    c = S.concentration(targets_frame(), indicator="enterprises", plan=PLAN).set_index(["chain_id", "year"])
    assert c.loc[("metallurgy", 2023), "top_area"] == "罗家镇、高新园区"
    assert c.loc[("metallurgy", 2023), "top_tied"] == 2
    assert c.loc[("metallurgy", 2023), "top_share"] == pytest.approx(9 / 21)
    # 2024: 高新园区 10 of 22 alone (罗家镇 9)
    assert c.loc[("metallurgy", 2024), "top_area"] == "高新园区" and c.loc[("metallurgy", 2024), "top_tied"] == 1
    tie = S.concentration(_small({("textiles", A, 2024): 5.0, ("textiles", B, 2024): 5.0,
                                  ("textiles", C, 2024): 2.0}), plan=PLAN).iloc[0]
    assert tie["top_area"] == f"{A}、{B}" and tie["top_tied"] == 2 and tie["top_share"] == pytest.approx(5 / 12)


def test_hhi_minimum_and_thresholds():
    """Nine areas: the least HHI is 10,000/9 = 1,111.1 (all equal). Thresholds: 2023 Merger Guidelines "greater
    than 1,800" = highly concentrated; 2010 Horizontal Merger Guidelines §5.3: 1,500–2,500 moderate, > 2,500 high."""
    assert S.hhi_minimum(9) == pytest.approx(1111.111111, abs=1e-6)
    assert S.hhi_minimum(1) == 10_000
    c = S.concentration(SMALL, plan=PLAN).iloc[0]
    assert c["hhi_min"] == pytest.approx(10_000 / 9)
    assert S.hhi_level(1800) == "below" and S.hhi_level(1800.01) == "high" and S.hhi_level(1799) == "below"
    assert S.hhi_level(2500, 2010) == "moderate" and S.hhi_level(2500.5, 2010) == "high"
    assert S.hhi_level(1500, 2010) == "below" and S.hhi_level(1501, 2010) == "moderate"
    assert S.hhi_level(float("nan")) == "undefined"
    assert S.HHI_THRESHOLDS[2023]["high"] == 1800 and "2023" in S.HHI_THRESHOLDS[2023]["source"]
    with pytest.raises(ParameterError):
        S.hhi_level(2000, 2019)
    with pytest.raises(ParameterError):
        S.hhi_minimum(0)


def test_share_change_rounding_bound_by_hand():
    """Two areas, 2023 A 1 B 3 (A's share 0.25), 2026 A 2 B 2 (0.5): change +25 pp. With inputs known to ±1, moving
    each one by +1 alone: A₀ 2 → 2/5 = 0.4 (Δ share₀ +0.15 → Δ change −15 pp); B₀ 4 → 1/5 = 0.2 (+5 pp);
    A₁ 3 → 3/5 = 0.6 (+10 pp); B₁ 3 → 2/5 = 0.4 (−10 pp). Bound = 15 + 5 + 10 + 10 = 40 pp ≥ 25: in the noise."""
    df = _small({("textiles", A, 2023): 1, ("textiles", B, 2023): 3, ("textiles", A, 2026): 2,
                 ("textiles", B, 2026): 2})
    ch = S.share_change(df, input_precision=1.0, plan=PLAN).set_index("area")
    assert ch.loc[A, "change_pp"] == pytest.approx(25)
    assert ch.loc[A, "change_pp_bound"] == pytest.approx(40)
    assert ch.loc[C, "change_pp_bound"] == 0  # no value in either year: a '-' is exactly 0
    assert "change_pp_bound" not in S.share_change(df, plan=PLAN).columns
    # the real table: 高新园区's textile revenue share 2023→2026, +0.2 pp, is within integer rounding (±0.5 亿元)
    real = S.share_change(targets_frame(), indicator="revenue", input_precision=0.5, plan=PLAN).set_index(["chain_id", "area"])
    assert real.loc[("textiles", "高新园区"), "change_pp"] == pytest.approx(0.2)
    assert abs(real.loc[("textiles", "高新园区"), "change_pp"]) <= real.loc[("textiles", "高新园区"), "change_pp_bound"]
    with pytest.raises(ParameterError):
        S.share_change(df, input_precision=-1, plan=PLAN)


# ------------------------------------------------------------------------- what the tables print (issue 20, 6)
def _num(text: str) -> float:
    return float(text.rstrip("*%").replace(",", "").replace("+", ""))


@pytest.mark.parametrize("indicator, unit", [("revenue", "亿元"), ("enterprises", "户")])
def test_every_printed_shift_share_row_adds_up_for_the_bundled_plan(indicator, unit):
    """For every pair of the plan's years and every area, the printed components add up to the printed change, and
    the printed change is the printed end minus the printed start (the rule of present/units.py)."""
    from chainplan_lib.present import shares as show
    from chainplan_lib.present import tables

    t = targets_frame()
    years = list(PLAN.years)
    rows = 0
    for i, y0 in enumerate(years):
        for y1 in years[i + 1:]:
            ss = R.shift_share(t, y0, y1, indicator, input_precision=0.5, plan=PLAN)
            df = tables.shown(show.shift_share(ss, basis="targets", start_year=y0, end_year=y1, unit=unit, plan=PLAN))
            for _, r in df.iterrows():
                start, end, change, *parts = (_num(v) for v in r.iloc[1:])
                assert round(end - start, 1) == change, (y0, y1, r["区域"])
                assert round(sum(parts), 1) == change, (y0, y1, list(r))
                rows += 1
    assert rows > 6 * 7


def test_every_printed_shift_share_row_of_the_register_adds_up():
    """The register's actuals (not integers): change = printed end − printed start; components add to it; the
    Esteban-Marquillas parts add to the printed area-specific component."""
    from chainplan_lib.present import shares as show
    from chainplan_lib.present import tables

    panel = bundled_district().register.panel
    ss = R.shift_share(panel, 2023, 2024, method="esteban-marquillas", plan=PLAN)
    df = tables.shown(show.shift_share(ss, basis="actual", start_year=2023, end_year=2024, plan=PLAN))
    for _, r in df.iterrows():
        v = [_num(x) for x in r.iloc[1:]]
        start, end, change, dg, mix, spec, comp, alloc, entry = v
        assert round(end - start, 1) == change and round(dg + mix + spec, 1) == change, list(r)
        assert round(comp + alloc + entry, 1) == spec, list(r)
    # 高新园区 311.3 → 348.9 (exact change 37.65 printed +37.7 before): the printed change is 348.9 − 311.3 = 37.6
    assert list(df[df["区域"] == "高新园区"].iloc[0, 1:4]) == ["311.3", "348.9", "+37.6"]


def test_area_share_charts_and_tables_add_to_100_for_every_chain_and_year():
    from chainplan_lib.present import shares as show

    sh = S.area_shares(targets_frame(), include_all=True, plan=PLAN)
    for unit, whole in ((show.U.PCT, 1000), (show.U.PCT0, 100)):
        printed = show.shown_shares(sh, unit)
        sums = (printed * 100 * (10 if unit is show.U.PCT else 1)).round().groupby(
            [sh["chain_id"], sh["indicator"], sh["year"]]).sum()
        assert (sums == whole).all(), sums[sums != whole]


def test_an_area_has_one_colour_in_every_chart():
    """Issue 21: 高新园区 was pink in 04_shares and grey in the briefing (tab10 by position in each chart)."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from chainplan_lib.analysis.shares import area_shares as compute_shares
    from chainplan_lib.present import shares as show
    from chainplan_lib.present.figures import area_colour

    s = compute_shares(targets_frame(), plan=PLAN)

    def colours(fig):
        ax = fig.axes[0]
        handles, labels = ax.get_legend_handles_labels()
        return {lab: to_hex(h.patches[0].get_facecolor() if hasattr(h, "patches") else h.get_facecolor())
                for h, lab in zip(handles, labels)}

    one = colours(show.area_shares(s, "textiles", plan=PLAN))
    two = colours(show.area_mix(s, 2026, plan=PLAN))
    plt.close("all")
    assert one["高新园区"] == two["高新园区"] == area_colour("高新园区", plan=PLAN)
    assert set(one) < set(two) and all(two[a] == c for a, c in one.items())
    assert len(set(two.values())) == len(two)        # no two areas share a colour
