"""The front page links the printed edition only when the site holds it: `make pdf` writes the PDF after the site
is built (and an edition may never be printed), so the link is set on the published HTML, not in a page's
output. The page marks the item (report.tables.downloads_html); this module shows it with a working link when
``<site>/pdf/<name>`` exists and hides it otherwise. It runs when a site is published and after `make pdf`."""
from __future__ import annotations

import re
from pathlib import Path

ITEM = re.compile(r'<li class="pdf-item"(?: hidden)? data-pdf="([^"]+)">(.*?)</li>', re.S)
LINK = re.compile(r'<(?:a|span) class="pdf-download"[^>]*>(.*?)</(?:a|span)>', re.S)


def _item(match: re.Match, site: Path) -> str:
    name, inner = match.group(1), match.group(2)
    present = (site / "pdf" / name).is_file()
    tag = (f'<a class="pdf-download" href="../pdf/{name}">' if present else '<span class="pdf-download">')
    inner = LINK.sub(lambda m: f"{tag}{m.group(1)}</{'a' if present else 'span'}>", inner)
    return f'<li class="pdf-item"{"" if present else " hidden"} data-pdf="{name}">{inner}</li>'


def link_pdfs(site: Path) -> int:
    """Set every marked PDF item of the site's pages; returns how many pages changed."""
    changed = 0
    for page in Path(site).glob("book/*.html"):
        text = page.read_text(encoding="utf-8")
        new = ITEM.sub(lambda m: _item(m, Path(site)), text)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed
