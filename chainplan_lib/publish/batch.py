"""The yearly batch (`chainplan brief`): clean, execute the notebooks with papermill, render, index.

reports/YYYY/
  data/                     the cleaned tables this report was built from (targets*.csv, register/)
  notebooks/NN_name.ipynb   executed copies, with code (for analysts)
  html/NN_name.html         renderings with code hidden (for policy staff)
  briefing-YYYY.pdf         the briefing
  index.html                links to all of the above
  manifest.json             inputs with SHA-256, parameters, package versions, timings, outcome

Every run works in its own private folder beside ``reports/YYYY`` and swaps it in whole at the end
(:mod:`chainplan_lib.publish.workspace`): two runs never mix, a reader never sees half a report, and a
run that fails or is interrupted leaves the previous report exactly as it was. A run in which a notebook
fails keeps its report — showing the failing cell — in ``reports/YYYY.failed/`` instead.

Notebooks run in separate processes (one kernel each), as many at once as there are cores; kernels are
quiet and are stopped with their run (:mod:`chainplan_lib.publish.kernels`). A failing notebook does not
stop the others. SIGINT / SIGTERM stop workers and kernels and raise :class:`~chainplan_lib.errors.Interrupted`.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing as mp
import os
import platform
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from .. import __version__
from ..errors import Interrupted, ParameterError
from ..paths import check_output_dir, default_registers_dir, notebooks_dir, reports_dir
from ..plan.params import check_batch_params, check_jobs, check_path, check_year
from ..present.briefing import briefing_title
from . import kernels, progress_batch
from .progress_batch import check_brief_month
from .run_order import run_order
from .workspace import BuildFolder

__all__ = ["NOTEBOOK_TITLES", "NotebookRun", "BriefOutcome", "run_brief", "notebook_parameters",
           "BATCH_PARAMETERS", "declared_parameters"]

KERNEL = "python3"
DATA = "data"                 # the run's cleaned tables, inside the report folder
BATCH_PARAMETERS = {"year": "--year", "processed_dir": "the batch (its private working folder)",
                    "register_dir": "--registers", "month": "--month", "actuals_dir": "--actuals", "plan": "--plan"}

# Chinese titles for the index page, by notebook stem.
NOTEBOOK_TITLES = {
    "01_targets": "目标预测表：原始与清洗、修复记录、核对",
    "02_growth": "增长：各链目标路径、趋势预测与情景",
    "03_consistency": "总体增长目标与各链目标是否一致",
    "04_shares": "各镇（街道、园区）占比、集中度与偏离-份额分析",
    "05_register": "规上企业名录：清洗、完成率与规模分档",
    "06_progress": "统计月报：进度、全年预计与规划目标",
    "briefing": "年度简报",
}

PACKAGES = ("chainplan", "pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "papermill", "nbconvert",
            "pandera", "weasyprint", "jupytext", "mplfonts", "openpyxl", "pyarrow")


@dataclass
class NotebookRun:
    name: str
    source: str
    executed: str                 # relative to the report folder
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
    out_dir: Path                 # where this run's report is: reports/YYYY, or reports/YYYY.failed
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
            extra = ""
            if not r.ok:
                extra = f"  cell {r.failed_cell}: {r.error}" if r.failed_cell is not None else f"  {r.error}"
            lines.append(f"  {mark} {r.name:<16} {r.seconds_execute:5.1f} s{extra}")
        if self.pdf:
            lines.append(f"  briefing PDF: {self.pdf}")
        lines.append(f"  index: {self.index}")
        if not self.ok:
            lines.append(f"  {len(self.failed)} notebook(s) failed; their executed copies show the failing cell. "
                         f"The previous report in {self.out_dir.with_name(str(self.year))} was left as it was.")
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# notebook parameters the batch sets unless the user gives them (-p / --params)
# (04_shares: the plan's first chain and its base year, the notebook's own defaults)
DEFAULTS = {
    "02_growth": {"chain": "all"},
}


def notebook_parameters(stem: str, year: int, *, processed: str | Path, registers: Path | None,
                        given: Mapping[str, Any] | None = None, month: int | None = None,
                        actuals: str | Path | None = None, plan: str | Path | None = None) -> dict[str, Any]:
    """The parameters the batch gives one notebook for a year: the batch's own (year, processed_dir,
    register_dir, month, actuals_dir and plan — the 1—N月 of the report, the run's cleaned 统计月报 and the plan
    file), its defaults for that notebook, then the user's (``-p`` / ``--params``).
    Only those the notebook declares are passed (see :func:`run_brief`)."""
    common = {"year": year, "processed_dir": str(processed), "register_dir": str(registers) if registers else None,
              "month": month, "actuals_dir": str(actuals) if actuals else None, "plan": str(plan) if plan else None}
    return {**common, **DEFAULTS.get(stem, {}), **dict(given or {})}


def declared_parameters(sources: list[Path]) -> dict[str, dict[str, Any]]:
    """Per notebook stem, the parameters its ``parameters`` cell declares (papermill.inspect_notebook)."""
    import papermill

    return {src.stem: papermill.inspect_notebook(str(src)) for src in sources}


def _warm(cwd: str | None = None) -> None:
    """Worker start-up: import what every task needs and start the first notebook's kernel (in ``cwd``, where
    the notebooks run) while the parent is still cleaning."""
    import papermill  # noqa: F401

    from . import render  # noqa: F401

    if cwd is not None:
        from . import spare_kernel

        spare_kernel.start(KERNEL, cwd)


def _one_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line[:limit]


def _run_one(source: str, executed: str, html_out: str, pdf_out: str | None, parameters: dict[str, Any],
             cwd: str, title: str, synthetic: bool, year: int, spare_next: bool = False) -> dict[str, Any]:
    """Worker: execute one notebook with papermill, then render it. Runs in its own process.

    The notebook runs in the kernel this worker started ahead for it, if one is waiting (see
    :mod:`~chainplan_lib.publish.spare_kernel`; a retry always starts its own); ``spare_next``: more notebooks
    are to come, so the next kernel is started before this one's pages are rendered."""
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from . import render, site, spare_kernel

    res: dict[str, Any] = {"ok": True, "error": None, "failed_cell": None, "attempts": 0}
    t0 = time.perf_counter()
    for attempt in (1, 2):
        res["attempts"] = attempt
        km = spare_kernel.take(KERNEL, cwd) if attempt == 1 else None
        try:
            # no save after every cell: the executed copy is written once at the end (and on failure)
            papermill.execute_notebook(source, executed, parameters=parameters, kernel_name=KERNEL, cwd=cwd,
                                       progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                       config=kernels.kernel_config(),
                                       kernel_manager_class=kernels.QuietKernelManager, km=km)
            res.update(ok=True, error=None)
        except PapermillExecutionError as exc:  # a cell failed: the notebook's own error, never retried
            res.update(ok=False, error=_one_line(f"{exc.ename}: {exc.evalue}"), failed_cell=exc.exec_count)
        except DeadKernelError as exc:  # the kernel died while running a cell: one readable line, no retry
            res.update(ok=False, error=_one_line(f"the kernel died while running the notebook ({exc})"))
        except Exception as exc:  # the kernel did not start: retry once, then report it
            res.update(ok=False, error=_one_line(f"the kernel did not start: {type(exc).__name__}: {exc}"))
            continue
        finally:
            if km is not None:
                spare_kernel.finish(km)
        break
    res["seconds_execute"] = time.perf_counter() - t0
    if spare_next:
        spare_kernel.start(KERNEL, cwd)
    t1 = time.perf_counter()
    if Path(executed).exists():
        try:
            site.render_notebook(source, executed, html_out, title=title, synthetic=synthetic, year=year)
            res["html"] = True
        except Exception as exc:
            res.update(ok=False, error=res["error"] or _one_line(f"rendering HTML failed: {exc}"))
    res["seconds_render"] = time.perf_counter() - t1
    if pdf_out and res["ok"]:
        t2 = time.perf_counter()
        try:
            render.notebook_to_pdf(executed, pdf_out, title=title, synthetic=synthetic)
            res["pdf"] = True
        except Exception as exc:
            res.update(ok=False, error=_one_line(f"rendering PDF failed: {type(exc).__name__}: {exc}"))
        try:
            from .docx import notebook_to_docx

            notebook_to_docx(executed, Path(pdf_out).with_suffix(".docx"), title=title, synthetic=synthetic)
            res["docx"] = True
        except Exception as exc:
            res.update(ok=False, error=res["error"] or _one_line(f"rendering Word failed: {type(exc).__name__}: {exc}"))
        res["seconds_pdf"] = time.perf_counter() - t2
    return res


