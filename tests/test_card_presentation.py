"""What a reader sees on the target cards and their list (planeval.report.targetpage), beyond the arithmetic: a
figure is either used or not used, never both; a previous plan's target says where it is judged; the list's count
says how many cards belong to the previous plan. All SYNTHETIC (no figure is real)."""
from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from planeval.report import targetpage
from synthetic import OBS_DEFAULTS, PLAN, REG_DEFAULTS, report_for

TABLES = {"main": {"name": "SYNTHETIC主要指标表", "short": "表A"},
          "goal": {"name": "SYNTHETIC发展目标（第一章第四节）", "short": "发展目标"},
          "previous": {"name": "上一规划SYNTHETIC指标完成情况（表1）", "short": "表1"}}
TARGETS = [
    # no baseline printed: the start is the base year's published value (2020), a year before the window
    dict(id="inc", table="goal", source_ref="第一章第四节", name_zh="SYNTHETIC收入", unit="万元", path_type="geometric",
         baseline_value=None, target_value=10, target_text="突破10万元"),
    dict(id="lin", name_zh="SYNTHETIC线性", unit="亿元", baseline_value=100, target_value=200, target_text="200"),
    dict(id="old", table="previous", source_ref="表1-1", name_zh="SYNTHETIC上期总量", unit="亿元", baseline_year=2015,
         target_year=2020, baseline_value=None, target_value=1800, target_operator=">", target_text=">1800"),
]
VALUES = [("inc", 2020, 7.386, "s20"), ("inc", 2023, 8.8, "s23"), ("lin", 2023, 150, "s23"), ("old", 2020, 2266.1, "s20")]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _section(page: str, heading: str) -> str:
    """The text of one <h2> section of a card."""
    part = page.split(f"<h2>{heading}</h2>", 1)[1]
    return _text(part.split("<h2>", 1)[0])


@pytest.fixture(scope="module")
def files():
    plan = PLAN.__class__(**{**PLAN.__dict__, "tables": TABLES})
    registry = pd.DataFrame([{**REG_DEFAULTS, **t} for t in TARGETS])
    observations = pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": i, "year": y, "value": v, "source_id": s,
                                  "quote": f"SYNTHETIC {i} {y}"} for i, y, v, s in VALUES])
    return targetpage.render(report_for(registry, observations, plan=plan))


def test_a_start_before_the_window_is_listed_as_used_only(files):
    page = files["targets/inc.html"]
    used, unused = _section(page, "采用的数值"), _section(page, "未采用的数值及原因")
    assert "起点" in used and "7.386万元" in used and "8.8万元" in used
    assert "7.386" not in unused and "没有未采用的数值" in unused


def test_a_previous_plans_target_says_it_is_judged_in_the_retrospective(files):
    verdict = _text(files["targets/old.html"].split('<section class="tc-verdict">', 1)[1].split("</section>", 1)[0])
    assert verdict.strip().startswith("上一规划（SYNTHETIC）的目标，在本报告附录上一规划（SYNTHETIC）回顾中按2020年的数据判断： 完成")
    assert "中期评估" not in verdict and "2023年" not in verdict
    # a target of this plan keeps its edition's verdict
    assert _text(files["targets/lin.html"]).count("2023年中期评估报告：") == 1


def test_the_list_says_how_many_cards_are_the_previous_plans(files):
    assert ("共3项：SYNTHETIC规划的目标2项，另有上一规划（上一规划（SYNTHETIC））的目标1项（在附录上一规划（SYNTHETIC）回顾中评估）"
            in files["targets.md"])


def test_the_place_in_the_plan_is_named_once(files):
    where = _text(files["targets/inc.html"]).split("出处 ", 1)[1].split(" 单位", 1)[0]
    assert where == "SYNTHETIC发展目标（第一章第四节）"
    where = _text(files["targets/old.html"]).split("出处 ", 1)[1].split(" 单位", 1)[0]
    assert where == "上一规划SYNTHETIC指标完成情况（表1） 表1-1"


def test_the_outlooks_two_bands_end_with_the_worse(files):
    """SYNTHETIC 7.386 → 8.8 (2020–2023), target 10 in 2025: required (10 ÷ 8.8)^(1/2) − 1 = 6.60% a year against
    (8.8 ÷ 7.386)^(1/3) − 1 = 6.01% observed, A = 1.10 (需加快); extrapolated 8.8 × 1.0601² = 9.89, shortfall
    (10 − 9.89) ÷ 2.614 = 4.2% (预计可完成): the step named the rule but not its result."""
    text = _text(files["targets/inc.html"])
    assert "加速系数 1.10 在 1÷0.95≈1.05 与 2 之间 → 需加快方可完成" in text and "外推缺口 4.2% ≤ 5% → 预计可完成" in text
    assert "两项取较差者 → 需加快方可完成" in text


