"""Every link of the built sites resolves (issue 25 #7: the 2025 and national books linked PDFs that did not
exist). The checker itself is tried on a small SYNTHETIC site first, so it is known to catch a broken link."""
import sys

import pytest
from conftest import SYNTHETIC_PLAN
from site_links import unresolved

from planeval.book import build



def _site(tmp_path, files: dict):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_checker_finds_missing_files_and_ids_and_passes_good_links(tmp_path):
    site = _site(tmp_path, {
        "book/a.html": '<a href="b.html#sec">ok</a> <a href="targets/x.html">ok</a> <a href="https://example.org/">web</a>'
                       '<a href="#top">self</a><p id="top"></p> <script src="../_static/s.js"></script>'
                       '<a href="../pdf/report.pdf">pdf</a> <a href="b.html#nosuch">bad id</a> <a href="c.html">gone</a>',
        "book/b.html": '<h2 id="sec">SYNTHETIC</h2>',
        "book/targets/x.html": '<a href="../a.html#top">back</a> <a href="../../_static/missing.css">css</a>',
        "_static/s.js": "",
        "_static/webpack-macros.html": "<script src=\"{{ pathto('_static/x.js', 1) }}\"></script>",  # a template
    })
    assert unresolved(site) == ["book/a.html: ../pdf/report.pdf", "book/a.html: b.html#nosuch (no such id)",
                                "book/a.html: c.html", "book/targets/x.html: ../../_static/missing.css"]


@pytest.mark.slow
def test_every_link_of_the_default_book_resolves(built_site):
    assert unresolved(built_site) == []


@pytest.mark.slow
def test_every_link_of_the_synthetic_book_resolves(synthetic_book):
    assert unresolved(synthetic_book / "_build" / "html") == []



# A Sphinx that, as Sphinx does when no page is out of date, writes the pages and leaves _static as it was.
NO_STATIC_SPHINX = """
import sys
from pathlib import Path
root, work = Path.cwd(), Path(sys.argv[1])
(work / "_build" / "html" / "book").mkdir(parents=True, exist_ok=True)
(work / "_build" / "html" / "index.html").write_text("index")
"""


def test_a_change_of_the_stylesheet_alone_reaches_the_site(tmp_path, monkeypatch):
    """Only report.css changed: Sphinx found no page out of date, skipped copying its static files, and the site
    served the old stylesheet (seen on a 390 px phone after a CSS fix). The build copies the book's own."""
    edition = build.edition_for(SYNTHETIC_PLAN, 2027, tmp_path / "root")
    monkeypatch.setattr(build, "jupyter_book_command",
                        lambda ed, work: [sys.executable, "-c", NO_STATIC_SPHINX, str(work)])
    (edition.book / "_static").mkdir(parents=True)
    (edition.root / "_toc.yml").write_text("root: book/index\n")
    css = edition.book / "_static" / "report.css"
    for version in ("/* SYNTHETIC 1 */", "/* SYNTHETIC 2 */"):
        css.write_text(version)
        site = build.build_html(edition, log=lambda *a: None)
        assert (site / "_static" / "report.css").read_text() == version
