"""Reader pages hold only reader material (issue 25 point 7): the free text of a plan folder that the pages print
is plain Chinese an official reads without the data files beside it. No file name (见 breaks.csv …), no
`column=value`, no id of the plan (m04, t2_24, ctx_…, a source or break id) and no English word other than a
short list of units and acronyms a Chinese official text itself uses.

Two kinds of printed text are checked. OURS: written by the analyst (the 说明 of a value on the data page and in
the chart tooltips, the basis labels the engine's notes quote, the responsibility basis, commentary): every rule
applies. PUBLISHED: the publisher's or the plan's own words (quotes, titles, names as printed): never edited, so
only the rules no publisher's sentence can break (file names of this project, `key=value`, our ids) apply. The
maintainers' columns (indicators/sources/projects/breaks `note`, series `description`, `inferred` …) are not
printed (planeval/data/schema.yml says so per table) and are not checked here."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from planeval import paths

# Columns the pages print, by table (planeval/report: datapage.notes_table and chartdata for observations.note;
# engine/series.py and engine/result.py quote observations.revision and breaks what/old_label/new_label in the
# notes of a verdict; targetpage.request_html prints responsibility; commentary.py prints commentary as written).
OURS = {"observations": ("note", "revision"), "breaks": ("what", "old_label", "new_label"),
        "responsibility": ("department", "basis"), "commentary": ("text",), "series": ("name_zh",)}
PUBLISHED = {"observations": ("quote", "value_text"), "breaks": ("quote",), "claims": ("quote",),
             "indicators": ("name_zh", "unit", "source_ref", "group_zh", "quote", "baseline_text", "target_text",
                            "annual_growth_text"),
             "sources": ("title", "publisher"), "projects": ("column_ref", "section", "name_zh", "promise", "quote"),
             "project_progress": ("quote",), "reference_verdicts": ("quote",)}
# Latin letters an official Chinese text itself prints (units, acronyms, standard numbers), nothing else.
ALLOWED = ("PM2.5", "GDP", "CPI", "PPI", "R&D", "GB/T")
FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|ya?ml|png|jpe?g|pdf|txt|json|xlsx?|ipynb|py|md)\b", re.I)
KEY_VALUE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\s*=\s*[^\s=]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
PLANS = sorted([p for p in paths.DATA.iterdir() if (p / "plan.yml").exists()]
               + [p for p in (paths.ROOT / "tests" / "fixtures" / "plans").iterdir() if (p / "plan.yml").exists()])


def plan_ids(folder) -> set[str]:
    """Every id a maintainer writes in the plan folder: targets, context series, sources, breaks, projects, claims."""
    ids = set()
    for table, column in (("indicators", "id"), ("series", "id"), ("sources", "source_id"), ("breaks", "break_id"),
                          ("projects", "project_id"), ("claims", "claim_id")):
        path = folder / f"{table}.csv"
        if path.exists():
            ids |= set(pd.read_csv(path, dtype=str, keep_default_na=False)[column]) - {""}
    return ids


def problems(text: str, ids: set[str], ours: bool, allowed=ALLOWED) -> list[str]:
    """What in ``text`` is maintainers' material, each piece once (empty list: reader material)."""
    found = []
    for pattern in (FILE_NAME, KEY_VALUE):
        found += pattern.findall(text)
        text = pattern.sub(" ", text)
    found += [w for w in re.findall(r"[A-Za-z0-9_]+", text) if w in ids]
    if ours:
        text = re.sub(r"[A-Za-z0-9_]+", lambda m: " " if m.group() in ids else m.group(), text)
        for word in allowed:
            text = text.replace(word, " ")
        found += LATIN_WORD.findall(text)
    return found


def printed_cells(folder):
    """(file, row, column, text, ours, the row's id) of every printed free-text cell of the plan folder."""
    for table in sorted(set(OURS) | set(PUBLISHED)):
        path = folder / f"{table}.csv"
        if not path.exists():
            continue
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        key = next((c for c in ("indicator_id", "id") if c in frame.columns), None)
        for column in OURS.get(table, ()) + PUBLISHED.get(table, ()):
            if column not in frame.columns:
                continue
            for n, (text, row_id) in enumerate(zip(frame[column], frame[key] if key else [""] * len(frame)), 2):
                if text:
                    yield path.name, n, column, text, column in OURS.get(table, ()), row_id


# The SYNTHETIC fixture's markup series carries hostile markup (code fences, roles, <script>) that must be shown as
# written (tests/test_synthetic_plan.py): its Latin words are the test, not a slip. Ids and file names still count.
HOSTILE = {"ctx_syn_markup"}


