"""Textiles size bands: the plan's firm-size targets for 2026, counted in a register and checked for consistency.

附件1 一、(二): in 2026, 50 textile firms with sales above 1 亿元, of which 15 above 3 亿, 8 above 5 亿,
4 above 10 亿 and 2 above 20 亿 — among 300 above-size firms and 500 亿元 in all. The bands are
cumulative (the 50 include the 15 …). Thresholds and counts come from config/plan_targets.toml.

Units: revenue in 亿元, counts in 户 (firms); exponents and growth as plain numbers/fractions.

Consistency check of the bands themselves (:func:`fit_pareto_tail`): a Pareto tail
N(>x) = C·x^(−α) is fitted to the cumulative counts by OLS of log N on log x (statsmodels); the
grouped-data maximum-likelihood α (Virkar & Clauset 2014) is reported beside it as a cross-check,
because log-log OLS on cumulative counts is known to be biased and its standard errors optimistic
(Clauset, Shalizi & Newman 2009, SIAM Review 51(4), §3.1 and appendix A). With α from the fit and
the plan's count above the first threshold, the revenue those firms imply is the Pareto mean
α·x_min/(α − 1) times the count (finite only for α > 1), and — always — that of a Pareto truncated
at an upper cap (a parameter, stated in the result). The band minimums alone give a hard lower bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .growth import check_alpha
from ..plan.planfile import load_plan

__all__ = [
    "ABOVE_SIZE_MIN_YI",
    "plan_bands",
    "band_table",
    "band_lower_bound",
    "band_counts",
    "pareto_tail_mean",
    "ParetoTailFit",
    "fit_pareto_tail",
]

# 规模以上工业企业: annual main-business revenue of 2,000 万元 or more = 0.2 亿元 (NBS threshold since 2011).
ABOVE_SIZE_MIN_YI = 0.2


def plan_bands(path: str | None = None) -> dict[str, Any]:
    """The plan's size-band targets: {'year', 'thresholds_yi', 'counts', 'total_enterprises', 'total_revenue_yi'}."""
    sb = load_plan(path)["textiles_size_bands"]
    return {"year": int(sb["year"]), "thresholds_yi": [float(x) for x in sb["thresholds_yi"]],
            "counts": [int(n) for n in sb["counts"]], "total_enterprises": int(sb["total_enterprises"]),
            "total_revenue_yi": float(sb["total_revenue_yi"])}


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


def band_table(thresholds: Sequence[float] | None = None, counts: Sequence[float] | None = None) -> pd.DataFrame:
    """Cumulative band counts turned into bands. Defaults: the plan's thresholds and counts.

    Columns: band_lower_yi, band_upper_yi (亿元; inf for the top band), count_above (firms ≥ lower,
    cumulative), count_in_band (firms in [lower, upper)), min_revenue_yi (count_in_band × lower: what
    the band contributes at the least).
    """
    if thresholds is None or counts is None:
        pb = plan_bands()
        thresholds = pb["thresholds_yi"] if thresholds is None else thresholds
        counts = pb["counts"] if counts is None else counts
    x, n = _check_bands(thresholds, counts)
    upper = np.append(x[1:], np.inf)
    in_band = n - np.append(n[1:], 0.0)
    return pd.DataFrame({"band_lower_yi": x, "band_upper_yi": upper, "count_above": n,
                         "count_in_band": in_band, "min_revenue_yi": in_band * x})


def band_lower_bound(thresholds: Sequence[float] | None = None, counts: Sequence[float] | None = None) -> float:
    """Least revenue (亿元) the firms above the first threshold can have: Σ count_in_band × band minimum.

    Plan: 2×20 + (4−2)×10 + (8−4)×5 + (15−8)×3 + (50−15)×1 = 40 + 20 + 20 + 21 + 35 = 136 亿元.
    """
    return float(band_table(thresholds, counts)["min_revenue_yi"].sum())


