"""Duplicates within a year and the chain × area × year panel of the clean register.

Policies (choices, so written down): exact duplicates are rows of one year with the same credit code and the
same cleaned name, area, chain, industry code and revenue (序号, position, file and formatting may differ): the
first is kept, the rest dropped and logged; the same code with any of those different is a conflict and all its
rows go to quarantine. A row without a credit code is kept only when its name is unique in its year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ...plan.model import Plan
from .checks import empty_reasons
from .schemas import FIELD_LABELS_CN, register_names
from .values import clip_text, take_rows

__all__ = ["deduplicate", "build_panel", "FIELDS_COMPARED", "PLACES_LISTED"]

FIELDS_COMPARED = ["name", "area", "chain_id", "industry_code", "revenue_wan"]
PLACES_LISTED = 5  # a conflict's reason lists this many of its rows, then says how many more


def _repeated(key: np.ndarray) -> np.ndarray:
    """Which 64-bit keys occur more than once: one sort finds the repeated values (few), and Arrow's
    ``is_in`` (a hash set of those few) marks the rows holding them."""
    sk = np.sort(key)
    again = np.unique(sk[1:][sk[1:] == sk[:-1]])
    if not len(again):
        return np.zeros(len(key), dtype=bool)
    return pc.is_in(pa.array(key), value_set=pa.array(again)).to_numpy(zero_copy_only=False)


def deduplicate(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Duplicates among the rows that passed the row checks (``~rows.failed``).

    Returns (dropped, kept_at, reasons): ``dropped`` marks exact duplicates of an earlier row (same year
    and code, or for rows without a code the same year and name, and the same cleaned name, area, chain,
    industry code and revenue), ``kept_at`` the row each duplicates (-1 elsewhere), and ``reasons`` the
    duplicate_conflict / name_not_unique reasons of the rows that now fail, indexed by row.
    """
    n = len(rows)
    dropped, kept_at = np.zeros(n, dtype=bool), np.full(n, -1, dtype=np.int64)
    live = ~rows["failed"].to_numpy()
    missing = rows["uscc_missing"].to_numpy()
    found = []
    year = rows["year"].to_numpy()
    for keycols, part in ((["year", "uscc"], live & ~missing), (["year", "name"], live & missing)):
        idx = np.flatnonzero(part)
        if len(idx) < 2:
            continue
        if keycols[1] == "uscc":  # candidates by a 64-bit key of (code, year): the code's hash xor the bits
            cand = _repeated((rows["uscc_key"].to_numpy() ^ year.view(np.uint64))[idx])  # of the year (a float);
            # candidates are confirmed on the strings below
        else:
            cand = rows[keycols].iloc[idx].duplicated(keep=False).to_numpy()
        idx = idx[cand]
        if not len(idx):
            continue
        grp = take_rows(rows, idx, list(dict.fromkeys(keycols + FIELDS_COMPARED))).astype(
            {"area": "str", "chain_id": "str"})
        grp.index = idx
        exact = grp.duplicated(keep="first").to_numpy()
        first = grp.groupby(list(grp.columns), dropna=False, sort=False).ngroup()
        first_pos = pd.Series(idx).groupby(first.to_numpy()).transform("first").to_numpy()
        dropped[idx[exact]], kept_at[idx[exact]] = True, first_pos[exact]
        if keycols[1] == "uscc":
            rest = grp[~exact]
            conflict = rest[rest.duplicated(keycols, keep=False).to_numpy()]
            if len(conflict):
                found.append(_conflict_reasons(rows, conflict, keycols))
    nocode = np.flatnonzero(live & missing & ~dropped)
    if len(nocode):  # a row without a code stays only if its name is unique in its year
        there = ~rows["structural"].to_numpy() & ~dropped & rows["name"].isin(set(rows["name"].iloc[nocode])).to_numpy()
        pool = rows.loc[there, ["year", "name"]]
        count = pool.groupby(["year", "name"], sort=False)["name"].transform("size").reindex(nocode).to_numpy()
        clash = nocode[count > 1]
        if len(clash):
            found.append(pd.DataFrame({
                "reason_code": "name_not_unique",
                "reason": ("统一社会信用代码为空，且企业名称 '" + clip_text(rows["name"].iloc[clash])
                           + "' 在 " + rows["year"].iloc[clash].astype(int).astype("str")
                           + " 年出现不止一次").to_numpy(object),
            }, index=clash))
    why = pd.concat(found) if found else empty_reasons()
    return dropped, kept_at, why


