"""Unit tests of the build machinery: fingerprints select exactly the pages whose inputs changed, editions go
where they belong, executed notebooks are cleaned and record what they were built from, the site is swapped
in whole, one build holds the lock, chart output is deterministic and offline."""
import json
import os
import shutil
import subprocess
import sys

import altair as alt
import nbformat
import pandas as pd
import pytest

from conftest import SYNTHETIC_PLAN
from planeval import paths
from planeval.book import build
from planeval.book.fingerprint import NOT_PAGE_INPUTS, data_inputs, package_files, page_fingerprint
from planeval.book.nbclean import clean_executed_notebook, expected_cells, intact, outputs_digest
from planeval.book.pages import Page, render_toc
from planeval.report import charts
from planeval.report.chartdata import planned_path
from planeval.report.fmt import number, percent, value_with_unit

# Synthetic data for the fingerprint tests (not real figures). data_inputs reads plan.yml as bytes only.
SYN_PLAN = "source_id: syn_plan  # the plan's own document\n"
SYN_REGISTRY = ("id,table,chapter,related_id\nsyn_a,main,alpha,\nsyn_b,main,beta,\nsyn_c,main,beta,syn_a\n"
                "syn_p,previous,alpha,\n")
SYN_OBS = ("indicator_id,year,value,source_id\nsyn_a,2021,1,s1\nsyn_b,2021,2,s2\nsyn_p,2020,3,s3\n")
SYN_SOURCES = "source_id,title\ns1,synthetic one\ns2,synthetic two\ns3,synthetic three\nsyn_plan,synthetic plan\n"


def write_syn_plan(folder):
    (folder / "plan.yml").write_text(SYN_PLAN)
    (folder / "indicators.csv").write_text(SYN_REGISTRY)
    (folder / "observations.csv").write_text(SYN_OBS)
    (folder / "sources.csv").write_text(SYN_SOURCES)
    (folder / "series.csv").write_text("id,chapter\n")
    return folder


@pytest.fixture
def syn_data(tmp_path):
    return write_syn_plan(tmp_path)


def reads(syn_data):
    return {"alpha": data_inputs(["chapter"], syn_data, "alpha"), "beta": data_inputs(["chapter"], syn_data, "beta"),
            "all": data_inputs(["all"], syn_data), "rules": data_inputs(["rules"], syn_data),
            "previous": data_inputs(["previous"], syn_data)}


