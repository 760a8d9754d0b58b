"""`chainplan` command line: parses arguments and calls the library. No logic lives here.

Every verb has ``--help`` (each option with its default and unit, and examples); every verb that prints a result
prints it in Chinese, as the pages are, and takes ``--json`` for the same result as JSON (UTF-8, keys stable).
Every command takes ``--plan FILE`` (default: ``$CHAINPLAN_PLAN`` or the bundled plan,
data/plans/qingshanhu-2024.toml). ``chainplan --version`` prints ``chainplan X.Y.Z``.

Exit status (the same in README.md, "Command line"):

* 0 — done;
* 1 — done, but what was checked disagrees (``plan check``: a reconciliation check; ``brief`` / ``run``: a notebook
  failed, its report kept in ``YEAR.failed``);
* 2 — a user error: a bad argument, file or parameter, one line on stderr ``chainplan: error: …`` (argument errors
  included), nothing half-written;
* 3 — the report is printed, but a chain of the plan has no figure for the period (``progress``; the chain is named
  with why; ``--allow-missing`` accepts it and exits 0);
* 130 / 143 — stopped by SIGINT (Ctrl-C) / SIGTERM: one line, workers and kernels stopped, nothing left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from .errors import ChainplanError, Interrupted, ParameterError

DEFAULT_TARGETS = Path("data/processed/targets.csv")
CHECK_FAILED_EXIT = 1  # done, but a check disagrees (plan check) or a notebook failed (brief, run)
USER_ERROR_EXIT = 2  # a bad argument, file or parameter: one line on stderr
MISSING_EXIT = 3  # the report ran and is printed, but a chain of the plan has no figure for the month


def _plan(args: argparse.Namespace):
    """The plan a command runs for: --plan FILE, else $CHAINPLAN_PLAN, else the bundled plan (validated; one line
    on a mistake). Read here, at the edge, and passed on as a value."""
    from .plan.load import read_plan, user_plan_path

    return read_plan(getattr(args, "plan", None) or user_plan_path())


def _shown(path: Path) -> Path:
    """A path relative to the working folder when it lies inside it (as a user would type it), else as is."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _emit(args: argparse.Namespace, as_dict: dict, text: str) -> None:
    """A verb's result on stdout: with ``--json`` the dict as JSON (UTF-8 characters kept, two-space indent), else
    the Chinese text."""
    if getattr(args, "json", False):
        print(json.dumps(as_dict, ensure_ascii=False, indent=2))
    else:
        print(text)


def _written(paths) -> dict:
    """The JSON of a verb whose result is the files it wrote."""
    return {"written": [str(p) for p in paths]}


def _cmd_targets(args: argparse.Namespace) -> int:
    from .cleaning.targets.clean import write_targets
    from .paths import check_output_file

    plan = _plan(args)
    out = check_output_file(args.out, "--out")
    result = write_targets(args.raw if args.raw is not None else _shown(plan.table_path), out, plan=plan)
    _emit(args, result.to_dict(), result.summary())
    return 0


def _cmd_plan_check(args: argparse.Namespace) -> int:
    from .cleaning.targets.plan_check import check_plan_file

    check = check_plan_file(args.file, raw=args.raw)
    _emit(args, check.to_dict(), check.summary())
    return 0 if check.ok else CHECK_FAILED_EXIT


def _cmd_plan_new(args: argparse.Namespace) -> int:
    from .plan.skeleton import parse_years, write_skeleton

    out = write_skeleton(args.district, years=parse_years(args.years) if args.years else None, out=args.out)
    _emit(args, _written([out]), f"已写入 {out}：请对照方案原文填写，然后运行 `chainplan plan check {out}`")
    return 0


def _cmd_register_clean(args: argparse.Namespace) -> int:
    from .cleaning.register.clean import clean_registers
    from .paths import check_output_dir

    plan = _plan(args)
    out = check_output_dir(args.out, "--out")
    result = clean_registers(args.inputs, out_dir=out, plan=plan)
    _emit(args, result.to_dict(), result.summary_text())
    return 0


