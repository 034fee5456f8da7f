"""The assessment engine: a status and an outlook for every registry target, by the rules in rules.yml.

One function per target form (see vocab.TARGET_FORMS). Each returns the status code, the numbers behind
it and an audit record listing every input, so a reviewer can recompute the result by hand.
Thresholds and labels are read from rules.yml; nothing numeric is decided here.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

RULES_PATH = Path(__file__).with_name("rules.yml")
SCOPE_PREFERENCE = ("全区", "未注明", "区本级")  # the plan's baselines are 全区 figures
RESULT_COLUMNS = ["id", "plan", "eval_year", "name_zh", "chapter", "attribute", "target_form", "status", "status_zh",
                  "ndrc_class", "ndrc_class_zh", "latest_year", "latest_value", "latest_scope", "baseline_year",
                  "baseline_value", "target_year", "target_value", "time_share", "progress_share", "pace_ratio",
                  "outlook", "outlook_zh", "projected_value", "required_rate", "observed_rate", "scope_flag",
                  "reason", "audit"]


@lru_cache(maxsize=1)
def load_rules() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or (
        not isinstance(x, (str, dict, list)) and pd.isna(x))


def _num(x):
    return None if _missing(x) else float(x)


def _int(x):
    return None if _missing(x) else int(x)


def _r(x, digits=9):
    return None if x is None else round(float(x), digits)


# --------------------------------------------------------------------------------------------- entry
def assess_all(registry: pd.DataFrame, observations: pd.DataFrame, eval_year: int, rules: dict | None = None) -> pd.DataFrame:
    """One result row per registry row, in registry order. Only observations up to ``eval_year`` count."""
    rules = rules or load_rules()
    obs = observations[observations["year"] <= eval_year]
    by_id = {k: g for k, g in obs.groupby("indicator_id", sort=False)}
    empty = obs.iloc[0:0]
    rows = []
    for _, reg in registry.iterrows():
        reg = reg.to_dict()
        own = by_id.get(reg["id"], empty)
        related = by_id.get(reg.get("related_id"), empty) if not _missing(reg.get("related_id")) else empty
        rows.append(assess_one(reg, own, eval_year, rules, related))
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for col in ("eval_year", "latest_year", "baseline_year", "target_year"):
        out[col] = out[col].astype("Int64")
    return out


def assess_one(reg: dict, obs: pd.DataFrame, eval_year: int, rules: dict, related: pd.DataFrame | None = None) -> dict:
    form = reg["target_form"]
    audit = {"form": form, "eval_year": eval_year, "direction": reg.get("direction"),
             "operator": None if _missing(reg.get("target_operator")) else reg.get("target_operator"),
             "baseline": {"year": _int(reg.get("baseline_year")), "value": _num(reg.get("baseline_value"))},
             "target": {"year": _int(reg.get("target_year")), "value": _num(reg.get("target_value")),
                        "text": reg.get("target_text")},
             "thresholds": rules["thresholds"]}
    handler = FORMS[form]
    res = handler(reg, obs.sort_values(["year"], kind="stable"), rules, audit,
                  related if related is not None else obs.iloc[0:0])
    return _finish(reg, res, eval_year, rules, audit)


def _finish(reg: dict, res: dict, eval_year: int, rules: dict, audit: dict) -> dict:
    status = res["status"]
    reason = res.get("reason", "")
    binding = reg.get("attribute") == rules["binding_attribute"]
    if binding and status in rules["binding_demote"]:
        reason += "；约束性指标：未达到符合预期的进度，按滞后报告"
        audit["binding_demoted_from"] = status
        status = "lagging"
    ndrc = next(k for k, v in rules["ndrc_classes"].items() if status in v["from"])
    outlook = res.get("outlook", "not_assessable")
    audit["status"] = status
    out = {c: None for c in RESULT_COLUMNS}
    out.update({
        "id": reg["id"], "plan": reg.get("plan"), "eval_year": eval_year, "name_zh": reg.get("name_zh"),
        "chapter": reg.get("chapter"), "attribute": None if _missing(reg.get("attribute")) else reg.get("attribute"),
        "target_form": reg["target_form"], "status": status, "status_zh": rules["statuses"][status]["zh"],
        "ndrc_class": ndrc, "ndrc_class_zh": rules["ndrc_classes"][ndrc]["zh"],
        "baseline_year": _int(reg.get("baseline_year")), "baseline_value": _num(reg.get("baseline_value")),
        "target_year": _int(reg.get("target_year")), "target_value": _num(reg.get("target_value")),
        "outlook": outlook, "outlook_zh": rules["outlooks"][outlook]["zh"], "reason": reason.lstrip("；"),
    })
    for key in ("latest_year", "latest_value", "latest_scope", "time_share", "progress_share", "pace_ratio",
                "projected_value", "required_rate", "observed_rate", "scope_flag"):
        if res.get(key) is not None:
            out[key] = res[key]
    out["audit"] = json.dumps(audit, ensure_ascii=False, sort_keys=True, default=str)
    return out


# ------------------------------------------------------------------------------------ observations
def _pick_scope(obs: pd.DataFrame, audit: dict) -> tuple[pd.DataFrame, str | None]:
    """Use one territorial scope only (never mix): 全区 if present, else 未注明, else 区本级."""
    if obs.empty:
        return obs, None
    present = [s for s in SCOPE_PREFERENCE if (obs["scope"] == s).any()]
    chosen = present[0]
    flag = None
    if chosen != "全区":
        flag = f"所用数据口径为“{chosen}”，规划基期与目标为全区口径"
    if present[1:]:
        audit["scopes_not_used"] = present[1:]  # shown in the observation table, not mixed into the series
    audit["scope_used"] = chosen
    return obs[obs["scope"] == chosen], flag


def _full_year(obs: pd.DataFrame, audit: dict) -> pd.DataFrame:
    partial = obs[obs["months_covered"] < 12]
    if len(partial):
        audit["excluded"] = audit.get("excluded", []) + [
            {"year": int(o["year"]), "value": _num(o["value"]), "why": f"仅{int(o['months_covered'])}个月数据，不作全年值"}
            for _, o in partial.iterrows()]
    return obs[obs["months_covered"] >= 12]


def _levels(obs: pd.DataFrame, audit: dict, kind: str = "level") -> tuple[list[tuple[int, float]], str | None, str | None]:
    use = _full_year(obs[(obs["value_kind"] == kind) & obs["value"].notna()], audit)
    use, flag = _pick_scope(use, audit)
    points = [(int(o["year"]), float(o["value"])) for _, o in use.iterrows()]
    audit.setdefault("observations_used", []).extend(
        {"year": int(o["year"]), "value": float(o["value"]), "kind": kind, "scope": o["scope"],
         "source_id": o["source_id"]} for _, o in use.iterrows())
    scope = use["scope"].iloc[-1] if len(use) else None
    if len(use) and "与规划基期不可比" in str(use["note"].iloc[-1] if "note" in use else ""):
        # a statistical revision (e.g. the 5th economic census) makes the latest value incomparable
        flag = (flag + "；" if flag else "") + f"最新值：{use['note'].iloc[-1]}"
    return points, flag, scope


# ----------------------------------------------------------------------------------- comparisons
def _sign(reg) -> int:
    return -1 if reg.get("direction") == "lower" else 1


def _meets(value: float, reg: dict, rules: dict) -> bool:
    target, op = float(reg["target_value"]), reg.get("target_operator") or "="
    if op == "~":
        tol = rules["thresholds"]["about_tolerance_share"] * abs(target)
        return abs(value - target) <= tol or _sign(reg) * (value - target) >= 0
    if op == ">":
        return value > target
    if op == "<":
        return value < target
    if op == ">=":
        return value >= target
    if op == "<=":
        return value <= target
    return _sign(reg) * (value - target) >= 0  # "=": reach the value, in the improving direction


def _pace_status(ratio: float, rules: dict) -> str:
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


def _outlook(acceleration: float | None, shortfall: float | None, observed_oriented: float | None, rules: dict) -> str:
    t = rules["thresholds"]
    if observed_oriented is None:
        return "not_assessable"
    if observed_oriented <= 0:
        return "unlikely"
    ranks = []
    if acceleration is not None:
        ranks.append(0 if acceleration <= t["likely_max"] else 1 if acceleration <= t["possible_max"] else 2)
    if shortfall is not None:
        ranks.append(0 if shortfall <= t["shortfall_likely"] else 1 if shortfall <= t["shortfall_possible"] else 2)
    return ("likely", "needs_acceleration", "unlikely")[max(ranks)] if ranks else "not_assessable"


def _na(reason: str, **extra) -> dict:
    return {"status": "not_assessable", "reason": reason, **extra}


# ------------------------------------------------------------------------------------------- forms
def assess_level(reg, obs, rules, audit, related=None) -> dict:
    if _missing(reg.get("target_value")):
        return _na("规划未给出目标值")
    target, T = float(reg["target_value"]), int(reg["target_year"])
    b_year, b_val = _int(reg.get("baseline_year")), _num(reg.get("baseline_value"))
    points, flag, scope = _levels(obs, audit)
    if b_year is not None:
        points = [(y, v) for y, v in points if y > b_year]
    if not points:
        since = f"{b_year + 1}年以来的" if b_year is not None else ""
        return _na(f"暂无{since}公开数据（截至{audit['eval_year']}年）", scope_flag=flag)
    t, v = points[-1]
    base = {"latest_year": t, "latest_value": v, "latest_scope": scope, "scope_flag": flag}
    if b_year is None or b_val is None:
        if len(points) >= 2:
            (b_year, b_val), points = points[0], points[1:]
            audit["baseline_substitute"] = {"year": b_year, "value": b_val,
                                            "why": "规划未给出基期值：以最早的公开数据为起点（Open SDG 做法）"}
        elif _meets(v, reg, rules):
            audit["met_at"] = t
            return {"status": "achieved", "outlook": "achieved", "reason": f"{t}年已达到目标", **base}
        elif t >= T:
            return {"status": "missed", "reason": f"{t}年未达到目标", **base}
        else:
            return _na("规划未给出基期值，且只有一个数据点，无法计算进度", **base)
    d = _sign(reg)
    if _meets(v, reg, rules):
        audit["met_at"] = t
        return {"status": "achieved", "outlook": "achieved", "reason": f"{t}年已达到目标", **base}
    if t >= T:
        return {"status": "missed", "reason": f"目标年（{T}年）未达到目标", **base}
    if _meets(b_val, reg, rules):
        audit["maintain"] = "基期已达标：按保持达标判断"
        return {"status": "lagging", "outlook": "unlikely", "reason": "基期已达标，但最新值已不满足目标", **base}
    path = reg.get("path_type") or "linear"
    if path == "geometric" and min(b_val, v, target) <= 0:
        audit["path_note"] = "存在零或负值，几何路径无定义，改用线性路径"
        path = "linear"
    audit["path"] = path
    tau = (t - b_year) / (T - b_year)
    if path == "geometric":
        progress = math.log(v / b_val) / math.log(target / b_val)
        observed = (v / b_val) ** (1 / (t - b_year)) - 1
        required = (target / v) ** (1 / (T - t)) - 1
        projected = v * (1 + observed) ** (T - t)
        rate_kind = "rate_pct"
    else:
        progress = (v - b_val) / (target - b_val)
        observed = (v - b_val) / (t - b_year)
        required = (target - v) / (T - t)
        projected = v + observed * (T - t)
        rate_kind = "increment"
    pace = progress / tau
    observed_oriented = d * observed
    acceleration = (required / observed) if observed_oriented > 0 else None
    shortfall = d * (target - projected) / abs(target - b_val)
    outlook = _outlook(acceleration, shortfall, observed_oriented, rules)
    audit["computed"] = {"time_share": tau, "progress_share": progress, "pace_ratio": pace,
                         "formula": "p = ln(V_t/V_b)/ln(V*/V_b)" if path == "geometric" else "p = (V_t−V_b)/(V*−V_b)",
                         "tau_formula": "τ = (t−b)/(T−b)"}
    audit["outlook"] = {"rate_kind": rate_kind, "required": required, "observed": observed, "projected": projected,
                        "acceleration": acceleration, "shortfall_share": shortfall}
    return {"status": _pace_status(pace, rules), "outlook": outlook,
            "reason": f"完成进度{progress:.0%}，时间进度{tau:.0%}，进度比{pace:.2f}", "time_share": _r(tau),
            "progress_share": _r(progress), "pace_ratio": _r(pace), "projected_value": _r(projected),
            "required_rate": _r(required), "observed_rate": _r(observed), **base}


def assess_bound(reg, obs, rules, audit, related=None) -> dict:
    """Ceilings (＜) and floors (＞) that must hold in every year of the period."""
    if _missing(reg.get("target_value")):
        return _na("规划未给出上限/下限值")
    b_year = _int(reg.get("baseline_year"))
    T = int(reg["target_year"])
    points, flag, scope = _levels(obs, audit)
    if b_year is not None:
        points = [(y, v) for y, v in points if y > b_year]
    if not points:
        return _na(f"暂无{(b_year or T - 5) + 1}年以来的公开数据（截至{audit['eval_year']}年）", scope_flag=flag)
    t, v = points[-1]
    breaches = [y for y, x in points if not _meets(x, reg, rules)]
    headroom = _sign(reg) * (v - float(reg["target_value"]))
    audit["computed"] = {"years_checked": [y for y, _ in points], "breach_years": breaches, "headroom": headroom}
    base = {"latest_year": t, "latest_value": v, "latest_scope": scope, "scope_flag": flag}
    bound = "上限" if reg["target_form"] == "ceiling" else "下限"
    if not breaches:
        return {"status": "achieved", "outlook": "likely",
                "reason": f"{_years(points[0][0], t)}均满足{bound}（{reg['target_text']}）", **base}
    if t >= T and t in breaches:
        return {"status": "missed", "reason": f"目标年突破{bound}", **base}
    if t not in breaches:
        return {"status": "needs_acceleration", "outlook": "likely",
                "reason": f"最新年份满足{bound}，但{'、'.join(map(str, breaches))}年曾突破", **base}
    return {"status": "lagging", "outlook": "needs_acceleration",
            "reason": f"{t}年突破{bound}（{reg['target_text']}）", **base}


def _years(first: int, last: int) -> str:
    return f"{first}年" if first == last else f"{first}–{last}年各年"


def _chain(points: list[tuple[int, float]], start: int, end: int) -> tuple[float | None, list[int]]:
    """Average rate (fraction) from yearly % rates for every year start..end; None when a year is missing."""
    years = dict(points)
    needed = list(range(start, end + 1))
    missing = [y for y in needed if y not in years]
    if missing or not needed:
        return None, missing
    g = math.prod(1 + years[y] / 100 for y in needed)
    return g ** (1 / len(needed)) - 1, []


def _average_growth(reg, obs, audit) -> tuple[float | None, int | None, int | None, str | None, str | None, str]:
    """(average rate as a fraction, first growth year, last year, scope, scope flag, why-not)."""
    b_year = _int(reg.get("baseline_year"))
    start = b_year + 1 if b_year is not None else int(reg["target_year"]) - 4
    yearly, flag, scope = _levels(obs, audit)
    periods, pflag, pscope = _levels(obs, audit, kind="period_average_growth")
    best = None
    for _, o in obs[(obs["value_kind"] == "period_average_growth") & obs["value"].notna()].iterrows():
        if int(o["period_start_year"]) == start and o["scope"] == audit.get("scope_used", o["scope"]):
            best = (float(o["value"]) / 100, start, int(o["year"]))
    yearly = [(y, v) for y, v in yearly if y >= start]
    chained = None
    if yearly:
        end = yearly[-1][0]
        rate, missing = _chain(yearly, start, end)
        if rate is not None:
            chained = (rate, start, end)
        elif best is None:
            return None, start, end, scope, flag, f"缺少{'、'.join(map(str, missing))}年增速，无法连乘计算年均增速"
    pick = max([c for c in (best, chained) if c], key=lambda c: c[2], default=None)
    if pick is None:
        return None, start, None, scope or pscope, flag or pflag, f"暂无{start}年以来的增速数据（截至{audit['eval_year']}年）"
    audit["growth"] = {"average_rate": pick[0], "first_year": pick[1], "last_year": pick[2],
                       "method": "公布的期间年均增速" if pick is best else "逐年公布增速连乘 Π(1+g)^(1/n)−1"}
    return pick[0], pick[1], pick[2], scope or pscope, flag or pflag, ""


def assess_growth(reg, obs, rules, audit, related=None) -> dict:
    if _missing(reg.get("target_value")):
        return _na("规划未给出增速目标值")
    target = float(reg["target_value"]) / 100
    T = int(reg["target_year"])
    avg, start, t, scope, flag, why = _average_growth(reg, obs, audit)
    if avg is None:
        return _na(why, scope_flag=flag)
    n_done, n_all = t - start + 1, T - start + 1
    base = {"latest_year": t, "latest_value": _r(avg * 100), "latest_scope": scope, "scope_flag": flag,
            "observed_rate": _r(avg)}
    about = reg.get("target_operator") == "~"
    band = rules["thresholds"]["growth_about_pp"] / 100
    met = (abs(avg - target) <= band or avg >= target) if about else (avg > target if reg.get("target_operator") == ">" else avg >= target)
    if t >= T:
        return {"status": "achieved" if met else "missed",
                "reason": f"{start}–{t}年年均增长{avg * 100:.1f}%，目标{target * 100:.1f}%", **base}
    required = ((1 + target) ** n_all / (1 + avg) ** n_done) ** (1 / (n_all - n_done)) - 1
    if target > 0 and not (about and abs(avg - target) <= band):
        status = _pace_status(avg / target, rules)
        pace = avg / target
    elif about:
        status, pace = "on_track", avg / target if target else None
    else:
        status, pace = ("reversing" if avg < 0 else "on_track"), None
    acceleration = required / avg if avg > 0 else None
    audit["outlook"] = {"rate_kind": "rate_pct", "required": required, "observed": avg, "acceleration": acceleration}
    audit["computed"] = {"pace_ratio": pace, "formula": "r = ḡ/g*", "years_done": n_done, "years_total": n_all}
    done = f"{start}年增长{avg * 100:.1f}%" if start == t else f"{start}–{t}年年均增长{avg * 100:.1f}%"
    return {"status": status, "outlook": _outlook(acceleration, None, avg if target > 0 else None, rules),
            "reason": f"{done}，目标年均{target * 100:.1f}%", "pace_ratio": _r(pace),
            "time_share": _r(n_done / n_all), "required_rate": _r(required), **base}


def assess_cumulative(reg, obs, rules, audit, related=None) -> dict:
    if _missing(reg.get("target_value")):
        return _na("规划未给出累计目标值")
    target, T = float(reg["target_value"]), int(reg["target_year"])
    start = T - 4
    totals, flag, scope = _levels(obs, audit, kind="period_total")
    yearly, yflag, yscope = _levels(obs, audit)
    yearly = [(y, v) for y, v in yearly if start <= y <= T]
    candidates = []
    for _, o in obs[(obs["value_kind"] == "period_total") & obs["value"].notna()].iterrows():
        if int(o["period_start_year"]) == start:
            candidates.append((int(o["year"]), float(o["value"]), "公布的期间累计数"))
    if yearly:
        years = [y for y, _ in yearly]
        missing = [y for y in range(start, years[-1] + 1) if y not in years]
        if not missing:
            candidates.append((years[-1], sum(v for _, v in yearly), "逐年数值相加"))
        elif not candidates:
            return _na(f"缺少{'、'.join(map(str, missing))}年数据，累计数不完整（已有部分合计"
                       f"{sum(v for _, v in yearly):g}，仅为下限）", scope_flag=yflag)
    if not candidates:
        return _na(f"暂无{start}年以来的公开数据（截至{audit['eval_year']}年）", scope_flag=flag or yflag)
    t, total, method = max(candidates, key=lambda c: c[0])
    audit["cumulative"] = {"sum": total, "through": t, "method": method, "period_start": start}
    base = {"latest_year": t, "latest_value": total, "latest_scope": scope or yscope, "scope_flag": flag or yflag}
    tau = (t - start + 1) / (T - start + 1)
    progress = total / target
    if total >= target:
        return {"status": "achieved", "outlook": "achieved", "reason": f"至{t}年累计{total:g}，已达到累计目标",
                "progress_share": _r(progress), "time_share": _r(tau), **base}
    if t >= T:
        return {"status": "missed", "reason": f"期末累计{total:g}，未达到累计目标{target:g}",
                "progress_share": _r(progress), **base}
    per_year = total / (t - start + 1)
    required = (target - total) / (T - t)
    projected = total + per_year * (T - t)
    pace = progress / tau
    audit["outlook"] = {"rate_kind": "increment", "required": required, "observed": per_year, "projected": projected}
    audit["computed"] = {"time_share": tau, "progress_share": progress, "pace_ratio": pace,
                         "formula": "p = S_t/S*, τ = 已过年数/5"}
    shortfall = (target - projected) / target
    return {"status": _pace_status(pace, rules),
            "outlook": _outlook(required / per_year if per_year > 0 else None, shortfall, per_year, rules),
            "reason": f"至{t}年累计{total:g}，完成{progress:.0%}，时间进度{tau:.0%}", "time_share": _r(tau),
            "progress_share": _r(progress), "pace_ratio": _r(pace), "projected_value": _r(projected),
            "required_rate": _r(required), "observed_rate": _r(per_year), **base}


def _verdict(reg, obs, audit) -> dict | None:
    rows = obs[obs["verdict"].notna()]
    if rows.empty:
        return None
    o = rows.sort_values("year").iloc[-1]
    audit["verdict_used"] = {"year": int(o["year"]), "verdict": o["verdict"], "source_id": o["source_id"],
                             "quote": o["quote"]}
    final = int(o["year"]) >= int(reg["target_year"])
    if o["verdict"] == "met":
        status = "achieved" if final else "on_track"
    else:
        status = "missed" if final else "lagging"
    return {"status": status, "latest_year": int(o["year"]), "latest_scope": o["scope"],
            "outlook": "achieved" if status == "achieved" else "not_assessable",
            "reason": f"{int(o['year'])}年记录的结论：{'完成' if o['verdict'] == 'met' else '未完成'}（{o['source_id']}）"}


def assess_city_assigned(reg, obs, rules, audit, related=None) -> dict:
    found = _verdict(reg, obs, audit)
    if found:
        return found
    values, flag, scope = _levels(obs, audit)
    latest = {"latest_year": values[-1][0], "latest_value": values[-1][1], "latest_scope": scope} if values else {}
    shown = f"；最新公开值{values[-1][1]:g}（{values[-1][0]}年）" if values else ""
    return {"status": "pending", "reason": "按市下达：尚未记录市下达的数值或考核结论，不作推断" + shown,
            "scope_flag": flag, **latest}


def assess_relational(reg, obs, rules, audit, related=None) -> dict:
    basis = None if _missing(reg.get("basis")) else reg.get("basis")
    own_bases = set(obs["price_basis"].dropna()) if len(obs) else set()
    rel_bases = set(related["price_basis"].dropna()) if related is not None and len(related) else set()
    audit["basis"] = {"target": basis, "indicator": sorted(own_bases), "related": sorted(rel_bases),
                      "related_id": reg.get("related_id")}
    if obs.empty or related is None or related.empty:
        return _na(f"暂无本指标或{reg.get('related_id')}的逐年增速数据（截至{audit['eval_year']}年）")
    if basis:
        own = obs[obs["price_basis"] == basis]
        rel = related[related["price_basis"] == basis]
        if own.empty or rel.empty:
            return _na(f"两者价格口径不一致或未注明：规划按{'实际' if basis == 'real' else '名义'}增速比较，"
                       f"本指标为{'/'.join(sorted(own_bases)) or '未注明'}，对比序列为{'/'.join(sorted(rel_bases)) or '未注明'}；不作换算")
    else:
        own, rel = obs, related
    own_audit, rel_audit = {}, {}
    own_pts, flag, scope = _levels(own, own_audit)
    rel_pts, rflag, _ = _levels(rel, rel_audit)
    b_year = _int(reg.get("baseline_year")) or int(reg["target_year"]) - 5
    years = sorted(set(y for y, _ in own_pts if y > b_year) & set(y for y, _ in rel_pts if y > b_year))
    audit["observations_used"] = own_audit.get("observations_used", []) + rel_audit.get("observations_used", [])
    if not years:
        return _na("本指标与对比序列没有相同年份的增速数据")
    start, t = years[0], years[-1]
    g_own, miss1 = _chain(own_pts, start, t)
    g_rel, miss2 = _chain(rel_pts, start, t)
    if g_own is None or g_rel is None:
        return _na(f"缺少{'、'.join(map(str, sorted(set(miss1 + miss2))))}年数据，无法连乘比较")
    gap_pp = (g_own - g_rel) * 100
    in_step = sum(1 for y in years if dict(own_pts)[y] >= dict(rel_pts)[y])
    audit["computed"] = {"own_average": g_own, "related_average": g_rel, "gap_pp": gap_pp,
                         "years": years, "years_in_step": in_step}
    base = {"latest_year": t, "latest_value": dict(own_pts)[t], "latest_scope": scope, "scope_flag": flag or rflag,
            "observed_rate": _r(g_own)}
    tol = rules["thresholds"]["relational_gap_pp"]
    final = t >= int(reg["target_year"])
    if gap_pp >= 0:
        status = "achieved"
    elif gap_pp >= -tol:
        status = "on_track"
    else:
        status = "missed" if final else "lagging"
    return {"status": status, "outlook": "not_assessable",
            "reason": f"{start}–{t}年年均增长{g_own * 100:.1f}%，对比序列{g_rel * 100:.1f}%，差{gap_pp:+.1f}个百分点；"
                      f"{len(years)}年中{in_step}年不低于对比序列", **base}


def assess_qualitative(reg, obs, rules, audit, related=None) -> dict:
    found = _verdict(reg, obs[obs["quote"].notna()], audit)
    return found or _na("定性目标：尚无引用证据，不作判断")


FORMS = {"level": assess_level, "ceiling": assess_bound, "floor": assess_bound, "growth": assess_growth,
         "cumulative": assess_cumulative, "city_assigned": assess_city_assigned, "relational": assess_relational,
         "qualitative": assess_qualitative}


# ------------------------------------------------------------------------------------- the method
def method_markdown() -> str:
    """The rules as the methodology page states them, generated from rules.yml."""
    rules = load_rules()
    t, a = rules["thresholds"], rules["anchors"]
    status_rows = "\n".join(f"| `{k}` | {v['zh']} | {v['en']} |" for k, v in rules["statuses"].items())
    ndrc_rows = "\n".join(f"| {v['zh']} | {'、'.join(rules['statuses'][s]['zh'] for s in v['from'])} |"
                          for v in rules["ndrc_classes"].values())
    anchor_rows = "\n".join(f"| `{k}` | {t[k]} | {a.get(k, '')} |" for k in t)
    return f"""## 评估规则

