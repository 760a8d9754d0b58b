"""Parameter validation: one clear line for each bad value."""

from __future__ import annotations

import pytest
from _plans import PLAN

from chainplan_lib.errors import ParameterError
from chainplan_lib.plan.params import (
    check_base_total,
    check_chain,
    check_path,
    check_rates,
    check_tolerance,
    check_year,
)


@pytest.mark.parametrize("value, expected", [(2023, 2023), ("2026", 2026), (2024.0, 2024)])
def test_years_accepted(value, expected):
    assert check_year(value, plan=PLAN) == expected


@pytest.mark.parametrize("value, message", [(2027, "outside the plan's years 2023–2026"), ("next", "is not a year"),
                                            (2024.5, "not a whole year"), (None, "is not a year")])
def test_years_refused(value, message):
    with pytest.raises(ParameterError, match=message):
        check_year(value, plan=PLAN)


@pytest.mark.parametrize("value, expected", [("textiles", "textiles"), ("现代针纺", "textiles"),
                                             ("现代纺织产业链", "textiles"), ("食品医药", "food_pharma"),
                                             ("all", "all"), ("全区", "all")])
def test_chains_accepted(value, expected):
    assert check_chain(value, plan=PLAN) == expected


def test_chain_refused_names_the_choices():
    with pytest.raises(ParameterError) as e:
        check_chain("steel", plan=PLAN)
    msg = str(e.value)
    assert "chain='steel'" in msg and "textiles" in msg and "\n" not in msg
    with pytest.raises(ParameterError):
        check_chain("all", allow_all=False, plan=PLAN)


def test_rates_tolerance_and_totals():
    assert check_rates([0.08, 0.1]) == [0.08, 0.1]
    assert check_rates(0.1) == [0.1]
    with pytest.raises(ParameterError, match="0.10 means 10 %"):
        check_rates([10])
    with pytest.raises(ParameterError, match="is empty"):
        check_rates([])
    assert check_tolerance("2") == 2.0
    with pytest.raises(ParameterError, match="between 0 and 10"):
        check_tolerance(-1)
    assert check_base_total(None) is None and check_base_total(1500, minimum=690) == 1500
    with pytest.raises(ParameterError, match="must exceed 690 亿元"):
        check_base_total(600, minimum=690)


def test_paths(tmp_path):
    assert check_path(None, "register_dir") is None
    assert check_path(tmp_path, "register_dir") == tmp_path
    with pytest.raises(ParameterError, match="register_dir='/nope' does not exist"):
        check_path("/nope", "register_dir")


def test_traditional_and_alias_names_resolve_in_one_place():
    find_area, find_chain = PLAN.find_area, PLAN.find_chain
    assert find_area("塘山鎮") == "塘山镇" and find_area("高新園區") == "高新园区" and find_area("高新区") == "高新园区"
    assert find_area("青山湖区罗家镇人民政府") == "罗家镇" and find_area("东湖区") is None
    assert find_chain("現代紡織產業鏈").name == "现代针纺" and find_chain("冶金建材 产业链").id == "metallurgy"


# ------------------------------------------------------------------------------ batch parameters (-p)


def test_p_values_are_read_like_papermill():
    from chainplan_lib.plan.params import parse_assignments

    got = parse_assignments(["tolerance_pp=0.5", "use_register=false", "scenario_rates=[0.08, 0.1]",
                             "chain=冶金建材", "base_total_yi=None", "chain=textiles", "note=a=b"])
    assert got == {"tolerance_pp": 0.5, "use_register": False, "scenario_rates": [0.08, 0.1],
                   "chain": "textiles", "base_total_yi": None, "note": "a=b"}   # a later -p wins
    for bad in ("tolerance_pp", "=3", "2x=1", "a b=1"):
        with pytest.raises(ParameterError, match="expected NAME=VALUE"):
            parse_assignments([bad])


