"""Totals over the window: a five-year sum ([ ] 累计数), or a cumulative % reduction of an intensity
(〔13.5〕, chained from the yearly reductions: R = 1 − Π(1 − r_y))."""
from __future__ import annotations

import math

from ..pace import na, no_final_data, outlook, pace_status
from ..row import Row
from ..series import choose
from ..values import g, rounded, years_span, years_text, years_window


def assess_cumulative(row: Row) -> dict:
    target, T = row.target, row.target_year
    if target is None:
        return na("规划未给出累计目标值")
    if target <= 0:
        return na("累计目标值不为正数，无法计算完成进度")
    start = row.first_year
    own = row.scored
    period_rows = own[own["period_start_year"].notna()]
    period_rows = period_rows[period_rows["period_start_year"].astype(int) == start]
    totals = choose(row, frame=period_rows, kind="period_total")
    yearly = choose(row)
    candidates = []
    if totals.points:
        y, v = totals.points[-1]
        candidates.append((y, 1, v, "公布的期间累计数", totals.latest_scope, totals.flags))
    if yearly.points:
        years = [y for y, _ in yearly.points]
        missing = [y for y in range(start, years[-1] + 1) if y not in years]
        partial_sum = sum(v for _, v in yearly.points)
        if not missing:
            candidates.append((years[-1], 0, partial_sum, "逐年数值相加", yearly.latest_scope, yearly.flags))
        elif not candidates:
            return na(f"缺少{years_text(missing)}年数据，累计数不完整（已有年份合计{g(partial_sum)}，仅为下限）",
                      flags=yearly.flags)
    if not candidates:
        return na(f"暂无{years_window(start, row.cutoff)}的数据，无法评估", flags=totals.flags or yearly.flags)
    t, _, total, method, scope, flags = max(candidates, key=lambda c: (c[0], c[1]))
    n_all = T - start + 1
    n_done = t - start + 1
    tau = n_done / n_all
    progress = total / target
    row.audit["cumulative"] = {"sum": total, "first_year": start, "through": t, "method": method,
                               "formula": "p = S_t/S*, τ = 已覆盖年数/规划年数, r = p/τ"}
    base = {"latest_year": t, "latest_value": total, "latest_scope": scope, "flags": flags,
            "progress_share": rounded(progress), "time_share": rounded(tau), "rate_kind": "increment"}
    if total >= target:
        return {"status": "achieved", "outlook": "final" if row.final else "achieved",
                "reason": f"{_span(start, t)}累计{g(total)}，已达到累计目标{g(target)}", **base}
    if row.final:
        if t >= T:
            return {"status": "missed", "outlook": "final",
                    "reason": f"{_span(start, t)}累计{g(total)}，未达到累计目标{g(target)}", **base}
        return {**no_final_data(row, t, f"{_span(start, t)}累计{g(total)}"), **base}
    per_year = total / n_done
    required = (target - total) / (T - t)
    projected = total + per_year * (T - t)
    pace = progress / tau
    shortfall = (target - projected) / target
    row.audit["computed"] = {"time_share": tau, "progress_share": progress, "pace_ratio": pace}
    row.audit["outlook"] = {"rate_kind": "increment", "required": required, "observed": per_year,
                            "projected": projected, "shortfall_share": shortfall,
                            "projection_formula": "S_t + (S_t/n)·(T−t)"}
    return {"status": pace_status(pace, row.rules),
            "outlook": outlook(required / per_year if per_year > 0 else None, shortfall, per_year, row.rules),
            "reason": f"{_span(start, t)}累计{g(total)}，完成{progress:.0%}，时间进度{tau:.0%}，进度比{pace:.2f}",
            "pace_ratio": rounded(pace), "projected_value": rounded(projected), "required_rate": rounded(required),
            "observed_rate": rounded(per_year), **base}


