"""Rendering: notebooks → HTML (code hidden) and → the Chinese briefing PDF, checked through the PDF itself.

Notebooks are built with nbformat with outputs attached (no kernel). The font cache is a per-session folder
(shared with tests/test_fonts.py); the first PDF of the session builds the pre-subset font (~4 s).
"""

from __future__ import annotations

import base64
import io
import logging
import os
import re
import unicodedata
from pathlib import Path

import nbformat
import pypdf  # noqa: F401
import pytest
import weasyprint  # noqa: F401
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from chainplan_lib.errors import ChainplanError
from chainplan_lib.publish import notebook, render
from chainplan_lib.publish import pages as web

TITLE = "青山湖区产业链测试简报"
CODE_SOURCE = "SECRET_SOURCE_marker = 4242  # must never reach the reader"
TABLE_NUMBER = "356.7"
NOTICE = render.SYNTHETIC_NOTICE
PARAGRAPH = ("全区四条重点产业链运行总体平稳，规上工业营业收入合计较上年增长约9.6%，略低于规划“年均增长10%左右”"
             "的路径；电子信息产业链增长最快，对全区增长的贡献率超过四成。")


@pytest.fixture(autouse=True)
def _hermetic_cache(font_cache, monkeypatch):
    monkeypatch.setenv("CHAINPLAN_CACHE", str(font_cache))


def _chart_png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from chainplan_lib.present.theme import setup_matplotlib

    setup_matplotlib()
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(["纺织服装", "冶金新材料", "电子信息"], [120, 340, -56])
    ax.set_title("各链营业收入（亿元）")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _display(data: dict):
    return new_output("display_data", data=data)


def build_notebook(path: Path, *, extra_cells=()) -> Path:
    table = ("<table class='dataframe'><thead><tr><th>产业链</th><th>营业收入（亿元）</th><th>增长</th></tr></thead>"
             f"<tbody><tr><td>电子信息</td><td>{TABLE_NUMBER}</td><td>12.3%</td></tr>"
             "<tr><td>纺织服装</td><td>1,204.5</td><td>-2.1%</td></tr>"
             "<tr><td>冶金新材料</td><td>—</td><td>n/a</td></tr></tbody></table>")
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(f"# {TITLE}\n\n编制日期：2026年3月　数据来源：区统计局"),
        new_code_cell(CODE_SOURCE + "\nprint('可见的打印输出')",
                      outputs=[new_output("stream", name="stdout", text="可见的打印输出\n"),
                               new_output("stream", name="stderr", text="STDERR_NOISE warning\n")],
                      execution_count=1),
        new_code_cell("df.style", outputs=[_display({"text/html": table, "text/plain": "df"})], execution_count=2),
        new_code_cell("fig", outputs=[_display({"image/png": _chart_png(), "text/plain": "<Figure size 600x300>"})],
                      execution_count=3),
        new_markdown_cell("应被删除的单元格 REMOVED_CELL_marker", metadata={"tags": ["remove-cell"]}),
        new_code_cell("INPUT_HIDDEN_marker = 1", outputs=[_display({"text/html": "<p>保留的输出 KEPT_OUTPUT</p>"})],
                      metadata={"tags": ["remove-input"]}, execution_count=4),
        new_code_cell("x", outputs=[_display({"text/plain": "HIDDEN_OUTPUT_marker"})],
                      metadata={"tags": ["remove-output"]}, execution_count=5),
        new_code_cell("ax.plot(x)", outputs=[new_output("execute_result", data={
            "text/plain": "[<matplotlib.lines.Line2D at 0x7f3a2c1b5d90>]"}, execution_count=6)], execution_count=6),
        new_markdown_cell("## 一、总体情况\n\n" + "\n\n".join([PARAGRAPH] * 6)),
        new_markdown_cell('<div class="page-break"></div>\n\n## 二、下一步建议\n\n' + PARAGRAPH),
        *extra_cells,
    ]
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, font_cache):
    """One notebook rendered to HTML and to PDF with and without the synthetic notice."""
    os.environ["CHAINPLAN_CACHE"] = str(font_cache)
    d = tmp_path_factory.mktemp("render")
    nb = build_notebook(d / "brief.ipynb")
    out = {"dir": d, "nb": nb}
    out["html"] = web.notebook_to_html(nb, d / "html" / "brief.html", title=TITLE)
    out["pdf_syn"] = render.notebook_to_pdf(nb, d / "out" / "syn.pdf", title=TITLE, subtitle="2025年",
                                            synthetic=True, footer_note="内部资料", html_path=d / "syn.html")
    out["pdf_real"] = render.notebook_to_pdf(nb, d / "out" / "real.pdf", title=TITLE, synthetic=False)
    return out


