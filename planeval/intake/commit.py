"""Writing an import into the plan folder: one import at a time, all or nothing, even across a crash.

**One at a time.** ``plan_lock`` takes an exclusive ``fcntl.flock`` on the plan folder itself (no lock file
is left behind) around everything an import does: recover, read the tables, check, merge, replace. A
second import waits (and says so on stderr) until the first has finished, then reads what the first wrote.

**All or nothing.** ``commit`` first writes a journal in ``<plan>/.intake-journal/``: every new file
(tables, logs, the received copies for incoming/), a backup of every file it replaces, then a manifest,
flushed to disk and renamed into place: that rename is the commit point. Only then are the targets
replaced, one ``os.replace`` each, and the journal removed. If a replace raises, the targets already
replaced are put back from the backups and the error is raised. If the process dies (killed, power cut):
before the manifest, nothing was replaced and the next run discards the journal (rolled back); after it,
the next run (``recover``, the first thing every import does) replaces what is left (rolled forward), so
observations, sources, changelog, receipts and the received copy always end up from the same import.
Nothing named .tmp or .bak is ever written in the plan folder.

**Injected faults** for tests (never set in normal use): ``PLANEVAL_INTAKE_FAULT`` = comma-separated
``<action>@<stage>``; action ``crash`` (``os._exit``), ``fail`` (raise OSError) or ``pause`` (print
``PAUSED <stage>`` on stderr and wait for a line on stdin); stages ``checked`` (data read and merged,
nothing written), ``staged`` (journal files written, no manifest), ``journal`` (manifest written),
``replaced:N`` (after the N-th replace), ``committed`` (all replaced, journal not yet removed), ``finishing``
(the journal retired, not yet deleted); action ``full`` raises the OSError of a full disk.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from ..data.schema import DataError, display_path

JOURNAL = ".intake-journal"
FINISHED = ".intake-journal-finished"  # a completed import's journal while it is being deleted
FAULT_ENV = "PLANEVAL_INTAKE_FAULT"


def fault(stage: str) -> None:
    """Act on an injected fault for ``stage`` (see the module doc); nothing when none is set."""
    for spec in filter(None, os.environ.get(FAULT_ENV, "").split(",")):
        action, _, at = spec.strip().partition("@")
        if at != stage:
            continue
        if action == "crash":
            os._exit(75)
        if action == "fail":
            raise OSError(f"injected failure at {stage}")
        if action == "full":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"injected at {stage}")
        if action == "pause":
            print(f"PAUSED {stage}", file=sys.stderr, flush=True)
            sys.stdin.readline()


@contextmanager
def plan_lock(folder: Path, shared: bool = False):
    """A lock on the plan folder: exclusive for an import, shared for a build that reads it (builds read side
    by side; an import waits for them, and they for it)."""
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if shared:
                print(f"  … an import into {display_path(folder)} is running; waiting for it to finish", flush=True)
            else:
                print(f"另一个导入或报告生成正在使用数据，等待其完成 waiting for another import into "
                      f"{display_path(folder)} (or a build reading it) to finish …", file=sys.stderr, flush=True)
            fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # releases the lock


def pending(folder: Path) -> bool:
    return (Path(folder) / JOURNAL).exists()


def refuse_if_pending(folder: Path) -> None:
    """For commands that only read: an interrupted import must be completed first."""
    if pending(folder):
        raise DataError(display_path(Path(folder) / JOURNAL), value="an interrupted import",
                        expected="no unfinished import: run `make import` again (or `python -m planeval.intake "
                                 "recover --plan …`), which completes it before anything else")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(folder: Path, writes: list[tuple[Path, bytes]], what: str) -> None:
    """Replace every target (inside ``folder``) with its new bytes, all or nothing; call under ``plan_lock``."""
    folder = Path(folder)
    journal = folder / JOURNAL
    if journal.exists():  # pragma: no cover - recover() runs first under the same lock
        raise DataError(display_path(journal), expected="no unfinished import (run recover first)")
    entries, created = [], []
    for i, (target, data) in enumerate(writes):
        rel = Path(target).resolve().relative_to(folder.resolve())
        entries.append({"path": str(rel), "new": f"new/{i}", "old": f"old/{i}" if (folder / rel).exists() else None,
                        "sha256": _sha(data)})
        parent = (folder / rel).parent
        while parent != folder and not parent.exists() and str(parent.relative_to(folder)) not in created:
            created.append(str(parent.relative_to(folder)))
            parent = parent.parent
    try:
        (journal / "new").mkdir(parents=True)
        (journal / "old").mkdir()
        for e, (_, data) in zip(entries, writes):
            _write_synced(journal / e["new"], data)
            if e["old"]:
                _write_synced(journal / e["old"], (folder / e["path"]).read_bytes())
        fault("staged")
        _write_synced(journal / "manifest.json.part", json.dumps(
            {"what": what, "entries": entries, "created_dirs": sorted(created, key=len)}, ensure_ascii=False,
            indent=1).encode("utf-8"))
        os.replace(journal / "manifest.json.part", journal / "manifest.json")
        _sync_dir(journal)
    except BaseException:
        shutil.rmtree(journal, ignore_errors=True)
        raise
    fault("journal")
    done = []
    try:
        for n, e in enumerate(entries, start=1):
            target = folder / e["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(journal / e["new"], target)
            done.append(e)
            fault(f"replaced:{n}")
    except BaseException:
        _roll_back(folder, journal, done, created)
        raise
    fault("committed")
    _finish(folder, journal, entries)


def _roll_back(folder: Path, journal: Path, done: list, created: list) -> None:
    for e in reversed(done):
        target = folder / e["path"]
        try:
            if e["old"]:
                os.replace(journal / e["old"], target)
            else:
                target.unlink()
        except OSError as exc:  # pragma: no cover - would need a second failing disk
            print(f"could not restore {target}: {exc}; the previous content is in {journal / (e['old'] or '')}",
                  file=sys.stderr)
            return
    for d in sorted(created, key=len, reverse=True):
        try:
            (folder / d).rmdir()
        except OSError:
            pass
    shutil.rmtree(journal, ignore_errors=True)


def _finish(folder: Path, journal: Path, entries: list) -> None:
    """Every file is in place: retire the journal in one rename, then delete it. Deleting it in place would
    let a kill remove the manifest first and leave a journal that recovery takes for an import that never
    started writing (and reports 'nothing was written' when everything was)."""
    for parent in {(folder / e["path"]).parent for e in entries}:
        _sync_dir(parent)
    finished = folder / FINISHED
    shutil.rmtree(finished, ignore_errors=True)
    os.replace(journal, finished)
    _sync_dir(folder)
    fault("finishing")
    shutil.rmtree(finished)


def recover(folder: Path) -> str | None:
    """Complete or discard an import that was interrupted (call under ``plan_lock``). Returns what was done."""
    folder = Path(folder)
    journal = folder / JOURNAL
    shutil.rmtree(folder / FINISHED, ignore_errors=True)  # a completed import killed while deleting its journal
    if not journal.exists():
        return None
    manifest = journal / "manifest.json"
    if not manifest.exists():
        shutil.rmtree(journal)
        return ("已丢弃一次中断的导入（尚未写入任何数据）discarded an interrupted import that had not started "
                "writing: nothing of it was written")
    info = json.loads(manifest.read_text(encoding="utf-8"))
    for e in info["entries"]:
        staged, target = journal / e["new"], folder / e["path"]
        if staged.exists():
            if _sha(staged.read_bytes()) != e["sha256"]:  # pragma: no cover - the disk lost a synced file
                raise DataError(display_path(staged), expected="the journal's file as written (checksum differs); "
                                "restore the plan folder from git")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
    _finish(folder, journal, info["entries"])
    return f"已完成一次中断的导入 completed an interrupted import first: {info['what']}"


@contextmanager
def consistent(folder: Path):
    """The plan folder locked and any interrupted import completed: yields what recovery did (or None)."""
    with plan_lock(Path(folder)):
        yield recover(Path(folder))
