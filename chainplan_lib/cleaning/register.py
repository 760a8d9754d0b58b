"""Enterprise registers (规上企业名录) -> a validated clean table, a quarantine and a chain × area × year panel.

``clean_registers(inputs, out_dir)`` reads every register file (:mod:`chainplan_lib.cleaning.register_read` finds the
header and the columns), parses the values people type (full-width digits, ``1,234.5``, ``1.2亿``,
``3500万``, ``—``, alias and Traditional town names), checks each row, assigns it a chain, flags the
above-size ones, deduplicates within a year by credit code and counts the panel. Every data row ends in
exactly one of: the clean table, the quarantine (with a reason), or the log of exact duplicates
dropped; the summary checks rows read = clean + quarantined + duplicates dropped.

All parsing is column-wise: pyarrow/pandas string kernels over the whole column, numpy over the Arrow
byte buffers (credit codes as an (n, 18) matrix), or a lookup built from a column's distinct values
(towns, industry codes, years) and applied with ``take``; no Python loop runs over the rows. A big sheet
is cut into slices parsed side by side in threads (the kernels release the GIL); the outputs are
independent and are built side by side too.

Policies (documented here because they are choices):
* a row without a credit code is kept, flagged ``uscc_missing``, only when its name is unique in its year;
* an explicit 产业链 cell wins over the industry code; a label that names no chain is quarantined; a
  blank 产业链 cell falls back to the industry code;
* exact duplicates are rows of one year with the same code and the same cleaned name, area, chain,
  industry code and revenue (序号, position, file and formatting may differ): the first is kept, the rest
  dropped and logged; same code with any of those different is a conflict and all its rows go to quarantine;
* subtotal (合计/小计), note (注：…) and repeated-header rows go to quarantine with their own reason; fully
  blank rows are not data and are only counted.
"""

from __future__ import annotations

import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pya
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from pandas.api.types import union_categoricals

from ..errors import InputError
from ..plan.names import AREAS, CHAIN_BY_ID, CHAIN_IDS, DISTRICT, OTHER_CHAIN, normalise_label
from .register_read import (
    RegisterConfig, SheetTable, area_value, arrow_apply, arrow_strings, chain_value, distinct, industry_value,
    list_register_files, load_register_config, nfkc, normalise_text, parse_revenue, read_register_file,
    utf8_lengths, year_value,
)
from .uscc import USCC_STATUSES, validate_uscc

__all__ = [
    "RegisterResult", "clean_registers", "parse_sheet", "deduplicate", "build_panel", "write_outputs",
    "CLEAN_COLUMNS", "QUARANTINE_TAIL", "DUPLICATE_COLUMNS", "PANEL_COLUMNS", "REASONS", "OUTPUT_FILES",
    "CLEAN_SCHEMA", "QUARANTINE_SCHEMA", "PANEL_SCHEMA",
]

OTHER_NAME, OTHER_ID = OTHER_CHAIN
CHAIN_IDS_ALL = (*CHAIN_IDS, OTHER_ID)
CHAIN_NAME_BY_ID = {**{cid: CHAIN_BY_ID[cid].name for cid in CHAIN_IDS}, OTHER_ID: OTHER_NAME}
AREA_CATEGORIES = (DISTRICT, *AREAS)
CLEAN_COLUMNS = ["year", "uscc", "name", "area", "chain", "chain_id", "industry_code", "industry_name",
                 "revenue_yi", "above_size", "uscc_missing", "chain_source", "source_file", "source_sheet",
                 "source_row"]
QUARANTINE_TAIL = ["source_file", "source_sheet", "source_row", "reason_code", "reason"]
DUPLICATE_COLUMNS = ["year", "uscc", "name", "area", "revenue_yi", "source_file", "source_sheet", "source_row",
                     "kept_file", "kept_sheet", "kept_row"]
PANEL_COLUMNS = ["year", "chain_id", "area", "enterprises", "revenue_yi", "chain"]
OUTPUT_FILES = {"clean": "register_clean.csv", "quarantine": "register_quarantine.csv",
                "duplicates": "register_duplicates_dropped.csv", "panel": "register_panel.csv",
                "summary": "register_summary.json"}
REASONS = {  # reason_code -> what it means
    "subtotal_row": "a subtotal/total row (合计/小计/总计), not an enterprise",
    "note_row": "a note or sign-off row (注/说明/填报人 …), not an enterprise",
    "header_repeat": "the header repeated inside the data",
    "name_missing": "no enterprise name",
    "uscc_invalid": "统一社会信用代码 fails GB 32100-2015 (length, characters or check character)",
    "area_missing": "no town/sub-district",
    "area_unknown": "town/sub-district is not one of the nine areas or a known alias",
    "area_district": "area is the district total (全区), not an enterprise's town",
    "revenue_missing": "revenue blank or a placeholder (—, -, /, 无)",
    "revenue_negative": "revenue is negative",
    "revenue_not_number": "revenue is not a number",
    "year_missing": "no year in the row, the title or the file name",
    "year_invalid": "year is not a year between 1990 and 2100",
    "chain_unknown": "产业链 names none of the four chains nor 其他",
    "industry_code_missing": "no 产业链 and no industry code to assign a chain",
    "industry_code_invalid": "industry code is not a GB/T 4754-2017 code",
    "duplicate_conflict": "same credit code twice in one year with different values",
    "name_not_unique": "no credit code and the name is not unique in the year",
}
_FIELDS_COMPARED = ["name", "area", "chain_id", "industry_code", "revenue_wan"]
_CLEAN_SOURCE = ["year", "uscc", "name", "area", "chain_id", "industry_code", "industry_name", "revenue_wan",
                 "uscc_missing", "chain_source", "source_file", "source_sheet", "source_row"]
