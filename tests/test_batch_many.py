"""The machinery of a run of several plans, on a tiny stand-in notebook: a district that cannot be made does not
stop the others (exit 10 + how many failed, each named), a chain without a 统计月报 figure for the month is named
and exits 3 unless --allow-missing, and what cannot be right for any district is one line before anything runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from _batchkit import KERNELSPEC, ROOT, cli_here
from _plans import YUNXI, plan_copy

from chainplan_lib.errors import OutputError, ParameterError
from chainplan_lib.publish.many import assign, find_plans, own_data, run_many

YUNXI_ACTUALS = ROOT / "tests" / "data" / "yunxi_actuals"
SAYS_WHO = ("import tomllib\nwith open(plan, 'rb') as fh:\n    print('DISTRICT', tomllib.load(fh)['plan']['district'])\n"
            "print('MONTH', month)")


def _notebooks(folder: Path) -> Path:
    """One stand-in notebook with the batch's parameters: it prints whose plan it was given."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.cells = [nbformat.v4.new_code_cell("plan = None\nyear = None\nmonth = None\nprocessed_dir = None",
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(SAYS_WHO)]
    nbformat.write(nb, folder / "10_says_who.ipynb")
    return folder


def _actuals_without(folder: Path, chain: str) -> Path:
    """Yunxi's 统计月报 with ``chain``'s line left out of the 1—9月 report."""
    shutil.copytree(YUNXI_ACTUALS, folder)
    f = folder / "云溪县2025年1-9月.csv"
    f.write_text("".join(ln for ln in f.read_text(encoding="utf-8").splitlines(keepends=True)
                         if not ln.startswith(chain)), encoding="utf-8")
    return folder


def _broken_plan(folder: Path) -> Path:
    """Yunxi's plan beside a copy of its table with a negative value: cleaning it stops with one line."""
    folder.mkdir(parents=True, exist_ok=True)
    path = plan_copy(folder, source=YUNXI, name="broken-2024.toml")
    table = folder / "yunxi_targets.txt"
    table.write_text(table.read_text(encoding="utf-8").replace("\t80\t10\t", "\t-80\t10\t", 1), encoding="utf-8")
    return path


