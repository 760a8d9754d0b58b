"""A plan as typed objects: chains, areas, years, indicators, text targets and size bands, with name lookups.

A :class:`Plan` is read from a plan file by :func:`chainplan_lib.plan.load.read_plan`; everything else in
the package asks it for names (``plan.find_chain("紡織")``), years, units and targets instead of spelling
them. Lookups normalise labels the same way for every plan (see :mod:`chainplan_lib.plan.normalise`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .normalise import AREA_SUFFIXES, CHAIN_SUFFIXES, OFFICE_SUFFIXES, label_key, strip_prefixes, strip_suffix

__all__ = ["TOTAL", "ALL", "QUALIFIERS", "Indicator", "Target", "Chain", "Area", "SizeBands", "OtherTarget",
           "Plan", "cn_count"]

TOTAL = "全区"          # the area label of the district total in every tidy table, whatever the district
ALL = "all"            # chain id of the sum of the plan's chains
ALL_NAME_TEMPLATE = "{n}链合计"
_CN_DIGITS = "零一二三四五六七八九十"
#: The qualifiers a growth goal may carry (左右 about, 以上 at least, 以内 at most …; "" for none), as the
#: consistency test reads them (``analysis.consistency.QUALIFIER_KINDS``; a test keeps the two in step).
QUALIFIERS = ("左右", "", "约", "以上", "不低于", "超过", "至少", "以内", "以下", "不超过")


def cn_count(n: int) -> str:
    """A count in Chinese numerals as prose writes it (四, 九, 十二, 二十); digits from 100 on."""
    n = int(n)
    if not 0 <= n < 100:
        return str(n)
    if n <= 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Indicator:
    id: str
    labels: tuple[str, ...]
    unit: str

    @property
    def label(self) -> str:
        """The label to show (the first one the plan lists)."""
        return self.labels[0]


@dataclass(frozen=True)
class Target:
    """A target stated in the plan's text (not in its table)."""

    chain_id: str
    year: int
    indicator: str
    value: float
    qualifier: str
    section: str


@dataclass(frozen=True)
class Chain:
    id: str
    name: str
    english: str
    aliases: tuple[str, ...]
    industry_codes: tuple[str, ...]
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Area:
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SizeBands:
    """Cumulative firm-size targets of one chain in one year: ``counts[k]`` firms with revenue ≥ ``thresholds[k]``."""

    chain_id: str
    year: int
    thresholds: tuple[float, ...]   # 亿元, increasing
    counts: tuple[int, ...]         # 户, non-increasing
    section: str


@dataclass(frozen=True)
class OtherTarget:
    chain_id: str | None
    year: int | None
    what: str
    value: float
    qualifier: str
    section: str


