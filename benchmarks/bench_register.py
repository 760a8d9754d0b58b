"""Benchmark: clean a 1,000,000-row register CSV against just reading it with pandas + pyarrow.

    .venv/bin/python benchmarks/bench_register.py [--rows N] [--repeat K] [--keep DIR] [--strict]

Generates two synthetic registers (chainplan_lib.cleaning.register_sample.large_register: a title row, a unit
note, office headings, ~1 % of each kind of dirt, 0.5 % exact duplicates) into a temporary folder:

* "export": the 15 columns a statistics-bureau 规上工业企业名录 carries (the cleaner parses 7 of them and
  carries the rest along for the quarantine), the case the target is set for;
* "minimal": only the 8 columns the cleaner needs: the worst case, since every column read is parsed.

For each it times, best of ``--repeat``, in a fresh child process per stage:

* read:  ``pandas.read_csv(path, engine="pyarrow", skiprows=2)``, the yardstick;
* clean: ``clean_registers([path], out_dir=None)``: reading, parsing, checking, deduplicating, the panel;
* clean + write: the same with ``out_dir`` (four CSVs and the summary, written atomically).

Peak memory is the child's maximum resident set size (``resource.getrusage``). Targets: clean <= 3 x
read and peak <= 2 GB on the export file (with ``--strict``, on both files). Exit status 1 if missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIME_RATIO_TARGET = 3.0
PEAK_TARGET_MB = 2048.0

_STAGE = r"""
import json, resource, sys, time
from pathlib import Path
stage, path, out, repeat = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
import pandas as pd
from chainplan_lib.cleaning.register import clean_registers
best = float("inf"); info = {}
for _ in range(repeat):
    t0 = time.perf_counter()
    if stage == "read":
        df = pd.read_csv(path, engine="pyarrow", skiprows=2)
        info = {"rows": len(df)}
    else:
        r = clean_registers([path], out_dir=Path(out) if stage == "write" else None)
        info = {"rows": r.summary["rows_read"], "clean": r.summary["clean"],
                "quarantined": r.summary["quarantined"], "duplicates": r.summary["duplicates_dropped"],
                "balanced": r.summary["balanced"]}
    best = min(best, time.perf_counter() - t0)
    df = r = None
info["seconds"] = best
info["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(info))
"""


def _run_stage(stage: str, path: Path, out: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", _STAGE, stage, str(path), str(out), str(repeat)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def make_file(path: Path, rows: int, wide: bool) -> float:
    """Write a synthetic register CSV (title row, unit note, header, rows); returns the seconds taken."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    from chainplan_lib.cleaning.register_sample import large_register

    t0 = time.perf_counter()
    df = large_register(rows, year=2024, seed=0, wide=wide)
    with open(path, "wb") as fh:
        fh.write("【示例数据 SYNTHETIC】2024年青山湖区规上工业企业名录（基准测试，虚构）\n单位：万元\n".encode("utf-8"))
        pcsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), fh)
    return time.perf_counter() - t0


def measure(folder: Path, name: str, rows: int, wide: bool, repeat: int) -> dict:
    path = folder / f"synthetic_register_bench_{name}_{rows}.csv"
    gen = make_file(path, rows, wide)
    res = {"name": name, "columns": 15 if wide else 8, "mb": path.stat().st_size / 2**20, "generated_s": gen}
    res["read"] = _run_stage("read", path, folder / "out", repeat)
    res["clean"] = _run_stage("clean", path, folder / "out", repeat)
    res["write"] = _run_stage("write", path, folder / "out", 1)
    res["ratio"] = res["clean"]["seconds"] / res["read"]["seconds"]
    res["peak_mb"] = max(res["clean"]["peak_mb"], res["write"]["peak_mb"])
    res["met"] = res["ratio"] <= TIME_RATIO_TARGET and res["peak_mb"] <= PEAK_TARGET_MB and res["clean"]["balanced"]
    path.unlink()
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per stage; the best counts")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder instead of a temporary one")
    ap.add_argument("--strict", action="store_true", help="hold the minimal file to the targets too")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    with tempfile.TemporaryDirectory(prefix="bench_register_") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = [measure(folder, "export", args.rows, True, args.repeat),
                   measure(folder, "minimal", args.rows, False, args.repeat)]

    print(f"register benchmark: {args.rows:,} rows per file, best of {args.repeat}, "
          f"targets clean <= {TIME_RATIO_TARGET:.0f} x read, peak <= {PEAK_TARGET_MB:.0f} MB")
    print(f"{'file':<18}{'MB':>6}{'read s':>9}{'clean s':>9}{'x read':>8}{'clean+write s':>15}{'peak MB':>9}  target")
    for r in results:
        print(f"{r['name'] + ' (' + str(r['columns']) + ' col)':<18}{r['mb']:>6.0f}{r['read']['seconds']:>9.2f}"
              f"{r['clean']['seconds']:>9.2f}{r['ratio']:>8.2f}{r['write']['seconds']:>15.2f}{r['peak_mb']:>9.0f}"
              f"  {'met' if r['met'] else 'MISSED'}")
    c = results[0]["clean"]
    print(f"rows (export): {c['rows']:,} read = {c['clean']:,} clean + {c['quarantined']:,} quarantined + "
          f"{c['duplicates']:,} duplicates dropped ({'balanced' if c['balanced'] else 'NOT balanced'})")
    held = results if args.strict else results[:1]
    return 0 if all(r["met"] for r in held) else 1


if __name__ == "__main__":
    sys.exit(main())
