"""Atomic writes: a temp file beside the target (or in a given folder on the same file system), then one
``os.replace``. A reader sees the old file or the whole new one, never half of it; a failure leaves no temp file.

Every output of chainplan is written through here. Outputs never go under ``data/raw`` (raw inputs are
immutable: :func:`chainplan_lib.paths.guard_not_raw`), and a write the file system refuses (a full disk, a
read-only folder) is one :class:`~chainplan_lib.errors.OutputError` naming the path.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import OutputError
from ..paths import guard_not_raw

__all__ = ["atomic_path", "write_atomic"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path, *, tmp_dir: str | Path | None = None) -> Iterator[Path]:
    """Yield a temp path beside ``path`` (or in ``tmp_dir``); on success rename it over ``path``, on failure
    remove it. The file gets the usual permissions (0666 less the umask), not mkstemp's 0600."""
    target = guard_not_raw(path)
    where = Path(tmp_dir) if tmp_dir is not None else target.parent
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=where)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write here ({exc.strerror or exc})") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, target)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise OutputError(f"{target}: could not be written ({exc.strerror or exc})") from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes | str, *, tmp_dir: str | Path | None = None) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` atomically; returns ``path``."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, tmp_dir=tmp_dir) as tmp:
        tmp.write_bytes(raw)
    return Path(path)
