"""Monthly actuals as series: the 1—N月 cumulative table of one series, its shares of the year, its periods.

Input is the cleaned actuals table (:mod:`chainplan_lib.cleaning.actuals.clean`: year, month, chain_id, area,
indicator, value, cumulative, yoy_pct, …). A *series* is one of the plan's chain ids, ``all`` (the plan's chains
added up: a period counts only when every chain is published) or ``industry`` (all above-size industry,
规上工业). Amounts are 亿元 (revenue) or 户 (enterprises). Functions that need the chains take the plan.

January and February are published together (1—2月 is month 2), so a year has eleven *periods*: 1—2月, 3月,
…, 12月 (:func:`period_values`); the monthly model works on these, never on an invented January.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..plan.model import ALL, TOTAL, Plan, cn_count
from ..plan.names import INDUSTRY_ID, INDUSTRY_NAME, find_industry

__all__ = ["ALL", "series_ids", "series_name", "check_series", "check_month", "cumulative_table", "complete_years",
           "shares_table", "period_values", "published_yoy", "latest_month", "MONTHS", "annual_actuals", "Grid"]

DISTRICT = TOTAL
MONTHS = tuple(range(1, 13))


def series_ids(plan: Plan) -> tuple[str, ...]:
    """The series a plan's 统计月报 are read for: its chains, ``all`` (their sum) and ``industry`` (规上工业)."""
    return (*plan.chain_ids, ALL, INDUSTRY_ID)


def series_name(series: str, plan: Plan) -> str:
    """Chinese name: the chain's name, the plan's 合计 label (四链合计 for four chains) for 'all', 规上工业 for
    'industry' — the same words as every table of the briefing."""
    if series == ALL:
        return plan.all_name
    if series == INDUSTRY_ID:
        return INDUSTRY_NAME
    return plan.chain(series).name


def check_series(series: object, plan: Plan) -> str:
    """A series id from an id, a Chinese chain name or alias, 规上工业 / 规模以上工业, or all / 四链合计."""
    text = str(series).strip()
    ids = series_ids(plan)
    if text.lower() in ids:
        return text.lower()
    if text in (f"{cn_count(len(plan.chains))}条产业链合计", plan.all_name, "合计", "全部"):
        return ALL
    if find_industry(text):
        return INDUSTRY_ID
    c = plan.find_chain(text)
    if c is None:
        raise ParameterError(f"chain={series!r} is not a known series; use one of {', '.join(ids)} or a "
                             f"Chinese name ({'、'.join(plan.chain_names)}、{INDUSTRY_NAME})")
    return c.id


def check_month(month: object) -> int | None:
    """N of 1—N月 (1–12; 1—2月 is 2), or None for "the latest published"."""
    if month is None or (isinstance(month, str) and month.strip().lower() in ("", "none", "latest")):
        return None
    try:
        m = int(month)
    except (TypeError, ValueError):
        raise ParameterError(f"month={month!r} is not a month; use 1–12 (1—2月 is 2) or None for the latest") from None
    if isinstance(month, bool) or m != month and not (isinstance(month, str) and month.strip() == str(m)) \
            or not 1 <= m <= 12:
        raise ParameterError(f"month={month!r} must be a whole month 1–12 (1—2月 is 2), or None for the latest")
    return m


