"""`chainplan brief`: the one real batch (bundled data, hostile register names), isolation of concurrent runs,
failing notebooks and a dying kernel, and the batch's parameters."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pytest
from _batchkit import (
    HOSTILE_NAMES,
    ROOT,
    SMALL_REGISTER,
    cli_here,
    outputs_text,
    popen_cli,
    stderr_lines,
    write_notebooks,
)
from _plans import PLAN
from pypdf import PdfReader

from chainplan_lib.publish import sources
from chainplan_lib.publish.batch import RUN_PARAMETERS
from chainplan_lib.publish.parameters import BATCH_PARAMETERS, DEFAULTS, for_notebook, resolve
from chainplan_lib.publish.render import pdf_text

NAMES = ["01_targets", "02_growth", "03_consistency", "04_shares", "05_register", "06_progress", "briefing"]


# --------------------------------------------------------------------------------------- the one batch


def test_the_batch_fixture_ran_once(brief_2024):
    runs = brief_2024.runs_log.read_text(encoding="utf-8").splitlines()
    assert len(runs) == 1, f"the batch ran {len(runs)} times in this test session: {runs}"


def test_batch_writes_every_output(brief_2024):
    assert brief_2024.returncode == 0, brief_2024.stdout + brief_2024.stderr
    out = brief_2024.out_dir
    assert brief_2024.stdout.startswith(f"chainplan brief 2024: {len(NAMES)}/{len(NAMES)} notebooks ok")
    assert sorted(p.stem for p in (out / "notebooks").glob("*.ipynb")) == NAMES
    assert sorted(p.stem for p in (out / "html").glob("*.html")) == NAMES
    assert brief_2024.pdf.stat().st_size > 20_000
    index = (out / "index.html").read_text(encoding="utf-8")
    for n in NAMES:
        assert f"html/{n}.html" in index and f"notebooks/{n}.ipynb" in index
    # the executed copies carry outputs (for analysts); the sources in git do not
    nb = nbformat.read(out / "notebooks" / "01_targets.ipynb", as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    # what the notebooks read travels with the report: the plan (its [table].path pointing at the table's copy
    # beside it), the table as extracted, the cleaned tables; beside the report only the reports' index
    assert sorted(p.name for p in (out / "data").iterdir()) == ["actuals", "plan.toml", "register", "table",
                                                                "targets.csv", "targets_checks.csv",
                                                                "targets_repairs.csv"]
    bundled = (ROOT / "data/plans/qingshanhu-2024.toml").read_text(encoding="utf-8").splitlines()
    copy = (out / "data" / "plan.toml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(bundled, copy) if a != b]
    assert len(bundled) == len(copy) and [b.split("#")[0].strip() for _, b in changed] == [
        'path = "table/attachment2_targets.txt"']
    assert (out / "data/table/attachment2_targets.txt").read_bytes() == (
        ROOT / "data/raw/attachment2_targets.txt").read_bytes()
    assert (out / "data" / "actuals" / "actuals.csv").is_file()
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024", "index.html"]
    assert 'href="2024/index.html"' in (out.parent / "index.html").read_text(encoding="utf-8")


def test_a_successful_batch_prints_the_bar_and_the_summary_only(brief_2024):
    assert stderr_lines(brief_2024.stderr) == [], brief_2024.stderr[-2000:]
    assert "brief 2024: 100%" in brief_2024.stderr            # the progress bar itself
    lines = brief_2024.stdout.splitlines()
    assert lines[0].startswith("chainplan brief 2024:") and lines[-1].startswith("  index:")
    assert len(lines) == 1 + len(NAMES) + 2, brief_2024.stdout


def test_html_hides_code(brief_2024):
    for page in (brief_2024.out_dir / "html").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "from chainplan_lib import" not in text and "params.check_year" not in text, page.name
    assert "修复记录" in (brief_2024.out_dir / "html" / "01_targets.html").read_text(encoding="utf-8")


def test_manifest_traces_inputs_parameters_and_versions(brief_2024):
    m = brief_2024.manifest
    raw = ROOT / "data/raw/attachment2_targets.txt"
    by_name = {Path(i["path"]).name: i for i in m["inputs"]}
    assert by_name["attachment2_targets.txt"]["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    plan = ROOT / "data/plans/qingshanhu-2024.toml"
    assert by_name["qingshanhu-2024.toml"]["sha256"] == hashlib.sha256(plan.read_bytes()).hexdigest()
    assert by_name["qingshanhu-2024.toml"]["kind"] == "plan" and by_name["industry_chains.toml"]["kind"] == "config"
    assert m["plan"]["district"] == "青山湖区" and m["plan"]["copy"] == "data/plan.toml"
    assert sorted(i["path"].rsplit("/", 1)[-1] for i in m["inputs"] if i["kind"] == "actuals") == sorted(
        p.name for p in (ROOT / "data/raw/actuals").iterdir())
    assert m["actuals"]["month"] == 12 and m["actuals"]["month_given"] is False and m["actuals"]["synthetic"]
    assert set(HOSTILE_NAMES.values()) <= set(by_name), "the register files are listed under their own names"
    assert m["year"] == 2024 and m["ok"] is True and m["synthetic_register"] is True
    assert m["register_years"] == [2023, 2024]
    assert m["packages"]["pandas"] and m["packages"]["papermill"]
    assert m["parameters_given"] == {"tolerance_pp": 1.0}                     # -p tolerance_pp=1.0
    params = {nb["name"]: nb["parameters"] for nb in m["notebooks"]}
    assert params["briefing"]["tolerance_pp"] == 1.0 and params["03_consistency"]["tolerance_pp"] == 1.0
    assert "tolerance_pp" not in params["04_shares"]                       # only declared parameters are passed
    assert "tolerance_pp" not in params["05_register"]
    # where the data is: the report's own, relative to its notebooks/ folder (chain and base year: the plan's)
    assert params["briefing"]["year"] == 2024 and params["04_shares"] == {
        "year": 2024, "processed_dir": "../data", "plan": "../data/plan.toml", "register_dir": None}
    assert params["briefing"]["month"] is None and params["briefing"]["actuals_dir"] == "../data/actuals"
    assert "year" not in params["03_consistency"]
    assert {nb["executed"] for nb in m["notebooks"]} == {f"notebooks/{n}.ipynb" for n in NAMES}
    assert m["outputs"] == {"pdf": "briefing-2024.pdf", "processed_dir": "data"} and m["seconds_total"] > 0
    # the sources that ran: each notebook's jupytext .py and its SHA-256, the commit and whether the tree was dirty
    for nb in m["notebooks"]:
        src = ROOT / nb["source"]
        assert nb["source"] == f"notebooks/{nb['name']}.py" and nb["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{40}", m["source"]["commit"]) and isinstance(m["source"]["dirty"], bool)
    index = (brief_2024.out_dir / "index.html").read_text(encoding="utf-8")
    assert m["source"]["commit"][:12] in index and m["notebooks"][0]["sha256"][:12] in index
    assert "tolerance_pp = 1.0" in (brief_2024.out_dir / "index.html").read_text(encoding="utf-8")


def test_notebooks_read_the_runs_own_tables(brief_2024):
    """Each notebook got ../data (the report's data/), and that folder holds this run's registers."""
    m = brief_2024.manifest
    assert all(nb["parameters"].get("processed_dir", "../data") == "../data" for nb in m["notebooks"])
    summary = json.loads((brief_2024.out_dir / "data/register/register_summary.json").read_text(encoding="utf-8"))
    assert {Path(f["file"]).name for f in summary["files"]} == {p.name for p in brief_2024.registers.iterdir()}


def test_briefing_pdf_text_and_pages(brief_2024):
    pages = pdf_text(brief_2024.pdf)
    assert 3 <= len(pages) <= 12
    assert "青山湖区制造业重点产业链2024年度简报" in pages[0].replace(" ", "")
    whole = "".join(pages).replace(" ", "").replace("\n", "")
    for key in ("要点", "1,000", "13.2%", "高于年均10%左右", "完成年度目标", "数据说明", "塘山镇"):
        assert key in whole, key
    for i, page in enumerate(pages, start=1):
        flat = page.replace(" ", "").replace("\n", "")
        assert "示例数据" in flat, f"page {i} lacks the synthetic notice"
        assert f"第{i}页" in flat, f"page {i} lacks its number"
    assert "\ufffd" not in whole and "import" not in whole


# --------------------------------------------------------------------------- nothing from input is live


LIVE = re.compile(r"<\s*(svg|link)\b[^>]*(onload|rel\s*=\s*[\"']?attachment)", re.IGNORECASE)


def test_briefing_pdf_numbers(brief_2024):
    """The numbers the 2024 briefing shows, pinned (hand-computed in tests/test_findings.py)."""
    whole = "".join(pdf_text(brief_2024.pdf)).replace(" ", "").replace("\n", "")
    # the year's official figures (统计月报 1—12月) against the same year's targets: textiles 371.49/370 = 100.4 %,
    # all 779.48/768 = 101.5 % with its growth on 可比口径 (†)
    assert "现代针纺500.030016.0%高于370.0371.515.2100.4" in whole
    assert "四链合计1,000.040013.2%高于768.0779.511.4†101.5" in whole
    # size bands: floors 136 and 186 亿元, the 50 firms need 250–450 亿元; then the fit's message in plain words
    # (largest firm 40–100 亿元: 173–204 亿元 < 250), no Greek letter on the reader page (issue 20)
    for key in ("至少136亿元", "至少186亿元", "250", "450亿元", "合计约173–204亿元，低于所需的至少250亿元"):
        assert key in whole, key
    assert "α=1.10" not in whole
    # areas (issue 20 points 6, 12): the largest area and the top two, in whole percents adding to 100 with the chart
    areas = whole.split("四、区域分布")[1].split("五、")[0]
    assert "现代针纺：高新园区占65%，前两位合计80%" in areas and "食品医药：塘山镇占60%，前两位合计99%" in areas
    assert "HHI" not in areas and "合并指南" not in areas and "2024年各链营业收入目标的区域构成" in whole
    # counts per year; the tolerance used
    for key in ("2023年304户、2024年330户", "±1个百分点理解（9.0%"):
        assert key in whole, key
    for gone in ("681", "规上634户"):
        assert gone not in whole, gone
    assert "95%区间" not in whole.split("三、各链目标路径")[1]   # only the progress section's projections have one
    # the progress section (二、统计月报): 2024 is complete, so the year against the year's targets (370 亿元 …)
    assert "2024年，现代针纺产业链营业收入371.5亿元，同比增长15.2%，完成年度目标的100.4%，超额完成年度目标" in whole
    shares_page = (brief_2024.out_dir / "html" / "04_shares.html").read_text(encoding="utf-8")
    assert "罗家镇、高新园区（并列）" in shares_page and "0（在取整误差内）" not in shares_page


def test_hostile_register_names_are_shown_as_text_in_every_page(brief_2024):
    pages = [*(brief_2024.out_dir / "html").glob("*.html"), brief_2024.out_dir / "index.html"]
    seen = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not LIVE.search(text), f"{page.name}: a register file name is live markup"
        seen += "&lt;svg onload=alert(1)&gt;" in text or "&lt;link rel=attachment" in text
    assert seen >= 3, "the names must reach the pages (index, 05_register, briefing), escaped"


def test_hostile_register_names_embed_nothing_in_the_pdf(brief_2024):
    reader = PdfReader(str(brief_2024.pdf))
    assert dict(reader.attachments) == {}
    assert b"/EmbeddedFile" not in brief_2024.pdf.read_bytes()
    whole = "".join(pdf_text(brief_2024.pdf)).replace("\n", "").replace(" ", "")
    # the briefing lists the register files whose rows it used. The cleaner keeps the first of duplicate rows in
    # the order of file names: the 2023 GBK copy ('x <svg …>.csv') sorts after its workbook, so none of its rows is
    # used and it is not listed; the 2024 copy ('<link …>.csv') sorts before its workbook, so it is the one used,
    # listed as text — nothing it names is fetched or embedded (above)
    assert "svgonload" not in whole and "synthetic_register_2023.xlsx" in whole
    assert "<linkrel=attachmenthref=..%2F..%2Fetc%2Fhostname>.csv" in whole


# ---------------------------------------------------------------------------- failures and isolation


def _previous_report(out: Path) -> dict[str, bytes]:
    """A stand-in for an earlier good report in out/2024; returns its files' bytes to compare with."""
    prev = out / "2024"
    (prev / "html").mkdir(parents=True)
    (prev / "index.html").write_text("previous report", encoding="utf-8")
    (prev / "html" / "page.html").write_text("previous page", encoding="utf-8")
    return {str(p.relative_to(prev)): p.read_bytes() for p in prev.rglob("*") if p.is_file()}


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_failing_notebooks_and_a_dying_kernel_keep_the_previous_report(tmp_path, font_cache):
    nbs = write_notebooks(tmp_path / "nbs", "10_reads_data", "98_dies", "99_fails")
    out = tmp_path / "reports"
    before = _previous_report(out)
    cp = cli_here(["brief", "--year", "2024", "--notebooks", str(nbs), "--out", str(out), "--jobs", "2",
                   "--registers", str(SMALL_REGISTER)])
    assert cp.returncode == 1, cp.stdout + cp.stderr
    assert "1/3 notebooks ok" in cp.stdout
    fails = re.search(r"FAIL 99_fails .*", cp.stdout).group(0)
    # execution count 4: parameters, papermill's injected parameters, print, raise
    assert "cell 4: RuntimeError: deliberate failure" in fails
    dies = re.search(r"FAIL 98_dies .*", cp.stdout).group(0)
    assert "the kernel died" in dies and "\n" not in dies
    assert stderr_lines(cp.stderr) == [], cp.stderr          # no tracebacks, no kernel noise
    # the previous report is untouched; this run's report, with the failing cells, is beside it
    assert _files(out / "2024") == before
    failed = out / "2024.failed"
    assert "deliberate failure" in (failed / "html" / "99_fails.html").read_text(encoding="utf-8")
    executed = nbformat.read(failed / "notebooks" / "99_fails.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", []))
    assert json.loads((failed / "manifest.json").read_text(encoding="utf-8"))["ok"] is False
    assert sorted(p.name for p in out.iterdir()) == ["2024", "2024.failed", "index.html"]    # no temp folders


