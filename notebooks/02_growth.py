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
# # 增长：目标路径、实际值、预测与情景
# 各链营业收入目标（亿元）的年均增长与逐年计划增速（对规划本身的描述）；有足够的实际值时，以对数线性趋势
# （statsmodels OLS，至少 5 年）和指数平滑（Holt，至少 10 年）外推并给出预测区间；按固定增速（如 8%、10%、12%）
# 的情景路径只是算术。有企业名录时，以名录实际值为起点计算实现目标所需的增速。

# %% tags=["parameters"]
chain = "all"                          # a chain id or Chinese name (textiles, 现代针纺 …), or "all" (各链合计)
indicator = "revenue"                  # revenue (亿元) or enterprises (户)
start_year = None                      # None: the plan's base year (2023 for Qingshanhu)
end_year = None                        # None: the plan's target year (2026 for Qingshanhu)
scenario_rates = [0.08, 0.10, 0.12]    # fractions, 0.10 means 10 pct a year
to_year = None                         # last year of the projections; None: the plan's target year
use_register = True                    # add actuals from the enterprise register where it has them
use_actuals = True                     # project from the 统计月报's full years when there are any (else the register)
year = None                            # briefing year: actuals up to this year only; None: all
processed_dir = None                   # outputs of the batch cleaning step; None: clean in memory
register_dir = None                    # register files; None: the bundled SYNTHETIC sample
actuals_dir = None                     # 统计月报 files or a cleaned folder; None: the bundled SYNTHETIC sample
plan = None            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled Qingshanhu plan

# %%
from IPython.display import Markdown, display

from chainplan_lib.plan import params

params.install_short_errors()
plan = params.use_plan(plan)  # first: the names, chains and years imported below come from this plan
from chainplan_lib.analysis import growth, projections
from chainplan_lib.present import charts, coverage, datasets, findings, tables

chain = params.check_chain(chain)
start_year = params.check_year_or(start_year, "start_year", "base")
end_year = params.check_year_or(end_year, "end_year", "target")
to_year = params.check_horizon(to_year, "to_year")
scenario_rates = params.check_rates(scenario_rates)
processed_dir = params.check_path(processed_dir, "processed_dir", must_exist=False)
register_dir = params.check_path(register_dir, "register_dir")
actuals_dir = params.check_path(actuals_dir, "actuals_dir")
year = params.check_year(year) if year is not None else None

# %%
targets = datasets.targets_bundle(processed_dir).table
register = datasets.register_bundle(processed_dir, register_dir) if use_register else None
panel = register.panel if register is not None else None
panel = panel[panel["year"] <= year] if panel is not None and year is not None else panel
panel = panel if panel is not None and len(panel) else None
synthetic = bool(register is not None and register.synthetic)
month_reports = datasets.actuals_bundle(actuals_dir, processed_dir) if use_actuals else None
observed = datasets.growth_actuals(month_reports, register, year, indicator)    # 统计月报 full years, else the register

# %% [markdown]
# ## 年均增长与同比增长

# %%
tables.show(tables.present(growth.cagr_table(targets, start_year, end_year, indicator=indicator),
                           caption=f"{start_year}—{end_year} 年均增长（目标值）",
                           rename={"start_value": "起始值（亿元）" if indicator == "revenue" else "起始值（户）",
                                   "end_value": "终止值（亿元）" if indicator == "revenue" else "终止值（户）"},
                           note=charts.SOURCE_TABLE))

# %%
yoy = growth.yoy_growth(targets, indicator=indicator)
tables.show(tables.yoy_wide(yoy, indicator))

# %%
fig = charts.target_paths(targets)

# %% [markdown]
# ## 实际值、预测与情景（扇形图）
# 模型只拟合实际值，不拟合规划目标；实际值不足时不作预测，下文说明原因。有预测时，阴影为 80% 和 95% 预测区间
# （某一年的实际值可能落入的范围）。

# %%
fan = projections.fan_chart_frame(targets, chain, actuals=observed.frame, indicator=indicator, to_year=to_year,
                             rates=scenario_rates, levels=(0.8, 0.95))
fig = charts.fan_chart(fan, synthetic=observed.synthetic and (fan["kind"] == "actual").any(),
                       actual_source=observed.source)
display(Markdown(findings.fan_md(fan, actual_source=observed.source)))

# %% [markdown]
# ## 以名录实际值为起点：实现规划目标所需增速

# %%
if panel is not None and len(panel):
    latest = int(panel["year"].max())
    if latest < end_year:
        req = growth.required_growth(panel, targets, actual_year=latest, indicator=indicator)
        tables.show(tables.present(req, caption=f"以 {latest} 年名录实际值为起点", note=tables.register_note(register)))
elif register is not None:
    display(Markdown(coverage.register_missing_md(year, register)))
else:
    display(Markdown(coverage.NO_REGISTER_MD))
