"""Yearly intake: template, import of good (messy, Excel-like) files, report, atomic writes, CLI, changelog.

Runs on a tmp copy of the SYNTHETIC fixture plan folder tests/fixtures/intake/plan/ (not real data); one
smoke test also runs on a tmp copy of the real data/yinzhou-14th/.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planeval.data.schema import DataError, load_table
from planeval.intake import commit as commit_module
from planeval.intake import tables as tables_module
from planeval.intake.changelog import CHANGE_COLUMNS, changes_since
from planeval.intake.columns import HEADERS
from planeval.intake.importer import import_file
from planeval.intake.parse import (derive_source_id, fmt_number, parse_date, parse_months, parse_number,
                                   parse_year)
from planeval.intake.template import write_template
from planeval.config import load_plan

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "intake"
NOW = dt.datetime(2025, 3, 15, 9, 30, 0)

from conftest import snapshot  # noqa: E402  (fixture plan_dir comes from conftest too)


def obs(plan_dir):
    return load_table(plan_dir / "observations.csv", "observations")


def value_of(df, iid, year, scope=None, release=None):
    sub = df[(df["indicator_id"] == iid) & (df["year"] == year)]
    if scope:
        sub = sub[sub["scope"] == scope]
    if release:
        sub = sub[sub["release"] == release]
    assert len(sub) == 1, sub
    return sub.iloc[0]


# ------------------------------------------------------------------------------------------ parsers

@pytest.mark.parametrize("raw, fmt, expected", [
    ("3200", None, (3200.0, False, "")),
    (" 1,234.5 ", None, (1234.5, False, "")),
    ("1，234.5", None, (1234.5, False, "")),
    ("１，２３４．５", None, (1234.5, False, "")),
    ("5.8%", None, (5.8, True, "")),
    ("5.8 ％", None, (5.8, True, "")),
    ("８３．９％", None, (83.9, True, "")),
    ("-0.5", None, (-0.5, False, "")),
    ("－0.5", None, (-0.5, False, "")),
    ("\u22120.5", None, (-0.5, False, "")),
    ("'-0.5", None, (-0.5, False, "")),  # the apostrophe our CSV puts before a minus sign
    ("3113亿元", None, (3113.0, False, "亿元")),
    ("1.2E+3", None, (1200.0, False, "")),
    (2803.3, None, (2803.3, False, "")),
    (0.031, "0.0%", (3.1, True, "")),
    (12, "General", (12.0, False, "")),
])
def test_parse_number(raw, fmt, expected):
    assert parse_number(raw, fmt) == expected


@pytest.mark.parametrize("raw", ["待核实", "N/A", "32,00", "", "约3200", "＜3.5", True, dt.date(2025, 1, 1)])
def test_parse_number_rejects(raw):
    with pytest.raises(ValueError):   # "约3200" / "＜3.5" must not pass as plain numbers either
        parse_number(raw)


@pytest.mark.parametrize("raw", ["2025-03-01", "2025/3/1", "2025年3月1日", "2025.3.1", "２０２５年３月１日",
                                 "2025/3/1 0:00", "20250301", dt.datetime(2025, 3, 1, 12), dt.date(2025, 3, 1),
                                 45717, " 2025-03-01 "])
def test_parse_date(raw):
    assert parse_date(raw) == dt.date(2025, 3, 1)


@pytest.mark.parametrize("raw", ["2025-02-30", "上月", "3/1/2025", 3.5])
def test_parse_date_rejects(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


def test_parse_year_scope_months(plan_dir):
    assert parse_year("2024") == parse_year(2024) == parse_year(2024.0) == parse_year("２０２４年") == 2024
    with pytest.raises(ValueError):
        parse_year("24年")
    plan = load_plan(plan_dir)  # scopes and their synonyms come from the plan
    assert plan.parse_scope("全大区") == plan.parse_scope("鄞州全区") == plan.parse_scope("全区") == "全区"
    assert plan.parse_scope("区本级（含东钱湖）") == plan.parse_scope("全区（不含高新区）") == "区本级"
    assert plan.parse_scope("未注明") == "未注明"
    assert plan.parse_scope("宁波市") is None
    assert parse_months(None) == parse_months("") == 12
    assert parse_months("1-11月") == parse_months(11) == parse_months("11个月") == 11
    with pytest.raises(ValueError):
        parse_months(13)


def test_source_id_is_deterministic_and_valid():
    a = derive_source_id("标题", "https://www.nbyz.gov.cn/art/1.html")
    # pinned: sources.csv keeps these ids, so the derivation must never change (site + sha1("标题\nurl")[:8])
    assert a == "nbyz_gov_cn_a76f6d2f"
    assert a == derive_source_id(" 标题 ", "https://www.nbyz.gov.cn/art/1.html ")
    assert a != derive_source_id("另一个标题", "https://www.nbyz.gov.cn/art/1.html")
    assert a.startswith("nbyz_gov_cn_") and set(a) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")


def test_fmt_number():
    assert [fmt_number(x) for x in (3200.0, 2.9, 0.031 * 100, 1e-7, -0.0, 1234567890123.0)] == \
        ["3200", "2.9", "3.1", "0.0000001", "0", "1234567890123"]


# ------------------------------------------------------------------------------------------ template

def test_template_xlsx_and_csv(plan_dir, tmp_path):
    xlsx, csv_path = write_template(2024, tmp_path / "out", plan_dir)
    assert xlsx.name == "synthetic-intake_intake_2024.xlsx" and csv_path.name == "synthetic-intake_intake_2024.csv"
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["填报", "说明"]
    ws = wb["填报"]
    header = [c.value for c in ws[2]]
    assert header == HEADERS and header[:13] == [
        "指标编号", "指标名称", "单位", "应填口径", "上年已知数值", "年份", "数值", "口径", "来源标题", "来源网址",
        "发布日期", "数值原文/原句", "备注"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    # this plan's targets (every table but the previous plan's), in registry order
    assert [r[0] for r in rows] == ["t2_01", "t2_02", "t2_03", "t2_08", "t2_09", "t2_14", "t2_21", "t2_25",
                                    "goal_gdp_fiscal", "ch9_culture_quality"]
    by_id = {r[0]: dict(zip(HEADERS, r)) for r in rows}
    t = by_id["t2_01"]
    assert (t["单位"], t["应填口径"], t["上年已知数值"], t["年份"]) == ("亿元", "全区", "2803.3（2023年，全区）", 2024)
    assert (t["规划目标"], t["责任单位"]) == ("3200（2025年）", "统计局")
    assert by_id["t2_03"]["规划目标"] == "年均增长 5.0（2025年）"  # the target column prints "--"
    assert by_id["t2_02"]["上年已知数值"] == "21.96（2019年，规划基期）"
    assert by_id["goal_gdp_fiscal"]["上年已知数值"].startswith("暂无")
    assert by_id["ch9_culture_quality"]["上年已知数值"].startswith("定性指标")
    assert all(r[6] is None and r[7] is None and r[8] is None for r in rows)  # left for the analyst
    help_text = " ".join(str(c.value) for r in wb["说明"].iter_rows() for c in r if c.value)
    assert "make import" in help_text and "PLAN=synthetic-intake" in help_text and "2021-2025" in help_text
    assert "拒收" in help_text and "疑似把百分数填成了小数" in help_text  # the plausibility rules are stated

    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert records[0] == HEADERS and [r[0] for r in records[1:]] == [r[0] for r in rows]
    assert records[1][4] == "2803.3（2023年，全区）" and records[1][5] == "2024"


def test_template_rejects_year_outside_plan(plan_dir, tmp_path):
    with pytest.raises(DataError, match="2021-2025"):
        write_template(2030, tmp_path, plan_dir)


def test_filled_template_roundtrip_xlsx_and_csv(plan_dir, tmp_path):
    xlsx, csv_path = write_template(2025, tmp_path / "out", plan_dir)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["填报"]
    col = {c.value: c.column for c in ws[2]}
    ws.cell(3, col["数值"], "3,300")
    for name, value in (("口径", "全区"), ("来源标题", "SYNTHETIC 2025 报告"), ("来源网址", "https://www.example.gov.cn/r2025"),
                        ("发布日期", "2026/2/1"), ("数值原文/原句", "SYNTHETIC 3300亿元")):
        ws.cell(3, col[name], value)
    wb.save(xlsx)
    after = dt.datetime(2026, 3, 15, 9, 30)  # the 2025 figures were published on 2026-02-01
    report = import_file(xlsx, plan_dir, now=after)
    assert [(r["indicator_id"], r["year"], r["value"]) for r in report.new] == [("t2_01", 2025, 3300.0)]
    assert len(report.skipped_rows) == 9  # the 10 targets less the one filled in

    records = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert records[4][0] == "t2_08"
    records[4][6:12] = ["3.3%", "全区", "SYNTHETIC 2025 报告", "https://www.example.gov.cn/r2025", "2026年2月1日", "原句"]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(records)
    csv_path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    report = import_file(csv_path, plan_dir, now=after + dt.timedelta(seconds=1))
    assert [(r["indicator_id"], r["value"]) for r in report.new] == [("t2_08", 3.3)]
    assert value_of(obs(plan_dir), "t2_08", 2025)["source_id"] == value_of(obs(plan_dir), "t2_01", 2025)["source_id"]


# ------------------------------------------------------------------------------------------ import: happy paths

def test_import_good_xlsx(plan_dir):
    before_obs = (plan_dir / "observations.csv").read_text(encoding="utf-8").splitlines()
    before_src = (plan_dir / "sources.csv").read_text(encoding="utf-8").splitlines()
    report = import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)

    assert sorted((r["indicator_id"], r["year"]) for r in report.new) == [
        ("ctx_gdp_growth_real", 2024), ("t2_01", 2024), ("t2_02", 2024), ("t2_08", 2024), ("t2_14", 2024),
        ("t2_21", 2024), ("t2_25", 2024)]
    assert [(r["indicator_id"], r["year"], r["old_value"], r["value"], r["old_source_id"]) for r in report.revised] \
        == [("t2_08", 2022, 2.9, 3.0, "syn_report_2023")]
    new_sid = "example_gov_cn_56162c0a"   # derive_source_id of the file's title and URL (pinned above)
    assert report.revised[0]["source_id"] == new_sid
    assert sorted((r["indicator_id"], r["year"]) for r in report.unchanged) == [("t2_01", 2023), ("t2_03", 2019)]
    assert report.skipped_rows == [14, 16]
    assert [s["source_id"] for s in report.new_sources] == [new_sid]
    warnings = "\n".join(report.warnings)
    assert "row 10" in warnings and "t2_02" in warnings and "+105%" in warnings  # 45 vs baseline 21.96
    assert "row 9" in warnings and "区本级" in warnings  # scope differs from the series' existing one
    assert len(report.warnings) == 3 and any("ungraded" in w for w in report.warnings)  # a web source is graded by an analyst

    df = obs(plan_dir)
    assert value_of(df, "t2_01", 2024)["value"] == 3113.0
    assert value_of(df, "t2_01", 2024)["value_text"] == "3,113.0"
    assert value_of(df, "t2_14", 2024)["value_text"] == "８３．９％"  # verbatim
    assert value_of(df, "t2_01", 2024)["scope_text"] == "全大区"
    assert value_of(df, "t2_08", 2024)["value"] == 3.1  # an Excel percent cell (0.031, format 0.0%)
    # another value for a published figure is a later release, kept beside the earlier one (issue 21)
    new = value_of(df, "t2_08", 2022, release="revised")
    assert new["value"] == 3.0 and new["source_id"] == new_sid
    assert sorted(df[(df["indicator_id"] == "t2_08") & (df["year"] == 2022)]["value"]) == [2.9, 3.0]
    assert value_of(df, "t2_14", 2024)["value"] == 83.9  # full-width ８３．９％
    assert value_of(df, "t2_25", 2024, "全区")["value"] == 2.3
    assert value_of(df, "t2_21", 2024)["months_covered"] == 11
    assert value_of(df, "t2_02", 2024)["value"] == 45.0
    assert not ((df["indicator_id"] == "t2_03") & (df["year"] == 2019)).any()  # baselines stay in the registry
    assert "incoming/20250315-093000_good_2024.xlsx" in value_of(df, "t2_01", 2024)["note"]

    # existing rows kept as they were, in place; the new release of t2_08 2022 appended beside the earlier one
    after_obs = (plan_dir / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert after_obs[:len(before_obs)] == before_obs
    assert any(line.startswith("t2_08,2022,3,level") and ",revised," in line for line in after_obs[len(before_obs):])
    assert len(after_obs) == len(before_obs) + 8

    src = load_table(plan_dir / "sources.csv", "sources")
    assert (plan_dir / "sources.csv").read_text(encoding="utf-8").splitlines()[:len(before_src)] == before_src
    row = src[src["source_id"] == new_sid].iloc[0]
    assert row["publication_date"] == dt.date(2025, 3, 1) and row["access_date"] == dt.date(2025, 3, 15)
    assert row["publisher"] == "SYNTHETIC 发改局" and row["source_kind"] == "ungraded"  # a web page: graded by an analyst

    kept = plan_dir / "incoming" / "20250315-093000_good_2024.xlsx"
    assert report.incoming_path.endswith("incoming/20250315-093000_good_2024.xlsx")
    assert kept.read_bytes() == (FIXTURES / "good_2024.xlsx").read_bytes()
    text = report.to_text()
    for word in ("新增 new: 7", "修订 revised: 1", "未变 unchanged: 2", "2.9 → 3", "syn_report_2023", new_sid):
        assert word in text
    assert not (plan_dir / ".intake-journal").exists()
    assert not [p for p in plan_dir.rglob("*") if p.suffix in (".tmp", ".bak", ".part")]


def test_import_appends_the_changelog_and_receipts(plan_dir):
    import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)
    log = pd.read_csv(plan_dir / "changelog.csv", dtype=str, keep_default_na=False)
    assert len(log) == 8 and set(log["change"]) == {"new", "revised"}
    revised = log[log["change"] == "revised"].iloc[0]
    assert (revised["indicator_id"], revised["year"], revised["old_value"], revised["new_value"]) == ("t2_08", "2022", "2.9", "3")
    assert revised["old_source_id"] == "syn_report_2023" and revised["imported_at"] == "2025-03-15 09:30:00"
    assert log["file"].str.endswith("incoming/20250315-093000_good_2024.xlsx").all()
    load_table(plan_dir / "changelog.csv", "changelog")  # a log the folder did not have gets its .meta.yml
    receipts = load_table(plan_dir / "receipts.csv", "receipts", load_plan(plan_dir).plan_lists())
    assert receipts["outcome"].value_counts().to_dict() == {"new": 7, "unchanged": 2, "revised": 1}
    assert set(receipts["department"].fillna("")) == {""}  # the plain template names no department
    before = snapshot(plan_dir)
    import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)  # nothing changes: nothing logged
    assert snapshot(plan_dir) == before


def test_reimport_of_unchanged_values_writes_nothing(plan_dir):
    """Issue 17.10: an import with only unchanged values writes nothing: no source, no log line, no copy."""
    first = import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)
    before = snapshot(plan_dir)
    second = import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW + dt.timedelta(minutes=1))
    assert not second.new and not second.revised and not second.new_sources
    assert len(second.unchanged) == len(first.new) + len(first.revised) + len(first.unchanged)
    assert second.written == [] and second.incoming_path is None
    assert snapshot(plan_dir) == before
    assert "nothing was written" in second.to_text()


def test_unchanged_values_from_a_new_source_add_no_source(plan_dir, tmp_path):
    """The old importer added the new file's source even when every value was already recorded."""
    text = (FIXTURES / "good_gbk.csv").read_bytes().decode("gbk").splitlines()
    keep = [ln for ln in text if ln.startswith(("指标编号", "t2_14,"))]  # 83.1 for 2023: already recorded
    keep = [ln.replace("https://www.example.gov.cn/report2023", "https://www.example.gov.cn/other") for ln in keep]
    (tmp_path / "same.csv").write_bytes(("\r\n".join(keep) + "\r\n").encode("gbk"))
    before = snapshot(plan_dir)
    report = import_file(tmp_path / "same.csv", plan_dir, now=NOW)
    assert [(r["indicator_id"], r["year"], r["value"]) for r in report.unchanged] == [("t2_14", 2023, 83.1)]
    assert report.new_sources == [] and snapshot(plan_dir) == before


