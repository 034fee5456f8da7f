"""The benchmark's synthetic 10x registry (bench itself is not a test: it measures, `make bench` runs it)."""
import csv
import shutil

from yinzhou_eval import bench, paths
from yinzhou_eval.registry import load_registry
from yinzhou_eval.observations import load_observations


def test_scaled_registry_is_ten_times_the_plan_rows_labelled_synthetic_and_still_valid(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    before = load_registry(data)
    bench.scale_registry(data, 10)
    after = load_registry(data)
    n14 = int((before["plan"] == "14th").sum())
    assert len(after) == len(before) + 9 * n14
    copies = after[after["id"].str.contains("_x")]
    assert len(copies) == 9 * n14 and copies["note"].str.contains("SYNTHETIC").all()
    obs = load_observations(data, registry_ids=set(after["id"]))
    assert obs[obs["indicator_id"].str.contains("_x")]["note"].str.contains("SYNTHETIC").all()


def test_touch_one_value_changes_exactly_one_observation(tmp_path):
    shutil.copy(paths.DATA / "observations.csv", tmp_path / "observations.csv")
    before = list(csv.DictReader(open(tmp_path / "observations.csv", encoding="utf-8")))
    bench.touch_one_value(tmp_path, 0)
    after = list(csv.DictReader(open(tmp_path / "observations.csv", encoding="utf-8")))
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert changed[0][0]["indicator_id"].startswith("t2_")
