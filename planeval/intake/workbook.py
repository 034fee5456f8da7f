"""The fill-in sheet as written: rows for a list of targets, an .xlsx with the 填报 and 说明 sheets (and a
cover sheet for a department), and the same rows as a CSV.

Every text written is inert in a spreadsheet: in the .xlsx a text is always a text cell, and one that a
spreadsheet would run as a formula (= + - @, tab, carriage return; see planeval.book.publish.defuse) is
marked quote-prefixed, so Excel keeps it text even when the cell is edited; in the CSV such a text gets the
apostrophe publish.defuse puts before it (the importer takes it off again).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..book.publish import defuse
from .columns import COVER_SHEET, HEADERS, HELP_SHEET, PREFILLED, SHEET, TEXT_COLUMNS, WIDTHS
from .parse import fmt_number
from .plausible import rules
from .tables import PlanTables, last_known, num

COLUMN_HELP = {
    "指标编号": "登记表中的指标编号（勿改）。Registry id; do not change.",
    "指标名称": "规划中的指标名称（勿改）。Name as in the plan.",
    "单位": "登记表的计量单位（勿改）：数值必须换算成这个单位（如 万元 → 亿元 需 ÷10000）。The value must be in this unit.",
    "应填口径": "应填报的统计口径（规划目标的口径）。Expected scope.",
    "上年已知数值": "目前掌握的最近一个数值及其年份（供核对；“规划基期”为规划文本中的基期值）。Last known value.",
    "年份": "数值所属年份（已预填，可改为规划期内其他年份补录）。Year the value is for.",
    "数值": "只填数字：3200、1,234.5、5.8 或 5.8% 均可；没有数据就留空（该行会被跳过）。A number only; leave empty when there is no figure.",
    "口径": "来源所说的口径（见“说明”中的口径列表）；来源未说明时填 未注明。Scope as the source says.",
    "来源标题": "来源文件或网页的标题（必填）。Title of the source (required).",
    "来源网址": "来源网址，以 http:// 或 https:// 开头；部门报送的未公开数值可留空（以回函为来源）。URL of the source.",
    "发布日期": "来源的发布日期，写作 年-月-日（YYYY-MM-DD）、YYYY/M/D 或 YYYY年M月D日（可空）；不能晚于今天，也不能早于数值所属年份（否则拒收）。Publication date: not after today, not before the value's year.",
    "数值原文/原句": "从来源中原样复制的包含该数值的句子，或数值所依据的报表名称（必填）。The sentence the value was read from.",
    "备注": "需要读者知道的说明，如“初步数”“五经普修订后”；指标不属本单位时在此注明应由哪个单位填报。Caveats.",
    "覆盖月数": "可空：空 = 12（全年）；1-11月数据填 11。Months covered; empty = full year.",
    "发布单位": "可空：发布来源的机关或网站。Publisher (optional).",
    "规划目标": "规划对该指标设定的目标（勿改）。The plan's target.",
    "责任单位": "建议的责任单位（勿改；分工见 responsibility.csv）。Responsible department.",
    "发布类型": "可空：来源所说的数据版本——初步核算、快报、统计公报、最终核实、修订、普查修订。已有数值的指标报来新数值时，按新的发布版本与原数值并列保存，不覆盖原数值；更正原数值须用 REVISE=1 导入。Release (optional): a later release is kept beside the earlier one.",
}


def target_text(reg) -> str:
    """The plan's target as one line with its year: a value, 年均增长 5.0 or 按市下达, then （<target year>年）."""
    dash = ("", "--", "—", "-", "——")
    parts = [str(reg["target_text"])] if num(reg.get("target_text")) and reg["target_text"] not in dash else []
    growth = reg.get("annual_growth_text")
    if num(growth) and growth not in dash:  # a figure is a yearly growth; words (按市下达) stand as they are
        parts.append(f"年均增长 {growth}" if any(ch.isdigit() for ch in str(growth)) else str(growth))
    parts = list(dict.fromkeys(parts))  # 按市下达 in both columns is said once
    year = num(reg.get("target_year"))
    return "；".join(parts) + (f"（{int(year)}年）" if year and parts else "")


def fill_rows(tables: PlanTables, year: int, ids: list[str] | None = None) -> list[list]:
    """One prefilled row per target (this plan's targets, or ``ids``), in registry order."""
    plan = tables.plan
    observations = tables.observations
    targets = tables.targets if ids is None else tables.targets[tables.targets["id"].isin(ids)]
    rows = []
    for _, reg in targets.iterrows():
        prior = last_known(observations, reg, year, plan.plan_scope, plan.plan_scope)
        if reg["target_form"] == "qualitative":
            known = "定性指标，无需填报数值 qualitative: leave 数值 empty"
        elif prior is None:
            known = "暂无 none"
        else:
            value, y, scope, origin = prior
            known = (f"{fmt_number(value)}（{y}年，{scope}）" if origin == "observation"
                     else f"{fmt_number(value)}（{y}年，规划基期）")
        values = {"指标编号": reg["id"], "指标名称": reg["name_zh"], "单位": reg["unit"], "应填口径": plan.plan_scope,
                  "上年已知数值": known, "年份": year, "规划目标": target_text(reg),
                  "责任单位": tables.department_of.get(reg["id"], "")}
        rows.append([values.get(h, "") for h in HEADERS])
    return rows


