"""Everything a progress report (进度) needs for a year and month, in one object: the integration API.

    report = progress_report(actuals, targets, 2025, 9, plan=plan)
    report.sentences()            # the sentence per series (1—9月，现代针纺产业链营业收入完成 …)
    report.table                  # progress against 时序进度 (chart-ready: completion_pct, time_progress_pct)
    report.full_year_frame()      # the quoted full-year estimate with its 80 % / 95 % range, per series
    report.required               # growth needed in the remaining months and years
    report.projections            # annual trend / ETS to the target year with ranges (the analyst page)
    report.to_dict()              # the `chainplan progress --json` shape

The full-year figure quoted is **one method for every series** — the one with the smaller backtest error at that
month, pooled over the plan's chains (:func:`chainplan_lib.analysis.backtest.choose_method`) — and the chains'
sum is the sum of their estimates, so the printed parts add up to the printed total. Ranges are calibrated on
the method's own past errors at the same month (:func:`chainplan_lib.analysis.backtest.calibrated_range`). 规上工业
(all above-size industry) is a different scope: it is estimated with the same method from its own figures.

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
from .backtest import (
    Calibration,
    backtest_annual,
    backtest_full_year,
    calibrated_range,
    choose_method,
    mape_by_month,
    month_errors,
    summed_backtest,
)
from .fullyear import METHOD_SHORT, METHODS, Estimate, full_year_estimates
from .monthly import ALL, cumulative_table, latest_month, series_ids, series_name
from .multiyear import MIN_YEARS, POSITION_TEXT, PROJECTION_COLUMNS, annual_series, project_annual, target_position
from .progress import period_label, progress_table, required_growth, sentences, year_target

__all__ = ["ProgressReport", "progress_report", "FULL_YEAR_COLUMNS"]

FULL_YEAR_COLUMNS = ["chain_id", "name", "method", "value", "lower80", "upper80", "lower95", "upper95", "target_yi",
                     "completion_pct", "backtest_years", "backtest_mape_pct", "backtest_max_ape_pct"]


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
    estimates: dict[str, dict[str, Estimate]] = field(default_factory=dict)   # both methods, as they come
    method: str | None = None                                                  # the one method quoted
    method_reason: str = ""
    quoted: dict[str, Estimate] = field(default_factory=dict)                  # per series, calibrated
    calibration: dict[str, Calibration | None] = field(default_factory=dict)
    backtests: dict[str, pd.DataFrame] = field(default_factory=dict)
    required: pd.DataFrame = field(default_factory=pd.DataFrame)
    message: str = ""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)  # cumulative tables by series
    targets: pd.DataFrame | None = field(default=None, repr=False)
    indicator: str = "revenue"
    missing: dict[str, str] = field(default_factory=dict)                      # series without a figure: why
    _projections: pd.DataFrame | None = field(default=None, repr=False)
    coverage: pd.DataFrame | None = field(default=None, repr=False)  # chains added up from industries: see below

    # ------------------------------------------------------------------------------------------------ state
    @property
    def has_data(self) -> bool:
        return self.month is not None and len(self.table) > 0

    @property
    def title(self) -> str:
        return f"{self.year}年{period_label(self.month)}" if self.month else f"{self.year}年"

    @property
    def published(self) -> bool:
        """The year is complete (1—12月): nothing to estimate."""
        return self.month == 12

    def sentences(self) -> list[str]:
        """The reporting sentence per series (empty when there are no actuals: see ``message``)."""
        return sentences(self.table, self.plan) if self.has_data else []

    def quoted_estimate(self, series: str) -> Estimate | None:
        return self.quoted.get(series)

    # ------------------------------------------------------------------------------------------------ full year
    def full_year_frame(self) -> pd.DataFrame:
        """Per series: the quoted full-year value and its calibrated ranges (亿元), the target, the completion %,
        and the backtest behind the range (years, MAPE and largest error at this month, %)."""
        rows = []
        for r in self.table.itertuples():
            est = self.quoted.get(r.chain_id)
            if est is None:
                continue
            cal = self.calibration.get(r.chain_id)
            rows.append({"chain_id": r.chain_id, "name": r.name, "method": est.method, "value": est.value,
                         "lower80": est.lower80, "upper80": est.upper80, "lower95": est.lower95,
                         "upper95": est.upper95, "target_yi": r.target_yi,
                         "completion_pct": est.value / r.target_yi * 100 if r.target_yi > 0 else math.nan,
                         "backtest_years": cal.n if cal else 0,
                         "backtest_mape_pct": cal.mape_pct if cal else math.nan,
                         "backtest_max_ape_pct": cal.max_ape_pct if cal else math.nan})
        return pd.DataFrame(rows, columns=FULL_YEAR_COLUMNS)

    def backtest_tables(self, series: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(MAPE % by method × month, per method at this report's month: years, MAPE and largest error)."""
        bt = self.backtests.get(series, pd.DataFrame())
        return mape_by_month(bt), self.at_month(series)

    def at_month(self, series: str) -> pd.DataFrame:
        """Per method, the backtest at this report's month: years, MAPE %, largest error %, bias % and — for the
        quoted method — how often a range built from the other years held the year left out."""
        bt = self.backtests.get(series, pd.DataFrame())
        rows = []
        for m in METHODS:
            e = month_errors(bt, m, self.month or 0)
            if e.empty:
                continue
            _, cal = calibrated_range(1.0, e, m, self.month or 0)
            pct = (pd.Series(1.0, index=e.index) / e.map(math.exp) - 1) * 100   # estimate ÷ actual − 1
            loo = cal.loo_coverage() if cal is not None and m == self.method else (0, 0, 0)
            rows.append({"method": m, "years": len(e), "span": f"{int(e.index.min())}—{int(e.index.max())}",
                         "mape": float(pct.abs().mean()), "max_ape": float(pct.abs().max()),
                         "bias": float(pct.mean()), "loo80": loo[0], "loo95": loo[1], "loo_n": loo[2]})
        return pd.DataFrame(rows, columns=["method", "years", "span", "mape", "max_ape", "bias", "loo80", "loo95",
                                           "loo_n"])

    def full_year_sentences(self) -> list[str]:
        if self.published:
            return []
        out = []
        for r in self.full_year_frame().itertuples():
            rng = (f"（80%区间 {r.lower80:,.1f}–{r.upper80:,.1f} 亿元）" if math.isfinite(r.lower80) else
                   "（未经回测，不给区间）" if r.method == "pace" else "（往年数据不足两年，不给区间）")
            goal = f"，为年度目标的 {r.completion_pct:.1f}%" if math.isfinite(r.completion_pct) else ""
            out.append(f"{r.name}：预计全年 {r.value:,.1f} 亿元{rng}{goal}。")
        return out

    # ------------------------------------------------------------------------------------------------ required
    def required_sentences(self) -> list[str]:
        """Growth still needed: in the rest of the year (over last year's same months) and to the target year,
        each beside the growth so far (the published, comparable-basis rate; the level-based one where the
        requirement is computed from levels, said so)."""
        out = []
        target_year = self.plan.target_year
        for r in self.required.itertuples():
            parts = []
            so_far = r.ytd_yoy_pct
            if self.month and self.month < 12 and math.isfinite(r.remaining_yi):
                if r.remaining_yi <= 0:
                    parts.append("已完成全年目标")
                else:
                    months = f"{self.month + 1}—12月" if self.month < 11 else "12月"
                    req = ""
                    if math.isfinite(r.required_yoy_pct):
                        both = (f"；同口径下{period_label(self.month)}为 {r.ytd_yoy_levels_pct:.1f}%"
                                if math.isfinite(r.ytd_yoy_levels_pct) else "")
                        pub = (f"，公布的可比口径增速为 {so_far:.1f}%" if math.isfinite(so_far) else "")
                        req = f"，需比上年同期增长 {r.required_yoy_pct:.1f}%（按总量计算{both}{pub}）"
                    parts.append(f"要完成全年目标，{months}需完成 {r.remaining_yi:,.1f} 亿元，月均 "
                                 f"{r.monthly_needed_yi:,.1f} 亿元{req}")
            if math.isfinite(r.required_cagr_pct):
                n = target_year - self.year
                basis = (f"按{self.year}年全年实际 {r.full_year_yi:,.1f} 亿元计" if r.full_year_published
                         else f"按全年预计 {r.full_year_yi:,.1f} 亿元计")
                need = (f"{target_year}年需增长 {r.required_cagr_pct:.1f}%" if n == 1
                        else f"{self.year + 1}—{target_year}年需年均增长 {r.required_cagr_pct:.1f}%")
                path = f"，目标路径为 {r.planned_cagr_pct:.1f}%" if math.isfinite(r.planned_cagr_pct) else ""
                pace = ""
                if math.isfinite(so_far):
                    now = f"{period_label(self.month)}同比增长 {so_far:.1f}%" if self.month < 12 else \
                        f"{self.year}年同比增长 {so_far:.1f}%"
                    verdict = "按目前增速可以完成" if round(r.required_cagr_pct, 1) <= round(so_far, 1) else "需加快增长"
                    pace = f"；{now}，{verdict}"
                parts.append(f"{basis}，{target_year}年目标 {r.target_final_yi:,.1f} 亿元，{need}{path}{pace}")
            if parts:
                out.append(f"{r.name}：" + "；".join(parts) + "。")
        return out

    # ------------------------------------------------------------------------------------------------ projections
    def annual(self, series: str) -> pd.Series:
        """The complete years' full-year figures known at this report (亿元), indexed by year."""
        return annual_series(self.tables[series], upto=self.year if self.month == 12 else self.year - 1)

    @property
    def projections(self) -> pd.DataFrame:
        """Trend and ETS projections of each series' annual figures to the target year, with 80 % / 95 % ranges,
        its target and where the target falls (``position``): for the analyst page, beside their backtests by
        series and horizon. Series with fewer than MIN_YEARS complete years are left out. Computed on first use."""
        if self._projections is None:
            self._projections = self._project()
        return self._projections

    def _project(self) -> pd.DataFrame:
        parts = []
        for s in self.table["chain_id"] if self.has_data else []:
            annual = self.annual(s)
            if len(annual) < MIN_YEARS or annual.index.max() >= self.plan.target_year:
                continue
            proj = project_annual(annual, self.plan.target_year)
            proj["target_yi"] = [year_target(self.targets, s, int(y), self.area, self.indicator, plan=self.plan)[0]
                                 for y in proj["year"]]
            proj["position"] = [target_position(r, r["target_yi"]) for _, r in proj.iterrows()]
            parts.append(proj.assign(chain_id=s, name=series_name(s, self.plan)))
        columns = [*PROJECTION_COLUMNS, "target_yi", "position", "chain_id", "name"]
        return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)

    def fan_inputs(self, series: str) -> dict:
        """What a fan chart of one series needs: annual actuals, its projections, the targets by year (亿元; none
        for 规上工业, whose goal is a rate) and the year's quoted full-year estimate (a Series with year, value,
        lower80, upper80; None at 1—12月)."""
        years = range(self.plan.years[0], self.plan.target_year + 1)
        targets = pd.Series({y: year_target(self.targets, series, y, self.area, self.indicator, plan=self.plan)[0]
                             for y in years}, dtype=float).dropna()
        p = self.projections
        est = self.quoted_estimate(series)
        full = (pd.Series({"year": self.year, "value": est.value, "lower80": est.lower80, "upper80": est.upper80})
                if est is not None and not self.published else None)
        return {"annual": self.annual(series), "projections": p[p["chain_id"] == series] if len(p) else p,
                "targets": targets, "full_year": full}

    def annual_backtest(self, series: str) -> pd.DataFrame:
        """Rolling-origin backtest of the annual projections of one series (empty below MIN_YEARS years)."""
        annual = self.annual(series)
        return backtest_annual(annual) if len(annual) >= MIN_YEARS else pd.DataFrame()

    def annual_backtests(self) -> pd.DataFrame:
        """:meth:`annual_backtest` of every series with a figure, one frame with a ``series`` column."""
        parts = [self.annual_backtest(s).assign(chain_id=s, name=series_name(s, self.plan))
                 for s in (self.table["chain_id"] if self.has_data else [])]
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def projection_sentences(self) -> list[str]:
        """The projections to the target year, described (where the target falls among the ranges), for the
        analyst page: the briefing judges the target year by the growth it requires instead."""
        p = self.projections
        if p.empty:
            return []
        out = []
        last = p[p["year"] == p["year"].max()]
        for s, g in last.groupby("chain_id", sort=False):
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

    # ------------------------------------------------------------------------------------------------ output
    def to_dict(self) -> dict:
        """The ``chainplan progress --json`` shape: {year, month, method, chains: {id: {...}}, missing} for every
        series id of the plan; a series without a figure for the month is null and named under ``missing``."""
        chains = {}
        rows = {r.chain_id: r for r in self.table.itertuples()}
        for s in series_ids(self.plan):
            r = rows.get(s)
            est = self.quoted_estimate(s)
            cal = self.calibration.get(s)
            methods = {}
            for m, e in self.estimates.get(s, {}).items():
                d = {k: (_num(v) if isinstance(v, float) else v) for k, v in e.to_dict().items() if k != "method"}
                errs = month_errors(self.backtests.get(s, pd.DataFrame()), m, self.month or 0)
                pct = [abs(math.exp(-x) - 1) * 100 for x in errs]
                d.update(backtest_years=len(pct), backtest_mape_pct=_num(sum(pct) / len(pct)) if pct else None)
                methods[m] = d
            chains[s] = None if r is None else {
                "name": r.name,
                "cumulative_yi": _num(r.cumulative_yi),
                "yoy_pct": _num(r.yoy_pct), "yoy_basis": r.yoy_source,
                "target_yi": _num(r.target_yi), "target_basis": r.target_basis,
                "completion_pct": _num(r.completion_pct),
                "time_progress_pct": _num(r.time_progress_pct), "ahead_pp": _num(r.ahead_pp),
                "usual_share_pct": _num(r.usual_share_pct),
                "goal_pct": _num(r.goal_pct), "goal_gap_pp": _num(r.goal_gap_pp),
                "chained_pct": _num(r.chained_pct), "chained_years": int(r.chained_years),
                "chained_annual_pct": _num(r.chained_annual_pct),
                "full_year": {"method": est.method if est else None, "value": _num(est.value) if est else None,
                              "lower80": _num(est.lower80) if est else None,
                              "upper80": _num(est.upper80) if est else None,
                              "lower95": _num(est.lower95) if est else None,
                              "upper95": _num(est.upper95) if est else None,
                              "backtest_month": self.month, "backtest_years": cal.n if cal else 0,
                              "backtest_mape_pct": _num(cal.mape_pct) if cal else None,
                              "backtest_max_ape_pct": _num(cal.max_ape_pct) if cal else None},
                "methods": methods,
            }
        out = {"year": self.year, "month": self.month, "area": self.area,
               "method": {"quoted": self.method, "reason": self.method_reason}, "chains": chains,
               "missing": [{"chain_id": s, "name": series_name(s, self.plan), "why": why}
                           for s, why in self.missing.items()]}
        out.update(self.coverage_dict())
        return out

    def summary(self) -> str:
        """Plain-text report for the command line."""
        if not self.has_data:
            return self.message
        lines = [f"{self.title} 进度（时序进度按{'往年同期进度' if self.basis == 'seasonal' else '月数 ÷ 12'}）"]
        lines += self.sentences()
        if self.missing:
            lines += ["", "缺少数据：" + "；".join(f"{series_name(s, self.plan)}（{w}）" for s, w in self.missing.items())]
        if not self.published:
            lines += ["", f"全年预计（{METHOD_SHORT.get(self.method or '', '')}；{self.method_reason}）："]
            lines += self.full_year_sentences()
        if len(self.required):
            lines += ["", "完成目标所需增长："] + self.required_sentences()
        if self.coverage_sentences():
            lines += ["", "按行业汇总的产业链（口径说明）："] + self.coverage_sentences()
        return "\n".join(lines)

    # ------------------------------------------------------------------------------ chains from industries
    def period_coverage(self) -> pd.DataFrame:
        """The coverage rows of this report's period, indicator and area (one per chain, the latest table's):
        which of each chain's industry codes the 统计月报 by industry had. Empty when no chain was added up."""
        c = self.coverage
        if c is None or not len(c) or self.month is None:
            return pd.DataFrame()
        c = c[(c["year"] == self.year) & (c["month"] == self.month) & c["cumulative"].astype(bool)
              & (c["indicator"] == self.indicator) & (c["area"] == self.area)]
        return c.drop_duplicates("chain_id", keep="last")

    def coverage_dict(self) -> dict:
        """``coverage`` (per chain: status full / partial / absent, the codes expected, found and missing, how the
        growth of the sum was computed) and ``not_covered`` (chains the table by industry does not cover: no
        figure, not 0) — only when a chain of this period was added up from industries."""
        c = self.period_coverage()
        if not len(c):
            return {}
        codes = lambda x: str(x).split() if isinstance(x, str) and x.strip() else []
        cov = {r.chain_id: {"status": r.status, "codes_expected": codes(r.codes_expected),
                            "codes_found": codes(r.codes_found), "codes_missing": codes(r.codes_missing),
                            "yoy_basis": r.yoy_basis if isinstance(r.yoy_basis, str) else "",
                            "source": f"{r.source_file} {r.source_table}".strip(),
                            "note": r.note if isinstance(r.note, str) else ""}
               for r in c.itertuples()}
        return {"coverage": cov, "not_covered": [k for k, v in cov.items() if v["status"].startswith("absent")]}

    def coverage_sentences(self) -> list[str]:
        """What a reader must know of chains added up from a table by industry (the briefing's footnote)."""
        c = self.period_coverage()
        out = []
        basis = {"prior_year": "同比按表中上年同期数计算", "growth": "同比按各行业增速倒推上年基数计算"}
        for r in c.itertuples():
            how = basis.get(r.yoy_basis, "") if isinstance(r.yoy_basis, str) else ""
            if r.status.startswith("absent"):
                out.append(f"{r.chain}：统计月报按行业公布，表中没有其行业（{r.codes_expected}），本期无数据（不是 0）。")
            elif r.status.startswith("partial"):
                out.append(f"{r.chain}：由行业 {r.codes_found} 相加，缺 {r.codes_missing}，为部分口径"
                           f"{'；' + how if how else ''}。")
            else:
                out.append(f"{r.chain}：由行业 {r.codes_found} 相加（全部口径）{'；' + how if how else ''}。")
        return out


