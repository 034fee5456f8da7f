"""Major projects and key tasks the plan's boxes (专栏) name, and their progress: only stages a public
report states (开工/建成/投用 …, with year, source and quote); without evidence, 暂无公开信息.

Evidence is shown to the reader but never counted as progress (it reads 待核实) when it is doubtful: its page
is not a graded original or news report (a third-party copy, wiki mirror or aggregator, or not yet graded), or
its row's ``inferred`` says the match to the plan's item or the stage is our reading (a report that names a
sub-project, a first phase, or only lists the project in a sentence about something else)."""
from __future__ import annotations

import pandas as pd

from ..labels import label
from .context import Report
from .fmt import esc, fold, html_table, is_missing, link
from .tables import bare_quote

NO_EVIDENCE = "暂无公开信息"
UNVERIFIED = "待核实"
STAGE_ORDER = ["投用", "建成", "在建", "开工", "其他"]
PROGRESS = ("投用", "建成", "在建", "开工")   # 其他: plans, approvals — information, not progress
# An event (a road opens, a site breaks ground) is first told by the news: press counts here, unlike for a
# statistic the press only relays. Third-party copies and ungraded pages never count.
COUNTING_GRADES = ("plan", "official", "official_mirror", "press")
INFERRED_WHY = {"project_id": "与规划项目的对应为本报告的判断", "stage": "进展阶段为本报告据上下文的判断",
                "year": "年份为本报告的判断"}


def _progress(rep: Report) -> pd.DataFrame:
    """Progress rows up to the edition's year, under the project's first listing, each with its rank (其他 lowest
    … 投用 highest) and whether it is doubtful."""
    prog = rep.ds.table("project_progress")
    prog = prog[prog["year"] <= rep.eval_year]
    first = _first_listing(rep)
    rank = {s: i for i, s in enumerate(reversed(STAGE_ORDER))}
    kinds = prog["source_id"].map(rep.source_rows["source_kind"])
    inferred = prog["inferred"].map(lambda v: not is_missing(v) and bool(str(v).strip()))
    return prog.assign(project_id=prog["project_id"].map(lambda p: first.get(p, p)), _r=prog["stage"].map(rank),
                       doubtful=~kinds.isin(COUNTING_GRADES) | inferred.astype(bool))


def _furthest(prog: pd.DataFrame) -> pd.DataFrame:
    """Per project, the furthest stage with its year (a later, lesser mention never takes a project backwards)."""
    if prog.empty:
        return prog.set_index("project_id")
    prog = prog.sort_values(["project_id", "_r", "year"])
    return prog.groupby("project_id", sort=False).tail(1).set_index("project_id")


def latest_progress(rep: Report) -> pd.DataFrame:
    """Per project (its first listing, when the plan names it twice): the furthest stage evidence that counts
    states up to the edition's year."""
    prog = _progress(rep)
    return _furthest(prog[~prog["doubtful"]]).drop(columns=["_r", "doubtful"])


def unverified_progress(rep: Report) -> pd.DataFrame:
    """Per project: the furthest stage only doubtful evidence states, where it goes beyond what counting evidence
    states (or there is none). Shown as 待核实, never counted."""
    prog = _progress(rep)
    doubt = _furthest(prog[prog["doubtful"]])
    sure = _furthest(prog[~prog["doubtful"]])["_r"]
    beyond = [p for p in doubt.index if p not in sure.index or doubt.at[p, "_r"] > sure[p]]
    return doubt.loc[beyond].drop(columns=["_r", "doubtful"])


def why_unverified(rep: Report, ev) -> str:
    """Why a row is doubtful, in the reader's words."""
    reasons = []
    kind = rep.source_rows["source_kind"].get(ev["source_id"])
    if kind not in COUNTING_GRADES:
        reasons.append(f"依据为{label('source_kind', kind) if kind else '未登记来源'}")
    if not is_missing(ev.get("inferred")):
        reasons += [INFERRED_WHY[f] for f in str(ev["inferred"]).split(";") if f in INFERRED_WHY]
    return "；".join(reasons)


def _first_listing(rep: Report) -> dict:
    projects = rep.ds.table("projects")
    return {p: s for p, s in zip(projects["project_id"], projects["same_as"]) if isinstance(s, str) and s}


def _stage_text(rep: Report, ev) -> str:
    before = "（规划期前）" if int(ev["year"]) < rep.plan.period.start else ""
    return f"{int(ev['year'])}年：{label('project_stage', ev['stage'])}{before}"


def _evidence(rep: Report, ev) -> str:
    src = rep.source_rows.loc[ev["source_id"]]
    return f"“{esc(bare_quote(ev['quote']))}”（{link(src['title'], src['url'])}）"


