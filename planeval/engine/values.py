"""Small conversions shared by the engine: empty cells, numbers and years as plain Python values."""
from __future__ import annotations

import re

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


_OPS = {">": "＞", ">=": "≥", "<": "＜", "<=": "≤", "~": "左右", "=": ""}


def target_words(reg) -> str:
    """The target as the plan prints it; when its cell holds no number (a table may print the bound in another
    column), the number with its operator."""
    for key in ("target_text", "annual_growth_text"):
        text = to_str(reg.get(key))
        if text and re.search(r"\d", text):
            return text
    value = to_num(reg.get("target_value"))
    return f"{_OPS.get(to_str(reg.get('target_operator')) or '=', '')}{g(value)}" if value is not None else "—"


def gu(x, reg) -> str:
    """A number with the target's unit, for reason text (万分之 and 千分之 go before the number)."""
    unit = to_str(reg.get("unit")) or ""
    if unit in ("—", "-", "--"):
        unit = ""
    if unit.startswith(("万分之", "千分之")):
        return f"{unit}{g(x)}"
    return f"{g(x)}{unit}"


_CN_DIGITS = "零一二三四五六七八九十"


def years_span(first: int, last: int) -> str:
    """How many years from ``first`` to ``last`` (both counted), as a report says it: 五年, 十年, 12年."""
    n = last - first + 1
    return f"{_CN_DIGITS[n] if 0 < n <= 10 else n}年"
