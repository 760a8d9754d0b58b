"""Statistics-office monthly figures (统计月报) -> one validated table of actuals, a quarantine and checks.

``clean_actuals(inputs, plan, out_dir=…)`` reads tidy CSV files, 月报-style tables (xlsx/xls/ods/et/csv, UTF-8 or
GB18030) and web pages saved from a bureau's site (.html; see :mod:`chainplan_lib.cleaning.actuals.read`) for one
plan (:class:`~chainplan_lib.plan.model.Plan`: its chains, areas, indicators and industry codes), turns every
value cell into an *entry*, and every entry ends in exactly one of: ``actuals.csv`` (clean),
``actuals_industries.csv`` (a row by industry, GB/T 4754), ``actuals_quarantine.csv`` (with a reason code and a
Chinese reason), ``actuals_duplicates_dropped.csv`` (the same figure read twice) or ``actuals_revisions.csv`` (a
figure a later release revised); rows that hold no figure (section headings, notes, subtotals, a repeated header,
breakdowns by ownership or size) are quarantined as such. The summary proves entries in = clean (read) +
industry rows + quarantined + duplicates + revised, and that every non-blank row read appears in an output.

``actuals.csv`` columns: year, month (1—N月 is month N; 1—2月 is month 2), chain_id (the plan's chain ids, or
``industry`` for all above-size industry, 规上工业), area (全区 when not by town), indicator (the plan's
indicator ids: ``revenue`` in 亿元, ``enterprises`` in 户 …), value, cumulative (True for 1—N月, False for 本月),
yoy_pct (the 同比增长 % as published, or computed for a chain added up from industries), source_file (with
``#sheet`` when the workbook has several sheets), source_row (1-based row in the sheet); then part_of (for a row
marked as of-which — ``#顺德区`` under 佛山市 — the row it is part of: never add the two), coverage (``full`` /
``partial`` for a chain added up from industries, empty for a figure read as printed), divisions_found /
divisions_missing (the chain's industry codes found in the table and not), yoy_basis (how the growth of a sum was
computed: ``prior_year`` from the printed 上年同期, ``growth`` from each industry's own growth, ``none``).

A table by industry adds up to each chain by the plan's ``industry_codes`` (:func:`~chainplan_lib.cleaning.actuals.
industries.chain_sums`): a chain whose industries the table does not cover is absent — never 0 —, one covered in
part is marked so; ``ActualsResult.coverage`` (``actuals_coverage.csv``) has a row per table, period and chain.

Checks (:mod:`chainplan_lib.cleaning.actuals.checks`) are reported, never forced.

Policies: a figure read twice with the same value (and growth) is kept once and the copy logged; the same
figure with different values in two releases is a revision (:mod:`~chainplan_lib.cleaning.actuals.revisions`:
the later release wins, the earlier is kept in the revisions file with the rule that decided); two different
values in one release are a conflict and both are quarantined. The sum of the chains is never read from a file
(合计 rows of a table by chain are quarantined as subtotals): it is computed where needed. Enterprise counts
without a unit are 户.
"""

from __future__ import annotations

import json
import math
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import cmp_to_key, lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ...errors import InputError
from ...files.atomic import atomic_path
from ...files.cellsafety import neutralise_frame
from ...files.limits import ACTUALS
from ...files.tables import convert_columns, read_csv_table, schema_error
from ...paths import guard_not_raw, raw_dir
from ...plan.model import TOTAL, Plan, cn_count
from ...plan.names import INDUSTRY_ID, INDUSTRY_NAME
from .checks import run_checks
from .industries import COVERAGE_COLUMNS, YOY_BASES, chain_sums
from .labels import Layout, load_layout, parse_growth, parse_number, unit_kind
from .read import list_actuals_files, read_actuals_file
from .revisions import REVISION_COLUMNS, RULES, compare, release_of

__all__ = ["ActualsResult", "clean_actuals", "load_actuals", "actuals_bundle", "default_actuals_dir", "write_outputs",
           "actuals_schema", "series_ids", "reason_text", "ACTUALS_COLUMNS", "EXTRA_COLUMNS", "OUTPUT_COLUMNS",
           "REASONS", "OUTPUT_FILES", "QUARANTINE_COLUMNS", "DUPLICATE_COLUMNS", "REVISION_COLUMNS",
           "INDUSTRY_COLUMNS", "COVERAGE_COLUMNS"]

ACTUALS_COLUMNS = ["year", "month", "chain_id", "area", "indicator", "value", "cumulative", "yoy_pct",
                   "source_file", "source_row"]
EXTRA_COLUMNS = ["part_of", "coverage", "divisions_found", "divisions_missing", "yoy_basis"]
OUTPUT_COLUMNS = [*ACTUALS_COLUMNS, *EXTRA_COLUMNS]
QUARANTINE_COLUMNS = ["source_file", "source_sheet", "source_row", "source_cell", "label", "column", "value_text",
                      "yoy_text", "period", "reason_code", "reason"]
