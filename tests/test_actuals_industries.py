"""Industries as bureaus print them (GB/T 4754-2017 divisions) and their sums into the plan's chains, by hand."""

from __future__ import annotations

import math

import pytest
from _plans import ROOT, plan_copy

from chainplan_lib.cleaning.actuals.industries import (
    IndustryIndex,
    chain_sums,
    industry_key,
    load_divisions,
)
from chainplan_lib.cleaning.actuals.labels import load_layout, read_label
from chainplan_lib.plan.load import read_plan

REALTABLES = ROOT / "tests" / "data" / "plans" / "realtables-2022.toml"


@pytest.fixture(scope="module")
def test_plan():
    return read_plan(REALTABLES)


@pytest.fixture(scope="module")
def index():
    return IndustryIndex(load_divisions())


# --------------------------------------------------------------------------------------------- the data file
def test_the_divisions_file_is_the_standards_b_c_d_sections():
    divs = load_divisions()
    assert [d.code for d in divs] == [f"{c:02d}" for c in range(6, 47)]  # 06–46: mining, manufacturing, utilities
    by = {d.code: d for d in divs}
    assert {d.section for d in divs} == {"B", "C", "D"}
    assert [d.code for d in divs if d.section == "B"] == ["06", "07", "08", "09", "10", "11", "12"]
    assert [d.code for d in divs if d.section == "D"] == ["44", "45", "46"]
    # names as the standard prints them (spot checks against GB/T 4754-2017), and the 2011 names that differ
    assert by["11"].name == "开采专业及辅助性活动" and by["11"].name_2011 == "开采辅助活动"
    assert by["25"].name == "石油、煤炭及其他燃料加工业" and by["25"].name_2011 == "石油加工、炼焦和核燃料加工业"
    assert by["39"].name == "计算机、通信和其他电子设备制造业" and "计算机通信电子" in by["39"].short
    assert by["38"].name == "电气机械和器材制造业" and "电气机械" in by["38"].short
    assert by["31"].name == "黑色金属冶炼和压延加工业" and "黑色金属冶炼" in by["31"].short
    assert by["13"].name == "农副食品加工业" and "农副食品加工" in by["13"].short
    assert by["37"].name == "铁路、船舶、航空航天和其他运输设备制造业"
    assert by["43"].name == "金属制品、机械和设备修理业"
    assert sum(1 for d in divs if d.name_2011) == 2


def test_no_name_points_at_two_divisions(index):
    # the index refuses a clash when it is built; every name, 2011 name and short name finds its own division
    for d in load_divisions():
        for n in (d.name, d.name_2011, *d.short):
            if n:
                k = industry_key(n)
                hit = index.full_name(k) or index.short_name(k)
                assert hit is not None and hit.code == d.code, (n, hit)


# --------------------------------------------------------------------------------------------- reading labels
@pytest.mark.parametrize("label, code, how", [
    ("计算机、通信和其他电子设备制造业", "39", "name"),
    ("计算机通信和其他电子设备制造业", "39", "name"),           # 、 dropped
    ("計算機、通信和其他電子設備製造業", "39", "name"),           # Traditional
    ("计算机、通信和其他电子设备 制造业", "39", "name"),          # a space inside
    ("  #食品制造业", "14", "name"),                            # indent and an of-which mark
    ("其中：汽车制造业", "36", "name"),
    ("电气机械及器材制造业", "38", "name"),                      # 及 read as 和
    ("开采辅助活动", "11", "name_2011"),                         # the 2011 name
    ("石油加工、炼焦和核燃料加工业", "25", "name_2011"),
    ("计算机通信电子", "39", "short"),                           # short names bureaus print
    ("黑色金属冶炼", "31", "short"),
    ("农副食品加工", "13", "short"),
    ("专用设备制造", "35", "short"),
    ("39 计算机、通信和其他电子设备制造业", "39", "code"),        # a printed code
    ("C36汽车制造业", "36", "code"),
    ("3971 电子元件及电子专用材料制造", "3971", "code"),          # a class, by its code
])
def test_labels_read_as_divisions(test_plan, label, code, how):
    lab = read_label(label, load_layout(test_plan))
    assert lab.industry is not None and lab.industry.code == code, lab
    assert lab.industry.how in ((how, "stem") if how == "short" else (how,)), lab  # a short name may be a stem too


def test_a_full_industry_name_beats_a_chain_alias_inside_it_but_an_exact_alias_is_the_chain(plan):
    lay = load_layout(plan)  # the bundled plan: 医药 and 纺织 are aliases of its chains
    assert read_label("医药制造业", lay).industry.code == "27" and read_label("医药制造业", lay).series is None
    assert read_label("纺织业", lay).industry.code == "17"
    assert read_label("纺织", lay).series == "textiles" and read_label("纺织", lay).industry is None
    assert read_label("其中：现代针纺产业链", lay).series == "textiles"


def test_a_name_one_character_off_is_flagged_with_its_candidate_never_matched(test_plan, index):
    lab = read_label("计算机、通信和其他电子设备制业", load_layout(test_plan))  # the Beijing bureau's typo
    assert lab.industry is None and lab.near == (("39", "计算机、通信和其他电子设备制造业"),)
    real = read_label("有色金属矿采选业", load_layout(test_plan))  # one character from 黑色…, but a real name
    assert real.industry.code == "09" and real.near == ()
    assert index.near(industry_key("白色金属矿采选业")) == [("08", "黑色金属矿采选业"), ("09", "有色金属矿采选业")]
    assert index.near(industry_key("金融业")) == []            # short labels are not compared


