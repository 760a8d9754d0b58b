"""The front door: one district — its plan and its data folders — with its cleaned tables and analyses.

    from chainplan_lib import District
    d = District.open("data/plans/qingshanhu-2024.toml")       # or a Plan; registers=…, actuals=… folders
    d.targets.table                  # the plan's annex table, cleaned (repairs: d.targets.repairs)
    d.consistency().findings()       # is the overall goal (10%左右 …) consistent with the chain targets?
    d.progress(2025, 9).table        # 1—9月 progress against the year's targets and 时序进度

Everything is read for this district's plan and cached on the object: two districts opened side by side in one
process each keep their own names, figures and charts. Nothing is written. A district reads

* its **target table** from ``processed/targets.csv`` when a batch cleaned it there, else from the plan's raw table;
* its **registers** (规上企业名录) from ``processed/register/``, else by cleaning ``registers`` (files or a folder);
  the bundled plan's sample registers when it is the bundled plan and none are given; none otherwise (the
  register sections then say what to pass);
* its **统计月报** (monthly figures) from ``actuals`` (raw files, or a folder with a cleaned ``actuals.csv``), else
  ``processed/actuals/``, else the bundled plan's synthetic sample (the bundled plan only); none otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .cleaning.targets.clean import TargetsResult, clean_targets, load_targets
from .errors import InputError
from .paths import default_registers_dir
from .plan.load import as_plan, is_bundled
from .plan.model import Plan

__all__ = ["District", "RegisterView", "GrowthActuals", "no_register"]


@dataclass
class RegisterView:
    """A cleaned register as notebooks use it: tables, the summary, whether it is synthetic, and its plan."""

    clean: pd.DataFrame
    quarantine: pd.DataFrame
    panel: pd.DataFrame
    summary: dict = field(default_factory=dict)
    plan: Plan | None = None

    @property
    def synthetic(self) -> bool:
        """Whether any source file says it is made up (decided by the cleaner from file names and title rows)."""
        return bool(self.summary.get("synthetic", False))

    @property
    def supplied(self) -> bool:
        return bool(self.summary.get("supplied", True))

    @property
    def source_files(self) -> list[str]:
        files = set(self.clean.get("source_file", pd.Series(dtype=str)).dropna().astype(str))
        files |= set(self.quarantine.get("source_file", pd.Series(dtype=str)).dropna().astype(str))
        return sorted(files)

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.panel["year"].unique())


def no_register(plan: Plan | None = None) -> RegisterView:
    """An empty register (no year supplied): what a plan without register files gets, so that every section that
    needs no register runs and the register sections say the register has not been supplied."""
    from .cleaning.register.schemas import CLEAN_COLUMNS, PANEL_COLUMNS

    return RegisterView(pd.DataFrame(columns=list(CLEAN_COLUMNS)), pd.DataFrame(columns=["source_file"]),
                        pd.DataFrame(columns=list(PANEL_COLUMNS)),
                        {"supplied": False, "files": [], "years": [], "synthetic": False, "rows_read": 0, "clean": 0,
                         "quarantined": 0, "duplicates_dropped": 0, "balanced": True, "quarantined_by_reason": {},
                         "above_size": 0}, plan)


@dataclass
class GrowthActuals:
    """The actual series a growth page projects from: a frame growth functions take (``actuals=``), where it
    comes from (for the chart's legend and source line) and whether it is synthetic."""

    frame: pd.DataFrame | None
    source: str
    synthetic: bool
    register: RegisterView | None = None


def _path(p: str | Path | None) -> Path | None:
    return Path(p).expanduser() if p is not None and str(p) != "" else None


class District:
    """One district: its :class:`~chainplan_lib.plan.model.Plan` and where its data lie. Open with :meth:`open`."""

    def __init__(self, plan: Plan, *, registers: Path | None = None, actuals: Path | None = None,
                 processed: Path | None = None):
        self.plan = plan
        self.registers_source = registers
        self.actuals_source = actuals
        self.processed = processed
        self._consistency: dict[tuple, object] = {}
        self._progress: dict[tuple, object] = {}

    @classmethod
    def open(cls, plan: Plan | str | Path, *, registers: str | Path | None = None, actuals: str | Path | None = None,
             processed: str | Path | None = None) -> "District":
        """A district from its plan (a :class:`Plan` or a plan file) and, optionally, its register files or
        folder, its 统计月报 files or folder, and a folder of cleaned outputs (a batch's ``data/``). Folders that do
        not exist are an error now, not at first use."""
        p = as_plan(plan)
        for name, value in (("registers", registers), ("actuals", actuals)):
            if value is not None and not Path(value).expanduser().exists():
                raise InputError(f"{name}: no such file or folder", file=value)
        return cls(p, registers=_path(registers), actuals=_path(actuals), processed=_path(processed))

    def __repr__(self) -> str:
        return (f"District({self.plan.district}, {self.plan.years[0]}–{self.plan.years[-1]}, "
                f"{len(self.plan.chains)} chains, plan={self.plan.path.name})")

    # ------------------------------------------------------------------------------------------------ tables
    @cached_property
    def targets(self) -> TargetsResult:
        """The plan's annex table cleaned (``.table``), its repairs log and checks: from ``processed/`` when a
        batch wrote them there, else cleaned from the plan's raw table."""
        if self.processed is not None and (self.processed / "targets.csv").exists():
            p = self.processed / "targets.csv"
            repairs = pd.read_csv(p.with_name("targets_repairs.csv")).astype({"line": "Int64", "year": "Int64"})
            checks = pd.read_csv(p.with_name("targets_checks.csv"))
            raw = repairs["file"].dropna().iloc[0] if "file" in repairs and repairs["file"].notna().any() else p
            return TargetsResult(load_targets(p, plan=self.plan), repairs, checks, str(raw), "utf-8", self.plan)
        return clean_targets(plan=self.plan)

    def targets_from(self, raw: str | Path) -> TargetsResult:
        """Another extraction of the plan's table, cleaned (not cached)."""
        return clean_targets(raw, plan=self.plan)

    @cached_property
    def register(self) -> RegisterView:
        """The cleaned register (clean, quarantine, panel, summary)."""
        from .cleaning.register.clean import clean_registers

        if self.processed is not None:
            out = self.processed / "register"
            if (out / "register_clean.csv").exists():
                clean = pd.read_csv(out / "register_clean.csv", dtype={"uscc": str, "industry_code": str})
                quarantine = pd.read_csv(out / "register_quarantine.csv", dtype=str)
                panel = pd.read_csv(out / "register_panel.csv")
                summary = json.loads((out / "register_summary.json").read_text(encoding="utf-8"))
                return RegisterView(clean, quarantine, panel, summary, self.plan)
        src = self.registers_source
        if src is None:
            if not is_bundled(self.plan):
                return no_register(self.plan)  # the bundled sample is the bundled plan's
            src = default_registers_dir()
        r = clean_registers([src], out_dir=None, plan=self.plan)
        return RegisterView(r.clean, r.quarantine, r.panel, r.summary, self.plan)

    @cached_property
    def monthly(self):
        """The cleaned 统计月报 (:class:`~chainplan_lib.cleaning.actuals.clean.ActualsResult`; the table is
        ``.actuals``): an empty one when the district has none."""
        from .cleaning.actuals.clean import OUTPUT_FILES, actuals_bundle, clean_actuals

        has_processed = (self.processed is not None
                         and (self.processed / "actuals" / OUTPUT_FILES["actuals"]).exists())
        if self.actuals_source is None and not has_processed and not is_bundled(self.plan):
            return clean_actuals([], self.plan)
        return actuals_bundle(self.actuals_source, self.processed, self.plan)

    # ------------------------------------------------------------------------------------------------ analyses
    def statistics_totals(self) -> dict[str, float]:
        """From the 统计月报's full years: ``base_total_yi`` (all above-size industry, 规上工业, in the plan's base
        year) and ``prior_actual_yi`` (the plan's chains summed, in the year before it) — what the consistency
        test measures the goal against; a key is absent when its figure is not published."""
        from .analysis.monthly import cumulative_table
        from .plan.names import INDUSTRY_ID

        a = self.monthly.actuals
        out: dict[str, float] = {}
        if not len(a):
            return out
        base, prior = self.plan.base_year, self.plan.base_year - 1
        industry = cumulative_table(a, INDUSTRY_ID, plan=self.plan)
        if base in industry.index and pd.notna(industry.loc[base, 12]):
            out["base_total_yi"] = float(industry.loc[base, 12])
        chains = cumulative_table(a, "all", plan=self.plan)
        if prior in chains.index and pd.notna(chains.loc[prior, 12]):
            out["prior_actual_yi"] = float(chains.loc[prior, 12])
        return out

    def consistency(self, tolerance_pp: float = 1.0, base_total_yi: float | None = None):
        """:func:`~chainplan_lib.analysis.consistency.check_consistency` on the district's targets (cached). The
        base-year total of 规上工业 (for the growth the rest of industry needs) and the chains' actual of the year
        before the base year come from the 统计月报 when they are published there; ``base_total_yi`` given wins."""
        from .analysis.consistency import check_consistency

        key = (float(tolerance_pp), base_total_yi)
        if key not in self._consistency:
            stats = self.statistics_totals() if self.plan.overall_growth is not None else {}
            given = base_total_yi is not None
            total = base_total_yi if given else stats.get("base_total_yi")
            source = "given" if given else ("统计月报" if total is not None else "")
            self._consistency[key] = check_consistency(
                self.targets.table, tolerance_pp=tolerance_pp, base_total_yi=total, plan=self.plan,
                prior_actual_yi=stats.get("prior_actual_yi"), base_total_source=source)
        return self._consistency[key]

    def progress(self, year: int, month: int | None = None, *, basis: str = "calendar", indicator: str = "revenue",
                 targets: pd.DataFrame | None = None):
        """:func:`~chainplan_lib.analysis.progress_report.progress_report` of the district's 统计月报 against its
        targets (or ``targets``, a cleaned targets table) for 1—``month``月 of ``year`` (None: the latest month
        published), the plan's ``indicator``; each series without a figure named with why (:meth:`why_missing`).
        Cached for the district's own targets."""
        from .analysis.progress_report import progress_report

        key = (int(year), month, basis, indicator)
        if targets is None and key in self._progress:
            return self._progress[key]
        monthly = self.monthly
        report = progress_report(monthly.actuals, self.targets.table if targets is None else targets, int(year),
                                 month, basis=basis, plan=self.plan, indicator=indicator, coverage=monthly.coverage)
        report.missing = {s: self.why_missing(s, int(year), report.month) for s in report.missing}
        if targets is None:
            self._progress[key] = report
        return report

    def missing_chains(self, report) -> dict[str, str]:
        """The plan's chains without a figure in ``report`` (a :meth:`progress`), each with why — every chain when
        the 统计月报 have nothing for its year (and month). What ``chainplan progress`` and ``brief --month`` name
        before exiting 3."""
        chains = self.plan.chain_ids
        lacking = [c for c in report.missing if c in chains] if report.has_data else list(chains)
        return {c: report.missing.get(c) or self.why_missing(c, report.year, report.month) for c in lacking}

    def why_missing(self, series: str, year: int, month: int | None) -> str:
        """Why the 统计月报 have no figure for ``series`` at 1—``month``月 of ``year``: the quarantined rows that
        were that series (their reason, file and row), else that no file gave it."""
        from .analysis.monthly import ALL
        from .analysis.progress import period_label
        from .cleaning.actuals.headings import find_period
        from .errors import InputError
        from .plan.names import DISTRICT, INDUSTRY_ID, find_industry

        q = self.monthly.quarantine
        when = f"{year}年{period_label(month)}" if month else f"{year}年"
        if series == ALL:  # the sum of the chains: missing because a part is
            a = self.monthly.actuals
            a = a[(a["year"] == year) & a["cumulative"] & (a["area"] == DISTRICT)] if len(a) else a
            if month is not None and len(a):
                a = a[a["month"] == month]
            lacking = [c.name for c in self.plan.chains if not len(a) or not (a["chain_id"] == c.id).any()]
            if lacking:
                return f"缺少{'、'.join(lacking)}{when}的数据，不作合计"
        cov = self.monthly.coverage  # a table by industry that has none of the chain's industries
        if len(cov) and month is not None:
            cov = cov[(cov["chain_id"] == series) & (cov["year"] == year) & (cov["month"] == month)
                      & cov["cumulative"].astype(bool) & cov["status"].astype(str).str.startswith("absent")]
            if len(cov):
                return f"统计月报按行业公布，表中没有其行业（{cov.iloc[-1]['codes_expected']}），{when}无数据（不是 0）"
        hits: dict[str, dict[str, list[str]]] = {}  # reason → file name → rows
        for r in (q.itertuples() if len(q) else ()):
            label = str(getattr(r, "label", "") or "")
            c = self.plan.find_chain(label)
            sid = c.id if c is not None else (INDUSTRY_ID if find_industry(label) else None)
            if sid != series:
                continue
            try:
                per = find_period(str(getattr(r, "period", "") or ""))
            except InputError:
                continue
            if per.year not in (None, year) or (month is not None and per.month not in (None, month)):
                continue
            src = Path(str(r.source_file))
            reason = str(r.reason).replace(f"{src.parent}/", "")  # the file's name, not this machine's path
            hits.setdefault(reason, {}).setdefault(src.name, []).append(str(r.source_row))
        if hits:
            return f"{when}的数据" + "；".join(
                f"已隔离：{reason}（" + "，".join(f"{f} 第 {'、'.join(rows)} 行" for f, rows in where.items()) + "）"
                for reason, where in hits.items())
        return f"统计月报未提供{when}的数据"

    def outlook(self, year: int, month: int | None = None):
        """The progress report the target-year outlook is read from: ``year``'s (1—``month``月) when it has
        statistics, else the previous year's (a briefing of a year not yet reported still says what the target
        year requires)."""
        report = self.progress(year, month)
        if report.has_data or year - 1 not in self.plan.years:
            return report
        return self.progress(year - 1)

    def compare(self, year: int) -> pd.DataFrame | None:
        """Register actuals against the same year's targets (完成率), or None when the year's register is missing."""
        from .analysis.compare import actual_vs_target

        if year not in self.register.years:
            return None
        return actual_vs_target(self.register.panel, self.targets.table, year, plan=self.plan)

    def reconcile(self, year: int) -> pd.DataFrame:
        """The register (名录口径) against the official full-year statistics (统计月报 1—12月) for ``year``, by chain
        (:func:`~chainplan_lib.analysis.compare.reconcile`); empty when either is missing."""
        from .analysis.compare import reconcile

        return reconcile(self.register.panel, self.monthly.actuals, year, plan=self.plan)

    def growth_actuals(self, year: int | None = None, indicator: str = "revenue", *, use_monthly: bool = True,
                       use_register: bool = True) -> GrowthActuals:
        """What to project from: the 统计月报's full years (1—12月) when there are any — the official figures, and
        usually many more years than a register — else the register panel; up to ``year`` (None: all).
        ``use_monthly`` / ``use_register`` False leave either source out."""
        from .analysis.monthly import annual_actuals

        monthly = self.monthly if use_monthly else None
        if monthly is not None and len(monthly.actuals):
            annual = annual_actuals(monthly.actuals, indicator, plan=self.plan)
            annual = annual[annual["year"] <= year] if year is not None else annual
            if len(annual):
                tag = "，示例数据" if monthly.synthetic else ""
                return GrowthActuals(annual, f"统计月报全年数{tag}", monthly.synthetic, self.register)
        register = self.register if use_register else None
        panel = register.panel if register is not None else pd.DataFrame()
        panel = panel[panel["year"] <= year] if year is not None and len(panel) else panel
        if len(panel):
            tag = "，示例数据" if register.synthetic else ""
            return GrowthActuals(panel, f"规上企业名录{tag}", register.synthetic, register)
        return GrowthActuals(None, "", False, register)

    def latest_year(self) -> int:
        """The year a page shows by default: the latest of the plan's years with data (a register year, or a
        year with 统计月报 figures), else the plan's base year. One rule for every notebook."""
        have = {int(y) for y in self.register.years}
        if len(self.monthly.actuals):
            have |= {int(y) for y in self.monthly.actuals["year"].unique()}
        years = sorted(y for y in have if y in self.plan.years)
        return years[-1] if years else self.plan.base_year

    @property
    def synthetic(self) -> bool:
        """Whether the register or the 统计月报 read are synthetic (示例数据): every page then says so."""
        return self.register.synthetic or self.monthly.synthetic
