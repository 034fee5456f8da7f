"""Explanations beside tables and charts, in the words of the edition (captions.yml)."""
from __future__ import annotations

from ..engine.rules import load_rules
from .context import Report
from .words import unfold, words


def caption(rep: Report, key: str) -> str:
    entry = words("captions")[key]
    text = unfold(entry["final"] if rep.final else entry["default"])
    return text.replace("{on_track}", f"{load_rules()['thresholds']['on_track']:g}")
