"""The notebooks a run executes: the committed source, read once, checked before anything runs.

A notebook's source is its jupytext ``.py`` (``py:percent``, the file that is reviewed and committed); jupytext
reads it into a notebook with its kernelspec. A paired ``.ipynb`` beside it is never run: it must be the same
notebook without outputs, else the run refuses with one line (a notebook saved in the lab — with outputs, or
edited and not synced — never reaches a report unseen). A folder may also hold ``.ipynb`` notebooks without a
``.py`` pair; those are run as they are, but not with saved outputs.

Each source is read once by the batch (parent process): the notebook (as JSON for the worker), its SHA-256, its
title (:func:`chainplan_lib.publish.notebook.title`), the parameters its ``parameters`` cell declares
(papermill's inspection) and the formats it is rendered to. :func:`git_state` says which commit the sources come
from and whether the tree has uncommitted changes.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from . import notebook

__all__ = ["Source", "find", "read", "read_all", "check_pair", "git_state", "shown", "code_texts"]


@dataclass(frozen=True)
class Source:
    """One notebook as a run executes it."""

    stem: str
    path: Path                          # the file read: the .py (or a lone .ipynb)
    text: str                           # the notebook as nbformat JSON, ready for papermill
    sha256: str                         # of the file read
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)   # name → papermill's inspection of it
    metadata: dict[str, Any] = field(default_factory=dict)


def shown(path: Path) -> str:
    """A path as a user would name it: relative to the working folder when inside it, else its name alone
    (nothing of the machine's layout reaches a report)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return path.name


def _is_jupytext(path: Path) -> bool:
    """A ``.py`` file that is a notebook: a jupytext header or percent cells."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20_000]
    except OSError:
        return False
    return "\n# jupyter:" in f"\n{head}" or "\n# %%" in f"\n{head}"


def find(folder: Path, option: str = "--notebooks") -> list[Path]:
    """The notebooks in ``folder``, one per stem: the jupytext ``.py`` where there is one, else the ``.ipynb``;
    hidden files are skipped."""
    if not folder.is_dir():
        raise ParameterError(f"{option} {folder}: is not a folder of notebooks")
    chosen: dict[str, Path] = {}
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or not p.is_file():
            continue
        if p.suffix == ".py" and _is_jupytext(p):
            chosen[p.stem] = p
        elif p.suffix == ".ipynb":
            chosen.setdefault(p.stem, p)
    if not chosen:
        raise ParameterError(f"{option} {folder}: no notebooks (*.ipynb) and no jupytext notebooks (*.py) in it")
    return [chosen[s] for s in sorted(chosen)]


def _cells(nb) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.cell_type, c.source, tuple(sorted(notebook.tags(c)))) for c in nb.cells]


def _has_outputs(nb) -> bool:
    return any(c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None) for c in nb.cells)


def check_pair(py: Path, nb_py, ipynb: Path) -> None:
    """Refuse (one line) when ``ipynb``, the pair of ``py``, carries outputs or differs from it."""
    nb = notebook.read(ipynb)
    if _has_outputs(nb):
        raise ParameterError(f"{ipynb}: carries outputs (saved from JupyterLab?); the batch runs {py.name}, the "
                             f"committed source — clear the outputs or delete {ipynb.name} (`make lab` works on a "
                             "copy)")
    if _cells(nb) != _cells(nb_py):
        raise ParameterError(f"{ipynb}: differs from {py.name} (edited and not synced?); the batch runs {py.name} — "
                             f"run `jupytext --sync {py}` to take the notebook's edits, or delete {ipynb.name}")


def read(path: Path, *, check: bool = True) -> Source:
    """Read one notebook source (a jupytext ``.py`` or an ``.ipynb``); with ``check``, its ``.ipynb`` pair is
    checked (:func:`check_pair`) and a lone ``.ipynb`` must carry no outputs. Errors are one line."""
    import nbformat
    import papermill

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if path.suffix == ".py":
        import jupytext

        try:
            nb = jupytext.reads(data.decode("utf-8"), fmt="py:percent")
        except Exception as exc:
            raise ParameterError(f"{path}: not a jupytext notebook ({type(exc).__name__}: {exc})") from None
        if check and path.with_suffix(".ipynb").is_file():
            check_pair(path, nb, path.with_suffix(".ipynb"))
        nb.metadata.pop("jupytext", None)  # the executed copy is a notebook of its own, paired with nothing
    else:
        nb = notebook.read(path)
        if check and _has_outputs(nb):
            raise ParameterError(f"{path}: carries outputs; a notebook to run is committed without them "
                                 "(clear them, or keep the jupytext .py as the source)")
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    try:
        declared = papermill.inspect_notebook(nb)
    except Exception as exc:
        raise ParameterError(f"{path}: its parameters cannot be read ({type(exc).__name__}: {exc})") from None
    return Source(path.stem, path, nbformat.writes(nb), hashlib.sha256(data).hexdigest(),
                  notebook.title(nb, path.stem), declared, dict(nb.metadata))


def code_texts(paths: list[Path], limit: int = 2_000_000) -> list[str]:
    """The code of each notebook, quickly and without checking anything (what the kernels started ahead import
    is read from it before the sources are read properly): a jupytext ``.py`` is Python as it stands (its markdown
    cells are comments), an ``.ipynb`` its code cells. A file that cannot be read gives nothing."""
    import json

    out = []
    for p in paths:
        try:
            with open(p, "rb") as fh:
                text = fh.read(limit).decode("utf-8")
            if p.suffix == ".py":
                out.append(text)
            else:
                out += ["".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
                        for c in json.loads(text).get("cells", []) if c.get("cell_type") == "code"]
        except (OSError, ValueError, AttributeError, TypeError):
            continue
    return out


def read_all(paths: list[Path], *, check: bool = True) -> list[Source]:
    return [read(p, check=check) for p in paths]


def git_state(folder: Path) -> dict[str, Any]:
    """The git commit ``folder`` is checked out at and whether the work tree has uncommitted changes to tracked
    files: ``{"commit": sha or None, "dirty": bool or None}`` (None where there is no git or no repository)."""
    def git(*args: str) -> str | None:
        try:
            cp = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=20,
                                stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            return None
        return cp.stdout if cp.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.strip(), "dirty": None if status is None else bool(status.strip())}
