"""Attachment 2 of the plan (重点产业链目标预测表) from its PDF extraction to a tidy, reconciled table.

The extraction is read from its text alone — no positions or values are hard-coded:

* cells are separated by tabs, runs of spaces, single spaces or U+3000 (``pdftotext -raw`` and many
  copy-pastes give single spaces); empty cells carry no meaning (a PDF extractor shifts them), so a row is
  read as tokens: [chain label] [year] indicator values…; a label split into fragments (``现代纺织 产业链``)
  is joined again, and so is an area name split in the header;
* values are plain numbers (``1,234.5`` with well-formed thousands separators) or a dash; a malformed
  separator (``3,20``), a negative, non-finite or absurd value (more than 10^12) is an error naming the cell;
* the file is a few KB: anything over :data:`MAX_BYTES` is refused before it is read;
* the column order comes from the header line (产业链 年份 指标 全区 <areas…>), wherever it repeats;
* a row with more value cells than columns keeps 全区 from its first cell and the last column
  (高新园区) from its last; the areas between align from the left and the surplus cells must be ``-``;
* a row without a year continues the merged year cell above it, unless that slot is already filled,
  in which case it is the next year (logged);
* a block with no chain label takes the label of the block that repeats it identically (the label was
  printed later), otherwise the one chain the table has not shown yet (logged), otherwise an error;
* identical repeats of a row are dropped (logged); conflicting repeats are an error naming both lines;
* a row whose areas sum to less than its 全区 total lost a value in extraction: the loss is put in the
  one area that shows ``-`` here but has values in other years (``imputed``), or, when several could
  hold it, those areas are left ``missing``; anything else is a :class:`ReconciliationError`.

Output: one row per chain × year × indicator × area, columns
``chain, chain_id, year, indicator, area, value, source`` (see :data:`TARGETS_SCHEMA`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import InputError, ReconciliationError
from ..plan.names import (
    AREAS, AREAS_WITH_DISTRICT, CHAIN_IDS, CHAIN_NAMES, CHAINS, DISTRICT, INDICATOR_UNITS, YEARS,
    find_area, find_chain, find_indicator, normalise_label,
)
from ..paths import atomic_path, default_raw_targets
from .cellsafety import neutralise_frame
from ..plan.planfile import chain_targets_2026, load_plan

__all__ = [
    "TARGET_COLUMNS", "REPAIR_COLUMNS", "CHECK_COLUMNS", "TARGETS_SCHEMA", "SOURCES",
    "RawRow", "TargetsResult", "read_raw_text", "parse_raw", "clean_targets", "write_targets",
    "load_targets", "raw_rows_frame", "reconcile", "check_text_targets",
]

TARGET_COLUMNS = ["chain", "chain_id", "year", "indicator", "area", "value", "source"]
REPAIR_COLUMNS = ["kind", "file", "line", "chain", "year", "indicator", "area", "what", "action", "why"]
CHECK_COLUMNS = ["check", "chain", "chain_id", "year", "indicator", "expected", "actual", "difference",
                 "status", "detail"]
SOURCES = ("table", "dash", "imputed", "missing")
DASHES = {"-", "—", "–", "－", "−", "--", "——"}
EXPECTED_TITLE = "青山湖区重点产业链目标预测表"
_YEAR_RE = re.compile(r"^(\d{4})(年)?$")
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")   # 1,234 / 12,345.6
_NUMBERISH_RE = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*([eE][+-]?\d+)?$")
MAX_BYTES = 1_000_000       # Attachment 2 is ~2 KB; a bigger file is not it
MAX_VALUE = 1e12            # no chain has 10^12 亿元 or 10^12 户
ROW_SHAPE = "[产业链标签] [年份] 指标（营业收入/规上户数/户数） 全区值 各区域值…"

TARGETS_SCHEMA = pa.DataFrameSchema(
    {
        "chain": pa.Column(str, pa.Check.isin(CHAIN_NAMES)),
        "chain_id": pa.Column(str, pa.Check.isin(CHAIN_IDS)),
        "year": pa.Column(int, pa.Check.isin(YEARS)),
        "indicator": pa.Column(str, pa.Check.isin(list(INDICATOR_UNITS))),
        "area": pa.Column(str, pa.Check.isin(AREAS_WITH_DISTRICT)),
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


@dataclass
class RawRow:
    """One data line of the extraction, as printed (cells are value tokens after the indicator)."""

    line: int
    label: str | None
    chain: str | None
    year: int | None
    indicator: str
    indicator_label: str
    cells: list[str]
    cell_numbers: list[int]
    columns: tuple[str, ...]
    year_inferred: bool = False
    values: list[float | None] = field(default_factory=list)  # aligned: 全区 + areas; None = dash


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


@dataclass
class TargetsResult:
    """The cleaned table, its repairs log and its reconciliation checks."""

    table: pd.DataFrame
    repairs: pd.DataFrame
    checks: pd.DataFrame
    source_file: str
    encoding: str

    def summary(self) -> str:
        t = self.table
        counts = t["source"].value_counts().reindex(list(SOURCES), fill_value=0)
        bad = self.checks[self.checks["status"] != "ok"]
        lines = [
            f"targets: {len(t)} rows from {self.source_file} ({self.encoding})",
            "  sources: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
            f"  repairs logged: {len(self.repairs)} ("
            + ", ".join(f"{k} {v}" for k, v in self.repairs["kind"].value_counts().sort_index().items()) + ")",
            f"  checks: {len(self.checks) - len(bad)} ok, {len(bad)} not ok",
        ]
        for _, b in bad.iterrows():
            lines.append(f"    ! {b['check']} {b['chain']} {b['year']} {b['indicator']}: {b['detail']}")
        return "\n".join(lines)


class _Log:
    def __init__(self, file: str):
        self.file = file
        self.rows: list[dict] = []

    def add(self, kind: str, line: int | None, what: str, action: str, why: str, *, chain=None, year=None,
            indicator=None, area=None) -> None:
        self.rows.append(dict(kind=kind, file=self.file, line=line, chain=chain, year=year,
                              indicator=indicator, area=area, what=what, action=action, why=why))

    def fill_chains(self, rows: list[RawRow]) -> None:
        """Entries logged before a block's label was known get the chain of their line."""
        by_line = {r.line: r.chain for r in rows}
        for e in self.rows:
            if e["chain"] is None and e["line"] in by_line:
                e["chain"] = by_line[e["line"]]

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=REPAIR_COLUMNS)
        df["line"] = df["line"].astype("Int64")
        df["year"] = df["year"].astype("Int64")
        return df