def test_import_good_gbk_csv(plan_dir):
    report = import_file(FIXTURES / "good_gbk.csv", plan_dir, now=NOW)
    assert report.encoding == "GBK"
    assert sorted((r["indicator_id"], r["year"], r["value"]) for r in report.new) == [
        ("goal_gdp_fiscal", 2024, 1234.5), ("t2_01", 2024, 3113.0), ("t2_02", 2023, 26.1), ("t2_08", 2023, 3.0)]
    assert [(r["indicator_id"], r["old_value"], r["value"]) for r in report.revised] == [("t2_25", 2.1, 2.3)]
    assert [(r["indicator_id"], r["year"]) for r in report.unchanged] == [("t2_14", 2023)]
    assert report.skipped_rows == [9]
    df = obs(plan_dir)
    assert value_of(df, "t2_02", 2023)["source_id"] == "syn_report_2023"  # same URL → existing source reused
    assert value_of(df, "t2_01", 2024)["quote"] == '实现地区生产总值3,113亿元，"SYNTHETIC"'
    kinds = {s["url"]: s["source_kind"] for s in report.new_sources}
    assert kinds == {"https://www.example.gov.cn/report2024": "ungraded", "https://news.example.com/2024/yz": "ungraded"}  # the host grades nothing
    assert any("ungraded" in w for w in report.warnings)
    assert (plan_dir / "incoming" / "20250315-093000_good_gbk.csv").read_bytes() == (FIXTURES / "good_gbk.csv").read_bytes()


