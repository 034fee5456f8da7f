"""Charts: the data behind them (chartdata) and the Vega-Lite they become (charts), on SYNTHETIC data only, plus
a real-browser test that hostile text in chart data is shown as text and never runs (issue 17 #5)."""
import json

import pandas as pd
import pytest
from browser_support import Visit, chromium

from planeval import paths
from planeval.report import charts
from planeval.report.chartdata import (COLUMNS, SERIES_ACTUAL, SERIES_CONTEXT, SERIES_PLAN, SERIES_PROJECTION,
                                       chart_frame, planned_path, with_segments)

# ------------------------------------------------------------------ synthetic inputs (not real figures)
SOURCES = pd.DataFrame({"source_id": ["s1", "s2"], "title": ["合成来源甲", "合成来源乙"]})
REGISTRY = {"id": "syn_gdp", "target_form": "level", "target_value": 160.0, "target_year": 2025,
            "baseline_year": 2020, "baseline_value": 100.0, "path_type": "linear"}
RESULT = {"start_year": 2020, "start_value": 100.0, "latest_year": 2023, "latest_value": 130.0,
          "projected_value": 150.0}


def observations(rows):
    return pd.DataFrame([{"indicator_id": "syn_gdp", "value_kind": "level", "months_covered": 12, "note": "",
                          "source_id": "s1", **r} for r in rows])


def frame_for(rows, scopes=("全区", "未注明")):
    return chart_frame(RESULT, observations(rows), SOURCES, REGISTRY, scopes, first_year=2021)


# ------------------------------------------------------------------ chartdata
def test_planned_path_linear_and_geometric_by_hand():
    linear = planned_path(2020, 100, 2025, 150, "linear")
    assert list(linear["value"]) == [100, 110, 120, 130, 140, 150]
    geometric = planned_path(2020, 100, 2022, 400, "geometric")
    assert list(geometric["value"]) == pytest.approx([100, 200, 400])  # doubling each year
    assert planned_path(2020, None, 2025, 150, "linear").empty
    assert planned_path(2025, 100, 2020, 150, "linear").empty


def test_values_are_separated_by_period_and_territory():
    f = frame_for([{"year": 2020, "value": 100.0, "scope": "全区"},
                   {"year": 2020, "value": 80.0, "scope": "区本级"},
                   {"year": 2022, "value": 120.0, "scope": "未注明"},
                   {"year": 2023, "value": 130.0, "scope": "全区"},
                   {"year": 2023, "value": 104.0, "scope": "区本级"}])
    obs = f[f["series"].str.startswith(SERIES_ACTUAL)].set_index(["year", "scope"])
    assert obs.loc[(2020, "全区"), "series"] == SERIES_CONTEXT              # before the window: context
    assert obs.loc[(2020, "区本级"), "series"] == "实际值（区本级，规划期前）"
    assert obs.loc[(2022, "未注明"), "series"] == SERIES_ACTUAL             # a compatible scope joins the line
    assert obs.loc[(2023, "区本级"), "series"] == f"{SERIES_ACTUAL}（区本级）"
    # the other territory is marked for the chart; the plan's own territory is not
    assert obs.loc[(2023, "区本级"), "marker"] == "区本级" and obs.loc[(2023, "全区"), "marker"] == ""
    assert list(f.columns) == COLUMNS


def test_plan_path_and_projection_by_hand():
    f = frame_for([{"year": 2023, "value": 130.0, "scope": "全区"}])
    plan = f[f["series"] == SERIES_PLAN]
    assert list(plan["year"]) == list(range(2020, 2026))
    assert list(plan["value"]) == pytest.approx([100, 112, 124, 136, 148, 160])
    proj = f[f["series"] == SERIES_PROJECTION]
    assert list(zip(proj["year"], proj["value"])) == [(2023, 130.0), (2025, 150.0)]


def test_a_missing_year_splits_the_line_into_segments():
    f = frame_for([{"year": y, "value": v, "scope": "全区"} for y, v in ((2021, 110.0), (2023, 130.0), (2024, 135.0))])
    actual = f[f["series"] == SERIES_ACTUAL].set_index("year")["segment"]
    assert actual[2021] != actual[2023] and actual[2023] == actual[2024]
    # the plan path is continuous and the projection one dashed piece, whatever the gap between its two points
    assert f[f["series"] == SERIES_PLAN]["segment"].nunique() == 1
    assert f[f["series"] == SERIES_PROJECTION]["segment"].nunique() == 1


