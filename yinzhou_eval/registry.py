"""The registry of targets (data/indicators.csv): loaded through its schema, then checked row by row for
rules a column schema cannot express."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import paths
from .datacheck import DataError, display_path, load_table

# Forms whose target is a number the engine compares against.
NUMERIC_FORMS = {"level", "ceiling", "floor", "growth", "cumulative"}
PATH_FORMS = {"level", "cumulative"}
ID_PREFIX = {"14th": ("t2_", "goal_", "ch"), "13th": ("t1_",)}


def load_registry(data_dir=None) -> pd.DataFrame:
    """All registry rows, typed and checked. Raises :class:`DataError` naming file, row and column."""
    path = Path(data_dir or paths.DATA) / "indicators.csv"
    reg = load_table(path)
    check_registry(reg, display_path(path))
    return reg


def check_registry(reg: pd.DataFrame, file: str) -> None:
    for row, r in reg.iterrows():
        def fail(column, expected):
            raise DataError(file, row=row, column=column, value=_text(r[column]), expected=expected)

        if not str(r["id"]).startswith(ID_PREFIX[r["plan"]]):
            fail("id", f"an id starting with {' or '.join(ID_PREFIX[r['plan']])} for a {r['plan']} plan row")
        form = r["target_form"]
        if form in NUMERIC_FORMS and pd.isna(r["target_value"]):
            fail("target_value", f"a number: a '{form}' target is judged against a value")
        if form in {"city_assigned", "qualitative", "relational"} and pd.notna(r["target_value"]):
            fail("target_value", f"an empty cell: a '{form}' target has no numeric value of its own")
        if form in PATH_FORMS and pd.isna(r["path_type"]):
            fail("path_type", "linear or geometric (required for level and cumulative targets)")
        if form == "relational" and pd.isna(r["related_id"]):
            fail("related_id", "the id of the series this target keeps pace with")
        if pd.notna(r["target_value"]) and pd.isna(r["target_year"]):
            fail("target_year", "the year the target value is for")
        if pd.notna(r["baseline_value"]) and pd.isna(r["baseline_year"]):
            fail("baseline_year", "the year of the baseline value")
        if pd.notna(r["baseline_year"]) and pd.notna(r["target_year"]) and r["baseline_year"] >= r["target_year"]:
            fail("baseline_year", f"a year before the target year {r['target_year']}")
        if form == "level" and pd.notna(r["baseline_value"]) and pd.notna(r["target_value"]):
            _check_side(r, fail)


def _check_side(r, fail) -> None:
    """A level target must lie on the improving side of its baseline (or equal it, to be held)."""
    base, target, direction = r["baseline_value"], r["target_value"], r["direction"]
    if direction == "higher" and target < base:
        fail("target_value", f"a value ≥ the baseline {_text(base)} (direction is higher: the target "
                             "cannot be below where the plan started)")
    if direction == "lower" and target > base:
        fail("target_value", f"a value ≤ the baseline {_text(base)} (direction is lower: the target "
                             "cannot be above where the plan started)")


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
