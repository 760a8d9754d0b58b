"""Progress against the year's target and against 时序进度, and the sentence every progress report needs.

For a year and month N (1—N月) and each series (the plan's chains, ``all`` = their sum, ``industry`` = all
above-size industry, 规上工业), by area where the data is by town:

* ``cumulative_yi`` — the 1—N月 figure (亿元);
* ``yoy_pct`` — 同比增长 (%) as published; where none is published (always for ``all``) it is computed from
  last year's 1—N月 figure and ``yoy_source`` says ``computed``;
* ``target_yi`` — the year's target: the annex table's 全区 (or area) revenue for a chain, the chains' targets'
  sum for ``all``; for ``industry`` the plan sets a rate, not a level ("规上工业营业收入年均增长10%左右"), so
  the target is last year's full-year figure × (1 + that rate) (``target_basis`` says which);
* ``completion_pct`` = cumulative ÷ target × 100 (完成年度目标 %);
* ``time_progress_pct`` (时序进度) — N/12 × 100 by default (``basis="calendar"``); with ``basis="seasonal"`` the
  previous years' average share of the full year reached by month N (which respects the Spring Festival
  and the December peak), falling back to N/12 without history;
* ``ahead_pp`` = completion_pct − time_progress_pct, percentage points (> 0: 快于时序进度).

The sentence (:func:`progress_sentence`) rounds W = |ahead_pp| to one decimal as it prints it and says
快于 / 慢于 时序进度 W 个百分点; when the printed W is 0.0 it says 与时序进度持平 (never "快于 0.0 个百分点").
"""

from __future__ import annotations

import math

import pandas as pd

from ..errors import ParameterError
from ..plan.model import TOTAL, Plan
from ..plan.names import INDUSTRY_ID
from . import growth
from .monthly import ALL, complete_years, cumulative_table, published_yoy, series_ids, series_name

__all__ = ["PROGRESS_COLUMNS", "period_label", "time_progress_pct", "year_target", "progress_table",
           "progress_sentence", "ahead_phrase", "required_growth", "REQUIRED_COLUMNS",
           "industry_growth_rate", "industry_base_year", "progress_by_area", "sentences"]

DISTRICT = TOTAL
PROGRESS_COLUMNS = ["series", "name", "area", "year", "month", "cumulative_yi", "yoy_pct", "yoy_source",
                    "target_yi", "target_basis", "completion_pct", "time_progress_pct", "time_basis", "ahead_pp"]
REQUIRED_COLUMNS = ["series", "name", "year", "month", "target_yi", "remaining_yi", "remaining_months",
                    "monthly_needed_yi", "last_year_same_months_yi", "required_yoy_pct", "ytd_yoy_pct",
                    "full_year_yi", "target_year", "target_final_yi", "required_cagr_pct", "planned_cagr_pct"]


def period_label(month: int) -> str:
    """1—N月 (1—2月 for month 2; 1月 for January alone)."""
    return "1月" if month == 1 else f"1—{month}月"


def industry_growth_rate(plan: Plan) -> float:
    """The plan's yearly growth for all above-size industry (0.10: “年均增长10%左右”), from the plan file
    (``[plan] overall_growth``); NaN when the plan sets none."""
    return float(plan.overall_growth) if plan.overall_growth is not None else math.nan


def time_progress_pct(table: pd.DataFrame, year: int, month: int, basis: str = "calendar",
                      years_back: int = 3) -> tuple[float, str]:
    """时序进度 for 1—N月, in %, and the basis used ('calendar' N/12, or 'seasonal' past years' average share)."""
    if basis not in ("calendar", "seasonal"):
        raise ParameterError(f"basis={basis!r} must be 'calendar' (N/12) or 'seasonal' (past years' share)")
    calendar = growth.time_progress(int(month)) * 100
    if basis == "calendar" or month == 12:
        return calendar, "calendar"
    past = [y for y in complete_years(table, before=year) if pd.notna(table.loc[y, month])][-years_back:]
    if not past:
        return calendar, "calendar"
    return float((table.loc[past, month] / table.loc[past, 12]).mean() * 100), "seasonal"


def _target_table(targets: pd.DataFrame | None, area: str, indicator: str) -> pd.DataFrame:
    if targets is None:
        return pd.DataFrame(columns=["chain_id", "year", "value"])
    t = targets[(targets["area"] == area) & (targets["indicator"] == indicator)]
    return t[["chain_id", "year", "value"]]


