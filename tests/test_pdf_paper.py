"""What a page becomes on paper (planeval.book.paper), printed by the PDF build's own printer (pdf.print_pdf) from a
small SYNTHETIC page laid out as Jupyter Book's singlehtml lays out the book (sections, a page's code output in
cells) with the site's stylesheet, and read back with poppler: web-only hints and the 下载 section gone (its sentence
for paper kept), addresses printed whole and broken only where an address may break, code-written headings nested
under their section in the bookmarks, a header over numbers aligned with them. Every value checked is written in
this file's page. Needs chromium and poppler (marked slow, like the other browser tests)."""
import re
import subprocess

import pytest

from planeval import paths
from planeval.book import pdf as pdfbook
from planeval.report.fmt import html_table

pytestmark = pytest.mark.slow

LONG_URL = ("http://www.example.gov.cn/art/2024/7/31/art_1229244062_4501630_synthetic-report-of-the-district-"
            "statistics-bureau.html?id=12&lang=zh-CN#section-three-SYNTHETIC")
ENCODED_URL = "https://example.org/wiki/%E5%90%88%E6%88%90%E5%B8%82_SYNTHETIC"
FIGURE = "258.8亿元"
NO_NEWS = "暂无公开信息"
# captions of three lines or more: a page break must not fall inside them either
PACE_CAPTION = "完成进度与时间进度：合成条形图的说明，条形为完成进度，刻度为时间进度（SYNTHETIC）。" * 3
CHART_CAPTION = "每张图中，合成路径为虚线，实线为合成实际值，菱形为合成目标（SYNTHETIC）。" * 2
# a drawn chart as the page holds it once vega has drawn (the printer waits for svg.marks)
CHART = ('<div class="vega-chart"><svg class="marks" width="600" height="320" viewBox="0 0 600 320">'
         '<rect x="10" y="10" width="580" height="300" fill="#ddeeff"/><text x="20" y="40">合成图（SYNTHETIC）</text>'
         '</svg></div>')
WEB_HINT = "点击或将鼠标停在点上，可查看数值（SYNTHETIC）。"
PAPER_NOTE = "评估结果可从本报告的网页版下载（SYNTHETIC）。"
TITLE, HEADER = "合成报告（SYNTHETIC）", "评估数据截至2028年"
INTRO = "本章使用的每一个数值："
# a page filled but for this much: room for the section's heading and its introducing sentence, not for the table
FILLER_GAP_PX = 100


def cell(html: str) -> str:
    return f'<div class="cell"><div class="cell_output"><div class="output text_html">{html}</div></div></div>'


def page_html() -> str:
    sources = html_table(
        [{"name": "合成指标甲", "year": "2023", "value": FIGURE, "scope": "全市", "quote": "合成原文（SYNTHETIC）。",
          "source": f'<a href="{LONG_URL}">合成市统计公报（SYNTHETIC）</a>'},
         {"name": "合成指标乙", "year": "2022", "value": "7%", "scope": "全市", "quote": "合成原文。",
          "source": f'<a href="{ENCODED_URL}">合成百科（SYNTHETIC）</a>'}],
        [("name", "指标"), ("year", "年份"), ("value", "数值"), ("scope", "口径"), ("quote", "原文"), ("source", "来源")],
        numeric={"value"}, raw={"source"}, css="report-table source-table", key="name")
    projects = html_table(
        [{"name": "合成工程（SYNTHETIC）", "progress": NO_NEWS, "promise": "建成合成设施，" * 12, "evidence": ""}],
        [("name", "项目（规划出处）"), ("progress", "进展"), ("promise", "规划要求"), ("evidence", "依据")],
        key="name", css="report-table project-table")
    css = (paths.ROOT / "book" / "_static" / "report.css").as_uri()
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="stylesheet" href="{css}">
<title>合成报告</title></head><body><div class="bd-page-width"><main class="bd-main"><div class="bd-content">
<article class="bd-article" role="main">
<section id="front"><h1>合成报告（SYNTHETIC）</h1>
 <section id="read"><h2>阅读说明</h2><p>合成阅读说明（SYNTHETIC）。</p></section>
 <section id="dl"><h2>下载</h2>{cell('<ul class="downloads"><li><a href="../data/x.csv">CSV</a></li></ul>'
                                   f'<p class="print-only">{PAPER_NOTE}</p>')}</section>
 <section id="ch1"><h2><span class="section-number">1. </span>合成章</h2>
  <p>每张图中，红色菱形为目标。<span class="web-only">{WEB_HINT}</span></p>
  <section id="rules"><h3><span class="section-number">1.1. </span>规则的变更</h3>
   {cell('<h3>第2版（2026-01-02）</h3><p>变化：合成（SYNTHETIC）。</p><h3>第1版（2026-01-01）</h3><p>合成。</p>')}
  </section>
  <div style="break-before: page; height: {pdfbook.TEXT_HEIGHT_PX - FILLER_GAP_PX}px"></div>
  <section id="src"><h3><span class="section-number">1.2. </span>数据来源</h3>
   <p>{INTRO}</p>
   {cell(sources)}
   {cell(projects)}
  </section>
 </section>
 <section id="ch2"><h2><span class="section-number">2. </span>合成图表章</h2>
  <div style="height: {pdfbook.TEXT_HEIGHT_PX - FILLER_GAP_PX - 60}px"></div>
  <div class="cell"><div class="cell_output"><p>{PACE_CAPTION}</p><div class="output text_html">{CHART}</div></div></div>
  <div style="break-before: page; height: {pdfbook.TEXT_HEIGHT_PX - FILLER_GAP_PX - 10}px"></div>
  <section id="paths"><h3><span class="section-number">2.1. </span>实际值与规划路径</h3>
   <div class="cell"><div class="cell_output"><p>{CHART_CAPTION}</p></div></div>
   {cell(CHART)}
  </section>
 </section>
