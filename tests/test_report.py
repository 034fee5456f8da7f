"""The presentation layer (tables, sentences, methodology, glue numbers) on SYNTHETIC in-memory plans, with the
expected text computed by hand; and the committed book checked for words a reader must never see."""
import json
import re

import nbformat
import pandas as pd
import pytest

from planeval import paths
from planeval.report import glue, methodology, problems, prose, tables
from planeval.report.fmt import md, number, pp_change, script_json
from synthetic import obs, reg, report_for

LEVEL = dict(baseline_value=2.5, target_value=3.6, target_text="3.6", name_zh="研发强度", unit="%")


def rows_of(html: str) -> list[list[str]]:
    """The text of every body cell, row by row (tags removed)."""
    body = re.split(r"<tbody[^>]*>", html)[1].split("</tbody>")[0]
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]


def headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)


# ---------------------------------------------------------------- numbers
@pytest.mark.parametrize("value, text", [(2803.3, "2803.3"), (2266.1, "2266.1"), (3.02, "3.02"), (5.0, "5"),
                                         (2428.0255, "2428"), (0.0049, "0.0049"), (12345.6, "12,345.6"),
                                         (4.2794, "4.28")])
def test_numbers_print_at_report_precision(value, text):
    assert number(value) == text


def test_percentage_point_changes_are_said_in_words():
    assert pp_change(1.5) == "提高1.5个百分点" and pp_change(-0.25) == "下降0.2个百分点" and pp_change(0.01) == "持平"


# ---------------------------------------------------------------- status tables
def test_status_table_by_hand():
    # 2.5 → 3.6, 2023 = 3.0: p = 45 %, τ = 60 %; needs acceleration; outlook unlikely (see test_engine)
    rep = report_for(reg(**LEVEL), obs((2022, 2.8), (2023, 3.0)))
    html = tables.status_table(rep, rep.main)
    assert headers(html) == ["指标", "评估结论", "最新值（年份）", "2025年展望", "规划目标", "基期值", "完成进度", "时间进度"]
    assert rows_of(html) == [["研发强度（%）", "基本符合预期（需加力）", "3%（2023年）", "完成难度大", "3.6%",
                              "2.5%（2020年）", "45%", "60%"]]


def test_final_edition_table_has_no_outlook_or_pace_and_says_完成():
    rep = report_for(reg(**LEVEL), obs((2025, 3.7)), eval_year=2025)
    html = tables.status_table(rep, rep.main)
    assert headers(html) == ["指标", "评估结论", "最新值（年份）", "规划目标", "基期值"]
    assert rows_of(html)[0][1] == "完成"


def test_notes_become_marks_under_the_table():
    o = obs((2023, 3.0), scope="区本级")
    rep = report_for(reg(**LEVEL), o)
    html = tables.status_table(rep, rep.main)
    assert rows_of(html)[0][0] == "研发强度（%）①"
    notes = re.findall(r"<li[^>]*>(.*?)</li>", html)
    assert [re.sub(r"<[^>]+>", "", n) for n in notes] == ["①⚠ 口径：只有区本级（SYNTHETIC）口径的数据，与规划目标的全区口径不同，不作评分"]


def test_stale_data_is_said_in_the_verdict_and_the_outlook():
    rep = report_for(reg(**LEVEL), obs((2021, 2.8)), eval_year=2024)
    row = rows_of(tables.status_table(rep, rep.main))[0]
    assert row[1].endswith("最新数据为2021年") and row[3].endswith("（依据2021年数据）")


def test_a_verdict_shows_its_sentence_where_the_value_would_be():
    q = "节能减排指标完成上级下达任务。"
    rep = report_for(reg(target_form="city_assigned", direction="none", baseline_year=None, name_zh="能耗降幅"),
                     obs((2023, None), verdict="met", quote=q, source_id="plan_report"))
    html = tables.status_table(rep, rep.main)
    assert rows_of(html)[0][2] == f"2023年：“{q[:-1]}”"      # the quotation without its own full stop
    assert "2023年结论的来源：SYNTHETIC来源plan_report" in html and "暂无" not in rows_of(html)[0][2]


