"""Progress against the year's target and against 时序进度, and the sentence every progress report needs.

For a year and month N (1—N月) and each series (the plan's chains, ``all`` = their sum, ``industry`` = all
above-size industry, 规上工业), by area where the data is by town:

* ``cumulative_yi`` — the 1—N月 figure (亿元, as published);
* ``yoy_pct`` — 同比增长 (%) on 可比口径 (comparable basis, the statistics office's own: the same firms in both
  years): as published for a chain and for 规上工业 (``yoy_source`` ``published``); for ``all``, which no office
  publishes, computed from its parts' published rates — Σ本期 ÷ Σ[本期 ÷ (1 + 公布增速)] − 1 (``comparable``) —
  so that the sum's growth is on the same basis as its parts'. Only where a part has no published rate is it
  computed from last year's level (``levels``, marked in tables: levels follow each year's above-size list);
* ``target_yi`` — the year's target: the annex table's 全区 (or area) revenue for a chain, the chains' targets'
  sum for ``all``. **规上工业 has none**: the plan sets a *rate* for it ("年均增长10%左右"), not a level, so it is
  judged by its published growth against that rate (``goal_pct``, ``goal_gap_pp``), never by a 完成率 against an
  invented level;
* ``completion_pct`` = cumulative ÷ target × 100 (完成年度目标 %);
* ``time_progress_pct`` (时序进度) — N/12 × 100 (``basis="calendar"``, the convention); with ``basis="seasonal"``
  the previous years' average share of the full year reached by month N; ``usual_share_pct`` is that share
  whatever the basis (往年同期一般完成全年的 X% 左右: the seasonal context a reader needs beside N/12);
* ``ahead_pp`` = completion_pct − time_progress_pct, percentage points (> 0: 快于时序进度);
* ``chained_pct`` — growth since the plan's base year on 可比口径: the published 1—N月 rates of each year after
  the base year chained (``chained_years`` years), and ``chained_annual_pct`` its yearly average.

The sentence (:func:`progress_sentence`) rounds W = |ahead_pp| to one decimal as it prints it and says
快于 / 慢于 时序进度 W 个百分点; when the printed W is 0.0 it says 与时序进度持平 (never "快于 0.0 个百分点"). At
1—12月 the year is over: it says 超额完成 / 未完成年度目标, not 快于时序进度.
"""

from __future__ import annotations

import math

import pandas as pd

from ..errors import ParameterError
from ..plan.model import TOTAL, Plan
from ..plan.names import INDUSTRY_ID
from . import growth
from .monthly import ALL, complete_years, cumulative_table, published_yoy, series_ids, series_name

__all__ = ["PROGRESS_COLUMNS", "period_label", "time_progress_pct", "usual_share_pct", "year_target",
           "progress_table", "progress_sentence", "ahead_phrase", "required_growth", "REQUIRED_COLUMNS",
           "industry_growth_rate", "progress_by_area", "sentences", "comparable_yoy", "goal_phrase"]

DISTRICT = TOTAL
PROGRESS_COLUMNS = ["chain_id", "name", "area", "year", "month", "cumulative_yi", "yoy_pct", "yoy_source",
                    "target_yi", "target_basis", "completion_pct", "time_progress_pct", "time_basis", "ahead_pp",
                    "usual_share_pct", "goal_pct", "goal_gap_pp", "chained_pct", "chained_years",
                    "chained_annual_pct"]
REQUIRED_COLUMNS = ["chain_id", "name", "year", "month", "target_yi", "remaining_yi", "remaining_months",
                    "monthly_needed_yi", "last_year_same_months_yi", "required_yoy_pct", "ytd_yoy_levels_pct",
                    "ytd_yoy_pct", "full_year_yi", "full_year_published", "target_year", "target_final_yi",
                    "required_cagr_pct", "planned_cagr_pct"]
USUAL_YEARS = 3   # 往年同期: the previous three complete years


def period_label(month: int) -> str:
    """1—N月 (1—2月 for month 2; 1月 for January alone)."""
    return "1月" if month == 1 else f"1—{month}月"


