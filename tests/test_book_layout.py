"""The run config (book/report.yml) drives papermill and the table of contents; the templates are clean."""
import json
import re

import nbformat
import pytest
import yaml

from yinzhou_eval import build, paths
from yinzhou_eval.fingerprint import page_fingerprint

CONFIG = build.load_config()
PAGES = build.pages(CONFIG)
EXECUTED = build.executable_pages(CONFIG)


def test_committed_toc_is_generated_from_report_config():
    assert paths.TOC.read_text(encoding="utf-8") == build.render_toc(CONFIG)


def test_toc_has_front_matter_overview_five_chapters_and_appendices():
    toc = yaml.safe_load(paths.TOC.read_text(encoding="utf-8"))
    assert toc["root"] == "book/index"
    captions = [p["caption"] for p in toc["parts"]]
    assert captions == ["总体评估", "分领域评估", "附录"]
    chapters = [c["file"] for c in toc["parts"][1]["chapters"]]
    assert chapters == [f"book/{c}" for c in ("economy", "innovation", "livelihood", "ecology", "governance")]
    appendices = [c["file"] for c in toc["parts"][2]["chapters"]]
    assert {"book/retrospective", "book/methodology", "book/data_sources", "book/reproduce"} <= set(appendices)
    assert all(p.get("numbered") for p in toc["parts"])


@pytest.mark.parametrize("page", PAGES, ids=[p["file"] for p in PAGES])
def test_every_page_exists(page):
    suffix = ".ipynb" if page.get("template") else ".md"
    assert (paths.BOOK / f"{page['file']}{suffix}").exists()


@pytest.mark.parametrize("page", EXECUTED, ids=[p["file"] for p in EXECUTED])
def test_template_is_clean_and_parameterized(page):
    nb = nbformat.read(paths.TEMPLATES / page["template"], as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "templates carry no outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "eval_year = " in tagged[0].source and "data_dir = " in tagged[0].source
    if page.get("chapter"):
        assert f'chapter = "{page["chapter"]}"' in tagged[0].source


@pytest.mark.parametrize("page", EXECUTED, ids=[p["file"] for p in EXECUTED])
def test_template_prose_types_no_figures(page):
    """Counts, shares and thresholds in the prose are glued from the data or rules.yml, never typed.
    Years of the plan period (2020, 2025 ...) are the plan's own constants and may be written out."""
    nb = nbformat.read(paths.TEMPLATES / page["template"], as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    prose = re.sub(r"\{glue:text\}`[^`]*`|\d+th\b", "", prose)  # glue roles; "14th Five-Year Plan" is a name
    typed = [n for n in re.findall(r"\d+(?:\.\d+)?", prose) if not re.fullmatch(r"20[0-3]\d", n)
             and n not in {"1", "2", "3"}]  # 表1/表2 and the plan's own numbering
    assert typed == [], f"figures typed into {page['template']}: {typed}"


@pytest.mark.parametrize("page", EXECUTED, ids=[p["file"] for p in EXECUTED])
def test_committed_notebook_is_current(page):
    """book/ holds what reviewers review: it must be the output of the current data, templates and code.
    If this fails, run `make book` and commit book/."""
    executed = nbformat.read(paths.BOOK / f"{page['file']}.ipynb", as_version=4)
    meta = executed.metadata["yinzhou_eval"]
    params = build.parameters_for(page, CONFIG["default_eval_year"], CONFIG["data_dir"])
    assert meta["parameters"] == params
    expected = page_fingerprint(page, paths.TEMPLATES / page["template"], params, build.BUILD_FORMAT)
    assert meta["inputs_fingerprint"] == expected, f"book/{page['file']}.ipynb is stale: run `make book`"
    assert all(c.get("outputs") is not None for c in executed.cells if c.cell_type == "code")
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_no_tracked_file_references_a_cdn():
    import re
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    pattern = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis|requirejs\.org")
    offenders = [f for f in files if f.startswith(("book/", "_config", "_toc")) and
                 (paths.ROOT / f).is_file() and pattern.search((paths.ROOT / f).read_text(encoding="utf-8", errors="ignore"))]
    assert offenders == []
