"""The comparison page of a run of several plans: ``OUT/YYYY/index.html`` (and ``districts-YYYY.pdf``).

OUT/YYYY/
  index.html              this page: the districts side by side, every figure a link to the district page it
                          comes from
  districts.json          the same figures for machines (and for ``OUT/index.html``)
  districts-YYYY.pdf      the page as an A4 PDF
  <plan>/                 each district's own report, as a run of that plan alone makes it

What is compared is each district's own (:mod:`chainplan_lib.analysis.districts`): the implied growth of its
chains (CAGR of its own target table), its overall goal and the consistency test's verdict, 1—N月 against 时序进度
where it has 统计月报, its goal against the parent plan it names. The page works offline (the site's shell:
CSS and font inline, relative links only); plan-given text is escaped.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from ..analysis.districts import PARENT_WORDS
from ..analysis.progress import period_label
from ..files.atomic import write_atomic
from ..rounding import fixed, pct
from .shell import page_html
from .site import beijing_time

__all__ = ["DistrictLinks", "Failure", "PAGES_FOR", "comparison_title", "comparison_body", "comparison_html",
           "comparison_pdf", "comparison_json", "NAME", "JSON_NAME"]

NAME = "index.html"
JSON_NAME = "districts.json"
#: Which of a district's pages shows each kind of figure, best first (a run may have rendered only some).
PAGES_FOR = {"targets": ("01_targets", "briefing"), "consistency": ("03_consistency", "briefing"),
             "progress": ("06_progress", "briefing"), "briefing": ("briefing",)}


@dataclass(frozen=True)
class DistrictLinks:
    """Where a district's report is (``folder``, relative to the page) and which of its pages exist."""

    folder: str
    pages: tuple[str, ...] = ()

    def page(self, kind: str) -> str:
        """The page showing figures of ``kind`` (see :data:`PAGES_FOR`), else the report's index."""
        for stem in PAGES_FOR.get(kind, ()):
            if stem in self.pages:
                return f"{self.folder}/html/{stem}.html"
        return f"{self.folder}/index.html"


@dataclass(frozen=True)
class Failure:
    """A district whose report was not made (its plan or data could not be read) or not in full."""

    folder: str          # its plan file's stem
    name: str            # the district's name, else the plan file's
    error: str
    report: str | None = None   # where its report is anyway (<stem>.failed/) when the notebooks ran
    extra: Mapping[str, Any] = field(default_factory=dict)


def _a(href: str, text: str) -> str:
    return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'


def _yi(x: float) -> str:
    return f"{fixed(x, 1, grouping=True)} 亿元"


def _pp(x: float) -> str:
    return f"{fixed(x, 1, sign=True)} 个百分点"


def comparison_title(year: int, month: int | None = None) -> str:
    when = f"{year}年{period_label(month)}" if month else f"{year}年"
    return f"各区县制造业重点产业链目标与进度对比（{when}）"


