"""Charts for notebooks and the briefing: matplotlib, Chinese titles and axes with units, a source line.

Every function takes tidy frames from the analytics layer and returns a matplotlib Figure; none computes
figures of its own beyond reshaping for the plot. Names, order, colours (by a chain's position in the plan),
titles and source lines come from the plan: every function takes ``plan=None`` (the default plan). Call :func:`chainplan_lib.present.theme.apply_theme` once first
(the functions call it too, cheaply).

Every figure carries a Chinese alt text saying what it shows (:func:`alt_text`), built from what was drawn.
In a notebook kernel, figures are displayed as SVG with the text kept as text (vector, searchable, drawn in the
page's own font) carrying that alt text (``role="img"``, ``aria-label``, ``<title>``); a notebook whose outputs feed a consumer
that cannot use SVG (the briefing, for the Word file) asks for a PNG too, see :func:`also_png`.
"""

from __future__ import annotations

import html as _html
import io
import re

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from ..plan.load import resolve_plan
from ..plan.model import ALL, Plan, cn_count
from ..plan.model import TOTAL as DISTRICT
from .tables import fmt_signed, source_plan, source_table

__all__ = ["CHAIN_COLOURS", "CHAIN_STYLES", "chain_label", "chain_colour", "chain_style", "add_source", "target_paths",
           "source_map", "fan_chart", "area_shares", "share_change", "completion", "size_bands", "area_mix",
           "SOURCE_PLAN", "SOURCE_TABLE", "alt_text", "figure_svg", "figure_png", "install_display", "also_png"]

#: Colour and (line style, marker) of the plan's chains, by position (first chain, second …); the sum in red.
PALETTE = ("#1f77b4", "#7f7f7f", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
LINE_STYLES = (("-", "o"), ("--", "s"), ("-.", "^"), (":", "D"), ("-", "v"), ("--", "P"), ("-.", "X"), (":", "*"))
ALL_COLOUR, ALL_STYLE = "#d62728", ("-", "o")


def chain_colour(chain_id: str, *, plan: Plan) -> str:
    if chain_id == ALL:
        return ALL_COLOUR
    ids = plan.chain_ids
    return PALETTE[ids.index(chain_id) % len(PALETTE)] if chain_id in ids else "#555555"


def chain_style(chain_id: str, *, plan: Plan) -> tuple[str, str]:
    """(line style, marker), so lines stay apart even where two chains have the same values."""
    if chain_id == ALL:
        return ALL_STYLE
    ids = plan.chain_ids
    return LINE_STYLES[ids.index(chain_id) % len(LINE_STYLES)] if chain_id in ids else ("-", "o")


def chain_label(chain_id: str, *, plan: Plan) -> str:
    """Chinese name of a chain id; the plan's 合计 label (四链合计 …) for 'all'."""
    return plan.chain_label(chain_id)


def _default_plan_constants():
    p = resolve_plan(None)
    colours = {cid: chain_colour(cid, plan=p) for cid in (*p.chain_ids, ALL)}
    styles = {cid: chain_style(cid, plan=p) for cid in (*p.chain_ids, ALL)}
    return colours, styles, source_plan(p), source_table(p)


#: The default plan's colours, styles and source lines (functions take ``plan`` for another).
CHAIN_COLOURS, CHAIN_STYLES, SOURCE_PLAN, SOURCE_TABLE = _default_plan_constants()
_ALT_ATTR = "_chainplan_alt"


def _ind(plan: Plan, indicator: str) -> tuple[str, str]:
    """(label, unit) of an indicator: ('营业收入', '亿元')."""
    i = plan.indicator(indicator)
    return i.label, i.unit


def _theme() -> None:
    from .theme import apply_theme

    apply_theme()
    install_display()


# ----------------------------------------------------------------------------------- alt text and output
def _set_alt(fig, text: str) -> None:
    setattr(fig, _ALT_ATTR, re.sub(r"\s+", " ", text).strip())
    install_display()  # again after the figure exists: the inline backend registers its own formatters lazily


def alt_text(fig) -> str:
    """The figure's Chinese alt text: what the chart shows (set by the chart function), else its titles."""
    text = getattr(fig, _ALT_ATTR, None)
    if text:
        return text
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return "图表：" + ("；".join(titles) if titles else "（无标题）")


def _drawn_labels(ax) -> list[str]:
    """Legend labels of what an axes really draws (lines, bands, bars), in drawing order."""
    handles, labels = ax.get_legend_handles_labels()
    return [lab for lab in labels if lab and not lab.startswith("_")]


def _pad_x(ax, right: float = 0.12, left: float = 0.0) -> None:
    """Room for labels written past the last point or bar, so they stay inside the frame."""
    lo, hi = ax.get_xlim()
    span = hi - lo
    ax.set_xlim(lo - left * span, hi + right * span)


def _pad_y(ax, top: float = 0.12) -> None:
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + top * (hi - lo))


