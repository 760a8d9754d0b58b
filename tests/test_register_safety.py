"""Bad and hostile register input: numbers that are not numbers, absurd values, outputs that would overwrite raw
data or be read back, formula cells, and cells or repeats large enough to blow up the logs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pcsv
import pytest
from _plans import PLAN

import chainplan_lib.cleaning.register.read as register_read
from chainplan_lib.cleaning.register.clean import OUTPUT_FILES, clean_registers
from chainplan_lib.cleaning.register.config import load_register_config
from chainplan_lib.cleaning.register.uscc import make_uscc
from chainplan_lib.cleaning.register.values import parse_revenue
from chainplan_lib.cli import main as cli_main
from chainplan_lib.errors import ChainplanError, InputError
from chainplan_lib.paths import raw_dir

C = [make_uscc(f"91360111MA37{i:05d}") for i in range(40)]
HEAD = ["序号", "企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入（万元）", "年份"]
MISSING = frozenset({"", "—", "-", "/", "无"})


def write_csv(path: Path, rows: list[list]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([["2024年青山湖区规上工业企业名录（测试）"], HEAD, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def row(i: int, revenue: str = "3500", name: str | None = None, town: str = "罗家镇") -> list:
    return [i, name or f"南昌{i:03d}纺织有限公司", C[i], town, "1711", revenue, "2024"]


# ------------------------------------------------------------------------------------------- numbers
def test_thousands_separators_must_be_well_formed():
    raw = pd.Series(["1,234.5", "12,345", "1,234,567", "１，２３４", "3,20", "1,3", "12,34.5", ",123", "1,2345"],
                    dtype="str")
    value, status = parse_revenue(raw, "万元", MISSING)
    assert value[:4].tolist() == [1234.5, 12345.0, 1234567.0, 1234.0]
    assert status.tolist() == [0, 0, 0, 0, 6, 6, 6, 6, 6]  # never 320, 13, 1234.5, 123 or 12345
    assert np.isnan(value[4:]).all()


def test_misgrouped_revenue_is_quarantined_naming_the_cell(tmp_path):
    r = clean_registers([write_csv(tmp_path / "r.csv", [row(1, "3,20"), row(2, "1,3"), row(3, "1,234.5")])], plan=PLAN)
    assert r.clean["revenue_yi"].tolist() == [0.12345]
    q = r.quarantine.set_index("source_row")
    assert q["reason_code"].to_dict() == {3: "revenue_bad_separator", 4: "revenue_bad_separator"}
    assert q.loc[3, "reason"].startswith("营业收入（万元） '3,20' 的千位分隔符位置不对")
    assert q.loc[3, "营业收入（万元）"] == "3,20"  # the cell as typed


@pytest.mark.parametrize("text, code", [
    ("9" * 400, "revenue_out_of_range"), ("1e400", "revenue_out_of_range"), ("1.5e12", "revenue_out_of_range"),
    ("99999999999亿", "revenue_out_of_range"), ("inf", "revenue_not_number"), ("-inf", "revenue_not_number"),
    ("nan", "revenue_missing"),  # 'nan' is one of the configured placeholders
])
def test_overflow_non_finite_and_absurd_revenue_is_quarantined(tmp_path, text, code):
    r = clean_registers([write_csv(tmp_path / "r.csv", [row(1, text), row(2, "3500")])], plan=PLAN)
    q = r.quarantine.set_index("source_row")
    assert q["reason_code"].to_dict() == {3: code}
    assert np.isfinite(r.panel["revenue_yi"]).all()  # never "sum to nan"
    assert r.panel.set_index(["chain_id", "area"]).loc[("textiles", "全区"), "revenue_yi"] == 0.35
    assert len(q.loc[3, "reason"]) < 120  # a 400-digit cell is quoted cut short


def test_the_largest_plausible_revenue_is_kept(tmp_path):
    r = clean_registers([write_csv(tmp_path / "r.csv", [row(1, "30000亿")])], plan=PLAN)  # 3 万亿元: a giant, not absurd
    assert r.clean["revenue_yi"].tolist() == [30000.0]


# ------------------------------------------------------------------------------------------- outputs
def test_out_refuses_an_existing_file_with_one_line(tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", [row(1)])
    target = tmp_path / "taken.csv"
    target.write_text("keep me", encoding="utf-8")
    assert cli_main(["register", "clean", str(path), "--out", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chainplan: error: ") and str(target) in err and "is a file; expected a folder" in err
    assert "\n" not in err and target.read_text(encoding="utf-8") == "keep me"


def test_out_refuses_raw_data_folders(tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", [row(1)])
    for out in (raw_dir() / "registers", raw_dir() / "registers" / "cleaned", tmp_path / "data" / "raw" / "x"):
        before = sorted(p.name for p in out.parent.iterdir()) if out.parent.exists() else None
        assert cli_main(["register", "clean", str(path), "--out", str(out)]) == 2
        assert "raw" in capsys.readouterr().err
        assert not out.exists() or out == raw_dir() / "registers"
        if before is not None:
            assert sorted(p.name for p in out.parent.iterdir()) == before  # nothing written there
        with pytest.raises(ChainplanError):
            clean_registers([path], out_dir=out, plan=PLAN)


def test_a_run_never_reads_its_own_outputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "r_2024.csv", [row(1), row(2)])
    with pytest.raises(InputError, match="input folders"):
        clean_registers([folder], out_dir=folder, plan=PLAN)
    assert sorted(p.name for p in folder.iterdir()) == ["r_2024.csv"]
    # outputs copied into an input folder by hand are skipped, not read as a register
    clean_registers([folder], out_dir=tmp_path / "out", plan=PLAN)
    for name in OUTPUT_FILES.values():
        if name.endswith(".csv"):
            (folder / name).write_bytes((tmp_path / "out" / name).read_bytes())
    again = clean_registers([folder], plan=PLAN)
    assert again.summary["rows_read"] == 2 and [f["file"] for f in again.summary["files"]] == [str(folder / "r_2024.csv")]


# ------------------------------------------------------------------------------------------- formula cells
FORMULAS = ["=HYPERLINK(\"http://x\",\"点我\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "＝HYPERLINK(\"http://x\")", "\u3000=1+1"]


def test_formula_cells_are_neutralised_in_every_csv_written(tmp_path):
    rows = [row(i + 1, name=f) for i, f in enumerate(FORMULAS)]
    rows.append(row(20, "=1+2", name="南昌正常纺织有限公司"))  # a formula where a number belongs: quarantined
    rows.append(row(21, "-5", town="=HYPERLINK(\"x\")"))
    out = tmp_path / "out"
    r = clean_registers([write_csv(tmp_path / "r.csv", rows)], out_dir=out, plan=PLAN)
    assert len(r.clean) == len(FORMULAS)
    clean = pcsv.read_csv(out / "register_clean.csv").to_pandas()
    for name in clean["name"]:
        assert name.startswith("'") and name[1:] in {n.replace("＝", "=").replace("\u3000", "") for n in FORMULAS} | set(
            FORMULAS), name
    assert clean["revenue_yi"].dtype == float and clean["revenue_yi"].tolist() == [0.35] * len(FORMULAS)
    assert set(r.clean["name"]) <= {n.replace("＝", "=").replace("\u3000", "") for n in FORMULAS}  # memory: as cleaned
    q = pd.read_csv(out / "register_quarantine.csv", dtype=str, keep_default_na=False).set_index("source_row")
    assert q.loc["9", "营业收入（万元）"] == "'=1+2" and q.loc["10", "所在镇街"] == "'=HYPERLINK(\"x\")"
    assert "'=1+2'" in q.loc["9", "reason"] and q.loc["9", "reason_code"] == "revenue_not_number"
    assert not any(v.lstrip(" \u3000").startswith(("=", "+", "@", "＝")) for col in q.columns for v in q[col])
    dup = pd.read_csv(out / "register_duplicates_dropped.csv", dtype=str)
    assert dup.empty


# ------------------------------------------------------------------------------------------- size of the logs
def test_a_huge_cell_is_quoted_short(tmp_path):
    big = "三" * 200_000
    r = clean_registers([write_csv(tmp_path / "r.csv", [row(1, big), row(2, town=big)])], plan=PLAN)
    q = r.quarantine.set_index("source_row")
    assert q["reason_code"].to_dict() == {3: "revenue_not_number", 4: "area_unknown"}
    assert all(len(x) < 150 for x in q["reason"]) and "共200000字" in q.loc[3, "reason"]
    assert q.loc[3, "营业收入（万元）"] == big  # the quarantine keeps the cell itself


def test_a_code_repeated_thousands_of_times_lists_five_places(tmp_path):
    rows = [[i, f"南昌{i:05d}纺织有限公司", C[0], "罗家镇", "1711", str(3000 + i), "2024"] for i in range(1, 3001)]
    r = clean_registers([write_csv(tmp_path / "r.csv", rows)], plan=PLAN)
    assert len(r.quarantine) == 3000 and r.clean.empty
    reasons = r.quarantine["reason"]
    assert reasons.str.len().max() < 250  # not 3,000 places in each of 3,000 reasons
    assert reasons.iloc[0].startswith(f"统一社会信用代码 {C[0]} 在 2024 年出现 3000 次，企业名称、营业收入不同")
    assert reasons.iloc[0].count("r.csv:") == 5 and reasons.iloc[0].endswith("等）")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_conflicting_rows_far_apart_are_read_again_from_their_own_parts_only(tmp_path, monkeypatch, newline):
    monkeypatch.setattr(register_read, "PART_BYTES", 256)  # a streamed file of many parts of a few rows
    calls = {"read": 0, "read_rows": []}
    read, read_rows = register_read.CsvStream.read, register_read.CsvStream.read_rows

    def count_read(self, a, b):
        calls["read"] += 1
        return read(self, a, b)

    def count_read_rows(self, a, b, rows, local):
        calls["read_rows"].append(local.tolist())
        return read_rows(self, a, b, rows, local)

    monkeypatch.setattr(register_read.CsvStream, "read", count_read)
    monkeypatch.setattr(register_read.CsvStream, "read_rows", count_read_rows)
    rows = [row(i) for i in range(1, 40)]
    rows[36] = [37, "南昌另一家纺织有限公司", C[3], "罗家镇", "1711", "4000", "2024"]  # C[3] again, other values
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows([["2024年青山湖区规上工业企业名录（测试）"], HEAD, *rows])
    path = tmp_path / "r.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    r = clean_registers([path], plan=PLAN)
    parts = len(register_read.read_register_file(path, load_register_config(plan=PLAN))[0].stream.ranges())
    assert parts >= 8 and calls["read"] == parts  # each part read once to be parsed ...
    assert len(calls["read_rows"]) == 2  # ... and only the two holding the conflicting rows read again
    q = r.quarantine.set_index("source_row")
    assert q["reason_code"].to_dict() == {5: "duplicate_conflict", 39: "duplicate_conflict"}
    assert q.loc[5, "企业名称"] == "南昌003纺织有限公司" and q.loc[5, "营业收入（万元）"] == "3500"
    assert q.loc[39, "企业名称"] == "南昌另一家纺织有限公司" and q.loc[39, "营业收入（万元）"] == "4000"
    assert q.loc[39, "序号"] == "37" and len(r.clean) == 37
