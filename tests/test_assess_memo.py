"""The per-target memo (engine.memo): a result taken from it is the result judging the target again would give,
and a change to any input of a target judges that target again, and only the targets that read the change."""
from __future__ import annotations

import pickle

import pandas as pd
import pytest

import planeval.engine as engine
from planeval import paths
from planeval.data.dataset import load_dataset

EDITIONS = [("yinzhou-14th", 2023), ("yinzhou-14th", 2025), ("national-14th", 2023), ("national-15th", 2026)]


def _assess(ds, year, observations=None, sources=None, breaks=None, memo=None):
    return engine.assess_all(ds.registry, ds.observations if observations is None else observations, year, ds.plan,
                             sources=ds.sources if sources is None else sources,
                             breaks=ds.table("breaks") if breaks is None else breaks, names=ds.names, memo=memo)


@pytest.fixture
def judged(monkeypatch):
    """The ids judged (not taken from the memo) by the calls made while the fixture is in use."""
    ids = []
    real = engine.assess_one

    def spy(reg, *args, **kwargs):
        ids.append(reg["id"])
        return real(reg, *args, **kwargs)

    monkeypatch.setattr(engine, "assess_one", spy)
    return ids


def _readers(ds, indicator_id: str) -> set:
    """By hand from the registry: the targets whose rule reads ``indicator_id``'s observations."""
    r = ds.registry
    derived = r["derived_from"].fillna("").str.split("/") if "derived_from" in r else pd.Series([[]] * len(r))
    return set(r.loc[(r["id"] == indicator_id) | (r["related_id"] == indicator_id)
                     | derived.map(lambda parts: indicator_id in parts), "id"])


@pytest.mark.parametrize("plan,year", EDITIONS)
def test_results_from_the_memo_equal_judging_every_target_again(plan, year, judged):
    ds = load_dataset(plan)
    fresh = _assess(ds, year)
    memo = {}
    first = _assess(ds, year, memo=memo)
    assert len(memo) == len(ds.registry)
    memo = pickle.loads(pickle.dumps(memo))   # as Dataset keeps it between builds
    judged.clear()
    again = _assess(ds, year, memo=memo)
    assert judged == []                       # nothing changed: every result came from the memo
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(again, fresh)


def _judged_after_changing(judged, plan: str, indicator_id: str, delta: float) -> list:
    """The targets judged again when one figure of ``indicator_id`` moves by ``delta`` (the others come from the
    memo), after checking the result equals judging every target on the changed data."""
    ds = load_dataset(plan)
    memo = {}
    _assess(ds, 2023, memo=memo)
    obs = ds.observations.copy()
    row = obs.index[(obs["indicator_id"] == indicator_id) & obs["value"].notna()][0]
    obs.loc[row, "value"] = float(obs.loc[row, "value"]) + delta
    judged.clear()
    changed = _assess(ds, 2023, observations=obs, memo=memo)
    again = list(judged)
    pd.testing.assert_frame_equal(changed, _assess(ds, 2023, observations=obs))
    return again


def test_a_changed_value_judges_again_its_target_and_the_targets_comparing_with_it(judged):
    # m01 (GDP growth) is read by itself and by the two targets set against it (m02, m08: related_id m01)
    again = _judged_after_changing(judged, "national-14th", "m01", 0.7)
    assert set(again) == {"m01", "m02", "m08"} == _readers(load_dataset("national-14th"), "m01")


def test_a_changed_part_of_a_ratio_judges_the_ratio_again(judged):
    again = _judged_after_changing(judged, "yinzhou-14th", "goal_rural_income", 100)
    assert "goal_income_ratio" in again and set(again) == _readers(load_dataset("yinzhou-14th"), "goal_rural_income")


def test_a_source_redated_or_regraded_judges_again_the_targets_resting_on_it(judged):
    ds = load_dataset("national-14th")
    memo = {}
    _assess(ds, 2023, memo=memo)
    used = ds.observations.loc[ds.observations["indicator_id"] == "m03", "source_id"].iloc[0]
    readers = set(ds.observations.loc[ds.observations["source_id"] == used, "indicator_id"])
    expected = set().union(*(_readers(ds, i) for i in readers))
    kind = ds.sources.loc[ds.sources["source_id"] == used, "source_kind"].iloc[0]
    for column, value in (("publication_date", "2099-01-01"), ("source_kind", "press" if kind != "press" else "plan")):
        sources = ds.sources.copy()
        sources.loc[sources["source_id"] == used, column] = value
        judged.clear()
        changed = _assess(ds, 2023, sources=sources, memo=dict(memo))
        assert set(judged) == expected and len(judged) < len(ds.registry), column
        pd.testing.assert_frame_equal(changed, _assess(ds, 2023, sources=sources))


def test_a_registered_break_judges_its_target_again(judged):
    ds = load_dataset("national-14th")
    memo = {}
    _assess(ds, 2023, memo=memo)
    breaks = ds.table("breaks").copy()
    breaks.loc[breaks["indicator_id"] == "m06", "first_year"] = 2022
    judged.clear()
    changed = _assess(ds, 2023, breaks=breaks, memo=memo)
    assert judged == ["m06"]
    pd.testing.assert_frame_equal(changed, _assess(ds, 2023, breaks=breaks))