def test_utf8_bom_and_utf16_csv_are_read(plan_dir, tmp_path):
    text = (FIXTURES / "good_gbk.csv").read_bytes().decode("gbk")
    buf = io.StringIO()
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    for name, data in (("bom.csv", text.encode("utf-8-sig")), ("plain.csv", text.encode("utf-8")),
                       ("u16.csv", buf.getvalue().encode("utf-16"))):  # Excel's "Unicode text"
        (tmp_path / name).write_bytes(data)
        report = import_file(tmp_path / name, plan_dir, dry_run=True)
        assert len(report.new) == 4 and len(report.revised) == 1, name


def test_qualitative_rows_take_no_value(plan_dir, tmp_path):
    text = (FIXTURES / "good_gbk.csv").read_bytes().decode("gbk")
    text = text.replace("t2_21,细颗粒物（PM2.5）平均浓度,微克/立方米", "ch9_culture_quality,公共文化服务体系建设,—")
    text = text.replace("全区,,2023,,,,,,", "全区,,2023,1,全区,标题,https://www.example.gov.cn/q,,原句,")
    (tmp_path / "q.csv").write_bytes(text.encode("gbk"))
    with pytest.raises(DataError) as info:
        import_file(tmp_path / "q.csv", plan_dir)
    assert info.value.row == 9 and "qualitative" in info.value.expected


