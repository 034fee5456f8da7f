"""Basis changes (breaks.csv): which side of a registered break a value is on, and how to bring a value
across it when the sources allow.

A plan's baseline and target were set on the basis in force when the plan was written. A value published on
another basis (after a census revision, a new accounting method, a wider monitoring network) is not
comparable with them. It may score only after re-basing: when the sources give one year on both bases, the
ratio of the two links the series (the usual splice of a revised accounts series). Otherwise it is
listed as not used and the verdict says so.
"""
from __future__ import annotations

from .values import to_int, to_str

OLD, NEW = "old", "new"


def side(o, brk: dict) -> str:
    """The side of ``brk`` observation ``o`` is on: its stated revision first, else its year."""
    revision = to_str(o.get("revision"))
    if revision and revision == brk.get("new_label"):
        return NEW
    if revision and revision == brk.get("old_label"):
        return OLD
    return NEW if int(o["year"]) >= brk["first_year"] else OLD


def reference_side(brk: dict, reference_year: int | None) -> str:
    """The side the plan's baseline and target are on: the old one unless the break came before the baseline."""
    return NEW if reference_year is not None and brk["first_year"] <= reference_year else OLD


def breaks_for(row, indicator_id) -> list[dict]:
    return list(row.breaks.get(indicator_id, ()))


def link_factor(rows, brk: dict) -> dict | None:
    """new ÷ old for the latest year the sources give on both sides of ``brk`` (same scope), or None."""
    best = None
    for (year, scope), group in rows.groupby(["year", "scope"], sort=True):
        sides = {side(o, brk): float(o["value"]) for _, o in group.iterrows()}
        if OLD in sides and NEW in sides and sides[OLD] != 0:
            best = {"year": int(year), "scope": scope, "old": sides[OLD], "new": sides[NEW],
                    "factor": sides[NEW] / sides[OLD]}
    return best


def describe(brk: dict) -> dict:
    """What the audit and the reader need of a break."""
    return {"break_id": brk["break_id"], "first_year": to_int(brk["first_year"]), "what": brk["what"],
            "old_label": to_str(brk.get("old_label")), "new_label": to_str(brk.get("new_label")),
            "source_id": brk["source_id"], "quote": to_str(brk.get("quote"))}