def industry_growth_rate(plan: Plan) -> float:
    """The plan's yearly growth for all above-size industry (0.10: “年均增长10%左右”), from the plan file
    (``[plan] overall_growth``); NaN when the plan sets none."""
    return float(plan.overall_growth) if plan.overall_growth is not None else math.nan


def usual_share_pct(table: pd.DataFrame, year: int, month: int, years_back: int = USUAL_YEARS) -> float:
    """The share of the full year reached by month N in the previous ``years_back`` complete years, averaged
    (%); NaN without history."""
    past = [y for y in complete_years(table, before=year) if pd.notna(table.loc[y, month])][-years_back:]
    if not past:
        return math.nan
    return float((table.loc[past, month] / table.loc[past, 12]).mean() * 100)


def time_progress_pct(table: pd.DataFrame, year: int, month: int, basis: str = "calendar",
                      years_back: int = USUAL_YEARS) -> tuple[float, str]:
    """时序进度 for 1—N月, in %, and the basis used ('calendar' N/12, or 'seasonal' past years' average share)."""
    if basis not in ("calendar", "seasonal"):
        raise ParameterError(f"basis={basis!r} must be 'calendar' (N/12) or 'seasonal' (past years' share)")
    calendar = growth.time_progress(int(month)) * 100
    if basis == "calendar" or month == 12:
        return calendar, "calendar"
    usual = usual_share_pct(table, year, month, years_back)
    return (calendar, "calendar") if math.isnan(usual) else (usual, "seasonal")


def _target_table(targets: pd.DataFrame | None, area: str, indicator: str) -> pd.DataFrame:
    if targets is None:
        return pd.DataFrame(columns=["chain_id", "year", "value"])
    t = targets[(targets["area"] == area) & (targets["indicator"] == indicator)]
    return t[["chain_id", "year", "value"]]


def year_target(targets: pd.DataFrame | None, series: str, year: int, area: str = DISTRICT,
                indicator: str = "revenue", *, plan: Plan) -> tuple[float, str]:
    """(target 亿元, basis in Chinese) of a series for ``year``; NaN with the reason when there is none.

    规上工业 has no level target: the plan sets it a growth rate (see :func:`goal_phrase`)."""
    if series == INDUSTRY_ID:
        rate = industry_growth_rate(plan)
        if not math.isfinite(rate):
            return math.nan, "方案未设规上工业增长目标"
        return math.nan, f"方案设增速目标（年均增长{rate:.0%}{plan.overall_qualifier}），不设总量目标"
    t = _target_table(targets, area, indicator)
    t = t[t["year"] == year]
    if series == ALL:
        v = t[t["chain_id"].isin(plan.chain_ids)]
        if v["chain_id"].nunique() < len(plan.chain_ids) or v["value"].isna().any():
            return math.nan, "无目标"
        return float(v["value"].sum()), f"{plan.table_section}各链目标之和"
    v = t[t["chain_id"] == series]["value"].dropna()
    return (float(v.iloc[0]), f"{plan.table_section}目标") if len(v) else (math.nan, "无目标")


def comparable_yoy(actuals: pd.DataFrame, year: int, month: int, area: str = DISTRICT, indicator: str = "revenue",
                   *, plan: Plan) -> float:
    """同比 of the plan's chains' sum on 可比口径, from each chain's published 1—N月 rate:
    Σ本期 ÷ Σ[本期 ÷ (1 + 公布增速)] − 1, in %. NaN when a chain lacks its figure or its published rate."""
    now = base = 0.0
    for c in plan.chain_ids:
        v = cumulative_table(actuals, c, area, indicator, plan=plan)
        if year not in v.index or pd.isna(v.loc[year, month]):
            return math.nan
        g = published_yoy(actuals, c, year, month, area, indicator)
        if not math.isfinite(g) or g <= -100:
            return math.nan
        cur = float(v.loc[year, month])
        now, base = now + cur, base + cur / (1 + g / 100)
    return (now / base - 1) * 100 if base > 0 else math.nan


