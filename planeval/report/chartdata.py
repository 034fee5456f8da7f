"""The data behind an indicator chart: actual values (each territory its own series), the planned path from
the start point to the target, and the projection to the target year. Pure pandas, unit-tested; the chart
itself only draws this frame.

Two columns tell the chart how to draw honestly: ``segment`` splits a series at every missing year (a line is
drawn only between consecutive years, so a gap shows as a gap; values across a registered basis change are a
series of their own, never joined to the old basis), and ``marker`` names the territory of a value
outside the plan's own (区本级 in a 全区 panel), so the chart can label that point."""
from __future__ import annotations

import json

import pandas as pd

from ..engine.breaks import reference_side, side
from .fmt import is_missing

SERIES_ACTUAL = "实际值"
SERIES_CONTEXT = "实际值（规划期前）"
SERIES_PLAN = "规划路径"
SERIES_PROJECTION = "按当前速度外推"
COLUMNS = ["year", "value", "series", "source", "scope", "note", "segment", "marker"]
LEVEL_FORMS = ("level", "city_assigned")


def planned_path(baseline_year, baseline_value, target_year, target_value, path_type) -> pd.DataFrame:
    """Yearly values on the plan's path: straight line (linear) or constant growth (geometric)."""
    if any(is_missing(v) for v in (baseline_year, baseline_value, target_year, target_value)):
        return pd.DataFrame(columns=["year", "value"])
    b, t = int(baseline_year), int(target_year)
    vb, vt = float(baseline_value), float(target_value)
    if t <= b:
        return pd.DataFrame(columns=["year", "value"])
    years = list(range(b, t + 1))
    if path_type == "geometric" and vb > 0 and vt > 0:
        values = [vb * (vt / vb) ** ((y - b) / (t - b)) for y in years]
    else:
        values = [vb + (vt - vb) * (y - b) / (t - b) for y in years]
    return pd.DataFrame({"year": years, "value": values})


def chart_frame(result, observations: pd.DataFrame, sources: pd.DataFrame, registry_row, plan_scope,
                first_year: int) -> pd.DataFrame:
    """Long frame (year, value, series, source, scope, note, segment, marker) for one indicator's chart.

    ``plan_scope`` is the plan's scope, or a tuple of the scopes that may stand beside it (the plan scope first:
    PlanConfig.compatible_scopes). Values before the target's window are drawn as context, values in any other
    territory as their own series marked with their scope, so one line never mixes scopes or periods."""
    same = (plan_scope,) if isinstance(plan_scope, str) else tuple(plan_scope)
    plan_scope = same[0]
    titles = dict(zip(sources["source_id"], sources["title"]))
    obs = drawn_values(observations[observations["indicator_id"] == registry_row["id"]])
    rows = []
    brks = _breaks(result, registry_row["id"])
    ref_year = registry_row.get("baseline_year")
    ref_year = first_year - 1 if is_missing(ref_year) else int(ref_year)
    for _, o in obs.sort_values("year").iterrows():
        before = int(o["year"]) < first_year
        other = o["scope"] not in same
        crossed = [b for b in brks if side(o, b) != reference_side(b, ref_year)]
        if other:      # one bracket: 实际值（区本级，规划期前）
            name = f"{SERIES_ACTUAL}（{o['scope']}{'，规划期前' if before else ''}）"
        elif crossed:  # a basis change is a break in the line: the new basis is its own series
            name = f"{SERIES_ACTUAL}（{crossed[0].get('new_label') or '口径变化后'}）"
        else:
            name = SERIES_CONTEXT if before else SERIES_ACTUAL
        rows.append({"year": int(o["year"]), "value": float(o["value"]), "series": name,
                     "source": titles.get(o["source_id"], o["source_id"]), "scope": o["scope"],
                     "note": "" if is_missing(o.get("note")) else str(o["note"]),
                     "marker": str(o["scope"]) if other else ""})
    if registry_row["target_form"] in LEVEL_FORMS and not is_missing(registry_row.get("target_value")):
        start_year = result.get("start_year") if not is_missing(result.get("start_year")) else registry_row["baseline_year"]
        start_value = result.get("start_value") if not is_missing(result.get("start_value")) else registry_row["baseline_value"]
        path = planned_path(start_year, start_value, registry_row["target_year"], registry_row["target_value"],
                            registry_row.get("path_type"))
        for _, p in path.iterrows():
            rows.append({"year": int(p["year"]), "value": float(p["value"]), "series": SERIES_PLAN,
                         "source": "规划文本（起点与目标值之间的路径）", "scope": plan_scope, "note": ""})
        if not is_missing(result.get("projected_value")) and not is_missing(result.get("latest_year")):
            for year, value in ((int(result["latest_year"]), float(result["latest_value"])),
                                (int(registry_row["target_year"]), float(result["projected_value"]))):
                rows.append({"year": year, "value": value, "series": SERIES_PROJECTION,
                             "source": "按此前实际速度外推（不是统计数据）", "scope": "", "note": ""})
    return with_segments(pd.DataFrame(rows, columns=COLUMNS).assign(marker=lambda f: f["marker"].fillna("")))


def drawn_values(observations: pd.DataFrame) -> pd.DataFrame:
    """The observations a chart draws as values: whole-year levels."""
    return observations[(observations["value_kind"] == "level") & observations["value"].notna()
                        & (observations["months_covered"].fillna(12) >= 12)]


def has_values_from(observations: pd.DataFrame, first_year: int) -> bool:
    """Whether one target's chart (chart_frame of these observations) has a value from ``first_year`` on, without
    making the frame."""
    return bool((drawn_values(observations)["year"] >= first_year).any())


def _breaks(result, indicator_id) -> list:
    """The basis changes registered for the indicator, as the assessment's audit record lists them."""
    audit = result.get("audit") if hasattr(result, "get") else None
    if is_missing(audit):
        return []
    return [dict(b) for b in json.loads(audit).get("breaks", {}).get(indicator_id, [])]


def with_segments(frame: pd.DataFrame) -> pd.DataFrame:
    """Number the runs of consecutive years within each series: ``实际值#0``, ``实际值#1`` … A line joins the
    points of one segment only, so two years with a missing year between them are two separate points, not a line across the
    missing year. The projection (latest year to target year) is one segment by design: it is a forecast,
    drawn dashed, not a series of observations. Row order is kept."""
    frame = frame.reset_index(drop=True)
    segment = pd.Series("", index=frame.index, dtype=object)
    for series, group in frame.groupby("series", sort=False):
        years = group["year"].astype(int).sort_values(kind="stable")
        runs = [0] * len(years) if series == SERIES_PROJECTION else (years.diff().fillna(1) > 1).cumsum()
        segment[years.index] = [f"{series}#{int(r)}" for r in runs]
    return frame.assign(segment=segment)[COLUMNS]
