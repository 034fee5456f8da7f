"""The report's sentences, computed from the assessment (Markdown; every data text escaped with ``md``).

总体评价 (the overall judgement) and 主要成效 (achievements), in the formal wording of a government evaluation
report (存在问题, 对策建议 and 规划调整建议: report.problems). The analysts' own commentary is
never written here: it is shown as written, from the plan folder's commentary.csv (report.commentary)."""
from __future__ import annotations

import re

import pandas as pd

from ..engine.rules import load_rules
from ..labels import label
from .context import Report
from .fmt import is_missing, md, number, percent, pp_change, target_display, value_with_unit
from .tables import NO_DATA, items_text, latest_text, name_md, printed_count, unassessable

ASSESSED = ("achieved", "ahead", "on_track", "lagging")


def _n(frame, cls) -> int:
    return int((frame["ndrc_class"] == cls).sum())


def _name(rep: Report, indicator_id: str, name: str | None = None) -> str:
    return name_md(rep, indicator_id, name)


def _names(rep: Report, frame: pd.DataFrame, limit: int | None = None) -> str:
    names = [_name(rep, i) for i in frame["id"]]
    if limit and len(names) > limit:
        return "、".join(names[:limit]) + f"等{len(names)}项"
    return "、".join(names)


def class_counts_sentence(rep: Report, frame: pd.DataFrame, whole: str = "") -> str:
    """N项中x项提前实现、y项快于预期、z项基本符合预期、w项滞后 — or, in a final edition, 完成/未完成. ``whole``
    (e.g. "8项约束性指标") opens the sentence: "<whole>中，…", or "<whole>均<class>" when one class holds them all
    (never "8项约束性指标中，8项暂无法评估")."""
    text = _class_counts(rep, frame)
    if not whole:
        return text
    alike = one_class(rep, frame)
    return f"{whole}均{alike}" if alike else f"{whole}中，{text}"


def one_class(rep: Report, frame: pd.DataFrame) -> str | None:
    """The class every row of ``frame`` is in, when they are all in one (for "均…"), else None."""
    m = re.fullmatch(rf"{len(frame)}项([^、；（）]+)", _class_counts(rep, frame)) if len(frame) else None
    return m.group(1) if m else None


def _class_counts(rep: Report, frame: pd.DataFrame) -> str:
    kind = rep.kind
    parts = []
    for cls in ASSESSED:
        n = _n(frame, cls)
        if n or cls in ("achieved", "lagging"):
            parts.append(f"{n}项{label('ndrc_class', cls, kind)}")
    if rep.final:
        parts = [f"{_n(frame, 'achieved')}项{label('ndrc_class', 'achieved', kind)}",
                 f"{_n(frame, 'lagging')}项{label('ndrc_class', 'lagging', kind)}"]
    rest = []
    for cls in ("unclear", "pending", "not_assessable"):
        n = _n(frame, cls) - (_not_comparable(frame) if cls == "not_assessable" else 0)
        if n:
            rest.append(f"{n}项{label('ndrc_class', cls, kind)}")
    if _not_comparable(frame):
        rest.append(f"{_not_comparable(frame)}项{label('status', 'not_comparable')}")
    if rest and not any(_n(frame, cls) for cls in ASSESSED):
        return "、".join(rest)  # nothing judged yet: no list of "0项…"
    checked = _to_verify(frame)
    tail = f"（以上结论中{len(checked)}项待核实）" if len(checked) else ""
    return "、".join(parts) + tail + ("；另有" + "、".join(rest) if rest else "")


def _not_comparable(frame) -> int:
    return int((frame["status"] == "not_comparable").sum())


def _to_verify(frame: pd.DataFrame) -> pd.DataFrame:
    """Verdicts resting on an unconfirmed scope or on non-official sources only: counted apart (待核实)."""
    return frame[frame["ndrc_class"].isin(ASSESSED + ("unclear",)) & frame["verify"].notna()]


