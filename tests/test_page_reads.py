"""A page declaring `reads: [presence]` (planeval/book/pages.yml) is not re-executed when a figure changes, only
when a row, a source, a note or the presence of a figure does. Held here: such a page's output, computed as its
template computes it, is the same for every plan with the figures as published and with them altered every way
that matters to the engine (scaled, negated, set to zero, releases of a year made equal or different, shuffled
between years), although the verdicts change. A page that starts showing a figure or a verdict fails here and
must read `all`."""
from __future__ import annotations

import csv
import json
import random
import shutil

import pytest

import planeval.report.glue as glue_module
from planeval import paths
from planeval.book.fingerprint import data_inputs
from planeval.book.pages import pages_for
from planeval.config import load_plan
from planeval.engine.result import JUDGED
from planeval.report.context import open_report

EDITIONS = [("yinzhou-14th", 2023), ("yinzhou-14th", 2025), ("national-14th", 2023), ("national-15th", 2026)]


def _rows(folder):
    with open(folder / "observations.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def _write(folder, header, rows):
    with open(folder / "observations.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerows(rows)


def _altered(rows, how: str) -> list[dict]:
    """SYNTHETIC figures in place of the published ones, with the figure as printed and the quoted sentence to
    match; which rows have a figure is unchanged."""
    out = _figures(rows, how)
    for r in out:
        if r.get("value_text", "").strip():
            r["value_text"] = r["value"] or "SYNTHETIC"
        if r.get("quote", "").strip():
            r["quote"] = f"SYNTHETIC 原文：{r['value']}"
    return out


def _figures(rows, how: str) -> list[dict]:
    out = [dict(r) for r in rows]
    have = [r for r in out if r["value"].strip()]
    if how == "scaled":
        for r in have:
            r["value"] = f"{float(r['value']) * 1.37 + 0.5:.6g}"
    elif how == "negated":
        for r in have:
            r["value"] = f"{-float(r['value']) - 1:.6g}"
    elif how == "zero":
        for r in have:
            r["value"] = "0"
    elif how in ("releases_equal", "releases_apart"):
        groups = {}
        for r in have:
            groups.setdefault((r["indicator_id"], r["year"], r.get("value_kind", "")), []).append(r)
        for group in groups.values():
            for i, r in enumerate(group):
                r["value"] = group[0]["value"] if how == "releases_equal" else f"{float(group[0]['value']) + 0.11 * i:.6g}"
    elif how == "shuffled":
        rng = random.Random(0)
        by_id = {}
        for r in have:
            by_id.setdefault(r["indicator_id"], []).append(r)
        for group in by_id.values():
            values = [r["value"] for r in group]
            rng.shuffle(values)
            for r, v in zip(group, values):
                r["value"] = v
    else:
        raise ValueError(how)
    return out


def _output(template, folder, year, monkeypatch) -> list:
    """What the page shows (every display and every glued value), its template's code run without a kernel."""
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(
        getattr(o, "data", None) if getattr(o, "data", None) is not None else repr(o) for o in objs))
    monkeypatch.setattr(glue_module, "glue_numbers", lambda values: shown.append(json.dumps(values, sort_keys=True,
                                                                                           default=str)))
    nb = json.loads((paths.TEMPLATES / template).read_text(encoding="utf-8"))
    scope = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            scope.update(eval_year=year, data_dir=str(folder))
            continue
        exec(compile(source, template, "exec"), scope)
    return shown


def _presence_pages(plan, year):
    return [p for p in pages_for(load_plan(plan), year) if "presence" in p.reads]


def test_the_pages_declaring_presence_are_the_data_and_maintenance_pages():
    """The list is the declaration's; this names what it is today, so a page added to it is seen in review."""
    assert {p.file for p in _presence_pages("yinzhou-14th", 2023)} == {"data_sources", "maintenance"}


@pytest.mark.slow
@pytest.mark.parametrize("plan,year", EDITIONS)
def test_a_presence_page_shows_no_figure_and_no_verdict(plan, year, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path / "_build")   # the assessment caches of the altered copies
    original = tmp_path / "as-published"
    shutil.copytree(load_plan(plan).folder, original)
    pages = _presence_pages(plan, year)
    assert pages
    expected = {p.file: _output(p.template, original, year, monkeypatch) for p in pages}
    header, rows = _rows(original)
    verdicts_changed = False
    for how in ("scaled", "negated", "zero", "releases_equal", "releases_apart", "shuffled"):
        folder = tmp_path / how
        shutil.copytree(original, folder)
        _write(folder, header, _altered(rows, how))
        for p in pages:
            # the build would not re-execute the page: its inputs key is the same
            assert data_inputs(p.reads, folder, p.chapter) == data_inputs(p.reads, original, p.chapter)
            assert _output(p.template, folder, year, monkeypatch) == expected[p.file], (p.file, how)
        verdicts_changed |= not open_report(str(folder), year).current["status"].equals(
            open_report(str(original), year).current["status"])
    # the alterations reached the verdicts (an edition with any on data): the pages' sameness is not for lack of change
    assert verdicts_changed or not open_report(str(original), year).current["status"].isin(JUDGED).any()


def _inputs(folder):
    return data_inputs(["presence"], folder), data_inputs(["all"], folder)


def test_presence_changes_with_a_row_a_note_a_source_or_a_figure_coming_or_going(tmp_path):
    """SYNTHETIC plan folder: what re-executes a presence page, and the one thing that does not."""
    (tmp_path / "plan.yml").write_text("source_id: s0\n")
    (tmp_path / "sources.csv").write_text("source_id,title\ns0,SYNTHETIC plan\ns1,SYNTHETIC one\n")
    obs = tmp_path / "observations.csv"
    base = ("indicator_id,year,value,value_text,source_id,quote,note\n"
            "x,2021,1.5,1.5,s1,SYNTHETIC 为1.5,\nx,2022,2.5,2.5,s1,SYNTHETIC 为2.5,\n")
    cases = {"figure corrected": base.replace("2.5", "2.75"),
             "figure withdrawn": base.replace("2.5,2.5,s1,SYNTHETIC 为2.5", ",,s1,"),
             "row added": base + "x,2023,3,s1,\n",
             "note added": base.replace("为2.5,", "为2.5,SYNTHETIC note"),
             "source changed": base.replace("2.5,s1", "2.5,s0")}
    obs.write_text(base)
    before = _inputs(tmp_path)
    changed = {}
    for name, text in cases.items():
        obs.write_text(text)
        after = _inputs(tmp_path)
        changed[name] = (after[0] != before[0], after[1] != before[1])
    assert changed == {"figure corrected": (False, True), "figure withdrawn": (True, True), "row added": (True, True),
                       "note added": (True, True), "source changed": (True, True)}
