"""Make an executed notebook deterministic, so a rebuild with unchanged inputs leaves `git status` clean
and reviewers see only real changes."""
from __future__ import annotations

from pathlib import Path

import nbformat

VOLATILE_CELL_KEYS = ("execution", "papermill")


def clean_executed_notebook(path: Path, params: dict, fingerprint: str) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        tags = cell.metadata.get("tags", [])
        # the parameters are shown once, in the page's edition note; the cells themselves are plumbing
        if "injected-parameters" in tags or "parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"remove-cell"})
        if "injected-parameters" in tags:
            cell.id = "injected-parameters"  # papermill draws a random id on every run
    nb.metadata.pop("papermill", None)
    # tests/test_book_layout.py compares this with the current inputs: committed outputs must be current
    nb.metadata["yinzhou_eval"] = {"parameters": params, "inputs_fingerprint": fingerprint}
    nbformat.write(nb, path)
