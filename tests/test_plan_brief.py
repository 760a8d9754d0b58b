"""End to end through the CLI (and, for parameter variants, the notebooks' cells in this process): a second district's plan (Yunxi: 3 chains, 5 areas, 2024–2027, a third indicator,
no register) with its own 统计月报 (tests/data/yunxi_actuals: 2023, 2024 full years, 2025 1—6月 and 1—9月) briefed
for 1—9月, the same plan without 统计月报, and a 1—N月 progress briefing of the bundled plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import _inprocess as inprocess
import pytest
from _batchkit import run_cli
from _plans import ROOT, YUNXI

YUNXI_ACTUALS = ROOT / "tests" / "data" / "yunxi_actuals"

from chainplan_lib.publish.render import pdf_text

QINGSHANHU_WORDS = ("青山湖", "现代针纺", "冶金建材", "湖政发", "附件2", "罗家镇", "四链", "四条")


def _page_text(path: Path) -> str:
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<(style|script)\b.*?</\1>", "", t, flags=re.S)
    return re.sub(r"<[^>]+>", " ", t)


@pytest.fixture(scope="module")
def yunxi(tmp_path_factory):
    out = tmp_path_factory.mktemp("yunxi")
    r = run_cli(["brief", "--plan", str(YUNXI), "--year", "2025", "--month", "9", "--actuals", str(YUNXI_ACTUALS),
                 "--out", str(out)])
    assert r.returncode == 0, r.stdout + r.stderr
    return out / "2025"


def test_another_plan_runs_every_notebook(yunxi):
    m = json.loads((yunxi / "manifest.json").read_text(encoding="utf-8"))
    assert m["ok"] and len(m["notebooks"]) == 7 and all(nb["ok"] for nb in m["notebooks"])
    assert m["plan"]["district"] == "云溪县"
    # the report's plan copy: the plan file, its [table].path pointing at the table's copy beside it
    copy = (yunxi / "data/plan.toml").read_text(encoding="utf-8").splitlines()
    assert [a for a, b in zip(copy, YUNXI.read_text(encoding="utf-8").splitlines()) if a != b] == [
        'path = "table/yunxi_targets.txt"']
    assert [i["kind"] for i in m["inputs"]][:2] == ["plan", "table"]          # no register supplied
    assert m["register_supplied"] is False and m["actuals"]["synthetic"] is True   # the test 统计月报 say so
    assert m["actuals"]["month"] == 9 and m["title"] == "云溪县制造业重点产业链2025年1—9月进度简报"
    assert m["actuals"]["month_given"] is True and {nb["parameters"].get("month") for nb in m["notebooks"]} >= {9}
    assert {nb["parameters"]["plan"] for nb in m["notebooks"]} == {"../data/plan.toml"}   # the report's own copy
    # the plan's table: 3 chains × 4 years × 3 indicators × (全区 + 5 areas) = 216 rows
    assert len((yunxi / "data/targets.csv").read_text(encoding="utf-8").splitlines()) == 1 + 216


def test_another_plans_pages_speak_of_that_district_only(yunxi):
    index = _page_text(yunxi / "index.html")
    assert "云溪县制造业重点产业链2025年1—9月进度简报" in index
    pages = {p.stem: _page_text(p) for p in (yunxi / "html").glob("*.html")}
    assert len(pages) == 7
    for name, text in {**pages, "index": index}.items():
        for word in QINGSHANHU_WORDS:
            assert word not in text, (name, word)
    assert "新材料" in pages["02_growth"] and "税收" in pages["01_targets"]
    assert "2025 年的规上企业名录尚未提供" in pages["05_register"] and "--registers" in pages["05_register"]
    # its own 1—9月: 67.5 / 92.0 = 73.4 % of the year's target, 9/12 = 75 % of the year gone
    assert "1—9月，新材料产业链营业收入完成 67.5 亿元，同比增长 11.2%，完成年度目标的 73.4%，慢于时序进度 1.6 个百分点" \
        in pages["06_progress"]


def test_another_plans_briefing(yunxi):
    whole = "".join(pdf_text(yunxi / "briefing-2025.pdf")).replace(" ", "").replace("\n", "")
    assert whole.startswith("云溪县制造业重点产业链2025年1—9月进度简报")
    # its own goal and qualifier: (241 / 165) ** (1/3) − 1 = 13.46 % against 12%以上 (at least 12 %)
    assert "结论：三条链营业收入目标年均增长13.5%，达到年均12%以上（“12%以上”理解为年均不低于12.0%）。" in whole
    assert "未设规模分档目标" in whole and "规上企业名录：未提供" in whole
    # its 统计月报, labelled as made up: the three chains 67.5 + 46.0 + 20.9 = 134.4 亿元 of 188.0 = 71.5 %;
    # the sum's 同比 from the parts' published rates: 134.4 / (67.5/1.112 + 46.0/1.094 + 20.9/1.055) − 1 = 9.7 %
    assert "示例数据" in whole and "云溪县2025年1-9月.csv" in whole
    assert "1—9月，三链合计营业收入完成134.4亿元，同比增长9.7%，完成年度目标的71.5%，慢于时序进度3.5个百分点。" in whole
    assert "1—9月，规上工业营业收入完成246.0亿元，同比增长8.1%，低于“年均增长12%以上”目标3.9个百分点。" in whole
    # no earlier 1—9月 to read a share from: last year's full year × (1 + 1—9月 rate), no range, said so;
    # 81.2 × 1.112 = 90.3, and the sum is the sum of its parts (90.3 + 64.2 + 29.4 = 183.9)
    assert "新材料：要完成全年目标，10—12月需完成24.5亿元" in whole and "按全年预计90.3亿元计" in whole
    assert "按全年预计183.9亿元计" in whole and "各行同用按目前增速测算" in whole and "未经回测" in whole
    assert "2023年三链合计实际151.1亿元（统计月报）" in whole      # 71.2 + 53.6 + 26.3
    for word in QINGSHANHU_WORDS:
        assert word not in whole, word


def test_another_plans_word_briefing_carries_its_figures(yunxi):
    from docx import Document

    doc = Document(str(yunxi / "briefing-2025.docx"))
    text = "\n".join([p.text for p in doc.paragraphs] +
                     [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "云溪县制造业重点产业链2025年1—9月进度简报" in text and "134.4" in text and "67.5" in text
    for word in QINGSHANHU_WORDS:
        assert word not in text, word


def test_another_plan_without_statistics_says_what_to_supply():
    page = inprocess.run("06_progress", plan=str(YUNXI), year=2025)   # the notebook's cells, no kernel
    assert "2025年尚无统计月报数据" in page and "--actuals" in page
    for word in QINGSHANHU_WORDS:
        assert word not in page, word


def test_a_plan_year_outside_another_plan_is_one_line(tmp_path):
    r = run_cli(["brief", "--plan", str(YUNXI), "--year", "2023", "--out", str(tmp_path)])
    assert r.returncode == 2 and r.stderr.strip() == "chainplan: error: year=2023 is outside the plan's years 2024–2027"


def test_month_briefing_of_the_bundled_plan():
    """The bundled plan's 1—9月 briefing: its cells run in this process (the month's batch, manifest, PDF and Word
    route are Yunxi's 1—9月 run above)."""
    whole = re.sub(r"<[^>]+>", "", inprocess.run("briefing", year=2025, month=9)).replace(" ", "").replace("\n", "")
    assert "青山湖区制造业重点产业链2025年1—9月进度简报" in whole
    assert "1—9月，现代针纺产业链营业收入完成" in whole and "时序进度" in whole
    assert "2025年1—9月：全年预计" in whole and "80%区间（亿元）" in whole   # the full-year estimate, with ranges
    assert "示例数据" in whole
    # a bureau's 1—9月: progress in the 要点, the sum on 可比口径, the usual share beside N/12, one method whose
    # parts add to the total, the target year judged by the growth it needs
    head = whole[: whole.index("2025年1—9月营业收入进度")]   # before the progress table: 要点 and §二's sentences
    assert "1—9月，四链合计营业收入完成606.0亿元，同比增长10.8%" in head and "2026年需增长16.1%" in head
    assert "往年同期一般完成全年的70.8%左右" in whole and "四链合计为各链预计之和" in whole
    assert "按目前增速可以完成" in whole and "概率" not in whole
    # registers are yearly: the 1—9月 briefing breaks down by last year's (labelled), reconciled to its statistics
    assert "2025年的规上企业名录尚未提供，以下为最新的2024年名录（名录口径）" in whole
    assert "2024年规上企业名录中四链合计营业收入加总758.5亿元，比统计数779.5亿元少21.0亿元（2.7%）" in whole


def test_the_target_years_briefing_keeps_its_outlook():
    """The 2026 briefing (no 2026 statistics yet): its cells run in this process (the PDF route is the batches')."""
    whole = re.sub(r"<[^>]+>", "", inprocess.run("briefing", year=2026)).replace(" ", "").replace("\n", "")
    # before: the projection section vanished in a year without statistics
    assert "2026年尚无统计月报，以下为最新的2025年1—9月统计数" in whole
    assert "完成目标所需增长（按2025年1—9月统计数）" in whole and "2026年需增长16.1%" in whole
