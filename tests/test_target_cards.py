"""The target cards (planeval.report.targetpage): each card's arithmetic reproduces the assessment's numbers,
computed here by hand for targets of different forms, all SYNTHETIC (no figure is real)."""
from __future__ import annotations

import html
import json
import math
import re

import pandas as pd
import pytest

from planeval import paths
from planeval.data.schema import column_specs
from planeval.engine import assess_all
from planeval.labels import label
from planeval.report import arithmetic, targetpage
from synthetic import OBS_DEFAULTS, REG_DEFAULTS, report_for

# SYNTHETIC targets, one per form the issue names
TARGETS = [
    dict(id="lin", name_zh="线性水平", unit="亿元", baseline_value=100, target_value=200, target_text="200"),
    dict(id="geo", name_zh="几何水平", unit="亿元", path_type="geometric", baseline_value=100, target_value=121,
         target_text="121"),
    dict(id="gro", name_zh="年均增长", target_form="growth", baseline_value=None, target_value=6, target_text="年均增长6%"),
    dict(id="red", name_zh="累计降低", target_form="cumulative_reduction", direction="lower", target_value=13.5,
         target_text="〔13.5〕"),
    dict(id="flo", name_zh="下限", target_form="floor", baseline_value=41, target_value=40, target_operator=">=",
         target_text="不低于40"),
    dict(id="brk", name_zh="口径变化", baseline_value=50, target_value=60, target_text="60"),
    dict(id="ver", name_zh="待核实水平", unit="个", baseline_value=10, target_value=20, target_text="20"),
]
VALUES = {"lin": [(2023, 150)], "geo": [(2023, 110)], "gro": [(2021, 4), (2022, 6)],
          "red": [(2021, 3), (2022, 2), (2023, 2.5)], "flo": [(2021, 41), (2022, 42), (2023, 40.5)],
          "brk": [(2022, 70), (2023, 72)], "ver": [(2023, 16)]}


def _report():
    registry = pd.DataFrame([{**REG_DEFAULTS, **t} for t in TARGETS])
    rows = [{**OBS_DEFAULTS, "indicator_id": i, "year": y, "value": v,
             "source_id": "syn_press" if i == "ver" else "syn", "quote": f"SYNTHETIC {i} {y}"}
            for i, values in VALUES.items() for y, v in values]
    observations = pd.DataFrame(rows)
    rep = report_for(registry, observations)
    ds = rep.ds
    ds.sources.loc[ds.sources["source_id"] == "syn_press", "source_kind"] = "press"
    breaks = pd.DataFrame({c.name: pd.Series(dtype="object") for c in column_specs("breaks")})
    breaks = pd.concat([breaks, pd.DataFrame([{"break_id": "b1", "indicator_id": "brk", "first_year": 2022,
                                               "what": "SYNTHETIC统计范围调整", "old_label": "旧口径", "new_label": "新口径",
                                               "source_id": "syn", "quote": "SYNTHETIC", "note": None}])])
    ds.extra["breaks"] = breaks
    rep.__dict__["results"] = assess_all(ds.registry, ds.observations, 2023, ds.plan, sources=ds.sources, breaks=breaks)
    return rep


@pytest.fixture(scope="module")
def cards():
    rep = _report()
    return rep, {k: _text(v) for k, v in targetpage.render(rep).items()}


