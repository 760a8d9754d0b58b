"""Titles of what the batch publishes, without the charts' imports: the batch process names a report before any
notebook runs and has no use for matplotlib."""

from __future__ import annotations

from ..plan.model import Plan

__all__ = ["briefing_title"]


def briefing_title(year: int, plan: Plan, month: int | None = None) -> str:
    """The briefing's title, the district from the plan: 青山湖区制造业重点产业链2024年度简报, or for a 1—N月
    briefing (``month`` 2–11) 青山湖区制造业重点产业链2025年1—9月进度简报. The batch, the PDF, the Word file and
    the pages all use it."""
    district = plan.district
    if month is None or int(month) >= 12:
        return f"{district}制造业重点产业链{year}年度简报"
    from ..analysis.progress import period_label

    return f"{district}制造业重点产业链{year}年{period_label(int(month))}进度简报"
