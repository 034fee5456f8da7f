"""A returned .xlsx read as a stream, with every limit checked before the bytes that would exceed it.

Why not openpyxl's loader: it inflates each part whole and builds a cell object for every formatted empty
cell (a user who formats whole columns writes a million of them), so a 5 MiB workbook costs gigabytes and a
17 MiB zip bomb runs for minutes; it resolves a document type declaration's entities; it reads a formula
cell without a stored result (a file written by a script) as an empty cell; and it does not say which
sheets are hidden. Here:

- each part's declared size is checked against ``MAX_PART_BYTES`` before it is inflated, and the bytes
  actually inflated are counted while parsing (zipfile stops at the declared size);
- the XML is parsed by expat in chunks; a DOCTYPE (entity declarations) is refused;
- only cells that carry a value are kept, and at most ``MAX_FILLED_ROWS`` rows with values, so memory
  follows what is filled in, not the sheet's formatting;
- formula cells without a stored result are reported (row, column), hidden sheets are named.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.parsers import expat

MAX_PART_BYTES = 256 * 2**20  # one inflated part (sheet XML); a filled-in template's sheet is well under 1 MiB
MAX_META_BYTES = 32 * 2**20  # shared strings, styles, workbook: kept in memory whole
MAX_FILLED_ROWS = 20_000  # rows carrying a value (a plan has a few hundred targets a year)
MAX_COLUMNS = 256  # a value further right than this is not a fill-in sheet's
MAX_MERGED = 10_000  # merged ranges in one sheet
CHUNK = 1 << 20


class WorkbookRefused(Exception):
    """A workbook that exceeds a limit or cannot be read: ``value`` is what was found, ``expected`` what to do."""

    def __init__(self, value: str, expected: str):
        super().__init__(f"{value}; {expected}")
        self.value, self.expected = value, expected


@dataclass
class SheetInfo:
    name: str
    state: str  # visible / hidden / veryHidden
    part: str  # zip member name

    @property
    def visible(self) -> bool:
        return self.state not in ("hidden", "veryHidden")


@dataclass
class SheetCells:
    rows: list  # (row number, [(value, number_format), ...]) for rows that carry a value, dense from column A
    merged: list  # (min_row, min_col, max_row, max_col), 1-based
    formulas_without_result: list = field(default_factory=list)  # (row, 0-based column)


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _refuse_doctype(*_):
    raise WorkbookRefused("an XML document type declaration (DTD, entities) inside the workbook",
                          "a workbook saved by Excel or WPS (they never write one); open the file in Excel and save "
                          "it again as .xlsx")


def _parse(zf: zipfile.ZipFile, member: str, limit: int, start, end=None, chars=None) -> None:
    """Stream one part through expat with the given handlers, refusing more than ``limit`` inflated bytes."""
    info = zf.getinfo(member)
    if info.file_size > limit:
        raise WorkbookRefused(f"part {member} inflates to {info.file_size / 2**20:.0f} MiB",
                              f"at most {limit // 2**20} MiB per part (a filled-in template needs under 1 MiB): "
                              "this is not a fill-in workbook, or it is a compressed-size attack")
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if chars:
        parser.CharacterDataHandler = chars
    parser.buffer_text = True
    seen = 0
    with zf.open(member) as f:
        while True:
            chunk = f.read(CHUNK)
            seen += len(chunk)
            if seen > limit:  # pragma: no cover - zipfile stops at the declared size already
                raise WorkbookRefused(f"part {member} inflates past {limit // 2**20} MiB", "a fill-in workbook")
            parser.Parse(chunk, not chunk)
            if not chunk:
                break


def _text_of(zf, member, limit, container: str) -> list[str]:
    """The texts of every ``container`` element (si in shared strings), phonetic runs left out."""
    out, depth, parts, skip = [], 0, [], 0
    in_t = False

    def start(name, attrs):
        nonlocal depth, in_t, skip
        tag = _local(name)
        if tag == container:
            depth += 1
            parts.clear()
        elif tag == "rPh":
            skip += 1
        elif tag == "t" and depth and not skip:
            in_t = True

    def end(name):
        nonlocal depth, in_t, skip
        tag = _local(name)
        if tag == container:
            depth -= 1
            out.append("".join(parts))
        elif tag == "rPh":
            skip -= 1
        elif tag == "t":
            in_t = False

    def chars(data):
        if in_t:
            parts.append(data)

    _parse(zf, member, limit, start, end, chars)
    return out


def _formats(zf) -> list[str]:
    """Style index → number format code (cellXfs), for percent and date cells."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    if "xl/styles.xml" not in zf.namelist():
        return []
    custom, xfs, in_xfs = {}, [], False

    def start(name, attrs):
        nonlocal in_xfs
        tag = _local(name)
        if tag == "numFmt":
            custom[int(attrs.get("numFmtId", -1))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            in_xfs = True
        elif tag == "xf" and in_xfs:
            xfs.append(int(attrs.get("numFmtId", 0) or 0))

    def end(name):
        nonlocal in_xfs
        if _local(name) == "cellXfs":
            in_xfs = False

    _parse(zf, "xl/styles.xml", MAX_META_BYTES, start, end)
    return [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in xfs]


def _target(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relations(zf, rels: str) -> dict:
    out = {}

    def start(name, attrs):
        if _local(name) == "Relationship":
            out[attrs.get("Id")] = (attrs.get("Target", ""), attrs.get("Type", ""))

    if rels in zf.namelist():
        _parse(zf, rels, MAX_META_BYTES, start)
    return out


class Workbook:
    """An open .xlsx: its sheets (with their visibility), read one at a time by :meth:`cells`."""

    def __init__(self, fileobj):
        try:
            self.zf = zipfile.ZipFile(fileobj)
            book = next((_target("", t) for t, kind in _relations(self.zf, "_rels/.rels").values()
                         if kind.endswith("/officeDocument")), "xl/workbook.xml")
            rels = _relations(self.zf, posixpath.join(posixpath.dirname(book), "_rels",
                                                      posixpath.basename(book) + ".rels"))
            self.sheets: list[SheetInfo] = []

            def start(name, attrs):
                if _local(name) == "sheet":
                    rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
                    target = rels.get(rid, ("", ""))[0]
                    self.sheets.append(SheetInfo(attrs.get("name", ""), attrs.get("state", "visible"),
                                                 _target(book, target) if target else ""))

            _parse(self.zf, book, MAX_META_BYTES, start)
            self._formats = _formats(self.zf)
            strings = "xl/sharedStrings.xml"
            self._strings = _text_of(self.zf, strings, MAX_META_BYTES, "si") if strings in self.zf.namelist() else []
        except WorkbookRefused:
            raise
        except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, RuntimeError, NotImplementedError,
                expat.ExpatError, ValueError, OSError) as exc:
            raise WorkbookRefused(f"an unreadable workbook ({type(exc).__name__}: {exc})",
                                  "an Excel .xlsx workbook saved from the template") from None

    def cells(self, sheet: SheetInfo, max_rows: int | None = None) -> SheetCells:
        try:
            return _read_cells(self.zf, sheet.part, self._strings, self._formats, max_rows)
        except WorkbookRefused:
            raise
        except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, RuntimeError, NotImplementedError,
                expat.ExpatError, ValueError, IndexError, OSError) as exc:
            raise WorkbookRefused(f"an unreadable sheet '{sheet.name}' ({type(exc).__name__}: {exc})",
                                  "an Excel .xlsx workbook saved from the template") from None