def _yoy(actuals: pd.DataFrame, table: pd.DataFrame, series: str, year: int, month: int, area: str,
         indicator: str, plan: Plan) -> tuple[float, str | None]:
    pub = published_yoy(actuals, series, year, month, area, indicator)
    if math.isfinite(pub):
        return pub, "published"
    if series == ALL:
        comp = comparable_yoy(actuals, year, month, area, indicator, plan=plan)
        if math.isfinite(comp):
            return comp, "comparable"
    if year - 1 in table.index and pd.notna(table.loc[year - 1, month]) and table.loc[year - 1, month] > 0:
        return float((table.loc[year, month] / table.loc[year - 1, month] - 1) * 100), "levels"
    return math.nan, None


def _chained(actuals: pd.DataFrame, series: str, year: int, month: int, area: str, indicator: str,
             plan: Plan) -> tuple[float, int, float]:
    """Growth of 1—N月 ``year`` over 1—N月 of the plan's base year on 可比口径 (the published rates chained),
    the number of years, and the yearly average; NaNs where a year's rate is missing."""
    years = list(range(plan.base_year + 1, year + 1))
    if not years:
        return math.nan, 0, math.nan
    factor = 1.0
    for y in years:
        g = (comparable_yoy(actuals, y, month, area, indicator, plan=plan) if series == ALL
             else published_yoy(actuals, series, y, month, area, indicator))
        if not math.isfinite(g):
            return math.nan, len(years), math.nan
        factor *= 1 + g / 100
    return (factor - 1) * 100, len(years), (factor ** (1 / len(years)) - 1) * 100


def progress_table(actuals: pd.DataFrame, targets: pd.DataFrame | None, year: int, month: int,
                   area: str = DISTRICT, series=None, basis: str = "calendar", indicator: str = "revenue",
                   years_back: int = USUAL_YEARS, *, plan: Plan) -> pd.DataFrame:
    """One row per series with a 1—N月 figure: PROGRESS_COLUMNS (see the module docstring). ``series``: ids
    (default: every chain of the plan, ``all`` and ``industry``)."""
    rows = []
    goal = industry_growth_rate(plan) * 100
    for s in (series_ids(plan) if series is None else series):
        table = cumulative_table(actuals, s, area, indicator, plan=plan)
        if year not in table.index or pd.isna(table.loc[year, month]):
            continue
        cum = float(table.loc[year, month])
        yoy, src = _yoy(actuals, table, s, year, month, area, indicator, plan)
        target, tbasis = year_target(targets, s, year, area, indicator, plan=plan)
        tp, tp_basis = time_progress_pct(table, year, month, basis, years_back)
        completion = cum / target * 100 if math.isfinite(target) and target > 0 else math.nan
        is_industry = s == INDUSTRY_ID
        chained, n_years, annual = _chained(actuals, s, year, month, area, indicator, plan)
        rows.append({"chain_id": s, "name": series_name(s, plan), "area": area, "year": year, "month": month,
                     "cumulative_yi": cum, "yoy_pct": yoy, "yoy_source": src, "target_yi": target,
                     "target_basis": tbasis, "completion_pct": completion,
                     "time_progress_pct": math.nan if is_industry else tp,
                     "time_basis": tp_basis, "ahead_pp": completion - tp,
                     "usual_share_pct": usual_share_pct(table, year, month, years_back) if month < 12 else math.nan,
                     "goal_pct": goal if is_industry else math.nan,
                     "goal_gap_pp": (round(yoy, 1) - round(goal, 1)) if is_industry else math.nan,
                     "chained_pct": chained, "chained_years": n_years, "chained_annual_pct": annual})
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def progress_by_area(actuals: pd.DataFrame, targets: pd.DataFrame | None, year: int, month: int,
                     series=None, basis: str = "calendar", indicator: str = "revenue", *,
                     plan: Plan) -> pd.DataFrame:
    """:func:`progress_table` for 全区 and every town the data is published for (area targets from the annex
    table), towns in the plan's order."""
    order = {a: k for k, a in enumerate(plan.areas_with_total)}
    areas = sorted((a for a in dict.fromkeys([DISTRICT, *actuals["area"]])
                    if ((actuals["area"] == a) & (actuals["year"] == year)).any()),
                   key=lambda a: order.get(a, len(order)))
    parts = [progress_table(actuals, targets, year, month, a, series, basis, indicator, plan=plan) for a in areas]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PROGRESS_COLUMNS)


