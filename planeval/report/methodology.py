"""The methodology page, generated from the rules (planeval/engine/rules.yml), the words
(methodology.yml, planeval/labels.yml) and the plan's period, so the page states exactly what was applied."""
from __future__ import annotations

import yaml

from ..engine.rules import load_rules
from ..engine.values import g
from ..labels import label
from .context import Report
from .fmt import esc, html_table, md
from .words import unfold, words

FORM_ORDER = ["level", "held", "average", "growth", "cumulative", "cumulative_reduction", "relational", "annual_targets",
              "verdict", "binding"]


def fill(text: str, rep: Report) -> str:
    text = unfold(text)
    t = load_rules()["thresholds"]
    values = {k: g(v) for k, v in t.items()}
    values.update({f"{k}_pct": g(v * 100) for k, v in t.items() if k in (
        "about_tolerance_share", "shortfall_likely", "shortfall_possible")})
    others = [s.code for s in rep.plan.scopes if not s.compatible]
    values.update(start=str(rep.plan.period.start), plan_scope=md(rep.plan.plan_scope),
                  other_scopes=f"（如{md('、'.join(others))}）" if others else "")
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def editions_sentence(rep: Report) -> str:
    p = rep.plan.period
    kinds = {y: rep.plan.edition_kind(y) for y in range(p.start, p.end + 1)}
    parts = []
    for kind in ("monitoring", "midterm", "final"):
        years = [str(y) for y, k in kinds.items() if k == kind]
        parts.append(f"{'、'.join(years)}年为{label('edition_kind', kind)}" if years else "")
    return (f"报告按评估年份分为三类：规划期中点以前及中点与目标年之间为年度监测，中点为中期评估，目标年为总结评估。"
            f"本规划期为{p.start}—{p.end}年：" + "；".join(x for x in parts if x) +
            f"。本版为{rep.eval_year}年的{rep.edition_name}。总结评估中目标只有“完成”或“未完成”，不再使用“提前实现”“快于预期”，也不再计算剩余年份所需的速度。")


def section(rep: Report, name: str) -> str:
    """One section of the methodology page (the headings are the template's)."""
    w = words("methodology")
    if name == "data":
        return fill(w["scope_of_data"], rep) + "\n\n" + fill(w["scope_rule"], rep)
    if name == "editions":
        return md(editions_sentence(rep))
    if name == "forms":
        return "\n".join(f"- {fill(w['forms'][k], rep)}" for k in FORM_ORDER)
    return fill(w[name], rep)


FINAL_STATUSES = ("achieved", "missed", "pending", "not_assessable")


def status_table(rep: Report) -> str:
    """The words of this edition's verdicts and their summary class; a final edition knows only its own."""
    from .tables import chip

    rules = load_rules()
    codes = [c for c in rules["statuses"] if not rep.final or c in FINAL_STATUSES]
    rows = [{"label": chip(code, label("status", code, rep.kind)),
             "cls": esc(label("ndrc_class", rules["statuses"][code]["class"], rep.kind))} for code in codes]
    return html_table(rows, [("label", "评估结论"), ("cls", "汇总类别")], raw={"label", "cls"}, key="label")


def thresholds_table() -> str:
    rules = load_rules()
    anchors = rules["anchors"]
    rows = [{"name": label("threshold", k), "value": g(v), "anchor": anchors.get(k, "")}
            for k, v in rules["thresholds"].items()]
    rows += [{"name": label("threshold", k), "value": "—", "anchor": v} for k, v in anchors.items()
             if k not in rules["thresholds"]]
    return html_table(rows, [("name", "参数"), ("value", "取值"), ("anchor", "依据")], key="name")


def rule_change_effects(rep: Report) -> list[dict]:
    """For every rule change in rules.yml: this book's verdicts (its edition's year, and the comparison year if
    its plan holds reference verdicts) that differ under the previous setting. A book speaks of its own plan
    only: another plan folder's data never shapes this page (a new folder leaves every other book current)."""
    import copy

    from ..engine import assess_all

    rules = load_rules()
    ds = rep.ds
    years = [rep.eval_year]
    meta = ds.folder / "reference_verdicts.meta.yml"
    if meta.exists():
        through = int(yaml.safe_load(meta.read_text(encoding="utf-8"))["data_through"])
        years += [through] if through != rep.eval_year else []
    ref = ds.table("reference_verdicts").set_index("indicator_id")["ndrc_class"]
    out = []
    for change in rules.get("rule_changes", []):
        old = copy.deepcopy(rules)
        old[change["setting"]] = change["previous"]
        for year in years:
            now = ds.assess(year)
            before = assess_all(ds.registry, ds.observations, year, ds.plan, rules=old, sources=ds.sources,
                                breaks=ds.table("breaks"))
            differ = now["status_zh"] != before["status_zh"]
            agreement = None
            if len(ref) and year == years[-1] and len(years) > 1:
                def agree(frame):
                    return int((frame.set_index("id").loc[ref.index, "ndrc_class"] == ref).sum())
                agreement = (agree(before), agree(now), len(ref))
            out.append({"change": change, "plan": ds.plan.short_name, "year": year, "agreement": agreement,
                        "changed": [(n, b, a) for n, b, a in zip(now.loc[differ, "name_zh"],
                                                                  before.loc[differ, "status_zh"],
                                                                  now.loc[differ, "status_zh"])]})
    return out


def rule_changes_html(rep: Report) -> str:
    effects = rule_change_effects(rep)
    if not effects:
        return "<p>本版方法与上一版相同。</p>"
    rules = load_rules()
    parts, seen = [], set()
    for e in effects:
        c = e["change"]
        if c["text"] not in seen:
            seen.add(c["text"])
            parts.append(f"<p><strong>变更：</strong>{esc(c['text'])}。<strong>依据：</strong>{esc(rules['anchors'][c['anchor']])}</p>")
    rows = []
    for e in effects:
        effect = "；".join(f"{n}：{b}→{a}" for n, b, a in e["changed"]) or "无影响"
        if e["agreement"]:
            b, a, n = e["agreement"]
            effect += f"（方法检验：与对照结论一致的项数由{b}项变为{a}项，共{n}项）"
        rows.append({"year": f"{e['year']}年", "effect": effect})
    return "\n".join(parts) + html_table(rows, [("year", "评估年份"), ("effect", "受影响的结论（原规则→现规则）")],
                                         key="year")
