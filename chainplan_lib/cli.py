"""`chainplan` command line: parses arguments and calls the library. No logic lives here."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import ChainplanError

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
