"""Import a filled-in yearly intake file (from :mod:`yinzhou_eval.intake_template`) into data/.

``import_file(path, data_dir=None, dry_run=False)`` reads the analyst's ``.xlsx`` or ``.csv``, checks
the WHOLE file, and then either merges every row into ``data/observations.csv`` (plus any new
sources into ``data/sources.csv``) or writes nothing at all. Files are replaced atomically (temporary
file in the same directory, then ``os.replace``); if a later replace fails the earlier ones are
restored, so ``data/`` is never left half-written. On success the file is kept, byte for byte, as
``data/incoming/<YYYYMMDD-HHMMSS>_<original name>``.

Reading is tolerant of what Excel on Chinese Windows produces: CSV in UTF-8 (with or without BOM),
GBK/GB18030 or UTF-16; a title row or merged header cells above the header (found by looking for
指标编号); numbers stored as text; ``%``/``％`` signs and Excel percent-formatted cells; thousand
separators (``1,234.5``, ``1，234.5``); full-width digits and punctuation; surrounding spaces; Excel
date cells or text dates (``2025-03-01``, ``2025/3/1``, ``2025年3月1日``).

Everything wrong with the file is reported together as an :class:`IntakeError` (a
:class:`~yinzhou_eval.datacheck.DataError` naming file, sheet, row, column, the value found and
what was expected, followed by the other problems).
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from . import paths
from .datacheck import DataError, check_frame, column_specs, display_path, load_table, read_meta
from .registry import load_registry

PLAN = "14th"
PLAN_PERIOD = (2021, 2025)
# Plausibility warnings: a value moving more than this vs the last known value of the series.
LEVEL_CHANGE_LIMIT = 0.5  # relative change for levels (0.5 = 50 %)
PP_CHANGE_LIMIT = 10.0  # absolute change, in percentage points, for indicators measured in %
DEFAULT_SCOPE = "全区"

SHEET = "填报"
HELP_SHEET = "说明"
# The template's columns, in order. The first 13 are the list; the last two are optional.
HEADERS = ["指标编号", "指标名称", "单位", "应填口径", "上年已知数值", "年份", "数值", "口径",
           "来源标题", "来源网址", "发布日期", "数值原文/原句", "备注", "覆盖月数", "发布单位"]
REQUIRED_HEADERS = ["指标编号", "年份", "数值", "口径", "来源标题", "来源网址", "数值原文/原句"]
PREFILLED = ["指标编号", "指标名称", "单位", "应填口径", "上年已知数值"]
_ALIASES = {
    "编号": "指标编号", "指标id": "指标编号", "id": "指标编号", "indicatorid": "指标编号",
    "名称": "指标名称", "指标": "指标名称",
    "计量单位": "单位", "unit": "单位",
    "年度": "年份", "year": "年份",
    "数据": "数值", "value": "数值", "本年数值": "数值",
    "统计口径": "口径", "scope": "口径",
    "来源": "来源标题", "来源名称": "来源标题", "来源文件": "来源标题",
    "网址": "来源网址", "链接": "来源网址", "来源链接": "来源网址", "url": "来源网址",
    "日期": "发布日期", "发布时间": "发布日期",
    "数值原文": "数值原文/原句", "原句": "数值原文/原句", "原文": "数值原文/原句",
    "数值原文原句": "数值原文/原句", "引文": "数值原文/原句",
    "说明": "备注", "note": "备注",
    "月数": "覆盖月数",
    "发布机构": "发布单位", "publisher": "发布单位",
}
_GROWTH_WORDS = re.compile(r"增长|增速|增幅|降幅|下降|降低|变动")
_FILE_KINDS = [(b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
               (b"%PDF", "a PDF document"), (b"GIF8", "a GIF image"),
               (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-format Excel .xls / OLE file"),
               (b"PK\x03\x04", "a zip archive (e.g. .xlsx or .docx)")]
_MAX_LISTED = 30


# --------------------------------------------------------------------------------------------
# errors and report


class IntakeError(DataError):
    """All the problems found in one file. Its fields (file, sheet, row, column, value, expected) are
    those of the first problem; ``problems`` lists every one, and the message shows them all."""

    def __init__(self, problems: list[DataError]):
        first = problems[0]
        super().__init__(first.file, first.row, first.column, first.value, first.expected, first.sheet)
        self.problems = list(problems)
        lines = [str(first)]
        if len(problems) > 1:
            lines.append(f"… and {len(problems) - 1} more problem(s) in the same file / 同一文件中另有问题:")
            lines += [f"  - {p}" for p in problems[1:_MAX_LISTED]]
            if len(problems) > _MAX_LISTED:
                lines.append(f"  - ({len(problems) - _MAX_LISTED} more not shown)")
        self.args = ("\n".join(lines),)


@dataclass
class ImportReport:
    file: str
    dry_run: bool
    sheet: str | None = None
    encoding: str | None = None
    new: list[dict] = field(default_factory=list)
    revised: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_sources: list[dict] = field(default_factory=list)
    incoming_path: str | None = None
    written: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.revised)

    def to_text(self) -> str:
        head = "试运行（未写入任何文件）dry run, nothing written" if self.dry_run else "已导入 imported"
        where = self.file + (f", sheet '{self.sheet}'" if self.sheet else "") + (
            f" ({self.encoding})" if self.encoding else "")
        out = [f"{head}: {where}",
               f"新增 new: {len(self.new)} · 修订 revised: {len(self.revised)} · 未变 unchanged: "
               f"{len(self.unchanged)} · 跳过（数值为空）skipped, no 数值: {len(self.skipped_rows)} · "
               f"新来源 new sources: {len(self.new_sources)} · 警告 warnings: {len(self.warnings)}"]

        def line(r):
            return f"  row {r['row']}: {r['indicator_id']} {r['name_zh']} {r['year']} {r['scope']}"

        if self.new:
            out.append("新增数值 New values:")
            out += [f"{line(r)} = {r['value_str']} {r['unit']}  [source {r['source_id']}]" for r in self.new]
        if self.revised:
            out.append("修订数值 Revised values (old → new):")
            out += [f"{line(r)}: {r['old_value_str']} → {r['value_str']} {r['unit']}  "
                    f"[old source {r['old_source_id']} → new source {r['source_id']}]" for r in self.revised]
        if self.unchanged:
            out.append("未变 Unchanged:")
            out += [f"{line(r)} = {r['value_str']} {r['unit']}" + (f"  ({r['why']})" if r.get("why") else "")
                    for r in self.unchanged]
        if self.new_sources:
            out.append("新来源 New sources (data/sources.csv):")
            out += [f"  {s['source_id']}: {s['title']} <{s['url']}> ({s['source_kind']})" for s in self.new_sources]
        if self.warnings:
            out.append("警告 Warnings (imported, but please check / 已导入，请核对):")
            out += [f"  - {w}" for w in self.warnings]
        if self.skipped_rows:
            out.append(f"跳过 Skipped rows with an empty 数值: {_ranges(self.skipped_rows)}")
        if self.incoming_path:
            out.append(f"原件已保存 Original kept as: {self.incoming_path}")
        if self.written:
            out.append("写入 Written: " + ", ".join(self.written))
        elif not self.dry_run:
            out.append("数据未变 No data file changed.")
        return "\n".join(out)


def _ranges(rows: list[int]) -> str:
    parts, start, prev = [], None, None
    for r in sorted(rows):
        if start is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            parts.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = r
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------
# text normalisation and cell parsers (pure functions, unit-tested)


def norm(text) -> str:
    """NFKC (full-width → half-width: ０-９ ％ ． ， ＜ （ ）), odd minus signs and invisible characters
    removed, surrounding spaces stripped."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "—")
    text = re.sub(r"[\u200b\u200c\u200d\ufeff]", "", text)
    return text.strip()