def assess_cumulative_reduction(row: Row) -> dict:
    """Yearly reductions (%, positive = fell) chained over the window against the five-year reduction R*."""
    if row.target is None or row.target <= 0:
        return na("规划未给出累计降低目标")
    target, T, start = row.target / 100, row.target_year, row.first_year
    yearly = choose(row)
    own = row.scored
    period_rows = own[own["period_start_year"].notna()]
    published = choose(row, frame=period_rows[period_rows["period_start_year"].astype(int) == start],
                       kind="period_total")
    if published.points and (not yearly.points or published.points[-1][0] >= yearly.points[-1][0]):
        return _published_reduction(row, published, target, start)
    if not yearly.points:
        return na(f"暂无{years_window(start, row.cutoff)}的逐年降低率，无法评估", flags=yearly.flags)
    rates = dict(yearly.points)
    t = yearly.points[-1][0]
    missing = [y for y in range(start, t + 1) if y not in rates]
    base = {"latest_year": t, "latest_value": rates[t], "latest_scope": yearly.latest_scope, "flags": yearly.flags,
            "rate_kind": "rate_pct"}
    if missing:
        return na(f"缺少{years_text(missing)}年降低率，无法连乘计算累计降低", **base)
    base["start_year"] = start
    years = list(range(start, t + 1))
    remain = math.prod(1 - rates[y] / 100 for y in years)
    done = 1 - remain
    n_done, n_all = len(years), T - start + 1
    tau = n_done / n_all
    progress = math.log(remain) / math.log(1 - target) if remain > 0 else None
    text = (f"{_span(start, t)}累计降低{done * 100:.1f}%（逐年降低率连乘："
            f"{'、'.join(f'{rates[y]:g}%' for y in years)}），目标{years_span(start, T)}累计降低{target * 100:g}%")
    row.audit["computed"] = {"years": years, "reductions_pct": [rates[y] for y in years], "cumulative": done,
                             "progress_share": progress, "time_share": tau,
                             "formula": "R_t = 1 − Π(1 − r_y); p = ln(1−R_t)/ln(1−R*); r = p/τ"}
    base.update(time_share=rounded(tau), progress_share=rounded(progress), latest_value=rounded(done * 100),
                observed_rate=rounded(1 - remain ** (1 / n_done) if remain > 0 else None))
    if done >= target:
        return {"status": "achieved", "outlook": "final" if row.final else "achieved", "reason": text, **base}
    if row.final:
        if t >= T:
            return {"status": "missed", "outlook": "final", "reason": text, **base}
        return {**no_final_data(row, t, text), **base}
    if progress is None:
        return na("累计降低率达到或超过100%，无法计算进度", **base)
    pace = progress / tau
    required = 1 - ((1 - target) / remain) ** (1 / (n_all - n_done))
    observed = 1 - remain ** (1 / n_done)
    acceleration = required / observed if observed > 0 else None
    row.audit["outlook"] = {"rate_kind": "rate_pct", "required": required, "observed": observed,
                            "acceleration": acceleration,
                            "required_formula": "r_rem = 1 − ((1−R*)/(1−R_t))^(1/(N−n))"}
    return {"status": pace_status(pace, row.rules), "outlook": outlook(acceleration, None, observed, row.rules),
            "reason": f"{text}；完成进度{progress:.0%}，时间进度{tau:.0%}，进度比{pace:.2f}",
            "pace_ratio": rounded(pace), "required_rate": rounded(required), **base}


def _published_reduction(row: Row, published, target: float, start: int) -> dict:
    """A cumulative reduction the source publishes for the window (e.g. 五年累计降低17.7%): used as it is,
    rather than chained from yearly rates that may straddle a change of statistical basis."""
    t, value = published.points[-1]
    done = value / 100
    n_done, n_all = t - start + 1, row.target_year - start + 1
    tau = n_done / n_all
    remain = 1 - done
    progress = math.log(remain) / math.log(1 - target) if remain > 0 else None
    row.audit["computed"] = {"published_cumulative": done, "through": t, "time_share": tau,
                             "progress_share": progress, "formula": "p = ln(1−R_t)/ln(1−R*)"}
    text = f"{_span(start, t)}累计降低{value:g}%（公布的期间累计数），目标{years_span(start, row.target_year)}累计降低{target * 100:g}%"
    base = {"latest_year": t, "latest_value": value, "latest_scope": published.latest_scope,
            "flags": published.flags, "start_year": start, "rate_kind": "rate_pct",
            "time_share": rounded(tau), "progress_share": rounded(progress)}
    if done >= target:
        return {"status": "achieved", "outlook": "final" if row.final else "achieved", "reason": text, **base}
    if row.final:
        if t >= row.target_year:
            return {"status": "missed", "outlook": "final", "reason": text, **base}
        return {**no_final_data(row, t, text), **base}
    pace = progress / tau if progress is not None else None
    return {"status": pace_status(pace, row.rules) if pace is not None else "not_assessable",
            "outlook": "not_assessable", "reason": text, "pace_ratio": rounded(pace), **base}


def _span(first: int, last: int) -> str:
    """first—last年, or one year alone (never a span from a year to itself)."""
    return f"{first}年" if first == last else f"{first}—{last}年"
