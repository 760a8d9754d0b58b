"""Names that are the same for every plan: the district total (全区), all above-size industry (规上工业), the firms
outside the plan's chains (其他), and the Traditional → Simplified table the normaliser uses.

A district's own names — its chains, areas, indicators and years — live in its plan file and are asked of the
:class:`~chainplan_lib.plan.model.Plan` (``plan.find_chain("紡織")``, ``plan.area_names`` …); nothing here holds
them.
"""

from __future__ import annotations

from .model import TOTAL
from .normalise import label_key, normalise_label, t2s_table

__all__ = ["DISTRICT", "OTHER_CHAIN", "INDUSTRY_ID", "INDUSTRY_NAME", "INDUSTRY_ALIASES", "find_industry",
           "TRAD_TO_SIMP", "normalise_label"]

DISTRICT = TOTAL            # the area label of the district total in every tidy table (全区), for every plan
OTHER_CHAIN = ("其他", "other")  # register firms outside the plan's chains are kept under this label

# All above-size industry (规模以上工业), the statistics office's total that the chains are part of.
# Monthly reports (统计月报) print it as 规上工业 / 规模以上工业 / 规上工业营业收入; files and code use "industry".
INDUSTRY_ID = "industry"
INDUSTRY_NAME = "规上工业"
INDUSTRY_ALIASES: tuple[str, ...] = (
    "规上工业", "规模以上工业", "规上工业企业", "规模以上工业企业", "全区规上工业", "全区规模以上工业",
    "全部规上工业", "规上工业合计", "规模以上工业合计", "全区规上工业合计", "industry",
)
_INDUSTRY_KEYS = frozenset(label_key(a) for a in INDUSTRY_ALIASES)

# Traditional → Simplified, a ``str.translate`` table (OpenCC's character table; see normalise.py).
TRAD_TO_SIMP = t2s_table()


def find_industry(label: str) -> bool:
    """Whether a label names all above-size industry (规上工业 / 规模以上工业 …), exactly, any spacing or script."""
    return label_key(label) in _INDUSTRY_KEYS
