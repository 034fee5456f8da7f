"""Engine unit tests with hand-computed expectations.

All registry rows and observations below are SYNTHETIC, built in memory by ``reg`` and ``obs``; none of the
numbers are real figures. Only the test_retrospective_* tests at the end use the committed data/ (the plan's
own 表1 results)."""
import json
import math
import re

import pandas as pd
import pytest

from yinzhou_eval.assess import RESULT_COLUMNS, assess_all, assess_one, load_rules, method_markdown

REG_DEFAULTS = dict(plan="14th", name_zh="SYNTHETIC", chapter="economy", unit="%", attribute="预期性",
                    direction="higher", target_form="level", path_type="linear", baseline_year=2020,
                    baseline_value=None, target_year=2025, target_value=None, target_operator="=",
                    target_text="SYNTHETIC", related_id=None, basis=None)
OBS_DEFAULTS = dict(value_kind="level", period_start_year=None, verdict=None, scope="全区", months_covered=12,
                    price_basis=None, source_id="syn", quote="SYNTHETIC quote", note=None)


def reg(**kw):
    """A SYNTHETIC one-row registry."""
    return pd.DataFrame([{**REG_DEFAULTS, "id": "x", **kw}])


def obs(*rows, indicator_id="x", **common):
    """SYNTHETIC observations: (year, value) pairs with common column values."""
    return pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": indicator_id, "year": y, "value": v, **common}
                         for y, v in rows], columns=["indicator_id", "year", "value", *OBS_DEFAULTS])


def one(registry, observations, eval_year=2023):
    return assess_all(registry, observations, eval_year).iloc[0]


def audit(r):
    return json.loads(r["audit"])


# ---------------------------------------------------------------- output shape
def test_result_has_the_contract_columns_and_numeric_types():
    out = assess_all(reg(baseline_value=2.5, target_value=3.6), obs((2023, 3.0)), 2023)
    assert list(out.columns) == RESULT_COLUMNS
    for col in ("time_share", "progress_share", "pace_ratio", "latest_value", "projected_value"):
        assert out[col].dtype == "float64", col
    assert str(out["latest_year"].dtype) == "Int64"
    r = out.iloc[0]
    assert r["status_zh"] == load_rules()["statuses"][r["status"]]["zh"]
    assert r["outlook_zh"] == load_rules()["outlooks"][r["outlook"]]["zh"]


def test_assess_one_matches_assess_all():
    registry, observations = reg(baseline_value=2.5, target_value=3.6), obs((2022, 2.8), (2023, 3.0))
    single = assess_one(registry.iloc[0], observations, 2023)
    row = one(registry, observations)
    assert single["status"] == row["status"] and single["pace_ratio"] == pytest.approx(row["pace_ratio"])


# ---------------------------------------------------------------- level targets
def test_linear_level_pace_by_hand():
    # 2.5 → 3.6 (2020→2025); 2023 value 3.0: p = 0.5/1.1 = 0.4545, τ = 3/5 = 0.6, r = 0.7576 → needs acceleration
    r = one(reg(baseline_value=2.5, target_value=3.6), obs((2022, 2.8), (2023, 3.0)))
    assert r["time_share"] == pytest.approx(0.6)
    assert r["progress_share"] == pytest.approx(0.5 / 1.1, rel=1e-6)
    assert r["pace_ratio"] == pytest.approx(0.5 / 1.1 / 0.6, rel=1e-6)
    assert r["status"] == "needs_acceleration" and r["ndrc_class"] == "on_track"
    # required +0.3/yr vs observed +0.1667/yr → A = 1.8 (≤ 2); projection 3.0 + 2×0.1667 = 3.333, shortfall
    # (3.6 − 3.333)/1.1 = 0.242 > 0.20 → the worse of the two signals: unlikely
    assert r["required_rate"] == pytest.approx(0.3)
    assert r["observed_rate"] == pytest.approx(0.5 / 3)
    assert r["projected_value"] == pytest.approx(3.0 + 2 * 0.5 / 3)
    out = audit(r)["outlook"]
    assert out["acceleration"] == pytest.approx(1.8) and out["shortfall_share"] == pytest.approx((3.6 - 10 / 3) / 1.1)
    assert r["outlook"] == "unlikely"
    assert audit(r)["path"] == "linear"


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
    assert audit(r)["path"] == "geometric" and "ln" in audit(r)["computed"]["formula"]


