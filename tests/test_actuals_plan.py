"""The actuals cleaner takes the plan as a value: its chains, areas and indicators come from the Plan it is given,
nothing is read from a default plan at import, and no string in the code names the bundled district."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from chainplan_lib.cleaning.actuals.clean import clean_actuals, load_actuals, reason_text, series_ids
from chainplan_lib.cleaning.actuals.labels import LAYOUT_FILE, load_layout
from chainplan_lib.cleaning.actuals.sample import sample_files, write_sample_actuals
from chainplan_lib.errors import InputError

PKG = Path(__file__).resolve().parents[1] / "chainplan_lib"
MINE = [*sorted((PKG / "cleaning" / "actuals").glob("*.py")), PKG / "files" / "webpage.py"]


def test_a_second_districts_report_cleans_with_its_own_chains_and_areas(tmp_path, yunxi_plan, plan):
    path = tmp_path / "yunxi.csv"
    path.write_text("2025年1—9月重点产业链主要指标\n指标名称,1—9月累计（亿元）,同比增长(%)\n"
                    "规上工业营业收入,300,6\n其中：新材料产业链,70,9\n装备制造,50,4\n绿色食品,20,下降1.5\n合计,140,7\n"
                    "现代针纺,10,1\n", encoding="utf-8")
    r = clean_actuals([path], yunxi_plan, out_dir=tmp_path / "out")
    assert r.plan is yunxi_plan and series_ids(yunxi_plan) == ("new_materials", "equipment", "green_food", "industry")
    assert dict(zip(r.actuals["chain_id"], r.actuals["value"])) == {"industry": 300.0, "new_materials": 70.0,
                                                                   "equipment": 50.0, "green_food": 20.0}
    q = r.quarantine.set_index("label")
    assert q.loc["合计", "reason"] == "合计/小计行：三条链合计由各链相加得到，不从文件读取"  # three chains, not four
    assert q.loc["现代针纺", "reason_code"] == "series_missing"  # another plan's chain is nobody's here
    assert reason_text("area_unknown", yunxi_plan) == "区域不是方案所列的五个镇（街道、园区）之一，也不是全区"
    assert reason_text("area_unknown", plan) == "区域不是方案所列的九个镇（街道、园区）之一，也不是全区"
    # each plan's schema: the bundled plan refuses the other district's table
    assert len(load_actuals(tmp_path / "out", yunxi_plan)) == 4
    with pytest.raises(InputError, match="line 3: column 'chain_id': 'new_materials' is not one of"):
        load_actuals(tmp_path / "out", plan)


def test_the_sample_generator_takes_the_plan(tmp_path, yunxi_plan):
    names = sample_files(yunxi_plan)
    assert names[0] == "synthetic_actuals_2020_2023_tidy.csv" and names[-1] == "synthetic_actuals_2026-09_gb18030.csv"
    paths = write_sample_actuals(tmp_path, yunxi_plan)
    assert "云溪县" in paths[0].read_text(encoding="utf-8").splitlines()[0]
    r = clean_actuals([tmp_path], yunxi_plan)
    assert r.summary["chain_ids"] == ["industry", "new_materials", "equipment", "green_food"]
    assert set(r.summary["quarantined_by_reason"]) == {"note_row", "section_heading"}


def test_the_cleaner_wants_a_plan_not_none(tmp_path, plan):
    with pytest.raises(TypeError, match="plan must be a chainplan_lib.plan.model.Plan"):
        clean_actuals([], None)
    with pytest.raises(TypeError):
        load_layout(None)
    assert load_layout(plan).plan is plan and load_layout(plan) is load_layout(plan)  # one per (file, plan)


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants that are not docstrings."""
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_no_string_in_the_code_or_the_layout_names_the_bundled_district(plan):
    words = {"青山湖", "湖政发", "附件2", "四条", "四链", "九个", plan.district, *plan.chain_names, *plan.area_names,
             *(a for c in plan.chains for a in c.aliases if len(a) > 2)}
    bad = [f"{p.relative_to(PKG)}:{line}: {s!r}" for p in MINE for line, s in _strings(ast.parse(p.read_text()))
           if any(w in s for w in words)]
    layout = tomllib.loads(LAYOUT_FILE.read_text(encoding="utf-8"))
    values = repr(layout)
    bad += [f"actuals_layout.toml: {w}" for w in words if w in values]
    assert not bad, "\n".join(bad)


def test_nothing_reads_a_plan_at_import_or_holds_one_as_a_default():
    forbidden = {"resolve_plan", "default_plan", "CHAIN_IDS", "CHAINS", "CHAIN_BY_ID", "AREAS", "AREA_ALIASES",
                 "INDICATORS", "DISTRICT", "YEARS", "find_chain", "find_area", "find_indicator", "CHAIN_NAMES"}
    bad = []
    for p in MINE:
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                bad += [f"{p.name}:{node.lineno} imports {a.name}" for a in node.names if a.name in forbidden]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                pos = node.args.posonlyargs + node.args.args
                pairs = list(zip(pos[len(pos) - len(node.args.defaults):], node.args.defaults))
                pairs += list(zip(node.args.kwonlyargs, node.args.kw_defaults))
                for a, d in pairs:
                    if a.arg == "plan" and d is not None:
                        bad.append(f"{p.name}:{node.lineno} {node.name}(plan=…) has a default")
    assert not bad, "\n".join(bad)
