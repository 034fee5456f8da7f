"""The national 纲要 plan folder (data/national-14th): every 专栏1 row against its quoted table row, and the
方法检验 comparison with the NDRC's published mid-term verdicts, computed by the engine (never typed)."""
import re

import nbformat
import pandas as pd
import pytest

from planeval import paths
from planeval.data.dataset import load_dataset
from planeval.report import validation
from planeval.report.validation import agreement_sentence, compare

FOLDER = paths.DATA / "national-14th"


@pytest.fixture(scope="module")
def ds():
    return load_dataset("national-14th")


@pytest.fixture(scope="module")
def comparison():
    return compare(FOLDER)


def _num(text: str) -> float:
    return float(re.search(r"-?\d+(?:\.\d+)?", text).group())


def test_the_twenty_main_indicators_of_table_1(ds):
    main = ds.registry[ds.registry["table"] == "main"]
    assert len(main) == 20 and set(main["chapter"]) == set(ds.plan.chapter_ids)
    assert sorted(int(r.split("-")[1]) for r in main["source_ref"]) == list(range(1, 21))
    assert (main["attribute"] == "约束性").sum() == 8


@pytest.mark.parametrize("i", range(20))
def test_every_row_against_its_quoted_table_row(ds, i):
    """The quote is the row's cells joined by ' | ': name (unit), 2020, 2025, 年均/累计, 属性 — the registry must
    say what the cells say."""
    r = ds.registry[ds.registry["table"] == "main"].sort_values(
        "source_ref", key=lambda s: s.str.split("-").str[1].astype(int)).iloc[i]
    cells = [c.strip() for c in r["quote"].split("|")]
    name_cell, base_cell, target_cell, growth_cell, attribute_cell = cells[-5:]
    assert r["name_zh"] in name_cell and name_cell.startswith(f"{int(r['source_ref'].split('-')[1])}.")
    assert f"（{r['unit']}）" in name_cell
    assert (base_cell, target_cell, growth_cell, attribute_cell) == (
        r["baseline_text"], r["target_text"], r["annual_growth_text"], r["attribute"])
    if re.search(r"\d", base_cell):
        assert _num(base_cell) == r["baseline_value"]
        assert r["baseline_year"] == (2019 if base_cell.endswith("*") else 2020)   # table note: * = 2019 data
    numbers = [c for c in (target_cell, growth_cell) if re.search(r"\d", c)]
    if r["target_form"] in ("level", "ceiling", "floor", "growth", "cumulative_reduction") and numbers:
        if "〔" in numbers[0] and r["target_form"] == "level":     # 〔1〕: a five-year increase on the baseline
            assert r["target_value"] == pytest.approx(r["baseline_value"] + _num(numbers[0]))
        else:
            assert _num(numbers[0]) == r["target_value"]


def test_every_national_value_has_a_source_and_a_sentence(ds):
    obs = ds.observations
    assert obs["source_id"].isin(ds.sources["source_id"]).all() and (obs["quote"].str.len() > 0).all()
    assert set(obs["scope"]) <= set(ds.plan.scope_codes)


def test_reference_verdicts_are_the_published_lists(ds):
    ref = ds.table("reference_verdicts").merge(ds.registry[["id", "name_zh"]], left_on="indicator_id", right_on="id")
    counts = ref["ndrc_class"].value_counts().to_dict()
    assert counts == {"achieved": 4, "ahead": 5, "on_track": 7, "lagging": 4}
    for _, r in ref.iterrows():     # each verdict's sentence names its indicator's class
        words = {"achieved": ("提前实现",), "ahead": ("快于预期",), "on_track": ("基本符合预期",),
                 "lagging": ("滞后", "落后")}[r["ndrc_class"]]
        assert any(w in r["quote"] for w in words), r["name_zh"]


