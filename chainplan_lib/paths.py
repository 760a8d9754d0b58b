"""Where things live. Data flows one way: data/raw (immutable) → data/processed → notebooks → reports."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import ChainplanError

__all__ = [
    "project_root", "raw_dir", "processed_dir", "reports_dir", "notebooks_dir",
    "default_raw_targets", "default_registers_dir", "atomic_path", "guard_not_raw",
]


def project_root() -> Path:
    """The checkout root: $CHAINPLAN_ROOT, else the folder above the package (editable install)."""
    env = os.environ.get("CHAINPLAN_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[1]


def raw_dir() -> Path:
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    return project_root() / "reports"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def default_raw_targets() -> Path:
    """Attachment 2 of the plan, as the PDF extractor left it (byte-for-byte from the seed)."""
    return raw_dir() / "attachment2_targets.txt"


def default_registers_dir() -> Path:
    """The bundled SYNTHETIC demo registers."""
    return raw_dir() / "registers"


def guard_not_raw(path: str | Path) -> Path:
    """Refuse to write anywhere under data/raw: raw inputs are immutable."""
    p = Path(path).resolve()
    raw = raw_dir().resolve()
    if p == raw or raw in p.parents:
        raise ChainplanError(f"{path}: refusing to write under {raw} (raw inputs are never written)")
    return p


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temp path beside `path`; on success rename it over `path`, on failure remove it.

    Nothing is ever half-written: readers see the old file or the complete new one.
    """
    target = guard_not_raw(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
