"""存在问题与原因, 对策建议 and 规划调整建议, computed from the assessment: which targets lag and by how much, what
pace they now need, which binding targets are at risk, which were met early, which projects show no progress,
and the data gaps as one problem among them. The analysts' reasons (commentary.csv, section `problem`, subject
the target) are quoted beside their target; nothing here is advice the figures do not carry."""
from __future__ import annotations

import re

import pandas as pd

from ..engine.rules import load_rules
from ..labels import label
from .context import Report
from .fmt import esc, fold, html_table, is_missing, md, number, percent, target_display, value_with_unit
from .projects import project_counts
from .tables import card_link, items_text, name_md
from .prose import _issues, _names, _required_phrase, _stale_before, before_first_data, latest_phrase, missing_clause

BEHIND = ("reversing", "lagging", "needs_acceleration")     # worst first


def behind(rep: Report) -> pd.DataFrame:
    """Targets behind their pace (main table first, binding first, then the widest gap between time and
    progress). A final edition's 未完成 are these too."""
    cur = rep.current
    rows = cur[cur["status"].isin(BEHIND + ("missed",))].copy()
    binding = load_rules()["binding_attribute"]
    rows["_main"] = (rows["table"] != "main").astype(int)
    rows["_bind"] = (rows["attribute"] != binding).astype(int)
    rows["_rank"] = rows["status"].map({s: i for i, s in enumerate(BEHIND + ("missed",))})
    rows["_gap"] = -(rows["time_share"].fillna(0) - rows["progress_share"].fillna(0))
    return rows.sort_values(["_main", "_bind", "_rank", "_gap"]).drop(columns=["_main", "_bind", "_rank", "_gap"])


def met_early(rep: Report) -> pd.DataFrame:
    """Targets already reached before their target year (a mid-course edition only)."""
    if rep.final:
        return rep.current.iloc[0:0]
    cur = rep.current
    return cur[(cur["status"] == "achieved") & (cur["latest_year"] < cur["target_year"])]


def _gap_phrase(r) -> str:
    """完成进度p、时间进度τ，落后x个百分点 (or the engine's words when no share can be computed)."""
    p, t = r.get("progress_share"), r.get("time_share")
    if is_missing(p) or is_missing(t):
        return md(r["reason"])
    if p < 0:       # moving away: the engine's sentence says from where, never a negative share
        return md(r["reason"])
    gap = round((t - p) * 100)
    return f"完成进度{percent(p)}、时间进度{percent(t)}" + (f"，落后{gap}个百分点" if gap > 0 else "")


def _caveats(rep: Report, r) -> str:
    """What limits the finding itself: a verdict to verify (and why), data older than the edition's year."""
    out = []
    if not is_missing(r.get("verify")):
        out.append(f"结论待核实：{md(r['verify'])}")
    stale = next((n["text"] for n in rep.notes(r) if n["kind"] == "stale"), None)
    if stale:
        out.append(md(stale))
    return "（" + "；".join(out) + "）" if out else ""


def _to_verify(r) -> str:
    """（待核实） after a target whose verdict rests on sources still to be checked (the engine's ``verify``)."""
    return "（待核实）" if not is_missing(r.get("verify")) else ""


def _unverified(frame: pd.DataFrame) -> int:
    return int(sum(1 for _, r in frame.iterrows() if _to_verify(r)))


def _analyst_reasons(rep: Report, indicator_id: str, section: str = "problem") -> str:
    c = rep.ds.table("commentary")
    rows = c[(c["subject"] == "indicator") & (c["subject_id"] == indicator_id) & (c["section_kind"] == section)]
    return "".join(f"分析人员意见：{md(r['text'])}（{md(r['author'])}，{md(str(r['date']))}）。"
                   for _, r in rows.sort_values("date").iterrows())


def _department(rep: Report, indicator_id: str) -> tuple[str, bool]:
    resp = rep.ds.table("responsibility")
    row = resp[resp["indicator_id"] == indicator_id]
    if row.empty:
        return "", False
    return str(row.iloc[0]["department"]), row.iloc[0]["assignment"] == "confirmed"