def test_a_chain_without_a_figure_is_named_and_exits_3(tmp_path):
    acts = _actuals_without(tmp_path / "acts", "装备制造")
    r = cli_here(["brief", "--plan", str(YUNXI), "--year", "2025", "--month", "9", "--actuals", str(acts),
                  "--notebooks", str(_notebooks(tmp_path / "nbs")), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert r.returncode == 3, r.stdout + r.stderr
    err = [ln for ln in r.stderr.splitlines() if ln.startswith("chainplan:")]
    assert err == ["chainplan: error: brief: 1 条产业链缺少2025年1—9月数据（装备制造：统计月报未提供2025年1—9月的数据）; the report "
                   "was made without them — pass --allow-missing to accept that (exit 0)"]
    m = json.loads((tmp_path / "out" / "2025" / "manifest.json").read_text(encoding="utf-8"))   # made all the same
    assert m["ok"] and m["missing_chains"] == [{"chain": "equipment", "name": "装备制造",
                                                "why": "统计月报未提供2025年1—9月的数据"}]
    assert "缺少2025年1—9月数据的产业链（报告中未列入）：装备制造" in r.stdout


def test_a_district_that_cannot_be_made_does_not_stop_the_others(tmp_path):
    """Two plans, one table broken; the other's 统计月报 lack a chain, accepted with --allow-missing: one district
    failed, exit 11, each named; the good one's report and the comparison page are made."""
    acts = _actuals_without(tmp_path / "acts", "绿色食品")
    broken = _broken_plan(tmp_path / "plans")
    out = tmp_path / "out"
    r = cli_here(["brief", "--year", "2025", "--plan", str(YUNXI), "--plan", str(broken), "--month", "9",
                  "--actuals", f"yunxi-2024={acts}", "--actuals", f"broken-2024={acts}",
                  "--notebooks", str(_notebooks(tmp_path / "nbs")),
                  "--out", str(out), "--allow-missing", "--jobs", "1"])
    assert r.returncode == 11, r.stdout + r.stderr
    err = [ln for ln in r.stderr.splitlines() if ln.startswith("chainplan:")]
    assert len(err) == 1 and err[0].startswith(f"chainplan: error: brief: broken-2024: {broken.parent}/yunxi_targets.txt")
    assert "negative value '-80'" in err[0]
    lines = r.stdout.splitlines()
    assert lines[0].startswith("chainplan brief 2025: 1/2 districts ok")
    assert any(ln.startswith("  FAIL broken-2024") and "云溪县" in ln for ln in lines)
    assert any("缺少2025年1—9月数据的产业链（报告中未列入）：绿色食品" in ln for ln in lines)
    good = out / "2025" / "yunxi-2024"
    nb = nbformat.read(good / "notebooks" / "10_says_who.ipynb", as_version=4)
    assert "DISTRICT 云溪县\nMONTH 9" in "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert sorted(p.name for p in (out / "2025").iterdir()) == ["districts-2025.pdf", "districts.json", "index.html",
                                                               "yunxi-2024"]   # nothing of the broken one
    page = (out / "2025" / "index.html").read_text(encoding="utf-8")
    assert "未能完成的区县" in page and "negative value" in page and 'href="yunxi-2024/index.html"' in page
    assert "yunxi_targets.txt, line" in page and str(tmp_path) not in page     # the file named, not this machine
    assert '"ok": false' in (out / "2025" / "districts.json").read_text(encoding="utf-8")
    assert 'href="2025/index.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_plans_that_would_share_a_folder_are_one_line_before_anything_runs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = plan_copy(tmp_path / "a", source=YUNXI, name="yunxi-2024.toml")
    two = plan_copy(tmp_path / "b", source=YUNXI, name="yunxi-2024.toml")
    with pytest.raises(ParameterError, match=r"--plan .*b/yunxi-2024.toml: another plan file has the same name "
                                             r"'yunxi-2024' \(.*a/yunxi-2024.toml\)"):
        find_plans([one, two])
    with pytest.raises(ParameterError, match="the same plan file is given twice"):
        find_plans([one, tmp_path / "a" / ".." / "a" / "yunxi-2024.toml"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ParameterError, match="--plans .*empty: no plan files"):
        find_plans([], tmp_path / "empty")
    assert find_plans([], tmp_path / "b") == [two]
    r = cli_here(["brief", "--year", "2025", "--plan", str(one), "--plan", str(two), "--out", str(tmp_path / "o")])
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "another plan file has the same name" in r.stderr
    assert not (tmp_path / "o").exists()


def test_each_districts_data_is_named_by_its_plan(tmp_path):
    stems = ["qingshanhu-2024", "yunxi-2024"]
    assert assign(["yunxi-2024=tests/data/yunxi_actuals"], stems, "--actuals") == {
        "yunxi-2024": Path("tests/data/yunxi_actuals")}
    assert assign(["a=b/c"], ["one"], "--actuals") == {"one": Path("a=b/c")}      # one plan: a path as given
    with pytest.raises(ParameterError, match=r"--actuals data/x: in a run of several plans say whose data it is"):
        assign(["data/x"], stems, "--actuals")
    with pytest.raises(ParameterError, match="given twice for yunxi-2024"):
        assign(["yunxi-2024=a", "yunxi-2024=b"], stems, "--registers")
    plan = plan_copy(tmp_path, source=YUNXI, name="east-2024.toml")
    assert own_data(plan, "actuals") is None
    (tmp_path / "east-2024" / "actuals").mkdir(parents=True)
    assert own_data(plan, "actuals") == tmp_path / "east-2024" / "actuals"


def test_a_single_report_and_a_folder_of_districts_never_replace_each_other(tmp_path):
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(OutputError, match=r"2025 holds a single plan's report; a run of several plans puts each in "
                                          r"2025/<plan>/"):
        run_many(2025, plans=[YUNXI, plan_copy(tmp_path, source=YUNXI, name="b.toml")], out=tmp_path)
    (tmp_path / "2025" / "manifest.json").unlink()
    (tmp_path / "2025" / "districts.json").write_text("{}", encoding="utf-8")
    r = cli_here(["brief", "--year", "2025", "--plan", str(YUNXI), "--out", str(tmp_path)])
    assert r.returncode == 2 and "holds the reports of several districts" in r.stderr
