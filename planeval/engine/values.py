"""Small conversions shared by the engine: empty cells, numbers and years as plain Python values."""
from __future__ import annotations

import pandas as pd


def is_missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def to_num(x):
    return None if is_missing(x) else float(x)


def to_int(x):
    return None if is_missing(x) else int(x)


def to_str(x):
    return None if is_missing(x) else str(x)


def rounded(x, digits=9):
    return None if x is None else round(float(x), digits)


def g(x) -> str:
    """A number for Chinese reason text, without float noise."""
    return f"{round(float(x), 6):g}"


def years_text(years) -> str:
    return "、".join(str(y) for y in years)


def inferred_fields(o) -> set:
    return set(filter(None, (to_str(o.get("inferred")) or "").split(";")))
