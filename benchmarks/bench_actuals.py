"""Benchmark: the whole monthly-actuals path — clean, backtest every month × year, project — at two sizes.

    .venv/bin/python benchmarks/bench_actuals.py [--areas 100] [--years 7] [--jobs N] [--skip-panel]
                                                 [--target-cpu 60] [--code DIR]

1. **Bundled sample** (data/raw/actuals, 示例数据: 5 files, 31 sheets, 规上工业 + 4 chains, 2019-02 … 2025-09):
   clean in memory; backtest the full-year methods for every series (each complete year × months 2–11, both
   methods); the 2025年1—9月 progress report with its full-year estimates and the annual projections to 2026.
   Prints the backtest table (MAPE % by month per method, interval coverage) for 四链合计 and 规上工业.
2. **Generated panel** (:func:`chainplan_lib.cleaning.actuals.sample.large_panel`): ``--areas`` made-up counties ×
   (4 chains + 规上工业) × ``--years`` years of monthly 1—N月 figures (the last year to 1—9月) as one tidy CSV;
   cleaned with those county names as the accepted areas, then every county × series is backtested and
   projected (full-year estimates at 1—9月 and trend/ETS to 2026), in ``--jobs`` processes.

Times are wall-clock seconds (perf_counter) and CPU seconds (user + system, ``resource.getrusage``, of this
process or of the worker processes), the latter less sensitive to other work on the machine; peak memory is the
maximum resident set size of this process and, for the parallel stage, of its worker processes. On a shared
machine wall times move with the load; the load average is printed with them.

**Target** (``make bench``): the panel — clean + backtests + estimates + projections — in at most
``--target-cpu`` CPU seconds (default 60 for the default 100 × 7 panel, 500 series; the first version took ~0.8 s
of CPU per series, ~400 s). Exit status 1 when the target is missed or an output is inconsistent (rows that do
not balance, a stage that produced nothing). ``--code DIR`` measures another checkout's chainplan_lib (run it
and this one back to back for a before/after pair).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve() if "--code" in sys.argv[:-1] else ROOT
sys.path.insert(0, str(CODE))  # the checkout measured (default: this one)

from chainplan_lib.plan.load import bundled_plan_path, read_plan

PLAN = read_plan(bundled_plan_path())  # the bundled plan, whose sample data these benchmarks use

from chainplan_lib.analysis.backtest import backtest_full_year, coverage, mape_by_month
from chainplan_lib.analysis.fullyear import full_year_estimates
from chainplan_lib.analysis.monthly import SERIES_IDS, cumulative_table
from chainplan_lib.analysis.multiyear import annual_series, project_annual
from chainplan_lib.analysis.progress_report import progress_report
from chainplan_lib.cleaning.actuals.clean import clean_actuals, default_actuals_dir
from chainplan_lib.cleaning.actuals.sample import LAST_MONTH, large_panel, sample_years
from chainplan_lib.cleaning.targets.clean import load_targets
from chainplan_lib.plan.load import bundled_plan_path, read_plan

PLAN = read_plan(bundled_plan_path())  # the bundled plan: its sample and targets
LAST_YEAR = sample_years(PLAN)[2]


def peak_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu(who=resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def timed(label: str, fn, *args, **kwargs):
    t0, c0 = time.perf_counter(), cpu()
    out = fn(*args, **kwargs)
    dt, dc = time.perf_counter() - t0, cpu() - c0
    print(f"  {label:<52} {dt:8.2f} s wall {dc:8.2f} s CPU   peak {peak_mb():6.0f} MB")
    return out, dt


def series_path(table: pd.DataFrame) -> tuple[int, int, int]:
    """Backtest (every complete year × months 2–11, both methods), full-year estimates, annual projection."""
    bt = backtest_full_year(table)
    est = full_year_estimates(table, LAST_YEAR, LAST_MONTH)
    proj = project_annual(annual_series(table, upto=LAST_YEAR - 1), 2026)
    return len(bt), sum(e.available for e in est.values()), len(proj)


def _area_job(frame: pd.DataFrame) -> tuple[int, int, int, int, float]:
    rows = ests = projs = n = 0
    for area, a in frame.groupby("area", sort=False):
        for s in SERIES_IDS:
            b, e, p = series_path(cumulative_table(a, s, area=area, plan=PLAN))
            rows, ests, projs, n = rows + b, ests + e, projs + p, n + 1
    return rows, ests, projs, n, peak_mb()


def bench_sample() -> dict:
    print(f"1. bundled sample ({default_actuals_dir().relative_to(ROOT)})")
    r, t_clean = timed("clean (5 files, 31 sheets)", clean_actuals, [default_actuals_dir()], PLAN)
    a = r.actuals
    tables = {s: cumulative_table(a, s, plan=PLAN) for s in SERIES_IDS}
    bts, t_bt = timed("backtest: 6 series × years × months 2–11 × 2 methods",
                      lambda: {s: backtest_full_year(t) for s, t in tables.items()})
    targets = load_targets(plan=PLAN)
    rep, t_rep = timed("progress report 2025年1—9月 (incl. backtests)", progress_report, a, targets, LAST_YEAR,
                       LAST_MONTH)
    proj, t_proj = timed("annual projections to 2026 (trend + ETS, 6 series)", lambda: rep.projections)
    ok = r.summary["balanced"] and r.summary["rows_accounted"] and all(len(b) for b in bts.values()) and len(proj)
    print(f"  total {t_clean + t_bt + t_rep + t_proj:.2f} s; entries {r.summary['entries']} = clean "
          f"{r.summary['clean']} + quarantined {r.summary['quarantined']} + duplicates {r.summary['duplicates_dropped']}")
    for s in ("all", "industry"):
        m, cov = mape_by_month(bts[s]), coverage(bts[s])
        print(f"\n  backtest, {s}: MAPE % by month (estimate made at 1—N月), years {cov['years'].iloc[0]}")
        print("  " + m.round(2).to_string().replace("\n", "\n  "))
        print("  " + cov[["method", "n", "mape", "bias", "coverage80", "coverage95"]].round(3).to_string(index=False)
              .replace("\n", "\n  "))
    every = pd.concat([b.assign(series=s) for s, b in bts.items()])
    print("\n  backtest, all six series pooled: MAPE % by month")
    print("  " + mape_by_month(every).round(2).to_string().replace("\n", "\n  "))
    print("  " + coverage(every)[["method", "n", "mape", "bias", "coverage80", "coverage95"]].round(3)
          .to_string(index=False).replace("\n", "\n  "))
    return {"ok": bool(ok)}


def bench_panel(n_areas: int, years: int, jobs: int, target_cpu: float | None = None) -> dict:
    print(f"\n2. generated panel: {n_areas} counties × (4 chains + 规上工业) × {years} years, monthly 1—N月")
    with tempfile.TemporaryDirectory() as tmp:
        (df, areas), t_gen = timed("generate", large_panel, PLAN, n_areas, years)
        path = Path(tmp) / "synthetic_panel_tidy.csv"
        df.to_csv(path, index=False)
        print(f"  {len(df):,} rows, {path.stat().st_size / 1e6:.1f} MB")
        c0 = cpu()
        r, t_clean = timed("clean (tidy CSV, county names accepted)", clean_actuals, [path], PLAN, areas=areas)
        cpu_clean = [cpu() - c0]
    a = r.actuals
    chunks = [a[a["area"].isin(areas[i::jobs])] for i in range(jobs)]
    t0, c0 = time.perf_counter(), cpu(resource.RUSAGE_CHILDREN)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(_area_job, chunks))
    t_path, c_path = time.perf_counter() - t0, cpu(resource.RUSAGE_CHILDREN) - c0
    c_clean = cpu_clean[0]
    rows, ests, projs, n = (sum(x[k] for x in results) for k in range(4))
    worker_peak = max(x[4] for x in results)
    print(f"  {'backtest + estimates + projections, ' + str(jobs) + ' processes':<52} {t_path:8.2f} s wall "
          f"{c_path:8.2f} s CPU   worker peak {worker_peak:5.0f} MB")
    print(f"  {n} series: {rows:,} backtest estimates, {ests} full-year estimates, {projs} projection rows; "
          f"{c_path / n:.2f} s CPU per series")
    print(f"  total {t_gen + t_clean + t_path:.2f} s; peak (this process) {peak_mb():.0f} MB")
    total_cpu = c_clean + c_path
    met = target_cpu is None or total_cpu <= target_cpu
    if target_cpu is not None:
        print(f"  CPU, clean + backtests + estimates + projections: {total_cpu:.1f} s "
              f"(target ≤ {target_cpu:g} s: {'met' if met else 'MISSED'})")
    ok = r.summary["balanced"] and r.summary["clean"] == len(df) and rows > 0 and projs > 0
    return {"ok": bool(ok and met), "cpu": total_cpu}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--areas", type=int, default=100)
    p.add_argument("--years", type=int, default=7)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--skip-panel", action="store_true")
    p.add_argument("--target-cpu", type=float, default=60.0,
                   help="CPU seconds allowed for the panel (clean + path); 0 for no target")
    p.add_argument("--code", type=Path, default=ROOT, help="checkout whose chainplan_lib is measured")
    args = p.parse_args(argv)
    print(f"chainplan_lib from {CODE}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine is shared: times vary)\n")
    results = [bench_sample()]
    if not args.skip_panel:
        results.append(bench_panel(args.areas, args.years, args.jobs, args.target_cpu or None))
    print(f"\nload average {os.getloadavg()[0]:.1f}")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
