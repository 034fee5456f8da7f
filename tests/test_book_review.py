"""Reviewers' check (planeval.book.review, issue 17 #4): every cell of every committed notebook is what the
build produces from the current templates, words, parameters and inputs. nbval compares code outputs only
(tests/test_nbval_teeth.py); this check catches edited prose and code, and outputs pasted from elsewhere.
Each kind of tampering is tried on a temporary copy of book/economy.ipynb."""
import json
import shutil

import nbformat
import pytest

from planeval import paths
from planeval.book import build
from planeval.book.review import review_page

EDITION = build.edition_for()
PAGES = {p.file: p for p in EDITION.pages}
ECONOMY = PAGES["economy"]


@pytest.mark.parametrize("page", list(PAGES.values()), ids=list(PAGES))
def test_committed_notebook_is_what_the_build_produces(page):
    """If this fails for a page, run `make book` and commit book/ (or undo the hand edit it names)."""
    assert review_page(EDITION, page) == []


@pytest.fixture
def economy(tmp_path):
    path = tmp_path / "economy.ipynb"
    shutil.copy2(paths.BOOK / "economy.ipynb", path)
    return path


def edit(path, change):
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def test_unchanged_copy_passes(economy):
    assert review_page(EDITION, ECONOMY, economy) == []


def test_sentence_appended_to_prose_fails(economy):
    def append(nb):
        cell = next(c for c in nb.cells if c.cell_type == "markdown" and "## 评估结论" in c.source)
        cell.source += "地区生产总值已达3500亿元，提前完成目标。"
    edit(economy, append)
    problems = review_page(EDITION, ECONOMY, economy)
    assert len(problems) == 1 and "source differs from the template's" in problems[0]
    assert "提前完成目标" in problems[0]


def test_edited_code_cell_fails(economy):
    def change(nb):
        cell = next(c for c in nb.cells if c.cell_type == "code" and "status_table" in c.source)
        cell.source = cell.source.replace("rep.main", "rep.others")
    edit(economy, change)
    problems = review_page(EDITION, ECONOMY, economy)
    assert len(problems) == 1 and "(code, id" in problems[0] and "source differs" in problems[0]


def test_edited_injected_parameters_fail(economy):
    def change(nb):
        cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        cell.source = cell.source.replace(f"eval_year = {EDITION.year}", f"eval_year = {EDITION.year + 1}")
    edit(economy, change)
    problems = review_page(EDITION, ECONOMY, economy)
    assert any("id injected-parameters" in p and "source differs" in p for p in problems)


def test_output_copied_from_another_page_fails(economy):
    other = nbformat.read(paths.BOOK / "ecology.ipynb", as_version=4)
    pasted = next(c.outputs for c in other.cells if c.cell_type == "code" and "status_table" in c.source)

    def paste(nb):
        cell = next(c for c in nb.cells if c.cell_type == "code" and "status_table" in c.source)
        assert cell.outputs != pasted
        cell.outputs = pasted
    edit(economy, paste)
    problems = review_page(EDITION, ECONOMY, economy)
    assert problems == ["outputs differ from those the build recorded (edited or copied from elsewhere)"]


def test_notebook_copied_from_another_page_fails(economy):
    shutil.copy2(paths.BOOK / "ecology.ipynb", economy)
    problems = review_page(EDITION, ECONOMY, economy)
    assert any("recorded parameters" in p for p in problems)
    assert any("built from other inputs" in p for p in problems)


def test_recorded_fingerprint_of_other_inputs_fails(economy):
    raw = json.loads(economy.read_text(encoding="utf-8"))
    raw["metadata"]["planeval"]["inputs_fingerprint"] = "0" * 64
    economy.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    assert review_page(EDITION, ECONOMY, economy) == [
        "built from other inputs than today's data, templates and code (stale or copied): "
        "run `make book` and commit book/"]