def test_previous_plan_rows_are_not_collected(plan_dir, tmp_path):
    text = (FIXTURES / "good_gbk.csv").read_bytes().decode("gbk").replace("t2_01,", "t1_01,", 1)
    (tmp_path / "prev.csv").write_bytes(text.encode("gbk"))
    with pytest.raises(DataError) as info:
        import_file(tmp_path / "prev.csv", plan_dir)
    assert (info.value.row, info.value.value) == (3, "t1_01") and "previous plan" in info.value.expected


def test_dry_run_writes_nothing(plan_dir):
    before = snapshot(plan_dir)
    report = import_file(FIXTURES / "good_2024.xlsx", plan_dir, dry_run=True, now=NOW)
    assert len(report.new) == 7 and report.incoming_path is None
    assert snapshot(plan_dir) == before
    assert "dry run" in report.to_text()


def test_thresholds_are_configurable(plan_dir):
    loose = import_file(FIXTURES / "good_2024.xlsx", plan_dir, dry_run=True, level_change_limit=2.0)
    assert not any("t2_02" in w for w in loose.warnings)
    strict = import_file(FIXTURES / "good_2024.xlsx", plan_dir, dry_run=True, pp_change_limit=0.1)
    assert any("t2_08" in w and "percentage points" in w for w in strict.warnings)


