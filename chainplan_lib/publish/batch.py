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

Notebooks run in worker processes (:mod:`.pool`, :mod:`.worker`), one fresh kernel each (started ahead and warm,
:mod:`.spare_kernel`), the slowest first (:mod:`.run_order`); a failing notebook does not stop the others. Every
way the run ends — done, its own error, SIGINT / SIGTERM (:class:`~chainplan_lib.errors.Interrupted`), its process
killed (:mod:`.guard`) — stops the workers and kernels and leaves no build or runtime folder.

After the notebooks are handed out, the run reads its own ``data/`` as the notebooks do: a chain of the plan that
the 统计月报 give no figure for the report's 1—N月 is named with why (``BriefOutcome.missing``, the manifest's
``missing_chains``); the CLI then exits 3 unless ``--allow-missing``. One district's report is
:class:`_District`; :class:`Execution` runs the notebooks of one or several (:mod:`.many`) on one pool and bar.
"""

from __future__ import annotations

import concurrent.futures as cf
import fcntl
import logging
import os
import re
import shutil
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from .. import __version__
from ..errors import ChainplanError, Interrupted, OutputError, ParameterError
from ..files.atomic import write_atomic
from ..paths import check_output_dir, default_registers_dir, notebooks_dir, reports_dir
from ..plan.params import check_jobs, check_path, check_year
from . import kernels, manifest, sources, spare_kernel
from .guard import Guardian
from .manifest import NotebookRun
from .pool import NotebookPool
from .progress_batch import check_brief_month
from .workspace import BuildFolder

__all__ = ["BriefOutcome", "Execution", "run_brief", "registers_for", "check_name", "check_folder_name",
           "report_folder"]

_log = logging.getLogger(__name__)
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
    district: str = ""
    period: str = ""              # the 统计月报's 1—N月 the report is about ('2025年1—9月'), '' without
    missing: dict[str, str] = field(default_factory=dict)   # chain name → why it has no figure for the period

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.runs)

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if not r.ok]

    def missing_line(self) -> str:
        """The chains without a figure for the report's 1—N月, and why (``…: why；…``); '' when none is missing."""
        from ..present.titles import named_whys

        return named_whys(self.missing)

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
        if self.missing:
            lines.append(f"  缺少{self.period}数据的产业链（报告中未列入）：{self.missing_line()}")
        lines.append(f"  index: {self.index}")
        if not self.ok:
            previous = self.out_dir.with_name(self.out_dir.name.removesuffix(".failed"))
            lines.append(f"  {len(self.failed)} notebook(s) failed; their executed copies show the failing cell. "
                         f"The previous report in {previous} was left as it was.")
        return "\n".join(lines)


_LABEL_BAD = re.compile(r"[/\\\x00-\x1f\x7f]|^\.|\.failed$|^\s|\s$")


def _bad_label(label: str) -> bool:
    return (not label or len(label) > 40 or bool(_LABEL_BAD.search(label))
            or any(unicodedata.category(c) in ("Cf", "Zl", "Zp") for c in label))


def check_name(name: Any) -> str | None:
    """A scenario label (``--name 低增长``): a folder-name fragment, ≤ 40 characters, not hidden, no slashes or
    control characters; None for the default report."""
    if name is None:
        return None
    label = unicodedata.normalize("NFC", str(name))
    if _bad_label(label):
        raise ParameterError(f"--name {name!r}: use a short label such as 低增长 or high-growth (up to 40 "
                             "characters; no slashes, control characters, leading dot or surrounding spaces)")
    return label


def check_folder_name(stem: str, path: Path) -> str:
    """A plan file's stem as the name of its district's report folder (``OUT/YYYY/<stem>``): the rules of a
    scenario label (:func:`check_name`), and not ``index``."""
    label = unicodedata.normalize("NFC", stem)
    if _bad_label(label) or label.lower() in ("index", "districts"):
        raise ParameterError(f"{path}: its name {stem!r} cannot name a report folder (up to 40 characters; no leading "
                             "dot, control characters, surrounding spaces or '.failed'; not 'index'); rename the "
                             "plan file")
    return label


