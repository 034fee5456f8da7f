"""Yearly data intake: the fill-in template, the validated import, and the changelog of data changes.

    python -m yinzhou_eval.intake template --year 2025 [--out DIR] [--data-dir DIR]
    python -m yinzhou_eval.intake import FILE [--dry-run] [--data-dir DIR]
    python -m yinzhou_eval.intake changes OLD_observations.csv [NEW_observations.csv]

``write_template`` lives in :mod:`yinzhou_eval.intake_template`, ``import_file`` in
:mod:`yinzhou_eval.intake_import`; both are re-exported here. ``changes_since`` compares two versions
of the observations table for the book's 本版更新说明 page.
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from .datacheck import DataError
from .intake_import import (LEVEL_CHANGE_LIMIT, PP_CHANGE_LIMIT, ImportReport, IntakeError,  # noqa: F401
                            fmt_number, import_file)
from .intake_template import write_template  # noqa: F401

CHANGE_LABELS = {"added": "新增", "revised": "修订", "removed": "删除", "source_changed": "来源更新"}
CHANGE_COLUMNS = ["change", "change_zh", "indicator_id", "name_zh", "year", "value_kind", "scope",
                  "old_value", "new_value", "old_verdict", "new_verdict", "old_source_id", "new_source_id"]


def _clean(x):
    return None if x is None or (not isinstance(x, str) and pd.isna(x)) or x == "" else x


def _float(x):
    x = _clean(x)
    return None if x is None else float(x)


def changes_since(previous: pd.DataFrame, current: pd.DataFrame, names: dict | None = None) -> pd.DataFrame:
    """Values added, revised or removed between two versions of data/observations.csv.

    Rows are matched on (indicator_id, year, value_kind, scope). A value (or recorded verdict) that
    differs is ``revised``; the same value from another source is ``source_changed``. When one key has
    several rows, they are paired by source first, then in file order. ``names`` (id → name_zh) fills
    the ``name_zh`` column. Both typed (``load_table``) and all-text frames are accepted. Returns one row
    per change, sorted by indicator, year and scope, with columns ``CHANGE_COLUMNS``."""
    def prep(df) -> dict:
        """(indicator_id, year, value_kind, scope) → list of rows as plain Python values, in file order."""
        groups = {}
        for rec in df.to_dict("records"):
            key = (str(rec["indicator_id"]), int(rec["year"]), _clean(rec.get("value_kind")) or "level",
                   _clean(rec.get("scope")))
            groups.setdefault(key, []).append({"_value": _float(rec.get("value")),
                                               "_verdict": _clean(rec.get("verdict")),
                                               "_source": _clean(rec.get("source_id"))})
        return groups

    pg, cg = prep(previous), prep(current)
    out = []

    def same_value(a, b):
        if a is None or b is None:
            return a is None and b is None
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))

    def emit(change, key, old=None, new=None):
        out.append({"change": change, "change_zh": CHANGE_LABELS[change], "indicator_id": key[0],
                    "name_zh": (names or {}).get(key[0], ""), "year": key[1], "value_kind": key[2],
                    "scope": key[3],
                    "old_value": None if old is None else old["_value"],
                    "new_value": None if new is None else new["_value"],
                    "old_verdict": None if old is None else old["_verdict"],
                    "new_verdict": None if new is None else new["_verdict"],
                    "old_source_id": None if old is None else old["_source"],
                    "new_source_id": None if new is None else new["_source"]})

    for key in list(pg) + [k for k in cg if k not in pg]:
        olds, news = list(pg.get(key, [])), list(cg.get(key, []))
        pairs = []
        # exact matches (same value, verdict and source) are not changes
        for o in list(olds):
            n = next((n for n in news if same_value(o["_value"], n["_value"]) and o["_verdict"] == n["_verdict"]
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
            if same_value(o["_value"], n["_value"]) and o["_verdict"] == n["_verdict"]:
                emit("source_changed", key, o, n)
            else:
                emit("revised", key, o, n)
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m yinzhou_eval.intake",
                                     description="鄞州区“十四五”指标年度数据填报：生成填报表、校验并导入 / yearly data intake")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("template", help="write the fill-in file for a year (.xlsx and .csv)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", default=None, help="output directory (default _build/intake/)")
    p.add_argument("--data-dir", default=None, help="data directory (default data/)")
    p = sub.add_parser("import", help="validate a filled-in file and merge it into data/")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--level-change", type=float, default=LEVEL_CHANGE_LIMIT,
                   help=f"warn when a level moves more than this share vs the last known value (default {LEVEL_CHANGE_LIMIT})")
    p.add_argument("--pp-change", type=float, default=PP_CHANGE_LIMIT,
                   help=f"warn when a %% indicator moves more than this many points (default {PP_CHANGE_LIMIT})")
    p = sub.add_parser("changes", help="list values added/revised/removed between two observations.csv files")
    p.add_argument("old")
    p.add_argument("new", nargs="?", default=None, help="default data/observations.csv")
    args = parser.parse_args(argv)
    try:
        if args.command == "template":
            xlsx, csv_path = write_template(args.year, args.out, args.data_dir)
            print(f"填报表已生成 template written:\n  {xlsx}\n  {csv_path}\n"
                  f"填好后运行 then run: make import FILE={xlsx}")
        elif args.command == "import":
            report = import_file(args.file, args.data_dir, dry_run=args.dry_run,
                                 level_change_limit=args.level_change, pp_change_limit=args.pp_change)
            print(report.to_text())
        else:
            from . import paths
            from .intake_import import load_typed

            new = load_typed(args.new or paths.DATA / "observations.csv")
            old = load_typed(args.old) if _has_meta(args.old) else \
                pd.read_csv(args.old, dtype=str, keep_default_na=False)
            with pd.option_context("display.max_rows", None, "display.width", 200):
                print(changes_since(old, new).to_string(index=False))
    except DataError as exc:
        what = "导入失败，未写入任何文件 Import refused, nothing was written" if args.command == "import" else "出错 Error"
        print(f"{what}:\n{exc}", file=sys.stderr)
        return 1
    return 0


def _has_meta(path) -> bool:
    from pathlib import Path

    return Path(path).with_suffix(".meta.yml").exists()


if __name__ == "__main__":
    sys.exit(main())
