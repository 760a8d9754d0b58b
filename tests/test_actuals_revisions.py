"""Revisions are data, not conflicts (issue 23): the same figure published twice with different values — the later
release wins (快报 → 定报 → 修订 marks, else dates, else file order, the rule stated) and the earlier is kept in
actuals_revisions.csv; growth cells such as 下降5.2 are growth, never yoy_not_number. Each case failed before:
both versions were quarantined as duplicate_conflict (or the value as yoy_not_number) and `chainplan progress`
went on without the chain, exit 0."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from chainplan_lib.cleaning.actuals.clean import OUTPUT_FILES, clean_actuals
from chainplan_lib.cli import main as cli_main

HEAD = "2025年1—9月重点产业链主要指标{mark}\n指标名称,1—9月累计（亿元）,同比增长(%)\n"
ROWS = {"规上工业营业收入": (990.0, "6.0"), "其中：现代针纺": (291.4, "11.4"), "冶金建材": (194.3, "7.4"),
        "电子信息": (59.4, "12.2"), "食品医药": (66.0, "2.0")}


def report(path: Path, *, mark: str = "", textiles: float = 291.4, yoy: str = "11.4") -> Path:
    """A 1—9月 report as a CSV (title with the release mark, if any); 现代针纺's figure as given."""
    rows = dict(ROWS, **{"其中：现代针纺": (textiles, yoy)})
    body = "".join(f"{k},{v:g},{g}\n" for k, (v, g) in rows.items())
    path.write_text(HEAD.format(mark=mark) + body, encoding="utf-8")
    return path


def flash_then_final(folder: Path) -> Path:
    """The issue's case: the 快报 and then the 定报 of 1—9月, 现代针纺 revised from 291.4 to 293.0. By name the
    定报 file sorts first (定 < 快), so the file order alone would pick the 快报: the stage must decide."""
    folder.mkdir(parents=True, exist_ok=True)
    report(folder / "2025年1-9月_快报.csv", mark="（快报）")
    report(folder / "2025年1-9月_定报.csv", mark="（定报）", textiles=293.0, yoy="12.0")
    return folder


def _textiles(r) -> pd.Series:
    a = r.actuals
    return a[(a["chain_id"] == "textiles") & a["cumulative"]].iloc[0]


def test_flash_then_final_report_the_final_wins_by_its_stage_and_the_flash_is_kept(tmp_path, plan):
    r = clean_actuals([flash_then_final(tmp_path / "in")], plan, out_dir=tmp_path / "out")
    t = _textiles(r)
    assert (t["value"], t["yoy_pct"]) == (293.0, 12.0) and t["source_file"].endswith("_定报.csv")
    assert not (r.quarantine["reason_code"] == "duplicate_conflict").any()
    rev = r.revisions.iloc[0]
    assert len(r.revisions) == 1 and (rev["value"], rev["kept_value"], rev["rule"]) == (291.4, 293.0, "stage")
    assert rev["source_file"].endswith("_快报.csv") and rev["kept_file"].endswith("_定报.csv")
    assert "定报" in rev["why"] and "快报" in rev["why"]
    s = r.summary  # four identical figures are duplicates of the first printed; the balance still holds
    assert (s["entries"], s["clean"], s["duplicates_dropped"], s["revised"]) == (10, 5, 4, 1)
    assert s["balanced"] and s["entries"] == s["clean"] + s["quarantined"] + s["duplicates_dropped"] + s["revised"]
    assert "修订：现代针纺 2025年1—9月 全区 营业收入：291.4 → 293（stage：" in r.summary_text()
    written = pd.read_csv(tmp_path / "out" / OUTPUT_FILES["revisions"])
    assert written[["value", "kept_value", "rule"]].values.tolist() == [[291.4, 293.0, "stage"]]


def test_a_correction_comes_after_both(tmp_path, plan):
    folder = flash_then_final(tmp_path / "in")
    report(folder / "2025年1-9月_修订.csv", mark="（修订）", textiles=292.5, yoy="11.8")
    r = clean_actuals([folder], plan)
    assert _textiles(r)["value"] == 292.5
    assert sorted(r.revisions["value"]) == [291.4, 293.0] and set(r.revisions["rule"]) == {"stage"}


