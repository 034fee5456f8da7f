"""Chinese number formatting for the report (亿元, %, 万人 …) and small HTML helpers."""
from __future__ import annotations

import html
import math

import pandas as pd


def is_missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value, digits: int | None = None) -> str:
    """A number as a Chinese report prints it: no trailing zeros, thousands grouped only from 万 up."""
    if is_missing(value):
        return "—"
    value = float(value)
    if digits is None:  # enough decimals for the published precision; trailing zeros are dropped below
        digits = 1 if abs(value) >= 100 else (2 if abs(value) >= 1 else 4)
    text = f"{value:,.{digits}f}" if abs(value) >= 10000 else f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def value_with_unit(value, unit: str | None, digits: int | None = None) -> str:
    if is_missing(value):
        return "—"
    unit = unit or ""
    if unit in ("%", "％"):
        return f"{number(value, digits)}%"
    return f"{number(value, digits)}{unit}"


def percent(share, digits: int = 0) -> str:
    """A share (0.62) as a percentage (62%)."""
    if is_missing(share):
        return "—"
    return f"{share * 100:.{digits}f}%"


def ratio(value, digits: int = 2) -> str:
    if is_missing(value):
        return "—"
    return f"{float(value):.{digits}f}"


def pp(value, digits: int = 1) -> str:
    """A rate in percent, signed (for growth rates: +5.1%)."""
    if is_missing(value):
        return "—"
    return f"{float(value):+.{digits}f}%"


def esc(text) -> str:
    return "" if is_missing(text) else html.escape(str(text))


def link(title, url) -> str:
    if is_missing(url) or not str(url).strip():
        return esc(title)
    return f'<a href="{esc(url)}" rel="noopener">{esc(title)}</a>'


def html_table(rows: list[dict], columns: list[tuple[str, str]], numeric: set[str] = frozenset(),
               caption: str | None = None, raw: set[str] = frozenset()) -> str:
    """A plain, deterministic HTML table. ``columns`` = [(key, Chinese header)]; ``raw`` keys hold HTML."""
    head = "".join(f"<th>{esc(label)}</th>" for _, label in columns)
    body = []
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row.get(key, "")
            text = value if key in raw else esc(value)
            cls = ' class="num"' if key in numeric else ""
            cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table class="report-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def finite(value) -> bool:
    return not is_missing(value) and math.isfinite(float(value))


def target_display(reg) -> str:
    """The target as a reader expects it: growth targets as a yearly rate, the others as the plan prints them."""
    form, text = reg["target_form"], str(reg.get("target_text") or "")
    if form == "growth" and not is_missing(reg.get("target_value")):
        op = {">": "＞", ">=": "≥", "~": "左右 "}.get(reg.get("target_operator"), "")
        return f"年均增长{op}{number(reg['target_value'])}%"
    if form in ("relational", "city_assigned") and not text.strip("-—"):
        return str(reg.get("annual_growth_text") or "按市下达")
    return text
