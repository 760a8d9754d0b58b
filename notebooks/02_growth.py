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
# （至少 5 年实际值）和指数平滑（至少 10 年）外推并给出预测区间；按固定增速（如 8%、10%、12%）的情景路径只是算术。
# 实现目标所需的增速从统计月报的最近完整年度算起；企业名录（名录口径）只用于分区域、分规模的分解，这里只列一行核对。

# %% tags=["parameters"]
plan = None                            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled plan
chain = "all"                          # a chain id or Chinese name, or "all" (各链合计)
indicator = "revenue"                  # revenue (亿元) or enterprises (户)
start_year = None                      # None: the plan's base year
end_year = None                        # None: the plan's target year
scenario_rates = [0.08, 0.10, 0.12]    # fractions, 0.10 means 10 pct a year
to_year = None                         # last year of the projections; None: the plan's target year
use_register = True                    # add actuals from the enterprise register where it has them
use_actuals = True                     # project from the 统计月报's full years when there are any (else the register)
year = None                            # actuals up to this year only; None: all
processed_dir = None                   # outputs of the batch cleaning step; None: clean in memory
register_dir = None                    # register files; None: the bundled plan's SYNTHETIC sample (none for another plan)
actuals_dir = None                     # 统计月报 files or a cleaned folder; None: as register_dir

# %%
from IPython.display import Markdown, display

from chainplan_lib import District
from chainplan_lib.analysis import growth, projections
from chainplan_lib.plan import params
from chainplan_lib.present import briefing, sources, tables, targets
from chainplan_lib.present import growth as show_growth
from chainplan_lib.present import register as show_register

params.install_short_errors()
d = District.open(params.plan_file(plan), registers=params.check_path(register_dir, "register_dir"),
                  actuals=params.check_path(actuals_dir, "actuals_dir"),
                  processed=params.check_path(processed_dir, "processed_dir", must_exist=False))
plan = d.plan
chain = params.check_chain(chain, plan=plan)
indicator = params.check_indicator(indicator, plan=plan)
start_year = params.check_year_or(start_year, "start_year", "base", plan=plan)
end_year = params.check_year_or(end_year, "end_year", "target", plan=plan)
to_year = params.check_horizon(to_year, "to_year", plan=plan)
scenario_rates = params.check_rates(scenario_rates)
year = params.check_year(year, plan=plan) if year is not None else None

# %%
tgt = d.targets.table
register = d.register if use_register else None
panel = register.panel if register is not None else None
panel = panel[panel["year"] <= year] if panel is not None and year is not None else panel
panel = panel if panel is not None and len(panel) else None
observed = d.growth_actuals(year, indicator, use_monthly=use_actuals, use_register=use_register)

# %% [markdown]
# ## 年均增长与同比增长

# %%
unit = plan.unit(indicator)
tables.show(tables.present(growth.cagr_table(tgt, start_year, end_year, indicator=indicator, plan=plan),
                           caption=f"{start_year}—{end_year} 年均增长（目标值）",
                           rename={"start_value": f"起始值（{unit}）", "end_value": f"终止值（{unit}）"},
                           note=sources.source_table(plan), plan=plan))

# %%
yoy = growth.yoy_growth(tgt, indicator=indicator, plan=plan)
tables.show(show_growth.yoy_wide(yoy, indicator, plan=plan))

# %%
fig = targets.target_paths(tgt, plan=plan)

# %% [markdown]
# ## 实际值、预测与情景（扇形图）
# 模型只拟合实际值，不拟合规划目标；实际值不足时不作预测，下文说明原因。有预测时，阴影为 80% 和 95% 预测区间
# （某一年的实际值可能落入的范围）。

# %%
fan = projections.fan_chart_frame(tgt, chain, actuals=observed.frame, indicator=indicator, to_year=to_year,
                                  rates=scenario_rates, levels=(0.8, 0.95), plan=plan)
fig = show_growth.fan_chart(fan, synthetic=observed.synthetic and (fan["kind"] == "actual").any(),
                            actual_source=observed.source, plan=plan)
display(Markdown(show_growth.fan_md(fan, plan, actual_source=observed.source)))

# %% [markdown]
# ## 实现规划目标所需增速（从统计数算起）

# %%
latest = int(observed.frame["year"].max()) if observed.frame is not None else None
official = use_actuals and len(d.monthly.actuals) > 0     # the 统计月报: the register is then a breakdown only
if latest is not None and latest < end_year:
    req = growth.required_growth(observed.frame, tgt, actual_year=latest, target_year=end_year, indicator=indicator,
                                 plan=plan)
    tables.show(show_growth.required_table(req, observed.source, plan=plan))
rec = d.reconcile(latest) if official and panel is not None and latest in set(panel["year"]) else None
if rec is not None and len(rec):
    display(Markdown(briefing.reconciliation_md(rec, latest, plan=plan)))
elif register is not None and not len(register.years):
    display(Markdown(show_register.register_missing_md(year, register)))
elif register is None:
    display(Markdown(show_register.NO_REGISTER_MD))
