"""A corrected figure re-renders only what shows it (issue 24): the pages reading only which figures exist are not
re-executed, a re-executed page whose output came out the same keeps its file's date (so Sphinx does not read it
again), and the site's copy of every page source is the book's file as it is now. SYNTHETIC plan."""
import json
import re
import shutil

import pytest

from conftest import SYNTHETIC_PLAN, copy_root, run_build
from planeval.book.build import same_page

pytestmark = pytest.mark.slow
# the figure, the figure as printed and the sentence quoting it, corrected together (as an import of a corrected
# figure from the same source would)
FIGURE = "syn_level,2027,110,level,,110,,全市,SYNTHETIC 全市,12,,,,syn_stats,SYNTHETIC 合成产出总量 2027年：110,"
CORRECTED = FIGURE.replace("110", "111")


def _outputs(nb: dict) -> list:
    return [c.get("outputs") for c in nb["cells"]]


def test_a_corrected_figure_re_renders_only_the_pages_whose_output_changed(synthetic_book, tmp_path):
    root = copy_root(synthetic_book, tmp_path / "root")
    plan = shutil.copytree(SYNTHETIC_PLAN, tmp_path / "plan")
    args = ("--plan", plan, "--eval-year", "2028", "--out", root)
    first = run_build(*args)      # another plan folder: every page runs once with its path
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-2000:]
    book, site = root / "book", root / "_build" / "html"
    before = {nb.stem: (nb.stat().st_mtime_ns, json.loads(nb.read_text(encoding="utf-8")))
              for nb in book.glob("*.ipynb")}
    obs = plan / "observations.csv"
    text = obs.read_text(encoding="utf-8")
    assert text.count(FIGURE) == 1
    obs.write_text(text.replace(FIGURE, CORRECTED), encoding="utf-8")

    second = run_build(*args)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    executed = set(re.findall(r"✓ (\w+)\s+\d+\.\d s", second.stdout))
    assert "data_sources" not in executed and re.search(r"= data_sources\s+unchanged", second.stdout)  # [presence]
    assert {"index", "prosperity"} <= executed
    kept, renewed = set(), set()
    for name in executed:
        mtime, old = before[name]
        new_nb = book / f"{name}.ipynb"
        new = json.loads(new_nb.read_text(encoding="utf-8"))
        assert new["metadata"]["planeval"]["inputs_fingerprint"] != old["metadata"]["planeval"]["inputs_fingerprint"]
        same = _outputs(new) == _outputs(old)
        (kept if new_nb.stat().st_mtime_ns == mtime else renewed).add(name)
        assert same == (name in kept), name
    # the chapter showing the figure changed; at least one page that shows no part of it came out the same
    assert "prosperity" in renewed and kept, (kept, renewed)
    assert "111" in json.dumps(_outputs(json.loads((book / "prosperity.ipynb").read_text(encoding="utf-8"))))
    for name in before:
        assert (site / "_sources" / "book" / f"{name}.ipynb").read_bytes() == (book / f"{name}.ipynb").read_bytes()


def test_same_page_ignores_the_inputs_key_alone(tmp_path):
    nb = {"cells": [{"cell_type": "code", "outputs": [{"text": "1"}]}],
          "metadata": {"planeval": {"inputs_fingerprint": "a", "parameters": {"eval_year": 2028}}}}
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"

    def pair(**changes):
        other = json.loads(json.dumps(nb))
        for path, value in changes.items():
            target = other
            *keys, last = path.split("/")
            for k in keys:
                target = target[int(k) if k.isdigit() else k]
            target[last] = value
        a.write_text(json.dumps(nb))
        b.write_text(json.dumps(other))
        return same_page(a, b)

    assert pair(**{"metadata/planeval/inputs_fingerprint": "b"})
    assert not pair(**{"cells/0/outputs": [{"text": "2"}]})
    assert not pair(**{"metadata/planeval/parameters": {"eval_year": 2029}})
    b.write_text("not a notebook")
    assert not same_page(a, b)