def test_params_file(tmp_path):
    from chainplan_lib.plan.params import load_params_file

    f = tmp_path / "p.yaml"
    f.write_text("# batch parameters\ntolerance_pp: 2\nscenario_rates:\n  - 0.05\n  - 0.1\n", encoding="utf-8")
    assert load_params_file(f) == {"tolerance_pp": 2, "scenario_rates": [0.05, 0.1]}
    f.write_text("", encoding="utf-8")
    assert load_params_file(f) == {}
    f.write_text("a: 1\n  b: 2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"p.yaml, line 2: not valid YAML"):
        load_params_file(f)
    f.write_text("3: x\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="3 is not a parameter name"):
        load_params_file(f)


def test_batch_params_are_checked_against_the_notebooks():
    from chainplan_lib.plan.params import check_batch_params

    declared = {"a": {"year", "chain", "tolerance_pp"}, "b": {"year", "base_year", "processed_dir"}}
    reserved = {"year": "--year", "processed_dir": "the batch"}
    assert check_batch_params({"chain": "冶金建材", "base_year": 2023}, declared, reserved=reserved, year=2024, plan=PLAN) == {
        "chain": "冶金建材", "base_year": 2023}
    with pytest.raises(ParameterError) as e:
        check_batch_params({"colour": "red"}, declared, reserved=reserved, plan=PLAN)
    assert str(e.value) == "-p colour: no notebook declares a parameter 'colour'; known: base_year, chain, tolerance_pp"
    with pytest.raises(ParameterError, match="-p year: set by --year"):
        check_batch_params({"year": 2025}, declared, reserved=reserved, plan=PLAN)
    with pytest.raises(ParameterError, match="between 0 and 10"):
        check_batch_params({"tolerance_pp": 11}, declared, reserved=reserved, plan=PLAN)
    with pytest.raises(ParameterError, match="base_year=2025 is after year=2024"):
        check_batch_params({"base_year": 2025}, declared, reserved=reserved, year=2024, plan=PLAN)


@pytest.mark.parametrize("value, message", [(0, "at least 1"), (-3, "at least 1"), ("two", "whole number"),
                                            (1.5, "whole number"), (True, "whole number")])
def test_jobs_refused(value, message):
    from chainplan_lib.plan.params import check_jobs

    with pytest.raises(ParameterError, match=message):
        check_jobs(value)


def test_jobs_accepted():
    from chainplan_lib.plan.params import check_jobs

    assert check_jobs(None) is None and check_jobs(1) == 1 and check_jobs("4") == 4


# ------------------------------------------------------------------------------ the remaining refusals


@pytest.mark.parametrize("call, message", [
    (lambda: check_rates(["fast"]), "must be a list of fractions such as"),
    (lambda: check_tolerance("wide"), "'wide' is not a number of percentage points"),
    (lambda: check_base_total("lots", minimum=690), "'lots' is not an amount in 亿元"),
    (lambda: check_path(None, "raw_path", allow_none=False), "raw_path is required"),
])
def test_each_refusal_names_the_parameter(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_indicators_are_the_plans():
    from chainplan_lib.plan.params import check_indicator

    assert check_indicator("enterprises", plan=PLAN) == "enterprises"
    with pytest.raises(ParameterError, match=r"indicator='tax' must be 'revenue' \(亿元\) or 'enterprises' \(户\)"):
        check_indicator("tax", plan=PLAN)


@pytest.mark.parametrize("content, message", [
    (None, "file not found"),
    ("folder", "is a folder; expected a YAML file"),
    (b"a: \xff\xfe\n", r"not UTF-8 text \(byte 3\)"),
    (b"x: 1\n" * 25000, "larger than 100 KB"),
])
def test_params_file_refusals(tmp_path, content, message):
    from chainplan_lib.plan.params import load_params_file

    f = tmp_path / "p.yaml"
    if content == "folder":
        f.mkdir()
    elif content is not None:
        f.write_bytes(content)
    with pytest.raises(ParameterError, match=message):
        load_params_file(f)


def test_a_p_value_that_is_not_yaml_stays_text():
    from chainplan_lib.plan.params import parse_assignments

    assert parse_assignments(["note=[unclosed", "empty="]) == {"note": "[unclosed", "empty": ""}