def clean_text(text) -> str:
    """Free text kept verbatim (quotes, titles, notes): only invisible characters and surrounding
    spaces removed, no full-width → half-width conversion."""
    if text is None:
        return ""
    return re.sub(r"[\u200b\u200c\u200d\ufeff]", "", str(text)).strip()


def header_key(text) -> str:
    key = re.sub(r"\s+", "", norm(text))
    key = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", key).replace("*", "").lower()
    return key


_CANONICAL = {header_key(h): h for h in HEADERS}
_CANONICAL.update({header_key(k): v for k, v in _ALIASES.items()})


def canonical_header(text) -> str | None:
    return _CANONICAL.get(header_key(text))


def unit_key(text) -> str:
    key = re.sub(r"\s+", "", norm(text))
    m = re.fullmatch(r"\((.*)\)", key)
    return m.group(1) if m else key


def name_key(text) -> str:
    return re.sub(r"\s+", "", norm(text)).rstrip("*")


_NUMBER = re.compile(r"(?P<sign>[+-]?)\s*(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
                     r"(?P<exp>[eE][+-]?\d+)?\s*(?P<suffix>.*)")


def clean_float(value: float) -> float:
    """Drop binary noise (0.031*100 = 3.1000000000000005 → 3.1): keep 15 significant digits, as Excel does."""
    return float(f"{value:.15g}")


