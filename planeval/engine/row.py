"""What one registry row is judged on: its window (the plan period it runs over), the year it is judged at,
the observations that may score it (inside the window) and those that are context only (before it).

The in-period rule: a target gets a status only from values after its baseline year and from its plan's
first year on. Earlier values are context: they may be drawn, never scored.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..config import PlanConfig
from .baseline import actual_baseline
from .breaks import describe
from .values import g, to_int, to_num, to_str


@dataclass
class Row:
    reg: dict
    plan: PlanConfig
    eval_year: int            # the edition's year (the previous plan's rows: their own target year)
    edition_kind: str         # monitoring / midterm / final
    first_year: int           # first year whose value may score the target
    cutoff: int               # last year whose value may score it (≤ eval year, ≤ target year)
    target_year: int | None
    own: pd.DataFrame         # this row's observations up to the cutoff (context rows included)
    related: pd.DataFrame     # the related series' observations up to the cutoff
    rules: dict
    audit: dict = field(default_factory=dict)
    breaks: dict = field(default_factory=dict)   # indicator id → its registered basis changes (breaks.csv rows)
    parts: tuple = ()         # (numerator, denominator) observations when the target is a ratio (derived_from)
    related_name: str = "对比序列"   # what a reason calls the related series: its name when the caller gives names

    @property
    def scored(self) -> pd.DataFrame:
        """Observations inside the window: the only ones that may score the target."""
        own = self.own
        return own if own.empty else own[own["year"] >= self.first_year]

    @property
    def final(self) -> bool:
        """Judged at (or after) its target year: 完成 / 未完成, no outlook."""
        return self.target_year is not None and self.eval_year >= self.target_year

    @property
    def direction(self) -> int:
        return -1 if self.reg.get("direction") == "lower" else 1

    @property
    def baseline(self) -> tuple[int | None, float | None]:
        """The start progress is measured from: the plan's baseline, or the published actual of a baseline the
        plan printed as an estimate (engine/baseline.py; the result then carries a note)."""
        actual = self.audit.get("baseline_actual")
        if actual:
            actual["used"] = True
            return actual["year"], actual["value"]
        return to_int(self.reg.get("baseline_year")), to_num(self.reg.get("baseline_value"))

    @property
    def target(self) -> float | None:
        return to_num(self.reg.get("target_value"))

    @property
    def operator(self) -> str:
        return to_str(self.reg.get("target_operator")) or "="

    @property
    def binding(self) -> bool:
        return self.reg.get("attribute") == self.rules["binding_attribute"]


def make_row(reg: dict, observations: pd.DataFrame, eval_year: int, plan: PlanConfig, rules: dict,
             by_id: dict | None = None, breaks: dict | None = None, names: dict | None = None) -> Row:
    """``by_id`` (indicator id → its observations) spares a scan of every observation for every row."""
    table = to_str(reg.get("table")) or "main"
    window = plan.window(table)
    target_year = to_int(reg.get("target_year"))
    row_eval = int(eval_year)
    if table == "previous":
        row_eval = target_year if target_year is not None else window.end
    kind = "final" if table == "previous" else plan.edition_kind(row_eval)
    b_year = to_int(reg.get("baseline_year"))
    first = max(window.start, b_year + 1) if b_year is not None else window.start
    cutoff = min(row_eval, target_year) if target_year is not None else row_eval
    def of(indicator_id):
        frame = by_id.get(indicator_id, observations.iloc[0:0]) if by_id is not None else \
            observations[observations["indicator_id"] == indicator_id]
        return frame if frame.empty else frame[frame["year"] <= cutoff]

    own = of(reg["id"])
    related_id = to_str(reg.get("related_id"))
    related = of(related_id) if related_id else own.iloc[0:0]
    audit = {"id": reg["id"], "form": reg.get("target_form"), "table": table, "eval_year": row_eval,
             "edition_kind": kind, "window": [window.start, window.end], "first_scored_year": first,
             "data_cutoff_year": cutoff, "direction": to_str(reg.get("direction")),
             "attribute": to_str(reg.get("attribute")), "operator": to_str(reg.get("target_operator")),
             "path_type_registered": to_str(reg.get("path_type")),
             "baseline": {"year": b_year, "value": to_num(reg.get("baseline_value")),
                          "text": to_str(reg.get("baseline_text"))},
             "target": {"year": target_year, "value": to_num(reg.get("target_value")),
                        "text": to_str(reg.get("target_text"))},
             "thresholds": rules["thresholds"]}
    actual = actual_baseline(reg, own, plan.plan_scope)
    if actual:
        audit["baseline_actual"] = {**actual, "used": False,
                                    "why": f"规划所列基期值{g(actual['estimate'])}为预计数，以公布的实际数为起点"}
    context = own[own["year"] < first]
    if len(context):
        audit["context_only"] = [{"year": int(o["year"]), "value": to_num(o["value"]), "scope": o["scope"],
                                  "source_id": o["source_id"],
                                  "why": f"{int(o['year'])}年早于评估窗口（{first}年起），只作背景，不参与评分"}
                                 for _, o in context.iterrows()]
    breaks = {k: v for k, v in (breaks or {}).items() if k in (reg["id"], related_id)}
    if breaks:
        audit["breaks"] = {k: [describe(b) for b in v] for k, v in breaks.items()}
    derived = to_str(reg.get("derived_from"))
    parts = tuple(of(p) for p in derived.split("/")) if derived else ()
    return Row(reg=reg, plan=plan, eval_year=row_eval, edition_kind=kind, first_year=first, cutoff=cutoff,
               target_year=target_year, own=own, related=related, rules=rules, audit=audit, breaks=breaks,
               parts=parts, related_name=(names or {}).get(related_id) or "对比序列")
