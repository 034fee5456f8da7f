"""From a pace ratio to a status, and from the required and observed speeds to an outlook (rules.yml)."""
from __future__ import annotations


def pace_status(ratio: float, rules: dict) -> str:
    t = rules["thresholds"]
    if ratio < 0:
        return "reversing"
    if ratio < t["moderate"]:
        return "lagging"
    if ratio < t["on_track"]:
        return "needs_acceleration"
    if ratio < t["ahead"]:
        return "on_track"
    return "ahead"


def acceleration_rank(acceleration: float, t: dict) -> int:
    """0 on pace, 1 needs acceleration, 2 unlikely. The same 5 % band as the pace ratio (on_track): a required pace
    within likely_max ÷ on_track (1 ÷ 0.95) of the pace so far is on pace, so a verdict of 符合预期 and its outlook
    never contradict each other over a rounding-sized gap. The cards' arithmetic reads this same function."""
    eps = 1e-9  # a required pace equal to the pace so far (up to float rounding) needs no acceleration
    if acceleration * t["on_track"] <= t["likely_max"] + eps:
        return 0
    return 1 if acceleration <= t["possible_max"] + eps else 2


def outlook(acceleration: float | None, shortfall: float | None, observed_oriented: float | None,
            rules: dict) -> str:
    """likely / needs_acceleration / unlikely from the acceleration factor and the projected shortfall (the worse)."""
    t = rules["thresholds"]
    if observed_oriented is None:
        return "not_assessable"
    if observed_oriented <= 0:
        return "unlikely"
    ranks = []
    eps = 1e-9  # a required pace equal to the pace so far (up to float rounding) needs no acceleration
    if acceleration is not None:
        ranks.append(acceleration_rank(acceleration, t))
    if shortfall is not None:
        ranks.append(0 if shortfall <= t["shortfall_likely"] + eps else 1 if shortfall <= t["shortfall_possible"] + eps
                     else 2)
    return ("likely", "needs_acceleration", "unlikely")[max(ranks)] if ranks else "not_assessable"


def meets(value: float, target: float, operator: str, direction: int, rules: dict) -> bool:
    """Does ``value`` satisfy the target, read with its operator (strictness respected)?"""
    if operator == "~":
        tol = rules["thresholds"]["about_tolerance_share"] * abs(target)
        return abs(value - target) <= tol + 1e-12 or direction * (value - target) >= 0
    if operator == ">":
        return value > target
    if operator == "<":
        return value < target
    if operator == ">=":
        return value >= target
    if operator == "<=":
        return value <= target
    return direction * (value - target) >= 0  # "=": reach the value, in the improving direction


def na(reason: str, **extra) -> dict:
    return {"status": "not_assessable", "reason": reason, **extra}


def no_final_data(row, latest_year: int | None, so_far: str = "") -> dict:
    """A final edition needs the target year's data; without it there is no final verdict, only the record so far."""
    tail = f"；截至{latest_year}年：{so_far}" if latest_year and so_far else (
        f"；最新数据为{latest_year}年" if latest_year else "")
    return na(f"总结评估须有目标年（{row.target_year}年）的数据，尚未获得{tail}")


def kept_verdict(row, latest_year: int, kept: bool, text: str) -> dict | None:
    """A running commitment (a bound, a yearly average, a relation) that is kept: held in mid-course
    (rules.yml `held_midterm_status`); in a final edition 完成/未完成 at the target year, else no verdict yet.
    None when a mid-course edition finds it not kept: the form says how far off it is."""
    if row.final:
        if latest_year >= row.target_year:
            return {"status": "achieved" if kept else "missed", "outlook": "final", "reason": text}
        return no_final_data(row, latest_year, text)
    if kept:
        return {"status": row.rules["held_midterm_status"], "outlook": "likely", "reason": text}
    return None
