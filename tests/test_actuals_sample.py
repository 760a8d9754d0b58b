"""The SYNTHETIC monthly reports (示例数据): reproducible, labelled, consistent with the targets, and cleanable."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from chainplan_lib.cleaning.actuals.clean import clean_actuals
from chainplan_lib.cleaning.actuals.sample import sample_actuals, sample_files, write_sample_actuals
from chainplan_lib.cli import main as cli_main
from chainplan_lib.errors import ParameterError

sys.path.insert(0, str(Path(__file__).parent))
from _targets_fixture import TABLE, targets_frame

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "raw" / "actuals"


def _digest(p: Path) -> str:
    """CSV: the bytes. Workbook: its sheets' names and cell values — openpyxl writes the same cells as different
    XML bytes depending on whether lxml is installed, and a content digest is what "the same file" means here."""
    if p.suffix != ".xlsx":
        return hashlib.sha256(p.read_bytes()).hexdigest()
    h = hashlib.sha256()
    wb = load_workbook(p, read_only=True)
    for ws in wb.worksheets:
        h.update(ws.title.encode())
        for row in ws.iter_rows(values_only=True):
            h.update(repr(row).encode())
    wb.close()
    return h.hexdigest()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def truth(plan) -> pd.DataFrame:
    return sample_actuals(plan, 0, targets_frame()).releases()


def test_same_seed_same_content_and_the_bundled_files_are_that_output(tmp_path, plan):
    a = write_sample_actuals(tmp_path / "a", plan, seed=0, targets=targets_frame())
    write_sample_actuals(tmp_path / "b", plan, seed=0, targets=targets_frame())
    assert [p.name for p in a] == list(sample_files(plan))
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(BUNDLED) == _digests(tmp_path / "a"), "data/raw/actuals is `chainplan actuals sample` output"
    c = write_sample_actuals(tmp_path / "c", plan, seed=1, targets=targets_frame())
    assert all(_digests(tmp_path / "c")[p.name] != _digests(tmp_path / "a")[p.name] for p in c)
    assert sum(p.stat().st_size for p in BUNDLED.iterdir()) < 200_000


def test_files_say_they_are_synthetic(plan):
    assert all("synthetic" in n for n in sample_files(plan))
    for name in sample_files(plan):
        p = BUNDLED / name
        if p.suffix == ".xlsx":
            wb = load_workbook(p)
            assert all("示例数据" in ws["A1"].value and "SYNTHETIC" in ws["A1"].value for ws in wb.worksheets)
        else:
            raw = p.read_bytes()
            first = raw.decode("gb18030" if "gb18030" in name else "utf-8").splitlines()[0]
            assert "示例数据" in first and "SYNTHETIC" in first
    with pytest.raises(UnicodeDecodeError):
        (BUNDLED / "synthetic_actuals_2025-09_gb18030.csv").read_bytes().decode("utf-8")


def test_the_process_is_what_the_docstring_says(truth):
    full = truth[truth["month"] == 12].pivot(index="year", columns="chain_id", values="cumulative")
    for cid in ("textiles", "metallurgy", "electronics", "food_pharma"):
        target_2023 = TABLE[cid]["revenue"]["全区"][0]
        assert abs(full.loc[2023, cid] / target_2023 - 1) < 0.05, cid  # 2023 ≈ the table's 2023 value
    m = truth.pivot_table(index=["year", "month"], columns="chain_id", values="value")
    chains = m[["textiles", "metallurgy", "electronics", "food_pharma"]].sum(axis=1)
    assert (m["industry"] > chains).all()  # all industry is always larger than the four chains
    cum = truth.pivot_table(index=["year", "month"], columns="chain_id", values="cumulative")
    jan_feb = cum.xs(2, level="month")["industry"] / full["industry"]
    assert jan_feb.drop([2020, 2025]).between(0.11, 0.15).all() and jan_feb[2020] < 0.11  # Spring Festival; COVID
    december = m["industry"].unstack("month")
    assert (december.idxmax(axis=1).loc[2019:2024] == 12).all()  # the December peak
    assert (cum.xs(2, level="month").loc[2020] < cum.xs(2, level="month").loc[2019]).all()  # the 2020 dip
    assert full.loc[2021, "industry"] / full.loc[2020, "industry"] > 1.08  # and the rebound


def test_cleaning_the_bundled_sample_gives_back_the_truth(truth, plan):
    r = clean_actuals([BUNDLED], plan)
    s = r.summary
    assert s["balanced"] and s["rows_accounted"] and s["synthetic"] and s["duplicates_dropped"] == 0
    assert set(s["quarantined_by_reason"]) == {"note_row", "section_heading"}  # only structure, no bad data
    assert (r.quarantine["value_text"] == "").all()  # a note merged across the row is a note, not figures
    got = r.actuals[r.actuals["cumulative"] & (r.actuals["area"] == "全区")]
    got = got.set_index(["year", "month", "chain_id"]).sort_index()
    want = truth.set_index(["year", "month", "chain_id"]).sort_index()
    assert got.index.equals(want.index)  # 2019-02 … 2025-09, months 2–12 (1—2月 is the first release)
    assert (got["value"] - want["cumulative"]).abs().max() < 0.0051  # rounded to 0.01 亿元 (or 1 万元)
    published = want["yoy_pct"].notna()
    assert np.allclose(got.loc[published, "yoy_pct"], want.loc[published, "yoy_pct"])
    assert (r.checks.loc[r.checks["check"] != "yoy_published_vs_computed", "status"] == "ok").all()
    yoy = r.checks[r.checks["check"] == "yoy_published_vs_computed"]
    assert (yoy["status"] == "differs").mean() > 0.8  # the simulated 可比口径 gap shows


def test_write_refuses_to_overwrite_unless_told(tmp_path, capsys, plan):
    assert cli_main(["actuals", "sample", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split() == [str(tmp_path / n) for n in sample_files(plan)]
    before = _digests(tmp_path)
    with pytest.raises(ParameterError, match="exists"):
        write_sample_actuals(tmp_path, plan, seed=3)
    assert _digests(tmp_path) == before
    write_sample_actuals(tmp_path, plan, seed=3, overwrite=True)
    assert _digests(tmp_path) != before
