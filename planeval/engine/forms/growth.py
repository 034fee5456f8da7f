"""Growth targets: an average annual rate over the window (年均增长), or a rate set year by year
(各年度视情提出). Only published rates are used: real growth is never derived from nominal levels."""
from __future__ import annotations

import math

from ..pace import kept_verdict, na, no_final_data, outlook, pace_status
from ..row import Row
from ..series import choose
from ..values import column_target_words, g, rounded, to_str, years_text, years_window


def _average(row: Row, start: int, basis: str | None) -> dict:
    """Average yearly growth (fraction) from the yearly rates (chained) or a published period average.

    Returns {avg, end, latest_value, method, scope, flags} or {why, flags}."""
    yearly = choose(row, basis=basis)
    own = row.scored
    period_rows = own[own["period_start_year"].notna()]
    period_rows = period_rows[period_rows["period_start_year"].astype(int) == start]
    periods = choose(row, frame=period_rows, kind="period_average_growth", basis=basis)
    candidates = []
    if periods.points:
        y, v = periods.points[-1]
        candidates.append({"avg": v / 100, "end": y, "latest_value": v, "method": f"公布的{start}—{y}年期间年均增速",
                           "scope": periods.latest_scope, "flags": periods.flags, "rank": 1})
    missing = []
    if yearly.points:
        rates = dict(yearly.points)
        end = yearly.points[-1][0]
        last = max(end, row.cutoff) if row.final else end   # a final verdict needs every year to the target year
        missing = [y for y in range(start, last + 1) if y not in rates]
        if not missing:
            years = list(range(start, end + 1))
            growth = math.prod(1 + rates[y] / 100 for y in years)
            row.audit["chain"] = {"years": years, "rates_pct": [rates[y] for y in years], "product": growth,
                                  "formula": "ḡ = (Π(1+g_y/100))^(1/n) − 1"}
            candidates.append({"avg": growth ** (1 / len(years)) - 1, "end": end, "latest_value": rates[end],
                               "method": "逐年公布增速连乘", "scope": yearly.latest_scope, "flags": yearly.flags,
                               "rank": 0})
    if not candidates:
        flags = yearly.flags or periods.flags
        if missing:
            return {"why": f"缺少{years_text(missing)}年增速，无法连乘计算年均增速", "flags": flags,
                    "latest": yearly.points[-1], "scope": yearly.latest_scope}
        return {"why": f"暂无{years_window(start, row.cutoff)}的增速数据", "flags": flags}
    pick = max(candidates, key=lambda c: (c["end"], c["rank"]))  # latest end year; a published average on a tie
    row.audit["growth"] = {"average_rate": pick["avg"], "first_year": start, "last_year": pick["end"],
                           "method": pick["method"]}
    return pick


