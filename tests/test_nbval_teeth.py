"""nbval must catch a committed output that no longer follows from the data, or that was pasted in from
elsewhere (the review check, tests/test_book_review.py, covers prose and code cells)."""
import csv
import shutil

import nbformat
import pytest

from conftest import run_pytest
from planeval import paths
from planeval.book import build

pytestmark = pytest.mark.slow
EDITION = build.edition_for()
NOTEBOOK = "economy.ipynb"


def copy_book(tmp_path):
    """book/economy.ipynb and the plan folder it reads, at the same relative places."""
    folder = EDITION.plan.folder
    shutil.copytree(folder, tmp_path / folder.relative_to(paths.ROOT))
    (tmp_path / "book").mkdir()
    shutil.copy2(paths.BOOK / NOTEBOOK, tmp_path / "book" / NOTEBOOK)
    shutil.copy2(paths.ROOT / "tests" / "nbval_sanitize.cfg", tmp_path / "nbval_sanitize.cfg")
    return tmp_path


def nbval(tmp_path):
    return run_pytest(["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "nbval_sanitize.cfg",
                       "-p", "no:cacheprovider", "-p", "no:randomly", f"book/{NOTEBOOK}"], cwd=tmp_path)


def test_unchanged_copy_passes(tmp_path):
    proc = nbval(copy_book(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_changing_one_data_value_fails(tmp_path):
    root = copy_book(tmp_path)
    folder = root / EDITION.plan.folder.relative_to(paths.ROOT)
    with open(folder / "indicators.csv", encoding="utf-8", newline="") as f:
        main = [r["id"] for r in csv.DictReader(f) if r["table"] == "main" and r["chapter"] == "economy"]
    path = folder / "observations.csv"
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    # the latest figure the edition shows (later years are outside its evaluation year and hidden)
    row = [r for r in rows if r["indicator_id"] == main[0] and r["value"] and int(r["year"]) <= EDITION.year][-1]
    row["value"] = f"{float(row['value']) + 100:g}"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    proc = nbval(root)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "failed" in proc.stdout


def test_output_pasted_from_another_page_fails(tmp_path):
    root = copy_book(tmp_path)
    path = root / "book" / NOTEBOOK
    other = nbformat.read(paths.BOOK / "ecology.ipynb", as_version=4)
    pasted = next(c.outputs for c in other.cells if c.cell_type == "code" and "status_table" in c.source)
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.cell_type == "code" and "status_table" in c.source).outputs = pasted
    nbformat.write(nb, path)
    proc = nbval(root)
    assert proc.returncode == 1, proc.stdout[-3000:]
