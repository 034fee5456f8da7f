"""The report's tables, as HTML built from escaped data. Status tables put the verdict, the latest value and
the outlook first; notes become footnote marks under the table; each cell carries its header so a phone can
show the rows as cards."""
from __future__ import annotations

import json
import re

import pandas as pd

from ..data.registry import is_estimate
from ..engine.rules import load_rules, status_colour
from ..engine.series import WARNINGS
from ..engine.values import years_window
from ..labels import label
from .context import Report
from .fmt import esc, html_table, is_missing, keep_figures, link, fold, md, number, percent, target_display, value_with_unit

MARKS = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
NO_DATA = "暂无数据"


def chip(code: str, text: str) -> str:
    """A status label that carries its meaning in text as well as colour."""
    colour = status_colour(code)
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    fg = "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else "#1a1a1a"  # readable on any fill
    return f'<span class="status-chip" style="background:{colour};color:{fg}">{esc(text)}</span>'


CARDS = "targets"  # book/targets/<id>.html: one page per target (planeval.report.targetpage)


def card_href(indicator_id: str) -> str:
    """A target's card from a page of the book (every page sits in book/)."""
    return f"{CARDS}/{indicator_id}.html"


def card_numbers(rep: Report) -> dict:
    """指标卡 N: the registry's order."""
    return {i: n for n, i in enumerate(rep.ds.registry["id"], start=1)}


def card_link(rep: Report, indicator_id: str, text_html: str, numbers: dict | None = None) -> str:
    """The target's name linking to its card; on paper (where links go nowhere) the card's number instead."""
    n = (numbers or card_numbers(rep)).get(indicator_id)
    card = f' data-card="指标卡{n}"' if n else ""   # printed after the name by report.css (@media print)
    return f'<a class="card-link"{card} href="{card_href(indicator_id)}">{text_html}</a>'


def name_md(rep: Report, indicator_id: str, name: str | None = None) -> str:
    """A target's name in a Markdown sentence, linking to its card (the tags are inline HTML, the name between
    them Markdown-escaped)."""
    shown = md(rep.name(indicator_id) if name is None else name)
    return f'<a class="card-link" href="{card_href(indicator_id)}">{shown}</a>'


def unit_of(rep: Report, indicator_id: str) -> str:
    return str(rep.ds.units.get(indicator_id) or "")


def name_with_unit(reg) -> str:
    unit = "" if is_missing(reg["unit"]) or str(reg["unit"]).strip("—-– ") == "" else str(reg["unit"])
    return f"{reg['name_zh']}（{unit}）" if unit and unit not in str(reg["name_zh"]) else str(reg["name_zh"])


def latest_text(rep: Report, r) -> str:
    """The latest value with its year; for a verdict, the sentence that says it, with its year (the source is a
    note under the table: source_note)."""
    if not is_missing(r.get("evidence_quote")):
        return f"{int(r['evidence_year'])}年：“{evidence_clause(rep, r)}”"
    if is_missing(r["latest_year"]) or is_missing(r["latest_value"]):
        return NO_DATA
    unit = unit_of(rep, r["id"])
    if r["target_form"] in ("cumulative",):
        start = r["target_year"] - (rep.plan.window(r["table"]).years - 1)
        return period_value(start, r["latest_year"], f"累计{value_with_unit(r['latest_value'], unit)}")
    if r["target_form"] == "cumulative_reduction" and not is_missing(r.get("start_year")):
        return period_value(r["start_year"], r["latest_year"], f"累计降低{value_with_unit(r['latest_value'], '%')}")
    if r["target_form"] in ("growth", "relational", "annual_targets"):
        growth = rep.audit(r).get("growth", {})
        rate = growth_words(rep.reg(r["id"]).get("basis"), r["latest_value"])
        if str(growth.get("method", "")).startswith("公布的"):
            return period_value(growth["first_year"], growth["last_year"], f"年均{rate}")
        return f"{rate}（{int(r['latest_year'])}年）"
    return f"{value_with_unit(r['latest_value'], unit)}（{int(r['latest_year'])}年）"


