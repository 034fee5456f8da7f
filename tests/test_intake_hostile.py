"""Issue 23: hostile files and values. Nothing wrong is accepted, nothing exhausts the machine, every failure
is one message. Each test builds the hostile file itself (SYNTHETIC values, a tmp copy of the intake fixture
plan) and fails on the code before the fix; the resource figures are in test_intake_resources.py."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from planeval.data.schema import DataError, load_table
from planeval.intake.columns import HEADERS
from planeval.intake.importer import import_file, import_files
from planeval.intake.urls import host as url_host
from planeval.intake.parse import source_kind_for

from conftest import snapshot  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2025, 3, 15, 9, 30, 0)
GOOD_ROW = {"指标编号": "t2_01", "指标名称": "地区生产总值", "单位": "亿元", "年份": 2024, "数值": "3113", "口径": "全区",
            "来源标题": "SYNTHETIC 2024 年报告", "来源网址": "https://www.example.gov.cn/r2024", "发布日期": "2025-03-01",
            "数值原文/原句": "SYNTHETIC 全年实现地区生产总值3113亿元"}


def row(**changes) -> dict:
    return {**GOOD_ROW, **{k.replace("_", "/"): v for k, v in changes.items()}}


def csv_file(path: Path, *rows: dict, end: str = "\r\n") -> Path:
    """A returned CSV with the template's 17 columns (what Excel saves), UTF-8 with BOM."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows([[r.get(h, "") for h in HEADERS] for r in rows])
    text = buf.getvalue()[: -2] + end
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def xlsx_file(path: Path, *rows: dict, hook=None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "填报"
    ws.append(HEADERS)
    for r in rows:
        ws.append([r.get(h) for h in HEADERS])
    if hook:
        hook(wb)
    wb.save(path)
    return path


def refused(files, plan_dir, **kwargs) -> DataError:
    before = snapshot(plan_dir)
    with pytest.raises(DataError) as info:
        import_files(files if isinstance(files, list) else [files], plan_dir, now=kwargs.pop("now", NOW), **kwargs)
    assert snapshot(plan_dir) == before, "a refused import must leave the plan folder byte-identical"
    return info.value


def cli(*args, fault=None, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "PLANEVAL_INTAKE_FAULT"}
    if fault:
        env["PLANEVAL_INTAKE_FAULT"] = fault
    return subprocess.run([sys.executable, "-m", "planeval.intake", *args], cwd=ROOT, env=env,
                          capture_output=True, **kwargs)


# ------------------------------------------------------------------------------------------ wrong values accepted

@pytest.mark.parametrize("value", ["1e400", "1e300"])  # infinity; a finite number beyond any figure
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_number_that_is_not_finite_or_beyond_any_figure_is_refused(plan_dir, tmp_path, value, kind):
    make = csv_file if kind == "csv" else xlsx_file
    err = refused(make(tmp_path / f"big.{kind}", row(数值=value)), plan_dir)
    assert err.row == 2 and err.column.startswith("数值") and err.value == value


def test_an_infinite_value_in_a_plan_csv_is_refused_by_the_loader(plan_dir):
    obs = plan_dir / "observations.csv"
    obs.write_text(obs.read_text(encoding="utf-8").replace(",2734.8,", ",1e400,", 1), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_table(obs, "observations")
    assert info.value.row == 2 and info.value.column == "value" and "finite" in info.value.expected


def _hidden_twin(wb):
    ws = wb["填报"]
    twin = wb.copy_worksheet(ws)
    twin.title = "填报 "  # a trailing space: the edited copy
    twin["E2"] = None
    twin.cell(2, HEADERS.index("数值") + 1, "3200")
    ws.sheet_state = "hidden"


def test_a_hidden_fill_sheet_with_a_visible_twin_is_refused_naming_both(plan_dir, tmp_path):
    err = refused(xlsx_file(tmp_path / "twin.xlsx", row(), hook=_hidden_twin), plan_dir)
    assert "'填报' (hidden)" in err.value and "'填报 '" in err.value
    assert "exactly one visible sheet" in err.expected


def test_a_hidden_fill_sheet_alone_is_refused(plan_dir, tmp_path):
    def hide(wb):
        wb.create_sheet("说明")
        wb["填报"].sheet_state = "hidden"

    err = refused(xlsx_file(tmp_path / "hidden.xlsx", row(), hook=hide), plan_dir)
    assert "'填报' (hidden)" in err.value and "unhide" in err.expected


def test_a_csv_cut_off_in_the_middle_of_a_row_is_refused_with_its_row(plan_dir, tmp_path):
    whole = csv_file(tmp_path / "whole.csv", row(), row(指标编号="t2_09", 指标名称="每万人拥有有效发明专利授权", 单位="件",
                                                     数值="61"))
    data = whole.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex("SYNTHETIC 全年".encode()) + len("SYNTHETIC 全".encode())])  # mid-quote
    err = refused(cut, plan_dir)
    assert err.row == 3 and "ends in the middle of this row" in err.expected and "'SYNTHETIC 全'" in err.value