def test_an_imports_row_names_the_file_not_its_path_and_the_change_in_words():
    """The history of a card showed /tmp/…/incoming/20261205-154204_fill.csv under 类别 and `new` under 依据."""
    plan = PLAN.__class__(**{**PLAN.__dict__, "tables": TABLES})
    registry = pd.DataFrame([{**REG_DEFAULTS, **t} for t in TARGETS])
    observations = pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": i, "year": y, "value": v, "source_id": s,
                                  "quote": f"SYNTHETIC {i} {y}"} for i, y, v, s in VALUES])
    rep = report_for(registry, observations, plan=plan)
    cards = targetpage.Cards(rep, targetpage.history(rep))
    cards.changelog = pd.DataFrame([
        {"imported_at": "2026-12-05T15:42:04", "file": "/srv/SYNTHETIC/incoming/20261205-154204_fill.csv",
         "indicator_id": "lin", "year": "2023", "change": "new", "old_value": "", "new_value": "150"},
        {"imported_at": "2026-12-06T09:00:00", "file": "/srv/SYNTHETIC/incoming/fix.xlsx",
         "indicator_id": "lin", "year": "2023", "change": "revised", "old_value": "150", "new_value": "151.5"}])
    text = _text(cards.history_table("lin", "main")).replace(" ", "")   # figures sit in spans of their own
    assert "2026-12-05导入数据导入（20261205-154204_fill.csv）2023年数值：—→150亿元新增" in text
    assert "2026-12-06导入数据导入（fix.xlsx）2023年数值：150亿元→151.5亿元修订" in text
    assert "/srv/" not in text and "new" not in text


def test_the_changelog_page_names_the_imported_file_not_its_path(tmp_path):
    from planeval.report import datapage

    plan = PLAN.__class__(**{**PLAN.__dict__, "tables": TABLES, "folder": tmp_path})
    (tmp_path / "changelog.csv").write_text(
        "imported_at,file,indicator_id,year,change,old_value,old_source_id,new_value,new_source_id\n"
        "2026-12-05 15:42:04,/srv/SYNTHETIC/incoming/20261205-154204_fill.csv,lin,2023,new,,,150,s23\n", encoding="utf-8")
    registry = pd.DataFrame([{**REG_DEFAULTS, **t} for t in TARGETS])
    observations = pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": i, "year": y, "value": v, "source_id": s,
                                  "quote": f"SYNTHETIC {i} {y}"} for i, y, v, s in VALUES])
    page = _text(datapage.changelog_html(report_for(registry, observations, plan=plan)))
    assert "导入 20261205-154204_fill.csv" in page and "/srv/" not in page


def test_a_long_list_of_cards_folds_a_short_one_stays_open(monkeypatch):
    """The list page of 171 cards was ten screens of a phone: a table with more cards than LIST_OPEN_UP_TO folds
    behind a summary with its count (here the limit is lowered to 1: the main table's two cards fold, the goal
    table's one stays open)."""
    from planeval.report import fmt

    monkeypatch.setattr(targetpage, "LIST_OPEN_UP_TO", 1)
    monkeypatch.setattr(fmt, "FOLD_OPEN_UP_TO", 1)   # fold() opens a list of three or fewer
    plan = PLAN.__class__(**{**PLAN.__dict__, "tables": TABLES})
    registry = pd.DataFrame([{**REG_DEFAULTS, **t} for t in TARGETS]
                            + [{**REG_DEFAULTS, **TARGETS[1], "id": "lin2", "name_zh": "SYNTHETIC线性二"}])
    observations = pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": i, "year": y, "value": v, "source_id": s,
                                  "quote": f"SYNTHETIC {i} {y}"} for i, y, v, s in VALUES])
    md = targetpage.render(report_for(registry, observations, plan=plan))["targets.md"]
    main, goal = md.split("## SYNTHETIC主要指标表（2项）", 1)[1].split("## ", 1)[0], md.split("## SYNTHETIC发展目标", 1)[1]
    assert '<details class="fold"><summary>2张指标卡</summary><ol class="tc-list">' in main
    assert "<details" not in goal.split("## ", 1)[0]


def test_a_published_value_equal_to_the_printed_baseline_is_not_read_as_refused():
    """The GDP card listed the plan's start 2266.1 (2020) under 未采用 as 早于评估窗口, while the arithmetic starts
    from the same 2266.1: the row now says it equals the printed baseline, which is the start. SYNTHETIC values."""
    plan = PLAN.__class__(**{**PLAN.__dict__, "tables": TABLES})
    registry = pd.DataFrame([{**REG_DEFAULTS, **TARGETS[1]}])
    observations = pd.DataFrame([{**OBS_DEFAULTS, "indicator_id": "lin", "year": y, "value": v, "source_id": "s",
                                  "quote": "SYNTHETIC"} for y, v in ((2019, 95), (2020, 100), (2023, 150))])
    unused = _section(targetpage.render(report_for(registry, observations, plan=plan))["targets/lin.html"],
                      "未采用的数值及原因").replace(" ", "")
    assert "2020100亿元全区SYNTHETIC来源s官方原文（发布机关网站）与规划所列2020年基期值相同；计算以规划所列基期值为起点，本数值只作核对" in unused
    assert "201995亿元全区SYNTHETIC来源s官方原文（发布机关网站）2019年早于评估窗口（2021年起），只作背景，不参与评分" in unused
