"""brief --month / --actuals: which 1—N月 a report is about, what a month the actuals lack says, the titles, and
what a plan without bundled data gets (empty register and actuals views that say what to pass)."""

from __future__ import annotations

import pandas as pd
import pytest
from _plans import YUNXI

from chainplan_lib import cli
from chainplan_lib.analysis import sizebands
from chainplan_lib.analysis.progress_report import progress_report
from chainplan_lib.errors import ParameterError
from chainplan_lib.plan import params
from chainplan_lib.plan.load import read_plan
from chainplan_lib.present import briefing, datasets, findings, tables
from chainplan_lib.present import progress_tables as pt
from chainplan_lib.publish import progress_batch as pb


def test_month_defaults_to_the_latest_the_actuals_have():
    # the bundled sample: 2025 published to 1—9月 (2 is 1—2月), 2024 complete
    a = pb.prepare(None, 2025, None)
    assert (a.month, a.month_given, a.months_available) == (9, False, [2, 3, 4, 5, 6, 7, 8, 9])
    assert a.synthetic and len(a.files) == 5
    assert pb.prepare(None, 2024, None).month == 12
    given = pb.prepare(None, 2025, 6)
    assert (given.month, given.month_given) == (6, True)
    assert given.manifest()["months_available"] == [2, 3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("year, month, says", [
    (2025, 11, "have no 2025年1—11月 figures; 2025 has 1—2月、1—3月 … 1—9月 (--month 2–9)"),
    (2026, 3, "have nothing for 2026 (years with actuals: 2019–2025)"),
])
def test_a_month_the_actuals_lack_is_one_line_naming_what_they_have(year, month, says):
    with pytest.raises(ParameterError) as exc:
        pb.prepare(None, year, month)
    assert says in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("month, says", [(1, "use --month 2"), (13, "use 2–12"), ("九", "use 2–12"), (0, "use 2–12")])
def test_month_is_checked(month, says):
    with pytest.raises(ParameterError, match=says):
        pb.check_brief_month(month)


def test_cli_month_error_is_one_line_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:  # an argument error: argparse exits 2 itself
        cli.main(["brief", "--year", "2025", "--month", "1", "--out", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chainplan: error:") and "1—2月" in err and len(err.splitlines()) == 1
    assert not any(tmp_path.iterdir())


def test_titles_name_the_district_and_the_period():
    assert briefing.briefing_title(2024) == "青山湖区制造业重点产业链2024年度简报"
    assert briefing.briefing_title(2025, month=9) == "青山湖区制造业重点产业链2025年1—9月进度简报"
    assert briefing.briefing_title(2025, month=2) == "青山湖区制造业重点产业链2025年1—2月进度简报"
    assert briefing.briefing_title(2025, month=12) == "青山湖区制造业重点产业链2025年度简报"
    assert briefing.briefing_title(2025, read_plan(YUNXI), 9) == "云溪县制造业重点产业链2025年1—9月进度简报"


def test_another_plan_gets_no_bundled_actuals_and_a_month_needs_them():
    yunxi = read_plan(YUNXI)
    a = pb.prepare(None, 2025, None, plan=yunxi)
    assert a.month is None and a.files == [] and len(a.result.actuals) == 0 and not a.synthetic
    assert a.manifest()["source"] is None
    with pytest.raises(ParameterError, match="pass them with --actuals"):
        pb.prepare(None, 2025, 9, plan=yunxi)
    data = datasets.actuals_bundle(None, None, plan=yunxi)
    assert len(data.actuals) == 0 and pt.source_lines(data) == []
    report = progress_report(data.actuals, None, 2025)
    note = pt.no_data_md(report)
    assert "2025年尚无统计月报数据" in note and "--actuals" in note and "actuals_dir" in note


def test_written_empty_actuals_read_back(tmp_path):
    a = pb.prepare(None, 2025, None, plan=read_plan(YUNXI))
    pb.write(a, tmp_path)
    back = datasets.actuals_bundle(tmp_path / "actuals")
    assert len(back.actuals) == 0 and back.actuals["cumulative"].dtype == bool


def test_a_plan_without_registers_gets_an_empty_view_that_says_so():
    yunxi = read_plan(YUNXI)
    reg = datasets.register_bundle(None, None, plan=yunxi)
    assert len(reg.clean) == 0 and len(reg.panel) == 0 and reg.years == [] and not reg.synthetic
    df, spec = tables.register_summary(reg)
    assert df.iloc[-1]["读入行数"] == 0 and "未提供规上企业名录" in spec["note"]
    tgt = datasets.targets_bundle(None, plan=yunxi)
    assert tables.source_lines(tgt, reg, yunxi)[-1] == "规上企业名录：未提供（chainplan brief --registers 名录文件夹）"


def test_bundled_sources_name_the_actuals_files():
    data = datasets.actuals_bundle()
    (line,) = pt.source_lines(data)
    assert line.startswith("统计月报（示例数据：合成，非真实统计）：") and "synthetic_actuals_2024.xlsx" in line


def test_size_bands_only_where_the_plan_has_them():
    assert sizebands.has_size_bands() and not sizebands.has_size_bands(read_plan(YUNXI))
    note = findings.no_size_bands_md(read_plan(YUNXI))
    assert "云溪县制造业重点产业链高质量发展三年行动方案" in note and "未设规模分档目标" in note


def test_years_and_chain_default_to_the_plans_own():
    yunxi = read_plan(YUNXI)
    assert params.check_year_or(None, "year", "base") == 2023
    assert params.check_year_or(None, "year", "target") == 2026
    assert params.check_year_or(None, "year", "base", plan=yunxi) == 2024
    assert params.check_year_or(None, "year", "target", plan=yunxi) == 2027
    assert params.check_year_or(2025, "year", "base", plan=yunxi) == 2025
    with pytest.raises(ParameterError, match="outside the plan's years 2024–2027"):
        params.check_year_or(2023, "start_year", "base", plan=yunxi)
    assert params.check_chain_or(None) == "textiles"
    assert params.check_chain_or(None, plan=yunxi) == "new_materials"
    assert params.check_chain_or("绿色食品", plan=yunxi) == "green_food"


def test_progress_table_note_quotes_the_plans_goal():
    data = datasets.actuals_bundle()
    report = progress_report(data.actuals, datasets.targets_bundle().table, 2025, 9, backtest=False)
    _, spec = pt.progress_table(report, data)
    assert "年均增长10%左右" in spec["note"] and "湖政发〔2024〕2号附件2及正文" in spec["note"]
    assert isinstance(report.table, pd.DataFrame) and report.month == 9


def test_growth_projects_from_the_monthly_full_years_first():
    data = datasets.actuals_bundle()
    reg = datasets.register_bundle()
    obs = datasets.growth_actuals(data, reg, 2025)
    assert obs.source == "统计月报全年数，示例数据" and obs.synthetic
    # complete years only (2025 is published to 1—9月): 2019–2024, four chains each
    assert sorted(obs.frame["year"].unique()) == [2019, 2020, 2021, 2022, 2023, 2024]
    assert len(obs.frame) == 6 * 4 and set(obs.frame["chain_id"]) == {"textiles", "metallurgy", "electronics",
                                                                     "food_pharma"}
    tex24 = obs.frame[(obs.frame["chain_id"] == "textiles") & (obs.frame["year"] == 2024)]["value"]
    assert tex24.item() == pytest.approx(371.5, abs=0.05)   # the 1—12月 figure the progress table shows
    assert sorted(datasets.growth_actuals(data, reg, 2021).frame["year"].unique()) == [2019, 2020, 2021]
    # no monthly figures: the register panel; neither: nothing to project from
    empty = datasets.actuals_bundle(None, None, plan=read_plan(YUNXI))
    fallback = datasets.growth_actuals(empty, reg, 2024)
    assert fallback.source == "规上企业名录，示例数据" and sorted(fallback.frame["year"].unique()) == [2023, 2024]
    none = datasets.growth_actuals(empty, datasets.no_register(), 2024)
    assert none.frame is None and none.source == ""


def test_projection_horizon_may_pass_the_plan():
    assert params.check_horizon(None) == 2026 and params.check_horizon(2028) == 2028
    assert params.check_horizon(None, plan=read_plan(YUNXI)) == 2027
    for bad, says in ((2025, "from the plan's last year 2026 to 2036"), (2037, "2026 to 2036"), ("soon", "not a year"),
                      (2027.5, "not a whole year")):
        with pytest.raises(ParameterError, match=says):
            params.check_horizon(bad)


def test_use_plan_validates_and_refuses_a_switch_in_a_loaded_kernel(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAINPLAN_PLAN", raising=False)
    assert params.use_plan(None).district == "青山湖区"
    with pytest.raises(ParameterError, match="not a plan file path"):
        params.use_plan(3)
    import chainplan_lib.plan.names  # noqa: F401  (loaded with the bundled plan, as in any kernel so far)
    with pytest.raises(ParameterError, match="restart the kernel"):
        params.use_plan(YUNXI)
    missing = tmp_path / "nope.toml"
    with pytest.raises(Exception, match="plan file not found"):
        params.use_plan(missing)
    from _plans import BUNDLED
    assert params.use_plan(BUNDLED).district == "青山湖区"
