"""Canonical names, as a thin layer over the plan file: chains, areas, indicators and years, and the lookups.

The plan file (:mod:`chainplan_lib.plan.load`, bundled ``data/plans/qingshanhu-2024.toml``) is the one place
where names are decided; the normaliser (:mod:`chainplan_lib.plan.normalise`) derives the spellings (full-width,
Traditional, ``…产业链`` / ``…镇`` / ``…街道办事处`` suffixes, district prefixes), so nothing here is listed by
hand. Every function takes ``plan=None`` (the default plan: ``$CHAINPLAN_PLAN`` or the bundled one).

The module-level constants (``CHAIN_IDS``, ``AREAS``, ``YEARS`` …) are the *default* plan's, read once at import,
for callers that have not been given a plan; code that can run for another district takes a ``plan``.
Not plan-specific, so kept here: 规上工业 (all above-size industry, the statistics office's total) and
其他 (register firms outside the plan's chains).
"""

from __future__ import annotations

from .load import read_plan, user_plan_path
from .model import ALL, TOTAL, Chain, Plan
from .normalise import _t2s_table, label_key, normalise_label, strip_suffix

__all__ = [
    "Chain", "CHAINS", "CHAIN_IDS", "CHAIN_NAMES", "CHAIN_BY_ID", "AREAS", "DISTRICT", "AREAS_WITH_DISTRICT",
    "AREA_ALIASES", "INDICATORS", "INDICATOR_UNITS", "INDICATOR_LABELS", "YEARS", "OTHER_CHAIN", "ALL",
    "normalise_label", "find_chain", "find_area", "find_indicator", "INDUSTRY_ID", "INDUSTRY_NAME",
    "INDUSTRY_ALIASES", "find_industry", "TRAD_TO_SIMP", "area_label_table",
]


DISTRICT = TOTAL            # the area label of the district total in every tidy table (全区), for every plan
OTHER_CHAIN = ("其他", "other")  # register firms outside the plan's chains are kept under this label

# All above-size industry (规模以上工业), the statistics office's total that the chains are part of.
# Monthly reports (统计月报) print it as 规上工业 / 规模以上工业 / 规上工业营业收入; files and code use "industry".
# The same for every district, so not part of a plan file.
INDUSTRY_ID = "industry"
INDUSTRY_NAME = "规上工业"
INDUSTRY_ALIASES: tuple[str, ...] = (
    "规上工业", "规模以上工业", "规上工业企业", "规模以上工业企业", "全区规上工业", "全区规模以上工业",
    "全部规上工业", "规上工业合计", "规模以上工业合计", "全区规上工业合计", "industry",
)
_INDUSTRY_KEYS = frozenset(label_key(a) for a in INDUSTRY_ALIASES)

# Traditional → Simplified, a ``str.translate`` table (OpenCC's character table; see normalise.py).
TRAD_TO_SIMP = _t2s_table()

# ------------------------------------------------------------------------------ the default plan's names
_DEFAULT: Plan = read_plan(user_plan_path())  # TEMPORARY: goes when cleaning/actuals takes the plan
CHAINS: tuple[Chain, ...] = _DEFAULT.chains
CHAIN_NAMES: tuple[str, ...] = _DEFAULT.chain_names
CHAIN_IDS: tuple[str, ...] = _DEFAULT.chain_ids
CHAIN_BY_ID: dict[str, Chain] = {c.id: c for c in CHAINS}
AREAS: tuple[str, ...] = _DEFAULT.area_names
AREAS_WITH_DISTRICT: tuple[str, ...] = _DEFAULT.areas_with_total
YEARS: tuple[int, ...] = _DEFAULT.years
INDICATORS: dict[str, tuple[str, ...]] = {i.id: i.labels for i in _DEFAULT.indicators}
INDICATOR_UNITS: dict[str, str] = {i.id: i.unit for i in _DEFAULT.indicators}
INDICATOR_LABELS: dict[str, str] = {i.id: i.label for i in _DEFAULT.indicators}


_PLACE_SUFFIXES = ("街道", "镇", "乡")


def area_label_table(plan: Plan) -> dict[str, str]:
    """Every spelling of an area the plan gives or implies → canonical area (全区 for the district total).

    Derived, not listed: each area's name and aliases, the stem of a town's or sub-district's name without
    镇/乡/街道 when no other area shares it (a park's stem, 高新 of 高新园区, is a common word and is not
    used), and the district's own name and aliases. For readers that search labels for area names
    (statistics reports print ``其中：罗家镇``); exact lookups use :func:`find_area`.
    """
    table: dict[str, str] = {}
    stems: dict[str, set[str]] = {}
    for a in plan.areas:
        for label in (a.name, *a.aliases):
            table[normalise_label(label)] = a.name
        stem = strip_suffix(normalise_label(a.name), _PLACE_SUFFIXES)
        if stem != normalise_label(a.name):
            stems.setdefault(stem, set()).add(a.name)
    for stem, names in stems.items():
        if len(names) == 1:
            table.setdefault(stem, next(iter(names)))
    for label in (TOTAL, plan.district, *plan.district_aliases):
        table.setdefault(normalise_label(label), TOTAL)
    return table


AREA_ALIASES: dict[str, str] = area_label_table(_DEFAULT)


# ------------------------------------------------------------------------------ lookups
def find_chain(label: str, plan: Plan | None = None) -> Chain | None:
    """The chain a label names, or None. Accepts canonical names, ids and aliases, any spacing, Traditional."""
    return (plan or _DEFAULT).find_chain(label)  # TEMPORARY default: until cleaning/actuals takes the plan


def find_area(label: str, plan: Plan | None = None) -> str | None:
    """Canonical area name for a label (镇/街道/园区, aliases, Traditional forms, office forms), or None."""
    return (plan or _DEFAULT).find_area(label)  # TEMPORARY default: until cleaning/actuals takes the plan


def find_industry(label: str) -> bool:
    """Whether a label names all above-size industry (规上工业 / 规模以上工业 …), exactly, any spacing or script."""
    return label_key(label) in _INDUSTRY_KEYS


def find_indicator(label: str, plan: Plan | None = None) -> str | None:
    """The indicator id ('revenue', 'enterprises', …) for a table's indicator label, or None."""
    return (plan or _DEFAULT).find_indicator(label)  # TEMPORARY default: until cleaning/actuals takes the plan