def latest_phrase(rep: Report, r) -> str:
    """'<year>年<value><unit>' (or the verdict's year and sentence), Markdown-escaped."""
    text = latest_text(rep, r)
    if text == NO_DATA:
        return ""
    if is_missing(r.get("evidence_quote")) and text.endswith("年）") and "（" in text:
        value, year = text[:-1].rsplit("（", 1)      # "<value>（<year>年）" → "<year>年<value>"
        # a span before a yearly average reads "Y1—Y2年期间年均…", never "Y1—Y2年年均…" (年 twice)
        text = f"{year}{'期间' if value.startswith('年均') else ''}{_at_least(rep, r)}{value}"
    return md(text)


def _at_least(rep: Report, r) -> str:
    """不低于 before a latest value that is only a lower bound (an output read as a capacity, say): the engine
    used it as one (audit lower_bounds_used) and no observation of the figure itself that year."""
    if is_missing(r.get("latest_year")):
        return ""
    audit = rep.audit(r)
    year = int(r["latest_year"])
    bound = any(int(u.get("year") or 0) == year for u in audit.get("lower_bounds_used") or [])
    actual = any(int(u.get("year") or 0) == year for u in audit.get("observations_used") or [])
    return "不低于" if bound and not actual else ""


def stale_phrase(rep: Report, r) -> str:
    stale = next((n["text"] for n in rep.notes(r) if n["kind"] == "stale"), None)
    return f"（{md(stale)}）" if stale else ""


def before_first_data(rep: Report) -> str | None:
    """The window ("<start>年" or "<start>—<edition>年") when no main indicator has a single value in it yet, else None: a
    plan's first year, whose figures are published the year after. The book then says so instead of calling
    every target a data gap."""
    main, p = rep.main, rep.plan.period
    if rep.final or not len(main) or not main["latest_year"].isna().all():
        return None
    return f"{p.start}年" if rep.eval_year <= p.start else f"{p.start}—{rep.eval_year}年"


