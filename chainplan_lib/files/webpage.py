"""Reading a web page saved from a statistics bureau's site (.html / .htm): its title, its date and its tables.

Bureaus publish monthly tables as web pages; an office saves the page ("网页，仅HTML") and sends it. A page has a
``<title>``, a date line (``日期:2023-01-30 15:37``, ``发布时间：…``, or a ``<meta name="PubDate">``), some short
lines above each table (its title, ``单位：万元``) and tables whose headings span rows and columns
(``rowspan`` / ``colspan``). :func:`read_webpage` gives each table as rows of cell text with every spanned cell
filled (a heading belongs to every cell it covers, as a merged cell of a workbook does), the short lines above it,
the page's title and date. The text of a cell is kept exactly as printed (no number parsing): what a cell means
is for the cleaner to decide.

The page is parsed with BeautifulSoup on lxml's HTML parser (as pandas' ``read_html(flavor="lxml")`` parses it: it
closes the cells and rows old pages leave open; lxml comes with python-docx, and Python's own ``html.parser`` is
used if it is missing), and spans are filled as ``read_html`` fills them. ``read_html`` itself is not used: it
turns header rows into column labels and cells into numbers, and the header grammar of a 统计月报 needs both as
printed.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from .limits import WEBPAGE
from .regular import read_bytes
from .text import decode

__all__ = ["WEBPAGE_SUFFIXES", "WebTable", "WebPage", "read_webpage", "MAX_PAGE_BYTES"]

WEBPAGE_SUFFIXES = (".html", ".htm")
MAX_PAGE_BYTES = WEBPAGE.max_bytes
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
    return _WS.sub(" ", el.get_text(" ") if el.find("br") else el.get_text("")).strip()


def _span(el, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


def _owner(el):
    """The nearest <table> containing ``el``."""
    return el.find_parent("table")


def _table_rows(table) -> list[list[str]]:
    """The rows of a table with rowspan/colspan filled (each spanned position gets the cell's text)."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    for tr in (tr for tr in table.find_all("tr") if _owner(tr) is table):
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

        for cell in tr.find_all(["td", "th"], recursive=False):
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


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The page's declared charset when it decodes the page (no byte-order mark says otherwise), else the one
    decoder every input goes through (:func:`chainplan_lib.files.text.decode`: UTF-8, BOMs, GB18030/GBK)."""
    m = _CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        enc = m.group(1).decode("ascii", "replace").lower()
        enc = "gb18030" if enc in ("gb2312", "gbk", "gb18030") else enc
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            pass
    return tuple(decode(data, file=path))


def _page_date(soup, text_lines: list[str], date_words: tuple[str, ...]) -> tuple[_dt.date | None, str]:
    for meta in soup.find_all("meta"):
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


_BLOCK = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr", "table", "section", "article",
          "caption", "center", "header", "footer", "td", "th", "title", "dd", "dt", "form", "blockquote", "pre")
_MARK = "\x00table{}\x00"


def read_webpage(path: str | Path, *, date_words: tuple[str, ...] = ("发布日期", "发布时间", "日期", "时间"),
                 max_line: int = 60) -> WebPage:
    """The title, date and tables of a saved page (see the module docstring). ``date_words``: words before a
    date on the page's date line; ``max_line``: lines above a table longer than this are prose, not titles."""
    from bs4 import BeautifulSoup, FeatureNotFound

    path = Path(path)
    data = read_bytes(path, WEBPAGE)  # a regular file of at most 20 MB
    text, enc = _decode(data, path)
    try:
        try:
            soup = BeautifulSoup(text, "lxml")  # closes cells and rows a page leaves open (<td>a<td>b)
        except FeatureNotFound:
            soup = BeautifulSoup(text, "html.parser")
    except Exception as exc:  # the parser gives up on very broken markup
        raise InputError(f"not a readable web page ({type(exc).__name__}: {str(exc)[:120]})", file=path) from None
    for bad in soup(["script", "style", "noscript"]):
        bad.decompose()
    title = _WS.sub(" ", soup.title.get_text("")).strip() if soup.title else ""
    # the tables of the page (not those nested in a cell), read before the page is turned into lines
    tables = [t for t in soup.find_all("table") if _owner(t) is None]
    read = [(_table_rows(t), _text(t.caption) if t.caption else "") for t in tables]
    for k, t in enumerate(tables):
        t.replace_with(soup.new_string("\n" + _MARK.format(k) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with(soup.new_string("\n"))
    for el in soup.find_all(_BLOCK):
        el.insert_before(soup.new_string("\n"))
        el.insert_after(soup.new_string("\n"))
    body = soup.body if soup.body is not None else soup
    if soup.title is not None:
        soup.title.decompose()
    lines: list[str | int] = []
    for raw in body.get_text("").split("\n"):
        line = _WS.sub(" ", raw).strip()
        if not line:
            continue
        m = re.fullmatch(r"\x00table(\d+)\x00", line)
        lines.append(int(m.group(1)) if m else line)
    text_lines = [x for x in lines if isinstance(x, str)]
    date, date_text = _page_date(soup, [title, *text_lines], date_words)
    out = []
    for k, (rows, cap) in enumerate(read):
        pos = lines.index(k) if k in lines else len(lines)
        above: list[str] = []
        for x in reversed(lines[:pos]):
            if isinstance(x, int) or len(above) >= 4:
                break
            if len(x) <= max_line and not _date_line(x, date_words):
                above.insert(0, x)
        if any(any(c for c in r) for r in rows):
            out.append(WebTable(len(out) + 1, rows, above, cap))
    return WebPage(path, title, date, date_text, out, enc)
