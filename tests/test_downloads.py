"""The downloads (planeval.book.publish) as a reader opens them: Chinese headers, numbers written as the pages
write them (62%, not 0.61646725), the target as the page words it (no literal '--), the audit record as one
row per value with Chinese headers, an Excel workbook with a frozen header, column widths and number formats,
a machine file that keeps its codes with a dictionary of its columns, and no cell a spreadsheet would run as a
formula. SYNTHETIC rows (tests/synthetic.py) with hand-computed values, and real rows of the default plan."""
import csv
import io
import math

import openpyxl
import pytest
from synthetic import obs, reg, report_for

from planeval.book import build
from planeval.book.publish import (USES, _csv_bytes, as_text, defuse, machine_dictionary, reader_formats,
                                   reader_table, value_uses, xlsx_bytes)
from planeval.labels import label
from planeval.report.context import open_report

PAYLOADS = ['=HYPERLINK("http://evil.example/x","点击")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "-A1", "-1+1", "\t=1+1", "\r=1+1"]


def rows_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def synthetic():
    # SYNTHETIC: baseline 10 (2020), target 20 (2025), linear; 2022 = 13 and 2023 = 16.5 全区; 2023 = 99 区本级
    # (another scope: left out); 2019 = 9 (before the window: context only). By hand: progress (16.5−10)/(20−10)
    # = 0.65 → 65%; time (2023−2020)/(2025−2020) = 0.6 → 60%; pace 0.65/0.6 = 1.0833 → 1.08.
    registry = reg(id="x", name_zh="SYNTHETIC产值", unit="亿元", baseline_value=10.0, target_value=20.0,
                   target_text="20", path_type="linear")
    observations = obs((2019, 9.0), (2022, 13.0), (2023, 16.5), source_id="syn_a")
    other = obs((2023, 99.0), scope="区本级", source_id="syn_b")
    import pandas as pd
    return report_for(registry, pd.concat([observations, other], ignore_index=True))


def test_reader_csv_writes_numbers_as_the_pages_do(synthetic):
    reader = reader_table(synthetic)
    row = rows_of(_csv_bytes(as_text(reader, reader_formats(reader))))[0]
    assert row["编号"] == "x" and row["指标"] == "SYNTHETIC产值" and row["单位"] == "亿元"
    assert (row["最新值"], row["最新数据年份"], row["口径"]) == ("16.5", "2023", "全区")
    assert (row["完成进度"], row["时间进度"], row["进度比"]) == ("65%", "60%", "1.08")
    assert (row["基期值"], row["基期年份"], row["规划目标"]) == ("10", "2020", "20亿元")
    assert all("\u4e00" <= h[0] <= "\u9fff" for h in row), f"a header is not Chinese: {list(row)}"


def test_workbook_keeps_numbers_with_the_pages_format_frozen_header_and_widths(synthetic):
    reader = reader_table(synthetic)
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"评估结果": reader, USES: value_uses(synthetic)},
                                                        reader_formats(reader))))
    ws = book["评估结果"]
    head = [c.value for c in ws[1]]
    cell = ws.cell(2, head.index("完成进度") + 1)
    assert cell.value == pytest.approx(0.65) and cell.number_format == "0%"     # a number, shown as 65%
    assert ws.cell(2, head.index("进度比") + 1).number_format == "0.00"
    assert ws.cell(2, head.index("最新数据年份") + 1).value == 2023
    assert ws.freeze_panes == "C2" and all(c.font.b for c in ws[1])
    widths = {head[i]: ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(len(head))}
    assert widths["依据"] > widths["单位"] > 0 and widths["指标"] >= 2 * len("SYNTHETIC产值") / 1.5
    assert book[USES].freeze_panes == "C2"


def test_audit_record_is_one_row_per_value_with_chinese_headers(synthetic):
    uses = value_uses(synthetic)
    rows = rows_of(_csv_bytes(as_text(uses, reader_formats(uses))))
    assert list(rows[0]) == ["编号", "指标", "用途", "年份", "数值", "单位", "数值类型", "口径", "发布类型", "来源", "来源编号", "说明"]
    seen = {(r["用途"], r["年份"], r["数值"], r["口径"], r["来源编号"]) for r in rows}
    assert seen == {("用于评估", "2022", "13", "全区", "syn_a"), ("用于评估", "2023", "16.5", "全区", "syn_a"),
                    ("未采用", "2023", "99", "区本级", "syn_b"), ("仅作背景（早于评估期）", "2019", "9", "全区", "syn_a")}
    left_out = next(r for r in rows if r["用途"] == "未采用")
    assert "区本级" in left_out["说明"] and "不参与评分" in left_out["说明"]
    assert left_out["来源"] == "SYNTHETIC来源syn_b" and left_out["单位"] == "亿元"


