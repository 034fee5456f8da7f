"""Chinese number formatting for the report (亿元, %, 个百分点 …) and escaping for each output context.

Every text that comes from data reaches a reader through one of: HTML (``esc``), Markdown (``md``), or JSON
inside a <script> block (``script_json``). Each escapes for its context, so a note such as
``</script><script>alert(1)</script>`` or ``**x**`` is shown as typed, never run or rendered.
"""
from __future__ import annotations

import html
import json
import re

from ..engine.values import column_target_words, is_missing, years_span

__all__ = ["is_missing", "number", "value_with_unit", "percent", "pp_change", "esc", "md", "script_json",
           "link", "html_table", "target_display"]


def number(value, digits: int | None = None) -> str:
    """A number as a Chinese report prints it: at most 2 decimals for ordinary figures (4 for tiny ones), no
    trailing zeros, thousands grouped only from 万 up."""
    if is_missing(value):
        return "—"
    value = float(value)
    if digits is None:
        a = abs(value)
        digits = 1 if a >= 100 else 2 if a >= 0.1 or a == 0 else 4
    text = f"{value:,.{digits}f}" if abs(value) >= 10000 else f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value_with_unit(value, unit: str | None, digits: int | None = None) -> str:
    if is_missing(value):
        return "—"
    unit = "" if not unit or str(unit).strip("—-– ") == "" else str(unit)
    if unit in ("%", "％"):
        return f"{number(value, digits)}%"
    if unit.startswith(("万分之", "千分之")):
        return f"{unit}{number(value, digits)}"
    return f"{number(value, digits)}{unit}"


def percent(share, digits: int = 0) -> str:
    """A share (0.62) as a percentage (62%)."""
    if is_missing(share):
        return "—"
    return f"{share * 100:.{digits}f}%"


def pp_change(value, digits: int = 1) -> str:
    """A change of a percentage, said as a Chinese report says it: 提高1.5个百分点 / 下降0.3个百分点."""
    if is_missing(value):
        return "—"
    v = round(float(value), digits)
    if v == 0:
        return "持平"
    return f"{'提高' if v > 0 else '下降'}{number(abs(v), digits)}个百分点"


def esc(text) -> str:
    """For HTML text and attribute values."""
    return "" if is_missing(text) else html.escape(str(text), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:&^=@\"'])")


def md(text) -> str:
    """For Markdown (MyST): every ASCII punctuation character backslash-escaped and line breaks folded, so
    data text can never become markup, a heading, a fence, a role or a directive."""
    if is_missing(text):
        return ""
    flat = re.sub(r"\s*[\r\n]+\s*", " ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", flat)