def band_counts(register: pd.DataFrame, year: int | None = None, chain_id: str = "textiles",
                thresholds: Sequence[float] | None = None, target_counts: Sequence[float] | None = None,
                above_size_only: bool = True) -> pd.DataFrame:
    """Firms by size band in a register against the plan's 2026 targets (actual vs target).

    ``register``: the clean register (columns year, chain_id, revenue_yi [亿元], above_size). ``year``:
    which year's register (default the plan's band year, 2026); the targets are always the 2026 ones.
    A firm counts above a threshold when revenue_yi ≥ threshold. Columns: threshold_yi, target_above,
    actual_above (firms ≥ threshold), gap (actual − target), completion_rate (actual / target,
    fraction), target_in_band, actual_in_band (firms in [threshold, next threshold)).
    """
    pb = plan_bands()
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
    nxt = lambda v: v - np.append(v[1:], 0.0)  # noqa: E731  cumulative → in-band
    return pd.DataFrame({
        "threshold_yi": x, "target_above": tgt, "actual_above": actual, "gap": actual - tgt,
        "completion_rate": np.where(tgt > 0, actual / np.where(tgt > 0, tgt, 1), np.nan),
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


def _grouped_mle(x: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Grouped-data ML estimate of α (and its asymptotic se) with x_min = x[0]; bins [xₖ, xₖ₊₁) and [x_last, ∞).

    Reference: Virkar & Clauset (2014), "Power-law distributions in binned empirical data",
    Annals of Applied Statistics 8(1), eq. (4).
    """
    from scipy.optimize import minimize_scalar

    in_band = n - np.append(n[1:], 0.0)
    r = x / x[0]

    def nll(a: float) -> float:
        upper = np.append(r[1:] ** -a, 0.0)
        p = r ** -a - upper
        if np.any(p[in_band > 0] <= 0):
            return math.inf
        return -float(np.sum(in_band[in_band > 0] * np.log(p[in_band > 0])))

    opt = minimize_scalar(nll, bounds=(1e-3, 20.0), method="bounded", options={"xatol": 1e-10})
    a = float(opt.x)
    h = 1e-4 * max(a, 1.0)
    curv = (nll(a + h) - 2 * nll(a) + nll(a - h)) / h ** 2
    se = 1 / math.sqrt(curv) if curv > 0 else math.nan
    return a, se


@dataclass(frozen=True, eq=False)  # holds a DataFrame: compare fields, not objects
class ParetoTailFit:
    """Pareto tail N(>x) = C·x^(−α) fitted to cumulative band counts, and the revenue it implies.

    alpha, alpha_ci, alpha_se: from OLS of log N on log x (statsmodels; CI from the t distribution
    with n − 2 df). alpha_mle, alpha_mle_se: grouped-data ML cross-check. c: fitted N(>1 亿元).
    Revenues in 亿元: revenue_above_min_yi (Pareto mean × plan count above x_min; inf if α ≤ 1),
    revenue_above_min_truncated_yi (same with the tail truncated at cap_yi), band_lower_bound_yi
    (band minimums), chain_revenue_low/mid/high_yi (the truncated tail plus the firms below x_min at
    the above-size minimum / on the same Pareto extended down to it / all just under x_min),
    chain_lower_bound_yi (band minimums + every other firm at the above-size minimum), target_revenue_yi.
    """

    method: str
    thresholds_yi: tuple[float, ...]
    counts: tuple[float, ...]
    alpha: float
    alpha_se: float
    alpha_ci: tuple[float, float]
    alpha_mle: float
    alpha_mle_se: float
    c: float
    r_squared: float
    fitted_counts: tuple[float, ...]
    x_min_yi: float
    n_above_min: float
    cap_yi: float
    x_one_firm_yi: float
    revenue_above_min_yi: float
    revenue_above_min_truncated_yi: float
    band_lower_bound_yi: float
    total_enterprises: float
    firms_below_min: float
    above_size_min_yi: float
    chain_revenue_low_yi: float
    chain_revenue_mid_yi: float
    chain_revenue_high_yi: float
    chain_lower_bound_yi: float
    target_revenue_yi: float
    alpha_level: float
    cap_sensitivity: pd.DataFrame = field(repr=False)

    @property
    def finite_mean(self) -> bool:
        """True when α > 1, i.e. the untruncated tail has a finite total revenue."""
        return self.alpha > 1

    @property
    def needed_above_min_yi(self) -> tuple[float, float]:
        """(least, most) revenue, 亿元, the firms ≥ x_min must have for the chain to reach its target."""
        return (self.target_revenue_yi - self.firms_below_min * self.x_min_yi,
                self.target_revenue_yi - self.firms_below_min * self.above_size_min_yi)

    @property
    def target_position(self) -> str:
        """Where the chain target sits against the implied range [low, high]: 'below', 'within' or 'above'."""
        if self.target_revenue_yi < self.chain_revenue_low_yi:
            return "below"
        return "above" if self.target_revenue_yi > self.chain_revenue_high_yi else "within"

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "cap_sensitivity"}
        d["target_position"] = self.target_position
        d = {k: (list(v) if isinstance(v, tuple) else v) for k, v in d.items()}
        d["finite_mean"] = self.finite_mean
        d["needed_above_min_yi"] = list(self.needed_above_min_yi)
        d["cap_sensitivity"] = self.cap_sensitivity.to_dict(orient="records")
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in d.items()}

    def summary(self) -> str:
        conf = round(100 * (1 - self.alpha_level))
        xm = self.x_min_yi
        lines = [
            "Textiles size bands: Pareto tail N(>x) = C·x^(−α) fitted to the plan's cumulative counts",
            f"  method: {self.method}",
            "  thresholds (亿元) " + ", ".join(f"{v:g}" for v in self.thresholds_yi),
            "  plan counts       " + ", ".join(f"{v:g}" for v in self.counts),
            "  fitted counts     " + ", ".join(f"{v:.1f}" for v in self.fitted_counts),
            f"  α = {self.alpha:.3f} (se {self.alpha_se:.3f}), {conf} % CI [{self.alpha_ci[0]:.3f}, {self.alpha_ci[1]:.3f}];"
            f" C = {self.c:.1f}; R² = {self.r_squared:.4f}",
            f"  cross-check, grouped-data maximum likelihood: α = {self.alpha_mle:.3f} (se {self.alpha_mle_se:.3f})",
            "",
            f"Revenue of the {self.n_above_min:g} firms above {xm:g} 亿元:",
        ]
        if self.finite_mean:
            lines.append(f"  untruncated Pareto: {self.revenue_above_min_yi:,.1f} 亿元 (α only just above 1: "
                         "the mean is dominated by the tail and very sensitive to α)")
        else:
            lines.append("  untruncated Pareto: infinite (α ≤ 1: the tail has no finite mean)")
        lines += [
            f"  truncated at {self.cap_yi:g} 亿元 (largest firm assumed ≤ cap; the fitted tail reaches one firm at "
            f"{self.x_one_firm_yi:.1f} 亿元): {self.revenue_above_min_truncated_yi:,.1f} 亿元",
            f"  lower bound from the band minimums alone: {self.band_lower_bound_yi:,.1f} 亿元",
            "  sensitivity to the cap: " + "; ".join(
                f"{r.cap_yi:g} → {r.revenue_above_min_yi:,.0f}" for r in self.cap_sensitivity.itertuples()),
            "",
            f"Whole chain ({self.total_enterprises:g} firms; {self.firms_below_min:g} below {xm:g} 亿元, "
            f"each ≥ {self.above_size_min_yi:g} 亿元 as above-size firms) against {self.target_revenue_yi:,.0f} 亿元:",
            f"  implied {self.chain_revenue_low_yi:,.1f} – {self.chain_revenue_high_yi:,.1f} 亿元 "
            f"(central, same Pareto below {xm:g} 亿元: {self.chain_revenue_mid_yi:,.1f})",
            f"  hard lower bound (band minimums + {self.firms_below_min:g} × {self.above_size_min_yi:g}): "
            f"{self.chain_lower_bound_yi:,.1f} 亿元",
            f"  to reach {self.target_revenue_yi:,.0f} 亿元 the firms above {xm:g} 亿元 need "
            f"{self.needed_above_min_yi[0]:,.0f} – {self.needed_above_min_yi[1]:,.0f} 亿元 in all",
            f"  the {self.target_revenue_yi:,.0f} 亿元 target is {self.target_position.upper()} the range the bands "
            f"imply with the tail capped at {self.cap_yi:g} 亿元",
        ]
        return "\n".join(lines)


def fit_pareto_tail(thresholds: Sequence[float] | None = None, counts: Sequence[float] | None = None, *,
                    cap_yi: float | None = None, cap_factor: float = 3.0,
                    total_enterprises: float | None = None, total_revenue_yi: float | None = None,
                    above_size_min_yi: float = ABOVE_SIZE_MIN_YI, alpha_level: float = 0.05,
                    sensitivity_factors: Sequence[float] = (2.0, 3.0, 5.0, 10.0)) -> ParetoTailFit:
    """Fit a Pareto tail to cumulative band counts and compare the revenue it implies with the chain's target.

    Defaults are the plan's: thresholds 1, 3, 5, 10, 20 亿元, counts 50, 15, 8, 4, 2, 300 firms,
    500 亿元. The fit is OLS of log N(>x) on log x (statsmodels), α = −slope. ``cap_yi``: upper cap
    (亿元) for the truncated tail; default ``cap_factor`` × the largest threshold (3 × 20 = 60 亿元).
    ``above_size_min_yi``: least revenue of an above-size firm (0.2 亿元 = 2,000 万元).
    ``alpha_level``: significance level of the α CI. Returns a :class:`ParetoTailFit`.
    """
    import statsmodels.api as sm

    pb = plan_bands()
    x, n = _check_bands(pb["thresholds_yi"] if thresholds is None else thresholds,
                        pb["counts"] if counts is None else counts)
    if np.any(n <= 0):
        raise ParameterError("every cumulative count must be > 0 to take logs")
    if len(x) < 3:
        raise ParameterError("a Pareto fit with a CI needs at least 3 thresholds")
    alpha_level = check_alpha(alpha_level)
    total_enterprises = float(pb["total_enterprises"] if total_enterprises is None else total_enterprises)
    total_revenue_yi = float(pb["total_revenue_yi"] if total_revenue_yi is None else total_revenue_yi)
    if total_enterprises < n[0]:
        raise ParameterError(f"total_enterprises {total_enterprises:g} is below the count above {x[0]:g} 亿元 ({n[0]:g})")
    if not (math.isfinite(above_size_min_yi) and 0 < above_size_min_yi < x[0]):
        raise ParameterError(f"above_size_min_yi {above_size_min_yi!r} must be between 0 and {x[0]:g} 亿元")
    if cap_yi is None:
        if not (isinstance(cap_factor, (int, float)) and cap_factor > 1):
            raise ParameterError(f"cap_factor {cap_factor!r} must be > 1")
        cap_yi = cap_factor * float(x[-1])
    if not (isinstance(cap_yi, (int, float)) and math.isfinite(cap_yi) and cap_yi > x[-1]):
        raise ParameterError(f"cap_yi {cap_yi!r} must exceed the largest threshold {x[-1]:g} 亿元")

    res = sm.OLS(np.log(n), sm.add_constant(np.log(x), has_constant="add")).fit()
    alpha = -float(res.params[1])
    alpha_se = float(res.bse[1])
    lo, hi = (float(v) for v in np.asarray(res.conf_int(alpha_level))[1])
    c = math.exp(float(res.params[0]))
    if alpha <= 0:
        raise ParameterError(f"the counts do not fall with size (fitted α = {alpha:.3f}); no Pareto tail")
    alpha_mle, alpha_mle_se = _grouped_mle(x, n)

    x_min, n_min = float(x[0]), float(n[0])
    mean_inf = pareto_tail_mean(alpha, x_min)
    mean_cap = pareto_tail_mean(alpha, x_min, cap_yi)
    rev_inf, rev_cap = n_min * mean_inf, n_min * mean_cap
    below = total_enterprises - n_min
    # same Pareto extended below x_min, truncated to [above-size minimum, x_min]
    mean_below = pareto_tail_mean(alpha, above_size_min_yi, x_min)
    lower_bound = band_lower_bound(x, n)
    caps = sorted({float(f) * float(x[-1]) for f in sensitivity_factors if float(f) > 1} | {float(cap_yi)})
    sens = pd.DataFrame({"cap_yi": caps,
                         "revenue_above_min_yi": [n_min * pareto_tail_mean(alpha, x_min, u) for u in caps]})
    return ParetoTailFit(
        method="OLS of log N(>x) on log x (statsmodels), cumulative counts; α = −slope",
        thresholds_yi=tuple(float(v) for v in x), counts=tuple(float(v) for v in n),
        alpha=alpha, alpha_se=alpha_se, alpha_ci=(-hi, -lo), alpha_mle=alpha_mle, alpha_mle_se=alpha_mle_se,
        c=c, r_squared=float(res.rsquared), fitted_counts=tuple(float(v) for v in c * x ** -alpha),
        x_min_yi=x_min, n_above_min=n_min, cap_yi=float(cap_yi), x_one_firm_yi=(n_min ** (1 / alpha)) * x_min,
        revenue_above_min_yi=rev_inf, revenue_above_min_truncated_yi=rev_cap, band_lower_bound_yi=lower_bound,
        total_enterprises=total_enterprises, firms_below_min=below, above_size_min_yi=above_size_min_yi,
        chain_revenue_low_yi=rev_cap + below * above_size_min_yi, chain_revenue_mid_yi=rev_cap + below * mean_below,
        chain_revenue_high_yi=rev_cap + below * x_min, chain_lower_bound_yi=lower_bound + below * above_size_min_yi,
        target_revenue_yi=total_revenue_yi, alpha_level=alpha_level, cap_sensitivity=sens,
    )
