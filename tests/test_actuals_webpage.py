"""Web pages saved from a bureau's site (.html / .htm): spans, title, date, the lines above each table, cleaning."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from _plans import ROOT

from chainplan_lib.cleaning.actuals.clean import clean_actuals
from chainplan_lib.errors import InputError
from chainplan_lib.files.webpage import read_webpage
from chainplan_lib.plan.load import read_plan

REALTABLES = ROOT / "tests" / "data" / "plans" / "realtables-2022.toml"
FIXTURES = ROOT / "tests" / "data" / "real_tables"


@pytest.fixture(scope="module")
def test_plan():
    return read_plan(REALTABLES)


PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{meta}</head><body>
<div class="crumb">首页 &gt; 统计数据</div>
<h1>{h1}</h1>
<div class="info">发布时间：2025-10-20 09:30　来源：统计局</div>
<p>{prose}</p>
<p>单位：万元</p>
<table border="1">
<tr><th rowspan="2">指标名称</th><th colspan="2">营业收入</th></tr>
<tr><th>1-9月</th><th>同比增长(%)</th></tr>
<tr><td>规模以上工业</td><td>9683355</td><td>9.4</td></tr>
<tr><td>其中：现代针纺</td><td>2913707</td><td>下降1.5</td></tr>
<tr><td><table><tr><td>nested</td></tr></table>冶金建材</td><td>1943000</td><td>7.4</td></tr>
</table>
<p>{after}</p>
</body></html>
"""


def _page(path, *, title="2025年1-9月重点产业链主要指标", h1="重点产业链主要指标", meta="", charset="utf-8",
          prose="今年以来，全区工业经济稳中有进，规模以上工业营业收入同比增长9.4%，比1-8月回升0.3个百分点，"
                "各产业链运行总体平稳，其中现代针纺产业链增速有所回落。", after="", encoding="utf-8"):
    text = PAGE.format(title=title, h1=h1, meta=meta, charset=charset, prose=prose, after=after)
    path.write_bytes(text.encode(encoding))
    return path


def test_spans_are_filled_and_cells_stay_text(tmp_path):
    page = read_webpage(_page(tmp_path / "p.html"))
    t = page.tables[0]
    assert len(page.tables) == 1  # the table nested in a cell is not a table of the page
    assert t.rows[0] == ["指标名称", "营业收入", "营业收入"] and t.rows[1] == ["指标名称", "1-9月", "同比增长(%)"]
    assert t.rows[2] == ["规模以上工业", "9683355", "9.4"] and t.rows[3][2] == "下降1.5"
    assert page.title == "2025年1-9月重点产业链主要指标"
    assert page.date == dt.date(2025, 10, 20) and page.date_text.startswith("发布时间：2025-10-20")
    # lines above: the crumb and the heading and the unit line; not the date line, not the prose (too long)
    assert t.lines_above == ["首页 > 统计数据", "重点产业链主要指标", "单位：万元"]


def test_the_date_from_a_meta_tag_and_a_page_in_gbk(tmp_path):
    p = _page(tmp_path / "p.htm", meta='<meta name="PubDate" content="2025-10-18 08:00">', charset="gb2312",
              encoding="gb18030")
    page = read_webpage(p)
    assert page.date == dt.date(2025, 10, 18) and page.encoding == "gb18030"
    assert page.tables[0].rows[3][0] == "其中：现代针纺"


def test_a_page_cleans_with_its_title_for_the_period_and_its_spans_as_headers(tmp_path, plan):
    r = clean_actuals([_page(tmp_path / "p.html")], plan)
    a = r.actuals.set_index("chain_id")
    assert a.loc["industry", "value"] == pytest.approx(968.3355) and a.loc["industry", "yoy_pct"] == 9.4
    assert a.loc["textiles", "yoy_pct"] == -1.5 and a.loc["metallurgy", "value"] == pytest.approx(194.3)
    assert set(r.actuals["year"]) == {2025} and set(r.actuals["month"]) == {9}
    f = r.summary["files"][0]
    assert f["reader"] == "html" and f["page_date"] == "2025-10-20" and f["header_rows"] == [1, 2]
    assert sorted(set(r.actuals["source_row"])) == [3, 4, 5]  # rows of the page's table, as a reader counts them


