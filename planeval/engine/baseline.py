"""An estimated baseline (a plan table printing its base year as 预计): the printed value stays in the registry
as printed; once the base year's actual is published and entered (an observation of the base year, the plan's
scope, a level), progress is measured from the actual and the result says so. The base year's actual is
never scored: it only replaces the start the plan could not yet know."""
from __future__ import annotations

import pandas as pd

from ..data.registry import is_estimate
from .values import gu, is_missing, release_rank, to_int, to_num, to_str


def actual_baseline(reg: dict, own: pd.DataFrame, plan_scope: str) -> dict | None:
    """The published actual of an estimated baseline: {year, value, estimate, source_id, release}; None when the
    baseline is not an estimate or its actual is not in yet. Several releases: the latest one."""
    b_year, estimate = to_int(reg.get("baseline_year")), to_num(reg.get("baseline_value"))
    if not is_estimate(reg) or b_year is None or estimate is None:
        return None
    kind = own["value_kind"] if "value_kind" in own else pd.Series("level", index=own.index)
    at = own[(own["year"] == b_year) & (own["scope"] == plan_scope) & (kind.fillna("level") == "level")
             & own["value"].notna()]
    if at.empty:
        return None
    release = at["release"] if "release" in at else pd.Series(None, index=at.index, dtype="object")
    rank = release.map(release_rank)
    chosen = at.loc[rank[rank == rank.max()].index[-1]]
    return {"year": b_year, "value": float(chosen["value"]), "estimate": estimate,
            "source_id": to_str(chosen.get("source_id")), "release": to_str(chosen.get("release"))}


def note_actual_baseline(row, res: dict) -> dict:
    """The result's note when the form measured progress from the published actual instead of the estimate."""
    from .series import flag  # series imports row, which imports this module

    actual = row.audit.get("baseline_actual")
    if not actual or not actual.get("used"):
        return res
    text = (f"规划所列{actual['year']}年基期值{gu(actual['estimate'], row.reg)}为预计数；进度按公布的{actual['year']}年"
            f"实际数{gu(actual['value'], row.reg)}计算")
    return {**res, "flags": [*(res.get("flags") or []), flag("baseline", text)]}
