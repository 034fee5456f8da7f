"""One number, one word, everywhere: the counts a reader can add up across pages (claims against the method check,
projects by chapter, targets without data), and the wording reviewers found wrong (issue 25, session 6), with the
expected text computed by hand on SYNTHETIC rows and on real rows of data/."""
import re

import pandas as pd

from planeval.report import evaluation, methodology, problems, projects, prose, tables, validation
from planeval.report.agreement import agreement, direction
from planeval.report.context import open_report
from synthetic import PLAN, obs, reg, report_for
from test_report import rows_of


def plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).replace("\\", "")


# ---------------------------------------------------------------- 1. one rule of agreement
def test_agreement_is_the_same_class_and_a_difference_says_its_direction():
    # the NDRC's 基本符合预期 beside our 快于预期 is a difference (the old rule counted it as agreeing: "at least")
    assert agreement("on_track", "ahead") == "differ" and direction("on_track", "ahead") == "本报告的结论好于表述"
    assert agreement("ahead", "achieved") == "differ"
    assert agreement("lagging", "on_track") == "differ" and direction("lagging", "on_track") == "本报告的结论好于表述"
    assert agreement("achieved", "lagging") == "differ" and direction("achieved", "lagging") == "本报告的结论差于表述"
    assert agreement("lagging", "lagging") == "agree"
    assert agreement("achieved", "not_assessable") == agreement("ahead", "pending") == "unknown"


def test_real_rows_the_ndrc_statements_agree_as_often_as_the_method_check_says():
    """The NDRC's four statements name all 20 main indicators. By hand, with the 2022 verdicts: 提前实现 — 能源
    agrees, 城镇化率 and 地表水 (口径变化) and 养老 (no data) cannot be compared; 快于预期 — R&D, 专利, 医师, 森林
    agree, 数字经济 no data; 滞后 — 能耗, 碳排放, 空气质量 (逆向变化, class 滞后) agree, 托位数 is ours 基本符合预期
    (better); 基本符合预期 — six agree, 人均预期寿命 is ours 快于预期 (better). 14 agree, as 方法检验 counts."""
    rep = open_report("national-14th", 2023)
    html = evaluation.claims_html(rep)
    assert "只有分类相同才算一致" in html
    assert "列明指标的表述逐项对照20项：一致14项、不一致2项（本报告的结论好于表述2项）、无法对照4项。" in html
    on_track = next(r for r in rows_of(html) if r[0].startswith("“7项指标基本符合预期"))
    assert on_track[2] == "一致6项、不一致1项"
    assert "人均预期寿命：快于预期，不一致（本报告的结论好于表述）" in on_track[1]
    assert on_track[5] == "符合或基本符合预期"
    check = validation.compare(rep.ds.folder)
    assert check.agree == 14 and "只有分类相同才算一致" in validation.all_tables(rep)
    life = next(r for r in rows_of(validation.comparison_table(check)) if r[0] == "人均预期寿命")
    assert life[1] == "不一致（本报告的结论好于国家发展改革委的结论）"
    # the claims page's agreements, added up, are the method check's
    counted = sum(int(n) for r in rows_of(html) for n in re.findall(r"(?<!不)一致(\d+)项", r[2]))
    assert counted == check.agree


def test_real_rows_a_statement_is_named_in_the_words_of_the_year_it_speaks_of():
    """The final editions show statements of earlier years: a 2022 or 2024 statement says 提前实现, one of 2025 完成."""
    national = rows_of(evaluation.claims_html(open_report("national-14th", 2025)))
    assert next(r for r in national if "等4项指标提前实现" in r[0])[5] == "提前实现（达标）"
    assert next(r for r in national if r[0].startswith("“落后的4项指标"))[5] == "滞后"
    yinzhou = {r[4]: r[5] for r in rows_of(evaluation.claims_html(open_report("yinzhou-14th", 2025)))}
    assert yinzhou == {"2024": "提前实现（达标）", "2025": "完成（达标）"}


# ---------------------------------------------------------------- 2. projects, each once
def _projects(rep, rows):
    cols = list(rep.ds.extra["projects"].columns)
    rep.ds.extra["projects"] = pd.DataFrame(rows, columns=cols)
    return rep