def test_lower_is_better():
    base = dict(direction="lower", baseline_value=25, target_value=24, attribute="约束性")
    assert one(reg(**base), obs((2023, 23)))["status"] == "achieved"
    assert one(reg(**base), obs((2023, 24)))["status"] == "achieved"    # "=" reached
    flat = one(reg(**base), obs((2023, 25)))                             # p = 0 → lagging
    assert flat["progress_share"] == pytest.approx(0) and flat["status"] == "lagging"
    worse = one(reg(**base), obs((2023, 26)))                            # p = −1 → reversing
    assert worse["status"] == "reversing" and worse["ndrc_class"] == "lagging"
    # 24.5 in 2022: p = 0.5, τ = 0.4, r = 1.25 → ahead, even though lower is better
    assert one(reg(**base), obs((2022, 24.5)))["pace_ratio"] == pytest.approx(1.25)


def test_binding_short_of_on_track_is_reported_lagging():
    r = one(reg(attribute="约束性", baseline_value=2.5, target_value=3.6), obs((2023, 3.0)))
    assert r["status"] == "lagging" and r["ndrc_class"] == "lagging" and "约束性" in r["reason"]
    assert audit(r)["binding_demoted_from"] == "needs_acceleration"
    ok = one(reg(attribute="约束性", baseline_value=2.5, target_value=3.6), obs((2023, 3.2)))  # r = 1.06
    assert ok["status"] == "on_track"


def test_target_already_met_at_baseline_is_a_maintain_rule():
    held = one(reg(baseline_value=99.0, target_value=98.0, target_operator=">"), obs((2023, 98.5)))
    assert held["status"] == "achieved" and held["pace_ratio"] != held["pace_ratio"]  # no ratio (NaN)
    lost = one(reg(baseline_value=99.0, target_value=98.0, target_operator=">"), obs((2023, 97.5)))
    assert lost["status"] == "lagging" and "基期已达标" in lost["reason"]


def test_strict_target_equal_to_baseline_does_not_divide_by_zero():
    # SYNTHETIC "＞43.64" with baseline 43.64: met only above it; equal is not met and no ratio is computed
    base = dict(baseline_value=43.64, target_value=43.64, target_operator=">")
    assert one(reg(**base), obs((2023, 43.7)))["status"] == "achieved"
    r = one(reg(**base), obs((2023, 43.64)))
    assert r["status"] == "lagging" and pd.isna(r["pace_ratio"]) and "maintain" in audit(r)


def test_zero_baseline_geometric_falls_back_to_linear():
    r = one(reg(path_type="geometric", baseline_value=0.0, target_value=10), obs((2023, 6)))
    a = audit(r)
    assert a["path"] == "linear" and "零或负值" in a["path_note"]
    assert r["progress_share"] == pytest.approx(0.6) and r["pace_ratio"] == pytest.approx(1.0)
    assert r["status"] == "on_track"


def test_negative_values_do_not_crash():
    # −2 → 3: 2023 = −1 → p = 1/5 = 0.2, r = 0.333 → lagging; geometric is refused for the sign change
    r = one(reg(baseline_value=-2.0, target_value=3.0, path_type="geometric"), obs((2023, -1.0)))
    assert r["progress_share"] == pytest.approx(0.2) and r["status"] == "lagging"
    assert audit(r)["path"] == "linear"
    r = one(reg(baseline_value=-5.0, target_value=-1.0), obs((2022, -3.0)))  # p = 0.5, τ = 0.4 → r = 1.25
    assert r["pace_ratio"] == pytest.approx(1.25) and r["status"] == "ahead"


def test_about_target_within_tolerance_counts_as_met():
    base = dict(baseline_value=50, target_value=70, target_operator="~")  # tolerance 5 % of 70 = 3.5
    assert one(reg(**base), obs((2023, 67)))["status"] == "achieved"
    assert one(reg(**base), obs((2023, 66.5)))["status"] == "achieved"
    r = one(reg(**base), obs((2023, 66)))                                  # p = 0.8, r = 1.333
    assert r["status"] == "ahead"
    assert one(reg(**base), obs((2023, 60)))["status"] == "needs_acceleration"  # r = 0.833
    assert one(reg(**base), obs((2025, 67)), eval_year=2025)["status"] == "achieved"
    assert one(reg(**base), obs((2025, 66)), eval_year=2025)["status"] == "missed"


