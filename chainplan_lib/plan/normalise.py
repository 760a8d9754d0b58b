"""How a printed name becomes a comparable key, the same for every plan.

Office files and PDF extractions spell one name many ways: full-width letters and digits, Traditional
characters (羅家鎮, 高新園區, 紡織), spaces inside (``现代纺织 产业链``), brackets in two widths, the chain with or
without ``产业链``, the area with or without ``镇``/``街道``/``园区`` or an office suffix (``罗家镇人民政府``,
``上海路街道办事处``) and a district prefix (``青山湖区罗家镇``). The functions here reduce a label to a key;
:class:`chainplan_lib.plan.model.Plan` builds its lookups from the keys of its own names and aliases, so a
plan file lists only the aliases these rules cannot derive.

Traditional → Simplified uses the character table of OpenCC (``TSCharacters``, Apache-2.0, shipped by the
``opencc-python-reimplemented`` wheel), applied as a ``str.translate`` table.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["normalise_label", "to_simplified", "label_key", "CHAIN_SUFFIXES", "AREA_SUFFIXES",
           "OFFICE_SUFFIXES", "strip_suffix", "strip_prefixes"]

_WS = re.compile(r"[\s\u3000]+")
# Longest first: a chain printed as 现代针纺产业链 / 现代针纺产业集群 / 现代针纺产业
CHAIN_SUFFIXES = ("产业集群", "产业链条", "产业链", "产业", "集群")
# An area's kind: 镇 (town), 乡 (township), 街道 (sub-district), 园区/开发区 (park)
AREA_SUFFIXES = ("街道", "镇", "乡", "园区", "园")
# Offices that stand for an area in office files
OFFICE_SUFFIXES = ("人民政府", "街道办事处", "办事处", "街道办", "管理委员会", "管委会")
_ADMIN_PREFIX = re.compile(r"^(.{2,7}?(省|自治区))?(.{2,7}?(市|自治州|地区|盟))?")


def normalise_label(text: object) -> str:
    """Full-width to half-width (NFKC), brackets unified, all whitespace (incl. U+3000) removed."""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.replace("（", "(").replace("）", ")")
    return _WS.sub("", s)


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    text = (resources.files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        trad, _, simp = line.partition("\t")
        if len(trad) == 1 and simp:
            first = simp.split(" ")[0]
            if len(first) == 1 and first != trad:
                table[ord(trad)] = first
    return table


def to_simplified(text: str) -> str:
    """Traditional characters → Simplified, character by character (OpenCC's table)."""
    return text.translate(t2s_table())


def label_key(text: object) -> str:
    """The comparison key of a label: normalised, Simplified, lower-case (for ids written in Latin letters)."""
    return to_simplified(normalise_label(text)).lower()


def strip_suffix(key: str, suffixes: tuple[str, ...]) -> str:
    """``key`` without the first of ``suffixes`` it ends with (and only if something is left)."""
    for suf in suffixes:
        if key.endswith(suf) and len(key) > len(suf):
            return key[: -len(suf)]
    return key


def strip_prefixes(key: str, prefixes: tuple[str, ...]) -> str:
    """``key`` without a leading province/city and then any of ``prefixes`` (district names)."""
    for p in prefixes:
        if p and key.startswith(p) and len(key) > len(p):
            return key[len(p):]
    m = _ADMIN_PREFIX.match(key)
    rest = key[m.end():] if m and m.end() else key
    for p in prefixes:
        if p and rest.startswith(p) and len(rest) > len(p):
            return rest[len(p):]
    return key
