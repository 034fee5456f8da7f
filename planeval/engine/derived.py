"""A start computed by us from two published parts (城乡居民收入比 = 城镇 ÷ 农村居民人均可支配收入), for a
ratio target whose plan lists no baseline and whose baseline year has no published ratio.

The rule (rules.yml `derived_start`, stated on the methodology page), all of which must hold:
1. the registry row names its parts (`derived_from: numerator/denominator`);
2. both parts are published for the same year (the baseline year), as yearly levels, in the same scope and in
   the same source (one document: the two figures are read side by side, never combined across releases);
3. that source is graded plan, official or official_mirror (a copy or a news report is not enough to build a
   figure nobody published);
4. the quotient is rounded to the decimals of the target value (1.65 → two decimals), the precision in which
   the plan itself states the ratio.
The value is ours, never shown as published: the audit keeps both parts with their sources and the formula."""
from __future__ import annotations

from .values import to_num

TRUSTED = ("plan", "official", "official_mirror")


def _decimals(target) -> int:
    text = f"{float(target):.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def derived_start(row, year: int) -> dict | None:
    """{year, value, parts, formula, why} or None when the rule does not allow it."""
    if len(row.parts) != 2 or row.target is None:
        return None
    num, den = (p[(p["year"] == year) & (p["value_kind"] == "level") & p["value"].notna()
                  & (p["months_covered"] >= 12)] for p in row.parts)
    if "_grade" in num.columns:
        num, den = num[num["_grade"].isin(TRUSTED)], den[den["_grade"].isin(TRUSTED)]
    for _, a in num.iterrows():
        same = den[(den["source_id"] == a["source_id"]) & (den["scope"] == a["scope"])]
        if same.empty or not to_num(same.iloc[0]["value"]):
            continue
        b = same.iloc[0]
        value = round(to_num(a["value"]) / to_num(b["value"]), _decimals(row.target))
        parts = [{"indicator_id": o["indicator_id"], "year": int(o["year"]), "value": to_num(o["value"]),
                  "scope": o["scope"], "source_id": o["source_id"], "quote": o["quote"]} for o in (a, b)]
        return {"year": year, "value": value, "parts": parts,
                "formula": f"{to_num(a['value']):g} ÷ {to_num(b['value']):g} = {value:g}",
                "why": f"规划未列基期值，{year}年比值未公布：由同一来源公布的两个分项计算（本报告计算，非公布数）"}
    return None
