"""The report's fixed wording, kept in YAML beside the code (captions.yml, methodology.yml)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=None)
def words(name: str) -> dict:
    """planeval/report/<name>.yml. Cached: treat the result as read-only."""
    return yaml.safe_load(Path(__file__).with_name(f"{name}.yml").read_text(encoding="utf-8"))


def unfold(text: str) -> str:
    """A folded YAML paragraph as Chinese prose: folding joins lines with a space, which Chinese does not use."""
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", text)
