"""评估工作情况 (what was evaluated, with which data and sources, how, by whom and when), the front page's note on
a retrospective edition, and 与官方表述对照 (the government's own statements about the plan's targets, from
claims.csv, beside this report's verdicts for the year each statement speaks of)."""
from __future__ import annotations

import pandas as pd

from ..engine.rules import load_rules
from ..labels import label
from .context import Report
from .tables import items_text
from .fmt import esc, html_table, is_missing, keep_figures, link, md, percent
from .agreement import AGREE, DIFFER, UNKNOWN, WORDS, agreement, direction, rule_text
from .projects import project_counts
from .prose import limits_of_data

GRADES = ("plan", "official", "official_mirror", "press", "third_party", "ungraded")


def _used_sources(rep: Report) -> pd.DataFrame:
    used = set(rep.observations["source_id"]) | {rep.plan.source_id}
    return rep.ds.sources[rep.ds.sources["source_id"].isin(used)]


def _late_sources(rep: Report) -> pd.DataFrame:
    """Sources of this edition's values published after the year that follows its data year (not to hand when
    an edition of that year would have been compiled)."""
    s = _used_sources(rep)
    dates = s["publication_date"].astype(str)
    return s[s["publication_date"].notna() & (dates > f"{rep.eval_year + 1}-12-31")]


def retrospective(rep: Report) -> bool:
    compiled = rep.plan.compiled
    return bool(compiled) and int(compiled[:4]) > rep.eval_year + 1


def edition_note(rep: Report) -> str:
    """The front page's note when the edition is compiled years after its data year; nothing otherwise."""
    if not retrospective(rep):
        return ""
    late = _late_sources(rep)
    tail = (f"所用来源中有{len(late)}个晚于{rep.eval_year + 1}年底发布（如后来公布的数据和修订数），"
            f"当年编制时尚不可得。" if len(late) else "")
    return (f"**关于本版。** 本版是{md(rep.edition_name)}的回溯编制版：按{md(rep.edition_name)}的要求，"
            f"只使用截至{rep.eval_year}年的数据，编制于{_date_words(rep.plan.compiled)}，不是当时实际编制发布的评估报告。"
            f"{tail}")


def cover_note(rep: Report) -> list[str]:
    """The printed cover's lines on who compiled the edition and, for a retrospective one, what that means."""
    lines = [f"编制单位：{rep.plan.compiler}"] if rep.plan.compiler else []
    if retrospective(rep):
        lines.append(f"本版为回溯编制的{rep.edition_name}：只使用截至{rep.eval_year}年的数据，"
                     f"编制于{_date_words(rep.plan.compiled)}，不是当时实际编制发布的评估报告")
    return lines


def _date_words(date: str) -> str:
    y, m, d = date.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def work_markdown(rep: Report) -> str:
    """评估工作情况: scope, data cut-off, sources by grade, method, compiler and date, limits."""
    plan, main = rep.plan, rep.main
    n_projects = project_counts(rep)["n"]
    # an issuer that carries its own brackets (批准（日期）) is set off with commas, never nested brackets
    issuer = "" if not plan.issuer else f"，{md(plan.issuer)}，" if "（" in plan.issuer else f"（{md(plan.issuer)}）"
    others = f"，发展目标和正文中的其他量化目标{len(rep.others)}项" if len(rep.others) else ""
    lines = [f"- **评估对象**：《{md(plan.name)}》{issuer}设定的{len(rep.current)}项量化目标（{md(rep.table_name('main'))}"
             f"所列{items_text(rep, main, '主要指标')}{others}）"
             + (f"，以及规划专栏和正文列出的{n_projects}项重大工程项目和重点任务" if n_projects else "") + "。"]
    sources = _used_sources(rep)
    published = sources["publication_date"].dropna().astype(str)
    data_year = rep.data_year
    lines.append(f"- **数据截止**：使用截至{rep.eval_year}年的数据，规划期（{plan.period.start}年起）内的数值才参与评分"
                 + (f"；主要指标的最新数据年份为{data_year}年" if data_year else "")
                 + (f"；所用来源最晚发布于{_date_words(published.max())}" if len(published) else "") + "。")
    obs = rep.observations
    per_source = obs["source_id"].value_counts()
    parts = []
    for grade in GRADES:
        some = sources[sources["source_kind"] == grade]
        if len(some):
            n_obs = int(per_source.reindex(some["source_id"]).fillna(0).sum())
            parts.append(f"{label('source_kind', grade)}{len(some)}个（数值{n_obs}条）")
    lines.append(f"- **数据来源**：{len(sources)}个来源的{len(obs)}条数值，按来源类别：" + "；".join(parts)
                 + "。每条数值记录来源标题、发布日期、网址、原文句子和统计口径（见附录“数据与来源”）。")
    rules = load_rules()
    t = rules["thresholds"]
    if rep.final:   # a final edition says 完成 / 未完成 only: no pace bands, no 提前 or 快于预期
        method = ("逐项对照规划目标：目标年的数值达到目标为完成，未达到为未完成；须每年保持的目标各年都满足才为完成。"
                  "缺少目标年数据、可比数据或上级下达目标的，不作结论。")
    else:
        method = (f"逐项对照规划目标，以完成进度（已完成的目标变化占目标变化的比例）除以时间进度（已过年数占规划年数的比例）"
                  f"得到进度比：不低于{t['ahead']:g}为{label('status', 'ahead')}，不低于{t['on_track']:g}为"
                  f"{label('status', 'on_track')}，不低于{t['moderate']:g}为{label('status', 'needs_acceleration')}，"
                  f"低于此为{label('status', 'lagging')}；按现有速度到目标年达不到目标的，不判为"
                  f"{label('status', 'on_track')}；约束性指标按同一标准判断、单独计数，"
                  "未达到符合预期进度的在结论中注明须确保如期完成。")
    # a mid-course edition borrows the NDRC mid-term evaluation's classes; a final one speaks only of 完成 / 未完成
    words = "" if rep.final else "分类沿用国家发展改革委中期评估的用语，"
    lines.append(f"- **评估方法**：{method}口径变化前后的数值不直接比较；其他地域口径的数值不参与评分；"
                 f"{words}每条规则及其依据见附录“评估方法”。")
    if plan.compiler and plan.compiled:
        lines.append(f"- **编制单位和日期**：{md(plan.compiler)}，{_date_words(plan.compiled)}。")
    else:   # what is not given says so in a reader's words; an unstated date is bounded by the latest source used
        when = (_date_words(plan.compiled) if plan.compiled else
                f"不早于{_date_words(published.max())}（所用来源的最晚发布日期）" if len(published) else "未注明")
        lines.append(f"- **编制单位和日期**：编制单位：{md(plan.compiler) if plan.compiler else '未注明'}；编制日期：{when}。")
    limits = limits_of_data(rep)
    weak = sources[sources["source_kind"].isin(("press", "third_party", "ungraded"))]
    if len(weak):
        limits.append(f"{len(weak)}个来源不是官方原文，仅以此类来源为据的结论标为“待核实”")
    if retrospective(rep):
        limits.append("本版为回溯编制，见首页说明")
    if limits:
        lines.append("- **局限**：" + "；".join(limits) + "。")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ the government's own claims
