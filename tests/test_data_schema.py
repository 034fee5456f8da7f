"""Schema checks on load, exercised with the committed bad files in tests/bad_data/ (synthetic rows)."""
import shutil
from pathlib import Path

import pytest

from yinzhou_eval.datacheck import DataError
from yinzhou_eval.observations import load_observations
from yinzhou_eval.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad_data"


def _stage(tmp_path, bad_file, name, with_refs=False):
    shutil.copy(bad_file, tmp_path / f"{name}.csv")
    shutil.copy(ROOT / "data" / f"{name}.meta.yml", tmp_path)
    if with_refs:
        for ref in ("sources", "series"):
            shutil.copy(ROOT / "data" / f"{ref}.csv", tmp_path)
            shutil.copy(ROOT / "data" / f"{ref}.meta.yml", tmp_path)
    return tmp_path


@pytest.mark.parametrize("case, column, expected_words", [
    ("wrong_type", "baseline_value", "number"),
    ("unknown_chapter", "chapter", "economy"),
    ("wrong_side", "target_value", "baseline 2266.1"),
    ("duplicate_id", "id", "unique"),
    ("missing_target_value", "target_value", "judged against a value"),
])
def test_bad_registry_file_names_row_and_column(tmp_path, case, column, expected_words):
    data_dir = _stage(tmp_path, BAD / "registry" / f"{case}.csv", "indicators")
    with pytest.raises(DataError) as err:
        load_registry(data_dir)
    assert err.value.row == 3 and err.value.column == column
    message = str(err.value)
    assert "indicators.csv" in message and "row 3" in message and column in message
    assert expected_words in message


@pytest.mark.parametrize("case, column", [
    ("unknown_source", "source_id"),
    ("unknown_indicator", "indicator_id"),
    ("bad_scope", "scope"),
    ("months_out_of_range", "months_covered"),
    ("no_value_no_verdict", "value"),
    ("duplicate_year", "year"),
    ("text_in_value", "value"),
])
def test_bad_observation_file_names_row_and_column(tmp_path, case, column):
    data_dir = _stage(tmp_path, BAD / "observations" / f"{case}.csv", "observations", with_refs=True)
    with pytest.raises(DataError) as err:
        load_observations(data_dir, registry_ids={"t2_01"})
    assert (err.value.row, err.value.column) == (3, column)
    assert "observations.csv" in str(err.value)


def test_the_good_rows_of_the_bad_files_load(tmp_path):
    """Guards the cases above: with the broken row removed, the same file loads."""
    lines = (BAD / "registry" / "wrong_side.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "indicators.csv").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    shutil.copy(ROOT / "data" / "indicators.meta.yml", tmp_path)
    assert list(load_registry(tmp_path)["id"]) == ["t2_08"]