def _index_html(year: int, runs: list[NotebookRun], out_dir: Path, pdf: str | None, synthetic: bool,
                manifest: dict[str, Any], title: str | None = None, short: str | None = None, plan: Any = None) -> str:
    from .site import index_html

    titles = {**NOTEBOOK_TITLES, **({"briefing": short} if short else {})}
    return index_html(year, runs, out_dir, out_dir / pdf if pdf else None, synthetic, manifest, titles,
                      plan=plan, heading=title)


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run_brief(year: int, *, registers: str | Path | None = None, out: str | Path | None = None,
              jobs: int | None = None, notebooks: str | Path | None = None,
              processed: str | Path | None = None, progress: bool = True,
              params: Mapping[str, Any] | None = None, month: int | None = None,
              actuals: str | Path | None = None, plan: Any = None) -> BriefOutcome:
    """Run the yearly batch for `year`; see the module docstring for what it writes and where.

    registers: folder (or file) of registers (default: the bundled synthetic sample); out: the reports folder
    (default ``reports/``; the report goes to ``out/YYYY``); jobs: notebook processes at once (≥ 1; default:
    the core count); notebooks: folder of notebooks to run (default: the project's); params: notebook
    parameters (``-p`` / ``--params``), validated against what the notebooks declare; month: N of a 1—N月
    progress briefing (2–12; default the yearly one); actuals: the monthly 统计月报 files (default: the bundled
    synthetic sample), see :mod:`chainplan_lib.publish.progress_batch`; plan: the plan file (a Plan, a path or
    None: ``$CHAINPLAN_PLAN`` or the bundled plan) — its names, years and targets drive every step, and the
    notebooks' kernels read it too. The bundled sample registers and 统计月报 belong to the bundled plan: another
    plan runs without them unless ``registers`` / ``actuals`` are given (its register and progress sections say
    what to pass).
    ``processed`` is no longer used and ignored: each run cleans into its own folder, kept in the report as
    ``data/``.
    """
    del processed  # kept for older callers; see the docstring
    t_start = time.perf_counter()
    wall_start = time.time()
    from ..plan.load import as_plan, bundled_plan_path, is_bundled, read_plan

    plan = as_plan(plan) if plan is not None else read_plan(bundled_plan_path())
    year = check_year(year, plan=plan)
    jobs = check_jobs(jobs)
    reg_dir = check_path(registers, "registers")
    if reg_dir is None and is_bundled(plan):
        reg_dir = default_registers_dir()
    if reg_dir is not None and not reg_dir.exists():
        raise ParameterError(f"registers={str(reg_dir)!r} does not exist")
    nb_dir = check_path(notebooks, "notebooks") or notebooks_dir()
    if not nb_dir.is_dir():
        raise ParameterError(f"notebooks={str(nb_dir)!r} is not a folder of notebooks")
    sources = sorted(p for p in nb_dir.glob("*.ipynb") if not p.name.startswith("."))
    if not sources:
        raise ParameterError(f"no notebooks (*.ipynb) in {nb_dir}")
    out_root = check_output_dir(out if out is not None else reports_dir(), "out")
    month = check_brief_month(month)
    act_src = check_path(actuals, "actuals")
    given: dict[str, Any] = {}
    declared: dict[str, dict[str, Any]] | None = None
    if params:  # checked before anything starts; without -p the notebooks are inspected while workers warm up
        declared = declared_parameters(sources)
        given = check_batch_params(dict(params), {k: set(v) for k, v in declared.items()},
                                   reserved=BATCH_PARAMETERS, year=year, plan=plan)
    final = out_root.absolute() / str(year)

    nb_count = len(sources)
    workers = max(1, min(jobs or os.cpu_count() or 1, nb_count))
    tag = kernels.new_run_tag()
    with kernels.signals_raise(), kernels.runtime_dir() as jrt, BuildFolder(final) as build:
        pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"),
                                      initializer=kernels.worker_init,
                                      initargs=(tag, str(jrt), str(plan.path.resolve())))
        try:
            outcome = _run(year, build, pool, workers, sources, declared, given, reg_dir, nb_dir, progress,
                           t_start, wall_start, act_src, month, plan)
        except BaseException as exc:
            # workers and kernels stop before the build folder is deleted
            stopped = kernels.stop_processes(tag, _worker_pids(pool))
            pool.shutdown(wait=False, cancel_futures=True)
            if isinstance(exc, (Interrupted, KeyboardInterrupt)):
                signum = getattr(exc, "signum", 2)
                left = (f"the finished report was already in {build.committed_to}" if build.committed_to
                        else f"{final} left as it was")
                raise Interrupted(signum, f"{Interrupted(signum)}: stopped {stopped} worker/kernel "
                                          f"process(es); {left}") from None
            raise
        pool.shutdown(wait=True)
        kernels.stop_processes(tag)  # nothing should be left; make sure
        return outcome


def _worker_pids(pool: cf.ProcessPoolExecutor) -> list[int]:
    procs = getattr(pool, "_processes", None) or {}
    return list(procs)


def _run(year: int, build: BuildFolder, pool: cf.ProcessPoolExecutor, workers: int, sources: list[Path],
         declared: dict[str, dict[str, Any]] | None, given: dict[str, Any], reg_dir: Path | None, nb_dir: Path,
         progress: bool, t_start: float, wall_start: float,
         act_src: Path | None = None, month: int | None = None, plan: Any = None) -> BriefOutcome:
    from tqdm.auto import tqdm

    from ..cleaning.register.clean import clean_registers
    from ..cleaning.targets.clean import write_targets

    assert build.path is not None
    for sub in ("notebooks", "html", "analyst"):
        (build.path / sub).mkdir()
    with kernels.sigint_blocked():  # workers start with Ctrl-C held back until they ignore it themselves
        # they import papermill and start a kernel each while the parent cleans
        warm = [pool.submit(_warm, str(build.path / "notebooks")) for _ in range(workers)]

    # 1. cleaning: data/raw → the run's private working folder (the report's data/)
    t_clean = time.perf_counter()
    # first: a month the actuals lack stops the run at once
    actuals = progress_batch.prepare(act_src, year, month, plan=plan)
    progress_batch.write(actuals, build.data)
    title = briefing_title(year, plan, actuals.month if actuals.month_given else None)
    shutil.copyfile(plan.path, build.data / "plan.toml")  # the plan the report was made from, kept with it
    targets = write_targets(None, build.data / "targets.csv", plan=plan)
    register = (clean_registers([reg_dir], out_dir=build.data / "register", plan=plan) if reg_dir is not None
                else None)
    reg_summary = register.summary if register is not None else {}
    from .fonts import configure_fontconfig, subset_font_path  # the PDF font subset: built once, here

    subset_font_path()
    configure_fontconfig()
    seconds_clean = time.perf_counter() - t_clean
    # from file names and title rows: the register's or the 统计月报's (either marks every page 示例数据)
    synthetic = bool(reg_summary.get("synthetic", False)) or actuals.synthetic
    # the files the cleaner actually read (not everything under the folder)
    reg_files = sorted({Path(f["file"]) for f in reg_summary.get("files", [])})

    # 2. execute and render, in parallel processes; notebooks run in <report>/notebooks and read ../data
    declared = declared if declared is not None else declared_parameters(sources)
    runs: list[NotebookRun] = []
    tasks = []
    for src in sources:
        stem = src.stem
        params = notebook_parameters(stem, year, processed=Path("..") / DATA,
                                     registers=reg_dir.resolve() if reg_dir is not None else None,
                                     given=given, month=actuals.month if actuals.month_given else None,
                                     actuals=Path("..") / DATA / progress_batch.ACTUALS_SUBDIR,
                                     plan=plan.path.resolve())
        params = {k: v for k, v in params.items() if k in declared[stem]}
        executed = f"notebooks/{src.name}"
        html_rel = f"html/{stem}.html"
        pdf_rel = f"briefing-{year}.pdf" if stem == "briefing" else None
        page_title = title if stem == "briefing" else NOTEBOOK_TITLES.get(stem, stem)
        runs.append(NotebookRun(stem, str(src), executed, parameters=params))
        tasks.append((str(src), str(build.path / executed), str(build.path / html_rel),
                      str(build.path / pdf_rel) if pdf_rel else None, params, str(build.path / "notebooks"),
                      page_title, synthetic, year))
    order = run_order([r.name for r in runs], [t[3] is not None for t in tasks], build.final)
    cf.wait(warm)
    for w in warm:
        w.result()  # a worker that cannot even import papermill is an installation problem: say so
    # a worker starts the next kernel ahead unless its notebook is among the last ones handed out
    futures = {pool.submit(_run_one, *tasks[i], spare_next=pos < len(order) - workers): i
               for pos, i in enumerate(order)}
    bar = tqdm(total=len(futures), desc=f"brief {year}", unit="nb", disable=not progress)
    try:
        for fut in cf.as_completed(futures):
            run = runs[futures[fut]]
            try:
                res = fut.result()
            except Exception as exc:  # the worker process itself died
                res = {"ok": False, "error": _one_line(f"worker failed: {type(exc).__name__}: {exc}")}
            if res.pop("html", False):
                run.html = f"html/{run.name}.html"
            if res.pop("pdf", False):
                run.pdf = f"briefing-{year}.pdf"
            if res.pop("docx", False):
                run.docx = f"briefing-{year}.docx"
            for k, v in res.items():
                setattr(run, k, v)
            bar.set_postfix_str(f"{run.name} {'ok' if run.ok else 'FAILED'}")
            bar.update(1)
    finally:
        bar.close()
    pdf = next((r.pdf for r in runs if r.pdf), None)
    ok = all(r.ok for r in runs)

    # 3. manifest and index, then the swap
    # every input with what it is: the plan file, its table, the register and 统计月报 files read, the mapping
    inputs = [("plan", str(plan.path)), ("table", targets.source_file), *(("register", str(f)) for f in reg_files),
              *(("actuals", str(f)) for f in actuals.files)]
    if reg_summary.get("config"):
        inputs.append(("config", str(reg_summary["config"])))  # the editable industry → chain mapping
    seconds = time.perf_counter() - t_start
    manifest = {
        "year": year,
        "chainplan": __version__,
        "started": datetime.fromtimestamp(wall_start, timezone.utc).isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds_total": round(seconds, 2),
        "seconds_cleaning": round(seconds_clean, 2),
        "workers": workers,
        "ok": ok,
        "synthetic_register": synthetic,
        "plan": {"path": os.path.relpath(plan.path), "sha256": plan.sha256, "district": plan.district,
                 "copy": f"{DATA}/plan.toml"},
        "register_supplied": register is not None,
        "register_years": [int(y) for y in reg_summary.get("years", [])],
        "title": title,
        "actuals": actuals.manifest(),
        "inputs": [{"kind": kind, "path": os.path.relpath(p), "sha256": _sha256(Path(p)),
                    "bytes": Path(p).stat().st_size} for kind, p in inputs],
        "parameters_given": given,
        "outputs": {"pdf": pdf, "processed_dir": DATA},
        "notebooks": [{**asdict(r), "source": os.path.relpath(r.source)} for r in runs],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": _versions(),
    }
    _write_text(build.path / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    short = title.removeprefix(f"{plan.district}制造业重点产业链") if actuals.month_given else None
    _write_text(build.path / "index.html", _index_html(year, runs, build.path, pdf, synthetic, manifest, title,
                                                       short, plan))

    target = build.final if ok else build.final.with_name(f"{build.final.name}.failed")
    with kernels.signals_deferred():
        where = build.commit(target)
    if ok:
        stale = build.final.with_name(f"{build.final.name}.failed")
        if stale.is_dir() and stale.stat().st_mtime < wall_start:  # an older run's failure, now superseded
            shutil.rmtree(stale, ignore_errors=True)
    return BriefOutcome(year, where, runs, where / "manifest.json", where / "index.html",
                        where / pdf if pdf else None, time.perf_counter() - t_start)
