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
# Package files that never run in a page's kernel nor shape an executed notebook: changing them re-executes
# nothing (the build's own plumbing and kernel transport, this module, the benchmark, the PDF printer, the
# import of returned files). tests/test_build_units.py checks that no page loads any of them (this module
# excepted: the assessment cache keys on it, its output does not).
NOT_PAGE_INPUTS = ("book/build.py", "book/fingerprint.py", "book/kernel.py", "book/bench.py", "book/pdf.py",
                   "book/sphinx_offline.py", "book/sphinx_warm.py", "book/review.py", "book/pdflink.py", "book/targets.py",
                   "intake/__main__.py", "intake/cli.py", "intake/importer.py", "intake/read.py", "intake/validate.py",
                   "intake/merge.py", "intake/report.py", "intake/changelog.py", "intake/xlsx.py", "data/schemadoc.py")


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


def _plan_source_id(folder: Path) -> str | None:
    """plan.yml's `source_id` (the plan's own document, listed on every page that lists sources), read
    without a YAML parser: plan.yml itself is hashed whole, this only selects a row of sources.csv."""
    for line in (folder / "plan.yml").read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("source_id:"):
            return line.split(":", 1)[1].split("#", 1)[0].strip().strip("\"'")
    return None


def chapter_inputs(folder: Path, chapter: str) -> bytes:
    """The current plan's registry rows of ``chapter`` (not the previous plan's), the series of the chapter,
    the rows they refer to (related series or targets of other chapters), and the observations, sources,
    projects (with the listing in another chapter whose progress a repeated project shows), commentary and
    department assignments they use (a gap table's header says whether the assignment is a proposal: all rows)."""
    registry_all = _records(folder / "indicators.csv")
    series_all = _records(folder / "series.csv")
    registry = [r for r in registry_all if r.get("chapter") == chapter and r.get("table") != "previous"]
    series = [r for r in series_all if r.get("chapter") == chapter]
    ids = {r.get("id") for r in registry} | {r.get("id") for r in series}
    related = {r.get("related_id") for r in registry if r.get("related_id")}
    referred = [r for r in registry_all + series_all if r.get("id") in related - ids]
    ids |= related
    observations = [r for r in _records(folder / "observations.csv") if r.get("indicator_id") in ids]
    projects_all = _records(folder / "projects.csv")
    projects = [r for r in projects_all if r.get("chapter") == chapter]
    firsts = {r.get("same_as") for r in projects if r.get("same_as")}
    projects += [r for r in projects_all if r.get("project_id") in firsts and r.get("chapter") != chapter]
    pids = {r.get("project_id") for r in projects}
    progress = [r for r in _records(folder / "project_progress.csv") if r.get("project_id") in pids]
    commentary = [r for r in _records(folder / "commentary.csv")
                  if r.get("subject_id") in ids | {chapter} or r.get("subject") == "overall"]
    used = {r.get("source_id") for r in observations + progress} | {_plan_source_id(folder)}
    sources = [r for r in _records(folder / "sources.csv") if r.get("source_id") in used]
    responsibility = _records(folder / "responsibility.csv")
    breaks = [r for r in _records(folder / "breaks.csv") if r.get("indicator_id") in ids]
    sources += [r for r in _records(folder / "sources.csv") if r.get("source_id") in
                {b.get("source_id") for b in breaks} - used]
    return _canonical([registry, series, referred, observations, projects, progress, commentary, sources,
                       responsibility, breaks])


def previous_inputs(folder: Path) -> bytes:
    registry = [r for r in _records(folder / "indicators.csv") if r.get("table") == "previous"]
    ids = {r.get("id") for r in registry}
    observations = [r for r in _records(folder / "observations.csv") if r.get("indicator_id") in ids]
    breaks = [r for r in _records(folder / "breaks.csv") if r.get("indicator_id") in ids]
    used = {r.get("source_id") for r in observations + breaks} | {_plan_source_id(folder)}
    sources = [r for r in _records(folder / "sources.csv") if r.get("source_id") in used]
    return _canonical([registry, observations, sources, breaks])


def folder_bytes(folder: Path, figures: bool = True) -> bytes:
    """Every table and metadata file of the plan folder. ``figures=False`` (pages.yml `presence`): each figure of
    observations.csv (FIGURE_COLUMNS) replaced by whether there is one, what a page listing and counting the data
    (which rows, years, scopes, sources, notes) depends on when it shows no figure and no verdict.
    tests/test_page_reads.py holds every page declaring `presence` to that."""
    parts = []
    for f in sorted([*folder.glob("*.csv"), *folder.glob("*.yml")]):
        data = f.read_bytes()
        if not figures and f.name == "observations.csv":
            rows = _rows(f)
            at = [i for i, c in enumerate(rows[0]) if c in FIGURE_COLUMNS] if rows else []
            data = _canonical([rows[0]] + [[("1" if v.strip() else "") if i in at else v for i, v in enumerate(r)]
                                           if len(r) == len(rows[0]) else r for r in rows[1:]] if rows else [])
        parts.append(f.name.encode() + b"\0" + data)
    return b"".join(parts)


# The columns of observations.csv that carry a figure: the number, the figure as printed and the sentence quoting it.
FIGURE_COLUMNS = ("value", "value_text", "quote")


def data_inputs(reads, folder: Path, chapter: str | None = None) -> bytes:
    """The bytes of the plan folder that pages reading ``reads`` (planeval/book/pages.yml) depend on."""
    parts = [(folder / "plan.yml").read_bytes()]
    for item in reads:
        if item == "all":
            parts.append(folder_bytes(folder))
        elif item == "presence":
            parts.append(folder_bytes(folder, figures=False))
        elif item == "chapter":
            if not chapter:
                raise ValueError("planeval/book/pages.yml: `reads: [chapter]` on a page that is not a chapter")
            parts.append(chapter_inputs(folder, chapter))
        elif item == "previous":
            parts.append(previous_inputs(folder))
        elif item == "validation":  # the book's own plan, when it holds a published evaluator's verdicts
            parts += [folder_bytes(folder)] if (folder / "reference_verdicts.csv").exists() else []
        elif item != "rules":  # rules and labels are package files, hashed below
            raise ValueError(f"planeval/book/pages.yml: unknown `reads` entry {item!r}")
    return b"\0".join(parts)


def package_files() -> list[Path]:
    """The package files a page's output may depend on (code and YAML), in a stable order."""
    out = []
    for p in sorted(PACKAGE.rglob("*")):
        if p.suffix not in (".py", ".yml") or "__pycache__" in p.parts:
            continue
        rel = p.relative_to(PACKAGE).as_posix()
        if not any(rel == x or (x.endswith("/") and rel.startswith(x)) for x in NOT_PAGE_INPUTS):
            out.append(p)
    return out


def package_inputs() -> bytes:
    return b"".join(str(f.relative_to(PACKAGE)).encode() + f.read_bytes() for f in package_files()) + \
        (paths.ROOT / "pyproject.toml").read_bytes()


def page_fingerprint(page, template: Path, params: dict, build_format: int, folder: Path) -> str:
    h = hashlib.sha256()
    for part in (str(build_format).encode(), template.read_bytes(), _canonical(params), _canonical(page.words),
                 data_inputs(page.reads, folder, page.chapter), package_inputs()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()
