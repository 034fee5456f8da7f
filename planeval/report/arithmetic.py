"""The arithmetic of one verdict, written out with the numbers plugged in, for the target's own page.

Every number comes from the engine's audit record or its result row (planeval.engine): this module only
writes them down, it never computes a verdict again. Inputs are printed as published (engine.values.g), the
engine's own results as shares (57.5 %), ratios (0.96) or rates, so a reader can redo each line by hand.
Each step is (text, rule): ``rule`` names a key of rules.yml `anchors` whose published source the page quotes.
"""
from __future__ import annotations

from ..engine.rules import load_rules
from ..engine.values import g, is_missing
from ..engine.pace import acceleration_rank
from ..labels import label

OPS = {">": "＞", ">=": "≥", "<": "＜", "<=": "≤", "~": "左右", "=": "达到"}
BASE_FROM = {"plan": "规划基期值", "published": "规划未列基期值，用基期年份的公布值", "first": "规划未列基期值，用窗口内最早的数值"}


def pct(share, digits: int = 1) -> str:
    return "—" if share is None or is_missing(share) else f"{float(share) * 100:.{digits}f}%"


def ratio(r: float, cuts=()) -> str:
    """Two decimals, or four when two would put the ratio on the other side of a threshold it is compared with."""
    text = f"{r:.2f}"
    if any((round(r, 2) >= c) != (r >= c) for c in cuts):
        text = f"{r:.4f}"
    return text


def paren(x) -> str:
    """An operand in a formula: a negative number in parentheses, so that "85.5 + (−0.5) × 2" reads right."""
    text = g(x)
    return f"({text})" if text.startswith("-") else text


def rate_pct(x) -> str:
    """A rate given as a fraction (0.0552) as a percentage with two decimals."""
    return f"{float(x) * 100:.2f}%"


def _status(code: str, kind: str) -> str:
    return label("status", code, kind)


def pace_rule(r: float, kind: str) -> tuple[str, str]:
    """Which band of rules.yml the pace ratio falls in, said with the bounds: (text, anchor key)."""
    t = load_rules()["thresholds"]
    cuts = (0, t["moderate"], t["on_track"], t["ahead"])
    shown = ratio(r, cuts)
    if r < 0:
        return f"进度比{shown} ＜ 0 → {_status('reversing', kind)}", "moderate"
    if r < t["moderate"]:
        return f"进度比 0 ≤ {shown} ＜ {g(t['moderate'])} → {_status('lagging', kind)}", "moderate"
    if r < t["on_track"]:
        return (f"进度比 {g(t['moderate'])} ≤ {shown} ＜ {g(t['on_track'])} → "
                f"{_status('needs_acceleration', kind)}"), "moderate"
    if r < t["ahead"]:
        return f"进度比 {g(t['on_track'])} ≤ {shown} ＜ {g(t['ahead'])} → {_status('on_track', kind)}", "on_track"
    return f"进度比{shown} ≥ {g(t['ahead'])} → {_status('ahead', kind)}", "ahead"


def outlook_rule(acceleration, shortfall) -> list[tuple[str, str]]:
    """The outlook's bands (rules.yml likely_max / possible_max, shortfall_likely / shortfall_possible)."""
    t = load_rules()["thresholds"]
    out, ranks = [], []
    names = ("likely", "needs_acceleration", "unlikely")
    if acceleration is not None:
        rank = acceleration_rank(acceleration, t)   # the engine's own test, so the card shows what decided
        on_pace = f"{g(t['likely_max'])}÷{g(t['on_track'])}≈{t['likely_max'] / t['on_track']:.2f}"
        bound = (f"≤ {on_pace}", f"在 {on_pace} 与 {g(t['possible_max'])} 之间", f"＞ {g(t['possible_max'])}")[rank]
        out.append((f"加速系数 {acceleration:.2f} {bound} → {label('outlook', names[rank])}",
                    "likely_max" if rank == 0 else "possible_max"))
        ranks.append(rank)
    if shortfall is not None:
        rank = 0 if shortfall <= t["shortfall_likely"] else 1 if shortfall <= t["shortfall_possible"] else 2
        bound = (f"≤ {pct(t['shortfall_likely'], 0)}", f"在 {pct(t['shortfall_likely'], 0)} 与 "
                 f"{pct(t['shortfall_possible'], 0)} 之间", f"＞ {pct(t['shortfall_possible'], 0)}")[rank]
        out.append((f"外推缺口 {pct(shortfall)} {bound} → {label('outlook', names[rank])}",
                    "shortfall_likely" if rank == 0 else "shortfall_possible"))
        ranks.append(rank)
    if len(out) == 2:   # the step ends with its result, as every other step does
        out.append((f"两项取较差者 → {label('outlook', names[max(ranks)])}", ""))
    return out


