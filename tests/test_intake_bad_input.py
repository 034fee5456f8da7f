"""Every kind of bad filled-in file is refused with a message naming file, sheet, row, column, the value
found and what was expected, and leaves the plan folder byte-identical (checked on a tmp copy of the SYNTHETIC
fixture plan folder). The bad files are real files in tests/bad_input/, made by make_bad_files.py."""
from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from planeval.data.schema import DataError
from planeval.intake.importer import import_file, import_files

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad_input"


from conftest import snapshot  # noqa: E402  (fixture plan_dir comes from conftest too)


# file, sheet, row, column (start of), value found (repr in the message), words of "expected"
CASES = {
    "unknown_id.xlsx": ("填报", 4, "指标编号", "t2_99", ["indicator id", "indicators.csv"]),
    "unknown_name.csv": (None, 3, "指标名称", "地区生产总额", ["indicator name"]),
    "non_numeric.xlsx": ("填报", 4, "数值", "待核实", ["a number"]),
    "pct_over_100.xlsx": ("填报", 4, "数值", "105%", ["between 0 and 100", "t2_14"]),
    "unit_mismatch.xlsx": ("填报", 4, "单位", "万元", ["亿元", "t2_01"]),
    "unit_suffix.csv": (None, 3, "数值", "28,033,000万元", ["亿元", "万元"]),
    "year_outside.xlsx": ("填报", 4, "年份", "2026", ["2021-2025"]),
    "duplicate_rows.csv": (None, 4, "指标编号", "t2_01", ["one row per indicator", "row 2"]),
    "missing_source.xlsx": ("填报", 4, "来源网址", "", ["web address"]),
    "empty.csv": (None, None, None, "(an empty file, 0 bytes)", ["filled-in template"]),
    "no_values.xlsx": ("填报", None, "数值", "no row with a 数值", ["at least one filled-in 数值"]),
    "wrong_sheet.xlsx": (None, None, None, "sheets 'Sheet1'", ["a sheet named '填报'"]),
    "not_spreadsheet.xlsx": (None, None, None, "a PNG image", [".xlsx workbook"]),
    "notes.txt": (None, None, None, "a '.txt' file", [".xlsx or .csv"]),
    "baseline_revision.xlsx": ("填报", 4, "数值", "2300", ["2266.1", "baseline", "from the plan"]),
    "missing_column.xlsx": ("填报", 2, "来源网址", None, ["missing: 来源网址"]),
    "bad_scope.xlsx": ("填报", 4, "口径", "宁波市", ["全区", "区本级", "未注明"]),
    "several_problems.csv": (None, 2, "数值", "N/A", ["a number"]),
    # issue 17.9: merged value cells would give the second row the first row's value
    "merged_value.xlsx": ("填报", 3, "数值", "merged cells G3:G4", ["unmerge G3:G4", "数值"]),
    # issue 17.8: impossible values, per unit
    "negative_count.xlsx": ("填报", 4, "数值", "-3", ["not below zero", "件", "t2_09"]),
    "zero_gdp.xlsx": ("填报", 4, "数值", "0", ["above zero", "亿元", "t2_01"]),
    "negative_share.csv": (None, 3, "数值", "-0.5", ["between 0 and 100", "t2_14"]),
    # issue 17.10: the row an unclosed quote opens on, exactly
    "unclosed_quote.csv": (None, 3, None, None, ["closing double quote"]),
}


def test_every_bad_file_has_a_case():
    files = {p.name for p in BAD.iterdir() if p.is_file() and p.name != "make_bad_files.py"}
    assert files == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_refused_and_data_untouched(name, plan_dir):
    sheet, row, column, value, expected_words = CASES[name]
    before = snapshot(plan_dir)
    with pytest.raises(DataError) as info:
        import_file(BAD / name, plan_dir)
    err, message = info.value, str(info.value)
    assert name in err.file and name in message
    assert err.sheet == sheet and err.row == row
    if sheet:
        assert f"sheet '{sheet}'" in message
    if row is not None:
        assert f"row {row}" in message
    if column is not None:
        assert err.column.startswith(column) and f"column '{column}" in message
    if value is not None:
        assert err.value == value and f"found {value!r}" in message
    for word in expected_words:
        assert word in err.expected and word in message
    assert snapshot(plan_dir) == before, "a refused import must leave the plan folder byte-identical"
    # a dry run refuses the same way
    with pytest.raises(DataError):
        import_file(BAD / name, plan_dir, dry_run=True)
    assert snapshot(plan_dir) == before


def test_all_problems_of_a_file_are_reported_together(plan_dir):
    with pytest.raises(DataError) as info:
        import_file(BAD / "several_problems.csv", plan_dir)
    problems = info.value.problems
    assert [(p.row, p.column.split("（")[0], p.value) for p in problems] == [
        (2, "数值", "N/A"), (3, "来源标题", ""), (4, "数值", "120")]
    message = str(info.value)
    assert "2 more problem" in message and "row 3" in message and "'120'" in message


def test_column_letters_are_named(plan_dir):
    with pytest.raises(DataError) as info:
        import_file(BAD / "non_numeric.xlsx", plan_dir)
    assert info.value.column == "数值（G列）"


def test_generator_makes_the_committed_files(tmp_path):
    """make_bad_files.py makes exactly the committed set; the CSV and raw files are byte-identical."""
    module = runpy.run_path(str(BAD / "make_bad_files.py"))
    made = module["main"](tmp_path)
    assert {p.name for p in made} == set(CASES)
    for p in made:
        if p.suffix != ".xlsx":
            assert p.read_bytes() == (BAD / p.name).read_bytes(), p.name


def test_good_fixture_generator_runs(tmp_path):
    module = runpy.run_path(str(ROOT / "tests" / "fixtures" / "intake" / "make_good_files.py"))
    made = module["main"](tmp_path)
    assert [p.name for p in made] == ["good_2024.xlsx", "good_gbk.csv"]
    assert (tmp_path / "good_gbk.csv").read_bytes() == (ROOT / "tests/fixtures/intake/good_gbk.csv").read_bytes()


def test_every_merged_data_range_is_named(plan_dir):
    with pytest.raises(DataError) as info:
        import_file(BAD / "merged_value.xlsx", plan_dir)
    found = [(p.row, p.column, p.value) for p in info.value.problems]
    assert found == [(3, "数值（G列）", "merged cells G3:G4"), (3, "来源网址（J列）", "merged cells J3:J4")]


def test_merged_header_cells_are_still_fine(plan_dir):
    """The title row and a two-row header may be merged (the good fixture has both)."""
    report = import_file(ROOT / "tests" / "fixtures" / "intake" / "good_2024.xlsx", plan_dir, dry_run=True)
    assert len(report.new) == 7


def test_unclosed_quote_row_in_the_message(plan_dir):
    with pytest.raises(DataError) as info:
        import_file(BAD / "unclosed_quote.csv", plan_dir)
    assert "row 3" in str(info.value) and "row 4" not in str(info.value)
    assert info.value.value.startswith("t2_01,地区生产总值,亿元,全区,,2023")


def test_problems_of_several_files_are_reported_together(plan_dir):
    before = snapshot(plan_dir)
    with pytest.raises(DataError) as info:
        import_files([BAD / "non_numeric.xlsx", BAD / "bad_scope.xlsx", BAD / "notes.txt"], plan_dir)
    files = [Path(p.file).name for p in info.value.problems]
    assert files == ["non_numeric.xlsx", "bad_scope.xlsx", "notes.txt"]
    assert snapshot(plan_dir) == before
