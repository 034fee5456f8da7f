"""Reach a level by the target year (达到/突破/降至), on a linear or geometric path."""
from __future__ import annotations

import math

from ..pace import meets, na, no_final_data, outlook, pace_status
from ..row import Row
from ..derived import derived_start
from ..series import Chosen, choose, flag
from ..values import g, gu, rounded, target_words, to_str, years_window
from .bound import assess_bound


def start_point(row: Row, chosen: Chosen) -> tuple | None:
    """(year, value, how) the progress is measured from: the plan's baseline; without one, the value published
    for the plan's baseline year (a reference point, not a scored value) in the territory of the latest value,
    or in another one with a warning; else the first value in the window."""
    points = chosen.points
    b_year, b_val = row.baseline
    if b_year is not None and b_val is not None:
        return b_year, b_val, "plan"
    base_year = row.audit["window"][0] - 1
    at_base = row.own[row.own["year"] == base_year]
    same = at_base[at_base["scope"] == chosen.latest_scope]
    ref = choose(row, frame=same if len(same) else at_base, key="baseline_used")
    if ref.points and ref.latest_scope != chosen.latest_scope:
        chosen.flags.append(flag("territory", f"起点（{base_year}年）为{ref.latest_scope}口径，最新值为"
                                              f"{chosen.latest_scope}口径，进度按不同口径的数值计算，需谨慎使用"))
    if ref.points:
        row.audit["baseline_substitute"] = {"year": base_year, "value": ref.points[0][1],
                                            "why": f"规划未列基期值：以公布的{base_year}年数值为起点（Open SDG 做法）"}
        return base_year, ref.points[0][1], "published"
    derived = derived_start(row, base_year)
    if derived:
        row.audit["baseline_substitute"] = {**derived, "derived": True}
        chosen.flags.append(flag("info", f"起点{base_year}年{g(derived['value'])}为本报告由同一来源公布的两个分项计算"
                                         f"（{derived['formula']}），不是公布数"))
        return base_year, derived["value"], "derived"
    if len(points) >= 2:
        row.audit["baseline_substitute"] = {"year": points[0][0], "value": points[0][1],
                                            "why": "规划未列基期值，基期年份也无公开数值：以评估窗口内最早的数值为起点"}
        return points[0][0], points[0][1], "first"
    return None


