"""Keep pace with another series (居民收入增长与经济增长同步; 劳动生产率增长高于GDP增长): both yearly growth
rates on the same price basis, over the years both have. A running relation: 符合预期 in mid-course, 完成 only
at the target year."""
from __future__ import annotations

import math

from ..pace import kept_verdict, na
from ..row import Row
from ..series import choose, flag
from ..values import rounded, to_str, years_text, years_window

BASIS = {"real": "实际", "nominal": "名义"}


def _bases(frame) -> list[str]:
    rows = frame[(frame["value_kind"] == "level") & frame["value"].notna()]
    return sorted({to_str(b) or "未注明" for b in rows["price_basis"]})


def assess_relational(row: Row) -> dict:
    related_id = to_str(row.reg.get("related_id"))
    basis = to_str(row.reg.get("basis"))
    own_all, rel_all = row.scored, row.related[row.related["year"] >= row.first_year]
    own_bases, rel_bases = _bases(own_all), _bases(rel_all)
    row.audit["basis"] = {"target": basis, "indicator": own_bases, "related": rel_bases, "related_id": related_id}
    if not own_bases or not rel_bases:
        return na(f"暂无{years_window(row.first_year, row.cutoff)}本指标或{row.related_name}的逐年增速")
    if basis:
        own, rel = own_all[own_all["price_basis"] == basis], rel_all[rel_all["price_basis"] == basis]
        if own.empty or rel.empty:
            return na(f"价格口径不一致：规划按{BASIS.get(basis, basis)}增速比较，本指标为"
                      f"{'/'.join(BASIS.get(b, b) for b in own_bases)}，{row.related_name}为"
                      f"{'/'.join(BASIS.get(b, b) for b in rel_bases)}；不作换算")
    else:
        if own_bases != rel_bases or len(own_bases) != 1 or own_bases[0] == "未注明":
            return na(f"价格口径不一致或未注明：本指标为{'/'.join(BASIS.get(b, b) for b in own_bases)}，"
                      f"{row.related_name}为{'/'.join(BASIS.get(b, b) for b in rel_bases)}；不作比较")
        own, rel = own_all, rel_all
    mine = choose(row, frame=own)
    theirs = choose(row, frame=rel, key="related_observations_used")
    own_d, rel_d = dict(mine.points), dict(theirs.points)
    years = sorted(set(own_d) & set(rel_d))
    if not years:
        return na(f"本指标与{row.related_name}没有{row.first_year}年以来相同年份的增速数据")
    t = years[-1]
    g_own = math.prod(1 + own_d[y] / 100 for y in years) ** (1 / len(years)) - 1
    g_rel = math.prod(1 + rel_d[y] / 100 for y in years) ** (1 / len(years)) - 1
    gap_pp = (g_own - g_rel) * 100
    in_step = sum(1 for y in years if own_d[y] >= rel_d[y])
    row.audit["computed"] = {"years": years, "own_rates_pct": [own_d[y] for y in years],
                             "related_rates_pct": [rel_d[y] for y in years], "own_average": g_own,
                             "related_average": g_rel, "gap_pp": gap_pp, "years_in_step": in_step,
                             "formula": "ḡ = (Π(1+g_y/100))^(1/n) − 1 over the same years; Δ = ḡ_本 − ḡ_对比"}
    flags = list(mine.flags) + [flag(f["kind"], f"{row.related_name}：{f['text']}") for f in theirs.flags]
    gaps = [y for y in range(row.first_year, t + 1) if y not in years]
    base = {"latest_year": t, "latest_value": own_d[t], "latest_scope": mine.latest_scope, "flags": flags,
            "observed_rate": rounded(g_own), "required_rate": rounded(g_rel), "rate_kind": "rate_pct"}
    tol = row.rules["thresholds"]["relational_gap_pp"] + 1e-9   # 8.1 − 8.6 is −0.5000000000000009 in floats
    higher = row.operator in (">", ">=")     # 高于: must be above, not merely in step
    in_line = gap_pp > 0 if higher else gap_pp >= -tol
    near = gap_pp >= -tol
    note = f"（缺{years_text(gaps)}年，仅比较两者都有数据的年份）" if gaps else ""
    text = (f"{years_text(years)}年本指标年均增长{g_own * 100:.2f}%，{row.related_name}{g_rel * 100:.2f}%，"
            f"差{gap_pp:+.2f}个百分点{note}；{len(years)}年中{in_step}年不低于{row.related_name}")
    kept = kept_verdict(row, t, in_line, text)
    if kept:
        return {**kept, **base}
    if near:
        return {"status": "needs_acceleration", "outlook": "needs_acceleration", "reason": text, **base}
    return {"status": "lagging", "outlook": "unlikely", "reason": text, **base}