_FIELD_LABELS = ["name", "area", "chain", "industry code", "revenue"]
_ST = {s: i for i, s in enumerate(USCC_STATUSES)}  # uscc status -> code
_SUBTOTAL = r"^(?!.*(公司|厂|店|中心|合作社)).{0,12}(合计|小计|总计|共计|汇总)[:：]?$|^(全区|全镇|全街道)$"
_NOTE = (r"^(注|备注|说明|附注|填报人|填表人|制表人?|审核人?|数据来源|资料来源|单位负责人|统计负责人|联系电话|联系人|"
         r"填报日期|报出日期)(\d|[:：.、]|$)")


# --------------------------------------------------------------------------------------- helpers
def _take_cat(values: list[str | None], codes: np.ndarray, categories) -> pd.Categorical:
    """A categorical column from per-value labels (None -> missing) and row codes."""
    cats = pd.Index(list(categories), dtype="str")
    at = cats.get_indexer(pd.Index([v if v else None for v in values], dtype=object))
    return pd.Categorical.from_codes(at[codes] if len(at) else np.full(len(codes), -1), categories=cats)


def _q(values: pd.Series, idx: np.ndarray) -> pd.Series:
    """The cells at ``idx`` quoted for a message."""
    return "'" + values.iloc[idx].astype("str").fillna("").reset_index(drop=True) + "'"


class _Reasons:
    """Reasons per check: (code, row mask, message); messages are made for the failing rows only."""

    def __init__(self, n: int):
        self.n, self.parts, self.mask = n, [], np.zeros(n, dtype=bool)

    def add(self, code: str, mask: np.ndarray, message: str | Callable[[np.ndarray], pd.Series]) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            idx = np.flatnonzero(mask)
            text = message if isinstance(message, str) else np.asarray(message(idx), dtype=object)
            self.parts.append(pd.DataFrame({"pos": idx, "reason_code": code, "reason": text}))
            self.mask |= mask

    def frame(self, offset: int = 0) -> pd.DataFrame:
        """reason_code and reason per failing row (several joined with '; '), indexed by row."""
        if not self.parts:
            return pd.DataFrame({"reason_code": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})
        why = pd.concat(self.parts, ignore_index=True).sort_values("pos", kind="stable")
        several = why["pos"].duplicated(keep=False).to_numpy()
        if several.any():  # rows with more than one reason: join those few
            joined = why[several].groupby("pos", sort=True)[["reason_code", "reason"]].agg("; ".join)
            why = pd.concat([why[~several].set_index("pos"), joined]).sort_index()
        else:
            why = why.set_index("pos")
        why.index = why.index.to_numpy() + offset
        return why[["reason_code", "reason"]]


# --------------------------------------------------------------------------------------- one sheet
def _require_columns(table: SheetTable, cfg: RegisterConfig) -> dict[str, str | None]:
    col = {k: table.column(k) for k in cfg.fields}
    where = f"sheet {table.sheet!r}: " if table.sheet else ""
    for spec in cfg.fields.values():
        if spec.required and col[spec.name] is None:
            raise InputError(f"{where}no column for {spec.label}; accepted headings: {' / '.join(spec.aliases)}; "
                             f"found: {' | '.join(table.header.names)}", file=table.file, line=table.header_rows[0])
    if col["industry_code"] is None and col["chain"] is None:
        names = cfg.fields["industry_code"].aliases + cfg.fields["chain"].aliases
        raise InputError(f"{where}no column for 行业代码 nor 产业链, so no row can be given a chain; accepted "
                         f"headings: {' / '.join(names)}; found: {' | '.join(table.header.names)}",
                         file=table.file, line=table.header_rows[0])
    return col


def blank_rows(frame: pd.DataFrame, columns: list[str], name: pd.Series) -> np.ndarray:
    """Rows whose every cell is empty or whitespace (only rows without a name are looked at)."""
    blank = np.zeros(len(frame), dtype=bool)
    cand = np.flatnonzero((name == "").to_numpy())
    if len(cand):
        sub = frame.iloc[cand][columns]
        blank[cand] = sub.apply(lambda c: c.astype("str").fillna("").str.strip().eq("")).all(axis=1).to_numpy()
    return blank


def _structural(f: pd.DataFrame, col: dict, header_names: tuple[str, ...], cand: np.ndarray) -> dict[str, np.ndarray]:
    """Subtotal, note and repeated-header rows among ``cand`` (rows without a valid credit code)."""
    n = len(f)
    out = {k: np.zeros(n, dtype=bool) for k in ("subtotal_row", "note_row", "header_repeat")}
    if not len(cand):
        return out
    cells = [c for c in dict.fromkeys([header_names[0], col["seq"], col["name"], col["area"]]) if c]
    keys = pd.DataFrame({c: arrow_apply(f[c].iloc[cand], nfkc, lambda a: pc.replace_substring_regex(a, r"\s+", ""))
                         .reset_index(drop=True) for c in cells})
    sub_m = keys.apply(lambda c: c.str.match(_SUBTOTAL)).any(axis=1).to_numpy()
    note_m = keys.apply(lambda c: c.str.match(_NOTE)).any(axis=1).to_numpy() & ~sub_m
    rep_m = (keys[col["name"]] == normalise_label(col["name"])).to_numpy() & ~sub_m & ~note_m
    for k, m in zip(out, (sub_m, note_m, rep_m)):
        out[k][cand[m]] = True
    return out


def _names(s: pd.Series, missing: frozenset[str]) -> pd.Series:
    """Enterprise names normalised; a placeholder (—, 无, n/a …) becomes ''."""
    name = normalise_text(s)
    short = np.flatnonzero(name.str.len().to_numpy() <= 4)  # placeholders are short
    if len(short):
        placeholder = np.zeros(len(name), dtype=bool)
        placeholder[short] = name.iloc[short].str.lower().isin(missing).to_numpy()
        if placeholder.any():
            name = name.mask(placeholder, "")
    return name


