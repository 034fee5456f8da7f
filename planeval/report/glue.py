"""The numbers a page's prose shows, glued (myst-nb) so that no figure is typed into a template."""
from __future__ import annotations

import pandas as pd

from .context import Report
from .projects import project_counts
from .tables import printed_count


def glue_numbers(values: dict) -> None:
    from myst_nb import glue

    for key, value in values.items():
        glue(key, "—" if value is None else value, display=False)


def edition_numbers(rep: Report) -> dict:
    return {"eval_year": rep.eval_year, "edition_name": rep.edition_name,
            "period": f"{rep.plan.period.start}—{rep.plan.period.end}年",
            "main_table_short": rep.table_name("main", short=True)}


def index_numbers(rep: Report) -> dict:
    n, projects = len(rep.current), project_counts(rep)["n"]
    # a plan without registered projects is not said to have "0项重大工程项目"
    scope = f"{n}项量化目标" + (f"和{projects}项重大工程项目" if projects else "")
    return {**edition_numbers(rep), "n_targets": n, "n_projects": projects, "targets_and_projects": scope,
            "evaluated": scope}


def counts_sentence(n_main: int, table: str, with_data: int, pending: int, no_data: int, n_others: int,
                    others_with_data: int, moved: int = 0, printed: int | None = None) -> str:
    """The chapter's counts in words, naming only the groups that hold a target (no "0项…")."""
    if not n_main:
        head = "本章没有主要指标"
    else:
        groups = [(k, what) for k, what in ((with_data, "有数据可以评估"), (moved, "口径变化、不可直接比较"),
                                            (pending, "按上级下达"),
                                            (no_data, "暂无法评估")) if k]
        # printed: how the plan's table counts them (an item entered as sub-rows counts once: 7项, 8行)
        rows = f"，{n_main}行" if printed and printed != n_main else ""
        head = f"本章共有{printed or n_main}项主要指标（规划{table}{rows}）"
        if len(groups) == 1 and groups[0][0] == n_main:
            head += f"，均{groups[0][1]}"
        elif groups:
            head += "，其中" + "、".join(f"{k}项{what}" for k, what in groups)
    if n_others:
        tail = (f"；另有发展目标和正文量化目标{n_others}项，" +
                (f"其中{others_with_data}项有数据" if others_with_data else "均暂无数据"))
    else:
        tail = ""
    return head + tail + "。"


def chapter_numbers(rep: Report, chapter: str) -> dict:
    main = rep.in_chapter(rep.main, chapter)
    others = rep.in_chapter(rep.others, chapter)
    judged = ~main["status"].isin(["not_assessable", "pending", "not_comparable"])
    # a figure or, for a target judged from an official statement (节能减排指标完成上级下达任务), the statement's year
    years = pd.concat([main["latest_year"], main["evidence_year"]]).dropna()
    return {**edition_numbers(rep), "n_main": len(main), "n_with_data": int(judged.sum()),
            "n_pending": int((main["status"] == "pending").sum()),
            "n_no_data": int((main["status"] == "not_assessable").sum()), "n_others": len(others),
            "n_others_with_data": int((~others["status"].isin(["not_assessable", "pending"])).sum()),
            "chapter_counts": counts_sentence(len(main), rep.table_name("main", short=True), int(judged.sum()),
                                              int((main["status"] == "pending").sum()),
                                              int((main["status"] == "not_assessable").sum()), len(others),
                                              int((~others["status"].isin(["not_assessable", "pending"])).sum()),
                                              int((main["status"] == "not_comparable").sum()),
                                              printed_count(rep, main)),
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