# ------------------------------------------------------------------------------------------ atomic writes (in process)

def test_failed_second_replace_restores_the_first(plan_dir, monkeypatch):
    before = snapshot(plan_dir)
    real_replace = commit_module.os.replace
    calls = []

    def flaky(src, dst):
        calls.append(Path(dst).name)
        if Path(dst).name == "observations.csv":
            raise OSError("disk full (simulated)")
        return real_replace(src, dst)

    monkeypatch.setattr(commit_module.os, "replace", flaky)
    with pytest.raises(OSError, match="simulated"):
        import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)
    assert calls[:3] == ["manifest.json", "sources.csv", "observations.csv"]  # sources replaced, then failed
    monkeypatch.undo()
    assert snapshot(plan_dir) == before  # sources.csv restored, no journal, no incoming/
    assert not (plan_dir / "incoming").exists()


def test_failure_storing_the_original_rolls_back_everything(plan_dir, monkeypatch):
    before = snapshot(plan_dir)
    real_replace = commit_module.os.replace

    def flaky(src, dst):
        if Path(dst).parent.name == "incoming":
            raise OSError("no space for the copy (simulated)")
        return real_replace(src, dst)

    monkeypatch.setattr(commit_module.os, "replace", flaky)
    with pytest.raises(OSError):
        import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)
    monkeypatch.undo()
    assert snapshot(plan_dir) == before


