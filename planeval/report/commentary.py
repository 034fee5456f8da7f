"""The analysts' commentary (commentary.csv in the plan folder: subject, section, text, author, date), shown as
written under 分析意见. The code never writes commentary; without any, the section says so."""
from __future__ import annotations

from ..labels import label
from .context import Report
from .fmt import md

NONE = "本版尚无分析人员的意见。"


def commentary_markdown(rep: Report, section: str, subject: str = "overall", subject_id: str | None = None) -> str:
    c = rep.ds.table("commentary")
    rows = c[(c["section_kind"] == section) & (c["subject"] == subject)]
    if subject_id is not None:
        rows = rows[rows["subject_id"] == subject_id]
    if rows.empty:
        return NONE
    out = []
    for _, r in rows.sort_values("date").iterrows():
        about = f"（{md(rep.name(r['subject_id']))}）" if subject == "indicator" else ""
        out.append(f"> **{label('commentary_section', section)}**{about}：{md(r['text'])}\n>\n"
                   f"> —— {md(r['author'])}，{md(str(r['date']))}")
    return "\n\n".join(out)


def chapter_commentary(rep: Report, chapter: str) -> str:
    """Every analyst's note on a chapter or on one of its indicators."""
    c = rep.ds.table("commentary")
    ids = set(rep.current[rep.current["chapter"] == chapter]["id"])
    rows = c[((c["subject"] == "chapter") & (c["subject_id"] == chapter))
             | ((c["subject"] == "indicator") & c["subject_id"].isin(ids))]
    if rows.empty:
        return NONE
    out = []
    for _, r in rows.sort_values(["subject", "date"]).iterrows():
        about = f"（{md(rep.name(r['subject_id']))}）" if r["subject"] == "indicator" else ""
        out.append(f"> **{label('commentary_section', r['section_kind'])}**{about}：{md(r['text'])}\n>\n"
                   f"> —— {md(r['author'])}，{md(str(r['date']))}")
    return "\n\n".join(out)
