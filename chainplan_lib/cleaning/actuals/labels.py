"""The words of monthly statistics tables: the layout (config + plan), row labels, units, numbers and growth cells.

A row label in a 统计月报 says, in any order, which series (one of the plan's chains or all above-size industry,
规上工业), which indicator (the plan's: 营业收入 / 户数 …), sometimes the area and the unit: ``其中：XX产业链营业收入
（亿元）``, ``一、规上工业企业单位数（个）``, a town's name — or which industry (GB/T 4754: ``#食品制造业``).
:func:`read_label` finds those parts by the names the plan gives (chains, areas, indicators), the industries of
:mod:`chainplan_lib.cleaning.actuals.industries` and the words ``config/actuals_layout.toml`` lists (prefixes,
of-which marks, group headings, breakdowns, untracked indicators, totals, notes).

A :class:`Layout` is the config file read for one plan (:func:`load_layout(plan) <load_layout>`), as the register
cleaner's :class:`~chainplan_lib.cleaning.register.config.RegisterConfig` is: every reader takes one.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from ...errors import InputError
from ...plan.model import TOTAL, Plan
from ...plan.names import INDUSTRY_ALIASES, INDUSTRY_ID, TRAD_TO_SIMP, normalise_label
from ...plan.normalise import strip_suffix
from .industries import IndustryIndex, IndustryMatch, industry_key, load_divisions

__all__ = ["LAYOUT_FILE", "Layout", "load_layout", "cell_key", "unit_in", "parse_number", "parse_growth", "Label",
           "read_label", "unit_kind"]

LAYOUT_FILE = Path(str(resources.files("chainplan_lib") / "config" / "actuals_layout.toml"))


def cell_key(text: object) -> str:
    """A heading or label as compared: NFKC, brackets unified, no whitespace, lower case, Simplified."""
    return normalise_label("" if text is None else str(text)).lower().translate(TRAD_TO_SIMP)


def _by_length(pairs) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(set(pairs), key=lambda kv: (-len(kv[0]), kv[0], kv[1])))


_PLACE_SUFFIXES = ("街道", "镇", "乡")


@dataclass(frozen=True, eq=False)
class Layout:
    """The words of config/actuals_layout.toml (normalised with :func:`cell_key`) and the plan's names."""

    report: dict[str, tuple[str, ...]]
    tidy: dict[str, tuple[str, ...]]
    prefixes: tuple[str, ...]
    of_which: tuple[str, ...]
    groups: tuple[str, ...]
    breakdowns: tuple[str, ...]
    other_indicators: tuple[str, ...]
    synonyms: tuple[tuple[str, str], ...]
    subtotal: tuple[str, ...]
    totals: tuple[str, ...]
    notes: tuple[str, ...]
    missing: frozenset[str]
    growth: dict[str, tuple[str, ...]]
    times_increase: bool
    money: dict[str, float]  # unit -> factor to 亿元
    count: tuple[str, ...]
    stages: tuple[tuple[str, ...], ...]
    date_words: tuple[str, ...]
    title_max_chars: int
    industries: IndustryIndex
    path: str
    plan: Plan
    area_names: tuple[str, ...] | None = None  # accepted instead of the plan's areas (a city's county panel)
    _cache: dict = field(default_factory=dict, repr=False)

    def with_areas(self, areas) -> "Layout":
        """The same layout accepting ``areas`` (names as printed, plus 全区 and totals) instead of the plan's."""
        if areas is None:
            return self
        return Layout(**{k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("_cache", "area_names")},
                      area_names=tuple(areas))

    # ------------------------------------------------------------------------------------- the plan's names
    @cached_property
    def series_table(self) -> tuple[tuple[str, str], ...]:
        pairs = [(cell_key(a), c.id) for c in self.plan.chains for a in (c.name, *c.aliases)]
        pairs += [(cell_key(a), INDUSTRY_ID) for a in INDUSTRY_ALIASES if a != "industry"]
        return _by_length(p for p in pairs if p[0])

    @cached_property
    def indicator_table(self) -> tuple[tuple[str, str], ...]:
        return _by_length((cell_key(a), i.id) for i in self.plan.indicators for a in i.labels)

    @cached_property
    def area_table(self) -> tuple[tuple[str, str], ...]:
        """Every spelling of an area a label may contain → canonical area (全区 for the district)."""
        if self.area_names is not None:
            return _by_length((cell_key(a), a) for a in self.area_names if cell_key(a))
        table: dict[str, str] = {}
        stems: dict[str, set[str]] = {}
        for a in self.plan.areas:
            for label in (a.name, *a.aliases):
                table[cell_key(label)] = a.name
            stem = strip_suffix(cell_key(a.name), _PLACE_SUFFIXES)
            if stem != cell_key(a.name):
                stems.setdefault(stem, set()).add(a.name)
        for stem, names in stems.items():  # a stem two areas share is no alias
            if len(names) == 1:
                table.setdefault(stem, next(iter(names)))
        for label in (TOTAL, self.plan.district, *self.plan.district_aliases):
            table.setdefault(cell_key(label), TOTAL)
        return _by_length(table.items())

    @cached_property
    def ids(self) -> dict[str, dict]:
        """A tidy file's ids (a chain id, industry, an indicator id, all) and what each is."""
        return {**{c.id: {"series": c.id} for c in self.plan.chains}, INDUSTRY_ID: {"series": INDUSTRY_ID},
                **{i.id: {"indicator": i.id} for i in self.plan.indicators}, "all": {"kind": "subtotal"}}

    def area_of(self, text: str) -> str | None:
        """The canonical area a cell names (全区 for an empty cell or a total), None when unknown."""
        cache = self._cache.setdefault("area", {})
        if text not in cache:
            cache[text] = self._area(text)
        return cache[text]

    def _area(self, text: str) -> str | None:
        if not text:
            return TOTAL
        key = cell_key(text)
        if key in self.totals or key in ("合计", "总计", "全区合计"):
            return TOTAL
        if self.area_names is not None:
            return dict(self.area_table).get(key)
        return self.plan.find_area(text)


def load_layout(plan: Plan, path: str | Path | None = None) -> Layout:
    """The layout config for ``plan`` (checked; an alternative file with the same keys may be given)."""
    if not isinstance(plan, Plan):
        raise TypeError(f"load_layout needs a Plan (chainplan_lib.plan.load.read_plan), not {type(plan).__name__}")
    return _load(str(path or LAYOUT_FILE), plan)


@lru_cache(maxsize=8)
def _load(path: str, plan: Plan) -> Layout:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the actuals layout config: {exc}", file=path) from None
    words = lambda xs: tuple(sorted({cell_key(x) for x in xs}, key=lambda w: (-len(w), w)))
    try:
        report = {k: words(raw["report"][k]) for k in ("label", "chain", "area", "unit", "monthly", "cumulative",
                                                        "yoy", "ignored", "prior_year")}
        tidy = {k: words(raw["tidy"][k]) for k in ("year", "month", "chain", "area", "indicator", "value", "unit",
                                                    "yoy", "cumulative")}
        lab = raw["labels"]
        money = {cell_key(k): float(v) for k, v in raw["units"]["money"].items()}
        grow = raw["growth"]
        ind = raw["industries"]
        divisions_path = Path(path).parent / ind["divisions"]
        if not divisions_path.exists():
            divisions_path = Path(str(resources.files("chainplan_lib") / "config" / ind["divisions"]))
        times_means = str(grow.get("times_means", "increase"))
        if times_means not in ("increase", "ratio"):
            raise ValueError(f"growth.times_means = {times_means!r} (expected 'increase' or 'ratio')")
        return Layout(
            report=report, tidy=tidy, prefixes=words(lab["prefixes"]), of_which=words(lab["of_which"]),
            groups=words(lab["groups"]), breakdowns=words(lab["breakdowns"]),
            other_indicators=words(lab["other_indicators"]),
            synonyms=tuple((cell_key(k), cell_key(v)) for k, v in lab.get("synonyms", {}).items()),
            subtotal=words(lab["subtotal"]), totals=words(lab["totals"]), notes=words(lab["notes"]),
            missing=frozenset(cell_key(x) for x in raw["values"]["missing"]),
            growth={k: words(grow[k]) for k in ("flat", "down", "up", "times")},
            times_increase=times_means == "increase",
            money=dict(sorted(money.items(), key=lambda kv: len(kv[0]), reverse=True)),
            count=words(raw["units"]["count"]),
            stages=tuple(words(s) for s in raw["revisions"]["stages"]),
            date_words=tuple(raw["page"]["date_words"]), title_max_chars=int(raw["page"]["title_max_chars"]),
            industries=IndustryIndex(load_divisions(divisions_path), {k: str(v) for k, v in ind["misprints"].items()}),
            path=path, plan=plan)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"actuals layout config lacks or mistypes {exc}", file=path) from None


