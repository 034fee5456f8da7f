"""PDF edition: the book rendered as one HTML page (Jupyter Book's singlehtml builder, into its own output
folder so the HTML site is untouched), then printed on A4 by Debian's chromium through playwright, after every
chart has drawn.

For print the page gets a cover (the edition's title, issuer, data year, build date and, when plan.yml gives
it, the online edition's address), a contents page with page numbers, a running header (the report's title and
its data year), PDF bookmarks from the headings (chromium's document outline, one per heading), page numbers in
the margin; every chapter starts on a new page, folded lists are printed open and a table that runs over a page
break repeats its header row. What else changes on paper (web-only hints and the 下载 section left out, addresses
written out, code-written headings nested, headers over numbers aligned) is planeval.book.paper.
The contents needs the page of each heading, which only the printed PDF knows: the book is printed once with
the numbers left blank (same width, so nothing moves), the page of every top-level heading is read from the
PDF's outline (poppler's pdftohtml), and the book is printed again with the numbers filled in; the second
print is checked against its own outline. Tables reflow for the page width with the site's own stylesheet
(book/_static/report.css), so no page needs to be turned to landscape.

    python -m planeval.book.pdf [--plan …] [--eval-year …]     (make pdf)
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .. import paths
from ..files import write_atomic
from . import build
from .pages import render_toc
from .paper import PAPER_CSS, PAPER_JS
from .pdflink import link_pdfs

# A4 with these margins leaves a 180 mm text column: 680 CSS px, the width the page is laid out (and every
# chart drawn) at before printing, so what is measured on screen is what is printed.
PAGE_MARGINS_MM = (16, 15, 18, 15)  # top, right, bottom, left
TEXT_WIDTH_PX = round((210 - PAGE_MARGINS_MM[1] - PAGE_MARGINS_MM[3]) / 25.4 * 96)
TEXT_HEIGHT_PX = round((297 - PAGE_MARGINS_MM[0] - PAGE_MARGINS_MM[2]) / 25.4 * 96)
# Every chapter starts on a new page, as in a printed report; the last page of a chapter may be short, any other
# page is at least this full (tests/test_pdf.py).
MIN_FILL = 0.4
MAX_PASSES = 6

PRINT_CSS = """
@page { size: A4; margin: %(top)smm %(right)smm %(bottom)smm %(left)smm;
  @top-left { content: "%(header_left)s"; font: 8pt 'Noto Sans CJK SC', sans-serif; color: #555;
    vertical-align: bottom; padding-bottom: 3mm; }
  @top-right { content: "%(header_right)s"; font: 8pt 'Noto Sans CJK SC', sans-serif; color: #555;
    vertical-align: bottom; padding-bottom: 3mm; }
  @bottom-center { content: counter(page) " / " counter(pages); font: 8pt 'Noto Sans CJK SC', sans-serif; color: #555; } }
@page :first { @top-left { content: none; } @top-right { content: none; } @bottom-center { content: none; } }
/* a table that runs over a page break repeats its header row: on paper every report table is a table again (the
   desktop layout makes a status table's rows grids inside a block, which chromium cannot repeat a header of) */
table.report-table { display: table !important; }
table.report-table > thead { display: table-header-group !important; }
table.report-table > tbody { display: table-row-group !important; }
table.report-table > caption { display: table-caption !important; }
html { font-size: 13.5px !important; }
body { font-family: 'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif; background: #fff !important; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .bd-footer-content, .prev-next-area,
.bd-header-article, .header-article, .headerlink, .vega-actions, .toggle-details, .bd-header-announcement,
.skip-link, .search-button-field, .theme-switch-button, .article-header-buttons, .footer-article,
.bd-footer-article, #jb-print-docs-body, .sbt-scroll-pixel-helper, #searchbox { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-article, .bd-page-width, .bd-container,
.bd-container__inner { max-width: 100%% !important; width: 100%% !important; padding: 0 !important; margin: 0 !important;
  overflow: visible !important; }
/* space above a heading as padding, not margin: a heading pushed to the top of a page left its margin on the page
   before, and chromium then wrote its bookmark twice ("3.4. 3.4. 实际值与规划路径实际值与规划路径") */
article.bd-article h2 { font-size: 1.55rem; margin-top: 0 !important; padding-top: 1.6rem; }
article.bd-article h3 { font-size: 1.18rem; margin-top: 0 !important; padding-top: 1.1rem; }
article.bd-article h4 { font-size: 1.05rem; margin-top: 0 !important; padding-top: .9rem; }
/* a heading below a section's (the rule versions under 8.7) is never set larger than the section's own */
article.bd-article h5, article.bd-article h6 { font-size: 1rem; margin-top: 0 !important; padding-top: .8rem; }
article.bd-article h2.pe-new-page { break-before: page; padding-top: 0; }
/* a heading or a list's summary is never the last line of a page: it stays with what it introduces */
article.bd-article h2, article.bd-article h3, article.bd-article h4, article.bd-article summary,
table.report-table > caption { break-after: avoid; page-break-after: avoid; }
#pe-cover { height: %(cover)spx; display: flex; flex-direction: column; justify-content: center;
  text-align: center; break-after: page; }
#pe-cover .pe-title { font-size: 25pt; font-weight: 700; line-height: 1.35; margin: 0 8mm 10mm; text-wrap: balance;
  word-break: keep-all; overflow-wrap: anywhere; }
#pe-cover .pe-line { font-size: 12.5pt; margin: 2mm 0; color: #333; text-wrap: balance; }
#pe-toc { break-after: page; }
#pe-toc h2 { margin-top: 0; }
#pe-toc ol { list-style: none; padding: 0; margin: 6mm 0 0; font-size: 11.5pt; }
#pe-toc li { margin: 2.2mm 0; }
#pe-toc li.pe-front { padding-left: 0; }
#pe-toc a { display: flex; align-items: baseline; color: inherit; text-decoration: none; }
#pe-toc .pe-leader { flex: 1; border-bottom: 1px dotted #888; margin: 0 .4em; min-width: 2em; }
#pe-toc .pe-page { min-width: 2.4em; text-align: right; font-variant-numeric: tabular-nums; }
"""

FRONT_JS = r"""([title, lines]) => {
  const art = document.querySelector('article.bd-article');
  document.title = title;
  // folded lists (sources, gaps, projects) are printed open
  art.querySelectorAll('details').forEach(d => { d.open = true; });
  // singlehtml repeats the pages' section ids (id5 in every chapter): each is made unique, so that every
  // section is its own target (bookmarks, the contents' links)
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    const n = seen.get(el.id) || 0;
    seen.set(el.id, n + 1);
    if (n) el.id = el.id + '-pe' + n;
  }
  // the front page's own title is the cover's
  const first = art.querySelector('h1');
  if (first) first.remove();
  // top-level headings: the front page's sections and the chapters (numbered by the table of contents)
  const text = h => [...h.childNodes].filter(n => !(n.classList && n.classList.contains('headerlink')))
      .map(n => n.textContent).join('').replace(/\s+/g, ' ').trim();
  const heads = [...art.querySelectorAll('h2')];
  const entries = heads.map((h, i) => {
    h.id = 'pe-h' + i;  // singlehtml repeats section ids across pages: give every heading its own anchor
    const chapter = !!h.querySelector('.section-number');
    if (chapter) h.classList.add('pe-new-page');
    return {id: h.id, title: text(h), chapter};
  });
  const el = (tag, cls, content) => { const e = document.createElement(tag); if (cls) e.className = cls;
                                      if (content !== undefined) e.textContent = content; return e; };
  const cover = el('section'); cover.id = 'pe-cover';
  cover.append(el('div', 'pe-title', title), ...lines.map(l => el('div', 'pe-line', l)));
  const toc = el('nav'); toc.id = 'pe-toc';
  toc.append(el('h2', '', '目录'));
  const list = el('ol');
  for (const e of entries) {
    const li = el('li', e.chapter ? 'pe-chapter' : 'pe-front');
    const a = el('a'); a.href = '#' + e.id;
    a.append(el('span', 'pe-title-text', e.title), el('span', 'pe-leader'), el('span', 'pe-page', ''));
    li.append(a); list.append(li);
  }
  toc.append(list);
  art.prepend(cover, toc);
  return entries;
}"""

NUMBERS_JS = """(pages) => { document.querySelectorAll('#pe-toc .pe-page').forEach((s, i) => { s.textContent = pages[i]; }); }"""


def build_singlehtml(edition, out: Path) -> Path:
    root = edition.root
    build.write_search_terms(root, edition.plan.folder)
    # the printed edition's own contents: the pages marked `paper: false` in pages.yml stay on the site only
    out.mkdir(parents=True, exist_ok=True)
    toc = out / "_toc.yml"
    toc.write_text(render_toc([p for p in edition.pages if p.paper]), encoding="utf-8")
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "singlehtml",
           "--path-output", str(out), "--toc", str(toc), "-q"]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:] + proc.stderr[-6000:])
        raise SystemExit("jupyter-book singlehtml build failed")
    site = out / "_build" / "singlehtml"
    # Jupyter Book replaces the root index.html with a redirect to book/index.html, whose asset links
    # (_static/...) are written relative to the root: serve the page from the root folder.
    page = site / "print.html"
    shutil.copy2(site / "book" / "index.html", page)
    return page


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise SystemExit("Debian's chromium is needed for the PDF: run tests/install_system_deps.sh (make pdf does)")
    return path


def outline(pdf: Path) -> list[tuple[str, int]]:
    """The PDF's top-level bookmarks as (title, page), read with poppler's pdftohtml."""
    if not shutil.which("pdftohtml"):
        raise SystemExit("poppler-utils is needed for the PDF contents: run tests/install_system_deps.sh")
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    start = xml.find("<outline")
    if start < 0:
        return []
    depth, end = 0, start
    for m in re.finditer(r"<(/?)outline\b[^>]*>", xml[start:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            end = start + m.end()
            break
    root = ET.fromstring(xml[start:end])
    return [(" ".join("".join(item.itertext()).split()), int(item.get("page", 0)))
            for item in root if item.tag == "item"]


def page_fill(pdf: Path) -> list[float]:
    """How far down each page its text reaches, as a share of the text area (page numbers in the margin left
    out), from poppler's pdftotext word boxes. Chart labels are text too, so a page holding a chart counts."""
    out = subprocess.run(["pdftotext", "-bbox", "-q", str(pdf), "-"], capture_output=True, check=True)
    fills = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out.stdout.decode("utf-8", "replace"),
                            re.S):
        height = float(page.group(2))
        top, bottom = PAGE_MARGINS_MM[0] / 25.4 * 72, height - PAGE_MARGINS_MM[2] / 25.4 * 72
        ys = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page.group(3))]
        ys = [y for y in ys if y <= bottom + 1]
        fills.append(max(0.0, (max(ys) - top) / (bottom - top)) if ys else 0.0)
    return fills