def test_final_verdict_at_the_target_year():
    base = dict(baseline_value=10, target_value=20)
    r = one(reg(**base), obs((2025, 19)), eval_year=2025)
    assert r["status"] == "missed" and r["ndrc_class"] == "lagging" and r["outlook"] == "final"
    assert one(reg(**base), obs((2025, 20)), eval_year=2025)["status"] == "achieved"


def test_missing_years_time_share_from_latest_year_with_data():
    r = one(reg(baseline_value=10, target_value=20), obs((2021, 12)), eval_year=2023)
    assert r["latest_year"] == 2021 and r["time_share"] == pytest.approx(0.2)
    assert r["pace_ratio"] == pytest.approx(1.0) and r["status"] == "on_track"


def test_no_data_or_no_target_is_not_assessable_with_a_reason():
    r = one(reg(baseline_value=10, target_value=20), obs())
    assert r["status"] == "not_assessable" and "暂无基期（2020年）以后的公开数据" in r["reason"]
    r = one(reg(baseline_value=10, target_value=20), obs((2020, 11)))       # only the baseline year
    assert r["status"] == "not_assessable"
    r = one(reg(baseline_value=10, target_value=None), obs((2023, 12)))
    assert r["status"] == "not_assessable" and "目标值" in r["reason"]
    r = one(reg(baseline_value=10, target_value=20, target_year=None), obs((2023, 12)))
    assert r["status"] == "not_assessable" and "目标年份" in r["reason"]
    r = one(reg(baseline_value=10, target_value=20, target_form="unknown_form"), obs((2023, 12)))
    assert r["status"] == "not_assessable"


def test_no_baseline_single_point_cannot_be_paced():
    r = one(reg(baseline_year=None, target_value=20), obs((2023, 12)))
    assert r["status"] == "not_assessable" and "只有一个数据点" in r["reason"]
    r = one(reg(baseline_year=None, target_value=20), obs((2021, 10), (2023, 14)))
    assert r["progress_share"] == pytest.approx(0.4) and r["time_share"] == pytest.approx(0.5)
    assert audit(r)["baseline_substitute"]["year"] == 2021


def test_only_observations_up_to_eval_year_count():
    r = one(reg(baseline_value=10, target_value=20), obs((2022, 14), (2024, 30)), eval_year=2023)
    assert (r["latest_year"], r["latest_value"]) == (2022, 14)


def test_observations_after_the_target_year_do_not_count():
    r = one(reg(baseline_value=10, target_value=20), obs((2025, 19), (2026, 25)), eval_year=2027)
    assert r["latest_year"] == 2025 and r["status"] == "missed"


def test_13th_plan_rows_are_judged_at_their_target_year():
    r13 = reg(plan="13th", baseline_year=2015, baseline_value=10, target_year=2020, target_value=20)
    r = one(r13, obs((2020, 21), (2023, 5)), eval_year=2024)
    assert r["eval_year"] == 2020 and r["latest_year"] == 2020 and r["status"] == "achieved"


def test_scopes_are_never_mixed_with_district_level_and_differences_are_flagged():
    o = pd.concat([obs((2022, 14)), obs((2023, 16), scope="区本级")])
    r = one(reg(baseline_value=10, target_value=20), o)
    assert (r["latest_year"], r["latest_scope"]) == (2022, "全区")
    assert "区本级" in r["scope_flag"] and "未混用" in r["scope_flag"]
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 16), scope="区本级"))
    assert r["latest_scope"] == "区本级" and "区本级" in r["scope_flag"]
    r = one(reg(baseline_value=10, target_value=20), obs((2022, 14)))
    assert pd.isna(r["scope_flag"])


def test_unstated_scope_is_used_beside_the_whole_district_and_flagged():
    o = pd.concat([obs((2021, 12)), obs((2023, 16), scope="未注明")])
    r = one(reg(baseline_value=10, target_value=20), o)
    assert (r["latest_year"], r["latest_scope"]) == (2023, "未注明")
    assert "未注明" in r["scope_flag"] and "口径不一" in r["scope_flag"]
    # the same year in both scopes: 全区 wins
    o = pd.concat([obs((2023, 15)), obs((2023, 16), scope="未注明")])
    assert one(reg(baseline_value=10, target_value=20), o)["latest_value"] == 15


