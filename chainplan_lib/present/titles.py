"""Titles and lines of what the batch publishes and says, without the charts' imports: the batch process names a
report before any notebook runs, and the chains it lacks after, and has no use for matplotlib."""

from __future__ import annotations

from ..plan.model import Plan

__all__ = ["briefing_title", "missing_chains_line", "named_whys"]


def briefing_title(year: int, plan: Plan, month: int | None = None) -> str:
    """The briefing's title, the district from the plan: 青山湖区制造业重点产业链2024年度简报, or for a 1—N月
    briefing (``month`` 2–11) 青山湖区制造业重点产业链2025年1—9月进度简报. The batch, the PDF, the Word file and
    the pages all use it."""
    district = plan.district
    if month is None or int(month) >= 12:
        return f"{district}制造业重点产业链{year}年度简报"
    from ..analysis.progress import period_label

    return f"{district}制造业重点产业链{year}年{period_label(int(month))}进度简报"


def missing_chains_line(period: str, missing: dict[str, str]) -> str:
    """``N 条产业链缺少{period}数据（名称：why；…）`` — ``missing`` by chain name — the line a run that leaves
    chains out exits 3 with (``chainplan progress`` and ``brief``)."""
    return f"{len(missing)} 条产业链缺少{period}数据（{named_whys(missing)}）"


def named_whys(missing: dict[str, str]) -> str:
    """``名称：why；名称：why`` — chains by name, each with why it has no figure ('' when none)."""
    return "；".join(f"{name}：{why}" for name, why in missing.items())