def progress_table(rep: Report, chapter: str | None = None) -> str:
    projects = rep.ds.table("projects")
    if chapter:
        projects = projects[projects["chapter"] == chapter]
    if projects.empty:
        return '<p class="empty-table">本报告尚未登记归入本章的重大工程项目。</p>'
    latest, doubt = latest_progress(rep), unverified_progress(rep)
    first = _first_listing(rep)
    rows = []
    for _, p in projects.iterrows():
        key = first.get(p["project_id"], p["project_id"])
        ev = latest.loc[key] if key in latest.index else None
        dv = doubt.loc[key] if key in doubt.index else None
        due = f"（{int(p['due_year'])}年）" if not is_missing(p["due_year"]) else ""
        progress, quote = [], []
        if ev is not None:
            progress.append(esc(_stage_text(rep, ev)))
            quote.append(_evidence(rep, ev))
        if dv is not None:
            progress.append(esc(f"{UNVERIFIED}：{_stage_text(rep, dv)}（{why_unverified(rep, dv)}，未计入进展）"))
            quote.append(f"{UNVERIFIED}：{_evidence(rep, dv)}")
        name = f'{esc(p["name_zh"])}<span class="source-ref">{esc(p["column_ref"])}</span>'
        rows.append({"name": name, "progress": "<br>".join(progress) or esc(NO_EVIDENCE),
                     "promise": esc(f"{p['promise']}{due}"), "evidence": "<br>".join(quote)})
    table = html_table(rows, [("name", "项目（规划出处）"), ("progress", "进展"), ("promise", "规划要求"),
                              ("evidence", "依据")], raw={"name", "progress", "promise", "evidence"}, key="name",
                       css="report-table project-table")
    with_news = sum(1 for r in rows if r["evidence"])
    return fold(table, f"{len(rows)}个项目（{with_news}个有公开信息）", len(rows))


def _groups(rep: Report) -> dict:
    """Each project (its first listing) in one group, inside the plan period: ``moving`` (counting evidence of
    progress), ``unverified`` (progress only doubtful evidence states), ``other`` (only plans, approvals and the
    like); the rest have nothing public."""
    start = rep.plan.period.start
    latest, doubt = latest_progress(rep), unverified_progress(rep)
    latest = latest[latest["year"] >= start] if len(latest) else latest
    doubt = doubt[doubt["year"] >= start] if len(doubt) else doubt
    moving = latest[latest["stage"].isin(PROGRESS)] if len(latest) else latest
    unverified = set(doubt[doubt["stage"].isin(PROGRESS)].index) - set(moving.index) if len(doubt) else set()
    other = (set(latest.index) | set(doubt.index)) - set(moving.index) - unverified
    return {"moving": moving, "unverified": unverified, "other": other}


def project_counts(rep: Report) -> dict:
    """Projects with progress counting evidence states inside the plan period, by latest stage; projects whose
    progress only doubtful evidence states (待核实); projects with only other information (plans, approvals);
    projects with nothing public."""
    projects = rep.ds.table("projects")
    projects = projects[~projects["same_as"].map(lambda s: isinstance(s, str) and bool(s))]   # each project once
    g = _groups(rep)
    moving = g["moving"]
    stages = moving["stage"].value_counts().to_dict() if len(moving) else {}
    return {"n": len(projects), "with_evidence": len(moving), "stages": stages, "unverified": len(g["unverified"]),
            "other": len(g["other"]), "none": len(projects) - len(moving) - len(g["unverified"]) - len(g["other"])}


def summary_markdown(rep: Report, lead: str = "") -> str:
    c = project_counts(rep)
    if not c["n"]:
        return f"{lead}本报告尚未登记这部规划的重大工程项目。"
    stages = "、".join(f"{s}{c['stages'][s]}项" for s in STAGE_ORDER if c["stages"].get(s))
    unverified = (f"；{c['unverified']}项的进展只见于第三方转载或本报告推断的对应，{UNVERIFIED}，未计入"
                  if c["unverified"] else "")
    other = f"；{c['other']}项只有计划、审批等前期信息" if c["other"] else ""
    return (f"{lead}规划专栏和正文列出重大工程项目和重点任务{c['n']}项。截至{rep.eval_year}年，公开报道写明取得进展的{c['with_evidence']}项"
            + (f"（按最新进展：{stages}）" if stages else "") + unverified + other +
            f"；其余{c['none']}项暂无公开信息，进展需由责任部门报送。")


def chapter_counts_table(rep: Report) -> str:
    projects = rep.ds.table("projects")
    if projects.empty:
        return ""
    projects = projects[~projects["same_as"].map(lambda s: isinstance(s, str) and bool(s))]
    g = _groups(rep)
    started, unverified = set(g["moving"].index), g["unverified"]
    rows = []
    for c in rep.plan.chapters:
        ids = set(projects[projects["chapter"] == c.id]["project_id"])
        if ids:
            rows.append({"chapter": c.short, "n": len(ids), "with": len(ids & started),
                         "unverified": len(ids & unverified), "none": len(ids - started - unverified)})
    return html_table(rows, [("chapter", "领域"), ("n", "项目数"), ("with", "有进展报道"),
                             ("unverified", f"进展{UNVERIFIED}"), ("none", "无进展报道")],
                      numeric={"n", "with", "unverified", "none"}, key="chapter")
