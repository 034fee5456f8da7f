"""The data behind an indicator chart: actual values, the planned path from baseline to target, and the
projection to the target year. Pure pandas, unit-tested; the chart itself only draws this frame."""
from __future__ import annotations


import pandas as pd

from .fmt import is_missing

SERIES_ACTUAL = "实际值"
SERIES_PLAN = "规划路径"
SERIES_PROJECTION = "按当前速度预测"
SERIES_TARGET = "目标值"


def planned_path(baseline_year, baseline_value, target_year, target_value, path_type) -> pd.DataFrame:
    """Yearly values on the plan's path: straight line (linear) or constant growth (geometric)."""
    if any(is_missing(v) for v in (baseline_year, baseline_value, target_year, target_value)):
        return pd.DataFrame(columns=["year", "value"])
    b, t = int(baseline_year), int(target_year)
    vb, vt = float(baseline_value), float(target_value)
    years = list(range(b, t + 1))
    if path_type == "geometric" and vb > 0 and vt > 0:
        values = [vb * (vt / vb) ** ((y - b) / (t - b)) for y in years]
    else:
        values = [vb + (vt - vb) * (y - b) / (t - b) for y in years]
    return pd.DataFrame({"year": years, "value": values})


def chart_frame(result: pd.Series, observations: pd.DataFrame, sources: pd.DataFrame, registry_row: pd.Series) -> pd.DataFrame:
    """Long frame (year, value, series, source, scope, note) for one indicator's chart.

    Each territorial scope other than 全区/未注明 is drawn as its own series, so one line never mixes scopes.
    """
    titles = dict(zip(sources["source_id"], sources["title"]))
    obs = observations[(observations["indicator_id"] == registry_row["id"]) & (observations["value_kind"] == "level")]
    obs = obs[obs["value"].notna()]
    rows = []
    for _, o in obs.sort_values("year").iterrows():
        label = SERIES_ACTUAL if o["scope"] in ("全区", "未注明") else f"{SERIES_ACTUAL}（{o['scope']}）"
        rows.append({"year": int(o["year"]), "value": float(o["value"]), "series": label,
                     "source": titles.get(o["source_id"], o["source_id"]), "scope": o["scope"],
                     "note": "" if is_missing(o.get("note")) else str(o["note"])})
    if registry_row["target_form"] == "level":
        path = planned_path(registry_row["baseline_year"], registry_row["baseline_value"],
                            registry_row["target_year"], registry_row["target_value"], registry_row.get("path_type"))
        for _, p in path.iterrows():
            rows.append({"year": int(p["year"]), "value": float(p["value"]), "series": SERIES_PLAN,
                         "source": "规划文本（基期值与目标值之间的路径）", "scope": "全区", "note": ""})
        if not is_missing(result.get("projected_value")) and not is_missing(result.get("latest_year")):
            for year, value in ((int(result["latest_year"]), float(result["latest_value"])),
                                (int(registry_row["target_year"]), float(result["projected_value"]))):
                rows.append({"year": year, "value": value, "series": SERIES_PROJECTION,
                             "source": "按基期以来的实际速度外推（非统计数据）", "scope": "", "note": ""})
    return pd.DataFrame(rows, columns=["year", "value", "series", "source", "scope", "note"])

