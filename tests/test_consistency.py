"""The ~10 % consistency test against hand-computed numbers."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from _plans import PLAN
from _targets_fixture import targets_frame
from hypothesis import given, settings
from hypothesis import strategies as st

from chainplan_lib import cli
from chainplan_lib.analysis.consistency import check_consistency, rest_of_industry_cagr, verdict_for
from chainplan_lib.errors import ParameterError
from chainplan_lib.present.consistency import consistency_text

CHAIN_IDS = PLAN.chain_ids


@pytest.fixture(scope="module")
def result():
    return check_consistency(targets_frame(), plan=PLAN)


def _district_frame(paths: dict[str, list[float]]) -> pd.DataFrame:
    """Only 全区 revenue rows, 2023–2026, for each chain."""
    return pd.DataFrame([{"chain_id": cid, "year": 2023 + k, "indicator": "revenue", "area": "全区", "value": v}
                         for cid, vals in paths.items() for k, v in enumerate(vals)])


def test_verdict_and_cagr(result):
    # 690 → 1000 over 3 years: 1.449275^(1/3) − 1 = 0.131663 > 0.10 + 0.01 → more ambitious
    assert result.verdict == "more_ambitious"
    assert result.cagr["all"] == pytest.approx(0.131663, abs=1e-6)
    assert result.cagr["textiles"] == pytest.approx(0.160397, abs=1e-6)  # 1.5625^(1/3) − 1
    assert result.cagr["metallurgy"] == pytest.approx(0.077217, abs=1e-6)  # 1.25^(1/3) − 1
    assert result.chain_verdicts == {"textiles": "more_ambitious", "metallurgy": "less_ambitious",
                                     "electronics": "more_ambitious", "food_pharma": "more_ambitious"}
    assert result.base_yi["all"] == 690 and result.target_yi["all"] == 1000
    assert result.overall_growth == 0.10  # from the plan file ([plan] overall_growth)
    assert result.band == pytest.approx((0.09, 0.11))


def test_gap_and_path(result):
    # 10 % path: 690 → 759 → 834.9 → 918.39; gap 2026 = 1000 − 918.39 = 81.61 亿元
    assert result.path_yi[2024] == pytest.approx(759)
    assert result.path_yi[2026] == pytest.approx(918.39)
    assert result.gap_yi == pytest.approx(81.61)


def test_contributions(result):
    c = result.contributions.set_index("chain_id")
    # weight × growth: textiles 320/690 × 180/320 = 180/690 = 0.260870; metallurgy 60/690 = 0.086957;
    # electronics and food_pharma 35/690 = 0.050725 each; together 310/690 = 0.449275 = 1000/690 − 1
    assert c.loc["textiles", "weight"] == pytest.approx(320 / 690)
    assert c.loc["textiles", "growth"] == pytest.approx(0.5625)
    assert c.loc["textiles", "contribution"] == pytest.approx(0.260870, abs=1e-6)
    assert c.loc["metallurgy", "contribution"] == pytest.approx(0.086957, abs=1e-6)
    assert c.loc["electronics", "contribution"] == pytest.approx(0.050725, abs=1e-6)
    assert c["contribution"].sum() == pytest.approx(0.449275, abs=1e-6)
    assert c["contribution"].sum() == pytest.approx(result.total_growth)
    # textiles supplies 180 of the 310 亿元 increase: 58.06 %
    assert c.loc["textiles", "share_of_growth"] == pytest.approx(180 / 310)
    assert c["share_of_growth"].sum() == pytest.approx(1.0)


def test_no_regression_on_planned_numbers_and_the_base_year_before_the_plan(result):
    """Four target numbers are plans, not a sample: no slope test, no p-value. With the actual of the year before
    the base year, the chains' growth is also read from it (the usual way to read "2023—2026年年均增长")."""
    assert not hasattr(result, "regression") and "regression" not in result.to_dict()
    r = check_consistency(targets_frame(), prior_actual_yi=661.85, plan=PLAN)
    # (1000 / 661.85)^(1/4) − 1 = 10.869 %: inside 9–11 % — the verdict depends on the base
    assert r.prior_year == 2022 and r.prior_cagr == pytest.approx((1000 / 661.85) ** 0.25 - 1)
    assert r.prior_verdict == "consistent" and r.verdict == "more_ambitious"
    assert "按通常口径从 2022 年起算：2022 年四链合计实际 661.9 亿元（统计月报），到 2026 年目标年均增长 10.9%，与年均10%左右基本一致" in consistency_text(r)
    with pytest.raises(ParameterError, match="prior actual"):
        check_consistency(targets_frame(), prior_actual_yi=-1, plan=PLAN)


