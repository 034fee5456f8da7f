"""The computed sections of the findings page (存在问题与原因, 对策建议, 规划调整建议, 评估工作情况, 与官方表述对照),
the derived start of a ratio, nominal growth and the chart axis, with the expected text computed by hand on
SYNTHETIC plans (in memory and tests/fixtures/plans/synthetic-15th) and on real rows of data/."""
import dataclasses
import re

import pandas as pd
import pytest

from planeval import paths
from planeval.report import charts, commentary, evaluation, problems, prose
from planeval.report.context import open_report
from planeval.report.fmt import target_display
from synthetic import PLAN, obs, reg, report_for

FIXTURE = str(paths.ROOT / "tests" / "fixtures" / "plans" / "synthetic-15th")


def plain(text: str) -> str:
    """The sentence as read: Markdown escapes and the links of target names to their cards removed."""
    return re.sub(r"</?a[^>]*>", "", text).replace("\\", "")


def _mixed():
    """SYNTHETIC: 甲 2.5 → 3.6 (2023: 3.0), 乙 10 → 20 (2023: 21, met), 丙 binding 10 → 20 (2023: 12), 丁 no data."""
    registry = pd.concat([
        reg(baseline_value=2.5, target_value=3.6, target_text="3.6", name_zh="甲").assign(id="a"),
        reg(baseline_value=10, target_value=20, target_text="20", name_zh="乙").assign(id="b"),
        reg(baseline_value=10, target_value=20, target_text="20", attribute="约束性", name_zh="丙").assign(id="c"),
        reg(baseline_value=10, target_value=20, target_text="20", name_zh="丁").assign(id="d"),
    ])
    observations = pd.concat([obs((2023, 3.0), indicator_id="a"), obs((2023, 21), indicator_id="b"),
                              obs((2023, 12), indicator_id="c")])
    return registry, observations


def _with(rep, **frames):
    for name, rows in frames.items():
        rep.ds.extra[name] = pd.DataFrame(rows, columns=list(rep.ds.extra[name].columns))
    return rep


# ---------------------------------------------------------------- 存在问题与原因
def test_problems_by_hand():
    rep = report_for(*_mixed())
    _with(rep, commentary=[{"subject": "indicator", "subject_id": "c", "section_kind": "problem",
                            "text": "SYNTHETIC：项目推迟。", "author": "张三", "date": "2026-11-01"}])
    lines = plain(problems.problems_markdown(rep)).split("\n")
    # 丙 (binding first): p = (12−10)/(20−10) = 20 %, τ = 3/5 = 60 %, 40 points behind; required (20−12)/2 = 4,
    # observed (12−10)/3 = 0.67 a year
    # the name, then its verdict (never run together: "丙滞后")
    assert lines[0] == ("- **丙**：滞后，约束性指标。2023年12%，完成进度20%、时间进度60%，落后40个百分点；要在2025年达到目标，"
                        "余下2年每年须提高4个百分点，而此前实际每年提高0.67个百分点。"
                        "分析人员意见：SYNTHETIC：项目推迟。（张三，2026-11-01）。")
    # 甲: p = 0.5/1.1 = 45 %, 15 points behind; required 0.6/2 = 0.3, observed 0.5/3 = 0.17
    assert lines[1] == ("- **甲**：基本符合预期（需加力）。2023年3%，完成进度45%、时间进度60%，落后15个百分点；要在2025年达到目标，"
                        "余下2年每年须提高0.3个百分点，而此前实际每年提高0.17个百分点。")
    assert lines[2] == "- **约束性指标完成存在风险**：1项约束性指标未达到符合预期的进度（丙），约束性指标必须完成。"
    assert lines[3].startswith("- **部分目标已提前实现**：1项目标在2025年之前已达到规划目标：乙（2023年21%，目标20%）。")
    assert lines[4] == ("- **统计数据不足，部分目标无法评估**：1项主要指标（占25%）缺少2021年以来可用于评估的数据（丁）。")
    assert len(lines) == 5


