"""SYNTHETIC registry rows, observations and plan configs for engine and report unit tests, built in memory.
None of the numbers are real figures."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from planeval.config import Chapter, Period, PlanConfig, PreviousPlan, Scope
from planeval.engine import assess_all

PLAN = PlanConfig(
    id="synthetic", folder=Path("/nonexistent/synthetic"), name="SYNTHETIC 测试规划纲要", short_name="SYNTHETIC规划",
    report_title="SYNTHETIC测试区规划", issuer="SYNTHETIC", source_id="syn_plan", period=Period(2021, 2025),
    baseline_year=2020, default_edition=2023, territory="SYNTHETIC测试区", plan_scope="全区",
    scopes=(Scope("全区", "全区（SYNTHETIC）", ("全大区",), True), Scope("未注明", "来源未注明口径", ("不详",), True),
            Scope("区本级", "区本级（SYNTHETIC）", ())),
    tables={"main": {"name": "SYNTHETIC主要指标表", "short": "表A"}},
    chapters=(Chapter("economy", "经济（SYNTHETIC）", "经济", "SYNTHETIC intro"),),
    previous=PreviousPlan("上一规划（SYNTHETIC）", Period(2016, 2020)))

REG_DEFAULTS = dict(table="main", source_ref="表A-1", group_zh="SYNTHETIC组", name_zh="SYNTHETIC", chapter="economy",
                    unit="%", attribute="预期性", direction="higher", target_form="level", path_type="linear",
                    baseline_year=2020, baseline_value=None, baseline_text=None, target_year=2025, target_value=None,
                    target_operator="=", target_text="SYNTHETIC", annual_growth_value=None, annual_growth_kind=None,
                    annual_growth_text=None, related_id=None, basis=None, same_target_as=None,
                    quote="SYNTHETIC quote", note=None)
OBS_DEFAULTS = dict(value_kind="level", period_start_year=None, verdict=None, scope="全区", months_covered=12,
                    price_basis=None, revision=None, release=None, inferred=None, source_id="syn", quote="SYNTHETIC quote",
                    note=None)


def reg(**kw) -> pd.DataFrame:
    """A SYNTHETIC one-row registry."""
    return pd.DataFrame([{**REG_DEFAULTS, "id": "x", **kw}])


def obs(*rows, indicator_id="x", **common) -> pd.DataFrame:
    """SYNTHETIC observations: (year, value) pairs with common column values."""
    return pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": indicator_id, "year": y, "value": v, **common}
                         for y, v in rows], columns=["indicator_id", "year", "value", *OBS_DEFAULTS])


def one(registry, observations, eval_year=2023, plan=PLAN):
    return assess_all(registry, observations, eval_year, plan).iloc[0]


def audit(r) -> dict:
    return json.loads(r["audit"])


def notes(r) -> list[dict]:
    return json.loads(r["notes"])


def note_kinds(r) -> list[str]:
    return [n["kind"] for n in notes(r)]


def report_for(registry: pd.DataFrame, observations: pd.DataFrame, eval_year: int = 2023, plan=PLAN):
    """A Report on SYNTHETIC in-memory tables (no plan folder), for tests of tables and sentences."""
    from planeval.data.dataset import OPTIONAL_TABLES, Dataset
    from planeval.data.schema import column_specs
    from planeval.report.context import Report

    sources = pd.DataFrame([{"source_id": s, "title": f"SYNTHETIC来源{s}", "publisher": "SYNTHETIC",
                             "publication_date": None, "url": "https://example.org/syn", "access_date": None,
                             "source_kind": "official", "note": None}
                            for s in sorted(set(observations["source_id"]) | {plan.source_id})])
    series = pd.DataFrame(columns=["id", "name_zh", "unit", "chapter", "description"])
    extra = {name: pd.DataFrame({c.name: pd.Series(dtype="object") for c in column_specs(name)})
             for name in OPTIONAL_TABLES}
    ds = Dataset(plan=plan, registry=registry.reset_index(drop=True), observations=observations, sources=sources,
                 series=series, extra=extra)
    rep = Report(data_dir="(synthetic)", eval_year=eval_year)
    rep.__dict__["ds"] = ds
    rep.__dict__["results"] = assess_all(registry, observations, eval_year, plan)
    return rep
