"""Where things live. Data flows one way: data/raw (immutable) → data/processed → notebooks → reports."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = [
    "project_root", "raw_dir", "processed_dir", "reports_dir", "notebooks_dir",
    "default_raw_targets", "default_registers_dir", "guard_not_raw",
    "check_output_file", "check_output_dir",
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


def guard_not_raw(path: str | Path, name: str | None = None) -> Path:
    """Refuse to write anywhere under data/raw: raw inputs are immutable. Returns the resolved path."""
    p = Path(path).expanduser().resolve()
    raw = raw_dir().resolve()
    if p == raw or raw in p.parents:
        what = f"{name} {path}" if name else str(path)
        raise OutputError(f"{what}: refusing to write under {raw} (raw inputs are never written)")
    return p


def _nearest_existing(p: Path) -> Path:
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _check_writable_parent(p: Path, what: str) -> None:
    """The nearest existing ancestor of `p` must be a folder we can create files in (probed, not guessed)."""
    anc = _nearest_existing(p.parent)
    if not anc.is_dir():
        raise OutputError(f"{what}: {anc} is a file, so no folder can be made inside it")
    try:
        fd, probe = tempfile.mkstemp(prefix=".chainplan-probe-", dir=anc)
    except OSError as exc:
        raise OutputError(f"{what}: cannot write in {anc} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)


def check_output_file(path: str | Path, name: str = "out") -> Path:
    """An output *file* path: not under data/raw, not a folder, in a folder that exists or can be made and
    that we can write in. Errors are one line naming the option (:class:`OutputError`)."""
    what = f"{name} {path}"
    p = guard_not_raw(path, name)
    if p.is_dir():
        raise OutputError(f"{what}: is a folder; expected a file path (e.g. {Path(path) / 'targets.csv'})")
    if p.exists() and not p.is_file():
        raise OutputError(f"{what}: is not a regular file")
    if p.exists() and not os.access(p, os.W_OK):
        raise OutputError(f"{what}: file is read-only")
    _check_writable_parent(p, what)
    return Path(path).expanduser()


def check_output_dir(path: str | Path, name: str = "out") -> Path:
    """An output *folder*: not under data/raw, not a file, existing or creatable, and writable."""
    what = f"{name} {path}"
    p = guard_not_raw(path, name)
    if p.exists() and not p.is_dir():
        raise OutputError(f"{what}: is a file; expected a folder")
    _check_writable_parent(p / "x", what)
    return Path(path).expanduser()
