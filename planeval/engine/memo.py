"""Keys under which one target's result can be remembered between two assessments of the same plan.

A one-value import changes the inputs of a handful of targets; the others need not be judged again. A target's
result depends only on what ``row.make_row`` hands its rule: its registry row, the edition, the rules, the plan's
configuration, and the observations and registered breaks of the ids it reads (its own, the series it keeps pace
with, the parts of a ratio), each observation with its source's date and grade, and the compared series' name.
The key digests exactly those, every observation row whole (all columns, all years), so any change to any of them
gives a new key. The package's own code is not in the key: a caller keeps one memo per version of the package
(planeval.data.dataset discards its memo when the package changes).
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from .values import to_str


def _canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=repr).encode("utf-8")


def scope_digest(plan, rules: dict) -> bytes:
    """What every target of one call shares: the plan's configuration and the rules."""
    return hashlib.sha256(repr(plan).encode("utf-8") + b"\0" + _canonical(rules)).digest()


def observation_digests(by_id: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    """Per indicator id, a digest of its observation rows: every column, in the engine's (total) order."""
    out = {}
    for indicator_id, frame in by_id.items():
        text = repr(list(frame.columns)) + repr(list(frame.itertuples(index=False, name=None)))
        out[indicator_id] = hashlib.sha256(text.encode("utf-8")).digest()
    return out


def read_ids(reg: dict) -> list[str]:
    """The ids whose observations and breaks a target's rule reads (as make_row selects them)."""
    ids = [reg["id"]]
    related = to_str(reg.get("related_id"))
    if related:
        ids.append(related)
    derived = to_str(reg.get("derived_from"))
    if derived:
        ids.extend(derived.split("/"))
    return ids


def row_key(reg: dict, eval_year: int, scope: bytes, digests: dict[str, bytes], breaks: dict,
            names: dict | None) -> str:
    ids = read_ids(reg)
    h = hashlib.sha256(scope)
    h.update(_canonical({"reg": reg, "eval_year": int(eval_year),
                         "related_name": (names or {}).get(to_str(reg.get("related_id")) or ""),
                         "breaks": {i: breaks.get(i) for i in ids}}))
    for i in ids:
        h.update(i.encode("utf-8") + b"\0" + digests.get(i, b"-"))
    return h.hexdigest()