def test_tolerance_changes_the_verdict():
    t = targets_frame()
    # band 10 % ± 4 pp = 6–14 % contains 13.17 %
    assert check_consistency(t, tolerance_pp=4, plan=PLAN).verdict == "consistent"
    # band 7–13 % does not
    assert check_consistency(t, tolerance_pp=3, plan=PLAN).verdict == "more_ambitious"
    # against 12.5 % ± 1 pp (11.5–13.5 %) it is inside; against 12 % ± 1 pp (11–13 %) it is still above
    assert check_consistency(t, overall_growth=0.125, plan=PLAN).verdict == "consistent"
    assert check_consistency(t, overall_growth=0.12, plan=PLAN).verdict == "more_ambitious"


def test_less_ambitious():
    paths = {cid: [100 * 1.05 ** k for k in range(4)] for cid in CHAIN_IDS}
    r = check_consistency(_district_frame(paths), plan=PLAN)
    assert r.verdict == "less_ambitious"
    assert r.cagr["all"] == pytest.approx(0.05)
    # 400·1.05³ = 463.05; 400·1.1³ = 532.4; gap −69.35
    assert r.gap_yi == pytest.approx(463.05 - 532.4)


def test_verdict_edges():
    assert verdict_for(0.11, 0.10, 0.01) == "consistent"  # on the edge counts as inside
    assert verdict_for(0.09, 0.10, 0.01) == "consistent"
    assert verdict_for(0.1101, 0.10, 0.01) == "more_ambitious"
    assert verdict_for(0.0899, 0.10, 0.01) == "less_ambitious"
    with pytest.raises(ParameterError):
        verdict_for(float("nan"), 0.10, 0.01)


@given(rate=st.floats(0.0, 0.25), tol=st.floats(0.0, 5.0))
@settings(max_examples=40, deadline=None)
def test_verdict_matches_the_band(rate, tol):
    paths = {cid: [50 * (1 + rate) ** k for k in range(4)] for cid in CHAIN_IDS}
    r = check_consistency(_district_frame(paths), tolerance_pp=tol, plan=PLAN)
    assert r.cagr["all"] == pytest.approx(rate, abs=1e-9)
    if abs(rate - 0.10) <= tol / 100 - 1e-9:
        assert r.verdict == "consistent"
    elif rate > 0.10 + tol / 100 + 1e-9:
        assert r.verdict == "more_ambitious"
    elif rate < 0.10 - tol / 100 - 1e-9:
        assert r.verdict == "less_ambitious"


def test_rest_of_industry():
    t = targets_frame()
    r = check_consistency(t, base_total_yi=1500, plan=PLAN)
    # rest 2023 = 1500 − 690 = 810; rest 2026 = 1500·1.331 − 1000 = 996.5; (996.5/810)^(1/3) − 1 = 1.230247^(1/3) − 1
    # = 0.071513 (1.071513³ = 1.230247)
    assert r.rest_of_industry_cagr == pytest.approx(0.071513, abs=1e-6)
    lo, hi = r.rest_of_industry_band
    # district at 9 %: 1500·1.295029 − 1000 = 942.5435 → (942.5435/810)^(1/3) − 1 = 1.163634^(1/3) − 1 = 0.051814
    assert lo == pytest.approx(0.051814, abs=1e-6)
    # district at 11 %: 1500·1.367631 − 1000 = 1051.4465 → (1051.4465/810)^(1/3) − 1 = 1.298082^(1/3) − 1 = 0.090856
    assert hi == pytest.approx(0.090856, abs=1e-6)
    assert "四链以外的规上工业年均需增长 7.2%（全区按 9%–11% 增长时为 5.2%–9.1%）" in consistency_text(r)


def test_rest_of_industry_may_shrink_or_cannot_fit():
    t = targets_frame()
    # base 900: rest 210 → 900·1.331 − 1000 = 197.9: (197.9/210)^(1/3) − 1 = 0.942381^(1/3) − 1 = −0.019588 (the rest may shrink)
    r = check_consistency(t, base_total_yi=900, plan=PLAN)
    assert r.rest_of_industry_cagr == pytest.approx(-0.019588, abs=1e-6)
    assert "年均可下降 2.0%" in consistency_text(r)
    # base 700: 700·1.331 = 931.7 < 1000: the chains alone overshoot; no rest rate
    r = check_consistency(t, base_total_yi=700, plan=PLAN)
    assert r.rest_of_industry_cagr is None
    assert "四条链目标本身已超过全区按 10% 增长的总量" in consistency_text(r)
    assert json.loads(json.dumps(r.to_dict(), allow_nan=False))["rest_of_industry_cagr"] is None
    with pytest.raises(ParameterError, match="must exceed"):
        check_consistency(t, base_total_yi=600, plan=PLAN)
    assert math.isnan(rest_of_industry_cagr(700, 690, 1000, 3, 0.10))


