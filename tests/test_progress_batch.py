"""brief --month / --actuals: which 1—N月 a report is about, what a month the actuals lack says, the titles, and
what a plan without bundled data gets (empty register and actuals views that say what to pass)."""

from __future__ import annotations

import pandas as pd
import pytest
from _plans import PLAN, YUNXI, bundled_district

from chainplan_lib import District, cli
from chainplan_lib.analysis import sizebands
from chainplan_lib.analysis.progress_report import progress_report
from chainplan_lib.errors import ParameterError
from chainplan_lib.plan import params
from chainplan_lib.plan.load import read_plan
from chainplan_lib.present import briefing, sources
from chainplan_lib.present import progress as show_progress
from chainplan_lib.present import register as show_register
from chainplan_lib.publish import progress_batch as pb


def test_month_defaults_to_the_latest_the_actuals_have():
    # the bundled sample: 2025 published to 1—9月 (2 is 1—2月), 2024 complete
    a = pb.prepare(None, 2025, None, plan=PLAN)
    assert (a.month, a.month_given, a.months_available) == (9, False, [2, 3, 4, 5, 6, 7, 8, 9])
    assert a.synthetic and len(a.files) == 5
    assert pb.prepare(None, 2024, None, plan=PLAN).month == 12
    given = pb.prepare(None, 2025, 6, plan=PLAN)
    assert (given.month, given.month_given) == (6, True)
    assert given.manifest()["months_available"] == [2, 3, 4, 5, 6, 7, 8, 9]


@pytest.mark.parametrize("year, month, says", [
    (2025, 11, "have no 2025年1—11月 figures; 2025 has 1—2月、1—3月 … 1—9月 (--month 2–9)"),
    (2026, 3, "have nothing for 2026 (years with actuals: 2019–2025)"),
])
def test_a_month_the_actuals_lack_is_one_line_naming_what_they_have(year, month, says):
    with pytest.raises(ParameterError) as exc:
        pb.prepare(None, year, month, plan=PLAN)
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
    assert briefing.briefing_title(2024, plan=PLAN) == "青山湖区制造业重点产业链2024年度简报"
    assert briefing.briefing_title(2025, month=9, plan=PLAN) == "青山湖区制造业重点产业链2025年1—9月进度简报"
    assert briefing.briefing_title(2025, month=2, plan=PLAN) == "青山湖区制造业重点产业链2025年1—2月进度简报"
    assert briefing.briefing_title(2025, month=12, plan=PLAN) == "青山湖区制造业重点产业链2025年度简报"
    assert briefing.briefing_title(2025, read_plan(YUNXI), 9) == "云溪县制造业重点产业链2025年1—9月进度简报"


def test_another_plan_gets_no_bundled_actuals_and_a_month_needs_them():
    yunxi = read_plan(YUNXI)
    a = pb.prepare(None, 2025, None, plan=yunxi)
    assert a.month is None and a.files == [] and len(a.result.actuals) == 0 and not a.synthetic
    assert a.manifest()["source"] is None
    with pytest.raises(ParameterError, match="pass them with --actuals"):
        pb.prepare(None, 2025, 9, plan=yunxi)
    data = District.open(yunxi).monthly
    assert len(data.actuals) == 0 and show_progress.source_lines(data) == []
    report = progress_report(data.actuals, None, 2025, plan=yunxi)
    note = show_progress.no_data_md(report)
    assert "2025年尚无统计月报数据" in note and "--actuals" in note and "actuals_dir" in note


def test_written_empty_actuals_read_back(tmp_path):
    a = pb.prepare(None, 2025, None, plan=read_plan(YUNXI))
    pb.write(a, tmp_path)
    back = District.open(read_plan(YUNXI), actuals=tmp_path / "actuals").monthly
    assert len(back.actuals) == 0 and back.actuals["cumulative"].dtype == bool


def test_a_folder_with_only_an_empty_cleaned_actuals_csv_is_read_as_no_figures(tmp_path):
    """`brief --actuals DIR` where DIR holds a header-only actuals.csv: the batch passes it on with side files
    written from tables without columns (one newline each) and a summary of {} — the notebooks failed on them
    (EmptyDataError: No columns to parse; KeyError: 'entries'); now they read no figures and say why."""
    from chainplan_lib.cleaning.actuals.clean import ACTUALS_COLUMNS

    src = tmp_path / "given"
    src.mkdir()
    (src / "actuals.csv").write_text(",".join(ACTUALS_COLUMNS) + "\n", encoding="utf-8")
    a = pb.prepare(src, 2025, None, plan=PLAN)
    pb.write(a, tmp_path / "report")
    back = District.open(PLAN, actuals=tmp_path / "report" / "actuals").monthly
    assert len(back.actuals) == 0 and back.quarantine.empty and back.checks.empty
    df, spec = show_progress.cleaning_table(back)
    assert df.to_dict("records") == [{"项目": "清洗后（actuals.csv）", "数量": 0}]
    assert "没有清洗汇总（actuals_summary.json）" in spec["note"]


