"""One result row per target: the status and its class in the edition's wording, the numbers behind it,
the notes a reader needs (territory, revision, partial year, stale data, inferences) and the audit record."""
from __future__ import annotations

import json

import pandas as pd

from ..labels import label
from .row import Row
from .series import flag
from .values import inferred_fields, to_int, to_num, to_str

RESULT_COLUMNS = ["id", "table", "eval_year", "edition_kind", "final", "name_zh", "chapter", "attribute",
                  "target_form", "status", "status_zh", "verify", "ndrc_class", "ndrc_class_zh", "latest_year", "latest_value",
                  "latest_scope", "stale", "baseline_year", "baseline_value", "target_year", "target_value",
                  "start_year", "start_value", "time_share", "progress_share", "pace_ratio", "outlook", "outlook_zh",
                  "projected_value", "required_rate", "observed_rate", "rate_kind", "evidence_year",
                  "evidence_quote", "evidence_source_id", "notes", "reason", "audit"]
INT_COLUMNS = ("eval_year", "latest_year", "baseline_year", "target_year", "start_year", "evidence_year")
FLOAT_COLUMNS = ("latest_value", "baseline_value", "target_value", "start_value", "time_share", "progress_share",
                 "pace_ratio", "projected_value", "required_rate", "observed_rate")
CARRIED = ("latest_year", "latest_value", "latest_scope", "start_year", "start_value", "time_share",
           "progress_share", "pace_ratio", "projected_value", "required_rate", "observed_rate", "rate_kind",
           "evidence_year", "evidence_quote", "evidence_source_id")


# Statuses that are a judgement of progress (the others say why there is none).
JUDGED = {"achieved", "ahead", "on_track", "needs_acceleration", "lagging", "reversing", "missed", "short_no_pace"}
# Grades a verdict may rest on alone (labels.yml source_kind); anything else makes it 待核实.
TRUSTED_GRADES = {"plan", "official", "official_mirror"}
PROGRESS = ("time_share", "progress_share", "pace_ratio", "projected_value", "required_rate", "observed_rate",
            "start_year", "start_value")


def finish(row: Row, res: dict) -> dict:
    rules, audit, reg = row.rules, row.audit, row.reg
    res = _across_break(row, _other_scope_only(row, _consistent(row, dict(res))))
    status = res["status"]
    reason = res.get("reason", "")
    if row.binding and status in rules["binding_demote"]:
        reason += "；约束性指标：未达到符合预期的进度，按滞后报告"
        audit["binding_demoted_from"] = status
        status = "lagging"
    elif row.binding and status in rules.get("binding_warn", []):    # same bands for all; the duty is stated
        reason += "；约束性指标须确保如期完成：未达到符合预期的进度，需加快"
        audit["binding_warning"] = status
    ndrc = rules["statuses"][status]["class"]
    kind = "final" if row.final else row.edition_kind
    look = "final" if row.final else (res.get("outlook") or "not_assessable")
    flags = list(res.get("flags") or [])
    latest_year = to_int(res.get("latest_year"))
    lag = rules["thresholds"]["stale_lag_years"]
    # measured from the last year that can score the target: a target due before the edition needs its own year
    stale = (latest_year is not None and row.reg.get("table") != "previous"
             and latest_year < row.cutoff - lag and status != "not_assessable")
    if stale:
        flags.insert(0, flag("stale", f"最新数据为{latest_year}年"))
        audit["stale"] = f"最新数据为{latest_year}年，早于{row.cutoff - lag}年"
    verify = _to_verify(row, res) if status in JUDGED else []
    if verify:
        audit["verify"] = verify
        flags.append(flag("verify", "；".join(verify)))
    audit.update(status=status, outlook_code=look, flags=flags)
    out = {c: None for c in RESULT_COLUMNS}
    out.update({
        "id": reg["id"], "table": to_str(reg.get("table")), "eval_year": row.eval_year, "edition_kind": kind,
        "final": row.final, "name_zh": to_str(reg.get("name_zh")), "chapter": to_str(reg.get("chapter")),
        "attribute": to_str(reg.get("attribute")), "target_form": reg.get("target_form"), "status": status,
        "status_zh": label("status", status, kind), "verify": "；".join(verify) or None, "ndrc_class": ndrc, "ndrc_class_zh": label("ndrc_class", ndrc, kind),
        "baseline_year": to_int(reg.get("baseline_year")), "baseline_value": to_num(reg.get("baseline_value")),
        "target_year": row.target_year, "target_value": to_num(reg.get("target_value")),
        "outlook": look, "outlook_zh": label("outlook", look), "stale": stale,
        "notes": json.dumps(flags, ensure_ascii=False), "reason": reason.lstrip("；"),
    })
    for key in CARRIED:
        if res.get(key) is not None:
            out[key] = res[key]
    out["audit"] = json.dumps(audit, ensure_ascii=False, sort_keys=True, default=str)
    return out