def _dept_text(rep: Report, indicator_id: str) -> str:
    dept, confirmed = _department(rep, indicator_id)
    if not dept:
        return ""
    return f"责任单位：{md(dept)}" if confirmed else f"建议责任单位：{md(dept)}，待确认"


def problems_intro(rep: Report) -> str:
    """How the problems are ordered, naming only the groups that follow (a final edition has targets missed, not
    paces); nothing over a single item, which needs no guide."""
    if len(problems_markdown(rep).split("\n")) < 2:
        return ""
    groups = []
    if len(behind(rep)):
        groups.append("未完成规划目标的目标（约束性指标在前）及其目标年的数值" if rep.final else
                      "进度落后的目标（约束性指标在前）及其完成进度、时间进度和此后所需的速度")
    if len(met_early(rep)):
        groups.append("已达到规划目标的目标")
    c = project_counts(rep)
    if c["n"] and c["none"]:
        groups.append("进展不明的重大工程项目")
    if not before_first_data(rep) and _data_gap_items(rep):
        groups.append("数据缺口")
    if len(groups) < 2:
        return ""
    rest = groups[1:]
    then = "、".join(rest[:-1]) + ("和" if len(rest) > 1 else "") + rest[-1]
    return f"按问题的轻重排列：先列{groups[0]}，再列{then}。"


def recommendations_intro(rep: Report) -> str:
    """What each recommendation names: the department only when the plan has a responsibility table, the pace only
    when a target behind its pace is listed; nothing over a single item."""
    if len(recommendations_markdown(rep).split("\n")) < 2:
        return ""
    has_table = not rep.ds.table("responsibility").empty
    pace = not rep.final and len(behind(rep))
    what = ["涉及的目标"] + (["责任单位（来自责任分工表）"] if has_table else []) + (["此后所需的速度"] if pace else [])
    said = "、".join(what[:-1]) + "和" + what[-1] if len(what) > 1 else what[0]
    return f"逐一对应上述问题：{said}" + ("，供总结经验和编制下一规划参考。" if rep.final else "。")


def problems_markdown(rep: Report) -> str:
    binding = load_rules()["binding_attribute"]
    out = []
    lag = behind(rep)
    for _, r in lag.iterrows():
        # the name, then its verdict: never run together ("常住人口城镇化率基本符合预期")
        tag = "，约束性指标" if r["attribute"] == binding else ""
        head = f"- **{name_md(rep, r['id'])}**：{md(r['status_zh'])}{tag}。"
        if r["final"]:
            out.append(f"{head}{md(r['reason'])}。{_analyst_reasons(rep, r['id'])}")
            continue
        latest = latest_phrase(rep, r)
        if re.match(r"\d{4}年", str(r["reason"])):     # the engine's sentence already opens with the latest value
            latest = ""
        need = _required_phrase(rep, r)
        out.append(f"{head}{latest + '，' if latest else ''}{_gap_phrase(r)}{'；' + need if need else ''}"
                   f"{_caveats(rep, r)}。{_analyst_reasons(rep, r['id'])}")
    at_risk = lag[lag["attribute"] == binding]
    if len(at_risk) and not rep.final:
        out.append(f"- **约束性指标完成存在风险**：{len(at_risk)}项约束性指标未达到符合预期的进度"
                   f"（{_names(rep, at_risk)}），约束性指标必须完成。")
    early = met_early(rep)
    if len(early):
        # a verdict to verify is marked where it is listed, as 主要成效 marks it (an early target is not yet certain)
        items = "；".join(f"{name_md(rep, r['id'])}（{latest_phrase(rep, r)}，目标{md(target_display(rep.reg(r['id'])))}）"
                         + _to_verify(r) for _, r in early.iterrows())
        unsure = _unverified(early)
        out.append(f"- **部分目标已提前实现**：{len(early)}项目标在{rep.plan.period.end}年之前已达到规划目标"
                   + (f"，其中{unsure}项的结论待核实" if unsure else "") + f"：{items}。"
                   "这些目标对后续工作的引导作用减弱（见“规划调整建议”）。")
    c = project_counts(rep)
    if c["n"] and c["none"]:
        out.append(f"- **部分重大工程项目进展不明**：规划列出的{c['n']}项重大工程项目和重点任务中，{c['none']}项截至"
                   f"{rep.eval_year}年没有公开报道写明的进展" + (f"，另有{c['unverified']}项的进展待核实" if c["unverified"] else "")
                   + "（见各章“重大工程项目进展”）。")
    first = before_first_data(rep)
    if first:      # the plan's first year is not published yet: not a gap, say so once
        out.append(f"- **尚无规划期内数据**：{first}的数据尚未发布或尚未收集，本版不能据数据指出实施中的问题。")
        return "\n".join(out)
    gaps = _data_gap_items(rep)
    if gaps:
        out.append("- **统计数据不足，部分目标无法评估**：" + "；".join(gaps) + "。" + _missing_fold(rep))
    return "\n".join(out) if out else "根据现有数据，未发现滞后或数据不足的主要指标。"


