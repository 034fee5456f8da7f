"""Where things live. Everything is relative to the repository root, so a fresh clone works anywhere."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "planeval"
DATA = ROOT / "data"                  # one folder per plan: data/<plan id>/plan.yml, indicators.csv, …
BOOK = ROOT / "book"                  # the committed book: the default plan's default edition
TEMPLATES = ROOT / "notebooks"
BUILD = ROOT / "_build"
STATIC = BOOK / "_static"
BOOK_CONFIG = BOOK / "report.yml"     # which plan the committed book evaluates
TOC = ROOT / "_toc.yml"
JB_CONFIG = ROOT / "_config.yml"


def plan_dir(plan: str) -> Path:
    return DATA / plan


def plan_folders() -> list[Path]:
    """Every plan folder under data/."""
    return sorted(p.parent for p in DATA.glob("*/plan.yml"))


def reference_folders() -> list[Path]:
    """The plan folders holding a published evaluation's verdicts to compare ours with."""
    return sorted(p.parent for p in DATA.glob("*/reference_verdicts.csv"))
