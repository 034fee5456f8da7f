"""The analysts' commentary (commentary.csv in the plan folder: subject, section, text, author, date), shown as
written under 分析意见. The code never writes commentary; without any, nothing is shown (a reader page holds no
placeholder for what an analyst has not written)."""
from __future__ import annotations

import pandas as pd

from ..labels import label
from .context import Report
from .fmt import md

HEAD = "**分析意见**"


def _render(rep: Report, rows: pd.DataFrame) -> str:
    if rows.empty:
        return ""
    out = [HEAD]
    for _, r in rows.iterrows():
        about = f"（{md(rep.name(r['subject_id']))}）" if r["subject"] == "indicator" else ""
        out.append(f"> **{label('commentary_section', r['section_kind'])}**{about}：{md(r['text'])}\n>\n"
                   f"> —— {md(r['author'])}，{md(str(r['date']))}")
    return "\n\n".join(out)


def commentary_markdown(rep: Report, section: str, subject: str = "overall") -> str:
    c = rep.ds.table("commentary")
    return _render(rep, c[(c["section_kind"] == section) & (c["subject"] == subject)].sort_values("date"))


def chapter_commentary(rep: Report, chapter: str) -> str:
    """Every analyst's note on a chapter or on one of its targets."""
    c = rep.ds.table("commentary")
    ids = set(rep.current[rep.current["chapter"] == chapter]["id"])
    rows = c[((c["subject"] == "chapter") & (c["subject_id"] == chapter))
             | ((c["subject"] == "indicator") & c["subject_id"].isin(ids))]
    return _render(rep, rows.sort_values(["subject", "date"]))
