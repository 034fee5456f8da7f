"""The PDF edition, read back with poppler as a reader of the printed report would: a cover with the edition's
title and build date, a contents page whose page numbers are the pages the headings are on, bookmarks for
every chapter, the key figures of the assessment intact, page numbers, no near-empty page, and the HTML site
untouched. Expected values come from the assessment results and the plan, never typed in here."""
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from planeval import paths
from planeval.book import build, pdf as pdfbook
from planeval.report.chartdata import SERIES_ACTUAL
from planeval.report.context import open_report
from planeval.report.fmt import number, value_with_unit
from planeval.report.tables import pdf_name

pytestmark = pytest.mark.slow

EDITION = build.edition_for()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bare(text: str) -> str:
    return re.sub(r"[\s\d.“”‘’\"']+", "", text)


@pytest.fixture(scope="module")
def rep():
    return open_report(str(EDITION.plan.folder), EDITION.year)


@pytest.fixture(scope="module")
def printed(built_site, chromium_path, rep):
    """Build the PDF once (make pdf); return its path, its pages' text and its top-level bookmarks."""
    for tool in ("pdftotext", "pdftohtml", "pdfinfo"):
        assert shutil.which(tool), "poppler-utils missing: run tests/install_system_deps.sh"
    site_index = (built_site / "index.html").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "planeval.book.pdf"], cwd=paths.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (built_site / "index.html").read_bytes() == site_index, "the PDF build must not touch the HTML site"
    path = paths.BUILD / "pdf" / pdf_name(rep)
    assert path.exists(), f"the PDF is not named after the edition: {path.name} missing"
    assert (EDITION.site / "pdf" / path.name).read_bytes() == path.read_bytes(), "the site's download is not this PDF"
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return {"path": path, "pages": raw.split("\f")[:-1], "layout": layout.split("\f")[:-1],
            "outline": pdfbook.outline(path)}


def page_titles(paper: bool = True) -> list[str]:
    """The title of every page of the book but the front page (its title is the cover's): those printed on paper
    (``paper=False``: those left out of it, pages.yml `paper: false`)."""
    titles = []
    for page in [p for p in EDITION.pages[1:] if p.paper == paper]:
        if page.template is None:  # the target cards' list: Markdown written by the build
            source = (EDITION.book / f"{page.file}.md").read_text(encoding="utf-8")
        else:
            nb = nbformat.read(EDITION.book / f"{page.file}.ipynb", as_version=4)
            source = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        titles.append(re.search(r"(?m)^# (.+)$", source).group(1).strip())
    return titles


def test_cover_names_the_edition_and_the_build_date(printed, rep):
    cover = squash(printed["pages"][0])
    assert squash(rep.title) in cover                  # report_title + edition name (…中期评估报告)
    assert squash(rep.edition_name) in cover and f"数据截至{rep.eval_year}年" in cover  # title ends with the edition name
    assert re.search(r"生成日期：\d{4}年\d{1,2}月\d{1,2}日", cover)
    assert not re.search(r"\d+/\d+", cover), "the cover carries no page number"


def test_every_chapter_has_a_bookmark(printed):
    marks = [squash(t) for t, _ in printed["outline"]]
    assert marks, "the PDF has no outline (bookmarks)"
    for title in page_titles():
        assert any(m.endswith(squash(title)) for m in marks), f"no bookmark for «{title}»: {marks}"
    info = subprocess.run(["pdfinfo", str(printed["path"])], capture_output=True, text=True).stdout
    assert re.search(r"Tagged:\s+yes", info)


def test_the_maintainers_working_record_stays_off_paper(printed):
    """The 编制工作记录 (collection status, for the office) is on the site only; the printed report is the readers'."""
    left_out = page_titles(paper=False)
    assert left_out, "the default plan has a maintainers' page (it has responsibility.csv)"
    marks = [squash(t) for t, _ in printed["outline"]]
    text = squash("".join(printed["pages"]))
    for title in left_out:
        assert not any(m.endswith(squash(title)) for m in marks), f"«{title}» is bookmarked in the PDF"
    assert "已报送" not in text, "the collection status table (已报送 per department) is printed"


def test_contents_page_numbers_are_where_the_headings_are(printed):
    contents = printed["layout"][1]
    assert "目录" in contents
    entries = [(t, p) for t, p in printed["outline"] if t != "目录"]
    assert len(entries) >= len(page_titles())
    for title, page in entries:
        line = next((ln for ln in contents.splitlines() if squash(title) in squash(ln)), None)
        assert line is not None, f"«{title}» missing from the contents"
        listed = re.findall(r"(\d+)\s*$", line.replace(".", " "))
        assert listed and int(listed[0]) == page, f"contents say «{title}» is on {listed}, the bookmark says {page}"
        # (pdftotext may set a chapter number or an opening quote on a line of its own: compare the words)
        assert bare(title) in bare(printed["layout"][page - 1]), f"«{title}» not on page {page}"


