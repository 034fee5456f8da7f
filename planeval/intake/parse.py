"""Reading one cell of a filled-in file: pure functions, no plan, no files.

Tolerant of what Excel on Chinese Windows produces: full-width digits and punctuation (NFKC), odd minus
signs, invisible characters, thousand separators (``1,234.5``, ``1，234.5``), ``%``/``％`` signs and Excel
percent-formatted cells, Excel date cells or serials and text dates (``YYYY-MM-DD``, ``YYYY/M/D``,
``YYYY年M月D日``). Each parser raises ValueError with the reason when the cell is not what it should be.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from decimal import Decimal

from ..data.schema import HIDDEN_CHARACTERS
from .urls import host as url_host

_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\ufeff]")
MAX_MAGNITUDE = 1e15  # beyond Excel's 15 significant digits: no plan figure in any unit comes near it
# What publish.defuse / the workbooks put before a text a spreadsheet would run as a formula.
_DEFUSED = re.compile(r"^'(?=[=+\-@\t\r])")


def norm(text) -> str:
    """NFKC (full-width → half-width: ０-９ ％ ． ， ＜ （ ）), odd minus signs and invisible characters
    removed, surrounding spaces stripped."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = text.replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "—")
    return _INVISIBLE.sub("", text).strip()


def clean_text(text) -> str:
    """Free text kept verbatim (quotes, titles, notes): only invisible characters, surrounding spaces and
    the apostrophe that made a formula-like text inert removed, line breaks written as \n; no full-width →
    half-width conversion."""
    if text is None:
        return ""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")  # a bare CR would end a CSV row
    return _DEFUSED.sub("", _INVISIBLE.sub("", text).strip())


def hidden_character(text) -> str | None:
    """The first bidi control or invisible control character in ``text``, described (None when there is none).
    Refused in every kept text rather than removed: removing one could silently change what a quote says."""
    m = HIDDEN_CHARACTERS.search(str(text or ""))
    if not m:
        return None
    ch = m.group()
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def undefuse(text: str) -> str:
    """The text as typed, without the apostrophe our CSV files put before =, +, -, @ (see publish.defuse)."""
    return _DEFUSED.sub("", text)


def header_key(text) -> str:
    key = re.sub(r"\s+", "", norm(text))
    return re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", key).replace("*", "").lower()


def unit_key(text) -> str:
    key = re.sub(r"\s+", "", norm(text))
    m = re.fullmatch(r"\((.*)\)", key)
    return m.group(1) if m else key


def name_key(text) -> str:
    return re.sub(r"\s+", "", norm(undefuse(str(text or "")))).rstrip("*")


_NUMBER = re.compile(r"(?P<sign>[+-]?)\s*(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
                     r"(?P<exp>[eE][+-]?\d+)?\s*(?P<suffix>.*)")


def clean_float(value: float) -> float:
    """Drop binary noise (0.031*100 = 3.1000000000000005 → 3.1): keep 15 significant digits, as Excel does."""
    return float(f"{value:.15g}")


def fmt_number(value) -> str:
    """A float as plain text without exponent or binary noise: 3200.0 → '3200', 2.9 → '2.9'."""
    if value is None or value != value:
        return ""
    text = format(Decimal(repr(clean_float(float(value)))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_number(raw, number_format: str | None = None) -> tuple[float, bool, str]:
    """Read a value cell. Returns (value, percent, unit suffix). ``percent`` is true when the cell
    carried a % sign (or an Excel percent format, whose stored fraction is multiplied by 100)."""
    if isinstance(raw, bool):
        raise ValueError("a true/false cell")
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        raise ValueError("a date cell")
    if isinstance(raw, (int, float)):
        value = float(raw)
        if not abs(value) < MAX_MAGNITUDE:  # NaN, ±infinity, or beyond any figure of a plan
            raise ValueError("not a finite number")
        if number_format and "%" in number_format:
            return clean_float(value * 100), True, ""
        return clean_float(value), False, ""
    m = _NUMBER.fullmatch(norm(undefuse(str(raw).strip())))
    if not m:
        raise ValueError("not a number")
    value = float(m["sign"] + m["num"].replace(",", "") + (m["exp"] or ""))
    if not abs(value) < MAX_MAGNITUDE:  # 1e400 reads as infinity
        raise ValueError("not a finite number")
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
    """Excel date cells, Excel serial numbers, and text dates: YYYY-MM-DD, YYYY/M/D, YYYY.M.D,
    YYYY年M月D日, YYYYMMDD (a time of day after the date is ignored)."""
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
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))  # ValueError on a 30 February


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
    host = re.sub(r"^(www|m|wap)\.", "", url_host(url.strip()))
    slug = re.sub(r"[^a-z0-9]+", "_", host).strip("_")[:24].strip("_") or "src"
    digest = hashlib.sha1(f"{title.strip()}\n{url.strip()}".encode("utf-8")).hexdigest()[:8]
    return f"{slug}_{digest}"


def source_kind_for(url: str) -> str:
    """A web source arrives ungraded: its host alone never makes it official (an analyst grades it;
    urls.check_url has already refused an address whose host is not what it appears to be)."""
    return "ungraded"


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and norm(value) == "")


def shown(value) -> str:
    """A cell as the analyst sees it, for messages."""
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt_number(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def col_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def ranges(rows: list[int]) -> str:
    """[3, 4, 5, 9] → '3-5, 9'."""
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