DUPLICATE_COLUMNS = ["year", "month", "chain_id", "area", "indicator", "cumulative", "value", "source_file",
                     "source_row", "kept_file", "kept_row"]
INDUSTRY_COLUMNS = ["year", "month", "cumulative", "indicator", "area", "code", "industry", "label", "match",
                    "value", "yoy_pct", "prior_value", "of_which", "part_of", "chain_id", "source_file",
                    "source_table", "source_row"]
OUTPUT_FILES = {"actuals": "actuals.csv", "quarantine": "actuals_quarantine.csv",
                "duplicates": "actuals_duplicates_dropped.csv", "checks": "actuals_checks.csv",
                "revisions": "actuals_revisions.csv", "industries": "actuals_industries.csv",
                "coverage": "actuals_coverage.csv", "summary": "actuals_summary.json"}
REASONS = {  # reason_code -> Chinese reason (what the quarantine file says); {chains}/{areas}: the plan's counts
    "section_heading": "分组标题行：本行无数值，其产业链/指标/单位用于下方各行",
    "note_row": "注释、单位说明或签署行，不是数据",
    "subtotal_row": "合计/小计行：各链合计由各链相加得到，不从文件读取",
    "header_repeat": "表头在数据中重复出现",
    "label_unknown": "本行标签既不是产业链、行业、规上工业，也不是指标或区域",
    "breakdown_not_tracked": "按经济类型、控股情况、企业规模或轻重工业的分组数，方案不跟踪",
    "industry_name_near": "行业名称与国民经济行业分类（GB/T 4754）的名称只差一个字：未自动对应，请核对",
    "series_missing": "无法确定是哪条产业链或规上工业",
    "indicator_missing": "无法确定指标（行标签、列标题、分组标题和表题都未写明方案的指标）",
    "indicator_not_tracked": "方案没有这个指标，不读入",
    "area_unknown": "区域不是方案所列的镇（街道、园区）之一，也不是全区",
    "unit_missing": "金额没有单位（行、列标题、分组标题和“单位：”说明都未写明）",
    "unit_mismatch": "单位与指标不符（金额写了户/个，或户数写了元）",
    "value_missing": "数值为空或占位符（—、-、/、无）",
    "value_not_number": "数值不是数字",
    "value_negative": "数值为负",
    "yoy_not_number": "同比增长不是数字",
    "growth_only": "只有增速、没有总量：actuals.csv 只收总量（及其同比）",
    "period_invalid": "年份或月份无效",
    "duplicate_conflict": "同一链、区域、指标和期间在同一次发布中出现两个不同的值（无法判断先后，请保留一个版本）",
}


def reason_text(code: str, plan: Plan) -> str:
    """The Chinese reason for ``code`` with the plan's own counts (四条链 / 三条链, 九个镇 …)."""
    n_chains, n_areas = cn_count(len(plan.chains)), cn_count(len(plan.areas))
    if code == "subtotal_row":
        return f"合计/小计行：{n_chains}条链合计由各链相加得到，不从文件读取"
    if code == "area_unknown":
        return f"区域不是方案所列的{n_areas}个镇（街道、园区）之一，也不是全区"
    return REASONS[code]


# --------------------------------------------------------------------------------------------- schema
def series_ids(plan: Plan) -> tuple[str, ...]:
    """The series an actuals table may hold: the plan's chain ids and ``industry`` (规上工业)."""
    return (*plan.chain_ids, INDUSTRY_ID)


@lru_cache(maxsize=8)
def actuals_schema(plan: Plan) -> pa.DataFrameSchema:
    """The pandera schema of ``actuals.csv`` for ``plan`` (its chain ids and ``industry``; its indicators)."""
    text = lambda: pa.Column(str, nullable=False)
    return pa.DataFrameSchema({
        "year": pa.Column(np.int64, pa.Check.in_range(1990, 2100)),
        "month": pa.Column(np.int64, pa.Check.in_range(1, 12)),
        "chain_id": pa.Column(str, pa.Check.isin(series_ids(plan))),
        "area": pa.Column(str),
        "indicator": pa.Column(str, pa.Check.isin(plan.indicator_ids)),
        "value": pa.Column(float, pa.Check.ge(0)),
        "cumulative": pa.Column(bool),
        "yoy_pct": pa.Column(float, nullable=True),
        "source_file": pa.Column(str),
        "source_row": pa.Column(np.int64, pa.Check.ge(1)),
        "part_of": text(),
        "coverage": pa.Column(str, pa.Check.isin(["", "full", "partial"])),
        "divisions_found": text(),
        "divisions_missing": text(),
        "yoy_basis": pa.Column(str, pa.Check.isin(["", *YOY_BASES])),
    }, strict=True, ordered=True, unique=["year", "month", "chain_id", "area", "indicator", "cumulative"])


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