def parse_sheet(table: SheetTable, cfg: RegisterConfig, sheet_id: int = 0,
                part: slice | None = None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """One sheet (or the ``part`` slice of its rows) parsed and checked.

    Returns (rows, reasons of the failing rows indexed by row, number of blank rows). ``rows`` has the
    clean fields plus ``failed``, ``structural``, ``uscc_key``, ``_sheet`` and ``_pos`` (the row's
    position in ``table.frame``, for its original cells). Blank rows are left out.
    """
    col = _require_columns(table, cfg)
    h, miss = table.header, cfg.missing
    start = 0 if part is None else (part.start or 0)
    frame = table.frame if part is None else table.frame.iloc[part]
    codes = validate_uscc(frame[col["uscc"]])
    revenue, rev_status = parse_revenue(frame[col["revenue"]], h.revenue_unit or h.note_unit, miss)
    name = _names(frame[col["name"]], miss)
    blank = blank_rows(frame, [c for c in h.names if c in frame.columns], name)
    keep = np.flatnonzero(~blank) + start
    if blank.any():
        frame, name, codes = frame[~blank], name[~blank], codes[~blank]
        revenue, rev_status = revenue[~blank], rev_status[~blank]
    f, name, codes = frame.reset_index(drop=True), name.reset_index(drop=True), codes.reset_index(drop=True)
    n = len(f)
    why = _Reasons(n)
    status = codes["uscc_status"].cat.codes.to_numpy()

    maybe = (status == _ST["missing"]) | (status == _ST["bad_length"])  # a code cell holding 合计, 注：… or a heading
    structural = np.zeros(n, dtype=bool)
    for code, m in _structural(f, col, h.names, np.flatnonzero(maybe)).items():
        why.add(code, m, REASONS[code])
        structural |= m
    live = ~structural
    why.add("name_missing", live & (name == "").to_numpy(), f"{col['name']} is blank")
    _check_uscc(codes, status, col["uscc"], live, why)
    area = _check_area(f[col["area"]], col["area"], miss, live, why)
    _check_revenue(f, rev_status, col["revenue"], table.file, live, why)
    year = _check_year(f, col["year"], table, cfg, live, why)
    chain, from_col, industry_code = _assign_chain(f, col, cfg, live, why)
    if col["industry_name"] is not None:
        n_codes, n_values = distinct(f[col["industry_name"]])
        labels = normalise_text(pd.Series(n_values, dtype="str")).tolist()
        iname = _take_cat(labels, n_codes, sorted(set(labels) - {""}))
    else:
        iname = _take_cat([""], np.zeros(n, dtype=np.int64), [])
    rows = pd.DataFrame({
        "_sheet": np.full(n, sheet_id, dtype=np.int32),
        "_pos": keep.astype(np.int64),
        "year": year,
        "uscc": codes["uscc"],
        "uscc_key": codes["uscc_key"].to_numpy(),
        "uscc_missing": status == _ST["missing"],
        "name": name,
        "area": area,
        "chain_id": pd.Categorical.from_codes(chain, categories=list(CHAIN_IDS_ALL)),
        "chain_source": pd.Categorical.from_codes(from_col.astype(np.int8), categories=["industry_code", "column"]),
        "industry_code": industry_code,
        "industry_name": iname,
        "revenue_wan": revenue,
        "structural": structural,
        "failed": why.mask,
        "source_row": f["source_row"].to_numpy(dtype=np.int64),
    })
    return rows, why.frame(), int(blank.sum())


def _check_uscc(codes: pd.DataFrame, status: np.ndarray, heading: str, live: np.ndarray, why: _Reasons) -> None:
    uscc = codes["uscc"]

    def message(idx: np.ndarray) -> pd.Series:
        u, st = uscc.iloc[idx].reset_index(drop=True), status[idx]
        exp = codes["uscc_expected"].iloc[idx].astype("str").reset_index(drop=True)
        detail = np.select(
            [st == _ST["bad_length"], st == _ST["bad_charset"], st == _ST["bad_check"]],
            ["has " + u.str.len().astype("str") + " characters, needs 18",
             "has a character outside 0-9 and A-Z without I, O, S, V, Z",
             "check character is " + u.str[-1:] + ", the first 17 give " + exp],
            "was stored as a number and lost digits; format the column as text")
        return f"{heading} '" + u + "' " + detail

    why.add("uscc_invalid", live & (status != _ST["valid"]) & (status != _ST["missing"]), message)


def _check_area(raw: pd.Series, heading: str, miss: frozenset[str], live: np.ndarray,
                why: _Reasons) -> pd.Categorical:
    codes, values = distinct(raw)
    found = [area_value(v, miss) for v in values]  # once per distinct value
    state = np.array([0 if r is None else 1 if r == "" else 2 if r == DISTRICT else 3 for r in found])[codes]
    why.add("area_missing", live & (state == 1), f"{heading} is blank")
    why.add("area_unknown", live & (state == 0), lambda idx: (
        f"{heading} " + _q(raw, idx) + " is not one of the nine areas nor a known alias"))
    why.add("area_district", live & (state == 2), f"{heading} is {DISTRICT}, the district total")
    return _take_cat(found, codes, AREA_CATEGORIES)


def _check_revenue(f: pd.DataFrame, status: np.ndarray, heading: str, file: str, live: np.ndarray,
                   why: _Reasons) -> None:
    no_unit = np.flatnonzero((status == 4) & live)
    if len(no_unit):
        raise InputError(f"{heading} has plain numbers but neither its heading nor a '单位：万元' note gives the "
                         f"unit; write the heading as e.g. {heading}（万元）",
                         file=file, line=int(f["source_row"].iloc[no_unit[0]]), cell=heading)
    why.add("revenue_missing", live & (status == 1), f"{heading} is blank or a placeholder")
    why.add("revenue_negative", live & (status == 2), lambda idx: f"{heading} " + _q(f[heading], idx) + " is negative")
    why.add("revenue_not_number", live & (status == 3),
            lambda idx: f"{heading} " + _q(f[heading], idx) + " is not a number")


def _check_year(f: pd.DataFrame, heading: str | None, table: SheetTable, cfg: RegisterConfig, live: np.ndarray,
                why: _Reasons) -> np.ndarray:
    """Year per row: the year column, else the revenue heading's, the title's or the file name's year."""
    h = table.header
    fallback = h.header_year or h.title_year or table.file_year
    if heading is not None:
        codes, values = distinct(f[heading])
        year = np.array([year_value(v, cfg.missing) for v in values], dtype=float)[codes]
    elif fallback is None:
        raise InputError(f"no year anywhere: no column {' / '.join(cfg.fields['year'].aliases)}, none in the "
                         f"title rows ({h.title or 'there are none'}) nor in the file name",
                         file=table.file, line=table.header_rows[0])
    else:
        year = np.full(len(f), np.nan)
    if fallback is not None:
        year = np.where(np.isnan(year), fallback, year)
    why.add("year_missing", live & np.isnan(year),
            f"{heading or '年份'} is blank and neither the title nor the file name gives a year")
    why.add("year_invalid", live & (year == -1), lambda idx: f"{heading} " + _q(f[heading], idx) + " is not a year")
    return year


def _assign_chain(f: pd.DataFrame, col: dict, cfg: RegisterConfig, live: np.ndarray,
                  why: _Reasons) -> tuple[np.ndarray, np.ndarray, pd.Categorical]:
    """(chain position in CHAIN_IDS_ALL or -1, whether it came from the 产业链 column, industry code)."""
    n, miss = len(f), cfg.missing
    position = {c: i for i, c in enumerate(CHAIN_IDS_ALL)}
    if col["industry_code"] is not None:
        i_codes, i_values = distinct(f[col["industry_code"]])
        found = [industry_value(v, cfg.industry_codes, miss) for v in i_values]
    else:
        i_codes, found = np.zeros(n, dtype=np.int64), [("", None)]
    industry_code = _take_cat([r[0] for r in found], i_codes, sorted({r[0] for r in found if r[0]}))
    by_industry = np.array([position.get(r[1], -1) for r in found])[i_codes]
    no_code = np.array([r[0] == "" for r in found])[i_codes]
    label = np.full(n, -1)  # -1 blank (the industry code decides), -2 a label naming nothing known
    if col["chain"] is not None:
        c_codes, c_values = distinct(f[col["chain"]])
        labels = [chain_value(v, cfg.other_labels, miss) for v in c_values]
        label = np.array([-2 if r is None else -1 if r == "" else position[r] for r in labels])[c_codes]
    from_col = label >= 0
    why.add("chain_unknown", live & (label == -2), lambda idx: (
        f"{col['chain']} " + _q(f[col["chain"]], idx) + " is none of the four chains nor 其他"))
    by_code = live & (label == -1)
    why.add("industry_code_missing", by_code & no_code,
            f"{col['industry_code'] or '行业代码'} is blank and no 产业链 is given")
    why.add("industry_code_invalid", by_code & ~no_code & (by_industry < 0), lambda idx: (
        f"{col['industry_code']} " + _q(f[col["industry_code"]], idx) + " is not a GB/T 4754-2017 code"))
    return np.where(from_col, label, by_industry), from_col, industry_code


# --------------------------------------------------------------------------------------- duplicates
def _repeated(key: np.ndarray) -> np.ndarray:
    """Which 64-bit keys occur more than once. A bincount over the low 22 bits finds the few keys that can
    repeat (about a fifth of a million), and only those go through the hash table."""
    bucket = (key & np.uint64((1 << 22) - 1)).astype(np.intp)
    maybe = np.flatnonzero(np.bincount(bucket, minlength=1 << 22)[bucket] > 1)
    out = np.zeros(len(key), dtype=bool)
    out[maybe] = pd.Series(key[maybe]).duplicated(keep=False).to_numpy()
    return out


def deduplicate(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Duplicates among the rows that passed the row checks (``~rows.failed``).

    Returns (dropped, kept_at, reasons): ``dropped`` marks exact duplicates of an earlier row (same year
    and code, or for rows without a code the same year and name, and the same cleaned name, area, chain,
    industry code and revenue), ``kept_at`` the row each duplicates (-1 elsewhere), and ``reasons`` the
    duplicate_conflict / name_not_unique reasons of the rows that now fail, indexed by row.
    """
    n = len(rows)
    dropped, kept_at = np.zeros(n, dtype=bool), np.full(n, -1, dtype=np.int64)
    live = ~rows["failed"].to_numpy()
    missing = rows["uscc_missing"].to_numpy()
    found = []
    year = rows["year"].to_numpy()
    for keycols, part in ((["year", "uscc"], live & ~missing), (["year", "name"], live & missing)):
        idx = np.flatnonzero(part)
        if len(idx) < 2:
            continue
        if keycols[1] == "uscc":  # candidates by a 64-bit key of (code, year); confirmed on the strings below
            salt = year[idx].astype(np.int64).astype(np.uint64) * np.uint64(0x9E3779B1)
            cand = _repeated(rows["uscc_key"].to_numpy()[idx] ^ salt)
        else:
            cand = rows[keycols].iloc[idx].duplicated(keep=False).to_numpy()
        idx = idx[cand]
        if not len(idx):
            continue
        grp = rows.iloc[idx][list(dict.fromkeys(keycols + _FIELDS_COMPARED))].astype({"area": "str", "chain_id": "str"})
        grp.index = idx
        exact = grp.duplicated(keep="first").to_numpy()
        first = grp.groupby(list(grp.columns), dropna=False, sort=False).ngroup()
        first_pos = pd.Series(idx).groupby(first.to_numpy()).transform("first").to_numpy()
        dropped[idx[exact]], kept_at[idx[exact]] = True, first_pos[exact]
        if keycols[1] == "uscc":
            rest = grp[~exact]
            conflict = rest[rest.duplicated(keycols, keep=False).to_numpy()]
            if len(conflict):
                found.append(_conflict_reasons(rows, conflict, keycols))
    nocode = np.flatnonzero(live & missing & ~dropped)
    if len(nocode):  # a row without a code stays only if its name is unique in its year
        there = ~rows["structural"].to_numpy() & ~dropped & rows["name"].isin(set(rows["name"].iloc[nocode])).to_numpy()
        pool = rows.loc[there, ["year", "name"]]
        count = pool.groupby(["year", "name"], sort=False)["name"].transform("size").reindex(nocode).to_numpy()
        clash = nocode[count > 1]
        if len(clash):
            found.append(pd.DataFrame({
                "reason_code": "name_not_unique",
                "reason": ("统一社会信用代码 is blank and 企业名称 '" + rows["name"].iloc[clash]
                           + "' occurs more than once in "
                           + rows["year"].iloc[clash].astype(int).astype("str")).to_numpy(object),
            }, index=clash))
    why = pd.concat(found) if found else pd.DataFrame({"reason_code": pd.Series(dtype="str"),
                                                       "reason": pd.Series(dtype="str")})
    return dropped, kept_at, why


def _conflict_reasons(rows: pd.DataFrame, conflict: pd.DataFrame, keycols: list[str]) -> pd.DataFrame:
    differ = conflict.groupby(keycols, sort=False)[_FIELDS_COMPARED].transform("nunique") > 1
    what = pd.Series("", index=conflict.index, dtype="str")
    for label, c in zip(_FIELD_LABELS, _FIELDS_COMPARED):
        what = what + np.where(differ[c].to_numpy(), label + ", ", "")
    at = rows.iloc[conflict.index]
    where = pd.Series((at["source_file"].astype("str").str.replace(r"^.*[\\/]", "", regex=True)
                       + ":" + at["source_row"].astype("str")).to_numpy(), index=conflict.index)
    group_rows = where.groupby([conflict["year"], conflict["uscc"]], sort=False).transform(", ".join)
    count = conflict.groupby(keycols, sort=False)["uscc"].transform("size").astype("str")
    return pd.DataFrame({"reason_code": "duplicate_conflict", "reason": (
        "统一社会信用代码 " + conflict["uscc"] + " appears " + count + " times in "
        + conflict["year"].astype(int).astype("str") + " with different " + what.str.rstrip(", ")
        + " (" + group_rows + ")").to_numpy(object)}, index=conflict.index)


# --------------------------------------------------------------------------------------- panel
def _codes(s: pd.Series, categories) -> np.ndarray:
    """Positions of the values in ``categories`` (-1 if absent); free when ``s`` already has them."""
    if isinstance(s.dtype, pd.CategoricalDtype) and list(s.cat.categories) == list(categories):
        return s.cat.codes.to_numpy().astype(np.int64)
    return pd.Categorical(s, categories=list(categories)).codes.astype(np.int64)


def build_panel(clean: pd.DataFrame, years: list[int] | None = None) -> pd.DataFrame:
    """Above-size enterprises and their revenue (亿元) per year × chain × area, with 全区 rows.

    Every chain (the four and ``other``) × area (全区 first, then the nine) × year is present, zeros where
    no firm is; the layout matches the target table so the two merge on (year, chain_id, area).
    """
    year_all = clean["year"].to_numpy().astype(np.int64)
    if years is None:  # the few distinct years, without sorting a million of them
        lo = int(year_all.min()) if len(year_all) else 0
        years = (np.flatnonzero(np.bincount(year_all - lo)) + lo).tolist() if len(year_all) else []
    years = sorted(years)
    above = clean["above_size"].to_numpy(dtype=bool)
    ny, nc, na = len(years), len(CHAIN_IDS_ALL), len(AREAS)
    y = pd.Index(years).get_indexer(year_all[above])
    c = _codes(clean["chain_id"], CHAIN_IDS_ALL)[above]
    a = _codes(clean["area"], AREAS)[above]
    ok = (y >= 0) & (c >= 0) & (a >= 0)
    cell = ((y * nc + c) * na + a)[ok]
    size = ny * nc * na
    firms = np.bincount(cell, minlength=size).reshape(ny, nc, na)
    weights = clean["revenue_yi"].to_numpy(dtype=float)[above][ok]
    revenue = np.bincount(cell, weights=weights, minlength=size).astype(float).reshape(ny, nc, na)
    firms = np.concatenate([firms.sum(axis=2, keepdims=True), firms], axis=2)  # 全区 first
    revenue = np.concatenate([revenue.sum(axis=2, keepdims=True), revenue], axis=2)
    out = pd.DataFrame({
        "year": np.repeat(np.asarray(years, dtype=np.int64), nc * (na + 1)),
        "chain_id": np.tile(np.repeat(np.asarray(CHAIN_IDS_ALL, dtype=object), na + 1), ny),
        "area": np.tile(np.asarray(AREA_CATEGORIES, dtype=object), ny * nc),
        "enterprises": firms.ravel().astype(np.int64),
        "revenue_yi": revenue.ravel().round(8),
    })
    out = out.astype({"chain_id": "str", "area": "str"})
    out["chain"] = out["chain_id"].map(CHAIN_NAME_BY_ID).astype("str")
    return PANEL_SCHEMA.validate(out)


# --------------------------------------------------------------------------------------- schemas
def _lengths(s: pd.Series) -> np.ndarray:
    return utf8_lengths(arrow_strings(s))


CLEAN_SCHEMA = pa.DataFrameSchema({
    "year": pa.Column(np.int64, pa.Check.in_range(1990, 2100)),
    # lengths read from the Arrow offsets (the str_length check builds a million Python ints)
    "uscc": pa.Column("str", pa.Check(lambda s: pd.Series(np.isin(_lengths(s), (0, 18)), index=s.index),
                                      name="uscc_empty_or_18_chars")),
    "name": pa.Column("str", pa.Check(lambda s: pd.Series(_lengths(s) > 0, index=s.index), name="name_not_empty")),
    # a categorical's dtype fixes its allowed values, so these checks cost nothing per row
    "area": pa.Column(pd.CategoricalDtype(list(AREAS))),
    "chain": pa.Column(pd.CategoricalDtype([CHAIN_NAME_BY_ID[c] for c in CHAIN_IDS_ALL])),
    "chain_id": pa.Column(pd.CategoricalDtype(list(CHAIN_IDS_ALL))),
    "industry_code": pa.Column("category", nullable=True),  # blank when the chain came from 产业链
    "industry_name": pa.Column("category", nullable=True),
    "revenue_yi": pa.Column(float, pa.Check.ge(0)),
    "above_size": pa.Column(bool),
    "uscc_missing": pa.Column(bool),
    "chain_source": pa.Column(pd.CategoricalDtype(["column", "industry_code"])),
    "source_file": pa.Column("category"),
    "source_sheet": pa.Column("category"),
    "source_row": pa.Column(np.int64, pa.Check.ge(1)),
}, strict=True, ordered=True)
PANEL_SCHEMA = pa.DataFrameSchema({
    "year": pa.Column(np.int64, pa.Check.in_range(1990, 2100)),
    "chain_id": pa.Column("str", pa.Check.isin(CHAIN_IDS_ALL)),
    "area": pa.Column("str", pa.Check.isin(AREA_CATEGORIES)),
    "enterprises": pa.Column(np.int64, pa.Check.ge(0)),
    "revenue_yi": pa.Column(float, pa.Check.ge(0)),
    "chain": pa.Column("str"),
}, strict=True, ordered=True, unique=["year", "chain_id", "area"])
QUARANTINE_SCHEMA = pa.DataFrameSchema({
    "source_file": pa.Column("str"),
    "source_sheet": pa.Column("str"),
    "source_row": pa.Column(np.int64, pa.Check.ge(1)),
    "reason_code": pa.Column("str", pa.Check.str_matches(r"^(%s)(; (%s))*$" % ("|".join(REASONS), "|".join(REASONS)))),
    "reason": pa.Column("str", pa.Check.str_length(min_value=1)),
})


# --------------------------------------------------------------------------------------- result
@dataclass
class RegisterResult:
    """What :func:`clean_registers` produced (and, when it wrote, where)."""

    clean: pd.DataFrame
    quarantine: pd.DataFrame
    duplicates: pd.DataFrame
    panel: pd.DataFrame
    summary: dict
    written: list[Path] = field(default_factory=list)

    def summary_text(self) -> str:
        s = self.summary
        lines = [f"register: {s['rows_read']} rows read from {len(s['files'])} sheet(s) -> {s['clean']} clean "
                 f"({s['above_size']} above size, {s['uscc_missing_kept']} without a credit code), "
                 f"{s['quarantined']} quarantined, {s['duplicates_dropped']} exact duplicates dropped"
                 f"{'' if s['balanced'] else '  !! ROWS DO NOT ADD UP'}"]
        if s["blank_rows_skipped"]:
            lines.append(f"  {s['blank_rows_skipped']} blank rows skipped")
        for code, k in s["quarantined_by_reason"].items():
            lines.append(f"  quarantined: {code:<22} {k:>7}  ({REASONS[code]})")
        for fi in s["files"]:
            sheet = f" [{fi['sheet']}]" if fi["sheet"] else ""
            lines.append(f"  {fi['file']}{sheet}: {fi['rows_read']} rows, header row(s) {fi['header_rows']}, "
                         f"unit {fi['revenue_unit'] or 'per value'}, year from {fi['year_source']}")
            lines.extend(f"    note: {x}" for x in fi["notes"])
        if self.written:
            lines.append("wrote: " + ", ".join(str(p) for p in self.written))
        return "\n".join(lines)


# --------------------------------------------------------------------------------------- main
def clean_registers(inputs: list[Path], out_dir: Path | None = None, *,
                    config: str | Path | None = None) -> RegisterResult:
    """Clean register files (.xlsx / .csv, or folders of them) into a clean table, quarantine and panel.

    With ``out_dir`` the five outputs are written there (all computed first, then each written to a
    temporary file in ``out_dir`` and renamed into place); with ``None`` nothing is written.
    ``config`` is an alternative industry_chains.toml.
    """
    cfg = load_register_config(config)
    tables = [t for p in list_register_files(inputs) for t in read_register_file(p, cfg)]
    # big sheets are parsed in slices side by side: the work is numpy and pyarrow, which release the GIL
    jobs = [(i, s) for i, t in enumerate(tables) for s in _slices(len(t.frame))]
    with ThreadPoolExecutor(max_workers=min(len(jobs), WORKERS)) as pool:
        done = list(pool.map(lambda job: parse_sheet(tables[job[0]], cfg, sheet_id=job[0], part=job[1]), jobs))
    parts, whys, offset = [], [], 0
    blanks = [0] * len(tables)
    for (i, _), (rows_i, why_i, blank) in zip(jobs, done):
        why_i.index = why_i.index + offset
        parts.append(rows_i)
        whys.append(why_i)
        blanks[i] += blank
        offset += len(rows_i)
    rows = _concat_rows(parts)
    sheet_ids = rows["_sheet"].to_numpy()
    files = list(dict.fromkeys(t.file for t in tables))
    sheets = list(dict.fromkeys(t.sheet for t in tables))
    rows["source_file"] = pd.Categorical.from_codes(
        np.array([files.index(t.file) for t in tables])[sheet_ids], categories=files)
    rows["source_sheet"] = pd.Categorical.from_codes(
        np.array([sheets.index(t.sheet) for t in tables])[sheet_ids], categories=sheets)

    dropped, kept_at, dup_why = deduplicate(rows)
    why = pd.concat([w for w in (*whys, dup_why) if len(w)]) if any(len(w) for w in (*whys, dup_why)) else dup_why
    failed = rows["failed"].to_numpy().copy()
    failed[dup_why.index.to_numpy()] = True
    keep = ~failed & ~dropped
    with ThreadPoolExecutor(max_workers=WORKERS + 2) as pool:  # the outputs are independent of one another
        fut_quarantine = pool.submit(_quarantine_frame, rows, why.sort_index(), tables)
        fut_duplicates = pool.submit(_duplicates_frame, rows, dropped, kept_at)
        clean = _clean_frame(_filter(rows[_CLEAN_SOURCE], keep, pool), cfg)
        panel = build_panel(clean)
        quarantine, duplicates = fut_quarantine.result(), fut_duplicates.result()
    summary = _summary(rows, failed, dropped, why, tables, blanks, clean, quarantine, duplicates, cfg)
    result = RegisterResult(clean, quarantine, duplicates, panel, summary)
    if out_dir is not None:
        result.written = write_outputs(result, Path(out_dir))
    return result


WORKERS = min(os.cpu_count() or 1, 8)
SLICE_ROWS = 200_000  # a sheet is cut in slices of at least this many rows, one per worker at most


def _slices(n: int) -> list[slice | None]:
    k = max(1, min(WORKERS, n // SLICE_ROWS))
    if k == 1:
        return [None]
    cuts = np.linspace(0, n, k + 1).astype(int)
    return [slice(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:])]


def _filter(frame: pd.DataFrame, keep: np.ndarray, pool: ThreadPoolExecutor) -> pd.DataFrame:
    """``frame[keep]``, the columns filtered side by side (Arrow and numpy filters release the GIL)."""
    if keep.all():
        return frame.reset_index(drop=True)
    futures = {c: pool.submit(lambda s: s[keep].reset_index(drop=True), frame[c]) for c in frame.columns}
    return pd.DataFrame({c: f.result() for c, f in futures.items()})


def _concat_rows(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Sheets' rows one under another; categoricals with different categories are united, not objectified."""
    if len(parts) == 1:
        return parts[0]
    out = {}
    for c in parts[0].columns:
        cols = [p[c] for p in parts]
        if isinstance(cols[0].dtype, pd.CategoricalDtype) and any(x.dtype != cols[0].dtype for x in cols):
            out[c] = pd.Series(union_categoricals([x.array for x in cols], sort_categories=True))
        else:
            out[c] = pd.concat(cols, ignore_index=True)
    return pd.DataFrame(out)


def _clean_frame(rows: pd.DataFrame, cfg: RegisterConfig) -> pd.DataFrame:
    wan = rows["revenue_wan"].to_numpy()
    clean = pd.DataFrame({
        "year": rows["year"].to_numpy().astype(np.int64),
        "uscc": rows["uscc"],
        "name": rows["name"],
        "area": rows["area"].cat.set_categories(list(AREAS)),
        "chain": pd.Categorical.from_codes(rows["chain_id"].cat.codes.to_numpy(),
                                           categories=[CHAIN_NAME_BY_ID[c] for c in CHAIN_IDS_ALL]),
        "chain_id": rows["chain_id"],
        "industry_code": rows["industry_code"],
        "industry_name": rows["industry_name"],
        "revenue_yi": (wan / 1e4).round(8),
        "above_size": wan >= cfg.threshold_wan - 1e-9,
        "uscc_missing": rows["uscc_missing"],
        "chain_source": rows["chain_source"].cat.reorder_categories(["column", "industry_code"]),
        "source_file": rows["source_file"],
        "source_sheet": rows["source_sheet"],
        "source_row": rows["source_row"],
    })
    return CLEAN_SCHEMA.validate(clean)


def _quarantine_frame(rows: pd.DataFrame, why: pd.DataFrame, tables: list[SheetTable]) -> pd.DataFrame:
    """The original cells of each quarantined row (headings as in its file) + where it came from + why."""
    pieces = []
    at = rows.iloc[why.index.to_numpy()]
    for sid in np.unique(at["_sheet"].to_numpy()):  # one piece per sheet, not per row
        sel = at["_sheet"].to_numpy() == sid
        t = tables[int(sid)]
        orig = t.frame.drop(columns="source_row").iloc[at["_pos"].to_numpy()[sel]].reset_index(drop=True)
        orig = orig.astype("str").fillna("")
        orig.columns = [f"原:{c}" if c in QUARANTINE_TAIL else c for c in orig.columns]
        orig["source_file"] = t.file
        orig["source_sheet"] = t.sheet
        orig["source_row"] = at["source_row"].to_numpy()[sel]
        orig["reason_code"] = why["reason_code"].to_numpy()[sel]
        orig["reason"] = why["reason"].to_numpy()[sel]
        pieces.append(orig)
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=np.int64 if c == "source_row" else "str") for c in QUARANTINE_TAIL})
    q = pd.concat(pieces, ignore_index=True)
    q = q[[c for c in q.columns if c not in QUARANTINE_TAIL] + QUARANTINE_TAIL]
    text_cols = [c for c in q.columns if c != "source_row"]
    q[text_cols] = q[text_cols].astype("str").fillna("")
    return QUARANTINE_SCHEMA.validate(q)