_SVG_FONT = re.compile(r"font-family: [^;\"]*")


def figure_svg(fig) -> str:
    """The figure as an SVG document with text kept as text (font: the page's Noto Sans CJK SC) and the alt text
    as ``<title>``/``aria-label``; no XML prolog or date, so it can be inlined into HTML and is reproducible."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "chainplan"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    svg = _SVG_FONT.sub("font-family: 'Noto Sans CJK SC', sans-serif", svg)
    alt = _html.escape(alt_text(fig))
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{alt}" ', 1)
    head_end = svg.index(">", svg.index("<svg")) + 1
    return svg[:head_end] + f"\n <title>{alt}</title>" + svg[head_end:]


def figure_png(fig, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _svg_formatter(fig):
    return figure_svg(fig), {"alt": alt_text(fig)}


_PNG_TOO = False  # see also_png


def _png_formatter(fig):
    if not _PNG_TOO:
        return None  # an SVG is enough: no PNG output (None: IPython leaves the format out)
    return figure_png(fig), {"alt": alt_text(fig)}


def also_png(on: bool = True) -> None:
    """Displayed charts carry a PNG beside the SVG from now on (``on=False``: SVG only, the default).

    Only a notebook whose outputs go to a consumer that cannot read SVG needs it: the briefing, from whose
    executed notebook the Word file takes its pictures. Elsewhere a 150-dpi PNG per chart is ~0.3 s of work
    and ~100 KB that no page shows (pages and the PDF use the SVG)."""
    global _PNG_TOO
    _PNG_TOO = bool(on)
    install_display()


def install_display() -> bool:
    """In an IPython kernel: show matplotlib figures as SVG (text as text, with alt text), plus a PNG after
    :func:`also_png`.

    Registered on every chart call (cheap), after matplotlib's inline backend has set its own formatters
    (its PNG formatter is replaced too, so a chart carries a PNG only when asked for).
    Returns whether a kernel was found.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    ip = get_ipython()
    if ip is None:
        return False
    from matplotlib.figure import Figure

    formatters = ip.display_formatter.formatters
    formatters["image/svg+xml"].for_type(Figure, _svg_formatter)
    formatters["image/png"].for_type(Figure, _png_formatter)
    return True


def add_source(fig, text: str, synthetic: bool = False) -> None:
    """A small source line under the plot (and a 示例数据 mark when the numbers are synthetic)."""
    if synthetic:
        text = f"{text}　【示例数据：合成名录，非真实统计】"
    fig.text(0.01, 0.005, text, fontsize=7.5, color="#555", ha="left", va="bottom")


