"""The README's list of every column of a plan folder's files with its codes, generated from schema.yml and
labels.yml so the documentation cannot drift from what the load checks. `python -m planeval.data.schemadoc`
rewrites the part of README.md between the two markers; tests/test_schemadoc.py fails when it is stale."""
from __future__ import annotations

import sys

from .. import paths
from ..labels import label
from .schema import load_schema
from .vocab import vocabulary

BEGIN = "<!-- columns: generated from planeval/data/schema.yml by `python -m planeval.data.schemadoc`; do not edit -->"
END = "<!-- end of columns -->"
# the files an analyst writes, in the order a new plan needs them (changelog and receipts are written by imports)
TABLES = ("indicators", "observations", "sources", "series", "responsibility", "breaks", "projects",
          "project_progress", "commentary", "reference_verdicts")
REQUIRED_FILES = ("indicators", "observations", "sources", "series")


def _codes(allowed) -> str:
    if isinstance(allowed, str) and allowed.startswith("vocab:"):
        name = allowed[len("vocab:"):]
        return "; ".join(f"`{c}` {label(name, c)}" for c in vocabulary(name))
    if isinstance(allowed, str) and allowed.startswith("plan:"):
        return f"one of plan.yml's {allowed[len('plan:'):]}"
    return ", ".join(f"`{c}`" for c in allowed)


def column_line(name: str, spec: dict) -> str:
    how = [spec.get("type", "str")]
    how += [w for w, key in (("required", "required"), ("unique", "unique"), ("may be left out", "optional"))
            if spec.get(key)]
    if spec.get("pattern"):
        how.append(f"matching `{spec['pattern']}`")
    if spec.get("min") is not None or spec.get("max") is not None:
        how.append(f"{spec.get('min', '')}–{spec.get('max', '')}")
    line = f"- `{name}` ({', '.join(how)})"
    if spec.get("description"):
        line += f": {spec['description']}"
    if spec.get("allowed") is not None:
        line += f". Codes: {_codes(spec['allowed'])}"
    return line


def render() -> str:
    schema = load_schema()
    out = []
    for table in TABLES:
        t = schema["tables"][table]
        need = "required" if table in REQUIRED_FILES else "optional"
        out.append(f"`{table}.csv` ({need}; one row per {', '.join(t['key'])}):\n")
        for name, use in t["columns"].items():
            use = use or {}
            out.append(column_line(name, {**schema["fields"][use.get("field", name)], **use}))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def readme_with_columns(readme: str) -> str:
    start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
    return readme[:start] + "\n" + render() + readme[end:]


def main() -> int:
    path = paths.ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = readme_with_columns(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print("README.md: columns updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
