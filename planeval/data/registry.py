"""The registry of targets (indicators.csv): loaded through its schema, then checked row by row for rules a
column schema cannot express."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .schema import DataError, display_path, load_table

# Forms whose target is a number the engine compares against.
NUMERIC_FORMS = {"level", "ceiling", "floor", "growth", "cumulative", "cumulative_reduction", "average"}
PATH_FORMS = {"level", "cumulative"}
NO_VALUE_FORMS = {"city_assigned", "qualitative", "relational", "annual_targets"}


def is_estimate(reg) -> bool:
    """The plan printed the baseline as an estimate (预计, `baseline_estimate`): its year's actual may be imported
    and, once in, progress is measured from it. Typed (a loaded registry) or as text (a row read as CSV)."""
    value = reg.get("baseline_estimate")
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return False
    return str(value).strip().lower() in ("1", "true")


def load_registry(folder: Path, plan_lists: dict | None = None) -> pd.DataFrame:
    """All registry rows, typed and checked. Raises :class:`DataError` naming file, row and column."""
    path = Path(folder) / "indicators.csv"
    reg = load_table(path, "indicators", plan_lists)
    check_registry(reg, display_path(path))
    return reg


def check_registry(reg: pd.DataFrame, file: str) -> None:
    ids = set(reg["id"])
    for row, r in reg.iterrows():
        def fail(column, expected):
            raise DataError(file, row=row, column=column, value=_text(r[column]), expected=expected)

        form = r["target_form"]
        if form in NUMERIC_FORMS and pd.isna(r["target_value"]):
            fail("target_value", f"a number: a '{form}' target is judged against a value")
        if form in NO_VALUE_FORMS and pd.notna(r["target_value"]) and not (
                form == "city_assigned" and pd.notna(r["baseline_value"])):
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
        if pd.notna(r["same_target_as"]) and r["same_target_as"] not in ids:
            fail("same_target_as", "the id of another row of this registry")


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
