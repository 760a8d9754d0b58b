"""The row walkers: a sheet's rows of text -> tables -> entries (one per value cell, or per structural row).

A sheet (or a saved web page's table) holds one table or several, each under its own title rows and header.
A *header* is one to three rows: indicator groups over value columns (营业收入 over 1—2月 / 比去年同期增长(%)),
merged or repeated, in any order of 本月 / 1—N月累计 / 本月止累计 / 上年同期 / 同比 / 累计增长; the label column may
have a heading (指标名称, 项目, 行业), an indicator's name (现价工业产值) or none. A new header below the data of
a table, after a title row (``6、工业企业经济效益``) or with other columns, starts a new table; the same header
repeated right after data rows is a repeated header (quarantined as such).

An *entry* is a dict of what one cell says, with everything the layout tells about it resolved as far as the
sheet allows: the series (a chain id or 'industry') from the chain column, the row label or the section
heading above; the industry (GB/T 4754) of a row by 行业; the indicator; the unit (the row's unit column, the
label, the column heading, the section heading, a 单位 line); the period (the column heading, else the title,
the sheet name, the file name, a saved page's date); the growth and prior-year cells beside the figure.
Rows that carry no value (section headings, group headings, notes, subtotals, a repeated header, breakdowns by
ownership or size) are entries too, with a ``code`` saying why they hold no data, so that every row read can
be accounted for.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from ...errors import InputError
from ...plan.model import TOTAL
from ...plan.names import INDUSTRY_ID
from .headings import HEADER_SCAN_ROWS, Heading, Period, SheetEntries, classify_heading, find_period
from .labels import Layout, cell_key, parse_growth, parse_number, read_label, unit_in

__all__ = ["extract_sheet", "col_letter", "ENTRY_FIELDS"]

ENTRY_FIELDS = ("file", "sheet", "table", "row", "column", "cell", "code", "label", "series", "series_text",
                "indicator", "indicator_text", "area_text", "unit", "value_text", "yoy_text", "prior_text", "year",
                "month", "cumulative", "industry", "industry_name", "industry_how", "of_which", "part_of", "detail")
_SYNTHETIC = ("synthetic", "示例", "合成", "虚构")
MAX_HEADER_ROWS = 3


def col_letter(j: int) -> str:
    s, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _where(sheet: str, several: bool, table: int = 0) -> str:
    parts = [f"sheet {sheet!r}"] if several and sheet else []
    if table:
        parts.append(f"table {table}")
    return (", ".join(parts) + ": ") if parts else ""


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


# --------------------------------------------------------------------------------------------- headers
@dataclass
class _Header:
    start: int  # first header row (0-based)
    depth: int  # 1–3 rows
    names: list[str]
    heads: list[Heading]
    label_col: int
    chain_col: int | None

    @property
    def end(self) -> int:
        return self.start + self.depth


def _combine(block: list[list[str]]) -> list[str]:
    """Each column's heading over the header rows: the distinct texts top-down (a merged cell repeats its text)."""
    names = []
    for j in range(len(block[0])):
        parts: list[str] = []
        for r in block:
            c = r[j]
            if c and (not parts or c != parts[-1]):
                parts.append(c)
        names.append("".join(parts))
    return names


def _label_columns(heads: list[Heading], names: list[str]) -> tuple[int, int | None] | None:
    """(label column, chain column) of a header, or None: a label / chain heading, else the first column left of the
    figures whose heading is blank or names no kind (an indicator's name over the labels)."""
    labels = [j for j, x in enumerate(heads) if x.kind == "label"]
    chains = [j for j, x in enumerate(heads) if x.kind == "chain"]
    if labels and chains:
        return labels[0], chains[0]
    if labels or chains:
        return (labels or chains)[0], None
    first_fig = next((j for j, x in enumerate(heads) if x.figure), None)
    if first_fig is None:
        return None
    free = [j for j in range(first_fig) if heads[j].kind is None]
    return (free[0], None) if free else None


def _valid(heads: list[Heading], names: list[str]) -> tuple[int, int | None] | None:
    if not any(x.kind in ("monthly", "cumulative", "yoy") for x in heads):
        return None
    cols = _label_columns(heads, names)
    if cols is None:
        return None
    first_fig = next(j for j, x in enumerate(heads) if x.figure)
    return cols if cols[0] < first_fig or heads[cols[0]].kind in ("label", "chain") else None