FOLD_OVER = 5     # a list of more names than this folds behind its count (a phone showed 23 linked names as 15 lines)


def _fold_item(html: str, summary: str, count: int) -> str:
    """A folded list under a Markdown bullet: an HTML block on the bullet's next line (indented into the item,
    all on one line, so the Markdown parser passes it through whole)."""
    return "\n  " + fold(html, summary, count)


def _names_html(rep: Report, ids) -> str:
    return "、".join(card_link(rep, i, esc(rep.name(i))) for i in ids)


def _missing_fold(rep: Report) -> str:
    missing = _issues(rep)["missing"]
    if len(missing) <= FOLD_OVER:
        return ""
    return _fold_item(f"<p>{_names_html(rep, missing['id'])}。</p>", f"缺少数据的{len(missing)}项主要指标", len(missing))


def _data_gap_items(rep: Report) -> list[str]:
    i = _issues(rep)
    items = []
    n = len(rep.main)
    if len(i["missing"]):
        listed = "逐项见下" if len(i["missing"]) > FOLD_OVER else _names(rep, i["missing"])
        items.append(f"{missing_clause(rep)}（{listed}）")
    if len(i["undecided"]):
        items.append(f"{_names(rep, i['undecided'])}有数据，但不足以作出结论")
    if len(i["pending"]):
        items.append(f"{_names(rep, i['pending'])}的目标按上级下达，尚未找到下达的数值或考核结论")
    if len(i["scoped"]):
        items.append(f"{_names(rep, i['scoped'])}的最新数据与规划的统计口径不同")
    moved = rep.main[rep.main["status"] == "not_comparable"]
    if len(moved):      # the same count as the front page's 口径变化 and the limits of 评估工作情况
        items.append(f"{len(moved)}项主要指标的最新数据与规划基期口径不同（口径变化），不直接比较（{_names(rep, moved)}）")
    if len(i["stale"]):
        items.append(f"{_names(rep, i['stale'])}的最新数据早于{_stale_before(rep)}年")
    return items


def _pace_needed(rep: Report, r) -> str:
    """到T年达到<target>，余下n年每年须…（此前每年…，为此前的A倍）."""
    reg = rep.reg(r["id"])
    need = _required_phrase(rep, r)
    if not need:
        return f"目标为{md(target_display(reg))}"
    fold = ""
    if not is_missing(r.get("observed_rate")) and not is_missing(r.get("required_rate")) and r["observed_rate"]:
        a = r["required_rate"] / r["observed_rate"]
        fold = f"，为此前速度的{number(a, 1)}倍" if a >= 1.05 else ""
    return f"目标为{md(target_display(reg))}；{need}{fold}"