def _page_texts(pdf: Path) -> list[str]:
    return render.pdf_text(pdf)


def _assert_clean_chinese(text: str) -> None:
    """No tofu/garbage: no U+FFFD, no control characters (a broken ToUnicode map shows up as them), some hanzi."""
    assert "\ufffd" not in text
    bad = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t\r"]
    assert not bad, f"control characters in extracted text: {bad[:10]!r}"
    assert re.search(r"[\u4e00-\u9fff]", text), text


# ----------------------------------------------------------------------------------------------------- HTML
def test_html_hides_code_and_honours_tags(rendered):
    html = rendered["html"].read_text(encoding="utf-8")
    assert "SECRET_SOURCE_marker" not in html
    assert "INPUT_HIDDEN_marker" not in html
    assert "REMOVED_CELL_marker" not in html
    assert "HIDDEN_OUTPUT_marker" not in html
    assert "KEPT_OUTPUT" in html and TITLE in html and TABLE_NUMBER in html
    assert "可见的打印输出" in html
    assert "data:image/png;base64," in html  # standalone: image embedded
    assert f"<title>{TITLE}</title>" in html
    assert '<html lang="zh-CN"' in html
    assert "class=\"jp-InputPrompt" not in html and "In&nbsp;[" not in html


def test_html_can_show_code(rendered, tmp_path):
    html = web.notebook_to_html(rendered["nb"], tmp_path / "code.html", hide_code=False,
                                   drop_stderr=True).read_text(encoding="utf-8")
    assert "SECRET_SOURCE_marker" in html
    assert "INPUT_HIDDEN_marker" not in html  # remove-input still applies
    assert "STDERR_NOISE" not in html


def _failing_notebook(path: Path) -> Path:
    """What papermill leaves behind: a red banner cell on top, the failing cell with an error output."""
    nb = new_notebook()
    banner = new_markdown_cell('<span style="color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; '
                               "font-size:2em;\">An Exception was encountered at '<a href=\"#papermill-error-cell\">"
                               "In [2]</a>'.</span>", metadata={"tags": ["papermill-error-cell-tag"]})
    err = new_output("error", ename="ParameterError", evalue="年份 2031 超出规划期 2023–2026",
                     traceback=["\x1b[0;31mParameterError\x1b[0m: 年份 2031 超出规划期 2023–2026"])
    nb.cells = [
        banner,
        new_markdown_cell(f"# {TITLE}"),
        new_code_cell("check_year(2031)", outputs=[err], execution_count=2,
                      metadata={"tags": ["remove-cell", "remove-output"]}),  # tags must not hide an error
    ]
    nbformat.write(nb, str(path))
    return path


def test_failing_notebook_shows_the_error_in_html_and_pdf(tmp_path):
    nb = _failing_notebook(tmp_path / "failed.ipynb")
    html = web.notebook_to_html(nb, tmp_path / "failed.html", title="失败").read_text(encoding="utf-8")
    assert "An Exception was encountered" in html
    assert "ParameterError" in html and "超出规划期" in html
    assert "check_year(2031)" not in html  # still no code
    pdf = render.notebook_to_pdf(nb, tmp_path / "failed.pdf", title="失败")
    text = "".join(_page_texts(pdf))
    assert "An Exception was encountered" in text and "超出规划期" in text


