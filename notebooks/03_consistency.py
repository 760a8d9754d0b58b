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
# # “规上工业营业收入年均增长 10% 左右”与各链目标是否一致
# 方案正文（二、目标要求）提出全区规上工业营业收入年均增长 10% 左右；附件2 四条链营业收入目标合计由
# 2023 年的 690 亿元增至 2026 年的 1000 亿元。本笔记本检验两者是否一致，并给出结论背后的数字。

# %% tags=["parameters"]
tolerance_pp = 1.0     # read 左右 as plus or minus this many percentage points around 10 pct
base_total_yi = None   # optional: total above-size industrial revenue in 2023, 亿元 (the plan does not print it)
processed_dir = None

# %%
from IPython.display import Markdown, display

from chainplan_lib.plan import params
from chainplan_lib.analysis import consistency
from chainplan_lib.reporting import charts, datasets, findings, tables

params.install_short_errors()
tolerance_pp = params.check_tolerance(tolerance_pp)
processed_dir = params.check_path(processed_dir, "processed_dir", must_exist=False)
targets = datasets.targets_bundle(processed_dir).table
base_total_yi = params.check_base_total(base_total_yi, minimum=tables.chains_base_yi(targets))
result = consistency.check_consistency(targets, tolerance_pp=tolerance_pp, base_total_yi=base_total_yi)

# %% [markdown]
# ## 结论

# %%
display(Markdown(findings.consistency_md(result)))

# %%
fig = charts.target_paths(targets, overall_rate=result.overall_growth)

# %% [markdown]
# ## 各链年均增长与贡献

# %%
tables.show(tables.consistency_cagr(result))
tables.show(tables.present(result.contributions, caption="各链对四链合计增长的贡献（2023→2026）",
                           note="贡献 = 基年权重 × 累计增长；各链贡献之和等于四链合计的累计增长。"))

# %% [markdown]
# ## 对数线性回归（斜率检验）

# %%
display(Markdown(findings.regression_md(result)))

# %% [markdown] tags=["analyst-only"]
# ## 全文（供分析人员）

# %% tags=["analyst-only"]
print(result.summary())
