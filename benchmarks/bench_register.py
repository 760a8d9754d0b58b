"""Benchmark: clean a register CSV against the fastest plain read of the same file, at 1 M and 5 M rows.

    .venv/bin/python benchmarks/bench_register.py [--rows 1000000 5000000] [--pairs 3] [--code DIR] [--keep DIR]

Generates synthetic registers (chainplan_lib.cleaning.register.sample.large_register: a title row, a unit
note, office headings, ~1 % of each kind of dirt, 0.5 % exact duplicates) into a temporary folder:

* "export": the 15 columns a statistics-bureau 规上工业企业名录 carries (the cleaner parses 7 of them and
  carries the rest along for the quarantine);
* "minimal": only the 8 columns the cleaner needs: every column read is parsed.

The baseline is ``pyarrow.csv.read_csv`` of the same file (title rows skipped), the fastest plain read here.
Each file is measured in **paired runs**: ours, then the baseline, alternately, each in a fresh child process,
``--pairs`` times; the medians count (the machine is shared, so back-to-back pairs see the same load).
"Ours" is ``clean_registers([path], out_dir=None)``: reading, parsing, checking, deduplicating, the panel;
one more run with ``out_dir`` times writing the outputs too.

Peak memory is the child's maximum resident set size (``resource.getrusage``); per row it is the peak less
the child's size after its imports, divided by the rows, so growth with the row count is visible.
Targets: ours <= 2.5 x the read on both files, peak <= 1.5 GB at 5 M rows (clean and clean + write).
Exit status 1 if any is missed. ``--code DIR`` runs another checkout's chainplan_lib (a before/after table).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME_RATIO_TARGET = 2.5
PEAK_TARGET_MB = 1536.0
PEAK_TARGET_ROWS = 5_000_000  # the memory target is set for this size (smaller files must stay under it too)

_STAGE = r"""
import json, resource, sys, time
from pathlib import Path
stage, path, out = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
def rss_mb():  # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if stage == "read":
    import pyarrow.csv as pcsv
else:
    from chainplan_lib.cleaning.register.clean import clean_registers
    from chainplan_lib.plan.load import bundled_plan_path, read_plan
    plan = read_plan(bundled_plan_path())
base = rss_mb()
t0 = time.perf_counter()
if stage == "read":
    table = pcsv.read_csv(path, read_options=pcsv.ReadOptions(skip_rows=2))
    info = {"rows": table.num_rows}
else:
    r = clean_registers([path], out_dir=Path(out) if stage == "write" else None, plan=plan)
    s = r.summary
    info = {"rows": s["rows_read"], "clean": s["clean"], "quarantined": s["quarantined"],
            "duplicates": s["duplicates_dropped"], "balanced": s["balanced"]}
info["seconds"] = time.perf_counter() - t0
info["base_mb"] = base
info["peak_mb"] = rss_mb()
print(json.dumps(info))
"""


def _run_stage(stage: str, path: Path, out: Path, code: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = subprocess.run([sys.executable, "-c", _STAGE, stage, str(path), str(out)],
                          capture_output=True, text=True, cwd=code, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} failed on {path.name}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def make_file(path: Path, rows: int, wide: bool) -> float:
    """Write a synthetic register CSV (title row, unit note, header, rows); returns the seconds taken."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from chainplan_lib.cleaning.register.sample import large_register
    from chainplan_lib.plan.load import bundled_plan_path, read_plan

    plan = read_plan(bundled_plan_path())  # the bundled plan: its areas and sample vocabulary
    t0 = time.perf_counter()
    with open(path, "wb") as fh:
        fh.write("【示例数据 SYNTHETIC】2024年青山湖区规上工业企业名录（基准测试，虚构）\n单位：万元\n".encode("utf-8"))
        step = 1_000_000  # generated in parts so a 5 M-row file needs no 5 M-row frame here
        for part, start in enumerate(range(0, rows, step)):
            df = large_register(min(step, rows - start), year=2024, seed=part, wide=wide, plan=plan)
            df["序号"] = (df["序号"].astype(int) + start).astype(str)
            df["企业名称"] = df["企业名称"].str.replace("南昌示例", f"南昌示例{part:02d}", regex=False)
            pcsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), fh,
                           write_options=pcsv.WriteOptions(include_header=part == 0))
    return time.perf_counter() - t0