def _cmd_register_sample(args: argparse.Namespace) -> int:
    from .cleaning.register.sample import write_sample
    from .paths import check_output_dir, check_output_file

    out = args.out
    if out.suffix.lower() in (".xlsx", ".csv"):
        check_output_file(out, "--out")
    else:
        check_output_dir(out, "--out")
    paths = write_sample(args.year, seed=args.seed, out=out, plan=_plan(args))
    _emit(args, _written(paths), "\n".join(str(p) for p in paths))
    return 0


def _cmd_consistency(args: argparse.Namespace) -> int:
    from .analysis.consistency import check_consistency
    from .cleaning.targets.clean import load_targets
    from .district import District
    from .plan.params import check_tolerance
    from .present.consistency import consistency_text

    tolerance = check_tolerance(args.tolerance, "--tolerance")  # the notebooks' rule for tolerance_pp
    plan = _plan(args)
    if args.targets is not None:
        result = check_consistency(load_targets(args.targets, plan=plan), tolerance_pp=tolerance,
                                   base_total_yi=args.base_total, plan=plan)
    else:  # the plan's table, with the 统计月报's base-year total and prior-year actual where published
        result = District.open(plan, actuals=args.actuals).consistency(tolerance, args.base_total)
    _emit(args, result.to_dict(), consistency_text(result))
    return 0


def _cmd_actuals_clean(args: argparse.Namespace) -> int:
    from .cleaning.actuals.clean import clean_actuals

    result = clean_actuals(args.inputs, _plan(args), out_dir=args.out)
    _emit(args, result.to_dict(), result.summary_text())
    return 0


def _cmd_actuals_sample(args: argparse.Namespace) -> int:
    from .cleaning.actuals.sample import write_sample_actuals

    paths = write_sample_actuals(args.out, _plan(args), seed=args.seed, overwrite=args.overwrite)
    _emit(args, _written(paths), "\n".join(str(p) for p in paths))
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    from .cleaning.targets.clean import load_targets
    from .district import District
    from .plan.params import check_year
    from .present.progress import progress_text
    from .present.titles import missing_chains_line
    from .publish.progress_batch import check_brief_month

    plan = _plan(args)
    year = check_year(args.year, plan=plan)
    month = check_brief_month(args.month)  # brief's rule and words: 2–12, January alone refused
    if args.indicator not in plan.indicator_ids:
        raise ParameterError(f"--indicator {args.indicator}: not an indicator of the plan "
                             f"({', '.join(plan.indicator_ids)})")
    d = District.open(plan, actuals=args.actuals)  # the bundled sample only for the bundled plan
    targets = load_targets(args.targets, plan=plan) if args.targets is not None else None
    report = d.progress(year, month, basis=args.basis, indicator=args.indicator, targets=targets)
    text, revised = progress_text(report, d.monthly)
    _emit(args, {**report.to_dict(), **({"revisions": revised} if revised else {})}, text)
    lacking = d.missing_chains(report)
    if lacking and not args.allow_missing:
        named = {plan.chain_label(c): why for c, why in lacking.items()}
        print(f"chainplan: error: progress: {missing_chains_line(report.title, named)}; the report above leaves them "
              "out — pass --allow-missing to accept that (exit 0)", file=sys.stderr)
        return MISSING_EXIT
    return 0