def period_value(first, last, value: str) -> str:
    """A figure over a span of years in a table cell: 年均4.7%（Y1—Y2年）, the span after it as a single year's is
    (never "Y1—Y2年年均…" with 年 twice); one year alone is that year (a plan's first year: never "Y—Y年")."""
    return f"{value}（{years_window(first, last)}）"


BASIS_WORDS = {"real": "实际", "nominal": "名义"}


def growth_words(basis, value) -> str:
    """A growth rate with its price basis when the target states one (the engine compares like with like, so
    the value is on the target's basis): 实际增长5.4%, 名义增长1.5%; the bare rate otherwise."""
    word = BASIS_WORDS.get(basis if isinstance(basis, str) else "", "")
    if not word:
        return value_with_unit(value, "%")
    return f"{word}{'增长' if value >= 0 else '下降'}{value_with_unit(abs(value), '%')}"


def baseline_text(reg, result=None) -> str:
    """The baseline as printed, with its year once (a printed "21.5（<year>年）" keeps its own); an estimate (预计) says
    so, and once the base year's actual is published and used, it stands beside the estimate."""
    if is_missing(reg["baseline_year"]):
        return "—"
    year = int(reg["baseline_year"])
    printed = not is_missing(reg["baseline_text"])
    shown = str(reg["baseline_text"]) if printed else value_with_unit(reg["baseline_value"], reg["unit"])
    estimate = is_estimate(reg)
    if estimate:  # the plan's own mark of an estimate joins the year: 60（<year>年，预计）
        shown = re.sub(r"[（(]\s*预计\s*[)）]|\*$", "", shown).strip()
    if f"{year}年" not in shown or estimate:
        shown = f"{shown}（{year}年{'，预计' if estimate else ''}）"
    audit = json.loads(result["audit"] or "{}") if result is not None and not is_missing(result.get("audit")) else {}
    actual = audit.get("baseline_actual")
    if actual and actual.get("used"):
        shown += f"；实际{number(actual['value']) if printed else value_with_unit(actual['value'], reg['unit'])}"
    return shown


def bare_quote(text: str) -> str:
    """A quotation without the quotation marks and the full stop of its own, to be wrapped in “…”."""
    return str(text).strip().strip("“”\"'「」").rstrip("。.；;").strip("“”\"'「」")


def evidence_clause(rep: Report, r) -> str:
    """The clause of the verdict's sentence that says it (a report's sentence often lists many figures)."""
    quote = str(r["evidence_quote"])
    obs = rep.ds.observations
    said = obs[(obs["indicator_id"] == r["id"]) & (obs["year"] == r["evidence_year"]) & obs["verdict"].notna()]
    words = str(said.iloc[-1].get("value_text") or "") if len(said) and not is_missing(said.iloc[-1].get("value_text")) else ""
    clauses = [c for c in re.split(r"[；;]", quote) if c.strip()]
    hit = [c for c in clauses if words and words in c]
    return bare_quote(hit[0] if hit and len(clauses) > 1 else quote)


def source_note(rep: Report, r) -> list[dict]:
    """The document a verdict's sentence comes from, as a note of the row."""
    if is_missing(r.get("evidence_source_id")):
        return []
    return [{"kind": "source", "text": f"{int(r['evidence_year'])}年结论的来源：{rep.source_title(r['evidence_source_id'])}"}]


class Notes:
    """Footnotes of one table: each distinct note gets a mark; warnings are marked ⚠."""

    def __init__(self):
        self.items: list[tuple[str, str]] = []

    def mark(self, notes: list[dict]) -> str:
        marks = []
        for n in notes:
            item = (n["kind"], n["text"])
            if item not in self.items:
                self.items.append(item)
            i = self.items.index(item)
            marks.append(MARKS[i] if i < len(MARKS) else f"[{i + 1}]")
        return f'<sup class="note-mark">{esc("".join(marks))}</sup>' if marks else ""

    def html(self) -> str:
        if not self.items:
            return ""
        lis = "".join(f'<li class="note-{"warn" if k in WARNINGS else "info"}"><span class="note-no">'
                      f'{esc(MARKS[i] if i < len(MARKS) else i + 1)}</span>{"⚠ " if k in WARNINGS else ""}'
                      f'{esc(label("flag", k))}：{keep_figures(esc(t))}</li>'
                      for i, (k, t) in enumerate(self.items))
        return f'<ol class="table-notes">{lis}</ol>'