def _final_lines(res: dict, audit: dict, kind: str) -> list[tuple[str, str]]:
    """What turned the band into the verdict shown: the binding rule, the outlook check."""
    out = []
    if audit.get("consistency"):
        out.append((audit["consistency"], "likely_max"))
    if audit.get("binding_demoted_from"):
        out.append((f"约束性指标从严：{_status(audit['binding_demoted_from'], kind)} → 按{_status('lagging', kind)}报告",
                    "binding"))
    return out


# ------------------------------------------------------------------------------------------- the forms
def _level(res, audit, unit, kind) -> list:
    c, o = audit["computed"], audit.get("outlook") or {}
    b, vb, t, v = c["baseline_year"], c["baseline_value"], c["latest_year"], c["latest_value"]
    T, vt = audit["target"]["year"], audit["target"]["value"]
    geo = audit.get("path") == "geometric"
    steps = [(f"起点 V_b = {g(vb)}{unit}（{b}年，{BASE_FROM.get(c.get('baseline_from'), '')}）；最新值 V_t = {g(v)}{unit}"
              f"（{t}年）；目标 V* = {g(vt)}{unit}（{T}年）；{label('path_type', 'geometric' if geo else 'linear')}", "")]
    if audit.get("path_note"):
        steps.append((audit["path_note"], ""))
    if geo:
        steps.append((f"完成进度 p = ln(V_t ÷ V_b) ÷ ln(V* ÷ V_b) = ln({g(v)} ÷ {g(vb)}) ÷ ln({g(vt)} ÷ {g(vb)}) = "
                      f"{pct(c['progress_share'])}", ""))
    else:
        steps.append((f"完成进度 p = (V_t − V_b) ÷ (V* − V_b) = ({g(v)} − {paren(vb)}) ÷ ({g(vt)} − {paren(vb)}) = "
                      f"{pct(c['progress_share'])}", ""))
    steps.append((f"时间进度 τ = (t − b) ÷ (T − b) = ({t} − {b}) ÷ ({T} − {b}) = {pct(c['time_share'])}", ""))
    steps.append((f"进度比 r = p ÷ τ = {pct(c['progress_share'])} ÷ {pct(c['time_share'])} = "
                  f"{ratio(c['pace_ratio'])}", ""))
    if c["progress_share"] < 0:
        steps.append(("完成进度为负：比起点离目标更远", ""))
    steps.append(pace_rule(c["pace_ratio"], kind))
    if o:
        steps += _level_outlook(c, o, audit, unit, geo)
    return steps


def _level_outlook(c, o, audit, unit, geo) -> list:
    b, vb, t, v = c["baseline_year"], c["baseline_value"], c["latest_year"], c["latest_value"]
    T, vt = audit["target"]["year"], audit["target"]["value"]
    d = -1 if audit.get("direction") == "lower" else 1
    if geo:
        steps = [(f"已实现年均增速 g_obs = (V_t ÷ V_b)^(1/(t − b)) − 1 = ({g(v)} ÷ {g(vb)})^(1/{t - b}) − 1 = "
                  f"{rate_pct(o['observed'])}", ""),
                 (f"剩余年份所需年均增速 g_req = (V* ÷ V_t)^(1/(T − t)) − 1 = ({g(vt)} ÷ {g(v)})^(1/{T - t}) − 1 = "
                  f"{rate_pct(o['required'])}", ""),
                 (f"按现有速度外推 V_T = V_t × (1 + g_obs)^(T − t) = {g(v)} × (1 + {rate_pct(o['observed'])})^{T - t} = "
                  f"{g(round(o['projected'], 2))}{unit}", "")]
    else:
        steps = [(f"已实现年均变化 Δ_obs = (V_t − V_b) ÷ (t − b) = ({g(v)} − {g(vb)}) ÷ {t - b} = "
                  f"{g(round(o['observed'], 4))}{unit}/年", ""),
                 (f"剩余年份所需年均变化 Δ_req = (V* − V_t) ÷ (T − t) = ({g(vt)} − {g(v)}) ÷ {T - t} = "
                  f"{g(round(o['required'], 4))}{unit}/年", ""),
                 (f"按现有速度外推 V_T = V_t + Δ_obs × (T − t) = {g(v)} + {paren(round(o['observed'], 4))} × {T - t} = "
                  f"{g(round(o['projected'], 2))}{unit}", "")]
    if o.get("acceleration") is not None:
        shown = (rate_pct(o["required"]), rate_pct(o["observed"])) if geo else \
            (g(round(o["required"], 4)), paren(round(o["observed"], 4)))
        steps.append((f"加速系数 A = 所需 ÷ 已实现 = {shown[0]} ÷ {shown[1]} = {o['acceleration']:.2f}", ""))
    if o.get("shortfall_share") is not None:
        sign = "" if d == 1 else "−"
        steps.append((f"外推缺口 s = {sign}(V* − V_T) ÷ |V* − V_b| = {sign}({g(vt)} − {g(round(o['projected'], 2))}) ÷ "
                      f"|{g(vt)} − {g(vb)}| = {pct(o['shortfall_share'])}", ""))
    return steps + outlook_rule(o.get("acceleration"), o.get("shortfall_share"))