def _add_actuals_parsers(sub) -> None:
    a = sub.add_parser("actuals", help="statistics-office monthly figures (统计月报): clean them, or write a sample",
                       epilog=_examples("chainplan actuals clean data/raw/actuals",
                                        "chainplan actuals sample --out sample-actuals/"))
    asub = a.add_subparsers(dest="actuals_command", required=True, parser_class=_Parser)
    ac = asub.add_parser(
        "clean", help="clean monthly reports / tidy files into actuals.csv, quarantine and checks",
        description="Clean 统计月报 (workbooks, CSV or saved web pages) into OUT/actuals.csv,\n"
                    "with the quarantine, duplicates, revisions, industry rows, coverage, checks\n"
                    "and actuals_summary.json beside it.",
        epilog=_examples("chainplan actuals clean data/raw/actuals",
                         "chainplan actuals clean 统计月报2025/ --plan my-district.toml --out out/actuals --json"))
    ac.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                    help="统计月报 files (.xlsx/.xls/.ods/.et, .csv, saved .html pages) or folders of them")
    ac.add_argument("--out", type=Path, default=Path("data/processed/actuals"), metavar="DIR",
                    help="folder for actuals.csv and the other outputs (never under data/raw)")
    _add_json(ac, "the summary (as actuals_summary.json) and the files written")
    _add_plan(ac)
    ac.set_defaults(func=_cmd_actuals_clean)
    sa = asub.add_parser("sample", help="write the SYNTHETIC monthly reports (示例数据) into a folder",
                         epilog=_examples("chainplan actuals sample --out sample-actuals/",
                                          "chainplan actuals sample --out sample-actuals/ --plan my-district.toml "
                                          "--seed 7 --overwrite"))
    sa.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for the five sample files")
    sa.add_argument("--seed", type=int, default=0, help=SEED_HELP)
    sa.add_argument("--overwrite", action="store_true", help="replace existing sample files (default: refuse)")
    _add_json(sa, "the files written")
    _add_plan(sa)
    sa.set_defaults(func=_cmd_actuals_sample)

    p = sub.add_parser("progress", help="1—N月 progress against the year's targets and 时序进度, full-year estimates",
                       epilog=_examples("chainplan progress --year 2025 --month 9",
                                        "chainplan progress --year 2025 --actuals 统计月报2025/ --basis seasonal --json",
                                        "chainplan progress --year 2025 --plan my-district.toml --allow-missing"))
    p.add_argument("--year", type=_year, required=True, help="the year followed, one of the plan's years (e.g. 2025)")
    p.add_argument("--month", type=int, default=None, metavar="N",
                   help="N of 1—N月, 2–12 (1—2月 is 2; January alone is not published) (default: the latest "
                        "month the 统计月报 have)")
    p.add_argument("--actuals", type=Path, default=None, metavar="DIR",
                   help="folder with a cleaned actuals.csv, or 统计月报 files to clean (default: the bundled "
                        "SYNTHETIC sample, for the bundled plan only)")
    p.add_argument("--targets", type=Path, default=None, metavar="FILE",
                   help="a cleaned targets.csv (default: clean the plan's annex table)")
    p.add_argument("--indicator", default="revenue",
                   help="the plan's indicator to follow, by id (e.g. output for a table of 工业总产值) (default: "
                        "%(default)s, 营业收入 in 亿元)")
    p.add_argument("--basis", choices=("calendar", "seasonal"), default="calendar",
                   help="时序进度: N/12 (calendar) or the past three years' share reached by month N (seasonal) "
                        "(default: %(default)s)")
    _add_json(p, "year, month and per chain the 1—N月 figure (亿元), completion, 时序进度 and full-year estimates")
    p.add_argument("--allow-missing", action="store_true",
                   help=f"exit 0 when a chain of the plan has no figure for the month (default: the report is "
                        f"printed with the chain named and why, then exit {MISSING_EXIT})")
    _add_plan(p)
    p.set_defaults(func=_cmd_progress)


def _notebook_params(args: argparse.Namespace) -> dict:
    """``--params``/``-f`` FILE.yaml, then ``-P NAME:VALUE`` (Quarto), then ``-p [NOTEBOOK:]NAME=VALUE`` (papermill's
    ``-p NAME VALUE`` arrives here joined, see :func:`_papermill_pairs`): a later one wins."""
    from .plan.params import load_params_file
    from .publish.parameters import parse

    params = load_params_file(args.params) if args.params else {}
    quarto = []
    for item in args.quarto_param or []:
        name, sep, value = item.partition(":")
        if not sep:
            raise ParameterError(f"-P {item!r}: expected NAME:VALUE, e.g. -P tolerance_pp:0.5")
        quarto.append(f"{name}={value}")
    params.update(parse(quarto, "-P"))
    params.update(parse(args.param or []))
    return params


