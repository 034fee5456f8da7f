"""Reviewers' check of an executed book, without running a kernel: every committed cell must be what the build
produces from the current templates, words, parameters and inputs. nbval (run by `make test` too) re-executes
the code and compares the outputs; this check covers the rest:

- each markdown cell equals the template's markdown with the page's words filled in (nbclean.fill_words),
  so a sentence added to book/economy.ipynb by hand fails;
- each code cell's source equals the template's, and the injected-parameters cell equals what papermill
  injects for the page's parameters;
- the target cards (book/targets.md and book/targets/*.html) are rendered again and compared byte for byte;
- the notebook records the fingerprint of today's inputs (planeval.book.fingerprint), and the digest of
  its outputs matches them: outputs pasted from another notebook or another edition fail here before
  nbval runs.

    python -m planeval.book.review [--plan …] [--eval-year …] [--out …]     (exit 1 when a page differs)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from .. import paths
from .build import BUILD_FORMAT, Edition, edition_for, parameters_for
from .fingerprint import page_fingerprint
from .nbclean import cell_view, expected_cells, outputs_digest
from .pages import Page


def _around(text: str, at: int) -> str:
    return ("…" if at > 20 else "") + text[max(0, at - 20):at + 60] + ("…" if len(text) > at + 60 else "")


def _first_difference(a: str, b: str) -> str:
    """Where ``b`` (found) first departs from ``a`` (expected), with a little context."""
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            at = next((k for k, (p, q) in enumerate(zip(x, y)) if p != q), min(len(x), len(y)))
            return f"line {i + 1}: expected {_around(x, at)!r}, found {_around(y, at)!r}"
    if len(la) != len(lb):
        extra = (lb[len(la)] if len(lb) > len(la) else la[len(lb)])[:80]
        return f"{'extra' if len(lb) > len(la) else 'missing'} line {min(len(la), len(lb)) + 1}: {extra!r}"
    return "differs in whitespace"


def review_page(edition: Edition, page: Page, notebook: Path | None = None) -> list[str]:
    """What differs between ``notebook`` (default: the page in the edition's book/) and what the build
    produces; an empty list when nothing does. The target cards (a page without a template) are compared byte
    for byte with what planeval.book.targets renders from today's data."""
    if page.template is None:
        from .targets import review_cards

        return review_cards(edition)
    notebook = notebook or edition.book / f"{page.file}.ipynb"
    if not notebook.exists():
        return [f"{notebook.name}: missing (run `make book`)"]
    nb = nbformat.read(notebook, as_version=4)
    params = parameters_for(page, edition)
    template = paths.TEMPLATES / page.template
    problems = []
    expected = expected_cells(template, params, page.words)
    found = [cell_view(c) for c in nb.cells]
    if len(found) != len(expected):
        problems.append(f"{len(found)} cells, the template gives {len(expected)}")
    for i, (want, got) in enumerate(zip(expected, found)):
        where = f"cell {i} ({want['cell_type']}, id {want['id']})"
        for key in ("id", "cell_type", "metadata", "attachments"):
            if want.get(key) != got.get(key):
                problems.append(f"{where}: {key} differs: expected {want.get(key)!r}, found {got.get(key)!r}")
        if want["source"] != got["source"]:
            problems.append(f"{where}: source differs from the template's ({_first_difference(want['source'], got['source'])})")
        if want["cell_type"] != "code" and (nb.cells[i].get("outputs") or nb.cells[i].get("execution_count")):
            problems.append(f"{where}: a {want['cell_type']} cell carries outputs")
    meta = nb.metadata.get("planeval", {})
    if meta.get("parameters") != params:
        problems.append(f"recorded parameters {meta.get('parameters')!r}, the build uses {params!r}")
    if meta.get("words") != page.words:
        problems.append("recorded words differ from the plan's (plan.yml)")
    key = page_fingerprint(page, template, params, BUILD_FORMAT, edition.plan.folder)
    if meta.get("inputs_fingerprint") != key:
        problems.append("built from other inputs than today's data, templates and code (stale or copied): "
                        "run `make book` and commit book/")
    if meta.get("outputs_sha256") != outputs_digest(nb.cells):
        problems.append("outputs differ from those the build recorded (edited or copied from elsewhere)")
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    if errors:
        problems.append(f"{len(errors)} error output(s)")
    return problems


def review_edition(edition: Edition) -> dict[str, list[str]]:
    """Every page's problems, by page file; pages without problems are left out."""
    out = {}
    for page in edition.pages:
        problems = review_page(edition, page)
        if problems:
            out[page.file] = problems
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan")
    parser.add_argument("--eval-year", type=int)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    edition = edition_for(args.plan, args.eval_year, args.out)
    found = review_edition(edition)
    for page, problems in found.items():
        for p in problems:
            print(f"✗ {page}: {p}")
    if not found:
        print(f"✓ {len(edition.pages)} pages are what the build produces")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
