"""Ceilings (＜) and floors (＞, 保持, 不低于) that must hold in every year of the window.

A held target is a running commitment: in mid-course it can be 符合预期 at best, and 完成 only at the target
year (rules.yml anchor `held`)."""
from __future__ import annotations

from ..pace import meets, na, no_final_data
from ..row import Row
from ..series import choose, flag
from ..values import target_words, years_text, years_window


def _span(first: int, last: int) -> str:
    return f"{first}年" if first == last else f"{first}—{last}年各年"


def assess_bound(row: Row, bound: str | None = None) -> dict:
    bound = bound or ("上限" if row.reg["target_form"] == "ceiling" else "下限")
    target = row.target
    if target is None:
        return na(f"规划未给出{bound}值")
    chosen = choose(row)
    d, text = row.direction, target_words(row.reg)
    lower, unknown = False, []
    if d == 1:
        # lower bounds (output for a capacity) fill the years without a value: a bound at or above the floor shows
        # the year held; one below it shows nothing (the true value may be above), so that year is missing, never
        # a breach
        bounds = choose(row, kind="lower_bound", key="lower_bounds_used")
        have = dict(chosen.points)
        extra = [(y, x) for y, x in bounds.points if y not in have]
        unknown = [y for y, x in extra if not meets(x, target, row.operator, d, row.rules)]
        extra = [(y, x) for y, x in extra if y not in unknown]
        if extra:
            chosen.points = sorted(chosen.points + extra)
            chosen.flags = chosen.flags + bounds.flags + [
                flag("info", f"{years_text(y for y, _ in extra)}年为下限值：实际值不低于此数（如以产量作产能的下限）")]
            lower = True
    if not chosen.points:
        return na(f"暂无{years_window(row.first_year, row.cutoff)}的数据，无法评估", flags=chosen.flags)
    t, v = chosen.points[-1]
    breaches = [y for y, x in chosen.points if not meets(x, target, row.operator, d, row.rules)]
    missing = [y for y in range(row.first_year, t + 1) if y not in dict(chosen.points)]
    headroom = d * (v - target)
    row.audit["computed"] = {"years_checked": [y for y, _ in chosen.points], "breach_years": breaches,
                             "missing_years": missing, "headroom_latest": headroom,
                             "headroom_formula": "d·(V_t − V*)，正值为未突破的余量"}
    base = {"latest_year": t, "latest_value": v, "latest_scope": chosen.latest_scope, "flags": chosen.flags}
    missing = sorted(set(missing) | set(unknown))
    gap = f"（缺{years_text(missing)}年数据）" if missing else ""
    if breaches:
        # a year already missed cannot be undone: the target can no longer be 完成 at the target year, so mid-course
        # it is 滞后 even when the latest year holds (a verdict never contradicts its outlook, 完成难度大)
        status = "missed" if row.final else "lagging"
        return {"status": status, "outlook": "final" if row.final else "unlikely",
                "reason": f"{years_text(breaches)}年未满足{bound}（{text}），{bound}须每年满足{gap}", **base}
    held = f"{_span(chosen.points[0][0], t)}均满足{bound}（{text}）{'（部分年份据下限值）' if lower else ''}{gap}"
    if row.final:
        if t >= row.target_year and not missing:
            return {"status": "achieved", "outlook": "final", "reason": held, **base}
        if t >= row.target_year:
            return na(f"{held}；缺少部分年份的数据，无法确认每年都满足", **base)
        return {**no_final_data(row, t, held), **base}
    return {"status": row.rules["held_midterm_status"], "outlook": "likely",
            "reason": f"{held}；须保持到{row.target_year}年", **base}
