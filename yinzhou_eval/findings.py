"""Plain-language findings generated from the assessment results (Chinese, NDRC mid-term style)."""
from __future__ import annotations

import pandas as pd

from .fmt import is_missing, target_display, value_with_unit

CLASS_ORDER = [("achieved", "提前完成"), ("ahead", "快于预期"), ("on_track", "基本符合预期"), ("lagging", "滞后")]


def _name(edition, indicator_id: str) -> str:
    return edition.registry_row(indicator_id)["name_zh"]


def _latest(edition, r) -> str:
    reg = edition.registry_row(r["id"])
    if is_missing(r["latest_value"]) or is_missing(r["latest_year"]):
        return ""
    return f"{int(r['latest_year'])}年{value_with_unit(r['latest_value'], reg['unit'])}，目标{target_display(reg)}"


def _rate(value, unit_kind: str, unit: str) -> str:
    if is_missing(value):
        return "—"
    if unit_kind == "rate_pct":
        return f"{float(value) * 100:.1f}%"
    return value_with_unit(value, unit)


def acceleration_sentence(edition, r) -> str:
    """What it takes to reach the target: the required yearly change against the change so far."""
    reg = edition.registry_row(r["id"])
    audit = edition_audit(r)
    outlook = audit.get("outlook", {})
    kind = outlook.get("rate_kind", "rate_pct" if reg.get("path_type") == "geometric" else "increment")
    if is_missing(r.get("required_rate")):
        return ""
    verb = "增长" if kind == "rate_pct" else ("提高" if reg["direction"] == "higher" else "降低")
    required = _rate(abs(float(r["required_rate"])) if kind != "rate_pct" else r["required_rate"], kind, reg["unit"])
    text = f"{reg['name_zh']}：要在{int(reg['target_year'])}年达到目标（{target_display(reg)}），今后每年须{verb}{required}"
    if not is_missing(r.get("observed_rate")):
        text += f"，而基期以来实际每年{_rate(r['observed_rate'], kind, reg['unit'])}"
    if not is_missing(r.get("projected_value")):
        text += f"；按现有速度，{int(reg['target_year'])}年约为{value_with_unit(r['projected_value'], reg['unit'])}"
    return text + "。"


def edition_audit(r) -> dict:
    import json

    try:
        return json.loads(r.get("audit") or "{}")
    except (TypeError, ValueError):
        return {}


def findings_markdown(edition, frame: pd.DataFrame) -> str:
    if frame.empty:
        return "本部分没有规划表2主要指标。"
    lines = []
    for code, label in CLASS_ORDER:
        rows = frame[frame["ndrc_class"] == code]
        if rows.empty:
            continue
        items = "；".join(f"{_name(edition, r['id'])}（{_latest(edition, r)}）" if _latest(edition, r)
                         else _name(edition, r["id"]) for _, r in rows.iterrows())
        binding = int((rows["attribute"] == "约束性").sum())
        extra = f"，其中约束性指标{binding}项" if code == "lagging" and binding else ""
        lines.append(f"- **{label}**（{len(rows)}项{extra}）：{items}。")
    pending = frame[frame["ndrc_class"] == "pending"]
    if len(pending):
        lines.append(f"- **按市下达、暂无市级结论**（{len(pending)}项）："
                     + "、".join(_name(edition, i) for i in pending["id"]) + "。")
    missing = frame[frame["ndrc_class"] == "not_assessable"]
    if len(missing):
        lines.append(f"- **暂无公开数据、无法评估**（{len(missing)}项）："
                     + "、".join(_name(edition, i) for i in missing["id"]) + "。请统计部门补充发布。")
    needs = frame[frame["outlook"].isin(["needs_acceleration", "unlikely"])]
    accel = [s for s in (acceleration_sentence(edition, r) for _, r in needs.iterrows()) if s]
    if accel:
        lines.append("")
        lines.append("**需要加快的指标：**")
        lines += [f"- {s}" for s in accel]
    scope = frame[frame["scope_flag"].fillna(False).astype(bool)] if "scope_flag" in frame else frame.iloc[0:0]
    if len(scope):
        lines.append("")
        lines.append("**口径提示：** " + "、".join(_name(edition, i) for i in scope["id"])
                     + " 的最新值与基期值统计口径不一致，结论仅供参考。")
    return "\n".join(lines)