def judgement_sentence(rep: Report) -> str:
    """The overall judgement, from the counts alone (thresholds in rules.yml, stated on the methodology page)."""
    main = rep.main
    n = len(main)
    t = load_rules()["thresholds"]
    checked = _to_verify(main)
    # a verdict to verify (待核实) is counted apart: the judgement rests on confirmed verdicts only
    assessed = main[main["ndrc_class"].isin(ASSESSED) & ~main.index.isin(checked.index)]
    k = len(assessed)
    good = int(assessed["ndrc_class"].isin(("achieved", "ahead", "on_track")).sum())
    lag = k - good
    kind = rep.kind
    apart = (f"另有{len(checked)}项的结论仅依据口径未确认或非官方来源的数据，标为“待核实”，未计入总体判断"
             if len(checked) else "")
    if rep.final and not k:
        return ("**总体判断。** 规划期已经结束。主要指标都还没有可以作出结论且已核实的目标年数据（缺少目标年数据、可比数据或"
                "上级下达的目标），本版不对规划的完成情况作出总体结论" + (f"；{apart}。" if apart else "。"))
    if rep.final:
        rest = n - k - len(checked)
        done, undone = label("ndrc_class", "achieved", kind), label("ndrc_class", "lagging", kind)
        split = (f"均{done}" if not lag else f"均{undone}" if not good else f"中，{good}项{done}、{lag}项{undone}")
        return (f"**总体判断。** 规划期已经结束。有数据作出结论的{k}项主要指标{split}" + (f"；{apart}" if apart else "")
                + (f"；其余{rest}项缺少目标年数据、可比数据或上级下达的目标，无法作出结论。" if rest else "。"))
    pace = "达到或基本达到预期进度（提前实现、快于预期、符合或基本符合预期）"
    lagging = label("ndrc_class", "lagging", kind)
    split = (f"均{pace}" if not lag else f"均{lagging}" if not good else f"中，{good}项{pace}，{lag}项{lagging}")
    counts = f"有数据可以评估的{k}项主要指标{split}" + (f"；{apart}" if apart else "")
    span = before_first_data(rep)
    if span:  # say so, and what the book shows instead
        return (f"**总体判断。** 规划期内（{span}）尚无任何主要指标的数据，本版不对实施进度作出判断。"
                f"各章列出{items_text(rep, main, '主要指标')}的起点（基期值）、规划目标和规划路径，规划期前的数值只作背景；"
                "有了规划期内的数据，即可逐项评估。")
    if not k:
        return (f"**总体判断。** {n}项主要指标都还没有可以评估且已核实的数据，现有数据不足以对规划实施的总体进展作出判断"
                + (f"；{apart}。" if apart else "。"))
    if not n or k / n < t["judgement_coverage_min"]:
        if len(checked):    # the targets with a verdict, split as the class counts split them: never "只有9项" beside 15
            return (f"**总体判断。** {n}项主要指标中，{k + len(checked)}项有数据可以评估，其中{k}项已核实、"
                    f"{len(checked)}项待核实（结论仅依据口径未确认或非官方来源的数据，未计入总体判断）。"
                    f"已核实的{k}项只占主要指标的{percent(k / n)}，现有数据不足以对规划实施的总体进展作出判断；"
                    f"已核实的{k}项{split}。")
        return (f"**总体判断。** {n}项主要指标中只有{k}项有数据可以评估（占{percent(k / n) if n else '—'}），"
                f"现有数据不足以对规划实施的总体进展作出判断；{counts}。")
    if lag / k <= t["judgement_lagging_max"]:
        return f"**总体判断。** 规划实施总体达到预期进度要求：{counts}。"
    if lag / k <= t["judgement_lagging_slow"]:
        return f"**总体判断。** 规划实施基本达到预期进度要求，但部分指标滞后：{counts}（占{percent(lag / k)}）。"
    return f"**总体判断。** 规划实施进度总体偏慢：{counts}（占{percent(lag / k)}）。"


