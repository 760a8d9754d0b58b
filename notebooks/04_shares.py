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
# 各区域在各链营业收入和规上户数目标中的占比（全区不计入，取整后占比之和为 100%）及其变化、赫芬达尔-赫希曼指数（HHI）
# 与最大区域；有企业名录时，以名录实际值（名录口径）计算区位商（分母为区域名录全部规上企业）和偏离-份额分解。
# 附件目标表的数为整数：目标的占比变化和偏离-份额只描述规划的分配，在取整误差之内的数标“*”，不作解读。
# 表中各部分按最大余数法取整：显示的各部分之和等于显示的合计。

# %% tags=["parameters"]
plan = None              # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled plan
chain = "all"            # a chain id or Chinese name, or "all" (各链合计)
year = None              # last year of the share change (None: the latest year with data); location quotients use the
                         # latest register year up to it
base_year = None         # start of the share change and the shift-share of targets (None: the plan's base year;
                         # the same as year: levels only)
processed_dir = None
register_dir = None      # register files; None: the bundled plan's SYNTHETIC sample
reference_growth = None  # optional outside growth of all industry for shift-share, a fraction (0.08 is 8 pct)

# %%
from IPython.display import HTML, Markdown, display

from chainplan_lib import District
from chainplan_lib.analysis import regional
from chainplan_lib.analysis import shares as share_analysis
from chainplan_lib.plan import params
from chainplan_lib.present import briefing, shares, tables
from chainplan_lib.present import register as show_register

params.install_short_errors()
d = District.open(params.plan_file(plan), registers=params.check_path(register_dir, "register_dir"),
                  processed=params.check_path(processed_dir, "processed_dir", must_exist=False))
plan = d.plan
chain = params.check_chain(chain, plan=plan)
year = params.check_year(year if year is not None else d.latest_year(), plan=plan)
base_year = params.check_year_or(base_year, "base_year", "base", plan=plan)
if base_year > year:
    raise params.ParameterError(f"base_year={base_year} must not be after year={year}")
reference_growth = None if reference_growth is None else params.check_rates([reference_growth], "reference_growth")[0]

# %%
targets = d.targets.table
register = d.register
reg_years = [y for y in register.years if y <= year]
area_shares = share_analysis.area_shares(targets, include_all=True, plan=plan)
is_base = year == base_year    # the base year: levels and shares, no changes and no shift-share
change = None if is_base else share_analysis.share_change(targets, base_year, year, include_all=True,
                                                          input_precision=0.5, plan=plan)

# %% [markdown]
# ## 目标的区域构成

# %%
figs = [shares.area_shares(area_shares, chain, indicator, plan=plan) for indicator in plan.indicator_ids]

# %% [markdown]
# ## 目标的区域占比变化

# %%
if is_base:
    display(Markdown(shares.base_year_md(year, base_year)))
else:
    tables.show(shares.share_change_table(change, chain, base_year, year, plan=plan))

# %% [markdown]
# ## 目标的区域集中度
# HHI 取 0–10000：10000 表示全部集中在一个区域，n 个区域相等时最小为 10000 ÷ n。最大区域并列时全部列出。
# HHI 在这里只描述目标在区域间的分布，不套用反垄断审查中针对企业市场份额的阈值。

# %%
conc = share_analysis.concentration(targets, include_all=True, plan=plan)
tables.show(shares.concentration_table(conc, sorted({base_year, year}), plan=plan))

# %% [markdown]
# ## 区位商（名录口径）
# 区位商 = 该链占本区域名录全部规上企业的比重 ÷ 该链占全区名录全部规上企业的比重；分母包括各链以外的企业，
# 是名录的加总，不是统计月报的全区规上工业。

# %%
if register.synthetic:
    display(HTML(briefing.synthetic_banner_html(show_register.SYNTHETIC_REGISTER_TEXT)))
if reg_years:
    lq = regional.location_quotients(register.panel, reg_years[-1], plan=plan)
    tables.show(shares.lq_wide(lq, source=show_register.register_note(register), plan=plan))
else:
    display(Markdown(shares.lq_absent_md(plan)))

# %% [markdown]
# ## 偏离-份额分解
# 实际增量 = 全区增长分量 + 产业结构分量 + 区域竞争分量（Dunn 1960）。名录实际值（名录口径）的分解反映实际变化；
# 规划目标的分解只描述规划如何分配增量。

# %%
if len(reg_years) >= 2:
    ss = regional.shift_share(register.panel, reg_years[0], reg_years[-1], reference_growth=reference_growth,
                              plan=plan)
    tables.show(shares.shift_share(ss, basis="actual", start_year=reg_years[0], end_year=reg_years[-1],
                                   source=show_register.register_note(register), plan=plan))
if is_base:
    display(Markdown(shares.base_year_md(year, base_year)))
else:
    ss_plan = regional.shift_share(targets, base_year, year, input_precision=0.5, plan=plan)
    tables.show(shares.shift_share(ss_plan, basis="targets", start_year=base_year, end_year=year, plan=plan))