def test_a_misprint_checked_by_a_person_is_accepted_from_the_layout_config(tmp_path, test_plan):
    from chainplan_lib.cleaning.actuals.labels import LAYOUT_FILE

    text = LAYOUT_FILE.read_text(encoding="utf-8").replace(
        "misprints = {}", 'misprints = { "计算机、通信和其他电子设备制业" = "39" }')
    (tmp_path / "layout.toml").write_text(text, encoding="utf-8")
    lab = read_label("计算机、通信和其他电子设备制业", load_layout(test_plan, tmp_path / "layout.toml"))
    assert (lab.industry.code, lab.industry.how) == ("39", "misprint")


# --------------------------------------------------------------------------------------------- sums, by hand
def _row(code, value, yoy=math.nan, prior=math.nan, row=1):
    return {"code": code, "value": value, "yoy_pct": yoy, "prior": prior, "of_which": False, "source_row": row,
            "year": 2022, "month": 12, "cumulative": True, "indicator": "output", "area": "全区"}


def _sums(rows, plan):
    recs, cov = chain_sums(rows, plan, source_file="t.xlsx", source_table="Sheet1")
    return {r["chain_id"]: r for r in recs}, {c["chain_id"]: c for c in cov}


def test_growth_of_a_sum_from_each_industrys_own_growth(test_plan):
    # food = 13 + 14 + 15; growth back-computed: base_i = v_i / (1 + g_i)
    rows = [_row("13", 50.0, 10.0), _row("14", 30.0, -20.0), _row("15", 20.0, 0.0)]
    recs, cov = _sums(rows, test_plan)
    base = 50 / 1.1 + 30 / 0.8 + 20 / 1.0
    assert recs["food"]["value"] == pytest.approx(100.0, abs=0.005)
    assert recs["food"]["yoy_pct"] == pytest.approx((100 / base - 1) * 100, abs=0.05)
    assert recs["food"]["yoy_pct"] == pytest.approx(-2.87, abs=0.05)  # 100 / 102.95 − 1
    assert (recs["food"]["coverage"], recs["food"]["yoy_basis"]) == ("full", "growth")
    assert cov["food"]["codes_found"] == "13 14 15" and cov["food"]["codes_missing"] == ""


def test_growth_of_a_sum_from_the_printed_prior_year_column_when_every_part_has_one(test_plan):
    rows = [_row("14", 39.0846, -10.8, 43.7924), _row("15", 28.9922, 8.9, 26.6122)]
    recs, cov = _sums(rows, test_plan)
    assert recs["food"]["value"] == pytest.approx(68.08, abs=0.01)
    assert recs["food"]["yoy_pct"] == pytest.approx((68.0768 / 70.4046 - 1) * 100, abs=0.05)  # -3.31 %
    assert recs["food"]["yoy_basis"] == "prior_year" and recs["food"]["coverage"] == "partial"
    assert (cov["food"]["codes_found"], cov["food"]["codes_missing"]) == ("14 15", "13")


def test_a_chain_the_table_does_not_cover_is_absent_never_zero(test_plan):
    recs, cov = _sums([_row("33", 26.2352, -10.4, 29.2936)], test_plan)
    assert set(recs) == {"metal"}  # electronics, materials, food, equipment: no record at all
    assert {k: v["status"] for k, v in cov.items()} == {"food": "absent", "equipment": "absent",
                                                       "electronics": "absent", "materials": "absent",
                                                       "metal": "full"}
    assert math.isnan(cov["electronics"]["value"])


def test_a_class_code_needs_its_class_row_and_a_division_is_never_split(tmp_path):
    # chain a: division 39 (less the class 3971 the plan gives chain b); chain b: class 3971
    p = read_plan(plan_copy(tmp_path, ('industry_codes = ["38", "39", "40"]', 'industry_codes = ["39"]'),
                            ('industry_codes = ["33"]', 'industry_codes = ["3971"]'), source=REALTABLES,
                            name="p.toml"))   # its table copied beside it (a plan's table stays in its folder)
    # only the division's row: class 3971 cannot be taken out of it, so neither chain gets a figure
    recs, cov = _sums([_row("39", 100.0, 10.0)], p)
    assert "electronics" not in recs and "metal" not in recs
    assert "3971" in cov["electronics"]["note"] and "无法扣除" in cov["electronics"]["note"]
    assert "只有大类 39 的行" in cov["metal"]["note"] and cov["metal"]["status"] == "absent"
    # with the class row: the division less the class, and the class
    recs, cov = _sums([_row("39", 100.0, 10.0), _row("3971", 30.0, 20.0, row=2)], p)
    assert recs["electronics"]["value"] == pytest.approx(70.0) and recs["metal"]["value"] == pytest.approx(30.0)
    base = 100 / 1.1 - 30 / 1.2
    assert recs["electronics"]["yoy_pct"] == pytest.approx((70 / base - 1) * 100, abs=0.05)  # 5.88 %


def test_growth_only_tables_give_no_sum_but_a_single_industry_chain_its_growth(test_plan):
    rows = [_row("13", math.nan, 11.5), _row("14", math.nan, 1.0), _row("15", math.nan, 3.3),
            _row("33", math.nan, -3.6)]
    recs, cov = _sums(rows, test_plan)
    assert recs == {}
    assert cov["food"]["status"] == "full_growth_only" and math.isnan(cov["food"]["yoy_pct"])
    assert cov["metal"]["yoy_pct"] == -3.6 and cov["metal"]["yoy_basis"] == "growth"
