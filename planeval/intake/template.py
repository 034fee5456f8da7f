"""Write the yearly fill-in file (填报表) for the analyst: ``write_template(year, out_dir, data_dir)``.

One row per 14th-plan indicator of the registry, with the registry's id, name and unit, the expected
scope (全区) and the last known value (with its year) prefilled; the analyst fills in 数值, 口径, the
source and the sentence the figure was read from. Written both as ``.xlsx`` (sheet ``填报`` plus an
instructions sheet ``说明``) and as ``.csv`` (UTF-8 with BOM, so Excel opens it correctly).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from . import paths
from .datacheck import DataError
from .intake_import import (DEFAULT_SCOPE, HEADERS, HELP_SHEET, PLAN, PLAN_PERIOD, PREFILLED, SHEET,
                            fmt_number, last_known, load_optional, load_registry_table)

DEFAULT_OUT = paths.BUILD / "intake"

COLUMN_HELP = {
    "指标编号": "登记表中的指标编号（勿改）。Registry id; do not change.",
    "指标名称": "规划中的指标名称（勿改）。Name as in the plan.",
    "单位": "登记表的计量单位（勿改）：数值必须换算成这个单位（如 万元 → 亿元 需 ÷10000）。"
            "The value must be in this unit.",
    "应填口径": "应填报的统计口径：全区（全大区，含高新区、东钱湖）。Expected scope.",
    "上年已知数值": "目前掌握的最近一个数值及其年份（供核对；“规划基期”为规划文本中的基期值）。Last known value.",
    "年份": "数值所属年份（已预填，可改为 2021-2025 中的其他年份补录）。Year the value is for.",
    "数值": "只填数字：3200、1,234.5、5.8 或 5.8% 均可；没有数据就留空（该行会被跳过）。"
            "A number only; leave empty when there is no figure.",
    "口径": "来源所说的口径：全区 / 区本级 / 未注明（来源未说明时填 未注明）。Scope as the source says.",
    "来源标题": "来源文件或网页的标题（必填）。Title of the source (required).",
    "来源网址": "来源网址，以 http:// 或 https:// 开头（必填）。URL of the source (required).",
    "发布日期": "来源的发布日期，如 2025-03-01、2025/3/1 或 2025年3月1日（可空）。Publication date.",
    "数值原文/原句": "从来源中原样复制的包含该数值的句子（必填）。The sentence the value was read from.",
    "备注": "需要读者知道的说明，如“初步数”“五经普修订后”。Caveats.",
    "覆盖月数": "可空：空 = 12（全年）；1-11月数据填 11。Months covered; empty = full year.",
    "发布单位": "可空：发布来源的机关或网站，如 鄞州区统计局。Publisher (optional).",
}

RULES = [
    "每行一个指标、一个年份、一个口径；同一指标同一年份同一口径不要重复填写。",
    "数值为空的行会被跳过，不算错误；有数值的行必须填写 口径、来源标题、来源网址 和 数值原文/原句。",
    "百分比指标（单位 %）直接填百分数（58.3 或 58.3%），不要填 0.583；比重、比率不能超过 100。",
    "单位必须与“单位”列一致；不要修改 指标编号、指标名称、单位 三列。",
    f"年份须在规划期 {PLAN_PERIOD[0]}-{PLAN_PERIOD[1]} 内。规划基期值（2020年，标*指标为2019年）来自规划文本，不能在此修改。",
    "已导入的数值如有不同，会作为“修订”记录（旧值 → 新值），并在导入报告中列出。",
    "只填有来源的公开数值：不推算、不插值、不估计。",
    "填好后保存为 .xlsx（或 .csv），在项目目录运行：make import FILE=文件路径"
    "（先试运行：python -m yinzhou_eval.intake import 文件路径 --dry-run）。",
]


def template_rows(year: int, data_dir=None) -> list[list[str]]:
    registry = load_registry_table(data_dir)
    observations = load_optional(data_dir, "observations")
    rows = []
    for _, reg in registry[registry["plan"] == PLAN].iterrows():
        prior = last_known(observations, reg, year, DEFAULT_SCOPE)
        if prior is None:
            known = "暂无 none"
        else:
            value, y, scope, origin = prior
            known = (f"{fmt_number(value)}（{y}年，{scope}）" if origin == "observation"
                     else f"{fmt_number(value)}（{y}年，规划基期）")
        if reg["target_form"] == "qualitative":
            known = "定性指标，无需填报数值 qualitative: leave 数值 empty"
        rows.append([reg["id"], reg["name_zh"], reg["unit"], DEFAULT_SCOPE, known, str(year)]
                    + [""] * (len(HEADERS) - 6))
    return rows


def write_template(year: int, out_dir=None, data_dir=None) -> tuple[Path, Path]:
    """Write ``yinzhou_intake_<year>.xlsx`` and ``.csv`` into ``out_dir``; return both paths."""
    year = int(year)
    if not PLAN_PERIOD[0] <= year <= PLAN_PERIOD[1]:
        raise DataError("--year", value=year, expected=f"a year of the plan period {PLAN_PERIOD[0]}-{PLAN_PERIOD[1]}")
    out_dir = Path(out_dir) if out_dir else DEFAULT_OUT
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = template_rows(year, data_dir)
    xlsx_path = out_dir / f"yinzhou_intake_{year}.xlsx"
    csv_path = out_dir / f"yinzhou_intake_{year}.csv"
    _write_xlsx(xlsx_path, year, rows)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    csv_path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    return xlsx_path, csv_path


def _write_xlsx(path: Path, year: int, rows: list[list[str]]) -> None:
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.properties.creator = "yinzhou_eval.intake"
    wb.properties.created = wb.properties.modified = dt.datetime(year, 1, 1)
    ws = wb.active
    ws.title = SHEET
    ncol = len(HEADERS)
    ws.cell(1, 1, f"鄞州区“十四五”规划指标 {year} 年数据填报表（数值为空的行导入时跳过；说明见“{HELP_SHEET}”工作表）")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    header_row, first = 2, 3
    grey = PatternFill("solid", fgColor="E7E6E6")
    head = PatternFill("solid", fgColor="BDD7EE")
    for c, name in enumerate(HEADERS, start=1):
        cell = ws.cell(header_row, c, name)
        cell.font = Font(bold=True)
        cell.fill = head
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(COLUMN_HELP[name], "intake")
    widths = {"指标编号": 18, "指标名称": 34, "单位": 12, "应填口径": 9, "上年已知数值": 24, "年份": 7,
              "数值": 12, "口径": 9, "来源标题": 36, "来源网址": 36, "发布日期": 12, "数值原文/原句": 48,
              "备注": 24, "覆盖月数": 9, "发布单位": 18}
    for c, name in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = widths[name]
    text_cols = {HEADERS.index(h) + 1 for h in ("指标编号", "数值", "来源网址", "数值原文/原句")}
    for i, row in enumerate(rows):
        r = first + i
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, int(value) if HEADERS[c - 1] == "年份" else (value or None))
            if HEADERS[c - 1] in PREFILLED:
                cell.fill = grey
            if c in text_cols:
                cell.number_format = "@"  # keep what is typed (5.8% stays text, no auto-conversion)
    last = first + max(len(rows), 1) - 1
    scope_col = get_column_letter(HEADERS.index("口径") + 1)
    dv = DataValidation(type="list", formula1='"全区,区本级,未注明"', allow_blank=True,
                        showErrorMessage=False, promptTitle="口径", prompt="全区 / 区本级 / 未注明")
    dv.add(f"{scope_col}{first}:{scope_col}{last + 200}")
    ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(first, 3)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncol)}{last}"

    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 110
    help_ws.cell(1, 1, f"{year} 年数据填报说明").font = Font(bold=True, size=13)
    r = 3
    help_ws.cell(r, 1, "规则").font = Font(bold=True)
    for rule in RULES:
        help_ws.cell(r, 2, rule).alignment = Alignment(wrap_text=True)
        r += 1
    r += 1
    help_ws.cell(r, 1, "列").font = Font(bold=True)
    help_ws.cell(r, 2, "含义（灰色列已预填，请勿修改）").font = Font(bold=True)
    for name in HEADERS:
        r += 1
        help_ws.cell(r, 1, name)
        help_ws.cell(r, 2, COLUMN_HELP[name]).alignment = Alignment(wrap_text=True)
    wb.active = 0
    wb.save(path)
