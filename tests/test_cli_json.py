"""`--json` on every verb that prints a result: one JSON document on stdout, UTF-8 characters as they are
(``ensure_ascii=False``), the same keys every run; without it, the result in Chinese."""

from __future__ import annotations

import argparse
import json
import re

import pytest
from _plans import BUNDLED, PLAN, ROOT, YUNXI
from test_cli_help import PARSERS
from test_register_clean import HEAD, C, write_csv

from chainplan_lib import cli

#: The verbs whose result is a report or a batch of their own (the yearly batch and one notebook) print a summary
#: and the report's files; they have no --json of this kind.
NOT_JSON = {("brief",), ("run",)}


def _run(capsys, *argv) -> tuple[int, str]:
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr().out


def _json(capsys, *argv, code: int = 0) -> dict:
    got, out = _run(capsys, *argv, "--json")
    assert got == code, out
    assert "\\u" not in out                      # ensure_ascii=False: Chinese as Chinese
    return json.loads(out)


def _leaves():
    return [p for p, parser in PARSERS.items() if p and not any(
        isinstance(a, argparse._SubParsersAction) for a in parser._actions)]


@pytest.mark.parametrize("path", _leaves(), ids=" ".join)
def test_every_verb_that_prints_a_result_has_json(path):
    options = {o for a in PARSERS[path]._actions for o in a.option_strings}
    assert ("--json" in options) != (path in NOT_JSON), path


def test_targets(tmp_path, capsys):
    d = _json(capsys, "targets", "--out", tmp_path / "t.csv")
    assert list(d) == ["source_file", "encoding", "rows", "sources", "repairs", "checks", "written"]
    assert d["rows"] == 320 and d["sources"] == {"table": 149, "dash": 168, "imputed": 3, "missing": 0}
    assert d["repairs"]["total"] == 27 and d["repairs"]["by_kind"]["surplus_cells"] == 11
    assert d["checks"] == {"total": 40, "ok": 40, "not_ok": 0, "failed": []}
    assert d["written"] == [str(tmp_path / n) for n in ("t.csv", "t_repairs.csv", "t_checks.csv")]
    assert _json(capsys, "targets", "--out", tmp_path / "t.csv") == d   # the same document every run


def test_plan_check(capsys):
    d = _json(capsys, "plan", "check", YUNXI)
    assert list(d) == ["ok", "plan", "table", "text_targets"] and d["ok"] is True
    assert d["plan"]["district"] == "云溪县" and [c["name"] for c in d["plan"]["chains"]] == ["新材料", "装备制造", "绿色食品"]
    assert d["plan"]["overall"] == {"indicator": "revenue", "growth": 0.12, "qualifier": "以上", "section": "二、发展目标"}
    assert (d["table"]["rows"], d["table"]["chains"], d["table"]["areas"]) == (216, 3, 6)
    assert d["text_targets"] == {"checked": 4, "agree": 4}


def test_plan_check_disagreeing_is_exit_1_with_ok_false(tmp_path, capsys):
    from _plans import plan_copy

    plan = plan_copy(tmp_path, ("value = 120", "value = 125"), source=YUNXI)
    d = _json(capsys, "plan", "check", plan, code=1)
    assert d["ok"] is False and d["text_targets"] == {"checked": 4, "agree": 3}


def test_plan_new(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _json(capsys, "plan", "new", "--district", "云溪县") == {"written": ["云溪县-plan.toml"]}


def test_register_clean(tmp_path, capsys):
    path = write_csv(tmp_path / "r.csv", [HEAD, [1, "甲纺织有限公司", C[0], "罗家镇", "1711", "3500", "2024"]])
    d = _json(capsys, "register", "clean", path, "--out", tmp_path / "o")
    assert (d["rows_read"], d["clean"], d["quarantined"], d["balanced"]) == (1, 1, 0, True)
    assert d["written"][-1] == str(tmp_path / "o" / "register_summary.json")
    written = json.loads((tmp_path / "o" / "register_summary.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in d.items() if k != "written"} == written   # the summary file, plus what was written


def test_actuals_clean(tmp_path, capsys):
    d = _json(capsys, "actuals", "clean", ROOT / "data" / "raw" / "actuals", "--out", tmp_path / "a")
    assert d["balanced"] and d["synthetic"] and d["clean"] == 505 and d["quarantined"] == 31
    assert d["chain_ids"] == ["industry", *PLAN.chain_ids] and d["years"][0] == 2019
    assert str(tmp_path / "a" / "actuals.csv") in d["written"]


def test_samples_list_the_files_written(tmp_path, capsys):
    d = _json(capsys, "register", "sample", "--year", "2024", "--out", tmp_path / "synthetic_r.csv")
    assert d == {"written": [str(tmp_path / "synthetic_r.csv")]}
    d = _json(capsys, "actuals", "sample", "--out", tmp_path / "a")
    assert len(d["written"]) == 5 and all(p.startswith(str(tmp_path / "a")) for p in d["written"])


def test_consistency_and_progress(capsys):
    d = _json(capsys, "consistency", "--tolerance", "0.5")
    assert d["verdict"] == "more_ambitious" and d["tolerance_pp"] == 0.5
    d = _json(capsys, "progress", "--year", "2025", "--month", "9", "--plan", BUNDLED)
    assert (d["year"], d["month"]) == (2025, 9) and set(PLAN.chain_ids) <= set(d["chains"])


# ------------------------------------------------------------------------------------------ one language
#: English words the summaries used to print ("targets: 320 rows from …", "quarantined:", "wrote:" …)
ENGLISH = re.compile(r"\b(rows?|read|clean|quarantined|duplicates|dropped|sources|repairs|logged|checks?|wrote|"
                     r"header|unit|year from|valid|agree|OK)\b")


def _prose(text: str) -> str:
    """The text without what stays as it is: paths, codes in the CSVs' own words (snake_case), bracketed sheets."""
    text = re.sub(r"\S*/\S*|\S+\.(csv|xlsx|txt|toml|json)\b", " ", text)
    return re.sub(r"\b[a-z]+(_[a-z0-9]+)+\b", " ", text)


@pytest.mark.parametrize("argv, first", [
    (["targets", "--out", "{tmp}/t.csv"], "目标表："),
    (["plan", "check", str(YUNXI)], "方案文件 "),
    (["register", "clean", str(ROOT / "data" / "raw" / "registers"), "--out", "{tmp}/r"], "名录："),
    (["actuals", "clean", str(ROOT / "data" / "raw" / "actuals"), "--out", "{tmp}/a"], "统计月报："),
], ids=["targets", "plan-check", "register-clean", "actuals-clean"])
def test_results_are_printed_in_chinese(argv, first, tmp_path, capsys):
    code, out = _run(capsys, *[a.format(tmp=tmp_path) for a in argv])
    assert code == 0 and out.startswith(first)
    english = [line for line in out.splitlines() if ENGLISH.search(_prose(line))]
    assert not english, english
