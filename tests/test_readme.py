"""The README's promises an analyst acts on: the "Explore in Python" lines run as printed and draw a chart in
Chinese marked as synthetic; the quick start's commands are real verbs and options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from chainplan_lib.cli import _papermill_pairs, build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 3)
    return README[start:end if end > 0 else None]


def test_explore_in_python_runs_as_printed(monkeypatch):
    code = re.findall(r"```python\n(.*?)```", _section("Explore in Python"), re.S)
    assert len(code) == 1 and len(code[0].strip().splitlines()) <= 6     # a few lines, as the issue asks
    monkeypatch.chdir(ROOT)
    plt.close("all")
    space: dict = {}
    exec(compile(code[0], "README.md", "exec"), space)   # the README's own code
    table = space["report"].table.set_index("chain_id")
    assert round(table.loc["textiles", "cumulative_yi"], 1) == 291.4      # the bundled 1—9月 2025 sample
    fig = plt.gcf()
    title = fig.axes[0].get_title()
    assert title == "2025年1—9月营业收入完成年度目标（%）与时序进度"
    assert any("示例数据" in t.get_text() for t in fig.texts)           # synthetic, said on the chart
    plt.close("all")


@pytest.mark.parametrize("line", [ln for ln in re.findall(r"^\.venv/bin/chainplan (.*?)(?:\s+#.*)?$",
                                                                 _section("Quick start"), re.M)])
def test_quick_start_commands_parse(line):
    args = [a.replace("DIR", "some/dir").replace("my-district.toml", "x.toml") for a in shlex.split(line)]
    parsed = build_parser().parse_args(_papermill_pairs(args))          # a typo'd option exits 2 here
    assert callable(parsed.func)
