"""Checking one part of a register sheet: values parsed, each row checked, a chain assigned, reasons kept.

:func:`parse_sheet` turns a frame of cell strings into typed rows plus, for each failing row, a reason code
(English, for machines) and a reason (Chinese, naming the heading and quoting the cell as typed). It works a
whole column at a time (see :mod:`chainplan_lib.cleaning.register.values`) and keeps the original cells of the
failing rows for the quarantine. Subtotal (合计/小计), note (注：…) and repeated-header rows get their own
reasons; fully blank rows are not data and are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...errors import InputError
from ...plan.model import cn_count
from ...plan.names import DISTRICT, normalise_label
from .config import RegisterConfig
from .read import SheetTable
from .schemas import REASONS_CN
from .uscc import CHARSET, USCC_STATUSES, validate_uscc
from .values import (
    MAX_REVENUE_WAN,
    area_value,
    arrow_apply,
    arrow_strings,
    chain_value,
    clip_text,
    distinct,
    industry_value,
    nfkc,
    normalise_text,
    parse_revenue,
    utf8_lengths,
    year_value,
)

__all__ = ["PartResult", "parse_sheet", "require_columns", "blank_rows", "take_cat", "empty_reasons"]

_ST = {s: i for i, s in enumerate(USCC_STATUSES)}  # uscc status -> code
_SUBTOTAL = r"^(?!.*(公司|厂|店|中心|合作社)).{0,12}(合计|小计|总计|共计|汇总)[:：]?$|^(全区|全镇|全街道)$"
_NOTE = (r"^(注|备注|说明|附注|填报人|填表人|制表人?|审核人?|数据来源|资料来源|单位负责人|统计负责人|联系电话|联系人|"
         r"填报日期|报出日期)(\d|[:：.、]|$)")


def take_cat(values: list[str | None], codes: np.ndarray, categories) -> pd.Categorical:
    """A categorical column from per-value labels (None -> missing) and row codes."""
    cats = list(categories)
    where = {c: i for i, c in enumerate(cats)}
    at = np.array([where.get(v, -1) if v else -1 for v in values], dtype=np.int64)  # once per distinct value
    return pd.Categorical.from_codes(at[codes] if len(at) else np.full(len(codes), -1),
                                     dtype=pd.CategoricalDtype(pd.Index(cats, dtype="str")), validate=False)


def _q(values: pd.Series, idx: np.ndarray) -> pd.Series:
    """The cells at ``idx`` quoted for a message (long ones cut)."""
    return "'" + clip_text(values.iloc[idx].astype("str").fillna("").reset_index(drop=True)) + "'"


def empty_reasons() -> pd.DataFrame:
    return pd.DataFrame({"reason_code": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})


class _Reasons:
    """Reasons per check: (code, row mask, message); messages are made for the failing rows only."""

    def __init__(self, n: int):
        self.n, self.parts, self.mask = n, [], np.zeros(n, dtype=bool)

    def add(self, code: str, mask: np.ndarray, message: str | Callable[[np.ndarray], pd.Series]) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            idx = np.flatnonzero(mask)
            text = np.full(len(idx), message, dtype=object) if isinstance(message, str) else \
                np.asarray(message(idx), dtype=object)
            self.parts.append((idx, code, text))
            self.mask |= mask

    def frame(self) -> pd.DataFrame:
        """reason_code and reason per failing row (several joined with '; ', in the order of the checks),
        indexed by row."""
        if not self.parts:
            return empty_reasons()
        pos = np.concatenate([p[0] for p in self.parts])
        code = np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in self.parts])
        text = np.concatenate([p[2] for p in self.parts])
        order = np.argsort(pos, kind="stable")
        pos, code, text = pos[order], code[order], text[order]
        first = np.ones(len(pos), dtype=bool)
        first[1:] = pos[1:] != pos[:-1]
        if not first.all():  # rows with more than one reason: join those few
            starts = np.flatnonzero(first)
            ends = np.append(starts[1:], len(pos))
            for at in np.flatnonzero(ends - starts > 1):
                lo, hi = starts[at], ends[at]
                code[lo], text[lo] = "; ".join(code[lo:hi]), "; ".join(text[lo:hi])
            pos, code, text = pos[first], code[first], text[first]
        return pd.DataFrame({"reason_code": pd.array(code, dtype="str"), "reason": pd.array(text, dtype="str")},
                            index=pd.Index(pos, name="pos"))


@dataclass
class PartResult:
    """What :func:`parse_sheet` found in one part of a sheet; positions are local to the part."""

    rows: dict  # typed rows as columns (blank rows left out), ``_pos`` their position in the part
    why: pd.DataFrame  # reason_code, reason of the failing rows, indexed by row of ``rows``
    originals: pd.DataFrame  # the failing rows' cells as read, indexed by position in the part
    blank: int  # blank rows skipped
    n: int  # rows in the part, blank ones included
    no_unit_at: int = -1  # position of the first plain number without a unit (an error for the whole file)


def require_columns(table: SheetTable, cfg: RegisterConfig) -> dict[str, str | None]:
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
    short = np.flatnonzero(utf8_lengths(arrow_strings(name)) <= 16)  # placeholders are short: at most 16 bytes,
    short = short[name.iloc[short].str.len().to_numpy() <= 4]      # then at most 4 characters
    if len(short):
        placeholder = np.zeros(len(name), dtype=bool)
        placeholder[short] = name.iloc[short].str.lower().isin(missing).to_numpy()
        if placeholder.any():
            name = name.mask(placeholder, "")
    return name


def parse_sheet(table: SheetTable, cfg: RegisterConfig, frame: pd.DataFrame, sheet_id: int = 0) -> PartResult:
    """One part of a sheet (``frame``: its cells as strings, columns ``table.header.names``) parsed and checked.

    ``rows`` (columns by name) has the clean fields plus ``failed``, ``structural``, ``uscc_key``, ``_sheet``
    and ``_pos`` (the row's position in ``frame``). Blank rows are left out.
    """
    col = require_columns(table, cfg)
    h, miss = table.header, cfg.missing
    n_part = len(frame)
    codes = validate_uscc(frame[col["uscc"]])
    revenue, rev_status = parse_revenue(frame[col["revenue"]], h.revenue_unit or h.note_unit, miss)
    name = _names(frame[col["name"]], miss)
    blank = blank_rows(frame, [c for c in h.names if c in frame.columns], name)
    keep = np.flatnonzero(~blank)
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
        why.add(code, m, REASONS_CN[code])
        structural |= m
    live = ~structural
    why.add("name_missing", live & (name == "").to_numpy(), f"{col['name']} 为空")
    _check_uscc(codes, status, col["uscc"], live, why)
    area = _check_area(f[col["area"]], col["area"], cfg, live, why)
    no_unit = _check_revenue(f, rev_status, col["revenue"], live, why)
    year = _check_year(f, col["year"], table, cfg, live, why)
    chain, from_col, industry_code = _assign_chain(f, col, cfg, live, why)
    if col["industry_name"] is not None:
        n_codes, n_values = distinct(f[col["industry_name"]])
        labels = normalise_text(pd.Series(n_values, dtype="str")).tolist()
        iname = take_cat(labels, n_codes, sorted(set(labels) - {""}))
    else:
        iname = take_cat([""], np.zeros(n, dtype=np.int64), [])
    rows = {  # a dict of columns: parts are joined a column at a time, without consolidating blocks
        "_sheet": np.full(n, sheet_id, dtype=np.int32),
        "_pos": keep.astype(np.int64),
        "year": year,
        "uscc": codes["uscc"],
        "uscc_key": codes["uscc_key"].to_numpy(),
        "uscc_missing": status == _ST["missing"],
        "name": name,
        "area": area,
        "chain_id": pd.Categorical.from_codes(chain, categories=list(cfg.names.chain_ids_all)),
        "chain_source": pd.Categorical.from_codes((~from_col).astype(np.int8), categories=["column", "industry_code"]),
        "industry_code": industry_code,
        "industry_name": iname,
        "revenue_wan": revenue,
        "structural": structural,
        "failed": why.mask,
    }
    failed_pos = keep[why.mask]
    originals = frame.iloc[np.flatnonzero(why.mask)] if len(failed_pos) else frame.iloc[:0]
    originals.index = failed_pos  # turned into text once for the whole sheet (register._gather)
    return PartResult(rows, why.frame(), originals, int(blank.sum()), n_part,
                      int(keep[no_unit[0]]) if len(no_unit) else -1)


def _check_uscc(codes: pd.DataFrame, status: np.ndarray, heading: str, live: np.ndarray, why: _Reasons) -> None:
    uscc = codes["uscc"]

    def message(idx: np.ndarray) -> pd.Series:
        u, st = uscc.iloc[idx].reset_index(drop=True), status[idx]
        ua = arrow_strings(u)
        detail = np.full(len(idx), "被存成了数字，已丢失位数；请把该列设为文本格式", dtype=object)
        detail[st == _ST["bad_charset"]] = "含 0-9、A-Z（不含 I、O、S、V、Z）以外的字符"
        short = st == _ST["bad_length"]
        if short.any():
            detail[short] = pc.binary_join_element_wise(
                "为 ", pc.cast(pc.utf8_length(ua.filter(pa.array(short))), pa.string()), " 位，应为 18 位", "").to_numpy(
                zero_copy_only=False)
        check = st == _ST["bad_check"]
        if check.any():
            exp = np.asarray(list(CHARSET), dtype=object)[codes["uscc_expected"].cat.codes.to_numpy()[idx[check]]]
            detail[check] = "校验码为 " + pd.Series(pc.utf8_slice_codeunits(ua.filter(pa.array(check)), -1).to_numpy(
                zero_copy_only=False)) + "，按前 17 位应为 " + exp
        return (f"{heading} '" + clip_text(u) + "' " + detail).to_numpy(object)

    why.add("uscc_invalid", live & (status != _ST["valid"]) & (status != _ST["missing"]), message)


def _check_area(raw: pd.Series, heading: str, cfg: RegisterConfig, live: np.ndarray,
                why: _Reasons) -> pd.Categorical:
    codes, values = distinct(raw)
    found = [area_value(v, cfg.missing, cfg.plan) for v in values]  # once per distinct value
    n_areas = cn_count(len(cfg.plan.areas))
    state = np.array([0 if r is None else 1 if r == "" else 2 if r == DISTRICT else 3 for r in found], dtype=np.int8)[codes]
    why.add("area_missing", live & (state == 1), f"{heading} 为空")
    why.add("area_unknown", live & (state == 0), lambda idx: (
        f"{heading} " + _q(raw, idx) + f" 不是{n_areas}个镇（街道、园区）之一，也不是已知别名"))
    why.add("area_district", live & (state == 2), f"{heading} 填的是{DISTRICT}（全区合计），不是企业所在镇街")
    return take_cat(found, codes, cfg.names.area_categories)


def _check_revenue(f: pd.DataFrame, status: np.ndarray, heading: str, live: np.ndarray,
                   why: _Reasons) -> np.ndarray:
    """Reasons for revenue cells; returns the rows with plain numbers and no unit (an error for the file)."""
    why.add("revenue_missing", live & (status == 1), f"{heading} 为空或为占位符")
    why.add("revenue_negative", live & (status == 2), lambda idx: f"{heading} " + _q(f[heading], idx) + " 为负数")
    why.add("revenue_not_number", live & (status == 3),
            lambda idx: f"{heading} " + _q(f[heading], idx) + " 不是数值")
    why.add("revenue_bad_separator", live & (status == 6), lambda idx: (
        f"{heading} " + _q(f[heading], idx) + " 的千位分隔符位置不对（应每三位一个，如 1,234.5），不按数值读取"))
    why.add("revenue_out_of_range", live & (status == 5), lambda idx: (
        f"{heading} " + _q(f[heading], idx)
        + f" 不是有限数值或超出合理范围（单户不超过 {MAX_REVENUE_WAN / 1e8:g} 万亿元）"))
    return np.flatnonzero((status == 4) & live)


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
    why.add("year_missing", live & np.isnan(year), f"{heading or '年份'} 为空，标题和文件名中也没有年份")
    why.add("year_invalid", live & (year == -1), lambda idx: f"{heading} " + _q(f[heading], idx) + " 不是年份")
    return year


def _assign_chain(f: pd.DataFrame, col: dict, cfg: RegisterConfig, live: np.ndarray,
                  why: _Reasons) -> tuple[np.ndarray, np.ndarray, pd.Categorical]:
    """(chain position in the plan's chain ids + 'other' or -1, whether it came from the 产业链 column, industry code)."""
    n, miss = len(f), cfg.missing
    position = {c: i for i, c in enumerate(cfg.names.chain_ids_all)}
    if col["industry_code"] is not None:
        i_codes, i_values = distinct(f[col["industry_code"]])
        found = [industry_value(v, cfg.industry_codes, miss) for v in i_values]
    else:
        i_codes, found = np.zeros(n, dtype=np.int64), [("", None)]
    industry_code = take_cat([r[0] for r in found], i_codes, sorted({r[0] for r in found if r[0]}))
    by_industry = np.array([position.get(r[1], -1) for r in found], dtype=np.int64)[i_codes]
    no_code = np.array([r[0] == "" for r in found], dtype=bool)[i_codes]
    label = np.full(n, -1)  # -1 blank (the industry code decides), -2 a label naming nothing known
    if col["chain"] is not None:
        c_codes, c_values = distinct(f[col["chain"]])
        labels = [chain_value(v, cfg.other_labels, miss, cfg.plan) for v in c_values]
        label = np.array([-2 if r is None else -1 if r == "" else position[r] for r in labels], dtype=np.int64)[c_codes]
    from_col = label >= 0
    why.add("chain_unknown", live & (label == -2), lambda idx: (
        f"{col['chain']} " + _q(f[col["chain"]], idx) + f" 不是{cn_count(len(cfg.plan.chains))}条产业链之一，也不是“其他”"))
    by_code = live & (label == -1)
    why.add("industry_code_missing", by_code & no_code,
            f"{col['industry_code'] or '行业代码'} 为空，且未填产业链")
    why.add("industry_code_invalid", by_code & ~no_code & (by_industry < 0), lambda idx: (
        f"{col['industry_code']} " + _q(f[col["industry_code"]], idx) + " 不是 GB/T 4754-2017 行业代码"))
    return np.where(from_col, label, by_industry), from_col, industry_code
