"""Engine unit tests with hand-computed expectations. Registry rows and observations are SYNTHETIC (tests/synthetic.py),
built in memory; only the retrospective tests at the end read the committed plan's own 表1 results."""
import math

import pandas as pd
import pytest

from planeval.engine import RESULT_COLUMNS, assess_all, assess_one, load_rules
from planeval.engine.rules import rule_versions, rules_at
from planeval.labels import label
from synthetic import PLAN, audit, note_kinds, notes, obs, one, reg


# ---------------------------------------------------------------- output shape
def test_result_has_the_contract_columns_and_numeric_types():
    out = assess_all(reg(baseline_value=2.5, target_value=3.6), obs((2023, 3.0)), 2023, PLAN)
    assert list(out.columns) == RESULT_COLUMNS
    for col in ("time_share", "progress_share", "pace_ratio", "latest_value", "projected_value"):
        assert out[col].dtype == "float64", col
    assert str(out["latest_year"].dtype) == "Int64"
    r = out.iloc[0]
    assert r["status_zh"] == label("status", r["status"], "midterm") and r["edition_kind"] == "midterm"


def test_assess_one_matches_assess_all():
    registry, observations = reg(baseline_value=2.5, target_value=3.6), obs((2022, 2.8), (2023, 3.0))
    single = assess_one(registry.iloc[0], observations, 2023, PLAN)
    assert single["status"] == one(registry, observations)["status"]
    assert single["pace_ratio"] == pytest.approx(one(registry, observations)["pace_ratio"])


# ---------------------------------------------------------------- level targets
def test_linear_level_pace_by_hand():
    # 2.5 → 3.6 (2020→2025); 2023 value 3.0: p = 0.5/1.1 = 0.4545, τ = 3/5 = 0.6, r = 0.7576 → needs acceleration
    r = one(reg(baseline_value=2.5, target_value=3.6), obs((2022, 2.8), (2023, 3.0)))
    assert r["time_share"] == pytest.approx(0.6)
    assert r["progress_share"] == pytest.approx(0.5 / 1.1, rel=1e-6)
    assert r["pace_ratio"] == pytest.approx(0.5 / 1.1 / 0.6, rel=1e-6)
    assert r["status"] == "needs_acceleration" and r["ndrc_class"] == "on_track"
    assert r["status_zh"] == "基本符合预期（需加力）" and r["ndrc_class_zh"] == "符合或基本符合预期"
    # required +0.3/yr vs observed +0.1667/yr → A = 1.8 (≤ 2); projection 3.0 + 2×0.1667 = 3.333, shortfall
    # (3.6 − 3.333)/1.1 = 0.242 > 0.20 → the worse of the two signals: unlikely
    assert r["required_rate"] == pytest.approx(0.3)
    assert r["observed_rate"] == pytest.approx(0.5 / 3)
    assert r["projected_value"] == pytest.approx(3.0 + 2 * 0.5 / 3)
    assert audit(r)["outlook"]["acceleration"] == pytest.approx(1.8)
    assert r["outlook"] == "unlikely" and audit(r)["path"] == "linear"


def test_geometric_level_uses_log_ratio():
    # 2266.1 → 3200 geometric; 2023 = 2803.3: p = ln(2803.3/2266.1)/ln(3200/2266.1) ≈ 0.6165, r ≈ 1.0275
    r = one(reg(unit="亿元", path_type="geometric", baseline_value=2266.1, target_value=3200), obs((2023, 2803.3)))
    p = math.log(2803.3 / 2266.1) / math.log(3200 / 2266.1)
    assert r["progress_share"] == pytest.approx(p, rel=1e-6)
    assert r["pace_ratio"] == pytest.approx(p / 0.6, rel=1e-6)
    assert r["status"] == "on_track"
    assert r["required_rate"] == pytest.approx((3200 / 2803.3) ** 0.5 - 1, rel=1e-6)
    g = (2803.3 / 2266.1) ** (1 / 3) - 1
    assert r["observed_rate"] == pytest.approx(g, rel=1e-6)
    assert r["projected_value"] == pytest.approx(2803.3 * (1 + g) ** 2, rel=1e-6)


def test_lower_is_better():
    base = dict(direction="lower", baseline_value=25, target_value=24, attribute="约束性")
    assert one(reg(**base), obs((2023, 23)))["status"] == "achieved"
    assert one(reg(**base), obs((2023, 24)))["status"] == "achieved"    # "=" reached
    flat = one(reg(**base), obs((2023, 25)))                             # p = 0 → lagging
    assert flat["progress_share"] == pytest.approx(0) and flat["status"] == "lagging"
    worse = one(reg(**base), obs((2023, 26)))                            # p = −1 → reversing
    assert worse["status"] == "reversing" and worse["ndrc_class"] == "lagging"
    assert one(reg(**base), obs((2022, 24.5)))["pace_ratio"] == pytest.approx(1.25)   # p 0.5 / τ 0.4


def test_binding_short_of_on_track_keeps_its_status_and_states_the_duty():
    # r = 0.758 (as in test_linear_level_pace_by_hand): the same band as any indicator; the verdict says the duty
    registry, observations = reg(attribute="约束性", baseline_value=2.5, target_value=3.6), obs((2023, 3.0))
    r = one(registry, observations)
    assert r["status"] == "needs_acceleration" and r["ndrc_class"] == "on_track"
    assert r["reason"].endswith("约束性指标须确保如期完成：未达到符合预期的进度，需加快")
    assert audit(r)["binding_warning"] == "needs_acceleration" and "binding_demoted_from" not in audit(r)
    assert one(reg(attribute="约束性", baseline_value=2.5, target_value=3.6), obs((2023, 3.2)))["status"] == "on_track"
    # an anticipatory row at the same pace carries no binding words
    assert "约束性" not in one(reg(baseline_value=2.5, target_value=3.6), observations)["reason"]
    # the earlier rule (versions 1-2, replayed from rule_history.yml): demoted to 滞后
    old = assess_all(registry, observations, 2023, PLAN, rules=rules_at(2)).iloc[0]
    assert old["status"] == "lagging" and old["ndrc_class"] == "lagging"
    assert audit(old)["binding_demoted_from"] == "needs_acceleration"


