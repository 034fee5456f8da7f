"""A level to keep on average over the window (a table's 年均 column, e.g. 城镇调查失业率 年均＜5.5): the mean of
the yearly values, every year of the window present. A running commitment like a bound (rules.yml `held`)."""
from __future__ import annotations

from ..pace import kept_verdict, meets, na
from ..row import Row
from ..series import choose
from ..values import g, rounded, target_words, years_text, years_window


def assess_average(row: Row) -> dict:
    target = row.target
    if target is None:
        return na("规划未给出年均目标值")
    chosen = choose(row)
    if not chosen.points:
        return na(f"暂无{years_window(row.first_year, row.cutoff)}的数据，无法评估", flags=chosen.flags)
    values = dict(chosen.points)
    t = chosen.points[-1][0]
    base = {"latest_year": t, "latest_value": values[t], "latest_scope": chosen.latest_scope, "flags": chosen.flags}
    missing = [y for y in range(row.first_year, t + 1) if y not in values]
    if missing:
        return na(f"缺少{years_text(missing)}年数据，无法计算规划期年均值", **base)
    years = list(range(row.first_year, t + 1))
    mean = sum(values[y] for y in years) / len(years)
    ok = meets(mean, target, row.operator, row.direction, row.rules)
    row.audit["computed"] = {"years": years, "values": [values[y] for y in years], "mean": mean,
                             "formula": "各年数值的算术平均"}
    text = (f"{years[0]}—{t}年平均{g(round(mean, 2))}（"
            + "、".join(f"{y}年{g(values[y])}" for y in years) + f"），目标{_yearly(target_words(row.reg))}")
    base["observed_rate"] = rounded(mean)
    verdict = kept_verdict(row, t, ok, text) or {"status": "lagging", "outlook": "unlikely", "reason": text}
    return {**verdict, **base}


def _yearly(words: str) -> str:
    """The target as a yearly average: the plan's words already say 年均 when it printed the target in that column."""
    return words if words.startswith("年均") else f"年均{words}"
