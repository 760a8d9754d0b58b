"""`chainplan brief`: the whole batch on the bundled data, and a batch with a failing notebook."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from chainplan_lib.reporting.batch import run_brief
from chainplan_lib.reporting.render import pdf_text

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.xdist_group("batch")


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("brief")
    outcome = run_brief(2024, out=tmp / "reports", processed=tmp / "processed", progress=False)
    return outcome


def test_batch_writes_every_output(brief):
    out = brief.out_dir
    assert brief.ok, brief.summary()
    names = ["01_targets", "02_growth", "03_consistency", "04_shares", "05_register", "06_progress", "briefing"]
    assert sorted(p.stem for p in (out / "notebooks").glob("*.ipynb")) == names
    assert sorted(p.stem for p in (out / "html").glob("*.html")) == names
    assert (out / "briefing-2024.pdf").stat().st_size > 20_000
    index = (out / "index.html").read_text(encoding="utf-8")
    for n in names:
        assert f"html/{n}.html" in index and f"notebooks/{n}.ipynb" in index
    # the executed copies carry outputs (for analysts); the sources in git do not
    nb = nbformat.read(out / "notebooks" / "01_targets.ipynb", as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_html_hides_code(brief):
    for page in (brief.out_dir / "html").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "from chainplan_lib import" not in text and "params.check_year" not in text, page.name
    assert "修复记录" in (brief.out_dir / "html" / "01_targets.html").read_text(encoding="utf-8")


def test_manifest_traces_inputs_parameters_and_versions(brief):
    m = json.loads(brief.manifest.read_text(encoding="utf-8"))
    raw = ROOT / "data/raw/attachment2_targets.txt"
    by_name = {Path(i["path"]).name: i for i in m["inputs"]}
    assert by_name["attachment2_targets.txt"]["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert by_name["plan_targets.toml"]["sha256"] and by_name["industry_chains.toml"]["sha256"]
    assert any("synthetic" in n for n in by_name), "the register files are listed"
    assert m["year"] == 2024 and m["ok"] is True and m["synthetic_register"] is True
    assert m["packages"]["pandas"] and m["packages"]["papermill"]
    params = {nb["name"]: nb["parameters"] for nb in m["notebooks"]}
    assert params["briefing"]["year"] == 2024 and params["04_shares"]["chain"] == "textiles"
    assert "year" not in params["03_consistency"]   # only declared parameters are passed
    assert m["seconds_total"] > 0


def test_briefing_pdf_text_and_pages(brief):
    pages = pdf_text(brief.pdf)
    assert 3 <= len(pages) <= 12
    assert "青山湖区制造业重点产业链2024年度简报" in pages[0].replace(" ", "")
    whole = "".join(pages).replace(" ", "").replace("\n", "")
    for key in ("要点", "1,000", "13.2%", "比年均10%左右更积极", "完成率", "数据说明", "塘山镇"):
        assert key in whole, key
    for i, page in enumerate(pages, start=1):
        flat = page.replace(" ", "").replace("\n", "")
        assert "示例数据" in flat, f"page {i} lacks the synthetic notice"
        assert f"第{i}页" in flat, f"page {i} lacks its number"
    assert "\ufffd" not in whole and "import" not in whole


def test_briefing_pdf_numbers(brief):
    """The numbers the 2024 briefing shows, pinned (hand-computed in tests/test_findings.py)."""
    whole = "".join(pdf_text(brief.pdf)).replace(" ", "").replace("\n", "")
    # 完成率 = actual / same-year target: textiles 360.48956/370 = 97.4 %, all 758.48954/768 = 98.8 %
    assert "现代针纺50030016.0%更积极370360.597.4%" in whole
    assert "四链合计1,00040013.2%更积极768758.598.8%" in whole
    # size bands: floors 136 and 186 亿元, the 50 firms need 250–450 亿元; binned ML α 1.10, profile 0.81–1.46
    for key in ("至少136亿元", "至少186亿元", "250", "450亿元", "α=1.10", "0.81", "1.46"):
        assert key in whole, key
    # HHI beside its nine-area minimum and the 2023 guideline's threshold; counts per year; the tolerance used
    for key in ("最小为1,111", "高于1,800", "2023年304户、2024年330户", "±1个百分点理解（9.0%"):
        assert key in whole, key
    for gone in ("681", "规上634户", "95%区间"):
        assert gone not in whole, gone
    shares_page = (brief.out_dir / "html" / "04_shares.html").read_text(encoding="utf-8")
    assert "罗家镇、高新园区（并列）" in shares_page and "0（在取整误差内）" in shares_page


def _failing_notebooks(tmp: Path) -> Path:
    d = tmp / "notebooks"
    d.mkdir()
    shutil.copy(ROOT / "notebooks" / "01_targets.ipynb", d)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("year = 2024", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print('before')"),
                nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"),
                nbformat.v4.new_code_cell("print('never')")]
    nbformat.write(nb, d / "99_fails.ipynb")
    return d


def test_failing_notebook_does_not_stop_the_others(tmp_path):
    nbs = _failing_notebooks(tmp_path)
    outcome = run_brief(2024, out=tmp_path / "reports", notebooks=nbs, processed=tmp_path / "processed",
                        progress=False)
    assert not outcome.ok
    assert [r.name for r in outcome.failed] == ["99_fails"]
    bad = outcome.failed[0]
    # execution count 4: parameters, papermill's injected parameters, print, raise
    assert "RuntimeError: deliberate failure" in bad.error and bad.failed_cell == 4
    executed = nbformat.read(bad.executed, as_version=4)
    assert any(o.get("output_type") == "error" for c in executed.cells for o in c.get("outputs", []))
    assert (outcome.out_dir / "html" / "01_targets.html").exists()
    assert "deliberate failure" in (outcome.out_dir / "html" / "99_fails.html").read_text(encoding="utf-8")
    s = outcome.summary()
    assert "1/2 notebooks ok" in s and "FAIL 99_fails" in s
    m = json.loads(outcome.manifest.read_text(encoding="utf-8"))
    assert m["ok"] is False


def test_cli_exit_codes(tmp_path):
    nbs = _failing_notebooks(tmp_path)
    cmd = [sys.executable, "-m", "chainplan_lib.cli", "brief", "--year", "2024", "--notebooks", str(nbs),
           "--out", str(tmp_path / "r"), "--processed", str(tmp_path / "p")]
    failed = subprocess.run(cmd, capture_output=True, text=True)
    assert failed.returncode == 1 and "FAIL 99_fails" in failed.stdout
    bad = subprocess.run([sys.executable, "-m", "chainplan_lib.cli", "brief", "--year", "2030", "--out",
                          str(tmp_path / "r")], capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "chainplan: error: year=2030 is outside the plan's years 2023–2026"