@dataclass(frozen=True, eq=False)
class Plan:
    """One plan file, validated. Years, chains, areas and indicators keep the order the plan gives them."""

    path: Path
    sha256: str
    title: str
    reference: str
    issued: str
    issuer: str
    district: str
    district_aliases: tuple[str, ...]
    years: tuple[int, ...]
    base_year: int
    target_year: int
    overall_indicator: str
    overall_growth: float | None
    overall_qualifier: str
    overall_section: str
    table_path: Path
    table_title: str
    table_unit: str
    table_section: str
    indicators: tuple[Indicator, ...]
    chains: tuple[Chain, ...]
    areas: tuple[Area, ...]
    size_bands: tuple[SizeBands, ...] = ()
    other_targets: tuple[OtherTarget, ...] = ()
    extra: dict = field(default_factory=dict, repr=False)
    # the plan this one implements (南昌市 8810 for a district of Nanchang) and its growth goal, when the plan
    # file names them: ``[plan] parent``, ``parent_growth`` (0.10 for 10 %), ``parent_qualifier`` (左右 …)
    parent: str = ""
    parent_growth: float | None = None
    parent_qualifier: str = ""

    @property
    def parent_goal(self) -> str:
        """The parent plan's growth goal as it is written (10%左右), "" when the plan names none."""
        return f"{self.parent_growth * 100:g}%{self.parent_qualifier}" if self.parent_growth is not None else ""

    # ------------------------------------------------------------------------------------------ names
    @property
    def chain_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.chains)

    @property
    def chain_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.chains)

    @property
    def area_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.areas)

    @property
    def areas_with_total(self) -> tuple[str, ...]:
        return (TOTAL, *self.area_names)

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.indicators)

    @property
    def all_name(self) -> str:
        """Label of the chains' sum: 四链合计 for four chains, 三链合计 for three …"""
        return ALL_NAME_TEMPLATE.format(n=cn_count(len(self.chains)))

    def chain(self, chain_id: str) -> Chain:
        for c in self.chains:
            if c.id == chain_id:
                return c
        raise KeyError(chain_id)

    def chain_label(self, chain_id: str) -> str:
        """Chinese name for a chain id; :attr:`all_name` for ``'all'``."""
        return self.all_name if chain_id == ALL else self.chain(chain_id).name

    def indicator(self, indicator_id: str) -> Indicator:
        for i in self.indicators:
            if i.id == indicator_id:
                return i
        raise KeyError(indicator_id)

    def unit(self, indicator_id: str) -> str:
        return self.indicator(indicator_id).unit

    # ---------------------------------------------------------------------------------------- lookups
    @cached_property
    def _chain_keys(self) -> dict[str, Chain]:
        table: dict[str, Chain] = {}
        for c in self.chains:
            for label in (c.name, c.id, *c.aliases):
                key = label_key(label)
                table.setdefault(key, c)
                table.setdefault(strip_suffix(key, CHAIN_SUFFIXES), c)
        return table

    @cached_property
    def _area_keys(self) -> dict[str, str]:
        table: dict[str, str] = {}
        stems: dict[str, set[str]] = {}
        for a in self.areas:
            for label in (a.name, *a.aliases):
                key = label_key(label)
                table[key] = a.name
                stems.setdefault(strip_suffix(key, AREA_SUFFIXES), set()).add(a.name)
        for stem, names in stems.items():  # a stem two areas share (京东镇/京东街道) is no alias
            if len(names) == 1:
                table.setdefault(stem, next(iter(names)))
        for label in (TOTAL, self.district, *self.district_aliases):
            table.setdefault(label_key(label), TOTAL)
        return table

    @cached_property
    def _district_prefixes(self) -> tuple[str, ...]:
        keys = {label_key(self.district), strip_suffix(label_key(self.district), ("区", "县", "市"))}
        return tuple(sorted((k for k in keys if len(k) >= 2), key=len, reverse=True))

    @cached_property
    def _indicator_keys(self) -> dict[str, str]:
        return {label_key(label): i.id for i in self.indicators for label in (i.id, *i.labels)}

    def find_chain(self, label: object) -> Chain | None:
        """The chain a label names (name, id, alias; any width, spacing, Traditional form, suffix), or None."""
        key = label_key(label)
        if not key:
            return None
        hit = self._chain_keys.get(key)
        if hit is None:
            hit = self._chain_keys.get(strip_suffix(key, CHAIN_SUFFIXES))
        return hit

    def find_area(self, label: object) -> str | None:
        """Canonical area name (or 全区 for the district total) for a label, or None. Never guesses."""
        key = label_key(label)
        if not key:
            return None
        table = self._area_keys
        if key in table:
            return table[key]
        for candidate in self._area_candidates(key):
            if candidate in table:
                return table[candidate]
        return None

    def _area_candidates(self, key: str):
        k = strip_prefixes(key, self._district_prefixes)
        yield k
        k2 = strip_suffix(k, OFFICE_SUFFIXES)  # 罗家镇人民政府 → 罗家镇; 上海路街道办事处 → 上海路
        yield k2
        yield strip_suffix(k2, AREA_SUFFIXES)

    def find_indicator(self, label: object) -> str | None:
        """Indicator id for a printed label (营业收入 → 'revenue'), or None."""
        return self._indicator_keys.get(label_key(label))

    # ---------------------------------------------------------------------------------------- targets
    def text_targets(self, year: int | None = None) -> tuple[Target, ...]:
        """Targets stated in the text, optionally for one year."""
        return tuple(t for c in self.chains for t in c.targets if year is None or t.year == year)

    def text_target(self, chain_id: str, indicator: str, year: int | None = None) -> Target | None:
        year = self.target_year if year is None else year
        for t in self.chain(chain_id).targets:
            if t.indicator == indicator and t.year == year:
                return t
        return None

    def bands_for(self, chain_id: str) -> SizeBands | None:
        return next((b for b in self.size_bands if b.chain_id == chain_id), None)

    def industry_code_map(self) -> dict[str, str]:
        """GB/T 4754 prefix → chain id, for every chain (longest prefix wins when a register is read)."""
        return {code: c.id for c in self.chains for code in c.industry_codes}

    def to_dict(self) -> dict:
        """JSON-ready: what the plan file says (``chainplan plan check --json``), in the plan's order."""
        overall = None if self.overall_growth is None else {
            "indicator": self.overall_indicator, "growth": self.overall_growth,
            "qualifier": self.overall_qualifier, "section": self.overall_section}
        return {
            "path": str(self.path), "sha256": self.sha256, "title": self.title, "reference": self.reference,
            "issued": self.issued, "district": self.district, "years": list(self.years),
            "base_year": self.base_year, "target_year": self.target_year,
            "indicators": [{"id": i.id, "label": i.label, "unit": i.unit} for i in self.indicators],
            "chains": [{"id": c.id, "name": c.name} for c in self.chains],
            "areas": list(self.area_names),
            "overall": overall,
            "parent": None if not self.parent else {"name": self.parent, "growth": self.parent_growth,
                                                    "qualifier": self.parent_qualifier},
            "text_targets": [{"chain_id": t.chain_id, "year": t.year, "indicator": t.indicator, "value": t.value,
                              "qualifier": t.qualifier, "section": t.section} for t in self.text_targets()],
            "size_bands": [{"chain_id": b.chain_id, "year": b.year, "thresholds": list(b.thresholds),
                            "counts": list(b.counts), "section": b.section} for b in self.size_bands],
            "table": str(self.table_path),
        }

    def summary(self) -> str:
        """What the plan file says, in Chinese, as ``chainplan plan check`` prints it."""
        lines = [f"{self.title}（{self.reference}，{self.issued}）",
                 f"  区县：{self.district}；年份 {self.years[0]}–{self.years[-1]}"
                 f"（基年 {self.base_year}，目标年 {self.target_year}）",
                 "  指标：" + "、".join(f"{i.id}（{i.label}，{i.unit}）" for i in self.indicators),
                 f"  产业链（{len(self.chains)} 条）：" + "、".join(f"{c.id} {c.name}" for c in self.chains),
                 f"  区域（{len(self.areas)} 个）：" + "、".join(self.area_names)]
        if self.overall_growth is not None:
            label = (self.indicator(self.overall_indicator).label if self.overall_indicator in self.indicator_ids
                     else self.overall_indicator)
            lines.append(f"  总体目标：{label}年均增长{self.overall_growth:.0%}{self.overall_qualifier}"
                         f"（{self.overall_section}）")
        if self.parent:
            goal = f"：年均增长{self.parent_goal}" if self.parent_goal else ""
            lines.append(f"  上级规划：{self.parent}{goal}")
        for t in self.text_targets():
            lines.append(f"  正文目标：{self.chain_label(t.chain_id)} {t.year} {self.indicator(t.indicator).label}"
                         f" {t.qualifier} {t.value:g} {self.unit(t.indicator)}（{t.section}）")
        for b in self.size_bands:
            lines.append(f"  规模分档：{self.chain_label(b.chain_id)} {b.year}："
                         + "、".join(f"≥{x:g}亿元 {n}户" for x, n in zip(b.thresholds, b.counts)))
        lines.append(f"  目标表：{self.table_path}")
        return "\n".join(lines)