def test_without_marks_the_date_in_the_file_name_decides_whatever_the_order_given(tmp_path, plan):
    late = report(tmp_path / "月报_20251020.csv", textiles=293.0)
    early = report(tmp_path / "月报_20251015.csv")
    r = clean_actuals([late, early], plan)  # given latest first
    assert _textiles(r)["value"] == 293.0
    assert r.revisions[["value", "rule"]].values.tolist() == [[291.4, "date"]]
    assert "2025-10-20" in r.revisions["why"].iloc[0]


def test_without_marks_or_dates_the_later_file_wins_and_the_rule_says_so(tmp_path, plan):
    a = report(tmp_path / "a.csv")
    b = report(tmp_path / "b.csv", textiles=293.0)
    r = clean_actuals([a, b], plan)
    assert _textiles(r)["value"] == 293.0
    assert r.revisions["rule"].tolist() == ["file_order"] and "文件顺序" in r.revisions["why"].iloc[0]


def test_two_values_in_one_release_are_still_a_conflict_for_a_person(tmp_path, plan):
    p = report(tmp_path / "one.csv")
    p.write_text(p.read_text(encoding="utf-8") + "现代针纺,300,1.0\n", encoding="utf-8")
    r = clean_actuals([p], plan)
    assert not (r.actuals["chain_id"] == "textiles").any() and r.revisions.empty
    assert (r.quarantine["reason_code"] == "duplicate_conflict").sum() == 2


