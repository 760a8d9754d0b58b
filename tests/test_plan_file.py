"""Plan files: the bundled plan, a second plan, lookups for any plan, and a one-line error for each mistake."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from _plans import plan_copy

from chainplan_lib.plan.load import PlanError, read_plan, user_plan_path
from chainplan_lib.plan.normalise import label_key, to_simplified
from chainplan_lib.plan.skeleton import skeleton

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "plans" / "qingshanhu-2024.toml"
YUNXI = ROOT / "tests" / "data" / "plans" / "yunxi-2024.toml"


def test_bundled_plan_is_the_default_and_reads_the_document(monkeypatch):
    monkeypatch.delenv("CHAINPLAN_PLAN", raising=False)
    assert user_plan_path() == BUNDLED
    monkeypatch.setenv("CHAINPLAN_PLAN", str(YUNXI))
    assert user_plan_path() == YUNXI     # the user's default, read at the CLI and notebook edges only
    p = read_plan(BUNDLED)
    assert p.reference == "湖政发〔2024〕2号" and p.issued == "2024-01-12" and p.district == "青山湖区"
    assert p.years == (2023, 2024, 2025, 2026) and (p.base_year, p.target_year) == (2023, 2026)
    assert (p.overall_growth, p.overall_qualifier, p.overall_indicator) == (0.10, "左右", "revenue")
    assert p.chain_ids == ("textiles", "metallurgy", "electronics", "food_pharma")
    assert p.chain_names == ("现代针纺", "冶金建材", "电子信息", "食品医药")
    assert p.area_names == ("湖坊镇", "塘山镇", "京东镇", "罗家镇", "上海路街道", "青山路街道", "南钢街道", "站东街道", "高新园区")
    assert p.indicator_ids == ("revenue", "enterprises") and p.unit("enterprises") == "户"
    # the text's 2026 targets (三、主攻方向和发展路径), 亿元 and 户
    got = {(t.chain_id, t.indicator): t.value for t in p.text_targets(2026)}
    assert got == {("textiles", "revenue"): 500, ("textiles", "enterprises"): 300,
                   ("metallurgy", "revenue"): 300, ("metallurgy", "enterprises"): 30,
                   ("electronics", "revenue"): 100, ("electronics", "enterprises"): 30,
                   ("food_pharma", "revenue"): 100, ("food_pharma", "enterprises"): 40}
    b = p.bands_for("textiles")
    assert b.thresholds == (1, 3, 5, 10, 20) and b.counts == (50, 15, 8, 4, 2) and b.year == 2026
    assert p.bands_for("metallurgy") is None
    assert p.industry_code_map()["27"] == "food_pharma" and p.industry_code_map()["18"] == "textiles"
    assert p.table_path == ROOT / "data" / "raw" / "attachment2_targets.txt"
    assert p.all_name == "四链合计" and p.chain_label("all") == "四链合计"
    assert len(p.sha256) == 64


# Every alias the first version listed by hand in names.py, now derived by the normaliser or the plan file.
OLD_AREA_ALIASES = {
    "全区": "全区", "合计": "全区", "青山湖区": "全区", "全区合计": "全区",
    "湖坊": "湖坊镇", "塘山": "塘山镇", "京东": "京东镇", "罗家": "罗家镇", "羅家鎮": "罗家镇", "羅家": "罗家镇",
    "上海路": "上海路街道", "上海路街道办": "上海路街道", "上海路街道办事处": "上海路街道",
    "青山路": "青山路街道", "青山路街道办": "青山路街道", "青山路街道办事处": "青山路街道",
    "南钢": "南钢街道", "南鋼街道": "南钢街道", "南鋼": "南钢街道", "南钢街道办事处": "南钢街道",
    "站东": "站东街道", "站東街道": "站东街道", "站東": "站东街道", "站东街道办事处": "站东街道",
    "高新区": "高新园区", "高新园": "高新园区", "高新技术产业开发区": "高新园区", "青山湖高新技术产业开发区": "高新园区",
    "青山湖高新区": "高新园区", "高新技术产业园区": "高新园区", "高新園區": "高新园区", "高新区管委会": "高新园区",
    "高新园区管委会": "高新园区", "湖坊鎮": "湖坊镇", "京東鎮": "京东镇", "京東": "京东镇",
    "青山湖区罗家镇": "罗家镇", "罗家镇人民政府": "罗家镇", "江西省南昌市青山湖区罗家镇": "罗家镇", " 罗 家 镇 ": "罗家镇",
}
OLD_CHAIN_ALIASES = {
    "现代针纺产业链": "textiles", "现代针纺产业集群": "textiles", "现代纺织": "textiles", "现代纺织产业链": "textiles",
    "针纺": "textiles", "针纺服装": "textiles", "纺织服装": "textiles", "纺织": "textiles", "紡織": "textiles",
    "現代針紡產業鏈": "textiles", "现代纺织 产业链": "textiles", "ＴＥＸＴＩＬＥＳ": "textiles",
    "冶金建材产业链": "metallurgy", "冶金": "metallurgy", "钢铁建材": "metallurgy", "鋼鐵建材": "metallurgy",
    "电子信息产业链": "electronics", "电子": "electronics", "光电": "electronics", "電子信息": "electronics",
    "食品医药产业链": "food_pharma", "食品": "food_pharma", "医药": "food_pharma", "食品药品": "food_pharma",
    "食品醫藥產業鏈": "food_pharma",
}


@pytest.mark.parametrize("label, area", OLD_AREA_ALIASES.items())
def test_area_names_for_any_spelling(label, area):
    assert read_plan(BUNDLED).find_area(label) == area


@pytest.mark.parametrize("label, chain", OLD_CHAIN_ALIASES.items())
def test_chain_names_for_any_spelling(label, chain):
    assert read_plan(BUNDLED).find_chain(label).id == chain


def test_unknown_names_are_none_not_guesses():
    p = read_plan(BUNDLED)
    for label in ("", "foo", "青山", "东湖区罗家", "钢铁", "新材料"):
        assert p.find_chain(label) is None and p.find_area(label) is None, label


def test_traditional_to_simplified_uses_a_full_table():
    assert to_simplified("羅家鎮高新園區紡織電資訊藥醫產鏈") == "罗家镇高新园区纺织电资讯药医产链"
    assert to_simplified("廣東縣鄉") == "广东县乡"   # not listed anywhere in the project
    assert label_key("Ｆｏｏ　Ｂａｒ") == "foobar"


def test_a_second_plan_with_three_chains_five_areas_and_a_third_indicator():
    p = read_plan(YUNXI)
    assert p.chain_ids == ("new_materials", "equipment", "green_food") and p.all_name == "三链合计"
    assert p.area_names == ("城关镇", "东坪镇", "西岭乡", "南湖街道", "云溪工业园区")
    assert p.years == (2024, 2025, 2026, 2027) and p.indicator_ids == ("revenue", "enterprises", "tax")
    assert (p.overall_growth, p.overall_qualifier) == (0.12, "以上")
    assert p.find_area("城关") == "城关镇" and p.find_area("西岭") == "西岭乡" and p.find_area("云溪县") == "全区"
    assert p.find_area("云溪工业园") == "云溪工业园区" and p.find_chain("装备 制造").id == "equipment"
    assert p.find_indicator("税收收入") == "tax" and p.unit("tax") == "亿元"
    assert p.size_bands == () and p.find_chain("现代针纺") is None


def test_a_stem_two_areas_share_is_not_an_alias(tmp_path):
    p = read_plan(plan_copy(tmp_path, ('name = "站东街道"', 'name = "京东街道"'), name="p.toml"))
    assert p.find_area("京东镇") == "京东镇" and p.find_area("京东街道") == "京东街道"
    assert p.find_area("京东") is None   # ambiguous: never guessed


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    return plan_copy(tmp_path, (old, new), name="broken.toml")


MISTAKES = [
    ('id = "textiles"\nname', 'name', "chains[0].id: missing"),
    ('name = "塘山镇"', 'name = "湖坊镇"', "areas: name or alias '湖坊镇' appears twice"),
    ("  [[chains.targets]]\n  year = 2026", "  [[chains.targets]]\n  year = 2030",
     "chains[0].targets[0].year: 2030 is outside plan.years 2023–2026"),
    ('chain = "textiles"\nyear = 2026\nthresholds', 'chain = "silk"\nyear = 2026\nthresholds',
     "size_bands[0].chain: 'silk' is not a chain id"),
    ('  indicator = "revenue"\n  value = 500', '  indicator = "tax"\n  value = 500',
     "chains[0].targets[0].indicator: 'tax' is not an indicator id"),
    ('industry_codes = ["17", "18", "19"]', 'industry_codes = ["17", "C18"]',
     "chains[0].industry_codes: 'C18' is not a GB/T 4754"),
    ('industry_codes = ["30", "31", "32", "33"]', 'industry_codes = ["30", "17"]',
     "chains: industry code '17' appears twice"),
    ("years = [2023, 2024, 2025, 2026]", "years = [2023, 2025, 2026]", "plan.years: must be consecutive"),
    ("base_year = 2023", "base_year = 2022", "plan.base_year: 2022 is outside plan.years"),
    ("overall_growth = 0.10", "overall_growth = 10", "plan.overall_growth: 10.0 is not a yearly rate"),
    ('path = "../raw/attachment2_targets.txt"', 'path = "../raw/nothing.txt"', "table.path: '"),
    ('aliases = ["冶金", "钢铁建材"]', 'aliases = ["冶金", "纺织"]', "chains: name or alias '纺织' appears twice"),
    ("format = 1", "format = 2", "format: 2 is not a plan format"),
    ("[plan]\n", "[plan]\ncolour = 'red'\n", "plan.colour: unknown key"),
    ('id = "electronics"', 'id = "all"', "chains[2].id: 'all' must be"),
    ("counts = [50, 15, 8, 4, 2]", "counts = [50, 15, 18, 4, 2]", "size_bands[0].counts:"),
    ('[[areas]]\nname = "湖坊镇"', '[[areas]]\nname = "全区"', "areas: '全区' is the district total"),
    ("title = \"青山湖区贯彻", "title = 青山湖区贯彻", "not valid TOML"),
    ('issuer = "南昌市青山湖区人民政府"', "issuer = 3", "plan.issuer: must be a non-empty string, got 3"),
    ("target_year = 2026 ", "target_year = 2023 ", "plan.target_year: 2023 must be after base_year 2023"),
    ("years = [2023, 2024, 2025, 2026]", "years = [2023]", "plan.years: must list at least two years"),
    ('overall_indicator = "revenue"', 'overall_indicator = "profit"', "plan.overall_indicator: 'profit' is not an"),
    ('id = "revenue"', 'id = "Revenue"', "indicators[0].id: 'Revenue' must be lower-case"),
    ("thresholds = [1, 3, 5, 10, 20]", "thresholds = [1, 5, 3, 10, 20]", "size_bands[0].thresholds: [1, 5, 3, 10, 20] must increase"),
    ("thresholds = [1, 3, 5, 10, 20]", "thresholds = [1, 3]", "size_bands[0].thresholds: thresholds"),
    ("  value = 500", "  value = -500", "chains[0].targets[0].value: -500 is negative"),
    ("base_year = 2023 ", "base_year = 2023.5 ", "plan.base_year: must be a whole number"),
]


@pytest.mark.parametrize("old, new, message", MISTAKES, ids=[m[2][:40] for m in MISTAKES])
def test_each_mistake_is_one_line_naming_the_key(tmp_path, old, new, message):
    path = _broken(tmp_path, old, new)
    with pytest.raises(PlanError) as err:
        read_plan(path)
    text = str(err.value)
    assert "\n" not in text and text.startswith(f"{path}: ")
    assert message in text, text


def test_missing_plan_file():
    with pytest.raises(PlanError, match="plan file not found"):
        read_plan("/nonexistent/plan.toml")


def test_skeleton_is_valid_toml_and_names_what_to_fill(tmp_path):
    text = skeleton("云溪县", years=(2025, 2028), filename="yx.toml")
    raw = tomllib.loads(text)
    assert raw["plan"]["district"] == "云溪县" and raw["plan"]["years"] == [2025, 2026, 2027, 2028]
    assert "chainplan plan check yx.toml" in text
    (tmp_path / "yx.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PlanError, match=re.escape("table.path: '云溪县-targets.txt' (relative to the plan file) is not")):
        read_plan(tmp_path / "yx.toml")   # everything but the table the user still has to supply is valid
    (tmp_path / "云溪县-targets.txt").write_text("x", encoding="utf-8")   # beside the plan file
    assert read_plan(tmp_path / "yx.toml").district == "云溪县"


@pytest.mark.parametrize("district", ['云溪"县', "云溪\\县"])
def test_skeleton_values_are_escaped_toml_strings(district):
    # a quote or backslash in a name cannot end the string early and add keys of its own
    with pytest.raises(Exception, match="district's name"):
        skeleton(district)
    text = skeleton("云溪县", filename="x\n[evil]\ntitle = 'x'.toml")
    assert "[evil]" not in text and tomllib.loads(text)["plan"]["district"] == "云溪县"
