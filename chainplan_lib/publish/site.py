"""The report folder as a small offline site: how its pages link to each other, and its index.

reports/YYYY/
  index.html               leads with the briefing (web page, PDF, Word), then the other pages
  html/<stem>.html         for policy staff: outputs only
  analyst/<stem>.html      for analysts: the same outputs with each cell's code folded under them
  notebooks/<stem>.ipynb   the executed notebook, offered as a download from the analyst page
  briefing-YYYY.pdf/.docx  the briefing
reports/index.html         every report beside it (years, scenarios), newest first

Every page has a header bar (首页 · 上一页 · 下一页 · 简报 PDF · 简报 Word · the other version of the page). Links
are relative and never leave the report's folder, so it works copied anywhere. Page titles are the notebooks' own
(:func:`chainplan_lib.publish.notebook.title`); the page itself is :func:`chainplan_lib.publish.shell.page_html`.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .. import __version__
from .shell import page_html

__all__ = ["BEIJING", "SitePage", "Site", "beijing_time", "bar_html", "index_html", "reports_index_html",
           "POLICY_DIR", "ANALYST_DIR", "NOTEBOOK_DIR"]

BEIJING = timezone(timedelta(hours=8), "北京时间")
POLICY_DIR, ANALYST_DIR, NOTEBOOK_DIR = "html", "analyst", "notebooks"


@dataclass(frozen=True)
class SitePage:
    stem: str
    title: str


@dataclass(frozen=True)
class Site:
    """The pages of one report folder, in reading order (the briefing first), and its PDF and Word files."""

    year: int
    pages: tuple[SitePage, ...]
    pdf: str | None = None
    docx: str | None = None

    @classmethod
    def of(cls, year: int | None, titles: Mapping[str, str], *, pdf: str | None = None,
           docx: str | None = None) -> "Site":
        """The site of a report whose notebooks are ``titles`` (stem → page title, read in that order with the
        briefing first), linking the briefing's ``pdf`` and ``docx`` files when it has them."""
        ordered = sorted(titles, key=lambda s: (s != "briefing", s))
        return cls(year or 0, tuple(SitePage(s, titles[s]) for s in ordered), pdf, docx)

    def index_of(self, stem: str) -> int:
        return [p.stem for p in self.pages].index(stem)

    def title(self, stem: str) -> str:
        return self.pages[self.index_of(stem)].title


def beijing_time(when: str | datetime) -> str:
    """An ISO time (any zone; naive means UTC) → '2026年11月27日 14:03（北京时间）'."""
    t = datetime.fromisoformat(when) if isinstance(when, str) else when
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    t = t.astimezone(BEIJING)
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}（北京时间）"


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


# ---------------------------------------------------------------------------------------------- index
def _size(path: Path) -> str:
    n = path.stat().st_size
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _source_html(manifest: Mapping[str, Any]) -> str:
    """Where the notebooks came from: the git commit (and whether the tree had changes), each notebook's SHA-256."""
    src = manifest.get("source") or {}
    commit = src.get("commit")
    if commit:
        state = "（工作区有未提交的修改）" if src.get("dirty") else "（工作区无未提交的修改）"
        line = f"笔记本源码：git 提交 <code>{html.escape(str(commit)[:12])}</code>{state}"
    else:
        line = "笔记本源码：不在 git 仓库中（无提交记录）"
    return f"<p class='meta'>{line}；每个笔记本源文件的 SHA-256 见下表与 manifest.json。</p>"