@dataclass
class ActualsResult:
    """What :func:`clean_actuals` produced (and, when it wrote, where), for ``plan``."""

    actuals: pd.DataFrame
    quarantine: pd.DataFrame
    duplicates: pd.DataFrame
    checks: pd.DataFrame
    summary: dict
    plan: Plan
    revisions: pd.DataFrame = field(default_factory=lambda: _empty(REVISION_COLUMNS))
    industry_rows: pd.DataFrame = field(default_factory=lambda: _empty(INDUSTRY_COLUMNS))
    coverage: pd.DataFrame = field(default_factory=lambda: _empty(COVERAGE_COLUMNS))
    written: list[Path] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        return bool(self.summary.get("synthetic"))

    def to_dict(self) -> dict:
        """JSON-ready (``chainplan actuals clean --json``): the summary (as actuals_summary.json has it) and
        ``written``, the files written (empty when nothing was)."""
        return {**self.summary, "written": [str(p) for p in self.written]}

    def summary_text(self) -> str:
        """What ``chainplan actuals clean`` prints, in Chinese (reason, check and status codes as in the CSVs)."""
        s = self.summary
        extra = "".join(f"，{w} {s[k]} 项" for k, w in (("revised", "被修订"), ("industry_rows", "行业行"),
                                                       ("sums", "由行业相加的链")) if s.get(k))
        tables = "张表" if any(f.get("table") for f in s["files"]) else "个工作表"
        lines = [f"统计月报：自 {len(s['files'])} {tables}的 {s['rows_read']} 行读入 {s['entries']} 项 → 清洗后 "
                 f"{s['clean']} 项，隔离 {s['quarantined']} 项，删除重复 {s['duplicates_dropped']} 项{extra}"
                 f"{'' if s['balanced'] else '  !! 各项对不上'}"
                 f"{'' if s['rows_accounted'] else '  !! 有行未出现在输出中'}"]
        if s["synthetic"]:
            lines[0] += "  【示例数据：合成，非真实统计】"
        for code, k in s["quarantined_by_reason"].items():
            lines.append(f"  隔离 {code:<22} {k:>6} 项：{REASONS.get(code, code)}")
        for c, counts in s["checks"].items():
            lines.append(f"  核对 {c}：" + "、".join(f"{k} {v}" for k, v in counts.items()))
        for f in s["files"]:
            where = "，".join(x for x in (f["sheet"], f"表 {f['table']}" if f.get("table") else "") if x)
            rows = "、".join(str(r) for r in f["header_rows"])
            line = (f"  {f['file']}{f' [{where}]' if where else ''}：{_LAYOUT_CN.get(f['layout'], f['layout'])}，"
                    f"{f['rows_read']} 行，表头第 {rows} 行，单位说明 {f['unit_note'] or '—'}")
            if f.get("industries"):
                line += f"，{f['industries']}"
            lines.append(line)
            lines.extend(f"    注：{x}" for x in f["notes"])
        for r in s.get("revision_lines", []):
            lines.append(f"  修订：{r}")
        if self.written:
            lines.append("已写入：" + "、".join(str(p) for p in self.written))
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------- parsing
def _unit_factor(e: dict, layout: Layout, why: list) -> float:
    """The factor from the entry's unit to the plan's unit of its indicator (quarantine reasons added to ``why``)."""
    ind = e.get("indicator")
    if ind in (None, "other"):
        return 1.0
    kind = unit_kind(layout.plan.unit(ind), layout)
    unit = e.get("unit")
    if kind is None:
        return 1.0
    if kind[0] == "money":
        if unit is None:
            why.append(("unit_missing", REASONS["unit_missing"]))
        elif unit[1] != "money":
            why.append(("unit_mismatch", f"{layout.plan.indicator(ind).label}是金额，单位却写作“{unit[0]}”"))
        else:
            return unit[2] / kind[1]
    elif unit is not None and unit[1] != "count":
        why.append(("unit_mismatch", f"{layout.plan.indicator(ind).label}是户数，单位却写作“{unit[0]}”"))
    return 1.0