def recommendations_markdown(rep: Report) -> str:
    """One recommendation per problem: the target, the department that reports it, the pace now needed."""
    binding = load_rules()["binding_attribute"]
    out = []
    for _, r in behind(rep).iterrows():
        dept = _dept_text(rep, r["id"])
        who = f"（{dept}）" if dept else ""
        name = name_md(rep, r["id"])
        if r["final"]:
            out.append(f"- **{name}**{who}：未完成规划目标，建议分析原因，作为编制和实施下一规划的依据。")
            continue
        must = "约束性指标必须完成，" if r["attribute"] == binding else ""
        out.append(f"- **{name}**{who}：{_pace_needed(rep, r)}。{must}建议责任单位制定分年度推进计划，"
                   f"逐年报告进展。{_analyst_reasons(rep, r['id'], 'recommendation')}")
    early = met_early(rep)
    if len(early):
        names = "、".join(name_md(rep, r["id"]) + _to_verify(r) for _, r in early.iterrows())
        out.append(f"- **巩固已实现的目标**：{names}已提前达到规划目标，建议保持已有水平，"
                   "并在规划调整中研究是否提高目标（见“规划调整建议”）"
                   + ("；标明待核实的，先核实数据来源再研究" if _unverified(early) else "") + "。")
    c = project_counts(rep)
    if c["n"] and c["none"]:
        out.append(f"- **报送重大工程项目进展**：请项目责任单位报送{c['none']}项暂无公开信息的项目的开工、建设和投用情况。")
    first = before_first_data(rep)
    gaps = _gaps_by_department(rep)
    if first:
        # counted as the plan prints them, as 局限 and the front page count (20项主要指标（21行）, never 21项)
        out.append(f"- **按年收集数据**：{first}的数据发布后，请各责任部门报送{items_text(rep, _issues(rep)['missing'], '主要指标')}"
                   "的数值，注明口径和来源，下一版即可逐项评估。")
    elif gaps:
        out.append(gaps)
    i = _issues(rep)
    if len(i["pending"]):
        out.append(f"- **明确上级下达目标**：收集{_names(rep, i['pending'])}的上级下达数值和年度考核结论，纳入评估。")
    if len(i["scoped"]):
        out.append(f"- **统一统计口径**：规划指标按{md(rep.plan.plan_scope)}口径设定，建议统计部门按同一口径发布"
                   f"{_names(rep, i['scoped'])}等指标。")
    return "\n".join(out) if out else "根据现有数据，没有需要由数据提出的建议。"


def _gaps_by_department(rep: Report) -> str:
    """补齐统计数据: the targets without data by the department that reports them (a plan without a
    responsibility table names no department); a long list folds behind its count, as a table by department."""
    missing = _issues(rep)["missing"]
    if missing.empty:
        return ""
    resp = rep.ds.table("responsibility")
    units = dict(zip(resp["indicator_id"], resp["department"]))
    head = "- **补齐统计数据**："
    if not units:
        if len(missing) <= FOLD_OVER:
            return f"{head}请有关部门按年报送缺少数据的目标，注明口径和来源：{_names(rep, missing)}。"
        return (f"{head}请有关部门按年报送缺少数据的{len(missing)}项主要指标，注明口径和来源（逐项见下）。"
                + _missing_fold(rep))
    groups: dict[str, list[str]] = {}
    for i in missing["id"]:
        groups.setdefault(units.get(i) or "责任单位未登记", []).append(i)
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    if len(missing) <= FOLD_OVER:
        return (f"{head}请各单位按年报送缺少数据的目标，注明口径和来源："
                + "；".join(f"{md(d)}{len(v)}项（{_names(rep, missing[missing['id'].isin(v)])}）" for d, v in ordered) + "。")
    rows = [{"dept": d, "n": len(v), "names": _names_html(rep, v)} for d, v in ordered]
    table = html_table(rows, [("dept", "责任单位"), ("n", "项数"), ("names", "缺少数据的指标")], numeric={"n"},
                       raw={"names"}, key="dept")
    return (f"{head}请{len(ordered)}个单位按年报送缺少数据的{len(missing)}项主要指标，注明口径和来源（按单位见下）。"
            + _fold_item(table, f"按责任单位列出的{len(missing)}项主要指标（{len(ordered)}个单位）", len(missing)))