def test_the_comparison_is_computed_by_the_engine(comparison):
    t = comparison.table.set_index("indicator_id")
    assert comparison.data_through == 2022 and comparison.n == 20
    # hand-computed from the data through 2022:
    # 单位GDP能耗降低〔13.5〕: 2.7 %, 0.1 % → R = 2.80 %, p = ln(0.972)/ln(0.865) = 0.195, τ = 0.4 → 滞后 (agree)
    assert t.loc["m14", "ndrc_class"] == "lagging" and t.loc["m14", "agree"]
    # 森林覆盖率 23.2 (2019) → 24.1; 2022 24.02: p = 0.911, τ = 0.5, r = 1.82 → 快于预期 (agree)
    assert t.loc["m18", "status"] == "ahead" and t.loc["m18", "agree"]
    # 常住人口城镇化率 2022 65.22 is on the 七普 basis, the 60.6 (2019) base and the 65 target on the one before it,
    # with no year on both bases: not compared (口径变化), where the NDRC reads 提前实现
    assert t.loc["m03", "status"] == "not_comparable" and not t.loc["m03", "agree"]
    # GDP增长 各年度视情提出, the years together (年度间综合平衡): 2021 8.1 vs 6以上, 2022 3.0 vs 5.5左右 →
    # (1.081·1.03)^½ − 1 = 5.520 % against (1.06·1.055)^½ − 1 = 5.750 %: −0.230 pp within the tolerance
    # (0 + 0.5)/2 = 0.25 → 符合预期 (agree; the earlier each-year rule read 滞后)
    assert t.loc["m01", "status"] == "on_track" and t.loc["m01", "agree"]
    # 劳动年龄人口平均受教育年限 (约束性): r = 0.65 → 基本符合预期（需加力）, the binding duty stated (agree; the
    # earlier demote read 滞后)
    assert t.loc["m09", "status"] == "needs_acceleration" and t.loc["m09", "agree"]
    assert "约束性指标须确保如期完成" in t.loc["m09", "reason"]
    # no data through 2022 for these: we do not guess
    for i in ("m06", "m11"):
        assert t.loc[i, "status"] == "not_assessable" and t.loc[i, "why"].startswith("本方法缺少数据")
    # lower bounds: 一次能源生产总量 46.6 (2022) > 46 → capacity met (提前实现, agree); grain output 6.8285 and
    # 6.8653亿吨 (2021, 2022) ≥ 6.5 → the 保持 floor held both years → 符合预期 (agree)
    assert t.loc["m20", "status"] == "achieved" and t.loc["m20", "agree"]
    assert t.loc["m19", "status"] == "on_track" and t.loc["m19", "agree"]
    # 城镇调查失业率 年均＜5.5 (the table's 年均 column): 2021–2022 average 5.35 → 符合预期 (agree)
    assert t.loc["m07", "status"] == "on_track" and t.loc["m07", "agree"]
    assert comparison.agree == int(t["agree"].sum()) == 14
    assert all(t.loc[~t["agree"], "why"].str.len() > 0) and all(t.loc[t["agree"], "why"] == "")


def test_the_agreement_figure_is_shown_in_its_own_plans_book_only(comparison):
    """A book speaks of its own plan only (issue 22): the national comparison is in the national book's
    methodology summary, never in the default (district) book, which says it has no evaluation to compare with."""
    from planeval.report.context import open_report

    sentence = agreement_sentence(comparison)
    assert f"结论一致{comparison.agree}项" in sentence and f"不一致{comparison.differ}项，无法对照{comparison.unknown}项" in sentence
    assert sentence in validation.summary_markdown(open_report("national-14th", 2023))
    nb = nbformat.read(paths.BOOK / "methodology.ipynb", as_version=4)
    shown = "".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells for o in c.get("outputs", []))
    assert sentence not in shown and validation.NONE_HERE in shown


def test_the_agreement_sentence_escapes_the_evaluators_words_for_its_context(comparison):
    import dataclasses

    from planeval.report.fmt import esc

    hostile = dataclasses.replace(comparison, evaluator="**某委**<b>", plan_name="纲要_[x](y)")
    as_md, as_html = agreement_sentence(hostile), agreement_sentence(hostile, esc)
    assert "以\\*\\*某委\\*\\*" in as_md and "《纲要\\_\\[x\\]\\(y\\)》" in as_md
    assert "以**某委**&lt;b&gt;" in as_html and "<b>" not in as_html and "\\" not in as_html