def test_another_edition_or_changed_rules_judge_everything_again(judged):
    ds = load_dataset("national-14th")
    memo = {}
    _assess(ds, 2023, memo=memo)
    judged.clear()
    _assess(ds, 2024, memo=dict(memo))
    assert len(judged) == len(ds.registry)
    rules = engine.load_rules()
    rules = {**rules, "thresholds": {**rules["thresholds"], "on_track": rules["thresholds"]["on_track"] - 0.01}}
    judged.clear()
    engine.assess_all(ds.registry, ds.observations, 2023, ds.plan, rules=rules, sources=ds.sources,
                      breaks=ds.table("breaks"), names=ds.names, memo=dict(memo))
    assert len(judged) == len(ds.registry)


def test_the_dataset_ignores_a_memo_of_another_package_version_or_a_broken_file(tmp_path, monkeypatch, judged):
    """Fault injection: a memo entry poisoned with a wrong status is used only if it claims today's package, which a
    memo written by another version of the code cannot; a file that is not a memo is ignored."""
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    ds = load_dataset("national-14th")
    truth = ds.assess(2023)
    path, memo = ds._memo(2023)
    assert path.exists() and len(memo["rows"]) == len(ds.registry)
    poisoned = {k: {**v, "status": "achieved", "reason": "POISONED"} for k, v in memo["rows"].items()}
    for stored, poisons in (({"package": "another version", "rows": poisoned}, False),
                            (b"not a pickle", False),
                            ({"package": memo["package"], "rows": poisoned}, True)):
        for cached in tmp_path.joinpath("assess-cache").rglob("*.pkl"):
            if cached != path:
                cached.unlink()                      # the result and its parts would answer before the memo
        path.write_bytes(stored if isinstance(stored, bytes) else pickle.dumps(stored))
        judged.clear()
        result = load_dataset("national-14th").assess(2023)
        assert (result["reason"] == "POISONED").all() == poisons
        if not poisons:
            pd.testing.assert_frame_equal(result, truth)
            assert len(judged) == len(ds.registry)


def test_a_registry_judged_in_parts_gives_the_same_results_and_memo(tmp_path, monkeypatch, judged):
    from planeval.data import dataset

    monkeypatch.setattr(paths, "BUILD", tmp_path)
    monkeypatch.setattr(dataset, "SHARED_PART", 40)         # the real plan's 171 targets in 5 parts of 35 rows
    ds = load_dataset("yinzhou-14th")
    parted = ds.assess(2023)
    assert len(list((tmp_path / "assess-cache" / "parts").glob("*.pkl"))) == 5
    pd.testing.assert_frame_equal(parted, _assess(ds, 2023))
    judged.clear()
    for cached in (tmp_path / "assess-cache").rglob("*.pkl"):
        if "per-target" not in cached.parts:
            cached.unlink()
    again = load_dataset("yinzhou-14th").assess(2023)       # every part from its memo
    assert judged == []
    pd.testing.assert_frame_equal(again, parted)


# Two processes ask for an assessment in parts (a kernel arriving while the build's process judges): each records
# the parts it judged; the engine is slowed so that both are at work at once. SYNTHETIC plan, 13 targets, parts of 3.
_PARTS = """
import sys, time
from pathlib import Path
from planeval import engine, paths
from planeval.data import dataset
paths.BUILD = Path(sys.argv[1])
dataset.SHARED_PART = 3
real = dataset.Dataset._judge
def judge(self, year, index, span, count):
    with open(sys.argv[2], "a") as f:
        f.write(f"{index}\\n")
    time.sleep(0.4)
    return real(self, year, index, span, count)
dataset.Dataset._judge = judge
print(dataset.load_dataset(sys.argv[3]).assess(2028).to_json())
"""


def test_processes_asking_at_once_share_the_parts_and_judge_each_once(tmp_path):
    import subprocess
    import sys
    import time

    from conftest import SYNTHETIC_PLAN

    build = tmp_path / "_build"
    procs, logs = [], [tmp_path / "a.log", tmp_path / "b.log"]
    for log in logs:
        procs.append(subprocess.Popen([sys.executable, "-c", _PARTS, str(build), str(log), str(SYNTHETIC_PLAN)],
                                      cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        while log == logs[0] and not log.exists() and procs[0].poll() is None:
            time.sleep(0.05)                                 # the second starts once the first is judging
    out = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in out]
    judged = [sorted(int(x) for x in log.read_text().split()) if log.exists() else [] for log in logs]
    assert sorted(judged[0] + judged[1]) == [0, 1, 2, 3, 4]  # 13 targets in 5 parts, each judged once
    assert judged[0] and judged[1]                           # by both processes
    assert out[0][0] == out[1][0]
    ds = load_dataset(SYNTHETIC_PLAN)
    assert pd.read_json(__import__("io").StringIO(out[0][0]))["id"].tolist() == ds.registry["id"].tolist()