# --------------------------------------------------------------------------------------------- sentences
def ahead_phrase(ahead_pp: float) -> str:
    """快于时序进度 W 个百分点 / 慢于… / 与时序进度持平, W rounded to 0.1 as printed (0.0 → 持平)."""
    w = f"{abs(ahead_pp):.1f}"
    if w == "0.0":
        return "与时序进度持平"
    return f"{'快于' if ahead_pp > 0 else '慢于'}时序进度 {w} 个百分点"


def _yoy_phrase(yoy: float) -> str:
    w = f"{abs(yoy):.1f}"
    if w == "0.0":
        return "与上年同期持平"
    return f"同比{'增长' if yoy > 0 else '下降'} {w}%"


def goal_phrase(yoy: float, goal: float, qualifier: str = "左右") -> str:
    """规上工业's growth against the plan's rate, on the printed figures: 高于（低于）“年均增长10%左右”目标 0.4 个百分点 /
    与目标持平."""
    gap = round(yoy, 1) - round(goal, 1)
    w = f"{abs(gap):.1f}"
    aim = f"“年均增长{goal:.0f}%{qualifier}”目标"
    if w == "0.0":
        return f"与{aim}持平"
    return f"{'高于' if gap > 0 else '低于'}{aim} {w} 个百分点"


def _completion_clause(completion_pct: float, ahead_pp: float, month: int) -> list[str]:
    if not math.isfinite(completion_pct):
        return []
    done = f"完成年度目标的 {completion_pct:.1f}%"
    if month == 12:  # the year is over: the bureau's words, not 时序进度
        gap = round(completion_pct, 1) - 100
        if gap >= 0:
            return [f"{done}，超额完成年度目标" if gap > 0 else f"{done}，完成年度目标"]
        return [f"{done}，未完成年度目标（差 {abs(gap):.1f} 个百分点）"]
    return [done, ahead_phrase(ahead_pp)] if math.isfinite(ahead_pp) else [done]


def progress_sentence(name: str, month: int, cumulative_yi: float, yoy_pct: float = math.nan,
                      completion_pct: float = math.nan, ahead_pp: float = math.nan, *, series: str | None = None,
                      area: str = DISTRICT, indicator: str = "营业收入", unit: str = "亿元",
                      usual_share_pct: float = math.nan, goal_pct: float = math.nan, qualifier: str = "左右",
                      year: int | None = None, chained_annual_pct: float = math.nan, chained_years: int = 0,
                      chained_pct: float = math.nan) -> str:
    """“1—9月，现代针纺产业链营业收入完成 X 亿元，同比增长 Y%，完成年度目标的 Z%，快于（慢于）时序进度 W 个百分点
    （往年同期一般完成全年的 U% 左右）。”; at 1—12月 “2024年，…营业收入 X 亿元，同比增长 Y%，完成年度目标的 Z%，
    超额完成年度目标。”; 规上工业 “…同比增长 10.4%，高于“年均增长10%左右”目标 0.4 个百分点。”

    Clauses without a number (no growth, no target) are left out; a chain's name gets 产业链.
    """
    is_chain = series not in (ALL, INDUSTRY_ID) if series is not None else not name.endswith(("工业", "合计"))
    who = f"{name}产业链" if is_chain else name
    where = "" if area == DISTRICT else area
    when = f"{year}年" if month == 12 and year is not None else f"{period_label(month)}"
    verb = "" if month == 12 else "完成"
    parts = [f"{when}，{where}{who}{indicator}{verb} {cumulative_yi:,.1f} {unit}"]
    if math.isfinite(yoy_pct):
        parts.append(_yoy_phrase(yoy_pct))
        if math.isfinite(goal_pct):
            parts.append(goal_phrase(yoy_pct, goal_pct, qualifier))
            if chained_years >= 2 and math.isfinite(chained_annual_pct) and year is not None:
                since = year - chained_years
                parts.append(f"比{since}年同期累计增长 {chained_pct:.1f}%，年均增长 {chained_annual_pct:.1f}%")
    parts += _completion_clause(completion_pct, ahead_pp, month)
    text = "，".join(parts)
    if month < 12 and math.isfinite(completion_pct) and math.isfinite(usual_share_pct):
        text += f"（往年同期一般完成全年的 {usual_share_pct:.1f}% 左右）"
    return text + "。"


