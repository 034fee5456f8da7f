"""Typed loading of a plan folder's CSV tables, checked against the column definitions in schema.yml.

Every column is defined once in ``planeval/data/schema.yml`` (type, meaning, allowed values); each table
lists its columns in file order. Allowed values are a list, ``vocab:<name>`` (a vocabulary of
planeval/labels.yml) or ``plan:<name>`` (a list from the plan's plan.yml: chapters, scopes). A plan folder
keeps an OWID-style ``<table>.meta.yml`` beside each CSV saying what the file holds and where it came from.

Row numbers in messages are the file's line numbers (the header is line 1), so an analyst can open the
file and go straight to the cell.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .. import paths

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
    optional: bool = False      # a file may leave the column out (read as empty)


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
                                min=spec.get("min"), max=spec.get("max"), pattern=spec.get("pattern"),
                                optional=bool(spec.get("optional", False))))
    return specs


def read_meta(csv_path: Path) -> dict:
    """The OWID-style metadata beside a table (title, description, origin)."""
    meta_path = Path(csv_path).with_suffix(".meta.yml")
    if not meta_path.exists():
        raise DataError(display_path(csv_path), expected=f"a metadata file {meta_path.name} beside it")
    with open(meta_path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


# Characters that change how the text around them is displayed (bidi overrides and isolates: 公报123 shown
# as 公报321) or that no reader sees (controls other than tab and line breaks): never published.
HIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                               r"\u2066-\u2069\u206a-\u206f\ufff9-\ufffb]")


def _convert(text: str, spec: ColumnSpec, where: dict):
    hidden = HIDDEN_CHARACTERS.search(text)
    if hidden:
        ch = hidden.group()
        raise DataError(**where, value=text, expected=f"text without invisible control characters (found "
                        f"U+{ord(ch):04X}, which changes how the text is displayed): delete it and retype the text")
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
        if value in (float("inf"), float("-inf")):  # 1e400 or inf typed as text
            raise DataError(**where, value=text, expected="a finite number")
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


def check_frame(raw: pd.DataFrame, specs: list[ColumnSpec], file, sheet=None, first_row: int = 2,
                lines: list[int] | None = None) -> pd.DataFrame:
    """Check an all-text frame cell by cell and return it typed. ``first_row`` is the file line of row 0;
    ``lines`` (one per row) gives each row's own line when records span lines (a quoted line break)."""
    lines = list(lines) if lines is not None else list(range(first_row, first_row + len(raw)))
    absent = [s.name for s in specs if s.optional and s.name not in raw.columns]
    if absent:  # a column added after the file was entered: empty, in its place
        raw = raw.assign(**{c: None for c in absent})
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
    raw = raw[[c for c in expected_cols]]  # the schema's order, whatever the file's
    for spec in specs:
        values, seen = [], {}
        for row, cell in zip(lines, raw[spec.name].tolist()):
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
        out[spec.name] = pd.Series(values, dtype=dtype, index=lines)
    return pd.DataFrame(out, index=lines)


def read_records(text: str, file, delimiter: str = ",", sheet=None) -> list[tuple[int, list[str]]]:
    """Each non-blank record of a CSV text with the file line it starts on. A quote left open (the rest of
    the file would become one cell) or a stray quote after a quoted cell is a DataError naming the line the
    record starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records, line = [], 1
    try:
        for record in reader:
            if record:
                records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc) and not _quote_left_open(text, line):
            # a very long cell with its quotes balanced: not a quoting mistake
            what = (f"cells of at most {csv.field_size_limit():,} characters (a cell on this row is longer: "
                    "keep only the sentence the value was read from)")
        elif "unexpected end of data" in str(exc) or "field larger than field limit" in str(exc):
            what = "a closing double quote: the quote opened on this row is never closed"
        else:
            what = f"well-formed CSV quoting ({exc})"
        raise DataError(file, row=line, sheet=sheet, value=_excerpt(text, line), expected=what) from None
    return records


def _quote_left_open(text: str, line: int) -> bool:
    """Whether the rest of the text from ``line`` on holds an odd number of double quotes."""
    rest = text.split("\n", line - 1)[-1] if line > 1 else text
    return rest.count('"') % 2 == 1


def _excerpt(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1][:80] if 0 < line <= len(lines) else ""


def read_rows(csv_path, file: str | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data records (with their line numbers) of a UTF-8 CSV file; a record with more
    or fewer fields than the header is a DataError naming file and line."""
    file = file or display_path(csv_path)
    try:
        text = Path(csv_path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(file, expected="a UTF-8 CSV file: in Excel save it with 另存为 → “CSV UTF-8（逗号分隔）”, "
                                       f"not “CSV（逗号分隔）”, which writes GBK ({exc})") from None
    records = read_records(text, file)
    if not records:
        raise DataError(file, row=1, expected="a header row naming the columns")
    header_line, header = records[0]
    dup = next((h for i, h in enumerate(header) if h in header[:i]), None)
    if dup is not None:
        raise DataError(file, row=header_line, column=dup, value=dup, expected="each column name once")
    for line, record in records[1:]:
        if len(record) != len(header):
            more = len(record) > len(header)
            raise DataError(file, row=line, value=f"{len(record)} fields: " + ",".join(record)[:80],
                            expected=f"{len(header)} fields, one per column of the header"
                            + ("; a comma inside a text must be within double quotes" if more else ""))
    return header, records[1:]


def load_table(csv_path, table: str, plan_lists: dict | None = None) -> pd.DataFrame:
    """Read ``csv_path`` as text, check it against ``table``'s columns, return it typed.

    The frame's index is the file line number of each row, so later cross-row checks can name rows.
    """
    csv_path = Path(csv_path)
    if not csv_path.exists():
        raise DataError(display_path(csv_path), expected="the file to exist")
    read_meta(csv_path)
    specs = column_specs(table, plan_lists)
    header, records = read_rows(csv_path)
    raw = pd.DataFrame([r for _, r in records], columns=header, dtype=object)
    return check_frame(raw, specs, file=display_path(csv_path), lines=[line for line, _ in records])


def display_path(path) -> str:
    """The path as a user would type it: relative to the repository when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(paths.ROOT))
    except ValueError:
        return str(path)
