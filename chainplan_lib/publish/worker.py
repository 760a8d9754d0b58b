"""A pool worker's side of a run: start-up, a kernel started ahead, and one notebook executed and rendered.

Each worker is a spawned process (:mod:`chainplan_lib.publish.pool`). :func:`init` runs first in it: the run's
Jupyter runtime folder, one BLAS thread per kernel, SIGINT ignored (the batch decides), death with the parent,
the modules its kernels import ahead, and a kernel started ahead but never used killed at exit
(:mod:`~chainplan_lib.publish.spare_kernel`). :func:`warm` imports what every task needs and starts the first
kernel while the batch is still cleaning; :func:`run` executes one notebook with papermill in a fresh kernel —
the warm one started ahead for it, while the next one boots beside it — and renders it to its formats
(:mod:`chainplan_lib.publish.formats`). A failing cell is the notebook's own error and is not retried; a kernel
that does not start is retried once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import kernel_template, kernels, spare_kernel

__all__ = ["KERNEL", "Task", "init", "warm", "run"]

KERNEL = "python3"


@dataclass(frozen=True)
class Task:
    """One notebook for a worker: the source (as notebook JSON, read by the parent), where the executed copy
    goes, the folder its kernel runs in, its parameters, and what to render it to."""

    notebook: str
    executed: str
    cwd: str
    parameters: dict[str, Any]
    formats: tuple[str, ...]
    job: Any                          # formats.RenderJob
    spare_next: bool = False          # more notebooks follow: start the next kernel while this one runs
    kernel_name: str = KERNEL
    source_name: str = ""             # what the executed copy records as its source (no machine path)
    output_name: str = ""             # … and as itself, relative to its report


_WARM: tuple[str, ...] = ()   # the modules a kernel started ahead imports while it waits (set by init)


def init(run_tag: str, jupyter_runtime: str, warm_modules: tuple[str, ...] = ()) -> None:
    """Pool worker start-up (see the module docstring)."""
    global _WARM
    _WARM = tuple(warm_modules)
    os.environ[kernels.RUN_ENV] = run_tag
    os.environ["JUPYTER_RUNTIME_DIR"] = jupyter_runtime
    for var in kernels.BLAS_THREADS:  # kernels inherit it: one BLAS thread each (unless the user set otherwise)
        os.environ.setdefault(var, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # the batch process handles Ctrl-C for everyone
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back since the start (sigint_blocked)
    kernels.die_with_parent()
    kernels.quiet_loggers()
    kernels.skip_slow_optional_imports()
    from multiprocessing.util import Finalize

    Finalize(None, spare_kernel.drop, exitpriority=10)  # a kernel started ahead and not used: gone with the worker
    Finalize(None, kernel_template.close, exitpriority=5)  # then the template kernels are forked from


def warm(cwd: str | None = None) -> None:
    """Import what every task needs, compile the page templates, and start the template the notebooks' kernels are
    forked from (:mod:`.kernel_template`; where there is none, the first notebook's kernel) in ``cwd``, where the
    notebooks run, while the parent is still cleaning."""
    template = kernel_template.start(_WARM, cwd) if cwd is not None else None   # imports while the rest goes on
    import papermill  # noqa: F401

    from . import pages

    with contextlib.suppress(Exception):  # a head start; the first page would do it anyway
        pages.prepare_exporters()
    if cwd is not None and template is None:  # with a template, kernels are forked from it when asked for
        spare_kernel.start(KERNEL, cwd, _WARM)


_ENGINE = "chainplan"


def _register_engine() -> None:
    """papermill's nbclient engine, registered as ``chainplan``, recording the source and the executed copy in
    the notebook's metadata by the names the run gives them (papermill records the paths it was handed: here
    a notebook object and a temporary folder's absolute path)."""
    from papermill.engines import NBClientEngine, papermill_engines

    if _ENGINE in papermill_engines._engines:
        return

    class Engine(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                             autosave_cell_every=30, source_name=None, output_name=None, **kwargs):
            meta = nb.metadata.setdefault("papermill", {})
            meta["input_path"], meta["output_path"] = source_name, output_name
            return super().execute_notebook(nb, kernel_name, output_path=output_path, progress_bar=progress_bar,
                                            log_output=log_output, autosave_cell_every=autosave_cell_every,
                                            **kwargs)

    papermill_engines.register(_ENGINE, Engine)


def _one_line(text: str, limit: int = 300) -> str:
    return next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")[:limit]


def execute(task: Task) -> dict[str, Any]:
    """Execute ``task``'s notebook with papermill into ``task.executed``; the outcome as a dict (ok, error,
    failed_cell, attempts, seconds_execute). The notebook runs in the kernel started ahead for it, if one is
    waiting (a retry always starts its own); when more notebooks follow, the next kernel starts at once, so it
    boots and imports while this notebook runs."""
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    res: dict[str, Any] = {"ok": True, "error": None, "failed_cell": None, "attempts": 0}
    t0 = time.perf_counter()
    for attempt in (1, 2):
        res["attempts"] = attempt
        km = spare_kernel.take(task.kernel_name, task.cwd) if attempt == 1 else None
        if attempt == 1 and task.spare_next:
            spare_kernel.start(task.kernel_name, task.cwd, _WARM)
        try:
            # no save after every cell: the executed copy is written once at the end (and on failure)
            papermill.execute_notebook(nbformat.reads(task.notebook, as_version=4), task.executed,
                                       parameters=task.parameters, kernel_name=task.kernel_name, cwd=task.cwd,
                                       progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                       config=kernels.kernel_config(), engine_name=_ENGINE,
                                       source_name=task.source_name, output_name=task.output_name,
                                       kernel_manager_class=kernels.QuietKernelManager, km=km,
                                       shutdown_kernel="immediate")  # written and done: nothing to wait for
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
    return res


def run(task: Task) -> dict[str, Any]:
    """Execute one notebook, then render it to its formats (pages always, also of a failed notebook, which show
    the failing cell; PDF and Word only of a notebook that ran). Runs in a pool worker."""
    from . import formats

    res = execute(task)
    if Path(task.executed).exists():
        rendered = formats.render(task.job, task.formats, res["ok"])
        err = rendered.pop("render_error")
        if err:
            res.update(ok=False, error=res["error"] or _one_line(err))
        res.update(rendered)
    return res
