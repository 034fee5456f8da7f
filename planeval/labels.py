"""Reader-facing labels (planeval/labels.yml): one place for every word a code stands for."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

LABELS_PATH = Path(__file__).with_name("labels.yml")


@lru_cache(maxsize=1)
def load_labels() -> dict:
    return yaml.safe_load(LABELS_PATH.read_text(encoding="utf-8"))


def label(vocabulary: str, code, kind: str | None = None) -> str:
    """The label of ``code`` in ``vocabulary``; ``kind`` (monitoring / midterm / final) picks the edition's
    wording where the label depends on it. An unknown code is an error, never shown raw."""
    entry = load_labels()[vocabulary][code]
    if isinstance(entry, dict) and "default" in entry:
        return entry.get(kind, entry["default"]) if kind else entry["default"]
    if isinstance(entry, dict):
        return entry["name"] if "name" in entry else entry["short"]
    return str(entry)


def codes(vocabulary: str) -> tuple:
    return tuple(load_labels()[vocabulary])
