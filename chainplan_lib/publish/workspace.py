"""Where a batch run works, and how its report replaces the previous one in one step.

Each run builds ``reports/YYYY`` in a private temporary sibling, ``reports/.YYYY.build-<pid>-<random>/``:
the cleaning step writes its tables into that folder's ``data/`` (the run's private working folder, which
the notebooks read and nothing else writes), the notebooks, pages and PDF go beside it. At the end the
finished folder is swapped in with one system call:

* ``renameat2(RENAME_EXCHANGE)`` (Linux ≥ 3.15 on ext4, xfs, btrfs, tmpfs …) exchanges the new folder and
  ``reports/YYYY`` atomically — a reader sees the old report or the new one, never a mix and never nothing —
  and the old report, now at the temporary name, is deleted;
* where the file system cannot exchange, the old folder is renamed aside and the new one renamed in
  (a reader may find ``reports/YYYY`` missing for that instant, never mixed).

Two runs that finish close together each swap in a whole folder; the later swap wins whole. A run that fails
or is interrupted deletes its temporary folder and leaves ``reports/YYYY`` exactly as it was; folders it had
to create (``--out`` that did not exist) are removed again if they are still empty. Temporary folders left by
a run that was killed outright (SIGKILL, power loss) are removed by the next run once their process is gone.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from ..errors import OutputError

__all__ = ["BuildFolder", "exchange", "swap_in", "remove_stale"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_libc = None


def exchange(a: str | Path, b: str | Path) -> None:
    """Atomically exchange two existing paths (Linux ``renameat2(RENAME_EXCHANGE)``); OSError if the system
    or file system cannot."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        raise OSError(errno.ENOSYS, "renameat2 not available")
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), str(a))


def swap_in(new: Path, final: Path) -> None:
    """Put folder `new` at `final` in one step (see the module docstring); the previous `final` is deleted."""
    if final.exists() and not final.is_dir():
        raise OutputError(f"{final}: is a file; the report needs a folder there")
    try:
        os.rename(new, final)  # no previous report (or an empty folder): a plain rename is atomic
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    try:
        exchange(new, final)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
            raise
        _swap_aside(new, final)
        return
    shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous report


def _swap_aside(new: Path, final: Path) -> None:
    for _ in range(20):  # another run may put its report in between: move that aside too
        aside = final.with_name(f".{final.name}.old-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        with contextlib.suppress(FileNotFoundError):
            os.rename(final, aside)
        try:
            os.rename(new, final)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            continue
        finally:
            if aside.exists():
                shutil.rmtree(aside, ignore_errors=True)
        return
    raise OutputError(f"{final}: could not swap the new report in (other runs kept replacing it)")


_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(build|old)-(?P<pid>\d+)-[0-9a-z_]+$")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path, name: str) -> list[Path]:
    """Delete ``.<name>.build-*`` / ``.<name>.old-*`` folders in `parent` whose process is gone."""
    removed = []
    if not parent.is_dir():
        return removed
    for p in parent.iterdir():
        m = _TEMP_RE.match(p.name)
        if m and m["name"] == name and p.is_dir() and not _pid_alive(int(m["pid"])):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


class BuildFolder:
    """The private folder a run builds its report in, beside `final` (``reports/YYYY``).

    Use as a context manager: on an exception the folder is deleted (and so are parents this run created,
    if empty); :meth:`commit` swaps it in. ``data`` is the run's private working folder for cleaned tables.
    """

    def __init__(self, final: str | Path):
        self.final = Path(final).absolute()
        self.path: Path | None = None
        self._created: list[Path] = []
        self.committed_to: Path | None = None

    def __enter__(self) -> "BuildFolder":
        parent = self.final.parent
        q = parent
        while not q.exists() and q != q.parent:
            self._created.append(q)
            q = q.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._remove_created()
            raise OutputError(f"{parent}: cannot create folder ({exc.strerror or exc})") from None
        remove_stale(parent, self.final.name)
        try:
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.build-{os.getpid()}-", dir=parent))
        except OSError as exc:
            self._remove_created()
            raise OutputError(f"{parent}: cannot create the report's build folder ({exc.strerror or exc})") from None
        os.chmod(self.path, 0o777 & ~_umask())  # mkdtemp makes 0700; reports are meant to be shared
        return self

    @property
    def data(self) -> Path:
        assert self.path is not None
        return self.path / "data"

    def commit(self, final: Path | None = None) -> Path:
        """Swap the finished folder in at `final` (default: the report folder); returns where it went."""
        assert self.path is not None
        target = Path(final).absolute() if final is not None else self.final
        swap_in(self.path, target)
        self.committed_to = target
        return target

    def discard(self) -> None:
        if self.path is not None and self.committed_to is None:
            shutil.rmtree(self.path, ignore_errors=True)
        self._remove_created()

    def _remove_created(self) -> None:
        for d in self._created:  # deepest first
            try:
                d.rmdir()
            except OSError:
                break

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.committed_to is None:
            self.discard()


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
