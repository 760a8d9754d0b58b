"""Several districts in one run: ``chainplan brief --year Y --plan A.toml --plan B.toml …`` or ``--plans DIR``.

One run, one pool of workers (their exporters compiled once, their kernels started ahead and warm), one font
subset, one progress bar — for every plan. Each district's report is what a run of its plan alone makes, in its
own folder, swapped in whole with its own manifest; beside them the comparison of the districts:

OUT/YYYY/                  (OUT/YYYY-<name>/ for a scenario)
  index.html               the districts side by side (:mod:`.districts_page`), districts.json, districts-YYYY.pdf
  <plan file stem>/        one district's report, as ``chainplan brief --plan <that file>`` writes OUT/YYYY/
  <stem>.failed/           … when one of its notebooks failed (as a single run's YYYY.failed/)

A district that cannot be made (its plan file or its table is broken, its 统计月报 lack the month asked for) is
named with its error and the others go on; so does one whose notebooks fail. What cannot be right for any
district is refused before anything runs: two plan files with the same stem (their reports would share a
folder), the same file twice, a report folder in the way.

Each district's data: ``--registers`` / ``--actuals`` take ``STEM=PATH`` (the plan file's stem: ``--actuals
yunxi-2024=tests/data/yunxi_actuals``); otherwise a folder named after the plan file beside it holding
``registers/`` or ``actuals/`` (``plans/yunxi-2024.toml`` → ``plans/yunxi-2024/actuals/``); otherwise, for the
bundled plan, its bundled samples; otherwise none (its register and progress sections say so).
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..errors import ChainplanError, Interrupted, ParameterError
from ..paths import check_output_dir, notebooks_dir, reports_dir
from ..plan.params import check_jobs, check_path
from . import districts_page, kernels, sources, spare_kernel
from .batch import (
    BriefOutcome,
    Execution,
    _check_target,
    _District,
    _Settings,
    _write_reports_index,
    check_folder_name,
    check_name,
    registers_for,
    report_folder,
)
from .guard import Guardian
from .pool import NotebookPool
from .progress_batch import check_brief_month
from .workspace import BuildFolder

__all__ = ["DistrictOutcome", "ManyOutcome", "find_plans", "assign", "own_data", "run_many", "FAILED_BASE"]

#: A run of several plans exits FAILED_BASE + the number of districts that failed (see the CLI's help).
FAILED_BASE = 10


def find_plans(plans: Sequence[str | Path] = (), folder: str | Path | None = None) -> list[Path]:
    """The plan files of a run: each ``--plan`` as given, then the ``*.toml`` files of ``--plans DIR`` (sorted).
    Refused (one line, before anything runs): a folder without plan files, the same file twice, two files with
    the same stem (their reports would share a folder), a stem that cannot name a folder."""
    found = [Path(p) for p in plans]
    if folder is not None:
        d = Path(folder)
        if not d.is_dir():
            raise ParameterError(f"--plans {d}: is not a folder of plan files")
        toml = sorted(p for p in d.iterdir() if p.suffix == ".toml" and not p.name.startswith(".") and p.is_file())
        if not toml:
            raise ParameterError(f"--plans {d}: no plan files (*.toml) in it")
        found += toml
    seen: dict[str, Path] = {}
    same: dict[Path, Path] = {}
    for p in found:
        try:
            real = p.resolve()
        except OSError:
            real = p.absolute()
        if real in same:
            raise ParameterError(f"--plan {p}: the same plan file is given twice ({same[real]} and {p}); each district "
                                 "is briefed once")
        same[real] = p
        stem = check_folder_name(p.stem, p)
        if stem in seen:
            raise ParameterError(f"--plan {p}: another plan file has the same name '{stem}' ({seen[stem]}); each "
                                 f"district's report goes to a folder named after its plan file — rename one")
        seen[stem] = p
    return found


def assign(values: Iterable[str | Path] | None, stems: Sequence[str], option: str) -> dict[str, Path]:
    """``--registers`` / ``--actuals`` values → {plan file stem: path}: ``STEM=PATH`` for the plan of that stem; a
    bare PATH only when the run has a single plan. A stem the run has no plan of, or a plan given twice, is one
    line."""
    out: dict[str, Path] = {}
    for v in values or ():
        text = str(v)
        stem, eq, path = text.partition("=")
        if not eq or stem not in stems:
            if len(stems) != 1:
                raise ParameterError(f"{option} {text}: in a run of several plans say whose data it is, "
                                     f"{option} STEM=PATH (STEM one of {', '.join(stems)})")
            stem, path = stems[0], text
        if stem in out:
            raise ParameterError(f"{option}: given twice for {stem}")
        out[stem] = Path(path)
    return out


def own_data(plan_file: Path, kind: str) -> Path | None:
    """A plan's own data folder by convention: ``<its folder>/<its stem>/<kind>/`` (``registers`` or ``actuals``),
    when it exists."""
    d = Path(plan_file).parent / Path(plan_file).stem / kind
    return d if d.is_dir() else None


@dataclass
class DistrictOutcome:
    """One district of a run: its plan file, its report (or why there is none)."""

    stem: str
    plan_file: Path
    district: str
    outcome: BriefOutcome | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.outcome is not None and self.outcome.ok

    @property
    def missing(self) -> dict[str, str]:
        return self.outcome.missing if self.outcome is not None else {}


@dataclass
class ManyOutcome:
    year: int
    out_dir: Path                       # OUT/YYYY
    districts: list[DistrictOutcome]
    index: Path | None
    pdf: Path | None
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[DistrictOutcome]:
        return [d for d in self.districts if not d.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        n = len(self.districts)
        lines = [f"chainplan brief {self.year}: {n - len(self.failed)}/{n} districts ok in {self.seconds:.1f} s "
                 f"→ {self.out_dir}"]
        for d in self.districts:
            o = d.outcome
            if d.error is not None:
                lines.append(f"  FAIL {d.stem:<20} {d.district}: {d.error}")
                continue
            state = "ok  " if d.ok else "FAIL"
            done = f"{len(o.runs) - len(o.failed)}/{len(o.runs)} notebooks ok"
            lines.append(f"  {state} {d.stem:<20} {d.district}: {done} → {o.out_dir}")
            for r in o.failed:
                where = f"cell {r.failed_cell}: " if r.failed_cell is not None else ""
                lines.append(f"         {r.name}: {where}{r.error}")
            if o.missing:
                lines.append(f"         缺少{o.period}数据的产业链（报告中未列入）：{o.missing_line()}")
        lines += [f"  {note}" for note in self.notes]
        if self.index is not None:
            lines.append(f"  comparison: {self.index}" + (f" (PDF: {self.pdf})" if self.pdf else ""))
        return "\n".join(lines)


def run_many(year: int, *, plans: Sequence[str | Path], registers: Mapping[str, str | Path] | None = None,
             actuals: Mapping[str, str | Path] | None = None, out: str | Path | None = None, jobs: int | None = None,
             notebooks: str | Path | None = None, progress: bool = True, params: Mapping[str, Any] | None = None,
             month: int | None = None, name: str | None = None) -> ManyOutcome:
    """Brief every plan file in ``plans`` (see :func:`find_plans`) for ``year`` in one run; see the module
    docstring. ``registers`` / ``actuals``: {plan file stem: path} (see :func:`assign`); the rest as
    :func:`chainplan_lib.publish.batch.run_brief`, for every district."""
    t_start, wall_start = time.perf_counter(), time.time()
    files = find_plans(plans)
    jobs = check_jobs(jobs)
    nb_dir = check_path(notebooks, "notebooks") or notebooks_dir()
    nb_paths = sources.find(nb_dir)
    label = check_name(name)
    out_root = check_output_dir(out if out is not None else reports_dir(), "--out")
    folder = out_root.absolute() / report_folder(year, label)
    _check_target(folder, districts=True)
    for f in files:
        _check_target(folder / f.stem)
    settings = _Settings(year, check_brief_month(month), label, dict(params or {}), nb_dir, nb_paths, progress,
                         t_start, wall_start)
    registers, actuals = dict(registers or {}), dict(actuals or {})
    workers = max(1, min(jobs or os.cpu_count() or 1, len(nb_paths) * len(files)))
    tag = kernels.new_run_tag()
    results = [DistrictOutcome(f.stem, f, f.stem) for f in files]
    pool = None
    with Guardian(tag) as guard, kernels.signals_raise(), kernels.runtime_dir() as jrt, \
            contextlib.ExitStack() as builds:
        guard.remove_if_killed(jrt)
        try:
            pool = NotebookPool(workers, tag, jrt, spare_kernel.warm_modules(sources.code_texts(nb_paths)))
            with pool:
                run = _ManyRun(settings, pool, builds, guard, folder, registers, actuals)
                run.go(results)
                index, pdf = run.compare(results)
        except (Interrupted, KeyboardInterrupt) as exc:
            signum = getattr(exc, "signum", 2)
            done = [str(r.outcome.out_dir) for r in results if r.outcome is not None]
            left = (f"finished: {', '.join(done)}; the others left as they were" if done
                    else f"{folder} left as it was")
            stopped = pool.stopped if pool is not None else 0
            raise Interrupted(signum, f"{Interrupted(signum)}: stopped {stopped} worker/kernel process(es); "
                                      f"{left}") from None
    _write_reports_index(out_root.absolute())
    return ManyOutcome(year, folder, results, index, pdf, time.perf_counter() - t_start)


class _ManyRun:
    def __init__(self, settings: _Settings, pool: NotebookPool, builds: contextlib.ExitStack, guard: Guardian,
                 folder: Path, registers: dict, actuals: dict):
        self.s, self.pool, self.builds, self.guard, self.folder = settings, pool, builds, guard, folder
        self.registers, self.actuals = registers, actuals
        self.districts: dict[str, _District] = {}

    def _build(self, stem: str) -> BuildFolder:
        build = self.builds.enter_context(BuildFolder(self.folder / stem))
        self.guard.remove_if_killed(build.path)
        return build

    def go(self, results: list[DistrictOutcome]) -> None:
        """Prepare each district in turn and hand its notebooks to the pool at once (the workers run the first
        district's while the next one is cleaned); finish each as its notebooks come back."""
        from ..plan.load import read_plan
        from ..plan.params import check_year

        n_nb = len(self.s.nb_paths)
        execution = Execution(self.pool, n_nb * len(results), self.s)
        by_stem = {r.stem: r for r in results}

        def finish(d: _District) -> None:
            by_stem[d.folder].outcome = d.finish()

        try:
            for k, res in enumerate(results):
                build = self._build(res.stem)
                if k == 0:  # the workers start their first kernels where the first district's notebooks run
                    (build.path / "notebooks").mkdir()
                    self.pool.warm(str(build.path / "notebooks"))
                try:
                    plan = read_plan(res.plan_file)
                    res.district = plan.district
                    check_year(self.s.year, plan=plan)
                    reg = registers_for(plan, self.registers.get(res.stem) or own_data(res.plan_file, "registers"))
                    act = check_path(self.actuals.get(res.stem) or own_data(res.plan_file, "actuals"), "actuals")
                    district = _District(plan, build, reg, act, self.s, folder=res.stem)
                    district.prepare()
                except Exception as exc:  # this district only: one line, the others go on
                    res.error = _one_line(exc) if isinstance(exc, ChainplanError) else \
                        f"{type(exc).__name__}: {_one_line(exc)}"
                    build.discard()
                    execution.drop(n_nb)
                    continue
                self.districts[res.stem] = district
                execution.submit(district, last=k == len(results) - 1)
                district.inspect(compare=True)        # while its notebooks run
                execution.wait(finish, block=False)   # districts already done are swapped in now
            execution.wait(finish)
        finally:
            execution.close()

    def compare(self, results: list[DistrictOutcome]) -> tuple[Path | None, Path | None]:
        """The comparison page (and its PDF, made in a worker) beside the districts' reports (also of one district
        given with ``--plans``: the folder of districts keeps its front page)."""
        import pandas as pd

        from ..analysis.districts import ROW_COLUMNS, compare_districts
        from .districts_page import DistrictLinks, Failure

        if not results:
            return None, None
        rows, links, failures = [], {}, []
        for r in results:
            d = self.districts.get(r.stem)
            if r.error is not None or d is None:
                failures.append(Failure(r.stem, r.district, _without_machine_paths(r.error or "not prepared",
                                                                                  r.plan_file)))
                continue
            o = r.outcome
            link = DistrictLinks(o.out_dir.name, tuple(run.name for run in o.runs if "html" in run.outputs))
            if not o.ok:
                failures.append(Failure(r.stem, r.district, f"{len(o.failed)} 个笔记本运行失败（"
                                        + "、".join(run.name for run in o.failed) + "）", report=o.out_dir.name))
            if d.row is not None:
                rows.append({**d.row, "folder": link.folder})
                links[link.folder] = link
        compared = compare_districts(pd.DataFrame(rows, columns=ROW_COLUMNS))
        finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
        pdf_name = f"districts-{self.s.year}.pdf"
        made = None
        if len(compared):  # in a worker (WeasyPrint is loaded there already), while the page is written here
            made = self.pool.submit(districts_page.comparison_pdf, compared, links, str(self.folder / pdf_name),
                                    year=self.s.year, month=self.s.month, failures=list(failures),
                                    finished=finished)

        def page() -> Path:
            return districts_page.write(self.folder, compared, links, year=self.s.year, month=self.s.month,
                                        scenario=self.s.label, finished=finished, failures=failures,
                                        pdf=pdf_name if made is not None else None)

        index = page()
        if made is None:
            return index, None
        try:
            made.result()
        except Exception as exc:  # the page is what matters: it says the PDF is missing instead of linking it
            failures.append(Failure("districts", "对比 PDF", f"PDF rendering failed: {_one_line(exc)}"))
            made = None
            return page(), None
        return index, self.folder / pdf_name


def _without_machine_paths(text: str, plan_file: Path) -> str:
    """An error line as the comparison page shows it: the plan's folder and the working folder named as a user
    would type them (:func:`chainplan_lib.publish.sources.shown`), never as this machine's absolute paths."""
    folder = Path(plan_file).parent
    for where in {str(folder.resolve()), str(folder.absolute())}:
        text = text.replace(where + "/", "" if sources.shown(folder) == "." else f"{sources.shown(folder)}/")
    return text.replace(str(Path.cwd().resolve()) + "/", "")


def _one_line(exc: BaseException) -> str:
    return next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)[:400]
