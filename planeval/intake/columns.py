"""The fill-in sheet (填报表) every intake file shares: the yearly template and each department's request.

The first 13 columns are the original template's; the others are optional on return (a file without them
imports the same). Names an analyst may have typed instead (编号, 来源, 网址 …) are accepted as aliases.
"""
from __future__ import annotations

import re

from .parse import header_key

SHEET = "填报"
HELP_SHEET = "说明"
COVER_SHEET = "封面"
DEPARTMENT_LABEL = "填报单位"  # the cover sheet's cell that says whose file this is

HEADERS = ["指标编号", "指标名称", "单位", "应填口径", "上年已知数值", "年份", "数值", "口径",
           "来源标题", "来源网址", "发布日期", "数值原文/原句", "备注", "覆盖月数", "发布单位", "规划目标", "责任单位",
           "发布类型"]
REQUIRED_HEADERS = ["指标编号", "年份", "数值", "口径", "来源标题", "来源网址", "数值原文/原句"]
PREFILLED = ["指标编号", "指标名称", "单位", "应填口径", "上年已知数值", "规划目标", "责任单位"]
# Cells kept as typed text in the workbook (5.8% stays text, ids keep leading zeros, no auto-conversion).
TEXT_COLUMNS = ["指标编号", "数值", "来源网址", "数值原文/原句"]
WIDTHS = {"指标编号": 18, "指标名称": 34, "单位": 12, "应填口径": 9, "上年已知数值": 24, "年份": 7, "数值": 12,
          "口径": 9, "来源标题": 36, "来源网址": 36, "发布日期": 12, "数值原文/原句": 48, "备注": 24, "覆盖月数": 9,
          "发布单位": 18, "规划目标": 30, "责任单位": 14, "发布类型": 12}
# Columns whose cells are data: a merged cell there would copy one row's entry into another.
DATA_COLUMNS = [h for h in HEADERS if h not in ("指标名称", "单位", "应填口径", "上年已知数值", "规划目标")]

_ALIASES = {
    "编号": "指标编号", "指标id": "指标编号", "id": "指标编号", "indicatorid": "指标编号",
    "名称": "指标名称", "指标": "指标名称",
    "计量单位": "单位", "unit": "单位",
    "年度": "年份", "year": "年份",
    "数据": "数值", "value": "数值", "本年数值": "数值",
    "统计口径": "口径", "scope": "口径",
    "来源": "来源标题", "来源名称": "来源标题", "来源文件": "来源标题",
    "网址": "来源网址", "链接": "来源网址", "来源链接": "来源网址", "url": "来源网址",
    "日期": "发布日期", "发布时间": "发布日期",
    "数值原文": "数值原文/原句", "原句": "数值原文/原句", "原文": "数值原文/原句",
    "数值原文原句": "数值原文/原句", "引文": "数值原文/原句",
    "说明": "备注", "note": "备注",
    "月数": "覆盖月数",
    "发布机构": "发布单位", "publisher": "发布单位",
    "目标": "规划目标", "规划目标值": "规划目标",
    "单位名称": "责任单位", "牵头单位": "责任单位",
    "数据版本": "发布类型", "发布版本": "发布类型", "版本": "发布类型", "release": "发布类型",
}
_CANONICAL = {header_key(h): h for h in HEADERS}
_CANONICAL.update({header_key(k): v for k, v in _ALIASES.items()})


def canonical_header(text) -> str | None:
    return _CANONICAL.get(header_key(text))


def safe_file_name(text: str) -> str:
    """A department or plan name usable as a file name on Windows and Linux."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", str(text)).strip("._") or "unit"
