"""Five real published tables (tests/data/real_tables/, sources in source_text/SOURCES.md), each rebuilt as an
.xlsx and as a saved .html page, cleaned to figures worked out by hand: sums of industries per chain to 0.01 亿元,
growth of a sum to 0.05 percentage points. The test plan (tests/data/plans/realtables-2022.toml) has five chains
made of GB/T 4754 divisions: food 13 14 15, equipment 34–37, electronics 38 39 40, materials 28 30 32, metal 33."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import subprocess
import sys

import pytest
from _plans import ROOT
from openpyxl import load_workbook

from chainplan_lib.cleaning.actuals.clean import clean_actuals
from chainplan_lib.plan.load import read_plan

REALTABLES = ROOT / "tests" / "data" / "plans" / "realtables-2022.toml"
FIXTURES = ROOT / "tests" / "data" / "real_tables"
FORMATS = ("xlsx", "html")


@pytest.fixture(scope="module")
def test_plan():
    return read_plan(REALTABLES)


def _clean(name: str, fmt: str, plan, **kw):
    return clean_actuals([FIXTURES / f"{name}.{fmt}"], plan, **kw)


def _one(r, chain, *, cumulative=True, indicator="output", area="全区"):
    a = r.actuals
    hit = a[(a["chain_id"] == chain) & (a["cumulative"] == cumulative) & (a["indicator"] == indicator)
            & (a["area"] == area)]
    assert len(hit) == 1, (chain, cumulative, indicator, area)
    return hit.iloc[0]


def _reasons(r) -> dict[str, int]:
    return r.summary["quarantined_by_reason"]


# --------------------------------------------------------------------------------------------- 常州 2011
@pytest.mark.parametrize("fmt", FORMATS)
def test_changzhou_2011_chain_table_in_wan_yuan(test_plan, fmt):
    """本月 / 增长% / 累计 / 累计增长 under 现价工业产值, values in 万元, rows by chain, 五大产业合计."""
    r = _clean("changzhou_2011-11_五大产业", fmt, test_plan)
    want = {("equipment", True): (2124.2484, 24.84), ("equipment", False): (234.0183, 16.50),
            ("electronics", True): (408.6546, 22.97), ("electronics", False): (39.7416, 18.05),
            ("materials", True): (1285.1771, 28.57), ("materials", False): (122.2887, 11.71)}
    for (chain, cum), (value, yoy) in want.items():  # 21242484 万元 = 2124.2484 亿元 …
        got = _one(r, chain, cumulative=cum)
        assert (got["year"], got["month"]) == (2011, 11)
        assert got["value"] == pytest.approx(value, abs=0.01) and got["yoy_pct"] == yoy
        assert got["coverage"] == ""  # read as printed, not added up
    assert len(r.actuals) == 6
    # 五大产业合计 is the chains' subtotal (computed, never read); the two groups the plan lacks are quarantined
    assert _reasons(r)["subtotal_row"] == 1 and _reasons(r)["series_missing"] == 4
    missing = r.quarantine[r.quarantine["reason_code"] == "series_missing"]
    assert set(missing["label"]) == {"生物技术及制药业", "新能源产业"}
    assert r.summary["balanced"] and r.summary["rows_accounted"]


# --------------------------------------------------------------------------------------------- 怀柔 2022
@pytest.mark.parametrize("fmt", FORMATS)
def test_huairou_2022_industry_table_with_prior_year_column(test_plan, fmt):
    r = _clean("huairou_2022-12_规上工业生产销售", fmt, test_plan)
    total = _one(r, "industry")
    assert (total["year"], total["month"], total["value"], total["yoy_pct"]) == (2022, 12, 444.8243, -27.6)
    assert _one(r, "industry", indicator="sales")[["value", "yoy_pct"]].tolist() == [439.2758, -30.2]
    # 工业总产值: food = 14 + 15 (13 not in the table), growth from the printed 上年同期
    food = _one(r, "food")
    assert food["value"] == pytest.approx((390846 + 289922) / 1e4, abs=0.01)                     # 68.08
    assert food["yoy_pct"] == pytest.approx(((390846 + 289922) / (437924 + 266122) - 1) * 100, abs=0.05)
    assert food["yoy_pct"] == pytest.approx(-3.31, abs=0.05)
    assert (food["coverage"], food["divisions_found"], food["divisions_missing"], food["yoy_basis"]) == (
        "partial", "14 15", "13", "prior_year")
    equipment = _one(r, "equipment")  # only 36 of 34–37
    assert equipment["value"] == pytest.approx(177.34, abs=0.01)
    assert equipment["yoy_pct"] == pytest.approx((1773444 / 3385528 - 1) * 100, abs=0.05)  # -47.62
    assert (equipment["coverage"], equipment["divisions_missing"]) == ("partial", "34 35 37")
    metal = _one(r, "metal")
    assert (metal["value"], metal["coverage"]) == (pytest.approx(26.24, abs=0.01), "full")
    assert metal["yoy_pct"] == pytest.approx((262352 / 292936 - 1) * 100, abs=0.05)  # -10.44
    sales_food = _one(r, "food", indicator="sales")
    assert sales_food["value"] == pytest.approx((395016 + 270984) / 1e4, abs=0.01)  # 66.60
    assert sales_food["yoy_pct"] == pytest.approx((666000 / (456350 + 256770) - 1) * 100, abs=0.05)  # -6.61
    # electronics and materials: not in the table, so absent — never 0
    assert not r.actuals["chain_id"].isin(["electronics", "materials"]).any()
    cov = r.coverage[(r.coverage["indicator"] == "output")].set_index("chain_id")
    assert cov.loc["electronics", "status"] == "absent" and cov.loc["materials", "codes_missing"] == "28 30 32"
    # every industry row is kept (with its chain, or none: none here), 工业产销率 (a ratio) is not tracked
    assert len(r.industry_rows) == 8 and set(r.industry_rows["code"]) == {"14", "15", "33", "36"}
    assert _reasons(r)["indicator_not_tracked"] == 5
    s = r.summary
    assert s["balanced"] and s["rows_accounted"] and s["sums"] == 6 and s["industry_rows"] == 8
    line = r.summary_text()
    assert "行业 14 15 33 36 → 各链：食品饮料 部分口径（有 14 15，缺 13）" in line
    assert "电子信息 无" in line and "表头第 " in line and "单位说明 万元" in line


# --------------------------------------------------------------------------------------------- 北京 2020
@pytest.mark.parametrize("fmt", FORMATS)
def test_beijing_2020_growth_only_table_with_hash_rows_and_a_typo(test_plan, fmt):
    r = _clean("beijing_2020-09_规上工业增加值增速_按行业", fmt, test_plan)
    assert r.actuals.empty  # growth only: no level to put in actuals.csv, and no sum of industries either
    ind = r.industry_rows
    assert len(ind) == 66 and ind["value"].isna().all()  # 33 industries × (9月, 1—9月)
    textile = ind[(ind["code"] == "17") & ind["cumulative"]].iloc[0]
    assert (textile["yoy_pct"], textile["month"], textile["year"]) == (134.8, 9, 2020)
    oil = ind[(ind["code"] == "07") & ~ind["cumulative"]].iloc[0]
    assert bool(oil["of_which"]) and oil["yoy_pct"] == -9.8  # '#' marks the first of an of-which list
    # the typo 计算机、通信和其他电子设备制业 is flagged with its candidate, never matched silently
    near = r.quarantine[r.quarantine["reason_code"] == "industry_name_near"]
    assert len(near) == 1 and "39 计算机、通信和其他电子设备制造业" in near["reason"].iloc[0]
    assert near["value_text"].iloc[0] == "5.8 | 16.9"
    cov = r.coverage[r.coverage["cumulative"]].set_index("chain_id")
    assert cov.loc["electronics", "status"] == "partial_growth_only" and cov.loc["electronics", "codes_missing"] == "39"
    assert cov.loc["materials", "codes_missing"] == "28" and cov.loc["food", "status"] == "full_growth_only"
    assert math.isnan(cov.loc["food", "yoy_pct"])  # growth rates of three industries cannot be added
    assert cov.loc["metal", "yoy_pct"] == -17.5 and cov.loc["metal", "yoy_basis"] == "growth"  # one industry
    assert _reasons(r) == {"breakdown_not_tracked": 7, "section_heading": 4, "growth_only": 2,
                           "industry_name_near": 1}
    assert r.summary["balanced"] and r.summary["rows_accounted"]


# --------------------------------------------------------------------------------------------- 广东 2017
CITIES = ["广州市", "深圳市", "佛山市", "顺德区"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_guangdong_2017_canonical_table_with_in_total_rows_and_areas(test_plan, fmt):
    r = _clean("guangdong_2017-03_工业增加值", fmt, test_plan, areas=CITIES)
    total_m = _one(r, "industry", cumulative=False, indicator="value_added")
    total_c = _one(r, "industry", indicator="value_added")
    assert (total_c["year"], total_c["month"]) == (2017, 3)
    assert (total_m["value"], total_m["yoy_pct"], total_c["value"], total_c["yoy_pct"]) == (2846.99, 7.6, 7220.42, 7.1)
    foshan = _one(r, "industry", indicator="value_added", area="佛山市")
    shunde = _one(r, "industry", indicator="value_added", area="顺德区")
    assert (foshan["value"], shunde["value"], shunde["yoy_pct"]) == (1117.50, 353.53, 8.3)
    assert shunde["part_of"] == "佛山市" and foshan["part_of"] == ""  # #顺德区 is inside 佛山市: never add them
    assert _one(r, "industry", cumulative=False, indicator="value_added", area="深圳市")["value"] == 662.83
    assert _reasons(r) == {"label_unknown": 21, "breakdown_not_tracked": 12, "section_heading": 6}
    assert r.summary["balanced"] and r.summary["rows_accounted"]


# --------------------------------------------------------------------------------------------- 中山
@pytest.mark.parametrize("fmt", FORMATS)
def test_zhongshan_progress_page_with_sections_dashes_and_a_lagged_block(test_plan, fmt):
    r = _clean("zhongshan_2021_1-9月进度数据", fmt, test_plan)
    assert [f["table"] for f in r.summary["files"]] == [1, 2, 3, 4, 5, 6]
    va = _one(r, "industry", indicator="value_added")
    assert (va["year"], va["month"], va["value"], va["yoy_pct"]) == (2021, 9, 1014.28, 15.9)
    va_m = _one(r, "industry", cumulative=False, indicator="value_added")
    assert va_m["value"] == 120.60 and math.isnan(va_m["yoy_pct"])  # 累计增长 is the cumulative figure's
    assert _one(r, "industry", indicator="sales")[["value", "yoy_pct"]].tolist() == [4578.32, 23.5]
    if fmt == "xlsx":  # the office's workbook has a 单位 line: 营业收入 (1—8月, a month behind) is read
        rev = _one(r, "industry", indicator="revenue")
        assert (rev["month"], rev["value"], rev["yoy_pct"]) == (8, 4161.09, 26.0)
    else:  # the page prints no unit for 营业收入: quarantined, never guessed
        q = r.quarantine[r.quarantine["label"] == "营业收入"]
        assert "unit_missing" in set(q["reason_code"])
        assert not (r.actuals["indicator"] == "revenue").any()
    # ——: no figure; the GDP and agriculture sections are reported row by row, not read
    assert _reasons(r)["label_unknown"] == 14 and _reasons(r)["indicator_not_tracked"] == 22
    assert r.summary["balanced"] and r.summary["rows_accounted"]


# --------------------------------------------------------------------------------------------- fixtures
def _content(p) -> str:
    if p.suffix == ".html":
        return hashlib.sha256(p.read_bytes()).hexdigest()
    h = hashlib.sha256()
    wb = load_workbook(p)
    for ws in wb.worksheets:
        h.update(ws.title.encode())
        h.update(repr(sorted(str(m) for m in ws.merged_cells.ranges)).encode())
        for row in ws.iter_rows(values_only=True):
            h.update(repr(row).encode())
    return h.hexdigest()


def test_the_fixtures_are_the_generators_output(tmp_path):
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    written = mod.main(tmp_path)  # also checks every figure against the source text
    assert len(written) == 10
    for p in written:
        assert _content(p) == _content(FIXTURES / p.name), p.name


# --------------------------------------------------------------------------------------------- progress
def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chainplan_lib.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_progress_from_a_real_table_by_industry_names_the_chains_it_does_not_cover():
    args = ["progress", "--plan", str(REALTABLES), "--year", "2022", "--month", "12", "--indicator", "output",
            "--actuals", str(FIXTURES / "huairou_2022-12_规上工业生产销售.xlsx")]
    out = _cli(*args, "--json")
    assert out.returncode == 3, out.stderr  # two chains of the plan have no figure: named, and not exit 0
    assert "2 条产业链缺少2022年1—12月数据（电子信息：统计月报按行业公布，表中没有其行业（38 39 40）" in out.stderr
    d = json.loads(out.stdout)
    food, eq, metal = (d["chains"][c] for c in ("food", "equipment", "metal"))
    assert food["cumulative_yi"] == pytest.approx(68.0768, abs=0.01) and food["target_yi"] == 80.0
    assert food["completion_pct"] == pytest.approx(68.0768 / 80 * 100, abs=0.01)       # 85.10
    assert eq["completion_pct"] == pytest.approx(177.3444 / 200 * 100, abs=0.01)        # 88.67
    assert metal["completion_pct"] == pytest.approx(26.2352 / 30 * 100, abs=0.01)       # 87.45
    assert food["yoy_pct"] == pytest.approx(-3.31, abs=0.05)
    assert d["chains"]["electronics"] is None and d["chains"]["materials"] is None     # absent, never 0
    assert {m["chain_id"] for m in d["missing"]} >= {"electronics", "materials"}
    assert d["not_covered"] == ["electronics", "materials"]
    assert d["coverage"]["food"] == {"status": "partial", "codes_expected": ["13", "14", "15"],
                                     "codes_found": ["14", "15"], "codes_missing": ["13"],
                                     "yoy_basis": "prior_year", "source": d["coverage"]["food"]["source"],
                                     "note": ""}
    assert d["coverage"]["metal"]["status"] == "full" and d["coverage"]["electronics"]["status"] == "absent"
    text = _cli(*args, "--allow-missing")
    assert text.returncode == 0, text.stderr
    assert "电子信息：统计月报按行业公布，表中没有其行业（38 39 40），本期无数据（不是 0）。" in text.stdout
    assert "食品饮料：由行业 14 15 相加，缺 13，为部分口径；同比按表中上年同期数计算。" in text.stdout
