"""Engine unit tests with hand-computed expectations. All registry rows and observations below are
SYNTHETIC, built in memory; only test_retrospective_* use the committed data/ (the plan's own 表1)."""
import json
import math

import pandas as pd
import pytest

from yinzhou_eval.assess import assess_all, load_rules, method_markdown

REG_DEFAULTS = dict(plan="14th", name_zh="SYNTHETIC", chapter="economy", unit="%", attribute="预期性",
                    direction="higher", target_form="level", path_type="linear", baseline_year=2020,
                    baseline_value=None, target_year=2025, target_value=None, target_operator="=",
                    target_text="SYNTHETIC", related_id=None, basis=None)
OBS_DEFAULTS = dict(value_kind="level", period_start_year=None, verdict=None, scope="全区", months_covered=12,
                    price_basis=None, source_id="syn", quote="SYNTHETIC quote")


def reg(**kw):
    return pd.DataFrame([{**REG_DEFAULTS, "id": "x", **kw}])


def obs(*rows, indicator_id="x", **common):
    return pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": indicator_id, "year": y, "value": v, **common}
                         for y, v in rows], columns=["indicator_id", "year", "value", *OBS_DEFAULTS])


def one(registry, observations, eval_year=2023):
    return assess_all(registry, observations, eval_year).iloc[0]


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
    audit = json.loads(r["audit"])["outlook"]
    assert audit["acceleration"] == pytest.approx(1.8) and audit["shortfall_share"] == pytest.approx((3.6 - 10 / 3) / 1.1)
    assert r["outlook"] == "unlikely"


def test_geometric_level_uses_log_ratio():
    # 2266.1 → 3200 geometric; 2023 = 2803.3: p = ln(2803.3/2266.1)/ln(3200/2266.1)
    r = one(reg(unit="亿元", path_type="geometric", baseline_value=2266.1, target_value=3200), obs((2023, 2803.3)))
    p = math.log(2803.3 / 2266.1) / math.log(3200 / 2266.1)
    assert r["progress_share"] == pytest.approx(p, rel=1e-6)
    assert r["pace_ratio"] == pytest.approx(p / 0.6, rel=1e-6)
    assert r["status"] == "on_track"  # p ≈ 0.6165, r ≈ 1.0275: between 0.95 and 1.10
    assert r["required_rate"] == pytest.approx((3200 / 2803.3) ** 0.5 - 1, rel=1e-6)


def test_lower_is_better_and_direction_flip():
    lower = one(reg(direction="lower", baseline_value=25, target_value=24, attribute="约束性"), obs((2023, 23)))
    assert lower["status"] == "achieved"
    worse = one(reg(direction="lower", baseline_value=25, target_value=24, attribute="约束性"), obs((2023, 26)))
    assert worse["status"] == "reversing" and worse["ndrc_class"] == "lagging"


def test_binding_short_of_on_track_is_reported_lagging():
    r = one(reg(attribute="约束性", baseline_value=2.5, target_value=3.6), obs((2023, 3.0)))
    assert r["status"] == "lagging" and r["ndrc_class"] == "lagging"
    assert json.loads(r["audit"])["binding_demoted_from"] == "needs_acceleration"


def test_target_already_met_at_baseline_is_a_maintain_rule():
    held = one(reg(baseline_value=99.0, target_value=98.0, target_operator=">"), obs((2023, 98.5)))
    assert held["status"] == "achieved"
    lost = one(reg(baseline_value=99.0, target_value=98.0, target_operator=">"), obs((2023, 97.5)))
    assert lost["status"] == "lagging" and "基期已达标" in lost["reason"]


def test_zero_baseline_geometric_falls_back_to_linear():
    r = one(reg(path_type="geometric", baseline_value=0.0, target_value=10), obs((2023, 6)))
    audit = json.loads(r["audit"])
    assert audit["path"] == "linear" and "零或负值" in audit["path_note"]
    assert r["progress_share"] == pytest.approx(0.6)
    assert r["status"] == "on_track"


def test_negative_values_do_not_crash():
    r = one(reg(baseline_value=-2.0, target_value=3.0), obs((2023, -1.0)))
    assert r["progress_share"] == pytest.approx(0.2) and r["status"] == "lagging"


def test_about_target_within_tolerance_counts_as_met():
    r = one(reg(baseline_value=50, target_value=70, target_operator="~"), obs((2023, 67)))
    assert r["status"] == "achieved"  # within 5 % of 70
    r = one(reg(baseline_value=50, target_value=70, target_operator="~"), obs((2023, 60)))
    assert r["status"] != "achieved"


