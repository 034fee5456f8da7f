"""A plan's configuration (data/<plan>/plan.yml): name, territory and scopes, period, chapters, previous plan.

The package knows no plan: every district name, year, chapter and scope comes from here. Errors name the
file and the key to fix.
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import paths
from .data.schema import DataError, display_path



@dataclass(frozen=True)
class Chapter:
    id: str
    title: str
    short: str
    intro: str
    sections: tuple = ()


@dataclass(frozen=True)
class Scope:
    code: str
    label: str
    synonyms: tuple = ()
    compatible: bool = False


@dataclass(frozen=True)
class Period:
    start: int
    end: int

    @property
    def years(self) -> int:
        return self.end - self.start + 1

    @property
    def midpoint(self) -> int:
        """The year in which half the period has passed (the third year of a five-year period)."""
        return self.start + (self.end - self.start) // 2


@dataclass(frozen=True)
class PreviousPlan:
    short_name: str
    period: Period


@dataclass(frozen=True)
class PlanConfig:
    id: str
    folder: Path
    name: str
    short_name: str
    report_title: str
    issuer: str
    source_id: str
    period: Period
    baseline_year: int
    default_edition: int
    territory: str
    plan_scope: str
    scopes: tuple
    tables: dict
    chapters: tuple
    previous: PreviousPlan | None = None
    text: Path | None = None        # the plan's text as published: every registry quote is checked against it
    compiler: str = ""          # who compiled the report (plan.yml `compiler`; 评估工作情况 names it)
    compiled: str = ""          # when (plan.yml `compiled`, YYYY-MM-DD): a later year than the edition's = retrospective
    site_url: str = ""   # where the online edition is published (plan.yml site_url, optional): printed in the PDF

    # ---------------------------------------------------------------- editions
    def edition_kind(self, year: int) -> str:
        """年度监测 before (and after) the midpoint, 中期评估 at the midpoint, 总结评估 from the target year."""
        if year >= self.period.end:
            return "final"
        if year == self.period.midpoint:
            return "midterm"
        return "monitoring"

    def title_for(self, year: int) -> str:
        """The report's title for an edition: the plan's own title words, then the edition kind's name."""
        from .labels import label

        return f"{self.report_title}{label('edition_kind', self.edition_kind(year))}"

    def window(self, table: str) -> Period:
        """The period a target of ``table`` runs over: the previous plan's rows run over its own period."""
        return self.previous.period if table == "previous" and self.previous else self.period

    # ---------------------------------------------------------------- lists for the schema
    @property
    def chapter_ids(self) -> tuple:
        return tuple(c.id for c in self.chapters)

    def chapter(self, chapter_id: str) -> Chapter:
        return next(c for c in self.chapters if c.id == chapter_id)

    @property
    def scope_codes(self) -> tuple:
        return tuple(s.code for s in self.scopes)

    @property
    def compatible_scopes(self) -> tuple:
        """The plan scope first, then the other scopes that may stand beside it."""
        rest = [s.code for s in self.scopes if s.compatible and s.code != self.plan_scope]
        return (self.plan_scope, *rest)

    def scope_label(self, code: str) -> str:
        return next(s.label for s in self.scopes if s.code == code)

    def parse_scope(self, text: str) -> str | None:
        """A scope code from an analyst's words (code or synonym); None when nothing matches."""
        text = "".join(str(text).split())
        for s in self.scopes:
            if text == s.code or text in s.synonyms:
                return s.code
        # longer phrases that contain a code or a synonym (其中：区本级 …): the longest word found wins, so
        # 全区（不含高新区） is the scope of 不含高新区, not of 全区
        found = [(len(w), -i, s.code) for i, s in enumerate(self.scopes) for w in (s.code, *s.synonyms) if w in text]
        return max(found)[2] if found else None

    def plan_lists(self) -> dict:
        """The `plan:` vocabularies the schema refers to."""
        return {"chapters": self.chapter_ids, "scopes": self.scope_codes}


def _require(raw: dict, key: str, file: str, kind=None):
    if key not in raw or raw[key] in (None, ""):
        raise DataError(file, column=key, expected=f"a value for `{key}` in the plan's config")
    value = raw[key]
    if kind is not None and not isinstance(value, kind):
        raise DataError(file, column=key, value=value, expected=f"`{key}` as {kind.__name__}")
    return value


def _period(raw, file: str, key: str) -> Period:
    if not isinstance(raw, dict) or not isinstance(raw.get("start"), int) or not isinstance(raw.get("end"), int):
        raise DataError(file, column=key, value=raw, expected="{start: <year>, end: <year>}")
    if raw["start"] > raw["end"]:
        raise DataError(file, column=key, value=raw, expected="a start year not after the end year")
    return Period(raw["start"], raw["end"])


