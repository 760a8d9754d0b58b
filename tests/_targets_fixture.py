"""The reconciled Attachment 2 target table, typed in by hand, as the tidy 320-row frame.

Shape (what ``chainplan_lib.cleaning.targets.clean.load_targets`` returns): chain (Chinese), chain_id, year (int),
indicator ('revenue' 亿元 | 'enterprises' 户), area ('全区' or one of the nine areas), value (float),
source. Areas the table leaves blank ('-') are 0 here. Built independently of the cleaner so the
analytics tests do not depend on it.
"""

from __future__ import annotations

import pandas as pd
from _plans import PLAN

from chainplan_lib.plan.names import DISTRICT

AREAS, CHAIN_IDS, YEARS = PLAN.area_names, PLAN.chain_ids, PLAN.years   # the bundled plan's, as a value
CHAIN_BY_ID = {c.id: c for c in PLAN.chains}

# chain_id -> indicator -> {"全区": [2023..2026], area: [2023..2026], ...}; unlisted areas are 0.
TABLE: dict[str, dict[str, dict[str, list[float]]]] = {
    "textiles": {
        "revenue": {
            DISTRICT: [320, 370, 430, 500],
            "湖坊镇": [13, 16, 18, 21], "塘山镇": [5, 6, 7, 8], "京东镇": [40, 46, 54, 62],
            "罗家镇": [48, 56, 64, 75], "上海路街道": [3, 3, 4, 4], "青山路街道": [3, 3, 4, 4],
            "高新园区": [208, 240, 279, 326],
        },
        "enterprises": {
            DISTRICT: [238, 255, 275, 300],
            "湖坊镇": [17, 18, 19, 21], "塘山镇": [3, 3, 3, 3], "京东镇": [24, 26, 28, 31],
            "罗家镇": [52, 56, 60, 65], "上海路街道": [1, 1, 1, 1], "青山路街道": [2, 2, 2, 2],
            "高新园区": [139, 149, 162, 177],
        },
    },
    "metallurgy": {
        "revenue": {
            DISTRICT: [240, 250, 270, 300],
            "罗家镇": [8, 9, 9, 10], "南钢街道": [218, 226, 245, 272], "高新园区": [14, 15, 16, 18],
        },
        "enterprises": {
            DISTRICT: [21, 22, 25, 30],
            "罗家镇": [9, 9, 10, 12], "南钢街道": [3, 3, 4, 5], "高新园区": [9, 10, 11, 13],
        },
    },
    "electronics": {
        "revenue": {DISTRICT: [65, 74, 85, 100], "罗家镇": [1, 1, 1, 1], "高新园区": [64, 73, 84, 99]},
        "enterprises": {DISTRICT: [13, 16, 22, 30], "罗家镇": [1, 1, 2, 2], "高新园区": [12, 15, 20, 28]},
    },
    "food_pharma": {
        "revenue": {
            DISTRICT: [65, 74, 85, 100],
            "塘山镇": [39, 44, 50, 60], "罗家镇": [1, 1, 1, 1], "高新园区": [25, 29, 34, 39],
        },
        "enterprises": {
            DISTRICT: [16, 21, 28, 40],
            "塘山镇": [4, 5, 6, 7], "罗家镇": [1, 2, 3, 4], "高新园区": [11, 14, 19, 29],
        },
    },
}


def targets_frame() -> pd.DataFrame:
    """The full 4 chains × 4 years × 2 indicators × 10 areas = 320-row tidy target table."""
    rows = []
    for cid in CHAIN_IDS:
        for year_pos, year in enumerate(YEARS):
            for indicator in ("revenue", "enterprises"):
                listed = TABLE[cid][indicator]
                for area in (DISTRICT, *AREAS):
                    value = float(listed[area][year_pos]) if area in listed else 0.0
                    rows.append({
                        "chain": CHAIN_BY_ID[cid].name, "chain_id": cid, "year": year,
                        "indicator": indicator, "area": area, "value": value,
                        "source": "table" if area in listed else "dash",
                    })
    return pd.DataFrame(rows)


def district_revenue() -> dict[str, list[float]]:
    """{chain_id: [2023..2026 全区 revenue, 亿元]} straight from TABLE."""
    return {cid: list(TABLE[cid]["revenue"][DISTRICT]) for cid in CHAIN_IDS}