def overall_markdown(rep: Report) -> str:
    """总体评价: the counts by class (binding separately), time against progress, what lags and by how much,
    what data are missing, the other targets and the projects."""
    main, plan = rep.main, rep.plan
    n = len(main)
    table = md(rep.table_name("main"))
    lines = [judgement_sentence(rep)]
    grouping = "按完成情况" if rep.final else "按国家发展改革委中期评估的分类"
    alike = one_class(rep, main)      # 共20项主要指标（21行），均暂无法评估: never "21项暂无法评估" beside 20项
    noun = "" if table.endswith("主要指标") else "主要指标"   # «…主要指标共20项», never «主要指标共20项主要指标»
    lines.append(f"**主要指标。** 本版使用截至{rep.eval_year}年的数据。{table}共{items_text(rep, main, noun)}，"
                 + (f"均{alike}。" if alike else f"{grouping}：{class_counts_sentence(rep, main)}。"))
    binding = main[main["attribute"] == load_rules()["binding_attribute"]]
    if len(binding):
        lines.append(f"**约束性指标。** {class_counts_sentence(rep, binding, f'{len(binding)}项约束性指标')}。")
    if not rep.final:
        paced = main[main["pace_ratio"].notna()]
        if len(paced):
            ahead = int((paced["pace_ratio"] >= 1).sum())
            lines.append(f"**时间与任务。** 可以计算完成进度的{len(paced)}项指标中，{ahead}项的完成进度达到或超过时间进度，"
                         f"{len(paced) - ahead}项落后于时间进度。")
    lagging = main[main["ndrc_class"] == "lagging"]
    if len(lagging):
        items = []
        for _, r in lagging.iterrows():
            # a negative share (moving away from the target) reads as nonsense: the engine's sentence says it
            # a final edition speaks of the outcome (the engine's sentence), never of time elapsed
            how = (f"完成进度{percent(r['progress_share'])}、时间进度{percent(r['time_share'])}"
                   if not rep.final and not is_missing(r["progress_share"]) and not is_missing(r["time_share"])
                   and r["progress_share"] >= 0 else md(r["reason"]))
            items.append(f"{_name(rep, r['id'])}（{how}{stale_phrase(rep, r)}）")
        lines.append(f"**{label('ndrc_class', 'lagging', rep.kind)}的指标。** " + "；".join(items) + "。")
    issues = _issues(rep)
    missing = issues["missing"]
    if len(missing) and not before_first_data(rep):
        lines.append(f"**数据缺口。** {missing_clause(rep)}，暂无法评估；这些指标的数据需要由责任部门提供"
                     "（见各章“数据缺口”）。")
    moved = main[main["status"] == "not_comparable"]
    if len(moved):
        lines.append(f"**口径变化。** {len(moved)}项主要指标的最新数据与规划基期和目标的统计口径不同（如经济普查修订），"
                     f"且没有同一年份的新旧口径数值可以换算，不直接比较：{_names(rep, moved)}。")
    unfinished = issues["undecided"]
    if len(unfinished):
        lines.append(f"**结论待定。** {len(unfinished)}项主要指标有数据，但数据不足以作出结论（如缺少中间年份或"
                     f"目标年的数据）：{_names(rep, unfinished)}。")
    stale = main[main["stale"]]
    if len(stale):
        lines.append(f"**数据时效。** {len(stale)}项指标的最新数据早于{_stale_before(rep)}年："
                     + "；".join(f"{_name(rep, r['id'])}{stale_phrase(rep, r)}" for _, r in stale.iterrows())
                     + "，相关结论依据较早的数据。")
    others = rep.others
    if len(others):
        ok = others[others["ndrc_class"].isin(ASSESSED + ("unclear",))]
        lines.append(f"**其他量化目标。** 规划的发展目标和正文、专栏中另有{len(others)}项量化目标，其中{len(ok)}项有数据可以评估："
                     f"{class_counts_sentence(rep, ok) if len(ok) else '暂无'}。")
    return "\n\n".join(lines)


STATUS_ORDER = ["achieved", "ahead", "on_track", "needs_acceleration", "lagging", "reversing", "missed",
                "short_no_pace", "not_comparable"]


def chapter_findings(rep: Report, chapter: str) -> str:
    """A chapter's conclusions: every target of the chapter with its latest value, by status (the words of the
    tables' chips)."""
    frame = pd.concat([rep.in_chapter(rep.main, chapter), rep.in_chapter(rep.others, chapter)])
    if frame.empty:
        return "本章没有登记的量化目标。"
    binding = load_rules()["binding_attribute"]
    lines = []
    for status in STATUS_ORDER:
        rows = frame[frame["status"] == status]
        if rows.empty:
            continue
        items = []
        for _, r in rows.iterrows():
            latest = latest_phrase(rep, r)
            items.append(f"{_name(rep, r['id'])}（{latest}）" if latest else _name(rep, r["id"]))
        n_binding = int((rows["attribute"] == binding).sum())
        extra = f"，其中约束性指标{n_binding}项" if n_binding and status in ("lagging", "reversing", "missed") else ""
        lines.append(f"- **{md(rows.iloc[0]['status_zh'])}**（{len(rows)}项{extra}）：" + "；".join(items) + "。")
    for status, limit in (("pending", None), ("not_assessable", 12)):
        rows = unassessable(frame) if status == "not_assessable" else frame[frame["status"] == status]
        if len(rows):
            lines.append(f"- **{md(rows.iloc[0]['status_zh'])}**（{len(rows)}项）：{_names(rep, rows, limit=limit)}。")
    return "\n".join(lines)


