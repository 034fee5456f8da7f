"""Verdicts a statistician would sign (issue 21): releases of one figure, registered basis changes, the
target's own scope, evidence that names its target, source grades, no verdict contradicting its outlook, lower
bounds. Every expected number is computed by hand in the comment beside it. SYNTHETIC data only."""
import pandas as pd
import pytest

from planeval.engine import assess_all

from synthetic import PLAN, audit, notes, obs, reg

BREAK = pd.DataFrame([{"break_id": "census5", "indicator_id": "x", "first_year": 2023, "what": "SYNTHETIC普查修订",
                       "old_label": "修订前", "new_label": "修订后", "source_id": "syn_break",
                       "quote": "SYNTHETIC：数据按普查结果修订", "note": None}])
GDP = dict(baseline_value=2000.0, target_value=3000.0, target_operator=">", unit="亿元")


def sources(**grades):
    return pd.DataFrame([{"source_id": s, "title": s, "publisher": None, "publication_date": d, "url": None,
                          "access_date": None, "source_kind": k, "note": None} for s, (k, d) in grades.items()])


def judge(registry, observations, eval_year=2025, **kw):
    return assess_all(registry, observations, eval_year, PLAN, **kw).iloc[0]


def test_a_level_target_across_a_registered_break_is_withheld_without_a_link_year():
    o = pd.concat([obs((2022, 2500.0), revision="修订前"), obs((2025, 3050.0), revision="修订后")])
    r = judge(reg(**GDP), o, breaks=BREAK)
    # 3050 > 3000 would read 完成; it is on the revised basis, the target on the old one: withheld
    assert r["status"] == "not_comparable" and r["status_zh"] == "口径变化、不可直接比较"
    assert (r["latest_year"], r["latest_value"]) == (2025, 3050.0) and pd.isna(r["progress_share"])
    assert "修订后" in r["reason"] and "SYNTHETIC普查修订" in r["reason"] and "2022年" not in r["reason"][:10]
    a = audit(r)
    assert a["withheld"]["why"] == "across_break" and a["across_break"][0]["year"] == 2025
    assert any(x["year"] == 2025 and "无同一年份的新旧口径数值可换算" in x["why"] for x in a["excluded"])
    # without the break registered the same data read 完成 (the defect the registry fixes)
    assert judge(reg(**GDP), o)["status"] == "achieved"


def test_a_level_target_across_a_break_is_rebased_on_a_year_given_on_both_bases():
    # 2023 on both bases: 2600 (old) and 2860 (new) → factor 1.1; 2025 revised 3190 → 3190 / 1.1 = 2900 (old basis)
    o = pd.concat([obs((2023, 2600.0), revision="修订前"), obs((2023, 2860.0), revision="修订后", source_id="syn2"),
                   obs((2025, 3190.0), revision="修订后", source_id="syn3")])
    r = judge(reg(**GDP), o, breaks=BREAK)
    assert r["status"] == "missed" and r["latest_value"] == pytest.approx(2900.0)   # 2900 < 3000: not met
    used = audit(r)["observations_used"]
    assert [u["year"] for u in used] == [2023, 2025] and used[0]["value"] == 2600.0   # the old-basis 2023 kept
    assert used[1]["published_value"] == 3190.0 and used[1]["rebased"][0]["factor"] == pytest.approx(1.1)
    assert any(n["kind"] == "revision" and "2860÷2600=1.1000" in n["text"] for n in notes(r))
    # mid-course (2024 edition, data to 2023): the old-basis 2023 value is comparable, no re-basing needed
    mid = judge(reg(**GDP), o, eval_year=2024, breaks=BREAK)
    assert mid["latest_value"] == 2600.0 and mid["progress_share"] == pytest.approx(600 / 1000)


def test_a_later_release_supersedes_a_preliminary_one_and_both_stay_in_the_audit():
    o = pd.concat([obs((2023, 5.2), release="preliminary", source_id="bulletin_2023"),
                   obs((2023, 5.4), release="final", source_id="final_2024")])
    src = sources(bulletin_2023=("official", "2024-02-29"), final_2024=("official", "2024-12-30"))
    r = judge(reg(baseline_value=4.0, target_value=6.0), o, eval_year=2023, sources=src)
    assert r["latest_value"] == 5.4                      # the final release (published later) is used
    gone = audit(r)["excluded"]
    assert gone == [{"year": 2023, "value": 5.2, "scope": "全区", "source_id": "bulletin_2023", "release": "preliminary",
                     "why": "已被更新发布的数值取代（2024-12-30发布，最终核实（年鉴））"}]
    # the order of the rows does not matter
    assert judge(reg(baseline_value=4.0, target_value=6.0), o.iloc[::-1], eval_year=2023, sources=src)["latest_value"] == 5.4


