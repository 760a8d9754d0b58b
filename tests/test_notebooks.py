"""Notebooks: paired and clean in git, and executed by papermill with default and non-default parameters
(runs with the defaults the batch uses are read from the test session's one batch, not executed again)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = ["01_targets", "02_growth", "03_consistency", "04_shares", "05_register", "briefing"]


def run(name: str, tmp_path: Path, **parameters) -> str:
    """Execute a notebook; return all its output text (plain, HTML, markdown, streams) joined."""
    out = tmp_path / f"{name}.out.ipynb"
    papermill.execute_notebook(str(NB_DIR / f"{name}.ipynb"), str(out), parameters=parameters,
                               kernel_name="python3", cwd=str(NB_DIR), progress_bar=False)
    return output_text(out)


def in_batch(brief_2024, name: str) -> str:
    """The output text of a notebook as the test session's one batch executed it (year 2024, the defaults
    otherwise): no need to execute it again."""
    assert brief_2024.returncode == 0, brief_2024.stdout
    return output_text(brief_2024.out_dir / "notebooks" / f"{name}.ipynb")


def output_text(ipynb: Path) -> str:
    nb = nbformat.read(ipynb, as_version=4)
    texts, images = [], 0
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                texts.append(o["text"])
            data = o.get("data", {})
            images += "image/png" in data
            for mime in ("text/html", "text/markdown", "text/plain"):
                if mime in data:
                    texts.append("".join(data[mime]))
    return "\n".join(texts) + f"\n[images: {images}]"


# ----------------------------------------------------------------------------------------- in git


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_paired_without_outputs_and_in_sync(name):
    ipynb, py = NB_DIR / f"{name}.ipynb", NB_DIR / f"{name}.py"
    assert ipynb.exists() and py.exists(), "each notebook is kept as a jupytext pair"
    nb = nbformat.read(ipynb, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "commit notebooks without outputs"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1
    declared = set(papermill.inspect_notebook(str(ipynb)))
    params_cell = next(c for c in code if "parameters" in c.metadata.get("tags", []))
    assigned = set(re.findall(r"^(\w+)\s*=", params_cell.source, re.M))
    assert declared == assigned, "papermill cannot parse a parameter line (an '=' in its comment?)"
    paired = jupytext.read(py)
    assert [c.source for c in paired.cells] == [c.source for c in nb.cells], "run `jupytext --sync notebooks/*.py`"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_stay_thin(name):
    """Logic lives in chainplan_lib: no loops over rows, no defs, short cells."""
    nb = nbformat.read(NB_DIR / f"{name}.ipynb", as_version=4)
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        assert not re.search(r"^\s*(for|while|def|class)\b", c.source, re.M), c.source
        assert not re.search(r"iterrows|itertuples|\.apply\(", c.source), c.source
        assert len(c.source.splitlines()) <= 25


# ----------------------------------------------------------------------------------------- executed


def test_01_targets_default(brief_2024):
    text = in_batch(brief_2024, "01_targets")
    assert "清洗后共 **320** 行" in text
    assert "修复记录（共 27 处）" in text and "丢失值推算" in text
    assert "全部核对一致" in text
    assert "[images: 2]" in text


def test_01_targets_from_a_gb18030_copy(tmp_path):
    raw = tmp_path / "attachment2_gbk.txt"
    raw.write_bytes((ROOT / "data/raw/attachment2_targets.txt").read_text(encoding="utf-8").encode("gb18030"))
    text = run("01_targets", tmp_path, raw_path=str(raw))
    assert "清洗后共 **320** 行" in text and "修复记录（共 27 处）" in text


def test_02_growth_default_all_chains(brief_2024):
    text = in_batch(brief_2024, "02_growth")
    # (1000 / 690) ** (1/3) − 1 = 13.17 %; textiles (500/320) ** (1/3) − 1 = 16.04 %
    assert "13.2%" in text and "16.0%" in text
    assert "2026 年**" in text and "10%情景" in text
    assert "[images: 2]" in text


def test_02_growth_one_chain_custom_scenarios(tmp_path):
    text = run("02_growth", tmp_path, chain="冶金建材", scenario_rates=[0.05], use_register=False, to_year=2028)
    # metallurgy (300/240) ** (1/3) − 1 = 7.72 %
    assert "7.7%" in text and "5%情景" in text and "2028 年**" in text
    assert "未提供企业名录" in text


def test_02_growth_bad_chain_is_one_line(tmp_path):
    with pytest.raises(PapermillExecutionError) as e:
        run("02_growth", tmp_path, chain="steel")
    assert e.value.ename == "ParameterError"
    assert "chain='steel' is not a known chain" in e.value.evalue
    nb = json.loads((tmp_path / "02_growth.out.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(errors) == 1 and len(errors[0]["traceback"]) == 1   # one line, no traceback soup


def test_03_consistency_default_and_wider_tolerance(tmp_path, brief_2024):
    text = in_batch(brief_2024, "03_consistency")
    assert "比年均10%左右更积极" in text and "13.17%" in text
    # 690 × 1.1³ = 918.39; 1000 − 918.39 = 81.6
    assert "81.6 亿元" in text
    wide = run("03_consistency", tmp_path, tolerance_pp=5.0, base_total_yi=1500.0)
    assert "结论：四条链营业收入目标基本一致" in wide
    assert "四链以外的工业年均" in wide


def test_03_consistency_base_total_below_chains_is_refused(tmp_path):
    with pytest.raises(PapermillExecutionError) as e:
        run("03_consistency", tmp_path, base_total_yi=500)
    assert "must exceed 690 亿元" in e.value.evalue


def test_04_shares_default_and_other_chain_in_the_base_year(tmp_path):
    text = run("04_shares", tmp_path)
    # textiles 2026: 高新园区 326 / 500 = 65.2 %
    assert "65.2%" in text and "偏离-份额分解" in text and "2023→2026" in text
    base = run("04_shares", tmp_path, chain="food_pharma", year=2023)
    # food_pharma 2023: 塘山镇 39 (imputed) / 65 = 60.0 %; the base year has levels, no changes, no shift-share
    assert "60.0%" in base and "2023 年即基年" in base and "→" not in base and "全区增长分量" not in base


def test_05_register_default_and_2023(tmp_path, brief_2024):
    text = in_batch(brief_2024, "05_register")
    assert "示例数据" in text and "完成率" in text and "规模分档自洽性检验" in text
    assert "2024年名录实际与同年目标" in text
    older = run("05_register", tmp_path, year=2023)
    assert "2023年名录实际与同年目标" in older


def test_05_register_year_without_register_says_so(tmp_path):
    text = run("05_register", tmp_path, year=2026)
    assert "2026 年的规上企业名录尚未提供" in text and "现有名录年份：2023、2024 年" in text
    assert "--registers" in text and "规模分档自洽性检验" in text   # what needs no register still runs


def test_briefing_default_and_other_year(tmp_path, brief_2024):
    text = in_batch(brief_2024, "briefing")
    assert "青山湖区制造业重点产业链2024年度简报" in text and "2026目标（亿元）" in text and "示例数据" in text
    assert "1,000" in text and "13.2%" in text
    other = run("briefing", tmp_path, year=2026)
    assert "青山湖区制造业重点产业链2026年度简报" in other and "2026 年的规上企业名录尚未提供" in other