def test_rule_versions_replay_their_settings():
    first, second, now = rules_at(1), rules_at(2), load_rules()
    assert (first["held_midterm_status"], first["annual_targets_rule"], first["binding_demote"]) == \
        ("achieved", "each_year", ["needs_acceleration"])
    assert (second["held_midterm_status"], second["annual_targets_rule"]) == ("on_track", "each_year")
    assert rules_at(rule_versions()[-1]["version"]) == now
    broken = [dict(v) for v in rule_versions()]
    broken[1] = {**broken[1], "changes": [{"setting": "held_midterm_status", "previous": "achieved",
                                           "value": "ahead", "anchor": "held"}]}
    with pytest.raises(ValueError, match="version 2 sets held_midterm_status"):
        rules_at(1, history={"rule_versions": broken})


def test_target_already_met_at_baseline_is_held_every_year():
    base = dict(baseline_value=99.0, target_value=98.0, target_operator=">")
    held = one(reg(**base), obs((2023, 98.5)))
    assert held["status"] == "on_track" and pd.isna(held["pace_ratio"]) and "maintain" in audit(held)
    assert held["status_zh"] == "符合预期"                                  # a held target is never 提前实现
    lost = one(reg(**base), obs((2023, 97.5)))
    assert lost["status"] == "lagging" and "2023" in lost["reason"]
    final = one(reg(**base), obs(*[(y, 98.5) for y in range(2021, 2026)]), eval_year=2025)
    assert final["status"] == "achieved" and final["status_zh"] == "完成"


def test_strict_target_equal_to_baseline_does_not_divide_by_zero():
    base = dict(baseline_value=43.64, target_value=43.64, target_operator=">")
    assert one(reg(**base), obs((2023, 43.7)))["status"] == "achieved"
    r = one(reg(**base), obs((2023, 43.64)))
    assert r["status"] == "lagging" and pd.isna(r["pace_ratio"]) and "maintain" in audit(r)


def test_zero_baseline_geometric_falls_back_to_linear():
    r = one(reg(path_type="geometric", baseline_value=0.0, target_value=10), obs((2023, 6)))
    assert audit(r)["path"] == "linear" and "零或负值" in audit(r)["path_note"]
    assert r["progress_share"] == pytest.approx(0.6) and r["pace_ratio"] == pytest.approx(1.0)


def test_negative_values_do_not_crash():
    r = one(reg(baseline_value=-2.0, target_value=3.0, path_type="geometric"), obs((2023, -1.0)))
    assert r["progress_share"] == pytest.approx(0.2) and r["status"] == "lagging"
    r = one(reg(baseline_value=-5.0, target_value=-1.0), obs((2022, -3.0)))  # p = 0.5, τ = 0.4 → r = 1.25
    assert r["pace_ratio"] == pytest.approx(1.25) and r["status"] == "ahead"


def test_about_target_within_tolerance_counts_as_met():
    base = dict(baseline_value=50, target_value=70, target_operator="~")  # tolerance 5 % of 70 = 3.5
    assert one(reg(**base), obs((2023, 66.5)))["status"] == "achieved"
    assert one(reg(**base), obs((2023, 66)))["status"] == "ahead"                 # p = 0.8, r = 1.333
    assert one(reg(**base), obs((2023, 60)))["status"] == "needs_acceleration"    # r = 0.833
    assert one(reg(**base), obs((2025, 67)), eval_year=2025)["status"] == "achieved"
    assert one(reg(**base), obs((2025, 66)), eval_year=2025)["status"] == "missed"


def test_missing_years_time_share_from_latest_year_with_data():
    r = one(reg(baseline_value=10, target_value=20), obs((2021, 12)), eval_year=2022)
    assert r["latest_year"] == 2021 and r["time_share"] == pytest.approx(0.2)
    assert r["pace_ratio"] == pytest.approx(1.0) and r["status"] == "on_track"


def test_no_data_or_no_target_is_not_assessable_with_a_reason():
    r = one(reg(baseline_value=10, target_value=20), obs())
    # the window the verdict could rest on, plainly: the plan's first year to the edition's (default 2023)
    assert r["status"] == "not_assessable" and r["reason"] == "暂无2021—2023年的数据，无法评估"
    # an edition of the plan's first year: one year, never "2021年以来的数据（截至2021年）"
    assert one(reg(baseline_value=10, target_value=20), obs(), eval_year=2021)["reason"] == "暂无2021年的数据，无法评估"
    r = one(reg(baseline_value=10, target_value=None), obs((2023, 12)))
    assert r["status"] == "not_assessable" and "目标值" in r["reason"]
    r = one(reg(baseline_value=10, target_value=20, target_year=None), obs((2023, 12)))
    assert r["status"] == "not_assessable" and "目标年份" in r["reason"]
    r = one(reg(baseline_value=10, target_value=20, target_form="unknown_form"), obs((2023, 12)))
    assert r["status"] == "not_assessable"


def test_without_a_baseline_the_published_baseline_year_value_is_the_start():
    # no plan baseline; 2020 (the plan's baseline year) published 7.386; 2023 = 8.8; target 10 geometric:
    # p = ln(8.8/7.386)/ln(10/7.386) = 0.5782, τ = 3/5, r = 0.9637 → on_track
    r = one(reg(baseline_year=None, target_value=10, path_type="geometric", unit="万元"), obs((2020, 7.386), (2023, 8.8)))
    p = math.log(8.8 / 7.386) / math.log(10 / 7.386)
    assert r["progress_share"] == pytest.approx(p) and r["pace_ratio"] == pytest.approx(p / 0.6)
    # r = 0.96 ≥ 0.95, but g_obs = (8.8/7.386)^(1/3) − 1 = 6.0 % < g_req = (10/8.8)^(1/2) − 1 = 6.6 %: the outlook
    # needs acceleration, so the verdict does too (issue 21: a verdict never contradicts its outlook)
    assert r["outlook"] == "needs_acceleration" and r["status"] == "needs_acceleration"
    assert "需加力" in r["reason"] and (r["start_year"], r["start_value"]) == (2020, 7.386)
    assert audit(r)["baseline_substitute"]["year"] == 2020 and "2020年公布值" in r["reason"]


