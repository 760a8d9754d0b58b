"""The command line's own rules: `--version`, one tolerance rule for the CLI and the notebooks, the exit statuses
written down in one place (cli.py's docstring, the README's "Command line") and kept."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys

import pytest
from _plans import PLAN, ROOT

import chainplan_lib
from chainplan_lib import cli
from chainplan_lib.analysis.consistency import check_consistency
from chainplan_lib.errors import ParameterError
from chainplan_lib.plan.params import check_batch_params


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0
    version = importlib.metadata.version("chainplan")
    assert capsys.readouterr().out == f"chainplan {version}\n" and chainplan_lib.__version__ == version
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)


def test_version_from_the_installed_command():
    r = subprocess.run([sys.executable, "-m", "chainplan_lib.cli", "--version"], capture_output=True, text=True,
                       timeout=60)
    assert (r.returncode, r.stdout.strip()) == (0, f"chainplan {chainplan_lib.__version__}")


# --------------------------------------------------------------------------------------- one tolerance rule
@pytest.mark.parametrize("pp", ["50", "10.5", "-1", "nan"])
def test_tolerance_is_refused_alike_by_the_cli_and_the_notebooks(pp, capsys):
    assert cli.main(["consistency", "--tolerance", pp]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chainplan: error: --tolerance=") and len(err.splitlines()) == 1
    said = err.removeprefix("chainplan: error: --tolerance=")
    with pytest.raises(ParameterError) as notebook:   # -p tolerance_pp=… for brief / run, before anything runs
        check_batch_params({"tolerance_pp": float(pp)}, {"03_consistency": {"tolerance_pp"}}, reserved=set(),
                           plan=PLAN)
    assert str(notebook.value).endswith(said) and "must be between 0 and 10 percentage points" in said
    with pytest.raises(ParameterError) as library:    # and the library's own call
        check_consistency(__import__("pandas").DataFrame(), tolerance_pp=float(pp), plan=PLAN)
    assert str(library.value) == f"tolerance_pp={said}"


@pytest.mark.parametrize("pp", ["0", "10", "2.5"])
def test_the_same_range_is_accepted(pp, capsys):
    assert cli.main(["consistency", "--tolerance", pp, "--json"]) == 0
    assert f'"tolerance_pp": {float(pp)}' in capsys.readouterr().out


# ------------------------------------------------------------------------------------------- exit statuses
def test_exit_statuses_are_written_down_once_and_kept():
    doc = cli.__doc__
    for code, says in (("0", "done"), ("1", "disagrees"), ("2", "user error"), ("3", "no figure"),
                       ("130 / 143", "SIGINT")):
        assert re.search(rf"^\* {re.escape(code)} — .*{says}", doc, re.M | re.S), code
    assert (cli.CHECK_FAILED_EXIT, cli.USER_ERROR_EXIT, cli.MISSING_EXIT) == (1, 2, 3)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line"):]
    section = section[:section.index("\n## ", 1)]
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 / 143 |"):
        assert code in section, code


def test_the_readme_lists_every_verb_with_an_example():
    from test_cli_help import PARSERS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line"):]
    section = section[:section.index("\n## ", 1)]
    leaves = [" ".join(p) for p, parser in PARSERS.items() if p and not parser._subparsers]
    for verb in leaves:
        assert re.search(rf"^\| `{verb}` \|.*\| `chainplan {verb}\b", section, re.M), verb
