"""The benchmark's scratch copies and its synthetic 10x registry (bench itself is not a test: it measures,
`make bench` runs it)."""
import csv
import shutil

from conftest import SYNTHETIC_PLAN
from planeval import paths
from planeval.book import bench
from planeval.config import default_plan, load_plan
from planeval.data.observations import load_observations
from planeval.data.registry import load_registry
from planeval.intake.tables import PlanTables


def copy_plan(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(SYNTHETIC_PLAN, folder)
    return folder


def test_scaled_registry_is_ten_times_the_plan_rows_labelled_synthetic_and_still_valid(tmp_path):
    folder = copy_plan(tmp_path)
    lists = load_plan(folder).plan_lists()
    before = load_registry(folder, lists)
    bench.scale_registry(folder, 10)
    after = load_registry(folder, lists)
    current = int((before["table"] != "previous").sum())
    assert len(after) == len(before) + 9 * current
    copies = after[after["id"].str.contains("_x")]
    assert len(copies) == 9 * current and copies["note"].str.contains("SYNTHETIC").all()
    series = {r["id"] for r in csv.DictReader(open(folder / "series.csv", encoding="utf-8"))}
    sources = {r["source_id"] for r in csv.DictReader(open(folder / "sources.csv", encoding="utf-8"))}
    obs = load_observations(folder, set(after["id"]) | series, sources, lists)   # still valid
    copied = obs[obs["indicator_id"].str.contains("_x")]
    assert len(copied) and copied["note"].str.contains("SYNTHETIC").all()


def test_scaled_real_plan_gives_every_copied_target_its_department(tmp_path):
    # The build refuses a plan with a target nobody answers for; the copies must not be such targets.
    folder = tmp_path / "plan"
    shutil.copytree(load_plan(default_plan()).folder, folder)
    tables = PlanTables(load_plan(folder))
    before = len(tables.require_responsibility())
    bench.scale_registry(folder, 3)
    tables = PlanTables(load_plan(folder))
    resp = tables.require_responsibility()          # raises DataError if a copy has no department
    copies = resp[resp["indicator_id"].str.endswith("_x2")]
    assert len(resp) == before + 2 * len(copies) and len(copies) == len(tables.targets) // 3
    original = dict(zip(resp["indicator_id"], resp["department"]))
    assert all(original[i[:-3]] == d for i, d in zip(copies["indicator_id"], copies["department"]))


def test_touch_one_value_changes_exactly_one_observation_of_a_main_target(tmp_path):
    folder = copy_plan(tmp_path)
    before = list(csv.DictReader(open(folder / "observations.csv", encoding="utf-8")))
    bench.touch_one_value(folder, 0)
    after = list(csv.DictReader(open(folder / "observations.csv", encoding="utf-8")))
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    main = {r["id"] for r in csv.DictReader(open(folder / "indicators.csv", encoding="utf-8")) if r["table"] == "main"}
    assert changed[0][0]["indicator_id"] in main
    assert float(changed[0][1]["value"]) == float(changed[0][0]["value"]) + 0.1


def test_fresh_copy_holds_what_a_build_reads_and_no_executed_pages(tmp_path, monkeypatch):
    monkeypatch.setitem(bench.PLAN_FOLDERS, "synthetic-15th", SYNTHETIC_PLAN)
    work = bench.fresh_copy(tmp_path / "work", 1, "synthetic-15th")
    assert (work / "data" / "synthetic-15th" / "plan.yml").exists()       # a plan given by path is copied in
    assert (work / "data" / default_plan() / "plan.yml").exists()
    assert (work / "book" / "report.yml").exists() and not list((work / "book").glob("*.ipynb"))
    assert (work / "planeval" / "book" / "build.py").exists()


def test_a_cold_copy_holds_no_rendered_target_cards(tmp_path, monkeypatch):
    """A cold build must render every card: the committed cards (book/targets/, book/targets.md) stay behind,
    or the cold build and the card ratio would be measured on a build that rendered none."""
    monkeypatch.setitem(bench.PLAN_FOLDERS, "synthetic-15th", SYNTHETIC_PLAN)
    assert list((paths.BOOK / "targets").glob("*.html")) and (paths.BOOK / "targets.md").exists()  # committed
    work = bench.fresh_copy(tmp_path / "work", 1, "synthetic-15th")
    assert not (work / "book" / "targets").exists() and not (work / "book" / "targets.md").exists()
    assert (work / "book" / "_static" / "report.css").exists()    # the book's own files stay


def test_goals_are_judged_on_the_real_registry_medians():
    report = {"ours_x1": {"cold": {"median_s": 20.0}, "noop": {"median_s": 3.5}, "one_year_update": {"median_s": 12.0}}}
    assert bench.goals_met(report) == {"cold": {"limit_s": 25, "median_s": 20.0, "met": True},
                                       "noop": {"limit_s": 3, "median_s": 3.5, "met": False},
                                       "one_year_update": {"limit_s": 12, "median_s": 12.0, "met": True}}
