"""Time `chainplan brief` for many districts in one run against the same districts run one by one.

    .venv/bin/python benchmarks/bench_many.py [--year 2025] [--sizes 1,4,12] [--jobs N] [--keep DIR] [--code DIR]
                                              [--singles-only]

The districts: the bundled plan (``data/plans/qingshanhu-2024.toml``, with its bundled sample registers and 统计月报)
and copies of the test plans (``tests/data/plans/*.toml``) under other names, each copy with its table beside it
and — for Yunxi, whose 统计月报 are in ``tests/data/yunxi_actuals`` — its 统计月报 in the folder named after the
copy (``<stem>/actuals/``, the run's convention). N = 1 is the bundled plan alone; N = 4 and 12 add copies in turn
(Yunxi, the real-tables plan, Yunxi, …).

Measured, each as the command a user runs in a fresh process (wall seconds; CPU of the process and its children):

* a single-plan run of each kind of district (the bundled plan, a Yunxi copy, a real-tables copy): what one
  district costs on its own;
* ``chainplan brief --plans DIR`` for N = 1, 4, 12 (N = 1: ``--plan`` alone, today's layout): seconds per district,
  against the single-plan runs of the same districts (the mean over the mix); target at N = 12: ≤ 0.6;
* two plans in one run (the bundled plan and a Yunxi copy) against the same two run back to back, in ``--pairs``
  rounds (default 3: the two single runs, then the run of both); the median ratio; target ≤ 0.75.

``--singles-only`` measures the single-plan runs alone (for a checkout without runs of several plans: ``--code``
pointing at it gives the "before"). One run of each, after one unmeasured warm-up (font cache, OS file cache);
the machine may be shared, so read the ratios as such. Exit status 1 when a target is missed or a run fails.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "plans" / "qingshanhu-2024.toml"
TEST_PLANS = {"yunxi": ROOT / "tests" / "data" / "plans" / "yunxi-2024.toml",
              "realtables": ROOT / "tests" / "data" / "plans" / "realtables-2022.toml"}
ACTUALS = {"yunxi": ROOT / "tests" / "data" / "yunxi_actuals"}
PER_DISTRICT_TARGET = 0.6   # per-district wall at N = 12 ÷ a single-plan run
TWO_PLAN_TARGET = 0.75      # two plans in one run ÷ two single runs back to back
CODE = ROOT


def copy_plan(kind: str, stem: str, folder: Path) -> Path:
    """A copy of a test plan as ``folder/<stem>.toml``, its table beside it, its 统计月报 (if any) in
    ``folder/<stem>/actuals``."""
    src = TEST_PLANS[kind]
    text = src.read_text(encoding="utf-8")
    m = re.search(r'^path = "([^"]+)"', text, flags=re.M)
    table = src.parent / m.group(1)
    shutil.copy(table, folder / f"{stem}-{table.name}")
    text = text[:m.start(1)] + f"{stem}-{table.name}" + text[m.end(1):]
    out = folder / f"{stem}.toml"
    out.write_text(text, encoding="utf-8")
    if kind in ACTUALS:
        shutil.copytree(ACTUALS[kind], folder / stem / "actuals")
    return out


def districts(n: int, folder: Path) -> list[Path]:
    """The bundled plan and n − 1 copies (Yunxi, real tables, Yunxi, …) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = list(TEST_PLANS)
    return [BUNDLED] + [copy_plan(kinds[i % len(kinds)], f"{kinds[i % len(kinds)]}-{i + 1:02d}", folder)
                        for i in range(n - 1)]


def kind_of(plan: Path) -> str:
    return "bundled" if plan == BUNDLED else plan.stem.split("-")[0]