def test_official_texts_cite_the_original_publisher(ds):
    """Figures read from the lawtext/gov mirror cite 国家统计局 / 国务院 / the 纲要's publisher, the original
    address when the mirror gives one (never the mirror's), and say in the note that the text was read there."""
    src = ds.sources.set_index("source_id")
    mirror = src[src["source_kind"] == "official_mirror"]
    assert len(mirror) == 13     # 6 统计公报 2020–2025, 6 政府工作报告 2021–2026, the 十五五 纲要
    for sid, r in mirror.iterrows():
        assert "lawtext/gov" in r["note"] and "github" not in str(r["url"]).lower(), sid
        assert r["publisher"] in ("国家统计局", "国务院") or r["publisher"].startswith("新华社受权发布"), sid
        assert pd.notna(r["publication_date"]), sid
    assert src["source_kind"].value_counts().to_dict() == {"third_party": 25, "official_mirror": 13, "press": 7, "plan": 1}


def test_gdp_growth_keeps_every_release(ds):
    """2021 GDP growth: 8.1 初步核算 (2021 公报), 8.4 最终核实 (2022 公报 图1), 8.6 五经普修订 (2024 公报 图1)."""
    o = ds.observations
    g = o[(o["indicator_id"] == "m01") & (o["year"] == 2021) & (o["value_kind"] == "level")]
    assert dict(zip(g["release"], g["value"])) == {"preliminary": 8.1, "final": 8.4, "census_revised": 8.6}
    assert set(g["source_id"]) == {"nbs_gb2021", "nbs_gb2022", "nbs_gb2024"}


def test_capacity_targets_have_output_as_lower_bounds(ds):
    """一次能源生产总量 and grain output (公报) bound the capacities from below: 2022 46.6 > 46 亿吨标准煤,
    2021 68285 万吨 = 6.8285 亿吨 > 6.5."""
    o = ds.observations
    lb = o[o["value_kind"] == "lower_bound"].set_index(["indicator_id", "year"])["value"]
    assert lb[("m20", 2021)] == 43.3 and lb[("m20", 2022)] == 46.6 and lb[("m20", 2025)] == 51.3
    assert lb[("m19", 2021)] == pytest.approx(6.8285) and lb[("m19", 2025)] == pytest.approx(7.1488)
    assert (o.loc[o["value_kind"] == "lower_bound", "note"].str.startswith("下限值")).all()


def test_breaks_match_the_revisions_observations_name(ds):
    """Each basis change's labels are the ones observations.revision uses, with values on both sides where the
    sources have them (地表水: 2020 on 1940 断面, 2021– on 3641)."""
    b, o = ds.table("breaks"), ds.observations
    assert set(b["break_id"]) == {"census7_urban", "econ_census5", "energy_raw_material", "energy_coal_washing",
                                  "water_sections_3641"}
    for _, r in b.iterrows():
        rev = o.loc[o["indicator_id"] == r["indicator_id"], "revision"].dropna()
        assert set(rev) <= {r["old_label"], r["new_label"]}, r["break_id"]
        assert (rev == r["new_label"]).any(), r["break_id"]
        assert r["source_id"] in set(ds.sources["source_id"])
    w = o[o["indicator_id"] == "m17"].set_index("year")["revision"]
    assert w[2020] == "1940个国家地表水考核断面" and (w.loc[2021:] == "3641个国家地表水考核断面").all()


def test_rd_growth_is_compared_at_constant_prices(ds):
    """The R&D target is at constant prices (十五五 纲要 表注③): m04 holds real growth only; nominal is context."""
    reg = ds.registry.set_index("id")
    assert reg.loc["m04", "basis"] == "real"
    o = ds.observations
    assert set(o.loc[o["indicator_id"] == "m04", "price_basis"]) == {"real"}
    assert set(o.loc[o["indicator_id"] == "ctx_rd_growth_nominal", "price_basis"]) == {"nominal"}
