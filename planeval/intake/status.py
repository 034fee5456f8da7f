"""Collection status of a year's data requests, per department: requested, returned, still missing.

- **requested**: the department's targets in responsibility.csv, qualitative targets left out — the same
  list :mod:`.requests` writes into the department's workbook (:func:`~.requests.requested`);
- **returned**: a requested target for which some imported file had a 数值 for the year: a row of
  ``receipts.csv``, which every import that writes appends (one row per filled-in row of each file, new,
  revised or unchanged, with the 填报单位 of the file's cover sheet and the copy kept under incoming/). An
  import whose values were all already recorded writes nothing, so it leaves no receipt either;
- **has value**: an observation for the year exists, from a return or from a published source;
- **missing**: requested and no value for the year yet — the to-do list for that department.

``collection_status(year, plan)`` gives one row per department (for the book's data appendix),
``collection_items(year, plan)`` one row per requested target, ``status_text`` what ``make status`` prints.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import PlanConfig
from .commit import refuse_if_pending
from .requests import requested
from .tables import PlanTables, plan_config

ITEM_COLUMNS = ["department", "indicator_id", "name_zh", "unit", "returned", "returned_in", "has_value", "state"]
STATUS_COLUMNS = ["department", "requested", "returned", "has_value", "missing", "missing_ids", "files",
                  "last_return"]
STATE_LABELS = {"returned": "已回收", "public": "已有数值（其他来源）", "missing": "仍缺"}


def _tables(plan) -> PlanTables:
    cfg = plan_config(plan)
    refuse_if_pending(cfg.folder)
    return PlanTables(cfg)


def collection_items(year: int, plan: str | Path | PlanConfig | None = None) -> pd.DataFrame:
    """One row per requested target: its department, whether a returned file gave it (and which), whether a
    value for ``year`` exists, and its state (returned / public / missing)."""
    tables = _tables(plan)
    asked = requested(tables)
    receipts = tables.optional("receipts")
    receipts = receipts[receipts["year"] == int(year)]
    files = receipts.groupby("indicator_id")["file"].agg(lambda f: "; ".join(sorted(set(f))))
    obs = tables.observations
    valued = obs[(obs["year"] == int(year)) & (obs["value"].notna() | obs["verdict"].notna())]
    has_value = asked["indicator_id"].isin(set(valued["indicator_id"]))
    returned = asked["indicator_id"].isin(set(receipts["indicator_id"]))
    state = pd.Series("missing", index=asked.index)
    state[has_value] = "public"
    state[returned] = "returned"
    return pd.DataFrame({"department": asked["department"], "indicator_id": asked["indicator_id"],
                         "name_zh": asked["name_zh"], "unit": asked["unit"], "returned": returned,
                         "returned_in": asked["indicator_id"].map(lambda i: files.get(i, "")), "has_value": has_value,
                         "state": state}, columns=ITEM_COLUMNS)


def collection_status(year: int, plan: str | Path | PlanConfig | None = None) -> pd.DataFrame:
    """One row per department, in the order of responsibility.csv: how many targets were requested, returned,
    have a value for ``year``, are still missing (and which), the department's returned files and the time
    of its last return."""
    tables = _tables(plan)
    items = collection_items(year, tables.plan)
    receipts = tables.optional("receipts")
    receipts = receipts[receipts["year"] == int(year)]
    rows = []
    for dept, it in items.groupby("department", sort=False):
        own = receipts[receipts["department"] == dept]
        missing = it[~it["has_value"]]
        rows.append({"department": dept, "requested": len(it), "returned": int(it["returned"].sum()),
                     "has_value": int(it["has_value"].sum()), "missing": len(missing),
                     "missing_ids": ", ".join(missing["indicator_id"]), "files": "; ".join(sorted(set(own["file"]))),
                     "last_return": max(own["imported_at"]) if len(own) else ""})
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def status_text(year: int, plan: str | Path | PlanConfig | None = None) -> str:
    tables = _tables(plan)
    cfg = tables.plan
    status = collection_status(year, cfg)
    items = collection_items(year, cfg)
    names = dict(zip(items["indicator_id"], items["name_zh"]))
    out = [f"{cfg.short_name} {year} 年数据征集状态 collection status ({cfg.id})",
           "单位 department: 请求 requested · 已回收 returned · 已有数值 has value · 仍缺 missing · 回收文件 files"]
    width = max([len(d) for d in status["department"]] + [4])
    for _, s in status.iterrows():
        files = len([f for f in s["files"].split("; ") if f])
        out.append(f"  {s['department']:{chr(12288)}<{width}} 请求 {s['requested']:>3} · 已回收 {s['returned']:>3} · "
                   f"已有数值 {s['has_value']:>3} · 仍缺 {s['missing']:>3} · 回收文件 {files}"
                   + (f"（最近 {s['last_return']}）" if s["last_return"] else ""))
    total = status[["requested", "returned", "has_value", "missing"]].sum()
    out.append(f"  合计 total: 请求 {total['requested']} · 已回收 {total['returned']} · 已有数值 {total['has_value']} · "
               f"仍缺 {total['missing']}")
    gaps = status[status["missing"] > 0]
    if len(gaps):
        out.append("仍缺 Still missing:")
        for _, s in gaps.iterrows():
            ids = s["missing_ids"].split(", ")
            out.append(f"  {s['department']}: " + "、".join(f"{i} {names[i]}" for i in ids))
    out.append("“已回收”按 receipts.csv 计（每次写入数据的导入逐行记录回收文件）；“仍缺”= 该年尚无任何来源的数值。")
    return "\n".join(out)