def fmt_number(value) -> str:
    """A float as plain text without exponent or binary noise: 3200.0 → '3200', 2.9 → '2.9'."""
    if value is None or pd.isna(value):
        return ""
    text = format(Decimal(repr(clean_float(float(value)))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_number(raw, number_format: str | None = None) -> tuple[float, bool, str]:
    """Read a value cell. Returns (value, percent, unit suffix). ``percent`` is true when the cell
    carried a % sign (or an Excel percent format, whose stored fraction is multiplied by 100).
    Raises ValueError with the reason when the cell is not a number."""
    if isinstance(raw, bool):
        raise ValueError("a true/false cell")
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        raise ValueError("a date cell")
    if isinstance(raw, (int, float)):
        value = float(raw)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        if number_format and "%" in number_format:
            return clean_float(value * 100), True, ""
        return clean_float(value), False, ""
    text = norm(raw)
    m = _NUMBER.fullmatch(text)
    if not m:
        raise ValueError("not a number")
    value = float(m["sign"] + m["num"].replace(",", "") + (m["exp"] or ""))
    suffix = m["suffix"].strip()
    if re.match(r"[\d,.+\-]", suffix):  # 32,00 or 1.2.3: not a number
        raise ValueError("not a number")
    if suffix == "%":
        return clean_float(value), True, ""
    return clean_float(value), False, suffix


def parse_year(raw) -> int:
    if isinstance(raw, bool) or isinstance(raw, (dt.date, dt.datetime)):
        raise ValueError("not a year")
    if isinstance(raw, (int, float)):
        if float(raw).is_integer():
            return int(raw)
        raise ValueError("not a whole year")
    m = re.fullmatch(r"(\d{4})(?:\.0+)?\s*年?(?:度)?", norm(raw))
    if not m:
        raise ValueError("not a year")
    return int(m.group(1))


_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(raw) -> dt.date:
    """Excel date cells, Excel serial numbers, and text dates: 2025-03-01, 2025/3/1, 2025.3.1,
    2025年3月1日, 20250301 (a time of day after the date is ignored)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise ValueError("not a date")
    if isinstance(raw, (int, float)):
        if float(raw).is_integer() and 20000 <= raw <= 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
        if float(raw).is_integer() and 19000101 <= raw <= 21001231:
            raw = str(int(raw))
        else:
            raise ValueError("not a date")
    text = re.sub(r"\s+", "", norm(raw))
    text = re.sub(r"(?<=\d)(?:T|\b)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", "", text)
    m = (re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)
         or re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", text)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if not m:
        raise ValueError("not a date")
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))  # ValueError on 2025-02-30


def parse_scope(raw) -> str:
    """The analyst's 口径 → the vocabulary code (全区 / 区本级 / 未注明)."""
    text = re.sub(r"\s+", "", norm(raw))
    if not text:
        raise ValueError("empty")
    if "区本级" in text or "不含高新" in text:
        return "区本级"
    if "全区" in text or "全大区" in text or "含高新" in text:
        return "全区"
    if text in ("未注明", "口径未注明", "未说明", "不详", "来源未注明口径"):
        return "未注明"
    raise ValueError("unknown scope")


def parse_months(raw) -> int:
    if raw is None or (isinstance(raw, str) and not norm(raw)):
        return 12
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        months = int(raw)
    else:
        text = re.sub(r"\s+", "", norm(raw))
        m = re.fullmatch(r"(\d{1,2})(?:个月|月)?", text) or re.fullmatch(r"1[-~—至到](\d{1,2})月?", text)
        if not m:
            raise ValueError("not a month count")
        months = int(m.group(1))
    if not 1 <= months <= 12:
        raise ValueError("outside 1..12")
    return months


def derive_source_id(title: str, url: str) -> str:
    """A stable id from a source's title and URL: the site name plus 8 hex digits of a hash."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    host = re.sub(r"^(www|m|wap)\.", "", host)
    slug = re.sub(r"[^a-z0-9]+", "_", host).strip("_")[:24].strip("_") or "src"
    digest = hashlib.sha1(f"{title.strip()}\n{url.strip()}".encode("utf-8")).hexdigest()[:8]
    return f"{slug}_{digest}"


def source_kind_for(url: str) -> str:
    host = (urlsplit(url.strip()).hostname or "").lower()
    return "official" if host.endswith(".gov.cn") or host == "gov.cn" else "secondary"


def is_share(unit: str, name: str, target_form: str | None = None) -> bool:
    """A share or rate in % that cannot exceed 100 (not a growth rate or a decline)."""
    return unit_key(unit) == "%" and target_form != "growth" and not _GROWTH_WORDS.search(name or "")


# --------------------------------------------------------------------------------------------
# reading the file


@dataclass
class Sheet:
    file: str  # as shown in messages
    sheet: str | None
    encoding: str | None
    header_row: int
    columns: dict  # canonical header → 0-based column index
    rows: list  # (row number, [(value, number_format), ...])
    ignored_columns: list


def _col_letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _sniff(data: bytes) -> str | None:
    for magic, kind in _FILE_KINDS:
        if data.startswith(magic):
            return kind
    return None


def _decode_csv(data: bytes, file: str) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding, label in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
            try:
                return data.decode(encoding), label
            except UnicodeDecodeError:
                continue
    kind = _sniff(data)
    raise DataError(file, value=kind or "binary content",
                    expected="a CSV text file (UTF-8, UTF-8 with BOM or GBK) saved from the template")


def _read_csv(data: bytes, file: str):
    text, encoding = _decode_csv(data, file)
    if not text.strip():
        raise DataError(file, value="(an empty file)", expected="the filled-in template: a header row with "
                        "指标编号 and at least one row with a 数值")
    header_line = next((ln for ln in text.splitlines() if "指标编号" in norm(ln)), text.splitlines()[0])
    delimiter = max([",", "\t", ";"], key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    try:
        for record in reader:
            rows.append((line, [(cell, None) for cell in record]))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(file, row=line, value=str(exc), expected="a well-formed CSV file") from None
    return None, encoding, rows


def _read_xlsx(data: bytes, file: str):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not data.startswith(b"PK\x03\x04"):
        kind = _sniff(data)
        expected = ("an .xlsx workbook; this is an old .xls file: open it in Excel and save it as .xlsx "
                    "(Excel 工作簿)" if kind and ".xls" in kind else
                    "an Excel .xlsx workbook (the filled-in template), not another kind of file renamed .xlsx")
        raise DataError(file, value=kind or "not an Excel workbook", expected=expected)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise DataError(file, value=f"an unreadable workbook ({type(exc).__name__}: {exc})",
                        expected="an Excel .xlsx workbook saved from the template") from None
    names = {norm(n): n for n in wb.sheetnames}
    if SHEET not in names:
        raise DataError(file, column=None, value="sheets " + ", ".join(repr(n) for n in wb.sheetnames),
                        expected=f"a sheet named '{SHEET}' (the template's fill-in sheet)")
    ws = wb[names[SHEET]]
    merged = {}
    for rng in ws.merged_cells.ranges:
        top = ws.cell(rng.min_row, rng.min_col)
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                merged[(r, c)] = (top.value, top.number_format)
    rows = []
    for cells in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column):
        values = []
        for cell in cells:
            if (cell.row, cell.column) in merged:
                values.append(merged[(cell.row, cell.column)])
            else:
                values.append((cell.value, cell.number_format))
        if cells:
            rows.append((cells[0].row, values))
    return names[SHEET], None, rows


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and norm(value) == "")


def read_sheet(path, data: bytes | None = None) -> Sheet:
    """Read a filled-in template into rows of raw cells, after locating its header row."""
    path = Path(path)
    file = display_path(path)
    if data is None:
        if not path.is_file():
            raise DataError(file, expected="an existing .xlsx or .csv file")
        data = path.read_bytes()
    suffix = path.suffix.lower()
    if len(data) == 0:
        raise DataError(file, value="(an empty file, 0 bytes)",
                        expected="the filled-in template (.xlsx or .csv) with at least one 数值")
    if suffix in (".xlsx", ".xlsm"):
        sheet, encoding, rows = _read_xlsx(data, file)
    elif suffix == ".csv":
        sheet, encoding, rows = _read_csv(data, file)
    elif suffix == ".xls":
        raise DataError(file, value="an old-format .xls file",
                        expected="an .xlsx or .csv file: open it in Excel and save it as .xlsx")
    else:
        kind = _sniff(data)
        raise DataError(file, value=f"a '{suffix or '(no extension)'}' file" + (f" ({kind})" if kind else ""),
                        expected="a spreadsheet: the template filled in and saved as .xlsx or .csv")

    # The header: the first row with 指标编号 (a title row or merged cells may sit above it). When the
    # header spans several rows (merged cells), each column takes its lowest recognised name.
    header_idx = None
    for i, (_, cells) in enumerate(rows[:40]):
        if any(not _is_empty(v) and canonical_header(v) == "指标编号" for v, _ in cells):
            header_idx = i
            break
    if header_idx is None:
        if not any(any(not _is_empty(v) for v, _ in cells) for _, cells in rows):
            raise DataError(file, sheet=sheet, value="(no cells with content)",
                            expected="the template's header row (指标编号, 数值, ...) and filled-in rows")
        first = next(cells for _, cells in rows if any(not _is_empty(v) for v, _ in cells))
        shown = ", ".join(norm(v) for v, _ in first if not _is_empty(v))[:120]
        raise DataError(file, sheet=sheet, value=shown,
                        expected="a header row containing 指标编号 (the template's column names: "
                                 + ", ".join(HEADERS[:13]) + ")")
    id_col = next(c for c, (v, _) in enumerate(rows[header_idx][1])
                  if not _is_empty(v) and canonical_header(v) == "指标编号")
    last = header_idx
    while last + 1 < len(rows):
        cells = rows[last + 1][1]
        if id_col < len(cells) and not _is_empty(cells[id_col][0]) and canonical_header(cells[id_col][0]) == "指标编号":
            last += 1
        else:
            break
    width = max(len(cells) for _, cells in rows[header_idx:last + 1])
    columns, ignored = {}, []
    header_row = rows[last][0]
    for c in range(width):
        names = [rows[i][1][c][0] for i in range(last, header_idx - 1, -1)
                 if c < len(rows[i][1]) and not _is_empty(rows[i][1][c][0])]
        found = next((canonical_header(n) for n in names if canonical_header(n)), None)
        if found is None:
            if names:
                ignored.append(f"{norm(names[0])}（{_col_letter(c)}列）")
            continue
        if found in columns:
            raise DataError(file, sheet=sheet, row=header_row, column=f"{found}（{_col_letter(c)}列）",
                            value=found, expected=f"each column once (already in column {_col_letter(columns[found])})")
        columns[found] = c
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise DataError(file, sheet=sheet, row=header_row, column=missing[0],
                        value="header " + ", ".join(norm(v) for v, _ in rows[last][1] if not _is_empty(v)),
                        expected="the template's columns " + ", ".join(REQUIRED_HEADERS)
                                 + f" (missing: {', '.join(missing)})")
    return Sheet(file=file, sheet=sheet, encoding=encoding, header_row=header_row, columns=columns,
                 rows=rows[last + 1:], ignored_columns=ignored)


# --------------------------------------------------------------------------------------------
# data/ tables


def _data_dir(data_dir) -> Path:
    return Path(data_dir) if data_dir else paths.DATA


def load_typed(csv_path) -> pd.DataFrame:
    """A data/ table typed and checked against its .meta.yml, indexed by file line number."""
    return load_table(csv_path)


def load_registry_table(data_dir=None) -> pd.DataFrame:
    """The registry with the same checks as every other load (schema, forms, baseline side)."""
    return load_registry(_data_dir(data_dir))


def load_optional(data_dir, name) -> pd.DataFrame | None:
    path = _data_dir(data_dir) / f"{name}.csv"
    return load_typed(path) if path.exists() else None


def _num(x):
    return None if x is None or pd.isna(x) else x


def last_known(observations: pd.DataFrame | None, registry_row, before_year: int, scope: str | None = None):
    """The latest level value of a series before ``before_year`` → (value, year, scope, origin), preferring
    ``scope`` (else 全区, else any); falls back to the plan's baseline. None when nothing is known."""
    iid = registry_row["id"]
    if observations is not None and len(observations):
        obs = observations[(observations["indicator_id"] == iid) & (observations["value_kind"] == "level")
                           & observations["value"].notna() & (observations["year"] < before_year)]
        if len(obs):
            for wanted in (scope, DEFAULT_SCOPE, None):
                sub = obs if wanted is None else obs[obs["scope"] == wanted]
                if len(sub):
                    top = sub.sort_values("year", kind="stable").iloc[-1]
                    return float(top["value"]), int(top["year"]), top["scope"], "observation"
    by, bv = _num(registry_row.get("baseline_year")), _num(registry_row.get("baseline_value"))
    if by is not None and bv is not None and int(by) < before_year:
        return float(bv), int(by), None, "baseline"
    return None


@dataclass
class _CsvFile:
    path: Path
    data: bytes
    header: list
    records: list
    bom: bool
    newline: str
    quoting: int
    final_newline: bool

    @classmethod
    def read(cls, path: Path) -> "_CsvFile":
        data = path.read_bytes()
        bom = data.startswith(codecs.BOM_UTF8)
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        newline = "\r\n" if "\r\n" in text else "\n"
        self = cls(path, data, rows[0], rows[1:], bom, newline, csv.QUOTE_MINIMAL, True)
        for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL):
            for final in (True, False):
                self.quoting, self.final_newline = quoting, final
                if self.serialize(rows[1:]) == data:
                    return self
        self.quoting, self.final_newline = csv.QUOTE_MINIMAL, True
        return self

    def serialize(self, records) -> bytes:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, quoting=self.quoting, lineterminator=self.newline)
        writer.writerow(self.header)
        writer.writerows(records)
        text = buf.getvalue()
        if not self.final_newline and text.endswith(self.newline):
            text = text[: -len(self.newline)]
        return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")