def test_progress_uses_the_final_report_not_silence(tmp_path, plan, capsys):
    folder = flash_then_final(tmp_path / "in")
    assert cli_main(["actuals", "clean", str(folder), "--out", str(tmp_path / "clean")]) == 0
    capsys.readouterr()
    assert cli_main(["progress", "--year", "2025", "--month", "9", "--actuals", str(tmp_path / "clean"),
                     "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["chains"]["textiles"]["cumulative_yi"] == 293.0
    assert d["chains"]["all"]["cumulative_yi"] == pytest.approx(293.0 + 194.3 + 59.4 + 66.0)
    # and it says so: the figure used, the one it replaced (before: progress was silent about the revision)
    (line,) = d["revisions"]
    assert line.startswith("现代针纺1—9月采用定报数 293.0 亿元") and "此前快报为 291.4 亿元" in line, line
    assert cli_main(["progress", "--year", "2025", "--month", "9", "--actuals", str(tmp_path / "clean")]) == 0
    assert "数据说明：现代针纺1—9月采用定报数 293.0 亿元" in capsys.readouterr().out


@pytest.mark.parametrize("cell, pct", [("下降5.2", -5.2), ("增长5.2", 5.2), ("-5.2%", -5.2), ("持平", 0.0)])
def test_a_growth_written_in_words_is_growth_and_progress_keeps_the_chain(tmp_path, plan, capsys, cell, pct):
    report(tmp_path / "in.csv", yoy=cell)
    r = clean_actuals([tmp_path / "in.csv"], plan)
    assert _textiles(r)["yoy_pct"] == pct and r.quarantine.empty
    assert cli_main(["progress", "--year", "2025", "--month", "9", "--actuals", str(tmp_path / "in.csv"),
                     "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["chains"]["textiles"]["cumulative_yi"] == 291.4 and d["chains"]["textiles"]["yoy_pct"] == pct


def test_progress_names_a_quarantined_chain_with_why_and_exits_3(tmp_path, plan, capsys):
    p = report(tmp_path / "one.csv")
    p.write_text(p.read_text(encoding="utf-8") + "现代针纺,300,1.0\n", encoding="utf-8")
    args = ["progress", "--year", "2025", "--month", "9", "--actuals", str(p), "--json"]
    assert cli_main(args) == 3
    cap = capsys.readouterr()
    d = json.loads(cap.out)
    assert d["chains"]["textiles"] is None and d["chains"]["all"] is None  # no sum without a part
    why = {m["chain_id"]: m["why"] for m in d["missing"]}
    assert why["textiles"].startswith("2025年1—9月的数据已隔离：") and "one.csv 第 4、8 行" in why["textiles"] \
        and "/tmp" not in why["textiles"] and why["textiles"].count("已隔离") == 1
    err = cap.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("chainplan: error: progress: 1 条产业链缺少2025年1—9月数据（现代针纺：")
    assert "--allow-missing" in err[0]
    assert cli_main(args + ["--allow-missing"]) == 0


def test_progress_names_a_chain_no_file_gave(tmp_path, plan, capsys):
    p = report(tmp_path / "in.csv")
    p.write_text("".join(x for x in p.read_text(encoding="utf-8").splitlines(True) if "食品医药" not in x),
                 encoding="utf-8")
    assert cli_main(["progress", "--year", "2025", "--month", "9", "--actuals", str(p)]) == 3
    cap = capsys.readouterr()
    assert "缺少数据：食品医药（统计月报未提供2025年1—9月的数据）" in cap.out
    assert "食品医药：统计月报未提供2025年1—9月的数据" in cap.err


def test_progress_for_a_year_without_figures_names_every_chain(tmp_path, plan, capsys):
    p = report(tmp_path / "in.csv")
    assert cli_main(["progress", "--year", "2024", "--actuals", str(p)]) == 3
    err = capsys.readouterr().err
    assert "4 条产业链缺少2024年数据" in err and "统计月报未提供2024年的数据" in err


def test_a_period_in_a_file_name_is_not_a_publication_date(tmp_path, plan):
    r = clean_actuals([flash_then_final(tmp_path / "in")], plan)
    rev = r.revisions.iloc[0]  # "2025年1-9月" once read as 9 January 2025
    assert rev["release"] == "2025年1-9月_快报.csv 快报" and rev["kept_release"] == "2025年1-9月_定报.csv 定报"


def test_the_briefing_footnotes_a_revised_figure_and_a_missing_chain(tmp_path, plan):
    from chainplan_lib import District
    from chainplan_lib.present.progress import data_notes

    d = District.open(plan, actuals=flash_then_final(tmp_path / "in"))
    assert data_notes(d.progress(2025, 9), d.monthly) == [
        "现代针纺1—9月采用定报数 293.0 亿元（2025年1-9月_定报.csv），此前快报为 291.4 亿元（2025年1-9月_快报.csv）。"]
    p = report(tmp_path / "one.csv")
    p.write_text(p.read_text(encoding="utf-8") + "现代针纺,300,1.0\n", encoding="utf-8")
    d = District.open(plan, actuals=p)
    notes = data_notes(d.progress(2025, 9), d.monthly)
    assert len(notes) == 2 and notes[0].startswith("现代针纺：2025年1—9月的数据已隔离：")
    assert notes[0].endswith("（one.csv 第 4、8 行）；本期不列该链。")
    assert notes[1] == "四链合计：缺少现代针纺2025年1—9月的数据，不作合计。"


def test_the_district_names_the_chains_a_progress_report_leaves_out(tmp_path, plan):
    """District.missing_chains: what `progress` and `brief --month` exit 3 with — a chain no file gave (by id, with
    why), every chain for a year with no figure, nothing when all are there; progress against given targets."""
    from chainplan_lib import District

    p = report(tmp_path / "in.csv")
    p.write_text("".join(x for x in p.read_text(encoding="utf-8").splitlines(True) if "食品医药" not in x),
                 encoding="utf-8")
    d = District.open(plan, actuals=p)
    assert d.missing_chains(d.progress(2025, 9)) == {"food_pharma": "统计月报未提供2025年1—9月的数据"}
    assert d.missing_chains(d.progress(2024)) == {c: "统计月报未提供2024年的数据" for c in plan.chain_ids}
    full = District.open(plan, actuals=report(tmp_path / "full.csv"))
    assert full.missing_chains(full.progress(2025, 9)) == {}
    halved = full.targets.table.assign(value=full.targets.table["value"] / 2)
    own, given = full.progress(2025, 9), full.progress(2025, 9, targets=halved)
    t = own.table.set_index("chain_id")["completion_pct"]
    assert given.table.set_index("chain_id")["completion_pct"].round(6).equals((t * 2).round(6))
    assert full.progress(2025, 9) is own      # its own targets: cached; given ones are not