def instructions(tables: PlanTables, year: int) -> list[str]:
    plan = tables.plan
    scopes = "；".join(f"{s.code} = {s.label}" + (f"（也可写 {'、'.join(s.synonyms)}）" if s.synonyms else "")
                      for s in plan.scopes)
    return [
        "每行一个指标、一个年份、一个口径；同一指标同一年份同一口径不要重复填写。",
        "数值为空的行会被跳过，不算错误；有数值的行必须填写 口径、来源标题、来源网址（部门报送的未公开数值可空）和 数值原文/原句。",
        "百分比指标（单位 %）直接填百分数（58.3 或 58.3%），不要填 0.583。",
        "单位必须与“单位”列一致；不要修改灰色的预填列，不要合并单元格（合并的数值单元格会被拒收）。",
        f"口径：应填 {plan.plan_scope}。来源只给其他口径时照实填写，不要换算。可用的口径：{scopes}。",
        f"年份须在规划期 {plan.period.start}-{plan.period.end} 内。规划基期值来自规划文本，不能在此修改。",
        "发布日期不能晚于今天，也不能早于数值所属年份；来源网址须是浏览器打开页面后地址栏显示的地址（含“@”、反斜杠或仿冒字符的网址会被拒收）。",
        "已导入的数值如有不同，会作为“修订”记录（旧值 → 新值），并在导入报告中列出；与此前另一份回报导入的数值不同则拒收，"
        "确认本文件是更正时用 make import REVISE=1 导入。",
        "只填有出处的数值：不推算、不插值、不估计。",
        "以下数值会被拒收或警告：",
        *[f"  {kind}：{rule}" for kind, rule in rules()],
        f"填好后保存为 .xlsx（或 .csv），在项目目录运行：make import FILE=文件路径 PLAN={plan.id}"
        f"（先试运行：python -m planeval.intake import 文件路径 --plan {plan.id} --dry-run）。",
    ]


def put(ws, row: int, col: int, value, text: bool = False):
    """Write a cell that no spreadsheet will run as a formula (a text stays a text cell)."""
    cell = ws.cell(row, col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl makes any string starting with = a formula otherwise
        if defuse(value) != value:
            cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
    else:
        cell.value = value
    if text:
        cell.number_format = "@"  # keep what is typed (5.8% stays text, no auto-conversion)
    return cell


def new_workbook(year: int):
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "planeval.intake"
    wb.properties.created = wb.properties.modified = dt.datetime(year, 1, 1)
    return wb


def add_fill_sheet(wb, title: str, rows: list[list], scope_codes: tuple) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(SHEET)
    ncol = len(HEADERS)
    put(ws, 1, 1, title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    header_row, first = 2, 3
    grey, head = PatternFill("solid", fgColor="E7E6E6"), PatternFill("solid", fgColor="BDD7EE")
    for c, name in enumerate(HEADERS, start=1):
        cell = put(ws, header_row, c, name)
        cell.font, cell.fill = Font(bold=True), head
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(COLUMN_HELP[name], "intake")
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS[name]
    for i, row in enumerate(rows):
        for c, value in enumerate(row, start=1):
            name = HEADERS[c - 1]
            cell = put(ws, first + i, c, value if value != "" else None, text=name in TEXT_COLUMNS)
            if name in PREFILLED:
                cell.fill = grey
    last = first + max(len(rows), 1) - 1
    scope_col = get_column_letter(HEADERS.index("口径") + 1)
    codes = ",".join(scope_codes)
    dv = DataValidation(type="list", formula1=f'"{codes}"', allow_blank=True, showErrorMessage=False,
                        promptTitle="口径", prompt=" / ".join(scope_codes))
    dv.add(f"{scope_col}{first}:{scope_col}{last + 200}")
    ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(first, 3)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncol)}{last}"


def add_help_sheet(wb, year: int, lines: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(HELP_SHEET)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 110
    put(ws, 1, 1, f"{year} 年数据填报说明").font = Font(bold=True, size=13)
    r = 3
    put(ws, r, 1, "规则").font = Font(bold=True)
    for line in lines:
        put(ws, r, 2, line).alignment = Alignment(wrap_text=True)
        r += 1
    r += 1
    put(ws, r, 1, "列").font = Font(bold=True)
    put(ws, r, 2, "含义（灰色列已预填，请勿修改）").font = Font(bold=True)
    for name in HEADERS:
        r += 1
        put(ws, r, 1, name)
        put(ws, r, 2, COLUMN_HELP[name]).alignment = Alignment(wrap_text=True)


def add_cover_sheet(wb, title: str, fields: list[tuple[str, str]]) -> None:
    """A cover sheet: the title, then label | text rows (the 填报单位 row names whose file it is)."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(COVER_SHEET, 0)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 100
    put(ws, 1, 1, title).font = Font(bold=True, size=14)
    for i, (label, text) in enumerate(fields, start=3):
        put(ws, i, 1, label).font = Font(bold=True)
        put(ws, i, 2, text).alignment = Alignment(wrap_text=True, vertical="top")


def save(wb, path: Path) -> None:
    if "Sheet" in wb.sheetnames and len(wb.sheetnames) > 1:
        del wb["Sheet"]
    wb.active = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def csv_bytes(rows: list[list]) -> bytes:
    """The fill-in rows as CSV (UTF-8 with BOM, so Excel opens it correctly), formula-like texts defused."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([[defuse(v) if isinstance(v, str) else v for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")
