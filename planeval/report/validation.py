"""方法检验: our verdicts against a published evaluator's, for every plan folder that holds the evaluator's
verdicts (reference_verdicts.csv, with `evaluator`, `published` and `data_through` in its .meta.yml).

Our side is computed by the same engine, with the data the evaluator could have had (through `data_through`,
and only the releases published by `published_date`);
agreement is counted on the four NDRC classes; every disagreement gets a one-line reason computed from both
sides (data we lack, a different data year, or a different rule), and stays on the page. The rules were not all
set before the evaluator's verdicts were seen: the agreement is counted under every dated version of the rule
settings (engine/rule_history.yml, replayed by rules_at), and the page says when each change was made."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .. import paths
from ..data.dataset import load_dataset
from ..engine import assess_all
from ..engine.rules import load_history, rule_versions, rules_at
from ..labels import label
from .agreement import AGREE, DIFFER, UNKNOWN, WORDS, agreement, direction, rule_text
from .fmt import esc, html_table, keep_figures, md, percent
from .words import unfold


@dataclass(frozen=True)
class Comparison:
    plan_id: str
    plan_name: str
    evaluator: str
    published: str
    data_through: int
    source_id: str
    table: pd.DataFrame     # one row per indicator: ours, theirs, mark (report.agreement), agree, reason

    @property
    def n(self) -> int:
        return len(self.table)

    @property
    def agree(self) -> int:
        return int(self.table["agree"].sum())

    @property
    def differ(self) -> int:
        return int((self.table["mark"] == DIFFER).sum())

    @property
    def unknown(self) -> int:
        """Targets this report cannot judge: 无法对照, as the findings count them, never 不一致."""
        return int((self.table["mark"] == UNKNOWN).sum())


def _reason(r, data_through: int, theirs_label: str) -> str:
    """Why our verdict differs, in one line: data we lack, a rule of ours, a data year, or the pace itself."""
    import json

    ours = r["ndrc_class"]
    audit = json.loads(r["audit"] or "{}")
    if r["status"] == "not_comparable":
        return f"口径不同：{r['reason']}；评估机构判为{theirs_label}"
    if ours in ("not_assessable", "pending", "unclear"):
        return f"本方法缺少数据：{r['reason']}"
    if audit.get("binding_demoted_from"):
        return (f"规则不同：本方法对约束性指标未达到“符合预期”进度的一律按滞后报告（{r['reason'].split('；')[0]}），"
                f"评估机构判为{theirs_label}")
    if r["target_form"] in ("ceiling", "floor"):
        return f"规则不同：本方法对须每年满足的上下限，任一年未满足即不能判为符合预期（{r['reason']}）"
    if r["target_form"] == "annual_targets":
        return f"规则不同：本方法对照各年提出的预期目标（{r['reason']}），评估机构判为{theirs_label}"
    if not pd.isna(r["latest_year"]) and int(r["latest_year"]) < data_through:
        return f"数据年份不同：本方法最新数据为{int(r['latest_year'])}年（{r['reason']}）"
    return f"进度判断不同：{r['reason']}；评估机构判为{theirs_label}"


def known_by(ds, published_date) -> pd.DataFrame:
    """The observations the evaluator could have had: releases published after its verdicts (a later revision
    of a growth rate, say) are left out, so both sides judge the same vintage of the data (real-time data)."""
    if not published_date:
        return ds.observations
    dates = dict(zip(ds.sources["source_id"], ds.sources["publication_date"]))
    cut = str(published_date)
    later = ds.observations["source_id"].map(lambda s: dates.get(s) is not None and not pd.isna(dates.get(s))
                                             and str(dates.get(s)) > cut)
    return ds.observations[~later]


@lru_cache(maxsize=16)
def compare(folder: Path, version: int | None = None) -> Comparison:
    """Our verdicts against the reference; ``version``: judge with that version's rule settings (None: today's)."""
    ds = load_dataset(folder)
    meta = yaml.safe_load((folder / "reference_verdicts.meta.yml").read_text(encoding="utf-8"))
    data_through = int(meta["data_through"])
    observations = known_by(ds, meta.get("published_date"))
    if version is None and len(observations) == len(ds.observations):
        ours = ds.assess(data_through)
    else:
        ours = assess_all(ds.registry, observations, data_through, ds.plan,
                          rules=rules_at(version) if version is not None else None,
                          sources=ds.sources, breaks=ds.table("breaks"), names=ds.names)
    ref = ds.table("reference_verdicts").rename(columns={"ndrc_class": "ref_class", "quote": "ref_quote",
                                                         "source_id": "ref_source"})
    t = ref.merge(ours, left_on="indicator_id", right_on="id", how="left")
    # the one rule of agreement (report.agreement): the same class; a target we cannot judge is 无法对照
    t["mark"] = [agreement(ref, ours) for ref, ours in zip(t["ref_class"], t["ndrc_class"])]
    t["agree"] = t["mark"] == AGREE
    t["why"] = [("" if a else _reason(r, data_through, label("reference_class", r["ref_class"])))
                for a, (_, r) in zip(t["agree"], t.iterrows())]
    return Comparison(plan_id=ds.plan.id, plan_name=ds.plan.name, evaluator=str(meta["evaluator"]),
                      published=str(meta["published"]), data_through=data_through,
                      source_id=str(meta.get("source_id", "")), table=t)


@dataclass(frozen=True)
class Version:
    """One dated version of the rule settings and the agreement counted under it."""
    version: int
    date: str
    text: str
    agree: int
    n: int
    in_force_at_arrival: bool
    note: str
    flipped: tuple          # (indicator name, 一致/不一致/无法对照 now) whose agreement differs from the version before


def history(folder: Path) -> list[Version]:
    """The agreement under every version of the rule settings, oldest first, each computed by the engine."""
    arrival = (load_history().get("reference_arrivals") or {}).get(folder.name, {})
    out, before = [], None
    for v in rule_versions():
        c = compare(folder, v["version"])
        flipped = ()
        if before is not None:
            was = before.table.set_index("indicator_id")["agree"]
            now = c.table.set_index("indicator_id")
            flipped = tuple((now.loc[i, "name_zh"], WORDS[now.loc[i, "mark"]])
                            for i in now.index if bool(now.loc[i, "agree"]) != bool(was.get(i)))
        out.append(Version(version=int(v["version"]), date=str(v["date"])[:10], text=unfold(str(v.get("text", ""))),
                           agree=c.agree, n=c.n,
                           in_force_at_arrival=arrival.get("version") == v["version"],
                           note=unfold(str(v.get("note", ""))).strip(), flipped=flipped))
        before = c
    return out


def _basis(version: dict) -> str:
    """What a version rested on: its own `basis` (what it cited then), else the documents of its anchor keys, each
    once: 《…》（publisher，date）, as quoted on the methodology page."""
    if version.get("basis"):
        return unfold(str(version["basis"]))
    keys = [c["anchor"] for c in version.get("changes", [])] + [r["anchor"] for r in version.get("reviewed", [])]
    texts = (load_history().get("anchor_texts") or {}).values()
    docs = [f"{t['document']}（{t['publisher']}，{t['date']}）" for t in texts if set(keys) & set(t.get("anchors", []))]
    return "；".join(dict.fromkeys(docs))


def history_table(folder: Path) -> str:
    """规则版本 / 日期 / 变化 / 依据 / 一致数: the agreement under each version of the rules."""
    versions = history(folder)
    if not versions:
        return ""
    n = versions[-1].n
    spec = {int(v["version"]): v for v in rule_versions()}
    rows = []
    for v in versions:
        name = f"第{v.version}版" + ("（对照结论加入时适用）" if v.in_force_at_arrival else "") + \
            ("（现行）" if v is versions[-1] else "")
        rows.append({"version": name, "date": v.date, "text": v.text or "—",
                     "anchor": _basis(spec[v.version]) or "—",
                     "agree": f"{v.agree}"})
    table = html_table(rows, [("version", "规则版本"), ("date", "日期"), ("text", "变化"), ("anchor", "依据"),
                              ("agree", f"一致数（共{n}项）")], key="version", css="report-table validation-history")
    notes = []
    for v in versions:
        parts = [v.note.rstrip("。")] if v.note else []
        if v.flipped:
            parts.append("与上一版相比，" + "；".join(f"{esc(name)}变为{state}" for name, state in v.flipped))
        if parts:
            notes.append(f"<li>第{v.version}版：" + "。".join(keep_figures(esc(p)) if i == 0 and v.note else p
                                                          for i, p in enumerate(parts)) + "。</li>")
    return table + (f"<ol class=\"validation-history-notes\">{''.join(notes)}</ol>" if notes else "")


def history_sentence(folder: Path) -> str:
    """What happened, plainly: which version was in force when the reference verdicts arrived, and that the
    rules were changed after (or shortly before) that, so agreement gained by a change is no independent check."""
    versions = history(folder)
    arrival = (load_history().get("reference_arrivals") or {}).get(folder.name)
    if not versions or not arrival:
        return ""
    at = next((v for v in versions if v.in_force_at_arrival), None)
    now = versions[-1]
    # the date only: the commit (in rule_history.yml) is the maintainers' record, not the reader's
    text = f"对照结论于{esc(str(arrival['date'])[:10])}收入本报告书"       # the day, not the clock time
    if at is not None:
        text += f"，当时适用第{at.version}版规则，一致{at.agree}项；现行第{now.version}版规则一致{now.agree}项（共{now.n}项）"
    text += ("。规则并非全部在看到对照结论之前定下，也不能说没有针对对照结论作过调整：各版规则的变更、日期、依据和由此改变的结论见下表和表下说明；"
             "由某次变更带来的一致，不能算作本方法独立的印证。不一致和无法对照的指标保留在下面的逐项比较中，并写明原因。")
    return keep_figures(text)


def comparisons() -> list[Comparison]:
    """Every plan folder's comparison (tests and tools; a book shows only its own: summary_markdown, all_tables)."""
    return [compare(f) for f in paths.reference_folders()]