def _met(res, audit, unit, kind) -> list:
    t = audit["met_at"]
    used = {u["year"]: u for u in audit.get("observations_used", []) + audit.get("lower_bounds_used", [])}
    v = used[t]["value"] if t in used else res.get("latest_value")
    op = OPS.get(audit.get("operator") or "=", "")
    lower = "（下限值：实际值不低于此数）" if audit.get("lower_bounds_used") and t not in {
        u["year"] for u in audit.get("observations_used", [])} else ""
    return [(f"{t}年 V_t = {g(v)}{unit}{lower}；目标 {op}{g(audit['target']['value'])}{unit} → 已达到目标 → "
             f"{_status('achieved', kind)}", "")]


def _short(res, audit, unit, kind) -> list:
    """A level not reached, with no progress to compute (a final edition, or no start point)."""
    op = OPS.get(audit.get("operator") or "=", "")
    t, v = res.get("latest_year"), res.get("latest_value")
    if is_missing(t) or is_missing(v):
        return []
    tail = {"missed": "未达到目标", "short_no_pace": "尚未达到目标；规划未列基期值，基期年份也无公开数值，无法计算进度"}
    return [(f"{int(t)}年 V_t = {g(v)}{unit}；目标 {op}{g(audit['target']['value'])}{unit}（{audit['target']['year']}年）→ "
             f"{tail.get(res['status'], '')} → {_status(res['status'], kind)}", "")]


def _bound(res, audit, unit, kind) -> list:
    c = audit["computed"]
    op = OPS.get(audit.get("operator") or "=", "")
    target = audit["target"]["value"]
    values = {u["year"]: u["value"] for u in audit.get("lower_bounds_used", []) + audit.get("observations_used", [])}
    checks = "；".join(f"{y}年{g(values[y])}{unit} {'✗' if y in c['breach_years'] else '✓'}"
                      for y in c["years_checked"] if y in values)
    steps = []
    if audit.get("maintain"):
        steps.append((audit["maintain"], "held"))
    steps.append((f"须每年满足 {op}{g(target)}{unit}：{checks}", "held"))
    if c["missing_years"]:
        steps.append((f"缺{'、'.join(str(y) for y in c['missing_years'])}年数据", ""))
    d = -1 if audit.get("direction") == "lower" else 1
    sign = "" if d == 1 else "−"
    latest = c["years_checked"][-1]
    steps.append((f"最新一年的余量 {sign}(V_t − V*) = {sign}({g(values.get(latest, res.get('latest_value')))} − {g(target)}) = "
                  f"{g(round(c['headroom_latest'], 6))}{unit}（正值为未突破）", ""))
    if c["breach_years"]:
        steps.append((f"{'、'.join(str(y) for y in c['breach_years'])}年未满足 → {_status(res['status'], kind)}", "held"))
    elif res["status"] in ("on_track", "achieved"):
        steps.append((f"各年均满足 → {_status(res['status'], kind)}（期中至多为“{_status('on_track', kind)}”，"
                      "到目标年才判断“完成”）", "held"))
    return steps


