"""The editable Word briefing: read back with python-docx and checked for title, headings, figures and tables."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from _brief_fixture import shared_brief
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from chainplan_lib.publish.docx import BODY_FONT, HEADING_FONT, notebook_to_docx

TITLE = "青山湖区制造业重点产业链2024年度简报"
SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def _font_table(d) -> dict:
    from lxml import etree

    root = etree.fromstring(d.part.part_related_by(RT.FONT_TABLE).blob)
    return {f.get(qn("w:name")): f for f in root.iter(qn("w:font"))}


@pytest.fixture(scope="module")
def word(request, font_cache):
    path = shared_brief(request) / "briefing-2024.docx"
    return docx.Document(str(path))


def _tables(d) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]


def test_title_headings_and_notice(word):
    assert word.core_properties.title == TITLE
    paras = word.paragraphs
    titles = [p.text for p in paras if p.style.name == "Title"]
    assert titles == [TITLE]
    heads = [p.text for p in paras if p.style.name.startswith("Heading")]
    assert heads[:6] == ["一、要点", "二、统计月报：进度与全年预计", "三、各链目标路径与总体增长目标", "规模分档目标",
                         "四、区域分布（规划目标）", "五、企业名录（名录口径）"]
    assert heads[-1] == "六、数据说明"
    header = " ".join(p.text for p in word.sections[0].header.paragraphs)
    assert TITLE in header and "示例数据（合成，非真实统计）" in header
    assert any("示例数据" in p.text and "合成数据" in p.text for p in paras[:6])  # the notice under the title


def test_key_figures(word):
    text = "\n".join(p.text for p in word.paragraphs)
    cells = "\n".join(c for t in _tables(word) for row in t for c in row)
    # (1000 / 690) ** (1/3) − 1 = 13.17 % → 13.2 %; 690 × 1.1³ = 918.39 → 1000 − 918.4 = 81.6 亿元
    assert "13.2%" in text and "81.6 亿元" in text and "高于年均10%左右" in text and "13.17%" not in text
    assert "1,000.0" in cells and "13.2%" in cells and "690.0" in cells
    assert "塘山镇" in text and "39 亿元" in text  # the imputed value and its evidence


def test_tables_are_real_word_tables_with_their_shapes(word):
    tables = _tables(word)
    head = tables[0]
    assert head[0] == ["产业链", "2026目标（亿元）", "2026目标（户）", "目标年均增长（%）", "对比10%左右", "2024目标（亿元）",
                       "2024年统计数（亿元）", "同比增长（%）", "完成年度目标（%）"]
    assert [r[0] for r in head[1:]] == ["现代针纺", "冶金建材", "电子信息", "食品医药", "四链合计", "规上工业"]
    assert head[5][1] == "1,000.0" and head[5][3] == "13.2%"
    progress = tables[1]   # 二、统计月报: 2024, six series, the published 同比 (the year is over: no 时序进度)
    assert progress[0][:2] == ["产业链", "2024年（亿元）"] and len(progress) == 7
    assert progress[1][:2] == ["现代针纺", "371.5"] and progress[6][0] == "规上工业"
    cagr = tables[2]   # the full year is published: no table of estimates
    assert len(cagr) == 6 and len(cagr[0]) == 5 and cagr[0][3] == "年均增长率" and cagr[5][3] == "13.2%"
    assert tables[-1][0][:3] == ["产业链", "2024年统计数（亿元）", "名录加总（亿元）"]   # the register, reconciled
    first_row = word.tables[0].rows[0]._tr
    assert first_row.trPr.find(qn("w:tblHeader")) is not None  # header row repeats on each page
    num = word.tables[0].cell(1, 1).paragraphs[0]
    assert num.alignment == 2  # numbers right-aligned


def test_charts_are_vector_with_a_png_fallback_and_alt_text(word):
    pics = word.inline_shapes
    assert len(pics) == 3  # progress bars, target paths, area mix (the register is a table beside the statistics)
    descr = [s._inline.docPr.get("descr") for s in pics]
    assert all(re.search(r"[\u4e00-\u9fff]", d or "") for d in descr), descr
    assert any("完成年度目标" in d for d in descr)
    assert all(abs(s.width - Mm(160)) < Mm(1) for s in pics)
    parts = {rel.rId: rel.target_part for rel in word.part.rels.values() if "image" in rel.reltype}
    for shape in pics:
        blip = shape._inline.graphic.graphicData.pic.blipFill.find(qn("a:blip"))
        assert parts[blip.get(qn("r:embed"))].content_type == "image/png"      # what every reader can show
        svg = blip.find(f".//{{{SVG_NS}}}svgBlip")                               # what Word 2016+ draws
        assert svg is not None, "no SVG picture"
        svg_part = parts[svg.get(qn("r:embed"))]
        assert svg_part.content_type == "image/svg+xml" and svg_part.blob.startswith(b"<svg")


def test_tables_and_charts_have_word_captions(word):
    caps = [p for p in word.paragraphs if p.style.name == "Caption"]
    tables = [p for p in caps if p.text.startswith("表 ")]
    figures = [p for p in caps if p.text.startswith("图 ")]
    assert len(figures) == len(word.inline_shapes) >= 3
    assert [p.text.split("\u3000")[0] for p in tables] == [f"表 {i}" for i in range(1, len(tables) + 1)]
    assert len(tables) >= 3 and any("年均增长" in p.text for p in tables)
    assert all(p.text.split("\u3000", 1)[1].strip() for p in caps)   # every caption says what it numbers
    for p in caps:   # numbered by a SEQ field, so Word renumbers and lists them
        kind = p.text[0]
        assert f"SEQ {kind} \\* ARABIC" in "".join(t.text for t in p._p.iter(qn("w:instrText"))), p.text
    for p in tables:   # a table's title is above it, kept with it
        assert p._p.getnext().tag == qn("w:tbl") and p.paragraph_format.keep_with_next, p.text


def test_the_documents_dates_are_when_it_was_made(word):
    made = word.core_properties.created
    assert made is not None and made.year >= 2026 and abs((made - word.core_properties.modified).total_seconds()) < 5
    assert word.core_properties.last_modified_by == "chainplan"


def test_page_setup_fonts_and_page_numbers(word):
    s = word.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    normal = word.styles["Normal"]
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == BODY_FONT == "仿宋_GB2312" and normal.font.size == Pt(16)   # 三号
    fonts = _font_table(word)
    assert fonts["仿宋_GB2312"].find(qn("w:altName")).get(qn("w:val")) == "仿宋"   # where GB2312's face is missing
    for name in ("Title", "Heading 1"):
        rf = word.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rf.get(qn("w:eastAsia")) == HEADING_FONT == "黑体" and rf.get(qn("w:asciiTheme")) is None
        assert word.styles[name].paragraph_format.keep_with_next
    assert word.styles["Heading 2"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    footer = s.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "第 " in s.footer.paragraphs[0].text


def test_a_real_register_briefing_has_no_notice(tmp_path):
    nb = new_notebook()
    table = ("<table class='chainplan'><caption>测试表</caption><thead><tr><th>区域</th><th class=num>营业收入（亿元）</th>"
             "</tr></thead><tbody><tr><td data-unit=\"text\">高新园区</td><td class=\"num\" data-unit=\"yi\" "
             "data-value=\"35.2\">35.2</td></tr></tbody></table><p class='table-note'>来源：测试</p>")
    nb.cells = [new_markdown_cell("## 一、测试"),
                new_code_cell("x", outputs=[new_output("display_data", data={"text/html": table})]),
                new_code_cell("y", outputs=[new_output("display_data", data={"text/markdown": "**结论**：正常。"})])]
    import nbformat

    src = tmp_path / "b.ipynb"
    nbformat.write(nb, str(src))
    out = notebook_to_docx(src, tmp_path / "b.docx", title="测试简报", synthetic=False)
    d = docx.Document(str(out))
    assert "示例数据" not in " ".join(p.text for p in d.sections[0].header.paragraphs)
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == ["一、测试"]
    assert _tables(d) == [[["区域", "营业收入（亿元）"], ["高新园区", "35.2"]]]
    assert any(p.text == "表 1\u3000测试表" and p.style.name == "Caption" for p in d.paragraphs)
    assert any(p.text == "来源：测试" for p in d.paragraphs)
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert "结论" in bold
    assert not list(Path(tmp_path).glob(".*.tmp"))