def test_recommendations_name_the_department_and_the_pace():
    rep = report_for(*_mixed())
    _with(rep, responsibility=[{"indicator_id": "c", "department": "统计局", "assignment": "confirmed", "contact": None,
                                "basis": "SYNTHETIC"},
                               {"indicator_id": "a", "department": "科技局", "assignment": "proposed", "contact": None,
                                "basis": "SYNTHETIC"}])
    lines = plain(problems.recommendations_markdown(rep)).split("\n")
    # 丙: 4 / 0.667 = 6 times the pace so far; 甲: 0.3 / 0.1667 = 1.8 times
    assert lines[0] == ("- **丙**（责任单位：统计局）：目标为20%；要在2025年达到目标，余下2年每年须提高4个百分点，"
                        "而此前实际每年提高0.67个百分点，为此前速度的6倍。约束性指标必须完成，建议责任单位制定分年度推进计划，逐年报告进展。")
    assert lines[1] == ("- **甲**（建议责任单位：科技局，待确认）：目标为3.6%；要在2025年达到目标，余下2年每年须提高0.3个百分点，"
                        "而此前实际每年提高0.17个百分点，为此前速度的1.8倍。建议责任单位制定分年度推进计划，逐年报告进展。")
    assert lines[2].startswith("- **巩固已实现的目标**：乙已提前达到规划目标")
    assert lines[3] == "- **补齐统计数据**：请各单位按年报送缺少数据的目标，注明口径和来源：责任单位未登记1项（丁）。"


def test_adjustments_only_in_the_midterm_edition():
    rep = report_for(*_mixed())
    text = plain(problems.adjustments_markdown(rep))
    assert "- **乙**：2023年21%，已达到2025年目标（20%）。可研究提高目标值，或改为保持和巩固已达到的水平。" in text
    # 丙: projected 12 + 0.667 × 2 = 13.33; binding targets are never lowered
    assert ("- **丙**：按此前速度，到2025年预计为13.33%，难以达到目标（20%）；要在2025年达到目标，余下2年每年须提高4个百分点，"
            "而此前实际每年提高0.67个百分点。约束性指标不宜下调，应采取措施确保完成。") in text
    # 甲: projected 3.0 + 0.1667 × 2 = 3.33
    assert "- **甲**：按此前速度，到2025年预计为3.33%，难以达到目标（3.6%）" in text
    final = plain(problems.adjustments_markdown(report_for(*_mixed(), eval_year=2025)))
    # the final edition (data to 2023 only): 乙 met in 2023 counts as 完成; 甲, 丙 lack 2025 data, 丁 has none
    assert final == ("规划期已经结束，不再调整规划目标。以下情况供编制下一规划时参考：\n"
                     "- **已完成的目标**：乙，可在现有水平上研究设定下一规划的目标。\n"
                     "- **无法评估的主要指标**：3项主要指标缺少目标年的数据、可比数据或上级下达的目标值，建议下一规划的指标"
                     "选用有年度统计数据、口径明确的指标，并明确下达值和责任单位。")


def test_the_synthetic_plan_folder_by_hand():
    rep = open_report(FIXTURE, 2028)
    text = plain(problems.problems_markdown(rep))
    # syn_level: 100 (2025) → 150 (2030), 2028 = 120: p = 20/50 = 40 %, τ = 3/5 = 60 %; required 30/2 = 15 a year,
    # observed 20/3 = 6.67 a year
    assert ("- **合成产出总量**：基本符合预期（需加力）。2028年120亿元，完成进度40%、时间进度60%，落后20个百分点；"
            "要在2030年达到目标，余下2年每年须提高15亿元，而此前实际每年提高6.67亿元。") in text
    assert text.index("合成能耗强度降低**：基本符合预期（需加力），约束性指标。") < text.index("合成产出总量")   # binding first
    assert "合成公共服务满意度（2027年81%，目标满意度达到80%以上）" in text
    rec = plain(problems.recommendations_markdown(rep))
    assert "为此前速度的2.2倍" in rec          # 15 / 6.667 = 2.25 → 2.2 (2.2499…)
    adj = plain(problems.adjustments_markdown(rep))
    assert "- **合成产出总量**：按此前速度，到2030年预计为133.3亿元，难以达到目标（150亿元）" in adj   # 120 + 2 × 6.67
    assert "合成绿地率**：" not in adj         # a floor held every year is not re-set


