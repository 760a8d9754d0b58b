"""Rebuild five real published statistics tables as an office would save them: an .xlsx and an .html page each.

The tables are in ``source_text/`` exactly as extracted from the bureaus' pages (``source_text/SOURCES.md`` gives
each page's address and date). Every figure below is copied from those texts, and :func:`check_figures` proves it:
each number written into a fixture occurs in its source text. What is *added* is what an office adds when it saves
a table, and is listed per table: a title row, a 单位 line, merged header cells (.xlsx); a ``<title>``, a date line
and rowspan/colspan headings (.html). Nothing is corrected: the typo 计算机、通信和其他电子设备制业 of the Beijing
table stays, and so do the truncated last rows of the Guangdong and Zhongshan pages.

    .venv/bin/python tests/data/real_tables/make_fixtures.py      # rewrites the ten fixtures beside this file

The .xlsx files are written with fixed timestamps (the same content gives the same bytes with the same openpyxl).
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the checkout, for reproducible_zip

from chainplan_lib.cleaning.actuals.sample import reproducible_zip  # after the path is set

SOURCES = HERE / "source_text"


# --------------------------------------------------------------------------------------------- the tables
# Each table: title lines (above the table), header rows (with merges), data rows, lines below. A header cell is
# text, or (text, colspan, rowspan); None is a cell covered by a span. Data cells are numbers or text as printed.

CHANGZHOU = {
    "source": "changzhou_2011-11_五大产业_tjj.txt",
    "name": "changzhou_2011-11_五大产业",
    "page_title": "2011年前11个月规模以上五大产业产值",
    # the bureau's page gives the month (2011-12) but not the day; its table states no unit (万元, as
    # 4251.2亿元 = 42512215 shows): the fixture adds the 单位 line an office would, on the page as in the workbook
    "date_line": "发布时间：2011年12月",
    "prose": "最新统计数据显示,今年前11个月全市规模以上五大产业企业累计完成产值4251.2亿元,同比增长27.1%,增幅高于全市平均"
             "水平2.25个百分点,其中11月份当月完成产值444.8亿元,同比增长19.3%。五大产业中新能源产业增长势头迅猛,当月完成"
             "产值33.8亿元,增速实现翻番,同比增长118.1%;累计完成产值273.1亿元,同比增长61.3%,比1-10月份回升5.7个百分点,"
             "高出全市平均水平36.5个百分点。",
    "title": ["2011年前11个月规模以上五大产业产值"],
    "unit": "单位：万元",
    "header": [[("产业", 1, 2), ("现 价 工 业 产 值", 4, 1), None, None, None],
               [None, "本月", "增长%", "累计", "累计增长"]],
    "html_label_heading": "",  # the page's label column has no heading
    "rows": [["五大产业合计", 4448189, 19.31, 42512215, 27.11],
             ["装备制造业", 2340183, 16.50, 21242484, 24.84],
             ["电子信息业", 397416, 18.05, 4086546, 22.97],
             ["新材料产业", 1222887, 11.71, 12851771, 28.57],
             ["生物技术及制药业", 149391, 12.33, 1600194, 12.97],
             ["新能源产业", 338312, 118.13, 2731220, 61.34]],
    "below": ["(统计局工业处:詹威)"],
}

HUAIROU = {
    "source": "beijing_huairou_2022-12_规上工业生产销售_bjhr.txt",
    "name": "huairou_2022-12_规上工业生产销售",
    "page_title": "2022年1-12月规模以上工业企业生产、销售主要数据",
    "breadcrumb": "首页 > 政务公开 > 数据 > 统计数据 > 工业",
    "date_line": "日期:2023-01-30 15:37    来源:区统计局",
    "title": ["2022年1-12月规模以上工业企业生产、销售主要数据"],
    "unit": "2022年1-12月                              单位:万元",
    "header": [["项    目", "2022年1-12", "上年同期", "同比增长(%)"]],
    "rows": [["工业总产值(现价)", 4448243, 6145812, -27.6],
             ["  #食品制造业", 390846, 437924, -10.8],
             ["   酒、饮料和精制茶制造业", 289922, 266122, 8.9],
             ["   金属制品业", 262352, 292936, -10.4],
             ["   汽车制造业", 1773444, 3385528, -47.6],
             ["工业销售产值(现价)", 4392758, 6294616, -30.2],
             ["  #食品制造业", 395016, 456350, -13.4],
             ["   酒、饮料和精制茶制造业", 270984, 256770, 5.5],
             ["   金属制品业", 259454, 294121, -11.8],
             ["   汽车制造业", 1763796, 3527306, -50.0],
             ["工业产销率(%)", 98.8, 102.4, None],
             ["  #食品制造业", 101.1, 104.2, None],
             ["   酒、饮料和精制茶制造业", 93.5, 96.5, None],
             ["   金属制品业", 98.9, 100.4, None],
             ["   汽车制造业", 99.5, 104.2, None]],
    "below": ["注：规模以上工业企业即年主营业务收入2000万元及以上的法人工业企业。"],
    "html_below": ["工业领域统计范围、采集渠道及主要指标解释", "一、统计范围",
                   "规模以上工业企业即年主营业务收入2000万元及以上的法人工业企业。", "责任编辑:王鑫培"],
}

_BEIJING_INDUSTRIES = [
    ("#石油和天然气开采业", -9.8, -3.6), ("黑色金属矿采选业", 0.1, 6.0), ("开采专业及辅助性活动", -14.4, -2.1),
    ("农副食品加工业", 11.5, -2.8), ("食品制造业", 1.0, -8.1), ("酒、饮料和精制茶制造业", 3.3, -17.9),
    ("纺织业", 21.7, 134.8), ("纺织服装、服饰业", -44.2, -43.0), ("皮革、毛皮、羽毛及其制品和制鞋业", -77.8, -76.0),
    ("木材加工和木、竹、藤、棕、草制品业", -45.1, -21.5), ("家具制造业", -8.0, -10.0), ("造纸和纸制品业", -2.7, -2.7),
    ("印刷和记录媒介复制业", -1.0, -20.5), ("文教、工美、体育和娱乐用品制造业", -52.5, -38.9),
    ("石油、煤炭及其他燃料加工业", -13.7, -29.6), ("化学原料和化学制品制造业", 0.9, -10.6), ("医药制造业", 1.4, -2.3),
    ("橡胶和塑料制品业", 6.9, -10.3), ("非金属矿物制品业", 20.9, -16.7), ("黑色金属冶炼和压延加工业", 12.6, 3.7),
    ("有色金属冶炼和压延加工业", 38.3, -4.1), ("金属制品业", -3.6, -17.5), ("通用设备制造业", 16.4, 4.1),
    ("专用设备制造业", -15.2, 5.7), ("汽车制造业", 22.7, 2.5), ("铁路、船舶、航空航天和其他运输设备制造业", 24.5, -15.5),
    ("电气机械和器材制造业", 36.3, 9.0), ("计算机、通信和其他电子设备制业", 5.8, 16.9), ("仪器仪表制造业", -32.5, -13.7),
    ("其他制造业", 142.4, 76.8), ("废弃资源综合利用业", -47.8, -47.0), ("金属制品、机械和设备修理业", -11.3, -12.4),
    ("电力、热力生产和供应业", 5.7, 5.3), ("燃气生产和供应业", -22.0, -5.7),
]

BEIJING = {
    "source": "beijing_2020-09_规上工业增加值增速_按行业_tjj.beijing.txt",
    "name": "beijing_2020-09_规上工业增加值增速_按行业",
    "page_title": "2020年1-9月规模以上工业增加值增速(按行业)",
    "date_line": "发布时间：2020-10-21",
    "title": ["规模以上工业增加值增速(按行业)"],
    "unit": "单位：%",
    "period_row": "2020年1-9月",  # the page prints the period as the table's first row
    "header": [["项 目", "9月同比增长(%)", "1-9月同比增长(%)"]],
    "rows": [["合 计", 5.4, -0.1], ["按经济类型分组", None, None], ["其中:国有企业", 7.9, -3.1],
             ["股份制企业", 2.9, -0.5], ["外商及港澳台企业", 9.2, 1.0], ["按控股情况分组", None, None],
             ["其中:国有控股企业", 9.5, 0.8], ["按企业规模分组", None, None], ["其中:大型企业", 7.5, 3.2],
             ["中型企业", 1.4, -4.8], ["小型企业", 3.5, -5.1], ["按行业分组", None, None],
             *[[a, b, c] for a, b, c in _BEIJING_INDUSTRIES]],
    "below": [],
}

GUANGDONG = {
    "source": "guangdong_2017-03_工业增加值_stats.gd.txt",
    "name": "guangdong_2017-03_工业增加值",
    "page_title": "2017年1-3月工业增加值",
    "date_line": "发布日期：2017年4月",  # SOURCES.md: 2017-04 (no day)
    "title": ["工业增加值", "2017年1-3月工业增加值"],
    "unit": "计量单位:亿元",
    # the page's headings break inside their cells (本月止 / 累计): a line break in the cell here too
    "header": [["指标名称", "本月", "本月止\n累计", "本月比\n上年同月\n增长(%)", "累计比\n上年同期\n增长(%)"]],
    "rows": [["全省总计", 2846.99, 7220.42, 7.6, 7.1], ["在总计中:", None, None, None, None],
             ["轻工业", 1036.55, 2585.89, 6.7, 5.1], ["重工业", 1810.44, 4634.53, 8.2, 8.4],
             ["在总计中:", None, None, None, None], ["国有控股企业", 414.53, 1143.13, 4.5, 3.7],
             ["民营企业", 1448.52, 3559.23, 11.1, 12.1], ["在总计中:", None, None, None, None],
             ["集体企业", 7.65, 19.29, 2.7, 1.2], ["股份合作企业", 2.19, 5.31, 8.2, 5.1],
             ["股份制企业", 1603.19, 4038.37, 9.2, 9.5], ["外商及港澳台商投资企业", 1151.96, 2941.59, 4.8, 3.2],
             ["在总计中:", None, None, None, None], ["大型企业", 1332.58, 3401.91, 7.1, 6.3],
             ["中型企业", 727.51, 1841.39, 6.6, 6.1], ["小型企业", 775.98, 1948.90, 9.8, 10.0],
             ["微型企业", 10.91, 28.22, -4.2, -3.8], ["在总计中:", None, None, None, None],
             ["广州市", 393.30, 1019.05, 5.6, 5.5], ["深圳市", 662.83, 1665.20, 7.8, 7.6],
             ["珠海市", 104.39, 256.93, 15.2, 15.1], ["汕头市", 63.43, 152.13, 9.9, 9.2],
             ["佛山市", 454.17, 1117.50, 8.4, 8.0], ["#顺德区", 149.05, 353.53, 9.3, 8.3],
             ["韶关市", 26.66, 70.34, 4.4, 3.0], ["河源市", 29.03, 73.13, 9.1, 8.5], ["梅州市", 19.48, 48.79, 8.7, 6.5],
             ["惠州市", 168.81, 416.37, 7.2, 7.0], ["汕尾市", 18.92, 46.01, 12.5, 12.3],
             ["东莞市", 265.77, 712.48, 10.9, 10.0], ["中山市", 137.84, 327.49, 7.7, 7.5],
             ["江门市", 97.34, 231.69, 8.8, 8.2], ["阳江市", 46.33, 107.68, 8.5, 6.7], ["湛江市", 65.59, 179.99, 7.9, 7.7],
             ["茂名市", 64.41, 173.37, 7.4, 6.9], ["肇庆市", 59.35, 166.04, 4.2, 3.3], ["清远市", 38.10, 95.95, 3.4, 3.2],
             ["潮州市", 39.67, 82.51, 8.5, 7.2], ["揭阳市", 66.58, 198.60, 6.2, 3.5], ["云浮市", 26.45, 59.38, 3.5, 3.0],
             ["按经济区域分", None, None, None, None], ["珠三角九市", 2343.80, 5912.75, 7.8, 7.3],
             ["东翼四市", 188.60, 479.26, 8.2, 6.4],
             ["西翼三市", 176.33, 461.04, 7.7, None]],  # the page's text ends here (truncated)
    "below": [],
}

_ZS_HEAD_GROWTH = [[("", 1, 2), ("{m}月", 1, 2), ("1-{m}月累计", 1, 2), "累计"], [None, None, None, "增长%"]]
_ZS_HEAD_PP = [[("", 1, 2), ("{m}月", 1, 2), ("1-{m}月累计", 1, 2), "累计"], [None, None, None, "增减百分点"]]
ZHONGSHAN = {
    "source": "zhongshan_1-9月进度数据_stats.zs.txt",
    "name": "zhongshan_2021_1-9月进度数据",
    "page_title": "1-9月进度数据发布",
    # the page's year is not in the text (SOURCES.md: GDP +11.5 % for 1-9月 fits 2021): the fixture's file name
    # and date line carry the year 2021, an assumption of the fixture, not a fact from the page
    "date_line": "发布日期：2021-10",
    "title": ["1-9月进度数据发布"],
    "unit": "单位：亿元",  # the workbook only: the page states units in the labels, and 营业收入 has none
    "sections": [
        ("1、本地生产总值", _ZS_HEAD_GROWTH, 9, [
            ["本地生产总值(亿元)", "——", 2527.54, 11.5], ["第一产业", "——", 59.44, 25.6],
            ["第二产业", "——", 1283.78, 14.7], ["第三产业", "——", 1184.33, 7.6],
            ["交通运输仓储邮政业", "——", 38.23, 17.5], ["批发和零售业", "——", 241.90, 9.9],
            ["住宿和餐饮业", "——", 33.71, 15.8], ["金融业", "——", 211.71, 4.3],
            ["注:绝对数按现行价计算,相对数按可比价格计算。", None, None, None]]),
        ("2、本地生产总值构成", _ZS_HEAD_PP, 9, [
            ["本地生产总值(%)", "——", 100.0, "——"], ["第一产业", "——", 2.3, 0.4], ["第二产业", "——", 50.8, 1.4],
            ["第三产业", "——", 46.9, -1.8]]),
        ("3、第三产业增加值构成", _ZS_HEAD_PP, 9, [
            ["交通运输仓储邮政业", "——", 1.5, -0.1], ["批发和零售业", "——", 9.6, 0.1],
            ["住宿和餐饮业", "——", 1.3, "持平"], ["金融业", "——", 8.4, -0.4]]),
        ("4、农业生产", _ZS_HEAD_GROWTH, 9, [
            ["农业总产值(亿元)", "——", 112.25, 38.1],
            ["注:绝对数按现行价计算,相对数按可比价格计算。", None, None, None]]),
        ("5、规模以上工业产销", _ZS_HEAD_GROWTH, 9, [
            ["规模以上工业增加值(亿元)", 120.60, 1014.28, 15.9], ["规模以上工业销售产值(亿元)", 566.49, 4578.32, 23.5],
            ["#出口产品交货值(亿元)", 176.61, 1415.10, 21.8]]),
        ("6、工业企业经济效益", _ZS_HEAD_GROWTH, 8, [
            ["企业个数(个)", "——", 4056, 0.2], ["亏损企业(个)", "——", 998, 6.9],
            ["亏损面(%)", "——", 24.61, "1.54个百分点"], ["利润总额(亿元)", "——", 192.59, 17.0],
            ["亏损企业亏损额(亿元)", "——", 37.88, 47.6], ["营业收入", "——", 4161.09, 26.0],
            ["营业成本", "——", 3544.93, 27.6], ["产成品存货(亿元)", "——", 270.62, 25.8]]),
        # "7、工业经济效益综合指…": the page's text is cut off here
    ],
}

TABLES = [CHANGZHOU, HUAIROU, BEIJING, GUANGDONG, ZHONGSHAN]


# --------------------------------------------------------------------------------------------- checks
def _tokens(t: dict) -> set[str]:
    text = (SOURCES / t["source"]).read_text(encoding="utf-8")
    return {x for x in re.split(r"[|\s]+", text) if x}


def printed(v, tokens: set[str]) -> str:
    """A figure as its source prints it (16.50, not 16.5): the form with 2, 1 or 0 decimals found there."""
    if not isinstance(v, (int, float)):
        return "" if v is None else str(v)
    for d in (2, 1, 0):
        s = f"{v:.{d}f}"
        if s in tokens and float(s) == v:
            return s
    raise AssertionError(f"{v!r} is not printed in the source")


def check_figures(t: dict) -> None:
    """Every number and printed label of ``t`` occurs in its source text (as printed there)."""
    tokens = _tokens(t)
    text = re.sub(r"\s+", "", (SOURCES / t["source"]).read_text(encoding="utf-8"))
    rows = list(t.get("rows", [])) + [r for _, _, _, rs in t.get("sections", []) for r in rs]
    for r in rows:
        for c in r:
            if isinstance(c, (int, float)):
                printed(c, tokens)
            elif c:
                assert re.sub(r"\s+", "", c) in text, (t["name"], c)


# --------------------------------------------------------------------------------------------- xlsx
def _grid(header: list[list]) -> tuple[list[list[str]], list[tuple[int, int, int, int]]]:
    """Header rows as a grid of texts (a span's text in its first cell) and the merged ranges (r0, c0, r1, c1)."""
    grid = [["" for _ in row] for row in header]
    merges = []
    for i, row in enumerate(header):
        for j, cell in enumerate(row):
            if cell is None:
                continue
            text, cs, rs = (cell, 1, 1) if isinstance(cell, str) else cell
            grid[i][j] = text
            if cs > 1 or rs > 1:
                merges.append((i, j, i + rs - 1, j + cs - 1))
    return grid, merges


def write_xlsx(t: dict, path: Path) -> None:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    tokens = _tokens(t)
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    width = 4 if "sections" in t else max(len(r) for r in t["rows"])

    def data(r):
        ws.append(r)
        for j, v in enumerate(r):
            if isinstance(v, (int, float)):
                shown = printed(v, tokens)
                d = len(shown.split(".")[1]) if "." in shown else 0
                ws.cell(ws.max_row, j + 1).number_format = "0." + "0" * d if d else "0"

    def line(text, bold=False):
        ws.append([text] + [None] * (width - 1))
        r = ws.max_row
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        if bold:
            ws.cell(r, 1).font = Font(bold=True)

    for k, x in enumerate(t["title"]):
        line(x, bold=k == 0)
    if t.get("period_row"):
        line(t["period_row"])
    line(t["unit"])

    def header(rows, month=None):
        grid, merges = _grid([[(c if not isinstance(c, (str, tuple)) else
                                (c.format(m=month) if isinstance(c, str) else (c[0].format(m=month), *c[1:])))
                               for c in r] for r in rows])
        top = ws.max_row + 1
        for r in grid:
            ws.append([c or None for c in r])
        for r0, c0, r1, c1 in merges:
            ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
        for row in ws.iter_rows(min_row=top, max_row=top + len(grid) - 1):
            for cell in row:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    if "sections" in t:
        for title, head, month, rows in t["sections"]:
            line(title, bold=True)
            header(head, month)
            for r in rows:
                data(r)
                if r[0].startswith("注"):
                    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    else:
        header(t["header"])
        for r in t["rows"]:
            data(r)
    for x in t.get("below", []):
        line(x)
    for j in range(width):
        ws.column_dimensions[get_column_letter(j + 1)].width = 30 if j == 0 else 14
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(reproducible_zip(buf.getvalue()))


# --------------------------------------------------------------------------------------------- html
def _tr(cells: list, tag: str = "td", tokens: set[str] | None = None, blanks: bool = True) -> str:
    out = []
    for c in cells:
        if c is None and not (blanks and tag == "td"):
            continue
        text, cs, rs = (c, 1, 1) if not isinstance(c, tuple) else c
        span = (f' colspan="{cs}"' if cs > 1 else "") + (f' rowspan="{rs}"' if rs > 1 else "")
        shown = printed(text, tokens or set()) if isinstance(text, (int, float)) else ("" if text is None else text)
        out.append(f"<{tag}{span}>{html.escape(shown).replace(chr(10), '<br>')}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


def write_html(t: dict, path: Path) -> None:
    tokens = _tokens(t)
    body = []
    if t.get("breadcrumb"):
        body.append(f'<div class="crumb">{html.escape(t["breadcrumb"])}</div>')
    body.append(f"<h1>{html.escape(t['page_title'])}</h1>")
    body.append(f'<div class="info">{html.escape(t["date_line"])}</div>')
    if t.get("prose"):
        body.append(f"<p>{html.escape(t['prose'])}</p>")
    if "sections" in t:  # one table, each section a title row, its own header and rows
        rows = [_tr([(t["title"][0], 4, 1)])]
        for title, head, month, data in t["sections"]:
            rows.append(_tr([(title, 4, 1)]))
            for r in head:
                rows.append(_tr([c if not isinstance(c, (str, tuple)) else
                                 (c.format(m=month) if isinstance(c, str) else (c[0].format(m=month), *c[1:]))
                                 for c in r], "th"))
            for r in data:
                rows.append(_tr([(r[0], 4, 1)] if r[0].startswith("注") else r, tokens=tokens))
    else:
        for x in t["title"][1:]:
            body.append(f"<p>{html.escape(x)}</p>")
        body.append(f"<p>{html.escape(t['unit'])}</p>")
        rows = []
        width = len(t["header"][0])
        if t.get("period_row"):
            rows.append(_tr([(t["period_row"], width, 1)]))
        head = t["header"]
        if "html_label_heading" in t:
            head = [[(t["html_label_heading"], 1, 2) if j == 0 and i == 0 else c for j, c in enumerate(r)]
                    for i, r in enumerate(head)]
        rows += [_tr(r, "th") for r in head]
        rows += [_tr(r, tokens=tokens) for r in t["rows"]]
    body.append('<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>")
    for x in t.get("html_below", t.get("below", [])):
        body.append(f"<p>{html.escape(x)}</p>")
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(t['page_title'])}</title></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n")
    path.write_text(page, encoding="utf-8")


def main(out: Path = HERE) -> list[Path]:
    """Check every table against its source, then write its .xlsx and .html into ``out``."""
    written = []
    for t in TABLES:
        check_figures(t)
        for suffix, write in ((".xlsx", write_xlsx), (".html", write_html)):
            p = Path(out) / (t["name"] + suffix)
            write(t, p)
            written.append(p)
    return written


if __name__ == "__main__":
    for p in main():
        print(p.relative_to(HERE.parents[2]))
