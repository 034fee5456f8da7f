"""Targets judged on a recorded verdict: 按上级下达 (a verdict such as 完成上级下达任务, or a number the higher
government assigned) and qualitative targets (only a verdict with a quoted source). The verdict's sentence is
the evidence the report shows where a value would be."""
from __future__ import annotations

from ..pace import na, no_final_data
from ..row import Row
from ..series import choose, flag
from ..values import g, inferred_fields, to_str
from .level import assess_level


def _verdict(row: Row, require_quote: bool = False) -> dict | None:
    obs = row.scored
    rows = obs[obs["verdict"].notna() & obs["verdict"].isin(["met", "not_met"])]
    if require_quote:
        rows = rows[rows["quote"].map(lambda q: to_str(q) is not None)]
    # a sentence decides a target only if it names it: one we attached by our reading is context (未单列)
    if rows.empty:
        return None
    general = rows[[("indicator_id" in inferred_fields(o)) for _, o in rows.iterrows()]]
    rows = rows.drop(index=general.index)
    if rows.empty and len(general):
        return _context_only(row, general)
    if rows.empty:
        return None
    year = int(rows["year"].max())
    latest = rows[rows["year"] == year]
    o = latest.iloc[-1]
    row.audit["verdicts"] = [{"year": int(v["year"]), "verdict": v["verdict"], "source_id": v["source_id"],
                              "quote": to_str(v["quote"])} for _, v in rows.iterrows()]
    row.audit["verdict_used"] = {"year": year, "verdict": o["verdict"], "source_id": o["source_id"],
                                 "quote": to_str(o["quote"])}
    met = o["verdict"] == "met"
    flags = []
    if latest["verdict"].nunique() > 1:
        flags.append(flag("info", f"{year}年另有不同的记录结论，见审计记录"))
    if o["scope"] != row.plan.plan_scope:
        flags.append(flag("territory", f"{year}年结论的口径为“{o['scope']}”，规划目标为{row.plan.plan_scope}口径"))
    evidence = {"latest_year": year, "latest_scope": o["scope"], "evidence_year": year,
                "evidence_quote": to_str(o["quote"]), "evidence_source_id": o["source_id"], "flags": flags}
    said = "完成" if met else "未完成"
    if row.final:
        if year >= row.target_year:
            return {"status": "achieved" if met else "missed", "outlook": "final",
                    "reason": f"{year}年记录的结论：{said}", **evidence}
        return {**no_final_data(row, year, f"记录的结论为{said}"), **evidence}
    return {"status": "on_track" if met else "lagging", "outlook": "not_assessable",
            "reason": f"{year}年记录的结论：{said}（年度结论，不计算进度）", **evidence}


def _context_only(row: Row, general) -> dict:
    """Only sentences that do not name the target (e.g. 节能减排指标完成上级下达任务 for 单位GDP能耗): shown as
    context, deciding nothing."""
    o = general[general["year"] == general["year"].max()].iloc[-1]
    year = int(o["year"])
    row.audit["context_verdicts"] = [{"year": int(v["year"]), "verdict": v["verdict"], "source_id": v["source_id"],
                                      "quote": to_str(v["quote"]), "why": "原文未单列本指标，只作背景，不据此判断"}
                                     for _, v in general.iterrows()]
    return na(f"原文只有未单列本指标的总体表述（{year}年），只作背景，不据此判断",
              evidence_year=year, evidence_quote=to_str(o["quote"]), evidence_source_id=o["source_id"],
              flags=[flag("info", "原文结论未单列本指标：只作背景（未单列），不作为本指标的结论")])


def assess_city_assigned(row: Row) -> dict:
    found = _verdict(row)
    if found and "verdict_used" in row.audit:  # a sentence naming the target decides it (or says what is missing)
        return found
    context = {k: found[k] for k in ("evidence_year", "evidence_quote", "evidence_source_id", "flags")} if found else {}
    said = "；另有未单列本指标的总体表述，只作背景" if found else ""
    if row.target is not None and row.baseline[1] is not None:
        row.audit["city_target"] = "登记表已记录下达的目标值，按达到目标水平的规则判断"
        return assess_level(row)
    values = choose(row)
    latest = ({"latest_year": values.points[-1][0], "latest_value": values.points[-1][1],
               "latest_scope": values.latest_scope} if values.points else {})
    shown = f"；最新公开值{g(values.points[-1][1])}（{values.points[-1][0]}年）仅供参考" if values.points else ""
    flags = values.flags + context.pop("flags", [])
    if row.final:
        return {"status": "pending", "reason": "未找到上级下达的目标值或考核结论，不作推断" + shown + said,
                "flags": flags, **latest, **context}
    return {"status": "pending", "reason": "尚无上级下达的目标值或考核结论，不作推断" + shown + said,
            "flags": flags, **latest, **context}


def assess_qualitative(row: Row) -> dict:
    return _verdict(row, require_quote=True) or na("定性目标：尚无引用原文的证据，不作判断")
