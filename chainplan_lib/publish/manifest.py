"""A report's ``manifest.json``: what it was made from and how — written by the run that made it, read back by
later runs (their notebook order) and by the reports' index.

Written: every input with what it is and its SHA-256 (paths as the user would type them or file names, never a
machine's absolute path), where the notebooks came from (each source's SHA-256, the git commit and whether the tree
had uncommitted changes), the parameters given and those each notebook got, package versions, timings, outcome.

Read: a manifest someone else wrote may be anything. :func:`read` returns it or None, and a manifest that is not
what a chainplan run writes (not JSON, not an object, notebooks that are not records …) is skipped with one
warning naming the file — never an error: a corrupt earlier report must not stop the next one.
"""

from __future__ import annotations

import json
import logging
import os
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..files.atomic import write_atomic

__all__ = ["NAME", "NotebookRun", "write", "read", "timings", "reports", "versions", "MAX_BYTES"]

NAME = "manifest.json"
MAX_BYTES = 5_000_000    # a manifest is a few KB; anything much larger is not one
PACKAGES = ("chainplan", "pandas", "numpy", "matplotlib", "seaborn", "statsmodels", "papermill", "nbconvert",
            "pandera", "weasyprint", "jupytext", "mplfonts", "openpyxl", "pyarrow", "python-docx")
_log = logging.getLogger(__name__)
_WARNED: set[tuple[str, float]] = set()   # (file, modification time): each unusable manifest is named once


@dataclass
class NotebookRun:
    """One notebook of a run: its source, what it was given, what it became and how long it took."""

    name: str
    source: str                   # the source file as the user would name it (relative, or its name)
    executed: str                 # relative to the report folder
    sha256: str = ""              # of the source file that ran
    title: str = ""
    formats: tuple[str, ...] = ()
    outputs: dict[str, str] = field(default_factory=dict)   # format name → file in the report
    parameters: dict[str, Any] = field(default_factory=dict)
    ok: bool = True
    error: str | None = None
    failed_cell: int | None = None
    attempts: int = 0
    seconds_execute: float = 0.0
    seconds_render: float = 0.0
    seconds_pdf: float = 0.0

    def record(self) -> dict[str, Any]:
        out = asdict(self)
        out["formats"] = list(self.formats)
        return out


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pkg in PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def environment() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "packages": versions()}


def write(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """``folder/manifest.json``, atomically."""
    return write_atomic(Path(folder) / NAME, json.dumps(manifest, ensure_ascii=False, indent=2))


def _warn(path: Path, why: str) -> None:
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError:
        key = (str(path), 0.0)
    if key not in _WARNED:
        _WARNED.add(key)
        _log.warning("%s: %s; ignored (it is not what a chainplan run writes)", path, why)


def read(path: str | Path) -> dict[str, Any] | None:
    """A manifest as written by a run, or None: a missing file silently, anything else unusable with a warning.
    Its ``notebooks`` are kept only if they are records with a name (others are dropped, with the warning)."""
    p = Path(path)
    try:
        if not p.is_file():
            return None
        if p.stat().st_size > MAX_BYTES:
            _warn(p, f"larger than {MAX_BYTES // 1_000_000} MB")
            return None
        doc = json.loads(p.read_bytes().decode("utf-8"))
    except OSError as exc:
        _warn(p, f"cannot be read ({exc.strerror or exc})")
        return None
    except (UnicodeDecodeError, ValueError) as exc:
        _warn(p, f"not JSON ({str(exc).splitlines()[0][:120]})")
        return None
    except RecursionError:
        _warn(p, "nested too deeply")
        return None
    if not isinstance(doc, dict):
        _warn(p, f"a JSON {type(doc).__name__}, not an object")
        return None
    runs = doc.get("notebooks", [])
    good = [r for r in runs if isinstance(r, dict) and isinstance(r.get("name"), str)] if isinstance(runs, list) else []
    if not isinstance(runs, list) or len(good) != len(runs):
        _warn(p, "its notebooks are not a list of records")
    doc["notebooks"] = good
    return doc


def _seconds(run: Mapping[str, Any]) -> float | None:
    total = 0.0
    for key in ("seconds_execute", "seconds_render", "seconds_pdf"):
        v = run.get(key) or 0
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < 1e6:
            return None
        total += float(v)
    return total


def timings(path: str | Path) -> dict[str, float]:
    """Seconds each notebook that ran without error took (execute + render + PDF) in the manifest at ``path``;
    {} when there is none or it is not usable."""
    doc = read(path)
    if doc is None:
        return {}
    out = {}
    for r in doc["notebooks"]:
        s = _seconds(r)
        if r.get("ok") is True and s is not None:
            out[r["name"]] = s
    return out


def _folders(root: Path) -> Iterator[Path]:
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return
    for d in entries:
        if not d.name.startswith(".") and d.is_dir() and not d.is_symlink():
            yield d


def reports(root: str | Path) -> list[dict[str, Any]]:
    """The reports in ``root`` (folders holding a usable manifest): folder name, title, year, scenario, when
    finished and whether every notebook ran — for ``reports/index.html``."""
    found = []
    for d in _folders(Path(root)):
        doc = read(d / NAME)
        if doc is None:
            doc = _districts(d)   # a run of several plans: its comparison stands for the folder
        if doc is None:
            continue
        year = doc.get("year")
        found.append({"folder": d.name, "title": str(doc.get("title") or ""), "year": year if isinstance(year, int)
                      else 0, "scenario": doc.get("scenario") if isinstance(doc.get("scenario"), str) else None,
                      "finished": doc.get("finished") if isinstance(doc.get("finished"), str) else None,
                      "ok": doc.get("ok") is True})
    return found


def _districts(folder: Path) -> dict[str, Any] | None:
    """The ``districts.json`` of a run of several plans (its reports are one level down), read as a manifest is:
    None when absent or unusable (with a warning)."""
    p = folder / "districts.json"
    if not p.is_file():
        return None
    doc = read(p)
    return doc if doc is not None and doc.get("kind") == "districts" else None


def newest_first(root: str | Path) -> list[Path]:
    """Manifests of the reports in ``root``, the most recently written first."""
    paths = [d / NAME for d in _folders(Path(root)) if (d / NAME).is_file()]

    def mtime(p: Path) -> float:
        try:
            return os.stat(p).st_mtime
        except OSError:
            return 0.0

    return sorted(paths, key=mtime, reverse=True)
