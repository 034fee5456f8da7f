"""What keeps a build fast, asserted as behaviour (the timings themselves are `make bench`'s, not tests'): a page
without charts never imports altair; a chart is shown as IPython would show it, without the costly re-validation;
an assessment asked for by several processes at once is computed once. All on the SYNTHETIC plan."""
import json
import subprocess
import time
import sys

import pytest

from conftest import SYNTHETIC_PLAN
from planeval import paths

# Run every code cell of a page template in plain Python (no kernel), then say whether altair was imported and
# which renderer it draws with.
_RUN_PAGE = """
import io, contextlib, json, sys
nb = json.load(open(sys.argv[1], encoding="utf-8"))
code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
ns = {}
exec(code[0], ns)
ns.update(eval_year=2028, data_dir=sys.argv[2], chapter="prosperity")
with contextlib.redirect_stdout(io.StringIO()):
    for cell in code[1:]:
        exec(cell, ns)
alt = sys.modules.get("altair")
print(json.dumps({"altair": alt is not None, "renderer": alt.renderers.active if alt else None}))
"""


def run_page(template: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _RUN_PAGE, str(paths.TEMPLATES / template), str(SYNTHETIC_PLAN)],
                          cwd=paths.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.parametrize("template", ["findings.ipynb", "data_sources.ipynb", "methodology.ipynb"])
def test_a_page_without_charts_does_not_import_altair(template):
    assert run_page(template) == {"altair": False, "renderer": None}


@pytest.mark.parametrize("template", ["index.ipynb", "chapter.ipynb"])
def test_a_page_with_charts_draws_them_offline(template):
    assert run_page(template) == {"altair": True, "renderer": "offline"}


def test_a_chart_shows_what_displaying_it_in_ipython_shows():
    """show.charts displays charts.mimebundle (no re-validation of the finished spec): the same bytes as IPython's
    own display of the chart, so the executed pages do not change."""
    from IPython.core.interactiveshell import InteractiveShell

    from planeval.report import charts
    from planeval.report.context import open_report

    charts.enable_offline()
    rep = open_report(str(SYNTHETIC_PLAN), 2028)
    items = charts.chapter_charts(rep, "prosperity") + charts.pace_charts(rep)
    assert len(items) >= 2
    formatter = InteractiveShell.instance().display_formatter
    for chart in items:
        assert formatter.format(chart) == (charts.mimebundle(chart), {})


# Two processes ask for the same assessment at once (as the build and its kernels do): each counts its own
# computations in a file of its own, the engine made slow enough for the second to arrive while the first computes.
_ASSESS = """
import sys, time
from pathlib import Path
from planeval import engine, paths
from planeval.data import dataset
paths.BUILD = Path(sys.argv[1])
real = engine.assess_rows
def slow(*a, **k):
    Path(sys.argv[2]).write_text("computed")
    time.sleep(1.5)
    return real(*a, **k)
engine.assess_rows = slow
print(dataset.load_dataset(sys.argv[3]).assess(2028).to_json())
"""


def test_an_assessment_asked_for_by_two_processes_at_once_is_computed_once(tmp_path):
    build = tmp_path / "_build"
    procs = []
    for name in ("a", "b"):
        cmd = [sys.executable, "-c", _ASSESS, str(build), str(tmp_path / f"computed-{name}"), str(SYNTHETIC_PLAN)]
        procs.append(subprocess.Popen(cmd, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        if name == "a":  # the second starts once the first is computing
            while not (tmp_path / "computed-a").exists() and procs[0].poll() is None:
                time.sleep(0.05)
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in results]
    assert (tmp_path / "computed-a").exists() and not (tmp_path / "computed-b").exists()   # b read a's result
    assert results[0][0] == results[1][0]
    assert len(list((build / "assess-cache").glob("*.pkl"))) == 1


def test_a_one_value_import_rewrites_that_targets_card_alone(tmp_path, monkeypatch):
    """Every card is rendered again (cheap once the assessment is cached), but only a card whose bytes changed is
    written, so Sphinx's search, the site copy and git see one changed card."""
    import shutil

    from planeval.book import targets
    from planeval.book.build import Edition
    from planeval.config import load_plan
    from planeval.data import dataset

    monkeypatch.setattr(dataset.paths, "BUILD", tmp_path / "_build")
    folder = tmp_path / "plan"
    shutil.copytree(SYNTHETIC_PLAN, folder)
    edition = Edition(load_plan(folder), 2028, tmp_path / "root", False)
    first = targets.write_cards(edition, log=lambda *_: None)
    assert len(first) == 14 and "targets.md" in first          # 13 targets and their list, all new
    written = {p: p.stat().st_mtime_ns for p in (edition.book / "targets").glob("*.html")}
    obs = folder / "observations.csv"
    text = obs.read_text(encoding="utf-8")
    assert text.count("syn_level,2027,110,level,,110,") == 1
    obs.write_text(text.replace("syn_level,2027,110,level,,110,", "syn_level,2027,111,level,,111,"), encoding="utf-8")
    assert targets.write_cards(edition, log=lambda *_: None) == ["targets/syn_level.html"]
    assert "111" in (edition.book / "targets" / "syn_level.html").read_text(encoding="utf-8")
    assert {p for p, t in written.items() if p.stat().st_mtime_ns != t} == {edition.book / "targets" / "syn_level.html"}
    assert targets.current(edition) and targets.review_cards(edition) == []
