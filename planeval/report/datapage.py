"""The data appendix and the changelog: caveats that follow from the data themselves, and what each import
changed."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..labels import label
from .context import Report
from .fmt import esc, fold, html_table, keep_figures, md, value_with_unit
from .tables import unit_of


def caveats_markdown(rep: Report) -> str:
    obs, sources = rep.observations, rep.ds.sources
    kinds = dict(zip(sources["source_id"], sources["source_kind"]))
    lines = []
    for kind in ("press", "third_party", "ungraded"):
        some = obs[obs["source_id"].map(kinds) == kind]
        if len(some):
            lines.append(f"- {len(some)}条数值来自{label('source_kind', kind)}，找到官方原文后应替换；"
                         "仅以此类来源为据的结论标为“待核实”。")
    partial = obs[obs["months_covered"] < 12]
    if len(partial):
        lines.append(f"- {len(partial)}条数值不是全年数据（如1—11月累计），不与全年数据混用。")
    inferred = obs[obs["inferred"].notna()]
    if len(inferred):
        lines.append(f"- {len(inferred)}条数值的部分属性（口径、价格口径、所属年份或所对应的指标）为本报告的推断，已在数值旁标为“推断”。")
    flagged = rep.current[rep.current["notes"].str.contains('"territory"', regex=False)]
    if len(flagged):
        lines.append("- 最新值与规划口径不一致的目标：" + "、".join(md(rep.name(i)) for i in flagged["id"]) + "。")
    return "\n".join(lines) if lines else "（暂无）"


def notes_table(rep: Report) -> str:
    """Every observation that carries a note, with the note."""
    obs = rep.observations[rep.observations["note"].notna()].sort_values(["indicator_id", "year"])
    rows = [{"name": rep.name(o["indicator_id"]), "year": int(o["year"]), "note": o["note"]} for _, o in obs.iterrows()]
    # folded: one card a note, dozens of them, would be screens of a phone before the sources and the coverage
    return fold(html_table(rows, [("name", "指标"), ("year", "年份"), ("note", "说明")], key="name"),
                f"{len(rows)}条数值说明（{obs['indicator_id'].nunique()}项指标）", len(rows))


def _logged(value: str, unit: str | None) -> str:
    """A value of changelog.csv (text) at report precision with its unit; "—" where there was none."""
    return value_with_unit(float(value), unit) if value else "—"


def changelog_html(rep: Report) -> str:
    path = rep.plan.folder / "changelog.csv"
    log = pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()
    if log.empty:
        return "<p>本版数据没有通过数据导入发生变化。</p>"
    out = []
    for (stamp, file), rows in log.groupby(["imported_at", "file"], sort=False):
        table = [{"name": rep.name(r["indicator_id"]), "year": r["year"],
                  "change": label("change", r["change"]),
                  "old": _logged(r["old_value"], unit_of(rep, r["indicator_id"])),
                  "new": _logged(r["new_value"], unit_of(rep, r["indicator_id"])),
                  "source": rep.source_title(r["new_source_id"])}
                 for _, r in rows.iterrows()]
        # the file's name: the folder it was imported from is the compiler's machine, not the reader's business
        out.append(f"<p><strong>{keep_figures(esc(stamp))} 导入</strong> {esc(Path(file).name)}</p>" + html_table(
            # 原值 and 新值 are what a reader checks: they stay among the four columns a wide table keeps in view
            table, [("name", "指标"), ("year", "年份"), ("old", "原值"), ("new", "新值"), ("change", "变化"),
                    ("source", "来源")], key="name"))
    return "\n".join(out)


def collection_html(rep: Report) -> str:
    """Per department: the targets it is asked for (this edition's year), returned, already with a value, still
    missing (planeval.intake.status)."""
    if rep.ds.table("responsibility").empty:
        return "<p>本规划尚未登记各目标的责任单位。</p>"
    from ..intake.status import collection_status

    status = collection_status(rep.eval_year, rep.plan)
    rows = [{"unit": s["department"], "requested": int(s["requested"]), "returned": int(s["returned"]),
             "has": int(s["has_value"]), "missing": int(s["missing"]),
             "which": "、".join(rep.name(i) for i in str(s["missing_ids"]).split(", ") if i) or "—"}
            for _, s in status.iterrows()]
    resp = rep.ds.table("responsibility")
    resp = resp[resp["indicator_id"].isin(rep.current["id"])]
    proposed = int((resp["assignment"] != "confirmed").sum())
    y = rep.eval_year
    # what the counts mean: a value of the year in the data, whatever its scope — not that it can be scored (a
    # 区本级 figure counts here, and the chapters may still list the target as a data gap)
    lead = (f"<p>请求的是{y}年的数值。“已有{y}年数值”指数据中已有该年的数值（不论来源和统计口径），"
            f"不等于可以用于评估；“仍缺”的目标尚无{y}年的任何数值。</p>")
    lead += f"<p>{proposed}项目标的责任单位为建议分工，尚待有关单位确认。</p>" if proposed else ""
    # 仍缺 is the office's to-do: it stays among the four columns a wide table keeps side by side
    return lead + html_table(rows, [("unit", "责任单位"), ("requested", "请求项数"), ("has", f"已有{y}年数值"),
                                    ("missing", "仍缺"), ("returned", "已报送"), ("which", "仍缺的目标")],
                             numeric={"requested", "returned", "has", "missing"}, key="unit")
