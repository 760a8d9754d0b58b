"""Time `chainplan brief` end to end against its floor.

Floor: papermill running a notebook that only imports the libraries the notebooks use, as many times as
the batch runs notebooks, in the same number of parallel processes. Targets (issue 5): the whole batch
≤ 1.5 × floor and ≤ 60 s on a 2-core machine; the PDF step ≤ 5 s.

Usage: python benchmarks/bench_brief.py [--year 2024] [--jobs N] [--keep DIR]
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat

# what the notebooks import, and nothing else: third-party libraries and the chainplan_lib modules they call
IMPORTS = """\
import pandas, numpy, matplotlib, matplotlib.pyplot, seaborn, statsmodels.api, pandera.pandas
from IPython.display import HTML, Markdown, display
from chainplan_lib.plan import params
from chainplan_lib.analysis import compare, consistency, growth, shares, sizebands
from chainplan_lib.reporting import briefing, charts, datasets, tables
from chainplan_lib.cleaning import register, targets
"""


def _run(src: str, dst: str, cwd: str) -> float:
    import papermill

    t = time.perf_counter()
    papermill.execute_notebook(src, dst, kernel_name="python3", cwd=cwd, progress_bar=False)
    return time.perf_counter() - t


def floor(n: int, jobs: int, tmp: Path) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("year = 2024", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(IMPORTS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = tmp / "imports_only.ipynb"
    nbformat.write(nb, src)
    t = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        list(pool.map(_run, [str(src)] * n, [str(tmp / f"out_{i}.ipynb") for i in range(n)], [str(tmp)] * n))
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, default=None, help="write the reports here instead of a temp dir")
    args = ap.parse_args()

    from chainplan_lib.reporting.batch import run_brief
    from chainplan_lib.paths import notebooks_dir

    n = len(list(notebooks_dir().glob("*.ipynb")))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        out = args.keep or tmp / "reports"
        # warm the font cache and OS file cache once, as a yearly batch on a used machine would be
        floor(1, 1, tmp)
        f = floor(n, args.jobs, tmp)
        t = time.perf_counter()
        outcome = run_brief(args.year, out=out, jobs=args.jobs, processed=tmp / "processed", progress=False)
        total = time.perf_counter() - t
        manifest = json.loads(outcome.manifest.read_text(encoding="utf-8"))
    pdf_s = max((nb["seconds_pdf"] for nb in manifest["notebooks"]), default=0.0)
    ratio = total / f
    print(f"machine: {os.cpu_count()} cores, jobs={args.jobs}, notebooks={n}")
    print(f"{'floor (imports only, same parallelism)':<42}{f:8.1f} s")
    print(f"{'chainplan brief --year ' + str(args.year):<42}{total:8.1f} s   ratio {ratio:.2f} (target ≤ 1.5)")
    print(f"{'  of which cleaning':<42}{manifest['seconds_cleaning']:8.1f} s")
    for nb in manifest["notebooks"]:
        print(f"  {nb['name']:<16} execute {nb['seconds_execute']:5.1f} s  html {nb['seconds_render']:4.1f} s"
              f"  pdf {nb['seconds_pdf']:4.1f} s  {'ok' if nb['ok'] else 'FAILED: ' + str(nb['error'])}")
    print(f"{'PDF step':<42}{pdf_s:8.1f} s   (target ≤ 5)")
    missed = []
    if ratio > 1.5:
        missed.append(f"batch/floor {ratio:.2f} > 1.5")
    if total > 60:
        missed.append(f"batch {total:.1f} s > 60 s")
    if pdf_s > 5:
        missed.append(f"PDF {pdf_s:.1f} s > 5 s")
    if not outcome.ok:
        missed.append("batch failed")
    print("targets met" if not missed else "MISSED: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