def test_duplicate_values_for_one_year_are_resolved_the_same_way_in_any_order():
    a, b = obs((2023, 15), source_id="src_a"), obs((2023, 16), source_id="src_b")
    r1 = one(reg(baseline_value=10, target_value=20), pd.concat([a, b]))
    r2 = one(reg(baseline_value=10, target_value=20), pd.concat([b, a]))
    assert r1["latest_value"] == r2["latest_value"] == 16
    assert any(e["source_id"] == "src_a" for e in audit(r1)["excluded"])


def test_revision_note_on_the_latest_value_is_flagged():
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 15), note="经济普查修订后数据，与基期不可比"))
    assert "不可比" in r["scope_flag"]


def test_partial_year_values_are_not_used_as_full_year():
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 19), months_covered=11))
    assert r["status"] == "not_assessable"
    assert audit(r)["excluded"][0]["year"] == 2023


# ---------------------------------------------------------------- ceilings and floors
CEILING = dict(target_form="ceiling", direction="lower", baseline_value=2.5, target_value=3.5, target_operator="<")


def test_ceiling_must_hold_every_year():
    r = one(reg(**CEILING), obs((2021, 3.1), (2023, 3.2)))
    assert r["status"] == "achieved" and r["outlook"] == "likely"
    assert audit(r)["computed"]["headroom_latest"] == pytest.approx(0.3)
    r = one(reg(**CEILING), obs((2021, 3.1), (2022, 3.6), (2023, 3.2)))   # any breach → lagging
    assert r["status"] == "lagging" and "2022" in r["reason"] and audit(r)["computed"]["breach_years"] == [2022]
    assert one(reg(**CEILING), obs((2023, 3.5)))["status"] == "lagging"   # "<" is strict
    assert one(reg(**{**CEILING, "target_operator": "<="}), obs((2023, 3.5)))["status"] == "achieved"
    assert one(reg(**CEILING), obs((2025, 3.7)), eval_year=2025)["status"] == "missed"
    assert one(reg(**CEILING), obs((2022, 3.7), (2025, 3.0)), eval_year=2025)["status"] == "missed"
    assert one(reg(**CEILING), obs((2021, 3.0), (2025, 3.0)), eval_year=2025)["status"] == "achieved"


def test_baseline_year_values_are_not_checked_against_the_bound():
    assert one(reg(**CEILING), obs((2020, 9.9), (2023, 3.0)))["status"] == "achieved"


def test_floor():
    base = dict(target_form="floor", baseline_value=43.64, target_value=43.64, target_operator=">")
    assert one(reg(**base), obs((2022, 43.7)))["status"] == "achieved"
    assert one(reg(**base), obs((2022, 43.64)))["status"] == "lagging"
    assert one(reg(**base, attribute="约束性"), obs((2021, 43.5), (2022, 43.7)))["ndrc_class"] == "lagging"


def test_bound_without_data_or_value():
    assert one(reg(**CEILING), obs())["status"] == "not_assessable"
    assert one(reg(**{**CEILING, "target_value": None}), obs((2023, 3)))["status"] == "not_assessable"


# ---------------------------------------------------------------- growth targets
GROWTH = dict(target_form="growth", target_value=6.0, baseline_value=None, unit="%")


def test_growth_chains_published_rates():
    # 8.0, 3.0, 4.5 → G = 1.08·1.03·1.045 = 1.16249; ḡ = G^(1/3) − 1 = 5.15 %; target 6 %
    # p = 3·ln(1+ḡ)/(5·ln 1.06) = ln G/(5 ln 1.06) = 0.5167; τ = 3/5; r = ln(1+ḡ)/ln 1.06 = 0.861 → needs acceleration
    r = one(reg(**GROWTH), obs((2021, 8.0), (2022, 3.0), (2023, 4.5)))
    G = 1.08 * 1.03 * 1.045
    g = G ** (1 / 3) - 1
    assert r["observed_rate"] == pytest.approx(g, rel=1e-6)
    assert r["progress_share"] == pytest.approx(math.log(G) / (5 * math.log(1.06)), rel=1e-6)
    assert r["time_share"] == pytest.approx(0.6)
    assert r["pace_ratio"] == pytest.approx(math.log(1 + g) / math.log(1.06), rel=1e-6)
    assert audit(r)["computed"]["eurostat_rr"] == pytest.approx(g / 0.06, rel=1e-6)
    assert r["status"] == "needs_acceleration"
    assert r["required_rate"] == pytest.approx((1.06 ** 5 / G) ** 0.5 - 1, rel=1e-6)  # 7.3 %
    assert r["outlook"] == "needs_acceleration"  # A = 0.073/0.0515 ≈ 1.42
    assert r["latest_value"] == 4.5 and r["latest_year"] == 2023


