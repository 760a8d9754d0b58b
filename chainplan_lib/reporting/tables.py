"""Tables for people: Chinese headers, units in the header, numbers formatted, no index dumps.

Functions here reshape or rename, never compute new figures; :func:`show` displays a frame as a clean
HTML table in a notebook (and so in the rendered HTML and PDF).
"""

from __future__ import annotations

import html as _html
from typing import Callable

import pandas as pd

from ..analysis.growth import chain_label as chain_name
from ..plan.names import AREAS, CHAIN_NAMES, DISTRICT
from .escape import md_text

__all__ = ["show", "to_html", "fmt_num", "fmt_pct", "raw_rows", "targets_wide", "repairs", "checks",
           "targets_overview_md", "checks_verdict_md", "KIND_CN", "SOURCE_CN", "INDICATOR_CN"]

INDICATOR_CN = {"revenue": "营业收入（亿元）", "enterprises": "规上户数（户）"}
SOURCE_CN = {"table": "按表读取", "dash": "“-”记0", "imputed": "推算补齐", "missing": "缺失"}
KIND_CN = {
    "surplus_cells": "多余单元格", "year_inferred": "年份补齐", "label_alias": "链名别称/拆分",
    "label_late": "链名后置", "label_inferred": "链名推断", "duplicate_dropped": "重复行删除",
    "imputed": "丢失值推算", "missing": "丢失值无法确定", "title_typo": "标题笔误", "check_failed": "核对不一致",
}
STATUS_CN = {"ok": "一致", "mismatch": "不一致", "incomplete": "有缺失"}
CHECK_CN = {"areas_sum_to_total": "各区域之和 = 全区", "table_2026_vs_text": "2026年表中数 = 正文目标"}


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


def to_html(df: pd.DataFrame, formats: dict[str, Callable] | None = None, caption: str | None = None,
            note: str | None = None) -> str:
    """HTML table: columns formatted by `formats` (column → callable), numbers right-aligned, no index."""
    formats = formats or {}
    out = df.copy()
    numeric = set()
    for col in out.columns:
        f = formats.get(col)
        if f is None and pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            is_int = out[col].dropna().apply(lambda x: float(x).is_integer()).all()
            f = (lambda v, d=0 if is_int else 2: fmt_num(v, d))  # noqa: E731
        if f is not None:
            numeric.add(col)
            out[col] = out[col].map(f)
        else:
            out[col] = out[col].map(lambda v: "—" if v is None or (isinstance(v, float) and pd.isna(v)) else v)
    head = "".join(f"<th class='{'num' if c in numeric else ''}'>{_html.escape(str(c))}</th>" for c in out.columns)
    body = "".join(
        "<tr>" + "".join(f"<td class='{'num' if c in numeric else ''}'>{_html.escape(str(v))}</td>"
                         for c, v in zip(out.columns, row)) + "</tr>"
        for row in out.itertuples(index=False))
    cap = f"<caption>{_html.escape(caption)}</caption>" if caption else ""
    foot = f"<p class='table-note'>{_html.escape(note)}</p>" if note else ""
    return (f"<table class='chainplan'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}"
            "<style>table.chainplan{border-collapse:collapse;font-size:0.9em;margin:0.4em 0}"
            "table.chainplan th,table.chainplan td{border:1px solid #ccc;padding:2px 6px;text-align:left}"
            "table.chainplan td.num,table.chainplan th.num{text-align:right}"
            "table.chainplan caption{font-weight:bold;text-align:left;padding:2px 0}"
            ".table-note{font-size:0.8em;color:#555;margin:0 0 0.8em 0}</style>")


def show(df_or_html, **kw) -> None:
    """Display a frame (via :func:`to_html`) or ready HTML in the notebook."""
    from IPython.display import HTML, display

    if isinstance(df_or_html, tuple):
        df_or_html, kw = df_or_html[0], {**df_or_html[1], **kw}
    display(HTML(df_or_html if isinstance(df_or_html, str) else to_html(df_or_html, **kw)))


def raw_rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The extraction's rows as printed, Chinese headers."""
    df = raw.rename(columns={"line": "行号", "label": "链标签（原文）", "year": "年份（原文）", "indicator": "指标（原文）",
                             "n_cells": "数值单元格数", "cells": "单元格（按顺序）"})
    df["年份（原文）"] = df["年份（原文）"].astype("object").where(df["年份（原文）"].notna(), "（空）")
    return df, {"caption": "附件2 原始提取（每行一条数据，“-”为表中原样）",
                "formats": {"行号": str, "年份（原文）": str}}


