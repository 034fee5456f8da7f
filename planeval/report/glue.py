"""The numbers a page's prose shows, glued (myst-nb) so that no figure is typed into a template."""
from __future__ import annotations

from .context import Report
from .projects import project_counts


def glue_numbers(values: dict) -> None:
    from myst_nb import glue

    for key, value in values.items():
        glue(key, "—" if value is None else value, display=False)


def edition_numbers(rep: Report) -> dict:
    return {"eval_year": rep.eval_year, "edition_name": rep.edition_name,
            "period": f"{rep.plan.period.start}—{rep.plan.period.end}年",
            "main_table_short": rep.table_name("main", short=True)}


def index_numbers(rep: Report) -> dict:
    n_projects = project_counts(rep)["n"]
    # a plan without registered projects is not said to have "0项重大工程项目"
    scope = f"{len(rep.current)}项量化目标" + (f"和{n_projects}项重大工程项目" if n_projects else "")
    return {**edition_numbers(rep), "n_targets": len(rep.current), "n_projects": n_projects, "evaluated": scope}


def chapter_numbers(rep: Report, chapter: str) -> dict:
    main = rep.in_chapter(rep.main, chapter)
    others = rep.in_chapter(rep.others, chapter)
    judged = ~main["status"].isin(["not_assessable", "pending"])
    years = main["latest_year"].dropna()
    return {**edition_numbers(rep), "n_main": len(main), "n_with_data": int(judged.sum()),
            "n_pending": int((main["status"] == "pending").sum()),
            "n_no_data": int((main["status"] == "not_assessable").sum()), "n_others": len(others),
            "n_others_with_data": int((~others["status"].isin(["not_assessable", "pending"])).sum()),
            "data_year": f"本章主要指标的最新数据年份为{int(years.max())}年" if len(years)
            else "本章主要指标尚无规划期内的数据"}


def retrospective_numbers(rep: Report) -> dict:
    s = rep.previous["status"]
    prev = rep.plan.previous
    return {**edition_numbers(rep), "n_retro": len(s), "n_retro_achieved": int((s == "achieved").sum()),
            "n_retro_missed": int((s == "missed").sum()),
            "n_retro_na": int((~s.isin(["achieved", "missed"])).sum()),
            "previous_end": prev.period.end if prev else "",
            "previous_table": rep.table_name("previous")}


def data_numbers(rep: Report) -> dict:
    used = set(rep.observations["source_id"]) | {rep.plan.source_id}
    return {**edition_numbers(rep), "n_sources": len(used), "n_observations": len(rep.observations),
            "plan_scope": rep.plan.plan_scope}

