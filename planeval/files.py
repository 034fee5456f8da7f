"""Writing a file so that a reader (a parallel page, another build, the web server) sees the old bytes or the
new ones, never a part: written beside the target under a name of this process, then renamed over it."""
from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)     # left only when the write or the rename failed


def write_if_changed(path: Path, data: bytes) -> bool:
    """Rewrite only when the bytes differ (an untouched file keeps its time); True when it was written."""
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    write_atomic(path, data)
    return True
