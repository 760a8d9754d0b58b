"""Tables for people: Chinese headers, units in the header, numbers formatted, no index dumps.

Functions here reshape or rename, never compute new figures; :func:`show` displays a frame as a clean
HTML table in a notebook (and so in the rendered HTML and PDF). Every shown column has a unit declared in
:mod:`chainplan_lib.present.units` (analytics columns there once, hand-built tables per column here);
:func:`to_html` refuses a column without one. Names, indicator labels, counts and source lines come from the
plan (``plan=None``: the default plan).
"""


from __future__ import annotations

import html as _html
from typing import Any, Mapping

import pandas as pd

from ..plan.model import Plan
from . import units as U
from .sources import indicator_cn
from .units import ByRow, Marked, UndeclaredColumn, Unit


def fmt_num(v, digits: int = 0) -> str:
    """A number with thousands separators; '—' for missing."""
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return "—"
    if isinstance(v, (int, float)):
        return f"{v:,.{digits}f}"
    return str(v)


def fmt_pct(v, digits: int = 1, signed: bool = False) -> str:
    """A fraction as percent (0.1317 → '13.2%'); '—' for missing."""
    if v is None or pd.isna(v):
        return "—"
    return f"{v * 100:{'+' if signed else ''}.{digits}f}%"


def fmt_signed(v, digits: int = 1) -> str:
    """A signed difference (percentage points, 亿元): '+1.5', '-0.3', and '0.0' — never '-0.0' or '+0.0' — for
    anything that rounds to zero at ``digits`` decimals; '—' for missing."""
    if v is None or pd.isna(v):
        return "—"
    text = f"{float(v):+.{digits}f}"
    return text[1:] if float(text) == 0 else text


_TABLE_CSS = ("<style>table.chainplan{border-collapse:collapse;font-size:0.9em;margin:0.4em 0}"
              "table.chainplan th,table.chainplan td{border:1px solid #ccc;padding:2px 6px;text-align:left}"
              "table.chainplan td.num,table.chainplan th.num{text-align:right}"
              "table.chainplan td.num,table.chainplan .short{white-space:nowrap}"
              "table.chainplan caption{font-weight:bold;text-align:left;padding:2px 0}"
              ".table-note{font-size:0.8em;color:#555;margin:0 0 0.8em 0}</style>")


def _declared_units(df: pd.DataFrame, spec: Mapping[str, Any], caption: str | None) -> dict[str, Unit | ByRow]:
    out: dict[str, Unit | ByRow] = {}
    for col in df.columns:
        u = spec.get(col)
        if not isinstance(u, (Unit, ByRow)):
            what = "a format function, not a unit" if callable(u) else "no declared unit"
            raise UndeclaredColumn(f"table {caption or '(untitled)'!r}: column {col!r} has {what}; declare it "
                                   "(chainplan_lib/present/units.py)")
        if isinstance(u, ByRow) and u.key_column not in df.columns:
            raise UndeclaredColumn(f"table {caption or '(untitled)'!r}: column {col!r} takes its unit from "
                                   f"{u.key_column!r}, which the table does not show")
        out[col] = u
    return out


def _cell(value: Any, unit: Unit, short: bool = False) -> str:
    shown = _html.escape(unit.format(value))
    attrs = f' data-unit="{unit.key}"'
    raw = value.value if isinstance(value, Marked) else value
    cls = " ".join(c for c, on in (("num", unit.numeric), ("short", short)) if on)
    if cls:
        attrs = f' class="{cls}"{attrs}'
    if unit.numeric and not isinstance(raw, U.Range) and not U.is_missing(raw):
        attrs += f' data-value="{float(raw)!r}"'
    return f"<td{attrs}>{shown}</td>"


_SHORT = 10  # a text column whose header and cells are all this short never wraps (no one-character lines)


