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
# # 规上企业名录：清洗、完成率与规模分档
# 把统计部门或镇街导出的规上企业名录清洗为一张表（每户企业每年一行），汇总为“链 × 区域 × 年份”，
# 与附件目标表比较（完成率 = 实际 ÷ 同年目标），并在方案设有规模分档目标时按营业收入分档检查。

# %% tags=["parameters"]
plan = None            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled plan
year = None            # register year to compare with the same year's targets; None: the latest year with data
register_dir = None    # folder or file of registers (.xlsx/.csv); None: the bundled plan's SYNTHETIC sample
actuals_dir = None     # 统计月报 (the official full-year figures the register is reconciled to); None: the bundled sample
processed_dir = None   # outputs of the batch cleaning step; None: clean in memory

# %%
from IPython.display import HTML, Markdown, display

from chainplan_lib import District
from chainplan_lib.analysis import sizebands
from chainplan_lib.plan import params
from chainplan_lib.present import briefing, figures, tables
from chainplan_lib.present import register as show_register

params.install_short_errors()
d = District.open(params.plan_file(plan), registers=params.check_path(register_dir, "register_dir"),
                  actuals=params.check_path(actuals_dir, "actuals_dir"),
                  processed=params.check_path(processed_dir, "processed_dir", must_exist=False))
plan = d.plan
year = params.check_year(year if year is not None else d.latest_year(), plan=plan)
register = d.register
has_year = show_register.has_register_year(register, year)    # a year not supplied yet: its sections say so
if register.synthetic:
    display(HTML(briefing.synthetic_banner_html(show_register.SYNTHETIC_REGISTER_TEXT)))

# %% [markdown]
# ## 清洗结果
# 每一行输入要么进入清洗后的表，要么进入隔离文件（附原因），要么作为完全重复行被删除并记录：读入 = 清洗后 + 隔离 + 删除的重复。

# %%
tables.show(show_register.register_summary(register))
tables.show(show_register.quarantine_reasons(register, plan=plan))

# %% [markdown]
# ## 实际与目标（名录口径）
# 有统计月报全年数的产业链，全区营业收入的完成情况以统计数为准：下表先把名录加总与统计数对照，名录只用于分区域明细和企业户数。

# %%
if has_year:
    rec = d.reconcile(year)
    if len(rec):
        display(Markdown(briefing.reconciliation_md(rec, year, plan=plan)))
        tables.show(briefing.reconciliation_table(rec, year, plan=plan))
    cmp = show_register.without_official(d.compare(year), rec)
    indicator = "revenue" if not len(rec) else "enterprises"
    district = cmp[(cmp["area"] == "全区") & (cmp["indicator"] == indicator)]
    what = "营业收入" if indicator == "revenue" else "规上企业户数"
    fig = show_register.completion(district.assign(label=district["chain_id"].map(lambda c: figures.chain_label(c, plan=plan))),
                                   "completion_rate", "label", f"{year}年各链{what}完成率（%，名录口径）",
                                   synthetic=register.synthetic, plan=plan)
    tables.show(show_register.comparison(cmp, year, register, plan=plan))
else:
    display(Markdown(show_register.register_missing_md(year, register)))

# %% [markdown]
# ## 规模分档
# 方案按营业收入设定的分档目标（某链到目标年营业收入超若干亿元的企业户数，见方案文件的规模分档一节）。
# 名录年份早于目标年份时，对比的是对目标的达成度（名录口径），不是同期完成率。

# %%
if not sizebands.has_size_bands(plan):
    display(Markdown(show_register.no_size_bands_md(plan)))
elif has_year:
    bands = sizebands.band_counts(register.clean, year=year, plan=plan)
    fig = show_register.size_bands(bands.rename(columns={"target_above": "target", "actual_above": "actual"}),
                                   synthetic=register.synthetic, year=year, plan=plan)
    tables.show(show_register.size_band_table(bands, year, register, plan=plan))
else:
    display(Markdown(show_register.register_missing_md(year, register)))

# %% [markdown]
# ### 规模分档目标与该链营业收入目标是否相容

# %%
if sizebands.has_size_bands(plan):
    fit = sizebands.fit_pareto_tail(plan=plan)
    display(Markdown(show_register.pareto_md(fit, plan=plan, bands=bands if has_year else None, year=year,
                                             analyst=True)))
    tables.show(show_register.pareto_caps(fit))
