"""`chainplan` command line: parses arguments and calls the library. No logic lives here.

Every error a user can cause is one line on stderr, ``chainplan: error: …``, exit 2 (argument errors
included); a report printed without a chain the plan expects exits 3 (``--allow-missing`` accepts it);
SIGINT / SIGTERM print one line and exit 130 / 143. Every command takes ``--plan FILE`` (default:
``$CHAINPLAN_PLAN`` or the bundled plan, data/plans/qingshanhu-2024.toml).
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


def _cmd_targets(args: argparse.Namespace) -> int:
    from .cleaning.targets.clean import write_targets
    from .paths import check_output_file

    plan = _plan(args)
    out = check_output_file(args.out, "--out")
    result = write_targets(args.raw if args.raw is not None else _shown(plan.table_path), out, plan=plan)
    print(result.summary())
    return 0


def _cmd_plan_check(args: argparse.Namespace) -> int:
    from .cleaning.targets.plan_check import check_plan_file

    check = check_plan_file(args.file, raw=args.raw)
    print(check.summary())
    return 0 if check.ok else 1


def _cmd_plan_new(args: argparse.Namespace) -> int:
    from .errors import ParameterError
    from .paths import check_output_file
    from .plan.skeleton import check_district, skeleton

    district = check_district(args.district)  # a name, never a path
    years = None
    if args.years:
        y0, sep, y1 = args.years.partition("-")
        if not (sep and y0.strip().isdigit() and y1.strip().isdigit() and 1990 <= int(y0) < int(y1) <= 2100):
            raise ParameterError(f"--years {args.years!r}: expected FIRST-LAST such as 2024-2027")
        years = (int(y0), int(y1))
    out = args.out if args.out is not None else Path(f"{district}-plan.toml")
    out = check_output_file(out, "--out")
    if out.exists():
        raise ParameterError(f"--out {out}: exists; a skeleton is never written over a file (choose another name)")
    text = skeleton(district, years=years, filename=out.name)
    with open(out, "x", encoding="utf-8") as fh:  # 'x': never over a file that appeared meanwhile
        fh.write(text)
    print(f"wrote {out}: fill it in with the plan document open, then run `chainplan plan check {out}`")
    return 0


def _cmd_register_clean(args: argparse.Namespace) -> int:
    from .cleaning.register.clean import clean_registers
    from .paths import check_output_dir

    plan = _plan(args)
    out = check_output_dir(args.out, "--out")
    result = clean_registers(args.inputs, out_dir=out, plan=plan)
    print(result.summary_text())
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
    for p in paths:
        print(p)
    return 0


def _cmd_consistency(args: argparse.Namespace) -> int:
    from .analysis.consistency import check_consistency
    from .cleaning.targets.clean import load_targets
    from .district import District

    plan = _plan(args)
    if args.targets is not None:
        result = check_consistency(load_targets(args.targets, plan=plan), tolerance_pp=args.tolerance,
                                   base_total_yi=args.base_total, plan=plan)
    else:  # the plan's table, with the 统计月报's base-year total and prior-year actual where published
        result = District.open(plan, actuals=args.actuals).consistency(args.tolerance, args.base_total)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .present.consistency import consistency_text

        print(consistency_text(result))
    return 0


def _cmd_actuals_clean(args: argparse.Namespace) -> int:
    from .cleaning.actuals.clean import clean_actuals

    print(clean_actuals(args.inputs, _plan(args), out_dir=args.out).summary_text())
    return 0


def _cmd_actuals_sample(args: argparse.Namespace) -> int:
    from .cleaning.actuals.sample import write_sample_actuals

    for p in write_sample_actuals(args.out, _plan(args), seed=args.seed, overwrite=args.overwrite):
        print(p)
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    from .analysis.progress_report import progress_report
    from .cleaning.targets.clean import load_targets
    from .district import District
    from .plan.params import check_year

    plan = _plan(args)
    year = check_year(args.year, plan=plan)
    if args.month == 1:
        raise ParameterError("--month 1: 1月不单独发布（1—2月合并发布，即 --month 2）; use --month 2–12")
    if args.month is not None and not 2 <= args.month <= 12:
        raise ParameterError(f"--month {args.month} must be 2–12 (1—2月 is month 2)")
    if args.indicator not in plan.indicator_ids:
        raise ParameterError(f"--indicator {args.indicator}: not an indicator of the plan "
                             f"({', '.join(plan.indicator_ids)})")
    d = District.open(plan, actuals=args.actuals)  # the bundled sample only for the bundled plan
    data = d.monthly
    targets = load_targets(args.targets, plan=plan) if args.targets is not None else d.targets.table
    report = progress_report(data.actuals, targets, year, args.month, basis=args.basis, plan=plan,
                             indicator=args.indicator, coverage=data.coverage)
    report.missing = {s: d.why_missing(s, year, report.month) for s in report.missing}
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(("【示例数据：合成的统计月报，非真实统计】\n" if data.synthetic else "") + report.summary())
    lacking = [s for s in report.missing if s in plan.chain_ids]
    if not report.has_data:  # no figure at all for the year (or the month): every chain is missing
        lacking = list(plan.chain_ids)
        report.missing = {s: d.why_missing(s, year, args.month) for s in lacking}
    if lacking and not args.allow_missing:
        from .analysis.monthly import series_name

        named = "；".join(f"{series_name(s, plan)}：{report.missing[s]}" for s in lacking)
        print(f"chainplan: error: progress: {len(lacking)} 条产业链缺少{report.title}数据（{named}）; "
              "the report above leaves them out — pass --allow-missing to accept that (exit 0)", file=sys.stderr)
        return MISSING_EXIT
    return 0


def _add_actuals_parsers(sub) -> None:
    a = sub.add_parser("actuals", help="statistics-office monthly figures (统计月报)")
    asub = a.add_subparsers(dest="actuals_command", required=True)
    ac = asub.add_parser("clean", help="clean monthly reports / tidy files into actuals.csv, quarantine and checks")
    ac.add_argument("inputs", nargs="+", type=Path, help=".xlsx/.csv files or folders")
    ac.add_argument("--out", type=Path, default=Path("data/processed/actuals"))
    _add_plan(ac)
    ac.set_defaults(func=_cmd_actuals_clean)
    sa = asub.add_parser("sample", help="write the SYNTHETIC monthly reports (示例数据) into a folder")
    sa.add_argument("--out", type=Path, required=True, help="folder for the five sample files")
    sa.add_argument("--seed", type=int, default=0)
    sa.add_argument("--overwrite", action="store_true", help="replace existing sample files")
    _add_plan(sa)
    sa.set_defaults(func=_cmd_actuals_sample)

    p = sub.add_parser("progress", help="1—N月 progress against the year's targets and 时序进度, full-year estimates")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, default=None, help="N of 1—N月 (default: the latest published)")
    p.add_argument("--actuals", type=Path, default=None,
                   help="folder with actuals.csv, or raw reports to clean (default: the bundled SYNTHETIC sample)")
    p.add_argument("--targets", type=Path, default=None, help="targets.csv (default: clean the bundled raw table)")
    p.add_argument("--indicator", default="revenue",
                   help="the plan's indicator to follow (default revenue; e.g. output for a table of 工业总产值)")
    p.add_argument("--basis", choices=("calendar", "seasonal"), default="calendar",
                   help="时序进度: N/12 (calendar) or past years' share reached by month N (seasonal)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--allow-missing", action="store_true",
                   help=f"exit 0 when a chain of the plan has no figure for the month (default: the report is "
                        f"printed with the chain named and why, then exit {3})")
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
            print(f"chainplan: error: brief: {len(outcome.missing)} 条产业链缺少{outcome.period}数据"
                  f"（{outcome.missing_line()}）; the report was made without them — pass --allow-missing to accept "
                  f"that (exit 0)", file=sys.stderr)
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
            print(f"chainplan: error: brief: {d.stem}: {len(d.missing)} 条产业链缺少{d.outcome.period}数据"
                  f"（{d.outcome.missing_line()}）; the report was made without them — pass --allow-missing to "
                  f"accept that", file=sys.stderr)
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


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``chainplan: error: <command>: <message> (see --help)``, exit 2."""

    def error(self, message: str):  # type: ignore[override]
        where = self.prog.replace("chainplan", "", 1).strip()
        print(f"chainplan: error: {where + ': ' if where else ''}{message} (see {self.prog} --help)",
              file=sys.stderr)
        sys.exit(2)