def _table(years: np.ndarray, months: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """Years × months 1–12 from parallel arrays (the first value wins where a (year, month) repeats)."""
    uy = np.unique(years.astype(np.int64))
    out = np.full((len(uy), 12), np.nan)
    rows = np.searchsorted(uy, years)
    out[rows[::-1], months[::-1].astype(np.int64) - 1] = values[::-1]
    return pd.DataFrame(out, index=pd.Index(uy, name="year"), columns=pd.Index(list(MONTHS), name="month"))


def cumulative_table(actuals: pd.DataFrame, series: str = ALL, area: str = DISTRICT,
                     indicator: str = "revenue", *, plan: Plan) -> pd.DataFrame:
    """Years × months 1–12 of the 1—N月 figures (NaN where not published); empty if the series has none.

    For ``all`` a (year, month) counts only when every chain of the plan is published; its value is their sum."""
    series = check_series(series, plan)
    keep = ((actuals["area"].to_numpy() == area) & (actuals["indicator"].to_numpy() == indicator)
            & actuals["cumulative"].to_numpy(dtype=bool))
    chain = actuals["chain_id"].to_numpy()[keep]
    years = actuals["year"].to_numpy()[keep]
    months = actuals["month"].to_numpy()[keep]
    values = actuals["value"].to_numpy(dtype=float)[keep]
    if series != ALL:
        mine = chain == series
        return _table(years[mine], months[mine], values[mine])
    parts = [_table(years[chain == c], months[chain == c], values[chain == c]) for c in plan.chain_ids]
    index = pd.Index(sorted(set().union(*(p.index for p in parts))), dtype=np.int64, name="year")
    stack = np.stack([p.reindex(index).to_numpy() for p in parts])
    total = np.where(np.isnan(stack).any(axis=0), np.nan, stack.sum(axis=0))
    table = pd.DataFrame(total, index=index, columns=pd.Index(list(MONTHS), name="month"))
    return table[table.notna().any(axis=1)]


def latest_month(table: pd.DataFrame, year: int) -> int | None:
    """The last month published for ``year``, or None."""
    if year not in table.index:
        return None
    row = table.loc[year].dropna()
    return int(row.index.max()) if len(row) else None


def complete_years(table: pd.DataFrame, before: int | None = None) -> list[int]:
    """Years with a full-year (1—12月) figure, optionally only those before ``before``."""
    years = table.index[table[12].notna().to_numpy()] if len(table) else []
    return [int(y) for y in years if before is None or y < before]


def shares_table(table: pd.DataFrame) -> pd.DataFrame:
    """For each complete year, the share of the full year reached by month N (1—N月 ÷ 1—12月), a fraction."""
    years = complete_years(table)
    full = table.loc[years, 12]
    return table.loc[years].div(full, axis=0)


def period_values(table: pd.DataFrame, year: int, through: int = 12) -> np.ndarray | None:
    """The year's period values through month ``through``: [1—2月, 3月, …], from the cumulative figures.

    None when a month between 2 and ``through`` is missing (a gap cannot be split between periods).
    """
    if year not in table.index or through < 2:
        return None
    row = table.loc[year, list(range(2, through + 1))].to_numpy(dtype=float)
    if np.isnan(row).any():
        return None
    return np.concatenate([[row[0]], np.diff(row)])


class Grid:
    """A cumulative table as plain arrays, for code that reads it many times (backtests, estimates).

    ``years`` (ascending ints) and ``cum`` (years × 12, NaN where not published); the same answers as
    :func:`complete_years` and :func:`period_values` without pandas indexing on every call.
    """

    __slots__ = ("years", "cum", "_row")

    def __init__(self, table: pd.DataFrame):
        t = table.sort_index()
        self.years = t.index.to_numpy(dtype=np.int64)
        self.cum = t.reindex(columns=list(MONTHS)).to_numpy(dtype=float)
        self._row = {int(y): i for i, y in enumerate(self.years)}

    def value(self, year: int, month: int) -> float:
        """The 1—``month``月 figure of ``year`` (NaN when not published)."""
        i = self._row.get(int(year))
        return float("nan") if i is None else float(self.cum[i, month - 1])

    def complete_years(self, before: int | None = None) -> list[int]:
        ok = ~np.isnan(self.cum[:, 11])
        if before is not None:
            ok &= self.years < before
        return [int(y) for y in self.years[ok]]

    def periods(self, year: int, through: int = 12) -> np.ndarray | None:
        """As :func:`period_values`: [1—2月, 3月, …] through month ``through``, None on a gap."""
        i = self._row.get(int(year))
        if i is None or through < 2:
            return None
        row = self.cum[i, 1:through]
        if np.isnan(row).any():
            return None
        return np.concatenate([row[:1], np.diff(row)])

    def last_month(self, year: int) -> int | None:
        i = self._row.get(int(year))
        if i is None:
            return None
        known = np.flatnonzero(~np.isnan(self.cum[i]))
        return int(known[-1]) + 1 if len(known) else None


def published_yoy(actuals: pd.DataFrame, series: str, year: int, month: int, area: str = DISTRICT,
                  indicator: str = "revenue") -> float:
    """The 同比增长 (%) published with the 1—N月 figure, NaN if none (never published for 'all')."""
    if series == ALL:
        return float("nan")
    a = actuals[(actuals["chain_id"] == series) & (actuals["area"] == area) & (actuals["indicator"] == indicator)
                & actuals["cumulative"] & (actuals["year"] == year) & (actuals["month"] == month)]
    return float(a["yoy_pct"].iloc[0]) if len(a) else float("nan")


def annual_actuals(actuals: pd.DataFrame, indicator: str = "revenue", *, plan: Plan) -> pd.DataFrame:
    """Full-year (1—12月) figures of the complete years in the target table's shape — chain_id, chain, year,
    indicator, area, value — for the plan's chains, so :func:`chainplan_lib.analysis.projections.fan_chart_frame`
    (``actuals=``) and the other growth functions take them as they take a register panel."""
    a = actuals[(actuals["indicator"] == indicator) & actuals["cumulative"] & (actuals["month"] == 12)
                & actuals["chain_id"].isin(plan.chain_ids)]
    names = {c.id: c.name for c in plan.chains}
    out = pd.DataFrame({"chain_id": a["chain_id"].to_numpy(), "chain": a["chain_id"].map(names).to_numpy(),
                        "year": a["year"].astype(int).to_numpy(), "indicator": indicator, "area": a["area"].to_numpy(),
                        "value": a["value"].astype(float).to_numpy()})
    return out.sort_values(["chain_id", "area", "year"], kind="stable").reset_index(drop=True)