def _check_entry(e: dict, layout: Layout) -> tuple[dict | None, list[tuple[str, str]]]:
    """A clean record (a figure of a series, or a row by industry), or the reasons it is quarantined."""
    plan = layout.plan
    why: list[tuple[str, str]] = []
    if e.get("code"):
        code = e["code"]
        detail = e.get("period_error") or ""
        if code == "industry_name_near":
            text = f"{REASONS[code]}：“{e.get('label')}”接近 {e.get('detail')}；如确是该行业，可在 " \
                   "actuals_layout.toml 的 [industries] misprints 中登记"
        else:
            text = reason_text(code, plan) + (f"：{detail}" if detail else "")
        return None, [(code, text)]
    industry = e.get("industry")
    if e.get("indicator") == "other":
        return None, [("indicator_not_tracked", f"{REASONS['indicator_not_tracked']}（{e.get('indicator_text')}）")]
    if industry is None and e.get("series") is None:
        why.append(("series_missing", f"{REASONS['series_missing']}（标签“{e.get('series_text') or ''}”）"))
    if e.get("indicator") is None:
        why.append(("indicator_missing", REASONS["indicator_missing"]))
    area = layout.area_of(e.get("area_text") or "")
    if area is None:
        why.append(("area_unknown", f"区域“{e.get('area_text')}”不是方案所列的{cn_count(len(plan.areas))}个镇"
                                    "（街道、园区）之一，也不是全区"))
    value, status = parse_number(e.get("value_text"), layout)
    yoy, ystatus = parse_growth(e.get("yoy_text"), layout)
    prior, pstatus = parse_number(e.get("prior_text"), layout)
    growth_only = status == "missing" and ystatus == "ok"
    if status == "missing" and not growth_only:
        why.append(("value_missing", REASONS["value_missing"]))
    elif status == "not_number":
        why.append(("value_not_number", f"数值“{e.get('value_text')}”不是数字"))
    elif status == "ok" and value < 0:
        why.append(("value_negative", f"数值 {value:g} 为负"))
    if ystatus == "not_number":
        why.append(("yoy_not_number", f"同比增长“{e.get('yoy_text')}”不是数字"))
    factor = _unit_factor(e, layout, why) if not growth_only else 1.0
    year, month = e.get("year"), e.get("month")
    if year is None or month is None or not (1990 <= year <= 2100 and 1 <= month <= 12):
        why.append(("period_invalid", f"年份/月份无法确定或无效（{year}/{month}）"))
    if growth_only and industry is None and not why:
        why.append(("growth_only", f"{REASONS['growth_only']}（同比 {e.get('yoy_text')}）"))
    if why:
        return None, why
    rec = {"year": int(year), "month": int(month), "area": area, "indicator": e["indicator"],
           "value": round(value * factor, 8) if status == "ok" else math.nan, "cumulative": bool(e["cumulative"]),
           "yoy_pct": yoy if ystatus == "ok" else np.nan}
    if industry is not None:
        return {**rec, "code": industry, "industry": e.get("industry_name") or "", "label": e.get("label", ""),
                "match": e.get("industry_how", ""),
                "prior_value": round(prior * factor, 8) if pstatus == "ok" else math.nan,
                "of_which": bool(e.get("of_which")), "part_of": e.get("part_of") or ""}, []
    return {**rec, "chain_id": e["series"], "part_of": _part_of(e, layout)}, []


def _part_of(e: dict, layout: Layout) -> str:
    p = e.get("part_of") or ""
    return (layout.area_of(p) or p) if p else ""


def _source(file: str, sheet: str, several: set[str]) -> str:
    return f"{file}#{sheet}" if file in several and sheet else file


def _check_layout(plan: Plan, layout: str | Path | Layout | None, areas) -> Layout:
    if not isinstance(plan, Plan):
        raise TypeError("clean_actuals(inputs, plan, …): plan must be a chainplan_lib.plan.model.Plan "
                        f"(read one with chainplan_lib.plan.load.read_plan), not {type(plan).__name__}")
    lay = layout if isinstance(layout, Layout) else load_layout(plan, layout)
    if lay.plan is not plan:
        raise ValueError("the layout was loaded for another plan")
    return lay.with_areas(areas)


