"""The SYNTHETIC register generator, and the bundled demo registers it made (read only here)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from chainplan_lib.cleaning.register.clean import clean_registers
from chainplan_lib.cleaning.register.sample import sample_register, write_sample
from chainplan_lib.cli import main as cli_main
from chainplan_lib.errors import ParameterError

sys.path.insert(0, str(Path(__file__).parent))
from _plans import PLAN
from _targets_fixture import TABLE, targets_frame

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "raw" / "registers"


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    return targets_frame()


@pytest.fixture(scope="module")
def written_2024(tmp_path_factory, targets):
    folder = tmp_path_factory.mktemp("sample")
    paths = write_sample(2024, seed=0, out=folder, targets=targets, plan=PLAN)
    return folder, paths


def test_truth_matches_the_target_table(targets):
    s = sample_register(2024, seed=0, targets=targets, plan=PLAN)
    t = s.truth[s.truth["above_size"] & (s.truth["chain_id"] != "other")]
    counts = t.groupby(["chain_id", "area"]).size()
    revenue = t.groupby(["chain_id", "area"])["revenue_wan"].sum() / 1e4
    for cid, indicators in TABLE.items():
        for area, values in indicators["enterprises"].items():
            if area == "全区" or values[1] == 0:
                continue
            assert counts[(cid, area)] == values[1], (cid, area)
            # revenues are drawn to land on the target; rounding to 0.1 万元 moves them by < 0.001 亿元
            assert revenue[(cid, area)] == pytest.approx(indicators["revenue"][area][1], abs=1e-3), (cid, area)
    assert (s.truth["revenue_wan"] > 0).all()
    assert (~s.truth["above_size"]).sum() > 0 and (s.truth["chain_id"] == "other").sum() > 0
    assert s.truth["name"].str.contains("示例").all() and s.truth["uscc"].is_unique


def test_same_seed_same_register_other_seed_other_register(targets):
    a = sample_register(2023, seed=1, targets=targets, plan=PLAN)
    b = sample_register(2023, seed=1, targets=targets, plan=PLAN)
    c = sample_register(2023, seed=2, targets=targets, plan=PLAN)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    pd.testing.assert_frame_equal(a.csv_rows, b.csv_rows)
    assert a.truth["uscc"].tolist() != c.truth["uscc"].tolist()


def test_files_say_they_are_synthetic(written_2024):
    folder, paths = written_2024
    assert [p.name for p in paths] == ["synthetic_register_2024.xlsx", "synthetic_register_2024_gbk.csv"]
    ws = load_workbook(paths[0]).active
    assert "SYNTHETIC" in ws["A1"].value and "示例数据" in ws["A1"].value
    raw = paths[1].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    first_line = raw.decode("gbk").splitlines()[0]
    assert "SYNTHETIC" in first_line and "示例数据" in first_line


def test_cleaning_the_sample_gives_back_the_truth(written_2024, targets):
    folder, _ = written_2024
    r = clean_registers([folder], plan=PLAN)
    s = sample_register(2024, seed=0, targets=targets, plan=PLAN)
    expected = s.expected_panel()
    got = r.panel[r.panel["area"] != "全区"].set_index(["chain_id", "area"])
    got = got[got["enterprises"] > 0]
    assert sorted(got.index) == sorted(expected.index)
    assert (got.loc[expected.index, "enterprises"] == expected["enterprises"]).all()
    assert (got.loc[expected.index, "revenue_yi"] - expected["revenue_yi"]).abs().max() < 1e-6
    # the soiling: each deliberately bad firm is quarantined with the matching reason, in both files
    fates = s.truth.loc[~s.truth["fate"].isin(["clean", "kept_no_code"]), "fate"].value_counts().to_dict()
    by_reason = r.summary["quarantined_by_reason"]
    assert fates == {"uscc_invalid": 2, "revenue_missing": 1, "area_unknown": 1, "revenue_negative": 1,
                     "duplicate_conflict": 1}
    # each bad row is in both files; the conflicting pair is quarantined from the workbook, and the CSV's
    # copies of those two rows are exact duplicates of them (dropped and logged)
    assert {k: by_reason[k] for k in fates} == {"uscc_invalid": 4, "revenue_missing": 2, "area_unknown": 2,
                                                "revenue_negative": 2, "duplicate_conflict": 2}
    assert by_reason["subtotal_row"] == 1 and by_reason["note_row"] == 1
    assert r.summary["uscc_missing_kept"] == 1 and r.summary["synthetic"] is True
    s_ = r.summary
    assert s_["rows_read"] == s_["clean"] + s_["quarantined"] + s_["duplicates_dropped"]
    # the GBK copy repeats the workbook: all its clean rows are exact duplicates of the workbook's
    assert set(r.clean["source_file"].astype(str)) == {str(folder / "synthetic_register_2024.xlsx")}


def test_write_sample_refuses_to_overwrite_or_to_hide_that_it_is_synthetic(written_2024, targets, tmp_path):
    folder, paths = written_2024
    before = paths[0].read_bytes()
    with pytest.raises(ParameterError, match="exists"):
        write_sample(2024, seed=0, out=folder, targets=targets, plan=PLAN)
    assert paths[0].read_bytes() == before
    with pytest.raises(ParameterError, match="synthetic"):
        write_sample(2024, seed=0, out=tmp_path / "register_2024.xlsx", targets=targets, plan=PLAN)
    one = write_sample(2024, seed=0, out=tmp_path / "x" / "synthetic_one.csv", targets=targets, plan=PLAN)
    assert one == [tmp_path / "x" / "synthetic_one.csv"] and sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "synthetic_one.csv"]


def test_cli_sample_writes_where_told(tmp_path, capsys):
    from chainplan_lib.cleaning.targets import clean as targets_module

    if not hasattr(targets_module, "load_targets"):  # pragma: no cover - the lead's module
        pytest.skip("chainplan_lib.cleaning.targets.clean.load_targets not available")
    assert cli_main(["register", "sample", "--year", "2023", "--seed", "5", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    names = ["synthetic_register_2023.xlsx", "synthetic_register_2023_gbk.csv"]
    assert printed == [str(tmp_path / n) for n in names]
    assert sorted(p.name for p in tmp_path.iterdir()) == names


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not BUNDLED.is_dir(), reason="bundled registers not present")
def test_bundled_registers_clean_close_to_the_targets(targets):
    before = _digest(BUNDLED)
    assert sorted(before) == ["synthetic_register_2023.xlsx", "synthetic_register_2023_gbk.csv",
                              "synthetic_register_2024.xlsx", "synthetic_register_2024_gbk.csv",
                              "xls/synthetic_register_2024.xls"]  # the .xls copy sits apart: not read twice
    assert sum((BUNDLED / n).stat().st_size for n in before) < 1_000_000
    r = clean_registers([BUNDLED], out_dir=None, plan=PLAN)
    assert _digest(BUNDLED) == before  # read only
    assert r.summary["balanced"] and r.summary["years"] == [2023, 2024] and r.summary["synthetic"]
    t = targets[targets["indicator"] == "enterprises"].set_index(["year", "chain_id", "area"])["value"]
    p = r.panel[r.panel["chain_id"] != "other"].set_index(["year", "chain_id", "area"])["enterprises"]
    diff = (p - t.reindex(p.index)).abs()
    # two chain firms a year are soiled beyond repair (a bad check character, a revenue of '—')
    assert diff.xs("全区", level="area").groupby(level="year").sum().le(2).all()
    assert diff.max() <= 2