def test_data_text_is_escaped_in_tables():
    rep = report_for(reg(**{**LEVEL, "name_zh": "<img src=x onerror=alert(1)>"}), obs((2023, 3.0)))
    html = tables.status_table(rep, rep.main)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_links_are_only_http():
    assert tables.link("x", "javascript:alert(1)") == "x"
    assert tables.link("<b>", "https://a.b/?q=1&r=2") == '<a href="https://a.b/?q=1&amp;r=2" rel="noopener noreferrer">&lt;b&gt;</a>'


# ---------------------------------------------------------------- escaping for Markdown and scripts
@pytest.mark.parametrize("text", ["**加粗**", "---", "# 标题", "```\ncode\n```", "{glue:text}`x`", "[链接](http://a)",
                                  "<script>alert(1)</script>", "$x$", "| a | b |"])
def test_markdown_escape_leaves_no_markup(text):
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(md(text))
    assert re.sub(r"<[^>]+>", "", rendered).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') \
        .replace("&amp;", "&").strip() == " ".join(text.split())
    assert not re.search(r"<(strong|em|h\d|hr|code|pre|a|script|table)\b", rendered)


def test_script_json_cannot_close_its_script_block():
    text = script_json({"note": "</script><script>alert(1)</script><!--", "line": "\u2028"})
    assert "</script" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"note": "</script><script>alert(1)</script><!--", "line": "\u2028"}


# ---------------------------------------------------------------- sentences
def _mixed_plan():
    registry = pd.concat([
        reg(**LEVEL).assign(id="a", name_zh="甲"),                                       # needs acceleration
        reg(baseline_value=10, target_value=20, name_zh="乙").assign(id="b"),            # achieved
        reg(baseline_value=10, target_value=20, attribute="约束性", name_zh="丙").assign(id="c"),   # lagging
        reg(baseline_value=10, target_value=20, name_zh="丁").assign(id="d"),            # no data
    ])
    observations = pd.concat([obs((2023, 3.0), indicator_id="a"), obs((2023, 21), indicator_id="b"),
                              obs((2023, 12), indicator_id="c")])
    return registry, observations


def test_class_counts_sentence_by_hand():
    registry, observations = _mixed_plan()
    rep = report_for(registry, observations)
    # the class holding 符合预期 and 基本符合预期（需加力） is named for both (labels.yml ndrc_class.on_track)
    assert prose.class_counts_sentence(rep, rep.main) == "1项提前实现、1项符合或基本符合预期、1项滞后；另有1项暂无法评估"
    final = report_for(registry, observations, eval_year=2025)
    assert prose.class_counts_sentence(final, final.main) == "1项完成、0项未完成；另有3项暂无法评估"


def test_judgement_sentence_by_hand():
    registry, observations = _mixed_plan()
    rep = report_for(registry, observations)
    # 3 of 4 assessed (75 % ≥ 50 %); 1 of 3 lagging (33 %: over 20 %, not over 34 %) → 基本达到, 部分滞后
    assert prose.judgement_sentence(rep) == ("**总体判断。** 规划实施基本达到预期进度要求，但部分指标滞后：有数据可以评估的"
                                             "3项主要指标中，2项达到或基本达到预期进度（提前实现、快于预期、符合或基本符合预期），1项滞后（占33%）。")
    # 乙 lagging too: 2 of 3 (67 %) → 进度总体偏慢
    slow = report_for(registry, pd.concat([observations[observations["indicator_id"] != "b"],
                                           obs((2023, 11), indicator_id="b")]))
    assert "规划实施进度总体偏慢" in prose.judgement_sentence(slow) and "2项滞后（占67%）" in prose.judgement_sentence(slow)
    few = report_for(registry, observations[observations["indicator_id"] == "b"])
    assert "现有数据不足以对规划实施的总体进展作出判断" in prose.judgement_sentence(few)


def test_findings_list_every_class_with_latest_values():
    registry, observations = _mixed_plan()
    rep = report_for(registry, observations)
    linked = prose.chapter_findings(rep, "economy")
    # every name links to its target's card; the sentence reads the same without the tags
    assert '<a class="card-link" href="targets/b.html">乙</a>（2023年21%）' in linked
    text = re.sub(r"</?a[^>]*>", "", linked)
    assert "- **提前实现**（1项）：乙（2023年21%）。" in text
    assert "- **滞后**（1项，其中约束性指标1项）：丙（2023年12%）。" in text
    assert "- **暂无法评估**（1项）：丁。" in text


