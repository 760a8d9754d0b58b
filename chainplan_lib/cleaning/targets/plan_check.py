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

    def to_dict(self) -> dict:
        """JSON-ready (``chainplan plan check --json``): ``ok``, ``plan`` (:meth:`Plan.to_dict`), ``table`` (the
        cleaner's :meth:`TargetsResult.to_dict` with ``chains``, ``years``, ``indicators``, ``areas`` counted) and
        ``text_targets`` (``checked``, ``agree``)."""
        t = self.targets
        table = t.table
        text = t.checks[t.checks["check"] != "areas_sum_to_total"]
        return {
            "ok": self.ok,
            "plan": self.plan.to_dict(),
            "table": {**t.to_dict(), "chains": int(table["chain"].nunique()), "years": int(table["year"].nunique()),
                      "indicators": int(table["indicator"].nunique()), "areas": int(table["area"].nunique())},
            "text_targets": {"checked": int(len(text)), "agree": int((text["status"] == "ok").sum())},
        }

    def summary(self) -> str:
        """What ``chainplan plan check`` prints, in Chinese: the plan, its table read and reconciled, the verdict."""
        p, d = self.plan, self.to_dict()
        tab, text = d["table"], d["text_targets"]
        lines = [f"方案文件 {p.path}（sha256 {p.sha256[:12]}…）：格式有效", p.summary(), "",
                 f"目标表 {tab['source_file']}：{tab['rows']} 行 = {tab['chains']} 条链 × {tab['years']} 年 × "
                 f"{tab['indicators']} 项指标 × {tab['areas']} 个区域（全区及 {len(p.areas)} 个区域）",
                 *("  " + line for line in self.targets.summary().splitlines()[1:]),
                 f"  正文目标与表核对：{text['checked']} 项（{text['agree']} 项一致）"]
        if not text["checked"]:
            lines.append("  （方案正文未列目标：[[chains.targets]] 为空）")
        lines.append("通过：方案文件与目标表一致。" if self.ok else
                     "未通过：有核对不一致（见上）；数字按表中所印报告，未作强行调整。")
        return "\n".join(lines)


def check_plan_file(path: str | Path, raw: str | Path | None = None) -> PlanCheck:
    """Read and validate a plan file (one-line :class:`~chainplan_lib.plan.load.PlanError` on a mistake) and
    clean its table (``raw``: another extraction of it; default the plan's ``[table] path``)."""
    plan = read_plan(path)
    return PlanCheck(plan, clean_targets(raw, plan=plan))
