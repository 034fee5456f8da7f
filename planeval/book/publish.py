"""Downloads published with the site (under data/ of the site): the assessment results for readers (Chinese
headers, units, labels, numbers as the pages show them; CSV and Excel), the audit record as one row per value
(Chinese headers), the same results as a machine file with codes for programs (with a dictionary of its
columns), and the input tables.

A text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return, and
neither a number such as -0.5 or +3% nor signs alone such as "--") is made inert in every download: in a CSV
with an apostrophe before it, in Excel as a text cell marked as text (shown without the apostrophe)."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd

from ..files import write_if_changed
from ..labels import codes, label
from ..report.fmt import is_missing, number, percent, target_display


# The readable results: the columns of the assessment results a reader needs, headed in Chinese
# (planeval/labels.yml result_column), in this order. Shares and ratios are numbers formatted as the pages show
# them (62%, 1.03): in Excel a number with a number format, in the CSV the page's text.
READER = ["id", "name_zh", "table", "chapter", "attribute", "status_zh", "verify", "latest_value", "unit",
          "latest_year", "latest_scope", "target_text", "baseline_value", "baseline_year", "progress_share",
          "time_share", "pace_ratio", "outlook_zh", "notes_text", "reason", "evidence_quote"]
PROGRESS = {"progress_share", "time_share", "pace_ratio", "outlook_zh"}   # not in a final edition (none on its pages)
PERCENT, RATIO, AS_SHOWN = "0%", "0.00", "General"   # General: Excel shows 10 and 16.5 as the pages do
FORMATS = {"progress_share": PERCENT, "time_share": PERCENT, "pace_ratio": RATIO, "latest_value": AS_SHOWN,
           "baseline_value": AS_SHOWN}
# Columns of long text: wrapped in Excel at this width (characters); the others as wide as their content.
WRAP = {"指标": 24, "规划目标": 22, "待核实（原因）": 30, "提示": 40, "依据": 50, "结论原文": 50, "说明": 50, "来源": 36,
        "含义": 50}
# What a column of the machine file holds beyond its Chinese name (its dictionary, sheet 说明 of the workbook).
MACHINE_NOTES = {
    "progress_share": "小数（0.62即62%）", "time_share": "小数（0.6即60%）", "pace_ratio": "完成进度÷时间进度",
    "required_rate": "小数或差值，见速度类型", "observed_rate": "小数或差值，见速度类型", "notes": "JSON：[{kind, text}]",
    "audit": "JSON：评估所用和未用的每个数值、公式和阈值（可读版见“数值使用记录”）",
    "status": "代码，中文见评估结论", "outlook": "代码，中文见目标年展望", "final": "true / false",
    "stale": "true：最新数据早于评估年份", "verify": "非空即“待核实”"}
# Sheet 数值使用记录: every value the engine looked at for a target, one row each (the audit record's lists).
USE_COLUMNS = ["编号", "指标", "用途", "年份", "数值", "单位", "数值类型", "口径", "发布类型", "来源", "来源编号", "说明"]
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?([eE][+-]?\d+)?%?$")
_NO_OPERAND = re.compile(r"^[+\-\s]+$")   # "--", "-": signs alone, nothing a spreadsheet could compute


def defuse(value):
    """A text cell a spreadsheet would run as a formula, made inert with an apostrophe; numbers (-0.5, +3%,
    -1,234) and signs alone ("--") stay as they are, since nothing there can run."""
    if (isinstance(value, str) and _FORMULA.match(value) and not _NO_OPERAND.match(value)
            and not (_NUMBER.match(value.strip()) and re.search(r"\d", value))):
        return "'" + value
    return value


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        # pandas 3 reads text as the `str` dtype, not object: both hold cells to defuse
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            # (cell by cell into an object column: Series.map would turn [a year, None] into floats)
            out[col] = pd.Series([defuse(v) for v in out[col]], index=out.index, dtype=object)
    out.columns = [defuse(c) for c in out.columns]
    return out


def header(column: str) -> str:
    return label("result_column", column)


def as_shown(value):
    """A measured value rounded as the pages print it (fmt.number), kept a number."""
    return None if is_missing(value) else float(number(value).replace(",", ""))


def reader_table(report) -> pd.DataFrame:
    """The results as a reader reads them: Chinese headers and labels, a unit column, the target as the page
    words it, values as the page rounds them, no codes but the id. Not yet defused (the writers do it)."""
    res = report.results.copy()
    reg = report.ds.registry.set_index("id")
    res["unit"] = res["id"].map(reg["unit"]).map(lambda u: "" if is_missing(u) or not str(u).strip("—-– ") else u)
    res["target_text"] = [target_display(reg.loc[i]) for i in res["id"]]
    res["table"] = res["table"].map(lambda t: report.table_name(t, short=True))
    res["chapter"] = res["chapter"].map(lambda c: report.plan.chapter(c).short if c in report.plan.chapter_ids else c)
    res["notes_text"] = res["notes"].map(lambda n: "；".join(x["text"] for x in json.loads(n or "[]")))
    res["latest_value"] = res["latest_value"].map(as_shown)
    res["baseline_value"] = res["baseline_value"].map(as_shown)
    columns = [c for c in READER if not (report.final and c in PROGRESS)]
    return cells(res[columns].rename(columns={c: header(c) for c in columns}))


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell a plain Python value, empty ones None: a year stays an integer (not a float next to an empty cell)."""
    def plain(v):
        return None if is_missing(v) else v.item() if hasattr(v, "item") else v
    return pd.DataFrame([[plain(v) for v in row] for row in frame.itertuples(index=False)], columns=frame.columns,
                        dtype=object)


