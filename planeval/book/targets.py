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
import html
import json
import re
import sys
from pathlib import Path

from ..files import write_atomic, write_if_changed
from .fingerprint import folder_bytes, package_inputs

FOLDER, INDEX, STAMP = "targets", "targets.md", ".inputs"
LIST_AT_MOST = 10  # review names this many differing cards, then counts the rest


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


def expected(edition, report=None) -> dict[str, str]:
    """Every card file as the build writes it, by path under book/ (``report``: the edition's, when open already)."""
    from ..report.context import open_report
    from ..report.targetpage import render

    return render(report or open_report(str(edition.plan.folder), edition.year))


def write_cards(edition, log=print, report=None) -> list[str]:
    """Render every card; write the files whose bytes changed, remove cards of targets no longer registered."""
    files = expected(edition, report)
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
    if len(problems) > LIST_AT_MOST:
        problems = problems[:LIST_AT_MOST] + [f"… and {len(problems) - LIST_AT_MOST} more card file(s)"]
    return problems


_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)
_TITLE = re.compile(r"<title>(.*?) · ", re.S)
_SPLIT = re.compile(r"[（）()“”、，,：:\s*]+")   # as planeval.book.build.write_search_terms splits a name


def _add(terms: dict, term: str, doc: int) -> None:
    """Sphinx's index keeps one document as a number, several as a list."""
    have = terms.get(term)
    terms[term] = doc if have is None else sorted({*(have if isinstance(have, list) else [have]), doc})


def add_to_search(site: Path) -> int:
    """Put the cards copied into the site (book/targets/*.html) into Sphinx's search index, so that searching a
    target's name finds its card as well as the list and the chapter: each card is a document titled with the
    target's name, found by the name, its parts (split as the Chinese word splitter is taught them) and its id."""
    path = site / "searchindex.js"
    if not path.exists():
        return 0
    text = path.read_text(encoding="utf-8")
    start, end = text.index("(") + 1, text.rindex(")")
    index = json.loads(text[start:end])
    cards = sorted((site / "book" / FOLDER).glob("*.html"))
    for card in cards:
        page = card.read_text(encoding="utf-8")
        found, shown = _H1.search(page), _TITLE.search(page)
        if not found or not shown:
            continue
        name, title = html.unescape(found.group(1)).strip(), html.unescape(shown.group(1)).strip()
        doc = len(index["docnames"])
        index["docnames"].append(f"book/{FOLDER}/{card.stem}")
        index["filenames"].append(f"book/{FOLDER}/{card.name}")
        index["titles"].append(title)
        index["alltitles"].setdefault(title, []).append([doc, None])
        for term in {p.lower() for p in _SPLIT.split(name) if len(p) >= 2} | {card.stem.lower()}:
            _add(index["terms"], term, doc)
            _add(index["titleterms"], term, doc)
    path.write_text(text[:start] + json.dumps(index, ensure_ascii=False, separators=(",", ":")) + text[end:],
                    encoding="utf-8")
    return len(cards)


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