def test_growth_about_band_and_missing_year():
    base = dict(GROWTH, target_operator="~")
    assert one(reg(**base), obs((2021, 5.7), (2022, 5.8), (2023, 5.9)))["status"] == "on_track"
    r = one(reg(**base), obs((2021, 5.7), (2023, 5.9)))
    assert r["status"] == "not_assessable" and "2022" in r["reason"]
    final = obs(*[(y, 5.6) for y in range(2021, 2026)])
    assert one(reg(**base), final, eval_year=2025)["status"] == "achieved"   # within 0.5 pp of 6
    final = obs(*[(y, 5.4) for y in range(2021, 2026)])
    assert one(reg(**base), final, eval_year=2025)["status"] == "missed"


def test_growth_period_of_a_starred_row_starts_after_its_2019_base():
    # SYNTHETIC 标* row: baseline year 2019, so the plan's 年均增长 spans 2020–2025 (six years, 表2 footnote)
    r = one(reg(**GROWTH, baseline_year=2019), obs((2020, 1.5), (2021, 6.0)))
    assert r["time_share"] == pytest.approx(2 / 6)
    assert r["observed_rate"] == pytest.approx((1.015 * 1.06) ** 0.5 - 1)
    r = one(reg(**GROWTH, baseline_year=2020), obs((2020, 1.5), (2021, 6.0)))
    assert r["time_share"] == pytest.approx(0.2) and r["observed_rate"] == pytest.approx(0.06)


def test_growth_uses_published_period_average():
    o = obs((2020, 7.7), value_kind="period_average_growth", period_start_year=2016)
    r = one(reg(plan="13th", target_form="growth", baseline_year=None, target_year=2020, target_value=7.5,
                target_operator=">"), o, eval_year=2020)
    assert r["status"] == "achieved" and r["observed_rate"] == pytest.approx(0.077)
    r = one(reg(plan="13th", target_form="growth", baseline_year=None, target_year=2020, target_value=8.0,
                target_operator=">"), o, eval_year=2020)
    assert r["status"] == "missed"


def test_growth_never_uses_another_price_basis():
    r = one(reg(**GROWTH, basis="real"), obs((2021, 9.0), (2022, 8.0), price_basis="nominal"))
    assert r["status"] == "not_assessable"
    assert all("价格口径" in e["why"] for e in audit(r)["excluded"])
    r = one(reg(**GROWTH, basis="real"), obs((2021, 6.0), price_basis="real"))
    assert r["status"] == "on_track"


def test_growth_with_a_negative_target_uses_the_pp_gap():
    # SYNTHETIC "年均下降3%" as growth −3, lower is better
    base = dict(GROWTH, target_value=-3.0, direction="lower")
    r = one(reg(**base), obs((2021, -3.5), (2022, -2.8)))
    g = (0.965 * 0.972) ** 0.5 - 1                       # −3.15 %: 0.15 pp better than −3 %
    assert r["observed_rate"] == pytest.approx(g) and r["status"] == "on_track" and pd.isna(r["pace_ratio"])
    assert audit(r)["computed"]["gap_pp"] == pytest.approx(-(g + 0.03) * 100)
    r = one(reg(**base), obs((2021, -2.0), (2022, -2.2)))  # −2.1 %: 0.9 pp short → lagging
    assert r["status"] == "lagging"
    r = one(reg(**base), obs((2021, -2.7), (2022, -2.8)))  # 0.25 pp short → needs acceleration
    assert r["status"] == "needs_acceleration"


def test_growth_no_data():
    r = one(reg(**GROWTH), obs())
    assert r["status"] == "not_assessable" and "2021" in r["reason"]


