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


NONE_REGISTERED = "本版未收录这部规划列出的重大工程项目和重点任务，不评估其进展。"


def progress_table(rep: Report, chapter: str | None = None) -> str:
    projects = rep.ds.table("projects")
    if projects.empty:   # none registered at all: the same words as the findings page, not a chapter's gap
        return f'<p class="empty-table">{NONE_REGISTERED}</p>'
    if chapter:
        projects = projects[projects["chapter"] == chapter]
    if projects.empty:
        return '<p class="empty-table">本报告尚未登记归入本章的重大工程项目。</p>'
    latest, doubt = latest_progress(rep), unverified_progress(rep)
    first = _first_listing(rep)
    every = rep.ds.table("projects").set_index("project_id")
    names = {i: f"{every.at[i, 'column_ref']}“{every.at[i, 'name_zh']}”" for i in set(first.values()) if i in every.index}
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
        # the plan's reference in brackets: without its stylesheet (copied text, a screen reader, print) the name
        # and the reference must not run together; a second listing says where the project is counted
        ref = str(p["column_ref"])
        if key != p["project_id"] and key in names:
            ref += f"；与{names[key]}为同一项目，不重复计数"
        name = f'{esc(p["name_zh"])}<span class="source-ref">（{esc(ref)}）</span>'
        rows.append({"name": name, "progress": "<br>".join(progress) or esc(NO_EVIDENCE),
                     "promise": esc(f"{p['promise']}{due}"), "evidence": "<br>".join(quote)})
    table = html_table(rows, [("name", "项目（规划出处）"), ("progress", "进展"), ("promise", "规划要求"),
                              ("evidence", "依据")], raw={"name", "progress", "promise", "evidence"}, key="name",
                       css="report-table project-table")
    return fold(table, counts_summary(project_counts(rep, chapter), len(rows)), len(rows))


def counts_summary(c: dict, listed: int) -> str:
    """N个项目（有进展报道a个、…）: the counts of project_counts; ``listed`` rows, when the plan names some twice."""
    parts = [f"{what}{c[k]}个" for k, what in (("with_evidence", "有进展报道"), ("unverified", f"进展{UNVERIFIED}"),
                                              ("other", "仅有前期信息"), ("none", NO_EVIDENCE)) if c[k]]
    repeats = f"；另有{listed - c['n']}处重复列出，不重复计数" if listed > c["n"] else ""
    return f"{c['n']}个项目（{'、'.join(parts)}{repeats}）"


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


def _listings(rep: Report) -> pd.DataFrame:
    """Each project once: its first listing (a project the plan names in two boxes has a second row, `same_as` the
    first; it is counted where it is first listed, in that listing's chapter)."""
    projects = rep.ds.table("projects")
    if projects.empty:
        return projects
    return projects[~projects["same_as"].map(lambda s: isinstance(s, str) and bool(s))]


def project_counts(rep: Report, chapter: str | None = None) -> dict:
    """Projects (each once, in the chapter of its first listing; all chapters when ``chapter`` is None): with
    progress counting evidence states inside the plan period (by latest stage); whose progress only doubtful
    evidence states (待核实); with only other information (plans, approvals); with nothing public. Every page
    counts projects with this one function, so the chapters add up to the whole."""
    projects = _listings(rep)
    if projects.empty:
        return {"n": 0, "with_evidence": 0, "stages": {}, "unverified": 0, "other": 0, "none": 0}
    if chapter is not None:
        projects = projects[projects["chapter"] == chapter]
    ids = set(projects["project_id"])
    g = _groups(rep)
    moving = g["moving"][g["moving"].index.isin(ids)] if len(g["moving"]) else g["moving"]
    unverified, other = len(g["unverified"] & ids), len(g["other"] & ids)
    stages = moving["stage"].value_counts().to_dict() if len(moving) else {}
    return {"n": len(ids), "with_evidence": len(moving), "stages": stages, "unverified": unverified,
            "other": other, "none": len(ids) - len(moving) - unverified - other}


def summary_markdown(rep: Report, lead: str = "") -> str:
    c = project_counts(rep)
    if not c["n"]:
        return f"{lead}{NONE_REGISTERED}"
    stages = "、".join(f"{s}{c['stages'][s]}项" for s in STAGE_ORDER if c["stages"].get(s))
    unverified = (f"；{c['unverified']}项的进展只见于第三方转载或本报告推断的对应，{UNVERIFIED}，未计入"
                  if c["unverified"] else "")
    other = f"；{c['other']}项只有计划、审批等前期信息" if c["other"] else ""
    return (f"{lead}规划专栏和正文列出重大工程项目和重点任务{c['n']}项。截至{rep.eval_year}年，公开报道写明取得进展的{c['with_evidence']}项"
            + (f"（按最新进展：{stages}）" if stages else "") + unverified + other +
            f"；其余{c['none']}项暂无公开信息，进展需由责任部门报送。")


def where_listed(rep: Report) -> str:
    """The pointer from the findings to the chapters' project lists: only when there are projects to list."""
    return "各项目的进展和依据见各章“重大工程项目进展”。" if project_counts(rep)["n"] else ""


def chapter_counts_table(rep: Report) -> str:
    """Per chapter, the counts of project_counts (the same groups as the sentence above it and the chapters)."""
    rows = []
    for c in rep.plan.chapters:
        n = project_counts(rep, c.id)
        if n["n"]:
            rows.append({"chapter": c.short, "n": n["n"], "with": n["with_evidence"], "unverified": n["unverified"],
                         "other": n["other"], "none": n["none"]})
    if not rows:
        return ""
    table = html_table(rows, [("chapter", "领域"), ("n", "项目数"), ("with", "有进展报道"),
                              ("unverified", f"进展{UNVERIFIED}"), ("other", "仅有前期信息"), ("none", NO_EVIDENCE)],
                       numeric={"n", "with", "unverified", "other", "none"}, key="chapter")
    # a phone shows each domain as a card of six lines: more than a few domains fold behind their count (the
    # sentence above keeps the totals)
    return fold(table, f"按领域列出的项目数（{len(rows)}个领域）", len(rows))
