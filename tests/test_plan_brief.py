"""A second district's plan (Yunxi: 3 chains, 5 areas, 2024–2027, a third indicator, no register) without 统计月报,
outside its years, and the bundled plan's 1—N月 and target-year briefings — the notebooks' cells run in this process.
Yunxi's real 1—9月 batch with its own 统计月报 (every notebook, PDF, pages, Word) is in tests/test_many.py, where it
runs beside the bundled plan in one run of two districts."""

from __future__ import annotations

import re

import _inprocess as inprocess
from _batchkit import cli_here
from _plans import YUNXI

QINGSHANHU_WORDS = ("青山湖", "现代针纺", "冶金建材", "湖政发", "附件2", "罗家镇", "四链", "四条")


def test_another_plan_without_statistics_says_what_to_supply():
    page = inprocess.run("06_progress", plan=str(YUNXI), year=2025)   # the notebook's cells, no kernel
    assert "2025年尚无统计月报数据" in page and "--actuals" in page
    for word in QINGSHANHU_WORDS:
        assert word not in page, word


def test_a_plan_year_outside_another_plan_is_one_line(tmp_path):
    r = cli_here(["brief", "--plan", str(YUNXI), "--year", "2023", "--out", str(tmp_path)])
    assert r.returncode == 2 and r.stderr.strip() == "chainplan: error: year=2023 is outside the plan's years 2024–2027"


def test_month_briefing_of_the_bundled_plan():
    """The bundled plan's 1—9月 briefing: its cells run in this process (the month's batch, manifest, PDF and Word
    route are the two-district 1—9月 run of tests/test_many.py)."""
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