def test_a_project_named_in_two_chapters_is_counted_once_and_the_chapters_add_up():
    """SYNTHETIC: p1 (economy), p2 = p1 named again in a livelihood box, p3 (livelihood): 2 projects, one per chapter."""
    plan = PLAN.__class__(**{**PLAN.__dict__, "chapters": PLAN.chapters + (
        PLAN.chapters[0].__class__("livelihood", "民生（SYNTHETIC）", "民生", "SYNTHETIC"),)})
    rep = report_for(reg(), obs(), plan=plan)
    base = {"section": "第一章", "category": "其他", "promise": "建成", "due_year": None, "quote": "SYNTHETIC", "note": None}
    _projects(rep, [{**base, "project_id": "p1", "column_ref": "专栏1", "chapter": "economy", "name_zh": "甲馆", "same_as": None},
                    {**base, "project_id": "p2", "column_ref": "专栏2", "chapter": "livelihood", "name_zh": "甲馆",
                     "same_as": "p1"},
                    {**base, "project_id": "p3", "column_ref": "专栏2", "chapter": "livelihood", "name_zh": "乙园",
                     "same_as": None}])
    assert projects.project_counts(rep)["n"] == 2
    assert projects.project_counts(rep, "economy")["n"] == projects.project_counts(rep, "livelihood")["n"] == 1
    html = projects.progress_table(rep, "livelihood")
    assert "<summary>1个项目（暂无公开信息1个；另有1处重复列出，不重复计数）</summary>" in html
    assert rows_of(html)[0][0] == "甲馆（专栏2；与专栏1“甲馆”为同一项目，不重复计数）"
    assert rows_of(projects.chapter_counts_table(rep)) == [["经济", "1", "0", "0", "0", "1"],
                                                           ["民生", "1", "0", "0", "0", "1"]]


def test_real_rows_the_findings_project_total_is_the_sum_over_the_chapters():
    """247 rows, 12 of them a second listing (same_as) → 235 projects; by the chapter of the first listing: economy
    113 rows − 5 = 108, innovation 32 − 2 = 30, livelihood 77 − 5 = 72, ecology 24, governance 1."""
    rep = open_report("yinzhou-14th", 2023)
    total = projects.project_counts(rep)
    per = {c.id: projects.project_counts(rep, c.id) for c in rep.plan.chapters}
    assert {k: v["n"] for k, v in per.items()} == {"economy": 108, "innovation": 30, "livelihood": 72, "ecology": 24,
                                                   "governance": 1}
    assert total["n"] == 235
    for key in ("n", "with_evidence", "unverified", "other", "none"):
        assert sum(v[key] for v in per.values()) == total[key]
    table = rows_of(projects.chapter_counts_table(rep))
    assert sum(int(r[1]) for r in table) == 235 and sum(int(r[5]) for r in table) == total["none"]
    assert "重大工程项目和重点任务235项" in projects.summary_markdown(rep)
    for c in rep.plan.chapters:       # each chapter page says the count the findings table gives it
        summary = re.search(r"<summary>(\d+)个项目", projects.progress_table(rep, c.id)).group(1)
        assert int(summary) == per[c.id]["n"]


# ---------------------------------------------------------------- 3. counts that agree between pages
def test_real_rows_the_final_editions_limits_count_what_the_front_page_counts():
    """yinzhou 2025: 32 main indicators — 6 按上级下达, 1 口径变化 (GDP), 23 without in-period data, 2 with data but no
    conclusion (R&D, 城镇化率): 25 暂无法评估; 23 / 32 = 71.9 % → 72 %."""
    rep = open_report("yinzhou-14th", 2025)
    limits = next(line for line in evaluation.work_markdown(rep).split("\n") if "局限" in line)
    assert plain(limits).startswith("- **局限**：25项主要指标暂无法评估、报告不作估算，其中23项主要指标（占72%）缺少2021年以来"
                                    "可用于评估的数据，2项有数据但不足以作出结论；6项主要指标的目标按上级下达，"
                                    "尚未找到下达的数值或考核结论；1项主要指标的最新数据与规划基期口径不同（口径变化），不直接比较；")
    front = plain(prose.overall_markdown(rep))
    assert "25项暂无法评估" in front and "**数据缺口。** 23项主要指标（占72%）缺少2021年以来可用于评估的数据" in front
    assert "**结论待定。** 2项主要指标" in front


