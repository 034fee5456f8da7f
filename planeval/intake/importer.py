"""Import returned files into a plan folder: read → check → merge → commit, all files together.

``import_files(files, plan)`` takes files and folders (a folder: every .xlsx and .csv in it), and either
merges every row of every file into ``data/<plan>/`` or writes nothing at all:

1. under the plan folder's lock, complete or discard an interrupted import (:mod:`.commit`);
2. read each file (:mod:`.read`) and check each row (:mod:`.validate`); every problem of every file is
   collected and reported together as one :class:`~.report.IntakeError`;
3. merge in memory (:mod:`.merge`): conflicts between files are errors, rows of another department's
   targets are warnings, unchanged values are reported but not written;
4. when there is anything new or revised: one all-or-nothing commit of observations.csv, sources.csv,
   changelog.csv, receipts.csv and a byte-for-byte copy of each file under ``incoming/``
   (:mod:`.commit`, :mod:`.changelog`). An import of unchanged values only writes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

from ..config import PlanConfig
from ..data.schema import DataError, display_path
from .changelog import log_writes
from .commit import commit, fault, plan_lock, recover, refuse_if_pending
from .merge import merge
from .plausible import LEVEL_CHANGE_LIMIT, PP_CHANGE_LIMIT
from .read import read_sheet
from .report import FileReport, ImportReport, IntakeError
from .tables import PlanTables, plan_config
from .validate import check_sheet

RETURN_SUFFIXES = (".xlsx", ".xlsm", ".csv")


def expand(files) -> list[Path]:
    """Files as given; a folder stands for its .xlsx and .csv files (not Excel's ~$ lock files), by name."""
    out = []
    for f in files:
        f = Path(f)
        if f.is_dir():
            found = sorted(p for p in f.iterdir() if p.is_file() and p.suffix.lower() in RETURN_SUFFIXES
                           and not p.name.startswith(("~$", ".")))
            if not found:
                raise DataError(display_path(f), expected="a folder with returned .xlsx or .csv files")
            out += found
        else:
            out.append(f)
    seen, unique = set(), []
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique


MAX_NAME_BYTES = 200  # a kept copy's name: the stamp and a counter added stay under the 255 bytes of Linux


def readable_name(name: str) -> str:
    """A file name as text: one saved on Chinese Windows may arrive as GBK bytes (undecodable as UTF-8, so
    Python holds them as surrogates): decode those as GB18030, else show them escaped."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("ascii", errors="backslashreplace")


def stored_name(name: str) -> str:
    """The name a returned file is kept under: its own name in UTF-8, shortened (with a hash of the whole
    name, so two long names stay apart) when it would not fit beside the time stamp. Legal names of any
    length and encoding are kept; the original is recorded when this differs from it."""
    text = readable_name(name).replace("\\", "_")
    if len(text.encode("utf-8")) <= MAX_NAME_BYTES:
        return text
    suffix = Path(text).suffix if len(Path(text).suffix) <= 8 else ""
    tag = "~" + hashlib.sha1(os.fsencode(name)).hexdigest()[:8] + suffix
    stem = text[: len(text) - len(suffix)]
    while len((stem + tag).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + tag


def _incoming_names(folder: Path, paths: list[Path], now) -> dict:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    taken = {p.name for p in (folder / "incoming").iterdir()} if (folder / "incoming").exists() else set()
    out = {}
    for p in paths:
        kept = stored_name(p.name)
        name, k = f"{stamp}_{kept}", 1
        while name in taken:
            name = f"{stamp}-{k}_{kept}"
            k += 1
        taken.add(name)
        out[p] = folder / "incoming" / name
    return out


def import_files(files, plan: str | Path | PlanConfig | None = None, dry_run: bool = False, *,
                 level_change_limit: float = LEVEL_CHANGE_LIMIT, pp_change_limit: float = PP_CHANGE_LIMIT,
                 now: dt.datetime | None = None, revise: bool = False) -> ImportReport:
    """Validate every file, then merge them all into the plan folder or write nothing. Raises
    :class:`IntakeError` (a DataError) listing every problem of every file. ``revise``: values that differ
    from those an earlier import took from another returned file replace them (otherwise: a conflict)."""
    cfg = plan_config(plan)
    folder = cfg.folder
    paths = expand(files)
    if not paths:
        raise DataError("(no file)", expected="one or more returned .xlsx / .csv files or a folder of them")
    now = now or dt.datetime.now()
    with plan_lock(folder):
        recovered = None
        if dry_run:
            refuse_if_pending(folder)
        else:
            recovered = recover(folder)
        tables = PlanTables(cfg)
        sheets, problems = [], []
        for p in paths:
            try:
                sheets.append(read_sheet(p))
            except DataError as exc:
                problems.append(exc)
        checked = [check_sheet(s, tables, now.date()) for s in sheets]
        for c in checked:
            problems += c.problems
            if not c.problems and not c.rows:
                problems.append(DataError(c.sheet.file, sheet=c.sheet.sheet, column="数值", value="no row with a 数值",
                                          expected="at least one filled-in 数值 (rows with an empty 数值 are skipped)"))
        if problems:
            order = {display_path(p): i for i, p in enumerate(paths)}
            problems.sort(key=lambda e: (order.get(e.file, 0), e.row or 0))
            raise IntakeError(problems)

        incoming_paths = _incoming_names(folder, [s.path for s in sheets], now)
        incoming = {s.file: display_path(incoming_paths[s.path]) for s in sheets}
        report = ImportReport(dry_run=dry_run, recovered=recovered, files=[
            FileReport(file=c.sheet.file, sheet=c.sheet.sheet, encoding=c.sheet.encoding,
                       department=c.sheet.department, skipped_rows=c.skipped_rows) for c in checked])
        report.warnings += [w for c in checked for w in c.warnings]
        originals = {s.file: readable_name(s.path.name) for s in sheets
                     if stored_name(s.path.name) != s.path.name}
        merged = merge(checked, tables, report, incoming, now, level_limit=level_change_limit,
                       pp_limit=pp_change_limit, revise=revise, originals=originals)
        if dry_run or not report.changed:
            return report
        fault("checked")
        writes = []
        if merged.sources is not None:
            writes.append((tables.path("sources"), merged.sources))
        writes.append((tables.path("observations"), merged.observations))
        writes += log_writes(folder, report, now)
        writes += [(incoming_paths[s.path], s.data) for s in sheets]
        for path, data in merged.originals.items():  # a hand edit since the tables were read: refuse
            if path.read_bytes() != data:
                raise DataError(display_path(path), expected="the file unchanged during the import (it was "
                                "modified meanwhile): run the import again")
        commit(folder, writes, what=", ".join(readable_name(s.file) for s in sheets) + f" at {now:%Y-%m-%d %H:%M:%S}")
        for f in report.files:
            f.incoming_path = incoming[f.file]
        report.written = [display_path(t) for t, _ in writes if t.suffix == ".csv"
                          and t.parent == folder]
        return report


def import_file(path, plan=None, dry_run: bool = False, **kwargs) -> ImportReport:
    """One returned file (see :func:`import_files`)."""
    return import_files([path], plan, dry_run, **kwargs)
