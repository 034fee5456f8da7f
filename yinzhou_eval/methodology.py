"""Text of the methodology, caveats and changelog appendices, generated from the rules and the data so
the pages can never disagree with what the engine computes."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import vocab
from .fmt import esc, html_table


def _vocab_table(mapping: dict, key_label: str, value_label: str) -> str:
    rows = [{"k": k, "v": v} for k, v in mapping.items()]
    return html_table(rows, [("k", key_label), ("v", value_label)])


def methodology_markdown() -> str:
    from . import assess

    parts = [assess.method_markdown() if hasattr(assess, "method_markdown") else ""]
    parts.append("## 目标类型（登记表 `target_form` 列）\n")
    parts.append(_vocab_table(vocab.TARGET_FORMS, "代码", "含义与判断方式"))
    parts.append("\n## 路径类型（`path_type` 列）\n")
    parts.append(_vocab_table(vocab.PATH_TYPES, "代码", "含义"))
    parts.append("\n## 统计口径（`scope` 列）\n")
    parts.append(_vocab_table(vocab.SCOPES, "代码", "含义"))
    return "\n".join(p for p in parts if p)


def caveats_markdown(edition) -> str:
    """Caveats that follow from the data themselves: revisions, secondary sources, partial years, scope."""
    obs, sources = edition.ds.observations, edition.ds.sources
    kinds = dict(zip(sources["source_id"], sources["source_kind"]))
    lines = []
    noted = obs[obs["note"].fillna("").str.len() > 0]
    for _, o in noted.iterrows():
        lines.append(f"- {esc(edition.ds.names.get(o['indicator_id'], o['indicator_id']))}（{int(o['year'])}年）：{esc(o['note'])}")
    secondary = obs[obs["source_id"].map(kinds) == "secondary"]
    if len(secondary):
        lines.append(f"- {len(secondary)} 条观测值来自转引来源（非官方网站转载），在来源清单中标为“转引”，找到官方原文后应替换。")
    partial = obs[obs["months_covered"].fillna(12) < 12]
    if len(partial):
        lines.append(f"- {len(partial)} 条观测值不是全年数据（如1—11月累计），不与全年数据混用。")
    flagged = edition.r14[edition.r14["scope_flag"].fillna(False).astype(bool)]
    if len(flagged):
        lines.append("- 最新值与基期口径不一致的指标：" + "、".join(esc(edition.ds.names[i]) for i in flagged["id"]) + "。")
    return "\n".join(lines) if lines else "（暂无）"


CHANGELOG = "changelog.csv"


def changelog_markdown(data_dir, names: dict | None = None) -> str:
    path = Path(data_dir) / CHANGELOG
    if not path.exists():
        return "本版为首版：数据由项目初始整理，尚无通过 `make import` 导入的更新记录。"
    log = pd.read_csv(path, dtype=str, keep_default_na=False)
    if log.empty:
        return "本版为首版：尚无导入记录。"
    out = []
    for (stamp, file), rows in log.groupby(["imported_at", "file"], sort=False):
        out.append(f"**{esc(stamp)} 导入** `{esc(file)}`\n")
        table = [{"id": f"{(names or {}).get(r['indicator_id'], '')}（{r['indicator_id']}）", "year": r["year"], "change": {"new": "新增", "revised": "修订"}.get(r["change"], r["change"]),
                  "old": r["old_value"] or "—", "new": r["new_value"], "source": r["new_source_id"]} for _, r in rows.iterrows()]
        out.append(html_table(table, [("id", "指标"), ("year", "年份"), ("change", "变化"), ("old", "原值"),
                                      ("new", "新值"), ("source", "新来源")]))
    return "\n\n".join(out)