# --------------------------------------------------------------------------------------------
# atomic writes


def commit_files(writes: list[tuple[Path, bytes]]) -> None:
    """Replace every target with its new bytes, all or nothing.

    Each new content is first written and fsynced to a temporary file in the target's directory;
    then the targets are replaced one by one with ``os.replace`` (atomic on one file system). The
    previous content of each target is kept in a backup file beside it until all replacements
    succeeded; if one fails, the targets already replaced are restored from their backups (or
    removed when they did not exist before) and the error is raised."""
    staged, backups, created_dirs = [], [], []
    try:
        for target, data in writes:
            target = Path(target)
            if not target.parent.exists():
                target.parent.mkdir(parents=True)
                created_dirs.append(target.parent)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            staged.append((target, Path(tmp)))
        for target, _ in staged:
            backup = None
            if target.exists():
                fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".bak")
                os.close(fd)
                shutil.copy2(target, name)
                backup = Path(name)
            backups.append([target, backup, False])
        done = 0
        try:
            for (target, tmp), entry in zip(staged, backups):
                os.replace(tmp, target)
                entry[2] = True
                done += 1
        except BaseException:
            for entry in reversed(backups):
                target, backup, replaced = entry
                if not replaced:
                    continue
                try:
                    if backup is not None:
                        os.replace(backup, target)
                        entry[1] = None
                    else:
                        target.unlink()
                except OSError as exc:  # pragma: no cover - would need two failing disks
                    print(f"could not restore {target} from {backup}: {exc}; restore it by hand",
                          file=sys.stderr)
                    entry[1] = None  # keep the backup file for the user
            raise
    except BaseException:
        failed = True
        raise
    else:
        failed = False
    finally:
        for _, tmp in staged:
            if tmp.exists():
                tmp.unlink()
        for _, backup, _ in backups:
            if backup is not None and backup.exists():
                backup.unlink()
        if failed:
            for d in reversed(created_dirs):
                try:
                    if not any(d.iterdir()):
                        d.rmdir()
                except OSError:
                    pass