def test_a_published_start_is_taken_in_the_latest_values_territory_or_warned():
    base = dict(baseline_year=None, target_value=10, unit="万元")
    # 2020 in both territories: the 全区 one (7.0) is the start of a 全区 series, not the 区本级 one (5.0)
    both = pd.concat([obs((2020, 7.0), (2023, 8.8)), obs((2020, 5.0), scope="区本级")], ignore_index=True)
    r = one(reg(**base), both)
    assert (r["start_year"], r["start_value"]) == (2020, 7.0) and "territory" not in note_kinds(r)
    # 2020 only for 区本级: a start from another territory is never used; one 全区 point gives no pace
    r = one(reg(**base), pd.concat([obs((2023, 8.8)), obs((2020, 5.0), scope="区本级")], ignore_index=True))
    assert pd.isna(r["start_value"]) and r["status"] == "short_no_pace"
    assert any(x["year"] == 2020 and "区本级" in x["why"] and "不参与评分" in x["why"] for x in audit(r)["excluded"])


def test_without_any_start_two_window_points_or_else_short_of_target():
    r = one(reg(baseline_year=None, target_value=20), obs((2021, 10), (2023, 14)))
    assert r["progress_share"] == pytest.approx(0.4) and r["time_share"] == pytest.approx(0.5)
    assert audit(r)["baseline_substitute"]["year"] == 2021
    # one point, not met (城乡收入比 1.66 against ＜1.65): assessed as short of target, pace unknown
    r = one(reg(baseline_year=None, direction="lower", target_value=1.65, target_operator="<", unit="倍"),
            obs((2023, 1.66)))
    assert r["status"] == "short_no_pace" and r["ndrc_class"] == "unclear" and r["latest_value"] == 1.66
    assert "尚未达到目标" in r["reason"] and "只有一个数据点" in r["reason"]
    r = one(reg(baseline_year=None, direction="lower", target_value=1.65, target_operator="<"), obs((2023, 1.6)))
    assert r["status"] == "achieved"


# ---------------------------------------------------------------- only in-period data judges
def test_a_series_with_only_pre_period_values_is_not_assessable():
    # the t2_03 case: one value for 2020, the year before the period (equal to the plan's own baseline)
    g = one(reg(target_form="growth", target_value=5.0, baseline_year=2019, baseline_value=1.5), obs((2020, 1.5)))
    assert g["status"] == "not_assessable" and pd.isna(g["latest_year"]) and "2021" in g["reason"]
    assert [c["year"] for c in audit(g)["context_only"]] == [2020]
    lv = one(reg(baseline_value=10, target_value=20), obs((2019, 30), (2020, 25)))
    assert lv["status"] == "not_assessable" and {c["year"] for c in audit(lv)["context_only"]} == {2019, 2020}


def test_a_starred_row_with_a_2019_base_is_scored_from_the_plan_first_year():
    # 2019 base: 2020 is after the baseline but before the period: context, not scored
    r = one(reg(baseline_year=2019, baseline_value=10, target_value=16), obs((2020, 15.9), (2021, 11)))
    assert r["latest_year"] == 2021 and r["status"] != "achieved"
    assert r["time_share"] == pytest.approx(2 / 6) and r["progress_share"] == pytest.approx(1 / 6)
    g = one(reg(target_form="growth", target_value=6.0, baseline_year=2019), obs((2020, 1.5), (2021, 6.0)))
    assert g["time_share"] == pytest.approx(0.2) and g["observed_rate"] == pytest.approx(0.06)


def test_previous_plan_rows_are_judged_in_their_own_period_at_their_target_year():
    prev = reg(table="previous", baseline_year=None, target_year=2020, target_value=20)
    r = one(prev, obs((2020, 21), (2023, 5)), eval_year=2024)
    assert r["eval_year"] == 2020 and r["latest_year"] == 2020 and r["status"] == "achieved"
    assert r["status_zh"] == "完成" and r["edition_kind"] == "final"
    growth = one(reg(table="previous", target_form="growth", baseline_year=None, target_year=2020, target_value=7.5,
                     target_operator=">"),
                 obs((2020, 7.7), value_kind="period_average_growth", period_start_year=2016), eval_year=2023)
    assert growth["status"] == "achieved" and growth["observed_rate"] == pytest.approx(0.077)


def test_only_observations_up_to_the_eval_year_and_the_target_year_count():
    r = one(reg(baseline_value=10, target_value=20), obs((2022, 14), (2024, 30)), eval_year=2023)
    assert (r["latest_year"], r["latest_value"]) == (2022, 14)
    r = one(reg(baseline_value=10, target_value=20), obs(*[(y, 19) for y in range(2021, 2026)], (2026, 25)),
            eval_year=2027)
    assert r["latest_year"] == 2025 and r["status"] == "missed"


# ---------------------------------------------------------------- stale data, evidence, notes
def test_stale_latest_value_is_said():
    # edition 2025: the newest value is from 2022, older than 2025 − 1
    r = one(reg(baseline_value=10, target_value=20), obs((2022, 14)), eval_year=2024)
    assert r["stale"] and notes(r)[0] == {"kind": "stale", "text": "最新数据为2022年"}
    assert not one(reg(baseline_value=10, target_value=20), obs((2022, 14)), eval_year=2023)["stale"]
    assert not one(reg(baseline_value=10, target_value=20), obs(), eval_year=2024)["stale"]   # nothing to be stale


def test_staleness_counts_from_the_target_year_when_it_came_before_the_edition():
    # a target for 2022 judged in the final edition (2025): 2022's value is the one it needs, 2020's is old
    early = dict(baseline_value=10, target_value=20, target_year=2022)
    r = one(reg(**early), obs((2021, 15), (2022, 21)), eval_year=2025)
    assert r["status"] == "achieved" and not r["stale"] and "stale" not in note_kinds(r)
    # the same value for a target of 2025, in a 2024 monitoring edition, is old (2022 < 2024 − 1)
    assert one(reg(baseline_value=10, target_value=20), obs((2021, 15), (2022, 21)), eval_year=2024)["stale"]


