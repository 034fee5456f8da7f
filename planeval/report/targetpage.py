"""One page per target (指标卡): the plan's words, every value used and not used with why, the arithmetic with the
numbers plugged in (planeval.report.arithmetic, from the engine's audit record), the rule and its published
anchor, the verdict in every edition so far, the data request and the analyst's comments.

The cards are static HTML written by the build (planeval.book.targets), not notebooks: a kernel or a Sphinx page
per target would cost a second or more each. The list of cards (``index_markdown``) is a page of the book, so
the site's search finds a target by name there, and the PDF numbers the cards (指标卡 N)."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .. import paths
from ..engine import assess_all
from ..engine.rules import load_rules
from ..engine.values import g
from ..labels import label
from . import arithmetic
from .context import Report
from ..files import write_atomic
from .fmt import esc, fold, html_table, is_missing, keep_figures, link, md, value_with_unit
from .tables import CARDS, baseline_text, card_href, card_numbers, chip, name_with_unit, target_display

FOLDER = CARDS                    # book/targets/<id>.html, beside the chapter pages
INDEX = "targets"                 # book/targets.md: the list of cards, a page of the book
CHART_FORMS = ("level", "city_assigned", "ceiling", "floor", "cumulative")
USED_GROUPS = {"observations_used": "本指标", "related_observations_used": "对比序列", "lower_bounds_used": "下限值",
               "baseline_used": "起点"}   # the audit's lists of values used, and what each is used as
LIST_OPEN_UP_TO = 40   # the list page shows a table's cards open up to this many (a plan's main table), folds longer ones
EXACT = 6  # decimals of a value as recorded (trailing zeros dropped): the arithmetic above quotes it unrounded


@lru_cache(maxsize=1)
def CHART_CODE_KEY() -> bytes:  # noqa: N802 (a constant of the run)
    """The code that draws a chart: a cached chart is stale when it changes."""
    here = Path(__file__).parent
    return b"".join((here / f).read_bytes() for f in ("charts.py", "chartdata.py", "fmt.py"))


def where_in_plan(table_name: str, source_ref) -> str:
    """The table and the place in the plan, the place once when the table's name already gives it
    (发展目标（第一章第四节） and 第一章第四节)."""
    ref = "" if is_missing(source_ref) else str(source_ref)
    return table_name if not ref or ref in table_name else f"{table_name} {ref}"


def observed_ids(rep: Report, before: int) -> set:
    """Targets (and targets whose comparison series) with a value dated from the plan's first year to ``before``:
    the only ones an edition up to that year can have judged on data."""
    obs = rep.ds.observations
    have = set(obs[(obs["year"] >= rep.plan.period.start) & (obs["year"] <= before)]["indicator_id"])
    reg = rep.ds.registry
    return set(reg[reg["id"].isin(have) | reg["related_id"].isin(have)]["id"])


def history(rep: Report) -> dict[int, pd.DataFrame]:
    """The verdicts of the earlier editions of the plan period (年度监测 … 中期评估), from today's data. Only the
    targets with a value in the period by then are judged again (the others had no data in any earlier
    edition, which the card says): the engine costs ~10 ms a target and a year."""
    out = {rep.eval_year: rep.results}
    ids = observed_ids(rep, rep.eval_year - 1)
    reg = rep.ds.registry
    subset = reg[reg["id"].isin(ids) & (reg["table"] != "previous")]
    for year in range(rep.plan.period.start, rep.eval_year):
        out[year] = assess_all(subset, rep.ds.observations, year, rep.plan, sources=rep.ds.sources,
                               breaks=rep.ds.table("breaks"), names=rep.ds.names) if len(subset) else rep.results.iloc[0:0]
    return out


class Cards:
    """Everything the cards of one edition read, looked up once."""

    def __init__(self, rep: Report, history: dict[int, pd.DataFrame]):
        self.rep = rep
        # every card reads its own rows: each table turned into rows once (a row of a wide table looked up by id
        # costs ~0.1 ms, several times a card)
        self.history = {y: _rows_by_id(f) for y, f in sorted(history.items())}
        self.results = _rows_by_id(rep.results)
        self.numbers = card_numbers(rep)
        self.obs = rep.ds.observations
        self.sources = rep.source_rows
        folder = rep.ds.folder
        log = folder / "changelog.csv"
        self.changelog = pd.read_csv(log, dtype=str).fillna("") if log.exists() else pd.DataFrame()
        self.resp = rep.ds.table("responsibility")
        self.comments = rep.ds.table("commentary")
        self.chapters = {c.id: c.title for c in rep.plan.chapters}
        self.observed = observed_ids(rep, rep.eval_year)
        self.observed_before = observed_ids(rep, rep.eval_year - 1)
        # every card looks up its own rows: grouped once, as scanning whole tables per card grows with the square
        # of the registry (rows keep their order in the file)
        self.obs_by_id = _groups(self.obs, "indicator_id")
        self.resp_by_id = _groups(self.resp, "indicator_id")
        self.comments_by_id = _groups(self.comments, "subject_id")
        self._source_cells: dict[str, str] = {}

    @property
    def changelog(self) -> pd.DataFrame:
        return self._changelog

    @changelog.setter
    def changelog(self, frame: pd.DataFrame) -> None:
        """The imports log, with its rows grouped by target once (set again, e.g. by a test: grouped again)."""
        self._changelog = frame
        self.changelog_by_id = _groups(frame, "indicator_id")

    # ------------------------------------------------------------------------------------------ parts
    def source_cell(self, source_id: str) -> str:
        """The source's title (linked), date and grade: the same cell on every card citing it, made once."""
        cell = self._source_cells.get(source_id)
        if cell is None:
            cell = self._source_cells[source_id] = self._source_cell(source_id)
        return cell

    def _source_cell(self, source_id: str) -> str:
        if source_id not in self.sources.index:
            return esc(source_id)
        s = self.sources.loc[source_id]
        date = "" if is_missing(s["publication_date"]) else f"，{s['publication_date']}"
        grade = label("source_kind", s["source_kind"]) if not is_missing(s.get("source_kind")) else ""
        return f"{link(s['title'], s['url'])}{keep_figures(esc(date))}" + (f'<span class="tc-grade">{esc(grade)}</span>' if grade else "")

    def quote_of(self, ids, u: dict) -> str:
        """The sentence a value was read from: its observation row (indicator, year, source, kind)."""
        found = [self.obs_by_id[i] for i in dict.fromkeys(ids) if i in self.obs_by_id]
        # one indicator's rows; with a comparison series too, the whole table in file order (rare)
        o = found[0] if len(found) == 1 else self.obs[self.obs["indicator_id"].isin(ids)] if found else self.obs.iloc[0:0]
        hit = o[(o["year"] == u["year"]) & (o["source_id"] == u["source_id"])
                & (o["value_kind"] == u.get("kind", "level"))]
        if len(hit) > 1 and u.get("value") is not None:
            value = u.get("published_value", u["value"])
            exact = hit[(hit["value"] - value).abs() < 1e-9]
            hit = exact if len(exact) else hit
        return "" if hit.empty or is_missing(hit.iloc[0]["quote"]) else str(hit.iloc[0]["quote"])

    def used_table(self, reg, audit: dict) -> str:
        ids = [reg["id"]] + ([reg["related_id"]] if not is_missing(reg.get("related_id")) else [])
        rows = []
        for key, role in USED_GROUPS.items():
            for u in audit.get(key, []):
                value = value_with_unit(u["value"], reg["unit"] if key != "related_observations_used" else "%", EXACT)
                if u.get("rebased"):
                    link_ = u["rebased"][0]
                    value += (f"（公布值{g(u['published_value'])}，按{link_['year']}年新旧口径之比 {g(link_['new'])} ÷ "
                              f"{g(link_['old'])} = {link_['factor']:.4f} 换算）")
                if u.get("period_start_year"):
                    value = f"{u['period_start_year']}—{u['year']}年" + value
                rows.append({"year": u["year"], "role": role, "value": value, "scope": u.get("scope", ""),
                             "release": label("release", u["release"]) if u.get("release") else "来源未说明",
                             "source": self.source_cell(u["source_id"]), "quote": self.quote_of(ids, u)})
        v = audit.get("verdict_used")
        if v:
            rows.append({"year": v["year"], "role": "结论", "value": label("verdict", v["verdict"]), "scope": "",
                         "release": "—", "source": self.source_cell(v["source_id"]),
                         "quote": self.quote_of(ids, {**v, "kind": "level", "value": None})})
        if not rows:
            return '<p class="empty-table">没有用于评估的数值。</p>'
        return html_table(rows, [("year", "年份"), ("role", "用途"), ("value", "数值"), ("scope", "口径"),
                                 ("release", "发布阶段"), ("source", "来源"), ("quote", "原文")],
                          raw={"source"}, key="year", css="report-table tc-used")

    def unused_table(self, reg, audit: dict) -> str:
        # A value used as the start (a year before the window, so the engine also lists it as context) is shown
        # once, among the values used: a reader must not find the same figure both used and not used.
        used = {(u["year"], u["source_id"], u.get("value")) for key in USED_GROUPS if key != "related_observations_used"
                for u in audit.get(key, [])}
        rows = []
        for key in ("excluded", "context_only"):
            for x in audit.get(key, []):
                if key == "context_only" and (x["year"], x["source_id"], x.get("value")) in used:
                    continue
                why = x["why"]
                if key == "context_only" and self.is_printed_baseline(reg, x):
                    # the same figure as the plan's baseline, which is the start: a reader must not read it as refused
                    why = f"与规划所列{x['year']}年基期值相同；计算以规划所列基期值为起点，本数值只作核对"
                rows.append({"year": x["year"], "value": value_with_unit(x["value"], reg["unit"], EXACT),
                             "scope": x.get("scope", ""), "source": self.source_cell(x["source_id"]), "why": why})
        for v in audit.get("context_verdicts", []):
            rows.append({"year": v["year"], "value": label("verdict", v["verdict"]), "scope": "",
                         "source": self.source_cell(v["source_id"]), "why": v.get("why", "原文未单列本指标，只作背景")})
        if not rows:
            return '<p class="empty-table">没有未采用的数值。</p>'
        rows.sort(key=lambda r: r["year"])
        return html_table(rows, [("year", "年份"), ("value", "数值"), ("scope", "口径"), ("source", "来源"),
                                 ("why", "未采用的原因")], raw={"source"}, key="year", css="report-table tc-unused")

    @staticmethod
    def is_printed_baseline(reg, x: dict) -> bool:
        """A value before the window equal to the plan's printed baseline of that year."""
        if is_missing(reg.get("baseline_year")) or is_missing(reg.get("baseline_value")) or x.get("value") is None:
            return False
        return int(reg["baseline_year"]) == int(x["year"]) and abs(float(reg["baseline_value"]) - float(x["value"])) < 1e-9

    def steps_html(self, r: dict, audit: dict, unit: str) -> str:
        lines = arithmetic.steps(r, audit, unit)
        if not lines:
            return '<p>没有可以代入计算的数值（原因见上）。</p>'
        anchors = load_rules()["anchors"]
        items = []
        for text, key in lines:
            rule = (f'<span class="tc-rule">依据（{esc(label("threshold", key))}）：{esc(anchors[key])}</span>'
                    if key and key in anchors else "")
            items.append(f"<li>{esc(text)}{rule}</li>")
        return f'<ol class="tc-steps">{"".join(items)}</ol>'

    def history_table(self, indicator_id: str, table: str) -> str:
        rows = []
        rep = self.rep
        if table == "previous":
            return "<p>上一规划期的目标按其目标年的数据判断，只有一个结论（见上）。</p>"
        for year, frame in self.history.items():
            if indicator_id not in frame:
                continue
            h = frame[indicator_id]
            rows.append({"year": f"{year}年", "kind": label("edition_kind", rep.plan.edition_kind(year)),
                         "status": chip(h["status"], h["status_zh"]), "reason": h["reason"]})
        earlier = [y for y in self.history if y < rep.eval_year]
        if earlier and indicator_id not in self.observed_before:
            rows.insert(0, {"year": f"{earlier[0]}—{earlier[-1]}年" if len(earlier) > 1 else f"{earlier[0]}年",
                            "kind": "各版", "status": "—", "reason": "当时规划期内尚无本指标的数据"})
        if indicator_id in self.changelog_by_id:
            unit = "" if is_missing(self.rep.reg(indicator_id)["unit"]) else str(self.rep.reg(indicator_id)["unit"])
            for _, c in self.changelog_by_id[indicator_id].iterrows():
                # the file's name, not the path it was imported from on the compiler's machine; the change in words
                old, new = (value_with_unit(float(v), unit) if v else "—" for v in (c["old_value"], c["new_value"]))
                rows.append({"year": f"{c['imported_at'][:10]}导入", "kind": f"数据导入（{Path(c['file']).name}）",
                             "status": esc(f"{c['year']}年数值：{old} → {new}"),
                             "reason": label("change", c["change"])})
        return html_table(rows, [("year", "版本"), ("kind", "类别"), ("status", "评估结论"), ("reason", "依据")],
                          raw={"status"}, key="year", css="report-table tc-history")

    def request_html(self, indicator_id: str) -> str:
        parts = []
        for _, x in (self.resp_by_id[indicator_id].iterrows() if indicator_id in self.resp_by_id else ()):
            state = "已确认" if x["assignment"] == "confirmed" else "建议，待确认"
            parts.append(f"<p>责任单位：{esc(x['department'])}（{state}）"
                         + (f"；依据：{esc(x['basis'])}" if not is_missing(x.get("basis")) else "") + "</p>")
        for _, c in (self.comments_by_id[indicator_id].iterrows() if indicator_id in self.comments_by_id else ()):
            by = "，".join(str(x) for x in (c.get("author"), c.get("date")) if not is_missing(x))
            parts.append(f'<blockquote class="tc-comment">{esc(c["text"])}' +
                         (f"<footer>{esc(by)}</footer>" if by else "") + "</blockquote>")
        return "".join(parts) or "<p>尚未指定责任单位，也没有分析意见。</p>"

    def chart_html(self, r: dict, reg, audit: dict) -> str:
        """The chart of actual against planned path, as on the chapter page. Drawing a chart with altair costs
        ~50 ms, so each is kept under _build/card-cache/ by the hash of its data and of the chart code."""
        rep = self.rep
        if reg["target_form"] not in CHART_FORMS or reg["id"] not in self.observed:
            return ""
        from .chartdata import SERIES_ACTUAL, chart_frame

        first = audit.get("first_scored_year", rep.plan.period.start)
        data = chart_frame(pd.Series(r), rep.observations_of(reg["id"]), rep.ds.sources, reg, rep.plan.compatible_scopes, first)
        if data.empty or not data["series"].str.startswith(SERIES_ACTUAL).any():
            return ""
        target = None if pd.isna(reg["target_value"]) else float(reg["target_value"])
        args = {"title": str(reg["name_zh"]), "unit": None if is_missing(reg["unit"]) else str(reg["unit"]),
                "target_value": target, "target_year": None if is_missing(reg["target_year"]) else int(reg["target_year"])}
        key = hashlib.sha256(data.to_json(orient="records", force_ascii=False).encode() + json.dumps(args).encode()
                             + CHART_CODE_KEY()).hexdigest()[:32]
        cached = paths.BUILD / "card-cache" / f"{key}.html"
        if cached.exists():
            return cached.read_text(encoding="utf-8")
        from .charts import _offline_renderer, indicator_chart

        chart = indicator_chart(data, **args)
        text = _offline_renderer(chart.to_dict(validate=False))["text/html"]
        write_atomic(cached, text.encode("utf-8"))
        return text

    # ------------------------------------------------------------------------------------------ page
    def page(self, indicator_id: str, book_title: str) -> str:
        rep, reg = self.rep, self.rep.reg(indicator_id)
        r = dict(self.results[indicator_id])
        audit = json.loads(r.get("audit") or "{}")
        n = self.numbers[indicator_id]
        name = name_with_unit(reg)
        unit = "" if is_missing(reg["unit"]) else str(reg["unit"])
        verify = r.get("verify")
        verdict = chip(r["status"], r["status_zh"]) + (     # a space: the chip and the mark never run together
            f' <span class="verify">{esc(label("flag", "verify"))}：{esc(verify)}</span>' if not is_missing(verify) else "")
        outlook = "" if r["outlook"] in ("final", "not_assessable") else f"<p>展望：{esc(r['outlook_zh'])}</p>"
        notes = "".join(f'<li>{esc(label("flag", x["kind"]))}：{esc(x["text"])}</li>' for x in rep.notes(r)
                        if x["kind"] != "verify")
        chapter = reg["chapter"] if reg["table"] != "previous" else None
        where = (f'<a href="../{esc(chapter)}.html">{esc(self.chapters.get(chapter, chapter))}</a>' if chapter in self.chapters
                 else '<a href="../retrospective.html">上一规划期回顾</a>' if reg["table"] == "previous" else "")
        plan_rows = [("规划原文", esc(f"“{reg['quote']}”") if not is_missing(reg.get("quote")) else "—"),
                     ("出处", esc(where_in_plan(rep.table_name(reg["table"]), reg["source_ref"]))),
                     ("单位", esc(unit or "—")), ("指标属性", esc(reg["attribute"] or "—")),
                     ("目标类型", esc(form_words(reg))),
                     ("基期", esc(baseline_text(reg))), ("目标", esc(f"{target_display(reg)}（{reg['target_year']}年）"
                                                                   if not is_missing(reg["target_year"]) else target_display(reg)))]
        plan_dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in plan_rows)
        kind = label("edition_kind", rep.kind)
        kind = kind.get("name") if isinstance(kind, dict) else kind
        edition = f"{rep.eval_year}年{kind}"
        if reg["table"] == "previous" and rep.plan.previous:
            # a previous plan's target is judged once, in the retrospective, on its own target year's data: not a
            # verdict of this edition on this plan
            prev = rep.plan.previous
            edition = f"{prev.short_name}的目标，在本报告附录{prev.short_name}回顾中按{prev.period.end}年的数据判断"
        body = f"""<header class="tc-top"><a href="../index.html">{esc(book_title)}</a> › {where} › <a href="../{INDEX}.html">指标卡</a></header>
<main class="tc-main" id="target-{esc(indicator_id)}">
<p class="tc-no">指标卡 {n}</p>
<h1>{esc(name)}</h1>
<section class="tc-verdict"><p>{esc(edition)}：{verdict}</p>{outlook}<p>{esc(r.get("reason") or "")}</p>
{f'<ul class="tc-notes">{notes}</ul>' if notes else ""}</section>
<h2>规划怎么说</h2>
<dl class="tc-plan">{plan_dl}</dl>
<h2>怎么算的</h2>
<p class="tc-form">{esc(form_words(reg))}。数字均取自评估引擎的审计记录；规则与阈值见<a href="../methodology.html">评估方法</a>。</p>
{self.steps_html(r, audit, unit)}
{self.chart_html(r, reg, audit)}
<h2>采用的数值</h2>
{self.used_table(reg, audit)}
<h2>未采用的数值及原因</h2>
{self.unused_table(reg, audit)}
<h2>各版评估结论</h2>
{self.history_table(indicator_id, reg["table"])}
<h2>数据征集与分析意见</h2>
{self.request_html(indicator_id)}
<p class="tc-foot">本页由数据和评估记录自动生成，不手工编辑。</p>
</main>"""
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>指标卡{n}：{esc(reg['name_zh'])}（{esc(rep.table_name(reg['table'], short=True))}） · {esc(book_title)}</title>
<link rel="stylesheet" href="../../_static/report.css"><link rel="stylesheet" href="../../_static/targets.css">
<script src="../../_static/vega-bundle.js"></script></head>
<body class="tc-page">
{body}
</body></html>
"""

    def index_markdown(self) -> str:
        """The list of cards, by the plan's tables: a page of the book (the site's search finds a target's name here;
        the PDF prints it, and its status tables give each target's card number)."""
        rep = self.rep
        previous = sum(rep.reg(i)["table"] == "previous" for i in self.numbers)
        count = f"共{len(self.numbers)}项"
        if previous and rep.plan.previous:
            # the previous plan's targets are cards too, but not targets of this plan: the count says so
            prev = rep.plan.previous.short_name
            count += (f"：{md(rep.plan.short_name)}的目标{len(self.numbers) - previous}项，"
                      f"另有上一规划（{md(prev)}）的目标{previous}项（在附录{md(prev)}回顾中评估）")
        where = f"（{md(rep.plan.site_url)}）" if rep.plan.site_url else ""
        parts = [f"# 指标卡\n\n每项目标一页：规划原文，采用和未采用的数值及原因，代入数字的计算过程，所用规则及其依据，各版评估结论。"
                 f"{count}，按{md(rep.plan.short_name)}目标登记表的顺序编号。"
                 # on paper nothing can be clicked: the print says where the cards are (planeval.book.paper)
                 f'<span class="web-only">点击指标名称打开指标卡；打印版的各表在指标名称后注明卡号。</span>'
                 f'<span class="print-only">本打印版各表在指标名称后注明的“指标卡N”即下列第N项；指标卡全文见本报告网页版{where}。</span>\n']
        by_table: dict[str, list] = {}
        for indicator_id, n in self.numbers.items():
            by_table.setdefault(rep.reg(indicator_id)["table"], []).append((indicator_id, n))
        for table, items in by_table.items():
            lis = []
            for indicator_id, n in items:
                r, reg = self.results[indicator_id], rep.reg(indicator_id)
                lis.append(f'<li value="{n}"><a class="card-link" href="{card_href(indicator_id)}">'
                           f'{esc(name_with_unit(reg))}</a> {chip(r["status"], r["status_zh"])}</li>')
            listing = f'<ol class="tc-list">{"".join(lis)}</ol>'
            if len(items) > LIST_OPEN_UP_TO:   # a hundred names are ten screens of a phone: folded, as in the chapters
                listing = fold(listing, f"{len(items)}张指标卡", len(items))
            parts.append(f"## {md(rep.table_name(table))}（{len(items)}项）\n\n{listing}\n")
        return "\n".join(parts)


def form_words(reg) -> str:
    """The target's form as the card says it: a level target says which way is better for this target
    (达到目标水平（越高越好）), not the form's general «越高越好或越低越好»."""
    words = label("target_form", reg["target_form"])
    direction = reg.get("direction")
    if reg["target_form"] == "level" and direction in ("higher", "lower"):
        return f"{words.split('（')[0]}（{label('direction', direction)}）"
    return words


def _rows_by_id(frame: pd.DataFrame) -> dict[str, dict]:
    """Each row of a results table as a dict, by target id (the values a row looked up by id would hold)."""
    return {r["id"]: r for r in frame.to_dict("records")}


def _groups(frame: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    if not len(frame) or column not in frame.columns:
        return {}
    return {k: g for k, g in frame.groupby(column, sort=False)}


def render(rep: Report) -> dict[str, str]:
    """Every file of the edition's cards, by path under book/: the list (targets.md) and one page per target."""
    cards = Cards(rep, history(rep))
    out = {f"{INDEX}.md": cards.index_markdown()}
    for indicator_id in cards.numbers:
        out[f"{FOLDER}/{indicator_id}.html"] = cards.page(indicator_id, rep.title)
    return out