def test_a_verdict_resting_only_on_a_third_party_mirror_reads_to_verify():
    o = obs((2023, 2.9), source_id="mirror")
    r = judge(reg(baseline_value=2.0, target_value=3.0), o, eval_year=2023,
              sources=sources(mirror=("third_party", "2024-01-01")))
    # progress (2.9 − 2) ÷ (3 − 2) = 0.9, time 3 ÷ 5 = 0.6: ahead, but only a third-party copy says so
    assert r["status"] == "ahead" and r["verify"] == "仅有第三方转载或聚合（未经核对）的来源，未见官方原文"
    assert notes(r)[-1] == {"kind": "verify", "text": r["verify"]}
    official = judge(reg(baseline_value=2.0, target_value=3.0), o, eval_year=2023,
                     sources=sources(mirror=("official_mirror", "2024-01-01")))
    assert official["status"] == "ahead" and official["verify"] is None
    # no verdict, nothing to verify
    none = judge(reg(baseline_value=2.0, target_value=3.0), obs((2020, 2.9), source_id="mirror"), eval_year=2023,
                 sources=sources(mirror=("third_party", None)))
    assert none["status"] == "not_assessable" and none["verify"] is None


def test_an_inferred_scope_is_scored_only_as_to_verify():
    r = judge(reg(baseline_value=2.0, target_value=3.0), obs((2023, 2.9), inferred="scope"), eval_year=2023)
    assert r["status"] == "ahead" and r["verify"] == "统计口径为本报告的推断"


def test_a_lower_bound_shows_a_floor_target_met_and_nothing_else():
    lb = dict(value_kind="lower_bound")
    r = judge(reg(baseline_value=None, target_value=46.0, target_operator=">"), obs((2022, 46.6), **lb), eval_year=2023)
    assert r["status"] == "achieved" and "下限值" in r["reason"]      # capacity ≥ production 46.6 > 46
    short = judge(reg(baseline_value=None, target_value=46.0, target_operator=">"), obs((2021, 43.3), **lb),
                  eval_year=2023)
    assert short["status"] == "not_assessable" and "无法判断" in short["reason"]


def test_lower_bounds_can_show_a_floor_held_never_breached():
    floor = dict(target_form="floor", baseline_value=None, target_value=6.5, target_operator=">")
    lb = dict(value_kind="lower_bound")
    # output 6.83, 6.87 ≥ 6.5 in 2021 and 2022: the capacity held the floor both years → 符合预期 mid-course
    r = judge(reg(**floor), obs((2021, 6.83), (2022, 6.87), **lb), eval_year=2022)
    assert r["status"] == "on_track" and "2021—2022年各年均满足下限（＞6.5）（部分年份据下限值）" in r["reason"]
    # a bound below the floor is not a breach: the year is unknown
    r = judge(reg(**floor), obs((2021, 6.83), (2022, 6.4), **lb), eval_year=2022)
    assert r["status"] == "on_track" and "缺2022年数据" in r["reason"]
    # a published value of its own for one year, lower bounds for the others: together they cover the years
    r = judge(reg(**floor), pd.concat([obs((2021, 6.83), (2022, 6.87), **lb), obs((2023, 6.95))]), eval_year=2023)
    assert r["status"] == "on_track" and r["latest_value"] == 6.95 and "缺" not in r["reason"]


def test_a_relation_exactly_at_its_tolerance_is_in_step_whatever_the_float_rounding():
    # income 8.1 % against GDP 8.6 %: 0.5 points below, exactly the 0.5-point tolerance (基本同步); in floats the
    # difference is −0.5000000000000009
    registry = reg(target_form="relational", related_id="gdp", baseline_value=None, target_value=None)
    o = pd.concat([obs((2021, 8.1), price_basis="real"), obs((2021, 8.6), indicator_id="gdp", price_basis="real")])
    r = judge(registry, o, eval_year=2021)
    assert r["status"] == "on_track" and r["required_rate"] == pytest.approx(0.086)


def test_a_named_later_release_supersedes_an_earlier_one_even_without_a_publication_date():
    # a department's 修订 (its return gives no date) against the dated 公报 figure: the kind of release decides
    o = pd.concat([obs((2023, 5.2), release="bulletin", source_id="bulletin"),
                   obs((2023, 5.4), release="revised", source_id="return")])
    src = sources(bulletin=("official", "2024-02-29"), **{"return": ("official", None)})
    r = judge(reg(baseline_value=4.0, target_value=6.0), o, eval_year=2023, sources=src)
    assert r["latest_value"] == 5.4
    # the same kind of release (or none): the later publication
    o = pd.concat([obs((2023, 5.2), source_id="early"), obs((2023, 5.3), source_id="late")])
    src = sources(early=("official", "2024-01-10"), late=("official", "2024-06-30"))
    assert judge(reg(baseline_value=4.0, target_value=6.0), o, eval_year=2023, sources=src)["latest_value"] == 5.3