def test_a_verdict_shows_its_sentence_year_and_source():
    q = "节能减排指标完成上级下达任务。"
    r = one(reg(target_form="city_assigned", direction="none", target_value=None, baseline_year=None),
            obs((2023, None), verdict="met", quote=q, source_id="src_plan_report", scope="未注明"))
    assert r["status"] == "on_track" and r["status_zh"] == "符合预期"
    assert (r["evidence_year"], r["evidence_quote"], r["evidence_source_id"]) == (2023, q, "src_plan_report")
    assert note_kinds(r) == ["territory", "verify"]    # an unstated scope: the verdict is 待核实
    assert r["verify"] == "数据未注明统计口径，未确认为全区"


def test_a_sentence_that_does_not_name_the_target_decides_nothing():
    q = "节能减排指标完成上级下达任务。"     # 节能减排 in general, not 单位GDP能耗: context (未单列)
    general = one(reg(target_form="city_assigned", direction="none", target_value=None, baseline_year=None),
                  obs((2023, None), verdict="met", quote=q, inferred="indicator_id"))
    assert general["status"] == "pending" and "未单列本指标" in general["reason"]
    assert general["evidence_quote"] == q and general["evidence_year"] == 2023 and general["verify"] is None
    assert audit(general)["context_verdicts"][0]["why"] == "原文未单列本指标，只作背景，不据此判断"
    qual = one(reg(target_form="qualitative", direction="none", target_value=None, baseline_year=None),
               obs((2023, None), verdict="met", quote=q, inferred="indicator_id"))
    assert qual["status"] == "not_assessable" and "未单列" in qual["reason"]
    # the same sentence naming the target decides it
    named = one(reg(target_form="qualitative", direction="none", target_value=None, baseline_year=None),
                obs((2023, None), verdict="met", quote="单位GDP能耗降低完成上级下达任务。"))
    assert named["status"] == "on_track" and named["verify"] is None


def test_scope_notes_say_exactly_what_differs():
    o = pd.concat([obs((2022, 14)), obs((2023, 16), scope="区本级")])
    r = one(reg(baseline_value=10, target_value=20), o)
    assert (r["latest_year"], r["latest_scope"]) == (2022, "全区")
    assert notes(r) == [{"kind": "info", "text": "另有区本级口径的数据，单独列示，不参与评分"}]   # information, no warning
    # only another territory: never scored as if it matched (issue 21)
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 16), scope="区本级"))
    assert r["status"] == "not_assessable" and note_kinds(r) == ["territory"]
    assert notes(r)[0]["text"] == "只有区本级（SYNTHETIC）口径的数据，与规划目标的全区口径不同，不作评分"
    assert notes(one(reg(baseline_value=10, target_value=20), obs((2022, 14)))) == []


def test_unstated_scope_is_used_beside_the_plan_scope_and_noted():
    o = pd.concat([obs((2021, 12)), obs((2023, 16), scope="未注明")])
    r = one(reg(baseline_value=10, target_value=20), o)
    assert (r["latest_year"], r["latest_scope"]) == (2023, "未注明")
    assert note_kinds(r) == ["territory", "territory", "verify"] and "口径不一" in notes(r)[1]["text"]
    o = pd.concat([obs((2023, 15)), obs((2023, 16), scope="未注明")])    # same year in both: the plan scope wins
    assert one(reg(baseline_value=10, target_value=20), o)["latest_value"] == 15


def test_a_revision_is_a_warning_only_when_a_source_says_so():
    stated = one(reg(baseline_value=10, target_value=20), obs((2023, 15), revision="第五次全国经济普查修订后"))
    assert note_kinds(stated) == ["revision"] and "据来源说明" in notes(stated)[0]["text"]
    inferred = one(reg(baseline_value=10, target_value=20),
                   obs((2023, 15), revision="第五次全国经济普查修订后", inferred="revision"))
    assert note_kinds(inferred) == ["inference"] and "可能为" in notes(inferred)[0]["text"]   # shown under 推断
    plain = one(reg(baseline_value=10, target_value=20), obs((2023, 15), note="初步数，与基期不可比"))
    assert notes(plain) == []      # a note is not a field: "不可比" in free text raises nothing


def test_duplicate_values_for_one_year_are_resolved_the_same_way_in_any_order():
    a, b = obs((2023, 15), source_id="src_a"), obs((2023, 16), source_id="src_b")
    r1 = one(reg(baseline_value=10, target_value=20), pd.concat([a, b]))
    r2 = one(reg(baseline_value=10, target_value=20), pd.concat([b, a]))
    assert r1["latest_value"] == r2["latest_value"] == 16
    assert any(e["source_id"] == "src_a" for e in audit(r1)["excluded"])


def test_partial_year_values_are_not_used_as_full_year_and_are_said():
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 19), months_covered=11))
    assert r["status"] == "not_assessable" and audit(r)["excluded"][0]["year"] == 2023
    r = one(reg(baseline_value=10, target_value=20), pd.concat([obs((2022, 14)), obs((2023, 19), months_covered=11)]))
    assert r["latest_year"] == 2022 and "partial" in note_kinds(r)


# ---------------------------------------------------------------- editions: the same inputs, mid-term and final
def test_edition_kinds_from_the_period():
    assert [PLAN.edition_kind(y) for y in range(2021, 2027)] == [
        "monitoring", "monitoring", "midterm", "monitoring", "final", "final"]
    assert PLAN.title_for(2023).endswith("中期评估报告") and PLAN.title_for(2025).endswith("总结评估报告")
    assert PLAN.title_for(2022).endswith("年度监测报告")


def test_final_wording_on_the_same_inputs():
    registry = reg(baseline_value=10, target_value=20)
    early = one(registry, obs((2023, 21)), eval_year=2023)
    assert (early["status"], early["status_zh"], early["ndrc_class_zh"]) == ("achieved", "提前实现", "提前实现")
    late = one(registry, obs((2023, 21), (2025, 22)), eval_year=2025)
    assert (late["status"], late["status_zh"], late["ndrc_class_zh"]) == ("achieved", "完成", "完成")
    assert late["outlook"] == "final" and pd.isna(late["required_rate"])
    missed = one(registry, obs((2025, 19)), eval_year=2025)
    assert (missed["status_zh"], missed["ndrc_class_zh"]) == ("未完成", "未完成")


