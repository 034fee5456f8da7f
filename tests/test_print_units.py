"""The PDF edition's parts that need no browser: the online edition's address (plan.yml site_url, optional) on
the cover and in the note on downloads, nothing when the plan gives none, a bad address refused with one clear
message, and the running header's text made safe for a CSS string. SYNTHETIC plan folders only."""
import datetime as dt
import shutil

import pytest
from conftest import SYNTHETIC_PLAN

from planeval.book import pdf as pdfbook
from planeval.config import load_plan
from planeval.data.schema import DataError
from planeval.report.context import open_report
from planeval.report.tables import downloads_html

BUILT = dt.date(2026, 1, 2)


def plan_copy(tmp_path, extra: str = ""):
    folder = tmp_path / "synthetic-15th"
    shutil.copytree(SYNTHETIC_PLAN, folder)
    if extra:
        with open(folder / "plan.yml", "a", encoding="utf-8") as f:
            f.write(extra)
    return folder


def test_site_url_is_on_the_cover_and_in_the_print_note(tmp_path):
    folder = plan_copy(tmp_path, "\nsite_url: https://example.org/synthetic-report/\n")
    plan = load_plan(folder)
    assert plan.site_url == "https://example.org/synthetic-report/"
    rep = open_report(str(folder), plan.default_edition)
    assert pdfbook.cover_lines(rep, BUILT)[-1] == "网页版：https://example.org/synthetic-report/"
    assert "网页版（https://example.org/synthetic-report/）下载" in downloads_html(rep)


def test_without_site_url_nothing_is_said(tmp_path):
    folder = plan_copy(tmp_path)
    plan = load_plan(folder)
    assert plan.site_url == ""
    rep = open_report(str(folder), plan.default_edition)
    lines = pdfbook.cover_lines(rep, BUILT)
    assert lines[-1] == "生成日期：2026年1月2日" and not any("网页版" in ln or "http" in ln for ln in lines)
    assert "网页版下载" in downloads_html(rep) and "（http" not in downloads_html(rep)


@pytest.mark.parametrize("bad", ["example.org/report", "javascript:alert(1)", "https://", "ftp://example.org/x"])
def test_a_bad_site_url_is_refused_with_the_file_and_key(tmp_path, bad):
    folder = plan_copy(tmp_path, f"\nsite_url: '{bad}'\n")
    with pytest.raises(DataError) as info:
        load_plan(folder)
    assert info.value.column == "site_url" and "https://" in info.value.expected and "plan.yml" in str(info.value)


def test_running_header_text_is_a_safe_css_string():
    assert pdfbook.css_string('甲"乙\\丙\n丁') == '甲\\"乙\\\\丙 丁'
    css = pdfbook.PRINT_CSS % {"top": 1, "right": 1, "bottom": 1, "left": 1, "cover": 1,
                               "header_left": pdfbook.css_string('报告"} body {display:none'), "header_right": "x"}
    assert 'content: "报告\\"} body {display:none"' in css   # the quote is escaped: the rule cannot be closed


def test_running_header_right_names_the_data_year(tmp_path):
    folder = plan_copy(tmp_path)
    rep = open_report(str(folder), load_plan(folder).default_edition)
    assert pdfbook.running_header(rep) == f"评估数据截至{rep.eval_year}年"


def test_the_cover_of_a_retrospective_edition_says_what_it_is(tmp_path):
    """An edition compiled years after its data year (the mid-term edition of 2028 compiled in 2031) says on its
    cover that it is a retrospective edition, on what data, when compiled, and that it is not the report published
    at the time; an edition compiled the year after its data year says nothing of the kind."""
    late = plan_copy(tmp_path / "late", "\ncompiler: 合成编制组（SYNTHETIC）\ncompiled: 2031-06-01\n")
    rep = open_report(str(late), 2028)
    lines = pdfbook.cover_lines(rep, BUILT)
    assert "编制单位：合成编制组（SYNTHETIC）" in lines
    assert lines[-1] == (f"本版为回溯编制的{rep.edition_name}：只使用截至2028年的数据，编制于2031年6月1日，"
                         "不是当时实际编制发布的评估报告")
    timely = plan_copy(tmp_path / "timely", "\ncompiled: 2029-03-01\n")
    assert not any("回溯" in ln for ln in pdfbook.cover_lines(open_report(str(timely), 2028), BUILT))


def test_the_list_of_cards_gives_paper_its_own_words(tmp_path):
    """The 指标卡 page: "点击…" only inside the web-only words (left out on paper, planeval.book.paper); paper is told
    where the cards are, with the online edition's address when plan.yml gives one. SYNTHETIC report."""
    import dataclasses
    import re

    from synthetic import PLAN, obs, reg, report_for

    from planeval.report import targetpage

    for url in ("", "https://example.org/synthetic-report/"):
        rep = report_for(reg(baseline_value=1, target_value=2), obs((2022, 1.5)), plan=dataclasses.replace(PLAN, site_url=url))
        page = targetpage.render(rep)["targets.md"]
        web = re.findall(r'<span class="web-only">(.*?)</span>', page)
        paper = re.findall(r'<span class="print-only">(.*?)</span>', page)
        assert len(web) == 1 and web[0].startswith("点击指标名称打开指标卡")
        assert "点击" not in re.sub(r'<span class="web-only">.*?</span>', "", page)
        paper = [re.sub(r"\\(.)", r"\1", p) for p in paper]     # Markdown escapes, as the page renders them
        assert paper == [f"本打印版各表在指标名称后注明的“指标卡N”即下列第N项；指标卡全文见本报告网页版"
                         f"{f'（{url}）' if url else ''}。"]


def test_make_pdf_says_when_paper_can_name_no_online_address(tmp_path):
    bare = load_plan(plan_copy(tmp_path / "bare"))
    assert pdfbook.address_note(bare) == (f"  note: {bare.folder / 'plan.yml'} gives no site_url: the PDF cannot name "
                                          "the online edition's address (cover, 阅读说明); add it when the site is published")
    assert pdfbook.address_note(load_plan(plan_copy(tmp_path / "url", "\nsite_url: https://example.org/r/\n"))) == ""
