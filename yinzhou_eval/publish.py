"""Machine-readable downloads published with the site: the assessment results (CSV and XLSX) and the
input data, under ``_build/html/data/``."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from . import paths

EXTRA = paths.BOOK / "_extra"  # Sphinx copies html_extra_path to the site root
DOWNLOAD_COLUMNS_FIRST = ["id", "plan", "eval_year", "name_zh", "chapter", "attribute", "target_form", "status",
                          "status_zh", "latest_year", "latest_value", "progress_share", "pace_ratio", "outlook"]


def assessment_table(eval_year: int, data_dir=None) -> pd.DataFrame:
    from .dataset import load_dataset

    results = load_dataset(data_dir).assess(eval_year)
    first = [c for c in DOWNLOAD_COLUMNS_FIRST if c in results.columns]
    return results[first + [c for c in results.columns if c not in first]]


def write_downloads(eval_year: int, extra_dir: Path = EXTRA, data_dir=None) -> Path:
    """Rewrite the files only when their content changed: an untouched site must stay untouched, so a
    no-op rebuild skips Jupyter Book entirely (xlsx files carry a timestamp, hence the csv check)."""
    out = extra_dir / "data"
    (out / "input").mkdir(parents=True, exist_ok=True)
    table = assessment_table(eval_year, data_dir)
    csv_bytes = table.to_csv(index=False).encode("utf-8-sig")
    csv_path, xlsx_path = out / "assessment.csv", out / "assessment.xlsx"
    if not csv_path.exists() or csv_path.read_bytes() != csv_bytes or not xlsx_path.exists():
        csv_path.write_bytes(csv_bytes)
        with pd.ExcelWriter(xlsx_path, engine="openpyxl") as xl:
            table.drop(columns=["audit"], errors="ignore").to_excel(xl, sheet_name="评估结果", index=False)
            if "audit" in table:
                table[["id", "audit"]].to_excel(xl, sheet_name="审计记录", index=False)
    src = Path(data_dir) if data_dir else paths.DATA
    wanted = {f.name: f for f in sorted([*src.glob("*.csv"), *src.glob("*.meta.yml")])}
    for old in (out / "input").iterdir():
        if old.name not in wanted:
            old.unlink()
    for name, f in wanted.items():
        target = out / "input" / name
        if not target.exists() or target.read_bytes() != f.read_bytes():
            shutil.copy2(f, target)
    return out