# --------------------------------------------------------------------------------------------- reading


def read_raw_text(path: str | Path) -> tuple[str, str]:
    """The file's text and the encoding that decoded it (UTF-8, then GB18030). Errors name the file.

    At most :data:`MAX_BYTES` are read: Attachment 2 is a few KB, a bigger input is the wrong file.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    except IsADirectoryError:
        raise InputError("is a folder; expected the text file of Attachment 2", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", file=path) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // 1_000_000} MB; Attachment 2 is a few KB of text, "
                         "so this is not it (refused before reading further)", file=path)
    if not data.strip():
        raise InputError("file is empty", file=path)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf_err:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = data[: utf_err.start].count(b"\n") + 1
            raise InputError(f"not UTF-8 (invalid byte at offset {utf_err.start}) and not GB18030 either",
                             file=path, line=line) from None


def _tokens(line: str) -> list[tuple[int, str]]:
    """Non-empty fragments of a line with their 1-based cell numbers.

    With tabs, the cell number is the tab column (what a spreadsheet shows) and the text of a cell is further
    split at whitespace; without tabs, every run of whitespace (spaces, U+3000 …) separates cells.
    """
    line = line.rstrip("\r\n")
    if "\t" in line:
        return [(i, frag) for i, cell in enumerate(line.split("\t"), start=1) for frag in cell.split()]
    return list(enumerate(line.split(), start=1))


class _BadValue(ValueError):
    """A value cell that is not a number the table could hold (message says why)."""


def _number(text: str) -> float | None:
    """A printed value: a number (``1,234.5`` allowed), or None for a dash. Raises :class:`_BadValue`."""
    t = normalise_label(text)
    if t in DASHES:
        return None
    if "," in t:
        if not _GROUPED_RE.match(t):
            raise _BadValue(f"malformed number {text!r}: a comma must separate groups of three digits "
                            "(1,234.5); decimal commas are not read")
        t = t.replace(",", "")
    if not _NUM_RE.match(t):
        raise _BadValue(f"non-numeric cell {text!r} (expected a number or '-')")
    v = float(t)
    if not math.isfinite(v) or abs(v) > MAX_VALUE:
        raise _BadValue(f"value {text[:24]!r}{'…' if len(text) > 24 else ''} is not a plausible amount "
                        "(more than 10^12 亿元 or 户)")
    if v < 0:
        raise _BadValue(f"negative value {text!r}: targets are amounts in 亿元 or counts in 户, never below 0")
    return v


def _is_value(t: str) -> bool:
    """Looks like a value cell (a dash or something numeric), well formed or not."""
    t = normalise_label(t)
    return t in DASHES or bool(_NUMBERISH_RE.match(t))


def _join_fragments(toks: list[tuple[int, str]], start: int, find) -> tuple[str | None, int]:
    """The name `find` recognises in toks[start:start+k] joined (k = 3, 2, 1: longest first), and k."""
    for k in (3, 2, 1):
        if start + k > len(toks):
            continue
        name = find("".join(t for _, t in toks[start:start + k]))
        if name is not None:
            return name, k
    return None, 1


def _where_label(parts: list[tuple[int, int, str]]) -> str:
    lines = {p[0] for p in parts}
    if len(lines) > 1:
        return "分在几行"
    return "分在几个单元格" if len({p[1] for p in parts}) > 1 else "原样"


def parse_raw(path: str | Path, log: _Log | None = None) -> tuple[list[RawRow], str]:
    """Read the extraction into data rows (years of merged cells filled in later). Returns (rows, encoding)."""
    path = Path(path)
    text, encoding = read_raw_text(path)
    log = log or _Log(str(path))
    columns: tuple[str, ...] | None = None
    pending_label: list[tuple[int, int, str]] = []  # (line, cell, text) fragments of a label split over lines
    rows: list[RawRow] = []
    seen_alias: set[tuple[str, str]] = set()
    for lineno, line in enumerate(text.splitlines(), start=1):
        toks = _tokens(line)
        if not toks:
            continue
        joined = normalise_label("".join(t for _, t in toks))
        if "目标预测表" in joined or "预测表" in joined:
            title = re.sub(r"\(.*?\)$", "", joined)
            if title != EXPECTED_TITLE:
                log.add("title_typo", lineno, f"标题印作“{title}”", f"按“{EXPECTED_TITLE}”读取",
                        "方案正文和附件目录称此表为“青山湖区重点产业链目标预测表”，区名为青山湖区")
            unit = re.search(r"\((.+?)\)", joined)
            if unit and unit.group(1) != INDICATOR_UNITS["revenue"]:
                raise InputError(f"title gives unit {unit.group(1)!r}, expected 亿元", file=path, line=lineno)
            continue
        if joined.startswith("附件"):
            continue
        texts = [normalise_label(t) for _, t in toks]
        if DISTRICT in texts and ("指标" in texts or "年份" in texts):
            columns = _parse_header(toks, path, lineno)
            continue
        ind_pos, ind_len = None, 1
        for k in range(len(toks)):
            if _YEAR_RE.match(texts[k]):
                continue
            if _is_value(texts[k]):
                break  # an indicator comes before the values
            ind, n = _join_fragments(toks, k, find_indicator)
            if ind is not None:
                ind_pos, ind_len = k, n
                break
        if ind_pos is None:
            if all(_YEAR_RE.match(t) is None and not _is_value(t) for t in texts):
                pending_label.extend((lineno, c, t) for c, t in toks)  # label fragment on its own line
                continue
            raise InputError(f"cannot read this line: no indicator (营业收入 / 规上户数 / 户数) before its values; "
                             f"expected {ROW_SHAPE}, cells separated by tabs or spaces", file=path, line=lineno)
        if columns is None:
            raise InputError("data row before any header line (产业链 年份 指标 全区 …); expected the header "
                             "first", file=path, line=lineno)
        label_parts, year = [], None
        for (cell_no, raw), t in zip(toks[:ind_pos], texts[:ind_pos]):
            m = _YEAR_RE.match(t)
            if m:
                year = int(m.group(1))
                if year not in YEARS:
                    raise InputError(f"year {year} is outside the table ({YEARS[0]}–{YEARS[-1]})",
                                     file=path, line=lineno, cell=cell_no)
            else:
                label_parts.append((lineno, cell_no, raw))
        parts = pending_label + label_parts
        pending_label = []
        chain = label = None
        if parts:
            label = "".join(p[2] for p in parts)
            c = find_chain(label)
            if c is None and label_parts and len(label_parts) < len(parts):
                c = find_chain("".join(p[2] for p in label_parts))
                parts = label_parts if c is not None else parts
                label = "".join(p[2] for p in parts)
            if c is None:
                raise InputError(f"unknown chain label {label!r} (known: {', '.join(CHAIN_NAMES)} and aliases)",
                                 file=path, line=parts[0][0], cell=parts[0][1])
            chain = c.name
            where = _where_label(parts)
            if normalise_label(label) != c.name and (label, where) not in seen_alias:
                seen_alias.add((label, where))
                log.add("label_alias", lineno, f"链标签“{label}”（{where}）", f"读作{c.name}",
                        f"{c.name}的别称（见 chainplan_lib.plan.names）", chain=c.name)
        ind_label = "".join(texts[ind_pos:ind_pos + ind_len])
        indicator = find_indicator(ind_label)
        cells, cell_numbers = [], []
        for cell_no, raw in toks[ind_pos + ind_len:]:
            try:
                _number(raw)
            except _BadValue as exc:
                raise InputError(str(exc), file=path, line=lineno, cell=cell_no) from None
            cells.append(raw)
            cell_numbers.append(cell_no)
        rows.append(RawRow(lineno, label, chain, year, indicator, ind_label, cells, cell_numbers, columns))
    if pending_label:
        ln, cell, t = pending_label[0]
        frag = "".join(p[2] for p in pending_label if p[0] == ln)
        raise InputError(f"cannot read this line: {frag!r} is neither a chain label followed by a data row nor a "
                         f"data row; expected {ROW_SHAPE}, cells separated by tabs or spaces",
                         file=path, line=ln, cell=cell)
    if not rows:
        raise InputError(f"no data rows found (is this Attachment 2?); expected a header 产业链 年份 指标 全区 … "
                         f"and rows {ROW_SHAPE}", file=path)
    return rows, encoding


def _parse_header(toks: list[tuple[int, str]], path: Path, lineno: int) -> tuple[str, ...]:
    texts = [normalise_label(t) for _, t in toks]
    k = texts.index(DISTRICT)
    cols = []
    while k < len(toks):
        area, n = _join_fragments(toks, k, find_area)
        if area is None:
            raise InputError(f"unknown area column {toks[k][1]!r}; expected 全区 then the nine areas "
                             f"({', '.join(AREAS)})", file=path, line=lineno, cell=toks[k][0])
        cols.append(area)
        k += n
    if len(set(cols)) != len(cols):
        raise InputError("header names an area twice", file=path, line=lineno)
    if cols[0] != DISTRICT:
        raise InputError("header must start its value columns with 全区", file=path, line=lineno)
    return tuple(cols)


# --------------------------------------------------------------------------------------------- repair


def _align(row: RawRow, path: Path, log: _Log) -> None:
    """Fill row.values (全区 + one per column) from the printed cells; see the module docstring."""
    n_cols, n = len(row.columns), len(row.cells)
    nums = [_number(c) for c in row.cells]
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


def _blocks(rows: list[RawRow], path: Path, log: _Log) -> list[_Block]:
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
                if row.year not in YEARS:
                    raise InputError(f"row has no year and the next year {row.year} is outside the table",
                                     file=path, line=row.line)
                log.add("year_inferred", row.line, "缺年份，而上方的年份已有这一指标", f"读作 {row.year} 年",
                        f"各行按年份排列；第 {prev.line} 行是 {prev.year} 年{prev.indicator_label}",
                        chain=row.chain or cur.chain, year=row.year, indicator=row.indicator)
        new = (cur is None or (row.chain and cur.chain and row.chain != cur.chain)
               or (row.year, row.indicator) in cur.slots)
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


def _label_blocks(blocks: list[_Block], path: Path, log: _Log) -> None:
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
        unseen = [c.name for c in CHAINS if c.name not in labelled]
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


def _dedupe(rows: list[RawRow], path: Path, log: _Log) -> list[RawRow]:
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


def _fill_lost(rows: list[RawRow], path: Path, log: _Log) -> list[dict]:
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
        for a in AREAS:
            if a not in vals:
                raise InputError(f"header has no column for {a}", file=path, line=r.line)
            v = vals[a]
            records.append(dict(chain=r.chain, year=r.year, indicator=r.indicator, area=a,
                                value=0.0 if src[a] == "dash" else v, source=src[a]))
    return records


# --------------------------------------------------------------------------------------------- checks


def reconcile(table: pd.DataFrame) -> pd.DataFrame:
    """Per chain × year × indicator: 全区 (expected) against the sum of the nine areas (actual).

    status is ``ok`` when they agree, ``incomplete`` when an area is missing, ``mismatch`` otherwise.
    Units: 亿元 for revenue, 户 for enterprises.
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