def _is_figure_cell(text: str, layout: Layout) -> bool:
    return bool(text) and (parse_number(text, layout)[1] != "not_number" or parse_growth(text, layout)[1] == "ok")


def _continues(upper: list[str], lower: list[str], label_col: int, layout: Layout) -> bool:
    """Whether ``lower`` continues the header above it (sub-headings under merged cells, a unit line)."""
    if lower[label_col] and lower[label_col] != upper[label_col]:
        return False
    differs = [j for j in range(len(upper)) if lower[j] and lower[j] != upper[j]]
    if not differs:
        return any(lower) and lower == upper  # a merged heading repeated by the merge fill
    for j in differs:
        if parse_number(lower[j], layout)[1] == "ok" or parse_growth(lower[j], layout)[1] == "ok" \
                or len(cell_key(lower[j])) > 16:
            return False
    return True


def _header_at(rows: list[list[str]], i: int, layout: Layout) -> _Header | None:
    """The header starting at row ``i`` (the deepest of one to three rows that reads as one), or None."""
    best = None
    first = rows[i]
    if not any(c and c != first[0] for c in first[1:]):  # a title or unit line (one cell, or one merged across)
        return None
    for depth in range(1, MAX_HEADER_ROWS + 1):
        if i + depth > len(rows):
            break
        block = rows[i:i + depth]
        if depth > 1:
            lab = best.label_col if best else 0
            if not _continues(block[-2], block[-1], lab, layout):
                break
        if any(_is_figure_cell(c, layout) for c in block[-1]):
            break
        names = _combine(block)
        heads = [_safe_heading(c, layout) for c in names]
        cols = _valid(heads, names)
        if cols is not None:
            best = _Header(i, depth, names, heads, cols[0], cols[1])
        elif depth == 1 and not any(c for c in block[0]):
            break
    return best


# --------------------------------------------------------------------------------------------- sheets
def extract_sheet(rows: list[list[str]], layout: Layout, *, file: str, sheet: str, file_period: Period,
                  several_sheets: bool = False, published: _dt.date | None = None,
                  title_rows: int = 0) -> list[SheetEntries]:
    """The tables of one sheet (see the module docstring). ``published``: a saved page's date (for the year of a
    table that names only its months); ``title_rows``: leading rows that are the page's own title lines."""
    where = _where(sheet, several_sheets)
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    first = None
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS + title_rows]):
        tidy = _tidy_columns(cells, layout)
        if _is_tidy(tidy):
            return [_walk_tidy(rows, i, tidy, layout, file, sheet, file_period, where)]
        if (first := _header_at(rows, i, layout)) is not None:
            break
    if first is None:
        raise InputError(f"{where}no header row in the first {HEADER_SCAN_ROWS} rows: a report needs a label column "
                         "(指标名称 / 产业链 / 行业, or none) and a column of figures (本月 / 1—N月累计 / 本年累计 / 同比); "
                         "a tidy file needs columns year, month, chain, value", file=file)
    headers = [first]
    i = first.end
    seen_data = False
    while i < len(rows):
        cells = rows[i]
        if any(_is_figure_cell(c, layout) for j, c in enumerate(cells) if j != headers[-1].label_col):
            seen_data = True
            i += 1
            continue
        h = _header_at(rows, i, layout) if any(cells) else None
        if h is not None and seen_data and (h.names != headers[-1].names or _title_above(rows, i, layout)):
            headers.append(h)
            seen_data = False
            i = h.end
            continue
        i += 1
    # each table: from the row after the previous table's last data row (its title rows) to its last row
    tables = []
    starts = [0] + [_title_start(rows, h.start, layout) for h in headers[1:]]
    ends = starts[1:] + [len(rows)]
    parent = _title(rows, 0, first.start)
    several = len(headers) > 1
    for k, (h, s, e) in enumerate(zip(headers, starts, ends), start=1):
        t = _walk_report(rows, s, h, e, layout, file, sheet, file_period, _where(sheet, several_sheets,
                                                                                 k if several else 0),
                         parent if k > 1 else "", published, title_rows)
        t.table = k if several else 0
        tables.append(t)
    return tables


def _title_above(rows, i: int, layout: Layout) -> bool:
    """Whether the row above a header is a title line (text in the label column only), not data."""
    return i > 0 and _title_start(rows, i, layout) < i


