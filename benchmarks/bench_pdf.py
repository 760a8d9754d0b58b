"""Benchmark the briefing PDF step: cold (empty font cache) and warm renders of a representative notebook.

    .venv/bin/python benchmarks/bench_pdf.py [--keep DIR] [--limit 5]

The notebook (built here, outputs attached, no kernel needed): a title block, a ~20-row Chinese table,
three matplotlib PNG charts with Chinese labels and a few paragraphs. Each render runs in a fresh
process, as the batch's workers do, so import and fontconfig start-up are included:

  cold  empty CHAINPLAN_CACHE: builds the pre-subset font, then renders
  warm  new process, cache filled: what every yearly run pays
  hot   second render in the warm process (WeasyPrint already imported)
  and, for comparison, a hot render with full_fonts=True (the whole pre-subset font; the default lets
  WeasyPrint subset it to the document's glyphs)

Prints the times and PDF size; exits 1 if the warm render takes more than --limit seconds (default 5).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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

    from chainplan_lib.reporting.fonts import apply_theme

    apply_theme()

    def png(fig) -> str:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
        return base64.b64encode(buf.getvalue()).decode()

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
        new_code_cell("from chainplan_lib.reporting import charts  # hidden", outputs=[
            display({"text/html": '<div class="synthetic-notice">示例数据（合成，非真实统计）</div>',
                      "text/plain": "notice"})], execution_count=1),
        new_markdown_cell("## 一、总体情况\n\n" + PARAGRAPH + "\n\n" + PARAGRAPH),
        new_code_cell("charts.target_paths(targets)",
                      outputs=[display({"image/png": chart1, "text/plain": "<Figure size 800x400 with 1 Axes>"})],
                      execution_count=2),
        new_markdown_cell("## 二、分链分区域\n\n" + PARAGRAPH),
        new_code_cell("table", outputs=[display({"text/html": table, "text/plain": "table"})], execution_count=3),
        new_code_cell("charts.area_shares(shares)",
                      outputs=[display({"image/png": chart2, "text/plain": "<Figure>"})], execution_count=4),
        new_markdown_cell("## 三、规模结构\n\n" + PARAGRAPH + "\n\n- 规上户数：**412**家\n- 亿元以上企业：**96**家"),
        new_code_cell("charts.size_bands(reg)",
                      outputs=[display({"image/png": chart3, "text/plain": "<Figure>"})], execution_count=5),
        new_markdown_cell("## 四、下一步建议\n\n" + PARAGRAPH),
    ]
    nbformat.write(nb, str(path))
    return path


_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from chainplan_lib.reporting import render
out = {}
t = time.perf_counter()
render.notebook_to_pdf(sys.argv[1], sys.argv[2], title="青山湖区制造业重点产业链2025年度简报", synthetic=True)
out["render"] = time.perf_counter() - t
if len(sys.argv) > 3:
    t = time.perf_counter()
    render.notebook_to_pdf(sys.argv[1], sys.argv[3], title="青山湖区制造业重点产业链2025年度简报", synthetic=True)
    out["hot"] = time.perf_counter() - t
    t = time.perf_counter()
    render.notebook_to_pdf(sys.argv[1], sys.argv[4], title="青山湖区制造业重点产业链2025年度简报", synthetic=True,
                           full_fonts=True)
    out["subset"] = time.perf_counter() - t
out["process"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def _run(nb: Path, pdf: Path, cache: Path, hot_pdf: Path | None = None) -> dict:
    env = {**os.environ, "CHAINPLAN_CACHE": str(cache)}
    env.pop("FONTCONFIG_FILE", None)
    extra = [str(hot_pdf), str(hot_pdf.with_name("subset.pdf"))] if hot_pdf else []
    args = [sys.executable, "-c", _CHILD, str(nb), str(pdf), *extra]
    t = time.perf_counter()
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
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
    ap.add_argument("--limit", type=float, default=5.0, help="max seconds for the warm render (default 5)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="chainplan-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cache = Path(tmp) / "cache"  # always empty at start: the cold run builds the font
        nb = build_notebook(work / "bench_briefing.ipynb")
        cold = _run(nb, work / "cold.pdf", cache)
        warm = _run(nb, work / "warm.pdf", cache, hot_pdf=work / "hot.pdf")
        pdf = work / "warm.pdf"
        size = pdf.stat().st_size
        from chainplan_lib.reporting.render import pdf_fonts, pdf_text

        pages = pdf_text(pdf)
        print(f"pages: {len(pages)}  size: {size / 1024:.0f} KiB  fonts: {sorted(pdf_fonts(pdf))}")
        print(f"cold  (empty cache, builds font): render {cold['render']:.2f} s, process {cold['wall']:.2f} s")
        print(f"warm  (new process, cache filled): render {warm['render']:.2f} s, process {warm['wall']:.2f} s")
        print(f"hot   (same process, 2nd render):  render {warm['hot']:.2f} s")
        sub = work / "subset.pdf"
        print(f"full_fonts=True (whole pre-subset font embedded): render {warm['subset']:.2f} s, "
              f"size {sub.stat().st_size / 1024:.0f} KiB")
        if args.keep:
            from chainplan_lib.reporting.render import pdf_page_images

            pdf_page_images(pdf, work / "pages", scale=1.5)
            print(f"kept in {work}")
        ok = warm["render"] <= args.limit
        print(("OK" if ok else "TOO SLOW") + f": warm render {warm['render']:.2f} s (limit {args.limit:.1f} s)")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