def to_html(df: pd.DataFrame, units: Mapping[str, Unit | ByRow] | None = None, caption: str | None = None,
            note: str | None = None, formats: Mapping[str, Unit | ByRow] | None = None,
            empty: str | None = None) -> str:
    """HTML table, no index: each column shown in its declared unit (``units``: column → :class:`Unit` or
    :class:`ByRow`; ``formats`` is an older name for the same). A column without a declaration raises
    :class:`~chainplan_lib.present.units.UndeclaredColumn`. Cells carry ``data-unit`` and ``data-value``.
    A table without rows is one sentence instead (``empty``, else "<caption>：无数据。"), never a bare header."""
    if df.empty:
        text = empty or (f"{caption}：无数据。" if caption else "无数据。")
        return f"<p class='table-empty'>{_html.escape(text)}</p>"
    spec = _declared_units(df, {**(formats or {}), **(units or {})}, caption)
    cols = list(df.columns)
    num = {c for c in cols if isinstance(spec[c], ByRow) or spec[c].numeric}
    grid = []
    for row in df.itertuples(index=False):
        vals = dict(zip(cols, row))
        grid.append([(vals[c], spec[c].unit_for(vals[spec[c].key_column]) if isinstance(spec[c], ByRow) else spec[c])
                     for c in cols])
    short = {c for k, c in enumerate(cols) if c not in num and len(str(c)) <= _SHORT
             and all(len(u.format(r[k][0])) <= _SHORT for r in grid for u in [r[k][1]])}

    def th(c) -> str:
        cls = " ".join(x for x, on in (("num", c in num), ("short", c in short)) if on)
        attr = f' class="{cls}"' if cls else ""
        return f"<th{attr}>{_html.escape(str(c))}</th>"

    head = "".join(th(c) for c in cols)
    rows = ["<tr>" + "".join(_cell(v, u, c in short) for c, (v, u) in zip(cols, r)) + "</tr>" for r in grid]
    cap = f"<caption>{_html.escape(caption)}</caption>" if caption else ""
    foot = f"<p class='table-note'>{_html.escape(note)}</p>" if note else ""
    # one block with its note, so the PDF keeps caption, rows and note on one page when they fit there
    return (f"<div class='table-block'><table class='chainplan'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{foot}</div>{_TABLE_CSS}")


def shown(table: tuple[pd.DataFrame, dict] | pd.DataFrame, **kw) -> pd.DataFrame:
    """The cells of a table as a reader sees them (strings, each column in its declared unit), same columns.

    Takes what the table functions return, ``(frame, {"units": …})``, like :func:`show`; for tests and for
    anything that needs the shown text without the HTML.
    """
    if isinstance(table, tuple):
        df, kw = table[0], {**table[1], **kw}
    else:
        df = table
    spec = _declared_units(df, {**(kw.get("formats") or {}), **(kw.get("units") or {})}, kw.get("caption"))
    out = {}
    for c in df.columns:
        u = spec[c]
        if isinstance(u, ByRow):
            out[c] = [u.unit_for(k).format(v) for v, k in zip(df[c], df[u.key_column])]
        else:
            out[c] = [u.format(v) for v in df[c]]
    return pd.DataFrame(out, index=df.index, columns=list(df.columns))


def show(df_or_html, **kw) -> None:
    """Display a frame (via :func:`to_html`) or ready HTML in the notebook."""
    from IPython.display import HTML, display

    if isinstance(df_or_html, tuple):
        df_or_html, kw = df_or_html[0], {**df_or_html[1], **kw}
    display(HTML(df_or_html if isinstance(df_or_html, str) else to_html(df_or_html, **kw)))


def show_each(tables) -> None:
    """:func:`show` each of several tables, in order (one per indicator of the plan, say)."""
    for t in tables:
        show(t)


def _row_unit(decl: Unit | ByRow, row: Mapping[str, Any], labels: Mapping[str, str]) -> Unit:
    if isinstance(decl, ByRow):
        key = row[decl.key_column]
        try:
            return decl.unit_for(key)
        except UndeclaredColumn:
            return decl.unit_for(labels.get(key, key))
    return decl