def comparison_table(c: Comparison) -> str:
    rows = []
    for _, r in c.table.iterrows():
        rows.append({"name": r["name_zh"], "ours": label("ndrc_class", r["ndrc_class"], "midterm"),
                     "theirs": label("reference_class", r["ref_class"]),
                     "agree": _differ(c, r) if r["mark"] == DIFFER else WORDS[r["mark"]], "why": r["why"] or "—"})
    return html_table(rows, [("name", "指标"), ("agree", "是否一致"), ("ours", "本方法结论"), ("theirs", f"{c.evaluator}结论"),
                             ("why", "不一致或无法对照的原因")], key="name", css="report-table validation-table")


def _differ(c: Comparison, r) -> str:
    """不一致, with its direction when both sides have a verdict (the rule of agreement says it will)."""
    how = direction(r["ref_class"], r["ndrc_class"], f"{c.evaluator}的结论")
    return f"不一致（{how}）" if how else "不一致"


def agreement_sentence(c: Comparison, escape=md) -> str:
    """``escape``: md for a Markdown paragraph, esc for HTML (the evaluator, date and plan name are the data's).
    The three counts of report.agreement (一致、不一致、无法对照), as the findings' comparison counts them."""
    judged = c.agree + c.differ
    counts = "，".join(f"{WORDS[m]}{k}项" + (f"（{percent(k / c.n)}）" if m == AGREE and c.n else "")
                      for m, k in ((AGREE, c.agree), (DIFFER, c.differ), (UNKNOWN, c.unknown)) if k or m == AGREE)
    return (f"以{escape(c.evaluator)}{escape(c.published)}发布的《{escape(c.plan_name)}》中期评估结论为对照，本方法用截至{c.data_through}年的数据评估同样的"
            f"{c.n}项主要指标，结论{counts}；"
            f"在本方法有数据作出结论的{judged}项中，一致{c.agree}项"
            f"（{percent(c.agree / judged) if judged else '—'}）。")