def index_html(site: Site, runs: Sequence[Any], out_dir: Path, manifest: Mapping[str, Any], *, heading: str,
               synthetic: bool, scenario: str | None = None) -> str:
    """The report folder's front page: the briefing first (web page, PDF, Word), then every other page, the
    scenario and parameters it was made with, where its notebooks came from and its inputs."""
    by = {r.name: r for r in runs}   # NotebookRun records (chainplan_lib.publish.manifest)
    pdf = out_dir / site.pdf if site.pdf and (out_dir / site.pdf).is_file() else None
    docx = out_dir / site.docx if site.docx and (out_dir / site.docx).is_file() else None

    def links(stem: str) -> str:
        out = by[stem].outputs
        parts = []
        if "html" in out:
            parts.append(f'<a href="{html.escape(out["html"])}">网页版</a>')
        if "analyst" in out:
            parts.append(f'<a href="{html.escape(out["analyst"])}">含代码版</a>')
        parts.append(f'<a href="{NOTEBOOK_DIR}/{stem}.ipynb" download>下载笔记本 .ipynb</a>')
        return " · ".join(parts)

    def status(stem: str) -> str:
        r = by[stem]
        return "完成" if r.ok else f"<span class='fail'>失败：{html.escape(r.error or '')}</span>"

    def sha(stem: str) -> str:
        digest = by[stem].sha256
        return f"<code>{html.escape(digest[:12])}</code>" if digest else "—"

    lead = ""
    if "briefing" in by:
        files = []
        if "html" in by["briefing"].outputs:
            files.append(f'<a href="{POLICY_DIR}/briefing.html">网页版</a>')
        if pdf is not None:
            files.append(f'<a href="{html.escape(pdf.name)}">PDF（{_size(pdf)}）</a>')
        if docx is not None:
            files.append(f'<a href="{html.escape(docx.name)}">Word，可编辑（{_size(docx)}）</a>')
        lead = (f'<section class="lead"><h2>{html.escape(site.title("briefing"))}</h2>'
                f'<p class="links">{"".join(files)}</p><p class="meta">供分析人员：{links("briefing")} · '
                f'状态：{status("briefing")}</p></section>')
    rows = "".join(f"<tr><td>{html.escape(p.title)}</td><td>{links(p.stem)}</td><td>{status(p.stem)}</td>"
                   f"<td>{sha(p.stem)}</td></tr>" for p in site.pages if p.stem != "briefing")
    notice = ("<p class='synthetic-notice'>示例数据：本批次的企业名录、统计月报中标明“示例数据”的为合成数据，不是真实统计；各页和简报逐处标明。</p>"
              if synthetic else "")
    inputs = "".join(f"<li><code>{html.escape(i['path'])}</code> · SHA-256 {html.escape(i['sha256'][:12])}…</li>"
                     for i in manifest.get("inputs", []))
    given = manifest.get("parameters_given") or {}
    params = ("<h2>本次设定的参数</h2><p>" + "；".join(
        f"<code>{html.escape(k)} = {html.escape(json.dumps(v, ensure_ascii=False))}</code>" for k, v in given.items())
        + "（由 <code>chainplan brief -p 名称=值</code> 或 <code>--params 文件.yaml</code> 设定）</p>") if given else ""
    label = f"<p class='meta'>情景：{html.escape(scenario)}（与同年的默认报告并存）</p>" if scenario else ""
    body = (f"<h1>{html.escape(heading)}</h1>"
            f"<p class='meta'>生成时间：{beijing_time(manifest['finished'])} · chainplan {html.escape(__version__)}</p>"
            f"{label}{notice}{lead}<h2>分析页面</h2>"
            "<table class='pages'><thead><tr><th>内容</th><th>打开</th><th>状态</th><th>源文件 SHA-256</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
            "<p class='meta'>网页版供政策人员阅读（不含代码）；含代码版在每个输出下折叠了生成它的代码，点击“显示代码”展开；"
            "笔记本 .ipynb 读取本文件夹 data/ 中的数据，复制到别处也可在 JupyterLab 中重新运行。</p>"
            f"{_source_html(manifest)}{params}<h2>数据来源</h2><ul>{inputs}</ul>"
            '<p>输入文件校验和、参数、软件版本与耗时见 <a href="manifest.json">manifest.json</a>。</p>')
    return page_html(heading, body, bar=bar_html(site, None), synthetic=synthetic)


def reports_index_html(reports: Iterable[Mapping[str, Any]]) -> str:
    """``reports/index.html``: every report folder beside it (a year's default report and its scenarios), with
    its title, scenario, when it was made and whether every notebook ran. ``reports``: dicts with ``folder``,
    ``title``, ``year``, ``scenario``, ``finished``, ``ok``."""
    rows = []
    for r in sorted(reports, key=lambda r: (-int(r.get("year") or 0), r.get("scenario") or "", r["folder"])):
        when = beijing_time(r["finished"]) if r.get("finished") else "—"
        state = "完成" if r.get("ok") else "<span class='fail'>有笔记本失败</span>"
        rows.append(f"<tr><td><a href=\"{html.escape(r['folder'])}/index.html\">{html.escape(r['folder'])}</a></td>"
                    f"<td>{html.escape(r.get('title') or '')}</td><td>{html.escape(r.get('scenario') or '默认')}</td>"
                    f"<td>{when}</td><td>{state}</td></tr>")
    body = ("<h1>全部报告</h1><p class='meta'>每个年份的默认报告与情景报告（<code>chainplan brief --name 名称</code>）"
            "并列保存；每个文件夹可单独复制、离线打开。</p>"
            "<table class='pages'><thead><tr><th>文件夹</th><th>标题</th><th>情景</th><th>生成时间</th><th>状态</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")
    return page_html("全部报告", body, bar="", up="")
