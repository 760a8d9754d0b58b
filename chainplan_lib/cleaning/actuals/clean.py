"""Statistics-office monthly figures (统计月报) -> one validated table of actuals, a quarantine and checks.

``clean_actuals(inputs, out_dir)`` reads tidy CSV files and 月报-style tables (xlsx/csv, UTF-8 or GB18030; see
:mod:`chainplan_lib.cleaning.actuals.read`), turns every value cell into an *entry* and every entry ends in
exactly one of: ``actuals.csv`` (clean), ``actuals_quarantine.csv`` (with a reason code and a Chinese reason)
or ``actuals_duplicates_dropped.csv`` (the same figure read twice); rows that hold no figure (section headings,
notes, subtotals, a repeated header) are quarantined as such. The summary proves entries in = clean +
quarantined + duplicates dropped, and that every non-blank row read appears in an output.

``actuals.csv`` columns: year, month (1—N月 is month N; 1—2月 is month 2), chain_id (the four chain ids, or
``industry`` for all above-size industry, 规上工业), area (全区 when not by town), indicator (``revenue`` in 亿元,
``enterprises`` in 户), value, cumulative (True for 1—N月, False for 本月), yoy_pct (the 同比增长 % as published),
source_file (with ``#sheet`` when the workbook has several sheets), source_row (1-based row in the sheet).

Checks (:mod:`chainplan_lib.cleaning.actuals.checks`) are reported, never forced.

Policies: a figure read twice with the same value (and growth) is kept once and the copy logged; the same
figure with different values is a conflict and every copy is quarantined (an office's revision is a new file
to be chosen by a person, not guessed). The sum of the four chains is never read from a file (合计 rows are
quarantined as subtotals): it is computed where needed. Enterprise counts without a unit are 户.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ...errors import InputError
from ...files.atomic import atomic_path
from ...files.cellsafety import neutralise_frame
from ...paths import guard_not_raw, raw_dir
from ...plan.names import AREAS, CHAIN_IDS, DISTRICT, INDUSTRY_ID, find_area, normalise_label
from .checks import run_checks
from .labels import Layout, load_layout, parse_number
from .read import list_actuals_files, read_actuals_file

__all__ = ["ActualsResult", "clean_actuals", "load_actuals", "actuals_bundle", "default_actuals_dir", "write_outputs",
           "ACTUALS_COLUMNS", "SERIES_IDS",
           "REASONS", "OUTPUT_FILES", "ACTUALS_SCHEMA", "QUARANTINE_COLUMNS", "DUPLICATE_COLUMNS"]

SERIES_IDS = (*CHAIN_IDS, INDUSTRY_ID)
INDICATORS = ("revenue", "enterprises")
ACTUALS_COLUMNS = ["year", "month", "chain_id", "area", "indicator", "value", "cumulative", "yoy_pct",
                   "source_file", "source_row"]
QUARANTINE_COLUMNS = ["source_file", "source_sheet", "source_row", "source_cell", "label", "column", "value_text",
                      "yoy_text", "period", "reason_code", "reason"]
DUPLICATE_COLUMNS = ["year", "month", "chain_id", "area", "indicator", "cumulative", "value", "source_file",
                     "source_row", "kept_file", "kept_row"]
OUTPUT_FILES = {"actuals": "actuals.csv", "quarantine": "actuals_quarantine.csv",
                "duplicates": "actuals_duplicates_dropped.csv", "checks": "actuals_checks.csv",
                "summary": "actuals_summary.json"}
REASONS = {  # reason_code -> Chinese reason (what the quarantine file says)
    "section_heading": "分组标题行：本行无数值，其产业链/指标/单位用于下方各行",
    "note_row": "注释、单位说明或签署行，不是数据",
    "subtotal_row": "合计/小计行：四条链合计由各链相加得到，不从文件读取",
    "header_repeat": "表头在数据中重复出现",
    "label_unknown": "本行标签既不是产业链、规上工业，也不是指标或区域",
    "series_missing": "无法确定是哪条产业链或规上工业",
    "indicator_missing": "无法确定指标（行标签、列标题、分组标题和表题都未写明营业收入或户数）",
    "indicator_not_tracked": "本项目只读取营业收入和规上企业户数，此指标不读入",
    "area_unknown": "区域不是九个镇（街道、园区）之一，也不是全区",
    "unit_missing": "营业收入没有单位（行、列标题、分组标题和“单位：”说明都未写明）",
    "unit_mismatch": "单位与指标不符（金额写了户/个，或户数写了元）",
    "value_missing": "数值为空或占位符（—、-、/、无）",
    "value_not_number": "数值不是数字",
    "value_negative": "数值为负",
    "yoy_not_number": "同比增长不是数字",
    "period_invalid": "年份或月份无效",
    "duplicate_conflict": "同一链、区域、指标和期间出现多次且数值不同（请保留一个版本）",
}


# --------------------------------------------------------------------------------------------- schema
ACTUALS_SCHEMA = pa.DataFrameSchema({
    "year": pa.Column(np.int64, pa.Check.in_range(1990, 2100)),
    "month": pa.Column(np.int64, pa.Check.in_range(1, 12)),
    "chain_id": pa.Column(str, pa.Check.isin(SERIES_IDS)),
    "area": pa.Column(str),
    "indicator": pa.Column(str, pa.Check.isin(INDICATORS)),
    "value": pa.Column(float, pa.Check.ge(0)),
    "cumulative": pa.Column(bool),
    "yoy_pct": pa.Column(float, nullable=True),
    "source_file": pa.Column(str),
    "source_row": pa.Column(np.int64, pa.Check.ge(1)),
}, strict=True, ordered=True, unique=["year", "month", "chain_id", "area", "indicator", "cumulative"])


@dataclass
class ActualsResult:
    """What :func:`clean_actuals` produced (and, when it wrote, where)."""

    actuals: pd.DataFrame
    quarantine: pd.DataFrame
    duplicates: pd.DataFrame
    checks: pd.DataFrame
    summary: dict
    written: list[Path] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        return bool(self.summary.get("synthetic"))

    def summary_text(self) -> str:
        s = self.summary
        lines = [f"actuals: {s['entries']} figures/rows read from {s['rows_read']} rows of {len(s['files'])} "
                 f"sheet(s) -> {s['clean']} clean, {s['quarantined']} quarantined, {s['duplicates_dropped']} "
                 f"duplicates dropped{'' if s['balanced'] else '  !! ENTRIES DO NOT ADD UP'}"
                 f"{'' if s['rows_accounted'] else '  !! ROWS MISSING FROM THE OUTPUTS'}"]
        if s["synthetic"]:
            lines[0] += "  [示例数据 SYNTHETIC]"
        for code, k in s["quarantined_by_reason"].items():
            lines.append(f"  quarantined: {code:<22} {k:>6}  ({REASONS[code]})")
        for c, counts in s["checks"].items():
            lines.append(f"  check {c}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for f in s["files"]:
            sheet = f" [{f['sheet']}]" if f["sheet"] else ""
            lines.append(f"  {f['file']}{sheet}: {f['layout']}, {f['rows_read']} rows, header row(s) "
                         f"{f['header_rows']}, unit note {f['unit_note'] or '—'}")
            lines.extend(f"    note: {x}" for x in f["notes"])
        if self.written:
            lines.append("wrote: " + ", ".join(str(p) for p in self.written))
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------- parsing
def _area_lookup(areas: Iterable[str] | None):
    """text → area name (全区 for an empty cell), None when unknown; each distinct text is looked up once."""
    if areas is None:
        find = lambda text: find_area(text) if text else DISTRICT
    else:
        known = {normalise_label(a): a for a in areas}
        known.update({normalise_label(a): DISTRICT for a in ("全区", "合计", "全区合计", DISTRICT)})
        find = lambda text: known.get(normalise_label(text)) if text else DISTRICT
    seen: dict[str, str | None] = {}

    def area_of(text: str) -> str | None:
        if text not in seen:
            seen[text] = find(text)
        return seen[text]

    return area_of


def _check_entry(e: dict, layout: Layout, area_of) -> tuple[dict | None, list[tuple[str, str]]]:
    """A clean record, or the reasons it is quarantined (code, Chinese detail)."""
    why: list[tuple[str, str]] = []
    if e.get("code"):
        detail = e.get("period_error") or ""
        return None, [(e["code"], REASONS[e["code"]] + (f"：{detail}" if detail else ""))]
    if e.get("indicator") == "other":
        return None, [("indicator_not_tracked", f"{REASONS['indicator_not_tracked']}（{e.get('indicator_text')}）")]
    if e.get("series") is None:
        why.append(("series_missing", f"{REASONS['series_missing']}（标签“{e.get('series_text') or ''}”）"))
    if e.get("indicator") is None:
        why.append(("indicator_missing", REASONS["indicator_missing"]))
    area = area_of(e.get("area_text") or "")
    if area is None:
        why.append(("area_unknown", f"区域“{e.get('area_text')}”不是九个镇（街道、园区）之一，也不是全区"))
    value, status = parse_number(e.get("value_text"), layout)
    if status == "missing":
        why.append(("value_missing", REASONS["value_missing"]))
    elif status == "not_number":
        why.append(("value_not_number", f"数值“{e.get('value_text')}”不是数字"))
    elif value < 0:
        why.append(("value_negative", f"数值 {value:g} 为负"))
    yoy, ystatus = parse_number(e.get("yoy_text"), layout)
    if ystatus == "not_number":
        why.append(("yoy_not_number", f"同比增长“{e.get('yoy_text')}”不是数字"))
    unit = e.get("unit")
    factor = 1.0
    if e.get("indicator") == "revenue":
        if unit is None:
            why.append(("unit_missing", REASONS["unit_missing"]))
        elif unit[1] != "money":
            why.append(("unit_mismatch", f"营业收入的单位写作“{unit[0]}”"))
        else:
            factor = unit[2]
    elif e.get("indicator") == "enterprises" and unit is not None and unit[1] != "count":
        why.append(("unit_mismatch", f"户数的单位写作“{unit[0]}”"))
    year, month = e.get("year"), e.get("month")
    if year is None or month is None or not (1990 <= year <= 2100 and 1 <= month <= 12):
        why.append(("period_invalid", f"年份/月份无法确定或无效（{year}/{month}）"))
    if why:
        return None, why
    return {"year": int(year), "month": int(month), "chain_id": e["series"], "area": area,
            "indicator": e["indicator"], "value": round(value * factor, 8), "cumulative": bool(e["cumulative"]),
            "yoy_pct": yoy if ystatus == "ok" else np.nan}, []


def _source(e: dict, several: set[str]) -> str:
    return f"{e['file']}#{e['sheet']}" if e["file"] in several and e["sheet"] else e["file"]


# --------------------------------------------------------------------------------------------- main
def clean_actuals(inputs: list[Path] | list[str], out_dir: str | Path | None = None, *,
                  areas: Iterable[str] | None = None, layout: str | Path | None = None) -> ActualsResult:
    """Clean actuals files (or folders of them) into one table, a quarantine, a duplicates log and checks.

    ``areas``: the area names accepted besides 全区 (default: the district's nine, with their aliases from
    :mod:`chainplan_lib.plan.names`; give a list to clean, say, a city's county-level panel). With ``out_dir``
    the five outputs are written there (each atomically, after all are computed; never under data/raw).
    """
    if out_dir is not None:
        guard_not_raw(out_dir)
    lay = load_layout(layout)
    sheets = [s for p in list_actuals_files(inputs) for s in read_actuals_file(p, lay)]
    several = {s.file for s in sheets if sum(t.file == s.file for t in sheets) > 1}
    area_of = _area_lookup(areas)
    records, quarantined = [], []
    for s in sheets:
        for e in s.entries:
            rec, why = _check_entry(e, lay, area_of)
            src = {"source_file": _source(e, several), "source_sheet": s.sheet, "source_row": e["row"]}
            if rec is not None:
                records.append({**rec, **src})
            else:
                period = f"{e.get('year') or ''}-{e.get('month') or ''}" if e.get("month") else ""
                quarantined.append({**src, "source_cell": e.get("cell", ""), "label": e.get("label", ""),
                                    "column": e.get("column", ""), "value_text": e.get("value_text", ""),
                                    "yoy_text": e.get("yoy_text", ""), "period": period,
                                    "reason_code": "; ".join(c for c, _ in why),
                                    "reason": "；".join(d for _, d in why)})
    clean = pd.DataFrame(records, columns=[*ACTUALS_COLUMNS[:-2], "source_file", "source_sheet", "source_row"])
    clean, dupes, conflicts = _deduplicate(clean)
    quarantine = pd.DataFrame(quarantined + conflicts, columns=QUARANTINE_COLUMNS)
    quarantine = quarantine.astype({c: str for c in QUARANTINE_COLUMNS if c != "source_row"})
    quarantine["source_row"] = quarantine["source_row"].astype(np.int64)
    actuals = _typed(clean)
    checks = run_checks(actuals)
    summary = _summary(sheets, actuals, quarantine, dupes, checks, clean)
    result = ActualsResult(actuals, quarantine, dupes, checks, summary)
    if out_dir is not None:
        result.written = write_outputs(result, Path(out_dir))
    return result


_KEY = ["year", "month", "chain_id", "area", "indicator", "cumulative"]


def _deduplicate(clean: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Exact copies dropped (and logged); the same figure with different values quarantined, every copy."""
    if clean.empty:
        return clean, pd.DataFrame(columns=DUPLICATE_COLUMNS), []
    dup = clean.duplicated(_KEY, keep=False)
    if not dup.any():
        return clean.reset_index(drop=True), pd.DataFrame(columns=DUPLICATE_COLUMNS), []
    groups = clean[dup].groupby(_KEY, sort=False, dropna=False)
    drop_idx, log, conflicts = [], [], []
    for _, g in groups:
        same = (g["value"].round(6).nunique() == 1 and
                (g["yoy_pct"].isna().all() or (g["yoy_pct"].notna().all() and g["yoy_pct"].round(6).nunique() == 1)))
        first = g.iloc[0]
        if same:
            for idx, r in g.iloc[1:].iterrows():
                drop_idx.append(idx)
                log.append({**{k: r[k] for k in _KEY}, "value": r["value"], "source_file": r["source_file"],
                            "source_row": r["source_row"], "kept_file": first["source_file"],
                            "kept_row": first["source_row"]})
        else:
            drop_idx.extend(g.index)
            others = "、".join(f"{r.source_file} 第{r.source_row}行 = {r.value:g}" for r in g.itertuples())
            for r in g.itertuples():
                conflicts.append({"source_file": r.source_file, "source_sheet": r.source_sheet,
                                  "source_row": r.source_row, "source_cell": "", "label": r.chain_id,
                                  "column": "累计" if r.cumulative else "本月", "value_text": f"{r.value:g}",
                                  "yoy_text": "" if pd.isna(r.yoy_pct) else f"{r.yoy_pct:g}",
                                  "period": f"{r.year}-{r.month}", "reason_code": "duplicate_conflict",
                                  "reason": f"{REASONS['duplicate_conflict']}：{others}"})
    dupes = pd.DataFrame(log, columns=DUPLICATE_COLUMNS)
    return clean.drop(index=drop_idx).reset_index(drop=True), dupes, conflicts


_CHAIN_ORDER = {c: i for i, c in enumerate((INDUSTRY_ID, *CHAIN_IDS))}
_AREA_ORDER = {a: i for i, a in enumerate((DISTRICT, *AREAS))}


def _typed(clean: pd.DataFrame) -> pd.DataFrame:
    out = clean[ACTUALS_COLUMNS].copy()
    out = out.astype({"year": np.int64, "month": np.int64, "value": float, "yoy_pct": float,
                      "cumulative": bool, "source_row": np.int64, "chain_id": str, "area": str,
                      "indicator": str, "source_file": str})
    order = (out["indicator"].map({"revenue": 0, "enterprises": 1}), out["chain_id"].map(_CHAIN_ORDER),
             out["area"].map(lambda a: _AREA_ORDER.get(a, len(_AREA_ORDER))))
    out = out.assign(_i=order[0], _c=order[1], _a=order[2]).sort_values(
        ["year", "month", "_i", "_c", "_a", "area", "cumulative"], ascending=[True] * 6 + [False],
        kind="stable").drop(columns=["_i", "_c", "_a"]).reset_index(drop=True)
    return ACTUALS_SCHEMA.validate(out)


def _summary(sheets, actuals, quarantine, dupes, checks, clean_before) -> dict:
    entries = sum(len(s.entries) for s in sheets)
    rows_read = sum(s.info["rows_read"] for s in sheets)
    seen = {(e["file"], s.sheet, e["row"]) for s in sheets for e in s.entries}
    by_reason = (quarantine["reason_code"].str.split("; ").explode().value_counts()
                 if len(quarantine) else pd.Series(dtype=int))
    files = [{"file": s.file, "sheet": s.sheet, "layout": s.layout, "entries": len(s.entries),
              **{k: v for k, v in s.info.items()}} for s in sheets]
    chk = {c: {str(k): int(v) for k, v in g["status"].value_counts().items()} for c, g in checks.groupby("check")}
    series_seen = set(actuals["chain_id"].unique().tolist())
    return {
        "rows_read": int(rows_read),
        "rows_accounted": len(seen) == rows_read,
        "entries": int(entries),
        "clean": int(len(actuals)),
        "quarantined": int(len(quarantine)),
        "duplicates_dropped": int(len(dupes)),
        "balanced": entries == len(actuals) + len(quarantine) + len(dupes),
        "quarantined_by_reason": {str(k): int(v) for k, v in by_reason.items()},
        "years": sorted(int(y) for y in actuals["year"].unique()),
        "latest": {str(y): int(m) for y, m in actuals.groupby("year")["month"].max().items()},
        "series": [c for c in (INDUSTRY_ID, *CHAIN_IDS) if c in series_seen],
        "areas": sorted(actuals["area"].unique().tolist(), key=lambda a: _AREA_ORDER.get(a, 99)),
        "synthetic": any(s.info.get("synthetic") for s in sheets),
        "checks": chk,
        "files": files,
        "note": "entries are the value cells read (one per value column of a row) plus the rows that hold no "
                "figure (headings, notes, subtotals); entries = clean + quarantined + duplicates_dropped. "
                "rows_read counts the non-blank rows below each header; rows_accounted says each appears in an "
                "output. A quarantined entry may carry several reasons.",
    }


# --------------------------------------------------------------------------------------------- writing
def write_outputs(result: ActualsResult, out_dir: Path) -> list[Path]:
    """The five outputs into ``out_dir`` (not under data/raw): every file to a temporary name, then all renamed.

    CSV cells go through :func:`chainplan_lib.files.cellsafety.neutralise_frame` (no cell starts a formula).
    """
    guard_not_raw(out_dir)
    frames = {"actuals": result.actuals, "quarantine": result.quarantine, "duplicates": result.duplicates,
              "checks": result.checks}
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


def load_actuals(path: str | Path) -> pd.DataFrame:
    """``actuals.csv`` (or the folder holding it) as written by :func:`clean_actuals`, checked against the schema."""
    p = Path(path)
    p = p / OUTPUT_FILES["actuals"] if p.is_dir() else p
    if not p.exists():
        raise InputError("no actuals table here (run `chainplan actuals clean` first)", file=p)
    df = pd.read_csv(p, dtype={"chain_id": str, "area": str, "indicator": str, "source_file": str})
    missing = [c for c in ACTUALS_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"not an actuals table: columns {missing} missing", file=p)
    df["cumulative"] = df["cumulative"].astype(str).str.lower().map({"true": True, "false": False})
    if df.empty:  # a run without actuals writes the header only: give the columns their types
        df["cumulative"] = df["cumulative"].astype(bool)
    df = df.astype({"year": np.int64, "month": np.int64, "value": float, "yoy_pct": float, "source_row": np.int64})
    try:
        return ACTUALS_SCHEMA.validate(df[ACTUALS_COLUMNS])
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as exc:
        raise InputError(f"actuals table fails its schema: {str(exc).splitlines()[0]}", file=p) from None


def default_actuals_dir() -> Path:
    """The bundled SYNTHETIC monthly reports (示例数据): data/raw/actuals."""
    return raw_dir() / "actuals"


def actuals_bundle(source: str | Path | None = None, processed: str | Path | None = None) -> ActualsResult:
    """Cleaned actuals for notebooks and the CLI, without writing anything.

    ``source``: a folder holding ``actuals.csv`` (the output of ``chainplan actuals clean``), or raw files or
    folders to clean in memory. Without it: ``processed/actuals/`` when the batch wrote it there, else the
    bundled sample (data/raw/actuals) cleaned in memory.
    """
    if source is None and processed is not None and (Path(processed) / "actuals" / OUTPUT_FILES["actuals"]).exists():
        source = Path(processed) / "actuals"
    src = Path(source) if source is not None else default_actuals_dir()
    if src.is_dir() and (src / OUTPUT_FILES["actuals"]).exists():
        actuals = load_actuals(src)
        summary_path = src / OUTPUT_FILES["summary"]
        summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
        read = lambda key: pd.read_csv(src / OUTPUT_FILES[key]) if (src / OUTPUT_FILES[key]).exists() \
            else pd.DataFrame()
        return ActualsResult(actuals, read("quarantine"), read("duplicates"), read("checks"), summary)
    if not src.exists():
        raise InputError("no such actuals file or folder", file=src)
    return clean_actuals([src])
