"""What the notebooks show: one call per table, chart or paragraph. Notebooks load, call and show;
everything computed lives here (and in the engine), where it is unit-tested."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from . import charts, vocab
from .chartdata import chart_frame
from .dataset import load_dataset
from .fmt import esc, html_table, is_missing, link, number, percent, ratio, target_display, value_with_unit

MAIN_PREFIX = "t2_"
NO_DATA = "暂无公开数据"


def _rules() -> dict:
    from .assess import load_rules

    return load_rules()


def status_colour(code: str) -> str:
    status = _rules().get("statuses", {}).get(code, {})
    return status.get("colour", "#bdbdbd")


def chip(code: str, label: str) -> str:
    """A status label that carries its meaning in text as well as colour."""
    colour = status_colour(code)
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    text = "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 150 else "#1a1a1a"  # readable on any fill
    return f'<span class="status-chip" style="background:{colour};color:{text}">{esc(label)}</span>'


def _result_text(o, unit: str) -> str:
    if is_missing(o["value"]):
        return vocab.VERDICTS.get(o["verdict"], "")
    if o["value_kind"] == "period_average_growth":
        return f"{int(o['period_start_year'])}—{int(o['year'])}年年均增长{float(o['value']):g}%"
    if o["value_kind"] == "period_total":
        return f"{int(o['period_start_year'])}—{int(o['year'])}年累计{value_with_unit(o['value'], unit)}"
    return value_with_unit(o["value"], unit)


@dataclass
class Edition:
    """One edition of the report: the data in ``data_dir`` judged as of ``eval_year``."""

    data_dir: str
    eval_year: int

    @cached_property
    def ds(self):
        return load_dataset(self.data_dir)

    @cached_property
    def results(self) -> pd.DataFrame:
        return self.ds.assess(self.eval_year)

    @cached_property
    def r14(self) -> pd.DataFrame:
        return self.results[self.results["plan"] == "14th"]

    @cached_property
    def main(self) -> pd.DataFrame:
        return self.r14[self.r14["id"].str.startswith(MAIN_PREFIX)]

    @cached_property
    def text_targets(self) -> pd.DataFrame:
        return self.r14[~self.r14["id"].str.startswith(MAIN_PREFIX)]

    @cached_property
    def retrospective(self) -> pd.DataFrame:
        return self.results[self.results["plan"] == "13th"]

    def registry_row(self, indicator_id: str) -> pd.Series:
        reg = self.ds.registry
        return reg[reg["id"] == indicator_id].iloc[0]

    @property
    def data_year(self):
        """The latest year any main indicator has data for (≤ eval_year)."""
        years = self.main["latest_year"].dropna()
        return int(years.max()) if len(years) else None

    # ---------------------------------------------------------------- tables
    def status_rows(self, frame: pd.DataFrame) -> list[dict]:
        rows = []
        for _, r in frame.iterrows():
            reg = self.registry_row(r["id"])
            latest = (f"{value_with_unit(r['latest_value'], reg['unit'])}（{int(r['latest_year'])}）"
                      if not is_missing(r["latest_year"]) and not is_missing(r["latest_value"]) else NO_DATA)
            baseline = (f"{reg['baseline_text'] or value_with_unit(reg['baseline_value'], reg['unit'])}"
                        f"（{int(reg['baseline_year'])}）" if not is_missing(reg["baseline_year"]) else "—")
            rows.append({
                "name": f"{reg['name_zh']}（{reg['unit']}）" if reg["unit"] and reg["unit"] not in reg["name_zh"] else reg["name_zh"],
                "attribute": reg["attribute"] or "—",
                "baseline": baseline,
                "target": target_display(reg),
                "latest": latest,
                "progress": percent(r.get("progress_share")),
                "time": percent(r.get("time_share")),
                "pace": ratio(r.get("pace_ratio")),
                "status": chip(r["status"], r["status_zh"]),
                "outlook": esc(r.get("outlook_zh") or "—"),
                "scope": "" if is_missing(r.get("scope_flag")) or not r.get("scope_flag") else f"⚠ {r['scope_flag']}",
                "id": r["id"],
            })
        return rows

    # The verdict comes right after the name so it stays visible when a phone scrolls the table sideways.
    STATUS_COLUMNS = [("name", "指标"), ("status", "评估结论"), ("latest", "最新值（年份）"), ("baseline", "基期值"),
                      ("target", "2025年目标"), ("progress", "完成进度"), ("time", "时间进度"),
                      ("pace", "进度比"), ("outlook", "2025年展望"), ("attribute", "属性"), ("scope", "口径提示")]

    def status_table(self, chapter: str | None = None, frame: pd.DataFrame | None = None, caption=None) -> str:
        frame = self.main if frame is None else frame
        if chapter:
            frame = frame[frame["chapter"] == chapter]
        return html_table(self.status_rows(frame), self.STATUS_COLUMNS, raw={"status", "outlook"},
                          numeric={"progress", "time", "pace"}, caption=caption)

    def scorecard(self) -> str:
        """All main indicators grouped by the plan's five groups (表2 一级指标)."""
        out = []
        for group, frame in self.main.assign(group=self.main["id"].map(
                lambda i: self.registry_row(i)["group_zh"])).groupby("group", sort=False):
            out.append(self.status_table(frame=frame, caption=f"{group}（{len(frame)}项）"))
        return "\n".join(out)

    def text_target_table(self, chapter: str) -> str:
        frame = self.text_targets[self.text_targets["chapter"] == chapter]
        rows = []
        for _, r in frame.iterrows():
            reg = self.registry_row(r["id"])
            has_data = not is_missing(r["latest_year"])
            rows.append({
                "name": reg["name_zh"], "ref": reg["source_ref"], "target": target_display(reg),
                "latest": (f"{value_with_unit(r['latest_value'], reg['unit'])}（{int(r['latest_year'])}）"
                           if has_data and not is_missing(r["latest_value"]) else NO_DATA),
                "status": chip(r["status"], r["status_zh"]),
            })
        return html_table(rows, [("name", "目标"), ("ref", "规划出处"), ("target", "2025年目标"),
                                 ("latest", "最新值（年份）"), ("status", "评估结论")], raw={"status"})

    def used_sources(self, ids) -> pd.DataFrame:
        obs = self.ds.observations[self.ds.observations["indicator_id"].isin(set(ids))]
        used = set(obs["source_id"]) | {"plan_14th"}
        return self.ds.sources[self.ds.sources["source_id"].isin(used)]

    def sources_table(self, chapter: str | None = None) -> str:
        ids = self.r14["id"] if chapter is None else self.r14[self.r14["chapter"] == chapter]["id"]
        rows = []
        for _, s in self.used_sources(ids).iterrows():
            rows.append({"title": link(s["title"], s["url"]), "publisher": s["publisher"],
                         "date": "" if is_missing(s["publication_date"]) else str(s["publication_date"]),
                         "kind": vocab.SOURCE_KINDS.get(s["source_kind"], s["source_kind"]),
                         "accessed": "" if is_missing(s["access_date"]) else str(s["access_date"])})
        return html_table(rows, [("title", "来源"), ("publisher", "发布机构"), ("date", "发布日期"),
                                 ("kind", "类别"), ("accessed", "访问日期")], raw={"title"})

    def observation_table(self, chapter: str) -> str:
        """Every number on the page with its source sentence and scope."""
        ids = set(self.r14[self.r14["chapter"] == chapter]["id"])
        obs = self.ds.observations[self.ds.observations["indicator_id"].isin(ids)].sort_values(["indicator_id", "year"])
        titles = self.ds.sources.set_index("source_id")
        rows = []
        for _, o in obs.iterrows():
            s = titles.loc[o["source_id"]]
            reg = self.registry_row(o["indicator_id"])
            value = (value_with_unit(o["value"], reg["unit"]) if not is_missing(o["value"])
                     else vocab.VERDICTS.get(o["verdict"], "") if not is_missing(o["verdict"]) else "—")
            rows.append({"name": reg["name_zh"], "year": int(o["year"]), "value": value, "scope": o["scope"],
                         "quote": o["quote"], "source": link(s["title"], s["url"])})
        return html_table(rows, [("name", "指标"), ("year", "年份"), ("value", "数值"), ("scope", "口径"),
                                 ("quote", "原文"), ("source", "来源")], raw={"source"}, numeric={"value"})

    # ---------------------------------------------------------------- charts
    def indicator_charts(self, chapter: str) -> list:
        out = []
        for _, r in self.main[self.main["chapter"] == chapter].iterrows():
            reg = self.registry_row(r["id"])
            frame = chart_frame(r, self.ds.observations[self.ds.observations["year"] <= self.eval_year],
                                self.ds.sources, reg)
            if not (frame["series"].str.startswith("实际值")).any():
                continue
            target = reg["target_value"] if not is_missing(reg["target_value"]) else None
            out.append(charts.indicator_chart(frame, title=f"{reg['name_zh']}：实际值与规划路径",
                                              unit=reg["unit"], target_value=target, target_year=reg["target_year"]))
        return out

    def pace_frame(self) -> pd.DataFrame:
        frame = self.main[self.main["progress_share"].notna() & self.main["time_share"].notna()]
        return pd.DataFrame({
            "name": [self.registry_row(i)["name_zh"] for i in frame["id"]],
            "progress": frame["progress_share"].astype(float).values,
            "time": frame["time_share"].astype(float).values,
            "pace": frame["pace_ratio"].astype(float).values,
            "status_zh": frame["status_zh"].values,
            "colour": [status_colour(s) for s in frame["status"]],
        })

    def pace_chart(self):
        return charts.pace_chart(self.pace_frame())

    # ---------------------------------------------------------------- coverage and gaps
    def coverage_table(self, frame: pd.DataFrame | None = None) -> str:
        frame = self.main if frame is None else frame
        years = list(range(2020, self.eval_year + 1))
        obs = self.ds.observations
        rows = []
        for _, r in frame.iterrows():
            reg = self.registry_row(r["id"])
            row = {"name": reg["name_zh"]}
            mine = obs[obs["indicator_id"] == r["id"]]
            for y in years:
                scopes = sorted(set(mine[mine["year"] == y]["scope"]))
                row[str(y)] = "、".join(scopes) if scopes else "缺"
                if not is_missing(reg["baseline_year"]) and int(reg["baseline_year"]) == y and not scopes:
                    row[str(y)] = "基期（规划）"
            rows.append(row)
        return html_table(rows, [("name", "指标")] + [(str(y), f"{y}年") for y in years])

    def gaps(self, frame: pd.DataFrame | None = None) -> pd.DataFrame:
        frame = self.main if frame is None else frame
        return frame[frame["latest_year"].isna()][["id", "name_zh"]]

    # ---------------------------------------------------------------- numbers for the prose
    def class_counts(self, frame: pd.DataFrame | None = None) -> dict:
        frame = self.main if frame is None else frame
        counts = frame["ndrc_class"].value_counts().to_dict()
        binding = frame[(frame["attribute"] == "约束性")]
        counts["lagging_binding"] = int((binding["ndrc_class"] == "lagging").sum())
        counts["total"] = len(frame)
        return counts

    def gap_table(self, chapter: str | None = None) -> str:
        frame = self.main if chapter is None else self.main[self.main["chapter"] == chapter]
        gaps = frame[frame["latest_year"].isna()]
        rows = [{"name": self.registry_row(i)["name_zh"], "reason": reason}
                for i, reason in zip(gaps["id"], gaps["reason"])]
        if not rows:
            return "<p>本章主要指标均有公开数据。</p>"
        return html_table(rows, [("name", "指标"), ("reason", "无法评估的原因")])

    def retrospective_table(self) -> str:
        rows = []
        for _, r in self.retrospective.iterrows():
            reg = self.registry_row(r["id"])
            obs = self.ds.observations[(self.ds.observations["indicator_id"] == r["id"])]
            result = "；".join(
                _result_text(o, reg["unit"]) for _, o in obs.sort_values("value_kind").iterrows()) or "—"
            rows.append({"group": reg["group_zh"], "name": reg["name_zh"], "unit": reg["unit"],
                         "target": reg["target_text"], "growth": reg["annual_growth_text"] or "",
                         "result": result,
                         # a final verdict at the target year: 完成/未完成, not the mid-term "提前完成"
                         "status": chip(r["status"], {"achieved": "完成", "missed": "未完成"}.get(r["status"], r["status_zh"])), "reason": r["reason"]})
        return html_table(rows, [("group", "分类"), ("name", "指标"), ("unit", "单位"), ("target", "2020年目标"),
                                 ("growth", "年均增长目标"), ("result", "2020年完成情况"),
                                 ("status", "引擎结论"), ("reason", "依据")], raw={"status"})

    # ---------------------------------------------------------------- showing
    def show_findings(self, chapter: str | None = None) -> None:
        from IPython.display import Markdown, display

        from .findings import findings_markdown

        frame = self.main if chapter is None else self.main[self.main["chapter"] == chapter]
        display(Markdown(findings_markdown(self, frame)))

    def show_charts(self, chapter: str) -> None:
        from IPython.display import display

        charts = self.indicator_charts(chapter)
        if not charts:
            from IPython.display import Markdown

            display(Markdown("本章主要指标在评估期内都没有公开发布的实际值，暂无可作图的数据（见下方“数据缺口”）。"))
        for chart in charts:
            display(chart)

    def show_methodology(self) -> None:
        from IPython.display import Markdown, display

        from .methodology import methodology_markdown

        display(Markdown(methodology_markdown()))

    def show_caveats(self) -> None:
        from IPython.display import Markdown, display

        from .methodology import caveats_markdown

        display(Markdown(caveats_markdown(self)))

    def show_changelog(self) -> None:
        from IPython.display import Markdown, display

        from .methodology import changelog_markdown

        display(Markdown(changelog_markdown(self.ds.data_dir, self.ds.names)))

    # ---------------------------------------------------------------- glue (numbers in the prose)
    def _glue(self, values: dict) -> None:
        from myst_nb import glue

        for key, value in values.items():
            glue(key, "—" if value is None else value, display=False)

    def chapter_numbers(self, chapter: str) -> dict:
        frame = self.main[self.main["chapter"] == chapter]
        with_data = frame["latest_year"].notna()
        years = frame["latest_year"].dropna()
        data_year = (f"本章主要指标的最新数据年份为{int(years.max())}年" if len(years)
                     else "本章主要指标尚无基期以来的公开数据")
        return {"eval_year": self.eval_year, "data_year": data_year,
                "on_track_ratio": _rules()["thresholds"]["on_track"],
                "n_main": len(frame), "n_with_data": int(with_data.sum()), "n_no_data": int((~with_data).sum())}

    def glue_chapter(self, chapter: str) -> None:
        self._glue(self.chapter_numbers(chapter))

    def overview_numbers(self) -> dict:
        c = self.class_counts()
        return {"eval_year": self.eval_year, "n_main": c["total"],
                "n_assessed": sum(c.get(k, 0) for k in ("achieved", "ahead", "on_track", "lagging")),
                "n_achieved": c.get("achieved", 0), "n_ahead": c.get("ahead", 0),
                "n_on_track": c.get("on_track", 0), "n_lagging": c.get("lagging", 0),
                "n_lagging_binding": c.get("lagging_binding", 0), "n_pending": c.get("pending", 0),
                "n_not_assessable": c.get("not_assessable", 0)}

    def glue_overview(self) -> None:
        self._glue(self.overview_numbers())

    def glue_front(self) -> None:
        self._glue({"eval_year": self.eval_year, "n_targets": len(self.r14), "n_main": len(self.main),
                    "n_retro": len(self.retrospective)})

    def retrospective_numbers(self) -> dict:
        s = self.retrospective["status"]
        return {"n_retro": len(s), "n_retro_achieved": int((s == "achieved").sum()),
                "n_retro_missed": int((s == "missed").sum()),
                "n_retro_na": int((~s.isin(["achieved", "missed"])).sum())}

    def glue_retrospective(self) -> None:
        self._glue(self.retrospective_numbers())

    def glue_data(self) -> None:
        self._glue({"n_sources": len(self.ds.sources), "n_observations": len(self.ds.observations)})

    # ---------------------------------------------------------------- downloads
    @staticmethod
    def pdf_name_for(eval_year: int) -> str:
        return f"yinzhou-14th-fyp-midterm-{eval_year}.pdf"

    def pdf_name(self) -> str:
        return self.pdf_name_for(self.eval_year)

    def show_downloads(self) -> None:
        """Links from book/index.html to the files published at the site root (see yinzhou_eval.publish)."""
        from IPython.display import Markdown, display

        display(Markdown("\n".join([
            "- 评估结果：<a href=\"../data/assessment.csv\">CSV</a>、<a href=\"../data/assessment.xlsx\">Excel</a>"
            "（每个登记目标一行，含状态、最新值、完成进度、进度比、展望和审计记录）",
            "- 输入数据：<a href=\"../data/input/indicators.csv\">目标登记表</a>、"
            "<a href=\"../data/input/observations.csv\">观测值</a>、<a href=\"../data/input/sources.csv\">来源</a>"
            "（每个表旁的 `.meta.yml` 说明各列）",
            f"- PDF 版：<a href=\"../pdf/{self.pdf_name()}\">{self.pdf_name()}</a>（由 `make pdf` 生成）",
        ])))