def status_columns(rep: Report, compact: bool = False) -> list[tuple[str, str]]:
    """Verdict, latest value and outlook first; a final edition has no outlook or pace columns."""
    end = rep.plan.period.end
    cols = [("name", "指标"), ("status", "评估结论"), ("latest", "最新值（年份）")]
    if not rep.final:
        cols.append(("outlook", f"{end}年展望"))
    cols.append(("target", "规划目标"))
    if compact:
        return cols + [("ref", "规划出处")]
    cols.append(("baseline", "基期值"))
    if not rep.final:
        cols += [("progress", "完成进度"), ("time", "时间进度")]
    return cols


def status_rows(rep: Report, frame: pd.DataFrame, notes: Notes) -> list[dict]:
    binding = load_rules()["binding_attribute"]
    numbers = card_numbers(rep)
    rows = []
    for _, r in frame.iterrows():
        reg = rep.reg(r["id"])
        row_notes = rep.notes(r)
        stale = next((n["text"] for n in row_notes if n["kind"] == "stale"), None)
        # the marks after the chip are set off by a space: in copied text, a screen reader or print without the
        # stylesheet, "符合预期 待核实" and never "符合预期待核实"
        verdict = chip(r["status"], r["status_zh"]) + (f' <span class="stale">{esc(stale)}</span>' if stale else "") + \
            (f' <span class="verify">{esc(label("flag", "verify"))}</span>' if not is_missing(r.get("verify")) else "")
        if r["outlook"] in ("final", "not_assessable"):
            outlook = "—"
        else:
            outlook = esc(r["outlook_zh"]) + (f'<span class="stale">（依据{int(r["latest_year"])}年数据）</span>' if stale else "")
        tag = f'<span class="binding-tag">{esc(binding)}</span>' if reg["attribute"] == binding else ""
        marks = notes.mark([n for n in row_notes if n["kind"] != "stale"] + source_note(rep, r))
        rows.append({
            "name": card_link(rep, r["id"], esc(name_with_unit(reg)), numbers) + marks + tag,
            "status": verdict, "latest": latest_text(rep, r), "outlook": outlook,
            "target": target_display(reg), "baseline": baseline_text(reg, r), "ref": reg["source_ref"],
            "progress": _share(r.get("progress_share")), "time": percent(r.get("time_share")),
        })
    return rows


def _share(progress) -> str:
    """完成进度 as a percentage; a negative share (the value moved away from the target) as words."""
    return "离目标更远" if not is_missing(progress) and progress < 0 else percent(progress)


def status_table(rep: Report, frame: pd.DataFrame, caption: str | None = None, compact: bool = False) -> str:
    """A compact table (the other quantitative targets, a long list) is folded behind a summary with its count."""
    if frame.empty:
        return '<p class="empty-table">（本部分没有此类目标）</p>'
    notes = Notes()
    rows = status_rows(rep, frame, notes)
    table = html_table(rows, status_columns(rep, compact), raw={"name", "status", "outlook"},
                       numeric={"progress", "time"}, caption=caption, key="name",
                       css="report-table status-table") + notes.html()
    if not compact:
        return table
    counts = frame["status_zh"].value_counts()
    return fold(table, f"{len(frame)}项目标（" + "、".join(f"{s}{n}项" for s, n in counts.items()) + "）", len(frame))


def printed_count(rep: Report, frame: pd.DataFrame) -> int:
    """How many items of the plan's table ``frame`` holds: an item entered as sub-rows (one source_ref) once."""
    return len({rep.reg(i)["source_ref"] for i in frame["id"]})