def test_real_rows_every_chapters_conclusions_and_gap_list_count_alike():
    """livelihood 2023: 5 main + 26 other targets without data = 31, the repeat 每千人医生数 (same as 每千人执业（助理）
    医师数) included in both lists, said once to be the same target."""
    for plan, year in (("yinzhou-14th", 2023), ("yinzhou-14th", 2025), ("national-14th", 2025)):
        rep = open_report(plan, year)
        for c in rep.plan.chapters:
            frame = rep.in_chapter(rep.current, c.id)
            said = re.search(r"暂无法评估\*\*（(\d+)项）", prose.chapter_findings(rep, c.id))
            listed = re.search(r"<summary>(\d+)项目标暂无可用于评估的数据", tables.gap_table(rep, frame))
            assert (said and int(said.group(1))) == (listed and int(listed.group(1))), (plan, year, c.id)
    rep = open_report("yinzhou-14th", 2023)
    html = tables.gap_table(rep, rep.in_chapter(rep.current, "livelihood"))
    assert "<summary>31项目标暂无可用于评估的数据</summary>" in html
    assert "与“每千人执业（助理）医师数”为同一目标，数据一并报送" in html


# ---------------------------------------------------------------- 4. wording
def test_one_class_for_all_is_said_with_jun():
    """SYNTHETIC: two binding targets (two printed items), no data: never "2项约束性指标中，2项暂无法评估"."""
    registry = pd.concat([reg(id="a", source_ref="表A-1", attribute="约束性", baseline_value=1, target_value=2),
                          reg(id="b", source_ref="表A-2", attribute="约束性", baseline_value=1, target_value=2)])
    text = plain(prose.overall_markdown(report_for(registry, obs())))
    assert "**约束性指标。** 2项约束性指标均暂无法评估。" in text
    assert "SYNTHETIC主要指标表共2项主要指标，均暂无法评估。" in text


def test_a_final_edition_where_every_judged_target_is_met_says_jun():
    """SYNTHETIC final edition (2025): 甲 10 → 20 reached 21 in 2025 → 完成; 乙 without data: 1 judged, 1 without."""
    registry = pd.concat([reg(id="a", source_ref="表A-1", baseline_value=10, target_value=20, target_text="20"),
                          reg(id="b", source_ref="表A-2", baseline_value=10, target_value=20, target_text="20")])
    rep = report_for(registry, obs((2025, 21), indicator_id="a"), eval_year=2025)
    assert plain(prose.judgement_sentence(rep)) == ("**总体判断。** 规划期已经结束。有数据作出结论的1项主要指标均完成；"
                                                    "其余1项缺少目标年数据、可比数据或上级下达的目标，无法作出结论。")


def test_a_span_of_years_is_said_after_the_figure_in_tables():
    """"2020—2021年年均4.7%" doubles 年: the figure first, its years after it, as for a single year."""
    registry = reg(target_form="growth", basis="real", target_value=5, target_text="5", annual_growth_value=5,
                   baseline_value=None)
    rep = report_for(registry, obs((2022, 4.7), value_kind="period_average_growth", period_start_year=2021))
    cells = rows_of(tables.observation_table(rep, {"x"}))
    assert cells[0][2] == "年均4.7%（2021—2022年）"
    assert "年年" not in tables.status_table(rep, rep.main)


def test_marks_are_set_off_from_the_chip_and_a_projects_reference_from_its_name():
    rep = open_report("yinzhou-14th", 2023)
    row = next(r for r in rows_of(tables.status_table(rep, rep.in_chapter(rep.main, "economy")))
               if r[0].startswith("常住人口城镇化率"))
    assert row[1] == "基本符合预期（需加力） 待核实"
    names = [r[0] for r in rows_of(projects.progress_table(rep, "livelihood"))]
    assert all(re.search(r"[^（]（(专栏|第)", n) for n in names)        # 项目（专栏12：…）, never 项目专栏12：…


