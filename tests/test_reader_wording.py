"""Small wording faults a reviewer read on the pages, checked on real rows (expected text typed by hand)."""
from planeval.report import prose
from planeval.report.context import open_report


def test_a_table_named_main_indicators_is_not_followed_by_the_noun_again():
    text = prose.overall_markdown(open_report("data/national-14th", 2023))
    assert "经济社会发展主要指标共20项，" in text and "共20项主要指标" not in text
    # the default plan's table is named 规划指标体系（表2）: the noun stays
    assert "规划指标体系（表2）共32项主要指标，" in prose.overall_markdown(open_report("data/yinzhou-14th", 2023))


def test_basically_on_track_is_not_called_reaching_the_expected_pace():
    text = prose.overall_markdown(open_report("data/yinzhou-14th", 2023))
    assert "达到或快于预期进度（" not in text


def test_a_scored_row_is_not_called_incomparable():
    """National GDP growth was scored 符合预期 while its footnote said the revised values were 不可直接比较."""
    rep = open_report("data/national-14th", 2023)
    scored = rep.main[~rep.main["status"].isin(["not_assessable", "not_comparable"])]
    for _, r in scored.iterrows():
        assert "不可直接比较" not in "".join(str(n) for n in rep.notes(r)), r["id"]


def test_a_chapter_with_an_official_statement_does_not_say_it_has_no_data():
    """The ecology chapter said 本章主要指标尚无规划期内的数据 above a table showing 2023年："节能减排指标完成上级下达任务"."""
    from planeval.report.glue import chapter_numbers

    rep = open_report("data/yinzhou-14th", 2023)
    assert chapter_numbers(rep, "ecology")["data_year"] == "本章主要指标的最新数据年份为2023年"


def test_a_level_cards_form_says_which_way_is_better():
    from planeval.report.targetpage import form_words

    assert form_words({"target_form": "level", "direction": "higher"}) == "达到目标水平（越高越好）"
    assert form_words({"target_form": "level", "direction": "lower"}) == "达到目标水平（越低越好）"
    assert form_words({"target_form": "level", "direction": ""}) == "达到目标水平（越高越好或越低越好）"


def test_a_relational_reason_names_the_series_it_keeps_pace_with():
    """«…本指标年均增长6.18%，对比序列5.68%» named no series; rates by hand from the national folder's bulletins."""
    from planeval.data.dataset import load_dataset

    reason = load_dataset("national-14th").assess(2023).set_index("id").loc["m02", "reason"]
    assert "国内生产总值（GDP）增长5.68%" in reason and "对比序列" not in reason


def test_a_plan_without_projects_says_so_in_each_chapter_as_on_the_findings_page():
    from planeval.report import projects

    rep = open_report("data/national-15th", 2026)
    assert projects.progress_table(rep, "economy") == (
        '<p class="empty-table">本版未收录这部规划列出的重大工程项目和重点任务，不评估其进展。</p>')
