"""Small conversions shared by the engine: empty cells, numbers and years as plain Python values."""
from __future__ import annotations

import re

import pandas as pd

from ..labels import codes


# Later releases of one figure supersede earlier ones: labels.yml lists `release` in the order a figure is
# published (初步核算 … 普查修订); between values of the same kind of release (or none) the later publication wins.
RELEASE_ORDER = tuple(codes("release"))


def release_rank(release) -> int:
    """A release's place in RELEASE_ORDER; -1 when the source names none."""
    return RELEASE_ORDER.index(release) if release in RELEASE_ORDER else -1


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


_PRINTED = re.compile(r"\s*([<>＜＞≥≤]?)\s*([〔\[]?)\s*(-?\d+(?:\.\d+)?)\s*[〕\]]?\s*(左右)?(.*)", re.S)
_AFTER = {">": "以上", "＞": "以上", ">=": "以上", "≥": "以上", "<": "以下", "＜": "以下", "<=": "以下", "≤": "以下"}
_BEFORE = {">": "高于", "＞": "高于", ">=": "不低于", "≥": "不低于", "<": "低于", "＜": "低于", "<=": "不高于",
           "≤": "不高于"}


def column_target_words(reg) -> str | None:
    """A target printed in the table's 年均/累计 column (its target-year cell is empty or "—"), in words as the
    plan says it: ＞7 in a growth row is 年均增长7%以上, 〔17〕 (a five-year total) in a 降低 row is 累计降低17%,
    ＜5.5 in a rate row is 年均低于5.5%. None when the target sits in the target-year column or has no number."""
    if re.search(r"\d", to_str(reg.get("target_text")) or ""):
        return None
    m = _PRINTED.fullmatch(to_str(reg.get("annual_growth_text")) or "")
    if not m:
        return None
    op, bracket, number, about, rest = m.groups()
    unit = to_str(reg.get("unit")) or ""
    unit = {"百分点": "个百分点", "—": "", "-": "", "--": ""}.get(unit, unit)
    about = about or ""
    if bracket:  # 〔〕: a total over the period
        name, form = to_str(reg.get("name_zh")) or "", to_str(reg.get("target_form"))
        lower = form == "cumulative_reduction" or name.endswith("降低") or to_str(reg.get("direction")) == "lower"
        verb = "降低" if lower else "提高" if not name.endswith(("增加", "新增")) else "增加"
        return f"累计{verb}{op and _BEFORE.get(op, '')}{number}{unit}{about}{rest}"
    if to_str(reg.get("target_form")) == "growth" or (to_str(reg.get("name_zh")) or "").endswith("增长"):
        return f"年均增长{number}{unit}{about or _AFTER.get(op, '')}{rest}"
    return f"年均{_BEFORE.get(op, '')}{number}{unit}{about}{rest}"


def target_words(reg) -> str:
    """The target as the plan prints it; when its cell holds no number (a table may print the bound in another
    column), the number with its operator."""
    column = column_target_words(reg)
    if column:
        return column
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


def years_window(first: int, last: int) -> str:
    """The years a verdict may rest on, as a reader reads them: Y1—Y2年, or Y1年 for a single year (never
    "Y1年以来…（截至Y2年）")."""
    first, last = int(first), int(last)
    return f"{first}年" if first >= last else f"{first}—{last}年"


def years_span(first: int, last: int) -> str:
    """How many years from ``first`` to ``last`` (both counted), as a report says it: 五年, 十年, 12年."""
    n = last - first + 1
    return f"{_CN_DIGITS[n] if 0 < n <= 10 else n}年"
