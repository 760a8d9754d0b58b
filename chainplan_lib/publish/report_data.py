"""A report's ``data/`` folder: everything its notebooks read, inside the report, named without the machine's paths.

data/
  plan.toml            the plan the report was made from, its ``[table].path`` pointing at the copy below
  table/<name>         the plan's annex table as extracted (what ``01_targets`` shows raw)
  targets*.csv         the cleaned table, repairs log and checks
  register/            the cleaned registers (when any were read)
  actuals/             the cleaned 统计月报

The notebooks get ``../data``, ``../data/actuals`` and ``../data/plan.toml`` (paths relative to
``<report>/notebooks``), so a report copied anywhere — without the project's ``data/raw`` — re-runs. The cleaners
record the files they read; here those names are written relative to the folder the user gave (a register file
as ``synthetic_register_2024.xlsx``, a 统计月报 sheet as ``synthetic_actuals_2025.xlsx#1—8月``), never as an
absolute path of the machine that made the report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ..errors import ChainplanError
from ..files.atomic import atomic_path, write_atomic
from ..files.cellsafety import neutralise_frame
from .sources import shown

__all__ = ["PLAN_COPY", "TABLE_DIR", "ReportData", "copy_plan", "prepare", "relative_name"]

PLAN_COPY = "plan.toml"
TABLE_DIR = "table"
_FILE_COLUMNS = ("source_file", "kept_file", "file")


@dataclass
class ReportData:
    """What the cleaning step put into ``data/``, and the inputs it read (for the manifest)."""

    plan: Any                               # the plan copy (a Plan whose table is data/table/<name>)
    targets: Any                            # TargetsResult
    register: Any | None                    # RegisterResult, None without registers
    inputs: list[dict[str, Any]] = field(default_factory=list)

    @property
    def register_summary(self) -> dict:
        return self.register.summary if self.register is not None else {}


# ------------------------------------------------------------------------------------------ relative names
def relative_name(value: str, root: Path) -> str:
    """A file name as a cleaner recorded it (``/abs/path/file.xlsx``, ``data/raw/…`` or ``…#sheet``) → relative to
    ``root`` (the folder the user gave, absolute) when it lies inside it, else its name alone."""
    path, hash_, sheet = str(value).partition("#")
    if not path:
        return str(value)
    p = Path(path).absolute()
    try:
        path = p.relative_to(root).as_posix()
    except ValueError:
        path = p.name
    return f"{path}{hash_}{sheet}"


def _relabel_frame(df: pd.DataFrame, fix: Callable[[str], str]) -> pd.DataFrame:
    for col in _FILE_COLUMNS:
        if col not in df.columns:
            continue
        s = df[col]
        if isinstance(s.dtype, pd.CategoricalDtype):  # a million rows, a few categories: renamed, not mapped
            cats = [fix(str(c)) for c in s.cat.categories]
            if len(set(cats)) == len(cats):
                df[col] = s.cat.rename_categories(cats)
                continue
        uniq = {v: fix(v) for v in pd.unique(s.dropna().astype(str))}
        df[col] = s.map(lambda v, u=uniq: u.get(str(v), v) if isinstance(v, str) else v)
    return df


def _relabel_json(obj: Any, fix: Callable[[str], str]) -> Any:
    if isinstance(obj, dict):
        return {k: (fix(v) if k in ("file", "config", "source") and isinstance(v, str) else _relabel_json(v, fix))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [_relabel_json(v, fix) for v in obj]
    return obj


def _relabel_result(result: Any, fix: Callable[[str], str]) -> Any:
    """A cleaner's result (a dataclass of frames and a summary dict) with every recorded file name fixed."""
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, pd.DataFrame):
            setattr(result, f.name, _relabel_frame(value, fix))
        elif f.name == "summary" and isinstance(value, dict):
            setattr(result, f.name, _relabel_json(value, fix))
    return result


def _root(path: Path) -> Path:
    path = Path(path).absolute()
    return path if path.is_dir() else path.parent


