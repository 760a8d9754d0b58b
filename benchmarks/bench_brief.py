"""Time `chainplan brief` end to end against a fair floor, in paired runs.

    .venv/bin/python benchmarks/bench_brief.py [--year 2024] [--jobs N] [--pairs 3] [--ratio 1.8] [--keep DIR]

Floor: papermill executing, in as many spawned worker processes as the batch uses (``--jobs``, default the core
count), as many notebooks as the batch runs, each notebook importing **pandas and matplotlib only** (its
parameters cell, then ``import pandas, matplotlib, matplotlib.pyplot``). That is what any papermill batch of
these notebooks must pay at least: a worker process with papermill, a kernel per notebook, the two libraries.
Its workers skip jsonschema's slow optional import as the batch's do (an environment quirk, not work), so the
floor is not inflated by it.

Ours: the command a user runs, ``python -m chainplan_lib.cli brief --year YEAR --jobs N`` in a fresh process
(cleaning, every notebook, HTML pages, the briefing PDF and Word file, the manifest, the swap).

Both are timed from outside as fresh processes (wall seconds, and CPU seconds of the process and its
children), back to back, ``--pairs`` times after one unmeasured warm-up of each (font cache and OS file cache
warm, as on a machine that has run a batch before); medians count. The machine may be shared: pairs see the
same load, single runs do not. Prints the per-notebook breakdown of the median batch from its own
manifest.json (kernel start, imports, work, HTML, PDF + Word). Target: batch ≤ ``--ratio`` (1.8) × the floor
in wall time. Exit status 1 when it is missed or the batch fails.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import multiprocessing as mp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RATIO_TARGET = 1.8
FLOOR_IMPORTS = "import pandas, matplotlib, matplotlib.pyplot"


# ------------------------------------------------------------------------------------------- the floor
def _floor_worker_init() -> None:
    import sys as _sys

    _sys.modules.setdefault("rfc3987_syntax", None)  # as the batch's workers do (see kernels.skip_slow_optional_imports)


def _floor_one(src: str, dst: str, cwd: str) -> None:
    import papermill

    papermill.execute_notebook(src, dst, kernel_name="python3", cwd=cwd, progress_bar=False)


def floor_child(n: int, jobs: int, folder: Path) -> None:
    """Runs in its own process: n pandas + matplotlib notebooks through papermill in `jobs` spawned workers."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("year = 2024\nprocessed_dir = None", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(FLOOR_IMPORTS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    src = folder / "pandas_matplotlib.ipynb"
    nbformat.write(nb, src)
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"),
                                initializer=_floor_worker_init) as pool:
        list(pool.map(_floor_one, [str(src)] * n, [str(folder / f"out_{i}.ipynb") for i in range(n)],
                      [str(folder)] * n))


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# ----------------------------------------------------------------------------------------- measuring
CODE = ROOT  # the checkout whose chainplan_lib the batch runs (--code)