def test_to_dict_is_json(result):
    d = json.loads(json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False))
    assert d["verdict"] == "more_ambitious"
    assert set(d["cagr"]) == {*CHAIN_IDS, "all"}
    assert d["cagr"]["all"] == pytest.approx(0.131663, abs=1e-6)
    assert d["gap_2026_yi"] == pytest.approx(81.61)
    assert "rest_of_industry_cagr" in d and d["rest_of_industry_cagr"] is None
    assert d["prior_cagr"] is None and "regression" not in d
    assert len(d["contributions"]) == 4


def test_summary_reads(result):
    s = consistency_text(result)
    assert s.startswith("结论：四条链营业收入目标年均增长 13.2%，高于年均10%左右")
    assert "目标合计比它多 81.6 亿元" in s and "--base-total" in s
    # the chains' lines: 320 → 500 is (500/320)^(1/3) − 1 = 16.0 % a year
    assert "  现代针纺       320 →     500   16.0%  高于年均10%左右" in s.splitlines()
    assert not any(w in s for w in ("Verdict", "CAGR", "consistent", "Caveats"))   # one language, as the pages
    # 500 / 320 − 1 = 56.25 % prints 56.3 % (四舍五入); the contributions 26.09 + 8.70 + 5.07 + 5.07 = 44.93 % print
    # as parts of the printed 44.9 % (largest remainder, equal parts kept equal: 26.0 + 8.7 + 5.1 + 5.1), where each
    # rounded alone gives 45.0
    lines = s.splitlines()
    contrib = [ln for ln in lines if "×" in ln and "占增量" in ln]
    assert "增长  56.3%" in contrib[0]
    shown = [float(ln.split("= ")[1].split("%")[0]) for ln in contrib]
    assert round(sum(shown), 1) == 44.9 and shown[2] == shown[3]
    shares = [float(ln.split("占增量 ")[1].split("%")[0]) for ln in contrib]
    assert round(sum(shares), 1) == 100.0


@pytest.mark.parametrize("kwargs", [{"tolerance_pp": -1}, {"tolerance_pp": float("nan")}, {"base_year": 2022},
                                    {"base_year": 2025, "target_year": 2024}, {"prior_actual_yi": 0},
                                    {"base_total_yi": "many"}])
def test_bad_parameters(kwargs):
    with pytest.raises(ParameterError):
        check_consistency(targets_frame(), **kwargs, plan=PLAN)


def test_missing_year_is_reported():
    t = targets_frame()
    t = t[~((t["chain_id"] == "metallurgy") & (t["year"] == 2026) & (t["area"] == "全区"))]
    with pytest.raises(ParameterError, match="metallurgy"):
        check_consistency(t, plan=PLAN)


def test_other_years():
    r = check_consistency(targets_frame(), base_year=2024, target_year=2026, plan=PLAN)
    # 768 → 1000 over 2 years: sqrt(1.302083) − 1 = 0.141089
    assert r.cagr["all"] == pytest.approx(0.141089, abs=1e-6)
    assert r.gap_yi == pytest.approx(1000 - 768 * 1.21)
    r = check_consistency(targets_frame(), base_year=2025, target_year=2026, plan=PLAN)
    assert r.cagr["all"] == pytest.approx(1000 / 870 - 1)


def _targets_csv(tmp_path) -> str:
    """The hand-made targets as a targets.csv the CLI reads with --targets (a real file, not a patched module)."""
    path = tmp_path / "targets.csv"
    targets_frame().to_csv(path, index=False)
    return str(path)


def test_cli_json(tmp_path, capsys):
    assert cli.main(["consistency", "--json", "--base-total", "1500", "--tolerance", "1",
                     "--targets", _targets_csv(tmp_path)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["verdict"] == "more_ambitious"
    assert d["cagr"]["all"] == pytest.approx(0.131663, abs=1e-6)
    assert d["gap_2026_yi"] == pytest.approx(81.61)
    assert d["rest_of_industry_cagr"] == pytest.approx(0.071513, abs=1e-6)


def test_cli_text_and_error(tmp_path, capsys):
    csv = _targets_csv(tmp_path)
    assert cli.main(["consistency", "--tolerance", "4", "--targets", csv]) == 0
    assert "与年均10%左右基本一致" in capsys.readouterr().out
    assert cli.main(["consistency", "--base-total", "100", "--targets", csv]) == 2
    assert "must exceed" in capsys.readouterr().err