def _conflict_reasons(rows: pd.DataFrame, conflict: pd.DataFrame, keycols: list[str]) -> pd.DataFrame:
    differ = conflict.groupby(keycols, sort=False)[FIELDS_COMPARED].transform("nunique") > 1
    what = pd.Series("", index=conflict.index, dtype="str")
    for c in FIELDS_COMPARED:
        what = what + np.where(differ[c].to_numpy(), FIELD_LABELS_CN[c] + "、", "")
    at = take_rows(rows, conflict.index.to_numpy(), ["source_file", "source_row"])
    where = pd.Series((at["source_file"].astype("str").str.replace(r"^.*[\\/]", "", regex=True)
                       + ":" + at["source_row"].astype("str")).to_numpy(), index=conflict.index)
    keys = [conflict["year"], conflict["uscc"]]
    rank = where.groupby(keys, sort=False).cumcount().to_numpy()
    listed = where.where(rank < PLACES_LISTED, "")  # a code repeated 100,000 times lists 5 places, not 100,000
    group_rows = listed.groupby(keys, sort=False).transform(lambda s: "、".join(x for x in s if x))
    count = conflict.groupby(keycols, sort=False)["uscc"].transform("size")
    more = np.where(count.to_numpy() > PLACES_LISTED, "等", "")
    return pd.DataFrame({"reason_code": "duplicate_conflict", "reason": (
        "统一社会信用代码 " + conflict["uscc"] + " 在 " + conflict["year"].astype(int).astype("str") + " 年出现 "
        + count.astype("str") + " 次，" + what.str.rstrip("、") + "不同（" + group_rows + more + "）"
    ).to_numpy(object)}, index=conflict.index)


def _codes(s: pd.Series, categories) -> np.ndarray:
    """Positions of the values in ``categories`` (-1 if absent); free when ``s`` already has them."""
    if isinstance(s.dtype, pd.CategoricalDtype) and list(s.cat.categories) == list(categories):
        return s.cat.codes.to_numpy().astype(np.int32)
    return pd.Categorical(s, categories=list(categories)).codes.astype(np.int32)


def build_panel(clean: pd.DataFrame, years: list[int] | None = None, *, plan: Plan) -> pd.DataFrame:
    """Above-size enterprises and their revenue (亿元) per year × chain × area, with 全区 rows.

    Every chain (the plan's and ``other``) × area (全区 first, then the plan's areas) × year is present, zeros
    where no firm is; the layout matches the target table so the two merge on (year, chain_id, area).
    ``plan``: the plan the register was cleaned for (default: the default plan).
    """
    names = register_names(plan)
    chain_ids_all, areas, area_categories = names.chain_ids_all, names.areas, names.area_categories
    year_all = np.asarray(clean["year"].to_numpy(), dtype=np.int64)  # no copy when it already is
    if years is None:  # the few distinct years, without sorting a million of them
        lo = int(year_all.min()) if len(year_all) else 0
        years = (np.flatnonzero(np.bincount(year_all - lo)) + lo).tolist() if len(year_all) else []
    years = sorted(years)
    above = clean["above_size"].to_numpy(dtype=bool)
    ny, nc, na = len(years), len(chain_ids_all), len(areas)
    size = ny * nc * na
    # One int32 cell number per row, built in place (a few million rows need no int64 temporaries); rows not
    # counted go to an extra cell, dropped. bincount adds each cell's values in row order, so the sums are the
    # same as over the counted rows alone.
    cell = pd.Index(years).get_indexer(year_all).astype(np.int32)
    skip = ~above | (cell < 0)
    for codes, k in ((_codes(clean["chain_id"], chain_ids_all), nc), (_codes(clean["area"], areas), na)):
        skip |= codes < 0
        cell *= k
        cell += codes
        del codes
    cell[skip] = size
    firms = np.bincount(cell, minlength=size + 1)[:size].reshape(ny, nc, na)
    revenue = np.bincount(cell, weights=clean["revenue_yi"].to_numpy(dtype=float), minlength=size + 1)[:size]
    revenue = revenue.astype(float).reshape(ny, nc, na)
    firms = np.concatenate([firms.sum(axis=2, keepdims=True), firms], axis=2)  # 全区 first
    revenue = np.concatenate([revenue.sum(axis=2, keepdims=True), revenue], axis=2)
    out = pd.DataFrame({
        "year": np.repeat(np.asarray(years, dtype=np.int64), nc * (na + 1)),
        "chain_id": np.tile(np.repeat(np.asarray(chain_ids_all, dtype=object), na + 1), ny),
        "area": np.tile(np.asarray(area_categories, dtype=object), ny * nc),
        "enterprises": firms.ravel().astype(np.int64),
        "revenue_yi": revenue.ravel().round(8),
    })
    out = out.astype({"chain_id": "str", "area": "str"})
    out["chain"] = out["chain_id"].map(names.chain_name_by_id).astype("str")
    return names.panel_schema.validate(out, inplace=True)  # a frame made here: no copy to check
