"""What notebooks read: processed outputs when the batch wrote them, else cleaned on the fly from data/raw.

Data flows one way — data/raw → data/processed → notebooks — and a notebook opened in JupyterLab with its
defaults still works: it cleans the bundled raw files in memory and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import InputError
from .paths import default_registers_dir
from .targets import TargetsResult, clean_targets, load_targets

__all__ = ["targets_bundle", "register_bundle", "is_synthetic"]


def targets_bundle(processed_dir: str | Path | None = None, raw_path: str | Path | None = None) -> TargetsResult:
    """Target table, repairs log and checks: from ``processed_dir/targets*.csv`` if present, else cleaned."""
    if processed_dir is not None:
        p = Path(processed_dir) / "targets.csv"
        if p.exists():
            repairs = pd.read_csv(p.with_name("targets_repairs.csv")).astype({"line": "Int64", "year": "Int64"})
            checks = pd.read_csv(p.with_name("targets_checks.csv"))
            return TargetsResult(load_targets(p), repairs, checks, str(p), "utf-8")
    return clean_targets(raw_path)


def register_bundle(processed_dir: str | Path | None = None, register_dir: str | Path | None = None):
    """The cleaned register (clean, quarantine, panel, summary): from ``processed_dir/register/`` if the batch
    wrote it, else cleaned in memory from ``register_dir`` (default: the bundled synthetic sample)."""
    from .register import clean_registers, read_register_outputs

    if processed_dir is not None:
        out = Path(processed_dir) / "register"
        if (out / "register_clean.csv").exists():
            return read_register_outputs(out)
    src = Path(register_dir) if register_dir is not None else default_registers_dir()
    if not src.exists():
        raise InputError("register folder not found", file=src)
    return clean_registers([src], out_dir=None)


def is_synthetic(paths) -> bool:
    """True when any source file says it is synthetic (示例/合成/SYNTHETIC in its name)."""
    names = [str(p).lower() for p in paths]
    return any(k in n for n in names for k in ("synthetic", "示例", "合成"))
