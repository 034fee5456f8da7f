"""The committed data/: the plan's numbers as the plan prints them, and provenance on every value."""
import pandas as pd
import pytest

from yinzhou_eval.dataset import load_dataset
from yinzhou_eval.vocab import CHAPTERS


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def row(ds, indicator_id):
    reg = ds.registry.set_index("id")
    return reg.loc[indicator_id]


def test_all_32_rows_of_table_2_and_30_of_table_1(ds):
    ids = set(ds.registry["id"])
    assert {f"t2_{i:02d}" for i in range(1, 33)} <= ids
    assert {f"t1_{i:02d}" for i in range(1, 31)} <= ids
    assert sum(i.startswith("t2_") for i in ids) == 32
    assert sum(i.startswith("t1_") for i in ids) == 30
    assert set(ds.registry.loc[ds.registry["id"].str.startswith("t1_"), "plan"]) == {"13th"}


@pytest.mark.parametrize("indicator_id, baseline_year, baseline, target, growth", [
    ("t2_01", 2020, 2266.1, 3200, None),     # 地区生产总值（亿元）
    ("t2_02", 2019, 21.96, 25, 0.51),        # 全员劳动生产率（万元/人）*  — 2019 value, footnote
    ("t2_04", 2019, 5.81, 7, 0.2),           # 规上工业企业营业收入利润率*
    ("t2_08", 2020, 2.5, 3.6, 0.22),         # R&D经费支出占GDP比重
    ("t2_09", 2020, 55, 70, 3),              # 每万人拥有有效发明专利授权（件）
    ("t2_10", 2020, 140, 240, 20),           # “甬江引才工程”人才团队数
])
def test_table_2_numbers_are_the_plans(ds, indicator_id, baseline_year, baseline, target, growth):
    r = row(ds, indicator_id)
    assert (r["baseline_year"], r["baseline_value"], r["target_value"]) == (baseline_year, baseline, target)
    assert r["target_year"] == 2025
    if growth is not None:
        assert r["annual_growth_value"] == growth


def test_growth_target_keeps_the_plans_rate(ds):
    r = row(ds, "t2_03")  # 一般公共预算收入增长率*: 1.5 (2019) → 年均增长 5.0
    assert (r["target_form"], r["baseline_year"], r["target_value"]) == ("growth", 2019, 5.0)


def test_city_assigned_and_relational_rows_carry_no_invented_target(ds):
    reg = ds.registry
    special = reg[reg["target_form"].isin(["city_assigned", "relational"])]
    assert len(special) >= 2
    assert special["target_value"].isna().all()
    assert (reg.loc[reg["target_form"] == "city_assigned", "target_text"].str.contains("按市下达")).any()
    assert set(reg.loc[reg["target_form"] == "relational", "related_id"]) <= set(ds.series["id"]) | set(reg["id"])


def test_text_targets_cover_every_chapter(ds):
    text = ds.registry[ds.registry["source_ref"].str.match(r"^第[二三四五六七八九十]+章")]
    assert len(text) >= 60
    assert set(text["chapter"]) == set(CHAPTERS)
    assert text["quote"].str.len().min() > 8


def test_every_observation_has_a_listed_source_and_a_scope(ds):
    obs = ds.observations
    assert len(obs) > 0
    assert obs["source_id"].isin(ds.sources["source_id"]).all()
    assert obs["scope"].notna().all() and obs["quote"].str.len().min() > 0
    assert obs["indicator_id"].isin(set(ds.registry["id"]) | set(ds.series["id"])).all()


def test_every_source_has_title_and_kind_and_the_plan_is_one(ds):
    src = ds.sources.set_index("source_id")
    assert src.loc["plan_14th", "source_kind"] == "plan"
    assert src["title"].str.len().min() > 3
    web = src[src["source_kind"] != "plan"]
    assert web["url"].str.startswith("http").all()


def test_table_1_results_are_observations_from_the_plan(ds):
    t1 = ds.observations[ds.observations["indicator_id"].str.startswith("t1_")]
    assert len(t1) >= 20
    assert set(t1["source_id"]) == {"plan_14th"} and set(t1["year"]) == {2020}
    by_name = t1.merge(ds.registry[["id", "name_zh"]], left_on="indicator_id", right_on="id")
    gdp = by_name[by_name["name_zh"].str.contains("地区生产总值") & (by_name["value_kind"] == "level")]
    assert 2266.1 in set(gdp["value"])
