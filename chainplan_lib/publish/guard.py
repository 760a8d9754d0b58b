"""A guardian for a run whose own process dies: no build folder, runtime folder or kernel is left behind.

A run cleans up after itself when it fails or is interrupted (``finally`` blocks, :mod:`.pool`). A process that is
killed outright (SIGKILL, the out-of-memory killer) or crashes (an abort in a C library while reading a workbook)
runs none of that. So a run first forks a small guardian: it holds the read end of a pipe and waits. The run
tells it what to remove should it die (its build folder, its Jupyter runtime folder) and, when it ends in any
orderly way, that it is done. If the pipe closes without that word, the run has died: the guardian stops every
process carrying the run's tag (kernels would otherwise live on as orphans in their own sessions), removes the
folders and exits.

The guardian is forked before the run starts any thread or worker, imports nothing after the fork, ignores
Ctrl-C (the run decides; it then says it is done) and holds none of the run's other files (so a caller waiting
for the run's output is not kept waiting by it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
from pathlib import Path

from . import kernels

__all__ = ["Guardian"]

_DONE = b".\n"


class Guardian:
    """Use as a context manager around a run tagged ``tag``; :meth:`remove_if_killed` names a folder to remove
    should the run die."""

    def __init__(self, tag: str):
        self.tag = tag
        self.pid: int | None = None
        self._w: int | None = None

    def __enter__(self) -> "Guardian":
        import psutil  # noqa: F401  # imported before the fork: the guardian imports nothing afterwards

        if not hasattr(os, "fork"):  # pragma: no cover - no fork: a killed run's folders go with the next run
            return self
        r, w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the guardian (its exit code is never looked at)
            try:
                _guard(r, w, self.tag)
            finally:
                os._exit(0)
        os.close(r)
        self.pid, self._w = pid, w
        return self

    def _send(self, line: bytes) -> None:
        if self._w is None:
            return
        with contextlib.suppress(OSError):
            os.write(self._w, line)

    def remove_if_killed(self, path: str | Path) -> None:
        self._send(b"+" + os.fsencode(str(Path(path).absolute())) + b"\n")

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._w is None:
            return
        self._send(_DONE)
        os.close(self._w)
        self._w = None
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self.pid, 0)


def _guard(r: int, w: int, tag: str) -> None:  # pragma: no cover - runs in the forked guardian
    os.close(w)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    keep = {0, 1, 2, r}
    for fd in _open_fds():
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)
    paths: list[bytes] = []
    buf = b""
    while True:
        try:
            chunk = os.read(r, 65536)
        except InterruptedError:
            continue
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if line == b".":
                return  # the run ended in an orderly way and cleaned up itself
            if line.startswith(b"+"):
                paths.append(line[1:])
    # the pipe closed without the word: the run died
    with contextlib.suppress(Exception):
        kernels.stop_processes(tag)
    for p in reversed(paths):
        shutil.rmtree(os.fsdecode(p), ignore_errors=True)


def _open_fds() -> list[int]:  # pragma: no cover - runs in the forked guardian
    try:
        return [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        return list(range(3, 256))
