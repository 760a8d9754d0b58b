"""The shell of every web page: one self-contained HTML file around a body (pages, index).

The site CSS is inline, the font is an embedded WOFF2 subset of exactly the characters the page uses
(:func:`chainplan_lib.publish.fonts.web_font`), the headings get a table of contents, and nothing is fetched from
the network, so a page works copied anywhere and opened from file://. MathJax is only added to a page that has
maths and only from a local copy (``$CHAINPLAN_MATHJAX``, a folder holding ``tex-chtml.js``), copied into the
report's ``assets/mathjax/``; without one the TeX stays as written.

What links pages to each other (the header bar, the index) is :mod:`chainplan_lib.publish.site`'s.
"""

from __future__ import annotations

import base64
import html
import logging
import os
import re
import shutil
from pathlib import Path

from .. import __version__

__all__ = ["TEMPLATES", "page_html", "font_css", "toc_html", "has_math"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_log = logging.getLogger(__name__)
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")
_HEADING = re.compile(r"<h([1-3])(\s[^>]*)?>(.*?)</h\1>", re.S)
_MATH = re.compile(r"\$\$.+?\$\$|\\\(.+?\\\)|(?<![\w$])\$[^$\s<][^$<]*?[\\^_{][^$<]*\$(?!\w)", re.S)


def font_css(document: str) -> str:
    """``@font-face`` rules embedding WOFF2 subsets of exactly the characters ``document`` uses."""
    from . import fonts

    text = html.unescape(_DATA_URI.sub("", document))
    rules = []
    for f in fonts.web_font(set(text)):
        data = base64.b64encode(f.data).decode("ascii")
        rules.append(f"@font-face{{font-family:'{f.family}';src:url(data:font/woff2;base64,{data}) "
                     "format('woff2');font-display:block}")
    return "\n".join(rules)


def toc_html(body: str) -> tuple[str, str]:
    """(table of contents, body with ``id="sec-N"`` on its h1–h3). The page title (first h1) is not listed
    when the page has h2/h3 headings."""
    entries: list[tuple[int, str, str]] = []

    def number(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2) or "", m.group(3)
        anchor = f"sec-{len(entries) + 1}"
        attrs = re.sub(r'\s+id="[^"]*"', "", attrs)
        entries.append((level, anchor, re.sub(r"<[^>]+>", "", inner).strip()))
        return f'<h{level} id="{anchor}"{attrs}>{inner}</h{level}>'

    body = _HEADING.sub(number, body)
    listed = [e for e in entries if e[0] > 1] or entries
    items = "".join(f'<li class="h{lvl}"><a href="#{a}">{html.escape(html.unescape(t))}</a></li>'
                    for lvl, a, t in listed if t)
    return f'<nav class="toc" aria-label="本页目录"><h2>本页目录</h2><ol>{items}</ol></nav>', body


def has_math(body: str) -> bool:
    """Whether a page body holds TeX maths ($$…$$, \\(…\\), or $…$ with a TeX command, ^, _ or {)."""
    return bool(_MATH.search(re.sub(r"<(svg|pre|code)\b.*?</\1>", "", body, flags=re.S)))


def _mathjax(out_root: Path | None, up: str) -> str:
    """A <script> for a local MathJax copy (copied into assets/), or "" with a warning when none is set."""
    src = os.environ.get("CHAINPLAN_MATHJAX")
    if not src or not (Path(src) / "tex-chtml.js").is_file() or out_root is None:
        _log.warning("page has maths but no local MathJax ($CHAINPLAN_MATHJAX); TeX is shown as written")
        return ""
    target = out_root / "assets" / "mathjax"
    if not (target / "tex-chtml.js").is_file():
        shutil.copytree(src, target, dirs_exist_ok=True)
    return f'<script defer src="{up}assets/mathjax/tex-chtml.js"></script>'


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".highlight")


def page_html(title: str, body: str, *, bar: str = "", code: bool = False, synthetic: bool = False,
              head_extra: str = "", footer: str = "", root: Path | None = None, up: str = "../") -> str:
    """A complete, self-contained page: the site CSS, the embedded font, header bar, table of contents.

    ``root``: the report folder (for a local MathJax copy when the page has maths); ``up``: the relative path
    from the page to it."""
    if has_math(body):
        head_extra += _mathjax(root, up)
    toc, body = toc_html(body)
    css = (TEMPLATES / "site.css").read_text(encoding="utf-8") + ("\n" + _pygments_css() if code else "")
    foot = footer or (f"chainplan {html.escape(__version__)} 生成 · 本页离线可用（字体与图表均已内嵌）"
                      + (" · <span class='synthetic-flag'>含示例数据（合成，非真实统计）</span>" if synthetic else ""))
    shell = (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f"<title>{html.escape(title)}</title>\n"
             f'<meta name="generator" content="chainplan {html.escape(__version__)}">\n'
             f"<style>\n{css}\n</style>\n{head_extra}"
             "<style>\n@@FONT@@\n</style>\n</head>\n"
             f'<body class="{"code" if code else "policy"}{" synthetic" if synthetic else ""}">\n{bar}\n'
             f'<div class="layout">\n{toc}\n<main>\n{body}\n</main>\n</div>\n'
             f'<footer class="site-foot">{foot}</footer>\n</body>\n</html>\n')
    return shell.replace("@@FONT@@", font_css(shell), 1)
