"""The methodology page, generated from the rules (planeval/engine/rules.yml), the words
(methodology.yml, planeval/labels.yml) and the plan's period, so the page states exactly what was applied."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..engine.rules import load_rules
from ..engine.values import g
from ..labels import label
from .context import Report
from .fmt import esc, fold, html_table, keep_figures, link, md
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
        return "\n\n".join(fill(w[k], rep) for k in ("scope_of_data", "scope_rule", "comparability"))
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
    t = rules["thresholds"]
    # likely_max is applied with the pace ratio's 5 % band (engine.pace.acceleration_rank): the value in force is shown
    shown = {"likely_max": f"{g(t['likely_max'])}÷{g(t['on_track'])}≈{t['likely_max'] / t['on_track']:.2f}"}
    rows = [{"name": label("threshold", k), "value": shown.get(k, g(v)), "anchor": anchors.get(k, "")}
            for k, v in t.items()]
    rows += [{"name": label("threshold", k), "value": "—", "anchor": v} for k, v in anchors.items()
             if k not in rules["thresholds"]]
    return html_table(rows, [("name", "参数"), ("value", "取值"), ("anchor", "依据")], key="name")


def _anchor_keys(version: dict) -> list[str]:
    keys = [c["anchor"] for c in version.get("changes", [])] + [r["anchor"] for r in version.get("reviewed", [])]
    return list(dict.fromkeys(keys))


@lru_cache(maxsize=32)
def _assessed(folder, year: int, version: int | None):
    """A plan's verdicts with one version's rule settings (None: today's, from the assessment cache)."""
    from ..data.dataset import load_dataset
    from ..engine import assess_all
    from ..engine.rules import rules_at

    ds = load_dataset(folder)
    if version is None:
        return ds.assess(year)
    return assess_all(ds.registry, ds.observations, year, ds.plan, rules=rules_at(version), sources=ds.sources,
                      breaks=ds.table("breaks"), names=ds.names)


def rule_change_effects(rep: Report) -> list[dict]:
    """For every version that changed a setting: this book's verdicts (its edition's year, and the comparison
    year if its plan holds reference verdicts) that differ from the version before. A book speaks of its own plan
    only: another plan folder's data never shapes this page (a new folder leaves every other book current)."""
    from ..engine.rules import rule_versions

    folder = rep.ds.folder
    years = [rep.eval_year]
    meta = folder / "reference_verdicts.meta.yml"
    if meta.exists():
        years.append(int(yaml.safe_load(meta.read_text(encoding="utf-8"))["data_through"]))
    versions = rule_versions()
    latest = versions[-1]["version"] if versions else None
    out = []
    for before, v in zip(versions, versions[1:]):
        if not v.get("changes"):
            continue
        for year in dict.fromkeys(years):
            old = _assessed(folder, year, before["version"])
            new = _assessed(folder, year, None if v["version"] == latest else v["version"])
            differ = new["status_zh"] != old["status_zh"]
            out.append({"version": v, "plan": rep.plan.short_name, "year": year,
                        "changed": [(n, b, a) for n, b, a in zip(new.loc[differ, "name_zh"],
                                                                  old.loc[differ, "status_zh"],
                                                                  new.loc[differ, "status_zh"])]})
    return out


def anchor_quotes_html(keys, skip: set | None = None) -> str:
    """The published texts behind the anchor keys, word for word: the quote, the document, its publisher and date,
    the address, and where it was read (rule_history.yml `anchor_texts`). ``skip``: names already quoted (updated)."""
    from ..engine.rules import load_history

    skip = set() if skip is None else skip
    items = []
    for name, t in (load_history().get("anchor_texts") or {}).items():
        if name in skip or not set(t.get("anchors", [])) & set(keys):
            continue
        skip.add(name)
        where = keep_figures("，".join(filter(None, (esc(t["document"]), esc(t["publisher"]), esc(str(t["date"]))))))
        url = f"，{link('原文网址', t['url'])}" if t.get("url") else ""  # a link: a bare address breaks mid-figure
        note = f"<br>说明：{keep_figures(esc(unfold(t['note'])))}" if t.get("note") else ""
        items.append(f"<blockquote><p>“{keep_figures(esc(unfold(t['quote'].strip())))}”</p><p>——{where}{url}。"
                     f"读取：{esc(t['read_from'])}。{note}</p></blockquote>")
    return "".join(items)


def rule_changes_html(rep: Report) -> str:
    """Every dated version of the rules, newest first: what changed; for the current version the decisions on the
    disputed rules with their reasons and the quoted anchors; what a reader must know (note); and the verdicts each
    change altered in every plan (computed under both settings)."""
    from ..engine.rules import rule_versions

    versions = rule_versions()
    if len(versions) < 2:
        return "<p>本方法的规则尚未变更。</p>"
    decisions = words("methodology").get("rule_decisions", {})
    gap = g(load_rules()["thresholds"]["growth_gap_pp"])
    # the effects re-judge the plan under every earlier version: shown where a published evaluation makes them
    # checkable (and the page then depends on the plan's data); elsewhere the page depends on the rules alone
    effects = rule_change_effects(rep) if (rep.ds.folder / "reference_verdicts.csv").exists() else []
    parts = []
    for v in reversed(versions):
        # the heading (a PDF bookmark) and one line on what changed; the detail folds behind that line
        head = f"<h3>第{v['version']}版（{keep_figures(esc(day(v['date'])))}）</h3>"
        body = [f"<p><strong>变化：</strong>{keep_figures(esc(unfold(str(v.get('text', '')))))}。</p>"]
        if v is versions[-1]:
            quoted: set = set()
            for key in _anchor_keys(v):
                if key in decisions:
                    d = decisions[key]
                    text = unfold(d["text"]).replace("{growth_gap_pp}", gap)
                    body.append(f"<p><strong>{esc(d['title'])}。</strong>{keep_figures(esc(text))}</p>")
                body.append(anchor_quotes_html([key], quoted))
        if v.get("note"):
            body.append(f"<p><strong>说明：</strong>{keep_figures(esc(unfold(str(v['note']))))}</p>")
        rows = [{"year": f"{e['year']}年",
                 "effect": "；".join(f"{n}：{b}→{a}" for n, b, a in e["changed"]) or "无影响"}
                for e in effects if e["version"] is v]
        if rows:
            body.append(html_table(rows, [("year", "评估年份"), ("effect", "对本规划结论的影响（上一版→本版）")],
                                   key="year"))
        line = unfold(str(v.get("summary") or v.get("text", "")))
        parts.append(head + fold("".join(body), f"变化：{line}"))
    return "\n".join(parts)


def day(date) -> str:
    """A version's date as a reader needs it: the day (the history keeps the time for its own order)."""
    return str(date)[:10]