# ---------------------------------------------------------------------------------------------- the plan
_TABLE_HEADER = re.compile(r"^\s*\[\s*table\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
_PATH_KEY = re.compile(r"""^(\s*path\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*')""")
_DOTTED_KEY = re.compile(r"""^(\s*table\s*\.\s*path\s*=\s*)("(?:[^"\\]|\\.)*"|'[^']*')""")


def _point_table(text: str, new: str) -> str:
    """The plan file's text with ``[table].path`` set to ``new`` (every other byte kept)."""
    lines = text.splitlines(keepends=True)
    in_table = False
    value = json.dumps(new, ensure_ascii=False)  # a TOML basic string
    for i, line in enumerate(lines):
        if _ANY_HEADER.match(line):
            in_table = bool(_TABLE_HEADER.match(line))
            continue
        m = (_PATH_KEY if in_table else _DOTTED_KEY).match(line)
        if m:
            lines[i] = m.group(1) + value + line[m.end():]
            out = "".join(lines)
            if tomllib.loads(out).get("table", {}).get("path") == new:
                return out
    raise ChainplanError("the plan file's [table] path could not be pointed at the report's copy of the table; "
                         "write it as `path = \"…\"` on a line of its own in the [table] section")


def copy_plan(plan: Any, data: Path) -> Any:
    """The plan and its table copied into ``data`` (``plan.toml``, ``table/<name>``), the copy's ``[table].path``
    pointing at the table's copy; returns the copy, read and validated."""
    from ..cleaning.targets.read import MAX_BYTES
    from ..plan.load import read_plan

    table = Path(plan.table_path)
    with open(table, "rb") as fh:  # the cleaner has read it already (and refused one larger than this)
        text = fh.read(MAX_BYTES + 1)
    if len(text) > MAX_BYTES:
        raise ChainplanError(f"{table}: larger than {MAX_BYTES:,} bytes; not copied into the report")
    write_atomic(data / TABLE_DIR / table.name, text)
    text = Path(plan.path).read_bytes().decode("utf-8")
    write_atomic(data / PLAN_COPY, _point_table(text, f"{TABLE_DIR}/{table.name}"))
    return read_plan(data / PLAN_COPY)


# ------------------------------------------------------------------------------------------- the tables
def _write_targets(result: Any, data: Path) -> None:
    for name, frame in (("targets.csv", result.table), ("targets_repairs.csv", result.repairs),
                        ("targets_checks.csv", result.checks)):
        with atomic_path(data / name) as tmp:
            neutralise_frame(frame).to_csv(tmp, index=False, encoding="utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _input(kind: str, path: Path) -> dict[str, Any]:
    return {"kind": kind, "path": shown(path), "sha256": _sha256(path), "bytes": path.stat().st_size}


def prepare(data: Path, plan: Any, registers: Path | None, actuals: Any) -> ReportData:
    """Fill ``data`` for a run: the plan and its table, the cleaned target table, registers (``registers``: a
    folder or file, or None) and 统计月报 (``actuals``: a :class:`~chainplan_lib.publish.progress_batch.BatchActuals`
    already cleaned in memory). Returns what was written and the inputs read."""
    from ..cleaning.register.clean import clean_registers, write_outputs
    from ..cleaning.targets.clean import clean_targets
    from . import progress_batch

    data.mkdir(parents=True, exist_ok=True)
    if actuals.source is not None and str(actuals.source) != "-":
        root = _root(actuals.source)
        _relabel_result(actuals.result, lambda v: relative_name(v, root))
    progress_batch.write(actuals, data)
    table_name = f"{TABLE_DIR}/{Path(plan.table_path).name}"
    targets = clean_targets(plan.table_path, plan=plan)   # bad input stops here, before anything is copied
    copy = copy_plan(plan, data)
    targets.repairs = _relabel_frame(targets.repairs, lambda v: table_name)
    targets.source_file = table_name
    _write_targets(targets, data)
    register, config = None, None
    if registers is not None:
        register = clean_registers([registers], out_dir=None, plan=plan)
        config = register.summary.get("config")  # the editable industry → chain mapping it read
        root = _root(registers)
        _relabel_result(register, lambda v: relative_name(v, root))
        write_outputs(register, data / "register")
    read_files = sorted({f["file"] for f in (register.summary if register is not None else {}).get("files", [])})
    inputs = [_input("plan", Path(plan.path)), _input("table", Path(plan.table_path))]
    inputs += [_input("register", _root(registers) / f) for f in read_files] if registers is not None else []
    inputs += [_input("actuals", Path(f)) for f in actuals.files]
    if config and os.path.isfile(config):
        inputs.append(_input("config", Path(config)))
    return ReportData(copy, targets, register, inputs)
