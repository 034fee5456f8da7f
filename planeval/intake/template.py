"""The yearly fill-in file (填报表) for the analyst: every target of the plan in one workbook.

One row per target of the plan (the registry without the previous plan's rows) with the id, name, unit,
plan scope, last known value (with its year), the plan's target and the proposed department prefilled; the
analyst fills in 数值, 口径, the source and the sentence the figure was read from. Written as ``.xlsx``
(sheets 填报 and 说明) and as ``.csv`` (UTF-8 with BOM) under ``_build/intake/<plan>/``.
"""
from __future__ import annotations

from pathlib import Path

from .. import paths
from ..config import PlanConfig
from ..data.schema import DataError
from .commit import refuse_if_pending
from .tables import PlanTables, plan_config
from .workbook import add_fill_sheet, add_help_sheet, csv_bytes, fill_rows, instructions, new_workbook, save


def check_year(plan: PlanConfig, year: int) -> int:
    year = int(year)
    if not plan.period.start <= year <= plan.period.end:
        raise DataError("--year", value=year, expected=f"a year of the plan period {plan.period.start}-{plan.period.end}")
    return year


def write_template(year: int, out_dir=None, plan: str | Path | PlanConfig | None = None) -> tuple[Path, Path]:
    """Write ``<plan>_intake_<year>.xlsx`` and ``.csv`` into ``out_dir``; return both paths."""
    cfg = plan_config(plan)
    year = check_year(cfg, year)
    refuse_if_pending(cfg.folder)
    tables = PlanTables(cfg)
    out_dir = Path(out_dir) if out_dir else paths.BUILD / "intake" / cfg.id
    rows = fill_rows(tables, year)
    xlsx_path = out_dir / f"{cfg.id}_intake_{year}.xlsx"
    csv_path = out_dir / f"{cfg.id}_intake_{year}.csv"
    wb = new_workbook(year)
    add_fill_sheet(wb, f"{cfg.short_name}指标 {year} 年数据填报表（数值为空的行导入时跳过；说明见“说明”工作表）",
                   rows, cfg.scope_codes)
    add_help_sheet(wb, year, instructions(tables, year))
    save(wb, xlsx_path)
    csv_path.write_bytes(csv_bytes(rows))
    return xlsx_path, csv_path
