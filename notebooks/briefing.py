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
year = 2024            # briefing year (2023–2026)
register_dir = None    # register files; None: the bundled SYNTHETIC sample
processed_dir = None   # outputs of the batch cleaning step; None: clean in memory
tolerance_pp = 1.0     # read 10%左右 as plus or minus this many percentage points

# %%
from IPython.display import HTML, Markdown, display

from chainplan_lib.plan import params
from chainplan_lib.analysis import compare, consistency, shares, sizebands
from chainplan_lib.reporting import briefing, charts, coverage, datasets, findings, tables

params.install_short_errors()
year = params.check_year(year)
tolerance_pp = params.check_tolerance(tolerance_pp)
register_dir = params.check_path(register_dir, "register_dir")
processed_dir = params.check_path(processed_dir, "processed_dir", must_exist=False)
tgt = datasets.targets_bundle(processed_dir)
targets = tgt.table
register = datasets.register_bundle(processed_dir, register_dir)
has_year = coverage.has_register_year(register, year)    # a year not supplied yet: section 四 says so
cmp = compare.actual_vs_target(register.panel, targets, year) if has_year else None
result = consistency.check_consistency(targets, tolerance_pp=tolerance_pp)
display(HTML(briefing.title_html(year, tables.source_lines(tgt, register), register.synthetic)))

# %% [markdown]
# ## 一、要点

# %%
tables.show(briefing.headline_table(targets, result, year, cmp))
display(Markdown(findings.consistency_md(result)))

# %% [markdown]
# ## 二、各链目标路径与年均 10% 增长

# %%
fig = charts.target_paths(targets, overall_rate=result.overall_growth)
tables.show(tables.consistency_cagr(result))

# %% [markdown]
# ### 现代针纺规模分档与 500 亿元目标

# %%
fit = sizebands.fit_pareto_tail()
display(Markdown(findings.pareto_md(fit)))
tables.show(findings.pareto_caps(fit))

# %% [markdown]
# ## 三、区域分布

# %%
fig = charts.area_mix(shares.area_shares(targets), year)
display(Markdown(findings.share_md(shares.concentration(targets), year)))

# %% [markdown]
# ## 四、企业名录与目标完成情况

# %%
if has_year:
    district = cmp[(cmp["area"] == "全区") & (cmp["indicator"] == "revenue")]
    fig = charts.completion(district.assign(label=district["chain_id"].map(charts.chain_label)), "completion_rate",
                            "label", f"{year}年各链营业收入完成率（%）", synthetic=register.synthetic)
    display(Markdown(tables.register_note(register, markdown=True) + "各区域明细见《规上企业名录》网页版。"))
else:
    display(Markdown(coverage.register_missing_md(year, register)))

# %% [markdown]
# ## 五、数据说明

# %%
display(Markdown(briefing.repairs_md(tgt.repairs, tgt.checks, targets)))
display(Markdown(findings.register_md(register)))
display(Markdown(briefing.methods_md(result.tolerance_pp, result.overall_growth)))
