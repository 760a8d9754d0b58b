"""Register actuals against targets: completion rates by chain × area, hand-computed."""

from __future__ import annotations

import math

import pandas as pd
from _plans import PLAN

from chainplan_lib.analysis.compare import actual_vs_target


def _targets():
    rows = []
    for area, rev, ent in [("全区", 65, 13), ("罗家镇", 1, 1), ("高新园区", 64, 12), ("湖坊镇", 0, 0)]:
        rows.append(dict(chain="电子信息", chain_id="electronics", year=2024, indicator="revenue", area=area,
                         value=float(rev), source="table"))
        rows.append(dict(chain="电子信息", chain_id="electronics", year=2024, indicator="enterprises", area=area,
                         value=float(ent), source="table"))
    return pd.DataFrame(rows)


def _panel():
    return pd.DataFrame([
        dict(year=2024, chain_id="electronics", area="全区", enterprises=14, revenue_yi=52.0),
        dict(year=2024, chain_id="electronics", area="高新园区", enterprises=12, revenue_yi=51.5),
        dict(year=2024, chain_id="electronics", area="湖坊镇", enterprises=2, revenue_yi=0.5),   # no target there
        dict(year=2024, chain_id="other", area="全区", enterprises=40, revenue_yi=80.0),       # not a chain
        dict(year=2023, chain_id="electronics", area="全区", enterprises=9, revenue_yi=40.0),   # other year
    ])


def test_completion_rates_by_area():
    out = actual_vs_target(_panel(), _targets(), 2024, plan=PLAN).set_index(["area", "indicator"])
    # 52 / 65 = 0.8; 14 / 13 = 1.0769…; 罗家镇 has a target of 1 and no firms: 0 / 1 = 0
    assert math.isclose(out.loc[("全区", "revenue"), "completion_rate"], 0.8)
    assert math.isclose(out.loc[("全区", "enterprises"), "completion_rate"], 14 / 13)
    assert out.loc[("罗家镇", "revenue"), "actual"] == 0 and out.loc[("罗家镇", "revenue"), "completion_rate"] == 0
    assert math.isclose(out.loc[("高新园区", "revenue"), "gap"], 51.5 - 64)
    # firms where the plan has no target: kept, completion rate undefined (not inf)
    assert out.loc[("湖坊镇", "enterprises"), "actual"] == 2
    assert math.isnan(out.loc[("湖坊镇", "enterprises"), "completion_rate"])
    assert set(out.reset_index()["chain_id"]) == {"electronics"}
    assert len(out) == 8   # 4 areas × 2 indicators (湖坊镇 kept for its firms)