def target_paths(targets: pd.DataFrame, overall_rate: float | None = None, *, plan: Plan) -> plt.Figure:
    """Revenue target path of each chain (亿元) and of their sum against the plan's overall-growth path from
    the first year (``overall_rate`` default: the plan's; a plan without one: the sum alone)."""
    _theme()
    if overall_rate is None:
        overall_rate = plan.overall_growth
    n_chains = cn_count(len(plan.chains))
    t = targets[(targets["area"] == DISTRICT) & (targets["indicator"] == "revenue")]
    wide = t.pivot_table(index="year", columns="chain_id", values="value").reindex(columns=list(plan.chain_ids))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    same = _coinciding(wide, plan)
    leader = {cid: _first_of(same, cid, wide) for cid in same}
    for cid in wide.columns:
        ls, marker = chain_style(cid, plan=plan)
        follower = cid in same and leader[cid] != cid  # drawn on top, smaller, so both markers show
        label = plan.chain_label(cid) + (f"（与{same[cid]}重合）" if cid in same else "")
        ax1.plot(wide.index, wide[cid], ls=ls, marker=marker, color=chain_colour(cid, plan=plan), label=label,
                 markersize=4 if follower else 7, lw=1.4 if follower else 1.8, zorder=3 if follower else 2)
        if follower:
            continue  # one end label for lines that coincide
        ax1.annotate(f"{wide[cid].iloc[-1]:g}", (wide.index[-1], wide[cid].iloc[-1]), textcoords="offset points",
                     xytext=(5, 0), fontsize=8, va="center")
    ax1.set(title="各链营业收入目标（亿元）", xlabel="年份", ylabel="亿元", xticks=list(wide.index))
    _pad_x(ax1, right=0.14, left=0.04)
    ax1.legend(fontsize=8)
    total = wide.sum(axis=1)
    years = total.index.to_numpy()
    ax2.plot(years, total, marker="o", color=ALL_COLOUR, label=f"{n_chains}条链目标合计")
    if overall_rate is not None:
        path = total.iloc[0] * (1 + overall_rate) ** (years - years[0])
        ax2.plot(years, path, ls="--", color="#333", label=f"按年均{overall_rate:.0%}增长")
        ax2.annotate(f"{path[-1]:.0f}", (years[-1], path[-1]), textcoords="offset points", xytext=(0, -12),
                     ha="center", fontsize=8)
    for x, y in zip(years, total):
        ax2.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax2.set(title=(f"{n_chains}条链合计与年均{overall_rate:.0%}路径（亿元）" if overall_rate is not None
                   else f"{n_chains}条链目标合计（亿元；方案未提出总体增速目标）"),
            xlabel="年份", ylabel="亿元", xticks=list(years))
    _pad_x(ax2, right=0.06, left=0.06)
    _pad_y(ax2, top=0.1)
    ax2.legend(fontsize=8, loc="upper left")
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    first, last = int(years[0]), int(years[-1])
    per_chain = "；".join(f"{plan.chain_label(c)} {wide[c].iloc[0]:g}→{wide[c].iloc[-1]:g}"
                         + (f"（与{same[c]}重合）" if c in same else "") for c in wide.columns)
    right = (f"与按年均{overall_rate:.0%}增长的路径（{last}年 {path[-1]:.0f} 亿元）对比" if overall_rate is not None
             else "方案未提出总体增速目标，不画对比路径")
    _set_alt(fig, f"两幅折线图。左图：{first}—{last}年各链营业收入目标（亿元）：{per_chain}。右图：{n_chains}条链目标合计 "
                  f"{total.iloc[0]:g}→{total.iloc[-1]:g} 亿元，{right}。")
    return fig


def _coinciding(wide: pd.DataFrame, plan: Plan) -> dict[str, str]:
    """Chains whose whole series equals another's: chain id → the other chains' names."""
    out: dict[str, str] = {}
    cols = list(wide.columns)
    for c in cols:
        others = [plan.chain_label(o) for o in cols if o != c and np.allclose(wide[c], wide[o], equal_nan=True)]
        if others:
            out[c] = "、".join(others)
    return out


