# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 各镇（街道、园区）占比、集中度与偏离-份额分析
# 各区域在各链营业收入和规上户数中的占比（全区不计入，占比之和为 100%），2023→2026 的占比变化，
# 赫芬达尔-赫希曼指数（HHI）与最大区域占比，区位商，以及区域营业收入增长的偏离-份额分解。

# %% tags=["parameters"]
chain = "textiles"     # textiles / metallurgy / electronics / food_pharma, or "all" (四条链合计)
year = 2026            # the year shown in the location quotients; shares are shown for every year
base_year = 2023       # start of the share change and the shift-share (the same as year: levels only)
processed_dir = None

# %%
from IPython.display import Markdown, display

from chainplan_lib.plan import params
from chainplan_lib.analysis import shares
from chainplan_lib.reporting import charts, coverage, datasets, tables

params.install_short_errors()
chain = params.check_chain(chain)
year = params.check_year(year)
base_year = params.check_year(base_year, "base_year")
if base_year > year:
    raise params.ParameterError(f"base_year={base_year} must not be after year={year}")
processed_dir = params.check_path(processed_dir, "processed_dir", must_exist=False)
targets = datasets.targets_bundle(processed_dir).table
area_shares = shares.area_shares(targets, include_all=True)
is_base = year == base_year    # the base year: levels and shares, no changes and no shift-share
change = None if is_base else shares.share_change(targets, base_year, year, include_all=True)

# %% [markdown]
# ## 区域构成

# %%
fig = charts.area_shares(area_shares, chain, "revenue")

# %%
fig = charts.area_shares(area_shares, chain, "enterprises")

# %% [markdown]
# ## 占比变化

# %%
if is_base:
    display(Markdown(coverage.base_year_md(year, base_year)))
else:
    fig = charts.share_change(change, chain, "revenue")
    sel = change[(change["chain_id"] == chain) & ((change["share_start"] > 0) | (change["share_end"] > 0))]
    tables.show(tables.present(sel, caption=f"{base_year}→{year} 区域占比变化", note=charts.SOURCE_TABLE))

# %% [markdown]
# ## 集中度
# HHI 取 0–10000：10000 表示全部集中在一个区域；一般以 2500 以上为高度集中。

# %%
conc = shares.concentration(targets, include_all=True)
tables.show(tables.present(conc[conc["year"].isin([base_year, year])], caption="集中度（按区域）"))

# %% [markdown]
# ## 区位商与偏离-份额分解
# 区位商 > 1 表示该区域在该链上的专业化程度高于全区平均。偏离-份额把区域营业收入增量分解为
# 全区增长、产业结构和区域竞争三部分，三者之和等于实际增量。

# %%
lq = shares.location_quotients(targets, year=year)
tables.show(tables.lq_wide(lq))
if is_base:
    display(Markdown(coverage.base_year_md(year, base_year)))
else:
    tables.show(tables.shift_share(shares.shift_share(targets, base_year, year)))
