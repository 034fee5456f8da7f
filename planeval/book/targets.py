"""The target cards of an edition: book/targets/<id>.html (one page per target) and book/targets.md (their list, a
page of the book), written by the build process from planeval.report.targetpage, no kernel.

They are rendered together (about a second for a plan's 170 targets once the assessment is cached) and written
only where the bytes changed, so after a one-value import Sphinx and the site see one changed card. A stamp
(book/targets/.inputs) records the key of the inputs and a digest of the files: a no-op build reads neither
pandas nor the plan. Review (planeval.book.review) renders them again and compares every byte.

    python -m planeval.book.targets [--plan …] [--eval-year …] [--out …]   (re-render the cards only)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from ..files import write_atomic, write_if_changed
from .fingerprint import folder_bytes, package_inputs

FOLDER, INDEX, STAMP = "targets", "targets.md", ".inputs"


def cards_key(edition) -> str:
    """Every input of the cards: the whole plan folder (a card shows its changelog, comments and department),
    the package, this module, the edition's year and title."""
    h = hashlib.sha256()
    for part in (str(edition.year).encode(), edition.plan.title_for(edition.year).encode(),
                 folder_bytes(edition.plan.folder), package_inputs(), Path(__file__).read_bytes()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _files(book: Path) -> list[Path]:
    folder = book / FOLDER
    return sorted(folder.glob("*.html")) + ([book / INDEX] if (book / INDEX).exists() else [])


def _digest(book: Path) -> str:
    h = hashlib.sha256()
    for f in _files(book):
        h.update(f.relative_to(book).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def current(edition) -> bool:
    """The cards on disk are those the build wrote from today's inputs (nothing edited, added or removed since)."""
    try:
        stamp = json.loads((edition.book / FOLDER / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("key") == cards_key(edition) and stamp.get("files") == _digest(edition.book)


def expected(edition) -> dict[str, str]:
    """Every card file as the build writes it, by path under book/."""
    from ..report.context import open_report
    from ..report.targetpage import render

    return render(open_report(str(edition.plan.folder), edition.year))


def write_cards(edition, log=print) -> list[str]:
    """Render every card; write the files whose bytes changed, remove cards of targets no longer registered."""
    files = expected(edition)
    book = edition.book
    changed = [rel for rel, text in files.items() if write_if_changed(book / rel, text.encode("utf-8"))]
    for old in _files(book):
        if old.relative_to(book).as_posix() not in files:
            old.unlink()
            changed.append(old.relative_to(book).as_posix())
    write_atomic(book / FOLDER / STAMP, json.dumps({"key": cards_key(edition), "files": _digest(book)}).encode())
    log(f"  ✓ {'targets':<14} {len(files) - 1} target cards, {len(changed)} file(s) changed")
    return changed


def review_cards(edition) -> list[str]:
    """What differs between the committed cards and what the build writes; empty when nothing does."""
    from .review import _first_difference

    files = expected(edition)
    book = edition.book
    problems = []
    for rel, text in files.items():
        path = book / rel
        if not path.exists():
            problems.append(f"{rel}: missing (run `make book`)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{rel}: differs from what the data give ({_first_difference(text, path.read_text(encoding='utf-8'))})")
    for f in _files(book):
        if f.relative_to(book).as_posix() not in files:
            problems.append(f"{f.relative_to(book).as_posix()}: not a card of this edition (remove it, or run `make book`)")
    return problems


def main(argv=None) -> int:
    from .build import edition_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan")
    parser.add_argument("--eval-year", type=int)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    write_cards(edition_for(args.plan, args.eval_year, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