def _first_of(same: dict[str, str], cid: str, wide: pd.DataFrame) -> str:
    """The first chain (in column order) of the group of coinciding lines that ``cid`` belongs to."""
    for c in wide.columns:
        if c == cid or (c in same and np.allclose(wide[c], wide[cid], equal_nan=True)):
            return c
    return cid


def source_map(targets: pd.DataFrame, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """Which cells of the target table were read as printed, read from '-', imputed or missing."""
    _theme()
    label, unit = _ind(plan, indicator)
    codes = {"table": 0, "dash": 1, "imputed": 2, "missing": 3}
    t = targets[targets["indicator"] == indicator].copy()
    t["row"] = t["chain"] + " " + t["year"].astype(str)
    grid = t.pivot_table(index="row", columns="area", values="source", aggfunc="first")
    rows = [f"{c.name} {y}" for c in plan.chains for y in sorted(t["year"].unique())]
    grid = grid.reindex(index=[r for r in rows if r in grid.index], columns=[DISTRICT, *plan.area_names])
    vals = grid.apply(lambda col: col.map(codes)).to_numpy(dtype=float)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(["#c6dbef", "#f0f0f0", "#fdae6b", "#e6550d"])
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(grid) + 1.6))
    ax.imshow(vals, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
    num = t.pivot_table(index="row", columns="area", values="value", aggfunc="first").reindex_like(grid)
    for i in range(len(grid)):
        for j in range(grid.shape[1]):
            v, src = num.iat[i, j], grid.iat[i, j]
            text = "缺" if src == "missing" else ("-" if src == "dash" else f"{v:g}")
            ax.text(j, i, text, ha="center", va="center", fontsize=7)
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(grid)), grid.index, fontsize=8)
    ax.set_title(f"{label}（{unit}）：蓝=按表读取　灰=表中为“-”记0　橙=推算补齐　红=缺失")
    ax.grid(False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    counts = grid.stack().value_counts()
    names = {"table": "按表读取", "dash": "表中为“-”记0", "imputed": "推算补齐", "missing": "缺失"}
    _set_alt(fig, f"色块图：{plan.table_section} {label}（{unit}）目标表中每个单元格（产业链×年份 行，全区与"
                  f"{cn_count(len(plan.areas))}个区域 列）"
                  "的来源：" + "，".join(f"{names[k]} {int(counts.get(k, 0))} 个" for k in names) + "。")
    return fig


def fan_chart(frame: pd.DataFrame, title: str | None = None, synthetic: bool = False,
              *, plan: Plan, actual_source: str = "名录") -> plt.Figure:
    """Fan chart from :func:`chainplan_lib.analysis.projections.fan_chart_frame`, values in 亿元 or 户.

    Bands are the frame's prediction intervals (``lower_80``/``upper_80``, ``lower_95``/``upper_95``, the levels
    in ``frame.attrs['levels']``), each labelled "80% 预测区间" / "95% 预测区间"; a band is drawn only where the
    frame has one (no band is invented for the plan's own path or the scenarios)."""
    _theme()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    styles = {"target": dict(color="#d62728", marker="o", lw=2.2, label="规划目标"),
              "actual": dict(color="black", marker="s", lw=2, label=f"实际（{actual_source}）"),
              "trend": dict(color="#1f77b4", ls="-", label="对数线性趋势"),
              "ets": dict(color="#9467bd", ls="-.", label="指数平滑（Holt）")}
    chain = frame["chain_id"].iloc[0] if "chain_id" in frame and len(frame) else "all"
    indicator = frame["indicator"].iloc[0] if "indicator" in frame and len(frame) else "revenue"
    label, unit = _ind(plan, indicator)
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
    _pad_x(ax, right=0.16)
    ax.legend(fontsize=8, loc="upper left")
    add_source(fig, source_table(plan) + (f"；实际值：{actual_source}" if "actual" in kinds else "")
               + ("；预测为 statsmodels 模型结果（只用实际值）" if modelled else "；情景为按固定增速的算术"),
               synthetic)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    scen = [k.split("_")[-1] + "%" for k in frame["kind"].unique() if str(k).startswith("scenario")]
    drawn = _drawn_labels(ax) + ([f"{'、'.join(scen)} 情景（虚点线）"] if scen else [])
    _set_alt(fig, f"折线图：{ax.get_title()}。图中画出：{'；'.join(drawn)}。横轴为年份，纵轴为{unit}。")
    return fig


def area_shares(shares: pd.DataFrame, chain_id: str, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """Stacked bars: each area's share (%) of a chain, one bar per year. Input: area_shares() frame."""
    _theme()
    s = shares[(shares["chain_id"] == chain_id) & (shares["indicator"] == indicator)]
    wide = s.pivot_table(index="year", columns="area", values="share").reindex(columns=list(plan.area_names)).fillna(0)
    wide = wide.loc[:, wide.sum() > 0] * 100
    fig, ax = plt.subplots(figsize=(9, 3.8))
    left = np.zeros(len(wide))
    colours = plt.get_cmap("tab10")
    for k, area in enumerate(wide.columns):
        ax.barh([str(y) for y in wide.index], wide[area], left=left, color=colours(k), label=area)
        for i, v in enumerate(wide[area]):
            if v >= 4:
                ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=7.5, color="white")
        left += wide[area].to_numpy()
    ax.set(xlim=(0, 100), xlabel="占全链比重（%）", ylabel="年份",
           title=f"{plan.chain_label(chain_id)}{_ind(plan, indicator)[0]}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _set_alt(fig, f"堆积条形图：{ax.get_title()}，每年一条。" + "；".join(
        f"{y}年 " + "、".join(f"{a} {v:.0f}%" for a, v in wide.loc[y].sort_values(ascending=False).items() if v >= 0.5)
        for y in wide.index) + "。")
    return fig


