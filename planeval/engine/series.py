"""One value per year for a target, chosen by territory, and what a reader must know about that choice.

Per year: the plan's scope first, then the scopes the plan lists as compatible (unstated; flagged); another
territory never scores (listed as not used). Partial years and other price bases are left out. Of several
releases of one figure the latest (by kind of release, then publication date) is used, the others are listed as superseded. A value across
a registered basis change (breaks.csv) is re-based when the sources allow, else left out. The notes say
exactly what differs: the territory, a statistical revision a source states, a partial year, an inference.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..labels import label
from .breaks import breaks_for, describe, link_factor, reference_side, side
from .row import Row
from .values import g, inferred_fields, is_missing, release_rank, to_int, to_str, years_text

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


# Forms whose level values may be re-based across a break by the ratio of one year on both bases.
REBASE_FORMS = {"level", "ceiling", "floor", "city_assigned", "average"}


def choose(row: Row, frame: pd.DataFrame | None = None, kind: str = "level", basis: str | None = None,
           key: str = "observations_used") -> Chosen:
    """The values of ``frame`` (default: the row's in-window observations) of ``kind``, one per year.

    Per year: the plan's scope, then the compatible (unstated) scopes; another territory never scores. Among
    those, a value on the plan's basis before one across a registered break, then the latest release (by kind,
    then publication date). A value across a break scores only re-based."""
    obs = row.scored if frame is None else frame
    out = Chosen()
    if obs.empty:   # most targets of a plan have no value yet: nothing to choose, nothing left out
        return out
    rows = obs[(obs["value_kind"] == kind) & obs["value"].notna()]
    excluded = []
    partial = rows[rows["months_covered"] < 12]
    for _, o in partial.iterrows():
        excluded.append(_left_out(o, f"仅{int(o['months_covered'])}个月数据，不作全年值"))
    rows = rows[rows["months_covered"] >= 12]
    if basis:
        other = rows[rows["price_basis"].notna() & (rows["price_basis"] != basis)]
        for _, o in other.iterrows():
            excluded.append(_left_out(o, f"价格口径为{o['price_basis']}，目标按{basis}口径"))
        rows = rows[~rows.index.isin(other.index)]
    plan = row.plan
    compatible = list(plan.compatible_scopes)
    elsewhere = rows[~rows["scope"].isin(compatible)]
    for _, o in elsewhere.iterrows():
        excluded.append(_left_out(o, f"统计口径为{_scope_label(plan, o['scope'])}，与规划目标的{plan.plan_scope}口径不同，"
                                     "不参与评分"))
    use = rows[rows["scope"].isin(compatible)]
    if use.empty:
        if len(elsewhere):
            said = "、".join(dict.fromkeys(_scope_label(plan, s) for s in elsewhere["scope"]))
            out.flags.append(flag("territory", f"只有{said}口径的数据，与规划目标的{plan.plan_scope}口径不同，"
                                               "不作评分"))
            row.audit["other_scope_only"] = sorted(set(elsewhere["scope"]))
        elif len(partial):
            p = partial.iloc[-1]
            out.flags.append(flag("partial", f"{int(p['year'])}年的数值不是全年数据（覆盖{int(p['months_covered'])}个月），"
                                             "不作全年值"))
        _record(row, excluded)
        return out
    brks = breaks_for(row, use["indicator_id"].iloc[0])
    ref_year = row.baseline[0] if row.baseline[0] is not None else row.first_year - 1
    refs = [reference_side(b, ref_year) for b in brks]
    use = use.assign(
        _rank=use["scope"].map(compatible.index),
        _across=[sum(side(o, b) != r for b, r in zip(brks, refs)) for _, o in use.iterrows()],
        _pub=[_published(o) for _, o in use.iterrows()],
        _rel=use["release"].map(release_rank) if "release" in use.columns else -1,
        _pos=range(len(use)))
    chosen = []
    for year, group in use.groupby("year", sort=True):
        # the kind of release first: an imported 修订 whose source gives no date still supersedes a dated 公报
        group = group.sort_values(["_rank", "_across", "_rel", "_pub", "_pos"],
                                  ascending=[True, True, False, False, False])
        pick = group.iloc[0]
        for _, o in group.iloc[1:].iterrows():
            excluded.append(_left_out(o, _why_not(o, pick, plan)))
        chosen.append(pick)
    kept = []
    for o in chosen:
        crossed = [(b, r) for b, r in zip(brks, refs) if side(o, b) != r]
        if not crossed:
            kept.append((o, float(o["value"]), None))
            continue
        links = [link_factor(_both_sides(row, o, kind), b) for b, _ in crossed] \
            if kind == "level" and row.reg.get("target_form") in REBASE_FORMS else [None]
        if all(links):
            factor = 1.0
            for link in links:
                factor *= link["factor"]
            kept.append((o, float(o["value"]) / factor, links))
            continue
        b = crossed[0][0]
        row.audit.setdefault("across_break", []).append(
            {"year": int(o["year"]), "value": float(o["value"]), "scope": o["scope"], "source_id": o["source_id"],
             "side": side(o, b), **{f"break_{k}": v for k, v in describe(b).items()}})
        excluded.append(_left_out(o, f"为{describe(b)['new_label'] or '口径变化后'}数据（{b['what']}），与规划基期和目标的"
                                     "口径不同，且无同一年份的新旧口径数值可换算，不直接比较"))
    _record(row, excluded)
    if not kept:
        return out
    row.audit.setdefault(key, []).extend(
        {"year": int(o["year"]), "value": v, "kind": kind, "scope": o["scope"],
         "price_basis": to_str(o["price_basis"]), "source_id": o["source_id"],
         **({"release": to_str(o.get("release"))} if to_str(o.get("release")) else {}),
         **({"published_value": float(o["value"]), "rebased": links} if links else {}),
         **({"period_start_year": to_int(o["period_start_year"])} if kind != "level" else {})} for o, v, links in kept)
    out.points = [(int(o["year"]), v) for o, v, _ in kept]
    out.rows = [o for o, _, _ in kept]
    out.flags = _notes(row, out.rows, elsewhere, partial, brks)
    rebased = [(int(o["year"]), links) for o, _, links in kept if links]
    if rebased:
        link = rebased[-1][1][0]
        out.flags.append(flag("revision", f"{_span_years([y for y, _ in rebased])}数值按{link['year']}年新旧口径之比"
                                          f"（{g(link['new'])}÷{g(link['old'])}={link['factor']:.4f}）换算为规划基期口径后比较"))
    return out


def _left_out(o, why: str) -> dict:
    return {"year": int(o["year"]), "value": float(o["value"]), "scope": o["scope"], "source_id": o["source_id"],
            **({"release": o["release"]} if to_str(o.get("release")) else {}), "why": why}


def _record(row: Row, excluded: list) -> None:
    if excluded:
        row.audit.setdefault("excluded", []).extend(excluded)


def _scope_label(plan, scope: str) -> str:
    return plan.scope_label(scope) if scope in plan.scope_codes else scope


def _published(o) -> str:
    """The publication date of the value's source as ISO text ('' when unknown: oldest)."""
    date = o.get("_published")
    return "" if date is None or is_missing(date) else str(date)


