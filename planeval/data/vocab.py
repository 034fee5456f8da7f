"""Controlled vocabularies of the data files. The allowed codes are the keys of planeval/labels.yml, so every
code has exactly one label; a plan's own lists (chapters, scopes) come from its plan.yml."""
from __future__ import annotations

from ..labels import codes

DATA_VOCABULARIES = ("table", "attribute", "direction", "target_form", "path_type", "price_basis",
                     "value_kind", "verdict", "source_kind", "release", "project_stage", "commentary_section")


def vocabulary(name: str) -> tuple:
    if name not in DATA_VOCABULARIES:
        raise KeyError(f"unknown vocabulary {name!r}")
    return codes(name)