def items_text(rep: Report, frame: pd.DataFrame, noun: str = "", in_brackets: bool = False) -> str:
    """How many items the plan's table prints: a printed item entered as sub-rows (one source_ref, several
    rows) counts once, and the rows are named beside it: 7项主要指标（8行）, or 7项，8行 inside brackets."""
    printed = printed_count(rep, frame)
    if printed == len(frame):
        return f"{printed}项{noun}"
    return f"{printed}项{noun}，{len(frame)}行" if in_brackets else f"{printed}项{noun}（{len(frame)}行）"


def scorecard(rep: Report) -> str:
    """Every main indicator, grouped as the plan's table groups them."""
    out = []
    main = rep.main.assign(group=[rep.reg(i)["group_zh"] for i in rep.main["id"]])
    for group, frame in main.groupby("group", sort=False):
        out.append(status_table(rep, frame, caption=f"{group}（{items_text(rep, frame, in_brackets=True)}）"))
    return "\n".join(out)


def observation_table(rep: Report, ids) -> str:
    """Every number on a page with its source sentence and scope."""
    ids = set(ids)
    obs = rep.observations[rep.observations["indicator_id"].isin(ids)].sort_values(["indicator_id", "year"])
    if obs.empty:
        return '<p class="empty-table">本章尚无公开数据。</p>'
    rows = []
    for _, o in obs.iterrows():
        unit = unit_of(rep, o["indicator_id"])
        value = (value_with_unit(o["value"], unit) if not is_missing(o["value"])
                 else label("verdict", o["verdict"]) if not is_missing(o["verdict"]) else "—")
        if not is_missing(o["months_covered"]) and int(o["months_covered"]) < 12:
            value += f"（{int(o['months_covered'])}个月）"
        if not is_missing(o["value_kind"]) and o["value_kind"] != "level" and not is_missing(o["period_start_year"]):
            what = "年均" if o["value_kind"] == "period_average_growth" else "累计"
            value = period_value(o["period_start_year"], o["year"], what + value)
        s = rep.source_rows.loc[o["source_id"]]
        rows.append({"name": rep.name(o["indicator_id"]), "year": int(o["year"]), "value": value,
                     "scope": o["scope"], "quote": o["quote"], "source": link(s["title"], s["url"])})
    table = html_table(rows, [("name", "指标"), ("year", "年份"), ("value", "数值"), ("scope", "口径"),
                              ("quote", "原文"), ("source", "来源")], raw={"source"}, numeric={"value"}, key="name",
                       css="report-table source-table")
    return fold(table, f"{len(rows)}个数值（{obs['indicator_id'].nunique()}项指标）的原文、口径和来源", len(rows))


def sources_table(rep: Report, ids=None) -> str:
    obs = rep.observations
    if ids is not None:
        obs = obs[obs["indicator_id"].isin(set(ids))]
    used = set(obs["source_id"]) | {rep.plan.source_id}
    rows = []
    for _, s in rep.ds.sources[rep.ds.sources["source_id"].isin(used)].iterrows():
        rows.append({"title": link(s["title"], s["url"]), "publisher": s["publisher"],
                     "date": "" if is_missing(s["publication_date"]) else str(s["publication_date"]),
                     "kind": label("source_kind", s["source_kind"]),
                     "accessed": "" if is_missing(s["access_date"]) else str(s["access_date"])})
    table = html_table(rows, [("title", "来源"), ("publisher", "发布机构"), ("date", "发布日期"),
                              ("kind", "类别"), ("accessed", "访问日期")], raw={"title"}, key="title")
    return fold(table, f"{len(rows)}份来源文件", len(rows))


def coverage_table(rep: Report, frame: pd.DataFrame) -> str:
    """Which years each target has data for, and in which scope."""
    years = list(range(rep.plan.baseline_year, rep.eval_year + 1))
    rows = []
    for _, r in frame.iterrows():
        reg = rep.reg(r["id"])
        row = {"name": reg["name_zh"]}
        mine = {y: set(g) for y, g in rep.observations_of(r["id"]).groupby("year")["scope"]}
        for y in years:
            scopes = sorted(mine.get(y, ()))
            row[str(y)] = "、".join(scopes) if scopes else "缺"
            if not is_missing(reg["baseline_year"]) and int(reg["baseline_year"]) == y and not scopes:
                row[str(y)] = "基期（规划）"
        rows.append(row)
    table = html_table(rows, [("name", "指标")] + [(str(y), f"{y}年") for y in years], key="name",
                       css="report-table coverage-table")
    # folded: a row a target, over a hundred of them on a phone; the summary says how many have any data
    have = sum(any(row[str(y)] not in ("缺", "基期（规划）") for y in years) for row in rows)
    return fold(table, f"{len(rows)}项目标各年份有无数值（{have}项至少一年有数值）", len(rows))


