"""PDF edition: the book rendered as one HTML page (Jupyter Book's singlehtml builder, into its own
output folder so the HTML site is untouched), then printed by Debian's chromium through playwright,
after every chart has drawn. A cover, a table of contents and page numbers are added for print."""
from __future__ import annotations

import argparse
import datetime as dt
import html
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .. import paths
from . import build

PRINT_CSS = """
@page { size: A4; margin: 18mm 14mm 18mm 14mm; }
body { font-family: 'Noto Sans CJK SC', 'Noto Serif CJK SC', sans-serif; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .bd-footer-content, .prev-next-area,
.header-article, .headerlink, .vega-actions, .toggle-details, .bd-header-announcement, .skip-link,
.search-button-field, .theme-switch-button, .article-header-buttons, .footer-article,
.bd-footer-article, .bd-article-container > .bd-header-article { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-article, .bd-page-width, .bd-container,
.bd-container__inner { max-width: 100% !important; width: 100% !important; padding: 0 !important; margin: 0 !important; }
table { width: 100% !important; table-layout: auto; font-size: 7.5pt; word-break: break-all; }
.table-wrap { overflow: visible !important; }
table.report-table th, table.report-table td:not(.num), table.report-table td:first-child { min-width: 0 !important; white-space: normal !important; word-break: normal; overflow-wrap: anywhere; }
table.report-table td.num { white-space: nowrap !important; }
table td, table th { padding: 2px 4px !important; }
.cell_output, .output { overflow: visible !important; }
.vega-embed, .vega-embed svg { max-width: 100% !important; height: auto; }
figure, .vega-embed, tr { break-inside: avoid; }
h2.yz-chapter { break-before: page; }
#yz-cover { height: 200mm; display: flex; flex-direction: column; justify-content: center; text-align: center; break-after: page; }
#yz-cover h1 { font-size: 26pt; break-before: avoid; } #yz-cover p { font-size: 13pt; }
#yz-toc { break-after: page; } #yz-toc li { margin: 4pt 0; } #yz-toc ol { font-size: 12pt; list-style: none; padding-left: 0; }
"""

FOOTER = ('<div style="width:100%;font-size:8pt;text-align:center;color:#555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')

FRONT_JS = r"""([title, edition, built]) => {
  const root = document.querySelector('.bd-article') || document.querySelector('main') || document.body;
  // In the single-page build every chapter title is an <h2> numbered by the table of contents ("3. ...").
  const heads = [...root.querySelectorAll('h2')].filter(h => /^\d+\.\s/.test(h.textContent.trim()));
  heads.forEach((h, i) => { h.id = h.id || 'yz-ch-' + i; h.classList.add('yz-chapter'); });
  const cover = document.createElement('div'); cover.id = 'yz-cover';
  cover.innerHTML = `<h1>${title}</h1><p>${edition}</p><p>生成日期：${built}</p>`;
  const toc = document.createElement('div'); toc.id = 'yz-toc';
  toc.innerHTML = '<h2>目录</h2><ol>' + heads.map(h =>
      `<li><a href="#${h.id}">${h.textContent.replace('#', '').trim()}</a></li>`).join('') + '</ol>';
  root.prepend(toc); root.prepend(cover);
  return heads.map(h => h.textContent.replace('#', '').trim());
}"""


def build_singlehtml(edition, out: Path) -> Path:
    root = edition.root
    build.write_search_terms(root, edition.plan.folder)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "singlehtml",
           "--path-output", str(out), "-q"]
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


def print_pdf(page_html: Path, pdf: Path, title: str, edition: str) -> list[str]:
    """Print ``page_html`` to ``pdf``; returns the chapter titles placed in the table of contents."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("file:", "data:"))
                   else route.continue_())
        page.goto(page_html.resolve().as_uri(), wait_until="load")
        page.wait_for_function(
            "() => [...document.querySelectorAll('div[id^=vega-]')].every(d => d.querySelector('svg'))",
            timeout=60_000)
        page.add_style_tag(content=PRINT_CSS)
        chapters = page.evaluate(FRONT_JS, [html.escape(title), html.escape(edition),
                                            dt.date.today().isoformat()])
        page.emulate_media(media="print")
        page.pdf(path=str(pdf), format="A4", print_background=True, display_header_footer=True,
                 header_template="<span></span>", footer_template=FOOTER,
                 margin={"top": "16mm", "bottom": "18mm", "left": "12mm", "right": "12mm"})
        browser.close()
    return chapters


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Build the PDF edition into _build/pdf/")
    parser.add_argument("--plan")
    parser.add_argument("--eval-year", type=int)
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args(argv)
    edition = build.edition_for(args.plan, args.eval_year)
    started = time.perf_counter()
    print(f"PDF edition: {edition.plan.title_for(edition.year)}, data through {edition.year}")
    # Notebooks and downloads are brought up to date exactly as `make book` does (cached when unchanged).
    build.main(["--no-html", "--plan", edition.plan.id, "--eval-year", str(edition.year)])
    work = paths.BUILD / "pdf-src" / edition.plan.id / str(edition.year)
    print("[pdf] single-page HTML (jupyter-book singlehtml, separate output folder)")
    page_html = build_singlehtml(edition, work)
    from ..report.context import open_report
    from ..report.tables import pdf_name

    name = pdf_name(open_report(str(edition.plan.folder), edition.year))
    out_dir = paths.BUILD / "pdf"
    out_dir.mkdir(parents=True, exist_ok=True)
    pdf = out_dir / name
    print("[pdf] printing with chromium")
    chapters = print_pdf(page_html, pdf, edition.plan.title_for(edition.year), f"评估版本：数据截至 {edition.year} 年")
    site_copy = edition.site / "pdf"
    site_copy.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, site_copy / name)  # the site's download link points here
    print(f"  {len(chapters)} chapters: {'、'.join(chapters)}")
    print(f"done in {time.perf_counter() - started:.1f} s — {pdf.relative_to(paths.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
