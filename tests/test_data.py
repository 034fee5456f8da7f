"""The committed plan folder data/yinzhou-14th (the plan's numbers as the plan prints them, provenance on every
value) and the schema checks on load, exercised with the committed bad files in tests/bad_data/ (SYNTHETIC rows)."""
import re
import shutil

import pytest

from planeval import paths
from planeval.config import load_plan
from planeval.data.dataset import load_dataset
from planeval.data.observations import load_observations
from planeval.data.registry import load_registry
from planeval.data.schema import DataError

BAD = paths.ROOT / "tests" / "bad_data"
PLAN_DIR = paths.DATA / "yinzhou-14th"


@pytest.fixture(scope="module")
def ds():
    return load_dataset("yinzhou-14th")


def row(ds, indicator_id):
    return ds.registry.set_index("id").loc[indicator_id]


def test_every_row_of_both_plan_tables_is_registered(ds):
    tables = ds.registry["table"].value_counts().to_dict()
    assert tables["main"] == 32 and tables["previous"] == 30 and tables["goal"] == 6
    assert tables["text"] >= 70


@pytest.mark.parametrize("indicator_id, baseline_year, baseline, target, growth, operator", [
    ("t2_01", 2020, 2266.1, 3200, None, ">"),     # 地区生产总值（亿元）: 第一章 "突破3200亿元"
    ("t2_02", 2019, 21.96, 25, 0.51, "="),        # 全员劳动生产率（万元/人）* — 2019 value, footnote
    ("t2_04", 2019, 5.81, 7, 0.2, "="),           # 规上工业企业营业收入利润率*
    ("t2_08", 2020, 2.5, 3.6, 0.22, "="),         # R&D经费支出占GDP比重
    ("t2_09", 2020, 55, 70, 3, "="),              # 每万人拥有有效发明专利授权（件）
    ("t2_29", 2019, 88.9, 90, None, ">="),        # 营商环境便利度*: 第六章 "提高至90%以上"
])
def test_main_table_numbers_are_the_plans(ds, indicator_id, baseline_year, baseline, target, growth, operator):
    r = row(ds, indicator_id)
    assert (r["baseline_year"], r["baseline_value"], r["target_value"]) == (baseline_year, baseline, target)
    assert r["target_year"] == 2025 and r["target_operator"] == operator
    if growth is not None:
        assert r["annual_growth_value"] == growth


def test_every_table_quote_is_in_the_plan_text(ds):
    """Each registry quote is a passage of the plan (whitespace and the table's cell separators aside)."""
    text = re.sub(r"\s+", "", (PLAN_DIR / "plan_text.txt").read_text(encoding="utf-8"))
    missing = []
    for _, r in ds.registry.iterrows():
        parts = [re.sub(r"\s+", "", p) for p in str(r["quote"]).split("|")]
        if not all(p in text for p in parts if p):
            missing.append(r["id"])
    assert missing == []


def test_a_repeated_target_is_a_link_not_a_copy(ds):
    assert row(ds, "ch8_doctors_per_1000")["same_target_as"] == "t2_26"


def test_assigned_and_relational_rows_carry_no_invented_target(ds):
    reg = ds.registry
    special = reg[reg["target_form"].isin(["city_assigned", "relational"]) & reg["baseline_value"].isna()]
    assert len(special) >= 2 and special["target_value"].isna().all()
    assert set(reg.loc[reg["target_form"] == "relational", "related_id"]) <= set(ds.series["id"]) | set(reg["id"])


def test_text_targets_cover_every_chapter(ds):
    text = ds.registry[ds.registry["table"] == "text"]
    assert set(text["chapter"]) == set(ds.plan.chapter_ids)


def test_every_observation_has_a_listed_source_a_scope_and_a_quote(ds):
    obs = ds.observations
    assert obs["source_id"].isin(ds.sources["source_id"]).all()
    assert obs["scope"].isin(ds.plan.scope_codes).all() and obs["quote"].str.len().min() > 0


