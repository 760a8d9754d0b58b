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

# %% [markdown] tags=["remove-cell"]
# # 年度简报（briefing）
# 由 `chainplan brief --year YYYY` 执行并渲染为 PDF；分析人员也可直接运行。代码在 PDF 和网页版中隐藏。

# %% tags=["parameters"]
plan = None            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled plan
year = None            # briefing year (one of the plan's years); None: the latest year with data
month = None           # N of a 1—N月 progress briefing (2–12); None: the yearly briefing (progress to the latest month)
register_dir = None    # register files; None: the bundled plan's SYNTHETIC sample
actuals_dir = None     # 统计月报 files, or a folder with a cleaned actuals.csv; None: the bundled plan's SYNTHETIC sample
processed_dir = None   # outputs of the batch cleaning step; None: clean in memory
tolerance_pp = 1.0     # read 左右 (10%左右) as plus or minus this many percentage points

# %%
from IPython.display import HTML, Markdown, display

from chainplan_lib import District
from chainplan_lib.analysis import monthly, shares, sizebands
from chainplan_lib.plan import params
from chainplan_lib.present import briefing, consistency, figures, progress, sources, tables, targets
from chainplan_lib.present import register as show_register
from chainplan_lib.present import shares as show_shares

params.install_short_errors()
figures.also_png()  # the Word briefing takes its pictures from this notebook: each chart as PNG too
d = District.open(params.plan_file(plan), registers=params.check_path(register_dir, "register_dir"),
                  actuals=params.check_path(actuals_dir, "actuals_dir"),
                  processed=params.check_path(processed_dir, "processed_dir", must_exist=False))
plan = d.plan
year = params.check_year(year if year is not None else d.latest_year(), plan=plan)
month = monthly.check_month(month)
tolerance_pp = params.check_tolerance(tolerance_pp)

# %%
tgt = d.targets
register = d.register
reg_year = show_register.register_year_for(register, year)   # this year's 名录, else the latest before it
result = d.consistency(tolerance_pp=tolerance_pp)
actuals = d.monthly
report = d.progress(year, month)
outlook = d.outlook(year, month)    # the latest statistics: the year's, else the year before's
synthetic = d.synthetic
sources_used = sources.source_lines(tgt, register, plan=plan, year=year) + progress.source_lines(actuals, year)
display(HTML(briefing.title_html(year, sources_used, synthetic, month=month, plan=plan)))

# %% [markdown]
# ## 一、要点

# %%
display(HTML(progress.lines_html(briefing.key_points(outlook, result, plan=plan, year=year))))
tables.show(briefing.headline_table(tgt.table, result, year, report, plan=plan))
display(Markdown(consistency.consistency_md(result)))

# %% [markdown]
# ## 二、统计月报：进度与全年预计

# %%
if report.has_data:
    display(HTML(progress.sentences_html(report)))
    fig = progress.progress_bars(report.table, synthetic=actuals.synthetic, plan=plan)
else:
    display(Markdown(progress.no_data_md(report)))

# %%
if report.has_data:
    tables.show(progress.progress_table(report, actuals))
    if notes := progress.data_notes(report, actuals):
        display(HTML(progress.lines_html(notes, "数据说明")))
if report.has_data and not report.published:
    tables.show(progress.full_year_table(report))
if outlook.has_data:
    display(HTML(progress.lines_html(outlook.required_sentences(), f"完成目标所需增长（按{outlook.title}统计数）")))

# %% [markdown]
# ## 三、各链目标路径与总体增长目标

# %%
fig = targets.target_paths(tgt.table, overall_rate=result.overall_growth, plan=plan)
tables.show(consistency.consistency_cagr(result, plan=plan))

# %% [markdown]
# ### 规模分档目标

# %%
if sizebands.has_size_bands(plan):
    fit = sizebands.fit_pareto_tail(plan=plan)
    bands = sizebands.band_counts(register.clean, year=reg_year, plan=plan) if reg_year is not None else None
    display(Markdown(show_register.pareto_md(fit, plan=plan, bands=bands, year=reg_year)))
else:
    display(Markdown(show_register.no_size_bands_md(plan)))

# %% [markdown]
# ## 四、区域分布（规划目标）

# %%
fig = show_shares.area_mix(shares.area_shares(tgt.table, plan=plan), year, plan=plan)
display(Markdown(show_shares.share_md(shares.concentration(tgt.table, plan=plan), year, plan=plan)))

# %% [markdown]
# ## 五、企业名录（名录口径）

# %%
rec = d.reconcile(reg_year) if reg_year is not None else None
if reg_year is not None and reg_year != year:
    display(Markdown(show_register.register_fallback_md(year, reg_year)))
if rec is not None and len(rec):
    display(Markdown(briefing.reconciliation_md(rec, reg_year, plan=plan)))
    tables.show(briefing.reconciliation_table(rec, reg_year, plan=plan))
if reg_year is not None:
    display(Markdown(show_register.register_note(register, markdown=True) + "各区域、各规模明细见《规上企业名录》网页版。"))
else:
    display(Markdown(show_register.register_missing_md(year, register)))

# %% [markdown]
# ## 六、数据说明

# %%
display(Markdown(briefing.repairs_md(tgt.repairs, tgt.checks, tgt.table, plan=plan)))
display(Markdown(show_register.register_md(register, plan=plan)))
display(Markdown(briefing.methods_md(result.tolerance_pp, result.overall_growth, plan=plan)))
