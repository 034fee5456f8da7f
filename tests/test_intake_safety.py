"""Issue 17, the intake's part: nothing lost, nothing forged. Faults are injected (a paused process, a
process killed between two replaces), never left to timing; every plan folder is a tmp copy of the
SYNTHETIC fixture plan (tests/fixtures/intake/plan/).

1  two imports at once: the second waits for the first (one lock around read-check-merge-replace);
2  a crash during the final replace: the journal is rolled forward or back by the next run;
7  formula cells: published input downloads, the template and the request workbooks;
8  implausible values: suspicious ones warned (the refusals are in test_intake_bad_input.py);
10 unclear errors: an extra field in a data row names file and row, an unclosed quote names its row.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planeval.data.dataset import load_dataset
from planeval.data.schema import DataError, load_table
from planeval.intake.importer import import_file
from planeval.intake.template import write_template

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "intake"
GOOD = FIXTURES / "good_2024.xlsx"
HEAD = "指标编号,指标名称,单位,年份,数值,口径,来源标题,来源网址,数值原文/原句\r\n"

from conftest import snapshot  # noqa: E402


def one_row_csv(path: Path, iid: str, name: str, unit: str, year: int, value: str, url_tail: str) -> Path:
    """A returned file with one SYNTHETIC row."""
    line = f"{iid},{name},{unit},{year},{value},全区,SYNTHETIC {url_tail},https://www.example.gov.cn/{url_tail},SYNTHETIC 原句\r\n"
    path.write_bytes((HEAD + line).encode("utf-8-sig"))
    return path


def cli(*args, fault: str | None = None, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "PLANEVAL_INTAKE_FAULT"}
    if fault:
        env["PLANEVAL_INTAKE_FAULT"] = fault
    return subprocess.Popen([sys.executable, "-m", "planeval.intake", *map(str, args)], cwd=ROOT, env=env,
                            text=True, **kwargs)


def read_until(stream, marker: str) -> bool:
    """Read lines until one contains ``marker`` (True) or the stream ends (False). No clock involved."""
    for line in stream:
        if marker in line:
            return True
    return False


def stray_files(folder: Path) -> list:
    return [p for p in folder.rglob("*") if p.suffix in (".tmp", ".bak", ".part") or ".intake-journal" in p.parts]


def consistent(plan_dir: Path) -> pd.DataFrame:
    """The folder loads, and every changelog line is an observation that is there."""
    ds = load_dataset(plan_dir)
    log = pd.read_csv(plan_dir / "changelog.csv", dtype=str, keep_default_na=False)
    obs = ds.observations
    for _, c in log.iterrows():
        hit = obs[(obs["indicator_id"] == c["indicator_id"]) & (obs["year"] == int(c["year"]))
                  & (obs["source_id"] == c["new_source_id"])]
        assert len(hit) == 1, f"changelog line without its observation: {dict(c)}"
        assert Path(c["file"]).name in {p.name for p in (plan_dir / "incoming").iterdir()}
    return log


# ------------------------------------------------------------------------------------------ 1: one import at a time

def test_two_imports_at_once_both_end_up_in_the_data(plan_dir, tmp_path):
    a_file = one_row_csv(tmp_path / "a.csv", "t2_01", "地区生产总值", "亿元", 2024, "3113", "a")
    b_file = one_row_csv(tmp_path / "b.csv", "t2_09", "每万人拥有有效发明专利授权", "件", 2024, "61", "b")
    # A stops inside the critical section: data read, checked and merged in memory, nothing replaced yet
    a = cli("import", a_file, "--plan", plan_dir, fault="pause@checked", stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    b = None
    try:
        assert read_until(a.stderr, "PAUSED checked")
        b = cli("import", b_file, "--plan", plan_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # B finds the plan folder locked and says it waits (without the lock it would run to the end here)
        assert read_until(b.stderr, "waiting for another import")
    finally:
        a.stdin.write("\n")
        a.stdin.close()
        out_a = a.stdout.read()
        a.wait()
        out_b = b.stdout.read() if b else ""
        if b:
            b.wait()
    assert a.returncode == 0 and b.returncode == 0, (out_a, out_b)
    assert "新增 new: 1" in out_a and "新增 new: 1" in out_b
    obs = load_table(plan_dir / "observations.csv", "observations")
    got = {(r.indicator_id, r.year, r.value) for r in obs.itertuples()}
    assert {("t2_01", 2024, 3113.0), ("t2_09", 2024, 61.0)} <= got
    log = consistent(plan_dir)
    assert sorted(zip(log["indicator_id"], log["new_value"])) == [("t2_01", "3113"), ("t2_09", "61")]
    assert len(list((plan_dir / "incoming").iterdir())) == 2
    assert not stray_files(plan_dir)


# ------------------------------------------------------------------------------------------ 2: a crash is all or nothing

# (stage the process is killed at, what the next run does with the journal)
CRASHES = [("staged", "discarded"), ("journal", "completed"), ("replaced:1", "completed"),
           ("replaced:2", "completed"), ("replaced:4", "completed"), ("committed", "completed")]


@pytest.mark.parametrize("stage, outcome", CRASHES)
def test_a_crash_while_writing_is_rolled_forward_or_back(plan_dir, stage, outcome):
    before = snapshot(plan_dir)
    crashed = cli("import", GOOD, "--plan", plan_dir, fault=f"crash@{stage}", stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE)
    crashed.communicate()
    assert crashed.returncode == 75  # killed by the injected fault, mid-write
    assert (plan_dir / ".intake-journal").exists()
    if stage == "replaced:1":  # what a crash leaves until the next run: sources.csv new, observations.csv old
        assert (plan_dir / "sources.csv").read_bytes() != (FIXTURES / "plan" / "sources.csv").read_bytes()
        assert (plan_dir / "observations.csv").read_bytes() == (FIXTURES / "plan" / "observations.csv").read_bytes()

    rerun = cli("import", GOOD, "--plan", plan_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = rerun.communicate()
    assert rerun.returncode == 0, err
    assert f"{outcome} an interrupted import" in out
    log = consistent(plan_dir)
    assert len(log) == 8  # the 7 new values and the revision are logged, whichever run wrote them
    if outcome == "completed":  # the first import was completed; the re-run finds every value recorded
        assert "新增 new: 0 · 修订 revised: 0" in out and "nothing was written" in out
    else:  # nothing of the first import had been written; the re-run imports the file itself
        assert "新增 new: 7 · 修订 revised: 1" in out
    assert [p.read_bytes() for p in (plan_dir / "incoming").iterdir()] == [GOOD.read_bytes()]
    assert not stray_files(plan_dir)
    assert snapshot(plan_dir) != before


def test_recover_command_and_reading_commands_wait_for_it(plan_dir, tmp_path):
    crashed = cli("import", GOOD, "--plan", plan_dir, fault="crash@replaced:2", stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE)
    crashed.communicate()
    with pytest.raises(DataError, match="interrupted import"):
        write_template(2024, tmp_path, plan_dir)  # a half-replaced folder is not read
    with pytest.raises(DataError, match="interrupted import"):
        import_file(GOOD, plan_dir, dry_run=True)  # a dry run writes nothing, not even a recovery
    res = cli("recover", "--plan", plan_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, _ = res.communicate()
    assert res.returncode == 0 and "completed an interrupted import" in out
    assert len(consistent(plan_dir)) == 8 and not stray_files(plan_dir)
    res = cli("recover", "--plan", plan_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert "no interrupted import" in res.communicate()[0]


# ------------------------------------------------------------------------------------------ 8: suspicious values

def test_a_fraction_typed_for_a_percent_is_warned(plan_dir, tmp_path):
    # t2_08 (R&D share, %) was 2.9 in 2022; 0.029 is 100 times smaller: a fraction typed for a percent
    f = one_row_csv(tmp_path / "frac.csv", "t2_08", "R&D经费支出占GDP比重", "%", 2023, "0.029", "f")
    report = import_file(f, plan_dir, dry_run=True)
    value_warnings = [w for w in report.warnings if "ungraded" not in w]  # the other: a web source to grade
    assert len(report.new) == 1 and len(value_warnings) == 1
    w = value_warnings[0]
    assert "row 2" in w and "100 times smaller" in w and "2.9 (2022)" in w and "write 2.9, not 0.029" in w
    # a share typed as a fraction (0.839 for 83.9 %) is warned the same way, not as a jump in points
    f = one_row_csv(tmp_path / "share.csv", "t2_14", "常住人口城镇化率", "%", 2024, "0.839", "s")
    w = import_file(f, plan_dir, dry_run=True).warnings
    assert [x for x in w if "100 times smaller" in x and "83.1 (2023)" in x] and not [x for x in w if "points" in x]
    # a plausible value is not warned
    f = one_row_csv(tmp_path / "ok.csv", "t2_08", "R&D经费支出占GDP比重", "%", 2023, "3.02", "o")
    assert [w for w in import_file(f, plan_dir, dry_run=True).warnings if "ungraded" not in w] == []


def test_a_large_jump_is_warned_not_refused(plan_dir, tmp_path):
    f = one_row_csv(tmp_path / "jump.csv", "t2_01", "地区生产总值", "亿元", 2024, "28033", "j")  # 万元 read as 亿元?
    report = import_file(f, plan_dir, dry_run=True)
    assert len(report.new) == 1
    assert any("+900%" in w and "2803.3 (2023)" in w for w in report.warnings)  # (28033 - 2803.3) / 2803.3


@pytest.mark.parametrize("unit, name, value, refused", [
    ("%", "常住人口城镇化率", 100.0, False), ("%", "常住人口城镇化率", 100.5, True), ("%", "常住人口城镇化率", -0.1, True),
    ("%", "一般公共预算收入增长率", -12.0, False), ("%", "单位GDP能源消耗降幅", 140.0, False),
    ("亿元", "地区生产总值", 0.0, True), ("亿元", "地区生产总值", -1.0, True), ("万元/人", "全员劳动生产率", 0.01, False),
    ("件", "每万人拥有有效发明专利授权", 0.0, False), ("件", "每万人拥有有效发明专利授权", -1.0, True),
    ("微克/立方米", "细颗粒物（PM2.5）平均浓度", -3.0, True), ("倍（城镇/农村）", "城乡居民收入比", 1.6, False),
])
def test_impossible_values_per_unit(unit, name, value, refused):
    from planeval.intake.plausible import impossible

    assert (impossible(value, unit, name) is not None) == refused


# ------------------------------------------------------------------------------------------ 10: clear loader errors

def test_an_extra_field_in_a_data_row_names_file_and_row(plan_dir):
    path = plan_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].rstrip("\n") + ",extra\n"  # line 4 of the file
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_table(path, "observations")
    assert info.value.file.endswith("observations.csv") and info.value.row == 4
    assert "18 fields" in str(info.value) and "17 fields" in info.value.expected
    with pytest.raises(DataError) as info:
        load_dataset(plan_dir)  # the book's loader says the same
    assert info.value.row == 4
    # pandas would have taken the first column as the index when the FIRST data row has the extra field
    lines[3] = lines[3].replace(",extra", "")
    lines[1] = lines[1].rstrip("\n") + ",extra\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_table(path, "observations")
    assert info.value.row == 2


def test_an_extra_field_does_not_break_the_fingerprint(plan_dir):
    from planeval.book.fingerprint import chapter_inputs, data_inputs, previous_inputs

    path = plan_dir / "indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("SYNTHETIC fixture row,synthetic\n",
                                                             "SYNTHETIC fixture row,synthetic,extra\n", 1),
                    encoding="utf-8")
    assert chapter_inputs(plan_dir, "economy") and previous_inputs(plan_dir)
    assert data_inputs(["all", "chapter", "previous"], plan_dir, "economy")
    with pytest.raises(DataError) as info:  # and the loader names the row
        load_dataset(plan_dir)
    assert info.value.row == 2 and info.value.file.endswith("indicators.csv")


def test_an_unclosed_quote_names_its_row(plan_dir):
    path = plan_dir / "sources.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("SYNTHETIC 2023", '"SYNTHETIC 2023', 1)  # line 3 opens a quote, never closed
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_table(path, "sources")
    assert info.value.row == 3 and "closing double quote" in info.value.expected


def test_a_quoted_line_break_keeps_later_row_numbers(plan_dir):
    path = plan_dir / "observations.csv"
    text = path.read_text(encoding="utf-8").replace("SYNTHETIC quote 2022", '"SYNTHETIC quote\n2022"', 1)
    path.write_text(text.replace("t2_14,2023,83.1,level", "t2_14,2023,abc,level"), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_table(path, "observations")
    assert info.value.row == 6  # the t2_14 row is on line 6 now (line 2 spans two lines)


# ------------------------------------------------------------------------------------------ 7: formula cells

PAYLOADS = ['=HYPERLINK("http://evil.example/x","点击")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def test_defuse_makes_every_formula_inert_and_keeps_numbers():
    from planeval.book.publish import defuse

    for p in PAYLOADS:
        assert defuse(p) == "'" + p
    for number in ("-0.5", "+3", "-12", "1.5e3", "2803.3", "-.5"):
        assert defuse(number) == number
    assert defuse(-0.5) == -0.5 and defuse("地区生产总值") == "地区生产总值"


def test_published_input_downloads_are_defused(plan_dir):
    from planeval.book.publish import defuse, defuse_frame, input_downloads, xlsx_bytes

    path = plan_dir / "observations.csv"
    with open(path, "a", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)
        for i, p in enumerate(PAYLOADS):
            w.writerow(["t2_09", 2021 + i % 5, "-0.5", "level", "", p, "", "全区", "", 12, "", "", "", "",
                        "syn_report_2023", p, p])
    files = input_downloads(plan_dir)
    assert {"observations.csv", "plan.yml", "responsibility.csv"} <= set(files)
    rows = list(csv.reader(io.StringIO(files["observations.csv"].decode("utf-8-sig"))))
    header = rows[0]
    added = [dict(zip(header, r)) for r in rows[-len(PAYLOADS):]]
    for p, r in zip(PAYLOADS, added):
        assert r["quote"] == r["note"] == r["value_text"] == "'" + p
        assert r["value"] == "-0.5"  # a negative number stays a number
    for name, data in files.items():  # no cell of any input download starts a formula
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
                assert all(defuse(c) == c or c.startswith("'") for c in row if c)

    frame = pd.read_csv(path, dtype=str, keep_default_na=False).tail(len(PAYLOADS))
    frame["number"] = -0.5
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"t": defuse_frame(frame)})))
    ws = wb["t"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    quotes = [c.value for c in cells if c.column == header.index("quote") + 1]
    assert quotes == [("'" + p).replace("\r", "\n") for p in PAYLOADS]  # (xlsx stores a CR as a line break)
    assert {c.value for c in cells if c.column == len(frame.columns)} == {-0.5}  # numbers stay numbers


def test_template_and_request_workbooks_hold_no_formula(plan_dir, tmp_path):
    from planeval.intake.requests import write_requests

    reg = plan_dir / "indicators.csv"
    reg.write_text(reg.read_text(encoding="utf-8").replace(",全员劳动生产率,", ',"=HYPERLINK(""http://evil.example"",""x"")",', 1),
                   encoding="utf-8")
    resp = plan_dir / "responsibility.csv"
    resp.write_text(resp.read_text(encoding="utf-8").replace("SYNTHETIC 张三", "=cmd|' /C calc'!A0"), encoding="utf-8")
    xlsx, csv_path = write_template(2024, tmp_path / "t", plan_dir)
    requests = write_requests(2024, plan_dir, tmp_path / "r", today=dt.date(2025, 1, 2))
    books = [xlsx] + [p for p in requests if p.suffix == ".xlsx"]
    index = next(p for p in requests if p.name == "requests.csv")
    names = [r["name_zh"] for r in csv.DictReader(io.StringIO(index.read_bytes().decode("utf-8-sig")))]
    assert '\'=HYPERLINK("http://evil.example","x")' in names      # the request index opens as text too
    seen = []
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (book.name, ws.title, c.coordinate, c.value)
                    if isinstance(c.value, str) and c.value.startswith(("=", "@", "+", "-")):
                        assert c.quotePrefix, (book.name, c.coordinate)  # stays text when edited in Excel
                        seen.append(c.value)
    assert '=HYPERLINK("http://evil.example","x")' in seen and "=cmd|' /C calc'!A0" in seen
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert rows[2][1] == '\'=HYPERLINK("http://evil.example","x")'
    # the analyst's filled template comes back in with the name as the registry has it
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["填报"]
    col = {c.value: c.column for c in ws[2]}
    for name, value in (("数值", "30"), ("口径", "全区"), ("来源标题", "SYNTHETIC"),
                        ("来源网址", "https://www.example.gov.cn/x"), ("数值原文/原句", "SYNTHETIC")):
        ws.cell(4, col[name], value)
    wb.save(xlsx)
    rows[2][6:12] = ["30", "全区", "SYNTHETIC", "https://www.example.gov.cn/x", "", "SYNTHETIC"]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    csv_path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    for f in (xlsx, csv_path):
        report = import_file(f, plan_dir, dry_run=True)
        assert [(r["indicator_id"], r["value"]) for r in report.new] == [("t2_02", 30.0)], f.name


def test_fixture_is_synthetic():
    text = (FIXTURES / "plan" / "plan.yml").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and "NOT real data" in text
    assert "SYNTHETIC" in (FIXTURES / "plan" / "README.md").read_text(encoding="utf-8")


def test_a_log_with_another_header_is_refused_not_appended_to(plan_dir):
    """A changelog.csv written under other column names: appending would put this import's cells under them."""
    log = plan_dir / "changelog.csv"
    log.write_text("imported_at,file,indicator,year\n2025-01-01 00:00:00,old.xlsx,t2_01,2023\n", encoding="utf-8")
    before = snapshot(plan_dir)
    with pytest.raises(DataError, match=r"changelog\.csv, row 1.*imported_at,file,indicator,year"):
        import_file(GOOD, plan_dir)
    assert snapshot(plan_dir) == before