PLAN_HELP = ("plan file (TOML) naming the district's chains, areas, years and targets (default: $CHAINPLAN_PLAN "
             "or the bundled data/plans/qingshanhu-2024.toml)")


def _add_plan(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plan", type=Path, default=None, metavar="FILE", help=PLAN_HELP)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="chainplan", description="A district's industrial-chain plan (a plan file): clean, check, brief.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("targets", help="clean the plan's annex table into data/processed/targets.csv")
    t.add_argument("--raw", type=Path, default=None,
                   help="raw extraction (default: the plan file's [table] path, data/raw/attachment2_targets.txt)")
    t.add_argument("--out", type=Path, default=DEFAULT_TARGETS, help="tidy CSV to write (default: %(default)s)")
    _add_plan(t)
    t.set_defaults(func=_cmd_targets)

    pl = sub.add_parser("plan", help="plan files: check one, or start one for another district")
    plsub = pl.add_subparsers(dest="plan_command", required=True, parser_class=_Parser)
    pc = plsub.add_parser("check", help="validate a plan file and clean its table: what it found, every check")
    pc.add_argument("file", type=Path, help="the plan file (TOML)")
    pc.add_argument("--raw", type=Path, default=None, help="another extraction of the table (default: [table] path)")
    pc.set_defaults(func=_cmd_plan_check)
    pn = plsub.add_parser("new", help="write a commented plan-file skeleton for a district (never over a file)")
    pn.add_argument("--district", required=True, help="the district or county as the document names it, e.g. 云溪县")
    pn.add_argument("--years", default=None, metavar="Y0-Y1", help="the table's years, e.g. 2024-2027 "
                                                                 "(default: this year and the next three)")
    pn.add_argument("--out", type=Path, default=None, metavar="FILE",
                    help="where to write it (default: DISTRICT-plan.toml here; never under data/raw)")
    pn.set_defaults(func=_cmd_plan_new)

    r = sub.add_parser("register", help="enterprise registers (规上企业名录)")
    rsub = r.add_subparsers(dest="register_command", required=True, parser_class=_Parser)
    rc = rsub.add_parser("clean", help="clean register files into a validated table and panel")
    rc.add_argument("inputs", nargs="+", type=Path, help="workbooks (.xls/.xlsx/.xlsm/.ods/.et), .csv files or folders")
    rc.add_argument("--out", type=Path, default=Path("data/processed/register"))
    _add_plan(rc)
    rc.set_defaults(func=_cmd_register_clean)
    rs = rsub.add_parser("sample", help="write a SYNTHETIC register consistent with the targets")
    rs.add_argument("--year", type=_year, required=True)
    rs.add_argument("--seed", type=int, default=0)
    rs.add_argument("--out", type=Path, required=True, help="file path (.xlsx, .xls or .csv) or folder")
    _add_plan(rs)
    rs.set_defaults(func=_cmd_register_sample)

    c = sub.add_parser("consistency", help="is the plan's overall growth goal (10%% 左右 …) consistent with the "
                                           "chain targets?")
    c.add_argument("--tolerance", type=float, default=1.0, help="tolerance for 左右, percentage points")
    c.add_argument("--base-total", type=float, default=None, help="total above-size industrial revenue, base year, 亿元")
    c.add_argument("--targets", type=Path, default=None, help="targets.csv (default: clean the bundled raw table)")
    c.add_argument("--actuals", type=Path, default=None, metavar="DIR",
                   help="统计月报 files or a cleaned folder, for the base-year total and the prior year's actual "
                        "(default: the bundled sample for the bundled plan)")
    c.add_argument("--json", action="store_true")
    _add_plan(c)
    c.set_defaults(func=_cmd_consistency)

    b = sub.add_parser("brief", help="the yearly batch: cleaning, every notebook, pages, the briefing as PDF and Word",
                       description="Clean the plan's table, the registers and the 统计月报, execute every notebook\n"
                                   "(the committed jupytext .py sources) for the year and publish OUT/YEAR/: the\n"
                                   "briefing as PDF and Word, an offline site (index.html), the executed notebooks\n"
                                   "with the data they read, and manifest.json.\n\n"
                                   "Several plans (--plan A.toml --plan B.toml, or --plans DIR): one run for all;\n"
                                   "each district's report goes to OUT/YEAR/<plan file stem>/ and OUT/YEAR/index.html\n"
                                   "compares them. Each district's data: --registers/--actuals STEM=PATH, else the\n"
                                   "folder <plan folder>/<stem>/registers|actuals/, else (bundled plan) the samples.",
                       epilog="examples:\n  chainplan brief --year 2024\n"
                              "  chainplan brief --year 2025 --month 9 --actuals data/raw/actuals\n"
                              "  chainplan brief --year 2025 -p tolerance_pp=0.5 -p 02_growth:chain=all "
                              "--name 低增长\n"
                              "  chainplan brief --year 2025 --plan data/plans/qingshanhu-2024.toml \\\n"
                              "      --plan tests/data/plans/yunxi-2024.toml --actuals yunxi-2024=tests/data/yunxi_actuals\n"
                              "\nexit status:\n"
                              "  0   every report made, complete\n"
                              "  1   (one plan) a notebook failed: the report is in OUT/YEAR.failed/\n"
                              "  2   an error before anything ran (one line: chainplan: error: ...)\n"
                              f"  {MISSING_EXIT}   a report was made, but a chain of its plan has no 统计月报 figure for its\n"
                              "      1—N月 (each named, with why); --allow-missing makes that exit 0\n"
                              "  10+K  (several plans) K districts failed: their plan or data could not be read,\n"
                              "      or a notebook failed (each named on stderr); the others' reports are made\n"
                              "  130/143  interrupted (SIGINT/SIGTERM)",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("--year", type=_year, required=True, help="the year reported, one of the plan's years")
    b.add_argument("--registers", action="append", default=None, metavar="[STEM=]DIR",
                   help="folder (or file) of register files (default: the bundled synthetic sample for the bundled "
                        "plan); with several plans STEM=DIR, once per plan (STEM: the plan file's name without .toml)")
    b.add_argument("--out", type=Path, default=Path("reports"),
                   help="reports folder; the report goes to OUT/YEAR (default: %(default)s)")
    b.add_argument("--name", default=None, metavar="LABEL",
                   help="a scenario kept beside the default report: OUT/YEAR-LABEL (e.g. --name 低增长)")
    b.add_argument("--jobs", type=_whole_number_at_least_1, default=None,
                   help="parallel notebook processes, ≥ 1 (default: the core count)")
    b.add_argument("--notebooks", type=Path, default=None, help="folder of notebooks to run (default: notebooks/)")
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
                              "  chainplan run notebooks/briefing.py -f params.yaml --out reports/try",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
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

    log = logging.getLogger("chainplan_lib")
    if not any(getattr(h, "_chainplan", False) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
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
