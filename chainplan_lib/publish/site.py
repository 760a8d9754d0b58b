"""The report folder as a small offline site: index, header bar, table of contents, analyst pages.

reports/YYYY/
  index.html               leads with the briefing (web page, PDF, Word), then the other pages
  html/<stem>.html         for policy staff: outputs only
  analyst/<stem>.html      for analysts: the same outputs with each cell's code folded under them
  notebooks/<stem>.ipynb   the executed notebook, offered as a download from the analyst page
  briefing-YYYY.pdf/.docx  the briefing

Every page has a header bar (首页 · 上一页 · 下一页 · 简报 PDF · 简报 Word · the other version of the page) and a
table of contents built from its headings. Links are relative and nothing is fetched from the network: the
page's CSS is inline, charts are inline SVG, the font is an embedded WOFF2 subset of the glyphs the page uses
(:func:`chainplan_lib.publish.fonts.web_font`), so the folder works copied anywhere and opened from file://.
MathJax is only added to a page that has maths and only from a local copy (``$CHAINPLAN_MATHJAX``, a folder
holding ``tex-chtml.js``), copied into ``assets/mathjax/``; without one the TeX stays as written.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from .. import __version__

__all__ = ["BEIJING", "SitePage", "Site", "beijing_time", "page_html", "bar_html", "render_notebook", "index_html",
           "font_css", "toc_html"]

BEIJING = timezone(timedelta(hours=8), "北京时间")
TEMPLATES = Path(__file__).resolve().parent / "templates"
POLICY_DIR, ANALYST_DIR, NOTEBOOK_DIR = "html", "analyst", "notebooks"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SitePage:
    stem: str
    title: str


@dataclass(frozen=True)
class Site:
    """The pages of one report folder, in reading order (the briefing first)."""

    year: int
    pages: tuple[SitePage, ...]
    pdf: str | None = None
    docx: str | None = None

    @classmethod
    def discover(cls, out_dir: str | Path, stems: Iterable[str], titles: dict[str, str] | None = None,
                 year: int | None = None) -> "Site":
        titles = titles or _default_titles()
        year = year if year is not None else int(Path(out_dir).name)
        ordered = sorted(set(stems), key=lambda s: (s != "briefing", s))
        pdf = docx = None
        if "briefing" in ordered:
            pdf, docx = f"briefing-{year}.pdf", f"briefing-{year}.docx"
        return cls(year, tuple(SitePage(s, titles.get(s, s)) for s in ordered), pdf, docx)

    def index_of(self, stem: str) -> int:
        return [p.stem for p in self.pages].index(stem)


def _default_titles() -> dict[str, str]:
    from .batch import NOTEBOOK_TITLES

    return dict(NOTEBOOK_TITLES)


def beijing_time(when: str | datetime) -> str:
    """An ISO time (any zone; naive means UTC) → '2026年11月27日 14:03（北京时间）'."""
    t = datetime.fromisoformat(when) if isinstance(when, str) else when
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    t = t.astimezone(BEIJING)
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}（北京时间）"


# ------------------------------------------------------------------------------------------------ fonts
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


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


# ------------------------------------------------------------------------------------------- navigation
def _link(href: str | None, text: str, *, cls: str = "", download: bool = False) -> str:
    c = f' class="{cls}"' if cls else ""
    if href is None:
        return f'<li><span class="off">{html.escape(text)}</span></li>'
    dl = " download" if download else ""
    return f'<li{c}><a href="{html.escape(href)}"{dl}>{html.escape(text)}</a></li>'


def bar_html(site: Site, stem: str | None, variant: str = "policy") -> str:
    """The header bar of a page (``stem`` None: the index). Links are relative to the page's folder."""
    up = "" if stem is None else "../"
    items = ['<li class="here">首页</li>' if stem is None else _link(f"{up}index.html", "首页")]
    if stem is None:
        first = site.pages[0] if site.pages else None
        items += [_link(None, "上一页"),
                  _link(f"{POLICY_DIR}/{first.stem}.html" if first else None,
                        f"下一页：{first.title}" if first else "下一页")]
    else:
        i = site.index_of(stem)
        prev = site.pages[i - 1] if i > 0 else None
        nxt = site.pages[i + 1] if i + 1 < len(site.pages) else None
        items += [_link(f"{prev.stem}.html" if prev else f"{up}index.html",
                        f"上一页：{prev.title}" if prev else "上一页：首页"),
                  _link(f"{nxt.stem}.html" if nxt else None, f"下一页：{nxt.title}" if nxt else "下一页")]
    items += [_link(f"{up}{site.pdf}" if site.pdf else None, "简报 PDF", cls="push"),
              _link(f"{up}{site.docx}" if site.docx else None, "简报 Word（可编辑）")]
    if stem is not None:
        if variant == "analyst":
            items += [_link(f"{up}{POLICY_DIR}/{stem}.html", "政策人员版（无代码）"),
                      _link(f"{up}{NOTEBOOK_DIR}/{stem}.ipynb", "下载笔记本 .ipynb", download=True)]
        else:
            items.append(_link(f"{up}{ANALYST_DIR}/{stem}.html", "分析人员版（含代码）"))
    return f'<nav class="site-bar" aria-label="站点导航"><ul>{"".join(items)}</ul></nav>'


_HEADING = re.compile(r"<h([1-3])(\s[^>]*)?>(.*?)</h\1>", re.S)


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


# ---------------------------------------------------------------------------------------------- pages
_MATH = re.compile(r"\$\$.+?\$\$|\\\(.+?\\\)|(?<![\w$])\$[^$\s<][^$<]*?[\\^_{][^$<]*\$(?!\w)", re.S)


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