def share_change(change: pd.DataFrame, chain_id: str, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """Bars of each area's share change in percentage points. Input: share_change() frame."""
    _theme()
    c = change[(change["chain_id"] == chain_id) & (change["indicator"] == indicator)].copy()
    col = next(k for k in ("change_pp", "share_change_pp", "pp_change") if k in c)
    c = c[c[col].abs() > 1e-9].sort_values(col)
    fig, ax = plt.subplots(figsize=(8, 0.35 * max(len(c), 3) + 1.4))
    ax.barh(c["area"], c[col], color=np.where(c[col] >= 0, "#2ca02c", "#d62728"))
    for y, v in enumerate(c[col]):
        ax.text(v, y, f" {fmt_signed(v, 1)}", va="center", ha="left" if v >= 0 else "right", fontsize=8)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set(xlabel="占比变化（百分点）", title=f"{plan.chain_label(chain_id)}{_ind(plan, indicator)[0]}占比变化（百分点）")
    _pad_x(ax, right=0.18, left=0.18)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _set_alt(fig, f"条形图：{ax.get_title()}，绿色为上升、红色为下降：" + "，".join(
        f"{a} {v:+.1f}" for a, v in zip(c["area"], c[col])) + " 个百分点。")
    return fig


def completion(frame: pd.DataFrame, value_col: str, label_col: str, title: str, benchmark: float | None = None,
               synthetic: bool = False, *, plan: Plan) -> plt.Figure:
    """Horizontal bars of a completion rate (完成率, %) with the time-progress benchmark as a line."""
    _theme()
    f = frame.dropna(subset=[value_col])
    fig, ax = plt.subplots(figsize=(8, 0.38 * max(len(f), 3) + 1.4))
    vals = f[value_col].to_numpy() * 100
    ax.barh(f[label_col].astype(str), vals, color=np.where(vals >= (benchmark or 0) * 100, "#2ca02c", "#ff7f0e"))
    for y, v in enumerate(vals):
        ax.text(v, y, f" {v:.0f}%", va="center", fontsize=8)
    if benchmark is not None:
        ax.axvline(benchmark * 100, color="#d62728", ls="--", lw=1, label=f"时间进度 {benchmark:.0%}")
        ax.legend(fontsize=8, loc="lower right")
    ax.set(xlabel="完成率（%）", title=title)
    top = max([*vals, (benchmark or 0) * 100, 1.0])
    ax.set_xlim(0, top * 1.2)  # the "100%" labels past the bars stay inside the frame
    add_source(fig, f"来源：规上企业名录（清洗后）与{plan.table_section}目标", synthetic)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    _set_alt(fig, f"条形图：{title}：" + "，".join(f"{lab} {v:.0f}%" for lab, v in zip(f[label_col].astype(str), vals))
             + (f"；虚线为时间进度 {benchmark:.0%}" if benchmark is not None else "") + "。")
    return fig


def size_bands(frame: pd.DataFrame, synthetic: bool = False, year: int | None = None,
               target_year: int | None = None, *, plan: Plan, chain_id: str | None = None) -> plt.Figure:
    """A chain's firms above each revenue threshold (户): a register year's count against the plan's band target
    (the chain and year of the plan's ``[[size_bands]]``; ``chain_id`` None: the first with bands).

    ``frame``: columns threshold_yi, actual, target. "超X亿元" counts firms with revenue ≥ X 亿元, cumulative."""
    _theme()
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
                ax.text(xi + (k - (len(cols) - 1) / 2) * width, v, f"{v:g}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x, labels)
    when = f"{year}年名录对比{target_year}年目标" if year and year != target_year else f"{target_year}年"
    ax.set(ylabel="企业数（户）", title=f"{chain_name}：营业收入超过各档的企业数（户，各档累计；{when}）")
    _pad_y(ax, top=0.15)
    ax.legend(fontsize=8)
    add_source(fig, source, synthetic)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    series = {"actual": "名录实际", "target": f"{target_year}年目标"}
    _set_alt(fig, f"柱状图：{ax.get_title()}。" + "；".join(
        f"{lab}：" + "，".join(f"{series[c]} {f[c].iloc[i]:g} 户" for c in cols if pd.notna(f[c].iloc[i]))
        for i, lab in enumerate(labels)) + "。")
    return fig


def area_mix(shares: pd.DataFrame, year: int, indicator: str = "revenue", *, plan: Plan) -> plt.Figure:
    """One stacked bar per chain: the areas' shares (%) in `year`. Input: shares.area_shares() frame."""
    _theme()
    ids = plan.chain_ids
    s = shares[(shares["year"] == year) & (shares["indicator"] == indicator) & shares["chain_id"].isin(ids)]
    wide = s.pivot_table(index="chain_id", columns="area", values="share").reindex(
        index=[c for c in ids if c in set(s["chain_id"])], columns=list(plan.area_names)).fillna(0) * 100
    wide = wide.loc[:, wide.sum() > 0]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    left = np.zeros(len(wide))
    colours = plt.get_cmap("tab10")
    labels = [plan.chain_label(c) for c in wide.index]
    for k, area in enumerate(wide.columns):
        ax.barh(labels, wide[area], left=left, color=colours(k % 10), label=area)
        for i, v in enumerate(wide[area]):
            if v >= 6:
                ax.text(left[i] + v / 2, i, f"{v:.0f}%", ha="center", va="center", fontsize=7.5, color="white")
        left += wide[area].to_numpy()
    ax.invert_yaxis()
    ax.set(xlim=(0, 100), xlabel="占该链比重（%）",
           title=f"{year}年各链{_ind(plan, indicator)[0]}的区域构成（%）")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    add_source(fig, source_table(plan))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _set_alt(fig, f"堆积条形图：{ax.get_title()}，每条链一条。" + "；".join(
        f"{lab} " + "、".join(f"{a} {v:.0f}%" for a, v in wide.loc[c].sort_values(ascending=False).items() if v >= 0.5)
        for c, lab in zip(wide.index, labels)) + "。")
    return fig
