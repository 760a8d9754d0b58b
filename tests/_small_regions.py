"""A hand-worked two-region, two-chain example shared by the share and regional-analysis tests.

Regions A, B; industries X = textiles, Y = metallurgy.
           2023        2026
         X    Y      X    Y
  A     60   40     90   40
  B     20   80     30   90
  total 200 → 250
"""

from __future__ import annotations

import pandas as pd

A, B, C = "湖坊镇", "塘山镇", "京东镇"


def small_frame(values: dict[tuple[str, str, int], float], indicator: str = "revenue") -> pd.DataFrame:
    """Tidy frame from {(chain_id, area, year): value}; other areas are absent (= 0)."""
    return pd.DataFrame([{"chain_id": cid, "year": y, "indicator": indicator, "area": area, "value": v}
                         for (cid, area, y), v in values.items()])


SMALL = small_frame({
    ("textiles", A, 2023): 60, ("metallurgy", A, 2023): 40, ("textiles", B, 2023): 20, ("metallurgy", B, 2023): 80,
    ("textiles", A, 2026): 90, ("metallurgy", A, 2026): 40, ("textiles", B, 2026): 30, ("metallurgy", B, 2026): 90,
})
