"""What a 月报's words say: the period of a title, heading, sheet or file name (``1—9月``, ``2025年9月``), and the
kind of a column heading (本月 / 1—N月累计 / 同比 …, see ``config/actuals_layout.toml``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ...errors import InputError
from .labels import Layout, cell_key, read_label, unit_in

__all__ = ["Period", "find_period", "Heading", "classify_heading", "SheetEntries", "HEADER_SCAN_ROWS"]

HEADER_SCAN_ROWS = 15


# ---------------------------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class Period:
    """What a text says about a period. ``cumulative``: True for 1—N月, False for one month, None if not said."""

    year: int | None = None
    month: int | None = None
    cumulative: bool | None = None

    def over(self, other: "Period") -> "Period":
        """This period with the gaps filled from ``other``."""
        return Period(self.year if self.year is not None else other.year,
                      self.month if self.month is not None else other.month,
                      self.cumulative if self.cumulative is not None else other.cumulative)


_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
           "十一": 11, "十二": 12}
_CN_MONTH = re.compile(r"(十[一二]?|[一二三四五六七八九])(?=(个?月|[-—–~至到―─〜]))")
_DASH = r"[-—–~至到―─〜]"
_RANGE = re.compile(r"(?:(20\d{2})年度?)?(\d{1,2})月?" + _DASH + r"(\d{1,2})月")
_YEAR_RANGE = re.compile(r"(20\d{2})年度?(\d{1,2})月?" + _DASH + r"(\d{1,2})(?![\d月])")  # 2022年1-12 (no 月)
_FIRST_MONTHS = re.compile(r"前(\d{1,2})个?月")  # 前11个月 = 1—11月
_FULL_YEAR = re.compile(r"(?:(20\d{2})年度?)?全年")
_YEAR_MONTH = re.compile(r"(20\d{2})年(\d{1,2})月")
_ISO = re.compile(r"(?<!\d)(20\d{2})[-./_]?(\d{1,2})(?!\d)(?!年)")
_ISO_STRICT = re.compile(r"(?<!\d)(20\d{2})[-./_](\d{1,2})(?!\d)")
_MONTH = re.compile(r"(?<![\d\-—–~])(\d{1,2})月")
_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def _normal(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text)).replace("−", "-")
    t = re.sub(r"[\s\u3000]+", "", t)
    return _CN_MONTH.sub(lambda m: str(_CN_NUM[m.group(1)]), t)


def find_period(text: str, *, where: str = "", file: str | None = None, strict_iso: bool = True) -> Period:
    """The period a title, heading, sheet or file name states (any part may be missing).

    ``1—9月`` / ``1-9月`` / ``1至9月`` → month 9, cumulative; ``1—2月`` → month 2 (January and February are
    published together); ``2025年9月`` / ``2025-09`` → year 2025, month 9; ``全年`` / ``1—12月`` → month 12,
    cumulative; ``9月`` → month 9, one month. A range that does not start in January (``7—9月``) is refused.
    ``前11个月`` → month 11, cumulative; ``2022年1-12`` (a heading without 月) → month 12, cumulative.
    ``strict_iso`` (default) wants a separator in ``2025-09`` (a bare ``202509`` is read only from file names).
    """
    t = _normal(text)
    years = {int(y) for y in _YEAR.findall(t)}
    month: int | None = None
    cum: bool | None = None
    m = _RANGE.search(t) or _YEAR_RANGE.search(t)
    if m:
        start, end = int(m.group(2)), int(m.group(3))
        if start != 1 or not 1 <= end <= 12 or end < start:
            raise InputError(f"{where}period {m.group(0)!r} is not 1—N月 (a cumulative period starts in January)",
                             file=file)
        month, cum = end, True
    elif (m := _FULL_YEAR.search(t)):
        month, cum = 12, True
    elif (m := _FIRST_MONTHS.search(t)):
        month, cum = int(m.group(1)), True
    elif (m := _YEAR_MONTH.search(t)) or (m := (_ISO_STRICT if strict_iso else _ISO).search(t)):
        month = int(m.group(2))
    elif (m := _MONTH.search(t)):
        month, cum = int(m.group(1)), False
    if month is not None and not 1 <= month <= 12:
        raise InputError(f"{where}month {month} in {text!r} is not a month 1–12", file=file)
    return Period(years.pop() if len(years) == 1 else None, month, cum)


# ---------------------------------------------------------------------------------------------- headings
@dataclass(frozen=True)
class Heading:
    """What a column heading says: its kind, the period and unit it names, and the indicator it names."""

    text: str
    kind: str | None  # label, chain, area, unit, monthly, cumulative, yoy, prior, ignored, or None (unknown)
    period: Period = Period()
    unit: tuple[str, str, float] | None = None  # (unit text, 'money' | 'count', factor to 亿元 or 1)
    yoy_of: str | None = None  # for a yoy / prior column: 'monthly' / 'cumulative' when the heading says so
    indicator: str | None = None  # the plan's indicator id the heading names (营业收入累计), 'other' if untracked

    @property
    def figure(self) -> bool:
        """A column of figures: a value (本月 / 累计), its growth (同比) or its prior-year level (上年同期)."""
        return self.kind in ("monthly", "cumulative", "yoy", "prior")


def _has(key: str, words: tuple[str, ...]) -> bool:
    return any(w in key for w in words)


def _of(key: str, period: Period, rep) -> str | None:
    """Which figure a growth or prior-year heading belongs to: 累计 (or a 1—N月 period) first, then 本月 / 9月."""
    if _has(key, rep["cumulative"]) or period.cumulative:
        return "cumulative"
    if _has(key, rep["monthly"]) or period.cumulative is False:
        return "monthly"
    return None


def classify_heading(text: str, layout: Layout, *, where: str = "", file: str | None = None) -> Heading:
    """The kind of a report column from its heading (see config/actuals_layout.toml for the words)."""
    key = cell_key(text)
    if not key:
        return Heading(text, None)
    rep = layout.report
    if key in rep["area"]:
        return Heading(text, "area")
    if key in rep["unit"]:
        return Heading(text, "unit")
    if key in rep["chain"]:
        return Heading(text, "chain")
    if key in rep["label"]:
        return Heading(text, "label")
    if _has(key, rep["ignored"]):
        return Heading(text, "ignored")
    period = find_period(text, where=where, file=file)
    unit = unit_in(text, layout)
    lab = read_label(text, layout)
    indicator = lab.indicator  # a plan's indicator, or 'other' (利润总额 over its columns: not tracked)
    if _has(key, rep["yoy"]) or "%" in key:
        return Heading(text, "yoy", period, None, _of(key, period, rep), indicator)
    if _has(key, rep["prior_year"]):
        return Heading(text, "prior", period, unit, _of(key, period, rep), indicator)
    if _has(key, rep["cumulative"]) or period.cumulative:  # 本月止累计 is cumulative
        return Heading(text, "cumulative", Period(period.year, period.month, True), unit, None, indicator)
    if _has(key, rep["monthly"]):
        return Heading(text, "monthly", Period(period.year, period.month, False), unit, None, indicator)
    if period.month is not None:  # "9月": that one month
        return Heading(text, "monthly", Period(period.year, period.month, False), unit, None, indicator)
    return Heading(text, None, period, unit, None, indicator)


@dataclass
class SheetEntries:
    """One table read (a sheet holds one or several): its entries (one per value cell or per structural row) and
    how it was read. ``table``: 1, 2 … when a sheet or page holds several tables, else 0."""

    file: str
    sheet: str
    layout: str  # 'report' or 'tidy'
    entries: list[dict]
    info: dict = field(default_factory=dict)
    table: int = 0

    @property
    def where(self) -> str:
        """``sheet`` and ``table k`` as a summary names them ('' for a one-table CSV)."""
        parts = [self.sheet] if self.sheet else []
        if self.table:
            parts.append(f"table {self.table}")
        return ", ".join(parts)