def test_problems_state_the_required_pace_by_hand():
    registry, observations = _mixed_plan()
    rep = report_for(registry, observations)
    text = problems.problems_markdown(rep).replace("\\", "")
    # 丙: 10 → 20, 2023 = 12; required (20 − 12)/2 = 4 per year, observed (12 − 10)/3 = 0.67 per year
    assert "余下2年每年须提高4个百分点，而此前实际每年提高0.67个百分点" in text
    assert "统计数据不足" in text and "丁" in text


def test_names_are_markdown_escaped_in_sentences():
    rep = report_for(reg(**{**LEVEL, "name_zh": "**R&D**"}), obs((2023, 3.8)))
    assert r"\*\*R\&D\*\*" in prose.chapter_findings(rep, "economy")


# ---------------------------------------------------------------- methodology and glue
def test_methodology_states_every_threshold_and_the_editions():
    registry, observations = _mixed_plan()
    rep = report_for(registry, observations)
    assert "2021、2022、2024年为年度监测报告；2023年为中期评估报告；2025年为总结评估报告" in methodology.editions_sentence(rep)
    text = "\n".join(methodology.section(rep, s) for s in ("data", "forms", "outlook", "audit"))
    assert not re.search(r"\{[a-z_]+\}|\$|\\frac", text)
    assert "不低于−0.5个百分点" in text and "2021年起" in text
    assert "其他口径（如区本级）的数值从不参与评分" in text                 # the SYNTHETIC plan's one other scope
    import dataclasses

    from synthetic import PLAN
    only_compatible = dataclasses.replace(PLAN, scopes=tuple(s for s in PLAN.scopes if s.compatible))
    one_scope = methodology.section(report_for(registry, observations, plan=only_compatible), "data")
    assert "其他口径的数值从不参与评分" in one_scope and "区本级" not in one_scope
    thresholds = methodology.thresholds_table()
    for value in ("1.1", "0.95", "0.6", "0.05", "0.2"):
        assert f'data-label="取值">{value}<' in thresholds
    assert not re.search(r">[a-z_]+<", thresholds)      # no parameter codes shown


def test_chapter_numbers_by_hand():
    registry, observations = _mixed_plan()
    numbers = glue.chapter_numbers(report_for(registry, observations), "economy")
    assert (numbers["n_main"], numbers["n_with_data"], numbers["n_no_data"]) == (4, 3, 1)
    assert numbers["data_year"] == "本章主要指标的最新数据年份为2023年"


# ---------------------------------------------------------------- what a reader sees in the committed book
FORBIDDEN = re.compile(
    r"\b(on_track|needs_acceleration|not_assessable|short_no_pace|achieved|reversing|lagging|pending|missed|"
    r"t[12]_\d\d|goal_[a-z_]+|ch\d+_[a-z_]+|ctx_[a-z_]+|plan_14th|secondary|official|nan|NaN|None|True|False|About|"
    r"level|geometric|linear|city_assigned|relational|qualitative)\b")


def reader_text(nb) -> str:
    """What the pages show: markdown cells and the text of code outputs, without scripts (chart data)."""
    parts = []
    for cell in nb.cells:
        if "remove-cell" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = data.get("text/html") or data.get("text/markdown") or ""
            text = re.sub(r"<script.*?</script>", "", text, flags=re.S)
            text = re.sub(r'<td[^>]*data-label="原文"[^>]*>.*?</td>', "", text, flags=re.S)   # quotes are verbatim
            parts.append(re.sub(r"<[^>]+>", " ", re.sub(r'(href|class|id|style|data-label|aria-label)="[^"]*"', "", text)))
    return "\n".join(parts)


@pytest.mark.parametrize("page", sorted(p.stem for p in paths.BOOK.glob("*.ipynb")))
def test_no_codes_ids_or_english_on_a_reader_page(page):
    text = reader_text(nbformat.read(paths.BOOK / f"{page}.ipynb", as_version=4))
    found = sorted(set(FORBIDDEN.findall(text)))
    assert found == [], f"book/{page}.ipynb shows {found}"


# ---------------------------------------------------------------- projects and the analysts' commentary
def _with_tables(rep, **frames):
    for name, rows in frames.items():
        rep.ds.extra[name] = pd.DataFrame(rows, columns=list(rep.ds.extra[name].columns))
    return rep