def heading_pages(pdf: Path, titles: list[str]) -> list[int]:
    """The page of each contents entry, matched in order against the PDF's top-level bookmarks."""
    def norm(s):
        return re.sub(r"[\s#]+", "", s)

    marks = outline(pdf)
    pages, i = [], 0
    for t in titles:
        while i < len(marks) and norm(marks[i][0]) != norm(t):
            i += 1
        if i == len(marks):
            raise SystemExit(f"the printed PDF has no bookmark for the heading «{t}» (outline: {marks})")
        pages.append(marks[i][1])
        i += 1
    return pages


def css_string(text: str) -> str:
    """Text for a CSS string literal ("…"): backslashes, quotes and line breaks escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def print_pdf(page_html: Path, pdf: Path, title: str, cover_lines: list[str], header: str = "") -> list[dict]:
    """Print ``page_html`` to ``pdf`` with cover, numbered contents, running header (``title`` left, ``header``
    right) and bookmarks; returns the contents entries (title, page). The file appears only when complete
    (written beside it, then renamed)."""
    from playwright.sync_api import sync_playwright

    css = PRINT_CSS % {"top": PAGE_MARGINS_MM[0], "right": PAGE_MARGINS_MM[1], "bottom": PAGE_MARGINS_MM[2],
                       "left": PAGE_MARGINS_MM[3], "cover": TEXT_HEIGHT_PX - 40,
                       "header_left": css_string(title), "header_right": css_string(header)}
    pdf.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{pdf.stem}.", suffix=".pdf", dir=pdf.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o644)     # mkstemp makes it private; a published file must be readable by the web server
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            page = browser.new_page(viewport={"width": TEXT_WIDTH_PX, "height": TEXT_HEIGHT_PX})
            page.route("**/*", lambda route: route.abort()
                       if not route.request.url.startswith(("file:", "data:", "blob:")) else route.continue_())
            page.goto(page_html.resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.vega-chart')].every(d => d.querySelector('svg.marks'))",
                timeout=60_000)
            page.emulate_media(media="print")
            page.add_style_tag(content=css + PAPER_CSS)
            page.eval_on_selector("article.bd-article", PAPER_JS)   # before the contents are made from the headings
            entries = page.evaluate(FRONT_JS, [title, cover_lines])
            titles = [e["title"] for e in entries]
            numbers = [""] * len(entries)
            for _ in range(MAX_PASSES):
                page.evaluate(NUMBERS_JS, [str(n) for n in numbers])
                page.pdf(path=str(tmp), prefer_css_page_size=True, print_background=True, outline=True, tagged=True,
                         display_header_footer=False)
                found = heading_pages(tmp, titles)
                if found == numbers:
                    break
                numbers = found
            else:
                raise SystemExit(f"the contents' page numbers did not settle after {MAX_PASSES} prints: {numbers}")
            browser.close()
        os.replace(tmp, pdf)
    finally:
        tmp.unlink(missing_ok=True)
    return [{"title": t, "page": n} for t, n in zip(titles, numbers)]


def cover_lines(rep, built: dt.date) -> list[str]:
    """What the cover says under the title: the plan evaluated (its issuer is the plan's, not this report's),
    the data year, the build date and, when plan.yml gives it, the online edition's address."""
    plan = f"评估对象：《{rep.plan.name}》" + (f"（{rep.plan.issuer}）" if rep.plan.issuer else "")
    from ..report.evaluation import cover_note

    return [plan, f"评估数据截至{rep.eval_year}年",
            f"生成日期：{built.year}年{built.month}月{built.day}日",
            *([f"网页版：{rep.plan.site_url}"] if rep.plan.site_url else []), *cover_note(rep)]