def display_rounded(df: pd.DataFrame, *, plan: Plan) -> pd.DataFrame:
    """The frame with the display-rounding rule of :mod:`~chainplan_lib.present.units` applied to the analytics
    columns it declares: each column of :data:`~chainplan_lib.present.units.DIFFERENCES` shown beside both of its
    operands becomes the difference of their printed values; each column of
    :data:`~chainplan_lib.present.units.PARTS_OF` is rounded so that its printed rows add up to the printed whole.
    Other columns are returned as they are (a copy)."""
    out = df.copy()
    labels = indicator_cn(plan)
    for col, (a, b) in U.DIFFERENCES.items():
        if not {col, a, b} <= set(out.columns):
            continue
        ua, uc = U.column(a).unit, U.column(col).unit
        vals = []
        for _, row in out.iterrows():
            unit_a = _row_unit(ua, row, labels)
            diff = U.printed_difference(row[a], row[b], unit_a)  # in the operands' shown scale
            vals.append(diff / _row_unit(uc, row, labels).scale if not pd.isna(diff) else diff)
        out[col] = vals
    for col, whole in U.PARTS_OF.items():
        if col in out.columns and len(out):
            unit = U.column(col).unit
            out[col] = U.round_parts(list(out[col]), whole, unit)
    return out


#: English column → Chinese header, derived from the declarations in units.py (None: never shown).
COLUMN_CN = {name: col.header for name, col in U.COLUMNS.items()}


def present(df: pd.DataFrame, caption: str | None = None, note: str | None = None,
            columns: list[str] | None = None, rename: dict[str, str] | None = None,
            *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """An analytics frame ready for :func:`show`: chosen columns, Chinese headers with units, each column
    shown in the unit declared in :data:`chainplan_lib.present.units.COLUMNS` (an undeclared column raises).

    ``rename`` overrides headers (e.g. to put the unit into 实际/目标: {'actual': '实际（亿元）'}).
    """
    d = df[columns] if columns else df
    decl = {c: U.column(str(c)) for c in d.columns}
    d = d[[c for c in d.columns if decl[c].header is not None]].copy()
    d = display_rounded(d, plan=plan)
    if "indicator" in d:
        names_cn = indicator_cn(plan)
        d["indicator"] = d["indicator"].map(lambda k: names_cn.get(k, k))
    names = {c: (rename or {}).get(c) or U.header(decl[c].header, decl[c].unit) for c in d.columns}
    spec: dict[str, Unit | ByRow] = {}
    for c in d.columns:
        u = decl[c].unit
        if isinstance(u, ByRow):
            if u.key_column not in names:
                raise UndeclaredColumn(f"table {caption or '(untitled)'!r}: column {c!r} takes its unit from "
                                       f"{u.key_column!r}, which is not among the shown columns")
            u = u.on(names[u.key_column])
        spec[names[c]] = u
    return d.rename(columns=names), {"caption": caption, "note": note, "units": spec}


def goal_words(kind: str, verdict: str, growth: float, qualifier: str = "左右") -> str:
    """A rate's comparison with the plan's overall goal, saying what it is above or below — never 更积极/更保守:
    'about' (10%左右): 高于10%左右 / 低于10%左右 / 在10%左右范围内; 'at_least' (12%以上): 达到12%以上 / 低于12%;
    'at_most' (10%以内): 在10%以内 / 超过10%. ``verdict``: consistent, more_ambitious or less_ambitious (as
    :mod:`chainplan_lib.analysis.consistency` returns them); anything else: 未检验."""
    g = f"{growth:.0%}"
    words = {
        "about": {"consistent": f"在{g}{qualifier}范围内", "more_ambitious": f"高于{g}{qualifier}",
                  "less_ambitious": f"低于{g}{qualifier}"},
        "at_least": {"consistent": f"达到{g}{qualifier}", "more_ambitious": f"达到{g}{qualifier}",
                     "less_ambitious": f"低于{g}"},
        "at_most": {"consistent": f"在{g}{qualifier}", "more_ambitious": f"超过{g}", "less_ambitious": f"在{g}{qualifier}"},
    }
    return words.get(kind, words["about"]).get(verdict, "未检验")
