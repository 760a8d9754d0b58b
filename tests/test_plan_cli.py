"""`chainplan plan check` and `chainplan plan new`: what a person starting another district's plan file sees."""

from __future__ import annotations

from _plans import BUNDLED, YUNXI, plan_copy

from chainplan_lib import cli


def test_check_the_bundled_plan(capsys):
    assert cli.main(["plan", "check", str(BUNDLED)]) == 0
    out = capsys.readouterr().out
    assert "320 行 = 4 条链 × 4 年 × 2 项指标 × 10 个区域（全区及 9 个区域）" in out
    assert "修复记录 27 条" in out and "核对 40 项：一致 40 项，不一致 0 项" in out
    assert "正文目标与表核对：8 项（8 项一致）" in out
    assert "规模分档：现代针纺 2026：≥1亿元 50户" in out and out.rstrip().endswith("通过：方案文件与目标表一致。")


def test_check_the_second_plan(capsys):
    assert cli.main(["plan", "check", str(YUNXI)]) == 0
    out = capsys.readouterr().out
    assert "216 行 = 3 条链 × 4 年 × 3 项指标 × 6 个区域（全区及 5 个区域）" in out
    assert "总体目标：营业收入年均增长12%以上" in out and "（4 项一致）" in out


def test_a_text_target_the_table_contradicts_is_reported_not_forced(tmp_path, capsys):
    # 新材料 2027 营业收入 is 120 in the table; a plan whose text says 125 is flagged (exit 1), the table kept
    plan = plan_copy(tmp_path, ("value = 120", "value = 125"), source=YUNXI)
    assert cli.main(["plan", "check", str(plan)]) == 1
    out = capsys.readouterr().out
    assert "（3 项一致）" in out and "未通过" in out


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
