"""Size bands: a chain's firm-size targets, counted in a register and checked for consistency.

Only where the plan file has them (``[[size_bands]]``): a chain, a year, thresholds (亿元) and cumulative
counts (户); the chain's firm count and revenue for that year are its text targets (``[[chains.targets]]``).
Qingshanhu, 附件1 一、(二): in 2026, 50 textile firms with sales above 1 亿元, of which 15 above 3 亿, 8 above
5 亿, 4 above 10 亿 and 2 above 20 亿 — among 300 above-size firms and 500 亿元 in all. The bands are
cumulative (the 50 include the 15 …). Every function takes ``plan=None`` (the default plan) and
``chain_id=None`` (the first chain with bands); a plan without bands raises :class:`ParameterError`.

Units: revenue in 亿元, counts in 户 (firms); exponents and growth as plain numbers/fractions.

What the bands say, in order of certainty:

1. **Hard facts** (:func:`band_facts`, arithmetic only). Counting each firm at its band's lower edge,
   the 50 firms ≥ 1 亿元 have at least 136 亿元 and the whole chain (the other 250 above-size firms at
   ≥ 0.2 亿元 each) at least 186 亿元. For the chain to reach 500 亿元 with 300 firms, the 250 firms
   under 1 亿元 bring 50–250 亿元, so the 50 firms ≥ 1 亿元 must total 250–450 亿元: 5–9 亿元 each on
   average, against 2.72 at the band floors. Two caveats travel with these numbers: 500 亿元 is
   *全产业链* revenue (it may include firms outside the above-size register), and 300 is "超过" (more
   firms under 1 亿元 lower what the 50 must bring).
2. **A fitted tail, if one is shown** (:func:`fit_pareto_tail`): a Pareto tail with x_min = 1 亿元
   fitted to the in-band counts by binned maximum likelihood (Virkar & Clauset 2014, "Power-law
   distributions in binned empirical data", Annals of Applied Statistics 8(1), eq. 4), with a
   profile-likelihood interval for α (the likelihood-ratio set 2[ℓ(α̂) − ℓ(α)] ≤ χ²₁; Pawitan 2001,
   *In All Likelihood*, §2.6). Log-log OLS on cumulative counts is reported only for comparison: it is
   biased and its standard error is far too small, since cumulative counts are not independent
   (Clauset, Shalizi & Newman 2009, SIAM Review 51(4), §3.1 and appendix A). When the interval reaches
   α ≤ 1 the tail has no finite mean, so the revenue it implies is set by whatever cap is assumed for
   the largest firm: the result carries a cap-sensitivity table rather than one number.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..plan.model import Plan

__all__ = [
    "ABOVE_SIZE_MIN_YI",
    "plan_bands", "has_size_bands",
    "band_table",
    "band_lower_bound",
    "band_counts",
    "band_facts",
    "BandFacts",
    "pareto_tail_mean",
    "ParetoTailFit",
    "fit_pareto_tail",
]

# 规模以上工业企业: annual main-business revenue of 2,000 万元 or more = 0.2 亿元 (NBS threshold since 2011).
ABOVE_SIZE_MIN_YI = 0.2


def has_size_bands(plan: Plan) -> bool:
    """Whether the plan states size-band targets ([[size_bands]]); without them the size-band sections say so."""
    return bool(plan.size_bands)


def plan_bands(plan: Plan, chain_id: str | None = None) -> dict[str, Any]:
    """A chain's size-band targets from the plan: {'chain_id', 'chain', 'year', 'thresholds_yi', 'counts',
    'total_enterprises', 'total_revenue_yi', 'section'}. The totals are the chain's text targets for the
    bands' year (None where the text states none). ``chain_id`` None: the first chain with bands.
    Raises :class:`ParameterError` when the plan (or that chain) has no size bands."""
    if not plan.size_bands:
        raise ParameterError(f"the plan ({plan.path.name}) has no size-band targets ([[size_bands]])")
    sb = plan.size_bands[0] if chain_id is None else plan.bands_for(chain_id)
    if sb is None:
        raise ParameterError(f"the plan has no size-band targets for chain {chain_id!r} (it has them for "
                             f"{', '.join(b.chain_id for b in plan.size_bands)})")
    total = {ind: plan.text_target(sb.chain_id, ind, sb.year) for ind in ("enterprises", "revenue")}
    return {"chain_id": sb.chain_id, "chain": plan.chain_label(sb.chain_id), "year": sb.year,
            "thresholds_yi": [float(x) for x in sb.thresholds], "counts": [int(n) for n in sb.counts],
            "total_enterprises": int(total["enterprises"].value) if total["enterprises"] else None,
            "total_revenue_yi": float(total["revenue"].value) if total["revenue"] else None,
            "section": sb.section}


def _check_bands(thresholds: Sequence[float], counts: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(thresholds, dtype=float)
    n = np.asarray(counts, dtype=float)
    if x.ndim != 1 or x.shape != n.shape or len(x) < 2:
        raise ParameterError("thresholds and counts must be two lists of the same length (≥ 2)")
    if not (np.all(np.isfinite(x)) and np.all(x > 0) and np.all(np.diff(x) > 0)):
        raise ParameterError("thresholds must be positive and strictly increasing (亿元)")
    if not (np.all(np.isfinite(n)) and np.all(n >= 0) and np.all(np.diff(n) <= 0)):
        raise ParameterError("cumulative counts must be non-negative and non-increasing (firms above each threshold)")
    return x, n


def band_table(thresholds: Sequence[float] | None = None, counts: Sequence[float] | None = None, *,
               plan: Plan | None = None, chain_id: str | None = None) -> pd.DataFrame:
    """Cumulative band counts turned into bands: ``thresholds`` and ``counts`` as given, or the ``plan``'s.

    Columns: band_lower_yi, band_upper_yi (亿元; inf for the top band), count_above (firms ≥ lower,
    cumulative), count_in_band (firms in [lower, upper)), min_revenue_yi (count_in_band × lower: what
    the band contributes at the least).
    """
    if thresholds is None or counts is None:
        if plan is None:
            raise ParameterError("band_table needs thresholds and counts, or the plan whose size bands to use")
        pb = plan_bands(plan, chain_id)
        thresholds = pb["thresholds_yi"] if thresholds is None else thresholds
        counts = pb["counts"] if counts is None else counts
    x, n = _check_bands(thresholds, counts)
    upper = np.append(x[1:], np.inf)
    in_band = n - np.append(n[1:], 0.0)
    return pd.DataFrame({"band_lower_yi": x, "band_upper_yi": upper, "count_above": n,
                         "count_in_band": in_band, "min_revenue_yi": in_band * x})


def band_lower_bound(thresholds: Sequence[float] | None = None, counts: Sequence[float] | None = None, *,
                     plan: Plan, chain_id: str | None = None) -> float:
    """Least revenue (亿元) the firms above the first threshold can have: Σ count_in_band × band minimum.

    Qingshanhu: 2×20 + (4−2)×10 + (8−4)×5 + (15−8)×3 + (50−15)×1 = 40 + 20 + 20 + 21 + 35 = 136 亿元.
    """
    return float(band_table(thresholds, counts, plan=plan, chain_id=chain_id)["min_revenue_yi"].sum())


def band_counts(register: pd.DataFrame, year: int | None = None, chain_id: str | None = None,
                thresholds: Sequence[float] | None = None, target_counts: Sequence[float] | None = None,
                above_size_only: bool = True, *, plan: Plan) -> pd.DataFrame:
    """Firms by size band in a register against the plan's band targets (actual vs target).

    ``register``: the clean register (columns year, chain_id, revenue_yi [亿元], above_size). ``year``:
    which year's register (default the bands' year, Qingshanhu 2026); the targets are always the bands'
    year's. ``chain_id``: default the first chain with bands.
    A firm counts above a threshold when revenue_yi ≥ threshold (超1亿元 includes a firm at exactly 1 亿元).
    Columns: threshold_yi, target_above, actual_above (firms ≥ threshold), gap (actual − target),
    attainment_rate (actual in ``year`` ÷ the bands' year's target, fraction: 达成度 — a 完成率 only when
    ``year`` is the bands' year), target_in_band, actual_in_band (firms in [threshold, next threshold)).
    """
    pb = plan_bands(plan, chain_id)
    chain_id = pb["chain_id"]
    year = pb["year"] if year is None else year
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not 2000 <= year <= 2100:
        raise ParameterError(f"year {year!r} is not a register year")
    x, tgt = _check_bands(pb["thresholds_yi"] if thresholds is None else thresholds,
                          pb["counts"] if target_counts is None else target_counts)
    need = {"year", "chain_id", "revenue_yi"} | ({"above_size"} if above_size_only else set())
    missing = need - set(register.columns)
    if missing:
        raise ParameterError(f"register lacks columns {sorted(missing)}")
    sel = register[(register["year"].astype(int) == int(year)) & (register["chain_id"] == chain_id)]
    if above_size_only:
        sel = sel[sel["above_size"].astype(bool)]
    if sel.empty:
        raise ParameterError(f"register has no {'above-size ' if above_size_only else ''}{chain_id} firms in {year}")
    rev = sel["revenue_yi"].astype(float).to_numpy()
    actual = np.array([(rev >= t).sum() for t in x], dtype=float)
    nxt = lambda v: v - np.append(v[1:], 0.0)
    return pd.DataFrame({
        "threshold_yi": x, "target_above": tgt, "actual_above": actual, "gap": actual - tgt,
        "attainment_rate": np.where(tgt > 0, actual / np.where(tgt > 0, tgt, 1), np.nan),
        "target_in_band": nxt(tgt), "actual_in_band": nxt(actual),
    })


def pareto_tail_mean(alpha: float, x_min: float = 1.0, cap: float | None = None) -> float:
    """Mean (亿元) of a Pareto(α) variable on [x_min, cap] (cap None: on [x_min, ∞)).

    Untruncated: α·x_min/(α − 1), inf when α ≤ 1. Truncated at cap U (density ∝ x^(−α−1) on
    [x_min, U]): α·x_min^α·(x_min^(1−α) − U^(1−α)) / ((α − 1)·(1 − (x_min/U)^α)), and
    x_min·ln(U/x_min) / (1 − x_min/U) at α = 1. Reference: Johnson, Kotz & Balakrishnan (1994),
    *Continuous Univariate Distributions* vol. 1, ch. 20 (Pareto; truncated Pareto moments).
    """
    if not (math.isfinite(alpha) and alpha > 0):
        raise ParameterError(f"alpha {alpha!r} must be positive")
    if not (math.isfinite(x_min) and x_min > 0):
        raise ParameterError(f"x_min {x_min!r} must be positive (亿元)")
    if cap is None:
        return alpha * x_min / (alpha - 1) if alpha > 1 else math.inf
    if not (math.isfinite(cap) and cap > x_min):
        raise ParameterError(f"cap {cap!r} must be a number of 亿元 above x_min {x_min:g}")
    r = x_min / cap
    if abs(alpha - 1) < 1e-9:
        return x_min * math.log(cap / x_min) / (1 - r)
    return alpha * x_min ** alpha * (x_min ** (1 - alpha) - cap ** (1 - alpha)) / ((alpha - 1) * (1 - r ** alpha))


# --------------------------------------------------------------------------- hard facts
class _LowestBand:
    """The lowest band of thresholds_yi / counts: its threshold (亿元) and the firms above it (户)."""

    thresholds_yi: tuple[float, ...]
    counts: tuple[float, ...]

    @property
    def x_min_yi(self) -> float:
        return self.thresholds_yi[0]

    @property
    def n_above_min(self) -> float:
        return self.counts[0]


@dataclass(frozen=True)
class BandFacts(_LowestBand):
    """What the plan's bands imply by arithmetic alone (亿元, 户).

    band_floor_yi: the firms ≥ x_min at their bands' lower edges (136). chain_floor_yi: plus every other
    firm at the above-size minimum (186). needed_above_min_yi: (least, most) the firms ≥ x_min must total
    for the chain to reach its target when the others are all at x_min / all at the above-size minimum
    (250, 450); needed_mean_yi: the same per firm (5, 9); floor_mean_yi: band floor per firm (2.72).
    bounded_yi: (least, most) of the firms below the top threshold (96, < 220); top_count/top_floor_yi:
    the firms above the top threshold and their floor (2, 40).
    """

    thresholds_yi: tuple[float, ...]
    counts: tuple[float, ...]
    total_enterprises: float
    target_revenue_yi: float
    above_size_min_yi: float
    band_floor_yi: float
    chain_floor_yi: float
    firms_below_min: float
    needed_above_min_yi: tuple[float, float]
    needed_mean_yi: tuple[float, float]
    floor_mean_yi: float
    bounded_yi: tuple[float, float]
    top_count: float
    top_floor_yi: float
    chain: str = ""           # the chain the bands are for (现代针纺 …)
    year: int | None = None   # the year they are for


def band_facts(thresholds: Sequence[float] | None = None, counts: Sequence[float] | None = None, *,
               total_enterprises: float | None = None, total_revenue_yi: float | None = None,
               above_size_min_yi: float = ABOVE_SIZE_MIN_YI, plan: Plan,
               chain_id: str | None = None) -> BandFacts:
    """The hard facts of the size bands (see :class:`BandFacts`); defaults are the plan's.

    Plan: floor 2×20 + 2×10 + 4×5 + 7×3 + 35×1 = 136; chain floor 136 + 250 × 0.2 = 186; needed from the
    50 firms ≥ 1 亿元: 500 − 250 × 1 = 250 to 500 − 250 × 0.2 = 450, i.e. 5–9 亿元 each; the 48 firms under
    20 亿元 lie between 35×1 + 7×3 + 4×5 + 2×10 = 96 and (strictly below) 35×3 + 7×5 + 4×10 + 2×20 = 220.
    """
    pb = plan_bands(plan, chain_id)
    x, n = _check_bands(pb["thresholds_yi"] if thresholds is None else thresholds,
                        pb["counts"] if counts is None else counts)
    total = pb["total_enterprises"] if total_enterprises is None else total_enterprises
    target = pb["total_revenue_yi"] if total_revenue_yi is None else total_revenue_yi
    if total is None or target is None:
        raise ParameterError(f"the plan's text states no {'firm count' if total is None else 'revenue'} target for "
                             f"{pb['chain']} in {pb['year']}: the band facts need both")
    total, target = float(total), float(target)
    if total < n[0]:
        raise ParameterError(f"total_enterprises {total:g} is below the count above {x[0]:g} 亿元 ({n[0]:g})")
    if not (math.isfinite(above_size_min_yi) and 0 < above_size_min_yi < x[0]):
        raise ParameterError(f"above_size_min_yi {above_size_min_yi!r} must be between 0 and {x[0]:g} 亿元")
    t = band_table(x, n)
    floor = float(t["min_revenue_yi"].sum())
    below = float(total - n[0])
    need = (float(target - below * x[0]), float(target - below * above_size_min_yi))
    inner = t.iloc[:-1]
    bounded = (float((inner["count_in_band"] * inner["band_lower_yi"]).sum()),
               float((inner["count_in_band"] * inner["band_upper_yi"]).sum()))
    return BandFacts(
        thresholds_yi=tuple(float(v) for v in x), counts=tuple(float(v) for v in n), total_enterprises=total,
        target_revenue_yi=target, above_size_min_yi=above_size_min_yi, band_floor_yi=floor,
        chain_floor_yi=floor + below * above_size_min_yi, firms_below_min=below, needed_above_min_yi=need,
        needed_mean_yi=(need[0] / float(n[0]), need[1] / float(n[0])) if n[0] > 0 else (math.nan, math.nan),
        floor_mean_yi=floor / float(n[0]) if n[0] > 0 else math.nan, bounded_yi=bounded,
        top_count=float(n[-1]), top_floor_yi=float(n[-1] * x[-1]), chain=pb["chain"], year=pb["year"])


# --------------------------------------------------------------------------- binned maximum likelihood
def _binned_loglik(x: np.ndarray, n: np.ndarray):
    """ℓ(α) = Σₖ nₖ log pₖ(α), pₖ = (xₖ/x₀)^(−α) − (xₖ₊₁/x₀)^(−α), last bin open (Virkar & Clauset 2014, eq. 4)."""
    in_band = n - np.append(n[1:], 0.0)
    r = x / x[0]
    keep = in_band > 0

    def loglik(a: float) -> float:
        p = r ** -a - np.append(r[1:] ** -a, 0.0)
        if np.any(p[keep] <= 0):
            return -math.inf
        return float(np.sum(in_band[keep] * np.log(p[keep])))

    return loglik


def _binned_mle(x: np.ndarray, n: np.ndarray, level: float) -> tuple[float, float, tuple[float, float], float]:
    """(α̂, se from the observed information, profile-likelihood interval at ``level``, ℓ(α̂))."""
    from scipy.optimize import brentq, minimize_scalar
    from scipy.stats import chi2

    ll = _binned_loglik(x, n)
    lo_b, hi_b = 1e-3, 20.0
    opt = minimize_scalar(lambda a: -ll(a), bounds=(lo_b, hi_b), method="bounded", options={"xatol": 1e-10})
    a = float(opt.x)
    top = ll(a)
    h = 1e-4 * max(a, 1.0)
    curv = -(ll(a + h) - 2 * top + ll(a - h)) / h ** 2
    se = 1 / math.sqrt(curv) if curv > 0 else math.nan
    cut = top - chi2.ppf(level, 1) / 2
    f = lambda v: ll(v) - cut
    lower = brentq(f, lo_b, a, xtol=1e-10) if f(lo_b) < 0 else lo_b
    upper = brentq(f, a, hi_b, xtol=1e-10) if f(hi_b) < 0 else math.inf
    return a, se, (float(lower), float(upper)), top


def _cap_for_total(n_min: float, alpha: float, x_min: float, total: float) -> float:
    """The cap U at which n_min firms on Pareto(α) truncated to [x_min, U] total ``total`` 亿元; inf if never."""
    from scipy.optimize import brentq

    if total <= n_min * x_min:
        return x_min
    limit = n_min * pareto_tail_mean(alpha, x_min)
    if limit <= total:
        return math.inf
    g = lambda u: n_min * pareto_tail_mean(alpha, x_min, u) - total
    hi = x_min * 2
    while g(hi) < 0:
        hi *= 2
    return float(brentq(g, x_min * (1 + 1e-9), hi, xtol=1e-8))


@dataclass(frozen=True, eq=False)  # holds a DataFrame: compare fields, not objects
class ParetoTailFit(_LowestBand):
    """Pareto tail N(≥x) = n_min·(x/x_min)^(−α) fitted to the plan's bands by binned maximum likelihood.

    alpha (α̂), alpha_se (observed information), alpha_ci (profile likelihood at ``level``; inf when the
    likelihood does not fall enough on the right), log_likelihood; fitted_counts (cumulative, at each
    threshold); alpha_ols, alpha_ols_se: log-log OLS on cumulative counts, for comparison only (biased,
    se far too small). facts: :class:`BandFacts`. cap_sensitivity: revenue (亿元) of the n_min firms ≥
    x_min for a Pareto truncated at each cap, at α̂ and at the interval's ends (inf = untruncated with α ≤ 1).
    cap_for_need_yi: (cap at which, with α̂, the n_min firms reach the least / the most they need).
    """

    method: str
    thresholds_yi: tuple[float, ...]
    counts: tuple[float, ...]
    alpha: float
    alpha_se: float
    alpha_ci: tuple[float, float]
    level: float
    log_likelihood: float
    fitted_counts: tuple[float, ...]
    alpha_ols: float
    alpha_ols_se: float
    facts: BandFacts
    cap_sensitivity: pd.DataFrame = field(repr=False)
    cap_for_need_yi: tuple[float, float] = (math.nan, math.nan)

    @property
    def finite_mean(self) -> bool:
        """True when α̂ > 1 (the untruncated tail has a finite mean)."""
        return self.alpha > 1

    @property
    def ci_allows_infinite_mean(self) -> bool:
        """True when the interval reaches α ≤ 1: the bands cannot rule out a tail with no finite mean."""
        return self.alpha_ci[0] <= 1

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("cap_sensitivity", "facts")}
        d = {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}
        d["facts"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self.facts).items()}
        d["finite_mean"], d["ci_allows_infinite_mean"] = self.finite_mean, self.ci_allows_infinite_mean
        d["cap_sensitivity"] = self.cap_sensitivity.to_dict(orient="records")
        return _json_safe(d)

    def summary(self) -> str:
        f, conf = self.facts, f"{self.level:.0%}"
        xm = self.x_min_yi
        lines = [
            f"{f.chain} size bands ({f.year}): hard facts",
            f"  band floors: the {f.n_above_min:g} firms ≥ {xm:g} 亿元 have at least {f.band_floor_yi:,.1f} 亿元; "
            f"the chain ({f.total_enterprises:g} firms) at least {f.chain_floor_yi:,.1f} 亿元",
            f"  to reach {f.target_revenue_yi:,.0f} 亿元 the {f.n_above_min:g} firms ≥ {xm:g} 亿元 need "
            f"{f.needed_above_min_yi[0]:,.0f}–{f.needed_above_min_yi[1]:,.0f} 亿元 "
            f"({f.needed_mean_yi[0]:.1f}–{f.needed_mean_yi[1]:.1f} each; band floors give {f.floor_mean_yi:.2f})",
            "",
            f"Pareto tail, {self.method}",
            "  thresholds (亿元) " + ", ".join(f"{v:g}" for v in self.thresholds_yi),
            "  plan counts       " + ", ".join(f"{v:g}" for v in self.counts),
            "  fitted counts     " + ", ".join(f"{v:.1f}" for v in self.fitted_counts),
            f"  α = {self.alpha:.3f} (se {self.alpha_se:.3f}), {conf} profile-likelihood interval "
            f"[{self.alpha_ci[0]:.3f}, {self.alpha_ci[1]:.3f}]",
            f"  (log-log OLS on cumulative counts, for comparison only: α = {self.alpha_ols:.3f}, "
            f"se {self.alpha_ols_se:.3f} — biased, se too small)",
        ]
        if self.ci_allows_infinite_mean:
            lines.append("  the interval includes α ≤ 1: a tail with no finite mean is consistent with the bands, so "
                         "the revenue they imply depends on the cap assumed for the largest firm:")
        else:
            lines.append("  revenue of the firms above x_min by the cap assumed for the largest firm:")
        cols = [c for c in self.cap_sensitivity.columns if c != "cap_yi"]
        lines.append("    cap (亿元) " + "  ".join(f"{c:>16}" for c in cols))
        for r in self.cap_sensitivity.itertuples(index=False):
            lines.append(f"    {r[0]:>9,.0f} " + "  ".join(f"{v:>16,.1f}" for v in r[1:]))
        a, b = self.cap_for_need_yi
        lines.append(f"  with α̂ the {f.n_above_min:g} firms reach {f.needed_above_min_yi[0]:,.0f} 亿元 at a cap of "
                     f"{a:,.0f} 亿元 and {f.needed_above_min_yi[1]:,.0f} 亿元 at {b:,.0f} 亿元")
        return "\n".join(lines)


def _json_safe(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_json_safe(v) for v in x]
    if isinstance(x, (np.floating, np.integer)):
        x = x.item()
    return None if isinstance(x, float) and not math.isfinite(x) else x


DEFAULT_CAPS_YI = (40.0, 60.0, 100.0, 200.0, 500.0)


def fit_pareto_tail(thresholds: Sequence[float] | None = None, counts: Sequence[float] | None = None, *,
                    level: float = 0.95, caps_yi: Sequence[float] = DEFAULT_CAPS_YI,
                    total_enterprises: float | None = None, total_revenue_yi: float | None = None,
                    above_size_min_yi: float = ABOVE_SIZE_MIN_YI, plan: Plan,
                    chain_id: str | None = None) -> ParetoTailFit:
    """Binned maximum-likelihood Pareto tail for cumulative band counts, with a profile-likelihood interval.

    Defaults are the plan's (Qingshanhu: thresholds 1, 3, 5, 10, 20 亿元, counts 50, 15, 8, 4, 2, 300 firms,
    500 亿元).
    x_min is the first threshold (fixed: the bands start there). ``level``: coverage of the α interval.
    ``caps_yi``: caps for the sensitivity table (each above the largest threshold). Returns a
    :class:`ParetoTailFit` whose ``facts`` are :func:`band_facts`. References in the module docstring.
    """
    from statsmodels.regression.linear_model import OLS  # not statsmodels.api: it imports every model
    from statsmodels.tools.tools import add_constant

    pb = plan_bands(plan, chain_id)
    x, n = _check_bands(pb["thresholds_yi"] if thresholds is None else thresholds,
                        pb["counts"] if counts is None else counts)
    if np.any(n <= 0):
        raise ParameterError("every cumulative count must be > 0 (a band above an empty one cannot be fitted)")
    if len(x) < 3:
        raise ParameterError("a tail fit with an interval needs at least 3 thresholds")
    if isinstance(level, bool) or not (isinstance(level, (int, float)) and 0 < level < 1):
        raise ParameterError(f"level {level!r} must be a coverage strictly between 0 and 1 (e.g. 0.95)")
    caps = sorted({float(c) for c in caps_yi})
    if not caps or any(not (math.isfinite(c) and c > x[-1]) for c in caps):
        raise ParameterError(f"caps_yi {list(caps_yi)!r} must be numbers of 亿元 above the largest threshold {x[-1]:g}")
    facts = band_facts(x, n, total_enterprises=total_enterprises, total_revenue_yi=total_revenue_yi,
                       above_size_min_yi=above_size_min_yi, plan=plan, chain_id=pb["chain_id"])
    a, se, ci, top = _binned_mle(x, n, level)
    ols = OLS(np.log(n), add_constant(np.log(x), has_constant="add")).fit()
    n_min, x_min = float(n[0]), float(x[0])

    def revenue(alpha: float, cap: float | None) -> float:
        # α → ∞ (an interval open on the right): every firm at x_min
        return n_min * (pareto_tail_mean(alpha, x_min, cap) if math.isfinite(alpha) else x_min)

    columns = {"alpha_low": ci[0], "alpha_hat": a, "alpha_high": ci[1]}
    rows = [{"cap_yi": u, **{k: revenue(v, u) for k, v in columns.items()}} for u in caps]
    rows.append({"cap_yi": math.inf, **{k: revenue(v, None) for k, v in columns.items()}})
    sens = pd.DataFrame(rows)
    need = facts.needed_above_min_yi
    return ParetoTailFit(
        method=f"binned maximum likelihood, x_min = {x_min:g} 亿元 (Virkar & Clauset 2014)",
        thresholds_yi=tuple(float(v) for v in x), counts=tuple(float(v) for v in n), alpha=a, alpha_se=se,
        alpha_ci=ci, level=level, log_likelihood=top, fitted_counts=tuple(float(v) for v in n_min * (x / x_min) ** -a),
        alpha_ols=-float(ols.params[1]), alpha_ols_se=float(ols.bse[1]), facts=facts, cap_sensitivity=sens,
        cap_for_need_yi=(_cap_for_total(n_min, a, x_min, need[0]), _cap_for_total(n_min, a, x_min, need[1])),
    )
