"""Finish an executed notebook: fill the page's words into its markdown (a chapter's title and intro, the
edition's title), make it deterministic, and record what it was built from.

Headings stay static markdown (never made by code); only ⟪name⟫ tokens are filled, Markdown-escaped, from the
plan's config. The same steps applied to the template alone (``expected_cells``) give every cell's source as
the build writes it: planeval.book.review compares each committed cell with them, so prose or code edited by
hand in book/ fails review. The notebook records the key of its inputs (``inputs_fingerprint``, which the
build compares to decide whether a page is current) and a digest of its outputs."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat

from ..report.fmt import md

VOLATILE_CELL_KEYS = ("execution", "papermill")
TOKEN = re.compile(r"⟪([a-z_]+)⟫")
KERNEL = "python3"  # papermill's kernel; the injected-parameters cell is written in its language


def fill_words(source: str, words: dict) -> str:
    def sub(m):
        if m.group(1) not in words:
            raise KeyError(f"the page has no word ⟪{m.group(1)}⟫ (planeval/book/pages.py)")
        return md(words[m.group(1)])

    return TOKEN.sub(sub, source)


def finish_cell(cell, words: dict) -> None:
    """The build's last touch on one cell (the same for an executed notebook and for a template)."""
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


def _joined(value):
    """Multiline text as one string: a file stores it as a list of lines, nbformat joins it on reading."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "".join(value)
    if isinstance(value, dict):
        return {k: _joined(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_joined(v) for v in value]
    return value


def outputs_digest(cells) -> str:
    """sha256 of every code cell's outputs, the same whether ``cells`` come from nbformat or from the raw
    JSON of the file (the build checks it without nbformat, to stay fast)."""
    outputs = [_joined(c.get("outputs", [])) for c in cells if c.get("cell_type") == "code"]
    return hashlib.sha256(json.dumps(outputs, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def intact(raw: dict) -> bool:
    """A notebook file's outputs are those its build recorded, and none of them is an error."""
    cells = raw.get("cells", [])
    meta = raw.get("metadata", {}).get("planeval", {})
    errors = any(o.get("output_type") == "error" for c in cells for o in c.get("outputs", []))
    return not errors and meta.get("outputs_sha256") == outputs_digest(cells)


def clean_executed_notebook(path: Path, params: dict, fingerprint: str, words: dict) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        finish_cell(cell, words)
    nb.metadata.pop("papermill", None)
    # the build compares inputs_fingerprint with the current inputs to decide whether the page is current;
    # planeval.book.review checks both fields
    nb.metadata["planeval"] = {"parameters": params, "words": words, "inputs_fingerprint": fingerprint,
                               "outputs_sha256": outputs_digest(nb.cells)}
    nbformat.write(nb, path)


def expected_cells(template: Path, params: dict, words: dict) -> list[dict]:
    """Every cell of the page as the build writes it, without running it: the template with papermill's
    injected-parameters cell, finished like an executed notebook. Outputs are nbval's part."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(template))  # as papermill reads a template (every cell gets a `tags` list)
    nb = parameterize_notebook(nb, params, kernel_name=KERNEL, language="python")
    for cell in nb.cells:
        finish_cell(cell, words)
    return [cell_view(c) for c in nb.cells]


def cell_view(cell) -> dict:
    """What review compares of a cell: everything but outputs and execution counts."""
    meta = {k: v for k, v in cell.metadata.items() if k not in VOLATILE_CELL_KEYS}
    out = {"id": cell.get("id"), "cell_type": cell.cell_type, "source": cell.source, "metadata": meta}
    if "attachments" in cell:
        out["attachments"] = cell["attachments"]
    return out