def test_key_figures_are_printed_whole(printed, rep):
    """Each main indicator's latest value, as the results give it: the figure on one line, with its unit."""
    lines = [ln for p in printed["pages"] for ln in p.splitlines()]
    flat = squash("".join(printed["pages"]))
    checked = 0
    for _, r in rep.main[rep.main["latest_value"].notna()].iterrows():
        figure = number(r["latest_value"])
        pattern = re.compile(rf"(?<![\d.]){re.escape(figure)}(?![\d])")
        assert any(pattern.search(ln) for ln in lines), f"{rep.name(r['id'])}: {figure} not found whole on a line"
        unit = str(rep.ds.units.get(r["id"]) or "")
        if r["target_form"] in ("level", "city_assigned") and unit:
            assert squash(value_with_unit(r["latest_value"], unit)) in flat
        checked += 1
    assert checked, "no main indicator has a value: nothing was checked"
    broken = [ln for ln in lines if re.match(r"\s*\.\d", ln)]
    assert broken == [], f"numbers broken across lines: {broken[:5]}"


def test_pages_are_numbered_and_charts_printed(printed):
    pages = printed["pages"]
    total = len(pages)
    for i, text in enumerate(pages[1:], start=2):
        assert re.search(rf"(?m)^\s*{i}\s*/\s*{total}\s*$", text), f"page {i} has no page number"
    assert SERIES_ACTUAL in "".join(pages), "chart legends missing: charts not printed"


def chapter_pages(printed) -> list[int]:
    """The pages the numbered chapters start on (top-level bookmarks "1. …")."""
    return [page for title, page in printed["outline"] if re.match(r"\d+\.\s", title)]


def test_no_near_empty_page(printed):
    """Only the last page of a chapter (the page before the next one starts) may be short."""
    fill = pdfbook.page_fill(printed["path"])
    chapter_ends = {p - 1 for p in chapter_pages(printed)}
    sparse = [i for i, f in enumerate(fill[1:-1], start=2) if f < pdfbook.MIN_FILL and i not in chapter_ends]
    assert sparse == [], f"pages less than {pdfbook.MIN_FILL:.0%} full: {sparse} ({[round(fill[i - 1], 2) for i in sparse]})"
    last = [ln for ln in printed["pages"][-1].splitlines() if ln.strip() and not re.fullmatch(r"\s*\d+\s*/\s*\d+\s*", ln)]
    assert len(last) >= 3, f"the last page holds only {last}"


def body_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


def test_every_chapter_starts_on_a_new_page(printed):
    starts = chapter_pages(printed)
    assert len(starts) >= len([p for p in page_titles() if p]) - 1, printed["outline"]
    for title, page in printed["outline"]:
        if re.match(r"\d+\.\s", title):
            lines = body_lines(printed["layout"][page - 1])
            # the running header, then the chapter's title (pdftotext may set its number on a line of its own)
            assert bare(title) in bare("".join(lines[1:3])), f"«{title}» not at the top of p.{page}: {lines[:3]}"


def test_running_header_names_the_report_and_its_data_year(printed, rep):
    for i, text in enumerate(printed["pages"][1:], start=2):
        first = squash(body_lines(printed["layout"][i - 1])[0])
        assert squash(rep.title) in first and f"评估数据截至{rep.eval_year}年" in first, f"p.{i}: header «{first}»"