def test_the_page_title_gives_the_period_when_the_table_and_its_lines_do_not(tmp_path, plan):
    p = _page(tmp_path / "p.html", title="2025年1-9月重点产业链主要指标", h1="重点产业链主要指标")
    text = p.read_text(encoding="utf-8").replace("<th>1-9月</th>", "<th>累计</th>")
    p.write_text(text, encoding="utf-8")
    r = clean_actuals([p], plan)
    assert set(zip(r.actuals["year"], r.actuals["month"])) == {(2025, 9)}


def test_the_page_date_gives_the_year_of_a_table_that_names_only_its_months(tmp_path, test_plan):
    # the Zhongshan page names no year anywhere; saved under a name without one, its date line (2021-10) decides
    page = tmp_path / "zhongshan_1-9月进度数据.html"
    shutil.copy(FIXTURES / "zhongshan_2021_1-9月进度数据.html", page)
    r = clean_actuals([page], test_plan)
    assert set(r.actuals["year"]) == {2021} and sorted(set(r.actuals["month"])) == [9]
    notes = [n for f in r.summary["files"] for n in f["notes"]]
    assert any("from the page's date 2021-10-01" in n for n in notes)
    # without a date line either: one line naming the file, the table and the cell
    page.write_text(page.read_text(encoding="utf-8").replace("发布日期：2021-10", ""), encoding="utf-8")
    with pytest.raises(InputError, match=r"zhongshan_1-9月进度数据.html.*table 1: column '9月' has no year"):
        clean_actuals([page], test_plan)


def test_two_tables_on_a_page_are_two_sheets_each_reported(tmp_path, plan):
    p = _page(tmp_path / "p.html", after="")
    text = p.read_text(encoding="utf-8").replace(
        "<p></p>", "<p>2025年1-9月分镇街营业收入</p><table><tr><th>镇街</th><th>产业链</th><th>1-9月累计（亿元）</th></tr>"
                   "<tr><td>罗家镇</td><td>现代针纺</td><td>30</td></tr></table>")
    p.write_text(text, encoding="utf-8")
    r = clean_actuals([p], plan)
    assert [f["sheet"] for f in r.summary["files"]] == ["html table 1", "html table 2"]
    town = r.actuals[r.actuals["area"] == "罗家镇"]
    assert town[["chain_id", "value"]].values.tolist() == [["textiles", 30.0]]
    assert town["source_file"].iloc[0].endswith("p.html#html table 2")


def test_a_folder_of_pages_is_read_and_bad_pages_are_one_line_errors(tmp_path, plan):
    folder = tmp_path / "pages"
    folder.mkdir()
    _page(folder / "a.html")
    assert len(clean_actuals([folder], plan).actuals) == 3
    (tmp_path / "empty.html").write_text("<html><body><p>没有表格</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="empty.html: no tables on this page"):
        clean_actuals([tmp_path / "empty.html"], plan)
    (tmp_path / "junk.html").write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(InputError, match="junk.html"):
        clean_actuals([tmp_path / "junk.html"], plan)


def test_cells_and_rows_left_open_by_an_old_page_are_closed(tmp_path):
    p = tmp_path / "old.html"
    p.write_text("<html><head><title>2025年1-9月</title></head><body><table><tr><th>指标名称<th>1-9月累计（亿元）"
                 "<tr><td>规上工业<td>990<tr><td>其中：现代针纺<td>291.4</table></body></html>", encoding="utf-8")
    rows = read_webpage(p).tables[0].rows
    assert rows == [["指标名称", "1-9月累计（亿元）"], ["规上工业", "990"], ["其中：现代针纺", "291.4"]]
