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
year = 2024            # briefing year (one of the plan's years)
month = None           # N of a 1—N月 progress briefing (2–12); None: the yearly briefing (progress to the latest month)
register_dir = None    # register files; None: the bundled SYNTHETIC sample
actuals_dir = None     # 统计月报 files, or a folder with a cleaned actuals.csv; None: the bundled SYNTHETIC sample
processed_dir = None   # outputs of the batch cleaning step; None: clean in memory
tolerance_pp = 1.0     # read 左右 (10%左右) as plus or minus this many percentage points
plan = None            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled Qingshanhu plan

# %%
from IPython.display import HTML, Markdown, display

from chainplan_lib.plan import params

params.install_short_errors()
plan = params.use_plan(plan)  # first: the names, chains and years imported below come from this plan
from chainplan_lib.analysis import compare, consistency, monthly, shares, sizebands
from chainplan_lib.analysis.progress_report import progress_report
from chainplan_lib.present import briefing, charts, coverage, datasets, findings, tables
from chainplan_lib.present import progress_charts as pc
from chainplan_lib.present import progress_tables as pt

charts.also_png()  # the Word briefing takes its pictures from this notebook: each chart as PNG too

year = params.check_year(year)
month = monthly.check_month(month)
tolerance_pp = params.check_tolerance(tolerance_pp)
register_dir = params.check_path(register_dir, "register_dir")
actuals_dir = params.check_path(actuals_dir, "actuals_dir")
processed_dir = params.check_path(processed_dir, "processed_dir", must_exist=False)

# %%
tgt = datasets.targets_bundle(processed_dir)
targets = tgt.table
register = datasets.register_bundle(processed_dir, register_dir)
has_year = coverage.has_register_year(register, year)    # a year not supplied yet: section 五 says so
cmp = compare.actual_vs_target(register.panel, targets, year) if has_year else None
result = consistency.check_consistency(targets, tolerance_pp=tolerance_pp)
actuals = datasets.actuals_bundle(actuals_dir, processed_dir)
progress = progress_report(actuals.actuals, targets, year, month)
synthetic = register.synthetic or actuals.synthetic
display(HTML(briefing.title_html(year, tables.source_lines(tgt, register) + pt.source_lines(actuals), synthetic,
                                 month=month)))

# %% [markdown]
# ## 一、要点

# %%
tables.show(briefing.headline_table(targets, result, year, cmp))
display(Markdown(findings.consistency_md(result)))

# %% [markdown]
# ## 二、统计月报：进度与全年预计

# %%
if progress.has_data:
    display(HTML(pt.sentences_html(progress)))
    fig = pc.progress_bars(progress.table, synthetic=actuals.synthetic)
else:
    display(Markdown(pt.no_data_md(progress)))

# %%
if progress.has_data:
    tables.show(pt.progress_table(progress, actuals))
    tables.show(pt.full_year_table(progress))
    display(HTML(pt.lines_html(progress.required_sentences() + progress.projection_sentences(),
                               "完成目标所需增长与多年外推")))

# %% [markdown]
# ## 三、各链目标路径与总体增长目标

# %%
fig = charts.target_paths(targets, overall_rate=result.overall_growth)
tables.show(tables.consistency_cagr(result))

# %% [markdown]
# ### 规模分档目标

# %%
if sizebands.has_size_bands():
    fit = sizebands.fit_pareto_tail()
    display(Markdown(findings.pareto_md(fit)))
    tables.show(findings.pareto_caps(fit))
else:
    display(Markdown(findings.no_size_bands_md()))

# %% [markdown]
# ## 四、区域分布

# %%
fig = charts.area_mix(shares.area_shares(targets), year)
display(Markdown(findings.share_md(shares.concentration(targets), year)))

# %% [markdown]
# ## 五、企业名录与目标完成情况

# %%
if has_year:
    district = cmp[(cmp["area"] == "全区") & (cmp["indicator"] == "revenue")]
    fig = charts.completion(district.assign(label=district["chain_id"].map(charts.chain_label)), "completion_rate",
                            "label", f"{year}年各链营业收入完成率（%）", synthetic=register.synthetic)
    display(Markdown(tables.register_note(register, markdown=True) + "各区域明细见《规上企业名录》网页版。"))
else:
    display(Markdown(coverage.register_missing_md(year, register)))

# %% [markdown]
# ## 六、数据说明

# %%
display(Markdown(briefing.repairs_md(tgt.repairs, tgt.checks, targets)))
display(Markdown(findings.register_md(register)))
display(Markdown(briefing.methods_md(result.tolerance_pp, result.overall_growth)))