def test_bookmarks_are_unique_and_never_doubled(printed):
    """Every heading once: a heading pushed to the top of a page was written as «3.4. 3.4. 实际值与规划路径实际值与规划
    路径» (six times in the 2025 edition)."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(printed["path"])], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    items = [" ".join(t.split()) for t in re.findall(r"<item page=\"\d+\">([^<]*)", xml)]
    assert len(items) > len(printed["outline"]), "no second-level bookmarks"
    doubled = [t for t in items if re.match(r"(\d+(?:\.\d+)*\.)\s+\1", t)]
    assert doubled == [], f"doubled bookmarks: {doubled}"
    numbered = [t for t in items if re.match(r"\d", t)]
    assert len(numbered) == len(set(numbered)), f"repeated bookmarks: {[t for t in numbered if numbered.count(t) > 1]}"


def test_a_long_table_repeats_its_header_on_the_next_page(printed):
    """The project list of a chapter runs over several pages: each continuation page starts with its header row
    (项目（规划出处） 进展 规划要求 依据), under the running header."""
    head = "项目（规划出处）"
    continued = [i for i, text in enumerate(printed["layout"], start=1)
                 if head in text and "个项目（" not in text]
    if not any(head in text for text in printed["layout"]):
        pytest.skip("no project list in this edition")
    assert continued, "no page continues a project list with its header row"
    for i in continued:
        lines = body_lines(printed["layout"][i - 1])
        assert head in lines[1], f"p.{i}: the header row is not at the top: {lines[:3]}"


def test_a_status_table_over_a_page_break_repeats_its_header(printed, rep):
    """The scorecard of the front page (every main indicator) runs over pages; the desktop layout draws its rows
    as grids, which chromium cannot repeat a header of: on paper it is a table again, and a page it continues on
    starts with 指标 评估结论 最新值（年份） under the running header (a table's first page starts with its caption)."""
    if rep.final or len(rep.main) < 15:
        pytest.skip("no long status table in this edition")
    tops = [i for i, text in enumerate(printed["layout"], start=1) if len(body_lines(text)) > 2
            and all(w in body_lines(text)[1] for w in ("指标", "评估结论", "最新值（年份）"))]
    assert tops, "no page starts with a status table's repeated header row"


def test_no_web_instructions_on_paper(printed):
    """Nothing to click, hover or download on paper: no "点击…" or "鼠标" hint, no 下载 section (its sentence for
    paper, where the files are published, is kept)."""
    flat = squash("".join(printed["pages"]))
    assert not re.search("点击|鼠标|悬停", flat)
    assert "下载" not in [t for t, _ in printed["outline"]]
    assert "可从本报告的网页版" in flat


def test_headings_written_by_the_methodology_page_nest_under_their_section(printed):
    """The rule versions («第3版（…）») are bookmarks under «规则的变更及其依据», not beside it."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(printed["path"])], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    depth, tree = 0, []
    for m in re.finditer(r'<(/?)outline>|<item page="\d+">([^<]*)', xml):
        if m.group(2) is not None:
            tree.append((depth, " ".join(m.group(2).split())))
        else:
            depth += -1 if m.group(1) else 1
    sections = [d for d, t in tree if t.endswith("规则的变更及其依据")]
    versions = [d for d, t in tree if re.match(r"第\d+版（", t)]
    if not sections:
        pytest.skip("no rule changes in this edition")
    assert versions and set(versions) == {sections[0] + 1}, tree


def slack(word: str) -> float:
    """Points a word's box may pass the right margin: a full-width closing mark (”）。) ends in a blank half em
    (10.5 pt type: 5.3 pt), which Chromium lets reach past the column as CJK typesetting does; else 5 pt."""
    return 6.0 if word and word[-1] in "”’）」』】》〉，。；：！？、" else 5.0


def test_a_rule_version_heading_is_not_set_larger_than_its_section(printed):
    """On paper «第3版（…）» was printed larger and bolder than «8.7 规则的变更及其依据» it stands under."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(printed["path"])], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    size = {m.group(1): float(m.group(2)) for m in re.finditer(r'<fontspec id="(\d+)" size="([\d.]+)"', xml)}
    lines: dict = {}   # poppler writes a line in runs (第 | 3 | 版（…): join the runs of a page's line
    for n, page in enumerate(re.findall(r"<page .*?</page>", xml, re.S)):
        for top, f, t in re.findall(r'<text top="(\d+)"[^>]*font="(\d+)"[^>]*>(.*?)</text>', page):
            z, text = lines.get((n, top), (0.0, ""))
            lines[(n, top)] = (max(z, size[f]), text + re.sub(r"<[^>]+>", "", t))
    section = [z for z, t in lines.values() if t.strip().endswith("规则的变更及其依据")]
    versions = [z for z, t in lines.values() if re.match(r"\s*第\d+版（", t)]
    if not section:
        pytest.skip("no rule changes in this edition")
    assert versions and max(versions) <= max(section), (section, versions)


def test_nothing_is_printed_beyond_the_margins(printed):
    """Every word inside the text column, from poppler's word boxes (a full-width closing bracket's box runs into
    its blank half: a few points of slack)."""
    out = subprocess.run(["pdftotext", "-bbox", "-q", str(printed["path"]), "-"], capture_output=True, text=True,
                         check=True).stdout
    pt = 72 / 25.4
    outside = []
    for n, page in enumerate(re.finditer(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', out, re.S), start=1):
        left, right = pdfbook.PAGE_MARGINS_MM[3] * pt, float(page.group(1)) - pdfbook.PAGE_MARGINS_MM[1] * pt
        outside += [(n, w) for x0, x1, w in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
                                                     r'yMax="[\d.]+">([^<]*)</word>', page.group(2))
                    if float(x0) < left - 5 or float(x1) > right + slack(w)]
    assert outside == [], f"words beyond the margins: {outside[:10]}"
