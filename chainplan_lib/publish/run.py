"""``chainplan run NOTEBOOK -p NAME VALUE …``: one notebook executed and rendered, with the batch's machinery.

The what-if loop of an analyst, as ``papermill in.ipynb out.ipynb -p k v`` or ``quarto render one.qmd -P k:v``:
the notebook (its jupytext ``.py``, or an ``.ipynb``) runs in a fresh kernel in its own folder (where it runs in
the lab, so relative paths mean the same), with the plan given as its ``plan`` parameter, and is rendered to its
formats (:mod:`chainplan_lib.publish.formats`: the two pages, and the PDF and Word file for the briefing).

OUT/ (default ``reports/run/<stem>``)
  notebooks/<stem>.ipynb   the executed notebook
  html/<stem>.html         the page for policy staff; analyst/<stem>.html with the code folded
  <stem>[-YYYY].pdf/.docx  for the briefing
  index.html, manifest.json

As in the batch, OUT is built privately beside itself and swapped in whole; parameters are checked before the
kernel starts; SIGINT / SIGTERM and every error stop the kernel and leave nothing behind.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from .. import __version__
from ..errors import Interrupted, ParameterError
from ..files.atomic import write_atomic
from ..paths import check_output_dir, reports_dir
from . import kernels, manifest, sources
from .guard import Guardian
from .manifest import NotebookRun
from .pool import NotebookPool
from .workspace import BuildFolder

__all__ = ["RunOutcome", "run_notebook"]


@dataclass
class RunOutcome:
    run: NotebookRun
    out_dir: Path
    seconds: float

    @property
    def ok(self) -> bool:
        return self.run.ok

    def summary(self) -> str:
        r = self.run
        state = "ok" if r.ok else (f"FAILED (cell {r.failed_cell}: {r.error})" if r.failed_cell is not None
                                   else f"FAILED ({r.error})")
        lines = [f"chainplan run {r.name}: {state} in {self.seconds:.1f} s → {self.out_dir}"]
        lines += [f"  {name}: {self.out_dir / rel}" for name, rel in r.outputs.items()]
        if r.parameters:
            lines.append("  parameters: " + ", ".join(f"{k}={v!r}" for k, v in r.parameters.items()))
        return "\n".join(lines)


def _relative(path: Path, start: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), start.resolve())
    except ValueError:  # another drive (Windows)
        return str(path.resolve())


def run_notebook(notebook: str | Path, *, plan: Any, params: Mapping[str, Any] | None = None,
                 out: str | Path | None = None) -> RunOutcome:
    """Execute ``notebook`` with ``params`` (name → value, checked against its ``parameters`` cell) for ``plan``
    (a Plan or a plan file, given to the notebook as its ``plan`` parameter unless ``params`` sets one) and
    render it; see the module docstring for where everything goes."""
    from ..plan.load import read_plan
    from ..plan.model import Plan
    from . import formats, parameters, worker
    from .site import Site, index_html

    t_start = time.perf_counter()
    plan = plan if isinstance(plan, Plan) else read_plan(plan)
    path = Path(notebook)
    if not path.is_file():
        raise ParameterError(f"{notebook}: no such notebook (give notebooks/NAME.py or an .ipynb)")
    src = sources.read(path, check=False)  # the file named is what runs, whatever its pair says
    cwd = path.resolve().parent
    user = parameters.resolve(dict(params or {}), {src.stem: src.parameters}, year=None, plan=plan, reserved={})
    given = {**({"plan": _relative(Path(plan.path), cwd)} if "plan" in src.parameters else {}), **user[src.stem]}
    out_dir = check_output_dir(out if out is not None else reports_dir() / "run" / src.stem, "--out").absolute()
    year = given.get("year") if isinstance(given.get("year"), int) else None
    wanted = formats.formats_for(src.stem, src.metadata)
    title = src.title
    if src.stem == "briefing" and year is not None:
        from ..present.titles import briefing_title

        month = given.get("month") if isinstance(given.get("month"), int) else None
        title = briefing_title(year, plan, month)
    pdf = formats.print_file(src.stem, year, "pdf") if "pdf" in wanted else None
    docx = formats.print_file(src.stem, year, "docx") if "docx" in wanted else None
    site = Site.of(year, {src.stem: title}, pdf=pdf, docx=docx)
    git = sources.git_state(cwd)
    tag = kernels.new_run_tag()
    pool = None
    with Guardian(tag) as guard, kernels.signals_raise(), kernels.runtime_dir() as jrt, BuildFolder(out_dir) as build:
        guard.remove_if_killed(jrt)
        guard.remove_if_killed(build.path)
        executed = f"notebooks/{src.stem}.ipynb"
        (build.path / "notebooks").mkdir()
        run = NotebookRun(src.stem, sources.shown(path), executed, src.sha256, title, wanted, parameters=given)
        job = formats.RenderJob(src.stem, str(build.path / executed), str(build.path), title, year, site)
        task = worker.Task(src.text, job.executed, str(cwd), given, wanted, job, source_name=sources.shown(path),
                           output_name=executed)
        try:
            pool = NotebookPool(1, tag, jrt)
            with pool:
                pool.warm(str(cwd))
                pool.wait_warm()
                for k, v in pool.submit(worker.run, task).result().items():
                    setattr(run, k, v)
        except (Interrupted, KeyboardInterrupt) as exc:
            signum = getattr(exc, "signum", 2)
            stopped = pool.stopped if pool is not None else 0
            raise Interrupted(signum, f"{Interrupted(signum)}: stopped {stopped} worker/kernel process(es); "
                                      f"{out_dir} left as it was") from None
        doc = {"notebook": sources.shown(path), "year": year, "title": title, "chainplan": __version__,
               "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "seconds_total": round(time.perf_counter() - t_start, 2), "ok": run.ok,
               "plan": {"path": sources.shown(Path(plan.path)), "sha256": plan.sha256, "district": plan.district},
               "source": {"notebooks": sources.shown(cwd), **git}, "inputs": [],
               "parameters_given": dict(params or {}), "notebooks": [run.record()], **manifest.environment()}
        manifest.write(build.path, doc)
        write_atomic(build.path / "index.html", index_html(site, [run], build.path, doc, heading=title,
                                                           synthetic=False))
        where = build.commit()
    return RunOutcome(run, where, time.perf_counter() - t_start)