def _timed(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "chainplan_lib.cli", *args], capture_output=True, text=True,
                          cwd=CODE, env={**os.environ, "PYTHONPATH": str(CODE)})
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def brief(plans: list[Path], year: int, jobs: int, out: Path, *, folder: Path | None = None) -> tuple[float, float]:
    """One `chainplan brief` of ``plans`` (``--plans folder`` when given, with the bundled plan as ``--plan``)."""
    args = ["brief", "--year", str(year), "--jobs", str(jobs), "--out", str(out)]
    if folder is not None:
        args += ["--plan", str(BUNDLED), "--plans", str(folder)]
    else:
        for p in plans:
            args += ["--plan", str(p)]
        stem = plans[0].stem
        if len(plans) == 1 and (plans[0].parent / stem / "actuals").is_dir():
            args += ["--actuals", str(plans[0].parent / stem / "actuals")]   # today's single run: given by hand
    wall, cpu, proc = _timed(args)
    if proc.returncode != 0:
        raise SystemExit(f"`chainplan {' '.join(args)}` exited {proc.returncode}:\n{proc.stdout[-3000:]}\n"
                         f"{proc.stderr[-2000:]}")
    return wall, cpu


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--sizes", default="1,4,12", help="numbers of districts per run (comma-separated)")
    ap.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: the core count)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the plans and reports here")
    ap.add_argument("--pairs", type=int, default=3, help="rounds of the two-plan comparison (two single runs back "
                    "to back, then both in one run); the median ratio counts")
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout whose chainplan_lib is measured")
    ap.add_argument("--singles-only", action="store_true", help="only the single-plan runs (a checkout without "
                                                                 "runs of several plans)")
    args = ap.parse_args(argv)
    global CODE
    CODE = args.code.resolve()
    jobs = args.jobs or _cores()
    sizes = [int(x) for x in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench_many_") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        kinds = districts(3, work / "one")         # one of each kind, for the single-plan runs
        brief([kinds[0]], args.year, jobs, work / "warm")   # unmeasured: font cache, OS file cache
        single: dict[str, tuple[float, float]] = {}
        for p in kinds:
            single[kind_of(p)] = brief([p], args.year, jobs, work / f"single-{kind_of(p)}")
            print(f"  single {kind_of(p):<10} {single[kind_of(p)][0]:6.1f} s wall {single[kind_of(p)][1]:6.1f} s CPU",
                  flush=True)
        print(f"{CODE}: {os.cpu_count()} cores, jobs={jobs}, year {args.year}")
        print(f"{'single-plan run':<34}{'wall s':>8}{'CPU s':>8}")
        for k, (w, c) in single.items():
            print(f"{'  ' + k:<34}{w:8.1f}{c:8.1f}")
        if args.singles_only:
            return 0
        rows, missed = [], []
        for n in sizes:
            plans = districts(n, work / f"plans-{n}")
            mix = sum(single[kind_of(p)][0] for p in plans) / n
            if n == 1:
                wall, cpu = brief(plans, args.year, jobs, work / f"run-{n}")
            else:
                wall, cpu = brief(plans, args.year, jobs, work / f"run-{n}", folder=work / f"plans-{n}")
            rows.append((n, wall, cpu, wall / n, mix, wall / n / mix))
            print(f"  N={n:<3} {wall:6.1f} s wall, {wall / n:5.1f} s per district ({wall / n / mix:.2f} of a single run)",
                  flush=True)
        # two plans: paired rounds, each the two single runs back to back and then the run of both, on the same
        # plans (the single-plan runs above were minutes earlier); medians over the rounds
        two = districts(2, work / "plans-two")
        rounds = []
        for k in range(args.pairs):
            apart_k = [brief([p], args.year, jobs, work / f"two-apart-{k}-{p.stem}") for p in two]
            both = brief(two, args.year, jobs, work / f"two-{k}", folder=work / "plans-two")
            rounds.append((both[0], both[1], sum(w for w, _ in apart_k), sum(c for _, c in apart_k)))
            print(f"  two plans, round {k + 1}: together {both[0]:.1f} s, back to back {rounds[-1][2]:.1f} s "
                  f"({both[0] / rounds[-1][2]:.2f})", flush=True)
        two_wall, two_cpu, apart, apart_cpu = (statistics.median(r[i] for r in rounds) for i in range(4))
    print(f"{'run of N districts':<22}{'wall s':>8}{'CPU s':>8}{'s/district':>12}{'single s':>10}{'ratio':>7}")
    for n, wall, cpu, per, mix, ratio in rows:
        print(f"{'  N = ' + str(n):<22}{wall:8.1f}{cpu:8.1f}{per:12.1f}{mix:10.1f}{ratio:7.2f}")
        if n == 12 and ratio > PER_DISTRICT_TARGET:
            missed.append(f"N=12 per district {ratio:.2f} > {PER_DISTRICT_TARGET}")
    two_ratio = statistics.median(r[0] / r[2] for r in rounds)
    print(f"two plans in one run {two_wall:.1f} s ({two_cpu:.1f} s CPU) vs back to back {apart:.1f} s "
          f"({apart_cpu:.1f} s CPU), medians of {len(rounds)} rounds: ratio {two_ratio:.2f} (the rounds' median; "
          f"target <= {TWO_PLAN_TARGET})")
    if two_ratio > TWO_PLAN_TARGET:
        missed.append(f"two plans {two_ratio:.2f} > {TWO_PLAN_TARGET}")
    print(f"targets: per-district wall at N = 12 <= {PER_DISTRICT_TARGET} of a single run; two plans <= "
          f"{TWO_PLAN_TARGET} of two single runs")
    print("targets met" if not missed else "MISSED: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