@pytest.mark.parametrize("published, words", [("2099-01-01", "not after today"), ("2023-12-31", "in or after 2024")])
def test_a_publication_date_in_the_future_or_before_the_data_year_is_refused(plan_dir, tmp_path, published, words):
    err = refused(csv_file(tmp_path / "date.csv", row(发布日期=published)), plan_dir)
    assert err.row == 2 and err.column.startswith("发布日期") and err.value == published and words in err.expected


def test_the_template_states_the_date_rule(plan_dir, tmp_path):
    from planeval.intake.workbook import COLUMN_HELP

    assert "不能晚于今天" in COLUMN_HELP["发布日期"] and "不能早于" in COLUMN_HELP["发布日期"]


def test_two_disagreeing_returns_imported_in_two_runs_are_a_conflict_naming_both(plan_dir, tmp_path):
    first = csv_file(tmp_path / "统计局.csv", row())
    second = csv_file(tmp_path / "发改局.csv", row(数值="3120", 来源网址="https://www.example.gov.cn/other"))
    import_file(first, plan_dir, now=NOW)
    err = refused(second, plan_dir, now=NOW + dt.timedelta(hours=1))
    assert err.row == 2 and err.value == "3120" and "发改局.csv" in err.file
    assert "20250315-093000_统计局.csv" in err.expected and "3113" in err.expected and "--revise" in err.expected
    # the same file again is unchanged, and a correction said to be one is a revision
    assert not import_file(first, plan_dir, now=NOW + dt.timedelta(hours=2)).changed
    report = import_file(second, plan_dir, now=NOW + dt.timedelta(hours=3), revise=True)
    assert [(r["old_value"], r["value"]) for r in report.revised] == [(3113.0, 3120.0)]
    # a value from a published source (not from an earlier returned file) is revised as before
    report = import_file(csv_file(tmp_path / "r.csv", row(年份=2023, 数值="2810", 发布日期="2024-05-01")), plan_dir,
                         now=NOW, dry_run=True)
    assert [(r["old_value"], r["value"]) for r in report.revised] == [(2803.3, 2810.0)]


# ------------------------------------------------------------------------------------------ data loss

def test_a_formula_without_a_stored_result_is_refused_with_its_row(plan_dir, tmp_path):
    def formula(wb):
        wb["填报"].cell(3, HEADERS.index("数值") + 1, "=60+1")  # openpyxl stores no result, as scripts do

    second = row(指标编号="t2_09", 指标名称="每万人拥有有效发明专利授权", 单位="件", 数值=None)
    err = refused(xlsx_file(tmp_path / "script.xlsx", row(), second, hook=formula), plan_dir)
    assert err.row == 3 and err.column == "数值（G列）" and "formula without a stored result" in err.value


# ------------------------------------------------------------------------------------------ limits before reading

def test_a_huge_file_is_refused_by_its_size_before_it_is_read(plan_dir, tmp_path, monkeypatch):
    big = tmp_path / "huge.xlsx"
    with open(big, "wb") as f:  # sparse: no disk used
        f.truncate(64 * 2**20)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    with pytest.raises(DataError) as info:
        import_file(big, plan_dir, dry_run=True)
    assert "64 MiB" in info.value.value and "at most" in info.value.expected


