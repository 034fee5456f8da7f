"""What a page's output depends on, as one hash, so the build re-executes only pages whose inputs changed.

Deliberately uses the csv module and raw bytes (no pandas import): a no-op rebuild must be fast. A row that
does not fit its header is hashed as raw text (the loader, not this module, reports it to the analyst).
"""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from .. import paths

PACKAGE = paths.PACKAGE


def _rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="", errors="replace") as f:
        return list(csv.reader(f))


def _records(path: Path) -> list[dict]:
    rows = _rows(path)
    if not rows:
        return []
    header = rows[0]
    return [dict(zip(header, r)) if len(r) == len(header) else {"__raw__": "\x1f".join(r)} for r in rows[1:]]


def _canonical(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()


def chapter_inputs(folder: Path, chapter: str) -> bytes:
    """Registry rows of ``chapter`` (and the series, observations, sources, projects, commentary they use)."""
    registry = [r for r in _records(folder / "indicators.csv") if r.get("chapter") == chapter]
    series = [r for r in _records(folder / "series.csv") if r.get("chapter") == chapter]
    ids = {r.get("id") for r in registry} | {r.get("id") for r in series}
    ids |= {r.get("related_id") for r in registry if r.get("related_id")}
    observations = [r for r in _records(folder / "observations.csv") if r.get("indicator_id") in ids]
    projects = [r for r in _records(folder / "projects.csv") if r.get("chapter") == chapter]
    pids = {r.get("project_id") for r in projects}
    progress = [r for r in _records(folder / "project_progress.csv") if r.get("project_id") in pids]
    commentary = [r for r in _records(folder / "commentary.csv")
                  if r.get("subject_id") in ids | {chapter} or r.get("subject") == "overall"]
    used = {r.get("source_id") for r in observations + progress}
    sources = [r for r in _records(folder / "sources.csv") if r.get("source_id") in used]
    return _canonical([registry, series, observations, projects, progress, commentary, sources])


def previous_inputs(folder: Path) -> bytes:
    registry = [r for r in _records(folder / "indicators.csv") if r.get("table") == "previous"]
    ids = {r.get("id") for r in registry}
    observations = [r for r in _records(folder / "observations.csv") if r.get("indicator_id") in ids]
    used = {r.get("source_id") for r in observations}
    sources = [r for r in _records(folder / "sources.csv") if r.get("source_id") in used]
    return _canonical([registry, observations, sources])


def folder_bytes(folder: Path) -> bytes:
    files = sorted([*folder.glob("*.csv"), *folder.glob("*.yml")])
    return b"".join(f.name.encode() + b"\0" + f.read_bytes() for f in files)


def validation_folders() -> list[Path]:
    """Every plan folder: the validation page compares with any of them, the methodology page shows the effect of
    a rule change on each."""
    return sorted(p.parent for p in paths.DATA.glob("*/plan.yml"))


def data_inputs(reads, folder: Path, chapter: str | None) -> bytes:
    parts = [(folder / "plan.yml").read_bytes()]
    for item in reads:
        if item == "all":
            parts.append(folder_bytes(folder))
        elif item == "chapter":
            parts.append(chapter_inputs(folder, chapter))
        elif item == "previous":
            parts.append(previous_inputs(folder))
        elif item == "changelog":
            log = folder / "changelog.csv"
            parts.append(log.read_bytes() if log.exists() else b"")
        elif item == "validation":
            parts += [folder_bytes(f) for f in validation_folders()]
        elif item != "rules":  # rules and labels are package files, hashed below
            raise ValueError(f"planeval/book/pages.yml: unknown `reads` entry {item!r}")
    return b"\0".join(parts)


def package_inputs() -> bytes:
    files = sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".yml") and "__pycache__" not in p.parts)
    return b"".join(str(f.relative_to(PACKAGE)).encode() + f.read_bytes() for f in files) + \
        (paths.ROOT / "pyproject.toml").read_bytes()


def page_fingerprint(page, template: Path, params: dict, build_format: int, folder: Path) -> str:
    h = hashlib.sha256()
    for part in (str(build_format).encode(), template.read_bytes(), _canonical(params), _canonical(page.words),
                 data_inputs(page.reads, folder, page.chapter), package_inputs()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()