# --------------------------------------------------------------------------------------------- main
def clean_actuals(inputs: list[Path] | list[str], plan: Plan, *, out_dir: str | Path | None = None,
                  layout: str | Path | Layout | None = None, areas: Iterable[str] | None = None) -> ActualsResult:
    """Clean actuals files (or folders of them) for ``plan`` into one table, a quarantine, a duplicates log, a
    revisions log, the rows by industry, the chains' coverage and checks.

    ``layout``: another layout config (default ``config/actuals_layout.toml``), or a :class:`Layout` loaded for
    ``plan``; ``areas``: area names accepted instead of the plan's (to clean, say, a city's county-level panel).
    With ``out_dir`` the outputs are written there (each atomically, after all are computed; never under
    data/raw).
    """
    lay = _check_layout(plan, layout, areas)
    if out_dir is not None:
        guard_not_raw(out_dir)
    files = list_actuals_files(inputs)
    tables = []
    for fi, p in enumerate(files):
        for si, t in enumerate(read_actuals_file(p, lay)):
            tables.append((fi, si, t))
    several = {t.file for _, _, t in tables if sum(u.file == t.file and u.sheet != t.sheet for _, _, u in tables)}
    records, industry, quarantined = [], [], []
    for fi, si, t in tables:
        src_file = _source(t.file, t.sheet, several)
        rel = release_of(lay, file=t.file, sheet=t.sheet, title=t.info.get("title", ""), order=(fi, si, 0),
                         page_date=t.info.get("page_date"))
        table_name = ", ".join(x for x in (t.sheet, f"table {t.table}" if t.table else "") if x)
        for e in t.entries:
            rec, why = _check_entry(e, lay)
            src = {"source_file": src_file, "source_sheet": t.sheet, "source_row": e["row"]}
            if rec is None:
                period = f"{e.get('year') or ''}-{e.get('month') or ''}" if e.get("month") else ""
                quarantined.append({**src, "source_cell": e.get("cell", ""), "label": e.get("label", ""),
                                    "column": e.get("column", ""), "value_text": e.get("value_text", ""),
                                    "yoy_text": e.get("yoy_text", ""), "period": period,
                                    "reason_code": "; ".join(c for c, _ in why),
                                    "reason": "；".join(d for _, d in why)})
            elif "code" in rec:
                industry.append({**rec, **src, "source_table": table_name, "_table": (fi, si), "_release": rel})
            else:
                records.append({**rec, **src, "coverage": "", "divisions_found": "", "divisions_missing": "",
                                "yoy_basis": "", "_release": rel})
    sums, coverage, industry = _chain_sums(industry, plan)
    clean, dupes, revisions, conflicts, counts = _resolve(records + sums)
    quarantine = pd.DataFrame(quarantined + conflicts, columns=QUARANTINE_COLUMNS)
    quarantine = quarantine.astype({c: str for c in QUARANTINE_COLUMNS if c != "source_row"})
    quarantine["source_row"] = quarantine["source_row"].astype(np.int64)
    actuals = _typed(clean, plan)
    checks = run_checks(actuals, plan)
    industry_rows = pd.DataFrame(industry, columns=INDUSTRY_COLUMNS)
    coverage_frame = pd.DataFrame(coverage, columns=COVERAGE_COLUMNS)
    summary = _summary(tables, actuals, quarantine, dupes, revisions, industry_rows, coverage_frame, checks,
                       counts, plan)
    result = ActualsResult(actuals, quarantine, dupes, checks, summary, plan, revisions, industry_rows,
                           coverage_frame)
    if out_dir is not None:
        result.written = write_outputs(result, Path(out_dir))
    return result


def _chain_sums(industry: list[dict], plan: Plan):
    """Chain records and coverage from the rows by industry, per table, period, indicator and area."""
    code_chain = plan.industry_code_map()

    def chain_of(code: str) -> str:
        best = max((c for c in code_chain if code.startswith(c)), key=len, default=None)
        return code_chain[best] if best else ""

    groups: dict[tuple, list[dict]] = {}
    for r in industry:
        key = (r["_table"], r["year"], r["month"], r["cumulative"], r["indicator"], r["area"])
        groups.setdefault(key, []).append(r)
    sums, coverage = [], []
    for key, rows in groups.items():
        first = rows[0]
        parts = [{**r, "prior": r["prior_value"]} for r in rows]
        recs, cov = chain_sums(parts, plan, source_file=first["source_file"], source_table=first["source_table"])
        rel = replace(first["_release"], origin="sum")
        for rec in recs:
            sums.append({**rec, "source_file": first["source_file"], "source_sheet": first["source_sheet"],
                         "part_of": "", "_release": rel})
        coverage.extend(cov)
    out = []
    for r in industry:
        row = {k: v for k, v in r.items() if not k.startswith("_")}
        row["chain_id"] = chain_of(r["code"])
        out.append(row)
    return sums, coverage, out


_KEY = ["year", "month", "chain_id", "area", "indicator", "cumulative"]


def _same(a: dict, b: dict) -> bool:
    ya, yb = a["yoy_pct"], b["yoy_pct"]
    same_yoy = (pd.isna(ya) and pd.isna(yb)) or (not pd.isna(ya) and not pd.isna(yb) and round(ya, 6) == round(yb, 6))
    return round(a["value"], 6) == round(b["value"], 6) and same_yoy


