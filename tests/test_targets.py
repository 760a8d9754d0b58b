"""The Attachment 2 cleaner: each extraction defect on a hand-written snippet, then the real table."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _plans import PLAN, plan_copy

from chainplan_lib.cleaning.targets.clean import (
    TARGET_COLUMNS,
    clean_targets,
    load_targets,
    raw_rows_frame,
    reconcile,
    write_targets,
)
from chainplan_lib.errors import InputError, ReconciliationError
from chainplan_lib.paths import default_raw_targets
from chainplan_lib.plan.load import read_plan

HEADER = "产业链\t年份\t指标\t全区\t湖坊镇\t塘山镇\t京东镇\t罗家镇\t上海路街道\t青山路街道\t南钢街道\t站东街道\t高新园区\t"
TITLE = "青山湖区重点产业链目标预测表（亿元）"


def write(tmp_path: Path, body: str, *, title: str = TITLE, header: str = HEADER, encoding="utf-8") -> Path:
    p = tmp_path / "attachment2.txt"
    p.write_bytes(f"{title}\n\n{header}\n{body}\n".encode(encoding))
    return p


def value(t: pd.DataFrame, chain: str, year: int, indicator: str, area: str) -> tuple[float, str]:
    r = t[(t.chain == chain) & (t.year == year) & (t.indicator == indicator) & (t.area == area)]
    assert len(r) == 1
    return r["value"].iloc[0], r["source"].iloc[0]


# ------------------------------------------------------------------------------------------- defects


def test_plain_row_reads_dash_as_zero(tmp_path):
    p = write(tmp_path, "电子信息产业链\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64")
    r = clean_targets(p, complete=False, plan=PLAN)
    t = r.table
    assert len(t) == 10
    assert value(t, "电子信息", 2023, "revenue", "全区") == (65.0, "table")
    assert value(t, "电子信息", 2023, "revenue", "高新园区") == (64.0, "table")
    assert value(t, "电子信息", 2023, "revenue", "湖坊镇") == (0.0, "dash")
    assert list(t.columns) == TARGET_COLUMNS
    assert list(r.repairs["kind"]) == ["label_alias"]   # 电子信息产业链 → 电子信息


def test_surplus_dash_cells_align_total_first_park_last(tmp_path):
    # 11 value cells for 10 columns: 17+3+24+52+1+2+139 = 238
    p = write(tmp_path, "现代针纺\t2023\t规上户数\t238\t17\t3\t24\t52\t1\t2\t-\t-\t-\t139")
    r = clean_targets(p, complete=False, plan=PLAN)
    t = r.table
    assert value(t, "现代针纺", 2023, "enterprises", "高新园区") == (139.0, "table")
    assert value(t, "现代针纺", 2023, "enterprises", "罗家镇") == (52.0, "table")
    assert value(t, "现代针纺", 2023, "enterprises", "站东街道") == (0.0, "dash")
    assert list(r.repairs["kind"]) == ["surplus_cells"]
    assert r.repairs["line"].iloc[0] == 4


def test_surplus_cell_holding_a_number_is_an_error(tmp_path):
    p = write(tmp_path, "现代针纺\t2023\t规上户数\t238\t17\t3\t24\t52\t1\t2\t-\t-\t7\t132")
    with pytest.raises(InputError) as e:
        clean_targets(p, complete=False, plan=PLAN)
    assert e.value.line == 4 and e.value.cell == 13
    assert "surplus cell holds a number" in str(e.value) and str(p) in str(e.value)


def test_too_few_cells_is_an_error(tmp_path):
    p = write(tmp_path, "现代针纺\t2023\t规上户数\t238\t17\t3\t24\t52\t1\t2\t139")
    with pytest.raises(InputError, match="8 value cells for 10 columns"):
        clean_targets(p, complete=False, plan=PLAN)


def test_lost_value_imputed_in_the_one_area_with_values_elsewhere(tmp_path):
    body = "\n".join([
        "冶金建材\t2023\t户数\t21\t-\t-\t-\t9\t-\t-\t3\t-\t-",      # 9+3 = 12, lost 9
        "\t2024\t户数\t25\t-\t-\t-\t10\t-\t-\t4\t-\t11",           # 高新园区 has 11 here
    ])
    r = clean_targets(write(tmp_path, body), complete=False, plan=PLAN)
    assert value(r.table, "冶金建材", 2023, "enterprises", "高新园区") == (9.0, "imputed")
    log = r.repairs[r.repairs.kind == "imputed"]
    assert len(log) == 1 and log["area"].iloc[0] == "高新园区" and "高新园区：2024年为 11" in log["why"].iloc[0]
    assert (reconcile(r.table)["status"] == "ok").all()


def test_lost_value_with_two_candidate_areas_is_left_missing(tmp_path):
    body = "\n".join([
        "冶金建材\t2023\t户数\t21\t-\t-\t-\t9\t-\t-\t3\t-\t-",
        "\t2024\t户数\t27\t-\t2\t-\t10\t-\t-\t4\t-\t11",           # 塘山镇 and 高新园区 both candidates
    ])
    r = clean_targets(write(tmp_path, body), complete=False, plan=PLAN)
    t = r.table
    for area in ("塘山镇", "高新园区"):
        v, src = value(t, "冶金建材", 2023, "enterprises", area)
        assert pd.isna(v) and src == "missing"
    assert value(t, "冶金建材", 2023, "enterprises", "湖坊镇") == (0.0, "dash")
    assert "塘山镇、高新园区留空" in r.repairs.query("kind == 'missing'")["action"].iloc[0]
    chk = reconcile(t).set_index("year")
    assert chk.loc[2023, "status"] == "incomplete" and chk.loc[2024, "status"] == "ok"


def test_shortfall_without_a_candidate_is_a_reconciliation_error(tmp_path):
    p = write(tmp_path, "电子信息\t2023\t营业收入\t66\t-\t-\t-\t1\t-\t-\t-\t-\t64")
    with pytest.raises(ReconciliationError) as e:
        clean_targets(p, complete=False, plan=PLAN)
    assert e.value.line == 4 and "1 is unaccounted for" in str(e.value)


def test_areas_above_total_is_a_reconciliation_error(tmp_path):
    p = write(tmp_path, "电子信息\t2023\t营业收入\t60\t-\t-\t-\t1\t-\t-\t-\t-\t64")
    with pytest.raises(ReconciliationError, match="areas sum to 65, more than the 全区 total 60"):
        clean_targets(p, complete=False, plan=PLAN)


def test_year_of_merged_cell_carries_and_missing_year_is_inferred(tmp_path):
    body = "\n".join([
        "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64",
        "\t\t户数\t13\t-\t-\t-\t1\t-\t-\t-\t-\t12",                # year of the merged cell: 2023
        "\t\t营业收入\t74\t-\t-\t-\t1\t-\t-\t-\t-\t73",            # 2023 revenue exists: 2024
    ])
    r = clean_targets(write(tmp_path, body), complete=False, plan=PLAN)
    assert value(r.table, "电子信息", 2023, "enterprises", "高新园区") == (12.0, "table")
    assert value(r.table, "电子信息", 2024, "revenue", "高新园区") == (73.0, "table")
    yi = r.repairs[r.repairs.kind == "year_inferred"]
    assert list(yi["line"]) == [6] and list(yi["year"]) == [2024]


def test_unlabelled_block_takes_label_of_its_identical_repeat(tmp_path):
    body = "\n".join([
        "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64",
        "\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t-\t25",     # no label; lost 39 in 塘山镇
        "\t2024\t营业收入\t74\t-\t44\t-\t1\t-\t-\t-\t-\t29",
        "食品医药 产业链\t2024\t营业收入\t74\t-\t44\t-\t1\t-\t-\t-\t-\t-\t29",  # the repeat, labelled
    ])
    r = clean_targets(write(tmp_path, body), complete=False, plan=PLAN)
    t = r.table
    assert set(t.chain) == {"电子信息", "食品医药"}
    assert value(t, "食品医药", 2023, "revenue", "塘山镇") == (39.0, "imputed")
    assert value(t, "食品医药", 2024, "revenue", "塘山镇") == (44.0, "table")
    kinds = r.repairs.kind.value_counts()
    assert kinds["label_late"] == 1 and kinds["duplicate_dropped"] == 1
    dropped = r.repairs.query("kind == 'duplicate_dropped'").iloc[0]
    assert dropped["line"] == 7 and dropped["what"] == "与第 6 行重复"


def test_label_printed_mid_block_is_attached_to_the_block(tmp_path):
    body = "\n".join([
        "\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64",
        "电子信息产业链\t\t户数\t13\t-\t-\t-\t1\t-\t-\t-\t-\t12",
    ])
    r = clean_targets(write(tmp_path, body), complete=False, plan=PLAN)
    assert set(r.table.chain) == {"电子信息"}
    assert r.repairs.query("kind == 'label_late'")["line"].tolist() == [5]


def test_unlabelled_block_gets_the_only_unseen_chain_or_fails(tmp_path):
    rows = {
        "现代针纺": "现代针纺\t2023\t营业收入\t10\t-\t-\t-\t-\t-\t-\t-\t-\t10",
        "冶金建材": "冶金建材\t2023\t营业收入\t10\t-\t-\t-\t-\t-\t-\t10\t-\t-",
        "电子信息": "电子信息\t2023\t营业收入\t10\t-\t-\t-\t-\t-\t-\t-\t-\t10",
    }
    orphan = "\t2023\t营业收入\t5\t-\t5\t-\t-\t-\t-\t-\t-\t-"
    r = clean_targets(write(tmp_path, "\n".join([*rows.values(), orphan])), complete=False, plan=PLAN)
    assert value(r.table, "食品医药", 2023, "revenue", "塘山镇") == (5.0, "table")
    assert "只有这一条链" in r.repairs.query("kind == 'label_inferred'")["why"].iloc[0]
    two_left = "\n".join([rows["现代针纺"], rows["冶金建材"], orphan])
    with pytest.raises(InputError, match="no chain label and none can be inferred") as e:
        clean_targets(write(tmp_path, two_left), complete=False, plan=PLAN)
    assert e.value.line == 6


def test_conflicting_repeat_is_an_error_naming_both_lines(tmp_path):
    body = "\n".join([
        "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64",
        "电子信息\t2023\t营业收入\t66\t-\t-\t-\t2\t-\t-\t-\t-\t64",
    ])
    with pytest.raises(InputError, match="line 4 reads .* line 5 reads") as e:
        clean_targets(write(tmp_path, body), complete=False, plan=PLAN)
    assert e.value.line == 5


def test_label_split_over_cells_and_lines_spaces_as_separators(tmp_path):
    body = "\n".join([
        "现代纺织\t产业链\t2023\t营业收入\t13\t13\t-\t-\t-\t-\t-\t-\t-\t-",
        "现代",
        "纺织  产业链  2024  规上户数  5  -  -  -  5  -  -  -  -  -",   # runs of spaces, label over two lines
    ])
    r = clean_targets(write(tmp_path, body), complete=False, plan=PLAN)
    assert set(r.table.chain) == {"现代针纺"}
    assert value(r.table, "现代针纺", 2024, "enterprises", "罗家镇") == (5.0, "table")
    aliases = r.repairs.query("kind == 'label_alias'")
    assert "分在几个单元格" in aliases["what"].iloc[0] and "分在几行" in aliases["what"].iloc[1]


def test_title_typo_is_logged(tmp_path):
    p = write(tmp_path, "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64", title="青山区重点产业链目标预测表（亿元）")
    r = clean_targets(p, complete=False, plan=PLAN)
    assert r.repairs.query("kind == 'title_typo'")["line"].tolist() == [1]


def test_header_order_comes_from_the_text(tmp_path):
    header = "产业链\t年份\t指标\t全区\t高新区\t湖坊镇\t塘山镇\t京东镇\t罗家镇\t上海路街道\t青山路街道\t南钢街道\t站东街道"
    p = write(tmp_path, "电子信息\t2023\t营业收入\t65\t64\t-\t-\t-\t1\t-\t-\t-\t-", header=header)
    r = clean_targets(p, complete=False, plan=PLAN)
    assert value(r.table, "电子信息", 2023, "revenue", "高新园区") == (64.0, "table")
    assert value(r.table, "电子信息", 2023, "revenue", "罗家镇") == (1.0, "table")


# ------------------------------------------------------------------------------------------- bad input


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b" \n\n")
    with pytest.raises(InputError, match="empty.txt: file is empty"):
        clean_targets(p, plan=PLAN)


def test_gb18030_is_read_and_reported(tmp_path):
    p = write(tmp_path, "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64", encoding="gb18030")
    r = clean_targets(p, complete=False, plan=PLAN)
    assert r.encoding == "gb18030" and value(r.table, "电子信息", 2023, "revenue", "全区") == (65.0, "table")


def test_undecodable_bytes_name_the_line(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(TITLE.encode() + b"\n" + HEADER.encode() + b"\n\x81\x30\xff\xff\n")
    with pytest.raises(InputError, match="not UTF-8") as e:
        clean_targets(p, plan=PLAN)
    assert e.value.line == 3


@pytest.mark.parametrize("body, message, line, cell", [
    ("家电产业链\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64", "unknown chain label '家电产业链'", 4, 1),
    ("电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\tx\t64", "non-numeric cell 'x'", 4, 12),
    ("电子信息\t2027\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64", "year 2027 is outside the table", 4, 2),
    ("电子信息\t2023\t利润\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64", "no indicator", 4, None),
])
def test_bad_cells_name_file_line_and_cell(tmp_path, body, message, line, cell):
    p = write(tmp_path, body)
    with pytest.raises(InputError, match=message) as e:
        clean_targets(p, complete=False, plan=PLAN)
    assert (e.value.file, e.value.line, e.value.cell) == (str(p), line, cell)


def test_unknown_area_in_header(tmp_path):
    p = write(tmp_path, "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64",
              header=HEADER.replace("站东街道", "东湖区"))
    with pytest.raises(InputError, match="unknown area column '东湖区'") as e:
        clean_targets(p, complete=False, plan=PLAN)
    assert (e.value.line, e.value.cell) == (3, 12)


def test_incomplete_table_is_refused_by_default(tmp_path):
    p = write(tmp_path, "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64")
    with pytest.raises(InputError, match="table is incomplete"):
        clean_targets(p, plan=PLAN)


def test_failed_cleaning_writes_nothing_and_keeps_old_output(tmp_path):
    out = tmp_path / "out" / "targets.csv"
    write_targets(None, out, plan=PLAN)
    before = out.read_bytes()
    bad = write(tmp_path, "电子信息\t2023\t营业收入\t60\t-\t-\t-\t1\t-\t-\t-\t-\t64")
    with pytest.raises(ReconciliationError):
        write_targets(bad, out, plan=PLAN)
    assert out.read_bytes() == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["targets.csv", "targets_checks.csv",
                                                            "targets_repairs.csv"]


def test_refuses_to_write_under_data_raw():
    with pytest.raises(Exception, match="raw inputs are never written"):
        write_targets(None, default_raw_targets().parent / "targets.csv", plan=PLAN)


def test_load_targets_rejects_a_corrupt_csv(tmp_path):
    out = tmp_path / "targets.csv"
    write_targets(None, out, plan=PLAN)
    df = pd.read_csv(out)
    df.loc[3, "area"] = "东湖区"
    df.to_csv(out, index=False)
    with pytest.raises(InputError, match="not a valid targets table"):
        load_targets(out, plan=PLAN)


# ------------------------------------------------------------------------------------------- the real table


@pytest.fixture(scope="module")
def real():
    return clean_targets(plan=PLAN)


def test_raw_file_is_the_seed_bytes_unchanged():
    digest = hashlib.sha256(default_raw_targets().read_bytes()).hexdigest()
    assert digest == "b03c08e41cda11fbe041d993b30f465bd08559a279c6c265eaaf573ee1830307"


def test_real_table_shape_and_sources(real):
    t = real.table
    assert len(t) == 320 and list(t.columns) == TARGET_COLUMNS
    assert t.groupby(["chain", "year", "indicator"]).size().eq(10).all()
    assert t["source"].value_counts().to_dict() == {"dash": 168, "table": 149, "imputed": 3}


def test_real_table_imputations(real):
    t = real.table
    # 冶金建材 户数 2023: 21 − (罗家 9 + 南钢 3) = 9; 2024: 22 − (9 + 3) = 10; 食品医药 营收 2023: 65 − (1 + 25) = 39
    assert value(t, "冶金建材", 2023, "enterprises", "高新园区") == (9.0, "imputed")
    assert value(t, "冶金建材", 2024, "enterprises", "高新园区") == (10.0, "imputed")
    assert value(t, "食品医药", 2023, "revenue", "塘山镇") == (39.0, "imputed")


def test_real_table_hand_sums(real):
    t = real.table
    tot = t[t.area == "全区"].pivot_table(index=["chain_id", "indicator"], columns="year", values="value")
    assert tot.loc[("textiles", "revenue")].tolist() == [320, 370, 430, 500]
    assert tot.loc[("metallurgy", "enterprises")].tolist() == [21, 22, 25, 30]
    assert tot.loc[("food_pharma", "revenue")].tolist() == [65, 74, 85, 100]
    rev = t[(t.area == "全区") & (t.indicator == "revenue")].groupby("year")["value"].sum()
    assert rev.to_dict() == {2023: 690, 2024: 768, 2025: 870, 2026: 1000}   # 320+240+65+65 = 690 …
    ent = t[(t.area == "全区") & (t.indicator == "enterprises")].groupby("year")["value"].sum()
    assert ent.to_dict() == {2023: 288, 2024: 314, 2025: 350, 2026: 400}   # 238+21+13+16 = 288 …
    # 高新园区 textiles revenue 2026: 500 − (21+8+62+75+4+4) = 326
    assert value(t, "现代针纺", 2026, "revenue", "高新园区") == (326.0, "table")
    # areas (incl. imputed) reconcile with 全区 for every chain × year × indicator
    areas = t[t.area != "全区"].groupby(["chain", "year", "indicator"])["value"].sum()
    totals = t[t.area == "全区"].set_index(["chain", "year", "indicator"])["value"]
    pd.testing.assert_series_equal(areas.sort_index(), totals.sort_index(), check_names=False)


def test_real_table_checks_and_repairs(real):
    assert len(real.checks) == 32 + 8 and (real.checks["status"] == "ok").all()
    kinds = real.repairs["kind"].value_counts().to_dict()
    assert kinds == {"surplus_cells": 11, "duplicate_dropped": 6, "label_alias": 4, "imputed": 3,
                     "title_typo": 1, "label_late": 1, "year_inferred": 1}
    late = real.repairs.query("kind == 'label_late'").iloc[0]
    assert late["chain"] == "食品医药" and late["line"] == 32
    assert real.repairs["chain"].notna().sum() == len(real.repairs) - 1   # all but the title


def test_text_target_disagreement_is_reported_not_forced(tmp_path):
    # the plan file's text target for 冶金建材 2026 revenue edited from 300 to 310 亿元
    plan = plan_copy(tmp_path, ("  value = 300\n  qualifier = \"力争达到\"", "  value = 310\n  qualifier = \"力争达到\""))
    r = clean_targets(plan=read_plan(plan))
    bad = r.checks[r.checks.status != "ok"]
    assert bad[["check", "chain_id", "indicator", "expected", "actual"]].values.tolist() == [
        ["table_2026_vs_text", "metallurgy", "revenue", 310.0, 300.0]]
    assert bad["detail"].iloc[0] == "表中为 300，正文为 310 亿元（力争达到，三、主攻方向和发展路径 · 冶金建材产业链）"
    assert value(r.table, "冶金建材", 2026, "revenue", "全区") == (300.0, "table")
    assert "check_failed" in set(r.repairs["kind"])


def test_a_text_target_for_an_earlier_year_is_checked_against_that_year(tmp_path):
    # a target stated for 2025 (electronics enterprises 22 户 in the table) is checked as table_2025_vs_text
    plan = plan_copy(tmp_path, ('industry_codes = ["38", "39", "40"]', 'industry_codes = ["38", "39", "40"]\n'
                                "  [[chains.targets]]\n  year = 2025\n  indicator = \"enterprises\"\n  value = 22\n"
                                "  qualifier = \"达到\"\n  section = \"x\"\n"))
    r = clean_targets(plan=read_plan(plan))
    c = r.checks[r.checks.check == "table_2025_vs_text"]
    assert c[["chain_id", "year", "indicator", "expected", "actual", "status"]].values.tolist() == [
        ["electronics", 2025, "enterprises", 22.0, 22.0, "ok"]]
    assert len(r.checks) == 32 + 8 + 1


def test_raw_rows_frame_shows_rows_as_printed():
    raw = raw_rows_frame(plan=PLAN)
    assert len(raw) == 38      # 32 rows + 6 printed twice
    assert raw["n_cells"].max() == 11 and raw["year"].isna().sum() == 20   # 19 merged 户数 cells + the lost 2024


def test_cli_targets_writes_files_and_reports_errors(tmp_path):
    out = tmp_path / "t.csv"
    ok = subprocess.run([sys.executable, "-m", "chainplan_lib.cli", "targets", "--out", str(out)],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "目标表：320 行" in ok.stdout and len(pd.read_csv(out)) == 320
    assert (tmp_path / "t_repairs.csv").exists() and (tmp_path / "t_checks.csv").exists()
    bad = write(tmp_path, "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\tx\t64")
    fail = subprocess.run([sys.executable, "-m", "chainplan_lib.cli", "targets", "--raw", str(bad),
                           "--out", str(tmp_path / "u.csv")], capture_output=True, text=True)
    assert fail.returncode == 2
    assert fail.stderr.strip().count("\n") == 0 and "line 4, cell 12" in fail.stderr
    assert not (tmp_path / "u.csv").exists()


# ------------------------------------------------------------------------------------------- separators


def _reseparate(sep: str) -> str:
    """The bundled Attachment 2 with its tab cells joined by `sep` (empty cells dropped, as pdftotext does)."""
    lines = default_raw_targets().read_text(encoding="utf-8").splitlines()
    return "\n".join(sep.join(c.strip() for c in line.split("\t") if c.strip()) for line in lines) + "\n"


@pytest.mark.parametrize("sep", [" ", "   ", "\u3000", " \u3000 "], ids=["single-space", "space-runs", "u3000",
                                                                         "mixed"])
def test_bundled_table_with_other_separators_gives_the_identical_table(tmp_path, sep, real):
    p = tmp_path / "attachment2_spaces.txt"
    p.write_text(_reseparate(sep), encoding="utf-8")
    assert "\t" not in p.read_text(encoding="utf-8")
    r = clean_targets(p, plan=PLAN)
    pd.testing.assert_frame_equal(r.table, real.table)
    assert r.repairs["kind"].value_counts().to_dict() == real.repairs["kind"].value_counts().to_dict()
    assert (r.checks["status"] == "ok").all()


def test_label_and_area_fragments_split_by_single_spaces_are_rejoined(tmp_path):
    header = "产业链 年份 指标 全区 湖坊镇 塘山镇 京东镇 罗家镇 上海路 街道 青山路街道 南钢街道 站东街道 高新 园区"
    p = write(tmp_path, "电子 信息 产业链 2023 营业 收入 65 - - - 1 - - - - 64", header=header)
    r = clean_targets(p, complete=False, plan=PLAN)
    assert value(r.table, "电子信息", 2023, "revenue", "高新园区") == (64.0, "table")
    assert value(r.table, "电子信息", 2023, "revenue", "上海路街道") == (0.0, "dash")
    assert "分在几个单元格" in r.repairs.query("kind == 'label_alias'")["what"].iloc[0]


def test_thousands_separators_well_formed_are_read(tmp_path):
    p = write(tmp_path, "电子信息\t2023\t营业收入\t1,065.5\t-\t-\t-\t1\t-\t-\t-\t-\t1,064.5")
    r = clean_targets(p, complete=False, plan=PLAN)
    assert value(r.table, "电子信息", 2023, "revenue", "全区") == (1065.5, "table")
    assert value(r.table, "电子信息", 2023, "revenue", "高新园区") == (1064.5, "table")


def test_a_line_that_cannot_be_read_says_what_was_expected(tmp_path):
    p = write(tmp_path, "电子信息 2023 营业收入 65 - - - 1 - - - - 64\n这一行不是数据")
    with pytest.raises(InputError) as e:
        clean_targets(p, complete=False, plan=PLAN)
    msg = str(e.value)
    assert e.value.line == 5 and "'这一行不是数据'" in msg and "expected [产业链标签] [年份] 指标" in msg


def test_written_csvs_open_safely_in_a_spreadsheet(tmp_path, monkeypatch):
    """Text cells that would start a formula (here the raw file's name, quoted in the repairs log) get the
    leading apostrophe; numbers stay numbers."""
    monkeypatch.chdir(tmp_path)
    raw = tmp_path / "=HYPERLINK(1)+cmd.txt"
    raw.write_bytes(default_raw_targets().read_bytes())
    write_targets(raw.name, tmp_path / "out" / "targets.csv", plan=PLAN)
    repairs = pd.read_csv(tmp_path / "out" / "targets_repairs.csv")
    assert set(repairs["file"]) == {"'=HYPERLINK(1)+cmd.txt"}
    table = pd.read_csv(tmp_path / "out" / "targets.csv")
    assert table["value"].dtype == float and table["value"].sum() == pytest.approx(
        clean_targets(plan=PLAN).table["value"].sum())
