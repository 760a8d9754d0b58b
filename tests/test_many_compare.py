"""Districts side by side, without running a notebook: the plan file's parent keys, each district's row from its
own analyses (implied growth, goal, verdict, progress), ranks, the reading against the parent plan, and the
comparison page built from them."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from _plans import PLAN, YUNXI, plan_copy

from chainplan_lib import District
from chainplan_lib.analysis.consistency import QUALIFIER_KINDS, check_consistency
from chainplan_lib.analysis.districts import ROW_COLUMNS, compare_districts, district_row, goal_against_parent
from chainplan_lib.cleaning.targets.clean import clean_targets
from chainplan_lib.plan.load import PlanError, read_plan
from chainplan_lib.plan.model import QUALIFIERS
from chainplan_lib.publish.districts_page import DistrictLinks, Failure, comparison_html, comparison_json

NANCHANG = ('[plan]\n', '[plan]\nparent = "南昌市制造业重点产业链现代化建设“8810”行动计划"\nparent_growth = 0.10\n'
                        'parent_qualifier = "左右"\n')


# ------------------------------------------------------------------------------------ the parent keys
def test_a_plan_names_its_parent_plan_and_its_goal(tmp_path):
    p = read_plan(plan_copy(tmp_path, NANCHANG))
    assert (p.parent, p.parent_growth, p.parent_qualifier) == ("南昌市制造业重点产业链现代化建设“8810”行动计划", 0.10, "左右")
    assert p.parent_goal == "10%左右" and "上级规划：南昌市" in p.summary() and "年均增长10%左右" in p.summary()
    bare = read_plan(YUNXI)
    assert (bare.parent, bare.parent_growth, bare.parent_qualifier, bare.parent_goal) == ("", None, "", "")


PARENT_MISTAKES = [
    ('[plan]\nparent_growth = 0.10\n', "plan.parent_growth: the parent plan's goal needs plan.parent"),
    ('[plan]\nparent = "江西省1269行动计划"\nparent_growth = 9\n', "plan.parent_growth: 9.0 is not a yearly rate"),
    ('[plan]\nparent = "江西省1269行动计划"\nparent_growth = 0.09\nparent_qualifier = "大约"\n',
     "plan.parent_qualifier: '大约' is not a qualifier of a growth goal; known: 左右, 约, 以上"),
    ('[plan]\nparent = "江西省1269行动计划"\nparent_qualifier = "左右"\n',
     "plan.parent_qualifier: a qualifier without plan.parent_growth"),
    ('[plan]\nparent = 3\n', "plan.parent: must be a non-empty string, got 3"),
    ('[plan]\nparent = "=HYPERLINK(1)"\n', "plan.parent: '=HYPERLINK(1)' begins with '='"),
]


@pytest.mark.parametrize("new, message", PARENT_MISTAKES, ids=[m[1][:36] for m in PARENT_MISTAKES])
def test_each_parent_key_mistake_is_one_line_naming_the_key(tmp_path, new, message):
    path = plan_copy(tmp_path, ("[plan]\n", new))
    with pytest.raises(PlanError) as err:
        read_plan(path)
    assert "\n" not in str(err.value) and str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_the_plan_reads_the_qualifiers_the_consistency_test_reads():
    assert set(QUALIFIERS) == set(QUALIFIER_KINDS)


# ---------------------------------------------------------------------------------- rows and ranks
@pytest.fixture(scope="module")
def yunxi():
    return District.open(YUNXI, actuals=YUNXI.parents[1] / "yunxi_actuals")


@pytest.fixture(scope="module")
def rows(yunxi):
    """The two districts' rows from their own analyses (Qingshanhu's table alone, without 统计月报), both under a
    parent (南昌 8810: 10%左右)."""
    y = yunxi
    rq = district_row(check_consistency(clean_targets(plan=PLAN).table, plan=PLAN), None, plan=PLAN,
                      folder="qingshanhu-2024", year=2025)
    ry = district_row(y.consistency(), y.progress(2025, 9), plan=y.plan, folder="yunxi-2024", synthetic=True)
    for r in (rq, ry):
        r.update(parent="南昌市制造业重点产业链现代化建设“8810”行动计划", parent_growth=0.10, parent_qualifier="左右",
                 parent_goal="10%左右")
    return rq, ry


def test_each_district_row_holds_its_own_figures(rows):
    q, y = rows
    # Qingshanhu: four chains 690 → 1,000 亿元, 2023 → 2026: (1000/690)^(1/3) − 1 = 13.17 %, against 10%左右
    assert (q["base_year"], q["target_year"], q["base_yi"], q["target_yi"]) == (2023, 2026, 690, 1000)
    assert round(q["implied_growth"] * 100, 2) == 13.17 and q["goal"] == "10%左右"
    assert q["verdict"] == "more_ambitious" and q["verdict_text"] == "高于年均10%左右"
    # Yunxi: three chains 165 → 241 亿元, 2024 → 2027: 13.46 %, against 12%以上
    assert (y["base_year"], y["target_year"], y["base_yi"], y["target_yi"]) == (2024, 2027, 165, 241)
    assert round(y["implied_growth"] * 100, 2) == 13.46 and y["goal"] == "12%以上"
    assert y["verdict_text"] == "达到年均12%以上"
    # its 统计月报 1—9月: 134.4 of 188.0 = 71.5 % against 75 % of the year (tests/test_plan_brief.py prints the same)
    assert y["month"] == 9 and round(y["completion_pct"], 1) == 71.5 and y["time_progress_pct"] == 75.0
    assert round(y["ahead_pp"], 1) == -3.5 and q["month"] is None and q["progress_note"] == "未提供统计月报"


def test_districts_ranked_and_read_against_their_parent(rows):
    third = {**rows[0], "folder": "slow", "district": "慢县", "implied_growth": 0.08, "goal_growth": 0.09,
             "goal": "9%左右", "goal_qualifier": "左右", "month": None, "ahead_pp": math.nan}
    t = compare_districts(pd.DataFrame([rows[0], rows[1], third], columns=ROW_COLUMNS))
    assert list(t["district"]) == ["云溪县", "青山湖区", "慢县"] and list(t["growth_rank"]) == [1, 2, 3]
    assert list(t["goal_vs_parent"]) == ["above", "equal", "below"]   # 12 > 10 = 10 > 9
    assert list(t["chains_vs_parent"]) == ["more_ambitious", "more_ambitious", "less_ambitious"]
    assert t.loc[2, "chains_vs_parent_text"] == "低于年均10%左右"          # 8.0 % below 9–11 %
    ranks = dict(zip(t["district"], t["progress_rank"]))
    assert ranks["云溪县"] == 1 and pd.isna(ranks["慢县"]) and pd.isna(ranks["青山湖区"])


def test_ranks_count_the_printed_figures():
    base = dict.fromkeys(ROW_COLUMNS)
    rs = [{**base, "folder": f, "district": f, "implied_growth": g, "ahead_pp": a, "parent": ""}
          for f, g, a in (("a", 0.13166, 1.04), ("b", 0.13174, 0.96), ("c", 0.14, math.nan))]
    t = compare_districts(pd.DataFrame(rs, columns=ROW_COLUMNS))
    assert dict(zip(t["folder"], t["growth_rank"])) == {"c": 1, "a": 2, "b": 2}   # 13.2 % and 13.2 %: shared
    pr = t.set_index("folder")["progress_rank"]
    assert pr["a"] == pr["b"] == 1 and pd.isna(pr["c"])                        # 1.0 and 1.0 个百分点: shared
    assert goal_against_parent(0.1204, 0.12) == "equal" and goal_against_parent(None, 0.1) is None


def test_a_district_without_the_chains_sum_says_why(yunxi):
    import dataclasses

    report = yunxi.progress(2025, 9)
    report = dataclasses.replace(report, table=report.table[report.table["chain_id"] != "all"],
                                 missing={"all": "缺少装备制造2025年1—9月的数据，不作合计"})
    row = district_row(yunxi.consistency(), report, plan=yunxi.plan, folder="y")
    assert math.isnan(row["completion_pct"]) and row["progress_note"] == "三链合计无数据：缺少装备制造2025年1—9月的数据，不作合计"


# ------------------------------------------------------------------------------------------- the page
def _text(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_comparison_page_links_every_figure_to_its_district(rows):
    t = compare_districts(pd.DataFrame(list(rows), columns=ROW_COLUMNS))
    links = {"qingshanhu-2024": DistrictLinks("qingshanhu-2024", ("briefing", "03_consistency", "06_progress")),
             "yunxi-2024": DistrictLinks("yunxi-2024", ("briefing",))}
    page = comparison_html(t, links, year=2025, month=9, finished="2025-10-20T08:00:00+00:00",
                           failures=[Failure("broken", "坏县", "broken.toml: table.path: 'x' is not a file")])
    text = _text(page)
    assert "各区县制造业重点产业链目标与进度对比（2025年1—9月）" in text
    assert "690.0 亿元 → 1,000.0 亿元" in text and "165.0 亿元 → 241.0 亿元" in text
    assert "13.2%" in text and "13.5%" in text and "高于年均10%左右" in text and "达到年均12%以上" in text
    assert "71.5%" in text and "75.0%" in text and "-3.5 个百分点" in text
    assert "未列入： 青山湖区 ：未提供统计月报" in text
    assert "示例数据" in text and "湖政发〔2024〕2号" in text and "云政发〔2024〕9号" in text
    assert "总体目标高于上级目标的： 云溪县 （12%以上）" in text or "总体目标高于上级目标的：云溪县（12%以上）" in text.replace(" ", "")
    assert "坏县" in text and "table.path" in text                       # the district that failed, and why
    hrefs = set(re.findall(r'href="([^"]+)"', page))
    assert "qingshanhu-2024/html/03_consistency.html" in hrefs and "qingshanhu-2024/html/01_targets.html" not in hrefs
    assert "yunxi-2024/html/briefing.html" in hrefs            # its only page shows every figure
    assert not [h for h in hrefs if h.startswith(("/", "http", "file:")) or ".." in h]
    # every figure is a link: the rates and sums sit inside <a>
    for figure in ("13.2%", "13.5%", "690.0 亿元 → 1,000.0 亿元", "71.5%", "-3.5 个百分点", "高于年均10%左右"):
        assert re.search(r"<a [^>]*>" + re.escape(figure) + "</a>", page), figure
    doc = comparison_json(t, year=2025, month=9, scenario=None, finished="x")
    assert '"implied_growth": 0.13' in doc and '"district": "云溪县"' in doc


def test_names_from_a_plan_are_text_on_the_page(rows):
    evil = {**rows[1], "district": "<script>alert(1)</script>县", "title": "<img src=x onerror=alert(1)>"}
    t = compare_districts(pd.DataFrame([evil], columns=ROW_COLUMNS))
    page = comparison_html(t, {"yunxi-2024": DistrictLinks("yunxi-2024")}, year=2025, month=None)
    assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page