def test_concurrent_batches_never_mix(tmp_path, font_cache):
    """Two real batches at once into the same --out, each with other registers (and the same font cache, Jupyter
    runtime and notebooks). The report is whole: its manifest, its data/ and what its notebook read all name the
    same registers; no temporary folder is left. The batch's own process draws nothing: importing
    matplotlib.pyplot there (0.4 s a run) fails it."""
    from _batchkit import hostile_registers

    nbs = write_notebooks(tmp_path / "nbs", "10_reads_data")
    regs = {"a": hostile_registers(tmp_path / "reg_a", (2023,), csv_only=True),
            "b": hostile_registers(tmp_path / "reg_b", (2023, 2024), csv_only=True)}
    outs = {"a": tmp_path / "same", "b": tmp_path / "same"}
    procs = {k: popen_cli(["brief", "--year", "2024", "--notebooks", str(nbs), "--registers", str(regs[k]),
                           "--out", str(outs[k]), "--jobs", "1"], forbid=("matplotlib.pyplot",)) for k in regs}
    results = {k: p.communicate(timeout=600) for k, p in procs.items()}
    for k, p in procs.items():
        assert p.returncode == 0, results[k]

    def whole(report: Path) -> str:
        """Which run's report this is; fails if its parts disagree."""
        m = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
        listed = sorted(Path(i["path"]).name for i in m["inputs"] if i["kind"] == "register")
        summary = json.loads((report / "data/register/register_summary.json").read_text(encoding="utf-8"))
        cleaned = sorted(Path(f["file"]).name for f in summary["files"])
        read = outputs_text(report / "notebooks" / "10_reads_data.ipynb")
        shown = json.loads(re.search(r"REGISTER_FILES (.*)", read).group(1))
        assert listed == cleaned == shown, (listed, cleaned, shown)
        return next(k for k, folder in regs.items() if sorted(p.name for p in folder.iterdir()) == listed)

    assert whole(tmp_path / "same" / "2024") in ("a", "b")      # the later swap wins, whole
    assert sorted(p.name for p in (tmp_path / "same").iterdir()) == ["2024", "index.html"]   # no temp folders left