def _timed(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall and CPU seconds (user + system of the process and the children it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=CODE, env={**os.environ, "PYTHONPATH": str(CODE)})
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def run_floor(n: int, jobs: int, folder: Path) -> tuple[float, float]:
    wall, cpu, proc = _timed([sys.executable, str(Path(__file__).resolve()), "--floor-child", str(n),
                              "--jobs", str(jobs), "--keep", str(folder)])
    if proc.returncode != 0:
        raise SystemExit(f"the floor failed:\n{proc.stderr[-3000:]}")
    return wall, cpu


def run_batch(year: int, jobs: int, out: Path) -> tuple[float, float, dict]:
    wall, cpu, proc = _timed([sys.executable, "-m", "chainplan_lib.cli", "brief", "--year", str(year),
                              "--jobs", str(jobs), "--out", str(out)])
    manifest_path = out / str(year) / "manifest.json"
    if proc.returncode != 0 or not manifest_path.is_file():
        raise SystemExit(f"the batch failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for nb in manifest["notebooks"]:
        nb["phases"] = _phases(out / str(year) / nb["executed"])
    return wall, cpu, manifest


def _phases(executed: Path) -> dict[str, float]:
    """Kernel start and cells of one executed notebook, from the timestamps papermill writes into it:
    kernel = first cell's start − the notebook's start (papermill starts its clock, then the kernel); cells = the
    code cells' durations (imports and work: a notebook's import cell also loads its data)."""
    from datetime import datetime

    nb = json.loads(executed.read_text(encoding="utf-8"))

    def ts(meta: dict, key: str) -> float:
        return datetime.fromisoformat(meta[key].replace("Z", "+00:00")).timestamp()

    code = [c for c in nb["cells"] if c["cell_type"] == "code" and c["metadata"].get("papermill", {}).get("start_time")]
    if not code:
        return {"kernel": 0.0, "cells": 0.0}
    kernel = ts(code[0]["metadata"]["papermill"], "start_time") - ts(nb["metadata"]["papermill"], "start_time")
    return {"kernel": kernel, "cells": sum(c["metadata"]["papermill"].get("duration") or 0.0 for c in code)}


def _import_lines(source: Path) -> str:
    """The top-level import statements of a notebook's code cells, in order."""
    import ast

    nb = json.loads(source.read_text(encoding="utf-8"))
    lines = []
    for c in nb["cells"]:
        if c["cell_type"] != "code":
            continue
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        lines += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    return "\n".join(lines)


def import_seconds(code_dir: Path, statements: str, repeat: int = 3) -> float:
    """Median seconds a fresh interpreter takes for `statements` (the notebook's imports, as its kernel runs them)."""
    prog = ("import time, matplotlib\nmatplotlib.use('Agg')\nimport IPython\nt = time.perf_counter()\n"
            + statements + "\nprint(time.perf_counter() - t)")
    times = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, cwd=code_dir / "notebooks",
                              env={**os.environ, "PYTHONPATH": str(code_dir)})
        if proc.returncode != 0:
            return float("nan")
        times.append(float(proc.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def _breakdown(manifest: dict, imports: dict[str, float], floor_imports: float) -> list[str]:
    """Per notebook, from the batch's own timings (and each notebook's imports measured on their own)."""
    rows = [f"  {'notebook':<16}{'kernel':>8}{'cells':>7}{'imports':>9}{'execute':>9}{'html':>7}{'pdf+docx':>10}"
            f"  (seconds; kernel and cells from papermill's cell timestamps, imports = the notebook's import "
            f"statements in a fresh interpreter, part of cells; execute = the whole papermill call in the worker)"]
    tot = dict.fromkeys(("kernel", "cells", "imports", "execute", "html", "pdf"), 0.0)
    for nb in manifest["notebooks"]:
        phases = nb.get("phases", {})
        vals = {"kernel": phases.get("kernel", 0.0), "cells": phases.get("cells", 0.0),
                "imports": imports.get(nb["name"], float("nan")), "execute": nb.get("seconds_execute", 0.0),
                "html": nb.get("seconds_render", 0.0), "pdf": nb.get("seconds_pdf", 0.0)}
        for k, v in vals.items():
            tot[k] += v
        rows.append(f"  {nb['name']:<16}{vals['kernel']:8.2f}{vals['cells']:7.2f}{vals['imports']:9.2f}"
                    f"{vals['execute']:9.2f}{vals['html']:7.2f}{vals['pdf']:10.2f}"
                    f"  {'ok' if nb['ok'] else 'FAILED: ' + str(nb['error'])}")
    rows.append(f"  {'sum':<16}{tot['kernel']:8.2f}{tot['cells']:7.2f}{tot['imports']:9.2f}{tot['execute']:9.2f}"
                f"{tot['html']:7.2f}{tot['pdf']:10.2f}")
    rows.append(f"  the floor's imports ({FLOOR_IMPORTS}): {floor_imports:.2f} s per notebook")
    rows.append(f"  cleaning (parent, while kernels start) {manifest.get('seconds_cleaning', 0.0):.2f} s; "
                f"batch total (its own clock) {manifest.get('seconds_total', 0.0):.2f} s")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2024)
    ap.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: the core count)")
    ap.add_argument("--pairs", type=int, default=3, help="paired runs (floor, then the batch); medians count")
    ap.add_argument("--ratio", type=float, default=RATIO_TARGET, help="max batch / floor, wall time")
    ap.add_argument("--keep", type=Path, default=None, help="keep the reports (and the floor's notebooks) here")
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout whose chainplan_lib is measured")
    ap.add_argument("--floor-child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    global CODE
    CODE = args.code.resolve()
    sys.path.insert(0, str(ROOT))
    jobs = args.jobs or _cores()
    if args.floor_child is not None:
        floor_child(args.floor_child, jobs, args.keep)
        return 0

    from chainplan_lib.paths import notebooks_dir

    n = len([p for p in notebooks_dir().glob("*.ipynb") if not p.name.startswith(".")])
    with tempfile.TemporaryDirectory(prefix="bench_brief_") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        # one unmeasured run of each: font cache built, OS file cache warm
        run_floor(n, jobs, work / "floor-warm")
        run_batch(args.year, jobs, work / "reports-warm")
        floors, batches = [], []
        for i in range(args.pairs):
            floors.append(run_floor(n, jobs, work / f"floor-{i}"))
            batches.append(run_batch(args.year, jobs, work / f"reports-{i}"))
            print(f"  pair {i + 1}: floor {floors[-1][0]:.1f} s, batch {batches[-1][0]:.1f} s", flush=True)
    f_wall = statistics.median(w for w, _ in floors)
    f_cpu = statistics.median(c for _, c in floors)
    b_wall = statistics.median(w for w, _, _ in batches)
    b_cpu = statistics.median(c for _, c, _ in batches)
    median_batch = sorted(batches, key=lambda b: b[0])[len(batches) // 2]
    ratio, cpu_ratio = b_wall / f_wall, b_cpu / f_cpu
    pair_ratios = "/".join(f"{b[0] / f[0]:.2f}" for f, b in zip(floors, batches))
    print(f"{CODE}: {os.cpu_count()} cores, jobs={jobs}, notebooks={n}; medians of {args.pairs} paired runs "
          f"(floor, then the batch, back to back)")
    print(f"{'':<46}{'wall s':>8}{'CPU s':>8}")
    print(f"{'floor: papermill, pandas + matplotlib only':<46}{f_wall:8.1f}{f_cpu:8.1f}")
    print(f"{'chainplan brief --year ' + str(args.year):<46}{b_wall:8.1f}{b_cpu:8.1f}")
    print(f"{'ratio (batch / floor)':<46}{ratio:8.2f}{cpu_ratio:8.2f}   pairs {pair_ratios}   target wall <= {args.ratio}")
    sources = {p.stem: p for p in (CODE / "notebooks").glob("*.ipynb") if not p.name.startswith(".")}
    imports = {stem: import_seconds(CODE, _import_lines(src)) for stem, src in sources.items()}
    print("per notebook, the median batch's own timings (manifest.json, executed notebooks):")
    print("\n".join(_breakdown(median_batch[2], imports, import_seconds(CODE, FLOOR_IMPORTS))))
    missed = []
    if ratio > args.ratio:
        missed.append(f"batch/floor {ratio:.2f} > {args.ratio}")
    if not median_batch[2].get("ok", False):
        missed.append("batch failed")
    print("target met" if not missed else "MISSED: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