def test_real_rows_national_reversing_target_is_said_once():
    rep = open_report("national-14th", 2023)
    text = plain(problems.problems_markdown(rep))
    assert ("- **地级及以上城市空气质量优良天数比率**：逆向变化，约束性指标。2023年85.5%，比起点（2020年87%）离目标更远，"
            "时间进度60%（线性路径）；要在2025年达到目标，余下2年每年须提高1个百分点，而此前实际每年降低0.5个百分点。") in text
    assert "2023年85.5%，2023年85.5%" not in text
    assert "-300%" not in prose.overall_markdown(rep)
    assert "（—）" not in plain(prose.achievements_markdown(rep)) and "人均预期寿命2023年78.6岁，已达到规划目标（累计提高1岁）" in \
        plain(prose.achievements_markdown(rep))


# ---------------------------------------------------------------- derived start, nominal growth, axes
def _ratio(source_r="syn"):
    registry = pd.concat([
        reg(name_zh="比值", unit="倍", direction="lower", target_value=1.65, target_operator="<", target_text="小于1.65",
            table="goal", baseline_year=None).assign(id="ratio", derived_from="u/r"),
        reg(name_zh="城镇", unit="万元", target_value=10, table="goal", baseline_year=None).assign(id="u", derived_from=None),
        reg(name_zh="农村", unit="万元", target_value=6, table="goal", baseline_year=None).assign(id="r", derived_from=None)])
    observations = pd.concat([obs((2020, 7.386), indicator_id="u"), obs((2020, 4.2794), indicator_id="r", source_id=source_r),
                              obs((2023, 1.66), indicator_id="ratio")])
    return registry, observations


def test_a_ratio_start_is_computed_from_its_parts_of_one_source_only():
    rep = report_for(*_ratio())
    r = rep.results.set_index("id").loc["ratio"]
    # 7.386 ÷ 4.2794 = 1.7259 → 1.73 (the target's two decimals); p = (1.73 − 1.66)/(1.73 − 1.65) = 87.5 %, τ = 60 %
    assert r["start_value"] == 1.73 and r["progress_share"] == pytest.approx(0.875) and r["status"] == "ahead"
    assert "起点为2020年由两个公布分项计算的比值1.73（本报告计算" in r["reason"]
    assert "7.386 ÷ 4.2794 = 1.73" in r["notes"]
    assert "比2020年（本报告由两个公布分项计算为1.73）降低0.07" in plain(prose.achievements_markdown(rep))
    other = report_for(*_ratio(source_r="syn_other")).results.set_index("id").loc["ratio"]
    assert other["status"] == "short_no_pace"          # parts from two documents: no start of ours


def test_real_rows_income_ratio_has_a_derived_start():
    r = open_report("yinzhou-14th", 2023).results.set_index("id").loc["goal_income_ratio"]
    assert r["start_value"] == 1.73 and r["status"] == "ahead"


def test_growth_of_money_amounts_says_nominal():
    rep = report_for(reg(unit="亿元", baseline_value=100, target_value=150, target_text="150", name_zh="产出"),
                     obs((2023, 135)))     # p = 35/50 = 70 % at τ = 60 %: ahead, so among 主要成效
    assert "产出2023年135亿元，比2020年名义增长35%（按现价计算，未扣除价格因素）" in plain(prose.achievements_markdown(rep))


