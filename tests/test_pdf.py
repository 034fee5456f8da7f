"""The PDF edition: every chapter present, Chinese text extractable, charts printed, site untouched."""
import re
import shutil
import subprocess
import sys

import pytest

from yinzhou_eval import build, paths
from yinzhou_eval.report import Edition

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pdf_text(built_site, chromium_path):
    site_index = (paths.SITE / "index.html").read_bytes()
    proc = subprocess.run([sys.executable, "-m", "yinzhou_eval.pdf"], cwd=paths.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (paths.SITE / "index.html").read_bytes() == site_index, "the PDF build must not touch the HTML site"
    pdf = paths.BUILD / "pdf" / Edition.pdf_name_for(build.load_config()["default_eval_year"])
    assert shutil.which("pdftotext"), "poppler-utils missing: run tests/install_system_deps.sh"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pdf, text


def _titles():
    """The first heading of every page in the run config (what the PDF's contents must list)."""
    import nbformat

    titles = []
    for page in build.pages(build.load_config()):
        if "template" in page:
            nb = nbformat.read(paths.ROOT / "book" / f"{page['file']}.ipynb", as_version=4)
            text = next(c.source for c in nb.cells if c.cell_type == "markdown")
        else:
            text = (paths.ROOT / "book" / f"{page['file']}.md").read_text(encoding="utf-8")
        titles.append(re.search(r"(?m)^# (.+)$", text).group(1).strip())
    return titles


def test_pdf_has_cover_contents_and_every_chapter(pdf_text):
    _, text = pdf_text
    flat = re.sub(r"\s+", "", text)
    assert "宁波市鄞州区“十四五”规划中期评估报告" in flat
    assert "目录" in flat and "数据截至2023年" in flat
    front, *chapters = _titles()
    assert front in flat
    for title in chapters:  # once in the contents, once as the chapter heading
        assert flat.count(re.sub(r"\s+", "", title)) >= 2, f"{title} missing from contents or body"


def test_pdf_pages_are_numbered_and_charts_printed(pdf_text):
    pdf, text = pdf_text
    pages = text.split("\f")
    assert len(pages) > 10
    assert re.search(r"(?m)^\s*3 / \d+\s*$", pages[2])
    info = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    # charts are vector (SVG) in print; the chart titles and axis labels come out as text
    assert "实际值" in re.sub(r"\s+", "", text) or len(info.splitlines()) > 2