def test_data_changed_during_import_is_refused(plan_dir, monkeypatch):
    """Someone edits observations.csv by hand while the file is being checked: refuse, write nothing."""
    orig = tables_module.CsvFile.read
    extra = "t2_01,2021,1,level,,,,全区,,12,,,,syn_report_2023,x,\n"

    def read_then_meddle(path, table=None):
        f = orig(path, table)
        if Path(path).name == "sources.csv":  # read after observations.csv
            with open(plan_dir / "observations.csv", "a", encoding="utf-8") as fh:
                fh.write(extra)
        return f

    monkeypatch.setattr(tables_module.CsvFile, "read", staticmethod(read_then_meddle))
    before_src = (plan_dir / "sources.csv").read_bytes()
    with pytest.raises(DataError, match="modified meanwhile"):
        import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)
    assert not (plan_dir / "incoming").exists()
    assert (plan_dir / "sources.csv").read_bytes() == before_src
    assert (plan_dir / "observations.csv").read_text(encoding="utf-8").endswith(extra)


# ------------------------------------------------------------------------------------------ CLI

def run_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "planeval.intake", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, **kwargs)


def test_cli_template_and_import(plan_dir, tmp_path):
    res = run_cli("template", "--year", "2025", "--out", tmp_path / "out", "--plan", plan_dir)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out" / "synthetic-intake_intake_2025.xlsx").exists()
    assert (tmp_path / "out" / "synthetic-intake_intake_2025.csv").exists()
    before = snapshot(plan_dir)
    res = run_cli("import", FIXTURES / "good_2024.xlsx", "--dry-run", "--plan", plan_dir)
    assert res.returncode == 0, res.stderr
    assert "新增 new: 7" in res.stdout and "dry run" in res.stdout
    assert snapshot(plan_dir) == before
    res = run_cli("import", FIXTURES / "good_2024.xlsx", "--plan", plan_dir)
    assert res.returncode == 0 and "原件已保存" in res.stdout


def test_cli_bad_input_exits_2_with_message(plan_dir):
    before = snapshot(plan_dir)
    res = run_cli("import", ROOT / "tests" / "bad_input" / "non_numeric.xlsx", "--plan", plan_dir)
    assert res.returncode == 2
    assert "non_numeric.xlsx" in res.stderr and "row 4" in res.stderr and "待核实" in res.stderr
    assert "nothing was written" in res.stderr and res.stdout == ""
    assert snapshot(plan_dir) == before


def test_cli_changes(plan_dir, tmp_path):
    old = tmp_path / "old_observations.csv"
    shutil.copy(plan_dir / "observations.csv", old)
    import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)
    res = run_cli("changes", old, plan_dir / "observations.csv", "--plan", plan_dir)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("added") == 8 and res.stdout.count("revised") == 0   # a new release is a new row


