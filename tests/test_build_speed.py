"""What keeps a build fast, asserted as behaviour (the timings themselves are `make bench`'s, not tests'):
a page without charts never imports altair, ... All on the SYNTHETIC plan."""
import json
import subprocess
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