# ------------------------------------------------------------------------------------ years and -p


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_every_plan_year_gets_parameters_every_notebook_accepts(year):
    """The batch's parameters for each year pass the checks the notebooks make (the base year included)."""
    from chainplan_lib.plan.params import check_batch_params

    srcs = sources.read_all(sources.find(ROOT / "notebooks"))
    declared = {s.stem: set(s.parameters) for s in srcs}
    for src in srcs:
        p = for_notebook(src.stem, src.parameters, {"year": year, **RUN_PARAMETERS}, {})
        p = {k: v for k, v in p.items() if k not in BATCH_PARAMETERS}
        assert check_batch_params(p, declared, reserved=BATCH_PARAMETERS, year=year, plan=PLAN) == p
    assert "04_shares" not in DEFAULTS   # its chain and base year are the plan's (the notebook's defaults)


def test_params_file_and_repeatable_p_reach_the_notebooks(tmp_path):
    from chainplan_lib.plan.params import load_params_file, parse_assignments

    f = tmp_path / "params.yaml"
    f.write_text("tolerance_pp: 0.5\nchain: metallurgy\nscenario_rates: [0.05, 0.1]\n", encoding="utf-8")
    given = {**load_params_file(f), **parse_assignments(["tolerance_pp=2", "use_register=false", "chain=None"])}
    assert given == {"tolerance_pp": 2, "chain": None, "scenario_rates": [0.05, 0.1], "use_register": False}
    p = for_notebook("04_shares", {"year": None, "chain": None, "base_year": None, "processed_dir": None},
                     {"year": 2025, "processed_dir": "../data"}, {"chain": "metallurgy", "base_year": 2024})
    assert p == {"chain": "metallurgy", "base_year": 2024, "year": 2025, "processed_dir": "../data"}


