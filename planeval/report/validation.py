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
from .fmt import esc, html_table, md, percent


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


def _reason(r, data_through: int, theirs_label: str) -> str:
    """Why our verdict differs, in one line: data we lack, a rule of ours, a data year, or the pace itself."""
    import json

    ours = r["ndrc_class"]
    audit = json.loads(r["audit"] or "{}")
    if ours in ("not_assessable", "pending", "unclear"):
        return f"本方法缺少数据：{r['reason']}"
    if audit.get("binding_demoted_from"):
        return (f"规则不同：本方法对约束性指标未达到“符合预期”进度的一律按滞后报告（{r['reason'].split('；')[0]}），"
                f"评估机构判为{theirs_label}")
    if r["target_form"] in ("ceiling", "floor"):
        return f"规则不同：本方法对须每年满足的上下限，任一年未满足即不能判为符合预期（{r['reason']}）"
    if r["target_form"] == "annual_targets":
        return f"规则不同：本方法逐年对照当年提出的预期目标，最新一年未达到即为滞后（{r['reason']}）"
    if not pd.isna(r["latest_year"]) and int(r["latest_year"]) < data_through:
        return f"数据年份不同：本方法最新数据为{int(r['latest_year'])}年（{r['reason']}）"
    return f"进度判断不同：{r['reason']}；评估机构判为{theirs_label}"


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
    t["why"] = [("" if a else _reason(r, data_through, label("ndrc_class", r["ref_class"], "midterm")))
                for a, (_, r) in zip(t["agree"], t.iterrows())]
    return Comparison(plan_id=ds.plan.id, plan_name=ds.plan.name, evaluator=str(meta["evaluator"]),
                      published=str(meta["published"]), data_through=data_through,
                      source_id=str(meta.get("source_id", "")), table=t)


def comparisons() -> list[Comparison]:
    return [compare(f) for f in paths.reference_folders()]


def comparison_table(c: Comparison) -> str:
    rows = []
    for _, r in c.table.iterrows():
        rows.append({"name": r["name_zh"], "ours": label("ndrc_class", r["ndrc_class"], "midterm"),
                     "theirs": label("ndrc_class", r["ref_class"], "midterm"),
                     "agree": "一致" if r["agree"] else "不一致", "why": r["why"] or "—"})
    return html_table(rows, [("name", "指标"), ("agree", "是否一致"), ("ours", "本方法结论"), ("theirs", f"{c.evaluator}结论"),
                             ("why", "不一致的原因")], key="name", css="report-table validation-table")


def agreement_sentence(c: Comparison, escape=md) -> str:
    """``escape``: md for a Markdown paragraph, esc for HTML (the evaluator, date and plan name are the data's)."""
    judged = int((~c.table["ndrc_class"].isin(["not_assessable", "pending", "unclear"])).sum())
    agree_judged = int((c.table["agree"] & ~c.table["ndrc_class"].isin(["not_assessable", "pending", "unclear"])).sum())
    return (f"以{escape(c.evaluator)}{escape(c.published)}发布的《{escape(c.plan_name)}》中期评估结论为对照，本方法用截至{c.data_through}年的数据评估同样的"
            f"{c.n}项主要指标，结论一致{c.agree}项（{percent(c.agree / c.n) if c.n else '—'}），不一致{c.n - c.agree}项；"
            f"在本方法有数据作出结论的{judged}项中，一致{agree_judged}项"
            f"（{percent(agree_judged / judged) if judged else '—'}）。")


def summary_markdown() -> str:
    found = comparisons()
    if not found:
        return "尚无可用于检验的公开评估结论。"
    return "\n\n".join(agreement_sentence(c) for c in found)


def all_tables() -> str:
    found = comparisons()
    if not found:
        return "<p>尚无可用于检验的公开评估结论。</p>"
    return "\n".join(f"<p>{agreement_sentence(c, esc)}</p>" + comparison_table(c) for c in found)