def _growth_table(t: pd.DataFrame, links: Mapping[str, DistrictLinks]) -> str:
    rows = []
    for r in t.itertuples():
        ln = links[r.folder]
        sums = _a(ln.page("targets"), f"{_yi(r.base_yi)} → {_yi(r.target_yi)}")
        growth = _a(ln.page("consistency"), pct(r.implied_growth))
        goal = _a(ln.page("consistency"), r.goal) if r.goal else "（方案未提出总体增速目标）"
        verdict = _a(ln.page("consistency"), r.verdict_text)
        rows.append(f"<tr><td class='num'>{r.growth_rank}</td><td>{_a(f'{ln.folder}/index.html', r.district)}</td>"
                    f"<td class='num'>{r.chains} 条</td><td class='num'>{r.base_year}—{r.target_year}年</td>"
                    f"<td class='num'>{sums}</td><td class='num'>{growth}</td><td>{goal}</td><td>{verdict}</td></tr>")
    return ("<table class='districts'><caption>表1 各区县产业链目标隐含的年均增速（按增速由高到低排序）</caption><thead><tr>"
            "<th>排序</th><th>区县</th><th>产业链</th><th>期间</th><th>各链目标合计（基年 → 目标年）</th>"
            "<th>隐含年均增速</th><th>方案总体目标</th><th>一致性检验</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _progress_table(t: pd.DataFrame, links: Mapping[str, DistrictLinks]) -> str:
    with_data = t[t["month"].notna() & t["ahead_pp"].notna()].sort_values(["progress_rank", "district"],
                                                                         kind="stable")
    rows = []
    for r in with_data.itertuples():
        ln = links[r.folder]
        page = ln.page("progress")
        mark = "（示例数据）" if r.synthetic else ""
        rows.append(f"<tr><td class='num'>{r.progress_rank}</td><td>{_a(f'{ln.folder}/index.html', r.district)}</td>"
                    f"<td class='num'>{int(r.year)}年{period_label(int(r.month))}</td>"
                    f"<td class='num'>{_a(page, pct(r.completion_pct / 100))}</td>"
                    f"<td class='num'>{_a(page, pct(r.time_progress_pct / 100))}</td>"
                    f"<td class='num'>{_a(page, _pp(r.ahead_pp))}</td><td>{mark}</td></tr>")
    without = t[~t.index.isin(with_data.index)]
    note = ""
    if len(without):
        items = "；".join(f"{_a(links[r.folder].page('progress'), r.district)}：{html.escape(r.progress_note)}"
                         for r in without.itertuples())
        note = f"<p class='table-note'>未列入：{items}</p>"
    if not len(with_data):
        return f"<p>本次运行的区县均无当年统计月报，不作进度比较。</p>{note}"
    return ("<table class='districts'><caption>表2 各产业链合计完成年度目标的进度（按快于时序进度的幅度排序）</caption>"
            "<thead><tr><th>排序</th><th>区县</th><th>期间</th><th>完成年度目标</th><th>时序进度</th>"
            f"<th>快（+）/慢（-）于时序进度</th><th>数据</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{note}")


def _parent_section(t: pd.DataFrame, links: Mapping[str, DistrictLinks]) -> str:
    named = t[t["parent"].astype(str) != ""]
    if not len(named):
        return ""
    parts = ["<h2>三、与上级方案目标对照</h2>"]
    for (parent, goal), g in named.groupby(["parent", "parent_goal"], sort=False):
        head = f"<p>上级方案：《{html.escape(parent)}》"
        head += f"，规上工业营业收入年均增长 {html.escape(goal)}。</p>" if goal else "（方案文件未给出其增速目标）。</p>"
        parts.append(head)
        if not goal:
            continue
        items = []
        for key, word in PARENT_WORDS.items():
            hit = g[g["goal_vs_parent"] == key]
            names = "、".join(f"{_a(links[r.folder].page('consistency'), r.district)}（{html.escape(r.goal)}）"
                             for r in hit.itertuples())
            items.append(f"<li>总体目标{word}上级目标的：{names or '无'}</li>")
        none = g[g["goal_vs_parent"].isna()]
        if len(none):
            items.append("<li>方案未提出总体增速目标的：" + "、".join(
                _a(links[r.folder].page("consistency"), r.district) for r in none.itertuples()) + "</li>")
        chains = "；".join(f"{_a(links[r.folder].page('consistency'), r.district)} {pct(r.implied_growth)}，"
                           f"{html.escape(r.chains_vs_parent_text)}" for r in g.itertuples())
        items.append(f"<li>各区县产业链目标隐含的年均增速与上级目标相比：{chains}。</li>")
        parts.append(f"<ul>{''.join(items)}</ul>")
    parts.append("<p class='table-note'>总体目标按所写增速比较（精确到 0.1 个百分点，“左右”“以上”等限定词不计）；产业链隐含增速与"
                 "上级目标的对照按一致性检验的同一规则（“左右”按 ±容差个百分点理解）。</p>")
    return "".join(parts)


def _sources(t: pd.DataFrame, links: Mapping[str, DistrictLinks]) -> str:
    items = []
    for r in t.itertuples():
        ref = f"（{html.escape(r.reference)}）" if r.reference else ""
        stats = ("统计月报为示例数据（合成，非真实统计）" if r.synthetic and r.month is not None and not pd.isna(r.month)
                 else "统计月报" if r.month is not None and not pd.isna(r.month) else "无当年统计月报")
        items.append(f"<li>{_a(f'{links[r.folder].folder}/index.html', r.district)}：《{html.escape(r.title)}》{ref}"
                     f"附件目标表；{stats}。</li>")
    return f"<ul>{''.join(items)}</ul>"


def _failures(failures: Sequence[Failure]) -> str:
    if not failures:
        return ""
    items = []
    for f in failures:
        where = f"（已生成部分报告：{_a(f'{f.report}/index.html', f.report)}）" if f.report else ""
        items.append(f"<li><strong>{html.escape(f.name)}</strong>（{html.escape(f.folder)}）：{html.escape(f.error)}"
                     f"{where}</li>")
    return f"<h2>未能完成的区县</h2><ul class='fail'>{''.join(items)}</ul>"


def comparison_body(compared: pd.DataFrame, links: Mapping[str, DistrictLinks], *, year: int, month: int | None,
                    failures: Sequence[Failure] = (), finished: str | None = None) -> tuple[str, str, bool]:
    """(title, body HTML, whether any district's data are synthetic) of the comparison page."""
    title = comparison_title(year, month)
    t = compared
    synthetic = bool(t["synthetic"].any()) if len(t) else False
    names = "、".join(html.escape(n) for n in t["district"])
    when = f"<p class='meta'>生成时间：{beijing_time(finished)}</p>" if finished else ""
    notice = ""
    if synthetic:
        which = "、".join(html.escape(r.district) for r in t.itertuples() if r.synthetic)
        notice = (f"<p class='synthetic-notice'>示例数据：{which}的统计月报或企业名录为合成数据（示例数据），"
                  "不是真实统计；据此的进度仅用于演示。</p>")
    lead = (f"<p>本页将本次运行的 {len(t)} 个区县（{names}）的产业链方案放在一起比较：各区县附件目标表中各产业链营业收入目标合计"
            "隐含的年均增速、方案提出的总体目标及一致性检验结论，以及有统计月报的区县当年进度。表中每个数字均链接到其所在的区县页面。</p>"
            if len(t) else "<p>本次运行没有区县完成报告。</p>")
    body = [f"<h1>{html.escape(title)}</h1>", when, notice, lead]
    if len(t):
        body += ["<h2>一、产业链目标隐含增速与总体目标</h2>", _growth_table(t, links),
                 "<p class='table-note'>隐含年均增速 =（目标年各链营业收入目标合计 ÷ 基年合计）^(1 ÷ 年数) - 1，各区县按本方案的基年和目标年计算；"
                 "排序按表中所示数值（四舍五入到 0.1%），数值相同者并列。一致性检验：各链目标合计的年均增速与方案总体增速目标（“左右”按 ±容差个百分点理解）对照。</p>",
                 "<h2>二、当年进度</h2>", _progress_table(t, links),
                 "<p class='table-note'>完成年度目标 = 1—N月各链营业收入累计之和 ÷ 当年各链目标之和；时序进度 = N ÷ 12；"
                 "排序按快于时序进度的百分点（四舍五入到 0.1 个百分点）。各区县可能处于不同月份，比较时请注意期间。</p>",
                 _parent_section(t, links)]
    body += [_failures(failures), "<h2>数据来源</h2>", _sources(t, links) if len(t) else "<p>—</p>",
             f'<p class="meta">各区县报告的输入文件校验和、参数与软件版本见其文件夹中的 manifest.json；本页数据另存于 '
             f'<a href="{JSON_NAME}">{JSON_NAME}</a>。</p>']
    return title, "".join(body), synthetic


def _bar(links: Iterable[DistrictLinks], names: Mapping[str, str], pdf: str | None) -> str:
    items = ['<li class="here">各区县对比</li>']
    items += [f'<li>{_a(f"{ln.folder}/index.html", names.get(ln.folder, ln.folder))}</li>' for ln in links]
    if pdf:
        items.append(f'<li class="push">{_a(pdf, "对比 PDF")}</li>')
    return f'<nav class="site-bar" aria-label="站点导航"><ul>{"".join(items)}</ul></nav>'


def comparison_html(compared: pd.DataFrame, links: Mapping[str, DistrictLinks], *, year: int, month: int | None,
                    failures: Sequence[Failure] = (), finished: str | None = None, pdf: str | None = None) -> str:
    """The comparison page, self-contained (the site's shell), with a bar linking every district's report."""
    title, body, synthetic = comparison_body(compared, links, year=year, month=month, failures=failures,
                                             finished=finished)
    names = dict(zip(compared["folder"], compared["district"]))
    return page_html(title, body, bar=_bar(links.values(), names, pdf), synthetic=synthetic, up="")


def comparison_pdf(compared: pd.DataFrame, links: Mapping[str, DistrictLinks], pdf_path: str | Path, *, year: int,
                   month: int | None, failures: Sequence[Failure] = (), finished: str | None = None) -> Path:
    """The comparison as an A4 PDF (the briefing's stylesheet). Without the page's links: a PDF would hold them
    resolved to this machine's paths."""
    from .render import _page_css, briefing_css, html_to_pdf

    title, body, synthetic = comparison_body(compared, links, year=year, month=month, failures=failures,
                                             finished=finished)
    body = re.sub(r"<a\b[^>]*>(.*?)</a>", r"\1", body, flags=re.S)
    doc = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
           f"<style>{briefing_css()}\n{_page_css(title, None, synthetic, None)}\n"
           "table.districts{font-size:8.5pt}</style></head>"
           f'<body class="{"synthetic" if synthetic else ""}">{body}</body></html>')
    folder = Path(pdf_path).resolve().parent
    return html_to_pdf(doc, pdf_path, base_url=folder.as_uri() + "/")