def targets_wide(table: pd.DataFrame, indicator: str) -> tuple[pd.DataFrame, dict]:
    """Chain × year rows, 全区 and the nine areas as columns; imputed values marked †, missing '缺'."""
    t = table[table["indicator"] == indicator].copy()

    def cell(r):
        if r["source"] == "missing":
            return "缺"
        v = f"{r['value']:,.0f}"
        return f"{v}†" if r["source"] == "imputed" else v

    t["cell"] = t.apply(cell, axis=1)
    wide = t.pivot_table(index=["chain", "year"], columns="area", values="cell", aggfunc="first")
    wide = wide.reindex(columns=[DISTRICT, *AREAS]).reset_index()
    wide["chain"] = pd.Categorical(wide["chain"], CHAIN_NAMES, ordered=True)
    wide = wide.sort_values(["chain", "year"]).rename(columns={"chain": "产业链", "year": "年份"})
    wide["产业链"] = wide["产业链"].astype(str)
    fm = {c: str for c in wide.columns}
    return wide, {"caption": f"清洗后的目标表：{INDICATOR_CN[indicator]}",
                  "note": "† 为推算补齐的值（见修复记录）；表中“-”记为 0。来源：湖政发〔2024〕2号附件2。",
                  "formats": fm}


def repairs(log: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The repairs log with Chinese headers."""
    df = log.drop(columns=["file"], errors="ignore").copy()
    df["kind"] = df["kind"].map(lambda k: KIND_CN.get(k, k))
    df["indicator"] = df["indicator"].map(lambda k: {"revenue": "营业收入", "enterprises": "规上户数"}.get(k, k))
    df = df.rename(columns={"kind": "类型", "line": "原文行号", "chain": "产业链", "year": "年份", "indicator": "指标",
                            "area": "区域", "what": "问题", "action": "处理", "why": "依据"})
    return df, {"caption": f"修复记录（共 {len(df)} 处）", "formats": {"原文行号": _int_or_dash, "年份": _int_or_dash}}


def _int_or_dash(v) -> str:
    return "—" if v is None or pd.isna(v) else str(int(v))


def checks(chk: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Reconciliation checks with Chinese headers and units."""
    df = chk.copy()
    df["check"] = df["check"].map(lambda k: CHECK_CN.get(k, k))
    df["status"] = df["status"].map(lambda k: STATUS_CN.get(k, k))
    df["indicator"] = df["indicator"].map(INDICATOR_CN)
    df = df.drop(columns=["chain_id"]).rename(columns={
        "check": "核对", "chain": "产业链", "year": "年份", "indicator": "指标（单位）", "expected": "应为",
        "actual": "实际", "difference": "差额", "status": "结果", "detail": "说明"})
    return df, {"caption": "核对结果", "formats": {"年份": str}}


def targets_overview_md(result) -> str:
    """One paragraph: rows, sources, repairs, checks."""
    t = result.table
    counts = t["source"].value_counts()
    parts = "，".join(f"{SOURCE_CN[k]} {int(counts.get(k, 0))} 个" for k in SOURCE_CN)
    ok = int((result.checks["status"] == "ok").sum())
    return (f"清洗后共 **{len(t)}** 行（{t['chain'].nunique()} 条链 × {t['year'].nunique()} 年 × 2 个指标 × 10 个区域）："
            f"{parts}。修复记录 **{len(result.repairs)}** 处；核对 {len(result.checks)} 项，**{ok}** 项一致。")


def checks_verdict_md(chk: pd.DataFrame) -> str:
    bad = chk[chk["status"] != "ok"]
    if bad.empty:
        return "**结论**：全部核对一致——各区域之和等于全区，2026 年表中数与方案正文目标相同。"
    items = "；".join(f"{r.chain} {r.year} {r.indicator}：{r.detail}" for r in bad.itertuples())
    return f"**结论**：{len(bad)} 项不一致（已报告，未强行改数）：{items}。"






# ----------------------------------------------------------------------------- analytics frames for people

# English column → Chinese header (with unit). Formatting follows the English name (see _formatter).
COLUMN_CN = {
    "chain": "产业链", "chain_id": None, "area": "区域", "indicator": "指标", "year": "年份",
    "start_year": "起始年", "end_year": "终止年", "start_value": "起始值", "end_value": "终止值",
    "value": "数值", "yoy": "同比增长", "cagr": "年均增长率", "actual_year": "实际年份", "actual": "实际",
    "target_year": "目标年份", "target": "目标", "planned_cagr": "规划年均增长", "required_cagr": "所需年均增长",
    "extra_pp": "需多增（百分点）", "completion_rate": "完成率", "time_progress": "时间进度", "ahead": "快于时间进度",
    "plan_progress": "规划增量完成度", "plan_time_progress": "规划期时间进度", "month": "截至月份",
    "share": "占比", "share_start": "起始占比", "share_end": "终止占比", "change_pp": "占比变化（百分点）",
    "total": "合计", "n_areas": "有数据区域数", "hhi": "HHI（0–10000）", "hhi_fraction": None,
    "top_area": "最大区域", "top_share": "最大区域占比", "lq": "区位商",
    "base_yi": "基年（亿元）", "target_yi": "目标（亿元）", "weight": "基年权重", "growth": "累计增长",
    "contribution": "贡献（权重×增长）", "share_of_growth": "占增量比重",
    "enterprises": "规上户数（户）", "revenue_yi": "营业收入（亿元）",
    "threshold_yi": "门槛（亿元）", "target_above": "目标户数", "actual_above": "实际户数",
}
_PCT = ("cagr", "yoy", "share", "rate", "growth", "progress", "weight", "contribution")


def _formatter(col: str):
    if col.endswith("_pp"):
        return lambda v: "—" if pd.isna(v) else f"{v:+.1f}"
    if col in ("year", "start_year", "end_year", "actual_year", "target_year", "month"):
        return lambda v: "—" if pd.isna(v) else str(int(v))
    if col == "hhi":
        return lambda v: fmt_num(v, 0)
    if col == "lq":
        return lambda v: fmt_num(v, 2)
    if any(k in col for k in _PCT) and not col.endswith("_yi") and col not in ("target_above", "actual_above"):
        return lambda v: fmt_pct(v, 1)
    if col == "ahead":
        return lambda v: "是" if v else "否"
    return None


def present(df: pd.DataFrame, caption: str | None = None, note: str | None = None,
            columns: list[str] | None = None, rename: dict[str, str] | None = None) -> tuple[pd.DataFrame, dict]:
    """An analytics frame ready for :func:`show`: chosen columns, Chinese headers with units, fractions as %.

    ``rename`` overrides headers (e.g. to put the unit into 实际/目标: {'actual': '实际（亿元）'}).
    """
    d = df[columns] if columns else df
    d = d[[c for c in d.columns if COLUMN_CN.get(c, c) is not None]].copy()
    if "indicator" in d:
        d["indicator"] = d["indicator"].map(lambda k: INDICATOR_CN.get(k, k))
    names = {c: (rename or {}).get(c, COLUMN_CN.get(c, c)) for c in d.columns}
    formats = {names[c]: f for c in d.columns if (f := _formatter(c)) is not None}
    return d.rename(columns=names), {"caption": caption, "note": note, "formats": formats}

COLUMN_CN.update({
    "value_start": "起始值", "value_end": "终止值", "change": "实际增量", "district_growth": "全区增长分量",
    "chain_mix": "产业结构分量", "area_specific": "区域竞争分量", "area_total": None,
    "chain_share_of_area": None, "chain_share_of_district": None,
})


def yoy_wide(yoy: pd.DataFrame, indicator: str) -> tuple[pd.DataFrame, dict]:
    """Chains × years of year-on-year growth (%), from growth.yoy_growth()."""
    w = yoy.pivot_table(index="chain", columns="year", values="yoy", sort=False).dropna(axis=1, how="all")
    w = w.reset_index().rename(columns={"chain": "产业链"})
    w.columns = [str(c) if not isinstance(c, str) else c for c in w.columns]
    return w, {"caption": f"{INDICATOR_CN[indicator]}目标的同比增长（%）",
               "formats": {c: (lambda v: fmt_pct(v, 1)) for c in w.columns if c != "产业链"},
               "note": "来源：湖政发〔2024〕2号附件2（经清洗）。"}


def fan_md(fan: pd.DataFrame) -> str:
    """Two sentences under the fan chart: what each projection gives for the last year."""
    last = int(fan["year"].max())
    end = fan[fan["year"] == last].set_index("kind")
    unit = "亿元" if fan["indicator"].iloc[0] == "revenue" else "户"
    parts = []
    names = {"target": "规划目标", "trend": "对数线性趋势", "ets": "指数平滑"}
    for k, label in names.items():
        if k in end.index:
            r = end.loc[k]
            band = (f"（95%区间 {r['lower']:,.0f}–{r['upper']:,.0f}）"
                    if pd.notna(r.get("lower")) and pd.notna(r.get("upper")) else "")
            parts.append(f"{label} {r['value']:,.0f} {unit}{band}")
    scen = [f"{k.split('_', 1)[1].replace('_', '.')}%情景 {end.loc[k, 'value']:,.0f}"
            for k in end.index if str(k).startswith("scenario")]
    basis = "名录实际值" if (fan["basis"] == "actual").any() else "规划目标路径"
    return (f"**{last} 年**：" + "；".join(parts) + (f"；{'、'.join(scen)} {unit}" if scen else "")
            + f"。趋势与指数平滑基于{basis}。")


def register_note(register, markdown: bool = False) -> str:
    """Source line for register-based numbers, with the synthetic warning when it applies.

    File names come from input: the text is plain (for :func:`to_html`, which escapes it) unless
    ``markdown=True``, which escapes them for a Markdown display (raw HTML in Markdown would be live).
    """
    names = sorted({str(f).rsplit('/', 1)[-1] for f in register.clean["source_file"].unique()})
    files = ", ".join(md_text(n) for n in names) if markdown else ", ".join(names)
    warn = "【示例数据：合成名录，非真实统计】" if getattr(register, "synthetic", False) else ""
    return f"{warn}来源：规上企业名录（{files}），经 chainplan 清洗。"


def chains_base_yi(targets: pd.DataFrame, year: int = 2023) -> float:
    """Sum of the four chains' 全区 revenue targets in `year`, 亿元."""
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue") & (targets["year"] == year)]
    return float(t["value"].sum())


_VERDICT_CN = {"consistent": "基本一致", "more_ambitious": "比年均10%左右更积极",
               "less_ambitious": "比年均10%左右更保守"}


def verdict_cn(verdict: str, rate: float = 0.10) -> str:
    return _VERDICT_CN[verdict].replace("10%", f"{rate:.0%}")


def consistency_md(result) -> str:
    """The verdict and the numbers behind it, in Chinese."""
    lo, hi = result.band
    a = result.cagr["all"]
    lines = [
        f"**结论：四条链营业收入目标{verdict_cn(result.verdict, result.overall_growth)}。**",
        "",
        f"- 四链合计由 {result.base_year} 年 {result.base_yi['all']:,.0f} 亿元增至 {result.target_year} 年 "
        f"{result.target_yi['all']:,.0f} 亿元，年均增长 **{a:.2%}**；“{result.overall_growth:.0%}左右”按 ±"
        f"{result.tolerance_pp:g} 个百分点理解为 {lo:.0%}–{hi:.0%}。",
        f"- 若从 {result.base_yi['all']:,.0f} 亿元按年均 {result.overall_growth:.0%} 增长，{result.target_year} 年为 "
        f"{result.path_yi[result.target_year]:,.1f} 亿元；目标合计比它{'多' if result.gap_2026_yi >= 0 else '少'} "
        f"**{abs(result.gap_2026_yi):,.1f} 亿元**。",
    ]
    if result.rest_of_industry_cagr is not None:
        r = result.rest_of_industry_cagr
        lines.append(f"- 以 {result.base_year} 年全区规上工业营业收入 {result.base_total_yi:,.0f} 亿元计，要使全区年均增长 "
                     f"{result.overall_growth:.0%}，四链以外的工业年均{'需增长' if r >= 0 else '可下降'} **{abs(r):.2%}**。")
    elif result.base_total_yi is not None:
        lines.append("- 四条链目标本身已超过全区按 10% 增长的总量，其余工业无论如何都无法与之相容。")
    else:
        lines.append("- 方案未给出 2023 年全区规上工业营业收入总额，故未计算其余工业所需增速（参数 base_total_yi）。")
    return "\n".join(lines)


def consistency_cagr(result) -> tuple[pd.DataFrame, dict]:
    """Per-chain CAGR and verdict from a ConsistencyResult."""
    rows = []
    for cid in [*result.chain_verdicts, "all"]:
        v = result.verdict if cid == "all" else result.chain_verdicts[cid]
        rows.append({"产业链": chain_name(cid), f"{result.base_year}年（亿元）": result.base_yi[cid],
                     f"{result.target_year}年（亿元）": result.target_yi[cid], "年均增长率": result.cagr[cid],
                     "与10%左右相比": verdict_cn(v, result.overall_growth)})
    df = pd.DataFrame(rows)
    return df, {"caption": "各链营业收入目标的年均增长", "formats": {"年均增长率": lambda v: fmt_pct(v, 2)},
                "note": "来源：湖政发〔2024〕2号附件2（经清洗）；10%左右见正文二、目标要求。"}


def regression_md(result) -> str:
    """The slope test in plain Chinese, with its caveat."""
    r = result.regression
    if r is None:
        return "目标路径点数不足，未做回归。"
    conf = round(100 * (1 - r.alpha))
    return (f"对四链合计目标取对数后对年份做最小二乘回归（{r.first_year}–{r.last_year}，{r.n} 个点）：隐含年均增长 "
            f"**{r.growth:.2%}**，{conf}% 置信区间 {r.growth_ci[0]:.2%}–{r.growth_ci[1]:.2%}；检验“斜率 = ln(1.10)”"
            f"的 t = {r.t_stat:.2f}，p = {r.p_value:.3g}。\n\n"
            "**注意**：这 4 个点是规划目标，不是观测样本；区间和 p 值只描述目标路径偏离等速增长的程度，"
            "不能解读为实现目标的概率。")


def lq_wide(lq: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Areas × chains of location quotients."""
    w = lq.pivot_table(index="area", columns="chain", values="lq", sort=False)
    w = w.reindex([a for a in AREAS if a in w.index]).reset_index().rename(columns={"area": "区域"})
    year = int(lq["year"].iloc[0])
    return w, {"caption": f"区位商（{year} 年，营业收入）",
               "formats": {c: (lambda v: fmt_num(v, 2)) for c in w.columns if c != "区域"},
               "note": "区位商 = 该区域中该链的比重 ÷ 全区中该链的比重；> 1 表示专业化程度高于全区平均。"}


def shift_share(ss: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Shift-share components by area (亿元)."""
    d = ss[(ss[["value_start", "value_end"]].abs().sum(axis=1)) > 0]
    df, kw = present(d, caption="偏离-份额分解（营业收入，亿元）",
                     note="实际增量 = 全区增长分量 + 产业结构分量 + 区域竞争分量。来源：附件2目标（经清洗）。")
    return df, kw


def comparison(cmp: pd.DataFrame, year: int, register) -> tuple[pd.DataFrame, dict]:
    """actual_vs_target() frame for people: chain, area, indicator, target, actual, 完成率."""
    d = cmp.copy()
    d.insert(0, "chain", d["chain_id"].map(chain_name))
    num = lambda v: "—" if pd.isna(v) else f"{v + 0.0:,.1f}".replace("-0.0", "0.0")  # noqa: E731
    df, kw = present(d, caption=f"{year}年名录实际与同年目标",
                     rename={"target": "目标", "actual": "实际", "gap": "差额"},
                     note="营业收入单位亿元，规上户数单位户；完成率 = 实际 ÷ 同年目标。" + register_note(register))
    kw["formats"].update({"目标": num, "实际": num, "差额": num})
    return df, kw


def share_md(conc: pd.DataFrame, year: int) -> str:
    """One line per chain: top area and its share, HHI, in `year` (revenue)."""
    c = conc[(conc["year"] == year) & (conc["indicator"] == "revenue")]
    parts = [f"{r.chain}：{r.top_area}占 {r.top_share:.0%}，HHI {r.hhi:,.0f}" for r in c.itertuples()
             if r.chain_id != "all"]
    return (f"{year} 年营业收入目标的区域集中度（HHI 0–10000，越大越集中）：" + "；".join(parts) + "。"
            "来源：附件2目标（经清洗）。")


def pareto_md(fit) -> str:
    """The size-band consistency check in plain Chinese."""
    inf = fit.revenue_above_min_yi == float("inf")
    above = "无穷（α ≤ 1，需截断）" if inf else f"{fit.revenue_above_min_yi:,.0f} 亿元"
    return (f"**规模分档自洽性检验**（对累计户数取对数后对门槛取对数做最小二乘，即帕累托尾部拟合；"
            f"分组极大似然作交叉检验）：α = {fit.alpha:.2f}（95% 区间 {fit.alpha_ci[0]:.2f}–{fit.alpha_ci[1]:.2f}；"
            f"极大似然 {fit.alpha_mle:.2f}）。按此推算，超 {fit.x_min_yi:g} 亿元的 {fit.n_above_min:g} 户企业营业收入约 "
            f"{above}，截断于 {fit.cap_yi:g} 亿元时约 {fit.revenue_above_min_truncated_yi:,.0f} 亿元；仅按各档下限计至少 "
            f"{fit.band_lower_bound_yi:,.0f} 亿元。全链 {fit.total_enterprises:g} 户合计约 "
            f"{fit.chain_revenue_low_yi:,.0f}–{fit.chain_revenue_high_yi:,.0f} 亿元（下限 {fit.chain_lower_bound_yi:,.0f} 亿元），"
            f"对比目标 {fit.target_revenue_yi:,.0f} 亿元。来源：附件1 一、(二)发展目标。")


def source_lines(tgt, register) -> list[str]:
    """Data-source lines for the briefing's first page: plain text (file names from input), for
    :func:`chainplan_lib.reporting.briefing.title_html`, which escapes them."""
    lines = [f"附件2 原始提取：{str(tgt.source_file).rsplit('/', 1)[-1]}（清洗修复 {len(tgt.repairs)} 处，见数据说明）"]
    files = "、".join(f.rsplit("/", 1)[-1] for f in register.source_files)
    tag = "（示例数据：合成，非真实统计）" if register.synthetic else ""
    lines.append(f"规上企业名录{tag}：{files}")
    return lines


REASON_CN = {
    "uscc_invalid": "统一社会信用代码不符合 GB 32100-2015", "area_unknown": "镇街不是九个区域之一",
    "revenue_negative": "营业收入为负", "revenue_missing": "营业收入为空或占位符（—、-、/、无）",
    "revenue_unparseable": "营业收入无法识别", "duplicate_conflict": "同一信用代码同年出现且数值不同",
    "subtotal_row": "合计/小计行", "note_row": "备注/填报人行", "name_missing": "缺企业名称",
    "uscc_missing_name_not_unique": "缺信用代码且名称不唯一", "chain_unknown": "产业链标注无法识别",
    "year_missing": "缺年份", "year_invalid": "年份无效",
}


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
            f"{'，平衡' if ok else '，不平衡！'}。规上（营业收入 ≥ 2000 万元）{s.get('above_size', '—')} 户。"
            + register_note(register))
    return pd.DataFrame(rows), {"caption": "名录清洗汇总（行）", "note": note}


def quarantine_reasons(register) -> tuple[pd.DataFrame, dict]:
    """Quarantined rows by reason (户/行)."""
    by = register.summary.get("quarantined_by_reason", {})
    df = pd.DataFrame([{"原因": REASON_CN.get(k, k), "代码": k, "行数": v} for k, v in by.items()])
    if df.empty:
        df = pd.DataFrame([{"原因": "无", "代码": "", "行数": 0}])
    return df, {"caption": "隔离原因", "note": "隔离行连同原始值与原因写入 register_quarantine.csv，供核对。"}


def register_md(register) -> str:
    """The briefing's paragraph on the register."""
    s = register.summary
    years = "、".join(str(y) for y in register.years)
    text = (f"企业名录（{years} 年）共读入 {s['rows_read']} 行：清洗后 {s['clean']} 行（规上 {s.get('above_size', '—')} 户），"
            f"隔离 {s['quarantined']} 行（原因：" + "，".join(
                f"{md_text(REASON_CN.get(k, k))} {v}" for k, v in s.get("quarantined_by_reason", {}).items())
            + f"），删除完全重复行 {s['duplicates_dropped']} 行。")
    if register.synthetic:
        text = "**【示例数据】** " + text + "名录为按目标表生成的合成数据，仅用于演示流程，不代表真实企业。"
    return text
