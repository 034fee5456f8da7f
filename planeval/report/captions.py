"""Explanations beside tables and charts, in the words of the edition (captions.yml)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..engine.rules import load_rules
from .context import Report

WORDS_PATH = Path(__file__).with_name("captions.yml")


@lru_cache(maxsize=1)
def words() -> dict:
    return yaml.safe_load(WORDS_PATH.read_text(encoding="utf-8"))


def caption(rep: Report, key: str) -> str:
    entry = words()[key]
    text = entry["final"] if rep.final else entry["default"]
    text = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)   # YAML folding joins lines with a space
    return text.replace("{on_track}", f"{load_rules()['thresholds']['on_track']:g}")
