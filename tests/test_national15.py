"""data/national-15th: the national 十五五 纲要's 专栏1 as printed (read from the table image of the 中国政府网 page
kept in lawtext/gov), its first yearly monitoring edition (2026, before any in-period figure) and the 十四五's
results as its retrospective. Expected values restate the printed table by hand."""
import pandas as pd
import pytest

from planeval.data.dataset import load_dataset
from planeval.report import prose
from planeval.report.context import open_report
from planeval.report.fmt import target_display


@pytest.fixture(scope="module")
def ds():
    return load_dataset("national-15th")


def row(ds, i):
    return ds.registry.set_index("id").loc[i]


def test_twenty_main_indicators_in_twenty_one_rows(ds):
    main = ds.registry[ds.registry["table"] == "main"]
    assert len(main) == 21 and main["source_ref"].nunique() == 20       # item 10 is printed as two sub-rows
    assert main.groupby("group_zh", sort=False)["source_ref"].nunique().to_dict() == {
        "经济发展": 3, "创新驱动": 3, "民生福祉": 7, "绿色低碳": 5, "安全保障": 2}
    assert (main["attribute"] == "约束性").sum() == 8
    assert len(ds.registry[ds.registry["table"] == "previous"]) == 20


@pytest.mark.parametrize("i, baseline_year, baseline_text, shown", [
    ("m03", 2025, "67.9", "71%"),
    ("m04", 2025, "9.1", "年均增长7%以上"),          # ＞7 in the 年均/累计 column
    ("m05", 2025, "16", "＞22件"),
    ("m06", 2024, "10.5*", "12.5%"),                 # note ②: * = 2024 data
    ("m07", 2025, "5.2", "年均低于5.5%"),
    ("m12", None, None, "累计提高6个百分点"),         # 〔6〕, note ①: 5-year total
    ("m14", 2025, "〔17.7〕", "累计降低17%"),
    ("m16", 2025, "28", "＜27微克/立方米"),
    ("m18", 2024, "25.1*", "25.8%"),
    ("m19", 2025, "1.39", "1.45万亿斤左右"),
])
def test_cells_as_printed(ds, i, baseline_year, baseline_text, shown):
    r = row(ds, i)
    assert (None if pd.isna(r["baseline_year"]) else int(r["baseline_year"])) == baseline_year
    assert (r["baseline_text"] if isinstance(r["baseline_text"], str) else None) == baseline_text
    assert target_display(r.to_dict()) == shown


def test_the_2025_actuals_are_the_bulletins_read_from_a_checked_mirror(ds):
    src = ds.sources.set_index("source_id")
    assert src.loc["nbs_gb2025", "source_kind"] == "official_mirror"
    assert src.loc["nbs_gb2025", "url"].startswith("https://www.stats.gov.cn/")
    # this plan's own rows; the 十四五 rows copied from data/national-14th keep that folder's release labels
    # (初步核算 → preliminary, the 2024 GDP 最终核实 → final): test_the_14th_results_are_copied_word_for_word
    own = ~ds.observations["indicator_id"].str.startswith("p")
    bulletin = ds.observations[(ds.observations["source_id"] == "nbs_gb2025") & own]
    assert set(bulletin["year"]) == {2025} and set(bulletin["release"]) == {"bulletin"}
    got = dict(zip(bulletin["indicator_id"], bulletin["value"]))
    assert {k: got[k] for k in ("m01", "m03", "m05", "m07", "m16")} == {"m01": 5.0, "m03": 67.89, "m05": 16,
                                                                        "m07": 5.2, "m16": 28.0}


def test_the_first_monitoring_edition_judges_nothing_and_says_why():
    rep = open_report("national-15th", 2026)
    assert set(rep.main["status"]) == {"not_assessable"}
    assert prose.judgement_sentence(rep).startswith("**总体判断。** 规划期内（2026年）尚无任何主要指标的数据")


def test_the_retrospective_uses_what_this_plan_prints_about_the_14th(ds):
    res = ds.assess(2026).set_index("id")
    # 16 ≥ 12, 11.3 = 11.3, 79.25 ≥ 78.3, 25.1 (2024) ≥ 24.1: 完成; 〔17.7〕 < 〔18〕: 未完成; 城镇化率 67.9 is on
    # the 七普 basis and 一次能源生产总量 51.3 on the GB/T 28398-2023 one, the targets (65, ＞46) on the earlier
    # bases (breaks.csv, as in the 十四五 folder): 口径变化、不可直接比较
    assert {i: res.loc[i, "status_zh"] for i in ("p03", "p05", "p09", "p13", "p15", "p18", "p20")} == {
        "p03": "口径变化、不可直接比较", "p05": "完成", "p09": "完成", "p13": "完成", "p15": "未完成", "p18": "完成",
        "p20": "口径变化、不可直接比较"}


def test_counts_are_the_printed_tables():
    """专栏1 prints 20 items; item 10 (医护人员数) is entered as its two printed sub-rows."""
    from planeval.report import tables

    rep = open_report("national-15th", 2026)
    assert tables.items_text(rep, rep.main) == "20项（21行）"
    assert "专栏1“十五五”时期经济社会发展主要指标共20项（21行）" in prose.overall_markdown(rep)
    html = tables.scorecard(rep)
    assert "<caption>民生福祉（7项，8行）</caption>" in html and "<caption>经济发展（3项）</caption>" in html