def _progress_phrase(rep: Report, r) -> str:
    reg = rep.reg(r["id"])
    latest = latest_phrase(rep, r)
    if not latest:
        return ""
    name = rep.name(r["id"])
    if "增长" in latest:        # "…劳动生产率增长" + "<year>年实际增长5.7%": the rate's words say 增长 once
        name = re.sub(r"增长率?$", "", name)
    bits = [f"{_name(rep, r['id'], name)}{latest}"]
    b_year, b_val = r.get("start_year"), r.get("start_value")
    if not is_missing(b_year) and not is_missing(b_val) and r["target_form"] == "level" and not is_missing(r["latest_value"]):
        unit = str(reg["unit"] or "")
        derived = rep.audit(r).get("baseline_substitute", {}).get("derived")
        since = f"比{int(b_year)}年" + (f"（本报告由两个公布分项计算为{number(b_val)}）" if derived else "")
        if unit in ("%", "％"):
            bits.append(f"{since}{pp_change(r['latest_value'] - b_val)}")
        elif unit == "倍":      # a ratio: its change in its own unit, not a percentage of a ratio
            diff = r["latest_value"] - b_val
            bits.append(f"{since}{'提高' if diff >= 0 else '降低'}{number(abs(diff))}")
        elif b_val:
            change = r["latest_value"] / b_val - 1
            bits.append(f"{since}{_nominal(unit)}{'增长' if change >= 0 else '下降'}{number(abs(change) * 100, 1)}%"
                        + ("（按现价计算，未扣除价格因素）" if _nominal(unit) else ""))
    if r["status"] == "achieved":
        bits.append(f"已达到规划目标（{md(target_display(reg))}）")
    elif not is_missing(r.get("progress_share")) and not rep.final:
        bits.append(f"完成进度{percent(r['progress_share'])}，时间进度{percent(r['time_share'])}")
    return "，".join(bits)


def _nominal(unit: str) -> str:
    """A change computed from two money amounts in current prices is nominal (名义): the published real growth
    rates are another figure, so the sentence says which one it is."""
    return "名义" if "元" in unit else ""


def achievements_markdown(rep: Report) -> str:
    """主要成效, domain by domain: the targets reached or on pace, with their figures and years."""
    good = rep.current[rep.current["status"].isin(("achieved", "ahead", "on_track"))]
    if good.empty:
        return "本版尚无可以确认达到或符合预期进度的量化目标" + _why_none(rep) + "。"
    out = []
    for c in rep.plan.chapters:
        rows = good[good["chapter"] == c.id]
        ordered = rows.sort_values("table", key=lambda s: s.map({"main": 0, "goal": 1, "text": 2}))
        # a verdict to verify is an achievement only once checked: it says so where it is listed
        phrases = [p + ("（待核实）" if not is_missing(r.get("verify")) else "")
                   for p, (_, r) in ((_progress_phrase(rep, r), (i, r)) for i, r in ordered.iterrows()) if p]
        if phrases:
            out.append(f"- **{md(c.short)}**：" + "；".join(phrases) + "。")
    return "\n".join(out)


def _why_none(rep: Report) -> str:
    """Why no achievement is listed, with the count it rests on (全部/均 when it is every target, never 多数)."""
    cur = rep.current
    bare = cur[cur["latest_year"].isna()]
    first = before_first_data(rep)
    if first and len(bare) == len(cur):
        return f"：规划期内（{first}）尚无数据，{len(cur)}项量化目标均待数据发布后评估（见各章）"
    if len(bare) == len(cur):
        return f"：{len(cur)}项量化目标均缺少规划期内的公开数据（见各章）"
    if len(bare):
        return f"：{len(cur)}项量化目标中{len(bare)}项缺少规划期内的公开数据，有数据的尚无达到或符合预期进度的（见各章）"
    return "（见各章）"


