"""The figures' core: one colour and line style per chain and per area (by their place in the plan, the same in
every chart, page and document), alt text, SVG/PNG output for notebooks and pages, source lines, padding.

Topic modules (:mod:`.targets`, :mod:`.growth`, :mod:`.shares`, :mod:`.register`, :mod:`.progress`) draw the
charts; they take tidy frames from the analysis layer and a plan, and return a matplotlib Figure. Importing this
module applies the charts' theme (:func:`chainplan_lib.present.theme.apply_theme`: Noto Sans CJK SC, seaborn's
whitegrid look), so a pandas chart drawn afterwards shows Chinese too.

Every figure carries a Chinese alt text saying what it shows (:func:`alt_text`), built from what was drawn. In a
notebook kernel, figures are displayed as SVG with the text kept as text (vector, searchable, drawn in the page's
own font) carrying that alt text (``role="img"``, ``aria-label``, ``<title>``); a notebook whose outputs feed a
consumer that cannot use SVG (the briefing, for the Word file) asks for a PNG too, see :func:`also_png`.
"""

from __future__ import annotations

import html as _html
import io
import re

import matplotlib

from ..plan.model import ALL, TOTAL, Plan
from ..plan.names import INDUSTRY_ID
from .theme import apply_theme

__all__ = ["PALETTE", "AREA_PALETTE", "chain_colour", "chain_style", "chain_label", "area_colour", "area_colours", "ink_on", "LABEL", "LABEL_IN_BAR",
           "series_colour", "indicator_words", "use_theme", "set_alt", "alt_text", "drawn_labels", "pad_x", "pad_y",
           "figure_svg", "figure_png", "also_png", "install_display", "add_source"]

#: Colour and (line style, marker) of the plan's chains, by position (first chain, second …); the sum in red,
#: all above-size industry (规上工业) in purple.
PALETTE = ("#1f77b4", "#7f7f7f", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
LINE_STYLES = (("-", "o"), ("--", "s"), ("-.", "^"), (":", "D"), ("-", "v"), ("--", "P"), ("-.", "X"), (":", "*"))
ALL_COLOUR, ALL_STYLE = "#d62728", ("-", "o")
INDUSTRY_COLOUR = "#9467bd"
#: Colours of the plan's areas, by position; the district total (全区) dark grey. Tableau 20's light and dark
#: pairs, so a plan's first ten areas are told apart in a stacked bar.
AREA_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
                "#bab0ac", "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2")
TOTAL_COLOUR = "#333333"


def chain_colour(chain_id: str, *, plan: Plan) -> str:
    """A chain's colour by its place in the plan (the chains' sum red, 规上工业 purple, anything else grey)."""
    if chain_id == ALL:
        return ALL_COLOUR
    if chain_id == INDUSTRY_ID:
        return INDUSTRY_COLOUR
    ids = plan.chain_ids
    return PALETTE[ids.index(chain_id) % len(PALETTE)] if chain_id in ids else "#555555"


series_colour = chain_colour  # a 统计月报 series: a chain, 'all' or 'industry'


def chain_style(chain_id: str, *, plan: Plan) -> tuple[str, str]:
    """(line style, marker), so lines stay apart even where two chains have the same values."""
    if chain_id == ALL:
        return ALL_STYLE
    ids = plan.chain_ids
    return LINE_STYLES[ids.index(chain_id) % len(LINE_STYLES)] if chain_id in ids else ("-", "o")


def chain_label(chain_id: str, *, plan: Plan) -> str:
    """Chinese name of a chain id; the plan's 合计 label (四链合计 …) for 'all'."""
    return plan.chain_label(chain_id)


#: Data labels beside marks: large enough for the printed page (a 8.5-inch chart is set about 6.3 inches wide, so
#: 10 pt prints near 7.5 pt), on a white ground so no gridline runs through them; labels inside bars go without.
LABEL = {"fontsize": 10, "bbox": {"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.9}}
LABEL_IN_BAR = {"fontsize": 9}


def area_colour(area: str, *, plan: Plan) -> str:
    """An area's colour by its place in the plan, the same in every chart (全区 dark grey; unknown areas grey)."""
    if area == TOTAL:
        return TOTAL_COLOUR
    names = plan.area_names
    return AREA_PALETTE[names.index(area) % len(AREA_PALETTE)] if area in names else "#999999"


def ink_on(colour: str) -> str:
    """Text colour readable on ``colour``: black or white, whichever contrasts more (WCAG relative luminance; black
    above 0.179, where the two contrast ratios are equal)."""
    from matplotlib.colors import to_rgb

    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return "black" if 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] > 0.179 else "white"


def area_colours(areas, *, plan: Plan) -> list[str]:
    """:func:`area_colour` of each area, in the order given."""
    return [area_colour(a, plan=plan) for a in areas]


_ALT_ATTR = "_chainplan_alt"


def indicator_words(plan: Plan, indicator: str) -> tuple[str, str]:
    """(label, unit) of an indicator: ('营业收入', '亿元')."""
    i = plan.indicator(indicator)
    return i.label, i.unit


def use_theme() -> None:
    """The charts' theme and, in a kernel, the SVG display of figures. Chart functions call it (cheaply)."""
    apply_theme()
    install_display()


# ----------------------------------------------------------------------------------- alt text and output
def set_alt(fig, text: str) -> None:
    setattr(fig, _ALT_ATTR, re.sub(r"\s+", " ", text).strip())
    install_display()  # again after the figure exists: the inline backend registers its own formatters lazily


def alt_text(fig) -> str:
    """The figure's Chinese alt text: what the chart shows (set by the chart function), else its titles."""
    text = getattr(fig, _ALT_ATTR, None)
    if text:
        return text
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    return "图表：" + ("；".join(titles) if titles else "（无标题）")


def drawn_labels(ax) -> list[str]:
    """Legend labels of what an axes really draws (lines, bands, bars), in drawing order."""
    handles, labels = ax.get_legend_handles_labels()
    return [lab for lab in labels if lab and not lab.startswith("_")]


def pad_x(ax, right: float = 0.12, left: float = 0.0) -> None:
    """Room for labels written past the last point or bar, so they stay inside the frame."""
    lo, hi = ax.get_xlim()
    span = hi - lo
    ax.set_xlim(lo - left * span, hi + right * span)


def pad_y(ax, top: float = 0.12) -> None:
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


use_theme()  # importing the plotting module sets the look (and Chinese) for every chart after it