def assess_growth(row: Row) -> dict:
    if row.target is None:
        return na("规划未给出增速目标值")
    target, T = row.target / 100, row.target_year
    start = row.first_year
    d, th = row.direction, row.rules["thresholds"]
    res = _average(row, start, to_str(row.reg.get("basis")))
    if "avg" not in res:
        extra = {"latest_year": res["latest"][0], "latest_value": res["latest"][1],
                 "latest_scope": res["scope"]} if res.get("latest") else {}
        return na(res["why"], flags=res.get("flags", []), **extra)
    avg, t = res["avg"], res["end"]
    n_done, n_all = t - start + 1, T - start + 1
    tau = n_done / n_all
    base = {"latest_year": t, "latest_value": res["latest_value"], "latest_scope": res["scope"],
            "flags": res["flags"], "observed_rate": rounded(avg), "time_share": rounded(tau), "rate_kind": "rate_pct"}
    within = row.operator == "~" and abs(avg - target) <= th["growth_about_pp"] / 100 + 1e-12
    met = within or (d * (avg - target) > 0 if row.operator in (">", "<") else d * (avg - target) >= 0)
    ratio_ok = d == 1 and target > 0
    progress = pace = None
    if ratio_ok:  # p = n·ln(1+ḡ)/(N·ln(1+g*)); r = p/τ = ln(1+ḡ)/ln(1+g*)
        progress = n_done * math.log(1 + avg) / (n_all * math.log(1 + target))
        pace = progress / tau
    gap_pp = d * (avg - target) * 100
    row.audit["computed"] = {"average_rate": avg, "target_rate": target, "years_done": n_done, "years_total": n_all,
                             "time_share": tau, "progress_share": progress, "pace_ratio": pace,
                             "eurostat_rr": avg / target if ratio_ok else None, "gap_pp": gap_pp,
                             "within_about_band": within,
                             "formula": "p = n·ln(1+ḡ)/(N·ln(1+g*)), τ = n/N, r = p/τ" if ratio_ok else "d·(ḡ − g*)（百分点）"}
    done = f"{start}年增长{avg * 100:.1f}%" if n_done == 1 else f"{start}—{t}年期间年均增长{avg * 100:.1f}%"
    text = f"{done}（{res['method']}），目标{column_target_words(row.reg) or f'年均{target * 100:g}%'}"
    if row.final:
        if t >= T:
            return {"status": "achieved" if met else "missed", "outlook": "final", "reason": text,
                    "progress_share": rounded(progress), "pace_ratio": rounded(pace), **base}
        return {**no_final_data(row, t, done), **base}
    required = ((1 + target) ** n_all / (1 + avg) ** n_done) ** (1 / (n_all - n_done)) - 1
    if within:
        status = "on_track"
    elif ratio_ok:
        status = pace_status(pace, row.rules)
    else:
        status = "on_track" if gap_pp >= 0 else "needs_acceleration" if gap_pp >= -th["growth_gap_pp"] else "lagging"
    if within:  # inside a 左右 band the target is being kept: the outlook says the same as the status
        acceleration = required / avg if ratio_ok and avg > 0 else None
        look = "likely"
    elif ratio_ok:
        acceleration = required / avg if avg > 0 else None
        look = outlook(acceleration, None, avg, row.rules)
    else:
        acceleration = None
        short = d * (required - avg) * 100
        look = "likely" if short <= 0 else "needs_acceleration" if short <= th["growth_gap_pp"] else "unlikely"
    row.audit["outlook"] = {"rate_kind": "rate_pct", "required": required, "observed": avg,
                            "acceleration": acceleration,
                            "required_formula": "g_rem = ((1+g*)^N / Π(1+g_y))^(1/(N−n)) − 1"}
    return {"status": status, "outlook": look, "reason": text, "progress_share": rounded(progress),
            "pace_ratio": rounded(pace), "required_rate": rounded(required), **base}


def assess_annual_targets(row: Row) -> dict:
    """各年度视情提出: each year's rate against the target set for that year (the related series).
    "左右" targets count as met within the growth tolerance. rules.yml `annual_targets_rule`: `balance` judges the
    years so far together (the 纲要's 年度间综合平衡: a year above its target makes up for one below); `each_year`
    (the earlier rule, kept so the validation page can replay it) lets one missed year decide the period."""
    tol = row.rules["thresholds"]["growth_about_pp"]
    actual = choose(row)
    related = row.related[row.related["year"] >= row.first_year]
    targets = choose(row, frame=related, key="related_observations_used")
    if not actual.points:
        return na(f"暂无{years_window(row.first_year, row.cutoff)}的数据，无法评估", flags=actual.flags)
    goal = dict(targets.points)
    printed = {int(o["year"]): (to_str(o.get("value_text")) or f"{o['value']:g}%") for o in targets.rows}
    years = [y for y, _ in actual.points if y in goal]
    t, v = actual.points[-1]
    base = {"latest_year": t, "latest_value": v, "latest_scope": actual.latest_scope, "flags": actual.flags}
    if not years:
        # the years there are, not the series' id (a reader does not know our ids)
        have = f"（年度预期目标只有{years_text(sorted(goal))}年的）" if goal else "（尚无任何年度的预期目标）"
        return na(f"没有与实际值同年的年度预期目标{have}", **base)
    rates = dict(actual.points)
    # only a "左右" target has the tolerance; "6%以上" is met at 6% and above
    slack = {y: tol if "左右" in printed[y] else 0.0 for y in years}
    missed = [y for y in years if row.direction * (rates[y] - goal[y]) < -slack[y] - 1e-12]
    row.audit["computed"] = {"years": years, "actual_pct": [rates[y] for y in years],
                             "targets_pct": [goal[y] for y in years], "tolerance_pp": tol, "missed_years": missed}
    detail = "；".join(f"{y}年{rates[y]:g}%（预期目标{printed[y]}）" for y in years)
    detail += f"；{len(years)}年中{len(years) - len(missed)}年达到当年预期目标"
    if row.rules.get("annual_targets_rule", "each_year") == "balance":
        return {**_annual_balance(row, years, rates, goal, slack, detail), **base}
    if row.final:
        if t < row.target_year:
            return {**no_final_data(row, t, detail), **base}
        return {"status": "missed" if missed else "achieved", "outlook": "final", "reason": detail, **base}
    if not missed:
        return {"status": row.rules["held_midterm_status"], "outlook": "likely",
                "reason": f"{detail}：各年均达到当年预期目标", **base}
    status = "lagging" if years[-1] in missed else "needs_acceleration"
    return {"status": status, "outlook": "unlikely",         # each_year: a year missed cannot be undone
            "reason": f"{detail}：{years_text(missed)}年低于当年预期目标", **base}