def test_a_parameter_for_one_notebook_reaches_that_notebook_only():
    from chainplan_lib.errors import ParameterError
    from chainplan_lib.publish.parameters import parse

    declared = {"02_growth": {"chain": {}, "year": {}}, "04_shares": {"chain": {}, "year": {}}, "03_x": {"a": {}}}
    given = parse(["04_shares:chain=metallurgy", "chain=textiles"])
    assert given == {"04_shares:chain": "metallurgy", "chain": "textiles"}
    per = resolve(given, declared, year=2024, plan=PLAN)
    assert per == {"02_growth": {"chain": "textiles"}, "04_shares": {"chain": "metallurgy"}, "03_x": {}}
    for bad, said in ((["05_nope:chain=metallurgy"], "no notebook '05_nope'"),
                      (["03_x:chain=metallurgy"], "03_x declares no parameter 'chain'"),
                      (["04_shares:year=2025"], "set by --year"),
                      (["04_shares:chain=steel"], "not a known chain")):
        with pytest.raises(ParameterError, match=said):
            resolve(parse(bad), declared, year=2024, plan=PLAN)


# ------------------------------------------------------------------------------ the swap, piece by piece


def test_swap_replaces_a_non_empty_report_whole(tmp_path):
    from chainplan_lib.publish.workspace import BuildFolder

    final = tmp_path / "reports" / "2024"
    final.mkdir(parents=True)
    (final / "old.txt").write_text("old", encoding="utf-8")
    with BuildFolder(final) as build:
        (build.path / "new.txt").write_text("new", encoding="utf-8")
        build.commit()
    assert sorted(p.name for p in final.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in final.parent.iterdir()) == ["2024"]


