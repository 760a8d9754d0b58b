"""The briefing as an editable Word file (``briefing-YYYY.docx``), beside the PDF, with the same content.

Built with python-docx from the executed briefing notebook's outputs (what the PDF shows): headings, paragraphs
and lists, tables as real Word tables (header row repeated on each page, numbers right-aligned), charts as
images (the PNG each chart carries, with its Chinese alt text as the picture's description), the 示例数据
notice in every page header when the register is synthetic, page numbers (第 X 页 / 共 Y 页), A4.

Fonts are named, not embedded: 黑体 for headings and 仿宋 for body text (宋体 in tables), the names Word and
WPS resolve on Chinese office machines, as official documents do; Latin text uses Times New Roman / Arial.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

from ..errors import ChainplanError
from ..files.atomic import write_atomic
from . import notebook

__all__ = ["notebook_to_docx", "HEADING_FONT", "BODY_FONT", "TABLE_FONT"]

HEADING_FONT, BODY_FONT, TABLE_FONT = "黑体", "仿宋", "宋体"
_LATIN_BODY, _LATIN_HEADING = "Times New Roman", "Arial"
_ACCENT = (0x0B, 0x3D, 0x6E)
_RED = (0xC6, 0x28, 0x28)
_BLOCKS = {"p", "div", "section", "figure", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
           "blockquote", "details"}


# ------------------------------------------------------------------------------------------------ styles
def _fonts(style_or_run, east_asia: str, latin: str) -> None:
    from docx.oxml.ns import qn

    el = style_or_run.element
    rpr = el.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _setup(doc, title: str, synthetic: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(25), Mm(22)
        section.left_margin = section.right_margin = Mm(22)
        section.header_distance = section.footer_distance = Mm(12)
    styles = doc.styles
    normal = styles["Normal"]
    _fonts(normal, BODY_FONT, _LATIN_BODY)
    normal.font.size = Pt(12)
    normal.paragraph_format.line_spacing = 1.35
    normal.paragraph_format.space_after = Pt(4)
    lang = normal.element.get_or_add_rPr()
    el = lang.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN"})
    lang.append(el)
    for name, size in (("Title", 20), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12.5)):
        st = styles[name]
        _fonts(st, HEADING_FONT, _LATIN_HEADING)
        st.font.size = Pt(size)
        st.font.bold = False  # 黑体 is already heavy; a synthetic bold smears it
        st.font.italic = False
        st.font.color.rgb = RGBColor(*_ACCENT)
        st.paragraph_format.keep_with_next = True  # a heading never ends a page
        st.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(6)
    for name in ("List Bullet", "List Number", "Caption"):
        _fonts(styles[name], BODY_FONT, _LATIN_BODY)
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.text = ""
    r = head.add_run(title)
    r.font.size = Pt(9)
    r.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
    if synthetic:
        r = head.add_run("　　示例数据（合成，非真实统计）")
        r.font.size = Pt(9)
        r.font.color.rgb = RGBColor(*_RED)
        r.bold = True
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.text = ""
    for part in ("第 ", "PAGE", " 页 / 共 ", "NUMPAGES", " 页"):
        if part in ("PAGE", "NUMPAGES"):
            _field(foot, part)
        else:
            foot.add_run(part).font.size = Pt(9)
    props = doc.core_properties
    props.title = title
    props.language = "zh-CN"
    props.author = "chainplan"
    props.comments = "由 chainplan 根据方案的目标预测表与规上企业名录自动生成，可编辑。"


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / placeholder / end runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def run_with(child):
        r = paragraph.add_run()
        r.font.size = Pt(9)
        r._r.append(child)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run("1").font.size = Pt(9)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# ---------------------------------------------------------------------------------------------- content
class _Writer:
    def __init__(self, doc):
        self.doc = doc

    # inline text -----------------------------------------------------------------------------------
    def inline(self, paragraph, node, *, bold: bool = False, italic: bool = False, colour=None) -> None:
        from bs4 import NavigableString, Tag
        from docx.shared import RGBColor

        for child in node.children if isinstance(node, Tag) else [node]:
            if isinstance(child, NavigableString):
                text = re.sub(r"\s+", " ", str(child))
                if not text.strip() and not paragraph.runs:
                    continue
                run = paragraph.add_run(text)
                run.bold = bold or None
                run.italic = italic or None
                if colour:
                    run.font.color.rgb = RGBColor(*colour)
            elif isinstance(child, Tag):
                if child.name in ("style", "script", "svg"):
                    continue
                if child.name == "br":
                    paragraph.add_run().add_break()
                    continue
                self.inline(paragraph, child, bold=bold or child.name in ("strong", "b"),
                            italic=italic or child.name in ("em", "i"), colour=colour)

    # blocks ----------------------------------------------------------------------------------------
    def block(self, node) -> None:
        from bs4 import NavigableString, Tag

        if isinstance(node, NavigableString):
            if str(node).strip():
                self.inline(self.doc.add_paragraph(), node)
            return
        if not isinstance(node, Tag) or node.name in ("style", "script", "svg", "caption"):
            return
        name = node.name
        classes = set(node.get("class") or [])
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = int(name[1])
            text = node.get_text(" ", strip=True)
            if text:
                self.doc.add_heading(text, level=0 if level == 1 else min(level - 1, 3))
        elif "synthetic-notice" in classes:
            p = self.doc.add_paragraph()
            self.inline(p, node, bold=True, colour=_RED)
        elif name == "p":
            p = self.doc.add_paragraph()
            self.inline(p, node, colour=(0x55, 0x55, 0x55) if "table-note" in classes else None)
            if "table-note" in classes:  # a source line under a table: small and grey
                from docx.shared import Pt

                for r in p.runs:
                    r.font.size = Pt(9)
            if not p.text.strip():
                p._element.getparent().remove(p._element)
        elif name in ("ul", "ol"):
            style = "List Bullet" if name == "ul" else "List Number"
            for li in node.find_all("li", recursive=False):
                p = self.doc.add_paragraph(style=style)
                self.inline(p, li)
        elif name == "table":
            self.table(node)
        elif name == "pre":
            p = self.doc.add_paragraph(node.get_text())
            if node.find_parent(class_="output_error"):
                for r in p.runs:
                    from docx.shared import RGBColor

                    r.font.color.rgb = RGBColor(*_RED)
        else:
            inline_only = not any(isinstance(c, Tag) and c.name in _BLOCKS for c in node.children)
            if inline_only and node.get_text(strip=True):
                p = self.doc.add_paragraph()
                self.inline(p, node)
            else:
                for child in node.children:
                    self.block(child)

    def table(self, node) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt, RGBColor

        cap = node.find("caption")
        if cap is not None and cap.get_text(strip=True):
            p = self.doc.add_paragraph()
            r = p.add_run(cap.get_text(" ", strip=True))
            r.bold = True
            r.font.color.rgb = RGBColor(*_ACCENT)
            p.paragraph_format.keep_with_next = True
        rows = [tr for tr in node.find_all("tr") if tr.find(["td", "th"])]
        if not rows:
            return
        width = max(len(tr.find_all(["td", "th"])) for tr in rows)
        t = self.doc.add_table(rows=len(rows), cols=width)
        t.style = self.doc.styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, tr in enumerate(rows):
            cells = tr.find_all(["td", "th"])
            header = all(c.name == "th" for c in cells)
            if header:
                trpr = t.rows[i]._tr.get_or_add_trPr()
                el = OxmlElement("w:tblHeader")
                el.set(qn("w:val"), "true")
                trpr.append(el)
            for j, c in enumerate(cells):
                cell = t.cell(i, j)
                p = cell.paragraphs[0]
                run = p.add_run(c.get_text(" ", strip=True))
                run.font.size = Pt(9)
                _fonts(run, TABLE_FONT if not header else HEADING_FONT, _LATIN_BODY)
                if "num" in (c.get("class") or []):
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if header:
                    shade = OxmlElement("w:shd")
                    shade.set(qn("w:val"), "clear")
                    shade.set(qn("w:fill"), "DFE8F2")
                    cell._tc.get_or_add_tcPr().append(shade)
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.line_spacing = 1.1
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def picture(self, png_b64: str, alt: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        data = base64.b64decode(png_b64 if isinstance(png_b64, str) else "".join(png_b64))
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        shape = p.add_run().add_picture(io.BytesIO(data), width=Mm(160))
        shape._inline.docPr.set("descr", alt)
        shape._inline.docPr.set("title", alt[:60])

    def html(self, fragment: str) -> None:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(fragment, "html.parser")
        for anchor in soup.select("a.anchor-link"):  # nbconvert's ¶ after each heading
            anchor.decompose()
        for child in soup.children:
            self.block(child)

    def markdown(self, text: str) -> None:
        from nbconvert.filters.markdown import markdown2html

        self.html(markdown2html(text))

    def output(self, out: dict[str, Any]) -> None:
        kind = out.get("output_type")
        if kind == "stream":
            self.doc.add_paragraph("".join(out.get("text", "")))
        elif kind == "error":
            from docx.shared import RGBColor

            p = self.doc.add_paragraph()
            r = p.add_run(f"{out.get('ename')}: {out.get('evalue')}")
            r.font.color.rgb = RGBColor(*_RED)
        else:
            data = out.get("data", {})
            join = lambda v: "".join(v) if isinstance(v, list) else v
            if "image/png" in data:
                alt = (out.get("metadata", {}).get("image/png") or {}).get("alt") or "图表"
                self.picture(data["image/png"], alt)
            elif "text/html" in data:
                self.html(join(data["text/html"]))
            elif "text/markdown" in data:
                self.markdown(join(data["text/markdown"]))
            elif "text/plain" in data:
                self.doc.add_paragraph(join(data["text/plain"]))


def notebook_to_docx(ipynb_path: str | Path, docx_path: str | Path, *, title: str, synthetic: bool = False) -> Path:
    """An executed briefing notebook → an editable Word file (A4, page numbers, 黑体/仿宋). Written atomically."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise ChainplanError("the Word briefing needs python-docx: pip install -e .") from exc
    src = Path(ipynb_path)
    nb = notebook.drop_analyst_only(notebook.prepare(notebook.read(src), for_print=True), keep=False)
    carries = any(notebook.carries_notice("".join(o.get("data", {}).get("text/html", "")))
                  for c in nb.cells for o in c.get("outputs", []))
    doc = docx.Document()
    _setup(doc, title, synthetic or carries)
    w = _Writer(doc)
    try:
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                w.markdown(cell.source)
            elif cell.cell_type == "code":
                for out in cell.outputs:
                    w.output(out)
    except Exception as exc:
        raise ChainplanError(f"{src}: Word conversion failed ({type(exc).__name__}: {exc})") from exc
    buf = io.BytesIO()
    doc.save(buf)
    return write_atomic(docx_path, buf.getvalue())
