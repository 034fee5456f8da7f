"""nbval must catch a committed output that no longer follows from the data."""
import shutil

import pandas as pd
import pytest

from conftest import run_pytest
from yinzhou_eval import paths

pytestmark = pytest.mark.slow
NOTEBOOK = "economy.ipynb"


def copy_book(tmp_path):
    shutil.copytree(paths.DATA, tmp_path / "data")
    (tmp_path / "book").mkdir()
    shutil.copy2(paths.BOOK / NOTEBOOK, tmp_path / "book" / NOTEBOOK)
    shutil.copy2(paths.ROOT / "tests" / "nbval_sanitize.cfg", tmp_path / "nbval_sanitize.cfg")
    return tmp_path


def nbval(tmp_path):
    return run_pytest(["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "nbval_sanitize.cfg",
                       "-p", "no:cacheprovider", f"book/{NOTEBOOK}"], cwd=tmp_path)


def test_unchanged_copy_passes(tmp_path):
    proc = nbval(copy_book(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_changing_one_data_value_fails(tmp_path):
    root = copy_book(tmp_path)
    obs_path = root / "data" / "observations.csv"
    obs = pd.read_csv(obs_path, dtype=str, keep_default_na=False)
    row = obs.index[(obs["indicator_id"] == "t2_01") & (obs["value"] != "")][-1]
    obs.loc[row, "value"] = str(float(obs.loc[row, "value"]) + 100)  # one GDP figure, +100亿元
    obs.to_csv(obs_path, index=False)
    proc = nbval(root)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "failed" in proc.stdout