def _plain(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()
    if v is pd.NA:
        return None
    return v


def comparison_json(compared: pd.DataFrame, *, year: int, month: int | None, scenario: str | None,
                    finished: str, failures: Sequence[Failure] = (), ok: bool = True) -> str:
    """``districts.json``: the compared rows as records (rates as fractions, money in 亿元, progress in %), the
    districts that failed, when and whether every district's report is complete."""
    doc = {"kind": "districts", "year": year, "month": month, "scenario": scenario, "finished": finished,
           "title": comparison_title(year, month), "ok": ok,
           "districts": [{k: _plain(v) for k, v in rec.items()} for rec in compared.to_dict(orient="records")],
           "failed": [{"folder": f.folder, "name": f.name, "error": f.error, "report": f.report} for f in failures]}
    return json.dumps(doc, ensure_ascii=False, indent=2)


def write(out_dir: Path, compared: pd.DataFrame, links: Mapping[str, DistrictLinks], *, year: int,
          month: int | None, scenario: str | None, finished: str, failures: Sequence[Failure] = (),
          pdf: str | None = None) -> Path:
    """``index.html`` and ``districts.json`` into ``out_dir`` (atomically); returns the page's path."""
    ok = not failures
    write_atomic(out_dir / JSON_NAME, comparison_json(compared, year=year, month=month, scenario=scenario,
                                                      finished=finished, failures=failures, ok=ok))
    return write_atomic(out_dir / NAME, comparison_html(compared, links, year=year, month=month, failures=failures,
                                                        finished=finished, pdf=pdf))
