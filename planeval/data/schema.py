"""Typed loading of a plan folder's CSV tables, checked against the column definitions in schema.yml.

Every column is defined once in ``planeval/data/schema.yml`` (type, meaning, allowed values); each table
lists its columns in file order. Allowed values are a list, ``vocab:<name>`` (a vocabulary of
planeval/labels.yml) or ``plan:<name>`` (a list from the plan's plan.yml: chapters, scopes). A plan folder
keeps an OWID-style ``<table>.meta.yml`` beside each CSV saying what the file holds and where it came from.

Row numbers in messages are the file's line numbers (the header is line 1), so an analyst can open the
file and go straight to the cell.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

SCHEMA_PATH = Path(__file__).with_name("schema.yml")


class DataError(ValueError):
    """A cell, row or file that breaks the schema. The message names file, sheet, row, column, value
    found and what was expected."""

    def __init__(self, file, row=None, column=None, value=None, expected="", sheet=None):
        self.file, self.row, self.column, self.value = str(file), row, column, value
        self.expected, self.sheet = expected, sheet
        where = [self.file]
        if sheet:
            where.append(f"sheet '{sheet}'")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        found = "" if value is None else f": found {value!r}"
        super().__init__(f"{', '.join(where)}{found}; expected {expected}")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: str = "str"
    required: bool = False
    unique: bool = False
    allowed: tuple | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None


@lru_cache(maxsize=1)
def load_schema() -> dict:
    return yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))


def table_columns(table: str) -> list[str]:
    return list(load_schema()["tables"][table]["columns"])


def column_specs(table: str, plan_lists: dict | None = None) -> list[ColumnSpec]:
    """The specs of ``table``'s columns; ``plan_lists`` resolves ``plan:<name>`` (a plan's chapters, scopes).
    Without it those columns accept any text (used before a plan is known)."""
    from .vocab import vocabulary

    schema = load_schema()
    specs = []
    for name, use in schema["tables"][table]["columns"].items():
        use = use or {}
        spec = {**schema["fields"][use.get("field", name)], **use}
        allowed = spec.get("allowed")
        if isinstance(allowed, str) and allowed.startswith("vocab:"):
            allowed = vocabulary(allowed[len("vocab:"):])
        elif isinstance(allowed, str) and allowed.startswith("plan:"):
            allowed = tuple(plan_lists[allowed[len("plan:"):]]) if plan_lists else None
        elif allowed is not None:
            allowed = tuple(str(a) for a in allowed)
        specs.append(ColumnSpec(name=name, type=spec.get("type", "str"),
                                required=bool(spec.get("required", False)),
                                unique=bool(spec.get("unique", False)), allowed=allowed,
                                min=spec.get("min"), max=spec.get("max"), pattern=spec.get("pattern")))
    return specs


def read_meta(csv_path: Path) -> dict:
    """The OWID-style metadata beside a table (title, description, origin)."""
    meta_path = Path(csv_path).with_suffix(".meta.yml")
    if not meta_path.exists():
        raise DataError(display_path(csv_path), expected=f"a metadata file {meta_path.name} beside it")
    with open(meta_path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def _convert(text: str, spec: ColumnSpec, where: dict):
    if spec.type == "str":
        return text
    if spec.type == "int":
        if not re.fullmatch(r"-?\d+", text):
            raise DataError(**where, value=text, expected="a whole number")
        return int(text)
    if spec.type == "float":
        try:
            value = float(text)
        except ValueError:
            raise DataError(**where, value=text, expected="a number (no units, % signs or separators)") from None
        if value != value:  # NaN typed as text
            raise DataError(**where, value=text, expected="a number, or an empty cell for a missing value")
        return value
    if spec.type == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise DataError(**where, value=text, expected="a date written YYYY-MM-DD") from None
    if spec.type == "bool":
        if text not in ("0", "1"):
            raise DataError(**where, value=text, expected="0 or 1")
        return text == "1"
    raise ValueError(f"unknown column type {spec.type!r} in the metadata of {where['file']}")


def check_frame(raw: pd.DataFrame, specs: list[ColumnSpec], file, sheet=None, first_row: int = 2) -> pd.DataFrame:
    """Check an all-text frame cell by cell and return it typed. ``first_row`` is the file line of row 0."""
    expected_cols = [s.name for s in specs]
    missing = [c for c in expected_cols if c not in raw.columns]
    if missing:
        raise DataError(file, row=1, column=missing[0], sheet=sheet,
                        expected=f"a header with the columns {', '.join(expected_cols)}")
    extra = [c for c in raw.columns if c not in expected_cols]
    if extra:
        raise DataError(file, row=1, column=extra[0], value=extra[0], sheet=sheet,
                        expected=f"only the columns {', '.join(expected_cols)}")
    out = {}
    for spec in specs:
        values, seen = [], {}
        for i, cell in enumerate(raw[spec.name].tolist()):
            row = first_row + i
            where = {"file": file, "row": row, "column": spec.name, "sheet": sheet}
            text = "" if cell is None else str(cell).strip()
            if text == "":
                if spec.required:
                    raise DataError(**where, value="", expected="a value (this column is required)")
                values.append(None)
                continue
            value = _convert(text, spec, where)
            if spec.allowed is not None and str(value) not in spec.allowed:
                raise DataError(**where, value=text, expected=f"one of: {', '.join(spec.allowed)}")
            if spec.pattern and not re.fullmatch(spec.pattern, text):
                raise DataError(**where, value=text, expected=f"text matching {spec.pattern}")
            if spec.min is not None and value < spec.min:
                raise DataError(**where, value=text, expected=f"a value ≥ {spec.min}")
            if spec.max is not None and value > spec.max:
                raise DataError(**where, value=text, expected=f"a value ≤ {spec.max}")
            if spec.unique:
                if value in seen:
                    raise DataError(**where, value=text, expected=f"a unique value (already used on row {seen[value]})")
                seen[value] = row
            values.append(value)
        dtype = {"int": "Int64", "float": "Float64", "bool": "boolean"}.get(spec.type, "object")
        out[spec.name] = pd.Series(values, dtype=dtype, index=range(first_row, first_row + len(raw)))
    return pd.DataFrame(out, index=range(first_row, first_row + len(raw)))


def load_table(csv_path, table: str, plan_lists: dict | None = None) -> pd.DataFrame:
    """Read ``csv_path`` as text, check it against ``table``'s columns, return it typed.

    The frame's index is the file line number of each row, so later cross-row checks can name rows.
    """
    csv_path = Path(csv_path)
    if not csv_path.exists():
        raise DataError(display_path(csv_path), expected="the file to exist")
    read_meta(csv_path)
    specs = column_specs(table, plan_lists)
    try:
        raw = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(display_path(csv_path), expected=f"a UTF-8 CSV file with a header row ({exc})") from None
    return check_frame(raw, specs, file=display_path(csv_path))


def display_path(path) -> str:
    """The path as a user would type it: relative to the repository when inside it."""
    path = Path(path).resolve()
    root = Path(__file__).resolve().parents[2]   # the repository
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