def _text(page: str) -> str:
    """What a reader sees: no tags, entities decoded, one space between blocks."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def pc(x: float) -> str:
    return f"{x * 100:.1f}%"


def test_one_card_per_target_and_a_list_of_them(cards):
    rep, files = cards
    assert sorted(files) == sorted([f"targets/{t['id']}.html" for t in TARGETS] + ["targets.md"])
    assert "指标卡 1" in files["targets/lin.html"] and "指标卡 7" in files["targets/ver.html"]
    assert "· lin" not in files["targets/lin.html"]          # no internal id shown to a reader


def test_level_linear_by_hand(cards):
    _, files = cards
    t = files["targets/lin.html"]
    p, tau = (150 - 100) / (200 - 100), (2023 - 2020) / (2025 - 2020)
    assert f"(150 − 100) ÷ (200 − 100) = {pc(p)}" in t                       # 50.0%
    assert f"(2023 − 2020) ÷ (2025 − 2020) = {pc(tau)}" in t                 # 60.0%
    assert f"{pc(p)} ÷ {pc(tau)} = {p / tau:.2f}" in t                       # 0.83
    assert "进度比 0.6 ≤ 0.83 ＜ 0.95 → 基本符合预期（需加力）" in t
    observed, required = (150 - 100) / 3, (200 - 150) / 2                    # 16.6667 and 25 a year
    projected = 150 + observed * 2
    assert f"(150 − 100) ÷ 3 = {round(observed, 4):g}亿元/年" in t
    assert f"(200 − 150) ÷ 2 = {required:g}亿元/年" in t
    assert f"150 + {round(observed, 4):g} × 2 = {round(projected, 2):g}亿元" in t
    assert f"= {required / observed:.2f}" in t and "加速系数 1.50 在 1÷0.95≈1.05 与 2 之间 → 需加快方可完成" in t
    assert f"= {pc((200 - projected) / (200 - 100))}" in t                   # 16.7 %
    assert "依据（“基本符合预期”的进度比下限）" in t                          # the rule's published anchor


def test_level_geometric_by_hand(cards):
    _, files = cards
    t = files["targets/geo.html"]
    p = math.log(110 / 100) / math.log(121 / 100)                            # 0.5
    assert f"ln(110 ÷ 100) ÷ ln(121 ÷ 100) = {pc(p)}" in t
    assert f"(110 ÷ 100)^(1/3) − 1 = {((110 / 100) ** (1 / 3) - 1) * 100:.2f}%" in t   # 3.23 %
    assert f"(121 ÷ 110)^(1/2) − 1 = {((121 / 110) ** 0.5 - 1) * 100:.2f}%" in t       # 4.88 %


def test_growth_by_hand(cards):
    _, files = cards
    t = files["targets/gro.html"]
    avg = math.sqrt(1.04 * 1.06) - 1                                          # 4.995 %
    p = 2 * math.log(1 + avg) / (5 * math.log(1.06))
    assert f"((1 + 4%) × (1 + 6%))^(1/2) − 1 = {avg * 100:.2f}%" in t
    assert "τ = n ÷ N = 2 ÷ 5 = 40.0%" in t
    assert f"= {pc(p)}" in t and f"{pc(p)} ÷ 40.0% = {p / 0.4:.2f}" in t       # 33.5 %, 0.84
    required = ((1.06 ** 5) / (1 + avg) ** 2) ** (1 / 3) - 1
    assert f"^(1/3) − 1 = {required * 100:.2f}%" in t


def test_cumulative_reduction_by_hand(cards):
    _, files = cards
    t = files["targets/red.html"]
    done = 1 - 0.97 * 0.98 * 0.975                                            # 7.32 %
    p = math.log(1 - done) / math.log(1 - 0.135)
    assert f"1 − (1 − 3%) × (1 − 2%) × (1 − 2.5%) = {done * 100:.2f}%" in t
    assert f"ln(1 − {done * 100:.2f}%) ÷ ln(1 − 13.5%) = {pc(p)}" in t
    assert f"{pc(p)} ÷ 60.0% = {p / 0.6:.2f}" in t


def test_floor_held_every_year(cards):
    _, files = cards
    t = files["targets/flo.html"]
    assert "须每年满足 ≥40%：2021年41% ✓；2022年42% ✓；2023年40.5% ✓" in t
    assert "(40.5 − 40) = 0.5%" in t
    assert "各年均满足 → 符合预期" in t


def test_across_a_break_no_progress_is_computed(cards):
    rep, files = cards
    t = files["targets/brk.html"]
    assert rep.results.set_index("id").loc["brk", "status"] == "not_comparable"
    assert "2023年数值 72% 为新口径数据（SYNTHETIC统计范围调整），规划的基期和目标为旧口径" in t
    assert "结论：口径变化、不可直接比较" in t and "完成进度 p" not in t
    assert "未采用的原因" in t and "无同一年份的新旧口径数值可换算" in t      # the value is listed as not used


def test_a_verdict_to_verify_says_why(cards):
    _, files = cards
    t = files["targets/ver.html"]
    assert f"待核实：仅有{label('source_kind', 'press')}的来源，未见官方原文" in t
    assert "(16 − 10) ÷ (20 − 10) = 60.0%" in t                               # the arithmetic is still shown


def test_values_are_listed_as_recorded_not_rounded():
    rep = _report()
    rep.ds.observations.loc[rep.ds.observations["indicator_id"] == "lin", "value"] = 150.123
    rep.__dict__["results"] = assess_all(rep.ds.registry, rep.ds.observations, 2023, rep.ds.plan, sources=rep.ds.sources,
                                         breaks=rep.ds.table("breaks"))
    t = _text(targetpage.render(rep)["targets/lin.html"])
    assert "(150.123 − 100) ÷ (200 − 100) = 50.1%" in t and "150.123亿元" in t


def test_history_lists_the_earlier_editions(cards):
    _, files = cards
    t = files["targets/flo.html"]
    # 2021: 41 ≥ 40 held; 2022 both years held; 2023 this edition
    assert "2021年 年度监测报告 符合预期" in t and "2022年 年度监测报告 符合预期" in t and "2023年 中期评估报告 符合预期" in t
    assert "当时规划期内尚无本指标的数据" in files["targets/lin.html"]      # lin has data only from 2023


def test_the_list_links_every_card(cards):
    rep, _ = cards
    text = targetpage.render(rep)["targets.md"]
    assert text.startswith("# 指标卡")
    for t in TARGETS:
        assert f'href="targets/{t["id"]}.html"' in text


# ------------------------------------------------------------------------------------------- the build's side
def test_cards_are_reviewed_byte_for_byte(tmp_path):
    """A card edited by hand, a card removed or a stray file: review names each; the build re-renders them."""
    from planeval import paths
    from planeval.book import targets
    from planeval.book.build import Edition
    from planeval.config import load_plan

    plan = load_plan(paths.ROOT / "tests" / "fixtures" / "plans" / "synthetic-15th")
    edition = Edition(plan, 2028, tmp_path, False)
    targets.write_cards(edition, log=lambda *_: None)
    assert targets.review_cards(edition) == [] and targets.current(edition)
    card = tmp_path / "book" / "targets" / "syn_level.html"
    card.write_text(card.read_text(encoding="utf-8").replace("完成进度 p", "完成进度（手改） p"), encoding="utf-8")
    (tmp_path / "book" / "targets" / "syn_extra.html").write_text("<h1>x</h1>", encoding="utf-8")
    (tmp_path / "book" / "targets" / "syn_floor.html").unlink()
    problems = targets.review_cards(edition)
    assert any(p.startswith("targets/syn_level.html: differs") for p in problems)
    assert "targets/syn_floor.html: missing (run `make book`)" in problems
    assert any(p.startswith("targets/syn_extra.html: not a card") for p in problems)
    assert not targets.current(edition)
    targets.write_cards(edition, log=lambda *_: None)
    assert targets.review_cards(edition) == [] and not (tmp_path / "book" / "targets" / "syn_extra.html").exists()


def test_cards_enter_the_sites_search_index(tmp_path):
    from planeval.book import targets

    (tmp_path / "book" / "targets").mkdir(parents=True)
    index = {"alltitles": {}, "docnames": ["book/index"], "envversion": {}, "filenames": ["book/index.ipynb"],
             "indexentries": {}, "objects": {}, "objnames": {}, "objtypes": {}, "terms": {"地区生产总值": 0},
             "titles": ["首页"], "titleterms": {}}
    (tmp_path / "searchindex.js").write_text(f"Search.setIndex({json.dumps(index)})", encoding="utf-8")
    (tmp_path / "book" / "targets" / "t2_01.html").write_text(
        "<title>指标卡1：地区生产总值（表2） · 书</title><h1>地区生产总值（亿元）</h1>", encoding="utf-8")
    assert targets.add_to_search(tmp_path) == 1
    text = (tmp_path / "searchindex.js").read_text(encoding="utf-8")
    out = json.loads(text[text.index("(") + 1:text.rindex(")")])
    assert out["docnames"][1] == "book/targets/t2_01" and out["titles"][1] == "指标卡1：地区生产总值（表2）"
    assert out["terms"]["地区生产总值"] == [0, 1] and out["titleterms"]["亿元"] == 1 and out["terms"]["t2_01"] == 1


def test_every_status_table_row_links_to_a_card(cards):
    from planeval.report import tables

    rep, files = cards
    html_ = tables.status_table(rep, rep.current)
    rows = re.findall(r'<tr role="row"><td[^>]*>(.*?)</td>', html_.split("<tbody")[1])
    linked = [re.search(r'href="(targets/[^"]+\.html)"', r).group(1) for r in rows]
    assert len(rows) == len(TARGETS) and all(link in files for link in linked)
    assert 'data-card="指标卡1"' in html_                                   # printed after the name on paper


@pytest.mark.parametrize("plan", sorted(f.name for f in paths.plan_folders()))
def test_every_registered_target_of_the_real_plans_has_a_card(plan):
    """The count of cards equals the registry's rows, and every card shows its arithmetic or says why there is none."""
    from planeval.config import load_plan
    from planeval.report.context import open_report

    cfg = load_plan(plan)
    rep = open_report(str(cfg.folder), cfg.default_edition)
    files = targetpage.render(rep)
    cards_ = [k for k in files if k.startswith("targets/")]
    assert len(cards_) == len(rep.ds.registry) == len(set(rep.ds.registry["id"]))
    judged = rep.results[rep.results["status"].isin(["achieved", "ahead", "on_track", "needs_acceleration", "lagging",
                                                     "reversing", "missed", "not_comparable"])]
    for indicator_id in judged["id"]:
        assert '<ol class="tc-steps">' in files[f"targets/{indicator_id}.html"], indicator_id
    assert not [k for k, text in files.items() if arithmetic.MISSING in text]   # every audit record was understood
