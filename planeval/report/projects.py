"""Major projects and key tasks the plan's boxes (专栏) name, and their progress: only stages a public
report states (开工/建成/投用 …, with year, source and quote); without evidence, 暂无公开信息."""
from __future__ import annotations

import pandas as pd

from ..labels import label
from .context import Report
from .fmt import esc, html_table, is_missing, link
from .tables import bare_quote

NO_EVIDENCE = "暂无公开信息"
STAGE_ORDER = ["投用", "建成", "在建", "开工", "其他"]
PROGRESS = ("投用", "建成", "在建", "开工")   # 其他: plans, approvals — information, not progress


def latest_progress(rep: Report) -> pd.DataFrame:
    """Per project (its first listing, when the plan names it twice): the furthest stage a report states up to
    the edition's year, with its year (a later, lesser mention never takes a project backwards)."""
    prog = rep.ds.table("project_progress")
    prog = prog[prog["year"] <= rep.eval_year]
    if prog.empty:
        return prog.set_index("project_id")
    first = _first_listing(rep)
    rank = {s: i for i, s in enumerate(reversed(STAGE_ORDER))}        # 其他 lowest … 投用 highest
    prog = prog.assign(project_id=prog["project_id"].map(lambda p: first.get(p, p)),
                       _r=prog["stage"].map(rank)).sort_values(["project_id", "_r", "year"])
    return prog.groupby("project_id", sort=False).tail(1).drop(columns="_r").set_index("project_id")


def _first_listing(rep: Report) -> dict:
    projects = rep.ds.table("projects")
    return {p: s for p, s in zip(projects["project_id"], projects["same_as"]) if isinstance(s, str) and s}


def progress_table(rep: Report, chapter: str | None = None) -> str:
    projects = rep.ds.table("projects")
    if chapter:
        projects = projects[projects["chapter"] == chapter]
    if projects.empty:
        return '<p class="empty-table">本报告尚未登记归入本章的重大工程项目。</p>'
    latest = latest_progress(rep)
    first = _first_listing(rep)
    rows = []
    for _, p in projects.iterrows():
        key = first.get(p["project_id"], p["project_id"])
        ev = latest.loc[key] if key in latest.index else None
        due = f"（{int(p['due_year'])}年）" if not is_missing(p["due_year"]) else ""
        if ev is None:
            progress, quote = NO_EVIDENCE, ""
        else:
            before = "（规划期前）" if int(ev["year"]) < rep.plan.period.start else ""
            src = rep.source_rows.loc[ev["source_id"]]
            progress = esc(f"{int(ev['year'])}年：{label('project_stage', ev['stage'])}{before}")
            quote = f"“{esc(bare_quote(ev['quote']))}”（{link(src['title'], src['url'])}）"
        name = f'{esc(p["name_zh"])}<span class="source-ref">{esc(p["column_ref"])}</span>'
        rows.append({"name": name, "progress": progress if ev is not None else esc(progress),
                     "promise": esc(f"{p['promise']}{due}"), "evidence": quote})
    return html_table(rows, [("name", "项目（规划出处）"), ("progress", "进展"), ("promise", "规划要求"),
                             ("evidence", "依据")], raw={"name", "progress", "promise", "evidence"}, key="name",
                      css="report-table project-table")


def project_counts(rep: Report) -> dict:
    """Projects with progress a public report states inside the plan period, by latest stage; projects with only
    other information (plans, approvals); projects with nothing public."""
    projects = rep.ds.table("projects")
    projects = projects[~projects["same_as"].map(lambda s: isinstance(s, str) and bool(s))]   # each project once
    latest = latest_progress(rep)
    if len(latest):
        latest = latest[latest["year"] >= rep.plan.period.start]
    moving = latest[latest["stage"].isin(PROGRESS)] if len(latest) else latest
    stages = moving["stage"].value_counts().to_dict() if len(moving) else {}
    other = len(latest) - len(moving)
    return {"n": len(projects), "with_evidence": len(moving), "stages": stages, "other": other,
            "none": len(projects) - len(latest)}


def summary_markdown(rep: Report, lead: str = "") -> str:
    c = project_counts(rep)
    if not c["n"]:
        return f"{lead}本报告尚未登记这部规划的重大工程项目。"
    stages = "、".join(f"{s}{c['stages'][s]}项" for s in STAGE_ORDER if c["stages"].get(s))
    other = f"；{c['other']}项只有计划、审批等前期信息" if c["other"] else ""
    return (f"{lead}规划专栏和正文列出重大工程项目和重点任务{c['n']}项。截至{rep.eval_year}年，公开报道写明取得进展的{c['with_evidence']}项"
            + (f"（按最新进展：{stages}）" if stages else "") + other +
            f"；其余{c['none']}项暂无公开信息，进展需由责任部门报送。")


def chapter_counts_table(rep: Report) -> str:
    projects = rep.ds.table("projects")
    if projects.empty:
        return ""
    projects = projects[~projects["same_as"].map(lambda s: isinstance(s, str) and bool(s))]
    latest = latest_progress(rep)
    started = set(latest[(latest["year"] >= rep.plan.period.start) & latest["stage"].isin(PROGRESS)].index) \
        if len(latest) else set()
    rows = []
    for c in rep.plan.chapters:
        ids = set(projects[projects["chapter"] == c.id]["project_id"])
        if ids:
            rows.append({"chapter": c.short, "n": len(ids), "with": len(ids & started), "none": len(ids - started)})
    return html_table(rows, [("chapter", "领域"), ("n", "项目数"), ("with", "有进展报道"), ("none", "无进展报道")],
                      numeric={"n", "with", "none"}, key="chapter")
