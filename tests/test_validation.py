"""方法检验 under every dated version of the rules (planeval/engine/rule_history.yml), on a SYNTHETIC plan with a
SYNTHETIC reference set whose agreement is counted by hand; the methodology page's quoted anchors; one label set
for tables and summaries."""
import re
import shutil

import pytest

from conftest import SYNTHETIC_PLAN
from planeval.engine.rules import load_history, load_rules, rule_versions
from planeval.labels import label
from planeval.report import methodology, validation
from planeval.report.words import unfold, words

# SYNTHETIC reference verdicts for the synthetic plan, data through 2028. Our classes by version, from the fixture's
# hand computations (tests/test_synthetic_plan.py):
#   syn_relational  gap +0.07 pp, kept every year: 提前实现 (v1) → 符合预期 (v2, v3)       reference on_track
#   syn_ceiling     3.1, 3.2, 3.3 < 3.5 every year: 提前实现 (v1) → 符合预期 (v2, v3)       reference achieved
#   syn_cumulative_reduction (约束性) r = 0.932: 滞后 (v1, v2 demote) → 需加力 (v3)          reference on_track
#   syn_goal_level  2027 81 ≥ 80: 提前实现 (all)                                           reference achieved
#   syn_level       r = 0.667: 需加力, class on_track (all)                                 reference lagging
REFERENCE = {"syn_relational": "on_track", "syn_ceiling": "achieved", "syn_cumulative_reduction": "on_track",
             "syn_goal_level": "achieved", "syn_level": "lagging"}
HAND_AGREE = {1: 2,   # ceiling, goal_level
              2: 2,   # relational, goal_level
              3: 3}   # relational, cumulative_reduction, goal_level
HAND_FLIPPED = {1: (), 2: (("合成居民收入增长率", "一致"), ("合成污染指数", "不一致")), 3: (("合成能耗强度降低", "一致"),)}


@pytest.fixture()
def judged(tmp_path, monkeypatch):
    folder = tmp_path / "syn-judged"
    shutil.copytree(SYNTHETIC_PLAN, folder)
    rows = "".join(f"{i},{c},syn_stats,SYNTHETIC\n" for i, c in REFERENCE.items())
    (folder / "reference_verdicts.csv").write_text("indicator_id,ndrc_class,source_id,quote\n" + rows, encoding="utf-8")
    (folder / "reference_verdicts.meta.yml").write_text(
        "title: SYNTHETIC\nevaluator: 合成评估机构\npublished: 某月\ndata_through: 2028\nsource_id: syn_stats\n",
        encoding="utf-8")
    real = load_history()
    arrivals = {"syn-judged": {"date": "SYNTHETIC", "commit": "c0ffee", "version": 2}}
    monkeypatch.setattr(validation, "load_history", lambda: {**real, "reference_arrivals": arrivals})
    return folder


def test_the_history_matches_the_hand_count(judged):
    assert [v["version"] for v in rule_versions()] == [1, 2, 3]
    got = validation.history(judged)
    assert {v.version: v.agree for v in got} == HAND_AGREE
    assert all(v.n == 5 for v in got)
    assert {v.version: v.flipped for v in got} == HAND_FLIPPED
    assert [v.in_force_at_arrival for v in got] == [False, True, False]
    # today's comparison is the last version's
    assert validation.compare(judged).agree == HAND_AGREE[3]


def test_the_history_table_and_the_plain_sentence(judged):
    html = validation.history_table(judged)
    counts = re.findall(r'data-label="一致数（共5项）">(?:<span class="figure">)?(\d+)', html)
    assert counts == ["2", "2", "3"]
    assert "第2版（对照结论加入时适用）" in html and "第3版（现行）" in html
    for v in rule_versions():
        assert unfold(v["text"]) in html
    assert html.index("合成污染指数变为不一致") > html.index("第2版：")
    sentence = validation.history_sentence(judged)
    assert "当时适用第2版规则，一致2项；现行第3版规则一致3项（共5项）" in sentence
    assert "也不能说没有针对对照结论作过调整" in sentence
    assert "不为了与对照结论一致而调整" not in sentence


def test_the_versions_replay_the_current_settings_and_record_a_date_and_basis():
    versions = rule_versions()
    assert [v["version"] for v in versions] == sorted(v["version"] for v in versions)
    for v in versions:
        assert v["date"] and v.get("text")
        for change in v.get("changes", []):
            assert change["anchor"] in load_rules()["anchors"], change
    # the last version's values are today's settings
    for change in versions[-1]["changes"]:
        assert load_rules()[change["setting"]] == change["value"]


def test_every_anchor_of_the_current_version_is_quoted_with_document_publisher_and_date():
    history = load_history()
    texts = history["anchor_texts"]
    for t in texts.values():
        assert t["quote"].strip() and t["document"] and t["publisher"] and t["date"] and t["read_from"]
    latest = rule_versions()[-1]
    keys = [c["anchor"] for c in latest["changes"]] + [r["anchor"] for r in latest.get("reviewed", [])]
    html = methodology.anchor_quotes_html(keys)
    for key in keys:
        quoted = [t for t in texts.values() if key in t["anchors"]]
        assert quoted, f"anchor {key} has no quoted text"
        for t in quoted:
            assert unfold(t["quote"].strip()) in html and t["document"] in html and str(t["date"]) in html
    decisions = words("methodology")["rule_decisions"]
    assert set(keys) <= set(decisions)
    # the disputed held-commitment anchor no longer rests on the energy sentence alone
    assert "统筹考核" not in load_rules()["anchors"]["held"]


def test_one_label_set_for_tables_and_summaries():
    """A row reading 符合预期 or 基本符合预期（需加力） is counted in a class whose name says both."""
    rules = load_rules()
    members = [s for s, spec in rules["statuses"].items() if spec["class"] == "on_track"]
    assert sorted(members) == ["needs_acceleration", "on_track"]
    name = label("ndrc_class", "on_track", "midterm")
    for s in members:
        assert label("status", s, "midterm").split("（")[0] in name, s
    # the evaluator's own word stays its own
    assert label("reference_class", "on_track") == "基本符合预期"