def reader_formats(frame: pd.DataFrame) -> dict:
    """Chinese header → Excel number format, for the columns of ``frame`` that have one."""
    return {header(c): f for c, f in FORMATS.items() if header(c) in frame.columns} | (
        {"数值": AS_SHOWN} if "数值" in frame.columns else {})


def as_text(frame: pd.DataFrame, formats: dict) -> pd.DataFrame:
    """The frame with its formatted columns written as the page writes them (62%, 1.03, 10, 16.5), for a CSV."""
    def text(v, fmt):
        if is_missing(v) or isinstance(v, str):
            return v
        return percent(v) if fmt == PERCENT else f"{v:.2f}" if fmt == RATIO else number(v).replace(",", "")
    out = frame.copy()
    for col, fmt in formats.items():
        out[col] = pd.Series([text(v, fmt) for v in out[col]], index=out.index, dtype=object)
    return out


def value_uses(report) -> pd.DataFrame:
    """The audit record as rows: every value used, used as a start or a floor, or left out (with why)."""
    rows = []
    reg = report.ds.registry
    related = {i: str(x) for i, x in zip(reg["id"], reg["related_id"]) if not is_missing(x)}
    for _, r in report.results.iterrows():
        audit = json.loads(r["audit"] or "{}")
        unit = str(report.ds.units.get(r["id"]) or "")
        for use in codes("audit_use"):
            items = audit.get(use) or []
            for item in items if isinstance(items, list) else [items]:
                note = item.get("why", "")
                if item.get("rebased"):
                    links = "；".join(f"按{x['year']}年新旧口径之比{x['factor']:.4f}换算" for x in item["rebased"])
                    note = f"公布值{number(item['published_value'])}，{links}"
                if "verdict" in item:   # a sentence that states the verdict (完成 …): the sentence is the value
                    value, note = label("verdict", item["verdict"]), "；".join(x for x in (f"原文：{item.get('quote', '')}", note) if x)
                else:
                    value = item.get("value")
                kind, own_unit = item.get("kind"), unit
                if use == "related_observations_used" and related.get(r["id"]):
                    # a value of the series the target is compared with (the year's target, the GDP growth)
                    rid = related[r["id"]]
                    own_unit = str(report.ds.units.get(rid) or unit)
                    note = "；".join(x for x in (f"对照指标：{report.name(rid)}", note) if x)
                rows.append(dict(zip(USE_COLUMNS, [
                    r["id"], r["name_zh"], label("audit_use", use), item.get("year"), value,
                    own_unit if "verdict" not in item else "",
                    label("value_kind", kind) if kind in codes("value_kind") else "",
                    item.get("scope", ""), label("release", item["release"]) if item.get("release") else "",
                    report.source_title(item["source_id"]) if item.get("source_id") else "",
                    item.get("source_id", ""), note])))
    return cells(pd.DataFrame(rows, columns=USE_COLUMNS, dtype=object))