def adjustments_markdown(rep: Report) -> str:
    """规划调整建议 (a mid-course edition): targets exceeded early, targets out of reach at the pace so far, targets
    still without a value; suggestions the planning office may adopt, never new target values. A final edition
    turns them into points for the next plan."""
    if rep.final:
        return _next_plan_markdown(rep)
    first = before_first_data(rep)
    if first:       # nothing measured yet: nothing the data could ask to adjust
        return f"规划期内（{first}）尚无数据，本版不提出规划调整建议。"
    binding = load_rules()["binding_attribute"]
    out = []
    for _, r in met_early(rep).iterrows():
        reg = rep.reg(r["id"])
        if r["target_form"] not in ("level", "cumulative", "cumulative_reduction"):
            continue
        # a suggestion resting on a verdict still to verify says so, and waits for the check
        unsure = not is_missing(r.get("verify"))
        out.append(f"- **{name_md(rep, r['id'])}**{'（待核实）' if unsure else ''}：{latest_phrase(rep, r)}，"
                   f"已达到{int(r['target_year'])}年目标（{md(target_display(reg))}）"
                   + ("，但这一结论所依据的数据待核实。核实后，" if unsure else "。")
                   + "可研究提高目标值，或改为保持和巩固已达到的水平。")
    for _, r in behind(rep).iterrows():
        # a target to reach (a level, a total, a rate over the period); a bound held every year is not re-set
        if r["outlook"] != "unlikely" or r["target_form"] not in ("level", "cumulative", "cumulative_reduction", "growth"):
            continue
        reg = rep.reg(r["id"])
        unit = str(reg["unit"] or "")
        projected = (f"按此前速度，到{int(r['target_year'])}年预计为{value_with_unit(r['projected_value'], unit)}，"
                     if not is_missing(r.get("projected_value")) else "")
        keep = ("约束性指标不宜下调，应采取措施确保完成。" if r["attribute"] == binding
                else "如确因客观条件变化难以完成，可按程序研究调整目标值或完成时间；否则须加快进度。")
        unsure = "这一判断所依据的数据待核实，核实后再研究；" if _to_verify(r) else ""
        out.append(f"- **{name_md(rep, r['id'])}**{_to_verify(r)}：{projected}难以达到目标（{md(target_display(reg))}）；"
                   f"{_required_phrase(rep, r) or md(r['reason'])}。{unsure}{keep}")
    pending = _issues(rep)["pending"]
    if len(pending):
        out.append(f"- **补充目标值**：{_names(rep, pending)}的目标按上级下达，规划文本未列数值，建议补充下达值，以便考核。")
    if not out:
        return "根据现有数据，没有需要提出调整的目标。"
    return "\n".join(out) + "\n\n以上为依据评估数据提出的建议，是否调整由规划编制部门按程序研究决定。"


def _next_plan_markdown(rep: Report) -> str:
    """The final edition: the plan can no longer be adjusted; what its outcome tells the next plan."""
    cur, main = rep.current, rep.main
    missed = cur[cur["status"] == "missed"]
    done = cur[cur["status"] == "achieved"]
    unknown = main[main["ndrc_class"].isin(("not_assessable", "pending"))]
    out = [f"规划期已经结束，不再调整规划目标。以下情况供编制下一规划时参考："]
    if len(done):
        out.append(f"- **已完成的目标**：{_names(rep, done)}，可在现有水平上研究设定下一规划的目标。")
    if len(missed):
        out.append(f"- **未完成的目标**：{_names(rep, missed)}，建议分析未完成的原因，合理设定下一规划的目标和措施。")
    if len(unknown):
        which = "主要指标均" if len(unknown) == len(main) else f"{len(unknown)}项主要指标"
        out.append(f"- **无法评估的主要指标**：{which}缺少目标年的数据、可比数据或上级下达的目标值，建议下一规划的指标"
                   "选用有年度统计数据、口径明确的指标，并明确下达值和责任单位。")
    return "\n".join(out)