def test_scope_is_only_what_the_source_states(ds):
    """未直接注明 is not a scope a source states: such rows are 未注明 (an implied scope goes in the note)."""
    obs = ds.observations
    assert not (obs["scope_text"].fillna("").str.contains("未直接注明") & (obs["scope"] != "未注明")).any()


def test_an_inference_is_labelled(ds):
    obs = ds.observations
    revised = obs[obs["revision"].notna()]
    assert len(revised) and revised["inferred"].fillna("").str.contains("revision").all()   # no source states one
    attributed = obs[(obs["indicator_id"] == "t2_18") & obs["verdict"].notna()]
    assert attributed["inferred"].str.contains("indicator_id").all()


def test_every_source_has_a_title_and_kind_and_the_plan_is_one(ds):
    src = ds.sources.set_index("source_id")
    assert src.loc[ds.plan.source_id, "source_kind"] == "plan"
    web = src[src["source_kind"] != "plan"]
    assert web["url"].str.startswith("http").all()


# Three Latin-script words in a row: English prose. Codes and abbreviations (R&D, PM2.5, GB/T 28398-2023) do not match.
LATIN_PROSE = re.compile(r"[A-Za-z]{4,} [A-Za-z]{3,} [A-Za-z]{3,}")


@pytest.mark.parametrize("plan", sorted(p.name for p in paths.DATA.iterdir() if (p / "plan.yml").exists()))
def test_no_english_text_in_a_plan_folder(plan):
    """A quote is the publisher's own sentence, and every text a reader may see is Chinese: an English page (a
    machine-translated reprint) is not the original, and its words would reach readers through the quote column."""
    found = [f"{csv.name}:{n}: {m.group()}"
             for csv in sorted((paths.DATA / plan).glob("*.csv"))
             for n, line in enumerate(csv.read_text(encoding="utf-8").splitlines(), 1)
             if (m := LATIN_PROSE.search(line))]
    assert found == []


def test_previous_plan_results_are_observations_from_the_plan(ds):
    prev = set(ds.registry.loc[ds.registry["table"] == "previous", "id"])
    t1 = ds.observations[ds.observations["indicator_id"].isin(prev)]
    assert len(t1) >= 20 and set(t1["source_id"]) == {ds.plan.source_id} and set(t1["year"]) == {2020}


# ---------------------------------------------------------------- bad files
def _stage(tmp_path, bad_file, name):
    shutil.copy(bad_file, tmp_path / f"{name}.csv")
    shutil.copy(PLAN_DIR / f"{name}.meta.yml", tmp_path)
    return tmp_path


@pytest.mark.parametrize("case, column, expected_words", [
    ("wrong_type", "baseline_value", "number"),
    ("unknown_chapter", "chapter", "economy"),
    ("wrong_side", "target_value", "baseline 2266.1"),
    ("duplicate_id", "id", "unique"),
    ("missing_target_value", "target_value", "judged against a value"),
])
def test_bad_registry_file_names_row_and_column(tmp_path, case, column, expected_words):
    folder = _stage(tmp_path, BAD / "registry" / f"{case}.csv", "indicators")
    with pytest.raises(DataError) as err:
        load_registry(folder, load_plan("yinzhou-14th").plan_lists())
    assert err.value.row == 3 and err.value.column == column
    message = str(err.value)
    assert "indicators.csv" in message and "row 3" in message and column in message and expected_words in message


@pytest.mark.parametrize("case, column", [
    ("unknown_source", "source_id"), ("unknown_indicator", "indicator_id"), ("bad_scope", "scope"),
    ("months_out_of_range", "months_covered"), ("no_value_no_verdict", "value"), ("duplicate_year", "year"),
    ("text_in_value", "value"),
])
def test_bad_observation_file_names_row_and_column(tmp_path, case, column):
    folder = _stage(tmp_path, BAD / "observations" / f"{case}.csv", "observations")
    with pytest.raises(DataError) as err:
        load_observations(folder, {"t2_01"}, {"plan_14th"}, load_plan("yinzhou-14th").plan_lists())
    assert (err.value.row, err.value.column) == (3, column) and "observations.csv" in str(err.value)


