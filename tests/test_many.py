"""Two districts in one real run, 1—9月 2025, every notebook: the bundled Qingshanhu plan and Yunxi's (3 chains,
5 areas, 2024–2027, a third indicator, no register) with its own 统计月报 (tests/data/yunxi_actuals: 2023, 2024 full
years, 2025 1—6月 and 1—9月). One briefing per district in its own words, each report as a single run makes it
(Yunxi's checked figure by figure: pages, PDF, Word), and the comparison page naming both with their implied growth,
every figure a link to the page it comes from. This is the suite's real-kernel run of the second plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _batchkit import ROOT, cli_here, stderr_lines

from chainplan_lib.publish.render import pdf_text

YUNXI_PLAN = ROOT / "tests" / "data" / "plans" / "yunxi-2024.toml"
QINGSHANHU_WORDS = ("青山湖", "现代针纺", "湖政发")
YUNXI_WORDS = ("云溪",)
NOTEBOOKS = ("01_targets", "02_growth", "03_consistency", "04_shares", "05_register", "06_progress", "briefing")
QINGSHANHU_ALL_WORDS = ("青山湖", "现代针纺", "冶金建材", "湖政发", "附件2", "罗家镇", "四链", "四条")


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """`chainplan brief --year 2025 --month 9 --plan qingshanhu --plan yunxi --actuals yunxi-2024=…` into a fresh
    folder (the bundled plan's 统计月报: its bundled sample)."""
    out = tmp_path_factory.mktemp("two")
    r = cli_here(["brief", "--year", "2025", "--month", "9", "--plan", "data/plans/qingshanhu-2024.toml",
                  "--plan", str(YUNXI_PLAN), "--actuals", "yunxi-2024=tests/data/yunxi_actuals", "--out", str(out),
                  "--jobs", "1"])
    return r, out / "2025"


def _page_text(path: Path) -> str:
    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<(style|script)\b.*?</\1>", "", t, flags=re.S)
    return re.sub(r"<[^>]+>", " ", t)


def _text(path: Path) -> str:
    t = re.sub(r"<(style|script)\b.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t))


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows
                                                          for c in row.cells])


def test_two_plans_one_run_exits_0_with_a_report_per_district(two):
    r, year = two
    assert r.returncode == 0, r.stdout + r.stderr
    assert stderr_lines(r.stderr) == [], r.stderr[-2000:]      # the bar and the summary, nothing else
    assert "brief 2025: 100%" in r.stderr and "14/14" in r.stderr   # one bar across both districts' notebooks
    assert r.stdout.startswith("chainplan brief 2025: 2/2 districts ok")
    assert sorted(p.name for p in year.iterdir()) == ["districts-2025.pdf", "districts.json", "index.html",
                                                      "qingshanhu-2024", "yunxi-2024"]
    for stem, district in (("qingshanhu-2024", "青山湖区"), ("yunxi-2024", "云溪县")):
        d = year / stem
        m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))   # its own manifest, as a single run's
        assert m["ok"] and m["plan"]["district"] == district and m["missing_chains"] == []
        assert sorted(nb["name"] for nb in m["notebooks"]) == sorted(NOTEBOOKS)
        assert {nb["parameters"]["plan"] for nb in m["notebooks"]} == {"../data/plan.toml"}
        assert (d / "briefing-2025.pdf").is_file() and (d / "briefing-2025.docx").is_file()
        assert (d / "data" / "plan.toml").is_file() and (d / "data" / "targets.csv").is_file()
    m = json.loads((year / "yunxi-2024" / "manifest.json").read_text(encoding="utf-8"))
    assert m["actuals"]["month"] == 9 and m["actuals"]["source"] == "tests/data/yunxi_actuals"
    assert 'href="2025/index.html"' in (year.parent / "index.html").read_text(encoding="utf-8")


def test_each_district_speaks_in_its_own_words_only(two):
    _, year = two
    for stem, foreign in (("yunxi-2024", QINGSHANHU_WORDS), ("qingshanhu-2024", YUNXI_WORDS)):
        d = year / stem
        texts = {p.name: _text(p) for p in [d / "index.html", *(d / "html").glob("*.html"), *(d / "analyst").glob("*.html")]}
        texts["pdf"] = "".join(pdf_text(d / "briefing-2025.pdf"))
        texts["docx"] = _docx_text(d / "briefing-2025.docx")
        for name, text in texts.items():
            for word in foreign:
                assert word not in text, (stem, name, word)
    y = "".join(pdf_text(year / "yunxi-2024" / "briefing-2025.pdf")).replace(" ", "").replace("\n", "")
    q = "".join(pdf_text(year / "qingshanhu-2024" / "briefing-2025.pdf")).replace(" ", "").replace("\n", "")
    assert y.startswith("云溪县制造业重点产业链2025年1—9月进度简报") and "三条链营业收入目标年均增长13.5%" in y
    assert q.startswith("青山湖区制造业重点产业链2025年1—9月进度简报") and "四条链营业收入目标年均增长13.2%" in q


