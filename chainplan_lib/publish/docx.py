"""The briefing as an editable Word file (``briefing-YYYY.docx``), beside the PDF, with the same content.

Built with python-docx from the executed briefing notebook's outputs (what the PDF shows, prepared by
:mod:`chainplan_lib.publish.notebook`): headings, paragraphs and lists, tables as real Word tables (header row
repeated on each page, numbers right-aligned) under a caption, charts as pictures with a caption below, the
示例数据 notice in every page header when the data are synthetic, page numbers (第 X 页 / 共 Y 页), A4.

As official documents are set (GB/T 9704): body text 三号 (16 pt) 仿宋_GB2312 — declared in the font table with
仿宋 as its alternative, so a machine without the GB2312 face uses 仿宋 —, headings 黑体 (level 2 楷体_GB2312 / 楷体),
tables 宋体 小五. :class:`WordStyle` changes any of it. Fonts are named, not embedded; Latin text uses Times New
Roman / Arial.

Captions are Word captions: the Caption style and a ``SEQ 表`` / ``SEQ 图`` field, so Word numbers them, lists them
(插入表目录) and renumbers them when a table or chart is moved. Charts are vector where Word reads it (the SVG each
chart carries, Word 2016 and later; WPS and older Word show the PNG fallback stored with it). The document's
dates are the time it was made.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ChainplanError
from ..files.atomic import write_atomic
from . import notebook

__all__ = ["notebook_to_docx", "WordStyle", "HEADING_FONT", "BODY_FONT", "TABLE_FONT"]

HEADING_FONT, BODY_FONT, TABLE_FONT = "黑体", "仿宋_GB2312", "宋体"
_LATIN_BODY, _LATIN_HEADING = "Times New Roman", "Arial"
_SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"          # Office 2016's SVG picture extension
_SVG_NS = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
_SVG_FONTS = "'Noto Sans CJK SC', 'Microsoft YaHei', SimHei, sans-serif"


@dataclass(frozen=True)
class WordStyle:
    """Fonts and sizes of the Word briefing (points; 三号 = 16, 小五 = 9). ``*_alt``: the face a machine without
    the named one uses instead (declared in the document's font table)."""

    body_font: str = BODY_FONT
    body_font_alt: str | None = "仿宋"
    body_size: float = 16.0
    line_spacing: float = 28.0              # exactly, in points: 22 lines a page as official documents have
    heading_font: str = HEADING_FONT
    heading2_font: str = "楷体_GB2312"
    heading2_font_alt: str | None = "楷体"
    title_size: float = 22.0                # 二号
    heading_size: float = 16.0              # 三号
    table_font: str = TABLE_FONT
    table_size: float = 9.0                 # 小五
    caption_size: float = 12.0              # 小四


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


def _setup(doc, title: str, synthetic: bool, style: WordStyle) -> None:
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
    _fonts(normal, style.body_font, _LATIN_BODY)
    normal.font.size = Pt(style.body_size)
    normal.paragraph_format.line_spacing = Pt(style.line_spacing)
    normal.paragraph_format.space_after = Pt(0)
    lang = normal.element.get_or_add_rPr()
    el = lang.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN"})
    lang.append(el)
    sizes = {"Title": style.title_size, "Heading 1": style.heading_size, "Heading 2": style.heading_size,
             "Heading 3": style.heading_size}
    for name, size in sizes.items():
        st = styles[name]
        _fonts(st, style.heading2_font if name == "Heading 2" else style.heading_font, _LATIN_HEADING)
        st.font.size = Pt(size)
        st.font.bold = name == "Heading 3"  # 黑体 and 楷体 are heavy enough; a synthetic bold smears them
        st.font.italic = False
        st.font.color.rgb = RGBColor(*_ACCENT)
        st.paragraph_format.keep_with_next = True  # a heading never ends a page
        st.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(6)
        st.paragraph_format.line_spacing = 1.15
    if style.body_font != style.heading_font:
        _fonts(styles["Heading 3"], style.body_font, _LATIN_BODY)
    for name in ("List Bullet", "List Number"):
        _fonts(styles[name], style.body_font, _LATIN_BODY)
    caption = styles["Caption"]
    _fonts(caption, style.heading_font, _LATIN_HEADING)
    caption.font.size = Pt(style.caption_size)
    caption.font.bold = False
    caption.font.color.rgb = RGBColor(*_ACCENT)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(6)
    _declare_fonts(doc, {style.body_font: style.body_font_alt, style.heading2_font: style.heading2_font_alt})
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
            _field(foot, part, "1", size=9)
        else:
            foot.add_run(part).font.size = Pt(9)
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)  # python-docx writes naive times as UTC
    props = doc.core_properties
    props.title = title
    props.language = "zh-CN"
    props.author = props.last_modified_by = "chainplan"
    props.created = props.modified = now
    props.revision = 1
    props.comments = "由 chainplan 根据方案的目标预测表、规上企业名录与统计月报自动生成，可编辑。"


