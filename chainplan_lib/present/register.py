"""What notebooks show of the enterprise registers (规上企业名录): the cleaning summary and quarantine reasons,
actuals against targets (完成率), size bands with their hard facts and tail fit, and what a page says when a
year's register has not been supplied."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..plan.model import TOTAL as DISTRICT
from ..plan.model import Plan, cn_count
from . import units as U
from .escape import md_text
from .figures import LABEL, add_source, pad_y, set_alt
from .progress import use_theme
from .sources import indicator_cn, source_bands
from .tables import fmt_num


def completion(frame: pd.DataFrame, value_col: str, label_col: str, title: str, benchmark: float | None = None,
               synthetic: bool = False, *, plan: Plan) -> plt.Figure:
    """Horizontal bars of a completion rate (完成率, %) with the time-progress benchmark as a line."""
    use_theme()
    f = frame.dropna(subset=[value_col])
    fig, ax = plt.subplots(figsize=(8, 0.38 * max(len(f), 3) + 1.4))
    vals = f[value_col].to_numpy() * 100
    ax.barh(f[label_col].astype(str), vals, color=np.where(vals >= (benchmark or 0) * 100, "#2ca02c", "#ff7f0e"))
    for y, v in enumerate(vals):
        ax.text(v, y, f" {v:.0f}%", va="center", **LABEL)
    if benchmark is not None:
        ax.axvline(benchmark * 100, color="#d62728", ls="--", lw=1, label=f"时间进度 {benchmark:.0%}")
        ax.legend(fontsize=8, loc="lower right")
    ax.set(xlabel="完成率（%）", title=title)
    top = max([*vals, (benchmark or 0) * 100, 1.0])
    ax.set_xlim(0, top * 1.2)  # the "100%" labels past the bars stay inside the frame
    add_source(fig, f"来源：规上企业名录（名录口径，清洗后）与{plan.table_section}目标", synthetic)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    set_alt(fig, f"条形图：{title}：" + "，".join(f"{lab} {v:.0f}%" for lab, v in zip(f[label_col].astype(str), vals))
             + (f"；虚线为时间进度 {benchmark:.0%}" if benchmark is not None else "") + "。")
    return fig


def size_bands(frame: pd.DataFrame, synthetic: bool = False, year: int | None = None,
               target_year: int | None = None, *, plan: Plan, chain_id: str | None = None) -> plt.Figure:
    """A chain's firms above each revenue threshold (户): a register year's count against the plan's band target
    (the chain and year of the plan's ``[[size_bands]]``; ``chain_id`` None: the first with bands).

    ``frame``: columns threshold_yi, actual, target. "超X亿元" counts firms with revenue ≥ X 亿元, cumulative."""
    use_theme()
    bands = plan.bands_for(chain_id) if chain_id else (plan.size_bands[0] if plan.size_bands else None)
    target_year = target_year or (bands.year if bands else plan.target_year)
    chain_name = plan.chain_label(bands.chain_id) if bands else ""
    source = f"来源：{bands.section}；名录为清洗后数据" if bands else "来源：名录为清洗后数据"
    f = frame.copy()
    labels = [f"超{t:g}亿元" for t in f["threshold_yi"]]
    x = np.arange(len(f))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    cols = [c for c in ("actual", "target") if c in f]
    width = 0.38
    names = {"actual": f"{year}年名录" if year else "名录", "target": f"{target_year}年目标"}
    for k, col in enumerate(cols):
        ax.bar(x + (k - (len(cols) - 1) / 2) * width, f[col], width, label=names[col],
               color={"actual": "#1f77b4", "target": "#d62728"}[col])
        for xi, v in zip(x, f[col]):
            if pd.notna(v):
                ax.text(xi + (k - (len(cols) - 1) / 2) * width, v, f"{v:g}", ha="center", va="bottom", **LABEL)
    ax.set_xticks(x, labels)
    when = f"{year}年名录对比{target_year}年目标" if year and year != target_year else f"{target_year}年"
    ax.set(ylabel="企业数（户）", title=f"{chain_name}：营业收入超过各档的企业数（户，各档累计；{when}）")
    pad_y(ax, top=0.15)
    ax.legend(fontsize=8)
    add_source(fig, source, synthetic)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    series = {"actual": "名录实际", "target": f"{target_year}年目标"}
    set_alt(fig, f"柱状图：{ax.get_title()}。" + "；".join(
        f"{lab}：" + "，".join(f"{series[c]} {f[c].iloc[i]:g} 户" for c in cols if pd.notna(f[c].iloc[i]))
        for i, lab in enumerate(labels)) + "。")
    return fig


#: The notice on a page whose register is synthetic (plain Chinese, no English tag).
SYNTHETIC_REGISTER_TEXT = "示例数据：本页的企业名录为合成数据，仅用于演示，不是真实统计。"


def register_note(register, markdown: bool = False) -> str:
    """Source line for register-based numbers — the register years, 名录口径 — with the synthetic warning when it
    applies. No file names (they are listed in the register page's cleaning summary); ``markdown`` is kept for
    callers and changes nothing."""
    panel = getattr(register, "panel", None)
    years = "、".join(str(y) for y in sorted({int(y) for y in panel["year"].unique()})) if panel is not None else ""
    warn = "【示例数据：合成名录，非真实统计】" if getattr(register, "synthetic", False) else ""
    return f"{warn}来源：{years + ' 年' if years else ''}规上企业名录（名录口径，经清洗）。"


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
        note = ("未提供规上企业名录：数据人员在生成报告时指定名录文件夹（命令行选项 --registers）后，本表列出每个文件"
                "读入、清洗与隔离的行数。")
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


# --------------------------------------------------------------------------------- register vs targets
def without_official(cmp: pd.DataFrame, rec: pd.DataFrame) -> pd.DataFrame:
    """``cmp`` (actual_vs_target rows) less the district's revenue rows of the chains the official statistics give
    for the year (``rec``: District.reconcile): one figure per quantity — those chains' completion is the
    statistics', the register only breaks it down (by area, by size) and counts firms."""
    if rec is None or not len(rec):
        return cmp
    official = (cmp["area"] == DISTRICT) & (cmp["indicator"] == "revenue") & cmp["chain_id"].isin(set(rec["chain_id"]))
    return cmp[~official].reset_index(drop=True)


def comparison(cmp: pd.DataFrame, year: int, register, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """actual_vs_target() for people: 目标 and 实际 of the same year (名录口径), the gap as the difference of the
    printed values, and 完成率 = 实际 ÷ 目标."""
    from .tables import display_rounded

    d = display_rounded(cmp, plan=plan)
    df = pd.DataFrame({
        "产业链": d["chain_id"].map(plan.chain_label), "区域": d["area"],
        "指标": d["indicator"].map(indicator_cn(plan)),
        f"{year}年目标": d["target"], f"{year}年实际": d["actual"], "差额（实际-目标）": d["gap"],
        "完成率（%）": d["completion_rate"],
    })
    units = {"产业链": U.TEXT, "区域": U.TEXT, "指标": U.TEXT, f"{year}年目标": U.BY_INDICATOR.on("指标"),
             f"{year}年实际": U.BY_INDICATOR.on("指标"), "差额（实际-目标）": U.BY_INDICATOR_SIGNED.on("指标"),
             "完成率（%）": U.PCT}
    return df, {"caption": f"{year}年名录实际（名录口径）与同年目标",
                "note": ("营业收入单位亿元，规上户数单位户；完成率 = 实际 ÷ 同年目标；区域无目标时完成率为“—”。"
                         + register_note(register)),
                "units": units}


def size_band_table(bands: pd.DataFrame, year: int, register, target_year: int | None = None,
                    *, plan: Plan, chain_id: str | None = None) -> tuple[pd.DataFrame, dict]:
    """A chain's firms above each size threshold in a register year against the plan's band targets (the bands'
    year, Qingshanhu 2026) — 达成度, not 完成率."""
    b = plan.bands_for(chain_id) if chain_id else (plan.size_bands[0] if plan.size_bands else None)
    target_year = target_year or (b.year if b else plan.target_year)
    chain = plan.chain_label(b.chain_id) if b else ""
    label = "完成率（%）" if year == target_year else f"对{target_year}目标的达成度（%）"
    df = pd.DataFrame({
        "档位": bands["threshold_yi"].map(lambda v: f"超{v:g}亿元"),
        f"{target_year}年目标（户）": bands["target_above"], f"{year}年名录（户）": bands["actual_above"],
        label: bands["attainment_rate"],
    })
    note = ("“超 X 亿元”按营业收入 ≥ X 亿元计，各档累计（超 1 亿元的户数包括超 3 亿元的）。"
            + (f"{year} 年名录对比 {target_year} 年目标，是对 {target_year} 年目标的达成度，不是同期完成率。"
               if year != target_year else "") + register_note(register))
    units = {"档位": U.TEXT, f"{target_year}年目标（户）": U.HU, f"{year}年名录（户）": U.HU, label: U.PCT}
    return df, {"caption": f"{year}年名录中营业收入超过各档的{chain}企业（户）与 {target_year} 年目标", "note": note,
                "units": units}


# --------------------------------------------------------------------------------------- size bands
def no_size_bands_md(plan: Plan) -> str:
    """What a size-band section shows for a plan that sets no size-band targets."""
    return (f"《{md_text(plan.title)}》未设规模分档目标（按营业收入分档的企业户数），本节从略。"
            "如方案设有分档目标，由数据人员在方案文件中补充后重新生成。")


#: The largest single firm's revenue (亿元) up to which the briefing states what the bands imply.
REFERENCE_CAP_YI = 100.0


def _band_facts_md(f) -> str:
    xm = f"{f.x_min_yi:g}"
    return (
        f"**规模分档的硬性事实**（只用算术）：按各档下限计，超 {xm} 亿元的 {f.n_above_min:g} 户营业收入至少 "
        f"{fmt_num(f.band_floor_yi)} 亿元（平均每户 {f.floor_mean_yi:.2f} 亿元）；全链 {f.total_enterprises:g} 户"
        f"（其余 {f.firms_below_min:g} 户按规上门槛 {f.above_size_min_yi:g} 亿元计）至少 {fmt_num(f.chain_floor_yi)} 亿元。"
        f"若全链恰为 {f.total_enterprises:g} 户规上企业、{fmt_num(f.target_revenue_yi)} 亿元全部来自这些企业，则其余 "
        f"{f.firms_below_min:g} 户合计在 {fmt_num(f.firms_below_min * f.above_size_min_yi)}–"
        f"{fmt_num(f.firms_below_min * f.x_min_yi)} 亿元之间，超 {xm} 亿元的 {f.n_above_min:g} 户须合计 "
        f"**{fmt_num(f.needed_above_min_yi[0])}–{fmt_num(f.needed_above_min_yi[1])} 亿元**，即平均每户 "
        f"{f.needed_mean_yi[0]:g}–{f.needed_mean_yi[1]:g} 亿元。两点保留：{fmt_num(f.target_revenue_yi)} 亿元是"
        f"“全产业链营业收入”，可能包括规上名录以外的企业；{f.total_enterprises:g} 户是“超过”，户数更多时这 "
        f"{f.n_above_min:g} 户需要的更少。"
    )


def bands_message_md(fit, cap_yi: float = REFERENCE_CAP_YI) -> str:
    """The one plain sentence the fit is for: what the bands' firm counts imply for the revenue of the firms above
    the first threshold, with the largest firm at most ``cap_yi`` 亿元, against what they need — computed from the
    fit (its estimate, caps from the smallest in its table up to ``cap_yi``). No symbols, no citations."""
    f = fit.facts
    s = fit.cap_sensitivity
    upto = s[(s["cap_yi"] <= cap_yi) & s["cap_yi"].apply(math.isfinite)]
    if upto.empty:
        upto = s[s["cap_yi"].apply(math.isfinite)].head(1)
    lo_cap, hi_cap = float(upto["cap_yi"].min()), float(upto["cap_yi"].max())
    lo, hi = float(upto["alpha_hat"].min()), float(upto["alpha_hat"].max())
    need = f.needed_above_min_yi[0]
    caps = f"{lo_cap:g}–{hi_cap:g}" if lo_cap != hi_cap else f"{hi_cap:g}"
    who = f"超 {f.x_min_yi:g} 亿元的 {f.n_above_min:g} 户"
    head = (f"按方案各档户数推算：若最大一户营业收入在 {caps} 亿元，{who}合计约 "
            f"{U.YI0.format(lo)}–{U.YI0.format(hi)} 亿元，")
    if hi < need:
        cap_need = fit.cap_for_need_yi[0]
        tail = f"低于所需的至少 {fmt_num(need)} 亿元"
        if math.isfinite(cap_need):
            close = (f"，接近全链目标 {fmt_num(f.target_revenue_yi)} 亿元" if cap_need >= 0.5 * f.target_revenue_yi
                     else "")
            tail += f"；要达到 {fmt_num(need)} 亿元，最大一户营业收入须达约 {U.YI0.format(cap_need)} 亿元{close}"
        else:
            tail += f"，单户营业收入再大也达不到 {fmt_num(need)} 亿元"
    elif lo >= need:
        tail = f"达到所需的 {fmt_num(need)} 亿元"
    else:
        tail = f"最大一户越大越接近所需的 {fmt_num(need)} 亿元，达到与否取决于最大企业的规模"
    return head + tail + "。分档目标本身既不能证明、也不能否定该链营业收入目标，能确定的只是上面的硬性事实。"


def band_attainment_md(bands: pd.DataFrame, year: int, *, plan: Plan, chain_id: str | None = None) -> str:
    """The register's firm counts against the size-band targets in one sentence: 达成度 (名录口径) when the register
    year is before the bands' year, 完成率 in that year. ``bands``: a band_counts() frame."""
    b = plan.bands_for(chain_id) if chain_id else plan.size_bands[0]
    chain = plan.chain_label(b.chain_id)
    word = "完成率" if int(year) == int(b.year) else "达成度"
    rows = list(bands.itertuples())
    first = rows[0]
    text = (f"{year} 年名录（名录口径）中营业收入超 {first.threshold_yi:g} 亿元的{chain}企业已有 "
            f"{U.HU.format(first.actual_above)} 户，对 {b.year} 年目标 {U.HU.format(first.target_above)} 户的{word}为 "
            f"{U.PCT0.format(first.attainment_rate)}")
    rest = "、".join(f"超 {r.threshold_yi:g} 亿元 {U.HU.format(r.actual_above)} 户（目标 {U.HU.format(r.target_above)} 户）"
                    for r in rows[1:])
    return text + (f"；{rest}" if rest else "") + "。"


def pareto_md(fit, *, plan: Plan, bands: pd.DataFrame | None = None, year: int | None = None,
              analyst: bool = False) -> str:
    """The size bands for readers: the hard facts first, then one plain sentence on what the bands' firm counts
    imply (:func:`bands_message_md`), and — given a register year's ``bands`` (band_counts() frame) and ``year`` —
    the register's counts against the targets (:func:`band_attainment_md`, 名录口径). No symbols, citations or
    English; ``analyst=True`` adds the method note for analysts (the fitted exponent, its interval, citations)."""
    parts = [_band_facts_md(fit.facts), bands_message_md(fit)]
    if bands is not None and year is not None:
        parts.append(band_attainment_md(bands, year, plan=plan))
    if analyst:
        parts.append(pareto_method_md(fit))
    return "\n\n".join(parts) + "\n\n" + source_bands(plan)


def pareto_method_md(fit) -> str:
    """For analysts: how the sentence above was computed — the binned maximum-likelihood fit of a Pareto tail, its
    exponent defined, its interval and the comparison with log-log least squares, with citations."""
    f = fit.facts
    lo, hi = fit.alpha_ci
    hi_txt = "∞" if not math.isfinite(hi) else f"{hi:.2f}"
    rng_lo = fmt_num(fit.cap_sensitivity["alpha_high"].min())
    text = (f"**供分析人员：方法**。把方案的 {len(fit.counts)} 个累计户数（超 {', '.join(f'{t:g}' for t in fit.thresholds_yi)}"
            f" 亿元：{', '.join(f'{n:g}' for n in fit.counts)} 户）看作帕累托尾部：营业收入超过 x 亿元的户数 = "
            f"{f.n_above_min:g} × (x ÷ {f.x_min_yi:g})^(-a)，a 为形状参数（x ≥ {f.x_min_yi:g} 亿元；a 等于 Virkar & "
            f"Clauset 2014 中密度指数 α 减 1）。用分组极大似然（Virkar & Clauset 2014, eq. 4）估计：a = {fit.alpha:.2f}，"
            f"{fit.level:.0%} 轮廓似然区间 {lo:.2f}–{hi_txt}。只有 {len(fit.counts)} 个点，拟合只说明量级。")
    if fit.ci_allows_infinite_mean:
        text += (f"区间包含 a ≤ 1，此时尾部均值为无穷大：{f.n_above_min:g} 户的合计取决于对最大一户营业收入的假定，"
                 f"下表从约 {rng_lo} 亿元到无上限不等。")
    text += (f"对累计户数做对数线性最小二乘只作对照：a = {fit.alpha_ols:.2f}，标准误 {fit.alpha_ols_se:.3f}，"
             f"远小于极大似然的 {fit.alpha_se:.3f}（累计户数不独立；Clauset, Shalizi & Newman 2009）。")
    return text


def pareto_caps(fit) -> tuple[pd.DataFrame, dict]:
    """Cap-sensitivity table: the revenue of the firms above the first threshold by the cap assumed for the largest
    firm — the fit's estimate and the range of its 95% interval — in Chinese, without symbols."""
    s = fit.cap_sensitivity

    def money(v):
        return v if math.isfinite(v) else U.Marked(float("nan"), "无上限")

    level = f"{fit.level:.0%}"
    df = pd.DataFrame({
        "假定最大一户营业收入（亿元）": [v if math.isfinite(v) else U.Marked(float("nan"), "不设上限") for v in s["cap_yi"]],
        "按拟合推算（亿元）": s["alpha_hat"].map(money),
        f"{level}可能范围（亿元）": [U.Range(money(a), money(b)) for a, b in zip(s["alpha_high"], s["alpha_low"])],
    })
    f = fit.facts
    note = (f"各格为超 {f.x_min_yi:g} 亿元的 {f.n_above_min:g} 户营业收入合计（亿元），按各档户数拟合的规模分布、"
            f"最大一户不超过该上限计算；区间反映只有 {len(fit.counts)} 个分档户数带来的不确定性。对照：这些企业需合计 "
            f"{fmt_num(f.needed_above_min_yi[0])}–{fmt_num(f.needed_above_min_yi[1])} 亿元。")
    return df, {"caption": "规模分档隐含的营业收入与最大一户规模的假定（亿元）", "note": note,
                "units": {c: U.YI0 for c in df.columns}}


# ------------------------------------------------------------------------------------------ register
def register_md(register, *, plan: Plan) -> str:
    """The briefing's paragraph on the register: rows are firm-years, counts are per year."""
    s = register.summary
    years = "、".join(str(y) for y in register.years)
    text = (f"企业名录（{years} 年）共读入 {s['rows_read']} 行：清洗后 {s['clean']} 行（每户企业每年一行），其中规上企业 "
            f"{above_size_counts(register)}（按年计，不跨年相加）；隔离 {s['quarantined']} 行（原因："
            + "，".join(f"{reason_cn(k, plan=plan)} {v}" for k, v in s.get("quarantined_by_reason", {}).items())
            + f"），删除完全重复行 {s['duplicates_dropped']} 行。")
    if register.synthetic:
        text = "**【示例数据】** " + text + "名录为按目标表生成的合成数据，仅用于演示流程，不代表真实企业。"
    return text


NO_REGISTER_MD = "本页设置为不使用企业名录，本节从略。"


def register_years(register) -> list[int]:
    """Years the cleaned register covers ([] when there is no register)."""
    return [] if register is None else list(register.years)


def has_register_year(register, year: int) -> bool:
    return int(year) in register_years(register)


def register_year_for(register, year: int) -> int | None:
    """The register year a section of ``year`` uses: that year's, else the latest before it (a 1—9月 briefing has
    last year's 名录 at best); None when there is none up to ``year``."""
    years = [y for y in register_years(register) if y <= int(year)]
    return max(years) if years else None


def register_fallback_md(year: int, used: int) -> str:
    """One line when a section of ``year`` shows an earlier register year's figures."""
    return (f"{year} 年的规上企业名录尚未提供，以下为最新的 {used} 年名录（名录口径），"
            f"仅用于分区域、分规模的明细。")


def register_missing_md(year: int | None, register) -> str:
    """The note a register section shows when the year's register has not been supplied
    (``year=None``: no register year up to the briefing year). Plain words for readers: what is missing and who
    supplies it (the one operator hint is the command-line option's name)."""
    years = register_years(register)
    have = f"现有名录年份：{'、'.join(str(y) for y in years)} 年" if years else "目前没有任何年份的名录"
    which = f"{year} 年的" if year is not None else "本年及以前的"
    return (f"**{which}规上企业名录尚未提供**（{have}），本节需要该年名录，暂从略；其余各节不受影响。"
            f"补齐方法：数据人员把{which}名录文件（.xlsx / .csv）放进一个文件夹，重新生成报告时指定该文件夹"
            "（命令行选项 --registers）。")