def test_a_plan_without_registers_gets_an_empty_view_that_says_so():
    yunxi = read_plan(YUNXI)
    d = District.open(yunxi)
    reg = d.register
    assert len(reg.clean) == 0 and len(reg.panel) == 0 and reg.years == [] and not reg.synthetic
    df, spec = show_register.register_summary(reg)
    assert df.iloc[-1]["读入行数"] == 0 and "未提供规上企业名录" in spec["note"]
    tgt = d.targets
    assert sources.source_lines(tgt, reg, plan=yunxi)[-1] == "规上企业名录：未提供（chainplan brief --registers 名录文件夹）"


def test_bundled_sources_name_the_actuals_files():
    data = bundled_district().monthly
    (line,) = show_progress.source_lines(data)
    assert line.startswith("统计月报（示例数据：合成，非真实统计）：") and "synthetic_actuals_2024.xlsx" in line


def test_size_bands_only_where_the_plan_has_them():
    assert sizebands.has_size_bands(PLAN) and not sizebands.has_size_bands(read_plan(YUNXI))
    note = show_register.no_size_bands_md(read_plan(YUNXI))
    assert "云溪县制造业重点产业链高质量发展三年行动方案" in note and "未设规模分档目标" in note


def test_years_and_chain_default_to_the_plans_own():
    yunxi = read_plan(YUNXI)
    assert params.check_year_or(None, "year", "base", plan=PLAN) == 2023
    assert params.check_year_or(None, "year", "target", plan=PLAN) == 2026
    assert params.check_year_or(None, "year", "base", plan=yunxi) == 2024
    assert params.check_year_or(None, "year", "target", plan=yunxi) == 2027
    assert params.check_year_or(2025, "year", "base", plan=yunxi) == 2025
    with pytest.raises(ParameterError, match="outside the plan's years 2024–2027"):
        params.check_year_or(2023, "start_year", "base", plan=yunxi)
    assert params.check_chain_or(None, plan=PLAN) == "textiles"
    assert params.check_chain_or(None, plan=yunxi) == "new_materials"
    assert params.check_chain_or("绿色食品", plan=yunxi) == "green_food"


def test_progress_table_note_quotes_the_plans_goal():
    data = bundled_district().monthly
    report = progress_report(data.actuals, bundled_district().targets.table, 2025, 9, backtest=False, plan=PLAN)
    _, spec = show_progress.progress_table(report, data)
    assert "年均增长10%左右" in spec["note"] and "湖政发〔2024〕2号附件2及正文" in spec["note"]
    assert isinstance(report.table, pd.DataFrame) and report.month == 9


def test_growth_projects_from_the_monthly_full_years_first():
    d = bundled_district()
    obs = d.growth_actuals(2025)
    assert obs.source == "统计月报全年数，示例数据" and obs.synthetic
    # complete years only (2025 is published to 1—9月): 2019–2024, four chains each
    assert sorted(obs.frame["year"].unique()) == [2019, 2020, 2021, 2022, 2023, 2024]
    assert len(obs.frame) == 6 * 4 and set(obs.frame["chain_id"]) == {"textiles", "metallurgy", "electronics",
                                                                     "food_pharma"}
    tex24 = obs.frame[(obs.frame["chain_id"] == "textiles") & (obs.frame["year"] == 2024)]["value"]
    assert tex24.item() == pytest.approx(371.5, abs=0.05)   # the 1—12月 figure the progress table shows
    assert sorted(d.growth_actuals(2021).frame["year"].unique()) == [2019, 2020, 2021]
    # no monthly figures: the register panel; neither: nothing to project from
    fallback = d.growth_actuals(2024, use_monthly=False)
    assert fallback.source == "规上企业名录，示例数据" and sorted(fallback.frame["year"].unique()) == [2023, 2024]
    none = District.open(read_plan(YUNXI)).growth_actuals(2024)
    assert none.frame is None and none.source == ""


def test_projection_horizon_may_pass_the_plan():
    assert params.check_horizon(None, plan=PLAN) == 2026 and params.check_horizon(2028, plan=PLAN) == 2028
    assert params.check_horizon(None, plan=read_plan(YUNXI)) == 2027
    for bad, says in ((2025, "from the plan's last year 2026 to 2036"), (2037, "2026 to 2036"), ("soon", "not a year"),
                      (2027.5, "not a whole year")):
        with pytest.raises(ParameterError, match=says):
            params.check_horizon(bad, plan=PLAN)


def test_plan_file_reads_the_parameter_and_a_kernel_may_open_two_plans(tmp_path, monkeypatch):
    """A notebook's plan parameter: None is $CHAINPLAN_PLAN or the bundled plan; nothing is held, so a kernel may
    switch plans, or hold two, without a restart."""
    from _plans import BUNDLED

    monkeypatch.delenv("CHAINPLAN_PLAN", raising=False)
    assert params.plan_file(None).district == "青山湖区"
    monkeypatch.setenv("CHAINPLAN_PLAN", str(YUNXI))
    assert params.plan_file(None).district == "云溪县"
    with pytest.raises(ParameterError, match="not a plan file path"):
        params.plan_file(3)
    with pytest.raises(Exception, match="plan file not found"):
        params.plan_file(tmp_path / "nope.toml")
    assert params.plan_file(BUNDLED).district == "青山湖区" and params.plan_file(YUNXI).district == "云溪县"