@pytest.mark.parametrize("values, unit, domain", [
    ([1.66, 1.65], "倍", [1.489, 1.821]),         # span ≥ 0.2 × 1.66 = 0.332 around 1.655
    ([84.0, 85.0], "%", [76.0, 93.0]),           # span ≥ 0.2 × 85 = 17 points (≥ 10) around 84.5
    ([0.5, 0.7], "%", [0.0, 10.0]),              # never below zero for shares
    ([2266.1, 3200.0], "亿元", [2210.066, 3256.034]),   # wide enough: 6 % air each side
])
def test_chart_axis_does_not_exaggerate_small_gaps(values, unit, domain):
    assert charts.y_domain(values, unit) == pytest.approx(domain, abs=1e-3)


def test_a_dash_target_cell_shows_the_registered_value():
    row = reg(target_form="level", unit="岁", target_value=78.3, target_operator=">=", target_text="—").iloc[0]
    assert target_display(row) == "≥78.3岁"


# ---------------------------------------------------------------- 评估工作情况, edition note, claims
def test_work_section_and_retrospective_note():
    plan = dataclasses.replace(PLAN, compiler="SYNTHETIC编制组", compiled="2026-12-05")
    rep = report_for(*_mixed(), plan=plan)
    text = plain(evaluation.work_markdown(rep))
    assert "- **编制单位和日期**：SYNTHETIC编制组，2026年12月5日。" in text
    assert "- **数据来源**：2个来源的3条数值，按来源类别：官方原文（发布机关网站）2个（数值3条）" in text
    assert "- **局限**：1项主要指标（占25%）缺少2021年以来可用于评估的数据，暂无法评估，报告不作估算；" in text
    assert evaluation.edition_note(rep).startswith("**关于本版。** 本版是中期评估报告的回溯编制版")
    rep.ds.sources["publication_date"] = ["2024-12-31", "2025-01-02"]     # one source published after 2024
    assert "所用来源中有1个晚于2024年底发布" in evaluation.edition_note(rep)
    timely = report_for(*_mixed(), plan=dataclasses.replace(plan, compiled="2024-03-01"))
    assert evaluation.edition_note(timely) == ""


def test_claims_beside_our_verdicts():
    from test_report import rows_of

    rep = report_for(*_mixed())
    _with(rep, claims=[
        {"claim_id": "named", "source_id": "syn", "year": 2023, "quote": "SYNTHETIC：乙、丙达标。", "asserts": "achieved",
         "indicator_ids": "b;c", "count": None, "inferred": None, "note": None},
        {"claim_id": "unnamed", "source_id": "syn", "year": 2023, "quote": "SYNTHETIC：3个“核心”指标提前达标。",
         "asserts": "achieved", "indicator_ids": None, "count": 3, "inferred": None, "note": None},
        {"claim_id": "later", "source_id": "syn", "year": 2024, "quote": "SYNTHETIC", "asserts": "achieved",
         "indicator_ids": None, "count": None, "inferred": None, "note": None}])
    rows = rows_of(evaluation.claims_html(rep))
    assert len(rows) == 2                                  # the 2024 statement belongs to a later edition
    assert rows[0][:6] == ["“SYNTHETIC：乙、丙达标。”", "按截至2023年的数据：乙：提前实现；丙：滞后，不一致（本报告的结论差于表述）",
                           "一致1项、不一致1项", "乙、丙", "2023", "提前实现（达标）"]
    assert rows[1][:6] == ["“SYNTHETIC：3个‘核心’指标提前达标。”",
                           "按截至2023年的数据：SYNTHETIC主要指标表4项主要指标中，1项已达到规划目标（乙）",
                           "无法逐项对照（表述未列明指标）；数量不同：表述3项，本报告据公开数据确认1项"
                           "（另有1项主要指标没有可评估的数据或目标值，差异可能来自数据缺口）", "未列明具体指标", "2023",
                           "提前实现（达标）"]


