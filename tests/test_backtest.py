"""Rolling-origin backtests on cases small enough to check by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from chainplan_lib.analysis.backtest import (
    annual_summary,
    backtest_annual,
    backtest_full_year,
    choose_method,
    coverage,
    mape_by_month,
)


def _table(rows: dict[int, tuple[float, float]]) -> pd.DataFrame:
    """{year: (1—9月, 1—12月)} as a cumulative table."""
    t = pd.DataFrame(np.nan, index=pd.Index(list(rows), name="year"), columns=pd.Index(range(1, 13), name="month"))
    for y, (m9, m12) in rows.items():
        t.loc[y, 9], t.loc[y, 12] = m9, m12
    return t


def test_convention_backtest_by_hand():
    t = _table({2021: (70, 100), 2022: (72, 100), 2023: (75, 110)})
    bt = backtest_full_year(t, months=[9], methods=("convention",), years_back=1)
    # 2022 from 2021's share 0.70: 72 / 0.70 = 102.857 (actual 100: +2.857 %)
    # 2023 from 2022's share 0.72: 75 / 0.72 = 104.167 (actual 110: −5.303 %); 2021 has no past: left out
    assert bt["year"].tolist() == [2022, 2023]
    assert bt["estimate"].tolist() == pytest.approx([72 / 0.70, 75 / 0.72])
    assert bt["error_pct"].tolist() == pytest.approx([(72 / 0.70 / 100 - 1) * 100, (75 / 0.72 / 110 - 1) * 100])
    assert bt["in80"].isna().all()  # one past year: no range, so no coverage
    m = mape_by_month(bt)
    assert m.loc["convention", 9] == pytest.approx((2.857142857 + 5.303030303) / 2)
    two = backtest_full_year(t, months=[9], methods=("convention",), years_back=2)
    row = two[two["year"] == 2023].iloc[0]
    assert row["estimate"] == pytest.approx(75 / 0.71)  # mean share (0.70 + 0.72) / 2
    assert row["in80"] == (row["lower80"] <= 110 <= row["upper80"]) and row["in80"] is not None
    cov = coverage(two)
    assert cov.loc[0, "n"] == 2 and cov.loc[0, "coverage80"] == pytest.approx(float(row["in80"]))


def test_the_method_is_compared_on_shared_years_and_ties_go_to_the_convention():
    bt = pd.DataFrame({
        "year": [2021, 2022, 2023, 2022, 2023], "month": [9] * 5,
        "method": ["convention", "convention", "convention", "ets", "ets"],
        "ape": [10.0, 1.0, 3.0, 2.0, 1.0], "error_pct": [10.0, 1.0, -3.0, 2.0, -1.0],
        "in80": [True, True, False, True, True], "in95": [True] * 5,
    })
    # on 2022–2023 (the years both have): convention (1 + 3) / 2 = 2.0, ets (2 + 1) / 2 = 1.5
    method, why = choose_method([bt], 9)
    assert method == "ets" and "2022—2023" in why and "惯例法 2.0%" in why and "模型法 1.5%" in why
    assert mape_by_month(bt).loc["convention", 9] == 2.0  # 2021 left out of the comparison
    assert mape_by_month(bt, common=False).loc["convention", 9] == pytest.approx(14 / 3)
    tie = bt.assign(ape=[9.0, 2.0, 1.0, 1.0, 2.0])
    assert choose_method([tie], 9)[0] == "convention"
    assert "2022—2023 年回测（各月平均）" in choose_method([bt], 5)[1]  # no month 5: all months
    assert choose_method([bt[bt["method"] == "ets"]], 9) == ("ets", "只有这一种方法有回测结果")
    assert choose_method([bt.iloc[0:0]], 9)[0] == "convention"


def test_annual_backtest_on_a_constant_growth_series():
    s = pd.Series(100 * 1.1 ** np.arange(8), index=range(2017, 2025), dtype=float)
    bt = backtest_annual(s, horizons=(1, 2))
    # origins 2021 (5 years, the trend's minimum) … 2023; 2021 → 2022, 2023; 2022 → 2023, 2024; 2023 → 2024
    assert sorted(set(zip(bt["origin"], bt["year"]))) == [(2021, 2022), (2021, 2023), (2022, 2023), (2022, 2024),
                                                          (2023, 2024)]
    assert set(bt["method"]) == {"trend"}   # ETS needs 10 years: never fitted on fewer
    assert bt["ape"].max() < 1e-6  # a straight line on logs is forecast exactly
    summ = annual_summary(bt)
    assert summ.loc[summ["horizon"] == 1, "n"].tolist() == [3]
    assert math.isclose(summ.loc[summ["horizon"] == 2, "mape"].iloc[0], 0, abs_tol=1e-6)
    long = pd.Series(100 * 1.1 ** np.arange(13), index=range(2012, 2025), dtype=float)
    bt = backtest_annual(long, horizons=(1,), min_train=10)
    # origins 2021 (10 years), 2022, 2023: both methods from each
    assert sorted(set(zip(bt["method"], bt["origin"]))) == [("ets", 2021), ("ets", 2022), ("ets", 2023),
                                                            ("trend", 2021), ("trend", 2022), ("trend", 2023)]
