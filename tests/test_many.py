"""Two districts in one real run (the bundled Qingshanhu plan and Yunxi's, with its own 统计月报), the briefing and
the consistency notebook only: one briefing per district in its own words, each report as a single run makes it,
and the comparison page naming both with their implied growth, every figure a link to the page it comes from."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from _batchkit import ROOT, run_cli, stderr_lines

from chainplan_lib.publish.render import pdf_text

YUNXI_PLAN = ROOT / "tests" / "data" / "plans" / "yunxi-2024.toml"
QINGSHANHU_WORDS = ("青山湖", "现代针纺", "湖政发")
YUNXI_WORDS = ("云溪",)
NOTEBOOKS = ("briefing", "03_consistency")


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """`chainplan brief --year 2025 --plan qingshanhu --plan yunxi --actuals yunxi-2024=…` into a fresh folder."""
    nbs = tmp_path_factory.mktemp("nbs")
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "notebooks" / f"{name}.py", nbs)
    out = tmp_path_factory.mktemp("two")
    r = run_cli(["brief", "--year", "2025", "--plan", "data/plans/qingshanhu-2024.toml", "--plan", str(YUNXI_PLAN),
                 "--actuals", "yunxi-2024=tests/data/yunxi_actuals", "--notebooks", str(nbs), "--out", str(out)])
    return r, out / "2025"


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
    assert "brief 2025: 100%" in r.stderr and "4/4" in r.stderr   # one bar across both districts' notebooks
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
    assert y.startswith("云溪县制造业重点产业链2025年度简报") and "三条链营业收入目标年均增长13.5%" in y
    assert q.startswith("青山湖区制造业重点产业链2025年度简报") and "四条链营业收入目标年均增长13.2%" in q


def test_the_comparison_page_names_both_with_their_implied_growth(two):
    _, year = two
    page = (year / "index.html").read_text(encoding="utf-8")
    text = _text(year / "index.html")
    assert "各区县制造业重点产业链目标与进度对比（2025年）" in text
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
            "yunxi-2024/html/briefing.html", "districts-2025.pdf"} <= hrefs
    for h in (h for h in hrefs if not h.startswith("#")):    # the page's own table of contents aside
        assert not h.startswith(("/", "http", "file:")) and ".." not in h, h
        assert (year / h.split("#")[0]).is_file(), h
    for machine in (str(year.parent), str(ROOT)):
        assert machine not in page and machine not in (year / "districts.json").read_text(encoding="utf-8")
    doc = json.loads((year / "districts.json").read_text(encoding="utf-8"))
    assert [(d["folder"], d["growth_rank"]) for d in doc["districts"]] == [("yunxi-2024", 1), ("qingshanhu-2024", 2)]
    whole = "".join(pdf_text(year / "districts-2025.pdf")).replace(" ", "")
    assert "各区县制造业重点产业链目标与进度对比" in whole and "13.5%" in whole and "13.2%" in whole
