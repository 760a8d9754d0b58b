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
# # 统计月报：进度、全年预计与规划目标
# 把统计部门的月度数据（1—N月累计）与年度目标、时序进度比较，推算全年并用往年数据回测推算方法，
# 最后按年度序列外推到规划目标年，与规划目标对照。

# %% tags=["parameters"]
plan = None            # plan file (TOML) of the district; None: $CHAINPLAN_PLAN or the bundled plan
year = None            # plan year; None: the latest year with data
month = None           # N of 1—N月 (1—2月 is 2); None: the latest month published for the year
chain = "all"          # series for the detailed sections: chain id or Chinese name, all (各链合计) or industry (规上工业)
actuals_dir = None     # monthly reports, or a folder with a cleaned actuals.csv; None: the bundled plan's SYNTHETIC sample
processed_dir = None   # outputs of the batch cleaning step; None: clean in memory

# %%
from IPython.display import HTML, Markdown, display

from chainplan_lib import District
from chainplan_lib.analysis import monthly
from chainplan_lib.plan import params
from chainplan_lib.present import progress, tables

params.install_short_errors()
d = District.open(params.plan_file(plan), actuals=params.check_path(actuals_dir, "actuals_dir"),
                  processed=params.check_path(processed_dir, "processed_dir", must_exist=False))
plan = d.plan
year = params.check_year(year if year is not None else d.latest_year(), plan=plan)
month = monthly.check_month(month)
chain = monthly.check_series(chain, plan)
data = d.monthly
report = d.progress(year, month)
name = monthly.series_name(chain, plan)
if data.synthetic:
    display(HTML(progress.synthetic_banner_html()))

# %% [markdown]
# ## 清洗结果
# 每个数值单元格（以及没有数值的标题、注释、合计行）要么进入清洗后的表，要么进入隔离文件（附原因），要么作为重复被删除：读入 = 清洗后 + 隔离 + 重复。

# %%
tables.show(progress.cleaning_table(data))

# %% [markdown]
# ## 进度：完成年度目标与时序进度

# %%
if report.has_data:
    display(HTML(progress.sentences_html(report)))
    fig = progress.progress_bars(report.table, synthetic=data.synthetic, plan=plan)
    tables.show(progress.progress_table(report, data))
    if notes := progress.data_notes(report, data):
        display(HTML(progress.lines_html(notes, "数据说明")))
    fig = progress.cumulative_paths(report, chain, synthetic=data.synthetic)
else:
    display(Markdown(progress.no_data_md(report)))

# %% [markdown]
# ## 全年预计
# 两种方法：统计部门惯例（1—N月累计 ÷ 往年同期进度）与按月季节性的指数平滑模型；各链和合计采用同一种方法（回测误差较小者），
# 合计为各链之和；区间按该方法往年同一月份的实际误差确定。

# %%
if report.has_data and not report.published:
    fig = progress.full_year_ranges(report.full_year_frame(), synthetic=data.synthetic, plan=plan)
if report.has_data:
    tables.show(progress.full_year_table(report))

# %% [markdown]
# ## 回测：推算方法有多可信
# 对每个往年、每个月份，只用当时已知的数据推算全年，再与实际全年比较：平均绝对误差越小越可信。

# %%
if report.has_data and chain in report.backtests:
    tables.show(progress.backtest_table(report, chain))
    tables.show(progress.coverage_table(report, chain))
    fig = progress.backtest_lines(report.backtest_tables(chain)[0], name, synthetic=data.synthetic, plan=plan)

# %% [markdown]
# ## 完成目标所需增长

# %%
if report.has_data:
    tables.show(progress.required_table(report))
    display(HTML(progress.lines_html(report.required_sentences())))

# %% [markdown]
# ## 到规划目标年：年度序列外推（供分析参考）
# 用已有完整年度（至少 5 年）的全年数做对数线性趋势和指数平滑外推，给出 80% 与 95% 预测区间，看目标年的目标落在何处；
# 外推只描述过去的趋势，简报按完成目标所需增速判断。下表为各链外推的回测（按提前年数）。

# %%
if report.has_data:
    tables.show(progress.projection_table(report))
    fig = progress.annual_fan(**report.fan_inputs(chain), name=name, synthetic=data.synthetic, plan=plan)
    tables.show(progress.annual_backtest_table(report.annual_backtests()))

# %% [markdown]
# ## 公布同比与按总量计算的同比

# %%
if report.has_data:
    tables.show(progress.yoy_check_table(data, year, report.month, plan=plan))
display(Markdown(progress.methods_md(plan)))
