"""Canonical names: the four chains, the nine areas plus 全区, and the aliases the sources use.

This is the one place where names are decided. Every cleaner maps what it reads through
:func:`canonical_chain` / :func:`canonical_area`; nothing else in the package spells aliases.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Chain",
    "CHAINS",
    "CHAIN_IDS",
    "CHAIN_NAMES",
    "CHAIN_BY_ID",
    "AREAS",
    "DISTRICT",
    "AREAS_WITH_DISTRICT",
    "AREA_ALIASES",
    "INDICATORS",
    "INDICATOR_UNITS",
    "YEARS",
    "normalise_label",
    "canonical_chain",
    "canonical_area",
    "chain_id",
    "chain_name",
    "UnknownNameError",
    "INDUSTRY_ID",
    "INDUSTRY_NAME",
    "INDUSTRY_ALIASES",
    "find_industry",
]


class UnknownNameError(ValueError):
    """A chain or area label that no canonical name or alias matches."""


@dataclass(frozen=True)
class Chain:
    name: str  # canonical Chinese name as the plan's main text uses it
    id: str  # English id used in files and code
    english: str  # English label for readers
    aliases: tuple[str, ...]


CHAINS: tuple[Chain, ...] = (
    Chain("现代针纺", "textiles", "Modern knitting & textiles",
          ("现代针纺产业链", "现代针纺产业集群", "现代纺织", "现代纺织产业链", "针纺", "针纺服装", "纺织服装", "纺织")),
    Chain("冶金建材", "metallurgy", "Metallurgy & building materials",
          ("冶金建材产业链", "冶金", "钢铁建材")),
    Chain("电子信息", "electronics", "Electronics & information",
          ("电子信息产业链", "电子", "光电")),
    Chain("食品医药", "food_pharma", "Food & pharmaceuticals",
          ("食品医药产业链", "食品", "医药", "食品药品")),
)
CHAIN_NAMES: tuple[str, ...] = tuple(c.name for c in CHAINS)
CHAIN_IDS: tuple[str, ...] = tuple(c.id for c in CHAINS)
CHAIN_BY_ID: dict[str, Chain] = {c.id: c for c in CHAINS}
OTHER_CHAIN = ("其他", "other")  # register firms outside the four chains are kept under this label

# All above-size industry (规模以上工业), the statistics office's total that the four chains are part of.
# Monthly reports (统计月报) print it as 规上工业 / 规模以上工业 / 规上工业营业收入; files and code use "industry".
INDUSTRY_ID = "industry"
INDUSTRY_NAME = "规上工业"
INDUSTRY_ALIASES: tuple[str, ...] = (
    "规上工业", "规模以上工业", "规上工业企业", "规模以上工业企业", "全区规上工业", "全区规模以上工业",
    "全部规上工业", "规上工业合计", "规模以上工业合计", "全区规上工业合计", "industry",
)

DISTRICT = "全区"
# Order as the plan's Attachment 2 prints its columns: towns, then sub-districts, then the high-tech park.
AREAS: tuple[str, ...] = (
    "湖坊镇", "塘山镇", "京东镇", "罗家镇",
    "上海路街道", "青山路街道", "南钢街道", "站东街道",
    "高新园区",
)
AREAS_WITH_DISTRICT: tuple[str, ...] = (DISTRICT,) + AREAS
AREA_ENGLISH = {
    "全区": "District total", "湖坊镇": "Hufang", "塘山镇": "Tangshan", "京东镇": "Jingdong",
    "罗家镇": "Luojia", "上海路街道": "Shanghai Rd", "青山路街道": "Qingshan Rd",
    "南钢街道": "Nangang", "站东街道": "Zhandong", "高新园区": "High-tech park",
}

# Aliases seen in office files and plan texts. Keys are compared after normalise_label().
AREA_ALIASES: dict[str, str] = {
    "全区": "全区", "合计": "全区", "青山湖区": "全区", "全区合计": "全区",
    "湖坊": "湖坊镇", "湖坊镇": "湖坊镇",
    "塘山": "塘山镇", "塘山镇": "塘山镇",
    "京东": "京东镇", "京东镇": "京东镇",
    "罗家": "罗家镇", "罗家镇": "罗家镇", "羅家鎮": "罗家镇", "羅家": "罗家镇",
    "上海路": "上海路街道", "上海路街道": "上海路街道", "上海路街道办": "上海路街道",
    "上海路街道办事处": "上海路街道",
    "青山路": "青山路街道", "青山路街道": "青山路街道", "青山路街道办": "青山路街道",
    "青山路街道办事处": "青山路街道",
    "南钢": "南钢街道", "南钢街道": "南钢街道", "南鋼街道": "南钢街道", "南鋼": "南钢街道",
    "南钢街道办事处": "南钢街道",
    "站东": "站东街道", "站东街道": "站东街道", "站東街道": "站东街道", "站東": "站东街道",
    "站东街道办事处": "站东街道",
    "高新园区": "高新园区", "高新区": "高新园区", "高新园": "高新园区",
    "高新技术产业开发区": "高新园区", "青山湖高新技术产业开发区": "高新园区",
    "青山湖高新区": "高新园区", "高新技术产业园区": "高新园区", "高新園區": "高新园区",
    "高新区管委会": "高新园区", "高新园区管委会": "高新园区",
    "湖坊鎮": "湖坊镇", "京東鎮": "京东镇", "京東": "京东镇",
}

# Indicators of the target table: id -> (Chinese labels, unit)
INDICATORS: dict[str, tuple[str, ...]] = {
    "revenue": ("营业收入", "主营业务收入", "营收"),
    "enterprises": ("规上户数", "户数", "规上企业数", "企业户数", "规上企业户数", "企业单位数", "规上企业单位数", "企业数"),
}
INDICATOR_UNITS = {"revenue": "亿元", "enterprises": "户"}
INDICATOR_LABELS = {"revenue": "营业收入", "enterprises": "规上户数"}
YEARS: tuple[int, ...] = (2023, 2024, 2025, 2026)

_WS = re.compile(r"[\s\u3000]+")
# Traditional -> Simplified for the characters that occur in the district's place and chain names
# (office files typed in Traditional characters: 羅家鎮, 高新園區, 紡織 …).
TRAD_TO_SIMP = str.maketrans("鎮東羅鋼園區開發業術處辦會員華陽興龍灣橋門莊頭豐湯與紅陸紡織電資訊藥醫產鏈屬現鐵規營數戶總計",
                             "镇东罗钢园区开发业术处办会员华阳兴龙湾桥门庄头丰汤与红陆纺织电资讯药医产链属现铁规营数户总计")


def normalise_label(text: str) -> str:
    """Full-width to half-width (NFKC), brackets unified, all whitespace (incl. U+3000) removed."""
    text = unicodedata.normalize("NFKC", str(text))
    text = text.replace("（", "(").replace("）", ")")
    return _WS.sub("", text)


def _chain_lookup() -> dict[str, Chain]:
    table: dict[str, Chain] = {}
    for c in CHAINS:
        for key in (c.name, c.id, *c.aliases):
            table[normalise_label(key).lower()] = c
    return table


_CHAIN_LOOKUP = _chain_lookup()


def find_chain(label: str) -> Chain | None:
    """The chain a label names, or None. Accepts canonical names, ids and aliases, any spacing, Traditional."""
    key = normalise_label(label).lower()
    return _CHAIN_LOOKUP.get(key) or _CHAIN_LOOKUP.get(key.translate(TRAD_TO_SIMP))


def canonical_chain(label: str) -> str:
    """Canonical Chinese chain name for a label; raises :class:`UnknownNameError` if unknown."""
    c = find_chain(label)
    if c is None:
        raise UnknownNameError(f"unknown chain label {label!r}; known: {', '.join(CHAIN_NAMES)} and aliases")
    return c.name


def chain_id(label: str) -> str:
    """English id (textiles / metallurgy / electronics / food_pharma) for any chain label."""
    c = find_chain(label)
    if c is None:
        raise UnknownNameError(f"unknown chain label {label!r}")
    return c.id


def chain_name(cid: str) -> str:
    """Canonical Chinese name for an English chain id."""
    try:
        return CHAIN_BY_ID[cid].name
    except KeyError:
        raise UnknownNameError(f"unknown chain id {cid!r}; known: {', '.join(CHAIN_IDS)}") from None


_AREA_LOOKUP = {normalise_label(k): v for k, v in AREA_ALIASES.items()}


def find_area(label: str) -> str | None:
    """Canonical area name for a label (镇/街道/园区, aliases, Traditional forms), or None."""
    key = normalise_label(label).translate(TRAD_TO_SIMP)
    if key in _AREA_LOOKUP:
        return _AREA_LOOKUP[key]
    # Office forms like "青山湖区罗家镇" or "罗家镇人民政府": strip the district prefix and office suffixes.
    stripped = re.sub(r"^(江西省)?(南昌市)?青山湖区", "", key)
    stripped = re.sub(r"(人民政府|办事处|管委会|管理委员会)$", "", stripped)
    return _AREA_LOOKUP.get(stripped)


def canonical_area(label: str) -> str:
    """Canonical area name; raises :class:`UnknownNameError` if unknown (never guesses)."""
    a = find_area(label)
    if a is None:
        raise UnknownNameError(f"unknown area label {label!r}; known: {', '.join(AREAS_WITH_DISTRICT)} and aliases")
    return a


def find_industry(label: str) -> bool:
    """Whether a label names all above-size industry (规上工业 / 规模以上工业 …), exactly, any spacing or script."""
    key = normalise_label(label).lower().translate(TRAD_TO_SIMP)
    return key in _INDUSTRY_LOOKUP


_INDUSTRY_LOOKUP = frozenset(normalise_label(a).lower() for a in INDUSTRY_ALIASES)


def find_indicator(label: str) -> str | None:
    """'revenue' or 'enterprises' for a table's indicator label, or None."""
    key = normalise_label(label)
    for ind, labels in INDICATORS.items():
        if key in labels:
            return ind
    return None
