"""`chainplan plan check` and `chainplan plan new`: what a person starting another district's plan file sees."""

from __future__ import annotations

from _plans import BUNDLED, YUNXI, plan_copy

from chainplan_lib import cli


def test_check_the_bundled_plan(capsys):
    assert cli.main(["plan", "check", str(BUNDLED)]) == 0
    out = capsys.readouterr().out
    assert "320 rows = 4 chains × 4 years × 2 indicators × 10 areas (全区 and 9)" in out
    assert "repairs logged: 27" in out and "checks: 40 ok, 0 not ok" in out
    assert "text targets checked against the table: 8 (8 agree)" in out
    assert "size bands: 现代针纺 2026: ≥1亿元 50户" in out and out.rstrip().endswith("OK: the plan and its table agree.")


def test_check_the_second_plan(capsys):
    assert cli.main(["plan", "check", str(YUNXI)]) == 0
    out = capsys.readouterr().out
    assert "216 rows = 3 chains × 4 years × 3 indicators × 6 areas (全区 and 5)" in out
    assert "overall: revenue grows 12%以上 a year" in out and "(4 agree)" in out


def test_a_text_target_the_table_contradicts_is_reported_not_forced(tmp_path, capsys):
    # 新材料 2027 营业收入 is 120 in the table; a plan whose text says 125 is flagged (exit 1), the table kept
    plan = plan_copy(tmp_path, ("value = 120", "value = 125"), source=YUNXI)
    assert cli.main(["plan", "check", str(plan)]) == 1
    out = capsys.readouterr().out
    assert "(3 agree)" in out and "NOT OK" in out


def test_new_writes_a_skeleton_once_and_check_names_what_is_missing(tmp_path, capsys, monkeypatch):
    plans = tmp_path / "plans"   # the skeleton's table is 云溪县-targets.txt beside it: not there yet
    plans.mkdir()
    monkeypatch.chdir(plans)
    assert cli.main(["plan", "new", "--district", "云溪县", "--years", "2024-2027"]) == 0
    text = (plans / "云溪县-plan.toml").read_text(encoding="utf-8")
    assert 'district = "云溪县"' in text and "years = [2024, 2025, 2026, 2027]" in text and "target_year = 2027" in text
    assert cli.main(["plan", "new", "--district", "云溪县"]) == 2
    assert "exists; a skeleton is never written over a file" in capsys.readouterr().err
    assert cli.main(["plan", "check", "云溪县-plan.toml"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "table.path" in err and "is not a file" in err
    assert cli.main(["plan", "new", "--district", "云溪县", "--years", "2027-2024", "--out", "x.toml"]) == 2
    assert "expected FIRST-LAST" in capsys.readouterr().err


def test_progress_for_another_plan_has_no_bundled_actuals(capsys):
    assert cli.main(["progress", "--year", "2025", "--plan", str(YUNXI)]) == 3
    cap = capsys.readouterr()
    assert cap.out.strip() == "2025年尚无统计月报数据，本节从略。"
    assert "3 条产业链缺少2025年数据（新材料：统计月报未提供2025年的数据；" in cap.err
    assert cli.main(["progress", "--year", "2025", "--plan", str(YUNXI), "--allow-missing"]) == 0
