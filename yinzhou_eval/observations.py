"""Observed values, their sources and the context series, loaded through their schemas and checked
against each other: every observation names a known indicator and a known source, and no indicator
has two values for the same year, scope and kind."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths
from .datacheck import DataError, display_path, load_table


def _path(data_dir, name) -> Path:
    return Path(data_dir or paths.DATA) / f"{name}.csv"


def load_sources(data_dir=None) -> pd.DataFrame:
    return load_table(_path(data_dir, "sources"))


def load_series(data_dir=None) -> pd.DataFrame:
    return load_table(_path(data_dir, "series"))


def load_observations(data_dir=None, registry_ids=None) -> pd.DataFrame:
    """Observations checked against sources.csv, series.csv and the registry ids given."""
    path = _path(data_dir, "observations")
    obs = load_table(path)
    known_ids = set(registry_ids or ()) | set(load_series(data_dir)["id"])
    check_observations(obs, display_path(path), known_ids, set(load_sources(data_dir)["source_id"]))
    return obs


def check_observations(obs: pd.DataFrame, file: str, known_ids: set, source_ids: set) -> None:
    seen = {}
    for row, o in obs.iterrows():
        def fail(column, expected, value=None):
            raise DataError(file, row=row, column=column,
                            value=o[column] if value is None else value, expected=expected)

        if known_ids and o["indicator_id"] not in known_ids:
            fail("indicator_id", "an id from data/indicators.csv or data/series.csv")
        if o["source_id"] not in source_ids:
            fail("source_id", "a source_id listed in data/sources.csv")
        if pd.isna(o["value"]) and pd.isna(o["verdict"]):
            fail("value", "a number, or a recorded verdict (met / not_met) in the verdict column", value="")
        if o["value_kind"] in ("period_average_growth", "period_total"):
            if pd.isna(o["period_start_year"]) or o["period_start_year"] >= o["year"]:
                fail("period_start_year", f"the first year of the averaging period, before {o['year']}",
                     value="" if pd.isna(o["period_start_year"]) else o["period_start_year"])
        key = (o["indicator_id"], o["year"], o["scope"], o["value_kind"], o["months_covered"])
        if key in seen:
            fail("year", f"one value per indicator, year, scope and kind (row {seen[key]} already "
                         f"gives {o['indicator_id']} {o['year']} {o['scope']})")
        seen[key] = row
