"""A plan's annex table (Attachment 2, 重点产业链目标预测表) from its PDF extraction to a tidy, reconciled table.

The plan file (:mod:`chainplan_lib.plan`) says where the table is and what it holds — title, unit, chains,
areas, indicators, years and the targets the text states; the extraction is read from its text alone — no
positions, values or names are hard-coded:

* reading (separators, label fragments, numbers, size cap): :mod:`chainplan_lib.cleaning.targets.read`;
* the column order comes from the header line (产业链 年份 指标 全区 <areas…>), wherever it repeats;
* a row with more value cells than columns keeps 全区 from its first cell and the last column (the last
  area) from its last; the areas between align from the left and the surplus cells must be ``-``;
* a row without a year continues the merged year cell above it, unless that slot is already filled,
  in which case it is the next year (logged);
* a new block starts at a new chain label, at a row whose year and indicator the block already has, and
  at a row whose year is earlier than the row above (the year goes backwards: the next chain's block);
* a block with no chain label takes the label of the block that repeats it identically (the label was
  printed later), otherwise the one chain the table has not shown yet (logged), otherwise an error;
* identical repeats of a row are dropped (logged); conflicting repeats are an error naming both lines;
* a row whose areas sum to less than its 全区 total lost a value in extraction: the loss is put in the
  one area that shows ``-`` here but has values in other years (``imputed``), or, when several could
  hold it, those areas are left ``missing``; anything else is a :class:`ReconciliationError`.

Output: one row per chain × year × indicator × area, columns
``chain, chain_id, year, indicator, area, value, source`` (see :func:`targets_schema`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ...errors import InputError, ReconciliationError
from ...files.atomic import atomic_path
from ...files.cellsafety import neutralise_frame
from ...files.limits import TARGETS_CSV
from ...files.regular import FileRefused
from ...files.tables import convert_columns, read_csv_table, schema_error
from ...plan.model import TOTAL, Plan
from .read import REPAIR_COLUMNS, RawRow, RepairLog, parse_raw, parse_value, read_raw_text

__all__ = [
    "TARGET_COLUMNS", "REPAIR_COLUMNS", "CHECK_COLUMNS", "SOURCES", "SOURCE_CN", "targets_schema",
    "RawRow", "TargetsResult", "read_raw_text", "parse_raw", "clean_targets", "write_targets",
    "load_targets", "raw_rows_frame", "reconcile", "check_text_targets",
]
DISTRICT = TOTAL  # the 全区 rows of the tidy table, for every plan

TARGET_COLUMNS = ["chain", "chain_id", "year", "indicator", "area", "value", "source"]
CHECK_COLUMNS = ["check", "chain", "chain_id", "year", "indicator", "expected", "actual", "difference",
                 "status", "detail"]
SOURCES = ("table", "dash", "imputed", "missing")


@lru_cache(maxsize=8)
def _schema(plan: Plan) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "chain": pa.Column(str, pa.Check.isin(plan.chain_names)),
            "chain_id": pa.Column(str, pa.Check.isin(plan.chain_ids)),
            "year": pa.Column(int, pa.Check.isin(plan.years)),
            "indicator": pa.Column(str, pa.Check.isin(plan.indicator_ids)),
            "area": pa.Column(str, pa.Check.isin(plan.areas_with_total)),
            "value": pa.Column(float, pa.Check.ge(0), nullable=True),
            "source": pa.Column(str, pa.Check.isin(SOURCES)),
        },
        checks=[
            pa.Check(lambda d: d["value"].isna() == (d["source"] == "missing"),
                     error="value is empty exactly where source is 'missing'"),
            pa.Check(lambda d: (d["source"] != "dash") | (d["value"] == 0), error="a dash reads as 0"),
        ],
        unique=["chain", "year", "indicator", "area"],
        strict=True,
        ordered=True,
        name="targets",
    )


def targets_schema(plan: Plan) -> pa.DataFrameSchema:
    """The tidy target table's schema for a plan (its chains, years, indicators, areas); built once per plan."""
    return _schema(plan)


