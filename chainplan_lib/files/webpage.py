"""Reading a web page saved from a statistics bureau's site (.html / .htm): its title, its date and its tables.

Bureaus publish monthly tables as web pages; an office saves the page ("网页，仅HTML") and sends it. A page has a
``<title>``, a date line (``日期:2023-01-30 15:37``, ``发布时间：…``, or a ``<meta name="PubDate">``), some short
lines above each table (its title, ``单位：万元``) and tables whose headings span rows and columns
(``rowspan`` / ``colspan``). :func:`read_webpage` gives each table as rows of cell text with every spanned cell
filled (a heading belongs to every cell it covers, as a merged cell of a workbook does), the short lines above it,
the page's title and date. The text of a cell is kept exactly as printed (no number parsing): what a cell means
is for the cleaner to decide.

The page is parsed with lxml's HTML parser (as pandas' ``read_html(flavor="lxml")`` does, with the same
rowspan/colspan expansion), but cells stay text and header rows stay rows: ``read_html`` would turn header rows
into column labels and cells into numbers, and the header grammar of a 统计月报 needs both as printed.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

__all__ = ["WEBPAGE_SUFFIXES", "WebTable", "WebPage", "read_webpage", "MAX_PAGE_BYTES"]

WEBPAGE_SUFFIXES = (".html", ".htm")
MAX_PAGE_BYTES = 20_000_000
MAX_SPAN = 1000
_WS = re.compile(r"[\s\u3000\xa0]+")
_DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-年/.]\s*(\d{1,2})(?:\s*[-月/.]\s*(\d{1,2}))?(?!\d)")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


@dataclass
class WebTable:
    """One ``<table>``: rows of cell text (spans filled), the short text lines right above it (prose and the
    page's date line left out), its caption."""

    index: int  # 1-based, in page order (tables nested in another table's cell are skipped)
    rows: list[list[str]]
    lines_above: list[str] = field(default_factory=list)
    caption: str = ""


@dataclass
class WebPage:
    path: Path
    title: str
    date: _dt.date | None
    date_text: str
    tables: list[WebTable]
    encoding: str


def _text(el) -> str:
    """A cell's text as a reader sees it: <br> as a space, runs of whitespace as one space."""
    parts = []
    for node in el.iter():
        if node.tag == "br":
            parts.append(" ")
        if node.text and node is not el and node.tag not in ("script", "style"):
            parts.append(node.text)
        elif node is el and node.text:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return _WS.sub(" ", "".join(parts)).strip()


def _span(el, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


def _table_rows(table) -> list[list[str]]:
    """The rows of a table with rowspan/colspan filled (each spanned position gets the cell's text)."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    trs = [tr for tr in table.iter("tr") if _owner(tr) is table]
    for tr in trs:
        row: list[str] = []
        col = 0

        def fill_pending():
            nonlocal col
            while col in pending:
                text, left = pending[col]
                row.append(text)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (text, left - 1)
                col += 1

        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            fill_pending()
            text = _text(cell)
            cs, rs = _span(cell, "colspan"), _span(cell, "rowspan")
            for _ in range(cs):
                row.append(text)
                if rs > 1:
                    pending[col] = (text, rs - 1)
                col += 1
        fill_pending()
        while pending and max(pending) >= col:  # spans reaching past the last cell of this row
            col_next = min(c for c in pending if c >= col)
            row.extend([""] * (col_next - col))
            col = col_next
            fill_pending()
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def _owner(el):
    """The nearest <table> containing ``el``."""
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    m = _CHARSET.search(data[:4096])
    candidates = []
    if data.startswith(b"\xef\xbb\xbf"):
        candidates.append("utf-8-sig")
    if m:
        enc = m.group(1).decode("ascii", "replace").lower()
        candidates.append("gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc)
    candidates += ["utf-8", "gb18030"]
    for enc in dict.fromkeys(candidates):
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError("cannot decode the page (tried its declared charset, UTF-8 and GB18030)", file=path)


def _page_date(root, text_lines: list[str], date_words: tuple[str, ...]) -> tuple[_dt.date | None, str]:
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "date", "dc.date"):
            m = _DATE.search(meta.get("content") or "")
            if m:
                return _mkdate(m), f"<meta name={name}>"
    for line in text_lines:
        m = _date_line(line, date_words)
        if m:
            return _mkdate(m), line.strip()[:80]
    return None, ""


def _date_line(line: str, date_words: tuple[str, ...]):
    """The date match of a date line (日期:2023-01-30 15:37, 发布时间：2020-10-21), or None."""
    for w in date_words:
        k = line.find(w) if w else -1
        if k >= 0:
            m = _DATE.search(line, k)
            if m and len(line[k + len(w):m.start()].strip(" :：\u3000")) == 0:
                return m
    return None


def _mkdate(m) -> _dt.date | None:
    """The date a match names (a month without its day: the 1st, which is enough to tell a year)."""
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "table", "section", "article", "span",
          "caption", "center", "font", "strong", "b", "header", "footer", "td", "th", "title"}


def read_webpage(path: str | Path, *, date_words: tuple[str, ...] = ("发布日期", "发布时间", "日期", "时间"),
                 max_line: int = 60) -> WebPage:
    """The title, date and tables of a saved page (see the module docstring). ``date_words``: words before a
    date on the page's date line; ``max_line``: lines above a table longer than this are prose, not titles."""
    import lxml.html

    path = Path(path)
    data = path.read_bytes()
    if len(data) > MAX_PAGE_BYTES:
        raise InputError(f"page is larger than {MAX_PAGE_BYTES // 1_000_000} MB; a bureau's page is far smaller",
                         file=path)
    text, enc = _decode(data, path)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml's ParserError / XMLSyntaxError on an empty or broken document
        raise InputError(f"not a readable web page ({type(exc).__name__}: {str(exc)[:120]})", file=path) from None
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    title_el = root.find(".//title")
    title = _text(title_el) if title_el is not None else ""
    # the page's text as lines, in order, with each top-level table as a marker
    lines: list[str | int] = []
    tables: list = []
    buf: list[str] = []

    def flush():
        t = _WS.sub(" ", "".join(buf)).strip()
        if t:
            lines.append(t)
        buf.clear()

    def walk(el):
        if not isinstance(el.tag, str):
            if el.tail:
                buf.append(el.tail)
            return
        if el.tag == "table":
            flush()
            if _owner(el) is None:
                tables.append(el)
                lines.append(len(tables) - 1)
            if el.tail:
                buf.append(el.tail)
            return
        if el.tag in ("head",):
            return
        block = el.tag in _BLOCK
        if block:
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    text_lines = [x for x in lines if isinstance(x, str)]
    date, date_text = _page_date(root, [title, *text_lines], date_words)
    out = []
    for k, el in enumerate(tables):
        pos = lines.index(k)
        above: list[str] = []
        for x in reversed(lines[:pos]):
            if isinstance(x, int) or len(above) >= 4:
                break
            if len(x) <= max_line and not _date_line(x, date_words):
                above.insert(0, x)
        cap = el.find("caption")
        rows = _table_rows(el)
        if any(any(c for c in r) for r in rows):
            out.append(WebTable(len(out) + 1, rows, above, _text(cap) if cap is not None else ""))
    return WebPage(path, title, date, date_text, out, enc)