def test_project_progress_only_with_evidence():
    rep = report_for(reg(**LEVEL), obs((2023, 3.0)))
    _with_tables(rep,
                 projects=[{"project_id": "p01_01", "column_ref": "专栏1", "section": "第二章第一节", "chapter": "economy",
                            "name_zh": "甲医院", "category": "医疗卫生", "promise": "建成", "due_year": None,
                            "quote": "SYNTHETIC", "same_as": None, "note": None},
                           {"project_id": "p01_02", "column_ref": "专栏1", "section": "第二章第一节", "chapter": "economy",
                            "name_zh": "乙学校", "category": "教育", "promise": "新建", "due_year": 2024, "quote": "SYNTHETIC",
                            "same_as": None, "note": None}],
                 project_progress=[{"project_id": "p01_01", "year": 2022, "stage": "开工", "source_id": "syn",
                                    "quote": "甲医院开工。", "note": None},
                                   {"project_id": "p01_01", "year": 2024, "stage": "投用", "source_id": "syn",
                                    "quote": "甲医院投用。", "note": None}])
    from planeval.report import projects

    rows = rows_of(projects.progress_table(rep, "economy"))
    assert rows[0][:3] == ["甲医院（专栏1）", "2022年：开工", "建成"]     # the 2024 evidence is after the edition's year
    assert rows[1][:3] == ["乙学校（专栏1）", "暂无公开信息", "新建（2024年）"]
    assert projects.project_counts(rep) == {"n": 2, "with_evidence": 1, "stages": {"开工": 1}, "unverified": 0,
                                            "other": 0, "none": 1}


def _project(pid, name):
    return {"project_id": pid, "column_ref": "专栏1", "section": "第二章第一节", "chapter": "economy", "name_zh": name,
            "category": "其他", "promise": "建成", "due_year": None, "quote": "SYNTHETIC", "same_as": None, "note": None}


def _step(pid, year, stage, source_id, inferred=None):
    return {"project_id": pid, "year": year, "stage": stage, "source_id": source_id, "quote": f"SYNTHETIC{pid}{stage}。",
            "note": None, "inferred": inferred}


def test_doubtful_project_evidence_is_shown_as_unverified_and_never_counted():
    """A third-party page (a wiki mirror) or a match that is our reading never makes a project 建成/投用: the
    reader sees it as 待核实 beside what counting evidence says. Counts by hand: p1 开工 (its third-party 投用 is
    shown, not counted), p4 投用 (press counts); p2 (third-party only) and p3 (official page, our match) are
    待核实; p6 has only a third-party 其他; p5 nothing. So 2 with evidence, 2 unverified, 1 other, 1 none."""
    rep = report_for(reg(**LEVEL), obs((2023, 3.0)))
    rep.ds.sources = pd.concat([rep.ds.sources, pd.DataFrame(
        [{"source_id": s, "title": f"SYNTHETIC来源{s}", "publisher": "SYNTHETIC", "publication_date": None,
          "url": "https://example.org/syn", "access_date": None, "source_kind": k, "note": None}
         for s, k in (("wiki", "third_party"), ("news", "press"))])], ignore_index=True)
    _with_tables(rep,
                 projects=[_project(p, n) for p, n in (("p1", "甲路"), ("p2", "乙医院"), ("p3", "丙工程"), ("p4", "丁站"),
                                                       ("p5", "戊馆"), ("p6", "己园"))],
                 project_progress=[_step("p1", 2022, "开工", "syn"), _step("p1", 2023, "投用", "wiki"),
                                   _step("p2", 2023, "投用", "wiki"), _step("p3", 2023, "建成", "syn", "project_id"),
                                   _step("p4", 2023, "投用", "news"), _step("p6", 2023, "其他", "wiki")])
    from planeval.report import projects

    assert projects.project_counts(rep) == {"n": 6, "with_evidence": 2, "stages": {"开工": 1, "投用": 1},
                                            "unverified": 2, "other": 1, "none": 1}
    rows = {r[0]: r[1] for r in rows_of(projects.progress_table(rep, "economy"))}
    assert rows["甲路（专栏1）"] == ("2022年：开工待核实：2023年：投用（依据为第三方转载或聚合（未经核对），未计入进展）")
    assert rows["乙医院（专栏1）"] == "待核实：2023年：投用（依据为第三方转载或聚合（未经核对），未计入进展）"
    assert rows["丙工程（专栏1）"] == "待核实：2023年：建成（与规划项目的对应为本报告的判断，未计入进展）"
    assert rows["丁站（专栏1）"] == "2023年：投用" and rows["戊馆（专栏1）"] == "暂无公开信息"
    assert "待核实" in projects.summary_markdown(rep) and "2项的进展只见于第三方转载" in projects.summary_markdown(rep)


