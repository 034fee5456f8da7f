"""One rule of agreement between a verdict stated by someone else (a published evaluator's, or a government
report's statement about its own targets) and this report's verdict on the same target, for every page that
compares them (方法检验: report.validation; 与官方表述对照: report.evaluation).

The rule: the same class, nothing else. The classes (提前实现, 快于预期, 符合预期 — with 基本符合预期 —, 滞后) are
mutually exclusive: an evaluator who had 快于预期 to choose from and wrote 基本符合预期 said the target is not ahead.
Counting our 快于预期 as agreeing with that ("at least on track") would make agreement one-sided (an
understatement agrees, an overstatement does not) and give two pages of one book two counts for the same
statements. So a difference either way is 不一致, and the text says in which direction: whether this report's
verdict is better or worse than the statement. A target this report cannot judge is 无法对照."""
from __future__ import annotations

# worst to best: the order in which one verdict is better than another
ORDER = ("lagging", "on_track", "ahead", "achieved")
UNJUDGED = ("pending", "not_assessable", "unclear")

AGREE, DIFFER, UNKNOWN = "agree", "differ", "unknown"
WORDS = {AGREE: "一致", DIFFER: "不一致", UNKNOWN: "无法对照"}


def rule_text(theirs: str = "表述", unjudged: str = "为无法对照") -> str:
    """What counts as agreement, in the words of the page: ``theirs`` names the other side's verdict."""
    return (f"只有分类相同才算一致：{theirs}为“基本符合预期”而本报告判为“快于预期”的，也算不一致"
            f"（不一致的注明本报告的结论好于还是差于{theirs}）；本报告因缺少数据、可比数据或目标值而不能作出结论的，{unjudged}。")


def agreement(stated: str, ours: str) -> str:
    """AGREE when this report's class (``ours``, rules.yml's NDRC class) is the stated class, UNKNOWN when this report
    has no verdict, DIFFER otherwise."""
    if ours in UNJUDGED or ours not in ORDER:
        return UNKNOWN
    return AGREE if ours == stated else DIFFER


def direction(stated: str, ours: str, theirs: str = "表述") -> str:
    """For a disagreement: 本报告的结论好于表述 / 差于表述 (``theirs`` names the other side; empty when the classes
    cannot be ordered)."""
    if stated not in ORDER or ours not in ORDER or stated == ours:
        return ""
    return f"本报告的结论{'好于' if ORDER.index(ours) > ORDER.index(stated) else '差于'}{theirs}"