def _tables(raw: dict, file: str) -> dict:
    """The plan's tables (the `table` column of indicators.csv): each with the name the plan gives it."""
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("short"):
            raise DataError(file, column=f"tables.{key}", value=entry,
                            expected="{name: <the table's name as the plan prints it>, short: <a short name>}")
    return dict(raw)


def load_plan(plan: str | Path) -> PlanConfig:
    """The plan config of ``plan`` (a folder name under data/, or a path to a plan folder)."""
    folder = Path(plan) if Path(plan).is_dir() or "/" in str(plan) else paths.plan_dir(str(plan))
    return _load_plan(folder.resolve())


@lru_cache(maxsize=8)
def _load_plan(folder: Path) -> PlanConfig:
    path = folder / "plan.yml"
    file = display_path(path)
    if not path.exists():
        raise DataError(file, expected="a plan folder with a plan.yml (see README: starting a new plan)")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DataError(file, expected=f"valid YAML ({exc})") from None
    period = _period(_require(raw, "period", file), file, "period")
    baseline = _require(raw, "baseline_year", file, int)
    if baseline >= period.start:
        raise DataError(file, column="baseline_year", value=baseline, expected=f"a year before {period.start}")
    territory = _require(raw, "territory", file, dict)
    scopes_raw = _require(territory, "scopes", file + " territory", dict)
    scopes = tuple(Scope(code=str(code), label=str((spec or {}).get("label", code)),
                         synonyms=tuple(str(s) for s in (spec or {}).get("synonyms", [])),
                         compatible=bool((spec or {}).get("compatible", False)))
                   for code, spec in scopes_raw.items())
    plan_scope = _require(territory, "plan_scope", file + " territory")
    if plan_scope not in scopes_raw:
        raise DataError(file, column="territory.plan_scope", value=plan_scope, expected="one of territory.scopes")
    chapters = []
    for i, c in enumerate(_require(raw, "chapters", file, list)):
        where = f"{file} chapters[{i}]"
        chapters.append(Chapter(id=_require(c, "id", where, str), title=_require(c, "title", where, str),
                                short=str(c.get("short", c["title"])), intro=str(c.get("intro", "")).strip(),
                                sections=tuple(c.get("sections", []))))
    ids = [c.id for c in chapters]
    if len(set(ids)) != len(ids):
        raise DataError(file, column="chapters", value=ids, expected="unique chapter ids")
    previous = None
    if raw.get("previous_plan"):
        p = raw["previous_plan"]
        previous = PreviousPlan(short_name=_require(p, "short_name", file + " previous_plan", str),
                                period=_period(p.get("period"), file, "previous_plan.period"))
    default_edition = raw.get("default_edition", period.midpoint)
    if not isinstance(default_edition, int) or default_edition < period.start:
        raise DataError(file, column="default_edition", value=default_edition,
                        expected=f"a year from {period.start} on (an edition evaluates the plan's own years)")
    tables = _tables(_require(raw, "tables", file, dict), file)
    text = None
    if raw.get("text"):
        text = folder / str(raw["text"])
        if not text.is_file():
            raise DataError(file, column="text", value=raw["text"],
                            expected="the name of a file in the plan folder holding the plan's text (or no `text`)")
    site_url = str(raw.get("site_url") or "").strip()
    if site_url and not re.fullmatch(r"https?://[^\s/]+\.[^\s]*", site_url):
        raise DataError(file, column="site_url", value=site_url,
                        expected="the address of the online edition, starting with https:// (or leave it out)")
    return PlanConfig(id=str(raw.get("id", folder.name)), folder=folder, name=_require(raw, "name", file, str),
                      short_name=_require(raw, "short_name", file, str),
                      report_title=_require(raw, "report_title", file, str), issuer=str(raw.get("issuer", "")),
                      source_id=_require(raw, "source_id", file, str), period=period, baseline_year=baseline,
                      default_edition=default_edition, territory=_require(territory, "name", file, str),
                      plan_scope=plan_scope, scopes=scopes, tables=tables,
                      chapters=tuple(chapters), previous=previous, text=text, compiler=str(raw.get("compiler") or ""),
                      compiled=_date_text(raw.get("compiled"), file), site_url=site_url)


def _date_text(value, file: str) -> str:
    if value is None or value == "":
        return ""
    text = str(value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise DataError(file, column="compiled", value=text, expected="a date YYYY-MM-DD")
    return text


def default_plan() -> str:
    """The plan the committed book evaluates (book/report.yml)."""
    raw = yaml.safe_load(paths.BOOK_CONFIG.read_text(encoding="utf-8"))
    return str(raw["plan"])
