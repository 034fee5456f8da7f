"""方法检验: our verdicts against a published evaluator's, for every plan folder that holds the evaluator's
verdicts (reference_verdicts.csv, with `evaluator`, `published` and `data_through` in its .meta.yml).

Our side is computed by the same engine, with the data the evaluator could have had (through `data_through`);
agreement is counted on the four NDRC classes; every disagreement gets a one-line reason computed from both
sides (data we lack, a different data year, or a different rule). Nothing here is tuned to agree."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .. import paths
from ..data.dataset import load_dataset
from ..labels import label
from .fmt import html_table, percent


@dataclass(frozen=True)
class Comparison:
    plan_id: str
    plan_name: str
    evaluator: str
    published: str
    data_through: int
    source_id: str
    table: pd.DataFrame     # one row per indicator: ours, theirs, agree, reason

    @property
    def n(self) -> int:
        return len(self.table)

    @property
    def agree(self) -> int:
        return int(self.table["agree"].sum())


def reference_folders() -> list[Path]:
    return sorted(p.parent for p in paths.DATA.glob("*/reference_verdicts.csv"))


def _reason(r, data_through: int) -> str:
    """Why our verdict differs, in one line."""
    ours, theirs = r["ndrc_class"], r["ref_class"]
    if ours in ("not_assessable", "pending", "unclear"):
        return f"我方数据不足，无法给出同类结论：{r['reason']}"
    if ours == "achieved" and theirs != "achieved":
        return f"我方规则：最新值已达到目标即为“提前实现”（{r['reason']}）；对方未据此判定"
    if theirs == "achieved" and ours != "achieved":
        return f"对方判定已提前实现，我方数据显示尚未达到目标：{r['reason']}"
    if not pd.isna(r["latest_year"]) and int(r["latest_year"]) < data_through:
        return f"数据年份不同：我方最新数据为{int(r['latest_year'])}年（{r['reason']}）"
    order = ["lagging", "on_track", "ahead", "achieved"]
    direction = "高于" if order.index(ours) > order.index(theirs) else "低于"
    return f"进度判断不同，我方判定{direction}对方：{r['reason']}"


@lru_cache(maxsize=4)
def compare(folder: Path) -> Comparison:
    ds = load_dataset(folder)
    meta = yaml.safe_load((folder / "reference_verdicts.meta.yml").read_text(encoding="utf-8"))
    data_through = int(meta["data_through"])
    ours = ds.assess(data_through)
    ref = ds.table("reference_verdicts").rename(columns={"ndrc_class": "ref_class", "quote": "ref_quote",
                                                         "source_id": "ref_source"})
    t = ref.merge(ours, left_on="indicator_id", right_on="id", how="left")
    t["agree"] = t["ndrc_class"] == t["ref_class"]
    t["why"] = [("" if a else _reason(r, data_through)) for a, (_, r) in zip(t["agree"], t.iterrows())]
    return Comparison(plan_id=ds.plan.id, plan_name=ds.plan.name, evaluator=str(meta["evaluator"]),
                      published=str(meta["published"]), data_through=data_through,
                      source_id=str(meta.get("source_id", "")), table=t)


def comparisons() -> list[Comparison]:
    return [compare(f) for f in reference_folders()]


def comparison_table(c: Comparison) -> str:
    rows = []
    for _, r in c.table.iterrows():
        rows.append({"name": r["name_zh"], "ours": label("ndrc_class", r["ndrc_class"], "midterm"),
                     "theirs": label("ndrc_class", r["ref_class"], "midterm"),
                     "agree": "一致" if r["agree"] else "不一致", "why": r["why"] or "—"})
    return html_table(rows, [("name", "指标"), ("agree", "是否一致"), ("ours", "本方法结论"), ("theirs", f"{c.evaluator}结论"),
                             ("why", "不一致的原因")], key="name", css="report-table validation-table")


def agreement_sentence(c: Comparison) -> str:
    return (f"以{c.evaluator}{c.published}发布的{c.plan_name}中期评估结论为对照，本方法用截至{c.data_through}年的数据评估同样的"
            f"{c.n}项主要指标，结论一致{c.agree}项（{percent(c.agree / c.n) if c.n else '—'}），不一致{c.n - c.agree}项。")


def summary_markdown() -> str:
    found = comparisons()
    if not found:
        return "尚无可用于检验的公开评估结论。"
    return "\n\n".join(agreement_sentence(c) for c in found)


def all_tables() -> str:
    from .fmt import esc

    found = comparisons()
    if not found:
        return "<p>尚无可用于检验的公开评估结论。</p>"
    return "\n".join(f"<p>{esc(agreement_sentence(c))}</p>" + comparison_table(c) for c in found)