def test_missing_years_time_share_from_latest_year_with_data():
    r = one(reg(baseline_value=10, target_value=20), obs((2021, 12)), eval_year=2023)
    assert r["latest_year"] == 2021 and r["time_share"] == pytest.approx(0.2)
    assert r["pace_ratio"] == pytest.approx(1.0) and r["status"] == "on_track"


def test_no_data_or_no_target_is_not_assessable_with_a_reason():
    r = one(reg(baseline_value=10, target_value=20), obs())
    assert r["status"] == "not_assessable" and "暂无2021年以来的公开数据" in r["reason"]
    r = one(reg(baseline_value=10, target_value=None, target_form="level"), obs((2023, 12)))
    assert r["status"] == "not_assessable" and "目标值" in r["reason"]


def test_no_baseline_single_point_cannot_be_paced():
    r = one(reg(baseline_year=None, target_value=20), obs((2023, 12)))
    assert r["status"] == "not_assessable" and "只有一个数据点" in r["reason"]
    r = one(reg(baseline_year=None, target_value=20), obs((2021, 10), (2023, 14)))
    assert r["progress_share"] == pytest.approx(0.4) and r["time_share"] == pytest.approx(0.5)


def test_only_observations_up_to_eval_year_count():
    r = one(reg(baseline_value=10, target_value=20), obs((2022, 14), (2024, 30)), eval_year=2023)
    assert (r["latest_year"], r["latest_value"]) == (2022, 14)


def test_scopes_are_never_mixed_and_a_different_scope_is_flagged():
    o = pd.concat([obs((2022, 14)), obs((2023, 16), scope="区本级")])
    r = one(reg(baseline_value=10, target_value=20), o)
    assert (r["latest_year"], r["latest_scope"]) == (2022, "全区")
    assert r["scope_flag"] is None and json.loads(r["audit"])["scopes_not_used"] == ["区本级"]
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 16), scope="区本级"))
    assert r["latest_scope"] == "区本级" and "区本级" in r["scope_flag"]


def test_partial_year_values_are_not_used_as_full_year():
    r = one(reg(baseline_value=10, target_value=20), obs((2023, 19), months_covered=11))
    assert r["status"] == "not_assessable"
    assert json.loads(r["audit"])["excluded"][0]["year"] == 2023


# ---------------------------------------------------------------- ceilings and floors
def test_ceiling_must_hold_every_year():
    base = dict(target_form="ceiling", direction="lower", baseline_value=2.5, target_value=3.5, target_operator="<")
    assert one(reg(**base), obs((2021, 3.1), (2023, 3.2)))["status"] == "achieved"
    r = one(reg(**base), obs((2021, 3.1), (2022, 3.6), (2023, 3.2)))
    assert r["status"] == "needs_acceleration" and "2022" in r["reason"]
    assert one(reg(**base), obs((2023, 3.5)))["status"] == "lagging"  # "<" is strict
    assert one(reg(**base), obs((2025, 3.7)), eval_year=2025)["status"] == "missed"


def test_floor():
    base = dict(target_form="floor", baseline_value=43.64, target_value=43.64, target_operator=">")
    assert one(reg(**base), obs((2022, 43.7)))["status"] == "achieved"
    assert one(reg(**base), obs((2022, 43.64)))["status"] == "lagging"


# ---------------------------------------------------------------- growth targets
def test_growth_chains_published_rates():
    # 8.0, 3.0, 4.5 → ḡ = (1.08·1.03·1.045)^(1/3) − 1 = 5.15 %; target 6 → r = 0.858
    base = dict(target_form="growth", target_value=6.0, baseline_value=None)
    r = one(reg(**base), obs((2021, 8.0), (2022, 3.0), (2023, 4.5)))
    g = (1.08 * 1.03 * 1.045) ** (1 / 3) - 1
    assert r["observed_rate"] == pytest.approx(g, rel=1e-6)
    assert r["pace_ratio"] == pytest.approx(g / 0.06, rel=1e-6)
    assert r["status"] == "needs_acceleration"
    assert r["required_rate"] == pytest.approx((1.06 ** 5 / (1.08 * 1.03 * 1.045)) ** 0.5 - 1, rel=1e-6)


