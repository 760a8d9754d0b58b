"""Benchmark the briefing PDF against WeasyPrint rendering a plain page with the same font and content, in the same process.

    .venv/bin/python benchmarks/bench_pdf.py [--pairs 7] [--ratio 2.0] [--keep DIR]

The notebook (built here, outputs attached, no kernel needed): a title block, a ~20-row Chinese table,
three matplotlib charts with Chinese labels, each an SVG (text as text) and a PNG as the project's notebooks
display them (``--png-charts``: PNG only), and a few paragraphs. One child process (fresh font cache)
imports the project's render entry point (``chainplan_lib.publish.render.notebook_to_pdf``), renders once
cold (building the cached font) and once more to warm up every path, then runs **paired** renders, ours then
the baseline, ``--pairs`` times:

  ours      ``notebook_to_pdf`` of the notebook (the briefing as the batch renders it)
  baseline  ``weasyprint.HTML(string=page).write_pdf()`` of a plain HTML page holding the same content: the
            text, the table and the three charts (each an ``<img>`` of the same image the notebook carries,
            SVG where it has one), styled only with ``font-family`` set to the project's Chinese font
            (WeasyPrint as imported and configured by the entry point, so the same font files are used)
  text only for information: the same plain page without the charts (the baseline of the first version
            of this benchmark; drawing three charts is content, not overhead, so it is not the yardstick)

Medians count. Prints all three, the ratios, and the cold render and process start-up for information; exits 1
if the briefing takes more than ``--ratio`` (default 2) times the baseline. Generic on purpose: it measures
whatever fonts and CSS the renderer currently uses.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SVG_CHARTS = True  # --png-charts: PNG only (the benchmark's notebook before the charts were SVG)
PARAGRAPH = (
    "2025年，全区四条重点产业链运行总体平稳，纺织服装、冶金新材料、电子信息和食品医药产业链规上工业"
    "营业收入合计较上年增长约9.6%，略低于规划“年均增长10%左右”的路径；其中电子信息产业链增长最快，"
    "对全区增长的贡献率超过四成。冶金新材料产业链受价格下行影响，营收同比下降2.3%，但规上户数净增5家。"
)


def build_notebook(path: Path) -> Path:
    """A representative executed briefing notebook (outputs attached)."""
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat
    import numpy as np
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from chainplan_lib.present.theme import apply_theme

    apply_theme()

    def png(fig) -> dict:
        """The chart as the project's notebooks display one (reporting.figures.install_display): an SVG with its
        text kept as text and a PNG, both with the alt text; the PDF shows the SVG, as nbconvert prefers it."""
        from chainplan_lib.present import figures

        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        svg = figures.figure_svg(fig)
        plt.close(fig)
        data = {"image/png": base64.b64encode(buf.getvalue()).decode()}
        if svg and SVG_CHARTS:
            data["image/svg+xml"] = svg
        return data

    rng = np.random.default_rng(7)
    years = np.arange(2023, 2027)
    chains = ["纺织服装", "冶金新材料", "电子信息", "食品医药"]
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, c in enumerate(chains):
        ax.plot(years, 100 + 30 * i + np.cumsum(rng.uniform(5, 15, len(years))), marker="o", label=c)
    ax.set(title="各链营业收入目标（亿元）", xlabel="年份", ylabel="亿元", xticks=list(years))
    ax.legend()
    chart1 = png(fig)
    fig, ax = plt.subplots(figsize=(8, 4))
    towns = ["湖坊镇", "京东镇", "罗家镇", "塘山镇", "扬子洲镇", "青山路街道", "高新园区"]
    ax.barh(towns, rng.uniform(2, 25, len(towns)), color="#4c72b0")
    ax.set(title="各镇（街道、园区）占比（%）", xlabel="占比（%）")
    chart2 = png(fig)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(["5000万以下", "5000万—1亿", "1亿—5亿", "5亿—10亿", "10亿以上"], rng.integers(3, 60, 5))
    ax.axhline(-2, color="#c62828", ls="--")
    ax.set(title="规上企业规模分档（户）", ylabel="户数")
    chart3 = png(fig)

    rows = []
    for i in range(20):
        rows.append({"产业链": chains[i % 4], "镇（街道、园区）": towns[i % 7], "年份": 2023 + i % 4,
                     "营业收入（亿元）": round(float(rng.uniform(5, 300)), 1),
                     "同比增长（%）": round(float(rng.normal(8, 6)), 1), "规上户数": int(rng.integers(3, 80))})
    table = pd.DataFrame(rows).to_html(index=False, classes="dataframe")

    def display(data: dict) -> object:
        return new_output("display_data", data=data)

    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# 青山湖区制造业重点产业链2025年度简报\n\n"
                          "编制日期：2026年3月　　数据来源：区统计局规上工业企业名录、湖政发〔2024〕2号附件2"),
        new_code_cell("from chainplan_lib.present import charts  # hidden", outputs=[
            display({"text/html": '<div class="synthetic-notice">示例数据（合成，非真实统计）</div>',
                      "text/plain": "notice"})], execution_count=1),
        new_markdown_cell("## 一、总体情况\n\n" + PARAGRAPH + "\n\n" + PARAGRAPH),
        new_code_cell("show_targets.target_paths(targets)",
                      outputs=[display({**chart1, "text/plain": "<Figure size 800x400 with 1 Axes>"})],
                      execution_count=2),
        new_markdown_cell("## 二、分链分区域\n\n" + PARAGRAPH),
        new_code_cell("table", outputs=[display({"text/html": table, "text/plain": "table"})], execution_count=3),
        new_code_cell("show_shares.area_shares(shares)",
                      outputs=[display({**chart2, "text/plain": "<Figure>"})], execution_count=4),
        new_markdown_cell("## 三、规模结构\n\n" + PARAGRAPH + "\n\n- 规上户数：**412**家\n- 亿元以上企业：**96**家"),
        new_code_cell("show_register.size_bands(reg)",
                      outputs=[display({**chart3, "text/plain": "<Figure>"})], execution_count=5),
        new_markdown_cell("## 四、下一步建议\n\n" + PARAGRAPH),
    ]
    nbformat.write(nb, str(path))
    return path


_CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
t0 = time.perf_counter()
from chainplan_lib.publish import render
out = {"import": time.perf_counter() - t0}
nb, work, pairs, page = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]).read_text()
title = "青山湖区制造业重点产业链2025年度简报"

def ours(name):
    t = time.perf_counter()
    render.notebook_to_pdf(nb, work / name, title=title, synthetic=True)
    return time.perf_counter() - t

weasyprint = render._weasyprint()  # WeasyPrint imported and pointed at the project's fonts, as the renderer does

def baseline(name, html=None):
    t = time.perf_counter()
    data = weasyprint.HTML(string=html or page).write_pdf()
    (work / name).write_bytes(data)
    return time.perf_counter() - t

text_page = Path(sys.argv[5]).read_text()

out["cold"] = ours("cold.pdf")  # empty cache: builds the pre-subset font
ours("warm.pdf"), baseline("warm_baseline.pdf"), baseline("warm_text.pdf", text_page)
out["ours"], out["baseline"], out["text"] = [], [], []
for i in range(pairs):
    out["ours"].append(ours(f"ours{i}.pdf"))
    out["baseline"].append(baseline(f"baseline{i}.pdf"))
    out["text"].append(baseline(f"text{i}.pdf", text_page))
out["process"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def plain_page(nb_path: Path, family: str, charts: bool = True) -> str:
    """The notebook's content as one plain HTML page: its text, its HTML tables and (``charts``) each chart as an
    ``<img>`` of the image the notebook carries (the SVG where there is one, else the PNG); no page furniture,
    no stylesheet beyond one font."""
    import base64
    import html

    import nbformat

    nb = nbformat.read(str(nb_path), as_version=4)
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts += [f"<p>{html.escape(line.lstrip('#- '))}</p>" for line in cell.source.splitlines() if line.strip()]
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if "text/html" in data:
                parts.append(data["text/html"])
            elif charts and "image/svg+xml" in data:
                svg = base64.b64encode(data["image/svg+xml"].encode("utf-8")).decode("ascii")
                parts.append(f"<p><img src='data:image/svg+xml;base64,{svg}' style='width: 100%'></p>")
            elif charts and "image/png" in data:
                parts.append(f"<p><img src='data:image/png;base64,{data['image/png']}' style='width: 100%'></p>")
    style = f"body {{ font-family: '{family}'; }}"
    return f"<!doctype html><html><head><meta charset='utf-8'><style>{style}</style></head><body>{''.join(parts)}</body></html>"


def _run(nb: Path, work: Path, cache: Path, pairs: int, page: Path, text_page: Path) -> dict:
    env = {**os.environ, "CHAINPLAN_CACHE": str(cache)}
    env.pop("FONTCONFIG_FILE", None)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(nb), str(work), str(pairs), str(page), str(text_page)],
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"render failed (exit {proc.returncode})")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall"] = wall
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, help="keep the notebook, PDFs and page images in this folder")
    ap.add_argument("--pairs", type=int, default=7, help="paired renders (ours, then the baseline); medians count")
    ap.add_argument("--ratio", type=float, default=2.0, help="max briefing / baseline (default 2)")
    ap.add_argument("--png-charts", action="store_true", help="charts as PNG only (no SVG beside them)")
    ap.add_argument("--code", type=Path, default=None, help="checkout whose chainplan_lib is measured")
    args = ap.parse_args(argv)
    global SVG_CHARTS
    SVG_CHARTS = not args.png_charts
    if args.code is not None:
        os.environ["PYTHONPATH"] = str(args.code.resolve())  # the child process imports that checkout

    from chainplan_lib.publish import fonts

    family = getattr(fonts, "FONT_FAMILY", "Noto Sans CJK SC")
    with tempfile.TemporaryDirectory(prefix="chainplan-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cache = Path(tmp) / "cache"  # always empty at start: the cold render builds the font
        nb = build_notebook(work / "bench_briefing.ipynb")
        page = work / "baseline.html"
        page.write_text(plain_page(nb, family), encoding="utf-8")
        text_page = work / "baseline_text_only.html"
        text_page.write_text(plain_page(nb, family, charts=False), encoding="utf-8")
        res = _run(nb, work, cache, args.pairs, page, text_page)
        from chainplan_lib.publish.render import pdf_fonts, pdf_text

        ours, base = statistics.median(res["ours"]), statistics.median(res["baseline"])
        text = statistics.median(res["text"])
        ratio = ours / base
        pdf, bpdf = work / "ours0.pdf", work / "baseline0.pdf"
        print(f"briefing: {len(pdf_text(pdf))} pages, {pdf.stat().st_size / 1024:.0f} KiB, fonts {sorted(pdf_fonts(pdf))}")
        print(f"baseline: {len(pdf_text(bpdf))} pages, {bpdf.stat().st_size / 1024:.0f} KiB, fonts "
              f"{sorted(pdf_fonts(bpdf))} (plain page with the same text, table and charts, font-family '{family}')")
        print(f"paired renders in one process, median of {args.pairs}: briefing {ours:.2f} s, baseline {base:.2f} s, "
              f"ratio {ratio:.2f} (pairs: {', '.join(f'{o:.2f}/{b:.2f}' for o, b in zip(res['ours'], res['baseline']))})")
        print(f"for information: the plain page without its charts {text:.2f} s (briefing {ours / text:.2f} x that)")
        print(f"for information: import {res['import']:.2f} s, cold render (builds the font) {res['cold']:.2f} s, "
              f"child process {res['wall']:.2f} s")
        if args.keep:
            from chainplan_lib.publish.render import pdf_page_images

            pdf_page_images(pdf, work / "pages", scale=1.5)
            print(f"kept in {work}")
        ok = ratio <= args.ratio
        print(("OK" if ok else "TOO SLOW") + f": briefing {ratio:.2f} x the plain page (target <= {args.ratio:.1f} x)")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