def _consistent(row: Row, res: dict) -> dict:
    """A verdict never contradicts its outlook: "on track" while the target will not be reached at the pace so
    far is needs-acceleration (the pace ratio's 5 % tolerance does not outweigh the projection)."""
    if res.get("status") in ("on_track", "ahead") and res.get("outlook") in ("needs_acceleration", "unlikely"):
        row.audit["consistency"] = (f"进度比达到“{label('status', res['status'])}”档，但按现有速度到目标年难以达到目标："
                                    "按“需加力”报告")
        res["status"] = "needs_acceleration"
        res["reason"] = res.get("reason", "") + "；按现有速度到目标年难以达到目标，需加力"
    return res


def _other_scope_only(row: Row, res: dict) -> dict:
    """No value in the target's scope: say so instead of "no data"."""
    scopes = row.audit.get("other_scope_only")
    if res.get("status") == "not_assessable" and scopes and res.get("latest_year") is None:
        said = "、".join(row.plan.scope_label(s) if s in row.plan.scope_codes else s for s in scopes)
        res["reason"] = f"只有{said}口径的数据，与规划目标的{row.plan.plan_scope}口径不同，不作评分（数值见未采用的数据）"
    return res


def _across_break(row: Row, res: dict) -> dict:
    """Values newer than the verdict's latest lie across a registered basis change and could not be re-based:
    no verdict (口径变化、不可直接比较), the newest value shown with what changed, the comparable record kept."""
    across = row.audit.get("across_break") or []
    latest = to_int(res.get("latest_year"))
    newer = [a for a in across if latest is None or a["year"] > latest]
    if not newer or res.get("status") in ("pending",):
        return res
    a = max(newer, key=lambda x: x["year"])
    so_far = f"；按规划基期口径的最近数据：{res['reason']}" if latest is not None and res.get("reason") else ""
    basis = a["break_new_label"] or "口径变化后"
    out = {k: v for k, v in res.items() if k not in PROGRESS}
    out["flags"] = list(res.get("flags") or []) + [flag("revision", (
        f"{a['year']}年数值为{basis}数据（{a['break_what']}），与规划的基期和目标（{a['break_old_label'] or '变化前的口径'}）"
        "不可直接比较"))]
    out.update(status="not_comparable", outlook="not_assessable", latest_year=a["year"], latest_value=a["value"],
               latest_scope=a["scope"],
               reason=f"{a['year']}年数值为{basis}数据（{a['break_what']}），规划的基期和目标为"
                      f"{a['break_old_label'] or '变化前的口径'}，没有同一年份的新旧口径数值可以换算，不直接比较{so_far}")
    row.audit["withheld"] = {"why": "across_break", "comparable_verdict": res.get("status"),
                             "comparable_reason": res.get("reason")}
    return out


def _to_verify(row: Row, res: dict) -> list:
    """Why a verdict must be checked before it is relied on (待核实): an unstated or inferred scope, a value
    attached to the target by our reading, or only non-official sources behind it."""
    used = [*row.audit.get("observations_used", []), *row.audit.get("related_observations_used", [])]
    verdict = row.audit.get("verdict_used")
    if verdict:
        used.append(verdict)
    if not used:
        return []
    own = pd.concat([row.own, row.related]) if len(row.related) else row.own
    out = []
    latest_scope = res.get("latest_scope")
    if latest_scope is not None and latest_scope != row.plan.plan_scope:
        said = row.plan.scope_label(latest_scope) if latest_scope in row.plan.scope_codes else latest_scope
        # an unstated scope is said plainly (not «口径为“口径未注明”»); a stated other one is named
        out.append(f"数据未注明统计口径，未确认为{row.plan.plan_scope}" if "未注明" in str(said) else
                   f"数据的统计口径为“{said}”，未确认为{row.plan.plan_scope}")
    ids = {(u["year"], u["source_id"]) for u in used}
    rows = own[[(int(y), s) in ids for y, s in zip(own["year"], own["source_id"])]] if len(own) else own
    guessed = set()
    for _, o in rows.iterrows():
        guessed |= inferred_fields(o) & {"scope", "indicator_id"}
    if "scope" in guessed and not out:
        out.append("统计口径为本报告的推断")
    if "indicator_id" in guessed:
        out.append("数值所对应的指标为本报告的判断")
    if "_grade" in own.columns:
        grades = {g for g in own.loc[own["source_id"].isin({u["source_id"] for u in used}), "_grade"].dropna()}
        if grades and not grades & TRUSTED_GRADES:
            out.append("仅有" + "、".join(sorted(label("source_kind", g) for g in grades)) + "的来源，未见官方原文")
    return out