def _declare_fonts(doc, alternatives: dict[str, str | None]) -> None:
    """Add the East Asian faces to the document's font table, each with the face to use where it is missing
    (``w:altName``): 仿宋_GB2312 → 仿宋 on a machine that has only the newer face."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    root = etree.fromstring(part.blob)
    for name, alt in alternatives.items():
        if root.find(f"{{{w}}}font[@{{{w}}}name='{name}']") is not None:
            continue
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        if alt:
            etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alt})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})     # GB2312
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "modern"})
        etree.SubElement(font, f"{{{w}}}pitch", {f"{{{w}}}val": "fixed"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(paragraph, code: str, shown: str, *, size: float | None = None) -> None:
    """A Word field (PAGE, NUMPAGES, SEQ 表 …) as begin / instruction / separate / result / end runs; ``shown`` is
    the result Word displays until it updates the field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def run_with(child=None, text: str | None = None):
        r = paragraph.add_run(text)
        if size:
            r.font.size = Pt(size)
        if child is not None:
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
    run_with(text=shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


_KIND = re.compile(r"^[^：。:]{0,8}图[：。:]")


def figure_caption(alt: str) -> str:
    """A chart's caption from its alt text: the chart kinds ('两幅折线图。左图：') dropped, up to the first colon or
    full stop, at most 60 characters."""
    text = alt.strip()
    while _KIND.match(text):
        text = _KIND.sub("", text, count=1).strip()
    text = re.split(r"[：。:]", text, maxsplit=1)[0].strip() or alt.strip()
    return text if len(text) <= 60 else text[:59] + "…"


# ---------------------------------------------------------------------------------------------- content
class _Writer:
    def __init__(self, doc, style: WordStyle):
        self.doc = doc
        self.style = style
        self.counts = {"表": 0, "图": 0}

    def caption(self, kind: str, text: str, *, before_next: bool) -> None:
        """A Word caption: '表 1　text' above a table (kept with it), '图 1　text' below a chart."""
        self.counts[kind] += 1
        p = self.doc.add_paragraph(style="Caption")
        p.add_run(f"{kind} ")
        _field(p, f"SEQ {kind} \\* ARABIC", str(self.counts[kind]))
        p.add_run(f"　{text}")
        p.paragraph_format.keep_with_next = before_next

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
        from docx.shared import Pt

        cap = node.find("caption")
        if cap is not None and cap.get_text(strip=True):
            self.caption("表", cap.get_text(" ", strip=True), before_next=True)
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
                run.font.size = Pt(self.style.table_size)
                _fonts(run, self.style.table_font if not header else self.style.heading_font, _LATIN_BODY)
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

    def picture(self, png_b64: str, alt: str, svg: str | None = None) -> None:
        """A chart: the SVG where Word reads it (with the PNG as the fallback every reader shows), else the PNG;
        its alt text as the picture's description, and a caption below."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        data = base64.b64decode(png_b64 if isinstance(png_b64, str) else "".join(png_b64))
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.line_spacing = 1.0
        shape = p.add_run().add_picture(io.BytesIO(data), width=Mm(160))
        shape._inline.docPr.set("descr", alt)
        shape._inline.docPr.set("title", alt[:60])
        if svg:
            self._svg(shape, svg)
        self.caption("图", figure_caption(alt), before_next=False)

    def _svg(self, shape, svg: str) -> None:
        """Store ``svg`` in the document and point the picture at it through Office's SVG extension."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.part import Part
        from docx.oxml.ns import qn
        from lxml import etree

        package = self.doc.part.package
        text = svg.replace("'Noto Sans CJK SC', sans-serif", _SVG_FONTS)
        part = Part(package.next_partname("/word/media/chart%d.svg"), "image/svg+xml", text.encode("utf-8"), package)
        rid = self.doc.part.relate_to(part, RT.IMAGE)
        blip = shape._inline.graphic.graphicData.pic.blipFill.find(qn("a:blip"))
        a = "http://schemas.openxmlformats.org/drawingml/2006/main"
        ext_lst = blip.find(f"{{{a}}}extLst")
        if ext_lst is None:
            ext_lst = etree.SubElement(blip, f"{{{a}}}extLst")
        ext = etree.SubElement(ext_lst, f"{{{a}}}ext", {"uri": _SVG_EXT})
        etree.SubElement(ext, f"{{{_SVG_NS}}}svgBlip", {qn("r:embed"): rid}, nsmap={"asvg": _SVG_NS})

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
                svg = data.get("image/svg+xml")
                self.picture(data["image/png"], alt, join(svg) if svg else None)
            elif "text/html" in data:
                self.html(join(data["text/html"]))
            elif "text/markdown" in data:
                self.markdown(join(data["text/markdown"]))
            elif "text/plain" in data:
                self.doc.add_paragraph(join(data["text/plain"]))


def notebook_to_docx(ipynb_path: str | Path, docx_path: str | Path, *, title: str, synthetic: bool = False,
                     style: WordStyle | None = None) -> Path:
    """An executed briefing notebook → an editable Word file (A4, page numbers, captions, 三号仿宋 body; ``style``
    changes fonts and sizes). Written atomically."""
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise ChainplanError("the Word briefing needs python-docx: pip install -e .") from exc
    src = Path(ipynb_path)
    nb = notebook.drop_analyst_only(notebook.prepare(notebook.read(src), for_print=True), keep=False)
    carries = any(notebook.carries_notice("".join(o.get("data", {}).get("text/html", "")))
                  for c in nb.cells for o in c.get("outputs", []))
    style = style or WordStyle()
    doc = docx.Document()
    _setup(doc, title, synthetic or carries, style)
    w = _Writer(doc, style)
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