def _duplicates_frame(rows: pd.DataFrame, dropped: np.ndarray, kept_at: np.ndarray) -> pd.DataFrame:
    at = np.flatnonzero(dropped)
    cols = ["year", "uscc", "name", "area", "revenue_wan", "source_file", "source_sheet", "source_row"]
    d, kept = rows[cols].iloc[at], rows[["source_file", "source_sheet", "source_row"]].iloc[kept_at[at]]
    return pd.DataFrame({
        "year": d["year"].to_numpy().astype(np.int64), "uscc": d["uscc"].to_numpy(), "name": d["name"].to_numpy(),
        "area": d["area"].astype("str").to_numpy(), "revenue_yi": (d["revenue_wan"].to_numpy() / 1e4).round(8),
        "source_file": d["source_file"].astype("str").to_numpy(),
        "source_sheet": d["source_sheet"].astype("str").to_numpy(), "source_row": d["source_row"].to_numpy(),
        "kept_file": kept["source_file"].astype("str").to_numpy(),
        "kept_sheet": kept["source_sheet"].astype("str").to_numpy(), "kept_row": kept["source_row"].to_numpy(),
    }, columns=DUPLICATE_COLUMNS)


def _sheet_info(t: SheetTable, cfg: RegisterConfig) -> dict:
    h = t.header
    ycol = t.column("year")
    notes = list(t.notes)
    if h.revenue_unit and h.note_unit and h.revenue_unit != h.note_unit:
        notes.append(f"unit {h.revenue_unit} from the heading used, not {h.note_unit} from the note")
    return {
        "file": t.file, "sheet": t.sheet, "reader": t.reader, "encoding": t.encoding,
        "header_rows": t.header_rows,
        "columns": {k: t.column(k) for k in cfg.fields if t.column(k)},
        "revenue_unit": h.revenue_unit or h.note_unit,
        "unit_source": "heading" if h.revenue_unit else "note" if h.note_unit else "per value",
        "year_source": ("column " + ycol) if ycol else ("revenue heading" if h.header_year else
                                                       "title" if h.title_year else "file name"),
        "synthetic": is_synthetic(t),
        "notes": notes,
    }


