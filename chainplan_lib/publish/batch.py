"""The yearly batch (``chainplan brief``): check, clean, execute the notebooks with papermill, render, index, swap.

reports/YYYY/ (or reports/YYYY-<name>/ for a scenario, ``--name``)
  data/                     what the notebooks read: the plan and its table, the cleaned tables (:mod:`.report_data`)
  notebooks/<stem>.ipynb    executed copies, with code (for analysts); they re-run from the report's own data/
  html/, analyst/           the pages (:mod:`.formats`), briefing-YYYY.pdf / .docx
  index.html                the report's front page (:mod:`.site`)
  manifest.json             inputs with SHA-256, sources and git state, parameters, versions, timings (:mod:`.manifest`)
reports/index.html          every report and scenario beside each other

The notebooks that run are the committed jupytext sources (:mod:`.sources`). What can be checked is checked
before anything runs: the year, the report folder (a file where it goes is one line), the notebooks (readable,
pairs in sync, no saved outputs), the parameters (:mod:`.parameters`). Every run works in its own private folder
beside the report and swaps it in whole at the end (:mod:`.workspace`): two runs never mix, and a run that fails
or is interrupted leaves the previous report exactly as it was. A run in which a notebook fails keeps its report
— showing the failing cell — in ``YYYY.failed/`` instead.

Notebooks run in worker processes (:mod:`.pool`, :mod:`.worker`), one fresh kernel each, the slowest first
(:mod:`.run_order`); a failing notebook does not stop the others. Every way the run ends — done, its own error,
SIGINT / SIGTERM (:class:`~chainplan_lib.errors.Interrupted`), its process killed (:mod:`.guard`) — stops the
workers and kernels and leaves no build or runtime folder.
"""

from __future__ import annotations

import concurrent.futures as cf
import fcntl
import os
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from .. import __version__
from ..errors import ChainplanError, Interrupted, OutputError, ParameterError
from ..files.atomic import write_atomic
from ..paths import check_output_dir, default_registers_dir, notebooks_dir, reports_dir
from ..plan.params import check_jobs, check_path, check_year
from . import kernels, manifest, sources
from .guard import Guardian
from .manifest import NotebookRun
from .pool import NotebookPool
from .progress_batch import check_brief_month
from .workspace import BuildFolder

__all__ = ["BriefOutcome", "run_brief", "check_name", "report_folder"]

DATA = "data"
RUN_PARAMETERS = {"processed_dir": "../data", "actuals_dir": "../data/actuals", "plan": "../data/plan.toml",
                  "register_dir": None}


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
            previous = self.out_dir.with_name(self.out_dir.name.removesuffix(".failed"))
            lines.append(f"  {len(self.failed)} notebook(s) failed; their executed copies show the failing cell. "
                         f"The previous report in {previous} was left as it was.")
        return "\n".join(lines)


_LABEL_BAD = re.compile(r"[/\\\x00-\x1f\x7f]|^\.|\.failed$|^\s|\s$")


def check_name(name: Any) -> str | None:
    """A scenario label (``--name 低增长``): a folder-name fragment, ≤ 40 characters, not hidden, no slashes or
    control characters; None for the default report."""
    if name is None:
        return None
    label = unicodedata.normalize("NFC", str(name))
    if not label or len(label) > 40 or _LABEL_BAD.search(label) or any(
            unicodedata.category(c) in ("Cf", "Zl", "Zp") for c in label):
        raise ParameterError(f"--name {name!r}: use a short label such as 低增长 or high-growth (up to 40 "
                             "characters; no slashes, control characters, leading dot or surrounding spaces)")
    return label


def report_folder(year: int, name: str | None = None) -> str:
    """The report's folder name: ``2025``, or ``2025-低增长`` for a scenario."""
    return f"{year}-{name}" if name else str(year)


def _check_target(final: Path) -> None:
    """The report folder (and its .failed sibling) must be folders or absent: one line before anything runs."""
    for p in (final, final.with_name(f"{final.name}.failed")):
        if p.exists() and not p.is_dir():
            raise OutputError(f"--out {final.parent}: {p} is a file; the report needs a folder there (move it away)")