def test_one_imported_2026_value_makes_it_a_monitoring_report(tmp_path):
    """A SYNTHETIC 2026 urbanisation rate of 68.5 in a copy of the folder: p = (68.5 − 67.9)/(71 − 67.9) = 0.194,
    τ = 1/5, r = 0.968 ≥ 0.95; the pace still needed ((71 − 68.5)/4 = 0.625 a year) is 1.04 times the pace so far
    (0.6), inside the same 5 % band (≤ 1/0.95): 符合预期, outlook 预计可完成; the first-year sentence is gone."""
    import shutil

    from planeval import paths

    folder = tmp_path / "national-15th"
    shutil.copytree(paths.DATA / "national-15th", folder)
    with open(folder / "observations.csv", "a", encoding="utf-8") as f:
        f.write("m03,2026,68.5,level,,68.5%,,全国,全国,12,,,bulletin,,nbs_gb2025,SYNTHETIC test value 68.5,SYNTHETIC\n")
    rep = open_report(str(folder), 2026)
    r = rep.main.set_index("id").loc["m03"]
    assert r["progress_share"] == pytest.approx(0.6 / 3.1) and r["time_share"] == pytest.approx(0.2)
    assert r["status_zh"] == "符合预期" and r["outlook"] == "likely" and r["required_rate"] == pytest.approx(0.625)
    assert "尚无任何主要指标的数据" not in prose.judgement_sentence(rep)


def test_chapter_counts_are_as_printed_and_the_retrospective_respects_basis_changes():
    """issue 22 #7: a printed item entered as two sub-rows counts once in the chapter's counts (7项, 8行); the
    十四五 results in the retrospective are not compared across the 七普 / 五经普 revisions (issue 21)."""
    from planeval.report import glue

    rep = open_report("national-15th", 2026)
    counts = {c: glue.chapter_numbers(rep, c)["chapter_counts"] for c in rep.plan.chapter_ids}
    assert any(text.startswith("本章共有7项主要指标（规划专栏1，8行）") for text in counts.values())
    previous = rep.previous.set_index("id")
    assert previous.loc["p03", "status"] == "not_comparable" and previous.loc["p06", "status"] == "not_comparable"


def test_the_14th_results_are_copied_word_for_word(ds):
    """A 十四五 result taken over from data/national-14th (its note says 评估所录数值相同) is that folder's row: same year, figure,
    kind, release, source and quoted sentence; and each source it cites has the same facts there (title, publisher,
    date, address, grade; the notes on how the mirror was read may be worded differently)."""
    n14 = load_dataset("national-14th")
    obs = ds.observations
    copied = obs[obs["note"].fillna("").str.contains("评估所录数值相同（同一来源、同一引文）")]
    assert len(copied) >= 40
    cols = ["year", "value", "value_kind", "release", "source_id", "quote"]
    theirs = {tuple(r) for r in n14.observations[cols].fillna("").astype(str).itertuples(index=False)}
    for _, r in copied[cols + ["indicator_id"]].fillna("").iterrows():
        assert tuple(str(r[c]) for c in cols) in theirs, (r["indicator_id"], r["year"])
    s15, s14 = ds.sources.set_index("source_id"), n14.sources.set_index("source_id")
    facts = ["title", "publisher", "publication_date", "url", "source_kind"]
    for sid in set(copied["source_id"]) - {"plan_national_15th"}:   # here the plan itself, graded `plan`
        assert s15.loc[sid, facts].fillna("").tolist() == s14.loc[sid, facts].fillna("").tolist(), sid


def test_the_retrospective_judges_the_14th_on_its_2025_results(ds):
    """Hand computations. GDP (各年度视情提出, 年度间综合平衡): 8.6, 3.1, 5.4 (五经普修订), 5.0, 5.0 chain to 5.41 % a
    year; the 政府工作报告 targets 6, 5.5, 5, 5, 5 to 5.30 %: +0.11 points, 完成. 全员劳动生产率 8.7, 4.2, 5.7, 4.9, 6.1
    → 5.91 % > 5.41 %; 居民收入 8.1, 2.9, 6.1, 5.1, 5.0 → 5.43 % (in step with 5.41): 完成. 失业率 (5.1 + 5.6 + 5.2 +
    5.1 + 5.2)/5 = 5.24 < 5.5: 完成. 优良天数 89.3 ≥ 87.5, 粮食 1.39万亿斤 = 6.95亿吨 > 6.5, 托位 4.73 ≥ 4.5: 完成,
    托位 on a reprint only (待核实). 能耗 and 地表水 cross registered basis changes: 口径变化. No official 2025
    figure was found for 执业（助理）医师 per 1000 people or 养老保险参保率, nor real R&D growth for 2023–2024."""
    res = ds.assess(2026).set_index("id")
    done = ("p01", "p02", "p07", "p08", "p12", "p16", "p19")
    assert {i: res.loc[i, "status_zh"] for i in done} == dict.fromkeys(done, "完成")
    assert "2021—2025年年均增长5.41%，同期各年预期目标平均5.30%" in res.loc["p01", "reason"]
    assert res.loc["p02", "observed_rate"] == pytest.approx(0.0591, abs=5e-5)
    assert res.loc["p08", "observed_rate"] == pytest.approx(0.0543, abs=5e-5)
    assert "2021—2025年平均5.24" in res.loc["p07", "reason"]
    assert (res.loc["p16", "latest_value"], res.loc["p19", "latest_value"]) == (89.3, 6.95)
    assert res.loc["p12", "verify"] and res[["verify"]].loc[["p01", "p02", "p08", "p16"]].isna().all().all()
    assert {i: res.loc[i, "status"] for i in ("p14", "p17")} == dict.fromkeys(("p14", "p17"), "not_comparable")
    assert {i: res.loc[i, "status"] for i in ("p04", "p10", "p11")} == dict.fromkeys(("p04", "p10", "p11"),
                                                                                     "not_assessable")
