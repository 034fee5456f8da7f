"""Finish an executed notebook: fill the page's words into its markdown (a chapter's title and intro, the
edition's title), make it deterministic, and record what it was built from.

Headings stay static markdown (never made by code); only ⟪name⟫ tokens are filled, Markdown-escaped, from the
plan's config. tests/test_book_layout.py re-renders every template the same way and requires each committed
cell to equal what the build would produce, so prose edited by hand in book/ fails review."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from ..report.fmt import md

VOLATILE_CELL_KEYS = ("execution", "papermill")
TOKEN = re.compile(r"⟪([a-z_]+)⟫")


def fill_words(source: str, words: dict) -> str:
    def sub(m):
        if m.group(1) not in words:
            raise KeyError(f"the page has no word ⟪{m.group(1)}⟫ (planeval/book/pages.py)")
        return md(words[m.group(1)])

    return TOKEN.sub(sub, source)


def clean_executed_notebook(path: Path, params: dict, fingerprint: str, words: dict) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        # the parameters are plumbing, not content
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"remove-cell"})
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill draws a random id on every run
        if cell.cell_type == "markdown":
            cell.source = fill_words(cell.source, words)
    nb.metadata.pop("papermill", None)
    # tests/test_book_layout.py compares this with the current inputs: committed outputs must be current
    nb.metadata["planeval"] = {"parameters": params, "words": words, "inputs_fingerprint": fingerprint}
    nbformat.write(nb, path)