def report_folder(year: int, name: str | None = None) -> str:
    """The report's folder name: ``2025``, or ``2025-低增长`` for a scenario."""
    return f"{year}-{name}" if name else str(year)


def _check_target(final: Path, *, districts: bool = False) -> None:
    """The report folder (and its .failed sibling) must be folders or absent: one line before anything runs. A
    single plan's report never replaces a folder of several districts' reports, nor the other way round."""
    for p in (final, final.with_name(f"{final.name}.failed")):
        if p.exists() and not p.is_dir():
            raise OutputError(f"--out {final.parent}: {p} is a file; the report needs a folder there (move it away)")
    if not districts and (final / "districts.json").exists():
        raise OutputError(f"--out {final.parent}: {final} holds the reports of several districts (a run of several "
                          "plans); a single plan's report would replace them all — give another --out, or run the "
                          "plans together")
    if districts and (final / manifest.NAME).exists():
        raise OutputError(f"--out {final.parent}: {final} holds a single plan's report; a run of several plans puts "
                          f"each in {final.name}/<plan>/ — give another --out, or move {final} away")


@dataclass
class _Settings:
    """What every district of a run shares: the year, the month asked for, the notebooks and the user's
    parameters, and the run's clocks."""

    year: int
    month: int | None
    label: str | None
    given: dict[str, Any]
    nb_dir: Path
    nb_paths: list[Path]
    progress: bool
    t_start: float
    wall_start: float
    srcs: list = field(default_factory=list)       # sources.Source, read once for every district
    git: dict[str, Any] = field(default_factory=dict)

    def read_sources(self) -> None:
        if not self.srcs:
            self.srcs = sources.read_all(self.nb_paths)
            self.git = sources.git_state(self.nb_dir)

    @property
    def tolerance_pp(self) -> float:
        t = self.given.get("tolerance_pp", 1.0)
        return float(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else 1.0


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
    ``out/YYYY-<name>`` beside the default one. The outcome's ``missing`` names each chain of the plan the
    统计月报 give no figure for the report's 1—N月 (the report is made without it).
    """
    from ..plan.load import read_plan
    from ..plan.model import Plan

    t_start, wall_start = time.perf_counter(), time.time()
    plan = plan if isinstance(plan, Plan) else read_plan(plan)
    year = check_year(year, plan=plan)
    jobs = check_jobs(jobs)
    reg_dir = registers_for(plan, registers)
    nb_dir = check_path(notebooks, "notebooks") or notebooks_dir()
    nb_paths = sources.find(nb_dir)
    label = check_name(name)
    out_root = check_output_dir(out if out is not None else reports_dir(), "--out")
    final = out_root.absolute() / report_folder(year, label)
    _check_target(final)
    settings = _Settings(year, check_brief_month(month), label, dict(params or {}), nb_dir, nb_paths, progress,
                         t_start, wall_start)
    act_src = check_path(actuals, "actuals")
    workers = max(1, min(jobs or os.cpu_count() or 1, len(nb_paths)))
    tag = kernels.new_run_tag()
    pool = None
    with Guardian(tag) as guard, kernels.signals_raise(), kernels.runtime_dir() as jrt, BuildFolder(final) as build:
        guard.remove_if_killed(jrt)
        guard.remove_if_killed(build.path)
        try:
            pool = NotebookPool(workers, tag, jrt, spare_kernel.warm_modules(sources.code_texts(nb_paths)))
            with pool:
                (build.path / "notebooks").mkdir()
                pool.warm(str(build.path / "notebooks"))  # workers start while the sources are read and data cleaned
                district = _District(plan, build, reg_dir, act_src, settings)
                district.prepare()
                execution = Execution(pool, len(nb_paths), settings)
                try:
                    execution.submit(district, last=True)
                    district.inspect(compare=False)      # while the notebooks run
                    execution.wait(_District.finish)
                finally:
                    execution.close()
                outcome = district.outcome
        except (Interrupted, KeyboardInterrupt) as exc:
            signum = getattr(exc, "signum", 2)
            left = (f"the finished report was already in {build.committed_to}" if build.committed_to
                    else f"{final} left as it was")
            stopped = pool.stopped if pool is not None else 0
            raise Interrupted(signum, f"{Interrupted(signum)}: stopped {stopped} worker/kernel process(es); "
                                      f"{left}") from None
    _write_reports_index(out_root.absolute())
    return outcome


def registers_for(plan: Any, registers: str | Path | None) -> Path | None:
    """The registers a plan's report reads: those given, else the bundled sample for the bundled plan, else none;
    a given path that does not exist is one line."""
    from ..plan.load import is_bundled

    reg_dir = check_path(registers, "registers")
    if reg_dir is None and is_bundled(plan):
        reg_dir = default_registers_dir()
    if reg_dir is not None and not reg_dir.exists():
        raise ParameterError(f"registers={str(reg_dir)!r} does not exist")
    return reg_dir


class _District:
    """One plan's report inside its build folder: cleaned, its notebooks handed to the pool, checked, finished."""

    def __init__(self, plan: Any, build: BuildFolder, reg_dir: Path | None, act_src: Path | None,
                 settings: _Settings, folder: str | None = None):
        self.plan, self.build, self.reg_dir, self.act_src, self.s = plan, build, reg_dir, act_src, settings
        self.folder = folder                 # its folder among several districts (the plan file's stem)
        self.runs: list[NotebookRun] = []
        self.tasks: list = []
        self.missing: dict[str, str] = {}    # chain id → why it has no figure for the month
        self.row: dict[str, Any] | None = None
        self.outcome: BriefOutcome | None = None
        self.pending = 0

    @property
    def name(self) -> str:
        return f"{self.folder}/" if self.folder else ""

    def prepare(self) -> None:
        """Read the sources (once per run), check the parameters for this plan, clean its inputs into the build
        folder's ``data/`` and make the notebooks' tasks. Bad input raises (one line)."""
        from ..present.titles import briefing_title
        from . import parameters, progress_batch, report_data
        from .fonts import configure_fontconfig, subset_font_path
        from .formats import print_file
        from .site import Site

        s, plan, build = self.s, self.plan, self.build
        # the sources: read, paired .ipynb checked, parameters checked — before anything runs
        s.read_sources()
        per_nb = parameters.resolve(s.given, {src.stem: src.parameters for src in s.srcs}, year=s.year, plan=plan)

        # 1. cleaning into the report's data/ (a month the actuals lack stops the run first)
        t_clean = time.perf_counter()
        self.actuals = progress_batch.prepare(self.act_src, s.year, s.month, plan=plan)
        self.data = report_data.prepare(build.data, plan, self.reg_dir, self.actuals)
        month = self.actuals.month if self.actuals.month_given else None
        self.title = briefing_title(s.year, plan, month)
        subset_font_path()   # the PDF font subset: built once, here, while the workers start
        configure_fontconfig()
        self.seconds_clean = time.perf_counter() - t_clean
        # from file names and title rows: the register's or the 统计月报's (either marks every page 示例数据)
        self.synthetic = bool(self.data.register_summary.get("synthetic", False)) or self.actuals.synthetic

        # 2. what the workers execute and render; notebooks run in <report>/notebooks and read ../data
        short = self.title.removeprefix(f"{plan.district}制造业重点产业链")
        has_print = any(src.stem == "briefing" for src in s.srcs)
        self.site = Site.of(s.year, {src.stem: (short if src.stem == "briefing" else src.title) for src in s.srcs},
                            pdf=print_file("briefing", s.year, "pdf") if has_print else None,
                            docx=print_file("briefing", s.year, "docx") if has_print else None)
        (build.path / "notebooks").mkdir(exist_ok=True)
        run_params = {"year": s.year, **RUN_PARAMETERS, "month": month}
        self._tasks(per_nb, run_params)

    def _tasks(self, per_nb, run_params) -> None:
        from . import formats, parameters, worker

        nb_folder = self.build.path / "notebooks"
        for src in self.s.srcs:
            params = parameters.for_notebook(src.stem, src.parameters, run_params, per_nb[src.stem])
            wanted = formats.formats_for(src.stem, src.metadata)
            executed = f"notebooks/{src.stem}.ipynb"
            page_title = self.title if src.stem == "briefing" else src.title
            self.runs.append(NotebookRun(src.stem, sources.shown(src.path), executed, src.sha256, page_title, wanted,
                                         parameters=params))
            job = formats.RenderJob(src.stem, str(self.build.path / executed), str(self.build.path), page_title,
                                    self.s.year, self.site, self.synthetic)
            self.tasks.append(worker.Task(src.text, job.executed, str(nb_folder), params, wanted, job,
                                          source_name=sources.shown(src.path), output_name=executed))

    def inspect(self, *, compare: bool) -> None:
        """What the report's own data say, read as its notebooks read them (the plan's copy, ``data/``): the chains
        the 统计月报 give no figure for the report's 1—N月, and why; with ``compare``, the district's row for the
        comparison of several districts (:func:`chainplan_lib.analysis.districts.district_row`)."""
        from ..district import District

        month, year, plan = self.actuals.month, self.s.year, self.data.plan
        if month is None and not compare:
            return
        d = District.open(plan, processed=self.build.data, actuals=self.build.data / "actuals")
        try:
            report = d.progress(year, month)
        except ChainplanError as exc:  # the notebooks meet it too and say so; the run goes on
            _log.warning("%s: the 统计月报 of %s could not be read against the targets (%s)", plan.district, year, exc)
            return
        if month is not None:
            self.missing = d.missing_chains(report)
        if compare:
            from ..analysis.districts import district_row

            try:
                self.row = district_row(d.consistency(self.s.tolerance_pp), report, plan=plan,
                                        folder=self.folder or "", synthetic=self.synthetic, year=year)
            except ChainplanError as exc:
                _log.warning("%s: no comparison figures (%s)", plan.district, exc)

    def finish(self) -> BriefOutcome:
        """Manifest and index into the build folder, then the swap (``YYYY.failed`` when a notebook failed)."""
        from ..analysis.progress import period_label
        from .site import index_html

        build, runs = self.build, self.runs
        doc = self._manifest()
        manifest.write(build.path, doc)
        write_atomic(build.path / "index.html", index_html(self.site, runs, build.path, doc, heading=self.title,
                                                           synthetic=self.synthetic, scenario=self.s.label))
        ok = all(r.ok for r in runs)
        target = build.final if ok else build.final.with_name(f"{build.final.name}.failed")
        with kernels.signals_deferred():
            where = build.commit(target)
        if ok:
            stale = build.final.with_name(f"{build.final.name}.failed")
            if stale.is_dir() and stale.stat().st_mtime < self.s.wall_start:  # an older run's failure, superseded
                shutil.rmtree(stale, ignore_errors=True)
        pdf = next((r.outputs["pdf"] for r in runs if "pdf" in r.outputs), None)
        month = self.actuals.month
        self.outcome = BriefOutcome(
            self.s.year, where, runs, where / manifest.NAME, where / "index.html", where / pdf if pdf else None,
            time.perf_counter() - self.s.t_start, self.plan.district,
            f"{self.s.year}年{period_label(month)}" if month else "",
            {self.plan.chain_label(c): why for c, why in self.missing.items()})
        return self.outcome

    def _manifest(self) -> dict[str, Any]:
        plan, data, runs, s = self.plan, self.data, self.runs, self.s
        return {
            "year": s.year,
            "scenario": s.label,
            "chainplan": __version__,
            "started": datetime.fromtimestamp(s.wall_start, timezone.utc).isoformat(timespec="seconds"),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seconds_total": round(time.perf_counter() - s.t_start, 2),
            "seconds_cleaning": round(self.seconds_clean, 2),
            "workers": self.workers,
            "ok": all(r.ok for r in runs),
            "synthetic_register": self.synthetic,
            "plan": {"path": sources.shown(Path(plan.path)), "sha256": plan.sha256, "district": plan.district,
                     "copy": f"{DATA}/plan.toml",
                     "table": f"{DATA}/{Path(data.plan.table_path).relative_to(self.build.data.resolve()).as_posix()}"},
            "register_supplied": data.register is not None,
            "register_years": [int(y) for y in data.register_summary.get("years", [])],
            "title": self.title,
            "actuals": self.actuals.manifest(),
            "missing_chains": [{"chain": c, "name": plan.chain_label(c), "why": why} for c, why in self.missing.items()],
            "source": {"notebooks": sources.shown(s.nb_dir), **s.git},
            "inputs": data.inputs,
            "parameters_given": s.given,
            "outputs": {"pdf": next((r.outputs["pdf"] for r in runs if "pdf" in r.outputs), None),
                        "processed_dir": DATA},
            "notebooks": [r.record() for r in runs],
            **manifest.environment(),
        }

    workers = 0   # the pool's size, for the manifest (set by the execution)


class Execution:
    """The notebooks of one or more districts on one pool and one progress bar. Each district's notebooks go to
    the workers longest first (:mod:`.run_order`) as soon as the district is ready; a district whose notebooks
    have all come back is finished at once (its report swapped in) while the others still run."""

    def __init__(self, pool: NotebookPool, total: int, settings: _Settings):
        self.pool = pool
        self.futures: dict[cf.Future, tuple[_District, NotebookRun]] = {}
        self.total, self.settings = total, settings
        self.bar = None
        self._redirect = None
        self._waited = False

    def _open_bar(self):
        """The progress bar, drawn once the first notebooks are handed out (what is said before — a warning about
        an earlier report — stays on lines of its own); later warnings are written above it."""
        if self.bar is None:
            from tqdm.auto import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            self.bar = tqdm(total=self.total, desc=f"brief {self.settings.year}", unit="nb",
                            disable=not self.settings.progress)
            self._redirect = logging_redirect_tqdm(loggers=[logging.getLogger("chainplan_lib")])
            self._redirect.__enter__()
        return self.bar

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self._redirect.__exit__(None, None, None)
            self.bar = self._redirect = None

    def submit(self, district: _District, *, last: bool) -> None:
        """Hand ``district``'s notebooks to the pool. ``last``: no district follows it, so the workers' last
        notebooks start no kernel ahead."""
        from dataclasses import replace

        from . import worker
        from .run_order import run_order

        if not self._waited:
            self.pool.wait_warm()
            self._waited = True
        runs = district.runs
        order = run_order([r.name for r in runs], ["pdf" in r.formats for r in runs], district.build.final)
        self._open_bar()
        n, workers = len(order), self.pool.workers
        district.workers = workers
        district.pending = n
        for pos, i in enumerate(order):
            # a worker starts the next kernel ahead unless its notebook is among the last ones handed out
            task = replace(district.tasks[i], spare_next=not last or pos < n - workers)
            self.futures[self.pool.submit(worker.run, task)] = (district, runs[i])

    def drop(self, n: int) -> None:
        """``n`` notebooks that will not run (their district could not be prepared): off the bar's total."""
        self.total -= n
        if self.bar is not None:
            self.bar.total = max(0, self.total)
            self.bar.refresh()

    def wait(self, finish: Callable[[_District], Any], block: bool = True) -> None:
        """Record the notebooks that came back (all of them when ``block``, else those done by now) and finish
        each district whose notebooks are all back."""
        try:
            while self.futures:
                # never an unbounded wait: a SIGINT/SIGTERM the kernel hands to another thread of this process
                # (the pool's manager, tqdm's monitor) only runs its handler when the main thread wakes up
                done, _ = cf.wait(list(self.futures), timeout=0.25 if block else 0,
                                  return_when=cf.FIRST_COMPLETED)
                if not done:
                    if block:
                        continue
                    return
                for fut in done:
                    district, run = self.futures.pop(fut)
                    try:
                        res = fut.result()
                    except Exception as exc:  # the worker process itself died
                        res = {"ok": False, "error": f"worker failed: {type(exc).__name__}: {exc}"[:300]}
                    for k, v in res.items():
                        setattr(run, k, v)
                    bar = self._open_bar()
                    bar.set_postfix_str(f"{district.name}{run.name} {'ok' if run.ok else 'FAILED'}")
                    bar.update(1)
                    district.pending -= 1
                    if district.pending == 0:
                        finish(district)
        finally:
            if block:
                self.close()


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