def _cmd_brief(args: argparse.Namespace) -> int:
    from .plan.load import read_plan, user_plan_path
    from .present.titles import missing_chains_line
    from .publish.kernels import skip_slow_optional_imports
    from .publish.many import assign, find_plans, own_data

    params = _notebook_params(args)
    skip_slow_optional_imports()  # this process imports papermill to read the notebooks' parameters
    if args.plans is None and len(args.plan or []) <= 1:  # one plan: the report is OUT/YEAR, as always
        from .publish.batch import run_brief

        plan = read_plan((args.plan or [None])[0] or user_plan_path())
        stem = [Path(plan.path).stem]
        registers = assign(args.registers, stem, "--registers").get(stem[0]) or own_data(plan.path, "registers")
        actuals = assign(args.actuals, stem, "--actuals").get(stem[0]) or own_data(plan.path, "actuals")
        outcome = run_brief(args.year, plan=plan, registers=registers, out=args.out, jobs=args.jobs,
                            notebooks=args.notebooks, params=params, month=args.month, actuals=actuals,
                            name=args.name)
        print(outcome.summary())
        if not outcome.ok:
            return 1
        if outcome.missing and not args.allow_missing:
            print(f"chainplan: error: brief: {missing_chains_line(outcome.period, outcome.missing)}; the report was "
                  "made without them — pass --allow-missing to accept that (exit 0)", file=sys.stderr)
            return MISSING_EXIT
        return 0
    from .publish.many import FAILED_BASE, run_many

    files = find_plans(args.plan or [], args.plans)
    stems = [f.stem for f in files]
    outcome = run_many(args.year, plans=files, registers=assign(args.registers, stems, "--registers"),
                       actuals=assign(args.actuals, stems, "--actuals"), out=args.out, jobs=args.jobs,
                       notebooks=args.notebooks, params=params, month=args.month, name=args.name)
    print(outcome.summary())
    for d in outcome.districts:
        if d.error is not None:
            print(f"chainplan: error: brief: {d.stem}: {d.error}", file=sys.stderr)
        elif not d.ok:
            print(f"chainplan: error: brief: {d.stem}: {len(d.outcome.failed)} notebook(s) failed "
                  f"({', '.join(r.name for r in d.outcome.failed)}); see {d.outcome.out_dir}", file=sys.stderr)
        if d.missing and not args.allow_missing:
            print(f"chainplan: error: brief: {d.stem}: {missing_chains_line(d.outcome.period, d.missing)}; the "
                  "report was made without them — pass --allow-missing to accept that", file=sys.stderr)
    if outcome.failed:
        return min(FAILED_BASE + len(outcome.failed), 99)
    if any(d.missing for d in outcome.districts) and not args.allow_missing:
        return MISSING_EXIT
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .publish.kernels import skip_slow_optional_imports
    from .publish.run import run_notebook

    params = _notebook_params(args)
    skip_slow_optional_imports()
    outcome = run_notebook(args.notebook, plan=_plan(args), params=params, out=args.out)
    print(outcome.summary())
    return 0 if outcome.ok else 1


def _papermill_pairs(argv: list[str]) -> list[str]:
    """papermill's ``-p NAME VALUE`` (two words) as ``-p NAME=VALUE`` for ``brief`` and ``run``; a ``-p`` whose
    word already holds ``=`` is left as it is."""
    if not argv or argv[0] not in ("brief", "run"):
        return argv
    out, i = [], 0
    while i < len(argv):
        word = argv[i]
        if word in ("-p", "--param") and i + 2 < len(argv) and "=" not in argv[i + 1] \
                and not argv[i + 1].startswith("-"):
            out += [word, f"{argv[i + 1]}={argv[i + 2]}"]
            i += 3
            continue
        out.append(word)
        i += 1
    return out


def _whole_number_at_least_1(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} must be at least 1")
    return n


def _brief_month(text: str) -> int:
    from .publish.progress_batch import check_brief_month

    try:
        return check_brief_month(text)
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--month ")) from None


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2024") from None


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples as written; each option's default added to its help where it has one and the help
    does not already say it (argparse's ArgumentDefaultsHelpFormatter, without ``(default: None)`` or
    ``(default: False)``)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (not action.option_strings or action.default in (None, False, argparse.SUPPRESS)
                or "default" in text):
            return text
        return text + " (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``chainplan: error: <command>: <message> (see --help)``, exit 2; help shown
    with :class:`_HelpFormatter`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        where = self.prog.replace("chainplan", "", 1).strip()
        print(f"chainplan: error: {where + ': ' if where else ''}{message} (see {self.prog} --help)",
              file=sys.stderr)
        sys.exit(USER_ERROR_EXIT)