def test_growth_about_band_and_missing_year():
    base = dict(target_form="growth", target_value=6.0, target_operator="~")
    assert one(reg(**base), obs((2021, 5.7), (2022, 5.8), (2023, 5.9)))["status"] == "on_track"
    r = one(reg(**base), obs((2021, 5.7), (2023, 5.9)))
    assert r["status"] == "not_assessable" and "2022" in r["reason"]


def test_growth_uses_published_period_average():
    o = obs((2020, 7.7), value_kind="period_average_growth", period_start_year=2016)
    r = one(reg(plan="13th", target_form="growth", baseline_year=None, target_year=2020, target_value=7.5,
                target_operator=">"), o, eval_year=2020)
    assert r["status"] == "achieved"
    r = one(reg(plan="13th", target_form="growth", baseline_year=None, target_year=2020, target_value=8.0,
                target_operator=">"), o, eval_year=2020)
    assert r["status"] == "missed"


# ---------------------------------------------------------------- cumulative, city, relational, qualitative
def test_cumulative_sums_years_and_refuses_gaps():
    base = dict(target_form="cumulative", unit="万人", target_value=10, baseline_value=None, baseline_year=None)
    r = one(reg(**base), obs((2021, 2.3), (2022, 2.1), (2023, 2.0)))
    assert r["latest_value"] == pytest.approx(6.4) and r["progress_share"] == pytest.approx(0.64)
    assert r["pace_ratio"] == pytest.approx(0.64 / 0.6) and r["status"] == "on_track"
    gap = one(reg(**base), obs((2021, 2.3), (2023, 2.0)))
    assert gap["status"] == "not_assessable" and "2022" in gap["reason"] and "下限" in gap["reason"]


def test_city_assigned_uses_a_recorded_verdict_or_stays_pending():
    base = dict(target_form="city_assigned", direction="none", target_value=None, attribute="约束性")
    assert one(reg(**base), obs((2023, 18.0)))["status"] == "pending"
    o = obs((2023, None), verdict="met")
    assert one(reg(**base), o)["status"] == "on_track"
    o = obs((2025, None), verdict="met")
    assert one(reg(**base), o, eval_year=2025)["status"] == "achieved"
    o = obs((2023, None), verdict="not_met")
    assert one(reg(**base), o)["status"] == "lagging"


def test_relational_needs_the_same_price_basis():
    base = dict(target_form="relational", related_id="ctx_gdp_growth_real", basis="real", target_value=None)
    gdp = obs((2021, 8.0), (2022, 3.0), indicator_id="ctx_gdp_growth_real", price_basis="real")
    income_nominal = obs((2021, 9.0), (2022, 5.0), price_basis="nominal")
    r = one(reg(**base), pd.concat([gdp, income_nominal]))
    assert r["status"] == "not_assessable" and "口径" in r["reason"]
    income_real = obs((2021, 7.0), (2022, 3.5), price_basis="real")
    r = one(reg(**base), pd.concat([gdp, income_real]))
    gap = ((1.07 * 1.035) ** 0.5 - (1.08 * 1.03) ** 0.5) * 100
    assert json.loads(r["audit"])["computed"]["gap_pp"] == pytest.approx(gap)
    assert r["status"] == "on_track"  # −0.26 pp: 基本同步
    slow = obs((2021, 5.0), (2022, 2.0), price_basis="real")
    assert one(reg(**base), pd.concat([gdp, slow]))["status"] == "lagging"


def test_qualitative_needs_cited_evidence():
    base = dict(target_form="qualitative", direction="none", target_value=None)
    assert one(reg(**base), obs())["status"] == "not_assessable"
    assert one(reg(**base), obs((2023, None), verdict="met"))["status"] == "on_track"


# ---------------------------------------------------------------- audit and rules
def test_audit_lets_a_reviewer_recompute():
    r = one(reg(baseline_value=2.5, target_value=3.6), obs((2023, 3.0)))
    audit = json.loads(r["audit"])
    used = audit["observations_used"][0]
    p = (used["value"] - audit["baseline"]["value"]) / (audit["target"]["value"] - audit["baseline"]["value"])
    assert p == pytest.approx(r["progress_share"]) and used["source_id"] == "syn"


def test_every_status_has_labels_and_belongs_to_one_ndrc_class():
    rules = load_rules()
    for code in rules["statuses"]:
        owners = [k for k, v in rules["ndrc_classes"].items() if code in v["from"]]
        assert len(owners) == 1, code
    text = method_markdown()
    assert "0.95" in text and "Eurostat" in text and "滞后" in text


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
