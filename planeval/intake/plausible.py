"""Which values are impossible (the import refuses them) and which are only suspicious (imported, with a
warning), decided per unit. The same rules are printed in the fill-in files' instructions (``RULES``).

Impossible, refused:
- a share or rate in % that is not a change (比重, 比例, 覆盖率, 失业率 …): below 0 or above 100;
- an amount of money (a unit with 元: 亿元, 万元/人, 亿美元 …): zero or negative;
- any other level (counts 件/个/家/人, lengths, areas, concentrations, ratios): negative.
A change in % or ‰ (增长率, 增速, 降幅 …) may be any number.

Suspicious, warned:
- a value in % about 100 times smaller than the last known one (0.0302 where 3.02 was known: a fraction
  typed for a percent);
- a level that moves more than LEVEL_CHANGE_LIMIT (50 %) from the last known value, or a % value that moves
  more than PP_CHANGE_LIMIT (10) percentage points;
- a scope other than the one the series has so far.
"""
from __future__ import annotations

import math
import re

from .parse import MAX_MAGNITUDE, fmt_number, unit_key

LEVEL_CHANGE_LIMIT = 0.5  # relative change for levels (0.5 = 50 %)
PP_CHANGE_LIMIT = 10.0  # absolute change, in percentage points, for indicators measured in %
FRACTION_RATIO = (50.0, 200.0)  # last known / value within this range: a fraction typed for a percent

_CHANGE_WORDS = re.compile(r"增长|增速|增幅|降幅|下降|降低|变动|增减|减少")


def value_class(unit: str, name: str, target_form: str | None = None) -> str:
    """``change`` (a rate of change in % or ‰, any sign), ``share`` (a % between 0 and 100), ``money`` (> 0)
    or ``level`` (≥ 0)."""
    u = unit_key(unit)
    if u in ("%", "‰"):
        return "change" if target_form == "growth" or _CHANGE_WORDS.search(name or "") else "share"
    if "元" in u:
        return "money"
    return "level"


def impossible(value: float, unit: str, name: str, target_form: str | None = None) -> str | None:
    """What a value of this unit must be, when ``value`` is not; None when it is possible."""
    kind = value_class(unit, name, target_form)
    if not math.isfinite(value) or abs(value) >= MAX_MAGNITUDE:
        return f"a finite number below {MAX_MAGNITUDE:.0e} in {unit}"
    if kind == "share" and not 0 <= value <= 100:
        return f"a percentage between 0 and 100: {name} is a share or rate in %, not a change"
    if kind == "money" and value <= 0:
        return f"an amount above zero: {name} is measured in {unit}; a zero or negative amount cannot be a level"
    if kind == "level" and value < 0:
        return f"a number not below zero: {name} is counted in {unit}"
    return None


def suspicious(value: float, unit: str, last: tuple | None, *, level_limit: float = LEVEL_CHANGE_LIMIT,
               pp_limit: float = PP_CHANGE_LIMIT) -> str | None:
    """Why ``value`` deserves a second look against ``last`` = (value, year, is_baseline); None when fine."""
    if last is None:
        return None
    old, year, baseline = last
    what = f"{fmt_number(old)} ({year}{', plan baseline' if baseline else ''})"
    if unit_key(unit) in ("%", "‰"):
        if value and old and FRACTION_RATIO[0] <= abs(old / value) <= FRACTION_RATIO[1]:
            return (f"{fmt_number(value)} is about 100 times smaller than the last known {what}: was a fraction "
                    f"typed for a percent (write {fmt_number(value * 100)}, not {fmt_number(value)})? / "
                    "疑似把百分数填成了小数，请核对")
        if abs(value - old) > pp_limit:
            return (f"{fmt_number(value)}% moves {value - old:+.2f} percentage points from the last known {what}: "
                    f"more than {fmt_number(pp_limit)} pp, please check / 变动较大，请核对")
        return None
    if old != 0 and abs(value - old) / abs(old) > level_limit:
        return (f"{fmt_number(value)} {unit} changes {(value - old) / abs(old):+.0%} from the last known {what}: "
                f"more than {level_limit:.0%}, please check the unit and the figure / 变动较大，请核对单位和数值")
    return None


def rules(level_limit: float = LEVEL_CHANGE_LIMIT, pp_limit: float = PP_CHANGE_LIMIT) -> list[tuple[str, str]]:
    """The rules as the fill-in files state them: (拒收 refused | 警告 warned, rule)."""
    return [
        ("拒收", "比重、比例、覆盖率、达标率、失业率等百分比指标（单位 %，不是增速或降幅）：小于 0 或大于 100。"),
        ("拒收", "金额指标（单位含“元”，如 亿元、万元/人、亿美元）：等于或小于 0。"),
        ("拒收", "其他数量指标（件、个、家、人、公里、微克/立方米、倍等）：小于 0。增速、增长率、降幅（单位 % 或 ‰）可以为负。"),
        ("警告", "百分比指标的数值约为上一个已知值的百分之一（如上次 3.02，本次 0.0302）：疑似把百分数填成了小数。"),
        ("警告", f"数值比上一个已知值变动超过 {level_limit:.0%}（百分比指标：超过 {fmt_number(pp_limit)} 个百分点）：请核对单位和数值。"),
        ("警告", "口径与该指标已有数值的口径不同：可能不可比。"),
    ]