记号：基期年 $b$、基期值 $V_b$；目标年 $T$、目标值 $V^*$；最新有数据的年份 $t$（不是报告年份）及其数值 $V_t$。
方向 $d=+1$（越高越好）或 $-1$（越低越好）。

- **时间进度** $\\tau = (t-b)/(T-b)$，按最新有数据的年份计算。
- **完成进度**：线性路径 $p=(V_t-V_b)/(V^*-V_b)$；几何路径 $p=\\ln(V_t/V_b)/\\ln(V^*/V_b)$。路径类型逐项登记（`path_type`），
  存在零或负值时几何路径改为线性并在审计记录中注明。
- **进度比** $r = p/\\tau$：$r \\ge {t['ahead']}$ 快于预期；${t['on_track']} \\le r < {t['ahead']}$ 符合预期；
  ${t['moderate']} \\le r < {t['on_track']}$ 基本符合预期（需加力）；$0 \\le r < {t['moderate']}$ 滞后；$r<0$ 逆向变化。
  最新值已满足目标即为“已达标”；到目标年仍未满足为“未完成”。基期已达标的目标按“保持”判断。
- **上限/下限**（如 ＜3.5%、＞98%）：每个有数据的年份都须满足；全部满足为已达标，最新年份满足但曾突破为需加力，最新年份突破为滞后。
- **年均增速目标**：逐年公布的增速连乘 $\\bar g = (\\prod (1+g_y))^{{1/n}}-1$，或直接使用公布的期间年均增速；
  从不由名义总量反推实际增速。$r=\\bar g/g^*$ 按上面的区间分级；“左右”目标在 ±{t['growth_about_pp']} 个百分点内视为符合预期。
  剩余年份所需增速 $g_{{rem}} = ((1+g^*)^{{T-b}}/\\prod(1+g_y))^{{1/(T-t)}}-1$。
