"""Generate the bad filled-in files that tests/test_intake_bad_input.py feeds to the importer.

Each file breaks exactly one rule (SYNTHETIC content: it refers to the synthetic plan folder
tests/fixtures/intake/plan/). The generated files are committed beside this script; re-run it after a
change:

    python tests/bad_input/make_bad_files.py [OUT_DIR]
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import sys
import zlib
from pathlib import Path

from openpyxl import Workbook

HEADERS = ["指标编号", "指标名称", "单位", "应填口径", "上年已知数值", "年份", "数值", "口径",
           "来源标题", "来源网址", "发布日期", "数值原文/原句", "备注"]
SOURCE = ("SYNTHETIC 2024 年计划执行情况报告", "https://www.example.gov.cn/report2024")


def row(iid="t2_01", name="地区生产总值", unit="亿元", year=2024, value="3113", scope="全区",
        title=SOURCE[0], url=SOURCE[1], date="2025-03-01", quote="SYNTHETIC 原句", note=""):
    return [iid, name, unit, "全区", "", year, value, scope, title, url, date, quote, note]


GOOD = row()


def xlsx(path: Path, rows, headers=HEADERS, sheet="填报", title=True) -> None:
    """A workbook like the template: a merged title row, the header on row 2, data from row 3."""
    wb = Workbook()
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 1, 1)
    ws = wb.active
    ws.title = sheet
    r = 1
    if title:
        ws.cell(1, 1, "鄞州区“十四五”规划指标 2024 年数据填报表（SYNTHETIC 测试文件）")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        r = 2
    for c, h in enumerate(headers, start=1):
        ws.cell(r, c, h)
    for i, values in enumerate(rows, start=r + 1):
        for c, v in enumerate(values, start=1):
            ws.cell(i, c, None if v == "" else v)
    wb.save(path)


def merged_xlsx(path: Path) -> None:
    """Two rows whose 数值 (G) and 来源网址 (J) cells are merged: the second row would get the first's value."""
    xlsx(path, [GOOD, row(year=2023, value="", url="")])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["填报"]
    ws.merge_cells("G3:G4")
    ws.merge_cells("J3:J4")
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 1, 1)
    wb.save(path)


def unclosed_quote(path: Path) -> None:
    """Row 3 opens a quote in 数值原文/原句 and never closes it: the rest of the file would become one cell."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS)
    w.writerow(GOOD)
    text = buf.getvalue() + ",".join(str(x) for x in row(year=2023)[:11]) + ',"SYNTHETIC 原句,\r\n'
    text += ",".join(str(x) for x in row(year=2022)) + "\r\n"
    path.write_bytes(text.encode("utf-8-sig"))


def csv_file(path: Path, rows, encoding="utf-8-sig") -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def png(path: Path) -> None:
    """A real 1×1 PNG image, saved under a spreadsheet's name."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
    path.write_bytes(body)


def main(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = {
        "unknown_id.xlsx": lambda p: xlsx(p, [GOOD, row(iid="t2_99", name="")]),
        "unknown_name.csv": lambda p: csv_file(p, [GOOD, row(iid="", name="地区生产总额", year=2023)]),
        "non_numeric.xlsx": lambda p: xlsx(p, [GOOD, row(year=2023, value="待核实")]),
        "pct_over_100.xlsx": lambda p: xlsx(p, [GOOD, row("t2_14", "常住人口城镇化率", "%", value="105%")]),
        "unit_mismatch.xlsx": lambda p: xlsx(p, [GOOD, row(unit="万元", year=2023, value=28033000)]),
        "unit_suffix.csv": lambda p: csv_file(p, [GOOD, row(year=2023, value="28,033,000万元")], "gbk"),
        "year_outside.xlsx": lambda p: xlsx(p, [GOOD, row("t2_08", "R&D经费支出占GDP比重", "%", 2026, "3.2")]),
        "duplicate_rows.csv": lambda p: csv_file(p, [GOOD, row(year=2023, value="2803.3"),
                                                     row(value="3,120")], "gbk"),
        "missing_source.xlsx": lambda p: xlsx(p, [GOOD, row(year=2023, url="")]),
        "empty.csv": lambda p: p.write_bytes(b""),
        "no_values.xlsx": lambda p: xlsx(p, [row(value=""), row("t2_08", "R&D经费支出占GDP比重", "%", value="",
                                                                title="", url="", quote="")]),
        "wrong_sheet.xlsx": lambda p: xlsx(p, [GOOD], sheet="Sheet1"),
        "not_spreadsheet.xlsx": png,
        "notes.txt": lambda p: p.write_text("2024 年 地区生产总值 3113 亿元（SYNTHETIC）\n", encoding="utf-8"),
        "baseline_revision.xlsx": lambda p: xlsx(p, [GOOD, row(year=2020, value=2300)]),
        "missing_column.xlsx": lambda p: xlsx(p, [GOOD[:9] + GOOD[10:]], headers=HEADERS[:9] + HEADERS[10:]),
        "bad_scope.xlsx": lambda p: xlsx(p, [GOOD, row(year=2023, scope="宁波市")]),
        "several_problems.csv": lambda p: csv_file(p, [row(value="N/A"), row(year=2023, title=""),
                                                       row("t2_14", "常住人口城镇化率", "%", value="120")]),
        "merged_value.xlsx": merged_xlsx,
        "negative_count.xlsx": lambda p: xlsx(p, [GOOD, row("t2_09", "每万人拥有有效发明专利授权", "件", value="-3")]),
        "zero_gdp.xlsx": lambda p: xlsx(p, [GOOD, row(year=2023, value=0)]),
        "negative_share.csv": lambda p: csv_file(p, [GOOD, row("t2_14", "常住人口城镇化率", "%", value="-0.5")]),
        "unclosed_quote.csv": unclosed_quote,
    }
    paths = []
    for name, make in made.items():
        make(out / name)
        paths.append(out / name)
    return paths


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent):
        print(p)