def test_a_final_edition_without_target_year_data_gives_no_final_verdict():
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 16)), eval_year=2025)
    assert r["status"] == "not_assessable" and "总结评估须有目标年（2025年）的数据" in r["reason"]
    assert "2023" in r["reason"] and pd.isna(r["required_rate"])     # no remaining-years arithmetic
    met_early = one(reg(baseline_value=10, target_value=20), obs((2024, 21)), eval_year=2025)
    assert met_early["status_zh"] == "完成"


def test_pending_wording_for_a_finished_plan():
    city = reg(target_form="city_assigned", direction="none", target_value=None, baseline_year=None)
    assert one(city, obs())["status_zh"] == "待上级下达"
    done = one(city, obs(), eval_year=2025)
    assert done["status_zh"] == "未找到下达目标" and "未找到" in done["reason"]


# ---------------------------------------------------------------- held targets: ceilings and floors
CEILING = dict(target_form="ceiling", direction="lower", baseline_value=2.5, target_value=3.5, target_operator="<")


def test_ceiling_must_hold_every_year():
    r = one(reg(**CEILING), obs((2021, 3.1), (2023, 3.2)))
    assert r["status"] == "on_track" and r["outlook"] == "likely" and "2022" in r["reason"]   # 缺2022年数据
    assert audit(r)["computed"]["headroom_latest"] == pytest.approx(0.3)
    r = one(reg(**CEILING), obs((2021, 3.1), (2022, 3.6), (2023, 3.2)))   # earlier breach, latest complies
    # a year already broken cannot be undone (完成难度大): 滞后 mid-course, never 需加力 beside that outlook
    assert r["status"] == "lagging" and r["outlook"] == "unlikely" and audit(r)["computed"]["breach_years"] == [2022]
    # binding, behind pace: p = 0.48/1 = 0.48, τ = 0.6, r = 0.8 → same band as any target, the duty stated
    paced = dict(baseline_value=2.0, target_value=3.0, attribute="约束性")
    binding = one(reg(**paced), obs((2023, 2.48)))
    assert binding["status"] == "needs_acceleration" and "约束性指标须确保如期完成" in binding["reason"]
    assert assess_all(reg(**paced), obs((2023, 2.48)), 2023, PLAN,
                      rules=rules_at(2)).iloc[0]["status"] == "lagging"             # the earlier demote
    assert one(reg(**CEILING), obs((2023, 3.5)))["status"] == "lagging"   # "<" is strict
    assert one(reg(**{**CEILING, "target_operator": "<="}), obs((2023, 3.5)))["status"] == "on_track"
    every = [(y, 3.0) for y in range(2021, 2026)]
    assert one(reg(**CEILING), obs(*every), eval_year=2025)["status"] == "achieved"
    assert one(reg(**CEILING), obs(*every[:-1], (2025, 3.7)), eval_year=2025)["status"] == "missed"
    gap = one(reg(**CEILING), obs((2021, 3.0), (2025, 3.0)), eval_year=2025)
    assert gap["status"] == "not_assessable" and "2022" in gap["reason"]


def test_floor():
    base = dict(target_form="floor", baseline_value=43.64, target_value=43.64, target_operator=">")
    assert one(reg(**base), obs((2022, 43.7)))["status"] == "on_track"
    assert one(reg(**base), obs((2022, 43.64)))["status"] == "lagging"
    # a floor breached in 2021 and kept in 2022: the year cannot be undone, so 滞后 (outlook 完成难度大), binding
    # or not; the earlier versions (1-2) read the same
    r = one(reg(**base, attribute="约束性"), obs((2021, 43.5), (2022, 43.7)), eval_year=2022)
    assert r["status"] == "lagging" and r["outlook"] == "unlikely"
    assert assess_all(reg(**base, attribute="约束性"), obs((2021, 43.5), (2022, 43.7)), 2022, PLAN,
                      rules=rules_at(1)).iloc[0]["ndrc_class"] == "lagging"


# ---------------------------------------------------------------- growth targets
GROWTH = dict(target_form="growth", target_value=6.0, baseline_value=None, unit="%")


def test_growth_chains_published_rates():
    # 8.0, 3.0, 4.5 → G = 1.08·1.03·1.045 = 1.16249; ḡ = 5.15 %; target 6 %
    # p = ln G/(5 ln 1.06) = 0.5167; τ = 3/5; r = ln(1+ḡ)/ln 1.06 = 0.861 → needs acceleration
    r = one(reg(**GROWTH), obs((2021, 8.0), (2022, 3.0), (2023, 4.5)))
    G = 1.08 * 1.03 * 1.045
    g = G ** (1 / 3) - 1
    assert r["observed_rate"] == pytest.approx(g, rel=1e-6)
    assert r["progress_share"] == pytest.approx(math.log(G) / (5 * math.log(1.06)), rel=1e-6)
    assert r["pace_ratio"] == pytest.approx(math.log(1 + g) / math.log(1.06), rel=1e-6)
    assert r["status"] == "needs_acceleration"
    assert r["required_rate"] == pytest.approx((1.06 ** 5 / G) ** 0.5 - 1, rel=1e-6)  # 7.3 %
    assert r["outlook"] == "needs_acceleration"


def test_growth_about_band_and_missing_year():
    base = dict(GROWTH, target_operator="~")
    assert one(reg(**base), obs((2021, 5.7), (2022, 5.8), (2023, 5.9)))["status"] == "on_track"
    r = one(reg(**base), obs((2021, 5.7), (2023, 5.9)))
    assert r["status"] == "not_assessable" and "2022" in r["reason"]
    assert one(reg(**base), obs(*[(y, 5.6) for y in range(2021, 2026)]), eval_year=2025)["status"] == "achieved"
    assert one(reg(**base), obs(*[(y, 5.4) for y in range(2021, 2026)]), eval_year=2025)["status"] == "missed"


def test_growth_never_uses_another_price_basis():
    r = one(reg(**GROWTH, basis="real"), obs((2021, 9.0), (2022, 8.0), price_basis="nominal"))
    assert r["status"] == "not_assessable" and all("价格口径" in e["why"] for e in audit(r)["excluded"])
    assert one(reg(**GROWTH, basis="real"), obs((2021, 6.0), price_basis="real"))["status"] == "on_track"


