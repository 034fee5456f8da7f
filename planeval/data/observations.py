"""Observed values, their sources and the context series, loaded through their schemas and checked
against each other: every observation names a known indicator and a known source, and no indicator
has two values for the same year, scope and kind."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .schema import DataError, display_path, load_table


def load_sources(folder: Path) -> pd.DataFrame:
    return load_table(Path(folder) / "sources.csv", "sources")


def load_series(folder: Path, plan_lists: dict | None = None) -> pd.DataFrame:
    return load_table(Path(folder) / "series.csv", "series", plan_lists)


def load_observations(folder: Path, known_ids: set, source_ids: set, plan_lists: dict | None = None) -> pd.DataFrame:
    """Observations checked against the ids and sources given."""
    path = Path(folder) / "observations.csv"
    obs = load_table(path, "observations", plan_lists)
    check_observations(obs, display_path(path), known_ids, source_ids)
    return obs


def check_observations(obs: pd.DataFrame, file: str, known_ids: set, source_ids: set) -> None:
    seen = {}
    for row, o in obs.iterrows():
        def fail(column, expected, value=None):
            raise DataError(file, row=row, column=column,
                            value=o[column] if value is None else value, expected=expected)

        if known_ids and o["indicator_id"] not in known_ids:
            fail("indicator_id", "an id from indicators.csv or series.csv of this plan")
        if o["source_id"] not in source_ids:
            fail("source_id", "a source_id listed in sources.csv of this plan")
        if pd.isna(o["value"]) and pd.isna(o["verdict"]):
            fail("value", "a number, or a recorded verdict (met / not_met) in the verdict column", value="")
        if o["value_kind"] in ("period_average_growth", "period_total"):
            if pd.isna(o["period_start_year"]) or o["period_start_year"] >= o["year"]:
                fail("period_start_year", f"the first year of the averaging period, before {o['year']}",
                     value="" if pd.isna(o["period_start_year"]) else o["period_start_year"])
        release = None if pd.isna(o.get("release")) else o.get("release")
        key = (o["indicator_id"], o["year"], o["scope"], o["value_kind"], o["months_covered"], release)
        if key in seen:
            fail("year", f"one value per indicator, year, scope, kind and release (row {seen[key]} already "
                         f"gives {o['indicator_id']} {o['year']} {o['scope']}"
                         + (f" {release}" if release else "") + "; a later release of the same figure names its "
                         "release in the release column)")
        seen[key] = row