def check_text_targets(table: pd.DataFrame, plan_path: str | Path | None = None) -> pd.DataFrame:
    """2026 全区 rows of the table against the plan text's 2026 targets (亿元, 户). Reported, not forced."""
    targets = chain_targets_2026(plan_path)
    rows = []
    tt = table[(table["area"] == DISTRICT) & (table["year"] == int(load_plan(plan_path)["document"]["target_year"]))]
    for _, r in tt.iterrows():
        expected = targets[r["chain_id"]][r["indicator"]]
        diff = r["value"] - expected
        rows.append(dict(check="table_2026_vs_text", chain=r["chain"], chain_id=r["chain_id"], year=2026,
                         indicator=r["indicator"], expected=expected, actual=r["value"], difference=diff,
                         status="ok" if abs(diff) < 1e-9 else "mismatch",
                         detail="" if abs(diff) < 1e-9 else
                         f"表中为 {r['value']:g}，正文为 {expected:g} {INDICATOR_UNITS[r['indicator']]}"))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# --------------------------------------------------------------------------------------------- API


def clean_targets(raw: str | Path | None = None, *, plan_path: str | Path | None = None,
                  complete: bool = True) -> TargetsResult:
    """Clean Attachment 2 (default: the bundled raw file) into the tidy table, repairs log and checks.

    Values: revenue in 亿元, enterprises in 户. Raises :class:`InputError` (naming file, line, cell)
    for input that cannot be read honestly. ``complete=False`` accepts a table that covers only some
    chain × year × indicator rows (used for excerpts); by default every one of the 32 must be there.
    """
    path = Path(raw) if raw is not None else default_raw_targets()
    log = _Log(str(path))
    rows, encoding = parse_raw(path, log)
    blocks = _blocks(rows, path, log)
    for b in blocks:
        for r in b.rows:
            _align(r, path, log)
    _label_blocks(blocks, path, log)
    log.fill_chains(rows)
    kept = _dedupe([r for b in blocks for r in b.rows], path, log)
    table = pd.DataFrame(_fill_lost(kept, path, log))
    expected = {(c, y, i) for c in CHAIN_NAMES for y in YEARS for i in INDICATOR_UNITS}
    have = set(zip(table["chain"], table["year"], table["indicator"]))
    if complete and have != expected:
        gaps = sorted(expected - have)
        raise InputError(f"table is incomplete: no row for {', '.join(f'{c} {y} {i}' for c, y, i in gaps[:6])}"
                         + (" …" if len(gaps) > 6 else ""), file=path)
    name_to_id = {c.name: c.id for c in CHAINS}
    table.insert(1, "chain_id", table["chain"].map(name_to_id))
    order = {n: k for k, n in enumerate(CHAIN_NAMES)}
    area_order = {a: k for k, a in enumerate(AREAS_WITH_DISTRICT)}
    table = table.sort_values(
        ["chain", "year", "indicator", "area"],
        key=lambda s: s.map(order) if s.name == "chain" else (
            s.map(area_order) if s.name == "area" else (s.map({"revenue": 0, "enterprises": 1})
                                                         if s.name == "indicator" else s)),
    ).reset_index(drop=True)
    try:
        table = TARGETS_SCHEMA.validate(table.astype({"year": int, "value": float}))
    except (pa.errors.SchemaError, ValueError) as exc:  # the reader should have caught it: still one line
        raise InputError(f"cleaned table fails its schema: {str(exc).splitlines()[0]}", file=path) from None
    checks = pd.concat([reconcile(table), check_text_targets(table, plan_path)], ignore_index=True)
    for _, c in checks[checks["status"] != "ok"].iterrows():
        log.add("check_failed", None, f"{c['check']}：{c['detail']}", "如实报告，未强行改数",
                "印出的数字彼此不一致，应由人来核定", chain=c["chain"],
                year=c["year"], indicator=c["indicator"])
    unreconciled = checks[(checks["check"] == "areas_sum_to_total") & (checks["status"] == "mismatch")]
    if len(unreconciled):
        c = unreconciled.iloc[0]
        raise ReconciliationError(f"{c['chain']} {c['year']} {c['indicator']}: {c['detail']}", file=path)
    return TargetsResult(table, log.frame(), checks, str(path), encoding)


