"""Every link and embedded file of a built site resolves to a file of the site (and a #fragment to an id on that
page): a reader never meets a 404, on a chapter, a target card or a download list. Shared by the tests."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

_REF = re.compile(r'\b(?:href|src)="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')


def unresolved(site: Path) -> list[str]:
    """`page: link` for every local href/src of the site's pages that names no file (or no id) of the site. The
    theme's own template files under _static are not pages (their links are Jinja, filled in at build time)."""
    ids: dict[Path, set] = {}
    bad = []
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.relative_to(site).parts:
            continue
        for ref in _REF.findall(page.read_text(encoding="utf-8")):
            url = urlparse(html.unescape(ref))
            if url.scheme or url.netloc or not ref:
                continue   # another site (http, mailto, data:): not a file of this one
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or site.resolve() not in target.parents:
                bad.append(f"{page.relative_to(site)}: {ref}")
            elif url.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = set(_ID.findall(target.read_text(encoding="utf-8")))
                if unquote(url.fragment) not in ids[target]:
                    bad.append(f"{page.relative_to(site)}: {ref} (no such id)")
    return bad