# ---------------------------------------------------------------------------------------------- units
_PAREN = re.compile(r"\(([^()]*)\)")
_UNIT_NOTE = re.compile(r"(?:计量)?单位[:：]?(?:人民币)?([^,，;；\s]*)")


def _unit_word(text: str, layout: Layout) -> tuple[str, str, float] | None:
    for u, f in layout.money.items():
        if u in text:
            return (u, "money", f)
    for u in layout.count:
        if u in text:
            return (u, "count", 1.0)
    return None


def unit_in(text: object, layout: Layout) -> tuple[str, str, float] | None:
    """(unit, 'money' | 'count', factor) a cell states: the whole cell, ``（亿元）``, or ``单位：万元``.

    Money factors convert to 亿元; counts (户 / 家 / 个) are 户. None when the cell names no unit.
    """
    key = cell_key(text)
    if not key:
        return None
    if key in layout.money:
        return (key, "money", layout.money[key])
    if key in layout.count:
        return (key, "count", 1.0)
    for m in _UNIT_NOTE.finditer(key):
        if (u := _unit_word(m.group(1), layout)):
            return u
    for inner in _PAREN.findall(key):
        if (u := _unit_word(inner.removeprefix("单位:").removeprefix("单位"), layout)) and len(inner) <= 8:
            return u
    return None


def unit_kind(unit: str, layout: Layout) -> tuple[str, float] | None:
    """('money', factor to 亿元) or ('count', 1) for an indicator's unit as a plan writes it (亿元, 户)."""
    key = cell_key(unit)
    if key in layout.money:
        return "money", layout.money[key]
    if key in layout.count:
        return "count", 1.0
    return None


# ---------------------------------------------------------------------------------------------- numbers
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_PLAIN = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?", re.ASCII)


def _clean_text(text: object) -> str:
    t = unicodedata.normalize("NFKC", str(text)).replace("−", "-").replace(",", "")
    return re.sub(r"[\s\u3000]+", "", t)


def parse_number(text: object, layout: Layout) -> tuple[float | None, str]:
    """(value, status) for a typed cell: status 'ok', 'missing' (blank or a placeholder) or 'not_number'.

    Accepts full-width digits, thousands separators, a trailing %, the minus sign U+2212.
    """
    if text is None:
        return None, "missing"
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return (float(text), "ok") if text == text else (None, "missing")
    if isinstance(text, str) and _PLAIN.fullmatch(text):  # the common case: plain ASCII digits, read as is
        return float(text), "ok"
    t = _clean_text(text)
    if t.lower() in layout.missing:
        return None, "missing"
    t = t.removesuffix("%")
    if _NUM.match(t):
        return float(t), "ok"
    return None, "not_number"


def parse_growth(text: object, layout: Layout) -> tuple[float | None, str]:
    """(growth in %, status) for a cell of a 同比 / 增长 column, as bureaus print them.

    ``5.2``, ``-5.2%``, ``增长5.2`` → 5.2 / −5.2; ``下降5.2`` → −5.2; ``持平`` → 0; ``1.4倍`` → +140 (增长1.4倍; see
    ``[growth] times_means``); ``--`` / ``——`` / ``…`` → missing. Anything else is 'not_number'.
    """
    value, status = parse_number(text, layout)
    if status != "not_number":
        return value, status
    t = _clean_text(text).lower()
    g = layout.growth
    if t in g["flat"]:
        return 0.0, "ok"
    sign = 1.0
    for w in g["down"]:
        if t.startswith(w):
            t, sign = t[len(w):], -1.0
            break
    else:
        for w in g["up"]:
            if t.startswith(w):
                t = t[len(w):]
                break
    t = t.removesuffix("%")
    for w in g["times"]:
        if t.endswith(w) and _NUM.match(t[: -len(w)]):
            times = float(t[: -len(w)])
            pct = times * 100 if layout.times_increase else (times - 1) * 100
            return sign * pct, "ok"
    if _NUM.match(t) and not t.startswith(("+", "-")):
        return sign * float(t), "ok"
    return None, "not_number"