def _resolve(records: list[dict]):
    """Exact copies dropped (logged); different values: the later release wins (the earlier kept as a revision),
    or, within one release, every copy quarantined as a conflict."""
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(records):
        groups.setdefault(tuple(r[k] for k in _KEY), []).append(i)
    drop: set[int] = set()
    log, revisions, conflicts = [], [], []
    counts = {k: 0 for k in ("duplicates", "revised", "conflicts", "sums_duplicates", "sums_revised", "sums_conflicts")}

    def count(r, what):
        counts[("" if r["_release"].origin == "read" else "sums_") + what] += 1

    for idx in groups.values():
        if len(idx) == 1:
            continue
        rs = [records[i] for i in idx]
        order = sorted(range(len(rs)), key=cmp_to_key(lambda a, b: compare(rs[a]["_release"], rs[b]["_release"])[0]))
        win = order[-1]
        w = rs[win]
        tied = [k for k in order if k != win and compare(rs[k]["_release"], w["_release"])[1] is None
                and not _same(rs[k], w)]
        if tied:  # two values in one release: nothing says which is right
            others = "、".join(f"{r['source_file']} 第{r['source_row']}行 = {r['value']:g}" for r in rs)
            for k, r in enumerate(rs):
                drop.add(idx[k])
                count(r, "conflicts")
                conflicts.append({"source_file": r["source_file"], "source_sheet": r["source_sheet"],
                                  "source_row": r["source_row"], "source_cell": "", "label": r["chain_id"],
                                  "column": "累计" if r["cumulative"] else "本月", "value_text": f"{r['value']:g}",
                                  "yoy_text": "" if pd.isna(r["yoy_pct"]) else f"{r['yoy_pct']:g}",
                                  "period": f"{r['year']}-{r['month']}", "reason_code": "duplicate_conflict",
                                  "reason": f"{REASONS['duplicate_conflict']}：{others}"})
            continue
        # identical copies are duplicates of the first one printed; different values are revised by the winner
        first_same = {}
        for k in sorted(range(len(rs)), key=lambda k: rs[k]["_release"].order + (rs[k]["source_row"],)):
            key = (round(rs[k]["value"], 6), None if pd.isna(rs[k]["yoy_pct"]) else round(rs[k]["yoy_pct"], 6))
            first_same.setdefault(key, k)
        wkey = (round(w["value"], 6), None if pd.isna(w["yoy_pct"]) else round(w["yoy_pct"], 6))
        keep = first_same[wkey]  # the winning value, as first printed
        kept = rs[keep]
        for k, r in enumerate(rs):
            if k == keep:
                continue
            drop.add(idx[k])
            if _same(r, kept):
                count(r, "duplicates")
                log.append({**{c: r[c] for c in _KEY}, "value": r["value"], "source_file": r["source_file"],
                            "source_row": r["source_row"], "kept_file": kept["source_file"],
                            "kept_row": kept["source_row"]})
            else:
                sign, rule = compare(w["_release"], r["_release"])
                count(r, "revised")
                old, new = r["_release"].label(), w["_release"].label()
                revisions.append({**{c: r[c] for c in _KEY}, "value": r["value"], "yoy_pct": r["yoy_pct"],
                                  "source_file": r["source_file"], "source_row": r["source_row"], "release": old,
                                  "kept_value": kept["value"], "kept_yoy_pct": kept["yoy_pct"],
                                  "kept_file": kept["source_file"], "kept_row": kept["source_row"],
                                  "kept_release": new, "rule": rule,
                                  "why": RULES[rule].format(new=new, old=old)})
    clean = [r for i, r in enumerate(records) if i not in drop]
    return (clean, pd.DataFrame(log, columns=DUPLICATE_COLUMNS), pd.DataFrame(revisions, columns=REVISION_COLUMNS),
            conflicts, counts)


def _typed(records: list[dict], plan: Plan) -> pd.DataFrame:
    out = pd.DataFrame([{c: r.get(c, "") for c in OUTPUT_COLUMNS} for r in records], columns=OUTPUT_COLUMNS)
    out = out.astype({"year": np.int64, "month": np.int64, "value": float, "yoy_pct": float,
                      "cumulative": bool, "source_row": np.int64, "chain_id": str, "area": str,
                      "indicator": str, "source_file": str, **{c: str for c in EXTRA_COLUMNS}})
    chain_order = {c: i for i, c in enumerate((INDUSTRY_ID, *plan.chain_ids))}
    area_order = {a: i for i, a in enumerate((TOTAL, *plan.area_names))}
    ind_order = {x: i for i, x in enumerate(plan.indicator_ids)}
    order = (out["indicator"].map(ind_order), out["chain_id"].map(chain_order),
             out["area"].map(lambda a: area_order.get(a, len(area_order))))
    out = out.assign(_i=order[0], _c=order[1], _a=order[2]).sort_values(
        ["year", "month", "_i", "_c", "_a", "area", "cumulative"], ascending=[True] * 6 + [False],
        kind="stable").drop(columns=["_i", "_c", "_a"]).reset_index(drop=True)
    return actuals_schema(plan).validate(out)


_LAYOUT_CN = {"report": "月报表", "tidy": "整洁表"}
_COVERAGE_CN = {"full": "全部口径", "partial": "部分口径", "absent": "无"}


def _series_cn(series_id: str, plan: Plan) -> str:
    """A series of actuals.csv by its Chinese name: a chain of the plan, or 规上工业."""
    if series_id == INDUSTRY_ID:
        return INDUSTRY_NAME
    return plan.chain(series_id).name if series_id in plan.chain_ids else series_id


def _indicator_cn(indicator: str, plan: Plan) -> str:
    return plan.indicator(indicator).label if indicator in plan.indicator_ids else indicator


