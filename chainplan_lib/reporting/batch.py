"""The yearly batch (`chainplan brief`): clean, execute the notebooks with papermill, render, index.

reports/YYYY/
  notebooks/NN_name.ipynb   executed copies, with code (for analysts)
  html/NN_name.html         renderings with code hidden (for policy staff)
  briefing-YYYY.pdf         the briefing
  index.html                links to all of the above
  manifest.json             inputs with SHA-256, parameters, package versions, timings, outcome

Notebooks run in separate processes (one kernel each), as many at once as there are cores. A failing
notebook does not stop the others: its executed copy, showing the failing cell, is kept and rendered, and
the batch ends with a summary and ``ok = False``.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing as mp
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import ParameterError
from ..plan.params import check_path, check_year
from ..paths import atomic_path, default_registers_dir, notebooks_dir, processed_dir, reports_dir

__all__ = ["NOTEBOOK_TITLES", "NotebookRun", "BriefOutcome", "run_brief", "notebook_parameters"]

KERNEL = "python3"

# Chinese titles for the index page, by notebook stem.
NOTEBOOK_TITLES = {
    "01_targets": "目标预测表：原始与清洗、修复记录、核对",
    "02_growth": "增长：各链目标路径、趋势预测与情景",
    "03_consistency": "“年均增长10%左右”与各链目标是否一致",
    "04_shares": "各镇（街道、园区）占比、集中度与偏离-份额分析",
    "05_register": "规上企业名录：清洗、完成率与规模分档",
    "briefing": "年度简报",
}

PACKAGES = ("chainplan", "pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "papermill", "nbconvert",
            "pandera", "weasyprint", "jupytext", "mplfonts", "openpyxl", "pyarrow")


@dataclass
class NotebookRun:
    name: str
    source: str
    executed: str
    html: str | None = None
    pdf: str | None = None
    docx: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    ok: bool = True
    error: str | None = None
    failed_cell: int | None = None
    attempts: int = 0
    seconds_execute: float = 0.0
    seconds_render: float = 0.0
    seconds_pdf: float = 0.0


@dataclass
class BriefOutcome:
    year: int
    out_dir: Path
    runs: list[NotebookRun]
    manifest: Path
    index: Path
    pdf: Path | None
    seconds: float

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.runs)

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if not r.ok]

    def summary(self) -> str:
        lines = [f"chainplan brief {self.year}: {len(self.runs) - len(self.failed)}/{len(self.runs)} notebooks ok "
                 f"in {self.seconds:.1f} s → {self.out_dir}"]
        for r in self.runs:
            mark = "ok  " if r.ok else "FAIL"
            extra = f"  cell {r.failed_cell}: {r.error}" if not r.ok else ""
            lines.append(f"  {mark} {r.name:<16} {r.seconds_execute:5.1f} s{extra}")
        if self.pdf:
            lines.append(f"  briefing PDF: {self.pdf}")
        lines.append(f"  index: {self.index}")
        if not self.ok:
            lines.append(f"  {len(self.failed)} notebook(s) failed; their executed copies show the failing cell")
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def notebook_parameters(stem: str, year: int, *, processed: Path, registers: Path | None) -> dict[str, Any]:
    """The parameters the batch gives each notebook for a year (only those the notebook declares are passed)."""
    common = {"year": year, "processed_dir": str(processed), "register_dir": str(registers) if registers else None}
    specific = {
        "02_growth": {"chain": "all"},
        "04_shares": {"chain": "textiles", "base_year": 2023},
    }
    return {**common, **specific.get(stem, {})}


def _declared(path: Path) -> set[str]:
    import papermill

    return set(papermill.inspect_notebook(str(path)).keys())


def _warm() -> None:
    """Worker start-up: import what every task needs while the parent is still cleaning."""
    import papermill  # noqa: F401

    from . import render  # noqa: F401


def _run_one(source: str, executed: str, html_out: str, pdf_out: str | None, parameters: dict[str, Any],
             cwd: str, title: str, synthetic: bool) -> dict[str, Any]:
    """Worker: execute one notebook with papermill, then render it. Runs in its own process."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from . import render, site

    res: dict[str, Any] = {"ok": True, "error": None, "failed_cell": None, "attempts": 0}
    t0 = time.perf_counter()
    for attempt in (1, 2):
        res["attempts"] = attempt
        try:
            # no save after every cell: the executed copy is written once at the end (and on failure)
            papermill.execute_notebook(source, executed, parameters=parameters, kernel_name=KERNEL, cwd=cwd,
                                       progress_bar=False, log_output=False, request_save_on_cell_execute=False)
            res.update(ok=True, error=None)
        except PapermillExecutionError as exc:  # a cell failed: the notebook's own error, never retried
            res.update(ok=False, error=f"{exc.ename}: {exc.evalue}".strip().splitlines()[0][:300],
                       failed_cell=exc.exec_count)
        except Exception as exc:  # the kernel did not start or died: retry once, then report it
            res.update(ok=False, error=f"{type(exc).__name__}: {exc}".splitlines()[0][:300])
            continue
        break
    res["seconds_execute"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    if Path(executed).exists():
        try:
            site.render_notebook(source, executed, html_out, title=title, synthetic=synthetic)
            res["html"] = html_out
        except Exception as exc:
            res.update(ok=False, error=res["error"] or f"rendering HTML failed: {exc}")
    res["seconds_render"] = time.perf_counter() - t1
    if pdf_out and res["ok"]:
        t2 = time.perf_counter()
        try:
            render.notebook_to_pdf(executed, pdf_out, title=title, synthetic=synthetic)
            res["pdf"] = pdf_out
        except Exception as exc:
            res.update(ok=False, error=f"rendering PDF failed: {type(exc).__name__}: {exc}"[:300])
        try:
            from .docx import notebook_to_docx

            res["docx"] = str(notebook_to_docx(executed, Path(pdf_out).with_suffix(".docx"), title=title,
                                               synthetic=synthetic))
        except Exception as exc:
            res.update(ok=False, error=res["error"] or f"rendering Word failed: {type(exc).__name__}: {exc}"[:300])
        res["seconds_pdf"] = time.perf_counter() - t2
    return res


def _index_html(year: int, runs: list[NotebookRun], out_dir: Path, pdf: Path | None, synthetic: bool,
                manifest: dict[str, Any]) -> str:
    from .site import index_html

    return index_html(year, runs, out_dir, pdf, synthetic, manifest, NOTEBOOK_TITLES)


def run_brief(year: int, *, registers: str | Path | None = None, out: str | Path | None = None,
              jobs: int | None = None, notebooks: str | Path | None = None,
              processed: str | Path | None = None, progress: bool = True) -> BriefOutcome:
    """Run the yearly batch for `year`; see the module docstring for what it writes.

    registers: folder of register files (default: the bundled synthetic sample); notebooks: folder of
    notebooks to run (default: the project's); processed: where cleaned tables go (default data/processed).
    """
    from tqdm.auto import tqdm

    from ..cleaning.register import clean_registers
    from ..cleaning.targets import write_targets

    t_start = time.perf_counter()
    year = check_year(year)
    reg_dir = check_path(registers, "registers") or default_registers_dir()
    if not reg_dir.exists():
        raise ParameterError(f"registers={str(reg_dir)!r} does not exist")
    nb_dir = check_path(notebooks, "notebooks") or notebooks_dir()
    sources = sorted(p for p in nb_dir.glob("*.ipynb") if not p.name.startswith("."))
    if not sources:
        raise ParameterError(f"no notebooks (*.ipynb) in {nb_dir}")
    out_dir = (Path(out) if out is not None else reports_dir()) / str(year)
    processed_root = Path(processed) if processed is not None else processed_dir()
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    (out_dir / "html").mkdir(parents=True, exist_ok=True)

    # worker processes start (and import papermill) while the parent cleans
    nb_count = len(sources)
    workers = max(1, min(jobs or os.cpu_count() or 1, nb_count))
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
    warm = [pool.submit(_warm) for _ in range(workers)]

    # 1. cleaning: data/raw → data/processed
    t_clean = time.perf_counter()
    try:
        targets = write_targets(None, processed_root / "targets.csv")
        register = clean_registers([reg_dir], out_dir=processed_root / "register")
        # the PDF font subset is built once, here, not by a worker
        from .fonts import configure_fontconfig, subset_font_path

        subset_font_path()
        configure_fontconfig()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    seconds_clean = time.perf_counter() - t_clean
    synthetic = bool(register.summary.get("synthetic", False))  # from file names and title rows
    reg_files = sorted(p for p in reg_dir.rglob("*") if p.is_file())

    # 2. execute and render, in parallel processes
    runs: list[NotebookRun] = []
    tasks = []
    for src in sources:
        stem = src.stem
        params = notebook_parameters(stem, year, processed=processed_root.resolve(), registers=reg_dir.resolve())
        declared = _declared(src)
        params = {k: v for k, v in params.items() if k in declared}
        executed = out_dir / "notebooks" / src.name
        html_out = out_dir / "html" / f"{stem}.html"
        pdf_out = out_dir / f"briefing-{year}.pdf" if stem == "briefing" else None
        title = (f"青山湖区制造业重点产业链{year}年度简报" if stem == "briefing"
                 else NOTEBOOK_TITLES.get(stem, stem))
        runs.append(NotebookRun(stem, str(src), str(executed), parameters=params))
        tasks.append((str(src), str(executed), str(html_out), str(pdf_out) if pdf_out else None, params,
                      str(nb_dir.resolve()), title, synthetic))
    # the briefing renders a PDF too: start it first
    order = sorted(range(len(tasks)), key=lambda i: tasks[i][3] is None)
    cf.wait(warm)
    with pool:
        futures = {pool.submit(_run_one, *tasks[i]): i for i in order}
        bar = tqdm(total=len(futures), desc=f"brief {year}", unit="nb", disable=not progress)
        for fut in cf.as_completed(futures):
            run = runs[futures[fut]]
            try:
                res = fut.result()
            except Exception as exc:  # the worker process itself died
                res = {"ok": False, "error": f"worker failed: {type(exc).__name__}: {exc}"}
            for k, v in res.items():
                setattr(run, k, v)
            bar.set_postfix_str(f"{run.name} {'ok' if run.ok else 'FAILED'}")
            bar.update(1)
        bar.close()

    pdf = next((Path(r.pdf) for r in runs if r.pdf), None)
    seconds = time.perf_counter() - t_start

    # 3. manifest and index
    inputs = [targets.source_file, *map(str, reg_files)]
    from ..plan.planfile import PLAN_TARGETS_FILE

    inputs.append(str(PLAN_TARGETS_FILE))
    if register.summary.get("config"):
        inputs.append(str(register.summary["config"]))  # the editable industry → chain mapping
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    manifest = {
        "year": year,
        "chainplan": __version__,
        "started": datetime.fromtimestamp(time.time() - seconds, timezone.utc).isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds_total": round(seconds, 2),
        "seconds_cleaning": round(seconds_clean, 2),
        "workers": workers,
        "ok": all(r.ok for r in runs),
        "synthetic_register": synthetic,
        "inputs": [{"path": os.path.relpath(p), "sha256": _sha256(Path(p)), "bytes": Path(p).stat().st_size}
                   for p in inputs],
        "outputs": {"pdf": pdf.name if pdf else None, "processed_dir": os.path.relpath(processed_root)},
        "notebooks": [{**asdict(r), "source": os.path.relpath(r.source), "executed": os.path.relpath(r.executed),
                       "html": os.path.relpath(r.html) if r.html else None,
                       "pdf": os.path.relpath(r.pdf) if r.pdf else None} for r in runs],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }
    manifest_path = out_dir / "manifest.json"
    with atomic_path(manifest_path) as tmp:
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    index = out_dir / "index.html"
    with atomic_path(index) as tmp:
        tmp.write_text(_index_html(year, runs, out_dir, pdf, synthetic, manifest), encoding="utf-8")
    return BriefOutcome(year, out_dir, runs, manifest_path, index, pdf, seconds)