def asserts_text(rep: Report, asserts: str, year: int) -> str:
    """What the statement asserts (labels.yml claim_asserts), in the words of the year it speaks of: a statement of
    the plan's last year says 完成, one of a year before it 提前实现 (whatever the edition that shows it)."""
    return label("claim_asserts", asserts, rep.plan.edition_kind(year))


def _verdicts_at(rep: Report, year: int) -> pd.DataFrame:
    """This report's verdicts with the data up to ``year`` (the year a statement speaks of)."""
    if year == rep.eval_year:
        return rep.results.set_index("id", drop=False)
    return rep.ds.assess(year).set_index("id", drop=False)


def _agreement_text(marks: list[str]) -> str:
    """一致 / 不一致 / 无法对照 for one target; for several, how many of each ("均…" when all are alike)."""
    if len(marks) == 1:
        return WORDS[marks[0]] + ("（本报告无可比数据或目标值）" if marks[0] == UNKNOWN else "")
    counts = [(m, marks.count(m)) for m in (AGREE, DIFFER, UNKNOWN) if marks.count(m)]
    if len(counts) == 1:
        return f"{len(marks)}项均{WORDS[counts[0][0]]}"
    return "、".join(f"{WORDS[m]}{n}项" for m, n in counts)


def claim_rows(rep: Report) -> list[dict]:
    """Each statement up to the edition's year with this report's verdicts for the year it speaks of."""
    claims = rep.ds.table("claims")
    claims = claims[claims["year"] <= rep.eval_year].sort_values(["year", "claim_id"])
    out = []
    for _, c in claims.iterrows():
        year = int(c["year"])
        ours = _verdicts_at(rep, year)
        ids = [] if is_missing(c["indicator_ids"]) else str(c["indicator_ids"]).split(";")
        if ids:
            found = [(i, ours.loc[i]) for i in ids if i in ours.index]
            marks = [agreement(c["asserts"], r["ndrc_class"]) for _, r in found]
            # each target that does not agree says so beside its verdict, a difference with its direction
            verdicts = [f"{rep.name(i)}：{r['status_zh']}" + _mark(c["asserts"], r["ndrc_class"], m, len(found))
                        for (i, r), m in zip(found, marks)]
            named = "、".join(rep.name(i) for i in ids)
            if not is_missing(c.get("inferred")) and "indicator_ids" in str(c["inferred"]):
                named += "（对应指标为本报告的判断）"
            verdict, agreed = "；".join(verdicts), _agreement_text(marks)
            if len(found) == 1 and marks[0] == DIFFER:
                agreed += f"（{direction(c['asserts'], found[0][1]['ndrc_class'])}）"
            pairs = [(m, direction(c["asserts"], r["ndrc_class"])) for (_, r), m in zip(found, marks)]
        else:
            main = ours[ours["table"] == "main"]
            met = main[main["status"] == "achieved"]
            named = "未列明具体指标"
            verdict = (f"{rep.table_name('main')}{len(main)}项主要指标中，" +
                       (f"{len(met)}项已达到规划目标（{'、'.join(rep.name(i) for i in met['id'])}）" if len(met)
                        else "没有据公开数据确认已达到规划目标的"))
            if year < rep.eval_year:       # and what this edition's own data say by its year
                now = rep.main[rep.main["status"] == "achieved"]
                verdict += (f"；按截至{rep.eval_year}年的数据，"
                            + (f"{len(now)}项已{rep_met(rep)}" if len(now) else f"仍没有已{rep_met(rep)}的"))
            agreed, pairs = "无法逐项对照（表述未列明指标）", []
            if not is_missing(c.get("count")):
                n = int(c["count"])
                agreed += f"；数量{'相同' if n == len(met) else '不同'}：表述{n}项，本报告据公开数据确认{len(met)}项"
                unknown = int(main["status"].isin(("not_assessable", "pending", "not_comparable")).sum())
                if n > len(met) and unknown:
                    agreed += f"（另有{unknown}项主要指标没有可评估的数据或目标值，差异可能来自数据缺口）"
        s = rep.source_rows.loc[c["source_id"]]
        grade = s["source_kind"]
        # the date is a figure kept on one line (a phone broke a source date after its hyphens)
        source = link(s["title"], s["url"]) + ("" if is_missing(s["publication_date"])
                                               else keep_figures(esc(f"（{s['publication_date']}）")))
        if grade not in ("plan", "official", "official_mirror"):
            source += esc(f"（{label('source_kind', grade).split('（')[0]}，待核实）")
        quote = str(c["quote"]).replace("“", "‘").replace("”", "’")     # quoted inside “…”
        out.append({"claim": esc(f"“{quote}”"), "year": year, "asserts": asserts_text(rep, c["asserts"], year),
                    "source": source, "named": named,
                    # the data year first: a trailing "（按截至…）" read as belonging to the last verdict alone
                    "ours": f"按截至{year}年的数据：{verdict}",
                    "agree": agreed, "pairs": pairs})
    return out


