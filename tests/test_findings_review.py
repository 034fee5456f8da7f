"""A reviewer's reading of three books, each point held as the text a reader sees (expected text written by hand
from the data: national-14th's 20 main indicators against the NDRC mid-term verdicts, yinzhou-14th's final edition,
national-15th's first edition)."""
import re

from planeval.report import evaluation, problems, prose, validation
from planeval.report.context import open_report
from test_report import rows_of


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("\\", "").replace("**", "")


def test_the_validation_page_counts_unjudged_targets_as_no_comparison_as_the_findings_do():
    # 20 targets: 14 the same class; 托位数 and 人均预期寿命 differ; 城镇化率 and 地表水 (口径变化), 数字经济 and
    # 养老保险参保率 (no data) cannot be judged: 无法对照, never 不一致 (the findings' claims say 14/2/4 too)
    rep = open_report("national-14th", 2023)
    text = plain(validation.all_tables(rep))
    assert ("20项主要指标，结论一致14项（70%），不一致2项，无法对照4项；在本方法有数据作出结论的16项中，"
            "一致14项（88%）。") in text
    assert "计为不一致" not in text and "不能作出结论的，为无法对照。" in text
    c = validation.compare(rep.ds.folder)
    assert (c.agree, c.differ, c.unknown) == (14, 2, 4)
    rows = {r[0]: r[1] for r in rows_of(validation.comparison_table(c))}
    assert [n for n, a in rows.items() if a == "无法对照"] == [
        "常住人口城镇化率", "数字经济核心产业增加值占GDP比重", "基本养老保险参保率", "地表水达到或好于Ⅲ类水体比例"]
    assert rows["人均预期寿命"] == "不一致（本报告的结论好于国家发展改革委的结论）"
    assert "列明指标的表述逐项对照20项：一致14项、不一致2项（本报告的结论好于表述2项）、无法对照4项。" in \
        evaluation.claims_summary(evaluation.claim_rows(rep))


def test_a_claims_verdict_says_its_data_year_first():
    rep = open_report("national-14th", 2023)
    ours = [r["ours"] for r in evaluation.claim_rows(rep)]
    assert ours[2] == ("按截至2022年的数据：每千人口拥有3岁以下婴幼儿托位数：基本符合预期（需加力），不一致（本报告的结论"
                       "好于表述）；单位GDP能源消耗降低：滞后；单位GDP二氧化碳排放降低：滞后；地级及以上城市空气质量优良天数"
                       "比率：逆向变化")
    assert not any(o.endswith("年的数据）") for o in ours)


def test_targets_met_early_on_verdicts_to_verify_say_so_where_listed_and_where_adjusted():
    rep = open_report("national-14th", 2023)
    said = plain(problems.problems_markdown(rep))
    assert ("- 部分目标已提前实现：3项目标在2025年之前已达到规划目标，其中2项的结论待核实：每千人口拥有执业（助理）医师数"
            "（2023年3.4人，目标3.2人）（待核实）；人均预期寿命（2023年78.6岁，目标累计提高1岁）（待核实）；能源综合生产能力"
            "（2023年不低于48.3亿吨标准煤，目标＞46亿吨标准煤）。") in said
    adjust = plain(problems.adjustments_markdown(rep))
    assert ("- 人均预期寿命（待核实）：2023年78.6岁，已达到2025年目标（累计提高1岁），但这一结论所依据的数据待核实。"
            "核实后，可研究提高目标值，或改为保持和巩固已达到的水平。") in adjust
    assert ("- 能源综合生产能力：2023年不低于48.3亿吨标准煤，已达到2025年目标（＞46亿吨标准煤）。可研究提高目标值") in adjust
    assert "每千人口拥有3岁以下婴幼儿托位数（待核实）：按此前速度" in adjust
    recs = plain(problems.recommendations_markdown(rep))
    assert "每千人口拥有执业（助理）医师数（待核实）、人均预期寿命（待核实）、能源综合生产能力已提前达到规划目标" in recs


def test_a_lower_bound_reads_as_one_in_the_achievements():
    # 粮食综合生产能力: the 2023 output 6.9541亿吨 stands in for the capacity as a lower bound only
    said = plain(prose.achievements_markdown(open_report("national-14th", 2023)))
    assert "粮食综合生产能力2023年不低于6.95亿吨；" in said
    assert "国内生产总值（GDP）2023年实际增长5.4%" in said       # an actual figure keeps no 不低于


def test_the_first_editions_request_counts_items_as_printed():
    # national-15th: 20 printed main indicators in 21 rows (one item entered as two rows), none with data in 2026
    said = plain(problems.recommendations_markdown(open_report("national-15th", 2026)))
    assert "请各责任部门报送20项主要指标（21行）的数值，注明口径和来源" in said


def test_the_final_editions_data_gap_item_names_the_target_across_a_break_and_ends():
    # yinzhou 2025: 地区生产总值's latest value is on the fifth economic census basis, its baseline before it
    said = plain(problems.problems_markdown(open_report("yinzhou-14th", 2025)))
    assert "1项主要指标的最新数据与规划基期口径不同（口径变化），不直接比较（地区生产总值）。" in said
