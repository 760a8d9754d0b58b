"""Tables for people: Chinese headers, units in the header, numbers formatted, no index dumps.

Functions here reshape or rename, never compute new figures; :func:`show` displays a frame as a clean
HTML table in a notebook (and so in the rendered HTML and PDF). Every shown column has a unit declared in
:mod:`chainplan_lib.present.units` (analytics columns there once, hand-built tables per column here);
:func:`to_html` refuses a column without one. Names, indicator labels, counts and source lines come from the
plan (``plan=None``: the default plan).
"""

from __future__ import annotations

import html as _html
import re
from typing import Any, Mapping

import pandas as pd

from ..plan.model import ALL, Plan, cn_count
from ..plan.model import TOTAL as DISTRICT
from . import units as U
from .escape import md_text
from .units import ByRow, Marked, UndeclaredColumn, Unit

__all__ = ["show", "shown", "to_html", "present", "fmt_num", "fmt_pct", "fmt_signed", "above_size_counts", "raw_rows",
           "targets_wide", "repairs", "checks", "targets_overview_md", "checks_verdict_md", "KIND_CN", "SOURCE_CN",
           "INDICATOR_CN", "REASON_CN", "COLUMN_CN", "indicator_cn", "source_plan", "source_table", "goal_text"]


def indicator_cn(plan: Plan) -> dict[str, str]:
    """Indicator id → its label with the unit, as table headers show it: {'revenue': '营业收入（亿元）', …}."""
    return {i.id: f"{i.label}（{i.unit}）" for i in plan.indicators}


def source_plan(plan: Plan) -> str:
    """Source line for numbers from the plan's text: 来源：湖政发〔2024〕2号 正文."""
    return f"来源：{plan.reference or plan.title} 正文"


def _table_name(p: Plan) -> str:
    return p.table_title[len(p.district):] if p.table_title.startswith(p.district) else p.table_title


def source_table(plan: Plan) -> str:
    """Source line for numbers from the annex table: 来源：湖政发〔2024〕2号 附件2《重点产业链目标预测表》（经清洗，见修复记录）."""
    return f"来源：{plan.reference or plan.title} {plan.table_section}《{_table_name(plan)}》（经清洗，见修复记录）"


def goal_text(plan: Plan, growth: float | None = None, qualifier: str | None = None) -> str:
    """The overall goal as the plan words it: '10%左右', '12%以上'; '' without one."""
    g = plan.overall_growth if growth is None else growth
    if g is None:
        return ""
    q = plan.overall_qualifier if qualifier is None else qualifier
    return f"{g:.0%}{q}"


INDICATOR_CN = indicator_cn()  # the default plan's
SOURCE_CN = {"table": "按表读取", "dash": "“-”记0", "imputed": "推算补齐", "missing": "缺失"}
KIND_CN = {
    "surplus_cells": "多余单元格", "year_inferred": "年份补齐", "label_alias": "链名别称/拆分",
    "label_late": "链名后置", "label_inferred": "链名推断", "duplicate_dropped": "重复行删除",
    "imputed": "丢失值推算", "missing": "丢失值无法确定", "title_typo": "标题笔误", "check_failed": "核对不一致",
}
STATUS_CN = {"ok": "一致", "mismatch": "不一致", "incomplete": "有缺失"}
CHECK_CN = {"areas_sum_to_total": "各区域之和 = 全区"}
_TEXT_CHECK = re.compile(r"^table_(\d{4})_vs_text$")


def check_cn(code: str) -> str:
    """A check's name in Chinese: 各区域之和 = 全区, 2026年表中数 = 正文目标 …"""
    m = _TEXT_CHECK.match(str(code))
    return f"{m.group(1)}年表中数 = 正文目标" if m else CHECK_CN.get(code, code)


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
            note: str | None = None, formats: Mapping[str, Unit | ByRow] | None = None) -> str:
    """HTML table, no index: each column shown in its declared unit (``units``: column → :class:`Unit` or
    :class:`ByRow`; ``formats`` is an older name for the same). A column without a declaration raises
    :class:`~chainplan_lib.present.units.UndeclaredColumn`. Cells carry ``data-unit`` and ``data-value``."""
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