- **累计目标**（[ ] 内数值）：$S_t=\\sum x_y$（缺任何一年即不计算，只列部分合计为下限），$p=S_t/S^*$，时间进度按已过年数/5。
- **按市下达**：有市下达数值或考核结论时按其判断；没有时为“待市下达”，绝不自拟目标。
- **与经济增长同步**：两序列须同一价格口径（实际或名义），否则不作比较；逐年连乘后比较年均增速，
  差距 ≥0 为已达标（同步或快于），在 −{t['relational_gap_pp']} 个百分点以内为符合预期，否则滞后。
- **定性目标**：只有引用了证据（来源和原文）的结论才给出状态。
- **约束性指标**：未达到“符合预期”的一律按“滞后”报告（国家发展改革委中期评估的做法），单独计数。
- **口径**：每个指标只用一种口径的数据（全区优先，其次未注明，最后区本级），不混用；所用口径与规划不同时在结果中标注。
  仅有部分月份（如1—11月）的数值不作全年值使用。备注注明“与规划基期不可比”（如第五次全国经济普查修订后）的最新值照常列示，但在结果中标注。
- **数据不足**：没有基期以来的数据、没有目标值、或没有基期值且只有一个数据点时，结论为“暂无法评估”，并写明原因。
- **2025年展望**：所需年均变化（线性为每年增量，几何为每年增速）与基期以来实际年均变化之比为加速系数 $A$；
  按实际速度外推得到 2025 年预测值 $\\hat V_T$，缺口比例 $s=d(V^*-\\hat V_T)/|V^*-V_b|$。
  $A\\le{t['likely_max']}$ 且 $s\\le{t['shortfall_likely']}$ 为预计可完成；$A\\le{t['possible_max']}$ 且 $s\\le{t['shortfall_possible']}$ 为需加快方可完成；
  其余（或基期以来没有进展）为完成难度大。取两个信号中较差的一个。外推只用于展望，不是统计数据。
- 每项结果都附审计记录（评估结果下载文件的 `audit` 列），列出所用的每个输入和中间值，可以手工复算。

### 状态

| 代码 | 报告用语 | 条件 |
|---|---|---|
{status_rows}

### 按国家发展改革委表述汇总

| 汇总类别 | 包含的状态 |
|---|---|
{ndrc_rows}

### 阈值及其依据

| 参数 | 取值 | 依据 |
|---|---|---|
{anchor_rows}
"""