def year_target(targets: pd.DataFrame | None, industry_table: pd.DataFrame | None, series: str, year: int,
                area: str = DISTRICT, indicator: str = "revenue", rate: float | None = None,
                base_year: int | None = None, *, plan: Plan) -> tuple[float, str]:
    """(target 亿元, basis in Chinese) of a series for ``year``; NaN with the reason when there is none.

    ``industry``: last year's (or ``base_year``'s, compounded) full-year actual × (1 + the plan's rate).
    """
    if series == INDUSTRY_ID:
        if indicator != "revenue" or industry_table is None:
            return math.nan, "无目标"
        rate = industry_growth_rate(plan) if rate is None else rate
        if not math.isfinite(rate):
            return math.nan, "方案未设规上工业增长目标"
        base = year - 1 if base_year is None else base_year
        if base not in complete_years(industry_table):
            return math.nan, f"缺{base}年规上工业全年实际，无法按年均增长{rate:.0%}推算目标"
        value = float(industry_table.loc[base, 12]) * (1 + rate) ** (year - base)
        return value, f"方案“年均增长{rate:.0%}左右”，由{base}年实际推算"
    t = _target_table(targets, area, indicator)
    t = t[t["year"] == year]
    if series == ALL:
        v = t[t["chain_id"].isin(plan.chain_ids)]
        if v["chain_id"].nunique() < len(plan.chain_ids) or v["value"].isna().any():
            return math.nan, "无目标"
        return float(v["value"].sum()), f"{plan.table_section}各链目标之和"
    v = t[t["chain_id"] == series]["value"].dropna()
    return (float(v.iloc[0]), f"{plan.table_section}目标") if len(v) else (math.nan, "无目标")


def _yoy(actuals: pd.DataFrame, table: pd.DataFrame, series: str, year: int, month: int, area: str,
         indicator: str) -> tuple[float, str | None]:
    pub = published_yoy(actuals, series, year, month, area, indicator)
    if math.isfinite(pub):
        return pub, "published"
    if year - 1 in table.index and pd.notna(table.loc[year - 1, month]) and table.loc[year - 1, month] > 0:
        return float((table.loc[year, month] / table.loc[year - 1, month] - 1) * 100), "computed"
    return math.nan, None


def progress_table(actuals: pd.DataFrame, targets: pd.DataFrame | None, year: int, month: int,
                   area: str = DISTRICT, series=None, basis: str = "calendar", indicator: str = "revenue",
                   years_back: int = 3, *, plan: Plan) -> pd.DataFrame:
    """One row per series with a 1—N月 figure: PROGRESS_COLUMNS (see the module docstring). ``series``: ids
    (default: every chain of the plan, ``all`` and ``industry``)."""
    rows = []
    industry = cumulative_table(actuals, INDUSTRY_ID, area, indicator, plan=plan)
    for s in (series_ids(plan) if series is None else series):
        table = industry if s == INDUSTRY_ID else cumulative_table(actuals, s, area, indicator, plan=plan)
        if year not in table.index or pd.isna(table.loc[year, month]):
            continue
        cum = float(table.loc[year, month])
        yoy, src = _yoy(actuals, table, s, year, month, area, indicator)
        target, tbasis = year_target(targets, industry, s, year, area, indicator, plan=plan)
        tp, tp_basis = time_progress_pct(table, year, month, basis, years_back)
        completion = cum / target * 100 if math.isfinite(target) and target > 0 else math.nan
        rows.append({"series": s, "name": series_name(s, plan), "area": area, "year": year, "month": month,
                     "cumulative_yi": cum, "yoy_pct": yoy, "yoy_source": src, "target_yi": target,
                     "target_basis": tbasis, "completion_pct": completion, "time_progress_pct": tp,
                     "time_basis": tp_basis, "ahead_pp": completion - tp})
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


def progress_sentence(name: str, month: int, cumulative_yi: float, yoy_pct: float = math.nan,
                      completion_pct: float = math.nan, ahead_pp: float = math.nan, *, series: str | None = None,
                      area: str = DISTRICT, indicator: str = "营业收入", unit: str = "亿元") -> str:
    """“1—9月，现代针纺产业链营业收入完成 X 亿元，同比增长 Y%，完成年度目标的 Z%，快于（慢于）时序进度 W 个百分点。”

    Clauses without a number (no growth, no target) are left out; a chain's name gets 产业链.
    """
    is_chain = series not in (ALL, INDUSTRY_ID) if series is not None else not name.endswith(("工业", "合计"))
    who = f"{name}产业链" if is_chain else name
    where = "" if area == DISTRICT else area
    parts = [f"{period_label(month)}，{where}{who}{indicator}完成 {cumulative_yi:,.1f} {unit}"]
    if math.isfinite(yoy_pct):
        parts.append(_yoy_phrase(yoy_pct))
    if math.isfinite(completion_pct):
        parts.append(f"完成年度目标的 {completion_pct:.1f}%")
        if math.isfinite(ahead_pp):
            parts.append(ahead_phrase(ahead_pp))
    return "，".join(parts) + "。"


