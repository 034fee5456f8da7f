"""One value per year for a target, chosen by territory, and what a reader must know about that choice.

Per year: the plan's scope first, then the scopes the plan lists as compatible (flagged); any other scope
only when the series has nothing else (flagged, never mixed). Partial years and other price bases are left
out. The notes say exactly what differs: the territory, a statistical revision a source states, a partial
year, an inference. "There is also a series in another scope, not used" is information, not a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .row import Row
from .values import g, inferred_fields, to_int, to_str, years_text

WARNINGS = ("territory", "revision", "partial", "stale")   # flag kinds shown as ⚠; the others are notes


@dataclass
class Chosen:
    points: list = field(default_factory=list)      # [(year, value)]
    rows: list = field(default_factory=list)        # the observation rows used, one per year
    flags: list = field(default_factory=list)       # [{"kind": …, "text": …}]

    @property
    def latest_scope(self):
        return self.rows[-1]["scope"] if self.rows else None


def flag(kind: str, text: str) -> dict:
    return {"kind": kind, "text": text}


def choose(row: Row, frame: pd.DataFrame | None = None, kind: str = "level", basis: str | None = None,
           key: str = "observations_used") -> Chosen:
    """The values of ``frame`` (default: the row's in-window observations) of ``kind``, one per year."""
    obs = row.scored if frame is None else frame
    rows = obs[(obs["value_kind"] == kind) & obs["value"].notna()]
    out = Chosen()
    excluded = row.audit.setdefault("excluded", [])
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
    if not excluded:
        row.audit.pop("excluded")
    if rows.empty:
        if len(partial):
            p = partial.iloc[-1]
            out.flags.append(flag("partial", f"{int(p['year'])}年的数值不是全年数据（覆盖{int(p['months_covered'])}个月），"
                                             "不作全年值"))
        return out
    plan = row.plan
    compatible = list(plan.compatible_scopes)
    use = rows[rows["scope"].isin(compatible)]
    preference = compatible
    if use.empty:  # only other territories: the first of them alone, never mixed
        others = [s for s in plan.scope_codes if s not in compatible] + sorted(set(rows["scope"]) - set(plan.scope_codes))
        first = next(s for s in others if (rows["scope"] == s).any())
        use, preference = rows[rows["scope"] == first], [first]
    chosen = []
    for year, group in use.groupby("year", sort=True):
        group = group.assign(_rank=group["scope"].map(lambda s: preference.index(s) if s in preference else 99))
        best = group[group["_rank"] == group["_rank"].min()]
        pick = best.iloc[-1]  # deterministic: observations are sorted by source_id, value
        for _, o in group.drop(index=pick.name).iterrows():
            excluded = row.audit.setdefault("excluded", [])
            excluded.append({"year": int(o["year"]), "value": float(o["value"]), "scope": o["scope"],
                             "source_id": o["source_id"],
                             "why": "同年已有优先口径或按来源编号排序在后的数值" if o["scope"] == pick["scope"]
                             else f"同年已有{pick['scope']}口径数值"})
        chosen.append(pick)
    row.audit.setdefault(key, []).extend(
        {"year": int(o["year"]), "value": float(o["value"]), "kind": kind, "scope": o["scope"],
         "price_basis": to_str(o["price_basis"]), "source_id": o["source_id"],
         **({"period_start_year": to_int(o["period_start_year"])} if kind != "level" else {})} for o in chosen)
    out.points = [(int(o["year"]), float(o["value"])) for o in chosen]
    out.rows = chosen
    out.flags = _notes(row, chosen, rows, partial)
    return out


def _notes(row: Row, chosen: list, rows: pd.DataFrame, partial: pd.DataFrame) -> list:
    plan = row.plan
    notes = []
    latest = chosen[-1]
    plan_scope = plan.plan_scope
    if latest["scope"] != plan_scope:
        said = plan.scope_label(latest["scope"]) if latest["scope"] in plan.scope_codes else latest["scope"]
        notes.append(flag("territory", f"最新值的统计口径为“{said}”，规划的基期与目标为{plan_scope}口径"))
    used = [o["scope"] for o in chosen]
    if len(set(used)) > 1:
        parts = "；".join(f"{s}：{years_text(int(o['year']) for o in chosen if o['scope'] == s)}年"
                         for s in dict.fromkeys(used))
        notes.append(flag("territory", f"所用各年数据口径不一（{parts}），不同口径的数值不可直接比较"))
    unused = sorted(set(rows["scope"]) - set(used))
    if unused:
        notes.append(flag("info", f"另有{'、'.join(unused)}口径的数据，单独列示，未混用"))
    later_partial = partial[partial["year"] > int(latest["year"])]
    if len(later_partial):
        p = later_partial.iloc[-1]
        notes.append(flag("partial", f"{int(p['year'])}年的数值（{g(p['value'])}）不是全年数据"
                                     f"（覆盖{int(p['months_covered'])}个月），不作全年值"))
    stated, guessed = {}, {}
    for o in chosen:
        revision = to_str(o.get("revision"))
        if revision:
            (guessed if "revision" in inferred_fields(o) else stated).setdefault(revision, []).append(int(o["year"]))
    for revision, years in stated.items():
        notes.append(flag("revision", f"{_span_years(years)}数值为{revision}数据（据来源说明），"
                                      "与规划基期和此前年份的数据口径不同，不可直接比较"))
    for revision, years in guessed.items():
        notes.append(flag("inference", f"{_span_years(years)}数值可能为{revision}数据（来源未说明）"))
    inferred = inferred_fields(latest) - {"revision"}
    if inferred:
        names = {"scope": "统计口径", "price_basis": "价格口径", "indicator_id": "所对应的指标", "year": "所属年份",
                 "value": "数值（单位换算等）", "period_start_year": "起始年份", "months_covered": "覆盖月数"}
        what = "、".join(names.get(f, f) for f in sorted(inferred))
        notes.append(flag("inference", f"最新值的{what}为本报告的判断，来源未明确说明（理由见数据来源表的说明）"))
    return notes


def _span_years(years: list) -> str:
    years = sorted(set(years))
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}年"
    return years_text(years) + "年"