def responsible(rep: Report) -> tuple[dict, str]:
    """Who reports each target, and the column's header: 建议责任单位 while any assignment is a proposal."""
    resp = rep.ds.table("responsibility")
    header = "建议责任单位" if (resp["assignment"] != "confirmed").any() else "责任单位"
    return dict(zip(resp["indicator_id"], resp["department"])), header


def unassessable(frame: pd.DataFrame) -> pd.DataFrame:
    """The targets that cannot be judged for want of data (暂无法评估): one set for the chapter's conclusions and
    its list of data gaps, so both count the same rows."""
    return frame[frame["status"] == "not_assessable"]


def gap_table(rep: Report, frame: pd.DataFrame) -> str:
    """The targets without usable data: a to-do list for the unit that reports each."""
    gaps = unassessable(frame)
    if gaps.empty:
        return '<p class="empty-table">本部分的目标都有可用于评估的数据。</p>'
    units, header = responsible(rep)
    rows = []
    for i, reason in zip(gaps["id"], gaps["reason"]):
        # a target the plan states twice (same_target_as) is one gap: its repeat says so, and is reported once
        first = rep.reg(i)["same_target_as"]
        if not is_missing(first):
            reason = f"与“{rep.name(first)}”为同一目标，数据一并报送；{reason}"
        rows.append({"name": rep.name(i), "unit": units.get(i, "—"), "reason": reason})
    columns = [("name", "指标"), ("unit", header), ("reason", "无法评估的原因")] if units else \
        [("name", "指标"), ("reason", "无法评估的原因")]
    return fold(html_table(rows, columns, key="name"), f"{len(rows)}项目标暂无可用于评估的数据", len(rows))


def _used_rows(obs: pd.DataFrame, audit: dict) -> pd.DataFrame:
    """The observations the verdict rests on (the engine's audit), in year order: the table shows what decided,
    not every release of every year the folder holds. Empty when the verdict used none (no data, a basis change):
    the table then shows what was published."""
    keys = {(int(u["year"]), u.get("source_id"), float(u["value"])) for u in audit.get("observations_used", [])
            if u.get("value") is not None and u.get("year") is not None}
    if not keys or obs.empty:
        return obs.iloc[0:0]
    hit = [(int(o["year"]), o["source_id"], float(o["value"])) in keys if not is_missing(o["value"]) else False
           for _, o in obs.iterrows()]
    return obs[hit].drop_duplicates(["year", "value_kind", "value"]).sort_values(["year", "value_kind"])