def script_json(obj) -> str:
    """JSON safe inside an HTML <script> block: no '</script>', '<!--' or line separators can end it early."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def link(title, url) -> str:
    """A link only for http(s) addresses; anything else (javascript:, data:) is shown as text."""
    url = "" if is_missing(url) else str(url).strip()
    if not re.match(r"https?://", url, re.I):
        return esc(title)
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(title)}</a>'


# a cell that is only a figure (a date such as YYYY-MM-DD, a year, a share): the stylesheet keeps it on one line
_FIGURE = re.compile(r"[-+]?\d[\d.,:/%\-]*")
# inside text, a range or a date joined by hyphens (5-10家, YYYY-MM-DD): browsers may break after the hyphen
_HYPHENATED = re.compile(r"\d+(?:[.,]\d+)*(?:-\d+(?:[.,]\d+)*)+")


def keep_figures(escaped: str) -> str:
    """Escaped plain text with every hyphen-joined figure wrapped so that it is never broken across lines."""
    return _HYPHENATED.sub(lambda m: f'<span class="figure">{m.group(0)}</span>', escaped)



NUM_HEAD = ' class="num"'


def html_table(rows: list[dict], columns: list[tuple[str, str]], numeric: set[str] = frozenset(),
               caption: str | None = None, raw: set[str] = frozenset(), css: str = "report-table",
               key: str | None = None) -> str:
    """A plain, deterministic HTML table. ``columns`` = [(key, Chinese header)]; ``raw`` keys hold HTML
    already escaped by the caller. Each cell carries its header as ``data-label`` so that a phone can show
    the table as cards; ``key`` names the column that heads each card (book/_static/report.css lays the
    table out for its width); a cell holding only a figure (a date, a year) is marked ``figure`` so it is never
    broken across lines. The explicit ARIA roles keep the table a table for screen readers when the
    stylesheet displays its rows as cards or grids."""
    # a numeric column's header is marked too, so that it aligns with its right-aligned figures
    head = "".join(f'<th scope="col"{NUM_HEAD if k in numeric else ""} role="columnheader">{esc(label)}</th>'
                   for k, label in columns)
    body = []
    for row in rows:
        cells = []
        for k, label in columns:
            value = row.get(k, "")
            figure = k not in numeric and k not in raw and _FIGURE.fullmatch(str(value))
            text = value if k in raw else esc(value) if figure else keep_figures(esc(value))
            classes = [c for c in ("num" if k in numeric else "", "figure" if figure else "",
                                   "card-key" if k == key else "") if c]
            cls = f' class="{" ".join(classes)}"' if classes else ""
            role = "rowheader" if k == key else "cell"
            cells.append(f'<td{cls} role="{role}" data-label="{esc(label)}">{text}</td>')
        body.append('<tr role="row">' + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table class="{css}" role="table">{cap}<thead role="rowgroup"><tr role="row">'
            f'{head}</tr></thead><tbody role="rowgroup">{"".join(body)}</tbody></table></div>')


FOLD_OPEN_UP_TO = 3   # a list this short is shown open: folding it would hide less than the summary says


def fold(html: str, summary: str, count: int | None = None) -> str:
    """A long list (sources, data gaps, projects) folded behind a summary that says how many it holds, so a
    phone reader scrolls past it in one line; a short one stays open (``count`` None: a detail that always folds
    behind its summary line). book/_static/report.css styles it."""
    opened = " open" if count is not None and count <= FOLD_OPEN_UP_TO else ""
    return f'<details class="fold"{opened}><summary>{esc(summary)}</summary>{html}</details>'


_OPS = {">": "＞", ">=": "≥", "<": "＜", "<=": "≤", "~": "左右 "}


def target_display(reg) -> str:
    """The target as a reader expects it: growth targets as a yearly rate, the others as the plan prints them,
    always with the unit when the plan's cell is a bare number."""
    form, text = reg["target_form"], str(reg.get("target_text") or "").strip()
    unit = str(reg.get("unit") or "")
    column = column_target_words(reg)  # a target printed in the 年均/累计 column, in the plan's words
    if column:
        return column
    if form == "growth" and not is_missing(reg.get("target_value")):
        op = _OPS.get(reg.get("target_operator"), "")
        return f"年均增长{op}{number(reg['target_value'])}%"
    if form in ("relational", "city_assigned", "annual_targets") and not text.strip("-—"):
        return str(reg.get("annual_growth_text") or "按上级下达")
    if form == "cumulative_reduction" and not is_missing(reg.get("target_value")):
        b, t = reg.get("baseline_year"), reg.get("target_year")
        span = "规划期" if is_missing(b) or is_missing(t) else years_span(int(b) + 1, int(t))
        return f"{span}累计降低{number(reg['target_value'])}%"
    if not text.strip("-—– ") and not is_missing(reg.get("target_value")):
        # the plan's cell is a dash and the target follows from another column (a change over the period):
        # the registry's value, never a bare "—" printed as if it were the target
        shown = unit if unit not in ("%", "％") else "%"
        return f"{_OPS.get(reg.get('target_operator'), '')}{number(reg['target_value'])}{shown.strip('—-– ')}"
    m = re.fullmatch(r"([<>＜＞≥≤]?\s*\[?〔?-?\d+(?:\.\d+)?\]?〕?)(左右|以上|以下)?", text)
    if m and unit and unit not in text:  # the unit goes after the number, before 左右: 1.45万亿斤左右
        return f"{m.group(1)}{unit if unit not in ('%', '％') else '%'}{m.group(2) or ''}"
    return text
