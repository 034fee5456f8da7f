"""One entry point for everything in data/: the registry, observations, sources, context series, and
the assessment results computed from them."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import paths



@dataclass
class Dataset:
    data_dir: Path
    registry: pd.DataFrame
    observations: pd.DataFrame
    sources: pd.DataFrame
    series: pd.DataFrame

    def assess(self, eval_year: int) -> pd.DataFrame:
        """14th-plan results at ``eval_year`` followed by the 十三五 retrospective (13th plan at 2020).

        Every page of a build needs the same results, so they are cached under _build/assess-cache/,
        keyed by the data files, the package code and the year: a stale result cannot be read."""
        path = paths.BUILD / "assess-cache" / f"{self._cache_key(eval_year)}.pkl"
        if path.exists():
            return pd.read_pickle(path)
        results = self._assess(eval_year)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        results.to_pickle(tmp)
        os.replace(tmp, path)  # atomic: pages running in parallel never read a half-written file
        return results

    def _cache_key(self, eval_year: int) -> str:
        from .fingerprint import package_inputs

        h = hashlib.sha256(str(eval_year).encode())
        for name in ("indicators.csv", "observations.csv", "series.csv", "sources.csv"):
            h.update(hashlib.sha256((self.data_dir / name).read_bytes()).digest())
        h.update(hashlib.sha256(package_inputs()).digest())
        return h.hexdigest()[:32]

    def _assess(self, eval_year: int) -> pd.DataFrame:
        from .assess import assess_all

        return assess_all(self.registry, self.observations, eval_year)  # 13th-plan rows judged at 2020

    @cached_property
    def names(self) -> dict:
        out = dict(zip(self.series["id"], self.series["name_zh"]))
        out.update(zip(self.registry["id"], self.registry["name_zh"]))
        return out


def load_dataset(data_dir=None) -> Dataset:
    from .observations import load_observations, load_series, load_sources
    from .registry import load_registry

    data_dir = Path(data_dir) if data_dir else paths.DATA
    registry = load_registry(data_dir)
    return Dataset(data_dir=data_dir, registry=registry,
                   observations=load_observations(data_dir, registry_ids=set(registry["id"])),
                   sources=load_sources(data_dir), series=load_series(data_dir))