def _title_start(rows, i: int, layout: Layout) -> int:
    """The first of the title rows (label-only, no figures) right above row ``i``."""
    k = i
    while k > 0:
        above = rows[k - 1]
        texts = [c for c in above if c]
        if not texts or any(_is_figure_cell(c, layout) for c in texts) or len(set(texts)) > 1:
            break
        k -= 1
    return k


def _title(rows: list[list[str]], start: int, upto: int) -> str:
    return " ".join(dict.fromkeys(c for r in rows[start:upto] for c in r if c))


def _synthetic(file: str, title: str) -> bool:
    text = (file.rsplit("/", 1)[-1] + " " + title).lower()
    return any(k in text for k in _SYNTHETIC)


# --------------------------------------------------------------------------------------------- report
@dataclass
class _ValueCol:
    col: int | None  # None: a growth-only column (the table prints the growth, not the figure)
    heading: Heading
    period: Period
    yoy: int | None = None
    prior: int | None = None


def _year_from_date(p: Period, published: _dt.date | None) -> Period:
    """A period with only its months: the year of the latest such months published on or before the page's date."""
    if p.year is not None or p.month is None or published is None:
        return p
    year = published.year if p.month < published.month else published.year - 1
    return Period(year, p.month, p.cumulative)


def _walk_report(rows, start: int, hd: _Header, end: int, layout: Layout, file: str, sheet: str, file_period: Period,
                 where: str, parent_title: str, published: _dt.date | None, lead: int = 0) -> SheetEntries:
    """One table: rows ``start``..``end`` (title rows, then the header ``hd``, then data). ``lead``: rows put in
    front of the sheet's own (a page's title lines), not counted in row numbers."""
    h, n_head, names = hd.start, hd.depth, hd.names
    n = lambda i: i + 1 - lead  # the 1-based row number a person sees in the sheet or the page's table
    heads = [classify_heading(c, layout, where=where + f"cell {col_letter(j)}{n(h)}: ", file=file)
             if c else Heading(c, None) for j, c in enumerate(names)]
    label_col, chain_col = hd.label_col, hd.chain_col
    title = _title(rows, start, h)
    context = find_period(title, where=where + "title: ", file=file)
    if parent_title:
        context = context.over(find_period(parent_title, where=where + "title: ", file=file))
    context = context.over(find_period(sheet, where="sheet name: ", file=file)).over(file_period)
    title_label = read_label(title, layout)
    label_head = read_label(names[label_col], layout) if heads[label_col].kind is None else None
    note_unit = unit_in(title, layout) or next(
        (u for j, x in enumerate(heads) if x.kind is None and (u := unit_in(names[j], layout))), None)
    if note_unit is None and parent_title:
        note_unit = unit_in(parent_title, layout)
    area_col = next((j for j, x in enumerate(heads) if x.kind == "area"), None)
    unit_col = next((j for j, x in enumerate(heads) if x.kind == "unit"), None)
    notes: list[str] = []

    def settle(j: int | None, x: Heading) -> Period:
        p = _year_from_date(x.period.over(context), published)
        if p.year is not None and x.period.over(context).year is None:
            notes.append(f"year {p.year} of {names[j] if j is not None else x.text!r} from the page's date "
                         f"{published.isoformat()}")
        if p.year is None or p.month is None:
            missing = " or ".join(k for k, v in (("year", p.year), ("month", p.month)) if v is None)
            raise InputError(f"{where}column {x.text!r} has no {missing}: neither its heading, the title, the "
                             "sheet name, the page's date nor the file name gives one (write e.g. 2025年1—9月 in the "
                             "title)", file=file, line=n(h), cell=f"{col_letter(j if j is not None else 0)}{n(h)}")
        return p

    values: list[_ValueCol] = []
    for j, x in enumerate(heads):
        if x.kind in ("monthly", "cumulative"):
            values.append(_ValueCol(j, x, settle(j, x)))
    for kind, attr in (("yoy", "yoy"), ("prior", "prior")):
        # each growth / prior-year column belongs to a figure: of the kind it names, the nearest to its left
        for j, x in enumerate(heads):
            if x.kind != kind:
                continue
            free = [v for v in values if getattr(v, attr) is None and v.col is not None
                    and (x.yoy_of is None or v.heading.kind == x.yoy_of)]
            left = [v for v in free if v.col < j]
            if left or free:
                setattr(left[-1] if left else free[0], attr, j)
            elif kind == "yoy":  # growth without its figure (a growth-only table): a figure column of its own
                of = x.yoy_of or "cumulative"
                hx = Heading(x.text, of, x.period, None, None, x.indicator)
                values.append(_ValueCol(None, hx, settle(j, x), yoy=j))
            else:
                notes.append(f"column {names[j]!r} not read (no figure column for it)")
    unused = [names[j] for j, x in enumerate(heads) if x.kind in ("ignored", None) and names[j] and j != label_col
              and not unit_in(names[j], layout)]

    data_start = h + n_head
    entries: list[dict] = []
    ctx: dict = {"series": None, "indicator": None, "unit": None, "area": ""}
    label_key = cell_key(names[label_col])
    blank = 0

    def label_of(cells):
        return cells[label_col] or (cells[chain_col] if chain_col is not None else "")

    plan_chains = set(layout.plan.chain_ids)
    labels = [read_label(label_of(rows[i]), layout) for i in range(data_start, end)]
    chain_table = any(lab.series in plan_chains for lab in labels) or (
        chain_col is not None and any(read_label(rows[i][chain_col], layout).series in plan_chains
                                      for i in range(data_start, end)))
    by_industry = any(lab.industry for lab in labels)
    default_series = title_label.series or (label_head.series if label_head else None) or (
        None if chain_table else INDUSTRY_ID)
    table_indicator = (label_head.indicator if label_head and label_head.indicator else None) or title_label.indicator
    last_area: str | None = None
    division_rows: dict[str, str] = {}
    for i in range(data_start, end):
        cells = rows[i]
        if not any(cells):
            blank += 1
            continue
        label = label_of(cells)
        lab = labels[i - data_start]
        vals = [(v, cells[v.col] if v.col is not None else "", cells[v.yoy] if v.yoy is not None else "",
                 cells[v.prior] if v.prior is not None else "") for v in values]
        has_any = [(v, vt, yt, pt) for v, vt, yt, pt in vals if vt or yt or pt]
        # a row quarantined whole keeps its figures as printed (value_text: the cells right of the label)
        figures = " | ".join(c for j, c in enumerate(cells) if c and j not in (label_col, chain_col)) if has_any else ""
        base = {"file": file, "sheet": sheet, "row": n(i), "label": label, "column": "", "cell": ""}
        whole = {**base, "value_text": figures}  # for a row quarantined as a whole (a subtotal, a breakdown …)
        if cell_key(label) == label_key and label_key and (
                not has_any or all(cell_key(vt) == cell_key(names[v.col]) for v, vt, _, _ in has_any
                                   if v.col is not None)):
            entries.append({**base, "code": "header_repeat"})
            continue
        if lab.kind == "note" or (not label and not has_any):
            if lab.unit:
                ctx["unit"] = lab.unit
            entries.append({**base, "label": label or " ".join(c for c in cells if c), "code": "note_row"})
            continue
        if lab.kind == "group":
            ctx["area"], last_area = "", None
            entries.append({**base, "code": "section_heading"})
            continue
        total = lab.kind == "total" or (lab.kind == "subtotal" and not chain_table)
        if lab.kind == "subtotal" and chain_table:
            entries.append({**whole, "code": "subtotal_row"})
            continue
        if lab.kind == "breakdown":
            entries.append({**(whole if has_any else base), "code": "breakdown_not_tracked" if has_any else
                            "section_heading"})
            continue
        if lab.near and not has_any:
            entries.append({**base, "code": "label_unknown"})
            continue
        if lab.near:
            entries.append({**whole, "code": "industry_name_near",
                            "detail": "、".join(f"{c} {n}" for c, n in lab.near)})
            continue
        if not has_any:  # a label and no value: a section heading for the rows below
            if lab.industry is not None:
                entries.append({**base, "code": "value_missing", "industry": lab.industry.code})
                continue
            if not lab.recognised and not total and not (area_col is not None and cells[area_col]):
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
        if lab.indicator:  # "规上工业营业收入" gives its indicator to the "其中：…产业链" rows below it
            same = ctx["indicator"] == lab.indicator
            ctx["indicator"], ctx["unit"] = lab.indicator, lab.unit or (ctx["unit"] if same else None)
        row_unit = unit_in(cells[unit_col], layout) if unit_col is not None and cells[unit_col] else None
        area_text = cells[area_col] if area_col is not None and cells[area_col] else (lab.area or ctx["area"])
        industry = lab.industry
        part_of = ""
        if industry is not None:
            series = None
            if len(industry.code) > 2 and industry.code[:2] in division_rows:
                part_of = division_rows[industry.code[:2]]
            elif len(industry.code) == 2:
                division_rows.setdefault(industry.code, label)
        else:
            chain_lab = read_label(cells[chain_col], layout) if chain_col is not None else None
            series = (chain_lab.series if chain_lab else None) or lab.series or ctx["series"]
            if series is None and (total or lab.indicator or lab.area or (area_col is not None and cells[area_col])):
                series = default_series
            if total and not (area_col is not None and cells[area_col]):
                area_text = area_text or TOTAL
            if series is None and not chain_table and not lab.recognised and not total:
                entries.append({**whole, "code": "label_unknown"})
                continue
            canonical = layout.area_of(area_text or "") if (lab.area or area_col is not None) else None
            if lab.of_which and canonical and canonical != TOTAL and last_area:
                part_of = last_area
            elif canonical and canonical != TOTAL and not lab.of_which:
                last_area = canonical
        if all(parse_number(vt, layout)[1] == "missing" and parse_growth(yt, layout)[1] == "missing"
               and parse_number(pt, layout)[1] == "missing" for _, vt, yt, pt in has_any):
            entries.append({**base, "code": "value_missing", "series": series, "series_text": label,
                            "industry": industry.code if industry else None})
            continue
        for v, vt, yt, pt in has_any:
            indicator = (lab.indicator or v.heading.indicator or ctx["indicator"] or table_indicator)
            unit = row_unit or lab.unit or v.heading.unit or (ctx["unit"] if ctx["indicator"] == indicator else None)
            if unit is None and label_head is not None and label_head.unit:
                unit = label_head.unit
            cell_col = v.col if v.col is not None else v.yoy
            entries.append({
                **base, "code": "", "column": names[cell_col], "cell": f"{col_letter(cell_col)}{n(i)}",
                "series": series, "series_text": (cells[chain_col] if chain_col is not None else "") or label,
                "indicator": indicator, "indicator_text": label, "area_text": area_text,
                "unit": unit or note_unit, "value_text": vt, "yoy_text": yt, "prior_text": pt,
                "year": v.period.year, "month": v.period.month, "cumulative": v.heading.kind == "cumulative",
                "industry": industry.code if industry else None, "industry_name": industry.name if industry else "",
                "industry_how": industry.how if industry else "", "of_which": lab.of_which, "part_of": part_of,
            })
    if by_industry:
        notes.append("rows by industry (GB/T 4754): added up to the plan's chains by their industry_codes")
    if not chain_table and any(e.get("series") == INDUSTRY_ID and not read_label(e["label"], layout).series
                               for e in entries if not e.get("code")) and default_series == INDUSTRY_ID:
        notes.append("rows that name no chain read as 规上工业 (the table names no chain of the plan)")
    info = {
        "layout": "report", "header_rows": [n(x) for x in range(h, h + n_head)], "title": title,
        "table_rows": [max(n(start), 1), n(end - 1)],
        "columns": {names[j]: x.kind for j, x in enumerate(heads) if names[j] and x.kind},
        "value_columns": [{"heading": names[v.col] if v.col is not None else names[v.yoy], "kind": v.heading.kind,
                           "year": v.period.year, "month": v.period.month,
                           "yoy_column": names[v.yoy] if v.yoy is not None else None,
                           "prior_column": names[v.prior] if v.prior is not None else None,
                           "growth_only": v.col is None}
                          for v in values],
        "unit_note": note_unit[0] if note_unit else None,
        "rows_read": end - data_start - blank, "blank_rows": blank,
        "synthetic": _synthetic(file, title + " " + parent_title + " " + sheet),
        "by_industry": by_industry,
        "notes": [*notes, *(f"column {u!r} not read" for u in unused)],
    }
    return SheetEntries(file, sheet, "report", entries, info)


# --------------------------------------------------------------------------------------------- tidy
_TRUE = {"true", "1", "是", "累计", "yes", "y", "t"}
_FALSE = {"false", "0", "否", "本月", "当月", "no", "n", "f"}


def _walk_tidy(rows, h: int, cols: dict[str, int], layout: Layout, file: str, sheet: str, file_period: Period,
               where: str) -> SheetEntries:
    header = rows[h]
    title = _title(rows, 0, h)
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
        "by_industry": False,
        "notes": [f"column {c!r} not read" for j, c in enumerate(header) if c and j not in cols.values()],
    }
    return SheetEntries(file, sheet, "tidy", entries, info)