def measure(folder: Path, name: str, rows: int, wide: bool, pairs: int, code: Path, keep: bool = False) -> dict:
    path = folder / f"synthetic_register_bench_{name}_{rows}.csv"
    gen = 0.0 if path.exists() else make_file(path, rows, wide)  # kept files (--keep) are measured again
    res = {"name": name, "rows": rows, "columns": 15 if wide else 8, "mb": path.stat().st_size / 2**20,
           "generated_s": gen, "ours": [], "read": []}
    for _ in range(pairs):  # paired: ours, then the baseline, back to back
        res["ours"].append(_run_stage("clean", path, folder / "out", code))
        res["read"].append(_run_stage("read", path, folder / "out", code))
    res["write"] = _run_stage("write", path, folder / "out", code)
    ours_s = statistics.median(r["seconds"] for r in res["ours"])
    read_s = statistics.median(r["seconds"] for r in res["read"])
    res["ours_s"], res["read_s"], res["ratio"] = ours_s, read_s, ours_s / read_s
    res["pair_ratios"] = [o["seconds"] / r["seconds"] for o, r in zip(res["ours"], res["read"])]
    res["peak_mb"] = max(max(r["peak_mb"] for r in res["ours"]), res["write"]["peak_mb"])
    res["read_peak_mb"] = max(r["peak_mb"] for r in res["read"])
    base = min(r["base_mb"] for r in res["ours"])
    res["bytes_per_row"] = (res["peak_mb"] - base) * 2**20 / rows
    res["us_per_row"] = ours_s / rows * 1e6
    first = res["ours"][0]
    res["balanced"] = all(r["balanced"] for r in res["ours"]) and res["write"]["balanced"]
    res["counts"] = {k: first[k] for k in ("rows", "clean", "quarantined", "duplicates")}
    res["met_time"] = res["ratio"] <= TIME_RATIO_TARGET
    res["met_memory"] = res["peak_mb"] <= PEAK_TARGET_MB
    if not keep:
        path.unlink()
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    ap.add_argument("--pairs", type=int, default=3, help="paired runs (ours, baseline) per file; medians count")
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout whose chainplan_lib is measured")
    ap.add_argument("--keep", type=Path, default=None,
                    help="keep the generated files in this folder (and reuse them next time)")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    results = []
    with tempfile.TemporaryDirectory(prefix="bench_register_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for rows in args.rows:
            for name, wide in (("export", True), ("minimal", False)):
                results.append(measure(folder, name, rows, wide, args.pairs, args.code.resolve(), keep=bool(args.keep)))
                r = results[-1]
                print(f"  measured {name} {rows:,}: ours {r['ours_s']:.2f} s, read {r['read_s']:.2f} s", flush=True)

    print(f"register benchmark ({args.code}): medians of {args.pairs} paired runs (ours, then pyarrow.csv.read_csv)")
    print(f"targets: ours <= {TIME_RATIO_TARGET} x read; peak <= {PEAK_TARGET_MB:.0f} MB at "
          f"{PEAK_TARGET_ROWS:,} rows (and below)")
    print(f"{'file':<16}{'rows':>11}{'MB':>6}{'read s':>8}{'ours s':>8}{'ratio':>7}{'pairs':>17}"
          f"{'+write s':>9}{'peak MB':>9}{'read MB':>9}{'us/row':>8}{'B/row':>7}  target")
    ok = True
    for r in results:
        held = r["met_time"] and r["balanced"] and (r["met_memory"] or r["rows"] > PEAK_TARGET_ROWS)
        ok &= held
        pairs = "/".join(f"{x:.2f}" for x in r["pair_ratios"])
        print(f"{r['name'] + ' (' + str(r['columns']) + ')':<16}{r['rows']:>11,}{r['mb']:>6.0f}{r['read_s']:>8.2f}"
              f"{r['ours_s']:>8.2f}{r['ratio']:>7.2f} {pairs:>16}{r['write']['seconds']:>9.2f}{r['peak_mb']:>9.0f}"
              f"{r['read_peak_mb']:>9.0f}{r['us_per_row']:>8.2f}{r['bytes_per_row']:>7.0f}  "
              f"{'met' if held else 'MISSED'}")
    for r in results:
        c = r["counts"]
        print(f"rows ({r['name']}, {r['rows']:,}): {c['rows']:,} read = {c['clean']:,} clean + "
              f"{c['quarantined']:,} quarantined + {c['duplicates']:,} duplicates dropped "
              f"({'balanced' if r['balanced'] else 'NOT balanced'})")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
