"""Register cleaning: values as typed, chains, the threshold, duplicates, the panel, the outputs, rows in = out."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _plans import PLAN, plan_copy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainplan_lib.cleaning.register.clean as register
import chainplan_lib.cleaning.register.output as register_output
from chainplan_lib.cleaning.register.clean import OUTPUT_FILES, REASONS, build_panel, clean_registers
from chainplan_lib.cleaning.register.sample import large_register
from chainplan_lib.cleaning.register.uscc import make_uscc
from chainplan_lib.cleaning.register.values import parse_revenue
from chainplan_lib.cli import main as cli_main
from chainplan_lib.errors import InputError, OutputError
from chainplan_lib.plan.load import read_plan

C = [make_uscc(f"91360111MA35{i:05d}") for i in range(40)]
HEAD = ["序号", "企业名称", "统一社会信用代码", "所在镇街", "行业代码", "营业收入（万元）", "年份"]
MISSING = frozenset({"", "—", "-", "/", "无"})


def write_csv(path: Path, rows: list[list], title: str | None = "2024年青山湖区规上工业企业名录（测试）") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if title:
        w.writerow([title])
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def clean_rows(tmp_path: Path, rows: list[list], head: list[str] = HEAD, **kw):
    return clean_registers([write_csv(tmp_path / "register_2024.csv", [head, *rows], **kw)], plan=PLAN)


def reasons_by_row(r) -> dict[int, str]:
    q = r.quarantine
    return dict(zip(q["source_row"], q["reason_code"]))


# ------------------------------------------------------------------------------------------- values
def test_revenue_as_people_type_it():
    raw = pd.Series(["3500", "1,234.5", "1.2亿", "3500万", "35000000元", "1.5亿元", "１２３４．５", " 2000 ", "2000\u3000",
                     "（1,000）", "—", "-", "/", "无", "", "-12", "abc", "1.2.3", "12万元万"], dtype="str")
    value, status = parse_revenue(raw, "万元", MISSING)
    assert value[:9].tolist() == [3500.0, 1234.5, 12000.0, 3500.0, 3500.0, 15000.0, 1234.5, 2000.0, 2000.0]
    assert status.tolist() == [0] * 9 + [2] + [1] * 5 + [2, 3, 3, 3]
    assert np.isnan(value[9:]).all()
    v_qian, _ = parse_revenue(pd.Series(["35000", "1.2亿"], dtype="str"), "千元", MISSING)
    assert v_qian.tolist() == [3500.0, 12000.0]
    v_yuan, _ = parse_revenue(pd.Series(["35000000"], dtype="str"), "元", MISSING)
    assert v_yuan.tolist() == [3500.0]


def test_names_towns_codes_and_industry_codes_are_normalised(tmp_path):
    rows = [
        [1, "南昌甲（江西）纺织有限公司\u3000", C[0].lower(), "羅家鎮", "C1711", "3500", "2024年"],
        [2, " 南昌 乙 电子有限公司 ", "９" + C[1][1:], "高新区", "3971.0", "1.2亿", "2024"],
        [3, "南昌丙食品有限公司", C[2][:8] + " " + C[2][8:], "塘山鎮", "14", "2500", "2024.0"],
        [4, "南昌丁建材有限公司", C[3], "青山湖区南钢街道", "3021", "2000", ""],
    ]
    r = clean_rows(tmp_path, rows)
    c = r.clean
    assert c["name"].tolist() == ["南昌甲(江西)纺织有限公司", "南昌乙电子有限公司", "南昌丙食品有限公司", "南昌丁建材有限公司"]
    assert c["uscc"].tolist() == C[:4]
    assert c["area"].astype(str).tolist() == ["罗家镇", "高新园区", "塘山镇", "南钢街道"]
    assert c["industry_code"].astype(str).tolist() == ["1711", "3971", "14", "3021"]
    assert c["year"].tolist() == [2024, 2024, 2024, 2024]  # the blank year comes from the title
    assert c["revenue_yi"].tolist() == [0.35, 1.2, 0.25, 0.2]


def test_threshold_is_2000_wan_inclusive(tmp_path):
    rows = [[1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "2000", "2024"],
            [2, "南昌乙纺织有限公司", C[1], "罗家镇", "1711", "1999.9", "2024"],
            [3, "南昌丙纺织有限公司", C[2], "罗家镇", "1711", "0.2亿", "2024"]]
    c = clean_rows(tmp_path, rows).clean
    assert c["above_size"].tolist() == [True, False, True]


# ------------------------------------------------------------------------------------------- chains
def test_chain_from_column_wins_then_industry_code(tmp_path):
    head = HEAD + ["产业链"]
    rows = [
        [1, "南昌甲公司", C[0], "罗家镇", "3971", "3000", "2024", "纺织服装"],  # column wins over 39 -> electronics
        [2, "南昌乙公司", C[1], "罗家镇", "1711", "3000", "2024", ""],          # blank: by code, 17 -> textiles
        [3, "南昌丙公司", C[2], "罗家镇", "3011", "3000", "2024", "冶金建材产业链"],
        [4, "南昌丁公司", C[3], "罗家镇", "2720", "3000", "2024", "食品医药"],
        [5, "南昌戊公司", C[4], "罗家镇", "3670", "3000", "2024", ""],          # 36: other industries, kept
        [6, "南昌己公司", C[5], "罗家镇", "1711", "3000", "2024", "其他"],      # explicit other wins
        [7, "南昌庚公司", C[6], "罗家镇", "1711", "3000", "2024", "新能源"],    # unknown label: quarantined
        [8, "南昌辛公司", C[7], "罗家镇", "", "3000", "2024", "电子信息"],      # no code needed when tagged
        [9, "南昌壬公司", C[8], "罗家镇", "", "3000", "2024", ""],              # neither: quarantined
        [10, "南昌癸公司", C[9], "罗家镇", "ABC", "3000", "2024", ""],          # not a code: quarantined
    ]
    r = clean_rows(tmp_path, rows, head=head)
    c = r.clean.set_index("name")
    assert c["chain_id"].astype(str).to_dict() == {
        "南昌甲公司": "textiles", "南昌乙公司": "textiles", "南昌丙公司": "metallurgy", "南昌丁公司": "food_pharma",
        "南昌戊公司": "other", "南昌己公司": "other", "南昌辛公司": "electronics"}
    assert c["chain"].astype(str)["南昌戊公司"] == "其他"
    assert c["chain_source"].astype(str).to_dict()["南昌乙公司"] == "industry_code"
    assert c["chain_source"].astype(str).to_dict()["南昌甲公司"] == "column"
    assert reasons_by_row(r) == {9: "chain_unknown", 11: "industry_code_missing", 12: "industry_code_invalid"}
    assert "'新能源'" in r.quarantine.set_index("source_row").loc[9, "reason"]


def test_edited_industry_codes_in_a_plan_file_change_the_chain(tmp_path):
    # a class-level override (3670) in the plan file's electronics chain; 3611 stays "other"
    plan = plan_copy(tmp_path, ('industry_codes = ["38", "39", "40"]', 'industry_codes = ["38", "39", "40", "3670"]'))
    path = write_csv(tmp_path / "r.csv", [HEAD, [1, "南昌戊公司", C[4], "罗家镇", "3670", "3000", "2024"],
                                          [2, "南昌己公司", C[5], "罗家镇", "3611", "3000", "2024"]])
    assert clean_registers([path], plan=PLAN).clean["chain_id"].astype(str).tolist() == ["other", "other"]
    assert clean_registers([path], plan=read_plan(plan)).clean["chain_id"].astype(str).tolist() == ["electronics", "other"]


def test_industry_codes_left_in_a_register_config_are_refused_with_where_they_went(tmp_path):
    from chainplan_lib.cleaning.register.config import REGISTER_CONFIG_FILE

    cfg = tmp_path / "chains.toml"
    cfg.write_text(REGISTER_CONFIG_FILE.read_text(encoding="utf-8") + '\n[industry_codes]\n"17" = "textiles"\n',
                   encoding="utf-8")
    path = write_csv(tmp_path / "r.csv", [HEAD, [1, "南昌戊公司", C[4], "罗家镇", "3670", "3000", "2024"]])
    with pytest.raises(InputError, match=r"\[industry_codes\] is no longer read here.*plan file"):
        clean_registers([path], config=cfg, plan=PLAN)


# ------------------------------------------------------------------------------------------- bad rows
def test_row_level_problems_are_quarantined_with_reasons(tmp_path):
    wrong = "0" if C[5][17] != "0" else "1"  # a check character that is not C[5]'s
    rows = [
        [1, "南昌甲公司", C[0], "罗家镇", "1711", "-35", "2024"],
        [2, "南昌乙公司", C[1], "罗家镇", "1711", "约三千", "2024"],
        [3, "南昌丙公司", C[2], "罗家镇", "1711", "—", "2024"],
        [4, "南昌丁公司", C[3], "青云谱镇", "1711", "3000", "2024"],
        [5, "南昌戊公司", C[4], "", "1711", "3000", "2024"],
        [6, "南昌己公司", C[5][:17] + wrong, "罗家镇", "1711", "3000", "2024"],
        [7, "南昌庚公司", C[6][:10] + "O" + C[6][11:], "罗家镇", "1711", "3000", "2024"],
        [8, "", C[7], "罗家镇", "1711", "3000", "2024"],
        [9, "南昌壬公司", C[8], "全区", "1711", "3000", "2024"],
        [10, "南昌癸公司", C[9], "罗家镇", "1711", "3000", "去年"],
        [11, "南昌子公司", "1234", "青云谱镇", "1711", "—", "2024"],  # three problems at once
    ]
    r = clean_rows(tmp_path, rows)
    assert r.clean.empty
    assert reasons_by_row(r) == {
        3: "revenue_negative", 4: "revenue_not_number", 5: "revenue_missing", 6: "area_unknown", 7: "area_missing",
        8: "uscc_invalid", 9: "uscc_invalid", 10: "name_missing", 11: "area_district", 12: "year_invalid",
        13: "uscc_invalid; area_unknown; revenue_missing"}
    q = r.quarantine.set_index("source_row")
    assert q.loc[6, "reason"] == "所在镇街 '青云谱镇' 不是九个镇（街道、园区）之一，也不是已知别名"
    assert q.loc[8, "reason"] == (f"统一社会信用代码 '{C[5][:17] + wrong}' 校验码为 {wrong}，"
                                  f"按前 17 位应为 {C[5][17]}")
    assert q.loc[3, "reason"] == "营业收入（万元） '-35' 为负数"
    # the original cells are kept as typed
    assert q.loc[4, "营业收入（万元）"] == "约三千" and q.loc[4, "企业名称"] == "南昌乙公司"
    assert r.summary["quarantined_by_reason"]["uscc_invalid"] == 3


def test_subtotal_note_blank_and_repeated_header_rows(tmp_path):
    rows = [
        [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"],
        ["", "罗家镇小计", "", "罗家镇", "", "3500", ""],
        ["", "", "", "", "", "", ""],
        HEAD,
        [2, "南昌乙纺织有限公司", C[1], "京东镇", "1711", "2500", "2024"],
        ["合  计", "", "", "", "", "6000", ""],
        ["注：数据来源于测试。", "", "", "", "", "", ""],
    ]
    r = clean_rows(tmp_path, rows)
    assert r.clean["source_row"].tolist() == [3, 7]
    assert reasons_by_row(r) == {4: "subtotal_row", 6: "header_repeat", 8: "subtotal_row", 9: "note_row"}
    s = r.summary
    assert s["blank_rows_skipped"] == 1 and s["rows_read"] == 6
    assert s["rows_read"] == s["clean"] + s["quarantined"] + s["duplicates_dropped"]


# ------------------------------------------------------------------------------------------- duplicates
def test_exact_duplicates_dropped_conflicts_quarantined(tmp_path):
    rows = [
        [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"],
        [2, "南昌乙纺织有限公司", C[1], "罗家镇", "1711", "3000", "2024"],
        [3, "南昌甲纺织有限公司", C[0], "罗家", "C1711", "0.35亿", "2024"],  # same firm, typed differently
        [4, "南昌乙纺织有限公司", C[1], "罗家镇", "1711", "4000", "2024"],   # same code, other revenue
        [5, "南昌丙纺织有限公司", C[2], "罗家镇", "1711", "3000", "2024"],
        [6, "南昌丙纺织有限公司", C[2], "京东镇", "1711", "3000", "2024"],   # same code, other town
        [7, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2023"],   # other year: not a duplicate
    ]
    r = clean_rows(tmp_path, rows)
    assert sorted(zip(r.clean["source_row"], r.clean["year"])) == [(3, 2024), (9, 2023)]
    d = r.duplicates
    assert d[["source_row", "kept_row", "uscc"]].values.tolist() == [[5, 3, C[0]]]
    assert reasons_by_row(r) == {4: "duplicate_conflict", 6: "duplicate_conflict", 7: "duplicate_conflict",
                                 8: "duplicate_conflict"}
    q = r.quarantine.set_index("source_row")
    assert q.loc[4, "reason"] == (f"统一社会信用代码 {C[1]} 在 2024 年出现 2 次，营业收入不同"
                                  "（register_2024.csv:4、register_2024.csv:6）")
    assert "镇街不同" in q.loc[7, "reason"]
    assert r.summary["duplicates_dropped"] == 1


def test_duplicates_across_files_in_different_units(tmp_path):
    a = write_csv(tmp_path / "a_2024.csv", [HEAD, [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "12345.6", "2024"]])
    head_q = ["企业名称", "信用代码", "乡镇街道", "行业代码", "主营业务收入（千元）", "统计年度"]
    b = write_csv(tmp_path / "b_2024.csv", [head_q, ["南昌甲纺织有限公司", C[0], "羅家鎮", "1711", "123456", "2024年"]])
    r = clean_registers([a, b], plan=PLAN)
    assert len(r.clean) == 1 and r.clean["revenue_yi"].tolist() == [1.23456]
    assert r.duplicates["source_file"].tolist() == [str(b)] and r.duplicates["kept_file"].tolist() == [str(a)]


def test_rows_without_a_credit_code(tmp_path):
    rows = [
        [1, "南昌甲纺织有限公司", "", "罗家镇", "1711", "3500", "2024"],      # unique name: kept, flagged
        [2, "南昌乙纺织有限公司", "—", "罗家镇", "1711", "3000", "2024"],     # same name as a coded firm
        [3, "南昌乙纺织有限公司", C[1], "罗家镇", "1711", "3000", "2024"],
        [4, "南昌丙纺织有限公司", "", "罗家镇", "1711", "2500", "2024"],      # twice, identical: one dropped
        [5, "南昌丙纺织有限公司", "无", "罗家镇", "1711", "2500", "2024"],
        [6, "南昌丁纺织有限公司", "", "罗家镇", "1711", "2500", "2024"],      # twice, different: both out
        [7, "南昌丁纺织有限公司", "", "罗家镇", "1711", "2600", "2024"],
    ]
    r = clean_rows(tmp_path, rows)
    c = r.clean.set_index("source_row")
    assert sorted(c.index) == [3, 5, 6]
    assert c["uscc_missing"].to_dict() == {3: True, 5: False, 6: True}
    assert c.loc[3, "uscc"] == ""
    assert r.duplicates["source_row"].tolist() == [7]
    assert reasons_by_row(r) == {4: "name_not_unique", 8: "name_not_unique", 9: "name_not_unique"}
    assert r.summary["uscc_missing_kept"] == 2


# ------------------------------------------------------------------------------------------- panel
def test_panel_counts_above_size_firms_with_district_rows(tmp_path):
    rows = [
        [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"],
        [2, "南昌乙纺织有限公司", C[1], "罗家镇", "1711", "1.2亿", "2024"],
        [3, "南昌丙纺织有限公司", C[2], "京东镇", "1711", "2500", "2024"],
        [4, "南昌丁纺织有限公司", C[3], "京东镇", "1711", "1500", "2024"],   # below the threshold
        [5, "南昌戊电子有限公司", C[4], "高新园区", "3971", "5000", "2024"],
        [6, "南昌己包装有限公司", C[5], "湖坊镇", "2231", "9000", "2024"],   # other
    ]
    p = clean_rows(tmp_path, rows).panel
    assert list(p.columns) == ["year", "chain_id", "area", "enterprises", "revenue_yi", "chain"]
    assert len(p) == 1 * 5 * 10  # one year x (4 chains + other) x (全区 + 9 areas)
    got = p.set_index(["chain_id", "area"])
    assert got.loc[("textiles", "全区")].tolist()[1:3] == [3, 1.8]  # 0.35 + 1.2 + 0.25 亿元
    assert got.loc[("textiles", "罗家镇"), "enterprises"] == 2 and got.loc[("textiles", "京东镇"), "enterprises"] == 1
    assert got.loc[("textiles", "罗家镇"), "revenue_yi"] == pytest.approx(1.55)
    assert got.loc[("electronics", "全区"), "enterprises"] == 1
    assert got.loc[("other", "湖坊镇"), "revenue_yi"] == 0.9
    assert got.loc[("metallurgy", "全区"), "enterprises"] == 0
    assert p["area"].tolist()[:3] == ["全区", "湖坊镇", "塘山镇"]


def test_build_panel_accepts_a_clean_table_read_back_from_csv(tmp_path):
    clean = pd.DataFrame({"year": [2023, 2024, 2024], "chain_id": ["textiles", "textiles", "other"],
                          "area": ["罗家镇", "罗家镇", "站东街道"], "revenue_yi": [0.5, 0.3, 0.4],
                          "above_size": [True, True, False]})
    p = build_panel(clean, plan=PLAN).set_index(["year", "chain_id", "area"])
    assert p.loc[(2023, "textiles", "全区"), "enterprises"] == 1
    assert p.loc[(2024, "textiles", "罗家镇"), "revenue_yi"] == 0.3
    assert p.loc[(2024, "other", "全区"), "enterprises"] == 0


# ------------------------------------------------------------------------------------------- outputs
def test_outputs_written_atomically_with_the_documented_columns(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEAD, [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"],
                                          [2, "南昌乙纺织有限公司", C[1], "火星", "1711", "3500", "2024"]])
    out = tmp_path / "out"
    r = clean_registers([path], out_dir=out, plan=PLAN)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES.values())
    clean = pd.read_csv(out / "register_clean.csv", dtype=str)
    assert list(clean.columns) == register.CLEAN_COLUMNS
    for col in ["year", "uscc", "name", "area", "chain", "chain_id", "industry_code", "revenue_yi", "above_size",
                "source_file", "source_row"]:
        assert col in clean.columns
    assert clean.iloc[0][["uscc", "revenue_yi", "above_size", "source_row"]].tolist() == [C[0], "0.35", "true", "3"]
    q = pd.read_csv(out / "register_quarantine.csv", dtype=str)
    assert list(q.columns[-5:]) == ["source_file", "source_sheet", "source_row", "reason_code", "reason"]
    assert q["所在镇街"].tolist() == ["火星"]
    panel = pd.read_csv(out / "register_panel.csv")
    assert list(panel.columns[:5]) == ["year", "chain_id", "area", "enterprises", "revenue_yi"]
    summary = json.loads((out / "register_summary.json").read_text(encoding="utf-8"))
    assert summary["rows_read"] == 2 and summary["clean"] == 1 and summary["quarantined"] == 1
    assert summary["files"][0]["rows_read"] == 2 and summary["quarantined_by_reason"] == {"area_unknown": 1}
    assert r.written == [out / OUTPUT_FILES[k] for k in ("clean", "quarantine", "duplicates", "panel", "summary")]


def test_no_output_dir_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEAD, [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"]])
    before = sorted(os.listdir(tmp_path))
    r = clean_registers([path], out_dir=None, plan=PLAN)
    assert sorted(os.listdir(tmp_path)) == before and r.written == []


def test_bad_input_leaves_earlier_outputs_untouched(tmp_path):
    good = write_csv(tmp_path / "good.csv", [HEAD, [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"]])
    out = tmp_path / "out"
    clean_registers([good], out_dir=out, plan=PLAN)
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    with pytest.raises(InputError):
        clean_registers([good, bad], out_dir=out, plan=PLAN)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot


def test_a_failure_while_writing_leaves_no_half_written_files(tmp_path, monkeypatch):
    good = write_csv(tmp_path / "good.csv", [HEAD, [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"]])
    out = tmp_path / "out"
    clean_registers([good], out_dir=out, plan=PLAN)
    snapshot = {p.name: p.read_bytes() for p in out.iterdir()}
    real, calls = register_output._write_csv, []

    def flaky(df, path):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        real(df, path)

    monkeypatch.setattr(register_output, "_write_csv", flaky)
    changed = write_csv(tmp_path / "good.csv", [HEAD, [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "9999", "2024"]])
    with pytest.raises(OutputError, match="register_duplicates_dropped.csv: could not be written \\(disk full\\)"):
        clean_registers([changed], out_dir=out, plan=PLAN)   # files/atomic.py: one line naming the file
    assert {p.name: p.read_bytes() for p in out.iterdir()} == snapshot  # no temp files, nothing replaced


def test_cli_clean(tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", [HEAD, [1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"]])
    assert cli_main(["register", "clean", str(path), "--out", str(tmp_path / "o")]) == 0
    text = capsys.readouterr().out
    assert "读取 1 行" in text and "清洗后 1 行" in text
    assert (tmp_path / "o" / "register_panel.csv").exists()
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert cli_main(["register", "clean", str(empty), "--out", str(tmp_path / "o2")]) == 2
    assert "empty" in capsys.readouterr().err and not (tmp_path / "o2").exists()


# ------------------------------------------------------------------------------------------- rows in = out
def _every_row_once(r) -> None:
    s = r.summary
    assert s["balanced"] and s["rows_read"] == s["clean"] + s["quarantined"] + s["duplicates_dropped"]
    where = pd.concat([r.clean[["source_file", "source_row"]].astype({"source_file": str}),
                       r.quarantine[["source_file", "source_row"]],
                       r.duplicates[["source_file", "source_row"]]])
    assert not where.duplicated().any()
    assert len(where) == s["rows_read"]


CODE = st.sampled_from(C[:6] + ["", "—", C[0].lower(), "91350100M000100Y44", "123"])
TOWN = st.sampled_from(["罗家镇", "羅家鎮", "高新区", "京东", "青云谱镇", "", "全区"])
REVENUE = st.sampled_from(["3500", "1,234.5", "1.2亿", "—", "-5", "abc", "１９９９", "2000", "", "500万"])
NAME = st.sampled_from(["南昌甲公司", "南昌乙公司", "南昌丙公司", "", "合计"])
INDUSTRY = st.sampled_from(["1711", "3971", "C3011", "2720", "3670", "", "XX"])
YEAR = st.sampled_from(["2023", "2024", "", "2024年", "明年"])
ROW = st.tuples(NAME, CODE, TOWN, INDUSTRY, REVENUE, YEAR)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=25))
def test_round_trip_every_row_ends_somewhere_exactly_once(rows):
    with tempfile.TemporaryDirectory() as tmp:
        body = [[i + 1, *row] for i, row in enumerate(rows)]
        path = write_csv(Path(tmp) / "register_2024.csv", [HEAD, *body])
        try:
            r = clean_registers([path], plan=PLAN)
        except InputError as exc:  # only a wholly empty-looking file may stop the run
            assert "no header" in str(exc) or "empty" in str(exc)
            return
        _every_row_once(r)
        assert set(r.quarantine["reason_code"].str.split("; ").explode()) <= set(REASONS)
        assert (r.clean["revenue_yi"] >= 0).all() and r.clean["area"].notna().all()


def test_round_trip_on_a_large_soiled_register(tmp_path):
    df = large_register(20_000, year=2024, seed=3, plan=PLAN)
    path = tmp_path / "synthetic_large_2024.csv"
    df.to_csv(path, index=False)
    r = clean_registers([path], plan=PLAN)
    _every_row_once(r)
    assert r.summary["rows_read"] == 20_000
    assert r.summary["duplicates_dropped"] > 0
    assert set(r.summary["quarantined_by_reason"]) == {"uscc_invalid", "revenue_missing"}
    # 1 % of the codes got a Z for a check character, 0.5 % of revenues a dash (see large_register)
    assert 150 <= r.summary["quarantined_by_reason"]["uscc_invalid"] <= 250
    assert 50 <= r.summary["quarantined_by_reason"]["revenue_missing"] <= 150


# ------------------------------------------------------------------------------------------- boundaries
def test_schemas_reject_what_the_outputs_must_not_hold(tmp_path):
    import pandera.errors

    from chainplan_lib.cleaning.register.schemas import register_names

    r = clean_rows(tmp_path, [[1, "南昌甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"]])
    bad = r.clean.copy()
    bad["uscc"] = pd.array(["91360111"], dtype="str")  # neither empty nor 18 characters
    with pytest.raises(pandera.errors.SchemaError, match="uscc"):
        register_names(PLAN).clean_schema.validate(bad)
    bad = r.clean.copy()
    bad["name"] = pd.array([""], dtype="str")
    with pytest.raises(pandera.errors.SchemaError, match="name"):
        register_names(PLAN).clean_schema.validate(bad)
    twice = pd.concat([r.panel.head(1), r.panel.head(1)], ignore_index=True)
    with pytest.raises(pandera.errors.SchemaError):
        register_names(PLAN).panel_schema.validate(twice)


def test_the_byte_scan_for_text_needing_nfkc_matches_its_table():
    from chainplan_lib.cleaning.register.values import _nfkc_suspect, byte_table, normalise_text

    every_byte = np.arange(256, dtype=np.uint8)
    table = byte_table(ranges=((0x21, 0x7E), (0x80, 0xBF), (0xE4, 0xE9)))
    assert (_nfkc_suspect(every_byte) == table[every_byte]).all()
    s = pd.Series(["南昌甲公司", "ABC-1", "南昌（乙）公司", "Ａ Ｂ\u3000Ｃ", "南昌 丙 公司", "·"], dtype="str")
    assert normalise_text(s).tolist() == ["南昌甲公司", "ABC-1", "南昌(乙)公司", "A B C", "南昌丙公司", "·"]
