"""Read a returned file (the filled-in template or a department's request workbook) into raw cells.

Tolerant of what Excel on Chinese Windows produces: CSV in UTF-8 (with or without BOM), GBK/GB18030 or
UTF-16 (tab-separated "Unicode text"); a title row or merged header cells above the header (found by
looking for 指标编号). Refused with a message naming the file: other kinds of file renamed, an old .xls,
a workbook without the 填报 sheet, a header without the required columns, a quote left open (the row it
opens on is named), and merged cells in a data column below the header (a merged cell would copy one
row's entry into the next row: every merged range is named, e.g. G5:G6).
"""
from __future__ import annotations

import codecs
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..data.schema import DataError, display_path, read_records
from .columns import (COVER_SHEET, DATA_COLUMNS, DEPARTMENT_LABEL, HEADERS, REQUIRED_HEADERS, SHEET,
                      canonical_header)
from .parse import clean_text, col_letter, is_empty, norm
from .xlsx import MAX_FILLED_ROWS, Workbook, WorkbookRefused

_FILE_KINDS = [(b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
               (b"%PDF", "a PDF document"), (b"GIF8", "a GIF image"),
               (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-format Excel .xls / OLE file"),
               (b"PK\x03\x04", "a zip archive (e.g. .xlsx or .docx)")]


MAX_FILE_BYTES = 32 * 2**20  # a returned file; the filled-in template is a few dozen KiB


@dataclass
class Sheet:
    path: Path
    file: str  # as shown in messages
    data: bytes  # the file as received, kept byte for byte under incoming/
    sheet: str | None
    encoding: str | None
    header_row: int
    columns: dict  # canonical header → 0-based column index
    rows: list  # (row number, [(value, number_format), ...]) below the header
    ignored_columns: list
    department: str | None = None  # the cover sheet's 填报单位 (a department's request workbook)
    problems: list = field(default_factory=list)  # found while reading (merged data cells)

    def letter(self, column: str) -> str:
        return f"（{col_letter(self.columns[column])}列）" if column in self.columns else ""


def _sniff(data: bytes) -> str | None:
    return next((kind for magic, kind in _FILE_KINDS if data.startswith(magic)), None)


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
            if encoding == "gb18030" and _utf8_with_bad_bytes(data):
                _refuse_bad_bytes(data, file)
            try:
                return data.decode(encoding), label
            except UnicodeDecodeError:
                continue
    kind = _sniff(data)
    if kind is None and b"\x00" not in data:
        _refuse_bad_bytes(data, file)
    raise DataError(file, value=kind or "binary content",
                    expected="a CSV text file (UTF-8, UTF-8 with BOM or GBK) saved from the template")


def _refuse_bad_bytes(data: bytes, file: str) -> None:
    """Text that is neither UTF-8 nor GBK: name the line and the first byte that breaks UTF-8 (a file damaged
    in transfer, or two encodings pasted together), not 'binary content'."""
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    try:
        body.decode("utf-8")
        return
    except UnicodeDecodeError as exc:
        start = exc.start
    line = body[:start].count(b"\n") + 1
    raise DataError(file, row=line, value=f"byte 0x{body[start]:02X}, which is not valid UTF-8 (nor GBK)",
                    expected="a text file in one encoding: the file is damaged at this line; save it again from "
                             "Excel as CSV UTF-8 (逗号分隔) or send the .xlsx")


def _utf8_with_bad_bytes(data: bytes) -> bool:
    """Mostly UTF-8 Chinese text with a few broken bytes: GBK would 'decode' it into garbled text."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return 0 < bad <= max(3, cjk // 50) and cjk >= 2


def _read_csv(data: bytes, file: str):
    text, encoding = _decode_csv(data, file)
    if not text.strip():
        raise DataError(file, value="(an empty file)", expected="the filled-in template: a header row with "
                        "指标编号 and at least one row with a 数值")
    header_line = next((ln for ln in text.splitlines() if "指标编号" in norm(ln)), text.splitlines()[0])
    delimiter = max([",", "\t", ";"], key=header_line.count)
    records = read_records(text, file, delimiter)
    _refuse_cut_off(records, text, file)
    filled = sum(1 for _, record in records if any(cell.strip() for cell in record))
    if filled > MAX_FILLED_ROWS:
        raise DataError(file, value=f"{filled} rows with values", expected=f"at most {MAX_FILLED_ROWS} filled-in "
                        "rows in one file: split the return into several files")
    rows = [(line, [(cell, None) for cell in record]) for line, record in records]
    return None, encoding, rows, [], None


def _refuse_cut_off(records: list, text: str, file: str) -> None:
    """A file that ends inside a row (an interrupted download or copy): its last row has fewer cells than
    the header and no line end, so its last cell holds only the start of what was typed."""
    if len(records) < 2 or text.endswith(("\n", "\r")):
        return
    header = next((record for _, record in records if any("指标编号" in norm(c) for c in record)), records[0][1])
    line, last = records[-1]
    if len(last) < len(header):
        raise DataError(file, row=line, value=f"{len(last)} of {len(header)} cells, the last one "
                        f"{last[-1][:40]!r} with no line end after it",
                        expected="a complete file: it ends in the middle of this row (cut off while copied or "
                                 "downloaded); send or save the file again")


def _read_xlsx(data: bytes, file: str):
    if not data.startswith(b"PK\x03\x04"):
        kind = _sniff(data)
        expected = ("an .xlsx workbook; this is an old .xls file: open it in Excel and save it as .xlsx "
                    "(Excel 工作簿)" if kind and ".xls" in kind else
                    "an Excel .xlsx workbook (the filled-in template), not another kind of file renamed .xlsx")
        raise DataError(file, value=kind or "not an Excel workbook", expected=expected)
    try:
        wb = Workbook(io.BytesIO(data))
        ws = _fill_sheet(wb, file)
        cells = wb.cells(ws)
        department = _cover_department(wb)
    except WorkbookRefused as exc:
        raise DataError(file, value=exc.value, expected=exc.expected) from None
    return ws.name, None, cells.rows, cells.merged, department, cells.formulas_without_result


def _fill_sheet(wb: Workbook, file: str):
    """The one visible 填报 sheet. A hidden twin (or '填报 ' with a space) beside it would make which one is
    read a matter of order, so several sheets of that name, or only a hidden one, are refused, naming them."""
    def described(s):
        return repr(s.name) + ("" if s.visible else f" ({'hidden' if s.state == 'hidden' else 'very hidden'})")

    named = [s for s in wb.sheets if norm(s.name) == SHEET]
    if len(named) == 1 and named[0].visible:
        return named[0]
    listing = "sheets " + ", ".join(described(s) for s in wb.sheets)
    if not named:
        raise DataError(file, value=listing, expected=f"a sheet named '{SHEET}' (the template's fill-in sheet)")
    raise DataError(file, value=listing,
                    expected=f"exactly one visible sheet named '{SHEET}': "
                             + ("unhide it (右键 → 取消隐藏)" if len(named) == 1 else
                                f"{len(named)} sheets are named so ({', '.join(described(s) for s in named)}); "
                                "delete or rename all but the one you filled in"))


def _cover_department(wb: Workbook) -> str | None:
    """The 填报单位 written on a request workbook's cover sheet (the cell right of the label)."""
    cover = next((s for s in wb.sheets if norm(s.name) == COVER_SHEET), None)
    if cover is None:
        return None
    for _, row in wb.cells(cover, max_rows=60).rows:
        cells = [v for v, _ in row[:6]]
        for i, v in enumerate(cells):
            if not is_empty(v) and norm(v).rstrip(":：") == DEPARTMENT_LABEL:
                rest = [clean_text(x) for x in cells[i + 1:] if not is_empty(x)]
                return rest[0] if rest else None
    return None


def read_sheet(path, data: bytes | None = None) -> Sheet:
    """Read a returned file into rows of raw cells, after locating its header row."""
    path = Path(path)
    file = display_path(path)
    if data is None:
        if not path.is_file():
            raise DataError(file, expected="an existing .xlsx or .csv file")
        size = path.stat().st_size  # before reading: an 8 GiB file must not be read whole to be refused
        if size > MAX_FILE_BYTES:
            raise DataError(file, value=f"a file of {size / 2**20:,.0f} MiB",
                            expected=f"a filled-in template of at most {MAX_FILE_BYTES // 2**20} MiB (one is usually "
                                     "under 1 MiB): is this the right file?")
        data = path.read_bytes()
    suffix = path.suffix.lower()
    if len(data) == 0:
        raise DataError(file, value="(an empty file, 0 bytes)",
                        expected="the filled-in template (.xlsx or .csv) with at least one 数值")
    if suffix in (".xlsx", ".xlsm"):
        sheet, encoding, rows, merged, department, no_result = _read_xlsx(data, file)
    elif suffix == ".csv":
        sheet, encoding, rows, merged, department = _read_csv(data, file)
        no_result = []
    elif suffix == ".xls":
        raise DataError(file, value="an old-format .xls file",
                        expected="an .xlsx or .csv file: open it in Excel and save it as .xlsx")
    else:
        kind = _sniff(data)
        raise DataError(file, value=f"a '{suffix or '(no extension)'}' file" + (f" ({kind})" if kind else ""),
                        expected="a spreadsheet: the template filled in and saved as .xlsx or .csv")
    head = _expanded(rows, merged)  # a merged header cell names every column it spans
    header_idx, last = _header_rows(head, file, sheet)
    columns, ignored = _columns(head, header_idx, last, file, sheet)
    header_row = rows[last][0]
    out = Sheet(path=path, file=file, data=data, sheet=sheet, encoding=encoding, header_row=header_row,
                columns=columns, rows=rows[last + 1:], ignored_columns=ignored, department=department)
    out.problems = _merged_data_cells(merged, out) + _formulas_without_result(no_result, out)
    return out


def _expanded(rows, merged, limit: int = 45) -> list:
    """The first rows with each merged range's value copied into every cell it covers (for the header only:
    data cells are never filled from a merged range)."""
    head = [(n, list(cells)) for n, cells in rows[:limit]]
    index = {n: i for i, (n, _) in enumerate(head)}
    for r1, c1, r2, c2 in merged:
        if r1 not in index or c1 - 1 >= len(head[index[r1]][1]):
            continue
        top = head[index[r1]][1][c1 - 1]
        for r in range(r1, r2 + 1):
            for c in range(c1 - 1, c2):
                if r in index and c < len(head[index[r]][1]):
                    head[index[r]][1][c] = top
    return head


def _header_rows(rows, file, sheet) -> tuple[int, int]:
    """The first row with 指标编号 (a title row or merged cells may sit above it) and the last row of a
    header that spans several rows."""
    def is_id(cell) -> bool:
        return not is_empty(cell) and canonical_header(cell) == "指标编号"

    header_idx = next((i for i, (_, cells) in enumerate(rows[:40]) if any(is_id(v) for v, _ in cells)), None)
    if header_idx is None:
        filled = [cells for _, cells in rows if any(not is_empty(v) for v, _ in cells)]
        if not filled:
            raise DataError(file, sheet=sheet, value="(no cells with content)",
                            expected="the template's header row (指标编号, 数值, ...) and filled-in rows")
        shown = ", ".join(norm(v) for v, _ in filled[0] if not is_empty(v))[:120]
        raise DataError(file, sheet=sheet, value=shown,
                        expected="a header row containing 指标编号 (the template's column names: "
                                 + ", ".join(HEADERS[:13]) + ")")
    id_col = next(c for c, (v, _) in enumerate(rows[header_idx][1]) if is_id(v))
    last = header_idx
    while last + 1 < len(rows) and id_col < len(rows[last + 1][1]) and is_id(rows[last + 1][1][id_col][0]):
        last += 1
    return header_idx, last


def _columns(rows, header_idx: int, last: int, file, sheet) -> tuple[dict, list]:
    """Each column takes its lowest recognised name (a two-row header: 来源 above 来源标题 / 来源网址)."""
    width = max(len(cells) for _, cells in rows[header_idx:last + 1])
    columns, ignored = {}, []
    header_row = rows[last][0]
    for c in range(width):
        names = [rows[i][1][c][0] for i in range(last, header_idx - 1, -1)
                 if c < len(rows[i][1]) and not is_empty(rows[i][1][c][0])]
        found = next((canonical_header(n) for n in names if canonical_header(n)), None)
        if found is None:
            if names:
                ignored.append(f"{norm(names[0])}（{col_letter(c)}列）")
            continue
        if found in columns:
            raise DataError(file, sheet=sheet, row=header_row, column=f"{found}（{col_letter(c)}列）",
                            value=found, expected=f"each column once (already in column {col_letter(columns[found])})")
        columns[found] = c
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise DataError(file, sheet=sheet, row=header_row, column=missing[0],
                        value="header " + ", ".join(norm(v) for v, _ in rows[last][1] if not is_empty(v)),
                        expected="the template's columns " + ", ".join(REQUIRED_HEADERS)
                                 + f" (missing: {', '.join(missing)})")
    return columns, ignored


def _merged_data_cells(merged: list, sheet: Sheet) -> list[DataError]:
    """A merged range below the header that covers a data column: one problem per range, naming it."""
    by_index = {i: name for name, i in sheet.columns.items() if name in DATA_COLUMNS}
    problems = []
    for r1, c1, r2, c2 in sorted(merged):
        if r2 <= sheet.header_row:
            continue  # the title row and a two-row header may be merged
        touched = [by_index[c - 1] for c in range(c1, c2 + 1) if c - 1 in by_index]
        if not touched:
            continue
        cells = f"{col_letter(c1 - 1)}{r1}:{col_letter(c2 - 1)}{r2}"
        problems.append(DataError(
            sheet.file, sheet=sheet.sheet, row=max(r1, sheet.header_row + 1),
            column=f"{touched[0]}{sheet.letter(touched[0])}", value=f"merged cells {cells}",
            expected=f"one entry per cell: unmerge {cells} ({'、'.join(touched)}) and type each row's own "
                     "entry (a merged cell would give every row the first row's entry)"))
    return problems


def _formulas_without_result(cells: list, sheet: Sheet) -> list[DataError]:
    """A formula cell with no stored result (a file written by a script, never opened in Excel): reading it
    as empty would drop the row's figure, so it is refused with its row and column."""
    names = {i: name for name, i in sheet.columns.items()}
    problems = []
    for row, col in sorted(cells):
        if row <= sheet.header_row:
            continue
        name = names.get(col)
        problems.append(DataError(
            sheet.file, sheet=sheet.sheet, row=row, column=f"{name}{sheet.letter(name)}" if name else col_letter(col),
            value=f"a formula without a stored result (cell {col_letter(col)}{row})",
            expected="a typed value: open the file in Excel (which computes and stores the result) and save it, "
                     "or type the figure itself"))
    return problems