# --------------------------------------------------------------------------------------------
# the import


@dataclass
class _Row:
    row: int
    indicator_id: str
    name_zh: str
    unit: str
    year: int
    value: float
    value_raw: str
    value_text: str
    scope: str
    scope_text: str
    months: int
    title: str
    url: str
    publisher: str
    publication_date: str
    quote: str
    note: str
    baseline_match: bool = False
    source_id: str = ""


def _cell(cells, columns, name):
    idx = columns.get(name)
    if idx is None or idx >= len(cells):
        return None, None
    return cells[idx]


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt_number(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def import_file(path, data_dir=None, dry_run: bool = False, *, level_change_limit: float = LEVEL_CHANGE_LIMIT,
                pp_change_limit: float = PP_CHANGE_LIMIT, now: dt.datetime | None = None) -> ImportReport:
    """Validate the whole file, then merge it into data/observations.csv (+ data/sources.csv) or write
    nothing. Raises :class:`IntakeError` (a DataError) listing every problem found."""
    path = Path(path)
    data_dir = _data_dir(data_dir)
    now = now or dt.datetime.now()
    file = display_path(path)
    if not path.is_file():
        raise DataError(file, expected="an existing .xlsx or .csv file")
    received = path.read_bytes()
    sheet = read_sheet(path, received)

    obs_path, src_path = data_dir / "observations.csv", data_dir / "sources.csv"
    registry = load_registry_table(data_dir)
    observations = load_typed(obs_path)
    sources = load_typed(src_path)
    series = load_optional(data_dir, "series")
    obs_file, src_file = _CsvFile.read(obs_path), _CsvFile.read(src_path)

    reg14 = registry[registry["plan"] == PLAN]
    known = {r["id"]: r for _, r in reg14.iterrows()}
    other_plans = set(registry["id"]) - set(known)
    if series is not None:
        for _, s in series.iterrows():
            known.setdefault(s["id"], {"id": s["id"], "name_zh": s["name_zh"], "unit": s["unit"],
                                       "target_form": None, "baseline_year": None, "baseline_value": None})
    by_name = {}
    for iid, r in known.items():
        by_name.setdefault(name_key(r["name_zh"]), iid)

    problems: list[DataError] = []
    report = ImportReport(file=file, dry_run=dry_run, sheet=sheet.sheet, encoding=sheet.encoding)
    report.warnings += [f"column {c} is not a template column and was ignored" for c in sheet.ignored_columns]
    cols = sheet.columns

    def err(row, column, value, expected):
        letter = f"（{_col_letter(cols[column])}列）" if column in cols else ""
        problems.append(DataError(file, row=row, column=f"{column}{letter}", value=value,
                                  expected=expected, sheet=sheet.sheet))

    parsed: list[_Row] = []
    for rownum, cells in sheet.rows:
        if all(_is_empty(v) for v, _ in cells):
            continue
        raw_value, value_fmt = _cell(cells, cols, "数值")
        if _is_empty(raw_value):
            report.skipped_rows.append(rownum)
            continue
        n_before = len(problems)
        get = {name: _cell(cells, cols, name)[0] for name in HEADERS}

        # which indicator
        iid, name_text = norm(_shown(get["指标编号"])), norm(_shown(get["指标名称"]))
        reg = None
        if iid:
            if iid in known:
                reg = known[iid]
                if name_text and name_key(name_text) != name_key(reg["name_zh"]):
                    err(rownum, "指标名称", name_text,
                        f"'{reg['name_zh']}', the name of {iid} in data/indicators.csv "
                        "(the id and the name disagree: check the row, or leave 指标名称 as in the template)")
            else:
                hint = f"; the name matches {by_name[name_key(name_text)]}" if name_key(name_text) in by_name else ""
                what = ("an indicator of the 14th plan (this id is a 13th-plan row)" if iid in other_plans
                        else "an indicator id from the template (data/indicators.csv, plan 14th, or data/series.csv)")
                err(rownum, "指标编号", iid, what + hint)
        elif name_text:
            if name_key(name_text) in by_name:
                reg = known[by_name[name_key(name_text)]]
            else:
                err(rownum, "指标名称", name_text,
                    "an indicator name from the template (a 14th-plan indicator in data/indicators.csv)")
        else:
            err(rownum, "指标编号", "", "an indicator id (or name) for a row that has a 数值")

        # the value, its unit
        value, percent, suffix = None, False, ""
        shown_value = _shown(raw_value)
        try:
            value, percent, suffix = parse_number(raw_value, value_fmt)
        except ValueError:
            err(rownum, "数值", shown_value,
                "a number (e.g. 3200, 1,234.5, 5.8 or 5.8%); leave 数值 empty when there is no figure, and "
                "put the source's wording (e.g. ＜3.5, 约3200) in 数值原文/原句")
        unit_cell = norm(_shown(get["单位"]))
        if reg is not None and reg.get("target_form") == "qualitative":
            err(rownum, "数值", shown_value,
                f"an empty 数值: {reg['id']} {reg['name_zh']} is a qualitative target, judged on cited evidence "
                "in the registry, not on yearly values")
            reg = None
        if reg is not None:
            reg_unit = reg["unit"]
            if unit_cell and unit_key(unit_cell) != unit_key(reg_unit):
                err(rownum, "单位", unit_cell,
                    f"'{reg_unit}', the registry's unit for {reg['id']}: convert the value to {reg_unit} "
                    "(e.g. 万元 → 亿元: ÷10000) and keep the template's 单位")
            if value is not None:
                if percent and unit_key(reg_unit) != "%":
                    err(rownum, "数值", shown_value, f"a value in {reg_unit} (the registry's unit for "
                        f"{reg['id']}), not a percentage")
                elif suffix and unit_key(suffix) != unit_key(reg_unit):
                    if re.search(r"元|人|件|个|米|吨|亩|户|次|万|亿|千|百|%|‰|公里|平方|立方|度|小时|年|月|倍|家|项", suffix):
                        err(rownum, "数值", shown_value,
                            f"a value in {reg_unit} (the registry's unit for {reg['id']}), found unit "
                            f"'{suffix}': convert it to {reg_unit}")
                    else:
                        err(rownum, "数值", shown_value, "a number (e.g. 3200, 1,234.5, 5.8 or 5.8%)")
                if is_share(reg_unit, reg["name_zh"], reg.get("target_form")) and not 0 <= value <= 100:
                    err(rownum, "数值", shown_value,
                        f"a percentage between 0 and 100: {reg['id']} {reg['name_zh']} is a share/rate in %")

        # the year
        year = None
        raw_year = get["年份"]
        if _is_empty(raw_year):
            err(rownum, "年份", "", f"the year the value is for ({PLAN_PERIOD[0]}-{PLAN_PERIOD[1]})")
        else:
            try:
                year = parse_year(raw_year)
            except ValueError:
                err(rownum, "年份", _shown(raw_year), "a year such as 2025")
        baseline_match = False
        if year is not None:
            by = _num(reg.get("baseline_year")) if reg is not None else None
            bv = _num(reg.get("baseline_value")) if reg is not None else None
            if by is not None and year == int(by) and bv is not None:
                if value is not None and abs(value - float(bv)) > 1e-9 * max(1.0, abs(float(bv))):
                    err(rownum, "数值", shown_value,
                        f"{fmt_number(bv)}: {year} is the plan's baseline year for {reg['id']} and baselines "
                        "come from the plan (data/indicators.csv), not from yearly data; it cannot be revised here")
                else:
                    baseline_match = True
            elif not PLAN_PERIOD[0] <= year <= PLAN_PERIOD[1]:
                err(rownum, "年份", _shown(raw_year),
                    f"a year of the plan period {PLAN_PERIOD[0]}-{PLAN_PERIOD[1]}")

        # scope, months
        scope, scope_text = None, clean_text(_shown(get["口径"]))
        try:
            scope = parse_scope(get["口径"])
        except ValueError:
            err(rownum, "口径", scope_text,
                "全区, 区本级 or 未注明 (write 未注明 when the source does not say; 全区 = 全大区, incl. 高新区)")
        months = 12
        try:
            months = parse_months(get["覆盖月数"])
        except ValueError:
            err(rownum, "覆盖月数", _shown(get["覆盖月数"]), "a number of months 1-12 (empty = 12, a full year)")

        # source and quote
        title, url = clean_text(_shown(get["来源标题"])), norm(_shown(get["来源网址"]))
        if not title:
            err(rownum, "来源标题", "", "the title of the source document (a value needs its source)")
        if not url:
            err(rownum, "来源网址", "", "the source's web address, starting with http:// or https:// "
                                       "(a value needs its source)")
        elif not re.fullmatch(r"https?://[^\s/]+\.[^\s]*", url):
            err(rownum, "来源网址", url, "a web address starting with http:// or https://")
        publication_date = ""
        if not _is_empty(get["发布日期"]):
            try:
                publication_date = parse_date(get["发布日期"]).isoformat()
            except ValueError:
                err(rownum, "发布日期", _shown(get["发布日期"]),
                    "a date such as 2025-03-01, 2025/3/1 or 2025年3月1日 (or an empty cell)")
        quote = clean_text(_shown(get["数值原文/原句"]))
        if not quote:
            err(rownum, "数值原文/原句", "", "the sentence the value was read from, copied from the source")

        if len(problems) > n_before or reg is None:
            continue
        text_value = clean_text(shown_value) if isinstance(raw_value, str) else ""
        parsed.append(_Row(
            row=rownum, indicator_id=reg["id"], name_zh=reg["name_zh"], unit=reg["unit"], year=year,
            value=value, value_raw=shown_value,
            value_text=text_value if text_value and text_value != fmt_number(value) else "",
            scope=scope, scope_text=scope_text if norm(scope_text) != scope else "", months=months, title=title,
            url=url, publisher=clean_text(_shown(get["发布单位"])), publication_date=publication_date, quote=quote,
            note=clean_text(_shown(get["备注"])), baseline_match=baseline_match))

    # duplicates inside the file
    seen = {}
    for r in parsed:
        key = (r.indicator_id, r.year, r.scope)
        if key in seen:
            err(r.row, "指标编号", r.indicator_id,
                f"one row per indicator, year and 口径: {r.indicator_id} {r.year} {r.scope} is already on row {seen[key]}")
        else:
            seen[key] = r.row

    if not problems and not parsed:
        problems.append(DataError(file, sheet=sheet.sheet, column="数值", value="no row with a 数值",
                                  expected="at least one filled-in 数值 (rows with an empty 数值 are skipped)"))
    if problems:
        problems.sort(key=lambda p: (p.row or 0))
        raise IntakeError(problems)

    # sources: reuse an existing one with the same URL, else derive a new id
    stamp = now.strftime("%Y%m%d-%H%M%S")
    incoming_dir = data_dir / "incoming"
    incoming = incoming_dir / f"{stamp}_{path.name}"
    k = 1
    while incoming.exists():
        incoming = incoming_dir / f"{stamp}-{k}_{path.name}"
        k += 1
    incoming_shown = display_path(incoming)
    by_url = {}
    for _, s in sources.iterrows():
        if _num(s.get("url")):
            by_url.setdefault(str(s["url"]).strip().rstrip("/"), s)
    existing_ids = set(sources["source_id"])
    new_sources: dict[tuple, dict] = {}
    for r in parsed:
        if r.baseline_match:
            continue
        key = r.url.rstrip("/")
        if key in by_url:
            s = by_url[key]
            r.source_id = s["source_id"]
            if name_key(s["title"]) != name_key(r.title):
                report.warnings.append(
                    f"row {r.row}: the URL is already in data/sources.csv as {s['source_id']} titled "
                    f"'{s['title']}'; that source is used (the file says '{r.title}')")
            continue
        skey = (r.title, r.url)
        if skey not in new_sources:
            sid = derive_source_id(r.title, r.url)
            n = 2
            while sid in existing_ids:
                sid = f"{derive_source_id(r.title, r.url)}_{n}"
                n += 1
            existing_ids.add(sid)
            new_sources[skey] = {"source_id": sid, "title": r.title, "publisher": r.publisher,
                                 "publication_date": r.publication_date, "url": r.url,
                                 "access_date": now.date().isoformat(), "source_kind": source_kind_for(r.url),
                                 "note": f"由 intake 导入 imported from {incoming_shown}", "_row": r.row}
        src = new_sources[skey]
        for fld, val in (("publisher", r.publisher), ("publication_date", r.publication_date)):
            if val and not src[fld]:
                src[fld] = val
            elif val and src[fld] != val:
                report.warnings.append(f"row {r.row}: {fld} '{val}' differs from '{src[fld]}' given on row "
                                       f"{src['_row']} for the same source; the first is kept")
        r.source_id = src["source_id"]

    # classify and build the merged observations
    records = [list(rec) for rec in obs_file.records]
    header = obs_file.header
    positions = list(observations.index)  # file line of each record (index = line number)
    line_to_pos = {line: i for i, line in enumerate(positions)}
    to_remove, replace_at, appended, pos_to_row = set(), {}, [], {}
    tol = lambda a, b: abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))  # noqa: E731

    for r in parsed:
        item = {"row": r.row, "indicator_id": r.indicator_id, "name_zh": r.name_zh, "year": r.year,
                "scope": r.scope, "value": r.value, "value_str": fmt_number(r.value), "unit": r.unit,
                "source_id": r.source_id}
        if r.baseline_match:
            report.unchanged.append({**item, "why": "equals the plan's baseline / 与规划基期值一致，不写入"})
            continue
        same = observations[(observations["indicator_id"] == r.indicator_id) & (observations["year"] == r.year)
                            & (observations["value_kind"] == "level") & (observations["scope"] == r.scope)]
        values = [(_num(v), s) for v, s in zip(same["value"], same["source_id"])]
        match = [s for v, s in values if v is not None and tol(float(v), r.value)]
        if match:
            why = "" if r.source_id in match else f"same value already recorded from source {match[0]}; kept"
            report.unchanged.append({**item, "why": why})
            continue
        new_record = _observation_record(header, r, incoming_shown)
        if len(same):
            old = [fmt_number(v) if v is not None else "(no value)" for v, _ in values]
            report.revised.append({**item, "old_value": values[0][0], "old_value_str": " / ".join(old),
                                   "old_source_id": " / ".join(str(s) for _, s in values)})
            lines = list(same.index)
            replace_at[line_to_pos[lines[0]]] = new_record
            pos_to_row[line_to_pos[lines[0]]] = r.row
            to_remove.update(line_to_pos[ln] for ln in lines[1:])
        else:
            report.new.append(item)
            appended.append((new_record, r.row))
        _plausibility(report, r, observations, known[r.indicator_id], level_change_limit, pp_change_limit)

    merged = []
    for i, rec in enumerate(records):
        if i in to_remove:
            continue
        if i in replace_at:
            pos_to_row[len(merged)] = pos_to_row.pop(i)
            merged.append(replace_at[i])
        else:
            merged.append(rec)
    for rec, rownum in appended:
        pos_to_row[len(merged)] = rownum
        merged.append(rec)

    src_records = [list(rec) for rec in src_file.records]
    src_pos_to_row = {}
    for s in new_sources.values():
        src_pos_to_row[len(src_records)] = s["_row"]
        src_records.append([s.get(col, "") for col in src_file.header])
        report.new_sources.append({k: v for k, v in s.items() if k != "_row"})
        if s["source_kind"] != "official":
            report.warnings.append(f"new source {s['source_id']} is not on a gov.cn site, so it is recorded as "
                                   "secondary (转引); edit source_kind in data/sources.csv if it is official")

    # the merged tables must still pass their schemas; a failure in a new row names the input row
    _check_merged(src_file, src_records, src_pos_to_row, file, sheet.sheet)
    _check_merged(obs_file, merged, pos_to_row, file, sheet.sheet)
    all_ids = {rec[src_file.header.index("source_id")] for rec in src_records}
    sid_col = header.index("source_id")
    for pos, rownum in pos_to_row.items():
        if merged[pos][sid_col] not in all_ids:  # pragma: no cover - ids come from the sources just built
            raise DataError(file, row=rownum, column="来源网址", value=merged[pos][sid_col],
                            expected="a source in data/sources.csv", sheet=sheet.sheet)

    if dry_run:
        return report

    writes = []
    if new_sources:
        writes.append((src_path, src_file.serialize(src_records)))
    if report.new or report.revised:
        writes.append((obs_path, obs_file.serialize(merged)))
    if report.new or report.revised:
        writes.append(changelog_write(data_dir, now, incoming_shown, report))
    writes.append((incoming, received))
    # refuse if someone changed data/ while we were reading and checking
    for f in (obs_file, src_file):
        if f.path.read_bytes() != f.data:
            raise DataError(display_path(f.path), expected="the file unchanged during the import "
                            "(it was modified meanwhile): run the import again")
    commit_files(writes)
    report.incoming_path = incoming_shown
    report.written = [display_path(t) for t, _ in writes if t != incoming]
    return report


