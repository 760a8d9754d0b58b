"""Hand-listed mutation testing: does the test suite notice when a calculation or a reader-facing text is wrong?

Each mutation replaces one exact piece of source text (it must occur exactly once) in a throw-away copy of the
package, then runs the tests named for it against that copy (``PYTHONPATH`` points at the copy, so notebook
kernels started by the tests import the mutant too). A mutation is *killed* when those tests fail. The
report gives killed / total for the calculations and for what readers see, and lists the survivors.

    .venv/bin/python benchmarks/mutate.py            # all mutations
    .venv/bin/python benchmarks/mutate.py -k ahead   # the ones whose id contains "ahead"
    .venv/bin/python benchmarks/mutate.py --list

mutmut was not used: it rewrites the installed package in place and cannot follow the code into the notebook
kernels and pool workers that the presentation tests start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutation:
    id: str
    kind: str  # "calculation" | "presentation"
    file: str  # relative to the repository
    old: str
    new: str
    tests: tuple[str, ...]  # pytest arguments (files or node ids)


C, P = "calculation", "presentation"
G, PR, SH, RG, SB = ("chainplan_lib/analysis/growth.py", "chainplan_lib/analysis/projections.py",
                     "chainplan_lib/analysis/shares.py", "chainplan_lib/analysis/regional.py",
                     "chainplan_lib/analysis/sizebands.py")
B, T = "chainplan_lib/present/briefing.py", "chainplan_lib/present/tables.py"
TF = "tests/test_findings.py"

MUTATIONS: tuple[Mutation, ...] = (
    # ------------------------------------------------------------------ calculations (the review's eight first)
    Mutation("cagr-periods", C, G, "(e / s) ** (1.0 / float(periods)) - 1.0", "(e / s) ** (1.0 / (float(periods) + 1)) - 1.0",
             ("tests/test_growth.py",)),
    Mutation("gb32100-check-digit", C, "chainplan_lib/cleaning/register/uscc.py", "return CHARSET[(31 - total % 31) % 31]",
             "return CHARSET[(30 - total % 31) % 31]", ("tests/test_uscc.py",)),
    Mutation("qianyuan-factor", C, "chainplan_lib/cleaning/register/values.py", '"千元": 0.1,', '"千元": 1.0,',
             ("tests/test_register_read.py", "tests/test_register_clean.py")),
    Mutation("surplus-cells", C, "chainplan_lib/cleaning/targets/clean.py", "row.values = nums[: n_cols - 1] + [nums[-1]]",
             "row.values = nums[: n_cols]", ("tests/test_targets.py",)),
    Mutation("hhi-scale", C, SH, '"hhi": h * 10_000,', '"hhi": h * 1_000,', ("tests/test_shares.py",)),
    Mutation("shift-share-mix-sign", C, RG, "mix = np.where(e0 > 0, e0 * (np.nan_to_num(g) - G), 0.0)",
             "mix = np.where(e0 > 0, e0 * (G - np.nan_to_num(g)), 0.0)", ("tests/test_regional.py",)),
    Mutation("above-size-threshold", C, "chainplan_lib/cleaning/register/output.py", '"above_size": wan >= cfg.threshold_wan - 1e-9,',
             '"above_size": wan >= cfg.threshold_wan * 10 - 1e-9,', ("tests/test_register_clean.py",)),
    Mutation("duplicate-reason", C, "chainplan_lib/cleaning/register/dedupe.py", 'return pd.DataFrame({"reason_code": "duplicate_conflict",',
             'return pd.DataFrame({"reason_code": "duplicate",', ("tests/test_register_clean.py",)),
    # ------------------------------------------------------------------ calculations of this issue
    Mutation("ahead-na-as-false", C, G, "        return pd.NA\n    return bool(round(r - p", "        return False\n    return bool(round(r - p",
             ("tests/test_growth.py",)),
    Mutation("plan-time-base-year", C, G, "return (year - base_year) / (target_year - base_year)",
             "return (year - base_year + 1) / (target_year - base_year + 1)", ("tests/test_growth.py",)),
    Mutation("trend-confidence-default", C, PR, 'interval: str = "prediction", *, level: float | None = None,\n'
             '                     levels: Sequence[float] | None = None, min_points: int = TREND_MIN_POINTS) -> pd.DataFrame:',
             'interval: str = "confidence", *, level: float | None = None,\n'
             '                     levels: Sequence[float] | None = None, min_points: int = TREND_MIN_POINTS) -> pd.DataFrame:',
             ("tests/test_projections.py",)),
    Mutation("trend-min-points", C, PR, "TREND_MIN_POINTS = 5", "TREND_MIN_POINTS = 4", ("tests/test_projections.py",)),
    Mutation("ets-min-points", C, PR, "ETS_MIN_POINTS = 10", "ETS_MIN_POINTS = 4", ("tests/test_projections.py",)),
    Mutation("ets-single-start", C, PR, "ETS_STARTS = ((0.1, 0.01), (0.5, 0.05), (0.9, 0.01))", "ETS_STARTS = ((0.1, 0.01),)",
             ("tests/test_projections.py",)),
    Mutation("fan-fits-the-plan", C, PR,
             "act = series(actuals, chain_id, indicator, area, plan=plan) if actuals is not None else pd.Series(dtype=float)",
             "act = series(actuals, chain_id, indicator, area, plan=plan) if actuals is not None else tgt",
             ("tests/test_projections.py",)),
    Mutation("profile-chi2-halved", C, SB, "cut = top - chi2.ppf(level, 1) / 2", "cut = top - chi2.ppf(level, 1)",
             ("tests/test_sizebands.py",)),
    Mutation("band-need-swapped", C, SB, "need = (float(target - below * x[0]), float(target - below * above_size_min_yi))",
             "need = (float(target - below * above_size_min_yi), float(target - below * x[0]))", ("tests/test_sizebands.py",)),
    Mutation("attainment-inverted", C, SB, '"attainment_rate": np.where(tgt > 0, actual / np.where(tgt > 0, tgt, 1), np.nan),',
             '"attainment_rate": np.where(tgt > 0, np.where(tgt > 0, tgt, 1) / np.maximum(actual, 1), np.nan),',
             ("tests/test_sizebands.py",)),
    Mutation("tie-broken-by-order", C, SH, "tied = grp[np.isclose(v, v.max(), rtol=1e-9, atol=0.0)]",
             'tied = grp.loc[[grp["value"].idxmax()]]', ("tests/test_shares.py",)),
    Mutation("hhi-minimum", C, SH, "return 10_000 / int(n_areas)", "return 10_000 / (int(n_areas) + 1)",
             ("tests/test_shares.py",)),
    Mutation("hhi-threshold-inclusive", C, SH, 'if value > t["high"]:', 'if value >= t["high"]:', ("tests/test_shares.py",)),
    Mutation("lq-closed-sum", C, RG, 'area_total = grid.groupby("area")["value"].transform("sum")',
             'area_total = grid[grid["chain_id"] != OTHER].groupby("area")["value"].transform("sum")',
             ("tests/test_regional.py",)),
    Mutation("em-allocation-sign", C, RG, "alloc = np.where(e0 > 0, (e0 - star) * diff, 0.0)",
             "alloc = np.where(e0 > 0, (star - e0) * diff, 0.0)", ("tests/test_regional.py",)),
    Mutation("rounding-bound-max", C, RG, "                    bounds[c] += d\n", "                    bounds[c] = np.maximum(bounds[c], d)\n",
             ("tests/test_regional.py",)),
    Mutation("external-reference-ignored", C, RG, "G = e1.sum() / tot0 - 1 if big_g is None else big_g",
             "G = e1.sum() / tot0 - 1", ("tests/test_regional.py",)),
    Mutation("share-bound-dropped", C, SH, "total += w * np.abs(sign * (moved / moved.sum() - v / v.sum()))",
             "total += 0 * np.abs(sign * (moved / moved.sum() - v / v.sum()))", ("tests/test_shares.py",)),
    # ------------------------------------------------------------------ what readers see (the review's six first)
    Mutation("briefing-completion-inverted", P, B, 'row[done_col] = float(r["completion_pct"]) if r is not None else None',
             'row[done_col] = 100 - float(r["completion_pct"]) if r is not None else None', (TF,)),
    Mutation("register-table-target-actual-swapped", P, "chainplan_lib/present/register.py",
             'f"{year}年目标": d["target"], f"{year}年实际": d["actual"],',
             'f"{year}年目标": d["actual"], f"{year}年实际": d["target"],', (TF,)),
    Mutation("ahead-strict", P, G, "return bool(round(r - p, AHEAD_DIGITS) >= 0)", "return bool(round(r - p, AHEAD_DIGITS) > 0)",
             ("tests/test_growth.py",)),
    Mutation("ets-band-ignores-level", P, PR,
             'sf = pred.summary_frame(alpha=1 - lv)\n        out[lo_name], out[hi_name] = np.exp(sf["pi_lower"]',
             'sf = pred.summary_frame()\n        out[lo_name], out[hi_name] = np.exp(sf["pi_lower"]', ("tests/test_projections.py",)),
    # both guards opened (the check and WeasyPrint's allowed protocols): either alone still refuses http
    Mutation("pdf-fetcher-allows-http", P, "chainplan_lib/publish/render.py", '        if scheme == "data":\n            return\n        if scheme == "file" and _allowed_file(url, roots):\n            return\n        raise ValueError(f"not fetching {url[:120]!r}: reports use only data: URIs and their own files")\n\n    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint >= 70: a class\n\n        class _LocalOnly(weasyprint.URLFetcher):\n            def fetch(self, url, headers=None):\n                check(url)\n                return super().fetch(url, headers)\n\n        return _LocalOnly(allowed_protocols=("data", "file")',
             '        if scheme in ("data", "http", "https"):\n            return\n        if scheme == "file" and _allowed_file(url, roots):\n            return\n        raise ValueError(f"not fetching {url[:120]!r}: reports use only data: URIs and their own files")\n\n    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint >= 70: a class\n\n        class _LocalOnly(weasyprint.URLFetcher):\n            def fetch(self, url, headers=None):\n                check(url)\n                return super().fetch(url, headers)\n\n        return _LocalOnly(allowed_protocols=("data", "file", "http", "https")', ("tests/test_no_network.py",)),
    Mutation("methods-tolerance-fixed", P, B, "tol = float(tolerance_pp)", "tol = 1.0", (TF,)),
    # ------------------------------------------------------------------ what readers see, this issue
    Mutation("fan-band-called-confidence", P, "chainplan_lib/present/growth.py", 'bands.append(f"{_level_label(lv)} 预测区间', 'bands.append(f"{_level_label(lv)} 置信区间',
             (TF,)),
    Mutation("fan-min-points-text", P, "chainplan_lib/present/growth.py", "少于所需的 {st['min']} 年", "少于所需的 {st['n']} 年", (TF,)),
    Mutation("fan-chart-band-level", P, "chainplan_lib/present/growth.py", 'label=f"{st[\'label\']} {lv * 100:g}% 预测区间")', 'label=f"{st[\'label\']} 95% 预测区间")',
             (TF,)),
    Mutation("fan-chart-title-claims-projection", P, "chainplan_lib/present/growth.py", 'parts += ("、预测" if modelled else "")', 'parts += "、预测"', (TF,)),
    Mutation("pareto-floor-is-chain-floor", P, "chainplan_lib/present/register.py", '营业收入至少 "\n        f"{fmt_num(f.band_floor_yi)} 亿元',
             '营业收入至少 "\n        f"{fmt_num(f.chain_floor_yi)} 亿元', (TF,)),
    Mutation("pareto-need-reversed", P, "chainplan_lib/present/register.py", 'f"{f.needed_mean_yi[0]:g}–{f.needed_mean_yi[1]:g} 亿元',
             'f"{f.needed_mean_yi[1]:g}–{f.needed_mean_yi[0]:g} 亿元', (TF,)),
    Mutation("pareto-caps-columns-swapped", P, "chainplan_lib/present/register.py",
             'for a, b in zip(s["alpha_high"], s["alpha_low"])]', 'for a, b in zip(s["alpha_hat"], s["alpha_low"])]', (TF,)),
    Mutation("share-text-tie-hidden", P, "chainplan_lib/present/shares.py", "elif n_tied > 1:", "elif n_tied > 2:", (TF,)),
    Mutation("share-text-threshold-2010", P, SH, '2023: {"source": "U.S. DOJ & FTC, Merger Guidelines (2023), Guideline 1 / §2.1", "high": 1800.0},',
             '2023: {"source": "U.S. DOJ & FTC, Merger Guidelines (2023), Guideline 1 / §2.1", "high": 2500.0},', (TF,)),
    Mutation("concentration-tie-unmarked", P, "chainplan_lib/present/shares.py", '[a if t <= 1 else f"{a}（并列）"', '[a if t <= 2 else f"{a}（并列）"', (TF,)),
    Mutation("share-change-rounding-ignored", P, "chainplan_lib/present/shares.py",
             '"占比变化（百分点）": [_within(v, x, b) for v, x, b in zip(d["change_pp"], exact, bounds)],',
             '"占比变化（百分点）": [_within(v, x, b / 100) for v, x, b in zip(d["change_pp"], exact, bounds)],', (TF,)),
    Mutation("shift-share-rounding-ignored", P, "chainplan_lib/present/shares.py",
             "[_within(v, x, b) for v, x, b in zip(shown[c], d[c], bound)]",
             "[_within(v, x, -1.0) for v, x, b in zip(shown[c], d[c], bound)]", (TF,)),
    Mutation("parts-rounded-one-by-one", P, "chainplan_lib/present/units.py", "    out = [b + u for b, u in zip(base, up)]\n",
             "    out = [round(v) for v in x]\n    need = 0\n", ("tests/test_units.py", "tests/test_shares.py", TF)),
    Mutation("difference-of-unrounded-values", P, "chainplan_lib/present/units.py",
             "return round(round(x * unit.scale, d) - round(y * unit.scale, d), d)",
             "return round((float(a) - float(b)) * unit.scale, d)", ("tests/test_units.py", TF)),
    Mutation("shift-share-targets-as-findings", P, "chainplan_lib/present/shares.py", 'if basis == "targets":\n        caption', 'if basis == "target":\n        caption',
             (TF,)),
    Mutation("size-band-called-completion", P, "chainplan_lib/present/register.py", 'label = "完成率（%）" if year == target_year else', 'label = "完成率（%）" if True else',
             (TF,)),
    Mutation("register-counts-firm-years", P, "chainplan_lib/present/register.py", '规上企业 "\n            f"{above_size_counts(register)}',
             '规上企业 "\n            f"{s.get(\'above_size\')} 户', (TF,)),
    Mutation("headline-growth-unit-dropped", P, B, '"目标年均增长（%）": consistency.cagr[cid]', '"年均增长": consistency.cagr[cid]', (TF,)),
    Mutation("negative-zero", P, T, "return text[1:] if float(text) == 0 else text", "return text", (TF,)),
    Mutation("lq-reference-unnamed", P, "chainplan_lib/present/shares.py", 'ref = lq.attrs.get("reference", "全区全部规上工业")', 'ref = "全区"', (TF,)),
    Mutation("consistency-band-fixed", P, "chainplan_lib/analysis/consistency.py", '“{goal}”按 ±{self.tolerance_pp:g} 个百分点',
             '“{goal}”按 ±{1:g} 个百分点', (TF,)),
    Mutation("size-band-chart-year", P, "chainplan_lib/present/register.py", 'names = {"actual": f"{year}年名录" if year else "名录"', 'names = {"actual": "名录"',
             (TF,)),
)


# Written after the tests above, without looking for a test that catches them ("blind"): a check that the score
# is not only a list of mutations chosen to be caught. Their ids start with "blind-".
BLIND: tuple[Mutation, ...] = (
    Mutation("blind-verdict-slack", C, "chainplan_lib/analysis/consistency.py", "if hi is not None and growth > hi + _EPS:",
             "if hi is not None and growth > hi + 0.01:", ("tests/test_consistency.py",)),
    Mutation("blind-gap-sign", C, "chainplan_lib/analysis/compare.py", 'out["gap"] = out["actual"] - out["target"]',
             'out["gap"] = out["target"] - out["actual"]', ("tests/test_compare.py",)),
    Mutation("blind-extra-pp-scale", C, G, '"extra_pp": (req - planned) * 100})', '"extra_pp": (req - planned) * 10})',
             ("tests/test_growth.py",)),
    Mutation("blind-rest-of-industry-periods", C, "chainplan_lib/analysis/consistency.py",
             "rest_target = base_total_yi * (1 + district_growth) ** periods - chains_target_yi",
             "rest_target = base_total_yi * (1 + district_growth) ** (periods - 1) - chains_target_yi",
             ("tests/test_consistency.py",)),
    Mutation("blind-cagr-table-digits", P, "chainplan_lib/present/consistency.py", '"年均增长率": U.PCT})', '"年均增长率": U.PCT2})', (TF, "tests/test_targets.py")),
    Mutation("blind-imputed-value-text", P, B, "故补为 **{value:g} {unit}**", "故补为 **{total:g} {unit}**",
             (TF, "tests/test_targets.py")),
    Mutation("blind-register-balance", P, "chainplan_lib/present/register.py", 'ok = s["rows_read"] == s["clean"] + s["quarantined"] + s["duplicates_dropped"]',
             "ok = True", (TF, "tests/test_register_clean.py")),
    Mutation("blind-completion-bar-label", P, "chainplan_lib/present/register.py", 'ax.text(v, y, f" {v:.0f}%"', 'ax.text(v, y, f" {v / 100:.0f}%"', (TF,)),
)
# A second blind round, written after the first was fixed and left as it scored (nothing changed to catch them).
BLIND2: tuple[Mutation, ...] = (
    Mutation("blind2-share-total-max", C, SH, 'out["total"] = g.transform(lambda v: v.sum() if v.notna().all() else np.nan)',
             'out["total"] = g.transform(lambda v: v.max() if v.notna().all() else np.nan)', ("tests/test_shares.py",)),
    Mutation("blind2-pareto-mean-alpha-one", C, SB, "return x_min * math.log(cap / x_min) / (1 - r)",
             "return x_min * math.log(cap / x_min) / (1 + r)", ("tests/test_sizebands.py",)),
    Mutation("blind2-yoy-ratio", C, G, "yoy = value / p - 1 if", "yoy = value / p if", ("tests/test_growth.py",)),
    Mutation("blind2-targets-row-count", P, "chainplan_lib/present/targets.py", "清洗后共 **{len(t)}** 行", "清洗后共 **{len(t) - 1}** 行", (TF,)),
    Mutation("blind2-quarantine-count", P, "chainplan_lib/present/register.py", "隔离 {s['quarantined']} 行（原因：", "隔离 {s['duplicates_dropped']} 行（原因：",
             (TF,)),
    Mutation("blind2-title-month", P, B, "{today.year}年{today.month}月{today.day}日", "{today.year}年{today.day}月{today.month}日",
             (TF,)),
)
MUTATIONS = MUTATIONS + BLIND + BLIND2


def _copy_tree(dst: Path) -> None:
    for name in ("chainplan_lib", "tests", "notebooks", "data", "benchmarks"):
        shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints",
                                                                               "processed"))
    for name in ("pyproject.toml", "environment.yml", "README.md", "Makefile"):
        shutil.copy2(ROOT / name, dst / name)
    if (ROOT / ".ci").exists():
        shutil.copytree(ROOT / ".ci", dst / ".ci")
    (dst / "data" / "processed").mkdir(exist_ok=True)


def run(mutation: Mutation, timeout: float) -> tuple[bool, float, str]:
    """Apply one mutation in a fresh copy and run its tests. Returns (killed, seconds, last output line)."""
    with tempfile.TemporaryDirectory(prefix="chainplan-mutant-") as tmp:
        dst = Path(tmp)
        _copy_tree(dst)
        target = dst / mutation.file
        text = target.read_text(encoding="utf-8")
        count = text.count(mutation.old)
        if count != 1:
            raise SystemExit(f"{mutation.id}: the text to mutate occurs {count} times in {mutation.file} (need 1)")
        target.write_text(text.replace(mutation.old, mutation.new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(dst), "CHAINPLAN_CACHE": os.environ.get(
            "CHAINPLAN_CACHE", str(Path.home() / ".cache" / "chainplan"))}
        env.pop("COVERAGE_PROCESS_CONFIG", None)
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutation.tests]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=dst, env=env, capture_output=True, text=True, timeout=timeout)
            killed, out = proc.returncode != 0, (proc.stdout.strip().splitlines() or [""])[-1]
        except subprocess.TimeoutExpired:
            killed, out = True, "timeout (counted as killed)"
        return killed, time.perf_counter() - t0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="run only mutations whose id contains this text")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("--check", action="store_true", help="only check that each mutation's text occurs exactly once")
    ap.add_argument("--baseline", action="store_true",
                    help="first run each test set on an unmutated copy (all must pass, or a kill means nothing)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per mutant")
    args = ap.parse_args(argv)
    chosen = [m for m in MUTATIONS if args.k in m.id]
    if args.list:
        for m in chosen:
            print(f"{m.kind:<13} {m.id:<40} {m.file}")
        return 0
    if args.check:
        bad = [f"{m.id}: {(ROOT / m.file).read_text(encoding='utf-8').count(m.old)} matches in {m.file}"
               for m in chosen if (ROOT / m.file).read_text(encoding="utf-8").count(m.old) != 1]
        print("\n".join(bad) or f"{len(chosen)} mutations, each text found once")
        return 1 if bad else 0
    if args.baseline:
        for tests in dict.fromkeys(m.tests for m in chosen):
            failed, secs, out = run(Mutation("baseline", C, chosen[0].file, chosen[0].old, chosen[0].old, tests),
                                    args.timeout)
            print(f"{'BASELINE FAILS' if failed else 'baseline ok'} {' '.join(tests)} {secs:6.1f} s  {out}", flush=True)
            if failed:
                return 2
    results: dict[str, list[tuple[Mutation, bool]]] = {C: [], P: []}
    for m in chosen:
        killed, secs, out = run(m, args.timeout)
        results[m.kind].append((m, killed))
        print(f"{'killed  ' if killed else 'SURVIVED'} {m.kind:<13} {m.id:<40} {secs:6.1f} s  {out}", flush=True)
    print()
    for kind, rows in results.items():
        if rows:
            k = sum(killed for _, killed in rows)
            print(f"{kind:<13} killed {k}/{len(rows)} ({k / len(rows):.0%})")
    survivors = [m.id for rows in results.values() for m, killed in rows if not killed]
    if survivors:
        print("survivors: " + ", ".join(survivors))
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
