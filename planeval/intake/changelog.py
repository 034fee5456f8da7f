"""The import's own records in the plan folder, written in the same all-or-nothing commit as the data:

- ``changelog.csv``: one row per value added or revised (the book's 本版更新说明 page lists it);
- ``receipts.csv``: one row per filled-in row of every returned file (new, revised or unchanged), with the
  department the file came from: what :mod:`.status` counts as returned.

``changes_since`` compares two versions of observations.csv (for a reviewer, ``python -m planeval.intake changes``).
"""
from __future__ import annotations

import pandas as pd
import yaml

from ..data.schema import DataError, display_path, table_columns
from .tables import CsvFile

# Written beside a log the plan folder does not have yet (every CSV of a plan folder has its .meta.yml).
META = {
    "changelog": {"title": "数据更新记录（make import 写入）",
                  "description": "One row per value added or revised by `make import`, appended in the same "
                                 "all-or-nothing write as the observations. The book's 本版更新说明 page lists it.",
                  "origin": "written by planeval.intake (make import)"},
    "receipts": {"title": "回收记录（make import 写入）",
                 "description": "One row per filled-in row of every file `make import` took in (new, revised or "
                                "unchanged value), with the department that returned the file (empty for the "
                                "plain template). `make status` counts these as returned.",
                 "origin": "written by planeval.intake (make import)"},
}


def meta_bytes(table: str, today) -> bytes:
    return yaml.safe_dump({**META[table], "access_date": today.isoformat()}, allow_unicode=True,
                          sort_keys=False).encode("utf-8")


def changelog_rows(report, stamp: str) -> list[dict]:
    rows = []
    for change, items in (("new", report.new), ("revised", report.revised)):
        for it in items:
            rows.append({"imported_at": stamp, "file": it["incoming"], "indicator_id": it["indicator_id"],
                         "year": str(it["year"]), "change": change, "old_value": it.get("old_value_str", ""),
                         "old_source_id": it.get("old_source_id", ""), "new_value": it["value_str"],
                         "new_source_id": it["source_id"]})
    return rows


def receipt_rows(report, stamp: str) -> list[dict]:
    rows = []
    for outcome, items in (("new", report.new), ("revised", report.revised), ("unchanged", report.unchanged)):
        for it in items:
            rows.append({"imported_at": stamp, "file": it["incoming"], "department": it.get("department") or "",
                         "indicator_id": it["indicator_id"], "year": str(it["year"]), "scope": it["scope"],
                         "outcome": outcome})
    return sorted(rows, key=lambda r: (r["file"], r["indicator_id"], r["year"], r["scope"]))


def log_writes(folder, report, now) -> list[tuple]:
    """(path, bytes) of changelog.csv and receipts.csv with this import's rows appended (plus the .meta.yml
    of a log the folder does not have yet)."""
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    writes = []
    for table, rows in (("changelog", changelog_rows(report, stamp)), ("receipts", receipt_rows(report, stamp))):
        path = folder / f"{table}.csv"
        if not path.with_suffix(".meta.yml").exists():
            writes.append((path.with_suffix(".meta.yml"), meta_bytes(table, now.date())))
        log = CsvFile.read(path, table)
        if log.header != table_columns(table):   # appending would put this import's cells under other names
            raise DataError(display_path(path), row=1, expected="the header " + ",".join(table_columns(table)),
                            value=",".join(log.header))
        writes.append((path, log.appended(rows)))
    return writes


# ------------------------------------------------------------------------------------------ changes_since

CHANGE_LABELS = {"added": "新增", "revised": "修订", "removed": "删除", "source_changed": "来源更新"}
CHANGE_COLUMNS = ["change", "change_zh", "indicator_id", "name_zh", "year", "value_kind", "scope",
                  "old_value", "new_value", "old_verdict", "new_verdict", "old_source_id", "new_source_id"]


def _clean(x):
    return None if x is None or (not isinstance(x, str) and pd.isna(x)) or x == "" else x


def _float(x):
    x = _clean(x)
    return None if x is None else float(x)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def changes_since(previous: pd.DataFrame, current: pd.DataFrame, names: dict | None = None) -> pd.DataFrame:
    """Values added, revised or removed between two versions of observations.csv.

    Rows are matched on (indicator_id, year, value_kind, scope). A value (or recorded verdict) that differs
    is ``revised``; the same value from another source is ``source_changed``. When one key has several rows,
    they are paired by source first, then in file order. ``names`` (id → name_zh) fills ``name_zh``. Both
    typed and all-text frames are accepted. One row per change, sorted by indicator, year and scope."""
    def prep(df) -> dict:
        groups = {}
        for rec in df.to_dict("records"):
            key = (str(rec["indicator_id"]), int(rec["year"]), _clean(rec.get("value_kind")) or "level",
                   _clean(rec.get("scope")))
            groups.setdefault(key, []).append({"_value": _float(rec.get("value")), "_verdict": _clean(rec.get("verdict")),
                                               "_source": _clean(rec.get("source_id"))})
        return groups

    pg, cg = prep(previous), prep(current)
    out = []

    def emit(change, key, old=None, new=None):
        out.append({"change": change, "change_zh": CHANGE_LABELS[change], "indicator_id": key[0],
                    "name_zh": (names or {}).get(key[0], ""), "year": key[1], "value_kind": key[2], "scope": key[3],
                    "old_value": None if old is None else old["_value"], "new_value": None if new is None else new["_value"],
                    "old_verdict": None if old is None else old["_verdict"],
                    "new_verdict": None if new is None else new["_verdict"],
                    "old_source_id": None if old is None else old["_source"],
                    "new_source_id": None if new is None else new["_source"]})

    for key in list(pg) + [k for k in cg if k not in pg]:
        olds, news = list(pg.get(key, [])), list(cg.get(key, []))
        pairs = []
        for o in list(olds):  # exact matches (same value, verdict and source) are not changes
            n = next((n for n in news if _same(o["_value"], n["_value"]) and o["_verdict"] == n["_verdict"]
                      and o["_source"] == n["_source"]), None)
            if n is not None:
                olds.remove(o)
                news.remove(n)
        for o in list(olds):  # then pair by source
            n = next((n for n in news if n["_source"] == o["_source"]), None)
            if n is not None:
                pairs.append((o, n))
                olds.remove(o)
                news.remove(n)
        m = min(len(olds), len(news))
        pairs += list(zip(olds[:m], news[:m]))  # then in file order
        for o, n in pairs:
            same = _same(o["_value"], n["_value"]) and o["_verdict"] == n["_verdict"]
            emit("source_changed" if same else "revised", key, o, n)
        for o in olds[m:]:
            emit("removed", key, old=o)
        for n in news[m:]:
            emit("added", key, new=n)
    df = pd.DataFrame(out, columns=CHANGE_COLUMNS)
    order = {"revised": 0, "added": 1, "removed": 2, "source_changed": 3}
    if len(df):
        df = df.assign(_o=df["change"].map(order)).sort_values(
            ["indicator_id", "year", "scope", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    df["old_value"] = df["old_value"].astype("Float64")
    df["new_value"] = df["new_value"].astype("Float64")
    df["year"] = df["year"].astype("Int64")
    return df