# ---------------------------------------------------------------- cumulative
CUMUL = dict(target_form="cumulative", unit="万人", target_value=10, baseline_value=None, baseline_year=None)


def test_cumulative_sums_years_and_refuses_gaps():
    r = one(reg(**CUMUL), obs((2021, 2.3), (2022, 2.1), (2023, 2.0)))
    assert r["latest_value"] == pytest.approx(6.4) and r["progress_share"] == pytest.approx(0.64)
    assert r["time_share"] == pytest.approx(0.6)
    assert r["pace_ratio"] == pytest.approx(0.64 / 0.6) and r["status"] == "on_track"
    assert r["required_rate"] == pytest.approx(1.8) and r["projected_value"] == pytest.approx(6.4 + 2 * 6.4 / 3)
    gap = one(reg(**CUMUL), obs((2021, 2.3), (2023, 2.0)))
    assert gap["status"] == "not_assessable" and "2022" in gap["reason"] and "下限" in gap["reason"]


def test_cumulative_published_total_and_achieved_early():
    o = obs((2023, 10.5), value_kind="period_total", period_start_year=2021)
    r = one(reg(**CUMUL), o)
    assert r["status"] == "achieved" and r["latest_value"] == 10.5
    r = one(reg(**CUMUL), obs(*[(y, 1.5) for y in range(2021, 2026)]), eval_year=2025)
    assert r["status"] == "missed" and r["latest_value"] == pytest.approx(7.5)


# ---------------------------------------------------------------- city assigned, relational, qualitative
CITY = dict(target_form="city_assigned", direction="none", target_value=None, attribute="约束性")


def test_city_assigned_uses_a_recorded_verdict_or_stays_pending():
    r = one(reg(**CITY), obs((2023, 18.0)))
    assert r["status"] == "pending" and "按市下达目标未记录" in r["reason"] and r["ndrc_class"] == "pending"
    assert one(reg(**CITY), obs((2023, None), verdict="met"))["status"] == "on_track"
    assert one(reg(**CITY), obs((2025, None), verdict="met"), eval_year=2025)["status"] == "achieved"
    assert one(reg(**CITY), obs((2023, None), verdict="not_met"))["status"] == "lagging"
    assert one(reg(**CITY), obs((2025, None), verdict="not_met"), eval_year=2025)["status"] == "missed"
    # the latest verdict counts
    r = one(reg(**CITY), obs((2021, None), (2022, None), verdict="not_met").assign(
        verdict=["not_met", "met"]))
    assert r["status"] == "on_track" and audit(r)["verdict_used"]["year"] == 2022


def test_city_assigned_with_a_recorded_city_number_is_a_level_target():
    r = one(reg(**{**CITY, "direction": "lower", "baseline_value": 10, "target_value": 8}), obs((2023, 8.5)))
    assert r["progress_share"] == pytest.approx(0.75) and "city_target" in audit(r)


REL = dict(target_form="relational", related_id="ctx_gdp_growth_real", basis="real", target_value=None)
GDP = obs((2021, 8.0), (2022, 3.0), indicator_id="ctx_gdp_growth_real", price_basis="real")


def test_relational_needs_the_same_price_basis():
    r = one(reg(**REL), pd.concat([GDP, obs((2021, 9.0), (2022, 5.0), price_basis="nominal")]))
    assert r["status"] == "not_assessable" and "口径" in r["reason"]
    # no basis in the registry and none stated on the rows → cannot be confirmed the same
    r = one(reg(**{**REL, "basis": None}), pd.concat([GDP.assign(price_basis=None), obs((2021, 7.0), (2022, 3.5))]))
    assert r["status"] == "not_assessable" and "口径" in r["reason"]


def test_relational_gap_by_hand():
    r = one(reg(**REL), pd.concat([GDP, obs((2021, 7.0), (2022, 3.5), price_basis="real")]))
    gap = ((1.07 * 1.035) ** 0.5 - (1.08 * 1.03) ** 0.5) * 100    # −0.26 pp: 基本同步
    assert audit(r)["computed"]["gap_pp"] == pytest.approx(gap)
    assert audit(r)["computed"]["years_in_step"] == 1
    assert r["status"] == "on_track"
    assert one(reg(**REL), pd.concat([GDP, obs((2021, 5.0), (2022, 2.0), price_basis="real")]))["status"] == "lagging"
    assert one(reg(**REL), pd.concat([GDP, obs((2021, 9.0), (2022, 3.0), price_basis="real")]))["status"] == "achieved"


