"""Releases of one figure through the import (issue 21): a later release is added beside the earlier one and
never overwrites it; the same release twice is a conflict to settle; a correction is an explicit --revise; an
estimated baseline's actual may be imported (issue 22). SYNTHETIC data only."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planeval.data.schema import load_table
from planeval.intake.importer import import_file
from planeval.intake.report import IntakeError

HEAD = "指标编号,指标名称,单位,年份,数值,口径,来源标题,来源网址,发布日期,数值原文/原句,发布类型\r\n"


NAMES = {"t2_08": ("R&D经费支出占GDP比重", "%"), "t2_01": ("地区生产总值", "亿元")}


def returned(path: Path, iid: str, year: int, value: str, release: str = "", tail: str = "r") -> Path:
    name, unit = NAMES[iid]
    line = (f"{iid},{name},{unit},{year},{value},全区,SYNTHETIC 统计年鉴 {tail},https://www.example.gov.cn/{tail},"
            f"2024-12-30,SYNTHETIC 原句 {value},{release}\r\n")
    path.write_bytes((HEAD + line).encode("utf-8-sig"))
    return path


def rows(plan_dir, iid, year):
    obs = load_table(plan_dir / "observations.csv", "observations")
    return obs[(obs["indicator_id"] == iid) & (obs["year"] == year)]


def test_a_later_release_is_added_beside_the_earlier_one(plan_dir, tmp_path):
    # the fixture records t2_08 2022 = 2.9 (a published source); the yearbook's final figure is 3.0
    report = import_file(returned(tmp_path / "a.csv", "t2_08", 2022, "3.0", "最终核实"), plan_dir)
    assert [(r["value"], r["old_value"], r["release"]) for r in report.revised] == [(3.0, 2.9, "final")]
    got = rows(plan_dir, "t2_08", 2022)
    assert sorted(zip(got["value"], got["release"].fillna(""))) == [(2.9, ""), (3.0, "final")]


def test_without_a_named_release_it_is_a_revision_and_a_second_one_must_name_its_release(plan_dir, tmp_path):
    import_file(returned(tmp_path / "a.csv", "t2_08", 2022, "3.0"), plan_dir)
    assert set(rows(plan_dir, "t2_08", 2022)["release"].fillna("")) == {"", "revised"}


def test_the_same_release_twice_is_a_conflict_to_settle(plan_dir, tmp_path):
    # a published 修订 of t2_08 2021 is already recorded (SYNTHETIC, not from a returned file)
    with open(plan_dir / "observations.csv", "a", encoding="utf-8") as f:
        f.write("t2_08,2021,2.7,level,,,,全区,,12,,,revised,,syn_report_2023,SYNTHETIC 修订,synthetic\n")
    with pytest.raises(IntakeError) as info:     # 修订 is recorded: which release is 2.8?
        import_file(returned(tmp_path / "b.csv", "t2_08", 2021, "2.8"), plan_dir)
    assert info.value.column.startswith("发布类型") and "revised" in info.value.expected
    assert "--revise" in info.value.expected
    assert len(rows(plan_dir, "t2_08", 2021)) == 1      # nothing written
    import_file(returned(tmp_path / "c.csv", "t2_08", 2021, "2.8", "最终核实"), plan_dir)   # named: added
    assert sorted(rows(plan_dir, "t2_08", 2021)["release"]) == ["final", "revised"]


def test_an_unknown_release_word_is_refused_with_the_words_allowed(plan_dir, tmp_path):
    with pytest.raises(IntakeError) as info:
        import_file(returned(tmp_path / "a.csv", "t2_08", 2022, "3.0", "终审"), plan_dir)
    assert info.value.column.startswith("发布类型") and "最终核实（年鉴）" in info.value.expected


def test_a_correction_replaces_only_when_said(plan_dir, tmp_path):
    import_file(returned(tmp_path / "a.csv", "t2_08", 2022, "3.0"), plan_dir, revise=True)
    got = rows(plan_dir, "t2_08", 2022)
    assert list(got["value"]) == [3.0]


def test_an_estimated_baselines_actual_can_be_imported(plan_dir, tmp_path):
    reg = (plan_dir / "indicators.csv").read_text(encoding="utf-8").splitlines()
    head = reg[0].split(",")
    assert "baseline_estimate" not in head
    reg[0] += ",baseline_estimate"
    reg[1:] = [line + (",1" if line.startswith("t2_08,") else ",") for line in reg[1:]]
    (plan_dir / "indicators.csv").write_text("\n".join(reg) + "\n", encoding="utf-8")
    # t2_08's baseline 2.5 (2020) is now printed as an estimate: the 2020 actual 2.6 is data, not refused
    report = import_file(returned(tmp_path / "a.csv", "t2_08", 2020, "2.6"), plan_dir)
    assert [(r["year"], r["value"]) for r in report.new] == [(2020, 2.6)]
    # an actual baseline (not an estimate) still cannot be revised through yearly data
    with pytest.raises(IntakeError) as info:
        import_file(returned(tmp_path / "b.csv", "t2_01", 2020, "2300"), plan_dir)
    assert "baseline" in info.value.expected
