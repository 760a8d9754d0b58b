"""The worker processes of a run (``chainplan brief``, ``chainplan run``), and their end on every path.

A :class:`NotebookPool` is a ``concurrent.futures.ProcessPoolExecutor`` of spawned workers
(:mod:`chainplan_lib.publish.worker`), each running one notebook at a time in a fresh kernel. Its workers carry
the run's tag (``CHAINPLAN_RUN``) in their environment from their first instruction — also a worker still
importing when the run stops — so every process of the run can be found and stopped
(:func:`chainplan_lib.publish.kernels.stop_processes`).

How it ends:

* normally (the ``with`` block ends): the executor shuts down, its workers exit, a kernel started ahead and
  not used dies with its worker;
* on any exception (an error of the run, SIGINT / SIGTERM as :class:`~chainplan_lib.errors.Interrupted`, a
  worker that died): every process of the run is stopped (SIGTERM, then SIGKILL), queued work is cancelled, and
  the executor's manager thread is joined — with a bound. Nothing reaps the workers but multiprocessing itself:
  a worker reaped behind its back counts as alive to it for ever, and its manager thread (which the interpreter
  joins at exit) then never ends.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing as mp
import os
from pathlib import Path
from typing import Any, Callable

from . import kernels, worker

__all__ = ["NotebookPool"]

_log = logging.getLogger(__name__)
JOIN_SECONDS = 10.0


class NotebookPool:
    """``workers`` spawned worker processes for the run tagged ``tag``, kernels talking in ``runtime``; the kernels
    they start ahead import ``warm`` (module names) while they wait (:mod:`chainplan_lib.publish.spare_kernel`)."""

    def __init__(self, workers: int, tag: str, runtime: str | Path, warm: tuple[str, ...] = ()):
        self.workers = workers
        self.tag = tag
        self.runtime = str(runtime)
        self.warm_modules = tuple(warm)
        self.stopped = 0           # processes stopped when the run ended early
        self._executor: cf.ProcessPoolExecutor | None = None
        self._warm: list[cf.Future] = []
        self._env: str | None = None

    def __enter__(self) -> "NotebookPool":
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()  # before the tag is set: it serves this process and ends with it
        self._env = os.environ.get(kernels.RUN_ENV)
        os.environ[kernels.RUN_ENV] = self.tag  # workers are spawned with this environment
        self._executor = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context("spawn"),
                                                initializer=worker.init, initargs=(self.tag, self.runtime, self.warm_modules))
        return self

    def warm(self, cwd: str | None) -> None:
        """Start every worker now (Ctrl-C held back until each ignores it): each imports papermill and starts
        the first kernel (in ``cwd``) while the caller does other work."""
        with kernels.sigint_blocked():
            self._warm = [self.submit(worker.warm, cwd) for _ in range(self.workers)]

    def wait_warm(self) -> None:
        """Wait for the workers to be ready; a worker that cannot even import papermill raises here."""
        for fut in self._warm:
            fut.result()

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> cf.Future:
        assert self._executor is not None, "use the pool in a with block"
        return self._executor.submit(fn, *args, **kwargs)

    def pids(self) -> list[int]:
        procs = getattr(self._executor, "_processes", None) or {}
        return list(procs)

    def _close(self) -> None:
        assert self._executor is not None
        self._executor.shutdown(wait=True)
        kernels.stop_processes(self.tag)  # nothing should be left; make sure

    def stop(self) -> int:
        """Stop every process of the run, cancel what is queued, and let the executor's manager thread end;
        returns how many processes were stopped."""
        if self._executor is None:
            return 0
        n = kernels.stop_processes(self.tag, self.pids())
        thread = getattr(self._executor, "_executor_manager_thread", None)
        self._executor.shutdown(wait=False, cancel_futures=True)
        if thread is not None:
            thread.join(JOIN_SECONDS)
            if thread.is_alive():  # pragma: no cover - would hang the interpreter at exit; say why
                _log.warning("the process pool's manager thread did not end within %.0f s", JOIN_SECONDS)
        return n

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                try:
                    self._close()
                except BaseException:  # interrupted while the workers were ending
                    self.stopped = self.stop()
                    raise
            else:
                self.stopped = self.stop()
        finally:
            if self._env is None:
                os.environ.pop(kernels.RUN_ENV, None)
            else:
                os.environ[kernels.RUN_ENV] = self._env