def address_note(plan) -> str:
    """What `make pdf` tells the maintainer when plan.yml gives no site_url: paper then names no online address."""
    if plan.site_url:
        return ""
    return (f"  note: {plan.folder / 'plan.yml'} gives no site_url: the PDF cannot name the online edition's address "
            "(cover, 阅读说明); add it when the site is published")


def running_header(rep) -> str:
    """The right half of the running header (the left is the report's title: plan and edition)."""
    return f"评估数据截至{rep.eval_year}年"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the PDF edition into _build/pdf/")
    parser.add_argument("--plan")
    parser.add_argument("--eval-year", type=int)
    parser.add_argument("--out", help="the edition's book root, as given to `make book OUT=`")
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args(argv)
    edition = build.edition_for(args.plan, args.eval_year, args.out)
    started = time.perf_counter()
    print(f"PDF edition: {edition.plan.title_for(edition.year)}, data through {edition.year}")
    if address_note(edition.plan):
        print(address_note(edition.plan))
    # Notebooks and downloads are brought up to date exactly as `make book` does (cached when unchanged).
    build.main(["--no-html", "--plan", str(edition.plan.folder), "--eval-year", str(edition.year),
                *(["--out", str(edition.root)] if args.out else []), *(["--jobs", str(args.jobs)] if args.jobs else [])])
    from ..report.context import open_report
    from ..report.tables import pdf_name

    rep = open_report(str(edition.plan.folder), edition.year)
    pdf = paths.BUILD / "pdf" / pdf_name(rep)
    # under the build's lock: book/ is read whole, and the published site is changed, as one build leaves them
    with build.build_lock(edition.root):
        print("[pdf] single-page HTML (jupyter-book singlehtml, separate output folder)")
        page_html = build_singlehtml(edition, edition.build_dir / "pdf-src")
        print("[pdf] printing with chromium (twice: the second print fills in the contents' page numbers)")
        contents = print_pdf(page_html, pdf, rep.title, cover_lines(rep, dt.date.today()), running_header(rep))
        write_atomic(edition.site / "pdf" / pdf.name, pdf.read_bytes())  # the site's download link points here
        link_pdfs(edition.site)      # the front page's link to it (hidden while there was no PDF)
    print("  contents: " + "、".join(f"{c['title']} p.{c['page']}" for c in contents))
    print(f"done in {time.perf_counter() - started:.1f} s — {pdf.relative_to(paths.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