def replace(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def changed_by(syn_data, file, old, new) -> set:
    """The `reads` whose inputs change when ``old`` becomes ``new`` in ``file`` of the plan folder."""
    before = reads(syn_data)
    replace(syn_data / file, old, new)
    after = reads(syn_data)
    return {k for k in before if before[k] != after[k]}


def test_changing_one_chapters_data_changes_only_that_chapter_and_all(syn_data):
    assert changed_by(syn_data, "observations.csv", "syn_b,2021,2", "syn_b,2021,5") == {"beta", "all"}


def test_a_related_series_in_another_chapter_is_an_input(syn_data):
    """syn_c (chapter beta) keeps pace with syn_a (chapter alpha): syn_a's values are beta's inputs too."""
    assert changed_by(syn_data, "observations.csv", "syn_a,2021,1", "syn_a,2021,9") == {"alpha", "beta", "all"}


def test_a_department_assignment_is_every_chapters_input(syn_data):
    """Gap tables name the department; their header says 建议 while any row of the assignment is a proposal."""
    (syn_data / "responsibility.csv").write_text("indicator_id,department,assignment\nsyn_a,甲局,proposed\n")
    changed = changed_by(syn_data, "responsibility.csv", "syn_a,甲局,proposed", "syn_a,甲局,confirmed")
    assert changed == {"alpha", "beta", "all"}


def test_progress_of_a_projects_first_listing_in_another_chapter_is_an_input(syn_data):
    """pb (chapter beta) repeats pa (chapter alpha) and shows pa's progress: pa's progress is beta's input."""
    (syn_data / "projects.csv").write_text("project_id,chapter,same_as\npa,alpha,\npb,beta,pa\n")
    (syn_data / "project_progress.csv").write_text("project_id,year,stage,source_id\npa,2022,开工,s1\n")
    assert changed_by(syn_data, "project_progress.csv", "pa,2022,开工", "pa,2023,建成") == {"alpha", "beta", "all"}


def test_the_plans_own_source_row_is_every_chapters_input(syn_data):
    changed = changed_by(syn_data, "sources.csv", "syn_plan,synthetic plan", "syn_plan,synthetic plan (revised)")
    assert changed == {"alpha", "beta", "previous", "all"}


def test_previous_plan_rows_are_not_a_chapters_input(syn_data):
    assert changed_by(syn_data, "observations.csv", "syn_p,2020,3", "syn_p,2020,4") == {"previous", "all"}


def test_a_page_reads_its_own_plan_and_its_own_published_evaluation_only(tmp_path, monkeypatch):
    """A book speaks of its own plan (issue 22 #5): a new figure in another plan folder, evaluated or not, changes
    no page of this plan's book; `validation` reads the book's own folder, and only when it holds a published
    evaluator's verdicts (the methodology page of a plan without one depends on the rules alone)."""
    import planeval.paths as paths

    monkeypatch.setattr(paths, "DATA", tmp_path)
    plain, judged = tmp_path / "plain", tmp_path / "judged"
    for folder in (plain, judged):
        folder.mkdir()
        write_syn_plan(folder)
    (judged / "reference_verdicts.csv").write_text("indicator_id,ndrc_class\nsyn_a,on_track\n")
    methodology = ["rules", "validation"]

    p0, j0 = data_inputs(methodology, plain), data_inputs(methodology, judged)
    replace(judged / "observations.csv", "syn_b,2021,2", "syn_b,2021,5")
    assert data_inputs(methodology, plain) == p0          # another plan's figure: nothing here changes
    assert data_inputs(methodology, judged) != j0         # its own evaluated figures: the page re-runs
    replace(plain / "observations.csv", "syn_b,2021,2", "syn_b,2021,5")
    assert data_inputs(methodology, plain) == p0          # no published evaluation: the rules alone
    with pytest.raises(ValueError, match="unknown `reads` entry"):
        data_inputs(["plans"], plain)


def test_unknown_reads_entry_is_an_error(syn_data):
    with pytest.raises(ValueError, match="unknown `reads` entry"):
        data_inputs(["everything"], syn_data)
    with pytest.raises(ValueError, match="not a chapter"):
        data_inputs(["chapter"], syn_data, None)


def page(**kw) -> Page:
    return Page(**{"file": "x", "template": "t.ipynb", "reads": ("chapter",), "part": 0, "caption": None,
                   "numbered": False, "chapter": "alpha", "words": {"title": "甲"}, **kw})


def test_fingerprint_depends_on_parameters_words_and_template(tmp_path, syn_data):
    template = tmp_path / "t.ipynb"
    template.write_text("{}")
    a = page_fingerprint(page(), template, {"eval_year": 2023}, 1, syn_data)
    assert a == page_fingerprint(page(), template, {"eval_year": 2023}, 1, syn_data)
    assert a != page_fingerprint(page(), template, {"eval_year": 2024}, 1, syn_data)
    assert a != page_fingerprint(page(words={"title": "乙"}), template, {"eval_year": 2023}, 1, syn_data)
    assert a != page_fingerprint(page(), template, {"eval_year": 2023}, 2, syn_data)
    template.write_text('{"changed": true}')
    assert a != page_fingerprint(page(), template, {"eval_year": 2023}, 1, syn_data)


def test_package_inputs_are_the_code_pages_run_not_the_build_plumbing():
    files = {p.relative_to(paths.PACKAGE).as_posix() for p in package_files()}
    assert {"report/tables.py", "engine/rules.yml", "labels.yml", "book/nbclean.py", "book/pages.yml",
            "data/schema.yml", "config.py", "book/publish.py", "intake/status.py", "intake/workbook.py"} <= files
    assert not files & {"book/build.py", "book/fingerprint.py", "book/bench.py", "book/pdf.py", "book/review.py",
                        "book/sphinx_warm.py", "book/kernel.py", "intake/importer.py", "intake/merge.py"}


# What a page's kernel loads: every report module, and the calls that import lazily (the data page's collection
# status reaches into the intake; methodology and the assessment cache into data, engine and fingerprint).
_PAGE_IMPORTS = """
import importlib, pkgutil, sys
import planeval.report as R
for m in pkgutil.iter_modules(R.__path__):
    importlib.import_module("planeval.report." + m.name)
from planeval.config import default_plan, load_plan
from planeval.report import datapage, methodology
from planeval.report.context import open_report
rep = open_report(str(load_plan(default_plan()).folder), 2023)
datapage.collection_html(rep); datapage.changelog_html(rep); methodology.rule_change_effects(rep)
rep.results
print("\\n".join(sorted(m for m in sys.modules if m.startswith("planeval."))))
"""


def test_no_page_loads_a_module_excluded_from_the_page_inputs():
    """A module a page runs must be part of its key, or a change to it leaves a stale page "unchanged"."""
    out = subprocess.run([sys.executable, "-c", _PAGE_IMPORTS], cwd=paths.ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    loaded = {m.removeprefix("planeval.").replace(".", "/") + ".py" for m in out}
    assert "intake/status.py" in loaded and "report/datapage.py" in loaded      # the probe reached the lazy imports
    assert loaded & set(NOT_PAGE_INPUTS) == {"book/fingerprint.py"}           # keys the cache, shapes no output


def test_notebooks_of_pages_the_edition_no_longer_has_are_removed(tmp_path):
    from types import SimpleNamespace

    book = tmp_path / "book"
    book.mkdir()
    for name in ("index.ipynb", "economy.ipynb", "old_chapter.ipynb", "notes.md"):
        (book / name).write_text("{}")
    edition = SimpleNamespace(book=book, pages=[page(file="index"), page(file="economy")])
    assert [p.name for p in build.remove_dropped_pages(edition)] == ["old_chapter.ipynb"]
    assert sorted(p.name for p in book.iterdir()) == ["economy.ipynb", "index.ipynb", "notes.md"]


def test_toc_parts_follow_the_pages():
    pages = [page(file="index", part=0, chapter=None), page(file="a", part=1, caption="甲", numbered=True),
             page(file="b", part=1, caption="甲", numbered=True), page(file="c", part=2, caption="乙")]
    toc = render_toc(pages)
    assert "root: book/index" in toc
    assert "caption: 甲" in toc and "numbered: true" in toc and "file: book/b" in toc
    assert toc.count("numbered") == 1


def test_editions_go_where_they_belong(tmp_path):
    committed = build.edition_for()
    assert committed.committed and committed.root == paths.ROOT
    assert committed.data_param == os.path.relpath(committed.plan.folder, paths.BOOK)
    other_year = build.edition_for(year=committed.year + 1)
    assert not other_year.committed
    assert other_year.root == paths.BUILD / "books" / committed.plan.id / str(committed.year + 1)
    by_path = build.edition_for(SYNTHETIC_PLAN)
    assert by_path.plan.id == "synthetic-15th" and by_path.year == 2028 and not by_path.committed
    assert by_path.root == paths.BUILD / "books" / "synthetic-15th" / "2028"
    assert by_path.data_param == str(SYNTHETIC_PLAN)
    assert build.edition_for(SYNTHETIC_PLAN, 2030, tmp_path / "x").root == tmp_path / "x"
    assert not build.edition_for(out=tmp_path / "y").committed   # the default edition elsewhere: not book/
    with pytest.raises(build.BuildError, match="committed book"):
        build.edition_for(SYNTHETIC_PLAN, out=paths.ROOT)


def test_parameters_of_a_chapter_page():
    edition = build.edition_for(SYNTHETIC_PLAN, 2027)
    chapter = next(p for p in edition.pages if p.chapter)
    assert build.parameters_for(chapter, edition) == {"eval_year": 2027, "data_dir": str(SYNTHETIC_PLAN),
                                                      "chapter": "prosperity"}


def test_clean_executed_notebook_removes_timestamps_and_records_inputs(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00"}
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    cell.outputs = [nbformat.v4.new_output("stream", text="one\ntwo\n")]
    injected = nbformat.v4.new_code_cell("eval_year = 2024")
    injected.metadata["tags"] = ["injected-parameters"]
    title = nbformat.v4.new_markdown_cell("# ⟪title⟫")
    nb.cells = [title, cell, injected]
    nb.metadata["papermill"] = {"start_time": "2026-01-01", "duration": 3.2}
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    clean_executed_notebook(path, {"eval_year": 2024}, "abc", {"title": "合成*市*报告"})
    out = nbformat.read(path, as_version=4)
    assert "papermill" not in out.metadata and "papermill" not in out.cells[1].metadata
    assert "execution" not in out.cells[1].metadata
    assert out.cells[0].source == r"# 合成\*市\*报告"   # words are Markdown-escaped
    assert "remove-cell" in out.cells[2].metadata["tags"]
    assert out.cells[2].id == "injected-parameters"  # papermill's random id would dirty git on every rebuild
    assert out.metadata["planeval"] == {"parameters": {"eval_year": 2024}, "words": {"title": "合成*市*报告"},
                                        "inputs_fingerprint": "abc", "outputs_sha256": outputs_digest(out.cells)}
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["cells"][1]["outputs"][0]["text"] == ["one\n", "two\n"]   # stored as lines…
    assert intact(raw)                                                     # …and the digest still matches
    raw["cells"][1]["outputs"][0]["text"] = ["one\n", "three\n"]
    assert not intact(raw)


def test_an_error_output_is_never_intact(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1/0")
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="x", traceback=[])]
    nb.cells = [cell]
    path = tmp_path / "e.ipynb"
    nbformat.write(nb, path)
    clean_executed_notebook(path, {}, "abc", {})
    assert not intact(json.loads(path.read_text(encoding="utf-8")))
    assert build.recorded_fingerprint(path) is None
    assert build.recorded_fingerprint(tmp_path / "missing.ipynb") is None


def test_expected_cells_insert_the_injected_parameters_after_the_parameters_cell():
    cells = expected_cells(paths.TEMPLATES / "chapter.ipynb", {"eval_year": 2027, "data_dir": "d", "chapter": "c"},
                           {"chapter_title": "标题", "chapter_intro": "引言", "title": "", "plan_name": "",
                            "territory": "", "previous_name": ""})
    i = next(k for k, c in enumerate(cells) if "parameters" in c["metadata"]["tags"])
    assert cells[i + 1]["id"] == "injected-parameters"
    assert cells[i + 1]["source"] == '# Parameters\neval_year = 2027\ndata_dir = "d"\nchapter = "c"\n'
    assert cells[i + 1]["metadata"]["tags"] == ["injected-parameters", "remove-cell"]
    assert cells[0]["source"] == "# 标题"


def test_publish_site_swaps_in_the_whole_site(tmp_path):
    site, staging = tmp_path / "html", tmp_path / ".html-new-1"
    site.mkdir()
    (site / "index.html").write_text("old")
    staging.mkdir()
    (staging / "index.html").write_text("new")
    build.publish_site(staging, site)
    assert (site / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]


def test_a_site_left_aside_by_a_killed_build_is_put_back(tmp_path):
    (tmp_path / ".html-old-123").mkdir()
    (tmp_path / ".html-old-123" / "index.html").write_text("last good")
    (tmp_path / ".html-new-123").mkdir()   # an unfinished staging copy
    build._recover_site(tmp_path)
    assert (tmp_path / "html" / "index.html").read_text() == "last good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["html"]


# Sphinx as far as the site's pages go: an incremental build writes the page of every notebook in book/ and,
# like Sphinx, never deletes the page of a document that left the toc.
FAKE_SPHINX = """
import sys
from pathlib import Path
root, work = Path.cwd(), Path(sys.argv[1])
html = work / "_build" / "html"
(html / "book").mkdir(parents=True, exist_ok=True)
for nb in (root / "book").glob("*.ipynb"):
    (html / "book" / (nb.stem + ".html")).write_text(nb.read_text())
(html / "index.html").write_text("index")
"""


def test_a_page_dropped_from_the_toc_does_not_survive_in_the_site(tmp_path, monkeypatch):
    """Issue 23: after data are withdrawn the 本版更新说明 page is dropped; Sphinx's work folder keeps its old
    HTML, which must not be published."""
    edition = build.edition_for(SYNTHETIC_PLAN, 2027, tmp_path / "root")
    monkeypatch.setattr(build, "jupyter_book_command",
                        lambda ed, work: [sys.executable, "-c", FAKE_SPHINX, str(work)])
    (edition.book).mkdir(parents=True)
    (edition.book / "index.ipynb").write_text("front page")
    (edition.book / "changelog.ipynb").write_text("withdrawn figure 3113")
    (edition.root / "_toc.yml").write_text("root: book/index\nchapters:\n- file: book/changelog\n")
    site = build.build_html(edition, log=lambda *a: None)
    assert (site / "book" / "changelog.html").read_text() == "withdrawn figure 3113"
    (edition.book / "changelog.ipynb").unlink()  # what remove_dropped_pages does; the toc no longer lists it
    (edition.root / "_toc.yml").write_text("root: book/index\n")
    site = build.build_html(edition, log=lambda *a: None)
    assert (site / "book" / "index.html").exists()
    assert not (site / "book" / "changelog.html").exists(), "a dropped page is still published"


def test_a_second_lock_on_the_same_root_is_refused(tmp_path):
    with build.build_lock(tmp_path, log=lambda *a: None):
        assert f"pid {os.getpid()}" in (tmp_path / "_build" / "build.lock").read_text()
        with pytest.raises(build.BuildBusy, match=f"another build of this book is running \\(pid {os.getpid()}"):
            with build.build_lock(tmp_path, wait=False):
                pass
    with build.build_lock(tmp_path, wait=False):   # released when the first build ends
        pass


def test_chart_output_is_deterministic_and_offline():
    charts.enable_offline()
    df = pd.DataFrame({"x": [1, 2], "y": [3, 4]})  # synthetic
    chart = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q")
    first, second = chart._repr_mimebundle_(), chart._repr_mimebundle_()
    html = first["text/html"] if isinstance(first, dict) else first[0]["text/html"]
    again = second["text/html"] if isinstance(second, dict) else second[0]["text/html"]
    assert html == again
    assert "window.vegaEmbed" in html
    for cdn in ("cdn.jsdelivr", "unpkg", "require"):
        assert cdn not in html


def test_vega_bundle_exposes_vega_embed(tmp_path):
    bundle = charts.write_vega_bundle(tmp_path)
    text = bundle.read_text(encoding="utf-8")
    assert "window.vegaEmbed" in text
    assert text.splitlines()[1] == "(function () {"
    assert "cdn.jsdelivr" not in text


def test_planned_path_linear_and_geometric():
    lin = planned_path(2020, 25, 2025, 24, "linear")
    assert lin["value"].tolist() == pytest.approx([25, 24.8, 24.6, 24.4, 24.2, 24])
    geo = planned_path(2020, 100, 2022, 121, "geometric")
    assert geo["value"].tolist() == pytest.approx([100, 110, 121])
    assert planned_path(None, 1, 2025, 2, "linear").empty


@pytest.mark.parametrize("value,unit,expected", [
    (3113, "亿元", "3113亿元"), (84.6, "%", "84.6%"), (2266.1, "亿元", "2266.1亿元"),
    (0.0049, "人/亿元", "0.0049人/亿元"), (88000, "元", "88,000元"), (None, "亿元", "—")])
def test_value_with_unit(value, unit, expected):
    assert value_with_unit(value, unit) == expected


def test_percent_and_number():
    assert percent(0.62) == "62%"
    assert percent(None) == "—"
    assert number(24.0) == "24"


def test_assessment_cache_returns_the_same_results_and_follows_the_data(tmp_path, monkeypatch):
    from planeval.data import dataset

    monkeypatch.setattr(dataset.paths, "BUILD", tmp_path / "_build")
    folder = tmp_path / "plan"
    shutil.copytree(SYNTHETIC_PLAN, folder)
    ds = dataset.load_dataset(folder)
    first = ds.assess(2028)
    cache = tmp_path / "_build" / "assess-cache"
    assert len(list(cache.glob("*.pkl"))) == 1
    pd.testing.assert_frame_equal(ds.assess(2028), first)
    from planeval.engine import assess_all

    pd.testing.assert_frame_equal(first, assess_all(ds.registry, ds.observations, 2028, ds.plan, names=ds.names))
    obs = folder / "observations.csv"
    replace(obs, "syn_level,2028,120,level,,120,", "syn_level,2028,130,level,,130,")
    changed = dataset.load_dataset(folder).assess(2028).set_index("id")
    assert changed.loc["syn_level", "latest_value"] == 130.0
    assert changed.loc["syn_level", "progress_share"] == pytest.approx(0.6)   # (130 − 100) / (150 − 100)
    assert len(list(cache.glob("*.pkl"))) == 2


def test_the_site_work_folder_is_emptied_when_its_page_list_changed_or_on_force(tmp_path):
    """Sphinx sets itself up on the work folder as soon as it starts (ahead of the pages): the folder is settled
    first, for the page list the site will have."""
    edition = build.edition_for(SYNTHETIC_PLAN, 2027, tmp_path / "root")
    work = edition.build_dir / "site-work"

    def settle(sources, force=False):
        (work / "_build").mkdir(parents=True, exist_ok=True)
        (work / build.SITE_SOURCES).write_text("toc\n---\na.ipynb\n", encoding="utf-8")
        build.settle_site_work(edition, sources, force)
        return work.exists()

    assert settle("toc\n---\na.ipynb\n") is True
    assert settle("toc\n---\na.ipynb\nb.ipynb\n") is False
    assert settle("toc\n---\na.ipynb\n", force=True) is False


class StubAhead:
    """In place of the Sphinx process started ahead: records what build_html asked of it."""

    def __init__(self, sources):
        self.sources, self.calls = sources, []

    def run(self):
        self.calls.append("run")
        return subprocess.run([sys.executable, "-c", FAKE_SPHINX, str(self.work)], cwd=self.root, capture_output=True,
                              text=True)

    def cancel(self):
        self.calls.append("cancel")


@pytest.mark.parametrize("stray", [False, True])
def test_sphinx_started_ahead_builds_only_the_page_list_it_was_set_up_for(tmp_path, monkeypatch, stray):
    """A notebook the build did not expect (not a page of this edition) means another page list: the process set
    up ahead is cancelled and Sphinx runs afresh on a settled work folder."""
    edition = build.edition_for(SYNTHETIC_PLAN, 2027, tmp_path / "root")
    monkeypatch.setattr(build, "jupyter_book_command", lambda ed, work: [sys.executable, "-c", FAKE_SPHINX, str(work)])
    edition.book.mkdir(parents=True)
    (edition.book / "index.ipynb").write_text("front page")
    (edition.root / "_toc.yml").write_text("root: book/index\n")
    ahead = StubAhead(build.site_sources(edition.root, ["index.ipynb"]))
    ahead.root, ahead.work = edition.root, edition.build_dir / "site-work"
    if stray:
        (edition.book / "stray.ipynb").write_text("not a page")
    site = build.build_html(edition, log=lambda *a: None, ahead=ahead)
    assert ahead.calls == (["cancel"] if stray else ["run"])
    assert (site / "book" / "index.html").read_text() == "front page"