def _required_phrase(rep: Report, r) -> str:
    """What it takes to reach the target: the required yearly change against the change so far, in the words a
    report uses (增长/提高/降低 …个百分点 for a % indicator, 降低 for a cumulative reduction)."""
    if rep.final or is_missing(r.get("required_rate")):
        return ""
    reg = rep.reg(r["id"])
    kind = r.get("rate_kind") or "increment"
    unit = str(reg["unit"] or "")
    reduction = r["target_form"] == "cumulative_reduction"

    def change(v) -> str:
        v = float(v)
        if kind == "rate_pct":
            verb = "降低" if reduction else ("增长" if v >= 0 else "下降")
            return f"{verb}{number(abs(v) * 100, 1)}%"
        verb = "提高" if v >= 0 else "降低"
        amount = f"{number(abs(v))}个百分点" if unit in ("%", "％") else value_with_unit(abs(v), unit)
        return f"{verb}{amount}"

    remaining = int(r["target_year"]) - int(r["latest_year"])
    text = f"要在{int(r['target_year'])}年达到目标，余下{remaining}年每年须{md(change(r['required_rate']))}"
    if not is_missing(r.get("observed_rate")):
        text += f"，而此前实际每年{md(change(r['observed_rate']))}"
    return text


def _issues(rep: Report) -> dict:
    """The targets the problems and the recommendations speak of."""
    cur, main = rep.current, rep.main
    return {"lag": cur[cur["ndrc_class"] == "lagging"],
            "missing": main[(main["ndrc_class"] == "not_assessable") & main["latest_year"].isna()],
            "undecided": main[(main["ndrc_class"] == "not_assessable") & main["latest_year"].notna()
                              & (main["status"] != "not_comparable")],
            "pending": main[main["ndrc_class"] == "pending"], "stale": cur[cur["stale"]],
            "scoped": main[main["notes"].str.contains('"territory"', regex=False)]}


def missing_clause(rep: Report) -> str:
    """N项主要指标（占x%）缺少<start>年以来可用于评估的数据: one wording and one count for every page."""
    missing, n = _issues(rep)["missing"], len(rep.main)
    share = percent(len(missing) / n)
    # counted as the plan's table prints them (an item entered as sub-rows once: 20项主要指标（21行…）)
    printed = printed_count(rep, missing)
    count = f"{printed}项主要指标（{len(missing)}行，占{share}）" if printed != len(missing) else \
        f"{len(missing)}项主要指标（占{share}）"
    return f"{count}缺少{rep.plan.period.start}年以来可用于评估的数据"


def limits_of_data(rep: Report) -> list[str]:
    """评估工作情况's 局限 as far as the main indicators go, with the counts of the overall judgement (the same
    groups: no data, data without a conclusion, a target still to be assigned, a change of basis)."""
    i, main = _issues(rep), rep.main
    out = []
    first = before_first_data(rep)
    if first:      # the plan's first figures are not out yet: not a gap (the front page says the same)
        return [f"规划期内（{first}）尚无主要指标的数据，本版只列出各项目标的起点和规划路径，不作评估"]
    unjudged = len(i["missing"]) + len(i["undecided"])
    if len(i["missing"]) and len(i["undecided"]):
        out.append(f"{unjudged}项主要指标暂无法评估、报告不作估算，其中{missing_clause(rep)}，"
                   f"{len(i['undecided'])}项有数据但不足以作出结论")
    elif len(i["missing"]):
        out.append(f"{missing_clause(rep)}，暂无法评估，报告不作估算")
    elif len(i["undecided"]):
        out.append(f"{len(i['undecided'])}项主要指标有数据但不足以作出结论，暂无法评估，报告不作估算")
    if len(i["pending"]):
        out.append(f"{len(i['pending'])}项主要指标的目标按上级下达，尚未找到下达的数值或考核结论")
    moved = main[main["status"] == "not_comparable"]
    if len(moved):
        out.append(f"{len(moved)}项主要指标的最新数据与规划基期口径不同（口径变化），不直接比较")
    return out


def _stale_before(rep: Report) -> int:
    """The first year whose data are not called out as old (rules.yml stale_lag_years)."""
    return rep.eval_year - load_rules()["thresholds"]["stale_lag_years"]
