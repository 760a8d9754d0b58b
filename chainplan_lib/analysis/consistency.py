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
from ..plan.model import TOTAL, Plan
from .growth import ALL, as_tidy, cagr, check_rate, check_year_pair, series

__all__ = ["VERDICTS", "QUALIFIER_KINDS", "qualifier_kind", "ConsistencyResult", "check_consistency", "verdict_for",
           "rest_of_industry_cagr"]

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


_EN_COUNT = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


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

    def summary(self) -> str:
        y0, y1 = self.base_year, self.target_year
        n_chains = len(self.chain_verdicts)
        chains = f"the {_EN_COUNT.get(n_chains, n_chains)} chains'"
        if not self.tested:
            lines = [f"No overall growth goal in the plan: nothing to test the chain targets against "
                     f"({self.base_yi[ALL]:,.0f} → {self.target_yi[ALL]:,.0f} 亿元, CAGR {self.cagr[ALL]:.2%}).", ""]
        else:
            g, lo, hi = self.overall_growth, *self.band
            label = {"consistent": "CONSISTENT with", "more_ambitious": "MORE AMBITIOUS than",
                     "less_ambitious": "LESS AMBITIOUS than"}[self.verdict]
            if self.kind == "about":
                goal, band = f"~{g:.0%}", f"左右, ±{self.tolerance_pp:g} pp → {lo:.1%}–{hi:.1%}"
            else:
                goal = f"{'at least' if self.kind == 'at_least' else 'at most'} {g:.0%}"
                band = f"{self.qualifier}: {'≥' if self.kind == 'at_least' else '≤'} {g:.1%}"
            lines = [
                f"Is {goal} a year ({band}) consistent with the chain targets?",
                f"Verdict: {chains} targets are {label} {goal} a year "
                f"({self.base_yi[ALL]:,.0f} → {self.target_yi[ALL]:,.0f} 亿元, CAGR {self.cagr[ALL]:.2%}).",
                "",
            ]
        lines.append(f"CAGR {y0}→{y1} by chain (亿元):")
        for cid in list(self.chain_verdicts):
            lines.append(f"  {cid:<12} {self.label(cid):<5} {self.base_yi[cid]:>7,.0f} → {self.target_yi[cid]:>7,.0f}"
                         f"   {self.cagr[cid]:>7.2%}   {self.chain_verdicts[cid]}")
        lines.append(f"  {'all':<12} {self.all_name:<5} {self.base_yi[ALL]:>7,.0f} → {self.target_yi[ALL]:>7,.0f}"
                     f"   {self.cagr[ALL]:>7.2%}   {self.verdict}")
        lines.append("")
        if self.tested:
            g = self.overall_growth
            lines += [f"Gap in {y1}: target sum {self.target_yi[ALL]:,.1f} − {g:.0%} path {self.path_yi[y1]:,.1f} "
                      f"= {self.gap_yi:+,.1f} 亿元", ""]
        lines.append(f"Contribution to the sum's growth {y0}→{y1} ({self.total_growth:.2%} in all), weight × growth:")
        for r in self.contributions.itertuples():
            lines.append(f"  {r.chain_id:<12} weight {r.weight:6.1%} × growth {r.growth:7.2%} = "
                         f"{r.contribution:6.2%}  ({r.share_of_growth:5.1%} of the increase)")
        if self.prior_cagr is not None:
            lines += ["", f"From the {self.prior_year} actual ({self.prior_actual_yi:,.1f} 亿元, 统计月报) to the "
                          f"{y1} target: CAGR {self.prior_cagr:.2%} over {y1 - self.prior_year} years — "
                          f"{self.prior_verdict}"]
        if self.base_total_yi is not None:
            g, lo, hi = self.overall_growth, *self.band
            lines += ["", f"Rest of above-size industry (base total {self.base_total_yi:,.1f} 亿元, "
                          f"of which chains {self.base_yi[ALL]:,.1f}):"]
            r = self.rest_of_industry_cagr
            if r is None:
                lines.append(f"  the chains alone exceed the district's {g:.0%} path by {y1}: "
                             "no non-negative rest of industry fits")
            else:
                verb = "must grow" if r >= 0 else "may shrink"
                lines.append(f"  for the district to grow {g:.0%} a year the rest {verb} {abs(r):.2%} a year")
            if self.rest_of_industry_band and lo is not None and hi is not None:
                a, b = self.rest_of_industry_band
                fmt = lambda v: "n/a" if v is None or not math.isfinite(v) else f"{v:+.2%}"
                lines.append(f"  (district at {lo:.0%}: rest {fmt(a)} a year; at {hi:.0%}: rest {fmt(b)} a year)")
        elif self.tested:
            lines += ["", "Rest of industry: not computed (the plan does not print the base-year total; "
                          "give --base-total in 亿元)."]
        if self.caveats:
            lines += ["", "Caveats:", *("  - " + c for c in self.caveats)]
        return "\n".join(lines)


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
    if not isinstance(tolerance_pp, (int, float)) or not math.isfinite(tolerance_pp) or not 0 <= tolerance_pp < 100:
        raise ParameterError(f"tolerance {tolerance_pp!r} must be between 0 and 100 percentage points")
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
        caveats = ["the plan states no overall growth goal, so there is nothing to test the chains' targets "
                   "against; their growth is shown for reference"]
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
        caveats.append("the rest-of-industry rate assumes the whole district grows exactly at the stated rate "
                       "from the base total given; it is arithmetic, not a forecast")
    caveats.append("targets are 力争 (strive-for) values; the chains' boundaries in the register may differ "
                   "from the plan's, so the base sum is the table's, not a measured total")

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
