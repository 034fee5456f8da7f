"""The assessment engine: a status and an outlook for every registry target, by the rules in rules.yml.

Public functions:
- ``load_rules()``: the parsed rules.yml (statuses, NDRC classes, outlooks, thresholds, anchors, scopes, form texts).
- ``assess_all(registry, observations, eval_year)``: one result row per registry row (registry order).
- ``assess_one(reg, observations, eval_year)``: the result dict for one registry row.
- ``method_markdown()``: the Chinese methodology text, generated from rules.yml.

One function per target form (see vocab.TARGET_FORMS). Each returns the status code, the numbers behind it
and fills an audit record listing every input, so a reviewer can recompute the result by hand.
Thresholds and labels are read from rules.yml; nothing numeric is decided here.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .fmt import is_missing

RULES_PATH = Path(__file__).with_name("rules.yml")
RESULT_COLUMNS = ["id", "plan", "eval_year", "name_zh", "chapter", "attribute", "target_form", "status", "status_zh",
                  "ndrc_class", "ndrc_class_zh", "latest_year", "latest_value", "latest_scope", "baseline_year",
                  "baseline_value", "target_year", "target_value", "time_share", "progress_share", "pace_ratio",
                  "outlook", "outlook_zh", "projected_value", "required_rate", "observed_rate", "scope_flag",
                  "reason", "audit"]
INT_COLUMNS = ("eval_year", "latest_year", "baseline_year", "target_year")
FLOAT_COLUMNS = ("latest_value", "baseline_value", "target_value", "time_share", "progress_share", "pace_ratio",
                 "projected_value", "required_rate", "observed_rate")
PERIOD_YEARS = 5            # a five-year plan: the period is T-4 .. T
RETROSPECTIVE_PLANS = {"13th"}  # judged at their own target year, whatever the eval year
OBS_SORT = ["year", "scope", "source_id", "value_kind", "value", "verdict"]


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """rules.yml as a dict. Cached: treat the result as read-only."""
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------- small helpers
def _missing(x) -> bool:
    return x.strip() == "" if isinstance(x, str) else is_missing(x)


def _num(x):
    return None if _missing(x) else float(x)


def _int(x):
    return None if _missing(x) else int(x)


def _str(x):
    return None if _missing(x) else str(x)


def _r(x, digits=9):
    return None if x is None else round(float(x), digits)


def _g(x) -> str:
    """A number for Chinese reason text, without float noise."""
    return f"{round(float(x), 6):g}"


def _sign(reg) -> int:
    return -1 if reg.get("direction") == "lower" else 1


def _years_text(years) -> str:
    return "、".join(str(y) for y in years)


# --------------------------------------------------------------------------------------------- entry points
def assess_all(registry: pd.DataFrame, observations: pd.DataFrame, eval_year: int,
               rules: dict | None = None) -> pd.DataFrame:
    """One result row per registry row, in registry order.

    Only observations with ``year <= eval_year`` count; 13th-plan rows are judged at their target year.
    The result does not depend on the row order of either frame."""
    rules = rules or load_rules()
    obs = _sorted_obs(observations)
    rows = [assess_one(reg.to_dict(), obs, eval_year, rules, _presorted=True) for _, reg in registry.iterrows()]
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for col in INT_COLUMNS:
        out[col] = pd.array([_int(v) for v in out[col]], dtype="Int64")
    for col in FLOAT_COLUMNS:
        out[col] = pd.to_numeric(pd.Series([_num(v) for v in out[col]], dtype="object"), errors="coerce").astype(float)
    return out


def assess_one(reg, observations: pd.DataFrame, eval_year: int, rules: dict | None = None,
               _presorted: bool = False) -> dict:
    """The result for one registry row (a dict or Series with the registry columns).

    ``observations`` may hold every observation; this row's and its ``related_id`` series are picked here."""
    rules = rules or load_rules()
    reg = dict(reg)
    obs = observations if _presorted else _sorted_obs(observations)
    row_eval = int(eval_year)
    target_year = _int(reg.get("target_year"))
    if reg.get("plan") in RETROSPECTIVE_PLANS and target_year is not None:
        row_eval = target_year
    cutoff = min(row_eval, target_year) if target_year is not None else row_eval  # the verdict is at the target year
    obs = obs[obs["year"] <= cutoff]
    own = obs[obs["indicator_id"] == reg["id"]]
    related_id = _str(reg.get("related_id"))
    related = obs[obs["indicator_id"] == related_id] if related_id else obs.iloc[0:0]
    form = reg.get("target_form")
    audit = {"id": reg["id"], "form": form, "eval_year": row_eval, "data_cutoff_year": cutoff, "direction": _str(reg.get("direction")),
             "attribute": _str(reg.get("attribute")), "operator": _str(reg.get("target_operator")),
             "path_type_registered": _str(reg.get("path_type")),
             "baseline": {"year": _int(reg.get("baseline_year")), "value": _num(reg.get("baseline_value")),
                          "text": _str(reg.get("baseline_text"))},
             "target": {"year": target_year, "value": _num(reg.get("target_value")),
                        "text": _str(reg.get("target_text"))},
             "thresholds": rules["thresholds"]}
    handler = FORMS.get(form)
    if handler is None:
        res = _na(f"未知的目标类型“{form}”")
    elif target_year is None:
        res = _na("登记表未给出目标年份")
    else:
        res = handler(reg, own, rules, audit, related)
    return _finish(reg, res, row_eval, rules, audit)