def _actual_estimate(cum: float) -> Estimate:
    return Estimate("actual", cum, cum, cum, cum, cum, note="全年数据已公布")


def _pace(rep: ProgressReport, table: pd.DataFrame, year: int) -> tuple[str, str]:
    """The fallback when no year before has a 1—N月 figure: last year's full year × (1 + this year's 1—N月
    同比), for each own series with both; no range (nothing to backtest it on)."""
    for r in table.itertuples():
        t = rep.tables.get(r.chain_id)
        if r.chain_id == ALL or t is None or year - 1 not in t.index or not math.isfinite(r.yoy_pct):
            continue
        last = t.loc[year - 1, 12]
        if pd.notna(last) and last > 0:
            rep.quoted[r.chain_id] = Estimate("pace", float(last) * (1 + r.yoy_pct / 100),
                                            note="按目前增速测算，未经回测，不给区间")
    return "pace", (f"往年没有{period_label(rep.month)}数据，无法按往年同期进度推算或回测；"
                    f"按{year - 1}年全年数和{period_label(rep.month)}同比增速测算，不给区间")


def _calibrate(est: Estimate, bt: pd.DataFrame, method: str, month: int) -> tuple[Estimate, Calibration | None]:
    rng, cal = calibrated_range(est.value, month_errors(bt, method, month), method, month)
    note = "" if cal else "往年数据不足两年，不给区间"
    return Estimate(method, est.value, *rng, years_used=est.years_used, note=note), cal