# ------------------------------------------------------------------------------------------------------ PDF
def test_pdf_has_title_table_numbers_and_no_code(rendered):
    pages = _page_texts(rendered["pdf_syn"])
    text = "\n".join(pages)
    assert TITLE in pages[0]
    assert TABLE_NUMBER in text and "1,204.5" in text
    assert "可见的打印输出" in text and "KEPT_OUTPUT" in text
    for marker in ("SECRET_SOURCE_marker", "INPUT_HIDDEN_marker", "REMOVED_CELL_marker", "HIDDEN_OUTPUT_marker",
                   "STDERR_NOISE", "Line2D", "In ["):
        assert marker not in text, marker


def test_pdf_pages_numbered_and_headed(rendered):
    pages = _page_texts(rendered["pdf_syn"])
    n = len(pages)
    assert n >= 2
    # the page-break div starts section 二 on a new page (body text comes before the margin boxes' text)
    assert any(page.startswith("二、下一步建议") for page in pages[1:]), [p[:20] for p in pages]
    for i, page in enumerate(pages, 1):
        assert f"第 {i} 页 / 共 {n} 页" in page
        assert TITLE in page and "2025年" in page  # running header with subtitle
        assert "内部资料" in page  # footer note
    from pypdf import PdfReader

    reader = PdfReader(str(rendered["pdf_syn"]))
    assert reader.metadata.title == TITLE
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4


def test_synthetic_notice_on_every_page_only_when_asked(rendered):
    syn = _page_texts(rendered["pdf_syn"])
    real = _page_texts(rendered["pdf_real"])
    assert len(syn) >= 2 and len(real) >= 2
    assert all(NOTICE in page for page in syn)
    assert not any(NOTICE in page for page in real)
    assert not any("示例数据" in page for page in real)


def test_notebook_can_carry_the_notice_itself(tmp_path):
    cell = new_code_cell("display(HTML(synthetic_notice_html()))",
                         outputs=[_display({"text/html": render.synthetic_notice_html()})], execution_count=9)
    nb = build_notebook(tmp_path / "carry.ipynb", extra_cells=[cell])
    pages = _page_texts(render.notebook_to_pdf(nb, tmp_path / "carry.pdf", title=TITLE, synthetic=False))
    assert len(pages) >= 2
    assert all(NOTICE in page for page in pages)  # the per-page notice turned on by the notebook's own block


def test_pdf_uses_only_the_noto_subset_font(rendered):
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    for pdf in (rendered["pdf_syn"], rendered["pdf_real"]):
        names = render.pdf_fonts(pdf)
        assert names == {"Noto-Sans-CJK-SC"}, names  # one face: no bold/italic second face, no DejaVu fallback
        assert all("NotoSansCJK" in n.replace("-", "") for n in names)
    # the embedded program is our pre-subset Noto (family name and OFL licence inside)
    reader = PdfReader(str(rendered["pdf_syn"]))
    font = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    stream = (descriptor.get("/FontFile3") or descriptor.get("/FontFile2")).get_object()
    embedded = TTFont(io.BytesIO(stream.get_data()))
    assert embedded["name"].getDebugName(1).startswith("Noto Sans CJK SC")
    assert "Adobe" in embedded["name"].getDebugName(0)  # the copyright notice travels with the glyphs


def test_pdf_text_is_real_chinese_not_tofu(rendered):
    for pdf in (rendered["pdf_syn"], rendered["pdf_real"]):
        pages = _page_texts(pdf)
        for page in pages:
            assert page.strip()
            _assert_clean_chinese(page)
        assert "各链营业收入" not in "".join(pages)  # chart title is inside the PNG, not text


def test_pdf_is_small(rendered):
    # speed is checked by benchmarks/bench_pdf.py, not here
    assert rendered["pdf_syn"].stat().st_size < 5_000_000


