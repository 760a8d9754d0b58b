"""`chainplan plan check FILE`: a plan file validated, and its annex table cleaned and reconciled against it.

What a person starting another district's plan wants to see at once: what the plan file says (chains,
areas, years, indicators, the targets stated in the text, size bands) and whether its table reads — rows,
the repairs the cleaner made, and every check (areas sum to 全区, the table against the text targets).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...plan.load import read_plan
from ...plan.model import Plan
from .clean import TargetsResult, clean_targets

__all__ = ["PlanCheck", "check_plan_file"]


@dataclass
class PlanCheck:
    plan: Plan
    targets: TargetsResult

    @property
    def ok(self) -> bool:
        """Every reconciliation check agrees (a mismatch is reported, not forced: the plan needs a look)."""
        return bool((self.targets.checks["status"] == "ok").all())

    def summary(self) -> str:
        p, t = self.plan, self.targets
        chk = t.checks
        text = chk[chk["check"] != "areas_sum_to_total"]
        table = t.table
        lines = [f"plan file {p.path} (sha256 {p.sha256[:12]}…): valid", p.summary(), "",
                 f"table {t.source_file}: {len(table)} rows = {table['chain'].nunique()} chains × "
                 f"{table['year'].nunique()} years × {table['indicator'].nunique()} indicators × "
                 f"{table['area'].nunique()} areas (全区 and {len(p.areas)})",
                 *("  " + line for line in t.summary().splitlines()[1:]),
                 f"  text targets checked against the table: {len(text)} "
                 f"({int((text['status'] == 'ok').sum())} agree)"]
        if not len(text):
            lines.append("  (the plan states no targets in its text: [[chains.targets]] is empty)")
        lines.append("OK: the plan and its table agree." if self.ok else
                     "NOT OK: some checks disagree (listed above); the numbers are reported as printed, not forced.")
        return "\n".join(lines)


def check_plan_file(path: str | Path, raw: str | Path | None = None) -> PlanCheck:
    """Read and validate a plan file (one-line :class:`~chainplan_lib.plan.load.PlanError` on a mistake) and
    clean its table (``raw``: another extraction of it; default the plan's ``[table] path``)."""
    plan = read_plan(path)
    return PlanCheck(plan, clean_targets(raw, plan=plan))