def _mark(asserts: str, ours: str, mark: str, n_targets: int) -> str:
    """Beside one verdict among several: ，不一致（本报告的结论好于表述） / ，无法对照; nothing when it agrees or
    when the statement names this target alone (the 是否一致 column says it)."""
    if mark == AGREE or n_targets == 1:
        return ""
    return f"，{WORDS[mark]}" + (f"（{direction(asserts, ours)}）" if mark == DIFFER else "")


def claims_summary(rows: list[dict]) -> str:
    """How the statements that name their targets compare, target by target, under the one rule of agreement
    (report.agreement), and how many statements name none."""
    pairs = [p for r in rows for p in r["pairs"]]
    unnamed = sum(1 for r in rows if not r["pairs"])
    parts = []
    if pairs:
        marks = [m for m, _ in pairs]
        better = sum(1 for m, d in pairs if m == DIFFER and d.endswith("好于表述"))
        worse = marks.count(DIFFER) - better
        counts = [f"{WORDS[AGREE]}{marks.count(AGREE)}项"] if marks.count(AGREE) else []
        if marks.count(DIFFER):
            how = "、".join(x for x in (f"好于表述{better}项" if better else "", f"差于表述{worse}项" if worse else "") if x)
            counts.append(f"{WORDS[DIFFER]}{marks.count(DIFFER)}项（本报告的结论{how}）")
        if marks.count(UNKNOWN):
            counts.append(f"{WORDS[UNKNOWN]}{marks.count(UNKNOWN)}项")
        alike = next((m for m in (AGREE, DIFFER, UNKNOWN) if marks.count(m) == len(marks)), None)
        parts.append(f"列明指标的表述逐项对照{len(pairs)}项，均{WORDS[alike]}" if alike and alike != DIFFER
                     else f"列明指标的表述逐项对照{len(pairs)}项：" + "、".join(counts))
    if unnamed:
        parts.append(f"{unnamed}条表述未列明具体指标，只比较数量")
    return "；".join(parts) + "。" if parts else ""


def rep_met(rep: Report) -> str:
    return label("status", "achieved", rep.kind) if rep.final else "达到规划目标"


def claims_html(rep: Report) -> str:
    claims = rep.ds.table("claims")
    if claims.empty:
        return "<p>本规划尚未登记政府报告中关于规划目标完成情况的表述。</p>"
    rows = claim_rows(rep)
    if not rows:
        first = int(claims["year"].min())
        return (f"<p>已登记的政府表述所说的年份均晚于本版数据年份（最早为{first}年），在以后的版本中对照。</p>")
    intro = f"<p>{esc(rule_text())}{esc(claims_summary(rows))}</p>"
    # what a reader compares stays among the four columns a wide table keeps side by side
    return intro + html_table(rows, [("claim", "政府报告的表述"), ("ours", "本报告的结论"), ("agree", "是否一致"),
                             ("named", "涉及的指标"), ("year", "所指年份"), ("asserts", "表述的结论"),
                             ("source", "来源")], raw={"claim", "source"}, key="claim",
                      css="report-table claims-table")