def test_pdf_subset_embedding_gives_a_smaller_file(rendered, tmp_path):
    """Default: WeasyPrint subsets the font to the document's glyphs; full_fonts=True embeds the whole
    pre-subset font (with its OFL licence text), several times larger."""
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    full = render.notebook_to_pdf(rendered["nb"], tmp_path / "full.pdf", title=TITLE, full_fonts=True)
    small = rendered["pdf_real"]
    assert small.stat().st_size * 3 < full.stat().st_size
    assert small.stat().st_size < 400_000  # the budget for the briefing
    assert TITLE in _page_texts(full)[0]
    assert render.pdf_fonts(full) == {"Noto-Sans-CJK-SC"}
    font = next(iter(PdfReader(str(full)).pages[0]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    stream = (descriptor.get("/FontFile3") or descriptor.get("/FontFile2")).get_object()
    assert "Open Font License" in TTFont(io.BytesIO(stream.get_data()))["name"].getDebugName(13)


def test_numbers_right_aligned_in_tables(rendered):
    html = (rendered["dir"] / "syn.html").read_text(encoding="utf-8")
    assert f'<td class="num">{TABLE_NUMBER}</td>' in html
    assert '<td class="num">1,204.5</td>' in html and '<td class="num">-2.1%</td>' in html
    assert '<td class="num">—</td>' in html
    assert "<td>电子信息</td>" in html
    assert "td.num" in html and "text-align: right" in html


def test_mark_numeric_cells_keeps_existing_classes():
    body = ('<td id="T_1" class="data row0 col1">12.5</td><td>１２</td><td>2023年</td><td>abc 12</td>'
            "<td>−3.5 亿元</td><td>&minus;4</td>")
    out = web.mark_numeric_cells(body)
    assert '<td id="T_1" class="num data row0 col1">12.5</td>' in out
    assert "<td>abc 12</td>" in out
    assert '<td class="num">2023年</td>' in out and '<td class="num">−3.5 亿元</td>' in out
    assert '<td class="num">&minus;4</td>' in out


def test_rare_hanzi_use_the_supplement_font_and_missing_ones_become_geta(tmp_path, caplog):
    doc = ("<html lang='zh-CN'><head><style>" + render.briefing_css() + "</style></head><body>"
           "<h1>企业名录</h1><p>江西喆华堃业科技有限公司、赟昇电子 𠀀 ✓ ≥ ㎡ ℃</p></body></html>")
    with caplog.at_level(logging.WARNING, logger="chainplan_lib.publish.render"):
        pdf = render.html_to_pdf(doc, tmp_path / "rare.pdf")
    text = "".join(_page_texts(pdf))
    assert "喆华堃业" in text and "赟昇" in text
    assert "〓" in text and "𠀀" not in text
    _assert_clean_chinese(text)
    assert render.pdf_fonts(pdf) == {"Noto-Sans-CJK-SC", "Chainplan-CJK-Supplement"}
    assert any("𠀀" in r.getMessage() for r in caplog.records)


def test_html_to_pdf_extra_stylesheets_and_no_network(tmp_path):
    doc = ("<html lang='zh-CN'><head><style>" + render.briefing_css() + "</style></head><body>"
           "<p class='x'>网络图片不应被下载</p><img src='http://example.invalid/chart.png'></body></html>")
    css_file = tmp_path / "extra.css"
    css_file.write_text(".x { color: #c00 }", encoding="utf-8")
    pdf = render.html_to_pdf(doc, tmp_path / "sub" / "x.pdf", stylesheets=[css_file, "p { margin: 0 }"])
    assert "网络图片不应被下载" in _page_texts(pdf)[0]


def test_writes_are_atomic_and_leave_no_temp_files(rendered):
    out = rendered["pdf_syn"].parent
    assert sorted(p.name for p in out.iterdir()) == ["real.pdf", "syn.pdf"]
    assert rendered["pdf_syn"].read_bytes()[:5] == b"%PDF-"
    assert oct(rendered["pdf_syn"].stat().st_mode & 0o044) != "0o0"  # readable by others (not mkstemp's 0600)
    assert [p.name for p in rendered["html"].parent.iterdir()] == ["brief.html"]


def test_missing_notebook_is_a_chainplan_error(tmp_path):
    with pytest.raises(ChainplanError, match="not found"):
        render.notebook_to_pdf(tmp_path / "nope.ipynb", tmp_path / "x.pdf", title="x")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ChainplanError, match="not a readable notebook"):
        web.notebook_to_html(bad, tmp_path / "x.html")
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.html").exists()


def test_page_images_render_with_pdfium(rendered, tmp_path):
    from PIL import Image

    images = render.pdf_page_images(rendered["pdf_syn"], tmp_path / "pages", scale=1.0)
    n = len(render.pdf_text(rendered["pdf_syn"]))
    assert [p.name for p in images] == [f"syn-p{i:02d}.png" for i in range(1, n + 1)]
    im = Image.open(images[0]).convert("L")
    assert abs(im.size[0] - 595) <= 1 and abs(im.size[1] - 842) <= 1  # A4 at 72 dpi
    top = im.crop((0, 0, 595, 70))  # the header band (title + red notice) is not blank
    assert top.getextrema()[0] < 200
    keep = os.environ.get("CHAINPLAN_KEEP_PAGES")  # set it to look at the pages yourself
    if keep:
        render.pdf_page_images(rendered["pdf_syn"], keep, scale=1.5)


def test_render_works_even_if_weasyprint_was_imported_first(font_cache, tmp_path):
    """WeasyPrint loads a fresh fontconfig configuration per document, so import order is not fatal;
    render still calls configure_fontconfig() before importing it (cheap insurance)."""
    import subprocess
    import sys

    code = ("import weasyprint\n"
            "from chainplan_lib.publish import render\n"
            "p = render.html_to_pdf('<html lang=\"zh-CN\"><body><p>青山湖区</p></body></html>', sys.argv[1])\n"
            "print(sorted(render.pdf_fonts(p)), render.pdf_text(p)[0].strip())\n")
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    env["CHAINPLAN_CACHE"] = str(font_cache)
    out = subprocess.run([sys.executable, "-c", "import sys\n" + code, str(tmp_path / "late.pdf")], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert "['Noto-Sans-CJK-SC'] 青山湖区" in out, out


# ------------------------------------------------------------------------------------------ report pages
def _svg_cell(alt: str):
    svg = ('<svg role="img" aria-label="' + alt + '" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg">'
           '<title>' + alt + '</title><text x="5" y="20" style="font-family: \'Noto Sans CJK SC\'">图中文字</text></svg>')
    return new_code_cell("fig", outputs=[_display({"image/svg+xml": svg, "image/png": _chart_png(),
                                                   "text/plain": "<Figure size 600x300>"})], execution_count=7)


def test_html_page_is_self_contained_with_inline_svg_and_embedded_font(tmp_path):
    nb = build_notebook(tmp_path / "svg.ipynb", extra_cells=[_svg_cell("柱状图：各链营业收入")])
    page = web.notebook_to_html(nb, tmp_path / "svg.html", title=TITLE).read_text(encoding="utf-8")
    assert '<svg role="img" aria-label="柱状图：各链营业收入" viewBox="0 0 100 50"' in page  # inline, untouched
    assert "图中文字" in page and "No description has been provided" not in page
    assert re.search(r"@font-face\{font-family:'Noto Sans CJK SC';src:url\(data:font/woff2;base64,", page)
    assert "<script" not in page and "<link" not in page and not re.search(r"(src|href)=\"?https?:", page)
    assert 'alt="图表（无文字说明）"' in page  # a plain PNG without alt metadata still gets Chinese alt text
    assert '<nav class="toc"' in page and 'href="#sec-' in page


def test_analyst_only_cells_and_folded_code(tmp_path):
    extra = [new_markdown_cell("## 全文（供分析人员）", metadata={"tags": ["analyst-only"]}),
             new_code_cell("print(summary)", outputs=[new_output("stream", name="stdout", text="ANALYST_TEXT\n")],
                           metadata={"tags": ["analyst-only"]}, execution_count=8)]
    nb = build_notebook(tmp_path / "a.ipynb", extra_cells=extra)
    policy = web.notebook_to_html(nb, tmp_path / "p.html", title=TITLE).read_text(encoding="utf-8")
    analyst = web.notebook_to_html(nb, tmp_path / "a.html", title=TITLE, hide_code=False).read_text(encoding="utf-8")
    assert "全文（供分析人员）" not in policy and "ANALYST_TEXT" not in policy
    assert "ANALYST_TEXT" in analyst and "<summary>显示代码</summary>" in analyst
    # code comes after the cell's outputs, folded
    assert analyst.index("ANALYST_TEXT") < analyst.index("summary</span>")
    pages = _page_texts(render.notebook_to_pdf(nb, tmp_path / "a.pdf", title=TITLE))
    assert "ANALYST_TEXT" not in "".join(pages)


def test_maths_only_from_a_local_mathjax_copy(tmp_path, monkeypatch, caplog):
    extra = [new_markdown_cell("年均增长率 $$g = (V_T / V_0)^{1/T} - 1$$")]
    nb = build_notebook(tmp_path / "m.ipynb", extra_cells=extra)
    monkeypatch.delenv("CHAINPLAN_MATHJAX", raising=False)
    with caplog.at_level(logging.WARNING, logger="chainplan_lib.publish.shell"):
        page = web.notebook_to_html(nb, tmp_path / "r1" / "html" / "m.html", title=TITLE).read_text(encoding="utf-8")
    assert "<script" not in page and "(V_T / V_0)" in page  # no CDN: the TeX stays as written
    assert any("MathJax" in r.getMessage() for r in caplog.records)
    local = tmp_path / "mj"
    local.mkdir()
    (local / "tex-chtml.js").write_text("/* MathJax */", encoding="utf-8")
    monkeypatch.setenv("CHAINPLAN_MATHJAX", str(local))
    page = web.notebook_to_html(nb, tmp_path / "r2" / "html" / "m.html", title=TITLE).read_text(encoding="utf-8")
    assert '<script defer src="../assets/mathjax/tex-chtml.js"></script>' in page
    assert (tmp_path / "r2" / "assets" / "mathjax" / "tex-chtml.js").is_file()
    plain = web.notebook_to_html(build_notebook(tmp_path / "p.ipynb"), tmp_path / "r3" / "html" / "p.html",
                                    title=TITLE).read_text(encoding="utf-8")
    assert "<script" not in plain and not (tmp_path / "r3" / "assets").exists()  # no maths, no MathJax


def test_a_table_keeps_its_caption_and_note_on_one_page(tmp_path, font_cache, monkeypatch):
    """A short table that does not fit at the bottom of a page moves whole — caption, rows and note — to the next
    (its caption was left alone at the foot of a page in the 1—9月 briefing)."""
    import pandas as pd

    from chainplan_lib.present import tables
    from chainplan_lib.present import units as U

    monkeypatch.setenv("CHAINPLAN_CACHE", str(font_cache))
    df = pd.DataFrame({"产业链": [f"第{i}链" for i in range(8)], "全年预计（亿元）": [100.0 + i for i in range(8)]})
    table = tables.to_html(df, units={"产业链": U.TEXT, "全年预计（亿元）": U.YI}, caption="表题全年预计", note="表注来源")
    doc = (f"<html lang='zh-CN'><body><div style='height:205mm'>前文</div>{table}</body></html>")
    pdf = render.html_to_pdf(doc, tmp_path / "t.pdf", stylesheets=[render.briefing_css()])
    pages = [p.replace(" ", "").replace("\n", "") for p in render.pdf_text(pdf)]
    assert len(pages) == 2 and "前文" in pages[0]
    assert not any(k in pages[0] for k in ("表题全年预计", "第0链", "表注来源")), pages[0]
    assert all(k in pages[1] for k in ("表题全年预计", "第0链", "第7链", "表注来源")), pages[1]


def test_a_page_title_is_the_notebooks_own():
    """Titles come from the notebook (as Quarto takes them from front matter): metadata.title, else the first
    level-1 heading, else the name — never a list kept elsewhere."""
    nb = new_notebook()
    nb.cells = [new_code_cell("x = 1"), new_markdown_cell("## 小节"), new_markdown_cell("# 增长：目标路径与**情景**\n正文")]
    assert notebook.title(nb, "02_growth") == "增长：目标路径与情景"
    nb.metadata["title"] = "元数据中的标题"
    assert notebook.title(nb, "02_growth") == "元数据中的标题"
    assert notebook.title(new_notebook(), "02_growth") == "02_growth"