def test_growth_with_a_negative_target_uses_the_pp_gap():
    base = dict(GROWTH, target_value=-3.0, direction="lower")
    r = one(reg(**base), obs((2021, -3.5), (2022, -2.8)))
    g = (0.965 * 0.972) ** 0.5 - 1
    assert r["observed_rate"] == pytest.approx(g) and r["status"] == "on_track" and pd.isna(r["pace_ratio"])
    assert one(reg(**base), obs((2021, -2.0), (2022, -2.2)))["status"] == "lagging"
    assert one(reg(**base), obs((2021, -2.7), (2022, -2.8)))["status"] == "needs_acceleration"


def _annual(actual, years=(2021, 2022, 2023), goals=(6.0, 5.5, 5.0), printed=("6%以上", "5.5%左右", "5%左右"),
            eval_year=2023, rules=None):
    row = reg(target_form="annual_targets", related_id="ctx_t", target_value=None, baseline_value=2.3)
    g = obs(*zip(years, goals), indicator_id="ctx_t")
    g["value_text"] = list(printed)
    return assess_all(row, pd.concat([obs(*actual), g]), eval_year, PLAN, rules=rules).iloc[0]


def test_annual_targets_balance_of_the_years():
    # 各年度视情提出, 年度间综合平衡: 2021 8.1 vs 6以上, 2022 3.0 vs 5.5左右, 2023 5.2 vs 5左右
    # actual (1.081·1.03·1.052)^(1/3) − 1 = 5.398 %, targets (1.06·1.055·1.05)^(1/3) − 1 = 5.499 %: −0.101 pp,
    # tolerance (0 + 0.5 + 0.5)/3 = 0.333 pp → kept: 符合预期 although 2022 missed its own target
    r = _annual([(2021, 8.1), (2022, 3.0), (2023, 5.2)])
    a = audit(r)
    assert a["computed"]["missed_years"] == [2022]
    assert a["balance"]["gap_pp"] == pytest.approx(((1.081 * 1.03 * 1.052) ** (1 / 3) - (1.06 * 1.055 * 1.05) ** (1 / 3)) * 100)
    assert a["balance"]["tolerance_pp"] == pytest.approx(1 / 3)
    assert r["status"] == "on_track" and r["outlook"] == "likely" and "2022年3%（预期目标5.5%左右）" in r["reason"]
    # 2021 6.5, 2022 3.0 (2022): (1.065·1.03)^½ − 1 = 4.735 %, targets 5.750 %: −1.014 pp, tolerance 0.25 →
    # short 0.764 pp > 0.5 → 滞后; catching up 0.764·2/3 = 0.510 pp a year above the targets > 0.5 → 完成难度大
    r = _annual([(2021, 6.5), (2022, 3.0)], eval_year=2022)
    short = -(((1.065 * 1.03) ** 0.5 - (1.06 * 1.055) ** 0.5) * 100) - 0.25
    assert audit(r)["balance"]["shortfall_pp"] == pytest.approx(short) and short == pytest.approx(0.7643, abs=1e-4)
    assert r["status"] == "lagging" and r["outlook"] == "unlikely"
    assert audit(r)["balance"]["catch_up_pp_a_year"] == pytest.approx(short * 2 / 3)
    # 2021 6.0, 2022 4.6: (1.06·1.046)^½ − 1 = 5.297 %: −0.452 pp, short 0.202 ≤ 0.5 → 需加力; catch-up 0.135 → 需加快
    r = _annual([(2021, 6.0), (2022, 4.6)], eval_year=2022)
    assert r["status"] == "needs_acceleration" and r["outlook"] == "needs_acceleration"
    # 5.8 is not "6%以上" and 2022 5.5 is: −0.2 pp with tolerance 0.25 → kept
    r = _annual([(2021, 5.8), (2022, 5.5)], eval_year=2022)
    assert audit(r)["computed"]["missed_years"] == [2021] and r["status"] == "on_track"


def test_annual_targets_final_balance_and_gaps():
    five = dict(years=(2021, 2022, 2023, 2024, 2025), goals=(6.0, 5.5, 5.0, 5.0, 5.0),
                printed=("6%以上", "5.5%左右", "5%左右", "5%左右", "5%左右"), eval_year=2025)
    # 8.1, 3.0, 5.2, 5.0, 5.0: −0.054 pp with tolerance 0.4 → 完成 (the 2022 miss is made up)
    r = _annual([(2021, 8.1), (2022, 3.0), (2023, 5.2), (2024, 5.0), (2025, 5.0)], **five)
    assert r["status"] == "achieved" and r["outlook"] == "final"
    # 6.0, 3.0, 5.0, 5.0, 5.0: −0.503 pp, tolerance 0.4 → 未完成
    r = _annual([(2021, 6.0), (2022, 3.0), (2023, 5.0), (2024, 5.0), (2025, 5.0)], **five)
    assert r["status"] == "missed"
    # no 2025 value yet: no final verdict
    assert _annual([(2021, 8.1), (2022, 3.0), (2023, 5.2), (2024, 5.0)], **five)["status"] == "not_assessable"
    # a year missing in the middle: no balance is computed
    r = _annual([(2021, 8.1), (2023, 5.2)])
    assert r["status"] == "not_assessable" and "缺少2022年" in r["reason"]


def test_annual_targets_earlier_rule_each_year_replayed():
    # versions 1-2 (rule_history.yml): one missed year decides; the same data as the first balance case
    r = _annual([(2021, 8.1), (2022, 3.0), (2023, 5.2)], rules=rules_at(2))
    assert r["status"] == "needs_acceleration" and r["outlook"] == "unlikely"
    assert _annual([(2021, 8.1), (2022, 3.0)], eval_year=2022, rules=rules_at(2))["status"] == "lagging"
    # all years met: the held status of the version (提前实现 in version 1, 符合预期 since version 2)
    met = [(2021, 8.1), (2022, 5.1)]
    assert _annual(met, eval_year=2022, rules=rules_at(1))["status"] == "achieved"
    assert _annual(met, eval_year=2022, rules=rules_at(2))["status"] == "on_track"


# ---------------------------------------------------------------- cumulative totals and reductions
CUMUL = dict(target_form="cumulative", unit="万人", target_value=10, baseline_value=None, baseline_year=None)


