"""Issue 16: a 责任单位 for every target, one request workbook per department, many returns imported at
once (all or nothing), and the collection status. Runs on tmp copies of the SYNTHETIC fixture plan
(tests/fixtures/intake/plan/: 统计局 t2_01 t2_02 t2_14 · 财政局 t2_03 goal_gdp_fiscal · 科技局 t2_08 t2_09 ·
生态环境分局 t2_21 · 人社局 t2_25 · 文广旅体局 the qualitative ch9_culture_quality); the first tests read
the real plan's proposed assignment."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planeval.config import load_plan
from planeval.data.schema import DataError, load_table
from planeval.intake.columns import HEADERS
from planeval.intake.importer import import_files
from planeval.intake.requests import write_requests
from planeval.intake.status import collection_items, collection_status, status_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data" / "yinzhou-14th"
TODAY = dt.date(2025, 1, 2)
NOW = dt.datetime(2025, 3, 1, 10, 0, 0)

from conftest import snapshot  # noqa: E402


# ------------------------------------------------------------------------------------------ the real plan's assignment

def test_every_target_of_the_real_plan_has_a_proposed_department():
    plan = load_plan(REAL)
    registry = load_table(REAL / "indicators.csv", "indicators", plan.plan_lists())
    resp = load_table(REAL / "responsibility.csv", "responsibility", plan.plan_lists())
    assert list(resp["indicator_id"]) == list(registry["id"])  # every registry row, once, in registry order
    assert set(resp["assignment"]) == {"proposed"}  # the plan names no units: a proposal
    assert resp["contact"].isna().all()  # left for the analyst
    assert resp["basis"].str.len().min() > 5
    assert "建议" in (REAL / "responsibility.meta.yml").read_text(encoding="utf-8")
    units = dict(zip(resp["indicator_id"], resp["department"]))
    assert (units["t2_01"], units["t2_08"], units["t2_09"], units["t2_21"], units["t2_25"], units["t2_31"],
            units["t2_11"], units["t2_27"], units["ch3_youth_volunteers"], units["t2_23"]) == (
        "统计局", "科技局", "市场监管局", "生态环境分局", "人社局", "应急管理局", "商务局", "民政局", "团区委", "资规分局")


def test_real_plan_requests_cover_every_quantified_target(tmp_path):
    written = write_requests(2025, REAL, tmp_path, today=TODAY)
    index = pd.read_csv(tmp_path / "requests.csv", dtype=str, keep_default_na=False)
    plan = load_plan(REAL)
    registry = load_table(REAL / "indicators.csv", "indicators", plan.plan_lists())
    wanted = registry[(registry["table"] != "previous") & (registry["target_form"] != "qualitative")]
    assert sorted(index["indicator_id"]) == sorted(wanted["id"])
    assert {p.name for p in written if p.suffix == ".xlsx"} == {f"2025_{d}.xlsx" for d in set(index["department"])}


# ------------------------------------------------------------------------------------------ request workbooks

def requests_for(plan_dir, tmp_path, year=2024, **kw):
    out = tmp_path / "requests"
    return out, write_requests(year, plan_dir, out, today=TODAY, **kw)


def sheet_rows(book: Path) -> list[dict]:
    ws = openpyxl.load_workbook(book)["填报"]
    return [dict(zip(HEADERS, [c.value for c in r])) for r in ws.iter_rows(min_row=3)]


def cover(book: Path) -> dict:
    ws = openpyxl.load_workbook(book)["封面"]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}


def test_one_workbook_per_department_with_only_its_targets(plan_dir, tmp_path):
    out, written = requests_for(plan_dir, tmp_path, deadline=dt.date(2025, 3, 31))
    assert [p.name for p in written] == ["2024_统计局.xlsx", "2024_财政局.xlsx", "2024_科技局.xlsx",
                                         "2024_生态环境分局.xlsx", "2024_人社局.xlsx", "requests.csv"]
    # the qualitative target's department is not asked for a figure
    assert not (out / "2024_文广旅体局.xlsx").exists()
    book = out / "2024_统计局.xlsx"
    assert openpyxl.load_workbook(book).sheetnames == ["封面", "填报", "说明"]
    rows = sheet_rows(book)
    assert [r["指标编号"] for r in rows] == ["t2_01", "t2_02", "t2_14"]
    t = rows[0]
    assert (t["单位"], t["应填口径"], t["上年已知数值"], t["年份"], t["规划目标"], t["责任单位"]) == (
        "亿元", "全区", "2803.3（2023年，全区）", 2024, "3200（2025年）", "统计局")
    assert rows[2]["上年已知数值"] == "83.1（2023年，未注明）"  # last known value and its year (and scope)
    assert all(r[h] is None for r in rows for h in ("数值", "口径", "来源标题", "来源网址", "数值原文/原句"))
    c = cover(book)
    assert c["填报单位"] == "统计局" and c["数据年度"] == "2024 年" and c["截止日期"] == "2025-03-31"
    assert "3 项" in c["所需内容"] and "发回" in c["报送方式"] and c["发出日期"] == "2025-01-02"
    assert "建议分工" in c["分工说明"] and c["联系人"] == "（待分析人员填写）"
    help_text = " ".join(str(v) for r in openpyxl.load_workbook(book)["说明"].iter_rows(values_only=True) for v in r if v)
    assert "拒收" in help_text and "警告" in help_text
    science = cover(out / "2024_科技局.xlsx")
    assert science["联系人"] == "SYNTHETIC 张三" and [r["指标编号"] for r in sheet_rows(out / "2024_科技局.xlsx")] == [
        "t2_08", "t2_09"]
    index = pd.read_csv(out / "requests.csv", dtype=str, keep_default_na=False)
    assert list(index["indicator_id"]) == ["t2_01", "t2_02", "t2_14", "t2_03", "goal_gdp_fiscal", "t2_08", "t2_09",
                                           "t2_21", "t2_25"]
    assert set(index["deadline"]) == {"2025-03-31"}


def test_default_deadline_is_thirty_days_after_writing(plan_dir, tmp_path):
    out, _ = requests_for(plan_dir, tmp_path)
    assert cover(out / "2024_人社局.xlsx")["截止日期"] == "2025-02-01"  # 2025-01-02 + 30 days


def test_requests_need_a_department_for_every_target(plan_dir, tmp_path):
    resp = plan_dir / "responsibility.csv"
    resp.write_text("".join(ln for ln in resp.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not ln.startswith("t2_21,")), encoding="utf-8")
    with pytest.raises(DataError) as info:
        write_requests(2024, plan_dir, tmp_path)
    assert info.value.value == "t2_21" and "every target" in info.value.expected
    (plan_dir / "responsibility.csv").unlink()
    with pytest.raises(DataError, match="responsibility table"):
        write_requests(2024, plan_dir, tmp_path)


# ------------------------------------------------------------------------------------------ returns

SOURCE = ("SYNTHETIC 2024 年统计公报", "https://www.example.gov.cn/bulletin2024")


def fill(book: Path, values: dict, extra_rows: list | None = None, source=SOURCE) -> Path:
    """Fill a request workbook as a department would: ``values`` id → (数值, 口径)."""
    wb = openpyxl.load_workbook(book)
    ws = wb["填报"]
    col = {c.value: c.column for c in ws[2]}
    last = ws.max_row
    for r in range(3, last + 1):
        iid = ws.cell(r, col["指标编号"]).value
        if iid in values:
            value, scope = values[iid]
            for name, v in (("数值", value), ("口径", scope), ("来源标题", source[0]), ("来源网址", source[1]),
                            ("数值原文/原句", f"SYNTHETIC {iid} {value}")):
                ws.cell(r, col[name], v)
    for i, (iid, name, unit, value) in enumerate(extra_rows or [], start=1):
        for h, v in (("指标编号", iid), ("指标名称", name), ("单位", unit), ("年份", 2024), ("数值", value), ("口径", "全区"),
                     ("来源标题", source[0]), ("来源网址", source[1]), ("数值原文/原句", f"SYNTHETIC {iid} {value}")):
            ws.cell(last + i, col[h], v)
    wb.save(book)
    return book


def three_returns(out: Path) -> list[Path]:
    returned = out / "returned"
    returned.mkdir()
    paths = []
    for name, values, source in (
            ("2024_统计局.xlsx", {"t2_01": ("3,113", "全区"), "t2_14": ("83.9", "未注明")}, SOURCE),
            ("2024_科技局.xlsx", {"t2_08": ("3.1%", "全区"), "t2_09": ("61", "全区")},
             ("SYNTHETIC 科技局关于2024年指标数据的报送", None)),  # a department's own figures: no URL
            ("2024_人社局.xlsx", {"t2_25": ("2.4", "全区")}, SOURCE)):
        target = returned / name
        target.write_bytes((out / name).read_bytes())
        paths.append(fill(target, values, source=source))
    return paths


def test_round_trip_three_departments(plan_dir, tmp_path):
    out, _ = requests_for(plan_dir, tmp_path)
    three_returns(out)
    report = import_files([out / "returned"], plan_dir, now=NOW)  # a folder: every returned file in it
    assert sorted((r["indicator_id"], r["year"], r["value"], r["department"]) for r in report.new) == [
        ("t2_01", 2024, 3113.0, "统计局"), ("t2_08", 2024, 3.1, "科技局"), ("t2_09", 2024, 61.0, "科技局"),
        ("t2_14", 2024, 83.9, "统计局"), ("t2_25", 2024, 2.4, "人社局")]
    assert not report.revised and [f.department for f in report.files] == ["人社局", "科技局", "统计局"]
    assert not [w for w in report.warnings if "assigned to" in w]
    sources = load_table(plan_dir / "sources.csv", "sources")
    own = sources[sources["title"] == "SYNTHETIC 科技局关于2024年指标数据的报送"].iloc[0]
    assert pd.isna(own["url"]) and own["publisher"] == "科技局" and own["source_kind"] == "official"
    assert len(list((plan_dir / "incoming").iterdir())) == 3

    status = collection_status(2024, plan_dir).set_index("department")
    assert status.loc["统计局", ["requested", "returned", "has_value", "missing"]].tolist() == [3, 2, 2, 1]
    assert status.loc["统计局", "missing_ids"] == "t2_02"
    assert status.loc["科技局", ["requested", "returned", "has_value", "missing"]].tolist() == [2, 2, 2, 0]
    assert status.loc["人社局", ["requested", "returned", "has_value", "missing"]].tolist() == [1, 1, 1, 0]
    assert status.loc["财政局", ["requested", "returned", "missing"]].tolist() == [2, 0, 2]
    assert status.loc["生态环境分局", "missing_ids"] == "t2_21"
    assert status.loc["科技局", "files"].endswith("incoming/20250301-100000_2024_科技局.xlsx")
    assert status.loc["科技局", "last_return"] == "2025-03-01 10:00:00"
    items = collection_items(2024, plan_dir).set_index("indicator_id")
    assert items.loc["t2_01", "state"] == "returned" and items.loc["t2_02", "state"] == "missing"
    text = status_text(2024, plan_dir)
    assert "统计局" in text and "仍缺" in text and "t2_02 全员劳动生产率" in text
    # the same status from the command line (what `make status YEAR=2024` prints)
    res = subprocess.run([sys.executable, "-m", "planeval.intake", "status", "--year", "2024", "--plan", str(plan_dir)],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip() == text


def test_partial_return(plan_dir, tmp_path):
    out, _ = requests_for(plan_dir, tmp_path)
    fill(out / "2024_统计局.xlsx", {"t2_01": ("3113", "全区")})  # one of its three targets
    report = import_files([out / "2024_统计局.xlsx"], plan_dir, now=NOW)
    assert [(r["indicator_id"], r["value"]) for r in report.new] == [("t2_01", 3113.0)]
    assert report.skipped_rows == [4, 5]  # t2_02 and t2_14 left empty: skipped, not errors
    status = collection_status(2024, plan_dir).set_index("department")
    assert status.loc["统计局", ["requested", "returned", "missing", "missing_ids"]].tolist() == [3, 1, 2, "t2_02, t2_14"]
    assert status[["returned"]].sum().item() == 1
    # the rest comes later, in a second file of the same department
    second = tmp_path / "later.xlsx"
    second.write_bytes((out / "2024_统计局.xlsx").read_bytes())
    fill(second, {"t2_02": ("24.5", "全区")})
    report = import_files([second], plan_dir, now=NOW + dt.timedelta(days=7))
    assert [(r["indicator_id"], r["value"]) for r in report.new] == [("t2_02", 24.5)]
    assert [(r["indicator_id"], r["value"]) for r in report.unchanged] == [("t2_01", 3113.0)]
    status = collection_status(2024, plan_dir).set_index("department")
    assert status.loc["统计局", ["returned", "missing", "missing_ids"]].tolist() == [2, 1, "t2_14"]
    assert status.loc["统计局", "last_return"] == "2025-03-08 10:00:00"


def test_conflicting_returns_are_refused_naming_both_files_and_rows(plan_dir, tmp_path):
    out, _ = requests_for(plan_dir, tmp_path)
    paths = three_returns(out)
    # 人社局 also reports GDP, differently from 统计局 (3113)
    fill(paths[2], {}, extra_rows=[("t2_01", "地区生产总值", "亿元", "3120")])
    before = snapshot(plan_dir)
    with pytest.raises(DataError) as info:
        import_files(paths, plan_dir, now=NOW)
    problems = info.value.problems
    assert len(problems) == 1
    p = problems[0]
    assert p.file.endswith("returned/2024_人社局.xlsx") and p.row == 4 and p.column == "数值" and p.value == "3120"
    assert "returned/2024_统计局.xlsx, sheet '填报', row 3" in p.expected and "3113" in p.expected
    assert snapshot(plan_dir) == before  # all or nothing: the other files' values are not written either


def test_the_same_value_from_two_files_is_kept_once(plan_dir, tmp_path):
    out, _ = requests_for(plan_dir, tmp_path)
    paths = three_returns(out)
    fill(paths[2], {}, extra_rows=[("t2_01", "地区生产总值", "亿元", "3113")])
    report = import_files(paths, plan_dir, now=NOW)
    assert [r["indicator_id"] for r in report.new].count("t2_01") == 1
    assert any(r["indicator_id"] == "t2_01" and "another returned file" in r["why"] for r in report.unchanged)


def test_a_file_with_another_departments_rows_is_imported_with_a_warning(plan_dir, tmp_path):
    """The rule: a department's file may carry another unit's targets (its figure has its own source and
    quote); they are imported, and a warning names the rows and the unit they are assigned to."""
    out, _ = requests_for(plan_dir, tmp_path)
    book = fill(out / "2024_科技局.xlsx", {"t2_08": ("3.1", "全区")},
                extra_rows=[("t2_01", "地区生产总值", "亿元", "3113"), ("t2_25", "城镇登记失业率", "%", "2.4")])
    report = import_files([book], plan_dir, now=NOW)
    assert sorted(r["indicator_id"] for r in report.new) == ["t2_01", "t2_08", "t2_25"]
    wrong = [w for w in report.warnings if "assigned to" in w]
    assert len(wrong) == 2
    assert "rows 5 (t2_01) are assigned to 统计局" in wrong[1] or "rows 5 (t2_01) are assigned to 统计局" in wrong[0]
    assert any("rows 6 (t2_25) are assigned to 人社局" in w for w in wrong)
    receipts = load_table(plan_dir / "receipts.csv", "receipts", load_plan(plan_dir).plan_lists())
    assert set(receipts["department"]) == {"科技局"}
    status = collection_status(2024, plan_dir).set_index("department")
    # the values count for the targets they belong to; the files for the department that sent them
    assert status.loc["统计局", ["returned", "files"]].tolist() == [1, ""]
    assert status.loc["科技局", "returned"] == 1 and status.loc["人社局", "returned"] == 1


def test_a_department_return_without_url_needs_its_cover_sheet(plan_dir, tmp_path):
    out, _ = requests_for(plan_dir, tmp_path)
    book = fill(out / "2024_人社局.xlsx", {"t2_25": ("2.4", "全区")}, source=("SYNTHETIC 回函", None))
    wb = openpyxl.load_workbook(book)
    del wb["封面"]  # no cover sheet: no department, so the value needs a URL like any other
    wb.save(book)
    with pytest.raises(DataError) as info:
        import_files([book], plan_dir)
    assert info.value.column.startswith("来源网址") and info.value.row == 3


def test_requests_and_status_commands(plan_dir, tmp_path):
    res = subprocess.run([sys.executable, "-m", "planeval.intake", "requests", "--year", "2024", "--plan", str(plan_dir),
                          "--out", str(tmp_path / "r"), "--deadline", "2025-04-30"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "5 个单位" in res.stdout and cover(tmp_path / "r" / "2024_财政局.xlsx")["截止日期"] == "2025-04-30"
    res = subprocess.run([sys.executable, "-m", "planeval.intake", "requests", "--year", "2030", "--plan", str(plan_dir)],
                         cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 2 and "2021-2025" in res.stderr


def test_a_department_with_assigned_targets_is_asked_for_the_assigned_value_and_its_document(tmp_path):
    """issue 22 #8: a target 按上级下达 (完成省下达目标) has no figure of its own in the plan: the request asks for the
    value the higher level assigned and the document that assigned it. Departments without one are not asked."""
    write_requests(2025, REAL, tmp_path, today=TODAY)
    index = pd.read_csv(tmp_path / "requests.csv", dtype=str, keep_default_na=False)
    plan = load_plan(REAL)
    registry = load_table(REAL / "indicators.csv", "indicators", plan.plan_lists()).set_index("id")
    forms = index["indicator_id"].map(registry["target_form"])
    with_assigned = set(index.loc[forms == "city_assigned", "department"])
    assert with_assigned
    for dept in set(index["department"]):
        c = cover(tmp_path / f"2025_{dept}.xlsx")
        if dept not in with_assigned:
            assert "上级下达目标" not in c
            continue
        names = index[(index["department"] == dept) & (forms == "city_assigned")]["name_zh"]
        text = c["上级下达目标"]
        assert text.startswith(f"下列 {len(names)} 项指标的规划目标为“按上级下达”") and all(n in text for n in names)
        assert "目标值" in text and "文号" in text and "印发日期" in text
