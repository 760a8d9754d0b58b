"""The words of monthly statistics tables: the layout config, row labels, units and numbers.

A row label in a 统计月报 says, in any order, which series (one of the four chains or all above-size industry,
规上工业), which indicator (营业收入 / 户数), sometimes the area and the unit: ``其中：现代针纺产业链营业收入（亿元）``,
``一、规上工业企业单位数（个）``, ``罗家镇``. :func:`read_label` finds those parts by the names
:mod:`chainplan_lib.plan.names` holds (chains, 规上工业, areas, indicators) and the words
``config/actuals_layout.toml`` lists (prefixes, untracked indicators, subtotal and note words).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ...errors import InputError
from ...plan.names import (
    AREA_ALIASES,
    CHAINS,
    INDICATORS,
    INDUSTRY_ALIASES,
    INDUSTRY_ID,
    TRAD_TO_SIMP,
    normalise_label,
)

__all__ = ["LAYOUT_FILE", "Layout", "load_layout", "cell_key", "unit_in", "parse_number", "Label", "read_label"]

LAYOUT_FILE = Path(str(resources.files("chainplan_lib") / "config" / "actuals_layout.toml"))


def cell_key(text: object) -> str:
    """A heading or label as compared: NFKC, brackets unified, no whitespace, lower case, Simplified."""
    return normalise_label("" if text is None else str(text)).lower().translate(TRAD_TO_SIMP)


@dataclass(frozen=True, eq=False)
class Layout:
    """The words of config/actuals_layout.toml, normalised with :func:`cell_key`."""

    report: dict[str, tuple[str, ...]]
    tidy: dict[str, tuple[str, ...]]
    prefixes: tuple[str, ...]
    other_indicators: tuple[str, ...]
    subtotal: tuple[str, ...]
    notes: tuple[str, ...]
    missing: frozenset[str]
    money: dict[str, float]  # unit -> factor to 亿元
    count: tuple[str, ...]
    path: str


def load_layout(path: str | Path | None = None) -> Layout:
    """The layout config, checked (an alternative file may be given)."""
    return _load(str(path or LAYOUT_FILE))


@lru_cache(maxsize=4)
def _load(path: str) -> Layout:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the actuals layout config: {exc}", file=path) from None
    words = lambda xs: tuple(sorted({cell_key(x) for x in xs}, key=len, reverse=True))
    try:
        report = {k: words(raw["report"][k]) for k in ("label", "chain", "area", "unit", "monthly", "cumulative",
                                                        "yoy", "ignored", "prior_year")}
        tidy = {k: words(raw["tidy"][k]) for k in ("year", "month", "chain", "area", "indicator", "value", "unit",
                                                    "yoy", "cumulative")}
        lab = raw["labels"]
        money = {cell_key(k): float(v) for k, v in raw["units"]["money"].items()}
        return Layout(report, tidy, words(lab["prefixes"]), words(lab["other_indicators"]), words(lab["subtotal"]),
                      words(lab["notes"]), frozenset(cell_key(x) for x in raw["values"]["missing"]),
                      dict(sorted(money.items(), key=lambda kv: len(kv[0]), reverse=True)),
                      words(raw["units"]["count"]), path)
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


# ---------------------------------------------------------------------------------------------- numbers
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_PLAIN = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?", re.ASCII)


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
    t = unicodedata.normalize("NFKC", str(text)).replace("−", "-").replace(",", "")
    t = re.sub(r"[\s\u3000]+", "", t)
    if t.lower() in layout.missing:
        return None, "missing"
    t = t.removesuffix("%")
    if _NUM.match(t):
        return float(t), "ok"
    return None, "not_number"


# ---------------------------------------------------------------------------------------------- labels
@dataclass(frozen=True)
class Label:
    """What a row label says. ``series``: a chain id or 'industry'; ``indicator``: 'revenue', 'enterprises',
    'other' (an indicator chainplan does not track) or None; ``kind``: '' for a data label, 'subtotal' (a
    total of the chains), 'note' (a note or sign-off line), 'empty'."""

    text: str
    series: str | None = None
    indicator: str | None = None
    area: str | None = None
    unit: tuple[str, str, float] | None = None
    kind: str = ""

    @property
    def recognised(self) -> bool:
        return any(x is not None for x in (self.series, self.indicator, self.area, self.unit))


def _alias_table() -> tuple[tuple[str, str], ...]:
    pairs = [(cell_key(a), c.id) for c in CHAINS for a in (c.name, *c.aliases)]
    pairs += [(cell_key(a), INDUSTRY_ID) for a in INDUSTRY_ALIASES if a != "industry"]
    return tuple(sorted(set(pairs), key=lambda kv: len(kv[0]), reverse=True))


_SERIES = _alias_table()
_AREAS = tuple(sorted(((cell_key(k), v) for k, v in AREA_ALIASES.items() if k not in ("合计", "全区合计")),
                      key=lambda kv: len(kv[0]), reverse=True))
_INDICATORS = tuple(sorted(((cell_key(a), ind) for ind, labels in INDICATORS.items() for a in labels),
                           key=lambda kv: len(kv[0]), reverse=True))
_IDS = {**{c.id: {"series": c.id} for c in CHAINS}, INDUSTRY_ID: {"series": INDUSTRY_ID},
        **{ind: {"indicator": ind} for ind in INDICATORS}, "all": {"kind": "subtotal"}}
_NUMBERING = re.compile(r"^(\(?[一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十\d]{1,3}[、.．:：]|[①-⑳])")


def _first(key: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((v for k, v in table if k and k in key), None)


@lru_cache(maxsize=4096)
def _read(text: str, layout: Layout) -> Label:
    key = cell_key(text)
    if not key:
        return Label(text, kind="empty")
    if key in _IDS:  # a tidy file's ids: textiles, industry, revenue …
        return Label(text, **_IDS[key])
    if any(re.match(re.escape(w) + r"(\d|[:：.、]|$)", key) for w in layout.notes):
        return Label(text, unit=unit_in(text, layout), kind="note")
    if _UNIT_NOTE.fullmatch(key) and (u := unit_in(text, layout)):  # a "单位：万元" line
        return Label(text, unit=u, kind="note")
    changed = True
    while changed:  # 一、 / （一） / 1. numbering and 其中： prefixes, in any order
        changed = False
        if (m := _NUMBERING.match(key)):
            key, changed = key[m.end():], True
        for p in layout.prefixes:
            if key.startswith(p) and len(key) > len(p):
                key, changed = key[len(p):].lstrip(":："), True
    unit = unit_in(key, layout)
    bare = _PAREN.sub("", key)
    series = _first(bare, _SERIES)
    indicator = _first(bare, _INDICATORS)
    if indicator is None and any(w in bare for w in layout.other_indicators):
        indicator = "other"
    area = _first(bare, _AREAS)
    kind = "subtotal" if series is None and any(w in bare for w in layout.subtotal) else ""
    return Label(text, series, indicator, area if kind == "" else None, unit, kind)


def read_label(text: object, layout: Layout) -> Label:
    """The series, indicator, area and unit a row label names (see :class:`Label`)."""
    return _read("" if text is None else str(text), layout)