def test_changelog_keeps_old_and_new_value_in_the_first_four_columns(tmp_path):
    """A table of six or more columns shows its first four side by side and the rest as labelled lines under
    them (book/_static/report.css); an import's old and new value must be among the four."""
    import dataclasses

    from planeval.report import datapage
    from synthetic import PLAN

    rep = report_for(reg(**LEVEL), obs((2023, 3.0)), plan=dataclasses.replace(PLAN, folder=tmp_path))
    assert datapage.changelog_html(rep) == "<p>本版数据没有通过数据导入发生变化。</p>"
    (tmp_path / "changelog.csv").write_text(
        "imported_at,file,indicator_id,year,change,old_value,old_source_id,new_value,new_source_id\n"
        "2026-01-10 09:00:00,SYNTHETIC.xlsx,x,2023,revised,3.0,syn,3.1,syn\n"
        "2026-01-10 09:00:00,SYNTHETIC.xlsx,x,2024,new,,,3.25,syn\n", encoding="utf-8")
    html = datapage.changelog_html(rep)
    assert headers(html)[:4] == ["指标", "年份", "原值", "新值"]
    assert rows_of(html) == [["研发强度", "2023", "3%", "3.1%", "修订", "SYNTHETIC来源syn"],
                             ["研发强度", "2024", "—", "3.25%", "新增", "SYNTHETIC来源syn"]]


def test_commentary_is_shown_as_written_and_its_absence_is_said():
    from planeval.report import commentary

    rep = report_for(reg(**LEVEL), obs((2023, 3.0)))
    assert commentary.commentary_markdown(rep, "problem") == ""
    _with_tables(rep, commentary=[{"subject": "overall", "subject_id": None, "section_kind": "problem",
                                   "text": "SYNTHETIC：投资增速放缓**", "author": "张三", "date": "2026-11-01"},
                                  {"subject": "indicator", "subject_id": "x", "section_kind": "analysis",
                                   "text": "SYNTHETIC：研发投入集中于少数企业。", "author": "李四", "date": "2026-11-02"}])
    text = commentary.commentary_markdown(rep, "problem")
    assert "SYNTHETIC：投资增速放缓\\*\\*" in text and "张三，2026\\-11\\-01" in text
    assert "（研发强度）" in commentary.chapter_commentary(rep, "economy")


def test_a_target_moved_away_from_keeps_the_pace_chart_on_scale():
    """A negative completion share (−300 %) once pushed every bar of the overview chart out of view."""
    from planeval.report.charts import pace_frame

    rep = report_for(pd.concat([reg(**LEVEL).assign(id="a"),
                                reg(baseline_value=87, target_value=87.5, name_zh="优良天数").assign(id="b")]),
                     pd.concat([obs((2023, 3.0), indicator_id="a"), obs((2022, 85.5), indicator_id="b")]))
    frame = pace_frame(rep).set_index("name")
    assert frame.loc["优良天数", "progress"] == pytest.approx(-3.0) and frame.loc["优良天数", "shown"] == 0
    assert frame.loc["研发强度", "shown"] == pytest.approx(0.5 / 1.1)


def test_collection_status_says_how_many_assignments_are_still_proposals(plan_dir):
    """SYNTHETIC intake plan: 11 assignments; 10 for this plan's targets (t1_01 is the previous plan's), of which
    t2_09 is confirmed: 9 proposals."""
    from planeval.report import datapage
    from planeval.report.context import open_report

    html = datapage.collection_html(open_report(str(plan_dir), 2023))
    meaning = ("<p>请求的是2023年的数值。“已有2023年数值”指数据中已有该年的数值（不论来源和统计口径），不等于可以用于评估；"
               "“仍缺”的目标尚无2023年的任何数值。</p>")
    assert html.startswith(meaning + "<p>9项目标的责任单位为建议分工，尚待有关单位确认。</p>")
    assert headers(html)[:4] == ["责任单位", "请求项数", "已有2023年数值", "仍缺"]
    resp = plan_dir / "responsibility.csv"
    resp.write_text(resp.read_text(encoding="utf-8").replace(",proposed,", ",confirmed,"), encoding="utf-8")
    assert datapage.collection_html(open_report(str(plan_dir), 2023)).startswith(meaning + "<div")