CHANGELOG_HEADER = ["imported_at", "file", "indicator_id", "year", "change", "old_value", "old_source_id",
                    "new_value", "new_source_id"]


def changelog_write(data_dir: Path, now, incoming_shown: str, report) -> tuple[Path, bytes]:
    """data/changelog.csv with this import's new and revised values appended (read by the 本版更新说明 page)."""
    path = Path(data_dir) / "changelog.csv"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if not text:
        writer.writerow(CHANGELOG_HEADER)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    for change, items in (("new", report.new), ("revised", report.revised)):
        for it in items:
            writer.writerow([stamp, incoming_shown, it["indicator_id"], it["year"], change,
                             it.get("old_value_str", ""), it.get("old_source_id", ""), it["value_str"], it["source_id"]])
    if text and not text.endswith("\n"):
        text += "\n"
    return path, (text + buf.getvalue()).encode("utf-8")


def _observation_record(header: list, r: _Row, incoming_shown: str) -> list:
    note = "；".join(x for x in (r.note, f"导入自 imported from {incoming_shown}") if x)
    values = {"indicator_id": r.indicator_id, "year": str(r.year), "value": fmt_number(r.value),
              "value_kind": "level", "period_start_year": "", "value_text": r.value_text, "verdict": "",
              "scope": r.scope, "scope_text": r.scope_text, "months_covered": str(r.months),
              "price_basis": "", "source_id": r.source_id, "quote": r.quote, "note": note}
    return [values.get(col, "") for col in header]


