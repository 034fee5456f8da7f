"""What looking at every page on a 390 px phone and a 1280 px desktop found, as fast checks of the stylesheet and
the chart specs (tests/test_site_browser.py measures the same things in a real browser, on the built book)."""
import math
import re

from planeval import paths
from planeval.report import charts
from planeval.report.fmt import html_table

CSS = (paths.ROOT / "book" / "_static" / "report.css").read_text(encoding="utf-8")
PHONE_CHART = 358   # a 390 px phone's chart container (the page's padding taken off)


def columns_at(width: int, names) -> int:
    """The legend's column count as Vega computes it from the spec's expression, at a container ``width``."""
    expr = charts.legend_columns(names)["expr"]
    per = int(re.fullmatch(r"max\(1, floor\(containerSize\(\)\[0\] / (\d+)\)\)", expr).group(1))
    return max(1, math.floor(width / per))


def test_a_long_legend_entry_gets_a_column_of_its_own_on_a_phone():
    # 实际值（第五次全国经济普查修订后）: 16 CJK characters of 11 px, about 190 px with its symbol: two 170 px
    # columns ran off the chart's right edge on a phone
    assert columns_at(PHONE_CHART, ["实际值", "规划路径", "实际值（第五次全国经济普查修订后）"]) == 1
    assert columns_at(PHONE_CHART, ["实际值", "规划路径", "按当前速度外推"]) == 2
    assert columns_at(800, ["实际值", "实际值（第五次全国经济普查修订后）"]) == 3


def test_verdicts_and_their_notes_are_at_least_14px_on_screen():
    """The verdict chip was .9em of a 14 px cell (12.6 px), its 待核实 note 12.3 px, the 约束性 tag 11.6 px."""
    assert re.search(r"\.status-chip \{[^}]*font-size: max\(\.9em, 14px\)", CSS)
    assert re.search(r"\.report-table \.verify \{[^}]*font-size: max\(\.88em, 14px\)", CSS)
    assert re.search(r"\.binding-tag \{[^}]*font-size: max\(\.78em, 13px\)", CSS)


def test_a_phone_cards_label_column_holds_a_nine_character_header():
    """2020年完成情况 (nine characters, about 7.3em) ran into its value in a 7.2em label column."""
    label = re.search(r"td::before \{ content: attr\(data-label\); float: left; width: ([\d.]+)em;\s*margin-left: -([\d.]+)em",
                      CSS)
    width, indent = float(label.group(1)), float(label.group(2))
    assert width >= 7.5 and indent - width >= 0.6
    assert f"padding: .16em 0 .16em {label.group(2)}em" in CSS


def test_a_numeric_columns_header_aligns_with_its_figures():
    table = html_table([{"unit": "SYNTHETIC局", "n": 13}], [("unit", "责任单位"), ("n", "请求项数")], numeric={"n"})
    assert '<th scope="col" class="num" role="columnheader">请求项数</th>' in table
    assert '<th scope="col" role="columnheader">责任单位</th>' in table
    assert "table.report-table thead th.num { text-align: right; }" in CSS


def test_a_new_basis_and_another_territory_are_told_apart_by_colour():
    """The 2025 book drew 实际值（区本级，规划期前） and 实际值（第五次全国经济普查修订后） in the same purple: a reader
    took the new basis for another territory. SYNTHETIC values."""
    import pandas as pd

    rows = [(2020, 90, "实际值（区本级，规划期前）", "区本级"), (2022, 95, "实际值（区本级）", "区本级"),
            (2020, 100, "实际值（规划期前）", ""), (2023, 110, "实际值", ""), (2025, 130, "实际值（SYNTHETIC修订后）", "")]
    frame = pd.DataFrame([{"year": y, "value": v, "series": s, "source": "SYNTHETIC", "scope": "", "note": "",
                           "segment": s, "marker": m} for y, v, s, m in rows])
    spec = charts.indicator_chart(frame, title="SYNTHETIC", unit="亿元").to_dict(validate=False)
    scale = next(layer["encoding"]["color"]["scale"] for layer in spec["layer"] if "color" in layer.get("encoding", {}))
    colours = dict(zip(scale["domain"], scale["range"]))
    assert colours["实际值（区本级）"] == charts.OTHER_TERRITORY_COLOURS[0]
    assert colours["实际值（区本级，规划期前）"] == charts.OTHER_TERRITORY_COLOURS[1]
    assert colours["实际值（SYNTHETIC修订后）"] == charts.NEW_BASIS_COLOUR not in charts.OTHER_TERRITORY_COLOURS
    assert colours["实际值"] == charts.SERIES_COLOURS["实际值"]


def test_footnote_marks_and_source_grades_are_legible():
    """① beside a name was .75em of a 14 px cell (10.5 px); a card's source grade 11.9 px."""
    assert re.search(r"sup\.note-mark \{[^}]*font-size: max\(\.75em, 12px\)", CSS)
    cards_css = (paths.ROOT / "book" / "_static" / "targets.css").read_text(encoding="utf-8")
    assert re.search(r"\.tc-grade \{[^}]*font-size: max\(\.85em, 13px\)", cards_css)


def test_completion_and_time_share_stand_together_on_a_desktop():
    """In document order the time share fell alone on a third line under the verdict, two columns from the
    completion it is compared with: both go under the outlook, target and baseline under the verdict."""
    table = "table.report-table.status-table:has(> thead th:nth-child(8)) > tbody"
    for label, area in (("规划目标", "2 / 2 / 3 / 4"), ("基期值", "3 / 2 / 4 / 4"), ("完成进度", "2 / 4 / 3 / 5"),
                        ("时间进度", "3 / 4 / 4 / 5")):
        assert f'{table} td[data-label="{label}"] {{ grid-area: {area}; }}' in CSS


def test_a_final_editions_baseline_stands_under_the_latest_value():
    """Without outlook and pace columns the baseline fell under the verdict chip and broke inside （2019年）."""
    assert ('table.report-table.status-table:not(:has(> thead th:nth-child(8))) > tbody td[data-label="基期值"] '
            '{ grid-column: 3 / 5; }') in CSS


def test_a_cards_unused_values_keep_value_and_scope_whole():
    cards_css = (paths.ROOT / "book" / "_static" / "targets.css").read_text(encoding="utf-8")
    assert ('table.tc-unused td[data-label="数值"], table.tc-unused td[data-label="口径"] { white-space: nowrap; }'
            in cards_css)