</section></article></div></main></div></body></html>"""


def outline_tree(pdf) -> list[tuple[int, str]]:
    """Every bookmark as (depth, title), in order."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    depth, items = 0, []
    for m in re.finditer(r'<(/?)outline>|<item page="\d+">([^<]*)', xml):
        if m.group(2) is not None:
            items.append((depth, " ".join(m.group(2).split())))
        else:
            depth += -1 if m.group(1) else 1
    return items


@pytest.fixture(scope="module")
def printed(tmp_path_factory, chromium_path):
    folder = tmp_path_factory.mktemp("paper")
    (folder / "print.html").write_text(page_html(), encoding="utf-8")
    pdf = folder / "synthetic.pdf"
    pdfbook.print_pdf(folder / "print.html", pdf, TITLE, ["合成封面（SYNTHETIC）"], HEADER)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return {"pdf": pdf, "text": text, "bbox": bbox, "outline": outline_tree(pdf)}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_web_only_hints_and_the_download_section_are_not_printed(printed):
    flat = squash(printed["text"])
    assert squash(WEB_HINT) not in flat and "点击" not in flat
    assert "每张图中，红色菱形为目标。" in flat                      # the sentence around the hint stays
    titles = [t for _, t in printed["outline"]]
    assert "下载" not in titles and "CSV" not in flat
    # the sentence for paper is kept, at the end of the section before (阅读说明)
    assert squash("合成阅读说明（SYNTHETIC）。" + PAPER_NOTE) in flat
    contents = printed["text"].split("\f")[1]
    assert "阅读说明" in contents and "下载" not in contents


def url_lines(text: str, start: str) -> list[str]:
    """The lines the printed address starting with ``start`` runs over (between its brackets)."""
    i = text.index("（" + start)
    return text[i + 1:text.index("）", i)].split("\n")


@pytest.mark.parametrize("url", [LONG_URL, "https://example.org/wiki/合成市_SYNTHETIC"])
def test_an_address_is_printed_whole_and_broken_only_where_an_address_may_break(printed, url):
    lines = url_lines(printed["text"], url[:12])
    for line, following in zip(lines, lines[1:]):   # (chromium may also break after "?" or "-": not mid-word)
        assert not (line[-1:].isalnum() and following[:1].isalnum()), f"broken mid-word: «{line}» | «{following}»"
    assert "".join(lines) == url                         # whole, and percent-encoding decoded
    if url == LONG_URL:
        assert len(lines) > 1, "the long address was expected to run over more than one line"


def words(bbox: str, text: str) -> list[tuple[float, float]]:
    return [(float(x0), float(x1)) for x0, x1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)
            if w == text]


def test_a_header_over_numbers_is_aligned_with_them(printed):
    (_, head_right), = words(printed["bbox"], "数值")
    (_, value_right), = words(printed["bbox"], FIGURE)
    assert abs(head_right - value_right) < 1.5, f"header ends at {head_right:.1f} pt, the figure at {value_right:.1f}"


def test_headings_written_by_a_page_nest_under_their_section(printed):
    tree = printed["outline"]
    section = next(d for d, t in tree if t.endswith("规则的变更"))
    versions = [d for d, t in tree if t.startswith(("第2版", "第1版"))]
    assert versions == [section + 1, section + 1], tree


def test_an_introducing_sentence_stays_with_its_table(printed):
    """The page before the source table is full but for room for its heading and introducing sentence: both go
    to the next page with the table, not left at the foot of a page (seen as «6.7. 数据来源 本章使用的…：» ending
    a page, its table on the next)."""
    pages = [squash(p) for p in printed["text"].split("\f")]
    at = [i for i, p in enumerate(pages) if squash(INTRO) in p]
    assert len(at) == 1 and FIGURE in pages[at[0]] and "数据来源" in pages[at[0]], at
    before = pages[at[0] - 1].replace(squash(TITLE), "").replace(squash(HEADER), "")
    assert before.strip("0123456789/") == "", f"the page before was expected to hold only the filler: {before}"


def test_a_projects_progress_is_not_squeezed_by_a_long_requirement(printed):
    """«暂无公开信息» beside a requirement running over several lines is printed on one line, not «暂无公开 / 信息»."""
    lines = printed["text"].splitlines()
    assert any(NO_NEWS in ln for ln in lines), [ln for ln in lines if ln.startswith("暂无")]


@pytest.mark.parametrize("caption", [PACE_CAPTION, CHART_CAPTION], ids=["in the chart's cell", "before the chart"])
def test_a_charts_caption_stays_with_the_chart(printed, caption):
    """A caption left room at the foot of a page goes to the next page with its chart (seen: «完成进度与时间进度。
    条形为完成进度…» ending a page, its chart on the next), whether written in the chart's cell or before it."""
    pages = [squash(p) for p in printed["text"].split("\f")]
    at = [i for i, p in enumerate(pages) if squash(caption) in p]
    assert len(at) == 1 and "合成图（SYNTHETIC）" in pages[at[0]], [p[:40] for p in pages]