def _check_merged(csv_file: _CsvFile, records: list, pos_to_row: dict, file: str, sheet: str | None) -> None:
    specs = column_specs(read_meta(csv_file.path))
    raw = pd.DataFrame([dict(zip(csv_file.header, rec)) for rec in records], columns=csv_file.header, dtype=object)
    try:
        check_frame(raw, specs, file=display_path(csv_file.path))
    except DataError as exc:
        pos = (exc.row or 0) - 2
        if pos in pos_to_row:
            raise DataError(file, row=pos_to_row[pos], column=exc.column, value=exc.value, sheet=sheet,
                            expected=f"{exc.expected} (column {exc.column} of {display_path(csv_file.path)})") from None
        raise


def _plausibility(report: ImportReport, r: _Row, observations: pd.DataFrame, reg, level_limit: float,
                  pp_limit: float) -> None:
    prior = last_known(observations, reg, r.year, r.scope)
    if prior is not None:
        old, year, _, origin = prior
        what = f"{fmt_number(old)} ({year}{', plan baseline' if origin == 'baseline' else ''})"
        if unit_key(r.unit) == "%":
            if abs(r.value - old) > pp_limit:
                report.warnings.append(
                    f"row {r.row}: {r.indicator_id} {r.name_zh} {r.year} = {fmt_number(r.value)}% moves "
                    f"{r.value - old:+.2f} percentage points from the last known {what}: more than "
                    f"{fmt_number(pp_limit)} pp, please check / 变动较大，请核对")
        elif old != 0 and abs(r.value - old) / abs(old) > level_limit:
            report.warnings.append(
                f"row {r.row}: {r.indicator_id} {r.name_zh} {r.year} = {fmt_number(r.value)} {r.unit} changes "
                f"{(r.value - old) / abs(old):+.0%} from the last known {what}: more than "
                f"{level_limit:.0%}, please check the unit and the figure / 变动较大，请核对单位和数值")
    scopes = set(observations.loc[(observations["indicator_id"] == r.indicator_id)
                                  & (observations["value_kind"] == "level"), "scope"])
    if scopes and r.scope not in scopes:
        report.warnings.append(
            f"row {r.row}: {r.indicator_id} {r.name_zh} {r.year} has 口径 {r.scope}, but the series' existing "
            f"values are {', '.join(sorted(scopes))}: the values may not be comparable / 口径不一致")
    elif not scopes and r.scope != DEFAULT_SCOPE:
        report.warnings.append(
            f"row {r.row}: {r.indicator_id} {r.name_zh} {r.year} has 口径 {r.scope}; the plan's indicators "
            f"are expected for {DEFAULT_SCOPE} / 应填口径为全区")
