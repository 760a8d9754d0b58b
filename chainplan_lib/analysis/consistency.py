"""Is the plan's overall growth goal consistent with its chains' targets?

The plan file gives the goal (``[plan] overall_growth``, ``overall_qualifier``, ``overall_section``): for
Qingshanhu 二、目标要求 says 全区规模以上工业营业收入年均增长 10%左右, and Attachment 2's four chains go from 690
亿元 (2023, sum of the table) to 1,000 亿元 (2026). :func:`check_consistency` puts the two side by side and
returns a :class:`ConsistencyResult` with a verdict and the numbers behind it.

Units: revenue in 亿元; growth rates and shares are fractions (0.10 = 10 %); the tolerance for 左右 is
given in percentage points (``tolerance_pp=1.0`` = ±0.01) because that is how people say it.

Chains growing faster than the whole is not by itself an inconsistency: the rest of industry may grow slower.
So the result leads with what the rest of above-size industry must then grow (``rest_of_industry_cagr``), given the
district's base-year total (``base_total_yi``: the statistics office's figure, which the plan does not print), and
— the usual way to read "2023—2026年年均增长" — it also measures the chains' growth from the year *before* the plan
period when that year's actual is known (``prior_actual_yi``: the 统计月报's full year of the base year − 1), since the
verdict depends on the base.

Verdict rule, by the goal's qualifier (:data:`QUALIFIER_KINDS`): the summed chains' CAGR from the base year
to the target year against

* 左右 (about; also no qualifier): the rate ± tolerance — inside the band (ends included) → ``consistent``;
  above → ``more_ambitious``; below → ``less_ambitious``;
* 以上 / 不低于 / 超过 (at least): at or above the rate → ``consistent``; below → ``less_ambitious``;
* 以内 / 以下 / 不超过 (at most): at or below the rate → ``consistent``; above → ``more_ambitious``.

A plan without an overall goal gets no test: the verdict is ``not_tested`` and the result says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..errors import ParameterError
from ..plan.model import TOTAL, Plan, cn_count
from ..plan.params import check_tolerance
from ..rounding import pct
from .growth import ALL, as_tidy, cagr, check_rate, check_year_pair, series

__all__ = ["VERDICTS", "QUALIFIER_KINDS", "qualifier_kind", "ConsistencyResult", "check_consistency", "verdict_for",
           "verdict_cn", "rest_of_industry_cagr"]

VERDICTS = ("consistent", "more_ambitious", "less_ambitious", "not_tested")
_EPS = 1e-12  # float slack so that a CAGR exactly on the band's edge counts as inside
# How a goal's qualifier is read: about (± tolerance), at least, at most.
QUALIFIER_KINDS = {"左右": "about", "": "about", "约": "about", "以上": "at_least", "不低于": "at_least",
                   "超过": "at_least", "至少": "at_least", "以内": "at_most", "以下": "at_most", "不超过": "at_most"}


def qualifier_kind(qualifier: str | None) -> str:
    """'about', 'at_least' or 'at_most' for a goal's qualifier (左右, 以上 …); ParameterError if unknown."""
    q = (qualifier or "").strip()
    if q not in QUALIFIER_KINDS:
        raise ParameterError(f"overall qualifier {q!r} is not one this test reads; known: "
                             f"{', '.join(k for k in QUALIFIER_KINDS if k)}")
    return QUALIFIER_KINDS[q]


_VERDICT_CN = {  # by the goal's kind (QUALIFIER_KINDS); {g}: '10%左右', '12%以上'
    "about": {"consistent": "与年均{g}基本一致", "more_ambitious": "高于年均{g}", "less_ambitious": "低于年均{g}"},
    "at_least": {"consistent": "达到年均{g}", "more_ambitious": "达到年均{g}", "less_ambitious": "低于年均{g}"},
    "at_most": {"consistent": "不超过年均{g}", "more_ambitious": "高于年均{g}", "less_ambitious": "不超过年均{g}"},
}


def verdict_cn(verdict: str, rate: float | None = 0.10, qualifier: str = "左右", kind: str = "about") -> str:
    """The verdict in Chinese, saying what it is above or below: 高于年均10%左右 / 与年均10%左右基本一致 …;
    未检验 without an overall goal."""
    if verdict == "not_tested" or rate is None:
        return "未检验（方案无总体增速目标）"
    return _VERDICT_CN[kind][verdict].format(g=f"{rate:.0%}{qualifier}")


