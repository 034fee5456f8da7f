"""Downloads published with the site (under data/ of the site): the assessment results for readers (Chinese
headers, units, labels; CSV and Excel), the same as a machine file with codes, and the input tables.

Every cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return, and
not a plain number) is prefixed with an apostrophe, in every download."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from ..files import write_if_changed


READER_COLUMNS = [("name_zh", "指标"), ("table", "类别"), ("chapter", "章节"), ("attribute", "属性"),
                  ("status_zh", "评估结论"), ("latest_value", "最新值"), ("unit", "单位"), ("latest_year", "最新数据年份"),
                  ("latest_scope", "口径"), ("target_text", "规划目标"), ("baseline_value", "基期值"),
                  ("baseline_year", "基期年份"), ("progress_share", "完成进度"), ("time_share", "时间进度"),
                  ("pace_ratio", "进度比"), ("outlook_zh", "目标年展望"), ("notes_text", "提示"), ("reason", "依据"),
                  ("evidence_quote", "结论原文"), ("id", "编号")]
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def defuse(value):
    """A text cell a spreadsheet would run as a formula, made inert; numbers stay numbers."""
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        # pandas 3 reads text as the `str` dtype, not object: both hold cells to defuse
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(defuse)
    out.columns = [defuse(c) for c in out.columns]
    return out


def reader_table(report) -> pd.DataFrame:
    """The results as a reader reads them: Chinese headers and labels, a unit column, no codes but the id."""
    import json

    res = report.results.copy()
    reg = report.ds.registry.set_index("id")
    res["unit"] = res["id"].map(reg["unit"])
    res["target_text"] = res["id"].map(reg["target_text"])
    res["table"] = res["table"].map(lambda t: report.table_name(t, short=True))
    res["chapter"] = res["chapter"].map(lambda c: report.plan.chapter(c).short if c in report.plan.chapter_ids else c)
    res["notes_text"] = res["notes"].map(lambda n: "；".join(x["text"] for x in json.loads(n or "[]")))
    out = res[[c for c, _ in READER_COLUMNS]].rename(columns=dict(READER_COLUMNS))
    return defuse_frame(out)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    # CRLF rows: a cell holding a bare carriage return is then quoted too (with "\n" rows it was written
    # unquoted, and a spreadsheet started a new row there, with the rest of the cell as a formula)
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(sheets: dict) -> bytes:
    """An Excel workbook with one sheet per (already defused) frame."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=False)
    return buf.getvalue()


# The published files, under the site's data/ (the front page links to them: planeval.report.tables).
RESULTS = "评估结果"            # .csv and .xlsx, Chinese headers
MACHINE = "assessment.csv"      # the code-named machine file
INPUTS = "input"                # the plan folder's tables


def input_downloads(folder: Path) -> dict:
    """File name → bytes of the input tables as published (data/input/): every CSV of the plan folder with
    formula-like cells defused, and the .yml files as they are."""
    wanted = {}
    for f in sorted(Path(folder).glob("*.csv")):
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        wanted[f.name] = _csv_bytes(defuse_frame(frame))
    for f in sorted(Path(folder).glob("*.yml")):
        wanted[f.name] = f.read_bytes()
    return wanted


def write_downloads(edition) -> Path:
    """Rewrite the files only when their content changed: an untouched site must stay untouched, so a no-op
    rebuild skips Jupyter Book entirely (xlsx files carry a timestamp, hence the csv check)."""
    from ..report.context import open_report

    report = open_report(str(edition.plan.folder), edition.year)
    out = edition.book / "_extra" / "data"
    reader = reader_table(report)
    machine = defuse_frame(report.results)
    changed = write_if_changed(out / f"{RESULTS}.csv", _csv_bytes(reader))
    changed |= write_if_changed(out / MACHINE, _csv_bytes(machine))
    xlsx = out / f"{RESULTS}.xlsx"
    if changed or not xlsx.exists():
        write_if_changed(xlsx, xlsx_bytes({
            "评估结果": reader,
            "审计记录": machine[["id", "audit"]].rename(columns={"id": "编号", "audit": "审计记录（JSON）"})}))
    inputs = out / INPUTS
    wanted = input_downloads(edition.plan.folder)
    if inputs.exists():
        for old in inputs.iterdir():
            if old.name not in wanted:
                old.unlink()
    for name, data in wanted.items():
        write_if_changed(inputs / name, data)
    return out

