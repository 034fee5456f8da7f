"""Unit tests of the build machinery: fingerprints select exactly the pages whose inputs changed, chart
output is deterministic and offline, executed notebooks are cleaned of volatile metadata."""
import shutil

import altair as alt
import nbformat
import pandas as pd
import pytest

from yinzhou_eval import build, charts, paths
from yinzhou_eval.chartdata import planned_path
from yinzhou_eval.fingerprint import data_inputs, page_fingerprint
from yinzhou_eval.fmt import number, percent, value_with_unit
from yinzhou_eval.nbclean import clean_executed_notebook

# Synthetic data for the fingerprint tests (not real figures).
SYN_REGISTRY = "id,chapter,related_id\nsyn_a,economy,\nsyn_b,ecology,\n"
SYN_OBS = "indicator_id,year,value,source_id\nsyn_a,2021,1,s1\nsyn_b,2021,2,s2\n"
SYN_SOURCES = "source_id,title\ns1,synthetic one\ns2,synthetic two\n"


@pytest.fixture
def syn_data(tmp_path):
    (tmp_path / "indicators.csv").write_text(SYN_REGISTRY)
    (tmp_path / "observations.csv").write_text(SYN_OBS)
    (tmp_path / "sources.csv").write_text(SYN_SOURCES)
    (tmp_path / "series.csv").write_text("id,chapter\n")
    return tmp_path


def test_changing_one_chapters_data_changes_only_that_chapter_and_all(syn_data):
    before = {r: data_inputs([r], syn_data) for r in ("chapter:economy", "chapter:ecology", "all", "rules")}
    obs = syn_data / "observations.csv"
    obs.write_text(obs.read_text().replace("syn_a,2021,1", "syn_a,2021,5"))
    after = {r: data_inputs([r], syn_data) for r in before}
    assert before["chapter:economy"] != after["chapter:economy"]
    assert before["chapter:ecology"] == after["chapter:ecology"]
    assert before["all"] != after["all"]
    assert before["rules"] == after["rules"]


def test_unknown_reads_entry_is_an_error(syn_data):
    with pytest.raises(ValueError, match="unknown `reads` entry"):
        data_inputs(["everything"], syn_data)


def test_fingerprint_depends_on_parameters_and_template(tmp_path, syn_data):
    template = tmp_path / "t.ipynb"
    template.write_text("{}")
    page = {"file": "x", "reads": ["chapter:economy"]}
    a = page_fingerprint(page, template, {"eval_year": 2023}, 1, syn_data)
    assert a == page_fingerprint(page, template, {"eval_year": 2023}, 1, syn_data)
    assert a != page_fingerprint(page, template, {"eval_year": 2024}, 1, syn_data)
    template.write_text('{"changed": true}')
    assert a != page_fingerprint(page, template, {"eval_year": 2023}, 1, syn_data)


def test_toc_parts_follow_report_config():
    config = {"parts": [{"caption": "前言", "pages": [{"file": "index"}]},
                        {"caption": "甲", "numbered": True, "pages": [{"file": "a"}, {"file": "b"}]}]}
    toc = build.render_toc(config)
    assert "root: book/index" in toc
    assert "caption: 甲" in toc and "numbered: true" in toc and "file: book/b" in toc


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


def test_clean_executed_notebook_removes_timestamps(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00"}
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    injected = nbformat.v4.new_code_cell("eval_year = 2024")
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells = [cell, injected]
    nb.metadata["papermill"] = {"start_time": "2026-01-01", "duration": 3.2}
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    clean_executed_notebook(path, {"eval_year": 2024}, "abc")
    out = nbformat.read(path, as_version=4)
    assert "papermill" not in out.metadata and "papermill" not in out.cells[0].metadata
    assert "execution" not in out.cells[0].metadata
    assert "remove-cell" in out.cells[1].metadata["tags"]
    assert out.cells[1].id == "injected-parameters"  # papermill's random id would dirty git on every rebuild
    assert out.metadata["yinzhou_eval"] == {"parameters": {"eval_year": 2024}, "inputs_fingerprint": "abc"}


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


def test_plan_subset_ignores_the_other_plans_rows(tmp_path):
    (tmp_path / "indicators.csv").write_text("id,plan,chapter\nt1_01,13th,economy\nt2_01,14th,economy\n")
    (tmp_path / "observations.csv").write_text(
        "indicator_id,year,value,source_id\nt1_01,2020,1,plan_14th\nt2_01,2023,1,s\n")
    (tmp_path / "sources.csv").write_text("source_id,title\nplan_14th,p\ns,t\n")
    (tmp_path / "series.csv").write_text("id,chapter\n")
    before = data_inputs(["plan:13th"], tmp_path)
    obs = tmp_path / "observations.csv"
    obs.write_text(obs.read_text().replace("t2_01,2023,1", "t2_01,2023,2"))
    assert data_inputs(["plan:13th"], tmp_path) == before
    obs.write_text(obs.read_text().replace("t1_01,2020,1", "t1_01,2020,9"))
    assert data_inputs(["plan:13th"], tmp_path) != before


def test_assessment_cache_returns_the_same_results_and_follows_the_data(tmp_path, monkeypatch):
    from yinzhou_eval import dataset

    monkeypatch.setattr(dataset.paths, "BUILD", tmp_path / "_build")
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    ds = dataset.load_dataset(data)
    first = ds.assess(2023)
    cached = list((tmp_path / "_build" / "assess-cache").glob("*.pkl"))
    assert len(cached) == 1
    pd.testing.assert_frame_equal(ds.assess(2023), first)
    pd.testing.assert_frame_equal(ds.assess(2023), ds._assess(2023))
    obs = data / "observations.csv"
    obs.write_text(obs.read_text(encoding="utf-8").replace("2803.3,level", "2900.0,level", 1), encoding="utf-8")
    changed = dataset.load_dataset(data).assess(2023).set_index("id")
    assert changed.loc["t2_01", "latest_value"] == 2900.0
    assert len(list((tmp_path / "_build" / "assess-cache").glob("*.pkl"))) == 2
