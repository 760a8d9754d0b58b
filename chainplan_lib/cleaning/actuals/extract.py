"""The two layouts' row walkers: a sheet's rows of text -> entries (one per value cell, or per structural row).

An *entry* is a dict of what one cell says, with everything the layout tells about it resolved as far as
the sheet allows: the series (a chain id or 'industry') from the chain column, the row label or the section
heading above; the indicator; the unit (the row's unit column, the label, the column heading, the section
heading, a 单位 note); the period (the column heading, else the title, the sheet name, the file name).
Rows that carry no value (section headings, notes, subtotals, a repeated header) are entries too, with a
``code`` saying why they hold no data, so that every row read can be accounted for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...errors import InputError
from .headings import HEADER_SCAN_ROWS, Heading, Period, SheetEntries, classify_heading, find_period
from .labels import Layout, cell_key, parse_number, read_label, unit_in

__all__ = ["extract_sheet", "col_letter", "ENTRY_FIELDS"]

ENTRY_FIELDS = ("file", "sheet", "row", "column", "cell", "code", "label", "series", "series_text", "indicator",
                "indicator_text", "area_text", "unit", "value_text", "yoy_text", "year", "month", "cumulative")
_SYNTHETIC = ("synthetic", "示例", "合成", "虚构")


def col_letter(j: int) -> str:
    s, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _where(sheet: str, several: bool) -> str:
    return f"sheet {sheet!r}: " if several and sheet else ""


def _safe_heading(text: str, layout: Layout) -> Heading:
    try:
        return classify_heading(text, layout)
    except InputError:
        return Heading(text, None)


def _tidy_columns(cells: list[str], layout: Layout) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, c in enumerate(cells):
        key = cell_key(c)
        for fname, words in layout.tidy.items():
            if key in words and fname not in found:
                found[fname] = j
                break
    return found


def _is_tidy(found: dict[str, int]) -> bool:
    return "value" in found and ("month" in found or "year" in found) and ("chain" in found or "indicator" in found)


def _report_score(heads: list[Heading]) -> bool:
    kinds = {h.kind for h in heads}
    return bool(kinds & {"label", "chain"}) and bool(kinds & {"monthly", "cumulative"})


@dataclass
class _ValueCol:
    col: int
    heading: Heading
    period: Period
    yoy: int | None = None


def extract_sheet(rows: list[list[str]], layout: Layout, *, file: str, sheet: str, file_period: Period,
                  several_sheets: bool = False) -> SheetEntries:
    """Find the header, decide the layout and walk the rows (see the module docstring)."""
    where = _where(sheet, several_sheets)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        tidy = _tidy_columns(cells, layout)
        if _is_tidy(tidy):
            return _walk_tidy(rows, i, tidy, layout, file, sheet, file_period, where)
        if _report_score([_safe_heading(c, layout) for c in cells]):
            return _walk_report(rows, i, layout, file, sheet, file_period, where)
    raise InputError(f"{where}no header row in the first {HEADER_SCAN_ROWS} rows: a report needs a label column "
                     "(指标名称 / 产业链) and a value column (本月 / 1—N月累计 / 本年累计); a tidy file needs columns "
                     "year, month, chain, value", file=file)


def _title(rows: list[list[str]], upto: int) -> str:
    return " ".join(dict.fromkeys(c for r in rows[:upto] for c in r if c))


def _synthetic(file: str, title: str) -> bool:
    text = (file.rsplit("/", 1)[-1] + " " + title).lower()
    return any(k in text for k in _SYNTHETIC)


# --------------------------------------------------------------------------------------------- report
def _sub_heading_row(upper: list[str], lower: list[str], label_col: int, layout: Layout) -> bool:
    """Whether the row under the header continues it (units or sub-labels under merged cells)."""
    if lower[label_col] and lower[label_col] != upper[label_col]:
        return False
    differs = [j for j in range(len(upper)) if lower[j] and lower[j] != upper[j]]
    if not differs:
        return any(lower) and lower == upper  # a merged heading repeated by the merge fill
    for j in differs:
        key = cell_key(lower[j])
        if parse_number(lower[j], layout)[1] == "ok" or len(key) > 12:
            return False
    return True


def _walk_report(rows, h: int, layout: Layout, file: str, sheet: str, file_period: Period,
                 where: str) -> SheetEntries:
    upper = rows[h]
    heads = [_safe_heading(c, layout) for c in upper]
    label_col = next(j for j, x in enumerate(heads) if x.kind in ("label", "chain"))
    n_head = 1
    names = list(upper)
    if h + 1 < len(rows) and _sub_heading_row(upper, rows[h + 1], label_col, layout):
        lower = rows[h + 1]
        names = [u + lo if (lo and lo != u) else (u or lo) for u, lo in zip(upper, lower)]
        n_head = 2
    heads = [classify_heading(c, layout, where=where + f"cell {col_letter(j)}{h + 1}: ", file=file)
             if c else Heading(c, None) for j, c in enumerate(names)]
    title = _title(rows, h)
    context = find_period(title, where=where + "title: ", file=file).over(
        find_period(sheet, where="sheet name: ", file=file)).over(file_period)
    title_label = read_label(title, layout)
    note_unit = unit_in(title, layout) or next(
        (u for j, x in enumerate(heads) if x.kind is None and (u := unit_in(names[j], layout))), None)

    labels = [j for j, x in enumerate(heads) if x.kind == "label"]
    chains = [j for j, x in enumerate(heads) if x.kind == "chain"]
    if labels and chains:
        label_col, chain_col = labels[0], chains[0]
    else:
        label_col, chain_col = (labels or chains)[0], None
    area_col = next((j for j, x in enumerate(heads) if x.kind == "area"), None)
    unit_col = next((j for j, x in enumerate(heads) if x.kind == "unit"), None)

    values: list[_ValueCol] = []
    for j, x in enumerate(heads):
        if x.kind in ("monthly", "cumulative"):
            p = x.period.over(context)
            if p.year is None or p.month is None:
                missing = " or ".join(k for k, v in (("year", p.year), ("month", p.month)) if v is None)
                raise InputError(f"{where}column {names[j]!r} has no {missing}: neither its heading, the title, the "
                                 "sheet name nor the file name gives one (write e.g. 2025年1—9月 in the title)",
                                 file=file, line=h + 1, cell=f"{col_letter(j)}{h + 1}")
            values.append(_ValueCol(j, x, p))
    for j, x in enumerate(heads):  # each growth column belongs to a value column: of the kind it names, nearest left
        if x.kind != "yoy":
            continue
        free = [v for v in values if v.yoy is None and (x.yoy_of is None or v.heading.kind == x.yoy_of)]
        left = [v for v in free if v.col < j]
        if left or free:
            (left[-1] if left else free[0]).yoy = j
    unused = [names[j] for j, x in enumerate(heads) if x.kind in ("ignored", None) and names[j]
              and not unit_in(names[j], layout)]

    entries: list[dict] = []
    ctx = {"series": None, "indicator": None, "unit": None, "area": ""}
    label_key = cell_key(names[label_col])
    blank = 0
    data_start = h + n_head
    for i in range(data_start, len(rows)):
        cells = rows[i]
        if not any(cells):
            blank += 1
            continue
        label = cells[label_col] or (cells[chain_col] if chain_col is not None else "")
        lab = read_label(label, layout)
        base = {"file": file, "sheet": sheet, "row": i + 1, "label": label, "column": "", "cell": ""}
        vals = [(v, cells[v.col], cells[v.yoy] if v.yoy is not None else "") for v in values]
        has_any = [(v, vt, yt) for v, vt, yt in vals if vt or yt]
        if cell_key(label) == label_key and (not has_any or all(cell_key(vt) == cell_key(names[v.col])
                                                                 for v, vt, _ in has_any)):
            entries.append({**base, "code": "header_repeat"})
            continue
        if lab.kind == "note" or (not label and not has_any):
            if lab.unit:
                ctx["unit"] = lab.unit
            entries.append({**base, "label": label or " ".join(c for c in cells if c), "code": "note_row"})
            continue
        if lab.kind == "subtotal":
            entries.append({**base, "code": "subtotal_row"})
            continue
        if not has_any:  # a label and no value: a section heading for the rows below
            if not lab.recognised and not (area_col is not None and cells[area_col]):
                entries.append({**base, "code": "label_unknown"})
                continue
            if lab.series:
                ctx["series"] = lab.series
            if lab.indicator:
                ctx["indicator"], ctx["unit"] = lab.indicator, lab.unit
            elif lab.unit:
                ctx["unit"] = lab.unit
            if lab.area or (area_col is not None and cells[area_col]):
                ctx["area"] = cells[area_col] if area_col is not None and cells[area_col] else lab.area
            entries.append({**base, "code": "section_heading"})
            continue
        if lab.indicator:  # "规上工业营业收入" gives its indicator to the "其中：现代针纺" rows below it
            same = ctx["indicator"] == lab.indicator
            ctx["indicator"], ctx["unit"] = lab.indicator, lab.unit or (ctx["unit"] if same else None)
        chain_lab = read_label(cells[chain_col], layout) if chain_col is not None else None
        series = (chain_lab.series if chain_lab else None) or lab.series or ctx["series"]
        row_unit = unit_in(cells[unit_col], layout) if unit_col is not None and cells[unit_col] else None
        area_text = cells[area_col] if area_col is not None and cells[area_col] else (lab.area or ctx["area"])
        if all(parse_number(vt, layout)[1] == "missing" and not yt for _, vt, yt in has_any):
            entries.append({**base, "code": "value_missing", "series": series, "series_text": label})
            continue
        for v, vt, yt in has_any:
            indicator = lab.indicator or v.heading.indicator or ctx["indicator"] or title_label.indicator
            unit = row_unit or lab.unit or v.heading.unit or (ctx["unit"] if ctx["indicator"] == indicator else None)
            entries.append({
                **base, "code": "", "column": names[v.col], "cell": f"{col_letter(v.col)}{i + 1}",
                "series": series, "series_text": (cells[chain_col] if chain_col is not None else "") or label,
                "indicator": indicator, "indicator_text": label, "area_text": area_text,
                "unit": unit or note_unit, "value_text": vt, "yoy_text": yt,
                "year": v.period.year, "month": v.period.month, "cumulative": v.heading.kind == "cumulative",
            })
    info = {
        "layout": "report", "header_rows": list(range(h + 1, h + n_head + 1)), "title": title,
        "columns": {names[j]: x.kind for j, x in enumerate(heads) if names[j] and x.kind},
        "value_columns": [{"heading": names[v.col], "kind": v.heading.kind, "year": v.period.year,
                           "month": v.period.month, "yoy_column": names[v.yoy] if v.yoy is not None else None}
                          for v in values],
        "unit_note": note_unit[0] if note_unit else None,
        "rows_read": len(rows) - data_start - blank, "blank_rows": blank,
        "synthetic": _synthetic(file, title + " " + sheet),
        "notes": [f"column {u!r} not read" for u in unused],
    }
    return SheetEntries(file, sheet, "report", entries, info)


# --------------------------------------------------------------------------------------------- tidy
_TRUE = {"true", "1", "是", "累计", "yes", "y", "t"}
_FALSE = {"false", "0", "否", "本月", "当月", "no", "n", "f"}


def _walk_tidy(rows, h: int, cols: dict[str, int], layout: Layout, file: str, sheet: str, file_period: Period,
               where: str) -> SheetEntries:
    header = rows[h]
    title = _title(rows, h)
    context = find_period(title, where=where + "title: ", file=file).over(file_period)
    note_unit = unit_in(title, layout)
    get = lambda cells, k: cells[cols[k]] if k in cols else ""
    header_key = [cell_key(c) for c in header]
    entries, blank = [], 0
    period_cache: dict[tuple[str, str], Period | str] = {}
    # a tidy file repeats a few texts thousands of times: each is read once (same results, row by row)
    key_of: dict[str, str] = {}
    unit_of: dict[str, tuple[str, str, float] | None] = {}
    jv, value_col = cols["value"], header[cols["value"]]
    letter = col_letter(jv)
    for i in range(h + 1, len(rows)):
        cells = rows[i]
        if not any(cells):
            blank += 1
            continue
        base = {"file": file, "sheet": sheet, "row": i + 1, "column": value_col, "cell": f"{letter}{i + 1}"}
        first = next(c for c in cells if c)
        if cell_key(cells[jv]) == header_key[jv] and [cell_key(c) for c in cells] == header_key:
            entries.append({**base, "label": first, "code": "header_repeat"})
            continue
        if read_label(first, layout).kind == "note" and not get(cells, "value"):
            entries.append({**base, "label": first, "code": "note_row"})
            continue
        ytext, mtext = get(cells, "year"), get(cells, "month")
        key = (ytext, mtext)
        if key not in period_cache:
            try:
                p = find_period(f"{ytext}年" if re.fullmatch(r"\d{4}", ytext.strip()) else ytext, file=file)
                m = mtext.strip()
                q = find_period(f"{m}月" if re.fullmatch(r"\d{1,2}", m) else m, file=file, strict_iso=False)
                if re.fullmatch(r"\d{1,2}", m):
                    q = Period(q.year, q.month, None)
                period_cache[key] = q.over(p).over(context)
            except InputError as exc:
                period_cache[key] = str(exc).split(": ", 1)[-1]
        period = period_cache[key]
        chain_text, ind_text = get(cells, "chain"), get(cells, "indicator")
        chain_lab, ind_lab = read_label(chain_text, layout), read_label(ind_text, layout)
        cum_raw, unit_raw = get(cells, "cumulative"), get(cells, "unit")
        if cum_raw not in key_of:
            key_of[cum_raw] = cell_key(cum_raw)
        if unit_raw not in unit_of:
            unit_of[unit_raw] = unit_in(unit_raw, layout)
        cum_text = key_of[cum_raw]
        entry = {**base, "label": chain_text, "series_text": chain_text, "indicator_text": ind_text,
                 "series": chain_lab.series, "indicator": ind_lab.indicator or chain_lab.indicator,
                 "area_text": get(cells, "area"), "value_text": get(cells, "value"), "yoy_text": get(cells, "yoy"),
                 "unit": unit_of[unit_raw] or ind_lab.unit or note_unit}
        if chain_lab.kind == "subtotal":
            entries.append({**entry, "code": "subtotal_row"})
            continue
        if isinstance(period, str):
            entries.append({**entry, "code": "period_invalid", "period_error": period})
            continue
        cumulative = (True if cum_text in _TRUE else False if cum_text in _FALSE else
                      period.cumulative if period.cumulative is not None else True)
        entries.append({**entry, "code": "", "year": period.year, "month": period.month, "cumulative": cumulative})
    info = {
        "layout": "tidy", "header_rows": [h + 1], "title": title,
        "columns": {header[j]: k for k, j in cols.items()},
        "value_columns": [{"heading": header[cols["value"]], "kind": "per row"}],
        "unit_note": note_unit[0] if note_unit else None,
        "rows_read": len(rows) - h - 1 - blank, "blank_rows": blank,
        "synthetic": _synthetic(file, title + " " + sheet),
        "notes": [f"column {c!r} not read" for j, c in enumerate(header) if c and j not in cols.values()],
    }
    return SheetEntries(file, sheet, "tidy", entries, info)
