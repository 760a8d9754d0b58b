"""Revisions are data: the same figure published twice with different values — the later release wins.

Offices revise figures every month: a 快报 (flash) is followed by the 定报 (final report), a 修订 / 更正 corrects
either. When the same period, series, area and indicator arrive more than once with different values, the
release published later replaces the earlier one, and the earlier figure is kept in ``actuals_revisions.csv``
(both values, both sources, the rule that decided). *Later* is decided, in this order, by:

1. ``stage`` — a release stage marked in the file name, the sheet name or the table's title (``[revisions]
   stages`` of ``config/actuals_layout.toml``: 快报 before 定报, 修订 / 更正 after both);
2. ``date`` — a publication date in the file name or the title (2025-10-20, 20251020, 2025年10月20日) or a
   saved page's date line;
3. ``file_order`` — the order the files were given in (a folder's files sorted by name);

and a figure printed for a chain beats one added up from industries (``printed``). Two different values in
one release (the same file and sheet, no stage or date between them) are not a revision: both are quarantined
as ``duplicate_conflict`` for a person to settle. Identical copies are logged as duplicates, as before.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .labels import Layout, cell_key

__all__ = ["Release", "release_of", "compare", "RULES", "REVISION_COLUMNS"]

REVISION_COLUMNS = ["year", "month", "chain_id", "area", "indicator", "cumulative", "value", "yoy_pct",
                    "source_file", "source_row", "release", "kept_value", "kept_yoy_pct", "kept_file", "kept_row",
                    "kept_release", "rule", "why"]
RULES = {
    "stage": "发布阶段：{new}晚于{old}",
    "date": "发布日期：{new}晚于{old}",
    "file_order": "文件顺序：{new}在{old}之后（文件名和表题都没有快报/定报标记或日期）",
    "printed": "直接公布的产业链数字优先于由行业相加得到的数字",
}
# one separator used twice (2025-10-20, 2025.10.20) or 年…月…日 with its 日: "2025年1-9月" is a period, not 9 January
_DATES = (re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<sep>[-_./])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d月])"),
          re.compile(r"(?<!\d)(?P<y>20\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
          re.compile(r"(?<!\d)(?P<y>20\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)"))


@dataclass(frozen=True)
class Release:
    """When a table was published, as far as its file, sheet, title and page tell."""

    order: tuple[int, int, int]  # file, sheet, table position in the input
    file: str
    sheet: str
    stage: int | None  # index in [revisions] stages
    stage_word: str
    date: _dt.date | None
    origin: str = "read"  # 'read' (printed) or 'sum' (added up from industries)

    def label(self) -> str:
        parts = [self.file.rsplit("/", 1)[-1] + (f"#{self.sheet}" if self.sheet else "")]
        if self.stage_word:
            parts.append(self.stage_word)
        if self.date:
            parts.append(self.date.isoformat())
        if self.origin == "sum":
            parts.append("行业相加")
        return " ".join(parts)


def _date_in(text: str) -> _dt.date | None:
    for rx in _DATES:
        for m in rx.finditer(text):
            try:
                return _dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
    return None


def release_of(layout: Layout, *, file: str, sheet: str, title: str, order: tuple[int, int, int],
               page_date: str | None = None, origin: str = "read") -> Release:
    """The release a table belongs to: its stage mark, its publication date, its position in the input."""
    name = file.rsplit("/", 1)[-1]
    text = cell_key(f"{name} {sheet} {title}")
    stage, word = None, ""
    for k, words in enumerate(layout.stages):
        hit = next((w for w in words if w and w in text), None)
        if hit is not None:
            stage, word = k, hit  # the latest stage named wins (修订 of a 定报)
    date = _dt.date.fromisoformat(page_date) if page_date else None
    date = date or _date_in(name) or _date_in(title)
    return Release(order, file, sheet, stage, word, date, origin)


def compare(a: Release, b: Release) -> tuple[int, str | None]:
    """(sign, rule): sign > 0 when ``a`` was published after ``b``; rule None when nothing tells them apart."""
    if a.origin != b.origin:
        return (1 if a.origin == "read" else -1), "printed"
    if a.stage is not None and b.stage is not None and a.stage != b.stage:
        return (1 if a.stage > b.stage else -1), "stage"
    if a.date is not None and b.date is not None and a.date != b.date:
        return (1 if a.date > b.date else -1), "date"
    if (a.file, a.sheet) != (b.file, b.sheet):
        return (1 if a.order > b.order else -1), "file_order"
    return 0, None
