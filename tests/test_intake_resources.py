"""Issue 23: hostile workbooks cost little. A workbook with 1,000,000 formatted empty cells (what Excel writes
when a user formats a whole column) is imported, and a zip bomb (1 GiB of sheet XML in a few MiB) is
refused, each in a fresh process whose peak memory (getrusage, ru_maxrss) must stay under 500 MiB. The
process runs under an address-space cap, so the code before the fix (which took more than 6 GiB) fails here
instead of exhausting the machine. Seconds are measured and printed, never asserted."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from test_intake_hostile import GOOD_ROW, xlsx_file

ROOT = Path(__file__).resolve().parent.parent
PEAK_LIMIT_MIB = 500
SHEET = "xl/worksheets/sheet1.xml"

MEASURE = """
import json, resource, sys, time
from planeval.data.schema import DataError
from planeval.intake.importer import import_file
started = time.perf_counter()
try:
    report = import_file(sys.argv[1], sys.argv[2], dry_run=True)
    outcome = {"imported": [(r["indicator_id"], r["year"], r["value"]) for r in report.new]}
except DataError as exc:
    outcome = {"refused": str(exc)}
outcome["seconds"] = round(time.perf_counter() - started, 2)
outcome["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(outcome, ensure_ascii=False))
"""


def measured(path: Path, plan_dir: Path) -> dict:
    def cap():  # 3 GiB of address space: a regression fails with MemoryError rather than swapping the machine
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path), str(plan_dir)], cwd=ROOT, capture_output=True,
                          text=True, preexec_fn=cap, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\n{path.name}: {result}")
    return result


def with_sheet(good: Path, out: Path, insert) -> Path:
    """A copy of ``good`` whose sheet XML gets ``insert(write)`` before </sheetData>, streamed (never in memory)."""
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename != SHEET:
                dst.writestr(item, src.read(item))
                continue
            head, tail = src.read(item).decode("utf-8").split("</sheetData>")
            info = zipfile.ZipInfo(SHEET)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as f:
                f.write(head.encode())
                insert(f.write)
                f.write(("</sheetData>" + tail).encode())
    return out


def styled(wb):
    from openpyxl.styles import Font

    wb["填报"]["A1"].font = Font(bold=True)  # style index 1 exists, as in any formatted workbook


def test_a_million_formatted_empty_cells_cost_nothing(plan_dir, tmp_path):
    good = xlsx_file(tmp_path / "good.xlsx", GOOD_ROW, hook=styled)

    def formatted(write):
        batch = []
        for r in range(3, 1_000_003):  # column G (数值) formatted down to row 1,000,002
            batch.append(f'<row r="{r}" s="1" customFormat="1"><c r="G{r}" s="1"/></row>')
            if len(batch) == 10_000:
                write("".join(batch).encode())
                batch.clear()
        write("".join(batch).encode())

    path = with_sheet(good, tmp_path / "formatted_columns.xlsx", formatted)
    assert path.stat().st_size < 8 * 2**20
    result = measured(path, plan_dir)
    assert result.get("imported") == [["t2_01", 2024, 3113.0]], result
    assert result["peak_mib"] < PEAK_LIMIT_MIB, result


def test_a_zip_bomb_is_refused_before_it_is_inflated(plan_dir, tmp_path):
    good = xlsx_file(tmp_path / "good.xlsx", GOOD_ROW)
    filler = b" " * 2**20

    def bomb(write):
        for _ in range(1024):  # 1 GiB of whitespace between two rows: valid XML, a few MiB compressed
            write(filler)

    path = with_sheet(good, tmp_path / "bomb.xlsx", bomb)
    assert path.stat().st_size < 16 * 2**20
    result = measured(path, plan_dir)
    assert "inflates to 1024 MiB" in result.get("refused", ""), result
    assert result["peak_mib"] < PEAK_LIMIT_MIB, result


@pytest.mark.parametrize("rows", [25_000])
def test_too_many_filled_rows_are_refused_while_reading(plan_dir, tmp_path, rows):
    good = xlsx_file(tmp_path / "good.xlsx", GOOD_ROW)

    def filled(write):
        write("".join(f'<row r="{r}"><c r="G{r}"><v>{r}</v></c></row>' for r in range(3, rows + 3)).encode())

    result = measured(with_sheet(good, tmp_path / "many.xlsx", filled), plan_dir)
    assert "rows with values" in result.get("refused", ""), result