def test_real_rows_the_2025_government_report_claim():
    from test_report import rows_of

    rows = rows_of(evaluation.claims_html(open_report("yinzhou-14th", 2025)))
    assert rows[0][0] == "“6个‘十四五’规划核心发展指标提前达标。”" and rows[0][3] == "未列明具体指标"
    assert rows[0][2].startswith("无法逐项对照（表述未列明指标）；数量不同：表述6项")
    assert "晚于本版数据年份" in evaluation.claims_html(open_report("yinzhou-14th", 2023))


def test_real_rows_the_ndrc_midterm_statements_beside_our_2022_verdicts():
    from test_report import rows_of

    rows = rows_of(evaluation.claims_html(open_report("national-14th", 2023)))
    lagging = next(r for r in rows if r[0].startswith("“落后的4项指标"))
    # 托位数: ours 基本符合预期（需加力） (class on_track) — not 滞后; 能耗, 碳排放 滞后, 空气质量 逆向变化 (class lagging)
    assert lagging[2] == "一致3项、不一致1项"
    assert lagging[1].startswith("按截至2022年的数据：每千人口拥有3岁以下婴幼儿托位数：基本符合预期（需加力），不一致（本报告的结论好于表述）；")
    assert lagging[4] == "2022"


def test_no_placeholder_without_commentary():
    rep = report_for(*_mixed())
    assert commentary.commentary_markdown(rep, "problem") == "" and commentary.chapter_commentary(rep, "economy") == ""


# ---------------------------------------------------------------- the printed edition's link
def test_the_pdf_is_linked_only_when_the_site_holds_it(tmp_path):
    from planeval.book.pdflink import link_pdfs
    from planeval.report import tables

    rep = report_for(*_mixed())
    (tmp_path / "book").mkdir()
    page = tmp_path / "book" / "index.html"
    page.write_text(f"<html>{tables.downloads_html(rep)}</html>", encoding="utf-8")
    name = tables.pdf_name(rep)
    assert link_pdfs(tmp_path) == 0 and f'href="../pdf/{name}"' not in page.read_text(encoding="utf-8")
    assert f'<li class="pdf-item" hidden data-pdf="{name}">' in page.read_text(encoding="utf-8")
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / name).write_bytes(b"%PDF-SYNTHETIC")
    assert link_pdfs(tmp_path) == 1
    html = page.read_text(encoding="utf-8")
    assert f'<li class="pdf-item" data-pdf="{name}">打印版：<a class="pdf-download" href="../pdf/{name}">' in html
    (tmp_path / "pdf" / name).unlink()                      # a PDF removed again: hidden again
    assert link_pdfs(tmp_path) == 1 and "href=\"../pdf/" not in page.read_text(encoding="utf-8")


def test_growth_rates_say_their_price_basis():
    from planeval.report import tables

    def latest(basis, *values):
        rep = report_for(reg(target_form="growth", basis=basis, target_value=5, target_text="5", annual_growth_value=5,
                             annual_growth_kind="rate_pct", name_zh="产出增长"), obs(*values))
        return tables.latest_text(rep, rep.results.iloc[0])

    assert latest("real", (2021, 6.0), (2022, 5.5), (2023, 5.2)) == "实际增长5.2%（2023年）"
    assert latest("nominal", (2023, -1.5)) == "名义下降1.5%（2023年）"
    assert latest(None, (2023, 5.2)) == "5.2%（2023年）"          # a target that states no basis: the bare rate


def test_front_page_does_not_count_zero_projects():
    from planeval.report import glue

    rep = report_for(*_mixed())
    assert glue.index_numbers(rep)["evaluated"] == "4项量化目标"       # no projects registered: not "和0项"