def test_real_rows_a_final_edition_speaks_as_a_final_evaluation():
    rep = open_report("yinzhou-14th", 2025)
    said = problems.problems_intro(rep) + problems.recommendations_intro(rep) + evaluation.work_markdown(rep)
    assert "此后所需的速度" not in said and "中期评估的用语" not in said and "时间进度" not in said
    assert problems.problems_intro(rep).startswith("按问题的轻重排列：先列未完成规划目标的目标")
    mid = open_report("yinzhou-14th", 2023)
    assert "此后所需的速度" in problems.problems_intro(mid) and "中期评估的用语" in evaluation.work_markdown(mid)
    national = open_report("national-14th", 2025)
    front = plain(prose.overall_markdown(national))
    # 碳排放 2021—2025 累计降低17.7%, target 18%: the outcome, not "完成进度98%、时间进度100%"
    assert "单位GDP二氧化碳排放降低（2021—2025年累计降低17.7%（公布的期间累计数），目标五年累计降低18%）" in front
    assert "时间进度" not in front


def test_real_rows_rule_history_shows_dates_and_versions_not_commits_or_files():
    rep = open_report("national-14th", 2023)
    pages = methodology.rule_changes_html(rep) + validation.all_tables(rep)
    text = plain(pages)
    for internal in ("rules.yml", "yinzhou_eval", "提交", "测试"):
        assert internal not in text, internal
    assert not re.search(r"\b[0-9a-f]{7}\b", text)
    # the day a version was made, never the clock time (a maintainers' record)
    assert not re.search(r"\d{1,2}:\d{2}", text), re.findall(r".{20}\d{1,2}:\d{2}.{10}", text)
    assert "这一改变于2026年11月29日加入，比国家发展改革委中期评估结论收入本报告书（同日）早7分钟" in text and "第2版" in text


def test_limits_count_printed_items_and_say_when_no_in_period_figure_is_out_yet():
    """SYNTHETIC: one printed item entered as two sub-rows (one source_ref) without data, one item with data: "1项主要
    指标（2行，占67%）" (2 of 3 rows), as the front page counts "1项主要指标（2行）"; in the plan's first year, before
    any figure is out: said so, not a gap."""
    registry = pd.concat([reg(id="a", baseline_value=1, target_value=2), reg(id="b", baseline_value=1, target_value=2),
                          reg(id="c", source_ref="表A-2", baseline_value=1, target_value=2)])
    rep = report_for(registry, obs((2022, 1.5), indicator_id="c"))
    assert "- **局限**：1项主要指标（2行，占67%）缺少2021年以来可用于评估的数据，暂无法评估，报告不作估算。" in \
        plain(evaluation.work_markdown(rep))
    first = report_for(registry, obs(), eval_year=2021)
    assert "- **局限**：规划期内（2021年）尚无主要指标的数据，本版只列出各项目标的起点和规划路径，不作评估。" in \
        plain(evaluation.work_markdown(first))


def test_real_rows_no_zero_counts_and_no_doubled_nian_in_the_final_edition():
    rep = open_report("yinzhou-14th", 2025)
    said = rows_of(evaluation.claims_html(rep))[0][1]
    assert said == ("按截至2024年的数据：规划指标体系（表2）32项主要指标中，没有据公开数据确认已达到规划目标的；"
                    "按截至2025年的数据，仍没有已完成的")
    # 32 main indicators: 6 按上级下达, 1 口径变化, 25 暂无法评估 — all without a verdict
    assert "- **无法评估的主要指标**：主要指标均缺少目标年的数据" in plain(problems.adjustments_markdown(rep))
    income = next(r for r in rows_of(tables.retrospective_table(rep)) if r[0].startswith("城乡居民人均可支配收入"))
    assert income[2] == "年均增长7.7%（2016—2020年）"
    assert income[6] == "2016—2020年期间年均增长7.7%（公布的2016—2020年期间年均增速），目标年均7.5%"