def _growth(res, audit, unit, kind) -> list:
    c, gr = audit["computed"], audit.get("growth", {})
    n, N = c["years_done"], c["years_total"]
    chain = audit.get("chain")
    if chain:
        factors = " × ".join(f"(1 + {g(x)}%)" for x in chain["rates_pct"])
        steps = [(f"年均增速 ḡ = (Π(1 + g_y))^(1/n) − 1 = ({factors})^(1/{n}) − 1 = {rate_pct(c['average_rate'])}"
                  f"（{gr.get('first_year')}—{gr.get('last_year')}年逐年公布的增速）", "")]
    else:
        steps = [(f"年均增速 ḡ = {rate_pct(c['average_rate'])}（{gr.get('method', '')}）", "")]
    steps.append((f"目标年均增速 g* = {g(c['target_rate'] * 100)}%；时间进度 τ = n ÷ N = {n} ÷ {N} = {pct(c['time_share'])}", ""))
    t = load_rules()["thresholds"]
    if c.get("within_about_band"):
        steps.append((f"“左右”目标：|ḡ − g*| = {abs(c['gap_pp']):.2f}个百分点 ≤ {g(t['growth_about_pp'])}个百分点 → "
                      f"{_status('on_track', kind)}", "growth_about_pp"))
    elif c.get("pace_ratio") is not None:
        steps.append((f"完成进度 p = n × ln(1 + ḡ) ÷ (N × ln(1 + g*)) = {n} × ln(1 + {rate_pct(c['average_rate'])}) ÷ "
                      f"({N} × ln(1 + {g(c['target_rate'] * 100)}%)) = {pct(c['progress_share'])}", ""))
        steps.append((f"进度比 r = p ÷ τ = {pct(c['progress_share'])} ÷ {pct(c['time_share'])} = {ratio(c['pace_ratio'])}", ""))
        if res.get("outlook") != "final":
            steps.append(pace_rule(c["pace_ratio"], kind))
    else:
        steps.append((f"差距 d × (ḡ − g*) = {c['gap_pp']:+.2f}个百分点（目标增速不大于0，不计算进度比）", "growth_gap_pp"))
    o = audit.get("outlook")
    if o:
        steps.append((f"剩余{N - n}年所需年均增速 g_req = ((1 + g*)^N ÷ (1 + ḡ)^n)^(1/(N − n)) − 1 = "
                      f"((1 + {g(c['target_rate'] * 100)}%)^{N} ÷ (1 + {rate_pct(c['average_rate'])})^{n})^(1/{N - n}) − 1 = "
                      f"{rate_pct(o['required'])}", ""))
        if o.get("acceleration") is not None:
            steps.append((f"加速系数 A = g_req ÷ ḡ = {rate_pct(o['required'])} ÷ {rate_pct(o['observed'])} = "
                          f"{o['acceleration']:.2f}", ""))
            if not c.get("within_about_band"):
                steps += outlook_rule(o["acceleration"], None)
    return steps


def _cumulative(res, audit, unit, kind) -> list:
    cu, c, o = audit["cumulative"], audit.get("computed") or {}, audit.get("outlook") or {}
    first, t, T = cu["first_year"], cu["through"], audit["target"]["year"]
    target = audit["target"]["value"]
    used = [u for u in audit.get("observations_used", []) if u.get("kind") == "level" and first <= u["year"] <= t]
    if cu["method"] == "逐年数值相加" and used:
        terms = " + ".join(g(u["value"]) for u in used)
        steps = [(f"累计 S_t = {terms} = {g(cu['sum'])}{unit}（{first}—{t}年逐年数值相加）", "")]
    else:
        steps = [(f"累计 S_t = {g(cu['sum'])}{unit}（{first}—{t}年，{cu['method']}）", "")]
    n, N = t - first + 1, T - first + 1
    steps.append((f"完成进度 p = S_t ÷ S* = {g(cu['sum'])} ÷ {g(target)} = {pct(res.get('progress_share'))}；"
                  f"时间进度 τ = n ÷ N = {n} ÷ {N} = {pct(res.get('time_share'))}", ""))
    if cu["sum"] >= target:
        steps.append((f"S_t ≥ S* → {_status('achieved', kind)}", ""))
        return steps
    if c.get("pace_ratio") is not None:
        steps.append((f"进度比 r = p ÷ τ = {pct(c['progress_share'])} ÷ {pct(c['time_share'])} = {ratio(c['pace_ratio'])}", ""))
        steps.append(pace_rule(c["pace_ratio"], kind))
    if o:
        steps += [(f"已实现年均 S_t ÷ n = {g(cu['sum'])} ÷ {n} = {g(round(o['observed'], 4))}{unit}/年；剩余年份所需 "
                   f"(S* − S_t) ÷ (T − t) = ({g(target)} − {g(cu['sum'])}) ÷ {T - t} = {g(round(o['required'], 4))}{unit}/年", ""),
                  (f"按现有速度外推 S_T = {g(cu['sum'])} + {paren(round(o['observed'], 4))} × {T - t} = "
                   f"{g(round(o['projected'], 2))}{unit}；外推缺口 (S* − S_T) ÷ S* = {pct(o['shortfall_share'])}", "")]
        acc = o["required"] / o["observed"] if o.get("observed") else None
        steps += outlook_rule(acc, o["shortfall_share"])
    return steps


