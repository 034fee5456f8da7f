"""One edition of one plan's report: the plan folder judged as of a year. Everything the tables, prose and
charts need to look up (results by table, registry rows, names, the edition's kind and title)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from ..config import PlanConfig
from ..data.dataset import Dataset, load_dataset
from ..labels import label


@dataclass
class Report:
    data_dir: str
    eval_year: int

    @cached_property
    def ds(self) -> Dataset:
        return load_dataset(self.data_dir)

    @property
    def plan(self) -> PlanConfig:
        return self.ds.plan

    @cached_property
    def results(self) -> pd.DataFrame:
        return self.ds.assess(self.eval_year)

    # ---------------------------------------------------------------- the edition
    @property
    def kind(self) -> str:
        return self.plan.edition_kind(self.eval_year)

    @property
    def final(self) -> bool:
        return self.kind == "final"

    @property
    def edition_name(self) -> str:
        return label("edition_kind", self.kind)

    @property
    def title(self) -> str:
        return self.plan.title_for(self.eval_year)

    # ---------------------------------------------------------------- slices of the results
    @cached_property
    def current(self) -> pd.DataFrame:
        """Every target of this plan (not the previous plan's)."""
        return self.results[self.results["table"] != "previous"]

    @cached_property
    def main(self) -> pd.DataFrame:
        return self.results[self.results["table"] == "main"]

    @cached_property
    def others(self) -> pd.DataFrame:
        """Goals and text targets: this plan's targets outside the main table."""
        return self.results[self.results["table"].isin(["goal", "text"])]

    @cached_property
    def previous(self) -> pd.DataFrame:
        return self.results[self.results["table"] == "previous"]

    def in_chapter(self, frame: pd.DataFrame, chapter: str | None) -> pd.DataFrame:
        return frame if chapter is None else frame[frame["chapter"] == chapter]

    # ---------------------------------------------------------------- lookups
    @cached_property
    def _registry(self) -> pd.DataFrame:
        return self.ds.registry.set_index("id", drop=False)

    @cached_property
    def _registry_rows(self) -> dict:
        return {}

    def reg(self, indicator_id: str) -> pd.Series:
        """The target's registry row. Looked up once: a page or the cards ask for the same row many times, and
        a row of a wide table costs ~0.1 ms to assemble. Treat it as read-only."""
        row = self._registry_rows.get(indicator_id)
        if row is None:
            row = self._registry_rows[indicator_id] = self._registry.loc[indicator_id]
        return row

    def name(self, indicator_id: str) -> str:
        return self.ds.names.get(indicator_id, indicator_id)

    @cached_property
    def source_rows(self) -> pd.DataFrame:
        return self.ds.sources.set_index("source_id", drop=False)

    def source_title(self, source_id: str) -> str:
        return str(self.source_rows.loc[source_id, "title"]) if source_id in self.source_rows.index else source_id

    def notes(self, r) -> list[dict]:
        try:
            return json.loads(r["notes"] or "[]")
        except (TypeError, ValueError):
            return []

    def audit(self, r) -> dict:
        try:
            return json.loads(r.get("audit") or "{}")
        except (TypeError, ValueError):
            return {}

    @cached_property
    def observations(self) -> pd.DataFrame:
        """The observations this edition may show: those up to its year (later data belong to later editions)."""
        obs = self.ds.observations
        return obs[obs["year"] <= self.eval_year]

    @cached_property
    def _observations_by_id(self) -> dict:
        return {k: g for k, g in self.observations.groupby("indicator_id", sort=False)}

    def observations_of(self, indicator_id: str) -> pd.DataFrame:
        """``observations`` of one indicator (rows in file order), grouped once: a page or the cards look up every
        target's values, and scanning all observations for each grows with the square of the registry."""
        return self._observations_by_id.get(indicator_id, self.observations.iloc[0:0])

    @property
    def data_year(self) -> int | None:
        """The latest year any main indicator has data for (≤ the edition's year)."""
        years = self.main["latest_year"].dropna()
        return int(years.max()) if len(years) else None

    def table_name(self, table: str, short: bool = False) -> str:
        entry = self.plan.tables.get(table, {})
        return str(entry.get("short" if short else "name") or label("table", table))


def open_report(data_dir: str, eval_year: int) -> Report:
    return Report(data_dir=data_dir, eval_year=int(eval_year))
