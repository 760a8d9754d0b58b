"""What notebooks show of growth: the plan's year-on-year rates, the fan chart of actuals, trend and exponential-
smoothing projections and scenario paths, the sentences that describe it (what is projected, from which data), and
the growth still needed from the official figures (统计月报), with the register as a 名录口径 breakdown only.

Reader-facing words are Chinese only: the models are named by what they do (对数线性趋势, 指数平滑), not by library
or author. Rates are shown with one decimal everywhere (the CAGR 16.0%, not 16.04%)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd

from ..plan.model import Plan
from . import units as U
from .escape import md_text
from .figures import add_source, drawn_labels, indicator_words, pad_x, set_alt
from .progress import use_theme
from .sources import source_table
from .tables import fmt_num, fmt_pct


def fan_chart(frame: pd.DataFrame, title: str | None = None, synthetic: bool = False,
              *, plan: Plan, actual_source: str = "名录") -> plt.Figure:
    """Fan chart from :func:`chainplan_lib.analysis.projections.fan_chart_frame`, values in 亿元 or 户.

    Bands are the frame's prediction intervals (``lower_80``/``upper_80``, ``lower_95``/``upper_95``, the levels
    in ``frame.attrs['levels']``), each labelled "80% 预测区间" / "95% 预测区间"; a band is drawn only where the
    frame has one (no band is invented for the plan's own path or the scenarios)."""
    use_theme()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    styles = {"target": dict(color="#d62728", marker="o", lw=2.2, label="规划目标"),
              "actual": dict(color="black", marker="s", lw=2, label=f"实际（{actual_source}）"),
              "trend": dict(color="#1f77b4", ls="-", label="对数线性趋势"),
              "ets": dict(color="#9467bd", ls="-.", label="指数平滑")}
    chain = frame["chain_id"].iloc[0] if "chain_id" in frame and len(frame) else "all"
    indicator = frame["indicator"].iloc[0] if "indicator" in frame and len(frame) else "revenue"
    label, unit = indicator_words(plan, indicator)
    for kind, g in frame.groupby("kind", sort=False):
        g = g.sort_values("year")
        if kind.startswith("scenario"):
            rate = kind.split("_")[-1]
            ax.plot(g["year"], g["value"], ls=":", color="#555", lw=1.2)
            ax.annotate(f"{rate}%情景 {g['value'].iloc[-1]:.0f}", (g["year"].iloc[-1], g["value"].iloc[-1]),
                        textcoords="offset points", xytext=(4, 0), fontsize=7.5, va="center", color="#555")
            continue
        st = styles.get(kind, dict(label=kind))
        ax.plot(g["year"], g["value"], **st)
        # prediction intervals, one shade per level (widest lightest), each labelled with its level
        levels = sorted(frame.attrs.get("levels") or [], reverse=True)
        bands = [(lv, *(f"{side}_{lv * 100:g}".replace(".", "_") for side in ("lower", "upper"))) for lv in levels]
        bands = [b for b in bands if b[1] in g and g[b[1]].notna().any()]
        if not bands and {"lower", "upper"} <= set(g) and g["lower"].notna().any() and levels:
            bands = [(levels[0], "lower", "upper")]
        for k, (lv, lo, hi) in enumerate(bands):
            ax.fill_between(g["year"], g[lo], g[hi], alpha=0.12 + 0.12 * k, color=st.get("color"), lw=0,
                            label=f"{st['label']} {lv * 100:g}% 预测区间")
    kinds = set(frame["kind"])
    modelled = bool(kinds & {"trend", "ets"})
    parts = "、".join(p for p, k in (("目标", "target"), ("实际", "actual")) if k in kinds)
    parts += ("、预测" if modelled else "") + ("与情景" if any(str(k).startswith("scenario") for k in kinds) else "")
    ax.set(title=title or f"{plan.chain_label(str(chain))}{label}：{parts}（{unit}）",
           xlabel="年份", ylabel=unit)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    pad_x(ax, right=0.16)
    ax.legend(fontsize=8, loc="upper left")
    add_source(fig, source_table(plan) + (f"；实际值：{actual_source}" if "actual" in kinds else "")
               + ("；预测只用实际值拟合" if modelled else "；情景为按固定增速的算术"),
               synthetic)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    scen = [k.split("_")[-1] + "%" for k in frame["kind"].unique() if str(k).startswith("scenario")]
    drawn = drawn_labels(ax) + ([f"{'、'.join(scen)} 情景（虚点线）"] if scen else [])
    set_alt(fig, f"折线图：{ax.get_title()}。图中画出：{'；'.join(drawn)}。横轴为年份，纵轴为{unit}。")
    return fig


def yoy_wide(yoy: pd.DataFrame, indicator: str, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """Chains × years of year-on-year growth (%), from growth.yoy_growth()."""
    w = yoy.pivot_table(index="chain", columns="year", values="yoy", sort=False).dropna(axis=1, how="all")
    w = w.reset_index().rename(columns={"chain": "产业链"})
    w.columns = [str(c) if not isinstance(c, str) else c for c in w.columns]
    return w, {"caption": f"{indicator_words(plan, indicator)[0]}目标的同比增长（%）",
               "units": {c: (U.TEXT if c == "产业链" else U.PCT) for c in w.columns},
               "note": f"来源：{plan.reference}{plan.table_section}（经清洗）。"}


_MODEL_CN = {"trend": "对数线性趋势", "ets": "指数平滑"}


def _level_label(level: float) -> str:
    return f"{level * 100:g}%"


# ------------------------------------------------------------------------------------------ growth
def fan_md(fan: pd.DataFrame, plan: Plan, actual_source: str = "") -> str:
    """The text under the fan chart: the plan's path as description, the actuals, each model drawn (with its
    prediction intervals) or why it was not, and the scenarios as arithmetic."""
    unit = plan.unit(fan["indicator"].iloc[0])
    last = int(fan["year"].max())
    chain = fan["chain"].iloc[0]
    tgt = fan[fan["kind"] == "target"].sort_values("year")
    rates = "、".join(f"{int(r.year)} 年 {fmt_pct(r.yoy, 1)}" for r in tgt.itertuples() if pd.notna(r.yoy))
    lines = [f"- **规划目标（{chain}）**：{int(tgt['year'].iloc[0])} 年 {fmt_num(tgt['value'].iloc[0])} {unit} → "
             f"{int(tgt['year'].iloc[-1])} 年 {fmt_num(tgt['value'].iloc[-1])} {unit}；逐年计划增速 {rates}。"
             "这是对规划本身的描述，不是预测。"]
    act = fan[fan["kind"] == "actual"].sort_values("year")
    src = f"（{md_text(actual_source)}）" if actual_source else ""
    if len(act):
        if len(act) <= 4:
            vals = "、".join(f"{int(r.year)} 年 {fmt_num(r.value, 1)}" for r in act.itertuples())
            lines.append(f"- **实际值**{src}：{vals} {unit}。")
        else:
            lines.append(f"- **实际值**{src}：{int(act['year'].iloc[0])}–{int(act['year'].iloc[-1])} 年共 {len(act)} 年，"
                         f"{int(act['year'].iloc[-1])} 年 {fmt_num(act['value'].iloc[-1], 1)} {unit}。")
    status = fan.attrs.get("projections", {})
    levels = fan.attrs.get("levels", [])
    for kind in ("trend", "ets"):
        st = status.get(kind)
        if st is None:
            continue
        label = _MODEL_CN[kind]
        if st["drawn"]:
            row = fan[(fan["kind"] == kind) & (fan["year"] == last)].iloc[0]
            bands = []
            for lv in levels:
                p = f"{lv * 100:g}".replace(".", "_")
                lo, hi = row.get(f"lower_{p}", math.nan), row.get(f"upper_{p}", math.nan)
                if pd.notna(lo):
                    bands.append(f"{_level_label(lv)} 预测区间 {fmt_num(lo)}–{fmt_num(hi)}")
            if not bands and pd.notna(row["lower"]):
                bands.append(f"预测区间 {fmt_num(row['lower'])}–{fmt_num(row['upper'])}")
            lines.append(f"- **{label}**（基于 {st['n']} 年实际值）：{last} 年 {fmt_num(row['value'])} {unit}"
                         + (f"（{'；'.join(bands)}）" if bands else "") + "。")
        elif st["reason"] == "too_few_points":
            lines.append(f"- **{label}**：实际值只有 {st['n']} 年，少于所需的 {st['min']} 年，不作此项预测。")
        elif st["reason"] == "no_actuals":
            lines.append(f"- **{label}**：没有实际值，不作预测（规划目标是计划，不是观测，不能用来外推）。")
        elif st["reason"] == "gaps":
            lines.append(f"- **{label}**：实际值年份不连续，不作此项预测。")
        elif st["reason"] == "non_positive":
            lines.append(f"- **{label}**：实际值有零或负值，无法取对数，不作此项预测。")
    sc = fan[fan["kind"].astype(str).str.startswith("scenario")]
    if len(sc):
        start = sc[sc["year"] == sc["year"].min()].iloc[0]
        origin = "实际值" if start["basis"] == "actual" else "规划目标"
        end = sc[sc["year"] == last]
        parts = "、".join(f"{k.split('_', 1)[1].replace('_', '.')}% → {fmt_num(v)}"
                          for k, v in zip(end["kind"], end["value"]))
        lines.append(f"- **情景**（从 {int(start['year'])} 年{origin} {fmt_num(start['value'], 1)} {unit} 起按固定增速"
                     f"计算，只是算术，不是预测）：{last} 年 {parts} {unit}。")
    return "\n".join(lines)


# ------------------------------------------------------------------------------- growth still needed
def _source_words(source: str) -> str:
    """'统计月报全年数，示例数据' → '统计月报全年数（示例数据）'; the register is named with its 口径 (名录口径)."""
    name, _, tag = str(source).partition("，")
    if name.startswith("规上企业名录"):
        name += "（名录口径）"
    return name + (f"（{tag}）" if tag else "")


def required_table(req: pd.DataFrame, source: str, *, plan: Plan) -> tuple[pd.DataFrame, dict]:
    """:func:`~chainplan_lib.analysis.growth.required_growth` for people: from the actual of ``source`` (统计月报全年数,
    or the register when there are no 统计月报, labelled 名录口径) to the target-year target. Rates with one decimal;
    需多增 is the difference of the printed rates. One year apart the rates are that year's growth, not 年均."""
    first = req.iloc[0]
    y0, y1 = int(first["actual_year"]), int(first["target_year"])
    source = _source_words(source)
    one = y1 - y0 == 1
    unit = plan.unit(first["indicator"])
    level = U.YI if unit == "亿元" else U.HU
    from .tables import display_rounded

    r = display_rounded(req, plan=plan)   # 需多增 from the printed rates
    planned, required = ("规划增长", "所需增长") if one else ("规划年均增长", "所需年均增长")
    df = pd.DataFrame({"产业链": r["chain"], f"{y0}年实际（{unit}）": r["actual"], f"{y1}年目标（{unit}）": r["target"],
                       planned: r["planned_cagr"], required: r["required_cagr"], "需多增（百分点）": r["extra_pp"]})
    kw = {"units": {"产业链": U.TEXT, f"{y0}年实际（{unit}）": level, f"{y1}年目标（{unit}）": level,
                    planned: U.PCT, required: U.PCT, "需多增（百分点）": U.PP}}
    when = f"{y1}年所需增长" if one else f"{y0 + 1}—{y1}年所需年均增长"
    kw["caption"] = f"从{y0}年{source}到{y1}年目标：{when}"
    kw["note"] = (f"实际为{y0}年{source}；目标为{plan.reference}{plan.table_section}中的{y1}年目标；规划增长按{y0}、{y1}年"
                  "目标计算；"
                  "需多增 = 所需增长 - 规划增长（按显示的增速相减，百分点）。")
    return df, kw


def required_md(req: pd.DataFrame, source: str, *, plan: Plan) -> str:
    """One sentence per chain on the growth still needed, from the official figures: 'X 2026年需增长21.4%' (one year)
    or '需年均增长16.0%' (several), beside the plan's own path."""
    first = req.iloc[0]
    y0, y1 = int(first["actual_year"]), int(first["target_year"])
    source = _source_words(source)
    unit = plan.unit(first["indicator"])
    level = U.YI if unit == "亿元" else U.HU
    verb = f"{y1}年需增长" if y1 - y0 == 1 else "此后需年均增长"
    parts = [f"{r.chain} {level.format(r.actual)} {unit}，{verb} {U.PCT.format(r.required_cagr)}（按目标路径为 "
             f"{U.PCT.format(r.planned_cagr)}）" for r in req.itertuples()]
    return f"按{y0}年{source}：" + "；".join(parts) + "。"