def test_with_segments_keeps_row_order_and_handles_empty():
    rows = pd.DataFrame({"year": [2024, 2021, 2022], "value": [1.0, 2.0, 3.0], "series": [SERIES_ACTUAL] * 3,
                         "source": "", "scope": "", "note": "", "marker": ""})
    out = with_segments(rows)
    assert list(out["year"]) == [2024, 2021, 2022]
    assert list(out["segment"]) == [f"{SERIES_ACTUAL}#1", f"{SERIES_ACTUAL}#0", f"{SERIES_ACTUAL}#0"]
    assert with_segments(pd.DataFrame(columns=COLUMNS)).empty


# ------------------------------------------------------------------ charts (the Vega-Lite spec)
def spec_of(chart):
    return chart.to_dict()


def layer(spec, name):
    return next(l for l in spec["layer"] if l.get("name") == name)


def sample_chart(**kw):
    f = frame_for([{"year": 2020, "value": 80.0, "scope": "区本级"},
                   {"year": 2021, "value": 110.0, "scope": "全区"},
                   {"year": 2023, "value": 130.0, "scope": "全区"}])
    return charts.indicator_chart(f, title="合成指标", unit="亿元", target_value=160.0, target_year=2025, **kw)


def test_indicator_chart_follows_its_container_with_a_numeric_year_axis():
    spec = spec_of(sample_chart())
    assert spec["width"] == "container" and spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    x = layer(spec, "observed_points")["encoding"]["x"]
    assert x["type"] == "quantitative" and x["axis"]["format"] == "d"   # 2021→2023 twice as long as 2021→2022
    assert x["scale"]["domain"] == [2020, 2025]
    assert x["axis"]["values"] == list(range(2020, 2026))


def test_observed_values_are_points_drawn_last_and_lines_follow_segments():
    spec = spec_of(sample_chart())
    names = [l["name"] for l in spec["layer"]]
    # observed values on top of the plan path, the projection and the target: a one-point series stays visible
    assert names.index("observed_points") > max(names.index(n) for n in
                                                ("plan_path", "projection_line", "projection_points", "target_point"))
    points = layer(spec, "observed_points")
    assert points["mark"]["type"] == "point" and points["mark"]["filled"] is True
    assert layer(spec, "observed_line")["encoding"]["detail"]["field"] == "segment"
    assert layer(spec, "plan_path")["encoding"]["detail"]["field"] == "segment"


def test_other_territory_is_a_labelled_triangle_and_has_its_own_legend_entry():
    spec = spec_of(sample_chart())
    shape = layer(spec, "observed_points")["encoding"]["shape"]
    assert shape["condition"]["value"] == "triangle-up" and "marker" in shape["condition"]["test"]
    assert layer(spec, "territory_label")["encoding"]["text"]["field"] == "marker"
    colour = layer(spec, "observed_points")["encoding"]["color"]
    assert "实际值（区本级，规划期前）" in colour["scale"]["domain"]
    assert colour["legend"]["orient"] == "bottom"
    assert colour["scale"]["domain"][0] == SERIES_ACTUAL   # observed values first in the legend


def test_empty_layers_are_left_out():
    """A layer with no rows makes Vega warn about an infinite extent; only layers with data are drawn."""
    f = frame_for([{"year": 2023, "value": 130.0, "scope": "全区"}])
    spec = spec_of(charts.indicator_chart(f[f["series"] == SERIES_ACTUAL], title="合成", unit="%"))
    assert [l["name"] for l in spec["layer"]] == ["observed_line", "observed_points"]