def machine_dictionary(machine: pd.DataFrame) -> pd.DataFrame:
    """Each column of the machine file with its Chinese header and what it holds."""
    return pd.DataFrame([{"列名（代码版 assessment.csv）": c, "中文表头": header(c), "含义": MACHINE_NOTES.get(c, "")}
                         for c in machine.columns])


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    # CRLF rows: a cell holding a bare carriage return is then quoted too (with "\n" rows it was written
    # unquoted, and a spreadsheet started a new row there, with the rest of the cell as a formula)
    return defuse_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _width(value) -> int:
    """Display width in characters: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in text.split("\n")), default=0)


def xlsx_bytes(sheets: dict, formats: dict | None = None) -> bytes:
    """An Excel workbook, one sheet per frame: a bold header row that stays in view (frozen with the first two
    columns), a filter, columns as wide as their content (long text wrapped), numbers as numbers with the
    pages' format (``formats``: header → number format), and text as text: a cell a spreadsheet would run as
    a formula is written as a text cell marked as such (quotePrefix, what Excel does for a typed apostrophe),
    so it shows as written and stays text when edited."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    formats = formats or {}
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(name)
        for j, col in enumerate(frame.columns, 1):
            put(ws, 1, j, str(col)).font = Font(bold=True)
        for i, row in enumerate(frame.itertuples(index=False), 2):
            for j, value in enumerate(row, 1):
                cell = put(ws, i, j, None if is_missing(value) else value)
                if frame.columns[j - 1] in formats:
                    cell.number_format = formats[frame.columns[j - 1]]
        for j, col in enumerate(frame.columns, 1):
            wrap = WRAP.get(str(col))
            widest = max([_width(col)] + [_width(v) for v in frame.iloc[:, j - 1]])
            ws.column_dimensions[get_column_letter(j)].width = min(widest, wrap or 40) + 2
            if wrap and widest > wrap:
                for cell in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell[0].alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "C2" if len(frame.columns) > 2 else "A2"
        if len(frame):
            ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def put(ws, row: int, col: int, value):
    cell = ws.cell(row, col)
    if isinstance(value, str):
        cell.value = value.replace("\r\n", "\n").replace("\r", "\n")
        cell.data_type = "s"  # openpyxl makes any string starting with = a formula otherwise
        if defuse(value) != value:
            cell.quotePrefix = True
    elif hasattr(value, "item"):  # numpy scalars
        cell.value = value.item()
    else:
        cell.value = value
    return cell


# The published files, under the site's data/ (the front page links to them: planeval.report.tables).
RESULTS = "评估结果"            # .csv and .xlsx, Chinese headers, for readers
USES = "数值使用记录"           # .csv (and a sheet of the workbook): the audit record, one row per value
MACHINE = "assessment.csv"      # the code-named machine file, for programs
INPUTS = "input"                # the plan folder's tables


def guide(report) -> pd.DataFrame:
    """Sheet 说明: which file is which."""
    rows = [(f"{RESULTS}.xlsx（工作表“评估结果”）和 {RESULTS}.csv", "供阅读：每项目标一行，中文表头，数值按网页的写法（完成进度为百分数）"),
            (f"{RESULTS}.xlsx（工作表“{USES}”）和 {USES}.csv",
             "评估看过的每一个数值一行：用于评估、用作起点、未采用（及原因）、仅作背景，附口径、发布类型和来源"),
            (f"{MACHINE}", "供程序读取：列名和取值为代码（英文），比例为小数，审计记录为 JSON；列名的中文对照见工作表“代码版列名”"),
            (f"{INPUTS}/ 下的 CSV 和 YAML 文件", "评估的输入数据：目标登记表、数值、来源等，与本报告的数据文件夹相同"),
            ("数据截至", f"{report.eval_year}年")]
    return pd.DataFrame(rows, columns=["文件", "内容"])


def input_downloads(folder: Path) -> dict:
    """File name → bytes of the input tables as published (data/input/): every CSV of the plan folder with
    formula-like cells defused, and the .yml files as they are."""
    wanted = {}
    for f in sorted(Path(folder).glob("*.csv")):
        wanted[f.name] = _csv_bytes(pd.read_csv(f, dtype=str, keep_default_na=False))
    for f in sorted(Path(folder).glob("*.yml")):
        wanted[f.name] = f.read_bytes()
    return wanted


def write_downloads(edition, report=None) -> Path:
    """Rewrite the files only when their content changed: an untouched site must stay untouched, so a no-op
    rebuild skips Jupyter Book entirely (xlsx files carry a timestamp, hence the csv check). ``report``: the
    edition's, when open already."""
    from ..report.context import open_report

    report = report or open_report(str(edition.plan.folder), edition.year)
    out = edition.book / "_extra" / "data"
    reader, uses = reader_table(report), value_uses(report)
    formats = reader_formats(reader)
    changed = write_if_changed(out / f"{RESULTS}.csv", _csv_bytes(as_text(reader, formats)))
    changed |= write_if_changed(out / f"{USES}.csv", _csv_bytes(as_text(uses, reader_formats(uses))))
    changed |= write_if_changed(out / MACHINE, _csv_bytes(report.results))
    xlsx = out / f"{RESULTS}.xlsx"
    if changed or not xlsx.exists():
        write_if_changed(xlsx, xlsx_bytes({"评估结果": reader, USES: uses, "说明": guide(report),
                                           "代码版列名": machine_dictionary(report.results)}, formats))
    inputs = out / INPUTS
    wanted = input_downloads(edition.plan.folder)
    if inputs.exists():
        for old in inputs.iterdir():
            if old.name not in wanted:
                old.unlink()
    for name, data in wanted.items():
        write_if_changed(inputs / name, data)
    return out
