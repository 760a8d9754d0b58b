"""`chainplan … --help`: every option of every verb says what it is, with its default where it has one; every verb
has examples, and each example is a command the parser accepts; `brief --help` says what it writes and where."""

from __future__ import annotations

import argparse
import shlex

import pytest

from chainplan_lib import cli


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """(path, parser) for the top-level parser and every subparser under it, depth first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


PARSERS = dict(_parsers(cli.build_parser()))
VERBS = [path for path in PARSERS if path]


def _options(parser: argparse.ArgumentParser):
    return [a for a in parser._actions if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))]


def _help(path: tuple[str, ...]) -> str:
    return " ".join(PARSERS[path].format_help().split())   # wrapped lines joined


def test_the_walk_finds_every_verb():
    assert {" ".join(p) for p in VERBS} >= {
        "targets", "plan", "plan check", "plan new", "register", "register clean", "register sample", "consistency",
        "brief", "run", "actuals", "actuals clean", "actuals sample", "progress"}


@pytest.mark.parametrize("path", list(PARSERS), ids=lambda p: " ".join(p) or "chainplan")
def test_every_option_has_help(path):
    missing = [a.dest for a in _options(PARSERS[path]) if not (a.help or "").strip()]
    assert not missing, f"chainplan {' '.join(path)}: options without help: {missing}"


@pytest.mark.parametrize("path", list(PARSERS), ids=lambda p: " ".join(p) or "chainplan")
def test_every_default_is_shown(path):
    """An option with a default (not None, not a flag's False) shows it in the help, as argparse's
    ArgumentDefaultsHelpFormatter would; an option whose default is None says what happens without it."""
    text = _help(path)
    for a in _options(PARSERS[path]):
        if not a.option_strings or isinstance(a, argparse._VersionAction):
            continue
        if a.default not in (None, False):
            assert f"(default: {a.default}" in text, f"{a.option_strings[0]}: default {a.default} not shown"


@pytest.mark.parametrize("path", list(PARSERS), ids=lambda p: " ".join(p) or "chainplan")
def test_every_verb_has_examples_the_parser_accepts(path):
    epilog = PARSERS[path].epilog or ""
    assert epilog.startswith("examples:\n"), f"chainplan {' '.join(path)}: no examples"
    examples = [line.split("#")[0].strip() for line in epilog.splitlines()[1:] if line.startswith("  chainplan ")]
    assert examples
    parser = cli.build_parser()
    for example in examples:
        argv = shlex.split(example)[1:]
        assert argv[:len(path)] == list(path), example   # an example of this verb
        args = parser.parse_args(cli._papermill_pairs(argv))
        assert callable(getattr(args, "func", None)), example


def test_examples_use_generic_values_not_the_bundled_plan():
    """The bundled district's names live in its plan file; the examples use --plan my-district.toml and the like."""
    from test_plan_value import BUNDLED_WORDS

    for path, parser in PARSERS.items():
        found = [w for w in BUNDLED_WORDS if w in (parser.epilog or "") + (parser.description or "")]
        assert not found, (path, found)


@pytest.mark.parametrize("path, option, says", [
    (("consistency",), "--tolerance", "百分点"), (("consistency",), "--base-total", "亿元"),
    (("progress",), "--month", "1—N月"), (("progress",), "--actuals", "统计月报"),
    (("register", "clean"), "inputs", "规上企业名录"), (("register", "sample"), "--seed", "same seed"),
    (("brief",), "--registers", "规上企业名录"),
])
def test_units_and_domain_terms(path, option, says):
    action = next(a for a in _options(PARSERS[path]) if option in a.option_strings or a.dest == option)
    assert says in action.help, (path, option)


def test_brief_help_names_its_outputs_and_where_they_go():
    text = _help(("brief",))
    for says in ("PDF", "Word (.docx)", "briefing-YEAR.pdf", "briefing-YEAR.docx", "html/NAME.html", "index.html",
                 "reports/2024/", "(default: reports)", "manifest.json"):
        assert says in text, says


def test_help_of_the_command_says_the_exit_status():
    text = _help(())
    assert "exit status: 0" in text and "2 a user error" in text and "3 a report" in text and "130 / 143" in text


def test_help_is_printed_with_exit_0(capsys):
    for path in VERBS:
        with pytest.raises(SystemExit) as e:
            cli.main([*path, "--help"])
        assert e.value.code == 0
        assert capsys.readouterr().out.startswith(f"usage: chainplan {' '.join(path)}")