def _reduction(res, audit, unit, kind) -> list:
    c, o = audit["computed"], audit.get("outlook") or {}
    T, target = audit["target"]["year"], audit["target"]["value"]
    first = audit["first_scored_year"]
    if "published_cumulative" in c:
        t = c["through"]
        steps = [(f"累计降低 R_t = {pct(c['published_cumulative'])}（公布的{first}—{t}年累计数）", "")]
        done = c["published_cumulative"]
    else:
        t = c["years"][-1]
        factors = " × ".join(f"(1 − {g(x)}%)" for x in c["reductions_pct"])
        steps = [(f"累计降低 R_t = 1 − Π(1 − r_y) = 1 − {factors} = {rate_pct(c['cumulative'])}", "")]
        done = c["cumulative"]
    n, N = t - first + 1, T - first + 1
    if c.get("progress_share") is not None:
        steps.append((f"完成进度 p = ln(1 − R_t) ÷ ln(1 − R*) = ln(1 − {rate_pct(done)}) ÷ ln(1 − {g(target)}%) = "
                      f"{pct(c['progress_share'])}", ""))
    steps.append((f"时间进度 τ = n ÷ N = {n} ÷ {N} = {pct(c['time_share'])}", ""))
    if done * 100 >= target - 1e-12:
        steps.append((f"R_t ≥ R* = {g(target)}% → {_status('achieved', kind)}", ""))
        return steps
    pace = res.get("pace_ratio")
    if pace is not None and not is_missing(pace) and c.get("progress_share") is not None:
        steps.append((f"进度比 r = p ÷ τ = {pct(c['progress_share'])} ÷ {pct(c['time_share'])} = {ratio(pace)}", ""))
        if res.get("outlook") != "final":
            steps.append(pace_rule(pace, kind))
    if o:
        steps.append((f"剩余{N - n}年所需年均降低 r_rem = 1 − ((1 − R*) ÷ (1 − R_t))^(1/(N − n)) = 1 − ((1 − {g(target)}%) ÷ "
                      f"(1 − {rate_pct(done)}))^(1/{N - n}) = {rate_pct(o['required'])}；已实现年均 {rate_pct(o['observed'])}", ""))
        if o.get("acceleration") is not None:
            steps.append((f"加速系数 A = {rate_pct(o['required'])} ÷ {rate_pct(o['observed'])} = {o['acceleration']:.2f}", ""))
        steps += outlook_rule(o.get("acceleration"), None)
    return steps


def _annual(res, audit, unit, kind) -> list:
    c = audit["computed"]
    lines = [f"{y}年 {g(a)}%，当年预期目标 {g(x)}% {'✗' if y in c['missed_years'] else '✓'}"
             for y, a, x in zip(c["years"], c["actual_pct"], c["targets_pct"])]
    return [("；".join(lines) + f"（“左右”目标容差 ±{g(c['tolerance_pp'])}个百分点）", "growth_about_pp"),
            (f"{len(c['years'])}年中{len(c['years']) - len(c['missed_years'])}年达到 → {_status(res['status'], kind)}", "held")]


def _relational(res, audit, unit, kind) -> list:
    c = audit["computed"]
    t = load_rules()["thresholds"]
    own = " × ".join(f"(1 + {g(x)}%)" for x in c["own_rates_pct"])
    rel = " × ".join(f"(1 + {g(x)}%)" for x in c["related_rates_pct"])
    n = len(c["years"])
    return [(f"本指标年均 ḡ_本 = ({own})^(1/{n}) − 1 = {rate_pct(c['own_average'])}", ""),
            (f"对比序列年均 ḡ_对比 = ({rel})^(1/{n}) − 1 = {rate_pct(c['related_average'])}", ""),
            (f"差 Δ = ḡ_本 − ḡ_对比 = {c['gap_pp']:+.2f}个百分点（容差 {g(t['relational_gap_pp'])}个百分点）；"
             f"{n}年中{c['years_in_step']}年不低于对比序列 → {_status(res['status'], kind)}", "relational_gap_pp")]


