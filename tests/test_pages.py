"""The report folder as people use it: every page of a real batch, checked statically and in a headless browser.

- budgets: each HTML page ≤ 600 KB (font included), the PDF ≤ 400 KB;
- self-contained: no request leaves the folder (Chromium with the network blocked, pages opened from file:// in a
  *copy* of the folder), Chinese drawn with the embedded WOFF2 face; without a browser, static checks (no
  external src/href, an embedded @font-face whose WOFF2 covers every character of the page);
- a site: header bar (首页 · 上一页 · 下一页 · PDF · Word), table of contents, index leading with the briefing,
  analyst pages with code folded under outputs and the .ipynb offered for download, every relative link resolves;
- right numbers: every table of every executed notebook (and the briefing) shows each value in its declared unit;
- charts: Chinese alt text, labels inside their frames, coinciding lines told apart; a heading never ends a PDF page.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
from _brief_fixture import shared_brief
from _plans import PLAN, bundled_district

from chainplan_lib.present import figures
from chainplan_lib.present import register as show_register
from chainplan_lib.present import shares as show_shares
from chainplan_lib.present import targets as show_targets
from chainplan_lib.present import units as U

PAGE_BUDGET, PDF_BUDGET = 600_000, 400_000
ORDER = ["briefing", "01_targets", "02_growth", "03_consistency", "04_shares", "05_register", "06_progress"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def report(request, font_cache) -> Path:
    return shared_brief(request)


def _pages(root: Path) -> list[Path]:
    return [root / "index.html", *(root / "html" / f"{s}.html" for s in ORDER),
            *(root / "analyst" / f"{s}.html" for s in ORDER)]


def _visible_text(page: str) -> str:
    """Text a reader sees: tags, the style blocks and data: URIs stripped; SVG text kept."""
    import html as _html

    page = re.sub(r"<style\b.*?</style>", "", page, flags=re.S)
    page = re.sub(r"<title>.*?</title>", "", page, flags=re.S)
    return _html.unescape(re.sub(r"<[^>]+>", "", page))


# --------------------------------------------------------------------------------------------- budgets
def test_every_page_pdf_and_docx_within_budget(report):
    sizes = {str(p.relative_to(report)): p.stat().st_size for p in _pages(report)}
    over = {k: v for k, v in sizes.items() if v > PAGE_BUDGET}
    assert not over, over
    assert (report / "briefing-2024.pdf").stat().st_size <= PDF_BUDGET
    assert (report / "briefing-2024.docx").stat().st_size > 20_000
    print("page sizes (bytes):", sizes, "pdf:", (report / "briefing-2024.pdf").stat().st_size,
          "docx:", (report / "briefing-2024.docx").stat().st_size)


# ------------------------------------------------------------------------------------ self-contained
def _embedded_fonts(page: str) -> list[bytes]:
    faces = re.findall(r"@font-face\{font-family:'([^']+)';src:url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)",
                       page)
    return [base64.b64decode(data) for _, data in faces]


def test_pages_are_self_contained_statically(report):
    from fontTools.ttLib import TTFont

    for path in _pages(report):
        page = path.read_text(encoding="utf-8")
        name = path.relative_to(report)
        assert not re.search(r"<script\b[^>]*\bsrc=", page), f"{name}: external script"
        assert "<link" not in page, f"{name}: linked resource"
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), f"{name}: network URL"
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", page), f"{name}: CSS url() to the network"
        assert "mathjax" not in page.lower() and "require.js" not in page, name
        fonts = _embedded_fonts(page)
        assert fonts and all(f[:4] == b"wOF2" for f in fonts), f"{name}: no embedded WOFF2 font"
        covered: set[int] = set()
        for data in fonts:
            covered |= set(TTFont(io.BytesIO(data)).getBestCmap())
        text = _visible_text(page)
        missing = sorted({c for c in text if ord(c) > 0x7E and not c.isspace() and ord(c) not in covered})
        assert not missing, f"{name}: characters the embedded font lacks: {''.join(missing[:30])}"
        assert len(fonts[0]) < 250_000, f"{name}: font not subset to the page ({len(fonts[0])} bytes)"


def test_relative_links_resolve_inside_the_folder(report):
    for path in _pages(report):
        page = path.read_text(encoding="utf-8")
        for ref in re.findall(r"""(?:href|src)="([^"#][^"]*)\"""", page):
            if ref.startswith("data:"):
                continue
            target = (path.parent / unquote(ref)).resolve()
            assert target.is_relative_to(report.resolve()), f"{path.name}: {ref} leaves the folder"
            assert target.exists(), f"{path.relative_to(report)}: broken link {ref}"