def run_brief(year: int, *, plan: Any, registers: str | Path | None = None, out: str | Path | None = None,
              jobs: int | None = None, notebooks: str | Path | None = None, progress: bool = True,
              params: Mapping[str, Any] | None = None, month: int | None = None,
              actuals: str | Path | None = None, name: str | None = None) -> BriefOutcome:
    """Run the yearly batch for ``year``; see the module docstring for what it writes and where.

    ``plan``: the plan (a Plan or a plan file) whose names, years and targets drive every step; the notebooks
    get its copy in the report. ``registers``: folder (or file) of registers (default for the bundled plan: its
    synthetic sample; another plan runs without unless given); ``out``: the reports folder (default
    ``reports/``); ``jobs``: notebook processes at once (default: the core count); ``notebooks``: the folder of
    notebooks (default: the project's); ``params``: notebook parameters, ``NAME`` or ``NOTEBOOK:NAME`` → value
    (``-p`` / ``--params``); ``month``: N of a 1—N月 progress briefing (2–12); ``actuals``: the 统计月报
    (:mod:`chainplan_lib.publish.progress_batch`); ``name``: a scenario label, the report goes to
    ``out/YYYY-<name>`` beside the default one.
    """
    from ..plan.load import is_bundled, read_plan
    from ..plan.model import Plan

    t_start, wall_start = time.perf_counter(), time.time()
    plan = plan if isinstance(plan, Plan) else read_plan(plan)
    year = check_year(year, plan=plan)
    jobs = check_jobs(jobs)
    reg_dir = check_path(registers, "registers")
    if reg_dir is None and is_bundled(plan):
        reg_dir = default_registers_dir()
    if reg_dir is not None and not reg_dir.exists():
        raise ParameterError(f"registers={str(reg_dir)!r} does not exist")
    nb_dir = check_path(notebooks, "notebooks") or notebooks_dir()
    nb_paths = sources.find(nb_dir)
    label = check_name(name)
    out_root = check_output_dir(out if out is not None else reports_dir(), "--out")
    final = out_root.absolute() / report_folder(year, label)
    _check_target(final)
    month = check_brief_month(month)
    act_src = check_path(actuals, "actuals")
    workers = max(1, min(jobs or os.cpu_count() or 1, len(nb_paths)))
    tag = kernels.new_run_tag()
    pool = None
    with Guardian(tag) as guard, kernels.signals_raise(), kernels.runtime_dir() as jrt, BuildFolder(final) as build:
        guard.remove_if_killed(jrt)
        guard.remove_if_killed(build.path)
        try:
            pool = NotebookPool(workers, tag, jrt)
            with pool:
                (build.path / "notebooks").mkdir()
                pool.warm(str(build.path / "notebooks"))  # workers start while the sources are read and data cleaned
                run = _Run(year, plan, build, pool, nb_dir, nb_paths, reg_dir, act_src, month, label, dict(params or {}),
                           progress, t_start, wall_start)
                outcome = run.execute()
        except (Interrupted, KeyboardInterrupt) as exc:
            signum = getattr(exc, "signum", 2)
            left = (f"the finished report was already in {build.committed_to}" if build.committed_to
                    else f"{final} left as it was")
            stopped = pool.stopped if pool is not None else 0
            raise Interrupted(signum, f"{Interrupted(signum)}: stopped {stopped} worker/kernel process(es); "
                                      f"{left}") from None
    _write_reports_index(out_root.absolute())
    return outcome