def test_cumulative_sums_years_and_refuses_gaps():
    r = one(reg(**CUMUL), obs((2021, 2.3), (2022, 2.1), (2023, 2.0)))
    assert r["latest_value"] == pytest.approx(6.4) and r["progress_share"] == pytest.approx(0.64)
    assert r["pace_ratio"] == pytest.approx(0.64 / 0.6) and r["status"] == "on_track"
    assert r["required_rate"] == pytest.approx(1.8)
    gap = one(reg(**CUMUL), obs((2021, 2.3), (2023, 2.0)))
    assert gap["status"] == "not_assessable" and "2022" in gap["reason"] and "下限" in gap["reason"]


def test_cumulative_published_total_and_final():
    assert one(reg(**CUMUL), obs((2023, 10.5), value_kind="period_total", period_start_year=2021))["status"] == "achieved"
    r = one(reg(**CUMUL), obs(*[(y, 1.5) for y in range(2021, 2026)]), eval_year=2025)
    assert r["status"] == "missed" and r["latest_value"] == pytest.approx(7.5)


def test_cumulative_reduction_chains_the_yearly_reductions():
    # 〔13.5〕: 2021 −2.7 %, 2022 −0.1 % → R = 1 − 0.973·0.999 = 2.797 %;
    # p = ln(0.972027)/ln(0.865) = 0.1953; τ = 2/5; r = 0.488 → lagging (binding)
    row = reg(target_form="cumulative_reduction", target_value=13.5, attribute="约束性", direction="higher")
    r = one(row, obs((2021, 2.7), (2022, 0.1)), eval_year=2022)
    remain = 0.973 * 0.999
    p = math.log(remain) / math.log(1 - 0.135)
    assert r["progress_share"] == pytest.approx(p) and r["time_share"] == pytest.approx(0.4)
    assert r["pace_ratio"] == pytest.approx(p / 0.4) and r["status"] == "lagging"
    assert r["required_rate"] == pytest.approx(1 - ((1 - 0.135) / remain) ** (1 / 3))
    assert "不是简单相加" not in r["reason"] and "2.8%" in r["reason"]
    assert one(row, obs((2021, 3.0), (2022, 3.0)), eval_year=2022)["status"] == "on_track"   # r = 1.05


# ---------------------------------------------------------------- assigned targets, relations, qualitative
CITY = dict(target_form="city_assigned", direction="none", target_value=None, attribute="约束性", baseline_year=None)


def test_city_assigned_uses_a_recorded_verdict_or_stays_pending():
    r = one(reg(**CITY), obs((2023, 18.0)))
    assert r["status"] == "pending" and "尚无上级下达" in r["reason"] and r["ndrc_class"] == "pending"
    assert one(reg(**CITY), obs((2023, None), verdict="met"))["status"] == "on_track"
    assert one(reg(**CITY), obs((2025, None), verdict="met"), eval_year=2025)["status"] == "achieved"
    assert one(reg(**CITY), obs((2023, None), verdict="not_met"))["status"] == "lagging"
    assert one(reg(**CITY), obs((2025, None), verdict="not_met"), eval_year=2025)["status"] == "missed"
    early = one(reg(**CITY), obs((2023, None), verdict="met"), eval_year=2025)     # no verdict for the target year
    assert early["status"] == "not_assessable" and early["evidence_year"] == 2023
    r = one(reg(**CITY), obs((2021, None), (2022, None), verdict="not_met").assign(verdict=["not_met", "met"]))
    assert r["status"] == "on_track" and audit(r)["verdict_used"]["year"] == 2022


def test_a_verdict_before_the_window_does_not_count():
    assert one(reg(**CITY), obs((2020, None), verdict="met"))["status"] == "pending"


def test_city_assigned_with_a_recorded_city_number_is_a_level_target():
    r = one(reg(**{**CITY, "direction": "lower", "baseline_year": 2020, "baseline_value": 10, "target_value": 8}),
            obs((2023, 8.5)))
    assert r["progress_share"] == pytest.approx(0.75) and "city_target" in audit(r)


REL = dict(target_form="relational", related_id="ctx_gdp", basis="real", target_value=None)
GDP = obs((2021, 8.0), (2022, 3.0), indicator_id="ctx_gdp", price_basis="real")


def test_relational_needs_the_same_price_basis():
    r = one(reg(**REL), pd.concat([GDP, obs((2021, 9.0), (2022, 5.0), price_basis="nominal")]))
    assert r["status"] == "not_assessable" and "口径" in r["reason"]
    r = one(reg(**{**REL, "basis": None}), pd.concat([GDP.assign(price_basis=None), obs((2021, 7.0), (2022, 3.5))]))
    assert r["status"] == "not_assessable" and "口径" in r["reason"]


def test_relational_gap_by_hand_and_a_running_relation_is_never_early():
    r = one(reg(**REL), pd.concat([GDP, obs((2021, 7.0), (2022, 3.5), price_basis="real")]))
    gap = ((1.07 * 1.035) ** 0.5 - (1.08 * 1.03) ** 0.5) * 100    # −0.26 pp: 基本同步
    assert audit(r)["computed"]["gap_pp"] == pytest.approx(gap) and audit(r)["computed"]["years_in_step"] == 1
    assert r["status"] == "on_track"
    assert one(reg(**REL), pd.concat([GDP, obs((2021, 5.0), (2022, 2.0), price_basis="real")]))["status"] == "lagging"
    faster = one(reg(**REL), pd.concat([GDP, obs((2021, 9.0), (2022, 3.0), price_basis="real")]))
    assert faster["status"] == "on_track" and faster["status_zh"] == "符合预期"
    # 高于 (">"): in step is not enough
    above = one(reg(**REL, target_operator=">"), pd.concat([GDP, obs((2021, 8.0), (2022, 3.0), price_basis="real")]))
    assert above["status"] == "needs_acceleration"


def test_relational_compares_only_common_years():
    r = one(reg(**REL), pd.concat([GDP, obs((2022, 3.0), price_basis="real")]))
    assert audit(r)["computed"]["years"] == [2022] and "2021" in r["reason"]
    assert one(reg(**REL), GDP)["status"] == "not_assessable"