def progress_report(actuals: pd.DataFrame, targets: pd.DataFrame | None, year: int, month: int | None = None, *,
                    plan: Plan, area: str = DISTRICT, basis: str = "calendar", series=None, backtest: bool = True,
                    indicator: str = "revenue", coverage: pd.DataFrame | None = None) -> ProgressReport:
    """Progress, full-year estimates (backtested, calibrated), required growth and projections for ``year`` /
    1—``month``月.

    ``month`` None: the latest month published for the year. No actuals for the year: an empty report whose
    ``message`` says so (in Chinese). ``series``: default every chain of the plan, ``all`` and ``industry``.
    ``coverage``: the cleaner's coverage of chains added up from a table by industry (``ActualsResult.coverage``),
    carried into ``to_dict()`` and ``summary()``.
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
                              message=f"{when}尚无统计月报数据{span}，本节从略。", coverage=coverage)
    rep = ProgressReport(plan, year, month, area, basis, table, tables=tables, targets=targets, indicator=indicator,
                         coverage=coverage)
    present = set(table["chain_id"])
    rep.missing = {s: f"{year}年{period_label(month)}无数据" for s in series if s not in present}
    if INDUSTRY_ID not in rep.tables:
        rep.tables[INDUSTRY_ID] = cumulative_table(actuals, INDUSTRY_ID, area, indicator, plan=plan)
    chains = [s for s in table["chain_id"] if s in plan.chain_ids]
    own = [s for s in table["chain_id"] if s != ALL]
    for s in own:
        rep.estimates[s] = full_year_estimates(tables[s], year, month)
        rep.backtests[s] = backtest_full_year(tables[s], before=year) if backtest and month < 12 else pd.DataFrame()
    if ALL in present:
        rep.backtests[ALL] = summed_backtest([rep.backtests[c] for c in plan.chain_ids if c in rep.backtests])
    if month == 12:
        rep.method, rep.method_reason = "actual", "全年数据已公布"
        for r in table.itertuples():
            rep.quoted[r.chain_id] = _actual_estimate(float(r.cumulative_yi))
    else:
        rep.method, rep.method_reason = choose_method([rep.backtests[c] for c in chains], month)
        for s in own:
            est = rep.estimates[s].get(rep.method)
            if est is not None and est.available:
                rep.quoted[s], rep.calibration[s] = _calibrate(est, rep.backtests[s], rep.method, month)
        if chains and not any(c in rep.quoted for c in chains):  # no past 1—N月 to read a share or fit from
            rep.method, rep.method_reason = _pace(rep, table, year)
        if ALL in present and all(c in rep.quoted for c in plan.chain_ids):
            total = sum(rep.quoted[c].value for c in plan.chain_ids)   # the total is the sum of its parts
            rep.quoted[ALL], rep.calibration[ALL] = _calibrate(Estimate(rep.method, total), rep.backtests[ALL],
                                                               rep.method, month)
    fy = {s: e.value for s, e in rep.quoted.items()}
    rep.required = required_growth(actuals, targets, year, month, fy, area, list(table["chain_id"]),
                                   indicator=indicator, plan=plan)
    return rep
