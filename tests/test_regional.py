"""Shift-share (Dunn; Esteban-Marquillas; external reference; rounding bounds) and location quotients against all
industry, on hand-worked tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _plans import PLAN, bundled_district
from _small_regions import SMALL, A, B, C
from _small_regions import small_frame as _small
from _targets_fixture import targets_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib.analysis import regional as R
from chainplan_lib.errors import ParameterError

AREAS = PLAN.area_names
CHAIN_IDS = PLAN.chain_ids

COMP = ["district_growth", "chain_mix", "area_specific"]


# ------------------------------------------------------------------------------------- Dunn (classic)
def test_shift_share_hand_worked():
    ss = R.shift_share(SMALL, 2023, 2026, by_chain=True, plan=PLAN).set_index(["area", "chain_id"])
    # G = 250/200 − 1 = 0.25; g_X = 120/80 − 1 = 0.5; g_Y = 130/120 − 1 = 1/12
    # A·X: 60·0.25 = 15; 60·(0.5 − 0.25) = 15; 30 − 15 − 15 = 0
    assert ss.loc[(A, "textiles"), COMP].tolist() == pytest.approx([15, 15, 0])
    # A·Y: 40·0.25 = 10; 40·(1/12 − 1/4) = −6.6667; 0 − 10 + 6.6667 = −3.3333 (= 40·(0 − 1/12))
    assert ss.loc[(A, "metallurgy"), COMP].tolist() == pytest.approx([10, -20 / 3, -10 / 3])
    # B·Y: 80·0.25 = 20; 80·(−1/6) = −13.3333; 10 − 20 + 13.3333 = 3.3333 (= 80·(1/8 − 1/12))
    assert ss.loc[(B, "metallurgy"), COMP].tolist() == pytest.approx([20, -40 / 3, 10 / 3])
    by_area = R.shift_share(SMALL, 2023, 2026, plan=PLAN).set_index("area")
    # A: 25 + 8.3333 − 3.3333 = 30 = 130 − 100; B: 25 − 8.3333 + 3.3333 = 20 = 120 − 100
    assert by_area.loc[A, ["change", *COMP]].tolist() == pytest.approx([30, 25, 25 / 3, -10 / 3])
    assert by_area.loc[B, ["change", *COMP]].tolist() == pytest.approx([20, 25, -25 / 3, 10 / 3])
    assert by_area.loc["高新园区", "change"] == 0
    assert by_area.attrs["reference_growth"] == pytest.approx(0.25) and by_area.attrs["reference"] == "district"


def test_shift_share_with_an_external_reference():
    """National share with an outside G (e.g. the province's growth): A·X with G = 0.10: 60·0.1 = 6; mix with the
    district's g_X = 0.5: 60·(0.5 − 0.1) = 24; regional shift 30 − 6 − 24 = 0. With g_X = 0.4 given as well:
    mix 60·(0.4 − 0.1) = 18, shift 30 − 6 − 18 = 6 = 60·(0.5 − 0.4)."""
    ss = R.shift_share(SMALL, 2023, 2026, by_chain=True, reference_growth=0.10, plan=PLAN).set_index(["area", "chain_id"])
    assert ss.loc[(A, "textiles"), COMP].tolist() == pytest.approx([6, 24, 0])
    ext = R.shift_share(SMALL, 2023, 2026, by_chain=True, reference_growth={"all": 0.10, "textiles": 0.4}, plan=PLAN)
    ext = ext.set_index(["area", "chain_id"])
    assert ext.loc[(A, "textiles"), COMP].tolist() == pytest.approx([6, 18, 6])
    # metallurgy has no outside rate: it keeps the district's 1/12 → B·Y: 8, 80·(1/12 − 0.1) = −1.3333, 3.3333
    assert ext.loc[(B, "metallurgy"), COMP].tolist() == pytest.approx([8, -4 / 3, 10 / 3])
    assert np.allclose(ext[COMP].sum(axis=1), ext["change"])
    assert ext.attrs["reference"] == "external" and ext.attrs["reference_growth"] == 0.10
    with pytest.raises(ParameterError, match="'all'"):
        R.shift_share(SMALL, 2023, 2026, reference_growth={"textiles": 0.4}, plan=PLAN)
    with pytest.raises(ParameterError, match="unknown industries"):
        R.shift_share(SMALL, 2023, 2026, reference_growth={"all": 0.1, "steel": 0.4}, plan=PLAN)
    with pytest.raises(ParameterError):
        R.shift_share(SMALL, 2023, 2026, reference_growth=-2, plan=PLAN)


def test_esteban_marquillas_split_by_hand():
    """E*ᵢⱼ = Eᵢ·E·ⱼ/E·· (Esteban-Marquillas 1972): A and B have 100 each, X is 80/200, Y 120/200 → E*·X = 40,
    E*·Y = 60. A·Y: g_AY − g_Y = 0 − 1/12: competitive 60·(−1/12) = −5, allocation (40 − 60)·(−1/12) = 1.6667.
    B·Y: 0.125 − 1/12 = 1/24: competitive 60/24 = 2.5, allocation (80 − 60)/24 = 0.8333."""
    em = R.shift_share(SMALL, 2023, 2026, by_chain=True, method="esteban-marquillas", plan=PLAN).set_index(["area", "chain_id"])
    assert em.loc[(A, "metallurgy"), ["competitive_homothetic", "allocation", "entry"]].tolist() == pytest.approx(
        [-5, 5 / 3, 0])
    assert em.loc[(B, "metallurgy"), ["competitive_homothetic", "allocation", "entry"]].tolist() == pytest.approx(
        [2.5, 5 / 6, 0])
    assert em.loc[(A, "textiles"), ["competitive_homothetic", "allocation"]].tolist() == pytest.approx([0, 0])
    parts = em[["competitive_homothetic", "allocation", "entry"]].sum(axis=1)
    assert np.allclose(parts, em["area_specific"])
    assert "competitive_homothetic" not in R.shift_share(SMALL, 2023, 2026, plan=PLAN).columns


def test_a_chain_new_to_an_area_is_entry():
    df = pd.concat([SMALL, _small({("electronics", C, 2023): 0.0, ("electronics", C, 2026): 5.0,
                                   ("electronics", A, 2023): 10.0, ("electronics", A, 2026): 10.0})])
    ss = R.shift_share(df, 2023, 2026, by_chain=True, method="esteban-marquillas", plan=PLAN).set_index(["area", "chain_id"])
    # no base, so all 5 of the change is area-specific, and in E-M terms it is entry (no growth rate exists)
    assert ss.loc[(C, "electronics"), ["change", *COMP]].tolist() == [5, 0, 0, 5]
    assert ss.loc[(C, "electronics"), ["competitive_homothetic", "allocation", "entry"]].tolist() == [0, 0, 5]


def test_rounding_bound_by_hand():
    """area_specific of A·X = E¹_AX − E⁰_AX·E¹·X/E⁰·X (0 here). Moving each non-zero input by +1 one at a time:
    E⁰_AX 61: 90 − 61·120/81 = −0.370370; E⁰_BX 21: 90 − 60·120/81 = 1.111111; E¹_AX 91: 91 − 60·121/80 = 0.25;
    E¹_BX 31: 90 − 60·121/80 = −0.75; metallurgy inputs leave it unchanged. Bound = Σ|Δ| = 2.481481."""
    ss = R.shift_share(SMALL, 2023, 2026, by_chain=True, input_precision=1.0, plan=PLAN).set_index(["area", "chain_id"])
    assert ss.loc[(A, "textiles"), "area_specific_bound"] == pytest.approx(2.481481, abs=1e-6)
    assert abs(ss.loc[(A, "textiles"), "area_specific"]) <= ss.loc[(A, "textiles"), "area_specific_bound"]
    # district_growth of A·X = 60·G: E⁰_AX 61 → 61·(250/201 − 1) = 14.8756 (−0.1244); every other E⁰ +1 moves G
    # to 250/201 − 1 as well: 60·(−0.2488/0.2 …); E¹ cells +1 → 60·(251/200 − 1) = 15.3 (+0.3) each
    dg = ss.loc[(A, "textiles"), "district_growth_bound"]
    g201 = 250 / 201 - 1
    expect = abs(61 * g201 - 15) + 3 * abs(60 * g201 - 15) + 4 * 0.3
    assert dg == pytest.approx(expect, abs=1e-9)
    assert "area_specific_bound" not in R.shift_share(SMALL, 2023, 2026, plan=PLAN).columns
    with pytest.raises(ParameterError):
        R.shift_share(SMALL, 2023, 2026, input_precision=0, plan=PLAN)


def test_shift_share_real_targets_describe_the_allocation():
    t = targets_frame()
    ss = R.shift_share(t, 2023, 2026, by_chain=True, plan=PLAN)
    assert np.allclose(ss[COMP].sum(axis=1), ss["change"])
    assert ss["change"].sum() == pytest.approx(310)  # 1000 − 690
    assert ss["district_growth"].sum() == pytest.approx(310)  # Σ E⁰·G = 690 · 310/690
    assert ss["chain_mix"].sum() == pytest.approx(0, abs=1e-9)
    a = R.shift_share(t, 2023, 2026, input_precision=0.5, plan=PLAN).set_index("area")
    # 南钢街道: metallurgy 218 → 272; district growth 218·310/690 = 97.942; mix 218·(0.25 − 0.449275) = −43.442;
    # area-specific: g = 272/218 − 1 = 0.247706 vs 0.25 → 218·(−0.002294) = −0.5
    assert a.loc["南钢街道", "district_growth"] == pytest.approx(97.942029, abs=1e-6)
    assert a.loc["南钢街道", "chain_mix"] == pytest.approx(-43.442029, abs=1e-6)
    assert a.loc["南钢街道", "area_specific"] == pytest.approx(-0.5)
    # within the rounding of integer targets (±0.5 亿元 on each input) every area-specific component is noise
    assert (a["area_specific"].abs() <= a["area_specific_bound"]).all()
    assert (a.loc["高新园区", "district_growth"] > a.loc["高新园区", "district_growth_bound"])


def test_shift_share_on_register_actuals_includes_the_rest_of_industry():
    panel = pd.DataFrame([
        {"year": y, "chain_id": c, "area": a, "enterprises": 1, "revenue_yi": v}
        for (y, c, a), v in {(2023, "textiles", A): 10.0, (2024, "textiles", A): 12.0,
                             (2023, "other", A): 10.0, (2024, "other", A): 10.0,
                             (2023, "textiles", B): 20.0, (2024, "textiles", B): 21.0,
                             (2023, "other", "全区"): 99.0, (2024, "other", "全区"): 99.0}.items()])
    ss = R.shift_share(panel, 2023, 2024, by_chain=True, plan=PLAN).set_index(["area", "chain_id"])
    # reference = all industry of the areas: 40 → 43, G = 0.075; textiles 30 → 33, g = 0.1; other 10 → 10, g = 0
    assert ss.attrs["industries"] == ["textiles", "other"]
    assert ss.loc[(A, "textiles"), COMP].tolist() == pytest.approx([0.75, 0.25, 1.0])  # 10·0.075; 10·0.025; 2 − 1
    assert ss.loc[(A, "other"), COMP].tolist() == pytest.approx([0.75, -0.75, 0.0])
    only_chains = R.shift_share(panel, 2023, 2024, by_chain=True, include_rest=False, plan=PLAN)
    assert only_chains.attrs["industries"] == ["textiles"]


def test_shift_share_on_monthly_actuals_uses_one_months_year_to_date():
    rows = []
    for y, m, xa, xb, ia, ib in [(2023, 6, 4, 6, 10, 10), (2023, 12, 10, 10, 20, 20),
                                 (2024, 6, 5, 6, 12, 10), (2024, 12, 12, 12, 22, 24)]:
        rows += [{"year": y, "month": m, "chain_id": "textiles", "area": A, "indicator": "revenue", "value": xa,
                  "cumulative": True},
                 {"year": y, "month": m, "chain_id": "textiles", "area": B, "indicator": "revenue", "value": xb,
                  "cumulative": True},
                 {"year": y, "month": m, "chain_id": "industry", "area": A, "indicator": "revenue", "value": ia,
                  "cumulative": True},
                 {"year": y, "month": m, "chain_id": "industry", "area": B, "indicator": "revenue", "value": ib,
                  "cumulative": True}]
    df = pd.DataFrame(rows)
    june = R.shift_share(df, 2023, 2024, by_chain=True, month=6, plan=PLAN).set_index(["area", "chain_id"])
    # 1—6月: textiles A 4 → 5, B 6 → 6; other = industry − textiles: A 6 → 7, B 4 → 4; all 20 → 22, G = 0.1
    assert june.loc[(A, "textiles"), ["value_start", "value_end"]].tolist() == [4, 5]
    assert june.loc[(A, "other"), ["value_start", "value_end"]].tolist() == [6, 7]
    # textiles 10 → 11, g = 0.1 = G: mix 0; A·X: dg 0.4, shift 1 − 0.4 = 0.6
    assert june.loc[(A, "textiles"), COMP].tolist() == pytest.approx([0.4, 0.0, 0.6])
    year = R.shift_share(df, 2023, 2024, plan=PLAN).set_index("area")  # default: December, the full year
    assert year.loc[A, ["value_start", "value_end"]].tolist() == [20, 22]
    with pytest.raises(ParameterError, match="month 3"):
        R.shift_share(df, 2023, 2024, month=3, plan=PLAN)


def test_shift_share_rejects_bad_input():
    with pytest.raises(ParameterError):
        R.shift_share(SMALL, 2026, 2023, plan=PLAN)
    with pytest.raises(ParameterError, match="lacks"):
        R.shift_share(SMALL, 2023, 2025, plan=PLAN)
    with pytest.raises(ParameterError, match="method"):
        R.shift_share(SMALL, 2023, 2026, method="lsq", plan=PLAN)
    with pytest.raises(ParameterError, match="month"):
        R.shift_share(SMALL, 2023, 2026, month=6, plan=PLAN)


# values are 0 ('-') or at least 0.01: with a base of 1e-9 the E-M split multiplies a growth rate of 1e11 by the
# homothetic base and the two parts cancel to ~1e-3 in floating point (the split is ill-conditioned there)
finite = st.one_of(st.just(0.0), st.floats(0.01, 1000))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=4 * 9, max_size=4 * 9).filter(
    lambda v: sum(a for a, _ in v) > 1))
def test_components_sum_to_change(pairs):
    vals = {}
    for k, (v0, v1) in enumerate(pairs):
        cid, area = CHAIN_IDS[k // 9], AREAS[k % 9]
        vals[(cid, area, 2023)], vals[(cid, area, 2026)] = v0, v1
    ss = R.shift_share(_small(vals), 2023, 2026, by_chain=True, method="esteban-marquillas", plan=PLAN)
    assert np.allclose(ss[COMP].sum(axis=1), ss["change"], atol=1e-7)
    assert np.allclose(ss[["competitive_homothetic", "allocation", "entry"]].sum(axis=1), ss["area_specific"],
                       atol=1e-7)
    for cid, grp in ss.groupby("chain_id"):
        if grp["value_start"].sum() > 0:
            assert grp["area_specific"].sum() == pytest.approx(0, abs=1e-6 * max(1, grp["change"].abs().sum()))
    # Σ chain mix = Σⱼ E⁰·ⱼ(gⱼ − G) = −(end value of chains with no base in the district), 0 when every chain has one
    base = ss.groupby("chain_id")["value_start"].sum()
    new = ss.groupby("chain_id")["value_end"].sum()[base == 0].sum()
    assert ss["chain_mix"].sum() == pytest.approx(-new, abs=1e-6 * max(1.0, ss["value_end"].sum()))


# ---------------------------------------------------------------------------------- location quotients
WITH_REST = pd.concat([SMALL, _small({("other", A, 2023): 100.0})])


def test_location_quotients_against_all_industry_by_hand():
    """A: X 60, Y 40, rest 100 → 200; B: X 20, Y 80 → 100; district 300 with X 80, Y 120.
    LQ_AX = (60/200)/(80/300) = 0.3/0.26667 = 1.125; LQ_BX = 0.2/0.26667 = 0.75; LQ_AY = 0.2/0.4 = 0.5; LQ_BY = 2."""
    lq = R.location_quotients(WITH_REST, 2023, plan=PLAN).set_index(["area", "chain_id"])
    assert lq.loc[(A, "textiles"), "lq"] == pytest.approx(1.125)
    assert lq.loc[(B, "textiles"), "lq"] == pytest.approx(0.75)
    assert lq.loc[(A, "metallurgy"), "lq"] == pytest.approx(0.5)
    assert lq.loc[(B, "metallurgy"), "lq"] == pytest.approx(2.0)
    assert lq.loc[(A, "textiles"), "area_total"] == 200
    assert math.isnan(lq.loc[(C, "textiles"), "lq"])  # no industry at all: NaN, never inf
    # the reference is named as used: a register's 'other' rows make it the register's own firms (名录口径), not
    # the 统计月报's 规上工业; its district total (300) travels with it
    assert (lq.attrs["reference"], lq.attrs["scope"], lq.attrs["reference_total"]) == ("全区名录全部规上企业", "名录口径", 300)
    actuals = pd.concat([SMALL, _small({("industry", A, 2023): 200.0, ("industry", B, 2023): 100.0})])
    lq_m = R.location_quotients(actuals, 2023, plan=PLAN)
    assert (lq_m.attrs["reference"], lq_m.attrs["scope"]) == ("全区规上工业", "统计月报")
    assert lq_m.set_index(["area", "chain_id"]).loc[(A, "textiles"), "lq"] == pytest.approx(1.125)
    # weighted by the areas' shares of district industry (2/3, 1/3), each chain's LQs average to 1
    assert 2 / 3 * 1.125 + 1 / 3 * 0.75 == pytest.approx(1.0)
    # the same from area totals supplied by the user (a yearbook), for a frame with the four chains only
    lq2 = R.location_quotients(SMALL, 2023, area_totals={A: 200, B: 100}, plan=PLAN).set_index(["area", "chain_id"])
    assert lq2.loc[(A, "textiles"), "lq"] == pytest.approx(1.125)
    assert R.location_quotients(SMALL, 2023, area_totals={A: 200, B: 100}, plan=PLAN).attrs["reference"] == "全区全部工业"
    with pytest.raises(ParameterError, match="below the chains"):
        R.location_quotients(SMALL, 2023, area_totals={A: 50, B: 100}, plan=PLAN)


def test_location_quotients_against_an_outside_reference():
    # the city: textiles 10 % and metallurgy 20 % of its industry → LQ_AX = 0.3/0.1 = 3; LQ_BY = 0.8/0.2 = 4
    lq = R.location_quotients(WITH_REST, 2023, reference={"textiles": 0.10, "metallurgy": 0.20},
                              reference_label="南昌市规上工业（年鉴）", plan=PLAN).set_index(["area", "chain_id"])
    assert lq.loc[(A, "textiles"), "lq"] == pytest.approx(3.0)
    assert lq.loc[(B, "metallurgy"), "lq"] == pytest.approx(4.0)
    assert lq.attrs["reference"] == "南昌市规上工业（年鉴）"
    with pytest.raises(ParameterError, match="lacks shares"):
        R.location_quotients(WITH_REST, 2023, reference={"textiles": 0.1}, plan=PLAN)
    with pytest.raises(ParameterError, match="fractions"):
        R.location_quotients(WITH_REST, 2023, reference={"textiles": 10, "metallurgy": 20}, plan=PLAN)


def test_no_reference_economy_no_location_quotient():
    """Over the four chains alone an area with one chain gets 1/(its district share): 上海路街道 and 京东镇 both 2.08
    in 2024 targets whatever they do. Refused."""
    with pytest.raises(ParameterError, match="chain mix"):
        R.location_quotients(targets_frame(), 2024, plan=PLAN)


def test_location_quotient_on_the_register():
    """上海路街道 2024 (synthetic register): textiles 3.0, other 1.19936 亿元; district 769.79139 of which textiles
    360.48956 → LQ = (3/4.19936)/(360.48956/769.79139) = 0.714395/0.468295 = 1.525523 (closed-sum LQ: 2.104)."""
    panel = bundled_district().register.panel
    lq = R.location_quotients(panel, 2024, plan=PLAN).set_index(["area", "chain_id"])
    assert lq.loc[("上海路街道", "textiles"), "lq"] == pytest.approx(1.525523, abs=1e-5)
    w = lq.groupby("area")["area_total"].first() / lq.groupby("area")["area_total"].first().sum()
    t = lq.xs("textiles", level="chain_id")
    assert (w * t["lq"].fillna(0)).sum() == pytest.approx(1.0)
