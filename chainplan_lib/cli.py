"""`chainplan` command line: parses arguments and calls the library. No logic lives here."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import ChainplanError, ParameterError

DEFAULT_RAW_TARGETS = Path("data/raw/attachment2_targets.txt")
DEFAULT_TARGETS = Path("data/processed/targets.csv")


def _cmd_targets(args: argparse.Namespace) -> int:
    from .cleaning.targets import write_targets

    result = write_targets(args.raw, args.out)
    print(result.summary())
    return 0


def _cmd_register_clean(args: argparse.Namespace) -> int:
    from .cleaning.register import clean_registers

    result = clean_registers(args.inputs, out_dir=args.out)
    print(result.summary_text())
    return 0


def _cmd_register_sample(args: argparse.Namespace) -> int:
    from .cleaning.register_sample import write_sample

    paths = write_sample(args.year, seed=args.seed, out=args.out)
    for p in paths:
        print(p)
    return 0


def _cmd_consistency(args: argparse.Namespace) -> int:
    from .analysis.consistency import check_consistency
    from .cleaning.targets import load_targets

    result = check_consistency(
        load_targets(args.targets), tolerance_pp=args.tolerance, base_total_yi=args.base_total
    )
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.summary())
    return 0


def _cmd_actuals_clean(args: argparse.Namespace) -> int:
    from .cleaning.actuals import clean_actuals

    print(clean_actuals(args.inputs, out_dir=args.out).summary_text())
    return 0


def _cmd_actuals_sample(args: argparse.Namespace) -> int:
    from .cleaning.actuals_sample import write_sample_actuals

    for p in write_sample_actuals(args.out, seed=args.seed, overwrite=args.overwrite):
        print(p)
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    from .analysis.progress_report import progress_report
    from .cleaning.actuals import actuals_bundle
    from .cleaning.targets import load_targets
    from .plan.params import check_year

    year = check_year(args.year)
    if args.month is not None and not 1 <= args.month <= 12:
        raise ParameterError(f"--month {args.month} must be 1–12 (1—2月 is month 2)")
    data = actuals_bundle(args.actuals)
    report = progress_report(data.actuals, load_targets(args.targets), year, args.month, basis=args.basis)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(("【示例数据：合成的统计月报，非真实统计】\n" if data.synthetic else "") + report.summary())
    return 0


def _add_actuals_parsers(sub) -> None:
    a = sub.add_parser("actuals", help="statistics-office monthly figures (统计月报)")
    asub = a.add_subparsers(dest="actuals_command", required=True)
    ac = asub.add_parser("clean", help="clean monthly reports / tidy files into actuals.csv, quarantine and checks")
    ac.add_argument("inputs", nargs="+", type=Path, help=".xlsx/.csv files or folders")
    ac.add_argument("--out", type=Path, default=Path("data/processed/actuals"))
    ac.set_defaults(func=_cmd_actuals_clean)
    sa = asub.add_parser("sample", help="write the SYNTHETIC monthly reports (示例数据) into a folder")
    sa.add_argument("--out", type=Path, required=True, help="folder for the five sample files")
    sa.add_argument("--seed", type=int, default=0)
    sa.add_argument("--overwrite", action="store_true", help="replace existing sample files")
    sa.set_defaults(func=_cmd_actuals_sample)

    p = sub.add_parser("progress", help="1—N月 progress against the year's targets and 时序进度, full-year estimates")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, default=None, help="N of 1—N月 (default: the latest published)")
    p.add_argument("--actuals", type=Path, default=None,
                   help="folder with actuals.csv, or raw reports to clean (default: the bundled SYNTHETIC sample)")
    p.add_argument("--targets", type=Path, default=None, help="targets.csv (default: clean the bundled raw table)")
    p.add_argument("--basis", choices=("calendar", "seasonal"), default="calendar",
                   help="时序进度: N/12 (calendar) or past years' share reached by month N (seasonal)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_progress)


def _cmd_brief(args: argparse.Namespace) -> int:
    from .reporting.batch import run_brief

    outcome = run_brief(args.year, registers=args.registers, out=args.out, jobs=args.jobs,
                        notebooks=args.notebooks, processed=args.processed)
    print(outcome.summary())
    return 0 if outcome.ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chainplan", description="Qingshanhu industrial-chain plan: clean, check, brief.")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("targets", help="clean Attachment 2 into data/processed/targets.csv")
    t.add_argument("--raw", type=Path, default=DEFAULT_RAW_TARGETS, help="raw extraction (default: %(default)s)")
    t.add_argument("--out", type=Path, default=DEFAULT_TARGETS, help="tidy CSV to write (default: %(default)s)")
    t.set_defaults(func=_cmd_targets)

    r = sub.add_parser("register", help="enterprise registers (规上企业名录)")
    rsub = r.add_subparsers(dest="register_command", required=True)
    rc = rsub.add_parser("clean", help="clean register files into a validated table and panel")
    rc.add_argument("inputs", nargs="+", type=Path, help="workbooks (.xls/.xlsx/.xlsm/.ods/.et), .csv files or folders")
    rc.add_argument("--out", type=Path, default=Path("data/processed/register"))
    rc.set_defaults(func=_cmd_register_clean)
    rs = rsub.add_parser("sample", help="write a SYNTHETIC register consistent with the targets")
    rs.add_argument("--year", type=int, required=True)
    rs.add_argument("--seed", type=int, default=0)
    rs.add_argument("--out", type=Path, required=True, help="file path (.xlsx, .xls or .csv) or folder")
    rs.set_defaults(func=_cmd_register_sample)

    c = sub.add_parser("consistency", help="is ~10 %% a year consistent with the chain targets?")
    c.add_argument("--tolerance", type=float, default=1.0, help="tolerance for 左右, percentage points")
    c.add_argument("--base-total", type=float, default=None, help="total above-size industrial revenue, base year, 亿元")
    c.add_argument("--targets", type=Path, default=None, help="targets.csv (default: clean the bundled raw table)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_consistency)

    b = sub.add_parser("brief", help="the yearly batch: cleaning, notebooks, HTML and the briefing PDF")
    b.add_argument("--year", type=int, required=True)
    b.add_argument("--registers", type=Path, default=None, help="folder of register files (default: bundled sample)")
    b.add_argument("--out", type=Path, default=Path("reports"))
    b.add_argument("--jobs", type=int, default=None, help="parallel notebook processes (default: CPU count)")
    b.add_argument("--notebooks", type=Path, default=None, help="folder of notebooks to run (default: notebooks/)")
    b.add_argument("--processed", type=Path, default=None,
                   help="where the cleaning step writes its tables (default: data/processed/)")
    b.set_defaults(func=_cmd_brief)
    _add_actuals_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ChainplanError as exc:  # one clear line, no traceback soup
        print(f"chainplan: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