def test_machine_file_keeps_codes_and_every_column_has_a_chinese_header(synthetic):
    dictionary = machine_dictionary(synthetic.results)
    assert list(dictionary.iloc[:, 0]) == list(synthetic.results.columns)
    assert dict(zip(dictionary.iloc[:, 0], dictionary.iloc[:, 1]))["progress_share"] == "完成进度"
    machine = rows_of(_csv_bytes(synthetic.results))[0]
    assert machine["status"] == "on_track"  # pace 1.08: between 0.95 and 1.1 (rules.yml)
    assert float(machine["progress_share"]) == pytest.approx(0.65)


def test_defuse_keeps_ordinary_text_and_numbers_and_stops_formulas():
    for p in PAYLOADS:
        assert defuse(p) == "'" + p
    for text in ("--", "-", "- -", "-0.5", "+3", "-3%", "+1,234.5", "1.5e3", ".5", "地区生产总值"):
        assert defuse(text) == text


def test_workbook_shows_a_formula_like_text_as_written_but_never_runs_it():
    import pandas as pd

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": pd.DataFrame({"原文": PAYLOADS, "数": [-0.5] * len(PAYLOADS)})})))
    cells = list(book["t"].iter_rows(min_row=2))
    assert [c[0].value for c in cells] == [p.replace("\r", "\n") for p in PAYLOADS]   # no apostrophe shown
    assert all(c[0].data_type == "s" and c[0].quotePrefix for c in cells)             # text, kept text when edited
    assert {c[1].value for c in cells} == {-0.5}


def test_real_rows_of_the_default_plan():
    """宁波市鄞州区 t2_01 地区生产总值: 2020 2266.1 → 2023 2803.3 亿元, target 3200 in 2025, geometric path. By hand:
    ln(2803.3/2266.1)/ln(3200/2266.1) = 0.21272/0.34508 = 0.6165 → 62%; time 3/5 → 60%; pace 1.03."""
    edition = build.edition_for()
    rep = open_report(str(edition.plan.folder), edition.year)
    reader = reader_table(rep)
    rows = {r["编号"]: r for r in rows_of(_csv_bytes(as_text(reader, reader_formats(reader))))}
    if "t2_01" not in rows or rows["t2_01"]["最新数据年份"] != "2023":
        pytest.skip("the default edition's data changed")
    share = math.log(2803.3 / 2266.1) / math.log(3200 / 2266.1)
    assert rows["t2_01"]["完成进度"] == f"{share * 100:.0f}%" == "62%"
    assert rows["t2_01"]["进度比"] == f"{share / 0.6:.2f}" == "1.03"
    # the plan's cell for 一般公共预算收入增长率 reads "--": the page's wording, not a defused '--
    assert rows["t2_03"]["规划目标"] == "年均增长5.0%"   # as printed (5.0)
    assert not [(k, c) for r in rows.values() for k, c in r.items() if c and c.startswith("'")]
    uses = value_uses(rep)
    used = [r for r in rows_of(_csv_bytes(as_text(uses, reader_formats(uses)))) if r["编号"] == "t2_01" and r["用途"] == label("audit_use", "observations_used")]
    assert {(r["年份"], r["数值"], r["来源编号"]) for r in used} >= {("2023", "2803.3", "yz_plan_exec_2023")}


def test_a_compared_series_is_named_with_its_own_unit():
    """National m02 全员劳动生产率增长 is compared with m01 GDP growth: those rows say so (real rows)."""
    from planeval import paths

    rep = open_report(str(paths.plan_dir("national-14th")), 2023)
    uses = value_uses(rep)
    rows = uses[(uses["编号"] == "m02") & (uses["用途"] == label("audit_use", "related_observations_used"))]
    if rows.empty:
        pytest.skip("national m02 is no longer compared with another series")
    assert set(rows["说明"]) == {f"对照指标：{rep.name('m01')}"} and set(rows["单位"]) == {str(rep.ds.units.get("m01"))}