@pytest.mark.parametrize("folder", PLANS, ids=lambda p: p.name)
def test_printed_text_holds_no_maintainers_material(folder):
    synthetic = folder.parent.name == "plans"
    # a SYNTHETIC fixture says so in every text a reader of a test build sees: the word is the marker, not a slip
    allowed = ALLOWED + (("SYNTHETIC",) if synthetic else ())
    ids = plan_ids(folder)
    found = [f"{f}:{n}:{c}: {bad} in {text[:60]!r}" for f, n, c, text, ours, row_id in printed_cells(folder)
             if (bad := problems(text, ids, ours and not (synthetic and row_id in HOSTILE), allowed))]
    assert found == []


@pytest.mark.parametrize("text, ours, expected", [
    ("第七次全国人口普查后口径（见 breaks.csv census7_urban）。", True, ["breaks.csv", "census7_urban"]),
    ("同年终值另列（release final）。", True, ["release", "final"]),
    ("按单月记（months_covered=1）", True, ["months_covered=1"]),
    ("按不变价的增速见 m04。", True, ["m04"]),
    ("名义增速（our reading）", True, ["our", "reading"]),
    ("R&D经费支出占GDP比重，PM2.5浓度，按GB/T 28398-2023调整", True, []),
    ("镜像中为 Markdown 表格", False, []),            # a publisher's words: only our own material is refused
    ("图片转录（原图 W020250228306575336348_ORIGIN.png）", False, ["W020250228306575336348_ORIGIN.png"]),
])
def test_the_check_finds_what_it_should(text, ours, expected):
    assert problems(text, {"m04", "census7_urban"}, ours) == expected


def test_every_printed_column_is_a_column_of_its_table():
    """A renamed column must not leave the check above looking at nothing."""
    from planeval.data.schema import table_columns

    for table, columns in list(OURS.items()) + list(PUBLISHED.items()):
        assert set(columns) <= set(table_columns(table)), table


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: no scripts or styles (a chart's data), no tags, entities decoded."""
    import html

    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.mark.parametrize("plan", sorted(f.name for f in paths.plan_folders()))
def test_target_cards_name_no_id_or_file(plan):
    """The cards word the engine's facts for readers: a source is named by its title (in the table of values used),
    never by our id (the verdict step said （来源 plan_14th）, a superseded value 已被更新发布的数值取代（final_2024…）)."""
    from planeval.config import load_plan
    from planeval.report import targetpage
    from planeval.report.context import open_report

    cfg = load_plan(plan)
    rep = open_report(str(cfg.folder), cfg.default_edition)
    ids = plan_ids(cfg.folder)
    found = {}
    for name, page in targetpage.render(rep).items():
        text = visible_text(page) if name.endswith(".html") else re.sub(r"<[^>]+>|\([^)]*\.html\)", " ", page)
        bad = [w for w in re.findall(r"[A-Za-z0-9_]+", text) if w in ids] + FILE_NAME.findall(text)
        if bad:
            found[name] = sorted(set(bad))
    assert found == {}


def test_an_imports_change_is_worded_on_the_card():
    """The card's history lists what an import changed in words (修订), not the changelog's code (revised)."""
    from synthetic import OBS_DEFAULTS, REG_DEFAULTS, report_for

    from planeval.report import targetpage

    rep = report_for(pd.DataFrame([{**REG_DEFAULTS, "id": "x", "baseline_value": 1, "target_value": 2}]),
                     pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": "x", "year": 2023, "value": 1.5}]))
    cards = targetpage.Cards(rep, {2023: rep.results})
    cards.changelog = pd.DataFrame([{"imported_at": "2026-01-02 10:00:00", "file": "SYNTHETIC回报表", "indicator_id": "x",
                                     "year": "2023", "change": "revised", "old_value": "1.4", "new_value": "1.5"}])
    text = visible_text(cards.history_table("x", "main"))
    assert "修订" in text and "revised" not in text


def test_annual_targets_without_a_same_year_target_name_the_years_not_the_series_id():
    """SYNTHETIC: actual 2023, annual targets set for 2021 and 2022 only. The reason said （对比序列 ctx_t）."""
    from synthetic import PLAN, obs, reg

    from planeval.engine import assess_all

    row = reg(target_form="annual_targets", related_id="ctx_t", target_value=None, baseline_value=2.3)
    goals = obs((2021, 6.0), (2022, 5.5), indicator_id="ctx_t")
    r = assess_all(row, pd.concat([obs((2023, 5.2)), goals]), 2023, PLAN).iloc[0]
    assert r["reason"] == "没有与实际值同年的年度预期目标（年度预期目标只有2021、2022年的）"