class _Enough(Exception):
    """Stop parsing: the rows asked for were read."""


def _column(ref: str) -> tuple[int, int]:
    """'G12' → (12, 6): 1-based row, 0-based column."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]), col - 1


def _value(kind: str, text: str, strings: list, fmt: str):
    from openpyxl.styles.numbers import is_date_format
    from openpyxl.utils.datetime import from_excel

    if kind == "s":
        return strings[int(text)]
    if kind in ("str", "inlineStr", "e"):
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "d":
        return dt.datetime.fromisoformat(text.strip())
    text = text.strip()
    value = int(text) if text.lstrip("-").isdigit() else float(text)
    if fmt and is_date_format(fmt) and not isinstance(value, bool):
        try:
            return from_excel(value)
        except (ValueError, OverflowError):
            return value
    return value


def _read_cells(zf, member: str, strings: list, formats: list, max_rows: int | None) -> SheetCells:
    rows: dict[int, dict] = {}
    merged, no_result = [], []
    state = {"row": 0, "col": -1, "kind": "n", "style": 0, "formula": False, "in": None, "parts": [], "has_v": False}
    auto_row = [0]

    def start(name, attrs):
        tag = _local(name)
        if tag == "row":
            auto_row[0] = int(attrs["r"]) if "r" in attrs else auto_row[0] + 1
            state["col"] = -1
        elif tag == "c":
            ref = attrs.get("r")
            if ref:
                state["row"], state["col"] = _column(ref)
            else:
                state["row"], state["col"] = auto_row[0], state["col"] + 1
            state["kind"], state["style"] = attrs.get("t", "n"), int(attrs.get("s", 0) or 0)
            state["formula"], state["has_v"] = False, False
            state["parts"] = []
        elif tag == "v":
            state["in"], state["has_v"] = "v", True
        elif tag == "f":
            state["formula"] = True
        elif tag == "t" and state["kind"] == "inlineStr":
            state["in"], state["has_v"] = "t", True
        elif tag == "mergeCell":
            first, _, last = attrs.get("ref", "").partition(":")
            r1, c1 = _column(first)
            r2, c2 = _column(last or first)
            if len(merged) >= MAX_MERGED:  # each range is checked against the data columns: bounded too
                raise WorkbookRefused(f"more than {MAX_MERGED} merged ranges", "a fill-in sheet without merged cells "
                                      "below its header (unmerge them: 取消单元格合并)")
            merged.append((r1, c1 + 1, r2, c2 + 1))

    def end(name):
        tag = _local(name)
        if tag in ("v", "t"):
            state["in"] = None
        elif tag == "c":
            row, col = state["row"], state["col"]
            text = "".join(state["parts"])
            # no result: no <v>, or an empty one outside a string result (openpyxl writes <v/>)
            if state["formula"] and (not state["has_v"] or (text == "" and state["kind"] != "str")):
                no_result.append((row, col))
                return
            if not state["has_v"]:
                return  # a formatted empty cell: costs nothing
            if text == "" and state["kind"] not in ("s",):
                return
            fmt = formats[state["style"]] if state["style"] < len(formats) else "General"
            value = _value(state["kind"], text, strings, fmt)
            if value is None or (isinstance(value, str) and not value.strip()):
                return  # a blank text (a space typed, or copied with the format) is no value either
            if col >= MAX_COLUMNS:
                raise WorkbookRefused(f"a value in column {col + 1} (row {row})",
                                      f"a fill-in sheet with its columns within the first {MAX_COLUMNS}")
            if row not in rows:
                if max_rows is not None and row > max_rows:
                    raise _Enough
                if len(rows) >= MAX_FILLED_ROWS:
                    raise WorkbookRefused(f"more than {MAX_FILLED_ROWS} rows with values",
                                          f"at most {MAX_FILLED_ROWS} filled-in rows in one file: split the return "
                                          "into several files")
                rows[row] = {}
            rows[row][col] = (value, fmt)

    def chars(data):
        if state["in"]:
            state["parts"].append(data)

    try:
        _parse(zf, member, MAX_PART_BYTES, start, end, chars)
    except _Enough:
        pass
    width = max((max(cells) + 1 for cells in rows.values()), default=0)
    out = []
    for r in sorted(rows):
        cells = rows[r]
        out.append((r, [cells.get(c, (None, "General")) for c in range(width)]))
    return SheetCells(rows=out, merged=merged, formulas_without_result=no_result)