def test_a_problem_to_verify_says_why():
    rep = report_for(reg(baseline_value=2.5, target_value=3.6, target_text="3.6", name_zh="甲"),
                     obs((2023, 3.0), scope="未注明"))
    line = plain(problems.problems_markdown(rep)).split("\n")[0]
    assert line.endswith("而此前实际每年提高0.17个百分点（结论待核实：数据未注明统计口径，未确认为全区）。")


# ---------------------------------------------------------------- session 6 page review (four books)
def test_judgement_counts_every_verdict_split_into_checked_and_to_verify():
    """SYNTHETIC: 5 main targets; 乙 met (20→21), 丙 binding 10→20 at 12 (滞后), 戊 judged on a value of unstated
    scope (待核实), 丁 and 己 without data. 2 checked of 5 = 40 % < 50 %: no overall judgement; the sentence counts the
    3 verdicts as 2 checked + 1 to verify (the old text said "只有2项有数据可以评估" beside 3 verdicts)."""
    registry, observations = _mixed()
    registry = pd.concat([registry[registry["id"] != "a"],
                          reg(baseline_value=10, target_value=20, target_text="20", name_zh="戊").assign(id="e"),
                          reg(baseline_value=10, target_value=20, target_text="20", name_zh="己").assign(id="f")])
    observations = pd.concat([observations[observations["indicator_id"] != "a"],
                              obs((2023, 19), indicator_id="e", scope="未注明")])
    rep = report_for(registry, observations)
    assert plain(prose.judgement_sentence(rep)) == (
        "**总体判断。** 5项主要指标中，3项有数据可以评估，其中2项已核实、1项待核实（结论仅依据口径未确认或非官方来源的数据，"
        "未计入总体判断）。已核实的2项只占主要指标的40%，现有数据不足以对规划实施的总体进展作出判断；已核实的2项中，"
        "1项达到或基本达到预期进度（提前实现、快于预期、符合或基本符合预期），1项滞后。")


def test_a_first_year_edition_without_data_projects_or_responsibility_table_says_only_what_holds():
    """SYNTHETIC: the plan's first year (2021), two targets with only a 2020 value, no projects, no responsibility
    table, no compiler or date in plan.yml (the 十五五 first monitoring report's case)."""
    registry = pd.concat([reg(baseline_value=2.5, target_value=3.6, target_text="3.6", name_zh="甲").assign(id="a"),
                          reg(baseline_value=10, target_value=20, target_text="20", name_zh="乙").assign(id="b")])
    rep = report_for(registry, pd.concat([obs((2020, 2.5), indicator_id="a"), obs((2020, 10), indicator_id="b")]),
                     eval_year=2021)
    # both targets lack data: 均 (the old text said 多数指标缺少公开数据)
    assert prose.achievements_markdown(rep) == ("本版尚无可以确认达到或符合预期进度的量化目标：规划期内（2021年）尚无数据，"
                                                "2项量化目标均待数据发布后评估（见各章）。")
    # one problem, one recommendation: no guide to an order; no 责任分工表 to cite
    assert problems.problems_markdown(rep).count("\n") == 0 and problems.problems_intro(rep) == ""
    assert problems.recommendations_markdown(rep).count("\n") == 0 and problems.recommendations_intro(rep) == ""
    assert problems.adjustments_markdown(rep) == "规划期内（2021年）尚无数据，本版不提出规划调整建议。"
    from planeval.report import projects
    assert projects.summary_markdown(rep) == "本版未收录这部规划列出的重大工程项目和重点任务，不评估其进展。"
    assert projects.where_listed(rep) == ""         # no pointer to project lists that do not exist
    # no compiler, no date: said in a reader's words; the date is bounded by the latest source used
    assert "- **编制单位和日期**：编制单位：未注明；编制日期：未注明。" in plain(evaluation.work_markdown(rep))
    rep.ds.sources["publication_date"] = ["2021-03-13", "2021-03-12"]
    assert ("- **编制单位和日期**：编制单位：未注明；编制日期：不早于2021年3月13日（所用来源的最晚发布日期）。"
            in plain(evaluation.work_markdown(rep)))