@pytest.mark.parametrize("baseline_year, target_year, text", [(2020, 2025, "五年累计降低13.5%"),
                                                                (2025, 2035, "十年累计降低13.5%"),
                                                                (2020, 2035, "15年累计降低13.5%"),
                                                                (None, 2025, "规划期累计降低13.5%")])
def test_a_cumulative_reduction_target_names_its_own_span(baseline_year, target_year, text):
    from planeval.report.fmt import target_display

    row = dict(target_form="cumulative_reduction", target_value=13.5, target_text="[13.5]", unit="%",
               baseline_year=baseline_year, target_year=target_year)
    assert target_display(row) == text


@pytest.mark.parametrize("row, text", [
    (dict(target_form="growth", name_zh="全社会研发经费投入增长", target_text="—", annual_growth_text="＞7", unit="%",
          target_value=7), "年均增长7%以上"),
    (dict(target_form="cumulative_reduction", name_zh="单位GDP二氧化碳排放降低", target_text="—",
          annual_growth_text="〔17〕", unit="%", target_value=17), "累计降低17%"),
    (dict(target_form="average", name_zh="城镇调查失业率", target_text="—", annual_growth_text="＜5.5", unit="%",
          target_value=5.5), "年均低于5.5%"),
    (dict(target_form="level", name_zh="3岁以下婴幼儿入托率提高", target_text="—", annual_growth_text="〔6〕",
          unit="百分点", direction="higher"), "累计提高6个百分点"),
    (dict(target_form="growth", name_zh="研发投入增长", target_text="—", annual_growth_text="＞7、力争高于上期",
          unit="%", target_value=7), "年均增长7%以上、力争高于上期"),
])
def test_a_target_in_the_yearly_column_reads_as_the_plan_says_it(row, text):
    """issue 22 #3: the 2030 cell is — and the target sits in the 年均/累计 column (〔〕 = a five-year total)."""
    from planeval.engine.values import target_words
    from planeval.report.fmt import target_display

    assert target_display(row) == text and target_words(row) == text


def test_a_target_in_the_target_year_column_is_not_reworded():
    from planeval.report.fmt import target_display

    row = dict(target_form="level", target_text="65", annual_growth_text="—", unit="%", target_value=65)
    assert target_display(row) == "65%"
    related = dict(target_form="relational", target_text="—", annual_growth_text="与GDP增长同步", unit="%")
    assert target_display(related) == "与GDP增长同步"


@pytest.mark.parametrize("reg, text", [
    (dict(baseline_year=2024, baseline_text="21.5（2024年）", baseline_value=21.5, unit="%"), "21.5（2024年）"),
    (dict(baseline_year=2025, baseline_text="60（预计）", baseline_value=60, unit="亿元", baseline_estimate=True),
     "60（2025年，预计）"),
    (dict(baseline_year=2020, baseline_text=None, baseline_value=2.5, unit="%"), "2.5%（2020年）"),
])
def test_a_baseline_shows_its_year_once_and_says_when_it_is_an_estimate(reg, text):
    from planeval.report.tables import baseline_text

    assert baseline_text(reg) == text


# ---------------------------------------------------------------- a plan's first year (issue 22 #6, #7)
def _first_year_report():
    """SYNTHETIC: two main targets, baselines 2020, only 2020 values (before the 2021–2025 window); edition 2021."""
    from synthetic import obs, reg, report_for

    registry = pd.concat([reg(id="a", name_zh="甲", baseline_value=2.5, target_value=3.6),
                          # a second printed item (its own row in the plan's table): 2项, not 1项（2行）
                          reg(id="b", name_zh="乙", source_ref="表A-2", baseline_value=10, target_value=20)],
                         ignore_index=True)
    observations = pd.concat([obs((2020, 2.5), indicator_id="a"), obs((2020, 10.0), indicator_id="b")],
                             ignore_index=True)
    return report_for(registry, observations, eval_year=2021)