def _average(res, audit, unit, kind) -> list:
    c = audit["computed"]
    op = OPS.get(audit.get("operator") or "=", "")
    terms = " + ".join(g(v) for v in c["values"])
    return [(f"年均值 = ({terms}) ÷ {len(c['values'])} = {g(round(c['mean'], 4))}{unit}；目标 {op}{g(audit['target']['value'])}{unit}"
             f" → {_status(res['status'], kind)}", "held")]


def _verdict(res, audit, unit, kind) -> list:
    v = audit["verdict_used"]
    # the source by its title in the card's table of values used (a reader does not know our source ids)
    return [(f"{v['year']}年原文结论：{label('verdict', v['verdict'])}（原文和来源见“采用的数值”）→ {_status(res['status'], kind)}", "")]


def _withheld(res, audit, unit, kind) -> list:
    w = audit["withheld"]
    steps = []
    for a in audit.get("across_break", []):
        steps.append((f"{a['year']}年数值 {g(a['value'])}{unit} 为{a.get('break_new_label') or '口径变化后'}数据"
                      f"（{a.get('break_what')}），规划的基期和目标为{a.get('break_old_label') or '变化前的口径'}；"
                      "没有同一年份的新旧口径数值可以换算 → 不计算进度", ""))
    if w.get("comparable_verdict"):
        steps.append((f"按规划基期口径的最近数据：{_status(w['comparable_verdict'], kind)}"
                      + (f"（{w['comparable_reason']}）" if w.get("comparable_reason") else ""), ""))
    steps.append((f"结论：{_status('not_comparable', kind)}", ""))
    return steps


def steps(res: dict, audit: dict, unit: str) -> list[tuple[str, str]]:
    """The arithmetic of one result row (``res``) from its audit record, as (text, anchor key) lines; an
    empty list when there was nothing to compute (no data: the reason says why)."""
    try:
        return _steps(res, audit, unit)
    except (KeyError, TypeError, IndexError) as exc:
        # an audit record of another shape (the engine changed): the card says so instead of failing the build;
        # tests/test_target_cards.py fails on this sentence, so it never ships unnoticed
        return [(f"{MISSING}（{exc!r}），本页未列出计算过程；结论与理由见上。", "")]


MISSING = "审计记录缺少计算所需的字段"


def _steps(res: dict, audit: dict, unit: str) -> list[tuple[str, str]]:
    kind = res.get("edition_kind") or audit.get("edition_kind") or "midterm"
    form = audit.get("form")
    unit = "" if unit in ("—", "-", "--", None) else unit
    if audit.get("withheld"):
        return _withheld(res, audit, unit, kind)
    if "met_at" in audit and form in ("level", "city_assigned"):
        out = _met(res, audit, unit, kind)
    elif form in ("ceiling", "floor") or (audit.get("maintain") and "years_checked" in audit.get("computed", {})):
        out = _bound(res, audit, unit, kind) if "computed" in audit else []
    elif audit.get("verdict_used"):
        out = _verdict(res, audit, unit, kind)
    elif form in ("level", "city_assigned") and "progress_share" in audit.get("computed", {}):
        out = _level(res, audit, unit, kind)
    elif form in ("level", "city_assigned") and res.get("status") in ("missed", "short_no_pace") \
            and audit["target"].get("value") is not None:
        out = _short(res, audit, unit, kind)
    elif form == "growth" and "computed" in audit:
        out = _growth(res, audit, unit, kind)
    elif form == "cumulative" and "cumulative" in audit:
        out = _cumulative(res, audit, unit, kind)
    elif form == "cumulative_reduction" and "computed" in audit:
        out = _reduction(res, audit, unit, kind)
    elif form == "annual_targets" and "computed" in audit:
        out = _annual(res, audit, unit, kind)
    elif form == "relational" and "computed" in audit:
        out = _relational(res, audit, unit, kind)
    elif form == "average" and "computed" in audit:
        out = _average(res, audit, unit, kind)
    else:
        out = []
    return out + _final_lines(res, audit, kind) if out else out
