"""Command line of the data intake; every command works on one plan folder (``--plan``, default: the plan
the committed book evaluates, book/report.yml).

    python -m planeval.intake template --year YEAR [--plan P] [--out DIR]
    python -m planeval.intake requests --year YEAR [--plan P] [--out DIR] [--deadline YYYY-MM-DD]
    python -m planeval.intake import FILE_OR_FOLDER ... [--plan P] [--dry-run]
    python -m planeval.intake status --year YEAR [--plan P]
    python -m planeval.intake recover [--plan P]
    python -m planeval.intake changes OLD_observations.csv [NEW_observations.csv] [--plan P]
"""
from __future__ import annotations

import argparse
import datetime as dt
import errno
import sys
from pathlib import Path

from ..data.schema import DataError


def _parser() -> argparse.ArgumentParser:
    from .plausible import LEVEL_CHANGE_LIMIT, PP_CHANGE_LIMIT

    parser = argparse.ArgumentParser(prog="python -m planeval.intake",
                                     description="规划指标年度数据：填报表、部门征集、校验导入、征集状态 / yearly data intake")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, help_text):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--plan", default=None, help="plan folder under data/ (default: the book's plan)")
        return p

    p = command("template", "write the fill-in file for a year with every target (.xlsx and .csv)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", default=None, help="output directory (default _build/intake/<plan>/)")
    p = command("requests", "write one fill-in workbook per department with only its targets")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", default=None, help="output directory (default _build/requests/<plan>/<year>/)")
    p.add_argument("--deadline", type=dt.date.fromisoformat, default=None,
                   help="return date printed on the cover sheets, YYYY-MM-DD (default: 30 days from today)")
    p = command("import", "validate returned files (or folders of them) and merge them all into data/<plan>/")
    p.add_argument("files", nargs="+")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--level-change", type=float, default=LEVEL_CHANGE_LIMIT,
                   help=f"warn when a level moves more than this share vs the last known value (default {LEVEL_CHANGE_LIMIT})")
    p.add_argument("--pp-change", type=float, default=PP_CHANGE_LIMIT,
                   help=f"warn when a %% indicator moves more than this many points (default {PP_CHANGE_LIMIT})")
    p.add_argument("--revise", action="store_true",
                   help="these files correct values an earlier import took from other returned files")
    p = command("status", "per department: requested, returned, still missing for a year")
    p.add_argument("--year", type=int, required=True)
    command("recover", "complete (or discard) an import that was interrupted")
    p = command("changes", "list values added/revised/removed between two observations.csv files")
    p.add_argument("old")
    p.add_argument("new", nargs="?", default=None, help="default: the plan's observations.csv")
    return parser


EXIT_REFUSED = 2  # bad input, or the machine refused a write: one message, nothing half-written


def main(argv=None) -> int:
    # A file name in another encoding (GBK bytes) reaches us as surrogates: print it escaped, never crash on it.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    what = ("导入失败，未写入任何文件 Import refused, nothing was written" if args.command == "import"
            else "出错 Error")
    try:
        print(_run(args))
    except DataError as exc:
        print(f"{what}:\n{exc}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:  # a full disk, a read-only folder: the commit rolled back, say so in one message
        print(f"{what}:\n{os_error_message(exc)}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def os_error_message(exc: OSError) -> str:
    """One line for a failed write or read: what happened, where, what to do."""
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    if exc.errno == errno.ENOSPC:
        return (f"磁盘已满 the disk is full{where}: free some space and run the command again; the plan folder "
                "was left as it was (an import's partial writes are rolled back)")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入权限 no permission to write{where}: {exc.strerror}; check the folder's permissions"
    return (f"读写失败 could not read or write{where}: {exc.strerror or exc}; the plan folder was left as it was "
            "(run the command again once the cause is fixed)")


def _run(args) -> str:
    if args.command in ("template", "requests", "status"):
        from .commit import plan_lock
        from .tables import plan_config

        # read the plan folder as one import left it: a running import is waited for, not called interrupted
        with plan_lock(plan_config(args.plan).folder, shared=True):
            return _read_only(args)
    return _read_only(args)


def _read_only(args) -> str:
    if args.command == "template":
        from .template import write_template

        xlsx, csv_path = write_template(args.year, args.out, args.plan)
        return (f"填报表已生成 template written:\n  {xlsx}\n  {csv_path}\n"
                f"填好后运行 then run: make import FILE={xlsx}" + (f" PLAN={args.plan}" if args.plan else ""))
    if args.command == "requests":
        from .requests import write_requests

        written = write_requests(args.year, args.plan, args.out, deadline=args.deadline)
        books = [p for p in written if p.suffix == ".xlsx"]
        return (f"已为 {len(books)} 个单位生成征集表 request workbooks for {len(books)} departments:\n"
                + "\n".join(f"  {p}" for p in written)
                + f"\n收回后运行 when returned: make import FILE={books[0].parent if books else '…'}"
                + (f" PLAN={args.plan}" if args.plan else ""))
    if args.command == "import":
        from .importer import import_files

        report = import_files(args.files, args.plan, dry_run=args.dry_run,
                              level_change_limit=args.level_change, pp_change_limit=args.pp_change,
                              revise=args.revise)
        return report.to_text()
    if args.command == "status":
        from .status import status_text

        return status_text(args.year, args.plan)
    if args.command == "recover":
        from .commit import consistent
        from .tables import plan_config

        with consistent(plan_config(args.plan).folder) as done:
            return done or "没有中断的导入 no interrupted import"
    return _changes(args)


def _changes(args) -> str:
    import pandas as pd

    from ..data.schema import load_table
    from .changelog import changes_since
    from .tables import plan_config

    cfg = plan_config(args.plan)
    lists = cfg.plan_lists()
    new = load_table(args.new or cfg.folder / "observations.csv", "observations", lists)
    old_path = Path(args.old)
    old = (load_table(old_path, "observations", lists) if old_path.with_suffix(".meta.yml").exists()
           else pd.read_csv(old_path, dtype=str, keep_default_na=False))
    with pd.option_context("display.max_rows", None, "display.width", 200):
        return changes_since(old, new).to_string(index=False)


if __name__ == "__main__":
    sys.exit(main())
