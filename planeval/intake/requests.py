"""Data requests to the departments: one fill-in workbook per department with only its targets.

``write_requests(year, plan)`` reads the plan's responsibility table (responsibility.csv: target →
department) and writes, under ``_build/requests/<plan>/<year>/``:

- ``<year>_<department>.xlsx`` for each department: a cover sheet (封面: what is asked, for which year, by
  when, how to return it, whom to ask, whether the assignment is still a proposal), the fill-in sheet
  (填报: the department's targets with the plan's target, unit, scope, last known value and its year, and
  the source columns) and the instructions (说明, with the rules on impossible and suspicious values);
- ``requests.csv``: which department was asked for which targets, for the analyst's records (``make
  status`` recomputes the same list from responsibility.csv with :func:`requested`, so it needs no _build/).

Only .xlsx is written: the cover sheet says whose return a file is (a returned file whose 填报单位 is set
may leave 来源网址 empty, its own copy under incoming/ being the source).

Qualitative targets are not asked for (they are judged on cited evidence, not on yearly values).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .. import paths
from ..book.publish import defuse_frame
from ..config import PlanConfig
from .columns import DEPARTMENT_LABEL, safe_file_name
from .commit import refuse_if_pending
from .tables import PlanTables, plan_config
from .template import check_year
from .workbook import add_cover_sheet, add_fill_sheet, add_help_sheet, fill_rows, instructions, new_workbook, save

DEADLINE_DAYS = 30  # default deadline: this many days after the requests are written
RETURN_TO = "发出本表的联系人（规划评估工作组）"


def requested(tables: PlanTables) -> pd.DataFrame:
    """Department and target of every request: the plan's targets except qualitative ones, in registry order,
    with the responsibility row's assignment and contact."""
    resp = tables.require_responsibility().set_index("indicator_id")
    targets = tables.targets[tables.targets["target_form"] != "qualitative"]
    out = pd.DataFrame({"department": targets["id"].map(resp["department"]).values,
                        "indicator_id": targets["id"].values, "name_zh": targets["name_zh"].values,
                        "unit": targets["unit"].values, "target_form": targets["target_form"].values,
                        "assignment": targets["id"].map(resp["assignment"]).values,
                        "contact": targets["id"].map(resp["contact"]).values})
    order = list(dict.fromkeys(out["department"]))
    return out.sort_values("department", key=lambda s: s.map(order.index), kind="stable").reset_index(drop=True)


def out_dir_for(plan: PlanConfig, year: int) -> Path:
    return paths.BUILD / "requests" / plan.id / str(year)


def write_requests(year: int, plan: str | Path | PlanConfig | None = None, out_dir=None, *,
                   deadline: dt.date | None = None, return_to: str = RETURN_TO,
                   today: dt.date | None = None) -> list[Path]:
    """One workbook per department plus requests.csv; returns the paths written (workbooks first)."""
    cfg = plan_config(plan)
    year = check_year(cfg, year)
    refuse_if_pending(cfg.folder)
    tables = PlanTables(cfg)
    asked = requested(tables)
    today = today or dt.date.today()
    deadline = deadline or today + dt.timedelta(days=DEADLINE_DAYS)
    out = Path(out_dir) if out_dir else out_dir_for(cfg, year)
    lines = instructions(tables, year)
    written = []
    for dept, rows in asked.groupby("department", sort=False):
        path = out / f"{year}_{safe_file_name(dept)}.xlsx"
        wb = new_workbook(year)
        add_cover_sheet(wb, f"{cfg.short_name}指标 {year} 年数据征集表", cover_fields(
            cfg, year, dept, rows, deadline, return_to, today))
        add_fill_sheet(wb, f"{cfg.short_name}指标 {year} 年数据填报表 · {dept}",
                       fill_rows(tables, year, list(rows["indicator_id"])), cfg.scope_codes)
        add_help_sheet(wb, year, lines)
        save(wb, path)
        written.append(path)
    index = out / "requests.csv"
    frame = asked.assign(year=year, file=asked["department"].map(lambda d: f"{year}_{safe_file_name(d)}.xlsx"),
                         deadline=deadline.isoformat())
    columns = ["year", "department", "indicator_id", "name_zh", "unit", "file", "deadline"]
    index.write_bytes(defuse_frame(frame[columns]).to_csv(index=False).encode("utf-8-sig"))
    written.append(index)
    return written


def cover_fields(cfg: PlanConfig, year: int, dept: str, rows: pd.DataFrame, deadline: dt.date, return_to: str,
                 today: dt.date) -> list[tuple[str, str]]:
    contacts = sorted({c for c in rows["contact"] if isinstance(c, str) and c.strip()})
    proposal = (rows["assignment"] == "proposed").any()
    fields = [
        (DEPARTMENT_LABEL, dept),
        ("数据年度", f"{year} 年"),
        ("所需内容", f"“填报”工作表列出了由贵单位提供数据的 {len(rows)} 项规划指标（{cfg.name}）。请为每项指标填写 {year} 年的"
                    "数值、口径、来源标题、来源网址（未公开的部门数据可空）、发布日期和数值原文/原句（或所依据的统计报表、台账名称）。"
                    "没有数据的指标请将数值留空，并在备注中说明原因（如“年报尚未发布，预计X月”）。"),
        ("截止日期", deadline.isoformat()),
        ("报送方式", f"请将本工作簿填好后保存为 .xlsx（不要改动工作表名称、灰色预填列和本封面），于截止日期前发回{return_to}。"
                    "如需补报或更正，重新发送整份工作簿即可：相同数值不会重复记录，不同数值作为修订记录。"),
        ("联系人", "、".join(contacts) if contacts else "（待分析人员填写）"),
        ("发出日期", today.isoformat()),
    ]
    assigned = rows[rows["target_form"] == "city_assigned"]
    if len(assigned):  # the plan's target is the one the higher level assigns: ask for it and its document
        fields.append(("上级下达目标", f"下列 {len(assigned)} 项指标的规划目标为“按上级下达”（完成上级下达目标）："
                       + "、".join(str(n) for n in assigned["name_zh"]) + "。请在该行“备注”中写明上级下达给本地的"
                       "目标值（数值、单位和所对应的年份或时期），以及下达文件的名称、文号和印发日期（有网址的请附网址）；"
                       "已有考核结论的（如“完成省下达目标”），请将结论原文填入“数值原文/原句”，并在“来源标题”写明考核文件。"
                       "当年尚无数值的，也请照此填写备注并发回本表。"))
    if proposal:
        fields.append(("分工说明", "规划文本未写明各指标的责任单位，本表所列指标是评估工作组按部门职责提出的建议分工。"
                                   "如某项指标不属贵单位，请在该行备注中写明应由哪个单位提供，不要删除该行。"))
    return fields