def test_an_xml_entity_attack_is_refused_with_one_message(plan_dir, tmp_path):
    import zipfile

    good = xlsx_file(tmp_path / "good.xlsx", row())
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    bad = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = laughs.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            dst.writestr(item, data)
    res = cli("import", str(bad), "--plan", str(plan_dir), text=True)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert "document type declaration" in res.stderr and "laughs.xlsx" in res.stderr


# ------------------------------------------------------------------------------------------ provenance

SPOOFED = [
    "https://evil.example\\@www.nbyz.gov.cn/art/2025/1/1/art_1.html",  # backslash + userinfo: opens evil.example
    "https://www.nbyz.gov.cn@evil.example/art.html",  # userinfo: opens evil.example
    "https://evil.example\\.www.nbyz.gov.cn/",  # backslash ends the host
    "https://www.nbyz.gоv.cn/art.html",  # Cyrillic о: a look-alike host
    "https://www.xn--nbyz-53d.gov.cn/",  # punycode for a Cyrillic letter
]


@pytest.mark.parametrize("url", SPOOFED)
def test_an_address_whose_host_is_not_what_it_appears_is_refused(plan_dir, tmp_path, url):
    err = refused(xlsx_file(tmp_path / "spoof.xlsx", row(来源网址=url)), plan_dir)
    assert err.row == 2 and err.column.startswith("来源网址")


@pytest.mark.parametrize("url", [SPOOFED[0], SPOOFED[2]])
def test_a_spoofed_address_is_never_graded_official(url):
    assert source_kind_for(url) == "ungraded"
    # nor a plain gov.cn one: the host decides nothing about a grade on its own (an analyst grades the source)
    assert source_kind_for("https://www.nbyz.gov.cn/art/2025/1/1/art_1.html") == "ungraded"
    assert url_host("http://tjj.ningbo.gov.cn:8080/x?a=b@c") == "tjj.ningbo.gov.cn"  # '@' in the query: no userinfo


@pytest.mark.parametrize("column", ["来源标题", "数值原文/原句", "备注", "发布单位"])
def test_bidi_controls_in_a_kept_text_are_refused(plan_dir, tmp_path, column):
    text = "统计公报\u202e2025"  # displayed as 统计公报5202
    err = refused(csv_file(tmp_path / "bidi.csv", {**row(), column: text}), plan_dir)
    assert err.row == 2 and err.column.startswith(column) and "U+202E" in err.expected


def test_bidi_controls_in_a_plan_csv_are_refused_by_the_loader(plan_dir):
    sources = plan_dir / "sources.csv"
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("SYNTHETIC", "SYNTHETIC\u202e", 1)
    sources.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_table(sources, "sources")
    assert info.value.row == 3 and info.value.column and "U+202E" in info.value.expected


# ------------------------------------------------------------------------------------------ unclear errors

