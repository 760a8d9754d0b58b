"""Kernels and worker processes of the batch: quiet, stoppable, and leaving nothing behind.

Quiet
    Kernels talk over IPC (Unix sockets in a short private Jupyter runtime folder), so ipykernel has no
    "running over TCP without encryption" warning to print, and :class:`QuietKernelManager` skips the
    SIGINT that jupyter_client sends before asking a kernel to shut down (ipykernel logs it as
    "KeyboardInterrupt caught in kernel"). A kernel that really dies is reported once, as the notebook's
    error line in the batch summary.

Stoppable
    Every process the batch starts carries ``CHAINPLAN_RUN=<tag>`` in its environment from its first
    instruction (the pool's workers are spawned with it; kernels inherit it). :func:`stop_processes` finds them
    by that tag *and* as descendants of the batch (kernels run in their own sessions and outlive a killed worker
    as orphans, so the tree alone is not enough), sends SIGTERM, and SIGKILLs what is left after a grace period —
    without reaping anything: multiprocessing reaps its own workers. :func:`signals_raise` turns SIGINT / SIGTERM
    in the batch process into :class:`~chainplan_lib.errors.Interrupted`; workers ignore SIGINT (a Ctrl-C reaches
    the whole terminal process group; the batch decides) and die with their parent (:func:`die_with_parent`).
    The pool itself is :mod:`chainplan_lib.publish.pool`; a worker's side is :mod:`chainplan_lib.publish.worker`.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from jupyter_client.manager import AsyncKernelManager

from ..errors import Interrupted

__all__ = ["QuietKernelManager", "KERNEL_MANAGER", "kernel_config", "runtime_dir", "RUN_ENV", "new_run_tag",
           "stop_processes", "run_processes", "signals_raise", "signals_deferred", "sigint_blocked", "quiet_loggers",
           "skip_slow_optional_imports", "wait_gone", "BLAS_THREADS", "PR_SET_PDEATHSIG", "die_with_parent"]

RUN_ENV = "CHAINPLAN_RUN"
KERNEL_MANAGER = "chainplan_lib.publish.kernels.QuietKernelManager"
PR_SET_PDEATHSIG = 1
# The batch already runs one notebook per core; a kernel's numpy/scipy/statsmodels fits are small (a few dozen
# rows), so BLAS threads of their own only spin against the other kernels (see analysis.fullyear.blas_one_thread).
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# loggers that print a line per kernel start/stop; failures reach the summary through the result instead
_NOISY = ("papermill", "nbclient", "traitlets", "jupyter_client", "asyncio", "blib2to3")


class QuietKernelManager(AsyncKernelManager):
    """An async kernel manager that does not interrupt a kernel it is about to shut down.

    jupyter_client 8 sends SIGINT before the shutdown request; the kernel logs "KeyboardInterrupt caught
    in kernel" for nothing. A shutdown that the kernel ignores still ends in SIGKILL (jupyter_client's
    own fallback), so nothing is lost by skipping the interrupt.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if self.transport == "ipc" and not self.connection_file:
            # Without a connection file yet, jupyter_client names IPC sockets "kernel-ipc-N" relative to the
            # current folder, so kernels started in one folder take each other's sockets. Give each kernel
            # absolute, unique names in the (short) runtime folder.
            from jupyter_core.paths import jupyter_runtime_dir

            base = os.path.join(jupyter_runtime_dir(), f"k-{uuid.uuid4().hex[:12]}")
            self.connection_file = base + ".json"
            self.ip = base + "-ipc"

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel


def kernel_config():
    """traitlets config for papermill/nbclient: kernels over IPC transport (no TCP warning)."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc"}})


def new_run_tag() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def runtime_dir() -> Iterator[Path]:
    """A short, private, writable Jupyter runtime folder (Unix socket paths are limited to ~107 bytes),
    removed afterwards."""
    base = tempfile.gettempdir()
    if len(base) > 40 or not os.access(base, os.W_OK):
        base = "/tmp"
    _remove_stale_runtime(Path(base))
    d = Path(tempfile.mkdtemp(prefix=f"cp-{os.getpid()}-", dir=base))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def skip_slow_optional_imports() -> None:
    """In processes the batch owns, keep jsonschema from importing its optional ``rfc3987_syntax`` checker.

    nbformat (hence papermill and nbconvert) imports jsonschema, which imports ``rfc3987_syntax`` when it is
    installed (jupyterlab's dependencies install it); that module compiles a grammar at import: measured here,
    ``import papermill`` takes 2.3 s with it and 0.6 s without. nbformat's notebook schema checks no IRI formats,
    so nothing the batch does needs it. Not applied on import of the library: only the CLI's batch command, its
    workers and the test suite call this. (``requirements.lock`` leaves the package out altogether, see the
    Makefile's ``lock``; this still helps where it is installed, e.g. from ``environment.yml``.)
    """
    import sys

    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # "import rfc3987_syntax" → ImportError


def _remove_stale_runtime(base: Path) -> None:
    """Runtime folders of runs that were killed outright (SIGKILL): ours, named cp-<pid>-…, process gone."""
    import re

    for d in base.glob("cp-*-*"):
        m = re.match(r"^cp-(\d+)-[0-9a-z_]+$", d.name)
        try:
            if not m or not d.is_dir() or d.stat().st_uid != os.getuid():
                continue
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``signum`` to this process when its parent dies (Linux ``PR_SET_PDEATHSIG``;
    elsewhere nothing happens and the batch's census of its processes still applies)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)


def quiet_loggers() -> None:
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def run_processes(run_tag: str, roots: Iterable[int] = ()) -> list:
    """Live processes of a run: the `roots` (the pool's workers) with their descendants, and any process whose
    environment carries ``CHAINPLAN_RUN=<run_tag>`` (kernels, also when orphaned by a dead worker)."""
    import psutil

    found: dict[int, psutil.Process] = {}
    for pid in roots:
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(pid)
            found[pid] = root
            for p in root.children(recursive=True):
                found[p.pid] = p
    me = os.getpid()
    for p in psutil.process_iter():
        if p.pid in found or p.pid == me:
            continue
        with contextlib.suppress(psutil.Error):
            if p.environ().get(RUN_ENV) == run_tag:
                found[p.pid] = p
    return [p for p in found.values() if _alive(p)]


def _alive(p) -> bool:
    import psutil

    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def stop_processes(run_tag: str, roots: Iterable[int] = (), grace: float = 2.0) -> int:
    """SIGTERM every process of the run (see :func:`run_processes`), SIGKILL what is left after `grace`
    seconds; returns how many processes were stopped.

    Never waits on a process the way ``waitpid`` does: the pool's workers are this process's children, and
    reaping one here (as ``psutil.wait_procs`` does for children) steals its exit status from
    multiprocessing, which then counts it alive for ever — the pool's manager thread then loops in its
    shutdown and the interpreter never exits. Processes are only watched until they are gone or zombies;
    multiprocessing reaps its own."""
    import psutil

    roots = list(roots)
    procs = run_processes(run_tag, roots)
    if not procs:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error, OSError):
            p.terminate()
    for p in _watch_gone(procs, grace):
        with contextlib.suppress(psutil.Error, OSError):
            p.kill()
    _watch_gone(procs, grace)
    # a kernel that started a subprocess of its own (or a straggler that started meanwhile)
    for p in run_processes(run_tag, roots):
        with contextlib.suppress(psutil.Error, OSError):
            p.kill()
    return len(procs)


def _watch_gone(procs: list, timeout: float) -> list:
    """The processes still alive (not gone, not zombies) after up to ``timeout`` seconds; reaps none."""
    deadline = time.monotonic() + timeout
    alive = [p for p in procs if _alive(p)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if _alive(p)]
    return alive


class _SignalState:
    def __init__(self) -> None:
        self.signum: int | None = None


@contextlib.contextmanager
def signals_raise() -> Iterator[_SignalState]:
    """Within the block, the first SIGINT or SIGTERM raises :class:`Interrupted` in the main thread; later
    ones are ignored while the batch cleans up. Outside the main thread this is a no-op."""
    state = _SignalState()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def handler(signum, frame):
        if state.signum is not None:
            return  # already stopping
        state.signum = signum
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield state
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextlib.contextmanager
def sigint_blocked() -> Iterator[None]:
    """Hold SIGINT back in this thread while worker processes are started: they inherit the blocked mask, so a
    Ctrl-C during their start-up waits until :func:`chainplan_lib.publish.worker.init` has set it to be ignored (no traceback from a
    half-started worker); this process receives it when the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Block SIGINT/SIGTERM for a short critical section (the swap); a signal sent meanwhile is delivered
    when the block ends."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def wait_gone(pids: Iterable[int], timeout: float = 5.0) -> list[int]:
    """Pids still alive after up to `timeout` seconds."""
    import psutil

    deadline = time.monotonic() + timeout
    left = list(pids)
    while True:
        still = []
        for pid in left:
            with contextlib.suppress(psutil.Error):
                if _alive(psutil.Process(pid)):
                    still.append(pid)
        left = still
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.05)