def _examples(*lines: str) -> str:
    """A verb's epilog: its examples, one command a line."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


PLAN_HELP = ("plan file (TOML) naming the district's chains, areas, years and targets (default: $CHAINPLAN_PLAN "
             "or the bundled data/plans/qingshanhu-2024.toml)")
SEED_HELP = "random seed, a whole number: the same seed gives byte-identical files"
EXIT_STATUS = ("exit status: 0 done; 1 done but a check disagrees (plan check) or a notebook failed (brief, run);\n"
               "2 a user error (one line: chainplan: error: …); 3 a report printed without a chain of the plan\n"
               "(progress, brief; --allow-missing accepts it); 10+K: K districts failed (brief with several plans);\n"
               "130 / 143 stopped by SIGINT / SIGTERM.")


def _add_plan(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plan", type=Path, default=None, metavar="FILE", help=PLAN_HELP)


def _add_json(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--json", action="store_true",
                   help=f"print the result as JSON (UTF-8, stable keys) instead of the Chinese text: {what}")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(prog="chainplan",
                description="A district's industrial-chain plan (a TOML plan file) as checked numbers,\n"
                            "notebooks and a Chinese briefing. Each verb has its own --help, with the\n"
                            "defaults of its options and examples.",
                epilog=_examples("chainplan brief --year 2024            # the yearly briefing: reports/2024/index.html",
                                 "chainplan plan new --district 云溪县     # start another district's plan file",
                                 "chainplan progress --year 2025 --month 9 --json") + "\n\n" + EXIT_STATUS)
    p.add_argument("--version", action="version", version=f"chainplan {__version__}",
                   help="print chainplan's version and exit")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("targets", help="clean the plan's annex table into data/processed/targets.csv",
                       description="Clean the plan's annex table (its [table] path) into a tidy targets.csv, with\n"
                                   "targets_repairs.csv and targets_checks.csv beside it.",
                       epilog=_examples("chainplan targets",
                                        "chainplan targets --plan my-district.toml --out out/targets.csv --json"))
    t.add_argument("--raw", type=Path, default=None, metavar="FILE",
                   help="another extraction of the table, as text (default: the plan file's [table] path)")
    t.add_argument("--out", type=Path, default=DEFAULT_TARGETS, metavar="FILE",
                   help="tidy CSV to write; the repairs log and checks go beside it (never under data/raw)")
    _add_json(t, "rows by source, repairs by kind, checks, files written")
    _add_plan(t)
    t.set_defaults(func=_cmd_targets)

    pl = sub.add_parser("plan", help="plan files: check one, or start one for another district",
                        epilog=_examples("chainplan plan check my-district.toml",
                                         "chainplan plan new --district 云溪县 --years 2024-2027"))
    plsub = pl.add_subparsers(dest="plan_command", required=True, parser_class=_Parser)
    pc = plsub.add_parser("check", help="validate a plan file and clean its table: what it found, every check",
                          description="Validate a plan file, clean its annex table and reconcile them. Exit 0\n"
                                      "when every check agrees, 1 when one disagrees (reported, never forced),\n"
                                      "2 on an error.",
                          epilog=_examples("chainplan plan check my-district.toml",
                                           "chainplan plan check my-district.toml --raw table-retyped.txt --json"))
    pc.add_argument("file", type=Path, metavar="FILE", help="the plan file (TOML)")
    pc.add_argument("--raw", type=Path, default=None, metavar="FILE",
                    help="another extraction of the table (default: the plan file's [table] path)")
    _add_json(pc, "ok, the plan, the table's rows, repairs and checks, the text targets checked")
    pc.set_defaults(func=_cmd_plan_check)
    pn = plsub.add_parser("new", help="write a commented plan-file skeleton for a district (never over a file)",
                          epilog=_examples("chainplan plan new --district 云溪县",
                                           "chainplan plan new --district 云溪县 --years 2024-2027 "
                                           "--out plans/yunxi.toml"))
    pn.add_argument("--district", required=True, help="the district or county as the document names it, e.g. 云溪县 "
                                                      "(a name, never a path)")
    pn.add_argument("--years", default=None, metavar="Y0-Y1", help="the table's years, e.g. 2024-2027 "
                                                                 "(default: this year and the next three)")
    pn.add_argument("--out", type=Path, default=None, metavar="FILE",
                    help="where to write it (default: DISTRICT-plan.toml here; never under data/raw)")
    _add_json(pn, "the file written")
    pn.set_defaults(func=_cmd_plan_new)

    r = sub.add_parser("register", help="enterprise registers (规上企业名录): clean them, or write a sample",
                       epilog=_examples("chainplan register clean data/raw/registers",
                                        "chainplan register sample --year 2024 --out synthetic-register.xlsx"))
    rsub = r.add_subparsers(dest="register_command", required=True, parser_class=_Parser)
    rc = rsub.add_parser("clean", help="clean register files into a validated table and panel",
                         description="Clean 规上企业名录 files into OUT/register_clean.csv, with\n"
                                     "register_quarantine.csv, register_duplicates_dropped.csv,\n"
                                     "register_panel.csv and register_summary.json beside it.",
                         epilog=_examples("chainplan register clean data/raw/registers",
                                          "chainplan register clean 名录2024.xlsx 名录2025.csv --plan my-district.toml "
                                          "--out out/register --json"))
    rc.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                    help="规上企业名录 workbooks (.xls/.xlsx/.xlsm/.ods/.et), .csv files or folders of them")
    rc.add_argument("--out", type=Path, default=Path("data/processed/register"), metavar="DIR",
                    help="folder for the cleaned table, quarantine, panel and summary (never under data/raw, "
                         "never an input folder)")
    _add_json(rc, "the summary (as register_summary.json) and the files written")
    _add_plan(rc)
    rc.set_defaults(func=_cmd_register_clean)
    rs = rsub.add_parser("sample", help="write a SYNTHETIC register consistent with the targets",
                         epilog=_examples("chainplan register sample --year 2024 --out synthetic-register.xlsx",
                                          "chainplan register sample --year 2025 --seed 7 --out sample/ "
                                          "--plan my-district.toml"))
    rs.add_argument("--year", type=_year, required=True, help="the register's year, one of the plan's years (e.g. 2024)")
    rs.add_argument("--seed", type=int, default=0, help=SEED_HELP)
    rs.add_argument("--out", type=Path, required=True, metavar="PATH",
                    help="file path (.xlsx, .xls or .csv, its name saying synthetic) or folder (the bundled set "
                         "of files)")
    _add_json(rs, "the files written")
    _add_plan(rs)
    rs.set_defaults(func=_cmd_register_sample)

    c = sub.add_parser("consistency", help="is the plan's overall growth goal (10%% 左右 …) consistent with the "
                                           "chain targets?",
                       epilog=_examples("chainplan consistency",
                                        "chainplan consistency --tolerance 0.5 --base-total 1200 --json",
                                        "chainplan consistency --plan my-district.toml --targets out/targets.csv"))
    c.add_argument("--tolerance", type=float, default=1.0, metavar="PP",
                   help="half-width of 左右 (about) around the plan's growth goal, in 百分点 (percentage points), "
                        "0–10: 1.0 reads 10%% 左右 as 9%%–11%%")
    c.add_argument("--base-total", type=float, default=None, metavar="YI",
                   help="all above-size industry's 营业收入 in the base year, 亿元 (default: the 统计月报's, when "
                        "published)")
    c.add_argument("--targets", type=Path, default=None, metavar="FILE",
                   help="a cleaned targets.csv (default: clean the plan's annex table)")
    c.add_argument("--actuals", type=Path, default=None, metavar="DIR",
                   help="统计月报 files or a cleaned folder, for the base-year total and the prior year's actual "
                        "(default: the bundled sample for the bundled plan)")
    _add_json(c, "verdict, cagr per chain id and all, the gap to the goal's path in 亿元, …")
    _add_plan(c)
    c.set_defaults(func=_cmd_consistency)

    b = sub.add_parser("brief", help="the yearly batch: cleaning, every notebook, pages, the briefing as PDF and Word",
                       description="Clean the plan's table, the registers and the 统计月报, execute every notebook\n"
                                   "(the committed jupytext .py sources) for the year and publish OUT/YEAR/\n"
                                   "(default reports/2024/ for --year 2024; reports/2024-LABEL/ with --name LABEL):\n"
                                   "  index.html                  open this: every page, the briefing first\n"
                                   "  briefing-YEAR.pdf           the briefing as PDF\n"
                                   "  briefing-YEAR.docx          the briefing as Word (.docx), for staff to edit\n"
                                   "  html/NAME.html              the pages (analyst/NAME.html with code)\n"
                                   "  notebooks/, data/           the executed notebooks and the data they read\n"
                                   "  manifest.json               inputs, sources, parameters, versions, timings\n"
                                   "and OUT/index.html, every report beside it.\n\n"
                                   "Several plans (--plan A.toml --plan B.toml, or --plans DIR): one run for all;\n"
                                   "each district's report goes to OUT/YEAR/<plan file stem>/ and OUT/YEAR/index.html\n"
                                   "compares them. Each district's data: --registers/--actuals STEM=PATH, else the\n"
                                   "folder <plan folder>/<stem>/registers|actuals/, else (bundled plan) the samples.",
                       epilog=_examples("chainplan brief --year 2024",
                                        "chainplan brief --year 2025 --month 9 --actuals data/raw/actuals",
                                        "chainplan brief --year 2025 -p tolerance_pp=0.5 -p 02_growth:chain=all "
                                        "--name 低增长",
                                        "chainplan brief --year 2025 --plan my-district.toml --registers 名录/ "
                                        "--actuals 统计月报/",
                                        "chainplan brief --year 2025 --month 9 --plan east.toml --plan west.toml "
                                        "--actuals west=west-统计月报/",
                                        "chainplan brief --year 2025 --plans plans/ --allow-missing")
                       + "\n\nexit status:\n"
                         "  0   every report made, complete\n"
                         "  1   (one plan) a notebook failed: the report is in OUT/YEAR.failed/\n"
                         "  2   an error before anything ran (one line: chainplan: error: ...)\n"
                         f"  {MISSING_EXIT}   a report was made, but a chain of its plan has no 统计月报 figure for its\n"
                         "      1—N月 (each named, with why); --allow-missing makes that exit 0\n"
                         "  10+K  (several plans) K districts failed: their plan or data could not be read,\n"
                         "      or a notebook failed (each named on stderr); the others' reports are made\n"
                         "  130/143  interrupted (SIGINT/SIGTERM)")
    b.add_argument("--year", type=_year, required=True, help="the year reported, one of the plan's years (e.g. 2024)")
    b.add_argument("--registers", action="append", default=None, metavar="[STEM=]DIR",
                   help="folder (or file) of 规上企业名录 files (default: the bundled synthetic sample, for the "
                        "bundled plan); with several plans STEM=DIR, once per plan (STEM: the plan file's name "
                        "without .toml)")
    b.add_argument("--out", type=Path, default=Path("reports"),
                   help="reports folder; the report goes to OUT/YEAR, its index to OUT/YEAR/index.html "
                        "(default: %(default)s)")
    b.add_argument("--name", default=None, metavar="LABEL",
                   help="a scenario kept beside the default report: OUT/YEAR-LABEL (e.g. --name 低增长)")
    b.add_argument("--jobs", type=_whole_number_at_least_1, default=None,
                   help="parallel notebook processes, ≥ 1 (default: the core count)")
    b.add_argument("--notebooks", type=Path, default=None, metavar="DIR",
                   help="folder of notebooks to run, jupytext .py (default: notebooks/)")
    _add_param_options(b, scoped=True)
    b.add_argument("--plan", action="append", type=Path, default=None, metavar="FILE",
                   help=PLAN_HELP + "; repeat it to brief several districts in one run")
    b.add_argument("--plans", type=Path, default=None, metavar="DIR",
                   help="brief every plan file (*.toml) in DIR in one run (with any --plan)")
    b.add_argument("--allow-missing", action="store_true",
                   help=f"exit 0 when a chain of a plan has no 统计月报 figure for the report's 1—N月 (default: the "
                        f"report is made, the chain named with why, exit {MISSING_EXIT})")
    b.add_argument("--month", type=_brief_month, default=None, metavar="N",
                   help="the 1—N月 progress briefing (2–12; 1—2月 is 2); default: the yearly briefing, with the "
                        "latest month the actuals have")
    b.add_argument("--actuals", action="append", default=None, metavar="[STEM=]DIR",
                   help="monthly 统计月报 files, or a folder with a cleaned actuals.csv (default: the bundled "
                        "synthetic sample for the bundled plan); with several plans STEM=DIR, once per plan")
    b.set_defaults(func=_cmd_brief)

    r = sub.add_parser("run", help="one notebook with parameters, executed and rendered in seconds",
                       description="Execute one notebook (a jupytext .py or an .ipynb) with papermill, in its own\n"
                                   "folder, and render it as the batch does: OUT/notebooks/NAME.ipynb,\n"
                                   "OUT/html/NAME.html, OUT/analyst/NAME.html (and the PDF and Word file for the\n"
                                   "briefing).",
                       epilog="examples:\n  chainplan run notebooks/04_shares.py -p chain all\n"
                              "  chainplan run notebooks/02_growth.py -p scenario_rates '[0.05, 0.08]' -P year:2025\n"
                              "  chainplan run notebooks/briefing.py -f params.yaml --out reports/try")
    r.add_argument("notebook", type=Path, help="the notebook: notebooks/NAME.py (or an .ipynb)")
    _add_param_options(r, scoped=False)
    _add_plan(r)
    r.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="where the executed notebook and its pages go (default: reports/run/NAME)")
    r.set_defaults(func=_cmd_run)
    _add_actuals_parsers(sub)
    return p


def _add_param_options(p: argparse.ArgumentParser, *, scoped: bool) -> None:
    scope = (" NOTEBOOK:NAME=VALUE sets it for that notebook only (-p 02_growth:chain=all);" if scoped
             else "")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                   help="set a notebook parameter, as papermill: -p NAME=VALUE or -p NAME VALUE (repeatable; VALUE "
                        f"read as YAML: 0.5, true, [0.08, 0.1], text; None is None);{scope} it wins over -P and -f")
    p.add_argument("-P", dest="quarto_param", action="append", metavar="NAME:VALUE",
                   help="set a notebook parameter, as Quarto: -P NAME:VALUE (repeatable)")
    p.add_argument("-f", "--params", type=Path, default=None, metavar="FILE.yaml",
                   help="notebook parameters from a YAML file of NAME: VALUE lines")


def _raise_on_sigterm(signum, frame):
    raise Interrupted(signum)


def _warnings_to_stderr() -> None:
    """The library's warnings (a corrupt earlier manifest skipped …) as ``chainplan: warning: …`` lines."""
    import logging

    class _Stderr(logging.StreamHandler):
        """Writes to whatever ``sys.stderr`` is when a warning comes (as :data:`logging.lastResort` does): a
        second ``main()`` in the same process, its output redirected, gets its warnings where it said."""

        @property
        def stream(self):
            return sys.stderr

        @stream.setter
        def stream(self, value):
            pass

    log = logging.getLogger("chainplan_lib")
    if not any(getattr(h, "_chainplan", False) for h in log.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("chainplan: warning: %(message)s"))
        handler.setLevel(logging.WARNING)
        handler._chainplan = True  # type: ignore[attr-defined]
        log.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    main_thread = threading.current_thread() is threading.main_thread()
    _warnings_to_stderr()
    previous = signal.signal(signal.SIGTERM, _raise_on_sigterm) if main_thread else None
    try:
        args = build_parser().parse_args(_papermill_pairs(sys.argv[1:] if argv is None else list(argv)))
        return args.func(args)
    except Interrupted as exc:  # one line; the batch has already stopped its workers and kernels
        print(f"chainplan: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("chainplan: interrupted by SIGINT", file=sys.stderr)
        return 130
    except ChainplanError as exc:  # one clear line, no traceback soup
        print(f"chainplan: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file system refusal the checks could not foresee: still one line
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"chainplan: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