def _why_not(o, pick, plan) -> str:
    if o["scope"] != pick["scope"]:
        return f"同年已有{_scope_label(plan, pick['scope'])}口径数值"
    if o["_across"] != pick["_across"]:
        return "同年已有与规划基期口径一致的数值"
    if _published(o) < _published(pick) or o["_rel"] < pick["_rel"]:
        rel = to_str(pick.get("release"))
        when = _published(pick)
        # no source id: a reader finds the newer value, with its source's title, among the values used
        said = "，".join(x for x in (f"{when}发布" if when else "", label("release", rel) if rel else "") if x)
        return "已被更新发布的数值取代" + (f"（{said}）" if said else "")
    return "同年同口径另有数值，按来源编号排序在后者采用"


def _both_sides(row: Row, o, kind: str) -> pd.DataFrame:
    """Every value of the indicator of ``o`` (context years included) in its scope: where a link year is found."""
    frame = row.own if o["indicator_id"] == row.reg["id"] else row.related
    frame = frame[(frame["indicator_id"] == o["indicator_id"]) & (frame["value_kind"] == kind)
                  & frame["value"].notna() & (frame["scope"] == o["scope"]) & (frame["months_covered"] >= 12)]
    return frame


def _notes(row: Row, chosen: list, elsewhere: pd.DataFrame, partial: pd.DataFrame, brks: list) -> list:
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
    unused = sorted(set(elsewhere["scope"]) - set(used))
    if unused:
        notes.append(flag("info", f"另有{'、'.join(unused)}口径的数据，单独列示，不参与评分"))
    later_partial = partial[partial["year"] > int(latest["year"])]
    if len(later_partial):
        p = later_partial.iloc[-1]
        notes.append(flag("partial", f"{int(p['year'])}年的数值（{g(p['value'])}）不是全年数据"
                                     f"（覆盖{int(p['months_covered'])}个月），不作全年值"))
    stated, guessed = {}, {}
    registered = {to_str(b.get(k)) for b in brks for k in ("old_label", "new_label")} - {None}
    for o in chosen:
        revision = to_str(o.get("revision"))
        if revision and revision not in registered:  # a registered break is handled (re-based or left out)
            (guessed if "revision" in inferred_fields(o) else stated).setdefault(revision, []).append(int(o["year"]))
    for revision, years in stated.items():
        # scored as published: a revision not registered in breaks.csv is not a basis change the engine withholds
        # for, so the note must not call the values «不可直接比较» beside a verdict computed from them
        notes.append(flag("revision", f"{_span_years(years)}数值为{revision}数据（据来源说明），"
                                      "与规划基期和此前年份的数据可能口径不同；本报告按公布值计算，未作换算"))
    for revision, years in guessed.items():
        notes.append(flag("inference", f"{_span_years(years)}数值可能为{revision}数据（来源未说明）"))
    inferred = inferred_fields(latest) - {"revision"}
    if inferred:
        names = {"scope": "统计口径", "price_basis": "价格口径", "indicator_id": "所对应的指标", "year": "所属年份",
                 "value": "数值（单位换算等）", "period_start_year": "起始年份", "months_covered": "覆盖月数",
                 "value_kind": "数值类型（如以产量作下限）"}
        what = "、".join(names.get(f, f) for f in sorted(inferred))
        notes.append(flag("inference", f"最新值的{what}为本报告的判断，来源未明确说明（理由见数据来源表的说明）"))
    return notes


def _span_years(years: list) -> str:
    years = sorted(set(years))
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}年"
    return years_text(years) + "年"