def write_targets(raw: str | Path | None = None, out: str | Path | None = None) -> TargetsResult:
    """Clean and write ``targets.csv`` plus ``targets_repairs.csv`` and ``targets_checks.csv`` beside it.

    Each file is written to a temp file and renamed, so a failure leaves no half-written output.
    Text cells go through :func:`~chainplan_lib.cleaning.cellsafety.neutralise_frame` (nothing opens as a formula
    in Excel or WPS). ``out`` must be a file path outside ``data/raw/``; its folder is created if needed.
    """
    from ..paths import check_output_file, processed_dir

    out = check_output_file(out if out is not None else processed_dir() / "targets.csv", "out")
    result = clean_targets(raw)
    stem = out.with_suffix("")
    for path, frame in ((out, result.table), (Path(f"{stem}_repairs.csv"), result.repairs),
                        (Path(f"{stem}_checks.csv"), result.checks)):
        with atomic_path(path) as tmp:
            neutralise_frame(frame).to_csv(tmp, index=False, encoding="utf-8")
    return result


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """The tidy target table: read and validated from a targets CSV, or cleaned from the bundled raw file.

    Columns ``chain, chain_id, year, indicator, area, value, source``; revenue in 亿元, enterprises in 户.
    """
    if path is None:
        return clean_targets().table
    try:
        df = pd.read_csv(path, dtype={"chain": str, "chain_id": str, "indicator": str, "area": str,
                                      "source": str})
    except FileNotFoundError:
        raise InputError("targets file not found (run `chainplan targets`)", file=path) from None
    try:
        return TARGETS_SCHEMA.validate(df.astype({"year": int, "value": float}), lazy=True)
    except (pa.errors.SchemaErrors, ValueError, KeyError) as exc:
        raise InputError(f"not a valid targets table: {str(exc).splitlines()[0]}", file=path) from None


def raw_rows_frame(raw: str | Path | None = None) -> pd.DataFrame:
    """The extraction's data rows as printed (line, label, year, indicator, cells) — for showing raw vs clean."""
    path = Path(raw) if raw is not None else default_raw_targets()
    rows, _ = parse_raw(path)
    return pd.DataFrame([dict(line=r.line, label=r.label or "", year=r.year, indicator=r.indicator_label,
                              n_cells=len(r.cells), cells=" ".join(r.cells)) for r in rows]).astype(
        {"year": "Int64"})