def test_cli_default_plan_is_the_books():
    res = run_cli("status", "--year", "2021")
    assert res.returncode == 0, res.stderr
    assert "(yinzhou-14th)" in res.stdout


# ------------------------------------------------------------------------------------------ changes_since

def frame(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "year", "value", "value_kind", "scope", "source_id", "verdict"])


def test_changes_since_classifies():
    prev = frame([["a", 2022, 2.9, "level", "全区", "s1", None], ["b", 2023, 5.0, "level", "全区", "s1", None],
                  ["c", 2021, 1.0, "level", "全区", "s1", None], ["e", 2020, None, "level", "全区", "p", "met"],
                  ["f", 2023, 7.0, "level", "全区", "s1", None]])
    cur = frame([["f", 2023, 7.0, "level", "全区", "s1", None], ["a", 2022, 3.0, "level", "全区", "s2", None],
                 ["b", 2023, 5.0, "level", "全区", "s2", None], ["d", 2024, 7.0, "level", "区本级", "s3", None],
                 ["e", 2020, None, "level", "全区", "p", "not_met"], ["f", 2023, 7.5, "level", "区本级", "s1", None]])
    out = changes_since(prev, cur, names={"a": "指标A"})
    got = [(r.change, r.indicator_id, r.year, r.scope) for r in out.itertuples()]
    assert got == [("revised", "a", 2022, "全区"), ("source_changed", "b", 2023, "全区"),
                   ("removed", "c", 2021, "全区"), ("added", "d", 2024, "区本级"), ("revised", "e", 2020, "全区"),
                   ("added", "f", 2023, "区本级")]
    a = out.iloc[0]
    assert (a["old_value"], a["new_value"], a["old_source_id"], a["new_source_id"], a["name_zh"], a["change_zh"]) \
        == (2.9, 3.0, "s1", "s2", "指标A", "修订")
    assert list(out.columns) == CHANGE_COLUMNS
    assert changes_since(cur, cur).empty and list(changes_since(cur, cur).columns) == CHANGE_COLUMNS


def test_changes_since_after_an_import(plan_dir):
    before = obs(plan_dir)
    import_file(FIXTURES / "good_2024.xlsx", plan_dir, now=NOW)
    out = changes_since(before, obs(plan_dir))
    assert out["change"].value_counts().to_dict() == {"added": 8}     # the new release of t2_08 2022 is added
    text = pd.read_csv(plan_dir / "observations.csv", dtype=str, keep_default_na=False)
    assert changes_since(text, obs(plan_dir)).empty


# ------------------------------------------------------------------------------------------ the real plan folder

def test_real_plan_template_and_import(tmp_path):
    copy = tmp_path / "yinzhou-14th"
    shutil.copytree(ROOT / "data" / "yinzhou-14th", copy, ignore=shutil.ignore_patterns("incoming"))
    plan = load_plan(copy)
    xlsx, _ = write_template(plan.period.end, tmp_path / "out", copy)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["填报"]
    col = {c.value: c.column for c in ws[2]}
    registry = load_table(copy / "indicators.csv", "indicators", plan.plan_lists())
    targets = registry[registry["table"] != "previous"]
    assert ws.max_row - 2 == len(targets) and len(targets) < len(registry)
    ids = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert ids == list(targets["id"])
    row = 3 + ids.index("t2_01")  # GDP: a money level
    for name, value in (("数值", "3300"), ("口径", "全区"), ("来源标题", "SYNTHETIC smoke test"),
                        ("来源网址", "https://www.example.gov.cn/smoke"), ("数值原文/原句", "SYNTHETIC")):
        ws.cell(row, col[name], value)
    wb.save(xlsx)
    before = snapshot(copy)
    report = import_file(xlsx, copy, dry_run=True)
    assert [(r["indicator_id"], r["year"], r["value"]) for r in report.new + report.revised] == [("t2_01", 2025, 3300.0)]
    assert snapshot(copy) == before
    import_file(xlsx, copy)
    from planeval.data.dataset import load_dataset

    ds = load_dataset(copy)  # the merged folder still loads through the book's own loader
    assert value_of(ds.observations, "t2_01", 2025, release="revised")["value"] == 3300.0   # beside the earlier one
