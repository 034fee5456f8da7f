"""The methodology page, generated from the rules (planeval/engine/rules.yml), the words
(methodology.yml, planeval/labels.yml) and the plan's period, so the page states exactly what was applied."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..engine.rules import load_rules, status_colour
from ..labels import label
from .context import Report
from .fmt import esc, html_table, md

WORDS_PATH = Path(__file__).with_name("methodology.yml")
FORM_ORDER = ["level", "held", "growth", "cumulative", "cumulative_reduction", "relational", "annual_targets",
              "verdict", "binding"]


@lru_cache(maxsize=1)
def words() -> dict:
    return yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))


def _g(x) -> str:
    return f"{round(float(x), 6):g}"


def fill(text: str, rep: Report) -> str:
    t = load_rules()["thresholds"]
    values = {k: _g(v) for k, v in t.items()}
    values.update({f"{k}_pct": _g(v * 100) for k, v in t.items() if k in (
        "about_tolerance_share", "shortfall_likely", "shortfall_possible")})
    values.update(start=str(rep.plan.period.start), plan_scope=rep.plan.plan_scope)
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
    w = words()
    if name == "data":
        return fill(w["scope_of_data"], rep) + "\n\n" + fill(w["scope_rule"], rep)
    if name == "editions":
        return md(editions_sentence(rep))
    if name == "forms":
        return "\n".join(f"- {fill(w['forms'][k], rep)}" for k in FORM_ORDER)
    return fill(w[name], rep)


def status_table(rep: Report) -> str:
    rules = load_rules()
    rows = [{"label": f'<span class="status-chip" style="background:{status_colour(code)}">'
                      f'{esc(label("status", code, rep.kind))}</span>',
             "final": esc(label("status", code, "final")),
             "cls": esc(label("ndrc_class", spec["class"], rep.kind))}
            for code, spec in rules["statuses"].items()]
    return html_table(rows, [("label", "本版用语"), ("final", "总结评估用语"), ("cls", "汇总类别")],
                      raw={"label", "final", "cls"}, key="label")


def thresholds_table() -> str:
    rules = load_rules()
    anchors = rules["anchors"]
    rows = [{"name": label("threshold", k), "value": _g(v), "anchor": anchors.get(k, "")}
            for k, v in rules["thresholds"].items()]
    rows += [{"name": label("threshold", k), "value": "—", "anchor": v} for k, v in anchors.items()
             if k not in rules["thresholds"]]
    return html_table(rows, [("name", "参数"), ("value", "取值"), ("anchor", "依据")], key="name")