def _annual_balance(row: Row, years: list, rates: dict, goal: dict, slack: dict, detail: str) -> dict:
    """年度间综合平衡: the chained average of the years' rates against the chained average of their targets, in
    points; the tolerance is the years' average (左右 years 0.5, 以上 years 0). Short by at most growth_gap_pp beyond
    it → needs_acceleration, more → lagging; the outlook asks how far above their targets the remaining years must
    grow to make up the gap (≤ 0 likely, ≤ growth_gap_pp a year needs acceleration, more unlikely)."""
    th, d, n = row.rules["thresholds"], row.direction, len(years)
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in years]
    if gaps:   # the balance is over consecutive years (a final verdict also needs the target year: kept_verdict)
        return na(f"{detail}；缺少{years_text(gaps)}年的实际值或预期目标，无法计算各年合计")
    avg = math.prod(1 + rates[y] / 100 for y in years) ** (1 / n) - 1
    target = math.prod(1 + goal[y] / 100 for y in years) ** (1 / n) - 1
    allowed = sum(slack.values()) / n
    gap_pp = d * (avg - target) * 100
    short_pp = -gap_pp - allowed                  # > 0: the years so far fall short of their targets taken together
    kept = short_pp <= 1e-12
    span = f"{years[0]}年" if n == 1 else f"{years[0]}—{years[-1]}年"
    text = (f"{detail}；{span}{'年均' if n > 1 else ''}增长{avg * 100:.2f}%，同期各年预期目标平均{target * 100:.2f}%"
            f"（相差{gap_pp:+.2f}个百分点，容差{g(round(allowed, 2))}个百分点）")
    remaining = row.target_year - years[-1]
    catch_up = short_pp * n / remaining if remaining > 0 and not kept else None
    row.audit["balance"] = {"average_pct": avg * 100, "target_average_pct": target * 100, "gap_pp": gap_pp,
                            "tolerance_pp": allowed, "shortfall_pp": max(short_pp, 0.0),
                            "catch_up_pp_a_year": catch_up,
                            "formula": "ḡ = (Π(1+g_y))^(1/n) − 1 对实际值和各年目标分别计算；差距 = d·(ḡ实际 − ḡ目标)"}
    verdict = kept_verdict(row, years[-1], kept, text + ("：各年合计达到预期目标" if kept else "：各年合计低于预期目标"))
    if verdict is not None:
        return verdict
    status = "needs_acceleration" if short_pp <= th["growth_gap_pp"] + 1e-12 else "lagging"
    look = ("unlikely" if catch_up is None or catch_up > th["growth_gap_pp"] + 1e-12 else "needs_acceleration")
    tail = (f"；余下{remaining}年每年须高于当年目标约{catch_up:.2f}个百分点方可弥补" if catch_up is not None else "")
    return {"status": status, "outlook": look, "reason": f"{text}：各年合计低于预期目标{tail}"}