def raw_rows(raw: pd.DataFrame, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """The extraction's rows as printed, Chinese headers."""
    df = raw.rename(columns={"line": "行号", "label": "链标签（原文）", "year": "年份（原文）", "indicator": "指标（原文）",
                             "n_cells": "数值单元格数", "cells": "单元格（按顺序）"})
    df["年份（原文）"] = df["年份（原文）"].astype("object").where(df["年份（原文）"].notna(), "（空）")
    return df, {"caption": f"{plan.table_section} 原始提取（每行一条数据，“-”为表中原样）",
                "units": {"行号": U.LINE, "链标签（原文）": U.TEXT, "年份（原文）": U.TEXT, "指标（原文）": U.TEXT,
                          "数值单元格数": U.COUNT, "单元格（按顺序）": U.TEXT}}


def targets_wide(table: pd.DataFrame, indicator: str, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Chain × year rows, 全区 and the plan's areas as columns; imputed values marked †, missing '缺'."""
    t = table[table["indicator"] == indicator].copy()
    marks = {"missing": "缺", "imputed": "†"}
    t["cell"] = [Marked(float("nan") if s == "missing" else v, marks.get(s, ""))
                 for v, s in zip(t["value"], t["source"])]
    wide = t.pivot_table(index=["chain", "year"], columns="area", values="cell", aggfunc="first")
    wide = wide.reindex(columns=[DISTRICT, *plan.area_names]).reset_index()
    wide["chain"] = pd.Categorical(wide["chain"], plan.chain_names, ordered=True)
    wide = wide.sort_values(["chain", "year"]).rename(columns={"chain": "产业链", "year": "年份"})
    wide["产业链"] = wide["产业链"].astype(str)
    label = indicator_cn(plan)[indicator]
    unit = U.BY_INDICATOR.unit_for(label)
    spec = {c: unit for c in wide.columns}
    spec.update({"产业链": U.TEXT, "年份": U.YEAR})
    return wide, {"caption": f"清洗后的目标表：{label}",
                  "note": f"† 为推算补齐的值（见修复记录）；表中“-”记为 0。来源：{plan.reference}{plan.table_section}。",
                  "units": spec}


def repairs(log: pd.DataFrame, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """The repairs log with Chinese headers."""
    labels = {i.id: i.label for i in plan.indicators}
    df = log.drop(columns=["file"], errors="ignore").copy()
    df["kind"] = df["kind"].map(lambda k: KIND_CN.get(k, k))
    df["indicator"] = df["indicator"].map(lambda k: labels.get(k, k))
    df = df.rename(columns={"kind": "类型", "line": "原文行号", "chain": "产业链", "year": "年份", "indicator": "指标",
                            "area": "区域", "what": "问题", "action": "处理", "why": "依据"})
    spec = {c: U.TEXT for c in df.columns}
    spec.update({"原文行号": U.LINE, "年份": U.YEAR})
    return df, {"caption": f"修复记录（共 {len(df)} 处）", "units": spec}


def checks(chk: pd.DataFrame, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Reconciliation checks with Chinese headers and units."""
    df = chk.copy()
    df["check"] = df["check"].map(check_cn)
    df["status"] = df["status"].map(lambda k: STATUS_CN.get(k, k))
    df["indicator"] = df["indicator"].map(indicator_cn(plan))
    df = df.drop(columns=["chain_id"]).rename(columns={
        "check": "核对", "chain": "产业链", "year": "年份", "indicator": "指标（单位）", "expected": "应为",
        "actual": "实际", "difference": "差额", "status": "结果", "detail": "说明"})
    spec = {c: U.TEXT for c in df.columns}
    by = U.BY_INDICATOR.on("指标（单位）")
    spec.update({"年份": U.YEAR, "应为": by, "实际": by, "差额": by})
    return df, {"caption": "核对结果", "units": spec}


def targets_overview_md(result) -> str:
    """One paragraph: rows, sources, repairs, checks."""
    t = result.table
    counts = t["source"].value_counts()
    parts = "，".join(f"{SOURCE_CN[k]} {int(counts.get(k, 0))} 个" for k in SOURCE_CN)
    ok = int((result.checks["status"] == "ok").sum())
    return (f"清洗后共 **{len(t)}** 行（{t['chain'].nunique()} 条链 × {t['year'].nunique()} 年 × "
            f"{t['indicator'].nunique()} 个指标 × {t['area'].nunique()} 个区域）："
            f"{parts}。修复记录 **{len(result.repairs)}** 处；核对 {len(result.checks)} 项，**{ok}** 项一致。")


def checks_verdict_md(chk: pd.DataFrame) -> str:
    bad = chk[chk["status"] != "ok"]
    if bad.empty:
        years = sorted({int(m.group(1)) for c in chk["check"] if (m := _TEXT_CHECK.match(str(c)))})
        text = (f"，{'、'.join(str(y) for y in years)} 年表中数与方案正文目标相同" if years
                else "（方案正文未列出可与表中数核对的目标）")
        return f"**结论**：全部核对一致——各区域之和等于全区{text}。"
    items = "；".join(f"{r.chain} {r.year} {r.indicator}：{r.detail}" for r in bad.itertuples())
    return f"**结论**：{len(bad)} 项不一致（已报告，未强行改数）：{items}。"


# ----------------------------------------------------------------------------- analytics frames for people

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


def yoy_wide(yoy: pd.DataFrame, indicator: str, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Chains × years of year-on-year growth (%), from growth.yoy_growth()."""
    w = yoy.pivot_table(index="chain", columns="year", values="yoy", sort=False).dropna(axis=1, how="all")
    w = w.reset_index().rename(columns={"chain": "产业链"})
    w.columns = [str(c) if not isinstance(c, str) else c for c in w.columns]
    return w, {"caption": f"{indicator_cn(plan)[indicator]}目标的同比增长（%）",
               "units": {c: (U.TEXT if c == "产业链" else U.PCT) for c in w.columns},
               "note": f"来源：{plan.reference}{plan.table_section}（经清洗）。"}


def register_note(register, markdown: bool = False) -> str:
    """Source line for register-based numbers, with the synthetic warning when it applies.

    File names come from input: the text is plain (for :func:`to_html`, which escapes it) unless
    ``markdown=True``, which escapes them for a Markdown display (raw HTML in Markdown would be live).
    """
    names = sorted({str(f).rsplit('/', 1)[-1] for f in register.clean["source_file"].unique()})
    files = ", ".join(md_text(n) for n in names) if markdown else ", ".join(names)
    warn = "【示例数据：合成名录，非真实统计】" if getattr(register, "synthetic", False) else ""
    return f"{warn}来源：规上企业名录（{files}），经 chainplan 清洗。"


def chains_base_yi(targets: pd.DataFrame, year: int | None = None, *, plan: Plan) -> float:
    """Sum of the plan's chains' 全区 revenue targets in `year` (default: the base year), 亿元."""
    year = plan.base_year if year is None else year
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue") & (targets["year"] == year)
                & targets["chain_id"].isin(plan.chain_ids)]
    return float(t["value"].sum())


_VERDICT_CN = {  # by the goal's kind (see analysis.consistency.QUALIFIER_KINDS); {g}: '10%左右', '12%以上'
    "about": {"consistent": "基本一致", "more_ambitious": "比年均{g}更积极", "less_ambitious": "比年均{g}更保守"},
    "at_least": {"consistent": "达到年均{g}", "more_ambitious": "达到年均{g}", "less_ambitious": "低于年均{g}"},
    "at_most": {"consistent": "不超过年均{g}", "more_ambitious": "高于年均{g}", "less_ambitious": "不超过年均{g}"},
}


def verdict_cn(verdict: str, rate: float | None = 0.10, qualifier: str = "左右", kind: str = "about") -> str:
    """The verdict in Chinese: 基本一致 / 比年均10%左右更积极 …; 未检验 without an overall goal."""
    if verdict == "not_tested" or rate is None:
        return "未检验（方案无总体增速目标）"
    return _VERDICT_CN[kind][verdict].format(g=f"{rate:.0%}{qualifier}")


def consistency_cagr(result, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Per-chain CAGR and verdict from a ConsistencyResult."""
    goal = goal_text(plan, result.overall_growth, result.qualifier) if result.tested else ""
    verdict_col = f"与{goal}相比" if goal else "一致性检验"
    rows = []
    for cid in [*result.chain_verdicts, ALL]:
        v = result.verdict if cid == ALL else result.chain_verdicts[cid]
        rows.append({"产业链": plan.chain_label(cid), f"{result.base_year}年（亿元）": result.base_yi[cid],
                     f"{result.target_year}年（亿元）": result.target_yi[cid], "年均增长率": result.cagr[cid],
                     verdict_col: verdict_cn(v, result.overall_growth, result.qualifier, result.kind)})
    df = pd.DataFrame(rows)
    spec = {c: U.TEXT for c in df.columns}
    spec.update({f"{result.base_year}年（亿元）": U.YI, f"{result.target_year}年（亿元）": U.YI, "年均增长率": U.PCT2})
    where = (f"；{goal}见正文{result.section or plan.overall_section}" if goal else "；方案正文未提出总体增速目标")
    return df, {"caption": "各链营业收入目标的年均增长", "units": spec,
                "note": f"来源：{plan.reference}{plan.table_section}（经清洗）{where}。"}


def source_lines(tgt, register, *, plan: Plan) -> list[str]:
    """Data-source lines for the briefing's first page: plain text (file names from input), for
    :func:`chainplan_lib.present.briefing.title_html`, which escapes them."""
    lines = [f"{plan.table_section} 原始提取：{str(tgt.source_file).rsplit('/', 1)[-1]}（清洗修复 {len(tgt.repairs)} 处，见数据说明）"]
    files = "、".join(f.rsplit("/", 1)[-1] for f in register.source_files)
    tag = "（示例数据：合成，非真实统计）" if register.synthetic else ""
    lines.append(f"规上企业名录{tag}：{files}" if files else "规上企业名录：未提供（chainplan brief --registers 名录文件夹）")
    return lines


REASON_CN = {
    "uscc_invalid": "统一社会信用代码不符合 GB 32100-2015", "area_unknown": "镇街不是{n_areas}个区域之一",
    "revenue_negative": "营业收入为负", "revenue_missing": "营业收入为空或占位符（—、-、/、无）",
    "revenue_unparseable": "营业收入无法识别", "duplicate_conflict": "同一信用代码同年出现且数值不同",
    "subtotal_row": "合计/小计行", "note_row": "备注/填报人行", "name_missing": "缺企业名称",
    "uscc_missing_name_not_unique": "缺信用代码且名称不唯一", "chain_unknown": "产业链标注无法识别",
    "year_missing": "缺年份", "year_invalid": "年份无效",
}


def reason_cn(code: str, *, plan: Plan) -> str:
    """A quarantine reason code in Chinese for readers (an unknown code: 其他原因, with the code)."""
    text = REASON_CN.get(code)
    if text is None:
        return f"其他原因（{code}）"
    return text.replace("{n_areas}", cn_count(len(plan.areas))) if "{n_areas}" in text else text


def above_size_counts(register) -> str:
    """Above-size firms counted per year ('2023 年 304 户、2024 年 330 户'), never summed over years (firm-years)."""
    c = register.clean
    if c is None or c.empty or "above_size" not in c:
        return "—"
    by = c[c["above_size"].astype(bool)].groupby("year").size()
    return "、".join(f"{int(y)} 年 {int(n)} 户" for y, n in by.items()) or "0 户"


def register_summary(register) -> tuple[pd.DataFrame, dict]:
    """Rows read per file → clean / quarantined / exact duplicates dropped, with the balance check.

    File and sheet names stay plain text here: :func:`to_html` escapes every cell, caption and note."""
    s = register.summary
    rows = [{"文件": str(f["file"]).rsplit("/", 1)[-1] + (f" [{f['sheet']}]" if f.get("sheet") else ""),
             "读入行数": f["rows_read"], "清洗后": f["clean"], "隔离": f["quarantined"],
             "删除的完全重复行": f["duplicates_dropped"], "金额单位": f.get("revenue_unit") or "—",
             "编码": f.get("encoding") or "xlsx"} for f in s.get("files", [])]
    rows.append({"文件": "合计", "读入行数": s["rows_read"], "清洗后": s["clean"], "隔离": s["quarantined"],
                 "删除的完全重复行": s["duplicates_dropped"], "金额单位": "", "编码": ""})
    ok = s["rows_read"] == s["clean"] + s["quarantined"] + s["duplicates_dropped"]
    note = (f"读入 {s['rows_read']} = 清洗后 {s['clean']} + 隔离 {s['quarantined']} + 重复 {s['duplicates_dropped']}"
            f"{'，平衡' if ok else '，不平衡！'}。规上（营业收入 ≥ 2000 万元）{above_size_counts(register)}。"
            + register_note(register))
    if s.get("supplied") is False:
        note = ("未提供规上企业名录：用 chainplan brief --registers 名录文件夹（或本笔记本的参数 register_dir）给出"
                "名录文件后，本表列出每个文件读入、清洗与隔离的行数。")
    spec = {"文件": U.TEXT, "读入行数": U.ROWS, "清洗后": U.ROWS, "隔离": U.ROWS, "删除的完全重复行": U.ROWS,
            "金额单位": U.TEXT, "编码": U.TEXT}
    return pd.DataFrame(rows), {"caption": "名录清洗汇总（行）", "note": note, "units": spec}


def quarantine_reasons(register, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Quarantined rows by reason (户/行)."""
    by = register.summary.get("quarantined_by_reason", {})
    df = pd.DataFrame([{"原因": reason_cn(k, plan=plan), "行数": v} for k, v in by.items()], columns=["原因", "行数"])
    if df.empty:
        df = pd.DataFrame([{"原因": "无", "行数": 0}])
    return df, {"caption": "隔离原因", "units": {"原因": U.TEXT, "行数": U.ROWS},
                "note": "隔离行连同原始值与原因（代码供程序使用）写入 register_quarantine.csv，供核对。"}

