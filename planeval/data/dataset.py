"""One entry point for a plan folder: the registry, observations, sources, context series, the optional
project and commentary tables, and the assessment results computed from them."""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import paths
from ..files import write_atomic
from ..config import PlanConfig, load_plan
from .plancheck import check_against_plan
from .observations import load_observations, load_series, load_sources
from .registry import load_registry
from .schema import DataError, display_path, load_table

# Targets judged in one part of a shared assessment (Dataset.assess): a real plan's registry (one or two hundred
# rows) is one or two parts; a registry ten times as large is shared among the processes waiting for it.
SHARED_PART = 100


@contextlib.contextmanager
def _locked(path: Path, wait: bool = True):
    """A POSIX lock on ``path``, owned by this process alone (a process forked meanwhile does not hold it too) and
    released when the file is closed or the process ends, however it ends. Yields whether it is held: without
    ``wait``, False when another process holds it. Without POSIX locks (Windows) it is always held: parallel pages
    may each compute the same result, as they would without a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl
        except ImportError:
            yield True
            return
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if wait:
                raise
            yield False
            return
        yield True
    finally:
        os.close(fd)


# Tables a plan folder may have; a missing optional table is an empty one.
OPTIONAL_TABLES = ("projects", "project_progress", "commentary", "reference_verdicts", "responsibility", "breaks",
                   "claims")


@dataclass
class Dataset:
    plan: PlanConfig
    registry: pd.DataFrame
    observations: pd.DataFrame
    sources: pd.DataFrame
    series: pd.DataFrame
    extra: dict

    @property
    def folder(self) -> Path:
        return self.plan.folder

    def table(self, name: str) -> pd.DataFrame:
        return self.extra[name]

    def assess(self, eval_year: int) -> pd.DataFrame:
        """Every registry row judged as of ``eval_year`` (the previous plan's rows at its own target year).

        Every page of a build needs the same results, so they are cached under _build/assess-cache/,
        keyed by the plan folder, the package code and the year: a stale result cannot be read. Pages started
        together compute them once: the first to ask holds a lock while it computes (the build's own process,
        while the kernels start), the others wait for it and read the cache. A registry of more than
        SHARED_PART targets is judged in parts, each under a lock of its own: a page that would wait judges a part
        nobody has taken yet (on two cores, a plan of a thousand targets is judged in about half the time)."""
        key = self._cache_key(eval_year)
        path = paths.BUILD / "assess-cache" / f"{key}.pkl"
        if path.exists():
            return pd.read_pickle(path)
        n = len(self.registry)
        count = max(1, -(-n // SHARED_PART))
        size = -(-n // count)
        spans = [(i * size, min(n, (i + 1) * size)) for i in range(count)]
        part = [path.parent / "parts" / f"{key}-{i}.pkl" for i in range(count)]
        done = {}
        for i, span in enumerate(spans):       # first, every part nobody is judging: at once, without waiting
            with _locked(part[i].with_suffix(".lock"), wait=False) as held:
                if held and not part[i].exists():
                    done[i] = self._judge(eval_year, i, span, count)
                    write_atomic(part[i], pickle.dumps(done[i]))  # parallel pages never read a half-written file
        for i, span in enumerate(spans):       # then the parts others are judging, as they finish
            if i in done:
                continue
            with _locked(part[i].with_suffix(".lock")):
                if part[i].exists():
                    done[i] = pickle.loads(part[i].read_bytes())
                else:                          # its judge stopped before the end: judged here
                    done[i] = self._judge(eval_year, i, span, count)
                    write_atomic(part[i], pickle.dumps(done[i]))
        if path.exists():                      # another process put the parts together meanwhile
            return pd.read_pickle(path)
        from ..engine import results_frame

        results = results_frame([row for i in range(count) for row in done[i]])
        write_atomic(path, pickle.dumps(results))
        return results

    def _judge(self, eval_year: int, index: int, span: tuple[int, int], count: int) -> list[dict]:
        """Rows ``span`` of the registry judged, with the memo of this part (engine.memo)."""
        from ..engine import assess_rows

        memo_path, memo = self._memo(eval_year, index, count)
        results = assess_rows(self.registry.iloc[span[0]:span[1]], self.observations, eval_year, self.plan,
                             sources=self.sources, breaks=self.table("breaks"), names=self.names, memo=memo["rows"])
        write_atomic(memo_path, pickle.dumps(memo))
        return results

    def _memo(self, eval_year: int, index: int = 0, count: int = 1) -> tuple[Path, dict]:
        """The per-target results of this plan's last assessment for ``eval_year`` (engine.memo), so that after a
        one-value import only the targets that read the changed value are judged again. Kept per plan folder,
        year and part, and only for the package that computed them: another version's, or an unreadable file, is
        ignored. A part reads the memo of every part (a registry grown or shrunk moves targets between parts)."""
        from ..book.fingerprint import package_inputs

        folder = hashlib.sha256(str(self.folder.resolve()).encode()).hexdigest()[:16]
        where = paths.BUILD / "assess-cache" / "per-target"
        package = hashlib.sha256(package_inputs()).hexdigest()
        rows = {}
        for f in sorted(where.glob(f"{folder}-{eval_year}-*.pkl")) if where.is_dir() else []:
            try:
                memo = pickle.loads(f.read_bytes())
                if memo.get("package") == package and isinstance(memo.get("rows"), dict):
                    rows.update(memo["rows"])
            except Exception:  # half-copied or from another pickle protocol: judge those targets again
                pass
            part = f.stem.rsplit("-", 1)[-1]
            if part.isdigit() and int(part) >= count:
                f.unlink(missing_ok=True)      # a part the registry no longer has
        return where / f"{folder}-{eval_year}-{index}.pkl", {"package": package, "rows": rows}

    def _cache_key(self, eval_year: int) -> str:
        from ..book.fingerprint import package_inputs

        h = hashlib.sha256(str(eval_year).encode())
        for f in sorted(self.folder.glob("*.csv")) + [self.folder / "plan.yml"]:
            h.update(f.name.encode() + hashlib.sha256(f.read_bytes()).digest())
        h.update(hashlib.sha256(package_inputs()).digest())
        return h.hexdigest()[:32]

    @cached_property
    def names(self) -> dict:
        out = dict(zip(self.series["id"], self.series["name_zh"]))
        out.update(zip(self.registry["id"], self.registry["name_zh"]))
        return out

    @cached_property
    def units(self) -> dict:
        out = dict(zip(self.series["id"], self.series["unit"]))
        out.update(zip(self.registry["id"], self.registry["unit"]))
        return out


def load_dataset(plan: str | Path | PlanConfig) -> Dataset:
    cfg = plan if isinstance(plan, PlanConfig) else load_plan(plan)
    lists = cfg.plan_lists()
    registry = load_registry(cfg.folder, lists)
    series = load_series(cfg.folder, lists)
    sources = load_sources(cfg.folder)
    source_ids = set(sources["source_id"])
    if cfg.source_id not in source_ids:
        raise DataError(display_path(cfg.folder / "plan.yml"), column="source_id", value=cfg.source_id,
                        expected="a source_id of sources.csv (the plan's own document)")
    _check_related(registry, set(registry["id"]) | set(series["id"]), display_path(cfg.folder / "indicators.csv"))
    _check_derived(registry, set(registry["id"]) | set(series["id"]), display_path(cfg.folder / "indicators.csv"))
    observations = load_observations(cfg.folder, set(registry["id"]) | set(series["id"]), source_ids, lists)
    extra = {name: _optional(cfg.folder, name, lists) for name in OPTIONAL_TABLES}
    _check_extra(extra, set(registry["id"]), source_ids, cfg, set(series["id"]))
    check_against_plan(cfg, registry, observations, extra)
    return Dataset(plan=cfg, registry=registry, observations=observations, sources=sources, series=series,
                   extra=extra)


def _optional(folder: Path, name: str, lists: dict) -> pd.DataFrame:
    from .schema import column_specs

    path = folder / f"{name}.csv"
    if path.exists():
        return load_table(path, name, lists)
    return pd.DataFrame({s.name: pd.Series(dtype="object") for s in column_specs(name)})


def _check_related(registry: pd.DataFrame, known: set, file: str) -> None:
    for row, r in registry.iterrows():
        if pd.notna(r["related_id"]) and r["related_id"] not in known:
            raise DataError(file, row=row, column="related_id", value=r["related_id"],
                            expected="an id of indicators.csv or series.csv")


def _check_derived(registry: pd.DataFrame, known: set, file: str) -> None:
    if "derived_from" not in registry.columns:
        return
    for row, r in registry.iterrows():
        for part in ([] if pd.isna(r["derived_from"]) else str(r["derived_from"]).split("/")):
            if part not in known or part == r["id"]:
                raise DataError(file, row=row, column="derived_from", value=r["derived_from"],
                                expected="numerator/denominator: two other ids of indicators.csv or series.csv")


def _check_extra(extra: dict, ids: set, source_ids: set, cfg: PlanConfig, series_ids: set = frozenset()) -> None:
    folder = cfg.folder
    projects = set(extra["projects"]["project_id"])
    for name, column, known, what in (
            ("projects", "same_as", projects | {None}, "a project_id of projects.csv (or empty)"),
            ("project_progress", "project_id", projects, "a project_id of projects.csv"),
            ("project_progress", "source_id", source_ids, "a source_id of sources.csv"),
            ("reference_verdicts", "indicator_id", ids, "an id of indicators.csv"),
            ("reference_verdicts", "source_id", source_ids, "a source_id of sources.csv"),
            ("breaks", "indicator_id", ids | series_ids, "an id of indicators.csv or series.csv"),
            ("breaks", "source_id", source_ids, "a source_id of sources.csv"),
            ("claims", "source_id", source_ids, "a source_id of sources.csv")):
        frame = extra[name]
        for row, value in frame[column].items():
            if value not in known:
                raise DataError(display_path(folder / f"{name}.csv"), row=row, column=column, value=value,
                                expected=what)
    for row, named in extra["claims"]["indicator_ids"].items():
        for value in ([] if pd.isna(named) else str(named).split(";")):
            if value not in ids:
                raise DataError(display_path(folder / "claims.csv"), row=row, column="indicator_ids", value=value,
                                expected="ids of indicators.csv, `;`-separated (empty when the statement names none)")
    commentary = extra["commentary"]
    for row, c in commentary.iterrows():
        known = {"chapter": set(cfg.chapter_ids), "indicator": ids}.get(c["subject"])
        if known is not None and c["subject_id"] not in known:
            raise DataError(display_path(folder / "commentary.csv"), row=row, column="subject_id",
                            value=c["subject_id"], expected=f"an id of a {c['subject']} of this plan")
