"""The plan is a value: nothing in chainplan_lib reads a plan when imported, the district's names live in its plan
file and data (never in the code), $CHAINPLAN_PLAN is read only at the edges, and two districts open side by side
in one process keep their own names and figures."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _plans import PLAN, ROOT, YUNXI

from chainplan_lib import District
from chainplan_lib.plan.load import read_plan

PKG = ROOT / "chainplan_lib"
#: Names of the bundled district, its chains, towns and document: in data/plans and data/raw, never in the code.
BUNDLED_WORDS = ("青山湖", "湖政发", "附件2", "附件1", "四条", "四链", "九个", "现代针纺", "冶金建材", "电子信息", "食品医药",
                 "罗家", "湖坊", "塘山", "京东镇", "南钢", "上海路", "青山路", "站东", "高新园区", "南昌", "textiles",
                 "metallurgy", "electronics", "food_pharma")


def _string_literals(path: Path):
    """(line, text) of every string constant of a module but its docstrings (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body
            and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for n in ast.walk(tree):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs:
            yield n.lineno, n.value


def test_no_literal_in_the_library_names_the_bundled_district():
    found = [f"{p.relative_to(ROOT)}:{line}: {word} in {text[:60]!r}"
             for p in sorted(PKG.rglob("*.py")) for line, text in _string_literals(p)
             for word in BUNDLED_WORDS if word in text]
    assert not found, "\n".join(found)


def test_the_literal_check_finds_a_name():
    """Control: the checker sees a chain name in an f-string and ignores the same name in a docstring."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False, encoding="utf-8") as fh:
        fh.write('"""现代针纺 in a docstring."""\nx = f"{1}现代针纺"\n')
    try:
        texts = [t for _, t in _string_literals(Path(fh.name))]
    finally:
        os.unlink(fh.name)
    assert texts == ["现代针纺"]


def test_importing_every_module_reads_no_plan(tmp_path):
    """With $CHAINPLAN_PLAN naming a file that does not exist, every module still imports: none reads a plan (or
    anything derived from one) at import time."""
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                     for p in PKG.rglob("*.py"))
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\nprint('ok')\n"
    env = {**os.environ, "CHAINPLAN_PLAN": str(tmp_path / "no-such-plan.toml")}
    r = subprocess.run([sys.executable, "-c", code, *modules], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]


def test_the_environment_is_read_only_at_the_edges():
    """$CHAINPLAN_PLAN: the CLI's default and a notebook's plan parameter, through plan.load.user_plan_path."""
    import re

    env_read = re.compile(r"environ(\.get)?[\[(]\s*[\"']CHAINPLAN_PLAN|getenv\(\s*[\"']CHAINPLAN_PLAN")
    readers = sorted(str(p.relative_to(PKG)) for p in PKG.rglob("*.py") if env_read.search(p.read_text(encoding="utf-8")))
    assert readers == ["plan/load.py"], readers
    callers = sorted(str(p.relative_to(PKG)) for p in PKG.rglob("*.py")
                     if "user_plan_path(" in p.read_text(encoding="utf-8") and p.name != "load.py")
    assert callers == ["cli.py", "plan/params.py"], callers


def test_no_default_argument_holds_a_plan():
    """No function gives ``plan`` a default that stands for "the default plan"."""
    offenders = []
    for p in sorted(PKG.rglob("*.py")):
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            a = n.args
            pos = a.posonlyargs + a.args
            defaults = dict(zip([x.arg for x in pos[len(pos) - len(a.defaults):]], a.defaults))
            defaults.update({x.arg: d for x, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None})
            if "plan" in defaults and n.name not in ALLOWED_OPTIONAL_PLAN:
                offenders.append(f"{p.relative_to(ROOT)}:{n.lineno} {n.name}")
    assert not offenders, "\n".join(offenders)


#: Where ``plan`` may be left out because the caller gives what it would be read for (and None never means a
#: default plan): the notebook edge reads the user's default; band_table takes thresholds and counts instead.
ALLOWED_OPTIONAL_PLAN = {"plan_file", "band_table", "no_register", "__init__"}


# ----------------------------------------------------------------------------------------- side by side
@pytest.fixture(scope="module")
def two():
    return District.open(PLAN), District.open(YUNXI)


def test_two_districts_in_one_process_keep_their_own_names_and_verdicts(two):
    qsh, yx = two
    assert repr(qsh).startswith("District(青山湖区") and repr(yx).startswith("District(云溪县")
    a, b = qsh.consistency(), yx.consistency()
    assert a.plan is qsh.plan and b.plan is yx.plan
    assert a.all_name == "四链合计" and b.all_name == "三链合计"
    assert set(a.cagr) == {"textiles", "metallurgy", "electronics", "food_pharma", "all"}
    assert set(b.cagr) == {"new_materials", "equipment", "green_food", "all"}
    assert a.verdict == "more_ambitious" and round(a.cagr["all"], 4) == 0.1317
    # Yunxi's table: its chains sum from the 2024 base to 2027 (its own goal, its own qualifier)
    assert b.overall_growth == yx.plan.overall_growth and b.base_year == 2024 and b.target_year == 2027
    # opening the second did not change the first: the first again, the same object and figures
    assert qsh.consistency() is a and qsh.targets.table["chain_id"].unique().tolist() == list(qsh.plan.chain_ids)


def test_two_districts_draw_their_own_chart_labels(two):
    import matplotlib

    matplotlib.use("Agg")
    from chainplan_lib.present import targets

    qsh, yx = two
    fa = targets.target_paths(qsh.targets.table, plan=qsh.plan)
    fb = targets.target_paths(yx.targets.table, plan=yx.plan)
    la = {ln.get_label() for ln in fa.axes[0].get_lines()}
    lb = {ln.get_label() for ln in fb.axes[0].get_lines()}
    assert any(x.startswith("现代针纺") for x in la) and not any("现代针纺" in x for x in lb)
    assert {x.split("（")[0] for x in lb} == set(yx.plan.chain_names)
    assert "四条链目标合计" in [ln.get_label() for ln in fa.axes[1].get_lines()]
    assert "三条链目标合计" in [ln.get_label() for ln in fb.axes[1].get_lines()]


def test_a_district_without_data_says_so_and_the_bundled_one_has_its_sample(two):
    qsh, yx = two
    assert qsh.register.synthetic and qsh.register.years == [2023, 2024]
    assert not yx.register.supplied and yx.register.years == [] and len(yx.monthly.actuals) == 0
    assert yx.latest_year() == yx.plan.base_year == 2024 and qsh.latest_year() == 2025
    assert yx.progress(2025).has_data is False and "2025年尚无统计月报数据" in yx.progress(2025).message


def test_open_refuses_a_missing_folder_at_once(tmp_path):
    from chainplan_lib.errors import InputError

    with pytest.raises(InputError, match="registers: no such file or folder"):
        District.open(PLAN, registers=tmp_path / "none")
    assert District.open(read_plan(YUNXI), registers=tmp_path).registers_source == tmp_path
