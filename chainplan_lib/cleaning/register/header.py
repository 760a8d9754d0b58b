"""Finding a register's header: the row (or two rows) naming the columns, below title rows and unit notes.

Per sheet: the row among the first :data:`HEADER_SCAN_ROWS` that names the most known columns, combined with
the row under it when the heading is split over two rows (units or sub-labels under merged cells); which column
is which field (the config lists the accepted headings); the revenue unit (heading or a 单位：万元 note) and the
year the title rows give.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import RegisterConfig, norm_key

__all__ = ["HEADER_SCAN_ROWS", "Header", "AmbiguousColumn", "header_key", "find_header", "cell_text",
           "unique_names", "col_letter", "YEAR_IN_TEXT"]

HEADER_SCAN_ROWS = 15
_UNIT = r"(亿元|万元|千元|元)"
_UNIT_IN_HEADING = re.compile(r"\(?(单位[:：]?)?(人民币)?" + _UNIT + r"\)?")
_UNIT_NOTE = re.compile(r"单位[:：]?(人民币)?" + _UNIT)
YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_YEAR_PREFIX = re.compile(r"^(20\d{2})年?度?")


@dataclass(frozen=True)
class Header:
    first_row: int  # 0-based index of the first heading row in the sheet
    n_rows: int  # 1, or 2 when the heading is split over two rows
    names: tuple[str, ...]  # one unique display name per column
    fields: dict[str, int]  # field -> column position
    revenue_unit: str | None  # from the revenue heading
    header_year: int | None  # a year in the revenue heading ("2024年营业收入")
    note_unit: str | None  # from a 单位：万元 note above the header or beside it
    title_year: int | None  # the one year the rows above the header name
    title: str  # the text above the header, joined

    @property
    def data_start(self) -> int:
        return self.first_row + self.n_rows


class AmbiguousColumn(Exception):
    """Two columns could be the same field with the same priority."""

    def __init__(self, fname: str, a: int, b: int):
        super().__init__(fname)
        self.fname, self.a, self.b = fname, a, b


def header_key(text: str) -> tuple[list[str], str | None, int | None]:
    """Lookup keys for a heading, plus the unit and year it carries. ``营业收入（万元）`` -> ([营业收入], 万元, None)."""
    t = norm_key(text)
    unit_m = re.search(_UNIT, t) if ("元" in t) else None
    year_m = _YEAR_PREFIX.match(t)
    key = _UNIT_IN_HEADING.sub("", t)
    key = _YEAR_PREFIX.sub("", key).strip("/:：,-_*")
    keys = [t, key]
    no_paren = re.sub(r"\([^)]*\)", "", key).strip("/:：,-_*")
    if no_paren and no_paren not in keys:
        keys.append(no_paren)
    return keys, (unit_m.group(1) if unit_m else None), (int(year_m.group(1)) if year_m else None)


def cell_text(v: Any) -> str:
    """A cell as header text: '' for empty, stripped."""
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip()


def _match_row(cells: list[str], aliases: dict[str, tuple[str, int]]) -> dict[int, tuple[str, int]]:
    """column -> (field, priority) for the cells that are known headings."""
    found = {}
    for j, cell in enumerate(cells):
        if not cell:
            continue
        for key in header_key(cell)[0]:
            if key in aliases:
                found[j] = aliases[key]
                break
    return found


def _score(found: dict[int, tuple[str, int]]) -> int:
    return len({f for f, _ in found.values() if f != "seq"})


def _looks_like_subheading(cell: str) -> bool:
    t = norm_key(cell)
    if not t:
        return True
    if re.fullmatch(r"[-+]?\d+(\.\d+)?", t) or len(t) > 10 or re.search(r"公司|厂|中心|店", t):
        return False
    return True


def find_header(rows: list[list[str]], cfg: RegisterConfig) -> Header | None:
    """The header among the first rows of a sheet, or None when no row names two known fields.

    Raises :class:`AmbiguousColumn` when two columns could be one field.
    """
    aliases = cfg.alias_table()
    scan = rows[:HEADER_SCAN_ROWS] or [[]]
    best, best_found, best_score = -1, {}, 1
    for i, cells in enumerate(scan):
        found = _match_row(cells, aliases)
        if _score(found) > best_score:  # strictly better: the first of equals wins
            best, best_found, best_score = i, found, _score(found)
    if best < 0 or not {f for f, _ in best_found.values()} & {"name", "uscc"}:
        return None
    upper = rows[best]
    width = max(len(r) for r in scan)
    upper = upper + [""] * (width - len(upper))
    names, n_rows, found = list(upper), 1, best_found
    if best + 1 < len(rows):  # a second heading row: units or sub-labels under merged cells
        lower = rows[best + 1] + [""] * (width - len(rows[best + 1]))
        differs = [j for j in range(width) if lower[j] and lower[j] != upper[j]]
        if differs and all(_looks_like_subheading(lower[j]) for j in differs):
            combined = [u + lo if (lo and lo != u) else (u or lo) for u, lo in zip(upper, lower)]
            found2 = {}
            for j in range(width):
                for cand in (combined[j], lower[j], upper[j]):
                    hit = _match_row([cand], aliases)
                    if hit:
                        found2[j] = hit[0]
                        break
            if _score(found2) >= _score(found):
                names, n_rows, found = combined, 2, found2
    fields: dict[str, int] = {}
    for j, (fname, prio) in sorted(found.items(), key=lambda kv: (kv[1][1], kv[0])):
        if fname not in fields:
            fields[fname] = j
        elif found[fields[fname]][1] == prio and fname != "seq":
            raise AmbiguousColumn(fname, fields[fname], j)
    above = [c for r in rows[:best] for c in r if c]
    title = " ".join(dict.fromkeys(above))  # merged title cells repeat: keep each text once
    _, rev_unit, rev_year = header_key(names[fields["revenue"]]) if "revenue" in fields else ([], None, None)
    note_cells = above + [names[j] for j in range(width) if j not in found]
    note_unit = next((m.group(2) for c in note_cells if (m := _UNIT_NOTE.search(norm_key(c)))), None)
    years = {int(y) for y in YEAR_IN_TEXT.findall(norm_key(title))}
    return Header(
        first_row=best, n_rows=n_rows, names=unique_names(names), fields=fields,
        revenue_unit=rev_unit, header_year=rev_year, note_unit=note_unit,
        title_year=years.pop() if len(years) == 1 else None, title=title,
    )


def unique_names(names: list[str]) -> tuple[str, ...]:
    """One display name per column: blanks named after their column letter, repeats numbered."""
    out, seen = [], {}
    for j, n in enumerate(names):
        n = n or f"未命名列{col_letter(j)}"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return tuple(out)


def col_letter(j: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column letters)."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s
