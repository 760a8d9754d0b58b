"""Reading a plan's annex table (Attachment 2) as extracted: text → data rows (the first step of
:mod:`chainplan_lib.cleaning.targets.clean`). The plan (:class:`~chainplan_lib.plan.model.Plan`) gives the title, unit,
chains, areas, indicators and years to recognise; nothing about one district is spelled here.

* the file is a few KB: only a regular file is read, and anything over :data:`MAX_BYTES` is refused before it is
  read; decoded by :mod:`chainplan_lib.files.text` (UTF-8, UTF-8 BOM, UTF-16 BOM, GB18030/GBK — as every input);
* cells are separated by tabs, runs of spaces, single spaces or U+3000 (``pdftotext -raw`` and many copy-pastes
  give single spaces); with tabs, a cell's number is its tab column (what a spreadsheet shows). Empty cells carry
  no meaning (a PDF extractor shifts them), so a row is read as tokens: [chain label] [year] indicator values…;
  a label split into fragments (``现代纺织 产业链``, or over lines) is joined again, and so is an area name
  split in the header;
* values are plain numbers (``1,234.5`` with well-formed thousands separators) or a dash; a malformed separator
  (``3,20``), a negative, non-finite or absurd value (more than 10^12) is an :class:`InputError` naming the
  line and cell; a line that cannot be read says what was expected.

The repairs log entries made while reading (title typo, chain label aliases) are in Chinese, like the rest of
the log; the ``kind`` codes stay English.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...errors import InputError
from ...files.limits import TARGET_TABLE
from ...files.text import read_text
from ...plan.model import TOTAL, Plan
from ...plan.names import normalise_label

__all__ = ["REPAIR_COLUMNS", "DASHES", "MAX_BYTES", "MAX_VALUE", "RawRow", "read_raw_text", "parse_raw",
           "parse_value", "row_shape"]

REPAIR_COLUMNS = ["kind", "file", "line", "chain", "year", "indicator", "area", "what", "action", "why"]
DASHES = {"-", "—", "–", "－", "−", "--", "——"}
_YEAR_RE = re.compile(r"^(\d{4})(年)?$")
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")   # 1,234 / 12,345.6
_NUMBERISH_RE = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*([eE][+-]?\d+)?$")
MAX_BYTES = TARGET_TABLE.max_bytes  # Attachment 2 is ~2 KB; a bigger file is not it
MAX_VALUE = 1e12            # no chain has 10^12 亿元 or 10^12 户


def row_shape(plan: Plan) -> str:
    """What a data row looks like, for error messages: ``[产业链标签] [年份] 指标（营业收入/规上户数/户数） 全区值 各区域值…``."""
    labels = "/".join(dict.fromkeys(x for i in plan.indicators for x in i.labels[:2]))
    return f"[产业链标签] [年份] 指标（{labels}） {TOTAL}值 各区域值…"


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


class RepairLog:
    """The repairs log being written: one entry per thing the cleaner did (see REPAIR_COLUMNS)."""

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
    """The file's text and the encoding that decoded it (:func:`chainplan_lib.files.text.read_text`: only a
    regular file, at most :data:`MAX_BYTES`, as every input is decoded). Errors name the file."""
    decoded = read_text(path, TARGET_TABLE)
    if not decoded.text.strip():
        raise InputError("file is empty", file=path)
    return decoded.text, decoded.encoding


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


def parse_value(text: str) -> float | None:
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


def parse_raw(path: str | Path, log: RepairLog | None = None, *, plan: Plan
              ) -> tuple[list[RawRow], str]:
    """Read the extraction into data rows (years of merged cells filled in later). Returns (rows, encoding).

    ``plan``: whose title, unit, chains, areas, indicators and years the table holds (default: the default plan).
    """
    path = Path(path)
    text, encoding = read_raw_text(path)
    years = plan.years
    shape = row_shape(plan)
    log = log or RepairLog(str(path))
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
            expected = normalise_label(plan.table_title)
            if title != expected:
                log.add("title_typo", lineno, f"标题印作“{title}”", f"按“{expected}”读取",
                        f"方案正文和附件目录称此表为“{expected}”，区名为{plan.district}")
            unit = re.search(r"\((.+?)\)", joined)
            want = plan.table_unit or plan.unit(plan.indicator_ids[0])
            if unit and unit.group(1) != want:
                raise InputError(f"title gives unit {unit.group(1)!r}, expected {want}", file=path, line=lineno)
            continue
        if joined.startswith("附件"):
            continue
        texts = [normalise_label(t) for _, t in toks]
        if ("指标" in texts or "年份" in texts) and any(plan.find_area(t) == TOTAL for t in texts):
            columns = _parse_header(toks, path, lineno, plan)
            continue
        ind_pos, ind_len = None, 1
        for k in range(len(toks)):
            if _YEAR_RE.match(texts[k]):
                continue
            if _is_value(texts[k]):
                break  # an indicator comes before the values
            ind, n = _join_fragments(toks, k, plan.find_indicator)
            if ind is not None:
                ind_pos, ind_len = k, n
                break
        if ind_pos is None:
            if all(_YEAR_RE.match(t) is None and not _is_value(t) for t in texts):
                pending_label.extend((lineno, c, t) for c, t in toks)  # label fragment on its own line
                continue
            raise InputError(f"cannot read this line: no indicator "
                             f"({' / '.join(x for i in plan.indicators for x in i.labels[:2])}) before its values; "
                             f"expected {shape}, cells separated by tabs or spaces", file=path, line=lineno)
        if columns is None:
            raise InputError("data row before any header line (产业链 年份 指标 全区 …); expected the header "
                             "first", file=path, line=lineno)
        label_parts, year = [], None
        for (cell_no, raw), t in zip(toks[:ind_pos], texts[:ind_pos]):
            m = _YEAR_RE.match(t)
            if m:
                year = int(m.group(1))
                if year not in years:
                    raise InputError(f"year {year} is outside the table ({years[0]}–{years[-1]})",
                                     file=path, line=lineno, cell=cell_no)
            else:
                label_parts.append((lineno, cell_no, raw))
        parts = pending_label + label_parts
        pending_label = []
        chain = label = None
        if parts:
            label = "".join(p[2] for p in parts)
            c = plan.find_chain(label)
            if c is None and label_parts and len(label_parts) < len(parts):
                c = plan.find_chain("".join(p[2] for p in label_parts))
                parts = label_parts if c is not None else parts
                label = "".join(p[2] for p in parts)
            if c is None:
                raise InputError(f"unknown chain label {label!r} (known: {', '.join(plan.chain_names)} and aliases)",
                                 file=path, line=parts[0][0], cell=parts[0][1])
            chain = c.name
            where = _where_label(parts)
            alias = normalise_label(label) != c.name
            if not alias and where == "原样" and len(parts) > 1:
                where = "以空格分开"  # the canonical name, split by the extractor: worth a line in the log too
            if (alias or where != "原样") and (label, where) not in seen_alias:
                seen_alias.add((label, where))
                log.add("label_alias", lineno, f"链标签“{label}”（{where}）", f"读作{c.name}",
                        f"{c.name}的别称（见方案文件所列别称）" if alias else
                        f"PDF 提取把链名拆开了，合起来即方案所列的{c.name}", chain=c.name)
        ind_label = "".join(texts[ind_pos:ind_pos + ind_len])
        indicator = plan.find_indicator(ind_label)
        cells, cell_numbers = [], []
        for cell_no, raw in toks[ind_pos + ind_len:]:
            try:
                parse_value(raw)
            except _BadValue as exc:
                raise InputError(str(exc), file=path, line=lineno, cell=cell_no) from None
            cells.append(raw)
            cell_numbers.append(cell_no)
        rows.append(RawRow(lineno, label, chain, year, indicator, ind_label, cells, cell_numbers, columns))
    if pending_label:
        ln, cell, t = pending_label[0]
        frag = "".join(p[2] for p in pending_label if p[0] == ln)
        raise InputError(f"cannot read this line: {frag!r} is neither a chain label followed by a data row nor a "
                         f"data row; expected {shape}, cells separated by tabs or spaces",
                         file=path, line=ln, cell=cell)
    if not rows:
        raise InputError(f"no data rows found (is this {plan.table_section or 'the annex table'}?); expected a header "
                         f"产业链 年份 指标 {TOTAL} … and rows {shape}", file=path)
    return rows, encoding


def _parse_header(toks: list[tuple[int, str]], path: Path, lineno: int, plan: Plan) -> tuple[str, ...]:
    texts = [normalise_label(t) for _, t in toks]
    k = next(i for i, t in enumerate(texts) if plan.find_area(t) == TOTAL)
    cols = []
    while k < len(toks):
        area, n = _join_fragments(toks, k, plan.find_area)
        if area is None:
            raise InputError(f"unknown area column {toks[k][1]!r}; expected {TOTAL} then the plan's "
                             f"{len(plan.areas)} areas ({', '.join(plan.area_names)})", file=path, line=lineno,
                             cell=toks[k][0])
        cols.append(area)
        k += n
    if len(set(cols)) != len(cols):
        raise InputError("header names an area twice", file=path, line=lineno)
    if cols[0] != TOTAL:
        raise InputError(f"header must start its value columns with {TOTAL}", file=path, line=lineno)
    return tuple(cols)
