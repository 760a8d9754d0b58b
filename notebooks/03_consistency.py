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
# # 总体增长目标与各链目标是否一致
# 方案正文提出全区规上工业营业收入的年均增长目标（如“10% 左右”），附件目标表给出各链营业收入目标
# 逐年的数。本笔记本比较两者：各链合计的隐含增速、全区达到目标时各链以外工业所需增速（有统计月报时），
# 以及按基年前一年实际起算的增速。目标值是规划，不是样本，不做回归和显著性检验。

# %% tags=["parameters"]
plan = None            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled plan
tolerance_pp = 1.0     # read 左右 as plus or minus this many percentage points around the goal
base_total_yi = None   # total above-size industrial revenue in the base year, 亿元; None: the 统计月报's, if published
actuals_dir = None     # 统计月报 files or a cleaned folder; None: the bundled plan's SYNTHETIC sample
processed_dir = None

# %%
from IPython.display import Markdown, display

from chainplan_lib import District
from chainplan_lib.plan import params
from chainplan_lib.present import consistency, tables, targets

params.install_short_errors()
d = District.open(params.plan_file(plan), actuals=params.check_path(actuals_dir, "actuals_dir"),
                  processed=params.check_path(processed_dir, "processed_dir", must_exist=False))
plan = d.plan
tolerance_pp = params.check_tolerance(tolerance_pp)
base_total_yi = params.check_base_total(base_total_yi,
                                        minimum=consistency.chains_base_yi(d.targets.table, plan=plan))
result = d.consistency(tolerance_pp=tolerance_pp, base_total_yi=base_total_yi)

# %% [markdown]
# ## 结论

# %%
display(Markdown(consistency.consistency_md(result)))

# %%
fig = targets.target_paths(d.targets.table, overall_rate=result.overall_growth, plan=plan)

# %% [markdown]
# ## 各链年均增长与贡献

# %%
tables.show(consistency.consistency_cagr(result, plan=plan))
tables.show(tables.present(result.contributions,
                           caption=f"各链对{result.all_name}增长的贡献（{result.base_year}→{result.target_year}）",
                           note=f"贡献 = 基年权重 × 累计增长；各链贡献之和等于{result.all_name}的累计增长。",
                           plan=plan))

# %% [markdown] tags=["analyst-only"]
# ## 全文（供分析人员）

# %% tags=["analyst-only"]
print(consistency.consistency_text(result))
