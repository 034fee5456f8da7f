"""The assessment engine: a status and an outlook for every registry target, by the rules in rules.yml.

- ``assess_all(registry, observations, eval_year, plan)``: one result row per registry row (registry order).
- ``assess_one(reg, observations, eval_year, plan)``: the result dict for one registry row.

One rule per target form (engine.forms). Each fills an audit record listing every input, so a reviewer can
recompute the result by hand. Thresholds come from rules.yml, words from labels.yml; nothing numeric is
decided in code.
"""
from __future__ import annotations

import pandas as pd

from ..config import PlanConfig
from . import memo as memo_keys
from .baseline import note_actual_baseline
from .forms import FORMS
from .pace import na
from .result import FLOAT_COLUMNS, INT_COLUMNS, RESULT_COLUMNS, finish
from .row import make_row
from .rules import load_rules
from .values import is_missing, to_int, to_num

OBS_SORT = ["year", "scope", "source_id", "value_kind", "value", "verdict"]
OBS_DEFAULTS = (("value_kind", "level"), ("months_covered", 12), ("scope", "未注明"), ("verdict", None),
                ("price_basis", None), ("period_start_year", None), ("source_id", ""), ("quote", None),
                ("note", None), ("value", None), ("revision", None), ("inferred", None), ("release", None))

__all__ = ["assess_all", "assess_rows", "assess_one", "results_frame", "load_rules", "RESULT_COLUMNS"]


def assess_all(registry: pd.DataFrame, observations: pd.DataFrame, eval_year: int, plan: PlanConfig,
               rules: dict | None = None, sources: pd.DataFrame | None = None,
               breaks: pd.DataFrame | None = None, names: dict | None = None,
               memo: dict | None = None) -> pd.DataFrame:
    """One result row per registry row, in registry order. The result does not depend on the row order of
    either frame. ``names`` (id → name) lets a reason name the series a target keeps pace with.

    ``memo`` (engine.memo): the results of an earlier call by input key, for the same version of the package. A
    target whose inputs are unchanged takes its result from it instead of being judged again; on return the memo
    holds this call's results only."""
    return results_frame(assess_rows(registry, observations, eval_year, plan, rules, sources, breaks, names, memo))


def assess_rows(registry: pd.DataFrame, observations: pd.DataFrame, eval_year: int, plan: PlanConfig,
                rules: dict | None = None, sources: pd.DataFrame | None = None,
                breaks: pd.DataFrame | None = None, names: dict | None = None,
                memo: dict | None = None) -> list[dict]:
    """assess_all's rows before they are one table: a registry judged in parts is one table of all its rows."""
    rules = rules or load_rules()
    obs = with_sources(sorted_observations(observations), sources)
    by_id = {k: g for k, g in obs.groupby("indicator_id", sort=False)}
    by_break = breaks_by_indicator(breaks)

    def judge(reg: dict) -> dict:
        return assess_one(reg, obs, eval_year, plan, rules, _presorted=True, _by_id=by_id, _breaks=by_break,
                          _names=names)

    regs = [reg.to_dict() for _, reg in registry.iterrows()]
    if memo is None:
        return [judge(reg) for reg in regs]
    scope, digests, kept = memo_keys.scope_digest(plan, rules), memo_keys.observation_digests(by_id), {}
    rows = []
    for reg in regs:
        key = memo_keys.row_key(reg, eval_year, scope, digests, by_break, names)
        kept[key] = memo[key] if key in memo else judge(reg)
        rows.append(dict(kept[key]))
    memo.clear()
    memo.update(kept)
    return rows


def results_frame(rows: list[dict]) -> pd.DataFrame:
    """The result rows as one table with the contract's columns and types."""
    out = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    for col in INT_COLUMNS:
        out[col] = pd.array([to_int(v) for v in out[col]], dtype="Int64")
    for col in FLOAT_COLUMNS:
        out[col] = pd.to_numeric(pd.Series([to_num(v) for v in out[col]], dtype="object"), errors="coerce").astype(float)
    out["stale"] = out["stale"].astype(bool)
    out["final"] = out["final"].astype(bool)
    return out


def assess_one(reg, observations: pd.DataFrame, eval_year: int, plan: PlanConfig, rules: dict | None = None,
               _presorted: bool = False, _by_id: dict | None = None, sources: pd.DataFrame | None = None,
               breaks: pd.DataFrame | None = None, _breaks: dict | None = None, _names: dict | None = None) -> dict:
    rules = rules or load_rules()
    obs = observations if _presorted else with_sources(sorted_observations(observations), sources)
    by_break = _breaks if _breaks is not None else breaks_by_indicator(breaks)
    row = make_row(dict(reg), obs, eval_year, plan, rules, by_id=_by_id, breaks=by_break, names=_names)
    handler = FORMS.get(row.reg.get("target_form"))
    if handler is None:
        res = na(f"未知的目标类型“{row.reg.get('target_form')}”")
    elif row.target_year is None:
        res = na("登记表未给出目标年份")
    else:
        res = note_actual_baseline(row, handler(row))
    return finish(row, res)


def with_sources(obs: pd.DataFrame, sources: pd.DataFrame | None) -> pd.DataFrame:
    """Each observation with its source's publication date (which release is latest) and grade (whether a
    verdict resting on it needs checking). Without a sources table both are unknown."""
    if sources is None or "_published" in obs.columns:
        return obs
    published = dict(zip(sources["source_id"], sources["publication_date"]))
    grade = dict(zip(sources["source_id"], sources["source_kind"]))
    return obs.assign(_published=obs["source_id"].map(lambda s: None if is_missing(published.get(s))
                                                      else str(published.get(s))),
                      _grade=obs["source_id"].map(grade))


def breaks_by_indicator(breaks: pd.DataFrame | None) -> dict:
    if breaks is None or breaks.empty:
        return {}
    out = {}
    for _, b in breaks.iterrows():
        rec = {k: (None if is_missing(v) else v) for k, v in b.to_dict().items()}
        rec["first_year"] = int(rec["first_year"])
        out.setdefault(rec["indicator_id"], []).append(rec)
    return out


def sorted_observations(observations: pd.DataFrame) -> pd.DataFrame:
    """A total order on every sort column, so that the result never depends on the input's row order."""
    obs = observations.copy()
    for col, default in OBS_DEFAULTS:
        if col not in obs.columns:
            obs[col] = default
    obs["value_kind"] = obs["value_kind"].where(obs["value_kind"].notna(), "level")
    obs["months_covered"] = obs["months_covered"].where(obs["months_covered"].notna(), 12)
    obs["value"] = pd.to_numeric(obs["value"], errors="coerce")

    def key(row) -> tuple:
        return tuple((0, float(x)) if isinstance(x, (int, float)) and not is_missing(x)
                     else (1, "" if is_missing(x) else str(x)) for x in row)

    keys = [key(row) for row in obs[OBS_SORT].itertuples(index=False, name=None)]
    order = sorted(range(len(obs)), key=keys.__getitem__)
    return obs.iloc[order].reset_index(drop=True)