def render_notebook(source: str | Path, executed: str | Path, html_out: str | Path, *, title: str,
                    synthetic: bool = False, stems: Sequence[str] | None = None,
                    year: int | None = None) -> tuple[Path, Path]:
    """Both pages of one executed notebook: ``html/<stem>.html`` (policy) and ``analyst/<stem>.html`` (code folded).

    The report folder is ``html_out``'s grandparent; the site's pages are the notebooks beside ``source``
    (as the batch runs them) unless ``stems`` is given. ``year``: the report's year (default: the report
    folder's name, which a batch's temporary build folder is not).
    """
    from . import render

    html_out = Path(html_out)
    root = html_out.parent.parent
    stem = Path(executed).stem
    if stems is None:
        stems = [p.stem for p in Path(source).parent.glob("*.ipynb") if not p.name.startswith(".")]
    site = Site.discover(root, [*stems, stem], year=year)
    policy = render.notebook_to_html(executed, html_out, title=title, bar=bar_html(site, stem, "policy"),
                                     synthetic=synthetic)
    analyst = render.notebook_to_html(executed, root / ANALYST_DIR / f"{stem}.html", title=f"{title}（含代码）",
                                      hide_code=False, drop_stderr=True, bar=bar_html(site, stem, "analyst"),
                                      synthetic=synthetic)
    return policy, analyst


# ---------------------------------------------------------------------------------------------- index
def index_html(year: int, runs: Sequence[Any], out_dir: Path, pdf: Path | None, synthetic: bool,
               manifest: dict[str, Any], titles: dict[str, str] | None = None, plan=None,
               heading: str | None = None) -> str:
    """The report folder's front page: the briefing first (web page, PDF, Word), then every other page.
    ``heading``: the page's title (default: the yearly briefing's, naming the plan's district; a 1—N月
    briefing passes its own)."""
    from ..plan.load import as_plan

    titles = titles or _default_titles()
    heading = heading or f"{as_plan(plan).district}制造业重点产业链 {year}年度简报"
    site = Site.discover(out_dir, [r.name for r in runs], titles, year=year)
    by = {r.name: r for r in runs}
    docx = out_dir / site.docx if site.docx else None

    def links(stem: str) -> str:
        r = by[stem]
        parts = []
        if r.html:
            parts.append(f'<a href="{POLICY_DIR}/{stem}.html">网页版</a>')
        if (out_dir / ANALYST_DIR / f"{stem}.html").is_file():
            parts.append(f'<a href="{ANALYST_DIR}/{stem}.html">含代码版</a>')
        parts.append(f'<a href="{NOTEBOOK_DIR}/{stem}.ipynb" download>下载笔记本 .ipynb</a>')
        return " · ".join(parts)

    def status(stem: str) -> str:
        r = by[stem]
        return "完成" if r.ok else f"<span class='fail'>失败：{html.escape(r.error or '')}</span>"

    lead = ""
    if "briefing" in by:
        files = []
        if by["briefing"].html:
            files.append(f'<a href="{POLICY_DIR}/briefing.html">网页版</a>')
        if pdf is not None:
            files.append(f'<a href="{html.escape(pdf.name)}">PDF（{_size(pdf)}）</a>')
        if docx is not None and docx.is_file():
            files.append(f'<a href="{html.escape(docx.name)}">Word，可编辑（{_size(docx)}）</a>')
        lead = (f'<section class="lead"><h2>{html.escape(titles.get("briefing", "年度简报"))}</h2>'
                f'<p class="links">{"".join(files)}</p><p class="meta">供分析人员：{links("briefing")} · '
                f'状态：{status("briefing")}</p></section>')
    rows = "".join(f"<tr><td>{html.escape(p.title)}</td><td>{links(p.stem)}</td><td>{status(p.stem)}</td></tr>"
                   for p in site.pages if p.stem != "briefing")
    notice = ("<p class='synthetic-notice'>示例数据：本批次使用的企业名录为合成数据，不是真实统计。</p>"
              if synthetic else "")
    inputs = "".join(f"<li><code>{html.escape(i['path'])}</code> · SHA-256 {html.escape(i['sha256'][:12])}…</li>"
                     for i in manifest.get("inputs", []))
    given = manifest.get("parameters_given") or {}
    params = ("<h2>本次设定的参数</h2><p>" + "；".join(
        f"<code>{html.escape(k)} = {html.escape(json.dumps(v, ensure_ascii=False))}</code>" for k, v in given.items())
        + "（由 <code>chainplan brief -p 名称=值</code> 或 <code>--params 文件.yaml</code> 设定）</p>") if given else ""
    body = (f"<h1>{html.escape(heading)}</h1>"
            f"<p class='meta'>生成时间：{beijing_time(manifest['finished'])} · chainplan {html.escape(__version__)}</p>"
            f"{notice}{lead}<h2>分析页面</h2>"
            "<table class='pages'><thead><tr><th>内容</th><th>打开</th><th>状态</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            "<p class='meta'>网页版供政策人员阅读（不含代码）；含代码版在每个输出下折叠了生成它的代码，点击“显示代码”展开；"
            "笔记本 .ipynb 可在 JupyterLab 中重新运行。</p>"
            f"{params}<h2>数据来源</h2><ul>{inputs}</ul>"
            '<p>输入文件校验和、参数、软件版本与耗时见 <a href="manifest.json">manifest.json</a>。</p>')
    return page_html(heading, body, bar=bar_html(site, None), synthetic=synthetic)


def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
