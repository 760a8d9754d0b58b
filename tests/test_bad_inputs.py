"""Every bad input a user can give, in one place: each gets ONE line on stderr (`chainplan: error: …`),
exit 2, no traceback, and nothing written where it should not be. The README table "What bad input gets" is
this module in prose; a case added here belongs there too.

Most cases run the CLI in this process (`chainplan_lib.cli.main`, the same code path minus interpreter
start-up); `test_one_line_in_a_fresh_process` runs a few end to end.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import _hostile_workbooks as H
import pytest
from _batchkit import ROOT, run_cli
from _plans import plan_copy

from chainplan_lib import cli
from chainplan_lib.paths import raw_dir
from chainplan_lib.publish.render import _url_fetcher, html_to_pdf

HEADER = "产业链\t年份\t指标\t全区\t湖坊镇\t塘山镇\t京东镇\t罗家镇\t上海路街道\t青山路街道\t南钢街道\t站东街道\t高新园区"
TITLE = "青山湖区重点产业链目标预测表（亿元）"
GOOD_ROW = "电子信息\t2023\t营业收入\t65\t-\t-\t-\t1\t-\t-\t-\t-\t64"


def row(**cells: str) -> str:
    """GOOD_ROW with some value cells replaced (cell numbers as a spreadsheet counts them: 全区 is cell 4)."""
    parts = GOOD_ROW.split("\t")
    for k, v in cells.items():
        parts[int(k[1:]) - 1] = v
    return "\t".join(parts)


@pytest.fixture
def readonly_dir(tmp_path):
    """A folder nobody can write in — also root (immutable attribute), which ignores permission bits."""
    d = tmp_path / "readonly"
    d.mkdir()
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(d)]).returncode != 0:
            pytest.skip("cannot make a read-only folder as root here (no chattr +i)")
        yield d
        subprocess.run(["chattr", "-i", str(d)], check=True)
    else:
        d.chmod(0o555)
        yield d
        d.chmod(0o755)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as e:  # argparse
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainplan: error: "), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], f"{n!r} not in {lines[0]!r}"


# ---------------------------------------------------------------------------------- the target table

TABLE_CASES = {
    # name: (body of the file after title and header, words the line must contain)
    "negative-value-that-reconciles": (row(c8="-1", c13="66"), ["line 4, cell 8", "negative value '-1'"]),
    "malformed-thousands-3,20": (row(c4="3,20"), ["line 4, cell 4", "malformed number '3,20'",
                                                  "groups of three digits"]),
    "malformed-thousands-1,3": (row(c8="1,3"), ["line 4, cell 8", "malformed number '1,3'"]),
    "400-digit-number": (row(c4="9" * 400), ["line 4, cell 4", "not a plausible amount"]),
    "more-than-10^12": (row(c4="2000000000000", c13="1999999999999"), ["line 4, cell 4", "10^12"]),
    "inf-text": (row(c13="inf"), ["line 4, cell 13", "non-numeric cell 'inf'"]),
    "nan-text": (row(c4="NaN"), ["line 4, cell 4", "non-numeric cell 'NaN'"]),
    "unreadable-line": (GOOD_ROW + "\n这不是一行数据", ["line 5", "expected [产业链标签] [年份] 指标"]),
    "values-before-indicator": ("电子信息 2023 65 营业收入 - - - 1 - - - - 64", ["line 4", "no indicator"]),
    "unknown-chain": (GOOD_ROW.replace("电子信息", "家电"), ["line 4, cell 1", "unknown chain label '家电'"]),
    "areas-above-total": (row(c4="60"), ["line 4, cell 4", "areas sum to 65, more than the 全区 total 60"]),
}


@pytest.mark.parametrize("name", list(TABLE_CASES))
def test_target_table(name, tmp_path, capsys):
    body, needles = TABLE_CASES[name]
    raw = tmp_path / "attachment2.txt"
    raw.write_text(f"{TITLE}\n\n{HEADER}\n{body}\n", encoding="utf-8")
    code, _, err = run(["targets", "--raw", raw, "--out", tmp_path / "out" / "t.csv"], capsys)
    assert_one_line(code, err, str(raw), *needles)
    assert not (tmp_path / "out").exists(), "a failed cleaning creates no folder"


def test_target_table_over_1_mb_is_refused_before_reading(tmp_path, capsys):
    raw = tmp_path / "huge.txt"
    with open(raw, "w", encoding="utf-8") as fh:
        fh.write(f"{TITLE}\n\n{HEADER}\n")
        fh.write((GOOD_ROW + "\n") * 20_000)   # ~1.2 MB of a valid-looking table
    code, _, err = run(["targets", "--raw", raw, "--out", tmp_path / "t.csv"], capsys)
    assert_one_line(code, err, "larger than 1 MB", "Attachment 2 is a few KB")


@pytest.mark.parametrize("what", ["folder", "missing", "empty", "device"])
def test_target_table_path_that_is_not_a_table(what, tmp_path, capsys):
    p = {"folder": tmp_path, "missing": tmp_path / "nope.txt", "empty": tmp_path / "empty.txt",
         "device": Path("/dev/zero")}[what]
    if what == "empty":
        p.write_text(" \n", encoding="utf-8")
    needle = {"folder": "is a folder", "missing": "file not found", "empty": "file is empty",
              "device": "is a character device, not a regular file"}[what]
    code, _, err = run(["targets", "--raw", p, "--out", tmp_path / "o" / "t.csv"], capsys)
    assert_one_line(code, err, needle)


# ------------------------------------------------------------------------------------------- outputs


def _outputs(tmp_path: Path, readonly: Path) -> dict[str, tuple[list, list[str]]]:
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("x", encoding="utf-8")
    raw = raw_dir()
    regs = raw / "registers"
    return {
        "targets-out-is-a-folder": (["targets", "--out", tmp_path], ["--out", "is a folder; expected a file path"]),
        "targets-out-under-a-file": (["targets", "--out", a_file / "t.csv"], ["is a file, so no folder"]),
        "targets-out-read-only": (["targets", "--out", readonly / "t.csv"], ["cannot write in", str(readonly)]),
        "targets-out-in-data-raw": (["targets", "--out", raw / "targets.csv"], ["raw inputs are never written"]),
        "targets-out-in-data-raw-via-dotdot": (["targets", "--out", raw / "registers" / ".." / "t.csv"],
                                               ["raw inputs are never written"]),
        "register-clean-out-in-data-raw": (["register", "clean", regs, "--out", regs],
                                           ["raw inputs are never written"]),
        "register-clean-out-is-a-file": (["register", "clean", regs, "--out", a_file], ["is a file; expected a folder"]),
        "register-clean-out-read-only": (["register", "clean", regs, "--out", readonly / "reg"], ["cannot write in"]),
        "register-sample-out-in-data-raw": (["register", "sample", "--year", "2024", "--out", regs / "s.xlsx"],
                                            ["raw inputs are never written"]),
        "brief-out-in-data-raw": (["brief", "--year", "2024", "--out", raw], ["raw inputs are never written"]),
        "brief-out-is-a-file": (["brief", "--year", "2024", "--out", a_file], ["is a file; expected a folder"]),
        "brief-out-read-only": (["brief", "--year", "2024", "--out", readonly], ["cannot write in"]),
        "brief-out-under-read-only": (["brief", "--year", "2024", "--out", readonly / "new" / "deeper"],
                                      ["cannot write in"]),
    }


OUTPUT_CASES = ["targets-out-is-a-folder", "targets-out-under-a-file", "targets-out-read-only",
                "targets-out-in-data-raw", "targets-out-in-data-raw-via-dotdot", "register-clean-out-in-data-raw",
                "register-clean-out-is-a-file", "register-clean-out-read-only", "register-sample-out-in-data-raw",
                "brief-out-in-data-raw", "brief-out-is-a-file", "brief-out-read-only", "brief-out-under-read-only"]


@pytest.mark.parametrize("name", OUTPUT_CASES)
def test_outputs(name, tmp_path, readonly_dir, capsys):
    raw_before = sorted((p.relative_to(raw_dir()), p.stat().st_mtime_ns) for p in raw_dir().rglob("*"))
    argv, needles = _outputs(tmp_path, readonly_dir)[name]
    code, _, err = run(argv, capsys)
    assert_one_line(code, err, *needles)
    assert sorted((p.relative_to(raw_dir()), p.stat().st_mtime_ns) for p in raw_dir().rglob("*")) == raw_before
    assert list(readonly_dir.iterdir()) == []


def test_a_failed_batch_leaves_no_empty_folders(tmp_path, capsys, font_cache):
    """The registers fail to clean after the batch made its report folders: they are all removed again."""
    bad = tmp_path / "registers"
    bad.mkdir()
    (bad / "x.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    out = tmp_path / "new" / "reports"
    code, _, err = run(["brief", "--year", "2024", "--registers", bad, "--out", out, "--jobs", "1"], capsys)
    assert_one_line(code, err, "x.xlsx", "not a valid workbook")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registers"]


# --------------------------------------------------------------------------------------- CLI options

OPTION_CASES = {
    "jobs-0": (["--jobs", "0"], ["argument --jobs", "0 must be at least 1"]),
    "jobs-negative": (["--jobs", "-3"], ["argument --jobs", "-3 must be at least 1"]),
    "jobs-not-a-number": (["--jobs", "two"], ["argument --jobs", "'two' is not a whole number"]),
    "year-outside-plan": (["--year", "2030"], ["year=2030 is outside the plan's years 2023–2026"]),
    "year-not-a-year": (["--year", "next"], ["argument --year", "'next' is not a year"]),
    "registers-missing": (["--registers", "/nonexistent/registers"], ["registers='/nonexistent/registers' does not"]),
    "notebooks-empty-folder": (["--notebooks", "{tmp}"], ["no notebooks (*.ipynb)"]),
    "p-unknown-name": (["-p", "speed=3"], ["-p speed: no notebook declares a parameter 'speed'", "known: ",
                                           "tolerance_pp", "scenario_rates"]),
    "p-set-by-an-option": (["-p", "year=2025"], ["-p year: set by --year"]),
    "p-batch-folder": (["-p", "processed_dir=/tmp"], ["-p processed_dir: set by the batch"]),
    "p-without-value": (["-p", "tolerance_pp"], ["expected NAME=VALUE"]),
    "p-bad-chain": (["-p", "chain=steel"], ["chain='steel' is not a known chain"]),
    "p-tolerance-out-of-range": (["-p", "tolerance_pp=50"], ["must be between 0 and 10"]),
    "p-rates-as-percent": (["-p", "scenario_rates=[10]"], ["0.10 means 10 %"]),
    "p-base-year-after-year": (["-p", "base_year=2025"], ["base_year=2025 is after year=2024"]),
    "params-bad-yaml": (["--params", "{tmp}/bad.yaml"], ["line 2", "not valid YAML"]),
    "params-not-a-mapping": (["--params", "{tmp}/list.yaml"], ["expected a mapping of NAME: VALUE lines"]),
    "params-unknown-name": (["--params", "{tmp}/unknown.yaml"], ["no notebook declares a parameter 'colour'"]),
    "params-missing": (["--params", "{tmp}/nope.yaml"], ["file not found"]),
    "params-too-big": (["--params", "{tmp}/big.yaml"], ["larger than 100 KB"]),
    "p-base-total-inf": (["-p", "base_total_yi=.inf"], ["base_total_yi=inf is not a finite amount in 亿元"]),
    "p-base-total-minus-inf": (["-p", "base_total_yi=-.inf"], ["base_total_yi=-inf is not a finite amount"]),
    "p-base-total-nan": (["-p", "base_total_yi=.nan"], ["base_total_yi=nan is not a finite amount"]),
}


@pytest.mark.parametrize("name", list(OPTION_CASES))
def test_brief_options(name, tmp_path, capsys):
    (tmp_path / "bad.yaml").write_text("tolerance_pp: 0.5\nchain: textiles: metallurgy\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- tolerance_pp\n- 0.5\n", encoding="utf-8")
    (tmp_path / "unknown.yaml").write_text("colour: red\n", encoding="utf-8")
    (tmp_path / "big.yaml").write_text("# padding\n" * 20_000, encoding="utf-8")
    extra, needles = OPTION_CASES[name]
    argv = ["brief", "--year", "2024", "--out", tmp_path / "reports",
            *[a.replace("{tmp}", str(tmp_path)) for a in extra]]
    code, _, err = run(argv, capsys)
    assert_one_line(code, err, *needles)
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "nan"])
def test_a_base_total_that_is_not_finite_is_refused_before_anything_runs(value):
    from chainplan_lib.errors import ParameterError
    from chainplan_lib.plan.params import check_base_total

    with pytest.raises(ParameterError, match="is not a finite amount in 亿元"):
        check_base_total(value)   # `inf <= 0` is False and so is every comparison with nan


@pytest.mark.parametrize("argv, needles", [
    ([], ["the following arguments are required: command"]),
    (["brief"], ["brief: the following arguments are required: --year"]),
    (["register"], ["required: register_command"]),
    (["consistency", "--targets", "/nonexistent/targets.csv"], ["targets file not found"]),
    (["consistency", "--tolerance", "lots"], ["argument --tolerance: invalid float value: 'lots'"]),
], ids=["no-command", "brief-no-year", "register-no-subcommand", "targets-missing", "tolerance-not-a-number"])
def test_other_commands(argv, needles, capsys):
    code, _, err = run(argv, capsys)
    assert_one_line(code, err, *needles)


# ------------------------------------------------------------------------------------ registers (CLI)


@pytest.mark.parametrize("what, needles", [
    ("empty-folder", ["no register files (*.xlsx, *.xlsm, *.xls, *.ods, *.et, *.csv)"]),
    ("corrupt-xlsx", ["x.xlsx", "not a valid workbook"]),
    ("no-header", ["bad.csv", "no header row found"]),
    ("missing", ["no such file or folder"]),
])
def test_registers(what, needles, tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    if what == "corrupt-xlsx":
        (src / "x.xlsx").write_text("not a spreadsheet", encoding="utf-8")
    elif what == "no-header":
        (src / "bad.csv").write_text("hello\nworld\n", encoding="utf-8")
    elif what == "missing":
        src = tmp_path / "nope"
    code, _, err = run(["register", "clean", src, "--out", tmp_path / "out"], capsys)
    assert_one_line(code, err, *needles)
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------------------- end to end


@pytest.mark.parametrize("argv, needle", [
    (["brief", "--year", "2024", "--jobs", "0"], "argument --jobs: 0 must be at least 1"),
    (["targets", "--out", "data/raw/targets.csv"], "raw inputs are never written"),
])
def test_one_line_in_a_fresh_process(argv, needle):
    cp = run_cli(argv)
    assert cp.returncode == 2 and cp.stdout == ""
    assert cp.stderr.count("\n") == 1 and cp.stderr.startswith("chainplan: error: ") and needle in cp.stderr


# --------------------------------------------------------------------- hostile references in a PDF page


def test_pdf_fetches_only_the_reports_own_files(tmp_path, font_cache):
    """A page referring to a local file outside its folder, or to the network, gets neither; a file inside
    the folder is attached (so the check can fail)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from pypdf import PdfReader

    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x")

        def log_message(self, *a):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = tmp_path / "report"
    page.mkdir()
    (page / "own.txt").write_text("inside the report", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the report", encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_address[1]}"
    doc = (f"<html><head><link rel=attachment href='own.txt'>"
           f"<link rel=attachment href='..%2Fsecret.txt'><link rel=attachment href='../secret.txt'>"
           f"<link rel=attachment href='{(tmp_path / 'secret.txt').as_uri()}'>"
           f"<link rel=stylesheet href='{url}/style.css'><link rel=attachment href='{url}/net.txt'></head>"
           f"<body><p>页面</p><img src='{url}/img.png'></body></html>")
    try:
        pdf = html_to_pdf(doc, tmp_path / "out.pdf", base_url=page.as_uri() + "/")
    finally:
        server.shutdown()
    attached = {name: b"".join(data) for name, data in PdfReader(str(pdf)).attachments.items()}
    assert list(attached.values()) == [b"inside the report"], attached
    assert hits == []
    import weasyprint

    fetch = _url_fetcher(weasyprint, [page])
    with pytest.raises(ValueError, match="not fetching"):
        fetch.fetch((tmp_path / "secret.txt").as_uri())
    assert fetch.fetch("data:text/plain,ok").read() == b"ok"


# ------------------------------------------------------------------------ hostile inputs (issue 23)
# Cases that aborted, hung or ate memory run in a fresh process with 4 GB of address space and a time limit, so
# that on code without the fix they fail (SIGABRT, MemoryError, timeout) instead of taking the machine with them.


def run_bounded(argv: list, timeout: float = 180, cwd: Path = ROOT) -> tuple[int, str, str]:
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    try:
        cp = subprocess.run([sys.executable, "-m", "chainplan_lib.cli", *map(str, argv)], capture_output=True,
                            text=True, timeout=timeout, cwd=cwd, preexec_fn=limit, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"chainplan {' '.join(map(str, argv))}: still running after {timeout:.0f} s")
    return cp.returncode, cp.stdout, cp.stderr


def _far_files(tmp: Path) -> dict[str, Path]:
    regs = tmp / "registers"
    regs.mkdir()
    return {"xlsx": H.xlsx(regs / "far_2024.xlsx"), "xls": H.small_xls(tmp / "far_2024.xls", far=(0xFFFF, 0xFFFF)),
            "ods": H.ods(tmp / "far_2024.ods", H.ODS_A1 + H.ODS_FAR), "folder": regs}


FAR_CELL_CASES = {
    # name: (argv, the file the line must name, the range it must quote)
    "register-clean-xlsx": (["register", "clean", "{folder}", "--out", "{tmp}/out"], "xlsx", "A1:XFD1048576"),
    "actuals-clean-xlsx": (["actuals", "clean", "{xlsx}", "--out", "{tmp}/out"], "xlsx", "A1:XFD1048576"),
    "brief-registers-xlsx": (["brief", "--year", "2024", "--registers", "{folder}", "--jobs", "1", "--out",
                              "{tmp}/out"], "xlsx", "A1:XFD1048576"),
    "register-clean-xls": (["register", "clean", "{xls}", "--out", "{tmp}/out"], "xls", "A1:CRXP65536"),
    "actuals-clean-ods": (["actuals", "clean", "{ods}", "--out", "{tmp}/out"], "ods", "A1:AMJ1048576"),
}


@pytest.mark.parametrize("name", list(FAR_CELL_CASES))
def test_a_sparse_far_cell_is_one_line_not_an_aborted_process(name, tmp_path):
    """A 5 KB workbook with one value at XFD1048576 (or its .xls/.ods forms): calamine would allocate the dense
    range (549,755,813,888 bytes) and abort; the sheet is measured first and refused."""
    files = _far_files(tmp_path)
    argv, which, ref = FAR_CELL_CASES[name]
    subst = {"{tmp}": str(tmp_path), **{f"{{{k}}}": str(v) for k, v in files.items()}}
    for k, v in subst.items():
        argv = [a.replace(k, v) for a in argv]
    code, _, err = run_bounded(argv)
    assert_one_line(code, err, str(files[which]), "sheet '名录': its cells reach " + ref, "refused before reading it")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("what", ["plan-check", "targets-plan", "targets-raw", "brief-params"])
def test_a_fifo_is_refused_not_waited_on(what, tmp_path):
    fifo = tmp_path / {"targets-raw": "table.txt", "brief-params": "p.yaml"}.get(what, "plan.toml")
    os.mkfifo(fifo)   # nobody ever writes to it: opening it for reading would block forever
    argv = {"plan-check": ["plan", "check", fifo],
            "targets-plan": ["targets", "--plan", fifo, "--out", tmp_path / "t.csv"],
            "targets-raw": ["targets", "--raw", fifo, "--out", tmp_path / "t.csv"],
            "brief-params": ["brief", "--year", "2024", "--params", fifo, "--out", tmp_path / "r"]}[what]
    code, _, err = run_bounded(argv, timeout=60)
    assert_one_line(code, err, str(fifo), "is a named pipe (FIFO), not a regular file")


@pytest.mark.parametrize("argv", [["plan", "check", "/dev/zero"], ["consistency", "--plan", "/dev/zero"],
                                  ["progress", "--year", "2025", "--targets", "/dev/zero"]],
                         ids=["plan-check", "consistency-plan", "progress-targets"])
def test_dev_zero_is_not_read_until_memory_runs_out(argv):
    code, _, err = run_bounded(argv, timeout=60)
    assert_one_line(code, err, "/dev/zero: ", "is a character device, not a regular file")


TABLE_PATHS = {
    # [table] path in a plan file kept in a folder of its own: none may leave that folder
    "dotdot-etc-passwd": ("../../../../../../../../../etc/passwd", "leads outside the plan's folder"),
    "absolute": ("/etc/passwd", "is an absolute path"),
    "symlink-out": ("table.txt", "is a symbolic link leading outside the plan's folder"),
    "home": ("~/.bashrc", "is an absolute path"),
}


@pytest.mark.parametrize("name", list(TABLE_PATHS))
def test_a_plans_table_path_stays_in_its_folder(name, tmp_path, capsys):
    given, needle = TABLE_PATHS[name]
    plans = tmp_path / "plans"   # not data/plans: the plan's own folder is the limit
    plans.mkdir()
    (plans / "table.txt").symlink_to("/etc/passwd")
    plan = plan_copy(plans)   # its table copied beside it; then the path edited
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('path = "attachment2_targets.txt"', f'path = "{given}"'), encoding="utf-8")
    for argv in (["plan", "check", plan], ["targets", "--plan", plan, "--out", tmp_path / "t.csv"]):
        code, _, err = run(argv, capsys)
        assert_one_line(code, err, f"{plan}: table.path: '{given}' {needle}")
        assert "root:" not in err   # the file's content is never quoted