def _industries_line(cov: pd.DataFrame, ind: pd.DataFrame, plan: Plan) -> str:
    """industries → chains, for the summary line of a table by industry (in Chinese: 行业 … → 各链：…)."""
    codes = sorted(set(ind["code"]))
    parts = []
    first = cov.drop_duplicates("chain_id")
    for r in first.itertuples():
        status, _, growth = r.status.partition("_")
        what = _COVERAGE_CN.get(status, status) + ("（仅增速）" if growth else "")
        if status == "absent":
            parts.append(f"{_series_cn(r.chain_id, plan)} {what}")
        else:
            miss = f"，缺 {r.codes_missing}" if r.codes_missing else ""
            parts.append(f"{_series_cn(r.chain_id, plan)} {what}（有 {r.codes_found}{miss}）")
    rest = sorted({c for c, ch in zip(ind["code"], ind["chain_id"]) if not ch})
    tail = f"；不属任何链：{' '.join(rest)}" if rest else ""
    return f"行业 {' '.join(codes)} → 各链：" + "；".join(parts) + tail


def _summary(tables, actuals, quarantine, dupes, revisions, industry_rows, coverage, checks, counts,
             plan: Plan) -> dict:
    entries = sum(len(t.entries) for _, _, t in tables)
    rows_read = sum(t.info["rows_read"] for _, _, t in tables)
    seen = {(e["file"], t.sheet, e["row"]) for _, _, t in tables for e in t.entries}
    by_reason = (quarantine["reason_code"].str.split("; ").explode().value_counts()
                 if len(quarantine) else pd.Series(dtype=int))
    files = []
    for _, _, t in tables:
        info = {k: v for k, v in t.info.items()}
        f = {"file": t.file, "sheet": t.sheet, "table": t.table, "layout": t.layout, "entries": len(t.entries), **info}
        if info.get("by_industry") and len(industry_rows):
            name = ", ".join(x for x in (t.sheet, f"table {t.table}" if t.table else "") if x)
            ind = industry_rows[(industry_rows["source_file"].str.startswith(t.file))
                                & (industry_rows["source_table"] == name)]
            cov = coverage[(coverage["source_file"] == (ind["source_file"].iloc[0] if len(ind) else ""))
                           & (coverage["source_table"] == name)]
            if len(ind):
                f["industries"] = _industries_line(cov, ind, plan)
        files.append(f)
    chk = {c: {str(k): int(v) for k, v in g["status"].value_counts().items()} for c, g in checks.groupby("check")}
    series_seen = set(actuals["chain_id"].unique().tolist())
    area_order = {a: i for i, a in enumerate((TOTAL, *plan.area_names))}
    sums = int((actuals["coverage"] != "").sum())
    clean_read = int(len(actuals)) - sums
    balanced = entries == (clean_read + len(industry_rows) + len(quarantine) - counts["sums_conflicts"]
                           + counts["duplicates"] + counts["revised"])
    out = {
        "rows_read": int(rows_read),
        "rows_accounted": len(seen) == rows_read,
        "entries": int(entries),
        "clean": int(len(actuals)),
        "quarantined": int(len(quarantine)),
        "duplicates_dropped": int(len(dupes)),
        "balanced": bool(balanced),
        "quarantined_by_reason": {str(k): int(v) for k, v in by_reason.items()},
        "years": sorted(int(y) for y in actuals["year"].unique()),
        "latest": {str(y): int(m) for y, m in actuals.groupby("year")["month"].max().items()},
        "chain_ids": [c for c in (INDUSTRY_ID, *plan.chain_ids) if c in series_seen],
        "areas": sorted(actuals["area"].unique().tolist(), key=lambda a: area_order.get(a, 99)),
        "synthetic": any(t.info.get("synthetic") for _, _, t in tables),
        "checks": chk,
        "files": files,
        "note": "entries are the value cells read (one per value column of a row) plus the rows that hold no "
                "figure (headings, notes, subtotals); entries = clean (read as printed) + industry_rows + "
                "quarantined + duplicates_dropped + revised. Chains added up from industries (sums) are clean "
                "rows too but no entries. rows_read counts the non-blank rows below each header; rows_accounted "
                "says each appears in an output. A quarantined entry may carry several reasons.",
        "revised": int(len(revisions)),
        "industry_rows": int(len(industry_rows)),
        "sums": sums,
        "clean_read": clean_read,
        "plan": plan.district,
    }
    if len(revisions):
        out["revision_lines"] = [
            f"{_series_cn(r.chain_id, plan)} {r.year}年{'1—' if r.cumulative and r.month > 1 else ''}{r.month}月 "
            f"{r.area} {_indicator_cn(r.indicator, plan)}：{r.value:g} → {r.kept_value:g}（{r.rule}：{r.why}）"
            for r in revisions.itertuples()]
    return out