def test_the_good_rows_of_the_bad_files_load(tmp_path):
    """Guards the cases above: with the broken row removed, the same file loads."""
    lines = (BAD / "registry" / "wrong_side.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "indicators.csv").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    shutil.copy(PLAN_DIR / "indicators.meta.yml", tmp_path)
    assert list(load_registry(tmp_path, load_plan("yinzhou-14th").plan_lists())["id"]) == ["t2_08"]


@pytest.mark.parametrize("edit, key", [
    (lambda t: t.replace("period: {start: 2021, end: 2025}", "period: {start: 2025, end: 2021}"), "period"),
    (lambda t: t.replace("baseline_year: 2020", "baseline_year: 2022"), "baseline_year"),
    (lambda t: t.replace("  plan_scope: 全区", "  plan_scope: 全市"), "territory.plan_scope"),
    (lambda t: t.replace("source_id: plan_14th", "source_id: no_such_source"), "source_id"),
])
def test_a_bad_plan_config_names_the_file_and_key(tmp_path, edit, key):
    folder = tmp_path / "plan"
    shutil.copytree(PLAN_DIR, folder)
    (folder / "plan.yml").write_text(edit((folder / "plan.yml").read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    assert "plan.yml" in str(err.value) and err.value.column == key


# ---------------------------------------------------------------- refused at load: the plan's own rules (issue 22 #4)
SYN = paths.ROOT / "tests" / "fixtures" / "plans" / "synthetic-15th"


def _plan_copy(tmp_path, source=SYN):
    folder = tmp_path / "plan"
    shutil.copytree(source, folder)
    return folder


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _refused(folder):
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    return err.value


def test_a_previous_row_without_a_previous_plan_is_refused(tmp_path):
    folder = _plan_copy(tmp_path)
    _edit(folder / "indicators.csv", "syn_level,main,", "syn_level,previous,")
    err = _refused(folder)
    assert err.file.endswith("indicators.csv") and (err.row, err.column, err.value) == (2, "table", "previous")
    assert "previous_plan" in str(err)


def test_a_table_plan_yml_does_not_name_is_refused(tmp_path):
    folder = _plan_copy(tmp_path)
    _edit(folder / "indicators.csv", "syn_level,main,", "syn_level,appendix,")
    err = _refused(folder)
    assert err.file.endswith("indicators.csv") and (err.row, err.column) == (2, "table")
    assert "main, goal, text" in str(err)


def test_an_observation_after_the_plans_end_is_refused(tmp_path):
    """2031 belongs to the next plan: refused, not silently ignored."""
    folder = _plan_copy(tmp_path)
    _edit(folder / "observations.csv", "syn_level,2030,151", "syn_level,2031,151")
    err = _refused(folder)
    assert err.file.endswith("observations.csv") and (err.row, err.column, err.value) == (6, "year", 2031)
    assert "up to 2030" in str(err) and "next" in str(err)


def test_a_baseline_after_the_plans_start_is_refused(tmp_path):
    folder = _plan_copy(tmp_path)
    _edit(folder / "indicators.csv", "linear,2025,100,100,", "linear,2027,100,100,")
    err = _refused(folder)
    assert err.file.endswith("indicators.csv") and (err.row, err.column, err.value) == (2, "baseline_year", 2027)
    assert "before 2026" in str(err)


def test_a_default_edition_before_the_plans_start_is_refused(tmp_path):
    folder = _plan_copy(tmp_path)
    _edit(folder / "plan.yml", "default_edition: 2028", "default_edition: 2025")
    err = _refused(folder)
    assert err.file.endswith("plan.yml") and (err.column, err.value) == ("default_edition", 2025)


def test_an_edition_year_before_the_plans_start_is_refused_with_exit_2(tmp_path):
    """make book EVAL_YEAR=2025 for a 2026–2030 plan: one message, exit 2, no page executed, no folder written."""
    from conftest import run_build

    out = tmp_path / "out"
    proc = run_build("--plan", SYN, "--eval-year", "2025", "--out", out)
    assert proc.returncode == 2
    first = proc.stderr.splitlines()[0]
    assert first.startswith("✗ EVAL_YEAR") and "2025" in first and "from 2026 on" in first
    assert "Traceback" not in proc.stderr and not (out / "book").exists() and "executing" not in proc.stdout


def test_a_plan_yml_without_tables_is_refused(tmp_path):
    folder = _plan_copy(tmp_path)
    text = (folder / "plan.yml").read_text(encoding="utf-8")
    start, end = text.index("tables:"), text.index("chapters:")
    (folder / "plan.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    err = _refused(folder)
    assert err.file.endswith("plan.yml") and err.column == "tables"


def test_a_table_entry_without_its_printed_name_is_refused(tmp_path):
    folder = _plan_copy(tmp_path)
    _edit(folder / "plan.yml", "  goal: {name: 发展目标（SYNTHETIC）, short: 发展目标}", "  goal: 发展目标")
    err = _refused(folder)
    assert err.file.endswith("plan.yml") and err.column == "tables.goal"


def _responsibility(folder, rows):
    shutil.copy(PLAN_DIR / "responsibility.meta.yml", folder)
    lines = ["indicator_id,department,assignment,contact,basis"] + [f"{i},统计局,proposed,,SYNTHETIC" for i in rows]
    (folder / "responsibility.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


SYN_IDS = ["syn_level", "syn_growth", "syn_annual", "syn_relational", "syn_cumulative", "syn_qualitative",
           "syn_goal_level", "syn_ceiling", "syn_floor", "syn_cumulative_reduction", "syn_city_assigned",
           "syn_estimated", "syn_column_growth"]


def test_a_complete_responsibility_table_loads(tmp_path):
    folder = _plan_copy(tmp_path)
    _responsibility(folder, SYN_IDS)
    assert len(load_dataset(folder).table("responsibility")) == 13


def test_a_responsibility_row_for_an_unknown_target_is_refused_at_load(tmp_path):
    folder = _plan_copy(tmp_path)
    _responsibility(folder, SYN_IDS[:5] + ["syn_nothing"] + SYN_IDS[5:])
    err = _refused(folder)
    assert err.file.endswith("responsibility.csv") and (err.row, err.column, err.value) == (7, "indicator_id",
                                                                                            "syn_nothing")


def test_a_responsibility_table_missing_a_target_is_refused_at_load(tmp_path):
    """Before, this failed inside the data page's collection status; now the load names what is missing."""
    folder = _plan_copy(tmp_path)
    _responsibility(folder, [i for i in SYN_IDS if i != "syn_floor"])
    err = _refused(folder)
    assert err.file.endswith("responsibility.csv") and err.column == "indicator_id" and err.value == "syn_floor"
    assert "1 without a department" in str(err)


def test_a_quote_not_in_the_plans_text_is_refused(tmp_path):
    """The default plan's quotes are checked against plan_text.txt on every load, not only by a test."""
    folder = _plan_copy(tmp_path, PLAN_DIR)
    import csv

    reg = folder / "indicators.csv"
    with open(reg, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    quote = rows[0].index("quote")
    assert "地区生产总值" in rows[1][quote]
    rows[1][quote] = rows[1][quote].replace("地区生产总值", "地区生产总额", 1)
    with open(reg, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    err = _refused(folder)
    assert err.file.endswith("indicators.csv") and (err.row, err.column) == (2, "quote")
    assert "地区生产总额" in err.value and "plan_text.txt" in str(err)


def test_a_new_plan_with_a_text_has_its_quotes_checked(tmp_path):
    folder = _plan_copy(tmp_path)
    _edit(folder / "plan.yml", "source_id: syn_plan", "source_id: syn_plan\ntext: plan_text.txt")
    (folder / "plan_text.txt").write_text("SYNTHETIC 表A第1行：合成产出总量 100 → 150\n", encoding="utf-8")
    err = _refused(folder)
    assert (err.row, err.column) == (3, "quote") and "年均增长6%" in err.value
    other = _plan_copy(tmp_path / "other")
    _edit(other / "plan.yml", "source_id: syn_plan", "source_id: syn_plan\ntext: no_such_file.txt")
    err = _refused(other)
    assert err.file.endswith("plan.yml") and err.column == "text"