def test_relational_compares_only_common_years():
    r = one(reg(**REL), pd.concat([GDP, obs((2022, 3.0), price_basis="real")]))
    assert audit(r)["computed"]["years"] == [2022] and r["status"] == "achieved" and "2021" in r["reason"]
    assert one(reg(**REL), GDP)["status"] == "not_assessable"


def test_qualitative_needs_cited_evidence():
    base = dict(target_form="qualitative", direction="none", target_value=None)
    assert one(reg(**base), obs())["status"] == "not_assessable"
    assert one(reg(**base), obs((2023, None), verdict="met", quote=None))["status"] == "not_assessable"
    assert one(reg(**base), obs((2023, None), verdict="met", quote="  "))["status"] == "not_assessable"
    assert one(reg(**base), obs((2023, None), verdict="met"))["status"] == "on_track"
    assert one(reg(**base), obs((2025, None), verdict="met"), eval_year=2025)["status"] == "achieved"


# ---------------------------------------------------------------- audit and rules
def test_audit_lets_a_reviewer_recompute():
    r = one(reg(baseline_value=2.5, target_value=3.6, target_operator=">="), obs((2023, 3.0)))
    a = audit(r)
    used = a["observations_used"][0]
    p = (used["value"] - a["baseline"]["value"]) / (a["target"]["value"] - a["baseline"]["value"])
    assert p == pytest.approx(r["progress_share"]) and used["source_id"] == "syn" and used["year"] == 2023
    assert a["operator"] == ">=" and a["path"] == "linear" and a["thresholds"]["on_track"] == 0.95
    tau = (used["year"] - a["baseline"]["year"]) / (a["target"]["year"] - a["baseline"]["year"])
    assert p / tau == pytest.approx(r["pace_ratio"])


def test_every_status_has_labels_and_belongs_to_one_ndrc_class():
    rules = load_rules()
    for code, spec in rules["statuses"].items():
        assert {"zh", "en", "colour", "description"} <= set(spec), code
        assert re.fullmatch(r"#[0-9a-fA-F]{6}", spec["colour"]), code
        owners = [k for k, v in rules["ndrc_classes"].items() if code in v["from"]]
        assert len(owners) == 1, code
    assert set(rules["ndrc_classes"]) == {"achieved", "ahead", "on_track", "lagging", "pending", "not_assessable"}
    assert {"likely", "needs_acceleration", "unlikely", "not_assessable"} <= set(rules["outlooks"])
    for key in rules["thresholds"]:
        assert rules["anchors"].get(key), f"threshold {key} has no stated source"


def test_method_markdown_states_every_rule_and_threshold():
    rules = load_rules()
    text = method_markdown()
    assert "Eurostat" in text and "国家发展改革委" in text
    for spec in rules["statuses"].values():
        assert spec["zh"] in text
    for key, value in rules["thresholds"].items():
        assert f"`{key}` | {value:g}" in text
    assert not re.search(r"\{(ahead|on_track|moderate|[a-z_]+_pp|likely_max|possible_max|shortfall_\w+)\}", text)


# ---------------------------------------------------------------- 十三五 retrospective on the plan's own 表1
@pytest.fixture(scope="module")
def retro():
    from yinzhou_eval.dataset import load_dataset

    ds = load_dataset()
    results = ds.assess(2023)
    return results[results["plan"] == "13th"].merge(ds.registry[["id", "name_zh"]], on="id", suffixes=("", "_reg"))


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
    assert _status(retro, "城镇登记失业率") == "achieved"          # 2.45 vs ＜3.6
    assert _status(retro, "累计实际利用外资") == "achieved"        # [27.48] vs [26.3]
    assert _status(retro, "城乡居民人均可支配收入") == "achieved"  # 年均 7.7 vs ＞7.5
    for name in ("单位GDP能耗下降", "单位GDP二氧化碳排放量下降", "主要污染物排放减少"):  # "完成"
        assert _status(retro, name) == "achieved"
    for name in ("固定资产投资", "规上工业总产值", "常住人口城镇化率", "总部企业数"):  # no result
        assert _status(retro, name) == "not_assessable"
