"""The book's layout follows the plan (data/<plan>/plan.yml) and planeval/book/pages.yml: the committed
_toc.yml and _config.yml are generated from them; the templates are clean, parameterized and plan-free."""
import re
import subprocess

import nbformat
import pytest
import yaml

from planeval import paths
from planeval.book import build
from planeval.book.pages import load_pages, render_toc
from planeval.config import load_plan

EDITION = build.edition_for()
PLAN = EDITION.plan
PAGES = EDITION.pages
TEMPLATES = sorted({p.template for p in PAGES if p.template} | {p.name for p in paths.TEMPLATES.glob("*.ipynb")})


def every_plan():
    return [load_plan(p.parent) for p in sorted(paths.DATA.glob("*/plan.yml"))]


def plan_words() -> set:
    """Words that belong to a plan, not to the method: its names, territory, issuer, chapter titles and
    the place names inside them (宁波市鄞州区 → 宁波, 鄞州)."""
    words = set()
    for plan in every_plan():
        words |= {plan.name, plan.short_name, plan.report_title, plan.territory, plan.issuer}
        words |= {c.title for c in plan.chapters} | {c.intro for c in plan.chapters if c.intro}
        words |= set(re.findall(r"([\u4e00-\u9fff]{2})[省市区县]", plan.territory))
    return {w for w in words if w}


def test_committed_toc_and_config_are_generated_from_the_plan_and_pages():
    assert paths.TOC.read_text(encoding="utf-8") == render_toc(PAGES)
    assert paths.JB_CONFIG.read_text(encoding="utf-8") == build.render_jb_config(EDITION)


def test_toc_has_front_page_findings_one_page_per_chapter_and_appendices():
    toc = yaml.safe_load(paths.TOC.read_text(encoding="utf-8"))
    assert toc["root"] == "book/index"
    captions = [p["caption"] for p in toc["parts"]]
    assert captions == [part["caption"] for part in load_pages()["parts"][1:]]
    chapters = [c["file"] for c in toc["parts"][captions.index("分领域评估")]["chapters"]]
    assert chapters == [f"book/{c.id}" for c in PLAN.chapters]
    appendices = {c["file"] for c in toc["parts"][captions.index("附录")]["chapters"]}
    assert {"book/methodology", "book/data_sources"} <= appendices
    # 方法检验 compares the plan's verdicts with a published evaluator's: only a plan that has one gets the page
    assert ("book/validation" in appendices) == (PLAN.folder / "reference_verdicts.csv").exists()
    assert ("book/retrospective" in appendices) == (PLAN.previous is not None)
    assert all(p.get("numbered") for p in toc["parts"])


def test_config_title_is_the_editions():
    config = yaml.safe_load(paths.JB_CONFIG.read_text(encoding="utf-8"))
    assert config["title"] == PLAN.title_for(EDITION.year)
    assert config["execute"]["execute_notebooks"] == "off"   # papermill is the only executor


@pytest.mark.parametrize("page", PAGES, ids=[p.file for p in PAGES])
def test_every_page_exists(page):
    assert (paths.BOOK / f"{page.file}{'.ipynb' if page.template else '.md'}").exists()


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_is_clean_and_has_one_parameters_cell(template):
    nb = nbformat.read(paths.TEMPLATES / template, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "templates carry no outputs"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert "eval_year = " in tagged[0].source and "data_dir = " in tagged[0].source
    if any(p.chapter for p in PAGES if p.template == template):
        assert "chapter = " in tagged[0].source


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_prose_types_no_figures_years_or_plan_words(template):
    """Numbers, years and the plan's own words in the prose are glued from the data ({glue:text}) or filled
    from plan.yml (⟪word⟫ tokens), never typed: the same template serves every plan and edition."""
    nb = nbformat.read(paths.TEMPLATES / template, as_version=4)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    bare = re.sub(r"\{glue:text\}`[^`]*`|⟪[a-z_]+⟫", "", prose)
    assert re.findall(r"\d", bare) == [], f"figures or years typed into {template}"
    assert [w for w in plan_words() if w in prose] == [], f"a plan's own words typed into {template}"


def test_no_tracked_file_references_a_cdn():
    files = subprocess.run(["git", "ls-files"], cwd=paths.ROOT, capture_output=True, text=True).stdout.split()
    pattern = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis|requirejs\.org")
    offenders = [f for f in files if not f.startswith("tests/")
                 and (paths.ROOT / f).is_file()
                 and pattern.search((paths.ROOT / f).read_text(encoding="utf-8", errors="ignore"))]
    assert offenders == []