def test_a_first_year_book_says_plainly_that_no_in_period_data_exists_yet():
    rep = _first_year_report()
    judgement = prose.judgement_sentence(rep)
    assert judgement.startswith("**总体判断。** 规划期内（2021年）尚无任何主要指标的数据，本版不对实施进度作出判断。")
    assert "0项" not in judgement and "0项" not in prose.overall_markdown(rep)
    assert "数据缺口" not in prose.overall_markdown(rep)         # not a gap: the year is not published yet
    assert problems.problems_markdown(rep).startswith("- **尚无规划期内数据**：2021年的数据")
    assert "2021年的数据发布后，请各责任部门报送2项主要指标" in problems.recommendations_markdown(rep)
    assert prose.class_counts_sentence(rep, rep.main) == "2项暂无法评估"


def test_a_first_year_chapter_draws_the_start_and_the_planned_path_labelled():
    from planeval.report import charts

    rep = _first_year_report()
    drawn = charts.chapter_charts(rep, rep.main.iloc[0]["chapter"])
    assert len(drawn) == 2
    spec = drawn[0].to_dict()
    assert spec["title"]["subtitle"] == "规划期内（2021年）尚无数据：仅起点与规划路径"
    names = {v["series"] for d in spec["datasets"].values() for v in d if "series" in v}
    assert names == {"规划路径", "实际值（规划期前）"}


@pytest.mark.parametrize("args, text", [
    ((3, "专栏1", 0, 0, 3, 0, 0), "本章共有3项主要指标（规划专栏1），均暂无法评估。"),
    ((4, "表2", 3, 0, 1, 5, 2), "本章共有4项主要指标（规划表2），其中3项有数据可以评估、1项暂无法评估；另有发展目标和正文量化目标5项，其中2项有数据。"),
    ((4, "表2", 4, 0, 0, 5, 0), "本章共有4项主要指标（规划表2），均有数据可以评估；另有发展目标和正文量化目标5项，均暂无数据。"),
    ((0, "表2", 0, 0, 0, 3, 1), "本章没有主要指标；另有发展目标和正文量化目标3项，其中1项有数据。"),
])
def test_chapter_counts_name_only_groups_that_hold_a_target(args, text):
    from planeval.report.glue import counts_sentence

    assert counts_sentence(*args) == text


def test_the_unit_goes_before_about():
    from planeval.report.fmt import target_display

    assert target_display(dict(target_form="level", target_text="1.45左右", unit="万亿斤")) == "1.45万亿斤左右"


def test_a_target_stated_twice_is_one_data_gap():
    """issue 22 #7: a repeat (same_target_as) of a target without data is one gap: its row says so (reported once).
    It keeps its row, so the list counts what the chapter's conclusions count (暂无法评估 3项, not 3 and 2)."""
    registry = pd.concat([reg(id="a", name_zh="甲", baseline_value=2.5, target_value=3.6),
                          reg(id="a2", name_zh="甲（正文重述）", table="text", baseline_value=2.5, target_value=3.6,
                              same_target_as="a"),
                          reg(id="b", name_zh="乙", baseline_value=10, target_value=20)], ignore_index=True)
    rep = report_for(registry, obs((2020, 10.0), indicator_id="b"))
    html = tables.gap_table(rep, rep.current)
    rows = {r[0]: r[1] for r in rows_of(html)}
    assert rows["甲（正文重述）"] == "与“甲”为同一目标，数据一并报送；暂无2021—2023年的数据，无法评估"
    assert rows["甲"] == rows["乙"] == "暂无2021—2023年的数据，无法评估"
    assert "<summary>3项目标暂无可用于评估的数据</summary>" in html
    assert "暂无法评估**（3项）" in prose.chapter_findings(rep, "economy")


def test_a_chapter_with_some_in_period_data_draws_no_path_only_chart():
    """Path-only charts stand in for a chapter with nothing else to draw; beside a real chart they would be noise."""
    from planeval.report import charts

    registry = pd.concat([reg(id="a", name_zh="甲", baseline_value=2.5, target_value=3.6),
                          reg(id="b", name_zh="乙", baseline_value=10, target_value=20)], ignore_index=True)
    observations = pd.concat([obs((2020, 2.5), (2022, 3.0), indicator_id="a"), obs((2020, 10.0), indicator_id="b")],
                             ignore_index=True)
    rep = report_for(registry, observations, eval_year=2023)
    drawn = charts.chapter_charts(rep, "economy")
    assert [c.to_dict()["title"]["subtitle"] for c in drawn] == ["实际值与规划路径"]