def _browser():
    """Playwright driving Debian's Chromium, or None (CI without a browser: static checks only)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    return (sync_playwright, exe) if exe else None


def test_pages_offline_in_a_headless_browser(report, tmp_path):
    """Copy the folder elsewhere (a USB stick), open every page from file:// with the network blocked."""
    copy = tmp_path / "usb" / "2024"
    shutil.copytree(report, copy)
    found = _browser()
    if found is None:  # the fallback still fails on a page that would need the network or a system font
        test_pages_are_self_contained_statically(copy)
        test_relative_links_resolve_inside_the_folder(copy)
        pytest.skip("no Chromium/Playwright here: static checks of the copied folder only")
    sync_playwright, exe = found
    folder = copy.resolve().as_uri() + "/"
    seen: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})

        def route(r):
            seen.append(r.request.url)
            r.continue_() if r.request.url.startswith(folder) else r.abort()

        ctx.route("**/*", route)
        report_lines = []
        for path in _pages(copy):
            page = ctx.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            before = len(seen)
            page.goto(path.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            fonts = page.evaluate("Array.from(document.fonts).map(f => [f.family, f.status])")
            assert ["Noto Sans CJK SC", "loaded"] in fonts, (path.name, fonts)
            assert page.evaluate("document.fonts.check(\"16px 'Noto Sans CJK SC'\", '青山湖区产业链')")
            family = page.evaluate("getComputedStyle(document.querySelector('main')).fontFamily")
            assert family.startswith('"Noto Sans CJK SC"'), family
            # chart text is text, drawn with the same embedded face
            svg_family = page.evaluate("(() => { const t = document.querySelector('svg text');"
                                       " return t ? getComputedStyle(t).fontFamily : null })()")
            assert svg_family is None or "Noto Sans CJK SC" in svg_family
            # Chinese inside code (`--registers 名录文件夹`) falls back to the embedded face, not to tofu
            code_family = page.evaluate("(() => { const c = document.querySelector('main code');"
                                        " return c ? getComputedStyle(c).fontFamily : null })()")
            assert code_family is None or "Noto Sans CJK SC" in code_family, (path.name, code_family)
            assert not errors, (path.name, errors)
            report_lines.append((path.relative_to(copy).as_posix(), seen[before:], fonts))
            if path.parent.name == "analyst":
                summary = page.locator("details.code-fold > summary").first
                assert page.locator("details.code-fold[open]").count() == 0  # folded until clicked
                summary.click()
                assert page.locator("details.code-fold[open]").count() == 1
            page.close()
        browser.close()
    outside = [u for u in seen if not u.startswith(folder)]
    assert not outside, f"requests leaving the folder: {outside}"
    assert len(seen) == len(_pages(copy)), seen  # one request per page: everything else is inline
    for name, reqs, fonts in report_lines:
        print(name, "requests:", [r.removeprefix(folder) for r in reqs], "fonts:", fonts)


# --------------------------------------------------------------------------------------------- the site
def _bar(page: str) -> list[tuple[str, str]]:
    bar = re.search(r'<nav class="site-bar".*?</nav>', page, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', bar)


def test_header_bar_table_of_contents_and_order(report):
    for i, stem in enumerate(ORDER):
        for variant in ("html", "analyst"):
            page = (report / variant / f"{stem}.html").read_text(encoding="utf-8")
            links = dict((text.split("：")[0], href) for href, text in _bar(page))
            assert links["首页"] == "../index.html"
            assert links["上一页"] == ("../index.html" if i == 0 else f"{ORDER[i - 1]}.html")
            if i + 1 < len(ORDER):
                assert links["下一页"] == f"{ORDER[i + 1]}.html"
            else:
                assert "下一页" not in links  # shown greyed out, not linked
            assert links["简报 PDF"] == "../briefing-2024.pdf" and links["简报 Word（可编辑）"] == "../briefing-2024.docx"
            if variant == "analyst":
                assert links["下载笔记本 .ipynb"] == f"../notebooks/{stem}.ipynb"
                assert re.search(rf'href="../notebooks/{stem}.ipynb" download', page)
                assert 'class="code-fold"' in page and "<summary>显示代码</summary>" in page
            else:
                assert links["分析人员版（含代码）"] == f"../analyst/{stem}.html"
                assert 'class="code-fold"' not in page and "params.install_short_errors" not in page
            toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
            anchors = re.findall(r'href="#(sec-\d+)"', toc)
            assert anchors and all(f'id="{a}"' in page for a in anchors), stem
    index = (report / "index.html").read_text(encoding="utf-8")
    main = index.split("<main>")[1]
    assert main.index("年度简报") < main.index("目标预测表")           # leads with the briefing
    lead = re.search(r'<section class="lead">.*?</section>', main, re.S).group(0)
    assert 'href="html/briefing.html"' in lead and 'href="briefing-2024.pdf"' in lead
    assert 'href="briefing-2024.docx"' in lead


def test_policy_pages_speak_chinese(report):
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "（北京时间）" in index and "UTC" not in _visible_text(index)
    for stem in ORDER:
        page = (report / "html" / f"{stem}.html").read_text(encoding="utf-8")
        text = _visible_text(page)
        assert "No description has been provided" not in page
        assert not re.search(r"\b(uscc_invalid|area_unknown|revenue_negative|equivalent_areas|chain_id)\b", text), stem
        heads = re.findall(r"<th[^>]*>([^<]*)</th>", page)
        assert not [h for h in heads if re.fullmatch(r"[A-Za-z_ ]{3,}", h)], (stem, heads)


def test_no_empty_heading_and_analyst_only_cells(report):
    policy = (report / "html" / "03_consistency.html").read_text(encoding="utf-8")
    analyst = (report / "analyst" / "03_consistency.html").read_text(encoding="utf-8")
    assert "全文（供分析人员）" not in policy
    assert "全文（供分析人员）" in analyst and "各链营业收入目标（亿元）" in analyst.split("全文（供分析人员）")[-1]
    for path in _pages(report):
        body = path.read_text(encoding="utf-8").split("<main>")[1]
        blocks = re.sub(r"<(div|/div|section|/section|figure|/figure)[^>]*>|\s+", "", body)
        assert not re.search(r"</h[1-6]>(</main>|<h[1-6])", blocks.replace("</main>", "</main>")), path.name


def test_charts_carry_chinese_alt_text(report):
    n = 0
    for path in _pages(report):
        page = path.read_text(encoding="utf-8")
        for svg in re.findall(r"<svg\b[^>]*>\s*<title>([^<]*)</title>", page):
            assert CJK.search(svg) and len(svg) > 20, (path.name, svg)
            n += 1
        assert len(re.findall(r"<svg\b", page)) == len(re.findall(r'<svg role="img" aria-label="[^"]*[\u4e00-\u9fff]',
                                                                   page)), path.name
        for alt in re.findall(r"<img\b[^>]*\balt=\"([^\"]*)\"", page):
            assert CJK.search(alt), (path.name, alt)
    assert n >= 2 * 10  # briefing 3, 01: 2, 02: 2, 03: 1, 04: 3, 05: 2 — in both page variants


# ------------------------------------------------------------------------------------ numbers and units
def _tables(nb_path: Path) -> list[str]:
    nb = nbformat.read(nb_path, as_version=4)
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            html = o.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            out += re.findall(r"<table class='chainplan'>.*?</table>", html, re.S)
    return out


def test_every_table_shows_values_in_their_declared_units(report):
    total = 0
    for stem in ORDER:
        tables = _tables(report / "notebooks" / f"{stem}.ipynb")
        assert tables, stem
        for t in tables:
            cells = re.findall(r"<td([^>]*)>([^<]*)</td>", t)
            for attrs, shown in cells:
                key = re.search(r'data-unit="(\w+)"', attrs)
                assert key, f"{stem}: a cell without a declared unit: {attrs} {shown}"
                unit = U.UNITS[key.group(1)]
                value = re.search(r'data-value="([^"]+)"', attrs)
                if value:
                    assert U.UNITS[key.group(1)].format(float(value.group(1))) == re.sub(r"[†*]$", "", shown), \
                        (stem, key.group(1), value.group(1), shown)
                    total += 1
                    if unit is U.PCT:
                        assert abs(float(value.group(1))) < 20, (stem, shown)  # a rate, not an amount
            for head in re.findall(r"<th[^>]*>([^<]*)</th>", t):
                assert not re.fullmatch(r"[A-Za-z_]+", head), (stem, head)
    assert total > 500
    # the shift-share amounts (04_shares, plan 2023→2024): 高新园区 311 × 78 / 690 = 35.157 亿元, not 3515.7%
    ss = next(t for t in _tables(report / "notebooks" / "04_shares.ipynb") if "规划目标分配的偏离-份额描述" in t)
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", ss)
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", ss) if ">高新园区<" in r)
    shown = dict(zip(heads, re.findall(r">([^<]*)</td>", row)))
    assert shown["全区增长分量（亿元）"] == "+35.2"
    assert shown["起始目标（亿元）"] == "311.0" and "%" not in "".join(shown.values())


# ------------------------------------------------------------------------------------------ PDF layout
def _page_endings(html: str) -> list[tuple[str | None, str]]:
    """For each PDF page, the block tag and text of the last line drawn in the page body (margin boxes are
    not descendants of the page's body)."""
    from chainplan_lib.publish import render

    weasyprint = render._weasyprint()
    doc = weasyprint.HTML(string=html).render()
    endings = []
    for page in doc.pages:
        last: tuple[str | None, str] = (None, "")
        for line in page._page_box.descendants():
            if type(line).__name__ != "LineBox":
                continue
            text = "".join(getattr(c, "text", "") or "" for c in line.descendants()).strip()
            if text:
                last = (line.element_tag, text)
        endings.append(last)
    return endings


def test_a_heading_never_ends_a_pdf_page(report, tmp_path):
    from chainplan_lib.publish import notebook, render

    nb = notebook.prepare(notebook.read(report / "notebooks" / "briefing.ipynb"), for_print=True)
    html, _ = render._briefing_html(nb, title="简报", subtitle=None, synthetic=True, footer_note=None,
                                    base_path=report)
    headings = {re.sub(r"<[^>]+>|\s", "", h) for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html, re.S)}
    endings = _page_endings(html)
    assert len(endings) >= 3
    for i, (tag, text) in enumerate(endings[:-1], 1):
        assert tag not in ("h1", "h2", "h3", "h4"), f"page {i} ends with the heading {text!r}"
        assert re.sub(r"\s", "", text) not in headings, f"page {i} ends with the heading {text!r}"


# ----------------------------------------------------------------------------------------------- charts
@pytest.fixture(scope="module")
def drawn():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from chainplan_lib.analysis import compare, shares, sizebands
    t = bundled_district().targets.table
    reg = bundled_district().register
    cmp = compare.actual_vs_target(reg.panel, t, 2024, plan=PLAN)
    d = cmp[(cmp["area"] == "全区") & (cmp["indicator"] == "revenue")]
    figs = {
        "paths": show_targets.target_paths(t, plan=PLAN),
        "completion": show_register.completion(d.assign(label=d["chain_id"].map(lambda c: figures.chain_label(c, plan=PLAN))), "completion_rate",
                                        "label", "2024年各链营业收入完成率（%）", benchmark=0.5, plan=PLAN),
        "change": show_shares.share_change(shares.share_change(t, 2023, 2024, include_all=True, plan=PLAN), "textiles", plan=PLAN),
        "bands": show_register.size_bands(sizebands.band_counts(reg.clean, year=2024, plan=PLAN).rename(
            columns={"target_above": "target", "actual_above": "actual"}), plan=PLAN),
        "mix": show_shares.area_mix(shares.area_shares(t, plan=PLAN), 2024, plan=PLAN),
    }
    yield figs
    plt.close("all")


def test_chart_labels_stay_inside_their_frames(drawn):
    for name, fig in drawn.items():
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            frame = ax.get_window_extent(renderer)
            for text in ax.texts:
                box = text.get_window_extent(renderer)
                assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, (name, text.get_text())
                assert frame.y0 - 1 <= box.y0 and box.y1 <= frame.y1 + 1, (name, text.get_text())


def test_coinciding_lines_are_told_apart(drawn):

    ax = drawn["paths"].axes[0]
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    e = next(v for k, v in lines.items() if k.startswith("电子信息"))
    f = next(v for k, v in lines.items() if k.startswith("食品医药"))
    assert list(e.get_ydata()) == list(f.get_ydata()) == [65, 74, 85, 100]  # the plan gives both 65 → 100
    assert (e.get_linestyle(), e.get_marker()) != (f.get_linestyle(), f.get_marker())
    assert "重合" in e.get_label() and "重合" in f.get_label()
    assert "重合" in figures.alt_text(drawn["paths"])


def test_every_chart_has_chinese_alt_text_and_svg_keeps_text(drawn):
    for name, fig in drawn.items():
        alt = figures.alt_text(fig)
        assert CJK.search(alt) and len(alt) > 20, name
        svg = figures.figure_svg(fig)
        assert svg.startswith("<svg") and 'aria-label="' in svg and "<title>" in svg
        assert "<text" in svg and "Noto Sans CJK SC" in svg and "DejaVu" not in svg, name
    assert "97%" in figures.alt_text(drawn["completion"])  # 现代针纺 360.5 / 370 = 97.4 %
