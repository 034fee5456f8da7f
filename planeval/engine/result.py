"""One result row per target: the status and its class in the edition's wording, the numbers behind it,
the notes a reader needs (territory, revision, partial year, stale data, inferences) and the audit record."""
from __future__ import annotations

import json

from ..labels import label
from .row import Row
from .series import flag
from .values import to_int, to_num, to_str

RESULT_COLUMNS = ["id", "table", "eval_year", "edition_kind", "final", "name_zh", "chapter", "attribute",
                  "target_form", "status", "status_zh", "ndrc_class", "ndrc_class_zh", "latest_year", "latest_value",
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


def finish(row: Row, res: dict) -> dict:
    rules, audit, reg = row.rules, row.audit, row.reg
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
    audit.update(status=status, outlook_code=look, flags=flags)
    out = {c: None for c in RESULT_COLUMNS}
    out.update({
        "id": reg["id"], "table": to_str(reg.get("table")), "eval_year": row.eval_year, "edition_kind": kind,
        "final": row.final, "name_zh": to_str(reg.get("name_zh")), "chapter": to_str(reg.get("chapter")),
        "attribute": to_str(reg.get("attribute")), "target_form": reg.get("target_form"), "status": status,
        "status_zh": label("status", status, kind), "ndrc_class": ndrc, "ndrc_class_zh": label("ndrc_class", ndrc, kind),
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