def retrospective_table(rep: Report) -> str:
    """The previous plan's table, judged at its own target year: verdict first."""
    notes = Notes()
    rows = []
    for _, r in rep.previous.iterrows():
        reg = rep.reg(r["id"])
        obs = rep.observations[rep.observations["indicator_id"] == r["id"]]
        # a verdict across a basis change is withheld: then every published figure is shown, not those on one side
        shown = obs.iloc[0:0] if r["status"] == "not_comparable" else _used_rows(obs, rep.audit(r))
        if shown.empty:   # nothing decided (no data, a basis change): what was published, each figure once
            shown = obs.drop_duplicates(["year", "value_kind", "value"]).sort_values(["year", "value_kind"])
        dated = shown["year"].nunique() > 1   # figures of several years: each says its year
        results = []
        for _, o in shown.iterrows():
            if is_missing(o["value"]):
                results.append(label("verdict", o["verdict"]) if not is_missing(o["verdict"]) else "")
            elif o["value_kind"] == "period_average_growth":
                results.append(period_value(o["period_start_year"], o["year"],
                                            f"年均增长{value_with_unit(o['value'], '%')}"))
            elif o["value_kind"] == "period_total":
                results.append(period_value(o["period_start_year"], o["year"],
                                            f"累计{value_with_unit(o['value'], reg['unit'])}"))
            else:
                bound = "以上" if o["value_kind"] == "lower_bound" else ""   # the text says only "…以上"
                results.append((f"{int(o['year'])}年" if dated else "") + value_with_unit(o["value"], reg["unit"]) + bound)
        rows.append({"name": card_link(rep, r["id"], esc(name_with_unit(reg))) + notes.mark(rep.notes(r)),
                     "status": chip(r["status"], r["status_zh"]), "result": "；".join(x for x in results if x) or "—",
                     "target": target_display(reg), "growth": reg["annual_growth_text"] or "—",
                     "group": reg["group_zh"], "reason": r["reason"]})
    end = rep.plan.previous.period.end if rep.plan.previous else ""
    return html_table(rows, [("name", "指标"), ("status", "结论"), ("result", f"{end}年完成情况"),
                             ("target", f"{end}年目标"), ("growth", "年均增长目标"), ("group", "分类"),
                             ("reason", "依据")], raw={"name", "status"}, key="name",
                      css="report-table status-table") + notes.html()


def chapter_ids(rep: Report, chapter: str) -> set:
    """The targets of a chapter and the series they refer to (whose numbers the chapter shows)."""
    frame = rep.in_chapter(rep.current, chapter)
    ids = set(frame["id"])
    reg = rep.ds.registry
    ids |= set(reg[reg["id"].isin(ids)]["related_id"].dropna())
    series = rep.ds.series
    return ids | set(series[series["chapter"] == chapter]["id"])


def scopes_table(rep: Report) -> str:
    rows = [{"code": s.code, "label": s.label, "use": "规划口径" if s.code == rep.plan.plan_scope else
             ("可并用（加注）" if s.compatible else "单独列示，不混用")} for s in rep.plan.scopes]
    return html_table(rows, [("code", "口径"), ("label", "含义"), ("use", "评估中的用法")], key="code")


def pdf_name(rep: Report) -> str:
    return f"{rep.plan.id}-{rep.eval_year}-{rep.kind}.pdf"


def downloads_html(rep: Report) -> str:
    """Links from the front page to the files published at the site root (planeval.book.publish); on paper the
    links go nowhere, so print shows a sentence instead (report.css)."""
    from ..book.publish import INPUTS, MACHINE, RESULTS, USES
    from .captions import caption

    pdf = pdf_name(rep)
    url = rep.plan.site_url
    where = f"（{esc(url)}）" if url else ""
    items = [
        f'评估结果（供阅读，中文表头）：<a href="../data/{RESULTS}.xlsx">Excel</a>、<a href="../data/{RESULTS}.csv">CSV</a>'
        f'（{esc(caption(rep, "downloads"))}）',
        f'数值使用记录（评估看过的每个数值一行：用于评估、未采用及原因、仅作背景）：<a href="../data/{USES}.csv">CSV</a>'
        '（Excel 文件中也有此表）',
        f'代码版（供程序读取：英文列名和代码，比例为小数，审计记录为 JSON；列名的中文对照见 Excel 文件的“代码版列名”表）：'
        f'<a href="../data/{MACHINE}">{MACHINE}</a>',
        f'输入数据：<a href="../data/{INPUTS}/indicators.csv">目标登记表</a>、<a href="../data/{INPUTS}/observations.csv">数值</a>、'
        f'<a href="../data/{INPUTS}/sources.csv">来源</a>',
    ]
    # the printed edition: hidden until the site holds the PDF (planeval.book.pdflink sets it on the site)
    printed = (f'<li class="pdf-item" hidden data-pdf="{esc(pdf)}">打印版：'
               f'<span class="pdf-download">{esc(rep.title)}（PDF）</span></li>')
    return ('<ul class="downloads">' + "".join(f"<li>{i}</li>" for i in items) + printed + "</ul>"
            f'<p class="print-only">评估结果、数值使用记录、输入数据和打印版可从本报告的网页版{where}下载。</p>')