def sentences(table: pd.DataFrame, plan: Plan) -> list[str]:
    """The sentence for each row of :func:`progress_table`."""
    return [progress_sentence(r.name, int(r.month), r.cumulative_yi, r.yoy_pct, r.completion_pct, r.ahead_pp,
                              series=r.chain_id, area=r.area, usual_share_pct=r.usual_share_pct, goal_pct=r.goal_pct,
                              qualifier=plan.overall_qualifier, year=int(r.year), chained_pct=r.chained_pct,
                              chained_annual_pct=r.chained_annual_pct, chained_years=int(r.chained_years))
            for r in table.itertuples()]


# --------------------------------------------------------------------------------------------- required
def required_growth(actuals: pd.DataFrame, targets: pd.DataFrame | None, year: int, month: int,
                    full_year: dict[str, float] | None = None, area: str = DISTRICT, series=None,
                    target_year: int | None = None, indicator: str = "revenue", *, plan: Plan) -> pd.DataFrame:
    """What the rest of the year and the years to ``target_year`` must bring to meet the targets (series with a
    level target only: 规上工业 has a growth goal instead, see :func:`progress_table`).

    Remaining months: ``remaining_yi`` = target − 1—N月; ``required_yoy_pct`` = growth needed over last year's
    same months (N+1—12月), computed from levels (the only way to split a year), so it is set beside
    ``ytd_yoy_levels_pct``, the growth so far computed the same way; ``ytd_yoy_pct`` is the published (可比口径)
    rate, the one quoted. Remaining years: from ``full_year[series]`` (the year's estimate, or at 1—12月 the
    published figure: ``full_year_published``) to the ``target_year`` target, ``required_cagr_pct`` a year,
    against the target path's ``planned_cagr_pct``.
    """
    target_year = plan.target_year if target_year is None else target_year
    rows = []
    for s in (series_ids(plan) if series is None else series):
        if s == INDUSTRY_ID:
            continue
        table = cumulative_table(actuals, s, area, indicator, plan=plan)
        if year not in table.index or pd.isna(table.loc[year, month]):
            continue
        cum = float(table.loc[year, month])
        target, _ = year_target(targets, s, year, area, indicator, plan=plan)
        remaining = target - cum if math.isfinite(target) else math.nan
        ly = table.loc[year - 1] if year - 1 in table.index else None
        ly_rest = float(ly[12] - ly[month]) if ly is not None and pd.notna(ly[12]) and pd.notna(ly[month]) \
            else math.nan
        req_yoy = (remaining / ly_rest - 1) * 100 if month < 12 and ly_rest > 0 else math.nan
        ytd_levels = (cum / float(ly[month]) - 1) * 100 if ly is not None and pd.notna(ly[month]) else math.nan
        ytd, _ = _yoy(actuals, table, s, year, month, area, indicator, plan)
        fy = cum if month == 12 else (full_year or {}).get(s, math.nan)
        final, _ = year_target(targets, s, target_year, area, indicator, plan=plan)
        req_cagr = planned = math.nan
        if year < target_year and math.isfinite(fy) and fy > 0 and math.isfinite(final):
            req_cagr = growth.cagr(fy, final, target_year - year) * 100
            if math.isfinite(target) and target > 0:
                planned = growth.cagr(target, final, target_year - year) * 100
        rows.append({"chain_id": s, "name": series_name(s, plan), "year": year, "month": month, "target_yi": target,
                     "remaining_yi": remaining, "remaining_months": 12 - month,
                     "monthly_needed_yi": remaining / (12 - month) if month < 12 else math.nan,
                     "last_year_same_months_yi": ly_rest, "required_yoy_pct": req_yoy,
                     "ytd_yoy_levels_pct": ytd_levels, "ytd_yoy_pct": ytd, "full_year_yi": fy,
                     "full_year_published": month == 12, "target_year": target_year, "target_final_yi": final,
                     "required_cagr_pct": req_cagr, "planned_cagr_pct": planned})
    return pd.DataFrame(rows, columns=REQUIRED_COLUMNS)