def test_the_comparison_page_names_both_with_their_implied_growth(two):
    _, year = two
    page = (year / "index.html").read_text(encoding="utf-8")
    text = _text(year / "index.html")
    assert "各区县制造业重点产业链目标与进度对比（2025年1—9月）" in text
    # Qingshanhu: four chains 690 → 1,000 亿元 2023 → 2026 = 13.2 %; Yunxi: three chains 165 → 241 亿元 2024 → 2027 = 13.5 %
    assert re.search(r"1 云溪县 3 条 2024—2027年 165\.0 亿元 → 241\.0 亿元 13\.5% 12%以上 达到年均12%以上", text), text
    assert re.search(r"2 青山湖区 4 条 2023—2026年 690\.0 亿元 → 1,000\.0 亿元 13\.2% 10%左右 高于年均10%左右", text)
    # 1—9月 against 时序进度, as each district's own briefing prints it
    y = "".join(pdf_text(year / "yunxi-2024" / "briefing-2025.pdf")).replace(" ", "").replace("\n", "")
    assert "三链合计营业收入完成134.4亿元，同比增长9.7%，完成年度目标的71.5%，慢于时序进度3.5个百分点" in y
    assert "云溪县 2025年1—9月 71.5% 75.0% -3.5 个百分点 （示例数据）" in text
    q = "".join(pdf_text(year / "qingshanhu-2024" / "briefing-2025.pdf")).replace(" ", "").replace("\n", "")
    got = re.search(r"四链合计营业收入完成[\d.]+亿元，同比增长[\d.]+%，完成年度目标的([\d.]+)%，慢于时序进度([\d.]+)个百分点", q)
    assert got and f"青山湖区 2025年1—9月 {got[1]}% 75.0% -{got[2]} 个百分点" in text
    assert "示例数据" in text and "湖政发〔2024〕2号" in text and "云政发〔2024〕9号" in text
    # every link is relative, inside the folder, and leads to a file that is there
    hrefs = set(re.findall(r'href="([^"]+)"', page))
    assert {"yunxi-2024/html/03_consistency.html", "qingshanhu-2024/html/03_consistency.html",
            "yunxi-2024/html/06_progress.html", "qingshanhu-2024/html/01_targets.html", "districts-2025.pdf"} <= hrefs
    for h in (h for h in hrefs if not h.startswith("#")):    # the page's own table of contents aside
        assert not h.startswith(("/", "http", "file:")) and ".." not in h, h
        assert (year / h.split("#")[0]).is_file(), h
    for machine in (str(year.parent), str(ROOT)):
        assert machine not in page and machine not in (year / "districts.json").read_text(encoding="utf-8")
    doc = json.loads((year / "districts.json").read_text(encoding="utf-8"))
    assert [(d["folder"], d["growth_rank"]) for d in doc["districts"]] == [("yunxi-2024", 1), ("qingshanhu-2024", 2)]
    whole = "".join(pdf_text(year / "districts-2025.pdf")).replace(" ", "")
    assert "各区县制造业重点产业链目标与进度对比" in whole and "13.5%" in whole and "13.2%" in whole


# ------------------------------------------------------------ Yunxi's report, figure by figure
@pytest.fixture(scope="module")
def yunxi(two):
    """Yunxi's report of the two-district run: what a run of its plan alone makes."""
    r, year = two
    assert r.returncode == 0, r.stdout + r.stderr
    return year / "yunxi-2024"


def test_another_plan_runs_every_notebook(yunxi):
    m = json.loads((yunxi / "manifest.json").read_text(encoding="utf-8"))
    assert m["ok"] and len(m["notebooks"]) == 7 and all(nb["ok"] for nb in m["notebooks"])
    assert m["plan"]["district"] == "云溪县"
    # the report's plan copy: the plan file, its [table].path pointing at the table's copy beside it
    copy = (yunxi / "data/plan.toml").read_text(encoding="utf-8").splitlines()
    assert [a for a, b in zip(copy, YUNXI_PLAN.read_text(encoding="utf-8").splitlines()) if a != b] == [
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
        for word in QINGSHANHU_ALL_WORDS:
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
    for word in QINGSHANHU_ALL_WORDS:
        assert word not in whole, word


def test_another_plans_word_briefing_carries_its_figures(yunxi):
    from docx import Document

    doc = Document(str(yunxi / "briefing-2025.docx"))
    text = "\n".join([p.text for p in doc.paragraphs] +
                     [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "云溪县制造业重点产业链2025年1—9月进度简报" in text and "134.4" in text and "67.5" in text
    for word in QINGSHANHU_ALL_WORDS:
        assert word not in text, word