def verdict_for(growth: float, overall: float, tolerance: float, kind: str = "about") -> str:
    """'consistent' if |growth − overall| ≤ tolerance, else 'more_ambitious' (above) or 'less_ambitious'.

    All three are fractions (0.1317, 0.10, 0.01). ``kind`` 'at_least' (以上): consistent at or above
    ``overall``; 'at_most' (以内): consistent at or below it (the tolerance is not used for either).
    NaN growth raises ParameterError.
    """
    if not math.isfinite(growth):
        raise ParameterError("growth is undefined (missing or non-positive base values)")
    lo, hi = _band(overall, tolerance, kind)
    if hi is not None and growth > hi + _EPS:
        return "more_ambitious"
    if lo is not None and growth < lo - _EPS:
        return "less_ambitious"
    return "consistent"


def _band(overall: float, tolerance: float, kind: str) -> tuple[float | None, float | None]:
    if kind == "at_least":
        return overall, None
    if kind == "at_most":
        return None, overall
    return overall - tolerance, overall + tolerance


def rest_of_industry_cagr(base_total_yi: float, chains_base_yi: float, chains_target_yi: float,
                          periods: int, district_growth: float) -> float:
    """Growth (fraction a year) the rest of above-size industry needs for the district to grow at ``district_growth``.

    rest_base = base_total − chains_base; rest_target = base_total·(1 + g)^periods − chains_target;
    result = (rest_target / rest_base)^(1/periods) − 1, all in 亿元. Negative: the rest may shrink.
    NaN when rest_target < 0 (the chains alone overshoot the district path: no rest can make it
    exactly g); −1.0 when rest_target is exactly 0. ``base_total_yi`` must exceed ``chains_base_yi``.
    """
    if not math.isfinite(base_total_yi) or base_total_yi <= chains_base_yi:
        raise ParameterError(
            f"base total {base_total_yi!r} 亿元 must exceed the chains' base-year sum {chains_base_yi:g} 亿元")
    rest_base = base_total_yi - chains_base_yi
    rest_target = base_total_yi * (1 + district_growth) ** periods - chains_target_yi
    if rest_target < 0:
        return math.nan
    return cagr(rest_base, rest_target, periods)


