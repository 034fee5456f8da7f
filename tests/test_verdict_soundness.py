"""Issue 21's "done when", checked on the real plans and editions: no verdict computed across a registered break,
none scored on another scope without saying so, no target decided by a sentence that does not name it, none
resting on non-official sources without 待核实. Each check reads the engine's audit record, so a verdict that
breaks a rule names itself."""
import json

import pytest

from planeval.data.dataset import load_dataset
from planeval.engine.breaks import reference_side, side
from planeval.engine.result import JUDGED, TRUSTED_GRADES

CASES = [("yinzhou-14th", 2023), ("yinzhou-14th", 2025), ("national-14th", 2023), ("national-14th", 2025)]


@pytest.fixture(scope="module", params=CASES, ids=[f"{p}-{y}" for p, y in CASES])
def judged(request):
    plan, year = request.param
    ds = load_dataset(plan)
    return ds, ds.assess(year)


def _rows(judged):
    ds, results = judged
    for _, r in results.iterrows():
        yield ds, r, json.loads(r["audit"])


def test_no_verdict_uses_a_value_across_a_registered_break(judged):
    for ds, r, a in _rows(judged):
        breaks = ds.table("breaks")
        mine = breaks[breaks["indicator_id"] == r["id"]]
        if mine.empty or r["status"] not in JUDGED:
            continue
        ref = a["baseline"]["year"] if a["baseline"]["year"] is not None else a["first_scored_year"] - 1
        obs = ds.observations.set_index(["indicator_id", "year", "source_id"])
        for used in a.get("observations_used", []):
            o = obs.loc[(r["id"], used["year"], used["source_id"])]
            o = (o.iloc[0] if o.ndim > 1 else o).to_dict() | {"year": used["year"]}
            for _, b in mine.iterrows():
                crossed = side(o, b.to_dict()) != reference_side(b.to_dict(), ref)
                assert not crossed or used.get("rebased"), (r["id"], used)


def test_no_verdict_rests_on_another_scope_and_an_unconfirmed_one_says_so(judged):
    for ds, r, a in _rows(judged):
        plan = ds.plan
        for used in a.get("observations_used", []):
            assert used["scope"] in plan.compatible_scopes, (r["id"], used)
            if used["scope"] != plan.plan_scope and r["status"] in JUDGED:
                assert isinstance(r["verify"], str) and "口径" in r["verify"], r["id"]


def test_no_target_is_decided_by_a_sentence_that_does_not_name_it(judged):
    for ds, r, a in _rows(judged):
        used = a.get("verdict_used")
        if not used:
            continue
        rows = ds.observations[(ds.observations["indicator_id"] == r["id"])
                               & (ds.observations["year"] == used["year"])
                               & (ds.observations["source_id"] == used["source_id"])]
        assert not rows["inferred"].fillna("").str.contains("indicator_id").any(), r["id"]


def test_a_verdict_on_non_official_sources_only_reads_to_verify(judged):
    for ds, r, a in _rows(judged):
        if r["status"] not in JUDGED:
            continue
        used = {u["source_id"] for u in a.get("observations_used", []) + a.get("related_observations_used", [])
                + a.get("lower_bounds_used", [])} | ({a["verdict_used"]["source_id"]} if a.get("verdict_used") else set())
        grades = set(ds.sources.set_index("source_id").loc[sorted(used), "source_kind"]) if used else set()
        if grades and not grades & TRUSTED_GRADES:
            assert isinstance(r["verify"], str) and "来源" in r["verify"], r["id"]


def test_the_cases_above_are_not_empty():
    """The checks bite on real rows: a break, another scope, an unnamed sentence and a mirror are all present."""
    yz = load_dataset("yinzhou-14th")
    r = yz.assess(2025).set_index("id")
    assert r.loc["t2_01", "status"] == "not_comparable"          # GDP 3201.9 after the 五经普 revision vs 3200
    assert r.loc["t2_18", "status"] == "pending"                  # 节能减排…完成 does not name 单位GDP能耗
    assert r.loc["ch4_tax_100m_buildings", "verify"]              # a third-party mirror only
    revenue = yz.assess(2023).set_index("id").loc["t2_03"]       # 区本级 only, from the official 2023 report
    assert revenue["status"] == "not_assessable" and revenue["reason"].startswith("只有区本级")
