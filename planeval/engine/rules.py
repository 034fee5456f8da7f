"""The assessment rules (rules.yml): thresholds, status classes, colours and their published anchors."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

RULES_PATH = Path(__file__).with_name("rules.yml")


@lru_cache(maxsize=1)
def load_rules() -> dict:
    """rules.yml as a dict. Cached: treat the result as read-only."""
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def status_colour(status: str) -> str:
    return load_rules()["statuses"].get(status, {}).get("colour", "#bdbdbd")


def class_colour(ndrc_class: str) -> str:
    return load_rules()["class_colours"].get(ndrc_class, "#bdbdbd")