def test_qualitative_needs_cited_evidence():
    base = dict(target_form="qualitative", direction="none", target_value=None)
    assert one(reg(**base), obs())["status"] == "not_assessable"
    assert one(reg(**base), obs((2023, None), verdict="met", quote=None))["status"] == "not_assessable"
    assert one(reg(**base), obs((2023, None), verdict="met", quote="  "))["status"] == "not_assessable"
    r = one(reg(**base), obs((2023, None), verdict="met"))
    assert r["status"] == "on_track" and r["evidence_quote"] == "SYNTHETIC quote"
    assert one(reg(**base), obs((2025, None), verdict="met"), eval_year=2025)["status"] == "achieved"


# ---------------------------------------------------------------- audit and rules
def test_audit_lets_a_reviewer_recompute():
    r = one(reg(baseline_value=2.5, target_value=3.6, target_operator=">="), obs((2020, 2.6), (2023, 3.0)))
    a = audit(r)
    used = a["observations_used"][0]
    p = (used["value"] - a["baseline"]["value"]) / (a["target"]["value"] - a["baseline"]["value"])
    assert p == pytest.approx(r["progress_share"]) and used["source_id"] == "syn" and used["year"] == 2023
    assert a["operator"] == ">=" and a["path"] == "linear" and a["thresholds"]["on_track"] == 0.95
    assert a["first_scored_year"] == 2021 and a["context_only"][0]["year"] == 2020
    tau = (used["year"] - a["baseline"]["year"]) / (a["target"]["year"] - a["baseline"]["year"])
    assert p / tau == pytest.approx(r["pace_ratio"])


def test_every_status_has_a_class_colour_and_labels_for_every_edition():
    rules = load_rules()
    classes = set(rules["class_colours"])
    for code, spec in rules["statuses"].items():
        assert spec["class"] in classes and spec["colour"].startswith("#"), code
        for kind in ("monitoring", "midterm", "final"):
            assert label("status", code, kind) and label("ndrc_class", spec["class"], kind)
    for key in rules["thresholds"]:
        assert rules["anchors"].get(key), f"threshold {key} has no stated source"
    assert label("status", "achieved", "final") == "完成" and label("ndrc_class", "achieved", "midterm") == "提前实现"
    assert label("status", "achieved", "midterm") == label("ndrc_class", "achieved", "midterm")   # one word, one place


# ---------------------------------------------------------------- the committed plan's 表1, judged at 2020
@pytest.fixture(scope="module")
def retro():
    from planeval.data.dataset import load_dataset

    ds = load_dataset("yinzhou-14th")
    results = ds.assess(2023)
    return results[results["table"] == "previous"]


def _status(retro, name):
    rows = retro[retro["name_zh"].str.contains(name, regex=False)]
    assert len(rows) == 1, name
    return rows.iloc[0]["status"]


def test_retrospective_matches_table_1(retro):
    assert len(retro) == 30
    assert _status(retro, "一般公共预算收入") == "missed"          # 273.5 vs ＞307
    assert _status(retro, "地区生产总值") == "achieved"            # 2266.1 vs ＞1800
    assert _status(retro, "上市企业数量") == "missed"              # 21 vs 25
    assert _status(retro, "研究与试验发展经费") == "missed"        # 2.5 vs 2.9
    assert _status(retro, "城镇登记失业率") == "achieved"          # 2.45 vs ＜3.6 (the 2020 target)
    assert _status(retro, "累计实际利用外资") == "achieved"        # [27.48] vs [26.3]
    assert _status(retro, "城乡居民人均可支配收入") == "achieved"  # 年均 7.7 vs ＞7.5
    for name in ("单位GDP能耗下降", "单位GDP二氧化碳排放量下降", "主要污染物排放减少"):  # "完成"
        assert _status(retro, name) == "achieved"
    for name in ("固定资产投资", "规上工业总产值", "常住人口城镇化率", "总部企业数"):  # no result
        assert _status(retro, name) == "not_assessable"
    assert set(retro["status_zh"]) <= {"完成", "未完成", "暂无法评估", "未找到下达目标"}


# ---------------------------------------------------------------- an estimated baseline (issue 22 #2)
def _estimated(**kw):
    return reg(baseline_value=2.5, baseline_text="2.5（预计）", baseline_estimate=True, target_value=3.6, **kw)


def test_an_estimated_baseline_is_replaced_by_the_published_actual():
    """Printed 2.5 (预计) for 2020, published actual 2.4; 2023 value 3.0 → p = 0.6/1.2 = 0.5, τ = 0.6, r = 0.8333."""
    r = one(_estimated(), obs((2020, 2.4), (2023, 3.0)))
    assert r["progress_share"] == pytest.approx(0.6 / 1.2) and r["pace_ratio"] == pytest.approx(0.5 / 0.6)
    assert r["baseline_value"] == 2.5                               # the registry's printed value stays
    assert [n["text"] for n in notes(r) if n["kind"] == "baseline"] == [
        "规划所列2020年基期值2.5%为预计数；进度按公布的2020年实际数2.4%计算"]
    assert audit(r)["baseline_actual"]["value"] == 2.4 and audit(r)["baseline_actual"]["used"] is True


def test_an_estimated_baseline_without_its_actual_is_used_as_printed():
    """No 2020 value yet: p = 0.5/1.1 as with any printed baseline, and no note."""
    r = one(_estimated(), obs((2023, 3.0)))
    assert r["progress_share"] == pytest.approx(0.5 / 1.1) and "baseline" not in note_kinds(r)


def test_a_baseline_not_marked_as_an_estimate_keeps_the_plans_value():
    r = one(reg(baseline_value=2.5, target_value=3.6), obs((2020, 2.4), (2023, 3.0)))
    assert r["progress_share"] == pytest.approx(0.5 / 1.1) and "baseline" not in note_kinds(r)


def test_the_actual_is_the_latest_release_in_the_plan_scope():
    """A 2020 快报 2.45 and a later 统计公报 2.4 (plan scope), and 2.0 for another territory: 2.4 is the start."""
    observations = pd.concat([obs((2020, 2.45)).assign(release="quick"), obs((2020, 2.4)).assign(release="bulletin"),
                              obs((2020, 2.0), scope="区本级"), obs((2023, 3.0))], ignore_index=True)
    r = one(_estimated(), observations)
    assert r["progress_share"] == pytest.approx(0.6 / 1.2)
