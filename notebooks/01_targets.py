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
# # 目标预测表：原始、清洗与核对
# 方案的目标预测表（附件）经 PDF 提取后常有列错位、单元格丢失、整块重复。本页展示原始提取、清洗结果、
# 每一处修复及其依据，以及“各镇（街道、园区）之和 = 全区”和“目标年表中数 = 正文目标”的核对。

# %% tags=["parameters"]
plan = None            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled plan
raw_path = None        # the table as extracted; None: the plan file's [table] path
processed_dir = None   # folder with targets.csv written by `chainplan targets`; None: clean in memory

# %%
from IPython.display import Markdown, display

from chainplan_lib import District
from chainplan_lib.cleaning.targets.clean import raw_rows_frame
from chainplan_lib.plan import params
from chainplan_lib.present import tables, targets

params.install_short_errors()
d = District.open(params.plan_file(plan), processed=params.check_path(processed_dir, "processed_dir", must_exist=False))
plan = d.plan
raw_path = params.check_path(raw_path, "raw_path")
result = d.targets_from(raw_path) if raw_path is not None else d.targets

# %% [markdown]
# ## 原始提取
# 每行是原文件中的一行数据（行号、链标签、年份、指标、按顺序读出的单元格）。单元格数多于表的列数（全区 + 各区域）的行含错位的“-”。

# %%
tables.show(targets.raw_rows(raw_rows_frame(raw_path, plan=plan), plan=plan))

# %% [markdown]
# ## 清洗结果
# 每条链 × 年份 × 指标 × 区域一个数；色块图说明每个数是按表读取、由“-”记 0、推算补齐还是缺失。

# %%
display(Markdown(targets.targets_overview_md(result)))
tables.show_each(targets.targets_wide(result.table, indicator, plan=plan) for indicator in plan.indicator_ids)

# %%
figs = [targets.source_map(result.table, indicator, plan=plan) for indicator in plan.indicator_ids]

# %% [markdown]
# ## 修复记录
# 清洗时做过的每一处处理：什么有问题、在原文件哪一行、做了什么、依据是什么。

# %%
tables.show(targets.repairs(result.repairs, plan=plan))

# %% [markdown]
# ## 核对
# 每个“链 × 年份 × 指标”：各区域之和是否等于全区；目标年全区数是否等于方案正文的目标。不一致只报告，不强行改数。

# %%
tables.show(targets.checks(result.checks, plan=plan))
display(Markdown(targets.checks_verdict_md(result.checks)))