def class_words_sentence(c: Comparison) -> str:
    """Where our class name differs from the evaluator's word for the same class, say which is which."""
    pairs = [(label("ndrc_class", k, "midterm"), label("reference_class", k)) for k in ("achieved", "ahead", "on_track", "lagging")]
    return "".join(f"本方法的“{ours}”对应{c.evaluator}的“{theirs}”。" for ours, theirs in pairs if ours != theirs)


def versions_sentence(folder: Path) -> str:
    """The agreement under each version of the rules, in one line (the methodology page's summary)."""
    versions = history(folder)
    if len(versions) < 2:
        return ""
    parts = [f"第{v.version}版{v.agree}项" + ("（对照结论加入时适用）" if v.in_force_at_arrival else "") +
             ("（现行）" if v is versions[-1] else "") for v in versions]
    return f"按规则的各版分别重算，一致数为：{'，'.join(parts)}（共{versions[-1].n}项）；各版的变更、日期和依据见附录“方法检验”。"


NONE_HERE = "本规划没有公开发布的逐项评估结论可供对照；本方法的检验见带有公开评估结论的规划的报告书（“方法检验”）。"


def _own(rep) -> list[Path]:
    """A book speaks of its own plan only: its folder, if it holds a published evaluator's verdicts."""
    folder = rep.ds.folder
    return [folder] if (folder / "reference_verdicts.csv").exists() else []


def summary_markdown(rep) -> str:
    found = [(f, compare(f)) for f in _own(rep)]
    if not found:
        return NONE_HERE
    return ("\n\n".join(agreement_sentence(c) + md(versions_sentence(f)) for f, c in found)
            + "\n\n逐项对照和历次规则下的结果见附录“方法检验”。")


def all_tables(rep) -> str:
    found = [(f, compare(f)) for f in _own(rep)]
    if not found:
        return f"<p>{esc(NONE_HERE)}</p>"
    parts = []
    for folder, c in found:
        parts.append(f"<p>{agreement_sentence(c, esc)}{esc(class_words_sentence(c))}"
                     f"{esc(rule_text(c.evaluator + '的结论'))}</p>")
        sentence = history_sentence(folder)
        if sentence:
            parts.append(f"<p>{sentence}</p>")
        parts.append(history_table(folder))
        parts.append(comparison_table(c))
    return "\n".join(parts)