def test_swap_without_exchange_renames_aside(tmp_path, monkeypatch):
    """Where the file system cannot exchange two folders, the old one is renamed aside, then deleted."""
    import errno

    from chainplan_lib.publish import workspace

    def no_exchange(a, b):
        raise OSError(errno.EINVAL, "not supported")

    monkeypatch.setattr(workspace, "exchange", no_exchange)
    final = tmp_path / "2024"
    final.mkdir()
    (final / "old.txt").write_text("old", encoding="utf-8")
    new = tmp_path / ".2024.build-1-x"
    new.mkdir()
    (new / "new.txt").write_text("new", encoding="utf-8")
    workspace.swap_in(new, final)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024"] and (final / "new.txt").exists()


def test_failed_build_removes_itself_and_the_folders_it_made(tmp_path):
    from chainplan_lib.publish.workspace import BuildFolder

    final = tmp_path / "a" / "b" / "2024"
    with pytest.raises(RuntimeError):
        with BuildFolder(final) as build:
            (build.data / "x").mkdir(parents=True)
            raise RuntimeError("cleaning failed")
    assert list(tmp_path.iterdir()) == []


def test_temp_folders_of_a_killed_run_are_removed_by_the_next(tmp_path):
    from chainplan_lib.publish.workspace import BuildFolder, remove_stale

    dead = tmp_path / ".2024.build-999999999-abc"       # no such process
    live = tmp_path / f".2024.build-{__import__('os').getpid()}-abc"
    other = tmp_path / ".2025.build-999999999-abc"
    for d in (dead, live, other):
        d.mkdir()
    assert remove_stale(tmp_path, "2024") == [dead]
    with BuildFolder(tmp_path / "2024") as build:
        build.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["2024", live.name, other.name])


def test_jupyter_runtime_folder_of_a_killed_run_is_removed_by_the_next(monkeypatch):
    import os
    import shutil
    import tempfile

    from chainplan_lib.publish import kernels

    base = Path(tempfile.mkdtemp(prefix="cpt", dir="/tmp"))   # short: socket paths must stay short
    try:
        monkeypatch.setattr(kernels.tempfile, "gettempdir", lambda: str(base))
        dead, live = base / "cp-999999999-abcdefgh", base / f"cp-{os.getpid()}-abcdefgh"
        dead.mkdir()
        live.mkdir()
        with kernels.runtime_dir() as d:
            assert d.parent == base and d.is_dir()
        assert sorted(p.name for p in base.iterdir()) == [live.name]
    finally:
        shutil.rmtree(base)