@dataclass
class _Block:
    chain: str | None
    rows: list[RawRow] = field(default_factory=list)

    @property
    def slots(self) -> dict[tuple[int, str], RawRow]:
        return {(r.year, r.indicator): r for r in self.rows}

    @property
    def lines(self) -> str:
        return f"lines {self.rows[0].line}–{self.rows[-1].line}"

    @property
    def lines_cn(self) -> str:
        return f"第 {self.rows[0].line}–{self.rows[-1].line} 行"


#: What each ``source`` means, as the summary people read says it.
SOURCE_CN = {"table": "表中数值", "dash": "“-”（记为 0）", "imputed": "推算补回", "missing": "缺失"}


@dataclass
class TargetsResult:
    """The cleaned table, its repairs log and its reconciliation checks, for a plan (``.plan``); ``written``: the
    files :func:`write_targets` wrote."""

    table: pd.DataFrame
    repairs: pd.DataFrame
    checks: pd.DataFrame
    source_file: str
    encoding: str
    plan: Plan
    written: list[Path] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready (``chainplan targets --json``): ``source_file``, ``encoding``, ``rows``, ``sources`` (rows per
        source), ``repairs`` (``total``, ``by_kind``), ``checks`` (``total``, ``ok``, ``not_ok`` and ``failed``, one
        entry per check that is not ok) and ``written`` (the files written, empty when nothing was)."""
        t, chk = self.table, self.checks
        counts = t["source"].value_counts().reindex(list(SOURCES), fill_value=0)
        kinds = self.repairs["kind"].value_counts().sort_index()
        bad = chk[chk["status"] != "ok"]
        failed = [{"check": str(b["check"]), "chain_id": str(b["chain_id"]),
                   "year": int(b["year"]) if pd.notna(b["year"]) else None, "indicator": str(b["indicator"]),
                   "status": str(b["status"]), "detail": str(b["detail"])} for _, b in bad.iterrows()]
        return {
            "source_file": self.source_file,
            "encoding": self.encoding,
            "rows": int(len(t)),
            "sources": {str(k): int(v) for k, v in counts.items()},
            "repairs": {"total": int(len(self.repairs)), "by_kind": {str(k): int(v) for k, v in kinds.items()}},
            "checks": {"total": int(len(chk)), "ok": int(len(chk) - len(bad)), "not_ok": int(len(bad)),
                       "failed": failed},
            "written": [str(p) for p in self.written],
        }

    def summary(self) -> str:
        """What ``chainplan targets`` prints, in Chinese: rows and where they came from, the repairs by kind (the
        ``kind`` codes of the repairs log), the checks and every one that is not ok, the files written."""
        d = self.to_dict()
        kinds = "、".join(f"{k} {v}" for k, v in d["repairs"]["by_kind"].items())
        chk = d["checks"]
        lines = [
            f"目标表：{d['rows']} 行，读自 {d['source_file']}（{d['encoding']}）",
            "  来源：" + "，".join(f"{SOURCE_CN[k]} {v} 行" for k, v in d["sources"].items()),
            f"  修复记录 {d['repairs']['total']} 条" + (f"：{kinds}" if kinds else ""),
            f"  核对 {chk['total']} 项：一致 {chk['ok']} 项，不一致 {chk['not_ok']} 项",
        ]
        for b in chk["failed"]:
            chain = self.plan.chain(b["chain_id"]).name if b["chain_id"] in self.plan.chain_ids else b["chain_id"]
            ind = (self.plan.indicator(b["indicator"]).label if b["indicator"] in self.plan.indicator_ids
                   else b["indicator"])
            lines.append(f"    ! {b['check']} {chain} {b['year'] or ''} {ind}：{b['detail']}")
        if d["written"]:
            lines.append("已写入：" + "、".join(d["written"]))
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------- repair


def _align(row: RawRow, path: Path, log: RepairLog) -> None:
    """Fill row.values (全区 + one per column) from the printed cells; see the module docstring."""
    n_cols, n = len(row.columns), len(row.cells)
    nums = [parse_value(c) for c in row.cells]
    if n == n_cols:
        row.values = nums
        return
    if n < n_cols:
        raise InputError(f"{n} value cells for {n_cols} columns ({', '.join(row.columns)}): cells were lost "
                         "and cannot be placed", file=path, line=row.line)
    surplus = list(range(n_cols - 1, n - 1))
    for k in surplus:
        if nums[k] is not None:
            raise InputError(f"surplus cell holds a number ({row.cells[k]!r}): {n} cells for {n_cols} columns, "
                             "so it cannot be placed in an area", file=path, line=row.line,
                             cell=row.cell_numbers[k])
    row.values = nums[: n_cols - 1] + [nums[-1]]
    log.add("surplus_cells", row.line, f"{n} 个数值单元格对应 {n_cols} 列",
            f"删去 {len(surplus)} 个多余的“-”（第 {'、'.join(str(row.cell_numbers[k]) for k in surplus)} 格）；"
            f"全区取第一格，{row.columns[-1]}取最后一格，其间各区域从左对齐",
            "多余的单元格都是“-”，是 PDF 提取造成的错位",
            chain=row.chain, year=row.year, indicator=row.indicator)


def _blocks(rows: list[RawRow], path: Path, log: RepairLog, plan: Plan) -> list[_Block]:
    blocks: list[_Block] = []
    cur: _Block | None = None
    for row in rows:
        if row.year is None:
            if cur is None:
                raise InputError("first data row has no year", file=path, line=row.line)
            prev = cur.rows[-1]
            if (prev.year, row.indicator) not in cur.slots:
                row.year = prev.year  # the merged year cell of the row above
            else:
                row.year = prev.year + 1
                row.year_inferred = True
                if row.year not in plan.years:
                    raise InputError(f"row has no year and the next year {row.year} is outside the table",
                                     file=path, line=row.line)
                log.add("year_inferred", row.line, "缺年份，而上方的年份已有这一指标", f"读作 {row.year} 年",
                        f"各行按年份排列；第 {prev.line} 行是 {prev.year} 年{prev.indicator_label}",
                        chain=row.chain or cur.chain, year=row.year, indicator=row.indicator)
        new = (cur is None or (row.chain and cur.chain and row.chain != cur.chain)
               or (row.year, row.indicator) in cur.slots
               or row.year < cur.rows[-1].year)  # the year goes backwards: the next chain's block
        if new:
            cur = _Block(chain=row.chain)
            blocks.append(cur)
        elif row.chain and cur.chain is None:
            cur.chain = row.chain
            log.add("label_late", row.line, f"链标签印在第 {row.line} 行，不在本块第一行（第 {cur.rows[0].line} 行）",
                    f"自第 {cur.rows[0].line} 行起的块读作{row.chain}",
                    "合并单元格的标签印在单元格的垂直居中处", chain=row.chain)
        cur.rows.append(row)
    return blocks


def _label_blocks(blocks: list[_Block], path: Path, log: RepairLog, plan: Plan) -> None:
    labelled = {b.chain for b in blocks if b.chain}
    for i, b in enumerate(blocks):
        if b.chain:
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is not None and nxt.chain:
            shared = set(b.slots) & set(nxt.slots)
            if shared and all(b.slots[s].values == nxt.slots[s].values for s in shared):
                b.chain = nxt.chain
                log.add("label_late", b.rows[0].line, f"{b.lines_cn}的块没有链标签", f"读作{nxt.chain}",
                        f"{nxt.lines_cn}的块标为{nxt.chain}，与本块有 {len(shared)} 行完全相同：标签随重复的块印出",
                        chain=nxt.chain)
                continue
        unseen = [c.name for c in plan.chains if c.name not in labelled]
        if len(unseen) == 1:
            b.chain = unseen[0]
            labelled.add(b.chain)
            log.add("label_inferred", b.rows[0].line, f"{b.lines_cn}的块没有链标签", f"读作{b.chain}",
                    "表中只有这一条链没有印出标签", chain=b.chain)
            continue
        raise InputError(f"block {b.lines} has no chain label and none can be inferred "
                         f"(chains without a label: {', '.join(unseen) or 'none'})", file=path,
                         line=b.rows[0].line)
    for b in blocks:
        for r in b.rows:
            r.chain = b.chain


def _dedupe(rows: list[RawRow], path: Path, log: RepairLog) -> list[RawRow]:
    kept: dict[tuple, RawRow] = {}
    for r in rows:
        key = (r.chain, r.year, r.indicator)
        first = kept.get(key)
        if first is None:
            kept[key] = r
        elif first.values == r.values and first.columns == r.columns:
            log.add("duplicate_dropped", r.line, f"与第 {first.line} 行重复", "删除",
                    "数值完全相同：这一块印了两次", chain=r.chain, year=r.year,
                    indicator=r.indicator)
        else:
            raise InputError(f"conflicting repeats for {r.chain} {r.year} {r.indicator_label}: line {first.line} "
                             f"reads {first.cells}, line {r.line} reads {r.cells}", file=path, line=r.line)
    return list(kept.values())


def _fill_lost(rows: list[RawRow], path: Path, log: RepairLog, plan: Plan) -> list[dict]:
    """Tidy records per row, imputing a value lost in extraction where the evidence allows."""
    by_series: dict[tuple, list[RawRow]] = {}
    for r in rows:
        by_series.setdefault((r.chain, r.indicator), []).append(r)
    records = []
    for r in rows:
        cols = r.columns
        total = r.values[0]
        if total is None:
            raise ReconciliationError("全区 total is '-'", file=path, line=r.line, cell=r.cell_numbers[0])
        vals = {a: v for a, v in zip(cols[1:], r.values[1:])}
        src = {a: ("dash" if v is None else "table") for a, v in vals.items()}
        diff = total - sum(v for v in vals.values() if v is not None)
        if diff < -1e-9:
            raise ReconciliationError(f"areas sum to {total - diff:g}, more than the 全区 total {total:g} "
                                      f"({r.chain} {r.year} {r.indicator_label})", file=path, line=r.line,
                                      cell=r.cell_numbers[0])
        if diff > 1e-9:
            evidence = {}
            for a, v in vals.items():
                if v is not None:
                    continue
                others = {o.year: o.values[1:][cols[1:].index(a)] for o in by_series[(r.chain, r.indicator)]
                          if o is not r and a in o.columns}
                others = {y: x for y, x in others.items() if x}
                if others:
                    evidence[a] = others
            if not evidence:
                raise ReconciliationError(
                    f"areas sum to {total - diff:g}, the 全区 total is {total:g}: {diff:g} is unaccounted for and "
                    f"no area shows '-' here with values in other years ({r.chain} {r.year} {r.indicator_label})",
                    file=path, line=r.line, cell=r.cell_numbers[0])
            ev_text = "；".join(f"{a}：" + "，".join(f"{y}年为 {x:g}" for y, x in sorted(e.items()))
                                for a, e in evidence.items())
            if len(evidence) == 1:
                (a,) = evidence
                vals[a], src[a] = diff, "imputed"
                log.add("imputed", r.line, f"各区域之和为 {total - diff:g}，全区为 {total:g}；{a}为“-”",
                        f"{a}补为 {diff:g}（全区减其他区域）",
                        f"{a}是此处为“-”而其他年份有数的唯一区域（{ev_text}）",
                        chain=r.chain, year=r.year, indicator=r.indicator, area=a)
            else:
                for a in evidence:
                    vals[a], src[a] = np.nan, "missing"
                log.add("missing", r.line, f"各区域之和为 {total - diff:g}，全区为 {total:g}",
                        f"{'、'.join(evidence)}留空（来源记为“缺失”）",
                        f"丢失的 {diff:g} 属于此处为“-”而其他年份有数的几个区域之一（{ev_text}），"
                        "原文无法确定是哪一个", chain=r.chain, year=r.year,
                        indicator=r.indicator)
        records.append(dict(chain=r.chain, year=r.year, indicator=r.indicator, area=DISTRICT, value=total,
                            source="table"))
        for a in plan.area_names:
            if a not in vals:
                raise InputError(f"header has no column for {a}", file=path, line=r.line)
            v = vals[a]
            records.append(dict(chain=r.chain, year=r.year, indicator=r.indicator, area=a,
                                value=0.0 if src[a] == "dash" else v, source=src[a]))
    return records


# --------------------------------------------------------------------------------------------- checks


def reconcile(table: pd.DataFrame) -> pd.DataFrame:
    """Per chain × year × indicator: 全区 (expected) against the sum of the areas (actual).

    status is ``ok`` when they agree, ``incomplete`` when an area is missing, ``mismatch`` otherwise.
    Units: the indicator's (亿元 for revenue, 户 for enterprises …).
    """
    keys = ["chain", "chain_id", "year", "indicator"]
    total = table[table["area"] == DISTRICT].set_index(keys)["value"].rename("expected")
    areas = table[table["area"] != DISTRICT]
    actual = areas.groupby(keys)["value"].sum(min_count=1).rename("actual")
    n_missing = areas.assign(m=areas["value"].isna()).groupby(keys)["m"].sum()
    out = pd.concat([total, actual], axis=1).reset_index()
    out["difference"] = out["actual"] - out["expected"]
    miss = n_missing.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy()
    out["status"] = np.where(miss > 0, "incomplete", np.where(out["difference"].abs() < 1e-9, "ok", "mismatch"))
    out["detail"] = [f"{int(m)} 个区域缺失" if m else ("" if s == "ok" else f"各区域之和与全区相差 {d:g}")
                     for m, s, d in zip(miss, out["status"], out["difference"])]
    out.insert(0, "check", "areas_sum_to_total")
    return out[CHECK_COLUMNS]


def check_text_targets(table: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """The table's 全区 rows against the targets the plan's text states (``[[chains.targets]]``), in the
    indicator's unit; check ``table_<year>_vs_text``. Reported, not forced. Targets without a row (an excerpt
    cleaned with ``complete=False``) are not checked: a complete table has a row for every one."""
    want = {(t.chain_id, t.year, t.indicator): t for t in plan.text_targets()}
    rows = []
    tt = table[(table["area"] == DISTRICT) & table["year"].isin({k[1] for k in want})]
    for _, r in tt.iterrows():
        key = (r["chain_id"], int(r["year"]), r["indicator"])
        t = want.get(key)
        if t is None:
            continue
        diff = r["value"] - t.value
        ok = abs(diff) < 1e-9
        rows.append(dict(check=f"table_{t.year}_vs_text", chain=r["chain"], chain_id=r["chain_id"], year=t.year,
                         indicator=r["indicator"], expected=t.value, actual=r["value"], difference=diff,
                         status="ok" if ok else "mismatch",
                         detail="" if ok else f"表中为 {r['value']:g}，正文为 {t.value:g} {plan.unit(t.indicator)}"
                                              f"（{t.qualifier}，{t.section}）"))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# --------------------------------------------------------------------------------------------- API


def clean_targets(raw: str | Path | None = None, *, plan: Plan,
                  complete: bool = True) -> TargetsResult:
    """Clean a plan's annex table (default: the one its plan file names) into the tidy table, repairs log
    and checks.

    ``plan``: the :class:`~chainplan_lib.plan.model.Plan` whose table it is. Values in the indicators' units (revenue in
    亿元, enterprises in 户 …). Raises :class:`InputError` (naming file, line, cell) for input that cannot be
    read honestly. ``complete=False`` accepts a table that covers only some chain × year × indicator rows
    (used for excerpts); by default every one (chains × years × indicators of the plan) must be there.
    """
    path = _raw_path(raw, plan)
    log = RepairLog(str(path))
    rows, encoding = parse_raw(path, log, plan=plan)
    blocks = _blocks(rows, path, log, plan)
    for b in blocks:
        for r in b.rows:
            _align(r, path, log)
    _label_blocks(blocks, path, log, plan)
    log.fill_chains(rows)
    kept = _dedupe([r for b in blocks for r in b.rows], path, log)
    table = pd.DataFrame(_fill_lost(kept, path, log, plan))
    expected = {(c, y, i) for c in plan.chain_names for y in plan.years for i in plan.indicator_ids}
    have = set(zip(table["chain"], table["year"], table["indicator"]))
    if complete and have != expected:
        gaps = sorted(expected - have)
        raise InputError(f"table is incomplete: no row for {', '.join(f'{c} {y} {i}' for c, y, i in gaps[:6])}"
                         + (" …" if len(gaps) > 6 else ""), file=path)
    name_to_id = {c.name: c.id for c in plan.chains}
    table.insert(1, "chain_id", table["chain"].map(name_to_id))
    order = {n: k for k, n in enumerate(plan.chain_names)}
    area_order = {a: k for k, a in enumerate(plan.areas_with_total)}
    ind_order = {i: k for k, i in enumerate(plan.indicator_ids)}
    table = table.sort_values(
        ["chain", "year", "indicator", "area"],
        key=lambda s: s.map(order) if s.name == "chain" else (
            s.map(area_order) if s.name == "area" else (s.map(ind_order) if s.name == "indicator" else s)),
    ).reset_index(drop=True)
    try:
        table = targets_schema(plan).validate(table.astype({"year": int, "value": float}))
    except (pa.errors.SchemaError, ValueError) as exc:  # the reader should have caught it: still one line
        raise InputError(f"cleaned table fails its schema: {str(exc).splitlines()[0]}", file=path) from None
    checks = pd.concat([reconcile(table), check_text_targets(table, plan=plan)], ignore_index=True)
    for _, c in checks[checks["status"] != "ok"].iterrows():
        log.add("check_failed", None, f"{c['check']}：{c['detail']}", "如实报告，未强行改数",
                "印出的数字彼此不一致，应由人来核定", chain=c["chain"],
                year=c["year"], indicator=c["indicator"])
    unreconciled = checks[(checks["check"] == "areas_sum_to_total") & (checks["status"] == "mismatch")]
    if len(unreconciled):
        c = unreconciled.iloc[0]
        raise ReconciliationError(f"{c['chain']} {c['year']} {c['indicator']}: {c['detail']}", file=path)
    return TargetsResult(table, log.frame(), checks, str(path), encoding, plan)


def _raw_path(raw: str | Path | None, plan: Plan) -> Path:
    """The raw table to read: as given, else the one the plan file names (``[table] path``)."""
    return Path(raw) if raw is not None else plan.table_path


def write_targets(raw: str | Path | None = None, out: str | Path | None = None, *,
                  plan: Plan) -> TargetsResult:
    """Clean and write ``targets.csv`` plus ``targets_repairs.csv`` and ``targets_checks.csv`` beside it.

    Each file is written to a temp file and renamed, so a failure leaves no half-written output.
    Text cells go through :func:`~chainplan_lib.files.cellsafety.neutralise_frame` (nothing opens as a formula
    in Excel or WPS). ``out`` must be a file path outside ``data/raw/``; its folder is created if needed.
    """
    from ...paths import check_output_file, processed_dir

    out = check_output_file(out if out is not None else processed_dir() / "targets.csv", "out")
    result = clean_targets(raw, plan=plan)
    stem = out.with_suffix("")
    for path, frame in ((out, result.table), (Path(f"{stem}_repairs.csv"), result.repairs),
                        (Path(f"{stem}_checks.csv"), result.checks)):
        with atomic_path(path) as tmp:
            neutralise_frame(frame).to_csv(tmp, index=False, encoding="utf-8")
        result.written.append(path)
    return result


def load_targets(path: str | Path | None = None, *, plan: Plan) -> pd.DataFrame:
    """The tidy target table: read and validated (against the plan's names) from a targets CSV, or cleaned from
    the plan's raw table.

    Columns ``chain, chain_id, year, indicator, area, value, source``; revenue in 亿元, enterprises in 户.
    """
    if path is None:
        return clean_targets(plan=plan).table
    name = "a valid targets table"  # every error below names the file, and the line, column and value
    try:
        df = read_csv_table(path, TARGETS_CSV, name=name, dtype={"chain": str, "chain_id": str, "indicator": str,
                                                                  "area": str, "source": str})
    except FileRefused as exc:
        if exc.reason != "file not found":
            raise
        raise InputError("targets file not found (run `chainplan targets`)", file=path) from None
    df = convert_columns(df, {"year": int, "value": float}, path, name)
    try:
        return targets_schema(plan).validate(df, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise schema_error(exc, path, name) from None


def raw_rows_frame(raw: str | Path | None = None, *, plan: Plan) -> pd.DataFrame:
    """The extraction's data rows as printed (line, label, year, indicator, cells) — for showing raw vs clean."""
    rows, _ = parse_raw(_raw_path(raw, plan), plan=plan)
    return pd.DataFrame([dict(line=r.line, label=r.label or "", year=r.year, indicator=r.indicator_label,
                              n_cells=len(r.cells), cells=" ".join(r.cells)) for r in rows]).astype(
        {"year": "Int64"})
