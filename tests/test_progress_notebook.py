"""Notebook 06_progress: paired, thin, and executed by papermill for every plan year with pinned numbers."""

from __future__ import annotations

import re
from pathlib import Path

import _inprocess as inprocess
import jupytext
import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "06_progress.ipynb"
PARAMETERS = {"year", "month", "chain", "actuals_dir", "processed_dir", "plan"}


def run(tmp_path: Path, **parameters) -> str:
    """The notebook's cells executed in this process with ``parameters`` (:mod:`_inprocess`; no kernel)."""
    return inprocess.run("06_progress", **parameters)


output_text = inprocess.output_text   # of a batch's executed notebook (a path) as well


def test_paired_clean_thin_and_parameterised():
    nb = nbformat.read(NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and set(re.findall(r"^(\w+)\s*=", tagged[0].source, re.M)) == PARAMETERS
    assert set(papermill.inspect_notebook(str(NB))) == PARAMETERS
    assert [c.source for c in jupytext.read(NB.with_suffix(".py")).cells] == [c.source for c in nb.cells]
    for c in code:
        assert not re.search(r"^\s*(for|while|def|class)\b", c.source, re.M), c.source
        assert not re.search(r"iterrows|itertuples|\.apply\(", c.source) and len(c.source.splitlines()) <= 25


def test_default_2025_on_the_bundled_sample(tmp_path):
    text = run(tmp_path)
    assert "示例数据" in text and "读入 536 = 清洗后 505 + 隔离 31 + 重复 0，平衡" in text
    # pure arithmetic on the sample: 1—9月 figures, published growth, 2025 targets, 9/12
    for sentence in (
        "1—9月，现代针纺产业链营业收入完成 291.4 亿元，同比增长 11.4%，完成年度目标的 67.8%，慢于时序进度 7.2 个百分点"
        "（往年同期一般完成全年的 70.8% 左右）。",
        "1—9月，冶金建材产业链营业收入完成 194.3 亿元，同比增长 7.4%，完成年度目标的 72.0%，慢于时序进度 3.0 个百分点",
        "1—9月，四链合计营业收入完成 606.0 亿元，同比增长 10.8%，完成年度目标的 69.7%，慢于时序进度 5.3 个百分点",
        "1—9月，规上工业营业收入完成 968.3 亿元，同比增长 9.4%，低于“年均增长10%左右”目标 0.6 个百分点",
    ):
        assert sentence in text, sentence
    # one method for every row, the sum the sum of the chains: 414.3 + 275.6 + 84.1 + 87.0 = 861.0
    plain = re.sub(r"<td[^>]*>", "<td>", text)
    assert "<td>现代针纺</td><td>414.3</td>" in plain and "<td>四链合计</td><td>861.0</td>" in plain
    assert "四链合计：用 1—N月 推算全年的平均绝对误差（%）" in text and "80%区间留一检验" in text
    assert "完成目标所需增长" in text and "10—12月尚需（亿元）" in text
    assert "按年度序列外推到目标年" in text and "多年外推的回测" in text
    assert "[images: 5]" in text and "概率" not in text  # bars, cumulative paths, ranges, backtest, fan


@pytest.mark.parametrize("year, expected", [
    (2023, "2023年，现代针纺产业链营业收入 323.7 亿元"),
    (2026, "2026年尚无统计月报数据（已有 2019—2025 年），本节从略。"),
])
def test_every_plan_year_runs_with_its_defaults(tmp_path, year, expected):
    text = run(tmp_path, year=year)
    assert expected in text and "示例数据" in text


def test_2024_runs_with_its_defaults_in_the_batch(brief_2024):
    """Year 2024 with the defaults, as the session's batch ran it (the bundled sample, cleaned by the batch)."""
    assert brief_2024.returncode == 0, brief_2024.stdout
    text = output_text(brief_2024.out_dir / "notebooks" / "06_progress.ipynb")
    assert "2024年，现代针纺产业链营业收入 371.5 亿元" in text and "示例数据" in text


def test_one_chain_and_an_earlier_month(tmp_path):
    text = run(tmp_path, year=2023, month=5, chain="现代针纺")
    assert "1—5月，现代针纺产业链营业收入完成 118.6 亿元" in text
    assert "现代针纺：用 1—N月 推算全年的平均绝对误差（%）" in text and "2023年1—5月公布同比与按上年同期总量计算的同比" in text


def test_a_bad_chain_is_one_line(tmp_path):
    with pytest.raises(PapermillExecutionError) as e:
        run(tmp_path, chain="steel")
    assert e.value.ename == "ParameterError" and "chain='steel' is not a known series" in e.value.evalue
    # one line in a kernel, no traceback soup: tests/test_notebooks.py::test_02_growth_bad_chain_is_one_line
