"""Presentation schema: every column a person sees declares its unit and number format here, once.

A :class:`Unit` says how a value is shown (亿元 with 1 decimal, 户 as an integer, a fraction as % …) and how
to read the shown text back (tests do that). :data:`COLUMNS` declares, for every column name the analytics
layer returns, its Chinese header and unit (or that it is hidden). :func:`chainplan_lib.present.tables.to_html`
refuses a visible column without a declaration (:class:`UndeclaredColumn`): units are declared, not guessed
from names.

A column whose unit depends on the row (a ``value`` column holding 亿元 for revenue rows and 户 for
enterprise rows) is declared with :class:`ByRow`, keyed by another column (``indicator``).

Every cell :func:`~chainplan_lib.present.tables.to_html` writes carries ``data-unit`` (the unit key) and,
for numbers, ``data-value`` (the value shown, at full precision where no display rounding applies), so a test can
check each shown value against its declaration.

**Display rounding** — one rule for every table and chart label that prints parts beside their whole, or a
difference beside the two values it is the difference of:

* parts of a whole (area shares of a chain, shares of an increase, shift-share components of a change) are rounded
  by the largest-remainder method (:func:`round_parts`), so the printed parts add up to the printed whole
  (shares to 100.0%, components to the printed change) — a part moves by at most one unit in the last shown digit,
  and equal parts stay equal where the whole allows it;
* a difference is the difference of the printed values (:func:`printed_difference`): 17.8% and 16.2% are
  shown with +1.6 百分点, not with the +1.5 of the unrounded rates.

:data:`DIFFERENCES` and :data:`PARTS_OF` declare where analytics columns follow the rule;
:func:`chainplan_lib.present.tables.present` applies them. Negative numbers are written with the ASCII
hyphen-minus ("-1.5"), in tables and in text alike (:data:`MINUS`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple

from ..errors import ChainplanError
from ..rounding import half_up

__all__ = ["Unit", "ByRow", "Column", "Marked", "Range", "PERCENT", "PERCENT0", "UndeclaredColumn", "COLUMNS", "UNITS", "YI", "YI0", "YI_SIGNED", "HU",
           "HU_SIGNED", "PCT", "PCT2", "PCT0",
           "PP", "YEAR", "MONTH", "LINE", "RATIO", "HHI", "N_AREAS", "N_EQUIV", "ROWS", "COUNT", "TEXT", "FLAG", "BY_INDICATOR", "BY_INDICATOR_SIGNED",
           "column", "header", "is_missing", "MINUS", "shown_number", "round_parts", "round_shares",
           "printed_difference", "DIFFERENCES", "PARTS_OF"]

MISSING = "—"
#: The one minus sign of numbers on every page, in tables and in text (never U+2212 before a digit).
MINUS = "-"


class UndeclaredColumn(ChainplanError):
    """A column would reach a reader without a declared unit (declare it in present/units.py)."""


class Marked(NamedTuple):
    """A value shown with a mark after it (``320.0†`` for an imputed target); ``mark`` alone when value is NaN."""

    value: Any
    mark: str


class Range(NamedTuple):
    """Two values of one unit shown as ``lo–hi`` (a prediction interval); '—' when either is missing."""

    lo: Any
    hi: Any


def is_missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(v, float) and math.isnan(v)


@dataclass(frozen=True)
class Unit:
    """How one kind of quantity is shown.

    key: short name written into ``data-unit``; label: the unit in the column header (亿元, 户, %, 百分点, or ""
    for none); digits: decimals (None: text); scale: multiplier before showing (100 for fractions as %);
    suffix: written after each number (``%``); signed: always show + or −; grouping: thousands separators.
    """

    key: str
    label: str = ""
    digits: int | None = 0
    scale: float = 1.0
    suffix: str = ""
    signed: bool = False
    grouping: bool = True
    words: tuple[str, str] | None = None  # (true, false) for flags

    @property
    def numeric(self) -> bool:
        return self.digits is not None

    def format(self, v: Any) -> str:
        if isinstance(v, Range):
            return MISSING if is_missing(v.lo) or is_missing(v.hi) else f"{self.format(v.lo)}–{self.format(v.hi)}"
        if isinstance(v, Marked):
            return (MISSING if is_missing(v.value) and not v.mark else
                    (v.mark if is_missing(v.value) else self.format(v.value) + v.mark))
        if is_missing(v):
            return MISSING
        if self.words is not None:
            return self.words[0] if bool(v) else self.words[1]
        if not self.numeric:
            return str(v)
        x = half_up(float(v) * self.scale, self.digits)   # 四舍五入: 56.25 % → 56.3 %, not Python's 56.2 %
        zero = x == 0
        if zero:
            x = 0.0  # no "-0.0", and a difference that rounds to nothing has no sign ("0.0", not "+0.0")
        spec = f"{'+' if self.signed and not zero else ''}{',' if self.grouping else ''}.{self.digits}f"
        return f"{x:{spec}}{self.suffix}"

    def parse(self, shown: str) -> float | None:
        """The number a shown cell stands for (in the frame's own scale), or None for '—'. For tests."""
        s = shown.strip()
        if s == MISSING:
            return None
        s = re.sub(r"[†*]$", "", s)
        if self.suffix and s.endswith(self.suffix):
            s = s[: -len(self.suffix)]
        return float(s.replace(",", "").replace("+", "")) / self.scale

    def matches(self, shown: str, value: float) -> bool:
        """Whether ``shown`` is ``value`` shown in this unit (exact to the declared decimals)."""
        return shown.strip() == self.format(value)


@dataclass(frozen=True)
class ByRow:
    """A column whose unit depends on another column of the same row (e.g. the indicator).

    A key not listed that names its unit in brackets — an indicator label as tables show it, ``税收（亿元）``
    for a plan's third indicator — takes that unit (亿元 or 户; ``signed`` for differences)."""

    key_column: str
    units: Mapping[str, Unit] = field(default_factory=dict)
    signed: bool = False

    def on(self, key_column: str) -> "ByRow":
        """The same units keyed by another column name (after a table renamed it)."""
        return ByRow(key_column, self.units, self.signed)

    def unit_for(self, key: Any) -> Unit:
        try:
            return self.units[key]
        except KeyError:
            m = re.search(r"（([^（）]+)）$", str(key))
            named = _BY_NAME_SIGNED if self.signed else _BY_NAME
            if m and m.group(1) in named:
                return named[m.group(1)]
            raise UndeclaredColumn(f"no unit declared for rows with {self.key_column}={key!r}") from None


@dataclass(frozen=True)
class Column:
    """A declared column: its Chinese header (None: never shown) and its unit."""

    header: str | None
    unit: Unit | ByRow | None = None


# ------------------------------------------------------------------------------------------------ units
YI = Unit("yi", "亿元", 1)                         # money, 亿元, 1 decimal
YI0 = Unit("yi0", "亿元", 0)                        # money where only the magnitude matters (assumption tables)
YI_SIGNED = Unit("yi_signed", "亿元", 1, signed=True)  # a change or component in 亿元 (+1.5, -0.3, 0.0)
HU_SIGNED = Unit("hu_signed", "户", 0, signed=True)    # a change in the number of firms
PERCENT = Unit("percent", "%", 1, grouping=False)   # a value already in percent (97.4 = 97.4 %); header says （%）
PERCENT0 = Unit("percent0", "%", 0, grouping=False)  # … without decimals (coverage rates of a handful of cases)
HU = Unit("hu", "户", 0)                            # enterprises, integers
PCT = Unit("pct", "%", 1, scale=100, suffix="%", grouping=False)     # a fraction shown as %
PCT2 = Unit("pct2", "%", 2, scale=100, suffix="%", grouping=False)   # … with 2 decimals
PCT0 = Unit("pct0", "%", 0, scale=100, suffix="%", grouping=False)   # … in whole percents (chart labels, text)
PP = Unit("pp", "百分点", 1, signed=True)         # a difference of rates, percentage points
YEAR = Unit("year", "", 0, grouping=False)
MONTH = Unit("month", "月", 0, grouping=False)
LINE = Unit("line", "", 0, grouping=False)         # a line number in a source file
RATIO = Unit("ratio", "", 2)                        # dimensionless ratio (location quotient)
HHI = Unit("hhi", "", 0)                            # Herfindahl–Hirschman index, 0–10000
N_AREAS = Unit("n_areas", "个", 0)                  # a count of areas
N_EQUIV = Unit("n_equiv", "个", 2)                  # an equivalent number of areas (1 / HHI)
ROWS = Unit("rows", "行", 0)                        # rows of an input file
COUNT = Unit("count", "个", 0)                      # a count of things (cells, checks …)
TEXT = Unit("text", "", None)
FLAG = Unit("flag", "", None, words=("是", "否"))
UNITS = {u.key: u for u in (YI, YI0, YI_SIGNED, HU, HU_SIGNED, PERCENT, PERCENT0, PCT, PCT2, PCT0, PP, YEAR, MONTH, LINE, RATIO, HHI,
                            N_AREAS, N_EQUIV, ROWS, COUNT, TEXT, FLAG)}

#: Values of an ``indicator`` column (raw code or the Chinese label tables show) → unit.
BY_INDICATOR = ByRow("indicator", {"revenue": YI, "enterprises": HU, "营业收入（亿元）": YI, "规上户数（户）": HU,
                                   "营业收入": YI, "规上户数": HU})
#: The same for signed differences (实际 − 目标).
BY_INDICATOR_SIGNED = ByRow("indicator", {k: (YI_SIGNED if u is YI else HU_SIGNED)
                                          for k, u in BY_INDICATOR.units.items()}, signed=True)
#: A unit named in an indicator label's brackets (``税收（亿元）``) → how its values are shown.
_BY_NAME = {"亿元": YI, "户": HU}
_BY_NAME_SIGNED = {"亿元": YI_SIGNED, "户": HU_SIGNED}

# ---------------------------------------------------------------------------------------------- columns
#: English column names of analytics frames → (Chinese header, unit). ``Column(None)``: never shown.
COLUMNS: dict[str, Column] = {
    # identifiers and labels
    "chain": Column("产业链", TEXT), "chain_id": Column(None), "area": Column("区域", TEXT),
    "indicator": Column("指标", TEXT), "kind": Column("类型", TEXT), "check": Column("核对", TEXT),
    "status": Column("结果", TEXT), "detail": Column("说明", TEXT), "top_area": Column("最大区域", TEXT),
    "file": Column(None), "what": Column("问题", TEXT), "action": Column("处理", TEXT), "why": Column("依据", TEXT),
    "line": Column("原文行号", LINE),
    # years
    "year": Column("年份", YEAR), "start_year": Column("起始年", YEAR), "end_year": Column("终止年", YEAR),
    "actual_year": Column("实际年份", YEAR), "target_year": Column("目标年份", YEAR), "month": Column("截至月份", MONTH),
    # values whose unit is the indicator's
    "value": Column("数值", BY_INDICATOR), "start_value": Column("起始值", BY_INDICATOR),
    "end_value": Column("终止值", BY_INDICATOR), "actual": Column("实际", BY_INDICATOR),
    "target": Column("目标", BY_INDICATOR), "gap": Column("差额", BY_INDICATOR_SIGNED),
    "expected": Column("应为", BY_INDICATOR), "difference": Column("差额", BY_INDICATOR_SIGNED),
    # rates (fractions → %)
    "yoy": Column("同比增长", PCT), "cagr": Column("年均增长率", PCT), "planned_cagr": Column("规划年均增长", PCT),
    "required_cagr": Column("所需年均增长", PCT), "completion_rate": Column("完成率", PCT),
    "time_progress": Column("时间进度", PCT), "plan_progress": Column("规划增量完成度", PCT),
    "plan_time_progress": Column("规划期时间进度", PCT), "share": Column("占比", PCT),
    "share_start": Column("起始占比", PCT), "share_end": Column("终止占比", PCT), "top_share": Column("最大区域占比", PCT),
    "top2_share": Column("前两位合计占比", PCT),
    "weight": Column("基年权重", PCT), "growth": Column("累计增长", PCT),
    "contribution": Column("贡献（权重×增长）", PCT), "share_of_growth": Column("占增量比重", PCT),
    # differences of rates
    "extra_pp": Column("需多增", PP), "change_pp": Column("占比变化", PP),
    # money, 亿元
    "base_yi": Column("基年", YI), "target_yi": Column("目标", YI), "threshold_yi": Column("门槛", YI),
    "revenue_yi": Column("营业收入", YI), "total": Column("合计", BY_INDICATOR),
    "value_start": Column("起始值", YI), "value_end": Column("终止值", YI), "change": Column("实际增量", YI_SIGNED),
    "district_growth": Column("全区增长分量", YI_SIGNED), "chain_mix": Column("产业结构分量", YI_SIGNED),
    "area_specific": Column("区域竞争分量", YI_SIGNED),
    # counts, 户
    "enterprises": Column("规上户数", HU), "target_above": Column("目标户数", HU),
    "actual_above": Column("实际户数", HU), "target_in_band": Column("目标档内户数", HU),
    "actual_in_band": Column("实际档内户数", HU),
    # other
    "ahead": Column("快于时间进度", FLAG), "n_areas": Column("有数据区域数", N_AREAS),
    "hhi": Column("HHI（0–10000）", HHI), "hhi_fraction": Column(None), "equivalent_areas": Column("等效区域数", N_EQUIV),
    "lq": Column("区位商", RATIO),
    "area_total": Column(None), "chain_share_of_area": Column(None), "chain_share_of_district": Column(None),
    "reference_share": Column("参照经济中该链比重", PCT), "attainment_rate": Column("达成度", PCT),
    "hhi_min": Column("HHI最小可能值", HHI), "top_tied": Column("并列最大区域数", N_AREAS),
    # rounding bounds of the shift-share components and share changes: used to mark "在取整误差内", never shown
    "district_growth_bound": Column(None), "chain_mix_bound": Column(None), "area_specific_bound": Column(None),
    "change_pp_bound": Column(None), "change_bound": Column(None),
}


#: Columns shown as the difference of two other columns of the same table — (minuend, subtrahend) — computed
#: from the printed values when all three are shown (17.8% − 16.2% → +1.6, not +1.5).
DIFFERENCES: dict[str, tuple[str, str]] = {
    "extra_pp": ("required_cagr", "planned_cagr"), "change_pp": ("share_end", "share_start"),
    "gap": ("actual", "target"), "difference": ("actual", "expected"), "change": ("value_end", "value_start"),
}
#: Columns whose rows are parts of a whole (the whole in the frame's own scale: 1.0 = 100%), shown so that the
#: printed parts add up to the printed whole (:func:`round_parts`).
PARTS_OF: dict[str, float] = {"share_of_growth": 1.0, "weight": 1.0}


def column(name: str) -> Column:
    """The declaration of an analytics column; :class:`UndeclaredColumn` if there is none."""
    try:
        return COLUMNS[name]
    except KeyError:
        raise UndeclaredColumn(f"column {name!r} has no declared header and unit: add it to "
                               "chainplan_lib/present/units.py COLUMNS") from None


def header(text: str, unit: Unit | ByRow | None) -> str:
    """``text`` with its unit in full-width brackets (亿元, 户, 百分点 …) unless it already names one."""
    if not isinstance(unit, Unit) or not unit.label or unit.label in ("%",):
        return text
    if f"（{unit.label}" in text or f"({unit.label}" in text:
        return text
    return f"{text}（{unit.label}）"


# ------------------------------------------------------------------------------------------ display rounding
def shown_number(v: Any, unit: Unit) -> float:
    """The number a reader sees for ``v`` in ``unit``, back in the frame's own scale (YI 360.48956 → 360.5,
    PCT 0.17839 → 0.178); NaN for a missing value."""
    if isinstance(v, Marked):
        v = v.value
    if is_missing(v):
        return math.nan
    got = unit.parse(unit.format(v))
    return math.nan if got is None else got


def _units(x: float, unit: Unit) -> float:
    """``x`` (frame scale) in units of the last shown digit: YI 360.5 → 3605.0, PCT 0.178 → 178.0."""
    return round(float(x) * unit.scale * 10 ** (unit.digits or 0), 6)


def round_parts(parts, whole: float | None = None, unit: Unit = YI) -> list[float]:
    """``parts`` rounded for display so that the printed parts add up to the printed ``whole`` (default: their sum).

    Largest-remainder (Hamilton) rounding in the unit's last shown digit: each part is rounded down, then the
    parts with the largest remainders are rounded up until the parts reach the whole as printed; parts that are
    equal go up together (so two equal parts never print differently) — among the choices that keep them together,
    the one with the largest total remainder — unless no such choice reaches the whole (three equal thirds). Signed parts
    (shift-share components) are rounded the same way. Values come back in the frame's own scale, ready for
    :meth:`Unit.format` (PCT: fractions). A part that is exact at the shown precision never moves.

    When ``whole`` is not the sum of the parts at full precision (the printed difference of two printed values,
    say), rounding each part up or down may not reach it: what is left over goes to the largest part in absolute
    value (it moves least relatively). NaN anywhere: the parts come back unchanged. Example: shares 59.46%,
    39.19%, 1.35% of 100% → 60, 39, 1 at whole percents (conventional rounding prints 59 + 39 + 1 = 99).
    """
    vals = [float(p.value if isinstance(p, Marked) else p) for p in parts]
    if not vals or any(math.isnan(v) for v in vals):
        return vals
    total = sum(vals) if whole is None else float(whole)
    if math.isnan(total):
        return vals
    scale = unit.scale * 10 ** (unit.digits or 0)
    x = [_units(v, unit) for v in vals]
    target = int(round(_units(shown_number(total, unit), unit)))
    base = [math.floor(v) for v in x]
    rem = [v - b for v, b in zip(x, base)]
    need = target - sum(base)
    up = [0] * len(x)
    candidates = [i for i in range(len(x)) if rem[i] > 1e-9]
    # groups of equal parts, largest remainder first (then the larger part, then the order given); choose whole
    # groups whose sizes make up exactly what is needed, with the largest total remainder (a small knapsack), so
    # that equal parts print equal whenever some choice allows it
    groups: dict[float, list[int]] = {}
    for i in candidates:
        groups.setdefault(x[i], []).append(i)
    order = sorted(groups.values(), key=lambda g: (-rem[g[0]], -abs(x[g[0]]), g[0]))
    if 0 < need <= len(candidates):
        best: dict[int, tuple[float, tuple[int, ...]]] = {0: (0.0, ())}
        for k, g in enumerate(order):
            for size, (score, chosen) in sorted(best.items(), reverse=True):
                s2 = size + len(g)
                if s2 <= need:
                    cand = (score + rem[g[0]] * len(g), chosen + (k,))
                    if s2 not in best or cand[0] > best[s2][0] + 1e-12:
                        best[s2] = cand
        if need in best:
            for k in best[need][1]:
                for i in order[k]:
                    up[i] = 1
            need = 0
    for i in sorted(candidates, key=lambda i: (-rem[i], -abs(x[i]), i)):  # only a whole that splits equal parts
        if need <= 0:
            break
        if not up[i]:
            up[i] = 1
            need -= 1
    out = [b + u for b, u in zip(base, up)]
    if need != 0:  # the whole is not the parts' sum: the rest on the largest part
        k = max(range(len(x)), key=lambda i: (abs(x[i]), -i))
        out[k] += need
    return [v / scale for v in out]


def round_shares(values, unit: Unit | None = None) -> list[float]:
    """Shares (fractions of 1) rounded so that the printed shares add up to 100% (:func:`round_parts`, whole 1).

    ``unit``: :data:`PCT` (one decimal, the default) or :data:`PCT0` (whole percents, chart labels)."""
    return round_parts(values, 1.0, PCT if unit is None else unit)


def printed_difference(a: Any, b: Any, unit: Unit) -> float:
    """``a − b`` as the difference of the printed values, in the unit's shown scale (for PCT rates: percentage
    points; for YI: 亿元): 0.17839 and 0.16248 in PCT print 17.8% and 16.2% → 1.6 (not 1.59). NaN if either is
    missing."""
    x, y = shown_number(a, unit), shown_number(b, unit)
    if math.isnan(x) or math.isnan(y):
        return math.nan
    d = unit.digits or 0
    return round(round(x * unit.scale, d) - round(y * unit.scale, d), d)