def test_the_bundled_layout_stays_valid_data_plans_reaches_data_raw(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "plans").mkdir(parents=True)
    (data / "raw").mkdir()
    shutil.copy(raw_dir() / "attachment2_targets.txt", data / "raw")
    plan = data / "plans" / "p.toml"
    plan.write_text((ROOT / "data/plans/qingshanhu-2024.toml").read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(["plan", "check", plan], capsys)
    assert code == 0, err
    escape = data / "plans" / "q.toml"   # but not further up than data/
    escape.write_text(plan.read_text(encoding="utf-8").replace("../raw/", "../../data/raw/../../"), encoding="utf-8")
    assert_one_line(*run(["plan", "check", escape], capsys)[::2], "table.path: ", "leads outside")


NAME_CASES = {
    # (old, new) in the bundled plan: the key the one line must name, and what it says
    "zero-width-twin-area": (('name = "塘山镇"', 'name = "湖坊\u200b镇"'), "areas[1].name: contains U+200B (ZERO WIDTH SPACE)"),
    "bom-in-alias": (('aliases = ["冶金", "钢铁建材"]', 'aliases = ["冶金", "\ufeff钢铁建材"]'),
                     "chains[1].aliases[1]: contains U+FEFF"),
    "rtl-override-title": (("title = \"青山湖区贯彻", "title = \"\u202e青山湖区贯彻"),
                           "plan.title: contains U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    "bidi-isolate-district": (('district = "青山湖区"', 'district = "青山\u2067湖区"'), "plan.district: contains U+2067"),
    "formula-chain": (('name = "现代针纺"', 'name = "=现代针纺"'), "chains[0].name: '=现代针纺' begins with '='"),
    "full-width-formula-area": (('name = "塘山镇"', 'name = "＋塘山镇"'), "areas[1].name: '＋塘山镇' begins with '＋'"),
    "at-sign-alias": (('aliases = ["冶金", "钢铁建材"]', 'aliases = ["@冶金", "钢铁建材"]'),
                      "chains[1].aliases[0]: '@冶金' begins with '@'"),
    "tab-then-formula": (('name = "现代针纺"', 'name = "\\t-现代针纺"'), "chains[0].name: '-现代针纺' begins with '-'"),
}


@pytest.mark.parametrize("name", list(NAME_CASES))
def test_names_that_hide_text_or_start_a_formula_are_refused_naming_the_key(name, tmp_path, capsys):
    edit, needle = NAME_CASES[name]
    plan = plan_copy(tmp_path, edit)
    for argv in (["plan", "check", plan], ["targets", "--plan", plan, "--out", tmp_path / "t.csv"]):
        code, _, err = run(argv, capsys)
        assert_one_line(code, err, f"{plan}: {needle}")
        if "U+" in needle:   # the place shown with the character made visible
            assert "(at '湖坊⟦U+200B⟧镇')" in err or "⟦U+" in err.split("(at ")[-1]
    assert not (tmp_path / "t.csv").exists()


def test_names_are_nfc_normalised(tmp_path):
    from chainplan_lib.plan.load import read_plan

    p = read_plan(plan_copy(tmp_path, ('"冶金", "钢铁建材"', '"冶金", "钢铁建材", "Cafe\u0301"')))   # e + combining acute
    assert "Caf\u00e9" in p.chains[1].aliases and "Cafe\u0301" not in p.chains[1].aliases


def test_plan_new_never_turns_a_district_into_a_path(tmp_path, capsys, monkeypatch):
    here = tmp_path / "a" / "b"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    for district in ("../../x", "x/y", "..\\x", "\u202ex", "=x", ".x"):
        code, _, err = run(["plan", "new", "--district", district], capsys)
        assert_one_line(code, err, f"--district {district!r}")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []   # nothing written anywhere
    code, out, _ = run(["plan", "new", "--district", "云溪县", "--out", tmp_path / "a" / "my.toml"], capsys)
    assert code == 0 and (tmp_path / "a" / "my.toml").is_file()   # --out as given


def test_a_bad_value_in_a_targets_table_names_the_line_column_and_value(tmp_path, capsys, plan):
    from chainplan_lib.cleaning.targets.clean import clean_targets

    p = tmp_path / "targets.csv"
    df = clean_targets(plan=plan).table.astype(str)
    df.loc[3, "value"] = "-4.0"   # file line 5 (the header is line 1)
    df.to_csv(p, index=False)
    code, _, err = run(["consistency", "--targets", p], capsys)
    assert_one_line(code, err, f"{p}, line 5: column 'value': -4.0 is below 0")
    df.loc[3, "value"], df.loc[6, "year"] = "4.0", "二〇二三"   # file line 8
    df.to_csv(p, index=False)
    code, _, err = run(["consistency", "--targets", p], capsys)
    assert_one_line(code, err, f"{p}, line 8: column 'year': '二〇二三' is not a whole number")
    df.loc[6, "year"], df.loc[9, "area"] = "2023", "某镇"
    df.to_csv(p, index=False)
    code, _, err = run(["consistency", "--targets", p], capsys)
    assert_one_line(code, err, f"{p}, line 11: column 'area': '某镇' is not one of (")


@pytest.mark.parametrize("what, needle", [
    ("empty", "file is empty; expected a valid targets table"),
    ("unclosed-quote", "line 5: not a valid targets table: cannot be read as CSV"),
    ("binary", "cannot decode the text"),
    ("header-only-wrong", "column 'year' missing"),
])
def test_a_targets_table_that_cannot_be_read_is_one_line(what, needle, tmp_path, capsys, plan):
    p = tmp_path / "targets.csv"
    if what == "empty":
        p.write_bytes(b"")
    elif what == "unclosed-quote":
        from chainplan_lib.cleaning.targets.clean import clean_targets

        lines = clean_targets(plan=plan).table.to_csv(index=False).splitlines()
        lines[4] = lines[4].replace(",", ',"', 1)
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif what == "binary":
        p.write_bytes(bytes(range(256)) * 4)
    else:
        p.write_text("a,b\n1,2\n", encoding="utf-8")
    for argv in (["consistency", "--targets", p], ["progress", "--year", "2025", "--targets", p]):
        code, _, err = run(argv, capsys)
        assert_one_line(code, err, str(p), needle)


@pytest.mark.parametrize("what, needle", [
    ("empty", "file is empty; expected an actuals table"),
    ("binary", "cannot decode the text"),
    ("nul-bytes", "not text: a NUL character"),
    ("bad-month", "column 'month': 'x' is not a whole number"),
    ("negative", "column 'value': -3.0 is below 0"),
])
def test_an_actuals_table_that_cannot_be_read_is_one_line(what, needle, tmp_path, capsys, plan):
    from chainplan_lib.cleaning.actuals.clean import clean_actuals

    folder = tmp_path / "actuals"
    folder.mkdir()
    p = folder / "actuals.csv"
    if what == "empty":
        p.write_bytes(b"")
    elif what == "binary":
        p.write_bytes(bytes(range(128, 256)) * 8)
    elif what == "nul-bytes":
        p.write_bytes(b"\x00" * 64)
    else:
        df = clean_actuals([raw_dir() / "actuals"], plan).actuals.astype(str)
        df.loc[5, "month" if what == "bad-month" else "value"] = "x" if what == "bad-month" else "-3"
        df.to_csv(p, index=False)
    code, _, err = run(["progress", "--year", "2025", "--actuals", folder], capsys)
    assert_one_line(code, err, str(p), needle)
