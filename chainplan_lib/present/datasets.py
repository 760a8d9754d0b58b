"""What notebooks read: processed outputs when the batch wrote them, else cleaned on the fly from data/raw.

Data flows one way — data/raw → data/processed → notebooks — and a notebook opened in JupyterLab with its
defaults still works: it cleans the bundled raw files in memory and writes nothing. Everything is read for a
plan (``plan=None``: the default plan); the bundled sample registers belong to the bundled plan, so another
plan needs its own (``register_dir``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..cleaning.targets.clean import TargetsResult, clean_targets, load_targets
from ..errors import InputError
from ..paths import default_registers_dir
from ..plan.load import is_bundled, resolve_plan
from ..plan.model import Plan

__all__ = ["RegisterView", "targets_bundle", "register_bundle"]


@dataclass
class RegisterView:
    """A cleaned register as notebooks use it: tables, the summary, and whether it is synthetic."""

    clean: pd.DataFrame
    quarantine: pd.DataFrame
    panel: pd.DataFrame
    summary: dict = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """Whether any source file says it is made up (decided by the cleaner from file names and title rows)."""
        return bool(self.summary.get("synthetic", False))

    @property
    def source_files(self) -> list[str]:
        files = set(self.clean.get("source_file", pd.Series(dtype=str)).dropna().astype(str))
        files |= set(self.quarantine.get("source_file", pd.Series(dtype=str)).dropna().astype(str))
        return sorted(files)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.panel["year"].unique())


def targets_bundle(processed_dir: str | Path | None = None, raw_path: str | Path | None = None,
                   plan: Plan | str | Path | None = None) -> TargetsResult:
    """Target table, repairs log and checks: from ``processed_dir/targets*.csv`` if present (validated against
    the plan's names), else cleaned from the plan's raw table (or ``raw_path``)."""
    plan = resolve_plan(plan)
    if processed_dir is not None:
        p = Path(processed_dir) / "targets.csv"
        if p.exists():
            repairs = pd.read_csv(p.with_name("targets_repairs.csv")).astype({"line": "Int64", "year": "Int64"})
            checks = pd.read_csv(p.with_name("targets_checks.csv"))
            raw = repairs["file"].dropna().iloc[0] if "file" in repairs and repairs["file"].notna().any() else p
            return TargetsResult(load_targets(p, plan), repairs, checks, str(raw), "utf-8")
    return clean_targets(raw_path, plan=plan)


def register_bundle(processed_dir: str | Path | None = None, register_dir: str | Path | None = None,
                    plan: Plan | str | Path | None = None):
    """The cleaned register (clean, quarantine, panel, summary): from ``processed_dir/register/`` if the batch
    wrote it, else cleaned in memory from ``register_dir`` (default: the bundled synthetic sample, which is the
    bundled plan's: another plan must give its own)."""
    from ..cleaning.register.clean import clean_registers

    plan = resolve_plan(plan)
    if processed_dir is not None:
        out = Path(processed_dir) / "register"
        if (out / "register_clean.csv").exists():
            clean = pd.read_csv(out / "register_clean.csv", dtype={"uscc": str, "industry_code": str})
            quarantine = pd.read_csv(out / "register_quarantine.csv", dtype=str)
            panel = pd.read_csv(out / "register_panel.csv")
            summary = json.loads((out / "register_summary.json").read_text(encoding="utf-8"))
            return RegisterView(clean, quarantine, panel, summary)
    if register_dir is None and not is_bundled(plan):
        return no_register()  # the bundled sample is the bundled plan's; the register sections say what to pass
    src = Path(register_dir) if register_dir is not None else default_registers_dir()
    if not src.exists():
        raise InputError("register folder not found", file=src)
    r = clean_registers([src], out_dir=None, plan=plan)
    return RegisterView(r.clean, r.quarantine, r.panel, r.summary)


def no_register() -> RegisterView:
    """An empty register (no year supplied): what a plan without register files gets, so that every section that
    needs no register runs and the register sections say the register has not been supplied."""
    from ..cleaning.register.schemas import CLEAN_COLUMNS, PANEL_COLUMNS

    return RegisterView(pd.DataFrame(columns=list(CLEAN_COLUMNS)), pd.DataFrame(columns=["source_file"]),
                        pd.DataFrame(columns=list(PANEL_COLUMNS)),
                        {"supplied": False, "files": [], "years": [], "synthetic": False, "rows_read": 0, "clean": 0,
                         "quarantined": 0, "duplicates_dropped": 0, "balanced": True, "quarantined_by_reason": {},
                         "above_size": 0})


def actuals_bundle(actuals_dir: str | Path | None = None, processed_dir: str | Path | None = None,
                   plan: Plan | str | Path | None = None):
    """The cleaned 统计月报 (:class:`~chainplan_lib.cleaning.actuals.clean.ActualsResult`): from ``actuals_dir`` (raw
    files or a cleaned folder), else ``processed_dir/actuals/`` when the batch wrote it, else the bundled
    SYNTHETIC sample — which is the bundled plan's: another plan without ``actuals_dir`` gets an empty table
    (the progress sections then say no 统计月报 was supplied)."""
    from ..cleaning.actuals.clean import OUTPUT_FILES, clean_actuals
    from ..cleaning.actuals.clean import actuals_bundle as bundle

    has_processed = processed_dir is not None and (Path(processed_dir) / "actuals" / OUTPUT_FILES["actuals"]).exists()
    p = resolve_plan(plan)
    if actuals_dir is None and not has_processed and not is_bundled(p):
        return clean_actuals([], p)
    return bundle(actuals_dir, processed_dir, p)


@dataclass
class GrowthActuals:
    """The actual series a growth page projects from: a frame growth functions take (``actuals=``), where it
    comes from (for the chart's legend and source line) and whether it is synthetic."""

    frame: pd.DataFrame | None
    source: str
    synthetic: bool
    register: RegisterView | None = None


def growth_actuals(actuals=None, register: RegisterView | None = None, year: int | None = None,
                   indicator: str = "revenue") -> GrowthActuals:
    """What to project from: the 统计月报's full years (1—12月) when there are any — the official figures, and
    usually many more years than a register — else the register panel; up to ``year`` (None: all).

    ``actuals``: a cleaned :class:`~chainplan_lib.cleaning.actuals.clean.ActualsResult` (or None); ``register``: a
    :class:`RegisterView` (or None)."""
    from ..analysis.monthly import annual_actuals

    if actuals is not None and len(actuals.actuals):
        annual = annual_actuals(actuals.actuals, indicator)
        annual = annual[annual["year"] <= year] if year is not None else annual
        if len(annual):
            tag = "，示例数据" if actuals.synthetic else ""
            return GrowthActuals(annual, f"统计月报全年数{tag}", actuals.synthetic, register)
    panel = register.panel if register is not None else None
    panel = panel[panel["year"] <= year] if panel is not None and year is not None else panel
    if panel is not None and len(panel):
        tag = "，示例数据" if register.synthetic else ""
        return GrowthActuals(panel, f"规上企业名录{tag}", register.synthetic, register)
    return GrowthActuals(None, "", False, register)