def _clean(x: Any) -> Any:
    """JSON-safe: NaN/inf → None, numpy scalars → Python, recursively."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, (str, bytes)):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


@dataclass(frozen=True, eq=False)  # holds a DataFrame: compare fields, not objects
class ConsistencyResult:
    """The overall-goal consistency test. Growth numbers are fractions; money is 亿元.

    Attributes: verdict; overall_growth (0.10; None when the plan has no overall goal); qualifier (左右,
    以上 …) and kind ('about', 'at_least', 'at_most'); tolerance (fraction, 0.01 for ±1 pp; used for 左右);
    base_year, target_year; cagr ({chain_id and 'all': CAGR}); chain_verdicts; base_yi / target_yi
    (revenue by chain and 'all'); path_yi (the overall-rate path from the base sum, by year); gap_yi
    (target sum − path, in the target year); contributions (DataFrame: chain_id, chain, base_yi,
    target_yi, weight = base share, growth = cumulative growth, contribution = weight × growth,
    share_of_growth); prior_year / prior_actual_yi / prior_cagr / prior_verdict (the chains' growth measured
    from the actual of the year before the base year, None without it); base_total_yi, rest_of_industry_cagr
    (at the overall rate) and
    rest_of_industry_band (at the band's low and high ends), all None when no base total is given;
    all_name (四链合计 …) and label(chain id) for text; ``plan``, the plan it was computed for.
    """

    verdict: str
    overall_growth: float | None
    tolerance: float
    base_year: int
    target_year: int
    cagr: dict[str, float]
    chain_verdicts: dict[str, str]
    base_yi: dict[str, float]
    target_yi: dict[str, float]
    path_yi: dict[int, float]
    gap_yi: float | None
    contributions: pd.DataFrame = field(repr=False)
    prior_year: int | None = None
    prior_actual_yi: float | None = None
    prior_cagr: float | None = None
    prior_verdict: str | None = None
    base_total_source: str = ""
    base_total_yi: float | None = None
    rest_of_industry_cagr: float | None = None
    rest_of_industry_band: tuple[float | None, float | None] | None = None
    caveats: tuple[str, ...] = ()
    qualifier: str = "左右"
    kind: str = "about"
    section: str = ""
    plan: Plan | None = field(default=None, repr=False)

    @property
    def tested(self) -> bool:
        """False when the plan states no overall goal (nothing to test against)."""
        return self.overall_growth is not None

    @property
    def all_name(self) -> str:
        return self.plan.all_name if self.plan is not None else "合计"

    def label(self, chain_id: str) -> str:
        return self.plan.chain_label(chain_id) if self.plan is not None else chain_id

    @property
    def tolerance_pp(self) -> float:
        return self.tolerance * 100

    @property
    def band(self) -> tuple[float | None, float | None]:
        """(low, high) growth band, fractions: rate ± tolerance for 左右; (rate, None) for 以上; (None, rate)
        for 以内; (None, None) without a goal."""
        if self.overall_growth is None:
            return (None, None)
        return _band(self.overall_growth, self.tolerance, self.kind)

    @property
    def total_growth(self) -> float:
        """Cumulative growth of the summed chains, base → target year (fraction; = Σ contributions)."""
        return self.target_yi[ALL] / self.base_yi[ALL] - 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: verdict, cagr (chain_id/'all' → fraction), gap_2026_yi, rest_of_industry_cagr, …"""
        d: dict[str, Any] = {
            "verdict": self.verdict,
            "overall_growth": self.overall_growth,
            "tolerance_pp": self.tolerance_pp,
            "band": list(self.band),
            "base_year": self.base_year,
            "target_year": self.target_year,
            "cagr": dict(self.cagr),
            "chain_verdicts": dict(self.chain_verdicts),
            "base_yi": dict(self.base_yi),
            "target_yi": dict(self.target_yi),
            "path_yi": {str(k): v for k, v in self.path_yi.items()},
            f"gap_{self.target_year}_yi": self.gap_yi,
            "total_growth": self.total_growth,
            "contributions": self.contributions.to_dict(orient="records"),
            "prior_year": self.prior_year, "prior_actual_yi": self.prior_actual_yi,
            "prior_cagr": self.prior_cagr, "prior_verdict": self.prior_verdict,
            "base_total_yi": self.base_total_yi,
            "rest_of_industry_cagr": self.rest_of_industry_cagr,
            "rest_of_industry_band": list(self.rest_of_industry_band) if self.rest_of_industry_band else None,
            "caveats": list(self.caveats),
        }
        return _clean(d)

    def verdict_text(self, verdict: str | None = None) -> str:
        """:func:`verdict_cn` of ``verdict`` (default the summed chains') against this result's goal."""
        return verdict_cn(verdict or self.verdict, self.overall_growth, self.qualifier, self.kind)

    def findings(self, bold=lambda s: s) -> tuple[str, list[str]]:
        """(conclusion, points) in Chinese, as a statistics office would put it: the chains' implied growth and the
        verdict, what the rest of above-size industry must then grow (when the base-year total is known), the
        reading from the year before the plan period (when its actual is known) and the gap to the goal's path.
        ``bold`` marks the figures a reader looks for (the page passes Markdown's ``**…**``)."""
        a = self.cagr[ALL]
        n = cn_count(len(self.chain_verdicts))
        total = self.all_name
        y0, y1 = self.base_year, self.target_year
        growth = (f"{total}目标由 {y0} 年 {self.base_yi[ALL]:,.0f} 亿元增至 {y1} 年 {self.target_yi[ALL]:,.0f} 亿元，"
                  f"年均增长 {bold(f'{pct(a)}')}")
        if not self.tested:
            return "方案未提出全区总体增速目标，不做一致性检验。", [f"{growth}（仅供参考）。"]
        lo, hi = self.band
        g = self.overall_growth
        goal = f"{g:.0%}{self.qualifier}"
        if self.kind == "about":
            reading = f"“{goal}”按 ±{self.tolerance_pp:g} 个百分点理解为 {pct(lo)}–{pct(hi)}（含两端）"
        elif self.kind == "at_least":
            reading = f"“{goal}”理解为年均不低于 {pct(g)}"
        else:
            reading = f"“{goal}”理解为年均不高于 {pct(g)}"
        head = f"结论：{n}条链营业收入目标年均增长 {pct(a)}，{self.verdict_text()}（{reading}）。"
        points = []
        r = self.rest_of_industry_cagr
        src = "统计月报" if self.base_total_source == "统计月报" else "给定数"
        if r is not None:
            band = ""
            if self.rest_of_industry_band and self.kind == "about":
                b_lo, b_hi = self.rest_of_industry_band
                if b_lo is not None and b_hi is not None and math.isfinite(b_lo) and math.isfinite(b_hi):
                    band = f"（全区按 {lo:.0%}–{hi:.0%} 增长时为 {pct(b_lo)}–{pct(b_hi)}）"
            points.append(f"各链增长快于全区并不等于矛盾：按 {y0} 年全区规上工业营业收入 {self.base_total_yi:,.1f} 亿元"
                          f"（{src}）计，全区年均增长 {g:.0%}，{n}链以外的规上工业年均{'需增长' if r >= 0 else '可下降'} "
                          f"{bold(f'{pct(abs(r))}')}{band}。")
        elif self.base_total_yi is not None:
            points.append(f"{n}条链目标本身已超过全区按 {g:.0%} 增长的总量，其余工业无论如何都无法与之相容。")
        else:
            points.append(f"未提供 {y0} 年全区规上工业营业收入（方案未给出，也无该年统计月报），故未计算{n}链以外工业所需增速。")
        if self.prior_cagr is not None:
            points.append(f"按通常口径从 {self.prior_year} 年起算：{self.prior_year} 年{total}实际 "
                          f"{self.prior_actual_yi:,.1f} 亿元（统计月报），到 {y1} 年目标年均增长 "
                          f"{bold(f'{pct(self.prior_cagr)}')}，{self.verdict_text(self.prior_verdict)}；结论取决于起算年份。")
        points.append(f"{growth}；若从 {self.base_yi[ALL]:,.0f} 亿元按年均 {g:.0%} 增长，{y1} 年为 "
                      f"{self.path_yi[y1]:,.1f} 亿元，目标合计比它{'多' if self.gap_yi >= 0 else '少'} "
                      f"{abs(self.gap_yi):,.1f} 亿元。")
        if self.base_total_yi is not None:
            points.append("口径：目标为各链全产业链营业收入，规上工业总额为统计部门数，二者范围不尽相同，上述推算只是算术。")
        return head, points


def check_consistency(targets: pd.DataFrame, tolerance_pp: float = 1.0, base_total_yi: float | None = None, *,
                      overall_growth: float | None = None, base_year: int | None = None,
                      target_year: int | None = None, qualifier: str | None = None,
                      prior_actual_yi: float | None = None, base_total_source: str = "",
                      plan: Plan) -> ConsistencyResult:
    """Test whether the chains' revenue targets are consistent with the plan's overall growth goal.

    ``targets``: the tidy target table (全区 revenue rows of the plan's chains are used, 亿元).
    ``tolerance_pp``: half-width of the 左右 band in percentage points (1.0 → ±0.01).
    ``base_total_yi``: total above-size industrial revenue in ``base_year`` (亿元; the plan does not
    print it) — when given, the rest-of-industry growth is computed. ``overall_growth`` (fraction) and
    ``qualifier`` (左右, 以上 …), ``base_year`` and ``target_year``: default the plan's. A plan without an
    overall goal gives verdict ``not_tested`` (CAGRs and contributions are still computed).
    ``prior_actual_yi``: the chains' summed full-year actual (亿元) of the year before ``base_year`` — when given,
    the chains' growth is also measured from it to the target year (``prior_cagr``, ``prior_verdict``). There is
    no regression: the target path's few points are plans, not a sample.
    Returns a :class:`ConsistencyResult`; its ``to_dict()`` is what ``chainplan consistency --json`` prints.
    """
    tolerance_pp = check_tolerance(tolerance_pp)  # one rule for the notebooks' tolerance_pp and the CLI: 0–10 pp
    if overall_growth is None:
        overall_growth = plan.overall_growth
        qualifier = plan.overall_qualifier if qualifier is None else qualifier
    qualifier = "左右" if qualifier is None else qualifier
    kind = qualifier_kind(qualifier)
    if overall_growth is not None:
        overall_growth = check_rate(overall_growth, name="overall_growth")
    base_year = plan.base_year if base_year is None else base_year
    target_year = plan.target_year if target_year is None else target_year
    base_year, target_year = check_year_pair(base_year, target_year, plan=plan)
    if base_total_yi is not None and (not isinstance(base_total_yi, (int, float)) or not math.isfinite(base_total_yi)):
        raise ParameterError(f"base total {base_total_yi!r} must be a number of 亿元")
    if base_total_yi is not None and overall_growth is None:
        raise ParameterError("a base total is used to compute the growth the rest of industry needs for the overall "
                             "goal, and this plan states no overall goal")
    tolerance = tolerance_pp / 100
    periods = target_year - base_year
    tidy = as_tidy(targets, plan=plan)
    chain_ids = plan.chain_ids

    paths: dict[str, pd.Series] = {}
    for cid in (*chain_ids, ALL):
        s = series(tidy, cid, "revenue", TOTAL, plan=plan).loc[base_year:target_year]
        for y in (base_year, target_year):
            if y not in s.index:
                raise ParameterError(f"targets have no 全区 revenue for {cid} in {y}")
        if s[base_year] <= 0:
            raise ParameterError(f"{cid}: 全区 revenue in {base_year} is {s[base_year]:g}; growth is undefined")
        paths[cid] = s

    base = {cid: float(s[base_year]) for cid, s in paths.items()}
    target = {cid: float(s[target_year]) for cid, s in paths.items()}
    rates = {cid: cagr(base[cid], target[cid], periods) for cid in paths}
    if overall_growth is None:
        verdict = "not_tested"
        chain_verdicts = {cid: "not_tested" for cid in chain_ids}
        path, gap = {}, None
    else:
        verdict = verdict_for(rates[ALL], overall_growth, tolerance, kind)
        chain_verdicts = {cid: verdict_for(rates[cid], overall_growth, tolerance, kind) for cid in chain_ids}
        path = {y: base[ALL] * (1 + overall_growth) ** (y - base_year) for y in range(base_year, target_year + 1)}
        gap = target[ALL] - path[target_year]

    total_growth = target[ALL] / base[ALL] - 1
    contrib = pd.DataFrame([
        {"chain_id": cid, "chain": plan.chain_label(cid), "base_yi": base[cid], "target_yi": target[cid],
         "weight": base[cid] / base[ALL], "growth": target[cid] / base[cid] - 1}
        for cid in chain_ids
    ])
    contrib["contribution"] = contrib["weight"] * contrib["growth"]
    contrib["share_of_growth"] = contrib["contribution"] / total_growth if total_growth != 0 else math.nan

    caveats = []
    if overall_growth is None:
        caveats = ["方案未提出全区总体增速目标，各链目标无从对照，其增长仅供参考"]
    prior_year = prior_cagr = prior_verdict = None
    if prior_actual_yi is not None:
        if not isinstance(prior_actual_yi, (int, float)) or not math.isfinite(prior_actual_yi) or prior_actual_yi <= 0:
            raise ParameterError(f"prior actual {prior_actual_yi!r} must be a positive number of 亿元")
        prior_year = base_year - 1
        prior_cagr = cagr(float(prior_actual_yi), target[ALL], target_year - prior_year)
        prior_verdict = (verdict_for(prior_cagr, overall_growth, tolerance, kind) if overall_growth is not None
                         else "not_tested")

    rest = band = None
    if base_total_yi is not None:
        r = rest_of_industry_cagr(base_total_yi, base[ALL], target[ALL], periods, overall_growth)
        rest = None if math.isnan(r) else r
        band = tuple(None if g is None else rest_of_industry_cagr(base_total_yi, base[ALL], target[ALL], periods, g)
                     for g in _band(overall_growth, tolerance, kind))
        caveats.append("其余工业所需增速假定全区从给定的基年总额起恰按目标增速增长，只是算术，不是预测")
    caveats.append("目标为力争值，是各链全产业链营业收入；规上工业总额为统计部门数，二者范围不尽相同，"
                   "基年合计取目标表之和，不是实测总额")

    return ConsistencyResult(
        verdict=verdict, overall_growth=overall_growth, tolerance=tolerance, base_year=base_year,
        target_year=target_year, cagr=rates, chain_verdicts=chain_verdicts, base_yi=base, target_yi=target,
        path_yi=path, gap_yi=gap, contributions=contrib, prior_year=prior_year,
        prior_actual_yi=float(prior_actual_yi) if prior_actual_yi is not None else None, prior_cagr=prior_cagr,
        prior_verdict=prior_verdict, base_total_source=base_total_source,
        base_total_yi=float(base_total_yi) if base_total_yi is not None else None,
        rest_of_industry_cagr=rest, rest_of_industry_band=band, caveats=tuple(caveats),
        qualifier=qualifier, kind=kind, section=plan.overall_section if overall_growth == plan.overall_growth else "",
        plan=plan,
    )