def test_a_long_chinese_file_name_is_kept(plan_dir, tmp_path):
    name = "鄞" * 82 + ".csv"  # 250 bytes: legal, but not with a time stamp in front
    path = csv_file(tmp_path / name, row())
    res = cli("import", str(path), "--plan", str(plan_dir), text=True)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    kept = list((plan_dir / "incoming").iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == path.read_bytes() and len(os.fsencode(kept[0].name)) <= 255
    assert kept[0].name.endswith(".csv") and "鄞鄞鄞" in kept[0].name
    obs = load_table(plan_dir / "observations.csv", "observations")
    assert f"原文件名 original name: {name}" in obs[obs["year"] == 2024]["note"].iloc[0]


def test_a_file_name_in_gbk_bytes_is_kept_readable(plan_dir, tmp_path):
    name = os.fsdecode("统计局回报.csv".encode("gbk"))  # what unzipping a Windows archive gives on Linux
    path = csv_file(tmp_path / name, row())
    res = cli("import", str(path), "--plan", str(plan_dir))
    assert res.returncode == 0 and b"Traceback" not in res.stderr, res.stderr.decode(errors="replace")
    kept = [p.name for p in (plan_dir / "incoming").iterdir()]
    assert len(kept) == 1 and kept[0].endswith("_统计局回报.csv")
    log = (plan_dir / "receipts.csv").read_text(encoding="utf-8")
    assert "统计局回报.csv" in log


def test_a_utf8_file_with_one_bad_byte_is_named_by_its_row(plan_dir, tmp_path):
    path = csv_file(tmp_path / "bad-byte.csv", row(), row(指标编号="t2_09", 指标名称="每万人拥有有效发明专利授权", 单位="件",
                                                         数值="61"))
    data = bytearray(path.read_bytes())
    data[data.rindex("每万人".encode()) + 1] = 0xFF  # line 3
    path.write_bytes(bytes(data))
    err = refused(path, plan_dir)
    assert err.row == 3 and "byte 0x" in err.value and "UTF-8" in err.value and "binary" not in str(err)


def test_a_long_csv_cell_is_called_long_not_a_quoting_mistake(plan_dir, tmp_path):
    err = refused(csv_file(tmp_path / "long.csv", row(数值原文_原句="长" * 200_000)), plan_dir)
    assert err.row == 2 and "cells of at most" in err.expected and "quot" not in err.expected


def test_an_unclosed_quote_in_a_long_file_is_still_called_an_unclosed_quote(plan_dir, tmp_path):
    path = csv_file(tmp_path / "open.csv", row())
    path.write_bytes(path.read_bytes() + ('t2_09,x,件,,,2024,61,全区,"' + "长" * 200_000 + "\r\n").encode())
    err = refused(path, plan_dir)
    assert err.row == 3 and "closing double quote" in err.expected


def test_status_during_a_running_import_waits_instead_of_calling_it_interrupted(plan_dir, tmp_path):
    path = csv_file(tmp_path / "a.csv", row())
    env = {k: v for k, v in os.environ.items() if k != "PLANEVAL_INTAKE_FAULT"}
    importing = subprocess.Popen([sys.executable, "-m", "planeval.intake", "import", str(path), "--plan", str(plan_dir)],
                                 cwd=ROOT, env={**env, "PLANEVAL_INTAKE_FAULT": "pause@journal"}, text=True,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    status = None
    try:
        assert any("PAUSED journal" in line for line in importing.stderr)  # the journal is on disk now
        status = subprocess.Popen([sys.executable, "-m", "planeval.intake", "status", "--year", "2024", "--plan",
                                   str(plan_dir)], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        assert any("waiting" in line for line in status.stdout), status.stderr.read()
    finally:
        importing.stdin.write("\n")
        importing.stdin.close()
        importing.wait()
        out, err = status.communicate() if status else ("", "")
    assert importing.returncode == 0 and status.returncode == 0, err
    assert "interrupted" not in out + err and "统计局" in out


def test_a_kill_while_the_journal_is_deleted_is_reported_as_completed(plan_dir, tmp_path):
    path = csv_file(tmp_path / "a.csv", row())
    crashed = cli("import", str(path), "--plan", str(plan_dir), fault="crash@finishing", text=True)
    assert crashed.returncode == 75, crashed.stderr  # killed after every file was replaced
    rerun = cli("recover", "--plan", str(plan_dir), text=True)
    assert rerun.returncode == 0 and "nothing of it was written" not in rerun.stdout, rerun.stdout
    obs = load_table(plan_dir / "observations.csv", "observations")
    assert ((obs["indicator_id"] == "t2_01") & (obs["year"] == 2024)).sum() == 1
    assert not [p for p in plan_dir.rglob("*") if "journal" in p.name]


def test_a_full_disk_during_an_import_is_one_message_and_writes_nothing(plan_dir, tmp_path):
    path = csv_file(tmp_path / "a.csv", row())
    before = snapshot(plan_dir)
    for stage in ("staged", "replaced:2"):
        res = cli("import", str(path), "--plan", str(plan_dir), fault=f"full@{stage}", text=True)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert "磁盘已满 the disk is full" in res.stderr and "nothing was written" in res.stderr
        assert snapshot(plan_dir) == before


def test_a_full_disk_during_a_build_is_one_message(tmp_path):
    from conftest import SYNTHETIC_PLAN, run_build

    prelude = ["import errno, os",
               "import planeval.book.build as b",
               "def full(edition):",
               "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(edition.root / '_toc.yml'))",
               "b.prepare = full"]
    proc = run_build("--plan", SYNTHETIC_PLAN, "--out", tmp_path / "root", prelude=prelude)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    err = proc.stderr.splitlines()
    assert err[0].startswith("✗ the disk is full") and "Traceback" not in proc.stdout + proc.stderr