def test_intros_name_only_the_groups_that_follow():
    rep = report_for(*_mixed())       # 丙 and 甲 behind, 乙 met early, 丁 without data; no projects, no 责任分工表
    assert problems.problems_intro(rep) == ("按问题的轻重排列：先列进度落后的目标（约束性指标在前）及其完成进度、时间进度和"
                                            "此后所需的速度，再列已达到规划目标的目标和数据缺口。")
    assert problems.recommendations_intro(rep) == "逐一对应上述问题：涉及的目标和此后所需的速度。"
    _with(rep, responsibility=[{"indicator_id": "c", "department": "SYNTHETIC局", "assignment": "confirmed"}])
    assert problems.recommendations_intro(rep) == "逐一对应上述问题：涉及的目标、责任单位（来自责任分工表）和此后所需的速度。"


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _bare_dates(html: str) -> list[str]:
    """Dates in the reader's text not kept whole: neither in a figure span nor a figure cell (addresses skipped)."""
    text = re.sub(r'<span class="figure">[^<]*</span>', "", html)
    text = re.sub(r'<td class="figure"[^>]*>[^<]*</td>', "", text)
    text = re.sub(r"<[^>]+>", "", text)                # tags and their attributes (an address may hold a date)
    return _DATE.findall(text)


def test_every_date_in_claims_rule_history_and_validation_is_kept_on_one_line():
    from planeval import paths as p
    from planeval.report import methodology, validation

    national = open_report("national-14th", 2023)
    claims = evaluation.claims_html(national)
    assert "（<span class=\"figure\">2023-12-26</span>）" in claims      # the NDRC statement's source date
    assert _bare_dates(claims) == []
    assert _bare_dates(validation.all_tables(national)) == []
    assert _bare_dates(methodology.rule_changes_html(open_report("yinzhou-14th", 2023))) == []
    # the figure span is kept whole in running text too, not only in a table cell (report.css)
    css = (p.ROOT / "book" / "_static" / "report.css").read_text(encoding="utf-8")
    assert re.search(r"(^|\n)span\.figure \{ white-space: nowrap; \}", css)


def _six_without_data():
    """SYNTHETIC: 乙 met (20→21) and six targets 子…巳 without any value."""
    registry, observations = _mixed()
    names = ["子", "丑", "寅", "卯", "辰", "巳"]
    registry = pd.concat([registry[registry["id"] == "b"]] + [
        reg(baseline_value=10, target_value=20, target_text="20", name_zh=n).assign(id=f"g{k}", source_ref=f"SYN{k}") for k, n in enumerate(names)])
    return report_for(registry, observations[observations["indicator_id"] == "b"]), names


def test_a_long_data_gap_list_folds_behind_its_count():
    rep, names = _six_without_data()
    lines = problems.problems_markdown(rep).split("\n")
    # 6 of 7 = 86 %; more than five names: the bullet keeps the count, the names fold behind it
    assert plain(lines[-2]) == ("- **统计数据不足，部分目标无法评估**：6项主要指标（占86%）缺少2021年以来可用于评估的数据（逐项见下）。")
    assert lines[-1].startswith('  <details class="fold"><summary>缺少数据的6项主要指标</summary><p>')
    assert plain(lines[-1]).endswith("<p>" + "、".join(names) + "。</p></details>")
    rec = problems.recommendations_markdown(rep).split("\n")       # no 责任分工表: no department named
    assert plain(rec[-2]) == "- **补齐统计数据**：请有关部门按年报送缺少数据的6项主要指标，注明口径和来源（逐项见下）。"
    assert rec[-1] == lines[-1]
    _with(rep, responsibility=[{"indicator_id": f"g{k}", "department": "SYNTHETIC甲局" if k < 4 else "SYNTHETIC乙局",
                                "assignment": "confirmed"} for k in range(6)])
    rec = problems.recommendations_markdown(rep).split("\n")
    assert plain(rec[-2]) == "- **补齐统计数据**：请2个单位按年报送缺少数据的6项主要指标，注明口径和来源（按单位见下）。"
    assert rec[-1].startswith('  <details class="fold"><summary>按责任单位列出的6项主要指标（2个单位）</summary>')
    cells = re.findall(r"<td[^>]*>(.*?)</td>", plain(rec[-1]))
    assert cells == ["SYNTHETIC甲局", "4", "子、丑、寅、卯", "SYNTHETIC乙局", "2", "辰、巳"]