def is_synthetic(t: SheetTable) -> bool:
    """Whether the file says it is made up: SYNTHETIC / 示例 / 合成 in its name or in the title rows."""
    text = (Path(t.file).name + " " + t.header.title).lower()
    return any(k in text for k in ("synthetic", "示例", "合成", "虚构"))


def _summary(rows, failed, dropped, why, tables, blanks, clean, quarantine, duplicates, cfg) -> dict:
    sheet = rows["_sheet"].to_numpy()
    k = len(tables)
    counts = {"rows_read": np.bincount(sheet, minlength=k),
              "clean": np.bincount(sheet[~failed & ~dropped], minlength=k),
              "quarantined": np.bincount(sheet[failed], minlength=k),
              "duplicates_dropped": np.bincount(sheet[dropped], minlength=k)}
    files = []
    for i, t in enumerate(tables):
        info = _sheet_info(t, cfg)
        info.update({key: int(v[i]) for key, v in counts.items()}, blank_rows=blanks[i])
        if info["rows_read"] == 0:
            info["notes"].append("no data rows below the header")
        files.append(info)
    by_reason = why["reason_code"].str.split("; ").explode().value_counts() if len(why) else pd.Series(dtype=int)
    n_in = int(len(rows))
    return {
        "rows_read": n_in,
        "clean": int(len(clean)),
        "quarantined": int(len(quarantine)),
        "duplicates_dropped": int(len(duplicates)),
        "balanced": n_in == len(clean) + len(quarantine) + len(duplicates),
        "blank_rows_skipped": int(sum(blanks)),
        "quarantined_by_reason": {str(c): int(v) for c, v in by_reason.items()},
        "above_size": int(clean["above_size"].sum()),
        "uscc_missing_kept": int(clean["uscc_missing"].sum()),
        "years": sorted(int(y) for y in pd.unique(clean["year"])),
        "synthetic": any(f["synthetic"] for f in files),
        "threshold_wan": cfg.threshold_wan,
        "config": cfg.path,
        "files": files,
        "note": "rows_read counts the non-blank rows below each header; rows_read = clean + quarantined + "
                "duplicates_dropped. A quarantined row may carry several reasons, so quarantined_by_reason "
                "can add up to more than quarantined.",
    }


# --------------------------------------------------------------------------------------- writing
def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV through pyarrow (categoricals go as Arrow dictionaries: no per-value Python)."""
    pcsv.write_csv(pya.Table.from_pandas(df, preserve_index=False), path)


def _temp_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def write_outputs(result: RegisterResult, out_dir: Path) -> list[Path]:
    """Write the five outputs into ``out_dir``: every file to a temporary name first, then all renamed.

    Nothing outside ``out_dir`` is touched; if anything fails, the temporaries are removed and the
    outputs of an earlier run stay as they were.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {"clean": result.clean, "quarantine": result.quarantine, "duplicates": result.duplicates,
              "panel": result.panel}
    temps: list[tuple[Path, Path]] = []
    try:
        for key, df in frames.items():
            final = out_dir / OUTPUT_FILES[key]
            temps.append((_temp_path(final), final))
            _write_csv(df, temps[-1][0])
        final = out_dir / OUTPUT_FILES["summary"]
        temps.append((_temp_path(final), final))
        temps[-1][0].write_text(json.dumps(result.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        for tmp, final in temps:
            os.replace(tmp, final)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
    return [final for _, final in temps]