def sentences(table: pd.DataFrame) -> list[str]:
    """The sentence for each row of :func:`progress_table`."""
    return [progress_sentence(r.name, int(r.month), r.cumulative_yi, r.yoy_pct, r.completion_pct, r.ahead_pp,
                              series=r.series, area=r.area) for r in table.itertuples()]


# --------------------------------------------------------------------------------------------- required
def required_growth(actuals: pd.DataFrame, targets: pd.DataFrame | None, year: int, month: int,
                    full_year: dict[str, float] | None = None, area: str = DISTRICT, series=None,
                    target_year: int | None = None, indicator: str = "revenue", *, plan: Plan) -> pd.DataFrame:
    """What the rest of the year and the years to ``target_year`` must bring to meet the targets.

    Remaining months: ``remaining_yi`` = target − 1—N月; ``required_yoy_pct`` = growth needed over last year's
    same months (N+1—12月); ``ytd_yoy_pct`` = growth so far, computed from the levels for comparison.
    Remaining years: from ``full_year[series]`` (the year's estimate, 亿元; else the target if met) to the
    ``target_year`` target, ``required_cagr_pct`` a year, against the target path's ``planned_cagr_pct``.
    """
    target_year = plan.target_year if target_year is None else target_year
    rows = []
    industry = cumulative_table(actuals, INDUSTRY_ID, area, indicator, plan=plan)
    for s in (series_ids(plan) if series is None else series):
        table = industry if s == INDUSTRY_ID else cumulative_table(actuals, s, area, indicator, plan=plan)
        if year not in table.index or pd.isna(table.loc[year, month]):
            continue
        cum = float(table.loc[year, month])
        target, _ = year_target(targets, industry, s, year, area, indicator, plan=plan)
        remaining = target - cum if math.isfinite(target) else math.nan
        ly = table.loc[year - 1] if year - 1 in table.index else None
        ly_rest = float(ly[12] - ly[month]) if ly is not None and pd.notna(ly[12]) and pd.notna(ly[month]) \
            else math.nan
        req_yoy = (remaining / ly_rest - 1) * 100 if month < 12 and ly_rest > 0 else math.nan
        ytd = (cum / float(ly[month]) - 1) * 100 if ly is not None and pd.notna(ly[month]) else math.nan
        fy = (full_year or {}).get(s, math.nan)
        final, _ = year_target(targets, industry, s, target_year, area, indicator, plan=plan,
                               base_year=industry_base_year(industry, year, plan) if s == INDUSTRY_ID else None)
        this_target = target
        req_cagr = planned = math.nan
        if year < target_year and math.isfinite(fy) and fy > 0 and math.isfinite(final):
            req_cagr = growth.cagr(fy, final, target_year - year) * 100
            if math.isfinite(this_target) and this_target > 0:
                planned = growth.cagr(this_target, final, target_year - year) * 100
        rows.append({"series": s, "name": series_name(s, plan), "year": year, "month": month, "target_yi": target,
                     "remaining_yi": remaining, "remaining_months": 12 - month,
                     "monthly_needed_yi": remaining / (12 - month) if month < 12 else math.nan,
                     "last_year_same_months_yi": ly_rest, "required_yoy_pct": req_yoy, "ytd_yoy_pct": ytd,
                     "full_year_yi": fy, "target_year": target_year, "target_final_yi": final,
                     "required_cagr_pct": req_cagr, "planned_cagr_pct": planned})
    return pd.DataFrame(rows, columns=REQUIRED_COLUMNS)


def industry_base_year(industry: pd.DataFrame, year: int, plan: Plan) -> int | None:
    """The base year for the industry's target-year target: the plan's base year if complete, else the
    last complete year before ``year``."""
    done = complete_years(industry)
    if plan.base_year in done:
        return plan.base_year
    before = [y for y in done if y < year]
    return before[-1] if before else None