def test_each_rule_version_folds_behind_its_heading_and_one_line():
    """规则的变更及其依据 (every book): the heading (第N版（day）, a PDF bookmark) stays visible; the detail folds
    behind one line on what changed (rule_history.yml `summary`)."""
    from planeval.report import methodology

    html = methodology.rule_changes_html(open_report("yinzhou-14th", 2023))
    blocks = html.split("\n")
    assert [re.match(r"<h3>(.*?)</h3>", b).group(1) for b in blocks] == [
        '第3版（<span class="figure">2026-12-05</span>）', '第2版（<span class="figure">2026-11-29</span>）',
        '第1版（<span class="figure">2026-11-28</span>）']
    summaries = [re.search(r'</h3><details class="fold"><summary>(.*?)</summary>', b).group(1) for b in blocks]
    assert summaries == ["变化：各年度视情提出的目标按规划期综合平衡；约束性指标不再改判“滞后”；须每年保持的目标更换依据",
                         "变化：须每年保持的目标，期中由“提前实现”改为“符合预期”",
                         "变化：最初的规则：须每年保持的目标各年满足即“提前实现”，约束性指标需加力按“滞后”报告"]
    assert all(b.endswith("</details>") for b in blocks)        # everything after the line is folded


def test_a_plans_first_year_is_one_year_not_a_span_from_it_to_itself():
    """SYNTHETIC plan folder, first edition with data (2026): 合成能耗强度降低 2026 = 3 % (one year of a cumulative
    reduction): "2026年累计降低3%", never "2026—2026年累计降低3%"."""
    rep = open_report(FIXTURE, 2026)
    text = plain(prose.achievements_markdown(rep))
    assert "合成能耗强度降低2026年累计降低3%，" in text and "2026—2026年" not in text


def test_findings_intros_and_lists_fit_what_follows_on_real_rows():
    """The 与官方表述对照 intro says nothing of statements without named targets (the national 2023 book has
    none); the computed sentence says it where there are some. The per-domain project counts of the district (5
    domains: five cards of six lines on a phone) fold behind their count; the sentence above keeps the totals."""
    import json
    from planeval.report import projects

    template = json.loads((paths.ROOT / "notebooks" / "findings.ipynb").read_text(encoding="utf-8"))
    said = "".join("".join(c["source"]) for c in template["cells"] if c["cell_type"] == "markdown")
    assert "未列明具体指标" not in said
    assert "未列明具体指标" not in evaluation.claims_html(open_report("national-14th", 2023))
    assert "1条表述未列明具体指标，只比较数量。" in evaluation.claims_html(open_report("yinzhou-14th", 2025))
    counts = projects.chapter_counts_table(open_report("yinzhou-14th", 2023))
    assert counts.startswith('<details class="fold"><summary>按领域列出的项目数（5个领域）</summary>')


def test_methodology_comparability_rules_are_a_numbered_list_in_reader_words():
    from planeval.report import methodology

    text = methodology.section(open_report("yinzhou-14th", 2023), "data")
    items = re.findall(r"^(\d)\. \*\*(.+?)\*\*：", text, re.M)
    assert items == [("1", "发布版本"), ("2", "口径变化"), ("3", "证据须点名"), ("4", "来源分级"), ("5", "结论与展望一致"),
                     ("6", "下限值")]
    assert "规划文件夹" not in text and "（1）" not in text
