"""A book speaks of its own plan only (issue 22 #5): adding a plan folder under data/ leaves every other plan's
committed book current. The throwaway folder is a copy of the SYNTHETIC test plan, removed afterwards."""
import contextlib
import shutil

from planeval import paths
from planeval.book import build
from planeval.book.fingerprint import page_fingerprint
from planeval.book.review import review_edition

SYN = paths.ROOT / "tests" / "fixtures" / "plans" / "synthetic-15th"


@contextlib.contextmanager
def throwaway_plan():
    folder = paths.DATA / "zz-throwaway-test-plan"
    assert not folder.exists()
    shutil.copytree(SYN, folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def _keys(edition):
    return {p.file: page_fingerprint(p, paths.TEMPLATES / p.template, build.parameters_for(p, edition),
                                     build.BUILD_FORMAT, edition.plan.folder) for p in edition.pages if p.template}


def test_a_new_plan_folder_leaves_every_other_book_current():
    plans = [f.name for f in paths.plan_folders()]
    assert {"yinzhou-14th", "national-14th"} <= set(plans)
    editions = [build.edition_for(), *(build.edition_for(p) for p in plans)]
    before, review_before = [_keys(e) for e in editions], review_edition(editions[0])
    with throwaway_plan() as folder:
        assert folder in paths.plan_folders()
        assert [_keys(e) for e in editions] == before                # no page of another book is re-executed
        assert review_edition(editions[0]) == review_before          # the committed book reviews as it did


def test_the_methodology_page_speaks_of_its_own_plan():
    from planeval.report import methodology
    from planeval.report.context import open_report

    rep = open_report(str(paths.plan_dir("yinzhou-14th")), 2023)
    html = methodology.rule_changes_html(rep)
    assert {e["plan"] for e in methodology.rule_change_effects(rep)} <= {rep.plan.short_name}
    with throwaway_plan():
        assert methodology.rule_changes_html(rep) == html