def test_pace_chart_sort_survives_the_layers():
    frame = pd.DataFrame({"name": ["甲", "乙", "丙"], "progress": [0.5, 0.7, 0.2], "time": [0.4, 0.6, 0.6],
                          "pace": [1.25, 1.17, 0.33], "status_zh": ["快于预期", "符合预期", "滞后"],
                          "colour": ["#1", "#2", "#3"]})
    spec = spec_of(charts.pace_chart(frame))
    for l in spec["layer"]:
        # Vega-Lite drops a plain field sort on a layered (unioned) domain; an aggregated one is kept
        assert l["encoding"]["y"]["sort"] == {"field": "pace", "op": "max", "order": "descending"}
    assert layer(spec, "pace_bars")["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert spec["width"] == "container" and spec["height"] == 3 * 46


def test_long_titles_wrap_at_punctuation():
    assert charts.wrap_title("短标题") == "短标题"
    lines = charts.wrap_title("国家级、省级“引才工程”“甬江引才工程”人才团队数（人/个）")
    assert lines == ["国家级、省级“引才工程”", "“甬江引才工程”人才团队数（人/个）"]
    assert all(len(line) <= charts.TITLE_CHARS for line in charts.wrap_title("甲" * 50))


HOSTILE_NOTE = "</script><script>window.__pwned = 'note'; alert(1)</script>"
HOSTILE_SOURCE = "<img src=x onerror=\"window.__pwned = 'source'; alert(2)\">"
HOSTILE_TITLE = "合成<svg onload=alert(3)>指标\u2028</script>"


def hostile_chart_html():
    charts.enable_offline()
    f = frame_for([{"year": 2021, "value": 110.0, "scope": "全区", "note": HOSTILE_NOTE},
                   {"year": 2023, "value": 130.0, "scope": "全区"}])
    f.loc[f["series"] == SERIES_ACTUAL, "source"] = HOSTILE_SOURCE
    chart = charts.indicator_chart(f, title=HOSTILE_TITLE, unit="亿元", target_value=160.0, target_year=2025)
    bundle = chart._repr_mimebundle_()
    return (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]


def test_hostile_chart_text_cannot_leave_its_context():
    html = hostile_chart_html()
    script = html[html.index("<script"):]
    body = script[script.index(">") + 1:script.rindex("</script>")]
    assert "</script" not in body.lower() and "<" not in body and "\u2028" not in body
    spec = json.loads(body[body.index("var spec = ") + len("var spec = "):body.index(";\n")])
    assert HOSTILE_NOTE in json.dumps(spec, ensure_ascii=False)   # still there, as data
    label = html[html.index('aria-label="') + 12:]
    assert "<" not in label[:label.index('"')]
    assert html == hostile_chart_html()                              # deterministic output (nbval, git)


@pytest.mark.slow
def test_hostile_chart_text_is_shown_as_text_in_a_real_browser(tmp_path, chromium_path):
    bundle = charts.write_vega_bundle(tmp_path)
    css = (paths.STATIC / "report.css").read_text(encoding="utf-8")  # sizes the chart's container, as on the site
    page = tmp_path / "chart.html"
    page.write_text(f'<!doctype html><meta charset="utf-8"><style>{css}</style><script src="{bundle.name}"></script>'
                    f'<div style="width:640px">{hostile_chart_html()}</div>', encoding="utf-8")
    with chromium(chromium_path) as browser:
        visit = Visit(browser, page.as_uri(), width=800)
        visit.wait_for_charts()
        p = visit.page
        state = p.evaluate("""() => ({pwned: window.__pwned === undefined ? null : window.__pwned,
            imgs: document.querySelectorAll('img').length, scripts: document.querySelectorAll('script').length,
            svgInHtml: document.querySelectorAll('div.vega-chart svg').length,
            label: document.querySelector('div.vega-chart').getAttribute('aria-label'),
            svgText: [...document.querySelectorAll('div.vega-chart svg text')].map(t => t.textContent).join('|')})""")
        # hover the 2021 point: its tooltip holds the hostile note and source title, as text
        p.locator("g.observed_points_marks path").first.hover(force=True)
        tooltip = p.locator("#vg-tooltip-element")
        tooltip.wait_for(state="visible", timeout=5000)
        tip_text, tip_imgs = tooltip.inner_text(), tooltip.locator("img, script").count()
        visit.close()
    assert visit.dialogs == [] and visit.errors == [], (visit.dialogs, visit.errors)
    assert state["pwned"] is None and state["imgs"] == 0
    assert state["scripts"] == 2                      # the bundle and the chart's own script, nothing injected
    assert state["svgInHtml"] == 1                    # the chart's SVG; the title's <svg onload> is not an element
    assert HOSTILE_TITLE.replace("\u2028", "") in state["label"].replace("\u2028", "")
    assert "<svg onload=alert(3)>" in state["svgText"]
    assert HOSTILE_NOTE in tip_text and HOSTILE_SOURCE in tip_text and tip_imgs == 0
