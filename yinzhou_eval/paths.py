"""Where things live. Everything is relative to the repository root, so a fresh clone works anywhere."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BOOK = ROOT / "book"
TEMPLATES = ROOT / "notebooks"
BUILD = ROOT / "_build"
SITE = BUILD / "html"
STATIC = BOOK / "_static"
REPORT_CONFIG = BOOK / "report.yml"
TOC = ROOT / "_toc.yml"
EXEC_CACHE = BUILD / "exec-cache"