class _Run:
    """One batch run inside its build folder, with its pool started."""

    def __init__(self, year, plan, build, pool, nb_dir, nb_paths, reg_dir, act_src, month, label, given, progress,
                 t_start, wall_start):
        self.year, self.plan, self.build, self.pool = year, plan, build, pool
        self.nb_dir, self.nb_paths, self.reg_dir, self.act_src = nb_dir, nb_paths, reg_dir, act_src
        self.month, self.label, self.given, self.progress = month, label, given, progress
        self.t_start, self.wall_start = t_start, wall_start

    def execute(self) -> BriefOutcome:
        from ..present.briefing import briefing_title
        from . import parameters, progress_batch, report_data
        from .fonts import configure_fontconfig, subset_font_path
        from .formats import print_file
        from .site import Site, index_html

        year, plan, build = self.year, self.plan, self.build
        # the sources: read, paired .ipynb checked, parameters checked — before anything runs
        srcs = sources.read_all(self.nb_paths)
        per_nb = parameters.resolve(self.given, {s.stem: s.parameters for s in srcs}, year=year, plan=plan)
        git = sources.git_state(self.nb_dir)

        # 1. cleaning into the report's data/ (a month the actuals lack stops the run first)
        t_clean = time.perf_counter()
        actuals = progress_batch.prepare(self.act_src, year, self.month, plan=plan)
        data = report_data.prepare(build.data, plan, self.reg_dir, actuals)
        title = briefing_title(year, plan, actuals.month if actuals.month_given else None)
        subset_font_path()   # the PDF font subset: built once, here, while the workers start
        configure_fontconfig()
        seconds_clean = time.perf_counter() - t_clean
        # from file names and title rows: the register's or the 统计月报's (either marks every page 示例数据)
        synthetic = bool(data.register_summary.get("synthetic", False)) or actuals.synthetic

        # 2. execute and render, in the workers; notebooks run in <report>/notebooks and read ../data
        short = title.removeprefix(f"{plan.district}制造业重点产业链")
        has_print = any(s.stem == "briefing" for s in srcs)
        site = Site.of(year, {s.stem: (short if s.stem == "briefing" else s.title) for s in srcs},
                       pdf=print_file("briefing", year, "pdf") if has_print else None,
                       docx=print_file("briefing", year, "docx") if has_print else None)
        run_params = {"year": year, **RUN_PARAMETERS, "month": actuals.month if actuals.month_given else None}
        runs, tasks = self._tasks(srcs, per_nb, run_params, site, title, synthetic)
        self._execute(runs, tasks)

        # 3. manifest, index, then the swap
        doc = self._manifest(runs, git, data, actuals, title, seconds_clean, synthetic)
        manifest.write(build.path, doc)
        write_atomic(build.path / "index.html", index_html(site, runs, build.path, doc, heading=title,
                                                           synthetic=synthetic, scenario=self.label))
        return self._commit(runs)

    def _tasks(self, srcs, per_nb, run_params, site, title, synthetic):
        from . import formats, parameters, worker

        runs, tasks = [], []
        nb_folder = self.build.path / "notebooks"
        for src in srcs:
            params = parameters.for_notebook(src.stem, src.parameters, run_params, per_nb[src.stem])
            wanted = formats.formats_for(src.stem, src.metadata)
            executed = f"notebooks/{src.stem}.ipynb"
            page_title = title if src.stem == "briefing" else src.title
            runs.append(NotebookRun(src.stem, sources.shown(src.path), executed, src.sha256, page_title, wanted,
                                    parameters=params))
            job = formats.RenderJob(src.stem, str(self.build.path / executed), str(self.build.path), page_title,
                                    self.year, site, synthetic)
            tasks.append(worker.Task(src.text, job.executed, str(nb_folder), params, wanted, job,
                                     source_name=sources.shown(src.path), output_name=executed))
        return runs, tasks

    def _execute(self, runs: list[NotebookRun], tasks: list) -> None:
        from dataclasses import replace

        from tqdm.auto import tqdm

        from . import worker
        from .run_order import run_order

        order = run_order([r.name for r in runs], ["pdf" in r.formats for r in runs], self.build.final)
        self.pool.wait_warm()
        n, workers = len(order), self.pool.workers
        # a worker starts the next kernel ahead unless its notebook is among the last ones handed out
        futures = {self.pool.submit(worker.run, replace(tasks[i], spare_next=pos < n - workers)): i
                   for pos, i in enumerate(order)}
        bar = tqdm(total=len(futures), desc=f"brief {self.year}", unit="nb", disable=not self.progress)
        try:
            for fut in cf.as_completed(futures):
                run = runs[futures[fut]]
                try:
                    res = fut.result()
                except Exception as exc:  # the worker process itself died
                    res = {"ok": False, "error": f"worker failed: {type(exc).__name__}: {exc}"[:300]}
                for k, v in res.items():
                    setattr(run, k, v)
                bar.set_postfix_str(f"{run.name} {'ok' if run.ok else 'FAILED'}")
                bar.update(1)
        finally:
            bar.close()

    def _manifest(self, runs, git, data, actuals, title, seconds_clean, synthetic) -> dict[str, Any]:
        plan = self.plan
        return {
            "year": self.year,
            "scenario": self.label,
            "chainplan": __version__,
            "started": datetime.fromtimestamp(self.wall_start, timezone.utc).isoformat(timespec="seconds"),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seconds_total": round(time.perf_counter() - self.t_start, 2),
            "seconds_cleaning": round(seconds_clean, 2),
            "workers": self.pool.workers,
            "ok": all(r.ok for r in runs),
            "synthetic_register": synthetic,
            "plan": {"path": sources.shown(Path(plan.path)), "sha256": plan.sha256, "district": plan.district,
                     "copy": f"{DATA}/plan.toml",
                     "table": f"{DATA}/{Path(data.plan.table_path).relative_to(self.build.data.resolve()).as_posix()}"},
            "register_supplied": data.register is not None,
            "register_years": [int(y) for y in data.register_summary.get("years", [])],
            "title": title,
            "actuals": actuals.manifest(),
            "source": {"notebooks": sources.shown(self.nb_dir), **git},
            "inputs": data.inputs,
            "parameters_given": self.given,
            "outputs": {"pdf": next((r.outputs["pdf"] for r in runs if "pdf" in r.outputs), None),
                        "processed_dir": DATA},
            "notebooks": [r.record() for r in runs],
            **manifest.environment(),
        }

    def _commit(self, runs: list[NotebookRun]) -> BriefOutcome:
        build = self.build
        ok = all(r.ok for r in runs)
        target = build.final if ok else build.final.with_name(f"{build.final.name}.failed")
        with kernels.signals_deferred():
            where = build.commit(target)
        if ok:
            stale = build.final.with_name(f"{build.final.name}.failed")
            if stale.is_dir() and stale.stat().st_mtime < self.wall_start:  # an older run's failure, superseded
                shutil.rmtree(stale, ignore_errors=True)
        pdf = next((r.outputs["pdf"] for r in runs if "pdf" in r.outputs), None)
        return BriefOutcome(self.year, where, runs, where / manifest.NAME, where / "index.html",
                            where / pdf if pdf else None, time.perf_counter() - self.t_start)


def _write_reports_index(root: Path) -> None:
    """``reports/index.html``: every report beside each other, rebuilt from their manifests (under a lock on the
    folder, so two runs finishing together both end up listed)."""
    from .site import reports_index_html

    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        write_atomic(root / "index.html", reports_index_html(manifest.reports(root)))
    except (OSError, ChainplanError):
        pass  # the reports themselves are in place; an index that cannot be written is not worth failing for
    finally:
        os.close(fd)