def assess_level(row: Row) -> dict:
    target, T = row.target, row.target_year
    if target is None:
        return na("规划未给出目标值，无法计算进度")
    d, op, text = row.direction, row.operator, target_words(row.reg)
    b_year, b_val = row.baseline
    if b_val is not None and meets(b_val, target, op, d, row.rules):
        # already met when the plan was written: a target to keep, judged every year (rules.yml anchor `held`)
        row.audit["maintain"] = f"基期（{b_year}年{g(b_val)}）已达到目标：按每年保持判断"
        return assess_bound(row, bound="目标")
    chosen = choose(row)
    if not chosen.points:
        bound = _lower_bound(row, target, op, d, text)
        return bound or na(f"暂无{years_window(row.first_year, row.cutoff)}的数据，无法评估", flags=chosen.flags)
    t, v = chosen.points[-1]
    base = {"latest_year": t, "latest_value": v, "latest_scope": chosen.latest_scope, "flags": chosen.flags}
    if meets(v, target, op, d, row.rules):
        row.audit["met_at"] = t
        return {"status": "achieved", "outlook": "final" if row.final else "achieved",
                "reason": f"{t}年{gu(v, row.reg)}，已达到目标（{text}）", **base}
    if row.final:
        if t >= T:
            return {"status": "missed", "outlook": "final", "reason": f"{t}年{gu(v, row.reg)}，未达到目标（{text}）", **base}
        return {**no_final_data(row, t, f"{gu(v, row.reg)}，尚未达到目标（{text}）"), **base}
    start = start_point(row, chosen)
    if start is None:
        return {"status": "short_no_pace", "outlook": "not_assessable",
                "reason": f"{t}年{gu(v, row.reg)}，尚未达到目标（{text}）；规划未列基期值，基期年份也无公开数值，"
                          "只有一个数据点，无法计算进度", **base}
    b_year, b_val, how = start
    if T <= b_year or t <= b_year:
        return na("起点年份不早于最新数据年份，无法计算时间进度", **base)
    if meets(b_val, target, op, d, row.rules) or d * (target - b_val) <= 0:
        row.audit["maintain"] = "起点已达标（或目标不在起点的改善方向上）：不计算进度比"
        return {"status": "lagging", "outlook": "unlikely" if d * (v - b_val) < 0 else "needs_acceleration",
                "reason": f"起点（{b_year}年{gu(b_val, row.reg)}）已达标，但{t}年{gu(v, row.reg)}不满足目标（{text}）", **base}
    path = to_str(row.reg.get("path_type")) or "linear"
    if path == "geometric" and min(b_val, v, target) <= 0:
        row.audit["path_note"] = "存在零或负值，几何路径无定义，改用线性路径"
        path = "linear"
    row.audit["path"] = path
    tau = (t - b_year) / (T - b_year)
    if path == "geometric":
        progress = math.log(v / b_val) / math.log(target / b_val)
        observed = (v / b_val) ** (1 / (t - b_year)) - 1
        required = (target / v) ** (1 / (T - t)) - 1
        projected = v * (1 + observed) ** (T - t)
        rate_kind, formula = "rate_pct", "p = ln(V_t/V_b)/ln(V*/V_b)"
    else:
        progress = (v - b_val) / (target - b_val)
        observed = (v - b_val) / (t - b_year)
        required = (target - v) / (T - t)
        projected = v + observed * (T - t)
        rate_kind, formula = "increment", "p = (V_t−V_b)/(V*−V_b)"
    pace = progress / tau
    observed_oriented = d * observed
    acceleration = (required / observed) if observed_oriented > 0 else None
    shortfall = d * (target - projected) / abs(target - b_val)
    row.audit["computed"] = {"baseline_year": b_year, "baseline_value": b_val, "baseline_from": how,
                             "latest_year": t, "latest_value": v, "time_share": tau, "progress_share": progress,
                             "pace_ratio": pace, "formula": formula, "tau_formula": "τ = (t−b)/(T−b)",
                             "pace_formula": "r = p/τ"}
    row.audit["outlook"] = {"rate_kind": rate_kind, "required": required, "observed": observed,
                            "projected": projected, "acceleration": acceleration, "shortfall_share": shortfall,
                            "projection_formula": "V_t·(1+g_obs)^(T−t)" if path == "geometric" else "V_t + Δ_obs·(T−t)"}
    start_text = ("" if how == "plan" else f"，起点为{b_year}年由两个公布分项计算的比值{g(b_val)}（本报告计算，规划未列基期值）"
                  if how == "derived" else f"，起点为{b_year}年公布值{g(b_val)}（规划未列基期值）")
    path_text = f"（{'几何' if path == 'geometric' else '线性'}路径{start_text}）"
    if progress < 0:     # moving away: a negative share would read as nonsense; say what happened
        reason = (f"{t}年{gu(v, row.reg)}，比起点（{b_year}年{gu(b_val, row.reg)}）离目标更远，时间进度{tau:.0%}{path_text}")
    else:
        reason = f"完成进度{progress:.0%}，时间进度{tau:.0%}，进度比{pace:.2f}{path_text}"
    return {"status": pace_status(pace, row.rules), "outlook": outlook(acceleration, shortfall, observed_oriented, row.rules),
            "reason": reason,
            "time_share": rounded(tau), "progress_share": rounded(progress), "pace_ratio": rounded(pace),
            "projected_value": rounded(projected), "required_rate": rounded(required),
            "observed_rate": rounded(observed), "rate_kind": rate_kind, "start_year": b_year,
            "start_value": b_val, **base}


def _lower_bound(row: Row, target: float, op: str, d: int, text: str) -> dict | None:
    """Only a lower bound of the value (output for a capacity): it can show that a 以上/超过 target is met,
    nothing else (no progress, no shortfall)."""
    bounds = choose(row, kind="lower_bound", key="lower_bounds_used")
    if not bounds.points or d != 1 or op not in (">", ">=", "=", "~"):
        return None
    t, v = bounds.points[-1]
    base = {"latest_year": t, "latest_value": v, "latest_scope": bounds.latest_scope,
            "flags": bounds.flags + [flag("info", "数值为下限值：实际值不低于此数（如以产量作产能的下限）")]}
    if meets(v, target, op, d, row.rules):
        row.audit["met_at"] = t
        return {"status": "achieved", "outlook": "final" if row.final else "achieved",
                "reason": f"{t}年下限值{gu(v, row.reg)}已达到目标（{text}），实际值不低于此数", **base}
    return na(f"只有下限值（{t}年{gu(v, row.reg)}），未达到目标（{text}）不说明实际值未达到：无法判断", **base)