# ---------------------------------------------------------------------------------------------- labels
@dataclass(frozen=True)
class Label:
    """What a row label says. ``series``: a chain id or 'industry'; ``indicator``: one of the plan's indicator ids,
    'other' (an indicator the plan does not track) or None; ``industry``: a GB/T 4754 match; ``near``: the
    divisions an unknown label is one character away from; ``kind``: '' for a data label, 'subtotal' (a total of
    the chains, or of the table), 'total' (the district: 全省总计 …), 'group' (opens a group of breakdowns),
    'breakdown' (by ownership, size …), 'note', 'empty'. ``of_which``: marked as part of another row (#, 其中)."""

    text: str
    series: str | None = None
    indicator: str | None = None
    area: str | None = None
    unit: tuple[str, str, float] | None = None
    kind: str = ""
    industry: IndustryMatch | None = None
    near: tuple[tuple[str, str], ...] = ()
    of_which: bool = False

    @property
    def recognised(self) -> bool:
        return any(x is not None for x in (self.series, self.indicator, self.area, self.unit, self.industry))


_NUMBERING = re.compile(r"^(\(?[一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十\d]{1,3}[、.．:：]|[①-⑳])")


def _first(key: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((v for k, v in table if k and k in key), None)


def read_label(text: object, layout: Layout) -> Label:
    """The series, indicator, area, industry and unit a row label names (see :class:`Label`)."""
    text = "" if text is None else str(text)
    cache = layout._cache.setdefault("label", {})
    if text not in cache:
        if len(cache) > 20000:
            cache.clear()
        cache[text] = _read(text, layout)
    return cache[text]


def _read(text: str, layout: Layout) -> Label:
    key = cell_key(text)
    if not key:
        return Label(text, kind="empty")
    if key in layout.ids:  # a tidy file's ids: a chain id, industry, revenue …
        return Label(text, **layout.ids[key])
    if any(re.match(re.escape(w) + r"(\d|[:：.、]|$)", key) for w in layout.notes):
        return Label(text, unit=unit_in(text, layout), kind="note")
    if _UNIT_NOTE.fullmatch(key) and (u := unit_in(text, layout)):  # a "单位：万元" line
        return Label(text, unit=u, kind="note")
    if key.startswith("(") and key.endswith(")") and key.count("(") == 1:  # "(统计局工业处:…)": a sign-off line
        return Label(text, unit=unit_in(text, layout), kind="note")
    of_which = False
    changed = True
    while changed:  # 一、 / （一） / 1. numbering and 其中： / # prefixes, in any order
        changed = False
        if (m := _NUMBERING.match(key)):
            key, changed = key[m.end():], True
        for p in layout.prefixes:
            if key.startswith(p) and len(key) > len(p):
                of_which = of_which or p in layout.of_which
                key, changed = key[len(p):].lstrip(":："), True
    bare_key = key.rstrip(":：")
    if bare_key in layout.groups or any(bare_key.startswith(g) for g in layout.groups if g.startswith("按")):
        return Label(text, kind="group")
    for old, new in layout.synonyms:
        key = key.replace(old, new)
    unit = unit_in(key, layout)
    bare = _PAREN.sub("", key)
    ikey = industry_key(bare)
    # a standard full industry name (纺织业, 医药制造业) or a printed code wins over a chain alias inside it
    industry = layout.industries.full_name(ikey)
    if industry is not None:
        return Label(text, indicator=_first(bare, layout.indicator_table), unit=unit, industry=industry,
                     of_which=of_which)
    chain = layout.plan.find_chain(bare)
    if chain is not None:
        return Label(text, chain.id, None, None, unit, of_which=of_which)
    industry = layout.industries.short_name(ikey)
    if industry is not None:
        return Label(text, indicator=_first(bare, layout.indicator_table), unit=unit, industry=industry,
                     of_which=of_which)
    series = _first(bare, layout.series_table)
    indicator = _first(bare, layout.indicator_table)
    if indicator is None and any(w in bare for w in layout.other_indicators):
        indicator = "other"
    area = _first(bare, layout.area_table)
    if series is None and (bare in layout.totals or (bare.endswith(("总计", "合计")) and bare[:-2] in layout.totals)):
        return Label(text, indicator=indicator, area=TOTAL, unit=unit, kind="total", of_which=of_which)
    kind = "subtotal" if series is None and any(w in bare for w in layout.subtotal) else ""
    if not kind and series is None and indicator is None and area is None and any(w in bare for w in layout.breakdowns):
        kind = "breakdown"
    near: tuple[tuple[str, str], ...] = ()
    if not kind and series is None and indicator is None and area is None:
        near = tuple(layout.industries.near(ikey))
    return Label(text, series, indicator, area if kind == "" else None, unit, kind, near=near, of_which=of_which)
