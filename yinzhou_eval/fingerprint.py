"""What a page's output depends on, as one hash, so the build re-executes only pages whose inputs changed.

Deliberately uses the csv module and raw bytes (no pandas import): a no-op rebuild must be fast.
"""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from . import paths

PACKAGE = Path(__file__).resolve().parent


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _canonical(rows: list[dict]) -> bytes:
    return json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()


def subset_inputs(column: str, value: str, data_dir: Path) -> bytes:
    """Registry rows with ``column == value`` (and the series, observations and sources they use)."""
    registry = [r for r in _rows(data_dir / "indicators.csv") if r.get(column) == value]
    series = [r for r in _rows(data_dir / "series.csv") if r.get(column) == value]
    ids = {r["id"] for r in registry} | {r["id"] for r in series}
    ids |= {r.get("related_id") for r in registry if r.get("related_id")}
    observations = [r for r in _rows(data_dir / "observations.csv") if r.get("indicator_id") in ids]
    used = {r.get("source_id") for r in observations} | {"plan_14th"}
    sources = [r for r in _rows(data_dir / "sources.csv") if r.get("source_id") in used]
    metas = b"".join(p.read_bytes() for p in sorted(data_dir.glob("*.meta.yml")))
    return _canonical([registry, series, observations, sources]) + metas


def data_inputs(reads: list[str], data_dir: Path) -> bytes:
    parts = []
    for item in reads:
        if item == "all":
            parts += [p.read_bytes() for p in sorted(data_dir.glob("*.csv"))]
            parts += [p.read_bytes() for p in sorted(data_dir.glob("*.meta.yml"))]
        elif item.startswith(("chapter:", "plan:")):
            column, value = item.split(":", 1)
            parts.append(subset_inputs(column, value, data_dir))
        elif item == "changelog":
            log = data_dir / "changelog.csv"
            parts.append(log.read_bytes() if log.exists() else b"")
        elif item != "rules":  # rules.yml is package code, hashed below
            raise ValueError(f"book/report.yml: unknown `reads` entry {item!r}")
    return b"\0".join(parts)


def package_inputs() -> bytes:
    files = sorted([*PACKAGE.glob("*.py"), *PACKAGE.glob("*.yml")])
    return b"".join(f.name.encode() + f.read_bytes() for f in files) + (paths.ROOT / "pyproject.toml").read_bytes()


def page_fingerprint(page: dict, template: Path, params: dict, build_format: int, data_dir: Path = paths.DATA) -> str:
    h = hashlib.sha256()
    for part in (str(build_format).encode(), template.read_bytes(),
                 json.dumps(params, sort_keys=True).encode(),
                 data_inputs(page.get("reads", ["all"]), data_dir), package_inputs()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()