def _sorted_obs(observations: pd.DataFrame) -> pd.DataFrame:
    obs = observations.copy()
    for col, default in (("value_kind", "level"), ("months_covered", 12), ("scope", "未注明"), ("verdict", None),
                         ("price_basis", None), ("period_start_year", None), ("source_id", ""), ("quote", None),
                         ("note", None), ("value", None)):
        if col not in obs.columns:
            obs[col] = default
    obs["value_kind"] = obs["value_kind"].where(obs["value_kind"].notna(), "level")
    obs["months_covered"] = obs["months_covered"].where(obs["months_covered"].notna(), 12)
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce")
    def key(row) -> tuple:
        return tuple((0, float(x)) if isinstance(x, (int, float)) and not _missing(x)
                     else (1, "" if _missing(x) else str(x)) for x in row)

    keys = [key(row) for row in obs[OBS_SORT].itertuples(index=False, name=None)]
    order = sorted(range(len(obs)), key=keys.__getitem__)
    obs = obs.iloc[order].reset_index(drop=True)
    return obs


def _finish(reg: dict, res: dict, eval_year: int, rules: dict, audit: dict) -> dict:
    status = res["status"]
    reason = res.get("reason", "")
    binding = reg.get("attribute") == rules["binding_attribute"]
    if binding and status in rules["binding_demote"]:
        reason += "；约束性指标：未达到符合预期的进度，按滞后报告"
        audit["binding_demoted_from"] = status
        status = "lagging"
    ndrc = next(k for k, v in rules["ndrc_classes"].items() if status in v["from"])
    outlook = res.get("outlook") or "not_assessable"
    audit["status"] = status
    audit["outlook_code"] = outlook
    out = {c: None for c in RESULT_COLUMNS}
    out.update({
        "id": reg["id"], "plan": _str(reg.get("plan")), "eval_year": eval_year, "name_zh": _str(reg.get("name_zh")),
        "chapter": _str(reg.get("chapter")), "attribute": _str(reg.get("attribute")),
        "target_form": reg.get("target_form"), "status": status, "status_zh": rules["statuses"][status]["zh"],
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


def _na(reason: str, **extra) -> dict:
    return {"status": "not_assessable", "reason": reason, **extra}


# --------------------------------------------------------------------------------------------- observations
def _series(obs: pd.DataFrame, audit: dict, rules: dict, kind: str = "level", basis: str | None = None,
            key: str = "observations_used", since: int | None = None) -> tuple[list[tuple[int, float]], str | None, str | None]:
    """One value per year: (points, scope_flag, latest scope). Records what was used and left out in ``audit``.

    Per year: 全区 first, then 未注明 (flagged); 区本级 only when the series has nothing else (flagged, never
    mixed). Partial years (months_covered < 12) and rows on another price basis are left out."""
    rows = obs[(obs["value_kind"] == kind) & obs["value"].notna()]
    if since is not None:
        rows = rows[rows["year"] >= since]  # only the years that count: the scope choice looks at these alone
    excluded = audit.setdefault("excluded", [])
    partial = rows[rows["months_covered"] < 12]
    for _, o in partial.iterrows():
        excluded.append({"year": int(o["year"]), "value": float(o["value"]), "source_id": o["source_id"],
                         "why": f"仅{int(o['months_covered'])}个月数据，不作全年值"})
    rows = rows[rows["months_covered"] >= 12]
    if basis:
        other = rows[rows["price_basis"].notna() & (rows["price_basis"] != basis)]
        for _, o in other.iterrows():
            excluded.append({"year": int(o["year"]), "value": float(o["value"]), "source_id": o["source_id"],
                             "why": f"价格口径为{o['price_basis']}，目标按{basis}口径"})
        rows = rows[~rows.index.isin(other.index)]
    if rows.empty:
        return [], None, None
    scopes = rules["scopes"]
    compatible = rows[rows["scope"].isin(scopes["compatible"])]
    if len(compatible):
        use, preference = compatible, list(scopes["compatible"])
    else:
        preference = list(scopes["fallback"]) + sorted(set(rows["scope"]) - set(scopes["fallback"]))
        use = rows[rows["scope"] == next(s for s in preference if (rows["scope"] == s).any())]
    chosen = []
    for year, group in use.groupby("year", sort=True):
        group = group.assign(_rank=group["scope"].map(lambda s: preference.index(s) if s in preference else 99))
        best_rank = group["_rank"].min()
        top = group[group["_rank"] == best_rank]
        pick = top.iloc[-1]  # deterministic: observations are sorted by source_id, value
        for _, o in pd.concat([group[group["_rank"] != best_rank], top.iloc[:-1]]).iterrows():
            excluded.append({"year": int(o["year"]), "value": float(o["value"]), "scope": o["scope"],
                             "source_id": o["source_id"],
                             "why": "同年已有优先口径或按来源编号排序在后的数值" if o["scope"] == pick["scope"]
                             else f"同年已有{pick['scope']}口径数值"})
        chosen.append(pick)
    not_used = sorted(set(rows["scope"]) - {o["scope"] for o in chosen})
    audit.setdefault(key, []).extend(
        {"year": int(o["year"]), "value": float(o["value"]), "kind": kind, "scope": o["scope"],
         "price_basis": _str(o["price_basis"]), "source_id": o["source_id"],
         **({"period_start_year": _int(o["period_start_year"])} if kind != "level" else {})} for o in chosen)
    if not excluded:
        audit.pop("excluded")
    points = [(int(o["year"]), float(o["value"])) for o in chosen]
    flags = []
    plan_scope = scopes["plan_scope"]
    used_scopes = {o["scope"] for o in chosen}
    latest = chosen[-1]
    if latest["scope"] != plan_scope:
        flags.append(f"最新值为“{latest['scope']}”口径，规划基期与目标为{plan_scope}口径")
    if len(used_scopes) > 1:
        mixed = "；".join(f"{s}：{_years_text(o['year'] for o in chosen if o['scope'] == s)}年"
                         for s in sorted(used_scopes, key=preference.index))
        flags.append(f"所用数据口径不一（{mixed}）")
    if not_used:
        flags.append(f"另有{'、'.join(not_used)}口径数据，未混用")
    note = _str(latest.get("note"))
    if note and "不可比" in note:
        flags.append(f"最新值：{note}")
    return points, ("；".join(flags) or None), latest["scope"]


def _verdict(reg, obs, audit, require_quote=False) -> dict | None:
    rows = obs[obs["verdict"].notna() & obs["verdict"].isin(["met", "not_met"])]
    if require_quote:
        rows = rows[rows["quote"].map(lambda q: not _missing(q))]
    if rows.empty:
        return None
    year = int(rows["year"].max())
    latest = rows[rows["year"] == year]
    o = latest.iloc[-1]
    audit["verdicts"] = [{"year": int(v["year"]), "verdict": v["verdict"], "source_id": v["source_id"],
                          "quote": _str(v["quote"])} for _, v in rows.iterrows()]
    audit["verdict_used"] = {"year": year, "verdict": o["verdict"], "source_id": o["source_id"], "quote": _str(o["quote"])}
    final = year >= int(reg["target_year"])
    met = o["verdict"] == "met"
    status = ("achieved" if met else "missed") if final else ("on_track" if met else "lagging")
    conflict = "；同年另有不同结论，见审计记录" if latest["verdict"].nunique() > 1 else ""
    return {"status": status, "latest_year": year, "latest_scope": o["scope"],
            "outlook": "final" if final else "not_assessable",
            "reason": f"{year}年记录的结论：{'完成' if met else '未完成'}（来源 {o['source_id']}）{conflict}"}


# --------------------------------------------------------------------------------------------- comparisons
def _meets(value: float, reg: dict, rules: dict) -> bool:
    target, op = float(reg["target_value"]), _str(reg.get("target_operator")) or "="
    if op == "~":
        tol = rules["thresholds"]["about_tolerance_share"] * abs(target)
        return abs(value - target) <= tol + 1e-12 or _sign(reg) * (value - target) >= 0
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
    """likely / needs_acceleration / unlikely from the acceleration factor and the projected shortfall (the worse)."""
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


# --------------------------------------------------------------------------------------------- forms
def assess_level(reg, obs, rules, audit, related=None) -> dict:
    """Reach a level (higher or lower is better), on a linear or geometric path."""
    if _missing(reg.get("target_value")):
        return _na("规划未给出目标值，无法计算进度")
    target, T = float(reg["target_value"]), int(reg["target_year"])
    b_year, b_val = _int(reg.get("baseline_year")), _num(reg.get("baseline_value"))
    points, flag, scope = _series(obs, audit, rules, since=b_year + 1 if b_year is not None else None)
    if not points:
        since = f"基期（{b_year}年）以后的" if b_year is not None else ""
        return _na(f"暂无{since}公开数据（截至{audit['eval_year']}年），无法计算进度", scope_flag=flag)
    t, v = points[-1]
    base = {"latest_year": t, "latest_value": v, "latest_scope": scope, "scope_flag": flag}
    if _meets(v, reg, rules):
        audit["met_at"] = t
        return {"status": "achieved", "outlook": "final" if t >= T else "achieved",
                "reason": f"{t}年{_g(v)}，已达到目标（{reg.get('target_text')}）", **base}
    if t >= T:
        return {"status": "missed", "outlook": "final",
                "reason": f"目标年{t}年{_g(v)}，未达到目标（{reg.get('target_text')}）", **base}
    if b_year is None or b_val is None:
        if len(points) < 2:
            return _na("规划未给出基期值，且基期以后只有一个数据点，无法计算进度", **base)
        (b_year, b_val), points = points[0], points[1:]
        audit["baseline_substitute"] = {"year": b_year, "value": b_val,
                                        "why": "规划未给出基期值：以最早的公开数据为起点（Open SDG 做法）"}
    d = _sign(reg)
    if T <= b_year:
        return _na("目标年份不晚于基期年份，无法计算时间进度", **base)
    if _meets(b_val, reg, rules) or d * (target - b_val) <= 0:
        audit["maintain"] = "基期已达标（或目标不在基期的改善方向上）：按保持达标判断，不计算进度比"
        return {"status": "lagging", "outlook": "unlikely" if d * (v - b_val) < 0 else "needs_acceleration",
                "reason": (f"基期已达标（{b_year}年{_g(b_val)}），但" if _meets(b_val, reg, rules) else
                           f"目标不在基期（{b_year}年{_g(b_val)}）的改善方向上，按保持判断；") +
                          f"{t}年{_g(v)}不满足目标（{reg.get('target_text')}）", **base}
    path = _str(reg.get("path_type")) or "linear"
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
    outlook = _outlook(acceleration, shortfall, observed_oriented, rules)
    audit["computed"] = {"baseline_year": b_year, "baseline_value": b_val, "latest_year": t, "latest_value": v,
                         "time_share": tau, "progress_share": progress, "pace_ratio": pace, "formula": formula,
                         "tau_formula": "τ = (t−b)/(T−b)", "pace_formula": "r = p/τ"}
    audit["outlook"] = {"rate_kind": rate_kind, "required": required, "observed": observed, "projected": projected,
                        "acceleration": acceleration, "shortfall_share": shortfall,
                        "projection_formula": "V_t·(1+g_obs)^(T−t)" if path == "geometric" else "V_t + Δ_obs·(T−t)"}
    return {"status": _pace_status(pace, rules), "outlook": outlook,
            "reason": f"完成进度{progress:.0%}，时间进度{tau:.0%}，进度比{pace:.2f}（{'几何' if path == 'geometric' else '线性'}路径）",
            "time_share": _r(tau), "progress_share": _r(progress), "pace_ratio": _r(pace),
            "projected_value": _r(projected), "required_rate": _r(required), "observed_rate": _r(observed), **base}


def assess_bound(reg, obs, rules, audit, related=None) -> dict:
    """Ceilings (＜) and floors (＞) that must hold in every observed year of the period."""
    bound = "上限" if reg["target_form"] == "ceiling" else "下限"
    if _missing(reg.get("target_value")):
        return _na(f"规划未给出{bound}值")
    T = int(reg["target_year"])
    b_year = _int(reg.get("baseline_year"))
    first = b_year + 1 if b_year is not None else T - PERIOD_YEARS + 1
    points, flag, scope = _series(obs, audit, rules, since=first)
    if not points:
        return _na(f"暂无{first}年以来的公开数据（截至{audit['eval_year']}年）", scope_flag=flag)
    t, v = points[-1]
    breaches = [y for y, x in points if not _meets(x, reg, rules)]
    headroom = _sign(reg) * (v - float(reg["target_value"]))
    audit["computed"] = {"years_checked": [y for y, _ in points], "breach_years": breaches,
                         "headroom_latest": headroom, "headroom_formula": "d·(V_t − V*)，正值为未突破的余量"}
    base = {"latest_year": t, "latest_value": v, "latest_scope": scope, "scope_flag": flag}
    final = t >= T
    if not breaches:
        return {"status": "achieved", "outlook": "final" if final else "likely",
                "reason": f"{_span(points[0][0], t)}均满足{bound}（{reg.get('target_text')}）", **base}
    return {"status": "missed" if final else "lagging", "outlook": "final" if final else "unlikely",
            "reason": f"{_years_text(breaches)}年突破{bound}（{reg.get('target_text')}）；{bound}须每年满足", **base}


def _span(first: int, last: int) -> str:
    return f"{first}年" if first == last else f"{first}–{last}年各年"


def _growth_average(reg, obs, rules, audit, start: int, basis: str | None) -> dict:
    """Average yearly growth (fraction) from the published yearly rates or a published period average.

    Returns {avg, end, latest_value, method, scope, flag} or {why, flag}."""
    yearly, flag, scope = _series(obs, audit, rules, basis=basis, since=start)
    period_rows = obs[obs["period_start_year"].notna()]
    period_rows = period_rows[period_rows["period_start_year"].astype(int) == start]
    periods, pflag, pscope = _series(period_rows, audit, rules, kind="period_average_growth", basis=basis)
    candidates = []
    if periods:
        y, v = periods[-1]
        candidates.append({"avg": v / 100, "end": y, "latest_value": v, "n_years": y - start + 1,
                           "method": f"公布的{start}–{y}年年均增速", "scope": pscope, "flag": pflag, "rank": 1})
    missing = []
    if yearly:
        rates = dict(yearly)
        end = yearly[-1][0]
        missing = [y for y in range(start, end + 1) if y not in rates]
        if not missing:
            growth = math.prod(1 + rates[y] / 100 for y in range(start, end + 1))
            n = end - start + 1
            audit["chain"] = {"years": list(range(start, end + 1)), "rates_pct": [rates[y] for y in range(start, end + 1)],
                              "product": growth, "formula": "ḡ = (Π(1+g_y/100))^(1/n) − 1"}
            candidates.append({"avg": growth ** (1 / n) - 1, "end": end, "latest_value": rates[end], "n_years": n,
                               "method": "逐年公布增速连乘", "scope": scope, "flag": flag, "rank": 0})
    if not candidates:
        if missing:
            return {"why": f"缺少{_years_text(missing)}年增速，无法连乘计算年均增速", "flag": flag}
        return {"why": f"暂无{start}年以来的增速数据（截至{audit['eval_year']}年）", "flag": flag or pflag}
    pick = max(candidates, key=lambda c: (c["end"], c["rank"]))  # latest end year; a published average on a tie
    audit["growth"] = {"average_rate": pick["avg"], "first_year": start, "last_year": pick["end"], "method": pick["method"]}
    return pick


def assess_growth(reg, obs, rules, audit, related=None) -> dict:
    """Average annual growth target: chain the published yearly rates (%); never derived from nominal levels."""
    if _missing(reg.get("target_value")):
        return _na("规划未给出增速目标值")
    target = float(reg["target_value"]) / 100
    T = int(reg["target_year"])
    b_year = _int(reg.get("baseline_year"))
    # 表2 rows marked * have a 2019 base: their 年均增长 spans 2020-2025 (six years), as the plan's footnote says
    start = b_year + 1 if b_year is not None else T - PERIOD_YEARS + 1
    basis = _str(reg.get("basis"))
    d = _sign(reg)
    th = rules["thresholds"]
    res = _growth_average(reg, obs, rules, audit, start, basis)
    if "avg" not in res:
        return _na(res["why"], scope_flag=res.get("flag"))
    avg, t = res["avg"], res["end"]
    n_done, n_all = t - start + 1, T - start + 1
    tau = n_done / n_all
    base = {"latest_year": t, "latest_value": res["latest_value"], "latest_scope": res["scope"],
            "scope_flag": res["flag"], "observed_rate": _r(avg), "time_share": _r(tau)}
    about = reg.get("target_operator") == "~"
    band = th["growth_about_pp"] / 100
    within = about and abs(avg - target) <= band + 1e-12
    op = _str(reg.get("target_operator")) or "="
    met = within or (d * (avg - target) > 0 if op in (">", "<") else d * (avg - target) >= 0)
    progress = pace = None
    ratio_ok = d == 1 and target > 0
    if ratio_ok:
        # share of the compound growth the whole period needs: p = ln Π(1+g) / (N·ln(1+g*)); r = p/τ
        progress = n_done * math.log(1 + avg) / (n_all * math.log(1 + target))
        pace = progress / tau
    gap_pp = d * (avg - target) * 100
    audit["computed"] = {"average_rate": avg, "target_rate": target, "years_done": n_done, "years_total": n_all,
                         "time_share": tau, "progress_share": progress, "pace_ratio": pace,
                         "eurostat_rr": avg / target if ratio_ok else None, "gap_pp": gap_pp, "within_about_band": within,
                         "formula": "p = n·ln(1+ḡ)/(N·ln(1+g*)), τ = n/N, r = p/τ" if ratio_ok else "d·(ḡ − g*)（百分点）"}
    done = f"{start}年增长{avg * 100:.1f}%" if n_done == 1 else f"{start}–{t}年年均增长{avg * 100:.1f}%"
    text = f"{done}（{res['method']}），目标年均{target * 100:g}%"
    if t >= T:
        return {"status": "achieved" if met else "missed", "outlook": "final", "reason": text,
                "progress_share": _r(progress), "pace_ratio": _r(pace), **base}
    required = ((1 + target) ** n_all / (1 + avg) ** n_done) ** (1 / (n_all - n_done)) - 1
    if within:
        status = "on_track"
    elif ratio_ok:
        status = _pace_status(pace, rules)
    else:
        status = "on_track" if gap_pp >= 0 else "needs_acceleration" if gap_pp >= -th["growth_gap_pp"] else "lagging"
    if ratio_ok:
        acceleration = required / avg if avg > 0 else None
        outlook = _outlook(acceleration, None, avg, rules)
    else:
        acceleration = None
        short = d * (required - avg) * 100
        outlook = "likely" if short <= 0 else "needs_acceleration" if short <= th["growth_gap_pp"] else "unlikely"
    audit["outlook"] = {"rate_kind": "rate_pct", "required": required, "observed": avg, "acceleration": acceleration,
                        "required_formula": "g_rem = ((1+g*)^N / Π(1+g_y))^(1/(N−n)) − 1"}
    return {"status": status, "outlook": outlook, "reason": text, "progress_share": _r(progress),
            "pace_ratio": _r(pace), "required_rate": _r(required), **base}


def assess_cumulative(reg, obs, rules, audit, related=None) -> dict:
    """Five-year total: the sum of the yearly values (no year may be missing) or a published period total."""
    if _missing(reg.get("target_value")):
        return _na("规划未给出累计目标值")
    target, T = float(reg["target_value"]), int(reg["target_year"])
    if target <= 0:
        return _na("累计目标值不为正数，无法计算完成进度")
    start = T - PERIOD_YEARS + 1
    period_rows = obs[obs["period_start_year"].notna()]
    period_rows = period_rows[period_rows["period_start_year"].astype(int) == start]
    totals, flag, scope = _series(period_rows, audit, rules, kind="period_total")
    yearly, yflag, yscope = _series(obs, audit, rules, since=start)
    candidates = []
    if totals:
        y, v = totals[-1]
        candidates.append((y, 1, v, "公布的期间累计数", scope, flag))
    if yearly:
        years = [y for y, _ in yearly]
        missing = [y for y in range(start, years[-1] + 1) if y not in years]
        if not missing:
            candidates.append((years[-1], 0, sum(v for _, v in yearly), "逐年数值相加", yscope, yflag))
        elif not candidates:
            return _na(f"缺少{_years_text(missing)}年数据，累计数不完整（已有年份合计{_g(sum(v for _, v in yearly))}，"
                       f"仅为下限）", scope_flag=yflag)
    if not candidates:
        return _na(f"暂无{start}年以来的公开数据（截至{audit['eval_year']}年）", scope_flag=flag or yflag)
    t, _, total, method, sc, fl = max(candidates, key=lambda c: (c[0], c[1]))
    n_done = t - start + 1
    tau = n_done / PERIOD_YEARS
    progress = total / target
    audit["cumulative"] = {"sum": total, "first_year": start, "through": t, "method": method,
                           "formula": "p = S_t/S*, τ = 已覆盖年数/5, r = p/τ"}
    base = {"latest_year": t, "latest_value": total, "latest_scope": sc, "scope_flag": fl,
            "progress_share": _r(progress), "time_share": _r(tau)}
    if total >= target:
        return {"status": "achieved", "outlook": "final" if t >= T else "achieved",
                "reason": f"{start}–{t}年累计{_g(total)}，已达到累计目标{_g(target)}", **base}
    if t >= T:
        return {"status": "missed", "outlook": "final",
                "reason": f"{start}–{t}年累计{_g(total)}，未达到累计目标{_g(target)}", **base}
    per_year = total / n_done
    required = (target - total) / (T - t)
    projected = total + per_year * (T - t)
    pace = progress / tau
    shortfall = (target - projected) / target
    audit["computed"] = {"time_share": tau, "progress_share": progress, "pace_ratio": pace}
    audit["outlook"] = {"rate_kind": "increment", "required": required, "observed": per_year, "projected": projected,
                        "shortfall_share": shortfall, "projection_formula": "S_t + (S_t/n)·(T−t)"}
    return {"status": _pace_status(pace, rules),
            "outlook": _outlook(required / per_year if per_year > 0 else None, shortfall, per_year, rules),
            "reason": f"{start}–{t}年累计{_g(total)}，完成{progress:.0%}，时间进度{tau:.0%}，进度比{pace:.2f}",
            "pace_ratio": _r(pace), "projected_value": _r(projected), "required_rate": _r(required),
            "observed_rate": _r(per_year), **base}


def assess_city_assigned(reg, obs, rules, audit, related=None) -> dict:
    """按市下达: a recorded verdict, or a city number recorded in the registry; otherwise pending."""
    found = _verdict(reg, obs, audit)
    if found:
        return found
    if not _missing(reg.get("target_value")) and not _missing(reg.get("baseline_value")):
        audit["city_target"] = "登记表已记录市下达的目标值，按达到目标水平的规则判断"
        return assess_level(reg, obs, rules, audit)
    values, flag, scope = _series(obs, audit, rules)
    latest = {"latest_year": values[-1][0], "latest_value": values[-1][1], "latest_scope": scope} if values else {}
    shown = f"；最新公开值{_g(values[-1][1])}（{values[-1][0]}年）仅供参考" if values else ""
    return {"status": "pending", "reason": "按市下达目标未记录：尚无市下达的数值或考核结论，不作推断" + shown,
            "scope_flag": flag, **latest}


def _bases(frame: pd.DataFrame) -> list[str]:
    rows = frame[(frame["value_kind"] == "level") & frame["value"].notna()]
    return sorted({_str(b) or "未注明" for b in rows["price_basis"]})


def assess_relational(reg, obs, rules, audit, related=None) -> dict:
    """Keep pace with another series (e.g. 居民收入增长与经济增长同步): both yearly growth rates, same basis."""
    related = related if related is not None else obs.iloc[0:0]
    related_id = _str(reg.get("related_id"))
    basis = _str(reg.get("basis"))
    own_bases, rel_bases = _bases(obs), _bases(related)
    audit["basis"] = {"target": basis, "indicator": own_bases, "related": rel_bases, "related_id": related_id}
    if not related_id:
        return _na("登记表未给出对比序列（related_id）")
    if not own_bases or not rel_bases:
        return _na(f"暂无本指标或对比序列 {related_id} 的逐年增速数据（截至{audit['eval_year']}年）")
    names = {"real": "实际", "nominal": "名义"}
    if basis:
        own = obs[obs["price_basis"] == basis]
        rel = related[related["price_basis"] == basis]
        if own.empty or rel.empty:
            return _na(f"价格口径不一致：规划按{names.get(basis, basis)}增速比较，本指标为"
                       f"{'/'.join(names.get(b, b) for b in own_bases)}，对比序列为"
                       f"{'/'.join(names.get(b, b) for b in rel_bases)}；不作换算")
    else:
        if own_bases != rel_bases or len(own_bases) != 1 or own_bases[0] == "未注明":
            return _na(f"价格口径不一致或未注明：本指标为{'/'.join(names.get(b, b) for b in own_bases)}，"
                       f"对比序列为{'/'.join(names.get(b, b) for b in rel_bases)}；不作比较")
        own, rel = obs, related
    T = int(reg["target_year"])
    start = T - PERIOD_YEARS + 1
    own_pts, flag, scope = _series(own, audit, rules, key="observations_used", since=start)
    rel_pts, rflag, _ = _series(rel, audit, rules, key="related_observations_used", since=start)
    own_d = {y: v for y, v in own_pts if y >= start}
    rel_d = {y: v for y, v in rel_pts if y >= start}
    years = sorted(set(own_d) & set(rel_d))
    if not years:
        return _na(f"本指标与对比序列没有{start}年以来相同年份的增速数据")
    t = years[-1]
    g_own = math.prod(1 + own_d[y] / 100 for y in years) ** (1 / len(years)) - 1
    g_rel = math.prod(1 + rel_d[y] / 100 for y in years) ** (1 / len(years)) - 1
    gap_pp = (g_own - g_rel) * 100
    in_step = sum(1 for y in years if own_d[y] >= rel_d[y])
    audit["computed"] = {"years": years, "own_rates_pct": [own_d[y] for y in years],
                         "related_rates_pct": [rel_d[y] for y in years], "own_average": g_own,
                         "related_average": g_rel, "gap_pp": gap_pp, "years_in_step": in_step,
                         "formula": "ḡ = (Π(1+g_y/100))^(1/n) − 1 over the same years; Δ = ḡ_本 − ḡ_对比"}
    flags = [f for f in (flag, f"对比序列：{rflag}" if rflag else None) if f]
    gaps = [y for y in range(start, t + 1) if y not in years]
    base = {"latest_year": t, "latest_value": own_d[t], "latest_scope": scope, "scope_flag": "；".join(flags) or None,
            "observed_rate": _r(g_own), "required_rate": _r(g_rel)}
    tol = rules["thresholds"]["relational_gap_pp"]
    final = t >= T
    if gap_pp >= 0:
        status, outlook = "achieved", "likely"
    elif gap_pp >= -tol:
        status, outlook = "on_track", "needs_acceleration"
    else:
        status, outlook = ("missed" if final else "lagging"), "unlikely"
    note = f"（缺{_years_text(gaps)}年，仅比较两者都有数据的年份）" if gaps else ""
    return {"status": status, "outlook": "final" if final else outlook,
            "reason": f"{_years_text(years)}年本指标年均增长{g_own * 100:.2f}%，对比序列{g_rel * 100:.2f}%，"
                      f"差{gap_pp:+.2f}个百分点{note}；{len(years)}年中{in_step}年不低于对比序列", **base}


def assess_qualitative(reg, obs, rules, audit, related=None) -> dict:
    """Only a recorded verdict with a quoted source sets a status."""
    found = _verdict(reg, obs, audit, require_quote=True)
    return found or _na("定性目标：尚无引用原文的证据，不作判断")


FORMS = {"level": assess_level, "ceiling": assess_bound, "floor": assess_bound, "growth": assess_growth,
         "cumulative": assess_cumulative, "city_assigned": assess_city_assigned, "relational": assess_relational,
         "qualitative": assess_qualitative}


# --------------------------------------------------------------------------------------------- the method
def _fill(text: str, thresholds: dict) -> str:
    values = dict(thresholds)
    values["about_tolerance_share_pct"] = _g(thresholds["about_tolerance_share"] * 100)
    for key, value in values.items():
        text = text.replace("{" + key + "}", _g(value) if isinstance(value, (int, float)) else str(value))
    return text


def method_markdown() -> str:
    """Every rule, formula and threshold in Chinese, generated from rules.yml (for the methodology page)."""
    rules = load_rules()
    t, a, forms = rules["thresholds"], rules["anchors"], rules["forms"]
    order = ["common", "level", "ceiling", "floor", "growth", "cumulative", "city_assigned", "relational",
             "qualitative", "binding", "scope", "not_assessable", "outlook", "audit"]
    bullets = "\n".join(f"- {_fill(forms[k], t)}" for k in order + [k for k in forms if k not in order] if k in forms)
    status_rows = "\n".join(f"| `{k}` | {v['zh']} | {v['en']} | {v['description']} | `{v['colour']}` |"
                            for k, v in rules["statuses"].items())
    ndrc_rows = "\n".join(f"| `{k}` | {v['zh']} | {'、'.join(rules['statuses'][s]['zh'] for s in v['from'])} |"
                          for k, v in rules["ndrc_classes"].items())
    outlook_rows = "\n".join(f"| `{k}` | {v['zh']} | {_fill(v.get('description', v['en']), t)} |"
                             for k, v in rules["outlooks"].items())
    anchor_rows = "\n".join(f"| `{k}` | {_g(v)} | {a.get(k, '')} |" for k, v in t.items())
    binding = a.get("binding", "")
    return f"""## 评估规则

{bullets}

### 状态

| 代码 | 报告用语 | English | 条件 | 颜色 |
|---|---|---|---|---|
{status_rows}

### 按国家发展改革委表述汇总

约束性（{rules['binding_attribute']}）指标：{'、'.join(rules['statuses'][s]['zh'] for s in rules['binding_demote'])}按“滞后”报告。{binding}

| 汇总代码 | 汇总类别 | 包含的状态 |
|---|---|---|
{ndrc_rows}

### 目标年展望

| 代码 | 报告用语 | 条件 |
|---|---|---|
{outlook_rows}

### 阈值及其依据

| 参数 | 取值 | 依据 |
|---|---|---|
{anchor_rows}
"""
