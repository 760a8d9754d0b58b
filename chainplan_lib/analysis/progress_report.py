"""Everything a progress report (进度) needs for a year and month, in one object: the integration API.

    report = progress_report(actuals, targets, 2025, 9, plan=plan)
    report.sentences()            # the sentence per series (1—9月，现代针纺产业链营业收入完成 …)
    report.table                  # progress against 时序进度 (chart-ready: completion_pct, time_progress_pct)
    report.full_year_frame()      # the quoted full-year estimate with its 80 % / 95 % range, per series
    report.required               # growth needed in the remaining months and years
    report.projections            # annual trend / ETS to the target year with ranges, against the target
    report.to_dict()              # the `chainplan progress --json` shape

The full-year figure quoted for each series is the method with the smaller backtest error at that month
(:func:`chainplan_lib.analysis.backtest.best_method`, on the complete years before the report's year).
A year without actuals gives an empty report whose ``message`` says so in Chinese; nothing raises. The report
keeps its plan (``report.plan``), as a statsmodels result keeps its model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..plan.model import TOTAL as DISTRICT
from ..plan.model import Plan
from ..plan.names import INDUSTRY_ID
from .backtest import backtest_annual, backtest_full_year, best_method, coverage, mape_by_month
from .fullyear import METHOD_SHORT, METHODS, Estimate, full_year_estimates
from .monthly import cumulative_table, latest_month, series_ids, series_name
from .multiyear import (
    MIN_YEARS,
    POSITION_TEXT,
    PROJECTION_COLUMNS,
    annual_series,
    project_annual,
    reach_probability,
    target_position,
)
from .progress import (
    industry_base_year,
    period_label,
    progress_table,
    required_growth,
    sentences,
    year_target,
)

__all__ = ["ProgressReport", "progress_report", "FULL_YEAR_COLUMNS"]

FULL_YEAR_COLUMNS = ["series", "name", "method", "value", "lower80", "upper80", "lower95", "upper95", "target_yi",
                     "completion_pct", "reason"]


def _num(v, digits: int = 4):
    return None if v is None or not isinstance(v, (int, float)) or not math.isfinite(v) else round(float(v), digits)


@dataclass
class ProgressReport:
    plan: Plan
    year: int
    month: int | None
    area: str
    basis: str
    table: pd.DataFrame
    estimates: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    quoted: dict[str, tuple[str, str]] = field(default_factory=dict)
    backtests: dict[str, pd.DataFrame] = field(default_factory=dict)
    required: pd.DataFrame = field(default_factory=pd.DataFrame)
    message: str = ""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # cumulative tables by series
    targets: pd.DataFrame | None = field(default=None, repr=False)
    indicator: str = "revenue"
    _projections: pd.DataFrame | None = field(default=None, repr=False)

    def annual(self, series: str) -> pd.Series:
        """The complete years' full-year figures known at this report (亿元), indexed by year."""
        return annual_series(self.tables[series], upto=self.year if self.month == 12 else self.year - 1)

    @property
    def projections(self) -> pd.DataFrame:
        """Trend and ETS projections of each series' annual figures to the target year, with 80 % / 95 % ranges,
        its target, where the target falls (``position``) and a rough chance of reaching it (``p_reach``).
        Series with fewer than MIN_YEARS complete years are left out. Computed on first use."""
        if self._projections is None:
            self._projections = self._project()
        return self._projections

    def _project(self) -> pd.DataFrame:
        parts = []
        industry = self.tables.get(INDUSTRY_ID)
        for s in self.table["series"] if self.has_data else []:
            annual = self.annual(s)
            if len(annual) < MIN_YEARS or annual.index.max() >= self.plan.target_year:
                continue
            proj = project_annual(annual, self.plan.target_year)
            base = industry_base_year(industry, self.year, self.plan) if s == INDUSTRY_ID else None
            proj["target_yi"] = [year_target(self.targets, industry, s, int(y), self.area, self.indicator,
                                             base_year=base, plan=self.plan)[0] for y in proj["year"]]
            proj["position"] = [target_position(r, r["target_yi"]) for _, r in proj.iterrows()]
            proj["p_reach"] = [reach_probability(r, r["target_yi"]) for _, r in proj.iterrows()]
            parts.append(proj.assign(series=s, name=series_name(s, self.plan)))
        columns = [*PROJECTION_COLUMNS, "target_yi", "position", "p_reach", "series", "name"]
        return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)

    def fan_inputs(self, series: str) -> dict:
        """What a fan chart of one series needs: annual actuals, its projections, the targets by year (亿元) and
        the year's quoted full-year estimate (a Series with year, value, lower80, upper80; None at 1—12月)."""
        industry = self.tables.get(INDUSTRY_ID)
        base = industry_base_year(industry, self.year, self.plan) if series == INDUSTRY_ID else None
        years = range(self.plan.years[0], self.plan.target_year + 1)
        targets = pd.Series({y: year_target(self.targets, industry, series, y, self.area, self.indicator,
                                            base_year=base, plan=self.plan)[0] for y in years},
                            dtype=float).dropna()
        p = self.projections
        est = self.quoted_estimate(series)
        full = (pd.Series({"year": self.year, "value": est.value, "lower80": est.lower80, "upper80": est.upper80})
                if est is not None and self.month != 12 else None)
        return {"annual": self.annual(series), "projections": p[p["series"] == series] if len(p) else p,
                "targets": targets, "full_year": full}

    def annual_backtest(self, series: str) -> pd.DataFrame:
        """Rolling-origin backtest of the annual projections of one series (empty below MIN_YEARS years)."""
        annual = self.annual(series)
        return backtest_annual(annual) if len(annual) >= MIN_YEARS else pd.DataFrame()

    @property
    def has_data(self) -> bool:
        return self.month is not None and len(self.table) > 0

    @property
    def title(self) -> str:
        return f"{self.year}年{period_label(self.month)}" if self.month else f"{self.year}年"

    def sentences(self) -> list[str]:
        """The reporting sentence per series (empty when there are no actuals: see ``message``)."""
        return sentences(self.table) if self.has_data else []

    def quoted_estimate(self, series: str) -> Estimate | None:
        if series not in self.quoted:
            return None
        method = self.quoted[series][0]
        return self.estimates[series].get(method)

    def full_year_frame(self) -> pd.DataFrame:
        """Per series: the quoted method's full-year value and ranges (亿元), the target and the completion %."""
        rows = []
        for r in self.table.itertuples():
            est = self.quoted_estimate(r.series)
            if est is None:
                continue
            rows.append({"series": r.series, "name": r.name, "method": est.method, "value": est.value,
                         "lower80": est.lower80, "upper80": est.upper80, "lower95": est.lower95,
                         "upper95": est.upper95, "target_yi": r.target_yi,
                         "completion_pct": est.value / r.target_yi * 100 if r.target_yi > 0 else math.nan,
                         "reason": self.quoted[r.series][1]})
        return pd.DataFrame(rows, columns=FULL_YEAR_COLUMNS)

    def methods_frame(self) -> pd.DataFrame:
        """Both methods' estimates per series (long), for a table comparing them."""
        rows = [{"series": s, "name": series_name(s, self.plan), "quoted": self.quoted.get(s, ("", ""))[0] == m, **e.to_dict()}
                for s, per in self.estimates.items() for m, e in per.items()]
        return pd.DataFrame(rows)

    def backtest_tables(self, series: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(MAPE % by method × month, coverage per method) of one series' full-year backtest."""
        bt = self.backtests.get(series, pd.DataFrame())
        return mape_by_month(bt), coverage(bt)

    def full_year_sentences(self) -> list[str]:
        out = []
        for r in self.full_year_frame().itertuples():
            if r.method == "actual":
                continue
            rng = (f"（80%区间 {r.lower80:,.1f}–{r.upper80:,.1f} 亿元）" if math.isfinite(r.lower80) else "")
            goal = f"，为年度目标的 {r.completion_pct:.1f}%" if math.isfinite(r.completion_pct) else ""
            out.append(f"{r.name}：预计全年 {r.value:,.1f} 亿元{rng}{goal}（{METHOD_SHORT.get(r.method, r.method)}；"
                       f"{r.reason}）。")
        return out

    def required_sentences(self) -> list[str]:
        out = []
        for r in self.required.itertuples():
            parts = []
            if self.month and self.month < 12 and math.isfinite(r.remaining_yi):
                if r.remaining_yi <= 0:
                    parts.append("已完成全年目标")
                else:
                    months = f"{self.month + 1}—12月" if self.month < 11 else "12月"
                    req = (f"，需比上年同期增长 {r.required_yoy_pct:.1f}%" if math.isfinite(r.required_yoy_pct)
                           else "")
                    so_far = f"（{period_label(self.month)}为 {r.ytd_yoy_pct:.1f}%）" if math.isfinite(r.ytd_yoy_pct) \
                        else ""
                    parts.append(f"完成全年目标，{months}还需 {r.remaining_yi:,.1f} 亿元，月均 "
                                 f"{r.monthly_needed_yi:,.1f} 亿元{req}{so_far}")
            if math.isfinite(r.required_cagr_pct):
                plan = f"（目标路径为 {r.planned_cagr_pct:.1f}%）" if math.isfinite(r.planned_cagr_pct) else ""
                parts.append(f"按全年预计 {r.full_year_yi:,.1f} 亿元计，{r.target_year}年目标 {r.target_final_yi:,.1f} "
                             f"亿元需此后年均增长 {r.required_cagr_pct:.1f}%{plan}")
            if parts:
                out.append(f"{r.name}：" + "；".join(parts) + "。")
        return out

    def projection_sentences(self) -> list[str]:
        p = self.projections
        if p.empty:
            return []
        out = []
        last = p[p["year"] == p["year"].max()]
        for s, g in last.groupby("series", sort=False):
            parts = []
            for r in g.itertuples():
                name = {"trend": "对数线性趋势", "ets": "指数平滑"}[r.method]
                pos = f"，{POSITION_TEXT[r.position]}" if isinstance(r.position, str) else ""
                parts.append(f"{name} {r.value:,.1f} 亿元（80%区间 {r.lower80:,.1f}–{r.upper80:,.1f}，"
                             f"95%区间 {r.lower95:,.1f}–{r.upper95:,.1f}）{pos}")
            target = g["target_yi"].iloc[0]
            goal = f"目标 {target:,.1f} 亿元；" if math.isfinite(target) else ""
            out.append(f"{series_name(s, self.plan)} {int(g['year'].iloc[0])}年：{goal}" + "；".join(parts) + "。")
        return out

    def to_dict(self) -> dict:
        """The ``chainplan progress --json`` shape: {year, month, chains: {id: {...}}} for every series id."""
        chains = {}
        rows = {r.series: r for r in self.table.itertuples()}
        for s in series_ids(self.plan):
            r = rows.get(s)
            est = self.quoted_estimate(s)
            bt = self.backtests.get(s)
            cov = coverage(bt).set_index("method") if bt is not None and len(bt) else pd.DataFrame()
            methods = {}
            for m, e in self.estimates.get(s, {}).items():
                d = {k: (_num(v) if isinstance(v, float) else v) for k, v in e.to_dict().items() if k != "method"}
                have = m in cov.index
                d.update(backtest_mape_pct=_num(cov.loc[m, "mape"]) if have else None,
                         backtest_n=int(cov.loc[m, "n"]) if have else 0,
                         backtest_coverage80=_num(cov.loc[m, "coverage80"]) if have else None)
                methods[m] = d
            chains[s] = {
                "cumulative_yi": _num(r.cumulative_yi) if r else None,
                "yoy_pct": _num(r.yoy_pct) if r else None,
                "target_yi": _num(r.target_yi) if r else None,
                "completion_pct": _num(r.completion_pct) if r else None,
                "time_progress_pct": _num(r.time_progress_pct) if r else None,
                "ahead_pp": _num(r.ahead_pp) if r else None,
                "full_year": {"method": est.method if est else None, "value": _num(est.value) if est else None,
                              "lower80": _num(est.lower80) if est else None,
                              "upper80": _num(est.upper80) if est else None},
                "methods": methods,
            }
        return {"year": self.year, "month": self.month, "chains": chains}

    def summary(self) -> str:
        """Plain-text report for the command line."""
        if not self.has_data:
            return self.message
        lines = [f"{self.title} 进度（时序进度按{'往年同期进度' if self.basis == 'seasonal' else '月数 ÷ 12'}）"]
        lines += self.sentences()
        lines += ["", "全年预计："] + self.full_year_sentences()
        if len(self.required):
            lines += ["", "完成目标所需增长："] + self.required_sentences()
        if len(self.projections):
            lines += ["", f"到{self.plan.target_year}年（年度序列外推）："] + self.projection_sentences()
        return "\n".join(lines)


def _actual_estimate(cum: float) -> Estimate:
    return Estimate("actual", cum, cum, cum, cum, cum, note="全年数据已公布")


def progress_report(actuals: pd.DataFrame, targets: pd.DataFrame | None, year: int, month: int | None = None, *,
                    plan: Plan, area: str = DISTRICT, basis: str = "calendar", series=None, backtest: bool = True,
                    indicator: str = "revenue") -> ProgressReport:
    """Progress, full-year estimates (backtested), required growth and projections for ``year`` / 1—``month``月.

    ``month`` None: the latest month published for the year. No actuals for the year: an empty report whose
    ``message`` says so (in Chinese).
    """
    series = series_ids(plan) if series is None else series
    tables = {s: cumulative_table(actuals, s, area, indicator, plan=plan) for s in series}
    if month is None:
        months = [m for t in tables.values() if (m := latest_month(t, year)) is not None]
        month = max(months) if months else None
    table = progress_table(actuals, targets, year, month, area, series, basis, indicator, plan=plan) if month else \
        pd.DataFrame()
    if month is None or table.empty:
        have = sorted({int(y) for t in tables.values() for y in t.index})
        when = f"{year}年{period_label(month)}" if month else f"{year}年"
        span = f"（已有 {have[0]}—{have[-1]} 年）" if have else ""
        return ProgressReport(plan, year, month, area, basis, pd.DataFrame(),
                              message=f"{when}尚无统计月报数据{span}，本节从略。")
    rep = ProgressReport(plan, year, month, area, basis, table, tables=tables, targets=targets, indicator=indicator)
    if INDUSTRY_ID not in rep.tables:
        rep.tables[INDUSTRY_ID] = cumulative_table(actuals, INDUSTRY_ID, area, indicator, plan=plan)
    for s in table["series"]:
        t = tables[s]
        cum = float(t.loc[year, month])
        rep.estimates[s] = full_year_estimates(t, year, month)
        bt = backtest_full_year(t, before=year) if backtest else pd.DataFrame()
        rep.backtests[s] = bt
        if month == 12:
            rep.estimates[s] = {"actual": _actual_estimate(cum)}
            rep.quoted[s] = ("actual", "全年数据已公布")
        else:
            avail = [m for m in METHODS if rep.estimates[s][m].available]
            if len(avail) == 1:
                rep.quoted[s] = (avail[0], "另一方法数据不足")
            elif avail:
                rep.quoted[s] = best_method(bt, month)
    fy = {s: rep.quoted_estimate(s).value for s in rep.quoted if rep.quoted_estimate(s) is not None}
    rep.required = required_growth(actuals, targets, year, month, fy, area, list(table["series"]),
                                   indicator=indicator, plan=plan)
    return rep