# --------------------------------------------------------------------------------------------- writing
def write_outputs(result: ActualsResult, out_dir: Path) -> list[Path]:
    """The outputs into ``out_dir`` (not under data/raw): every file to a temporary name, then all renamed.

    CSV cells go through :func:`chainplan_lib.files.cellsafety.neutralise_frame` (no cell starts a formula).
    """
    guard_not_raw(out_dir)
    frames = {"actuals": result.actuals, "quarantine": result.quarantine, "duplicates": result.duplicates,
              "checks": result.checks, "revisions": result.revisions, "industries": result.industry_rows,
              "coverage": result.coverage}
    written = []
    with ExitStack() as stack:  # the renames happen together, at the end, only if every write succeeded
        for key, df in frames.items():
            tmp = stack.enter_context(atomic_path(out_dir / OUTPUT_FILES[key]))
            neutralise_frame(df).to_csv(tmp, index=False, encoding="utf-8")
            written.append(out_dir / OUTPUT_FILES[key])
        tmp = stack.enter_context(atomic_path(out_dir / OUTPUT_FILES["summary"]))
        tmp.write_text(json.dumps(result.summary, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
        written.append(out_dir / OUTPUT_FILES["summary"])
    return written


def load_actuals(path: str | Path, plan: Plan) -> pd.DataFrame:
    """``actuals.csv`` (or the folder holding it) as written by :func:`clean_actuals`, checked against ``plan``'s
    schema. A table written before the coverage columns existed gets them empty."""
    p = Path(path)
    p = p / OUTPUT_FILES["actuals"] if p.is_dir() else p
    if not p.exists():
        raise InputError("no actuals table here (run `chainplan actuals clean` first)", file=p)
    name = "an actuals table"  # every error below names the file, and the line, column and value
    df = read_csv_table(p, ACTUALS, name=name, dtype={"chain_id": str, "area": str, "indicator": str,
                                                       "source_file": str, **{c: str for c in EXTRA_COLUMNS}},
                        keep_default_na=False, na_values={"value": [""], "yoy_pct": [""]})
    missing = [c for c in ACTUALS_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"not an actuals table: columns {missing} missing", file=p)
    for c in EXTRA_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    df["cumulative"] = df["cumulative"].astype(str).str.lower().map({"true": True, "false": False})
    if df.empty:  # a run without actuals writes the header only: give the columns their types
        df["cumulative"] = df["cumulative"].astype(bool)
    df = convert_columns(df, {"year": np.int64, "month": np.int64, "value": float, "yoy_pct": float,
                              "source_row": np.int64}, p, name)
    try:
        df = df.astype({"year": np.int64, "month": np.int64, "value": float, "yoy_pct": float,
                        "source_row": np.int64, **{c: str for c in EXTRA_COLUMNS}})
        return actuals_schema(plan).validate(df[OUTPUT_COLUMNS])
    except (ValueError, TypeError) as exc:
        raise InputError(f"not an actuals table: {str(exc).splitlines()[0]}", file=p) from None
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as exc:
        raise schema_error(exc, p, name) from None


def default_actuals_dir() -> Path:
    """The bundled SYNTHETIC monthly reports (示例数据): data/raw/actuals."""
    return raw_dir() / "actuals"


def _read_frame(src: Path, key: str, columns=()) -> pd.DataFrame:
    """One of the cleaner's side files; absent, or written from a table without columns (a folder that held only
    an ``actuals.csv``, passed on by the batch): an empty table, not pandas' EmptyDataError."""
    p = src / OUTPUT_FILES[key]
    if not p.exists() or (p.stat().st_size < 8 and not p.read_text(encoding="utf-8-sig").strip()):
        return _empty(columns) if columns else pd.DataFrame()
    return pd.read_csv(p)


def actuals_bundle(source: str | Path | None, processed: str | Path | None, plan: Plan) -> ActualsResult:
    """Cleaned actuals for notebooks and the CLI, without writing anything, for ``plan``.

    ``source``: a folder holding ``actuals.csv`` (the output of ``chainplan actuals clean``), or raw files or
    folders to clean in memory. Without it: ``processed/actuals/`` when the batch wrote it there, else the
    bundled sample (data/raw/actuals) cleaned in memory.
    """
    if not isinstance(plan, Plan):
        raise TypeError(f"actuals_bundle(source, processed, plan): plan must be a Plan, not {type(plan).__name__}")
    if source is None and processed is not None and (Path(processed) / "actuals" / OUTPUT_FILES["actuals"]).exists():
        source = Path(processed) / "actuals"
    src = Path(source) if source is not None else default_actuals_dir()
    if src.is_dir() and (src / OUTPUT_FILES["actuals"]).exists():
        actuals = load_actuals(src, plan)
        summary_path = src / OUTPUT_FILES["summary"]
        summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
        cov = _read_frame(src, "coverage", COVERAGE_COLUMNS)
        for c in ("codes_expected", "codes_found", "codes_missing", "note", "yoy_basis"):
            if c in cov.columns:
                cov[c] = cov[c].fillna("").astype(str)
        return ActualsResult(actuals, _read_frame(src, "quarantine"), _read_frame(src, "duplicates"),
                             _read_frame(src, "checks"), summary, plan,
                             _read_frame(src, "revisions", REVISION_COLUMNS),
                             _read_frame(src, "industries", INDUSTRY_COLUMNS), cov)
    if not src.exists():
        raise InputError("no such actuals file or folder", file=src)
    return clean_actuals([src], plan)
